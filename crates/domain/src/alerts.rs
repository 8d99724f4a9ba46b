//! Following calls: the call changelog (what an import found new, changed or closed) and
//! saved searches with their alerts (which calls are new to a search, which deadline
//! reminders are due). Pure rules: the clock comes in as `today` and `now`.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::listing::{CallFilter, CallSort, Pagination};
use crate::validation::{required_text, ValidationError};
use crate::{CallContent, CallStatus, CallTopic};

/// What an import did to a call, as the changelog records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// The call was not in the hub before.
    New,
    /// Fields of the call changed.
    Changed,
    /// The source now says the call is closed (it said otherwise before).
    Closed,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 3] = [ChangeKind::New, ChangeKind::Changed, ChangeKind::Closed];

    pub fn id(self) -> &'static str {
        match self {
            ChangeKind::New => "new",
            ChangeKind::Changed => "changed",
            ChangeKind::Closed => "closed",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }
}

/// One entry of the call changelog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallChange {
    pub topic_id: String,
    /// The call's title after the change.
    pub title: String,
    pub kind: ChangeKind,
    /// The fields that changed, as the call's JSON names them (`deadlines`, `budgetMax`);
    /// empty for a new call.
    pub fields: Vec<String>,
    pub changed_at: DateTime<Utc>,
}

/// How a call changed from `before` (absent for a call new to the hub) to `after`, or
/// `None` when nothing did. A call missing from an import is not a change: a file may hold
/// only some of a source's calls, and a call whose deadlines passed closes by its dates.
pub fn call_change(before: Option<&CallContent>, after: &CallContent) -> Option<(ChangeKind, Vec<String>)> {
    let Some(before) = before else { return Some((ChangeKind::New, Vec::new())) };
    let fields = changed_fields(before, after);
    if fields.is_empty() {
        return None;
    }
    let closed = before.source_status != CallStatus::Closed && after.source_status == CallStatus::Closed;
    Some((if closed { ChangeKind::Closed } else { ChangeKind::Changed }, fields))
}

/// The names of the fields whose values differ, in alphabetical order.
fn changed_fields(before: &CallContent, after: &CallContent) -> Vec<String> {
    let (Ok(serde_json::Value::Object(old)), Ok(serde_json::Value::Object(new))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return Vec::new();
    };
    let mut fields: Vec<String> =
        new.iter().filter(|(key, value)| old.get(*key) != Some(value)).map(|(k, _)| k.clone()).collect();
    fields.extend(old.keys().filter(|key| !new.contains_key(*key)).cloned());
    fields
}

/// A saved search of calls: the text and every filter of the calls list, and its order.
/// Stored as JSON; the page of results is not part of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchCriteria {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub programme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CallStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_to: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_max: Option<i64>,
    /// The sort's id (`deadline`, `-updated`, …).
    #[serde(default)]
    pub sort: String,
}

impl crate::record::Versioned for SearchCriteria {
    const RECORD_VERSION: u32 = 1;
}

impl SearchCriteria {
    /// The search of a list filter, without its page.
    pub fn of(filter: &CallFilter) -> Self {
        Self {
            text: filter.text.clone(),
            programme: filter.programme.clone(),
            status: filter.status,
            deadline_from: filter.deadline_from,
            deadline_to: filter.deadline_to,
            budget_min: filter.budget_at_least,
            budget_max: filter.budget_at_most,
            sort: filter.sort.id().to_owned(),
        }
    }

    /// The list filter of this search, showing `page`, with statuses judged on `today`.
    pub fn filter(&self, page: Pagination, today: NaiveDate) -> CallFilter {
        CallFilter {
            today,
            text: self.text.clone(),
            programme: self.programme.clone(),
            status: self.status,
            deadline_from: self.deadline_from,
            deadline_to: self.deadline_to,
            budget_at_least: self.budget_min,
            budget_at_most: self.budget_max,
            sort: CallSort::from_id(&self.sort).unwrap_or_default(),
            page,
        }
    }

