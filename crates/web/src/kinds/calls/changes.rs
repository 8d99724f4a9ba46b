//! The call changelog: what each import found new, changed or closed at the source, as a
//! page, an Atom feed and through the API.

use askama::Template;
use atom_syndication::{Entry, Feed, Person, Text};
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Utc};
use lshub_domain::alerts::{CallChange, ChangeKind};
use lshub_domain::{topic_id_path_segment, Pagination};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::page_url;
use crate::error::{AppError, Problem};
use crate::feeds::{atom_link, atom_response, printable};
use crate::i18n::Translator;
use crate::pages::widgets::{url_with, Pager};
use crate::pages::{format, render, PageContext};
use crate::params::{pagination, Params};
use crate::state::AppState;

/// Feed readers need the recent changes, not the whole log.
const ATOM_ENTRIES: u32 = 100;

/// Paging of the changelog. Empty values mean the first page of 20.
#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangeParams {
    /// Page size, 1 to 100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// Entries to skip, 0 to 10,000,000 (default 0).
    #[param(value_type = Option<i64>, minimum = 0, maximum = 10_000_000)]
    pub offset: Option<String>,
}

impl ChangeParams {
    fn page(&self) -> Result<Pagination, AppError> {
        Ok(pagination(&self.limit, &self.offset)?)
    }
}

/// One entry of the changelog in a list.
struct ChangeRow {
    url: String,
    title: String,
    topic_id: String,
    kind: &'static str,
    what: String,
    date: String,
    iso: String,
}

fn what_changed(t: &Translator, change: &CallChange) -> String {
    match change.kind {
        ChangeKind::New => t.t("call-change-new"),
        ChangeKind::Closed => t.t("call-change-closed"),
        ChangeKind::Changed => t.t1("call-change-fields", "fields", change.fields.join(", ")),
    }
}

#[derive(Template)]
#[template(path = "call_changes.html")]
struct ChangesPage {
    ctx: PageContext,
    count: String,
    rows: Vec<ChangeRow>,
    pager: Pager,
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    Params(params): Params<ChangeParams>,
) -> Result<Response, AppError> {
    let page = params.page()?;
    let changes = state.db.call_changes(page).await?;
    let t = &ctx.t;
    let rows = changes
        .items
        .iter()
        .map(|change| ChangeRow {
            url: format!("/calls/{}", topic_id_path_segment(&change.topic_id)),
            title: change.title.clone(),
            topic_id: change.topic_id.clone(),
            kind: change.kind.id(),
            what: what_changed(t, change),
            date: format::date(t.lang, change.changed_at.date_naive()),
            iso: change.changed_at.to_rfc3339(),
        })
        .collect();
    let view = ChangesPage {
        count: t.count("call-changes-count", changes.total),
        pager: Pager::new(t, changes.total, page, |offset| {
            let mut params = params.clone();
            params.offset = (offset > 0).then(|| offset.to_string());
            url_with("/calls/changes", &params)
        }),
        rows,
        ctx,
    };
    render(&view)
}

pub async fn atom(State(state): State<AppState>) -> Result<Response, AppError> {
    let changes = state.db.call_changes(Pagination { limit: ATOM_ENTRIES, offset: 0 }).await?;
    let base = &state.site.public_url;
    let self_url = format!("{base}/calls/changes.atom");
    let mut feed = Feed::default();
    feed.set_title(Text::plain(format!("LSH Hub {}: changes to funding calls", state.site.region)));
    feed.set_id(self_url.clone());
    feed.set_links(vec![
        atom_link(self_url, "self", None),
        atom_link(format!("{base}/calls/changes"), "alternate", Some("text/html")),
    ]);
    let updated = changes.items.first().map_or_else(Utc::now, |c| c.changed_at);
    feed.set_updated(updated.fixed_offset());
    let mut hub = Person::default();
    hub.set_name(format!("LSH Hub {}", state.site.region));
    feed.set_authors(vec![hub]);
    feed.set_entries(changes.items.iter().map(|change| entry(base, change)).collect::<Vec<_>>());
    Ok(atom_response(&feed))
}

fn entry(base: &str, change: &CallChange) -> Entry {
    let url = format!("{base}/calls/{}", topic_id_path_segment(&change.topic_id));
    let summary = match change.kind {
        ChangeKind::New => "New call".to_owned(),
        ChangeKind::Closed => "Closed at the source".to_owned(),
        ChangeKind::Changed => format!("Changed: {}", change.fields.join(", ")),
    };
    let mut entry = Entry::default();
    // One entry per change: the call's address and the moment of the import.
    entry.set_id(format!("{url}#{}-{}", change.kind.id(), change.changed_at.timestamp_micros()));
    entry.set_title(Text::plain(printable(&format!("{summary}: {}", change.title))));
    entry.set_links(vec![atom_link(url, "alternate", Some("text/html"))]);
    entry.set_updated(change.changed_at.fixed_offset());
    entry.set_summary(Some(Text::plain(summary)));
    entry
}

/// What an import did to a call.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CallChangeWire {
    pub topic_id: String,
    pub title: String,
    /// `new`, `changed`, or `closed` (the source closed the call).
    pub kind: String,
    /// The fields that changed, as a call's JSON names them; empty for new calls.
    pub fields: Vec<String>,
    pub changed_at: DateTime<Utc>,
    /// The call's page in the hub.
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CallChangeList {
    pub items: Vec<CallChangeWire>,
    /// Entries in total, of which `items` is one page.
    pub total: i64,
    pub limit: u32,
    pub offset: u32,
}

/// The call changelog, newest first: calls that imports found new, changed or closed.
#[utoipa::path(
    get,
    path = "/api/v1/calls/changes",
    tag = "calls",
    params(ChangeParams),
    responses(
        (status = 200, description = "One page of the changelog", body = CallChangeList),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_call_changes(
    State(state): State<AppState>,
    Params(params): Params<ChangeParams>,
) -> Result<Json<CallChangeList>, AppError> {
    let page = params.page()?;
    let changes = state.db.call_changes(page).await?;
    Ok(Json(CallChangeList {
        items: changes
            .items
            .into_iter()
            .map(|change| CallChangeWire {
                url: page_url(&state, &format!("/calls/{}", topic_id_path_segment(&change.topic_id))),
                kind: change.kind.id().to_owned(),
                topic_id: change.topic_id,
                title: change.title,
                fields: change.fields,
                changed_at: change.changed_at,
            })
            .collect(),
        total: changes.total,
        limit: page.limit,
        offset: page.offset,
    }))
}
