//! EU projects from CORDIS on a database of the test's own: `lshub import cordis` (counts,
//! a second import that changes nothing, bad lines rejected with line and reason), linking
//! participants (by VAT number, by name and city, by hand), legal names found by search,
//! the project, organisation and network pages and their API. (Who may link by hand is
//! the authorization matrix's.)

use lshub_domain::project::{LegalEntity, LinkMethod};
use lshub_domain::{Address, Identifiers, NewOrganisation, Organisation, OrganisationKind, OrganisationProfile};
use lshub_domain::{Pagination, SourceRef};
use lshub_storage::audit::AuditEvent;
use lshub_storage::NoProgress;
use serde_json::{json, Value};

use crate::builders::{per_backend_hub, Hub};
use crate::support::{client, lshub_command, ServerProcess};

per_backend_hub!(cordis_projects_are_imported_linked_shown_and_queried);

const ALPHA: &str = "101000001";
const BETA: &str = "101000002";
const LEIDEN_PIC: &str = "900000001";
const BANK_PIC: &str = "900000002";
const BERLIN_PIC: &str = "900000003";
const CENTRE_PIC: &str = "900000004";

pub(crate) fn participant(role: &str, pic: &str, name: &str, city: &str, country: &str, vat: Option<&str>) -> Value {
    let mut organisation = json!({
        "@type": role, "@ecContribution": "1250000.25", "@sme": "false", "@terminated": "false",
        "id": pic, "legalName": name,
        "address": { "city": city, "country": country, "geolocation": "52.15,4.48" },
        "relations": { "categories": { "category": [
            { "@classification": "organizationActivityType", "code": "/REC" } ] } }
    });
    if let Some(vat) = vat {
        organisation["vatNumber"] = json!(vat);
    }
    organisation
}

pub(crate) fn project(id: &str, acronym: &str, title: &str, keywords: &str, organisations: Vec<Value>) -> String {
    json!({
        "id": id, "acronym": acronym, "title": title, "objective": format!("{title}: what the project does."),
        "keywords": keywords, "status": "SIGNED", "startDate": "2023-01-01", "endDate": "2026-12-31",
        "totalCost": "3000000", "ecMaxContribution": "2500000.50",
        "relations": { "associations": {
            "organization": organisations,
            "programme": [{ "@type": "relatedTopic", "code": "HORIZON-HLTH-2023-DISEASE-03-01",
                            "title": "Tackling antimicrobial resistance" }],
            "call": [{ "@type": "relatedMasterCall", "identifier": "HORIZON-HLTH-2023-DISEASE-03" }] } }
    })
    .to_string()
}

/// Two good projects and three bad lines: an unknown role, an amount that is no number,
/// and JSON cut short.
fn cordis_file() -> String {
    let leiden = |role| participant(role, LEIDEN_PIC, "UNIVERSITEIT VOORBEELDSTAD", "Voorbeeldstad", "NL", None);
    let bank = |role| {
        participant(role, BANK_PIC, "STICHTING BLOEDVOORZIENING VOORBEELD", "AMSTERDAM", "NL", Some("NL001234567B01"))
    };
    let lines = [
        project(
            ALPHA,
            "ALPHA",
            "Antimicrobial resistance in hospitals",
            "antimicrobial resistance, hospitals",
            vec![
                leiden("coordinator"),
                bank("participant"),
                participant("participant", BERLIN_PIC, "FORSCHUNG BERLIN GMBH", "Berlin", "DE", None),
                participant("thirdParty", CENTRE_PIC, "ZORGCENTRUM ANDERS", "Utrecht", "NL", None),
            ],
        ),
        project(
            BETA,
            "BETA",
            "Blood donation logistics",
            "blood, logistics",
            vec![bank("coordinator"), leiden("participant")],
        ),
        project("101000003", "GAMMA", "Sponsored", "", vec![participant("sponsor", "1", "X", "Y", "NL", None)]),
        project("101000004", "DELTA", "Wrong amount", "", vec![]).replace("\"2500000.50\"", "\"1.000,00\""),
        "{\"id\": \"101000005\", \"acronym\":".to_owned(),
    ];
    lines.join("\n") + "\n"
}

