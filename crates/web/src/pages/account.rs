//! Registration, e-mail verification, signing in and out, password reset, and the member's
//! own account page: profile, API tokens, sessions, export and deletion.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION, SET_COOKIE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use lshub_domain::account::{check_display_name, check_password_strength, Email, Role, TokenScope};
use lshub_domain::authorization::{Action, Resource};
use lshub_domain::{Reason, ValidationError};
use lshub_service::sign_in::{self, Attempt};
use lshub_storage::accounts::{Allowance, ApiToken, CodeMail, CodePurpose, Issued, Mail, NewUser};
use lshub_storage::memberships::{Claim, Membership};
use lshub_storage::StorageError;
use serde::Deserialize;

use super::forms::{Choice, FormField, FormPage, Link, Posted};
use super::language::is_local_path;
use super::{render, see_other, PageContext};
use crate::auth::reset::{mail_link, mail_reset_link};
use crate::auth::{set_cookie, Auth, SESSION_COOKIE};
use crate::error::AppError;
use crate::i18n::Translator;
use crate::state::AppState;

/// How long verification links work.
const VERIFY_FOR_HOURS: i64 = 48;

/// Verification mails one account may ask for per hour (besides the first, at registration);
/// client addresses are limited besides (`Bucket::VerificationMail`).
fn verification_mail_allowance() -> Allowance {
    Allowance { mails: 3, window: Duration::hours(1) }
}
/// Runs a slow password hash or check off the async workers.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| AppError::Internal(format!("password task failed: {e}")))
}

fn redirect_with_cookie(to: &str, cookie: String) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, to.to_owned()), (SET_COOKIE, cookie)]).into_response()
}

// Registration.

#[derive(Deserialize, Default)]
pub struct RegisterForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

fn register_page(ctx: PageContext, auth: &Auth, form: &RegisterForm) -> FormPage {
    let t = ctx.t.clone();
    let mut page = FormPage::new(ctx, t.t("register-title"), "/register", &auth.csrf);
    page.intro.push(t.t("register-intro"));
    page.fields = vec![
        FormField::new("display_name", t.t("field-display-name"), "text")
            .value(form.display_name.clone())
            .autocomplete("name")
            .required(),
        FormField::new("email", t.t("field-email"), "email").value(form.email.clone()).autocomplete("email").required(),
        FormField::new("password", t.t("field-password"), "password")
            .hint(t.t("field-password-hint"))
            .autocomplete("new-password")
            .required(),
    ];
    page.submit = t.t("register-submit");
    page.link("/login", t.t("register-have-account"))
}

pub async fn register_form(ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    auth.require(Action::UseSignInPages, Resource::Hub)?;
    register_page(ctx, &auth, &RegisterForm::default()).respond(StatusCode::OK)
}

pub async fn register(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Posted(form): Posted<RegisterForm>,
) -> Result<Response, AppError> {
    auth.require(Action::UseSignInPages, Resource::Hub)?;
    let checked = (|| {
        let name = check_display_name(&form.display_name)?;
        let email = Email::parse(&form.email)?;
        check_password_strength(&form.password, email.as_str())?;
        Ok::<_, ValidationError>((name, email))
    })();
    let (name, email) = match checked {
        Ok(checked) => checked,
        Err(e) => return register_page(ctx, &auth, &form).invalid(&e).respond(StatusCode::BAD_REQUEST),
    };
    let password = form.password.clone();
    let hash = blocking(move || lshub_storage::credentials::hash_password(&password)).await??;
    let t = ctx.t.clone();
    let compose = |code: &str| {
        let link = mail_link(&state, "/verify", code);
        (t.t("mail-verify-subject"), t.t1("mail-verify-body", "link", link))
    };
    let new = NewUser {
        email: &email,
        display_name: &name,
        password_hash: Some(&hash),
        role: Role::Member,
        email_verified: false,
        oidc: None,
    };
    let event = auth.event("account.registered", email.as_str(), String::new());
    match state.db.create_user(new, event, Some((Duration::hours(VERIFY_FOR_HOURS), &compose))).await {
        // Mail about access requests is written in the language the account registered in.
        Ok(user) => state.db.set_language(&user.id, t.code()).await?,
        // The page says the same as for a new address, so that no one learns which addresses
        // have an account; the owner gets a mail with a way back in instead.
        Err(StorageError::EmailTaken) => mail_account_exists(&state, &auth, &t, &email).await?,
        Err(e) => return Err(e.into()),
    }
    state.accounts.mail_queued.notify_one();
    let page = FormPage::message(
        ctx,
        t.t("register-done-title"),
        t.t1("register-done-text", "email", email.to_string()),
        vec![Link { href: "/login".into(), label: t.t("login-title") }],
    );
    page.respond(StatusCode::CREATED)
}

