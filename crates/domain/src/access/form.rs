//! A holder's application form and an applicant's answers to it. Fields follow REMS's
//! field types; a field can be shown only when an earlier option has a given answer, and can
//! be private to the applicant and the holder's handlers. Answers are checked as warnings
//! while the applicant drafts and as refusals when they submit.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::account::Email;
use crate::{Localized, Reason};

/// The most fields a form may have, and the longest answers.
pub const MAX_FIELDS: usize = 60;
pub const MAX_TEXT: usize = 1_000;
pub const MAX_LONG_TEXT: usize = 20_000;
pub const MAX_TABLE_ROWS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FieldKind {
    Text,
    LongText,
    Option,
    MultiSelect,
    Date,
    Email,
    /// The content hash of a document attached to the application.
    Attachment,
    /// Rows of values under the field's options as columns.
    Table,
    /// Text shown to the applicant; no answer.
    Label,
    /// A heading that starts a section; no answer.
    Header,
}

impl FieldKind {
    pub const ALL: [FieldKind; 10] = [
        FieldKind::Text,
        FieldKind::LongText,
        FieldKind::Option,
        FieldKind::MultiSelect,
        FieldKind::Date,
        FieldKind::Email,
        FieldKind::Attachment,
        FieldKind::Table,
        FieldKind::Label,
        FieldKind::Header,
    ];

    pub fn id(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::LongText => "long-text",
            FieldKind::Option => "option",
            FieldKind::MultiSelect => "multi-select",
            FieldKind::Date => "date",
            FieldKind::Email => "email",
            FieldKind::Attachment => "attachment",
            FieldKind::Table => "table",
            FieldKind::Label => "label",
            FieldKind::Header => "header",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.id() == id)
    }

    /// Whether the applicant answers it.
    pub fn takes_answer(self) -> bool {
        !matches!(self, FieldKind::Label | FieldKind::Header)
    }

    /// Whether its answers are chosen from (or, for tables, laid out by) its options.
    pub fn has_options(self) -> bool {
        matches!(self, FieldKind::Option | FieldKind::MultiSelect | FieldKind::Table)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    pub key: String,
    pub label: Localized,
}

/// The field is shown only while the answer to `field` (an option field before it) is one
/// of `equals`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    pub field: String,
    pub equals: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    pub id: String,
    pub kind: FieldKind,
    pub label: Localized,
    #[serde(default)]
    pub required: bool,
    /// Seen only by the applicant and the holder's handlers, not by co-applicants,
    /// reviewers or deciders.
    #[serde(default)]
    pub private: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<Choice>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_if: Option<Condition>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Form {
    pub fields: Vec<Field>,
}

/// One answer: text for most fields, keys for a multi-select, rows for a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    Text(String),
    Choices(Vec<String>),
    Rows(Vec<Vec<String>>),
}

impl Answer {
    fn is_empty(&self) -> bool {
        match self {
            Answer::Text(text) => text.trim().is_empty(),
            Answer::Choices(keys) => keys.is_empty(),
            Answer::Rows(rows) => rows.iter().all(|row| row.iter().all(|cell| cell.trim().is_empty())),
        }
    }

    /// The answer as one line, for timelines, exports and mails.
    pub fn summary(&self) -> String {
        match self {
            Answer::Text(text) => text.clone(),
            Answer::Choices(keys) => keys.join(", "),
            Answer::Rows(rows) => rows.iter().map(|row| row.join(" | ")).collect::<Vec<_>>().join("; "),
        }
    }
}

/// Answers to one form, by field id.
pub type Answers = BTreeMap<String, Answer>;

/// A problem with one answer, or with one field of a form's definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: String,
    pub reason: Reason,
}

impl std::fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

fn problem(field: &str, reason: Reason) -> FieldProblem {
    FieldProblem { field: field.to_owned(), reason }
}

impl Form {
    /// Whether `field` is shown given `answers` (its condition, and its condition's field's).
    pub fn is_visible(&self, field: &Field, answers: &Answers) -> bool {
        let Some(condition) = &field.visible_if else { return true };
        let Some(parent) = self.fields.iter().find(|f| f.id == condition.field) else { return false };
        let chosen = match answers.get(&condition.field) {
            Some(Answer::Text(key)) => condition.equals.contains(key),
            Some(Answer::Choices(keys)) => keys.iter().any(|key| condition.equals.contains(key)),
            _ => false,
        };
        chosen && self.is_visible(parent, answers)
    }

    /// The answers kept: those to fields the form has, that take one and are shown.
    pub fn kept(&self, answers: &Answers) -> Answers {
        self.fields
            .iter()
            .filter(|f| f.kind.takes_answer() && self.is_visible(f, answers))
            .filter_map(|f| answers.get(&f.id).map(|a| (f.id.clone(), a.clone())))
            .collect()
    }

    /// What is missing or wrong in `answers`; shown as warnings on a draft, and refusing
    /// the submission while any remain.
    pub fn check(&self, answers: &Answers) -> Vec<FieldProblem> {
        let mut problems = Vec::new();
        for field in self.fields.iter().filter(|f| f.kind.takes_answer() && self.is_visible(f, answers)) {
            match answers.get(&field.id).filter(|a| !a.is_empty()) {
                None if field.required => problems.push(problem(&field.id, Reason::Empty)),
                None => {}
                Some(answer) => problems.extend(self.check_answer(field, answer)),
            }
        }
        problems
    }

