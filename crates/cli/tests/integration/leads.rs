//! Joint acquisition through its use cases, on both databases, each on a database of its
//! own: a lead's company de-duplicated on KvK number, LEI and a recognised name; its stages,
//! notes, timeline, sharing and point of contact; who sees it (nobody else, other partners
//! and admins included); the secret link to its package (works, expires, is revoked); and
//! the public counts, which hold nothing but counts.

use chrono::{Datelike, Days, Utc};
use lshub_domain::acquisition::{LeadDetails, LeadEvent, Stage};
use lshub_domain::{Identifiers, NewOrganisation, OrganisationKind, OrganisationProfile, SourceRef};
use lshub_service::acquisition::{self as service, Change, NewCompany, NewLead};
use lshub_service::{Caller, ServiceError};
use lshub_storage::NoProgress;

use crate::authorization_matrix::staff;
use crate::browser::{grant, Browser, PASSWORD};
use crate::builders::{per_backend_hub, Hub};
use crate::support::{per_backend, TestApp};

per_backend_hub!(
    a_lead_is_entered_worked_on_and_shared,
    only_those_it_is_shared_with_see_a_lead,
    a_secret_link_opens_the_package_until_it_expires_or_is_revoked,
    the_public_sees_counts_of_landed_companies_only
);

mod http {
    use super::*;
    per_backend!(the_package_is_a_page_and_a_pdf_that_a_secret_link_opens);
}

fn details(sector: &str, jobs: Option<u32>) -> LeadDetails {
    LeadDetails { sector: sector.into(), jobs, summary: "Imaging software for radiology".into() }
}

fn new_company(name: &str, kvk: Option<&str>, lei: Option<&str>) -> NewCompany {
    NewCompany::New {
        name: name.into(),
        identifiers: Identifiers { kvk: kvk.map(Into::into), lei: lei.map(Into::into), ..Identifiers::default() },
        name_match: None,
    }
}

async fn enter(hub: &Hub, by: &Caller, owner: &str, company: NewCompany) -> String {
    let new = NewLead { company, owner: owner.into(), details: details("medtech", Some(25)) };
    service::create(&hub.db, by, new).await.expect("a lead")
}

async fn organisation_count(hub: &Hub) -> usize {
    hub.db.all_organisations().await.expect("organisations").len()
}

fn today() -> chrono::NaiveDate {
    Utc::now().date_naive()
}

async fn change(hub: &Hub, by: &Caller, id: &str, change: Change) -> Result<Option<String>, ServiceError> {
    service::change(&hub.db, by, id, change, today()).await
}

