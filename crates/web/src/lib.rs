//! The web layer of LSH Hub: server-rendered pages that work without JavaScript, the JSON
//! API under `/api/v1` with its OpenAPI document, feeds, health and metrics.

mod access;
mod acquisition;
pub mod api;
pub mod auth;
mod connections;
mod consortia;
mod content;
pub mod digest;
pub mod error;
mod events;
mod facilities;
mod feeds;
pub mod i18n;
mod inquiries;
mod introductions;
mod kinds;
mod map;
mod markdown;
mod metrics;
pub mod operations;
pub mod pages;
pub mod params;
mod pdf;
mod photos;
mod projects;
pub mod public_cache;
pub mod routes;
mod security;
mod sitemap;
pub mod state;
mod talent;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use public_cache::public;
use tokio::net::TcpListener;

pub use auth::{AccountsConfig, OidcSettings};

/// The folder of uploaded files in a data directory.
pub fn uploads_dir(data_dir: &std::path::Path) -> std::path::PathBuf {
    data_dir.join("uploads")
}
pub use connections::DEFAULT_HEADER_TIMEOUT;
pub use digest::send_weekly as send_digests;
pub use introductions::suggestions::propose_weekly as suggest_introductions;
pub use kinds::calls::send_alerts;
pub use kinds::{documents, exports, Export};
pub use routes::RouteTable;
pub use state::{AppState, SiteConfig, StartError};
pub use talent::{send_alerts as send_opening_alerts, send_weekly as send_weekly_fits};

/// How often each node checks whether the database's content changed (an import, another
/// node), to empty its public cache: three small aggregate queries.
const CONTENT_CHECK_INTERVAL: std::time::Duration = std::time::Duration::from_secs(2);
/// How often the scheduled jobs run (the first round runs at start).
const SCHEDULED_JOBS_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);
/// With a listener for changes, how often to check anyway (a turn of the region's date is
/// noticed at the next tick).
const FALLBACK_CHECK_INTERVAL: std::time::Duration = std::time::Duration::from_secs(30);
/// With a listener, the least time between two rebuilds of the search index and figures: a
/// rebuild is costly, and a stream of writes should not keep a node rebuilding.
const MIN_REBUILD_GAP: std::time::Duration = std::time::Duration::from_secs(5);
/// Every how many checks the search index and figures are refreshed; a rebuild is costly,
/// so a burst of edits rebuilds once, not once per check.
const CHECKS_PER_SEARCH_REFRESH: u32 = 5;

/// Every route of the hub; `pages_layer` wraps the HTML pages (their error pages).
fn route_table(pages_layer: impl FnOnce(Router<AppState>) -> Router<AppState>) -> RouteTable {
    let kinds = kinds::registered();
    RouteTable::new()
        .merge(
            pages::routes()
                .merge(kinds.pages)
                .merge(access::pages::routes())
                .merge(access::file_routes())
                .merge(acquisition::pages::routes())
                .merge(consortia::pages::routes())
                .merge(introductions::pages::routes())
                .merge(introductions::suggestions::page_routes())
                .merge(events::pages::routes())
                .merge(events::agenda::routes())
                .merge(events::meetings::pages::routes())
                .merge(digest::page_routes())
                .merge(talent::page_routes())
                .merge(facilities::page_routes())
                .merge(inquiries::page_routes())
                .merge(photos::page_routes())
                .merge(events::feeds::page_routes())
                .merge(projects::pages::routes())
                .merge(map::page_routes())
                .map_router(pages_layer),
        )
        .nest(
            "/api/v1",
            api::routes()
                .merge(kinds.api)
                .merge(access::api::routes())
                .merge(acquisition::api::routes())
                .merge(consortia::api::routes())
                .merge(introductions::api::routes())
                .merge(introductions::suggestions::api_routes())
                .merge(events::api::routes())
                .merge(events::meetings::api::routes())
                .merge(digest::api_routes())
                .merge(talent::api_routes())
                .merge(facilities::api::routes())
                .merge(inquiries::api::routes())
                .merge(photos::api_routes())
                .merge(events::feeds::api_routes())
                .merge(projects::api::routes())
                .merge(map::api_routes()),
        )
        .merge(kinds.feeds)
        .merge(talent::feed_routes())
        .merge(facilities::feed_routes())
        .merge(photos::file_routes())
        .route("/sitemap.xml", public(get(sitemap::sitemap)))
        .route("/robots.txt", public(get(sitemap::robots)))
        .route("/api/openapi.json", public(get(api::openapi_json)))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::show))
}

