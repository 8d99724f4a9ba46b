//! A vacancy: a position an organisation of the region fills, with what EURAXESS and
//! schema.org's JobPosting carry. It is listed until its application deadline (in the
//! region's date), or until its owner marks it filled; then its page stays and says so.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::account::Email;
use crate::choice::{entries, ids, one_of};
use crate::consortium::countries;
use crate::content::{Item, Kind, Reference, SearchDocument, Written, PROGRAMME, VACANCY};
use crate::language::{Bilingual, Language};
use crate::record::Versioned;
use crate::validation::{optional_date, optional_language_text, optional_line, text, Checks, Reason, ValidationError};

pub const TITLE_MAX_CHARS: usize = 200;
pub const DESCRIPTION_MAX_CHARS: usize = 20_000;
const LINE_MAX_CHARS: usize = 120;
pub const MAX_PLACES: usize = 10;
pub const MAX_LANGUAGES: usize = 10;
pub const MAX_COUNTRIES: usize = 60;
pub const MAX_POSITIONS: u32 = 100;
pub const MAX_HOURS: u32 = 60;
/// Fifty years, in months: more is a typing error.
pub const MAX_EXPERIENCE_MONTHS: u32 = 600;
/// Ten million euro a year: more is a typing error.
pub const MAX_SALARY: u32 = 10_000_000;

/// The European Framework for Research Careers' profiles, where a position is a researcher's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ResearcherProfile {
    /// First stage researcher (up to the point of PhD).
    R1,
    /// Recognised researcher (PhD holders not yet fully independent).
    R2,
    /// Established researcher (independent).
    R3,
    /// Leading researcher.
    R4,
}
ids!(ResearcherProfile { R1 => "r1", R2 => "r2", R3 => "r3", R4 => "r4" });

/// The contract, as EURAXESS names it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ContractType {
    #[default]
    Permanent,
    FixedTerm,
    ToBeDefined,
}
ids!(ContractType { Permanent => "permanent", FixedTerm => "fixed-term", ToBeDefined => "to-be-defined" });

/// schema.org's `employmentType` values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EmploymentType {
    #[default]
    FullTime,
    PartTime,
    Contractor,
    Temporary,
    Intern,
}
ids!(EmploymentType {
    FullTime => "full-time",
    PartTime => "part-time",
    Contractor => "contractor",
    Temporary => "temporary",
    Intern => "intern",
});

impl EmploymentType {
    /// The value Google's JobPosting asks for.
    pub fn schema_org(self) -> &'static str {
        match self {
            EmploymentType::FullTime => "FULL_TIME",
            EmploymentType::PartTime => "PART_TIME",
            EmploymentType::Contractor => "CONTRACTOR",
            EmploymentType::Temporary => "TEMPORARY",
            EmploymentType::Intern => "INTERN",
        }
    }
}

/// Where the work is done.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Workplace {
    /// At the places of work only.
    #[default]
    OnSite,
    /// Partly at the places of work, partly remote.
    Hybrid,
    /// Fully remote, from the countries applicants may live in.
    Remote,
}
ids!(Workplace { OnSite => "on-site", Hybrid => "hybrid", Remote => "remote" });

/// The education a position requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Education {
    Secondary,
    Vocational,
    Bachelor,
    Master,
    Doctorate,
}
ids!(Education {
    Secondary => "secondary",
    Vocational => "vocational",
    Bachelor => "bachelor",
    Master => "master",
    Doctorate => "doctorate",
});

impl Education {
    /// schema.org's `credentialCategory` as Google reads it.
    pub fn credential_category(self) -> &'static str {
        match self {
            Education::Secondary => "high school",
            Education::Vocational => "professional certificate",
            Education::Bachelor => "bachelor degree",
            Education::Master | Education::Doctorate => "postgraduate degree",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SalaryUnit {
    #[default]
    Month,
    Year,
}
ids!(SalaryUnit { Month => "month", Year => "year" });

impl SalaryUnit {
    /// schema.org's `unitText`.
    pub fn schema_org(self) -> &'static str {
        match self {
            SalaryUnit::Month => "MONTH",
            SalaryUnit::Year => "YEAR",
        }
    }
}

/// Gross pay in whole euro, from `min` to `max` per `unit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Salary {
    pub min: u32,
    pub max: u32,
    pub unit: SalaryUnit,
}

