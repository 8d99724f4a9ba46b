//! Subscriptions: an Atom feed of calls (RFC 4287, written by atom_syndication) and an
//! iCalendar feed of their deadlines (RFC 5545, written by icalendar), so people follow the
//! hub in their own reader and calendar. Member-written kinds have their own Atom feeds
//! (`content::feed`), built with the helpers here.

use atom_syndication::{Category, Entry, Feed, Link, Person, Text};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use icalendar::{Calendar, Component, Event, EventLike};
use lshub_domain::{topic_id_path_segment, CallSort, CallTopic};

use crate::error::AppError;
use crate::state::AppState;

/// Feed readers need recent entries, not the whole archive.
const ATOM_ENTRIES: usize = 100;
const SUMMARY_CHARS: usize = 600;

pub async fn calls_atom(State(state): State<AppState>) -> Result<Response, AppError> {
    let calls = state.db.all_calls(CallSort::RecentlyUpdated).await?;
    let feed = calls_feed(&state.site.public_url, &state.site.region, &calls[..calls.len().min(ATOM_ENTRIES)]);
    Ok(atom_response(&feed))
}

pub async fn deadlines_ics(State(state): State<AppState>) -> Result<Response, AppError> {
    let calls = state.db.all_calls(CallSort::Deadline).await?;
    let body = refold(&deadlines(&state.site.public_url, &state.site.region, &calls).to_string());
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "inline; filename=\"deadlines.ics\""),
        ],
        body,
    )
        .into_response())
}

pub(crate) fn atom_response(feed: &Feed) -> Response {
    ([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], feed.to_string()).into_response()
}

pub(crate) fn atom_link(href: String, rel: &str, mime_type: Option<&str>) -> Link {
    let mut link = Link::default();
    link.set_href(href);
    link.set_rel(rel);
    link.set_mime_type(mime_type.map(str::to_owned));
    link
}

/// The first `chars` characters of `text`, with an ellipsis where it was cut.
pub(crate) fn excerpt(text: &str, chars: usize) -> String {
    let mut excerpt: String = text.chars().take(chars).collect();
    if text.chars().nth(chars).is_some() {
        excerpt.push('…');
    }
    excerpt
}

/// Text without the control characters that XML 1.0 and iCalendar TEXT forbid; imported
/// descriptions sometimes carry them, and one would make the whole feed unreadable.
pub(crate) fn printable(text: &str) -> String {
    text.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')).collect()
}

fn calls_feed(base: &str, region: &str, calls: &[CallTopic]) -> Feed {
    let self_url = format!("{base}/feeds/calls.atom");
    let mut feed = Feed::default();
    feed.set_title(Text::plain(format!("LSH Hub {region}: funding calls")));
    feed.set_id(self_url.clone());
    feed.set_links(vec![
        atom_link(self_url, "self", None),
        atom_link(format!("{base}/calls"), "alternate", Some("text/html")),
    ]);
    feed.set_updated(calls.iter().map(|c| c.provenance.last_updated).max().unwrap_or_else(Utc::now).fixed_offset());
    let mut hub = Person::default();
    hub.set_name(format!("LSH Hub {region}"));
    feed.set_authors(vec![hub]);
    feed.set_entries(calls.iter().map(|call| call_entry(base, call)).collect::<Vec<_>>());
    feed
}

fn call_entry(base: &str, call: &CallTopic) -> Entry {
    let content = &call.content;
    let url = format!("{base}/calls/{}", topic_id_path_segment(&content.topic_id));
    let mut entry = Entry::default();
    entry.set_id(url.clone());
    entry.set_title(Text::plain(printable(&content.title)));
    entry.set_links(vec![atom_link(url, "alternate", Some("text/html"))]);
    entry.set_published(Some(call.provenance.first_imported.fixed_offset()));
    entry.set_updated(call.provenance.last_updated.fixed_offset());
    let mut category = Category::default();
    category.set_term(printable(&content.programme));
    entry.set_categories(vec![category]);
    entry.set_summary(Some(Text::plain(printable(&excerpt(&content.description, SUMMARY_CHARS)))));
    entry
}

/// Folds content lines at 75 octets, never inside a character. icalendar 0.17 folds some
/// lines at 76 (where its whitespace rule moves a fold), which strict clients refuse; its
/// folds are undone and made again here.
fn refold(calendar: &str) -> String {
    let mut out = String::with_capacity(calendar.len() + calendar.len() / 60);
    for line in calendar.replace("\r\n ", "").split_terminator("\r\n") {
        let mut width = 0;
        for c in line.chars() {
            if width + c.len_utf8() > 75 {
                out.push_str("\r\n ");
                width = 1;
            }
            out.push(c);
            width += c.len_utf8();
        }
        out.push_str("\r\n");
    }
    out
}

/// One all-day event per deadline of every call.
fn deadlines(base: &str, region: &str, calls: &[CallTopic]) -> Calendar {
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
                    content.topic_id, content.programme, content.status
                )))
                .url(&url)
                .add_property("TRANSP", "TRANSPARENT")
                .done();
            calendar.push(event);
        }
    }
    calendar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_cut_on_characters_and_marked() {
        assert_eq!(excerpt("héllo", 10), "héllo");
        assert_eq!(excerpt("héllo", 2), "hé…");
        assert_eq!(excerpt("héllo", 5), "héllo");
    }

    #[test]
    fn forbidden_control_characters_are_dropped() {
        assert_eq!(printable("a\u{1}b\nc\td\u{7f}"), "ab\nc\td");
    }

    #[test]
    fn calendar_text_is_escaped_and_lines_fold_at_75_octets_on_characters() {
        for filler in [" ", "x", "é", "–"] {
            for lead in 0..80 {
                let summary = format!("a,b;c{}{}", "a".repeat(lead), filler.repeat(90));
                let mut calendar = Calendar::empty();
                calendar.push(Event::new().summary(&summary).done());
                let text = refold(&calendar.to_string());
                assert!(text.split("\r\n").all(|line| line.len() <= 75), "{text}");
                let unfolded = text.replace("\r\n ", "");
                assert!(unfolded.contains(&format!("SUMMARY:a\\,b\\;c{}", &summary[5..])), "{unfolded}");
                assert!(text.ends_with("END:VCALENDAR\r\n"));
            }
        }
    }
}
