//! The joint-acquisition pages, all working without JavaScript: the pipeline a partner's
//! staff see (`/leads`), a new lead's form, a lead with its timeline and every change as a
//! small form, its soft-landing package as a page and a PDF (for the partners, and for the
//! company through a secret link), and the public counts (`/impact`).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use lshub_domain::acquisition::{LeadDetails, LeadEvent, SECTORS};
use lshub_domain::{Identifiers, ValidationError};
use lshub_service::acquisition::{self as service, LeadView, NewCompany, NewLead};
use lshub_service::ServiceError;
use lshub_storage::leads::StoredLead;

use super::api::{to_change, ChangeBody};
use super::package::{assemble, Package};
use super::{name_match, package_url};
use crate::auth::Auth;
use crate::error::AppError;
use crate::i18n::Translator;
use crate::pages::forms::{Choice, FormField, FormFields, FormPage, Posted};
use crate::pages::{render, see_other, PageContext};
use crate::public_cache::private;
use crate::routes::RouteTable;
use crate::state::AppState;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .route("/leads", get(list).post(create))
        .route("/leads/new", get(new_form))
        .route("/leads/{id}", get(show))
        .route("/leads/{id}/changes", post(change))
        .route("/leads/{id}/package", get(package_page))
        .route("/leads/{id}/package.pdf", get(package_pdf))
        .route("/soft-landing", get(shared_page))
        .route("/soft-landing/package.pdf", get(shared_pdf))
        .route("/impact", get(impact))
}

fn lead_url(id: &str) -> String {
    format!("/leads/{id}")
}

fn sector_choices(t: &Translator, selected: &str) -> Vec<Choice> {
    SECTORS
        .iter()
        .map(|s| Choice { value: (*s).to_owned(), label: t.t(&format!("lead-sector-{s}")), selected: *s == selected })
        .collect()
}

/// Whole numbers; anything else is refused by the field.
fn jobs_of(fields: &FormFields) -> Result<Option<u32>, ValidationError> {
    fields
        .given("jobs")
        .map(|text| {
            text.parse::<u32>().map_err(|_| {
                ValidationError::new(
                    "jobs",
                    lshub_domain::Reason::NotWholeNumberInRange {
                        min: 0,
                        max: i64::from(lshub_domain::acquisition::MAX_JOBS),
                    },
                )
            })
        })
        .transpose()
}

// ---------------------------------------------------------------------------------------
// GET /leads

struct LeadRow {
    url: String,
    company: String,
    stage: String,
    sector: String,
    partners: String,
    updated: String,
}

#[derive(Template)]
#[template(path = "acquisition/leads.html")]
struct LeadsPage {
    ctx: PageContext,
    rows: Vec<LeadRow>,
}

pub async fn list(State(state): State<AppState>, ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    let leads = service::list(&state.db, &auth.caller()).await?;
    let t = &ctx.t;
    let rows = leads
        .iter()
        .map(|lead| LeadRow {
            url: lead_url(&lead.id),
            company: lead.company.name.clone(),
            stage: t.t(&format!("lead-stage-{}", lead.stage.id())),
            sector: t.t(&format!("lead-sector-{}", lead.details.sector)),
            partners: lead.shared_with.iter().map(|o| o.name.as_str()).collect::<Vec<_>>().join(", "),
            updated: ctx.moment(&lead.last_updated.to_rfc3339()),
        })
        .collect();
    render(&LeadsPage { ctx, rows })
}

// ---------------------------------------------------------------------------------------
// GET /leads/new, POST /leads

async fn lead_form(state: &AppState, ctx: PageContext, auth: &Auth, fields: &FormFields) -> Result<FormPage, AppError> {
    let owners = service::own_partners(&state.db, &auth.caller()).await?;
    let t = ctx.t.clone();
    let value = |name: &str| fields.given(name).unwrap_or_default();
    let mut page = FormPage::new(ctx, t.t("lead-new-title"), "/leads", &auth.csrf);
    page.intro.push(t.t("lead-new-intro"));
    let owner = value("owner");
    page.fields = vec![
        FormField::new("owner", t.t("lead-owner"), "select").choices(
            owners
                .iter()
                .map(|o| Choice { value: o.slug.clone(), label: o.name.clone(), selected: o.slug == owner })
                .collect(),
        ),
        FormField::new("company", t.t("lead-company"), "text")
            .value(value("company"))
            .required()
            .hint(t.t("lead-company-hint")),
        FormField::new("kvk", t.t("lead-kvk"), "text").value(value("kvk")),
        FormField::new("lei", t.t("lead-lei"), "text").value(value("lei")),
        FormField::new("website", t.t("lead-website"), "url").value(value("website")),
        FormField::new("sector", t.t("lead-sector"), "select").choices(sector_choices(&t, &value("sector"))),
        FormField::new("jobs", t.t("lead-jobs"), "number").value(value("jobs")).hint(t.t("lead-jobs-hint")),
        FormField::new("summary", t.t("lead-summary"), "textarea")
            .value(value("summary"))
            .hint(t.t("lead-summary-hint")),
    ];
    page.submit = t.t("lead-new-submit");
    Ok(page)
}

