use axum::extract::State;
use axum::Json;
use lshub_domain::{Reason, ValidationError};
use lshub_search::{ResolveOutcome, CONFIDENCE_THRESHOLD};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{AppError, Problem};
use crate::params::Params;
use crate::state::AppState;

/// A name or affiliation to resolve.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResolveParams {
    /// A name or affiliation as written, e.g. `Dept. of Cardiology, UMC Utrecht, the Netherlands`;
    /// it must hold a letter or digit.
    #[param(required = true, max_length = 1000, pattern = r"[^\W_]")]
    pub q: Option<String>,
    /// Candidates to return, 1 to 20 (default 3).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 20)]
    pub limit: Option<String>,
}

/// No affiliation is longer; longer texts are refused rather than cut.
const MAX_CHARS: usize = 1_000;
const MAX_LIMIT: usize = 20;

#[derive(Debug, Serialize, ToSchema)]
pub struct ResolveResult {
    #[serde(flatten)]
    pub outcome: ResolveOutcome,
    /// The confidence at and above which a candidate is the match.
    pub threshold: f32,
}

impl ResolveParams {
    fn validate(&self) -> Result<(&str, usize), ValidationError> {
        let text = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
        let text = text.ok_or_else(|| ValidationError::new("q", Reason::Empty))?;
        if text.chars().count() > MAX_CHARS {
            return Err(ValidationError::new("q", Reason::TooLong { max: MAX_CHARS }));
        }
        if !text.chars().any(char::is_alphanumeric) {
            return Err(ValidationError::new("q", Reason::NoLetterOrDigit));
        }
        let limit = parse_limit(self.limit.as_deref(), 3, MAX_LIMIT)?;
        Ok((text, limit))
    }
}

/// A `limit` parameter: blank means `default`; otherwise a whole number from 1 to `max`.
pub(super) fn parse_limit(value: Option<&str>, default: usize, max: usize) -> Result<usize, ValidationError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(default) };
    match value.parse::<usize>() {
        Ok(limit) if (1..=max).contains(&limit) => Ok(limit),
        _ => Err(ValidationError::new("limit", Reason::NotWholeNumberInRange { min: 1, max: max as i64 })),
    }
}

/// Which organisation a name or affiliation means, with a confidence; `match` is null when
/// no organisation is close enough.
#[utoipa::path(
    get,
    path = "/api/v1/resolve",
    tag = "search",
    params(ResolveParams),
    responses(
        (status = 200, description = "The organisation meant (or null) and the closest candidates", body = ResolveResult),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn resolve(
    State(state): State<AppState>,
    Params(params): Params<ResolveParams>,
) -> Result<Json<ResolveResult>, AppError> {
    let (text, limit) = params.validate()?;
    let outcome = state.derived.resolver().resolve(text, limit);
    Ok(Json(ResolveResult { outcome, threshold: CONFIDENCE_THRESHOLD }))
}
