//! iCalendar feeds in the forms Google Calendar, Outlook (Exchange) and Apple Calendar
//! publish them (their PRODIDs, time zone blocks, Windows zone names, folded lines and
//! vendor properties), read into events; and broken feeds, refused with their line.

// A test stops at the first expectation that fails: unwrapping is how it says so.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use lshub_domain::event::{Event, EventType};
use lshub_domain::Language;
use lshub_import::ical::{read_feed, FeedSettings};

fn settings(feed: &str) -> FeedSettings {
    FeedSettings {
        feed: feed.to_owned(),
        language: Language::En,
        event_type: EventType::Meeting,
        time_zone: "Europe/Amsterdam".to_owned(),
        from: utc(2027, 1, 1, 0, 0),
        until: utc(2028, 1, 1, 0, 0),
    }
}

fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, 0).single().expect("a time")
}

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ical").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn titled<'a>(events: &'a [Event], title: &str) -> Vec<&'a Event> {
    events.iter().filter(|e| e.title.both().any(|t| t == title)).collect()
}

#[test]
fn a_google_calendar_with_a_weekly_rule_exceptions_an_override_and_a_whole_day() {
    let read = read_feed(&fixture("google.ics"), &settings("google.ics")).expect("read");
    let seminars = titled(&read.events, "AI for Health seminar");
    // Thirteen Mondays from 4 January to 29 March, less two exceptions and one moved.
    assert_eq!(seminars.len(), 10);
    let starts: Vec<_> = seminars.iter().map(|e| e.starts_at).collect();
    assert_eq!(starts[0], utc(2027, 1, 4, 15, 0), "16:00 in Amsterdam in winter");
    assert_eq!(starts[9], utc(2027, 3, 29, 14, 0), "16:00 in Amsterdam after the clocks moved");
    assert!(!starts.contains(&utc(2027, 1, 11, 15, 0)) && !starts.contains(&utc(2027, 2, 15, 15, 0)), "EXDATE");
    assert!(!starts.contains(&utc(2027, 1, 18, 15, 0)), "the moved occurrence is not also at its old time");
    let first = seminars[0];
    assert_eq!(first.ends_at - first.starts_at, chrono::Duration::hours(1));
    assert_eq!(first.time_zone, "Europe/Amsterdam");
    assert_eq!(first.place, "Amsterdam UMC, Meibergdreef 9, 1105 AZ Amsterdam, Netherlands");
    let description = first.description.en.as_deref().expect("a description");
    assert!(description.contains("health, with talks from Amsterdam UMC and the NKI.\nOpen to all"), "{description}");
    let source = first.source.as_ref().expect("its source");
    assert_eq!(source.uid, "5q8v0m3k2r1t9b7c6d4e2f0a1b@google.com");
    assert_eq!(source.key(), "5q8v0m3k2r1t9b7c6d4e2f0a1b@google.com#20270104T150000Z");

    let moved = titled(&read.events, "AI for Health seminar (one hour later: guest lecture)");
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].starts_at, utc(2027, 1, 18, 16, 0));
    assert_eq!(
        moved[0].source.as_ref().map(|s| s.key()).as_deref(),
        Some("5q8v0m3k2r1t9b7c6d4e2f0a1b@google.com#20270118T150000Z")
    );

    let hackathon = titled(&read.events, "Health Data Hackathon");
    assert_eq!(hackathon.len(), 1);
    assert!(hackathon[0].all_day);
    assert_eq!((hackathon[0].starts_at, hackathon[0].ends_at), (utc(2027, 2, 14, 23, 0), utc(2027, 2, 16, 23, 0)));
    assert!(titled(&read.events, "Postponed: federated learning workshop").is_empty(), "cancelled");
    assert_eq!((read.events.len(), read.skipped), (12, 1));
}

