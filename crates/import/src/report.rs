//! What an import produced: the records that passed, the ones that did not and why.

use std::fmt;

use lshub_storage::UpsertSummary;

/// A record that was not imported, with where it is in the file and why, so that the
/// user can find and fix it in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// Where the record starts, e.g. `record 12 (line 12)` or `record 3 (line 1, byte 10234)`.
    /// Lines and bytes count in the decompressed text.
    pub position: String,
    /// Why, naming the field when a field is at fault, e.g. `topicId: missing`.
    pub reason: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.position, self.reason)
    }
}

/// The outcome of parsing a file: the valid records, in file order, and the rejections.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<T> {
    pub records: Vec<T>,
    pub rejected: Vec<Rejection>,
}

impl<T> Default for Parsed<T> {
    fn default() -> Self {
        Self { records: Vec::new(), rejected: Vec::new() }
    }
}

/// What an import did to the database, plus the records it had to leave out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: Vec<Rejection>,
}

impl ImportReport {
    pub(crate) fn new(summary: UpsertSummary, rejected: Vec<Rejection>) -> Self {
        Self { inserted: summary.inserted, updated: summary.updated, unchanged: summary.unchanged, rejected }
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} inserted, {} updated, {} unchanged, {} rejected",
            self.inserted,
            self.updated,
            self.unchanged,
            self.rejected.len()
        )
    }
}
