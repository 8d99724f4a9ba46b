//! Server-rendered HTML pages. Each works without JavaScript and speaks Dutch and English.

mod assets;
mod calls;
pub(crate) mod format;
mod home;
mod language;
mod matching;
mod organisations;
mod search;
mod widgets;

use askama::Template;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::error::{AppError, Problem};
use crate::i18n::{language_of, Translator};
use crate::state::AppState;

pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/organisations", get(organisations::list))
        .route("/organisations/{slug}", get(organisations::show))
        .route("/calls", get(calls::list))
        .route("/calls/{topic_id}", get(calls::show))
        .route("/search", get(search::show))
        .route("/language/{code}", get(language::switch))
        .route("/static/{file}", get(assets::serve))
        .fallback(not_found)
        .layer(from_fn_with_state(state, render_html_errors))
}

/// What every page template needs: the translator, the current URL (for the language
/// switch) and the hub's name.
#[derive(Clone)]
pub struct PageContext {
    pub t: Translator,
    /// Path and query of this request, e.g. `/organisations?kind=healthcare`.
    pub current_url: String,
    pub region: String,
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
    }
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
async fn render_html_errors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let ctx = page_context(&parts, &state);
    let response = next.run(Request::from_parts(parts, body)).await;
    let Some(problem) = response.extensions().get::<Problem>().cloned() else { return response };
    error_page(ctx, problem).unwrap_or(response)
}

/// The HTML page for `problem`, with its status; `None` (and logged) if it cannot be rendered.
pub(crate) fn error_page(ctx: PageContext, problem: Problem) -> Option<Response> {
    let status = axum::http::StatusCode::from_u16(problem.status).ok()?;
    let page = ErrorPage { ctx, status: problem.status, detail: problem.detail };
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
