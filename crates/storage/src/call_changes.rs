//! The call changelog: every import records, in its own transaction, the calls it found new,
//! changed (with the fields) or closed at the source.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use lshub_domain::alerts::{call_change, CallChange, ChangeKind};
use lshub_domain::{CallContent, NewCallTopic, Page, Pagination};
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use crate::accounts::{binds, exec, parse_time, sql, stamp};
use crate::error::{QueryContext, StorageError};
use crate::record::read_record;
use crate::{Backend, Database};

const WHAT: &str = "reading the call changelog";

/// Every stored call by topic id (or the one with topic id `only`), as the import found
/// them: read inside the import's transaction, before it writes.
pub(crate) async fn stored_calls(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    only: Option<&str>,
) -> Result<HashMap<String, CallContent>, StorageError> {
    let all = "SELECT topic_id, record, record_version FROM call_topics";
    let one = format!("{all} WHERE topic_id = ?");
    let text = sql(backend, if only.is_some() { &one } else { all });
    let mut query = sqlx::query(&text);
    if let Some(topic_id) = only {
        query = query.bind(topic_id.to_owned());
    }
    let rows = query.fetch_all(&mut **tx).await.context("reading the calls before an import")?;
    let mut calls = HashMap::with_capacity(rows.len());
    for row in rows {
        let id: String = row.try_get("topic_id").context("reading the calls before an import")?;
        let version: i64 = row.try_get("record_version").context("reading the calls before an import")?;
        let record: String = row.try_get("record").context("reading the calls before an import")?;
        let content = read_record::<CallContent>(&id, version, &record)?;
        calls.insert(id, content);
    }
    Ok(calls)
}

/// Records how each of `records` changed from `before`; a call that appears twice in one
/// import is compared with its earlier occurrence. Returns how many entries were written.
pub(crate) async fn record_changes(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    mut before: HashMap<String, CallContent>,
    records: &[NewCallTopic],
) -> Result<usize, StorageError> {
    let at = stamp(Utc::now());
    let mut written = 0;
    for record in records {
        let content = &record.content;
        if let Some((kind, fields)) = call_change(before.get(&content.topic_id), content) {
            let fields =
                serde_json::to_string(&fields).map_err(|e| StorageError::Bind(format!("changed fields: {e}")))?;
            exec(
                backend,
                tx,
                "INSERT INTO call_changes (id, topic_id, title, kind, fields, changed_at) VALUES (?, ?, ?, ?, ?, ?)",
                binds![
                    Uuid::now_v7().to_string(),
                    content.topic_id.clone(),
                    content.title.clone(),
                    kind.id().to_owned(),
                    fields,
                    at.clone()
                ],
                "recording a call change",
            )
            .await?;
            written += 1;
        }
        before.insert(content.topic_id.clone(), content.clone());
    }
    Ok(written)
}

impl Database {
    /// The changelog, newest first, one page of it.
    pub async fn call_changes(&self, page: Pagination) -> Result<Page<CallChange>, StorageError> {
        let rows = self
            .query_rows(
                &format!(
                    "SELECT topic_id, title, kind, fields, changed_at FROM call_changes \
                     ORDER BY changed_at DESC, id DESC LIMIT {} OFFSET {}",
                    page.limit, page.offset
                ),
                binds![],
                WHAT,
            )
            .await?;
        let items = rows.iter().map(change_from_row).collect::<Result<Vec<_>, _>>()?;
        let count = self.query_rows("SELECT COUNT(*) AS n FROM call_changes", binds![], WHAT).await?;
        let total = match count.first() {
            Some(row) => row.try_get("n").context(WHAT)?,
            None => 0,
        };
        Ok(Page { items, total })
    }

    /// When the call last changed or closed at its source after it came to the hub.
    pub async fn last_call_change(&self, topic_id: &str) -> Result<Option<DateTime<Utc>>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT MAX(changed_at) AS changed_at FROM call_changes WHERE topic_id = ? AND kind <> ?",
                binds![topic_id.to_owned(), ChangeKind::New.id().to_owned()],
                WHAT,
            )
            .await?;
        let latest: Option<String> = match rows.first() {
            Some(row) => row.try_get("changed_at").context(WHAT)?,
            None => None,
        };
        latest.map(|text| parse_time(&text, topic_id)).transpose()
    }
}

fn change_from_row(row: &sqlx::any::AnyRow) -> Result<CallChange, StorageError> {
    let topic_id: String = row.try_get("topic_id").context(WHAT)?;
    let corrupt = |reason: String| StorageError::CorruptRecord { id: topic_id.clone(), reason };
    let kind: String = row.try_get("kind").context(WHAT)?;
    let fields: String = row.try_get("fields").context(WHAT)?;
    let changed_at: String = row.try_get("changed_at").context(WHAT)?;
    Ok(CallChange {
        title: row.try_get("title").context(WHAT)?,
        kind: ChangeKind::from_id(&kind).ok_or_else(|| corrupt(format!("unknown change '{kind}'")))?,
        fields: serde_json::from_str(&fields).map_err(|e| corrupt(e.to_string()))?,
        changed_at: parse_time(&changed_at, &topic_id)?,
        topic_id,
    })
}
