//! The consortium builder: a workspace in which one organisation gathers partners for a call.
//! The organisation that opens it manages it: it invites organisations of the directory,
//! which accept or decline, and lists partners that are not in the directory (a university
//! abroad, say) by name and country. Each partner has a role and a short statement of what
//! it brings. The workspace checks the call's eligibility rules ([`eligibility`]) against the
//! partners who accepted. Who may see and change it is the policy's
//! ([`crate::authorization`], `Resource::Consortium`).

pub mod countries;
pub mod eligibility;

use serde::{Deserialize, Serialize};

use crate::validation::{no_direction_controls, optional_text, required_line};
use crate::{Reason, ValidationError};

/// A partner's part in the grant, in the Commission's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartnerRole {
    /// Signs the grant for all and is the Commission's contact; one per consortium.
    Coordinator,
    /// Signs the grant and receives funding.
    Beneficiary,
    /// Linked to a beneficiary and carries out work through it, without signing.
    AffiliatedEntity,
    /// Takes part without signing the grant, usually without EU funding.
    AssociatedPartner,
}

impl PartnerRole {
    pub const ALL: [PartnerRole; 4] = [
        PartnerRole::Coordinator,
        PartnerRole::Beneficiary,
        PartnerRole::AffiliatedEntity,
        PartnerRole::AssociatedPartner,
    ];

    pub fn id(self) -> &'static str {
        match self {
            PartnerRole::Coordinator => "coordinator",
            PartnerRole::Beneficiary => "beneficiary",
            PartnerRole::AffiliatedEntity => "affiliated-entity",
            PartnerRole::AssociatedPartner => "associated-partner",
        }
    }

    pub fn from_id(id: &str) -> Option<PartnerRole> {
        PartnerRole::ALL.into_iter().find(|r| r.id() == id)
    }

    /// Reads a role from a form or a request, refusing anything else by the field `role`.
    pub fn parse(id: &str) -> Result<PartnerRole, ValidationError> {
        PartnerRole::from_id(id.trim()).ok_or_else(|| {
            ValidationError::new(
                "role",
                Reason::NotOneOf { value: id.to_owned(), allowed: PartnerRole::ALL.map(PartnerRole::id).join(", ") },
            )
        })
    }

    /// Whether the partner signs the grant as an independent legal entity, and so counts
    /// towards the minimum number of entities and countries.
    pub fn counts_as_independent(self) -> bool {
        matches!(self, PartnerRole::Coordinator | PartnerRole::Beneficiary)
    }
}

/// Where a partner stands in the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartnerState {
    /// Invited; its members have not answered yet.
    Invited,
    /// A member of the consortium: it accepted, or the manager listed it (a partner outside
    /// the directory, whose word the manager gives).
    Accepted,
    Declined,
}

impl PartnerState {
    pub const ALL: [PartnerState; 3] = [PartnerState::Invited, PartnerState::Accepted, PartnerState::Declined];

    pub fn id(self) -> &'static str {
        match self {
            PartnerState::Invited => "invited",
            PartnerState::Accepted => "accepted",
            PartnerState::Declined => "declined",
        }
    }

    pub fn from_id(id: &str) -> Option<PartnerState> {
        PartnerState::ALL.into_iter().find(|s| s.id() == id)
    }
}

const MAX_ACRONYM_CHARS: usize = 40;
const MAX_STATEMENT_CHARS: usize = 2_000;
const MAX_NAME_CHARS: usize = 300;

/// The consortium's working name or acronym: one short line.
pub fn check_acronym(acronym: &str) -> Result<(), ValidationError> {
    required_line("acronym", acronym, MAX_ACRONYM_CHARS)
}

/// What a partner brings; may be empty.
pub fn check_statement(statement: &str) -> Result<(), ValidationError> {
    optional_text("statement", Some(statement), MAX_STATEMENT_CHARS)?;
    no_direction_controls("statement", statement)
}

/// A partner outside the directory, by its legal name and country (ISO 3166 alpha-2, or
/// CORDIS's `EL` and `UK`); every refused field at once.
pub fn check_external(name: &str, country: &str) -> Vec<ValidationError> {
    let mut errors = Vec::new();
    if let Err(e) = required_line("name", name, MAX_NAME_CHARS) {
        errors.push(e);
    }
    if countries::normalise(country).is_none() {
        errors.push(ValidationError::new("country", Reason::NotCountryCode { value: country.to_owned() }));
    }
    errors
}

/// Only one coordinator: naming a second is refused rather than silently demoting the first.
pub fn check_single_coordinator(
    roles: impl IntoIterator<Item = PartnerRole>,
    new_role: PartnerRole,
) -> Result<(), ValidationError> {
    if new_role == PartnerRole::Coordinator && roles.into_iter().any(|r| r == PartnerRole::Coordinator) {
        return Err(ValidationError::new("role", Reason::OneCoordinator));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_states_read_back_and_only_signatories_count() {
        for role in PartnerRole::ALL {
            assert_eq!(PartnerRole::from_id(role.id()), Some(role));
        }
        for state in PartnerState::ALL {
            assert_eq!(PartnerState::from_id(state.id()), Some(state));
        }
        assert!(PartnerRole::parse("sponsor").is_err());
        assert_eq!(PartnerRole::parse(" beneficiary ").ok(), Some(PartnerRole::Beneficiary));
        let counting: Vec<_> = PartnerRole::ALL.into_iter().filter(|r| r.counts_as_independent()).collect();
        assert_eq!(counting, [PartnerRole::Coordinator, PartnerRole::Beneficiary]);
    }

    #[test]
    fn names_statements_and_countries_are_checked() {
        assert!(check_acronym("CARE-AI").is_ok());
        assert!(check_acronym("").is_err());
        assert!(check_acronym("two\nlines").is_err());
        assert!(check_acronym(&"x".repeat(41)).is_err());
        assert!(check_statement("").is_ok());
        assert!(check_statement(&"x".repeat(2_001)).is_err());
        assert!(check_external("Charité", "DE").is_empty());
        assert!(check_external("Aristotle University", "EL").is_empty());
        let fields: Vec<_> = check_external("", "Germany").iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "country"]);
    }

    #[test]
    fn a_second_coordinator_is_refused() {
        let roles = [PartnerRole::Coordinator, PartnerRole::Beneficiary];
        assert!(check_single_coordinator(roles, PartnerRole::Coordinator).is_err());
        assert!(check_single_coordinator(roles, PartnerRole::Beneficiary).is_ok());
        assert!(check_single_coordinator([PartnerRole::Beneficiary], PartnerRole::Coordinator).is_ok());
    }
}
