//! `lshub import dcat` as a catalogue's maintainer runs it: a hub's own export imports into
//! an empty hub as the same graph, in each syntax, from a file or a web address, and again
//! without change; a catalogue with one bad dataset or broken RDF imports nothing; what the
//! hub has no field for is kept and given back.

use std::path::Path;

use axum::routing::get;
use chrono::Utc;
use lshub_dcat::{catalogue_graph, write, CatalogueInfo, Graph, RdfSyntax};
use lshub_domain::content::{State, Written};
use lshub_domain::dataset::{terms, Dataset, DatasetDraft};
use lshub_service::content::{self as service, Lifetime};
use oxrdf::graph::CanonicalizationAlgorithm;

use crate::builders::{per_backend_hub, Hub};
use crate::support::{lshub_command, CONTACT_EMAIL, PUBLIC_URL};

per_backend_hub!(
    an_exported_catalogue_imports_into_an_empty_hub_as_the_same_graph,
    a_refused_dataset_or_broken_rdf_imports_nothing,
    statements_the_hub_has_no_field_for_are_kept,
    the_data_use_ontology_imports_and_imports_again_without_change,
    mapping_sets_give_codes_their_labels,
);

const HOLDER: &str = "Lung Imaging Holder";

fn draft(title: &str, code: &str, distributions: usize) -> DatasetDraft {
    DatasetDraft {
        title_en: title.into(),
        title_nl: format!("{title} (NL)"),
        description_en: "CT scans of **1,200** patients.".into(),
        keywords_en: "lung cancer, imaging".into(),
        keywords_nl: "longkanker".into(),
        contact_point: "data@holder.example".into(),
        themes: "HEAL, TECH".into(),
        access_rights: "RESTRICTED".into(),
        legal_basis: "Consent".into(),
        coding_systems: "ICD-10, https://example.org/own-codes".into(),
        code_values: code.into(),
        population_coverage: "Adults treated in Amsterdam".into(),
        min_typical_age: "18".into(),
        max_typical_age: "90".into(),
        number_of_records: "4800".into(),
        number_of_unique_individuals: "1200".into(),
        temporal_start: "2015-01-01".into(),
        temporal_end: "2024-12-31".into(),
        spatial: "Amsterdam".into(),
        retention_until: "2040-12-31".into(),
        access_body: "Access body".into(),
        access_body_email: "access@body.example".into(),
        access_body_website: "https://body.example".into(),
        distributions: (1..=distributions)
            .map(|n| format!("Part {n} | CSV | https://holder.example/{n} | https://creativecommons.org/licenses/by/4.0/ | {n}000"))
            .collect::<Vec<_>>()
            .join("\n"),
        quality_annotations: "Checked twice\nChecked again".into(),
        duo: "DUO:0000042, DUO:0000007".into(),
        ..DatasetDraft::default()
    }
}

/// The hub's catalogue as its `/catalogue.*` pages give it.
async fn catalogue(hub: &Hub) -> Graph {
    let datasets = hub.db.listed_items::<Dataset>(Utc::now().date_naive()).await.expect("datasets");
    let info = CatalogueInfo { base_url: PUBLIC_URL, region: "Amsterdam", contact_email: Some(CONTACT_EMAIL) };
    catalogue_graph(&info, &datasets).expect("the catalogue")
}

fn canonical(mut graph: Graph) -> Graph {
    graph.canonicalize(CanonicalizationAlgorithm::Unstable);
    graph
}

fn import(hub: &Hub, source: &str, more: &[&str]) -> (i32, String, String) {
    run_import(&hub.url, source, more)
}

