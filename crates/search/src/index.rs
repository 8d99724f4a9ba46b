use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use std::ops::Bound;
use tantivy::collector::TopDocs;

use chrono::NaiveDate;
use lshub_domain::call::{LAST_DEADLINE_FACET, OPENING_FACET, SOURCE_STATUS_FACET};
use lshub_domain::CallStatus;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED, STRING};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::analysis::{self, DUTCH, ENGLISH};
use crate::embedding::{embedded_text, stored_vectors};
use crate::query::{why, Fusion, MatchReason, MatchedField, Ranking, SearchHit, SearchRequest, SnippetPart};
use crate::vectors::{VectorEntry, VectorIndex};
use crate::vocabulary::{Translation, Vocabulary};
use crate::{EntityType, ModelError, SearchDocument, SentenceEncoder};

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error(transparent)]
    Storage(#[from] lshub_storage::StorageError),
    #[error("search index error: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("the search index lock is poisoned")]
    Poisoned,
    #[error("sentence embedding failed: {0}")]
    Model(#[from] ModelError),
    #[error("semantic ranking needs a sentence-embedding model, and none is configured")]
    NoModel,
}

/// The text fields, each indexed once per language.
#[derive(Clone, Copy)]
pub(crate) struct LanguageFields {
    pub title: Field,
    pub aliases: Field,
    pub body: Field,
    /// Where an organisation is: "ziekenhuis amsterdam" should find the Academic Medical
    /// Center, whose name does not say.
    pub place: Field,
}

#[derive(Clone, Copy)]
pub(crate) struct Fields {
    pub entity: Field,
    pub id: Field,
    pub key: Field,
    pub facets: Field,
    pub english: LanguageFields,
    pub dutch: LanguageFields,
}

/// An in-memory full-text index over every searchable entity.
pub struct SearchIndex {
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    writer: Mutex<IndexWriter>,
    pub(crate) fields: Fields,
    semantic: Option<Semantic>,
}

/// The sentence encoder and the vectors of the indexed documents.
struct Semantic {
    encoder: Arc<SentenceEncoder>,
    vectors: RwLock<Arc<VectorIndex>>,
}

/// Candidates each ranking contributes to the fused one.
const CANDIDATES: usize = 100;

/// Length of the description passage shown with a hit.
const SNIPPET_CHARS: usize = 220;

/// Memory for the index writer's buffer; tantivy's minimum is 15 MB.
const WRITER_MEMORY: usize = 50_000_000;

impl SearchIndex {
    /// A lexical index only.
    pub fn in_memory() -> Result<Self, SearchError> {
        Self::with_encoder(None)
    }

    /// An index that also ranks by meaning when given a sentence encoder.
    pub fn with_encoder(encoder: Option<Arc<SentenceEncoder>>) -> Result<Self, SearchError> {
        let mut schema = Schema::builder();
        let text = |analyzer: &str, stored: bool| {
            let indexing = TextFieldIndexing::default()
                .set_tokenizer(analyzer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions);
            let options = TextOptions::default().set_indexing_options(indexing);
            if stored {
                options.set_stored()
            } else {
                options
            }
        };
        let english = LanguageFields {
            title: schema.add_text_field("title_en", text(ENGLISH, true)),
            aliases: schema.add_text_field("aliases_en", text(ENGLISH, true)),
            body: schema.add_text_field("body_en", text(ENGLISH, true)),
            place: schema.add_text_field("place_en", text(ENGLISH, false)),
        };
        let dutch = LanguageFields {
            title: schema.add_text_field("title_nl", text(DUTCH, false)),
            aliases: schema.add_text_field("aliases_nl", text(DUTCH, false)),
            body: schema.add_text_field("body_nl", text(DUTCH, false)),
            place: schema.add_text_field("place_nl", text(DUTCH, false)),
        };
        let fields = Fields {
            entity: schema.add_text_field("entity", STRING | STORED),
            id: schema.add_text_field("id", STRING | STORED),
            key: schema.add_text_field("key", STORED),
            // Stored too, so that matchmaking can say which facets fit.
            facets: schema.add_text_field("facets", STRING | STORED),
            english,
            dutch,
        };
        let index = Index::create_in_ram(schema.build());
        analysis::register(&index);
        let writer = index.writer_with_num_threads(1, WRITER_MEMORY)?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let semantic = encoder.map(|encoder| Semantic { encoder, vectors: RwLock::new(Arc::default()) });
        Ok(Self { index, reader, writer: Mutex::new(writer), fields, semantic })
    }

    /// The sentence encoder, when the index ranks by meaning too.
    pub fn encoder(&self) -> Option<&SentenceEncoder> {
        self.semantic.as_ref().map(|s| s.encoder.as_ref())
    }

    /// The vectors of the indexed documents, when the index ranks by meaning.
    pub fn vectors(&self) -> Option<Arc<VectorIndex>> {
        self.semantic.as_ref().map(Semantic::current_vectors)
    }

    /// How many documents have a vector.
    pub fn vector_count(&self) -> usize {
        self.semantic.as_ref().map_or(0, |s| s.current_vectors().len())
    }

    /// Replaces the whole index with `documents`, atomically for readers, encoding their
    /// vectors when there is an encoder (for small sets; the hub loads stored vectors with
    /// [`SearchIndex::rebuild_from`]).
    pub fn rebuild(&self, documents: Vec<SearchDocument>) -> Result<usize, SearchError> {
        let mut vectors = HashMap::new();
        if let Some(semantic) = &self.semantic {
            for chunk in documents.chunks(32) {
                let texts: Vec<String> = chunk.iter().map(embedded_text).collect();
                let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
                for (document, vector) in chunk.iter().zip(semantic.encoder.encode_passages(&texts)?) {
                    vectors.insert((document.entity.id.to_owned(), document.key.clone()), vector);
                }
            }
        }
        self.install(documents, vectors)
    }

    /// Replaces the whole index with `documents` (the web layer's registry reads them, one
    /// source per kind), with the vectors stored in `db` for this index's model (documents
    /// without one are found lexically).
    pub async fn rebuild_from(
        &self,
        db: &lshub_storage::Database,
        documents: Vec<SearchDocument>,
    ) -> Result<usize, SearchError> {
        let vectors = match &self.semantic {
            Some(semantic) => stored_vectors(db, semantic.encoder.model_id(), &documents).await?,
            None => HashMap::new(),
        };
        self.install(documents, vectors)
    }

    /// Replaces the whole index with `documents`, atomically for readers, with the given
    /// vectors by (entity, key) when the index ranks by meaning; documents without one are
    /// found lexically.
    pub fn install(
        &self,
        documents: Vec<SearchDocument>,
        mut vectors: HashMap<(String, String), Vec<f32>>,
    ) -> Result<usize, SearchError> {
        let mut writer = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        writer.delete_all_documents()?;
        for document in &documents {
            writer.add_document(self.to_tantivy(document))?;
        }
        writer.commit()?;
        self.reader.reload()?;
        if let Some(semantic) = &self.semantic {
            let items = documents.iter().filter_map(|d| {
                let vector = vectors.remove(&(d.entity.id.to_owned(), d.key.clone()))?;
                let facets = d.facets.iter().map(|(name, value)| facet_term(name, value)).collect();
                Some((VectorEntry { entity: EntityType(d.entity), id: d.id.clone(), facets }, vector))
            });
            let built = Arc::new(VectorIndex::build(semantic.encoder.dimension(), items));
            *semantic.vectors.write().map_err(|_| SearchError::Poisoned)? = built;
        }
        Ok(documents.len())
    }

    fn to_tantivy(&self, document: &SearchDocument) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.entity, document.entity.id);
        doc.add_text(f.id, &document.id);
        doc.add_text(f.key, &document.key);
        // People call many organisations by their initials ("UMCG", "LUMC"), which the
        // registry rarely lists.
        let initials: Vec<String> = if EntityType(document.entity) == EntityType::ORGANISATION {
            std::iter::once(&document.title).chain(&document.aliases).filter_map(|name| initials(name)).collect()
        } else {
            Vec::new()
        };
        for language in [f.english, f.dutch] {
            doc.add_text(language.title, &document.title);
            for alias in document.aliases.iter().chain(&document.legal_names).chain(&initials) {
                doc.add_text(language.aliases, alias);
            }
            doc.add_text(language.body, &document.body);
            for (_, city) in document.facets.iter().filter(|(name, _)| *name == "city") {
                doc.add_text(language.place, city);
            }
        }
        for (name, value) in &document.facets {
            doc.add_text(f.facets, facet_term(name, value));
        }
        doc
    }

    pub fn search(&self, request: &SearchRequest) -> Result<Vec<SearchHit>, SearchError> {
        let words = request.words();
        if words.is_empty() || request.limit == 0 {
            return Ok(Vec::new());
        }
        let translation =
            if request.cross_language { Vocabulary::get().translate(&words) } else { Translation::default() };
        let searcher = self.reader.searcher();
        let query = self.lexical_query(&searcher, request, &words, &translation.extra_words);
        let meaning = match (request.ranking, &self.semantic) {
            (Ranking::Lexical, _) | (Ranking::Fused(_), None) => None,
            (Ranking::Semantic, None) => return Err(SearchError::NoModel),
            (Ranking::Semantic | Ranking::Fused(_), Some(semantic)) => Some(semantic),
        };
        // The query's vector is computed on another thread while the lexical search runs:
        // the two are independent, so a search takes the longer of them, not their sum.
        let (lexical, query_vector) = std::thread::scope(|scope| {
            let embedding = meaning.map(|semantic| {
                // The vocabulary's English for a Dutch query, even for multilingual-e5-small:
                // `lshub eval` gave its Dutch queries nDCG@10 0.727 translated, 0.600 as written.
                let text = translation.english.clone().unwrap_or_else(|| words.join(" "));
                scope.spawn(move || semantic.encoder.encode(&[text.as_str()]))
            });
            let lexical = match request.ranking {
                Ranking::Semantic => Ok(Vec::new()),
                _ => self.lexical_ranking(&searcher, &query, request.limit.max(CANDIDATES), &words, &translation),
            };
            let vector = embedding.map(|handle| handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
            (lexical, vector)
        });
        let lexical = lexical?;
        // Nothing matches a single word, not even by similar spelling: the query is
        // gibberish to this hub ("zzqqxx"), and whatever the encoder makes of its word
        // pieces would be noise.
        let gibberish = lexical.is_empty() && matches!(request.ranking, Ranking::Fused(_));
        let semantic = match (meaning, query_vector) {
            (Some(semantic), Some(vector)) if !gibberish => {
                let vector = vector?.into_iter().next().unwrap_or_default();
                let minimum = match request.ranking {
                    Ranking::Fused(fusion) => fusion.min_similarity,
                    _ => f32::MIN,
                };
                semantic.nearest(request, &vector, request.limit.max(CANDIDATES), minimum)
            }
            _ => Vec::new(),
        };
        let ranked = fuse(request, &searcher, self.fields.id, &lexical, &semantic)?;
        let all_words: Vec<String> = words.iter().chain(&translation.extra_words).cloned().collect();
        let mut snippets = SnippetGenerator::create(&searcher, &query, self.fields.english.body)?;
        snippets.set_max_num_chars(SNIPPET_CHARS);
        ranked
            .into_iter()
            .take(request.limit)
            .map(|candidate| self.hit(&searcher, &candidate, &all_words, &translation, request, &snippets))
            .collect()
    }

    /// The lexical candidates, best first, coordinated by how many of the query's words
    /// each holds.
    fn lexical_ranking(
        &self,
        searcher: &Searcher,
        query: &BooleanQuery,
        depth: usize,
        words: &[String],
        translation: &Translation,
    ) -> tantivy::Result<Vec<(f32, DocAddress)>> {
        let mut found = searcher.search(query, &TopDocs::with_limit(depth).order_by_score())?;
        crate::coverage::rerank(searcher, &self.word_presence(searcher, words, translation), &mut found)?;
        Ok(found)
    }

    fn lexical_query(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
        words: &[String],
        extra_words: &[String],
    ) -> BooleanQuery {
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(entity) = request.entity {
            clauses.push((Occur::Must, term_query(f.entity, entity.id())));
        }
        for (name, value) in &request.facets {
            clauses.push((Occur::Must, term_query(f.facets, &facet_term(name, value))));
        }
        if let Some((status, today)) = request.call_status {
            clauses.push((Occur::Must, term_query(f.entity, EntityType::CALL.id())));
            clauses.push((Occur::Must, self.call_status_query(status, today)));
        }
        let last = words.len() - 1;
        let word_queries: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .enumerate()
            .map(|(i, word)| {
                // Only words no document holds are also looked up by similar spelling: for
                // the others that lookup took a third of the lexical search's time at
                // 1,000,000 organisations and moved lexical nDCG@10 by 0.001 (`lshub eval`).
                let unknown = self.document_frequency(searcher, word) == 0;
                (Occur::Should, self.word_query(word, i == last, unknown))
            })
            .chain(extra_words.iter().map(|word| (Occur::Should, self.word_query(word, false, false))))
            .collect();
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(word_queries))));
        BooleanQuery::new(clauses)
    }

    /// About how many documents hold `word`: the most of any of its stems in any text field.
    fn document_frequency(&self, searcher: &Searcher, word: &str) -> u64 {
        [(self.fields.english, ENGLISH), (self.fields.dutch, DUTCH)]
            .iter()
            .flat_map(|(language, analyzer)| {
                analysis::terms(&self.index, analyzer, word).into_iter().flat_map(move |term| {
                    [language.title, language.aliases, language.body, language.place]
                        .map(|field| searcher.doc_freq(&Term::from_field_text(field, &term)).unwrap_or(0))
                })
            })
            .max()
            .unwrap_or(0)
    }

    /// For each word of the query that is not a stop word, a query that finds the documents
    /// holding it or one of its equivalents in the other language (typos aside), and the
    /// word's weight: its inverse document frequency, of its most common form.
    fn word_presence(
        &self,
        searcher: &Searcher,
        words: &[String],
        translation: &Translation,
    ) -> Vec<(Box<dyn Query>, f32)> {
        let last = words.len().saturating_sub(1);
        let content_word = |word: &str| {
            [ENGLISH, DUTCH].iter().all(|analyzer| !analysis::terms(&self.index, analyzer, word).is_empty())
        };
        words
            .iter()
            .enumerate()
            .filter(|(_, word)| content_word(word))
            .map(|(i, word)| {
                let equivalents = translation.equivalents.get(i).into_iter().flatten();
                let documents = std::iter::once(word)
                    .chain(equivalents.clone())
                    .map(|form| self.document_frequency(searcher, form))
                    .max()
                    .unwrap_or(0);
                let total = searcher.num_docs() as f32;
                let weight = (1.0 + total / (1.0 + documents as f32)).ln();
                let alternatives = std::iter::once(self.word_query(word, i == last, false))
                    .chain(equivalents.map(|other| self.word_query(other, false, false)))
                    .map(|query| (Occur::Should, query))
                    .collect();
                (Box::new(BooleanQuery::new(alternatives)) as Box<dyn Query>, weight)
            })
            .collect()
    }

    fn hit(
        &self,
        searcher: &Searcher,
        candidate: &Candidate,
        words: &[String],
        translation: &Translation,
        request: &SearchRequest,
        snippets: &SnippetGenerator,
    ) -> Result<SearchHit, SearchError> {
        let doc: TantivyDocument = searcher.doc(candidate.address)?;
        let f = &self.fields;
        let text = |field: Field| -> Vec<String> {
            doc.get_all(field).filter_map(|v| v.as_str().map(str::to_owned)).collect()
        };
        let first = |field: Field| text(field).into_iter().next().unwrap_or_default();
        let entity = EntityType::from_id(&first(f.entity)).unwrap_or(EntityType::ORGANISATION);
        let title = first(f.english.title);
        let mut reasons = Vec::new();
        if candidate.lexical {
            reasons = why(searcher, f, candidate.address, words)?;
            let matched_translation = translation
                .translated
                .iter()
                .filter(|(_, english)| {
                    reasons.iter().any(|r| r.terms.iter().any(|t| english.split(' ').any(|e| e == t)))
                })
                .map(|(dutch, english)| format!("{dutch} = {english}"))
                .collect::<Vec<_>>();
            if !matched_translation.is_empty() {
                reasons.push(MatchReason::new(MatchedField::Translation, matched_translation));
            }
        }
        if let Some(similarity) = candidate.similarity {
            reasons
                .push(MatchReason { similarity: Some(similarity), ..MatchReason::new(MatchedField::Meaning, vec![]) });
        }
        for (name, value) in &request.facets {
            reasons.push(MatchReason::new(MatchedField::Facet, vec![format!("{name}={value}")]));
        }
        if let Some((status, _)) = request.call_status {
            reasons.push(MatchReason::new(MatchedField::Facet, vec![format!("status={status}")]));
        }
        let snippet = snippets.snippet_from_doc(&doc);
        let snippet = SnippetPart::split(snippet.fragment(), snippet.highlighted());
        Ok(SearchHit {
            entity,
            id: first(f.id),
            key: first(f.key),
            title,
            score: candidate.score,
            why: reasons,
            snippet,
        })
    }

    /// The calls whose dates give `status` on `today`: [`CallStatus::on`] over the date
    /// facets (`closes=2027-03-01`; the terms of one name sort as their dates do).
    fn call_status_query(&self, status: CallStatus, today: NaiveDate) -> Box<dyn Query> {
        let field = self.fields.facets;
        let term = |name: &str, value: &str| Term::from_field_text(field, &facet_term(name, value));
        let day = today.format("%Y-%m-%d").to_string();
        let dates_before =
            |name: &str| RangeQuery::new(Bound::Included(term(name, "")), Bound::Excluded(term(name, &day)));
        let dates_after =
            |name: &str| RangeQuery::new(Bound::Excluded(term(name, &day)), Bound::Included(term(name, "9999-12-31")));
        let any_date =
            |name: &str| RangeQuery::new(Bound::Included(term(name, "")), Bound::Included(term(name, "9999-12-31")));
        let source_said = |said: CallStatus| term_query(field, &facet_term(SOURCE_STATUS_FACET, said.id()));
        let closed: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
            (Occur::Should, source_said(CallStatus::Closed)),
            (Occur::Should, Box::new(dates_before(LAST_DEADLINE_FACET))),
        ]));
        let announced_without_date: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
            (Occur::Must, source_said(CallStatus::Forthcoming)),
            (Occur::MustNot, Box::new(any_date(OPENING_FACET))),
        ]));
        let not_yet_open: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
            (Occur::Should, Box::new(dates_after(OPENING_FACET))),
            (Occur::Should, announced_without_date),
        ]));
        let calls = || term_query(self.fields.entity, EntityType::CALL.id());
        Box::new(match status {
            CallStatus::Closed => BooleanQuery::new(vec![(Occur::Must, calls()), (Occur::Must, closed)]),
            CallStatus::Forthcoming => {
                BooleanQuery::new(vec![(Occur::Must, calls()), (Occur::MustNot, closed), (Occur::Must, not_yet_open)])
            }
            CallStatus::Open => BooleanQuery::new(vec![
                (Occur::Must, calls()),
                (Occur::MustNot, closed),
                (Occur::MustNot, not_yet_open),
            ]),
        })
    }

    /// One word of the query: its stems in both languages, in every text field, with
    /// names counting more than descriptions; unfinished last words and, when
    /// `typo_tolerant`, typos still match names, at a lower weight.
    fn word_query(&self, word: &str, is_last: bool, typo_tolerant: bool) -> Box<dyn Query> {
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (language, analyzer) in [(self.fields.english, ENGLISH), (self.fields.dutch, DUTCH)] {
            for term in analysis::terms(&self.index, analyzer, word) {
                let weighted =
                    [(language.title, 3.0), (language.aliases, 2.0), (language.body, 1.0), (language.place, 1.0)];
                for (field, boost) in weighted {
                    let query = term_query(field, &term);
                    alternatives.push((Occur::Should, Box::new(BoostQuery::new(query, boost))));
                }
                for field in [language.title, language.aliases] {
                    if typo_tolerant && term.chars().count() >= 5 {
                        let fuzzy = FuzzyTermQuery::new(Term::from_field_text(field, &term), 1, true);
                        alternatives.push((Occur::Should, Box::new(BoostQuery::new(Box::new(fuzzy), 0.5))));
                    }
                    if is_last && term.chars().count() >= 3 {
                        let prefix = FuzzyTermQuery::new_prefix(Term::from_field_text(field, &term), 0, true);
                        alternatives.push((Occur::Should, Box::new(BoostQuery::new(Box::new(prefix), 0.5))));
                    }
                }
            }
        }
        Box::new(BooleanQuery::new(alternatives))
    }
}

