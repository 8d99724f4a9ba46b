//! Calls of other funders entered by partners through the content kernel, on both
//! databases: only a partner organisation's staff (and admins) write them; a draft is not a
//! call; publishing lists it among the calls, where it is filtered, counted and alerted like
//! an EU call, with its status from its dates; an edit and an archive reach the call and the
//! changelog in the item's own transaction; the page and the API, over HTTP.

use chrono::{Duration, Utc};
use lshub_domain::alerts::{ChangeKind, SearchCriteria};
use lshub_domain::content::Written;
use lshub_domain::content::{State, Transition};
use lshub_domain::funder_call::{FunderCall, FunderCallDraft};
use lshub_domain::{CallFilter, CallStatus, NewCallTopic, Pagination, Reason, SourceRef};
use lshub_service::alerts::{self, Letter};
use lshub_service::content::{self as service, Lifetime};
use lshub_service::ServiceError;
use lshub_storage::NoProgress;
use serde_json::json;

use crate::authorization_matrix::staff;
use crate::browser::{grant, Browser, PASSWORD};
use crate::builders::{per_backend_hub, Hub};
use crate::support::{per_backend, TestApp, PUBLIC_URL};

per_backend!(partners_enter_calls_through_the_pages_and_the_api);

/// The story through the use cases, on a database of its own per backend.
mod story {
    use super::*;
    per_backend_hub!(a_published_entry_is_a_call_like_any_other_until_it_is_archived);
}

fn draft(today: chrono::NaiveDate) -> FunderCallDraft {
    FunderCallDraft {
        funder: "ZonMw".into(),
        title: "Preventie van hart- en vaatziekten met zebravissen".into(),
        description: "Onderzoek naar preventie, met zebravismodellen.".into(),
        url: "https://www.zonmw.nl/".into(),
        opening_date: (today - Duration::days(10)).to_string(),
        deadlines: (today + Duration::days(45)).to_string(),
        budget_max: "750000".into(),
        keywords: "preventie; cardiovasculair".into(),
        ..FunderCallDraft::default()
    }
}

