use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::content::{SearchDocument, Searchable, CALL};
use crate::validation::{optional_text, optional_web_url, required_text, Reason, ValidationError};
use crate::{Provenance, SourceRef};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CallStatus {
    Open,
    Forthcoming,
    Closed,
}

impl CallStatus {
    pub const ALL: [CallStatus; 3] = [CallStatus::Open, CallStatus::Forthcoming, CallStatus::Closed];

    pub fn id(self) -> &'static str {
        match self {
            CallStatus::Open => "open",
            CallStatus::Forthcoming => "forthcoming",
            CallStatus::Closed => "closed",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.id().eq_ignore_ascii_case(id.trim()))
    }

    /// A call's status on `today` (the region's date), from its dates: closed once its last
    /// deadline has passed (the deadline day itself is still open) or when its source closed
    /// it; forthcoming before its opening date, or, where the source gives no opening date,
    /// while the source announces it as forthcoming; open otherwise. A call without
    /// deadlines (continuous submission) stays open until its source closes it.
    pub fn on(today: NaiveDate, dates: CallDates) -> CallStatus {
        let past_deadline = dates.last_deadline.is_some_and(|last| last < today);
        if dates.source_status == CallStatus::Closed || past_deadline {
            CallStatus::Closed
        } else if dates.opening.map_or(dates.source_status == CallStatus::Forthcoming, |opening| opening > today) {
            CallStatus::Forthcoming
        } else {
            CallStatus::Open
        }
    }
}

/// What a call's status follows from, besides the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallDates {
    pub opening: Option<NaiveDate>,
    pub last_deadline: Option<NaiveDate>,
    /// The status the source gave when the call was last imported.
    pub source_status: CallStatus,
}

impl fmt::Display for CallStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The `source` of calls from the EU Funding & Tenders portal.
pub const EU_FUNDING_TENDERS: &str = "eu-ft";

/// The content of a funding call topic, as an importer or a form supplies it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallContent {
    /// The funder's stable topic identifier, e.g. `HORIZON-HLTH-2027-02-IND-02-two-stage`.
    pub topic_id: String,
    pub title: String,
    pub programme: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    pub call_id: Option<String>,
    pub call_title: Option<String>,
    /// Broad type, e.g. `Grant`.
    pub action_type: Option<String>,
    /// The programme's own type of action, e.g. `HORIZON Research and Innovation Actions`.
    pub type_of_action: Option<String>,
    /// The status the source gave (kept for provenance); the status shown is
    /// [`CallContent::status_on`] the region's date.
    // Records stored before the status followed the dates call it `status`.
    #[serde(alias = "status")]
    pub source_status: CallStatus,
    /// The day submissions open, where the source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening_date: Option<NaiveDate>,
    /// Submission deadlines, earliest first.
    pub deadlines: Vec<NaiveDate>,
    pub deadline_model: Option<String>,
    /// Budget per grant in EUR.
    pub budget_min: Option<i64>,
    pub budget_max: Option<i64>,
    pub expected_grants: Option<i64>,
    pub keywords: Vec<String>,
    /// Plain text (never HTML).
    pub description: String,
    /// Plain text (never HTML).
    pub conditions: Option<String>,
    /// Plain text (never HTML).
    pub support_info: Option<String>,
    pub portal_url: Option<String>,
}

/// A call topic as it arrives from an importer, with the record's source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCallTopic {
    pub content: CallContent,
    pub source: SourceRef,
}

impl NewCallTopic {
    pub fn validate(&self) -> Result<(), ValidationError> {
        self.content.validate()?;
        self.source.validate()
    }
}

/// A funding call topic in the hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallTopic {
    #[serde(flatten)]
    pub content: CallContent,
    pub provenance: Provenance,
}

impl CallContent {
    pub fn search_document(&self) -> SearchDocument {
        let content = self;
        let mut aliases = content.keywords.clone();
        aliases.extend(content.call_title.iter().cloned());
        SearchDocument {
            entity: &CALL,
            id: content.topic_id.clone(),
            key: content.topic_id.clone(),
            title: content.title.clone(),
            aliases,
            legal_names: Vec::new(),
            body: content.description.clone(),
            facets: call_facets(content),
        }
    }

    pub fn dates(&self) -> CallDates {
        CallDates {
            opening: self.opening_date,
            last_deadline: self.deadlines.last().copied(),
            source_status: self.source_status,
        }
    }

    /// The status on `today`, the region's date.
    pub fn status_on(&self, today: NaiveDate) -> CallStatus {
        CallStatus::on(today, self.dates())
    }

    /// The next deadline on or after `today`, else the last one.
    pub fn next_deadline(&self, today: NaiveDate) -> Option<NaiveDate> {
        self.deadlines.iter().copied().find(|d| *d >= today).or_else(|| self.deadlines.last().copied())
    }

