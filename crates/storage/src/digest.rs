//! The weekly digest: who opted in, which week's digest each has had (written with the mail
//! in one transaction, so a digest goes once, whatever the nodes and restarts), the
//! one-click unsubscribe secrets of the mails, and the organisations people follow.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::accounts::{binds, exec, parse_time, queue_message, stamp, transaction, Mail};
use crate::audit::{self, AuditEvent};
use crate::error::{QueryContext, StorageError};
use crate::Database;

/// Someone whose digest for the week is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestRecipient {
    pub user_id: String,
    pub name: String,
    pub email: String,
    /// Their language tag, for the mail.
    pub language: String,
    /// The organisations they are a member of, and those they follow (ids).
    pub organisations: Vec<String>,
    pub follows: Vec<String>,
    /// When their last digest was written: what is new for them is what came since.
    pub last_sent: Option<DateTime<Utc>>,
}

/// A digest to queue, or the record that there was nothing new (`mail` none).
pub struct QueuedDigest<'a> {
    pub user_id: &'a str,
    pub week: &'a str,
    pub mail: Option<(Mail<'a>, &'a str, &'a str)>,
    pub at: DateTime<Utc>,
}

const WHAT: &str = "reading the digest's recipients";

impl Database {
    /// Turns the person's weekly digest on or off.
    pub async fn set_digest(
        &self,
        user_id: &str,
        on: bool,
        now: DateTime<Utc>,
        audit: AuditEvent<'_>,
    ) -> Result<(), StorageError> {
        transaction!(self, |backend, tx| {
            let (statement, values) = if on {
                (
                    "INSERT INTO digest_subscriptions (user_id, subscribed_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    binds![user_id.to_owned(), stamp(now)],
                )
            } else {
                ("DELETE FROM digest_subscriptions WHERE user_id = ?", binds![user_id.to_owned()])
            };
            exec(backend, tx, statement, values, "changing the digest").await?;
            audit::insert(backend, tx, &audit).await
        })
        .await
    }

    /// Whether the person gets the weekly digest.
    pub async fn has_digest(&self, user_id: &str) -> Result<bool, StorageError> {
        let rows = self
            .query_rows(
                "SELECT user_id FROM digest_subscriptions WHERE user_id = ?",
                binds![user_id.to_owned()],
                "reading the digest",
            )
            .await?;
        Ok(!rows.is_empty())
    }

