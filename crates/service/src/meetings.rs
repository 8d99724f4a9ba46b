//! One-to-one meetings at a matchmaking day, as b2match runs them. Those with a confirmed
//! seat publish a short profile, see the others' and ask for meetings; the one asked accepts
//! in a slot both have free (a table comes with it) or declines; requests left unanswered
//! expire a day before the event. Either side may call a meeting off until the event
//! begins, and the organisers see every request and enter who did not come. Contact
//! addresses reach the other side only with an accepted meeting.

use chrono::{DateTime, Utc};
use lshub_domain::authorization::{Action, MeetingAction, RegistrationAction, Resource};
use lshub_domain::event::meetings::{self, MeetingGrid, MeetingProfile, MeetingProfileDraft};
use lshub_domain::event::RegistrationState;
use lshub_storage::meetings::{MeetingChange, MeetingDay, MeetingLetters, StoredMeeting, StoredProfile};
use lshub_storage::Database;

use crate::events::{organised, Organised};
use crate::{Caller, ServiceError};

/// A published matchmaking day with its grid of slots and tables.
pub struct Day {
    pub event: Organised,
    pub grid: MeetingGrid,
}

impl Day {
    fn storage(&self) -> MeetingDay<'_> {
        MeetingDay { event_id: &self.event.item.id, grid: &self.grid, starts_at: self.event.item.record.starts_at }
    }

    fn request_resource<'a>(&'a self, meeting: &'a StoredMeeting) -> Resource<'a> {
        Resource::Meeting {
            organisers: &self.event.organisers,
            requester: &meeting.requester.user_id,
            recipient: &meeting.recipient.user_id,
        }
    }
}

/// The matchmaking day at `slug`; other events have no meetings.
pub async fn day(db: &Database, slug: &str) -> Result<Day, ServiceError> {
    let event = organised(db, slug).await?;
    let grid = event.item.record.meeting_grid().ok_or(ServiceError::NotFound("matchmaking day"))?;
    Ok(Day { event, grid })
}

/// The caller's id when they hold a confirmed seat at the event: who takes part.
pub async fn participant(db: &Database, caller: &Caller, day: &Day) -> Result<Option<String>, ServiceError> {
    let Some(user) = &caller.user else { return Ok(None) };
    let seated = db
        .registrations_of(&user.id)
        .await?
        .into_iter()
        .any(|r| r.event_id == day.event.item.id && r.state == RegistrationState::Confirmed);
    Ok(seated.then(|| user.id.clone()))
}

/// Whether the caller takes part: has a confirmed seat.
pub async fn takes_part(db: &Database, caller: &Caller, day: &Day) -> Result<bool, ServiceError> {
    let participant = participant(db, caller, day).await?;
    Ok(caller.may(Action::Meeting(MeetingAction::TakePart), take_part(day, participant.as_deref())))
}

fn take_part<'a>(day: &'a Day, participant: Option<&'a str>) -> Resource<'a> {
    Resource::Event { organisers: &day.event.organisers, registrant: participant }
}

async fn require_taking_part(db: &Database, caller: &Caller, day: &Day) -> Result<String, ServiceError> {
    let participant = participant(db, caller, day).await?;
    caller.require(Action::Meeting(MeetingAction::TakePart), take_part(day, participant.as_deref()))?;
    Ok(caller.user()?.id.clone())
}

/// What a participant sees: everyone's profiles (their own among them) and their own
/// requests, made and received.
pub struct Overview {
    pub profiles: Vec<StoredProfile>,
    pub own_profile: Option<StoredProfile>,
    pub requests: Vec<StoredMeeting>,
}

pub async fn overview(db: &Database, caller: &Caller, day: &Day) -> Result<Overview, ServiceError> {
    let me = require_taking_part(db, caller, day).await?;
    let profiles = db.meeting_profiles(&day.event.item.id).await?;
    let own_profile = profiles.iter().find(|p| p.user_id == me).cloned();
    let requests = db.meeting_requests_of(&day.event.item.id, &me).await?;
    Ok(Overview { profiles, own_profile, requests })
}

/// Publishes (or replaces) the caller's profile for the day. Every wrong field is named.
pub async fn save_profile(
    db: &Database,
    caller: &Caller,
    day: &Day,
    draft: &MeetingProfileDraft,
    now: DateTime<Utc>,
) -> Result<MeetingProfile, ServiceError> {
    let me = require_taking_part(db, caller, day).await?;
    let profile = MeetingProfile::from_draft(draft).map_err(ServiceError::Invalid)?;
    let audit = caller.event("meeting.profile-saved", &day.event.item.slug, String::new());
    db.save_meeting_profile(&day.event.item.id, &me, &profile, now, audit).await?;
    Ok(profile)
}

