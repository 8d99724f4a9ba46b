//! Search through the API, the page and the CLI, and the index following the database.

use lshub_storage::{Database, NoProgress};
use lshub_web::{AppState, SiteConfig};

use crate::support::{per_backend, shared_data, TestApp};

per_backend!(
    api_search_finds_and_explains,
    api_search_refuses_bad_input,
    search_page_works_without_javascript,
    search_crosses_languages,
    search_ranks_by_meaning,
);

fn ids(body: &serde_json::Value) -> Vec<&str> {
    body["items"].as_array().expect("items").iter().filter_map(|i| i["id"].as_str()).collect()
}

fn fields(item: &serde_json::Value) -> Vec<&str> {
    item["why"].as_array().expect("why").iter().filter_map(|r| r["field"].as_str()).collect()
}

/// Dutch queries reach English content and English queries Dutch names, through the
/// vocabulary, with or without the model.
async fn search_crosses_languages(app: &TestApp) {
    let (status, body) = app.get_json("/api/v1/search?q=longkanker&type=call").await;
    assert_eq!(status, 200);
    assert!(ids(&body).contains(&"HORIZON-MISS-2027-02-CANCER-02"), "the call naming lung cancer: {:?}", ids(&body));
    let first = &body["items"][0];
    assert!(fields(first).contains(&"translation"), "{first}");
    let (_, body) =
        app.get_json("/api/v1/search?q=Radboud+Universitair+Medisch+Centrum&type=organisation&limit=3").await;
    assert_eq!(ids(&body)[0], "https://ror.org/05wg1m734", "Radboud University Nijmegen Medical Centre");
    let (_, body) = app.get_json("/api/v1/search?q=children%27s+hospital&type=organisation&limit=20").await;
    assert!(ids(&body).contains(&"https://ror.org/02zyr1680"), "Beatrix Kinderziekenhuis: {:?}", ids(&body));
}

/// With the model, results close in meaning are found without a shared word, and say how
/// close; the semantic path takes bad input like the lexical one.
async fn search_ranks_by_meaning(app: &TestApp) {
    if !app.semantic {
        return;
    }
    let (status, body) = app.get_json("/api/v1/search?q=tumour&type=call&limit=10").await;
    assert_eq!(status, 200);
    let items = body["items"].as_array().expect("items");
    let by_meaning_only: Vec<&serde_json::Value> = items.iter().filter(|i| fields(i) == ["meaning"]).collect();
    assert!(!by_meaning_only.is_empty(), "a call without the word, found by meaning: {body}");
    for item in items.iter().filter(|i| fields(i).contains(&"meaning")) {
        let reason = item["why"].as_array().and_then(|r| r.iter().find(|r| r["field"] == "meaning")).expect("reason");
        let similarity = reason["similarity"].as_f64().expect("a similarity");
        assert!(similarity > 0.0 && similarity <= 1.0, "{similarity}");
    }
    let long = "lung%20".repeat(280);
    for query in [long.as_str(), "%00%01cancer", "%22%3A*(cancer", "kanker%22)"] {
        let (status, _) = app.get_json(&format!("/api/v1/search?q={query}")).await;
        assert_eq!(status, 200, "{}", &query[..query.len().min(40)]);
    }
    let (_, body) = app.get_json("/api/v1/search?q=zzqqxx").await;
    assert!(ids(&body).is_empty(), "gibberish finds nothing, not the least unrelated documents");
    let (_, page) = app.get_text("/search?q=tumour&type=call", "en").await;
    assert!(page.contains("similar meaning ("), "the why shows the similarity");
    let (_, page) = app.get_text("/search?q=tumour&type=call", "nl").await;
    assert!(page.contains("vergelijkbare betekenis ("), "in Dutch too");
}