/// A place the work is done: a town and its country (ISO 3166-1 alpha-2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkPlace {
    pub locality: String,
    pub country: String,
}

impl WorkPlace {
    /// `Amsterdam` (in the Netherlands) or `Leuven, BE`.
    fn parse(text: &str) -> Result<Self, ValidationError> {
        let refused = || ValidationError::new("places", Reason::NotOneLine);
        let (locality, country) = match text.rsplit_once(',') {
            Some((locality, code)) => {
                let country = countries::normalise(code).ok_or_else(|| {
                    ValidationError::new("places", Reason::NotCountryCode { value: code.trim().to_owned() })
                })?;
                (locality.trim(), country)
            }
            None => (text.trim(), "NL".to_owned()),
        };
        let locality = optional_line("places", locality, LINE_MAX_CHARS)?.ok_or_else(refused)?;
        Ok(WorkPlace { locality, country })
    }

    fn to_line(&self) -> String {
        format!("{}, {}", self.locality, self.country)
    }
}

/// A language and the level asked, on the Common European Framework's scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageSkill {
    /// ISO 639-1, lower case.
    pub language: String,
    /// A1 to C2.
    pub level: String,
}

impl LanguageSkill {
    const LEVELS: [&'static str; 6] = ["A1", "A2", "B1", "B2", "C1", "C2"];

    /// `en C1`.
    fn parse(text: &str) -> Result<Self, ValidationError> {
        let refused = || ValidationError::new("languages", Reason::NotLanguageLevel { value: text.to_owned() });
        let (language, level) = text.split_once(char::is_whitespace).ok_or_else(refused)?;
        let language = language.trim().to_ascii_lowercase();
        let level = level.trim().to_ascii_uppercase();
        if language.len() != 2 || !language.bytes().all(|b| b.is_ascii_lowercase()) || !Self::LEVELS.contains(&&*level)
        {
            return Err(refused());
        }
        Ok(LanguageSkill { language, level })
    }
}

/// How to apply: at an address on the web, or by e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApplyBy {
    Url(String),
    Email(String),
}

impl Default for ApplyBy {
    fn default() -> Self {
        ApplyBy::Url(String::new())
    }
}

impl ApplyBy {
    fn parse(text: &str) -> Result<Self, ValidationError> {
        let refused = || ValidationError::new("apply", Reason::NotWebOrEmail { value: text.trim().to_owned() });
        let value = text.trim();
        if value.is_empty() {
            return Err(ValidationError::new("apply", Reason::Empty));
        }
        match url::Url::parse(value) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(ApplyBy::Url(value.to_owned())),
            Ok(u) if u.scheme() == "mailto" => {
                Email::parse(u.path()).map(|e| ApplyBy::Email(e.as_str().to_owned())).map_err(|_| refused())
            }
            Ok(_) => Err(refused()),
            Err(_) => Email::parse(value).map(|e| ApplyBy::Email(e.as_str().to_owned())).map_err(|_| refused()),
        }
    }

    /// The link an applicant follows.
    pub fn href(&self) -> String {
        match self {
            ApplyBy::Url(url) => url.clone(),
            ApplyBy::Email(address) => format!("mailto:{address}"),
        }
    }

    pub fn text(&self) -> &str {
        match self {
            ApplyBy::Url(text) | ApplyBy::Email(text) => text,
        }
    }
}

