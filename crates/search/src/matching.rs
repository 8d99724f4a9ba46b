//! Matchmaking: entities of one type ranked against an entity of another type, or against
//! free text. Organisations that could apply for a call, calls that fit an organisation,
//! organisations similar to one another.
//!
//! The lexical side turns the source into a weighted query of its most telling words (the
//! rarer a word in the index and the more often in the source, the more it weighs) and runs
//! it on the target type's names and descriptions. The semantic side, when the hub has
//! sentence vectors, adds the nearest entities by cosine similarity; each candidate's
//! lexical score and similarity, each relative to the best, are averaged. Facets then weigh in: the kind of organisation a call suits,
//! whether a call is still open, the same kind, city and country for similar organisations.
//! Every match says why: shared words and where they occur, the similarity, the facets.

use std::collections::HashMap;

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};
use utoipa::ToSchema;

use chrono::NaiveDate;
use lshub_domain::call::dates_from_facets;
use lshub_domain::CallStatus;

use crate::analysis::{self, DUTCH, ENGLISH};
use crate::index::{term_query, SearchError};
use crate::query::{why, MatchReason};
use crate::{EntityType, SearchDocument, SearchIndex};

/// Sentence vectors of the hub's entities, when it has a model. Matchmaking works without;
/// with them it also finds entities that say the same in other words or another language.
pub trait Vectors: Send + Sync {
    /// The stored vector of an entity, by its id (a ROR URL, a topic id, else a slug).
    fn vector(&self, entity: EntityType, id: &str) -> Option<Vec<f32>>;
    /// A vector for free text (the query is embedded on the fly); `None` without a model.
    fn embed(&self, text: &str) -> Result<Option<Vec<f32>>, SearchError>;
    /// The ids of the entities of a type nearest to `vector`, with their cosine
    /// similarity, best first.
    fn nearest(&self, entity: EntityType, vector: &[f32], limit: usize) -> Vec<(String, f32)>;
}

/// What to find matches for.
#[derive(Debug, Clone, PartialEq)]
pub enum MatchSource {
    /// An entity of the hub, e.g. a call to find organisations for.
    Entity(SearchDocument),
    /// Plain words: a need, a project idea, a profile.
    Text(String),
}

/// The hub's own index: its stored vectors and its model, when it has them.
impl Vectors for SearchIndex {
    fn vector(&self, entity: EntityType, id: &str) -> Option<Vec<f32>> {
        self.vectors()?.vector_of(entity, id)
    }

    fn embed(&self, text: &str) -> Result<Option<Vec<f32>>, SearchError> {
        match self.encoder() {
            Some(encoder) => Ok(encoder.encode(&[text])?.into_iter().next()),
            None => Ok(None),
        }
    }

    fn nearest(&self, entity: EntityType, vector: &[f32], limit: usize) -> Vec<(String, f32)> {
        let Some(vectors) = self.vectors() else { return Vec::new() };
        vectors
            .nearest(vector, limit, |e| e.entity == entity)
            .into_iter()
            .filter_map(|(row, similarity)| vectors.entry(row).map(|e| (e.id.clone(), similarity)))
            .collect()
    }
}

/// A facet of a match that made it fit better.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FacetFit {
    /// `kind`, `status`, `city` or `country`.
    pub facet: String,
    pub value: String,
}

/// Why an entity matches.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MatchWhy {
    /// Words the source and the match share, by where they occur in the match.
    pub terms: Vec<MatchReason>,
    /// Cosine similarity of their sentence vectors, when the hub has them.
    pub similarity: Option<f32>,
    /// Facets that fit: a kind of organisation the call suits, an open call, the same city.
    pub fits: Vec<FacetFit>,
}

/// One match, best first.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MatchHit {
    #[serde(rename = "type")]
    pub entity: EntityType,
    /// A call's topic id; an organisation's ROR URL, else its slug.
    pub id: String,
    /// The key of the entity's page in the hub.
    #[serde(skip)]
    pub key: String,
    pub title: String,
    pub score: f32,
    pub why: MatchWhy,
}

/// How many of the source's words make the query.
const QUERY_TERMS: usize = 24;
/// Below this many documents, a word's posting list is cheap to read however common it is.
const COMMON_WORD_DOCUMENTS: u64 = 1_000;
/// Candidates per ranking, as a multiple of the requested matches.
const CANDIDATES: usize = 4;

