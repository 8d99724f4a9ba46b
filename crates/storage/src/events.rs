//! Registrations for events and the personal calendars of them. Each change reads the
//! event's counts and writes the registration, the waiting list's moves, their mails and the
//! audit entry in one write transaction; writers take turns (`begin_write`), so two people
//! taking the last seat at once get a seat and the waiting list, never two seats.

use chrono::{DateTime, Utc};
use lshub_domain::event::{RegistrationRefusal, RegistrationRules, RegistrationState};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use crate::accounts::{binds, exec, now, parse_time, queue_message, sql, stamp, transaction, Attachment, Mail};
use crate::audit::{self, AuditEvent};
use crate::error::{QueryContext, StorageError};
use crate::{Backend, Database};

/// A registration as stored now, with its registrant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRegistration {
    pub id: String,
    /// The event's content item id.
    pub event_id: String,
    pub user_id: String,
    pub name: String,
    pub email: String,
    /// The registrant's language tag, for their mail.
    pub language: String,
    pub state: RegistrationState,
    pub registered_at: DateTime<Utc>,
    pub changed_at: DateTime<Utc>,
}

/// The event a change is made to, as the rules need it.
#[derive(Debug, Clone, Copy)]
pub struct EventSeats<'a> {
    pub event_id: &'a str,
    pub rules: &'a RegistrationRules,
    pub starts_at: DateTime<Utc>,
}

