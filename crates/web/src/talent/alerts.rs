//! Saved searches of vacancies and programmes: saved from a list's filters (and some
//! words), each with an Atom feed at a secret address and mail alerts of what is new, with
//! RFC 8058's one-click unsubscribe. The alert job is one of the scheduled jobs of every node;
//! each opening is mailed once per search.

use askama::Template;
use atom_syndication::{Entry, Feed, Text};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use lshub_domain::content::Written;
use lshub_domain::talent::{OpeningSearch, Programme, Vacancy};
use lshub_domain::Language;
use lshub_service::talent as service;
use lshub_storage::accounts::Mail;
use lshub_storage::talent::SavedOpeningSearch;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::JsonBody;
use crate::auth::Auth;
use crate::content::Presented;
use crate::error::{AppError, Problem};
use crate::feeds::{atom_link, atom_response};
use crate::i18n::Translator;
use crate::pages::forms::{FormPage, Posted};
use crate::pages::{render, see_other, PageContext};
use crate::routes::RouteTable;
use crate::state::AppState;

pub const UNSUBSCRIBE_PATH: &str = "/talent/unsubscribe/";
pub const SEARCHES_PAGE: &str = "/talent/searches";

pub fn page_routes() -> RouteTable {
    RouteTable::new()
        .route(SEARCHES_PAGE, get(searches_page).post(save))
        .route("/talent/searches/{id}/delete", post(delete))
        .route("/talent/unsubscribe/{secret}", get(unsubscribe_form).post(unsubscribe))
}

pub fn feed_routes() -> RouteTable {
    RouteTable::new().route("/feeds/talent/{secret}", get(feed))
}

pub fn api_routes() -> RouteTable {
    RouteTable::new()
        .route("/me/opening-searches", get(list_api).post(save_api))
        .route("/me/opening-searches/{id}", axum::routing::delete(delete_api))
}

fn feed_url(state: &AppState, secret: &str) -> String {
    format!("{}/feeds/talent/{secret}", state.site.public_url.trim_end_matches('/'))
}

/// A search as its owner's page lists it.
struct Row {
    id: String,
    description: String,
    list_url: String,
    alerts: bool,
}

#[derive(Template)]
#[template(path = "talent/searches.html")]
struct SearchesPage {
    ctx: PageContext,
    csrf: String,
    searches: Vec<Row>,
    /// The search about to be saved (from a list's filters), as hidden fields and words.
    draft: Vec<(String, String)>,
    draft_description: Option<String>,
    /// The feed address of a search just saved: shown once.
    new_feed: Option<String>,
    error: Option<String>,
}

/// A search in the reader's language: "Vacancies · Employment: full-time · “imaging”".
fn describe(t: &Translator, search: &OpeningSearch) -> String {
    let mut parts = vec![t.t(&format!("kind-{}-title", search.kind))];
    parts.extend(search.organisation.iter().map(|o| format!("{}: {o}", t.t("talent-searches-organisation"))));
    parts.extend(search.filters.iter().map(|(facet, value)| {
        // A value the list offers as a choice by its label; one typed in (a programme) as it is.
        let choices = if search.kind == Programme::KIND.id {
            Programme::filter_choices(t, facet)
        } else {
            Vacancy::filter_choices(t, facet)
        };
        let shown = choices.into_iter().find(|(id, _)| id == value).map_or_else(|| value.clone(), |(_, label)| label);
        format!("{}: {shown}", t.t(&format!("kind-{}-filter-{facet}", search.kind)))
    }));
    parts.extend(search.words.iter().map(|w| format!("“{w}”")));
    parts.join(" · ")
}

fn list_url(saved: &SavedOpeningSearch) -> String {
    let path = if saved.search.kind == Programme::KIND.id { "/programmes" } else { "/vacancies" };
    let mut pairs: Vec<(String, String)> =
        saved.search.organisation.iter().map(|o| ("organisation".to_owned(), o.clone())).collect();
    pairs.extend(saved.search.filters.iter().cloned());
    match serde_urlencoded::to_string(&pairs) {
        Ok(query) if !query.is_empty() => format!("{path}?{query}"),
        _ => path.to_owned(),
    }
}