/// How well a kind of organisation suits a funding call: research and care institutions
/// and universities are the usual applicants; companies join most calls as partners.
fn kind_fit(kind: &str) -> f32 {
    match kind {
        "research-institute" | "education" | "healthcare" => 1.0,
        "company" => 0.9,
        "nonprofit" => 0.8,
        "government" => 0.7,
        _ => 0.6,
    }
}

/// Closed calls are of little use to someone looking for funding.
fn status_fit(status: CallStatus) -> f32 {
    match status {
        CallStatus::Open => 1.0,
        CallStatus::Forthcoming => 0.9,
        CallStatus::Closed => 0.4,
    }
}

/// A stored document, read back for a match.
struct Stored {
    address: DocAddress,
    entity: EntityType,
    id: String,
    key: String,
    title: String,
    facets: Vec<(String, String)>,
}

impl SearchIndex {
    /// Up to `limit` entities of type `target` that fit `source`, best first, with calls'
    /// statuses as they are on `today`, the region's date.
    pub fn find_matches(
        &self,
        source: &MatchSource,
        target: EntityType,
        limit: usize,
        today: NaiveDate,
        vectors: Option<&dyn Vectors>,
    ) -> Result<Vec<MatchHit>, SearchError> {
        let searcher = self.reader.searcher();
        let (text, source_entity, source_id, source_facets) = match source {
            MatchSource::Entity(document) => (
                [document.title.as_str()]
                    .into_iter()
                    .chain(document.aliases.iter().map(String::as_str))
                    .chain([document.body.as_str()])
                    .collect::<Vec<_>>()
                    .join("\n"),
                Some(EntityType(document.entity)),
                Some(document.id.as_str()),
                document.facets.iter().map(|(n, v)| ((*n).to_owned(), v.clone())).collect::<Vec<_>>(),
            ),
            MatchSource::Text(text) => (text.clone(), None, None, Vec::new()),
        };
        // The source's city is where it is, not what it does: its name counts little.
        let place = source_facets.iter().find(|(name, _)| name == "city").map(|(_, city)| city.as_str());
        let SourceQuery { query, words } = self.source_query(&searcher, &text, place, target)?;
        // An entity is no match for itself.
        let same_type_id = source_id.filter(|_| source_entity == Some(target));
        let pool = limit.max(1) * CANDIDATES;

        // Lexical candidates, by rank.
        let mut candidates: HashMap<String, Candidate> = HashMap::new();
        if let Some(terms) = query {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> =
                vec![(Occur::Must, term_query(self.fields.entity, target.id())), (Occur::Must, terms)];
            if let Some(id) = same_type_id {
                clauses.push((Occur::MustNot, term_query(self.fields.id, id)));
            }
            let top = searcher.search(&BooleanQuery::new(clauses), &TopDocs::with_limit(pool).order_by_score())?;
            for (score, address) in top {
                let stored = self.stored(&searcher, address)?;
                candidates.entry(stored.id.clone()).or_insert_with(|| Candidate::new(stored)).lexical = score;
            }
        }

        // Semantic candidates, by rank, when the hub has vectors.
        let source_vector = match (vectors, source_entity, source_id) {
            (None, _, _) => None,
            (Some(v), Some(entity), Some(id)) => match v.vector(entity, id) {
                Some(stored) => Some(stored),
                None => v.embed(&text)?,
            },
            (Some(v), _, _) => v.embed(&text)?,
        };
        if let (Some(vectors), Some(source_vector)) = (vectors, &source_vector) {
            let nearest = vectors.nearest(target, source_vector, pool + 1);
            for (id, similarity) in nearest.into_iter().filter(|(id, _)| same_type_id != Some(id.as_str())) {
                if !candidates.contains_key(&id) {
                    // As in search: a neighbour by meaning alone must be close enough, or
                    // gibberish would still find its nearest (unrelated) entities.
                    if similarity < crate::Fusion::TUNED.min_similarity {
                        continue;
                    }
                    let Some(stored) = self.stored_by_id(&searcher, target, &id)? else { continue };
                    candidates.insert(id.clone(), Candidate::new(stored));
                }
                if let Some(entry) = candidates.get_mut(&id) {
                    entry.similarity = Some(similarity);
                }
            }
            for candidate in candidates.values_mut().filter(|c| c.similarity.is_none()) {
                candidate.similarity =
                    vectors.vector(target, &candidate.stored.id).map(|v| crate::cosine(source_vector, &v));
            }
        }

        // Lexical score and similarity, each relative to the best, averaged; facets weigh
        // in; the best `limit` are explained.
        let best_lexical = candidates.values().map(|c| c.lexical).fold(0.0, f32::max);
        let best_similarity = candidates.values().filter_map(|c| c.similarity).fold(0.0, f32::max);
        let relative = |value: f32, best: f32| if best > 0.0 { value.max(0.0) / best } else { 0.0 };
        let mut ranked: Vec<(f32, Vec<FacetFit>, Candidate)> = candidates
            .into_values()
            .map(|candidate| {
                let lexical = relative(candidate.lexical, best_lexical);
                let base = match candidate.similarity {
                    Some(similarity) if best_similarity > 0.0 => {
                        0.5 * lexical + 0.5 * relative(similarity, best_similarity)
                    }
                    _ => lexical,
                };
                let (factor, fits) = facet_fit(source_entity, &source_facets, &candidate.stored, today);
                (base * factor, fits, candidate)
            })
            .filter(|(score, _, _)| *score > 0.0)
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.2.stored.id.cmp(&b.2.stored.id)));
        // The portal lists one call under several topic ids (its stages, a repeated call):
        // the same title is one match, at its best rank.
        let mut titles = std::collections::HashSet::new();
        ranked.retain(|(_, _, candidate)| titles.insert(candidate.stored.title.to_lowercase()));
        ranked.truncate(limit);
        let best = ranked.first().map_or(1.0, |r| r.0).max(f32::MIN_POSITIVE);
        ranked
            .into_iter()
            .map(|(score, fits, candidate)| {
                let stored = candidate.stored;
                let terms = why(&searcher, &self.fields, stored.address, &words)?
                    .into_iter()
                    .filter(|reason| !reason.terms.is_empty())
                    .collect();
                Ok(MatchHit {
                    entity: stored.entity,
                    id: stored.id,
                    key: stored.key,
                    title: stored.title,
                    // Relative to the best match: the fused score has no unit.
                    score: (score / best * 1000.0).round() / 1000.0,
                    why: MatchWhy {
                        terms,
                        similarity: candidate.similarity.map(|s| (s * 1000.0).round() / 1000.0),
                        fits,
                    },
                })
            })
            .collect()
    }

    /// The source's most telling words as one query over the target type's text fields,
    /// and those words as written (to explain matches). `None` when no word is telling.
    fn source_query(
        &self,
        searcher: &Searcher,
        text: &str,
        place: Option<&str>,
        target: EntityType,
    ) -> Result<SourceQuery, SearchError> {
        let documents = searcher.num_docs().max(1) as f32;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut words: Vec<String> = Vec::new();
        for (language, analyzer) in [(self.fields.english, ENGLISH), (self.fields.dutch, DUTCH)] {
            // Term frequencies in the source, and the first word written for each term.
            let mut frequency: HashMap<String, (f32, String)> = HashMap::new();
            for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() > 2) {
                for term in analysis::terms(&self.index, analyzer, word) {
                    frequency.entry(term).or_insert_with(|| (0.0, word.to_lowercase())).0 += 1.0;
                }
            }
            let place_terms = place.map(|p| analysis::terms(&self.index, analyzer, p)).unwrap_or_default();
            let mut weighted: Vec<(f32, String, String, [u64; 3])> = Vec::new();
            for (term, (count, word)) in frequency {
                let mut per_field = [0u64; 3];
                for (slot, field) in per_field.iter_mut().zip([language.title, language.aliases, language.body]) {
                    *slot = searcher.doc_freq(&Term::from_field_text(field, &term))?;
                }
                let document_frequency: u64 = per_field.iter().sum();
                if document_frequency == 0 {
                    continue;
                }
                // Common words weigh little and fall out of the query's most telling words.
                let idf = (1.0 + documents / document_frequency as f32).ln();
                let place_factor = if place_terms.contains(&term) { 0.2 } else { 1.0 };
                weighted.push(((1.0 + count.ln()) * idf * place_factor, term, word, per_field));
            }
            weighted.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            for (weight, term, word, per_field) in weighted.into_iter().take(QUERY_TERMS) {
                // Organisations are known by their names more than by their descriptions.
                let title_boost = if target == EntityType::ORGANISATION { 2.0 } else { 1.5 };
                let boosts: [(Field, f32); 3] =
                    [(language.title, title_boost), (language.aliases, 1.5), (language.body, 1.0)];
                for ((field, boost), frequency) in boosts.into_iter().zip(per_field) {
                    // A word in a tenth of a large index tells matches apart little and costs a
                    // pass over a long posting list; small indexes keep every word.
                    if frequency > COMMON_WORD_DOCUMENTS.max(documents as u64 / 10) {
                        continue;
                    }
                    let query = TermQuery::new(Term::from_field_text(field, &term), IndexRecordOption::WithFreqs);
                    clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(query), weight * boost))));
                }
                if !words.contains(&word) {
                    words.push(word);
                }
            }
        }
        let query: Option<Box<dyn Query>> =
            (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>);
        Ok(SourceQuery { query, words })
    }

    fn stored(&self, searcher: &Searcher, address: DocAddress) -> Result<Stored, SearchError> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let f = &self.fields;
        let all = |field: Field| -> Vec<String> {
            doc.get_all(field).filter_map(|v| v.as_str().map(str::to_owned)).collect()
        };
        let first = |field: Field| all(field).into_iter().next().unwrap_or_default();
        Ok(Stored {
            address,
            entity: EntityType::from_id(&first(f.entity)).unwrap_or(EntityType::ORGANISATION),
            id: first(f.id),
            key: first(f.key),
            title: first(f.english.title),
            facets: all(f.facets)
                .into_iter()
                .filter_map(|t| t.split_once('=').map(|(n, v)| (n.to_owned(), v.to_owned())))
                .collect(),
        })
    }

    fn stored_by_id(&self, searcher: &Searcher, entity: EntityType, id: &str) -> Result<Option<Stored>, SearchError> {
        let query = BooleanQuery::new(vec![
            (Occur::Must, term_query(self.fields.entity, entity.id())),
            (Occur::Must, term_query(self.fields.id, id)),
        ]);
        let top = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
        match top.first() {
            Some((_, address)) => Ok(Some(self.stored(searcher, *address)?)),
            None => Ok(None),
        }
    }
}

