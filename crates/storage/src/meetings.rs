//! One-to-one meetings at matchmaking days: the participants' profiles, their requests,
//! and the slot and table each accepted meeting holds. Every change is one write
//! transaction (`begin_write`: writers take turns) that reads what it decides on, so two
//! acceptances at once cannot put two meetings at one table or one person in two places;
//! a refusal writes nothing.

use chrono::{DateTime, Utc};
use lshub_domain::event::meetings::{
    Attendance, Bookings, MeetingGrid, MeetingProfile, MeetingRefusal, Pair, Placement, RequestState,
};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use crate::accounts::{binds, exec, fetch_in, parse_time, queue_message, stamp, transaction, Mail};
use crate::audit::{self, AuditEvent};
use crate::error::{QueryContext, StorageError};
use crate::events::Letter;
use crate::{Backend, Database};

/// A participant's profile for one event, with their name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredProfile {
    pub user_id: String,
    pub name: String,
    pub profile: MeetingProfile,
    pub updated_at: DateTime<Utc>,
}

/// One side of a meeting request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub user_id: String,
    pub name: String,
    /// Shown to the other side once the meeting is accepted, and to the organisers.
    pub email: String,
    /// Their language tag, for their mail.
    pub language: String,
    /// The organisation their profile names.
    pub organisation: Option<String>,
}

/// A meeting request as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMeeting {
    pub id: String,
    pub event_id: String,
    pub requester: Participant,
    pub recipient: Participant,
    pub message: String,
    /// As stored: a pending request past its deadline still reads pending here
    /// ([`RequestState::at`] tells).
    pub state: RequestState,
    pub placement: Option<Placement>,
    pub attendance: Option<Attendance>,
    pub asked_at: DateTime<Utc>,
    pub changed_at: DateTime<Utc>,
}

impl StoredMeeting {
    /// The side that is not `user_id`.
    pub fn other_side(&self, user_id: &str) -> &Participant {
        if self.requester.user_id == user_id {
            &self.recipient
        } else {
            &self.requester
        }
    }
}

/// The matchmaking day a change is made at, as the rules need it.
#[derive(Debug, Clone, Copy)]
pub struct MeetingDay<'a> {
    pub event_id: &'a str,
    pub grid: &'a MeetingGrid,
    pub starts_at: DateTime<Utc>,
}

/// A change to one meeting request.
#[derive(Debug, Clone, Copy)]
pub enum MeetingChange {
    /// The one asked accepts, in this slot (from 0); the first free table is theirs.
    Accept {
        slot: u32,
    },
    Decline,
    /// Either side withdraws the request or calls the meeting off.
    CallOff,
    /// The organisers enter who came.
    Attendance(Attendance),
}

/// Words the mail about a request to the participant it goes to.
pub type MeetingLetters<'a> = dyn Fn(&StoredMeeting, &Participant) -> Letter + Sync + 'a;

const SELECT: &str = "SELECT m.id, m.event_id, m.message, m.state, m.slot, m.table_number, m.attendance, \
     m.asked_at, m.changed_at, \
     a.id AS a_id, a.display_name AS a_name, a.email AS a_email, a.language AS a_language, pa.organisation AS a_org, \
     b.id AS b_id, b.display_name AS b_name, b.email AS b_email, b.language AS b_language, pb.organisation AS b_org \
     FROM meeting_requests m \
     JOIN users a ON a.id = m.requester_id JOIN users b ON b.id = m.recipient_id \
     LEFT JOIN meeting_profiles pa ON pa.event_id = m.event_id AND pa.user_id = m.requester_id \
     LEFT JOIN meeting_profiles pb ON pb.event_id = m.event_id AND pb.user_id = m.recipient_id";

