//! One-to-one meetings through the JSON API: the participants and one's requests, one's
//! profile, asking, answering in a slot, calling off, one's agenda, and for organisers
//! every request with attendance.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::Json;
use chrono::{DateTime, Utc};
use lshub_domain::event::meetings::{Attendance, MeetingProfileDraft, RequestState};
use lshub_domain::{Reason, ValidationError};
use lshub_service::meetings::{self as service, Day};
use lshub_storage::meetings::{MeetingChange, Participant, StoredMeeting, StoredProfile};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{letters, table_number};
use crate::api::JsonBody;
use crate::auth::Auth;
use crate::error::{AppError, Problem};
use crate::events::now;
use crate::routes::RouteTable;
use crate::state::AppState;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(overview, save_profile, ask, request, answer, call_off, agenda, dashboard, attendance),
    components(schemas(ProfileWire, MeetingWire, SideWire, SlotWire, OverviewWire)),
    tags((name = "meetings", description = "One-to-one meetings at matchmaking days: participants with a \
        confirmed seat publish a profile and ask each other; the one asked accepts in a slot both have free, \
        with a table, or declines; unanswered requests expire a day before the event"))
)]
pub struct MeetingsApi;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .route("/events/{slug}/meetings", get(overview))
        .route("/events/{slug}/meetings/profile", put(save_profile))
        .route("/events/{slug}/meetings/requests", post(ask))
        .route("/events/{slug}/meetings/requests/{id}", get(request).delete(call_off))
        .route("/events/{slug}/meetings/requests/{id}/answer", post(answer))
        .route("/events/{slug}/meetings/requests/{id}/attendance", put(attendance))
        .route("/events/{slug}/meetings/agenda", get(agenda))
        .route("/events/{slug}/meetings/dashboard", get(dashboard))
}

/// A participant's profile.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProfileWire {
    /// Whom to ask for a meeting.
    pub user_id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    pub offers: String,
    pub seeks: String,
}

fn profile_wire(p: &StoredProfile) -> ProfileWire {
    ProfileWire {
        user_id: p.user_id.clone(),
        name: p.name.clone(),
        organisation: p.profile.organisation.clone(),
        offers: p.profile.offers.clone(),
        seeks: p.profile.seeks.clone(),
    }
}

/// One side of a request.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SideWire {
    pub user_id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// Only once the meeting is accepted (to the other side), and to the organisers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// Where and when an accepted meeting is held.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SlotWire {
    /// The slot, from 0.
    pub slot: u32,
    /// The table, from 1.
    pub table: u32,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// A meeting request.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeetingWire {
    pub id: String,
    pub requester: SideWire,
    pub recipient: SideWire,
    pub message: String,
    /// pending, accepted, declined, expired or cancelled, as it stands now.
    pub state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slot: Option<SlotWire>,
    /// met, requester-absent, recipient-absent or both-absent, once the organisers entered it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attendance: Option<&'static str>,
    pub asked_at: DateTime<Utc>,
    /// The slots the one asked can accept in, for them while it waits for their answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_slots: Option<Vec<u32>>,
}

/// Who sees addresses: the organisers (`viewer` None) always, a side once accepted.
fn meeting_wire(state: &AppState, day: &Day, m: &StoredMeeting, viewer: Option<&str>) -> MeetingWire {
    let accepted = m.state == RequestState::Accepted;
    let side = |p: &Participant| SideWire {
        user_id: p.user_id.clone(),
        name: p.name.clone(),
        organisation: p.organisation.clone(),
        email: match viewer {
            None => Some(p.email.clone()),
            Some(me) if accepted && p.user_id != me => Some(p.email.clone()),
            Some(_) => None,
        },
    };
    MeetingWire {
        id: m.id.clone(),
        requester: side(&m.requester),
        recipient: side(&m.recipient),
        message: m.message.clone(),
        state: m.state.at(now(state), day.event.item.record.starts_at).id(),
        slot: m.placement.map(|p| {
            let (starts_at, ends_at) = day.grid.slot_time(p.slot);
            SlotWire { slot: p.slot, table: table_number(p.table), starts_at, ends_at }
        }),
        attendance: m.attendance.map(Attendance::id),
        asked_at: m.asked_at,
        open_slots: None,
    }
}

/// What a participant sees of a matchmaking day.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OverviewWire {
    /// Every published profile, the caller's among them.
    pub profiles: Vec<ProfileWire>,
    /// The caller's requests, made and received, the earliest first.
    pub requests: Vec<MeetingWire>,
}