/// The initials of a name's capitalised words, when there are at least three of them:
/// "University Medical Center Groningen" is "UMCG", "Leids Universitair Medisch Centrum"
/// "LUMC"; "Erasmus MC" has none.
fn initials(name: &str) -> Option<String> {
    let letters: String = name
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter_map(|word| word.chars().next())
        .filter(|first| first.is_uppercase())
        .collect();
    (letters.chars().count() >= 3).then_some(letters)
}

pub(crate) fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs))
}

pub(crate) fn facet_term(name: &str, value: &str) -> String {
    format!("{name}={}", value.to_lowercase())
}

impl Semantic {
    fn current_vectors(&self) -> Arc<VectorIndex> {
        self.vectors.read().map(|v| v.clone()).unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// The documents nearest in meaning to the query's vector that pass the request's
    /// filters, best first, with their similarity, down to `minimum`.
    fn nearest(&self, request: &SearchRequest, query: &[f32], k: usize, minimum: f32) -> Vec<(String, f32)> {
        let vectors = self.current_vectors();
        let facets: Vec<String> = request.facets.iter().map(|(name, value)| facet_term(name, value)).collect();
        let keep = |entry: &VectorEntry| {
            request.entity.is_none_or(|e| e == entry.entity)
                && facets.iter().all(|f| entry.facets.contains(f))
                && request.call_status.is_none_or(|(status, today)| entry.call_status_on(today) == Some(status))
        };
        vectors
            .nearest(query, k, keep)
            .into_iter()
            .filter(|(_, similarity)| *similarity >= minimum)
            .filter_map(|(row, similarity)| Some((vectors.entry(row)?.id.clone(), similarity)))
            .collect()
    }
}

/// A document in the final ranking.
struct Candidate {
    address: DocAddress,
    score: f32,
    lexical: bool,
    similarity: Option<f32>,
}

/// A lexical first result that scores this many times the second is what the query names
/// ("umcg groningen"): in `lshub eval`, all 20 such first results were the wanted ones.
const DOMINANT_LEXICAL: f32 = 3.0;

/// One ranking from the lexical and the semantic ones, best first. Fused ranks add up by
/// weighted reciprocal rank fusion, scaled so that first place in one ranking scores 1.
fn fuse(
    request: &SearchRequest,
    searcher: &Searcher,
    id_field: Field,
    lexical: &[(f32, DocAddress)],
    semantic: &[(String, f32)],
) -> Result<Vec<Candidate>, SearchError> {
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut by_address: HashMap<DocAddress, usize> = HashMap::new();
    for (rank, (score, address)) in lexical.iter().enumerate() {
        let score = match request.ranking {
            Ranking::Fused(fusion) => fusion.contribution(rank, 1.0),
            _ => *score,
        };
        by_address.insert(*address, candidates.len());
        candidates.push(Candidate { address: *address, score, lexical: true, similarity: None });
    }
    for (rank, (id, similarity)) in semantic.iter().enumerate() {
        let found = searcher.search(
            &TermQuery::new(Term::from_field_text(id_field, id), IndexRecordOption::Basic),
            &TopDocs::with_limit(1).order_by_score(),
        )?;
        let Some((_, address)) = found.first().copied() else { continue };
        let score = match request.ranking {
            Ranking::Fused(fusion) => fusion.contribution(rank, fusion.semantic_weight),
            _ => *similarity,
        };
        match by_address.get(&address) {
            Some(&i) => {
                candidates[i].score += score;
                candidates[i].similarity = Some(*similarity);
            }
            None => {
                by_address.insert(address, candidates.len());
                candidates.push(Candidate { address, score, lexical: false, similarity: Some(*similarity) });
            }
        }
    }
    if let (Ranking::Fused(fusion), [(first, _), (second, _), ..]) = (request.ranking, lexical) {
        // Rank fusion sees only the order, not that the index is far surer of its first
        // result than of any other; such a result counts as first in both rankings.
        if *first >= DOMINANT_LEXICAL * *second {
            candidates[0].score = fusion.contribution(0, 1.0) + fusion.contribution(0, fusion.semantic_weight);
        }
    }
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    Ok(candidates)
}

impl Fusion {
    /// What the document at `rank` (from 0) of one ranking adds to its fused score.
    fn contribution(&self, rank: usize, weight: f32) -> f32 {
        weight * (self.k + 1.0) / (self.k + 1.0 + rank as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_of_names_of_three_or_more_capitalised_words() {
        assert_eq!(initials("University Medical Center Groningen").as_deref(), Some("UMCG"));
        assert_eq!(initials("Leids Universitair Medisch Centrum").as_deref(), Some("LUMC"));
        assert_eq!(initials("Koninklijk Instituut voor de Tropen").as_deref(), Some("KIT"));
        assert_eq!(initials("Netherlands Cancer Institute-Antoni van Leeuwenhoek").as_deref(), Some("NCIAL"));
        assert_eq!(initials("Erasmus MC"), None);
        assert_eq!(initials("stichting voor onderzoek"), None);
    }

    fn organisation(id: &str, title: &str) -> SearchDocument {
        SearchDocument {
            entity: &lshub_domain::content::ORGANISATION,
            id: id.into(),
            key: id.into(),
            title: title.into(),
            aliases: vec![],
            legal_names: Vec::new(),
            body: String::new(),
            facets: vec![("city", "Groningen".into())],
        }
    }

    #[test]
    fn a_rare_word_of_the_query_counts_more_than_two_common_ones() {
        let mut documents: Vec<SearchDocument> =
            (0..20).map(|i| organisation(&format!("filler{i}"), &format!("Research Institute {i}"))).collect();
        documents.push(organisation("coatings", "Coatings Research Institute"));
        documents.push(organisation("brain", "Brain Clinic"));
        let index = SearchIndex::in_memory().expect("index");
        index.rebuild(documents).expect("rebuild");
        let searcher = index.reader.searcher();
        let address = |id: &str| {
            let query = TermQuery::new(Term::from_field_text(index.fields.id, id), IndexRecordOption::Basic);
            searcher.search(&query, &TopDocs::with_limit(1).order_by_score()).expect("search")[0].1
        };
        let words: Vec<String> = ["brain", "research", "institute"].map(String::from).to_vec();
        let presence = index.word_presence(&searcher, &words, &Translation::default());
        // Equal scores before, so that only the words held decide.
        let mut ranked = vec![(1.0, address("coatings")), (1.0, address("brain"))];
        crate::coverage::rerank(&searcher, &presence, &mut ranked).expect("rerank");
        assert_eq!(ranked[0].1, address("brain"), "{ranked:?}");
    }

    #[test]
    fn organisations_are_found_by_their_initials_and_city() {
        let index = SearchIndex::in_memory().expect("index");
        index
            .rebuild(vec![
                organisation("umcg", "University Medical Center Groningen"),
                organisation("rug", "University of Groningen"),
            ])
            .expect("rebuild");
        let hits = index.search(&SearchRequest::new("umcg", None, 10)).expect("search");
        let found: Vec<(&str, &[MatchReason])> = hits.iter().map(|h| (h.id.as_str(), h.why.as_slice())).collect();
        assert_eq!(found, [("umcg", &[MatchReason::new(MatchedField::OtherNames, vec!["umcg".into()])][..])]);
        let hits = index.search(&SearchRequest::new("ziekenhuis groningen", None, 10)).expect("search");
        let place = hits.iter().flat_map(|h| &h.why).find(|w| w.field == MatchedField::Place).expect("the city");
        assert_eq!(place.terms, ["groningen"]);
    }
}