async fn page(
    state: &AppState,
    ctx: PageContext,
    auth: &Auth,
    draft: Vec<(String, String)>,
    new_feed: Option<String>,
    error: Option<String>,
) -> Result<SearchesPage, AppError> {
    let searches = service::my_searches(&state.db, &auth.caller())
        .await?
        .iter()
        .map(|s| Row {
            id: s.id.clone(),
            description: describe(&ctx.t, &s.search),
            list_url: list_url(s),
            alerts: s.alerts,
        })
        .collect();
    let draft_description = OpeningSearch::read(&draft).ok().map(|search| describe(&ctx.t, &search));
    let draft = draft.into_iter().filter(|(name, _)| name != "words" && name != "csrf").collect();
    Ok(SearchesPage { ctx, csrf: auth.csrf.clone(), searches, draft, draft_description, new_feed, error })
}

/// The person's saved searches; with a list's filters in the query, a form to save them.
async fn searches_page(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    render(&page(&state, ctx, &auth, pairs, None, None).await?)
}

async fn save(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Posted(pairs): Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    match service::save_search(&state.db, &auth.caller(), &pairs).await {
        Ok((_, secret)) => {
            let feed = feed_url(&state, &secret);
            render(&page(&state, ctx, &auth, Vec::new(), Some(feed), None).await?)
        }
        Err(lshub_service::ServiceError::Invalid(errors)) => {
            let text = errors.iter().map(|e| ctx.t.invalid(e)).collect::<Vec<_>>().join("; ");
            let view = page(&state, ctx, &auth, pairs, None, Some(text)).await?;
            Ok((StatusCode::BAD_REQUEST, render(&view)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn delete(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Response, AppError> {
    service::delete_search(&state.db, &auth.caller(), &id).await?;
    Ok(see_other(SEARCHES_PAGE))
}

/// What the search finds now, newest first; the secret in the address is the key.
async fn feed(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(secret): Path<String>,
) -> Result<Response, AppError> {
    let (saved, found) = service::feed(&state.db, &secret, state.today()).await?;
    let base = state.site.public_url.trim_end_matches('/').to_owned();
    let mut feed = Feed::default();
    feed.set_id(feed_url(&state, &secret));
    feed.set_title(Text::plain(format!("LSH Hub {}: {}", state.site.region, describe(&ctx.t, &saved.search))));
    feed.set_links(vec![
        atom_link(feed_url(&state, &secret), "self", Some("application/atom+xml")),
        atom_link(format!("{base}{}", list_url(&saved)), "alternate", Some("text/html")),
    ]);
    let updated = found.iter().filter_map(|o| o.published_at).max().unwrap_or(saved.created_at);
    feed.set_updated(updated.fixed_offset());
    feed.set_entries(
        found
            .iter()
            .map(|opening| {
                let url = format!("{base}{}", opening.path);
                let mut entry = Entry::default();
                entry.set_id(url.clone());
                entry.set_title(Text::plain(opening.title.clone()));
                entry.set_links(vec![atom_link(url, "alternate", Some("text/html"))]);
                let published = opening.published_at.unwrap_or(saved.created_at).fixed_offset();
                entry.set_published(Some(published));
                entry.set_updated(published);
                entry.set_summary(Some(Text::plain(opening.summary.clone())));
                entry
            })
            .collect::<Vec<_>>(),
    );
    Ok(atom_response(&feed))
}

/// Asks to confirm, with a button: a GET changes nothing.
async fn unsubscribe_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(secret): Path<String>,
) -> Result<Response, AppError> {
    let saved = service::unsubscribe_target(&state.db, &secret).await?;
    let t = ctx.t.clone();
    let mut page = FormPage::new(
        ctx,
        t.t1("talent-unsubscribe-title", "search", describe(&t, &saved.search)),
        &format!("{UNSUBSCRIBE_PATH}{secret}"),
        "",
    );
    page.intro.push(t.t("talent-unsubscribe-intro"));
    page.submit = t.t("talent-unsubscribe-submit");
    if !saved.alerts {
        page.notice = Some(t.t("talent-unsubscribe-already"));
    }
    page.respond(StatusCode::OK)
}

/// The one-click unsubscribe: the secret authorises, no session or token is asked.
async fn unsubscribe(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(secret): Path<String>,
) -> Result<Response, AppError> {
    let saved = service::unsubscribe(&state.db, &auth.caller(), &secret).await?;
    let t = ctx.t.clone();
    FormPage::message(
        ctx,
        t.t("talent-unsubscribe-done-title"),
        t.t1("talent-unsubscribe-done", "search", describe(&t, &saved.search)),
        vec![],
    )
    .respond(StatusCode::OK)
}

/// A saved search as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OpeningSearchWire {
    pub id: String,
    /// vacancy or programme.
    pub kind: String,
    pub words: Option<String>,
    pub organisation: Option<String>,
    /// The list's filters, facet to value.
    pub filters: std::collections::BTreeMap<String, String>,
    /// Whether new matches are mailed.
    pub alerts: bool,
    /// Only in the answer that saved it: the feed's secret address, shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feed: Option<String>,
}

fn wire(saved: &SavedOpeningSearch, feed: Option<String>) -> OpeningSearchWire {
    OpeningSearchWire {
        id: saved.id.clone(),
        kind: saved.search.kind.clone(),
        words: saved.search.words.clone(),
        organisation: saved.search.organisation.clone(),
        filters: saved.search.filters.iter().cloned().collect(),
        alerts: saved.alerts,
        feed,
    }
}

/// A search to save: `kind` (vacancy or programme), `words`, `organisation`, and the kind's
/// list filters (employment, profile, workplace, programme; type, host).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(transparent)]
pub struct OpeningSearchInput(pub std::collections::BTreeMap<String, String>);

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_api, save_api, delete_api), components(schemas(OpeningSearchWire, OpeningSearchInput)))]
pub struct OpeningSearchesApi;

/// The caller's saved searches of vacancies and programmes (scope `read`).
#[utoipa::path(get, path = "/api/v1/me/opening-searches", tag = "talent", operation_id = "openingSearches",
    security(("bearer" = [])),
    responses((status = 200, description = "The saved searches", body = [OpeningSearchWire])))]
