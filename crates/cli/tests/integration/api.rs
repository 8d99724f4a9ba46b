//! The JSON API against the real data.

use lshub_domain::CallStatus;
use serde_json::Value;

use crate::support::{per_backend, real_calls_with, TestApp};

per_backend!(
    imports_are_complete_and_idempotent,
    lists_every_organisation,
    finds_the_partners_by_name,
    filters_organisations,
    lists_calls_by_deadline,
    filters_calls,
    repairs_mojibake_in_calls,
    addresses_calls_with_slashes_in_their_id,
    bad_input_gets_problem_details,
    stats_match_the_data,
);

fn items(body: &Value) -> &Vec<Value> {
    body["items"].as_array().expect("items array")
}

async fn imports_are_complete_and_idempotent(app: &TestApp) {
    let [first, second] = &app.ror_imports;
    assert_eq!((first.inserted, first.updated, first.unchanged, first.rejected.len()), (2525, 0, 0, 0));
    assert_eq!((second.inserted, second.updated, second.unchanged), (0, 0, 2525), "re-import changes nothing");
    let [first, second] = &app.call_imports;
    assert_eq!((first.inserted, first.rejected.len()), (629, 0));
    assert_eq!((second.inserted, second.updated, second.unchanged), (0, 0, 629));
}

async fn lists_every_organisation(app: &TestApp) {
    let (status, body) = app.get_json("/api/v1/organisations?limit=100").await;
    assert_eq!(status, 200);
    assert_eq!(body["total"], 2525);
    assert_eq!(items(&body).len(), 100);
    let names: Vec<&str> = items(&body).iter().filter_map(|o| o["name"].as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| lshub_domain::text::fold(n));
    assert_eq!(names, sorted, "sorted by name");
    for item in items(&body) {
        for field in ["slug", "name", "kind", "url"] {
            assert!(item[field].is_string(), "{field} in {item}");
        }
    }
    let (_, last_page) = app.get_json("/api/v1/organisations?limit=100&offset=2500").await;
    assert_eq!(items(&last_page).len(), 25);
}

async fn finds_the_partners_by_name(app: &TestApp) {
    for (query, ror) in [
        ("Sanquin", "https://ror.org/01fm2fv39"),
        ("Amsterdam UMC", "https://ror.org/05grdyy37"),
        ("netherlands cancer institute", "https://ror.org/03xqtf034"),
        ("Vrije Universiteit Amsterdam", "https://ror.org/008xxew50"),
    ] {
        let (status, body) = app.get_json(&format!("/api/v1/organisations?q={}", query.replace(' ', "+"))).await;
        assert_eq!(status, 200);
        assert!(
            items(&body).iter().any(|o| o["ror"] == ror),
            "{query} finds {ror}: {:?}",
            items(&body).iter().map(|o| &o["name"]).collect::<Vec<_>>()
        );
    }
}

async fn filters_organisations(app: &TestApp) {
    let (_, body) = app.get_json("/api/v1/organisations?kind=healthcare&city=amsterdam&limit=100").await;
    assert!(body["total"].as_i64().is_some_and(|n| n > 5), "{}", body["total"]);
    for item in items(&body) {
        assert_eq!(item["kind"], "healthcare");
        assert_eq!(item["city"], "Amsterdam");
    }
    let (_, belgium) = app.get_json("/api/v1/organisations?country=be&limit=1").await;
    assert_eq!(belgium["total"], 913);
    let (_, netherlands) = app.get_json("/api/v1/organisations?country=NL&limit=1").await;
    assert_eq!(netherlands["total"], 1612);
    let (_, reversed) = app.get_json("/api/v1/organisations?sort=-name&limit=1").await;
    let (_, last) = app.get_json("/api/v1/organisations?limit=1&offset=2524").await;
    assert_eq!(items(&reversed)[0]["slug"], items(&last)[0]["slug"]);
}

async fn lists_calls_by_deadline(app: &TestApp) {
    let (status, body) = app.get_json("/api/v1/calls?limit=100").await;
    assert_eq!(status, 200);
    assert_eq!(body["total"], 629);
    let deadlines: Vec<&str> = items(&body).iter().filter_map(|c| c["deadline"].as_str()).collect();
    assert_eq!(deadlines.len(), 100);
    assert!(deadlines.windows(2).all(|w| w[0] <= w[1]), "soonest deadline first");
    for field in ["topicId", "title", "status", "deadline", "programme", "url"] {
        assert!(!items(&body)[0][field].is_null(), "{field}");
    }
}

async fn filters_calls(app: &TestApp) {
    // The source's snapshot calls 363 open and 262 forthcoming; what is open follows the dates.
    for status in CallStatus::ALL {
        let (_, listed) = app.get_json(&format!("/api/v1/calls?status={status}&limit=1")).await;
        assert_eq!(listed["total"], real_calls_with(status), "{status}");
    }
    let (_, closed) = app.get_json("/api/v1/calls?status=closed&limit=100").await;
    let mut closed_by_date = 0;
    for call in items(&closed) {
        let (_, detail) = app
            .get_json(&format!(
                "/api/v1/calls/{}",
                lshub_domain::topic_id_path_segment(call["topicId"].as_str().expect("id"))
            ))
            .await;
        assert_eq!(detail["status"], "closed");
        closed_by_date += i32::from(detail["sourceStatus"] == "open");
    }
    assert!(closed_by_date > 0, "passed deadlines close calls the source calls open");
    let (_, window) = app
        .get_json("/api/v1/calls?deadlineFrom=2026-09-01&deadlineTo=2026-09-30&programme=Horizon+Europe&limit=100")
        .await;
    assert!(window["total"].as_i64().is_some_and(|n| n > 0));
    for call in items(&window) {
        let deadline = call["deadline"].as_str().expect("deadline");
        assert!(("2026-09-01"..="2026-09-30").contains(&deadline), "{deadline}");
        assert_eq!(call["programme"], "Horizon Europe");
    }
    let (_, big) = app.get_json("/api/v1/calls?budgetMin=10000000&sort=-budget&limit=100").await;
    assert!(big["total"].as_i64().is_some_and(|n| n > 0));
    for call in items(&big) {
        assert!(call["budgetMax"].as_i64().is_some_and(|b| b >= 10_000_000), "{call}");
    }
    let (_, text) = app.get_json("/api/v1/calls?q=rare+diseases").await;
    assert!(items(&text).iter().any(|c| c["topicId"] == "HORIZON-HLTH-2026-02-DISEASE-12"));
}

