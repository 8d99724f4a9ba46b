//! A cache of the public responses anonymous visitors get: the same bytes for the same
//! address, language and content, so a popular page is rendered once rather than per visit.
//!
//! What it may hold, and why that is safe:
//! - Only answers to `GET` from a caller without credentials: no `Authorization` header and
//!   no session cookie. Signed-in users and token holders neither read nor fill it, since
//!   their pages carry their name, their CSRF token and what they may do.
//! - Only responses a route marked [`PublicContent`] (pages and API answers that show the
//!   same to every visitor), with status 200, without `Set-Cookie` and not `private`.
//! - The key is the path and query together with the language the page is rendered in
//!   (resolved from the language cookie or `Accept-Language`, as pages do) and the `Accept`
//!   header as sent (dataset pages give RDF clients linked data); no handler of a public
//!   route negotiates on any other request header.
//!
//! When it forgets: every entry after [`TTL`] (pages show open/closed calls and days left),
//! except that while the first visitor after expiry renders the page afresh, the others get
//! the expired copy for up to [`REFRESH_GRACE`] more (so a popular page expiring does not
//! make every visitor at that moment render it at once; likewise, visitors asking for a page
//! that another request is rendering wait up to [`RENDER_WAIT`] for that render);
//! everything when the database's content version changes — checked every few seconds
//! (imports, other nodes) and right after this node served a state-changing request that was
//! not refused (4xx), so an edit shows at once — and when the search index and figures are
//! rebuilt (see `keep_derived_content_current` in the crate root). Every public answer is
//! rendered from the content the version covers (organisations, calls, their vectors), so a
//! request that changed none of it (signing out, a form that saved nothing public) leaves the
//! cache alone: nobody can empty it by sending requests. A response rendered while it was
//! emptied is not stored: fills carry the generation they started in.
//!
//! A hit is answered before the auth guard, but counts against the same rate limits (the
//! search limit), so a client's allowance does not depend on what others asked before.

