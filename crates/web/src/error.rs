//! The error policy of the web layer.
//!
//! Every handler returns `Result<_, AppError>`. An error becomes exactly one user-facing
//! shape: RFC 9457 problem details (`application/problem+json`) for the API and feeds, and
//! the same status, title and detail as an HTML page for browsers (see
//! [`crate::pages::render_html_errors`]). Rules:
//!
//! - Bad input is the user's to fix: 400 with the offending field named, never a 500.
//! - A missing entity is a 404 that says what was not found.
//! - Internal failures (database, templates) are logged with their cause and shown as a
//!   500 without internals, so nothing about the system leaks to the client.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use lshub_domain::access::application::Refusal;
use lshub_domain::authorization::Denial;
use lshub_domain::ValidationError;
use lshub_service::ServiceError;
use lshub_storage::StorageError;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(#[from] ValidationError),
    #[error("{what} not found")]
    NotFound { what: &'static str },
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("rendering a page failed: {0}")]
    Render(#[from] askama::Error),
    #[error(transparent)]
    Search(lshub_search::SearchError),
    #[error("sign in to do this")]
    SignInRequired,
    #[error("the API token is unknown or revoked")]
    InvalidToken,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("too many requests; try again in {retry_after} seconds")]
    TooManyRequests { retry_after: u64 },
    #[error("the request body is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("{0}")]
    MalformedBody(String),
    /// The thing changed under the request too often to apply it; trying again helps.
    #[error("{0}")]
    Conflict(&'static str),
    /// An item's state does not allow what was asked (publishing an archived item, say).
    #[error("{0}")]
    WrongState(String),
    #[error("{0}")]
    Internal(String),
    /// An answer or a field of a definition whose name is a path (`{item}.{field}`).
    #[error("{field}: {detail}")]
    InvalidField { field: String, detail: String },
}

/// RFC 9457 problem details.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI for the problem type; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The input field that is wrong, for validation problems.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The validation error itself, so that an error page can word it in its language.
    #[serde(skip)]
    pub invalid: Option<ValidationError>,
}

/// A use case's refusal, in the web layer's one shape. Pages with forms handle
/// [`ServiceError::Invalid`] themselves, to show every field's error beside the field; here
/// the first refused field stands for them all.
impl From<ServiceError> for AppError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Denied(denial) => AppError::denied(denial),
            ServiceError::Invalid(mut errors) if !errors.is_empty() => AppError::BadRequest(errors.swap_remove(0)),
            ServiceError::Invalid(_) => AppError::Internal("a refusal without a reason".into()),
            ServiceError::InvalidFields(problems) => match problems.into_iter().next() {
                Some(problem) => AppError::InvalidField { field: problem.field, detail: problem.reason.to_string() },
                None => AppError::Internal("a refusal without a reason".into()),
            },
            ServiceError::Refused(refusal) => match refusal {
                Refusal::Incomplete(problems) => match problems.into_iter().next() {
                    Some(problem) => {
                        AppError::InvalidField { field: problem.field, detail: problem.reason.to_string() }
                    }
                    None => AppError::Internal("a refusal without a reason".into()),
                },
                Refusal::NotAMember(_)
                | Refusal::NobodyNamed
                | Refusal::NotYourHolder(_)
                | Refusal::CommentTooLong { .. }
                | Refusal::ReasonRequired => AppError::MalformedBody(refusal.to_string()),
                Refusal::NotInThisState { .. }
                | Refusal::LicencesNotAccepted
                | Refusal::AlreadyParty(_)
                | Refusal::HoldersPending
                | Refusal::NothingAvailable => AppError::WrongState(refusal.to_string()),
            },
            ServiceError::NotFound(what) => AppError::NotFound { what },
            ServiceError::Stale => {
                AppError::Conflict("this was changed by someone else since you opened it; reload it")
            }
            ServiceError::Busy(reason) => AppError::Conflict(reason),
            ServiceError::Throttled { retry_after } => AppError::TooManyRequests { retry_after },
            ServiceError::Internal(reason) => AppError::Internal(reason),
            ServiceError::Lifecycle(refused) => AppError::WrongState(refused.to_string()),
            ServiceError::RegistrationRefused(refused) => AppError::WrongState(refused.to_string()),
            ServiceError::MeetingRefused(refused) => AppError::WrongState(refused.to_string()),
            ServiceError::BookingRefused(refused) => AppError::WrongState(refused.to_string()),
            ServiceError::InquiryRefused(refused) => AppError::WrongState(refused.to_string()),
            ServiceError::Storage(e) => AppError::Storage(e),
        }
    }
}

impl AppError {
    /// The response to a denial of the policy: 401 where signing in might help, else 403.
    pub fn denied(denial: Denial) -> Self {
        match denial {
            Denial::SignInRequired => AppError::SignInRequired,
            Denial::EmailNotVerified => AppError::Forbidden("verify your e-mail address first"),
            Denial::AccountDisabled => AppError::Forbidden("this account is disabled"),
            Denial::ScopeMissing => AppError::Forbidden("the API token lacks the scope for this"),
            Denial::Forbidden => AppError::Forbidden("you may not do this"),
        }
    }

    pub fn not_found(what: &'static str) -> Self {
        AppError::NotFound { what }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) | AppError::InvalidField { .. } => StatusCode::BAD_REQUEST,
            AppError::NotFound { .. } => StatusCode::NOT_FOUND,
            AppError::Storage(_) | AppError::Render(_) | AppError::Search(_) | AppError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            AppError::SignInRequired | AppError::InvalidToken => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::MalformedBody(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) | AppError::WrongState(_) => StatusCode::CONFLICT,
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status();
        let (problem_type, detail, field) = match self {
            AppError::BadRequest(e) => ("/problems/invalid-input", e.to_string(), Some(e.field.to_owned())),
            AppError::NotFound { .. } => ("about:blank", self.to_string(), None),
            AppError::Storage(_) | AppError::Render(_) | AppError::Search(_) | AppError::Internal(_) => {
                ("about:blank", "The hub could not complete this request. It has been logged.".to_owned(), None)
            }
            AppError::MalformedBody(_) => ("/problems/malformed-body", self.to_string(), None),
            AppError::InvalidField { field, .. } => ("/problems/invalid-input", self.to_string(), Some(field.clone())),
            _ => ("about:blank", self.to_string(), None),
        };
        Problem {
            problem_type: problem_type.to_owned(),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            field,
            invalid: match self {
                AppError::BadRequest(e) => Some(e.clone()),
                _ => None,
            },
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if self.status().is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let retry_after = match self {
            AppError::TooManyRequests { retry_after } => Some(retry_after),
            _ => None,
        };
        let mut response = problem_response(self.problem());
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        if response.status() == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
        }
        response
    }
}

pub fn problem_response(problem: Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(&problem).unwrap_or_default();
    let mut response = (status, [(header::CONTENT_TYPE, "application/problem+json")], body).into_response();
    response.extensions_mut().insert(problem);
    response
}
