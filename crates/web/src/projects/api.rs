//! The track record's API: projects, the co-participation network, and (for admins) the
//! participants' links to organisations.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use lshub_domain::authorization::{Action, Resource};
use lshub_domain::project::{LegalEntity, Project};
use lshub_storage::projects::Partner;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::pages::{link_by_hand, NetworkParams, ParticipantParams, ProjectParams, EXPERIENCE_SHOWN, PARTNERS_SHOWN};
use crate::api::{page_url, JsonBody};
use crate::auth::Auth;
use crate::error::{AppError, Problem};
use crate::params::Params;
use crate::public_cache::public;
use crate::routes::RouteTable;
use crate::state::AppState;

pub fn routes() -> RouteTable {
    use axum::routing::{get, put};
    RouteTable::new()
        .route("/projects", public(get(list)))
        .route("/projects/{id}", public(get(show)))
        .route("/network/partners", public(get(partners)))
        .route("/network/topic", public(get(topic)))
        .route("/participants", get(participants))
        .route("/participants/{pic}/link", put(link))
}

#[derive(OpenApi)]
#[openapi(paths(list, show, partners, topic, participants, link), tags((name = "projects")))]
pub struct ProjectsApi;

/// A project in a list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProjectSummary {
    /// The grant agreement number.
    pub id: String,
    pub acronym: String,
    pub title: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    /// The EU's contribution in euro, as an exact decimal text.
    pub ec_max_contribution: Option<String>,
    pub url: String,
}

impl ProjectSummary {
    fn new(state: &AppState, project: &Project) -> Self {
        let c = &project.content;
        Self {
            id: c.id.clone(),
            acronym: c.acronym.clone(),
            title: c.title.clone(),
            start_date: c.start_date,
            end_date: c.end_date,
            ec_max_contribution: c.ec_max_contribution.map(|a| a.to_string()),
            url: page_url(state, &format!("/projects/{}", c.id)),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectList {
    pub items: Vec<ProjectSummary>,
    pub total: i64,
    pub limit: u32,
    pub offset: u32,
}

/// A participant of a project, with the organisation of the directory it is linked to.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantWire {
    /// `coordinator`, `participant`, `associatedPartner` or `thirdParty`.
    pub role: String,
    pub pic: String,
    pub vat_number: Option<String>,
    pub legal_name: String,
    pub short_name: Option<String>,
    pub city: Option<String>,
    /// CORDIS's country code (ISO 3166, with `EL` for Greece and `UK`).
    pub country: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// `HES`, `REC`, `PRC`, `PUB` or `OTH`.
    pub activity_type: Option<String>,
    /// In euro, an exact decimal text.
    pub ec_contribution: Option<String>,
    /// The linked organisation's page in the hub.
    pub organisation: Option<String>,
}

/// A code with its title: a call topic or a programme part.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodedWire {
    pub code: String,
    pub title: Option<String>,
}

/// Everything the hub holds about a project.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProjectDetail {
    #[serde(flatten)]
    pub summary: ProjectSummary,
    pub objective: String,
    pub keywords: Vec<String>,
    pub status: String,
    /// In euro, an exact decimal text.
    pub total_cost: Option<String>,
    pub topics: Vec<CodedWire>,
    pub programmes: Vec<CodedWire>,
    pub master_call: Option<String>,
    pub funding_scheme: Option<String>,
    pub doi: Option<String>,
    pub participants: Vec<ParticipantWire>,
}

