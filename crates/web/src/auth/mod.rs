//! Who is asking, and the checks every request passes before a handler sees it: rate limits,
//! the body size limit, and CSRF protection for every state-changing request.
//!
//! [`guard`] resolves the caller once — a browser session (cookie) or a personal API token
//! (`Authorization: Bearer`) — into an [`Auth`] that handlers read. Handlers then ask
//! [`Auth::require`], which asks the one policy in `lshub_domain::authorization`.

pub mod mail;
pub mod oidc;
pub mod rate_limit;
pub mod reset;

use std::net::SocketAddr;

use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, COOKIE, HOST, ORIGIN, REFERER, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use lshub_domain::account::User;
use lshub_domain::authorization::{Action, Actor, Credential, Principal, Resource};
use lshub_domain::{Reason, ValidationError};
use lshub_storage::audit::AuditEvent;

use crate::error::AppError;
use crate::state::AppState;
use lshub_service::sign_in::principal;
use rate_limit::{Bucket, RateLimiter, RateLimits};

pub const SESSION_COOKIE: &str = "lshub_session";
pub const CSRF_COOKIE: &str = "lshub_csrf";
/// The form field and the header that carry the CSRF token.
pub const CSRF_FIELD: &str = "csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Largest request body accepted: a profile with every field at its documented maximum,
/// written as JSON that escapes each character (12 bytes for one outside the Basic
/// Multilingual Plane), is about 570 KB; still far below anything that could tire the server.
pub const BODY_LIMIT: usize = 1024 * 1024;
/// Room for a file form's other fields and part headers besides the file.
pub const UPLOAD_OVERHEAD: usize = 64 * 1024;

/// Settings of accounts and security.
pub struct AccountsConfig {
    /// Behind a reverse proxy: take the client's address from the last `X-Forwarded-For`
    /// entry (the one the proxy added) instead of the connection's.
    pub trust_forwarded_for: bool,
    pub mailer: mail::Mailer,
    pub session_days: i64,
    pub limits: RateLimits,
    pub oidc: Option<crate::auth::OidcSettings>,
}

/// The OpenID Connect provider offered as a second way to sign in.
#[derive(Debug, Clone)]
pub struct OidcSettings {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
}

impl AccountsConfig {
    /// Mail as files under `data_dir/mail`, sessions of 14 days, the default rate limits.
    pub fn with_data_dir(data_dir: &std::path::Path) -> Self {
        Self {
            trust_forwarded_for: false,
            mailer: mail::Mailer::Files(data_dir.join("mail")),
            session_days: 14,
            limits: RateLimits::default(),
            oidc: None,
        }
    }
}

/// Accounts' share of the application state.
pub struct Accounts {
    pub trust_forwarded_for: bool,
    pub mailer: mail::Mailer,
    pub session_days: i64,
    pub limiter: RateLimiter,
    pub oidc: Option<OidcSettings>,
    /// Wakes the mail worker when a handler queued mail.
    pub mail_queued: tokio::sync::Notify,
    pub(crate) delivering: tokio::sync::Mutex<()>,
    /// For the identity provider's endpoints.
    pub(crate) http: reqwest::Client,
}

impl Accounts {
    pub fn new(config: AccountsConfig) -> Self {
        Self {
            trust_forwarded_for: config.trust_forwarded_for,
            mailer: config.mailer,
            session_days: config.session_days,
            limiter: RateLimiter::new(config.limits),
            oidc: config.oidc,
            mail_queued: tokio::sync::Notify::new(),
            delivering: tokio::sync::Mutex::new(()),
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(10))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap_or_default(),
        }
    }
}

/// The caller of one request.
#[derive(Clone)]
pub struct Auth {
    pub actor: Actor,
    pub user: Option<User>,
    /// The token this caller's forms must carry: the session's, or the visitor cookie's.
    pub csrf: String,
    /// The secret id of the browser session, when signed in with one.
    pub session: Option<String>,
    /// The client's address, for rate limits and the audit log.
    pub client: String,
}