    pub fn validate(&self) -> Result<(), ValidationError> {
        validate_topic_id(&self.topic_id)?;
        required_text("title", &self.title, 500)?;
        required_text("programme", &self.programme, 200)?;
        for (field, value, max) in [
            ("cluster", &self.cluster, 200),
            ("callId", &self.call_id, 200),
            ("callTitle", &self.call_title, 500),
            ("actionType", &self.action_type, 200),
            ("typeOfAction", &self.type_of_action, 300),
            ("deadlineModel", &self.deadline_model, 100),
            ("conditions", &self.conditions, 100_000),
            ("supportInfo", &self.support_info, 100_000),
        ] {
            optional_text(field, value.as_deref(), max)?;
        }
        optional_text("description", Some(&self.description), 200_000)?;
        for keyword in &self.keywords {
            required_text("keywords", keyword, 200)?;
        }
        for (field, value) in
            [("budgetMin", self.budget_min), ("budgetMax", self.budget_max), ("expectedGrants", self.expected_grants)]
        {
            if value.is_some_and(|v| v < 0) {
                return Err(ValidationError::new(field, Reason::Negative));
            }
        }
        if let (Some(min), Some(max)) = (self.budget_min, self.budget_max) {
            if min > max {
                return Err(ValidationError::new(
                    "budgetMin",
                    Reason::ValueMoreThan { value: min, other: "budgetMax", limit: max },
                ));
            }
        }
        if self.deadlines.windows(2).any(|w| w[0] > w[1]) {
            return Err(ValidationError::new("deadlines", Reason::NotChronological));
        }
        if let (Some(opening), Some(first)) = (self.opening_date, self.deadlines.first()) {
            if opening > *first {
                return Err(ValidationError::new("openingDate", Reason::After { other: "deadlines" }));
            }
        }
        optional_web_url("portalUrl", self.portal_url.as_deref())
    }
}

/// Topic ids appear in URLs (`/calls/{topicId}`, with `/` escaped as `%2F`), so they are
/// kept to a small alphabet. EuropeAid ids contain slashes (`EuropeAid/186614/DD/ACT/Multi`).
pub fn validate_topic_id(topic_id: &str) -> Result<(), ValidationError> {
    let valid = !topic_id.is_empty()
        && topic_id.len() <= 200
        && topic_id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/'))
        && topic_id.as_bytes()[0].is_ascii_alphanumeric()
        && !topic_id.contains("..");
    if valid {
        Ok(())
    } else {
        Err(ValidationError::new("topicId", Reason::NotTopicId { value: topic_id.to_owned() }))
    }
}

/// Why a text is not a whole number of euro.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotWholeEuros {
    /// A number with cents other than zero (`100.50`).
    HasCents,
    /// Anything else: signs, separators, words, or too large.
    NotAnAmount,
}

