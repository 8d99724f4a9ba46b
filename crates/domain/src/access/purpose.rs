//! The applicant's purpose against a dataset's DUO restrictions: it matches, it conflicts,
//! or a person has to check it. The rules follow the Data Use Ontology's definitions: a data
//! use permission (GRU, HMB, DS, POA, NRES) says which research a dataset may serve, and a
//! modifier adds a prohibition (NPOA) or a condition the holder has to confirm (IRB, COL …).

use serde::{Deserialize, Serialize};

/// What the applicant states: DUO codes (`DUO:0000006`) and free text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purpose {
    #[serde(default)]
    pub codes: Vec<String>,
    #[serde(default)]
    pub description: String,
}

pub const NO_RESTRICTION: &str = "DUO:0000004";
pub const GENERAL_RESEARCH: &str = "DUO:0000042";
pub const HEALTH_MEDICAL_BIOMEDICAL: &str = "DUO:0000006";
pub const DISEASE_SPECIFIC: &str = "DUO:0000007";
pub const POPULATION_ORIGINS: &str = "DUO:0000011";
pub const CLINICAL_CARE: &str = "DUO:0000043";
pub const NO_POPULATION_ORIGINS: &str = "DUO:0000044";
/// Not-for-profit or non-commercial use only, and its two halves.
const NON_COMMERCIAL: [&str; 3] = ["DUO:0000018", "DUO:0000045", "DUO:0000046"];
/// Modifiers that put a condition on the user (ethics approval, collaboration, publication,
/// a place, a time, a user, a project, an institution, returning results, genetic studies or
/// no methods research only, research-specific limits): only the holder can confirm them.
const CONDITIONS: [&str; 13] = [
    "DUO:0000012",
    "DUO:0000015",
    "DUO:0000016",
    "DUO:0000019",
    "DUO:0000020",
    "DUO:0000021",
    "DUO:0000022",
    "DUO:0000024",
    "DUO:0000025",
    "DUO:0000026",
    "DUO:0000027",
    "DUO:0000028",
    "DUO:0000029",
];

/// The purposes an applicant can state, in the order forms offer them.
pub const PURPOSES: [&str; 5] =
    [GENERAL_RESEARCH, HEALTH_MEDICAL_BIOMEDICAL, DISEASE_SPECIFIC, POPULATION_ORIGINS, CLINICAL_CARE];
const PERMISSIONS: [&str; 5] =
    [NO_RESTRICTION, GENERAL_RESEARCH, HEALTH_MEDICAL_BIOMEDICAL, DISEASE_SPECIFIC, POPULATION_ORIGINS];

/// Worst last, so that the outcome of several findings is their maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Matches,
    NeedsHumanCheck,
    Conflicts,
}

impl Outcome {
    pub fn id(self) -> &'static str {
        match self {
            Outcome::Matches => "matches",
            Outcome::NeedsHumanCheck => "needs-human-check",
            Outcome::Conflicts => "conflicts",
        }
    }
}

/// Why: each finding names the codes it compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "kebab-case")]
pub enum Finding {
    /// The dataset states no data use permission.
    NoPermissionStated,
    /// The applicant named no purpose code.
    NoPurposeStated,
    /// `restriction` allows research for `purpose`.
    Permits { restriction: String, purpose: String },
    /// No permission of the dataset allows `purpose`.
    NotPermitted { purpose: String },
    /// `restriction` forbids `purpose` outright.
    Prohibits { restriction: String, purpose: String },
    /// Both sides name diseases; whether the applicant's lies within the dataset's is for a
    /// person to judge.
    DiseaseToCompare,
    /// `restriction` puts a condition on the user that the holder confirms.
    Condition { restriction: String },
    /// The applicant declares the use the restriction asks for (non-commercial use).
    Declared { restriction: String },
    /// A code the rules do not know.
    UnknownCode { code: String },
}

impl Finding {
    pub fn outcome(&self) -> Outcome {
        match self {
            Finding::Permits { .. } | Finding::Declared { .. } => Outcome::Matches,
            Finding::NotPermitted { .. } | Finding::Prohibits { .. } => Outcome::Conflicts,
            Finding::NoPermissionStated
            | Finding::NoPurposeStated
            | Finding::DiseaseToCompare
            | Finding::Condition { .. }
            | Finding::UnknownCode { .. } => Outcome::NeedsHumanCheck,
        }
    }
}

/// The purpose against one dataset's restrictions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub outcome: Outcome,
    pub findings: Vec<Finding>,
}

/// Whether research for `purpose` falls under `permission`, by DUO's definitions.
fn permits(permission: &str, purpose: &str) -> bool {
    match permission {
        NO_RESTRICTION => true,
        // General research use covers any research purpose, not clinical care.
        GENERAL_RESEARCH => purpose != CLINICAL_CARE,
        // Health, medical and biomedical research excludes population origins or ancestry.
        HEALTH_MEDICAL_BIOMEDICAL => matches!(purpose, HEALTH_MEDICAL_BIOMEDICAL | DISEASE_SPECIFIC),
        DISEASE_SPECIFIC => purpose == DISEASE_SPECIFIC,
        POPULATION_ORIGINS => purpose == POPULATION_ORIGINS,
        _ => false,
    }
}

