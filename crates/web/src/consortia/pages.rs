//! The consortium builder's pages, all working without JavaScript: the workspaces and
//! invitations of one's organisations (`/consortia`), a new workspace for a call, a
//! workspace with its partners, eligibility check, suggestions and every change as a small
//! form, its partner list as CSV, the partners' rules per type of action, and the admins'
//! queue of invitations to organisations without members.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use lshub_domain::authorization::{Action, Resource};
use lshub_domain::consortium::eligibility::{self, EligibilityRules, NotCounted};
use lshub_domain::consortium::{PartnerRole, PartnerState};
use lshub_domain::{Reason, ValidationError};
use lshub_service::consortium::{self as service, ConsortiumView, Invitee, NewConsortium, RulesSource};
use lshub_service::ServiceError;
use serde::Deserialize;

use super::{compose, consortium_url, partners_csv, suggestion_reason, suggestions};
use crate::auth::Auth;
use crate::error::AppError;
use crate::i18n::Translator;
use crate::pages::forms::{Choice, FormField, FormFields, FormPage, Posted};
use crate::pages::{download, render, see_other, PageContext};
use crate::routes::RouteTable;
use crate::state::AppState;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .route("/consortia", get(list).post(create))
        .route("/consortia/new", get(new_form))
        .route("/consortia/rules", get(rules).post(set_rules))
        .route("/consortia/{id}", get(show))
        .route("/consortia/{id}/partners", post(invite))
        .route("/consortia/{id}/partners.csv", get(export))
        .route("/consortia/{id}/partners/{key}", post(update))
        .route("/consortia/{id}/partners/{key}/answer", post(answer))
        .route("/consortia/{id}/partners/{key}/remove", post(remove))
        .route("/admin/invitations", get(queue).post(answer_for))
}

fn role_choices(t: &Translator, selected: PartnerRole) -> Vec<Choice> {
    PartnerRole::ALL
        .into_iter()
        .map(|r| Choice {
            value: r.id().to_owned(),
            label: t.t(&format!("partner-role-{}", r.id())),
            selected: r == selected,
        })
        .collect()
}

fn role_of(fields: &FormFields, default: PartnerRole) -> Result<PartnerRole, ValidationError> {
    fields.given("role").map_or(Ok(default), |r| PartnerRole::parse(&r))
}

/// An answer's field: `accept` or `decline`.
fn accepted(fields: &FormFields) -> Result<bool, ValidationError> {
    match fields.trimmed("answer").as_str() {
        "accept" => Ok(true),
        "decline" => Ok(false),
        other => Err(ValidationError::new(
            "answer",
            Reason::NotEither { value: other.to_owned(), first: "accept", second: "decline" },
        )),
    }
}

// ---------------------------------------------------------------------------------------
// GET /consortia

struct WorkspaceRow {
    url: String,
    acronym: String,
    call: String,
    manager: String,
    state: String,
}

#[derive(Template)]
#[template(path = "consortia/list.html")]
struct ListPage {
    ctx: PageContext,
    rows: Vec<WorkspaceRow>,
}

pub async fn list(State(state): State<AppState>, ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    let views = service::list(&state.db, &auth.caller()).await?;
    let t = &ctx.t;
    let rows = views
        .iter()
        .map(|view| WorkspaceRow {
            url: consortium_url(&view.consortium.id),
            acronym: view.consortium.acronym.clone(),
            call: view.call.content.title.clone(),
            manager: view.consortium.manager.name.clone(),
            state: if !view.full {
                t.t("consortium-invited")
            } else {
                match &view.eligibility {
                    Some(e) if e.check.eligible() => t.t("consortium-eligible"),
                    Some(_) => t.t("consortium-not-yet-eligible"),
                    None => t.t("consortium-no-rules-short"),
                }
            },
        })
        .collect();
    render(&ListPage { ctx, rows })
}

// ---------------------------------------------------------------------------------------
// GET /consortia/new, POST /consortia

#[derive(Deserialize)]
pub struct NewParams {
    call: Option<String>,
}

