use chrono::NaiveDate;
use lshub_domain::CallStatus;
use serde::Serialize;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, Searcher, Term};
use utoipa::ToSchema;

use crate::analysis::{self, DUTCH, ENGLISH};
use crate::index::Fields;
use crate::EntityType;

/// A search as a user asks it. The text is plain words: no query syntax is interpreted,
/// so quotes, colons, stars and brackets are just characters.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    pub text: String,
    pub entity: Option<EntityType>,
    /// Facet filters, e.g. `("kind", "healthcare")`.
    pub facets: Vec<(String, String)>,
    /// Only calls with this status on this day (the region's date): a status is no stored
    /// facet, since it changes with the date alone.
    pub call_status: Option<(CallStatus, NaiveDate)>,
    pub limit: usize,
    pub ranking: Ranking,
    /// Whether the Dutch-English vocabulary expands the query (on by default; off to
    /// measure what it adds).
    pub cross_language: bool,
}

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ranking {
    /// By the full-text index alone.
    Lexical,
    /// By similarity of meaning alone (needs a model).
    Semantic,
    /// Both, fused; lexical alone when there is no model.
    Fused(Fusion),
}

/// The parameters of reciprocal rank fusion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fusion {
    /// How slowly a ranking's contribution falls with rank (60 in the original paper).
    pub k: f32,
    /// The semantic ranking's weight against the lexical one's 1.
    pub semantic_weight: f32,
    /// Documents less similar than this are not semantic candidates, so that a query with
    /// no real match does not return the least unrelated documents.
    pub min_similarity: f32,
}

impl Fusion {
    /// Chosen on the tuning half of the evaluation set (`lshub eval --tune`).
    pub const TUNED: Fusion = Fusion { k: 5.0, semantic_weight: 1.0, min_similarity: 0.3 };
}

impl Default for Ranking {
    fn default() -> Self {
        Ranking::Fused(Fusion::TUNED)
    }
}

/// Only the first words of a very long query count; enough for any real question.
const MAX_WORDS: usize = 32;

impl SearchRequest {
    pub fn new(text: impl Into<String>, entity: Option<EntityType>, limit: usize) -> Self {
        Self {
            text: text.into(),
            entity,
            facets: Vec::new(),
            call_status: None,
            limit,
            ranking: Ranking::default(),
            cross_language: true,
        }
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
    /// Which query words matched where.
    pub why: Vec<MatchReason>,
    /// A passage of the description around the matched words, in parts, the matched ones
    /// marked; empty when the description did not match.
    pub snippet: Vec<SnippetPart>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SnippetPart {
    pub text: String,
    pub highlighted: bool,
}

impl SnippetPart {
    /// Splits a snippet's fragment at its highlighted ranges.
    pub(crate) fn split(fragment: &str, highlighted: &[std::ops::Range<usize>]) -> Vec<SnippetPart> {
        let mut parts = Vec::new();
        let mut at = 0;
        for range in highlighted {
            let (Some(before), Some(marked)) = (fragment.get(at..range.start), fragment.get(range.clone())) else {
                continue;
            };
            if !before.is_empty() {
                parts.push(SnippetPart { text: before.to_owned(), highlighted: false });
            }
            parts.push(SnippetPart { text: marked.to_owned(), highlighted: true });
            at = range.end;
        }
        if let Some(rest) = fragment.get(at..).filter(|r| !r.is_empty()) {
            parts.push(SnippetPart { text: rest.to_owned(), highlighted: false });
        }
        parts
    }
}

/// Where in a document query words matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum MatchedField {
    Name,
    OtherNames,
    Description,
    /// The city an organisation is in.
    Place,
    /// Matched only through typo tolerance or as the start of a word.
    SimilarSpelling,
    /// Close in meaning to the query (sentence embeddings); see `similarity`.
    Meaning,
    /// Matched through the Dutch-English vocabulary; the terms say which translation.
    Translation,
    /// A filter the result satisfies, as `name=value`.
    Facet,
}

impl MatchedField {
    pub fn id(self) -> &'static str {
        match self {
            MatchedField::Name => "name",
            MatchedField::OtherNames => "other-names",
            MatchedField::Description => "description",
            MatchedField::Place => "place",
            MatchedField::SimilarSpelling => "similar-spelling",
            MatchedField::Meaning => "meaning",
            MatchedField::Translation => "translation",
            MatchedField::Facet => "facet",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MatchReason {
    pub field: MatchedField,
    /// The query's words that matched, lower-cased.
    pub terms: Vec<String>,
    /// For `meaning`: the cosine similarity of query and result, -1 to 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f32>,
}

impl MatchReason {
    pub fn new(field: MatchedField, terms: Vec<String>) -> Self {
        Self { field, terms, similarity: None }
    }
}

/// Which of the query's words occur (as the same stem, in either language) in which part
/// of the document at `address`. Words are reported as the user typed them, not as stems.
/// The answer comes from the index's postings, which hold each field under both analysers,
/// so a long description is not analysed again for every hit.
pub(crate) fn why(
    searcher: &Searcher,
    fields: &Fields,
    address: DocAddress,
    words: &[String],
) -> tantivy::Result<Vec<MatchReason>> {
    let index = searcher.index();
    let segment = searcher.segment_reader(address.segment_ord);
    let holds = |field: Field, term: &str| -> tantivy::Result<bool> {
        let postings = segment.inverted_index(field)?;
        let Some(mut docs) = postings.read_postings(&Term::from_field_text(field, term), IndexRecordOption::Basic)?
        else {
            return Ok(false);
        };
        // A doc set only moves forward: already past the document means it is not there.
        Ok(docs.doc() <= address.doc_id && docs.seek(address.doc_id) == address.doc_id)
    };
    let mut reasons = Vec::new();
    let parts = [
        (MatchedField::Name, fields.english.title, fields.dutch.title),
        (MatchedField::OtherNames, fields.english.aliases, fields.dutch.aliases),
        (MatchedField::Description, fields.english.body, fields.dutch.body),
        (MatchedField::Place, fields.english.place, fields.dutch.place),
    ];
    for (part, english_field, dutch_field) in parts {
        let mut matched: Vec<String> = Vec::new();
        for (analyzer, field) in [(ENGLISH, english_field), (DUTCH, dutch_field)] {
            for word in words {
                let typed = word.to_lowercase();
                if matched.contains(&typed) {
                    continue;
                }
                for term in analysis::terms(index, analyzer, word) {
                    if holds(field, &term)? {
                        matched.push(typed);
                        break;
                    }
                }
            }
        }
        if !matched.is_empty() {
            reasons.push(MatchReason::new(part, matched));
        }
    }
    if reasons.is_empty() {
        reasons.push(MatchReason::new(MatchedField::SimilarSpelling, Vec::new()));
    }
    Ok(reasons)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_split_at_highlights() {
        let parts = SnippetPart::split("early lung cancer detection", &[6..10, 11..17]);
        let texts: Vec<(&str, bool)> = parts.iter().map(|p| (p.text.as_str(), p.highlighted)).collect();
        assert_eq!(texts, [("early ", false), ("lung", true), (" ", false), ("cancer", true), (" detection", false)]);
        assert!(SnippetPart::split("", &[]).is_empty());
    }
}
