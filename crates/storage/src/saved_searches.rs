//! Saved searches of calls: each user's own, their secret feed addresses and unsubscribe
//! links (stored as digests), and the record of every alert sent, written with its mail.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use lshub_domain::alerts::SearchCriteria;
use lshub_domain::record::Versioned;
use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use crate::accounts::{binds, exec, parse_time, queue_message, sql, stamp, transaction, Mail};
use crate::audit::AuditEvent;
use crate::error::{QueryContext, StorageError};
use crate::record::read_record;
use crate::Database;

const WHAT: &str = "reading saved searches";
const COLUMNS: &str = "s.id, s.user_id, s.name, s.criteria, s.record_version, s.alerts_off_at, s.created_at";

/// A user's saved search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedSearch {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub criteria: SearchCriteria,
    /// Whether it mails alerts (until its owner unsubscribes).
    pub alerts: bool,
    pub created_at: DateTime<Utc>,
}

/// A search to save; the feed secret's digest is stored, the secret never.
pub struct NewSavedSearch<'a> {
    pub user_id: &'a str,
    pub name: &'a str,
    pub criteria: &'a SearchCriteria,
    pub feed_digest: &'a str,
    pub at: DateTime<Utc>,
}

/// A search whose alerts are on, with the address and language of its owner's mail.
#[derive(Debug, Clone)]
pub struct AlertRecipient {
    pub search: SavedSearch,
    pub email: String,
    pub language: String,
}

/// An alert to queue: the mail, what it tells of (`(topic id, occasion key)`), and its
/// one-click unsubscribe link (the secret's digest and the whole address).
pub struct QueuedAlert<'a> {
    pub search_id: &'a str,
    pub occasions: &'a [(String, String)],
    pub mail: Mail<'a>,
    pub unsubscribe_digest: &'a str,
    pub unsubscribe_url: &'a str,
    pub at: DateTime<Utc>,
}

fn search_from_row(row: &AnyRow) -> Result<SavedSearch, StorageError> {
    let id: String = row.try_get("id").context(WHAT)?;
    let version: i64 = row.try_get("record_version").context(WHAT)?;
    let criteria: String = row.try_get("criteria").context(WHAT)?;
    let off: Option<String> = row.try_get("alerts_off_at").context(WHAT)?;
    let created_at: String = row.try_get("created_at").context(WHAT)?;
    Ok(SavedSearch {
        user_id: row.try_get("user_id").context(WHAT)?,
        name: row.try_get("name").context(WHAT)?,
        criteria: read_record(&id, version, &criteria)?,
        alerts: off.is_none(),
        created_at: parse_time(&created_at, &id)?,
        id,
    })
}

impl Database {
    pub async fn save_search(
        &self,
        new: NewSavedSearch<'_>,
        audit: AuditEvent<'_>,
    ) -> Result<SavedSearch, StorageError> {
        let criteria =
            serde_json::to_string(new.criteria).map_err(|e| StorageError::Bind(format!("search criteria: {e}")))?;
        let search = SavedSearch {
            id: Uuid::now_v7().to_string(),
            user_id: new.user_id.to_owned(),
            name: new.name.to_owned(),
            criteria: new.criteria.clone(),
            alerts: true,
            created_at: new.at,
        };
        transaction!(self, |backend, tx| {
            exec(
                backend,
                tx,
                "INSERT INTO saved_searches (id, user_id, name, criteria, record_version, feed_digest, created_at) \
                 VALUES (?, ?, ?, ?, CAST(? AS BIGINT), ?, ?)",
                binds![
                    search.id.clone(),
                    search.user_id.clone(),
                    search.name.clone(),
                    criteria,
                    SearchCriteria::RECORD_VERSION.to_string(),
                    new.feed_digest.to_owned(),
                    stamp(new.at)
                ],
                "saving a search",
            )
            .await?;
            crate::audit::insert(backend, tx, &audit).await
        })
        .await?;
        Ok(search)
    }