/// Tells the owner of `email` that someone tried to register it, with a link to choose a new
/// password in case they have forgotten theirs; within the account's allowance of such
/// mails, and silently not beyond it, since the page must say the same either way.
async fn mail_account_exists(state: &AppState, auth: &Auth, t: &Translator, email: &Email) -> Result<(), AppError> {
    let Some(stored) = state.db.user_by_email(email).await? else { return Ok(()) };
    let event = auth.event("account.exists-mailed", &stored.user.id, String::new());
    mail_reset_link(state, t, &stored.user, ("mail-exists-subject", "mail-exists-body"), event).await?;
    Ok(())
}

#[derive(Deserialize)]
pub struct CodeQuery {
    #[serde(default)]
    code: String,
}

pub async fn verify(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Query(query): Query<CodeQuery>,
) -> Result<Response, AppError> {
    let verified = state.db.redeem_code(&query.code, CodePurpose::VerifyEmail, None, &auth.client).await?;
    let t = ctx.t.clone();
    match verified {
        Some(_) => FormPage::message(
            ctx,
            t.t("verify-done-title"),
            t.t("verify-done-text"),
            vec![Link { href: "/account".into(), label: t.t("nav-account") }],
        )
        .respond(StatusCode::OK),
        None => FormPage::message(ctx, t.t("verify-failed-title"), t.t("verify-failed-text"), vec![])
            .respond(StatusCode::BAD_REQUEST),
    }
}

// Signing in and out.

#[derive(Deserialize, Default)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

fn login_page(ctx: PageContext, state: &AppState, auth: &Auth, form: &LoginForm) -> FormPage {
    let t = ctx.t.clone();
    let mut page = FormPage::new(ctx, t.t("login-title"), "/login", &auth.csrf);
    page.fields = vec![
        FormField::new("email", t.t("field-email"), "email").value(form.email.clone()).autocomplete("email").required(),
        FormField::new("password", t.t("field-password"), "password").autocomplete("current-password").required(),
    ];
    if is_local_path(&form.next) {
        page.hidden.push(("next".into(), form.next.clone()));
    }
    page.submit = t.t("login-submit");
    let mut page = page.link("/register", t.t("register-title")).link("/password-reset", t.t("reset-title"));
    if state.accounts.oidc.is_some() {
        page = page.link("/login/oidc", t.t("login-oidc"));
    }
    page
}

#[derive(Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

pub async fn login_form(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Query(query): Query<NextQuery>,
) -> Result<Response, AppError> {
    auth.require(Action::UseSignInPages, Resource::Hub)?;
    let form = LoginForm { next: query.next, ..Default::default() };
    login_page(ctx, &state, &auth, &form).respond(StatusCode::OK)
}

pub async fn login(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Posted(form): Posted<LoginForm>,
) -> Result<Response, AppError> {
    let t = ctx.t.clone();
    let link_mail = |code: &str| {
        (t.t("mail-login-link-subject"), t.t1("mail-login-link-body", "link", mail_link(&state, "/login/link", code)))
    };
    match sign_in::with_password(&state.db, &auth.caller(), &form.email, &form.password, &link_mail).await? {
        Attempt::Granted { user, subject } => {
            let next = if is_local_path(&form.next) { &form.next } else { "/account" };
            start_session(&state, &auth, &user, &subject, next).await
        }
        Attempt::Failed => {
            let mut page = login_page(ctx, &state, &auth, &form);
            page.error = Some(t.t("login-failed"));
            page.respond(StatusCode::UNAUTHORIZED)
        }
        Attempt::LinkMailed { email } => {
            state.accounts.mail_queued.notify_one();
            let text = t.t1("login-link-sent-text", "email", email);
            FormPage::message(ctx, t.t("login-link-sent-title"), text, vec![]).respond(StatusCode::OK)
        }
    }
}

