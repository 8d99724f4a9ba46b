//! Bookings of shared facilities and who is trained to use them. A booking is one write
//! transaction (`begin_write`: writers take turns on both databases) that checks the quota
//! and the time against what is booked and then claims its five-minute slots; the claims'
//! primary key refuses any second claim on a slot whatever else writes, so a double
//! booking cannot be stored. A refusal writes nothing.

use chrono::{DateTime, Utc};
use lshub_domain::facility::booking::{BookingMove, BookingRefusal, BookingState, QuotaWindow, Span};
use lshub_domain::facility::{Quota, QuotaScope, UserType};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use crate::accounts::{binds, exec, fetch_in, parse_time, stamp, transaction};
use crate::audit::{self, AuditEvent};
use crate::error::{QueryContext, StorageError};
use crate::{Backend, Database};

/// Claims inserted per statement: three parameters each, well under SQLite's limit.
const CLAIMS_PER_STATEMENT: usize = 300;

/// A booking as stored, with the names a list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBooking {
    pub id: String,
    pub facility_id: String,
    /// The facility's address name, and its title as last saved.
    pub facility_slug: String,
    pub facility_title: String,
    pub series_id: String,
    pub user_id: String,
    pub user_name: String,
    pub organisation_id: String,
    pub organisation_name: String,
    pub user_type: UserType,
    pub rate_cents: i64,
    pub span: Span,
    pub state: BookingState,
    pub note: String,
    pub requested_at: DateTime<Utc>,
    pub changed_at: DateTime<Utc>,
}

impl StoredBooking {
    /// What it costs at its rate, in cents, rounded to the nearest cent.
    pub fn amount_cents(&self) -> i64 {
        (self.rate_cents * self.span.minutes() + 30) / 60
    }
}

/// A request to book, already checked against the facility's rules.
#[derive(Debug, Clone)]
pub struct NewBooking<'a> {
    pub facility_id: &'a str,
    pub user_id: &'a str,
    pub organisation_id: &'a str,
    pub user_type: UserType,
    pub rate_cents: u32,
    /// One per occurrence; all are booked or none.
    pub spans: &'a [Span],
    pub buffer_minutes: u32,
    /// Confirmed at once, or requested when the staff approve each.
    pub state: BookingState,
    pub note: &'a str,
    /// The facility's quota and the periods the request counts in.
    pub quota: Option<(Quota, Vec<QuotaWindow>)>,
    pub now: DateTime<Utc>,
}

/// A person the staff marked as trained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainedPerson {
    pub user_id: String,
    pub name: String,
    pub trained_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT b.id, b.facility_id, i.slug AS facility_slug, i.title AS facility_title, b.series_id, \
     b.user_id, u.display_name, b.organisation_id, o.name AS organisation_name, b.user_type, b.rate_cents, \
     b.starts_at, b.ends_at, b.state, b.note, b.requested_at, b.changed_at \
     FROM facility_bookings b JOIN content_items i ON i.id = b.facility_id JOIN users u ON u.id = b.user_id \
     JOIN organisations o ON o.id = b.organisation_id";

fn booking(row: &AnyRow) -> Result<StoredBooking, StorageError> {
    const WHAT: &str = "reading a booking";
    let text = |c: &str| row.try_get::<String, _>(c).context(WHAT);
    let id = text("id")?;
    let corrupt = |reason: String| StorageError::CorruptRecord { id: id.clone(), reason };
    let state = text("state")?;
    let state = BookingState::from_id(&state).ok_or_else(|| corrupt(format!("state {state}")))?;
    let user_type = text("user_type")?;
    let user_type = UserType::from_id(&user_type).ok_or_else(|| corrupt(format!("user type {user_type}")))?;
    Ok(StoredBooking {
        facility_id: text("facility_id")?,
        facility_slug: text("facility_slug")?,
        facility_title: text("facility_title")?,
        series_id: text("series_id")?,
        user_id: text("user_id")?,
        user_name: text("display_name")?,
        organisation_id: text("organisation_id")?,
        organisation_name: text("organisation_name")?,
        user_type,
        rate_cents: row.try_get::<i64, _>("rate_cents").context(WHAT)?,
        span: Span { starts_at: parse_time(&text("starts_at")?, &id)?, ends_at: parse_time(&text("ends_at")?, &id)? },
        state,
        note: text("note")?,
        requested_at: parse_time(&text("requested_at")?, &id)?,
        changed_at: parse_time(&text("changed_at")?, &id)?,
        id,
    })
}

