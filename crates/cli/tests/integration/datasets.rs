//! Datasets, the catalogue's member-written kind, through the content kernel: a holder's
//! member describes a dataset with its DCAT-AP and HealthDCAT-AP fields, publishes it, and
//! visitors find it by access rights, through the API and by a Dutch question.

use crate::browser::{grant, Browser, PASSWORD};
use crate::news::member_of;
use crate::shacl::{self, DCAT_AP, HEALTH_RI};
use crate::support::{client, per_backend, TestApp};

per_backend!(a_holder_describes_and_publishes_a_dataset);

const HOLDER: &str = "biobanking-and-biomolecular-resources-research-infrastructure-the-netherlands";
const OTHER: &str = "spinoza-centre-for-neuroimaging";

pub(crate) fn dataset_fields<'a>(holder: &'a str, title_en: &'a str, duo: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("organisation", holder),
        ("title_en", title_en),
        (
            "description_en",
            "CT scans of 1,200 patients with **non-small-cell** lung cancer.\n\n<script>alert(1)</script>",
        ),
        ("keywords_en", "lung cancer, CT, imaging"),
        ("contact_point", "data@bbmri.example"),
        ("access_rights", "RESTRICTED"),
        ("themes", "HEAL, TECH"),
        ("coding_systems", "ICD-10"),
        ("code_values", "ICD10WHO:C34, ICD10WHO:J47"),
        ("legal_basis", "Consent"),
        ("purpose", "dpv:ScientificResearch"),
        ("access_body", "Health data access body NL"),
        ("access_body_email", "access@hdab.example"),
        ("access_body_website", "https://hdab.example"),
        ("min_typical_age", "18"),
        ("max_typical_age", "90"),
        ("number_of_records", "4800"),
        ("number_of_unique_individuals", "1200"),
        ("temporal_start", "2015-01-01"),
        ("temporal_end", "2024-12-31"),
        (
            "distributions",
            "CT images | DICOM | https://data.bbmri.example/lung | https://creativecommons.org/licenses/by/4.0/ | 2000000000",
        ),
        ("duo", duo),
    ]
}

