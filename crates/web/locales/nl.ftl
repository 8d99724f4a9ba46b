# Interfacetekst van LSH Hub, Nederlands. Elke boodschap hier staat ook in en.ftl (getest).

site-name = LSH Hub
site-tagline = Life Sciences & Health × AI in { $region }
skip-to-content = Direct naar de inhoud
nav-label = Hoofdnavigatie
nav-home = Home
nav-organisations = Organisaties
nav-calls = Subsidieoproepen
language-switch-label = Taal
language-en = English
language-nl = Nederlands
footer-data = Gegevens: organisaties uit de Research Organization Registry (ROR, CC0); subsidieoproepen uit het EU Funding & Tenders-portaal.
footer-api = JSON-API (OpenAPI)
footer-feed-calls = Feed met oproepen (Atom)
footer-feed-deadlines = Agenda met deadlines (iCal)

home-title = Eén hub voor Life Sciences & Health en AI in { $region }
home-lead = De partners van het cluster — de gemeente, de universiteiten, de universitair medische centra, onderzoeksinstituten en de economic board — hebben afgesproken samen te werken aan life sciences & health en kunstmatige intelligentie. Deze hub maakt die samenwerking voor iedereen zichtbaar.
home-intro = Bedrijven die overwegen zich hier te vestigen, onderzoekers op zoek naar partners of data, start-ups op zoek naar financiering en labruimte, en de stad zelf vinden hier dezelfde feiten, in het Nederlands en het Engels, met dezelfde cijfers die elke partner publiceert.
home-together = Wat de partners samen doen
home-action-proposition = Eén propositie van de regio naar de wereld uitdragen.
home-action-acquisition = Samen bedrijven aantrekken, met één aanspreekpunt.
home-action-exchange = Gemeente, kennisinstellingen en bedrijven met elkaar verbinden.
home-action-talent = Talent opleiden, aantrekken en behouden.
home-action-space = Ruimte maken voor nieuwe initiatieven, zoals labruimte.
home-action-financing = De weg wijzen naar subsidies en financiering.
home-action-ecosystem = Het ecosysteem als geheel versterken.
home-action-data = Gezondheidsdata vindbaar maken, zodat AI-onderzoek ze kan aanvragen.
home-figures = Kerncijfers
home-organisations-total = { $count ->
    [one] { $shown } organisatie
   *[other] { $shown } organisaties
}
home-by-kind = Organisaties per soort
home-open-calls = { $count ->
    [one] { $shown } open subsidieoproep
   *[other] { $shown } open subsidieoproepen
}
home-forthcoming-calls = { $count ->
    [one] { $shown } aangekondigde oproep
   *[other] { $shown } aangekondigde oproepen
}
home-next-deadlines = Eerstvolgende deadlines
home-no-deadlines = Er is nu geen open oproep met een deadline in het verschiet. Aangekondigde oproepen staan bij de subsidieoproepen.
home-all-calls = Alle subsidieoproepen
home-browse-directory = Bekijk de organisaties
home-for-developers = Voor ontwikkelaars en partners
home-developers-text = Elk cijfer op deze pagina komt uit dezelfde gegevens als de JSON-API, zodat alle partners dezelfde cijfers publiceren.

kind-company = Bedrijf
kind-healthcare = Zorg
kind-education = Onderwijs
kind-research-institute = Onderzoeksinstituut
kind-government = Overheid
kind-nonprofit = Non-profit
kind-archive = Archief
kind-other = Overig

status-open = Open
status-forthcoming = Aangekondigd
status-closed = Gesloten

filter-heading = Filteren
filter-text = Naam bevat
filter-kind = Soort
filter-city = Plaats
filter-country = Land
filter-sort = Sorteren op
filter-any = Alle
filter-apply = Filters toepassen
filter-reset = Filters wissen
filter-programme = Programma
filter-status = Status
filter-deadline-from = Deadline vanaf
filter-deadline-to = Deadline tot en met
filter-budget-min = Subsidie minstens (EUR)
filter-budget-max = Subsidie hoogstens (EUR)
filter-problem-heading = Deze filters kunnen niet worden toegepast
filter-problem-title = Fout
filter-hint-text = gebruik hoogstens 200 tekens, zonder regeleinden of stuurtekens.
filter-hint-choice = kies een van de mogelijkheden in de lijst.
filter-hint-deadline-from = kies een dag die niet later is dan “Deadline tot en met”.
filter-hint-date = kies een dag.
filter-hint-amount = vul een heel aantal euro in, 0 of meer.
filter-text-calls = Titel, onderwerp of trefwoord bevat

sort-name = Naam (A–Z)
sort-name-desc = Naam (Z–A)
sort-city = Plaats
sort-updated = Onlangs bijgewerkt
sort-deadline = Deadline (eerste eerst)
sort-deadline-desc = Deadline (laatste eerst)
sort-title = Titel
sort-budget = Grootste subsidie eerst