/// The participants and the caller's requests (scope `write`: taking part), for those with a
/// confirmed seat.
#[utoipa::path(get, path = "/api/v1/events/{slug}/meetings", tag = "meetings", operation_id = "meetingOverview",
    params(("slug" = String, Path, description = "The matchmaking day's address name")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Profiles and requests", body = OverviewWire),
        (status = 403, description = "No confirmed seat", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such matchmaking day", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn overview(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Json<OverviewWire>, AppError> {
    let caller = auth.caller();
    let day = service::day(&state.db, &slug).await?;
    let overview = service::overview(&state.db, &caller, &day).await?;
    let me = caller.user()?.id.clone();
    Ok(Json(OverviewWire {
        profiles: overview.profiles.iter().map(profile_wire).collect(),
        requests: overview.requests.iter().map(|m| meeting_wire(&state, &day, m, Some(&me))).collect(),
    }))
}

/// A participant's profile as they write it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileBody {
    /// The organisation they come for, up to 150 characters.
    #[serde(default)]
    pub organisation: String,
    /// What they bring, up to 1,000 characters.
    #[serde(default)]
    pub offers: String,
    /// Whom or what they want to meet, up to 1,000 characters.
    #[serde(default)]
    pub seeks: String,
}

/// Publishes or replaces the caller's profile (scope `write`): `offers` or `seeks` at least.
#[utoipa::path(put, path = "/api/v1/events/{slug}/meetings/profile", tag = "meetings", operation_id = "saveMeetingProfile",
    params(("slug" = String, Path, description = "The matchmaking day's address name")),
    request_body = ProfileBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Saved", body = ProfileWire),
        (status = 403, description = "No confirmed seat", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is wrong", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn save_profile(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<ProfileBody>,
) -> Result<Json<ProfileWire>, AppError> {
    let caller = auth.caller();
    let draft = MeetingProfileDraft { organisation: body.organisation, offers: body.offers, seeks: body.seeks };
    let day = service::day(&state.db, &slug).await?;
    let profile = service::save_profile(&state.db, &caller, &day, &draft, now(&state)).await?;
    let user = caller.user()?;
    Ok(Json(profile_wire(&StoredProfile {
        user_id: user.id.clone(),
        name: user.display_name.clone(),
        profile,
        updated_at: now(&state),
    })))
}

/// A request for a meeting.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AskBody {
    /// The participant asked (a profile's `userId`).
    pub recipient: String,
    /// A short message, up to 1,000 characters.
    #[serde(default)]
    pub message: String,
}

/// Asks a participant for a meeting (scope `write`); they are mailed.
#[utoipa::path(post, path = "/api/v1/events/{slug}/meetings/requests", tag = "meetings", operation_id = "askForMeeting",
    params(("slug" = String, Path, description = "The matchmaking day's address name")),
    request_body = AskBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Asked", body = MeetingWire),
        (status = 403, description = "No confirmed seat", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Asking has closed, the two have an open request, or the one asked has no profile", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn ask(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<AskBody>,
) -> Result<(StatusCode, Json<MeetingWire>), AppError> {
    let caller = auth.caller();
    let day = service::day(&state.db, &slug).await?;
    let compose = letters(&state, &day.event.item, &day.grid);
    let asked =
        service::ask(&state.db, &caller, &day, body.recipient.trim(), &body.message, now(&state), &compose).await?;
    crate::access::mail_queued(&state);
    let me = caller.user()?.id.clone();
    Ok((StatusCode::CREATED, Json(meeting_wire(&state, &day, &asked, Some(&me)))))
}

/// A wire for the caller: a side, or an organiser (who sees both addresses).
async fn wire_for(state: &AppState, auth: &Auth, day: &Day, m: &StoredMeeting) -> Result<MeetingWire, AppError> {
    let me = auth.caller().user()?.id.clone();
    let side = m.requester.user_id == me || m.recipient.user_id == me;
    let mut wire = meeting_wire(state, day, m, side.then_some(me.as_str()));
    if m.recipient.user_id == me && m.state.answerable(now(state), day.event.item.record.starts_at).is_ok() {
        wire.open_slots = Some(service::open_slots(&state.db, day, m).await?);
    }
    Ok(wire)
}

