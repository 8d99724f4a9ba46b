//! The inquiry API: ask about a space (anyone; a visitor confirms by mail), an operator's
//! public median time to answer, and for the parties the conversation, messages and moves.
//! A visitor's key is given as `key`, as in the links mailed to them.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Json;
use chrono::{DateTime, Utc};
use lshub_domain::inquiry::{parse_move, InquiryDraft};
use lshub_domain::space::Space;
use lshub_service::inquiries::{self as service, Party};
use lshub_service::ServiceError;
use lshub_storage::inquiries::StoredInquiry;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{compose, sent};
use crate::api::JsonBody;
use crate::auth::Auth;
use crate::error::{AppError, Problem};
use crate::params::Params;
use crate::routes::RouteTable;
use crate::state::AppState;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .route("/spaces/{slug}/inquiries", post(ask_api))
        .route("/spaces/{slug}/response-time", get(response_time_api))
        .route("/inquiries", get(list_api))
        .route("/inquiries/{id}", get(show_api))
        .route("/inquiries/{id}/confirm", post(confirm_api))
        .route("/inquiries/{id}/messages", post(write_api))
        .route("/inquiries/{id}/moves", post(move_api))
}

/// An inquiry as the API takes it. A member's name and address come from their account.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct InquiryInput {
    pub name: String,
    pub email: String,
    pub message: String,
    /// Leave empty: a form field people do not see, which robots fill in.
    pub website: String,
}

/// A new inquiry.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AskedWire {
    pub id: String,
    /// Whether the operator sees it already; else a mail asks its sender to confirm.
    pub confirmed: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageWire {
    pub from_operator: bool,
    pub author: String,
    pub body: String,
    pub at: DateTime<Utc>,
}

/// An inquiry as a party sees it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InquiryWire {
    pub id: String,
    pub space: String,
    pub space_title: String,
    pub operator: String,
    pub inquirer: String,
    /// The inquirer's address, to the operator only.
    pub email: Option<String>,
    /// open, answered, visit-planned or closed.
    pub state: &'static str,
    /// let or not-let, once closed.
    pub outcome: Option<&'static str>,
    pub visit_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub confirmed: bool,
    /// Minutes from when the operator could see it to their first answer.
    pub answer_minutes: Option<i64>,
    /// The conversation; empty in lists.
    pub messages: Vec<MessageWire>,
}

fn wire(inquiry: &StoredInquiry, to_operator: bool) -> InquiryWire {
    InquiryWire {
        id: inquiry.id.clone(),
        space: inquiry.space_slug.clone(),
        space_title: inquiry.space_title.clone(),
        operator: inquiry.operator_slug.clone(),
        inquirer: inquiry.name.clone(),
        email: to_operator.then(|| inquiry.email.clone()),
        state: inquiry.state.id(),
        outcome: inquiry.outcome.map(|o| o.id()),
        visit_at: inquiry.visit_at,
        created_at: inquiry.created_at,
        confirmed: inquiry.confirmed_at.is_some(),
        answer_minutes: inquiry.wait_minutes(),
        messages: inquiry
            .messages
            .iter()
            .map(|m| MessageWire {
                from_operator: m.from_operator,
                author: if m.from_operator {
                    m.author_name.clone().unwrap_or_else(|| inquiry.operator_name.clone())
                } else {
                    inquiry.name.clone()
                },
                body: m.body.clone(),
                at: m.at,
            })
            .collect(),
    }
}

/// The caller's inquiries: those to the organisations they answer for, and those they sent.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InquiryLists {
    pub to_answer: Vec<InquiryWire>,
    pub sent: Vec<InquiryWire>,
}

/// How long an operator takes to answer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResponseTimeWire {
    /// The operator's address name.
    pub operator: String,
    /// The median minutes to a first answer, over the inquiries answered in the last year;
    /// none when none was.
    pub median_minutes: Option<i64>,
    pub answered: usize,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct KeyParams {
    /// A visitor's key, from the link mailed to them.
    pub key: String,
}

/// A message, with a visitor's key.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct MessageInput {
    pub message: String,
    pub key: String,
}

/// A visitor's key, to confirm their inquiry.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct KeyInput {
    pub key: String,
}

/// The operator's move.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct MoveInput {
    /// plan-visit or close.
    #[serde(rename = "move")]
    pub change: String,
    /// For plan-visit: local time in the region, `YYYY-MM-DD HH:MM`.
    pub visit_at: String,
    /// For close: let or not-let.
    pub outcome: String,
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(ask_api, response_time_api, list_api, show_api, confirm_api, write_api, move_api),
    components(schemas(
        InquiryInput,
        AskedWire,
        InquiryWire,
        MessageWire,
        InquiryLists,
        ResponseTimeWire,
        MessageInput,
        KeyInput,
        MoveInput
    ))
)]
pub struct InquiriesApi;

/// Asks the operator of a space about it. A visitor's inquiry reaches the operator once they
/// confirm their address by the link mailed to them; a member's (scope `write`) at once.
#[utoipa::path(post, path = "/api/v1/spaces/{slug}/inquiries", tag = "spaces", operation_id = "askAboutSpace",
    params(("slug" = String, Path, description = "The space's address name")),
    request_body = InquiryInput,
    responses(
        (status = 201, description = "Asked", body = AskedWire),
        (status = 400, description = "A field is invalid, or the address sent its day's inquiries", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such published space", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this client", body = Problem, content_type = "application/problem+json")
    ))]
