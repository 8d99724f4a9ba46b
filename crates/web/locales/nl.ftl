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
filter-hint-budget-min = vul een heel aantal euro in, 0 of meer, en niet meer dan bij “Subsidie hoogstens”.
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
search-field-place = plaats
search-field-similar-spelling = vergelijkbare spelling
search-field-meaning = vergelijkbare betekenis
search-field-translation = vertaald
search-field-facet = filter
entity-organisation = Organisatie
entity-call = Subsidieoproep
match-applicants-heading = Organisaties die kunnen aanvragen
match-applicants-lead = Organisaties in de hub waarvan naam en profiel de onderwerpen van deze oproep delen, onderzoeks- en zorginstellingen eerst.
match-calls-heading = Passende subsidieoproepen
match-calls-lead = Subsidieoproepen over de onderwerpen waar deze organisatie om bekendstaat, open oproepen eerst.
match-similar-heading = Vergelijkbare organisaties
match-similar-lead = Organisaties met een naam en profiel zoals deze, van hetzelfde soort en dezelfde plaats eerst.
match-none = Geen overeenkomsten gevonden.
match-shared-words = Gedeelde woorden
match-similarity = Gelijkenis
match-same-kind = zelfde soort
match-same-city = zelfde plaats
match-same-country = zelfde land

