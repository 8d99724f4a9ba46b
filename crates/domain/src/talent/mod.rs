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
