//! Suggested introductions on both databases: the weekly round proposes partners for an
//! open call an organisation fits, with the call and the words both share; a round is
//! written once however often the job runs; a dismissed suggestion is never made again.

use chrono::{Duration, Utc};
use lshub_domain::language::Localized;
use lshub_domain::{Identifiers, NewOrganisation, Organisation, OrganisationKind, OrganisationProfile, SourceRef};
use lshub_service::introduction_suggestions as service;
use lshub_service::ServiceError;
use lshub_storage::NoProgress;
use lshub_web::{AppState, SiteConfig};
use serde_json::json;

use crate::builders::{per_backend_hub, Hub};
use crate::support::{client, PUBLIC_URL};

per_backend_hub!(the_matcher_suggests_partners_for_a_call_and_remembers_dismissals);

/// Organisations with what they do, in English.
async fn organisations(hub: &Hub, described: &[(&str, &str)]) -> Vec<Organisation> {
    let records: Vec<NewOrganisation> = described
        .iter()
        .map(|(name, description)| NewOrganisation {
            profile: OrganisationProfile {
                name: (*name).into(),
                aliases: vec![],
                names: Localized::default(),
                descriptions: Localized { en: Some((*description).into()), nl: None },
                kind: OrganisationKind::ResearchInstitute,
                sectors: vec![],
                identifiers: Identifiers::default(),
                addresses: vec![],
            },
            source: SourceRef { source: "suggestions-test".into(), source_id: (*name).into() },
        })
        .collect();
    hub.db.upsert_organisations(&records, &NoProgress).await.expect("organisations");
    let all = hub.db.all_organisations().await.expect("organisations");
    described
        .iter()
        .map(|(name, _)| all.iter().find(|o| o.profile.name == *name).cloned().expect("the organisation"))
        .collect()
}

async fn the_matcher_suggests_partners_for_a_call_and_remembers_dismissals(hub: Hub) {
    let found = organisations(
        &hub,
        &[
            ("Organoid Lab Amsterdam", "Patient-derived tumour organoids for drug screening in colorectal cancer."),
            ("Organoid Screening Utrecht", "High-throughput drug screening on tumour organoids and cancer biobanks."),
            ("Harbour Logistics", "Container shipping schedules and port cranes."),
        ],
    )
    .await;
    let [ours, partner, unrelated] = [&found[0], &found[1], &found[2]];
    let dir = tempfile::tempdir().expect("folder");
    let deadline = Utc::now().date_naive() + Duration::days(60);
    let call = json!({
        "topicId": "TEST-SUGGEST-1", "title": "Tumour organoids for cancer drug screening",
        "programme": "Horizon Europe", "callStatus": "open", "deadline": deadline.to_string(), "budgetMax": 4_000_000,
        "description": "Patient-derived tumour organoids and biobanks to screen cancer drugs.",
    });
    let path = dir.path().join("calls.jsonl");
    std::fs::write(&path, call.to_string()).expect("call file");
    lshub_import::import_eu_calls(&hub.db, &path, &NoProgress).await.expect("import");
    let member = hub.member_of(ours).await;

    let site = SiteConfig { region: "Amsterdam".into(), public_url: PUBLIC_URL.into(), ..SiteConfig::default() };
    let state = AppState::open(hub.db.clone(), site).await.expect("state");
    assert_eq!(lshub_web::suggest_introductions(&state).await.expect("a round"), 1, "one organisation has members");
    assert_eq!(lshub_web::suggest_introductions(&state).await.expect("no round"), 0, "once a week");

    let mine = service::mine(&hub.db, &member).await.expect("suggestions");
    assert_eq!(mine.len(), 1);
    let suggestions = &mine[0].suggestions;
    let first = suggestions.first().expect("a suggestion");
    assert_eq!(first.suggested_id, partner.id, "{suggestions:?}");
    let reasons = &first.reasons;
    assert_eq!(
        reasons.call.as_ref().map(|c| (c.topic_id.as_str(), c.deadline)),
        Some(("TEST-SUGGEST-1", Some(deadline)))
    );
    assert!(reasons.words.iter().any(|w| w == "screening"), "the words both share: {reasons:?}");
    assert!(suggestions.iter().all(|s| s.suggested_id != ours.id && s.suggested_id != unrelated.id), "{suggestions:?}");

    // The member's page and API show it with its reasons; someone else cannot dismiss it;
    // the member can, on the page, and it is gone.
    let (base, _served) = crate::alerts::serve(&hub, dir.path()).await;
    let user_id = member.user.as_ref().expect("a user").id.clone();
    let audit = lshub_storage::audit::AuditEvent::by(None, "test", "test", String::new(), "test");
    let session = hub.db.create_session(&user_id, chrono::Duration::hours(1), audit).await.expect("a session");
    let cookie = format!("{}={session}", lshub_web::auth::SESSION_COOKIE);
    let get = |path: &str| client().get(format!("{base}{path}")).header("cookie", &cookie).send();
    let page = get("/introductions/suggestions").await.expect("page").text().await.expect("text");
    for shown in ["Organoid Screening Utrecht", "Tumour organoids for cancer drug screening", "screening"] {
        assert!(page.contains(shown), "{shown} on the page: {page}");
    }
    let api: serde_json::Value =
        get("/api/v1/introductions/suggestions").await.expect("API").json().await.expect("JSON");
    assert_eq!(api[0]["suggested"], partner.slug.as_str(), "{api}");
    assert_eq!(api[0]["reasons"]["call"]["topicId"], "TEST-SUGGEST-1");
    let outsider = hub.stranger().await;
    let by_outsider = service::dismiss(&hub.db, &outsider, &first.id, Utc::now()).await;
    assert!(matches!(by_outsider, Err(ServiceError::NotFound(_))), "{by_outsider:?}");
    let csrf = page.split("name=\"csrf\" value=\"").nth(1).and_then(|r| r.split('"').next()).expect("a form's token");
    let dismissed = client()
        .post(format!("{base}/introductions/suggestions/{}/dismiss", first.id))
        .header("cookie", &cookie)
        .header("origin", &base)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}"))
        .send()
        .await
        .expect("POST");
    assert_eq!(dismissed.status().as_u16(), 303);
    let left = service::mine(&hub.db, &member).await.expect("suggestions");
    assert!(left[0].suggestions.iter().all(|s| s.id != first.id));
    let twice = service::dismiss(&hub.db, &member, &first.id, Utc::now()).await;
    assert!(matches!(twice, Err(ServiceError::NotFound(_))));

    // A week later a new round comes, without the organisation dismissed.
    state.site.clock.advance(Duration::days(7));
    assert_eq!(lshub_web::suggest_introductions(&state).await.expect("a round"), 1);
    let next = service::mine(&hub.db, &member).await.expect("suggestions");
    assert!(next[0].suggestions.iter().all(|s| s.suggested_id != partner.id), "dismissed is remembered");
}
