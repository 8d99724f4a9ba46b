use lshub_domain::access::application::Refusal;
use lshub_domain::access::form::FieldProblem;
use lshub_domain::authorization::Denial;
use lshub_domain::content::LifecycleError;
use lshub_domain::ValidationError;
use lshub_storage::StorageError;

/// Why a use case did not happen. The web layer maps each to one response.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("not allowed: {0:?}")]
    Denied(Denial),
    /// Every refused field, in the order of the form.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<ValidationError>),
    /// Every refused answer or definition field of an access request, named by its path.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    InvalidFields(Vec<FieldProblem>),
    /// The access request's rules refused the command.
    #[error(transparent)]
    Refused(Refusal),
    /// The event's registration rules refused the change.
    #[error(transparent)]
    RegistrationRefused(lshub_domain::event::RegistrationRefusal),
    /// The matchmaking day's rules refused a meeting request or its change.
    #[error(transparent)]
    MeetingRefused(lshub_domain::event::meetings::MeetingRefusal),
    #[error(transparent)]
    BookingRefused(#[from] lshub_domain::facility::booking::BookingRefusal),
    #[error(transparent)]
    InquiryRefused(#[from] lshub_domain::inquiry::InquiryRefusal),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Someone saved a newer version since the caller loaded it; nothing was written.
    #[error("this was changed by someone else since you opened it")]
    Stale,
    /// The record kept changing under the use case; trying again later may work.
    #[error("{0}")]
    Busy(&'static str),
    /// The caller tried too often; they may try again after this many seconds.
    #[error("too many attempts; try again in {retry_after} s")]
    Throttled { retry_after: u64 },
    /// Something on the server broke, not the caller's doing.
    #[error("{0}")]
    Internal(String),
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<ValidationError> for ServiceError {
    fn from(error: ValidationError) -> Self {
        ServiceError::Invalid(vec![error])
    }
}