/// One request (scope `read`), for its two sides and the organisers.
#[utoipa::path(get, path = "/api/v1/events/{slug}/meetings/requests/{id}", tag = "meetings", operation_id = "meetingRequest",
    params(
        ("slug" = String, Path, description = "The matchmaking day's address name"),
        ("id" = String, Path, description = "The request's id")
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The request", body = MeetingWire),
        (status = 403, description = "Neither side nor an organiser", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn request(
    State(state): State<AppState>,
    auth: Auth,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<MeetingWire>, AppError> {
    let day = service::day(&state.db, &slug).await?;
    let meeting = service::request(&state.db, &auth.caller(), &day, &id).await?;
    Ok(Json(wire_for(&state, &auth, &day, &meeting).await?))
}

/// The answer of the one asked.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    /// `accept` or `decline`.
    pub decision: String,
    /// For `accept`: one of the request's `openSlots`.
    #[serde(default)]
    pub slot: Option<u32>,
}

/// Accepts in a slot, with the first free table, or declines (scope `write`), for the one
/// asked; the one who asked is mailed.
#[utoipa::path(post, path = "/api/v1/events/{slug}/meetings/requests/{id}/answer", tag = "meetings", operation_id = "answerMeetingRequest",
    params(
        ("slug" = String, Path, description = "The matchmaking day's address name"),
        ("id" = String, Path, description = "The request's id")
    ),
    request_body = AnswerBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Answered", body = MeetingWire),
        (status = 403, description = "Not the one asked", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No longer waiting, expired, or the slot is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Neither accept nor decline, or no slot to accept in", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn answer(
    State(state): State<AppState>,
    auth: Auth,
    Path((slug, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<AnswerBody>,
) -> Result<Json<MeetingWire>, AppError> {
    let change = match (body.decision.as_str(), body.slot) {
        ("accept", Some(slot)) => MeetingChange::Accept { slot },
        ("accept", None) => return Err(ValidationError::new("slot", Reason::Empty).into()),
        ("decline", _) => MeetingChange::Decline,
        (other, _) => {
            let reason = Reason::NotEither { value: other.to_owned(), first: "accept", second: "decline" };
            return Err(ValidationError::new("decision", reason).into());
        }
    };
    changed(&state, &auth, &slug, &id, change).await
}

async fn changed(
    state: &AppState,
    auth: &Auth,
    slug: &str,
    id: &str,
    change: MeetingChange,
) -> Result<Json<MeetingWire>, AppError> {
    let day = service::day(&state.db, slug).await?;
    let compose = letters(state, &day.event.item, &day.grid);
    let meeting = service::change(&state.db, &auth.caller(), &day, id, change, now(state), &compose).await?;
    crate::access::mail_queued(state);
    Ok(Json(wire_for(state, auth, &day, &meeting).await?))
}

/// Withdraws a request or calls a meeting off (scope `write`), for either side until the
/// event begins; the other side is mailed.
#[utoipa::path(delete, path = "/api/v1/events/{slug}/meetings/requests/{id}", tag = "meetings", operation_id = "callOffMeeting",
    params(
        ("slug" = String, Path, description = "The matchmaking day's address name"),
        ("id" = String, Path, description = "The request's id")
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Called off", body = MeetingWire),
        (status = 403, description = "Neither side", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already answered otherwise, or the event has begun", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn call_off(
    State(state): State<AppState>,
    auth: Auth,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<MeetingWire>, AppError> {
    changed(&state, &auth, &slug, &id, MeetingChange::CallOff).await
}

/// Who came to an accepted meeting.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceBody {
    /// met, requester-absent, recipient-absent or both-absent.
    pub attendance: String,
}

/// Enters who came to an accepted meeting (scope `write`), for the organisers once the
/// event has begun.
#[utoipa::path(put, path = "/api/v1/events/{slug}/meetings/requests/{id}/attendance", tag = "meetings", operation_id = "enterMeetingAttendance",
    params(
        ("slug" = String, Path, description = "The matchmaking day's address name"),
        ("id" = String, Path, description = "The request's id")
    ),
    request_body = AttendanceBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Entered", body = MeetingWire),
        (status = 403, description = "Not an organiser", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not an accepted meeting, or the event has not begun", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an attendance", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn attendance(
    State(state): State<AppState>,
    auth: Auth,
    Path((slug, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<AttendanceBody>,
) -> Result<Json<MeetingWire>, AppError> {
    let attendance = Attendance::from_id(body.attendance.trim()).ok_or_else(|| {
        let allowed = Attendance::ALL.map(Attendance::id).join(", ");
        ValidationError::new("attendance", Reason::NotOneOf { value: body.attendance.clone(), allowed })
    })?;
    changed(&state, &auth, &slug, &id, MeetingChange::Attendance(attendance)).await
}

/// The caller's accepted meetings, by slot (scope `read`).
#[utoipa::path(get, path = "/api/v1/events/{slug}/meetings/agenda", tag = "meetings", operation_id = "meetingAgenda",
    params(("slug" = String, Path, description = "The matchmaking day's address name")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "By slot", body = [MeetingWire]),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn agenda(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Json<Vec<MeetingWire>>, AppError> {
    let caller = auth.caller();
    let day = service::day(&state.db, &slug).await?;
    let meetings = service::agenda(&state.db, &caller, &day).await?;
    let me = caller.user()?.id.clone();
    Ok(Json(meetings.iter().map(|m| meeting_wire(&state, &day, m, Some(&me))).collect()))
}

/// Every request at the day, with both sides' addresses (scope `write`), for its organisers.
#[utoipa::path(get, path = "/api/v1/events/{slug}/meetings/dashboard", tag = "meetings", operation_id = "meetingDashboard",
    params(("slug" = String, Path, description = "The matchmaking day's address name")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The earliest first", body = [MeetingWire]),
        (status = 403, description = "Not an organiser", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn dashboard(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Json<Vec<MeetingWire>>, AppError> {
    let day = service::day(&state.db, &slug).await?;
    let all = service::dashboard(&state.db, &auth.caller(), &day).await?;
    Ok(Json(all.iter().map(|m| meeting_wire(&state, &day, m, None)).collect()))
}
