//! The index over the real organisations and calls.

// A test stops at the first expectation that fails: unwrapping is how it says so.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use lshub_search::{EntityType, MatchedField, SearchIndex, SearchRequest, Searchable};
use lshub_storage::{Database, NoProgress};

fn shared_data(file: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")).join(file)
}

async fn index() -> SearchIndex {
    let db = Database::connect("sqlite::memory:").await.expect("connect");
    db.migrate().await.expect("migrate");
    lshub_import::import_ror(&db, &shared_data("ror_nl_be.jsonl.gz"), &NoProgress).await.expect("ROR");
    lshub_import::import_eu_calls(&db, &shared_data("eu_calls_open.jsonl.gz"), &NoProgress).await.expect("calls");
    let index = SearchIndex::in_memory().expect("index");
    let organisations = db.all_organisations().await.expect("organisations");
    let calls = db.all_calls(lshub_domain::CallSort::Deadline).await.expect("calls");
    let documents = organisations.iter().map(Searchable::search_document);
    let documents = documents.chain(calls.iter().map(Searchable::search_document)).collect();
    assert_eq!(index.rebuild_from(&db, documents).await.expect("rebuild"), 2525 + 629);
    index
}

fn top_ids(index: &SearchIndex, text: &str, entity: Option<EntityType>, n: usize) -> Vec<String> {
    let hits = index.search(&SearchRequest::new(text, entity, n)).expect("search");
    hits.into_iter().map(|h| h.id).collect()
}

#[tokio::test]
async fn finds_organisations_and_calls_by_plain_words() {
    let index = index().await;
    assert_eq!(top_ids(&index, "Sanquin", Some(EntityType::ORGANISATION), 1), ["https://ror.org/01fm2fv39"]);
    assert!(top_ids(&index, "netherlands cancer institute", None, 3).contains(&"https://ror.org/03xqtf034".to_owned()));
    // A typo and a stemmed plural still find the right things.
    assert_eq!(top_ids(&index, "Sanquinn", Some(EntityType::ORGANISATION), 1), ["https://ror.org/01fm2fv39"]);
    let calls = top_ids(&index, "rare diseases partnership", Some(EntityType::CALL), 5);
    assert!(calls.contains(&"HORIZON-HLTH-2026-02-DISEASE-12".to_owned()), "{calls:?}");
    // Dutch plural "ziekenhuizen" stems like "ziekenhuis".
    let hospitals = index.search(&SearchRequest::new("ziekenhuizen amsterdam", Some(EntityType::ORGANISATION), 10));
    assert!(!hospitals.expect("search").is_empty());
}

#[tokio::test]
async fn explains_and_filters() {
    let index = index().await;
    let hits = index.search(&SearchRequest::new("Sanquin blood", None, 3)).expect("search");
    assert_eq!(hits[0].entity, EntityType::ORGANISATION);
    let name = hits[0].why.iter().find(|w| w.field == MatchedField::Name).expect("matched the name");
    assert_eq!(name.terms, ["sanquin"]);
    let other = hits[0].why.iter().find(|w| w.field == MatchedField::OtherNames).expect("matched an alias");
    assert_eq!(other.terms, ["sanquin", "blood"], "the alias is Sanquin Blood Supply Foundation");
    // Words found in a call's description, by stem, as the user typed them; a word that is
    // nowhere in the call is not claimed.
    let hits =
        index.search(&SearchRequest::new("cancers screening zzqqxx", Some(EntityType::CALL), 1)).expect("search");
    let description = hits[0].why.iter().find(|w| w.field == MatchedField::Description).expect("matched the text");
    assert!(description.terms.contains(&"cancers".to_owned()), "{:?}", hits[0].why);
    assert!(hits[0].why.iter().all(|w| !w.terms.contains(&"zzqqxx".to_owned())), "{:?}", hits[0].why);
    let mut request = SearchRequest::new("university", Some(EntityType::ORGANISATION), 100);
    request.facets.push(("country".into(), "BE".into()));
    let hits = index.search(&request).expect("search");
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h.entity == EntityType::ORGANISATION));
}