    /// The search as the calls list's query string (`q=…&status=open`), to open it again.
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        let mut add = |name: &'static str, value: Option<String>| {
            if let Some(value) = value {
                pairs.push((name, value));
            }
        };
        add("q", self.text.clone());
        add("programme", self.programme.clone());
        add("status", self.status.map(|s| s.id().to_owned()));
        add("deadlineFrom", self.deadline_from.map(|d| d.to_string()));
        add("deadlineTo", self.deadline_to.map(|d| d.to_string()));
        add("budgetMin", self.budget_min.map(|v| v.to_string()));
        add("budgetMax", self.budget_max.map(|v| v.to_string()));
        add("sort", Some(self.sort.clone()).filter(|s| !s.is_empty() && *s != CallSort::default().id()));
        pairs
    }

    pub fn validate(&self) -> Result<(), ValidationError> {
        // Which calls are open depends on the day; whether the search is valid does not.
        self.filter(Pagination::default(), NaiveDate::MIN).validate()
    }
}

/// The name a saved search is listed under: at most 100 characters, not blank.
pub fn validate_search_name(name: &str) -> Result<(), ValidationError> {
    required_text("name", name, 100)
}

/// Deadline reminders are mailed this many days before a deadline, the earlier first.
pub const REMINDER_DAYS: [i64; 2] = [30, 7];

/// Why a call is in an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Occasion {
    /// The call came to the hub after the search was saved.
    New,
    /// `days` (one of [`REMINDER_DAYS`]) or fewer days are left until `deadline`.
    Deadline { days: i64, deadline: NaiveDate },
}

impl Occasion {
    /// The key under which the alert is recorded as sent: once per search, call and key.
    pub fn key(self) -> String {
        match self {
            Occasion::New => "new".to_owned(),
            Occasion::Deadline { days, deadline } => format!("deadline-{days}:{deadline}"),
        }
    }
}

/// What an alert says about one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueAlert {
    pub topic_id: String,
    pub occasion: Occasion,
}