/// A vacancy as stored (record version 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Vacancy {
    pub title: Bilingual,
    pub description: Bilingual,
    #[serde(default)]
    pub researcher_profiles: Vec<ResearcherProfile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub research_field: Option<String>,
    pub contract: ContractType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_per_week: Option<u32>,
    pub employment_type: EmploymentType,
    pub positions: u32,
    #[serde(default)]
    pub places: Vec<WorkPlace>,
    pub workplace: Workplace,
    /// Where applicants may live, for remote and hybrid work (ISO 3166-1 alpha-2 codes).
    #[serde(default)]
    pub applicant_countries: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub education: Option<Education>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experience_months: Option<u32>,
    #[serde(default)]
    pub languages: Vec<LanguageSkill>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salary: Option<Salary>,
    /// A collective agreement's scale, e.g. "CAO NU schaal 10".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salary_scale: Option<String>,
    /// The EU programme that funds it (e.g. MSCA Doctoral Networks); none if not EU-funded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eu_funding: Option<String>,
    /// The last day to apply, in the region's date.
    pub deadline: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_on: Option<NaiveDate>,
    pub apply: ApplyBy,
    /// The address name of the talent programme it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub programme: Option<String>,
    /// The day its owner marked it filled; set by filling, never by the form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filled_on: Option<NaiveDate>,
}

impl Versioned for Vacancy {
    const RECORD_VERSION: u32 = 1;
}

/// A vacancy as a member submits it: one text per field, as a form and a JSON body send them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VacancyDraft {
    pub title_en: String,
    pub title_nl: String,
    pub description_en: String,
    pub description_nl: String,
    /// R1 to R4, separated by commas.
    pub researcher_profiles: String,
    pub research_field: String,
    pub contract: String,
    pub hours_per_week: String,
    pub employment_type: String,
    pub positions: String,
    /// One per line: `Amsterdam` or `Leuven, BE`.
    pub places: String,
    pub workplace: String,
    /// ISO country codes, separated by commas.
    pub applicant_countries: String,
    pub education: String,
    pub experience_months: String,
    /// `en C1, nl B2`.
    pub languages: String,
    pub salary_min: String,
    pub salary_max: String,
    pub salary_unit: String,
    pub salary_scale: String,
    pub eu_funding: String,
    pub deadline: String,
    pub starts_on: String,
    /// A web address or an e-mail address.
    pub apply: String,
    pub programme: String,
}

fn whole(field: &'static str, text: &str, min: u32, max: u32) -> Result<Option<u32>, ValidationError> {
    let Some(value) = crate::validation::text(text) else { return Ok(None) };
    match value.replace([' ', '_'], "").parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
        _ => {
            Err(ValidationError::new(field, Reason::NotWholeNumberInRange { min: i64::from(min), max: i64::from(max) }))
        }
    }
}

fn optional<T: Copy>(
    field: &'static str,
    value: &str,
    all: &[T],
    id: impl Fn(T) -> &'static str,
) -> Result<Option<T>, ValidationError> {
    match text(value) {
        None => Ok(None),
        Some(value) => one_of(field, &value, all, id).map(Some),
    }
}

fn list<T>(
    field: &'static str,
    values: Vec<String>,
    max: usize,
    parse: impl Fn(&str) -> Result<T, ValidationError>,
) -> Result<Vec<T>, ValidationError> {
    if values.len() > max {
        return Err(ValidationError::new(field, Reason::TooManyEntries { max }));
    }
    values.iter().map(|v| parse(v)).collect()
}

impl Written for Vacancy {
    const KIND: &'static Kind = &VACANCY;
    const ENDS_BY: Option<&'static str> = Some("deadline");
    type Draft = VacancyDraft;

