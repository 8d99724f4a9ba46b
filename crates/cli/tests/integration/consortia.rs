//! The consortium builder through its use cases, on both databases, each on a database of
//! its own: a workspace opened for a call (bad input refused field by field), invitations
//! answered by the invited organisation's members, or by an admin for an organisation
//! without members; the eligibility check as partners accept, with partners outside the
//! directory; the rules partners set per type of action; suggestions from co-participation
//! in EU projects, with their reasons; and privacy: to anyone but its partners' members a
//! workspace does not exist, and an invited organisation sees only its invitation.

use chrono::{NaiveDate, Utc};
use lshub_domain::consortium::eligibility::{NotCounted, Requirement, HORIZON_COLLABORATIVE};
use lshub_domain::consortium::{PartnerRole, PartnerState};
use lshub_domain::{
    Address, CallContent, CallStatus, Identifiers, Language, NewCallTopic, NewOrganisation, Organisation,
    OrganisationKind, OrganisationProfile, SourceRef,
};
use lshub_service::consortium::{self as service, ConsortiumView, Invitee, NewConsortium, Notice, RulesSource};
use lshub_service::{Caller, ServiceError};
use lshub_storage::audit::AuditEvent;
use lshub_storage::NoProgress;

use crate::browser::{Browser, PASSWORD};
use crate::builders::{per_backend_hub, Hub};
use crate::cordis::{import, participant, project};
use crate::support::{per_backend, TestApp};

per_backend_hub!(a_consortium_is_formed_checked_and_kept_private);

mod http {
    use super::*;
    per_backend!(a_workspace_is_opened_through_the_api_and_its_partners_exported_for_its_members_only);
}

const OPEN_CALL: &str = "HORIZON-HLTH-2099-TEST-01";
const CLOSED_CALL: &str = "HORIZON-HLTH-2020-TEST-02";
const AMC_PIC: &str = "905000001";

fn call(id: &str, deadline: NaiveDate) -> NewCallTopic {
    NewCallTopic {
        content: CallContent {
            topic_id: id.into(),
            title: format!("Antimicrobial resistance in hospitals {id}"),
            programme: "Horizon Europe".into(),
            cluster: None,
            call_id: None,
            call_title: None,
            action_type: Some("RIA".into()),
            type_of_action: Some("HORIZON Research and Innovation Actions".into()),
            source_status: CallStatus::Open,
            opening_date: None,
            deadlines: vec![deadline],
            deadline_model: None,
            budget_min: None,
            budget_max: None,
            expected_grants: None,
            keywords: vec!["antimicrobial resistance".into()],
            description: "Research on antimicrobial resistance.".into(),
            conditions: None,
            support_info: None,
            portal_url: None,
        },
        source: SourceRef { source: "test".into(), source_id: id.into() },
    }
}

async fn organisation_in(hub: &Hub, name: &str, country: &str) -> Organisation {
    let record = NewOrganisation {
        profile: OrganisationProfile {
            name: name.into(),
            aliases: vec![],
            names: Default::default(),
            descriptions: Default::default(),
            kind: OrganisationKind::ResearchInstitute,
            sectors: vec![],
            identifiers: Identifiers::default(),
            addresses: vec![Address { country_code: Some(country.into()), ..Address::default() }],
        },
        source: SourceRef { source: "consortium-test".into(), source_id: name.into() },
    };
    hub.db.upsert_organisations(std::slice::from_ref(&record), &NoProgress).await.expect("organisation");
    hub.db.all_organisations().await.expect("organisations").into_iter().find(|o| o.profile.name == name).expect("it")
}

fn compose(notice: &Notice<'_>, language: Language) -> (String, String) {
    let subject = format!("[{}] {} {} {}", language.code(), notice.event.id(), notice.organisation, notice.acronym);
    (subject, format!("{} for {}", notice.manager, notice.call_title))
}

async fn view(hub: &Hub, by: &Caller, id: &str) -> ConsortiumView {
    service::find(&hub.db, by, id).await.expect("the workspace")
}

fn missing(view: &ConsortiumView, requirement: Requirement) -> u32 {
    view.eligibility.as_ref().expect("rules").check.missing(requirement)
}

/// Subjects of the mails waiting for `recipient`.
async fn mails_to(hub: &Hub, recipient: &str) -> Vec<String> {
    let mails = hub.db.take_pending_mail(100, 5, chrono::Duration::seconds(1)).await.expect("mails");
    mails.into_iter().filter(|m| m.recipient == recipient).map(|m| m.subject).collect()
}

fn key_of(view: &ConsortiumView, name: &str) -> String {
    view.consortium.partners.iter().find(|p| p.name() == name).map(|p| p.key.clone()).expect(name)
}

