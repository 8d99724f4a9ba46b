//! Snapshots of the API's contract: the OpenAPI document and one organisation and one call.
//! Both backends must produce the same JSON, so they share each snapshot.

use insta::assert_json_snapshot;

use crate::support::{per_backend, TestApp};

per_backend!(openapi_document, sanquin_json, call_json);

async fn openapi_document(app: &TestApp) {
    let (status, document) = app.get_json("/api/openapi.json").await;
    assert_eq!(status, 200);
    assert_json_snapshot!("openapi", document);
}

async fn sanquin_json(app: &TestApp) {
    let (_, list) = app.get_json("/api/v1/organisations?q=sanquin+blood").await;
    let slug = list["items"][0]["slug"].as_str().expect("slug").to_owned();
    let (status, organisation) = app.get_json(&format!("/api/v1/organisations/{slug}")).await;
    assert_eq!(status, 200);
    assert_json_snapshot!("organisation_sanquin", organisation, {
        ".provenance.firstImported" => "[time]",
        ".provenance.lastUpdated" => "[time]",
    });
}

async fn call_json(app: &TestApp) {
    let (status, call) = app.get_json("/api/v1/calls/HORIZON-HLTH-2027-02-IND-02-two-stage").await;
    assert_eq!(status, 200);
    assert_json_snapshot!("call_point_of_care", call, {
        ".provenance.firstImported" => "[time]",
        ".provenance.lastUpdated" => "[time]",
    });
}
