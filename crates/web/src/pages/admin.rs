//! The admin pages: users and roles, claims, partner organisations, the audit log.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lshub_domain::account::{ClaimStatus, Role, User};
use lshub_domain::authorization::{Action, Resource};
use lshub_domain::{Reason, ValidationError};
use lshub_storage::audit::AuditRecord;
use lshub_storage::memberships::Claim;
use serde::Deserialize;

use super::forms::Posted;
use super::{render, PageContext};
use crate::auth::Auth;
use crate::error::AppError;
use crate::state::AppState;

const AUDIT_PAGE: i64 = 200;

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    ctx: PageContext,
    csrf: String,
    /// `overview`, `users`, `claims`, `partners` or `audit`.
    section: &'static str,
    users: Vec<User>,
    roles: Vec<Role>,
    claims: Vec<Claim>,
    partners: Vec<(String, String, String)>,
    audit: Vec<AuditRecord>,
    audit_action: String,
    user_count: String,
    pending_claims: String,
}

impl AdminPage {
    fn new(ctx: PageContext, auth: &Auth, section: &'static str) -> Self {
        Self {
            ctx,
            csrf: auth.csrf.clone(),
            section,
            users: vec![],
            roles: Role::ALL.to_vec(),
            claims: vec![],
            partners: vec![],
            audit: vec![],
            audit_action: String::new(),
            user_count: String::new(),
            pending_claims: String::new(),
        }
    }
}

fn back_to(path: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, path.to_owned())]).into_response()
}

pub async fn overview(State(state): State<AppState>, ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    auth.require(Action::Administer, Resource::Hub)?;
    let mut page = AdminPage::new(ctx, &auth, "overview");
    let pending = state.db.claims(Some(ClaimStatus::Pending)).await?.len();
    let users = state.db.list_users().await?.len();
    page.pending_claims = page.ctx.t.count("admin-pending-claims", i64::try_from(pending).unwrap_or(i64::MAX));
    page.user_count = page.ctx.t.count("admin-user-count", i64::try_from(users).unwrap_or(i64::MAX));
    render(&page)
}

pub async fn users(State(state): State<AppState>, ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    auth.require(Action::Administer, Resource::Hub)?;
    let mut page = AdminPage::new(ctx, &auth, "users");
    page.users = state.db.list_users().await?;
    render(&page)
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

pub async fn set_role(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Posted(form): Posted<RoleForm>,
) -> Result<Response, AppError> {
    auth.require(Action::Administer, Resource::Hub)?;
    let role = Role::from_id(&form.role).ok_or_else(|| {
        ValidationError::new(
            "role",
            Reason::NotOneOf { value: form.role.clone(), allowed: "member, partner, admin".into() },
        )
    })?;
    let target = state.db.user_by_id(&id).await?.ok_or(AppError::not_found("user"))?;
    let detail = format!("{} -> {}", target.role, role);
    match state.db.set_role(&id, role, auth.event("role.changed", &target.email, detail)).await {
        Ok(_) => {}
        Err(lshub_storage::StorageError::LastAdmin) => {
            return Err(ValidationError::new("role", Reason::LastAdmin).into())
        }
        Err(e) => return Err(e.into()),
    }
    Ok(back_to("/admin/users"))
}

pub async fn claims(State(state): State<AppState>, ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    auth.require(Action::Administer, Resource::Hub)?;
    let mut page = AdminPage::new(ctx, &auth, "claims");
    page.claims = state.db.claims(None).await?;
    render(&page)
}

#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    decision: String,
}

pub async fn decide_claim(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Posted(form): Posted<DecisionForm>,
) -> Result<Response, AppError> {
    auth.require(Action::Administer, Resource::Hub)?;
    let approve = match form.decision.as_str() {
        "approve" => true,
        "reject" => false,
        other => {
            return Err(ValidationError::new(
                "decision",
                Reason::NotEither { value: other.into(), first: "approve", second: "reject" },
            )
            .into())
        }
    };
    let admin = auth.user()?;
    let action = if approve { "claim.approved" } else { "claim.rejected" };
    state
        .db
        .decide_claim(&id, approve, &admin.id, auth.event(action, &id, String::new()))
        .await?
        .ok_or(AppError::not_found("pending claim"))?;
    Ok(back_to("/admin/claims"))
}

pub async fn partners(State(state): State<AppState>, ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    auth.require(Action::Administer, Resource::Hub)?;
    let mut page = AdminPage::new(ctx, &auth, "partners");
    page.partners = state.db.partners().await?;
    render(&page)
}

#[derive(Deserialize)]
pub struct PartnerForm {
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    partner: String,
}

pub async fn set_partner(
    State(state): State<AppState>,
    auth: Auth,
    Posted(form): Posted<PartnerForm>,
) -> Result<Response, AppError> {
    auth.require(Action::Administer, Resource::Hub)?;
    let slug = form.organisation.trim().trim_start_matches("/organisations/");
    let organisation =
        state.db.organisation_by_slug(slug).await?.ok_or_else(|| {
            ValidationError::new("organisation", Reason::NoSuchOrganisation { slug: slug.to_string() })
        })?;
    let partner = match form.partner.as_str() {
        "yes" => true,
        "no" => false,
        other => {
            return Err(ValidationError::new(
                "partner",
                Reason::NotEither { value: other.into(), first: "yes", second: "no" },
            )
            .into())
        }
    };
    let action = if partner { "partner.added" } else { "partner.removed" };
    state.db.set_partner(&organisation.id, partner, auth.event(action, &organisation.slug, String::new())).await?;
    Ok(back_to("/admin/partners"))
}

#[derive(Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    action: String,
}

pub async fn audit(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Query(query): Query<AuditQuery>,
) -> Result<Response, AppError> {
    auth.require(Action::Administer, Resource::Hub)?;
    let mut page = AdminPage::new(ctx, &auth, "audit");
    let action = query.action.trim();
    page.audit = state.db.audit_log((!action.is_empty()).then_some(action), AUDIT_PAGE).await?;
    page.audit_action = action.to_owned();
    render(&page)
}
