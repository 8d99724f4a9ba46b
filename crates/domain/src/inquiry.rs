//! Inquiries about lab and office space: a visitor or a member asks the operator of a space
//! (the organisation that lists it), and the two write to each other until the operator
//! closes it, let or not. States: open → answered → visit planned → closed. A visitor's
//! inquiry reaches the operator only once its sender has confirmed their address by the
//! link mailed to them, so a form filled in by a robot reaches no one; members are known.
//!
//! Operators see how long each inquiry waited for its first answer; the public sees only
//! the median per operator ([`median_minutes`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::account::Email;
use crate::choice::{ids, one_of};
use crate::validation::{no_direction_controls, required_text, Reason, ValidationError};

const MAX_NAME_CHARS: usize = 200;
pub const MAX_MESSAGE_CHARS: usize = 4_000;
/// Inquiries one e-mail address may send in a day, whatever its client address.
pub const MAX_PER_ADDRESS_PER_DAY: usize = 5;
/// The public median covers the inquiries answered in this many days.
pub const MEDIAN_DAYS: i64 = 365;

/// Where an inquiry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InquiryState {
    /// Waiting for the operator's first answer.
    Open,
    Answered,
    VisitPlanned,
    Closed,
}

ids!(InquiryState { Open => "open", Answered => "answered", VisitPlanned => "visit-planned", Closed => "closed" });

/// How a closed inquiry ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Let,
    NotLet,
}

ids!(Outcome { Let => "let", NotLet => "not-let" });

/// What the operator does to an inquiry besides writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InquiryMove {
    /// A visit is planned (or moved) for this time.
    PlanVisit(DateTime<Utc>),
    Close(Outcome),
}

impl InquiryMove {
    /// The move's id in forms and the API.
    pub fn id(self) -> &'static str {
        match self {
            InquiryMove::PlanVisit(_) => "plan-visit",
            InquiryMove::Close(_) => "close",
        }
    }
}

/// Why a move is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InquiryRefusal {
    /// Nothing moves a closed inquiry, and nobody writes in one.
    #[error("this inquiry is closed")]
    Closed,
    /// A visit must be planned after the moment it is planned at.
    #[error("a visit can only be planned for a time to come")]
    VisitInPast,
    /// A visitor writes once they have confirmed their address.
    #[error("confirm your inquiry first, with the button on its page")]
    Unconfirmed,
}

impl InquiryState {
    /// The state after `change`, made at `now`. Planning a visit answers an open inquiry too.
    pub fn after(self, change: InquiryMove, now: DateTime<Utc>) -> Result<InquiryState, InquiryRefusal> {
        match (self, change) {
            (InquiryState::Closed, _) => Err(InquiryRefusal::Closed),
            (_, InquiryMove::PlanVisit(at)) if at <= now => Err(InquiryRefusal::VisitInPast),
            (_, InquiryMove::PlanVisit(_)) => Ok(InquiryState::VisitPlanned),
            (_, InquiryMove::Close(_)) => Ok(InquiryState::Closed),
        }
    }

    /// The state after a message: the operator's first one answers an open inquiry.
    pub fn after_message(self, from_operator: bool) -> Result<InquiryState, InquiryRefusal> {
        match self {
            InquiryState::Closed => Err(InquiryRefusal::Closed),
            InquiryState::Open if from_operator => Ok(InquiryState::Answered),
            other => Ok(other),
        }
    }
}

/// An inquiry as a form or the API sends it. `website` is a field people do not see (it is
/// hidden from them and from assistive technology) and robots fill in.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct InquiryDraft {
    pub name: String,
    pub email: String,
    pub message: String,
    pub website: String,
}

/// A checked inquiry. For a member the name and address come from their account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inquiry {
    pub name: String,
    pub email: Email,
    pub message: String,
}

impl Inquiry {
    /// Checks a visitor's inquiry, every field's fault named.
    pub fn validate(draft: InquiryDraft) -> Result<Inquiry, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let name = draft.name.trim().to_owned();
        if let Err(e) = required_text("name", &name, MAX_NAME_CHARS).and_then(|()| no_direction_controls("name", &name))
        {
            errors.push(e);
        }
        let email = match Email::parse(&draft.email) {
            Ok(email) => Some(email),
            Err(mut e) => {
                e.field = "email";
                errors.push(e);
                None
            }
        };
        let message = draft.message.trim().to_owned();
        if let Err(e) = check_message(&message) {
            errors.push(e);
        }
        if !draft.website.trim().is_empty() {
            errors.push(ValidationError::new("website", Reason::MustBeEmpty));
        }
        match email {
            Some(email) if errors.is_empty() => Ok(Inquiry { name, email, message }),
            _ => Err(errors),
        }
    }
}

