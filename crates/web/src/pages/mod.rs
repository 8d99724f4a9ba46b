//! Server-rendered HTML pages. Each works without JavaScript and speaks Dutch and English.

pub(crate) mod account;
mod admin;
mod assets;
pub(crate) mod facts;
pub(crate) mod format;
pub(crate) mod forms;
mod home;
pub(crate) mod language;
pub(crate) mod matching;
mod search;
pub(crate) mod widgets;

use askama::Template;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};

use crate::error::{AppError, Problem};
use crate::i18n::{language_of, Translator};
use crate::public_cache::public;
use crate::routes::RouteTable;
use crate::state::AppState;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .route("/", public(get(home::show)))
        .route("/search", public(get(search::show)))
        .route("/language/{code}", get(language::switch))
        .route("/static/{file}", public(get(assets::serve)))
        .route("/favicon.ico", public(get(assets::favicon)))
        .route("/register", get(account::register_form).post(account::register))
        .route("/verify", get(account::verify))
        .route("/login", get(account::login_form).post(account::login))
        .route("/login/link", get(account::sign_in_link_form).post(account::sign_in_by_link))
        .route("/login/oidc", get(crate::auth::oidc::start))
        .route("/login/oidc/callback", get(crate::auth::oidc::callback))
        .route("/logout", post(account::logout))
        .route("/password-reset", get(account::reset_request_form).post(account::reset_request))
        .route("/password-reset/new", get(account::reset_form).post(account::reset))
        .route("/account", get(account::show).post(account::update_profile))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/account/logout-everywhere", post(account::logout_everywhere))
        .route("/account/password", post(account::change_password))
        .route("/account/verification", post(account::resend_verification))
        .route("/account/export", get(account::export))
        .route("/account/delete", get(account::delete_form).post(account::delete))
        .route("/admin", get(admin::overview))
        .route("/admin/users", get(admin::users))
        .route("/admin/users/{id}", get(admin::user))
        .route("/admin/users/{id}/role", post(admin::set_role))
        .route("/admin/users/{id}/state", post(admin::set_state))
        .route("/admin/users/{id}/credentials/revoke", post(admin::revoke_credentials))
        .route("/admin/users/{id}/memberships/remove", post(admin::remove_membership))
        .route("/admin/claims", get(admin::claims))
        .route("/admin/claims/{id}/decision", post(admin::decide_claim))
        .route("/admin/partners", get(admin::partners).post(admin::set_partner))
        .route("/admin/audit", get(admin::audit))
        .map_router(|pages| pages.fallback(not_found))
}

/// What every page template needs: the translator, the current URL (for the language
/// switch) and the hub's name.
#[derive(Clone)]
pub struct PageContext {
    pub t: Translator,
    /// Path and query of this request, e.g. `/organisations?kind=healthcare`.
    pub current_url: String,
    pub region: String,
    /// Whether a user is signed in, and is an admin: for the navigation.
    pub signed_in: bool,
    pub admin: bool,
}

impl PageContext {
    /// The link that switches to `code` and comes back to this page.
    pub fn switch_url(&self, code: &str) -> String {
        let next = serde_urlencoded::to_string([("next", self.current_url.as_str())]).unwrap_or_default();
        format!("/language/{code}?{next}")
    }

    pub fn tagline(&self) -> String {
        self.t.t1("site-tagline", "region", self.region.clone())
    }

    /// A role's name in this language.
    pub fn role(&self, role: &lshub_domain::account::Role) -> String {
        self.t.t(&format!("role-{}", role.id()))
    }

    /// An account's state in this language.
    pub fn account_state(&self, state: lshub_domain::account::AccountState) -> String {
        self.t.t(&format!("account-state-{}", state.id()))
    }

    /// A claim's state in this language.
    pub fn claim_status(&self, status: &lshub_domain::account::ClaimStatus) -> String {
        self.t.t(&format!("claim-status-{}", status.id()))
    }

    /// A stored moment as this language writes it.
    pub fn moment(&self, stamp: &str) -> String {
        format::moment(self.t.lang, stamp)
    }

    /// The navigation's link to every kind of content, in the registry's order.
    pub fn kind_links(&self) -> Vec<(String, String)> {
        lshub_domain::content::KINDS
            .iter()
            .map(|kind| (format!("/{}", kind.path), self.t.t(&format!("nav-{}", kind.path))))
            .collect()
    }

    /// `aria-current` value for a navigation link to `section` (`/`, `/organisations`, ...).
    pub fn current(&self, section: &str) -> &'static str {
        let path = self.current_url.split('?').next().unwrap_or_default();
        let active = if section == "/" { path == "/" } else { path.starts_with(section) };
        if active {
            "page"
        } else {
            "false"
        }
    }
}

