//! A talent profile: a person's opt-in entry in the region's talent pool. Seen only by the
//! members of organisations that recruit (with a published vacancy or programme), never by
//! visitors or search engines; its owner hides, exports and deletes it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::vacancy::EmploymentType;
use crate::choice::{entries, ids, one_of};
use crate::language::Bilingual;
use crate::record::Versioned;
use crate::validation::{optional_date, optional_language_text, Checks, Reason, ValidationError};

pub const MAX_SKILLS: usize = 30;
pub const MAX_FIELDS: usize = 10;
pub const MAX_PLACES: usize = 10;
const TERM_MAX_CHARS: usize = 60;
pub const STATEMENT_MAX_CHARS: usize = 1_000;

/// An ORCID iD (`0000-0002-1825-0097`), its check digit verified (ISO 7064 MOD 11-2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Orcid(String);

impl Orcid {
    /// Reads the iD alone or as its address (`https://orcid.org/0000-…`).
    pub fn parse(field: &'static str, text: &str) -> Result<Self, ValidationError> {
        let value = text.trim();
        let id = value
            .strip_prefix("https://orcid.org/")
            .or_else(|| value.strip_prefix("http://orcid.org/"))
            .unwrap_or(value);
        let digits: Vec<char> = id.chars().filter(|c| *c != '-').collect();
        let shaped = id.len() == 19
            && id.chars().enumerate().all(|(i, c)| {
                if i % 5 == 4 {
                    c == '-'
                } else {
                    c.is_ascii_digit() || (i == 18 && c == 'X')
                }
            });
        if !shaped || digits.len() != 16 {
            return Err(ValidationError::new(field, Reason::NotOrcid { value: value.to_owned() }));
        }
        let mut total = 0u32;
        for digit in &digits[..15] {
            total = (total + digit.to_digit(10).unwrap_or(0)) * 2;
        }
        let check = (12 - total % 11) % 11;
        let expected = if check == 10 { 'X' } else { char::from_digit(check, 10).unwrap_or('?') };
        if digits[15] != expected {
            return Err(ValidationError::new(field, Reason::OrcidChecksum { value: value.to_owned() }));
        }
        Ok(Orcid(id.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn url(&self) -> String {
        format!("https://orcid.org/{}", self.0)
    }
}

/// Where a person is in their career.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CareerStage {
    Student,
    #[default]
    R1,
    R2,
    R3,
    R4,
    /// Outside research careers: engineers, clinicians, managers.
    Professional,
}
ids!(CareerStage {
    Student => "student",
    R1 => "r1",
    R2 => "r2",
    R3 => "r3",
    R4 => "r4",
    Professional => "professional",
});

/// A talent profile as stored (record version 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TalentProfile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orcid: Option<Orcid>,
    pub career_stage: CareerStage,
    pub skills: Vec<String>,
    #[serde(default)]
    pub fields: Vec<String>,
    /// The kinds of employment wanted; none for any.
    #[serde(default)]
    pub employment_types: Vec<EmploymentType>,
    /// Towns the person would work in; none for anywhere.
    #[serde(default)]
    pub places: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_from: Option<NaiveDate>,
    #[serde(default)]
    pub statement: Bilingual,
    /// Hidden from every recruiter until shown again.
    #[serde(default)]
    pub hidden: bool,
    /// Mail the vacancies that fit, once a week.
    #[serde(default)]
    pub weekly: bool,
}

impl Versioned for TalentProfile {
    const RECORD_VERSION: u32 = 1;
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TalentProfileDraft {
    pub orcid: String,
    pub career_stage: String,
    /// Separated by commas.
    pub skills: String,
    pub fields: String,
    /// full-time, part-time, … separated by commas.
    pub employment_types: String,
    pub places: String,
    pub available_from: String,
    pub statement_en: String,
    pub statement_nl: String,
    /// `visible` (default) or `hidden`.
    pub visibility: String,
    /// `true` (a checked box) for the weekly mail.
    pub weekly: String,
}

fn terms(field: &'static str, text: &str, max: usize) -> Result<Vec<String>, ValidationError> {
    let values = entries(text);
    if values.len() > max {
        return Err(ValidationError::new(field, Reason::TooManyEntries { max }));
    }
    if values.iter().any(|v| v.chars().count() > TERM_MAX_CHARS) {
        return Err(ValidationError::new(field, Reason::TooLong { max: TERM_MAX_CHARS }));
    }
    if values.iter().any(|v| v.chars().any(|c| c.is_control() || crate::validation::is_direction_control(c))) {
        return Err(ValidationError::new(field, Reason::ControlCharacters));
    }
    Ok(values)
}

impl TalentProfile {
    pub fn validate(d: TalentProfileDraft) -> Result<Self, Vec<ValidationError>> {
        let mut c = Checks::default();
        let orcid = match crate::validation::text(&d.orcid) {
            Some(text) => c.keep(Orcid::parse("orcid", &text)),
            None => None,
        };
        let career_stage = c.take(one_of("career_stage", &d.career_stage, CareerStage::ALL, CareerStage::id));
        let skills = c.take(terms("skills", &d.skills, MAX_SKILLS));
        if skills.is_empty() && !c.0.iter().any(|e| e.field == "skills") {
            c.refuse("skills", Reason::Empty);
        }
        let fields = c.take(terms("fields", &d.fields, MAX_FIELDS));
        let mut employment_types = Vec::new();
        for id in entries(&d.employment_types) {
            if let Some(t) = c.keep(one_of("employment_types", &id, EmploymentType::ALL, EmploymentType::id)) {
                employment_types.push(t);
            }
        }
        let places = c.take(terms("places", &d.places, MAX_PLACES));
        let available_from = c.take(optional_date("available_from", &d.available_from));
        let statement = Bilingual {
            en: c.take(optional_language_text("statement_en", &d.statement_en, STATEMENT_MAX_CHARS, false)),
            nl: c.take(optional_language_text("statement_nl", &d.statement_nl, STATEMENT_MAX_CHARS, false)),
        };
        let hidden = match d.visibility.trim() {
            "" | "visible" => false,
            "hidden" => true,
            other => {
                c.refuse(
                    "visibility",
                    Reason::NotEither { value: other.to_owned(), first: "visible", second: "hidden" },
                );
                false
            }
        };
        let weekly = matches!(d.weekly.trim(), "true" | "on" | "yes");
        c.finish(TalentProfile {
            orcid,
            career_stage,
            skills,
            fields,
            employment_types,
            places,
            available_from,
            statement,
            hidden,
            weekly,
        })
    }