async fn ask_api(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
    JsonBody(input): JsonBody<InquiryInput>,
) -> Result<(StatusCode, Json<AskedWire>), AppError> {
    let draft = InquiryDraft { name: input.name, email: input.email, message: input.message, website: input.website };
    let language = lshub_domain::Language::default();
    let asked =
        service::ask(&state.db, &state.site.clock, &auth.caller(), &slug, draft, language, &compose(&state)).await?;
    sent(&state);
    Ok((StatusCode::CREATED, Json(AskedWire { id: asked.id, confirmed: asked.confirmed })))
}

/// The public median time the operator of a space takes to answer a first time.
#[utoipa::path(get, path = "/api/v1/spaces/{slug}/response-time", tag = "spaces", operation_id = "spaceResponseTime",
    params(("slug" = String, Path, description = "The space's address name")),
    responses(
        (status = 200, description = "The operator's median", body = ResponseTimeWire),
        (status = 404, description = "No such space", body = Problem, content_type = "application/problem+json")
    ))]
async fn response_time_api(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Json<ResponseTimeWire>, AppError> {
    let item = lshub_service::content::find::<Space>(&state.db, &auth.caller(), &slug).await?;
    let time = service::response_time(&state.db, &state.site.clock, &item.owner.id).await?;
    Ok(Json(ResponseTimeWire {
        operator: item.owner.slug,
        median_minutes: time.map(|t| t.median_minutes),
        answered: time.map_or(0, |t| t.answered),
    }))
}

/// The inquiries to the organisations the caller answers for, and those the caller sent.
#[utoipa::path(get, path = "/api/v1/inquiries", tag = "spaces", operation_id = "inquiries",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Newest first", body = InquiryLists),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json")
    ))]
async fn list_api(State(state): State<AppState>, auth: Auth) -> Result<Json<InquiryLists>, AppError> {
    let caller = auth.caller();
    let to_answer = service::to_answer(&state.db, &caller).await?;
    let sent = service::sent(&state.db, &caller).await?;
    Ok(Json(InquiryLists {
        to_answer: to_answer.iter().map(|i| wire(i, true)).collect(),
        sent: sent.iter().map(|i| wire(i, false)).collect(),
    }))
}

/// An inquiry with its conversation, for its parties.
#[utoipa::path(get, path = "/api/v1/inquiries/{id}", tag = "spaces", operation_id = "inquiry",
    params(("id" = String, Path, description = "The inquiry's id"), KeyParams),
    responses(
        (status = 200, description = "The inquiry", body = InquiryWire),
        (status = 404, description = "No such inquiry, or not one of the caller's", body = Problem, content_type = "application/problem+json")
    ))]
async fn show_api(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Params(params): Params<KeyParams>,
) -> Result<Json<InquiryWire>, AppError> {
    let (inquiry, party) = service::open(&state.db, &auth.caller(), &id, Some(&params.key)).await?;
    Ok(Json(wire(&inquiry, party == Party::Operator)))
}

/// A visitor confirms their inquiry with the key mailed to them; the operator is told.
#[utoipa::path(post, path = "/api/v1/inquiries/{id}/confirm", tag = "spaces", operation_id = "confirmInquiry",
    params(("id" = String, Path, description = "The inquiry's id")),
    request_body = KeyInput,
    responses(
        (status = 200, description = "Confirmed", body = InquiryWire),
        (status = 404, description = "No such inquiry, or the wrong key", body = Problem, content_type = "application/problem+json")
    ))]
async fn confirm_api(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<KeyInput>,
) -> Result<Json<InquiryWire>, AppError> {
    let inquiry =
        service::confirm(&state.db, &state.site.clock, &auth.caller(), &id, &input.key, &compose(&state)).await?;
    sent(&state);
    Ok(Json(wire(&inquiry, false)))
}

/// Writes in the conversation; the other side is mailed.
#[utoipa::path(post, path = "/api/v1/inquiries/{id}/messages", tag = "spaces", operation_id = "writeInInquiry",
    params(("id" = String, Path, description = "The inquiry's id")),
    request_body = MessageInput,
    responses(
        (status = 200, description = "Written", body = InquiryWire),
        (status = 400, description = "The message is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such inquiry, or not one of the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Closed, or not confirmed yet", body = Problem, content_type = "application/problem+json")
    ))]
async fn write_api(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<MessageInput>,
) -> Result<Json<InquiryWire>, AppError> {
    let caller = auth.caller();
    let key = Some(input.key.as_str());
    let inquiry =
        service::write(&state.db, &state.site.clock, &caller, &id, key, &input.message, &compose(&state)).await?;
    sent(&state);
    let operating = service::open(&state.db, &caller, &id, key).await?.1 == Party::Operator;
    Ok(Json(wire(&inquiry, operating)))
}

/// The operator plans a visit or closes the inquiry (scope `write`); the inquirer is mailed.
#[utoipa::path(post, path = "/api/v1/inquiries/{id}/moves", tag = "spaces", operation_id = "moveInquiry",
    params(("id" = String, Path, description = "The inquiry's id")),
    request_body = MoveInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Moved", body = InquiryWire),
        (status = 400, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such inquiry, or not one of the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Closed already, or a visit in the past", body = Problem, content_type = "application/problem+json")
    ))]
async fn move_api(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<MoveInput>,
) -> Result<Json<InquiryWire>, AppError> {
    let caller = auth.caller();
    // Whoever may not see it learns nothing of its fields.
    service::gate(&caller)?;
    service::open(&state.db, &caller, &id, None).await?;
    let visit_at = super::visit_time(&state, &input.visit_at.replace(' ', "T")).map_err(ServiceError::from)?;
    let change = parse_move(&input.change, visit_at, &input.outcome).map_err(ServiceError::from)?;
    let inquiry = service::change(&state.db, &state.site.clock, &caller, &id, change, &compose(&state)).await?;
    sent(&state);
    Ok(Json(wire(&inquiry, true)))
}