async fn a_consortium_is_formed_checked_and_kept_private(hub: Hub) {
    let today = Utc::now().date_naive();
    let far = NaiveDate::from_ymd_opt(2099, 1, 31).expect("date");
    let past = NaiveDate::from_ymd_opt(2020, 1, 31).expect("date");
    hub.db.upsert_calls(&[call(OPEN_CALL, far), call(CLOSED_CALL, past)], &NoProgress).await.expect("calls");
    let amc = organisation_in(&hub, "Amsterdam UMC", "NL").await;
    let leuven = organisation_in(&hub, "KU Leuven", "BE").await;
    let silent = hub.organisation("Stichting Zonder Leden").await;
    let alice = hub.member_of(&amc).await;
    let bob = hub.member_of(&leuven).await;
    let (stranger, admin) = (hub.stranger().await, hub.admin().await);
    let partner = hub.partner_of(&hub.organisation("Cluster Office").await).await;
    let new = |call: &str, organisation: &Organisation, acronym: &str| NewConsortium {
        call: call.into(),
        organisation: organisation.slug.clone(),
        acronym: acronym.into(),
        role: PartnerRole::Coordinator,
    };

    // Bad input is refused field by field; only an organisation's members open in its name.
    let Err(ServiceError::Invalid(errors)) = service::open(&hub.db, &alice, new(CLOSED_CALL, &amc, ""), today).await
    else {
        panic!("refused")
    };
    assert_eq!(errors.iter().map(|e| e.field).collect::<Vec<_>>(), ["acronym", "call"]);
    let unknown = service::open(&hub.db, &alice, new("NO-SUCH-CALL", &amc, "X"), today).await;
    assert!(matches!(unknown, Err(ServiceError::Invalid(e)) if e[0].field == "call"));
    let not_theirs = service::open(&hub.db, &alice, new(OPEN_CALL, &leuven, "X"), today).await;
    assert!(matches!(not_theirs, Err(ServiceError::Denied(_))), "{not_theirs:?}");

    let id = service::open(&hub.db, &alice, new(OPEN_CALL, &amc, "RESIST"), today).await.expect("opened");
    let opened = view(&hub, &alice, &id).await;
    assert!(opened.full && opened.can_manage);
    let eligibility = opened.eligibility.as_ref().expect("RIA has built-in rules");
    assert_eq!((eligibility.rules, eligibility.source), (HORIZON_COLLABORATIVE, RulesSource::BuiltIn));
    assert_eq!(missing(&opened, Requirement::Coordinator), 0);
    assert_eq!(missing(&opened, Requirement::Entities), 2);
    assert_eq!(missing(&opened, Requirement::Countries), 2);

    // An invitation: mailed to the invited organisation's members; they see it alone.
    let invite = |who: Invitee, role| service::invite(&hub.db, &alice, &id, who, role, "Clinical cohorts", &compose);
    invite(Invitee::Organisation(leuven.slug.clone()), PartnerRole::Beneficiary).await.expect("invited");
    let bob_email = bob.user.as_ref().expect("bob").email.clone();
    assert_eq!(mails_to(&hub, &bob_email).await, ["[en] invited KU Leuven RESIST"]);
    let invited = view(&hub, &bob, &id).await;
    assert!(!invited.full && !invited.can_manage && invited.eligibility.is_none());
    assert_eq!(invited.consortium.partners.len(), 1, "only its own invitation");
    assert_eq!(invited.consortium.partners[0].state, PartnerState::Invited);
    let leuven_key = key_of(&invited, "KU Leuven");
    let amc_key = amc.id.clone();
    assert!(service::update(&hub.db, &bob, &id, &amc_key, None, "x").await.is_err(), "an invitee changes nothing");
    assert_eq!(service::list(&hub.db, &bob).await.expect("list").len(), 1);

    // Nobody else: the workspace does not exist for them, admins and partners included.
    for outsider in [&stranger, &admin, &partner] {
        assert!(matches!(service::find(&hub.db, outsider, &id).await, Err(ServiceError::NotFound(_))));
        assert!(service::list(&hub.db, outsider).await.expect("list").is_empty());
        let change = service::invite(
            &hub.db,
            outsider,
            &id,
            Invitee::Organisation(amc.slug.clone()),
            PartnerRole::Beneficiary,
            "",
            &compose,
        )
        .await;
        assert!(matches!(change, Err(ServiceError::NotFound(_))), "{change:?}");
    }
    assert!(matches!(service::find(&hub.db, &hub.visitor(), &id).await, Err(ServiceError::Denied(_))));

    // An organisation without members: its invitation waits for an admin, who records its answer.
    invite(Invitee::Organisation(silent.slug.clone()), PartnerRole::Beneficiary).await.expect("invited");
    let waiting = view(&hub, &alice, &id).await;
    assert_eq!(waiting.queued, std::slice::from_ref(&silent.id));
    let queue = service::queue(&hub.db, &admin).await.expect("the queue");
    assert_eq!(queue.iter().map(|q| q.organisation.name.as_str()).collect::<Vec<_>>(), ["Stichting Zonder Leden"]);
    assert!(service::queue(&hub.db, &alice).await.is_err(), "the queue is the admins'");
    let not_queued = service::answer_for(&hub.db, &admin, &id, &leuven.id, true, &compose).await;
    assert!(matches!(not_queued, Err(ServiceError::NotFound(_))), "KU Leuven's members answer for it");
    service::answer_for(&hub.db, &admin, &id, &silent.id, true, &compose).await.expect("recorded");
    assert!(service::queue(&hub.db, &admin).await.expect("the queue").is_empty());

    // Bob accepts: the manager's members are told, and he sees the whole workspace.
    service::answer(&hub.db, &bob, &id, &leuven_key, true, &compose).await.expect("accepted");
    let alice_email = alice.user.as_ref().expect("alice").email.clone();
    assert!(mails_to(&hub, &alice_email).await.contains(&"[en] accepted KU Leuven RESIST".to_owned()));
    let joined = view(&hub, &bob, &id).await;
    assert!(joined.full && !joined.can_manage);
    assert_eq!(joined.own, std::slice::from_ref(&leuven_key));
    assert_eq!(missing(&joined, Requirement::Entities), 1);
    let not_counted = &joined.eligibility.as_ref().expect("rules").check.not_counted;
    assert_eq!(not_counted, &[("Stichting Zonder Leden".to_owned(), NotCounted::NoCountry)]);
    service::update(&hub.db, &bob, &id, &leuven_key, None, "Biobank and AMR cohorts").await.expect("statement");
    let promote = service::update(&hub.db, &bob, &id, &leuven_key, Some(PartnerRole::Coordinator), "").await;
    assert!(matches!(promote, Err(ServiceError::Denied(_))), "roles are the manager's to set: {promote:?}");
    assert!(service::update(&hub.db, &bob, &id, &amc_key, None, "x").await.is_err(), "not his partner");

    // Suggestions from AMC's EU projects: the partner abroad first, with its reason.
    let folder = tempfile::tempdir().expect("a folder");
    let path = folder.path().join("cordis.jsonl");
    let partners = vec![
        participant("coordinator", AMC_PIC, "ACADEMISCH MEDISCH CENTRUM", "Amsterdam", "NL", None),
        participant("participant", "905000002", "CHARITE UNIVERSITAETSMEDIZIN BERLIN", "Berlin", "DE", None),
        participant("participant", "905000003", "ZIEKENHUIS VOORBEELD", "Utrecht", "NL", None),
    ];
    let line = project("101900001", "AMR-CARE", "Antimicrobial resistance care", "amr", partners);
    std::fs::write(&path, line + "\n").expect("a CORDIS file");
    let (code, _, stderr) = import(&hub, &path);
    assert_eq!(code, Some(0), "{stderr}");
    let audit = AuditEvent::by(None, "participant.linked", "test", String::new(), "test");
    assert!(hub.db.link_legal_entity(AMC_PIC, Some(&amc.id), audit).await.expect("linked"));
    let suggested = service::suggestions(&hub.db, &view(&hub, &alice, &id).await, 8).await.expect("suggestions");
    assert_eq!(suggested.len(), 2, "{suggested:?}");
    assert_eq!(suggested[0].name, "CHARITE UNIVERSITAETSMEDIZIN BERLIN");
    assert_eq!(suggested[0].country.as_deref(), Some("DE"));
    assert!(suggested[0].fills_country && !suggested[1].fills_country);
    assert_eq!((suggested[0].via.as_str(), suggested[0].project.0.as_str()), ("Amsterdam UMC", "AMR-CARE"));

    // A partner outside the directory, listed by the manager: the rules are met.
    let external = Invitee::External { name: "Charité Berlin".into(), country: "de".into() };
    invite(external, PartnerRole::Beneficiary).await.expect("listed");
    let eligible = view(&hub, &alice, &id).await;
    assert!(eligible.eligibility.as_ref().expect("rules").check.eligible(), "{:?}", eligible.eligibility);
    assert_eq!(eligible.countries.get(&key_of(&eligible, "Charité Berlin")).map(String::as_str), Some("DE"));
    let after = service::suggestions(&hub.db, &eligible, 8).await.expect("suggestions");
    assert!(after.iter().all(|s| !s.fills_country), "no country is missing any more");

    // Refused: a second coordinator, the same organisation twice, a bad country, the manager leaving.
    let Err(ServiceError::Invalid(errors)) =
        invite(Invitee::Organisation(leuven.slug.clone()), PartnerRole::Coordinator).await
    else {
        panic!("refused")
    };
    assert_eq!(errors.iter().map(|e| e.field).collect::<Vec<_>>(), ["role", "organisation"]);
    let bad =
        invite(Invitee::External { name: "Somewhere".into(), country: "Germany".into() }, PartnerRole::Beneficiary)
            .await;
    assert!(matches!(bad, Err(ServiceError::Invalid(e)) if e[0].field == "country"));
    assert!(matches!(service::remove(&hub.db, &alice, &id, &amc_key).await, Err(ServiceError::Invalid(_))));
    assert_eq!(view(&hub, &alice, &id).await.consortium.partners.len(), 4, "nothing half-saved");

    // Partners set stricter rules for RIA; members may not.
    let stricter = lshub_domain::consortium::eligibility::EligibilityRules { min_entities: 5, ..HORIZON_COLLABORATIVE };
    assert!(service::set_rules(&hub.db, &alice, "RIA", Some(stricter)).await.is_err());
    let impossible = lshub_domain::consortium::eligibility::EligibilityRules { min_countries: 9, ..stricter };
    assert!(matches!(
        service::set_rules(&hub.db, &partner, "RIA", Some(impossible)).await,
        Err(ServiceError::Invalid(_))
    ));
    service::set_rules(&hub.db, &partner, "RIA", Some(stricter)).await.expect("set");
    let strict = view(&hub, &alice, &id).await;
    assert_eq!(strict.eligibility.as_ref().map(|e| e.source), Some(RulesSource::Set));
    assert_eq!(missing(&strict, Requirement::Entities), 2);
    service::set_rules(&hub.db, &partner, "RIA", None).await.expect("removed");
    assert!(view(&hub, &alice, &id).await.eligibility.expect("rules").check.eligible());

    // Bob withdraws KU Leuven: the workspace no longer exists for him.
    service::remove(&hub.db, &bob, &id, &leuven_key).await.expect("withdrawn");
    assert!(matches!(service::find(&hub.db, &bob, &id).await, Err(ServiceError::NotFound(_))));
}