fn sign_in_link_page(ctx: PageContext, auth: &Auth, code: &str) -> FormPage {
    let t = ctx.t.clone();
    let mut page = FormPage::new(ctx, t.t("login-link-title"), "/login/link", &auth.csrf);
    page.intro.push(t.t("login-link-intro"));
    page.hidden.push(("code".into(), code.to_owned()));
    page.submit = t.t("login-submit");
    page
}

/// The page a mailed sign-in link opens: a button, so that mail scanners that follow links
/// do not use the link up.
pub async fn sign_in_link_form(
    ctx: PageContext,
    auth: Auth,
    Query(query): Query<CodeQuery>,
) -> Result<Response, AppError> {
    auth.require(Action::UseSignInPages, Resource::Hub)?;
    sign_in_link_page(ctx, &auth, &query.code).respond(StatusCode::OK)
}

pub async fn sign_in_by_link(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Posted(form): Posted<CodeQuery>,
) -> Result<Response, AppError> {
    auth.require(Action::UseSignInPages, Resource::Hub)?;
    let redeemed = state.db.redeem_code(&form.code, CodePurpose::SignIn, None, &auth.client).await?;
    let user = match redeemed {
        Some(id) => state.db.user_by_id(&id).await?,
        None => None,
    };
    let Some(user) = user else {
        let t = ctx.t.clone();
        return FormPage::message(ctx, t.t("verify-failed-title"), t.t("verify-failed-text"), vec![])
            .respond(StatusCode::BAD_REQUEST);
    };
    let subject = user.email.to_lowercase();
    start_session(&state, &auth, &user, &subject, "/account").await
}

/// Signs `user` in with a new session id — never one the browser brought along, so a
/// planted id is worthless — and ends the session the browser had.
pub(crate) async fn start_session(
    state: &AppState,
    auth: &Auth,
    user: &lshub_domain::account::User,
    subject: &str,
    next: &str,
) -> Result<Response, AppError> {
    sign_in::ensure_may_sign_in(&state.db, &auth.caller(), user, subject).await?;
    if let Some(old) = &auth.session {
        state.db.end_session(old).await?;
    }
    let days = state.accounts.session_days;
    let event = lshub_storage::audit::AuditEvent {
        actor_id: Some(&user.id),
        actor_label: &user.email,
        action: "login.succeeded",
        subject,
        detail: String::new(),
        client: &auth.client,
    };
    let secret = state.db.create_session(&user.id, Duration::days(days), event).await?;
    Ok(redirect_with_cookie(next, set_cookie(state, SESSION_COOKIE, &secret, days * 24 * 3600)))
}

pub async fn logout(State(state): State<AppState>, auth: Auth) -> Result<Response, AppError> {
    if let Some(secret) = &auth.session {
        state.db.end_session(secret).await?;
    }
    Ok(redirect_with_cookie("/", set_cookie(&state, SESSION_COOKIE, "", 0)))
}

// Password reset.

#[derive(Deserialize, Default)]
pub struct ResetRequestForm {
    #[serde(default)]
    email: String,
}

fn reset_request_page(ctx: PageContext, auth: &Auth, email: &str) -> FormPage {
    let t = ctx.t.clone();
    let mut page = FormPage::new(ctx, t.t("reset-title"), "/password-reset", &auth.csrf);
    page.intro.push(t.t("reset-intro"));
    page.fields =
        vec![FormField::new("email", t.t("field-email"), "email").value(email).autocomplete("email").required()];
    page.submit = t.t("reset-submit");
    page
}

pub async fn reset_request_form(ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    reset_request_page(ctx, &auth, "").respond(StatusCode::OK)
}

pub async fn reset_request(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Posted(form): Posted<ResetRequestForm>,
) -> Result<Response, AppError> {
    let email = match Email::parse(&form.email) {
        Ok(email) => email,
        Err(e) => return reset_request_page(ctx, &auth, &form.email).invalid(&e).respond(StatusCode::BAD_REQUEST),
    };
    let t = ctx.t.clone();
    // The same answer, and the same work, whether or not the address has an account: the
    // request is only queued, and the mail worker looks the address up (`auth::reset`).
    state.db.queue_reset_request(&email, t.code(), &auth.client).await?;
    state.accounts.mail_queued.notify_one();
    FormPage::message(ctx, t.t("reset-sent-title"), t.t1("reset-sent-text", "email", email.to_string()), vec![])
        .respond(StatusCode::OK)
}