impl Auth {
    /// Asks the policy; a denial becomes the matching error (401 or 403).
    pub fn require(&self, action: Action, resource: Resource<'_>) -> Result<(), AppError> {
        self.caller().require(action, resource).map_err(AppError::from)
    }

    /// The caller as the use cases know it.
    pub fn caller(&self) -> lshub_service::Caller {
        lshub_service::Caller { actor: self.actor.clone(), user: self.user.clone(), client: self.client.clone() }
    }

    /// The signed-in user, after [`Auth::require`] allowed an action that needs one.
    pub fn user(&self) -> Result<&User, AppError> {
        self.user.as_ref().ok_or(AppError::SignInRequired)
    }

    /// An audit event by this caller.
    pub fn event<'a>(&'a self, action: &'a str, subject: &'a str, detail: String) -> AuditEvent<'a> {
        AuditEvent::by(self.user.as_ref(), action, subject, detail, &self.client)
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &AppState) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Auth>().cloned().ok_or_else(|| AppError::Internal("no auth on the request".into()))
    }
}

/// The value of cookie `name`.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Secure when the hub is served over https.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age_seconds: i64) -> String {
    let secure = if state.site.public_url.starts_with("https://") { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; Max-Age={max_age_seconds}; HttpOnly; SameSite=Lax{secure}")
}

/// Which rate limit a request counts against. A search counts whatever its method: `HEAD`
/// runs the same handler as `GET` (only the body is left off), and a method the route does
/// not take costs nothing to count. The forms count their `POST` only: showing them is free.
fn bucket(method: &Method, path: &str) -> Option<Bucket> {
    match (method.as_str(), path) {
        (_, "/search" | "/api/v1/search" | "/spaces/find" | "/api/v1/spaces/find") => Some(Bucket::Search),
        // A password change checks the current password: as many guesses as sign-ins.
        ("POST", "/login" | "/account/password") => Some(Bucket::Login),
        ("POST", "/account/verification") => Some(Bucket::VerificationMail),
        ("POST", "/register") => Some(Bucket::Registration),
        ("POST", "/password-reset" | "/password-reset/new") => Some(Bucket::PasswordReset),
        ("POST", path) if inquiry_post(path) => Some(Bucket::Inquiry),
        _ => None,
    }
}

/// Whether a path asks about a space or writes in an inquiry, on a page or in the API.
fn inquiry_post(path: &str) -> bool {
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    matches!(segments.as_slice(), ["spaces", _, "inquire" | "inquiries"] | ["inquiries", _, "messages"])
}

fn client_address(parts: &Parts, trust_forwarded_for: bool) -> String {
    let forwarded = trust_forwarded_for.then(|| last_forwarded_for(&parts.headers)).flatten();
    forwarded.map(|ip| ip.to_string()).unwrap_or_else(|| {
        parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown".to_owned(), |ConnectInfo(address)| address.ip().to_string())
    })
}

/// The address the nearest proxy saw: the last entry of the last `X-Forwarded-For` header
/// (earlier entries are whatever the client claimed).
fn last_forwarded_for(headers: &HeaderMap) -> Option<std::net::IpAddr> {
    let last = headers.get_all("x-forwarded-for").iter().next_back()?.to_str().ok()?;
    last.rsplit(',').next()?.trim().parse().ok()
}

