//! The signed-in caller through the API: who they are, and editing their organisations'
//! profiles with a `write` token.

use axum::extract::{FromRequest, Path, Request, State};
use axum::Json;
use lshub_domain::authorization::{Action, ContentAction, Resource};
use lshub_domain::content::ORGANISATION;
use lshub_service::profile::{self as service, ProfileEdit};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::wire::OrganisationWire;
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

/// The editable fields of a profile, as JSON. Absent fields are cleared, like empty form
/// fields. The stated limits are the profile's own rules (`OrganisationProfile::validate`).
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfileBody {
    #[serde(default)]
    #[schema(max_length = 20000, pattern = r"^[^\u0000-\u0008\u000b-\u001f\u007f-\u009f]*$")]
    description_en: String,
    #[serde(default)]
    #[schema(max_length = 20000, pattern = r"^[^\u0000-\u0008\u000b-\u001f\u007f-\u009f]*$")]
    description_nl: String,
    /// Up to 100 characters each, without commas.
    #[serde(default)]
    #[schema(schema_with = sectors_schema)]
    sectors: Vec<String>,
    /// An absolute http(s) address.
    #[serde(default)]
    #[schema(
        max_length = 2000,
        pattern = r"^(https?://([A-Za-z0-9-]+\.)*[A-Za-z][A-Za-z0-9-]*(:[0-9]{1,4})?([/?#]\S*)?)?$"
    )]
    website: String,
    /// The Dutch Chamber of Commerce number: eight digits.
    #[serde(default)]
    #[schema(pattern = "^([0-9]{8})?$")]
    kvk: String,
    #[serde(default)]
    #[schema(max_length = 200, pattern = r"^[^\u0000-\u0008\u000b-\u001f\u007f-\u009f]*$")]
    street: String,
    #[serde(default)]
    #[schema(max_length = 200, pattern = r"^[^\u0000-\u0008\u000b-\u001f\u007f-\u009f]*$")]
    postcode: String,
    #[serde(default)]
    #[schema(max_length = 200, pattern = r"^[^\u0000-\u0008\u000b-\u001f\u007f-\u009f]*$")]
    city: String,
}

/// Sectors are stored comma-separated, so a comma cannot be part of one.
fn sectors_schema() -> utoipa::openapi::Array {
    let sector = utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .max_length(Some(100))
        .pattern(Some(r"^[^,\u0000-\u001f\u007f-\u009f]*$"));
    utoipa::openapi::ArrayBuilder::new().items(sector).max_items(Some(lshub_domain::organisation::MAX_SECTORS)).build()
}

/// Replaces the member-maintained fields of an organisation's profile (scope `write`; the
/// caller maintains the organisation, or is an admin). The change is kept in its history.
#[utoipa::path(
    put,
    path = "/api/v1/organisations/{slug}/profile",
    tag = "organisations",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The organisation's slug")),
    request_body = ProfileBody,
    responses(
        (status = 200, description = "The saved organisation", body = OrganisationWire),
        (status = 400, description = "Malformed JSON or an invalid field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or an unknown or revoked one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a maintainer, or the token lacks the write scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The profile kept changing while the edit was saved; send it again", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn edit_organisation(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<ProfileBody>,
) -> Result<Json<OrganisationWire>, AppError> {
    let organisation = state.db.organisation_by_slug(&slug).await?.ok_or(AppError::not_found("organisation"))?;
    auth.require(
        Action::Content(ContentAction::Edit),
        Resource::Content { kind: &ORGANISATION, owner: &organisation.id },
    )?;
    if let Some(sector) = body.sectors.iter().find(|s| s.contains(',')) {
        return Err(lshub_domain::ValidationError::new(
            "sectors",
            lshub_domain::Reason::Comma { value: sector.clone() },
        )
        .into());
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
    let saved = service::save(&state.db, &auth.caller(), &organisation, &edit).await?;
    Ok(Json((&saved).into()))
}
