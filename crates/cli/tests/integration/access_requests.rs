//! Access requests through the API, on both databases: a holder publishes a dataset and
//! offers it for request; a researcher finds it by a Dutch question, applies with a
//! co-applicant, is returned, resubmits and is approved; the licences are accepted and the
//! entitlements appear. Refused commands change nothing, and no one reaches an application
//! that is not theirs by changing an id.

use serde_json::{json, Value};

use crate::browser::{grant, Browser, PASSWORD};
use crate::datasets::dataset_fields;
use crate::news::member_of;
use crate::support::{per_backend, TestApp};

per_backend!(the_access_story_through_the_api);

const HOLDER: &str = "erasmus-mc";

/// Waits up to 10 s for a mail to `recipient` containing every one of `needles`; fails with
/// the mails that did arrive for them.
async fn mailed(app: &TestApp, recipient: &str, needles: &[&str]) {
    let mut seen = Vec::new();
    for _ in 0..100 {
        seen.clear();
        let entries = std::fs::read_dir(app.data_dir.join("mail")).into_iter().flatten().flatten();
        for entry in entries {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            if text.starts_with(&format!("To: {recipient}\r\n")) {
                if needles.iter().all(|n| text.contains(n)) {
                    return;
                }
                seen.push(text);
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no mail to {recipient} with {needles:?}; mails to them:\n{}", seen.join("\n---\n"));
}

async fn command(browser: &mut Browser<'_>, id: &str, body: Value) -> (u16, Value) {
    browser.api(reqwest::Method::POST, &format!("/api/v1/applications/{id}/commands"), &body).await
}

/// Uploads `bytes` as the file `name` through the API, as a signed-in session.
async fn upload(browser: &mut Browser<'_>, id: &str, name: &str, bytes: &'static [u8]) -> (u16, Value) {
    let path = format!("/api/v1/applications/{id}/attachments?filename={name}");
    let csrf = browser.get("/login").await.csrf().expect("token");
    let request = browser.request(reqwest::Method::POST, &path).await;
    let response = request
        .header("origin", browser.app.base_url.clone())
        .header("x-csrf-token", csrf)
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .expect("upload");
    (response.status().as_u16(), response.json::<Value>().await.unwrap_or_default())
}

async fn the_access_story_through_the_api(app: &TestApp) {
    let mut admin = Browser::new(app, 171);
    admin.sign_up("Access Admin", "admin@access.example", PASSWORD).await;
    grant(app, "admin@access.example", "admin");
    let mut holder = member_of(app, &mut admin, 172, "holder@access.example", HOLDER).await;
    let mut researcher = Browser::new(app, 173);
    researcher.sign_up("Rosa Researcher", "rosa@access.example", PASSWORD).await;
    let mut colleague = Browser::new(app, 174);
    colleague.sign_up("Cor Colleague", "cor@access.example", PASSWORD).await;
    let mut stranger = Browser::new(app, 175);
    stranger.sign_up("Stan Stranger", "stan@access.example", PASSWORD).await;
    // The colleague reads the hub in Dutch: their mail comes in Dutch.
    assert_eq!(colleague.get("/language/nl?next=/").await.status, 303);

    // The holder publishes a dataset restricted to health research and offers it.
    let created = holder
        .submit(
            "/datasets/new",
            "/datasets",
            &dataset_fields(HOLDER, "Lung tumour imaging for access requests", "DUO:0000006"),
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let location = created.location.unwrap_or_default();
    let slug = location.strip_prefix("/datasets/").expect("the dataset's page").to_owned();
    let published = holder.submit(&location, &format!("{location}/state"), &[("transition", "publish")]).await;
    assert_eq!(published.status, 303, "{}", published.body);

    let item = json!({
        "title": {"en": "Lung tumour imaging", "nl": "Beelden van longtumoren"},
        "datasets": [slug],
        "form": {"fields": [
            {"id": "project", "kind": "text", "label": {"en": "Project title", "nl": "Projecttitel"}, "required": true},
            {"id": "ethics", "kind": "option", "label": {"en": "Ethics approval?"}, "required": true,
             "options": [{"key": "yes", "label": {"en": "Yes"}}, {"key": "no", "label": {"en": "No"}}]},
            {"id": "committee", "kind": "text", "label": {"en": "Which committee?"}, "required": true,
             "visibleIf": {"field": "ethics", "equals": ["yes"]}},
            {"id": "budget", "kind": "text", "label": {"en": "Funding"}, "private": true}
        ]},
        "licences": [{"id": "dua-2026", "title": {"en": "Data use agreement"}, "url": "https://bbmri.example/dua"}],
        "workflow": {"deciders": ["admin@access.example"], "entitlementDays": 90}
    });
    // Only the holder's members offer its data, and only its own datasets.
    let (status, _) =
        stranger.api(reqwest::Method::POST, &format!("/api/v1/organisations/{HOLDER}/catalogue-items"), &item).await;
    assert_eq!(status, 403);
    let mut foreign = item.clone();
    foreign["datasets"] = json!(["no-such-dataset"]);
    let (status, problem) =
        holder.api(reqwest::Method::POST, &format!("/api/v1/organisations/{HOLDER}/catalogue-items"), &foreign).await;
    assert_eq!((status, problem["field"].as_str()), (400, Some("datasets")), "{problem}");
    let (status, created) =
        holder.api(reqwest::Method::POST, &format!("/api/v1/organisations/{HOLDER}/catalogue-items"), &item).await;
    assert_eq!(status, 201, "{created}");
    let item_id = created["id"].as_str().expect("the item's id").to_owned();
    let (_, items) = app.get_json("/api/v1/catalogue-items").await;
    assert!(items.as_array().expect("a list").iter().any(|i| i["id"] == item_id.as_str()));

    // The researcher finds the dataset by a Dutch question and applies.
    assert!(app.search_finds("q=longkanker+beeldvorming&type=dataset", &slug).await, "a Dutch question finds it");
    let (status, application) =
        researcher.api(reqwest::Method::POST, "/api/v1/applications", &json!({"catalogueItems": [item_id]})).await;
    assert_eq!(status, 201, "{application}");
    let id = application["id"].as_str().expect("the application's id").to_owned();
    assert_eq!(application["state"], "draft");
    assert_eq!(application["roles"], json!(["applicant"]));

    // Drafts keep whatever is given; warnings say what submission will need.
    let (status, draft) = command(&mut researcher, &id, json!({
        "command": "save-draft",
        "answers": {item_id.clone(): {"project": "Deep learning on lung CT", "ethics": "yes", "budget": "NWO grant"}},
        "purposeCodes": ["DUO:0000006"],
        "purpose": "Train a model that finds early tumours."
    }))
    .await;
    assert_eq!(status, 200, "{draft}");
    assert_eq!(draft["warnings"][0]["field"], format!("{item_id}.committee"));
    assert_eq!(draft["assessments"][0]["outcome"], "matches", "{draft}");
    // Submitting with a warning left, or without the licences, is refused and changes nothing.
    let (status, refused) = command(&mut researcher, &id, json!({"command": "submit"})).await;
    assert_eq!((status, refused["field"].as_str()), (400, Some(format!("{item_id}.committee").as_str())), "{refused}");
    let (status, _) = command(&mut researcher, &id, json!({
        "command": "save-draft",
        "answers": {item_id.clone(): {"project": "Deep learning on lung CT", "ethics": "yes", "committee": "METC Amsterdam UMC", "budget": "NWO grant"}},
        "purposeCodes": ["DUO:0000006"],
        "purpose": "Train a model that finds early tumours."
    }))
    .await;
    assert_eq!(status, 200);
    let (status, refused) = command(&mut researcher, &id, json!({"command": "submit"})).await;
    assert_eq!(status, 409, "{refused}");
    assert!(refused["detail"].as_str().unwrap_or_default().contains("licences"), "{refused}");

    // A co-applicant joins by invitation, once their address is confirmed.
    let (status, _) =
        command(&mut researcher, &id, json!({"command": "invite-member", "email": "Cor@Access.example"})).await;
    assert_eq!(status, 200);
    // The mail goes to the address as given, in the language of the account that owns it.
    mailed(app, "Cor@access.example", &[&format!("/applications/{id}"), "Medeaanvrager uitgenodigd"]).await;
    let (status, _) = command(&mut stranger, &id, json!({"command": "accept-invitation"})).await;
    assert_eq!(status, 404, "an invitation is for its address only");
    let (status, joined) = command(&mut colleague, &id, json!({"command": "accept-invitation"})).await;
    assert_eq!(status, 200, "{joined}");
    assert_eq!(joined["roles"], json!(["member"]));
    assert!(
        joined["answers"][&item_id].get("budget").is_none(),
        "private answers stay with the applicant and handlers"
    );
    assert_eq!(joined["answers"][&item_id]["project"], "Deep learning on lung CT");

    // An attachment: a PDF is kept under its hash; a program is refused.
    let (status, refused) = upload(&mut researcher, &id, "tool.exe", b"MZ\x90\x00\x03").await;
    assert_eq!((status, refused["field"].as_str()), (400, Some("file")), "{refused}");
    let (status, attached) = upload(&mut researcher, &id, "protocol.pdf", b"%PDF-1.7\n% study protocol\n").await;
    assert_eq!(status, 200, "{attached}");
    assert_eq!(attached["attachments"].as_array().map(Vec::len), Some(1), "the program left nothing behind");
    let download = attached["attachments"][0]["url"].as_str().expect("a link").to_owned();
    let file = colleague.get(&download).await;
    assert_eq!(file.status, 200);
    assert!(file.headers["content-disposition"].to_str().unwrap_or_default().starts_with("attachment"));
    assert_eq!(stranger.get(&download).await.status, 404, "attachments only for the parties");

    // Licences, then submission; the holder's members are told.
    for browser in [&mut researcher, &mut colleague] {
        let (status, accepted) = command(browser, &id, json!({"command": "accept-licences"})).await;
        assert_eq!(status, 200, "{accepted}");
    }
    let (status, submitted) = command(&mut researcher, &id, json!({"command": "submit"})).await;
    assert_eq!((status, submitted["state"].as_str()), (200, Some("submitted")), "{submitted}");
    mailed(app, "holder@access.example", &[&format!("/applications/{id}"), "Submitted"]).await;

    // The holder sees it, with the private answer, and returns it; an internal remark stays internal.
    let (status, handled) = holder.api(reqwest::Method::GET, &format!("/api/v1/applications/{id}"), &json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(handled["roles"], json!(["handler"]));
    assert_eq!(handled["answers"][&item_id]["budget"], "NWO grant");
    let (status, _) =
        command(&mut holder, &id, json!({"command": "remark", "comment": "Check the METC letter", "public": false}))
            .await;
    assert_eq!(status, 200);
    let (status, returned) =
        command(&mut holder, &id, json!({"command": "return", "comment": "Please add the METC reference number."}))
            .await;
    assert_eq!((status, returned["state"].as_str()), (200, Some("returned")));
    mailed(app, "rosa@access.example", &["Please add the METC reference number."]).await;
    let (_, seen) = researcher.api(reqwest::Method::GET, &format!("/api/v1/applications/{id}"), &json!({})).await;
    let remarks = seen["events"].as_array().expect("events").iter().filter(|e| e["type"] == "remarked").count();
    assert_eq!(remarks, 0, "the applicant does not see internal remarks");

    // A transition the state does not allow is refused and leaves the log as it was.
    let before = seen["events"].as_array().map(Vec::len);
    let (status, refused) = command(&mut holder, &id, json!({"command": "approve"})).await;
    assert_eq!(status, 409, "{refused}");
    let (_, after) = researcher.api(reqwest::Method::GET, &format!("/api/v1/applications/{id}"), &json!({})).await;
    assert_eq!(after["events"].as_array().map(Vec::len), before);

    // Resubmitted; the committee decides; the holder approves; entitlements follow.
    let (status, _) = command(&mut researcher, &id, json!({"command": "submit"})).await;
    assert_eq!(status, 200);
    let (status, asked) = command(
        &mut holder,
        &id,
        json!({
            "command": "request-decision", "people": ["admin@access.example"], "comment": "DAC, please decide"
        }),
    )
    .await;
    assert_eq!(status, 200, "{asked}");
    let (status, decided) =
        command(&mut admin, &id, json!({"command": "decide", "approve": true, "comment": "Fine"})).await;
    assert_eq!(status, 200, "{decided}");
    assert_eq!(decided["roles"], json!(["past-decider"]));
    let (status, approved) = command(&mut holder, &id, json!({"command": "approve", "comment": "Welcome"})).await;
    assert_eq!((status, approved["state"].as_str()), (200, Some("approved")), "{approved}");
    assert_eq!(approved["holders"][0]["progress"], "made-available");
    let entitled: Vec<&str> = approved["entitlements"]
        .as_array()
        .expect("entitlements")
        .iter()
        .filter_map(|e| e["standing"].as_str())
        .collect();
    assert_eq!(entitled, vec!["active", "active"], "the applicant and the co-applicant, who accepted the licences");
    let (status, exported) =
        holder.api(reqwest::Method::GET, &format!("/api/v1/organisations/{HOLDER}/entitlements"), &json!({})).await;
    assert_eq!(status, 200);
    assert!(exported.as_array().expect("a list").iter().filter(|e| e["application"] == id.as_str()).count() == 2);
    let csv = holder.get(&format!("/organisations/{HOLDER}/entitlements.csv")).await;
    assert_eq!(csv.status, 200);
    assert!(csv.body.starts_with("application,user,catalogueItem,holder,start,end,revokedAt,revokedReason"));
    assert_eq!(researcher.get(&format!("/organisations/{HOLDER}/entitlements.csv")).await.status, 403);

    // Changing the id in the URL reaches nothing that is not one's own.
    for path in [format!("/api/v1/applications/{id}"), format!("/api/v1/applications/{id}x")] {
        let (status, _) = stranger.api(reqwest::Method::GET, &path, &json!({})).await;
        assert_eq!(status, 404, "{path}");
    }
    let (status, _) = command(&mut stranger, &id, json!({"command": "close"})).await;
    assert_eq!(status, 404);
    let (_, listed) = stranger.api(reqwest::Method::GET, "/api/v1/applications", &json!({})).await;
    assert_eq!(listed, json!([]));

    // Revoking ends the entitlements, with the reason; the holder's figures count the request.
    let (status, refused) = command(&mut holder, &id, json!({"command": "revoke"})).await;
    assert_eq!(status, 400, "a reason is required: {refused}");
    let (status, revoked) =
        command(&mut holder, &id, json!({"command": "revoke", "comment": "Data used outside the agreed purpose"}))
            .await;
    assert_eq!((status, revoked["state"].as_str()), (200, Some("revoked")));
    assert!(revoked["entitlements"].as_array().expect("list").iter().all(|e| e["standing"] == "revoked"));
    let (_, statistics) = app.get_json("/api/v1/access/statistics").await;
    let figures =
        statistics["holders"].as_array().expect("holders").iter().find(|h| h["holder"]["slug"] == HOLDER).cloned();
    let figures = figures.expect("the holder's figures");
    assert!(figures["received"].as_u64() >= Some(1) && figures["decided"].as_u64() >= Some(1), "{figures}");
    assert_eq!(statistics["benchmarkDays"], 61.0);
}
