//! Datasets: what an organisation holds that researchers may ask to use, described with the
//! fields of DCAT-AP 3 and HealthDCAT-AP, owned by the holding organisation and written by
//! its members through the content kernel. The publisher is the owning organisation.
//!
//! The fields are those of HealthDCAT-AP, and the rules those of Health-RI's profile of it
//! (the Dutch national catalogue's), so that every dataset can be harvested as it is: a
//! contact e-mail address, at least one keyword and theme, terms as codes or addresses
//! (see [`terms`]), and distributions with a title, licence and size.

pub mod terms;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::account::Email;
use crate::content::{Item, Reference, SearchDocument, Written, DATASET};
use crate::language::Language;
use crate::record::Versioned;
use crate::validation::{
    optional_date as date, optional_line as line, optional_text, optional_web_url, Checks, Reason, ValidationError,
};
use terms::TermKind;

pub const TITLE_MAX_CHARS: usize = 300;
pub const DESCRIPTION_MAX_CHARS: usize = 20_000;
/// A term in a list (a keyword, a code, a category).
pub const TERM_MAX_CHARS: usize = 200;
pub const MAX_TERMS: usize = 50;
/// Free text that is not a description: population coverage, spatial coverage, the access body.
pub const NOTE_MAX_CHARS: usize = 2_000;
/// The oldest a typical age may be.
pub const MAX_AGE: i64 = 150;

/// `dct:accessRights`, from the EU access-right vocabulary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccessRights {
    Public,
    Restricted,
    #[default]
    NonPublic,
}

impl AccessRights {
    pub const ALL: [AccessRights; 3] = [AccessRights::Public, AccessRights::Restricted, AccessRights::NonPublic];

    pub fn id(self) -> &'static str {
        match self {
            AccessRights::Public => "PUBLIC",
            AccessRights::Restricted => "RESTRICTED",
            AccessRights::NonPublic => "NON_PUBLIC",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.id() == id)
    }

    /// The term's IRI in the EU vocabulary.
    pub fn iri(self) -> String {
        format!("http://publications.europa.eu/resource/authority/access-right/{}", self.id())
    }
}

/// A band of ages lists filter by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgeBand {
    pub id: &'static str,
    pub from: u32,
    pub to: u32,
}

/// Children, adults and older adults: a dataset is in every band its typical ages reach into.
pub const AGE_BANDS: [AgeBand; 3] = [
    AgeBand { id: "0-17", from: 0, to: 17 },
    AgeBand { id: "18-64", from: 18, to: 64 },
    AgeBand { id: "65-plus", from: 65, to: MAX_AGE as u32 },
];

/// The EU data themes (`dcat:theme`), by their codes.
pub const DATA_THEMES: [&str; 13] =
    ["AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI", "SOCI", "TECH", "TRAN"];

/// One way to get the data (`dcat:Distribution`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distribution {
    /// What this way gives, e.g. "CT images" or "Request access".
    #[serde(default)]
    pub title: String,
    /// A file type or format, e.g. `CSV`, `DICOM`, `FHIR`.
    pub format: String,
    pub access_url: String,
    /// The licence's address; required since Health-RI's profile asks for it, absent in
    /// records written before.
    pub licence: Option<String>,
    /// The size in bytes, an estimate where the data is not one file.
    #[serde(default)]
    pub byte_size: Option<u64>,
}

/// The facet by which an imported dataset is found again: its IRI in the source catalogue.
pub const SOURCE_FACET: &str = "source";

/// How a distribution is written on one line of the form.
pub const DISTRIBUTION_LINE: &str = "title | format | access URL | licence URL | size in bytes";

pub use crate::language::Bilingual;

