//! Backup and restore: a portable logical dump of every table, written and read by the hub
//! itself, the same on SQLite and PostgreSQL (so a backup can also move a hub from one to
//! the other).
//!
//! The dump is JSON lines. A header names the format and the schema's migrations; then for
//! each table a line with its name, columns and row count, followed by one JSON array per
//! row; then a line per uploaded file (its hash and its bytes in base64, checked against the
//! hash on restore); an end line closes the file, so a truncated copy is refused. Tables are found in the
//! database itself, not listed here, so tables added by later migrations are covered too.
//!
//! A backup reads everything in one read transaction (a snapshot on both backends: WAL on
//! SQLite, REPEATABLE READ on PostgreSQL), so it is consistent while the hub serves and
//! imports. A restore is one write transaction: it rebuilds the schema at the backup's
//! version, loads the rows, applies any newer migrations and commits, or changes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Write};

use chrono::Utc;
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::any::{AnyArguments, AnyRow, AnyTypeInfoKind};
use sqlx::{AnyConnection, Arguments, Row, ValueRef};

use crate::error::{QueryContext, StorageError};
use crate::migrations::{known_versions, POSTGRES_MIGRATION_LOCK};
use crate::uploads::{hash_of, Uploads};
use crate::{Backend, Database};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;

/// The name in every backup's header, so another JSON-lines file is not taken for one.
const FORMAT: &str = "lshub-backup";
/// The version of the dump format (not of the schema, which the header lists separately);
/// version 2 added the uploaded files, and version 1 is still read.
const FORMAT_VERSION: u32 = 2;
/// Bound parameters per INSERT, well within SQLite's and PostgreSQL's limits.
const PARAMETERS_PER_INSERT: usize = 900;

#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    created_at: String,
    backend: String,
    migrations: Vec<i64>,
}

#[derive(Serialize, Deserialize)]
struct TableHeader {
    table: String,
    columns: Vec<String>,
    rows: u64,
}

#[derive(Serialize, Deserialize)]
struct End {
    end: EndCounts,
}

#[derive(Serialize, Deserialize)]
struct EndCounts {
    tables: u64,
    rows: u64,
    #[serde(default)]
    uploads: u64,
}

/// One uploaded file.
#[derive(Serialize, Deserialize)]
struct UploadLine {
    upload: String,
    data: String,
}

/// What a backup or restore covered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupSummary {
    /// Each table with its number of rows, by name.
    pub tables: BTreeMap<String, u64>,
    /// The uploaded files.
    pub uploads: u64,
    /// The schema version (the newest migration) of the backup.
    pub schema_version: i64,
}

impl BackupSummary {
    pub fn rows(&self) -> u64 {
        self.tables.values().sum()
    }
}

