//! Organisations' own calendar feeds on both databases: a partner's staff adds the address
//! of a calendar served on loopback; importing it brings its events (one per occurrence),
//! importing again changes nothing, a changed feed updates its events, a broken feed is
//! refused with its line and changes nothing, an event the hub lists already (by title and
//! start) is not added twice, and each due feed is taken by one node only.

use std::sync::{Arc, Mutex};

use serde_json::json;

use crate::authorization_matrix::staff;
use crate::browser::{grant, Browser, PASSWORD};
use crate::support::{per_backend, TestApp};

per_backend!(a_partners_calendar_is_imported_merged_and_refused_when_broken);

/// A partner organisation no other test writes for.
const PARTNER: &str = "erasmus-mc-cancer-institute";

/// The first event of the fixtures starts on this day; they are moved by whole weeks (so
/// that weekly rules keep their weekdays) to begin two months from today, inside the year
/// ahead that the hub imports.
const FIXTURES_BEGIN: (i32, u32, u32) = (2027, 1, 4);

fn weeks_ahead() -> chrono::Duration {
    let (y, m, d) = FIXTURES_BEGIN;
    let begin = chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a date");
    let target = chrono::Utc::now().date_naive() + chrono::Duration::days(60);
    chrono::Duration::weeks((target - begin).num_days().div_euclid(7) + 1)
}

/// A fixture of the importer's tests with every date (`YYYYMMDD` after `:`, `,` or `=`)
/// moved [`weeks_ahead`].
fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../import/tests/ical").join(name);
    let text = std::fs::read_to_string(&path).expect("a fixture");
    let shift = weeks_ahead();
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find(|c: char| c.is_ascii_digit()) {
        let digits = rest[at..].find(|c: char| !c.is_ascii_digit()).map_or(rest.len() - at, |n| n);
        let date = &rest[at..at + digits];
        let after_separator = rest[..at].ends_with([':', ',', '=']);
        out.push_str(&rest[..at]);
        match chrono::NaiveDate::parse_from_str(date, "%Y%m%d") {
            Ok(day) if digits == 8 && after_separator => out.push_str(&(day + shift).format("%Y%m%d").to_string()),
            _ => out.push_str(date),
        }
        rest = &rest[at + digits..];
    }
    out.push_str(rest);
    out
}

