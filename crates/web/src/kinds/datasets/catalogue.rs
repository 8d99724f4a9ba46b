//! The catalogue as linked data: every listed dataset in DCAT-AP 3 with the HealthDCAT-AP
//! extensions, at `/catalogue.ttl`, `/catalogue.jsonld` and `/catalogue.rdf`, and each
//! dataset's page in the RDF syntax a client's `Accept` header prefers.

use axum::extract::State;
use axum::http::header::{CONTENT_TYPE, VARY};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use lshub_dcat::{CatalogueInfo, DcatError, RdfSyntax};
use lshub_domain::content::Item;
use lshub_domain::dataset::Dataset;

use crate::error::AppError;
use crate::public_cache::public;
use crate::routes::RouteTable;
use crate::state::AppState;

pub fn routes() -> RouteTable {
    RdfSyntax::ALL.into_iter().fold(RouteTable::new(), |routes, syntax| {
        routes.route(
            &format!("/catalogue.{}", syntax.extension()),
            public(get(move |state: State<AppState>| catalogue(state, syntax))),
        )
    })
}

async fn catalogue(State(state): State<AppState>, syntax: RdfSyntax) -> Result<Response, AppError> {
    let datasets = state.db.listed_items::<Dataset>(state.today()).await?;
    let info = CatalogueInfo {
        base_url: &state.site.public_url,
        region: &state.site.region,
        contact_email: state.site.contact_email.as_deref(),
    };
    let graph = lshub_dcat::catalogue_graph(&info, &datasets).map_err(internal)?;
    rdf_response(&graph, syntax)
}

/// The dataset's description in `syntax`, for its page's content negotiation.
pub fn dataset(state: &AppState, item: &Item<Dataset>, syntax: RdfSyntax) -> Result<Response, AppError> {
    let graph = lshub_dcat::dataset_graph(&state.site.public_url, item).map_err(internal)?;
    rdf_response(&graph, syntax)
}

fn rdf_response(graph: &lshub_dcat::Graph, syntax: RdfSyntax) -> Result<Response, AppError> {
    let body = lshub_dcat::write(graph, syntax).map_err(internal)?;
    Ok(([(CONTENT_TYPE, syntax.media_type()), (VARY, "Accept")], body).into_response())
}

/// The hub's own datasets passed validation, so a graph that cannot be built is the hub's fault.
fn internal(error: DcatError) -> AppError {
    AppError::Internal(error.to_string())
}
