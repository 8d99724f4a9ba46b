use std::sync::Mutex;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED, STRING};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::analysis::{self, DUTCH, ENGLISH};
use crate::query::{why, SearchHit, SearchRequest, SnippetPart};
use crate::{EntityType, SearchDocument};

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error(transparent)]
    Storage(#[from] lshub_storage::StorageError),
    #[error("search index error: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("the search index lock is poisoned")]
    Poisoned,
}

/// The text fields, each indexed once per language.
#[derive(Clone, Copy)]
pub(crate) struct LanguageFields {
    pub title: Field,
    pub aliases: Field,
    pub body: Field,
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
}

/// Length of the description passage shown with a hit.
const SNIPPET_CHARS: usize = 220;

/// Memory for the index writer's buffer; tantivy's minimum is 15 MB.
const WRITER_MEMORY: usize = 50_000_000;

impl SearchIndex {
    pub fn in_memory() -> Result<Self, SearchError> {
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
        };
        let dutch = LanguageFields {
            title: schema.add_text_field("title_nl", text(DUTCH, false)),
            aliases: schema.add_text_field("aliases_nl", text(DUTCH, false)),
            body: schema.add_text_field("body_nl", text(DUTCH, false)),
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
        Ok(Self { index, reader, writer: Mutex::new(writer), fields })
    }

    /// Replaces the whole index with `documents`, atomically for readers.
    pub fn rebuild(&self, documents: impl IntoIterator<Item = SearchDocument>) -> Result<usize, SearchError> {
        let mut writer = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        writer.delete_all_documents()?;
        let mut count = 0;
        for document in documents {
            writer.add_document(self.to_tantivy(&document))?;
            count += 1;
        }
        writer.commit()?;
        self.reader.reload()?;
        Ok(count)
    }

    /// Rebuilds the index from everything searchable in the database.
    pub async fn rebuild_from(&self, db: &lshub_storage::Database) -> Result<usize, SearchError> {
        let organisations = db.all_organisations().await?;
        let calls = db.all_calls(lshub_domain::CallSort::Deadline).await?;
        let documents = organisations
            .iter()
            .map(crate::Searchable::search_document)
            .chain(calls.iter().map(crate::Searchable::search_document));
        self.rebuild(documents)
    }

    fn to_tantivy(&self, document: &SearchDocument) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.entity, document.entity.id());
        doc.add_text(f.id, &document.id);
        doc.add_text(f.key, &document.key);
        for language in [f.english, f.dutch] {
            doc.add_text(language.title, &document.title);
            for alias in &document.aliases {
                doc.add_text(language.aliases, alias);
            }
            doc.add_text(language.body, &document.body);
        }
        for (name, value) in &document.facets {
            doc.add_text(f.facets, facet_term(name, value));
        }
        doc
    }

    pub fn search(&self, request: &SearchRequest) -> Result<Vec<SearchHit>, SearchError> {
        let words = request.words();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(entity) = request.entity {
            clauses.push((Occur::Must, term_query(f.entity, entity.id())));
        }
        for (name, value) in &request.facets {
            clauses.push((Occur::Must, term_query(f.facets, &facet_term(name, value))));
        }
        let last = words.len() - 1;
        let word_queries: Vec<(Occur, Box<dyn Query>)> =
            words.iter().enumerate().map(|(i, word)| (Occur::Should, self.word_query(word, i == last))).collect();
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(word_queries))));
        let query = BooleanQuery::new(clauses);

        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(request.limit).order_by_score())?;
        let mut snippets = SnippetGenerator::create(&searcher, &query, f.english.body)?;
        snippets.set_max_num_chars(SNIPPET_CHARS);
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = |field: Field| -> Vec<String> {
                doc.get_all(field).filter_map(|v| v.as_str().map(str::to_owned)).collect()
            };
            let first = |field: Field| text(field).into_iter().next().unwrap_or_default();
            let entity = EntityType::from_id(&first(f.entity)).unwrap_or(EntityType::Organisation);
            let title = first(f.english.title);
            let reasons = why(&self.index, &words, &title, &text(f.english.aliases), &first(f.english.body));
            let snippet = snippets.snippet_from_doc(&doc);
            let snippet = SnippetPart::split(snippet.fragment(), snippet.highlighted());
            hits.push(SearchHit { entity, id: first(f.id), key: first(f.key), title, score, why: reasons, snippet });
        }
        Ok(hits)
    }

    /// One word of the query: its stems in both languages, in every text field, with
    /// names counting more than descriptions; typos and unfinished last words still match
    /// names, at a lower weight.
    fn word_query(&self, word: &str, is_last: bool) -> Box<dyn Query> {
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (language, analyzer) in [(self.fields.english, ENGLISH), (self.fields.dutch, DUTCH)] {
            for term in analysis::terms(&self.index, analyzer, word) {
                for (field, boost) in [(language.title, 3.0), (language.aliases, 2.0), (language.body, 1.0)] {
                    let query = term_query(field, &term);
                    alternatives.push((Occur::Should, Box::new(BoostQuery::new(query, boost))));
                }
                for field in [language.title, language.aliases] {
                    if term.chars().count() >= 5 {
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

pub(crate) fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs))
}

pub(crate) fn facet_term(name: &str, value: &str) -> String {
    format!("{name}={}", value.to_lowercase())
}