/// A dataset as stored (record version 1) and as the domain knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Dataset {
    pub title: Bilingual,
    pub description: Bilingual,
    pub keywords_en: Vec<String>,
    pub keywords_nl: Vec<String>,
    /// An e-mail address (`dcat:contactPoint`, a `vcard:Kind` with `vcard:hasEmail`).
    pub contact_point: String,
    pub themes: Vec<String>,
    pub access_rights: AccessRights,
    /// DPV terms: legal basis, purpose, personal data categories.
    pub legal_basis: Vec<String>,
    pub purpose: Vec<String>,
    pub personal_data: Vec<String>,
    /// HealthDCAT-AP: health category and health theme.
    pub health_categories: Vec<String>,
    pub health_themes: Vec<String>,
    /// The coding systems used (ICD-10, SNOMED CT, ...) and code values in them.
    pub coding_systems: Vec<String>,
    pub code_values: Vec<String>,
    pub population_coverage: Option<String>,
    pub min_typical_age: Option<u32>,
    pub max_typical_age: Option<u32>,
    pub number_of_records: Option<u64>,
    pub number_of_unique_individuals: Option<u64>,
    pub temporal_start: Option<NaiveDate>,
    pub temporal_end: Option<NaiveDate>,
    pub spatial: Option<String>,
    /// The last day the data is kept.
    pub retention_until: Option<NaiveDate>,
    /// The health data access body that decides on access, where there is one: its name,
    /// e-mail address and website.
    pub access_body: Option<String>,
    pub access_body_email: Option<String>,
    pub access_body_website: Option<String>,
    pub distributions: Vec<Distribution>,
    pub quality_annotations: Vec<String>,
    /// DUO codes (`DUO:0000042`) that restrict the data's use.
    pub duo: Vec<String>,
    /// Where a dataset read from another catalogue came from; the hub's own have none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// A dataset's origin in another catalogue, kept so that importing it again updates it and
/// exporting it gives back what that catalogue said.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Its IRI there, which the hub keeps as its IRI.
    pub iri: String,
    /// Its `dct:identifier` there, where that is not its IRI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// What that catalogue said of it that the hub has no field for, as N-Triples.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub statements: String,
}

/// A dataset as a member submits it: every field as text. Lists are separated by commas or
/// new lines; distributions and quality annotations are one per line, a distribution as
/// [`DISTRIBUTION_LINE`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DatasetDraft {
    pub title_en: String,
    pub title_nl: String,
    pub description_en: String,
    pub description_nl: String,
    pub keywords_en: String,
    pub keywords_nl: String,
    pub contact_point: String,
    pub themes: String,
    pub access_rights: String,
    pub legal_basis: String,
    pub purpose: String,
    pub personal_data: String,
    pub health_categories: String,
    pub health_themes: String,
    pub coding_systems: String,
    pub code_values: String,
    pub population_coverage: String,
    pub min_typical_age: String,
    pub max_typical_age: String,
    pub number_of_records: String,
    pub number_of_unique_individuals: String,
    pub temporal_start: String,
    pub temporal_end: String,
    pub spatial: String,
    pub retention_until: String,
    pub access_body: String,
    pub access_body_email: String,
    pub access_body_website: String,
    pub distributions: String,
    pub quality_annotations: String,
    pub duo: String,
}

/// Stored in `content_items`; no shape has changed yet.
impl Versioned for Dataset {
    const RECORD_VERSION: u32 = 1;
}

fn present(text: &str) -> Option<String> {
    Some(text.trim()).filter(|t| !t.is_empty()).map(str::to_owned)
}

fn long_text(field: &'static str, text: &str) -> Result<Option<String>, ValidationError> {
    let value = present(text);
    optional_text(field, value.as_deref(), DESCRIPTION_MAX_CHARS)?;
    Ok(value)
}

/// A list of terms separated by commas or new lines; repeats are kept once.
fn terms(field: &'static str, text: &str) -> Result<Vec<String>, ValidationError> {
    list(field, text, &[',', '\n', '\r'])
}

/// A list of one entry per line (entries may hold commas); repeats are kept once.
fn lines(field: &'static str, text: &str) -> Result<Vec<String>, ValidationError> {
    list(field, text, &['\n', '\r'])
}

fn list(field: &'static str, text: &str, separators: &[char]) -> Result<Vec<String>, ValidationError> {
    let mut values: Vec<String> = Vec::new();
    for value in text.split(separators).map(str::trim).filter(|v| !v.is_empty()) {
        if let Some(v) = line(field, value, TERM_MAX_CHARS)? {
            if !values.contains(&v) {
                values.push(v);
            }
        }
    }
    if values.len() > MAX_TERMS {
        return Err(ValidationError::new(field, Reason::TooManyEntries { max: MAX_TERMS }));
    }
    Ok(values)
}