pub async fn new_form(State(state): State<AppState>, ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    lead_form(&state, ctx, &auth, &FormFields(Vec::new())).await?.respond(StatusCode::OK)
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let fields = FormFields(fields);
    let name = fields.given("company").unwrap_or_default();
    let created = match jobs_of(&fields) {
        Err(invalid) => Err(ServiceError::Invalid(vec![invalid])),
        Ok(jobs) => {
            let new = NewLead {
                company: NewCompany::New {
                    name_match: name_match(&state, &name),
                    identifiers: Identifiers {
                        kvk: fields.given("kvk"),
                        lei: fields.given("lei"),
                        website: fields.given("website"),
                        ..Identifiers::default()
                    },
                    name,
                },
                owner: fields.given("owner").unwrap_or_default(),
                details: LeadDetails {
                    sector: fields.given("sector").unwrap_or_default(),
                    jobs,
                    summary: fields.given("summary").unwrap_or_default(),
                },
            };
            service::create(&state.db, &auth.caller(), new).await
        }
    };
    match created {
        Ok(id) => Ok(see_other(&lead_url(&id))),
        Err(ServiceError::Invalid(errors)) => {
            lead_form(&state, ctx, &auth, &fields).await?.invalid_all(&errors).respond(StatusCode::BAD_REQUEST)
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------
// GET /leads/{id}, POST /leads/{id}/changes

struct TimelineRow {
    at: String,
    by: String,
    text: String,
}

struct LinkRow {
    id: String,
    created: String,
    expires: String,
    open: bool,
}

#[derive(Template)]
#[template(path = "acquisition/lead.html")]
struct LeadPage {
    ctx: PageContext,
    csrf: String,
    id: String,
    company: String,
    company_url: String,
    stage: String,
    sector: String,
    jobs: String,
    summary: String,
    landed: String,
    contact: String,
    shared: Vec<(String, String)>,
    can_work: bool,
    next_stages: Vec<Choice>,
    sectors: Vec<Choice>,
    jobs_value: String,
    share_choices: Vec<Choice>,
    contact_choices: Vec<Choice>,
    links: Vec<LinkRow>,
    timeline: Vec<TimelineRow>,
    /// A link made just now, shown this once.
    new_link: Option<String>,
    error: Option<String>,
}

fn event_text(t: &Translator, view: &LeadView, event: &LeadEvent) -> String {
    let organisation =
        |id: &str| view.partners.iter().find(|p| p.id == id).map_or_else(|| id.to_owned(), |p| p.name.clone());
    let stage = |s: lshub_domain::acquisition::Stage| t.t(&format!("lead-stage-{}", s.id()));
    let detail = match event {
        LeadEvent::Created { stage: s, .. } => stage(*s),
        LeadEvent::StageChanged { from, to } => format!("{} → {}", stage(*from), stage(*to)),
        LeadEvent::Noted { text } => text.clone(),
        LeadEvent::DetailsChanged { details } => t.t(&format!("lead-sector-{}", details.sector)),
        LeadEvent::Shared { organisation_id } | LeadEvent::Unshared { organisation_id } => {
            organisation(organisation_id)
        }
        LeadEvent::ContactChanged { user_id } => user_id
            .as_ref()
            .and_then(|id| view.staff.iter().find(|p| p.id == *id))
            .map_or_else(|| t.t("lead-nobody"), |p| p.name.clone()),
        LeadEvent::LinkMade { expires_on, .. } => t.t1("lead-link-until", "date", expires_on.to_string()),
        LeadEvent::LinkRevoked { .. } => String::new(),
    };
    let name = t.t(&format!("lead-event-{}", event.id()));
    if detail.is_empty() {
        name
    } else {
        format!("{name}: {detail}")
    }
}

fn lead_page(
    ctx: PageContext,
    today: chrono::NaiveDate,
    auth: &Auth,
    view: &LeadView,
    new_link: Option<String>,
    error: Option<String>,
) -> LeadPage {
    let t = &ctx.t;
    let lead: &StoredLead = &view.lead;
    let shared_ids = lead.shared_ids();
    let contact_id = lead.contact.as_ref().map(|c| c.id.clone()).unwrap_or_default();
    let mut contact_choices =
        vec![Choice { value: String::new(), label: t.t("lead-nobody"), selected: contact_id.is_empty() }];
    contact_choices.extend(view.staff.iter().map(|p| Choice {
        value: p.id.clone(),
        label: p.name.clone(),
        selected: p.id == contact_id,
    }));
    LeadPage {
        csrf: auth.csrf.clone(),
        id: lead.id.clone(),
        company: lead.company.name.clone(),
        company_url: format!("/organisations/{}", lead.company.slug),
        stage: t.t(&format!("lead-stage-{}", lead.stage.id())),
        sector: t.t(&format!("lead-sector-{}", lead.details.sector)),
        jobs: lead.details.jobs.map(|j| j.to_string()).unwrap_or_default(),
        summary: lead.details.summary.clone(),
        landed: lead.landed_year.map(|y| y.to_string()).unwrap_or_default(),
        contact: lead
            .contact
            .as_ref()
            .map(|c| format!("{} <{}>", c.name, c.email))
            .unwrap_or_else(|| t.t("lead-nobody")),
        shared: lead.shared_with.iter().map(|o| (o.slug.clone(), o.name.clone())).collect(),
        can_work: view.can_work,
        next_stages: lead
            .stage
            .next()
            .iter()
            .map(|s| Choice {
                value: s.id().to_owned(),
                label: t.t(&format!("lead-stage-{}", s.id())),
                selected: false,
            })
            .collect(),
        sectors: sector_choices(t, &lead.details.sector),
        jobs_value: lead.details.jobs.map(|j| j.to_string()).unwrap_or_default(),
        share_choices: view
            .partners
            .iter()
            .filter(|p| !shared_ids.contains(&p.id))
            .map(|p| Choice { value: p.slug.clone(), label: p.name.clone(), selected: false })
            .collect(),
        contact_choices,
        links: view
            .links
            .iter()
            .map(|l| LinkRow {
                id: l.id.clone(),
                created: ctx.moment(&l.created_at.to_rfc3339()),
                expires: l.expires_on.to_string(),
                open: lshub_domain::acquisition::link_open(l.expires_on, l.revoked_at.is_some(), today),
            })
            .collect(),
        timeline: view
            .timeline
            .iter()
            .rev()
            .map(|(entry, by)| TimelineRow {
                at: ctx.moment(&entry.at.to_rfc3339()),
                by: by.clone().unwrap_or_else(|| lshub_storage::DELETED_USER_LABEL.to_owned()),
                text: event_text(t, view, &entry.event),
            })
            .collect(),
        new_link,
        error,
        ctx,
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let view = service::find(&state.db, &auth.caller(), &id).await?;
    render(&lead_page(ctx, state.today(), &auth, &view, None, None))
}

pub async fn change(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(id): Path<String>,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let caller = auth.caller();
    // Read first: to those who may not see the lead, it does not exist, whatever was posted.
    service::find(&state.db, &caller, &id).await?;
    let fields = FormFields(fields);
    let body = ChangeBody {
        change: fields.given("change").unwrap_or_default(),
        stage: fields.given("stage"),
        text: fields.given("text"),
        sector: fields.given("sector"),
        summary: fields.given("summary"),
        organisation: fields.given("organisation"),
        contact: fields.given("contact"),
        link: fields.given("link"),
        ..ChangeBody::default()
    };
    let outcome = match (jobs_of(&fields), fields.given("days").map(|d| d.parse::<u32>())) {
        (Err(invalid), _) => Err(AppError::from(invalid)),
        (_, Some(Err(_))) => Err(AppError::from(ValidationError::new(
            "days",
            lshub_domain::Reason::NotWholeNumberInRange {
                min: 1,
                max: i64::from(lshub_domain::acquisition::MAX_LINK_DAYS),
            },
        ))),
        (Ok(jobs), days) => match to_change(&state, ChangeBody { jobs, days: days.and_then(Result::ok), ..body }).await
        {
            Ok(change) => service::change(&state.db, &caller, &id, change, state.today()).await.map_err(AppError::from),
            Err(e) => Err(e),
        },
    };
    match outcome {
        Ok(None) => Ok(see_other(&lead_url(&id))),
        Ok(Some(secret)) => {
            let view = service::find(&state.db, &caller, &id).await?;
            let link = format!("{}{}", state.site.public_url, package_url(&secret));
            render(&lead_page(ctx, state.today(), &auth, &view, Some(link), None))
        }
        Err(error) if error.status() == StatusCode::BAD_REQUEST || error.status() == StatusCode::CONFLICT => {
            let view = service::find(&state.db, &caller, &id).await?;
            let text = match &error {
                AppError::BadRequest(invalid) => ctx.t.invalid(invalid),
                other => other.to_string(),
            };
            let status = error.status();
            Ok((status, render(&lead_page(ctx, state.today(), &auth, &view, None, Some(text)))?).into_response())
        }
        Err(error) => Err(error),
    }
}

// ---------------------------------------------------------------------------------------
// The soft-landing package: for the partners, and for the company through a secret link.

#[derive(Template)]
#[template(path = "acquisition/package.html")]
struct PackagePage {
    ctx: PageContext,
    package: Package,
    pdf_url: String,
    /// The lead's page, for the partners; none for the company.
    back_url: Option<String>,
}

pub async fn package_page(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let view = service::find(&state.db, &auth.caller(), &id).await?;
    let package = assemble(&state, &ctx.t, &view.lead).await?;
    let page = PackagePage { ctx, package, pdf_url: format!("/leads/{id}/package.pdf"), back_url: Some(lead_url(&id)) };
    Ok(private(render(&page)?))
}

pub async fn package_pdf(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let view = service::find(&state.db, &auth.caller(), &id).await?;
    let package = assemble(&state, &ctx.t, &view.lead).await?;
    Ok(crate::pdf::response(super::pdf::render(&package, &ctx.t)?, "soft-landing-package.pdf"))
}

/// A secret link's query.
#[derive(serde::Deserialize)]
pub struct Key {
    #[serde(default)]
    key: String,
}

pub async fn shared_page(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(Key { key }): Query<Key>,
) -> Result<Response, AppError> {
    let (lead, _) = service::shared_package(&state.db, &key, state.today()).await?;
    let package = assemble(&state, &ctx.t, &lead).await?;
    let pdf_url = package_url(&key).replacen("/soft-landing", "/soft-landing/package.pdf", 1);
    let page = PackagePage { ctx, package, pdf_url, back_url: None };
    Ok(private(render(&page)?))
}

pub async fn shared_pdf(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(Key { key }): Query<Key>,
) -> Result<Response, AppError> {
    let (lead, _) = service::shared_package(&state.db, &key, state.today()).await?;
    let package = assemble(&state, &ctx.t, &lead).await?;
    Ok(crate::pdf::response(super::pdf::render(&package, &ctx.t)?, "soft-landing-package.pdf"))
}

// ---------------------------------------------------------------------------------------
// GET /impact

struct ImpactRow {
    year: i32,
    sector: String,
    companies: u64,
    jobs: u64,
}

#[derive(Template)]
#[template(path = "acquisition/impact.html")]
struct ImpactPage {
    ctx: PageContext,
    rows: Vec<ImpactRow>,
    companies: u64,
    jobs: u64,
    /// Introductions accepted, and what came of them: `(label, count)`.
    introductions: i64,
    outcomes: Vec<(String, i64)>,
}

pub async fn impact(State(state): State<AppState>, ctx: PageContext) -> Result<Response, AppError> {
    let counts = service::impact(&state.db).await?;
    let rows = counts
        .rows
        .into_iter()
        .map(|r| ImpactRow {
            year: r.year,
            sector: ctx.t.t(&format!("lead-sector-{}", r.sector)),
            companies: r.companies,
            jobs: r.jobs,
        })
        .collect();
    let totals = lshub_service::introductions::totals(&state.db).await?;
    let outcomes =
        totals.outcomes.iter().map(|(o, n)| (ctx.t.t(&format!("introduction-outcome-{}", o.id())), *n)).collect();
    render(&ImpactPage {
        ctx,
        rows,
        companies: counts.companies,
        jobs: counts.jobs,
        introductions: totals.accepted,
        outcomes,
    })
}
