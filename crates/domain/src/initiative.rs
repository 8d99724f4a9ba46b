//! The register of initiatives: programmes, projects, consortia, public–private
//! partnerships and living labs in the region, with their partners from the directory, their
//! status, aims, links, the spaces and facilities they use, and a dated timeline of what
//! happened (their news).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::choice::{entries, ids, one_of};
use crate::content::{Item, Kind, Reference, SearchDocument, Written, FACILITY, INITIATIVE, SPACE};
use crate::language::{Bilingual, Language};
use crate::record::Versioned;
use crate::text::slugify;
use crate::validation::{optional_date, optional_line, optional_web_url, text, Checks, Reason, ValidationError};

pub const TITLE_MAX_CHARS: usize = 200;
pub const AIMS_MAX_CHARS: usize = 20_000;
const LINE_MAX_CHARS: usize = 500;
pub const MAX_PARTNERS: usize = 100;
pub const MAX_LINKS: usize = 10;
pub const MAX_USES: usize = 20;
pub const MAX_MILESTONES: usize = 100;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InitiativeType {
    #[default]
    Programme,
    Project,
    Consortium,
    PublicPrivatePartnership,
    LivingLab,
}
ids!(InitiativeType {
    Programme => "programme",
    Project => "project",
    Consortium => "consortium",
    PublicPrivatePartnership => "public-private-partnership",
    LivingLab => "living-lab",
});

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InitiativeStatus {
    #[default]
    Idea,
    Starting,
    Running,
    Ended,
}
ids!(InitiativeStatus { Idea => "idea", Starting => "starting", Running => "running", Ended => "ended" });

/// One dated entry of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    pub date: NaiveDate,
    pub text: String,
}

/// An initiative as stored (record version 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Initiative {
    #[serde(rename = "type")]
    pub initiative_type: InitiativeType,
    pub status: InitiativeStatus,
    pub title: Bilingual,
    pub aims: Bilingual,
    /// Address names of the partner organisations besides the owner.
    #[serde(default)]
    pub partners: Vec<String>,
    #[serde(default)]
    pub links: Vec<String>,
    /// Address names of the spaces and facilities of the hub it uses.
    #[serde(default)]
    pub spaces: Vec<String>,
    #[serde(default)]
    pub facilities: Vec<String>,
    /// Newest last.
    #[serde(default)]
    pub timeline: Vec<Milestone>,
}

impl Versioned for Initiative {
    const RECORD_VERSION: u32 = 1;
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InitiativeDraft {
    #[serde(rename = "type")]
    pub initiative_type: String,
    pub status: String,
    pub title_en: String,
    pub title_nl: String,
    pub aims_en: String,
    pub aims_nl: String,
    /// Address names, separated by commas or new lines.
    pub partners: String,
    /// Web addresses, one per line.
    pub links: String,
    pub spaces: String,
    pub facilities: String,
    /// One per line: `YYYY-MM-DD what happened`.
    pub timeline: String,
}

fn slugs(c: &mut Checks, field: &'static str, value: &str, max: usize) -> Vec<String> {
    let values = entries(value);
    if values.len() > max {
        c.refuse(field, Reason::TooManyEntries { max });
    }
    if let Some(slug) = values.iter().find(|slug| slugify(slug) != **slug) {
        c.refuse(field, Reason::NotAddressName { value: slug.clone() });
    }
    values
}

fn milestone(line: &str) -> Result<Milestone, ValidationError> {
    let (date, text) = line.trim().split_once(char::is_whitespace).unwrap_or((line.trim(), ""));
    let date = optional_date("timeline", date)?
        .ok_or_else(|| ValidationError::new("timeline", Reason::NotDate { value: line.trim().to_owned() }))?;
    let text = optional_line("timeline", text, LINE_MAX_CHARS)?
        .ok_or_else(|| ValidationError::new("timeline", Reason::Empty))?;
    Ok(Milestone { date, text })
}

impl Written for Initiative {
    const KIND: &'static Kind = &INITIATIVE;
    type Draft = InitiativeDraft;