#[tokio::test]
async fn hostile_queries_are_just_words() {
    let index = index().await;
    for text in ["", "   ", "\"", ":*()", "title:sanquin AND (x", "\u{0}\u{7}", &"lung ".repeat(2000)] {
        let hits = index.search(&SearchRequest::new(text, None, 10)).expect("no error");
        assert!(hits.len() <= 10);
    }
    assert_eq!(top_ids(&index, "sanquin:\"*", Some(EntityType::ORGANISATION), 1), ["https://ror.org/01fm2fv39"]);
}

/// The model directory that the set-up installs; tests that need it say so when it is absent.
/// The model that LSHUB_MODEL_DIR names, loaded; `None` (the test skips) only outside CI.
fn model() -> Option<lshub_search::SentenceEncoder> {
    let dir = std::env::var_os("LSHUB_MODEL_DIR").map(PathBuf::from).filter(|d| d.join("model.safetensors").is_file());
    let Some(dir) = dir else {
        assert!(std::env::var_os("CI").is_none(), "CI must provide LSHUB_MODEL_DIR");
        eprintln!("skipping: LSHUB_MODEL_DIR is not set");
        return None;
    };
    Some(lshub_search::SentenceEncoder::load(&dir).expect("model loads"))
}

#[test]
fn embeddings_match_the_reference_implementation() {
    let Some(encoder) = model() else { return };
    assert_eq!(encoder.dimension(), 384);
    let vectors = encoder
        .encode(&[
            "Lung cancer screening with artificial intelligence",
            "Early detection of tumours in the lungs",
            "Funding for road infrastructure",
        ])
        .expect("encode");
    // Reference values from sentence-transformers 6.2 (PyTorch) on the same model directory.
    let reference = [0.01835, 0.08518, -0.02091, -0.03516, 0.01259, -0.05347];
    for (got, want) in vectors[0].iter().zip(reference) {
        assert!((got - want).abs() < 1e-4, "{:?} vs {reference:?}", &vectors[0][..6]);
    }
    let similar = lshub_search::cosine(&vectors[0], &vectors[1]);
    let unrelated = lshub_search::cosine(&vectors[0], &vectors[2]);
    assert!((similar - 0.6313).abs() < 1e-3 && (unrelated + 0.0382).abs() < 1e-3, "{similar} {unrelated}");
}

#[tokio::test]
async fn facets_show_in_the_why_and_rankings_say_what_they_need() {
    let index = index().await;
    let mut request = SearchRequest::new("university hospital", Some(EntityType::ORGANISATION), 5);
    request.facets.push(("country".into(), "BE".into()));
    let hits = index.search(&request).expect("search");
    assert!(!hits.is_empty());
    for hit in &hits {
        let facet = hit.why.iter().find(|w| w.field == MatchedField::Facet).expect("the filter is in the why");
        assert_eq!(facet.terms, ["country=BE"]);
    }
    request.ranking = lshub_search::Ranking::Semantic;
    assert!(matches!(index.search(&request), Err(lshub_search::SearchError::NoModel)), "no model, no meaning");
}

/// With the model: documents are found by meaning without a shared word, a vector per
/// document is kept, and fused ranking keeps exact name matches first.
#[test]
fn ranks_by_meaning_with_the_model() {
    let Some(encoder) = model().map(std::sync::Arc::new) else { return };
    let index = SearchIndex::with_encoder(Some(encoder)).expect("index");
    let document = |key: &str, title: &str, body: &str| lshub_search::SearchDocument {
        entity: &lshub_domain::content::CALL,
        id: key.into(),
        key: key.into(),
        title: title.into(),
        aliases: vec![],
        legal_names: Vec::new(),
        body: body.into(),
        facets: vec![("programme", "Horizon Europe".into())],
    };
    let documents = vec![
        document("ONCO", "Oncology trials", "Clinical trials of new medicines against malignant neoplasms."),
        document("ROADS", "Road infrastructure", "Maintenance of motorways and bridges."),
        document("TUMOUR", "Tumour boards", "Better tumour boards in hospitals."),
    ];
    assert_eq!(index.rebuild(documents).expect("rebuild"), 3);
    assert_eq!(index.vector_count(), 3);
    let hits = index.search(&SearchRequest::new("tumour", Some(EntityType::CALL), 3)).expect("search");
    let ids: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids.first(), Some(&"TUMOUR"), "the exact word first: {ids:?}");
    let onco = hits.iter().find(|h| h.id == "ONCO").expect("oncology found by meaning alone");
    assert!(onco.why.iter().all(|w| w.field == MatchedField::Meaning), "{:?}", onco.why);
    assert!(!ids.contains(&"ROADS"), "unrelated documents stay out: {ids:?}");
    let mut request = SearchRequest::new("cancer", None, 3);
    request.ranking = lshub_search::Ranking::Semantic;
    let hits = index.search(&request).expect("search");
    assert_eq!(hits.len(), 3, "semantic-only ranks everything");
    assert_ne!(hits[2].id, "ONCO", "by similarity: {hits:?}");
}

