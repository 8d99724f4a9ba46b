//! Subscriptions: an Atom feed of calls (RFC 4287) and an iCalendar feed of their
//! deadlines (RFC 5545), so people follow the hub in their own reader and calendar.

use std::fmt::Write;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use lshub_domain::{topic_id_path_segment, CallSort, CallTopic};

use crate::error::AppError;
use crate::state::AppState;

/// Feed readers need recent entries, not the whole archive.
const ATOM_ENTRIES: usize = 100;
const SUMMARY_CHARS: usize = 600;

pub async fn calls_atom(State(state): State<AppState>) -> Result<Response, AppError> {
    let calls = state.db.all_calls(CallSort::RecentlyUpdated).await?;
    let body = atom(&state.site.public_url, &state.site.region, &calls[..calls.len().min(ATOM_ENTRIES)]);
    Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], body).into_response())
}

pub async fn deadlines_ics(State(state): State<AppState>) -> Result<Response, AppError> {
    let calls = state.db.all_calls(CallSort::Deadline).await?;
    let body = icalendar(&state.site.public_url, &state.site.region, &calls);
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "inline; filename=\"deadlines.ics\""),
        ],
        body,
    )
        .into_response())
}

fn atom(base: &str, region: &str, calls: &[CallTopic]) -> String {
    let updated = calls.iter().map(|c| c.provenance.last_updated).max().unwrap_or_else(Utc::now);
    let mut xml = String::with_capacity(calls.len() * 1200 + 600);
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    let _ = writeln!(xml, "  <title>{}</title>", xml_escape(&format!("LSH Hub {region}: funding calls")));
    let _ = writeln!(xml, "  <id>{}</id>", xml_escape(&format!("{base}/feeds/calls.atom")));
    let _ = writeln!(xml, "  <link rel=\"self\" href=\"{}\"/>", xml_escape(&format!("{base}/feeds/calls.atom")));
    let _ = writeln!(
        xml,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml_escape(&format!("{base}/calls"))
    );
    let _ = writeln!(xml, "  <updated>{}</updated>", updated.to_rfc3339());
    let _ = writeln!(xml, "  <author><name>{}</name></author>", xml_escape(&format!("LSH Hub {region}")));
    for call in calls {
        let content = &call.content;
        let url = format!("{base}/calls/{}", topic_id_path_segment(&content.topic_id));
        let mut summary: String = content.description.chars().take(SUMMARY_CHARS).collect();
        if content.description.chars().count() > SUMMARY_CHARS {
            summary.push('…');
        }
        xml.push_str("  <entry>\n");
        let _ = writeln!(xml, "    <id>{}</id>", xml_escape(&url));
        let _ = writeln!(xml, "    <title>{}</title>", xml_escape(&content.title));
        let _ = writeln!(xml, "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", xml_escape(&url));
        let _ = writeln!(xml, "    <published>{}</published>", call.provenance.first_imported.to_rfc3339());
        let _ = writeln!(xml, "    <updated>{}</updated>", call.provenance.last_updated.to_rfc3339());
        let _ = writeln!(xml, "    <category term=\"{}\"/>", xml_escape(&content.programme));
        let _ = writeln!(xml, "    <summary>{}</summary>", xml_escape(&summary));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

/// Escapes text for XML and drops the control characters XML 1.0 forbids.
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() && (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

fn icalendar(base: &str, region: &str, calls: &[CallTopic]) -> String {
    let host = base.split("://").nth(1).unwrap_or(base).split('/').next().unwrap_or("lshub");
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//LSH Hub//Call deadlines//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        format!("X-WR-CALNAME:{}", ical_escape(&format!("LSH Hub {region}: call deadlines"))),
    ];
    for call in calls {
        let content = &call.content;
        let url = format!("{base}/calls/{}", topic_id_path_segment(&content.topic_id));
        let stamp = call.provenance.last_updated.format("%Y%m%dT%H%M%SZ");
        for deadline in &content.deadlines {
            lines.extend([
                "BEGIN:VEVENT".to_owned(),
                format!("UID:{}-{}@{host}", content.topic_id, deadline.format("%Y%m%d")),
                format!("DTSTAMP:{stamp}"),
                format!("DTSTART;VALUE=DATE:{}", deadline.format("%Y%m%d")),
                format!("DTEND;VALUE=DATE:{}", (*deadline + Duration::days(1)).format("%Y%m%d")),
                format!("SUMMARY:{}", ical_escape(&format!("Deadline: {}", content.title))),
                format!(
                    "DESCRIPTION:{}",
                    ical_escape(&format!("{} ({})\n{}\n{url}", content.topic_id, content.programme, content.status))
                ),
                format!("URL:{url}"),
                "TRANSP:TRANSPARENT".to_owned(),
                "END:VEVENT".to_owned(),
            ]);
        }
    }
    lines.push("END:VCALENDAR".to_owned());
    let mut out = String::new();
    for line in lines {
        fold_ical_line(&line, &mut out);
    }
    out
}

/// Escapes a TEXT value (RFC 5545 section 3.3.11).
fn ical_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes `line` folded at 75 octets, never inside a UTF-8 character, ending in CRLF.
fn fold_ical_line(line: &str, out: &mut String) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ical_lines_fold_at_75_octets_on_character_boundaries() {
        let mut out = String::new();
        fold_ical_line(&format!("SUMMARY:{}", "é".repeat(60)), &mut out);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets", line.len());
        }
        assert_eq!(out.replace("\r\n ", "").trim_end(), format!("SUMMARY:{}", "é".repeat(60)));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(ical_escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        assert_eq!(xml_escape("<b>&\"x\u{1}\""), "&lt;b&gt;&amp;&quot;x&quot;");
    }
}
