pub mod eval;
pub mod export;
pub mod import;
pub mod reindex;
pub mod search;
pub mod serve;
