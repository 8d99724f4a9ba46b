use serde::Serialize;
use tantivy::Index;
use utoipa::ToSchema;

use crate::analysis::{self, DUTCH, ENGLISH};
use crate::EntityType;

/// A search as a user asks it. The text is plain words: no query syntax is interpreted,
/// so quotes, colons, stars and brackets are just characters.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    pub text: String,
    pub entity: Option<EntityType>,
    /// Facet filters, e.g. `("kind", "healthcare")`.
    pub facets: Vec<(String, String)>,
    pub limit: usize,
}

/// Only the first words of a very long query count; enough for any real question.
const MAX_WORDS: usize = 32;

impl SearchRequest {
    pub fn new(text: impl Into<String>, entity: Option<EntityType>, limit: usize) -> Self {
        Self { text: text.into(), entity, facets: Vec::new(), limit }
    }

    /// The words of the query, without punctuation and control characters.
    pub(crate) fn words(&self) -> Vec<String> {
        self.text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(MAX_WORDS)
            .map(str::to_owned)
            .collect()
    }
}

/// One result, best first, with why it was found.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SearchHit {
    #[serde(rename = "type")]
    pub entity: EntityType,
    /// A call's topic id; an organisation's ROR URL, else its slug.
    pub id: String,
    /// The key of the entity's page in the hub.
    #[serde(skip)]
    pub key: String,
    pub title: String,
    pub score: f32,
    /// Which query words matched where, e.g. `name: sanquin`.
    pub why: Vec<String>,
}

/// Which query terms (in either language) occur in which part of a document.
pub(crate) fn why(
    index: &Index,
    english_terms: &[String],
    dutch_terms: &[String],
    title: &str,
    aliases: &[String],
    body: &str,
) -> Vec<String> {
    let mut reasons = Vec::new();
    let parts = [("name", vec![title.to_owned()]), ("other names", aliases.to_vec()), ("description", vec![body.to_owned()])];
    for (part, texts) in parts {
        let mut matched: Vec<&str> = Vec::new();
        for (analyzer, terms) in [(ENGLISH, english_terms), (DUTCH, dutch_terms)] {
            let document_terms: Vec<String> = texts.iter().flat_map(|t| analysis::terms(index, analyzer, t)).collect();
            for term in terms {
                if document_terms.contains(term) && !matched.contains(&term.as_str()) {
                    matched.push(term);
                }
            }
        }
        if !matched.is_empty() {
            reasons.push(format!("{part}: {}", matched.join(", ")));
        }
    }
    if reasons.is_empty() {
        reasons.push("similar spelling or word start".to_owned());
    }
    reasons
}
