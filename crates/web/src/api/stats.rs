use axum::extract::State;
use axum::Json;
use lshub_domain::CallFilter;
use serde::Serialize;
use utoipa::ToSchema;

use super::wire::HubStatsWire;
use crate::error::AppError;
use crate::kinds::calls::CallSummary;
use crate::state::AppState;

/// The hub's key figures, so that every partner publishes the same numbers.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatsResponse {
    #[serde(flatten)]
    pub stats: HubStatsWire,
    /// The next deadlines of open calls.
    pub next_deadlines: Vec<CallSummary>,
}

/// Key figures: organisations by kind and country, calls by status, next deadlines.
#[utoipa::path(
    get,
    path = "/api/v1/stats",
    tag = "stats",
    responses((status = 200, description = "Key figures", body = StatsResponse))
)]
pub async fn show(State(state): State<AppState>) -> Result<Json<StatsResponse>, AppError> {
    let stats = HubStatsWire::from(&state.derived.figures().stats);
    let next = state.db.list_calls(&CallFilter::upcoming_deadlines(state.today(), 5)).await?;
    Ok(Json(StatsResponse { stats, next_deadlines: next.items.iter().map(|c| CallSummary::new(&state, c)).collect() }))
}