# Accounts, beheerders van organisaties en beheer van de hub.
nav-account = Mijn account
nav-login = Inloggen
nav-logout = Uitloggen
nav-admin = Beheer
role-member = Lid
role-partner = Partner
role-admin = Beheerder
field-display-name = Uw naam
field-email = E-mailadres
field-password = Wachtwoord
field-new-password = Nieuw wachtwoord
field-current-password = Huidig wachtwoord
field-password-hint = Minstens 12 tekens; een paar woorden die u onthoudt vormen een goed wachtwoord.
field-confirm-email = Typ uw e-mailadres ter bevestiging
field-token-name = Naam van de token
field-token-scope = Wat de token mag
field-claim-message = Uw rol bij de organisatie
field-description-en = Beschrijving in het Engels
field-description-nl = Beschrijving in het Nederlands
field-sectors = Sectoren
field-sectors-hint = Scheid sectoren met komma's.
field-kvk-hint = Acht cijfers.
field-street = Straat en huisnummer
field-postcode = Postcode
field-city = Plaats
register-title = Account aanmaken
register-intro = Met een account houdt u het profiel van uw organisatie bij en gebruikt u de API met uw eigen tokens.
register-submit = Account aanmaken
register-have-account = Ik heb al een account
register-done-title = Kijk in uw mailbox
register-done-text = We stuurden een link naar { $email }. Open die om uw adres te bevestigen en log daarna in.
verify-done-title = Uw e-mailadres is bevestigd
verify-done-text = Dank u. U kunt nu het profiel van uw organisatie claimen.
verify-failed-title = Deze link werkt niet
verify-failed-text = De link is onbekend, al gebruikt of verlopen. Vraag een nieuwe aan.
login-title = Inloggen
login-submit = Inloggen
login-failed = Het e-mailadres of wachtwoord klopt niet.
login-oidc = Inloggen via uw instelling
login-link-title = Inloggen met een link
login-link-intro = Druk op de knop om in te loggen. De link werkt één keer.
login-link-sent-title = Kijk in uw mailbox
login-link-sent-text = Voor uw account zijn de laatste tijd veel verkeerde wachtwoorden geprobeerd, daarom loggen we nu niet met alleen het wachtwoord in. We stuurden een inloglink naar { $email }; die werkt één keer, 15 minuten lang.
mail-login-link-subject = Uw inloglink voor LSH Hub
mail-login-link-body = Iemand logde in op LSH Hub met uw wachtwoord terwijl voor uw account veel verkeerde wachtwoorden worden geprobeerd. Was u het, open dan deze link om in te loggen: { $link } (hij werkt één keer, 15 minuten lang). Was u het niet, kies dan nu een nieuw wachtwoord: iemand anders kent uw wachtwoord.
reset-title = Wachtwoord vergeten?
reset-intro = Vul uw e-mailadres in en we sturen u een link om een nieuw wachtwoord te kiezen.
reset-submit = Link versturen
reset-sent-title = Kijk in uw mailbox
reset-sent-text = Als { $email } een account heeft, is er een link onderweg om een nieuw wachtwoord te kiezen. Die werkt twee uur.
reset-new-title = Kies een nieuw wachtwoord
reset-new-submit = Wachtwoord opslaan
reset-done-title = Uw wachtwoord is gewijzigd
reset-done-text = U bent overal uitgelogd en uw API-tokens zijn ingetrokken. Log in met uw nieuwe wachtwoord.
mail-verify-subject = Bevestig uw e-mailadres voor LSH Hub
mail-verify-body = Welkom bij LSH Hub. Open deze link om uw e-mailadres te bevestigen: { $link } (hij werkt 48 uur). Heeft u geen account aangemaakt, negeer dit bericht dan.
mail-reset-subject = Kies een nieuw wachtwoord voor LSH Hub
mail-exists-subject = U heeft al een account bij LSH Hub
mail-exists-body = Iemand, misschien u, probeerde een account bij LSH Hub aan te maken met dit e-mailadres, dat er al een heeft. Log ermee in, of open deze link om een nieuw wachtwoord te kiezen: { $link } (hij werkt twee uur). Was u het niet, negeer dit bericht dan; er is niets veranderd.
mail-reset-body = Open deze link om een nieuw wachtwoord te kiezen: { $link } (hij werkt twee uur). Heeft u dit niet gevraagd, negeer dit bericht dan; uw wachtwoord blijft hetzelfde.
mail-linked-subject = Uw LSH Hub-account logt nu in via uw identiteitsprovider
mail-linked-body = Uw account bij LSH Hub is zojuist gekoppeld aan inloggen via een identiteitsprovider die dit e-mailadres heeft bevestigd. Voor de veiligheid zijn het wachtwoord, de sessies en de API-tokens van het account beëindigd. Log voortaan in via de provider, of open deze link om een nieuw wachtwoord te kiezen: { $link } (hij werkt twee uur). Was u het niet, meld het dan aan de beheerders van de hub.
account-title = Mijn account
account-role = Rol
account-verified = bevestigd
account-resend-verification = Stuur de link opnieuw
account-unverified = Uw e-mailadres is nog niet bevestigd. Open de link die we u mailden.
account-tokens-unverified = Bevestig uw e-mailadres om API-tokens te maken. Tokens die u al heeft, werken weer zodra het bevestigd is.
account-profile = Profiel
account-save = Opslaan
account-organisations = Mijn organisaties
account-no-organisations = U beheert nog geen organisatie. Open haar pagina in de gids en claim haar.
account-claims = Mijn claims
account-tokens = API-tokens
account-tokens-intro = Met persoonlijke tokens gebruiken uw eigen scripts de JSON-API namens u: stuur ze mee als "Authorization: Bearer TOKEN". Een ingetrokken token werkt meteen niet meer.
account-privacy = Sessies en privacy
account-logout-everywhere = Op alle apparaten uitloggen
account-logout-everywhere-intro = Dit beëindigt elke sessie, ook deze, en trekt al uw API-tokens in.
account-password = Wachtwoord
account-password-intro = Als u uw wachtwoord wijzigt, wordt u op alle andere apparaten uitgelogd en worden al uw API-tokens ingetrokken; hier blijft u ingelogd.
account-password-submit = Wachtwoord wijzigen
password-changed-title = Uw wachtwoord is gewijzigd
password-changed-text = U bent op alle andere apparaten uitgelogd en uw API-tokens zijn ingetrokken. Maak op uw accountpagina nieuwe tokens aan voor uw scripts.
mail-password-changed-subject = Uw wachtwoord voor LSH Hub is gewijzigd
mail-password-changed-body = Het wachtwoord van uw account op LSH Hub is zojuist gewijzigd, en alle andere sessies en API-tokens van het account zijn beëindigd. Was u dit niet? Kies dan meteen een nieuw wachtwoord: { $link }
account-export = Al mijn gegevens downloaden (JSON)
token-scope-read = Lezen
token-scope-write = Lezen en mijn organisaties bewerken
token-create = Token aanmaken
token-created = Uw nieuwe token staat hieronder. Kopieer hem nu: hij wordt niet nog eens getoond.
token-created-at = Aangemaakt
token-state = Status
token-revoke = Intrekken
token-revoked = ingetrokken
token-last-used = Laatst gebruikt
token-never-used = nooit
delete-title = Mijn account verwijderen
delete-intro = Dit verwijdert uw naam, e-mailadres, sessies, tokens en claims. De profielen van organisaties blijven zoals ze zijn; het logboek van wijzigingen bewaart ze zonder uw naam.
delete-submit = Mijn account definitief verwijderen
delete-confirm-mismatch = Dit is niet het e-mailadres van uw account.
delete-done-title = Uw account is verwijderd
delete-done-text = Alle persoonlijke gegevens die de hub over u had, zijn verwijderd.
claim-status-pending = wacht op goedkeuring
claim-status-approved = goedgekeurd
claim-status-rejected = afgewezen
claim-title = Het profiel van { $name } beheren
claim-intro = Leden van een organisatie houden haar profiel actueel. Hoort uw bevestigde e-mailadres bij het domein van de website van de organisatie, dan bent u meteen goedgekeurd; anders bekijkt een beheerder uw verzoek.
claim-hint = Bijvoorbeeld: "Ik ben communicatiemedewerker." Een beheerder leest dit.
claim-submit = Verzoek versturen
claim-approved-title = U beheert dit profiel nu
claim-approved-text = Uw e-mailadres past bij de website van de organisatie, dus uw verzoek is meteen goedgekeurd.
claim-pending-title = Uw verzoek is verstuurd
claim-pending-text = Een beheerder bekijkt het. Op uw accountpagina ziet u hoe het ervoor staat.
claim-back = Terug naar de organisatie
organisation-edit = Profiel bewerken
organisation-claim = Werkt u hier? Beheer dit profiel
organisation-last-edited = Profiel laatst bewerkt door haar leden
organisation-last-verified = Beheerder laatst bevestigd
edit-title = Het profiel van { $name } bewerken
edit-intro = Wijzigingen zijn meteen openbaar. Elke wijziging wordt bewaard met wie haar deed en wanneer.
edit-submit = Profiel opslaan
admin-title = Beheer
admin-users = Gebruikers en rollen
admin-claims = Claims
admin-partners = Partnerorganisaties
admin-audit = Auditlog
admin-user-count = { $count ->
    [one] { $shown } account
   *[other] { $shown } accounts
}
admin-pending-claims = { $count ->
    [one] { $shown } claim wacht op een besluit
   *[other] { $shown } claims wachten op een besluit
}
admin-unverified = niet bevestigd
admin-change-role = Rol wijzigen
admin-no-claims = Er zijn geen claims.
admin-claim-role = Rol bij de organisatie
admin-organisation = Organisatie
admin-approve = Goedkeuren
admin-reject = Afwijzen
admin-no-partners = Nog geen partnerorganisaties.
admin-remove-partner = Verwijderen
admin-partner-slug = Organisatie (het laatste deel van haar adres, bijv. sanquin)
admin-add-partner = Partner toevoegen
admin-audit-action = Actie
admin-audit-at = Tijd (UTC)
admin-audit-actor = Wie
admin-audit-subject = Over
admin-audit-detail = Details
admin-audit-client = Vanaf
admin-filter = Filteren
admin-account-state = Status
admin-disabled = uitgeschakeld
admin-disable = Account uitschakelen
admin-enable = Account weer inschakelen
admin-disable-hint = Een uitgeschakeld account kan niet inloggen; de sessies eindigen en de API-tokens werken meteen niet meer, tot het account weer is ingeschakeld.
admin-revoke-credentials = Alle tokens intrekken en alle sessies beëindigen
admin-remove-membership = Verwijderen als beheerder
admin-no-memberships = Dit account beheert geen organisatie.
admin-no-tokens = Dit account heeft geen API-tokens.
account-state-unverified = adres niet bevestigd
account-state-verified = actief
account-state-disabled = uitgeschakeld

