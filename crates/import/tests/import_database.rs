//! The whole import, file to database, on a temporary SQLite database.

// A test stops at the first expectation that fails: unwrapping is how it says so.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use lshub_import::{import_eu_calls, import_ror, ImportError};
use lshub_storage::{Database, NoProgress};

fn data_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(name)
}

async fn database(dir: &Path) -> Database {
    let url = format!("sqlite://{}", dir.join("hub.db").display());
    let db = Database::connect(&url).await.expect("connect");
    db.migrate().await.expect("migrate");
    db
}

#[tokio::test]
async fn importing_the_real_files_twice_changes_nothing_the_second_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = database(dir.path()).await;

    let first = import_ror(&db, &data_file("ror_nl_be.jsonl.gz"), &NoProgress).await.expect("import ROR");
    assert_eq!((first.inserted, first.updated, first.unchanged, first.rejected.len()), (2525, 0, 0, 0));
    let again = import_ror(&db, &data_file("ror_nl_be.jsonl.gz"), &NoProgress).await.expect("re-import ROR");
    assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 2525));

    let calls = import_eu_calls(&db, &data_file("eu_calls_open.jsonl.gz"), &NoProgress).await.expect("import calls");
    assert_eq!((calls.inserted, calls.updated, calls.unchanged, calls.rejected.len()), (629, 0, 0, 0));
    let again = import_eu_calls(&db, &data_file("eu_calls_open.jsonl.gz"), &NoProgress).await.expect("re-import");
    assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 629));

    let png = db.call_by_topic_id("EuropeAid/186246/DD/ACT/NG").await.expect("query").expect("stored");
    assert_eq!(png.provenance.source_id, "EuropeAid/186246/DD/ACT/NG");
}

#[tokio::test]
async fn a_file_without_valid_records_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = database(dir.path()).await;
    let csv = dir.path().join("calls.csv");
    std::fs::write(&csv, "topicId,title\nHORIZON-X,Something\n").expect("write");

    let error = import_eu_calls(&db, &csv, &NoProgress).await.expect_err("a CSV is not importable");
    assert!(matches!(error, ImportError::NoValidRecords { .. }), "{error:?}");
    assert_eq!(db.all_calls(lshub_domain::CallSort::Deadline).await.expect("list").len(), 0);
}