use std::collections::{HashMap, VecDeque};
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::header::{ACCEPT, AUTHORIZATION, CACHE_CONTROL, REFERRER_POLICY, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::MethodRouter;
use lshub_domain::Language;
use tokio::sync::Notify;

use crate::state::AppState;

/// How long an entry may be served: pages show time-dependent things (open calls, days left).
pub const TTL: Duration = Duration::from_secs(30);

/// How long past its [`TTL`] an entry may still be served while one request renders it anew.
pub const REFRESH_GRACE: Duration = Duration::from_secs(5);

/// How long a visitor waits for another request's render of the same page before rendering
/// it too.
pub const RENDER_WAIT: Duration = Duration::from_secs(2);

/// The memory a cache gets unless told otherwise.
pub const DEFAULT_MAX_BYTES: usize = 64 * 1024 * 1024;

/// What an entry costs beyond its key and body (headers, map and queue slots), so that a
/// flood of tiny answers is bounded too.
const ENTRY_OVERHEAD: usize = 512;

/// Response extension: this answer is the same for every anonymous visitor.
#[derive(Debug, Clone, Copy)]
pub struct PublicContent;

/// Marks every answer of `route` as [`PublicContent`].
pub fn public(route: MethodRouter<AppState>) -> MethodRouter<AppState> {
    route.layer(axum::middleware::map_response(|mut response: Response| async move {
        response.extensions_mut().insert(PublicContent);
        response
    }))
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    language: Language,
    path_and_query: String,
    /// Dataset pages answer RDF clients with linked data at the same address.
    accept: String,
    /// The region's date: calls open and close and items expire at its midnight, so an
    /// answer from the day before is never served, however recently it was stored.
    day: chrono::NaiveDate,
}

impl Key {
    fn size(&self) -> usize {
        self.path_and_query.len() + self.accept.len() + ENTRY_OVERHEAD
    }
}

struct Entry {
    headers: HeaderMap,
    body: Bytes,
    stored: Instant,
    /// A request is rendering this entry afresh since it expired.
    refreshing: bool,
    /// Tells this entry's place in the eviction queue from an older one of the same key.
    serial: u64,
}

#[derive(Default)]
struct Entries {
    map: HashMap<Key, Entry>,
    /// Oldest first, for eviction.
    order: VecDeque<(Key, u64)>,
    bytes: usize,
    next_serial: u64,
}

impl Entries {
    fn remove(&mut self, key: &Key) {
        if let Some(entry) = self.map.remove(key) {
            self.bytes -= key.size() + entry.body.len();
        }
    }
}

/// The cache; with a budget of 0 bytes it is off and the middleware passes everything on.
pub struct PublicCache {
    max_bytes: usize,
    ttl: Duration,
    grace: Duration,
    /// Bumped by every invalidation; changed only while `entries` is locked.
    generation: AtomicU64,
    entries: Mutex<Entries>,
    /// Pages some request is rendering now, with what wakes the requests waiting for them.
    rendering: Mutex<HashMap<Key, Arc<Notify>>>,
    /// The database's content version the entries were rendered from, once known.
    content_version: Mutex<Option<String>>,
    hits: AtomicU64,
    misses: AtomicU64,
    invalidations: AtomicU64,
}

impl PublicCache {
    pub fn new(max_bytes: usize) -> Self {
        Self::with_ttl(max_bytes, TTL, REFRESH_GRACE)
    }

    fn with_ttl(max_bytes: usize, ttl: Duration, grace: Duration) -> Self {
        Self {
            max_bytes,
            ttl,
            grace,
            generation: AtomicU64::new(0),
            entries: Mutex::new(Entries::default()),
            rendering: Mutex::new(HashMap::new()),
            content_version: Mutex::new(None),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            invalidations: AtomicU64::new(0),
        }
    }

    pub fn enabled(&self) -> bool {
        self.max_bytes > 0
    }

    /// Whether an answer of `bytes` may be kept: one must not push out most of the others.
    fn fits(&self, bytes: usize) -> bool {
        bytes <= self.max_bytes / 8
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Either makes this request the one that renders `key` (the guard ends that when
    /// dropped), or hands back what wakes the requests waiting for the one rendering it.
    fn start_render(&self, key: &Key) -> Result<RenderGuard<'_>, Arc<Notify>> {
        let mut rendering = self.rendering.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(done) = rendering.get(key) {
            return Err(done.clone());
        }
        rendering.insert(key.clone(), Arc::new(Notify::new()));
        Ok(RenderGuard { cache: self, key: key.clone() })
    }

    /// Forgets everything, and refuses fills of responses rendered before this.
    pub fn invalidate(&self) {
        let mut entries = self.lock();
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.map.clear();
        entries.order.clear();
        entries.bytes = 0;
        self.invalidations.fetch_add(1, Ordering::Relaxed);
    }

    /// Takes note of the database's content version, and empties the cache if it differs from
    /// the one noted before. The first version noted (as the server starts) empties nothing.
    pub fn content_is(&self, version: String) {
        let mut seen = self.content_version.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if seen.as_ref().is_some_and(|known| *known != version) {
            self.invalidate();
        }
        *seen = Some(version);
    }

    /// The entry for `key` while it is fresh, or expired but being rendered anew. The first
    /// request for an expired entry gets `None` and is the one that renders it.
    fn get(&self, key: &Key) -> Option<(HeaderMap, Bytes)> {
        let mut entries = self.lock();
        let entry = entries.map.get_mut(key)?;
        let age = entry.stored.elapsed();
        let within_grace = age < self.ttl + self.grace;
        if age < self.ttl || (entry.refreshing && within_grace) {
            return Some((entry.headers.clone(), entry.body.clone()));
        }
        if within_grace {
            entry.refreshing = true;
            return None;
        }
        entries.remove(key);
        None
    }

    fn insert(&self, key: Key, generation: u64, headers: HeaderMap, body: Bytes) {
        let size = key.size() + body.len();
        if !self.fits(size) {
            return;
        }
        let mut entries = self.lock();
        if self.generation.load(Ordering::Acquire) != generation {
            return; // Rendered before an invalidation: it may show what changed since.
        }
        entries.remove(&key);
        while entries.bytes + size > self.max_bytes {
            let Some((oldest, serial)) = entries.order.pop_front() else { break };
            if entries.map.get(&oldest).is_some_and(|e| e.serial == serial) {
                entries.remove(&oldest);
            }
        }
        let serial = entries.next_serial;
        entries.next_serial += 1;
        entries.bytes += size;
        entries.order.push_back((key.clone(), serial));
        entries.map.insert(key, Entry { headers, body, stored: Instant::now(), refreshing: false, serial });
        // Queue slots of replaced or expired entries linger until popped; keep them bounded.
        if entries.order.len() > 2 * entries.map.len() + 64 {
            let Entries { map, order, .. } = &mut *entries;
            order.retain(|(key, serial)| map.get(key).is_some_and(|e| e.serial == *serial));
        }
    }

    /// Prometheus lines: hits, misses, invalidations, and what it holds.
    pub fn render_metrics(&self, out: &mut String) {
        let (count, bytes) = {
            let entries = self.lock();
            (entries.map.len(), entries.bytes)
        };
        let counters = [
            ("hits", "Anonymous requests answered from the public cache.", &self.hits),
            ("misses", "Public answers to anonymous requests rendered as the cache lacked them.", &self.misses),
            ("invalidations", "Times the public cache was emptied because content changed.", &self.invalidations),
        ];
        for (name, help, counter) in counters {
            let _ = writeln!(out, "# HELP lshub_public_cache_{name}_total {help}");
            let _ = writeln!(out, "# TYPE lshub_public_cache_{name}_total counter");
            let _ = writeln!(out, "lshub_public_cache_{name}_total {}", counter.load(Ordering::Relaxed));
        }
        for (name, help, value) in [
            ("entries", "Responses in the public cache.", count),
            ("bytes", "Memory the public cache accounts for.", bytes),
        ] {
            let _ = writeln!(out, "# HELP lshub_public_cache_{name} {help}");
            let _ = writeln!(out, "# TYPE lshub_public_cache_{name} gauge");
            let _ = writeln!(out, "lshub_public_cache_{name} {value}");
        }
    }
}

/// Marks the render of one page by one request; dropping it (after the page is stored, or
/// on failure or cancellation) wakes the requests waiting for it.
struct RenderGuard<'a> {
    cache: &'a PublicCache,
    key: Key,
}

impl Drop for RenderGuard<'_> {
    fn drop(&mut self) {
        let mut rendering = self.cache.rendering.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(done) = rendering.remove(&self.key) {
            done.notify_waiters();
        }
    }
}