/// Terms of a vocabulary, each kept in the one form [`TermKind::normalise`] gives it.
fn vocabulary_terms(field: &'static str, text: &str, kind: TermKind) -> Result<Vec<String>, ValidationError> {
    let mut values: Vec<String> = Vec::new();
    for value in terms(field, text)? {
        let term = kind.normalise(field, &value)?;
        if !values.contains(&term) {
            values.push(term);
        }
    }
    Ok(values)
}

/// Terms that must each be one of `allowed` (compared without regard to case).
fn choices(field: &'static str, text: &str, allowed: &[&str]) -> Result<Vec<String>, ValidationError> {
    let mut values = Vec::new();
    for value in text.split([',', ' ', '\n', '\r', '\t']).map(str::trim).filter(|v| !v.is_empty()) {
        let Some(known) = allowed.iter().find(|a| a.eq_ignore_ascii_case(value)) else {
            return Err(ValidationError::new(
                field,
                Reason::NotOneOf { value: value.to_owned(), allowed: allowed.join(", ") },
            ));
        };
        if !values.iter().any(|v| v == known) {
            values.push((*known).to_owned());
        }
    }
    Ok(values)
}

/// DUO codes in their CURIE form, `DUO:` and seven digits.
fn duo_codes(text: &str) -> Result<Vec<String>, ValidationError> {
    let mut codes = Vec::new();
    for value in text.split([',', ' ', '\n', '\r', '\t']).map(str::trim).filter(|v| !v.is_empty()) {
        let code = value.to_ascii_uppercase();
        if !terms::is_duo_code(&code) {
            return Err(ValidationError::new(
                "duo",
                Reason::NotOneOf { value: value.to_owned(), allowed: "DUO:0000042 …".into() },
            ));
        }
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    if codes.len() > MAX_TERMS {
        return Err(ValidationError::new("duo", Reason::TooManyEntries { max: MAX_TERMS }));
    }
    Ok(codes)
}

fn number(field: &'static str, text: &str, max: i64) -> Result<Option<i64>, ValidationError> {
    let Some(text) = present(text) else { return Ok(None) };
    match text.replace(['_', ' '], "").parse::<i64>() {
        Ok(n) if (0..=max).contains(&n) => Ok(Some(n)),
        _ => Err(ValidationError::new(field, Reason::NotWholeNumberInRange { min: 0, max })),
    }
}

/// An e-mail address, or nothing where the field may be left empty.
fn email(field: &'static str, text: &str) -> Result<Option<String>, ValidationError> {
    let Some(value) = present(text) else { return Ok(None) };
    Email::parse(&value)
        .map(|email| Some(email.as_str().to_owned()))
        .map_err(|_| ValidationError::new(field, Reason::NotEmailAddress { value: Some(value) }))
}

/// One distribution per line, as [`DISTRIBUTION_LINE`] says; every part is needed.
fn distributions(text: &str) -> Result<Vec<Distribution>, ValidationError> {
    let mut distributions = Vec::new();
    for entry in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let parts: Vec<&str> = entry.split('|').map(str::trim).collect();
        let [title, format, access_url, licence, size] = parts[..] else {
            return Err(ValidationError::new(
                "distributions",
                Reason::NotOneOf { value: entry.to_owned(), allowed: DISTRIBUTION_LINE.into() },
            ));
        };
        let required = |text: &str| present(text).ok_or_else(|| ValidationError::new("distributions", Reason::Empty));
        let title = line("distributions", &required(title)?, TITLE_MAX_CHARS)?.unwrap_or_default();
        let format = line("distributions", &required(format)?, TERM_MAX_CHARS)?.unwrap_or_default();
        let access_url = required(access_url)?;
        optional_web_url("distributions", Some(&access_url))?;
        let licence = required(licence)?;
        optional_web_url("distributions", Some(&licence))?;
        let byte_size = as_u64(number("distributions", size, i64::MAX)?);
        if byte_size.is_none() {
            return Err(ValidationError::new("distributions", Reason::Empty));
        }
        distributions.push(Distribution { title, format, access_url, licence: Some(licence), byte_size });
    }
    if distributions.len() > MAX_TERMS {
        return Err(ValidationError::new("distributions", Reason::TooManyEntries { max: MAX_TERMS }));
    }
    Ok(distributions)
}