/// The alerts due for a search saved at `saved_at`, over the calls that match it now:
/// a call imported after the search was saved is new to it; each deadline still ahead
/// gets the reminder of the smallest [`REMINDER_DAYS`] window it is in (a hub that was
/// down on the 30th day before still reminds on the 25th, but never sends the 30-day
/// reminder once the 7-day one is due). `sent` holds the keys `(topic id, occasion key)`
/// already recorded, which are never due again.
pub fn due_alerts(
    today: NaiveDate,
    saved_at: DateTime<Utc>,
    matches: &[CallTopic],
    sent: &HashSet<(String, String)>,
) -> Vec<DueAlert> {
    let mut due = Vec::new();
    for call in matches {
        let topic_id = &call.content.topic_id;
        let mut occasions = Vec::new();
        if call.provenance.first_imported > saved_at {
            occasions.push(Occasion::New);
        }
        for deadline in call.content.deadlines.iter().copied().filter(|d| *d >= today) {
            let left = (deadline - today).num_days();
            if let Some(days) = REMINDER_DAYS.iter().copied().filter(|days| left <= *days).min() {
                occasions.push(Occasion::Deadline { days, deadline });
            }
        }
        due.extend(
            occasions
                .into_iter()
                .filter(|o| !sent.contains(&(topic_id.clone(), o.key())))
                .map(|occasion| DueAlert { topic_id: topic_id.clone(), occasion }),
        );
    }
    due
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    fn call(first_imported: &str, deadlines: &[&str]) -> CallTopic {
        serde_json::from_value(json!({
            "topicId": "HORIZON-HLTH-2027-01-02",
            "title": "AI for cancer care",
            "programme": "Horizon Europe",
            "callId": null, "callTitle": null, "actionType": null, "typeOfAction": null,
            "status": "open",
            "deadlines": deadlines,
            "deadlineModel": null, "budgetMin": null, "budgetMax": null, "expectedGrants": null,
            "keywords": [], "description": "", "conditions": null, "supportInfo": null, "portalUrl": null,
            "provenance": {
                "source": "eu-ft", "sourceId": "HORIZON-HLTH-2027-01-02",
                "firstImported": first_imported, "lastUpdated": first_imported
            }
        }))
        .expect("a call")
    }

    fn saved() -> DateTime<Utc> {
        "2027-01-01T12:00:00Z".parse().expect("time")
    }

    fn occasions(today: &str, call: &CallTopic, sent: &HashSet<(String, String)>) -> Vec<Occasion> {
        due_alerts(day(today), saved(), std::slice::from_ref(call), sent).into_iter().map(|d| d.occasion).collect()
    }

    #[test]
    fn a_call_imported_after_the_search_was_saved_is_new_once() {
        let new = call("2027-01-02T08:00:00Z", &[]);
        assert_eq!(occasions("2027-01-02", &new, &HashSet::new()), vec![Occasion::New]);
        let sent = HashSet::from([(new.content.topic_id.clone(), Occasion::New.key())]);
        assert!(occasions("2027-01-02", &new, &sent).is_empty());
        let old = call("2026-12-31T08:00:00Z", &[]);
        assert!(occasions("2027-01-02", &old, &HashSet::new()).is_empty(), "it matched when the search was saved");
    }

    #[test]
    fn reminders_come_30_and_7_days_before_each_deadline_once() {
        let c = call("2026-12-01T08:00:00Z", &["2027-03-31", "2027-06-30"]);
        let reminder = |days, deadline: &str| Occasion::Deadline { days, deadline: day(deadline) };
        assert!(occasions("2027-02-28", &c, &HashSet::new()).is_empty(), "31 days before");
        assert_eq!(occasions("2027-03-01", &c, &HashSet::new()), vec![reminder(30, "2027-03-31")]);
        assert_eq!(occasions("2027-03-24", &c, &HashSet::new()), vec![reminder(7, "2027-03-31")]);
        assert_eq!(occasions("2027-03-31", &c, &HashSet::new()), vec![reminder(7, "2027-03-31")], "on the day");
        // After the first deadline, the second one's reminders follow.
        assert_eq!(occasions("2027-06-01", &c, &HashSet::new()), vec![reminder(30, "2027-06-30")]);
        let sent = HashSet::from([(c.content.topic_id.clone(), reminder(30, "2027-03-31").key())]);
        assert!(occasions("2027-03-10", &c, &sent).is_empty(), "the 30-day reminder went already");
        assert_eq!(occasions("2027-03-25", &c, &sent), vec![reminder(7, "2027-03-31")]);
        assert_eq!(reminder(7, "2027-03-31").key(), "deadline-7:2027-03-31");
    }

    #[test]
    fn changes_name_their_fields_and_closing_at_the_source() {
        let before = call("2026-12-01T08:00:00Z", &["2027-03-31"]).content;
        assert_eq!(call_change(None, &before), Some((ChangeKind::New, vec![])));
        assert_eq!(call_change(Some(&before), &before), None);
        let mut after = before.clone();
        after.deadlines = vec![day("2027-04-30")];
        after.budget_max = Some(1_000_000);
        assert_eq!(
            call_change(Some(&before), &after),
            Some((ChangeKind::Changed, vec!["budgetMax".to_owned(), "deadlines".to_owned()]))
        );
        after.source_status = CallStatus::Closed;
        assert_eq!(call_change(Some(&before), &after).map(|(kind, _)| kind), Some(ChangeKind::Closed));
        assert_eq!(call_change(Some(&after), &after), None);
    }

    #[test]
    fn criteria_round_trip_through_a_filter_and_the_query_string() {
        let criteria = SearchCriteria {
            text: Some("cancer".into()),
            status: Some(CallStatus::Open),
            budget_min: Some(1000),
            sort: "-updated".into(),
            ..Default::default()
        };
        assert_eq!(SearchCriteria::of(&criteria.filter(Pagination::default(), NaiveDate::MIN)), criteria);
        assert_eq!(
            criteria.query_pairs(),
            vec![
                ("q", "cancer".into()),
                ("status", "open".into()),
                ("budgetMin", "1000".into()),
                ("sort", "-updated".into())
            ]
        );
        let reversed = SearchCriteria { budget_min: Some(10), budget_max: Some(5), ..Default::default() };
        assert_eq!(reversed.validate().map_err(|e| e.field), Err("budgetMin"));
        assert_eq!(validate_search_name(" ").map_err(|e| e.field), Err("name"));
    }
}
