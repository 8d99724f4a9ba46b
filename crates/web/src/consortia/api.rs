//! The consortium builder's JSON API: workspaces (for their partners' members), invitations
//! and their answers, and the eligibility rules per type of action.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::Json;
use lshub_domain::consortium::eligibility::{EligibilityRules, NotCounted};
use lshub_domain::consortium::PartnerRole;
use lshub_domain::{Reason, ValidationError};
use lshub_service::consortium::{self as service, ConsortiumView, Invitee, NewConsortium, RulesSource};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{compose, suggestion_reason, suggestions};
use crate::api::JsonBody;
use crate::auth::Auth;
use crate::error::{AppError, Problem};
use crate::i18n::Translator;
use crate::pages::PageContext;
use crate::routes::RouteTable;
use crate::state::AppState;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list, create, show, invite, update, remove, answer, rules, set_rules, remove_rules),
    tags((name = "consortia", description = "The consortium builder: workspaces in which an organisation gathers \
        partners for a call (each exists only for its partners' members), invitations, the eligibility check and \
        the rules per type of action"))
)]
pub struct ConsortiaApi;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .route("/consortia", get(list).post(create))
        .route("/consortia/{id}", get(show))
        .route("/consortia/{id}/partners", post(invite))
        .route("/consortia/{id}/partners/{key}", put(update).delete(remove))
        .route("/consortia/{id}/partners/{key}/answer", post(answer))
        .route("/eligibility-rules", get(rules))
        .route("/eligibility-rules/{action_type}", put(set_rules).delete(remove_rules))
}

/// A partner of a workspace.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsortiumPartnerWire {
    /// The organisation's id, or `external:` and an id for a partner outside the directory.
    pub key: String,
    pub name: String,
    /// The directory organisation's slug; absent for a partner outside the directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// coordinator, beneficiary, affiliated-entity or associated-partner.
    pub role: String,
    /// invited, accepted or declined.
    pub state: String,
    pub statement: String,
    /// No member of the invited organisation is on the hub: an admin records its answer.
    pub awaiting_admin: bool,
}

/// One condition of the eligibility rules and how far the workspace is from it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FindingWire {
    /// coordinator, entities, countries or member-state-entities.
    pub requirement: String,
    pub needed: u32,
    pub have: u32,
    pub met: bool,
}

/// Eligibility rules.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RulesWire {
    /// Independent legal entities (the coordinator and beneficiaries) that accepted.
    pub min_entities: u32,
    /// Different countries those entities are established in.
    pub min_countries: u32,
    /// Entities established in an EU member state.
    pub min_member_state_entities: u32,
    /// Only entities from member states and associated countries count.
    pub eu_or_associated_only: bool,
    pub coordinator_required: bool,
}

impl From<EligibilityRules> for RulesWire {
    fn from(r: EligibilityRules) -> Self {
        Self {
            min_entities: r.min_entities,
            min_countries: r.min_countries,
            min_member_state_entities: r.min_member_state_entities,
            eu_or_associated_only: r.eu_or_associated_only,
            coordinator_required: r.coordinator_required,
        }
    }
}

impl From<RulesWire> for EligibilityRules {
    fn from(r: RulesWire) -> Self {
        Self {
            min_entities: r.min_entities,
            min_countries: r.min_countries,
            min_member_state_entities: r.min_member_state_entities,
            eu_or_associated_only: r.eu_or_associated_only,
            coordinator_required: r.coordinator_required,
        }
    }
}

/// The eligibility check of a workspace.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EligibilityWire {
    /// The call's type of action.
    pub action_type: String,
    /// `set` by partners or `built-in`.
    pub source: String,
    pub rules: RulesWire,
    pub eligible: bool,
    pub findings: Vec<FindingWire>,
    /// The countries of the partners that count.
    pub countries: Vec<String>,
    /// Accepted, signing partners that do not count, and why.
    pub not_counted: Vec<String>,
}

/// A partner suggested for the workspace's gaps.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SuggestionWire {
    pub name: String,
    /// The directory organisation's slug, when it is in the directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Why, in the caller's language.
    pub reason: String,
    /// `network` (co-participation in EU projects) or `directory` (fits the call).
    pub source: String,
}