/// A change to registrations for an event.
#[derive(Debug, Clone, Copy)]
pub enum RegistrationChange<'a> {
    /// The user registers.
    Register { user_id: &'a str },
    /// The user cancels their active registration.
    Cancel { user_id: &'a str },
    /// The organiser approves a pending registration.
    Approve { registration_id: &'a str },
    /// The organiser refuses a registration that holds no seat.
    Reject { registration_id: &'a str },
}

/// A mail to one registrant whose registration changed.
#[derive(Debug, Clone)]
pub struct Letter {
    pub subject: String,
    pub body: String,
    pub attachment: Option<Attachment>,
}

/// Words the mail for a registration in its new state.
pub type Letters<'a> = dyn Fn(&StoredRegistration) -> Letter + Sync + 'a;

const SELECT: &str = "SELECT r.id, r.event_id, r.user_id, r.state, r.registered_at, r.changed_at, u.display_name, \
     u.email, u.language FROM event_registrations r JOIN users u ON u.id = r.user_id";
const ACTIVE: &str = "r.state IN ('pending', 'confirmed', 'waitlisted')";

fn registration(row: &AnyRow) -> Result<StoredRegistration, StorageError> {
    const WHAT: &str = "reading a registration";
    let text = |c: &str| row.try_get::<String, _>(c).context(WHAT);
    let id = text("id")?;
    let state = text("state")?;
    Ok(StoredRegistration {
        state: RegistrationState::from_id(&state)
            .ok_or_else(|| StorageError::CorruptRecord { id: id.clone(), reason: format!("state {state}") })?,
        event_id: text("event_id")?,
        user_id: text("user_id")?,
        name: text("display_name")?,
        email: text("email")?,
        language: text("language")?,
        registered_at: parse_time(&text("registered_at")?, &id)?,
        changed_at: parse_time(&text("changed_at")?, &id)?,
        id,
    })
}

async fn rows_in(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    text: &str,
    binds: Vec<Option<String>>,
) -> Result<Vec<StoredRegistration>, StorageError> {
    let statement = sql(backend, text);
    let mut query = sqlx::query(&statement);
    for value in binds {
        query = query.bind(value);
    }
    query.fetch_all(&mut **tx).await.context("reading registrations")?.iter().map(registration).collect()
}

/// Seats taken and registrants waiting for one.
async fn counts(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    event_id: &str,
) -> Result<(u32, u32), StorageError> {
    let rows: Vec<(String, i64)> = sqlx::query_as(&sql(
        backend,
        "SELECT state, COUNT(*) FROM event_registrations WHERE event_id = ? GROUP BY state",
    ))
    .bind(event_id.to_owned())
    .fetch_all(&mut **tx)
    .await
    .context("counting registrations")?;
    let count = |state: RegistrationState| {
        rows.iter().find(|(s, _)| s == state.id()).map_or(0, |(_, n)| u32::try_from(*n).unwrap_or(u32::MAX))
    };
    Ok((count(RegistrationState::Confirmed), count(RegistrationState::Waitlisted)))
}

async fn set_state(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    id: &str,
    state: RegistrationState,
    by: Option<&str>,
    at: &str,
) -> Result<(), StorageError> {
    exec(
        backend,
        tx,
        "UPDATE event_registrations SET state = ?, changed_at = ?, changed_by = ? WHERE id = ?",
        binds![state.id().to_owned(), at.to_owned(), by.map(str::to_owned), id.to_owned()],
        "changing a registration",
    )
    .await?;
    Ok(())
}

/// Gives the seats the rules allow to the earliest on the waiting list; their ids.
async fn promote(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    event: EventSeats<'_>,
    at: &str,
) -> Result<Vec<String>, StorageError> {
    let (confirmed, waiting) = counts(backend, tx, event.event_id).await?;
    let seats = event.rules.promotions(confirmed, waiting);
    if seats == 0 {
        return Ok(Vec::new());
    }
    let next = rows_in(
        backend,
        tx,
        &format!(
            "{SELECT} WHERE r.event_id = ? AND r.state = 'waitlisted' ORDER BY r.registered_at, r.id LIMIT {seats}"
        ),
        binds![event.event_id.to_owned()],
    )
    .await?;
    for registration in &next {
        set_state(backend, tx, &registration.id, RegistrationState::Confirmed, None, at).await?;
    }
    Ok(next.into_iter().map(|r| r.id).collect())
}

impl Database {
    /// Applies `change` to the registrations for `event` at `now`, as the rules allow, by the
    /// user `by`; moves the waiting list up, mails each registrant whose registration changed
    /// (the one changed first, then those who got a seat) and writes `audit`, all in one
    /// transaction. The registrations that changed, in that order; a refusal writes nothing.
    pub async fn change_registration(
        &self,
        event: EventSeats<'_>,
        change: RegistrationChange<'_>,
        by: &str,
        now_at: DateTime<Utc>,
        letters: &Letters<'_>,
        audit: AuditEvent<'_>,
    ) -> Result<Result<Vec<StoredRegistration>, RegistrationRefusal>, StorageError> {
        transaction!(self, |backend, tx| {
            let at = stamp(now_at);
            // Seats a larger capacity freed go to those who waited, before anyone new.
            let mut changed = promote(backend, tx, event, &at).await?;
            let (confirmed, waiting) = counts(backend, tx, event.event_id).await?;
            let active_of = |user_id: &str| {
                (
                    format!("{SELECT} WHERE r.event_id = ? AND r.user_id = ? AND {ACTIVE}"),
                    binds![event.event_id.to_owned(), user_id.to_owned()],
                )
            };
            let subject = match change {
                RegistrationChange::Register { user_id } => {
                    let (text, values) = active_of(user_id);
                    let active = rows_in(backend, tx, &text, values).await?.into_iter().next();
                    let state = match event.rules.register(now_at, event.starts_at, confirmed, active.map(|r| r.state))
                    {
                        Ok(state) => state,
                        Err(refusal) => return Ok(Err(refusal)),
                    };
                    let id = Uuid::now_v7().to_string();
                    exec(
                        backend,
                        tx,
                        "INSERT INTO event_registrations (id, event_id, user_id, state, registered_at, changed_at, \
                         changed_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        binds![
                            id.clone(),
                            event.event_id.to_owned(),
                            user_id.to_owned(),
                            state.id().to_owned(),
                            at.clone(),
                            at.clone(),
                            by.to_owned()
                        ],
                        "registering",
                    )
                    .await?;
                    id
                }
                RegistrationChange::Cancel { user_id } => {
                    let (text, values) = active_of(user_id);
                    let Some(active) = rows_in(backend, tx, &text, values).await?.into_iter().next() else {
                        return Ok(Err(RegistrationRefusal::NotRegistered));
                    };
                    match event.rules.cancel(now_at, event.starts_at, active.state, confirmed, waiting) {
                        Ok(outcome) => set_state(backend, tx, &active.id, outcome.state, Some(by), &at).await?,
                        Err(refusal) => return Ok(Err(refusal)),
                    }
                    active.id
                }
                RegistrationChange::Approve { registration_id } | RegistrationChange::Reject { registration_id } => {
                    let Some(current) = rows_in(
                        backend,
                        tx,
                        &format!("{SELECT} WHERE r.event_id = ? AND r.id = ?"),
                        binds![event.event_id.to_owned(), registration_id.to_owned()],
                    )
                    .await?
                    .into_iter()
                    .next() else {
                        return Ok(Err(RegistrationRefusal::NotRegistered));
                    };
                    let decided = match change {
                        RegistrationChange::Approve { .. } => event.rules.approve(current.state, confirmed),
                        _ => event.rules.reject(current.state),
                    };
                    match decided {
                        Ok(state) => set_state(backend, tx, &current.id, state, Some(by), &at).await?,
                        Err(refusal) => return Ok(Err(refusal)),
                    }
                    current.id
                }
            };
            changed.insert(0, subject);
            changed.extend(promote(backend, tx, event, &at).await?);
            let mut out = Vec::new();
            for id in &changed {
                let now_stored = rows_in(backend, tx, &format!("{SELECT} WHERE r.id = ?"), binds![id.clone()]).await?;
                out.extend(now_stored);
            }
            for registration in &out {
                let letter = letters(registration);
                let mail = Mail { recipient: &registration.email, subject: &letter.subject, body: &letter.body };
                queue_message(backend, tx, mail, None, letter.attachment.as_ref()).await?;
            }
            audit::insert(backend, tx, &audit).await?;
            Ok(Ok(out))
        })
        .await
    }

    /// Seats taken and registrants waiting for one, now.
    pub async fn seats_taken(&self, event_id: &str) -> Result<(u32, u32), StorageError> {
        let mut transaction = self.pool().begin().await.context("counting registrations")?;
        let taken = counts(self.backend(), &mut transaction, event_id).await?;
        transaction.commit().await.context("counting registrations")?;
        Ok(taken)
    }

    /// Every registration for an event, the earliest first.
    pub async fn registrations_for(&self, event_id: &str) -> Result<Vec<StoredRegistration>, StorageError> {
        let rows = self
            .query_rows(
                &format!("{SELECT} WHERE r.event_id = ? ORDER BY r.registered_at, r.id"),
                binds![event_id.to_owned()],
                "listing registrations",
            )
            .await?;
        rows.iter().map(registration).collect()
    }

    /// A user's registrations, latest for each event, newest first.
    pub async fn registrations_of(&self, user_id: &str) -> Result<Vec<StoredRegistration>, StorageError> {
        let rows = self
            .query_rows(
                &format!("{SELECT} WHERE r.user_id = ? ORDER BY r.registered_at DESC, r.id DESC"),
                binds![user_id.to_owned()],
                "listing registrations",
            )
            .await?;
        let mut latest: Vec<StoredRegistration> = Vec::new();
        for registration in rows.iter().map(registration) {
            let registration = registration?;
            if !latest.iter().any(|r| r.event_id == registration.event_id) {
                latest.push(registration);
            }
        }
        Ok(latest)
    }

    /// Sets the digest of a user's calendar secret; the previous address stops working.
    pub async fn set_calendar_feed(
        &self,
        user_id: &str,
        digest: &str,
        audit: AuditEvent<'_>,
    ) -> Result<(), StorageError> {
        transaction!(self, |backend, tx| {
            exec(
                backend,
                tx,
                "DELETE FROM calendar_feeds WHERE user_id = ?",
                binds![user_id.to_owned()],
                "renewing a calendar",
            )
            .await?;
            exec(
                backend,
                tx,
                "INSERT INTO calendar_feeds (user_id, feed_digest, created_at) VALUES (?, ?, ?)",
                binds![user_id.to_owned(), digest.to_owned(), now()],
                "renewing a calendar",
            )
            .await?;
            audit::insert(backend, tx, &audit).await
        })
        .await
    }

    /// Whether the user has a calendar address now.
    pub async fn has_calendar_feed(&self, user_id: &str) -> Result<bool, StorageError> {
        let rows = self
            .query_rows(
                "SELECT user_id FROM calendar_feeds WHERE user_id = ?",
                binds![user_id.to_owned()],
                "reading a calendar",
            )
            .await?;
        Ok(!rows.is_empty())
    }

    /// The user whose calendar secret has this digest.
    pub async fn calendar_feed_user(&self, digest: &str) -> Result<Option<String>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT f.user_id FROM calendar_feeds f JOIN users u ON u.id = f.user_id \
                 WHERE f.feed_digest = ? AND u.disabled_at IS NULL",
                binds![digest.to_owned()],
                "reading a calendar",
            )
            .await?;
        rows.first().map(|row| row.try_get::<String, _>("user_id").context("reading a calendar")).transpose()
    }
}
