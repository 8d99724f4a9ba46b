//! The map on the real server, on both databases: a space with coordinates is drawn at its
//! projected place, a facility at its owner organisation's address, a space abroad is listed
//! but not drawn; the layers and the organisations' filters choose what is shown; the API
//! gives the same points; bad parameters are refused with a problem.

use serde_json::{json, Value};

use crate::browser::{grant, Browser, PASSWORD};
use crate::news::member_of;
use crate::support::{per_backend, TestApp};

per_backend!(the_map_draws_and_lists_spaces_facilities_and_organisations);

/// No other test writes for it; at 53.192659, 6.551767 in the directory (Groningen).
const OWNER: &str = "martini-ziekenhuis";
const OWNER_AT: (f64, f64) = (53.192659, 6.551767);

/// The map's projection, as `web/src/map/geo.rs` states it: the frame 2.3–7.4° E,
/// 49.3–53.75° N, equirectangular with longitudes shrunk by the cosine of the middle
/// latitude, 600 units wide.
fn projected(latitude: f64, longitude: f64) -> (f64, f64) {
    let shrink = ((49.3f64 + 53.75) / 2.0).to_radians().cos();
    let scale = 600.0 / ((7.4 - 2.3) * shrink);
    ((longitude - 2.3) * shrink * scale, (53.75 - latitude) * scale)
}

/// The SVG's viewBox width and height.
fn view_box(page: &str) -> (f64, f64) {
    let start = page.find("viewBox=\"0 0 ").expect("a viewBox") + "viewBox=\"0 0 ".len();
    let rest = &page[start..];
    let numbers: Vec<f64> =
        rest[..rest.find('"').expect("its end")].split(' ').map(|n| n.parse().expect("a number")).collect();
    (numbers[0], numbers[1])
}

/// The position of the point linking to `path` in the SVG, if drawn: the rectangle's or
/// circle's centre, or the triangle's translation.
fn drawn_at(page: &str, path: &str) -> Option<(f64, f64)> {
    let svg = &page[page.find("<svg xmlns")?..page.find("</svg>")?];
    let start = svg.find(&format!("href=\"{path}\""))?;
    let mark = &svg[start..start + svg[start..].find("</a>")?];
    let number = |name: &str| -> Option<f64> {
        let at = mark.find(&format!(" {name}=\""))? + name.len() + 3;
        mark[at..at + mark[at..].find('"')?].parse().ok()
    };
    if let (Some(x), Some(y)) = (number("x"), number("y")) {
        return Some((x, y));
    }
    if let (Some(x), Some(y)) = (number("cx"), number("cy")) {
        return Some((x, y));
    }
    let at = mark.find("translate(")? + "translate(".len();
    let pair: Vec<f64> = mark[at..at + mark[at..].find(')')?].split(' ').filter_map(|n| n.parse().ok()).collect();
    Some((pair[0], pair[1]))
}

/// The list below the map.
fn list(page: &str) -> &str {
    &page[page.find("id=\"map-list\"").expect("the list")..]
}

fn item<'v>(found: &'v Value, slug: &str) -> Option<&'v Value> {
    found["items"].as_array()?.iter().find(|i| i["slug"] == slug)
}

