//! The calls' API: the list and each call.

use axum::extract::{Path, State};
use axum::Json;
use chrono::NaiveDate;
use lshub_domain::{topic_id_path_segment, CallTopic};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::page_url;
use crate::api::wire::{CallStatusWire, CallTopicWire};
use crate::error::{AppError, Problem};
use crate::params::{CallParams, Params};
use crate::state::AppState;

/// A funding call topic in a list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CallSummary {
    pub topic_id: String,
    pub title: String,
    pub programme: String,
    pub status: CallStatusWire,
    /// The first submission deadline.
    pub deadline: Option<NaiveDate>,
    /// Budget per grant, EUR.
    pub budget_min: Option<i64>,
    pub budget_max: Option<i64>,
    /// The call's page in the hub.
    pub url: String,
}

/// Everything the hub holds about a call topic.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CallDetail {
    /// The first submission deadline.
    pub deadline: Option<NaiveDate>,
    /// The call's page in the hub.
    pub url: String,
    #[serde(flatten)]
    pub call: CallTopicWire,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CallList {
    pub items: Vec<CallSummary>,
    /// Matches in total, of which `items` is one page.
    pub total: i64,
    pub limit: u32,
    pub offset: u32,
}

impl CallSummary {
    pub fn new(state: &AppState, call: &CallTopic) -> Self {
        let content = &call.content;
        Self {
            topic_id: content.topic_id.clone(),
            title: content.title.clone(),
            programme: content.programme.clone(),
            status: content.status_on(state.today()).into(),
            deadline: content.deadlines.first().copied(),
            budget_min: content.budget_min,
            budget_max: content.budget_max,
            url: page_url(state, &format!("/calls/{}", topic_id_path_segment(&content.topic_id))),
        }
    }
}

/// List funding call topics, filtered and sorted (soonest deadline first by default).
#[utoipa::path(
    get,
    path = "/api/v1/calls",
    tag = "calls",
    params(CallParams),
    responses(
        (status = 200, description = "One page of calls", body = CallList),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Params(params): Params<CallParams>,
) -> Result<Json<CallList>, AppError> {
    let filter = params.to_filter(state.today())?;
    let page = state.db.list_calls(&filter).await?;
    Ok(Json(CallList {
        items: page.items.iter().map(|c| CallSummary::new(&state, c)).collect(),
        total: page.total,
        limit: filter.page.limit,
        offset: filter.page.offset,
    }))
}

/// One call topic by its topic id.
#[utoipa::path(
    get,
    path = "/api/v1/calls/{topicId}",
    tag = "calls",
    params(("topicId" = String, Path, description = "The funder's topic id, e.g. HORIZON-HLTH-2027-02-IND-02-two-stage")),
    responses(
        (status = 200, description = "The call", body = CallDetail),
        (status = 404, description = "No such call", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn show(State(state): State<AppState>, Path(topic_id): Path<String>) -> Result<Json<CallDetail>, AppError> {
    let call = state.db.call_by_topic_id(&topic_id).await?.ok_or(AppError::not_found("call"))?;
    Ok(Json(CallDetail {
        deadline: call.content.deadlines.first().copied(),
        url: page_url(&state, &format!("/calls/{}", topic_id_path_segment(&call.content.topic_id))),
        call: CallTopicWire::on(&call, state.today()),
    }))
}
