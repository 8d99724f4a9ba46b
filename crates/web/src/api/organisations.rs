use axum::extract::{Path, State};
use axum::Json;
use lshub_domain::Organisation;
use serde::Serialize;
use utoipa::ToSchema;

use super::wire::{AddressWire, IdentifiersWire, LocalizedWire, OrganisationKindWire, ProvenanceWire};
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
            url: super::page_url(state, &format!("/organisations/{}", organisation.slug)),
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
