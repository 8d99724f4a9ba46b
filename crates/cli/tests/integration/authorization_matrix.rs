//! Every route of the router × every role and account state, against the expected outcome.
//! The routes come from the router itself (`lshub_web::route_paths`), so a new route without
//! an entry here, or a method a route answers without an entry, fails this test.

use std::collections::BTreeSet;

use crate::accounts::claim_id;
use crate::browser::{grant, Browser, PASSWORD};
use crate::support::{per_backend, TestApp};

per_backend!(every_route_answers_every_role_as_the_policy_says, every_lead_route_answers_only_those_it_is_shared_with);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// The request reached its handler (whatever the handler then said about the input).
    Served,
    /// Sent to sign in (pages: 303 to /login; API: 401).
    SignIn,
    Forbidden,
}
use Outcome::{Forbidden, Served, SignIn};

/// Who asks: roles, and the account states (a member whose address is not confirmed; an
/// admin whose account was disabled while signed in).
const ROLES: [&str; 7] =
    ["visitor", "unverified member", "member", "member of the organisation", "partner", "admin", "disabled admin"];
const ALL: [Outcome; 7] = [Served; 7];
const SIGNED_IN: [Outcome; 7] = [SignIn, Served, Served, Served, Served, Served, Forbidden];
const VERIFIED: [Outcome; 7] = [SignIn, Forbidden, Served, Served, Served, Served, Forbidden];
const ORGANISATION_MEMBERS: [Outcome; 7] = [SignIn, Forbidden, Forbidden, Served, Forbidden, Served, Forbidden];
const ADMINS: [Outcome; 7] = [SignIn, Forbidden, Forbidden, Forbidden, Forbidden, Served, Forbidden];
const OWNERS: [Outcome; 7] = [SignIn, Forbidden, Forbidden, Served, Forbidden, Forbidden, Forbidden];
const MEMBERS_AND_MODERATORS: [Outcome; 7] = [SignIn, Forbidden, Forbidden, Served, Served, Served, Forbidden];
const PARTNERS_AND_ADMINS: [Outcome; 7] = [SignIn, Forbidden, Forbidden, Forbidden, Served, Served, Forbidden];
/// Anyone but those whose account cannot act: visitors too (their address is confirmed by mail).
const ASKERS: [Outcome; 7] = [Served, Forbidden, Served, Served, Served, Served, Forbidden];
/// Those with a confirmed seat at the event, which no column holds.
const PARTICIPANTS: [Outcome; 7] = [SignIn, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden];

/// (method, route, outcome per role in the order of [`ROLES`]).
type Row = (&'static str, &'static str, [Outcome; 7]);

/// The routes of every member-written kind, `{kind}` standing for its path. Each is asked
/// of an item that the organisation's member published just before (so that deleting or
/// archiving in one case changes nothing for the next): every registered kind is walked.
const KIND_MATRIX: &[Row] = &[
    ("GET", "/{kind}", ALL),
    ("POST", "/{kind}", ORGANISATION_MEMBERS),
    ("GET", "/{kind}/new", OWNERS),
    ("GET", "/{kind}/{item}", ALL),
    ("GET", "/{kind}/{item}/edit", ORGANISATION_MEMBERS),
    ("POST", "/{kind}/{item}/edit", ORGANISATION_MEMBERS),
    ("POST", "/{kind}/{item}/state", MEMBERS_AND_MODERATORS),
    ("GET", "/{kind}/{item}/history", MEMBERS_AND_MODERATORS),
    ("GET", "/{kind}/{item}/delete", ORGANISATION_MEMBERS),
    ("POST", "/{kind}/{item}/delete", ORGANISATION_MEMBERS),
    ("GET", "/feeds/{kind}.atom", ALL),
    ("GET", "/api/v1/{kind}", ALL),
    ("POST", "/api/v1/{kind}", ORGANISATION_MEMBERS),
    ("GET", "/api/v1/{kind}/{item}", ALL),
    ("PUT", "/api/v1/{kind}/{item}", ORGANISATION_MEMBERS),
    ("DELETE", "/api/v1/{kind}/{item}", ORGANISATION_MEMBERS),
    ("POST", "/api/v1/{kind}/{item}/state", MEMBERS_AND_MODERATORS),
];

/// The same routes of a kind partners write (calls of other funders). Its item is made by
/// the staff of a partner organisation that no column maintains: only that staff writes
/// it, admins too; any partner moderates it and reads its history. The form for a new one
/// is only for staff of a partner organisation, which no column is.
const PARTNER_KIND_MATRIX: &[Row] = &[
    ("GET", "/{kind}", ALL),
    ("POST", "/{kind}", ADMINS),
    ("GET", "/{kind}/new", [SignIn, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden]),
    ("GET", "/{kind}/{item}", ALL),
    ("GET", "/{kind}/{item}/edit", ADMINS),
    ("POST", "/{kind}/{item}/edit", ADMINS),
    ("POST", "/{kind}/{item}/state", PARTNERS_AND_ADMINS),
    ("GET", "/{kind}/{item}/history", PARTNERS_AND_ADMINS),
    ("GET", "/{kind}/{item}/delete", ADMINS),
    ("POST", "/{kind}/{item}/delete", ADMINS),
    ("GET", "/feeds/{kind}.atom", ALL),
    ("GET", "/api/v1/{kind}", ALL),
    ("POST", "/api/v1/{kind}", ADMINS),
    ("GET", "/api/v1/{kind}/{item}", ALL),
    ("PUT", "/api/v1/{kind}/{item}", ADMINS),
    ("DELETE", "/api/v1/{kind}/{item}", ADMINS),
    ("POST", "/api/v1/{kind}/{item}/state", PARTNERS_AND_ADMINS),
];

/// The partner organisation whose staff writes the items of partners' kinds.
const STAFF_ORGANISATION: &str = "dutch-research-council";

/// The path of every kind written through the kernel, with the rows of its routes.
fn written_kinds() -> Vec<(&'static str, &'static [Row])> {
    lshub_domain::content::KINDS
        .iter()
        .filter(|k| k.is_written())
        .map(|k| (k.path, if written_by_partners(k.path) { PARTNER_KIND_MATRIX } else { KIND_MATRIX }))
        .collect()
}

fn written_by_partners(path: &str) -> bool {
    lshub_domain::content::kind_by_path(path).is_some_and(|k| k.authoring == lshub_domain::content::Authoring::Partners)
}

