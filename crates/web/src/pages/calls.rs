//! Funding calls: the list with its filters, and each call's page.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use lshub_domain::{topic_id_path_segment, CallSort, CallStatus, CallTopic};

use super::widgets::{url_with, Pager, SelectOption};
use super::{format, render, PageContext};
use crate::error::AppError;
use crate::i18n::Translator;
use crate::params::{CallParams, Params};
use crate::state::AppState;

/// A call in a list.
pub struct CallRow {
    pub url: String,
    pub title: String,
    pub topic_id: String,
    pub programme: String,
    pub status: String,
    pub status_id: &'static str,
    pub deadline: String,
    /// The deadline as YYYY-MM-DD, for `<time datetime>`.
    pub deadline_iso: String,
    pub budget: String,
}

impl CallRow {
    pub fn new(t: &Translator, call: &CallTopic) -> Self {
        let content = &call.content;
        Self {
            url: format!("/calls/{}", topic_id_path_segment(&content.topic_id)),
            title: content.title.clone(),
            topic_id: content.topic_id.clone(),
            programme: content.programme.clone(),
            status: status_label(t, content.status),
            status_id: content.status.id(),
            deadline: content.deadlines.first().map(|d| format::date(t.lang, *d)).unwrap_or_default(),
            deadline_iso: content.deadlines.first().map(|d| d.to_string()).unwrap_or_default(),
            budget: format::budget_range(t.lang, content.budget_min, content.budget_max).unwrap_or_default(),
        }
    }
}

fn status_label(t: &Translator, status: CallStatus) -> String {
    t.t(&format!("status-{}", status.id()))
}

#[derive(Template)]
#[template(path = "calls.html")]
struct CallsPage {
    ctx: PageContext,
    params: CallParams,
    programmes: Vec<SelectOption>,
    statuses: Vec<SelectOption>,
    sorts: Vec<SelectOption>,
    count: String,
    rows: Vec<CallRow>,
    pager: Pager,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    Params(params): Params<CallParams>,
) -> Result<Response, AppError> {
    let filter = params.to_filter()?;
    let page = state.db.list_calls(&filter).await?;
    let figures = state.derived.figures();
    let t = &ctx.t;
    let sort_labels = [
        (CallSort::Deadline, "sort-deadline"),
        (CallSort::DeadlineDesc, "sort-deadline-desc"),
        (CallSort::Title, "sort-title"),
        (CallSort::BudgetDesc, "sort-budget"),
        (CallSort::RecentlyUpdated, "sort-updated"),
    ];
    let view = CallsPage {
        programmes: figures
            .programmes
            .iter()
            .map(|(programme, n)| {
                let label = format!("{programme} ({})", format::number(t.lang, *n));
                SelectOption::new(programme.clone(), label, filter.programme.as_deref())
            })
            .collect(),
        statuses: CallStatus::ALL
            .iter()
            .map(|s| SelectOption::new(s.id(), status_label(t, *s), filter.status.map(CallStatus::id)))
            .collect(),
        sorts: sort_labels
            .iter()
            .map(|(sort, label)| SelectOption::new(sort.id(), t.t(label), Some(filter.sort.id())))
            .collect(),
        count: t.count("calls-count", page.total),
        rows: page.items.iter().map(|c| CallRow::new(t, c)).collect(),
        pager: Pager::new(t, page.total, filter.page, |offset| {
            let mut params = params.clone();
            params.offset = Some(offset.to_string());
            url_with("/calls", &params)
        }),
        params,
        ctx,
    };
    render(&view)
}

#[derive(Template)]
#[template(path = "call.html")]
struct CallPage {
    ctx: PageContext,
    call: CallRow,
    call_id: Option<String>,
    type_of_action: Option<String>,
    /// Each deadline as (written out, YYYY-MM-DD).
    deadlines: Vec<(String, String)>,
    deadline_model: Option<String>,
    expected_grants: Option<String>,
    keywords: Vec<String>,
    description: Vec<String>,
    conditions: Vec<String>,
    support: Vec<String>,
    portal_url: Option<String>,
    last_updated: String,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(topic_id): Path<String>,
) -> Result<Response, AppError> {
    let call = state.db.call_by_topic_id(&topic_id).await?.ok_or(AppError::not_found("call"))?;
    let t = &ctx.t;
    let content = &call.content;
    let call_id = match (&content.call_id, &content.call_title) {
        (Some(id), Some(title)) => Some(format!("{title} ({id})")),
        (id, title) => id.clone().or_else(|| title.clone()),
    };
    let view = CallPage {
        call: CallRow::new(t, &call),
        call_id,
        type_of_action: content.type_of_action.clone().or_else(|| content.action_type.clone()),
        deadlines: content.deadlines.iter().map(|d| (format::date(t.lang, *d), d.to_string())).collect(),
        deadline_model: content.deadline_model.clone(),
        expected_grants: content.expected_grants.map(|n| format::number(t.lang, n)),
        keywords: content.keywords.clone(),
        description: paragraphs(&content.description),
        conditions: paragraphs(content.conditions.as_deref().unwrap_or_default()),
        support: paragraphs(content.support_info.as_deref().unwrap_or_default()),
        portal_url: content.portal_url.clone(),
        last_updated: format::date(t.lang, call.provenance.last_updated.date_naive()),
        ctx,
    };
    render(&view)
}

/// Plain text split into paragraphs at blank lines.
fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect()
}
