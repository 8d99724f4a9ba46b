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
filter-hint-budget-min = enter a whole number of euros, 0 or more, and not more than “Grant at most”.
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
search-field-place = place
search-field-similar-spelling = similar spelling
search-field-meaning = similar meaning
search-field-translation = translated
search-field-facet = filter
entity-organisation = Organisation
entity-call = Funding call
match-applicants-heading = Organisations that could apply
match-applicants-lead = Organisations in the hub whose names and profiles share this call's subjects, research and care institutions first.
match-calls-heading = Calls that fit
match-calls-lead = Funding calls on the subjects this organisation is known for, open calls first.
match-similar-heading = Similar organisations
match-similar-lead = Organisations with names and profiles like this one, of the same kind and place first.
match-none = No matches found.
match-shared-words = Shared words
match-similarity = Similarity
match-same-kind = same kind
match-same-city = same city
match-same-country = same country

# Accounts, organisations' maintainers and administration.
nav-account = My account
nav-login = Sign in
nav-logout = Sign out
nav-admin = Admin
role-member = Member
role-partner = Partner
role-admin = Administrator
field-display-name = Your name
field-email = E-mail address
field-password = Password
field-new-password = New password
field-current-password = Current password
field-password-hint = At least 12 characters; a few words you will remember make a good password.
field-confirm-email = Type your e-mail address to confirm
field-token-name = Token name
field-token-scope = What the token may do
field-claim-message = Your role at the organisation
field-description-en = Description in English
field-description-nl = Description in Dutch
field-sectors = Sectors
field-sectors-hint = Separate sectors with commas.
field-kvk-hint = Eight digits.
field-street = Street and number
field-postcode = Postcode
field-city = City
register-title = Create an account
register-intro = With an account you can maintain your organisation's profile and use the API with your own tokens.
register-submit = Create account
register-have-account = I already have an account
register-done-title = Check your mailbox
register-done-text = We sent a link to { $email }. Open it to confirm your address, then sign in.
verify-done-title = Your e-mail address is confirmed
verify-done-text = Thank you. You can now claim your organisation's profile.
verify-failed-title = This link does not work
verify-failed-text = The link is unknown, was used before or has expired. Ask for a new one.
login-title = Sign in
login-submit = Sign in
login-failed = The e-mail address or password is not right.
login-oidc = Sign in with your institution
login-link-title = Sign in by link
login-link-intro = Press the button to sign in. The link works once.
login-link-sent-title = Check your mailbox
login-link-sent-text = Your account has seen many wrong passwords lately, so we do not sign in with the password alone for now. We sent a sign-in link to { $email }; it works once, for 15 minutes.
mail-login-link-subject = Your sign-in link for LSH Hub
mail-login-link-body = Someone signed in to LSH Hub with your password while your account sees many wrong passwords. If it was you, open this link to sign in: { $link } (it works once, for 15 minutes). If it was not you, choose a new password now: your password is known to someone else.
reset-title = Forgot your password?
reset-intro = Enter your e-mail address and we will send you a link to choose a new password.
reset-submit = Send link
reset-sent-title = Check your mailbox
reset-sent-text = If { $email } has an account, a link to choose a new password is on its way. It works for two hours.
reset-new-title = Choose a new password
reset-new-submit = Save password
reset-done-title = Your password is changed
reset-done-text = You have been signed out everywhere and your API tokens were revoked. Sign in with your new password.
mail-verify-subject = Confirm your e-mail address for LSH Hub
mail-verify-body = Welcome to LSH Hub. Open this link to confirm your e-mail address: { $link } (it works for 48 hours). If you did not create an account, ignore this message.
mail-reset-subject = Choose a new password for LSH Hub
mail-exists-subject = You already have an account on LSH Hub
mail-exists-body = Someone, perhaps you, tried to create an account on LSH Hub with this e-mail address, which already has one. Sign in with it, or open this link to choose a new password: { $link } (it works for two hours). If it was not you, ignore this message; nothing has changed.
mail-reset-body = Open this link to choose a new password: { $link } (it works for two hours). If you did not ask for this, ignore this message; your password stays the same.
mail-linked-subject = Your LSH Hub account now signs in through your identity provider
mail-linked-body = Your account on LSH Hub was just linked to sign-in through an identity provider that confirmed this e-mail address. For safety, the account's password, sessions and API tokens have ended. Sign in through the provider from now on, or open this link to choose a new password: { $link } (it works for two hours). If this was not you, tell the hub's administrators.
account-title = My account
account-role = Role
account-verified = confirmed
account-resend-verification = Send the link again
account-unverified = Your e-mail address is not confirmed yet. Open the link we mailed you.
account-tokens-unverified = Confirm your e-mail address to create API tokens. Tokens you have work again once it is confirmed.
account-profile = Profile
account-save = Save
account-organisations = My organisations
account-no-organisations = You do not maintain an organisation yet. Open its page in the directory and claim it.
account-claims = My claims
account-tokens = API tokens
account-tokens-intro = Personal tokens let your own scripts use the JSON API as you: send them as "Authorization: Bearer TOKEN". A revoked token stops working at once.
account-privacy = Sessions and privacy
account-logout-everywhere = Sign out on every device
account-logout-everywhere-intro = This ends every session, this one too, and revokes all your API tokens.
account-password = Password
account-password-intro = Changing your password signs you out on every other device and revokes all your API tokens; you stay signed in here.
account-password-submit = Change password
password-changed-title = Your password is changed
password-changed-text = You were signed out on every other device and your API tokens were revoked. Create new tokens for your scripts on your account page.
mail-password-changed-subject = Your LSH Hub password was changed
mail-password-changed-body = The password of your LSH Hub account was just changed, and every other session and API token of the account was ended. If that was not you, choose a new password at once: { $link }
account-export = Download all my data (JSON)
token-scope-read = Read
token-scope-write = Read and edit my organisations
token-create = Create token
token-created = Your new token is below. Copy it now: it will not be shown again.
token-created-at = Created
token-state = Status
token-revoke = Revoke
token-revoked = revoked
token-last-used = Last used
token-never-used = never
delete-title = Delete my account
delete-intro = This removes your name, e-mail address, sessions, tokens and claims. The profiles of organisations stay as they are; the log of changes keeps them without your name.
delete-submit = Delete my account for good
delete-confirm-mismatch = This is not the e-mail address of your account.
delete-done-title = Your account is deleted
delete-done-text = Everything personal the hub held about you is removed.
claim-status-pending = waiting for approval
claim-status-approved = approved
claim-status-rejected = rejected
claim-title = Maintain the profile of { $name }
claim-intro = Members of an organisation keep its profile current. When your confirmed e-mail address belongs to the organisation's website domain, you are approved at once; otherwise an administrator checks your request.
claim-hint = For example: "I am the communications officer." An administrator reads this.
claim-submit = Send request
claim-approved-title = You maintain this profile now
claim-approved-text = Your e-mail address matches the organisation's website, so your request was approved at once.
claim-pending-title = Your request is sent
claim-pending-text = An administrator will check it. Your account page shows its state.
claim-back = Back to the organisation
organisation-edit = Edit profile
organisation-claim = Do you work here? Maintain this profile
organisation-last-edited = Profile last edited by its members
organisation-last-verified = Maintainer last confirmed
edit-title = Edit the profile of { $name }
edit-intro = Changes are public at once. Every change is kept with who made it and when.
edit-submit = Save profile
admin-title = Administration
admin-users = Users and roles
admin-claims = Claims
admin-partners = Partner organisations
admin-audit = Audit log
admin-user-count = { $count ->
    [one] { $shown } account
   *[other] { $shown } accounts
}
admin-pending-claims = { $count ->
    [one] { $shown } claim waiting for a decision
   *[other] { $shown } claims waiting for a decision
}
admin-unverified = not confirmed
admin-change-role = Change role
admin-no-claims = There are no claims.
admin-claim-role = Role at the organisation
admin-organisation = Organisation
admin-approve = Approve
admin-reject = Reject
admin-no-partners = No partner organisations yet.
admin-remove-partner = Remove
admin-partner-slug = Organisation (the last part of its address, e.g. sanquin)
admin-add-partner = Add partner
admin-audit-action = Action
admin-audit-at = Time (UTC)
admin-audit-actor = Who
admin-audit-subject = About
admin-audit-detail = Detail
admin-audit-client = From
admin-filter = Filter
admin-account-state = State
admin-disabled = disabled
admin-disable = Disable the account
admin-enable = Enable the account
admin-disable-hint = A disabled account cannot sign in; its sessions end and its API tokens stop working at once, until the account is enabled again.
admin-revoke-credentials = Revoke all tokens and end all sessions
admin-remove-membership = Remove as maintainer
admin-no-memberships = This account maintains no organisation.
admin-no-tokens = This account has no API tokens.
account-state-unverified = address not confirmed
account-state-verified = active
account-state-disabled = disabled