async fn a_holder_describes_and_publishes_a_dataset(app: &TestApp) {
    let mut admin = Browser::new(app, 161);
    admin.sign_up("Catalogue Admin", "admin@datasets.example", PASSWORD).await;
    grant(app, "admin@datasets.example", "admin");
    let mut holder = member_of(app, &mut admin, 162, "holder@datasets.example", HOLDER).await;
    let mut stranger = member_of(app, &mut admin, 163, "stranger@datasets.example", OTHER).await;
    let mut visitor = Browser::new(app, 164);

    // Every refused field is named beside its field; what was written stays.
    let mut bad = dataset_fields(HOLDER, "", "DUO:42");
    bad.retain(|(name, _)| *name != "contact_point");
    bad.push(("contact_point", "javascript:alert(1)"));
    let refused = holder.submit("/datasets/new", "/datasets", &bad).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    for expected in ["f-title_en-error", "f-contact_point-error", "f-duo-error", "lung cancer, CT, imaging"] {
        assert!(refused.body.contains(expected), "{expected} in the refused form");
    }
    // Only the holder's members describe its data.
    let foreign = stranger.submit("/datasets/new", "/datasets", &dataset_fields(HOLDER, "Not ours", "")).await;
    assert_eq!(foreign.status, 403, "{}", foreign.body);

    let created = holder
        .submit(
            "/datasets/new",
            "/datasets",
            &dataset_fields(HOLDER, "Lung cancer imaging cohort", "DUO:0000042, duo:0000007"),
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let location = created.location.unwrap_or_default();
    let slug = location.strip_prefix("/datasets/").expect("the dataset's page").to_owned();
    assert_eq!(visitor.get(&location).await.status, 404, "a draft is not public");
    let published = holder.submit(&location, &format!("{location}/state"), &[("transition", "publish")]).await;
    assert_eq!(published.status, 303, "{}", published.body);

    // The page: the description as safe HTML, the facts, DUO codes and distributions linked.
    let page = visitor.get(&location).await;
    assert_eq!(page.status, 200);
    for expected in [
        "<strong>non-small-cell</strong>",
        "http://purl.obolibrary.org/obo/DUO_0000042",
        "general research use (GRU)",
        "https://icd.who.int/browse10/2019/en#/J47\" rel=\"noopener\">ICD10WHO:J47</a> — Bronchiectasis",
        "http://publications.europa.eu/resource/authority/access-right/RESTRICTED",
        r#"href="https://data.bbmri.example/lung" rel="nofollow noopener""#,
        "mailto:data@bbmri.example",
        "Restricted",
    ] {
        assert!(page.body.contains(expected), "{expected} on the page");
    }
    assert!(!page.body.contains("<script>alert"), "raw HTML is never run");
    let holder_page = visitor.get(&format!("/organisations/{HOLDER}")).await.body;
    assert!(holder_page.contains("Data held here") && holder_page.contains(&location), "the holder's page lists it");

    let (_, dutch) = app.get_text(&location, "nl").await;
    assert!(dutch.contains("Beperkt") && dutch.contains("Gebruiksbeperkingen"), "the page in Dutch");

    // Lists filter by access rights; the API the same, and refuses a filter it does not know.
    assert!(visitor.get("/datasets?access-rights=RESTRICTED").await.body.contains(&location));
    assert!(!visitor.get("/datasets?access-rights=PUBLIC").await.body.contains(&location));
    let (status, item) = app.get_json(&format!("/api/v1/datasets/{slug}")).await;
    assert_eq!(status, 200);
    assert_eq!(item["accessRights"], "RESTRICTED");
    assert_eq!(item["duo"], serde_json::json!(["DUO:0000042", "DUO:0000007"]));
    assert_eq!(item["numberOfUniqueIndividuals"], 1200);
    assert_eq!(item["distributions"][0]["format"], "DICOM");
    let (_, public) = app.get_json(&format!("/api/v1/datasets?organisation={HOLDER}&access-rights=PUBLIC")).await;
    assert_eq!(public["total"], 0);
    let (_, restricted) =
        app.get_json(&format!("/api/v1/datasets?organisation={HOLDER}&access-rights=RESTRICTED")).await;
    assert_eq!(restricted["total"], 1);
    // Visitors narrow the list by theme, coding system, ages and use restriction as well.
    let filtered = visitor.get("/datasets?theme=HEAL&coding-system=ICD-10&age=65-plus&duo=DUO:0000042").await;
    assert!(filtered.body.contains(&location), "every filter holds");
    assert!(filtered.body.contains("Older adults (65 and over)"), "the ages filter offers its bands");
    assert!(!visitor.get("/datasets?age=0-17").await.body.contains(&location), "no children in it");
    assert!(!visitor.get("/datasets?theme=HEAL&duo=DUO:0000006").await.body.contains(&location), "all filters hold");
    let (_, coded) =
        app.get_json(&format!("/api/v1/datasets?organisation={HOLDER}&coding-system=ICD-10&age=18-64")).await;
    assert_eq!(coded["total"], 1, "{coded}");
    let (status, unknown) = app.get_json("/api/v1/datasets?language=nl").await;
    assert_eq!((status, unknown["field"].as_str()), (400, Some("query")), "{unknown}");

    // The feed carries it.
    let (status, feed) = app.get_text("/feeds/datasets.atom", "en").await;
    assert_eq!(status, 200);
    assert!(feed.contains(&format!("http://hub.test/datasets/{slug}")), "{feed}");

    // Linked data: the catalogue in three syntaxes, and the page for RDF clients.
    let iri = format!("http://hub.test/datasets/{slug}");
    linked_data_is_valid_dcat_ap(app, &iri).await;
    let turtle = client()
        .get(app.url(&location))
        .header("accept", "text/turtle, text/html;q=0.5")
        .send()
        .await
        .expect("the page for an RDF client");
    assert_eq!(turtle.headers()["content-type"], "text/turtle");
    let turtle = turtle.text().await.expect("Turtle");
    assert!(turtle.contains(&format!("<{iri}> ")) && turtle.contains("a dcat:Dataset"), "{turtle}");
    assert!(!turtle.contains("dcat:Catalog"), "the page describes its dataset, not the catalogue");
    assert!(visitor.get(&location).await.body.contains("<!DOCTYPE html>"), "browsers still get the page");

    // A Dutch question finds the English description (once the index is rebuilt, every 10 s).
    assert!(
        app.search_finds("q=longkanker+beeldvorming&type=dataset", &slug).await,
        "a Dutch question finds the English dataset"
    );

    // Call pages name relevant datasets: a call on lung cancer lists this one.
    let call_page = visitor.get("/calls/HORIZON-MISS-2027-02-CANCER-02").await.body;
    assert!(
        call_page.contains("Datasets relevant to this call") && call_page.contains(&location),
        "the call's page lists the dataset"
    );

    // The API writes with the same rules.
    let invalid = serde_json::json!({"organisation": HOLDER, "titleEn": "Through the API", "descriptionEn": "x",
        "keywordsEn": ["x"], "themes": ["HEAL"], "contactPoint": "data@bbmri.example", "accessRights": "OPEN"});
    let (status, refused) = holder.api(reqwest::Method::POST, "/api/v1/datasets", &invalid).await;
    assert_eq!((status, refused["field"].as_str()), (400, Some("access_rights")), "{refused}");
    let mut valid = serde_json::json!({"organisation": HOLDER, "titleNl": "Via de API", "descriptionNl": "Een beschrijving.",
        "keywordsNl": ["bloed"], "themes": ["HEAL"], "contactPoint": "data@bbmri.example", "accessRights": "PUBLIC",
        "duo": ["DUO:0000004"], "codeValues": ["C34"], "numberOfRecords": 10,
        "distributions": [{"title": "Tabel", "format": "CSV", "accessUrl": "https://bbmri.example/data.csv",
            "licence": "https://creativecommons.org/publicdomain/zero/1.0/", "byteSize": 4096}]});
    let (status, refused) = holder.api(reqwest::Method::POST, "/api/v1/datasets", &valid).await;
    assert_eq!((status, refused["field"].as_str()), (400, Some("code_values")), "a code without its system: {refused}");
    assert!(refused["detail"].as_str().is_some_and(|d| d.contains("MONDO:")), "says what would do: {refused}");
    valid["codeValues"] = serde_json::json!(["Orphanet:558"]);
    valid["duo"] = serde_json::json!(["DUO:0000099"]);
    let (status, refused) = holder.api(reqwest::Method::POST, "/api/v1/datasets", &valid).await;
    assert_eq!(
        (status, refused["detail"].as_str()),
        (400, Some("duo: 'DUO:0000099' is not a term of DUO")),
        "{refused}"
    );
    valid["duo"] = serde_json::json!(["DUO:0000004"]);
    let (status, posted) = holder.api(reqwest::Method::POST, "/api/v1/datasets", &valid).await;
    assert_eq!(status, 201, "{posted}");
    assert_eq!((posted["state"].as_str(), posted["titleNl"].as_str()), (Some("draft"), Some("Via de API")));
    assert_eq!(posted["distributions"][0]["byteSize"], 4096);
}

/// The catalogue in each syntax conforms to the DCAT-AP 3.0.1 shapes and to the Health-RI
/// profile (the Dutch national catalogue's) with no violation.
async fn linked_data_is_valid_dcat_ap(app: &TestApp, iri: &str) {
    for (extension, media_type) in
        [("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("rdf", "application/rdf+xml")]
    {
        let response = client().get(app.url(&format!("/catalogue.{extension}"))).send().await.expect("the catalogue");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], media_type);
        let body = response.bytes().await.expect("the catalogue's bytes");
        assert!(String::from_utf8_lossy(&body).contains(iri), "the dataset in the {extension} catalogue");
        let Some(report) = shacl::validate(&body, extension, &DCAT_AP) else { return };
        eprintln!(
            "DCAT-AP 3.0.1, {extension}: {} node shapes, {} property shapes, {} violations",
            report.node_shapes, report.property_shapes, report.violations
        );
        assert!(report.node_shapes > 0 && report.property_shapes > 0, "the shapes were read");
        assert_eq!(report.violations, 0, "{:#}", report.results);
        let Some(health_ri) = shacl::validate(&body, extension, &HEALTH_RI) else { return };
        eprintln!(
            "Health-RI core v2, {extension}: {} node shapes, {} property shapes, {} violations",
            health_ri.node_shapes, health_ri.property_shapes, health_ri.violations
        );
        assert!(health_ri.node_shapes > 0 && health_ri.property_shapes > 0, "the shapes were read");
        assert_eq!(health_ri.violations, 0, "{:#}", health_ri.results);
    }
}