impl Distribution {
    /// The distribution as one line of the form, [`DISTRIBUTION_LINE`].
    pub fn to_line(&self) -> String {
        let size = self.byte_size.map(|n| n.to_string()).unwrap_or_default();
        let licence = self.licence.as_deref().unwrap_or_default();
        format!("{} | {} | {} | {licence} | {size}", self.title, self.format, self.access_url)
    }
}

fn as_u32(n: Option<i64>) -> Option<u32> {
    n.and_then(|n| u32::try_from(n).ok())
}

fn as_u64(n: Option<i64>) -> Option<u64> {
    n.and_then(|n| u64::try_from(n).ok())
}

impl Written for Dataset {
    const KIND: &'static crate::content::Kind = &DATASET;
    type Draft = DatasetDraft;

    fn validate(d: DatasetDraft) -> Result<Self, Vec<ValidationError>> {
        let mut c = Checks::default();
        let title_en = c.keep(line("title_en", &d.title_en, TITLE_MAX_CHARS)).flatten();
        let title_nl = c.keep(line("title_nl", &d.title_nl, TITLE_MAX_CHARS)).flatten();
        if present(&d.title_en).is_none() && present(&d.title_nl).is_none() {
            c.0.push(ValidationError::new("title_en", Reason::GiveOneOf { choices: "title_en, title_nl" }));
        }
        let description_en = c.keep(long_text("description_en", &d.description_en)).flatten();
        let description_nl = c.keep(long_text("description_nl", &d.description_nl)).flatten();
        if present(&d.description_en).is_none() && present(&d.description_nl).is_none() {
            c.0.push(ValidationError::new(
                "description_en",
                Reason::GiveOneOf { choices: "description_en, description_nl" },
            ));
        }
        let keywords_en = c.keep(terms("keywords_en", &d.keywords_en)).unwrap_or_default();
        let keywords_nl = c.keep(terms("keywords_nl", &d.keywords_nl)).unwrap_or_default();
        if present(&d.keywords_en).is_none() && present(&d.keywords_nl).is_none() {
            c.0.push(ValidationError::new("keywords_en", Reason::GiveOneOf { choices: "keywords_en, keywords_nl" }));
        }
        let contact_point = match c.keep(email("contact_point", &d.contact_point)) {
            Some(Some(address)) => address,
            Some(None) => {
                c.0.push(ValidationError::new("contact_point", Reason::Empty));
                String::new()
            }
            None => String::new(),
        };
        let themes = c.keep(choices("themes", &d.themes, &DATA_THEMES)).unwrap_or_default();
        if present(&d.themes).is_none() {
            c.0.push(ValidationError::new("themes", Reason::Empty));
        }
        let access_rights = AccessRights::from_id(d.access_rights.trim());
        if access_rights.is_none() {
            let allowed = AccessRights::ALL.map(AccessRights::id).join(", ");
            c.0.push(ValidationError::new(
                "access_rights",
                Reason::NotOneOf { value: d.access_rights.clone(), allowed },
            ));
        }
        let dpv = |field, text| vocabulary_terms(field, text, TermKind::Dpv);
        let legal_basis = c.keep(dpv("legal_basis", &d.legal_basis)).unwrap_or_default();
        let purpose = c.keep(dpv("purpose", &d.purpose)).unwrap_or_default();
        let personal_data = c.keep(dpv("personal_data", &d.personal_data)).unwrap_or_default();
        let codes = |field, text| vocabulary_terms(field, text, TermKind::Code);
        let health_categories = c.keep(codes("health_categories", &d.health_categories)).unwrap_or_default();
        let health_themes = c.keep(codes("health_themes", &d.health_themes)).unwrap_or_default();
        let coding_systems =
            c.keep(vocabulary_terms("coding_systems", &d.coding_systems, TermKind::CodingSystem)).unwrap_or_default();
        let code_values = c.keep(codes("code_values", &d.code_values)).unwrap_or_default();
        let population_coverage = c.keep(line("population_coverage", &d.population_coverage, NOTE_MAX_CHARS)).flatten();
        let min_age = c.keep(number("min_typical_age", &d.min_typical_age, MAX_AGE)).flatten();
        let max_age = c.keep(number("max_typical_age", &d.max_typical_age, MAX_AGE)).flatten();
        if let (Some(min), Some(max)) = (min_age, max_age) {
            if min > max {
                c.0.push(ValidationError::new("min_typical_age", Reason::MoreThan { other: "max_typical_age" }));
            }
        }
        let records = c.keep(number("number_of_records", &d.number_of_records, i64::MAX)).flatten();
        let individuals =
            c.keep(number("number_of_unique_individuals", &d.number_of_unique_individuals, i64::MAX)).flatten();
        if let (Some(records), Some(individuals)) = (records, individuals) {
            if individuals > records {
                c.0.push(ValidationError::new(
                    "number_of_unique_individuals",
                    Reason::MoreThan { other: "number_of_records" },
                ));
            }
        }
        let temporal_start = c.keep(date("temporal_start", &d.temporal_start)).flatten();
        let temporal_end = c.keep(date("temporal_end", &d.temporal_end)).flatten();
        if let (Some(start), Some(end)) = (temporal_start, temporal_end) {
            if start > end {
                c.0.push(ValidationError::new("temporal_start", Reason::After { other: "temporal_end" }));
            }
        }
        let spatial = c.keep(line("spatial", &d.spatial, NOTE_MAX_CHARS)).flatten();
        let retention_until = c.keep(date("retention_until", &d.retention_until)).flatten();
        let access_body = c.keep(line("access_body", &d.access_body, NOTE_MAX_CHARS)).flatten();
        let access_body_email = c.keep(email("access_body_email", &d.access_body_email)).flatten();
        let access_body_website = present(&d.access_body_website);
        c.keep(optional_web_url("access_body_website", access_body_website.as_deref()));
        // Catalogues describe an access body as an agent with a name, a mailbox and a homepage.
        if access_body.is_some() || access_body_email.is_some() || access_body_website.is_some() {
            for (field, value) in [
                ("access_body", &access_body),
                ("access_body_email", &access_body_email),
                ("access_body_website", &access_body_website),
            ] {
                if value.is_none() {
                    c.0.push(ValidationError::new(field, Reason::Empty));
                }
            }
        }
        let distributions = c.keep(distributions(&d.distributions)).unwrap_or_default();
        let quality_annotations = c.keep(lines("quality_annotations", &d.quality_annotations)).unwrap_or_default();
        let duo = c.keep(duo_codes(&d.duo)).unwrap_or_default();
        match access_rights {
            Some(access_rights) if c.0.is_empty() => Ok(Dataset {
                title: Bilingual { en: title_en, nl: title_nl },
                description: Bilingual { en: description_en, nl: description_nl },
                keywords_en,
                keywords_nl,
                contact_point,
                themes,
                access_rights,
                legal_basis,
                purpose,
                personal_data,
                health_categories,
                health_themes,
                coding_systems,
                code_values,
                population_coverage,
                min_typical_age: as_u32(min_age),
                max_typical_age: as_u32(max_age),
                number_of_records: as_u64(records),
                number_of_unique_individuals: as_u64(individuals),
                temporal_start,
                temporal_end,
                spatial,
                retention_until,
                access_body,
                access_body_email,
                access_body_website,
                distributions,
                quality_annotations,
                duo,
                source: None,
            }),
            _ => Err(c.0),
        }
    }