async fn a_lead_is_entered_worked_on_and_shared(hub: Hub) {
    let (p1, p2) = (hub.organisation("Partner One").await, hub.organisation("Partner Two").await);
    let alice = hub.partner_of(&p1).await;
    let bob = hub.partner_of(&p2).await;
    // A company the directory knows by its KvK number.
    let known = NewOrganisation {
        profile: OrganisationProfile {
            name: "Acme Imaging".into(),
            aliases: vec![],
            names: Default::default(),
            descriptions: Default::default(),
            kind: OrganisationKind::Company,
            sectors: vec![],
            identifiers: Identifiers { kvk: Some("12345678".into()), ..Identifiers::default() },
            addresses: vec![],
        },
        source: SourceRef { source: "builder".into(), source_id: "acme".into() },
    };
    hub.db.upsert_organisations(&[known], &NoProgress).await.expect("the company");
    let before = organisation_count(&hub).await;

    // De-duplication: by KvK number, by LEI, by a name the resolver recognised.
    let by_kvk = enter(&hub, &alice, &p1.slug, new_company("ACME Imaging B.V.", Some("12345678"), None)).await;
    let lead = service::find(&hub.db, &alice, &by_kvk).await.expect("the lead");
    assert_eq!(lead.lead.company.name, "Acme Imaging", "linked to the directory's company");
    assert_eq!(organisation_count(&hub).await, before, "no twin added");
    let new = enter(&hub, &alice, &p1.slug, new_company("Brandnew Bio", None, Some("5493001KJTIIGC8Y1R12"))).await;
    assert_eq!(organisation_count(&hub).await, before + 1, "a new company is added to the directory");
    let again =
        enter(&hub, &alice, &p1.slug, new_company("Brandnew Biotech", None, Some("5493001KJTIIGC8Y1R12"))).await;
    let (first, second) =
        (service::find(&hub.db, &alice, &new).await.unwrap(), service::find(&hub.db, &alice, &again).await.unwrap());
    assert_eq!(first.lead.company.id, second.lead.company.id, "the same LEI is the same company");
    let named = NewCompany::New {
        name: "Acme Imaging Europe".into(),
        identifiers: Identifiers::default(),
        name_match: Some(lead.lead.company.slug.clone()),
    };
    let by_name = enter(&hub, &alice, &p1.slug, named).await;
    assert_eq!(service::find(&hub.db, &alice, &by_name).await.unwrap().lead.company.id, lead.lead.company.id);
    assert_eq!(organisation_count(&hub).await, before + 1);

    // Bad input is refused field by field, nothing saved.
    let bad = NewLead {
        company: new_company("", Some("123"), None),
        owner: p1.slug.clone(),
        details: details("mining", None),
    };
    let Err(ServiceError::Invalid(errors)) = service::create(&hub.db, &alice, bad).await else { panic!("refused") };
    let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
    assert_eq!(fields, ["company", "kvk", "sector"]);
    let not_theirs =
        NewLead { company: new_company("X", None, None), owner: p2.slug.clone(), details: details("other", None) };
    assert!(matches!(service::create(&hub.db, &alice, not_theirs).await, Err(ServiceError::Invalid(_))));

    // Stages: forward, never back, landing after a proposal; the year landed is today's.
    let id = by_kvk;
    assert!(matches!(change(&hub, &alice, &id, Change::Stage(Stage::Landed)).await, Err(ServiceError::Invalid(_))));
    for stage in [Stage::Contacted, Stage::Visit, Stage::Proposal] {
        change(&hub, &alice, &id, Change::Stage(stage)).await.expect("moved");
    }
    assert!(change(&hub, &alice, &id, Change::Stage(Stage::Visit)).await.is_err(), "no way back");
    change(&hub, &alice, &id, Change::Note("Visited the Science Park.".into())).await.expect("noted");
    assert!(change(&hub, &alice, &id, Change::Note("   ".into())).await.is_err());
    change(&hub, &alice, &id, Change::Stage(Stage::Landed)).await.expect("landed");
    let view = service::find(&hub.db, &alice, &id).await.unwrap();
    assert_eq!(view.lead.stage, Stage::Landed);
    assert_eq!(view.lead.landed_year, Some(today().year()));

    // Sharing and the point of contact.
    assert!(matches!(service::find(&hub.db, &bob, &id).await, Err(ServiceError::NotFound(_))));
    change(&hub, &alice, &id, Change::Share { organisation_id: p2.id.clone(), shared: true }).await.expect("shared");
    assert!(service::find(&hub.db, &bob, &id).await.is_ok(), "shared with Bob's organisation");
    let bob_id = bob.user.as_ref().unwrap().id.clone();
    change(&hub, &alice, &id, Change::Contact(Some(bob_id.clone()))).await.expect("Bob is the contact");
    change(&hub, &bob, &id, Change::Share { organisation_id: p1.id.clone(), shared: false }).await.expect("unshared");
    assert!(matches!(service::find(&hub.db, &alice, &id).await, Err(ServiceError::NotFound(_))), "Alice's no more");
    assert!(
        change(&hub, &bob, &id, Change::Share { organisation_id: p2.id.clone(), shared: false }).await.is_err(),
        "a lead stays shared with one partner at least"
    );
    let stranger = hub.stranger().await.user.unwrap().id;
    assert!(change(&hub, &bob, &id, Change::Contact(Some(stranger))).await.is_err(), "contacts are partner staff");

    // The timeline: every change, in order, with who did it.
    let view = service::find(&hub.db, &bob, &id).await.unwrap();
    let kinds: Vec<&str> = view.timeline.iter().map(|(e, _)| e.event.id()).collect();
    assert_eq!(
        kinds,
        [
            "created",
            "shared",
            "contact-changed",
            "stage-changed",
            "stage-changed",
            "stage-changed",
            "noted",
            "stage-changed",
            "shared",
            "contact-changed",
            "unshared"
        ]
    );
    let alice_name = alice.user.as_ref().unwrap().display_name.clone();
    assert!(view.timeline.iter().take(10).all(|(_, by)| by.as_deref() == Some(alice_name.as_str())));
    assert!(matches!(&view.timeline[6].0.event, LeadEvent::Noted { text } if text == "Visited the Science Park."));
    let seqs: Vec<i64> = view.timeline.iter().map(|(e, _)| e.seq).collect();
    assert_eq!(seqs, (1..=11).collect::<Vec<_>>());

    // A change made to an older version of the lead is refused, not merged.
    let stale = hub
        .db
        .save_lead(
            &id,
            view.lead.last_seq - 1,
            lshub_storage::leads::LeadChange {
                stage: view.lead.stage,
                details: &view.lead.details,
                contact_id: None,
                landed_year: view.lead.landed_year,
                shared_with: &view.lead.shared_ids(),
                events: &[LeadEvent::Noted { text: "late".into() }],
                actor_id: &bob_id,
                link: None,
                audit: lshub_storage::audit::AuditEvent::by(None, "test", "test", String::new(), "test"),
            },
        )
        .await
        .expect("answered");
    assert_eq!(stale, lshub_storage::leads::LeadSaved::Stale);
}