#[derive(Deserialize, Default)]
pub struct ResetForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
}

fn reset_page(ctx: PageContext, auth: &Auth, code: &str) -> FormPage {
    let t = ctx.t.clone();
    let mut page = FormPage::new(ctx, t.t("reset-new-title"), "/password-reset/new", &auth.csrf);
    page.hidden.push(("code".into(), code.to_owned()));
    page.fields = vec![FormField::new("password", t.t("field-new-password"), "password")
        .hint(t.t("field-password-hint"))
        .autocomplete("new-password")
        .required()];
    page.submit = t.t("reset-new-submit");
    page
}

pub async fn reset_form(ctx: PageContext, auth: Auth, Query(query): Query<CodeQuery>) -> Result<Response, AppError> {
    reset_page(ctx, &auth, &query.code).respond(StatusCode::OK)
}

pub async fn reset(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Posted(form): Posted<ResetForm>,
) -> Result<Response, AppError> {
    if let Err(e) = check_password_strength(&form.password, "") {
        return reset_page(ctx, &auth, &form.code).invalid(&e).respond(StatusCode::BAD_REQUEST);
    }
    let password = form.password.clone();
    let hash = blocking(move || lshub_storage::credentials::hash_password(&password)).await??;
    let reset = state.db.redeem_code(&form.code, CodePurpose::ResetPassword, Some(&hash), &auth.client).await?;
    let t = ctx.t.clone();
    match reset {
        Some(_) => FormPage::message(
            ctx,
            t.t("reset-done-title"),
            t.t("reset-done-text"),
            vec![Link { href: "/login".into(), label: t.t("login-title") }],
        )
        .respond(StatusCode::OK),
        None => FormPage::message(ctx, t.t("verify-failed-title"), t.t("verify-failed-text"), vec![])
            .respond(StatusCode::BAD_REQUEST),
    }
}

// The account page.

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    ctx: PageContext,
    csrf: String,
    user: lshub_domain::account::User,
    name_field: Vec<FormField>,
    token_fields: Vec<FormField>,
    /// Empty for accounts without a password (OpenID Connect).
    password_fields: Vec<FormField>,
    memberships: Vec<Membership>,
    claims: Vec<Claim>,
    tokens: Vec<ApiToken>,
    /// A token just created: shown once, never again.
    new_token: Option<String>,
    notice: Option<String>,
}

async fn account_page(
    state: &AppState,
    ctx: PageContext,
    auth: &Auth,
    new_token: Option<String>,
    invalid: Option<ValidationError>,
) -> Result<Response, AppError> {
    let user = auth.user()?.clone();
    let t = ctx.t.clone();
    let mut name_field =
        vec![FormField::new("display_name", t.t("field-display-name"), "text").value(user.display_name.clone())];
    let scope_choices = ["read", "write"]
        .into_iter()
        .map(|s| Choice { value: s.into(), label: t.t(&format!("token-scope-{s}")), selected: s == "read" })
        .collect();
    let mut token_fields = vec![
        FormField::new("name", t.t("field-token-name"), "text").required(),
        FormField::new("scope", t.t("field-token-scope"), "select").choices(scope_choices),
    ];
    let mut password_fields = if state.db.password_hash(&user.id).await?.is_some() {
        vec![
            FormField::new("current_password", t.t("field-current-password"), "password")
                .autocomplete("current-password")
                .required(),
            FormField::new("new_password", t.t("field-new-password"), "password")
                .hint(t.t("field-password-hint"))
                .autocomplete("new-password")
                .required(),
        ]
    } else {
        Vec::new()
    };
    if let Some(error) = &invalid {
        for field in name_field.iter_mut().chain(token_fields.iter_mut()).chain(password_fields.iter_mut()) {
            if field.name == error.field {
                field.error = Some(t.reason(&error.reason));
            }
        }
    }
    let page = AccountPage {
        notice: (!user.email_verified).then(|| t.t("account-unverified")),
        memberships: state.db.memberships(&user.id).await?,
        claims: state.db.claims_of(&user.id).await?,
        tokens: state.db.api_tokens(&user.id).await?,
        ctx,
        csrf: auth.csrf.clone(),
        user,
        name_field,
        token_fields,
        password_fields,
        new_token,
    };
    let status = if invalid.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    Ok((status, render(&page)?).into_response())
}