async fn organisation(hub: &Hub, name: &str, city: &str, vat: Option<&str>) -> Organisation {
    let record = NewOrganisation {
        profile: OrganisationProfile {
            name: name.into(),
            aliases: vec![],
            names: Default::default(),
            descriptions: Default::default(),
            kind: OrganisationKind::ResearchInstitute,
            sectors: vec![],
            identifiers: Identifiers { vat: vat.map(str::to_owned), ..Identifiers::default() },
            addresses: vec![Address { city: Some(city.into()), country_code: Some("NL".into()), ..Address::default() }],
        },
        source: SourceRef { source: "cordis-test".into(), source_id: name.into() },
    };
    hub.db.upsert_organisations(std::slice::from_ref(&record), &NoProgress).await.expect("organisation");
    hub.db.all_organisations().await.expect("organisations").into_iter().find(|o| o.profile.name == name).expect("it")
}

/// Runs `lshub import cordis`; its exit code, standard output and standard error.
pub(crate) fn import(hub: &Hub, path: &std::path::Path) -> (Option<i32>, String, String) {
    let output = lshub_command()
        .args(["--database", &hub.url, "import", "cordis"])
        .arg(path)
        .output()
        .expect("run lshub import cordis");
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (output.status.code(), text(&output.stdout), text(&output.stderr))
}

fn entity<'a>(entities: &'a [LegalEntity], pic: &str) -> &'a LegalEntity {
    entities.iter().find(|e| e.pic == pic).expect("the legal entity")
}

