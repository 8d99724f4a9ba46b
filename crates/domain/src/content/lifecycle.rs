//! The one lifecycle of member-written content: `draft → published → archived`, with
//! `in review` between draft and published for kinds that need a moderator's approval, and
//! an optional expiry date after which an item leaves lists, search and feeds.

use std::fmt;

use chrono::NaiveDate;

use super::kind::Kind;

/// How many days before an item expires its owners are reminded.
pub const EXPIRY_REMINDER_DAYS: i64 = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    Draft,
    InReview,
    Published,
    Archived,
}

impl State {
    pub const ALL: [State; 4] = [State::Draft, State::InReview, State::Published, State::Archived];

    /// The stored and API form.
    pub fn id(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::InReview => "in-review",
            State::Published => "published",
            State::Archived => "archived",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.id() == id)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A change of state someone asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transition {
    /// Ask a moderator to publish (kinds that need review).
    Submit,
    /// Make it public: the owner for kinds without review, a moderator otherwise.
    Publish,
    /// A moderator sends an item in review back to its owner as a draft.
    Reject,
    /// Take it out of lists, search and feeds; its page stays, marked as archived.
    Archive,
    /// Bring an archived item back as a draft.
    Restore,
}

impl Transition {
    pub const ALL: [Transition; 5] =
        [Transition::Submit, Transition::Publish, Transition::Reject, Transition::Archive, Transition::Restore];

    pub fn id(self) -> &'static str {
        match self {
            Transition::Submit => "submit",
            Transition::Publish => "publish",
            Transition::Reject => "reject",
            Transition::Archive => "archive",
            Transition::Restore => "restore",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.id() == id)
    }

    /// The state `self` leads to from `from`, for an item of `kind`.
    pub fn apply(self, kind: &Kind, from: State) -> Result<State, LifecycleError> {
        let to = match (self, from) {
            (Transition::Submit, State::Draft) if kind.needs_review() => State::InReview,
            (Transition::Publish, State::Draft) if !kind.needs_review() => State::Published,
            (Transition::Publish, State::InReview) => State::Published,
            (Transition::Reject, State::InReview) => State::Draft,
            (Transition::Archive, State::Published | State::Draft | State::InReview) => State::Archived,
            (Transition::Restore, State::Archived) => State::Draft,
            _ => return Err(LifecycleError { transition: self, from }),
        };
        Ok(to)
    }

    /// The transitions open to an item of `kind` in `state`, whoever may take them.
    pub fn available(kind: &Kind, state: State) -> Vec<Transition> {
        Self::ALL.into_iter().filter(|t| t.apply(kind, state).is_ok()).collect()
    }
}

/// A transition that does not apply to the item's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an item that is {from} cannot be {}", past(*.transition))]
pub struct LifecycleError {
    pub transition: Transition,
    pub from: State,
}

fn past(transition: Transition) -> &'static str {
    match transition {
        Transition::Submit => "submitted for review",
        Transition::Publish => "published",
        Transition::Reject => "sent back",
        Transition::Archive => "archived",
        Transition::Restore => "restored",
    }
}

/// Whether an item in `state` with `expires_on` belongs in lists, search and feeds on `today`
/// (the region's date). An item expires at the end of its expiry date.
pub fn is_listed(state: State, expires_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    state == State::Published && !has_expired(expires_on, today)
}

pub fn has_expired(expires_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    expires_on.is_some_and(|date| date < today)
}

/// Whether the owners of a published item should now be reminded that it expires soon.
pub fn reminder_due(state: State, expires_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    state == State::Published
        && expires_on.is_some_and(|date| date >= today && (date - today).num_days() <= EXPIRY_REMINDER_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::test_kinds::{DIRECT, REVIEWED};

    #[test]
    fn kinds_without_review_publish_drafts_directly() {
        assert_eq!(Transition::Publish.apply(&DIRECT, State::Draft), Ok(State::Published));
        assert!(Transition::Submit.apply(&DIRECT, State::Draft).is_err());
        assert_eq!(Transition::available(&DIRECT, State::Draft), vec![Transition::Publish, Transition::Archive]);
    }

    #[test]
    fn kinds_with_review_pass_through_it() {
        assert!(Transition::Publish.apply(&REVIEWED, State::Draft).is_err());
        assert_eq!(Transition::Submit.apply(&REVIEWED, State::Draft), Ok(State::InReview));
        assert_eq!(Transition::Publish.apply(&REVIEWED, State::InReview), Ok(State::Published));
        assert_eq!(Transition::Reject.apply(&REVIEWED, State::InReview), Ok(State::Draft));
    }

    #[test]
    fn archived_items_come_back_as_drafts_only() {
        assert_eq!(Transition::Restore.apply(&DIRECT, State::Archived), Ok(State::Draft));
        assert_eq!(Transition::available(&DIRECT, State::Archived), vec![Transition::Restore]);
        let refused = Transition::Publish.apply(&DIRECT, State::Archived).unwrap_err();
        assert_eq!(refused.to_string(), "an item that is archived cannot be published");
    }

    #[test]
    fn expired_items_leave_lists_the_day_after_their_date() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        assert!(is_listed(State::Published, Some(day(5)), day(5)));
        assert!(!is_listed(State::Published, Some(day(5)), day(6)));
        assert!(is_listed(State::Published, None, day(6)));
        assert!(!is_listed(State::Draft, None, day(6)));
    }

    #[test]
    fn reminders_fall_due_a_week_before_expiry() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        assert!(!reminder_due(State::Published, Some(day(20)), day(12)));
        assert!(reminder_due(State::Published, Some(day(20)), day(13)));
        assert!(reminder_due(State::Published, Some(day(20)), day(20)));
        assert!(!reminder_due(State::Published, Some(day(20)), day(21)));
        assert!(!reminder_due(State::Draft, Some(day(20)), day(15)));
    }
}
