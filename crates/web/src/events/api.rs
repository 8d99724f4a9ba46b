//! Registration through the JSON API: register, see and cancel one's registration, list
//! one's registrations, and for organisers the registrations with approval and refusal.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Json;
use lshub_domain::authorization::{Action, RegistrationAction, Resource};
use lshub_domain::{Reason, ValidationError};
use lshub_service::events as service;
use lshub_storage::events::StoredRegistration;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{compose, now};
use crate::api::JsonBody;
use crate::auth::Auth;
use crate::error::{AppError, Problem};
use crate::routes::RouteTable;
use crate::state::AppState;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(own, register, cancel, registrations, decide, mine),
    tags((name = "events", description = "Registration for events: a capacity with a waiting list that moves up \
        by itself, the organiser's approval where the event asks for it, deadlines to register and to cancel"))
)]
pub struct EventsApi;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .route("/events/{slug}/registration", get(own).post(register).delete(cancel))
        .route("/events/{slug}/registrations", get(registrations))
        .route("/events/{slug}/registrations/{id}/decision", post(decide))
        .route("/me/registrations", get(mine))
}

/// A registration for an event.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationWire {
    pub id: String,
    /// The event's address name.
    pub event: String,
    /// pending, confirmed, waitlisted, cancelled or rejected.
    pub state: &'static str,
    pub registered_at: chrono::DateTime<chrono::Utc>,
    pub changed_at: chrono::DateTime<chrono::Utc>,
    /// The registrant, for the event's organisers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

fn wire(event: &str, registration: &StoredRegistration, with_registrant: bool) -> RegistrationWire {
    RegistrationWire {
        id: registration.id.clone(),
        event: event.to_owned(),
        state: registration.state.id(),
        registered_at: registration.registered_at,
        changed_at: registration.changed_at,
        name: with_registrant.then(|| registration.name.clone()),
        email: with_registrant.then(|| registration.email.clone()),
    }
}

/// The caller's latest registration for the event (scope `write`).
#[utoipa::path(get, path = "/api/v1/events/{slug}/registration", tag = "events", operation_id = "ownRegistration",
    params(("slug" = String, Path, description = "The event's address name")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The registration", body = RegistrationWire),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event, or never registered", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn own(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Json<RegistrationWire>, AppError> {
    let caller = auth.caller();
    let event = service::organised(&state.db, &slug).await?;
    let user_id = caller.user.as_ref().map(|u| u.id.as_str());
    caller.require(
        Action::Registration(RegistrationAction::Own),
        Resource::Event { organisers: &event.organisers, registrant: user_id },
    )?;
    let registration = service::own(&state.db, &caller, &event).await?.ok_or(AppError::not_found("registration"))?;
    Ok(Json(wire(&slug, &registration, false)))
}

/// Registers the caller (scope `write`): `confirmed`, `waitlisted` when the event is full,
/// or `pending` the organiser's approval. A mail with the event as a calendar file follows.
#[utoipa::path(post, path = "/api/v1/events/{slug}/registration", tag = "events", operation_id = "register",
    params(("slug" = String, Path, description = "The event's address name")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Registered", body = RegistrationWire),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Registration has closed, or the caller is registered already", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn register(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<(StatusCode, Json<RegistrationWire>), AppError> {
    let registration = service::register(&state.db, &auth.caller(), &slug, now(&state), &compose(&state)).await?;
    crate::access::mail_queued(&state);
    Ok((StatusCode::CREATED, Json(wire(&slug, &registration, false))))
}

/// Cancels the caller's registration (scope `write`); a seat it held goes to the first on
/// the waiting list.
#[utoipa::path(delete, path = "/api/v1/events/{slug}/registration", tag = "events", operation_id = "cancelRegistration",
    params(("slug" = String, Path, description = "The event's address name")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Cancelled", body = RegistrationWire),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not registered, or past the deadline to cancel", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn cancel(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Json<RegistrationWire>, AppError> {
    let registration = service::cancel(&state.db, &auth.caller(), &slug, now(&state), &compose(&state)).await?;
    crate::access::mail_queued(&state);
    Ok(Json(wire(&slug, &registration, false)))
}

/// Everyone registered for the event, the earliest first, with names and addresses: for
/// the members of its organising organisations (scope `write`).
#[utoipa::path(get, path = "/api/v1/events/{slug}/registrations", tag = "events", operation_id = "eventRegistrations",
    params(("slug" = String, Path, description = "The event's address name")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The registrations", body = [RegistrationWire]),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an organiser", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn registrations(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Json<Vec<RegistrationWire>>, AppError> {
    let event = service::organised(&state.db, &slug).await?;
    let all = service::registrations(&state.db, &auth.caller(), &event).await?;
    Ok(Json(all.iter().map(|r| wire(&slug, r, true)).collect()))
}

/// An organiser's decision on a registration.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    /// `approve` (a seat, or the waiting list when full) or `reject`.
    pub decision: String,
}

/// Approves or refuses a registration (scope `write`), for the event's organisers; the
/// registrant is mailed.
#[utoipa::path(post, path = "/api/v1/events/{slug}/registrations/{id}/decision", tag = "events", operation_id = "decideRegistration",
    params(
        ("slug" = String, Path, description = "The event's address name"),
        ("id" = String, Path, description = "The registration's id")
    ),
    request_body = DecisionBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Decided", body = RegistrationWire),
        (status = 403, description = "Not an organiser", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The registration is not waiting for a decision", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "Neither approve nor reject", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn decide(
    State(state): State<AppState>,
    auth: Auth,
    Path((slug, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<DecisionBody>,
) -> Result<Json<RegistrationWire>, AppError> {
    let caller = auth.caller();
    let approve = match body.decision.as_str() {
        "approve" => true,
        "reject" => false,
        other => {
            let reason = Reason::NotEither { value: other.to_owned(), first: "approve", second: "reject" };
            return Err(ValidationError::new("decision", reason).into());
        }
    };
    let registration = service::decide(&state.db, &caller, &slug, &id, approve, now(&state), &compose(&state)).await?;
    crate::access::mail_queued(&state);
    Ok(Json(wire(&slug, &registration, true)))
}

/// The caller's registrations, newest first (scope `read`).
#[utoipa::path(get, path = "/api/v1/me/registrations", tag = "events", operation_id = "myRegistrations",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Newest first", body = [RegistrationWire]),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn mine(State(state): State<AppState>, auth: Auth) -> Result<Json<Vec<RegistrationWire>>, AppError> {
    let caller = auth.caller();
    caller.require(Action::ReadOwnAccount, Resource::Hub)?;
    let all = service::mine(&state.db, &caller).await?;
    Ok(Json(all.iter().map(|(registration, item)| wire(&item.slug, registration, false)).collect()))
}