    fn to_draft(&self) -> DatasetDraft {
        let list = |values: &[String]| values.join(", ");
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        let shown = |value: Option<String>| value.unwrap_or_default();
        DatasetDraft {
            title_en: text(&self.title.en),
            title_nl: text(&self.title.nl),
            description_en: text(&self.description.en),
            description_nl: text(&self.description.nl),
            keywords_en: list(&self.keywords_en),
            keywords_nl: list(&self.keywords_nl),
            contact_point: self.contact_point.clone(),
            themes: list(&self.themes),
            access_rights: self.access_rights.id().to_owned(),
            legal_basis: list(&self.legal_basis),
            purpose: list(&self.purpose),
            personal_data: list(&self.personal_data),
            health_categories: list(&self.health_categories),
            health_themes: list(&self.health_themes),
            coding_systems: list(&self.coding_systems),
            code_values: list(&self.code_values),
            population_coverage: text(&self.population_coverage),
            min_typical_age: shown(self.min_typical_age.map(|n| n.to_string())),
            max_typical_age: shown(self.max_typical_age.map(|n| n.to_string())),
            number_of_records: shown(self.number_of_records.map(|n| n.to_string())),
            number_of_unique_individuals: shown(self.number_of_unique_individuals.map(|n| n.to_string())),
            temporal_start: shown(self.temporal_start.map(|d| d.to_string())),
            temporal_end: shown(self.temporal_end.map(|d| d.to_string())),
            spatial: text(&self.spatial),
            retention_until: shown(self.retention_until.map(|d| d.to_string())),
            access_body: text(&self.access_body),
            access_body_email: text(&self.access_body_email),
            access_body_website: text(&self.access_body_website),
            distributions: self.distributions.iter().map(Distribution::to_line).collect::<Vec<_>>().join("\n"),
            quality_annotations: self.quality_annotations.join("\n"),
            duo: self.duo.join(", "),
        }
    }

