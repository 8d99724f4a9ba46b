//! Organisations' own iCalendar feeds: partner staff add their calendar's address, and the
//! hub imports it every few hours (and at once on request) into their events, merged
//! without duplicates. A broken feed changes nothing and its page says why, by line.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use chrono::{DateTime, Utc};
use lshub_domain::event::EventType;
use lshub_domain::{Language, Organisation};
use lshub_import::ical::{import_ical, FeedReport, FeedSettings};
use lshub_service::events as service;
use lshub_service::ServiceError;
use lshub_storage::events::EventFeed;
use lshub_storage::NoProgress;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::now;
use crate::api::JsonBody;
use crate::auth::Auth;
use crate::error::{AppError, Problem};
use crate::pages::forms::{Choice, FormField, FormFields, Posted};
use crate::pages::{render, see_other, PageContext};
use crate::routes::RouteTable;
use crate::state::AppState;

/// How often a feed is imported.
const IMPORT_EVERY: chrono::Duration = chrono::Duration::hours(6);
/// How often the hub looks for feeds due.
const CHECK_EVERY: Duration = Duration::from_secs(300);
const FETCH_TIMEOUT: Duration = Duration::from_secs(20);
/// A calendar larger than this is not a calendar of one organisation's events.
const MAX_FEED_BYTES: usize = 5 * 1024 * 1024;
/// Events are taken from a month ago to a year ahead.
const PAST_DAYS: i64 = 30;
const AHEAD_DAYS: i64 = 366;

pub fn page_routes() -> RouteTable {
    RouteTable::new()
        .route("/organisations/{slug}/event-feeds", get(page).post(add))
        .route("/organisations/{slug}/event-feeds/{id}/delete", post(remove))
        .route("/organisations/{slug}/event-feeds/{id}/import", post(import_now))
}

pub fn api_routes() -> RouteTable {
    RouteTable::new()
        .route("/organisations/{slug}/event-feeds", get(api_list).post(api_add))
        .route("/organisations/{slug}/event-feeds/{id}", axum::routing::delete(api_remove))
        .route("/organisations/{slug}/event-feeds/{id}/import", post(api_import))
}

/// What one import did, or why it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Imported(FeedReport),
    Failed(String),
}

impl Outcome {
    /// As stored with the feed: counts, or the reason.
    fn stored(&self) -> String {
        match self {
            Outcome::Imported(r) => format!(
                "ok {} {} {} {} {}",
                r.counts.added, r.counts.updated, r.counts.unchanged, r.duplicates, r.skipped
            ),
            Outcome::Failed(reason) => format!("failed {reason}"),
        }
    }

    fn read(stored: &str) -> Option<Outcome> {
        if let Some(reason) = stored.strip_prefix("failed ") {
            return Some(Outcome::Failed(reason.to_owned()));
        }
        let numbers: Vec<usize> = stored.strip_prefix("ok ")?.split(' ').filter_map(|n| n.parse().ok()).collect();
        let [added, updated, unchanged, duplicates, skipped] = numbers[..] else { return None };
        let counts = lshub_storage::content::ImportedCounts { added, updated, unchanged };
        Some(Outcome::Imported(FeedReport { counts, duplicates, skipped }))
    }

    fn words(&self, state: &AppState, lang: Language) -> String {
        match self {
            Outcome::Imported(r) => {
                let mut args = fluent_bundle::FluentArgs::new();
                args.set("added", r.counts.added);
                args.set("updated", r.counts.updated);
                args.set("unchanged", r.counts.unchanged);
                args.set("duplicates", r.duplicates);
                args.set("skipped", r.skipped);
                state.i18n.format(lang, "event-feeds-imported", Some(&args))
            }
            Outcome::Failed(reason) => {
                let mut args = fluent_bundle::FluentArgs::new();
                args.set("reason", reason.clone());
                state.i18n.format(lang, "event-feeds-failed", Some(&args))
            }
        }
    }
}

/// Whether an address is one the public internet cannot reach: the hub's own machine or
/// network.
fn private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback() || v4.is_private() || v4.is_link_local() || v4.is_unspecified() || v4.is_broadcast()
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || v6.to_ipv4_mapped().is_some_and(|v4| private(IpAddr::V4(v4)))
        }
    }
}