    fn check_answer(&self, field: &Field, answer: &Answer) -> Option<FieldProblem> {
        let keys: Vec<&str> = field.options.iter().map(|c| c.key.as_str()).collect();
        let not_one_of =
            |value: &str| problem(&field.id, Reason::NotOneOf { value: value.to_owned(), allowed: keys.join(", ") });
        match (field.kind, answer) {
            (FieldKind::Text | FieldKind::Attachment, Answer::Text(text)) if text.chars().count() > MAX_TEXT => {
                Some(problem(&field.id, Reason::TooLong { max: MAX_TEXT }))
            }
            (FieldKind::LongText, Answer::Text(text)) if text.chars().count() > MAX_LONG_TEXT => {
                Some(problem(&field.id, Reason::TooLong { max: MAX_LONG_TEXT }))
            }
            (FieldKind::Text | FieldKind::LongText | FieldKind::Attachment, Answer::Text(_)) => None,
            (FieldKind::Option, Answer::Text(key)) => (!keys.contains(&key.as_str())).then(|| not_one_of(key)),
            (FieldKind::MultiSelect, Answer::Choices(chosen)) => {
                chosen.iter().find(|key| !keys.contains(&key.as_str())).map(|key| not_one_of(key))
            }
            (FieldKind::Date, Answer::Text(text)) => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                .is_err()
                .then(|| problem(&field.id, Reason::NotDate { value: text.clone() })),
            (FieldKind::Email, Answer::Text(text)) => Email::parse(text)
                .is_err()
                .then(|| problem(&field.id, Reason::NotEmailAddress { value: Some(text.clone()) })),
            (FieldKind::Table, Answer::Rows(rows)) if rows.len() > MAX_TABLE_ROWS => {
                Some(problem(&field.id, Reason::TooManyEntries { max: MAX_TABLE_ROWS }))
            }
            (FieldKind::Table, Answer::Rows(rows)) => rows
                .iter()
                .any(|row| row.len() != keys.len())
                .then(|| problem(&field.id, Reason::Columns { expected: keys.len() })),
            (kind, _) => Some(problem(&field.id, Reason::NotOneOf { value: "…".into(), allowed: kind.id().into() })),
        }
    }

    /// What is wrong with the form itself, as a holder defines it.
    pub fn check_definition(&self) -> Vec<FieldProblem> {
        let mut problems = Vec::new();
        if self.fields.len() > MAX_FIELDS {
            problems.push(problem("form", Reason::TooManyEntries { max: MAX_FIELDS }));
        }
        let mut seen = HashSet::new();
        for field in &self.fields {
            let valid_id = !field.id.is_empty()
                && field.id.len() <= 40
                && field.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !valid_id {
                problems.push(problem(&field.id, Reason::NoLetterOrDigit));
            }
            if !seen.insert(field.id.as_str()) {
                problems.push(problem(&field.id, Reason::Duplicate { value: field.id.clone() }));
            }
            if field.label.is_empty() {
                problems.push(problem(&field.id, Reason::Empty));
            }
            if field.kind.has_options() && field.options.is_empty() {
                problems.push(problem(&field.id, Reason::Empty));
            }
            if let Some(condition) = &field.visible_if {
                // Only an option field placed before this one can decide whether it shows.
                let earlier = self.fields.iter().take_while(|f| f.id != field.id).find(|f| f.id == condition.field);
                if !earlier.is_some_and(|f| matches!(f.kind, FieldKind::Option | FieldKind::MultiSelect)) {
                    problems.push(problem(
                        &field.id,
                        Reason::NotOneOf {
                            value: condition.field.clone(),
                            allowed: "an option field before it".into(),
                        },
                    ));
                }
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(en: &str) -> Localized {
        Localized { en: Some(en.into()), nl: None }
    }

    fn field(id: &str, kind: FieldKind) -> Field {
        Field {
            id: id.into(),
            kind,
            label: text(id),
            required: true,
            private: false,
            options: vec![],
            visible_if: None,
        }
    }

    fn form() -> Form {
        let mut cohort = field("cohort", FieldKind::Option);
        cohort.options =
            vec![Choice { key: "yes".into(), label: text("Yes") }, Choice { key: "no".into(), label: text("No") }];
        let mut which = field("which", FieldKind::Text);
        which.visible_if = Some(Condition { field: "cohort".into(), equals: vec!["yes".into()] });
        Form { fields: vec![field("intro", FieldKind::Header), cohort, which, field("start", FieldKind::Date)] }
    }

    #[test]
    fn required_fields_count_only_while_shown() {
        let form = form();
        let mut answers = Answers::new();
        answers.insert("cohort".into(), Answer::Text("no".into()));
        answers.insert("start".into(), Answer::Text("2027-01-01".into()));
        assert_eq!(form.check(&answers), vec![]);
        answers.insert("cohort".into(), Answer::Text("yes".into()));
        assert_eq!(form.check(&answers), vec![problem("which", Reason::Empty)]);
    }

    #[test]
    fn answers_are_checked_by_kind() {
        let form = form();
        let mut answers = Answers::new();
        answers.insert("cohort".into(), Answer::Text("maybe".into()));
        answers.insert("start".into(), Answer::Text("next week".into()));
        let fields: Vec<String> = form.check(&answers).into_iter().map(|p| p.field).collect();
        assert_eq!(fields, vec!["cohort", "start"]);
    }

    #[test]
    fn hidden_and_unknown_answers_are_not_kept() {
        let form = form();
        let mut answers = Answers::new();
        answers.insert("cohort".into(), Answer::Text("no".into()));
        answers.insert("which".into(), Answer::Text("Lifelines".into()));
        answers.insert("smuggled".into(), Answer::Text("x".into()));
        assert_eq!(form.kept(&answers).keys().collect::<Vec<_>>(), vec!["cohort"]);
    }

    #[test]
    fn a_condition_must_name_an_earlier_option_field() {
        let mut form = form();
        form.fields.swap(1, 2);
        assert_eq!(form.check_definition().len(), 1);
        assert_eq!(self::form().check_definition(), vec![]);
    }
}
