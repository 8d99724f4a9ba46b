//! Matchmaking through the API and on the call and organisation pages.

use crate::support::{per_backend, TestApp};

per_backend!(api_match_ranks_and_explains, api_match_refuses_bad_input, pages_show_matches_without_javascript);

fn ids(body: &serde_json::Value) -> Vec<String> {
    body["items"].as_array().expect("items").iter().filter_map(|i| i["id"].as_str().map(str::to_owned)).collect()
}

async fn api_match_ranks_and_explains(app: &TestApp) {
    // Organisations for a call on rare diseases: the European Reference Network on rare
    // heart diseases shares its words and is a care institution.
    let (status, body) = app.get_json("/api/v1/match?call=HORIZON-HLTH-2026-02-DISEASE-12&limit=5").await;
    assert_eq!(status, 200, "{body}");
    let first = &body["items"][0];
    assert_eq!(first["type"], "organisation");
    assert_eq!(first["score"], 1.0);
    assert!(first["url"].as_str().is_some_and(|u| u.starts_with("http://hub.test/organisations/")));
    let terms: Vec<&str> = first["why"]["terms"]
        .as_array()
        .expect("terms")
        .iter()
        .flat_map(|r| r["terms"].as_array().into_iter().flatten().filter_map(|t| t.as_str()))
        .collect();
    assert!(terms.contains(&"diseases"), "{first}");
    assert!(first["why"]["fits"].as_array().is_some_and(|f| !f.is_empty()), "the kind fits: {first}");
    assert!(ids(&body).len() <= 5);

    // Calls for the Netherlands Cancer Institute are cancer calls, open ones.
    let (status, body) =
        app.get_json("/api/v1/match?organisation=netherlands-cancer-institute-antoni-van-leeuwenhoek-hospital").await;
    assert_eq!(status, 200);
    let calls = ids(&body);
    assert!(!calls.is_empty() && calls.iter().take(5).all(|id| id.contains("CANCER")), "{calls:?}");
    assert_eq!(body["items"][0]["type"], "call");

    // Similar organisations to a university medical centre are university medical centres.
    let (_, body) =
        app.get_json("/api/v1/match?organisation=university-medical-center-utrecht&type=organisation").await;
    let similar = ids(&body);
    assert!(!similar.contains(&"https://ror.org/0575yy874".to_owned()), "not itself");
    let titles: Vec<&str> =
        body["items"].as_array().expect("items").iter().filter_map(|i| i["title"].as_str()).collect();
    assert!(titles.iter().take(3).all(|t| t.contains("Medical Cent")), "{titles:?}");

    // Free text, with query-syntax characters and control characters as plain characters.
    let (status, body) = app.get_json("/api/v1/match?text=blood+transfusion+%22%3A*(%01&type=organisation").await;
    assert_eq!(status, 200);
    assert!(ids(&body).contains(&"https://ror.org/01fm2fv39".to_owned()) || !ids(&body).is_empty(), "{body}");
    let (status, body) = app.get_json("/api/v1/match?text=zzqqxx&type=call").await;
    assert_eq!((status, ids(&body).len()), (200, 0), "nothing shared, nothing matched");
}

async fn api_match_refuses_bad_input(app: &TestApp) {
    let long = "a".repeat(10_000);
    for (path, status, field) in [
        ("/api/v1/match".to_owned(), 400, Some("text")),
        ("/api/v1/match?text=+++".to_owned(), 400, Some("text")),
        ("/api/v1/match?call=ERC-2026-POC&text=cancer".to_owned(), 400, Some("text")),
        ("/api/v1/match?text=cancer&type=person".to_owned(), 400, Some("type")),
        ("/api/v1/match?text=cancer&limit=0".to_owned(), 400, Some("limit")),
        ("/api/v1/match?text=cancer&limit=51".to_owned(), 400, Some("limit")),
        ("/api/v1/match?text=cancer&limit=-1".to_owned(), 400, Some("limit")),
        (format!("/api/v1/match?text={long}"), 400, Some("text")),
        ("/api/v1/match?call=NO-SUCH-TOPIC".to_owned(), 404, None),
        ("/api/v1/match?organisation=no-such-organisation".to_owned(), 404, None),
        ("/api/v1/match?organisation=%01%00".to_owned(), 404, None),
    ] {
        let (got, problem) = app.get_json(&path).await;
        let shown = &path[..path.len().min(60)];
        assert_eq!((got, problem["field"].as_str()), (status, field), "{shown}: {problem}");
        assert_eq!(problem["status"], status, "{shown}: a problem document");
    }
}

async fn pages_show_matches_without_javascript(app: &TestApp) {
    let (status, page) = app.get_text("/calls/HORIZON-HLTH-2026-02-DISEASE-12", "en").await;
    assert_eq!(status, 200);
    assert!(page.contains("Organisations that could apply"));
    assert!(page.contains("Shared words: "), "each match says why");
    let (_, page) = app.get_text("/calls/HORIZON-HLTH-2026-02-DISEASE-12", "nl").await;
    assert!(page.contains("Organisaties die kunnen aanvragen") && page.contains("Gedeelde woorden: "));
    let (status, page) = app.get_text("/organisations/university-medical-center-utrecht", "nl").await;
    assert_eq!(status, 200);
    assert!(page.contains("Passende subsidieoproepen") && page.contains("Vergelijkbare organisaties"));
    assert!(page.contains("href=\"/organisations/university-medical-center-groningen\""), "a similar UMC");
    let (_, page) = app.get_text("/organisations/university-medical-center-utrecht", "en").await;
    assert!(page.contains("Calls that fit") && page.contains("Similar organisations") && page.contains("same kind"));
}