    pub fn to_draft(&self) -> TalentProfileDraft {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        TalentProfileDraft {
            orcid: self.orcid.as_ref().map(|o| o.as_str().to_owned()).unwrap_or_default(),
            career_stage: self.career_stage.id().to_owned(),
            skills: self.skills.join(", "),
            fields: self.fields.join(", "),
            employment_types: self.employment_types.iter().map(|t| t.id()).collect::<Vec<_>>().join(", "),
            places: self.places.join(", "),
            available_from: self.available_from.map(|d| d.to_string()).unwrap_or_default(),
            statement_en: text(&self.statement.en),
            statement_nl: text(&self.statement.nl),
            visibility: if self.hidden { "hidden" } else { "visible" }.to_owned(),
            weekly: if self.weekly { "true" } else { "" }.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orcid_check_digits_are_verified() {
        // ORCID's own examples, one with the check digit X.
        assert_eq!(Orcid::parse("orcid", "0000-0002-1825-0097").unwrap().as_str(), "0000-0002-1825-0097");
        assert_eq!(
            Orcid::parse("orcid", "https://orcid.org/0000-0002-1694-233X").unwrap().url(),
            "https://orcid.org/0000-0002-1694-233X"
        );
        assert_eq!(
            Orcid::parse("orcid", "0000-0002-1825-0098").unwrap_err().reason,
            Reason::OrcidChecksum { value: "0000-0002-1825-0098".into() }
        );
        for bad in ["0000-0002-1825", "0000 0002 1825 0097", "000X-0002-1825-0097", "orcid"] {
            assert!(matches!(Orcid::parse("orcid", bad).unwrap_err().reason, Reason::NotOrcid { .. }), "{bad}");
        }
    }

    #[test]
    fn a_draft_becomes_a_profile_and_back() {
        let draft = TalentProfileDraft {
            orcid: "0000-0002-1825-0097".into(),
            career_stage: "r1".into(),
            skills: "python, deep learning, Python".into(),
            fields: "medical imaging".into(),
            employment_types: "full-time".into(),
            places: "Amsterdam, Groningen".into(),
            available_from: "2027-03-01".into(),
            statement_en: "I build models for radiology.".into(),
            weekly: "true".into(),
            ..TalentProfileDraft::default()
        };
        let profile = TalentProfile::validate(draft).expect("valid");
        assert_eq!(profile.skills, ["python", "deep learning"], "repeats kept once");
        assert!(profile.weekly && !profile.hidden);
        assert_eq!(TalentProfile::validate(profile.to_draft()), Ok(profile));
        let bad = TalentProfileDraft {
            orcid: "0000-0002-1825-0098".into(),
            career_stage: "guru".into(),
            skills: (0..31).map(|i| format!("s{i}")).collect::<Vec<_>>().join(","),
            available_from: "soon".into(),
            visibility: "secret".into(),
            ..TalentProfileDraft::default()
        };
        let fields: Vec<_> = TalentProfile::validate(bad).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["orcid", "career_stage", "skills", "available_from", "visibility"]);
    }
}
