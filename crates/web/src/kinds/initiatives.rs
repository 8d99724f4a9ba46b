//! Initiatives in the web layer: their form, their page (type, status, partners, links, the
//! spaces and facilities they use, the aims and the timeline) and their API shape. The
//! directory's organisation pages list the initiatives each runs or takes part in; the
//! content kernel does the rest.

use askama::Template;
use lshub_domain::content::{Item, Written};
use lshub_domain::facility::Facility;
use lshub_domain::initiative::{Initiative, InitiativeDraft, InitiativeStatus, InitiativeType};
use lshub_domain::space::Space;
use lshub_domain::Language;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::content::{ListFilter, Presented};
use crate::error::AppError;
use crate::i18n::Translator;
use crate::pages::facts::Field;
use crate::pages::format;
use crate::pages::forms::{choices, FormField};
use crate::state::AppState;

const SUMMARY_CHARS: usize = 280;

/// A dated entry of an initiative's timeline.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MilestoneWire {
    pub date: chrono::NaiveDate,
    pub text: String,
}

/// An initiative as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InitiativeWire {
    /// programme, project, consortium, public-private-partnership or living-lab.
    #[serde(rename = "type")]
    pub initiative_type: &'static str,
    /// idea, starting, running or ended.
    pub status: &'static str,
    pub title_en: Option<String>,
    pub title_nl: Option<String>,
    pub aims_en: Option<String>,
    pub aims_nl: Option<String>,
    /// Address names of the partner organisations besides the owner.
    pub partners: Vec<String>,
    pub links: Vec<String>,
    /// Address names of the spaces and facilities it uses.
    pub spaces: Vec<String>,
    pub facilities: Vec<String>,
    /// Oldest first.
    pub timeline: Vec<MilestoneWire>,
}

/// An initiative as the API takes it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct InitiativeInput {
    #[serde(rename = "type")]
    pub initiative_type: String,
    pub status: String,
    pub title_en: String,
    pub title_nl: String,
    pub aims_en: String,
    pub aims_nl: String,
    pub partners: Vec<String>,
    pub links: Vec<String>,
    pub spaces: Vec<String>,
    pub facilities: Vec<String>,
    pub timeline: Vec<MilestoneWire>,
}

impl From<InitiativeInput> for InitiativeDraft {
    fn from(i: InitiativeInput) -> Self {
        InitiativeDraft {
            initiative_type: i.initiative_type,
            status: i.status,
            title_en: i.title_en,
            title_nl: i.title_nl,
            aims_en: i.aims_en,
            aims_nl: i.aims_nl,
            partners: i.partners.join(", "),
            links: i.links.join("\n"),
            spaces: i.spaces.join(", "),
            facilities: i.facilities.join(", "),
            timeline: i.timeline.iter().map(|m| format!("{} {}", m.date, m.text)).collect::<Vec<_>>().join("\n"),
        }
    }
}

#[derive(Template)]
#[template(path = "initiatives/body.html")]
struct Body<'a> {
    t: &'a Translator,
    facts: Vec<Field>,
    aims_en: Option<String>,
    aims_nl: Option<String>,
    /// Date and text, oldest first.
    timeline: Vec<(String, String)>,
}

