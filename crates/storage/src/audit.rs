//! The audit log: append-only, written in the same transaction as the change it records.

use chrono::Duration;
use lshub_domain::account::User;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use crate::accounts::{binds, exec, now, stamp, transaction};
use crate::error::{QueryContext, StorageError};
use crate::{Backend, Database};

/// One event: who (`actor_id`, `actor_label`), did what (`action`, e.g. `login.failed`), to
/// what (`subject`), from where (`client`, the remote address).
#[derive(Debug, Clone)]
pub struct AuditEvent<'a> {
    pub actor_id: Option<&'a str>,
    pub actor_label: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub detail: String,
    pub client: &'a str,
}

impl<'a> AuditEvent<'a> {
    /// An event by `user`, or by a visitor when there is none.
    pub fn by(user: Option<&'a User>, action: &'a str, subject: &'a str, detail: String, client: &'a str) -> Self {
        Self {
            actor_id: user.map(|u| u.id.as_str()),
            actor_label: user.map_or("visitor", |u| u.email.as_str()),
            action,
            subject,
            detail,
            client,
        }
    }
}

#[cfg(test)]
impl AuditEvent<'static> {
    /// An event for tests whose subject is not the audit log itself.
    pub(crate) fn for_test() -> Self {
        Self {
            actor_id: None,
            actor_label: "test",
            action: "test",
            subject: "test",
            detail: String::new(),
            client: "test",
        }
    }
}

/// An event as the admin pages show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditRecord {
    pub at: String,
    pub actor_label: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub client: String,
}

pub(crate) async fn insert(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    event: &AuditEvent<'_>,
) -> Result<(), StorageError> {
    exec(
        backend,
        tx,
        "INSERT INTO audit_log (id, at, actor_id, actor_label, action, subject, detail, client) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        binds![
            Uuid::now_v7().to_string(),
            now(),
            event.actor_id.map(str::to_owned),
            event.actor_label.to_owned(),
            event.action.to_owned(),
            event.subject.to_owned(),
            event.detail.clone(),
            event.client.to_owned(),
        ],
        "writing the audit log",
    )
    .await
    .map(|_| ())
}

impl Database {
    /// Records an event that changes nothing else (a failed sign-in, say).
    pub async fn audit(&self, event: AuditEvent<'_>) -> Result<(), StorageError> {
        transaction!(self, |backend, tx| { insert(backend, tx, &event).await }).await
    }

    /// The newest events, optionally only one action.
    pub async fn audit_log(&self, action: Option<&str>, limit: i64) -> Result<Vec<AuditRecord>, StorageError> {
        let (filter, binds) = match action {
            Some(action) => ("WHERE action = ?", binds![action.to_owned()]),
            None => ("", vec![]),
        };
        let rows = self
            .query_rows(
                &format!(
                    "SELECT at, actor_label, action, subject, detail, client FROM audit_log {filter} \
                     ORDER BY at DESC, id DESC LIMIT {}",
                    limit.clamp(1, 1000)
                ),
                binds,
                "reading the audit log",
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(AuditRecord {
                    at: row.try_get("at")?,
                    actor_label: row.try_get("actor_label")?,
                    action: row.try_get("action")?,
                    subject: row.try_get("subject")?,
                    detail: row.try_get("detail")?,
                    client: row.try_get("client")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .context("reading the audit log")
    }

    /// How many times `action` happened to `subject` within `window`, counting only events
    /// after the last `reset_action` (a successful sign-in resets the failures). This is how
    /// every node sees the same count of failed sign-ins.
    pub async fn recent_events(
        &self,
        action: &str,
        reset_action: &str,
        subject: &str,
        window: Duration,
    ) -> Result<(i64, Option<String>), StorageError> {
        self.recent_events_from(action, reset_action, subject, None, window).await
    }

    /// [`Database::recent_events`], counting with `client` only the events from that client
    /// address (and only its `reset_action` resets them).
    pub async fn recent_events_from(
        &self,
        action: &str,
        reset_action: &str,
        subject: &str,
        client: Option<&str>,
        window: Duration,
    ) -> Result<(i64, Option<String>), StorageError> {
        let since = stamp(chrono::Utc::now() - window);
        let (client_filter, client_bind) = match client {
            Some(client) => (" AND client = ?", vec![Some(client.to_owned())]),
            None => ("", vec![]),
        };
        let last_reset: Option<String> = self
            .query_rows(
                &format!("SELECT MAX(at) AS at FROM audit_log WHERE action = ? AND subject = ?{client_filter}"),
                [binds![reset_action.to_owned(), subject.to_owned()], client_bind.clone()].concat(),
                "reading the audit log",
            )
            .await?
            .first()
            .map(|row| row.try_get("at"))
            .transpose()
            .context("reading the audit log")?
            .flatten();
        let since = last_reset.filter(|reset| *reset > since).unwrap_or(since);
        let rows = self
            .query_rows(
                &format!(
                    "SELECT COUNT(*) AS n, MAX(at) AS latest FROM audit_log WHERE action = ? AND subject = ? \
                     AND at > ?{client_filter}"
                ),
                [binds![action.to_owned(), subject.to_owned(), since], client_bind].concat(),
                "counting events",
            )
            .await?;
        let row = rows.first().ok_or_else(|| StorageError::Bind("no count row".into()))?;
        Ok((row.try_get("n").context("counting events")?, row.try_get("latest").context("counting events")?))
    }
}