    /// The user's saved searches, oldest first.
    pub async fn saved_searches(&self, user_id: &str) -> Result<Vec<SavedSearch>, StorageError> {
        let rows = self
            .query_rows(
                &format!("SELECT {COLUMNS} FROM saved_searches s WHERE s.user_id = ? ORDER BY s.created_at, s.id"),
                binds![user_id.to_owned()],
                WHAT,
            )
            .await?;
        rows.iter().map(search_from_row).collect()
    }

    /// Deletes the user's saved search; false when they have none with this id.
    pub async fn delete_saved_search(
        &self,
        user_id: &str,
        id: &str,
        audit: AuditEvent<'_>,
    ) -> Result<bool, StorageError> {
        self.change_own_search(
            "DELETE FROM saved_searches WHERE id = ? AND user_id = ?",
            binds![id.to_owned(), user_id.to_owned()],
            audit,
        )
        .await
    }

    /// Turns the alerts of the user's saved search on or off.
    pub async fn set_search_alerts(
        &self,
        user_id: &str,
        id: &str,
        on: bool,
        at: DateTime<Utc>,
        audit: AuditEvent<'_>,
    ) -> Result<bool, StorageError> {
        self.change_own_search(
            "UPDATE saved_searches SET alerts_off_at = ? WHERE id = ? AND user_id = ?",
            binds![(!on).then(|| stamp(at)), id.to_owned(), user_id.to_owned()],
            audit,
        )
        .await
    }

    /// Gives the user's saved search a new feed secret (its digest); the old address stops working.
    pub async fn renew_search_feed(
        &self,
        user_id: &str,
        id: &str,
        feed_digest: &str,
        audit: AuditEvent<'_>,
    ) -> Result<bool, StorageError> {
        self.change_own_search(
            "UPDATE saved_searches SET feed_digest = ? WHERE id = ? AND user_id = ?",
            binds![feed_digest.to_owned(), id.to_owned(), user_id.to_owned()],
            audit,
        )
        .await
    }

    /// Runs `statement` on one of a user's searches with its audit entry; false (and
    /// nothing written) when it touched none.
    async fn change_own_search(
        &self,
        statement: &str,
        binds: Vec<Option<String>>,
        audit: AuditEvent<'_>,
    ) -> Result<bool, StorageError> {
        transaction!(self, |backend, tx| {
            if exec(backend, tx, statement, binds, "changing a saved search").await? == 0 {
                return Ok(false);
            }
            crate::audit::insert(backend, tx, &audit).await?;
            Ok(true)
        })
        .await
    }

    /// The saved search whose feed secret has this digest.
    pub async fn search_by_feed(&self, feed_digest: &str) -> Result<Option<SavedSearch>, StorageError> {
        let rows = self
            .query_rows(
                &format!("SELECT {COLUMNS} FROM saved_searches s WHERE s.feed_digest = ?"),
                binds![feed_digest.to_owned()],
                WHAT,
            )
            .await?;
        rows.first().map(search_from_row).transpose()
    }

    /// The saved search that an alert's unsubscribe secret (its digest) belongs to.
    pub async fn search_by_unsubscribe(&self, digest: &str) -> Result<Option<SavedSearch>, StorageError> {
        let rows = self
            .query_rows(
                &format!(
                    "SELECT {COLUMNS} FROM saved_searches s \
                     JOIN saved_search_unsubscribes u ON u.saved_search_id = s.id WHERE u.digest = ?"
                ),
                binds![digest.to_owned()],
                WHAT,
            )
            .await?;
        rows.first().map(search_from_row).transpose()
    }

