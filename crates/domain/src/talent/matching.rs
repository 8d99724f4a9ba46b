//! How well a talent profile and a vacancy or programme fit, both ways, with the reasons a
//! person or a recruiter reads: the skills and fields the text names, the career stage, the
//! kind of employment, the place and the start. Pure rules; the date comes in as `today`.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::profile::{CareerStage, TalentProfile};
use super::programme::{Programme, ProgrammeType};
use super::vacancy::{ResearcherProfile, Vacancy, Workplace};
use crate::text::fold;

/// Why a profile and an opening fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FitReason {
    /// Skills and fields of the profile that the opening's text names.
    Terms(Vec<String>),
    /// The profile's career stage is one the opening is for.
    CareerStage(CareerStage),
    /// The kind of employment the person wants.
    Employment,
    /// A place the person would work in, or remote work.
    Place(String),
    /// Available by the start.
    AvailableByStart(NaiveDate),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub score: f32,
    pub reasons: Vec<FitReason>,
}

fn words(text: &str) -> HashSet<String> {
    fold(text).split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() > 1).map(str::to_owned).collect()
}

/// The profile's skills and fields whose every word the text holds.
fn shared_terms(profile: &TalentProfile, text: &str) -> Vec<String> {
    let text = words(text);
    profile
        .skills
        .iter()
        .chain(&profile.fields)
        .filter(|term| {
            let term = words(term);
            !term.is_empty() && term.iter().all(|w| text.contains(w))
        })
        .cloned()
        .collect()
}

fn stage_fits(stage: CareerStage, profiles: &[ResearcherProfile]) -> bool {
    let wanted = match stage {
        CareerStage::R1 | CareerStage::Student => ResearcherProfile::R1,
        CareerStage::R2 => ResearcherProfile::R2,
        CareerStage::R3 => ResearcherProfile::R3,
        CareerStage::R4 => ResearcherProfile::R4,
        CareerStage::Professional => return false,
    };
    profiles.contains(&wanted)
}

/// How `profile` fits `vacancy`; `None` when the vacancy names none of its skills or fields.
pub fn vacancy_fit(profile: &TalentProfile, vacancy: &Vacancy) -> Option<Fit> {
    let text: Vec<&str> =
        vacancy.title.both().chain(vacancy.description.both()).chain(vacancy.research_field.as_deref()).collect();
    let terms = shared_terms(profile, &text.join(" "));
    if terms.is_empty() {
        return None;
    }
    let mut score = 2.0 * terms.len() as f32;
    let mut reasons = vec![FitReason::Terms(terms)];
    if stage_fits(profile.career_stage, &vacancy.researcher_profiles) {
        score += 1.5;
        reasons.push(FitReason::CareerStage(profile.career_stage));
    }
    if profile.employment_types.contains(&vacancy.employment_type) {
        score += 0.5;
        reasons.push(FitReason::Employment);
    }
    let wanted: Vec<String> = profile.places.iter().map(|p| fold(p)).collect();
    if let Some(place) = vacancy.places.iter().find(|p| wanted.contains(&fold(&p.locality))) {
        score += 1.0;
        reasons.push(FitReason::Place(place.locality.clone()));
    } else if vacancy.workplace == Workplace::Remote {
        score += 0.5;
        reasons.push(FitReason::Place("remote".into()));
    }
    if let (Some(available), Some(start)) = (profile.available_from, vacancy.starts_on) {
        if available <= start {
            score += 0.5;
            reasons.push(FitReason::AvailableByStart(start));
        }
    }
    Some(Fit { score, reasons })
}

/// How `profile` fits `programme`; `None` when it names none of the profile's skills or
/// fields.
pub fn programme_fit(profile: &TalentProfile, programme: &Programme) -> Option<Fit> {
    let text: Vec<&str> =
        programme.title.both().chain(programme.description.both()).chain(programme.eligibility.both()).collect();
    let terms = shared_terms(profile, &text.join(" "));
    if terms.is_empty() {
        return None;
    }
    let mut score = 2.0 * terms.len() as f32;
    let mut reasons = vec![FitReason::Terms(terms)];
    let stage_fits = match programme.programme_type {
        ProgrammeType::PhdTrack => matches!(profile.career_stage, CareerStage::Student | CareerStage::R1),
        ProgrammeType::Fellowship => matches!(profile.career_stage, CareerStage::R2 | CareerStage::R3),
        ProgrammeType::Traineeship | ProgrammeType::SummerSchool => {
            matches!(profile.career_stage, CareerStage::Student | CareerStage::R1 | CareerStage::Professional)
        }
        ProgrammeType::Course | ProgrammeType::AiForHealth => false,
    };
    if stage_fits {
        score += 1.5;
        reasons.push(FitReason::CareerStage(profile.career_stage));
    }
    Some(Fit { score, reasons })
}

/// The items that fit best first, at most `limit`.
pub fn best<T>(mut fits: Vec<(T, Fit)>, limit: usize) -> Vec<(T, Fit)> {
    fits.sort_by(|a, b| b.1.score.total_cmp(&a.1.score));
    fits.truncate(limit);
    fits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Written;
    use crate::talent::{ProgrammeDraft, TalentProfileDraft, VacancyDraft};

    fn profile() -> TalentProfile {
        TalentProfile::validate(TalentProfileDraft {
            career_stage: "r1".into(),
            skills: "deep learning, PyTorch, radiology".into(),
            employment_types: "full-time".into(),
            places: "Amsterdam".into(),
            available_from: "2027-03-01".into(),
            ..TalentProfileDraft::default()
        })
        .expect("profile")
    }

    fn vacancy(description: &str) -> Vacancy {
        Vacancy::validate(VacancyDraft {
            title_en: "PhD position".into(),
            description_en: description.into(),
            researcher_profiles: "R1".into(),
            places: "Amsterdam".into(),
            deadline: "2027-02-01".into(),
            starts_on: "2027-04-01".into(),
            apply: "https://example.org".into(),
            ..VacancyDraft::default()
        })
        .expect("vacancy")
    }

    #[test]
    fn a_vacancy_that_names_the_skills_fits_with_every_reason() {
        let fit = vacancy_fit(&profile(), &vacancy("Deep-learning models in PyTorch for chest CT.")).expect("fits");
        assert_eq!(fit.reasons[0], FitReason::Terms(vec!["deep learning".into(), "PyTorch".into()]));
        assert!(fit.reasons.contains(&FitReason::CareerStage(CareerStage::R1)));
        assert!(fit.reasons.contains(&FitReason::Place("Amsterdam".into())));
        assert!(fit.reasons.contains(&FitReason::Employment));
        assert!(matches!(fit.reasons.last(), Some(FitReason::AvailableByStart(_))));
        assert!(vacancy_fit(&profile(), &vacancy("Wet-lab work on organoids.")).is_none());
    }

    #[test]
    fn programmes_fit_by_words_and_stage() {
        let programme = Programme::validate(ProgrammeDraft {
            programme_type: "phd-track".into(),
            title_en: "Radiology PhD track".into(),
            description_en: "Four years.".into(),
            eligibility_en: "A master's degree.".into(),
            apply_url: "https://example.org".into(),
            ..ProgrammeDraft::default()
        })
        .expect("programme");
        let fit = programme_fit(&profile(), &programme).expect("fits");
        assert_eq!(fit.reasons.len(), 2);
        let ranked = best(vec![("low", Fit { score: 1.0, reasons: vec![] }), ("high", fit)], 1);
        assert_eq!(ranked[0].0, "high");
    }
}