async fn bookings_in(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    condition: &str,
    values: Vec<Option<String>>,
) -> Result<Vec<StoredBooking>, StorageError> {
    let text = format!("{SELECT} WHERE {condition} ORDER BY b.starts_at, b.id");
    fetch_in(backend, tx, &text, values, "reading bookings").await?.iter().map(booking).collect()
}

/// The minutes already booked in a quota's period by the person or the organisation.
async fn booked_minutes(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    new: &NewBooking<'_>,
    per: QuotaScope,
    window: &QuotaWindow,
) -> Result<i64, StorageError> {
    let (column, who) = match per {
        QuotaScope::User => ("user_id", new.user_id),
        QuotaScope::Organisation => ("organisation_id", new.organisation_id),
    };
    let text = format!(
        "SELECT CAST(COALESCE(SUM(minutes), 0) AS BIGINT) AS booked FROM facility_bookings WHERE facility_id = ? AND {column} = ? \
         AND starts_at >= ? AND starts_at < ? AND state NOT IN ('rejected', 'cancelled')"
    );
    let values = binds![new.facility_id.to_owned(), who.to_owned(), stamp(window.from), stamp(window.to)];
    let rows = fetch_in(backend, tx, &text, values, "adding up a quota").await?;
    rows.first().map_or(Ok(0), |row| row.try_get::<i64, _>("booked").context("adding up a quota"))
}

/// Whether any slot of `claims` is claimed already.
async fn claimed(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    facility_id: &str,
    claims: &std::ops::Range<i64>,
) -> Result<bool, StorageError> {
    let rows = fetch_in(
        backend,
        tx,
        "SELECT slot FROM facility_slot_claims WHERE facility_id = ? AND slot >= CAST(? AS BIGINT) \
         AND slot < CAST(? AS BIGINT) LIMIT 1",
        binds![facility_id.to_owned(), claims.start.to_string(), claims.end.to_string()],
        "reading booked time",
    )
    .await?;
    Ok(!rows.is_empty())
}

async fn claim(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    facility_id: &str,
    booking_id: &str,
    claims: std::ops::Range<i64>,
) -> Result<(), StorageError> {
    let slots: Vec<i64> = claims.collect();
    for chunk in slots.chunks(CLAIMS_PER_STATEMENT) {
        let placeholders = vec!["(?, CAST(? AS BIGINT), ?)"; chunk.len()].join(", ");
        let text = format!("INSERT INTO facility_slot_claims (facility_id, slot, booking_id) VALUES {placeholders}");
        let values = chunk
            .iter()
            .flat_map(|slot| [Some(facility_id.to_owned()), Some(slot.to_string()), Some(booking_id.to_owned())])
            .collect();
        exec(backend, tx, &text, values, "claiming booked time").await?;
    }
    Ok(())
}

