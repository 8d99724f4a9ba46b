//! The introductions' JSON API: ask for one, broker one, answer, say what came of it, and
//! the public totals.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Json;
use lshub_domain::introduction::{Outcome, Side};
use lshub_domain::{Reason, ValidationError};
use lshub_service::introductions::{self as service, IntroductionView, Target};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::compose;
use crate::api::JsonBody;
use crate::auth::Auth;
use crate::error::{AppError, Problem};
use crate::routes::RouteTable;
use crate::state::AppState;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list, create, show, answer, outcome, totals),
    tags((name = "introductions", description = "Introductions with double opt-in: each side sees the other's \
        contact only once both accepted; requests expire after 14 days; outcomes are public as totals only"))
)]
pub struct IntroductionsApi;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .route("/introductions", get(list).post(create))
        .route("/introductions/totals", get(totals))
        .route("/introductions/{id}", get(show))
        .route("/introductions/{id}/answer", post(answer))
        .route("/introductions/{id}/outcome", post(outcome))
}

/// One side of an introduction.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IntroductionSideWire {
    /// The organisation's slug.
    pub organisation: String,
    pub name: String,
    /// pending, accepted or declined.
    pub answer: String,
    /// Its contact (name and e-mail address), once both sides accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

/// An introduction.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IntroductionWire {
    pub id: String,
    /// pending, accepted, declined or expired.
    pub status: String,
    pub from: IntroductionSideWire,
    pub to: IntroductionSideWire,
    pub message: String,
    /// The need or offer it is about (its slug).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opportunity: Option<String>,
    pub brokered: bool,
    pub last_day_to_answer: String,
    /// The sides (`from`, `to`) the caller may answer now.
    pub answerable: Vec<String>,
}

impl From<&IntroductionView> for IntroductionWire {
    fn from(view: &IntroductionView) -> Self {
        let i = &view.introduction;
        let side = |side: Side| {
            let s = i.side(side);
            IntroductionSideWire {
                organisation: s.organisation.slug.clone(),
                name: s.organisation.name.clone(),
                answer: s.answer.id().to_owned(),
                contact: view
                    .contacts
                    .iter()
                    .find(|(c, _)| *c == side)
                    .map(|(_, p)| format!("{} <{}>", p.name, p.email)),
            }
        };
        Self {
            id: i.id.clone(),
            status: view.status.id().to_owned(),
            from: side(Side::From),
            to: side(Side::To),
            message: i.message.clone(),
            opportunity: i.subject.clone(),
            brokered: i.broker.is_some(),
            last_day_to_answer: view.last_day_to_answer.to_string(),
            answerable: view.answerable.iter().map(|s| s.id().to_owned()).collect(),
        }
    }
}

/// The caller's organisations' introductions and those they brokered (scope `read`).
#[utoipa::path(get, path = "/api/v1/introductions", tag = "introductions",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Newest first", body = [IntroductionWire]),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn list(State(state): State<AppState>, auth: Auth) -> Result<Json<Vec<IntroductionWire>>, AppError> {
    let views = service::list(&state.db, &auth.caller(), state.today()).await?;
    Ok(Json(views.iter().map(IntroductionWire::from).collect()))
}

/// A request: `from` (the caller's organisation, or for a broker the first organisation)
/// and `organisation` or `opportunity`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IntroductionBody {
    pub from: String,
    #[serde(default)]
    pub organisation: Option<String>,
    #[serde(default)]
    pub opportunity: Option<String>,
    pub message: String,
    /// A partner introduces `from` and `organisation` to each other.
    #[serde(default)]
    pub broker: bool,
}