async fn the_map_draws_and_lists_spaces_facilities_and_organisations(app: &TestApp) {
    let mut admin = Browser::new(app, 229);
    admin.sign_up("Map Admin", "admin@map.example", PASSWORD).await;
    grant(app, "admin@map.example", "admin");
    let mut member = member_of(app, &mut admin, 230, "staff@map.example", OWNER).await;

    // A lab at Science Park and one in Paris, through the API; a facility of the hospital.
    let offer = |title: &str, city: &str, at: (f64, f64)| {
        json!({ "organisation": OWNER, "type": "lab-office", "titleEn": title, "sizeM2": 80,
                "address": "Science Park 904", "city": city, "latitude": at.0, "longitude": at.1,
                "availableFrom": "2027-01-01" })
    };
    let mut spaces = Vec::new();
    for body in [
        offer("Map test lab at Science Park", "Amsterdam", (52.3545, 4.9545)),
        offer("Map test lab in Paris", "Paris", (48.8566, 2.3522)),
    ] {
        let (status, created) = member.api(reqwest::Method::POST, "/api/v1/spaces", &body).await;
        assert_eq!(status, 201, "{created}");
        let slug = created["slug"].as_str().expect("slug").to_owned();
        let (status, _) = member
            .api(reqwest::Method::POST, &format!("/api/v1/spaces/{slug}/state"), &json!({"transition": "publish"}))
            .await;
        assert_eq!(status, 200);
        spaces.push(slug);
    }
    let (science_park, paris) = (format!("/spaces/{}", spaces[0]), format!("/spaces/{}", spaces[1]));
    let form = [
        ("organisation", OWNER),
        ("type", "cryo-em"),
        ("title_en", "Map test microscope"),
        ("description_en", "A microscope the map places at the hospital."),
        ("location", "Van Swietenplein 1, Groningen"),
        ("contact", "Imaging desk"),
        ("rate_internal", "95"),
        ("slot_minutes", "60"),
        ("min_minutes", "60"),
        ("max_minutes", "240"),
        ("max_notice_days", "60"),
    ];
    let created = member.submit("/facilities/new", "/facilities", &form).await;
    assert_eq!(created.status, 303, "{}", created.body);
    let facility = created.location.expect("the facility's page");
    let published = member.submit(&facility, &format!("{facility}/state"), &[("transition", "publish")]).await;
    assert_eq!(published.status, 303);

    // By default spaces and facilities: each drawn at its projected place inside the
    // viewBox, and listed; the space abroad listed, not drawn, and said so.
    let (status, page) = app.get_text("/map", "en").await;
    assert_eq!(status, 200);
    let (width, height) = view_box(&page);
    for (path, (latitude, longitude)) in [(&science_park, (52.3545, 4.9545)), (&facility, OWNER_AT)] {
        let (x, y) = drawn_at(&page, path).unwrap_or_else(|| panic!("{path} is drawn"));
        let (ex, ey) = projected(latitude, longitude);
        assert!((x - ex).abs() <= 0.1 && (y - ey).abs() <= 0.1, "{path} at {x},{y}, not {ex},{ey}");
        assert!((0.0..=width).contains(&x) && (0.0..=height).contains(&y), "{path} inside the viewBox");
        assert!(list(&page).contains(&format!("href=\"{path}\"")), "{path} is listed");
    }
    assert!(page.contains("<rect x=") && page.contains("translate("), "a square and a triangle");
    assert_eq!(drawn_at(&page, &paris), None, "Paris lies outside the map");
    let listed = list(&page);
    let paris_item = &listed[listed.find(&format!("href=\"{paris}\"")).expect("Paris is listed")..];
    assert!(paris_item[..paris_item.find("</li>").expect("its end")].contains("outside the map"));
    assert!(page.contains("outside the Netherlands and Belgium"), "the page says why");
    assert!(page.contains("role=\"group\"") && page.contains("aria-describedby=\"map-description\""));
    assert!(!page.contains("/organisations/martini-ziekenhuis\""), "organisations are off unless asked for");

    // One layer at a time.
    let (_, only_facilities) = app.get_text("/map?facilities=on", "en").await;
    assert!(drawn_at(&only_facilities, &facility).is_some());
    assert!(!only_facilities.contains(&science_park), "spaces are off");
    let (_, only_spaces) = app.get_text("/map?spaces=on", "en").await;
    assert!(drawn_at(&only_spaces, &science_park).is_some() && !only_spaces.contains(&facility));

    // Organisations, narrowed by type and city, drawn as circles at their address.
    let (status, hospitals) = app.get_text("/map?organisations=on&kind=healthcare&city=Groningen", "en").await;
    assert_eq!(status, 200);
    let owner = format!("/organisations/{OWNER}");
    let (x, y) = drawn_at(&hospitals, &owner).expect("the hospital is drawn");
    let (ex, ey) = projected(OWNER_AT.0, OWNER_AT.1);
    assert!((x - ex).abs() <= 0.1 && (y - ey).abs() <= 0.1);
    assert!(hospitals.contains(&format!("href=\"{owner}\" aria-label=")) && hospitals.contains("<circle cx="));
    assert!(!hospitals.contains(&science_park) && !hospitals.contains("/organisations/delft-university-of-technology"));
    let (_, everyone) = app.get_text("/map?organisations=on", "en").await;
    assert!(everyone.contains("the map shows the first 250 by name"), "thousands are not all drawn");
    // 250 points drawn and listed: about 100 KB (the hub sends pages uncompressed).
    assert!(everyone.len() < 120_000, "the page stays light: {} bytes", everyone.len());

    // The API gives the same points.
    let (status, found) = app.get_json("/api/v1/map").await;
    assert_eq!(status, 200, "{found}");
    let space = item(&found, &spaces[0]).expect("the space");
    assert_eq!(
        (&space["layer"], &space["latitude"], &space["longitude"], &space["drawn"]),
        (&json!("spaces"), &json!(52.3545), &json!(4.9545), &json!(true))
    );
    assert!(space["url"].as_str().is_some_and(|url| url.ends_with(&science_park)));
    assert_eq!(space["title"], "Map test lab at Science Park");
    assert_eq!(item(&found, &spaces[1]).map(|p| &p["drawn"]), Some(&json!(false)), "Paris: listed, not drawn");
    let slug = facility.trim_start_matches("/facilities/");
    let placed = item(&found, slug).expect("the facility");
    assert_eq!(
        (&placed["layer"], &placed["latitude"], &placed["longitude"]),
        (&json!("facilities"), &json!(OWNER_AT.0), &json!(OWNER_AT.1))
    );
    let (_, spaces_only) = app.get_json("/api/v1/map?spaces=on").await;
    assert!(item(&spaces_only, &spaces[0]).is_some() && item(&spaces_only, slug).is_none());
    let (_, hospitals) = app.get_json("/api/v1/map?organisations=on&kind=healthcare&city=groningen").await;
    assert!(item(&hospitals, OWNER).is_some_and(|o| o["layer"] == "organisations"), "{hospitals}");
    assert!(hospitals["organisationsMatching"].as_i64().is_some_and(|n| n < 250));

    // Bad parameters: a problem naming the field, or the page's own error.
    for (path, field) in [
        ("/api/v1/map?spaces=yes", Some("spaces")),
        ("/api/v1/map?kind=bank", Some("kind")),
        ("/api/v1/map?layer=spaces", None),
    ] {
        let response = crate::support::client().get(app.url(path)).send().await.expect("request");
        assert_eq!(response.status().as_u16(), 400, "{path}");
        let kind = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        assert!(kind.starts_with("application/problem+json"), "{path}: {kind}");
        let problem: Value = response.json().await.expect("a problem");
        if let Some(field) = field {
            assert!(problem.to_string().contains(field), "{path}: {problem}");
        }
    }
    let (status, refused) = app.get_text("/map?organisations=maybe", "en").await;
    assert_eq!(status, 400);
    assert!(refused.contains("on, off"), "{refused}");

    // In Dutch.
    let (status, dutch) = app.get_text("/map", "nl").await;
    assert_eq!(status, 200);
    assert!(dutch.contains("Kaart van ruimtes, faciliteiten en organisaties") && dutch.contains("buiten de kaart"));

    // The spaces' list links to the map.
    let (_, listed) = app.get_text("/spaces", "en").await;
    assert!(listed.contains("href=\"/map?spaces=on\""));
}
