//! Needs and offers: what an organisation offers or looks for (technology, business, an R&D
//! partner, expertise, equipment, data), as the Enterprise Europe Network's partnership
//! profiles are. Written by an organisation's members through the content kernel; they
//! expire after six months unless renewed. An item may be "members only": then only
//! signed-in members of the hub see which organisation it is from.

use serde::{Deserialize, Serialize};

use crate::content::{Item, SearchDocument, Written, OPPORTUNITY};
use crate::language::{Bilingual, Language};
use crate::record::Versioned;
use crate::validation::{optional_language_text, text, Reason, ValidationError};

pub const TITLE_MAX_CHARS: usize = 200;
pub const DESCRIPTION_MAX_CHARS: usize = 8_000;
pub const MAX_SECTORS: usize = 10;
const SECTOR_MAX_CHARS: usize = 60;

/// What an item offers or asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OpportunityType {
    TechnologyOffer,
    TechnologyRequest,
    BusinessOffer,
    BusinessRequest,
    RdPartnerRequest,
    Expertise,
    Equipment,
    Data,
}

impl OpportunityType {
    pub const ALL: [OpportunityType; 8] = [
        OpportunityType::TechnologyOffer,
        OpportunityType::TechnologyRequest,
        OpportunityType::BusinessOffer,
        OpportunityType::BusinessRequest,
        OpportunityType::RdPartnerRequest,
        OpportunityType::Expertise,
        OpportunityType::Equipment,
        OpportunityType::Data,
    ];

    pub fn id(self) -> &'static str {
        match self {
            OpportunityType::TechnologyOffer => "technology-offer",
            OpportunityType::TechnologyRequest => "technology-request",
            OpportunityType::BusinessOffer => "business-offer",
            OpportunityType::BusinessRequest => "business-request",
            OpportunityType::RdPartnerRequest => "rd-partner-request",
            OpportunityType::Expertise => "expertise",
            OpportunityType::Equipment => "equipment",
            OpportunityType::Data => "data",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.id() == id)
    }

    /// Whether it asks for something (a need) rather than offers it.
    pub fn is_need(self) -> bool {
        matches!(
            self,
            OpportunityType::TechnologyRequest | OpportunityType::BusinessRequest | OpportunityType::RdPartnerRequest
        )
    }

    /// The types that answer it: offers for a need, needs for an offer.
    pub fn complements(self) -> &'static [OpportunityType] {
        use OpportunityType::*;
        match self {
            TechnologyOffer => &[TechnologyRequest, RdPartnerRequest],
            TechnologyRequest => &[TechnologyOffer, Expertise, Equipment, Data],
            BusinessOffer => &[BusinessRequest],
            BusinessRequest => &[BusinessOffer],
            RdPartnerRequest => &[TechnologyOffer, Expertise, Equipment, Data],
            Expertise | Equipment | Data => &[TechnologyRequest, RdPartnerRequest],
        }
    }
}

/// How far a technology has come, where it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// An idea or concept (TRL 1–2).
    Idea,
    /// Proven in the lab (TRL 3–4).
    Lab,
    /// A prototype validated in a relevant setting (TRL 5–6).
    Prototype,
    /// Demonstrated in practice or being certified (TRL 7–8).
    Demonstrated,
    /// On the market (TRL 9).
    Market,
}

impl Stage {
    pub const ALL: [Stage; 5] = [Stage::Idea, Stage::Lab, Stage::Prototype, Stage::Demonstrated, Stage::Market];

    pub fn id(self) -> &'static str {
        match self {
            Stage::Idea => "idea",
            Stage::Lab => "lab",
            Stage::Prototype => "prototype",
            Stage::Demonstrated => "demonstrated",
            Stage::Market => "market",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.id() == id)
    }
}

/// The kind of partner an item seeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartnerSought {
    Any,
    Company,
    Research,
    Healthcare,
    Government,
    Investor,
}

impl PartnerSought {
    pub const ALL: [PartnerSought; 6] = [
        PartnerSought::Any,
        PartnerSought::Company,
        PartnerSought::Research,
        PartnerSought::Healthcare,
        PartnerSought::Government,
        PartnerSought::Investor,
    ];

    pub fn id(self) -> &'static str {
        match self {
            PartnerSought::Any => "any",
            PartnerSought::Company => "company",
            PartnerSought::Research => "research",
            PartnerSought::Healthcare => "healthcare",
            PartnerSought::Government => "government",
            PartnerSought::Investor => "investor",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.id() == id)
    }
}

