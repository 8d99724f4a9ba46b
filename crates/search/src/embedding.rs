//! Sentence vectors of searchable entities: computed in batches, stored in the database
//! under the model's id and a hash of the text they came from, so that only new or changed
//! entities are encoded and every node loads them instead of computing them.

use std::collections::HashMap;

use lshub_storage::{Database, Progress, StoredVector};

use crate::semantic::fingerprint;
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

/// The text a document's vector is computed from: name, a few other names, description.
pub(crate) fn embedded_text(document: &SearchDocument) -> String {
    let mut text = document.title.clone();
    for alias in document.aliases.iter().take(ALIASES) {
        text.push_str("; ");
        text.push_str(alias);
    }
    if !document.body.is_empty() {
        text.push_str(". ");
        text.push_str(&document.body);
    }
    text
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
        let key = (document.entity.id().to_owned(), document.key.clone());
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
                    entity: document.entity.id().to_owned(),
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
        documents.iter().map(|d| ((d.entity.id(), d.key.as_str()), text_hash(&embedded_text(d)))).collect();
    Ok(db
        .load_vectors(model_id)
        .await?
        .into_iter()
        .filter(|v| wanted.get(&(v.entity.as_str(), v.key.as_str())) == Some(&v.text_hash))
        .map(|v| ((v.entity, v.key), v.vector))
        .collect())
}
