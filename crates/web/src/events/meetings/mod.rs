//! One-to-one meetings at matchmaking days (`pages.rs`, `api.rs` over
//! `lshub_service::meetings`), and what both share: a slot's time, a meeting as a calendar
//! entry, and the mail each change sends to the side that did not make it.

pub mod api;
pub mod pages;

use fluent_bundle::FluentArgs;
use icalendar::{Component, EventLike, EventStatus};
use lshub_domain::content::Item;
use lshub_domain::event::meetings::{MeetingGrid, RequestState};
use lshub_domain::event::{local_time_in, Event};
use lshub_domain::Language;
use lshub_storage::accounts::Attachment;
use lshub_storage::events::Letter;
use lshub_storage::meetings::{Participant, StoredMeeting};

use super::{calendar_text, event_url};
use crate::feeds::printable;
use crate::state::AppState;

/// "10:20–10:40", where the event is held.
pub(crate) fn slot_time(grid: &MeetingGrid, slot: u32, time_zone: &str) -> String {
    let (start, end) = grid.slot_time(slot);
    let (start, end) = (local_time_in(start, time_zone), local_time_in(end, time_zone));
    format!("{}–{}", start.format("%H:%M"), end.format("%H:%M"))
}

/// Tables are numbered from 1 where people sit.
pub(crate) fn table_number(table: u32) -> u32 {
    table + 1
}

pub(crate) fn meetings_url(base: &str, slug: &str) -> String {
    format!("{}/meetings", event_url(base, slug))
}

/// An accepted meeting as an entry in the calendar of `viewer` (a user id): with whom, when,
/// at which table.
pub(crate) fn calendar_entry(
    state: &AppState,
    language: Language,
    item: &Item<Event>,
    grid: &MeetingGrid,
    meeting: &StoredMeeting,
    viewer: &str,
) -> Option<icalendar::Event> {
    let placement = meeting.placement?;
    let base = &state.site.public_url;
    let host = url::Url::parse(base).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or("lshub".into());
    let other = meeting.other_side(viewer);
    let (start, end) = grid.slot_time(placement.slot);
    let mut args = FluentArgs::new();
    args.set("name", other.name.clone());
    args.set("event", item.record.title.get(language).to_owned());
    let summary = state.i18n.format(language, "meeting-calendar-summary", Some(&args));
    let mut args = FluentArgs::new();
    args.set("place", item.record.place.clone());
    args.set("table", table_number(placement.table));
    let location = state.i18n.format(language, "meeting-calendar-location", Some(&args));
    let status = if meeting.state == RequestState::Accepted { EventStatus::Confirmed } else { EventStatus::Cancelled };
    Some(
        icalendar::Event::new()
            .uid(&format!("meeting-{}@{host}", meeting.id))
            .timestamp(meeting.changed_at)
            .starts(start)
            .ends(end)
            .summary(&printable(&summary))
            .description(&printable(&format!("{}\n\n{}/agenda", meeting.message, meetings_url(base, &item.slug))))
            .location(&printable(&location))
            .status(status)
            .done(),
    )
}

/// Words the mail about a request's new state to `to`, in their language; an accepted
/// meeting comes with its calendar entry.
pub(crate) fn letters<'a>(
    state: &'a AppState,
    item: &'a Item<Event>,
    grid: &'a MeetingGrid,
) -> impl Fn(&StoredMeeting, &Participant) -> Letter + Sync + 'a {
    move |meeting, to| {
        let language = Language::from_tag(&to.language).unwrap_or_default();
        let base = &state.site.public_url;
        let other = meeting.other_side(&to.user_id);
        let mut args = FluentArgs::new();
        args.set("event", item.record.title.get(language).to_owned());
        args.set("name", other.name.clone());
        args.set("message", meeting.message.clone());
        let kind = match meeting.state {
            RequestState::Pending | RequestState::Expired => "asked",
            RequestState::Accepted => "accepted",
            RequestState::Declined => "declined",
            RequestState::Cancelled => "called-off",
        };
        let link = match meeting.state {
            RequestState::Accepted => format!("{}/agenda", meetings_url(base, &item.slug)),
            _ => format!("{}/requests/{}", meetings_url(base, &item.slug), meeting.id),
        };
        args.set("link", link);
        if let Some(placement) = meeting.placement {
            args.set("time", slot_time(grid, placement.slot, &item.record.time_zone));
            args.set("table", table_number(placement.table));
        }
        let attachment = calendar_entry(state, language, item, grid, meeting, &to.user_id).map(|entry| Attachment {
            filename: format!("meeting-{}.ics", meeting.id),
            content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
            content: calendar_text(item.record.title.get(language), "PUBLISH", vec![entry]),
        });
        Letter {
            subject: state.i18n.format(language, &format!("mail-meeting-{kind}-subject"), Some(&args)),
            body: state.i18n.format(language, &format!("mail-meeting-{kind}-body"), Some(&args)),
            attachment,
        }
    }
}

/// A request's state as the pages and API name it, as it stands now.
pub(crate) fn state_label(t: &crate::i18n::Translator, state: RequestState) -> String {
    t.t(&format!("meeting-state-{}", state.id()))
}
