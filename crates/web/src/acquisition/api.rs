//! The joint-acquisition JSON API: leads (for the partners they are shared with) and the
//! public counts of companies landed.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Json;
use lshub_domain::acquisition::{LeadDetails, LeadEvent, Stage, DEFAULT_LINK_DAYS};
use lshub_domain::{Identifiers, Reason, ValidationError};
use lshub_service::acquisition::{self as service, Change, LeadView, NewCompany, NewLead};
use lshub_storage::leads::{OrganisationRef, StoredLead};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::name_match;
use crate::api::JsonBody;
use crate::auth::Auth;
use crate::error::{AppError, Problem};
use crate::routes::RouteTable;
use crate::state::AppState;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list, create, show, change, impact),
    tags((name = "leads", description = "Joint acquisition: the MoU partners' confidential pipeline of companies that \
        consider settling in the region (each lead exists only for the partner organisations it is shared with), \
        and the public counts of companies landed"))
)]
pub struct LeadsApi;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .route("/leads", get(list).post(create))
        .route("/leads/impact", get(impact))
        .route("/leads/{id}", get(show))
        .route("/leads/{id}/changes", post(change))
}

/// An organisation a lead names.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationWire {
    pub slug: String,
    pub name: String,
}

impl From<&OrganisationRef> for OrganisationWire {
    fn from(o: &OrganisationRef) -> Self {
        Self { slug: o.slug.clone(), name: o.name.clone() }
    }
}

/// A lead.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LeadWire {
    pub id: String,
    pub company: OrganisationWire,
    /// identified, contacted, visit, proposal, landed or lost.
    pub stage: String,
    pub sector: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jobs: Option<u32>,
    pub summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub landed_year: Option<i32>,
    /// The point of contact's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    pub shared_with: Vec<OrganisationWire>,
    pub last_updated: String,
}

impl From<&StoredLead> for LeadWire {
    fn from(lead: &StoredLead) -> Self {
        Self {
            id: lead.id.clone(),
            company: OrganisationWire::from(&lead.company),
            stage: lead.stage.id().to_owned(),
            sector: lead.details.sector.clone(),
            jobs: lead.details.jobs,
            summary: lead.details.summary.clone(),
            landed_year: lead.landed_year,
            contact: lead.contact.as_ref().map(|c| c.name.clone()),
            shared_with: lead.shared_with.iter().map(OrganisationWire::from).collect(),
            last_updated: lead.last_updated.to_rfc3339(),
        }
    }
}

/// One event of a lead's timeline.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventWire {
    pub seq: i64,
    /// created, stage-changed, noted, details-changed, shared, unshared, contact-changed,
    /// link-made or link-revoked.
    #[serde(rename = "type")]
    pub event_type: String,
    /// Who did it; absent for a deleted account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    pub at: String,
    /// The event's values (a stage, a note's text, an organisation id …).
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

/// A lead with its timeline.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LeadDetailWire {
    #[serde(flatten)]
    pub lead: LeadWire,
    pub timeline: Vec<EventWire>,
    /// The stages it may move to next.
    pub next_stages: Vec<String>,
}

impl From<&LeadView> for LeadDetailWire {
    fn from(view: &LeadView) -> Self {
        Self {
            lead: LeadWire::from(&view.lead),
            timeline: view
                .timeline
                .iter()
                .map(|(entry, by)| EventWire {
                    seq: entry.seq,
                    event_type: entry.event.id().to_owned(),
                    by: by.clone(),
                    at: entry.at.to_rfc3339(),
                    details: event_details(&entry.event),
                })
                .collect(),
            next_stages: view.lead.stage.next().iter().map(|s| s.id().to_owned()).collect(),
        }
    }
}

fn event_details(event: &LeadEvent) -> serde_json::Value {
    let mut value = serde_json::to_value(event).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.remove("type");
    }
    value
}

