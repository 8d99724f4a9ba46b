//! Suggested introductions: the weekly job that asks the matcher, for each organisation with
//! members, which organisations to meet (those that fit the same open call, then those
//! most alike), and the page and API where members see and dismiss them.

use std::collections::HashSet;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Json;
use chrono::NaiveDate;
use lshub_domain::introduction::{SuggestedCall, SuggestionCandidate, SuggestionReasons};
use lshub_domain::{CallStatus, Organisation};
use lshub_search::{EntityType, MatchHit, MatchSource, Searchable};
use lshub_service::introduction_suggestions as service;
use lshub_storage::introduction_suggestions::StoredSuggestion;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Auth;
use crate::error::{AppError, Problem};
use crate::i18n::Translator;
use crate::pages::{render, see_other, PageContext};
use crate::routes::RouteTable;
use crate::state::AppState;

#[derive(utoipa::OpenApi)]
#[openapi(paths(list, dismiss), components(schemas(SuggestionWire)))]
pub struct SuggestionsApi;

/// Calls an organisation fits that the matcher looks at for partners to meet.
const CALLS: usize = 3;
/// Organisations per call, and alike ones, the matcher weighs.
const CANDIDATES: usize = 8;
/// Shared words a suggestion names.
const WORDS: usize = 5;
/// A match's score relative to the best of its list below which it is no reason to meet:
/// such matches share a common word or two, not what they do.
const MIN_FIT: f32 = 0.35;

/// The words of a match's reasons, lower-cased, in order.
fn words(hit: &MatchHit) -> Vec<String> {
    let mut seen = Vec::new();
    for word in hit.why.terms.iter().flat_map(|reason| reason.terms.iter()) {
        if !seen.contains(word) {
            seen.push(word.clone());
        }
    }
    seen
}

/// The matcher's candidates for one organisation: partners for the open calls it fits,
/// with the words both share with the call, then the organisations most like it.
async fn candidates(
    state: &AppState,
    organisation: &Organisation,
    today: NaiveDate,
) -> Result<Vec<SuggestionCandidate>, AppError> {
    let index = &state.derived.index;
    let source = MatchSource::Entity(lshub_search::organisation_document(&state.db, organisation).await?);
    let mut out = Vec::new();
    let slug_to_id = |hit: &MatchHit| {
        let (db, slug) = (state.db.clone(), hit.key.clone());
        async move { db.organisation_by_slug(&slug).await.map(|o| o.map(|o| o.id)) }
    };
    for call_hit in
        index.find_matches(&source, EntityType::CALL, CALLS, today, Some(index)).map_err(AppError::Search)?
    {
        let Some(call) = state.db.call_by_topic_id(&call_hit.id).await? else { continue };
        if call.content.status_on(today) == CallStatus::Closed {
            continue;
        }
        let ours: HashSet<String> = words(&call_hit).into_iter().collect();
        let reason_call = SuggestedCall {
            topic_id: call.content.topic_id.clone(),
            title: call.content.title.clone(),
            deadline: call.content.next_deadline(today),
        };
        let partners = MatchSource::Entity(call.search_document());
        let hits = index.find_matches(&partners, EntityType::ORGANISATION, CANDIDATES, today, Some(index));
        for hit in hits.map_err(AppError::Search)?.into_iter().filter(|hit| hit.score >= MIN_FIT) {
            let Some(id) = slug_to_id(&hit).await? else { continue };
            let theirs = words(&hit);
            let shared: Vec<String> = theirs.iter().filter(|w| ours.contains(*w)).cloned().collect();
            let mut named = if shared.is_empty() { theirs } else { shared };
            named.truncate(WORDS);
            out.push(SuggestionCandidate {
                organisation_id: id,
                score: call_hit.score * hit.score,
                reasons: SuggestionReasons { call: Some(reason_call.clone()), words: named, similarity: None },
            });
        }
    }
    let alike = index.find_matches(&source, EntityType::ORGANISATION, CANDIDATES, today, Some(index));
    for hit in alike.map_err(AppError::Search)?.into_iter().filter(|hit| hit.score >= MIN_FIT) {
        let Some(id) = slug_to_id(&hit).await? else { continue };
        let mut named = words(&hit);
        named.truncate(WORDS);
        let reasons = SuggestionReasons { call: None, words: named, similarity: hit.why.similarity };
        out.push(SuggestionCandidate { organisation_id: id, score: hit.score, reasons });
    }
    Ok(out)
}

