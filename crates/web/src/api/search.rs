use axum::extract::State;
use axum::Json;
use lshub_domain::{topic_id_path_segment, Reason, ValidationError};
use lshub_search::{EntityType, SearchHit};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{AppError, Problem};
use crate::params::{Params, SearchParams};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResult {
    #[serde(flatten)]
    pub hit: SearchHit,
    /// The entity's page in the hub.
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    /// Best first.
    pub items: Vec<SearchResult>,
}

/// The path of a hit's page in the hub.
pub fn hit_path(hit: &SearchHit) -> String {
    entity_path(hit.entity, &hit.key)
}

/// The path of an entity's page in the hub, by the key of its page (one path segment:
/// topic ids may hold a `/`).
pub fn entity_path(entity: EntityType, key: &str) -> String {
    format!("/{}/{}", entity.kind().path, topic_id_path_segment(key))
}

/// Search organisations and calls with plain words, in Dutch or English.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "Results, best first, each with why it matched", body = SearchResults),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many searches from this address; `Retry-After` says when to try again", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    Params(params): Params<SearchParams>,
) -> Result<Json<SearchResults>, AppError> {
    let request = params.to_request(state.today())?.ok_or_else(|| ValidationError::new("q", Reason::Empty))?;
    let hits = state.derived.index.search(&request).map_err(AppError::Search)?;
    let items =
        hits.into_iter().map(|hit| SearchResult { url: super::page_url(&state, &hit_path(&hit)), hit }).collect();
    Ok(Json(SearchResults { items }))
}

/// Names every kind of the registry in the OpenAPI description of the search's `type`
/// parameter, so that a kind is documented as searchable the moment it is registered.
pub(crate) struct SearchTypes;

impl utoipa::Modify for SearchTypes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let ids: Vec<&str> = lshub_domain::content::KINDS.iter().map(|kind| kind.id).collect();
        let quoted: Vec<String> = ids.iter().map(|id| format!("`{id}`")).collect();
        let named = match quoted.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        };
        let search = openapi.paths.paths.get_mut("/api/v1/search").and_then(|item| item.get.as_mut());
        for parameter in search.and_then(|get| get.parameters.as_mut()).into_iter().flatten() {
            if parameter.name == "type" {
                parameter.description = Some(format!("A kind of content: {named}; empty for all."));
                let pattern = format!("^({})?$", ids.join("|"));
                parameter.schema = Some(ObjectBuilder::new().schema_type(Type::String).pattern(Some(pattern)).into());
            }
        }
    }
}
