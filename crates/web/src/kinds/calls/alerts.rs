//! Saved searches of calls: saving one from the calls list, the user's own page of them,
//! the feed at each one's secret address, the alert mails, and RFC 8058's one-click
//! unsubscribe (a GET asks to confirm, so that link scanners unsubscribe no one; a POST,
//! with the secret and no session or CSRF token, turns the alerts off).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use fluent_bundle::FluentArgs;
use lshub_domain::alerts::{Occasion, SearchCriteria};
use lshub_domain::authorization::{Action, Resource};
use lshub_domain::{topic_id_path_segment, Language};
use lshub_service::alerts::{self, AlertLetter, Letter};
use lshub_storage::saved_searches::SavedSearch;
use serde::Deserialize;

use super::feeds::{calls_feed, Titled};
use crate::auth::Auth;
use crate::error::AppError;
use crate::feeds::atom_response;
use crate::pages::forms::{FormPage, Link, Posted};
use crate::pages::widgets::url_with;
use crate::pages::{format, render, see_other, PageContext};
use crate::params::CallParams;
use crate::state::AppState;

/// Where a saved search's one-click unsubscribe links live; the guard lets POSTs here
/// through without a CSRF token, as the secret in the path authorises them.
pub const UNSUBSCRIBE_PATH: &str = "/alerts/unsubscribe/";
const SEARCHES_PAGE: &str = "/account/searches";

/// The "save this search" form of the calls list: a name and the list's own filters.
#[derive(Deserialize)]
pub struct SaveForm {
    #[serde(default)]
    name: String,
    #[serde(flatten)]
    params: CallParams,
}

pub async fn save(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Posted(form): Posted<SaveForm>,
) -> Result<Response, AppError> {
    auth.require(Action::ManageOwnAccount, Resource::Hub)?;
    let filter = form.params.to_filter(state.today())?;
    let criteria = SearchCriteria::of(&filter);
    let name = match form.name.trim() {
        "" => criteria.text.clone().unwrap_or_else(|| ctx.t.t("calls-title")),
        name => name.to_owned(),
    };
    let saved = alerts::save(&state.db, &auth.caller(), &name, criteria, state.site.clock.now()).await?;
    let feed = feed_url(&state, &saved.feed_secret);
    searches_page(&state, ctx, &auth, Some((saved.search.name, feed))).await
}

/// A saved search in the user's list.
struct SearchRow {
    id: String,
    name: String,
    /// The calls list showing this search.
    url: String,
    alerts: bool,
    saved_on: String,
}

#[derive(Template)]
#[template(path = "saved_searches.html")]
struct SearchesPage {
    ctx: PageContext,
    csrf: String,
    rows: Vec<SearchRow>,
    /// A search's name and its new feed address: shown once, never again.
    new_feed: Option<(String, String)>,
}

async fn searches_page(
    state: &AppState,
    ctx: PageContext,
    auth: &Auth,
    new_feed: Option<(String, String)>,
) -> Result<Response, AppError> {
    let searches = alerts::mine(&state.db, &auth.caller()).await?;
    let rows = searches
        .into_iter()
        .map(|search| SearchRow {
            url: url_with("/calls", &search.criteria.query_pairs()),
            saved_on: format::date(ctx.t.lang, search.created_at.date_naive()),
            id: search.id,
            name: search.name,
            alerts: search.alerts,
        })
        .collect();
    render(&SearchesPage { ctx, csrf: auth.csrf.clone(), rows, new_feed })
}

pub async fn list(State(state): State<AppState>, ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    searches_page(&state, ctx, &auth, None).await
}