/// A workspace.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsortiumWire {
    pub id: String,
    pub acronym: String,
    /// The call's topic id.
    pub call: String,
    /// The managing organisation's slug.
    pub manager: String,
    /// The caller sees the whole workspace; else only their invitations in it.
    pub full: bool,
    pub partners: Vec<ConsortiumPartnerWire>,
    /// Absent when no rules are known for the call's type of action, or for an invitee.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eligibility: Option<EligibilityWire>,
    /// For the managing organisation's members.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<SuggestionWire>,
    pub last_updated: String,
}

fn source_id(source: RulesSource) -> &'static str {
    match source {
        RulesSource::Set => "set",
        RulesSource::BuiltIn => "built-in",
    }
}

fn wire(t: &Translator, view: &ConsortiumView) -> ConsortiumWire {
    let c = &view.consortium;
    ConsortiumWire {
        id: c.id.clone(),
        acronym: c.acronym.clone(),
        call: c.call_topic_id.clone(),
        manager: c.manager.slug.clone(),
        full: view.full,
        partners: c
            .partners
            .iter()
            .map(|p| ConsortiumPartnerWire {
                key: p.key.clone(),
                name: p.name().to_owned(),
                organisation: p.organisation.as_ref().map(|o| o.slug.clone()),
                country: view.countries.get(&p.key).cloned(),
                role: p.role.id().to_owned(),
                state: p.state.id().to_owned(),
                statement: p.statement.clone(),
                awaiting_admin: view.queued.contains(&p.key),
            })
            .collect(),
        eligibility: view.eligibility.as_ref().map(|e| EligibilityWire {
            action_type: e.action_type.clone(),
            source: source_id(e.source).to_owned(),
            rules: e.rules.into(),
            eligible: e.check.eligible(),
            findings: e
                .check
                .findings
                .iter()
                .map(|f| FindingWire {
                    requirement: f.requirement.id().to_owned(),
                    needed: f.needed,
                    have: f.have,
                    met: f.met(),
                })
                .collect(),
            countries: e.check.countries.clone(),
            not_counted: e
                .check
                .not_counted
                .iter()
                .map(|(name, why)| match why {
                    NotCounted::NoCountry => t.t1("consortium-not-counted-no-country", "name", name.clone()),
                    NotCounted::OutsideEuAndAssociated(country) => {
                        let mut args = fluent_bundle::FluentArgs::new();
                        args.set("name", name.clone());
                        args.set("country", country.clone());
                        t.with_args("consortium-not-counted-outside", &args)
                    }
                })
                .collect(),
        }),
        suggestions: Vec::new(),
        last_updated: c.last_updated.to_rfc3339(),
    }
}

/// A workspace with its suggestions, for those who manage it.
async fn detail(state: &AppState, t: &Translator, view: &ConsortiumView) -> Result<ConsortiumWire, AppError> {
    let mut out = wire(t, view);
    if view.full && view.can_manage {
        let (co_partners, fits) = suggestions(state, t, view).await?;
        out.suggestions = co_partners
            .iter()
            .map(|s| SuggestionWire {
                name: s.name.clone(),
                organisation: s.slug.clone(),
                country: s.country.clone(),
                reason: suggestion_reason(t, s),
                source: "network".into(),
            })
            .chain(fits.into_iter().map(|f| SuggestionWire {
                name: f.name,
                organisation: Some(f.slug),
                country: None,
                reason: f.why,
                source: "directory".into(),
            }))
            .collect();
    }
    Ok(out)
}

/// The workspaces the caller's organisations take part in or are invited to (scope `read`),
/// most recently changed first.
#[utoipa::path(get, path = "/api/v1/consortia", tag = "consortia",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's workspaces and invitations", body = [ConsortiumWire]),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
) -> Result<Json<Vec<ConsortiumWire>>, AppError> {
    let views = service::list(&state.db, &auth.caller()).await?;
    Ok(Json(views.iter().map(|v| wire(&ctx.t, v)).collect()))
}

/// A new workspace.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewConsortiumBody {
    /// The call's topic id; an open or forthcoming call.
    pub call: String,
    /// The slug of an organisation the caller maintains, which manages the workspace.
    pub organisation: String,
    pub acronym: String,
    /// Its own role; default coordinator.
    #[serde(default)]
    pub role: Option<String>,
}

