use axum::extract::State;
use axum::Json;
use lshub_domain::{Reason, ValidationError};
use lshub_search::{EntityType, MatchHit, MatchSource, Searchable};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::resolve::parse_limit;
use super::search::entity_path;
use crate::error::{AppError, Problem};
use crate::params::Params;
use crate::state::AppState;

/// What to find matches for (exactly one of `call`, `organisation`, `text`) and of which type.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatchParams {
    /// A call's topic id: find organisations that could apply (or similar calls).
    pub call: Option<String>,
    /// An organisation's slug: find calls that fit it (or similar organisations).
    pub organisation: Option<String>,
    /// Plain words, in Dutch or English: a need, a project idea, a profile.
    pub text: Option<String>,
    /// `organisation` or `call`: the type of the matches. Defaults to organisations for a
    /// call or a text, and to calls for an organisation.
    #[serde(rename = "type")]
    #[param(rename = "type", pattern = "^(organisation|call)?$")]
    pub target: Option<String>,
    /// Matches, 1 to 50 (default 10).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 50)]
    pub limit: Option<String>,
}

const MAX_TEXT_CHARS: usize = 2_000;

/// What a match is asked for; exactly one of them.
const CHOICES: &str = "call, organisation or text";
const MAX_LIMIT: usize = 50;

#[derive(Debug, Serialize, ToSchema)]
pub struct MatchResult {
    #[serde(flatten)]
    pub hit: MatchHit,
    /// The entity's page in the hub.
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MatchResults {
    /// Best first; `score` is relative to the best (1).
    pub items: Vec<MatchResult>,
}

/// The source the parameters name, before it is looked up.
enum Requested<'a> {
    Call(&'a str),
    Organisation(&'a str),
    Text(&'a str),
}

/// A parameter's value, blank meaning absent.
fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl MatchParams {
    fn validate(&self) -> Result<(Requested<'_>, EntityType, usize), ValidationError> {
        let given: Vec<(&'static str, &str)> = [
            ("call", present(&self.call)),
            ("organisation", present(&self.organisation)),
            ("text", present(&self.text)),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name, v)))
        .collect();
        let requested = match given.as_slice() {
            [] => return Err(ValidationError::new("text", Reason::GiveOneOf { choices: CHOICES })),
            [("call", id)] => Requested::Call(id),
            [("organisation", slug)] => Requested::Organisation(slug),
            [(_, text)] => {
                if text.chars().count() > MAX_TEXT_CHARS {
                    return Err(ValidationError::new("text", Reason::TooLong { max: MAX_TEXT_CHARS }));
                }
                Requested::Text(text)
            }
            [_, (second, _), ..] => {
                return Err(ValidationError::new(second, Reason::GiveOnlyOneOf { choices: CHOICES }));
            }
        };
        let target = match present(&self.target) {
            Some(t) => EntityType::from_id(t).ok_or_else(|| {
                ValidationError::new(
                    "type",
                    Reason::NotOneOf { value: t.to_string(), allowed: "organisation, call".into() },
                )
            })?,
            None => match requested {
                Requested::Organisation(_) => EntityType::CALL,
                Requested::Call(_) | Requested::Text(_) => EntityType::ORGANISATION,
            },
        };
        Ok((requested, target, parse_limit(self.limit.as_deref(), 10, MAX_LIMIT)?))
    }
}

/// The matches for a source: looks the entity up (404 when it does not exist).
pub(crate) async fn find(
    state: &AppState,
    source: &MatchSource,
    target: EntityType,
    limit: usize,
) -> Result<Vec<MatchHit>, AppError> {
    // The index brings its stored vectors and model when the hub has one; without, matching
    // is lexical.
    let index = &state.derived.index;
    index.find_matches(source, target, limit, state.today(), Some(index)).map_err(AppError::Search)
}

/// Rank organisations or calls against a call, an organisation or plain words: who could
/// apply for a call, which calls fit an organisation, which organisations are alike.
#[utoipa::path(
    get,
    path = "/api/v1/match",
    tag = "search",
    params(MatchParams),
    responses(
        (status = 200, description = "Matches, best first, each with why it fits", body = MatchResults),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The call or organisation does not exist", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn find_matches(
    State(state): State<AppState>,
    Params(params): Params<MatchParams>,
) -> Result<Json<MatchResults>, AppError> {
    let (requested, target, limit) = params.validate()?;
    // No key holds control characters, and PostgreSQL refuses NUL in a query parameter.
    let unknown = |key: &str| key.chars().any(char::is_control);
    let source = match requested {
        Requested::Call(id) if unknown(id) => return Err(AppError::not_found("call")),
        Requested::Organisation(slug) if unknown(slug) => return Err(AppError::not_found("organisation")),
        Requested::Call(id) => {
            let call = state.db.call_by_topic_id(id).await?.ok_or(AppError::not_found("call"))?;
            MatchSource::Entity(call.search_document())
        }
        Requested::Organisation(slug) => {
            let organisation = state.db.organisation_by_slug(slug).await?.ok_or(AppError::not_found("organisation"))?;
            MatchSource::Entity(lshub_search::organisation_document(&state.db, &organisation).await?)
        }
        Requested::Text(text) => MatchSource::Text(text.to_owned()),
    };
    let hits = find(&state, &source, target, limit).await?;
    let items = hits
        .into_iter()
        .map(|hit| MatchResult { url: super::page_url(&state, &entity_path(hit.entity, &hit.key)), hit })
        .collect();
    Ok(Json(MatchResults { items }))
}
