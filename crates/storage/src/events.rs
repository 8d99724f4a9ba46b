//! Registrations for events and the personal calendars of them. Each change reads the
//! event's counts and writes the registration, the waiting list's moves, their mails and the
//! audit entry in one write transaction; writers take turns (`begin_write`), so two people
//! taking the last seat at once get a seat and the waiting list, never two seats.

use chrono::{DateTime, Utc};
use lshub_domain::event::{RegistrationRefusal, RegistrationRules, RegistrationState};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use crate::accounts::{
    binds, exec, fetch_in, now, parse_time, queue_message, sql, stamp, transaction, Attachment, Mail,
};
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
    /// Nothing but the waiting list moving up into seats a larger capacity freed.
    Settle,
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
    fetch_in(backend, tx, text, binds, "reading registrations").await?.iter().map(registration).collect()
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
                RegistrationChange::Settle => None,
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
                    Some(id)
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
                    Some(active.id)
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
                    Some(current.id)
                }
            };
            if let Some(subject) = subject {
                changed.insert(0, subject);
            }
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
            if !out.is_empty() {
                audit::insert(backend, tx, &audit).await?;
            }
            Ok(Ok(out))
        })
        .await
    }

    /// Events (ids) where some wait for a seat while seats may be free: those whose waiting
    /// list a larger capacity could move.
    pub async fn events_with_waiting_lists(&self) -> Result<Vec<String>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT DISTINCT event_id FROM event_registrations WHERE state = 'waitlisted' ORDER BY event_id",
                Vec::new(),
                "finding waiting lists",
            )
            .await?;
        rows.iter().map(|row| row.try_get::<String, _>("event_id").context("finding waiting lists")).collect()
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
    pub async fn set_personal_calendar(
        &self,
        user_id: &str,
        digest: &str,
        audit: AuditEvent<'_>,
    ) -> Result<(), StorageError> {
        transaction!(self, |backend, tx| {
            exec(
                backend,
                tx,
                "DELETE FROM personal_calendars WHERE user_id = ?",
                binds![user_id.to_owned()],
                "renewing a calendar",
            )
            .await?;
            exec(
                backend,
                tx,
                "INSERT INTO personal_calendars (user_id, feed_digest, created_at) VALUES (?, ?, ?)",
                binds![user_id.to_owned(), digest.to_owned(), now()],
                "renewing a calendar",
            )
            .await?;
            audit::insert(backend, tx, &audit).await
        })
        .await
    }

    /// Whether the user has a calendar address now.
    pub async fn has_personal_calendar(&self, user_id: &str) -> Result<bool, StorageError> {
        let rows = self
            .query_rows(
                "SELECT user_id FROM personal_calendars WHERE user_id = ?",
                binds![user_id.to_owned()],
                "reading a calendar",
            )
            .await?;
        Ok(!rows.is_empty())
    }

    /// The user whose calendar secret has this digest.
    pub async fn personal_calendar_user(&self, digest: &str) -> Result<Option<String>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT f.user_id FROM personal_calendars f JOIN users u ON u.id = f.user_id \
                 WHERE f.feed_digest = ? AND u.disabled_at IS NULL",
                binds![digest.to_owned()],
                "reading a calendar",
            )
            .await?;
        rows.first().map(|row| row.try_get::<String, _>("user_id").context("reading a calendar")).transpose()
    }
}

/// An organisation's iCalendar feed, imported on a schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFeed {
    pub id: String,
    pub organisation_id: String,
    pub url: String,
    pub language: String,
    pub event_type: String,
    pub created_at: DateTime<Utc>,
    pub fetched_at: Option<DateTime<Utc>>,
    /// What the last fetch did, in words.
    pub outcome: Option<String>,
}

/// A feed to add.
pub struct NewEventFeed<'a> {
    pub organisation_id: &'a str,
    pub url: &'a str,
    pub language: &'a str,
    pub event_type: &'a str,
    pub added_by: &'a str,
}

const FEED_COLUMNS: &str = "id, organisation_id, url, language, event_type, created_at, fetched_at, outcome";

fn event_feed(row: &AnyRow) -> Result<EventFeed, StorageError> {
    const WHAT: &str = "reading an event feed";
    let text = |c: &str| row.try_get::<String, _>(c).context(WHAT);
    let id = text("id")?;
    let fetched_at: Option<String> = row.try_get("fetched_at").context(WHAT)?;
    Ok(EventFeed {
        organisation_id: text("organisation_id")?,
        url: text("url")?,
        language: text("language")?,
        event_type: text("event_type")?,
        created_at: parse_time(&text("created_at")?, &id)?,
        fetched_at: fetched_at.map(|t| parse_time(&t, &id)).transpose()?,
        outcome: row.try_get("outcome").context(WHAT)?,
        id,
    })
}

