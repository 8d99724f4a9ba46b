//! Idempotent batch writes keyed by (source, source id), shared by every imported entity.

use std::collections::HashMap;

use chrono::Utc;
use lshub_domain::SourceRef;
use sea_query::{DynIden, Expr, ExprTrait, IntoIden, Query};
use sqlx::{Any, Row, Transaction};

use crate::error::{QueryContext, StorageError};
use crate::sql::Statement;
use crate::{Backend, Progress, UpsertSummary};

/// The table an entity lives in, with the columns every imported entity table has:
/// `record` (the content as JSON) and its `record_version`, `source`, `source_id`, `first_imported`, `last_updated`.
pub(crate) struct RecordTable {
    pub table: DynIden,
    pub id: DynIden,
}

/// An entity that imports write: it knows its source and the columns derived from it.
pub(crate) trait StoredRecord {
    fn row(&self) -> Result<RecordRow<'_>, StorageError>;
}

/// What to write for one record.
pub(crate) struct RecordRow<'a> {
    pub source: &'a SourceRef,
    /// The record's content as JSON; equal JSON means unchanged.
    pub json: String,
    /// The version of the record's JSON shape.
    pub version: u32,
    /// Columns derived from the content, written on insert and update.
    pub projection: Vec<(DynIden, Expr)>,
}

/// Inserts new records and updates changed ones inside `tx`. A source id that appears
/// twice in one batch is one record, updated by its later occurrence.
pub(crate) async fn upsert_records<R: StoredRecord>(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    table: RecordTable,
    records: &[R],
    mut new_identity: impl FnMut(&R) -> Vec<(DynIden, Expr)>,
    progress: &dyn Progress,
) -> Result<UpsertSummary, StorageError> {
    let mut sources: Vec<String> = Vec::new();
    for record in records {
        let source = &record.row()?.source.source;
        if !sources.contains(source) {
            sources.push(source.clone());
        }
    }
    let existing_query = Query::select()
        .expr_as(Expr::col(table.id.clone()), "id")
        .columns(["source", "source_id", "record"])
        .from(table.table.clone())
        .and_where(Expr::col("source").is_in(sources))
        .to_owned();
    let (sql, args) = Statement::from(existing_query).build(backend)?;
    let mut existing: HashMap<(String, String), (String, String)> = HashMap::new();
    for row in sqlx::query_with(&sql, args).fetch_all(&mut **tx).await.context("reading existing records")? {
        let read = |c: &str| row.try_get::<String, _>(c).context("reading existing records");
        existing.insert((read("source")?, read("source_id")?), (read("id")?, read("record")?));
    }

    let now = Utc::now().to_rfc3339();
    let mut summary = UpsertSummary::default();
    progress.start(records.len() as u64);
    for record in records {
        let row = record.row()?;
        let key = (row.source.source.clone(), row.source.source_id.clone());
        let mut values = row.projection;
        values.push(("record".into_iden(), Expr::val(row.json.as_str())));
        values.push(("record_version".into_iden(), Expr::val(i64::from(row.version))));
        values.push(("last_updated".into_iden(), Expr::val(now.as_str())));
        let statement: Statement = match existing.get(&key) {
            Some((_, stored)) if *stored == row.json => {
                summary.unchanged += 1;
                progress.advance(1);
                continue;
            }
            Some((id, _)) => {
                summary.updated += 1;
                let mut update = Query::update();
                update.table(table.table.clone()).values(values).and_where(Expr::col(table.id.clone()).eq(id.as_str()));
                existing.insert(key, (id.clone(), row.json));
                (&mut update).into()
            }
            None => {
                summary.inserted += 1;
                let identity = new_identity(record);
                let id = identity
                    .iter()
                    .find(|(column, _)| *column == table.id)
                    .and_then(|(_, value)| match value {
                        Expr::Value(sea_query::Value::String(Some(id))) => Some(id.clone()),
                        _ => None,
                    })
                    .ok_or_else(|| StorageError::Bind("a new record has no id".into()))?;
                values.extend(identity);
                values.extend([
                    ("source".into_iden(), Expr::val(row.source.source.as_str())),
                    ("source_id".into_iden(), Expr::val(row.source.source_id.as_str())),
                    ("first_imported".into_iden(), Expr::val(now.as_str())),
                ]);
                existing.insert(key, (id, row.json));
                let (columns, values): (Vec<_>, Vec<_>) = values.into_iter().unzip();
                let mut insert = Query::insert();
                insert
                    .into_table(table.table.clone())
                    .columns(columns)
                    .values(values)
                    .map_err(|e| StorageError::Bind(e.to_string()))?;
                (&mut insert).into()
            }
        };
        let (sql, args) = statement.build(backend)?;
        drop(statement);
        sqlx::query_with(&sql, args).execute(&mut **tx).await.context("saving a record")?;
        progress.advance(1);
    }
    progress.finish();
    Ok(summary)
}
