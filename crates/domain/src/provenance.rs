use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a record came from: the source's name and the record's id there.
/// Re-imports are keyed on this pair, so they update instead of duplicating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceRef {
    pub source: String,
    pub source_id: String,
}

impl SourceRef {
    pub fn validate(&self) -> Result<(), crate::ValidationError> {
        crate::validation::required_text("source", &self.source, 50)?;
        crate::validation::required_text("sourceId", &self.source_id, 300)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Provenance {
    pub source: String,
    pub source_id: String,
    pub first_imported: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
}