fn meeting(row: &AnyRow) -> Result<StoredMeeting, StorageError> {
    const WHAT: &str = "reading a meeting request";
    let text = |c: &str| row.try_get::<String, _>(c).context(WHAT);
    let optional = |c: &str| row.try_get::<Option<String>, _>(c).context(WHAT);
    let number = |c: &str| row.try_get::<Option<i64>, _>(c).context(WHAT);
    let id = text("id")?;
    let corrupt = |reason: String| StorageError::CorruptRecord { id: id.clone(), reason };
    let state = text("state")?;
    let state = RequestState::from_id(&state).ok_or_else(|| corrupt(format!("state {state}")))?;
    let placement = match (number("slot")?, number("table_number")?) {
        (Some(slot), Some(table)) => Some(Placement {
            slot: u32::try_from(slot).map_err(|_| corrupt(format!("slot {slot}")))?,
            table: u32::try_from(table).map_err(|_| corrupt(format!("table {table}")))?,
        }),
        _ => None,
    };
    let attendance = match optional("attendance")? {
        Some(value) => Some(Attendance::from_id(&value).ok_or_else(|| corrupt(format!("attendance {value}")))?),
        None => None,
    };
    let side = |prefix: &str| -> Result<Participant, StorageError> {
        Ok(Participant {
            user_id: text(&format!("{prefix}_id"))?,
            name: text(&format!("{prefix}_name"))?,
            email: text(&format!("{prefix}_email"))?,
            language: text(&format!("{prefix}_language"))?,
            organisation: optional(&format!("{prefix}_org"))?,
        })
    };
    Ok(StoredMeeting {
        event_id: text("event_id")?,
        requester: side("a")?,
        recipient: side("b")?,
        message: text("message")?,
        state,
        placement,
        attendance,
        asked_at: parse_time(&text("asked_at")?, &id)?,
        changed_at: parse_time(&text("changed_at")?, &id)?,
        id,
    })
}

async fn meetings_in(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    condition: &str,
    values: Vec<Option<String>>,
) -> Result<Vec<StoredMeeting>, StorageError> {
    let text = format!("{SELECT} WHERE {condition} ORDER BY m.asked_at, m.id");
    fetch_in(backend, tx, &text, values, "reading meeting requests").await?.iter().map(meeting).collect()
}

/// The request just written, as stored.
async fn read_back(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    id: &str,
) -> Result<StoredMeeting, StorageError> {
    let stored = meetings_in(backend, tx, "m.id = ?", binds![id.to_owned()]).await?.into_iter().next();
    stored.ok_or_else(|| StorageError::CorruptRecord { id: id.to_owned(), reason: "not read back".into() })
}

async fn queue_letter(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    letters: &MeetingLetters<'_>,
    stored: &StoredMeeting,
    to: &Participant,
) -> Result<(), StorageError> {
    let letter = letters(stored, to);
    let mail = Mail { recipient: &to.email, subject: &letter.subject, body: &letter.body };
    queue_message(backend, tx, mail, None, letter.attachment.as_ref()).await
}

impl Database {
    /// Writes (or replaces) the participant's profile for the event.
    pub async fn save_meeting_profile(
        &self,
        event_id: &str,
        user_id: &str,
        profile: &MeetingProfile,
        now: DateTime<Utc>,
        audit: AuditEvent<'_>,
    ) -> Result<(), StorageError> {
        transaction!(self, |backend, tx| {
            exec(
                backend,
                tx,
                "INSERT INTO meeting_profiles (event_id, user_id, organisation, offers, seeks, updated_at) \
                 VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, user_id) DO UPDATE SET \
                 organisation = excluded.organisation, offers = excluded.offers, seeks = excluded.seeks, \
                 updated_at = excluded.updated_at",
                binds![
                    event_id.to_owned(),
                    user_id.to_owned(),
                    profile.organisation.clone(),
                    profile.offers.clone(),
                    profile.seeks.clone(),
                    stamp(now)
                ],
                "saving a meeting profile",
            )
            .await?;
            audit::insert(backend, tx, &audit).await
        })
        .await
    }

    /// The profiles published for an event, by name.
    pub async fn meeting_profiles(&self, event_id: &str) -> Result<Vec<StoredProfile>, StorageError> {
        const WHAT: &str = "reading meeting profiles";
        let rows = self
            .query_rows(
                "SELECT p.user_id, u.display_name, p.organisation, p.offers, p.seeks, p.updated_at \
                 FROM meeting_profiles p JOIN users u ON u.id = p.user_id WHERE p.event_id = ? \
                 ORDER BY u.display_name, p.user_id",
                binds![event_id.to_owned()],
                WHAT,
            )
            .await?;
        rows.iter()
            .map(|row| {
                let text = |c: &str| row.try_get::<String, _>(c).context(WHAT);
                let user_id = text("user_id")?;
                Ok(StoredProfile {
                    name: text("display_name")?,
                    profile: MeetingProfile {
                        organisation: row.try_get::<Option<String>, _>("organisation").context(WHAT)?,
                        offers: text("offers")?,
                        seeks: text("seeks")?,
                    },
                    updated_at: parse_time(&text("updated_at")?, &user_id)?,
                    user_id,
                })
            })
            .collect()
    }

