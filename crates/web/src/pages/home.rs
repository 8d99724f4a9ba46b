//! The front page: the cluster's proposition with live key figures.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::Utc;
use lshub_domain::{CallFilter, CallStatus, OrganisationKind};

use super::calls::CallRow;
use super::{format, render, PageContext};
use crate::error::AppError;
use crate::state::AppState;

pub struct KindFigure {
    pub label: String,
    pub count: String,
    pub url: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: PageContext,
    organisations_total: String,
    kinds: Vec<KindFigure>,
    open_calls: String,
    forthcoming_calls: String,
    next_deadlines: Vec<CallRow>,
}

pub async fn show(State(state): State<AppState>, ctx: PageContext) -> Result<Response, AppError> {
    let figures = state.derived.figures();
    let stats = &figures.stats;
    let upcoming = state.db.list_calls(&CallFilter::upcoming_deadlines(Utc::now().date_naive(), 5)).await?;
    let t = &ctx.t;
    let kinds = stats
        .organisations_by_kind
        .iter()
        .filter_map(|figure| {
            let kind = OrganisationKind::from_id(&figure.key)?;
            Some(KindFigure {
                label: t.t(&format!("kind-{}", kind.id())),
                count: format::number(t.lang, figure.count),
                url: format!("/organisations?kind={}", kind.id()),
            })
        })
        .collect();
    let page = HomePage {
        organisations_total: t.count("home-organisations-total", stats.organisations),
        kinds,
        open_calls: t.count("home-open-calls", stats.calls_with_status(CallStatus::Open)),
        forthcoming_calls: t.count("home-forthcoming-calls", stats.calls_with_status(CallStatus::Forthcoming)),
        next_deadlines: upcoming.items.iter().map(|call| CallRow::new(t, call)).collect(),
        ctx,
    };
    render(&page)
}
