//! Regression tests for what schemathesis (scripts/api-conformance) found: requests the
//! OpenAPI document called valid that the hub refused. The document now states each rule the
//! hub enforces, and the hub accepts everything at the edges of those rules.

use crate::support::{per_backend, TestApp};

per_backend!(documented_parameters_carry_the_hubs_rules, values_at_the_documented_limits_are_accepted);

/// The schema of one query parameter of one API operation.
fn parameter(doc: &serde_json::Value, path: &str, name: &str) -> serde_json::Value {
    let parameters = doc["paths"][path]["get"]["parameters"].as_array().cloned().unwrap_or_default();
    parameters.into_iter().find(|p| p["name"] == name).unwrap_or_else(|| panic!("{path} documents {name}"))
}

async fn documented_parameters_carry_the_hubs_rules(app: &TestApp) {
    let (status, doc) = app.get_json("/api/openapi.json").await;
    assert_eq!(status, 200);
    for path in ["/api/v1/organisations", "/api/v1/calls", "/api/v1/search"] {
        let limit = parameter(&doc, path, "limit");
        assert_eq!((limit["schema"]["minimum"].as_i64(), limit["schema"]["maximum"].as_i64()), (Some(1), Some(100)));
    }
    for path in ["/api/v1/organisations", "/api/v1/calls"] {
        assert_eq!(parameter(&doc, path, "offset")["schema"]["minimum"].as_i64(), Some(0), "{path}");
        assert_eq!(parameter(&doc, path, "q")["schema"]["maxLength"].as_i64(), Some(200), "{path}");
        assert!(parameter(&doc, path, "q")["schema"]["pattern"].is_string(), "control characters are refused");
    }
    for name in ["budgetMin", "budgetMax"] {
        assert_eq!(parameter(&doc, "/api/v1/calls", name)["schema"]["minimum"].as_i64(), Some(0), "{name}");
    }
    let q = parameter(&doc, "/api/v1/search", "q");
    assert_eq!(q["required"], true, "search needs words");
    assert_eq!(q["schema"]["maxLength"].as_i64(), Some(2000));
    let q = parameter(&doc, "/api/v1/resolve", "q");
    assert_eq!(q["schema"]["pattern"], r"[^\W_]", "a name to resolve needs a letter or digit");
    assert_eq!(parameter(&doc, "/api/v1/match", "type")["schema"]["pattern"], "^(organisation|call)?$");

    // The very requests schemathesis sent, which the document now rules out: still refused,
    // with the problem naming the field.
    for (path, field) in [
        (
            "/api/v1/organisations?q=&kind=&city=&country=&limit=-9223372036854775808&offset=-9223372036854775808",
            "limit",
        ),
        ("/api/v1/calls?budgetMin=-9223372036854775808&limit=1&offset=0", "budgetMin"),
        ("/api/v1/organisations?city=Amersfoort&q=l%F0%B2%B1%AC%C2%86&limit=1", "q"),
        ("/api/v1/organisations?kind=%1Fb", "kind"),
        ("/api/v1/search?q=&limit=1", "q"),
        ("/api/v1/resolve?q=%03", "q"),
        ("/api/v1/match?type=g%2F%7Fff&text=&organisation=w%C3%82", "type"),
        ("/api/v1/resolve?q=%20_%21%20", "q"),
    ] {
        let (status, problem) = app.get_json(path).await;
        assert_eq!(status, 400, "{path}");
        assert_eq!(problem["field"], field, "{path}");
    }
}

async fn values_at_the_documented_limits_are_accepted(app: &TestApp) {
    let long_word = "a".repeat(200);
    for path in [
        "/api/v1/organisations?limit=100&offset=10000000".to_owned(),
        "/api/v1/organisations?limit=1&offset=0&kind=other&sort=-updated&country=nl".to_owned(),
        format!("/api/v1/organisations?q={long_word}&city={long_word}"),
        "/api/v1/calls?budgetMin=0&budgetMax=0&deadlineFrom=2026-01-01&deadlineTo=2026-01-01&status=closed".to_owned(),
        format!("/api/v1/calls?q={long_word}&programme={long_word}&sort=-budget&limit=100"),
        format!("/api/v1/search?q={}&type=call&limit=100", "b".repeat(2000)),
        "/api/v1/resolve?q=%03%C3%A9%03&limit=20".to_owned(),
    ] {
        let (status, body) = app.get_json(&path).await;
        assert_eq!(status, 200, "{path}: {body}");
    }
}
