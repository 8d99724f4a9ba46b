//! `lshub import` and `lshub export` as a user runs them: real files, re-imports, damaged
//! and foreign files, and exit codes. Each test gets a fresh database.

use std::io::{Read, Write};
use std::path::Path;
use std::process::Output;

use crate::support::shared_data;

crate::support::per_backend_fresh!(
    real_files_import_and_reimport_idempotently,
    truncated_gzip_changes_nothing,
    invalid_json_mid_stream_rejects_one_record,
    record_without_id_is_rejected,
    empty_and_foreign_files_change_nothing,
    exports_every_row_as_json_and_csv,
    search_prints_json_best_first,
    a_killed_import_leaves_all_or_nothing,
    imports_compute_vectors_that_search_and_reindex_use,
    other_funders_calls_come_as_csv_or_json,
);

/// Runs `lshub` without a model unless `args` name one: encoding every record would make
/// each import test minutes long.
fn lshub(database_url: &str, args: &[&str]) -> Output {
    crate::support::lshub_command().args(["--database", database_url]).args(args).output().expect("run lshub")
}

fn import(database_url: &str, kind: &str, path: &Path) -> (i32, String, String) {
    let output = lshub(database_url, &["import", kind, &path.to_string_lossy()]);
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn count(database_url: &str, what: &str) -> usize {
    let output = lshub(database_url, &["export", what, "--format", "json"]);
    assert!(output.status.success(), "export: {}", String::from_utf8_lossy(&output.stderr));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).expect("export is one JSON array");
    rows.len()
}

fn decompressed(file: &str) -> Vec<u8> {
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(shared_data(file)).expect("open"))
        .read_to_end(&mut text)
        .expect("gunzip");
    text
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::File::create(&path).and_then(|mut f| f.write_all(bytes)).expect("write test file");
    path
}

async fn real_files_import_and_reimport_idempotently(database_url: String) {
    let (code, out, err) = import(&database_url, "ror", &shared_data("ror_nl_be.jsonl.gz"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("2525 inserted, 0 updated, 0 unchanged, 0 rejected"), "{out}");
    let (code, out, _) = import(&database_url, "ror", &shared_data("ror_nl_be.jsonl.gz"));
    assert_eq!(code, 0);
    assert!(out.contains("0 inserted, 0 updated, 2525 unchanged, 0 rejected"), "{out}");
    let (code, out, err) = import(&database_url, "eu-calls", &shared_data("eu_calls_open.jsonl.gz"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("629 inserted"), "{out}");
    // The same records from a plain (not gzip) file, with one record changed.
    let dir = tempfile::tempdir().expect("tempdir");
    let text = String::from_utf8(decompressed("ror_nl_be.jsonl.gz")).expect("utf-8");
    let changed = text.replacen("\"name\": \"Sanquin\"", "\"name\": \"Sanquin Bloedvoorziening\"", 1);
    let (code, out, _) = import(&database_url, "ror", &write_file(dir.path(), "ror.jsonl", changed.as_bytes()));
    assert_eq!(code, 0);
    assert!(out.contains("0 inserted, 1 updated, 2524 unchanged"), "{out}");
    assert_eq!(count(&database_url, "organisations"), 2525);
}

async fn truncated_gzip_changes_nothing(database_url: String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = std::fs::read(shared_data("eu_calls_open.jsonl.gz")).expect("read");
    let truncated = write_file(dir.path(), "calls.jsonl.gz", &bytes[..bytes.len() / 2]);
    let (code, _, err) = import(&database_url, "eu-calls", &truncated);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("calls.jsonl.gz"), "the message names the file: {err}");
    assert_eq!(count(&database_url, "calls"), 0, "nothing half-imported");
}

async fn invalid_json_mid_stream_rejects_one_record(database_url: String) {
    let text = String::from_utf8(decompressed("eu_calls_open.jsonl.gz")).expect("utf-8");
    let third = text.match_indices("}{").nth(1).map(|(i, _)| i + 1).expect("a third record");
    let broken = format!("{}{{\"topicId\": oops, {}", &text[..third], &text[third + 1..]);
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, out, err) = import(&database_url, "eu-calls", &write_file(dir.path(), "broken.json", broken.as_bytes()));
    assert_eq!(code, 3, "some records rejected: {err}");
    assert!(out.contains("628 inserted, 0 updated, 0 unchanged, 1 rejected"), "{out}");
    assert!(err.contains("record 3"), "the rejection gives its position: {err}");
    assert_eq!(count(&database_url, "calls"), 628);
}

async fn record_without_id_is_rejected(database_url: String) {
    let text = String::from_utf8(decompressed("ror_nl_be.jsonl.gz")).expect("utf-8");
    let mut lines: Vec<String> = text.lines().take(10).map(str::to_owned).collect();
    let mut record: serde_json::Value = serde_json::from_str(&lines[4]).expect("record");
    record.as_object_mut().expect("object").remove("id");
    lines[4] = record.to_string();
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, out, err) =
        import(&database_url, "ror", &write_file(dir.path(), "ror.jsonl", lines.join("\n").as_bytes()));
    assert_eq!(code, 3, "{err}");
    assert!(out.contains("9 inserted, 0 updated, 0 unchanged, 1 rejected"), "{out}");
    assert!(err.contains("record 5") && err.contains("id"), "{err}");
}