async fn only_those_it_is_shared_with_see_a_lead(hub: Hub) {
    let (p1, p2, p3) =
        (hub.organisation("Vis One").await, hub.organisation("Vis Two").await, hub.organisation("Vis Three").await);
    let shared = hub.partner_of(&p1).await;
    let contact = hub.partner_of(&p2).await;
    let other_partner = hub.partner_of(&p3).await;
    let member = hub.member_of(&p1).await;
    let admin = hub.admin().await;
    let id = enter(&hub, &shared, &p1.slug, new_company("Secretive Therapeutics", None, None)).await;
    change(&hub, &shared, &id, Change::Share { organisation_id: p2.id.clone(), shared: true }).await.unwrap();
    let contact_id = contact.user.as_ref().unwrap().id.clone();
    change(&hub, &shared, &id, Change::Contact(Some(contact_id))).await.unwrap();
    change(&hub, &shared, &id, Change::Share { organisation_id: p2.id.clone(), shared: false }).await.unwrap();

    let visitor = hub.visitor();
    assert!(matches!(service::find(&hub.db, &visitor, &id).await, Err(ServiceError::Denied(_))), "sign in first");
    for (party, caller, sees) in [
        ("partner it is shared with", &shared, true),
        ("point of contact", &contact, true),
        ("partner it is not shared with", &other_partner, false),
        ("member of the sharing organisation without a partner's role", &member, false),
        ("admin", &admin, false),
    ] {
        let found = service::find(&hub.db, caller, &id).await;
        assert_eq!(found.is_ok(), sees, "{party}");
        if !sees {
            assert!(matches!(found, Err(ServiceError::NotFound("lead"))), "{party}: as if it did not exist");
            let changed = change(&hub, caller, &id, Change::Note("hello".into())).await;
            assert!(matches!(changed, Err(ServiceError::NotFound("lead"))), "{party} cannot change it");
        }
        let listed = service::list(&hub.db, caller).await.map(|l| l.iter().any(|lead| lead.id == id)).unwrap_or(false);
        assert_eq!(listed, sees, "{party}: in the list");
    }
    assert!(matches!(service::list(&hub.db, &member).await, Err(ServiceError::Denied(_))), "the pipeline is partners'");
}