/// Serves whatever `calendar` holds at `/calendar.ics` on loopback; its address.
async fn serve(calendar: Arc<Mutex<String>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let app = axum::Router::new().route(
        "/calendar.ics",
        axum::routing::get(move || {
            let text = calendar.lock().expect("the calendar").clone();
            async move { ([("content-type", "text/calendar; charset=utf-8")], text) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}/calendar.ics")
}

async fn a_partners_calendar_is_imported_merged_and_refused_when_broken(app: &TestApp) {
    let mut admin = Browser::at(app, 333);
    admin.sign_up("Feeds Admin", "admin@feeds.example", PASSWORD).await;
    grant(app, "admin@feeds.example", "admin");
    let page =
        admin.submit("/admin/partners", "/admin/partners", &[("organisation", PARTNER), ("partner", "yes")]).await;
    assert_eq!(page.status, 303, "a partner organisation");
    let mut partner = staff(app, &mut admin, 334, "staff@feeds.example", PARTNER, "partner").await;
    let mut member = staff(app, &mut admin, 335, "member@feeds.example", PARTNER, "member").await;

    // A member of the organisation lists the investor breakfast by hand first.
    let day = (chrono::NaiveDate::from_ymd_opt(2027, 5, 12).expect("a date") + weeks_ahead()).format("%Y-%m-%d");
    let breakfast = json!({
        "organisation": PARTNER, "type": "meeting", "titleEn": "Investor breakfast", "place": "Amsterdam",
        "starts": format!("{day} 08:00"), "ends": format!("{day} 09:30"), "language": "en",
    });
    let (status, created) = member.api(reqwest::Method::POST, "/api/v1/events", &breakfast).await;
    assert_eq!(status, 201, "{created}");
    let slug = created["slug"].as_str().expect("a slug").to_owned();
    let publish = json!({"transition": "publish"});
    assert_eq!(member.api(reqwest::Method::POST, &format!("/api/v1/events/{slug}/state"), &publish).await.0, 200);

    let calendar = Arc::new(Mutex::new(fixture("google.ics")));
    let url = serve(calendar.clone()).await;
    let feeds = format!("/api/v1/organisations/{PARTNER}/event-feeds");
    // Members without the partner role manage no feeds; a wrong field is named.
    let body = json!({"url": url, "language": "en", "type": "lecture"});
    assert_eq!(member.api(reqwest::Method::POST, &feeds, &body).await.0, 403);
    let (status, refused) = partner
        .api(reqwest::Method::POST, &feeds, &json!({"url": "ftp://x", "language": "fr", "type": "lecture"}))
        .await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["field"], "url", "{refused}");
    let (status, feed) = partner.api(reqwest::Method::POST, &feeds, &body).await;
    assert_eq!(status, 201, "{feed}");
    assert_eq!(partner.api(reqwest::Method::POST, &feeds, &body).await.0, 400, "added once");
    let import = format!("{feeds}/{}/import", feed["id"].as_str().expect("an id"));

    let (status, first) = partner.api(reqwest::Method::POST, &import, &json!({})).await;
    assert_eq!(status, 200, "{first}");
    let added = first["added"].as_u64().expect("a count");
    assert!(added >= 3, "the seminars and the hackathon: {first}");
    assert_eq!(first["skipped"], 1, "the cancelled workshop: {first}");
    let agenda = format!("/organisations/{PARTNER}/agenda.ics");
    let (_, ics) = app.get_text(&agenda, "en").await;
    assert!(ics.contains("SUMMARY:AI for Health seminar") && ics.contains("SUMMARY:Health Data Hackathon"), "{ics}");
    let seminars = ics.matches("SUMMARY:AI for Health seminar\r\n").count();

    // Again: nothing new.
    let (_, again) = partner.api(reqwest::Method::POST, &import, &json!({})).await;
    assert_eq!((again["added"].as_u64(), again["unchanged"].as_u64()), (Some(0), Some(added)), "{again}");

    // A changed title updates its event.
    let renamed = fixture("google.ics").replace("SUMMARY:Health Data Hackathon", "SUMMARY:Health Data Hackathon 2.0");
    *calendar.lock().expect("the calendar") = renamed;
    let (_, changed) = partner.api(reqwest::Method::POST, &import, &json!({})).await;
    assert_eq!((changed["added"].as_u64(), changed["updated"].as_u64()), (Some(0), Some(1)), "{changed}");

    // A broken feed: refused with its line, and the events stay as they were.
    *calendar.lock().expect("the calendar") = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../import/tests/ical/broken/unclosed.ics"),
    )
    .expect("a fixture");
    let (status, broken) = partner.api(reqwest::Method::POST, &import, &json!({})).await;
    assert_eq!(status, 422, "{broken}");
    assert_eq!(broken["error"], "line 8: END:VCALENDAR where BEGIN:VEVENT of line 4 is open");
    let (_, after) = app.get_text(&agenda, "en").await;
    assert_eq!(after.matches("SUMMARY:AI for Health seminar\r\n").count(), seminars);
    assert!(after.contains("SUMMARY:Health Data Hackathon 2.0"));
    let shown = partner.get(&format!("/organisations/{PARTNER}/event-feeds")).await;
    assert!(shown.body.contains("Not imported, nothing changed: line 8"), "{}", shown.body);

    // Another calendar of the organisation holds the breakfast the member listed.
    *calendar.lock().expect("the calendar") = fixture("apple.ics");
    let (_, merged) = partner.api(reqwest::Method::POST, &import, &json!({})).await;
    assert_eq!(merged["duplicates"], 1, "listed by hand already: {merged}");
    let (_, ics) = app.get_text(&agenda, "en").await;
    assert_eq!(ics.matches("SUMMARY:Investor breakfast\r\n").count(), 1, "{ics}");

    // Due feeds are taken by one node at a time.
    let db = lshub_storage::Database::connect(&app.database_url).await.expect("connect");
    let now = chrono::Utc::now() + chrono::Duration::days(1);
    let taken = db.take_due_event_feeds(now, now).await.expect("due feeds");
    assert!(taken.iter().any(|f| f.url == url), "due a day later");
    assert!(db.take_due_event_feeds(now, now).await.expect("due feeds").iter().all(|f| f.url != url), "taken once");
    db.close().await;

    // Removed: its events stay.
    let (status, _) = partner
        .api(reqwest::Method::DELETE, &format!("{feeds}/{}", feed["id"].as_str().expect("an id")), &json!({}))
        .await;
    assert_eq!(status, 204);
    assert!(app.get_text(&agenda, "en").await.1.contains("SUMMARY:Office hours for start-ups"));
}
