//! The web layer of LSH Hub: server-rendered pages that work without JavaScript, the JSON
//! API under `/api/v1` with its OpenAPI document, feeds, health and metrics.

pub mod api;
pub mod error;
mod feeds;
pub mod i18n;
mod metrics;
pub mod operations;
pub mod pages;
pub mod params;
mod security;
pub mod state;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;

pub use state::{AppState, SiteConfig, StartError};

/// How often each node checks whether the database changed under its derived content.
const SEARCH_REFRESH_INTERVAL: std::time::Duration = std::time::Duration::from_secs(10);

/// Every route of the hub.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes(state.clone()))
        .nest("/api/v1", api::routes())
        .route("/api/openapi.json", get(api::openapi_json))
        .route("/feeds/calls.atom", get(feeds::calls_atom))
        .route("/feeds/deadlines.ics", get(feeds::deadlines_ics))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::show))
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
    let served = axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await;
    refresher.abort();
    served
}

async fn keep_derived_content_current(state: AppState) {
    let mut ticks = tokio::time::interval(SEARCH_REFRESH_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(e) = state.derived.refresh(&state.db).await {
            tracing::error!(error = %e, "refreshing the search index and figures failed");
        }
    }
}
