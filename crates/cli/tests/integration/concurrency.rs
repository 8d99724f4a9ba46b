//! Many writers at once: concurrent first imports and re-imports of the same files, from
//! separate processes and from one process, never fail with a lock error and never
//! duplicate a record.

use std::process::Stdio;

use lshub_storage::{Database, NoProgress};

use crate::support::shared_data;

crate::support::per_backend_fresh!(
    concurrent_imports_in_processes_duplicate_nothing,
    concurrent_writers_in_one_process_all_succeed
);

fn count(output: &[u8]) -> usize {
    serde_json::from_slice::<Vec<serde_json::Value>>(output).expect("export is one JSON array").len()
}

fn export(database_url: &str, what: &str) -> usize {
    let output =
        crate::support::lshub_command().args(["--database", database_url, "export", what]).output().expect("export");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    count(&output.stdout)
}

async fn concurrent_imports_in_processes_duplicate_nothing(database_url: String) {
    // The schema first, so the race is about the rows (concurrent migrations are serialised
    // by a lock of their own).
    let migrated =
        crate::support::lshub_command().args(["--database", &database_url, "migrate"]).status().expect("migrate");
    assert!(migrated.success());
    let children: Vec<_> = (0..8)
        .map(|i| {
            let (kind, file) =
                if i % 4 == 3 { ("eu-calls", "eu_calls_open.jsonl.gz") } else { ("ror", "ror_nl_be.jsonl.gz") };
            crate::support::lshub_command()
                .args(["--database", &database_url, "import", kind])
                .arg(shared_data(file))
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start import")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().expect("import");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "a concurrent import failed: {stderr}");
        assert!(!stderr.contains("locked"), "{stderr}");
    }
    assert_eq!(export(&database_url, "organisations"), 2525);
    assert_eq!(export(&database_url, "calls"), 629);
}

async fn concurrent_writers_in_one_process_all_succeed(database_url: String) {
    let db = Database::connect(&database_url).await.expect("connect");
    db.migrate().await.expect("migrate");
    let ror = shared_data("ror_nl_be.jsonl.gz");
    let calls = shared_data("eu_calls_open.jsonl.gz");
    // One task, many futures: the imports are not `Send`, and their database work interleaves
    // all the same, since each waits on its own connection.
    let writers = (0..16).map(|i| {
        let (db, ror, calls) = (&db, &ror, &calls);
        async move {
            if i % 3 == 0 {
                lshub_import::import_eu_calls(db, calls, &NoProgress).await.map(|_| ())
            } else {
                lshub_import::import_ror(db, ror, &NoProgress).await.map(|_| ())
            }
        }
    });
    for result in futures_util::future::join_all(writers).await {
        result.expect("a concurrent writer failed");
    }
    assert_eq!(db.all_organisations().await.expect("organisations").len(), 2525);
    db.close().await;
    assert_eq!(export(&database_url, "calls"), 629);
}