/// The leads shared with the caller's partner organisations (partners and admins; scope
/// `read`), most recently changed first. Others' leads are not listed.
#[utoipa::path(get, path = "/api/v1/leads", tag = "leads",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The leads the caller may see", body = [LeadWire]),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a partner", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn list(State(state): State<AppState>, auth: Auth) -> Result<Json<Vec<LeadWire>>, AppError> {
    let leads = service::list(&state.db, &auth.caller()).await?;
    Ok(Json(leads.iter().map(LeadWire::from).collect()))
}

/// A new lead.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewLeadBody {
    /// The slug of one of the caller's partner organisations, which owns the lead.
    pub owner: String,
    /// A company of the directory, by slug; or else `companyName` (with `kvk`, `lei`,
    /// `website`) for a company the hub adds unless it knows it by KvK number, LEI or name.
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub company_name: Option<String>,
    #[serde(default)]
    pub kvk: Option<String>,
    #[serde(default)]
    pub lei: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    /// pharma, biotech, medtech, diagnostics, digital-health, ai-data or other.
    pub sector: String,
    #[serde(default)]
    pub jobs: Option<u32>,
    #[serde(default)]
    pub summary: String,
}

/// Enters a lead (a partner's staff; scope `write`), shared with its owner.
#[utoipa::path(post, path = "/api/v1/leads", tag = "leads",
    security(("bearer" = [])),
    request_body = NewLeadBody,
    responses(
        (status = 201, description = "The new lead", body = LeadDetailWire),
        (status = 400, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a partner", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    JsonBody(body): JsonBody<NewLeadBody>,
) -> Result<(StatusCode, Json<LeadDetailWire>), AppError> {
    let company = match (body.company, body.company_name) {
        (Some(slug), None) => NewCompany::Existing(slug),
        (None, Some(name)) => NewCompany::New {
            name_match: name_match(&state, &name),
            identifiers: Identifiers { kvk: body.kvk, lei: body.lei, website: body.website, ..Identifiers::default() },
            name,
        },
        _ => {
            return Err(ValidationError::new("company", Reason::GiveOneOf { choices: "company or companyName" }).into())
        }
    };
    let caller = auth.caller();
    let details = LeadDetails { sector: body.sector, jobs: body.jobs, summary: body.summary };
    let id = service::create(&state.db, &caller, NewLead { company, owner: body.owner, details }).await?;
    let view = service::find(&state.db, &caller, &id).await?;
    Ok((StatusCode::CREATED, Json(LeadDetailWire::from(&view))))
}

/// One lead with its timeline (scope `read`). To anyone it is not shared with, it does not exist.
#[utoipa::path(get, path = "/api/v1/leads/{id}", tag = "leads",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The lead's id")),
    responses(
        (status = 200, description = "The lead", body = LeadDetailWire),
        (status = 404, description = "No such lead, or not shared with the caller", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<LeadDetailWire>, AppError> {
    let view = service::find(&state.db, &auth.caller(), &id).await?;
    Ok(Json(LeadDetailWire::from(&view)))
}

/// A change to a lead; the values it takes, by `change`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangeBody {
    /// stage, note, details, share, unshare, contact, make-link or revoke-link.
    pub change: String,
    /// For `stage`: the stage to move to.
    #[serde(default)]
    pub stage: Option<String>,
    /// For `note`.
    #[serde(default)]
    pub text: Option<String>,
    /// For `details`.
    #[serde(default)]
    pub sector: Option<String>,
    #[serde(default)]
    pub jobs: Option<u32>,
    #[serde(default)]
    pub summary: Option<String>,
    /// For `share` and `unshare`: a partner organisation's slug.
    #[serde(default)]
    pub organisation: Option<String>,
    /// For `contact`: a user id, or none for nobody.
    #[serde(default)]
    pub contact: Option<String>,
    /// For `make-link`: the days it lasts (1 to 365; default 30).
    #[serde(default)]
    pub days: Option<u32>,
    /// For `revoke-link`: the link's id.
    #[serde(default)]
    pub link: Option<String>,
}

/// The answer to a change: the lead, and for a new link its address, shown this once.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangedWire {
    pub lead: LeadDetailWire,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_url: Option<String>,
}

fn missing(field: &'static str) -> AppError {
    ValidationError::new(field, Reason::Empty).into()
}

/// The change a body asks for; partner organisations are named by slug.
pub(crate) async fn to_change(state: &AppState, body: ChangeBody) -> Result<Change, AppError> {
    let partner_id = |slug: Option<String>| async move {
        let slug = slug.ok_or_else(|| missing("organisation"))?;
        let found = state.db.organisation_by_slug(&slug).await?;
        found
            .map(|o| o.id)
            .ok_or_else(|| AppError::from(ValidationError::new("organisation", Reason::NoSuchOrganisation { slug })))
    };
    Ok(match body.change.as_str() {
        "stage" => {
            let id = body.stage.ok_or_else(|| missing("stage"))?;
            let stage = Stage::from_id(&id).ok_or_else(|| {
                AppError::from(ValidationError::new("stage", Reason::NotOneOf { value: id.clone(), allowed: stages() }))
            })?;
            Change::Stage(stage)
        }
        "note" => Change::Note(body.text.unwrap_or_default()),
        "details" => Change::Details(LeadDetails {
            sector: body.sector.unwrap_or_default(),
            jobs: body.jobs,
            summary: body.summary.unwrap_or_default(),
        }),
        "share" => Change::Share { organisation_id: partner_id(body.organisation).await?, shared: true },
        "unshare" => Change::Share { organisation_id: partner_id(body.organisation).await?, shared: false },
        "contact" => Change::Contact(body.contact.filter(|c| !c.trim().is_empty())),
        "make-link" => Change::MakeLink { days: body.days.unwrap_or(DEFAULT_LINK_DAYS) },
        "revoke-link" => Change::RevokeLink(body.link.ok_or_else(|| missing("link"))?),
        other => {
            return Err(ValidationError::new(
                "change",
                Reason::NotOneOf {
                    value: other.to_owned(),
                    allowed: "stage, note, details, share, unshare, contact, make-link, revoke-link".into(),
                },
            )
            .into())
        }
    })
}

fn stages() -> String {
    Stage::ALL.iter().map(|s| s.id()).collect::<Vec<_>>().join(", ")
}

/// Makes a change to a lead (scope `write`): moves its stage, adds a note, changes its
/// details, sharing or point of contact, or makes or revokes a secret link to its package.
#[utoipa::path(post, path = "/api/v1/leads/{id}/changes", tag = "leads",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The lead's id")),
    request_body = ChangeBody,
    responses(
        (status = 200, description = "The lead after the change", body = ChangedWire),
        (status = 400, description = "The change is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lead, or not shared with the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Someone changed the lead at the same moment", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn change(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ChangeBody>,
) -> Result<Json<ChangedWire>, AppError> {
    let caller = auth.caller();
    let change = to_change(&state, body).await?;
    let secret = service::change(&state.db, &caller, &id, change, state.today()).await?;
    let view = service::find(&state.db, &caller, &id).await?;
    Ok(Json(ChangedWire {
        lead: LeadDetailWire::from(&view),
        link_url: secret.map(|s| format!("{}{}", state.site.public_url, super::package_url(&s))),
    }))
}

/// Companies landed and jobs they stated, for one year and sector.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImpactRowWire {
    pub year: i32,
    pub sector: String,
    pub companies: u64,
    pub jobs: u64,
}

/// The public counts of joint acquisition.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImpactWire {
    /// Newest year first.
    pub rows: Vec<ImpactRowWire>,
    pub companies: u64,
    pub jobs: u64,
}

/// Companies landed per year and sector and the jobs they stated: counts only, public.
#[utoipa::path(get, path = "/api/v1/leads/impact", tag = "leads",
    responses((status = 200, description = "The counts", body = ImpactWire)))]
pub async fn impact(State(state): State<AppState>) -> Result<Json<ImpactWire>, AppError> {
    let counts = service::impact(&state.db).await?;
    Ok(Json(ImpactWire {
        rows: counts
            .rows
            .into_iter()
            .map(|r| ImpactRowWire { year: r.year, sector: r.sector, companies: r.companies, jobs: r.jobs })
            .collect(),
        companies: counts.companies,
        jobs: counts.jobs,
    }))
}
