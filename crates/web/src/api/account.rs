//! The signed-in caller through the API: who they are, and the JSON bodies every write reads.

use axum::extract::{FromRequest, Request, State};
use axum::Json;
use lshub_domain::authorization::{Action, Resource};
use serde::de::DeserializeOwned;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Auth;
use crate::error::{AppError, Problem};
use crate::state::AppState;

/// A JSON object body; malformed JSON, invalid UTF-8, a wrong content type or a value that
/// does not fit is a 400.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Json(value) = Json::<serde_json::Value>::from_request(request, state)
            .await
            .map_err(|rejection| AppError::MalformedBody(rejection.body_text()))?;
        // Serde would also read a struct from an array; every body of this API is an object.
        if !value.is_object() {
            return Err(AppError::MalformedBody("the body must be a JSON object".into()));
        }
        serde_json::from_value(value)
            .map(JsonBody)
            .map_err(|e| AppError::MalformedBody(format!("the JSON body does not fit: {e}")))
    }
}

/// The caller's account.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    id: String,
    email: String,
    display_name: String,
    /// `member`, `partner` or `admin`.
    role: String,
    email_verified: bool,
    /// The organisations whose profiles the caller maintains.
    organisations: Vec<MeOrganisation>,
}

#[derive(Serialize, ToSchema)]
pub struct MeOrganisation {
    slug: String,
    name: String,
}

/// The account of the token's owner (scope `read`).
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's account", body = Me),
        (status = 401, description = "No token, or an unknown or revoked one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the read scope", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn me(State(state): State<AppState>, auth: Auth) -> Result<Json<Me>, AppError> {
    auth.require(Action::ReadOwnAccount, Resource::Hub)?;
    let user = auth.user()?;
    let organisations = state.db.memberships(&user.id).await?;
    Ok(Json(Me {
        id: user.id.clone(),
        email: user.email.clone(),
        display_name: user.display_name.clone(),
        role: user.role.id().to_owned(),
        email_verified: user.email_verified,
        organisations: organisations.into_iter().map(|m| MeOrganisation { slug: m.slug, name: m.name }).collect(),
    }))
}