/// The source's most telling words as a query, and those words as written.
struct SourceQuery {
    query: Option<Box<dyn Query>>,
    words: Vec<String>,
}

struct Candidate {
    stored: Stored,
    /// The lexical (BM25) score; 0 when only the vectors found it.
    lexical: f32,
    similarity: Option<f32>,
}

impl Candidate {
    fn new(stored: Stored) -> Self {
        Self { stored, lexical: 0.0, similarity: None }
    }
}

/// How the facets of a candidate fit the source: a factor for its score and the fits to
/// show. Facet values are compared as the index keeps them (lower case).
fn facet_fit(
    source: Option<EntityType>,
    source_facets: &[(String, String)],
    candidate: &Stored,
    today: NaiveDate,
) -> (f32, Vec<FacetFit>) {
    let facet =
        |facets: &[(String, String)], name: &str| facets.iter().find(|(n, _)| n == name).map(|(_, v)| v.to_lowercase());
    let own = |name: &str| facet(&candidate.facets, name);
    let mut factor = 1.0;
    let mut fits = Vec::new();
    let mut fit = |name: &str, value: String| fits.push(FacetFit { facet: name.to_owned(), value });
    match (source, candidate.entity) {
        (Some(EntityType::CALL), EntityType::ORGANISATION) => {
            if let Some(kind) = own("kind") {
                factor *= kind_fit(&kind);
                if kind_fit(&kind) >= 1.0 {
                    fit("kind", kind);
                }
            }
        }
        (Some(EntityType::ORGANISATION), EntityType::CALL) => {
            let dates = dates_from_facets(candidate.facets.iter().map(|(n, v)| (n.as_str(), v.as_str())));
            if let Some(status) = dates.map(|dates| CallStatus::on(today, dates)) {
                factor *= status_fit(status);
                if status_fit(status) >= 1.0 {
                    fit("status", status.id().to_owned());
                }
            }
        }
        (Some(EntityType::ORGANISATION), EntityType::ORGANISATION) => {
            for (name, bonus) in [("kind", 1.4), ("city", 1.1), ("country", 1.05)] {
                if let (Some(mine), Some(theirs)) = (facet(source_facets, name), own(name)) {
                    if mine == theirs {
                        factor *= bonus;
                        fit(name, theirs);
                    }
                }
            }
        }
        _ => {}
    }
    (factor, fits)
}

