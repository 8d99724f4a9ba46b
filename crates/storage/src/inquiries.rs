//! Inquiries about spaces: the conversation between an inquirer and the space's operator,
//! its state, the keys that open a visitor's conversation (kept as digests), and the waits
//! for a first answer that the public median is taken from. Every change is written with
//! its mails and audit entry in one transaction.

use chrono::{DateTime, Utc};
use lshub_domain::inquiry::{InquiryState, Outcome};
use lshub_domain::Language;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::accounts::{binds, exec, fetch_in, parse_time, queue_mail, stamp, transaction, Mail};
use crate::audit::{self, AuditEvent};
use crate::error::{QueryContext, StorageError};
use crate::Database;

/// One message of the conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InquiryMessage {
    pub seq: i64,
    pub from_operator: bool,
    /// The member who wrote it; a visitor's messages carry the inquiry's name.
    pub author_name: Option<String>,
    pub body: String,
    pub at: DateTime<Utc>,
}

/// An inquiry as stored now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredInquiry {
    pub id: String,
    pub space_id: String,
    pub space_slug: String,
    pub space_title: String,
    pub operator_id: String,
    pub operator_slug: String,
    pub operator_name: String,
    /// The member who asked; `None` for a visitor.
    pub user_id: Option<String>,
    pub name: String,
    pub email: String,
    pub language: Language,
    pub state: InquiryState,
    pub outcome: Option<Outcome>,
    pub visit_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// When the operator could first see it (a member's at once, a visitor's once confirmed).
    pub confirmed_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub changed_at: DateTime<Utc>,
    /// Filled by [`Database::inquiry`] only; lists leave it empty.
    pub messages: Vec<InquiryMessage>,
}

impl StoredInquiry {
    /// Minutes from when the operator could see it to their first answer.
    pub fn wait_minutes(&self) -> Option<i64> {
        Some((self.answered_at? - self.confirmed_at?).num_minutes())
    }
}

/// A new inquiry with its first message.
pub struct NewInquiry<'a> {
    /// Chosen by the caller, so that the mails can link to it.
    pub id: &'a str,
    pub space_id: &'a str,
    pub operator_id: &'a str,
    pub user_id: Option<&'a str>,
    pub name: &'a str,
    pub email: &'a str,
    pub language: Language,
    pub message: &'a str,
    /// Whether the operator sees it at once (a member's).
    pub confirmed: bool,
    /// The digest of the key in the link mailed to a visitor.
    pub key_hash: Option<String>,
    /// How many inquiries the address may have sent in the day before `now`.
    pub daily_limit: usize,
    pub now: DateTime<Utc>,
    pub mails: &'a [Mail<'a>],
    pub audit: AuditEvent<'a>,
}

/// A change to an inquiry: a message, a move, or both, made while it was in `from`.
pub struct InquiryChange<'a> {
    pub id: &'a str,
    pub from: InquiryState,
    pub to: InquiryState,
    pub message: Option<NewMessage<'a>>,
    /// Set when the change is the operator's first answer.
    pub answers: bool,
    pub visit_at: Option<DateTime<Utc>>,
    pub outcome: Option<Outcome>,
    /// The digest of a new key mailed to a visitor with the change.
    pub key_hash: Option<String>,
    pub now: DateTime<Utc>,
    pub mails: &'a [Mail<'a>],
    pub audit: AuditEvent<'a>,
}

pub struct NewMessage<'a> {
    pub from_operator: bool,
    pub author_id: Option<&'a str>,
    pub body: &'a str,
}

const SELECT: &str = "SELECT q.id, q.space_id, i.slug AS space_slug, i.title AS space_title, q.operator_id, \
     o.slug AS operator_slug, o.name AS operator_name, q.user_id, q.name, q.email, q.language, q.state, q.outcome, q.visit_at, \
     q.created_at, q.confirmed_at, q.answered_at, q.changed_at \
     FROM space_inquiries q JOIN content_items i ON i.id = q.space_id JOIN organisations o ON o.id = q.operator_id";

fn inquiry(row: &AnyRow) -> Result<StoredInquiry, StorageError> {
    const WHAT: &str = "reading an inquiry";
    let text = |c: &str| row.try_get::<String, _>(c).context(WHAT);
    let optional = |c: &str| row.try_get::<Option<String>, _>(c).context(WHAT);
    let id = text("id")?;
    let corrupt = |reason: String| StorageError::CorruptRecord { id: id.clone(), reason };
    let state = text("state")?;
    let state = InquiryState::from_id(&state).ok_or_else(|| corrupt(format!("state {state}")))?;
    let outcome = match optional("outcome")? {
        Some(o) => Some(Outcome::from_id(&o).ok_or_else(|| corrupt(format!("outcome {o}")))?),
        None => None,
    };
    let time = |c: &str| -> Result<Option<DateTime<Utc>>, StorageError> {
        optional(c)?.map(|t| parse_time(&t, &id)).transpose()
    };
    Ok(StoredInquiry {
        space_id: text("space_id")?,
        space_slug: text("space_slug")?,
        space_title: text("space_title")?,
        operator_id: text("operator_id")?,
        operator_slug: text("operator_slug")?,
        operator_name: text("operator_name")?,
        user_id: optional("user_id")?,
        name: text("name")?,
        email: text("email")?,
        language: Language::from_tag(&text("language")?).unwrap_or_default(),
        state,
        outcome,
        visit_at: time("visit_at")?,
        created_at: parse_time(&text("created_at")?, &id)?,
        confirmed_at: time("confirmed_at")?,
        answered_at: time("answered_at")?,
        changed_at: parse_time(&text("changed_at")?, &id)?,
        messages: Vec::new(),
        id,
    })
}