async fn new_consortium_form(
    state: &AppState,
    ctx: PageContext,
    auth: &Auth,
    fields: &FormFields,
) -> Result<FormPage, AppError> {
    let caller = auth.caller();
    service::gate(&caller)?;
    let organisations = lshub_service::organisations_for(&state.db, &caller, Action::OpenConsortium).await?;
    let t = ctx.t.clone();
    let mut page = FormPage::new(ctx, t.t("consortium-new-title"), "/consortia", &auth.csrf);
    page.intro.push(t.t("consortium-new-intro"));
    if organisations.is_empty() {
        page.intro.push(t.t("consortium-new-no-organisation"));
    }
    let organisation = fields.trimmed("organisation");
    let role = fields.given("role").and_then(|r| PartnerRole::from_id(&r)).unwrap_or(PartnerRole::Coordinator);
    page.fields = vec![
        FormField::new("call", t.t("consortium-call"), "text")
            .value(fields.trimmed("call"))
            .required()
            .hint(t.t("consortium-call-hint")),
        FormField::new("organisation", t.t("consortium-organisation"), "select").choices(
            organisations
                .iter()
                .map(|o| Choice { value: o.slug.clone(), label: o.name.clone(), selected: o.slug == organisation })
                .collect(),
        ),
        FormField::new("acronym", t.t("consortium-acronym"), "text")
            .value(fields.trimmed("acronym"))
            .required()
            .hint(t.t("consortium-acronym-hint")),
        FormField::new("role", t.t("consortium-own-role"), "select").choices(role_choices(&t, role)),
    ];
    page.submit = t.t("consortium-new-submit");
    Ok(page)
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Query(params): Query<NewParams>,
) -> Result<Response, AppError> {
    let fields = FormFields(params.call.map(|c| vec![("call".to_owned(), c)]).unwrap_or_default());
    new_consortium_form(&state, ctx, &auth, &fields).await?.respond(StatusCode::OK)
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let fields = FormFields(fields);
    let opened = match role_of(&fields, PartnerRole::Coordinator) {
        Err(invalid) => Err(ServiceError::Invalid(vec![invalid])),
        Ok(role) => {
            let new = NewConsortium {
                call: fields.trimmed("call"),
                organisation: fields.trimmed("organisation"),
                acronym: fields.trimmed("acronym"),
                role,
            };
            service::open(&state.db, &auth.caller(), new, state.today()).await
        }
    };
    match opened {
        Ok(id) => Ok(see_other(&consortium_url(&id))),
        Err(ServiceError::Invalid(errors)) => new_consortium_form(&state, ctx, &auth, &fields)
            .await?
            .invalid_all(&errors)
            .respond(StatusCode::BAD_REQUEST),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------
// GET /consortia/{id}

struct PartnerRow {
    key: String,
    name: String,
    url: String,
    country: String,
    role: String,
    role_choices: Vec<Choice>,
    state: String,
    statement: String,
    queued: bool,
    /// The caller may write its statement, or (for the manager) everything.
    editable: bool,
    removable: bool,
    answerable: bool,
    leaves: bool,
}

struct FindingRow {
    met: bool,
    text: String,
}

struct SuggestionRow {
    name: String,
    url: String,
    country: String,
    reason: String,
    /// The directory organisation to invite, or else the name and country to list.
    slug: String,
}

#[derive(Template)]
#[template(path = "consortia/consortium.html")]
struct WorkspacePage {
    ctx: PageContext,
    csrf: String,
    id: String,
    acronym: String,
    call_title: String,
    call_url: String,
    call_topic: String,
    call_status: String,
    manager: String,
    full: bool,
    can_manage: bool,
    partners: Vec<PartnerRow>,
    eligible: bool,
    rules_text: String,
    findings: Vec<FindingRow>,
    countries: String,
    not_counted: Vec<String>,
    role_choices: Vec<Choice>,
    co_partners: Vec<SuggestionRow>,
    directory: Vec<SuggestionRow>,
    error: Option<String>,
}

fn finding_text(t: &Translator, finding: &eligibility::Finding) -> String {
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("have", finding.have);
    args.set("needed", finding.needed);
    args.set("missing", finding.missing());
    t.with_args(&format!("consortium-rule-{}", finding.requirement.id()), &args)
}

async fn workspace_page(
    state: &AppState,
    ctx: PageContext,
    auth: &Auth,
    view: &ConsortiumView,
    error: Option<String>,
) -> Result<WorkspacePage, AppError> {
    let t = &ctx.t;
    let consortium = &view.consortium;
    let call = &view.call.content;
    let partners = consortium
        .partners
        .iter()
        .map(|p| {
            let own = view.own.contains(&p.key);
            PartnerRow {
                key: p.key.clone(),
                name: p.name().to_owned(),
                url: p.organisation.as_ref().map(|o| format!("/organisations/{}", o.slug)).unwrap_or_default(),
                country: view.countries.get(&p.key).cloned().unwrap_or_default(),
                role: t.t(&format!("partner-role-{}", p.role.id())),
                role_choices: role_choices(t, p.role),
                state: if p.organisation.is_none() {
                    t.t("partner-state-listed")
                } else {
                    t.t(&format!("partner-state-{}", p.state.id()))
                },
                statement: p.statement.clone(),
                queued: view.queued.contains(&p.key),
                editable: view.can_manage || own,
                removable: view.can_manage && p.key != consortium.manager.id,
                answerable: view.answerable.contains(&p.key),
                leaves: own && !view.can_manage && p.state == PartnerState::Accepted,
            }
        })
        .collect();
    let (findings, eligible, rules_text, countries, not_counted) = match &view.eligibility {
        Some(e) => (
            e.check.findings.iter().map(|f| FindingRow { met: f.met(), text: finding_text(t, f) }).collect(),
            e.check.eligible(),
            match e.source {
                RulesSource::Set => t.t1("consortium-rules-set", "type", e.action_type.clone()),
                RulesSource::BuiltIn => t.t1("consortium-rules-built-in", "type", e.action_type.clone()),
            },
            e.check.countries.join(", "),
            e.check
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
        ),
        None => (
            Vec::new(),
            false,
            t.t1("consortium-no-rules", "type", call.action_type.clone().unwrap_or_else(|| "—".into())),
            String::new(),
            Vec::new(),
        ),
    };
    let (co_partners, directory) = if view.full && view.can_manage {
        let (co, fits) = suggestions(state, t, view).await?;
        (
            co.iter()
                .map(|s| SuggestionRow {
                    name: s.name.clone(),
                    url: s.slug.as_ref().map(|slug| format!("/organisations/{slug}")).unwrap_or_default(),
                    country: s.country.clone().unwrap_or_default(),
                    reason: suggestion_reason(t, s),
                    slug: s.slug.clone().unwrap_or_default(),
                })
                .collect(),
            fits.into_iter()
                .map(|f| SuggestionRow {
                    url: format!("/organisations/{}", f.slug),
                    name: f.name,
                    country: String::new(),
                    reason: f.why,
                    slug: f.slug,
                })
                .collect(),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let today = state.today();
    Ok(WorkspacePage {
        csrf: auth.csrf.clone(),
        id: consortium.id.clone(),
        acronym: consortium.acronym.clone(),
        call_title: call.title.clone(),
        call_url: crate::api::entity_path(
            lshub_search::EntityType::CALL,
            &lshub_domain::topic_id_path_segment(&call.topic_id),
        ),
        call_topic: call.topic_id.clone(),
        call_status: t.t(&format!("status-{}", call.status_on(today).id())),
        manager: consortium.manager.name.clone(),
        full: view.full,
        can_manage: view.can_manage,
        partners,
        eligible,
        rules_text,
        findings,
        countries,
        not_counted,
        role_choices: role_choices(t, PartnerRole::Beneficiary),
        co_partners,
        directory,
        error,
        ctx,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let view = service::find(&state.db, &auth.caller(), &id).await?;
    render(&workspace_page(&state, ctx, &auth, &view, None).await?)
}

/// After a change: back to the workspace, or the workspace again with what was refused.
async fn after(
    state: &AppState,
    ctx: PageContext,
    auth: &Auth,
    id: &str,
    outcome: Result<(), ServiceError>,
) -> Result<Response, AppError> {
    match outcome {
        Ok(()) => Ok(see_other(&consortium_url(id))),
        Err(ServiceError::Invalid(errors)) => {
            let text = errors.iter().map(|e| ctx.t.invalid(e)).collect::<Vec<_>>().join("; ");
            let view = service::find(&state.db, &auth.caller(), id).await?;
            let page = workspace_page(state, ctx, auth, &view, Some(text)).await?;
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------
// POST /consortia/{id}/partners, …/{key}, …/{key}/answer, …/{key}/remove

pub async fn invite(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(id): Path<String>,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let fields = FormFields(fields);
    let invitee = match fields.given("organisation") {
        Some(named) => Invitee::Organisation(crate::pages::organisation_slug(&state, &named).await?),
        None => Invitee::External { name: fields.trimmed("name"), country: fields.trimmed("country") },
    };
    let outcome = match role_of(&fields, PartnerRole::Beneficiary) {
        Err(invalid) => Err(ServiceError::from(invalid)),
        Ok(role) => service::invite(
            &state.db,
            &auth.caller(),
            &id,
            invitee,
            role,
            &fields.trimmed("statement"),
            &compose(&state),
        )
        .await
        .map(|_| crate::access::mail_queued(&state)),
    };
    after(&state, ctx, &auth, &id, outcome).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path((id, key)): Path<(String, String)>,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let fields = FormFields(fields);
    let outcome = match fields.given("role").map(|r| PartnerRole::parse(&r)).transpose() {
        Err(invalid) => Err(ServiceError::from(invalid)),
        Ok(role) => service::update(&state.db, &auth.caller(), &id, &key, role, &fields.trimmed("statement")).await,
    };
    after(&state, ctx, &auth, &id, outcome).await
}

pub async fn answer(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path((id, key)): Path<(String, String)>,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    // Read first: to those who may not see the workspace, it does not exist, whatever was posted.
    service::find(&state.db, &auth.caller(), &id).await?;
    let outcome = match accepted(&FormFields(fields)) {
        Err(invalid) => Err(ServiceError::from(invalid)),
        Ok(accept) => service::answer(&state.db, &auth.caller(), &id, &key, accept, &compose(&state))
            .await
            .map(|()| crate::access::mail_queued(&state)),
    };
    match outcome {
        // A declined invitation leaves nothing of the workspace to see.
        Ok(()) if service::find(&state.db, &auth.caller(), &id).await.is_err() => Ok(see_other("/consortia")),
        outcome => after(&state, ctx, &auth, &id, outcome).await,
    }
}

pub async fn remove(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, key)): Path<(String, String)>,
) -> Result<Response, AppError> {
    service::remove(&state.db, &auth.caller(), &id, &key).await?;
    // Who withdrew their own organisation may see nothing of the workspace now.
    match service::find(&state.db, &auth.caller(), &id).await {
        Ok(_) => Ok(see_other(&consortium_url(&id))),
        Err(_) => Ok(see_other("/consortia")),
    }
}

/// GET /consortia/{id}/partners.csv
pub async fn export(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Response, AppError> {
    let view = service::find(&state.db, &auth.caller(), &id).await?;
    if !view.full {
        return Err(AppError::not_found("consortium"));
    }
    let body = partners_csv(&state, &view)?;
    let name = lshub_domain::text::slugify(&view.consortium.acronym);
    Ok(download("text/csv; charset=utf-8", body, &format!("{name}-partners.csv")))
}

// ---------------------------------------------------------------------------------------
// GET /consortia/rules, POST /consortia/rules

struct RulesRow {
    action_type: String,
    rules: EligibilityRules,
    source: String,
}

#[derive(Template)]
#[template(path = "consortia/rules.html")]
struct RulesPage {
    ctx: PageContext,
    csrf: String,
    rows: Vec<RulesRow>,
    fields: Vec<FormField>,
    eu_only: bool,
    coordinator: bool,
    /// A refusal no field stands for.
    error: Option<String>,
}

async fn rules_page(
    state: &AppState,
    ctx: PageContext,
    auth: &Auth,
    fields: &FormFields,
    errors: &[ValidationError],
) -> Result<RulesPage, AppError> {
    auth.require(Action::SetEligibilityRules, Resource::Hub)?;
    let t = ctx.t.clone();
    let rows: Vec<RulesRow> = service::rules(&state.db)
        .await?
        .into_iter()
        .map(|(action_type, rules, source)| RulesRow {
            action_type,
            rules,
            source: t.t(match source {
                RulesSource::Set => "consortium-rules-source-set",
                RulesSource::BuiltIn => "consortium-rules-source-built-in",
            }),
        })
        .collect();
    let defaults = eligibility::HORIZON_COLLABORATIVE;
    let value = |name: &str, default: u32| fields.given(name).unwrap_or_else(|| default.to_string());
    let number = |name: &'static str, label: &str, default: u32| {
        FormField::new(name, t.t(label), "number").value(value(name, default)).required()
    };
    let mut form_fields = vec![
        FormField::new("actionType", t.t("consortium-rules-type"), "text")
            .value(fields.trimmed("actionType"))
            .required()
            .hint(t.t("consortium-rules-type-hint")),
        number("minEntities", "consortium-rules-entities", defaults.min_entities),
        number("minCountries", "consortium-rules-countries", defaults.min_countries),
        number("minMemberStateEntities", "consortium-rules-member-states", defaults.min_member_state_entities),
    ];
    let mut error = None;
    for e in errors {
        match form_fields.iter_mut().find(|f| f.name == e.field) {
            Some(field) => field.error = Some(t.reason(&e.reason)),
            None => error = Some(t.invalid(e)),
        }
    }
    let fresh = fields.0.is_empty();
    Ok(RulesPage {
        csrf: auth.csrf.clone(),
        rows,
        fields: form_fields,
        eu_only: fresh || fields.given("euOrAssociatedOnly").is_some(),
        coordinator: fresh || fields.given("coordinatorRequired").is_some(),
        error,
        ctx,
    })
}

pub async fn rules(State(state): State<AppState>, ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    render(&rules_page(&state, ctx, &auth, &FormFields(Vec::new()), &[]).await?)
}

/// A whole number of a rules form, refused by its field otherwise.
fn count_of(fields: &FormFields, name: &'static str) -> Result<u32, ValidationError> {
    let max = i64::from(eligibility::MAX_ENTITIES);
    fields
        .text(name)
        .parse::<u32>()
        .map_err(|_| ValidationError::new(name, Reason::NotWholeNumberInRange { min: 0, max }))
}

pub async fn set_rules(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    auth.require(Action::SetEligibilityRules, Resource::Hub)?;
    let fields = FormFields(fields);
    let action_type = fields.trimmed("actionType");
    let outcome = if fields.given("remove").is_some() {
        service::set_rules(&state.db, &auth.caller(), &action_type, None).await
    } else {
        let counts = ["minEntities", "minCountries", "minMemberStateEntities"].map(|n| count_of(&fields, n));
        let errors: Vec<ValidationError> = counts.iter().filter_map(|c| c.clone().err()).collect();
        match counts {
            [Ok(min_entities), Ok(min_countries), Ok(min_member_state_entities)] => {
                let rules = EligibilityRules {
                    min_entities,
                    min_countries,
                    min_member_state_entities,
                    eu_or_associated_only: fields.given("euOrAssociatedOnly").is_some(),
                    coordinator_required: fields.given("coordinatorRequired").is_some(),
                };
                service::set_rules(&state.db, &auth.caller(), &action_type, Some(rules)).await
            }
            _ => Err(ServiceError::Invalid(errors)),
        }
    };
    match outcome {
        Ok(()) => Ok(see_other("/consortia/rules")),
        Err(ServiceError::Invalid(errors)) => {
            let page = rules_page(&state, ctx, &auth, &fields, &errors).await?;
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------
// GET /admin/invitations, POST /admin/invitations

struct QueueRow {
    consortium_id: String,
    acronym: String,
    call: String,
    manager: String,
    organisation_id: String,
    organisation: String,
    organisation_url: String,
    invited: String,
}

#[derive(Template)]
#[template(path = "consortia/queue.html")]
struct QueuePage {
    ctx: PageContext,
    csrf: String,
    rows: Vec<QueueRow>,
}

pub async fn queue(State(state): State<AppState>, ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    let queued = service::queue(&state.db, &auth.caller()).await?;
    let rows = queued
        .into_iter()
        .map(|q| QueueRow {
            consortium_id: q.consortium_id,
            acronym: q.acronym,
            call: q.call_topic_id,
            manager: q.manager,
            organisation_id: q.organisation.id,
            organisation_url: format!("/organisations/{}", q.organisation.slug),
            organisation: q.organisation.name,
            invited: ctx.moment(&q.invited_at.to_rfc3339()),
        })
        .collect();
    render(&QueuePage { csrf: auth.csrf.clone(), rows, ctx })
}

pub async fn answer_for(
    State(state): State<AppState>,
    auth: Auth,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    auth.require(Action::Administer, Resource::Hub)?;
    let fields = FormFields(fields);
    let accept = accepted(&fields)?;
    service::answer_for(
        &state.db,
        &auth.caller(),
        &fields.trimmed("consortium"),
        &fields.trimmed("organisation"),
        accept,
        &compose(&state),
    )
    .await?;
    crate::access::mail_queued(&state);
    Ok(see_other("/admin/invitations"))
}