    fn title(&self) -> &str {
        self.title.get(Language::En)
    }

    /// Datasets are described in both languages as their holders choose; none is theirs alone.
    fn language(&self) -> Option<Language> {
        None
    }

    /// DUO codes must name terms of the ontology the hub has imported.
    fn references(&self) -> Vec<Reference> {
        self.duo.iter().map(|code| Reference::Term { field: "duo", scheme: terms::DUO, code: code.clone() }).collect()
    }

    /// Keeps the origin of an imported dataset through a member's edits.
    fn carry_over(&mut self, previous: &Self) {
        self.source.clone_from(&previous.source);
    }

    fn facets(&self) -> Vec<(&'static str, String)> {
        let mut facets = vec![("access-rights", self.access_rights.id().to_owned())];
        // A later import finds the dataset by the IRI it came with.
        facets.extend(self.source.iter().map(|source| (SOURCE_FACET, source.iri.clone())));
        facets.extend(self.themes.iter().map(|t| ("theme", t.clone())));
        facets.extend(self.coding_systems.iter().map(|s| ("coding-system", s.clone())));
        facets.extend(self.duo.iter().map(|code| ("duo", code.clone())));
        if self.min_typical_age.is_some() || self.max_typical_age.is_some() {
            let (from, to) = (self.min_typical_age.unwrap_or(0), self.max_typical_age.unwrap_or(MAX_AGE as u32));
            let reached = AGE_BANDS.iter().filter(|band| band.from <= to && from <= band.to);
            facets.extend(reached.map(|band| ("age", band.id.to_owned())));
        }
        facets
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        let draft = self.to_draft();
        vec![
            ("title_en", draft.title_en),
            ("title_nl", draft.title_nl),
            ("description_en", draft.description_en),
            ("description_nl", draft.description_nl),
            ("keywords_en", draft.keywords_en),
            ("keywords_nl", draft.keywords_nl),
            ("contact_point", draft.contact_point),
            ("themes", draft.themes),
            ("access_rights", draft.access_rights),
            ("legal_basis", draft.legal_basis),
            ("purpose", draft.purpose),
            ("personal_data", draft.personal_data),
            ("health_categories", draft.health_categories),
            ("health_themes", draft.health_themes),
            ("coding_systems", draft.coding_systems),
            ("code_values", draft.code_values),
            ("population_coverage", draft.population_coverage),
            ("min_typical_age", draft.min_typical_age),
            ("max_typical_age", draft.max_typical_age),
            ("number_of_records", draft.number_of_records),
            ("number_of_unique_individuals", draft.number_of_unique_individuals),
            ("temporal_start", draft.temporal_start),
            ("temporal_end", draft.temporal_end),
            ("spatial", draft.spatial),
            ("retention_until", draft.retention_until),
            ("access_body", draft.access_body),
            ("access_body_email", draft.access_body_email),
            ("access_body_website", draft.access_body_website),
            ("distributions", draft.distributions),
            ("quality_annotations", draft.quality_annotations),
            ("duo", draft.duo),
        ]
    }

