//! Lab and office space on the real server, on both databases: an operator offers spaces
//! through the API and the pages, bad input refused field by field in the page's language;
//! a searcher finds them by requirement (type, least biosafety level, size, availability,
//! distance from an organisation of the directory, words) through the page and the API. An
//! initiative that uses a space is registered with its partners and timeline, and each
//! partner's page in the directory lists it.

use chrono::Days;
use lshub_service::clock::Clock;
use serde_json::{json, Value};

use crate::browser::{grant, Browser, PASSWORD};
use crate::news::member_of;
use crate::support::{per_backend, TestApp};

per_backend!(spaces_are_offered_and_found_by_requirement_and_used_by_initiatives);

const OPERATOR: &str = "maastricht-university-medical-centre";
/// At 52.2942, 4.9565 in the directory.
const NEAR: &str = "amsterdam-university-medical-centers";

fn in_days(days: u64) -> String {
    Clock::default().today().checked_add_days(Days::new(days)).expect("date").to_string()
}

/// The slugs found, in their order, of the spaces in `ours` (other tests offer spaces on
/// the same server).
fn slugs(found: &Value, ours: &[String]) -> Vec<String> {
    let items = found["items"].as_array().map(Vec::as_slice).unwrap_or_default();
    items.iter().filter_map(|i| i["slug"].as_str().map(str::to_owned)).filter(|s| ours.contains(s)).collect()
}

