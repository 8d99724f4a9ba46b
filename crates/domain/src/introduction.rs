//! Introductions with double opt-in: a member asks for an introduction to an organisation
//! (or to one of its needs or offers), or a partner (a cluster office) brokers one between
//! two organisations. Each side that has not asked answers; only once both sides have
//! accepted does each see the other's contact. Unanswered requests expire after
//! [`ANSWER_DAYS`]. After an accepted introduction both sides are asked, at
//! [`FOLLOW_UP_DAYS`], what came of it; the public sees only the totals.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::validation::{no_direction_controls, required_text};
use crate::ValidationError;

/// Days the other side has to answer before a request expires.
pub const ANSWER_DAYS: u64 = 14;
/// Days after acceptance at which both sides are asked what came of it.
pub const FOLLOW_UP_DAYS: [u32; 2] = [30, 90];
const MAX_MESSAGE_CHARS: usize = 1_000;

/// One of the two organisations an introduction joins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    /// The organisation that asked (or, brokered, the first named).
    From,
    /// The organisation asked to meet it.
    To,
}

impl Side {
    pub const BOTH: [Side; 2] = [Side::From, Side::To];

    pub fn id(self) -> &'static str {
        match self {
            Side::From => "from",
            Side::To => "to",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::BOTH.into_iter().find(|s| s.id() == id)
    }

    pub fn other(self) -> Side {
        match self {
            Side::From => Side::To,
            Side::To => Side::From,
        }
    }
}

/// A side's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Answer {
    Pending,
    Accepted,
    Declined,
}

impl Answer {
    pub const ALL: [Answer; 3] = [Answer::Pending, Answer::Accepted, Answer::Declined];

    pub fn id(self) -> &'static str {
        match self {
            Answer::Pending => "pending",
            Answer::Accepted => "accepted",
            Answer::Declined => "declined",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.id() == id)
    }
}

/// Where an introduction stands, from its sides' answers and the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Pending,
    /// Both sides accepted: each sees the other's contact.
    Accepted,
    Declined,
    /// Not answered in time.
    Expired,
}

impl Status {
    pub fn id(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Accepted => "accepted",
            Status::Declined => "declined",
            Status::Expired => "expired",
        }
    }

    /// The status of an introduction whose sides answered `from` and `to`, made on
    /// `created_on`, on `today`: a refusal ends it, both acceptances complete it, and a
    /// request that waits longer than [`ANSWER_DAYS`] expires (the last day to answer is
    /// the fourteenth after it was made).
    pub fn of(from: Answer, to: Answer, created_on: NaiveDate, today: NaiveDate) -> Status {
        if from == Answer::Declined || to == Answer::Declined {
            Status::Declined
        } else if from == Answer::Accepted && to == Answer::Accepted {
            Status::Accepted
        } else if today > last_day_to_answer(created_on) {
            Status::Expired
        } else {
            Status::Pending
        }
    }
}

/// The last day the sides may answer a request made on `created_on`.
pub fn last_day_to_answer(created_on: NaiveDate) -> NaiveDate {
    created_on + chrono::Days::new(ANSWER_DAYS)
}

/// What came of an accepted introduction, as a side reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Meeting,
    JointProposal,
    Contract,
    Nothing,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [Outcome::Meeting, Outcome::JointProposal, Outcome::Contract, Outcome::Nothing];

    pub fn id(self) -> &'static str {
        match self {
            Outcome::Meeting => "meeting",
            Outcome::JointProposal => "joint-proposal",
            Outcome::Contract => "contract",
            Outcome::Nothing => "nothing",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.id() == id)
    }
}

/// The follow-up (days after acceptance) that is due on `today` for an introduction accepted
/// on `accepted_on`, of those not asked yet: the latest one whose day has come.
pub fn follow_up_due(accepted_on: NaiveDate, today: NaiveDate, asked: &[u32]) -> Option<u32> {
    FOLLOW_UP_DAYS
        .into_iter()
        .filter(|days| accepted_on + chrono::Days::new(u64::from(*days)) <= today)
        .filter(|days| !asked.contains(days))
        .max()
}

/// The short message that comes with a request: required, at most 1,000 characters.
pub fn check_message(message: &str) -> Result<(), ValidationError> {
    required_text("message", message, MAX_MESSAGE_CHARS)?;
    no_direction_controls("message", message)
}

/// How many introductions the matcher suggests to an organisation each week.
pub const SUGGESTIONS_PER_WEEK: usize = 3;

/// The ISO week a date falls in, by which the weekly suggestions are named: `2027-W12`.
pub fn iso_week(date: NaiveDate) -> String {
    let week = date.iso_week();
    format!("{}-W{:02}", week.year(), week.week())
}

/// A call two organisations both fit, for a suggestion to meet before it closes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SuggestedCall {
    pub topic_id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<NaiveDate>,
}

/// Why the matcher suggests an introduction.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SuggestionReasons {
    /// A call both fit: meet before it closes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<SuggestedCall>,
    /// Telling words both organisations' descriptions use.
    #[serde(default)]
    pub words: Vec<String>,
    /// How alike the two are in meaning (cosine, -1 to 1), when the hub has sentence vectors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f32>,
}

