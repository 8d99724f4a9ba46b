//! Reading stored JSON records through their version's upgrade path (`lshub_domain::record`).

use lshub_domain::record::{self, Versioned};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::error::{QueryContext, StorageError};

/// Reads a record stored at `version`, upgraded to the shape this code writes.
pub(crate) fn read_record<T: Versioned>(id: &str, version: i64, text: &str) -> Result<T, StorageError> {
    record::read(version, text).map_err(|reason| StorageError::CorruptRecord { id: id.to_owned(), reason })
}

/// Reads the `record` and `record_version` columns of a row.
pub(crate) fn record_from_row<T: Versioned>(row: &AnyRow, id: &str) -> Result<T, StorageError> {
    let text: String = row.try_get("record").context("reading a record")?;
    let version: i64 = row.try_get("record_version").context("reading a record's version")?;
    read_record(id, version, &text)
}