impl Database {
    /// Books every span of `new`, or none: refused when a quota would be exceeded or any
    /// span's time (with the buffer after it) is held by another booking.
    pub async fn book_facility(
        &self,
        new: NewBooking<'_>,
        audit: AuditEvent<'_>,
    ) -> Result<Result<Vec<StoredBooking>, BookingRefusal>, StorageError> {
        transaction!(self, |backend, tx| {
            if let Some((quota, windows)) = &new.quota {
                for window in windows {
                    let booked = booked_minutes(backend, tx, &new, quota.per, window).await?;
                    if booked + window.requested_minutes > quota.minutes() {
                        return Ok(Err(BookingRefusal::OverQuota { hours: quota.hours, period: quota.period }));
                    }
                }
            }
            for span in new.spans {
                if claimed(backend, tx, new.facility_id, &span.claims(new.buffer_minutes)).await? {
                    return Ok(Err(BookingRefusal::Taken { starts_at: span.starts_at }));
                }
            }
            let series_id = Uuid::now_v7().to_string();
            let at = stamp(new.now);
            for span in new.spans {
                let id = Uuid::now_v7().to_string();
                exec(
                    backend,
                    tx,
                    "INSERT INTO facility_bookings (id, facility_id, series_id, user_id, organisation_id, user_type, \
                     rate_cents, starts_at, ends_at, minutes, state, note, requested_at, changed_at, changed_by) \
                     VALUES (?, ?, ?, ?, ?, ?, CAST(? AS BIGINT), ?, ?, CAST(? AS BIGINT), ?, ?, ?, ?, ?)",
                    binds![
                        id.clone(),
                        new.facility_id.to_owned(),
                        series_id.clone(),
                        new.user_id.to_owned(),
                        new.organisation_id.to_owned(),
                        new.user_type.id().to_owned(),
                        new.rate_cents.to_string(),
                        stamp(span.starts_at),
                        stamp(span.ends_at),
                        span.minutes().to_string(),
                        new.state.id().to_owned(),
                        new.note.to_owned(),
                        at.clone(),
                        at.clone(),
                        new.user_id.to_owned()
                    ],
                    "booking a facility",
                )
                .await?;
                claim(backend, tx, new.facility_id, &id, span.claims(new.buffer_minutes)).await?;
            }
            let booked = bookings_in(backend, tx, "b.series_id = ?", binds![series_id]).await?;
            audit::insert(backend, tx, &audit).await?;
            Ok(Ok(booked))
        })
        .await
    }

    /// Moves the booking `id` of the facility, by `by`, as its state and time allow at
    /// `now`; a booking that no longer holds its time gives its claims back. `None` when
    /// the facility has no such booking.
    pub async fn change_booking(
        &self,
        facility_id: &str,
        id: &str,
        change: BookingMove,
        by: &str,
        now: DateTime<Utc>,
        audit: AuditEvent<'_>,
    ) -> Result<Option<Result<StoredBooking, BookingRefusal>>, StorageError> {
        transaction!(self, |backend, tx| {
            let found = bookings_in(
                backend,
                tx,
                "b.id = ? AND b.facility_id = ?",
                binds![id.to_owned(), facility_id.to_owned()],
            )
            .await?;
            let Some(booking) = found.into_iter().next() else { return Ok(None) };
            let Some(next) = booking.state.after(change) else {
                return Ok(Some(Err(BookingRefusal::WrongState(booking.state))));
            };
            if let Err(refusal) = change.in_time(&booking.span, now) {
                return Ok(Some(Err(refusal)));
            }
            exec(
                backend,
                tx,
                "UPDATE facility_bookings SET state = ?, changed_at = ?, changed_by = ? WHERE id = ?",
                binds![next.id().to_owned(), stamp(now), by.to_owned(), id.to_owned()],
                "changing a booking",
            )
            .await?;
            if !next.holds_time() {
                exec(
                    backend,
                    tx,
                    "DELETE FROM facility_slot_claims WHERE booking_id = ?",
                    binds![id.to_owned()],
                    "giving booked time back",
                )
                .await?;
            }
            audit::insert(backend, tx, &audit).await?;
            let changed = bookings_in(backend, tx, "b.id = ?", binds![id.to_owned()]).await?;
            Ok(changed.into_iter().next().map(Ok))
        })
        .await
    }

    pub async fn booking(&self, id: &str) -> Result<Option<StoredBooking>, StorageError> {
        let rows =
            self.query_rows(&format!("{SELECT} WHERE b.id = ?"), binds![id.to_owned()], "reading a booking").await?;
        rows.first().map(booking).transpose()
    }