    /// Turns off the alerts of a search (found by its unsubscribe secret, which authorises:
    /// no session). Saying it twice changes nothing more and audits nothing more.
    pub async fn unsubscribe_search(
        &self,
        search_id: &str,
        at: DateTime<Utc>,
        audit: AuditEvent<'_>,
    ) -> Result<(), StorageError> {
        transaction!(self, |backend, tx| {
            let changed = exec(
                backend,
                tx,
                "UPDATE saved_searches SET alerts_off_at = ? WHERE id = ? AND alerts_off_at IS NULL",
                binds![stamp(at), search_id.to_owned()],
                "unsubscribing a saved search",
            )
            .await?;
            if changed > 0 {
                crate::audit::insert(backend, tx, &audit).await?;
            }
            Ok(())
        })
        .await
    }

    /// Every search whose alerts are on, of enabled accounts with a confirmed address.
    pub async fn searches_with_alerts(&self) -> Result<Vec<AlertRecipient>, StorageError> {
        let rows = self
            .query_rows(
                &format!(
                    "SELECT {COLUMNS}, u.email, u.language FROM saved_searches s JOIN users u ON u.id = s.user_id \
                     WHERE s.alerts_off_at IS NULL AND u.disabled_at IS NULL AND u.email_verified_at IS NOT NULL \
                     ORDER BY s.created_at, s.id"
                ),
                binds![],
                WHAT,
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(AlertRecipient {
                    search: search_from_row(row)?,
                    email: row.try_get("email").context(WHAT)?,
                    language: row.try_get("language").context(WHAT)?,
                })
            })
            .collect()
    }

    /// What the search was alerted of: `(topic id, occasion key)`.
    pub async fn alerts_sent(&self, search_id: &str) -> Result<HashSet<(String, String)>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT topic_id, occasion FROM saved_search_alerts WHERE saved_search_id = ?",
                binds![search_id.to_owned()],
                WHAT,
            )
            .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("topic_id")?, row.try_get("occasion")?)))
            .collect::<Result<_, sqlx::Error>>()
            .context(WHAT)
    }

    /// Queues an alert's mail and records what it tells of, together: false (and nothing
    /// queued) when any of it was recorded already, by another node or an earlier round, or
    /// the search's alerts were turned off meanwhile. Writers take turns (`begin_write`), so
    /// the checks and the writes see the same state.
    pub async fn queue_alert(&self, alert: QueuedAlert<'_>) -> Result<bool, StorageError> {
        transaction!(self, |backend, tx| {
            let on = sqlx::query(&sql(backend, "SELECT id FROM saved_searches WHERE id = ? AND alerts_off_at IS NULL"))
                .bind(alert.search_id.to_owned())
                .fetch_optional(&mut **tx)
                .await
                .context("queueing an alert")?;
            if on.is_none() {
                return Ok(false);
            }
            let sent: Vec<(String, String)> =
                sqlx::query_as(&sql(backend, "SELECT topic_id, occasion FROM saved_search_alerts WHERE saved_search_id = ?"))
                    .bind(alert.search_id.to_owned())
                    .fetch_all(&mut **tx)
                    .await
                    .context("queueing an alert")?;
            if alert.occasions.iter().any(|occasion| sent.contains(occasion)) {
                return Ok(false);
            }
            let at = stamp(alert.at);
            for (topic_id, occasion) in alert.occasions {
                exec(
                    backend,
                    tx,
                    "INSERT INTO saved_search_alerts (saved_search_id, topic_id, occasion, sent_at) VALUES (?, ?, ?, ?)",
                    binds![alert.search_id.to_owned(), topic_id.clone(), occasion.clone(), at.clone()],
                    "recording an alert",
                )
                .await?;
            }
            exec(
                backend,
                tx,
                "INSERT INTO saved_search_unsubscribes (digest, saved_search_id, created_at) VALUES (?, ?, ?)",
                binds![alert.unsubscribe_digest.to_owned(), alert.search_id.to_owned(), at],
                "recording an unsubscribe link",
            )
            .await?;
            queue_message(backend, tx, alert.mail, Some(alert.unsubscribe_url), None).await?;
            Ok(true)
        })
        .await
    }
}