impl Presented for Initiative {
    const FILTERS: &'static [ListFilter] = &[
        ListFilter {
            facet: "type",
            description: "Only initiatives of this type (programme, project, consortium, public-private-partnership, \
                          living-lab)",
        },
        ListFilter { facet: "status", description: "Only initiatives in this status (idea, starting, running, ended)" },
        ListFilter {
            facet: "partner",
            description: "Only initiatives this organisation is a partner of (its address name)",
        },
    ];
    type Wire = InitiativeWire;
    type Input = InitiativeInput;

    fn filter_choices(t: &Translator, facet: &str) -> Vec<(String, String)> {
        match facet {
            "type" => InitiativeType::ALL
                .iter()
                .map(|x| (x.id().to_owned(), t.t(&format!("initiative-type-{}", x.id()))))
                .collect(),
            "status" => InitiativeStatus::ALL
                .iter()
                .map(|x| (x.id().to_owned(), t.t(&format!("initiative-status-{}", x.id()))))
                .collect(),
            _ => Vec::new(),
        }
    }

    fn form_fields(t: &Translator, d: &InitiativeDraft) -> Vec<FormField> {
        let field = |name: &'static str, kind: &'static str, value: &str| {
            FormField::new(name, t.t(&format!("kind-initiative-field-{name}")), kind).value(value.to_owned())
        };
        let hint = |name: &str| t.t(&format!("kind-initiative-field-{name}-hint"));
        let types: Vec<&str> = InitiativeType::ALL.iter().map(|x| x.id()).collect();
        let states: Vec<&str> = InitiativeStatus::ALL.iter().map(|x| x.id()).collect();
        vec![
            field("type", "select", "").choices(choices(t, "initiative-type", &types, &d.initiative_type, None)),
            field("status", "select", "").choices(choices(t, "initiative-status", &states, &d.status, None)),
            field("title_en", "text", &d.title_en).hint(hint("title")),
            field("title_nl", "text", &d.title_nl),
            field("aims_en", "textarea", &d.aims_en),
            field("aims_nl", "textarea", &d.aims_nl),
            field("partners", "textarea", &d.partners).hint(hint("partners")),
            field("links", "textarea", &d.links).hint(hint("links")),
            field("spaces", "text", &d.spaces).hint(hint("uses")),
            field("facilities", "text", &d.facilities).hint(hint("uses")),
            field("timeline", "textarea", &d.timeline).hint(hint("timeline")),
        ]
    }

    async fn page_html(state: &AppState, item: &Item<Self>, t: &Translator) -> Result<String, AppError> {
        let i = &item.record;
        let fact = |name: &str, value: String, link: Option<String>| Field {
            label: t.t(&format!("kind-initiative-field-{name}")),
            value,
            link,
        };
        let mut facts = vec![
            fact("type", t.t(&format!("initiative-type-{}", i.initiative_type.id())), None),
            fact("status", t.t(&format!("initiative-status-{}", i.status.id())), None),
        ];
        for slug in &i.partners {
            // Saving checked that each exists; one deleted since is shown by its address name.
            let name = state.db.organisation_by_slug(slug).await?.map_or_else(|| slug.clone(), |o| o.profile.name);
            facts.push(fact("partners", name, Some(format!("/organisations/{slug}"))));
        }
        for slug in &i.spaces {
            let title =
                state.db.item::<Space>(slug).await?.map_or_else(|| slug.clone(), |s| s.record.title().to_owned());
            facts.push(fact("spaces", title, Some(format!("/spaces/{slug}"))));
        }
        for slug in &i.facilities {
            let title =
                state.db.item::<Facility>(slug).await?.map_or_else(|| slug.clone(), |f| f.record.title().to_owned());
            facts.push(fact("facilities", title, Some(format!("/facilities/{slug}"))));
        }
        for link in &i.links {
            facts.push(fact("links", link.clone(), Some(link.clone())));
        }
        let timeline = i.timeline.iter().map(|m| (format::date(t.lang, m.date), m.text.clone())).collect();
        let body = Body { t, facts, aims_en: i.aims.en.clone(), aims_nl: i.aims.nl.clone(), timeline };
        Ok(body.render()?)
    }

    fn summary(&self) -> String {
        crate::feeds::excerpt(self.aims.get(Language::En), SUMMARY_CHARS)
    }

    fn html(&self) -> String {
        self.aims.both().map(crate::markdown::render).collect()
    }

    fn wire(&self) -> InitiativeWire {
        InitiativeWire {
            initiative_type: self.initiative_type.id(),
            status: self.status.id(),
            title_en: self.title.en.clone(),
            title_nl: self.title.nl.clone(),
            aims_en: self.aims.en.clone(),
            aims_nl: self.aims.nl.clone(),
            partners: self.partners.clone(),
            links: self.links.clone(),
            spaces: self.spaces.clone(),
            facilities: self.facilities.clone(),
            timeline: self.timeline.iter().map(|m| MilestoneWire { date: m.date, text: m.text.clone() }).collect(),
        }
    }
}