#[cfg(test)]
mod tests {
    use lshub_domain::call::{LAST_DEADLINE_FACET, SOURCE_STATUS_FACET};

    use super::*;

    fn organisation(key: &str, name: &str, kind: &str, city: &str) -> SearchDocument {
        SearchDocument {
            entity: &lshub_domain::content::ORGANISATION,
            id: key.to_owned(),
            key: key.to_owned(),
            title: name.to_owned(),
            aliases: Vec::new(),
            legal_names: Vec::new(),
            body: String::new(),
            facets: vec![("kind", kind.to_owned()), ("city", city.to_owned()), ("country", "NL".to_owned())],
        }
    }

    /// A call the source called open, whose last deadline is `closes`.
    fn call(key: &str, title: &str, body: &str, closes: &str) -> SearchDocument {
        SearchDocument {
            entity: &lshub_domain::content::CALL,
            id: key.to_owned(),
            key: key.to_owned(),
            title: title.to_owned(),
            aliases: Vec::new(),
            legal_names: Vec::new(),
            body: body.to_owned(),
            facets: vec![
                ("programme", "Horizon Europe".to_owned()),
                (SOURCE_STATUS_FACET, "open".to_owned()),
                (LAST_DEADLINE_FACET, closes.to_owned()),
            ],
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 6).expect("date")
    }