async fn empty_and_foreign_files_change_nothing(database_url: String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = write_file(dir.path(), "empty.jsonl", b"");
    let csv = write_file(dir.path(), "orgs.csv", b"name,city\nSanquin,Amsterdam\nAmsterdam UMC,Amsterdam\n");
    let calls_as_ror = shared_data("eu_calls_open.jsonl.gz");
    for (kind, path) in [
        ("ror", empty.as_path()),
        ("eu-calls", empty.as_path()),
        ("ror", csv.as_path()),
        ("ror", calls_as_ror.as_path()),
    ] {
        let (code, out, err) = import(&database_url, kind, path);
        assert_eq!(code, 1, "{kind} {}: {out} {err}", path.display());
        assert!(err.contains("error:"), "a clear message: {err}");
    }
    let (code, _, err) = import(&database_url, "ror", &dir.path().join("missing.jsonl"));
    assert_eq!(code, 1);
    assert!(err.contains("missing.jsonl"), "{err}");
    assert_eq!(count(&database_url, "organisations"), 0);
}

async fn exports_every_row_as_json_and_csv(database_url: String) {
    import(&database_url, "ror", &shared_data("ror_nl_be.jsonl.gz"));
    import(&database_url, "eu-calls", &shared_data("eu_calls_open.jsonl.gz"));
    assert_eq!(count(&database_url, "organisations"), 2525);
    assert_eq!(count(&database_url, "calls"), 629);
    for (what, rows, first_column) in [("organisations", 2525, "slug"), ("calls", 629, "topic_id")] {
        let output = lshub(&database_url, &["export", what, "--format", "csv"]);
        assert!(output.status.success());
        let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
        assert_eq!(reader.headers().expect("header").get(0), Some(first_column));
        assert_eq!(reader.records().filter(|r| r.is_ok()).count(), rows, "{what}");
    }
}

async fn search_prints_json_best_first(database_url: String) {
    import(&database_url, "ror", &shared_data("ror_nl_be.jsonl.gz"));
    import(&database_url, "eu-calls", &shared_data("eu_calls_open.jsonl.gz"));
    let output = lshub(
        &database_url,
        &["search", "Sanquin blood", "--type", "organisation", "--limit", "3", "--format", "json"],
    );
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let hits: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).expect("a JSON array");
    assert!(!hits.is_empty() && hits.len() <= 3);
    assert_eq!(hits[0]["id"], "https://ror.org/01fm2fv39");
    for field in ["id", "type", "title", "score", "why"] {
        assert!(!hits[0][field].is_null(), "{field}");
    }
    let scores: Vec<f64> = hits.iter().filter_map(|h| h["score"].as_f64()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first");
    let output = lshub(&database_url, &["search", "lung cancer", "--type", "call", "--format", "json"]);
    let hits: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).expect("a JSON array");
    assert!(hits.iter().all(|h| h["type"] == "call") && !hits.is_empty());
    let refused = lshub(&database_url, &["search", "x", "--limit", "0"]);
    assert_eq!(refused.status.code(), Some(2), "clap refuses an out-of-range limit");
}