/// Asks for an introduction, or brokers one (partners; scope `write`).
#[utoipa::path(post, path = "/api/v1/introductions", tag = "introductions",
    security(("bearer" = [])),
    request_body = IntroductionBody,
    responses(
        (status = 201, description = "The introduction", body = IntroductionWire),
        (status = 400, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a member of `from`, or not a partner", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    JsonBody(body): JsonBody<IntroductionBody>,
) -> Result<(StatusCode, Json<IntroductionWire>), AppError> {
    let caller = auth.caller();
    let (today, composer) = (state.today(), compose(&state));
    let id = match (body.broker, body.organisation, body.opportunity) {
        (true, Some(second), None) => {
            service::broker(&state.db, &caller, &body.from, &second, &body.message, today, &composer).await?
        }
        (false, Some(slug), None) => {
            let target = Target::Organisation(slug);
            service::request(&state.db, &caller, &body.from, target, &body.message, today, &composer).await?
        }
        (false, None, Some(slug)) => {
            let target = Target::Opportunity(slug);
            service::request(&state.db, &caller, &body.from, target, &body.message, today, &composer).await?
        }
        _ => {
            let choices = if body.broker { "organisation" } else { "organisation or opportunity" };
            return Err(ValidationError::new("organisation", Reason::GiveOneOf { choices }).into());
        }
    };
    crate::access::mail_queued(&state);
    let view = service::find(&state.db, &caller, &id, today).await?;
    Ok((StatusCode::CREATED, Json(IntroductionWire::from(&view))))
}

/// One introduction (scope `read`): contacts only once both sides accepted. To anyone who
/// is neither a side's member nor its broker, it does not exist.
#[utoipa::path(get, path = "/api/v1/introductions/{id}", tag = "introductions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The introduction's id")),
    responses(
        (status = 200, description = "The introduction", body = IntroductionWire),
        (status = 404, description = "No such introduction, or not the caller's", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<IntroductionWire>, AppError> {
    let view = service::find(&state.db, &auth.caller(), &id, state.today()).await?;
    Ok(Json(IntroductionWire::from(&view)))
}

/// An answer for one side.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IntroductionAnswerBody {
    /// from or to.
    pub side: String,
    /// accept or decline.
    pub answer: String,
}

fn side(text: &str) -> Result<Side, AppError> {
    Side::from_id(text).ok_or_else(|| {
        ValidationError::new("side", Reason::NotEither { value: text.to_owned(), first: "from", second: "to" }).into()
    })
}

/// Accepts or declines for the caller's organisation on `side` (scope `write`).
#[utoipa::path(post, path = "/api/v1/introductions/{id}/answer", tag = "introductions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The introduction's id")),
    request_body = IntroductionAnswerBody,
    responses(
        (status = 200, description = "The introduction after the answer", body = IntroductionWire),
        (status = 400, description = "Not waiting for this answer", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not that side's member", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such introduction, or not the caller's", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn answer(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<IntroductionAnswerBody>,
) -> Result<Json<IntroductionWire>, AppError> {
    let caller = auth.caller();
    service::find(&state.db, &caller, &id, state.today()).await?;
    let accepted = match body.answer.as_str() {
        "accept" => true,
        "decline" => false,
        other => {
            let reason = Reason::NotEither { value: other.to_owned(), first: "accept", second: "decline" };
            return Err(ValidationError::new("answer", reason).into());
        }
    };
    service::answer(&state.db, &caller, &id, side(&body.side)?, accepted, state.today(), &compose(&state)).await?;
    crate::access::mail_queued(&state);
    let view = service::find(&state.db, &caller, &id, state.today()).await?;
    Ok(Json(IntroductionWire::from(&view)))
}

/// What came of it, for one side, at a follow-up it was asked.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IntroductionOutcomeBody {
    pub side: String,
    /// The follow-up: 30 or 90 (days after acceptance).
    pub after: u32,
    /// meeting, joint-proposal, contract or nothing.
    pub outcome: String,
}

/// Says what came of an accepted introduction (scope `write`).
#[utoipa::path(post, path = "/api/v1/introductions/{id}/outcome", tag = "introductions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The introduction's id")),
    request_body = IntroductionOutcomeBody,
    responses(
        (status = 204, description = "Recorded"),
        (status = 400, description = "Not asked, or not an outcome", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such introduction, or not the caller's", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn outcome(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<IntroductionOutcomeBody>,
) -> Result<StatusCode, AppError> {
    let caller = auth.caller();
    service::find(&state.db, &caller, &id, state.today()).await?;
    let outcome = Outcome::from_id(&body.outcome).ok_or_else(|| {
        let allowed = Outcome::ALL.map(Outcome::id).join(", ");
        AppError::from(ValidationError::new("outcome", Reason::NotOneOf { value: body.outcome.clone(), allowed }))
    })?;
    service::report(&state.db, &caller, &id, side(&body.side)?, body.after, outcome).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The public totals.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IntroductionTotalsWire {
    pub accepted: i64,
    pub meetings: i64,
    pub joint_proposals: i64,
    pub contracts: i64,
    pub nothing: i64,
}

/// Introductions accepted and what came of them, as totals only.
#[utoipa::path(get, path = "/api/v1/introductions/totals", tag = "introductions",
    responses((status = 200, description = "The totals", body = IntroductionTotalsWire)))]
pub async fn totals(State(state): State<AppState>) -> Result<Json<IntroductionTotalsWire>, AppError> {
    let totals = service::totals(&state.db).await?;
    let count = |o: Outcome| totals.outcomes.iter().find(|(x, _)| *x == o).map_or(0, |(_, n)| *n);
    Ok(Json(IntroductionTotalsWire {
        accepted: totals.accepted,
        meetings: count(Outcome::Meeting),
        joint_proposals: count(Outcome::JointProposal),
        contracts: count(Outcome::Contract),
        nothing: count(Outcome::Nothing),
    }))
}
