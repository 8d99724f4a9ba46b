//! One search box over organisations and calls.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use lshub_search::{EntityType, SnippetPart};

use super::widgets::SelectOption;
use super::{render, PageContext};
use crate::api::hit_path;
use crate::error::AppError;
use crate::params::{Params, SearchParams};
use crate::state::AppState;

pub struct ResultRow {
    pub url: String,
    pub title: String,
    pub entity: String,
    pub why: String,
    pub snippet: Vec<SnippetPart>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    ctx: PageContext,
    q: String,
    types: Vec<SelectOption>,
    searched: bool,
    count: String,
    rows: Vec<ResultRow>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    Params(params): Params<SearchParams>,
) -> Result<Response, AppError> {
    let request = params.to_request(state.today())?;
    let hits = match &request {
        Some(request) => state.derived.index.search(request).map_err(AppError::Search)?,
        None => Vec::new(),
    };
    let t = &ctx.t;
    let entity_label = |entity: EntityType| t.t(&format!("search-type-{}", entity.id()));
    let view = SearchPage {
        q: params.q.clone().unwrap_or_default(),
        types: EntityType::all()
            .map(|e| {
                SelectOption::new(e.id(), entity_label(e), request.as_ref().and_then(|r| r.entity).map(EntityType::id))
            })
            .collect(),
        searched: request.is_some(),
        count: t.count("search-count", hits.len() as i64),
        rows: hits
            .iter()
            .map(|hit| ResultRow {
                url: hit_path(hit),
                title: hit.title.clone(),
                entity: t.t(&format!("entity-{}", hit.entity.id())),
                why: hit
                    .why
                    .iter()
                    .map(|reason| {
                        let field = t.t(&format!("search-field-{}", reason.field.id()));
                        match (reason.similarity, reason.terms.is_empty()) {
                            // As a percentage: the same in both languages, no decimal separator.
                            (Some(similarity), _) => format!("{field} ({:.0}%)", similarity * 100.0),
                            (None, true) => field,
                            (None, false) => format!("{field} ({})", reason.terms.join(", ")),
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                snippet: hit.snippet.clone(),
            })
            .collect(),
        ctx,
    };
    render(&view)
}