pub async fn show(State(state): State<AppState>, ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    auth.require(Action::ManageOwnAccount, Resource::Hub)?;
    account_page(&state, ctx, &auth, None, None).await
}

#[derive(Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    display_name: String,
}

pub async fn update_profile(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Posted(form): Posted<ProfileForm>,
) -> Result<Response, AppError> {
    auth.require(Action::ManageOwnAccount, Resource::Hub)?;
    let user = auth.user()?;
    match check_display_name(&form.display_name) {
        Ok(name) => {
            state.db.set_display_name(&user.id, &name, auth.event("account.renamed", &user.id, String::new())).await?;
            Ok(see_other("/account"))
        }
        Err(e) => account_page(&state, ctx, &auth, None, Some(e)).await,
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Posted(form): Posted<TokenForm>,
) -> Result<Response, AppError> {
    auth.require(Action::CreateApiToken, Resource::Hub)?;
    let user = auth.user()?;
    let scopes = match TokenScope::from_id(&form.scope) {
        Some(TokenScope::Read) => vec![TokenScope::Read],
        Some(TokenScope::Write) => vec![TokenScope::Read, TokenScope::Write],
        None => {
            let e = ValidationError::new("scope", Reason::NeitherOf { first: "read", second: "write" });
            return account_page(&state, ctx, &auth, None, Some(e)).await;
        }
    };
    if let Err(e) = lshub_domain::validation::required_text("name", &form.name, 100) {
        return account_page(&state, ctx, &auth, None, Some(e)).await;
    }
    let event = auth.event("token.created", &user.id, format!("{} ({})", form.name.trim(), form.scope));
    let secret = state.db.create_api_token(&user.id, form.name.trim(), &scopes, event).await?;
    account_page(&state, ctx, &auth, Some(secret), None).await
}

pub async fn revoke_token(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    auth.require(Action::ManageOwnAccount, Resource::Hub)?;
    let user = auth.user()?;
    if !state.db.revoke_api_token(&user.id, &id, auth.event("token.revoked", &user.id, id.clone())).await? {
        return Err(AppError::not_found("token"));
    }
    Ok(see_other("/account"))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

/// Changes the signed-in user's password, given the current one. Every other session and
/// every API token end, and so do outstanding reset links; this session stays. The owner
/// gets a mail about it, in case it was not them.
pub async fn change_password(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Posted(form): Posted<PasswordForm>,
) -> Result<Response, AppError> {
    auth.require(Action::ManageOwnAccount, Resource::Hub)?;
    let user = auth.user()?;
    // Only a browser session reaches here (the policy keeps tokens from managing accounts).
    let session = auth.session.as_deref().ok_or(AppError::SignInRequired)?;
    if !sign_in::password_matches(&form.current_password, state.db.password_hash(&user.id).await?).await? {
        state.db.audit(auth.event("password.change-refused", &user.id, String::new())).await?;
        let e = ValidationError::new("current_password", Reason::WrongPassword);
        return account_page(&state, ctx, &auth, None, Some(e)).await;
    }
    if let Err(e) = check_password_strength(&form.new_password, &user.email) {
        let e = ValidationError { field: "new_password", ..e };
        return account_page(&state, ctx, &auth, None, Some(e)).await;
    }
    let password = form.new_password.clone();
    let new_hash = blocking(move || lshub_storage::credentials::hash_password(&password)).await??;
    let t = ctx.t.clone();
    let reset_page = format!("{}/password-reset", state.site.public_url);
    let notice = Mail {
        recipient: &user.email,
        subject: &t.t("mail-password-changed-subject"),
        body: &t.t1("mail-password-changed-body", "link", reset_page),
    };
    let event = auth.event("password.changed", &user.id, String::new());
    state.db.change_password(&user.id, &new_hash, session, notice, event).await?;
    state.accounts.mail_queued.notify_one();
    let links = vec![Link { href: "/account".into(), label: t.t("nav-account") }];
    FormPage::message(ctx, t.t("password-changed-title"), t.t("password-changed-text"), links).respond(StatusCode::OK)
}

/// Sends a new verification link, for a member whose first one expired or got lost.
pub async fn resend_verification(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
) -> Result<Response, AppError> {
    auth.require(Action::ManageOwnAccount, Resource::Hub)?;
    let user = auth.user()?;
    let t = ctx.t.clone();
    if !user.email_verified {
        let compose = |code: &str| {
            (t.t("mail-verify-subject"), t.t1("mail-verify-body", "link", mail_link(&state, "/verify", code)))
        };
        let mail = CodeMail {
            user_id: &user.id,
            purpose: CodePurpose::VerifyEmail,
            valid_for: Duration::hours(VERIFY_FOR_HOURS),
            recipient: &user.email,
            compose: &compose,
        };
        let event = auth.event("account.verification-sent", &user.id, String::new());
        if let Issued::OverAllowance { retry_after } =
            state.db.issue_code(mail, event, Some(verification_mail_allowance())).await?
        {
            return Err(AppError::TooManyRequests { retry_after: retry_after.num_seconds().unsigned_abs() });
        }
        state.accounts.mail_queued.notify_one();
    }
    let links = vec![Link { href: "/account".into(), label: t.t("nav-account") }];
    FormPage::message(ctx, t.t("register-done-title"), t.t1("register-done-text", "email", user.email.clone()), links)
        .respond(StatusCode::OK)
}

/// Ends every session, this one too, revokes every API token and voids every reset link.
pub async fn logout_everywhere(State(state): State<AppState>, auth: Auth) -> Result<Response, AppError> {
    auth.require(Action::ManageOwnAccount, Resource::Hub)?;
    let user = auth.user()?;
    state.db.revoke_all_credentials(&user.id, auth.event("logout.everywhere", &user.id, String::new())).await?;
    Ok(redirect_with_cookie("/login", set_cookie(&state, SESSION_COOKIE, "", 0)))
}

pub async fn export(State(state): State<AppState>, auth: Auth) -> Result<Response, AppError> {
    auth.require(Action::ManageOwnAccount, Resource::Hub)?;
    let user = auth.user()?;
    let data = state.db.export_user(&user.id).await?.ok_or(AppError::not_found("account"))?;
    let body = serde_json::to_string_pretty(&data).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (CONTENT_TYPE, "application/json".to_owned()),
            (CONTENT_DISPOSITION, "attachment; filename=\"lshub-account.json\"".to_owned()),
        ],
        body,
    )
        .into_response())
}

