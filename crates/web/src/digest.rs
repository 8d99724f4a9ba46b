//! The weekly digest: the job that mails each person who opted in what is new for them
//! (calls, needs and offers, events, news of the organisations they follow, and their
//! organisations' suggested introductions), ranked by the matcher for their organisation;
//! the settings page and API; following organisations; and the one-click unsubscribe.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, put};
use axum::Json;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use fluent_bundle::FluentArgs;
use lshub_domain::content::{Item, Written, EVENT, OPPORTUNITY};
use lshub_domain::digest::{ranked, PER_SECTION};
use lshub_domain::event::Event;
use lshub_domain::introduction::iso_week;
use lshub_domain::news::News;
use lshub_domain::opportunity::Opportunity;
use lshub_domain::Language;
use lshub_search::{EntityType, MatchSource};
use lshub_service::digest as service;
use lshub_storage::accounts::Mail;
use lshub_storage::credentials::{digest, new_secret};
use lshub_storage::digest::{DigestRecipient, QueuedDigest};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::JsonBody;
use crate::auth::Auth;
use crate::error::{AppError, Problem};
use crate::pages::forms::{FormFields, FormPage, Link, Posted};
use crate::pages::{render, see_other, PageContext};
use crate::routes::RouteTable;
use crate::state::AppState;

pub const UNSUBSCRIBE_PATH: &str = "/digest/unsubscribe/";
const SETTINGS_PAGE: &str = "/account/digest";
/// Matches the matcher ranks per kind for an organisation; the rest follow, newest first.
const RANKED: usize = 100;

/// Something new: its id for the matcher, title, path, and when it came.
struct Entry {
    id: String,
    title: String,
    path: String,
    at: DateTime<Utc>,
}

/// What is new since the earliest reader's last digest, newest first.
struct New {
    calls: Vec<Entry>,
    opportunities: Vec<Entry>,
    events: Vec<Entry>,
    /// With the owning organisation's id.
    news: Vec<(Entry, String)>,
}

fn published_since<T: Written>(items: Vec<Item<T>>, since: DateTime<Utc>) -> Vec<Item<T>> {
    items.into_iter().filter(|i| i.published_at.is_some_and(|at| at >= since)).collect()
}

fn entry<T: Written>(item: &Item<T>) -> Entry {
    Entry {
        id: item.slug.clone(),
        title: item.record.title().to_owned(),
        path: format!("/{}/{}", item.kind.path, item.slug),
        at: item.published_at.unwrap_or(item.created_at),
    }
}

async fn what_is_new(state: &AppState, today: NaiveDate, since: DateTime<Utc>) -> Result<New, AppError> {
    let db = &state.db;
    let calls = db
        .calls_new_since(since)
        .await?
        .into_iter()
        .map(|(topic, title, at)| Entry { path: format!("/calls/{topic}"), id: topic, title, at })
        .collect();
    let opportunities =
        published_since(db.listed_items::<Opportunity>(today).await?, since).iter().map(entry).collect();
    let now = state.site.clock.now();
    let events = published_since(db.listed_items::<Event>(today).await?, since)
        .iter()
        .filter(|e| e.record.ends_at >= now)
        .map(entry)
        .collect();
    let news = published_since(db.listed_items::<News>(today).await?, since)
        .iter()
        .map(|n| (entry(n), n.owner.id.clone()))
        .collect();
    Ok(New { calls, opportunities, events, news })
}

/// The matcher's ranks of calls, needs and offers, and events for an organisation.
#[derive(Default)]
struct Ranks {
    calls: HashMap<String, usize>,
    opportunities: HashMap<String, usize>,
    events: HashMap<String, usize>,
}

async fn ranks_for(state: &AppState, organisation_id: &str, today: NaiveDate) -> Result<Ranks, AppError> {
    let Some(organisation) = state.db.organisation_by_id(organisation_id).await? else { return Ok(Ranks::default()) };
    let index = &state.derived.index;
    let source = MatchSource::Entity(lshub_search::organisation_document(&state.db, &organisation).await?);
    let rank = |target: EntityType| -> Result<HashMap<String, usize>, AppError> {
        let hits = index.find_matches(&source, target, RANKED, today, Some(index)).map_err(AppError::Search)?;
        Ok(hits.into_iter().enumerate().map(|(rank, hit)| (hit.id, rank)).collect())
    };
    Ok(Ranks {
        calls: rank(EntityType::CALL)?,
        opportunities: rank(EntityType(&OPPORTUNITY))?,
        events: rank(EntityType(&EVENT))?,
    })
}