fn role(value: Option<&str>, default: PartnerRole) -> Result<PartnerRole, AppError> {
    Ok(value.map(PartnerRole::parse).transpose()?.unwrap_or(default))
}

/// Opens a workspace for a call in the name of the caller's organisation (scope `write`).
#[utoipa::path(post, path = "/api/v1/consortia", tag = "consortia",
    security(("bearer" = [])),
    request_body = NewConsortiumBody,
    responses(
        (status = 201, description = "The new workspace", body = ConsortiumWire),
        (status = 400, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a member of the organisation", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    JsonBody(body): JsonBody<NewConsortiumBody>,
) -> Result<(StatusCode, Json<ConsortiumWire>), AppError> {
    let caller = auth.caller();
    let new = NewConsortium {
        role: role(body.role.as_deref(), PartnerRole::Coordinator)?,
        call: body.call,
        organisation: body.organisation,
        acronym: body.acronym,
    };
    let id = service::open(&state.db, &caller, new, state.today()).await?;
    let view = service::find(&state.db, &caller, &id).await?;
    Ok((StatusCode::CREATED, Json(detail(&state, &ctx.t, &view).await?)))
}

/// One workspace (scope `read`): its partners, eligibility check and, for the managing
/// organisation, suggested partners. An invited organisation's members see only their
/// invitation; to everyone else it does not exist.
#[utoipa::path(get, path = "/api/v1/consortia/{id}", tag = "consortia",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The workspace's id")),
    responses(
        (status = 200, description = "The workspace", body = ConsortiumWire),
        (status = 404, description = "No such workspace, or not the caller's", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<ConsortiumWire>, AppError> {
    let view = service::find(&state.db, &auth.caller(), &id).await?;
    Ok(Json(detail(&state, &ctx.t, &view).await?))
}

/// A partner to add: `organisation` (a directory slug) to invite, or `name` and `country`
/// for a partner outside the directory.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InviteBody {
    #[serde(default)]
    pub organisation: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// ISO 3166-1 alpha-2 (or `EL`, `UK`).
    #[serde(default)]
    pub country: Option<String>,
    /// Default beneficiary.
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub statement: String,
}

/// Invites an organisation of the directory, whose members are mailed (or, without
/// members, the admins' queue), or lists a partner outside it (the managing organisation;
/// scope `write`).
#[utoipa::path(post, path = "/api/v1/consortia/{id}/partners", tag = "consortia",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The workspace's id")),
    request_body = InviteBody,
    responses(
        (status = 201, description = "The workspace with the new partner", body = ConsortiumWire),
        (status = 400, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the managing organisation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such workspace, or not the caller's", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn invite(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<InviteBody>,
) -> Result<(StatusCode, Json<ConsortiumWire>), AppError> {
    let invitee = match (body.organisation, body.name) {
        (Some(slug), None) => Invitee::Organisation(slug),
        (None, Some(name)) => Invitee::External { name, country: body.country.unwrap_or_default() },
        _ => {
            return Err(
                ValidationError::new("organisation", Reason::GiveOneOf { choices: "organisation or name" }).into()
            )
        }
    };
    let caller = auth.caller();
    let role = role(body.role.as_deref(), PartnerRole::Beneficiary)?;
    service::invite(&state.db, &caller, &id, invitee, role, &body.statement, &compose(&state)).await?;
    crate::access::mail_queued(&state);
    let view = service::find(&state.db, &caller, &id).await?;
    Ok((StatusCode::CREATED, Json(detail(&state, &ctx.t, &view).await?)))
}

/// A partner's role (the managing organisation only) and statement.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PartnerUpdateBody {
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub statement: String,
}

/// Changes a partner (scope `write`): the managing organisation sets anyone's role and
/// statement, a partner's members its own statement.
#[utoipa::path(put, path = "/api/v1/consortia/{id}/partners/{key}", tag = "consortia",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The workspace's id"), ("key" = String, Path, description = "The partner's key")),
    request_body = PartnerUpdateBody,
    responses(
        (status = 200, description = "The workspace", body = ConsortiumWire),
        (status = 400, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the caller's to change", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such workspace or partner", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn update(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path((id, key)): Path<(String, String)>,
    JsonBody(body): JsonBody<PartnerUpdateBody>,
) -> Result<Json<ConsortiumWire>, AppError> {
    let caller = auth.caller();
    let role = body.role.as_deref().map(PartnerRole::parse).transpose()?;
    service::update(&state.db, &caller, &id, &key, role, &body.statement).await?;
    let view = service::find(&state.db, &caller, &id).await?;
    Ok(Json(detail(&state, &ctx.t, &view).await?))
}

/// Removes a partner (the managing organisation), or withdraws one's own (scope `write`).
#[utoipa::path(delete, path = "/api/v1/consortia/{id}/partners/{key}", tag = "consortia",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The workspace's id"), ("key" = String, Path, description = "The partner's key")),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "The managing organisation cannot leave", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the caller's to remove", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such workspace or partner", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn remove(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, key)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    service::remove(&state.db, &auth.caller(), &id, &key).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An answer to an invitation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnswerBody {
    /// accept or decline.
    pub answer: String,
}

/// Accepts or declines an invitation to one's organisation (scope `write`); the managing
/// organisation's members are mailed.
#[utoipa::path(post, path = "/api/v1/consortia/{id}/partners/{key}/answer", tag = "consortia",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The workspace's id"), ("key" = String, Path, description = "The invited organisation's key")),
    request_body = AnswerBody,
    responses(
        (status = 204, description = "Answered"),
        (status = 400, description = "Neither accept nor decline", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such invitation for the caller", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn answer(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, key)): Path<(String, String)>,
    JsonBody(body): JsonBody<AnswerBody>,
) -> Result<StatusCode, AppError> {
    let accepted = match body.answer.as_str() {
        "accept" => true,
        "decline" => false,
        other => {
            return Err(ValidationError::new(
                "answer",
                Reason::NotEither { value: other.to_owned(), first: "accept", second: "decline" },
            )
            .into())
        }
    };
    service::answer(&state.db, &auth.caller(), &id, &key, accepted, &compose(&state)).await?;
    crate::access::mail_queued(&state);
    Ok(StatusCode::NO_CONTENT)
}

/// The rules of a type of action.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TypeRulesWire {
    pub action_type: String,
    /// `set` by partners or `built-in`.
    pub source: String,
    pub rules: RulesWire,
}

/// The eligibility rules per type of action: those partners set, and the built-in ones they
/// did not replace.
#[utoipa::path(get, path = "/api/v1/eligibility-rules", tag = "consortia",
    responses((status = 200, description = "Rules by type of action", body = [TypeRulesWire])))]
