//! What every feed needs, whichever kind it carries: Atom (RFC 4287, written by
//! atom_syndication) links and responses, iCalendar (RFC 5545, written by icalendar) line
//! folding, and text that both formats accept. The feeds themselves live with their kinds.

use atom_syndication::{Feed, Link};
use axum::http::header;
use axum::response::{IntoResponse, Response};

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

/// Folds content lines at 75 octets, never inside a character. icalendar 0.17 folds some
/// lines at 76 (where its whitespace rule moves a fold), which strict clients refuse; its
/// folds are undone and made again here.
pub(crate) fn refold(calendar: &str) -> String {
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

#[cfg(test)]
mod tests {
    use icalendar::{Calendar, Component, Event};

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