async fn a_published_entry_is_a_call_like_any_other_until_it_is_archived(hub: Hub) {
    let today = Utc::now().date_naive();
    let partner_organisation = hub.organisation("Builder Partner Office").await;
    let staff = hub.partner_of(&partner_organisation).await;
    let member = hub.member_of(&partner_organisation).await;
    let create = |by, draft| {
        service::create::<FunderCall>(&hub.db, by, &partner_organisation.slug, draft, Lifetime::default(), today)
    };

    // A member who is not a partner writes none; bad fields are named.
    assert!(matches!(create(&member, draft(today)).await, Err(ServiceError::Denied(_))));
    let bad = FunderCallDraft { funder: String::new(), deadlines: "soon".into(), ..draft(today) };
    match create(&staff, bad).await {
        Err(ServiceError::Invalid(errors)) => {
            assert_eq!(errors.iter().map(|e| e.field).collect::<Vec<_>>(), ["funder", "deadlines"])
        }
        other => panic!("refused field by field, not {other:?}"),
    }

    // A saved search waits for it; a draft is not a call.
    let follower = hub.stranger().await;
    let criteria = SearchCriteria { text: Some("zebravis".into()), ..SearchCriteria::default() };
    alerts::save(&hub.db, &follower, "Zebravis", criteria, Utc::now() - Duration::days(1)).await.expect("saved");
    let item = create(&staff, draft(today)).await.expect("a draft");
    assert!(hub.db.call_by_topic_id(&item.slug).await.expect("call").is_none(), "a draft is not a call");

    // Published: a call like any other.
    let item = service::transition::<FunderCall>(&hub.db, &staff, &item.slug, Transition::Publish).await.expect("on");
    let call = hub.db.call_by_topic_id(&item.slug).await.expect("call").expect("listed among the calls");
    assert_eq!((call.content.programme.as_str(), call.provenance.source.as_str()), ("ZonMw", "funder-call"));
    assert_eq!(call.content.status_on(today), CallStatus::Open);
    assert_eq!(call.content.status_on(today - Duration::days(11)), CallStatus::Forthcoming, "before it opens");
    assert_eq!(call.content.status_on(today + Duration::days(46)), CallStatus::Closed, "after its deadline");
    let filter =
        CallFilter { programme: Some("ZonMw".into()), status: Some(CallStatus::Open), ..CallFilter::on(today) };
    let listed = hub.db.list_calls(&filter).await.expect("calls");
    assert_eq!(listed.items.iter().map(|c| c.content.topic_id.as_str()).collect::<Vec<_>>(), [item.slug.as_str()]);
    let compose = |letter: &alerts::AlertLetter<'_>| Letter {
        subject: letter.calls.iter().map(|(call, _)| call.content.title.clone()).collect::<Vec<_>>().join("; "),
        body: String::new(),
        unsubscribe_url: format!("{PUBLIC_URL}/alerts/unsubscribe/{}", letter.unsubscribe_secret),
    };
    assert_eq!(alerts::send_due(&hub.db, today, Utc::now(), compose).await.expect("alerts"), 1, "alerted as new");
    assert_eq!(alerts::send_due(&hub.db, today, Utc::now(), compose).await.expect("alerts"), 0, "once");

    // An edit reaches the call, and the changelog names the field.
    let changed = FunderCallDraft { budget_max: "900000".into(), ..draft(today) };
    let item =
        service::edit::<FunderCall>(&hub.db, &staff, &item.slug, item.revision, changed, Lifetime::default(), today)
            .await
            .expect("edited");
    let call = hub.db.call_by_topic_id(&item.slug).await.expect("call").expect("still listed");
    assert_eq!(call.content.budget_max, Some(900_000));

    // Any partner may moderate: archiving closes the call, which stays for its history.
    let other_partner = hub.partner_of(&hub.organisation("Builder Other Partner").await).await;
    let item =
        service::transition::<FunderCall>(&hub.db, &other_partner, &item.slug, Transition::Archive).await.expect("off");
    assert_eq!(item.state, State::Archived);
    let call = hub.db.call_by_topic_id(&item.slug).await.expect("call").expect("kept, closed");
    assert_eq!(call.content.status_on(today), CallStatus::Closed);

    let log = hub.db.call_changes(Pagination::default()).await.expect("changelog");
    let entries: Vec<(ChangeKind, Vec<String>)> =
        log.items.iter().filter(|c| c.topic_id == item.slug).map(|c| (c.kind, c.fields.clone())).collect();
    assert_eq!(
        entries,
        [
            (ChangeKind::Closed, vec!["sourceStatus".to_owned()]),
            (ChangeKind::Changed, vec!["budgetMax".to_owned()]),
            (ChangeKind::New, vec![])
        ],
        "newest first"
    );
    // The kernel kept every version.
    let (_, history) = service::history::<FunderCall>(&hub.db, &staff, &item.slug).await.expect("history");
    assert_eq!(history.len(), 4, "created, published, edited, archived");

    // An imported call holding the topic id it would be listed under: refused, not a clash.
    let other = FunderCallDraft { title: "Zebravissen in de kliniek".into(), ..draft(today) };
    let other = create(&staff, other).await.expect("a draft");
    let mut imported = other.record.as_call(&other.slug).expect("a call");
    imported.programme = "ZonMw".into();
    let imported = NewCallTopic {
        content: imported,
        source: SourceRef { source: "zonmw-file".into(), source_id: "zebra-1".into() },
    };
    hub.db.upsert_calls(&[imported], &NoProgress).await.expect("imported");
    match service::transition::<FunderCall>(&hub.db, &staff, &other.slug, Transition::Publish).await {
        Err(ServiceError::Invalid(errors)) => assert_eq!(
            errors.iter().map(|e| (e.field, e.reason.clone())).collect::<Vec<_>>(),
            [("title", Reason::TopicIdTaken { topic_id: other.slug.clone() })]
        ),
        other => panic!("refused, not {other:?}"),
    }
    let kept = hub.db.call_by_topic_id(&other.slug).await.expect("call").expect("the imported call");
    assert_eq!(kept.provenance.source, "zonmw-file", "left as it was");
}

/// A partner organisation no other test writes for.
const PARTNER: &str = "health-holland";

