//! Joint acquisition: the MoU partners' shared, confidential pipeline of companies that
//! consider settling in the region. A lead moves through the stages
//! `identified → contacted → visit → proposal → landed | lost`; everything done to it is an
//! event of its timeline, with who and when. Who may see a lead is the policy's
//! ([`crate::authorization`], `Resource::Lead`); the public sees only counts
//! ([`impact`]).

pub mod impact;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::validation::{no_direction_controls, optional_text, required_text};
use crate::{Reason, ValidationError};

/// Where a lead stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    Identified,
    Contacted,
    Visit,
    Proposal,
    Landed,
    Lost,
}

impl Stage {
    pub const ALL: [Stage; 6] =
        [Stage::Identified, Stage::Contacted, Stage::Visit, Stage::Proposal, Stage::Landed, Stage::Lost];

    pub fn id(self) -> &'static str {
        match self {
            Stage::Identified => "identified",
            Stage::Contacted => "contacted",
            Stage::Visit => "visit",
            Stage::Proposal => "proposal",
            Stage::Landed => "landed",
            Stage::Lost => "lost",
        }
    }

    pub fn from_id(id: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.id() == id)
    }

    /// Landed and lost are outcomes: nothing follows them.
    pub fn is_final(self) -> bool {
        matches!(self, Stage::Landed | Stage::Lost)
    }

    /// The stages a lead may move to from here: any later step of the way (a visit may
    /// come before a first formal contact is logged), and lost from any open stage. Landing
    /// needs a proposal first, since that is what the company accepted.
    pub fn next(self) -> Vec<Stage> {
        if self.is_final() {
            return Vec::new();
        }
        Stage::ALL
            .into_iter()
            .filter(|to| match to {
                Stage::Lost => true,
                Stage::Landed => self == Stage::Proposal,
                _ => *to > self,
            })
            .collect()
    }

    /// Whether the lead may move from `self` to `to`.
    pub fn check_move(self, to: Stage) -> Result<(), ValidationError> {
        if self.next().contains(&to) {
            Ok(())
        } else {
            let allowed = self.next().iter().map(|s| s.id()).collect::<Vec<_>>().join(", ");
            Err(ValidationError::new(
                "stage",
                Reason::NotOneOf {
                    value: to.id().to_owned(),
                    allowed: if allowed.is_empty() { "none".into() } else { allowed },
                },
            ))
        }
    }
}

/// The sectors leads are counted by: a short, fixed list, so that the public counts group.
pub const SECTORS: [&str; 7] = ["pharma", "biotech", "medtech", "diagnostics", "digital-health", "ai-data", "other"];

/// The most jobs a company may state; more is a typing error.
pub const MAX_JOBS: u32 = 100_000;
const MAX_SUMMARY_CHARS: usize = 4_000;
const MAX_NOTE_CHARS: usize = 4_000;
const MAX_NAME_CHARS: usize = 300;

/// What partners say about a lead beside its company: checked by [`LeadDetails::validate`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadDetails {
    /// One of [`SECTORS`].
    pub sector: String,
    /// The jobs the company says it will bring to the region.
    pub jobs: Option<u32>,
    /// What the company does and looks for; matched against calls and facilities.
    pub summary: String,
}

impl LeadDetails {
    /// Every refused field at once.
    pub fn validate(&self) -> Vec<ValidationError> {
        let mut errors = Vec::new();
        if !SECTORS.contains(&self.sector.as_str()) {
            errors.push(ValidationError::new(
                "sector",
                Reason::NotOneOf { value: self.sector.clone(), allowed: SECTORS.join(", ") },
            ));
        }
        if self.jobs.is_some_and(|jobs| jobs > MAX_JOBS) {
            errors.push(ValidationError::new("jobs", Reason::OutOfRange { min: 0, max: i64::from(MAX_JOBS) }));
        }
        if let Err(e) = optional_text("summary", Some(&self.summary), MAX_SUMMARY_CHARS) {
            errors.push(e);
        }
        errors
    }
}

/// A note's text, refused when empty or too long.
pub fn check_note(text: &str) -> Result<(), ValidationError> {
    required_text("note", text, MAX_NOTE_CHARS)
}

/// A new company's name, as the directory will show it.
pub fn check_company_name(name: &str) -> Result<(), ValidationError> {
    required_text("company", name, MAX_NAME_CHARS)?;
    no_direction_controls("company", name)?;
    if name.contains(['\n', '\r']) {
        return Err(ValidationError::new("company", Reason::NotOneLine));
    }
    Ok(())
}