async fn a_killed_import_leaves_all_or_nothing(database_url: String) {
    // Kill the importer at several points of its run; each time the database must hold either
    // the whole file or none of it, pass its integrity check, and take the next import.
    let output = lshub(&database_url, &["migrate"]);
    assert!(output.status.success());
    for delay_ms in [50, 300, 600, 700, 800, 900, 1000, 1200] {
        let mut child = crate::support::lshub_command()
            .args(["--database", &database_url, "import", "ror"])
            .arg(shared_data("ror_nl_be.jsonl.gz"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start import");
        tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
        let _ = child.kill(); // SIGKILL on Unix; the import may also have finished already
        let _ = child.wait();
        let organisations = count(&database_url, "organisations");
        assert!(organisations == 0 || organisations == 2525, "after a kill at {delay_ms} ms: {organisations}");
        eprintln!("killed after {delay_ms} ms: {organisations} organisations");
        let db = lshub_storage::Database::connect(&database_url).await.expect("reopen");
        if let Some(verdict) = db.integrity_check().await.expect("integrity check") {
            assert_eq!(verdict, "ok");
        }
        db.close().await;
    }
    let (code, _, err) = import(&database_url, "ror", &shared_data("ror_nl_be.jsonl.gz"));
    assert_eq!(code, 0, "{err}");
    assert_eq!(count(&database_url, "organisations"), 2525);
}

/// Health and cancer calls of the real file, as JSON lines: enough to check semantic search
/// through the CLI without encoding every record.
fn health_calls(dir: &Path) -> std::path::PathBuf {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(shared_data("eu_calls_open.jsonl.gz")).expect("open"))
        .read_to_string(&mut text)
        .expect("read");
    let calls: Vec<serde_json::Value> = serde_json::Deserializer::from_str(text.trim_start_matches('\u{feff}'))
        .into_iter::<serde_json::Value>()
        .filter_map(Result::ok)
        .filter(|c| {
            c["topicId"].as_str().is_some_and(|id| id.starts_with("HORIZON-MISS") || id.starts_with("HORIZON-HLTH"))
        })
        .take(40)
        .collect();
    assert_eq!(calls.len(), 40);
    let path = dir.join("health_calls.jsonl");
    let mut file = std::fs::File::create(&path).expect("create");
    for call in calls {
        writeln!(file, "{call}").expect("write");
    }
    path
}

async fn imports_compute_vectors_that_search_and_reindex_use(database_url: String) {
    let Some(_) = crate::support::model() else { return };
    let model_dir = std::env::var("LSHUB_MODEL_DIR").expect("the model directory");
    let dir = tempfile::tempdir().expect("temporary directory");
    let calls = health_calls(dir.path());
    let with_model = |args: &[&str]| {
        let mut all = vec!["--model-dir", model_dir.as_str()];
        all.extend_from_slice(args);
        lshub(&database_url, &all)
    };
    let output = with_model(&["import", "eu-calls", &calls.to_string_lossy()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let output = with_model(&["reindex"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("0 computed, 40 still current"), "the import stored every vector: {stdout}");
    assert!(stdout.contains("40 entities, 40 with a sentence vector"), "{stdout}");
    let output = with_model(&["search", "tumour", "--type", "call", "--format", "json"]);
    let hits: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).expect("a JSON array");
    let meaning =
        |h: &serde_json::Value| h["why"].as_array().is_some_and(|w| w.iter().any(|r| r["field"] == "meaning"));
    assert!(hits.iter().any(meaning), "ranked by meaning too: {hits:?}");
    let output = lshub(&database_url, &["search", "tumour", "--type", "call", "--format", "json"]);
    let hits: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).expect("a JSON array");
    assert!(!hits.iter().any(meaning), "without a model, words only");
    assert!(String::from_utf8_lossy(&output.stderr).contains("no sentence-embedding model"), "said once");
    let broken = lshub(&database_url, &["--model-dir", "/nonexistent", "search", "x"]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&broken.stderr).contains("cannot read the model at /nonexistent"), "a clear error");
}

/// A national funder's calls, first as CSV with a bad row, then as the same calls in JSON:
/// they join the EU's calls, are searched alike, and importing again changes nothing.
async fn other_funders_calls_come_as_csv_or_json(database_url: String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = "topicId,title,funder,openingDate,deadlines,budgetMax,keywords,description\n\
        ZONMW-2099-01,Preventie van hart- en vaatziekten,ZonMw,2099-01-10,2099-03-01;2099-09-01,750000.00,preventie,Onderzoek naar preventie.\n\
        KWF-2099-02,Early detection of pancreatic cancer,KWF,,2099-05-15,1200000,,Screening research.\n\
        NWO-2099-03,Broken,NWO,,,12.5,,\n";
    let (code, out, err) = import(&database_url, "funder-calls", &write_file(dir.path(), "calls.csv", csv.as_bytes()));
    assert_eq!(code, 3, "some rows were rejected: {out}{err}");
    assert!(out.contains("2 inserted, 0 updated, 0 unchanged, 1 rejected"), "{out}");
    assert!(format!("{out}{err}").contains("record 3 (line 4): budgetMax: '12.5' has cents"), "{out}{err}");
    let json = r#"[{"topicId":"ZONMW-2099-01","title":"Preventie van hart- en vaatziekten","funder":"ZonMw",
        "openingDate":"2099-01-10","deadlines":["2099-03-01","2099-09-01"],"budgetMax":750000,
        "keywords":["preventie"],"description":"Onderzoek naar preventie."},
        {"topicId":"KWF-2099-02","title":"Early detection of pancreatic cancer","funder":"KWF",
        "deadlines":"2099-05-15","budgetMax":"1200000","description":"Screening research."}]"#;
    let (code, out, err) =
        import(&database_url, "funder-calls", &write_file(dir.path(), "calls.json", json.as_bytes()));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("0 inserted, 0 updated, 2 unchanged"), "the same calls in JSON: {out}");
    import(&database_url, "eu-calls", &shared_data("eu_calls_open.jsonl.gz"));
    assert_eq!(count(&database_url, "calls"), 631);
    let output = lshub(&database_url, &["search", "pancreatic cancer screening", "--type", "call", "--format", "json"]);
    let hits: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).expect("a JSON array");
    assert_eq!(hits.first().map(|h| h["id"].clone()), Some("KWF-2099-02".into()), "{hits:?}");
}
