//! The admin pages: users and roles, one user's account (its state, memberships, tokens and
//! sessions), claims, partner organisations, the audit log. Every change is audited.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lshub_domain::account::{ClaimStatus, Role, User};
use lshub_domain::authorization::{Action, Resource};
use lshub_domain::{Reason, ValidationError};
use lshub_storage::accounts::ApiToken;
use lshub_storage::audit::AuditRecord;
use lshub_storage::memberships::{Claim, Membership};
use lshub_storage::StorageError;
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
    /// `overview`, `users`, `user`, `claims`, `partners` or `audit`.
    section: &'static str,
    users: Vec<User>,
    /// The account the `user` section is about, with its memberships and tokens.
    account: Option<User>,
    memberships: Vec<Membership>,
    tokens: Vec<ApiToken>,
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
            account: None,
            memberships: vec![],
            tokens: vec![],
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
    let target = target_account(&state, &id).await?;
    let detail = format!("{} -> {}", target.role, role);
    state
        .db
        .set_role(&id, role, auth.event("role.changed", &target.email, detail))
        .await
        .map_err(last_admin("role"))?;
    Ok(back_to("/admin/users"))
}

/// The account an admin page or action is about.
async fn target_account(state: &AppState, id: &str) -> Result<User, AppError> {
    state.db.user_by_id(id).await?.ok_or(AppError::not_found("user"))
}

fn back_to_account(id: &str) -> Response {
    back_to(&format!("/admin/users/{id}"))
}

/// The last admin may not be demoted, disabled or deleted: a 400 on `field`.
fn last_admin(field: &'static str) -> impl FnOnce(StorageError) -> AppError {
    move |error| match error {
        StorageError::LastAdmin => ValidationError::new(field, Reason::LastAdmin).into(),
        other => other.into(),
    }
}

pub async fn user(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    auth.require(Action::Administer, Resource::Hub)?;
    let mut page = AdminPage::new(ctx, &auth, "user");
    let account = target_account(&state, &id).await?;
    page.memberships = state.db.memberships(&account.id).await?;
    page.tokens = state.db.api_tokens(&account.id).await?;
    page.account = Some(account);
    render(&page)
}

#[derive(Deserialize)]
pub struct StateForm {
    #[serde(default)]
    state: String,
}

/// Disables an account (it cannot sign in; its sessions end and its tokens do nothing) or
/// enables it again.
pub async fn set_state(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Posted(form): Posted<StateForm>,
) -> Result<Response, AppError> {
    auth.require(Action::Administer, Resource::Hub)?;
    let disable = match form.state.as_str() {
        "disabled" => true,
        "enabled" => false,
        other => {
            return Err(ValidationError::new(
                "state",
                Reason::NotEither { value: other.into(), first: "disabled", second: "enabled" },
            )
            .into())
        }
    };
    let target = target_account(&state, &id).await?;
    let action = if disable { "account.disabled" } else { "account.enabled" };
    state
        .db
        .set_disabled(&id, disable, auth.event(action, &target.email, String::new()))
        .await
        .map_err(last_admin("state"))?;
    Ok(back_to_account(&id))
}

/// Revokes every token of an account, ends every session of it and voids its reset links.
pub async fn revoke_credentials(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    auth.require(Action::Administer, Resource::Hub)?;
    let target = target_account(&state, &id).await?;
    state.db.revoke_all_credentials(&id, auth.event("credentials.revoked", &target.email, String::new())).await?;
    Ok(back_to_account(&id))
}

#[derive(Deserialize)]
pub struct MembershipForm {
    #[serde(default)]
    organisation: String,
}

/// Takes back a member's right to maintain an organisation's profile.
pub async fn remove_membership(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Posted(form): Posted<MembershipForm>,
) -> Result<Response, AppError> {
    auth.require(Action::Administer, Resource::Hub)?;
    let target = target_account(&state, &id).await?;
    let organisation = state.db.organisation_by_slug(&form.organisation).await?.ok_or_else(|| {
        ValidationError::new("organisation", Reason::NoSuchOrganisation { slug: form.organisation.clone() })
    })?;
    let event = auth.event("membership.removed", &target.email, organisation.slug.clone());
    if !state.db.remove_membership(&id, &organisation.id, event).await? {
        return Err(AppError::not_found("membership"));
    }
    Ok(back_to_account(&id))
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