/// No credentials: neither an `Authorization` header nor a session cookie (even an expired
/// one, which the guard would have to look up).
fn anonymous(headers: &HeaderMap) -> bool {
    !headers.contains_key(AUTHORIZATION) && crate::auth::cookie(headers, crate::auth::SESSION_COOKIE).is_none()
}

/// Whether `response` may be served to every anonymous visitor asking the same.
fn storable(response: &Response) -> bool {
    let private = response
        .headers()
        .get_all(CACHE_CONTROL)
        .iter()
        .any(|v| v.to_str().map_or(true, |v| v.contains("private") || v.contains("no-store")));
    response.status() == StatusCode::OK
        && response.extensions().get::<PublicContent>().is_some()
        && !response.headers().contains_key(SET_COOKIE)
        && !private
}

/// The middleware: answers anonymous `GET`s from the cache, fills it, and empties it after a
/// state-changing request that changed the content.
pub async fn serve(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let cache = &state.public_cache;
    if !cache.enabled() {
        return next.run(request).await;
    }
    let method = request.method().clone();
    if method != Method::GET {
        let response = next.run(request).await;
        // A refused request (4xx) changed nothing, and needs no look at the database.
        if crate::auth::changes_state(&method) && !response.status().is_client_error() {
            match state.db.content_version(state.today()).await {
                Ok(version) => cache.content_is(version),
                Err(e) => {
                    tracing::error!(error = %e, "reading the content version failed");
                    cache.invalidate();
                }
            }
        }
        return response;
    }
    if !anonymous(request.headers()) {
        return next.run(request).await;
    }
    let key = Key {
        language: crate::i18n::language_from(request.headers()),
        path_and_query: request.uri().path_and_query().map_or("/", |p| p.as_str()).to_owned(),
        accept: request.headers().get(ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned(),
        day: state.today(),
    };
    if let Some(hit) = cache.get(&key) {
        return answer_from_cache(&state, request, hit).await;
    }
    let render = match cache.start_render(&key) {
        Ok(guard) => Some(guard),
        Err(done) => {
            // Registered before looking again, so a render finishing in between still wakes us.
            let finished = done.notified();
            tokio::pin!(finished);
            finished.as_mut().enable();
            if cache.get(&key).is_none() {
                let _ = tokio::time::timeout(RENDER_WAIT, finished).await;
            }
            if let Some(hit) = cache.get(&key) {
                return answer_from_cache(&state, request, hit).await;
            }
            None // The other render was not stored (or is slow): render it here too.
        }
    };
    let generation = cache.generation.load(Ordering::Acquire);
    let response = next.run(request).await;
    if !storable(&response) {
        return response;
    }
    cache.misses.fetch_add(1, Ordering::Relaxed);
    let size = response.body().size_hint().exact().and_then(|n| usize::try_from(n).ok());
    if !size.is_some_and(|n| cache.fits(n)) {
        return response; // Unknown or too large: not worth reading ahead.
    }
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            cache.insert(key, generation, parts.headers.clone(), bytes.clone());
            drop(render);
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(e) => {
            tracing::error!(error = %e, "reading a response to cache it failed");
            Response::from_parts(parts, Body::empty())
        }
    }
}