    /// `requester` asks `recipient` for a meeting at the event: refused unless both have a
    /// profile there, or the two have an open request already. The one asked is
    /// mailed.
    #[allow(clippy::too_many_arguments)]
    pub async fn ask_for_meeting(
        &self,
        event_id: &str,
        requester_id: &str,
        recipient_id: &str,
        message: &str,
        now: DateTime<Utc>,
        letters: &MeetingLetters<'_>,
        audit: AuditEvent<'_>,
    ) -> Result<Result<StoredMeeting, MeetingRefusal>, StorageError> {
        transaction!(self, |backend, tx| {
            if requester_id == recipient_id {
                return Ok(Err(MeetingRefusal::AskedSelf));
            }
            let profiles = fetch_in(
                backend,
                tx,
                "SELECT user_id FROM meeting_profiles WHERE event_id = ? AND user_id IN (?, ?)",
                binds![event_id.to_owned(), requester_id.to_owned(), recipient_id.to_owned()],
                "reading meeting profiles",
            )
            .await?;
            if profiles.len() < 2 {
                return Ok(Err(MeetingRefusal::NoProfile));
            }
            let open = meetings_in(
                backend,
                tx,
                "m.event_id = ? AND m.state IN ('pending', 'accepted') AND ((m.requester_id = ? AND \
                 m.recipient_id = ?) OR (m.requester_id = ? AND m.recipient_id = ?))",
                binds![
                    event_id.to_owned(),
                    requester_id.to_owned(),
                    recipient_id.to_owned(),
                    recipient_id.to_owned(),
                    requester_id.to_owned()
                ],
            )
            .await?;
            if !open.is_empty() {
                return Ok(Err(MeetingRefusal::AskedAlready));
            }
            let id = Uuid::now_v7().to_string();
            let at = stamp(now);
            exec(
                backend,
                tx,
                "INSERT INTO meeting_requests (id, event_id, requester_id, recipient_id, message, state, asked_at, \
                 changed_at, changed_by) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
                binds![
                    id.clone(),
                    event_id.to_owned(),
                    requester_id.to_owned(),
                    recipient_id.to_owned(),
                    message.to_owned(),
                    at.clone(),
                    at,
                    requester_id.to_owned()
                ],
                "asking for a meeting",
            )
            .await?;
            let stored = read_back(backend, tx, &id).await?;
            queue_letter(backend, tx, letters, &stored, &stored.recipient).await?;
            audit::insert(backend, tx, &audit).await?;
            Ok(Ok(stored))
        })
        .await
    }