/// Writes this week's suggestions for every organisation with members that has none yet;
/// run by the scheduled jobs (every node: the first to write a round wins). How many rounds it
/// wrote.
pub async fn propose_weekly(state: &AppState) -> Result<usize, AppError> {
    let today = state.today();
    let week = lshub_domain::introduction::iso_week(today);
    let mut written = 0;
    for id in state.db.suggestion_rounds_due(&week).await? {
        let Some(organisation) = state.db.organisation_by_id(&id).await? else { continue };
        let found = candidates(state, &organisation, today).await?;
        if service::write_round(&state.db, &id, today, state.site.clock.now(), found).await?.is_some() {
            written += 1;
        }
    }
    Ok(written)
}

pub fn page_routes() -> RouteTable {
    RouteTable::new()
        .route("/introductions/suggestions", get(page))
        .route("/introductions/suggestions/{id}/dismiss", post(dismiss_on_page))
}

pub fn api_routes() -> RouteTable {
    RouteTable::new()
        .route("/introductions/suggestions", get(list))
        .route("/introductions/suggestions/{id}/dismiss", post(dismiss))
}

/// One suggestion in words.
struct Shown {
    id: String,
    slug: String,
    name: String,
    /// "… before “Call” closes on 26 March 2027", or empty.
    call: Option<(String, String)>,
    why: String,
}

fn shown(state: &AppState, t: &Translator, s: &StoredSuggestion) -> Shown {
    let mut why = Vec::new();
    if !s.reasons.words.is_empty() {
        why.push(t.t1("suggestions-words", "words", s.reasons.words.join(", ")));
    }
    if let Some(similarity) = s.reasons.similarity {
        why.push(t.t1("suggestions-alike", "percent", format!("{:.0}", similarity * 100.0)));
    }
    let call = s.reasons.call.as_ref().map(|call| {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("call", call.title.clone());
        let text = match call.deadline {
            Some(deadline) => {
                args.set("date", crate::pages::format::date(t.lang, deadline));
                state.i18n.format(t.lang, "suggestions-before-call", Some(&args))
            }
            None => state.i18n.format(t.lang, "suggestions-for-call", Some(&args)),
        };
        (format!("/calls/{}", call.topic_id), text)
    });
    Shown {
        id: s.id.clone(),
        slug: s.suggested_slug.clone(),
        name: s.suggested_name.clone(),
        call,
        why: why.join("; "),
    }
}

#[derive(Template)]
#[template(path = "introductions/suggestions.html")]
struct SuggestionsPage {
    ctx: PageContext,
    csrf: String,
    /// Each organisation's name and its suggestions.
    organisations: Vec<(String, Vec<Shown>)>,
}

pub async fn page(State(state): State<AppState>, ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    let all = service::mine(&state.db, &auth.caller()).await?;
    let organisations = all
        .iter()
        .map(|o| {
            (o.organisation.profile.name.clone(), o.suggestions.iter().map(|s| shown(&state, &ctx.t, s)).collect())
        })
        .collect();
    render(&SuggestionsPage { csrf: auth.csrf.clone(), organisations, ctx })
}

pub async fn dismiss_on_page(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    service::dismiss(&state.db, &auth.caller(), &id, state.site.clock.now()).await?;
    Ok(see_other("/introductions/suggestions"))
}

/// A suggested introduction.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SuggestionWire {
    pub id: String,
    /// The address name of the organisation it is made to.
    pub organisation: String,
    /// The address name of the organisation to meet.
    pub suggested: String,
    pub suggested_name: String,
    /// The ISO week it was made in.
    pub week: String,
    #[schema(value_type = Object)]
    pub reasons: SuggestionReasons,
}

/// This week's suggested introductions for each organisation the caller asks introductions
/// for (scope `read`), best first.
#[utoipa::path(get, path = "/api/v1/introductions/suggestions", tag = "introductions", operation_id = "introductionSuggestions",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Best first, per organisation", body = [SuggestionWire]),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn list(State(state): State<AppState>, auth: Auth) -> Result<Json<Vec<SuggestionWire>>, AppError> {
    let all = service::mine(&state.db, &auth.caller()).await?;
    Ok(Json(
        all.iter()
            .flat_map(|o| {
                o.suggestions.iter().map(|s| SuggestionWire {
                    id: s.id.clone(),
                    organisation: o.organisation.slug.clone(),
                    suggested: s.suggested_slug.clone(),
                    suggested_name: s.suggested_name.clone(),
                    week: s.week.clone(),
                    reasons: s.reasons.clone(),
                })
            })
            .collect(),
    ))
}

/// Dismisses a suggestion (scope `write`): it is not shown, and that organisation is not
/// suggested again.
#[utoipa::path(post, path = "/api/v1/introductions/suggestions/{id}/dismiss", tag = "introductions", operation_id = "dismissIntroductionSuggestion",
    params(("id" = String, Path, description = "The suggestion's id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Dismissed"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such suggestion for the caller's organisations", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn dismiss(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<axum::http::StatusCode, AppError> {
    service::dismiss(&state.db, &auth.caller(), &id, state.site.clock.now()).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