    /// Found by its titles, keywords and codes in both languages, and by its holder's name.
    fn search_document(item: &Item<Self>) -> SearchDocument {
        let dataset = &item.record;
        let mut aliases: Vec<String> = dataset.title.both().skip(1).map(str::to_owned).collect();
        aliases.extend(dataset.keywords_en.iter().chain(&dataset.keywords_nl).cloned());
        aliases.extend(dataset.coding_systems.iter().chain(&dataset.code_values).cloned());
        aliases.push(item.owner.name.clone());
        let body = dataset
            .description
            .both()
            .chain(dataset.health_categories.iter().map(String::as_str))
            .chain(dataset.population_coverage.as_deref())
            .collect::<Vec<_>>()
            .join("\n");
        let mut facets = vec![("organisation", item.owner.slug.clone())];
        facets.extend(dataset.facets());
        SearchDocument {
            entity: &DATASET,
            id: item.slug.clone(),
            key: item.slug.clone(),
            title: dataset.title.both().next().unwrap_or_default().to_owned(),
            aliases,
            legal_names: Vec::new(),
            body,
            facets,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> DatasetDraft {
        DatasetDraft {
            title_en: "Lung cancer imaging cohort".into(),
            title_nl: "Cohort beeldvorming longkanker".into(),
            description_en: "CT scans of 1,200 patients with non-small-cell lung cancer.".into(),
            keywords_en: "lung cancer, CT, imaging, lung cancer".into(),
            contact_point: "data@example.org".into(),
            themes: "heal tech".into(),
            access_rights: "RESTRICTED".into(),
            coding_systems: "ICD-10".into(),
            code_values: "icd10who:C34, MONDO:0008903".into(),
            legal_basis: "Consent".into(),
            min_typical_age: "18".into(),
            max_typical_age: "90".into(),
            number_of_records: "4800".into(),
            number_of_unique_individuals: "1200".into(),
            temporal_start: "2015-01-01".into(),
            temporal_end: "2024-12-31".into(),
            distributions: "CT images | DICOM | https://data.example.org/lung | https://creativecommons.org/licenses/by/4.0/ | 2_000_000_000\nClinical data | CSV | https://data.example.org/lung.csv | https://creativecommons.org/licenses/by/4.0/ | 81920".into(),
            quality_annotations: "Checked by two radiologists, 2024".into(),
            duo: "duo:0000042, DUO:0000007".into(),
            ..DatasetDraft::default()
        }
    }

    #[test]
    fn a_good_draft_becomes_a_dataset_and_round_trips() {
        let dataset = Dataset::validate(draft()).unwrap();
        assert_eq!(dataset.keywords_en, vec!["lung cancer", "CT", "imaging"]);
        assert_eq!(dataset.themes, vec!["HEAL", "TECH"]);
        assert_eq!(dataset.duo, vec!["DUO:0000042", "DUO:0000007"]);
        assert_eq!(dataset.distributions.len(), 2);
        assert_eq!(dataset.distributions[1].byte_size, Some(81_920));
        assert_eq!(dataset.code_values, vec!["ICD10WHO:C34", "MONDO:0008903"]);
        assert_eq!(dataset.legal_basis, vec!["dpv:Consent"]);
        assert_eq!(
            dataset.access_rights.iri(),
            "http://publications.europa.eu/resource/authority/access-right/RESTRICTED"
        );
        assert_eq!(Dataset::validate(dataset.to_draft()).unwrap(), dataset);
    }

    #[test]
    fn every_refused_field_is_named_in_the_order_of_the_form() {
        let bad = DatasetDraft {
            title_en: "two\nlines".into(),
            contact_point: "not a contact".into(),
            themes: "HEALTH".into(),
            access_rights: "OPEN".into(),
            min_typical_age: "90".into(),
            max_typical_age: "18".into(),
            number_of_records: "many".into(),
            temporal_start: "2024-13-01".into(),
            distributions: "CSV | ftp://example.org/x".into(),
            duo: "DUO:42".into(),
            ..DatasetDraft::default()
        };
        let fields: Vec<_> = Dataset::validate(bad).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec![
                "title_en",
                "description_en",
                "keywords_en",
                "contact_point",
                "themes",
                "access_rights",
                "min_typical_age",
                "number_of_records",
                "temporal_start",
                "distributions",
                "duo"
            ]
        );
    }

    #[test]
    fn lists_find_a_dataset_in_every_age_band_its_ages_reach() {
        let bands = |min: &str, max: &str| {
            let dataset =
                Dataset::validate(DatasetDraft { min_typical_age: min.into(), max_typical_age: max.into(), ..draft() });
            dataset.unwrap().facets().into_iter().filter(|(name, _)| *name == "age").map(|(_, v)| v).collect::<Vec<_>>()
        };
        assert_eq!(bands("18", "90"), vec!["18-64", "65-plus"]);
        assert_eq!(bands("", "12"), vec!["0-17"]);
        assert_eq!(bands("65", ""), vec!["65-plus"]);
        assert_eq!(bands("", ""), Vec::<String>::new());
    }

    #[test]
    fn a_title_in_either_language_will_do_but_one_is_needed() {
        let dutch_only = DatasetDraft { title_en: String::new(), ..draft() };
        assert_eq!(Dataset::validate(dutch_only).unwrap().title(), "Cohort beeldvorming longkanker");
        let none = DatasetDraft { title_en: String::new(), title_nl: " ".into(), ..draft() };
        assert_eq!(Dataset::validate(none).unwrap_err()[0].reason, Reason::GiveOneOf { choices: "title_en, title_nl" });
    }

    #[test]
    fn more_individuals_than_records_and_a_period_that_ends_before_it_starts_are_refused() {
        let bad = DatasetDraft {
            number_of_unique_individuals: "5000".into(),
            temporal_start: "2025-01-01".into(),
            ..draft()
        };
        let fields: Vec<_> = Dataset::validate(bad).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["number_of_unique_individuals", "temporal_start"]);
    }