    /// Everyone whose digest for `week` is due: opted in, enabled, not yet had it; with
    /// their organisations and follows (two queries for all, not two per person).
    pub async fn digest_recipients(&self, week: &str) -> Result<Vec<DigestRecipient>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT u.id, u.display_name, u.email, u.language, \
                 (SELECT MAX(s.sent_at) FROM digest_sends s WHERE s.user_id = d.user_id) AS last_sent \
                 FROM digest_subscriptions d \
                 JOIN users u ON u.id = d.user_id WHERE u.disabled_at IS NULL AND NOT EXISTS \
                 (SELECT 1 FROM digest_sends s WHERE s.user_id = d.user_id AND s.week = ?) ORDER BY u.id",
                binds![week.to_owned()],
                WHAT,
            )
            .await?;
        if rows.is_empty() {
            // The worker asks every minute; most minutes nobody is due.
            return Ok(Vec::new());
        }
        let pairs = |text: &'static str| async move {
            let rows = self.query_rows(text, Vec::new(), WHAT).await?;
            let mut by_user: HashMap<String, Vec<String>> = HashMap::new();
            for row in &rows {
                let user: String = row.try_get("user_id").context(WHAT)?;
                by_user.entry(user).or_default().push(row.try_get("organisation_id").context(WHAT)?);
            }
            Ok::<_, StorageError>(by_user)
        };
        let mut members = pairs(
            "SELECT m.user_id, m.organisation_id FROM organisation_members m \
             JOIN digest_subscriptions d ON d.user_id = m.user_id ORDER BY m.since, m.organisation_id",
        )
        .await?;
        let mut follows = pairs(
            "SELECT f.user_id, f.organisation_id FROM organisation_follows f \
             JOIN digest_subscriptions d ON d.user_id = f.user_id ORDER BY f.organisation_id",
        )
        .await?;
        rows.iter()
            .map(|row| {
                let text = |c: &str| row.try_get::<String, _>(c).context(WHAT);
                let user_id = text("id")?;
                let last_sent = match row.try_get::<Option<String>, _>("last_sent").context(WHAT)? {
                    Some(at) => Some(parse_time(&at, &user_id)?),
                    None => None,
                };
                Ok(DigestRecipient {
                    last_sent,
                    name: text("display_name")?,
                    email: text("email")?,
                    language: text("language")?,
                    organisations: members.remove(&user_id).unwrap_or_default(),
                    follows: follows.remove(&user_id).unwrap_or_default(),
                    user_id,
                })
            })
            .collect()
    }

    /// Records the person's digest for the week and queues its mail, in one transaction;
    /// `false` (and nothing written) when another node or an earlier run did already.
    pub async fn queue_digest(&self, digest: QueuedDigest<'_>) -> Result<bool, StorageError> {
        transaction!(self, |backend, tx| {
            let unsubscribe = digest.mail.as_ref().map(|(_, secret_digest, _)| (*secret_digest).to_owned());
            let recorded = exec(
                backend,
                tx,
                "INSERT INTO digest_sends (user_id, week, unsubscribe_digest, sent_at) VALUES (?, ?, ?, ?) \
                 ON CONFLICT DO NOTHING",
                binds![digest.user_id.to_owned(), digest.week.to_owned(), unsubscribe, stamp(digest.at)],
                "recording a digest",
            )
            .await?;
            if recorded == 0 {
                return Ok(false);
            }
            if let Some((mail, _, unsubscribe_url)) = digest.mail {
                queue_message(backend, tx, mail, Some(unsubscribe_url), None).await?;
            }
            Ok(true)
        })
        .await
    }

    /// The person a digest's unsubscribe secret (its SHA-256 digest) was sent to.
    pub async fn digest_unsubscribe_user(&self, secret_digest: &str) -> Result<Option<String>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT user_id FROM digest_sends WHERE unsubscribe_digest = ?",
                binds![secret_digest.to_owned()],
                "reading an unsubscribe link",
            )
            .await?;
        rows.first().map(|row| row.try_get::<String, _>("user_id").context("reading an unsubscribe link")).transpose()
    }

    /// Follows (`true`) or stops following an organisation.
    pub async fn set_follow(
        &self,
        user_id: &str,
        organisation_id: &str,
        follow: bool,
        now: DateTime<Utc>,
        audit: AuditEvent<'_>,
    ) -> Result<(), StorageError> {
        transaction!(self, |backend, tx| {
            let (statement, values) = if follow {
                (
                    "INSERT INTO organisation_follows (user_id, organisation_id, since) VALUES (?, ?, ?) \
                     ON CONFLICT DO NOTHING",
                    binds![user_id.to_owned(), organisation_id.to_owned(), stamp(now)],
                )
            } else {
                (
                    "DELETE FROM organisation_follows WHERE user_id = ? AND organisation_id = ?",
                    binds![user_id.to_owned(), organisation_id.to_owned()],
                )
            };
            exec(backend, tx, statement, values, "following an organisation").await?;
            audit::insert(backend, tx, &audit).await
        })
        .await
    }

    /// The organisations the person follows: (slug, name), by name.
    pub async fn follows_of(&self, user_id: &str) -> Result<Vec<(String, String)>, StorageError> {
        const WHAT: &str = "reading follows";
        let rows = self
            .query_rows(
                "SELECT o.slug, o.name FROM organisation_follows f JOIN organisations o ON o.id = f.organisation_id \
                 WHERE f.user_id = ? ORDER BY o.sort_name, o.slug",
                binds![user_id.to_owned()],
                WHAT,
            )
            .await?;
        rows.iter().map(|row| Ok((row.try_get("slug").context(WHAT)?, row.try_get("name").context(WHAT)?))).collect()
    }

    /// The calls that came to the hub since `since`: (topic id, title, when), newest first.
    pub async fn calls_new_since(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<(String, String, DateTime<Utc>)>, StorageError> {
        const WHAT: &str = "reading new calls";
        let rows = self
            .query_rows(
                "SELECT topic_id, title, changed_at FROM call_changes WHERE kind = 'new' AND changed_at >= ? \
                 ORDER BY changed_at DESC, id DESC",
                binds![stamp(since)],
                WHAT,
            )
            .await?;
        rows.iter()
            .map(|row| {
                let topic_id: String = row.try_get("topic_id").context(WHAT)?;
                let at = parse_time(&row.try_get::<String, _>("changed_at").context(WHAT)?, &topic_id)?;
                Ok((topic_id, row.try_get("title").context(WHAT)?, at))
            })
            .collect()
    }
}