async fn api_search_finds_and_explains(app: &TestApp) {
    let (status, body) = app.get_json("/api/v1/search?q=Sanquin&type=organisation&limit=3").await;
    assert_eq!(status, 200);
    let first = &body["items"][0];
    assert_eq!(first["id"], "https://ror.org/01fm2fv39");
    assert_eq!(first["type"], "organisation");
    assert_eq!(first["url"], "http://hub.test/organisations/sanquin");
    assert_eq!(first["why"][0]["field"], "name");
    assert!(first["score"].as_f64().is_some_and(|s| s > 0.0));
    let (_, body) = app.get_json("/api/v1/search?q=rare+diseases+partnership&type=call").await;
    let ids: Vec<&str> = body["items"].as_array().expect("items").iter().filter_map(|i| i["id"].as_str()).collect();
    assert!(ids.contains(&"HORIZON-HLTH-2026-02-DISEASE-12"), "{ids:?}");
    let snippet = &body["items"][0]["snippet"];
    let marked: Vec<&str> = snippet
        .as_array()
        .expect("snippet parts")
        .iter()
        .filter(|p| p["highlighted"] == true)
        .filter_map(|p| p["text"].as_str())
        .collect();
    assert!(!marked.is_empty(), "the description passage marks the matched words: {snippet}");
    for query in ["%22%3A*(", "title%3Asanquin+AND+(", "%01%02sanquin"] {
        let (status, _) = app.get_json(&format!("/api/v1/search?q={query}")).await;
        assert_eq!(status, 200, "{query}");
    }
}

async fn api_search_refuses_bad_input(app: &TestApp) {
    let long = "a".repeat(10_000);
    for (path, field) in [
        ("/api/v1/search".to_owned(), "q"),
        ("/api/v1/search?q=+++".to_owned(), "q"),
        ("/api/v1/search?q=x&type=person".to_owned(), "type"),
        ("/api/v1/search?q=x&limit=0".to_owned(), "limit"),
        ("/api/v1/search?q=x&limit=101".to_owned(), "limit"),
        (format!("/api/v1/search?q={long}"), "q"),
    ] {
        let (status, problem) = app.get_json(&path).await;
        assert_eq!((status, problem["field"].as_str()), (400, Some(field)), "{}", &path[..path.len().min(60)]);
    }
}

async fn search_page_works_without_javascript(app: &TestApp) {
    let (status, page) = app.get_text("/search?q=netherlands+cancer+institute", "nl").await;
    assert_eq!(status, 200);
    assert!(page.contains("Netherlands Cancer Institute"));
    assert!(page.contains("Gevonden op"), "the why, in Dutch");
    let (_, page) = app.get_text("/search?q=rare+diseases&type=call", "en").await;
    assert!(page.contains("<mark>"), "matched words are marked in the passage");
    let (status, page) = app.get_text("/search", "en").await;
    assert_eq!(status, 200);
    assert!(page.contains("name=\"q\""), "an empty form");
    assert!(page.contains("hx-get=\"/search\""), "type-ahead is an enhancement of the plain form");
    let response = crate::support::client().get(app.url("/static/htmx-2.0.11.min.js")).send().await.expect("htmx");
    assert_eq!(response.status().as_u16(), 200, "htmx is served by the hub itself");
    // With the model, organisations close in meaning follow Sanquin, so the count varies.
    let (_, page) = app.get_text("/search?q=sanquin&type=organisation", "en").await;
    let rows = page.matches("<li class=\"call\">").count();
    let count = if rows == 1 { "1 result<".to_owned() } else { format!("{rows} results<") };
    assert!(page.contains(&count), "singular for one result, plural otherwise: {count}");
    assert!(app.semantic || rows == 1, "words alone find one");
    let (_, page) = app.get_text("/search?q=zzqqxx", "en").await;
    assert!(page.contains("Nothing found"));
}

/// The index and figures of a running hub follow imports into its database.
mod live_index {
    use super::*;

    crate::support::per_backend_fresh!(index_follows_database_changes);

    async fn index_follows_database_changes(database_url: String) {
        let db = Database::connect(&database_url).await.expect("connect");
        db.migrate().await.expect("migrate");
        let site = SiteConfig {
            region: "Amsterdam".into(),
            public_url: "http://hub.test".into(),
            contact_email: None,
            ..SiteConfig::default()
        };
        let state = AppState::open(db.clone(), site).await.expect("state");
        let search =
            |text: &str| state.derived.index.search(&lshub_search::SearchRequest::new(text, None, 5)).expect("search");
        assert!(search("Sanquin").is_empty(), "an empty database has an empty index");
        assert!(!state.derived.refresh(&db, state.today()).await.expect("refresh"), "nothing changed, nothing rebuilt");
        lshub_import::import_ror(&db, &shared_data("ror_nl_be.jsonl.gz"), &NoProgress).await.expect("import");
        assert_eq!(state.derived.figures().stats.organisations, 0);
        assert!(state.derived.refresh(&db, state.today()).await.expect("refresh"), "an import is noticed");
        assert_eq!(state.derived.figures().stats.organisations, 2525, "the key figures follow");
        assert_eq!(search("Sanquin")[0].id, "https://ror.org/01fm2fv39");
    }
}
