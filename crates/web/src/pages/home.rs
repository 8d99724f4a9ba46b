//! The front page: the cluster's proposition with live key figures.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use lshub_domain::{CallFilter, CallStatus, OrganisationKind};

use super::{format, render, PageContext};
use crate::error::AppError;
use crate::kinds::calls::CallRow;
use crate::state::AppState;

/// How many deadlines the front page lists, and from how many candidates it picks them.
const NEXT_DEADLINES: usize = 5;
const DEADLINE_WINDOW: u32 = 50;

/// What the partners do together, one message each (the actions of the agreement).
const ACTIONS: [&str; 8] = [
    "home-action-proposition",
    "home-action-acquisition",
    "home-action-exchange",
    "home-action-talent",
    "home-action-space",
    "home-action-financing",
    "home-action-ecosystem",
    "home-action-data",
];

pub struct KindFigure {
    pub label: String,
    pub count: String,
    pub url: String,
}

/// A sector's vacancies: posted, open, filled and the median days to fill.
pub struct SectorRow {
    pub sector: String,
    pub posted: String,
    pub open: String,
    pub filled: String,
    pub median_days: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: PageContext,
    organisations_total: String,
    kinds: Vec<KindFigure>,
    open_calls: String,
    forthcoming_calls: String,
    /// One figure per member-written kind, in the registry's order.
    written: Vec<KindFigure>,
    next_deadlines: Vec<CallRow>,
    vacancy_sectors: Vec<SectorRow>,
    actions: Vec<String>,
}

pub async fn show(State(state): State<AppState>, ctx: PageContext) -> Result<Response, AppError> {
    let figures = state.derived.figures();
    let stats = &figures.stats;
    let today = state.today();
    // The list is ordered by each call's first deadline; a call whose first deadline has
    // passed but whose next one is ahead sorts early, so a wider window re-sorted by the
    // next deadline finds the truly nearest ones.
    let upcoming = state.db.list_calls(&CallFilter::upcoming_deadlines(today, DEADLINE_WINDOW)).await?;
    let mut upcoming: Vec<_> =
        upcoming.items.iter().filter_map(|c| Some((c.content.next_deadline(today)?, c))).collect();
    upcoming.sort_by_key(|(deadline, _)| *deadline);
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
        written: lshub_domain::content::KINDS
            .iter()
            .filter(|kind| kind.is_written())
            .map(|kind| KindFigure {
                label: t.count(&format!("kind-{}-count", kind.id), stats.items_of_kind(kind)),
                count: format::number(t.lang, stats.items_of_kind(kind)),
                url: format!("/{}", kind.path),
            })
            .collect(),
        vacancy_sectors: stats
            .vacancies_by_sector
            .iter()
            .map(|figure| SectorRow {
                sector: OrganisationKind::from_id(&figure.sector)
                    .map_or_else(|| figure.sector.clone(), |kind| t.t(&format!("kind-{}", kind.id()))),
                posted: format::number(t.lang, figure.posted),
                open: format::number(t.lang, figure.open),
                filled: format::number(t.lang, figure.filled),
                median_days: figure
                    .median_days_to_fill
                    .map_or_else(|| "–".to_owned(), |days| format::one_decimal(t.lang, days)),
            })
            .collect(),
        next_deadlines: upcoming.iter().take(NEXT_DEADLINES).map(|(_, call)| CallRow::new(t, call, today)).collect(),
        actions: ACTIONS.iter().map(|id| t.t(id)).collect(),
        ctx,
    };
    render(&page)
}