/// A whole number of euro (`1500000`, `1500000.00`); cents other than zero are refused
/// rather than rounded away, as are signs and separators.
pub fn parse_whole_euros(text: &str) -> Result<i64, NotWholeEuros> {
    let text = text.trim();
    let (whole, cents) = text.split_once('.').unwrap_or((text, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(cents) {
        return Err(NotWholeEuros::NotAnAmount);
    }
    let amount = whole.parse().map_err(|_| NotWholeEuros::NotAnAmount)?;
    if cents.bytes().any(|b| b != b'0') {
        return Err(NotWholeEuros::HasCents);
    }
    Ok(amount)
}

/// The topic id as one URL path segment.
pub fn topic_id_path_segment(topic_id: &str) -> String {
    topic_id.replace('/', "%2F")
}

/// Stored as the `record` of its row; no shape has changed yet.
impl crate::record::Versioned for CallContent {
    const RECORD_VERSION: u32 = 1;
}

impl Searchable for CallTopic {
    fn search_document(&self) -> SearchDocument {
        self.content.search_document()
    }
}

/// The facets a call is indexed with. The status is not one of them, since it changes with
/// the date alone: search derives it from these on the day it is asked ([`CallStatus::on`]).
pub fn call_facets(content: &CallContent) -> Vec<(&'static str, String)> {
    let date = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let mut facets =
        vec![("programme", content.programme.clone()), (SOURCE_STATUS_FACET, content.source_status.id().to_owned())];
    facets.extend(content.opening_date.map(|d| (OPENING_FACET, date(d))));
    facets.extend(content.deadlines.last().map(|d| (LAST_DEADLINE_FACET, date(*d))));
    facets
}

pub const SOURCE_STATUS_FACET: &str = "source-status";
pub const OPENING_FACET: &str = "opens";
pub const LAST_DEADLINE_FACET: &str = "closes";

/// The dates [`call_facets`] wrote, read back from `(name, value)` pairs.
pub fn dates_from_facets<'a>(facets: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<CallDates> {
    let (mut opening, mut last_deadline, mut source_status) = (None, None, None);
    for (name, value) in facets {
        let date = || NaiveDate::parse_from_str(value, "%Y-%m-%d").ok();
        match name {
            OPENING_FACET => opening = date(),
            LAST_DEADLINE_FACET => last_deadline = date(),
            SOURCE_STATUS_FACET => source_status = CallStatus::from_id(value),
            _ => {}
        }
    }
    Some(CallDates { opening, last_deadline, source_status: source_status? })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content() -> CallContent {
        CallContent {
            topic_id: "HORIZON-HLTH-2027-02-IND-02".into(),
            title: "Lung cancer screening".into(),
            programme: "Horizon Europe".into(),
            cluster: None,
            call_id: None,
            call_title: None,
            action_type: None,
            type_of_action: None,
            source_status: CallStatus::Open,
            opening_date: None,
            deadlines: vec![],
            deadline_model: None,
            budget_min: Some(10),
            budget_max: Some(20),
            expected_grants: None,
            keywords: vec![],
            description: String::new(),
            conditions: None,
            support_info: None,
            portal_url: Some("https://example.org/topic".into()),
        }
    }

    #[test]
    fn a_sound_call_passes() {
        assert_eq!(content().validate(), Ok(()));
    }

    #[test]
    fn rejections_name_the_field() {
        let mut call = content();
        call.budget_min = Some(30);
        assert_eq!(call.validate().map_err(|e| e.field), Err("budgetMin"));
        let mut call = content();
        call.topic_id = "../etc/passwd".into();
        assert_eq!(call.validate().map_err(|e| e.field), Err("topicId"));
        call.topic_id = "EuropeAid/186614/DD/ACT/Multi".into();
        assert_eq!(call.validate(), Ok(()));
        call.topic_id = "ok topic".into();
        assert_eq!(call.validate().map_err(|e| e.field), Err("topicId"));
        let mut call = content();
        call.portal_url = Some("javascript:alert(1)".into());
        assert_eq!(call.validate().map_err(|e| e.field), Err("portalUrl"));
        let mut call = content();
        call.title = "  ".into();
        assert_eq!(call.validate().map_err(|e| e.field), Err("title"));
    }

    #[test]
    fn next_deadline_skips_past_ones() {
        let mut call = content();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        call.deadlines = vec![d("2026-01-10"), d("2026-09-01")];
        assert_eq!(call.next_deadline(d("2026-05-01")), Some(d("2026-09-01")));
        assert_eq!(call.next_deadline(d("2027-01-01")), Some(d("2026-09-01")));
    }

    #[test]
    fn the_status_follows_the_dates() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        let dates = |opening: Option<&str>, last: Option<&str>, source_status| CallDates {
            opening: opening.map(d),
            last_deadline: last.map(d),
            source_status,
        };
        let open_until_march = dates(Some("2026-01-10"), Some("2026-03-17"), CallStatus::Open);
        assert_eq!(CallStatus::on(d("2026-01-09"), open_until_march), CallStatus::Forthcoming);
        assert_eq!(CallStatus::on(d("2026-01-10"), open_until_march), CallStatus::Open);
        assert_eq!(CallStatus::on(d("2026-03-17"), open_until_march), CallStatus::Open, "the deadline day is open");
        assert_eq!(CallStatus::on(d("2026-03-18"), open_until_march), CallStatus::Closed);
        // The source said open in its snapshot; the deadline has passed since.
        assert_eq!(
            CallStatus::on(d("2026-12-06"), dates(None, Some("2026-03-17"), CallStatus::Open)),
            CallStatus::Closed
        );
        // Announced without an opening date: forthcoming until the source opens it or it closes.
        let announced = dates(None, Some("2027-04-01"), CallStatus::Forthcoming);
        assert_eq!(CallStatus::on(d("2026-12-06"), announced), CallStatus::Forthcoming);
        assert_eq!(CallStatus::on(d("2027-04-02"), announced), CallStatus::Closed);
        // A date beats the source's word: opened since the snapshot.
        let opened = dates(Some("2026-11-01"), Some("2027-04-01"), CallStatus::Forthcoming);
        assert_eq!(CallStatus::on(d("2026-12-06"), opened), CallStatus::Open);
        // Closed at the source before its deadline (withdrawn).
        assert_eq!(
            CallStatus::on(d("2026-12-06"), dates(None, Some("2027-04-01"), CallStatus::Closed)),
            CallStatus::Closed
        );
        // Continuous submission.
        assert_eq!(CallStatus::on(d("2030-01-01"), dates(None, None, CallStatus::Open)), CallStatus::Open);
    }

    #[test]
    fn the_dates_survive_the_facets() {
        let mut call = content();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        call.opening_date = Some(d("2026-01-10"));
        call.deadlines = vec![d("2026-02-01"), d("2026-09-01")];
        let facets = call_facets(&call);
        let read = dates_from_facets(facets.iter().map(|(n, v)| (*n, v.as_str())));
        assert_eq!(read, Some(call.dates()));
    }

    #[test]
    fn an_opening_after_the_first_deadline_is_refused() {
        let mut call = content();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        call.opening_date = Some(d("2026-05-01"));
        call.deadlines = vec![d("2026-04-01")];
        assert_eq!(call.validate().map_err(|e| e.field), Err("openingDate"));
    }
}
