//! The routes of one application through HTTP, in every state, for every party and a
//! visitor: the API and the page of an application, its attachment, and every command the
//! party may not give (given, each must be refused and write nothing). The commands a party
//! may give are given, one fresh application each, by `access_matrix.rs` through the same
//! use cases; here the web layer is shown to ask them and to answer as the table says.

use serde_json::{json, Value};

use crate::browser::{grant, Browser, PASSWORD};
use crate::datasets::dataset_fields;
use crate::news::member_of;
use crate::support::{per_backend, TestApp};

per_backend!(every_application_route_answers_every_party_in_every_state);

const HOLDER: &str = "leiden-university-medical-center";

/// Parties, in the order of [`PARTIES`].
const PARTIES: [&str; 8] = ["applicant", "member", "invited", "handler", "reviewer", "decider", "stranger", "visitor"];

const STATES: [&str; 7] = ["draft", "submitted", "returned", "approved", "rejected", "closed", "revoked"];

const COMMANDS: [&str; 18] = [
    "save-draft",
    "invite-member",
    "accept-invitation",
    "remove-member",
    "accept-licences",
    "add-attachment",
    "submit",
    "return",
    "request-review",
    "review",
    "request-decision",
    "decide",
    "remark",
    "set-holder-progress",
    "approve",
    "reject",
    "close",
    "revoke",
];

/// The commands each party may give in each state (REMS's table, written out again).
fn allowed(state: &str, party: &str) -> &'static [&'static str] {
    match (state, party) {
        ("draft", "applicant") => {
            &["save-draft", "invite-member", "remove-member", "accept-licences", "add-attachment", "submit"]
        }
        ("returned", "applicant") => {
            &["save-draft", "invite-member", "remove-member", "accept-licences", "add-attachment", "submit", "close"]
        }
        ("draft" | "returned" | "submitted" | "approved", "member") => &["accept-licences"],
        ("draft" | "returned" | "submitted", "invited") => &["accept-invitation"],
        ("draft" | "returned", "handler") => &["remark"],
        ("submitted" | "approved", "applicant") => &["accept-licences", "remark"],
        ("submitted", "handler") => &[
            "remark",
            "add-attachment",
            "request-review",
            "request-decision",
            "set-holder-progress",
            "return",
            "approve",
            "reject",
        ],
        ("submitted", "reviewer") => &["review", "remark"],
        ("submitted", "decider") => &["decide", "remark"],
        ("approved", "handler") => &["remark", "set-holder-progress", "close", "revoke"],
        _ => &[],
    }
}

fn has_role(state: &str, party: &str) -> bool {
    match party {
        "stranger" | "visitor" => false,
        "reviewer" | "decider" => state != "draft",
        _ => true,
    }
}

async fn command(browser: &mut Browser<'_>, id: &str, body: Value) -> (u16, Value) {
    browser.api(reqwest::Method::POST, &format!("/api/v1/applications/{id}/commands"), &body).await
}

async fn ok(browser: &mut Browser<'_>, id: &str, body: Value) {
    let (status, answer) = command(browser, id, body.clone()).await;
    assert_eq!(status, 200, "{body} → {answer}");
}