impl Database {
    /// Writes every row of every table to `out` as one consistent snapshot, then every
    /// uploaded file (files are never changed or removed, so those the rows name are there).
    pub async fn backup(&self, out: &mut (dyn Write + Send), uploads: &Uploads) -> Result<BackupSummary, StorageError> {
        let begin = match self.backend() {
            // The first read starts the snapshot; writers carry on in the WAL meanwhile.
            Backend::Sqlite => self.pool().begin().await,
            Backend::Postgres => self.pool().begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await,
        };
        let mut tx = begin.context("starting the backup's read transaction")?;
        let conn: &mut AnyConnection = &mut tx;
        let migrations: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations ORDER BY version")
            .fetch_all(&mut *conn)
            .await
            .context("reading the schema version")?;
        let schema_version = migrations.last().copied().ok_or_else(|| backup_error("the database has no schema"))?;
        let header = Header {
            format: FORMAT.into(),
            version: FORMAT_VERSION,
            created_at: Utc::now().to_rfc3339(),
            backend: self.backend().name().into(),
            migrations,
        };
        write_line(out, &header)?;
        let mut summary = BackupSummary { tables: BTreeMap::new(), uploads: 0, schema_version };
        for table in tables_in_dependency_order(self.backend(), conn).await? {
            let columns: Vec<String> =
                columns_of(self.backend(), conn, &table).await?.into_iter().map(|(c, _)| c).collect();
            let count: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {}", quote(&table)))
                .fetch_one(&mut *conn)
                .await
                .context("counting a table's rows")?;
            let rows = u64::try_from(count).map_err(|_| backup_error("a negative row count"))?;
            write_line(out, &TableHeader { table: table.clone(), columns: columns.clone(), rows })?;
            let select = format!(
                "SELECT {} FROM {}",
                columns.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", "),
                quote(&table)
            );
            let mut written = 0u64;
            let mut stream = sqlx::query(&select).fetch(&mut *conn);
            while let Some(row) = stream.try_next().await.context("reading rows for the backup")? {
                write_line(out, &row_values(&row, &table)?)?;
                written += 1;
            }
            if written != rows {
                return Err(backup_error(format!(
                    "{table} changed during the backup ({rows} counted, {written} read)"
                )));
            }
            summary.tables.insert(table, rows);
        }
        for hash in uploads.list()? {
            let bytes = uploads.get(&hash)?.ok_or_else(|| backup_error(format!("the upload {hash} vanished")))?;
            write_line(out, &UploadLine { data: BASE64.encode(&bytes), upload: hash })?;
            summary.uploads += 1;
        }
        let end = EndCounts { tables: summary.tables.len() as u64, rows: summary.rows(), uploads: summary.uploads };
        write_line(out, &End { end })?;
        out.flush().map_err(|e| backup_error(format!("writing the backup: {e}")))?;
        tx.commit().await.context("ending the backup's read transaction")?;
        Ok(summary)
    }

    /// Replaces the database's content with the backup read from `input`, all or nothing,
    /// and adds its uploaded files to `uploads` (a file is kept even if the restore then
    /// fails: named by its bytes, it harms nothing). A database holding any row is refused
    /// unless `force` is set.
    pub async fn restore(
        &self,
        input: &mut (dyn BufRead + Send),
        force: bool,
        uploads: &Uploads,
    ) -> Result<BackupSummary, StorageError> {
        let mut lines = Lines { input, number: 0, buffer: String::new() };
        let header: Header = lines.next_json("the header")?;
        if header.format != FORMAT {
            return Err(restore_error(1, "this is not an LSH Hub backup"));
        }
        if !(1..=FORMAT_VERSION).contains(&header.version) {
            return Err(restore_error(1, format!("backup format {} is not supported by this lshub", header.version)));
        }
        let schema_version = check_schema(&header.migrations)?;

        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        match self.backend() {
            // Rows arrive table by table; references are checked once all are in.
            Backend::Sqlite => sqlx::raw_sql("PRAGMA defer_foreign_keys = ON").execute(&mut *conn).await,
            // No node may migrate while the schema is rebuilt.
            Backend::Postgres => {
                sqlx::raw_sql(&format!("SELECT pg_advisory_xact_lock({POSTGRES_MIGRATION_LOCK})"))
                    .execute(&mut *conn)
                    .await
            }
        }
        .context("preparing the restore")?;

        clear(self.backend(), conn, force).await?;
        self.apply_pending(conn, Some(schema_version)).await?;

        let mut summary = BackupSummary { tables: BTreeMap::new(), uploads: 0, schema_version };
        loop {
            let line = lines.next_value("a table, a file or the end")?;
            if let Ok(end) = serde_json::from_value::<End>(line.clone()) {
                if end.end.tables != summary.tables.len() as u64
                    || end.end.rows != summary.rows()
                    || end.end.uploads != summary.uploads
                {
                    return Err(restore_error(lines.number, "the end line does not match the tables and files read"));
                }
                break;
            }
            if let Ok(upload) = serde_json::from_value::<UploadLine>(line.clone()) {
                let bytes = BASE64.decode(upload.data.as_bytes()).map_err(|e| {
                    restore_error(lines.number, format!("the file {} is not base64: {e}", upload.upload))
                })?;
                if hash_of(&bytes) != upload.upload {
                    return Err(restore_error(
                        lines.number,
                        format!("the file {} does not match its hash", upload.upload),
                    ));
                }
                uploads.put(&bytes)?;
                summary.uploads += 1;
                continue;
            }
            let table: TableHeader = serde_json::from_value(line)
                .map_err(|e| restore_error(lines.number, format!("expected a table: {e}")))?;
            let rows = restore_table(self.backend(), conn, &table, &mut lines).await?;
            if summary.tables.insert(table.table.clone(), rows).is_some() {
                return Err(restore_error(lines.number, format!("table {} appears twice", table.table)));
            }
        }
        if lines.has_more()? {
            return Err(restore_error(lines.number + 1, "there is more after the end line"));
        }
        self.apply_pending(conn, None).await?;
        if self.backend() == Backend::Postgres {
            reset_sequences(conn).await?;
        }
        tx.commit().await.context("committing the restore")?;
        Ok(summary)
    }
}