async fn add_key(
    backend: crate::Backend,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: &str,
    key_hash: Option<String>,
    at: &str,
) -> Result<(), StorageError> {
    if let Some(hash) = key_hash {
        exec(
            backend,
            tx,
            "INSERT INTO space_inquiry_keys (key_hash, inquiry_id, created_at) VALUES (?, ?, ?)",
            binds![hash, id.to_owned(), at.to_owned()],
            "keeping an inquiry's key",
        )
        .await?;
    }
    Ok(())
}

async fn add_message(
    backend: crate::Backend,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: &str,
    message: &NewMessage<'_>,
    at: &str,
) -> Result<(), StorageError> {
    // The primary key refuses a second writer that read the same last number.
    exec(
        backend,
        tx,
        "INSERT INTO space_inquiry_messages (inquiry_id, seq, from_operator, author_id, body, at) \
         SELECT ?, COALESCE(MAX(seq), 0) + 1, CAST(? AS BIGINT), ?, ?, ? FROM space_inquiry_messages WHERE inquiry_id = ?",
        binds![
            id.to_owned(),
            i64::from(message.from_operator).to_string(),
            message.author_id.map(str::to_owned),
            message.body.to_owned(),
            at.to_owned(),
            id.to_owned()
        ],
        "saving a message of an inquiry",
    )
    .await?;
    Ok(())
}