async fn repairs_mojibake_in_calls(app: &TestApp) {
    let (status, call) = app.get_json("/api/v1/calls/HORIZON-CL4-2026-SPACE-03-81").await;
    assert_eq!(status, 200);
    assert_eq!(call["title"], "Space critical EEE components for EU non-dependence – Radiation Hard FPGA on 7nm");
    let (_, call) = app.get_json("/api/v1/calls/HORIZON-HLTH-2026-02-DISEASE-12").await;
    let description = call["description"].as_str().expect("description");
    assert!(description.contains("“Tackling diseases and reducing disease burden”"), "{description}");
    let (_, all) = app.get_json("/api/v1/calls?limit=100&q=dependence").await;
    for call in items(&all) {
        let title = call["title"].as_str().expect("title");
        assert!(!title.contains("â€") && !title.contains('Ã'), "{title}");
    }
}

async fn addresses_calls_with_slashes_in_their_id(app: &TestApp) {
    let (status, call) = app.get_json("/api/v1/calls/EuropeAid%2F186614%2FDD%2FACT%2FMulti").await;
    assert_eq!(status, 200, "{call}");
    assert_eq!(call["topicId"], "EuropeAid/186614/DD/ACT/Multi");
    assert_eq!(call["url"], "http://hub.test/calls/EuropeAid%2F186614%2FDD%2FACT%2FMulti");
    assert!(call["title"].as_str().is_some_and(|t| t.contains("Women’s Political")));
}

async fn bad_input_gets_problem_details(app: &TestApp) {
    for (path, status, field) in [
        ("/api/v1/organisations?limit=0", 400, Some("limit")),
        ("/api/v1/organisations?limit=ten", 400, Some("limit")),
        ("/api/v1/organisations?offset=-5", 400, Some("offset")),
        ("/api/v1/organisations?kind=bank", 400, Some("kind")),
        ("/api/v1/organisations?sort=size", 400, Some("sort")),
        ("/api/v1/organisations?country=Netherlands", 400, Some("country")),
        ("/api/v1/calls?status=maybe", 400, Some("status")),
        ("/api/v1/calls?deadlineFrom=next+week", 400, Some("deadlineFrom")),
        ("/api/v1/calls?deadlineFrom=2027-01-01&deadlineTo=2026-01-01", 400, Some("deadlineFrom")),
        ("/api/v1/calls?budgetMin=lots", 400, Some("budgetMin")),
        ("/api/v1/calls?budgetMin=500000&budgetMax=1000", 400, Some("budgetMin")),
        ("/api/v1/organisations/no-such-organisation", 404, None),
        ("/api/v1/calls/NO-SUCH-CALL", 404, None),
        // PostgreSQL refuses NUL in a parameter: a key with one is simply not there.
        ("/api/v1/organisations/a%00b", 404, None),
        ("/api/v1/calls/a%00b", 404, None),
        ("/api/v1/nothing-here", 404, None),
    ] {
        let response = crate::support::client().get(app.url(path)).send().await.expect("request");
        assert_eq!(response.status().as_u16(), status, "{path}");
        let content_type = response.headers()["content-type"].to_str().expect("header").to_owned();
        assert_eq!(content_type, "application/problem+json", "{path}");
        let problem: Value = response.json().await.expect("problem JSON");
        assert_eq!(problem["status"], status, "{path}");
        assert!(problem["title"].is_string() && problem["detail"].is_string(), "{path}: {problem}");
        assert_eq!(problem["field"].as_str(), field, "{path}: {problem}");
    }
    // Query-syntax characters and SQL are plain text to the filters.
    for q in ["%25", "_", "'+OR+1=1--", "\"quoted\"", "a:b*(c)"] {
        let (status, body) = app.get_json(&format!("/api/v1/organisations?q={q}")).await;
        assert_eq!((status, body["total"].as_i64()), (200, Some(0)), "q={q}");
    }
}

async fn stats_match_the_data(app: &TestApp) {
    let (status, stats) = app.get_json("/api/v1/stats").await;
    assert_eq!(status, 200);
    assert_eq!(stats["organisations"], 2525);
    assert_eq!(stats["calls"], 629);
    let kinds = stats["organisationsByKind"].as_array().expect("kinds");
    let sum: i64 = kinds.iter().filter_map(|k| k["count"].as_i64()).sum();
    assert_eq!(sum, 2525);
    assert!(kinds.iter().any(|k| k["key"] == "healthcare"));
    let open = stats["callsByStatus"].as_array().expect("statuses").iter().find(|s| s["key"] == "open").cloned();
    assert_eq!(open.map(|s| s["count"].clone()), Some(Value::from(real_calls_with(CallStatus::Open))));
    assert!(stats["nextDeadlines"].as_array().is_some_and(|d| d.len() <= 5));
}