async fn cordis_projects_are_imported_linked_shown_and_queried(hub: Hub) {
    let leiden = organisation(&hub, "Voorbeeldstad University", "Voorbeeldstad", None).await;
    let bank = organisation(&hub, "Example Blood Bank", "Amsterdam", Some("NL001234567B01")).await;
    let centre = organisation(&hub, "Example Care Centre", "Utrecht", None).await;
    let folder = tempfile::tempdir().expect("folder");
    let path = folder.path().join("cordis.jsonl");
    std::fs::write(&path, cordis_file()).expect("write the file");

    // The good projects are saved, each bad line is named with its reason; exit status 3.
    let (code, out, err) = import(&hub, &path);
    assert_eq!(code, Some(3), "{out}\n{err}");
    assert!(out.contains(": 2 inserted, 0 updated, 0 unchanged, 3 rejected"), "{out}");
    assert!(
        err.contains(
            "rejected record 3 (line 3): relations.associations.organization[0].@type: 'sponsor' is not coordinator, \
             participant, associatedPartner or thirdParty"
        ),
        "{err}"
    );
    assert!(
        err.contains("rejected record 4 (line 4): ecMaxContribution: '1.000,00' is not an amount in euro"),
        "{err}"
    );
    assert!(err.contains("(line 5)"), "{err}");
    assert!(
        out.contains("participants: 2 of 3 legal entities from the directory's countries linked (66.7%): 1 by VAT number, 1 by name and city, 0 by hand"),
        "{out}"
    );
    // Again: nothing changes.
    let (code, out, _) = import(&hub, &path);
    assert_eq!(code, Some(3));
    assert!(out.contains(": 0 inserted, 0 updated, 2 unchanged, 3 rejected"), "{out}");
    assert!(out.contains("links 0 added, 0 changed, 0 removed"), "{out}");

    let page = Pagination { limit: 10, offset: 0 };
    assert_eq!(hub.db.list_projects(None, page).await.expect("projects").total, 2);
    assert_eq!(hub.db.list_projects(Some("hospitals"), page).await.expect("projects").total, 1);
    let alpha = hub.db.project_by_id(ALPHA).await.expect("read").expect("ALPHA");
    assert_eq!(alpha.content.participants.len(), 4);
    assert_eq!(alpha.content.ec_max_contribution.map(|a| a.cents()), Some(250_000_050));

    // By VAT number (the organisation's own), by name and city; the rest unlinked.
    let entities = hub.db.all_legal_entities().await.expect("entities");
    assert_eq!(entity(&entities, BANK_PIC).method, Some(LinkMethod::Vat));
    assert_eq!(entity(&entities, BANK_PIC).organisation.as_deref(), Some(bank.slug.as_str()));
    assert_eq!(entity(&entities, LEIDEN_PIC).method, Some(LinkMethod::NameAndCity));
    assert_eq!(entity(&entities, LEIDEN_PIC).organisation.as_deref(), Some(leiden.slug.as_str()));
    assert_eq!(entity(&entities, CENTRE_PIC).organisation, None);
    assert_eq!(entity(&entities, BERLIN_PIC).organisation, None);

    // By hand; a new import keeps it.
    let audit = AuditEvent::by(None, "participant.linked", "pic:900000004", String::new(), "test");
    assert!(hub.db.link_legal_entity(CENTRE_PIC, Some(&centre.id), audit).await.expect("link"));
    let (_, out, _) = import(&hub, &path);
    assert!(out.contains("linked (100.0%): 1 by VAT number, 1 by name and city, 1 by hand"), "{out}");

    // The network: who worked with whom, and on what with partners from where.
    let partners = hub.db.organisation_partners(&leiden.id, None, 10).await.expect("partners");
    assert_eq!(partners[0].organisation.as_ref().map(|(slug, _)| slug.as_str()), Some(bank.slug.as_str()));
    assert_eq!(partners[0].projects, 2);
    assert_eq!(partners.len(), 3);
    let german = hub.db.organisation_partners(&leiden.id, Some("de"), 10).await.expect("partners");
    assert_eq!(german.iter().map(|p| p.legal_name.as_str()).collect::<Vec<_>>(), ["FORSCHUNG BERLIN GMBH"]);
    let found = hub.db.topic_experience(Some("antimicrobial"), Some("DE"), 10).await.expect("topic");
    let mut slugs: Vec<&str> = found.iter().map(|e| e.slug.as_str()).collect();
    slugs.sort_unstable();
    let mut expected = vec![leiden.slug.as_str(), bank.slug.as_str(), centre.slug.as_str()];
    expected.sort_unstable();
    assert_eq!(slugs, expected);
    assert!(hub.db.topic_experience(Some("blood"), Some("DE"), 10).await.expect("topic").is_empty());

    // Pages and API, in a server over this database.
    let data = tempfile::tempdir().expect("data folder");
    let server = ServerProcess::start(&hub.url, data.path(), &[]);
    let get = |path: &str, language: &'static str| {
        let url = server.url(path);
        async move {
            let response = client().get(url).header("accept-language", language).send().await.expect("request");
            (response.status().as_u16(), response.text().await.expect("body"))
        }
    };
    let (status, html) = get(&format!("/projects/{ALPHA}"), "en").await;
    assert_eq!(status, 200);
    for expected in [
        "\"@type\":\"ResearchProject\"",
        "\"@type\":\"MonetaryGrant\"",
        "\"currency\":\"EUR\",\"value\":\"2500000.50\"",
        &format!("href=\"/organisations/{}\"", leiden.slug),
        "FORSCHUNG BERLIN GMBH",
        "Participants",
    ] {
        assert!(html.contains(expected), "{expected} in the project page");
    }
    let (_, html) = get(&format!("/projects/{ALPHA}"), "nl").await;
    assert!(html.contains("Deelnemers") && html.contains("Coördinator"), "the project page in Dutch");
    let (status, _) = get("/projects/999", "en").await;
    assert_eq!(status, 404);
    let (_, html) = get(&format!("/organisations/{}", leiden.slug), "en").await;
    for expected in ["EU projects", "ALPHA", "BETA", "Most frequent partners", "Example Blood Bank"] {
        assert!(html.contains(expected), "{expected} on the organisation's page");
    }
    let (_, html) = get(&format!("/network?organisation={}&country=DE", leiden.slug), "en").await;
    assert!(html.contains("FORSCHUNG BERLIN GMBH") && !html.contains(">Example Blood Bank<"), "partners from DE");
    let (_, html) = get("/network?topic=antimicrobial&country=DE", "nl").await;
    assert!(html.contains("Example Care Centre") && html.contains("Organisaties uit de regio"), "the topic question");

    let json = |path: &str| {
        let url = server.url(path);
        async move { client().get(url).send().await.expect("request").json::<Value>().await.expect("JSON") }
    };
    let list = json("/api/v1/projects?q=blood").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], BETA);
    let detail = json(&format!("/api/v1/projects/{ALPHA}")).await;
    assert_eq!(detail["ecMaxContribution"], "2500000.50");
    assert_eq!(detail["participants"][0]["ecContribution"], "1250000.25");
    assert_eq!(detail["participants"][0]["role"], "coordinator");
    let linked = detail["participants"][0]["organisation"].as_str().expect("linked");
    assert!(linked.ends_with(&format!("/organisations/{}", leiden.slug)), "{linked}");
    let topic = json("/api/v1/network/topic?topic=antimicrobial&country=DE").await;
    assert_eq!(topic["items"].as_array().map(Vec::len), Some(3));
    let partners = json(&format!("/api/v1/network/partners?organisation={}", leiden.slug)).await;
    assert_eq!(partners["items"][0]["name"], "Example Blood Bank");
    assert_eq!(partners["items"][0]["projects"], 2);

    // A linked legal name finds its organisation: a Dutch legal name that shares no word
    // with the organisation's own name.
    let hits = json("/api/v1/search?q=STICHTING+BLOEDVOORZIENING+VOORBEELD&type=organisation").await;
    assert_eq!(hits["items"][0]["id"], bank.slug.as_str(), "{hits}");
}