pub async fn rules(State(state): State<AppState>) -> Result<Json<Vec<TypeRulesWire>>, AppError> {
    let out = service::rules(&state.db)
        .await?
        .into_iter()
        .map(|(action_type, rules, source)| TypeRulesWire {
            action_type,
            source: source_id(source).to_owned(),
            rules: rules.into(),
        })
        .collect();
    Ok(Json(out))
}

/// Sets the rules of a type of action (partners and admins; scope `write`).
#[utoipa::path(put, path = "/api/v1/eligibility-rules/{action_type}", tag = "consortia",
    security(("bearer" = [])),
    params(("action_type" = String, Path, description = "The type of action, e.g. RIA")),
    request_body = RulesWire,
    responses(
        (status = 204, description = "Set"),
        (status = 400, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a partner", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn set_rules(
    State(state): State<AppState>,
    auth: Auth,
    Path(action_type): Path<String>,
    JsonBody(body): JsonBody<RulesWire>,
) -> Result<StatusCode, AppError> {
    service::set_rules(&state.db, &auth.caller(), &action_type, Some(body.into())).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes the rules partners set for a type of action; the built-in ones apply again
/// (partners and admins; scope `write`).
#[utoipa::path(delete, path = "/api/v1/eligibility-rules/{action_type}", tag = "consortia",
    security(("bearer" = [])),
    params(("action_type" = String, Path, description = "The type of action, e.g. RIA")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not a partner", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn remove_rules(
    State(state): State<AppState>,
    auth: Auth,
    Path(action_type): Path<String>,
) -> Result<StatusCode, AppError> {
    service::set_rules(&state.db, &auth.caller(), &action_type, None).await?;
    Ok(StatusCode::NO_CONTENT)
}