/// List EU research projects with participants from the region, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/projects",
    tag = "projects",
    params(ProjectParams),
    responses(
        (status = 200, description = "One page of projects", body = ProjectList),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Params(params): Params<ProjectParams>,
) -> Result<Json<ProjectList>, AppError> {
    let page = params.page()?;
    let found = state.db.list_projects(params.text(), page).await?;
    Ok(Json(ProjectList {
        items: found.items.iter().map(|p| ProjectSummary::new(&state, p)).collect(),
        total: found.total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// One project by its grant agreement number, with every participant.
#[utoipa::path(
    get,
    path = "/api/v1/projects/{id}",
    tag = "projects",
    params(("id" = String, Path, description = "The grant agreement number, e.g. 101039354")),
    responses(
        (status = 200, description = "The project", body = ProjectDetail),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn show(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<ProjectDetail>, AppError> {
    let project = state.db.project_by_id(&id).await?.ok_or(AppError::not_found("project"))?;
    let c = &project.content;
    let pics: Vec<&str> = c.participants.iter().map(|p| p.pic.as_str()).collect();
    let linked = state.db.linked_organisations(&pics).await?;
    let coded = |codes: &[lshub_domain::project::Coded]| {
        codes.iter().map(|c| CodedWire { code: c.code.clone(), title: c.title.clone() }).collect()
    };
    Ok(Json(ProjectDetail {
        summary: ProjectSummary::new(&state, &project),
        objective: c.objective.clone(),
        keywords: c.keywords.clone(),
        status: c.status.clone(),
        total_cost: c.total_cost.map(|a| a.to_string()),
        topics: coded(&c.topics),
        programmes: coded(&c.programmes),
        master_call: c.master_call.clone(),
        funding_scheme: c.funding_scheme.clone(),
        doi: c.doi.clone(),
        participants: c
            .participants
            .iter()
            .map(|p| ParticipantWire {
                role: p.role.id().to_owned(),
                pic: p.pic.clone(),
                vat_number: p.vat.clone(),
                legal_name: p.legal_name.clone(),
                short_name: p.short_name.clone(),
                city: p.city.clone(),
                country: p.country.clone(),
                latitude: p.latitude,
                longitude: p.longitude,
                activity_type: p.activity_type.clone(),
                ec_contribution: p.ec_contribution.map(|a| a.to_string()),
                organisation: linked.get(&p.pic).map(|(slug, _)| page_url(&state, &format!("/organisations/{slug}"))),
            })
            .collect(),
    }))
}

/// Someone an organisation worked with in EU projects.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PartnerWire {
    /// The partner's page in the hub, when it is in the directory.
    pub organisation: Option<String>,
    /// Its name in the directory, else its legal name in CORDIS.
    pub name: String,
    pub country: Option<String>,
    /// Projects in common.
    pub projects: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerList {
    /// The organisation asked about.
    pub organisation: String,
    /// Most projects in common first.
    pub items: Vec<PartnerWire>,
}

fn partner_wire(state: &AppState, partner: &Partner) -> PartnerWire {
    PartnerWire {
        organisation: partner.organisation.as_ref().map(|(slug, _)| page_url(state, &format!("/organisations/{slug}"))),
        name: partner.organisation.as_ref().map_or_else(|| partner.legal_name.clone(), |(_, name)| name.clone()),
        country: partner.country.clone(),
        projects: partner.projects,
    }
}

/// Organisations that worked with an organisation in EU projects (only those from
/// `country` when given).
#[utoipa::path(
    get,
    path = "/api/v1/network/partners",
    tag = "projects",
    params(NetworkParams),
    responses(
        (status = 200, description = "The partners, most projects in common first", body = PartnerList),
        (status = 400, description = "A parameter is invalid or the organisation is missing", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn partners(
    State(state): State<AppState>,
    Params(params): Params<NetworkParams>,
) -> Result<Json<PartnerList>, AppError> {
    let country = params.country()?;
    let organisation = params
        .organisation(&state)
        .await?
        .ok_or_else(|| lshub_domain::ValidationError::new("organisation", lshub_domain::Reason::Empty))?;
    let found = state.db.organisation_partners(&organisation.id, country, PARTNERS_SHOWN * 5).await?;
    Ok(Json(PartnerList {
        organisation: page_url(&state, &format!("/organisations/{}", organisation.slug)),
        items: found.iter().map(|p| partner_wire(&state, p)).collect(),
    }))
}

/// An organisation of the region that worked on a topic.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExperienceWire {
    pub organisation: String,
    pub name: String,
    /// The projects that show it (pages in the hub), newest first.
    pub projects: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExperienceList {
    /// Most projects first.
    pub items: Vec<ExperienceWire>,
}

/// Who in the region worked on a topic (words of its title, keywords, topics or
/// objective) with partners from a country; give a topic, a country or both.
#[utoipa::path(
    get,
    path = "/api/v1/network/topic",
    tag = "projects",
    params(NetworkParams),
    responses(
        (status = 200, description = "Organisations of the directory, most projects first", body = ExperienceList),
        (status = 400, description = "A parameter is invalid, or neither topic nor country is given", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn topic(
    State(state): State<AppState>,
    Params(params): Params<NetworkParams>,
) -> Result<Json<ExperienceList>, AppError> {
    let (topic, country) = (params.topic()?, params.country()?);
    if topic.is_none() && country.is_none() {
        return Err(lshub_domain::ValidationError::new(
            "topic",
            lshub_domain::Reason::GiveOneOf { choices: "topic or country" },
        )
        .into());
    }
    let found = state.db.topic_experience(topic, country, EXPERIENCE_SHOWN).await?;
    Ok(Json(ExperienceList {
        items: found
            .into_iter()
            .map(|e| ExperienceWire {
                organisation: page_url(&state, &format!("/organisations/{}", e.slug)),
                name: e.name,
                projects: e.projects.iter().map(|(id, _)| page_url(&state, &format!("/projects/{id}"))).collect(),
            })
            .collect(),
    }))
}

/// A legal entity (PIC) of CORDIS and its link.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegalEntityWire {
    pub pic: String,
    pub legal_name: String,
    pub vat_number: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub projects: u32,
    /// The slug of the organisation it is linked to.
    pub organisation: Option<String>,
    /// `vat`, `name-and-city` or `manual`.
    pub method: Option<String>,
}

impl From<&LegalEntity> for LegalEntityWire {
    fn from(e: &LegalEntity) -> Self {
        Self {
            pic: e.pic.clone(),
            legal_name: e.legal_name.clone(),
            vat_number: e.vat.clone(),
            city: e.city.clone(),
            country: e.country.clone(),
            projects: e.projects,
            organisation: e.organisation.clone(),
            method: e.method.map(|m| m.id().to_owned()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LegalEntityList {
    pub items: Vec<LegalEntityWire>,
    pub total: i64,
}

/// The participants' legal entities with their links (admins): unlinked ones by default.
#[utoipa::path(
    get,
    path = "/api/v1/participants",
    tag = "projects",
    params(
        ("q" = Option<String>, Query, description = "Words of the legal name, or a PIC"),
        ("country" = Option<String>, Query, description = "CORDIS country code"),
        ("linked" = Option<String>, Query, description = "`no` (default), `yes` or `all`"),
        ("offset" = Option<i64>, Query, description = "Items to skip; pages hold 50"),
    ),
    responses(
        (status = 200, description = "Legal entities, most projects first", body = LegalEntityList),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn participants(
    State(state): State<AppState>,
    auth: Auth,
    Params(params): Params<ParticipantParams>,
) -> Result<Json<LegalEntityList>, AppError> {
    auth.require(Action::Administer, Resource::Hub)?;
    let found = state.db.legal_entities(&params.filter()?).await?;
    Ok(Json(LegalEntityList { items: found.items.iter().map(LegalEntityWire::from).collect(), total: found.total }))
}

/// Which organisation a legal entity is.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LinkBody {
    /// The organisation's slug; null or blank unlinks.
    pub organisation: Option<String>,
}

/// Link a participant's legal entity to an organisation by hand (admins); automatic
/// linking leaves it alone from then on.
#[utoipa::path(
    put,
    path = "/api/v1/participants/{pic}/link",
    tag = "projects",
    params(("pic" = String, Path, description = "The legal entity's PIC")),
    request_body = LinkBody,
    responses(
        (status = 204, description = "Linked (or unlinked)"),
        (status = 400, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No participant has this PIC", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn link(
    State(state): State<AppState>,
    auth: Auth,
    Path(pic): Path<String>,
    JsonBody(body): JsonBody<LinkBody>,
) -> Result<StatusCode, AppError> {
    auth.require(Action::Administer, Resource::Hub)?;
    link_by_hand(&state, &auth, &pic, body.organisation.as_deref().unwrap_or_default()).await?;
    Ok(StatusCode::NO_CONTENT)
}
