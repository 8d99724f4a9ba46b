//! `GET /api/v1/map`: the map's points as JSON, with the page's parameters.

use axum::extract::State;
use axum::Json;
use lshub_domain::Language;
use serde::Serialize;
use utoipa::ToSchema;

use super::{Layer, MapParams};
use crate::error::{AppError, Problem};
use crate::params::Params;
use crate::state::AppState;

/// One item on the map.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MapPoint {
    pub layer: Layer,
    pub slug: String,
    /// Its page on the hub.
    pub url: String,
    pub title: String,
    pub latitude: f64,
    pub longitude: f64,
    /// Whether the map draws it: false outside the Netherlands and Belgium (the map's
    /// frame), where it is only listed.
    pub drawn: bool,
}

/// The points of the layers asked for, by layer and title.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MapPoints {
    pub items: Vec<MapPoint>,
    /// Spaces and facilities of the layers asked for that have no place: a space without
    /// coordinates, a facility whose owner has none.
    pub unplaced: usize,
    /// The organisations that match the filters; when more than 250, only the first 250
    /// by name are in `items`.
    pub organisations_matching: i64,
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(points), components(schemas(MapPoint, MapPoints, Layer)), tags((name = "map", description = "Spaces, facilities and organisations with their coordinates")))]
pub struct MapApi;

/// The map's points: spaces at their coordinates, facilities at their owner organisation's
/// address, and (when asked for) organisations of the directory at theirs.
#[utoipa::path(get, path = "/api/v1/map", tag = "map", operation_id = "mapPoints",
    params(MapParams),
    responses(
        (status = 200, description = "The points of the layers asked for", body = MapPoints),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json")
    ))]
pub(super) async fn points(
    State(state): State<AppState>,
    Params(p): Params<MapParams>,
) -> Result<Json<MapPoints>, AppError> {
    let request = p.request()?;
    // Titles in English first, as the rest of the API gives them.
    let found = super::points(&state, &request, Language::En).await?;
    let base = state.site.public_url.trim_end_matches('/').to_owned();
    let items = found
        .points
        .into_iter()
        .map(|point| MapPoint {
            layer: point.layer,
            url: format!("{base}{}", point.path()),
            drawn: point.drawn(),
            latitude: point.at.latitude,
            longitude: point.at.longitude,
            title: point.title,
            slug: point.slug,
        })
        .collect();
    Ok(Json(MapPoints { items, unplaced: found.unplaced, organisations_matching: found.organisations_matching }))
}
