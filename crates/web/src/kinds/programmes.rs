//! Talent programmes in the web layer: their form, their page (type, hosts, eligibility,
//! intakes, where to apply, and the open vacancies that name the programme) and their API
//! shape. The content kernel does the rest.

use askama::Template;
use lshub_domain::content::Item;
use lshub_domain::talent::{Programme, ProgrammeDraft, ProgrammeType, Vacancy};
use lshub_domain::{Language, Pagination};
use lshub_storage::content::ItemFilter;
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
/// Open vacancies shown on a programme's page.
const VACANCIES_SHOWN: u32 = 50;

/// A talent programme as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProgrammeWire {
    /// phd-track, fellowship, traineeship, course, summer-school or ai-for-health.
    #[serde(rename = "type")]
    pub programme_type: &'static str,
    pub title_en: Option<String>,
    pub title_nl: Option<String>,
    pub description_en: Option<String>,
    pub description_nl: Option<String>,
    /// Address names of the host organisations besides the owner.
    pub hosts: Vec<String>,
    pub eligibility_en: Option<String>,
    pub eligibility_nl: Option<String>,
    /// The days new participants start.
    pub intakes: Vec<chrono::NaiveDate>,
    pub apply_url: String,
}

/// A talent programme as the API takes it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct ProgrammeInput {
    #[serde(rename = "type")]
    pub programme_type: String,
    pub title_en: String,
    pub title_nl: String,
    pub description_en: String,
    pub description_nl: String,
    pub hosts: Vec<String>,
    pub eligibility_en: String,
    pub eligibility_nl: String,
    /// YYYY-MM-DD each; new ones not in the past.
    pub intakes: Vec<String>,
    pub apply_url: String,
}

impl From<ProgrammeInput> for ProgrammeDraft {
    fn from(i: ProgrammeInput) -> Self {
        ProgrammeDraft {
            programme_type: i.programme_type,
            title_en: i.title_en,
            title_nl: i.title_nl,
            description_en: i.description_en,
            description_nl: i.description_nl,
            hosts: i.hosts.join(", "),
            eligibility_en: i.eligibility_en,
            eligibility_nl: i.eligibility_nl,
            intakes: i.intakes.join(", "),
            apply_url: i.apply_url,
        }
    }
}

#[derive(Template)]
#[template(path = "programmes/body.html")]
struct Body<'a> {
    t: &'a Translator,
    slug: &'a str,
    facts: Vec<Field>,
    description_en: Option<String>,
    description_nl: Option<String>,
    eligibility_en: Option<String>,
    eligibility_nl: Option<String>,
    apply_url: &'a str,
    /// Open vacancies that name the programme: address name and title.
    vacancies: Vec<(String, String)>,
}

impl Presented for Programme {
    const FILTERS: &'static [ListFilter] = &[
        ListFilter {
            facet: "type",
            description: "Only programmes of this type (phd-track, fellowship, traineeship, course, summer-school, \
                          ai-for-health)",
        },
        ListFilter { facet: "host", description: "Only programmes this organisation hosts (its address name)" },
    ];
    type Wire = ProgrammeWire;
    type Input = ProgrammeInput;

    fn filter_choices(t: &Translator, facet: &str) -> Vec<(String, String)> {
        match facet {
            "type" => ProgrammeType::ALL
                .iter()
                .map(|x| (x.id().to_owned(), t.t(&format!("programme-type-{}", x.id()))))
                .collect(),
            _ => Vec::new(),
        }
    }

    fn form_fields(t: &Translator, d: &ProgrammeDraft) -> Vec<FormField> {
        let field = |name: &'static str, kind: &'static str, value: &str| {
            FormField::new(name, t.t(&format!("kind-programme-field-{name}")), kind).value(value.to_owned())
        };
        let hint = |name: &str| t.t(&format!("kind-programme-field-{name}-hint"));
        let types: Vec<&str> = ProgrammeType::ALL.iter().map(|x| x.id()).collect();
        vec![
            field("type", "select", "").choices(choices(t, "programme-type", &types, &d.programme_type, None)),
            field("title_en", "text", &d.title_en).hint(hint("title")),
            field("title_nl", "text", &d.title_nl),
            field("description_en", "textarea", &d.description_en),
            field("description_nl", "textarea", &d.description_nl),
            field("hosts", "text", &d.hosts).hint(hint("hosts")),
            field("eligibility_en", "textarea", &d.eligibility_en),
            field("eligibility_nl", "textarea", &d.eligibility_nl),
            field("intakes", "text", &d.intakes).hint(hint("intakes")),
            field("apply_url", "url", &d.apply_url).required(),
        ]
    }

    async fn page_html(state: &AppState, item: &Item<Self>, t: &Translator) -> Result<String, AppError> {
        let p = &item.record;
        let fact = |name: &str, value: String| Field {
            label: t.t(&format!("kind-programme-field-{name}")),
            value,
            link: None,
        };
        let mut facts = vec![fact("type", t.t(&format!("programme-type-{}", p.programme_type.id())))];
        for slug in &p.hosts {
            // Saving checked that each exists; one deleted since is shown by its address name.
            let name = state.db.organisation_by_slug(slug).await?.map_or_else(|| slug.clone(), |o| o.profile.name);
            facts.push(Field { link: Some(format!("/organisations/{slug}")), ..fact("hosts", name) });
        }
        if !p.intakes.is_empty() {
            let dates: Vec<String> = p.intakes.iter().map(|d| format::date(t.lang, *d)).collect();
            facts.push(fact("intakes", dates.join(", ")));
        }
        let filter = ItemFilter {
            facets: vec![("programme".to_owned(), item.slug.clone())],
            listed_on: Some(state.today()),
            pagination: Pagination { limit: VACANCIES_SHOWN, offset: 0 },
            ..ItemFilter::default()
        };
        let vacancies = state
            .db
            .list_items::<Vacancy>(&filter)
            .await?
            .items
            .into_iter()
            .map(|v| (v.slug, v.record.title.get(t.lang).to_owned()))
            .collect();
        let body = Body {
            t,
            slug: &item.slug,
            facts,
            description_en: p.description.en.clone(),
            description_nl: p.description.nl.clone(),
            eligibility_en: p.eligibility.en.clone(),
            eligibility_nl: p.eligibility.nl.clone(),
            apply_url: &p.apply_url,
            vacancies,
        };
        Ok(body.render()?)
    }

    fn summary(&self) -> String {
        crate::feeds::excerpt(self.description.get(Language::En), SUMMARY_CHARS)
    }

    fn html(&self) -> String {
        self.description.both().chain(self.eligibility.both()).map(crate::markdown::render).collect()
    }

    fn wire(&self) -> ProgrammeWire {
        ProgrammeWire {
            programme_type: self.programme_type.id(),
            title_en: self.title.en.clone(),
            title_nl: self.title.nl.clone(),
            description_en: self.description.en.clone(),
            description_nl: self.description.nl.clone(),
            hosts: self.hosts.clone(),
            eligibility_en: self.eligibility.en.clone(),
            eligibility_nl: self.eligibility.nl.clone(),
            intakes: self.intakes.clone(),
            apply_url: self.apply_url.clone(),
        }
    }
}