/// The feed's text, fetched from an address the public internet reaches (unless the hub
/// allows private ones), at most [`MAX_FEED_BYTES`], within [`FETCH_TIMEOUT`].
async fn fetch(state: &AppState, address: &str) -> Result<String, String> {
    let url = url::Url::parse(address).map_err(|e| format!("{address} is not an address: {e}"))?;
    let host = url.host_str().ok_or_else(|| format!("{address} names no host"))?.to_owned();
    let port = url.port_or_known_default().ok_or_else(|| format!("{address} names no port"))?;
    let resolved: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|e| format!("{host} cannot be found: {e}"))?
        .collect();
    let allowed: Vec<SocketAddr> =
        resolved.into_iter().filter(|a| state.site.feeds_from_private_hosts || !private(a.ip())).collect();
    let first = allowed.first().ok_or_else(|| format!("{host} is not on the public internet"))?;
    // The address checked is the one connected to, whatever the name resolves to later.
    let client = reqwest::Client::builder()
        .resolve(&host, *first)
        .timeout(FETCH_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("no HTTP client: {e}"))?;
    let mut response = client
        .get(url)
        .header(reqwest::header::ACCEPT, "text/calendar")
        .send()
        .await
        .map_err(|e| format!("{address} did not answer: {e}"))?;
    if response.status().is_redirection() {
        // Each address fetched is checked first; a move is followed by adding its target.
        let target = response.headers().get(reqwest::header::LOCATION).and_then(|l| l.to_str().ok()).unwrap_or("?");
        return Err(format!(
            "{address} answered {}: the calendar has moved to {target}; add that address",
            response.status()
        ));
    }
    if !response.status().is_success() {
        return Err(format!("{address} answered {}", response.status()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| format!("reading {address}: {e}"))? {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_FEED_BYTES {
            return Err(format!("{address} is larger than {} MB", MAX_FEED_BYTES / 1024 / 1024));
        }
    }
    String::from_utf8(body).map_err(|_| format!("{address} is not UTF-8 text"))
}

/// Fetches and imports one feed, and records what it did.
async fn import_feed(state: &AppState, organisation: &Organisation, feed: &EventFeed) -> Outcome {
    let at = now(state);
    let settings = FeedSettings {
        feed: feed.url.clone(),
        language: Language::from_tag(&feed.language).unwrap_or_default(),
        event_type: EventType::from_id(&feed.event_type).unwrap_or(EventType::Meeting),
        time_zone: state.site.clock.time_zone().to_owned(),
        from: at - chrono::Duration::days(PAST_DAYS),
        until: at + chrono::Duration::days(AHEAD_DAYS),
    };
    let outcome = match fetch(state, &feed.url).await {
        Ok(text) => match import_ical(&state.db, organisation, &text, &settings, &NoProgress).await {
            Ok(report) => Outcome::Imported(report),
            Err(lshub_import::ImportError::BrokenFeed { line, reason, .. }) => {
                Outcome::Failed(format!("line {line}: {reason}"))
            }
            Err(e) => Outcome::Failed(e.to_string()),
        },
        Err(reason) => Outcome::Failed(reason),
    };
    if let Err(e) = state.db.event_feed_fetched(&feed.id, &outcome.stored()).await {
        tracing::error!(error = %e, feed = %feed.url, "recording a feed's import failed");
    }
    outcome
}

/// Imports every feed not imported for [`IMPORT_EVERY`]; each node takes its own feeds.
pub(crate) async fn keep_feeds_current(state: AppState) {
    let mut ticks = tokio::time::interval(CHECK_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let at = now(&state);
        let due = match state.db.take_due_event_feeds(at - IMPORT_EVERY, at).await {
            Ok(due) => due,
            Err(e) => {
                tracing::error!(error = %e, "finding the calendar feeds due failed");
                continue;
            }
        };
        for feed in due {
            let organisation = match state.db.organisation_by_id(&feed.organisation_id).await {
                Ok(organisation) => organisation,
                Err(e) => {
                    tracing::error!(error = %e, "reading a feed's organisation failed");
                    continue;
                }
            };
            if let Some(organisation) = organisation {
                let outcome = import_feed(&state, &organisation, &feed).await;
                tracing::info!(feed = %feed.url, outcome = %outcome.stored(), "calendar feed imported");
            }
        }
    }
}

/// One feed as the page lists it.
struct Listed {
    id: String,
    url: String,
    language: String,
    event_type: String,
    last: Option<String>,
    failed: bool,
}

#[derive(Template)]
#[template(path = "events/feeds.html")]
struct FeedsPage {
    ctx: PageContext,
    csrf: String,
    organisation: (String, String),
    feeds: Vec<Listed>,
    notice: Option<String>,
    fields: Vec<FormField>,
}

async fn feeds_page(
    state: &AppState,
    ctx: PageContext,
    auth: &Auth,
    slug: &str,
    notice: Option<String>,
    form: (&FormFields, &[lshub_domain::ValidationError]),
) -> Result<FeedsPage, AppError> {
    let (organisation, feeds) = service::feeds(&state.db, &auth.caller(), slug).await?;
    let t = &ctx.t;
    let listed = feeds
        .iter()
        .map(|feed| {
            let outcome = feed.outcome.as_deref().and_then(Outcome::read);
            Listed {
                id: feed.id.clone(),
                url: feed.url.clone(),
                language: t.t(&format!("language-{}", feed.language)),
                event_type: t.t(&format!("event-type-{}", feed.event_type)),
                failed: matches!(outcome, Some(Outcome::Failed(_))),
                last: outcome.map(|o| o.words(state, t.lang)),
            }
        })
        .collect();
    let (given, errors) = form;
    let chosen = |name: &str, default: &str| given.given(name).unwrap_or_else(|| default.to_owned());
    let (language, event_type) = (chosen("language", t.lang.code()), chosen("event_type", EventType::Meeting.id()));
    let mut fields = vec![
        FormField::new("url", t.t("event-feeds-field-url"), "url")
            .value(given.trimmed("url"))
            .hint(t.t("event-feeds-field-url-hint"))
            .required(),
        FormField::new("language", t.t("event-feeds-field-language"), "select").choices(
            Language::ALL
                .iter()
                .map(|l| Choice {
                    value: l.code().to_owned(),
                    label: t.t(&format!("language-{}", l.code())),
                    selected: l.code() == language,
                })
                .collect(),
        ),
        FormField::new("event_type", t.t("event-feeds-field-type"), "select").choices(
            EventType::ALL
                .iter()
                .map(|x| Choice {
                    value: x.id().to_owned(),
                    label: t.t(&format!("event-type-{}", x.id())),
                    selected: x.id() == event_type,
                })
                .collect(),
        ),
    ];
    for error in errors {
        if let Some(field) = fields.iter_mut().find(|f| f.name == error.field) {
            field.error = Some(t.reason(&error.reason));
        }
    }
    Ok(FeedsPage {
        csrf: auth.csrf.clone(),
        organisation: (organisation.slug, organisation.profile.name),
        feeds: listed,
        notice,
        fields,
        ctx,
    })
}

fn feeds_url(slug: &str) -> String {
    format!("/organisations/{slug}/event-feeds")
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    render(&feeds_page(&state, ctx, &auth, &slug, None, (&FormFields(Vec::new()), &[])).await?)
}

pub async fn add(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let fields = FormFields(fields);
    let (url, language, event_type) = (fields.text("url"), fields.text("language"), fields.text("event_type"));
    match service::add_feed(&state.db, &auth.caller(), &slug, &url, &language, &event_type).await {
        Ok(_) => Ok(see_other(&feeds_url(&slug))),
        Err(ServiceError::Invalid(errors)) => {
            let page = feeds_page(&state, ctx, &auth, &slug, None, (&fields, &errors)).await?;
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn remove(
    State(state): State<AppState>,
    auth: Auth,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    service::remove_feed(&state.db, &auth.caller(), &slug, &id).await?;
    Ok(see_other(&feeds_url(&slug)))
}

pub async fn import_now(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (organisation, feed) = service::feed_to_import(&state.db, &auth.caller(), &slug, &id, now(&state)).await?;
    let outcome = import_feed(&state, &organisation, &feed).await;
    let notice = outcome.words(&state, ctx.t.lang);
    let page = feeds_page(&state, ctx, &auth, &slug, Some(notice), (&FormFields(Vec::new()), &[])).await?;
    let status = if matches!(outcome, Outcome::Failed(_)) { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page)?).into_response())
}

/// An organisation's calendar feed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventFeedWire {
    pub id: String,
    /// The calendar's http(s) address.
    pub url: String,
    /// `en` or `nl`: the language of its titles.
    pub language: String,
    /// The type its events are listed as.
    #[serde(rename = "type")]
    pub event_type: String,
    /// When it was last imported.
    pub imported_at: Option<DateTime<Utc>>,
    /// What the last import did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_import: Option<FeedImportWire>,
}

/// What an import of a feed did: its counts, or why it failed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeedImportWire {
    pub ok: bool,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Events the hub had already from elsewhere, by title and start.
    pub duplicates: usize,
    /// Cancelled events, events without a title, and events outside the months imported.
    pub skipped: usize,
    /// Why it failed: for a broken feed, its line and reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl From<&Outcome> for FeedImportWire {
    fn from(outcome: &Outcome) -> Self {
        match outcome {
            Outcome::Imported(r) => FeedImportWire {
                ok: true,
                added: r.counts.added,
                updated: r.counts.updated,
                unchanged: r.counts.unchanged,
                duplicates: r.duplicates,
                skipped: r.skipped,
                error: None,
            },
            Outcome::Failed(reason) => FeedImportWire {
                ok: false,
                added: 0,
                updated: 0,
                unchanged: 0,
                duplicates: 0,
                skipped: 0,
                error: Some(reason.clone()),
            },
        }
    }
}