/// A query that the full-text index answers far more surely than anything else, such as a
/// name's initials with its city, keeps that answer first even when the model, which does
/// not know the initials, prefers other organisations in the city.
#[test]
fn a_dominant_name_match_stays_first_when_fused() {
    let Some(encoder) = model().map(std::sync::Arc::new) else { return };
    let index = SearchIndex::with_encoder(Some(encoder)).expect("index");
    let organisation = |key: &str, title: &str| lshub_search::SearchDocument {
        entity: &lshub_domain::content::ORGANISATION,
        id: key.into(),
        key: key.into(),
        title: title.into(),
        aliases: vec![],
        legal_names: Vec::new(),
        body: String::new(),
        facets: vec![("kind", "healthcare".into()), ("city", "Groningen".into())],
    };
    let documents = vec![
        organisation("umcg", "University Medical Center Groningen"),
        organisation("dialysis", "Dialyse Centrum Groningen"),
        organisation("midwifery", "Academie Verloskunde Amsterdam Groningen"),
        organisation("university", "University of Groningen"),
        organisation("certe", "Certe"),
    ];
    assert_eq!(index.rebuild(documents).expect("rebuild"), 5);
    let hits = index.search(&SearchRequest::new("umcg groningen", Some(EntityType::ORGANISATION), 5)).expect("search");
    let ids: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids.first(), Some(&"umcg"), "{ids:?}");
    assert!(hits.windows(2).all(|pair| pair[0].score >= pair[1].score), "scores fall: {hits:?}");
}

/// Synthetic organisations' SYNTHETIC vectors: one per organisation, the same organisations
/// as without vectors, unit length, closer to the model's vector of their own text than to
/// another's; and an index installed with them ranks by meaning.
#[test]
fn synthetic_vectors_resemble_the_models_and_install_into_an_index() {
    let Some(encoder) = model().map(std::sync::Arc::new) else { return };
    let mut synthetic = lshub_search::SyntheticVectors::new(&encoder);
    let organisations = synthetic.organisations(300, 7).expect("vectors");
    let plain: Vec<lshub_search::SearchDocument> = lshub_search::synthetic_organisations(300, 7).collect();
    assert_eq!(organisations.iter().map(|(d, _)| d.clone()).collect::<Vec<_>>(), plain);
    for (_, vector) in &organisations {
        let norm = lshub_search::cosine(vector, vector);
        assert!(vector.len() == 384 && (norm - 1.0).abs() < 1e-4, "{} {norm}", vector.len());
    }
    let (same, other) = synthetic.fidelity(64, 7).expect("fidelity");
    assert!(same > 0.6 && same > other + 0.3, "same text {same}, another's {other}");

    let index = SearchIndex::with_encoder(Some(encoder)).expect("index");
    let vectors = organisations.iter().map(|(d, v)| ((d.entity.id.to_owned(), d.key.clone()), v.clone())).collect();
    let documents: Vec<lshub_search::SearchDocument> = organisations.into_iter().map(|(d, _)| d).collect();
    assert_eq!(index.install(documents, vectors).expect("install"), 300);
    assert_eq!(index.vector_count(), 300);
    let mut request = SearchRequest::new("tumour research", Some(EntityType::ORGANISATION), 5);
    request.ranking = lshub_search::Ranking::Semantic;
    let hits = index.search(&request).expect("search");
    assert!(
        hits.iter().any(|h| h.title.contains("Oncolog")),
        "{:?}",
        hits.iter().map(|h| &h.title).collect::<Vec<_>>()
    );
}