/// One section of a digest: its heading's message id and its lines.
type Section = (&'static str, Vec<(String, String)>);

fn sections(
    state: &AppState,
    new: &New,
    ranks: &Ranks,
    reader: &DigestRecipient,
    since: DateTime<Utc>,
) -> Vec<Section> {
    let base = &state.site.public_url;
    let line = |e: &Entry| (e.title.clone(), format!("{base}{}", e.path));
    let lines = |items: &[Entry], ranks: &HashMap<String, usize>| -> Vec<(String, String)> {
        let fresh: Vec<&Entry> = items.iter().filter(|e| e.at >= since).collect();
        ranked(fresh, |e| e.id.as_str(), ranks).into_iter().map(line).collect()
    };
    let theirs = |owner: &String| reader.follows.contains(owner) || reader.organisations.contains(owner);
    let news: Vec<(String, String)> = new
        .news
        .iter()
        .filter(|(e, owner)| e.at >= since && theirs(owner))
        .take(PER_SECTION)
        .map(|(e, _)| line(e))
        .collect();
    vec![
        ("digest-calls", lines(&new.calls, &ranks.calls)),
        ("digest-opportunities", lines(&new.opportunities, &ranks.opportunities)),
        ("digest-events", lines(&new.events, &ranks.events)),
        ("digest-news", news),
    ]
}

/// The suggested introductions of the reader's organisations, as lines.
async fn suggestions(state: &AppState, reader: &DigestRecipient) -> Result<Vec<(String, String)>, AppError> {
    let mut lines = Vec::new();
    for organisation in &reader.organisations {
        for s in state.db.current_suggestions(organisation).await? {
            let url = format!("{}/organisations/{}", state.site.public_url, s.suggested_slug);
            lines.push((s.suggested_name, url));
        }
    }
    lines.truncate(PER_SECTION);
    Ok(lines)
}

fn compose(
    state: &AppState,
    reader: &DigestRecipient,
    week: &str,
    sections: &[Section],
    secret: &str,
) -> (String, String, String) {
    let language = Language::from_tag(&reader.language).unwrap_or_default();
    let unsubscribe_url = format!("{}{UNSUBSCRIBE_PATH}{secret}", state.site.public_url);
    let mut args = FluentArgs::new();
    args.set("name", reader.name.clone());
    args.set("week", week.to_owned());
    args.set("settings", format!("{}{SETTINGS_PAGE}", state.site.public_url));
    args.set("unsubscribe", unsubscribe_url.clone());
    let mut body = vec![state.i18n.format(language, "digest-greeting", Some(&args))];
    for (heading, lines) in sections.iter().filter(|(_, lines)| !lines.is_empty()) {
        body.push(String::new());
        body.push(state.i18n.format(language, heading, None));
        body.extend(lines.iter().map(|(title, url)| format!("- {title}\n  {url}")));
    }
    body.push(String::new());
    body.push(state.i18n.format(language, "digest-footer", Some(&args)));
    (state.i18n.format(language, "digest-subject", Some(&args)), body.join("\n"), unsubscribe_url)
}

/// Queues this week's digest for everyone who opted in and has not had it; run by the mail
/// worker on every node (each digest is recorded with its mail, so it goes once). How many
/// mails it queued.
pub async fn send_weekly(state: &AppState) -> Result<usize, AppError> {
    let (today, now) = (state.today(), state.site.clock.now());
    let week = iso_week(today);
    let recipients = state.db.digest_recipients(&week).await?;
    if recipients.is_empty() {
        return Ok(0);
    }
    // What is new for a reader is what came since their last digest (a week, for a first).
    let first_since = now - Duration::days(7);
    let since_of = |reader: &DigestRecipient| reader.last_sent.unwrap_or(first_since);
    let earliest = recipients.iter().map(since_of).min().unwrap_or(first_since);
    let new = what_is_new(state, today, earliest).await?;
    // Ranked once per organisation: the readers of one organisation share its ranks.
    let mut ranks: HashMap<String, Ranks> = HashMap::new();
    let unranked = Ranks::default();
    let mut queued = 0;
    for reader in &recipients {
        let organisation = reader.organisations.first();
        if let Some(id) = organisation.filter(|id| !ranks.contains_key(*id)) {
            ranks.insert(id.clone(), ranks_for(state, id, today).await?);
        }
        let ranks = organisation.and_then(|id| ranks.get(id)).unwrap_or(&unranked);
        let mut sections = sections(state, &new, ranks, reader, since_of(reader));
        sections.push(("digest-suggestions", suggestions(state, reader).await?));
        let secret = new_secret()?;
        let (subject, body, unsubscribe_url) = compose(state, reader, &week, &sections, &secret);
        let secret_digest = digest(&secret);
        let nothing_new = sections.iter().all(|(_, lines)| lines.is_empty());
        let mail = Mail { recipient: &reader.email, subject: &subject, body: &body };
        let digest = QueuedDigest {
            user_id: &reader.user_id,
            week: &week,
            mail: (!nothing_new).then_some((mail, secret_digest.as_str(), unsubscribe_url.as_str())),
            at: now,
        };
        if state.db.queue_digest(digest).await? && !nothing_new {
            queued += 1;
        }
    }
    Ok(queued)
}

pub fn page_routes() -> RouteTable {
    RouteTable::new()
        .route(SETTINGS_PAGE, get(settings_page).post(save_settings))
        .route("/organisations/{slug}/follow", get(follow_form).post(follow))
        .route("/digest/unsubscribe/{secret}", get(unsubscribe_form).post(unsubscribe))
}

pub fn api_routes() -> RouteTable {
    RouteTable::new()
        .route("/me/digest", get(settings_api).put(save_settings_api))
        .route("/me/follows/{slug}", put(follow_api).delete(unfollow_api))
}

#[derive(Template)]
#[template(path = "digest.html")]
struct SettingsPage {
    ctx: PageContext,
    csrf: String,
    subscribed: bool,
    follows: Vec<(String, String)>,
}

pub async fn settings_page(State(state): State<AppState>, ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    let (subscribed, follows) = service::settings(&state.db, &auth.caller()).await?;
    render(&SettingsPage { csrf: auth.csrf.clone(), subscribed, follows, ctx })
}

pub async fn save_settings(
    State(state): State<AppState>,
    auth: Auth,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let on = FormFields(fields).trimmed("subscribed") == "true";
    service::set(&state.db, &auth.caller(), on, state.site.clock.now()).await?;
    Ok(see_other(SETTINGS_PAGE))
}

pub async fn follow_form(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    service::settings(&state.db, &auth.caller()).await?;
    let organisation = state.db.organisation_by_slug(&slug).await?.ok_or(AppError::not_found("organisation"))?;
    let t = ctx.t.clone();
    let name = organisation.profile.name.clone();
    let mut page =
        FormPage::new(ctx, t.t1("follow-title", "name", name), &format!("/organisations/{slug}/follow"), &auth.csrf);
    page.intro.push(t.t("follow-intro"));
    page.hidden.push(("follow".into(), "yes".into()));
    page.submit = t.t("follow-submit");
    page.respond(StatusCode::OK)
}

pub async fn follow(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let on = FormFields(fields).trimmed("follow") != "no";
    service::follow(&state.db, &auth.caller(), &slug, on, state.site.clock.now()).await?;
    Ok(see_other(SETTINGS_PAGE))
}

pub async fn unsubscribe_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(secret): Path<String>,
) -> Result<Response, AppError> {
    service::unsubscribe_target(&state.db, &secret).await?;
    let t = ctx.t.clone();
    let mut page = FormPage::new(ctx, t.t("digest-unsubscribe-title"), &format!("{UNSUBSCRIBE_PATH}{secret}"), "");
    page.submit = t.t("digest-unsubscribe-submit");
    page.respond(StatusCode::OK)
}

