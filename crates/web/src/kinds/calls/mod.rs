//! Funding calls: imported from the funders' open data, listed with their deadlines, each
//! with its page, and followed by feed and calendar.

mod alerts;
mod api;
mod changes;
mod feeds;
mod pages;

use axum::routing::{get, post};
use chrono::NaiveDate;
use lshub_domain::content::{Kind, SearchDocument, CALL};
use lshub_domain::{CallSort, CallTopic};
use lshub_search::Searchable;
use lshub_storage::{Database, StorageError};
use utoipa::OpenApi;

pub use alerts::{send_alerts, UNSUBSCRIBE_PATH};
pub use api::CallSummary;
pub use pages::CallRow;

use super::{Export, Served};
use crate::public_cache::public;
use crate::routes::RouteTable;

pub struct Calls;

#[derive(OpenApi)]
#[openapi(paths(api::list, api::show, changes::list_call_changes), tags((name = "calls")))]
struct CallsApi;

impl Served for Calls {
    const KIND: &'static Kind = &CALL;

    fn pages() -> RouteTable {
        RouteTable::new()
            .route("/calls", public(get(pages::list)))
            .route("/calls/{topic_id}", public(get(pages::show)))
            .route("/calls/changes", public(get(changes::page)))
            .route("/calls/searches", post(alerts::save))
            .route("/account/searches", get(alerts::list))
            .route("/account/searches/{id}/delete", post(alerts::delete))
            .route("/account/searches/{id}/alerts", post(alerts::set_alerts))
            .route("/account/searches/{id}/feed", post(alerts::renew_feed))
            .route("/alerts/unsubscribe/{secret}", get(alerts::unsubscribe_form).post(alerts::unsubscribe))
    }

    fn feeds() -> RouteTable {
        RouteTable::new()
            .route("/feeds/calls.atom", public(get(feeds::calls_atom)))
            .route("/feeds/deadlines.ics", public(get(feeds::deadlines_ics)))
            .route("/calls/changes.atom", public(get(changes::atom)))
            // Not in the public cache: a deleted search's address must stop working at once.
            .route("/feeds/searches/{secret}", get(alerts::feed))
    }

    fn api() -> RouteTable {
        RouteTable::new()
            .route("/calls", public(get(api::list)))
            .route("/calls/changes", public(get(changes::list_call_changes)))
            .route("/calls/{topic_id}", public(get(api::show)))
    }

    fn describe(openapi: &mut utoipa::openapi::OpenApi) {
        openapi.merge(CallsApi::openapi());
    }

    async fn documents(db: &Database, _today: NaiveDate) -> Result<Vec<SearchDocument>, StorageError> {
        Ok(db.all_calls(CallSort::Deadline).await?.iter().map(Searchable::search_document).collect())
    }

    /// Every call as stored (JSON), or its main fields (CSV), soonest deadline first.
    async fn export(db: &Database) -> Result<Export, StorageError> {
        let calls = db.all_calls(CallSort::Deadline).await?;
        Export::of_records(Self::KIND, &calls, &COLUMNS, row)
    }
}

const COLUMNS: [&str; 15] = [
    "topic_id",
    "title",
    "programme",
    "source_status",
    "opening_date",
    "deadlines",
    "deadline_model",
    "budget_min",
    "budget_max",
    "expected_grants",
    "call_id",
    "type_of_action",
    "keywords",
    "portal_url",
    "last_updated",
];

/// A call's CSV row; lists are joined with "; ".
fn row(call: &CallTopic) -> Vec<String> {
    let c = &call.content;
    let number = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let deadlines: Vec<String> = c.deadlines.iter().map(|d| d.to_string()).collect();
    vec![
        c.topic_id.clone(),
        c.title.clone(),
        c.programme.clone(),
        c.source_status.id().to_owned(),
        c.opening_date.map(|d| d.to_string()).unwrap_or_default(),
        deadlines.join("; "),
        c.deadline_model.clone().unwrap_or_default(),
        number(c.budget_min),
        number(c.budget_max),
        number(c.expected_grants),
        c.call_id.clone().unwrap_or_default(),
        c.type_of_action.clone().unwrap_or_default(),
        c.keywords.join("; "),
        c.portal_url.clone().unwrap_or_default(),
        call.provenance.last_updated.to_rfc3339(),
    ]
}