/// Something that happened to a lead; the timeline is these in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", rename_all_fields = "camelCase")]
pub enum LeadEvent {
    /// The lead was entered, for the company with this directory id.
    Created {
        company_id: String,
        stage: Stage,
    },
    StageChanged {
        from: Stage,
        to: Stage,
    },
    Noted {
        text: String,
    },
    DetailsChanged {
        details: LeadDetails,
    },
    /// Shared with a partner organisation (by id).
    Shared {
        organisation_id: String,
    },
    Unshared {
        organisation_id: String,
    },
    /// The point of contact became this user, or nobody.
    ContactChanged {
        user_id: Option<String>,
    },
    /// A secret link to the soft-landing package was made, valid through `expires_on`.
    LinkMade {
        link_id: String,
        expires_on: NaiveDate,
    },
    LinkRevoked {
        link_id: String,
    },
}

impl LeadEvent {
    /// The event's name, for messages and the API.
    pub fn id(&self) -> &'static str {
        match self {
            LeadEvent::Created { .. } => "created",
            LeadEvent::StageChanged { .. } => "stage-changed",
            LeadEvent::Noted { .. } => "noted",
            LeadEvent::DetailsChanged { .. } => "details-changed",
            LeadEvent::Shared { .. } => "shared",
            LeadEvent::Unshared { .. } => "unshared",
            LeadEvent::ContactChanged { .. } => "contact-changed",
            LeadEvent::LinkMade { .. } => "link-made",
            LeadEvent::LinkRevoked { .. } => "link-revoked",
        }
    }
}

/// An event as the timeline keeps it: by whom (a user id; `None` once the account is
/// deleted) and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    pub seq: i64,
    pub actor_id: Option<String>,
    pub at: DateTime<Utc>,
    pub event: LeadEvent,
}

/// The days a secret link to a soft-landing package lasts unless chosen otherwise, and the
/// most it may.
pub const DEFAULT_LINK_DAYS: u32 = 30;
pub const MAX_LINK_DAYS: u32 = 365;

/// The last day a link made `today` for `days` days is valid.
pub fn link_expiry(today: NaiveDate, days: u32) -> Result<NaiveDate, ValidationError> {
    if !(1..=MAX_LINK_DAYS).contains(&days) {
        return Err(ValidationError::new("days", Reason::OutOfRange { min: 1, max: i64::from(MAX_LINK_DAYS) }));
    }
    Ok(today + chrono::Days::new(u64::from(days)))
}

/// Whether a link valid through `expires_on` and revoked or not still opens the package `today`.
pub fn link_open(expires_on: NaiveDate, revoked: bool, today: NaiveDate) -> bool {
    !revoked && today <= expires_on
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leads_move_forward_or_are_lost_and_outcomes_are_final() {
        assert_eq!(Stage::Identified.next(), [Stage::Contacted, Stage::Visit, Stage::Proposal, Stage::Lost]);
        assert_eq!(Stage::Proposal.next(), [Stage::Landed, Stage::Lost]);
        assert!(Stage::Visit.check_move(Stage::Contacted).is_err(), "no way back");
        assert!(Stage::Contacted.check_move(Stage::Landed).is_err(), "landing follows a proposal");
        assert!(Stage::Contacted.check_move(Stage::Lost).is_ok());
        for outcome in [Stage::Landed, Stage::Lost] {
            assert!(outcome.next().is_empty());
            for to in Stage::ALL {
                assert!(outcome.check_move(to).is_err(), "{outcome:?} → {to:?}");
            }
        }
        for stage in Stage::ALL {
            assert_eq!(Stage::from_id(stage.id()), Some(stage));
            assert!(stage.check_move(stage).is_err(), "staying is no move");
        }
    }

    #[test]
    fn details_are_checked_field_by_field() {
        let good = LeadDetails { sector: "medtech".into(), jobs: Some(40), summary: "Imaging".into() };
        assert!(good.validate().is_empty());
        let bad = LeadDetails { sector: "mining".into(), jobs: Some(MAX_JOBS + 1), summary: "x\u{0}".into() };
        let fields: Vec<_> = bad.validate().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["sector", "jobs", "summary"]);
        assert!(check_note("  ").is_err());
        assert!(check_company_name("Acme\u{202E}").is_err());
        assert!(check_company_name("Acme\nBio").is_err());
        assert!(check_company_name("Acme Bio B.V.").is_ok());
    }

    #[test]
    fn links_last_the_days_chosen_and_not_after_revocation() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).expect("date");
        let until = link_expiry(today, DEFAULT_LINK_DAYS).expect("expiry");
        assert_eq!(until, NaiveDate::from_ymd_opt(2026, 3, 31).expect("date"));
        assert!(link_open(until, false, until));
        assert!(!link_open(until, false, until + chrono::Days::new(1)));
        assert!(!link_open(until, true, today));
        assert!(link_expiry(today, 0).is_err());
        assert!(link_expiry(today, MAX_LINK_DAYS + 1).is_err());
    }
}