    fn validate(d: VacancyDraft) -> Result<Self, Vec<ValidationError>> {
        let mut c = Checks::default();
        let title = Bilingual {
            en: c.take(optional_language_text("title_en", &d.title_en, TITLE_MAX_CHARS, true)),
            nl: c.take(optional_language_text("title_nl", &d.title_nl, TITLE_MAX_CHARS, true)),
        };
        if title.en.is_none() && title.nl.is_none() && text(&d.title_en).is_none() && text(&d.title_nl).is_none() {
            c.refuse("title_en", Reason::GiveOneOf { choices: "title_en, title_nl" });
        }
        let description = Bilingual {
            en: c.take(optional_language_text("description_en", &d.description_en, DESCRIPTION_MAX_CHARS, false)),
            nl: c.take(optional_language_text("description_nl", &d.description_nl, DESCRIPTION_MAX_CHARS, false)),
        };
        if text(&d.description_en).is_none() && text(&d.description_nl).is_none() {
            c.refuse("description_en", Reason::GiveOneOf { choices: "description_en, description_nl" });
        }
        let mut researcher_profiles = c.take(list("researcher_profiles", entries(&d.researcher_profiles), 4, |v| {
            one_of("researcher_profiles", &v.to_ascii_lowercase(), ResearcherProfile::ALL, ResearcherProfile::id)
        }));
        researcher_profiles.sort_by_key(|p| p.id());
        researcher_profiles.dedup();
        let research_field = c.take(optional_line("research_field", &d.research_field, LINE_MAX_CHARS));
        let contract =
            c.take(optional("contract", &d.contract, ContractType::ALL, ContractType::id)).unwrap_or_default();
        let hours_per_week = c.take(whole("hours_per_week", &d.hours_per_week, 1, MAX_HOURS));
        let employment_type = c
            .take(optional("employment_type", &d.employment_type, EmploymentType::ALL, EmploymentType::id))
            .unwrap_or_default();
        let positions = c.take(whole("positions", &d.positions, 1, MAX_POSITIONS)).unwrap_or(1);
        let place_lines = d.places.split(['\n', '\r', ';']).map(str::trim).filter(|l| !l.is_empty());
        let places = c.take(list("places", place_lines.map(str::to_owned).collect(), MAX_PLACES, WorkPlace::parse));
        let workplace = c.take(optional("workplace", &d.workplace, Workplace::ALL, Workplace::id)).unwrap_or_default();
        let mut applicant_countries =
            c.take(list("applicant_countries", entries(&d.applicant_countries), MAX_COUNTRIES, |code| {
                countries::normalise(code).ok_or_else(|| {
                    ValidationError::new("applicant_countries", Reason::NotCountryCode { value: code.to_owned() })
                })
            }));
        applicant_countries.dedup();
        match workplace {
            Workplace::OnSite | Workplace::Hybrid if places.is_empty() && !c.0.iter().any(|e| e.field == "places") => {
                c.refuse("places", Reason::Empty);
            }
            Workplace::Remote
                if applicant_countries.is_empty() && !c.0.iter().any(|e| e.field == "applicant_countries") =>
            {
                c.refuse("applicant_countries", Reason::Empty);
            }
            _ => {}
        }
        let education = c.take(optional("education", &d.education, Education::ALL, Education::id));
        let experience_months = c.take(whole("experience_months", &d.experience_months, 0, MAX_EXPERIENCE_MONTHS));
        let languages = c.take(list("languages", entries(&d.languages), MAX_LANGUAGES, LanguageSkill::parse));
        let salary_min = c.take(whole("salary_min", &d.salary_min, 0, MAX_SALARY));
        let salary_max = c.take(whole("salary_max", &d.salary_max, 0, MAX_SALARY));
        let salary_unit =
            c.take(optional("salary_unit", &d.salary_unit, SalaryUnit::ALL, SalaryUnit::id)).unwrap_or_default();
        let salary = match (salary_min, salary_max) {
            (Some(min), Some(max)) if min > max => {
                c.refuse("salary_min", Reason::MoreThan { other: "salary_max" });
                None
            }
            (Some(min), max) => Some(Salary { min, max: max.unwrap_or(min), unit: salary_unit }),
            (None, Some(_)) => {
                c.refuse("salary_min", Reason::Empty);
                None
            }
            (None, None) => None,
        };
        let salary_scale = c.take(optional_line("salary_scale", &d.salary_scale, LINE_MAX_CHARS));
        let eu_funding = c.take(optional_line("eu_funding", &d.eu_funding, LINE_MAX_CHARS));
        let deadline = c.take(optional_date("deadline", &d.deadline));
        if deadline.is_none() && text(&d.deadline).is_none() {
            c.refuse("deadline", Reason::Empty);
        }
        let starts_on = c.take(optional_date("starts_on", &d.starts_on));
        let apply = c.take(ApplyBy::parse(&d.apply));
        let programme = text(&d.programme);
        if let Some(slug) = &programme {
            if crate::text::slugify(slug) != *slug {
                c.refuse("programme", Reason::NotAddressName { value: slug.clone() });
            }
        }
        c.finish(Vacancy {
            title,
            description,
            researcher_profiles,
            research_field,
            contract,
            hours_per_week,
            employment_type,
            positions,
            places,
            workplace,
            applicant_countries,
            education,
            experience_months,
            languages,
            salary,
            salary_scale,
            eu_funding,
            deadline: deadline.unwrap_or_default(),
            starts_on,
            apply,
            programme,
            filled_on: None,
        })
    }