#[test]
fn an_outlook_calendar_with_windows_zone_names_and_folded_uids() {
    let read = read_feed(&fixture("outlook.ics"), &settings("outlook.ics")).expect("read");
    assert_eq!(read.events.len(), 3);
    let open_day = titled(&read.events, "Open dag labruimte Amsterdam Science Park")[0];
    assert_eq!((open_day.starts_at, open_day.ends_at), (utc(2027, 4, 10, 7, 30), utc(2027, 4, 10, 10, 30)));
    assert_eq!(open_day.time_zone, "Europe/Amsterdam", "W. Europe Standard Time");
    let uid = &open_day.source.as_ref().expect("a source").uid;
    let folded = [
        "040000008200E00074C5B7101A82E00800000000C41E94C5B4F3DA01000000000000000",
        "0100000007EA1D0AA9DB96545A536FABC0B0C1F5A",
    ];
    assert_eq!(uid, &folded.concat(), "its two lines joined");
    let summit = titled(&read.events, "Benelux Health AI Summit")[0];
    assert_eq!(summit.time_zone, "Europe/Brussels", "Romance Standard Time");
    assert_eq!((summit.starts_at, summit.ends_at), (utc(2027, 6, 1, 7, 0), utc(2027, 6, 2, 15, 0)));
    let holiday = titled(&read.events, "Koningsdag (kantoor gesloten)")[0];
    assert!(holiday.all_day);
    assert_eq!((holiday.starts_at, holiday.ends_at), (utc(2027, 4, 26, 22, 0), utc(2027, 4, 27, 22, 0)));
}

#[test]
fn an_apple_calendar_with_utc_times_a_monthly_rule_and_durations() {
    let read = read_feed(&fixture("apple.ics"), &settings("apple.ics")).expect("read");
    let office_hours = titled(&read.events, "Office hours for start-ups");
    let starts: Vec<_> = office_hours.iter().map(|e| e.starts_at).collect();
    assert_eq!(starts, [utc(2027, 4, 20, 7, 0), utc(2027, 5, 18, 7, 0), utc(2027, 6, 15, 7, 0)], "third Tuesdays");
    assert!(office_hours.iter().all(|e| e.ends_at - e.starts_at == chrono::Duration::hours(2)));
    assert_eq!(office_hours[0].place, "LabStart, Kruislaan 400, Amsterdam");
    let breakfast = titled(&read.events, "Investor breakfast")[0];
    assert_eq!((breakfast.starts_at, breakfast.ends_at), (utc(2027, 5, 12, 6, 0), utc(2027, 5, 12, 7, 30)));
}

#[test]
fn events_outside_the_window_are_left_out() {
    let window = FeedSettings { from: utc(2027, 3, 1, 0, 0), until: utc(2027, 3, 23, 0, 0), ..settings("google.ics") };
    let read = read_feed(&fixture("google.ics"), &window).expect("read");
    let starts: Vec<_> = read.events.iter().map(|e| e.starts_at).collect();
    // Mondays 1, 8, 15 and 22 March.
    assert_eq!(
        starts,
        [utc(2027, 3, 1, 15, 0), utc(2027, 3, 8, 15, 0), utc(2027, 3, 15, 15, 0), utc(2027, 3, 22, 15, 0)]
    );
}

#[test]
fn broken_feeds_are_refused_with_their_line_and_reason() {
    let cases = [
        ("unclosed.ics", 8, "END:VCALENDAR where BEGIN:VEVENT of line 4 is open"),
        ("bad_date.ics", 6, "DTSTART \"2027-03-10\" is not a date or a date and time"),
        ("unknown_zone.ics", 7, "DTSTART names an unknown time zone \"Mars/Olympus_Mons\""),
        ("no_colon.ics", 7, "a line without a colon"),
        ("bad_rrule.ics", 7, "RRULE"),
        ("html_page.ics", 1, "an iCalendar file starts with BEGIN:VCALENDAR"),
    ];
    for (file, line, reason) in cases {
        let error = read_feed(&fixture(&format!("broken/{file}")), &settings(file)).expect_err(file);
        assert_eq!(error.line, line, "{file}: {error}");
        assert!(error.reason.contains(reason), "{file}: {error}");
    }
    assert_eq!(read_feed("", &settings("empty")).expect_err("empty").line, 1);
}