/// Accepts the backup's migrations if they are exactly this build's, up to the newest of
/// them; returns that version.
fn check_schema(migrations: &[i64]) -> Result<i64, StorageError> {
    let newest = *migrations.iter().max().ok_or_else(|| restore_error(1, "the backup lists no migrations"))?;
    let expected: Vec<i64> = known_versions().filter(|v| *v <= newest).collect();
    if !known_versions().any(|v| v == newest) {
        return Err(restore_error(
            1,
            format!("the backup has schema version {newest}, which this lshub does not know; upgrade lshub"),
        ));
    }
    let mut listed = migrations.to_vec();
    listed.sort_unstable();
    if listed != expected {
        return Err(restore_error(
            1,
            format!("the backup's migrations {listed:?} do not match this lshub's {expected:?}"),
        ));
    }
    Ok(newest)
}

/// Removes every table (and view) so the schema can be built afresh, after checking that
/// they hold no rows unless `force` is set.
async fn clear(backend: Backend, conn: &mut AnyConnection, force: bool) -> Result<(), StorageError> {
    let tables = user_tables(backend, conn).await?;
    if !force {
        for table in tables.iter().filter(|t| *t != "schema_migrations") {
            let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {}", quote(table)))
                .fetch_one(&mut *conn)
                .await
                .context("checking that the database is empty")?;
            if rows > 0 {
                return Err(StorageError::NotEmpty { table: table.clone(), rows });
            }
        }
    }
    let views: Vec<String> = match backend {
        Backend::Sqlite => sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'view'"),
        Backend::Postgres => sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.views WHERE table_schema = current_schema()",
        ),
    }
    .fetch_all(&mut *conn)
    .await
    .context("listing views")?;
    let cascade = if backend == Backend::Postgres { " CASCADE" } else { "" };
    for view in views {
        sqlx::raw_sql(&format!("DROP VIEW IF EXISTS {}{cascade}", quote(&view)))
            .execute(&mut *conn)
            .await
            .context("dropping a view")?;
    }
    // Children before their parents: on SQLite, dropping a table deletes its rows first, and
    // a cascade from a parent that is gone already fails ("no such table").
    let mut ordered = tables_in_dependency_order(backend, conn).await?;
    ordered.reverse();
    ordered.extend(tables.into_iter().filter(|t| t == "schema_migrations"));
    for table in ordered {
        sqlx::raw_sql(&format!("DROP TABLE IF EXISTS {}{cascade}", quote(&table)))
            .execute(&mut *conn)
            .await
            .context("dropping a table")?;
    }
    Ok(())
}

