//! The signed-in caller through the API: who they are, and editing their organisations'
//! profiles with a `write` token.

use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use lshub_domain::authorization::{Action, Resource};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::json;

use crate::auth::Auth;
use crate::error::AppError;
use crate::pages::profile::{save, ProfileEdit};
use crate::state::AppState;

/// A JSON body; malformed JSON, invalid UTF-8 or a wrong content type is a 400.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        Json::<T>::from_request(request, state)
            .await
            .map(|Json(value)| JsonBody(value))
            .map_err(|rejection| AppError::MalformedBody(rejection.body_text()))
    }
}

/// The caller's account.
pub async fn me(State(state): State<AppState>, auth: Auth) -> Result<Response, AppError> {
    auth.require(Action::ReadOwnAccount, Resource::Hub)?;
    let user = auth.user()?;
    let organisations = state.db.memberships(&user.id).await?;
    Ok(Json(json!({
        "id": user.id,
        "email": user.email,
        "displayName": user.display_name,
        "role": user.role,
        "emailVerified": user.email_verified,
        "organisations": organisations.iter().map(|m| json!({"slug": m.slug, "name": m.name})).collect::<Vec<_>>(),
    }))
    .into_response())
}

/// The editable fields of a profile, as JSON. Absent fields are cleared, like empty form
/// fields.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfileBody {
    #[serde(default)]
    description_en: String,
    #[serde(default)]
    description_nl: String,
    #[serde(default)]
    sectors: Vec<String>,
    #[serde(default)]
    website: String,
    #[serde(default)]
    kvk: String,
    #[serde(default)]
    street: String,
    #[serde(default)]
    postcode: String,
    #[serde(default)]
    city: String,
}

pub async fn edit_organisation(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<ProfileBody>,
) -> Result<Response, AppError> {
    let organisation = state.db.organisation_by_slug(&slug).await?.ok_or(AppError::not_found("organisation"))?;
    auth.require(Action::EditOrganisation, Resource::Organisation { id: &organisation.id })?;
    if let Some(sector) = body.sectors.iter().find(|s| s.contains(',')) {
        return Err(
            lshub_domain::ValidationError::new("sectors", format!("'{sector}' must not contain a comma")).into()
        );
    }
    let edit = ProfileEdit {
        description_en: body.description_en,
        description_nl: body.description_nl,
        sectors: body.sectors.join(","),
        website: body.website,
        kvk: body.kvk,
        street: body.street,
        postcode: body.postcode,
        city: body.city,
    };
    save(&state, &auth, &organisation, &edit).await??;
    let saved = state.db.organisation_by_slug(&slug).await?.ok_or(AppError::not_found("organisation"))?;
    Ok((StatusCode::OK, Json(saved)).into_response())
}
