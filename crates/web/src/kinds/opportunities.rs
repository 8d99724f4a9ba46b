//! Needs and offers in the web layer: their form fields, their page (the description in
//! both languages, what it seeks, and what matches it: offers for a need, needs for an
//! offer, calls for both, each with its reasons) and their API shape. Everything else comes
//! from the content kernel, which also keeps a members-only item's organisation from
//! visitors.

use askama::Template;
use lshub_domain::content::{Item, Written};
use lshub_domain::opportunity::{Opportunity, OpportunityDraft, OpportunityType, PartnerSought, Stage};
use lshub_domain::CallStatus;
use lshub_search::{EntityType, MatchSource};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::content::{ListFilter, Presented};
use crate::error::AppError;
use crate::i18n::Translator;
use crate::pages::forms::{choices, FormField};
use crate::pages::matching::{row, MatchRow};
use crate::state::AppState;

/// Lists show this much of a description.
const SUMMARY_CHARS: usize = 280;
/// Matches shown per section.
const SHOWN: usize = 6;

/// A need or an offer as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OpportunityWire {
    /// technology-offer, technology-request, business-offer, business-request,
    /// rd-partner-request, expertise, equipment or data.
    #[serde(rename = "type")]
    pub opportunity_type: &'static str,
    pub title_en: Option<String>,
    pub title_nl: Option<String>,
    pub description_en: Option<String>,
    pub description_nl: Option<String>,
    pub sectors: Vec<String>,
    /// idea, lab, prototype, demonstrated or market, where it applies.
    pub stage: Option<&'static str>,
    /// any, company, research, healthcare, government or investor.
    pub partner_sought: &'static str,
    /// `members`: visitors see it without the organisation's name.
    pub visibility: &'static str,
}

/// A need or an offer as the API takes it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct OpportunityInput {
    #[serde(rename = "type")]
    pub opportunity_type: String,
    pub title_en: String,
    pub title_nl: String,
    pub description_en: String,
    pub description_nl: String,
    pub sectors: Vec<String>,
    pub stage: String,
    pub partner_sought: String,
    /// `public` (default) or `members`.
    pub visibility: String,
}

impl From<OpportunityInput> for OpportunityDraft {
    fn from(i: OpportunityInput) -> Self {
        OpportunityDraft {
            opportunity_type: i.opportunity_type,
            title_en: i.title_en,
            title_nl: i.title_nl,
            description_en: i.description_en,
            description_nl: i.description_nl,
            sectors: i.sectors.join(", "),
            stage: i.stage,
            partner_sought: i.partner_sought,
            visibility: i.visibility,
        }
    }
}

#[derive(Template)]
#[template(path = "opportunities/body.html")]
struct Body<'a> {
    t: &'a Translator,
    slug: String,
    opportunity_type: String,
    description_en: Option<String>,
    description_nl: Option<String>,
    sectors: String,
    stage: Option<String>,
    partner_sought: String,
    members_only: bool,
    answers_heading: String,
    answers: Vec<MatchRow>,
    calls: Vec<MatchRow>,
}

/// Items of the complementary types that match `item`, and open or forthcoming calls that fit
/// it, each with why.
async fn matches(
    state: &AppState,
    t: &Translator,
    item: &Item<Opportunity>,
) -> Result<(Vec<MatchRow>, Vec<MatchRow>), AppError> {
    let source = MatchSource::Entity(Opportunity::search_document(item));
    let wanted = item.record.opportunity_type.complements();
    let mut answers = Vec::new();
    for hit in
        crate::api::matching::find(state, &source, EntityType(&lshub_domain::content::OPPORTUNITY), SHOWN * 4).await?
    {
        if answers.len() == SHOWN || hit.key == item.slug {
            continue;
        }
        let Some(other) = state.db.item::<Opportunity>(&hit.key).await? else { continue };
        if wanted.contains(&other.record.opportunity_type) && other.is_listed(state.today()) {
            answers.push(row(t, &hit));
        }
    }
    let mut calls = Vec::new();
    for hit in crate::api::matching::find(state, &source, EntityType::CALL, SHOWN * 3).await? {
        if calls.len() == SHOWN {
            break;
        }
        let Some(call) = state.db.call_by_topic_id(&hit.id).await? else { continue };
        if call.content.status_on(state.today()) != CallStatus::Closed {
            calls.push(row(t, &hit));
        }
    }
    Ok((answers, calls))
}