impl Database {
    /// Saves a new inquiry with its first message, its key, mails and audit entry; `false`
    /// (and nothing saved) when the address has sent its day's inquiries already.
    pub async fn create_inquiry(&self, new: NewInquiry<'_>) -> Result<bool, StorageError> {
        transaction!(self, |backend, tx| {
            let at = stamp(new.now);
            let day_ago = stamp(new.now - chrono::Duration::days(1));
            let sent = fetch_in(
                backend,
                tx,
                "SELECT COUNT(*) AS n FROM space_inquiries WHERE email = ? AND created_at > ?",
                binds![new.email.to_owned(), day_ago],
                "counting an address's inquiries",
            )
            .await?;
            let sent: i64 =
                sent.first().map(|r| r.try_get("n")).transpose().context("counting inquiries")?.unwrap_or(0);
            if usize::try_from(sent).unwrap_or(usize::MAX) >= new.daily_limit {
                return Ok(false);
            }
            exec(
                backend,
                tx,
                "INSERT INTO space_inquiries (id, space_id, operator_id, user_id, name, email, language, state, \
                 created_at, confirmed_at, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                binds![
                    new.id.to_owned(),
                    new.space_id.to_owned(),
                    new.operator_id.to_owned(),
                    new.user_id.map(str::to_owned),
                    new.name.to_owned(),
                    new.email.to_owned(),
                    new.language.code().to_owned(),
                    InquiryState::Open.id().to_owned(),
                    at.clone(),
                    new.confirmed.then(|| at.clone()),
                    at.clone()
                ],
                "saving an inquiry",
            )
            .await?;
            let first = NewMessage { from_operator: false, author_id: new.user_id, body: new.message };
            add_message(backend, tx, new.id, &first, &at).await?;
            add_key(backend, tx, new.id, new.key_hash, &at).await?;
            for mail in new.mails {
                queue_mail(backend, tx, *mail).await?;
            }
            audit::insert(backend, tx, &new.audit).await?;
            Ok(true)
        })
        .await
    }

    /// The inquiry a visitor's key opens.
    pub async fn inquiry_by_key(&self, key_hash: &str) -> Result<Option<String>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT inquiry_id FROM space_inquiry_keys WHERE key_hash = ?",
                binds![key_hash.to_owned()],
                "finding an inquiry by its key",
            )
            .await?;
        rows.first().map(|r| r.try_get("inquiry_id")).transpose().context("finding an inquiry by its key")
    }

    /// Lets the operator see a visitor's inquiry, with the mails that tell them; `false`
    /// when it was confirmed before (nothing is sent twice).
    pub async fn confirm_inquiry(
        &self,
        id: &str,
        now: DateTime<Utc>,
        mails: &[Mail<'_>],
        audit: AuditEvent<'_>,
    ) -> Result<bool, StorageError> {
        transaction!(self, |backend, tx| {
            let changed = exec(
                backend,
                tx,
                "UPDATE space_inquiries SET confirmed_at = ?, changed_at = ? WHERE id = ? AND confirmed_at IS NULL",
                binds![stamp(now), stamp(now), id.to_owned()],
                "confirming an inquiry",
            )
            .await?;
            if changed == 0 {
                return Ok(false);
            }
            for mail in mails {
                queue_mail(backend, tx, *mail).await?;
            }
            audit::insert(backend, tx, &audit).await?;
            Ok(true)
        })
        .await
    }

    /// An inquiry with its conversation.
    pub async fn inquiry(&self, id: &str) -> Result<Option<StoredInquiry>, StorageError> {
        let rows =
            self.query_rows(&format!("{SELECT} WHERE q.id = ?"), binds![id.to_owned()], "reading an inquiry").await?;
        let Some(row) = rows.first() else { return Ok(None) };
        let mut found = inquiry(row)?;
        let messages = self
            .query_rows(
                "SELECT m.seq, m.from_operator, u.display_name, m.body, m.at FROM space_inquiry_messages m \
                 LEFT JOIN users u ON u.id = m.author_id WHERE m.inquiry_id = ? ORDER BY m.seq",
                binds![id.to_owned()],
                "reading an inquiry's messages",
            )
            .await?;
        const WHAT: &str = "reading an inquiry's messages";
        for row in &messages {
            found.messages.push(InquiryMessage {
                seq: row.try_get("seq").context(WHAT)?,
                from_operator: row.try_get::<i64, _>("from_operator").context(WHAT)? != 0,
                author_name: row.try_get("display_name").context(WHAT)?,
                body: row.try_get("body").context(WHAT)?,
                at: parse_time(&row.try_get::<String, _>("at").context(WHAT)?, id)?,
            });
        }
        Ok(Some(found))
    }

    /// Writes a change made while the inquiry was in `change.from`; `false` when it had
    /// moved on meanwhile (nothing is written).
    pub async fn change_inquiry(&self, change: InquiryChange<'_>) -> Result<bool, StorageError> {
        transaction!(self, |backend, tx| {
            let at = stamp(change.now);
            let changed = exec(
                backend,
                tx,
                "UPDATE space_inquiries SET state = ?, changed_at = ?, answered_at = COALESCE(answered_at, ?), \
                 visit_at = COALESCE(?, visit_at), outcome = COALESCE(?, outcome) WHERE id = ? AND state = ?",
                binds![
                    change.to.id().to_owned(),
                    at.clone(),
                    change.answers.then(|| at.clone()),
                    change.visit_at.map(stamp),
                    change.outcome.map(|o| o.id().to_owned()),
                    change.id.to_owned(),
                    change.from.id().to_owned()
                ],
                "changing an inquiry",
            )
            .await?;
            if changed == 0 {
                return Ok(false);
            }
            if let Some(message) = &change.message {
                add_message(backend, tx, change.id, message, &at).await?;
            }
            add_key(backend, tx, change.id, change.key_hash, &at).await?;
            for mail in change.mails {
                queue_mail(backend, tx, *mail).await?;
            }
            audit::insert(backend, tx, &change.audit).await?;
            Ok(true)
        })
        .await
    }

    /// The confirmed inquiries to these operators, newest first.
    pub async fn inquiries_to(&self, operators: &[String]) -> Result<Vec<StoredInquiry>, StorageError> {
        if operators.is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; operators.len()].join(", ");
        let text = format!(
            "{SELECT} WHERE q.operator_id IN ({marks}) AND q.confirmed_at IS NOT NULL ORDER BY q.created_at DESC, q.id"
        );
        let rows = self.query_rows(&text, operators.iter().cloned().map(Some).collect(), "listing inquiries").await?;
        rows.iter().map(inquiry).collect()
    }

    /// The inquiries a member sent, newest first.
    pub async fn inquiries_from(&self, user_id: &str) -> Result<Vec<StoredInquiry>, StorageError> {
        let text = format!("{SELECT} WHERE q.user_id = ? ORDER BY q.created_at DESC, q.id");
        let rows = self.query_rows(&text, binds![user_id.to_owned()], "listing inquiries").await?;
        rows.iter().map(inquiry).collect()
    }

    /// The minutes each inquiry to the operator answered since `since` waited for its first
    /// answer.
    pub async fn inquiry_waits(&self, operator_id: &str, since: DateTime<Utc>) -> Result<Vec<i64>, StorageError> {
        let text = format!("{SELECT} WHERE q.operator_id = ? AND q.answered_at IS NOT NULL AND q.answered_at >= ?");
        let rows = self.query_rows(&text, binds![operator_id.to_owned(), stamp(since)], "reading answer times").await?;
        Ok(rows
            .iter()
            .map(inquiry)
            .collect::<Result<Vec<_>, _>>()?
            .iter()
            .filter_map(StoredInquiry::wait_minutes)
            .collect())
    }
}
