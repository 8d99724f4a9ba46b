//! The booking API: book (scope `write`), one's bookings, and for a facility's staff its
//! bookings, moves, trained people and the month's usage per user type.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use lshub_domain::authorization::{Action, Resource};
use lshub_domain::facility::booking::BookingDraft;
use lshub_service::facilities as service;
use lshub_storage::facilities::StoredBooking;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{month_of, move_from, now, MonthQuery};
use crate::api::JsonBody;
use crate::auth::Auth;
use crate::error::{AppError, Problem};
use crate::routes::RouteTable;
use crate::state::AppState;

/// Staff lists cover this many days when `to` is not given.
const DEFAULT_DAYS: i64 = 7;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .route("/facilities/{slug}/bookings", get(list_api).post(book_api))
        .route("/facilities/{slug}/bookings/{id}", post(change_api))
        .route("/facilities/{slug}/trained", post(trained_api))
        .route("/facilities/{slug}/usage", get(usage_api))
        .route("/me/bookings", get(mine_api))
}

/// A booking as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BookingWire {
    pub id: String,
    pub facility: String,
    /// The occurrences of one recurring request share it.
    pub series: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// requested, confirmed, rejected, cancelled, completed or no-show.
    pub state: &'static str,
    /// internal, academic or industry.
    pub user_type: &'static str,
    pub organisation: String,
    pub booked_by: String,
    pub rate_cents_per_hour: i64,
    pub amount_cents: i64,
    pub note: String,
}

fn wire(b: &StoredBooking) -> BookingWire {
    BookingWire {
        id: b.id.clone(),
        facility: b.facility_slug.clone(),
        series: b.series_id.clone(),
        starts_at: b.span.starts_at,
        ends_at: b.span.ends_at,
        state: b.state.id(),
        user_type: b.user_type.id(),
        organisation: b.organisation_name.clone(),
        booked_by: b.user_name.clone(),
        rate_cents_per_hour: b.rate_cents,
        amount_cents: b.amount_cents(),
        note: b.note.clone(),
    }
}

/// A booking request.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct BookingInput {
    /// Local time in the region, `YYYY-MM-DD HH:MM`, on the facility's slot grid.
    pub starts: String,
    pub minutes: u32,
    /// The address name of the organisation booked for; the caller must be its member.
    pub organisation: String,
    /// daily or weekly; none for once.
    pub repeat: Option<String>,
    /// How many times in all, the first included.
    pub occurrences: Option<u32>,
    pub note: String,
}

impl From<BookingInput> for BookingDraft {
    fn from(i: BookingInput) -> Self {
        BookingDraft {
            starts: i.starts,
            minutes: i.minutes.to_string(),
            organisation: i.organisation,
            repeat: i.repeat.unwrap_or_default(),
            occurrences: i.occurrences.map(|n| n.to_string()).unwrap_or_default(),
            note: i.note,
        }
    }
}

/// A move of a booking.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MoveInput {
    /// confirm, reject, cancel, complete or no-show.
    #[serde(rename = "move", default)]
    pub change: String,
}

/// Someone to mark as trained, by their sign-in address.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TrainedInput {
    #[serde(default)]
    pub email: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TrainedWire {
    pub name: String,
    pub trained_at: DateTime<Utc>,
}

/// What a user type used in a month.
#[derive(Debug, Default, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UsageTotal {
    pub bookings: u32,
    pub minutes: i64,
    pub amount_cents: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UsageWire {
    /// `YYYY-MM`.
    pub month: String,
    /// By user type: internal, academic, industry.
    pub totals: BTreeMap<&'static str, UsageTotal>,
    pub bookings: Vec<BookingWire>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RangeQuery {
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(book_api, list_api, change_api, trained_api, usage_api, mine_api),
    components(schemas(BookingWire, BookingInput, MoveInput, TrainedInput, TrainedWire, UsageWire, UsageTotal))
)]
pub struct FacilitiesApi;

/// Books a facility (scope `write`): every occurrence of a recurring request, or none.
#[utoipa::path(post, path = "/api/v1/facilities/{slug}/bookings", tag = "facilities", operation_id = "bookFacility",
    params(("slug" = String, Path, description = "The facility's address name")),
    request_body = BookingInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Booked: requested or confirmed", body = [BookingWire]),
        (status = 400, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The rules, the quota or another booking refuse it", body = Problem, content_type = "application/problem+json")
    ))]
async fn book_api(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
    JsonBody(input): JsonBody<BookingInput>,
) -> Result<(StatusCode, Json<Vec<BookingWire>>), AppError> {
    let booked = service::book(&state.db, &state.site.clock, &auth.caller(), &slug, input.into()).await?;
    Ok((StatusCode::CREATED, Json(booked.iter().map(wire).collect())))
}