/// A need or an offer as stored (record version 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Opportunity {
    #[serde(rename = "type")]
    pub opportunity_type: OpportunityType,
    pub title: Bilingual,
    pub description: Bilingual,
    #[serde(default)]
    pub sectors: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    pub partner_sought: PartnerSought,
    /// Visitors see it without the organisation's name; signed-in members see who it is.
    #[serde(default)]
    pub members_only: bool,
}

/// An item as a member submits it: one text per field, as a form and a JSON body send them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OpportunityDraft {
    #[serde(rename = "type")]
    pub opportunity_type: String,
    pub title_en: String,
    pub title_nl: String,
    pub description_en: String,
    pub description_nl: String,
    /// Separated by commas or new lines.
    pub sectors: String,
    /// Empty where it does not apply.
    pub stage: String,
    pub partner_sought: String,
    /// `members` or `public` (the default).
    pub visibility: String,
}

impl Versioned for Opportunity {
    const RECORD_VERSION: u32 = 1;
}

fn one_of<T>(
    field: &'static str,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
    all: &[&str],
) -> Result<T, ValidationError> {
    parse(value.trim()).ok_or_else(|| {
        ValidationError::new(field, Reason::NotOneOf { value: value.to_owned(), allowed: all.join(", ") })
    })
}

impl Written for Opportunity {
    const KIND: &'static crate::content::Kind = &OPPORTUNITY;
    const OWNER_MAY_BE_HIDDEN: bool = true;
    type Draft = OpportunityDraft;

    fn validate(d: OpportunityDraft) -> Result<Self, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let mut keep = |result: Result<Option<String>, ValidationError>| match result {
            Ok(value) => value,
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let opportunity_type = one_of(
            "type",
            &d.opportunity_type,
            OpportunityType::from_id,
            &OpportunityType::ALL.map(OpportunityType::id),
        );
        let title = Bilingual {
            en: keep(optional_language_text("title_en", &d.title_en, TITLE_MAX_CHARS, true)),
            nl: keep(optional_language_text("title_nl", &d.title_nl, TITLE_MAX_CHARS, true)),
        };
        let description = Bilingual {
            en: keep(optional_language_text("description_en", &d.description_en, DESCRIPTION_MAX_CHARS, false)),
            nl: keep(optional_language_text("description_nl", &d.description_nl, DESCRIPTION_MAX_CHARS, false)),
        };
        if text(&d.title_en).is_none() && text(&d.title_nl).is_none() {
            errors.push(ValidationError::new("title_en", Reason::GiveOneOf { choices: "title_en, title_nl" }));
        }
        if text(&d.description_en).is_none() && text(&d.description_nl).is_none() {
            errors.push(ValidationError::new(
                "description_en",
                Reason::GiveOneOf { choices: "description_en, description_nl" },
            ));
        }
        let mut sectors: Vec<String> = Vec::new();
        for sector in d.sectors.split([',', '\n', '\r']).filter_map(text) {
            if sector.chars().count() > SECTOR_MAX_CHARS {
                errors.push(ValidationError::new("sectors", Reason::TooLong { max: SECTOR_MAX_CHARS }));
                break;
            }
            if !sectors.iter().any(|s| s.eq_ignore_ascii_case(&sector)) {
                sectors.push(sector);
            }
        }
        if sectors.len() > MAX_SECTORS {
            errors.push(ValidationError::new("sectors", Reason::TooManySectors { max: MAX_SECTORS }));
        }
        let stage = match text(&d.stage) {
            None => Ok(None),
            Some(stage) => one_of("stage", &stage, Stage::from_id, &Stage::ALL.map(Stage::id)).map(Some),
        };
        let partner_sought = match text(&d.partner_sought) {
            None => Ok(PartnerSought::Any),
            Some(p) => one_of("partner_sought", &p, PartnerSought::from_id, &PartnerSought::ALL.map(PartnerSought::id)),
        };
        let members_only = match d.visibility.trim() {
            "" | "public" => Ok(false),
            "members" => Ok(true),
            other => Err(ValidationError::new(
                "visibility",
                Reason::NotEither { value: other.to_owned(), first: "public", second: "members" },
            )),
        };
        match (opportunity_type, stage, partner_sought, members_only) {
            (Ok(opportunity_type), Ok(stage), Ok(partner_sought), Ok(members_only)) if errors.is_empty() => {
                Ok(Opportunity { opportunity_type, title, description, sectors, stage, partner_sought, members_only })
            }
            (opportunity_type, stage, partner_sought, members_only) => {
                let mut all: Vec<ValidationError> = opportunity_type.err().into_iter().collect();
                all.extend(errors);
                all.extend(stage.err());
                all.extend(partner_sought.err());
                all.extend(members_only.err());
                Err(all)
            }
        }
    }