    /// Applies `change` to the request `id` at the matchmaking day, by `by`, as the rules
    /// allow at `now`. An acceptance takes its slot at the first free table of the bookings
    /// read in this transaction. The side that did not act is mailed (about attendance,
    /// nobody). `None` when the event has no such request.
    #[allow(clippy::too_many_arguments)]
    pub async fn change_meeting(
        &self,
        day: MeetingDay<'_>,
        id: &str,
        change: MeetingChange,
        by: &str,
        now: DateTime<Utc>,
        letters: &MeetingLetters<'_>,
        audit: AuditEvent<'_>,
    ) -> Result<Option<Result<StoredMeeting, MeetingRefusal>>, StorageError> {
        transaction!(self, |backend, tx| {
            let current =
                meetings_in(backend, tx, "m.event_id = ? AND m.id = ?", binds![day.event_id.to_owned(), id.to_owned()])
                    .await?
                    .into_iter()
                    .next();
            let Some(current) = current else { return Ok(None) };
            let at = stamp(now);
            let decided = match change {
                MeetingChange::Accept { .. } | MeetingChange::Decline => current.state.answerable(now, day.starts_at),
                MeetingChange::CallOff => current.state.cancellable(now, day.starts_at),
                MeetingChange::Attendance(_) => current.state.takes_attendance(now, day.starts_at),
            };
            if let Err(refusal) = decided {
                return Ok(Some(Err(refusal)));
            }
            let (statement, values) = match change {
                MeetingChange::Accept { slot } => {
                    let placed = meetings_in(
                        backend,
                        tx,
                        "m.event_id = ? AND m.state = 'accepted'",
                        binds![day.event_id.to_owned()],
                    )
                    .await?;
                    let placement = match bookings_of(&placed).place(day.grid, &pair_of(&current), slot) {
                        Ok(placement) => placement,
                        Err(refusal) => return Ok(Some(Err(MeetingRefusal::Slot(refusal)))),
                    };
                    (
                        "UPDATE meeting_requests SET state = 'accepted', slot = CAST(? AS BIGINT), \
                         table_number = CAST(? AS BIGINT), changed_at = ?, changed_by = ? WHERE id = ?",
                        binds![
                            placement.slot.to_string(),
                            placement.table.to_string(),
                            at,
                            by.to_owned(),
                            id.to_owned()
                        ],
                    )
                }
                MeetingChange::Decline | MeetingChange::CallOff => {
                    let state = if matches!(change, MeetingChange::Decline) {
                        RequestState::Declined
                    } else {
                        RequestState::Cancelled
                    };
                    (
                        "UPDATE meeting_requests SET state = ?, slot = NULL, table_number = NULL, changed_at = ?, \
                         changed_by = ? WHERE id = ?",
                        binds![state.id().to_owned(), at, by.to_owned(), id.to_owned()],
                    )
                }
                MeetingChange::Attendance(attendance) => (
                    "UPDATE meeting_requests SET attendance = ?, changed_at = ?, changed_by = ? WHERE id = ?",
                    binds![attendance.id().to_owned(), at, by.to_owned(), id.to_owned()],
                ),
            };
            exec(backend, tx, statement, values, "changing a meeting request").await?;
            let stored = read_back(backend, tx, id).await?;
            if !matches!(change, MeetingChange::Attendance(_)) {
                let other = stored.other_side(by).clone();
                queue_letter(backend, tx, letters, &stored, &other).await?;
            }
            audit::insert(backend, tx, &audit).await?;
            Ok(Some(Ok(stored)))
        })
        .await
    }

    /// One request at an event.
    pub async fn meeting_request(&self, event_id: &str, id: &str) -> Result<Option<StoredMeeting>, StorageError> {
        Ok(self.meetings_where("m.event_id = ? AND m.id = ?", binds![event_id.to_owned(), id.to_owned()]).await?.pop())
    }

    /// Every request at an event, the earliest first: for its organisers.
    pub async fn meeting_requests_for(&self, event_id: &str) -> Result<Vec<StoredMeeting>, StorageError> {
        self.meetings_where("m.event_id = ?", binds![event_id.to_owned()]).await
    }

    /// The requests a participant made or was asked at an event, the earliest first.
    pub async fn meeting_requests_of(&self, event_id: &str, user_id: &str) -> Result<Vec<StoredMeeting>, StorageError> {
        self.meetings_where(
            "m.event_id = ? AND (m.requester_id = ? OR m.recipient_id = ?)",
            binds![event_id.to_owned(), user_id.to_owned(), user_id.to_owned()],
        )
        .await
    }

    async fn meetings_where(
        &self,
        condition: &str,
        values: Vec<Option<String>>,
    ) -> Result<Vec<StoredMeeting>, StorageError> {
        let rows = self
            .query_rows(&format!("{SELECT} WHERE {condition} ORDER BY m.asked_at, m.id"), values, "reading meetings")
            .await?;
        rows.iter().map(meeting).collect()
    }
}

/// The slots a pending request can still take, earliest first: both sides free, a table
/// free, in the bookings of `accepted`.
pub fn open_slots(grid: &MeetingGrid, requests: &[StoredMeeting], request: &StoredMeeting) -> Vec<u32> {
    bookings_of(requests).common_slots(grid, &pair_of(request))
}

fn pair_of(request: &StoredMeeting) -> Pair<String> {
    Pair { a: request.requester.user_id.clone(), b: request.recipient.user_id.clone() }
}

/// The bookings of the accepted meetings among `requests`.
fn bookings_of(requests: &[StoredMeeting]) -> Bookings<String> {
    let placed: Vec<(Pair<String>, Placement)> = requests
        .iter()
        .filter(|m| m.state == RequestState::Accepted)
        .filter_map(|m| m.placement.map(|p| (pair_of(m), p)))
        .collect();
    Bookings::of(placed.iter().map(|(pair, p)| (pair, *p)))
}