organisations-title = Organisaties
organisations-lead = Bedrijven, ziekenhuizen, universiteiten, instituten, overheden en fondsen in de regio en daarbuiten.
organisations-count = { $count ->
    [one] { $shown } organisatie
   *[other] { $shown } organisaties
}
organisations-empty = Geen organisatie voldoet aan deze filters.
organisations-empty-hint = Probeer minder woorden, een andere spelling, of wis een filter.
organisations-empty-search = Zoek in alles
organisations-none = De lijst is nog leeg: er zijn nog geen organisaties geïmporteerd.
column-name = Naam
column-kind = Soort
column-city = Plaats
column-country = Land

pager-label = Pagina's
pager-previous = Vorige
pager-next = Volgende
pager-range = { $from }–{ $to } van { $total }

organisation-aliases = Ook bekend als
organisation-sectors = Sectoren
organisation-identifiers = Identificatie
organisation-website = Website
organisation-email = E-mail
organisation-location = Locatie
organisation-address = Adres
organisation-coordinates = Coördinaten
organisation-map = Toon op OpenStreetMap
organisation-description = Over
organisation-no-identifiers = Geen identificatie bekend.
organisation-no-description = Nog geen beschrijving: de Research Organization Registry (ROR), waar deze gegevens vandaan komen, geeft er geen.
organisation-kvk = KvK-nummer
organisation-lei = LEI
organisation-ror = ROR
provenance-heading = Herkomst van deze gegevens
provenance-source = Bron
provenance-record = Gegevens in de bron
provenance-first-imported = Eerst geïmporteerd
provenance-last-updated = Laatst bijgewerkt uit de bron
source-ror = Research Organization Registry (ROR)
source-eu-ft = EU Funding & Tenders-portaal

country-nl = Nederland
country-be = België
country-de = Duitsland
country-fr = Frankrijk
country-lu = Luxemburg
country-gb = Verenigd Koninkrijk

calls-title = Subsidieoproepen
calls-lead = Open en aangekondigde oproepen van EU-programma's, met hun deadlines en budgetten.
calls-count = { $count ->
    [one] { $shown } oproep
   *[other] { $shown } oproepen
}
calls-empty = Geen oproep voldoet aan deze filters.
calls-empty-hint = Verruim de periode van de deadline, kies een ander programma, of wis de filters.
calls-none = Er zijn nog geen subsidieoproepen: er is nog niets geïmporteerd.
calls-subscribe = Volg nieuwe oproepen (Atom-feed)
calls-calendar = Deadlines in uw agenda (iCal)
column-deadline = Deadline
column-budget = Subsidiebedrag

call-topic-id = Topic-ID
call-programme = Programma
call-cluster = Cluster
call-call = Oproep
call-type-of-action = Soort actie
call-deadlines = Deadlines
call-deadline-model = Deadlinemodel
call-budget = Subsidiebedrag
call-expected-grants = Verwachte toekenningen
call-keywords = Trefwoorden
call-description = Beschrijving
call-conditions = Voorwaarden
call-support = Ondersteuning en contact
call-portal = Open deze oproep in het EU Funding & Tenders-portaal
call-no-description = De bron geeft geen beschrijving.
call-budget-unknown = niet vermeld
call-no-deadline = niet vermeld

error-title-400 = Dit verzoek kan niet worden beantwoord
error-title-404 = Pagina niet gevonden
error-title-500 = Er ging iets mis
error-title-other = Fout { $status }
error-explain-400 = Een waarde in het adres is ongeldig:
error-explain-404 = Op dit adres staat niets. De pagina is misschien verplaatst, of de link bevat een tikfout.
error-explain-500 = De hub kon dit verzoek niet afmaken. Dit is vastgelegd; probeer het later opnieuw.
error-home = Naar de homepagina
error-search = Zoeken in de hub

nav-search = Zoeken
search-title = Zoeken
search-lead = Vind organisaties en subsidieoproepen met gewone woorden, in het Nederlands of Engels.
search-label = Waar zoekt u naar?
search-type = Zoeken in
search-type-organisation = Organisaties
search-type-call = Subsidieoproepen
search-button = Zoeken
search-count = { $count ->
    [one] { $shown } resultaat
   *[other] { $shown } resultaten
}
search-empty = Niets gevonden voor
search-empty-hint = Probeer andere of minder woorden, of controleer de spelling.
search-why = Gevonden op
search-field-name = naam
search-field-other-names = andere namen
search-field-description = beschrijving
search-field-similar-spelling = vergelijkbare spelling
entity-organisation = Organisatie
entity-call = Subsidieoproep