async fn a_secret_link_opens_the_package_until_it_expires_or_is_revoked(hub: Hub) {
    let p1 = hub.organisation("Link Partner").await;
    let alice = hub.partner_of(&p1).await;
    let id = enter(&hub, &alice, &p1.slug, new_company("Linked Devices", None, None)).await;
    let secret = change(&hub, &alice, &id, Change::MakeLink { days: 10 }).await.unwrap().expect("a secret");
    let (lead, link) = service::shared_package(&hub.db, &secret, today()).await.expect("opens");
    assert_eq!(lead.company.name, "Linked Devices");
    assert_eq!(link.expires_on, today() + Days::new(10));
    assert!(service::shared_package(&hub.db, &secret, today() + Days::new(10)).await.is_ok(), "the last day");
    let expired = service::shared_package(&hub.db, &secret, today() + Days::new(11)).await;
    assert!(matches!(expired, Err(ServiceError::NotFound(_))), "expired");
    assert!(matches!(service::shared_package(&hub.db, "guess", today()).await, Err(ServiceError::NotFound(_))));
    sqlx::any::install_default_drivers();
    let mut connection = <sqlx::AnyConnection as sqlx::Connection>::connect(&hub.url).await.expect("connect");
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT secret_digest FROM lead_links").fetch_all(&mut connection).await.expect("digests");
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], secret, "only the digest is stored");

    change(&hub, &alice, &id, Change::RevokeLink(link.id.clone())).await.expect("revoked");
    assert!(matches!(service::shared_package(&hub.db, &secret, today()).await, Err(ServiceError::NotFound(_))));
    assert!(change(&hub, &alice, &id, Change::RevokeLink(link.id)).await.is_err(), "revoked once");
    assert!(change(&hub, &alice, &id, Change::MakeLink { days: 0 }).await.is_err());
    assert!(change(&hub, &alice, &id, Change::MakeLink { days: 366 }).await.is_err());
    let default = change(&hub, &alice, &id, Change::MakeLink { days: 30 }).await.unwrap().unwrap();
    let (_, link) = service::shared_package(&hub.db, &default, today()).await.unwrap();
    assert_eq!(link.expires_on, today() + Days::new(30));
}

async fn the_public_sees_counts_of_landed_companies_only(hub: Hub) {
    let p1 = hub.organisation("Count Partner").await;
    let alice = hub.partner_of(&p1).await;
    let land = |name: &'static str, sector: &'static str, jobs: Option<u32>| {
        let (hub, alice, owner) = (&hub, &alice, p1.slug.clone());
        async move {
            let new = NewLead { company: new_company(name, None, None), owner, details: details(sector, jobs) };
            let id = service::create(&hub.db, alice, new).await.unwrap();
            for stage in [Stage::Proposal, Stage::Landed] {
                change(hub, alice, &id, Change::Stage(stage)).await.unwrap();
            }
            id
        }
    };
    land("Count One", "medtech", Some(40)).await;
    land("Count Two", "medtech", None).await;
    land("Count Three", "biotech", Some(12)).await;
    let open = enter(&hub, &alice, &p1.slug, new_company("Still Thinking", None, None)).await;
    change(&hub, &alice, &open, Change::Stage(Stage::Lost)).await.unwrap();

    let impact = service::impact(&hub.db).await.expect("counts");
    let year = today().year();
    let rows: Vec<(i32, &str, u64, u64)> =
        impact.rows.iter().map(|r| (r.year, r.sector.as_str(), r.companies, r.jobs)).collect();
    assert_eq!(rows, [(year, "biotech", 1, 12), (year, "medtech", 2, 40)]);
    assert_eq!((impact.companies, impact.jobs), (3, 52));
    let json = serde_json::to_string(&impact).unwrap();
    for secret in ["Count One", "Still Thinking", "Imaging software", &p1.profile.name] {
        assert!(!json.contains(secret), "the counts name nothing: {secret}");
    }
}

/// The text layer of a PDF, by Poppler's `pdftotext` (`scripts/test` installs it); `None`
/// where it is missing outside CI.
pub(crate) fn pdf_text(pdf: &[u8]) -> Option<String> {
    use std::io::Write;
    let child = std::process::Command::new("pdftotext")
        .args(["-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(_) if std::env::var_os("CI").is_none() => {
            eprintln!("pdftotext is missing (Debian: poppler-utils): the PDF's text is not checked");
            return None;
        }
        Err(e) => panic!("CI needs pdftotext: {e}"),
    };
    child.stdin.take().expect("stdin").write_all(pdf).expect("the PDF to pdftotext");
    let output = child.wait_with_output().expect("pdftotext");
    assert!(output.status.success(), "pdftotext read the PDF");
    Some(String::from_utf8(output.stdout).expect("text"))
}

/// The partner organisation and company of this test (used by no other test).
const PARTNER: &str = "turing-foundation";