    fn index() -> (SearchIndex, Vec<SearchDocument>) {
        let documents = vec![
            organisation("nki", "Netherlands Cancer Institute", "healthcare", "Amsterdam"),
            organisation("cancer-bv", "Cancer Diagnostics BV", "company", "Utrecht"),
            organisation("kidney", "Dutch Kidney Foundation", "nonprofit", "Bussum"),
            organisation("umcu", "University Medical Center Utrecht", "healthcare", "Utrecht"),
            organisation("umcg", "University Medical Center Groningen", "healthcare", "Groningen"),
            organisation("uu", "Utrecht University", "education", "Utrecht"),
            call(
                "LUNG",
                "Early detection of lung cancer",
                "Screening and diagnosis of lung cancer in Europe.",
                "2027-03-01",
            ),
            call("KIDNEY", "Chronic kidney disease", "New treatments for kidney failure.", "2027-04-01"),
            call("OLD-CANCER", "Cancer survivorship", "Quality of life after cancer.", "2026-03-17"),
        ];
        let index = SearchIndex::in_memory().expect("index");
        index.rebuild(documents.clone()).expect("rebuild");
        (index, documents)
    }

    fn keys(hits: &[MatchHit]) -> Vec<&str> {
        hits.iter().map(|h| h.key.as_str()).collect()
    }

    #[test]
    fn organisations_for_a_call_prefer_research_and_care() {
        let (index, documents) = index();
        let source = MatchSource::Entity(documents[6].clone());
        let hits = index.find_matches(&source, EntityType::ORGANISATION, 5, today(), None).expect("matches");
        assert_eq!(keys(&hits), ["nki", "cancer-bv"], "a cancer call fits the cancer institute first");
        let why = &hits[0].why;
        assert!(why.terms.iter().any(|r| r.terms.contains(&"cancer".to_owned())), "{why:?}");
        assert_eq!(why.fits, [FacetFit { facet: "kind".into(), value: "healthcare".into() }]);
        assert_eq!(why.similarity, None, "no vectors, no similarity");
        assert_eq!(hits[0].score, 1.0);
    }