impl Presented for Opportunity {
    const FILTERS: &'static [ListFilter] = &[
        ListFilter {
            facet: "type", description: "Only items of this type (technology-offer, technology-request, …)"
        },
        ListFilter { facet: "stage", description: "Only items at this development stage (idea, lab, prototype, …)" },
        ListFilter {
            facet: "partner",
            description: "Only items that seek this kind of partner (company, research, …)",
        },
    ];
    type Wire = OpportunityWire;
    type Input = OpportunityInput;

    fn filter_choices(t: &Translator, facet: &str) -> Vec<(String, String)> {
        let (prefix, ids): (&str, Vec<&str>) = match facet {
            "type" => ("opportunity-type", OpportunityType::ALL.iter().map(|x| x.id()).collect()),
            "stage" => ("opportunity-stage", Stage::ALL.iter().map(|x| x.id()).collect()),
            _ => ("opportunity-partner", PartnerSought::ALL.iter().map(|x| x.id()).collect()),
        };
        ids.into_iter().map(|id| (id.to_owned(), t.t(&format!("{prefix}-{id}")))).collect()
    }

    fn form_fields(t: &Translator, d: &OpportunityDraft) -> Vec<FormField> {
        let field = |name: &'static str, kind: &'static str, value: &str| {
            FormField::new(name, t.t(&format!("kind-opportunity-field-{name}")), kind).value(value.to_owned())
        };
        let types: Vec<&str> = OpportunityType::ALL.iter().map(|x| x.id()).collect();
        let stages: Vec<&str> = Stage::ALL.iter().map(|x| x.id()).collect();
        let partners: Vec<&str> = PartnerSought::ALL.iter().map(|x| x.id()).collect();
        let visibility = if d.visibility.is_empty() { "public" } else { d.visibility.as_str() };
        vec![
            field("type", "select", "").choices(choices(t, "opportunity-type", &types, &d.opportunity_type, None)),
            field("title_en", "text", &d.title_en).hint(t.t("kind-opportunity-field-title-hint")),
            field("title_nl", "text", &d.title_nl),
            field("description_en", "textarea", &d.description_en),
            field("description_nl", "textarea", &d.description_nl),
            field("sectors", "text", &d.sectors).hint(t.t("kind-opportunity-field-sectors-hint")),
            field("stage", "select", "").choices(choices(
                t,
                "opportunity-stage",
                &stages,
                &d.stage,
                Some(t.t("opportunity-stage-none")),
            )),
            field("partner_sought", "select", "").choices(choices(
                t,
                "opportunity-partner",
                &partners,
                if d.partner_sought.is_empty() { "any" } else { &d.partner_sought },
                None,
            )),
            field("visibility", "select", "")
                .choices(choices(t, "opportunity-visibility", &["public", "members"], visibility, None))
                .hint(t.t("kind-opportunity-field-visibility-hint")),
        ]
    }

    async fn page_html(state: &AppState, item: &Item<Self>, t: &Translator) -> Result<String, AppError> {
        let o = &item.record;
        let (answers, calls) = matches(state, t, item).await?;
        let body = Body {
            t,
            slug: item.slug.clone(),
            opportunity_type: t.t(&format!("opportunity-type-{}", o.opportunity_type.id())),
            description_en: o.description.en.clone(),
            description_nl: o.description.nl.clone(),
            sectors: o.sectors.join(", "),
            stage: o.stage.map(|s| t.t(&format!("opportunity-stage-{}", s.id()))),
            partner_sought: t.t(&format!("opportunity-partner-{}", o.partner_sought.id())),
            members_only: o.members_only,
            answers_heading: t.t(if o.opportunity_type.is_need() {
                "kind-opportunity-matching-offers"
            } else {
                "kind-opportunity-matching-needs"
            }),
            answers,
            calls,
        };
        Ok(body.render()?)
    }

    fn summary(&self) -> String {
        crate::feeds::excerpt(self.description.get(lshub_domain::Language::En), SUMMARY_CHARS)
    }

    fn html(&self) -> String {
        // Plain text, made safe HTML by the same renderer as Markdown.
        self.description.both().map(crate::markdown::render).collect()
    }

    fn wire(&self) -> OpportunityWire {
        OpportunityWire {
            opportunity_type: self.opportunity_type.id(),
            title_en: self.title.en.clone(),
            title_nl: self.title.nl.clone(),
            description_en: self.description.en.clone(),
            description_nl: self.description.nl.clone(),
            sectors: self.sectors.clone(),
            stage: self.stage.map(Stage::id),
            partner_sought: self.partner_sought.id(),
            visibility: if self.members_only { "members" } else { "public" },
        }
    }
}