    fn to_draft(&self) -> OpportunityDraft {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        OpportunityDraft {
            opportunity_type: self.opportunity_type.id().to_owned(),
            title_en: text(&self.title.en),
            title_nl: text(&self.title.nl),
            description_en: text(&self.description.en),
            description_nl: text(&self.description.nl),
            sectors: self.sectors.join(", "),
            stage: self.stage.map(|s| s.id().to_owned()).unwrap_or_default(),
            partner_sought: self.partner_sought.id().to_owned(),
            visibility: if self.members_only { "members" } else { "public" }.to_owned(),
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
            ("type", self.opportunity_type.id().to_owned()),
            ("partner", self.partner_sought.id().to_owned()),
            ("visibility", if self.members_only { "members" } else { "public" }.to_owned()),
        ];
        facets.extend(self.stage.map(|s| ("stage", s.id().to_owned())));
        facets
    }

    fn owner_hidden(&self) -> bool {
        self.members_only
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        let d = self.to_draft();
        vec![
            ("type", d.opportunity_type),
            ("title_en", d.title_en),
            ("title_nl", d.title_nl),
            ("description_en", d.description_en),
            ("description_nl", d.description_nl),
            ("sectors", d.sectors),
            ("stage", d.stage),
            ("partner_sought", d.partner_sought),
            ("visibility", d.visibility),
        ]
    }

    /// A members-only item's document names no organisation, so that searching for an
    /// organisation's name does not reveal what it asked for.
    fn search_document(item: &Item<Self>) -> SearchDocument {
        let record = &item.record;
        let mut aliases: Vec<String> = record.title.both().skip(1).map(str::to_owned).collect();
        aliases.extend(record.sectors.iter().cloned());
        let mut facets =
            vec![("type", record.opportunity_type.id().to_owned()), ("partner", record.partner_sought.id().to_owned())];
        facets.extend(record.stage.map(|s| ("stage", s.id().to_owned())));
        if !record.members_only {
            aliases.push(item.owner.name.clone());
            facets.push(("organisation", item.owner.slug.clone()));
        }
        SearchDocument {
            entity: &OPPORTUNITY,
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

    fn draft() -> OpportunityDraft {
        OpportunityDraft {
            opportunity_type: "technology-offer".into(),
            title_en: "AI triage of chest X-rays".into(),
            title_nl: String::new(),
            description_en: "A validated model that flags urgent findings.".into(),
            description_nl: "Een gevalideerd model dat spoedeisende bevindingen markeert.".into(),
            sectors: "medtech, AI, medtech".into(),
            stage: "prototype".into(),
            partner_sought: "healthcare".into(),
            visibility: "members".into(),
        }
    }

    #[test]
    fn a_draft_becomes_a_record_and_back() {
        let record = Opportunity::validate(draft()).expect("valid");
        assert_eq!(record.sectors, ["medtech", "AI"], "repeats kept once");
        assert!(record.members_only && record.owner_hidden());
        assert_eq!(record.title(), "AI triage of chest X-rays");
        assert_eq!(Opportunity::validate(record.to_draft()), Ok(record));
    }

    #[test]
    fn every_refused_field_is_named() {
        let bad = OpportunityDraft {
            opportunity_type: "gift".into(),
            title_en: String::new(),
            description_en: String::new(),
            description_nl: String::new(),
            stage: "finished".into(),
            partner_sought: "friends".into(),
            visibility: "secret".into(),
            ..draft()
        };
        let errors = Opportunity::validate(bad).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["type", "title_en", "description_en", "stage", "partner_sought", "visibility"]);
        let two_lines = OpportunityDraft { title_nl: "twee\nregels".into(), ..draft() };
        assert_eq!(Opportunity::validate(two_lines).unwrap_err()[0].field, "title_nl");
        let many =
            OpportunityDraft { sectors: (0..11).map(|i| format!("s{i}")).collect::<Vec<_>>().join(","), ..draft() };
        assert_eq!(Opportunity::validate(many).unwrap_err()[0].field, "sectors");
    }

    #[test]
    fn needs_and_offers_answer_each_other() {
        for t in OpportunityType::ALL {
            assert_eq!(OpportunityType::from_id(t.id()), Some(t));
            for c in t.complements() {
                assert!(c.complements().contains(&t), "{t:?} and {c:?} answer each other");
                assert_ne!(t.is_need(), c.is_need(), "a need is answered by an offer: {t:?} {c:?}");
            }
        }
    }
}