/// An organisation the matcher could suggest, with how well it fits and why.
#[derive(Debug, Clone, PartialEq)]
pub struct SuggestionCandidate {
    pub organisation_id: String,
    pub score: f32,
    pub reasons: SuggestionReasons,
}

/// The week's suggestions from the matcher's candidates: the best first, one per
/// organisation, none of `excluded` (the organisation itself, those dismissed, suggested
/// before or introduced already), at most [`SUGGESTIONS_PER_WEEK`]. A candidate with a call
/// to meet for beats the same organisation found alike only.
pub fn pick_suggestions(
    mut candidates: Vec<SuggestionCandidate>,
    excluded: &std::collections::HashSet<String>,
) -> Vec<SuggestionCandidate> {
    candidates.sort_by(|a, b| {
        b.reasons
            .call
            .is_some()
            .cmp(&a.reasons.call.is_some())
            .then(b.score.total_cmp(&a.score))
            .then_with(|| a.organisation_id.cmp(&b.organisation_id))
    });
    let mut picked: Vec<SuggestionCandidate> = Vec::new();
    for candidate in candidates {
        if excluded.contains(&candidate.organisation_id)
            || picked.iter().any(|p| p.organisation_id == candidate.organisation_id)
        {
            continue;
        }
        picked.push(candidate);
        if picked.len() == SUGGESTIONS_PER_WEEK {
            break;
        }
    }
    picked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).expect("date")
    }

    #[test]
    fn both_sides_must_accept_and_one_refusal_ends_it() {
        use Answer::*;
        assert_eq!(Status::of(Accepted, Pending, day(1), day(2)), Status::Pending);
        assert_eq!(Status::of(Accepted, Accepted, day(1), day(2)), Status::Accepted);
        assert_eq!(Status::of(Pending, Declined, day(1), day(2)), Status::Declined);
        assert_eq!(Status::of(Accepted, Accepted, day(1), day(30)), Status::Accepted, "accepted ones stay");
    }

    #[test]
    fn requests_expire_after_fourteen_days() {
        assert_eq!(last_day_to_answer(day(1)), day(15));
        assert_eq!(Status::of(Answer::Accepted, Answer::Pending, day(1), day(15)), Status::Pending);
        assert_eq!(Status::of(Answer::Accepted, Answer::Pending, day(1), day(16)), Status::Expired);
    }

    #[test]
    fn follow_ups_come_at_thirty_and_ninety_days_once_each() {
        let accepted = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
        let after = |days| accepted + chrono::Days::new(days);
        assert_eq!(follow_up_due(accepted, after(29), &[]), None);
        assert_eq!(follow_up_due(accepted, after(30), &[]), Some(30));
        assert_eq!(follow_up_due(accepted, after(31), &[30]), None);
        assert_eq!(follow_up_due(accepted, after(95), &[30]), Some(90));
        assert_eq!(follow_up_due(accepted, after(95), &[]), Some(90), "a late start asks once, the latest");
        assert_eq!(follow_up_due(accepted, after(95), &[30, 90]), None);
    }

    #[test]
    fn ids_read_back_and_messages_are_checked() {
        for side in Side::BOTH {
            assert_eq!(Side::from_id(side.id()), Some(side));
            assert_eq!(side.other().other(), side);
        }
        for answer in Answer::ALL {
            assert_eq!(Answer::from_id(answer.id()), Some(answer));
        }
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::from_id(outcome.id()), Some(outcome));
        }
        assert!(check_message("We would like to discuss a joint proposal.").is_ok());
        assert!(check_message(" ").is_err());
        assert!(check_message(&"x".repeat(1_001)).is_err());
    }

    #[test]
    fn weeks_are_named_as_iso_8601_does() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a date");
        assert_eq!(iso_week(date(2027, 3, 26)), "2027-W12");
        assert_eq!(iso_week(date(2027, 1, 1)), "2026-W53", "a Friday in the last week of 2026");
    }

    #[test]
    fn suggestions_are_the_best_distinct_and_never_excluded() {
        let candidate = |id: &str, score: f32, call: bool| SuggestionCandidate {
            organisation_id: id.into(),
            score,
            reasons: SuggestionReasons {
                call: call.then(|| SuggestedCall { topic_id: "T".into(), title: "A call".into(), deadline: None }),
                ..SuggestionReasons::default()
            },
        };
        let candidates = vec![
            candidate("alike", 0.9, false),
            candidate("b", 0.5, true),
            candidate("b", 0.8, false),
            candidate("dismissed", 1.0, true),
            candidate("c", 0.4, true),
            candidate("d", 0.3, true),
        ];
        let excluded = ["dismissed".to_owned()].into_iter().collect();
        let picked = pick_suggestions(candidates, &excluded);
        let ids: Vec<_> = picked.iter().map(|c| c.organisation_id.as_str()).collect();
        assert_eq!(ids, ["b", "c", "d"], "calls first, each organisation once, never a dismissed one");
        assert!(picked[0].reasons.call.is_some(), "b with its call");
    }
}
