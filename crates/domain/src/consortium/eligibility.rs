//! Eligibility rules of a type of action, and what a consortium still lacks to meet them.
//! Horizon Europe's general conditions are built in (research and innovation actions: at
//! least three independent legal entities, each from a different member state or
//! associated country, one of them from a member state); partners may set the rules of any
//! type of action, and theirs take precedence.

use serde::{Deserialize, Serialize};

use super::countries::{is_associated, is_member_state};
use super::{PartnerRole, PartnerState};
use crate::{Reason, ValidationError};

/// What a consortium must have for a type of action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EligibilityRules {
    /// Independent legal entities (the coordinator and beneficiaries) that accepted.
    pub min_entities: u32,
    /// Different countries those entities are established in.
    pub min_countries: u32,
    /// Of those entities, how many must be established in an EU member state.
    pub min_member_state_entities: u32,
    /// Only entities from member states and associated countries count.
    pub eu_or_associated_only: bool,
    /// A coordinator must be named.
    pub coordinator_required: bool,
}

/// Stored as the `record` of an `eligibility_rules` row.
impl crate::record::Versioned for EligibilityRules {
    const RECORD_VERSION: u32 = 1;
}

/// The most entities a rule may ask for; more is a typing error.
pub const MAX_ENTITIES: u32 = 50;

/// Horizon Europe's general admissibility and eligibility conditions (General Annex B) for
/// collaborative actions.
pub const HORIZON_COLLABORATIVE: EligibilityRules = EligibilityRules {
    min_entities: 3,
    min_countries: 3,
    min_member_state_entities: 1,
    eu_or_associated_only: true,
    coordinator_required: true,
};

/// Coordination and support actions: one entity from a member state or associated country.
pub const HORIZON_SINGLE: EligibilityRules = EligibilityRules {
    min_entities: 1,
    min_countries: 1,
    min_member_state_entities: 0,
    eu_or_associated_only: true,
    coordinator_required: true,
};

/// The types of action that have built-in rules.
pub const BUILT_IN_TYPES: [&str; 6] = ["CoFund", "CSA", "HORIZON-PCP", "IA", "PPI", "RIA"];

/// The built-in rules for the EU's types of action (the `actionType` of the Funding &
/// Tenders portal); `None` where the call's own conditions vary too much to guess.
pub fn built_in(action_type: &str) -> Option<EligibilityRules> {
    match action_type.trim() {
        "RIA" | "IA" | "CoFund" | "HORIZON-PCP" | "PPI" => Some(HORIZON_COLLABORATIVE),
        "CSA" => Some(HORIZON_SINGLE),
        _ => None,
    }
}

impl EligibilityRules {
    /// Every refused field at once: counts within reach of each other.
    pub fn validate(&self) -> Vec<ValidationError> {
        let mut errors = Vec::new();
        let max = i64::from(MAX_ENTITIES);
        if !(1..=MAX_ENTITIES).contains(&self.min_entities) {
            errors.push(ValidationError::new("minEntities", Reason::OutOfRange { min: 1, max }));
        }
        for (field, value) in
            [("minCountries", self.min_countries), ("minMemberStateEntities", self.min_member_state_entities)]
        {
            if value > self.min_entities {
                errors.push(ValidationError::new(
                    field,
                    Reason::ValueMoreThan {
                        value: i64::from(value),
                        other: "minEntities",
                        limit: i64::from(self.min_entities),
                    },
                ));
            }
        }
        errors
    }

    /// What `partners` have and lack against these rules.
    pub fn check<'a>(&self, partners: impl IntoIterator<Item = Partner<'a>>) -> Check {
        let mut counted: Vec<&str> = Vec::new();
        let mut not_counted = Vec::new();
        let mut coordinators = 0;
        for partner in partners {
            if partner.state != PartnerState::Accepted {
                continue;
            }
            if partner.role == PartnerRole::Coordinator {
                coordinators += 1;
            }
            if !partner.role.counts_as_independent() {
                continue;
            }
            match partner.country {
                None => not_counted.push((partner.name.to_owned(), NotCounted::NoCountry)),
                Some(c) if self.eu_or_associated_only && !is_member_state(c) && !is_associated(c) => {
                    not_counted.push((partner.name.to_owned(), NotCounted::OutsideEuAndAssociated(c.to_owned())))
                }
                Some(c) => counted.push(c),
            }
        }
        let entities = counted.len() as u32;
        let mut countries: Vec<String> = counted.iter().map(|c| (*c).to_owned()).collect();
        countries.sort();
        countries.dedup();
        let member_state_entities = counted.iter().filter(|c| is_member_state(c)).count() as u32;
        let mut findings = vec![
            Finding { requirement: Requirement::Entities, needed: self.min_entities, have: entities },
            Finding { requirement: Requirement::Countries, needed: self.min_countries, have: countries.len() as u32 },
            Finding {
                requirement: Requirement::MemberStateEntities,
                needed: self.min_member_state_entities,
                have: member_state_entities,
            },
        ];
        if self.coordinator_required {
            findings.insert(0, Finding { requirement: Requirement::Coordinator, needed: 1, have: coordinators });
        }
        findings.retain(|f| f.needed > 0);
        Check { findings, countries, not_counted }
    }
}

/// A partner as the rules see it.
#[derive(Debug, Clone, Copy)]
pub struct Partner<'a> {
    pub name: &'a str,
    /// Its ISO code (see [`super::countries::normalise`]), when known.
    pub country: Option<&'a str>,
    pub role: PartnerRole,
    pub state: PartnerState,
}