    #[test]
    fn contact_points_are_mail_addresses() {
        assert!(Dataset::validate(DatasetDraft { contact_point: "data@example.org".into(), ..draft() }).is_ok());
        for bad in ["", "https://example.org/contact", "javascript:alert(1)", "data@", "@example.org"] {
            let errors = Dataset::validate(DatasetDraft { contact_point: bad.into(), ..draft() }).unwrap_err();
            assert_eq!(errors[0].field, "contact_point", "{bad}");
        }
    }

    #[test]
    fn health_ri_asks_for_keywords_themes_and_whole_distributions() {
        let bare = DatasetDraft { keywords_en: String::new(), themes: " ".into(), ..draft() };
        let fields: Vec<_> = Dataset::validate(bare).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["keywords_en", "themes"]);
        for line in [
            "DICOM | https://data.example.org/lung",
            "CT | DICOM | https://data.example.org/lung | | 100",
            "CT | DICOM | https://data.example.org/lung | https://creativecommons.org/licenses/by/4.0/ | many",
            " | DICOM | https://data.example.org/lung | https://creativecommons.org/licenses/by/4.0/ | 100",
        ] {
            let errors = Dataset::validate(DatasetDraft { distributions: line.into(), ..draft() }).unwrap_err();
            assert_eq!(errors[0].field, "distributions", "{line}");
        }
        let dataset = Dataset::validate(draft()).unwrap();
        assert_eq!(Distribution::to_line(&dataset.distributions[1]), "Clinical data | CSV | https://data.example.org/lung.csv | https://creativecommons.org/licenses/by/4.0/ | 81920");
    }

    #[test]
    fn an_access_body_comes_with_its_mail_address_and_website() {
        let named_only = DatasetDraft { access_body: "Health-RI".into(), ..draft() };
        let fields: Vec<_> = Dataset::validate(named_only).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["access_body_email", "access_body_website"]);
        let whole = DatasetDraft {
            access_body: "Health-RI".into(),
            access_body_email: "access@health-ri.example".into(),
            access_body_website: "https://www.health-ri.nl".into(),
            ..draft()
        };
        assert!(Dataset::validate(whole).is_ok());
    }

    #[test]
    fn terms_in_free_text_are_refused_per_field() {
        let bad = DatasetDraft {
            coding_systems: "our own".into(),
            code_values: "C34".into(),
            purpose: "finding cures".into(),
            ..draft()
        };
        let fields: Vec<_> = Dataset::validate(bad).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["purpose", "coding_systems", "code_values"]);
    }
}