pub async fn delete(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Response, AppError> {
    alerts::delete(&state.db, &auth.caller(), &id).await?;
    Ok(see_other(SEARCHES_PAGE))
}

#[derive(Deserialize)]
pub struct AlertsForm {
    #[serde(default)]
    on: String,
}

/// Turns a search's mail alerts on (`on=yes`) or off.
pub async fn set_alerts(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Posted(form): Posted<AlertsForm>,
) -> Result<Response, AppError> {
    alerts::set_alerts(&state.db, &auth.caller(), &id, form.on == "yes", state.site.clock.now()).await?;
    Ok(see_other(SEARCHES_PAGE))
}

/// Gives a search a new feed address and shows it once; the old one stops working.
pub async fn renew_feed(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let secret = alerts::renew_feed(&state.db, &auth.caller(), &id).await?;
    let searches = alerts::mine(&state.db, &auth.caller()).await?;
    let name = searches.into_iter().find(|s| s.id == id).map(|s| s.name).unwrap_or_default();
    let feed = feed_url(&state, &secret);
    searches_page(&state, ctx, &auth, Some((name, feed))).await
}

fn feed_url(state: &AppState, secret: &str) -> String {
    format!("{}/feeds/searches/{secret}", state.site.public_url)
}

/// The calls that match a saved search now, for whoever holds its secret address.
pub async fn feed(State(state): State<AppState>, Path(secret): Path<String>) -> Result<Response, AppError> {
    let (search, calls) = alerts::feed(&state.db, &secret, state.today()).await?;
    let base = &state.site.public_url;
    let titled = Titled {
        title: format!("LSH Hub {}: {}", state.site.region, search.name),
        self_url: feed_url(&state, &secret),
        page_url: format!("{base}{}", url_with("/calls", &search.criteria.query_pairs())),
    };
    Ok(atom_response(&calls_feed(base, titled, &state.site.region, &calls, state.today())))
}

/// Asks to confirm, with a button: a GET changes nothing.
pub async fn unsubscribe_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(secret): Path<String>,
) -> Result<Response, AppError> {
    let search = alerts::unsubscribe_target(&state.db, &secret).await?;
    let t = ctx.t.clone();
    let mut page = FormPage::new(
        ctx,
        t.t1("alerts-unsubscribe-title", "name", search.name.clone()),
        &format!("{UNSUBSCRIBE_PATH}{secret}"),
        "",
    );
    page.intro.push(t.t("alerts-unsubscribe-intro"));
    page.submit = t.t("alerts-unsubscribe-submit");
    if !search.alerts {
        page.notice = Some(t.t("alerts-unsubscribe-already"));
    }
    page.respond(StatusCode::OK)
}

/// The one-click unsubscribe: the secret authorises, no session or token is asked.
pub async fn unsubscribe(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(secret): Path<String>,
) -> Result<Response, AppError> {
    let search = alerts::unsubscribe(&state.db, &secret, state.site.clock.now(), &auth.client).await?;
    let t = ctx.t.clone();
    FormPage::message(
        ctx,
        t.t("alerts-unsubscribed-title"),
        t.t1("alerts-unsubscribed-text", "name", search.name),
        vec![Link { href: SEARCHES_PAGE.into(), label: t.t("alerts-searches-title") }],
    )
    .respond(StatusCode::OK)
}

/// Queues the alert mails that are due; run by the scheduled jobs about once a minute. How
/// many mails it queued.
pub async fn send_alerts(state: &AppState) -> Result<usize, lshub_service::ServiceError> {
    let today = state.today();
    alerts::send_due(&state.db, today, state.site.clock.now(), |letter| compose(state, today, letter)).await
}

/// Words an alert in its recipient's language: each call with why it is there, and the
/// links to stop the alerts and to manage the searches.
fn compose(state: &AppState, today: NaiveDate, letter: &AlertLetter<'_>) -> Letter {
    let lang = Language::from_tag(&letter.recipient.language).unwrap_or(Language::En);
    let base = &state.site.public_url;
    let say = |id: &str, args: &[(&str, String)]| {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            fluent.set(*name, value.clone());
        }
        state.i18n.format(lang, id, Some(&fluent))
    };
    let search: &SavedSearch = &letter.recipient.search;
    let unsubscribe_url = format!("{base}{UNSUBSCRIBE_PATH}{}", letter.unsubscribe_secret);
    let mut body = say("alerts-mail-intro", &[("name", search.name.clone())]);
    for (call, occasion) in &letter.calls {
        let why = match occasion {
            Occasion::New => say("alerts-mail-new", &[]),
            Occasion::Deadline { deadline, .. } => say(
                "alerts-mail-deadline",
                &[("date", format::date(lang, *deadline)), ("days", (*deadline - today).num_days().to_string())],
            ),
        };
        let url = format!("{base}/calls/{}", topic_id_path_segment(&call.content.topic_id));
        body.push_str(&format!("\n\n{}\n{why}\n{url}", call.content.title));
    }
    body.push_str("\n\n-- \n");
    body.push_str(&say(
        "alerts-mail-footer",
        &[("unsubscribe", unsubscribe_url.clone()), ("searches", format!("{base}{SEARCHES_PAGE}"))],
    ));
    let subject =
        say("alerts-mail-subject", &[("name", search.name.clone()), ("count", letter.calls.len().to_string())]);
    Letter { subject, body, unsubscribe_url }
}