    #[test]
    fn calls_for_an_organisation_prefer_open_ones() {
        let (index, documents) = index();
        let source = MatchSource::Entity(documents[0].clone());
        let hits = index.find_matches(&source, EntityType::CALL, 5, today(), None).expect("matches");
        assert_eq!(keys(&hits), ["LUNG", "OLD-CANCER"]);
        assert_eq!(hits[0].why.fits, [FacetFit { facet: "status".into(), value: "open".into() }]);
        // The day after the lung call's deadline it is closed too, and says no more that it is open.
        let later = NaiveDate::from_ymd_opt(2027, 3, 2).expect("date");
        let hits = index.find_matches(&source, EntityType::CALL, 5, later, None).expect("matches");
        assert!(hits.iter().all(|h| h.why.fits.is_empty()), "{hits:?}");
    }

    #[test]
    fn similar_organisations_leave_out_the_source() {
        let (index, documents) = index();
        let source = MatchSource::Entity(documents[3].clone());
        let hits = index.find_matches(&source, EntityType::ORGANISATION, 5, today(), None).expect("matches");
        assert_eq!(hits.first().map(|h| h.key.as_str()), Some("umcg"), "{:?}", keys(&hits));
        assert!(!keys(&hits).contains(&"umcu"));
        let text = MatchSource::Text("kidney failure treatment".into());
        let hits = index.find_matches(&text, EntityType::CALL, 5, today(), None).expect("matches");
        assert_eq!(keys(&hits), ["KIDNEY"]);
        for nothing in ["", "\u{0}\u{7}", "de het een", &"zzz ".repeat(3000)] {
            let hits = index.find_matches(&MatchSource::Text(nothing.into()), EntityType::CALL, 5, today(), None);
            assert_eq!(hits.map(|h| h.len()).ok(), Some(0), "{:?}", &nothing[..nothing.len().min(10)]);
        }
    }

    /// Vectors given by hand: three directions (cancer, kidney, other).
    struct HandVectors(Vec<(EntityType, &'static str, [f32; 3])>);

    impl Vectors for HandVectors {
        fn vector(&self, entity: EntityType, id: &str) -> Option<Vec<f32>> {
            self.0.iter().find(|(e, i, _)| *e == entity && *i == id).map(|(_, _, v)| v.to_vec())
        }
        fn embed(&self, text: &str) -> Result<Option<Vec<f32>>, SearchError> {
            Ok(Some(if text.contains("nier") { vec![0.0, 1.0, 0.0] } else { vec![0.0, 0.0, 1.0] }))
        }
        fn nearest(&self, entity: EntityType, vector: &[f32], limit: usize) -> Vec<(String, f32)> {
            let mut near: Vec<(String, f32)> = self
                .0
                .iter()
                .filter(|(e, _, _)| *e == entity)
                .map(|(_, id, v)| ((*id).to_owned(), crate::cosine(v, vector)))
                .collect();
            near.sort_by(|a, b| b.1.total_cmp(&a.1));
            near.truncate(limit);
            near
        }
    }

    #[test]
    fn vectors_find_what_shares_no_word() {
        let (index, documents) = index();
        let vectors = HandVectors(vec![
            (EntityType::CALL, "KIDNEY", [0.0, 1.0, 0.0]),
            (EntityType::CALL, "LUNG", [1.0, 0.0, 0.0]),
            (EntityType::CALL, "OLD-CANCER", [0.8, 0.0, 0.6]),
            (EntityType::ORGANISATION, "kidney", [0.0, 1.0, 0.0]),
        ]);
        // Dutch words that no English call holds: only the vectors can find the kidney call.
        let text = MatchSource::Text("nierfalen behandeling".into());
        assert!(index.find_matches(&text, EntityType::CALL, 3, today(), None).expect("matches").is_empty());
        let hits = index.find_matches(&text, EntityType::CALL, 3, today(), Some(&vectors)).expect("matches");
        assert_eq!(hits.first().map(|h| h.key.as_str()), Some("KIDNEY"));
        assert_eq!(hits[0].why.similarity, Some(1.0));
        assert!(hits[0].why.terms.is_empty(), "no shared words, found by meaning");
        // An organisation's stored vector is used, and words and meaning add up.
        let source = MatchSource::Entity(documents[2].clone());
        let hits = index.find_matches(&source, EntityType::CALL, 3, today(), Some(&vectors)).expect("matches");
        assert_eq!(hits.first().map(|h| h.key.as_str()), Some("KIDNEY"));
        assert!(hits[0].why.terms.iter().any(|r| r.terms.contains(&"kidney".to_owned())));
    }
}