async fn partners_enter_calls_through_the_pages_and_the_api(app: &TestApp) {
    let mut admin = Browser::new(app, 191);
    let admin_email = "admin@funder-calls.example";
    admin.sign_up("Funder Calls Admin", admin_email, PASSWORD).await;
    grant(app, admin_email, "admin");
    let mut partner = staff(app, &mut admin, 192, "staff@funder-calls.example", PARTNER, "partner").await;

    // Through the form: refused field by field, then saved and published. The shared server's
    // other tests count its open calls and its deadlines, so this one opens later and has
    // no deadline (the API's draft below is never published).
    let today = Utc::now().date_naive();
    let (opening, deadline) = ((today + Duration::days(30)).to_string(), (today + Duration::days(90)).to_string());
    let refused = partner
        .submit(
            "/funder-calls/new",
            "/funder-calls",
            &[("organisation", PARTNER), ("funder", "KWF"), ("title", "Vroege opsporing"), ("budget_max", "1.5 mln")],
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("f-budget_max-error"), "{}", refused.body);
    let created = partner
        .submit(
            "/funder-calls/new",
            "/funder-calls",
            &[
                ("organisation", PARTNER),
                ("funder", "KWF"),
                ("title", "Vroege opsporing van kanker met beeldvorming en AI"),
                ("description", "Projecten die kanker vroeger opsporen."),
                ("url", "https://www.kwf.nl/"),
                ("opening_date", &opening),
                ("budget_max", "1200000"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let page = created.location.expect("the entry's page");
    let slug = page.trim_start_matches("/funder-calls/").to_owned();
    assert_eq!(app.get_json(&format!("/api/v1/calls/{slug}")).await.0, 404, "a draft is not a call");
    let published = partner.submit(&page, &format!("{page}/state"), &[("transition", "publish")]).await;
    assert_eq!(published.status, 303, "{}", published.body);
    let shown = partner.get(&page).await;
    assert!(shown.body.contains(&format!("href=\"/calls/{slug}\"")), "links to its call: {}", shown.body);

    // Among the calls: the API, the list by programme, search, and back to its entry.
    let (status, call) = app.get_json(&format!("/api/v1/calls/{slug}")).await;
    assert_eq!(
        (status, call["programme"].as_str(), call["status"].as_str()),
        (200, Some("KWF"), Some("forthcoming")),
        "{call}"
    );
    let (_, list) = app.get_json("/api/v1/calls?programme=KWF").await;
    assert!(list["items"].as_array().expect("items").iter().any(|c| c["topicId"] == slug.as_str()), "{list}");
    let (_, call_page) = app.get_text(&format!("/calls/{slug}"), "en").await;
    assert!(call_page.contains(&format!("href=\"/funder-calls/{slug}\"")), "back to its entry: {call_page}");
    assert!(call_page.contains("Open this call on the funder"), "not the EU portal");
    assert!(app.search_finds("q=opsporing+kanker+beeldvorming&type=call", &slug).await, "searched as a call");
    let (_, kinds) = app.get_json("/api/v1/search?q=opsporing+kanker+beeldvorming&type=funder-call").await;
    assert_eq!(kinds["items"], json!([]), "not indexed twice: {kinds}");
    let archived = partner.submit(&page, &format!("{page}/state"), &[("transition", "archive")]).await;
    assert_eq!(archived.status, 303, "{}", archived.body);
    assert_eq!(app.get_json(&format!("/api/v1/calls/{slug}")).await.1["status"], "closed", "withdrawn");

    // Through the API, amounts as numbers.
    let input = json!({
        "organisation": PARTNER, "funder": "Health~Holland", "title": "PPS-toeslag onderzoek en innovatie",
        "deadlines": [deadline], "budgetMax": 500000, "keywords": ["public-private partnership"],
    });
    let (status, posted) = partner.api(reqwest::Method::POST, "/api/v1/funder-calls", &input).await;
    assert_eq!(
        (status, posted["budgetMax"].as_i64(), posted["state"].as_str()),
        (201, Some(500_000), Some("draft")),
        "{posted}"
    );
    let (status, refused) = partner
        .api(
            reqwest::Method::POST,
            "/api/v1/funder-calls",
            &json!({"organisation": PARTNER, "funder": "KWF", "title": "x", "budgetMin": "lots"}),
        )
        .await;
    assert_eq!((status, refused["field"].as_str()), (400, Some("budget_min")), "{refused}");
}