fn run_import(database_url: &str, source: &str, more: &[&str]) -> (i32, String, String) {
    let output = lshub_command()
        .args(["--database", database_url, "import", "dcat", source])
        .args(more)
        .output()
        .expect("run lshub");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

async fn datasets_in(hub: &Hub) -> usize {
    hub.db.all_items::<Dataset>().await.expect("datasets").len()
}

fn save(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("the file written");
    path.to_string_lossy().into_owned()
}

async fn an_exported_catalogue_imports_into_an_empty_hub_as_the_same_graph(hub: Hub) {
    let holder = hub.organisation(HOLDER).await;
    let member = hub.member_of(&holder).await;
    hub.item::<Dataset>(
        &member,
        &holder,
        draft("Lung cancer imaging cohort", "ICD10WHO:C34", 12),
        State::Published,
        None,
    )
    .await;
    hub.item::<Dataset>(&member, &holder, draft("Blood donor cohort", "MONDO:0005061", 1), State::Published, None)
        .await;
    hub.item::<Dataset>(&member, &holder, draft("Not yet published", "MONDO:0005061", 1), State::Draft, None).await;
    let exported = canonical(catalogue(&hub).await);
    let dir = tempfile::tempdir().expect("a folder");

    for syntax in RdfSyntax::ALL {
        let empty = Hub::new(hub.backend).await.expect("a second hub");
        empty.organisation(HOLDER).await;
        let file =
            save(dir.path(), &format!("catalogue.{}", syntax.extension()), &write(&exported, syntax).expect("written"));
        let (code, out, err) = import(&empty, &file, &[]);
        assert_eq!(code, 0, "{syntax:?}: {out}{err}");
        assert!(out.contains("2 inserted, 0 updated, 0 unchanged, 0 rejected"), "{syntax:?}: {out}");
        assert_eq!(canonical(catalogue(&empty).await), exported, "{syntax:?}: the round trip changes nothing");

        let (code, out, err) = import(&empty, &file, &[]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("0 inserted, 0 updated, 2 unchanged"), "importing again changes nothing: {out}");
        assert_eq!(datasets_in(&empty).await, 2);
    }

    // From a web address, as a FAIR Data Point answers: the syntax comes from Content-Type.
    let turtle = write(&exported, RdfSyntax::Turtle).expect("Turtle");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let address = listener.local_addr().expect("its address");
    let app = axum::Router::new()
        .route("/fdp", get(move || async move { ([("content-type", "text/turtle; charset=utf-8")], turtle) }));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let empty = Hub::new(hub.backend).await.expect("a third hub");
    empty.organisation(HOLDER).await;
    let (url, database_url) = (format!("http://{address}/fdp"), empty.url.clone());
    // The import waits for the server, which runs on this test's runtime.
    let (code, out, err) =
        tokio::task::spawn_blocking(move || run_import(&database_url, &url, &[])).await.expect("the import ran");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("2 inserted"), "{out}");
    assert_eq!(canonical(catalogue(&empty).await), exported, "from a web address too");
}