/// The checks in front of every route. See the module documentation.
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let client = client_address(&parts, state.accounts.trust_forwarded_for);
    let fail = |parts: &Parts, error: AppError| refusal(&state, parts, error);
    if let Some(refused) = count_against_rate_limit(&state, &parts).await {
        return refused;
    }
    // No route takes such a path, and the routers would refuse it in plain text.
    if !decodes_to_utf8(parts.uri.path().as_bytes()) {
        return fail(&parts, AppError::BadRequest(ValidationError::new("path", Reason::NotUtf8)));
    }
    let (auth, new_csrf_cookie) = match identify(&state, &parts.headers, client).await {
        Ok(found) => found,
        Err(e) => return fail(&parts, e),
    };
    let body = if !changes_state(&parts.method) {
        body
    } else {
        // Attachments to access requests and photos of spaces may be larger than any form.
        let path = parts.uri.path();
        let limit = if path.ends_with("/photos") {
            state.site.photo_max_bytes + UPLOAD_OVERHEAD
        } else if is_upload(&parts.headers) || path.ends_with("/attachments") {
            state.site.attachment_max_bytes + UPLOAD_OVERHEAD
        } else {
            BODY_LIMIT
        };
        let bytes = match to_bytes(body, limit).await {
            Ok(bytes) => bytes,
            Err(_) => return fail(&parts, AppError::TooLarge { limit }),
        };
        if is_form(&parts.headers) && !form_is_utf8(&bytes) {
            return fail(&parts, AppError::MalformedBody("the form is not valid UTF-8".into()));
        }
        let by_token = matches!(auth.actor.user, Some(Principal { via: Credential::Token(_), .. }));
        // Forged requests ride on a session cookie; an API call without one has no
        // authority to borrow, and gets the handler's 401 rather than a CSRF refusal.
        let api_without_session = parts.uri.path().starts_with("/api/") && auth.session.is_none();
        // RFC 8058: mail clients POST one-click unsubscribes from anywhere; the secret in the
        // address authorises them, and they change nothing but that search's alerts, or
        // that person's digest.
        let one_click =
            [crate::kinds::calls::UNSUBSCRIBE_PATH, crate::digest::UNSUBSCRIBE_PATH, crate::talent::UNSUBSCRIBE_PATH]
                .iter()
                .any(|prefix| parts.uri.path().starts_with(prefix));
        if !by_token && !api_without_session && !one_click {
            if let Err(e) = check_csrf(&state, &parts.headers, parts.uri.query(), &bytes, &auth.csrf) {
                return fail(&parts, e);
            }
        }
        Body::from(bytes)
    };
    let signed_in = auth.user.is_some();
    parts.extensions.insert(auth);
    let mut response = next.run(Request::from_parts(parts, body)).await;
    let html_response =
        response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|c| c.starts_with("text/html"));
    if signed_in && !response.headers().contains_key(CACHE_CONTROL) {
        // Pages for a signed-in user carry their data and their CSRF token.
        response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    }
    // Only pages with forms need the cookie; API answers, files and public pages (whose only
    // forms are searches and filters, by GET) stay free of cookies, and cacheable.
    let public = response.extensions().get::<crate::public_cache::PublicContent>().is_some();
    if let Some(token) = new_csrf_cookie.filter(|_| html_response && !public) {
        // A browser session cookie (no Max-Age): the visitor's forms carry the same value.
        let cookie = set_cookie(&state, CSRF_COOKIE, &token, 24 * 3600);
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    if state.site.public_url.starts_with("https://") {
        response.headers_mut().insert(
            axum::http::header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// An error before the handler: the error page for pages, problem details for the API.
fn refusal(state: &AppState, parts: &Parts, error: AppError) -> Response {
    if parts.uri.path().starts_with("/api/") {
        error.into_response()
    } else {
        crate::pages::html_error(parts, state, error)
    }
}

/// Counts the request against its rate limit, if one applies; the 429 answer when the client
/// is over it. Answers from the public cache count too, so that a client's allowance does not
/// depend on what others asked before.
pub(crate) async fn count_against_rate_limit(state: &AppState, parts: &Parts) -> Option<Response> {
    let bucket = bucket(&parts.method, parts.uri.path())?;
    let client = client_address(parts, state.accounts.trust_forwarded_for);
    let retry_after = state.accounts.limiter.count(&state.db, bucket, &client).await.err()?;
    Some(refusal(state, parts, AppError::TooManyRequests { retry_after }))
}

/// Whether a request of this method may change something, and so carries a body to check.
/// Other methods (`TRACE` and unknown ones too) go on to the router, which answers 405.
pub(crate) fn changes_state(method: &Method) -> bool {
    matches!(*method, Method::POST | Method::PUT | Method::PATCH | Method::DELETE)
}

/// Resolves the caller; returns a fresh CSRF cookie value when a visitor has none yet.
async fn identify(state: &AppState, headers: &HeaderMap, client: String) -> Result<(Auth, Option<String>), AppError> {
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim);
    let mut auth = Auth { actor: Actor::visitor(), user: None, csrf: String::new(), session: None, client };
    if let Some(token) = bearer {
        let (user, scopes) = state.db.user_by_api_token(token).await?.ok_or(AppError::InvalidToken)?;
        auth.actor = Actor::user(principal(&state.db, &user, Credential::Token(scopes)).await?);
        auth.user = Some(user);
        // Whatever the handler asks next: a token of an account that may not act does nothing.
        auth.require(Action::UseApiToken, Resource::Hub)?;
        return Ok((auth, None));
    }
    if let Some(secret) = cookie(headers, SESSION_COOKIE) {
        if let Some(session) = state.db.session(&secret).await? {
            auth.actor = Actor::user(principal(&state.db, &session.user, Credential::Session).await?);
            auth.user = Some(session.user);
            auth.csrf = session.csrf_token;
            auth.session = Some(secret);
            return Ok((auth, None));
        }
    }
    match cookie(headers, CSRF_COOKIE).filter(|c| c.len() == 64 && c.bytes().all(|b| b.is_ascii_hexdigit())) {
        Some(token) => {
            auth.csrf = token;
            Ok((auth, None))
        }
        None => {
            let token = lshub_storage::credentials::new_secret()?;
            auth.csrf = token.clone();
            Ok((auth, Some(token)))
        }
    }
}

/// A state-changing request from a browser must come from the hub's own pages: the Origin
/// (or Referer) must be the hub, and the request must carry the caller's CSRF token in the
/// `csrf` form field or the `X-CSRF-Token` header.
fn check_csrf(
    state: &AppState,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
    expected: &str,
) -> Result<(), AppError> {
    let refused = AppError::Forbidden("cross-site request refused");
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return Err(refused);
    }
    let source = headers.get(ORIGIN).or_else(|| headers.get(REFERER)).and_then(|v| v.to_str().ok());
    if let Some(source) = source {
        let host = headers.get(HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let own = [state.site.public_url.clone(), format!("http://{host}"), format!("https://{host}")];
        let origin_of = |url: &str| url::Url::parse(url).ok().map(|u| u.origin().ascii_serialization());
        let Some(origin) = origin_of(source) else { return Err(refused) };
        if !own.iter().filter_map(|o| origin_of(o)).any(|o| o == origin) {
            return Err(refused);
        }
    }
    let from_header = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let from_form = if is_form(headers) && from_header.is_none() {
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
            .map_err(|e| AppError::MalformedBody(format!("the form cannot be read: {e}")))?;
        fields.into_iter().find(|(name, _)| name == CSRF_FIELD).map(|(_, value)| value)
    } else if is_upload(headers) && from_header.is_none() {
        // A file form carries its token in its action's query, so that it is checked here
        // without reading the parts of the upload.
        let fields: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or_default()).unwrap_or_default();
        fields.into_iter().find(|(name, _)| name == CSRF_FIELD).map(|(_, value)| value)
    } else {
        None
    };
    let given = from_header.or(from_form).unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(given.as_bytes(), expected.as_bytes()) {
        return Err(AppError::Forbidden(
            "the form has expired or did not come from this site; reload it and try again",
        ));
    }
    Ok(())
}

fn is_upload(headers: &HeaderMap) -> bool {
    headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|c| c.starts_with("multipart/form-data"))
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"))
}

