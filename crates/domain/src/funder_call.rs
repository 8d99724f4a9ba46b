//! Calls of national and regional funders (NWO, ZonMw, KWF, Health~Holland, regional funds)
//! that partners enter by hand. They are written through the content kernel (drafts,
//! history, audit), and a published one is listed among the calls as a call topic
//! ([`Written::as_call`]), so that it is searched, matched, filtered and alerted like an EU
//! call; archiving it closes that call.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::call::{parse_whole_euros, CallContent, CallStatus};
use crate::content::{Item, SearchDocument, Written, FUNDER_CALL};
use crate::language::Language;
use crate::record::Versioned;
use crate::validation::{optional_date as date, optional_web_url, required_line, Reason, ValidationError};

/// At most this many keywords, as a call's keywords are facets of search.
pub const MAX_KEYWORDS: usize = 30;

/// A call entered by a partner, as stored (record version 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunderCall {
    /// Shown and filtered as the call's programme.
    pub funder: String,
    pub title: String,
    /// Plain text, as calls' descriptions are.
    pub description: String,
    /// The call's page at the funder.
    pub url: Option<String>,
    /// The funder's own name for the instrument, e.g. `Open Competition`.
    pub type_of_action: Option<String>,
    pub opening_date: Option<NaiveDate>,
    /// Earliest first, each once.
    pub deadlines: Vec<NaiveDate>,
    /// Per grant, in whole euro.
    pub budget_min: Option<i64>,
    pub budget_max: Option<i64>,
    pub expected_grants: Option<i64>,
    pub keywords: Vec<String>,
}

/// A call as a partner submits it: every field as text, so that one form and one JSON body
/// serve. Dates are `YYYY-MM-DD`; deadlines and keywords are separated by `;`, commas or new
/// lines (a keyword by `;` or new lines only, as keywords may hold commas).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FunderCallDraft {
    pub funder: String,
    pub title: String,
    pub description: String,
    pub url: String,
    pub type_of_action: String,
    pub opening_date: String,
    pub deadlines: String,
    pub budget_min: String,
    pub budget_max: String,
    pub expected_grants: String,
    pub keywords: String,
}

/// Stored in `content_items`; no shape has changed yet.
impl Versioned for FunderCall {
    const RECORD_VERSION: u32 = 1;
}

/// The field names of [`CallContent::validate`] and the draft's fields they answer to: the
/// rules every call keeps are checked once, there.
const CALL_FIELDS: [(&str, &str); 11] = [
    ("programme", "funder"),
    ("title", "title"),
    ("description", "description"),
    ("portalUrl", "url"),
    ("typeOfAction", "type_of_action"),
    ("openingDate", "opening_date"),
    ("deadlines", "deadlines"),
    ("budgetMin", "budget_min"),
    ("budgetMax", "budget_max"),
    ("expectedGrants", "expected_grants"),
    ("keywords", "keywords"),
];

impl Written for FunderCall {
    const KIND: &'static crate::content::Kind = &FUNDER_CALL;
    type Draft = FunderCallDraft;

    fn validate(draft: FunderCallDraft) -> Result<Self, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let mut keep = |result: Result<(), ValidationError>| {
            if let Err(e) = result {
                errors.push(e);
            }
        };
        let funder = draft.funder.trim().to_owned();
        keep(required_line("funder", &funder, 200));
        let title = draft.title.trim().to_owned();
        keep(required_line("title", &title, 500));
        let description = draft.description.trim().to_owned();
        let url = optional(&draft.url);
        keep(optional_web_url("url", url.as_deref()));
        let type_of_action = optional(&draft.type_of_action);
        let opening_date = date("opening_date", &draft.opening_date).unwrap_or_else(|e| {
            errors.push(e);
            None
        });
        let mut deadlines = Vec::new();
        for text in split(&draft.deadlines, &[';', ',', '\n']) {
            match date("deadlines", text) {
                Ok(Some(day)) => deadlines.push(day),
                Ok(None) => {}
                Err(e) => errors.push(e),
            }
        }
        deadlines.sort();
        deadlines.dedup();
        let mut euros = |field: &'static str, text: &str| {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            let amount = parse_whole_euros(text);
            if amount.is_err() {
                errors.push(ValidationError::new(field, Reason::NotWholeEuros { value: text.to_owned() }));
            }
            amount.ok()
        };
        let budget_min = euros("budget_min", &draft.budget_min);
        let budget_max = euros("budget_max", &draft.budget_max);
        let expected_grants = match draft.expected_grants.trim() {
            "" => None,
            text => text
                .parse::<i64>()
                .map_err(|_| {
                    errors.push(ValidationError::new(
                        "expected_grants",
                        Reason::NotWholeNumber { value: text.to_owned() },
                    ))
                })
                .ok(),
        };
        let keywords: Vec<String> = split(&draft.keywords, &[';', '\n']).map(str::to_owned).collect();
        if keywords.len() > MAX_KEYWORDS {
            errors.push(ValidationError::new("keywords", Reason::TooManyEntries { max: MAX_KEYWORDS }));
        }
        let call = FunderCall {
            funder,
            title,
            description,
            url,
            type_of_action,
            opening_date,
            deadlines,
            budget_min,
            budget_max,
            expected_grants,
            keywords,
        };
        if errors.is_empty() {
            // The rules every call keeps (lengths, order of dates, budgets), named as the form names them.
            if let Err(e) = call.content("draft").validate() {
                let field = CALL_FIELDS.iter().find(|(call, _)| *call == e.field).map_or("title", |(_, own)| own);
                errors.push(ValidationError::new(field, e.reason));
            }
        }
        if errors.is_empty() {
            Ok(call)
        } else {
            Err(errors)
        }
    }

    fn to_draft(&self) -> FunderCallDraft {
        let text = |value: &Option<i64>| value.map(|v| v.to_string()).unwrap_or_default();
        FunderCallDraft {
            funder: self.funder.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            url: self.url.clone().unwrap_or_default(),
            type_of_action: self.type_of_action.clone().unwrap_or_default(),
            opening_date: self.opening_date.map(|d| d.to_string()).unwrap_or_default(),
            deadlines: self.deadlines.iter().map(NaiveDate::to_string).collect::<Vec<_>>().join("; "),
            budget_min: text(&self.budget_min),
            budget_max: text(&self.budget_max),
            expected_grants: text(&self.expected_grants),
            keywords: self.keywords.join("; "),
        }
    }

    fn title(&self) -> &str {
        &self.title
    }

    fn language(&self) -> Option<Language> {
        None
    }

    fn facets(&self) -> Vec<(&'static str, String)> {
        vec![("funder", self.funder.clone())]
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        let draft = self.to_draft();
        vec![
            ("funder", draft.funder),
            ("title", draft.title),
            ("description", draft.description),
            ("url", draft.url),
            ("type_of_action", draft.type_of_action),
            ("opening_date", draft.opening_date),
            ("deadlines", draft.deadlines),
            ("budget_min", draft.budget_min),
            ("budget_max", draft.budget_max),
            ("expected_grants", draft.expected_grants),
            ("keywords", draft.keywords),
        ]
    }

    /// The document of the call it lists, which is what search finds of it.
    fn search_document(item: &Item<Self>) -> SearchDocument {
        item.record.content(&item.slug).search_document()
    }

    fn as_call(&self, slug: &str) -> Option<CallContent> {
        Some(self.content(slug))
    }
}