/// The one-click unsubscribe: the secret authorises, no session or token is asked.
pub async fn unsubscribe(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(secret): Path<String>,
) -> Result<Response, AppError> {
    service::unsubscribe(&state.db, &secret, state.site.clock.now(), &auth.client).await?;
    let t = ctx.t.clone();
    let link = Link { href: SETTINGS_PAGE.into(), label: t.t("digest-title") };
    FormPage::message(ctx, t.t("digest-unsubscribed-title"), t.t("digest-unsubscribed-text"), vec![link])
        .respond(StatusCode::OK)
}

/// The caller's digest settings.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DigestSettings {
    /// Whether the weekly digest is mailed, in the account's language.
    pub subscribed: bool,
    /// Address names of the organisations followed, whose news the digest brings (read only).
    #[serde(default)]
    pub following: Vec<String>,
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(settings_api, save_settings_api, follow_api, unfollow_api), components(schemas(DigestSettings)))]
pub struct DigestApi;

/// The caller's weekly digest settings (scope `read`).
#[utoipa::path(get, path = "/api/v1/me/digest", tag = "account", operation_id = "digestSettings",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings", body = DigestSettings),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn settings_api(State(state): State<AppState>, auth: Auth) -> Result<Json<DigestSettings>, AppError> {
    let (subscribed, follows) = service::settings(&state.db, &auth.caller()).await?;
    Ok(Json(DigestSettings { subscribed, following: follows.into_iter().map(|(slug, _)| slug).collect() }))
}

/// Turns the weekly digest on or off (scope `write`).
#[utoipa::path(put, path = "/api/v1/me/digest", tag = "account", operation_id = "saveDigestSettings",
    request_body = DigestSettings,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Saved", body = DigestSettings),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn save_settings_api(
    State(state): State<AppState>,
    auth: Auth,
    JsonBody(body): JsonBody<DigestSettings>,
) -> Result<Json<DigestSettings>, AppError> {
    service::set(&state.db, &auth.caller(), body.subscribed, state.site.clock.now()).await?;
    settings_api(State(state), auth).await
}

/// Follows an organisation (scope `write`): its news comes in the digest.
#[utoipa::path(put, path = "/api/v1/me/follows/{slug}", tag = "account", operation_id = "followOrganisation",
    params(("slug" = String, Path, description = "The organisation's address name")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Followed"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn follow_api(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<StatusCode, AppError> {
    service::follow(&state.db, &auth.caller(), &slug, true, state.site.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stops following an organisation (scope `write`).
#[utoipa::path(delete, path = "/api/v1/me/follows/{slug}", tag = "account", operation_id = "unfollowOrganisation",
    params(("slug" = String, Path, description = "The organisation's address name")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "No longer followed"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn unfollow_api(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<StatusCode, AppError> {
    service::follow(&state.db, &auth.caller(), &slug, false, state.site.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