/// The path of every route, as the router has them (`{slug}` for parameters).
pub fn route_paths() -> Vec<String> {
    route_table(|pages| pages).paths().to_vec()
}

/// The hub's router: every route behind the security checks.
pub fn router(state: AppState) -> Router {
    let pages_state = state.clone();
    route_table(move |pages| pages.layer(axum::middleware::from_fn_with_state(pages_state, pages::render_html_errors)))
        .into_router()
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::guard))
        .layer(axum::extract::DefaultBodyLimit::max(auth::BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(state.clone(), public_cache::serve))
        .layer(axum::middleware::from_fn_with_state(state.clone(), operations::handle))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .with_state(state)
}

async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n"),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}

/// Serves the hub on `listener` until `shutdown` completes; requests in flight finish first.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let refresher = tokio::spawn(keep_derived_content_current(state.clone()));
    let mail = tokio::spawn(deliver_mail(state.clone()));
    let scheduled = tokio::spawn(run_scheduled_jobs(state.clone()));
    let calendars = tokio::spawn(events::feeds::keep_feeds_current(state.clone()));
    let header_timeout = state.header_timeout;
    let served = connections::serve(listener, router(state), header_timeout, shutdown).await;
    refresher.abort();
    mail.abort();
    scheduled.abort();
    calendars.abort();
    served
}

/// Empties the public cache when the database's content changes, and rebuilds the search
/// index and figures (emptying the cache again, as pages rendered meanwhile used the old).
/// On PostgreSQL it acts when any node commits a write, and polls only rarely, and at once
/// after its listening connection was lost; on SQLite it polls.
async fn keep_derived_content_current(state: AppState) {
    let mut listener = match state.db.listen_for_changes().await {
        Ok(listener) => listener,
        Err(e) => {
            tracing::error!(error = %e, "listening for other nodes' changes failed; polling instead");
            None
        }
    };
    let mut ticks = tokio::time::interval(CONTENT_CHECK_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut checks = 0u32;
    let long_ago = |gap| tokio::time::Instant::now().checked_sub(gap).unwrap_or_else(tokio::time::Instant::now);
    let mut last_rebuild = long_ago(MIN_REBUILD_GAP);
    let mut last_check = long_ago(FALLBACK_CHECK_INTERVAL);
    let mut checked_on = state.today();
    loop {
        let heard = match listener.as_mut() {
            Some(listener) => tokio::select! {
                _ = ticks.tick() => false,
                heard = listener.next() => {
                    if let Err(e) = heard {
                        tracing::error!(error = %e, "listening for changes failed; checking now");
                        tokio::time::sleep(CONTENT_CHECK_INTERVAL).await;
                    }
                    true
                }
            },
            None => {
                ticks.tick().await;
                false
            }
        };
        // With a listener, a tick only matters when the region's date turned (items expire,
        // calls open and close) or the fallback check is due.
        let quiet = !heard && checked_on == state.today() && last_check.elapsed() < FALLBACK_CHECK_INTERVAL;
        if listener.is_some() && quiet {
            continue;
        }
        last_check = tokio::time::Instant::now();
        checked_on = state.today();
        if state.public_cache.enabled() {
            match state.db.content_version(state.today()).await {
                Ok(version) => state.public_cache.content_is(version),
                Err(e) => tracing::error!(error = %e, "reading the content version failed"),
            }
        }
        checks = checks.wrapping_add(1);
        // Polling rebuilds every few checks, so a burst of edits rebuilds once. A change
        // heard is acted on at once, unless a rebuild ran moments ago: then once the gap
        // has passed, for all the changes heard meanwhile.
        if listener.is_some() {
            tokio::time::sleep_until(last_rebuild + MIN_REBUILD_GAP).await;
        }
        if listener.is_some() || checks % CHECKS_PER_SEARCH_REFRESH == 1 {
            match state.derived.refresh(&state.db, state.today()).await {
                Ok(true) => {
                    last_rebuild = tokio::time::Instant::now();
                    state.public_cache.invalidate();
                }
                Ok(false) => {}
                Err(e) => tracing::error!(error = %e, "refreshing the search index and figures failed"),
            }
        }
    }
}

/// Mails the owners of items that expire within a week, in both languages (the hub does
/// not know which one each member reads).
async fn remind_of_expiry(state: &AppState) {
    let compose = |item: &lshub_storage::content::ExpiringItem| {
        let link = format!("{}/{}/{}/edit", state.site.public_url, kind_path(&item.kind), item.slug);
        let in_language = |lang: lshub_domain::Language, id: &str| {
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("title", item.title.clone());
            args.set("link", link.clone());
            args.set("date", pages::format::date(lang, item.expires_on));
            state.i18n.format(lang, id, Some(&args))
        };
        use lshub_domain::Language::{En, Nl};
        let subject =
            format!("{} / {}", in_language(Nl, "mail-expiry-subject"), in_language(En, "mail-expiry-subject"));
        let body = format!("{}\n\n---\n\n{}", in_language(Nl, "mail-expiry-body"), in_language(En, "mail-expiry-body"));
        (subject, body)
    };
    match lshub_service::content::remind_of_expiry(&state.db, state.today(), compose).await {
        Ok(0) => {}
        Ok(reminded) => {
            tracing::info!(reminded, "expiry reminders queued");
            state.accounts.mail_queued.notify_one();
        }
        Err(e) => tracing::error!(error = %e, "queueing expiry reminders failed"),
    }
}

fn kind_path(id: &str) -> &'static str {
    lshub_domain::content::kind_by_id(id).map_or("", |kind| kind.path)
}

