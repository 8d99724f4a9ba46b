//! Events beyond their kernel pages: registration (`pages.rs`, `api.rs` over
//! `lshub_service::events`), the agenda and its iCalendar feeds (`agenda.rs`), the
//! organisations' own calendars imported on a schedule (`feeds.rs`), one-to-one meetings at
//! matchmaking days (`meetings/`), and what they share: an event as a calendar entry, and
//! the mail each registrant gets with one.

pub mod agenda;
pub mod api;
pub mod feeds;
pub mod meetings;
pub mod pages;

use chrono::{DateTime, Utc};
use fluent_bundle::FluentArgs;
use icalendar::{Calendar, Component, EventLike, EventStatus};
use lshub_domain::content::Item;
use lshub_domain::event::{Event, RegistrationState};
use lshub_domain::Language;
use lshub_storage::accounts::Attachment;
use lshub_storage::events::{Letter, StoredRegistration};

use crate::feeds::{printable, refold};
use crate::state::AppState;

pub(crate) fn event_url(base: &str, slug: &str) -> String {
    format!("{base}/events/{slug}")
}

/// An event as a calendar entry. Its UID is the same in every feed and mail, so a calendar
/// that has it already updates it rather than adding a second one.
pub(crate) fn calendar_entry(base: &str, item: &Item<Event>, status: EventStatus) -> icalendar::Event {
    let host = url::Url::parse(base).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or("lshub".into());
    let event = &item.record;
    let url = event_url(base, &item.slug);
    let title = event.title.both().next().unwrap_or_default();
    let description = event.description.both().collect::<Vec<_>>().join("\n\n");
    icalendar::Event::new()
        .uid(&format!("event-{}@{host}", item.slug))
        .timestamp(item.updated_at)
        .sequence(u32::try_from(item.revision).unwrap_or(0))
        .starts(event.starts_at)
        .ends(event.ends_at)
        .summary(&printable(title))
        .description(&printable(&format!("{description}\n\n{url}")))
        .location(&printable(&event.place))
        .url(&url)
        .status(status)
        .done()
}

/// A calendar of `entries` as an iCalendar file; `method` is PUBLISH for feeds and the
/// entries of a seat, CANCEL for one that is gone.
pub(crate) fn calendar_text(name: &str, method: &str, entries: Vec<icalendar::Event>) -> String {
    let mut calendar = Calendar::empty();
    for (key, value) in
        [("VERSION", "2.0"), ("PRODID", "-//LSH Hub//Events//EN"), ("CALSCALE", "GREGORIAN"), ("METHOD", method)]
    {
        calendar.append_property(icalendar::Property::new(key, value));
    }
    calendar.name(&printable(name));
    for entry in entries {
        calendar.push(entry);
    }
    refold(&calendar.to_string())
}

/// What a registration in `state` means for the registrant's calendar.
fn entry_status(state: RegistrationState) -> (EventStatus, &'static str) {
    match state {
        RegistrationState::Confirmed => (EventStatus::Confirmed, "PUBLISH"),
        RegistrationState::Pending | RegistrationState::Waitlisted => (EventStatus::Tentative, "PUBLISH"),
        RegistrationState::Cancelled | RegistrationState::Rejected => (EventStatus::Cancelled, "CANCEL"),
    }
}

/// The event as a file for the registrant's calendar, as their registration stands.
pub(crate) fn registration_calendar(base: &str, item: &Item<Event>, state: RegistrationState) -> Attachment {
    let (status, method) = entry_status(state);
    let title = item.record.title.both().next().unwrap_or_default();
    Attachment {
        filename: format!("{}.ics", item.slug),
        content_type: format!("text/calendar; charset=utf-8; method={method}"),
        content: calendar_text(title, method, vec![calendar_entry(base, item, status)]),
    }
}

/// Words the mail about a registration's new state in the registrant's language, with the
/// event as a calendar file.
pub(crate) fn compose(state: &AppState) -> impl Fn(&StoredRegistration, &Item<Event>) -> Letter + Sync + '_ {
    move |registration, item| {
        let language = Language::from_tag(&registration.language).unwrap_or_default();
        let base = &state.site.public_url;
        let mut args = FluentArgs::new();
        args.set("title", item.record.title.get(language).to_owned());
        args.set("when", crate::kinds::events::when(language, &item.record));
        args.set("place", item.record.place.clone());
        args.set("link", format!("{}/registration", event_url(base, &item.slug)));
        args.set("name", registration.name.clone());
        let id = registration.state.id();
        Letter {
            subject: state.i18n.format(language, &format!("mail-registration-{id}-subject"), Some(&args)),
            body: state.i18n.format(language, &format!("mail-registration-{id}-body"), Some(&args)),
            attachment: Some(registration_calendar(base, item, registration.state)),
        }
    }
}

/// The registrations' states as the pages and API name them.
pub(crate) fn state_label(t: &crate::i18n::Translator, state: RegistrationState) -> String {
    t.t(&format!("registration-state-{}", state.id()))
}

/// Now, as the hub's clock has it (tests move it).
pub(crate) fn now(state: &AppState) -> DateTime<Utc> {
    state.site.clock.now()
}

/// Seats a larger capacity freed go to those who waited; run by the scheduled jobs.
pub(crate) async fn settle_waiting_lists(state: &AppState) {
    match lshub_service::events::settle_waiting_lists(&state.db, now(state), &compose(state)).await {
        Ok(0) => {}
        Ok(seated) => {
            tracing::info!(seated, "waiting lists moved up");
            state.accounts.mail_queued.notify_one();
        }
        Err(e) => tracing::error!(error = %e, "moving waiting lists up failed"),
    }
}
