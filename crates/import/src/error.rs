use std::path::PathBuf;

use lshub_storage::StorageError;
use thiserror::Error;

use crate::Rejection;

/// Why an import wrote nothing. Every variant except `Storage` is detected before the
/// database is touched, so a bad file never leaves a half-finished import behind.
#[derive(Debug, Error)]
pub enum ImportError {
    #[error("cannot read {}: {source}", path.display())]
    Unreadable { path: PathBuf, source: std::io::Error },

    /// The bytes cannot be decoded as a whole, e.g. a truncated gzip file.
    #[error("{} is damaged: {reason}; nothing was imported", path.display())]
    Damaged { path: PathBuf, reason: String },

    #[error("{} is not UTF-8 text ({reason}); nothing was imported", path.display())]
    NotText { path: PathBuf, reason: String },

    /// The file could be read but holds not a single usable record: it is empty, in another
    /// format, or every record was rejected (the rejections say why).
    #[error("{} has no valid records: {reason}; nothing was imported", path.display())]
    NoValidRecords { path: PathBuf, reason: String, rejected: Vec<Rejection> },

    /// Some records were refused where the import is all or nothing (the rejections say why).
    #[error("{}: {} refused; nothing was imported", path.display(), plural(rejected.len()))]
    Refused { path: PathBuf, rejected: Vec<Rejection> },

    /// A calendar feed that is not valid iCalendar, at this line (of the file as sent).
    #[error("{feed}, line {line}: {reason}; nothing was imported")]
    BrokenFeed { feed: String, line: usize, reason: String },

    #[error("no organisation has the address name {0:?}")]
    NoSuchOrganisation(String),

    #[error(transparent)]
    Storage(#[from] StorageError),
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 record was".to_owned()
    } else {
        format!("{n} records were")
    }
}