async fn the_package_is_a_page_and_a_pdf_that_a_secret_link_opens(app: &TestApp) {
    let mut admin = Browser::at(app, 267);
    admin.sign_up("Package Admin", "admin@lead-package.example", PASSWORD).await;
    grant(app, "admin@lead-package.example", "admin");
    let page =
        admin.submit("/admin/partners", "/admin/partners", &[("organisation", PARTNER), ("partner", "yes")]).await;
    assert_eq!(page.status, 303);
    let mut partner = staff(app, &mut admin, 268, "staff@lead-package.example", PARTNER, "partner").await;

    // The form, without JavaScript: a name the resolver recognises links the directory's company.
    let fields = [
        ("owner", PARTNER),
        ("company", "Merck (Netherlands)"),
        ("sector", "pharma"),
        ("jobs", "120"),
        ("summary", "Oncology research and clinical trials"),
    ];
    let created = partner.submit("/leads/new", "/leads", &fields).await;
    assert_eq!(created.status, 303, "{}", created.body);
    let lead = created.location.expect("the lead's page");
    let id = lead.trim_start_matches("/leads/").to_owned();
    let (_, wire) = partner.api(reqwest::Method::GET, &format!("/api/v1/leads/{id}"), &serde_json::json!({})).await;
    assert_eq!(wire["company"]["name"], "Merck (Netherlands)", "linked, not added: {wire}");
    let refused = partner.submit("/leads/new", "/leads", &[("owner", PARTNER), ("company", ""), ("sector", "x")]).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("aria-invalid=\"true\""), "each refused field is marked");

    for (language, heading, none) in [
        ("en", "Soft-landing package for", "does not list talent programmes"),
        ("nl", "Soft-landingpakket voor", "nog geen talentprogramma"),
    ] {
        partner.get(&format!("/language/{language}")).await;
        let page = partner.get(&format!("{lead}/package")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains(heading) && page.body.contains(none), "{language}: {}", page.body);
        assert_eq!(partner.get(&lead).await.status, 200);
    }
    partner.get("/language/en").await;

    // A link for the company: shown once, opens the page and the PDF without an account.
    let made = partner.submit(&lead, &format!("{lead}/changes"), &[("change", "make-link"), ("days", "14")]).await;
    assert_eq!(made.status, 200);
    let start = made.body.find("/soft-landing?key=").expect("the link on the page");
    let link: String = made.body[start..].chars().take_while(|c| *c != '<').collect();
    let pdf_link = link.replacen("/soft-landing", "/soft-landing/package.pdf", 1);
    let mut company = Browser::at(app, 269);
    let page = company.get(&link).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Merck (Netherlands)"));
    assert!(!page.body.contains("Oncology research"), "the partners' summary stays theirs");
    assert_eq!(page.headers["cache-control"], "private, no-store");
    assert_eq!(page.headers["referrer-policy"], "no-referrer");
    let pdf = company.request(reqwest::Method::GET, &pdf_link).await.send().await.expect("PDF");
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.expect("bytes");
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    if let Some(text) = pdf_text(&bytes) {
        assert!(text.contains("Soft-landing package for Merck (Netherlands)"), "{text}");
        assert!(text.contains("Your contacts"), "{text}");
    }

    // Revoked, the link is gone for good.
    let (_, detail) = partner.api(reqwest::Method::GET, &format!("/api/v1/leads/{id}"), &serde_json::json!({})).await;
    let link_id = detail["timeline"]
        .as_array()
        .and_then(|events| events.iter().find(|e| e["type"] == "link-made"))
        .map(|e| e["details"]["linkId"].as_str().expect("its id").to_owned())
        .expect("the link in the timeline");
    let revoke = serde_json::json!({"change": "revoke-link", "link": link_id});
    let (status, _) = partner.api(reqwest::Method::POST, &format!("/api/v1/leads/{id}/changes"), &revoke).await;
    assert_eq!(status, 200);
    assert_eq!(company.get(&link).await.status, 404);
    assert_eq!(company.get(&pdf_link).await.status, 404);
    assert_eq!(company.get("/soft-landing").await.status, 404, "no key, no package");

    // The public counts: a page in both languages and the API, with counts only.
    for (language, title) in [("en", "Companies landed"), ("nl", "Gelande bedrijven")] {
        let (status, body) = app.get_text("/impact", language).await;
        assert_eq!(status, 200);
        assert!(body.contains(title) && !body.contains("Merck"), "{language}");
    }
    let (status, counts) = app.get_json("/api/v1/leads/impact").await;
    assert_eq!(status, 200);
    assert!(counts["companies"].is_u64() && counts["rows"].is_array(), "{counts}");
}