fn delete_page(ctx: PageContext, auth: &Auth) -> FormPage {
    let t = ctx.t.clone();
    let mut page = FormPage::new(ctx, t.t("delete-title"), "/account/delete", &auth.csrf);
    page.intro.push(t.t("delete-intro"));
    page.fields = vec![FormField::new("confirm", t.t("field-confirm-email"), "email").autocomplete("off").required()];
    page.submit = t.t("delete-submit");
    page.link("/account/export", t.t("account-export"))
}

pub async fn delete_form(ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    auth.require(Action::ManageOwnAccount, Resource::Hub)?;
    delete_page(ctx, &auth).respond(StatusCode::OK)
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    confirm: String,
}

pub async fn delete(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Posted(form): Posted<DeleteForm>,
) -> Result<Response, AppError> {
    auth.require(Action::ManageOwnAccount, Resource::Hub)?;
    let user = auth.user()?.clone();
    let t = ctx.t.clone();
    let event = lshub_storage::audit::AuditEvent {
        actor_id: None,
        actor_label: lshub_storage::DELETED_USER_LABEL,
        action: "account.deleted",
        subject: lshub_storage::DELETED_USER_LABEL,
        detail: String::new(),
        client: &auth.client,
    };
    let refused = if !form.confirm.trim().eq_ignore_ascii_case(&user.email) {
        Some(Reason::ConfirmationMismatch)
    } else {
        // The last admin stays: checked where the account is deleted, so that admins leaving
        // at the same moment cannot all pass.
        match state.db.delete_user(&user.id, &user.email, event).await {
            Ok(()) => None,
            Err(StorageError::LastAdmin) => Some(Reason::LastAdmin),
            Err(e) => return Err(e.into()),
        }
    };
    if let Some(reason) = refused {
        let e = ValidationError::new("confirm", reason);
        return delete_page(ctx, &auth).invalid(&e).respond(StatusCode::BAD_REQUEST);
    }
    let page = FormPage::message(ctx, t.t("delete-done-title"), t.t("delete-done-text"), vec![]);
    let mut response = page.respond(StatusCode::OK)?;
    if let Ok(value) = set_cookie(&state, SESSION_COOKIE, "", 0).parse() {
        response.headers_mut().insert(SET_COOKIE, value);
    }
    Ok(response)
}