/// The matrix with the kinds' routes added, `{item}` kept for the item each case makes.
fn full_matrix() -> Vec<(&'static str, String, [Outcome; 7])> {
    let mut matrix: Vec<_> = MATRIX.iter().map(|(m, r, o)| (*m, (*r).to_owned(), *o)).collect();
    // Before the last two rows, which end the sessions.
    let at = matrix.len() - 2;
    let kinds: Vec<_> = written_kinds()
        .into_iter()
        .flat_map(|(kind, rows)| rows.iter().map(move |(m, r, o)| (*m, r.replace("{kind}", kind), *o)))
        .collect();
    matrix.splice(at..at, kinds);
    matrix
}

const MATRIX: &[Row] = &[
    ("GET", "/", ALL),
    ("GET", "/organisations", ALL),
    ("GET", "/organisations/{slug}", ALL),
    ("GET", "/calls", ALL),
    ("GET", "/calls/{topic_id}", ALL),
    ("GET", "/sitemap.xml", ALL),
    ("GET", "/robots.txt", ALL),
    ("GET", "/feeds/vacancies.json", ALL),
    ("POST", "/vacancies/{item}/filled", ORGANISATION_MEMBERS),
    ("POST", "/api/v1/vacancies/{item}/filled", ORGANISATION_MEMBERS),
    // After a vacancy of the owner's organisation is published just above: it recruits.
    ("GET", "/talent", OWNERS),
    ("GET", "/vacancies/{item}/candidates", OWNERS),
    ("GET", "/api/v1/talent", OWNERS),
    ("GET", "/api/v1/vacancies/{item}/candidates", OWNERS),
    ("GET", "/talent/profile", VERIFIED),
    ("POST", "/talent/profile", VERIFIED),
    ("GET", "/talent/profile.json", VERIFIED),
    ("POST", "/talent/profile/delete", VERIFIED),
    ("GET", "/talent/matches", VERIFIED),
    ("GET", "/api/v1/me/talent-profile", VERIFIED),
    ("PUT", "/api/v1/me/talent-profile", VERIFIED),
    ("DELETE", "/api/v1/me/talent-profile", VERIFIED),
    ("GET", "/api/v1/me/talent-matches", VERIFIED),
    ("GET", "/talent/searches", VERIFIED),
    ("POST", "/talent/searches", VERIFIED),
    ("POST", "/talent/searches/{id}/delete", VERIFIED),
    ("GET", "/api/v1/me/opening-searches", VERIFIED),
    ("POST", "/api/v1/me/opening-searches", VERIFIED),
    ("DELETE", "/api/v1/me/opening-searches/{id}", VERIFIED),
    // Bookings of a facility the owner's organisation published just before: they book it
    // for their own organisation; its staff (who edit it) run it.
    ("GET", "/facilities/{item}/book", SIGNED_IN),
    ("POST", "/facilities/{item}/book", OWNERS),
    ("GET", "/facilities/{item}/bookings", ORGANISATION_MEMBERS),
    ("POST", "/facilities/{item}/bookings/{id}", VERIFIED),
    ("POST", "/facilities/{item}/trained", ORGANISATION_MEMBERS),
    ("GET", "/facilities/{item}/usage.csv", ORGANISATION_MEMBERS),
    ("GET", "/facilities/{item}/busy.ics", ALL),
    ("GET", "/account/bookings", SIGNED_IN),
    ("POST", "/api/v1/facilities/{item}/bookings", OWNERS),
    ("GET", "/api/v1/facilities/{item}/bookings", ORGANISATION_MEMBERS),
    ("POST", "/api/v1/facilities/{item}/bookings/{id}", VERIFIED),
    ("POST", "/api/v1/facilities/{item}/trained", ORGANISATION_MEMBERS),
    ("GET", "/api/v1/facilities/{item}/usage", ORGANISATION_MEMBERS),
    ("GET", "/api/v1/me/bookings", SIGNED_IN),
    ("GET", "/spaces/find", ALL),
    ("GET", "/api/v1/spaces/find", ALL),
    // Inquiries about a space the owner's organisation published just before: anyone asks;
    // an inquiry exists only for its parties (an unknown one is not found by anyone), and
    // only the operator's members move one.
    ("GET", "/spaces/{item}/inquire", ALL),
    ("POST", "/spaces/{item}/inquire", ASKERS),
    ("GET", "/inquiries/{id}", ALL),
    ("POST", "/inquiries/{id}/confirm", ALL),
    ("POST", "/inquiries/{id}/messages", ALL),
    ("POST", "/inquiries/{id}/moves", VERIFIED),
    ("GET", "/account/inquiries", SIGNED_IN),
    ("POST", "/api/v1/spaces/{item}/inquiries", ASKERS),
    ("GET", "/api/v1/spaces/{item}/response-time", ALL),
    ("GET", "/api/v1/inquiries", SIGNED_IN),
    ("GET", "/api/v1/inquiries/{id}", ALL),
    ("POST", "/api/v1/inquiries/{id}/confirm", ALL),
    ("POST", "/api/v1/inquiries/{id}/messages", ALL),
    ("POST", "/api/v1/inquiries/{id}/moves", VERIFIED),
    // Photos of that space: its editors add and remove them; a file is served to anyone.
    ("GET", "/spaces/{item}/photos", ORGANISATION_MEMBERS),
    ("POST", "/spaces/{item}/photos", ORGANISATION_MEMBERS),
    ("POST", "/spaces/{item}/photos/{hash}/remove", ORGANISATION_MEMBERS),
    ("GET", "/photos/{file}", ALL),
    ("GET", "/api/v1/spaces/{item}/photos", ALL),
    ("POST", "/api/v1/spaces/{item}/photos", ORGANISATION_MEMBERS),
    ("DELETE", "/api/v1/spaces/{item}/photos/{hash}", ORGANISATION_MEMBERS),
    ("GET", "/map", ALL),
    ("GET", "/api/v1/map", ALL),
    // The secret in the address is the key: anyone may ask, a wrong secret finds nothing.
    ("GET", "/feeds/talent/{secret}", ALL),
    ("GET", "/talent/unsubscribe/{secret}", ALL),
    ("POST", "/talent/unsubscribe/{secret}", ALL),
    ("GET", "/search", ALL),
    ("GET", "/language/{code}", ALL),
    ("GET", "/static/{file}", ALL),
    ("GET", "/favicon.ico", ALL),
    ("GET", "/register", ALL),
    ("POST", "/register", ALL),
    ("GET", "/verify", ALL),
    ("GET", "/login", ALL),
    ("POST", "/login", ALL),
    ("GET", "/login/link", ALL),
    ("POST", "/login/link", ALL),
    ("GET", "/login/oidc", ALL),
    ("GET", "/login/oidc/callback", ALL),
    ("GET", "/password-reset", ALL),
    ("POST", "/password-reset", ALL),
    ("GET", "/password-reset/new", ALL),
    ("POST", "/password-reset/new", ALL),
    ("GET", "/account", SIGNED_IN),
    ("POST", "/account", SIGNED_IN),
    ("POST", "/account/tokens", VERIFIED),
    ("POST", "/account/tokens/{id}/revoke", SIGNED_IN),
    ("POST", "/account/verification", SIGNED_IN),
    ("POST", "/account/password", SIGNED_IN),
    ("GET", "/account/export", SIGNED_IN),
    ("GET", "/account/delete", SIGNED_IN),
    ("POST", "/account/delete", SIGNED_IN),
    ("GET", "/organisations/{slug}/claim", VERIFIED),
    ("POST", "/organisations/{slug}/claim", VERIFIED),
    ("GET", "/organisations/{slug}/edit", ORGANISATION_MEMBERS),
    ("POST", "/organisations/{slug}/edit", ORGANISATION_MEMBERS),
    ("GET", "/admin", ADMINS),
    ("GET", "/admin/users", ADMINS),
    ("GET", "/admin/users/{id}", ADMINS),
    ("POST", "/admin/users/{id}/role", ADMINS),
    ("POST", "/admin/users/{id}/state", ADMINS),
    ("POST", "/admin/users/{id}/credentials/revoke", ADMINS),
    ("POST", "/admin/users/{id}/memberships/remove", ADMINS),
    ("GET", "/admin/claims", ADMINS),
    ("POST", "/admin/claims/{id}/decision", ADMINS),
    ("GET", "/admin/partners", ADMINS),
    ("POST", "/admin/partners", ADMINS),
    ("GET", "/admin/audit", ADMINS),
    ("GET", "/api/v1/organisations", ALL),
    ("GET", "/api/v1/organisations/{slug}", ALL),
    ("GET", "/api/v1/calls", ALL),
    ("GET", "/api/v1/calls/{topic_id}", ALL),
    ("GET", "/api/v1/stats", ALL),
    ("GET", "/api/v1/search", ALL),
    ("GET", "/api/v1/resolve", ALL),
    ("GET", "/api/v1/match", ALL),
    ("GET", "/api/v1/me", SIGNED_IN),
    ("PUT", "/api/v1/organisations/{slug}/profile", ORGANISATION_MEMBERS),
    ("GET", "/api/openapi.json", ALL),
    ("GET", "/feeds/calls.atom", ALL),
    ("GET", "/feeds/deadlines.ics", ALL),
    ("GET", "/catalogue.ttl", ALL),
    ("GET", "/catalogue.jsonld", ALL),
    ("GET", "/catalogue.rdf", ALL),
    ("GET", "/api/v1/catalogue-items", ALL),
    ("GET", "/api/v1/catalogue-items/{id}", ALL),
    ("PUT", "/api/v1/catalogue-items/{id}", VERIFIED),
    ("POST", "/api/v1/organisations/{slug}/catalogue-items", OWNERS),
    ("GET", "/api/v1/organisations/{slug}/entitlements", OWNERS),
    ("GET", "/api/v1/applications", SIGNED_IN),
    ("POST", "/api/v1/applications", VERIFIED),
    ("GET", "/api/v1/applications/{id}", SIGNED_IN),
    ("POST", "/api/v1/applications/{id}/commands", VERIFIED),
    ("POST", "/api/v1/applications/{id}/attachments", VERIFIED),
    ("GET", "/api/v1/access/statistics", ALL),
    ("GET", "/access", ALL),
    ("GET", "/access/items/{id}", ALL),
    ("GET", "/access/items/{id}/edit", VERIFIED),
    ("POST", "/access/items/{id}/edit", VERIFIED),
    ("GET", "/organisations/{slug}/catalogue-items/new", OWNERS),
    ("POST", "/organisations/{slug}/catalogue-items", OWNERS),
    ("GET", "/organisations/{slug}/entitlements", OWNERS),
    ("GET", "/applications", SIGNED_IN),
    ("POST", "/applications", VERIFIED),
    ("GET", "/applications/{id}", SIGNED_IN),
    ("POST", "/applications/{id}/commands", VERIFIED),
    ("POST", "/applications/{id}/attachments", VERIFIED),
    ("GET", "/applications/{id}/attachments/{hash}", SIGNED_IN),
    ("GET", "/organisations/{slug}/entitlements.csv", OWNERS),
    ("GET", "/organisations/{slug}/entitlements.json", OWNERS),
    ("GET", "/calls/changes", ALL),
    ("GET", "/calls/changes.atom", ALL),
    ("GET", "/api/v1/calls/changes", ALL),
    ("POST", "/calls/searches", SIGNED_IN),
    ("GET", "/account/searches", SIGNED_IN),
    ("POST", "/account/searches/{id}/delete", SIGNED_IN),
    ("POST", "/account/searches/{id}/alerts", SIGNED_IN),
    ("POST", "/account/searches/{id}/feed", SIGNED_IN),
    // The secret authorises: anyone holding it, no session needed.
    ("GET", "/feeds/searches/{secret}", ALL),
    ("GET", "/alerts/unsubscribe/{secret}", ALL),
    ("POST", "/alerts/unsubscribe/{secret}", ALL),
    // Joint acquisition: the pipeline is partners' and admins'; a lead's own routes answer
    // every signed-in caller "not found" for an id they may not see (here: none exists),
    // and `lead_matrix` below asks them of a real lead. The counts are public.
    ("GET", "/leads", PARTNERS_AND_ADMINS),
    ("POST", "/leads", PARTNERS_AND_ADMINS),
    ("GET", "/leads/new", PARTNERS_AND_ADMINS),
    ("GET", "/leads/{id}", SIGNED_IN),
    ("POST", "/leads/{id}/changes", SIGNED_IN),
    ("GET", "/leads/{id}/package", SIGNED_IN),
    ("GET", "/leads/{id}/package.pdf", SIGNED_IN),
    ("GET", "/soft-landing", ALL),
    ("GET", "/soft-landing/package.pdf", ALL),
    ("GET", "/impact", ALL),
    ("GET", "/api/v1/leads", PARTNERS_AND_ADMINS),
    ("POST", "/api/v1/leads", PARTNERS_AND_ADMINS),
    ("GET", "/api/v1/leads/impact", ALL),
    ("GET", "/api/v1/leads/{id}", SIGNED_IN),
    ("POST", "/api/v1/leads/{id}/changes", SIGNED_IN),
    // EU projects from CORDIS: public pages and API; linking participants is the admins'.
    ("GET", "/projects", ALL),
    ("GET", "/projects/{id}", ALL),
    ("GET", "/network", ALL),
    ("GET", "/admin/participants", ADMINS),
    ("POST", "/admin/participants/{pic}/link", ADMINS),
    ("GET", "/api/v1/projects", ALL),
    ("GET", "/api/v1/projects/{id}", ALL),
    ("GET", "/api/v1/network/partners", ALL),
    ("GET", "/api/v1/network/topic", ALL),
    ("GET", "/api/v1/participants", ADMINS),
    ("PUT", "/api/v1/participants/{pic}/link", ADMINS),
    ("GET", "/consortia", SIGNED_IN),
    ("POST", "/consortia", OWNERS),
    ("GET", "/consortia/new", SIGNED_IN),
    ("GET", "/consortia/rules", PARTNERS_AND_ADMINS),
    ("POST", "/consortia/rules", PARTNERS_AND_ADMINS),
    ("GET", "/consortia/{id}", SIGNED_IN),
    ("POST", "/consortia/{id}/partners", SIGNED_IN),
    ("GET", "/consortia/{id}/partners.csv", SIGNED_IN),
    ("POST", "/consortia/{id}/partners/{key}", SIGNED_IN),
    ("POST", "/consortia/{id}/partners/{key}/answer", SIGNED_IN),
    ("POST", "/consortia/{id}/partners/{key}/remove", SIGNED_IN),
    ("GET", "/admin/invitations", ADMINS),
    ("POST", "/admin/invitations", ADMINS),
    ("GET", "/api/v1/consortia", SIGNED_IN),
    ("POST", "/api/v1/consortia", OWNERS),
    ("GET", "/api/v1/consortia/{id}", SIGNED_IN),
    ("POST", "/api/v1/consortia/{id}/partners", SIGNED_IN),
    ("PUT", "/api/v1/consortia/{id}/partners/{key}", SIGNED_IN),
    ("DELETE", "/api/v1/consortia/{id}/partners/{key}", SIGNED_IN),
    ("POST", "/api/v1/consortia/{id}/partners/{key}/answer", SIGNED_IN),
    ("GET", "/api/v1/eligibility-rules", ALL),
    ("PUT", "/api/v1/eligibility-rules/{action_type}", PARTNERS_AND_ADMINS),
    ("DELETE", "/api/v1/eligibility-rules/{action_type}", PARTNERS_AND_ADMINS),
    ("GET", "/introductions", SIGNED_IN),
    ("POST", "/introductions", SIGNED_IN),
    ("GET", "/introductions/new", SIGNED_IN),
    ("GET", "/introductions/{id}", SIGNED_IN),
    ("POST", "/introductions/{id}/answer", SIGNED_IN),
    ("POST", "/introductions/{id}/outcome", SIGNED_IN),
    ("GET", "/api/v1/introductions", SIGNED_IN),
    ("POST", "/api/v1/introductions", OWNERS),
    ("GET", "/api/v1/introductions/totals", ALL),
    ("GET", "/api/v1/introductions/{id}", SIGNED_IN),
    ("POST", "/api/v1/introductions/{id}/answer", SIGNED_IN),
    ("POST", "/api/v1/introductions/{id}/outcome", SIGNED_IN),
    // Suggested introductions: each signed-in person sees those of their organisations
    // (none, for most); dismissing one that is not theirs is a 404.
    ("GET", "/introductions/suggestions", SIGNED_IN),
    ("POST", "/introductions/suggestions/{id}/dismiss", SIGNED_IN),
    ("GET", "/api/v1/introductions/suggestions", SIGNED_IN),
    ("POST", "/api/v1/introductions/suggestions/{id}/dismiss", SIGNED_IN),
    // Registration for an event (one the organisation's member just published): anyone
    // confirmed registers and cancels their own; only organisers list and decide; the
    // calendar file, the agenda and its feeds are public, a personal calendar's secret
    // authorises.
    ("GET", "/events/{item}/registration", ALL),
    ("POST", "/events/{item}/registration", VERIFIED),
    ("POST", "/events/{item}/registration/cancel", VERIFIED),
    ("GET", "/events/{item}/registrations", ORGANISATION_MEMBERS),
    ("POST", "/events/{item}/registrations/{id}", ORGANISATION_MEMBERS),
    ("GET", "/events/{item}/calendar.ics", ALL),
    ("GET", "/api/v1/events/{item}/registration", VERIFIED),
    ("POST", "/api/v1/events/{item}/registration", VERIFIED),
    ("DELETE", "/api/v1/events/{item}/registration", VERIFIED),
    ("GET", "/api/v1/events/{item}/registrations", ORGANISATION_MEMBERS),
    ("POST", "/api/v1/events/{item}/registrations/{id}/decision", ORGANISATION_MEMBERS),
    ("GET", "/api/v1/me/registrations", SIGNED_IN),
    ("GET", "/account/registrations", SIGNED_IN),
    // The weekly digest: one's own settings and follows; the unsubscribe link's secret
    // authorises (none here: a 404 for everyone).
    ("GET", "/account/digest", SIGNED_IN),
    ("POST", "/account/digest", SIGNED_IN),
    ("GET", "/organisations/{slug}/follow", SIGNED_IN),
    ("POST", "/organisations/{slug}/follow", SIGNED_IN),
    ("GET", "/digest/unsubscribe/{secret}", ALL),
    ("POST", "/digest/unsubscribe/{secret}", ALL),
    ("GET", "/api/v1/me/digest", SIGNED_IN),
    ("PUT", "/api/v1/me/digest", SIGNED_IN),
    ("PUT", "/api/v1/me/follows/{slug}", SIGNED_IN),
    ("DELETE", "/api/v1/me/follows/{slug}", SIGNED_IN),
    ("POST", "/account/calendar", SIGNED_IN),
    ("GET", "/agenda", ALL),
    // One-to-one meetings at a matchmaking day (one the organisation's member just
    // published, where nobody holds a seat): the page explains itself to everyone; taking
    // part is for those with a confirmed seat; a request (none here: each answers 404 once
    // signed in) for its sides and the organisers; the dashboard and attendance for the
    // organisers.
    ("GET", "/events/{item}/meetings", ALL),
    ("GET", "/events/{item}/meetings/profile", PARTICIPANTS),
    ("POST", "/events/{item}/meetings/profile", PARTICIPANTS),
    ("POST", "/events/{item}/meetings/requests", PARTICIPANTS),
    ("GET", "/events/{item}/meetings/requests/{id}", SIGNED_IN),
    ("POST", "/events/{item}/meetings/requests/{id}", SIGNED_IN),
    ("POST", "/events/{item}/meetings/requests/{id}/attendance", ORGANISATION_MEMBERS),
    ("GET", "/events/{item}/meetings/agenda", SIGNED_IN),
    ("GET", "/events/{item}/meetings/agenda.ics", SIGNED_IN),
    ("GET", "/events/{item}/meetings/agenda.pdf", SIGNED_IN),
    ("GET", "/events/{item}/meetings/dashboard", ORGANISATION_MEMBERS),
    ("GET", "/api/v1/events/{item}/meetings", PARTICIPANTS),
    ("PUT", "/api/v1/events/{item}/meetings/profile", PARTICIPANTS),
    ("POST", "/api/v1/events/{item}/meetings/requests", PARTICIPANTS),
    ("GET", "/api/v1/events/{item}/meetings/requests/{id}", SIGNED_IN),
    ("DELETE", "/api/v1/events/{item}/meetings/requests/{id}", SIGNED_IN),
    ("POST", "/api/v1/events/{item}/meetings/requests/{id}/answer", SIGNED_IN),
    ("PUT", "/api/v1/events/{item}/meetings/requests/{id}/attendance", ORGANISATION_MEMBERS),
    ("GET", "/api/v1/events/{item}/meetings/agenda", SIGNED_IN),
    ("GET", "/api/v1/events/{item}/meetings/dashboard", ORGANISATION_MEMBERS),
    ("GET", "/feeds/agenda.ics", ALL),
    ("GET", "/organisations/{slug}/agenda.ics", ALL),
    ("GET", "/feeds/calendar/{secret}", ALL),
    // An organisation's own calendar feeds: its partner staff and admins (no column is the
    // partner staff of the matrix's organisation).
    ("GET", "/organisations/{slug}/event-feeds", ADMINS),
    ("POST", "/organisations/{slug}/event-feeds", ADMINS),
    ("POST", "/organisations/{slug}/event-feeds/{id}/delete", ADMINS),
    ("POST", "/organisations/{slug}/event-feeds/{id}/import", ADMINS),
    ("GET", "/api/v1/organisations/{slug}/event-feeds", ADMINS),
    ("POST", "/api/v1/organisations/{slug}/event-feeds", ADMINS),
    ("DELETE", "/api/v1/organisations/{slug}/event-feeds/{id}", ADMINS),
    ("POST", "/api/v1/organisations/{slug}/event-feeds/{id}/import", ADMINS),
    ("GET", "/healthz", ALL),
    ("GET", "/metrics", ALL),
    // Last: they end the sessions the rows above use.
    ("POST", "/account/logout-everywhere", SIGNED_IN),
    ("POST", "/logout", ALL),
];