async fn restore_table(
    backend: Backend,
    conn: &mut AnyConnection,
    table: &TableHeader,
    lines: &mut Lines<'_>,
) -> Result<u64, StorageError> {
    let target = columns_of(backend, conn, &table.table).await?;
    if target.is_empty() {
        return Err(restore_error(lines.number, format!("the schema has no table {}", table.table)));
    }
    let kinds = table
        .columns
        .iter()
        .map(|c| {
            target.iter().find(|(name, _)| name == c).map(|(_, kind)| *kind).ok_or_else(|| {
                restore_error(lines.number, format!("the schema's table {} has no column {c}", table.table))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let per_insert = (PARAMETERS_PER_INSERT / table.columns.len().max(1)).max(1);
    let mut batch: Vec<Vec<Value>> = Vec::with_capacity(per_insert);
    let mut restored = 0u64;
    for _ in 0..table.rows {
        let line = lines.next_value("a row")?;
        let Value::Array(values) = line else {
            return Err(restore_error(lines.number, format!("expected a row of {}", table.table)));
        };
        if values.len() != kinds.len() {
            return Err(restore_error(
                lines.number,
                format!("a row of {} has {} values for {} columns", table.table, values.len(), kinds.len()),
            ));
        }
        batch.push(values);
        if batch.len() == per_insert {
            insert(backend, conn, table, &kinds, &batch, lines.number).await?;
            restored += batch.len() as u64;
            batch.clear();
        }
    }
    if !batch.is_empty() {
        insert(backend, conn, table, &kinds, &batch, lines.number).await?;
        restored += batch.len() as u64;
    }
    Ok(restored)
}

async fn insert(
    backend: Backend,
    conn: &mut AnyConnection,
    table: &TableHeader,
    kinds: &[ColumnKind],
    rows: &[Vec<Value>],
    line: u64,
) -> Result<(), StorageError> {
    let mut args = AnyArguments::default();
    let mut tuples = Vec::with_capacity(rows.len());
    let mut parameter = 0;
    for row in rows {
        let mut placeholders = Vec::with_capacity(row.len());
        for (value, kind) in row.iter().zip(kinds) {
            bind(&mut args, value, *kind)
                .map_err(|reason| restore_error(line, format!("{}: {reason}", table.table)))?;
            parameter += 1;
            placeholders.push(match backend {
                Backend::Sqlite => "?".to_owned(),
                Backend::Postgres => format!("${parameter}"),
            });
        }
        tuples.push(format!("({})", placeholders.join(", ")));
    }
    // Identity columns keep the backed-up values.
    let overriding = if backend == Backend::Postgres { " OVERRIDING SYSTEM VALUE" } else { "" };
    let sql = format!(
        "INSERT INTO {} ({}){overriding} VALUES {}",
        quote(&table.table),
        table.columns.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", "),
        tuples.join(", ")
    );
    sqlx::query_with(&sql, args).execute(&mut *conn).await.context("restoring rows")?;
    Ok(())
}

/// Moves every sequence past the restored values, so new rows do not collide with them.
async fn reset_sequences(conn: &mut AnyConnection) -> Result<(), StorageError> {
    let rows = sqlx::query(
        "SELECT table_name::text, column_name::text, pg_get_serial_sequence(quote_ident(table_name), column_name)::text \
         FROM information_schema.columns WHERE table_schema = current_schema() \
         AND pg_get_serial_sequence(quote_ident(table_name), column_name) IS NOT NULL",
    )
    .fetch_all(&mut *conn)
    .await
    .context("listing sequences")?;
    for row in rows {
        let get = |i| row.try_get::<String, _>(i).context("listing sequences");
        let (table, column, sequence) = (get(0)?, get(1)?, get(2)?);
        let sql = format!(
            "SELECT setval('{}', COALESCE(MAX({}), 0) + 1, false) FROM {}",
            sequence.replace('\'', "''"),
            quote(&column),
            quote(&table)
        );
        sqlx::raw_sql(&sql).execute(&mut *conn).await.context("resetting a sequence")?;
    }
    Ok(())
}

/// How a column's values are bound on restore. PostgreSQL needs the column's own type (a
/// NULL or a 0/1 from SQLite must arrive typed); SQLite takes each value as it comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnKind {
    SmallInt,
    Integer,
    BigInt,
    Bool,
    Double,
    Bytes,
    Text,
    AsGiven,
}

fn postgres_kind(data_type: &str) -> ColumnKind {
    match data_type {
        "smallint" => ColumnKind::SmallInt,
        "integer" => ColumnKind::Integer,
        "bigint" => ColumnKind::BigInt,
        "boolean" => ColumnKind::Bool,
        "real" | "double precision" => ColumnKind::Double,
        "bytea" => ColumnKind::Bytes,
        _ => ColumnKind::Text,
    }
}

fn bind(args: &mut AnyArguments<'static>, value: &Value, kind: ColumnKind) -> Result<(), String> {
    let wrong = || format!("{value} does not fit a {kind:?} column");
    let integer = || value.as_i64().or_else(|| value.as_bool().map(i64::from)).ok_or_else(wrong);
    let added = match (kind, value) {
        (ColumnKind::SmallInt, Value::Null) => args.add(None::<i16>),
        (ColumnKind::Integer, Value::Null) => args.add(None::<i32>),
        (ColumnKind::BigInt, Value::Null) => args.add(None::<i64>),
        (ColumnKind::Bool, Value::Null) => args.add(None::<bool>),
        (ColumnKind::Double, Value::Null) => args.add(None::<f64>),
        (ColumnKind::Bytes, Value::Null) => args.add(None::<Vec<u8>>),
        (ColumnKind::Text | ColumnKind::AsGiven, Value::Null) => args.add(None::<String>),
        (ColumnKind::SmallInt, _) => args.add(i16::try_from(integer()?).map_err(|_| wrong())?),
        (ColumnKind::Integer, _) => args.add(i32::try_from(integer()?).map_err(|_| wrong())?),
        (ColumnKind::BigInt, _) => args.add(integer()?),
        (ColumnKind::Bool, Value::Bool(b)) => args.add(*b),
        (ColumnKind::Bool, _) => args.add(integer()? != 0),
        (ColumnKind::Double, _) => args.add(value.as_f64().ok_or_else(wrong)?),
        (ColumnKind::Bytes | ColumnKind::AsGiven, Value::Object(_)) => args.add(bytes_from(value).ok_or_else(wrong)?),
        (ColumnKind::Text | ColumnKind::AsGiven, Value::String(s)) => args.add(s.clone()),
        (ColumnKind::AsGiven, Value::Bool(b)) => args.add(*b),
        (ColumnKind::AsGiven, Value::Number(n)) => match n.as_i64() {
            Some(i) => args.add(i),
            None => args.add(n.as_f64().ok_or_else(wrong)?),
        },
        _ => return Err(wrong()),
    };
    added.map_err(|e| e.to_string())
}

/// A row as JSON values: numbers, text, booleans and null as themselves, bytes as
/// `{"hex": "..."}`.
fn row_values(row: &AnyRow, table: &str) -> Result<Vec<Value>, StorageError> {
    let unreadable = |e: sqlx::Error| backup_error(format!("a value in {table} is unreadable: {e}"));
    (0..row.len())
        .map(|i| {
            let raw = row.try_get_raw(i).map_err(unreadable)?;
            if raw.is_null() {
                return Ok(Value::Null);
            }
            let kind = raw.type_info().kind();
            Ok(match kind {
                AnyTypeInfoKind::Null => Value::Null,
                AnyTypeInfoKind::Bool => Value::Bool(row.try_get(i).map_err(unreadable)?),
                AnyTypeInfoKind::SmallInt => Value::from(row.try_get::<i16, _>(i).map_err(unreadable)?),
                AnyTypeInfoKind::Integer => Value::from(row.try_get::<i32, _>(i).map_err(unreadable)?),
                AnyTypeInfoKind::BigInt => Value::from(row.try_get::<i64, _>(i).map_err(unreadable)?),
                AnyTypeInfoKind::Real => finite(f64::from(row.try_get::<f32, _>(i).map_err(unreadable)?), table)?,
                AnyTypeInfoKind::Double => finite(row.try_get::<f64, _>(i).map_err(unreadable)?, table)?,
                AnyTypeInfoKind::Text => Value::String(row.try_get(i).map_err(unreadable)?),
                AnyTypeInfoKind::Blob => {
                    let bytes: Vec<u8> = row.try_get(i).map_err(unreadable)?;
                    serde_json::json!({ "hex": hex(&bytes) })
                }
            })
        })
        .collect()
}

/// JSON has no NaN or infinity; refusing them beats restoring something else.
fn finite(value: f64, table: &str) -> Result<Value, StorageError> {
    serde_json::Number::from_f64(value)
        .map(Value::Number)
        .ok_or_else(|| backup_error(format!("{table} holds {value}, which a backup cannot represent")))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn bytes_from(value: &Value) -> Option<Vec<u8>> {
    let text = value.get("hex")?.as_str()?;
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// Every table of the hub except SQLite's own, with `schema_migrations`.
async fn user_tables(backend: Backend, conn: &mut AnyConnection) -> Result<Vec<String>, StorageError> {
    match backend {
        Backend::Sqlite => sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
        ),
        Backend::Postgres => sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
        ),
    }
    .fetch_all(&mut *conn)
    .await
    .context("listing tables")
}

/// The data tables, each after the tables it refers to, so that rows can be inserted in
/// this order on a database that checks references at once.
async fn tables_in_dependency_order(backend: Backend, conn: &mut AnyConnection) -> Result<Vec<String>, StorageError> {
    let tables: Vec<String> =
        user_tables(backend, conn).await?.into_iter().filter(|t| t != "schema_migrations").collect();
    let mut references: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for table in &tables {
        let parents: Vec<String> = match backend {
            Backend::Sqlite => {
                sqlx::query_scalar("SELECT \"table\" FROM pragma_foreign_key_list(?)").bind(table.as_str())
            }
            Backend::Postgres => sqlx::query_scalar(
                "SELECT parent.relname::text FROM pg_constraint c \
                 JOIN pg_class child ON child.oid = c.conrelid JOIN pg_class parent ON parent.oid = c.confrelid \
                 JOIN pg_namespace n ON n.oid = child.relnamespace \
                 WHERE c.contype = 'f' AND n.nspname = current_schema() AND child.relname = $1",
            )
            .bind(table.as_str()),
        }
        .fetch_all(&mut *conn)
        .await
        .context("listing foreign keys")?;
        references.insert(table.clone(), parents.into_iter().filter(|p| p != table && tables.contains(p)).collect());
    }
    Ok(dependency_order(&tables, &references))
}

/// Orders `tables` so every table follows those it refers to; a cycle, which no order can
/// satisfy, is left in name order.
fn dependency_order(tables: &[String], references: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut ordered: Vec<String> = Vec::with_capacity(tables.len());
    let mut remaining: Vec<&String> = tables.iter().collect();
    while !remaining.is_empty() {
        let ready =
            remaining.iter().position(|t| references.get(*t).is_none_or(|p| p.iter().all(|p| ordered.contains(p))));
        let next = remaining.remove(ready.unwrap_or(0));
        ordered.push(next.clone());
    }
    ordered
}

/// The columns of `table` in their order, with how to bind values for them.
async fn columns_of(
    backend: Backend,
    conn: &mut AnyConnection,
    table: &str,
) -> Result<Vec<(String, ColumnKind)>, StorageError> {
    let rows = match backend {
        Backend::Sqlite => sqlx::query("SELECT name, type FROM pragma_table_info(?) ORDER BY cid").bind(table),
        Backend::Postgres => sqlx::query(
            "SELECT column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(table),
    }
    .fetch_all(&mut *conn)
    .await
    .context("listing columns")?;
    let mut columns = Vec::with_capacity(rows.len());
    for row in rows {
        let name: String = row.try_get(0).context("listing columns")?;
        let data_type: String = row.try_get(1).context("listing columns")?;
        let kind = match backend {
            Backend::Sqlite => ColumnKind::AsGiven,
            Backend::Postgres => postgres_kind(&data_type),
        };
        columns.push((name, kind));
    }
    Ok(columns)
}

/// Quotes an identifier for both backends.
fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

fn write_line(out: &mut (dyn Write + Send), value: &impl Serialize) -> Result<(), StorageError> {
    serde_json::to_writer(&mut *out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .map_err(|e| backup_error(format!("writing the backup: {e}")))
}

fn backup_error(reason: impl Into<String>) -> StorageError {
    StorageError::Backup(reason.into())
}

fn restore_error(line: u64, reason: impl Into<String>) -> StorageError {
    StorageError::BadBackup { line, reason: reason.into() }
}

/// The backup's lines, read one at a time and counted for error messages.
struct Lines<'a> {
    input: &'a mut (dyn BufRead + Send),
    number: u64,
    buffer: String,
}

impl Lines<'_> {
    fn next_value(&mut self, expected: &str) -> Result<Value, StorageError> {
        self.buffer.clear();
        self.number += 1;
        let read = self
            .input
            .read_line(&mut self.buffer)
            .map_err(|e| restore_error(self.number, format!("cannot read the backup: {e}")))?;
        if read == 0 {
            return Err(restore_error(self.number, format!("the backup ends early, expected {expected}")));
        }
        serde_json::from_str(&self.buffer)
            .map_err(|e| restore_error(self.number, format!("expected {expected}, found invalid JSON ({e})")))
    }

    fn next_json<T: serde::de::DeserializeOwned>(&mut self, expected: &str) -> Result<T, StorageError> {
        let value = self.next_value(expected)?;
        serde_json::from_value(value).map_err(|e| restore_error(self.number, format!("expected {expected}: {e}")))
    }

    fn has_more(&mut self) -> Result<bool, StorageError> {
        let rest =
            self.input.fill_buf().map_err(|e| restore_error(self.number, format!("cannot read the backup: {e}")))?;
        Ok(rest.iter().any(|b| !b.is_ascii_whitespace()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_follow_the_tables_they_refer_to() {
        let tables: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let references = BTreeMap::from([
            ("a".to_owned(), BTreeSet::from(["c".to_owned()])),
            ("c".to_owned(), BTreeSet::from(["b".to_owned()])),
        ]);
        assert_eq!(dependency_order(&tables, &references), ["b", "c", "a"]);
        let cycle = BTreeMap::from([
            ("a".to_owned(), BTreeSet::from(["b".to_owned()])),
            ("b".to_owned(), BTreeSet::from(["a".to_owned()])),
        ]);
        assert_eq!(dependency_order(&tables, &cycle), ["c", "a", "b"]);
    }

    #[test]
    fn bytes_round_trip_as_hex() {
        let bytes = vec![0u8, 1, 0xab, 0xff];
        let value = serde_json::json!({ "hex": hex(&bytes) });
        assert_eq!(bytes_from(&value), Some(bytes));
        assert_eq!(bytes_from(&serde_json::json!({ "hex": "abc" })), None);
        assert_eq!(bytes_from(&serde_json::json!({ "hex": "zz" })), None);
    }

    #[test]
    fn values_bind_to_the_column_type() {
        let mut args = AnyArguments::default();
        assert!(bind(&mut args, &serde_json::json!(1), ColumnKind::Bool).is_ok(), "SQLite's 1 is PostgreSQL's true");
        assert!(bind(&mut args, &serde_json::json!(70000), ColumnKind::SmallInt).is_err());
        assert!(bind(&mut args, &serde_json::json!("x"), ColumnKind::BigInt).is_err());
        assert!(bind(&mut args, &Value::Null, ColumnKind::BigInt).is_ok());
    }

    #[tokio::test]
    async fn a_backup_the_schema_cannot_hold_or_a_truncated_one_changes_nothing() {
        let source = Database::connect("sqlite::memory:").await.expect("connect");
        source.migrate().await.expect("migrate");
        sqlx::raw_sql("CREATE TABLE extra (id INTEGER PRIMARY KEY, data BLOB, score REAL, note TEXT)")
            .execute(source.pool())
            .await
            .expect("a table no migration knows");
        sqlx::raw_sql("INSERT INTO extra VALUES (1, x'00ff', 0.5, NULL), (2, NULL, -3.25, 'é\"\\n')")
            .execute(source.pool())
            .await
            .expect("rows");
        let mut dump = Vec::new();
        let files = tempfile::tempdir().expect("a folder for uploads");
        let uploads = crate::uploads::Uploads::new(files.path());
        let summary = source.backup(&mut dump, &uploads).await.expect("backup");
        assert_eq!(summary.tables.get("extra"), Some(&2));

        // The target has no `extra` table in its schema: the restore refuses and changes nothing.
        let target = Database::connect("sqlite::memory:").await.expect("connect");
        let error = target.restore(&mut dump.as_slice(), false, &uploads).await.expect_err("unknown table");
        assert!(matches!(error, StorageError::BadBackup { .. }), "{error}");
        assert!(target.integrity_check().await.expect("check").is_some());

        let text = String::from_utf8(dump).expect("utf-8");
        let truncated = &text[..text.len() - 30];
        let error = target.restore(&mut truncated.as_bytes(), false, &uploads).await.expect_err("truncated");
        assert!(matches!(error, StorageError::BadBackup { .. }), "{error}");
    }
}
