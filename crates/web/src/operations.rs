//! What operators need from every request: an id that ties the logs of a request together
//! (taken from `x-request-id` when a proxy sends one, made up otherwise, and returned on
//! the response), a span carrying that id over every log line the request causes, one
//! access-log line (target `lshub::access`), and a time limit after which the visitor gets a
//! 503 answer instead of waiting on.

use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use crate::error::{problem_response, Problem};
use crate::state::AppState;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// How long a request may take by default before it is answered with 503.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A request id as the client or proxy sent it, if it is safe to log and echo: short, and only
/// letters, digits and `-_.:/+=` (no spaces or control characters that could forge log lines).
fn accepted_id(value: &HeaderValue) -> Option<&str> {
    let id = value.to_str().ok()?;
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_.:/+=".contains(c);
    (!id.is_empty() && id.len() <= 128 && id.chars().all(safe)).then_some(id)
}

/// The id of the request being served, for handlers that want to show or pass it on.
#[derive(Debug, Clone)]
pub struct RequestId(pub HeaderValue);

pub async fn handle(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = match request.headers().get(REQUEST_ID).and_then(accepted_id) {
        Some(id) => HeaderValue::from_str(id).ok(),
        None => None,
    }
    .unwrap_or_else(|| {
        HeaderValue::from_str(&uuid::Uuid::now_v7().to_string()).unwrap_or(HeaderValue::from_static("-"))
    });
    request.extensions_mut().insert(RequestId(id.clone()));
    // Kept for the rare timeout page; header values are cheap to clone.
    let uri = request.uri().clone();
    let language = request.headers().get(ACCEPT_LANGUAGE).cloned();
    let cookie = request.headers().get(COOKIE).cloned();
    let span = tracing::info_span!(
        "request",
        id = id.to_str().unwrap_or_default(),
        method = %request.method(),
        path = uri.path(),
    );
    let timeout = state.request_timeout;
    let mut response = match tokio::time::timeout(timeout, next.run(request).instrument(span.clone())).await {
        Ok(response) => response,
        Err(_) => {
            let _entered = span.enter();
            tracing::warn!(seconds = timeout.as_secs_f64(), "request timed out");
            state.metrics.count_timeout();
            timed_out(&state, uri, language, cookie, timeout)
        }
    };
    response.headers_mut().insert(REQUEST_ID, id);
    let status = response.status().as_u16();
    let millis = started.elapsed().as_micros() as f64 / 1000.0;
    span.in_scope(|| tracing::info!(target: "lshub::access", status, millis, "served"));
    response
}

/// A 503: problem details for the API, feeds and probes; the error page for everything else.
fn timed_out(
    state: &AppState,
    uri: axum::http::Uri,
    language: Option<HeaderValue>,
    cookie: Option<HeaderValue>,
    timeout: Duration,
) -> Response {
    let problem = Problem {
        problem_type: "about:blank".into(),
        title: "Service Unavailable".into(),
        status: StatusCode::SERVICE_UNAVAILABLE.as_u16(),
        detail: format!("The hub could not answer within {} seconds. Please try again later.", timeout.as_secs()),
        field: None,
        invalid: None,
    };
    let path = uri.path();
    let machine = ["/api/", "/feeds/"].iter().any(|p| path.starts_with(p)) || ["/healthz", "/metrics"].contains(&path);
    if !machine {
        let mut page = Request::builder().uri(uri);
        for (name, value) in [(ACCEPT_LANGUAGE, language), (COOKIE, cookie)] {
            if let Some(value) = value {
                page = page.header(name, value);
            }
        }
        if let Ok(page) = page.body(()) {
            let (parts, ()) = page.into_parts();
            let ctx = crate::pages::page_context(&parts, state);
            if let Some(response) = crate::pages::problem_page(ctx, problem.clone()) {
                return response;
            }
        }
    }
    problem_response(problem)
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::routing::get;
    use axum::Router;
    use lshub_storage::Database;
    use tower::ServiceExt;

    use super::*;
    use crate::state::SiteConfig;

    async fn app(timeout: Duration) -> Router {
        let db = Database::connect("sqlite::memory:").await.expect("database");
        db.migrate().await.expect("migrate");
        let site = SiteConfig {
            region: "Amsterdam".into(),
            public_url: "http://hub.test".into(),
            contact_email: None,
            ..SiteConfig::default()
        };
        let state = AppState::open(db, site).await.expect("state").with_request_timeout(timeout);
        let slow = || async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "late"
        };
        Router::new()
            .route("/quick", get(|| async { "ok" }))
            .route("/slow", get(slow))
            .route("/api/v1/slow", get(slow))
            .layer(axum::middleware::from_fn_with_state(state.clone(), handle))
            .with_state(state)
    }

    async fn get_with(app: Router, path: &str, headers: &[(&str, &str)]) -> (Response, String) {
        let mut request = Request::builder().uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = app.oneshot(request.body(Body::empty()).expect("request")).await.expect("response");
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, 1 << 20).await.expect("body");
        (Response::from_parts(parts, Body::empty()), String::from_utf8_lossy(&bytes).into_owned())
    }

    #[tokio::test]
    async fn request_ids_are_echoed_or_made_up() {
        let app = app(Duration::from_secs(5)).await;
        let (response, _) = get_with(app.clone(), "/quick", &[("x-request-id", "proxy-42")]).await;
        assert_eq!(response.headers()[REQUEST_ID], "proxy-42");
        let (response, _) = get_with(app.clone(), "/quick", &[("x-request-id", "bad id\tforged")]).await;
        let made_up = response.headers()[REQUEST_ID].to_str().expect("ascii").to_owned();
        assert!(uuid::Uuid::parse_str(&made_up).is_ok(), "{made_up}");
        let (other, _) = get_with(app, "/quick", &[]).await;
        assert_ne!(other.headers()[REQUEST_ID], made_up.as_str(), "each request gets its own id");
    }

    #[tokio::test]
    async fn slow_requests_get_503_as_problem_or_page() {
        let app = app(Duration::from_millis(100)).await;
        let (response, body) = get_with(app.clone(), "/api/v1/slow", &[("x-request-id", "slow-1")]).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()["content-type"], "application/problem+json");
        assert_eq!(response.headers()[REQUEST_ID], "slow-1");
        let problem: serde_json::Value = serde_json::from_str(&body).expect("problem JSON");
        assert_eq!(problem["status"], 503);

        let (response, body) = get_with(app, "/slow", &[("accept-language", "nl")]).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(response.headers()["content-type"].to_str().expect("type").starts_with("text/html"));
        assert!(body.contains("lang=\"nl\""), "the page is in the visitor's language: {body}");
    }

    #[test]
    fn only_safe_request_ids_are_taken_over() {
        let id = |s: &'static str| accepted_id(&HeaderValue::from_static(s)).map(str::to_owned);
        assert_eq!(id("abc-123_X.y:z/+="), Some("abc-123_X.y:z/+=".into()));
        assert_eq!(id("two words"), None);
        assert_eq!(id(""), None);
        assert_eq!(accepted_id(&HeaderValue::from_str(&"a".repeat(129)).expect("header")), None);
        assert_eq!(accepted_id(&HeaderValue::from_bytes(b"caf\xc3\xa9").expect("header")), None);
    }
}