# Why a value is refused; after the field's name, so lower case.
invalid-empty = mag niet leeg zijn
invalid-too-short = moet minstens { $min } tekens lang zijn
invalid-too-long = mag hoogstens { $max } tekens lang zijn
invalid-control-characters = mag geen stuurtekens bevatten
invalid-direction-controls = mag geen tekens bevatten die de schrijfrichting veranderen
invalid-not-utf8 = is geen geldige UTF-8-tekst
invalid-not-one-line = moet één regel zijn
invalid-no-letter-or-digit = moet minstens één letter of cijfer bevatten
invalid-comma = '{ $value }' mag geen komma bevatten
invalid-web-address = '{ $value }' is geen http(s)-webadres
invalid-email-address-value = '{ $value }' is geen e-mailadres
invalid-email-address = is geen e-mailadres (naam@voorbeeld.nl)
invalid-few-distinct-characters = gebruikt te weinig verschillende tekens
invalid-well-known-password = is een veelgebruikt wachtwoord
invalid-contains-email-address = mag uw e-mailadres niet bevatten
invalid-negative = mag niet negatief zijn
invalid-out-of-range = moet tussen { $min } en { $max } liggen
invalid-whole-number-in-range = moet een geheel getal van { $min } tot en met { $max } zijn
invalid-whole-number = '{ $value }' is geen geheel getal
invalid-date = '{ $value }' is geen datum (JJJJ-MM-DD)
invalid-more-than = mag niet meer zijn dan { $other }
invalid-value-more-than = { $value } is meer dan { $other } { $limit }
invalid-after = mag niet na { $other } liggen
invalid-not-chronological = moet in chronologische volgorde staan
invalid-coordinates-apart = breedte- en lengtegraad horen samen
invalid-too-many-sectors = hoogstens { $max } sectoren
invalid-not-one-of = '{ $value }' is niet een van: { $allowed }
invalid-not-either = '{ $value }' is niet { $first } of { $second }
invalid-neither-of = moet { $first } of { $second } zijn
invalid-give-one-of = geef één van { $choices }
invalid-give-only-one-of = geef maar één van { $choices }
invalid-topic-id = '{ $value }' is geen topic-id (letters, cijfers, '-', '_', '.', '/')
invalid-ror-id = '{ $value }' is geen ROR-id (zoals https://ror.org/03xqtf034)
invalid-ror-checksum = '{ $value }' heeft een onjuist ROR-controlegetal
invalid-kvk-number = '{ $value }' is geen KvK-nummer (acht cijfers)
invalid-lei = '{ $value }' is geen LEI (20 letters en cijfers)
invalid-country-code = '{ $value }' is geen landcode van twee letters
invalid-no-such-organisation = geen organisatie heeft de adresnaam '{ $slug }'
invalid-no-such-call = geen oproep heeft de topic-id '{ $topic }'
invalid-address-name = '{ $value }' is geen adresnaam (kleine letters, cijfers en koppeltekens)
invalid-too-many-links = hoogstens { $max } links
invalid-in-the-past = { $value } is voorbij; geef vandaag of een latere datum
invalid-wrong-password = is niet uw huidige wachtwoord
invalid-last-admin = de hub heeft minstens één beheerder nodig; maak eerst iemand anders beheerder