const METHODS: [&str; 4] = ["GET", "POST", "PUT", "DELETE"];
const ORGANISATION: &str = "pantarhei-bioscience-netherlands";

fn concrete(route: &str) -> String {
    route
        .replace("{slug}", ORGANISATION)
        .replace("{topic_id}", "HORIZON-CL4-2026-SPACE-03-81")
        .replace("{code}", "en")
        .replace("{file}", "style.css")
        .replace("{id}", "no-such-id")
        .replace("{hash}", "no-such-hash")
        .replace("{secret}", "no-such-secret")
        .replace("{pic}", "999999999")
        .replace("{key}", "no-such-key")
        .replace("{action_type}", "RIA")
}

async fn outcome(browser: &mut Browser<'_>, csrf: &str, method: &str, route: &str) -> Result<Outcome, u16> {
    let path = concrete(route);
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = browser.request(method.clone(), &path).await.header("origin", browser.app.base_url.clone());
    // Bodies that get past reading, so that the policy, not the input, decides; a content
    // item is made for its owner, and a state change archives.
    let json = path.starts_with("/api/") && method != reqwest::Method::GET;
    if json {
        let body = match path.rsplit('/').next() {
            Some("profile") => "{}".to_owned(),
            Some("state") => r#"{"transition":"archive"}"#.to_owned(),
            Some("commands") => r#"{"command":"submit"}"#.to_owned(),
            Some("changes") => r#"{"change":"note","text":"matrix"}"#.to_owned(),
            Some("leads") => format!(r#"{{"owner":"{ORGANISATION}","companyName":"Matrix","sector":"other"}}"#),
            Some("applications") => r#"{"catalogueItems":["no-such-id"]}"#.to_owned(),
            Some("consortia") => format!(r#"{{"call":"X","organisation":"{ORGANISATION}","acronym":"M"}}"#),
            Some("partners") => format!(r#"{{"organisation":"{ORGANISATION}"}}"#),
            Some("no-such-key") => r#"{"statement":""}"#.to_owned(),
            Some("answer") if path.contains("/introductions/") => r#"{"side":"to","answer":"accept"}"#.to_owned(),
            Some("answer") if path.contains("/meetings/") => r#"{"decision":"decline"}"#.to_owned(),
            Some("requests") if path.contains("/meetings/") => r#"{"recipient":"nobody","message":"m"}"#.to_owned(),
            Some("attendance") => r#"{"attendance":"met"}"#.to_owned(),
            Some("digest") => r#"{"subscribed":false}"#.to_owned(),
            Some("talent-profile") => r#"{"careerStage":"r1","skills":["matrix"]}"#.to_owned(),
            Some("opening-searches") => r#"{"kind":"vacancy"}"#.to_owned(),
            Some("answer") => r#"{"answer":"accept"}"#.to_owned(),
            Some("outcome") => r#"{"side":"from","after":30,"outcome":"meeting"}"#.to_owned(),
            Some("decision") => r#"{"decision":"approve"}"#.to_owned(),
            Some("event-feeds") => r#"{"url":"https://calendar.example.org/matrix.ics","language":"en","type":"meeting"}"#.to_owned(),
            Some("introductions") => {
                format!(r#"{{"from":"{ORGANISATION}","organisation":"no-such-organisation","message":"m"}}"#)
            }
            Some("RIA") => r#"{"minEntities":3,"minCountries":3,"minMemberStateEntities":1,"euOrAssociatedOnly":true,"coordinatorRequired":true}"#.to_owned(),
            Some("catalogue-items") | Some("no-such-id") if path.contains("catalogue-items") => {
                r#"{"title":{"en":"Matrix"},"datasets":[]}"#.to_owned()
            }
            _ => format!(r#"{{"organisation":"{ORGANISATION}","revision":1}}"#),
        };
        request = request.header("content-type", "application/json").header("x-csrf-token", csrf).body(body);
    } else if method != reqwest::Method::GET {
        request = request
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("csrf={csrf}&organisation={ORGANISATION}&transition=archive"));
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    match status {
        405 => Err(405),
        303 if location.starts_with("/login?next=") => Ok(SignIn),
        401 if path.starts_with("/api/") => Ok(SignIn),
        403 => Ok(Forbidden),
        _ => Ok(Served),
    }
}

async fn every_route_answers_every_role_as_the_policy_says(app: &TestApp) {
    let routes: BTreeSet<String> = lshub_web::route_paths().into_iter().collect();
    let matrix = full_matrix();
    let listed: BTreeSet<String> = matrix.iter().map(|(_, route, _)| route.replace("{item}", "{slug}")).collect();
    let missing: Vec<_> = routes.difference(&listed).collect();
    assert!(missing.is_empty(), "routes without an entry in the matrix: {missing:?}");
    let stale: Vec<_> = listed.difference(&routes).collect();
    assert!(stale.is_empty(), "matrix entries for routes that do not exist: {stale:?}");

    let mut admin = Browser::new(app, 91);
    admin.sign_up("Matrix Admin", "admin@matrix.example", PASSWORD).await;
    grant(app, "admin@matrix.example", "admin");
    let mut member = Browser::new(app, 92);
    member.sign_up("Matrix Member", "member@matrix.example", PASSWORD).await;
    let mut owner = Browser::new(app, 93);
    owner.sign_up("Matrix Owner", "owner@matrix.example", PASSWORD).await;
    let claim = format!("/organisations/{ORGANISATION}/claim");
    owner.submit(&claim, &claim, &[("message", "matrix")]).await;
    let id = claim_id(&admin.get("/admin/claims").await.body, ORGANISATION, "owner@matrix.example");
    admin.submit("/admin/claims", &format!("/admin/claims/{id}/decision"), &[("decision", "approve")]).await;
    let mut partner = Browser::new(app, 94);
    partner.sign_up("Matrix Partner", "partner@matrix.example", PASSWORD).await;
    grant(app, "partner@matrix.example", "partner");
    let mut visitor = Browser::new(app, 95);
    let mut unverified = Browser::new(app, 96);
    let page = unverified
        .submit(
            "/register",
            "/register",
            &[("display_name", "Matrix Unverified"), ("email", "unverified@matrix.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(page.status, 201);
    unverified.sign_in("unverified@matrix.example", PASSWORD).await;
    let mut disabled = Browser::new(app, 97);
    disabled.sign_up("Matrix Disabled", "disabled@matrix.example", PASSWORD).await;
    grant(app, "disabled@matrix.example", "admin");
    disable_keeping_sessions(app, "disabled@matrix.example").await;

    let mut staff = staff(app, &mut admin, 98, "staff@matrix.example", STAFF_ORGANISATION, "partner").await;
    let staff_token = staff.get("/login").await.csrf().expect("session token");

    let mut browsers = [visitor_with_token(&mut visitor).await, unverified, member, owner, partner, admin, disabled];
    let mut tokens = Vec::new();
    // The sign-in page carries the session's token, for a disabled account too.
    for browser in browsers.iter_mut().skip(1) {
        tokens.push(browser.get("/login").await.csrf().expect("session token"));
    }
    tokens.insert(0, browsers[0].cookies.get("lshub_csrf").cloned().expect("visitor token"));

    let mut failures = Vec::new();
    let mut cases = 0;
    // Every other method on every route is refused (405): a route cannot answer a method
    // the matrix does not know.
    for route in &routes {
        for method in METHODS {
            if matrix.iter().any(|(m, r, _)| *m == method && r.replace("{item}", "{slug}") == *route) {
                continue;
            }
            cases += 1;
            if let Ok(got) = outcome(&mut browsers[5], &tokens[5], method, route).await {
                failures.push(format!("{method} {route} answers ({got:?}) but has no entry in the matrix"));
            }
        }
    }
    let mut registration_event: Option<String> = None;
    let mut matchmaking_day: Option<String> = None;
    for (method, route, expected) in &matrix {
        if route == "/logout" {
            // After "log out everywhere" each browser is a visitor with a visitor's token.
            for (role, browser) in browsers.iter_mut().enumerate() {
                tokens[role] = browser.get("/login").await.csrf().expect("visitor token");
            }
        }
        for role in 0..browsers.len() {
            cases += 1;
            let route = match route.contains("{item}") {
                false => route.clone(),
                // Registration changes no event: one serves every case (each new item is
                // indexed, and the shared server's search must keep up with the other tests).
                true if route.contains("/meetings") => {
                    let event = match &matchmaking_day {
                        Some(slug) => slug.clone(),
                        None => published_item(&mut browsers[3], &tokens[3], ORGANISATION, "matchmaking-days").await,
                    };
                    matchmaking_day = Some(event.clone());
                    route.replace("{item}", &event)
                }
                true if route.contains("/registration") || route.ends_with("/calendar.ics") => {
                    let event = match &registration_event {
                        Some(slug) => slug.clone(),
                        None => published_item(&mut browsers[3], &tokens[3], ORGANISATION, "events").await,
                    };
                    registration_event = Some(event.clone());
                    route.replace("{item}", &event)
                }
                true => {
                    let kind = route.trim_start_matches("/api/v1").split('/').nth(1).expect("a kind's path");
                    let item = match written_by_partners(kind) {
                        true => published_item(&mut staff, &staff_token, STAFF_ORGANISATION, kind).await,
                        false => published_item(&mut browsers[3], &tokens[3], ORGANISATION, kind).await,
                    };
                    route.replace("{item}", &item)
                }
            };
            match outcome(&mut browsers[role], &tokens[role], method, &route).await {
                Ok(got) if got == expected[role] => {}
                got => failures
                    .push(format!("{method} {route} as {}: expected {:?}, got {got:?}", ROLES[role], expected[role])),
            }
        }
    }
    assert!(failures.is_empty(), "{} of {cases} cases differ:\n{}", failures.len(), failures.join("\n"));
    eprintln!(
        "authorization matrix: {} routes, {} route x role cases, {cases} requests",
        routes.len(),
        matrix.len() * ROLES.len()
    );
}

/// The fields of a valid item of the kind with `path`, as a form sends them.
fn valid_fields(path: &str) -> &'static str {
    match path {
        "news" => "title=Matrix+item&body=For+the+matrix&language=en",
        "datasets" => {
            "title_en=Matrix+item&description_en=For+the+matrix&keywords_en=matrix&themes=HEAL&contact_point=matrix%40example.org&access_rights=PUBLIC"
        }
        "opportunities" => "type=expertise&title_en=Matrix+item&description_en=For+the+matrix",
        "events" => {
            "event_type=lecture&title_en=Matrix+item&place=Amsterdam&starts=2099-01-01+10%3A00&ends=2099-01-01+12%3A00&language=en"
        }
        "matchmaking-days" => {
            "event_type=matchmaking-day&title_en=Matrix+item&place=Amsterdam&starts=2099-01-01+10%3A00&ends=2099-01-01+12%3A00&language=en"
        }
        // Forthcoming and without a deadline: other tests count the shared server's open
        // calls and deadlines.
        "funder-calls" => "funder=NWO&title=Matrix+item&opening_date=2099-01-01",
        "vacancies" => {
            "title_en=Matrix+item&description_en=For+the+matrix&places=Amsterdam&deadline=2099-01-01&apply=https%3A%2F%2Fexample.org%2Fapply"
        }
        "programmes" => {
            "type=course&title_en=Matrix+item&description_en=For+the+matrix&eligibility_en=Anyone&apply_url=https%3A%2F%2Fexample.org%2Fapply"
        }
        "facilities" => "type=compute&title_en=Matrix+item&description_en=For+the+matrix&contact=Desk&rate_academic=10",
        "spaces" => "type=office&title_en=Matrix+item&size_m2=20&address=Matrix+1&city=Amsterdam&available_from=2099-01-01",
        "initiatives" => "type=project&status=idea&title_en=Matrix+item&aims_en=For+the+matrix",
        other => panic!("the matrix needs the fields of a valid {other} item"),
    }
}

/// A new published item of the kind at `kind` (its path), written for `organisation` by one
/// who maintains it; its slug.
async fn published_item(owner: &mut Browser<'_>, csrf: &str, organisation: &str, kind: &str) -> String {
    let form = |fields: &str| format!("csrf={csrf}&{fields}");
    // Matchmaking days are events of that type.
    let path = if kind == "matchmaking-days" { "events" } else { kind };
    let created = owner
        .post_raw(
            &format!("/{path}"),
            form(&format!("organisation={organisation}&{}", valid_fields(kind))).as_bytes(),
            "application/x-www-form-urlencoded",
            Some(owner.app.base_url.clone()),
        )
        .await;
    assert_eq!(created.status, 303, "an item for the matrix: {}", created.body);
    let path = created.location.expect("the item's page");
    let published = owner
        .post_raw(
            &format!("{path}/state"),
            form("transition=publish").as_bytes(),
            "application/x-www-form-urlencoded",
            Some(owner.app.base_url.clone()),
        )
        .await;
    assert_eq!(published.status, 303, "published for the matrix");
    path.rsplit('/').next().expect("a slug").to_owned()
}

/// Disables an account in the database itself, leaving its sessions in place (disabling it
/// on the admin page ends them): the policy, not only the ended sessions, must keep a
/// disabled account out.
async fn disable_keeping_sessions(app: &TestApp, email: &str) {
    sqlx::any::install_default_drivers();
    let mut connection = <sqlx::AnyConnection as sqlx::Connection>::connect(&app.database_url).await.expect("connect");
    let statement = format!("UPDATE users SET disabled_at = '2026-01-01T00:00:00.000000Z' WHERE email = '{email}'");
    let changed = sqlx::raw_sql(&statement).execute(&mut connection).await.expect("disable");
    assert_eq!(changed.rows_affected(), 1);
}

async fn visitor_with_token<'a>(visitor: &mut Browser<'a>) -> Browser<'a> {
    visitor.get("/login").await;
    let mut fresh = Browser::new(visitor.app, 95);
    fresh.cookies = visitor.cookies.clone();
    fresh
}

/// What a lead's route answered a party.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    /// Sent to sign in (pages: 303 to /login; API: 401).
    SignIn,
    /// 403, for the pipeline as a whole, whatever leads it holds.
    Refused,
    /// 404: the lead does not exist for the party.
    NotFound,
    /// The lead's page, package, answer or change (a page's change redirects back to it).
    Shown,
    /// A list without the lead.
    Unlisted,
}

/// The parties of [`LEAD_MATRIX`], in its columns' order.
const LEAD_PARTIES: [&str; 7] =
    ["visitor", "unverified", "member", "partner not shared", "partner shared", "point of contact", "admin"];

/// A lead shared with one partner organisation, whose point of contact is staff of another
/// partner organisation that it is no longer shared with: every route of it × every party.
const LEAD_MATRIX: &[(&str, &str, [Seen; 7])] = {
    use Seen::{NotFound, Refused, Shown, SignIn, Unlisted};
    const LEAD: [Seen; 7] = [SignIn, NotFound, NotFound, NotFound, Shown, Shown, NotFound];
    &[
        ("GET", "/leads", [SignIn, Refused, Refused, Unlisted, Shown, Shown, Unlisted]),
        ("GET", "/api/v1/leads", [SignIn, Refused, Refused, Unlisted, Shown, Shown, Unlisted]),
        ("GET", "/leads/{id}", LEAD),
        ("POST", "/leads/{id}/changes", LEAD),
        ("GET", "/leads/{id}/package", LEAD),
        ("GET", "/leads/{id}/package.pdf", LEAD),
        ("GET", "/api/v1/leads/{id}", LEAD),
        ("POST", "/api/v1/leads/{id}/changes", LEAD),
    ]
};

/// Partner organisations of the lead matrix (shared, the contact's, not shared), and its company.
const LEAD_PARTNERS: [&str; 3] = ["gemeente-amsterdam", "amsterdam-economic-board", "vrije-universiteit-amsterdam"];
const LEAD_COMPANY: &str = "avantium-netherlands";

/// A browser signed in as a new account that maintains `slug` (approved by `admin`), with `role`.
pub(crate) async fn staff<'a>(
    app: &'a TestApp,
    admin: &mut Browser<'a>,
    host: u16,
    email: &str,
    slug: &str,
    role: &str,
) -> Browser<'a> {
    let mut browser = Browser::at(app, host);
    browser.sign_up(email, email, PASSWORD).await;
    let claim = format!("/organisations/{slug}/claim");
    browser.submit(&claim, &claim, &[("message", "staff")]).await;
    let id = claim_id(&admin.get("/admin/claims").await.body, slug, email);
    admin.submit("/admin/claims", &format!("/admin/claims/{id}/decision"), &[("decision", "approve")]).await;
    grant(app, email, role);
    browser
}

async fn seen(browser: &mut Browser<'_>, method: &str, path: &str, id: &str) -> Result<Seen, u16> {
    let api = path.starts_with("/api/");
    let (status, body, location) = match (method, api) {
        ("POST", true) => {
            let (status, body) = browser
                .api(reqwest::Method::POST, path, &serde_json::json!({"change": "note", "text": "matrix"}))
                .await;
            (status, body.to_string(), String::new())
        }
        ("POST", false) => {
            let csrf = browser.get("/login").await.csrf().expect("a token");
            let body = format!("csrf={csrf}&change=note&text=matrix");
            let page = browser
                .post_raw(
                    path,
                    body.as_bytes(),
                    "application/x-www-form-urlencoded",
                    Some(browser.app.base_url.clone()),
                )
                .await;
            (page.status, page.body, page.location.unwrap_or_default())
        }
        _ => {
            let page = browser.get(path).await;
            (page.status, page.body, page.location.unwrap_or_default())
        }
    };
    let list = path == "/leads" || path == "/api/v1/leads";
    match status {
        303 if location.starts_with("/login?next=") => Ok(Seen::SignIn),
        401 if api => Ok(Seen::SignIn),
        403 => Ok(Seen::Refused),
        404 => Ok(Seen::NotFound),
        200 if list && !body.contains(id) => Ok(Seen::Unlisted),
        200 => Ok(Seen::Shown),
        303 if location == format!("/leads/{id}") => Ok(Seen::Shown),
        other => Err(other),
    }
}

async fn every_lead_route_answers_only_those_it_is_shared_with(app: &TestApp) {
    let mut admin = Browser::at(app, 260);
    admin.sign_up("Lead Matrix Admin", "admin@lead-matrix.example", PASSWORD).await;
    grant(app, "admin@lead-matrix.example", "admin");
    for slug in LEAD_PARTNERS {
        let page =
            admin.submit("/admin/partners", "/admin/partners", &[("organisation", slug), ("partner", "yes")]).await;
        assert_eq!(page.status, 303, "{slug} is a partner");
    }
    let [shared_org, contact_org, other_org] = LEAD_PARTNERS;
    let mut shared = staff(app, &mut admin, 261, "shared@lead-matrix.example", shared_org, "partner").await;
    let other = staff(app, &mut admin, 262, "other@lead-matrix.example", other_org, "partner").await;
    let mut contact = staff(app, &mut admin, 263, "contact@lead-matrix.example", contact_org, "partner").await;
    let member = staff(app, &mut admin, 264, "member@lead-matrix.example", shared_org, "member").await;
    let mut unverified = Browser::at(app, 265);
    let fields = [("display_name", "Unverified"), ("email", "unverified@lead-matrix.example"), ("password", PASSWORD)];
    assert_eq!(unverified.submit("/register", "/register", &fields).await.status, 201);
    unverified.sign_in("unverified@lead-matrix.example", PASSWORD).await;
    let visitor = Browser::at(app, 266);

    let new = serde_json::json!({"owner": shared_org, "company": LEAD_COMPANY, "sector": "biotech", "summary": "Green chemistry"});
    let (status, lead) = shared.api(reqwest::Method::POST, "/api/v1/leads", &new).await;
    assert_eq!(status, 201, "{lead}");
    let id = lead["id"].as_str().expect("an id").to_owned();
    let changes = format!("/api/v1/leads/{id}/changes");
    let (_, me) = contact.api(reqwest::Method::GET, "/api/v1/me", &serde_json::json!({})).await;
    for change in [
        serde_json::json!({"change": "share", "organisation": contact_org}),
        serde_json::json!({"change": "contact", "contact": me["id"]}),
        serde_json::json!({"change": "unshare", "organisation": contact_org}),
    ] {
        let (status, answer) = shared.api(reqwest::Method::POST, &changes, &change).await;
        assert_eq!(status, 200, "{change}: {answer}");
    }

    let mut parties = [visitor, unverified, member, other, shared, contact, admin];
    let mut failures = Vec::new();
    let mut cases = 0;
    for (method, route, expected) in LEAD_MATRIX {
        let path = route.replace("{id}", &id);
        for (party, browser) in parties.iter_mut().enumerate() {
            cases += 1;
            let got = seen(browser, method, &path, &id).await;
            if got != Ok(expected[party]) {
                failures.push(format!(
                    "{method} {path} as {}: expected {:?}, got {got:?}",
                    LEAD_PARTIES[party], expected[party]
                ));
            }
        }
    }
    // To those who may not see it, the lead answers exactly as an id that never existed.
    for party in [1, 2, 3, 6] {
        let real = parties[party].get(&format!("/api/v1/leads/{id}")).await;
        let none = parties[party].get("/api/v1/leads/no-such-lead").await;
        assert_eq!((real.status, real.body), (none.status, none.body), "{}", LEAD_PARTIES[party]);
    }
    assert!(failures.is_empty(), "{} of {cases} lead cases differ:\n{}", failures.len(), failures.join("\n"));
    eprintln!("lead matrix: {} routes x {} parties = {cases} cases", LEAD_MATRIX.len(), LEAD_PARTIES.len());
}
