//! The subscriptions to calls: an Atom feed of calls and an iCalendar feed of their
//! deadlines, so people follow the hub in their own reader and calendar.

use atom_syndication::{Category, Entry, Feed, Person, Text};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate, Utc};
use icalendar::{Calendar, Component, Event, EventLike};
use lshub_domain::{topic_id_path_segment, CallSort, CallTopic};

use crate::error::AppError;
use crate::feeds::{atom_link, atom_response, excerpt, printable, refold};
use crate::state::AppState;

/// Feed readers need recent entries, not the whole archive.
const ATOM_ENTRIES: usize = 100;
const SUMMARY_CHARS: usize = 600;

pub async fn calls_atom(State(state): State<AppState>) -> Result<Response, AppError> {
    let calls = state.db.all_calls(CallSort::RecentlyUpdated).await?;
    let base = &state.site.public_url;
    let feed = calls_feed(
        base,
        Titled {
            title: format!("LSH Hub {}: funding calls", state.site.region),
            self_url: format!("{base}/feeds/calls.atom"),
            page_url: format!("{base}/calls"),
        },
        &state.site.region,
        &calls[..calls.len().min(ATOM_ENTRIES)],
        state.today(),
    );
    Ok(atom_response(&feed))
}

pub async fn deadlines_ics(State(state): State<AppState>) -> Result<Response, AppError> {
    let calls = state.db.all_calls(CallSort::Deadline).await?;
    let body = refold(&deadlines(&state.site.public_url, &state.site.region, &calls, state.today()).to_string());
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "inline; filename=\"deadlines.ics\""),
        ],
        body,
    )
        .into_response())
}

/// What a feed of calls is called and where it and its page are.
pub(super) struct Titled {
    pub title: String,
    pub self_url: String,
    pub page_url: String,
}

/// A feed of `calls`, with their statuses on `today`: every call's feed and each saved
/// search's.
pub(super) fn calls_feed(base: &str, titled: Titled, region: &str, calls: &[CallTopic], today: NaiveDate) -> Feed {
    let mut feed = Feed::default();
    feed.set_title(Text::plain(printable(&titled.title)));
    feed.set_id(titled.self_url.clone());
    feed.set_links(vec![
        atom_link(titled.self_url, "self", None),
        atom_link(titled.page_url, "alternate", Some("text/html")),
    ]);
    feed.set_updated(calls.iter().map(|c| c.provenance.last_updated).max().unwrap_or_else(Utc::now).fixed_offset());
    let mut hub = Person::default();
    hub.set_name(format!("LSH Hub {region}"));
    feed.set_authors(vec![hub]);
    feed.set_entries(calls.iter().map(|call| call_entry(base, call, today)).collect::<Vec<_>>());
    feed
}

/// A call as an entry, with its programme and its status on `today` as categories.
fn call_entry(base: &str, call: &CallTopic, today: NaiveDate) -> Entry {
    let content = &call.content;
    let url = format!("{base}/calls/{}", topic_id_path_segment(&content.topic_id));
    let mut entry = Entry::default();
    entry.set_id(url.clone());
    entry.set_title(Text::plain(printable(&content.title)));
    entry.set_links(vec![atom_link(url, "alternate", Some("text/html"))]);
    entry.set_published(Some(call.provenance.first_imported.fixed_offset()));
    entry.set_updated(call.provenance.last_updated.fixed_offset());
    let mut programme = Category::default();
    programme.set_term(printable(&content.programme));
    let mut status = Category::default();
    status.set_term(content.status_on(today).id());
    status.set_scheme(Some(format!("{base}/calls?status=")));
    entry.set_categories(vec![programme, status]);
    entry.set_summary(Some(Text::plain(printable(&excerpt(&content.description, SUMMARY_CHARS)))));
    entry
}

/// One all-day event per deadline of every call.
fn deadlines(base: &str, region: &str, calls: &[CallTopic], today: NaiveDate) -> Calendar {
    let host = url::Url::parse(base).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or("lshub".into());
    let mut calendar = Calendar::empty();
    for (key, value) in [
        ("VERSION", "2.0"),
        ("PRODID", "-//LSH Hub//Call deadlines//EN"),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
    ] {
        calendar.append_property(icalendar::Property::new(key, value));
    }
    calendar.name(&format!("LSH Hub {region}: call deadlines"));
    for call in calls {
        let content = &call.content;
        let url = format!("{base}/calls/{}", topic_id_path_segment(&content.topic_id));
        for deadline in &content.deadlines {
            let event = Event::new()
                .uid(&format!("{}-{}@{host}", content.topic_id, deadline.format("%Y%m%d")))
                .timestamp(call.provenance.last_updated)
                .starts(*deadline)
                // DTEND is exclusive: the event is the whole deadline day.
                .ends(*deadline + Duration::days(1))
                .summary(&printable(&format!("Deadline: {}", content.title)))
                .description(&printable(&format!(
                    "{} ({})\n{}\n{url}",
                    content.topic_id,
                    content.programme,
                    content.status_on(today)
                )))
                .url(&url)
                .add_property("TRANSP", "TRANSPARENT")
                .done();
            calendar.push(event);
        }
    }
    calendar
}
