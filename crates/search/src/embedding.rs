//! Sentence vectors of searchable entities: computed in batches, stored in the database
//! under the model's id and a hash of the text they came from, so that only new or changed
//! entities are encoded and every node loads them instead of computing them.

use std::collections::HashMap;

use lshub_storage::{Database, Progress, StoredVector};

use crate::semantic::fingerprint;
use crate::vocabulary::Vocabulary;
use crate::{SearchDocument, SearchError, SentenceEncoder};

/// Texts encoded at once: large enough for the matrix products to run at full speed, small
/// enough that padding to the longest text in a batch costs little (texts are sorted by
/// length first).
const BATCH: usize = 32;

/// Vectors saved per transaction, so that an interrupted run keeps most of its work.
const SAVE_EVERY: usize = 256;

/// Only the first aliases count: some organisations have dozens of labels, and the encoder
/// reads only the start of a text anyway.
const ALIASES: usize = 5;

/// The text a document's vector is computed from: name, a few other names, the name in
/// English when it is Dutch, what and where the entity is, description.
pub(crate) fn embedded_text(document: &SearchDocument) -> String {
    let mut text = document.title.clone();
    for alias in document.aliases.iter().take(ALIASES) {
        text.push_str("; ");
        text.push_str(alias);
    }
    // The encoder knows English only: "Beatrix Kinderziekenhuis" must also read as a
    // children's hospital, whether it is the name or another name.
    let names = std::iter::once(&document.title).chain(document.aliases.iter().take(ALIASES));
    for english in names.filter_map(|name| english_name(name)) {
        text.push_str("; ");
        text.push_str(&english);
    }
    // Most organisations have a name and nothing else; their kind and city are what a
    // question like "university hospital in Amsterdam" is about.
    if let Some(context) = context(document) {
        text.push_str(". ");
        text.push_str(&context);
    }
    if !document.body.is_empty() {
        text.push_str(". ");
        text.push_str(&document.body);
    }
    text
}

/// The vocabulary's English for a name with Dutch terms in it.
fn english_name(name: &str) -> Option<String> {
    let words: Vec<String> =
        name.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect();
    Vocabulary::get().translate(&words).english
}

/// "A healthcare organisation in Groningen", from the document's kind and city facets.
fn context(document: &SearchDocument) -> Option<String> {
    let facet = |name: &str| document.facets.iter().find(|(n, _)| *n == name).map(|(_, value)| value.as_str());
    let kind = facet("kind").and_then(|id| match id {
        "company" => Some("A company"),
        "healthcare" => Some("A healthcare organisation"),
        "education" => Some("A university or school"),
        "research-institute" => Some("A research institute"),
        "government" => Some("A government body"),
        "nonprofit" => Some("A nonprofit organisation"),
        "archive" => Some("An archive"),
        _ => None,
    });
    match (kind, facet("city")) {
        (Some(kind), Some(city)) => Some(format!("{kind} in {city}")),
        (Some(kind), None) => Some(kind.to_owned()),
        (None, Some(city)) => Some(format!("In {city}")),
        (None, None) => None,
    }
}

pub(crate) fn text_hash(text: &str) -> String {
    fingerprint(&[text.as_bytes()])
}

/// What [`embed_missing`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EmbeddingReport {
    /// Entities encoded now (new, or changed since their vector was stored).
    pub encoded: usize,
    /// Entities whose stored vector still fits their text.
    pub reused: usize,
}

/// Computes and stores the vectors that `documents` lack under `encoder`'s model.
pub async fn embed_missing(
    db: &Database,
    encoder: &SentenceEncoder,
    documents: &[SearchDocument],
    progress: &dyn Progress,
) -> Result<EmbeddingReport, SearchError> {
    let stored = db.vector_hashes(encoder.model_id()).await?;
    let mut missing: Vec<(&SearchDocument, String, String)> = Vec::new();
    for document in documents {
        let text = embedded_text(document);
        let hash = text_hash(&text);
        let key = (document.entity.id.to_owned(), document.key.clone());
        if stored.get(&key) != Some(&hash) {
            missing.push((document, text, hash));
        }
    }
    let report = EmbeddingReport { encoded: missing.len(), reused: documents.len() - missing.len() };
    missing.sort_by_key(|(_, text, _)| text.len());
    progress.start(missing.len() as u64);
    for group in missing.chunks(SAVE_EVERY) {
        let mut vectors = Vec::with_capacity(group.len());
        for batch in group.chunks(BATCH) {
            let texts: Vec<&str> = batch.iter().map(|(_, text, _)| text.as_str()).collect();
            for ((document, _, hash), vector) in batch.iter().zip(encoder.encode_passages(&texts)?) {
                vectors.push(StoredVector {
                    entity: document.entity.id.to_owned(),
                    key: document.key.clone(),
                    text_hash: hash.clone(),
                    vector,
                });
            }
            progress.advance(batch.len() as u64);
        }
        db.save_vectors(encoder.model_id(), &vectors).await?;
    }
    progress.finish();
    Ok(report)
}

/// The stored vectors that still fit `documents`' texts, by (entity, key).
pub async fn stored_vectors(
    db: &Database,
    model_id: &str,
    documents: &[SearchDocument],
) -> Result<HashMap<(String, String), Vec<f32>>, SearchError> {
    let wanted: HashMap<(&str, &str), String> =
        documents.iter().map(|d| ((d.entity.id, d.key.as_str()), text_hash(&embedded_text(d)))).collect();
    Ok(db
        .load_vectors(model_id)
        .await?
        .into_iter()
        .filter(|v| wanted.get(&(v.entity.as_str(), v.key.as_str())) == Some(&v.text_hash))
        .map(|v| ((v.entity, v.key), v.vector))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn organisation(name: &str, facets: Vec<(&'static str, String)>) -> SearchDocument {
        SearchDocument {
            entity: &lshub_domain::content::ORGANISATION,
            id: "x".into(),
            key: "x".into(),
            title: name.into(),
            aliases: Vec::new(),
            legal_names: Vec::new(),
            body: String::new(),
            facets,
        }
    }

    #[test]
    fn a_name_alone_gains_its_english_kind_and_city() {
        let beatrix = organisation(
            "Beatrix Kinderziekenhuis",
            vec![("kind", "healthcare".into()), ("city", "Groningen".into()), ("country", "NL".into())],
        );
        assert_eq!(
            embedded_text(&beatrix),
            "Beatrix Kinderziekenhuis; Beatrix children s hospital. A healthcare organisation in Groningen"
        );
    }

    #[test]
    fn dutch_other_names_gain_their_english_too() {
        let mut amc = organisation("Academic Medical Center", Vec::new());
        amc.aliases = vec!["Emma Kinderziekenhuis".into()];
        assert_eq!(embedded_text(&amc), "Academic Medical Center; Emma Kinderziekenhuis; Emma children s hospital");
    }

    #[test]
    fn english_names_and_unknown_kinds_add_nothing_made_up() {
        let other = organisation("Dutch Cancer Society", vec![("kind", "other".into())]);
        assert_eq!(embedded_text(&other), "Dutch Cancer Society");
        let placed = organisation("Sanquin", vec![("kind", "other".into()), ("city", "Amsterdam".into())]);
        assert_eq!(embedded_text(&placed), "Sanquin. In Amsterdam");
    }
}
