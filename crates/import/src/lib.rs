//! Importers of LSH Hub: research organisations from ROR, funding call topics from the EU
//! Funding & Tenders portal, EU research projects from CORDIS, datasets from DCAT-AP catalogues, and the terms of the Data Use
//! Ontology.
//!
//! An import runs in two steps. Reading decodes the whole file (plain or gzip), parses it as a
//! stream of JSON records and maps each record to a domain value; a record that cannot be used
//! becomes a [`Rejection`] that says where it is and why, and never stops the others. Writing
//! then hands all valid records to storage in one idempotent batch. A file that cannot be read
//! as a whole, or holds no valid record at all, fails before the database is touched.

mod cordis;
mod dcat;
mod duo;
mod error;
mod eu_calls;
mod funder_calls;
pub mod ical;
mod json_stream;
mod records;
mod report;
mod ror;
mod source;
mod sssom;

use std::path::Path;

use lshub_domain::{NewCallTopic, NewOrganisation};
use lshub_storage::{Database, Progress};

pub use cordis::{parse_cordis, SOURCE as CORDIS_SOURCE};
pub use dcat::{import_dcat, read_dcat_file};
pub use duo::parse_duo;
pub use error::ImportError;
pub use eu_calls::{parse_eu_calls, SOURCE as EU_CALLS_SOURCE};
pub use funder_calls::{parse_funder_calls, SOURCE as FUNDER_CALLS_SOURCE};
pub use report::{ImportReport, Parsed, Rejection};
pub use ror::{parse_ror, SOURCE as ROR_SOURCE};
pub use sssom::parse_sssom;

/// Reads and parses a ROR file without writing anything (for dry runs and checks).
/// Fails when the file is unusable or holds no valid organisation.
pub fn read_ror_file(path: &Path) -> Result<Parsed<NewOrganisation>, ImportError> {
    read_file(path, parse_ror, "ROR organisation")
}

/// Reads and parses an EU Funding & Tenders call topics file without writing anything.
/// Fails when the file is unusable or holds no valid call topic.
pub fn read_eu_calls_file(path: &Path) -> Result<Parsed<NewCallTopic>, ImportError> {
    read_file(path, parse_eu_calls, "EU call topic")
}

/// Imports the ROR organisations in the file at `path` (JSON lines, concatenated JSON or a
/// data dump array; optionally gzip-compressed). Re-importing the same file changes nothing.
pub async fn import_ror(db: &Database, path: &Path, progress: &dyn Progress) -> Result<ImportReport, ImportError> {
    let parsed = read_ror_file(path)?;
    let summary = db.upsert_organisations(&parsed.records, progress).await?;
    Ok(ImportReport::new(summary, parsed.rejected))
}

/// Imports the calls of other funders in the file at `path` (CSV or JSON, see
/// [`parse_funder_calls`]). Re-importing the same file changes nothing.
pub async fn import_funder_calls(
    db: &Database,
    path: &Path,
    progress: &dyn Progress,
) -> Result<ImportReport, ImportError> {
    let parsed = read_file(path, parse_funder_calls, "funder's call")?;
    let summary = db.upsert_calls(&parsed.records, progress).await?;
    Ok(ImportReport::new(summary, parsed.rejected))
}

/// Imports the EU call topics in the file at `path`. Re-importing the same file changes nothing.
pub async fn import_eu_calls(db: &Database, path: &Path, progress: &dyn Progress) -> Result<ImportReport, ImportError> {
    let parsed = read_eu_calls_file(path)?;
    let summary = db.upsert_calls(&parsed.records, progress).await?;
    Ok(ImportReport::new(summary, parsed.rejected))
}

/// Imports the CORDIS projects in the file at `path` with their participants. Re-importing
/// the same file changes nothing. Linking participants to organisations is a separate step
/// (it needs the resolver, which this crate does not use).
pub async fn import_cordis(db: &Database, path: &Path, progress: &dyn Progress) -> Result<ImportReport, ImportError> {
    let parsed = read_file(path, parse_cordis, "CORDIS project")?;
    let summary = db.upsert_projects(&parsed.records, progress).await?;
    Ok(ImportReport::new(summary, parsed.rejected))
}

/// Imports the Data Use Ontology's terms in the file at `path` (its term table as JSON lines).
pub async fn import_duo(db: &Database, path: &Path, progress: &dyn Progress) -> Result<ImportReport, ImportError> {
    let parsed = read_file(path, parse_duo, "DUO term")?;
    let summary = db.upsert_terms(lshub_domain::dataset::terms::DUO, &parsed.records, progress).await?;
    Ok(ImportReport::new(summary, parsed.rejected))
}

/// Imports the codes of an SSSOM mapping set (such as MONDO's matches to ICD-10 or Orphanet)
/// with their labels, each as a term of the vocabulary its prefix names.
pub async fn import_sssom(db: &Database, path: &Path, progress: &dyn Progress) -> Result<ImportReport, ImportError> {
    let parsed = read_file(path, parse_sssom, "mapping")?;
    let mut schemes: Vec<&str> = parsed.records.iter().map(|t| sssom::scheme_of(&t.code)).collect();
    schemes.sort_unstable();
    schemes.dedup();
    let mut total = lshub_storage::UpsertSummary::default();
    for scheme in schemes {
        let terms: Vec<_> = parsed.records.iter().filter(|t| sssom::scheme_of(&t.code) == scheme).cloned().collect();
        let summary = db.upsert_terms(scheme, &terms, progress).await?;
        total.inserted += summary.inserted;
        total.updated += summary.updated;
        total.unchanged += summary.unchanged;
    }
    Ok(ImportReport::new(total, parsed.rejected))
}

fn read_file<T>(path: &Path, parse: fn(&str) -> Parsed<T>, what: &str) -> Result<Parsed<T>, ImportError> {
    let text = source::read_text(path)?;
    let parsed = parse(&text);
    if !parsed.records.is_empty() {
        return Ok(parsed);
    }
    let reason = match parsed.rejected.as_slice() {
        [] => "the file holds no records".to_owned(),
        [only] => format!("its only record is not a valid {what} ({only})"),
        [first, ..] => format!("none of its {} records is a valid {what} (the first: {first})", parsed.rejected.len()),
    };
    Err(ImportError::NoValidRecords { path: path.to_owned(), reason, rejected: parsed.rejected })
}