    fn to_draft(&self) -> VacancyDraft {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        let number = |value: Option<u32>| value.map(|n| n.to_string()).unwrap_or_default();
        VacancyDraft {
            title_en: text(&self.title.en),
            title_nl: text(&self.title.nl),
            description_en: text(&self.description.en),
            description_nl: text(&self.description.nl),
            researcher_profiles: self
                .researcher_profiles
                .iter()
                .map(|p| p.id().to_ascii_uppercase())
                .collect::<Vec<_>>()
                .join(", "),
            research_field: text(&self.research_field),
            contract: self.contract.id().to_owned(),
            hours_per_week: number(self.hours_per_week),
            employment_type: self.employment_type.id().to_owned(),
            positions: self.positions.to_string(),
            places: self.places.iter().map(WorkPlace::to_line).collect::<Vec<_>>().join("\n"),
            workplace: self.workplace.id().to_owned(),
            applicant_countries: self.applicant_countries.join(", "),
            education: self.education.map(|e| e.id().to_owned()).unwrap_or_default(),
            experience_months: number(self.experience_months),
            languages: self
                .languages
                .iter()
                .map(|l| format!("{} {}", l.language, l.level))
                .collect::<Vec<_>>()
                .join(", "),
            salary_min: number(self.salary.map(|s| s.min)),
            salary_max: number(self.salary.map(|s| s.max)),
            salary_unit: self.salary.map(|s| s.unit.id().to_owned()).unwrap_or_default(),
            salary_scale: text(&self.salary_scale),
            eu_funding: text(&self.eu_funding),
            deadline: self.deadline.to_string(),
            starts_on: self.starts_on.map(|d| d.to_string()).unwrap_or_default(),
            apply: self.apply.text().to_owned(),
            programme: text(&self.programme),
        }
    }

    fn title(&self) -> &str {
        self.title.get(Language::En)
    }

    fn language(&self) -> Option<Language> {
        None
    }

    fn facets(&self) -> Vec<(&'static str, String)> {
        let mut facets = vec![
            ("employment", self.employment_type.id().to_owned()),
            ("workplace", self.workplace.id().to_owned()),
            ("status", if self.filled_on.is_some() { "filled" } else { "open" }.to_owned()),
        ];
        facets.extend(self.researcher_profiles.iter().map(|p| ("profile", p.id().to_owned())));
        facets.extend(self.programme.clone().map(|p| ("programme", p)));
        facets.extend(self.eu_funding.as_ref().map(|_| ("eu-funded", "yes".to_owned())));
        facets
    }

    fn references(&self) -> Vec<Reference> {
        self.programme
            .iter()
            .map(|slug| Reference::Item { field: "programme", kind: &PROGRAMME, slug: slug.clone() })
            .collect()
    }

