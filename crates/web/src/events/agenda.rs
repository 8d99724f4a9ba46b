//! The regional agenda: upcoming events by their start, as a page and as iCalendar feeds for
//! everyone, per organisation, and per person (their registrations, at a secret address).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Duration, Utc};
use icalendar::EventStatus;
use lshub_domain::content::Item;
use lshub_domain::event::{Event, RegistrationState};
use lshub_service::events as service;
use serde::Deserialize;

use super::{calendar_entry, calendar_text, now};
use crate::error::AppError;
use crate::kinds::events::when;
use crate::pages::{render, PageContext};
use crate::public_cache::public;
use crate::routes::RouteTable;
use crate::state::AppState;

/// Feeds keep events this long after they ended, so a calendar does not drop today's
/// events at once.
const FEED_PAST_DAYS: i64 = 30;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .route("/agenda", public(get(page)))
        .route("/feeds/agenda.ics", public(get(feed)))
        .route("/organisations/{slug}/agenda.ics", public(get(organisation_feed)))
        .route("/feeds/calendar/{secret}", get(personal_feed))
}

pub(crate) fn personal_calendar_path(secret: &str) -> String {
    format!("/feeds/calendar/{secret}")
}

/// An iCalendar file as the answer; calendar programs subscribe to it.
pub(crate) fn calendar_response(filename: &str, body: String) -> Response {
    let disposition = format!("inline; filename=\"{}\"", filename.replace(['"', '\\'], "_"));
    (
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)],
        body,
    )
        .into_response()
}

/// One event in the agenda.
struct Listed {
    slug: String,
    title: String,
    when: String,
    place: String,
    event_type: String,
    organiser: String,
}

#[derive(Template)]
#[template(path = "events/agenda.html")]
struct AgendaPage {
    ctx: PageContext,
    events: Vec<Listed>,
    /// The organisation the agenda is narrowed to: its slug and name.
    organisation: Option<(String, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct AgendaParams {
    /// Only the events of this organisation (its address name).
    organisation: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(params): Query<AgendaParams>,
) -> Result<Response, AppError> {
    let organisation = match params.organisation.filter(|s| !s.is_empty()) {
        Some(slug) => {
            let organisation = crate::pages::organisation(&state, &slug).await?;
            Some((organisation.slug, organisation.profile.name))
        }
        None => None,
    };
    let slug = organisation.as_ref().map(|(slug, _)| slug.as_str());
    let items = service::agenda(&state.db, state.today(), now(&state), slug).await?;
    let t = &ctx.t;
    let events = items
        .iter()
        .map(|item| Listed {
            slug: item.slug.clone(),
            title: item.record.title.get(t.lang).to_owned(),
            when: when(t.lang, &item.record),
            place: item.record.place.clone(),
            event_type: t.t(&format!("event-type-{}", item.record.event_type.id())),
            organiser: item.owner.name.clone(),
        })
        .collect();
    render(&AgendaPage { events, organisation, ctx })
}

fn feed_since(state: &AppState) -> DateTime<Utc> {
    now(state) - Duration::days(FEED_PAST_DAYS)
}

fn entries(base: &str, items: &[Item<Event>]) -> Vec<icalendar::Event> {
    items.iter().map(|item| calendar_entry(base, item, EventStatus::Confirmed)).collect()
}

pub async fn feed(State(state): State<AppState>) -> Result<Response, AppError> {
    let items = service::agenda(&state.db, state.today(), feed_since(&state), None).await?;
    let name = format!("LSH Hub {}: agenda", state.site.region);
    Ok(calendar_response("agenda.ics", calendar_text(&name, "PUBLISH", entries(&state.site.public_url, &items))))
}

pub async fn organisation_feed(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Response, AppError> {
    let organisation = crate::pages::organisation(&state, &slug).await?;
    let items = service::agenda(&state.db, state.today(), feed_since(&state), Some(&organisation.slug)).await?;
    let name = format!("{}: agenda", organisation.profile.name);
    Ok(calendar_response(
        &format!("{slug}.ics"),
        calendar_text(&name, "PUBLISH", entries(&state.site.public_url, &items)),
    ))
}

/// The events one registered for, tentative while they wait for a seat or approval.
pub async fn personal_feed(State(state): State<AppState>, Path(secret): Path<String>) -> Result<Response, AppError> {
    let registrations = service::calendar(&state.db, &secret).await?;
    let bookings = lshub_service::facilities::calendar(&state.db, &secret, feed_since(&state)).await?;
    let base = &state.site.public_url;
    let entries = registrations
        .iter()
        .map(|(registration, item)| {
            let status = match registration.state {
                RegistrationState::Confirmed => EventStatus::Confirmed,
                _ => EventStatus::Tentative,
            };
            calendar_entry(base, item, status)
        })
        .chain(crate::facilities::personal_entries(&state, &bookings))
        .collect();
    let name = format!("LSH Hub {}: my calendar", state.site.region);
    let mut response = calendar_response("registrations.ics", calendar_text(&name, "PUBLISH", entries));
    // Personal: no shared cache may keep it.
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, no-store"));
    Ok(response)
}
