//! Talent: vacancies of the region's organisations, as EURAXESS and schema.org's
//! JobPosting describe them, and the talent programmes (PhD tracks, fellowships, courses)
//! they belong to. Both are member-written kinds of the content kernel.

pub mod alerts;
pub mod figures;
pub mod matching;
pub mod profile;
pub mod programme;
pub mod vacancy;

pub use alerts::OpeningSearch;
pub use figures::{PostedVacancy, SectorVacancies};
pub use matching::{Fit, FitReason};
pub use profile::{CareerStage, Orcid, TalentProfile, TalentProfileDraft};
pub use programme::{Programme, ProgrammeDraft, ProgrammeType};
pub use vacancy::{
    ApplyBy, ContractType, Education, EmploymentType, LanguageSkill, ResearcherProfile, Salary, SalaryUnit, Vacancy,
    VacancyDraft, WorkPlace, Workplace,
};

use crate::validation::{Reason, ValidationError};

/// Reads one of a fixed set of ids, naming them all when the value is none of them.
pub(crate) fn one_of<T: Copy>(
    field: &'static str,
    value: &str,
    all: &[T],
    id: impl Fn(T) -> &'static str,
) -> Result<T, ValidationError> {
    let value = value.trim();
    all.iter().copied().find(|x| id(*x) == value).ok_or_else(|| {
        let allowed = all.iter().map(|x| id(*x)).collect::<Vec<_>>().join(", ");
        ValidationError::new(field, Reason::NotOneOf { value: value.to_owned(), allowed })
    })
}

/// Entries separated by commas or new lines, trimmed, repeats kept once.
pub(crate) fn entries(text: &str) -> Vec<String> {
    let mut values: Vec<String> = Vec::new();
    for value in text.split([',', '\n', '\r']).map(str::trim).filter(|v| !v.is_empty()) {
        if !values.iter().any(|v| v.eq_ignore_ascii_case(value)) {
            values.push(value.to_owned());
        }
    }
    values
}