fn wire(feed: &EventFeed) -> EventFeedWire {
    EventFeedWire {
        id: feed.id.clone(),
        url: feed.url.clone(),
        language: feed.language.clone(),
        event_type: feed.event_type.clone(),
        imported_at: feed.fetched_at,
        last_import: feed.outcome.as_deref().and_then(Outcome::read).as_ref().map(FeedImportWire::from),
    }
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(api_list, api_add, api_remove, api_import),
    tags((name = "event-feeds", description = "Partner organisations' own iCalendar feeds, imported every six \
        hours into their events without duplicates; a broken feed is refused with its line and changes nothing"))
)]
pub struct EventFeedsApi;

/// An organisation's calendar feeds (scope `write`): its partner staff and admins.
#[utoipa::path(get, path = "/api/v1/organisations/{slug}/event-feeds", tag = "event-feeds",
    operation_id = "eventFeeds",
    params(("slug" = String, Path, description = "The organisation's address name")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The feeds", body = [EventFeedWire]),
        (status = 403, description = "Not the organisation's partner staff", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn api_list(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Json<Vec<EventFeedWire>>, AppError> {
    let (_, feeds) = service::feeds(&state.db, &auth.caller(), &slug).await?;
    Ok(Json(feeds.iter().map(wire).collect()))
}

/// A feed to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventFeedBody {
    pub url: String,
    /// `en` or `nl`.
    pub language: String,
    /// lecture, meeting, conference or matchmaking-day.
    #[serde(rename = "type")]
    pub event_type: String,
}

/// Adds a calendar feed (scope `write`); it is imported within minutes, or at once with
/// its `import` route.
#[utoipa::path(post, path = "/api/v1/organisations/{slug}/event-feeds", tag = "event-feeds",
    operation_id = "addEventFeed",
    params(("slug" = String, Path, description = "The organisation's address name")),
    request_body = EventFeedBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added", body = EventFeedWire),
        (status = 403, description = "Not the organisation's partner staff", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "A field is wrong, or the address is added already", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn api_add(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<EventFeedBody>,
) -> Result<(StatusCode, Json<EventFeedWire>), AppError> {
    let feed = service::add_feed(&state.db, &auth.caller(), &slug, &body.url, &body.language, &body.event_type).await?;
    Ok((StatusCode::CREATED, Json(wire(&feed))))
}

/// Removes a calendar feed (scope `write`); the events it brought stay.
#[utoipa::path(delete, path = "/api/v1/organisations/{slug}/event-feeds/{id}", tag = "event-feeds",
    operation_id = "removeEventFeed",
    params(
        ("slug" = String, Path, description = "The organisation's address name"),
        ("id" = String, Path, description = "The feed's id")
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such feed", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn api_remove(
    State(state): State<AppState>,
    auth: Auth,
    Path((slug, id)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    service::remove_feed(&state.db, &auth.caller(), &slug, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Imports a feed now (scope `write`): what it did, or why it failed (422).
#[utoipa::path(post, path = "/api/v1/organisations/{slug}/event-feeds/{id}/import", tag = "event-feeds",
    operation_id = "importEventFeed",
    params(
        ("slug" = String, Path, description = "The organisation's address name"),
        ("id" = String, Path, description = "The feed's id")
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Imported", body = FeedImportWire),
        (status = 422, description = "Unreachable or broken: nothing changed", body = FeedImportWire)
    ))]
pub async fn api_import(
    State(state): State<AppState>,
    auth: Auth,
    Path((slug, id)): Path<(String, String)>,
) -> Result<(StatusCode, Json<FeedImportWire>), AppError> {
    let (organisation, feed) = service::feed_to_import(&state.db, &auth.caller(), &slug, &id, now(&state)).await?;
    let outcome = import_feed(&state, &organisation, &feed).await;
    let status = if matches!(outcome, Outcome::Failed(_)) { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, Json(FeedImportWire::from(&outcome))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hubs_own_network_is_private() {
        for address in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(private(address.parse().expect("an address")), "{address}");
        }
        for address in ["145.97.39.155", "2001:610:1:40ba:145:100:190:243"] {
            assert!(!private(address.parse().expect("an address")), "{address}");
        }
    }

    #[test]
    fn outcomes_read_back_as_stored() {
        let imported = Outcome::Imported(FeedReport {
            counts: lshub_storage::content::ImportedCounts { added: 3, updated: 1, unchanged: 7 },
            duplicates: 2,
            skipped: 4,
        });
        let failed = Outcome::Failed("line 8: BEGIN:VEVENT is never closed".into());
        for outcome in [imported, failed] {
            assert_eq!(Outcome::read(&outcome.stored()), Some(outcome));
        }
        assert_eq!(Outcome::read("ok 1 2"), None);
    }
}
