//! `lshub backup` and `lshub restore` with the real data: a backup taken while an import
//! rewrites every organisation holds one side of it, a restore brings back every row of
//! every table, and a refused or damaged restore changes nothing.

use std::io::{Read, Write};
use std::process::{Output, Stdio};

use sqlx::Row;

use crate::support::{fresh_database, shared_data, Backend};

crate::support::per_backend_fresh!(backup_while_importing_restores_every_row);

fn lshub(database_url: &str, args: &[&str]) -> Output {
    crate::support::lshub_command().args(["--database", database_url]).args(args).output().expect("run lshub")
}

fn succeeded(output: &Output) -> String {
    assert!(output.status.success(), "lshub failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Every row of every table, each value as text, sorted: read with plain SQL, independently
/// of the backup code.
async fn all_rows(database_url: &str) -> Vec<(String, Vec<Vec<Option<String>>>)> {
    sqlx::any::install_default_drivers();
    let sqlite = database_url.starts_with("sqlite:");
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(database_url).await.expect("connect");
    let tables: Vec<String> = if sqlite {
        sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
    } else {
        sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
        )
    }
    .fetch_all(&mut conn)
    .await
    .expect("tables");
    let mut content = Vec::new();
    for table in tables.into_iter().filter(|t| t != "schema_migrations") {
        let columns: Vec<String> = if sqlite {
            sqlx::query_scalar("SELECT name FROM pragma_table_info(?) ORDER BY cid").bind(table.clone())
        } else {
            sqlx::query_scalar(
                "SELECT column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            )
            .bind(table.clone())
        }
        .fetch_all(&mut conn)
        .await
        .expect("columns");
        let select = columns.iter().map(|c| format!("CAST(\"{c}\" AS TEXT)")).collect::<Vec<_>>().join(", ");
        let rows = sqlx::query(&format!("SELECT {select} FROM \"{table}\"")).fetch_all(&mut conn).await.expect("rows");
        let mut values: Vec<Vec<Option<String>>> = rows
            .iter()
            .map(|row| (0..columns.len()).map(|i| row.try_get::<Option<String>, _>(i).expect("value")).collect())
            .collect();
        values.sort();
        content.push((table, values));
    }
    content
}

async fn backup_while_importing_restores_every_row(source: String) {
    let backend = if source.starts_with("sqlite:") { Backend::Sqlite } else { Backend::Postgres };
    succeeded(&lshub(&source, &["import", "ror", &shared_data("ror_nl_be.jsonl.gz").to_string_lossy()]));
    succeeded(&lshub(&source, &["import", "eu-calls", &shared_data("eu_calls_open.jsonl.gz").to_string_lossy()]));
    let before = all_rows(&source).await;
    let rows_in = |table: &str| before.iter().find(|(name, _)| name == table).map_or(0, |(_, rows)| rows.len());
    assert_eq!((rows_in("organisations"), rows_in("call_topics")), (2525, 629));

    // An import that renames every organisation runs while the backup is taken.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(shared_data("ror_nl_be.jsonl.gz")).expect("open"))
        .read_to_string(&mut text)
        .expect("gunzip");
    let renamed = dir.path().join("renamed.jsonl");
    std::fs::File::create(&renamed)
        .and_then(|mut f| f.write_all(text.replace("\"name\": \"", "\"name\": \"Renamed ").as_bytes()))
        .expect("write");
    let importer = crate::support::lshub_command()
        .args(["--database", &source, "import", "ror"])
        .arg(&renamed)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start import");
    let backup = dir.path().join("hub.backup.gz");
    let backup_path = backup.to_string_lossy().into_owned();
    let out = succeeded(&lshub(&source, &["backup", &backup_path]));
    // The organisations, the calls and the changelog's entry for each new call.
    assert!(out.contains("3783 rows in"), "{out}");
    let imported = importer.wait_with_output().expect("import");
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let after = all_rows(&source).await;
    assert_ne!(before, after);

    let target = fresh_database(backend).expect("target database");
    let out = succeeded(&lshub(&target, &["restore", &backup_path]));
    assert!(out.contains("restored"), "{out}");
    let restored = all_rows(&target).await;
    assert!(restored == before || restored == after, "the backup holds a half-applied import");

    // Not over a database that holds rows, unless forced.
    let refused = lshub(&target, &["restore", &backup_path]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"), "{refused:?}");

    // A damaged backup changes nothing, even when forced.
    let mut bytes = Vec::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(&backup).expect("open backup"))
        .read_to_end(&mut bytes)
        .expect("read backup");
    let truncated = dir.path().join("truncated.jsonl");
    std::fs::write(&truncated, &bytes[..bytes.len() * 2 / 3]).expect("write");
    let failed = lshub(&target, &["restore", "--force", &truncated.to_string_lossy()]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("nothing was restored"), "{failed:?}");
    assert_eq!(all_rows(&target).await, restored);

    // Forced, a backup replaces the content: here the source after its import.
    let second = dir.path().join("second.backup");
    succeeded(&lshub(&source, &["backup", &second.to_string_lossy()]));
    succeeded(&lshub(&target, &["restore", "--force", &second.to_string_lossy()]));
    assert_eq!(all_rows(&target).await, after);

    // The restored database takes the next import as the same records.
    let out = succeeded(&lshub(&target, &["import", "ror", &renamed.to_string_lossy()]));
    assert!(out.contains("0 inserted, 0 updated, 2525 unchanged"), "{out}");
}