async fn list_api(State(state): State<AppState>, auth: Auth) -> Result<Json<Vec<OpeningSearchWire>>, AppError> {
    let searches = service::my_searches(&state.db, &auth.caller()).await?;
    Ok(Json(searches.iter().map(|s| wire(s, None)).collect()))
}

/// Saves a search (scope `write`); the answer holds its feed's secret address, once.
#[utoipa::path(post, path = "/api/v1/me/opening-searches", tag = "talent", operation_id = "saveOpeningSearch",
    request_body = OpeningSearchInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Saved", body = OpeningSearchWire),
        (status = 400, description = "A field is invalid", body = Problem, content_type = "application/problem+json")
    ))]
async fn save_api(
    State(state): State<AppState>,
    auth: Auth,
    JsonBody(body): JsonBody<OpeningSearchInput>,
) -> Result<(StatusCode, Json<OpeningSearchWire>), AppError> {
    let pairs: Vec<(String, String)> = body.0.into_iter().collect();
    let caller = auth.caller();
    let (id, secret) = service::save_search(&state.db, &caller, &pairs).await?;
    let saved = service::my_searches(&state.db, &caller)
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or(AppError::not_found("saved search"))?;
    Ok((StatusCode::CREATED, Json(wire(&saved, Some(feed_url(&state, &secret))))))
}

/// Deletes a saved search (scope `write`).
#[utoipa::path(delete, path = "/api/v1/me/opening-searches/{id}", tag = "talent", operation_id = "deleteOpeningSearch",
    params(("id" = String, Path, description = "The saved search's id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such search of the caller's", body = Problem, content_type = "application/problem+json")
    ))]
async fn delete_api(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<StatusCode, AppError> {
    service::delete_search(&state.db, &auth.caller(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mails each saved search's new openings, once each; how many mails it queued.
pub async fn send_alerts(state: &AppState) -> Result<usize, AppError> {
    let base = state.site.public_url.trim_end_matches('/').to_owned();
    let mut queued = 0;
    for (reader, new) in service::alerts_due(&state.db, state.today()).await? {
        let lang = Language::from_tag(&reader.language).unwrap_or_default();
        let t = Translator::new(state.i18n.clone(), lang);
        let secret = lshub_storage::credentials::new_secret()?;
        let unsubscribe_url = format!("{base}{UNSUBSCRIBE_PATH}{secret}");
        let lines: Vec<String> = new.iter().map(|o| format!("- {}\n  {base}{}", o.title, o.path)).collect();
        let subject = t.count("talent-alert-subject", i64::try_from(new.len()).unwrap_or(i64::MAX));
        let body = format!(
            "{}\n\n{}\n\n{}",
            t.t1("talent-alert-intro", "search", describe(&t, &reader.saved.search)),
            lines.join("\n"),
            t.t1("talent-alert-footer", "url", unsubscribe_url.clone())
        );
        let ids: Vec<String> = new.iter().map(|o| o.id.clone()).collect();
        let mail = Mail { recipient: &reader.email, subject: &subject, body: &body };
        let digest = lshub_storage::credentials::digest(&secret);
        if state.db.queue_opening_alert(&reader.saved.id, &ids, mail, (&digest, &unsubscribe_url)).await? {
            queued += 1;
        }
    }
    Ok(queued)
}