/// About once a minute: clears expired sessions and codes and runs the jobs that queue mail
/// (reminders, alerts, introductions, digests) or settle waiting lists. Apart from delivery,
/// so a slow round never holds up a sign-up's verification mail.
async fn run_scheduled_jobs(state: AppState) {
    let mut ticks = tokio::time::interval(SCHEDULED_JOBS_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(e) = state.db.purge_expired().await {
            tracing::error!(error = %e, "purging expired sessions failed");
        }
        remind_of_expiry(&state).await;
        report_queued(&state, "call alerts", kinds::calls::send_alerts(&state).await);
        introductions::run_due(&state).await;
        introductions::propose_weekly(&state).await;
        report_queued(&state, "weekly digests", digest::send_weekly(&state).await);
        report_queued(&state, "weekly vacancies", talent::send_weekly(&state).await);
        report_queued(&state, "vacancy alerts", talent::send_alerts(&state).await);
        events::settle_waiting_lists(&state).await;
    }
}

/// Logs what a scheduled job that queues mail did, and wakes delivery when it queued any.
fn report_queued(state: &AppState, job: &'static str, outcome: Result<usize, impl std::fmt::Display>) {
    match outcome {
        Ok(0) => {}
        Ok(queued) => {
            tracing::info!(queued, job, "mail queued");
            state.accounts.mail_queued.notify_one();
        }
        Err(e) => tracing::error!(error = %e, job, "queueing mail failed"),
    }
}

/// Answers queued reset requests and delivers queued mail when a handler queues either, and
/// every few seconds for what other nodes queued or what failed before.
async fn deliver_mail(state: AppState) {
    loop {
        auth::reset::answer_reset_requests(&state).await;
        auth::mail::deliver_pending(&state).await;
        let _ = tokio::time::timeout(auth::mail::POLL_INTERVAL, state.accounts.mail_queued.notified()).await;
    }
}
