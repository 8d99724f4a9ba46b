//! Organisation resolution through the API and the CLI, on the real organisations.

use lshub_storage::{Database, NoProgress};
use lshub_web::{AppState, SiteConfig};

use crate::support::{per_backend, shared_data, TestApp};

per_backend!(api_resolve_finds_the_organisation_meant, api_resolve_refuses_bad_input);

async fn api_resolve_finds_the_organisation_meant(app: &TestApp) {
    for (text, expected) in [
        ("Dept.+of+Cardiology%2C+UMC+Utrecht%2C+the+Netherlands", "https://ror.org/0575yy874"),
        ("Erasmus+Universitair+Medisch+Centrum", "https://ror.org/018906e22"),
        ("NKI-AVL", "https://ror.org/03xqtf034"),
        ("AMC+Amsterdam", "https://ror.org/03t4gr691"),
        ("%01%02UMC+Utrecht%7F", "https://ror.org/0575yy874"),
    ] {
        let (status, body) = app.get_json(&format!("/api/v1/resolve?q={text}")).await;
        assert_eq!(status, 200, "{text}");
        assert_eq!(body["match"]["id"], expected, "{text}: {body}");
        let confidence = body["match"]["confidence"].as_f64().expect("confidence");
        assert!((0.6..=1.0).contains(&confidence), "{text}: {confidence}");
        assert_eq!(body["candidates"][0]["id"], expected);
    }
    let (status, body) = app.get_json("/api/v1/resolve?q=Karolinska+Institutet%2C+Stockholm%2C+Sweden&limit=5").await;
    assert_eq!(status, 200);
    assert!(body["match"].is_null(), "nothing in the hub is meant: {body}");
    let candidates = body["candidates"].as_array().expect("candidates");
    assert!(candidates.len() <= 5);
    assert!(candidates.iter().all(|c| c["confidence"].as_f64().is_some_and(|v| v < 0.6)));
    assert_eq!(body["threshold"].as_f64().map(|t| (t * 100.0).round()), Some(60.0));
}

async fn api_resolve_refuses_bad_input(app: &TestApp) {
    let long = "a".repeat(10_000);
    for (path, field) in [
        ("/api/v1/resolve".to_owned(), "q"),
        ("/api/v1/resolve?q=+++".to_owned(), "q"),
        ("/api/v1/resolve?q=%22%3A*(".to_owned(), "q"),
        (format!("/api/v1/resolve?q={long}"), "q"),
        ("/api/v1/resolve?q=UMC&limit=0".to_owned(), "limit"),
        ("/api/v1/resolve?q=UMC&limit=21".to_owned(), "limit"),
        ("/api/v1/resolve?q=UMC&limit=ten".to_owned(), "limit"),
    ] {
        let (status, problem) = app.get_json(&path).await;
        let shown = &path[..path.len().min(60)];
        assert_eq!((status, problem["field"].as_str()), (400, Some(field)), "{shown}");
        assert_eq!(problem["status"], 400, "{shown}: a problem document");
    }
}

/// The resolver follows the database, and the CLI prints the same answers.
mod live {
    use super::*;

    crate::support::per_backend_fresh!(resolver_follows_the_database_and_the_cli_answers);

    async fn resolver_follows_the_database_and_the_cli_answers(database_url: String) {
        let db = Database::connect(&database_url).await.expect("connect");
        db.migrate().await.expect("migrate");
        let site = SiteConfig {
            region: "Amsterdam".into(),
            public_url: "http://hub.test".into(),
            contact_email: None,
            ..SiteConfig::default()
        };
        let state = AppState::open(db.clone(), site).await.expect("state");
        assert_eq!(state.derived.resolver().resolve("UMC Utrecht", 3).best, None, "an empty hub knows no one");
        lshub_import::import_ror(&db, &shared_data("ror_nl_be.jsonl.gz"), &NoProgress).await.expect("import");
        assert!(state.derived.refresh(&db, state.today()).await.expect("refresh"));
        let found = state.derived.resolver().resolve("UMC Utrecht", 3).best.expect("found after the import");
        assert_eq!(found.id, "https://ror.org/0575yy874");
        db.close().await;

        let run = |args: &[&str]| {
            let output = crate::support::lshub_command()
                .args(["--database", &database_url, "resolve"])
                .args(args)
                .output()
                .expect("run lshub");
            assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
            String::from_utf8(output.stdout).expect("UTF-8")
        };
        let json: serde_json::Value =
            serde_json::from_str(&run(&["Universitair Medisch Centrum Utrecht", "--format", "json"])).expect("JSON");
        assert_eq!(json["match"]["id"], "https://ror.org/0575yy874");
        assert!(run(&["University of Oxford"]).starts_with("no match"));
        let judged = concat!(env!("CARGO_MANIFEST_DIR"), "/../search/eval/affiliations.tsv");
        let evaluation: serde_json::Value =
            serde_json::from_str(&run(&["--judged", judged, "--format", "json"])).expect("JSON");
        assert!(evaluation["judged"].as_u64().is_some_and(|n| n >= 40));
        assert!(evaluation["precision"].as_f64().is_some_and(|p| p >= 0.95), "{evaluation}");
        assert!(evaluation["recall"].as_f64().is_some_and(|r| r >= 0.85), "{evaluation}");
    }
}