async fn spaces_are_offered_and_found_by_requirement_and_used_by_initiatives(app: &TestApp) {
    let mut admin = Browser::new(app, 224);
    admin.sign_up("Space Admin", "admin@space.example", PASSWORD).await;
    grant(app, "admin@space.example", "admin");
    let mut operator = member_of(app, &mut admin, 227, "parks@space.example", OPERATOR).await;
    let mut visitor = Browser::new(app, 228);
    // A word only this test's spaces use.
    let word = "zebrafishcleanroomxyz";

    // Bad input is refused field by field, in the page's language.
    operator.get("/language/nl").await;
    let refused = operator
        .submit(
            "/spaces/new",
            "/spaces",
            &[
                ("organisation", OPERATOR),
                ("type", "lab-office"),
                ("title_en", "Impossible lab"),
                ("size_m2", "-40"),
                ("address", "Meibergdreef 45"),
                ("city", "Amsterdam"),
                ("biosafety", "ml-iv"),
                ("available_from", "2027-01-01"),
            ],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused.body.contains("f-size_m2-error") && refused.body.contains("mag niet negatief zijn"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("f-biosafety-error") && refused.body.contains("ml-i, ml-ii, ml-iii"));
    operator.get("/language/en").await;

    // Five spaces through the API: only one meets the whole requirement.
    let offer = |title: &str, kind: &str, level: Option<&str>, size: u32, at: (f64, f64), days: u64| {
        json!({ "organisation": OPERATOR, "type": kind, "titleEn": title,
                "descriptionEn": format!("Space for new initiatives; {word}."), "sizeM2": size,
                "address": "Meibergdreef 45", "city": "Amsterdam", "latitude": at.0, "longitude": at.1,
                "biosafety": level.unwrap_or_default(), "included": ["fume hoods", "biosafety cabinet"],
                "priceMin": 250, "priceMax": 320, "availableFrom": in_days(days) })
    };
    let science_park = (52.3545, 4.9545);
    let beside = (52.2946, 4.9583);
    let mut made = Vec::new();
    for body in [
        offer("Lab and offices at Science Park", "lab-office", Some("ml-ii"), 85, science_park, 30),
        offer("Lab and offices beside the hospital", "lab-office", Some("ml-ii"), 100, beside, 60),
        offer("Offices beside the hospital", "office", None, 50, beside, 10),
        offer("Large ML-III suite", "lab-office", Some("ml-iii"), 200, beside, 10),
        offer("Lab and offices next year", "lab-office", Some("ml-ii"), 90, beside, 200),
    ] {
        let (status, created) = operator.api(reqwest::Method::POST, "/api/v1/spaces", &body).await;
        assert_eq!(status, 201, "{created}");
        let slug = created["slug"].as_str().expect("slug").to_owned();
        let (status, _) = operator
            .api(reqwest::Method::POST, &format!("/api/v1/spaces/{slug}/state"), &json!({"transition": "publish"}))
            .await;
        assert_eq!(status, 200);
        made.push(slug);
    }
    let page = visitor.get(&format!("/spaces/{}", made[0])).await;
    assert!(page.body.contains("ML-II (BSL-2)") && page.body.contains("€250 – €320 per m² a year"), "{}", page.body);

    let by = in_days(90);
    let wanted = format!("type=lab-office&biosafety=ml-ii&min_size=50&max_size=120&available_by={by}&near={NEAR}");
    let (status, found) = app.get_json(&format!("/api/v1/spaces/find?{wanted}&within_km=5")).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(slugs(&found, &made), [made[1].clone()], "within 5 km: only the one beside the hospital");
    let beside = found["items"].as_array().and_then(|items| items.iter().find(|i| i["slug"] == made[1].as_str()));
    assert!(beside.and_then(|i| i["distanceKm"].as_f64()).is_some_and(|km| km < 0.5));
    let (_, wider) = app.get_json(&format!("/api/v1/spaces/find?{wanted}&within_km=10")).await;
    assert_eq!(slugs(&wider, &made), [made[1].clone(), made[0].clone()], "nearest first");
    let (_, equipped) =
        app.get_json(&format!("/api/v1/spaces/find?{wanted}&within_km=10&includes=Biosafety+cabinet,+hood")).await;
    assert_eq!(slugs(&equipped, &made), [made[1].clone(), made[0].clone()], "what is included, in part and any case");
    let (_, unequipped) = app.get_json(&format!("/api/v1/spaces/find?{wanted}&within_km=10&includes=cryo-EM")).await;
    assert_eq!(slugs(&unequipped, &made), Vec::<String>::new(), "none includes a cryo-EM");

    // The page does the same without JavaScript, and names a bad part.
    let shown = visitor.get(&format!("/spaces/find?{wanted}&within_km=10")).await;
    assert_eq!(shown.status, 200);
    assert!(shown.body.contains("spaces meet it") && shown.body.contains(&made[1]) && shown.body.contains(&made[0]));
    let bad = visitor.get("/spaces/find?biosafety=ml-iv").await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("ml-i, ml-ii, ml-iii"), "{}", bad.body);

    // Words combine with the requirement once the index has the spaces.
    let mut found_by_words = Vec::new();
    for _ in 0..60 {
        let (_, hits) = app.get_json(&format!("/api/v1/spaces/find?q={word}&type=office")).await;
        found_by_words = slugs(&hits, &made);
        if !found_by_words.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    assert_eq!(found_by_words, [made[2].clone()], "words and type together");

    // An initiative in the space, with a partner from the directory and a timeline; an
    // unknown partner is refused by name.
    let mut initiative = vec![
        ("organisation", OPERATOR),
        ("type", "living-lab"),
        ("status", "running"),
        ("title_en", "Hospital AI living lab"),
        ("aims_en", "Trying AI tools on the ward with patients and nurses."),
        ("partners", "no-such-organisation"),
        ("spaces", made[1].as_str()),
        ("timeline", "2026-11-15 Kick-off at the hospital\n2027-01-10 First pilot on the ward"),
    ];
    let refused = operator.submit("/initiatives/new", "/initiatives", &initiative).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("no-such-organisation"), "{}", refused.body);
    initiative[5] = ("partners", NEAR);
    let created = operator.submit("/initiatives/new", "/initiatives", &initiative).await;
    assert_eq!(created.status, 303, "{}", created.body);
    let page = created.location.expect("the initiative's page");
    let published = operator.submit(&page, &format!("{page}/state"), &[("transition", "publish")]).await;
    assert_eq!(published.status, 303);
    let shown = visitor.get(&page).await;
    assert!(
        shown.body.contains("First pilot on the ward") && shown.body.contains("Lab and offices beside the hospital")
    );
    assert!(visitor.get(&format!("/organisations/{NEAR}")).await.body.contains(&page), "the partner's page lists it");
    assert!(visitor.get(&format!("/organisations/{OPERATOR}")).await.body.contains(&page), "so does the owner's");
    let (_, listed) = app.get_json(&format!("/api/v1/initiatives?partner={NEAR}")).await;
    assert_eq!(listed["total"], 1, "{listed}");
}
