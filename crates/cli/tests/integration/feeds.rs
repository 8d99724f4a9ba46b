//! Atom and iCalendar feeds.

use crate::support::{client, per_backend, TestApp};

per_backend!(atom_feed_lists_calls_newest_first, icalendar_feed_has_every_deadline);

async fn atom_feed_lists_calls_newest_first(app: &TestApp) {
    let response = client().get(app.url("/feeds/calls.atom")).send().await.expect("feed");
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers()["content-type"].to_str().is_ok_and(|c| c.starts_with("application/atom+xml")));
    let feed = response.text().await.expect("text");
    assert!(feed.starts_with("<?xml") && feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
    assert_eq!(feed.matches("<entry>").count(), 100);
    let updated: Vec<&str> =
        feed.split("<entry>").skip(1).filter_map(|e| e.split("<updated>").nth(1)?.split("</updated>").next()).collect();
    assert!(updated.windows(2).all(|w| w[0] >= w[1]), "newest first");
    assert!(!feed.contains("â€"), "no mojibake");
}

async fn icalendar_feed_has_every_deadline(app: &TestApp) {
    let response = client().get(app.url("/feeds/deadlines.ics")).send().await.expect("feed");
    assert!(response.headers()["content-type"].to_str().is_ok_and(|c| c.starts_with("text/calendar")));
    let calendar = response.text().await.expect("text");
    assert!(calendar.starts_with("BEGIN:VCALENDAR\r\n") && calendar.ends_with("END:VCALENDAR\r\n"));
    assert_eq!(calendar.matches("BEGIN:VEVENT").count(), 629);
    assert!(calendar.split("\r\n").all(|line| line.len() <= 75), "lines are folded");
    assert!(calendar.contains("DTSTART;VALUE=DATE:20260915"));
}