impl FunderCall {
    /// The call topic it lists, with `topic_id` as its id. Its status follows its dates like
    /// any call's; the source's word is "open" while the item is published.
    fn content(&self, topic_id: &str) -> CallContent {
        CallContent {
            topic_id: topic_id.to_owned(),
            title: self.title.clone(),
            programme: self.funder.clone(),
            cluster: None,
            call_id: None,
            call_title: None,
            action_type: Some("Grant".into()),
            type_of_action: self.type_of_action.clone(),
            source_status: CallStatus::Open,
            opening_date: self.opening_date,
            deadlines: self.deadlines.clone(),
            deadline_model: None,
            budget_min: self.budget_min,
            budget_max: self.budget_max,
            expected_grants: self.expected_grants,
            keywords: self.keywords.clone(),
            description: self.description.clone(),
            conditions: None,
            support_info: None,
            portal_url: self.url.clone(),
        }
    }
}

fn optional(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

fn split<'a>(text: &'a str, separators: &'a [char]) -> impl Iterator<Item = &'a str> {
    text.split(separators).map(str::trim).filter(|part| !part.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> FunderCallDraft {
        FunderCallDraft {
            funder: "ZonMw".into(),
            title: "Preventie van hart- en vaatziekten".into(),
            description: "Onderzoek naar preventie.".into(),
            url: "https://www.zonmw.nl/".into(),
            opening_date: "2027-01-10".into(),
            deadlines: "2027-09-01; 2027-03-01\n2027-03-01".into(),
            budget_max: "750000.00".into(),
            keywords: "preventie; hart- en vaatziekten, cardiovasculair".into(),
            ..FunderCallDraft::default()
        }
    }

    #[test]
    fn a_good_draft_becomes_a_call_with_its_dates_in_order_once_each() {
        let call = FunderCall::validate(draft()).unwrap();
        assert_eq!(call.deadlines.len(), 2);
        assert!(call.deadlines[0] < call.deadlines[1]);
        assert_eq!(call.budget_max, Some(750_000));
        assert_eq!(call.keywords, vec!["preventie", "hart- en vaatziekten, cardiovasculair"]);
        assert_eq!(FunderCall::validate(call.to_draft()).unwrap(), call);
        let listed = call.as_call("zonmw-preventie").unwrap();
        assert_eq!(listed.programme, "ZonMw");
        assert!(listed.validate().is_ok());
    }

    #[test]
    fn every_refused_field_is_named_as_the_form_names_it() {
        let bad = FunderCallDraft {
            funder: " ".into(),
            title: "two\nlines".into(),
            url: "javascript:alert(1)".into(),
            opening_date: "10-01-2027".into(),
            deadlines: "2027-03-01; soon".into(),
            budget_min: "100.50".into(),
            budget_max: "a lot".into(),
            expected_grants: "3.5".into(),
            ..draft()
        };
        let fields: Vec<_> = FunderCall::validate(bad).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec!["funder", "title", "url", "opening_date", "deadlines", "budget_min", "budget_max", "expected_grants"]
        );
    }

    #[test]
    fn the_rules_of_every_call_hold() {
        let late_opening = FunderCallDraft { opening_date: "2027-06-01".into(), ..draft() };
        assert_eq!(FunderCall::validate(late_opening).unwrap_err()[0].field, "opening_date");
        let upside_down = FunderCallDraft { budget_min: "900000".into(), budget_max: "100000".into(), ..draft() };
        assert_eq!(FunderCall::validate(upside_down).unwrap_err()[0].field, "budget_min");
    }
}