/// The facility's bookings from `from` (now) to `to` (a week later), for its staff.
#[utoipa::path(get, path = "/api/v1/facilities/{slug}/bookings", tag = "facilities", operation_id = "facilityBookings",
    params(
        ("slug" = String, Path, description = "The facility's address name"),
        ("from" = Option<String>, Query, description = "RFC 3339; now when absent"),
        ("to" = Option<String>, Query, description = "RFC 3339; a week after `from` when absent")
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every booking that overlaps the range", body = [BookingWire]),
        (status = 403, description = "Not the facility's staff", body = Problem, content_type = "application/problem+json")
    ))]
async fn list_api(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
    Query(range): Query<RangeQuery>,
) -> Result<Json<Vec<BookingWire>>, AppError> {
    let from = range.from.unwrap_or_else(|| now(&state));
    let to = range.to.unwrap_or(from + Duration::days(DEFAULT_DAYS));
    let (_, bookings) = service::bookings(&state.db, &auth.caller(), &slug, from, to).await?;
    Ok(Json(bookings.iter().map(wire).collect()))
}

/// Moves a booking (scope `write`): the booker may cancel; the staff confirm, reject,
/// cancel, complete and mark no-shows.
#[utoipa::path(post, path = "/api/v1/facilities/{slug}/bookings/{id}", tag = "facilities", operation_id = "moveBooking",
    params(
        ("slug" = String, Path, description = "The facility's address name"),
        ("id" = String, Path, description = "The booking's id")
    ),
    request_body = MoveInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Moved", body = BookingWire),
        (status = 404, description = "No such booking the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed from its state or at this time", body = Problem, content_type = "application/problem+json")
    ))]
async fn change_api(
    State(state): State<AppState>,
    auth: Auth,
    Path((slug, id)): Path<(String, String)>,
    JsonBody(input): JsonBody<MoveInput>,
) -> Result<Json<BookingWire>, AppError> {
    auth.caller().require(Action::ManageOwnBookings, Resource::Hub)?;
    let change = move_from(&input.change)?;
    let booking = service::change(&state.db, &state.site.clock, &auth.caller(), &slug, &id, change).await?;
    Ok(Json(wire(&booking)))
}

/// Marks a person as trained to use the facility (scope `write`, the facility's staff).
#[utoipa::path(post, path = "/api/v1/facilities/{slug}/trained", tag = "facilities", operation_id = "markTrained",
    params(("slug" = String, Path, description = "The facility's address name")),
    request_body = TrainedInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Trained", body = TrainedWire),
        (status = 404, description = "No account has the address", body = Problem, content_type = "application/problem+json")
    ))]
async fn trained_api(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
    JsonBody(input): JsonBody<TrainedInput>,
) -> Result<Json<TrainedWire>, AppError> {
    let person = service::mark_trained(&state.db, &state.site.clock, &auth.caller(), &slug, &input.email).await?;
    Ok(Json(TrainedWire { name: person.name, trained_at: person.trained_at }))
}

/// The month's usage for invoicing, with totals per user type (the facility's staff).
#[utoipa::path(get, path = "/api/v1/facilities/{slug}/usage", tag = "facilities", operation_id = "facilityUsage",
    params(
        ("slug" = String, Path, description = "The facility's address name"),
        ("month" = Option<String>, Query, description = "YYYY-MM; this month when absent")
    ),
    security(("bearer" = [])),
    responses((status = 200, description = "The bookings that started in the month and held their time", body = UsageWire)))]
async fn usage_api(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
    Query(query): Query<MonthQuery>,
) -> Result<Json<UsageWire>, AppError> {
    let month = month_of(&state, &query)?;
    let (_, bookings) = service::usage(&state.db, &state.site.clock, &auth.caller(), &slug, month).await?;
    let mut totals: BTreeMap<&'static str, UsageTotal> = BTreeMap::new();
    for b in &bookings {
        let total = totals.entry(b.user_type.id()).or_default();
        total.bookings += 1;
        total.minutes += b.span.minutes();
        total.amount_cents += b.amount_cents();
    }
    Ok(Json(UsageWire {
        month: month.format("%Y-%m").to_string(),
        totals,
        bookings: bookings.iter().map(wire).collect(),
    }))
}

/// The caller's bookings that ended at most 30 days ago, by start (scope `read`).
#[utoipa::path(get, path = "/api/v1/me/bookings", tag = "facilities", operation_id = "myBookings",
    security(("bearer" = [])),
    responses((status = 200, description = "The caller's bookings", body = [BookingWire])))]
async fn mine_api(State(state): State<AppState>, auth: Auth) -> Result<Json<Vec<BookingWire>>, AppError> {
    let caller = auth.caller();
    caller.require(Action::ReadOwnAccount, Resource::Hub)?;
    let bookings = service::mine(&state.db, &caller, now(&state) - Duration::days(super::MINE_PAST_DAYS)).await?;
    Ok(Json(bookings.iter().map(wire).collect()))
}