async fn a_refused_dataset_or_broken_rdf_imports_nothing(hub: Hub) {
    let holder = hub.organisation(HOLDER).await;
    let member = hub.member_of(&holder).await;
    hub.item::<Dataset>(
        &member,
        &holder,
        draft("Lung cancer imaging cohort", "ICD10WHO:C34", 1),
        State::Published,
        None,
    )
    .await;
    let exported = write(&catalogue(&hub).await, RdfSyntax::Turtle).expect("Turtle");
    let dir = tempfile::tempdir().expect("a folder");
    let empty = Hub::new(hub.backend).await.expect("a second hub");
    empty.organisation(HOLDER).await;

    let broken = save(dir.path(), "broken.ttl", &exported[..exported.len() / 2]);
    let (code, _, err) = import(&empty, &broken, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("not valid text/turtle"), "{err}");

    // A second dataset without a title: neither is imported, and the refusal names it.
    let mut with_bad = String::from_utf8(exported.clone()).expect("UTF-8");
    with_bad.push_str(
        "\n<https://other.example/datasets/untitled> a <http://www.w3.org/ns/dcat#Dataset> ;\n  \
         <http://purl.org/dc/terms/description> \"No title\"@en .\n",
    );
    let file = save(dir.path(), "with-bad.ttl", with_bad.as_bytes());
    let (code, _, err) = import(&empty, &file, &["--organisation", &holder.slug]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("rejected dataset <https://other.example/datasets/untitled>: title_en"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(datasets_in(&empty).await, 0, "all or nothing");

    // A DUO code the ontology does not have.
    let unknown = String::from_utf8(exported.clone()).expect("UTF-8").replace("DUO_0000042", "DUO_0000099");
    let file = save(dir.path(), "unknown-duo.ttl", unknown.as_bytes());
    let (code, _, err) = import(&empty, &file, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("duo: 'DUO:0000099' is not a term of DUO"), "{err}");
    assert_eq!(datasets_in(&empty).await, 0);

    // A publisher the directory does not know needs --organisation, which must exist.
    let stranger = with_bad.replace(&format!("/organisations/{}", holder.slug), "/organisations/somebody-else");
    let stranger = stranger[..stranger.find("\n<https://other.example").expect("the bad dataset")].to_owned();
    let file = save(dir.path(), "stranger.ttl", stranger.as_bytes());
    let (code, _, err) = import(&empty, &file, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no organisation in the directory matches its publisher"), "{err}");
    let (code, _, err) = import(&empty, &file, &["--organisation", "no-such-organisation"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no organisation has the address name \"no-such-organisation\""), "{err}");
    let (code, out, err) = import(&empty, &file, &["--organisation", &holder.slug]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 inserted"), "{out}");
}

async fn the_data_use_ontology_imports_and_imports_again_without_change(hub: Hub) {
    // The builder imported the real term table; the command finds every term unchanged.
    let file = crate::support::shared_data("duo_terms.jsonl.gz");
    let output = lshub_command()
        .args(["--database", &hub.url, "import", "duo", &file.to_string_lossy()])
        .output()
        .expect("run lshub");
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{out}{}", String::from_utf8_lossy(&output.stderr));
    assert!(out.contains("0 inserted, 0 updated, 25 unchanged, 0 rejected"), "{out}");
    let term = hub.db.term(terms::DUO, "DUO:0000042").await.expect("read").expect("general research use");
    assert_eq!((term.label.as_str(), term.shorthand.as_deref()), ("general research use", Some("GRU")));
}

async fn mapping_sets_give_codes_their_labels(hub: Hub) {
    let file = crate::support::shared_data("mondo_exactmatch_orphanet.sssom.tsv.gz");
    let run = || {
        let output = lshub_command()
            .args(["--database", &hub.url, "import", "sssom", &file.to_string_lossy()])
            .output()
            .expect("run lshub");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let first = run();
    assert!(first.contains(" 0 updated, 0 unchanged, 0 rejected"), "{first}");
    let again = run();
    assert!(again.contains(": 0 inserted, 0 updated, "), "{again}");
    let marfan = hub.db.term("Orphanet", "Orphanet:558").await.expect("read").expect("Orphanet:558");
    assert_eq!(marfan.label, "Marfan syndrome");
    assert!(hub.db.term("MONDO", "MONDO:0007947").await.expect("read").is_some(), "the MONDO side too");
}

/// A catalogue from elsewhere, with blank nodes, a foreign identifier and properties the
/// hub has no field for.
const FOREIGN: &str = r#"
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix adms: <http://www.w3.org/ns/adms#> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix healthdcatap: <http://healthdataportal.eu/ns/health#> .

<https://catalogue.example/dataset/42> a dcat:Dataset ;
    dct:identifier "DS-0042" ;
    dct:title "Biobank samples"@en, "Biobankmonsters"@de ;
    dct:description "Serum samples of 3,000 donors."@en ;
    dcat:keyword "serum"@en ;
    dcat:theme <http://publications.europa.eu/resource/authority/data-theme/HEAL> ;
    dct:accessRights <http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC> ;
    healthdcatap:hasCodeValues <http://purl.obolibrary.org/obo/MONDO_0005061> ;
    dct:conformsTo <https://catalogue.example/profile> ;
    adms:versionNotes "Second release"@en ;
    dcat:contactPoint [ a vcard:Kind ; vcard:fn "Biobank desk" ; vcard:hasEmail <mailto:desk@biobank.example> ] ;
    dct:publisher [ a foaf:Agent ; foaf:name "Biobank" ; dct:identifier "https://ror.org/00example0" ] ;
    dcat:distribution [
        a dcat:Distribution ;
        dct:title "Sample list" ;
        dct:format <http://publications.europa.eu/resource/authority/file-type/CSV> ;
        dcat:accessURL <https://catalogue.example/request/42> ;
        dcat:downloadURL <https://catalogue.example/files/42.csv> ;
        dct:license <https://creativecommons.org/publicdomain/zero/1.0/> ;
        dcat:byteSize "2048"^^xsd:nonNegativeInteger ;
        dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "2020"^^xsd:gYear ]
    ] .
"#;

async fn statements_the_hub_has_no_field_for_are_kept(hub: Hub) {
    let holder = hub.organisation(HOLDER).await;
    let dir = tempfile::tempdir().expect("a folder");
    let file = save(dir.path(), "foreign.ttl", FOREIGN.as_bytes());
    let (code, out, err) = import(&hub, &file, &["--organisation", &holder.slug]);
    assert_eq!(code, 0, "{out}{err}");

    let turtle = |graph: &Graph| String::from_utf8(write(graph, RdfSyntax::Turtle).expect("Turtle")).expect("UTF-8");
    let exported = turtle(&catalogue(&hub).await);
    let iri = "<https://catalogue.example/dataset/42>";
    for kept in [
        "\"DS-0042\"",
        "\"Biobankmonsters\"@de",
        "<https://catalogue.example/profile>",
        "\"Second release\"@en",
        "<https://catalogue.example/dataset/42#distribution-1>",
        "<https://catalogue.example/files/42.csv>",
        "\"2020\"^^xsd:gYear",
        "<http://purl.obolibrary.org/obo/MONDO_0005061>",
        "<mailto:desk@biobank.example>",
    ] {
        assert!(exported.contains(kept), "{kept} in {exported}");
    }
    assert!(exported.contains(iri), "the dataset keeps its IRI: {exported}");

    // A member's edit keeps where it came from and what was kept.
    let item = hub.db.all_items::<Dataset>().await.expect("datasets").remove(0);
    assert_eq!(item.record.code_values, vec!["MONDO:0005061"]);
    let member = hub.member_of(&holder).await;
    let mut edited = item.record.to_draft();
    edited.title_en = "Biobank serum samples".into();
    let today = Utc::now().date_naive();
    service::edit::<Dataset>(&hub.db, &member, &item.slug, item.revision, edited, Lifetime::default(), today)
        .await
        .expect("edited");
    let exported = turtle(&catalogue(&hub).await);
    assert!(
        exported.contains("\"Biobank serum samples\"@en") && exported.contains("\"Second release\"@en"),
        "{exported}"
    );

    // Importing the source again updates the dataset rather than adding one.
    let (code, out, err) = import(&hub, &file, &["--organisation", &holder.slug]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("0 inserted, 1 updated"), "{out}");
    assert_eq!(datasets_in(&hub).await, 1);
}