async fn every_application_route_answers_every_party_in_every_state(app: &TestApp) {
    let mut admin = Browser::new(app, 241);
    admin.sign_up("Route Admin", "admin@access-routes.example", PASSWORD).await;
    grant(app, "admin@access-routes.example", "admin");
    let mut parties: Vec<Browser<'_>> = Vec::new();
    for (i, party) in PARTIES.iter().enumerate() {
        let host = 242 + i as u8;
        let email = format!("{party}@access-routes.example");
        let browser = match *party {
            "handler" => member_of(app, &mut admin, host, &email, HOLDER).await,
            "visitor" => Browser::new(app, host),
            _ => {
                let mut browser = Browser::new(app, host);
                browser.sign_up(party, &email, PASSWORD).await;
                browser
            }
        };
        parties.push(browser);
    }
    let index = |party: &str| PARTIES.iter().position(|p| *p == party).expect("a party");

    let handler = &mut parties[index("handler")];
    let created = handler
        .submit("/datasets/new", "/datasets", &dataset_fields(HOLDER, "Route matrix cohort", "DUO:0000006"))
        .await;
    let dataset = created.location.expect("the dataset's page");
    handler.submit(&dataset, &format!("{dataset}/state"), &[("transition", "publish")]).await;
    let item = json!({
        "title": {"en": "Route matrix cohort"},
        "datasets": [dataset.trim_start_matches("/datasets/")],
        "licences": [{"id": "dua", "title": {"en": "DUA"}}]
    });
    let (status, created) =
        handler.api(reqwest::Method::POST, &format!("/api/v1/organisations/{HOLDER}/catalogue-items"), &item).await;
    assert_eq!(status, 201, "{created}");
    let item_id = created["id"].as_str().expect("the item").to_owned();

    let mut cases = 0;
    let mut failures = Vec::new();
    for state in STATES {
        // One application in the state, with a member, an open invitation and a document.
        let (_, started) = parties[index("applicant")]
            .api(reqwest::Method::POST, "/api/v1/applications", &json!({"catalogueItems": [item_id]}))
            .await;
        let id = started["id"].as_str().expect("an application").to_owned();
        let email = |party: &str| format!("{party}@access-routes.example");
        ok(&mut parties[index("applicant")], &id, json!({"command": "invite-member", "email": email("member")})).await;
        ok(&mut parties[index("member")], &id, json!({"command": "accept-invitation"})).await;
        ok(&mut parties[index("applicant")], &id, json!({"command": "invite-member", "email": email("invited")})).await;
        ok(&mut parties[index("applicant")], &id, json!({"command": "accept-licences"})).await;
        let path = format!("/api/v1/applications/{id}/attachments?filename=plan.pdf");
        let applicant = &mut parties[index("applicant")];
        let csrf = applicant.get("/login").await.csrf().expect("token");
        let request = applicant.request(reqwest::Method::POST, &path).await;
        let attached: Value = request
            .header("origin", app.base_url.clone())
            .header("x-csrf-token", csrf)
            .body(b"%PDF-1.7 route matrix".to_vec())
            .send()
            .await
            .expect("upload")
            .json()
            .await
            .expect("the application");
        let download = attached["attachments"][0]["url"].as_str().expect("a document").to_owned();
        if state != "draft" {
            ok(&mut parties[index("applicant")], &id, json!({"command": "submit"})).await;
            let handler = &mut parties[index("handler")];
            ok(handler, &id, json!({"command": "request-review", "people": [email("reviewer")]})).await;
            ok(handler, &id, json!({"command": "request-decision", "people": [email("decider")]})).await;
            let path: &[&str] = match state {
                "returned" => &["return"],
                "rejected" => &["reject"],
                "approved" => &["approve"],
                "closed" => &["approve", "close"],
                "revoked" => &["approve", "revoke"],
                _ => &[],
            };
            for step in path {
                ok(handler, &id, json!({"command": step, "comment": "Route matrix"})).await;
            }
        }

        for party in PARTIES {
            let browser = &mut parties[index(party)];
            let visitor = party == "visitor";
            // Reading: the API, the page, the document.
            let (want_api, want_page) = match (visitor, has_role(state, party)) {
                (true, _) => (401, 303),
                (false, true) => (200, 200),
                (false, false) => (404, 404),
            };
            for (route, want) in [
                (format!("/api/v1/applications/{id}"), want_api),
                (format!("/applications/{id}"), want_page),
                (download.clone(), want_page),
            ] {
                cases += 1;
                let got = browser.get(&route).await.status;
                if got != want {
                    failures.push(format!("{state} {party} GET {route}: {got}, expected {want}"));
                }
            }
            // Commands the party may not give: refused, and nothing is written.
            for name in COMMANDS.iter().filter(|c| !allowed(state, party).contains(c)) {
                cases += 1;
                let want = match (visitor, has_role(state, party)) {
                    (true, _) => 401,
                    (false, true) => 409,
                    (false, false) => 404,
                };
                let body = json!({
                    "command": name, "comment": "Route matrix", "email": "x@access-routes.example",
                    "userId": "nobody", "people": [email("reviewer")], "approve": true,
                    "holder": HOLDER, "progress": "contacted"
                });
                let (got, answer) = if *name == "add-attachment" {
                    let path = format!("/api/v1/applications/{id}/attachments?filename=more.pdf");
                    let csrf = browser.get("/login").await.csrf().unwrap_or_default();
                    let request = browser.request(reqwest::Method::POST, &path).await;
                    let response = request
                        .header("origin", app.base_url.clone())
                        .header("x-csrf-token", csrf)
                        .body(b"%PDF-1.7 another".to_vec())
                        .send()
                        .await
                        .expect("upload");
                    (response.status().as_u16(), response.json().await.unwrap_or_default())
                } else {
                    command(browser, &id, body).await
                };
                if got != want {
                    failures.push(format!("{state} {party} {name}: {got}, expected {want} ({answer})"));
                }
            }
        }
        // Nothing the refused commands tried was written.
        let (_, after) = parties[index("applicant")]
            .api(reqwest::Method::GET, &format!("/api/v1/applications/{id}"), &json!({}))
            .await;
        if after["state"] != state || after["attachments"].as_array().map(Vec::len) != Some(1) {
            failures.push(format!("{state}: refused commands changed the application: {after}"));
        }
    }
    assert!(failures.is_empty(), "{} of {cases} cases differ:\n{}", failures.len(), failures.join("\n"));
    println!("access routes: {cases} cases over {} states × {} parties", STATES.len(), PARTIES.len());
}
