//! The organisations' API: the directory, each organisation, and editing a profile with a
//! `write` token.

use axum::extract::{Path, State};
use axum::Json;
use lshub_domain::authorization::{Action, ContentAction, Resource};
use lshub_domain::content::ORGANISATION;
use lshub_domain::Organisation;
use lshub_service::profile::{self as service, ProfileEdit};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::wire::{
    AddressWire, IdentifiersWire, LocalizedWire, OrganisationKindWire, OrganisationWire, ProvenanceWire,
};
use crate::api::{page_url, JsonBody};
use crate::auth::Auth;
use crate::error::{AppError, Problem};
use crate::params::{OrganisationParams, Params};
use crate::state::AppState;

/// An organisation in a list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrganisationSummary {
    pub slug: String,
    pub name: String,
    pub kind: OrganisationKindWire,
    /// ROR URL, when the organisation has one.
    pub ror: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    /// The organisation's page in the hub.
    pub url: String,
}

/// Everything the hub holds about an organisation.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrganisationDetail {
    #[serde(flatten)]
    pub summary: OrganisationSummary,
    pub aliases: Vec<String>,
    pub names: LocalizedWire,
    pub descriptions: LocalizedWire,
    pub sectors: Vec<String>,
    pub identifiers: IdentifiersWire,
    pub addresses: Vec<AddressWire>,
    pub provenance: ProvenanceWire,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationList {
    pub items: Vec<OrganisationSummary>,
    /// Matches in total, of which `items` is one page.
    pub total: i64,
    pub limit: u32,
    pub offset: u32,
}

impl OrganisationSummary {
    pub fn new(state: &AppState, organisation: &Organisation) -> Self {
        let profile = &organisation.profile;
        let address = profile.primary_address();
        Self {
            slug: organisation.slug.clone(),
            name: profile.name.clone(),
            kind: profile.kind.into(),
            ror: profile.identifiers.ror.as_ref().map(|r| r.as_url().to_owned()),
            city: address.and_then(|a| a.city.clone()),
            country: address.and_then(|a| a.country_code.clone()),
            url: page_url(state, &format!("/organisations/{}", organisation.slug)),
        }
    }
}

impl OrganisationDetail {
    pub fn new(state: &AppState, organisation: &Organisation) -> Self {
        let profile = &organisation.profile;
        Self {
            summary: OrganisationSummary::new(state, organisation),
            aliases: profile.aliases.clone(),
            names: (&profile.names).into(),
            descriptions: (&profile.descriptions).into(),
            sectors: profile.sectors.clone(),
            identifiers: (&profile.identifiers).into(),
            addresses: profile.addresses.iter().map(AddressWire::from).collect(),
            provenance: (&organisation.provenance).into(),
        }
    }
}

/// List organisations, filtered and sorted.
#[utoipa::path(
    get,
    path = "/api/v1/organisations",
    tag = "organisations",
    params(OrganisationParams),
    responses(
        (status = 200, description = "One page of organisations", body = OrganisationList),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Params(params): Params<OrganisationParams>,
) -> Result<Json<OrganisationList>, AppError> {
    let filter = params.to_filter()?;
    let page = state.db.list_organisations(&filter).await?;
    Ok(Json(OrganisationList {
        items: page.items.iter().map(|o| OrganisationSummary::new(&state, o)).collect(),
        total: page.total,
        limit: filter.page.limit,
        offset: filter.page.offset,
    }))
}

/// One organisation by its slug.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{slug}",
    tag = "organisations",
    params(("slug" = String, Path, description = "The organisation's slug, as in its page URL")),
    responses(
        (status = 200, description = "The organisation", body = OrganisationDetail),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<OrganisationDetail>, AppError> {
    let organisation = state.db.organisation_by_slug(&slug).await?.ok_or(AppError::not_found("organisation"))?;
    Ok(Json(OrganisationDetail::new(&state, &organisation)))
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
