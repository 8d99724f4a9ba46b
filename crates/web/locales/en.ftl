# Interface text of LSH Hub, English. Every message here exists in nl.ftl too (tested).

site-name = LSH Hub
site-tagline = Life Sciences & Health × AI in { $region }
skip-to-content = Skip to main content
nav-label = Main navigation
nav-home = Home
nav-organisations = Organisations
nav-calls = Funding calls
language-switch-label = Language
language-en = English
language-nl = Nederlands
footer-data = Data: organisations from the Research Organization Registry (ROR, CC0); funding calls from the EU Funding & Tenders portal.
footer-api = JSON API (OpenAPI)
footer-feed-calls = Calls feed (Atom)
footer-feed-deadlines = Deadlines calendar (iCal)

home-title = One hub for Life Sciences & Health and AI in { $region }
home-lead = The partners of the cluster — the municipality, the universities, the university medical centres, research institutes and the economic board — have agreed to work together on life sciences & health and artificial intelligence. This hub is where that cooperation becomes visible to everyone.
home-intro = Companies that consider settling here, researchers looking for partners or data, start-ups looking for funding and lab space, and the city itself all find the same facts here, in Dutch and English, with the same figures that every partner publishes.
home-together = What the partners do together
home-action-proposition = Present one proposition of the region to the world.
home-action-acquisition = Attract companies together, with one point of contact.
home-action-exchange = Connect the city, knowledge institutions and companies.
home-action-talent = Grow, attract and keep talent.
home-action-space = Make room for new initiatives, such as lab space.
home-action-financing = Point people to funding and financing.
home-action-ecosystem = Strengthen the ecosystem as a whole.
home-action-data = Make health data findable, so that AI research can request it.
home-figures = Key figures
home-organisations-total = { $count ->
    [one] { $shown } organisation
   *[other] { $shown } organisations
}
home-by-kind = Organisations by kind
home-open-calls = { $count ->
    [one] { $shown } open funding call
   *[other] { $shown } open funding calls
}
home-forthcoming-calls = { $count ->
    [one] { $shown } forthcoming call
   *[other] { $shown } forthcoming calls
}
home-next-deadlines = Next deadlines
home-no-deadlines = No open call has a deadline ahead right now. Forthcoming calls are listed under funding calls.
home-all-calls = All funding calls
home-browse-directory = Browse the directory
home-for-developers = For developers and partners
home-developers-text = Every figure on this page comes from the same data as the JSON API, so every partner can publish the same numbers.

kind-company = Company
kind-healthcare = Healthcare
kind-education = Education
kind-research-institute = Research institute
kind-government = Government
kind-nonprofit = Non-profit
kind-archive = Archive
kind-other = Other

status-open = Open
status-forthcoming = Forthcoming
status-closed = Closed

filter-heading = Filter
filter-text = Name contains
filter-kind = Kind
filter-city = City
filter-country = Country
filter-sort = Sort by
filter-any = Any
filter-apply = Apply filters
filter-reset = Clear filters
filter-programme = Programme
filter-status = Status
filter-deadline-from = Deadline from
filter-deadline-to = Deadline until
filter-budget-min = Grant at least (EUR)
filter-budget-max = Grant at most (EUR)
filter-problem-heading = These filters cannot be applied
filter-problem-title = Error
filter-hint-text = use at most 200 characters, without line breaks or control characters.
filter-hint-choice = pick one of the choices in the list.
filter-hint-deadline-from = pick a day that is not later than “Deadline until”.
filter-hint-date = pick a day.
filter-hint-amount = enter a whole number of euros, 0 or more.
filter-text-calls = Title, topic or keyword contains

sort-name = Name (A–Z)
sort-name-desc = Name (Z–A)
sort-city = City
sort-updated = Recently updated
sort-deadline = Deadline (soonest first)
sort-deadline-desc = Deadline (latest first)
sort-title = Title
sort-budget = Largest grant first

organisations-title = Organisations
organisations-lead = Companies, hospitals, universities, institutes, government bodies and funds in the region and beyond.
organisations-count = { $count ->
    [one] { $shown } organisation
   *[other] { $shown } organisations
}
organisations-empty = No organisation matches these filters.
organisations-empty-hint = Try fewer words, another spelling, or clear a filter.
organisations-empty-search = Search everything instead
organisations-none = The directory is still empty: no organisations have been imported yet.
column-name = Name
column-kind = Kind
column-city = City
column-country = Country

pager-label = Pages
pager-previous = Previous
pager-next = Next
pager-range = { $from }–{ $to } of { $total }

organisation-aliases = Also known as
organisation-sectors = Sectors
organisation-identifiers = Identifiers
organisation-website = Website
organisation-email = E-mail
organisation-location = Location
organisation-address = Address
organisation-coordinates = Coordinates
organisation-map = Show on OpenStreetMap
organisation-description = About
organisation-no-identifiers = No identifiers known.
organisation-no-description = No description yet: the Research Organization Registry (ROR), where this entry comes from, does not give one.
organisation-kvk = KvK number
organisation-lei = LEI
organisation-ror = ROR
provenance-heading = Source of this information
provenance-source = Source
provenance-record = Record in the source
provenance-first-imported = First imported
provenance-last-updated = Last updated from the source
source-ror = Research Organization Registry (ROR)
source-eu-ft = EU Funding & Tenders portal

country-nl = Netherlands
country-be = Belgium
country-de = Germany
country-fr = France
country-lu = Luxembourg
country-gb = United Kingdom

calls-title = Funding calls
calls-lead = Open and forthcoming calls of EU programmes, with their deadlines and budgets.
calls-count = { $count ->
    [one] { $shown } call
   *[other] { $shown } calls
}
calls-empty = No call matches these filters.
calls-empty-hint = Widen the deadline range, choose another programme, or clear the filters.
calls-none = There are no funding calls yet: none have been imported.
calls-subscribe = Follow new calls (Atom feed)
calls-calendar = Deadlines in your calendar (iCal)
column-deadline = Deadline
column-budget = Grant size

call-topic-id = Topic ID
call-programme = Programme
call-cluster = Cluster
call-call = Call
call-type-of-action = Type of action
call-deadlines = Deadlines
call-deadline-model = Deadline model
call-budget = Grant size
call-expected-grants = Expected grants
call-keywords = Keywords
call-description = Description
call-conditions = Conditions
call-support = Support and contacts
call-portal = Open this call on the EU Funding & Tenders portal
call-no-description = The source gives no description.
call-budget-unknown = not given
call-no-deadline = none given

error-title-400 = This request cannot be answered
error-title-404 = Page not found
error-title-500 = Something went wrong
error-title-other = Error { $status }
error-explain-400 = A value in the address is not valid:
error-explain-404 = There is nothing at this address. It may have moved, or the link may be mistyped.
error-explain-500 = The hub could not finish this request. It has been logged; please try again later.
error-home = Go to the home page
error-search = Search the hub

nav-search = Search
search-title = Search
search-lead = Find organisations and funding calls with plain words, in English or Dutch.
search-label = What are you looking for?
search-type = Look in
search-type-organisation = Organisations
search-type-call = Funding calls
search-button = Search
search-count = { $count ->
    [one] { $shown } result
   *[other] { $shown } results
}
search-empty = Nothing found for
search-empty-hint = Try other or fewer words, or check the spelling.
search-why = Found by
search-field-name = name
search-field-other-names = other names
search-field-description = description
search-field-similar-spelling = similar spelling
entity-organisation = Organisation
entity-call = Funding call