    fn validate(d: InitiativeDraft) -> Result<Self, Vec<ValidationError>> {
        let mut c = Checks::default();
        let initiative_type = c.take(one_of("type", &d.initiative_type, InitiativeType::ALL, InitiativeType::id));
        let status = c.take(one_of("status", &d.status, InitiativeStatus::ALL, InitiativeStatus::id));
        let title = c.bilingual(
            ("title_en", &d.title_en),
            ("title_nl", &d.title_nl),
            TITLE_MAX_CHARS,
            true,
            Some("title_en, title_nl"),
        );
        let aims = c.bilingual(
            ("aims_en", &d.aims_en),
            ("aims_nl", &d.aims_nl),
            AIMS_MAX_CHARS,
            false,
            Some("aims_en, aims_nl"),
        );
        let partners = slugs(&mut c, "partners", &d.partners, MAX_PARTNERS);
        let links: Vec<String> = d.links.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
        if links.len() > MAX_LINKS {
            c.refuse("links", Reason::TooManyLinks { max: MAX_LINKS });
        }
        for link in &links {
            c.keep(optional_web_url("links", Some(link)));
        }
        let spaces = slugs(&mut c, "spaces", &d.spaces, MAX_USES);
        let facilities = slugs(&mut c, "facilities", &d.facilities, MAX_USES);
        let lines: Vec<&str> = d.timeline.lines().filter(|l| text(l).is_some()).collect();
        if lines.len() > MAX_MILESTONES {
            c.refuse("timeline", Reason::TooManyEntries { max: MAX_MILESTONES });
        }
        let mut timeline: Vec<Milestone> = lines.iter().filter_map(|line| c.keep(milestone(line))).collect();
        timeline.sort_by_key(|m| m.date);
        c.finish(Initiative { initiative_type, status, title, aims, partners, links, spaces, facilities, timeline })
    }

    fn to_draft(&self) -> InitiativeDraft {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        InitiativeDraft {
            initiative_type: self.initiative_type.id().to_owned(),
            status: self.status.id().to_owned(),
            title_en: text(&self.title.en),
            title_nl: text(&self.title.nl),
            aims_en: text(&self.aims.en),
            aims_nl: text(&self.aims.nl),
            partners: self.partners.join(", "),
            links: self.links.join("\n"),
            spaces: self.spaces.join(", "),
            facilities: self.facilities.join(", "),
            timeline: self.timeline.iter().map(|m| format!("{} {}", m.date, m.text)).collect::<Vec<_>>().join("\n"),
        }
    }

    fn title(&self) -> &str {
        self.title.get(Language::En)
    }

    fn language(&self) -> Option<Language> {
        None
    }

    fn facets(&self) -> Vec<(&'static str, String)> {
        let mut facets = vec![("type", self.initiative_type.id().to_owned()), ("status", self.status.id().to_owned())];
        facets.extend(self.partners.iter().map(|slug| ("partner", slug.clone())));
        facets
    }

    fn references(&self) -> Vec<Reference> {
        let organisations =
            self.partners.iter().map(|slug| Reference::Organisation { field: "partners", slug: slug.clone() });
        let spaces =
            self.spaces.iter().map(|slug| Reference::Item { field: "spaces", kind: &SPACE, slug: slug.clone() });
        let facilities = self.facilities.iter().map(|slug| Reference::Item {
            field: "facilities",
            kind: &FACILITY,
            slug: slug.clone(),
        });
        organisations.chain(spaces).chain(facilities).collect()
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        let d = self.to_draft();
        vec![
            ("type", d.initiative_type),
            ("status", d.status),
            ("title_en", d.title_en),
            ("title_nl", d.title_nl),
            ("aims_en", d.aims_en),
            ("aims_nl", d.aims_nl),
            ("partners", d.partners),
            ("links", d.links),
            ("spaces", d.spaces),
            ("facilities", d.facilities),
            ("timeline", d.timeline),
        ]
    }

    fn search_document(item: &Item<Self>) -> SearchDocument {
        let record = &item.record;
        let body = record
            .aims
            .both()
            .map(str::to_owned)
            .chain(record.timeline.iter().map(|m| m.text.clone()))
            .collect::<Vec<_>>()
            .join("\n");
        SearchDocument::of_item(item, &record.title, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> InitiativeDraft {
        InitiativeDraft {
            initiative_type: "living-lab".into(),
            status: "running".into(),
            title_en: "Amsterdam Health Data Living Lab".into(),
            aims_nl: "Zorgdata veilig beschikbaar maken voor AI-onderzoek.".into(),
            partners: "amsterdam-umc, sanquin".into(),
            links: "https://example.org/living-lab".into(),
            spaces: "ml-ii-lab-at-science-park".into(),
            timeline: "2027-03-01 First datasets published\n2026-11-15 Kick-off at the city hall".into(),
            ..InitiativeDraft::default()
        }
    }

    #[test]
    fn a_draft_becomes_a_record_and_back() {
        let record = Initiative::validate(draft()).expect("valid");
        assert_eq!(record.timeline[0].text, "Kick-off at the city hall", "oldest first");
        assert_eq!(record.references().len(), 3);
        assert_eq!(Initiative::validate(record.to_draft()), Ok(record));
    }

    #[test]
    fn every_refused_field_is_named() {
        let bad = InitiativeDraft {
            status: "paused".into(),
            partners: "Amsterdam UMC".into(),
            links: "javascript:alert(1)".into(),
            timeline: "soon Kick-off".into(),
            ..draft()
        };
        let fields: Vec<_> = Initiative::validate(bad).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["status", "partners", "links", "timeline"]);
    }
}
