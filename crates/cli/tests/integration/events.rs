//! Events through the content kernel, on both databases: an organisation's member adds one
//! with its times in the place's time zone, bad fields are named, the page shows the local
//! times, the map link and the registration rules, and the API gives the instants in UTC.

use serde_json::json;

use crate::authorization_matrix::staff;
use crate::browser::{grant, Browser, PASSWORD};
use crate::support::{per_backend, TestApp};

per_backend!(members_add_events_with_their_local_times);

/// An organisation no other test writes for.
const ORGANISER: &str = "oncode-institute";

async fn members_add_events_with_their_local_times(app: &TestApp) {
    let mut admin = Browser::new(app, 194);
    let admin_email = "admin@events.example";
    admin.sign_up("Events Admin", admin_email, PASSWORD).await;
    grant(app, admin_email, "admin");
    let mut member = staff(app, &mut admin, 195, "member@events.example", ORGANISER, "member").await;

    // Through the form: refused field by field, then saved and published.
    let lecture = [
        ("organisation", ORGANISER),
        ("event_type", "lecture"),
        ("title_en", "Organoids in oncology"),
        ("place", "Jaarbeursplein 6, Utrecht"),
        ("ends", "2099-03-26 18:00"),
        ("language", "en"),
    ];
    let wrong = [("starts", "26-03-2099 16:00"), ("time_zone", "Europe/Utrecht")];
    let refused = member.submit("/events/new", "/events", &[&lecture[..], &wrong].concat()).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("f-starts-error") && refused.body.contains("f-time_zone-error"), "{}", refused.body);
    let more = [
        ("title_nl", "Organoïden in de oncologie"),
        ("description_en", "A lecture on patient-derived organoids."),
        ("starts", "2099-03-26 16:00"),
        ("time_zone", "Europe/Amsterdam"),
        ("organisers", ORGANISER),
        ("capacity", "80"),
        ("requires_approval", "true"),
    ];
    let created = member.submit("/events/new", "/events", &[&lecture[..], &more].concat()).await;
    assert_eq!(created.status, 303, "{}", created.body);
    let page = created.location.expect("the event's page");
    let published = member.submit(&page, &format!("{page}/state"), &[("transition", "publish")]).await;
    assert_eq!(published.status, 303, "{}", published.body);

    let (status, shown) = app.get_text(&page, "en").await;
    assert_eq!(status, 200);
    assert!(shown.contains("26 March 2099, 16:00 – 18:00 (Europe/Amsterdam)"), "local times: {shown}");
    assert!(shown.contains("https://www.openstreetmap.org/search?query=Jaarbeursplein+6%2C+Utrecht"), "{shown}");
    assert!(shown.contains("Each registration waits for the organiser"), "{shown}");
    assert!(shown.contains(&format!("<a href=\"/organisations/{ORGANISER}\">Oncode Institute</a>")), "{shown}");
    let (_, dutch) = app.get_text(&page, "nl").await;
    assert!(dutch.contains("26 maart 2099, 16:00 – 18:00"), "{dutch}");

    // The API: instants in UTC (CET is UTC+1 in March), the zone beside them.
    let slug = page.trim_start_matches("/events/");
    let (status, event) = app.get_json(&format!("/api/v1/events/{slug}")).await;
    assert_eq!(status, 200, "{event}");
    assert_eq!(
        (event["startsAt"].as_str(), event["timeZone"].as_str(), event["capacity"].as_u64()),
        (Some("2099-03-26T15:00:00Z"), Some("Europe/Amsterdam"), Some(80)),
        "{event}"
    );
    assert!(app.search_finds("q=organoids+oncology&type=event", slug).await, "searched");

    // Through the API, with a named zone elsewhere.
    let input = json!({
        "organisation": ORGANISER, "type": "conference", "titleEn": "Organoid Europe",
        "place": "Avenue de l'Astronomie 14, Brussels", "starts": "2099-06-01 09:00", "ends": "2099-06-02 17:00",
        "timeZone": "Europe/Brussels", "language": "en",
    });
    let (status, posted) = member.api(reqwest::Method::POST, "/api/v1/events", &input).await;
    assert_eq!((status, posted["startsAt"].as_str()), (201, Some("2099-06-01T07:00:00Z")), "{posted}");
    let bad = json!({ "organisation": ORGANISER, "type": "party", "titleEn": "x", "place": "here", "language": "en" });
    let (status, refused) = member.api(reqwest::Method::POST, "/api/v1/events", &bad).await;
    assert_eq!((status, refused["field"].as_str()), (400, Some("event_type")), "{refused}");
}
