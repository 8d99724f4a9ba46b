//! What can be requested: a catalogue item is one or more datasets of one holder, with the
//! holder's application form, licences and workflow (who reviews and who decides besides the
//! holder's own members, who handle every request).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::form::{FieldProblem, Form};
use crate::account::Email;
use crate::{Localized, Reason};

pub const MAX_DATASETS: usize = 50;
pub const MAX_LICENCES: usize = 10;
pub const MAX_TITLE: usize = 200;
pub const DEFAULT_ENTITLEMENT_DAYS: u32 = 365;
pub const MAX_ENTITLEMENT_DAYS: u32 = 3_650;

/// A licence or data use agreement each person on the applicant's side accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Licence {
    pub id: String,
    pub title: Localized,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Workflow {
    /// Addresses a handler can ask for a review (e.g. a privacy officer).
    #[serde(default)]
    pub reviewers: Vec<String>,
    /// Addresses of the data access committee, asked for a decision.
    #[serde(default)]
    pub deciders: Vec<String>,
    /// How long an entitlement lasts from approval.
    pub entitlement_days: u32,
}

impl Default for Workflow {
    fn default() -> Self {
        Self { reviewers: Vec::new(), deciders: Vec::new(), entitlement_days: DEFAULT_ENTITLEMENT_DAYS }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogueItem {
    pub title: Localized,
    /// Slugs of the holder's datasets.
    pub datasets: Vec<String>,
    #[serde(default)]
    pub form: Form,
    #[serde(default)]
    pub licences: Vec<Licence>,
    #[serde(default)]
    pub workflow: Workflow,
}

fn problem(field: &str, reason: Reason) -> FieldProblem {
    FieldProblem { field: field.to_owned(), reason }
}

impl CatalogueItem {
    pub fn licence_ids(&self) -> Vec<String> {
        self.licences.iter().map(|l| l.id.clone()).collect()
    }

    /// Trims and brings addresses into their one form; returns every problem at once.
    pub fn normalised(mut self) -> Result<Self, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        for text in [&mut self.title.en, &mut self.title.nl] {
            *text = text.take().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        }
        if self.title.is_empty() {
            problems.push(problem("title", Reason::Empty));
        }
        if [&self.title.en, &self.title.nl].iter().any(|t| t.as_ref().is_some_and(|t| t.chars().count() > MAX_TITLE)) {
            problems.push(problem("title", Reason::TooLong { max: MAX_TITLE }));
        }
        self.datasets = self.datasets.iter().map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()).collect();
        self.datasets.dedup();
        if self.datasets.is_empty() {
            problems.push(problem("datasets", Reason::Empty));
        }
        if self.datasets.len() > MAX_DATASETS {
            problems.push(problem("datasets", Reason::TooManyEntries { max: MAX_DATASETS }));
        }
        if self.licences.len() > MAX_LICENCES {
            problems.push(problem("licences", Reason::TooManyEntries { max: MAX_LICENCES }));
        }
        let mut ids = HashSet::new();
        for licence in &mut self.licences {
            licence.id = licence.id.trim().to_owned();
            if licence.id.is_empty() || licence.title.is_empty() {
                problems.push(problem("licences", Reason::Empty));
            }
            if !ids.insert(licence.id.clone()) {
                problems.push(problem("licences", Reason::Duplicate { value: licence.id.clone() }));
            }
            if let Some(url) = &licence.url {
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    problems.push(problem("licences", Reason::NotWebAddress { value: url.clone() }));
                }
            }
        }
        for (field, addresses) in
            [("reviewers", &mut self.workflow.reviewers), ("deciders", &mut self.workflow.deciders)]
        {
            let mut normalised = Vec::new();
            for address in addresses.iter().filter(|a| !a.trim().is_empty()) {
                match Email::parse(address) {
                    Ok(email) => normalised.push(email.as_str().to_owned()),
                    Err(_) => problems.push(problem(field, Reason::NotEmailAddress { value: Some(address.clone()) })),
                }
            }
            normalised.dedup();
            *addresses = normalised;
        }
        if !(1..=MAX_ENTITLEMENT_DAYS).contains(&self.workflow.entitlement_days) {
            problems.push(problem(
                "entitlementDays",
                Reason::NotWholeNumberInRange { min: 1, max: i64::from(MAX_ENTITLEMENT_DAYS) },
            ));
        }
        problems.extend(
            self.form
                .check_definition()
                .into_iter()
                .map(|p| FieldProblem { field: format!("form.{}", p.field), reason: p.reason }),
        );
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item() -> CatalogueItem {
        CatalogueItem {
            title: Localized { en: Some(" Biobank ".into()), nl: Some(String::new()) },
            datasets: vec!["cohort".into(), "cohort".into()],
            form: Form::default(),
            licences: vec![Licence {
                id: "dua".into(),
                title: Localized { en: Some("DUA".into()), nl: None },
                url: None,
            }],
            workflow: Workflow { deciders: vec!["DAC@Example.org".into()], ..Workflow::default() },
        }
    }

    #[test]
    fn an_item_is_tidied() {
        let item = item().normalised().unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(item.title, Localized { en: Some("Biobank".into()), nl: None });
        assert_eq!(item.datasets, vec!["cohort"]);
        assert_eq!(item.workflow.deciders, vec!["DAC@example.org"]);
    }

    #[test]
    fn every_problem_is_reported() {
        let mut bad = item();
        bad.title = Localized::default();
        bad.datasets.clear();
        bad.workflow.entitlement_days = 0;
        bad.licences.push(bad.licences[0].clone());
        let fields: Vec<String> = bad.normalised().err().unwrap_or_default().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, vec!["title", "datasets", "licences", "entitlementDays"]);
    }
}
