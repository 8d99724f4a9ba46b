//! The JSON API under `/api/v1`, described by the OpenAPI document at `/api/openapi.json`.

mod account;
pub(crate) mod matching;
mod resolve;
mod search;
mod stats;
pub mod wire;

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use utoipa::OpenApi;

use crate::error::{AppError, Problem};
use crate::public_cache::public;
use crate::routes::RouteTable;
use crate::state::AppState;

pub(crate) use account::JsonBody;
use search::SearchTypes;
pub use search::{entity_path, hit_path};

pub fn routes() -> RouteTable {
    RouteTable::new()
        .route("/stats", public(get(stats::show)))
        .route("/search", public(get(search::search)))
        .route("/resolve", public(get(resolve::resolve)))
        .route("/match", public(get(matching::find_matches)))
        .route("/me", get(account::me))
        .map_router(|api| api.fallback(|| async { AppError::not_found("API endpoint") }))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "LSH Hub API",
        description = "Organisations and funding calls of a regional Life Sciences & Health cluster. \
                       Errors are RFC 9457 problem details.",
        license(name = "EUPL-1.2")
    ),
    paths(
        stats::show,
        search::search,
        resolve::resolve,
        matching::find_matches,
        account::me
    ),
    components(schemas(Problem)),
    modifiers(&BearerTokens, &SearchTypes),
    tags((name = "stats"), (name = "search"), (name = "account"))
)]
pub struct ApiDoc;

/// Personal API tokens, sent as `Authorization: Bearer TOKEN`.
struct BearerTokens;

impl utoipa::Modify for BearerTokens {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI 3 document.
pub async fn openapi_json() -> impl IntoResponse {
    let json = crate::kinds::openapi().to_pretty_json().unwrap_or_default();
    ([(header::CONTENT_TYPE, "application/json")], json)
}

/// The public page of an entity, for the `url` field of API items.
pub(crate) fn page_url(state: &AppState, path: &str) -> String {
    format!("{}{path}", state.site.public_url)
}