async fn a_workspace_is_opened_through_the_api_and_its_partners_exported_for_its_members_only(app: &TestApp) {
    let today = Utc::now().date_naive();
    let db = lshub_storage::Database::connect(&app.database_url).await.expect("database");
    let open = db
        .all_calls(lshub_domain::CallSort::Deadline)
        .await
        .expect("calls")
        .into_iter()
        .find(|c| c.content.status_on(today) != CallStatus::Closed)
        .expect("a call that is not closed");
    db.close().await;
    let run = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("time").as_nanos();
    let mut admin = Browser::at(app, 293);
    let admin_email = format!("admin.{run}@consortia.example");
    admin.sign_up("Consortium Admin", &admin_email, PASSWORD).await;
    crate::browser::grant(app, &admin_email, "admin");
    let organisation = "pantarhei-bioscience-netherlands";
    let mut manager = crate::authorization_matrix::staff(
        app,
        &mut admin,
        294,
        &format!("m.{run}@consortia.example"),
        organisation,
        "member",
    )
    .await;
    let body =
        serde_json::json!({ "call": open.content.topic_id, "organisation": organisation, "acronym": "API-TEST" });
    let (status, created) = manager.api(reqwest::Method::POST, "/api/v1/consortia", &body).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().expect("an id").to_owned();
    assert_eq!(created["partners"][0]["role"], "coordinator");
    let external = serde_json::json!({ "name": "Université de Test", "country": "FR", "statement": "Imaging, \"AI\"" });
    let (status, _) = manager.api(reqwest::Method::POST, &format!("/api/v1/consortia/{id}/partners"), &external).await;
    assert_eq!(status, 201);
    let csv = manager.get(&format!("/consortia/{id}/partners.csv")).await;
    assert_eq!(csv.status, 200);
    let mut lines = csv.body.lines();
    assert_eq!(lines.next(), Some("name,country,role,state,statement,directory,answered"));
    assert!(csv.body.contains("Université de Test,FR,beneficiary,accepted,\"Imaging, \"\"AI\"\"\""), "{}", csv.body);
    let page = manager.get(&format!("/consortia/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Université de Test"));

    let mut stranger = Browser::at(app, 295);
    stranger.sign_up("Stranger", &format!("s.{run}@consortia.example"), PASSWORD).await;
    for path in [format!("/consortia/{id}"), format!("/consortia/{id}/partners.csv"), format!("/api/v1/consortia/{id}")]
    {
        assert_eq!(stranger.get(&path).await.status, 404, "{path}");
        assert_eq!(admin.get(&path).await.status, 404, "{path}: an admin sees no workspace");
    }
    let visitor = Browser::at(app, 296).get(&format!("/consortia/{id}")).await;
    assert_eq!(visitor.status, 303, "a visitor is asked to sign in");
}