impl Database {
    /// Adds a feed and returns its id; `None` when the organisation has that address already.
    pub async fn add_event_feed(
        &self,
        new: NewEventFeed<'_>,
        audit: AuditEvent<'_>,
    ) -> Result<Option<String>, StorageError> {
        let id = Uuid::now_v7().to_string();
        transaction!(self, |backend, tx| {
            let existing: Option<(String,)> =
                sqlx::query_as(&sql(backend, "SELECT id FROM event_feeds WHERE organisation_id = ? AND url = ?"))
                    .bind(new.organisation_id.to_owned())
                    .bind(new.url.to_owned())
                    .fetch_optional(&mut **tx)
                    .await
                    .context("adding an event feed")?;
            if existing.is_some() {
                return Ok(None);
            }
            exec(
                backend,
                tx,
                "INSERT INTO event_feeds (id, organisation_id, url, language, event_type, added_by, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
                binds![
                    id.clone(),
                    new.organisation_id.to_owned(),
                    new.url.to_owned(),
                    new.language.to_owned(),
                    new.event_type.to_owned(),
                    new.added_by.to_owned(),
                    now()
                ],
                "adding an event feed",
            )
            .await?;
            audit::insert(backend, tx, &audit).await?;
            Ok(Some(id.clone()))
        })
        .await
    }

    /// An organisation's feeds, oldest first.
    pub async fn event_feeds_of(&self, organisation_id: &str) -> Result<Vec<EventFeed>, StorageError> {
        let rows = self
            .query_rows(
                &format!("SELECT {FEED_COLUMNS} FROM event_feeds WHERE organisation_id = ? ORDER BY created_at, id"),
                binds![organisation_id.to_owned()],
                "listing event feeds",
            )
            .await?;
        rows.iter().map(event_feed).collect()
    }

    /// Removes an organisation's feed (the events it brought stay); `false` when it has none
    /// with that id.
    pub async fn remove_event_feed(
        &self,
        organisation_id: &str,
        id: &str,
        audit: AuditEvent<'_>,
    ) -> Result<bool, StorageError> {
        transaction!(self, |backend, tx| {
            let removed = exec(
                backend,
                tx,
                "DELETE FROM event_feeds WHERE organisation_id = ? AND id = ?",
                binds![organisation_id.to_owned(), id.to_owned()],
                "removing an event feed",
            )
            .await?;
            if removed > 0 {
                audit::insert(backend, tx, &audit).await?;
            }
            Ok(removed > 0)
        })
        .await
    }

    /// Takes the feeds not fetched since `before` (or ever), marking them fetched at `now`:
    /// another node asking meanwhile gets none of them.
    pub async fn take_due_event_feeds(
        &self,
        before: DateTime<Utc>,
        now_at: DateTime<Utc>,
    ) -> Result<Vec<EventFeed>, StorageError> {
        let rows = self
            .query_rows(
                &format!("SELECT {FEED_COLUMNS} FROM event_feeds WHERE fetched_at IS NULL OR fetched_at < ? ORDER BY fetched_at, id"),
                binds![stamp(before)],
                "finding due event feeds",
            )
            .await?;
        let mut taken = Vec::new();
        for feed in rows.iter().map(event_feed) {
            let feed = feed?;
            if self.take_event_feed(&feed.id, Some(before), now_at).await? {
                taken.push(feed);
            }
        }
        Ok(taken)
    }

    /// Marks a feed fetched at `now`, if it was not fetched since `before` (any time when
    /// `None`): whether this caller took it.
    pub async fn take_event_feed(
        &self,
        id: &str,
        before: Option<DateTime<Utc>>,
        now_at: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        transaction!(self, |backend, tx| {
            let taken =
                match before {
                    Some(before) => exec(
                        backend,
                        tx,
                        "UPDATE event_feeds SET fetched_at = ? WHERE id = ? AND (fetched_at IS NULL OR fetched_at < ?)",
                        binds![stamp(now_at), id.to_owned(), stamp(before)],
                        "taking an event feed",
                    )
                    .await?,
                    None => {
                        exec(
                            backend,
                            tx,
                            "UPDATE event_feeds SET fetched_at = ? WHERE id = ?",
                            binds![stamp(now_at), id.to_owned()],
                            "taking an event feed",
                        )
                        .await?
                    }
                };
            Ok(taken == 1)
        })
        .await
    }

    /// Records what a fetch of a feed did.
    pub async fn event_feed_fetched(&self, id: &str, outcome: &str) -> Result<(), StorageError> {
        transaction!(self, |backend, tx| {
            exec(
                backend,
                tx,
                "UPDATE event_feeds SET outcome = ? WHERE id = ?",
                binds![outcome.to_owned(), id.to_owned()],
                "recording an event feed's fetch",
            )
            .await?;
            Ok(())
        })
        .await
    }
}