/// Compares the applicant's purpose with a dataset's DUO codes.
pub fn assess(purpose: &Purpose, restrictions: &[String]) -> Assessment {
    let mut findings = Vec::new();
    let purposes: Vec<&str> = purpose.codes.iter().map(String::as_str).filter(|code| PURPOSES.contains(code)).collect();
    let permissions: Vec<&str> = restrictions
        .iter()
        .map(String::as_str)
        .filter(|code| PERMISSIONS.contains(code) || *code == CLINICAL_CARE)
        .collect();
    if purposes.is_empty() {
        findings.push(Finding::NoPurposeStated);
    } else if !permissions.iter().any(|code| PERMISSIONS.contains(code)) {
        findings.push(Finding::NoPermissionStated);
    }
    for &wanted in &purposes {
        // Clinical care is allowed by its own modifier or by no restriction at all.
        let by = permissions.iter().find(|&&permission| {
            permits(permission, wanted) || (wanted == CLINICAL_CARE && permission == CLINICAL_CARE)
        });
        match by {
            Some(&permission) => {
                findings.push(Finding::Permits { restriction: permission.to_owned(), purpose: wanted.to_owned() });
                if permission == DISEASE_SPECIFIC {
                    findings.push(Finding::DiseaseToCompare);
                }
            }
            None if permissions.iter().any(|code| PERMISSIONS.contains(code)) => {
                findings.push(Finding::NotPermitted { purpose: wanted.to_owned() })
            }
            None => {}
        }
    }
    for restriction in restrictions {
        let code = restriction.as_str();
        if PERMISSIONS.contains(&code) || code == CLINICAL_CARE {
            continue;
        }
        if code == NO_POPULATION_ORIGINS {
            if purposes.contains(&POPULATION_ORIGINS) {
                findings
                    .push(Finding::Prohibits { restriction: code.to_owned(), purpose: POPULATION_ORIGINS.to_owned() });
            }
        } else if NON_COMMERCIAL.contains(&code) {
            // A declaration of not-for-profit, non-commercial use satisfies each half.
            let declared = purpose.codes.iter().any(|c| c == code || c == NON_COMMERCIAL[0]);
            findings.push(if declared {
                Finding::Declared { restriction: code.to_owned() }
            } else {
                Finding::Condition { restriction: code.to_owned() }
            });
        } else if CONDITIONS.contains(&code) {
            findings.push(Finding::Condition { restriction: code.to_owned() });
        } else {
            findings.push(Finding::UnknownCode { code: code.to_owned() });
        }
    }
    let outcome = findings.iter().map(Finding::outcome).max().unwrap_or(Outcome::NeedsHumanCheck);
    Assessment { outcome, findings }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn purpose(codes: &[&str]) -> Purpose {
        Purpose { codes: codes.iter().map(|c| (*c).to_owned()).collect(), description: String::new() }
    }

    fn restrictions(codes: &[&str]) -> Vec<String> {
        codes.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn health_research_matches_a_health_dataset() {
        let result = assess(&purpose(&[HEALTH_MEDICAL_BIOMEDICAL]), &restrictions(&[HEALTH_MEDICAL_BIOMEDICAL]));
        assert_eq!(result.outcome, Outcome::Matches);
        assert_eq!(
            result.findings,
            vec![Finding::Permits {
                restriction: HEALTH_MEDICAL_BIOMEDICAL.into(),
                purpose: HEALTH_MEDICAL_BIOMEDICAL.into()
            }]
        );
    }

    #[test]
    fn ancestry_research_conflicts_with_health_only_and_with_its_prohibition() {
        let result = assess(&purpose(&[POPULATION_ORIGINS]), &restrictions(&[HEALTH_MEDICAL_BIOMEDICAL]));
        assert_eq!(result.outcome, Outcome::Conflicts);
        let result = assess(&purpose(&[POPULATION_ORIGINS]), &restrictions(&[GENERAL_RESEARCH, NO_POPULATION_ORIGINS]));
        assert_eq!(result.outcome, Outcome::Conflicts);
        assert!(result.findings.contains(&Finding::Prohibits {
            restriction: NO_POPULATION_ORIGINS.into(),
            purpose: POPULATION_ORIGINS.into()
        }));
    }

    #[test]
    fn conditions_diseases_and_silence_need_a_person() {
        let ethics = assess(&purpose(&[HEALTH_MEDICAL_BIOMEDICAL]), &restrictions(&[GENERAL_RESEARCH, "DUO:0000021"]));
        assert_eq!(ethics.outcome, Outcome::NeedsHumanCheck);
        let disease = assess(&purpose(&[DISEASE_SPECIFIC]), &restrictions(&[DISEASE_SPECIFIC]));
        assert_eq!(disease.outcome, Outcome::NeedsHumanCheck);
        assert_eq!(assess(&purpose(&[GENERAL_RESEARCH]), &[]).outcome, Outcome::NeedsHumanCheck);
        assert_eq!(assess(&purpose(&[]), &restrictions(&[NO_RESTRICTION])).findings, vec![Finding::NoPurposeStated]);
    }

    #[test]
    fn declaring_non_commercial_use_meets_that_restriction() {
        let declared =
            assess(&purpose(&[GENERAL_RESEARCH, "DUO:0000046"]), &restrictions(&[GENERAL_RESEARCH, "DUO:0000046"]));
        assert_eq!(declared.outcome, Outcome::Matches);
        let silent = assess(&purpose(&[GENERAL_RESEARCH]), &restrictions(&[GENERAL_RESEARCH, "DUO:0000046"]));
        assert_eq!(silent.outcome, Outcome::NeedsHumanCheck);
    }

    #[test]
    fn clinical_care_needs_its_own_permission() {
        assert_eq!(assess(&purpose(&[CLINICAL_CARE]), &restrictions(&[GENERAL_RESEARCH])).outcome, Outcome::Conflicts);
        assert_eq!(
            assess(&purpose(&[CLINICAL_CARE]), &restrictions(&[GENERAL_RESEARCH, CLINICAL_CARE])).outcome,
            Outcome::Matches
        );
    }
}