/// Whether every name and value of a form decodes to UTF-8. The form decoder would replace
/// bad bytes silently, and text that is not what the user sent must not be saved.
fn form_is_utf8(body: &[u8]) -> bool {
    body.split(|b| *b == b'&').all(decodes_to_utf8)
}

/// Whether percent-encoded `text` decodes to UTF-8 (a `+` stands for a space in forms, which
/// changes nothing here).
fn decodes_to_utf8(text: &[u8]) -> bool {
    let mut decoded = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match text[i] {
            b'%' if i + 2 < text.len() => match (hex(text[i + 1]), hex(text[i + 2])) {
                (Some(high), Some(low)) => {
                    decoded.push(u8::try_from(high * 16 + low).unwrap_or(0));
                    i += 3;
                    continue;
                }
                _ => decoded.push(b'%'),
            },
            byte => decoded.push(byte),
        }
        i += 1;
    }
    std::str::from_utf8(&decoded).is_ok()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request as HttpRequest;
    use tower::ServiceExt;

    async fn app(public_url: &str) -> axum::Router {
        let db = lshub_storage::Database::connect("sqlite::memory:").await.expect("database");
        db.migrate().await.expect("migrate");
        let site = crate::SiteConfig {
            region: "Amsterdam".into(),
            public_url: public_url.into(),
            contact_email: None,
            ..crate::SiteConfig::default()
        };
        crate::router(AppState::open(db, site).await.expect("state"))
    }

    #[tokio::test]
    async fn https_hubs_send_hsts_and_secure_cookies() {
        let response = app("https://hub.example.org")
            .await
            .oneshot(HttpRequest::get("/login").body(Body::empty()).expect("request"))
            .await
            .expect("response");
        let headers = response.headers();
        assert_eq!(headers["strict-transport-security"], "max-age=31536000; includeSubDomains");
        let cookie = headers["set-cookie"].to_str().expect("cookie");
        assert!(cookie.contains("; Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));

        let response = app("http://127.0.0.1:8080")
            .await
            .oneshot(HttpRequest::get("/login").body(Body::empty()).expect("request"))
            .await
            .expect("response");
        assert!(!response.headers().contains_key("strict-transport-security"), "no HSTS over plain http");
        assert!(!response.headers()["set-cookie"].to_str().expect("cookie").contains("Secure"));
        let response = app("http://127.0.0.1:8080")
            .await
            .oneshot(HttpRequest::get("/api/v1/stats").body(Body::empty()).expect("request"))
            .await
            .expect("response");
        assert!(!response.headers().contains_key("set-cookie"), "API answers set no cookie");
    }

    #[test]
    fn searches_count_whatever_the_method() {
        for method in [Method::GET, Method::HEAD, Method::POST, Method::OPTIONS] {
            for path in ["/search", "/api/v1/search"] {
                assert_eq!(bucket(&method, path), Some(Bucket::Search), "{method} {path}");
            }
        }
        assert_eq!(bucket(&Method::GET, "/login"), None, "showing a form is free");
        assert_eq!(bucket(&Method::POST, "/login"), Some(Bucket::Login));
        for path in ["/spaces/lab/inquire", "/api/v1/spaces/lab/inquiries", "/inquiries/x/messages"] {
            assert_eq!(bucket(&Method::POST, path), Some(Bucket::Inquiry), "{path}");
        }
        assert_eq!(bucket(&Method::GET, "/spaces/lab/inquire"), None, "showing the form is free");
        assert_eq!(bucket(&Method::POST, "/inquiries/x/moves"), None, "operators' moves");
    }

    #[test]
    fn the_proxy_added_address_is_the_client() {
        let mut headers = HeaderMap::new();
        headers.append("x-forwarded-for", HeaderValue::from_static("6.6.6.6, 10.0.0.7"));
        assert_eq!(last_forwarded_for(&headers), "10.0.0.7".parse().ok());
        headers.append("x-forwarded-for", HeaderValue::from_static("192.0.2.4"));
        assert_eq!(last_forwarded_for(&headers), "192.0.2.4".parse().ok());
        headers.insert("x-forwarded-for", HeaderValue::from_static("not an address"));
        assert_eq!(last_forwarded_for(&headers), None);
    }

    #[test]
    fn forms_must_decode_to_utf8() {
        assert!(form_is_utf8(b"a=1&name=Zo%C3%AB+de+Vries&x=%"));
        assert!(!form_is_utf8(b"name=%FF%FE"));
        assert!(!form_is_utf8(b"name=\xff"));
        assert!(!form_is_utf8(b"n%C3=1"));
        assert!(decodes_to_utf8(b"/organisations/caf%C3%A9"));
        assert!(!decodes_to_utf8(b"/organisations/%FF"));
    }
}