/// A message's text: some words, not too many.
pub fn check_message(text: &str) -> Result<(), ValidationError> {
    required_text("message", text, MAX_MESSAGE_CHARS)?;
    no_direction_controls("message", text)
}

/// Reads a move from its id and the fields it needs.
pub fn parse_move(id: &str, visit_at: Option<DateTime<Utc>>, outcome: &str) -> Result<InquiryMove, ValidationError> {
    match id.trim() {
        "plan-visit" => {
            visit_at.map(InquiryMove::PlanVisit).ok_or_else(|| ValidationError::new("visit_at", Reason::Empty))
        }
        "close" => Ok(InquiryMove::Close(one_of("outcome", outcome, Outcome::ALL, Outcome::id)?)),
        other => Err(ValidationError::new(
            "move",
            Reason::NotOneOf { value: other.to_owned(), allowed: "plan-visit, close".to_owned() },
        )),
    }
}

/// The median of the minutes the answered inquiries waited, the lower middle one for an
/// even count (a whole minute, as it is shown).
pub fn median_minutes(mut waits: Vec<i64>) -> Option<i64> {
    if waits.is_empty() {
        return None;
    }
    waits.sort_unstable();
    Some(waits[(waits.len() - 1) / 2])
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, 1, hour, 0, 0).single().expect("a valid time")
    }

    #[test]
    fn the_operators_first_message_answers_and_a_closed_inquiry_stays_closed() {
        assert_eq!(InquiryState::Open.after_message(false), Ok(InquiryState::Open));
        assert_eq!(InquiryState::Open.after_message(true), Ok(InquiryState::Answered));
        assert_eq!(InquiryState::VisitPlanned.after_message(true), Ok(InquiryState::VisitPlanned));
        assert_eq!(InquiryState::Closed.after_message(false), Err(InquiryRefusal::Closed));
        let visit = InquiryMove::PlanVisit(at(12));
        assert_eq!(InquiryState::Open.after(visit, at(9)), Ok(InquiryState::VisitPlanned));
        assert_eq!(InquiryState::Answered.after(visit, at(13)), Err(InquiryRefusal::VisitInPast));
        let close = InquiryMove::Close(Outcome::Let);
        assert_eq!(InquiryState::VisitPlanned.after(close, at(9)), Ok(InquiryState::Closed));
        assert_eq!(InquiryState::Closed.after(close, at(9)), Err(InquiryRefusal::Closed));
    }

    #[test]
    fn a_visitors_inquiry_names_every_fault_and_a_filled_trap_is_refused() {
        let errors = Inquiry::validate(InquiryDraft {
            name: " ".into(),
            email: "not an address".into(),
            message: String::new(),
            website: "http://spam.example".into(),
        })
        .expect_err("refused");
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "email", "message", "website"]);
        let ok = Inquiry::validate(InquiryDraft {
            name: "Ada".into(),
            email: "ada@example.org".into(),
            message: "Is the lab free in May?".into(),
            website: String::new(),
        })
        .expect("valid");
        assert_eq!(ok.email.as_str(), "ada@example.org");
    }

    #[test]
    fn moves_are_read_with_what_they_need() {
        assert_eq!(parse_move("close", None, "not-let"), Ok(InquiryMove::Close(Outcome::NotLet)));
        assert_eq!(parse_move("plan-visit", None, "").map_err(|e| e.field), Err("visit_at"));
        assert_eq!(parse_move("close", None, "sold").map_err(|e| e.field), Err("outcome"));
        assert_eq!(parse_move("reopen", None, "").map_err(|e| e.field), Err("move"));
    }

    #[test]
    fn the_median_is_the_middle_wait() {
        assert_eq!(median_minutes(vec![]), None);
        assert_eq!(median_minutes(vec![30]), Some(30));
        assert_eq!(median_minutes(vec![600, 30, 90]), Some(90));
        assert_eq!(median_minutes(vec![40, 10, 30, 20]), Some(20));
    }
}