impl FromRequestParts<AppState> for PageContext {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(page_context(parts, state))
    }
}

pub(crate) fn page_context(parts: &Parts, state: &AppState) -> PageContext {
    PageContext {
        t: Translator::new(state.i18n.clone(), language_of(parts)),
        current_url: parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".into()),
        region: state.site.region.clone(),
        signed_in: parts.extensions.get::<crate::auth::Auth>().is_some_and(|a| a.user.is_some()),
        admin: parts.extensions.get::<crate::auth::Auth>().is_some_and(|a| {
            lshub_domain::authorization::decide(
                &a.actor,
                lshub_domain::authorization::Action::Administer,
                lshub_domain::authorization::Resource::Hub,
            )
            .is_allowed()
        }),
    }
}

/// The answer to a form that worked: see the page at `location` (303, so a reload does not
/// post again).
pub(crate) fn see_other(location: &str) -> Response {
    (axum::http::StatusCode::SEE_OTHER, [(header::LOCATION, location.to_owned())]).into_response()
}

/// A file to save rather than show, for the one who asked only: never cached.
pub(crate) fn download(content_type: &'static str, body: Vec<u8>, filename: &str) -> Response {
    let mut response = axum::body::Body::from(body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, header::HeaderValue::from_static(content_type));
    let disposition = format!("attachment; filename=\"{}\"", filename.replace(['"', '\\'], "_"));
    if let Ok(value) = header::HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, no-store"));
    response
}

/// The organisation at `slug`, or a 404 that says so.
pub(crate) async fn organisation(state: &AppState, slug: &str) -> Result<lshub_domain::Organisation, AppError> {
    state.db.organisation_by_slug(slug).await?.ok_or(AppError::not_found("organisation"))
}

/// The slug of the organisation a form names: its address name, or the name the resolver
/// recognises; else what was typed, which the use case then refuses by name.
pub(crate) async fn organisation_slug(state: &AppState, named: &str) -> Result<String, AppError> {
    if state.db.organisation_by_slug(named).await?.is_some() {
        return Ok(named.to_owned());
    }
    Ok(crate::acquisition::name_match(state, named).unwrap_or_else(|| named.to_owned()))
}

/// Renders a template as an HTML response. Pages vary by language (cookie or header).
pub fn render(template: &impl Template) -> Result<Response, AppError> {
    let html = template.render()?;
    Ok(([(header::VARY, "Accept-Language, Cookie")], Html(html)).into_response())
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    ctx: PageContext,
    status: u16,
    detail: String,
}

/// Turns the problem details of a failed page request into an HTML page in the visitor's
/// language, with the same status.
pub(crate) async fn render_html_errors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let ctx = page_context(&parts, &state);
    let response = next.run(Request::from_parts(parts, body)).await;
    error_page(ctx, response)
}

/// An error that stopped a page request before its handler, as the error page.
pub(crate) fn html_error(parts: &Parts, state: &AppState, error: AppError) -> Response {
    error_page(page_context(parts, state), error.into_response())
}

fn error_page(ctx: PageContext, response: Response) -> Response {
    let Some(problem) = response.extensions().get::<Problem>().cloned() else { return response };
    // A page that needs an account sends the visitor to sign in, and back afterwards.
    if response.status() == axum::http::StatusCode::UNAUTHORIZED {
        let next = serde_urlencoded::to_string([("next", ctx.current_url.as_str())]).unwrap_or_default();
        return (axum::http::StatusCode::SEE_OTHER, [(header::LOCATION, format!("/login?{next}"))]).into_response();
    }
    let Some(mut page) = problem_page(ctx, problem) else { return response };
    if let Some(retry_after) = response.headers().get(header::RETRY_AFTER) {
        page.headers_mut().insert(header::RETRY_AFTER, retry_after.clone());
    }
    page
}

/// The HTML page for `problem`, with its status; `None` (and logged) if it cannot be rendered.
pub(crate) fn problem_page(ctx: PageContext, problem: Problem) -> Option<Response> {
    let status = axum::http::StatusCode::from_u16(problem.status).ok()?;
    let detail = problem.invalid.as_ref().map_or(problem.detail, |invalid| ctx.t.invalid(invalid));
    let page = ErrorPage { ctx, status: problem.status, detail };
    match page.render() {
        Ok(html) => Some((status, Html(html)).into_response()),
        Err(e) => {
            tracing::error!(error = %e, "rendering the error page failed");
            None
        }
    }
}

async fn not_found() -> AppError {
    AppError::not_found("page")
}