async fn answer_from_cache(state: &AppState, request: Request, (headers, body): (HeaderMap, Bytes)) -> Response {
    let (parts, _) = request.into_parts();
    if let Some(refused) = crate::auth::count_against_rate_limit(state, &parts).await {
        return refused;
    }
    state.public_cache.hits.fetch_add(1, Ordering::Relaxed);
    let mut response = Response::new(Body::from(body));
    *response.headers_mut() = headers;
    response.extensions_mut().insert(PublicContent);
    response
}

/// Pages and files that are nobody's to keep or pass on by accident: one's own agenda file, a
/// soft-landing package. Not for pages with forms: without a referrer, browsers send their
/// posts with `Origin: null`, which the CSRF check refuses.
pub(crate) fn private(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    response
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::routing::{get, post};
    use axum::Router;
    use lshub_storage::Database;
    use tower::ServiceExt;

    use super::*;
    use crate::state::SiteConfig;

    /// A router behind the cache and the guard whose answers count the renders, so a repeat
    /// shows whether it was rendered again.
    async fn counting_app(max_bytes: usize) -> (Router, Arc<AtomicU64>) {
        let db = Database::connect("sqlite::memory:").await.expect("database");
        db.migrate().await.expect("migrate");
        let site = SiteConfig {
            region: "Amsterdam".into(),
            public_url: "http://hub.test".into(),
            contact_email: None,
            ..SiteConfig::default()
        };
        let limits = crate::auth::rate_limit::RateLimits { search: 3, ..Default::default() };
        let accounts =
            crate::AccountsConfig { limits, ..crate::AccountsConfig::with_data_dir(std::path::Path::new("data")) };
        let state = AppState::open(db, site).await.expect("state").with_public_cache(max_bytes).with_accounts(accounts);
        // What the server's content check does as it starts.
        state.public_cache.content_is(state.db.content_version(state.today()).await.expect("content version"));
        let renders = Arc::new(AtomicU64::new(0));
        let render = {
            let renders = renders.clone();
            move |request: Request| async move {
                let n = renders.fetch_add(1, Ordering::SeqCst);
                let language = crate::i18n::language_from(request.headers()).code();
                format!("render {n} in {language}")
            }
        };
        let slow_render = {
            let renders = renders.clone();
            move || async move {
                tokio::time::sleep(Duration::from_millis(100)).await;
                format!("slow render {}", renders.fetch_add(1, Ordering::SeqCst))
            }
        };
        let with_cookie = |render: Response| async move {
            let mut response = render;
            response.headers_mut().insert(SET_COOKIE, "a=b".parse().expect("header"));
            response
        };
        let app = Router::new()
            .route("/page", public(get(render.clone())))
            .route("/search", public(get(render.clone())))
            .route("/private", get(render.clone()))
            .route("/slow", public(get(slow_render)))
            .route("/cookie", public(get(render.clone()).layer(axum::middleware::map_response(with_cookie))))
            .route("/edit", post(|| async { "saved nothing public" }))
            .route("/save", post(save_content))
            .layer(axum::middleware::from_fn_with_state(state.clone(), crate::auth::guard))
            .layer(axum::middleware::from_fn_with_state(state.clone(), serve))
            .with_state(state);
        (app, renders)
    }

    /// Changes the content: a vector is part of it.
    async fn save_content(State(state): State<AppState>) -> Result<&'static str, String> {
        let vector = lshub_storage::StoredVector {
            entity: "organisation".into(),
            key: "some-organisation".into(),
            text_hash: "hash".into(),
            vector: vec![0.5, 0.5],
        };
        state.db.save_vectors("test-model", &[vector]).await.map_err(|e| e.to_string())?;
        Ok("saved")
    }

    async fn send(app: &Router, method: Method, path: &str, headers: &[(&str, &str)]) -> String {
        send_for_status(app, method, path, headers).await.1
    }

    async fn send_for_status(
        app: &Router,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let mut request = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = app.clone().oneshot(request.body(Body::empty()).expect("request")).await.expect("response");
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.expect("body");
        (status, String::from_utf8(bytes.to_vec()).expect("text"))
    }

    #[tokio::test]
    async fn hits_count_against_the_search_limit() {
        let (app, renders) = counting_app(1 << 20).await;
        for _ in 0..3 {
            assert_eq!(send_for_status(&app, Method::GET, "/search?q=blood", &[]).await.0, StatusCode::OK);
        }
        assert_eq!(renders.load(Ordering::SeqCst), 1, "rendered once, then from the cache");
        let (status, _) = send_for_status(&app, Method::GET, "/search?q=blood", &[]).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the fourth search of the minute is refused");
    }

    #[tokio::test]
    async fn visitors_asking_at_once_wait_for_one_render() {
        let (app, renders) = counting_app(1 << 20).await;
        let visitors: Vec<_> = (0..8)
            .map(|_| {
                let app = app.clone();
                tokio::spawn(async move { send(&app, Method::GET, "/slow", &[]).await })
            })
            .collect();
        let mut pages = Vec::new();
        for visitor in visitors {
            pages.push(visitor.await.expect("a visitor"));
        }
        assert_eq!(renders.load(Ordering::SeqCst), 1, "one render for everybody");
        assert!(pages.iter().all(|page| *page == pages[0]), "the same page for everybody");
    }

    #[tokio::test]
    async fn visitors_get_the_first_render_again() {
        let (app, renders) = counting_app(1 << 20).await;
        let first = send(&app, Method::GET, "/page?q=1", &[]).await;
        assert_eq!(send(&app, Method::GET, "/page?q=1", &[]).await, first, "the same bytes");
        assert_eq!(renders.load(Ordering::SeqCst), 1, "rendered once");
        send(&app, Method::GET, "/page?q=2", &[]).await;
        assert_eq!(renders.load(Ordering::SeqCst), 2, "another query is another page");
        send(&app, Method::HEAD, "/page?q=1", &[]).await;
        assert_eq!(renders.load(Ordering::SeqCst), 3, "HEAD is passed on");
    }

    #[tokio::test]
    async fn each_language_is_rendered_for_itself() {
        let (app, _) = counting_app(1 << 20).await;
        let dutch = send(&app, Method::GET, "/page", &[("accept-language", "nl-NL,nl;q=0.9")]).await;
        let english = send(&app, Method::GET, "/page", &[("accept-language", "en")]).await;
        assert!(dutch.ends_with(" in nl") && english.ends_with(" in en"), "{dutch} / {english}");
        let by_cookie =
            send(&app, Method::GET, "/page", &[("accept-language", "en"), ("cookie", "lshub_lang=nl")]).await;
        assert_eq!(by_cookie, dutch, "the cookie decides, as on pages");
        assert_eq!(send(&app, Method::GET, "/page", &[("accept-language", "en-GB")]).await, english);
    }

    #[tokio::test]
    async fn signed_in_callers_neither_read_nor_fill_it() {
        let (app, renders) = counting_app(1 << 20).await;
        // The guard takes an unknown session for a visitor and refuses an unknown token; the
        // cache looks only at whether credentials are sent.
        let session = [("cookie", "lshub_session=secret")];
        let token = [("authorization", "Bearer secret")];
        send(&app, Method::GET, "/page", &session).await;
        send(&app, Method::GET, "/page", &session).await;
        assert_eq!(renders.load(Ordering::SeqCst), 2, "rendered for each");
        let visitor = send(&app, Method::GET, "/page", &[]).await;
        assert_eq!(visitor, "render 2 in en", "nothing was stored for the visitor");
        send(&app, Method::GET, "/page", &session).await;
        assert_eq!(renders.load(Ordering::SeqCst), 4, "the visitor's copy is not theirs");
        let (status, _) = send_for_status(&app, Method::GET, "/page", &token).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "a token is checked (off to sign in), not answered from the cache");
    }

    #[tokio::test]
    async fn only_public_answers_without_cookies_are_kept() {
        let (app, renders) = counting_app(1 << 20).await;
        for path in ["/private", "/private", "/cookie", "/cookie"] {
            send(&app, Method::GET, path, &[]).await;
        }
        assert_eq!(renders.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn only_a_change_of_content_empties_it() {
        let (app, renders) = counting_app(1 << 20).await;
        send(&app, Method::GET, "/page", &[]).await;
        let (status, _) = send_for_status(&app, Method::POST, "/save", &[]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "no CSRF token");
        assert_eq!(send(&app, Method::GET, "/page", &[]).await, "render 0 in en", "a refused request changed nothing");
        let token = "ab".repeat(32);
        let cookie = format!("{}={token}", crate::auth::CSRF_COOKIE);
        let headers = [("cookie", cookie.as_str()), (crate::auth::CSRF_HEADER, token.as_str())];
        for _ in 0..3 {
            let (status, _) = send_for_status(&app, Method::POST, "/edit", &headers).await;
            assert_eq!(status, StatusCode::OK);
        }
        assert_eq!(send(&app, Method::GET, "/page", &[]).await, "render 0 in en", "nothing public changed");
        let (status, _) = send_for_status(&app, Method::POST, "/save", &headers).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(send(&app, Method::GET, "/page", &[]).await, "render 1 in en", "a saved change empties it");
        let (status, _) = send_for_status(&app, Method::TRACE, "/page", &[]).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(send(&app, Method::GET, "/page", &[]).await, "render 1 in en", "TRACE changes nothing");
        assert_eq!(renders.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_budget_of_nothing_turns_it_off() {
        let (app, renders) = counting_app(0).await;
        send(&app, Method::GET, "/page", &[]).await;
        send(&app, Method::GET, "/page", &[]).await;
        assert_eq!(renders.load(Ordering::SeqCst), 2);
    }

    fn key(path: &str, language: Language) -> Key {
        Key { language, path_and_query: path.into(), accept: String::new(), day: chrono::NaiveDate::MIN }
    }

    fn body(cache: &PublicCache, key: &Key) -> Option<Bytes> {
        cache.get(key).map(|(_, body)| body)
    }

    #[test]
    fn languages_are_apart() {
        let cache = PublicCache::new(1 << 20);
        let generation = cache.generation.load(Ordering::Acquire);
        cache.insert(key("/", Language::En), generation, HeaderMap::new(), Bytes::from("home"));
        assert_eq!(body(&cache, &key("/", Language::En)), Some(Bytes::from("home")));
        assert_eq!(body(&cache, &key("/", Language::Nl)), None);
        assert_eq!(body(&cache, &key("/?", Language::En)), None);
    }

    #[test]
    fn memory_stays_within_the_budget() {
        let budget = 64 * 1024;
        let cache = PublicCache::new(budget);
        let generation = cache.generation.load(Ordering::Acquire);
        let page = Bytes::from(vec![b'x'; 1000]);
        for i in 0..1000 {
            cache.insert(key(&format!("/organisations/{i}"), Language::En), generation, HeaderMap::new(), page.clone());
            let entries = cache.lock();
            assert!(entries.bytes <= budget, "{} bytes after {i} inserts", entries.bytes);
            assert!(entries.order.len() <= 2 * entries.map.len() + 65);
        }
        assert!(body(&cache, &key("/organisations/999", Language::En)).is_some(), "the newest stays");
        assert!(body(&cache, &key("/organisations/0", Language::En)).is_none(), "the oldest went");
        let huge = Bytes::from(vec![b'x'; budget / 4]);
        cache.insert(key("/huge", Language::En), generation, HeaderMap::new(), huge);
        assert!(body(&cache, &key("/huge", Language::En)).is_none(), "too large for its share");
    }

    #[test]
    fn entries_expire() {
        let cache = PublicCache::with_ttl(1 << 20, Duration::from_millis(100), Duration::from_secs(2));
        let generation = cache.generation.load(Ordering::Acquire);
        let calls = key("/calls", Language::En);
        cache.insert(calls.clone(), generation, HeaderMap::new(), Bytes::from("calls"));
        assert!(body(&cache, &calls).is_some());
        std::thread::sleep(Duration::from_millis(150));
        assert!(body(&cache, &calls).is_none(), "the first request after expiry renders it anew");
        assert!(body(&cache, &calls).is_some(), "meanwhile the others get the expired copy");
        cache.insert(calls.clone(), generation, HeaderMap::new(), Bytes::from("calls again"));
        assert_eq!(body(&cache, &calls).as_deref(), Some(&b"calls again"[..]), "the new render replaces it");
        std::thread::sleep(Duration::from_millis(150));
        assert!(body(&cache, &calls).is_none());
        std::thread::sleep(Duration::from_millis(2100));
        assert!(body(&cache, &calls).is_none(), "past the grace, even while refreshing, it is not served");
        assert_eq!(cache.lock().bytes, 0, "the expired entry is gone");
    }

    #[test]
    fn renders_from_before_an_invalidation_are_not_stored() {
        let cache = PublicCache::new(1 << 20);
        let before = cache.generation.load(Ordering::Acquire);
        cache.insert(key("/", Language::En), before, HeaderMap::new(), Bytes::from("old"));
        cache.invalidate();
        assert!(body(&cache, &key("/", Language::En)).is_none(), "emptied");
        cache.insert(key("/", Language::En), before, HeaderMap::new(), Bytes::from("old"));
        assert!(body(&cache, &key("/", Language::En)).is_none(), "a render that began before is refused");
        let mut metrics = String::new();
        cache.render_metrics(&mut metrics);
        assert!(metrics.contains("lshub_public_cache_invalidations_total 1"), "{metrics}");
        assert!(metrics.contains("lshub_public_cache_entries 0"), "{metrics}");
    }

    #[test]
    fn credentials_make_a_caller_known() {
        let mut headers = HeaderMap::new();
        assert!(anonymous(&headers));
        headers.insert("cookie", "lshub_lang=nl; lshub_csrf=abc".parse().expect("header"));
        assert!(anonymous(&headers), "language and CSRF cookies are no credentials");
        headers.insert("cookie", "lshub_lang=nl; lshub_session=secret".parse().expect("header"));
        assert!(!anonymous(&headers));
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, "Bearer token".parse().expect("header"));
        assert!(!anonymous(&headers));
    }
}