    fn carry_over(&mut self, previous: &Self) {
        self.filled_on = previous.filled_on;
    }

    fn ends_on(&self) -> Option<NaiveDate> {
        let filled = self.filled_on.and_then(|day| day.checked_sub_days(Days::new(1)));
        Some(filled.map_or(self.deadline, |day| day.min(self.deadline)))
    }

    fn check_dates(draft: &VacancyDraft, previous: Option<&Self>, today: NaiveDate) -> Vec<ValidationError> {
        let entered = |field: &'static str, text: &str, before: Option<NaiveDate>| {
            optional_date(field, text)
                .ok()
                .flatten()
                .filter(|date| *date < today && before != Some(*date))
                .map(|date| ValidationError::new(field, Reason::InThePast { value: date.to_string() }))
        };
        let mut errors: Vec<ValidationError> = Vec::new();
        errors.extend(entered("deadline", &draft.deadline, previous.map(|p| p.deadline)));
        errors.extend(entered("starts_on", &draft.starts_on, previous.and_then(|p| p.starts_on)));
        errors
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        let d = self.to_draft();
        vec![
            ("title_en", d.title_en),
            ("title_nl", d.title_nl),
            ("description_en", d.description_en),
            ("description_nl", d.description_nl),
            ("researcher_profiles", d.researcher_profiles),
            ("research_field", d.research_field),
            ("contract", d.contract),
            ("hours_per_week", d.hours_per_week),
            ("employment_type", d.employment_type),
            ("positions", d.positions),
            ("places", d.places),
            ("workplace", d.workplace),
            ("applicant_countries", d.applicant_countries),
            ("education", d.education),
            ("experience_months", d.experience_months),
            ("languages", d.languages),
            ("salary_min", d.salary_min),
            ("salary_max", d.salary_max),
            ("salary_unit", d.salary_unit),
            ("salary_scale", d.salary_scale),
            ("eu_funding", d.eu_funding),
            ("deadline", d.deadline),
            ("starts_on", d.starts_on),
            ("apply", d.apply),
            ("programme", d.programme),
            ("filled_on", self.filled_on.map(|d| d.to_string()).unwrap_or_default()),
        ]
    }

    fn search_document(item: &Item<Self>) -> SearchDocument {
        let record = &item.record;
        let mut aliases: Vec<String> = record.title.both().skip(1).map(str::to_owned).collect();
        aliases.extend(record.research_field.clone());
        aliases.extend(record.places.iter().map(|p| p.locality.clone()));
        aliases.extend(record.eu_funding.clone());
        aliases.push(item.owner.name.clone());
        let mut facets = record.facets();
        facets.push(("organisation", item.owner.slug.clone()));
        SearchDocument {
            entity: &VACANCY,
            id: item.slug.clone(),
            key: item.slug.clone(),
            title: record.title.both().next().unwrap_or_default().to_owned(),
            aliases,
            legal_names: Vec::new(),
            body: record.description.both().collect::<Vec<_>>().join("\n"),
            facets,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    pub(crate) fn draft() -> VacancyDraft {
        VacancyDraft {
            title_en: "PhD candidate in AI for radiology".into(),
            description_en: "Deep learning on chest CT, with the radiology department.".into(),
            researcher_profiles: "R1".into(),
            research_field: "Medical imaging".into(),
            contract: "fixed-term".into(),
            hours_per_week: "38".into(),
            employment_type: "full-time".into(),
            positions: "2".into(),
            places: "Amsterdam\nLeuven, be".into(),
            workplace: "hybrid".into(),
            applicant_countries: "NL, BE".into(),
            education: "master".into(),
            experience_months: "0".into(),
            languages: "en C1, NL b1".into(),
            salary_min: "2901".into(),
            salary_max: "3707".into(),
            salary_unit: "month".into(),
            salary_scale: "CAO NU PhD".into(),
            eu_funding: "MSCA Doctoral Networks".into(),
            deadline: "2027-02-01".into(),
            starts_on: "2027-04-01".into(),
            apply: "https://werkenbij.example.nl/phd-ai".into(),
            ..VacancyDraft::default()
        }
    }

    #[test]
    fn a_draft_becomes_a_record_and_back() {
        let record = Vacancy::validate(draft()).expect("valid");
        assert_eq!(record.places[1], WorkPlace { locality: "Leuven".into(), country: "BE".into() });
        assert_eq!(record.languages[1], LanguageSkill { language: "nl".into(), level: "B1".into() });
        assert_eq!(record.salary, Some(Salary { min: 2901, max: 3707, unit: SalaryUnit::Month }));
        assert_eq!(Vacancy::validate(record.to_draft()), Ok(record.clone()));
        let by_mail = Vacancy::validate(VacancyDraft { apply: "mailto:jobs@example.nl".into(), ..draft() }).unwrap();
        assert_eq!(by_mail.apply, ApplyBy::Email("jobs@example.nl".into()));
        assert_eq!(by_mail.apply.href(), "mailto:jobs@example.nl");
    }

    #[test]
    fn every_refused_field_is_named() {
        let bad = VacancyDraft {
            title_en: String::new(),
            researcher_profiles: "R5".into(),
            hours_per_week: "80".into(),
            employment_type: "volunteer".into(),
            places: "Amsterdam, XX".into(),
            languages: "english".into(),
            salary_min: "5000".into(),
            salary_max: "4000".into(),
            deadline: "1 February".into(),
            apply: "call us".into(),
            ..draft()
        };
        let fields: Vec<_> = Vacancy::validate(bad).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "title_en",
                "researcher_profiles",
                "hours_per_week",
                "employment_type",
                "places",
                "languages",
                "salary_min",
                "deadline",
                "apply"
            ]
        );
        let remote = VacancyDraft { workplace: "remote".into(), applicant_countries: String::new(), ..draft() };
        assert_eq!(Vacancy::validate(remote).unwrap_err()[0].field, "applicant_countries");
        let nowhere = VacancyDraft { places: String::new(), ..draft() };
        assert_eq!(Vacancy::validate(nowhere).unwrap_err()[0].field, "places");
        let no_deadline = VacancyDraft { deadline: String::new(), ..draft() };
        assert_eq!(Vacancy::validate(no_deadline).unwrap_err()[0].field, "deadline");
    }

    #[test]
    fn dates_entered_must_not_have_passed() {
        let fields = |previous: Option<&Vacancy>, today| -> Vec<&str> {
            Vacancy::check_dates(&draft(), previous, today).iter().map(|e| e.field).collect()
        };
        assert!(fields(None, day(2027, 1, 15)).is_empty());
        assert_eq!(fields(None, day(2027, 3, 1)), ["deadline"]);
        assert_eq!(fields(None, day(2027, 5, 1)), ["deadline", "starts_on"]);
        // An edit after the start keeps the dates it does not change.
        let record = Vacancy::validate(draft()).unwrap();
        assert!(fields(Some(&record), day(2027, 5, 1)).is_empty());
    }

    #[test]
    fn it_ends_at_its_deadline_or_the_day_before_it_was_filled() {
        let mut record = Vacancy::validate(draft()).unwrap();
        assert_eq!(record.ends_on(), Some(day(2027, 2, 1)));
        record.filled_on = Some(day(2027, 1, 10));
        assert_eq!(record.ends_on(), Some(day(2027, 1, 9)));
        record.filled_on = Some(day(2027, 3, 10));
        assert_eq!(record.ends_on(), Some(day(2027, 2, 1)));
        let mut edited = Vacancy::validate(record.to_draft()).unwrap();
        edited.carry_over(&record);
        assert_eq!(edited.filled_on, record.filled_on, "an edit keeps the filling");
    }
}