/// One condition of the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Requirement {
    Coordinator,
    Entities,
    Countries,
    MemberStateEntities,
}

impl Requirement {
    pub fn id(self) -> &'static str {
        match self {
            Requirement::Coordinator => "coordinator",
            Requirement::Entities => "entities",
            Requirement::Countries => "countries",
            Requirement::MemberStateEntities => "member-state-entities",
        }
    }
}

/// How far a consortium is from one condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding {
    pub requirement: Requirement,
    pub needed: u32,
    pub have: u32,
}

impl Finding {
    pub fn met(&self) -> bool {
        self.have >= self.needed
    }

    /// How many more it takes.
    pub fn missing(&self) -> u32 {
        self.needed.saturating_sub(self.have)
    }
}

/// Why an accepted, signing partner does not count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotCounted {
    /// The directory does not say where it is established.
    NoCountry,
    /// Established in this country, neither a member state nor associated.
    OutsideEuAndAssociated(String),
}

/// The outcome of [`EligibilityRules::check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub findings: Vec<Finding>,
    /// The countries of the partners that count, sorted.
    pub countries: Vec<String>,
    pub not_counted: Vec<(String, NotCounted)>,
}

impl Check {
    pub fn eligible(&self) -> bool {
        self.findings.iter().all(Finding::met)
    }

    pub fn missing(&self, requirement: Requirement) -> u32 {
        self.findings.iter().find(|f| f.requirement == requirement).map_or(0, Finding::missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partner(name: &'static str, country: Option<&'static str>, role: PartnerRole) -> Partner<'static> {
        Partner { name, country, role, state: PartnerState::Accepted }
    }

    #[test]
    fn three_entities_from_three_countries_meet_the_horizon_rule() {
        let partners = [
            partner("Amsterdam UMC", Some("NL"), PartnerRole::Coordinator),
            partner("KU Leuven", Some("BE"), PartnerRole::Beneficiary),
            partner("Charité", Some("DE"), PartnerRole::Beneficiary),
        ];
        let check = HORIZON_COLLABORATIVE.check(partners);
        assert!(check.eligible(), "{check:?}");
        assert_eq!(check.countries, ["BE", "DE", "NL"]);
    }

    #[test]
    fn what_is_missing_is_counted_per_condition() {
        let partners = [
            partner("Amsterdam UMC", Some("NL"), PartnerRole::Beneficiary),
            partner("NKI", Some("NL"), PartnerRole::Beneficiary),
            // Affiliated entities and associated partners do not sign: they do not count.
            partner("VUmc Foundation", Some("BE"), PartnerRole::AffiliatedEntity),
            partner("Mayo Clinic", Some("US"), PartnerRole::AssociatedPartner),
            Partner { state: PartnerState::Invited, ..partner("Charité", Some("DE"), PartnerRole::Beneficiary) },
        ];
        let check = HORIZON_COLLABORATIVE.check(partners);
        assert!(!check.eligible());
        assert_eq!(check.missing(Requirement::Coordinator), 1);
        assert_eq!(check.missing(Requirement::Entities), 1);
        assert_eq!(check.missing(Requirement::Countries), 2);
        assert_eq!(check.missing(Requirement::MemberStateEntities), 0);
        assert!(check.not_counted.is_empty());
    }

    #[test]
    fn entities_outside_the_eu_and_associated_countries_or_without_a_country_are_named() {
        let partners = [
            partner("Harvard", Some("US"), PartnerRole::Coordinator),
            partner("Oxford", Some("GB"), PartnerRole::Beneficiary),
            partner("Unknown BV", None, PartnerRole::Beneficiary),
        ];
        let check = HORIZON_COLLABORATIVE.check(partners);
        assert_eq!(check.missing(Requirement::Entities), 2, "only Oxford counts");
        assert_eq!(check.missing(Requirement::MemberStateEntities), 1, "the UK is associated, not a member");
        assert_eq!(
            check.not_counted,
            [
                ("Harvard".to_owned(), NotCounted::OutsideEuAndAssociated("US".into())),
                ("Unknown BV".to_owned(), NotCounted::NoCountry)
            ]
        );
        let anywhere = EligibilityRules { eu_or_associated_only: false, ..HORIZON_COLLABORATIVE };
        assert_eq!(anywhere.check(partners).missing(Requirement::Entities), 1);
    }

    #[test]
    fn rules_are_built_in_for_the_eus_collaborative_types_and_checked_when_set() {
        assert_eq!(built_in("RIA"), Some(HORIZON_COLLABORATIVE));
        assert_eq!(built_in("CSA"), Some(HORIZON_SINGLE));
        assert_eq!(built_in("Grant"), None);
        assert!(BUILT_IN_TYPES.iter().all(|t| built_in(t).is_some()));
        assert!(HORIZON_COLLABORATIVE.validate().is_empty());
        let impossible = EligibilityRules { min_entities: 2, min_countries: 3, ..HORIZON_COLLABORATIVE };
        let fields: Vec<_> = impossible.validate().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["minCountries"]);
        let none = EligibilityRules { min_entities: 0, min_countries: 0, min_member_state_entities: 0, ..impossible };
        assert_eq!(none.validate().len(), 1);
        // A rule that asks for nothing of a kind leaves that condition out.
        let single = HORIZON_SINGLE.check([partner("NKI", Some("NL"), PartnerRole::Coordinator)]);
        assert!(single.eligible());
        assert!(single.findings.iter().all(|f| f.requirement != Requirement::MemberStateEntities));
    }
}