# Why a value is refused; after the field's name, so lower case.
invalid-empty = must not be empty
invalid-too-short = must be at least { $min } characters
invalid-too-long = must be at most { $max } characters
invalid-control-characters = must not contain control characters
invalid-direction-controls = must not contain characters that change the writing direction
invalid-not-utf8 = is not valid UTF-8 text
invalid-not-one-line = must be one line
invalid-no-letter-or-digit = must hold at least one letter or digit
invalid-comma = '{ $value }' must not contain a comma
invalid-web-address = '{ $value }' is not an http(s) web address
invalid-email-address-value = '{ $value }' is not an e-mail address
invalid-email-address = is not an e-mail address (name@example.org)
invalid-few-distinct-characters = uses too few different characters
invalid-well-known-password = is a well-known password
invalid-contains-email-address = must not contain your e-mail address
invalid-negative = must not be negative
invalid-out-of-range = must be between { $min } and { $max }
invalid-whole-number-in-range = must be a whole number from { $min } to { $max }
invalid-whole-number = '{ $value }' is not a whole number
invalid-date = '{ $value }' is not a date (YYYY-MM-DD)
invalid-more-than = must not be more than { $other }
invalid-value-more-than = { $value } is more than { $other } { $limit }
invalid-after = must not be after { $other }
invalid-not-chronological = must be in chronological order
invalid-coordinates-apart = latitude and longitude come together
invalid-too-many-sectors = at most { $max } sectors
invalid-not-one-of = '{ $value }' is not one of: { $allowed }
invalid-not-either = '{ $value }' is not { $first } or { $second }
invalid-neither-of = must be { $first } or { $second }
invalid-give-one-of = give one of { $choices }
invalid-give-only-one-of = give only one of { $choices }
invalid-topic-id = '{ $value }' is not a topic id (letters, digits, '-', '_', '.', '/')
invalid-ror-id = '{ $value }' is not a ROR id (like https://ror.org/03xqtf034)
invalid-ror-checksum = '{ $value }' has a wrong ROR checksum
invalid-kvk-number = '{ $value }' is not a KvK number (eight digits)
invalid-lei = '{ $value }' is not a LEI (20 letters and digits)
invalid-country-code = '{ $value }' is not a two-letter country code
invalid-no-such-organisation = no organisation has the address name '{ $slug }'
invalid-no-such-call = no call has the topic id '{ $topic }'
invalid-address-name = '{ $value }' is not an address name (lowercase letters, digits and hyphens)
invalid-too-many-links = at most { $max } links
invalid-in-the-past = { $value } has passed; give today or a later date
invalid-wrong-password = is not your current password
invalid-last-admin = the hub needs at least one admin; make someone else admin first