/// The caller asks the participant `recipient` (a user id) for a meeting, with a short
/// message; the one asked is mailed.
pub async fn ask(
    db: &Database,
    caller: &Caller,
    day: &Day,
    recipient: &str,
    message: &str,
    now: DateTime<Utc>,
    letters: &MeetingLetters<'_>,
) -> Result<StoredMeeting, ServiceError> {
    let me = require_taking_part(db, caller, day).await?;
    let message = meetings::request_message(message).map_err(|e| ServiceError::Invalid(vec![e]))?;
    meetings::may_ask(now, day.event.item.record.starts_at).map_err(ServiceError::MeetingRefused)?;
    let audit = caller.event("meeting.asked", &day.event.item.slug, recipient.to_owned());
    db.ask_for_meeting(&day.event.item.id, &me, recipient, &message, now, letters, audit)
        .await?
        .map_err(ServiceError::MeetingRefused)
}

/// One request, for its two sides and the event's organisers.
pub async fn request(db: &Database, caller: &Caller, day: &Day, id: &str) -> Result<StoredMeeting, ServiceError> {
    // Visitors and disabled accounts learn nothing, not even whether the request exists.
    caller.require(Action::ReadOwnAccount, Resource::Hub)?;
    let meeting = db.meeting_request(&day.event.item.id, id).await?.ok_or(ServiceError::NotFound("meeting request"))?;
    caller.require(Action::Meeting(MeetingAction::Read), day.request_resource(&meeting))?;
    Ok(meeting)
}

/// Accepts (in a slot), declines, calls off, or (organisers) enters attendance.
pub async fn change(
    db: &Database,
    caller: &Caller,
    day: &Day,
    id: &str,
    change: MeetingChange,
    now: DateTime<Utc>,
    letters: &MeetingLetters<'_>,
) -> Result<StoredMeeting, ServiceError> {
    let (action, audit_action) = match change {
        MeetingChange::Accept { .. } => (MeetingAction::Answer, "meeting.accepted"),
        MeetingChange::Decline => (MeetingAction::Answer, "meeting.declined"),
        MeetingChange::CallOff => (MeetingAction::CallOff, "meeting.called-off"),
        MeetingChange::Attendance(_) => {
            require_organiser(caller, day)?;
            (MeetingAction::Read, "meeting.attendance-entered")
        }
    };
    let meeting = request(db, caller, day, id).await?;
    caller.require(Action::Meeting(action), day.request_resource(&meeting))?;
    let by = caller.user()?.id.clone();
    let audit = caller.event(audit_action, &day.event.item.slug, id.to_owned());
    match db.change_meeting(day.storage(), id, change, &by, now, letters, audit).await? {
        Some(Ok(changed)) => Ok(changed),
        Some(Err(refusal)) => Err(ServiceError::MeetingRefused(refusal)),
        None => Err(ServiceError::NotFound("meeting request")),
    }
}

/// The slots a request can still be accepted in, earliest first.
pub async fn open_slots(db: &Database, day: &Day, meeting: &StoredMeeting) -> Result<Vec<u32>, ServiceError> {
    let requests = db.meeting_requests_for(&day.event.item.id).await?;
    Ok(lshub_storage::meetings::open_slots(&day.grid, &requests, meeting))
}

/// The caller's accepted meetings at the day, by slot: their personal agenda.
pub async fn agenda(db: &Database, caller: &Caller, day: &Day) -> Result<Vec<StoredMeeting>, ServiceError> {
    caller.require(Action::ReadOwnAccount, Resource::Hub)?;
    let me = caller.user()?.id.clone();
    let mut accepted: Vec<StoredMeeting> = db
        .meeting_requests_of(&day.event.item.id, &me)
        .await?
        .into_iter()
        .filter(|m| m.state == meetings::RequestState::Accepted)
        .collect();
    accepted.sort_by_key(|m| m.placement.map(|p| (p.slot, p.table)));
    Ok(accepted)
}

/// The caller organises the day: sees every request and enters attendance.
pub fn require_organiser(caller: &Caller, day: &Day) -> Result<(), ServiceError> {
    caller.require(Action::Registration(RegistrationAction::Organise), day.event.resource(None))
}

/// Every request at the day: the organisers' dashboard.
pub async fn dashboard(db: &Database, caller: &Caller, day: &Day) -> Result<Vec<StoredMeeting>, ServiceError> {
    require_organiser(caller, day)?;
    Ok(db.meeting_requests_for(&day.event.item.id).await?)
}