    /// The facility's bookings that overlap `from..to`, by start; with `holding_only`, only
    /// those that hold their time.
    pub async fn facility_bookings(
        &self,
        facility_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        holding_only: bool,
    ) -> Result<Vec<StoredBooking>, StorageError> {
        let holding = if holding_only { " AND b.state NOT IN ('rejected', 'cancelled')" } else { "" };
        let text =
            format!("{SELECT} WHERE b.facility_id = ? AND b.ends_at > ? AND b.starts_at < ?{holding} ORDER BY b.starts_at, b.id");
        let rows = self
            .query_rows(&text, binds![facility_id.to_owned(), stamp(from), stamp(to)], "reading a facility's bookings")
            .await?;
        rows.iter().map(booking).collect()
    }

    /// The facility's requests that wait for the staff, by start.
    pub async fn requested_bookings(&self, facility_id: &str) -> Result<Vec<StoredBooking>, StorageError> {
        let text = format!("{SELECT} WHERE b.facility_id = ? AND b.state = 'requested' ORDER BY b.starts_at, b.id");
        let rows = self.query_rows(&text, binds![facility_id.to_owned()], "reading booking requests").await?;
        rows.iter().map(booking).collect()
    }

    /// A person's bookings that end at or after `since`, by start.
    pub async fn bookings_of(&self, user_id: &str, since: DateTime<Utc>) -> Result<Vec<StoredBooking>, StorageError> {
        let text = format!("{SELECT} WHERE b.user_id = ? AND b.ends_at >= ? ORDER BY b.starts_at, b.id");
        let rows = self.query_rows(&text, binds![user_id.to_owned(), stamp(since)], "reading one's bookings").await?;
        rows.iter().map(booking).collect()
    }

    /// Records that the staff trained `user_id` to use the facility (again: the newest date).
    pub async fn mark_trained(
        &self,
        facility_id: &str,
        user_id: &str,
        by: &str,
        now: DateTime<Utc>,
        audit: AuditEvent<'_>,
    ) -> Result<(), StorageError> {
        transaction!(self, |backend, tx| {
            exec(
                backend,
                tx,
                "INSERT INTO facility_trainings (facility_id, user_id, trained_at, trained_by) VALUES (?, ?, ?, ?) \
                 ON CONFLICT (facility_id, user_id) DO UPDATE SET trained_at = excluded.trained_at, \
                 trained_by = excluded.trained_by",
                binds![facility_id.to_owned(), user_id.to_owned(), stamp(now), by.to_owned()],
                "recording a training",
            )
            .await?;
            audit::insert(backend, tx, &audit).await
        })
        .await
    }

    pub async fn is_trained(&self, facility_id: &str, user_id: &str) -> Result<bool, StorageError> {
        let rows = self
            .query_rows(
                "SELECT user_id FROM facility_trainings WHERE facility_id = ? AND user_id = ?",
                binds![facility_id.to_owned(), user_id.to_owned()],
                "reading a training",
            )
            .await?;
        Ok(!rows.is_empty())
    }

    /// The people trained to use the facility, by name.
    pub async fn trained_people(&self, facility_id: &str) -> Result<Vec<TrainedPerson>, StorageError> {
        const WHAT: &str = "reading trainings";
        let rows = self
            .query_rows(
                "SELECT t.user_id, u.display_name, t.trained_at FROM facility_trainings t JOIN users u ON \
                 u.id = t.user_id WHERE t.facility_id = ? ORDER BY u.display_name, t.user_id",
                binds![facility_id.to_owned()],
                WHAT,
            )
            .await?;
        rows.iter()
            .map(|row| {
                let user_id: String = row.try_get("user_id").context(WHAT)?;
                Ok(TrainedPerson {
                    name: row.try_get("display_name").context(WHAT)?,
                    trained_at: parse_time(&row.try_get::<String, _>("trained_at").context(WHAT)?, &user_id)?,
                    user_id,
                })
            })
            .collect()
    }
}
