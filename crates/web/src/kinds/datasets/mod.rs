//! Datasets in the web layer: the catalogue entry's form, its page (what it holds, under
//! which conditions, and how to get it) and its API shape. Everything else comes from the
//! content kernel.

mod catalogue;

use askama::Template;
use axum::response::Response;
use chrono::NaiveDate;
use lshub_dcat::RdfSyntax;
use lshub_domain::content::Item;
use lshub_domain::dataset::{terms, AccessRights, Dataset, DatasetDraft, Distribution, AGE_BANDS, DATA_THEMES};
use lshub_domain::Language;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::content::{ListFilter, Presented};
use crate::error::AppError;
use crate::i18n::Translator;
use crate::markdown;
use crate::pages::facts::{web_link, Field};
use crate::pages::forms::{Choice, FormField};
use crate::routes::RouteTable;
use crate::state::AppState;

/// Lists show this much of a description.
const SUMMARY_CHARS: usize = 280;

/// A distribution as the API shows and takes it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DistributionWire {
    /// What this way gives, e.g. "CT images".
    #[serde(default)]
    pub title: String,
    /// A file type or format, e.g. `CSV`, `DICOM`, `FHIR`.
    pub format: String,
    pub access_url: String,
    /// The licence's address; required when a distribution is written.
    pub licence: Option<String>,
    /// The size in bytes (an estimate will do); required when a distribution is written.
    pub byte_size: Option<u64>,
}

impl From<&Distribution> for DistributionWire {
    fn from(d: &Distribution) -> Self {
        DistributionWire {
            title: d.title.clone(),
            format: d.format.clone(),
            access_url: d.access_url.clone(),
            licence: d.licence.clone(),
            byte_size: d.byte_size,
        }
    }
}

/// A dataset as the API shows it: DCAT-AP and HealthDCAT-AP fields.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DatasetWire {
    pub title_en: Option<String>,
    pub title_nl: Option<String>,
    pub description_en: Option<String>,
    pub description_nl: Option<String>,
    pub keywords_en: Vec<String>,
    pub keywords_nl: Vec<String>,
    /// An e-mail address.
    pub contact_point: String,
    /// EU data theme codes, e.g. `HEAL`.
    pub themes: Vec<String>,
    /// `PUBLIC`, `RESTRICTED` or `NON_PUBLIC`.
    pub access_rights: &'static str,
    /// DPV terms (`dpv:Consent`) or their addresses.
    pub legal_basis: Vec<String>,
    pub purpose: Vec<String>,
    pub personal_data: Vec<String>,
    /// Codes with a known prefix (`MONDO:0005061`) or addresses of terms.
    pub health_categories: Vec<String>,
    pub health_themes: Vec<String>,
    /// Coding systems by name (`ICD-10`, `SNOMED CT`) or address.
    pub coding_systems: Vec<String>,
    pub code_values: Vec<String>,
    pub population_coverage: Option<String>,
    pub min_typical_age: Option<u32>,
    pub max_typical_age: Option<u32>,
    pub number_of_records: Option<u64>,
    pub number_of_unique_individuals: Option<u64>,
    pub temporal_start: Option<NaiveDate>,
    pub temporal_end: Option<NaiveDate>,
    pub spatial: Option<String>,
    /// The last day the data is kept.
    pub retention_until: Option<NaiveDate>,
    /// The health data access body that decides on access, where there is one.
    pub access_body: Option<String>,
    pub access_body_email: Option<String>,
    pub access_body_website: Option<String>,
    pub distributions: Vec<DistributionWire>,
    pub quality_annotations: Vec<String>,
    /// DUO codes that restrict the data's use, e.g. `DUO:0000042`.
    pub duo: Vec<String>,
}

/// A dataset as the API takes it. Absent fields are empty.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct DatasetInput {
    pub title_en: String,
    pub title_nl: String,
    pub description_en: String,
    pub description_nl: String,
    pub keywords_en: Vec<String>,
    pub keywords_nl: Vec<String>,
    pub contact_point: String,
    pub themes: Vec<String>,
    /// `PUBLIC`, `RESTRICTED` or `NON_PUBLIC`.
    pub access_rights: String,
    pub legal_basis: Vec<String>,
    pub purpose: Vec<String>,
    pub personal_data: Vec<String>,
    pub health_categories: Vec<String>,
    pub health_themes: Vec<String>,
    pub coding_systems: Vec<String>,
    pub code_values: Vec<String>,
    pub population_coverage: String,
    pub min_typical_age: Option<u32>,
    pub max_typical_age: Option<u32>,
    pub number_of_records: Option<u64>,
    pub number_of_unique_individuals: Option<u64>,
    pub temporal_start: Option<NaiveDate>,
    pub temporal_end: Option<NaiveDate>,
    pub spatial: String,
    pub retention_until: Option<NaiveDate>,
    pub access_body: String,
    pub access_body_email: String,
    pub access_body_website: String,
    pub distributions: Vec<DistributionWire>,
    pub quality_annotations: Vec<String>,
    pub duo: Vec<String>,
}

impl From<DatasetInput> for DatasetDraft {
    fn from(input: DatasetInput) -> Self {
        // The draft is the form's text; lists of terms become one comma-separated text,
        // lists of lines one line each, so that the API and the form share one set of rules.
        let terms = |values: Vec<String>| values.join(", ");
        let shown = |value: Option<String>| value.unwrap_or_default();
        DatasetDraft {
            title_en: input.title_en,
            title_nl: input.title_nl,
            description_en: input.description_en,
            description_nl: input.description_nl,
            keywords_en: terms(input.keywords_en),
            keywords_nl: terms(input.keywords_nl),
            contact_point: input.contact_point,
            themes: terms(input.themes),
            access_rights: input.access_rights,
            legal_basis: terms(input.legal_basis),
            purpose: terms(input.purpose),
            personal_data: terms(input.personal_data),
            health_categories: terms(input.health_categories),
            health_themes: terms(input.health_themes),
            coding_systems: terms(input.coding_systems),
            code_values: terms(input.code_values),
            population_coverage: input.population_coverage,
            min_typical_age: shown(input.min_typical_age.map(|n| n.to_string())),
            max_typical_age: shown(input.max_typical_age.map(|n| n.to_string())),
            number_of_records: shown(input.number_of_records.map(|n| n.to_string())),
            number_of_unique_individuals: shown(input.number_of_unique_individuals.map(|n| n.to_string())),
            temporal_start: shown(input.temporal_start.map(|d| d.to_string())),
            temporal_end: shown(input.temporal_end.map(|d| d.to_string())),
            spatial: input.spatial,
            retention_until: shown(input.retention_until.map(|d| d.to_string())),
            access_body: input.access_body,
            access_body_email: input.access_body_email,
            access_body_website: input.access_body_website,
            distributions: input
                .distributions
                .into_iter()
                .map(|d| {
                    Distribution {
                        title: d.title,
                        format: d.format,
                        access_url: d.access_url,
                        licence: d.licence,
                        byte_size: d.byte_size,
                    }
                    .to_line()
                })
                .collect::<Vec<_>>()
                .join("\n"),
            quality_annotations: input.quality_annotations.join("\n"),
            duo: terms(input.duo),
        }
    }
}

/// A distribution as its page's table shows it.
struct DistributionRow {
    title: String,
    format: String,
    access_url: String,
    licence: Option<String>,
    size: String,
}

/// A code (a DUO code, a disease code) with the address of its term and, where the hub has
/// imported its vocabulary, its label and short name.
struct CodedTerm {
    code: String,
    iri: String,
    label: Option<String>,
    shorthand: Option<String>,
}

#[derive(Template)]
#[template(path = "datasets/body.html")]
struct Body<'a> {
    t: &'a Translator,
    /// The description as safe HTML, and its language when that is not the page's.
    description: String,
    description_lang: Option<&'static str>,
    keywords: Vec<String>,
    facts: Vec<Field>,
    distributions: Vec<DistributionRow>,
    quality_annotations: Vec<String>,
    duo: Vec<CodedTerm>,
    codes: Vec<CodedTerm>,
    /// The catalogue items through which its data can be requested.
    requestable: Vec<crate::access::pages::ItemLink>,
}

/// The description in the page's language, else in the other, with that language.
fn description(dataset: &Dataset, lang: Language) -> (String, Option<&'static str>) {
    let (own, other, other_lang) = match lang {
        Language::En => (&dataset.description.en, &dataset.description.nl, Language::Nl),
        Language::Nl => (&dataset.description.nl, &dataset.description.en, Language::En),
    };
    match (own, other) {
        (Some(text), _) => (markdown::render(text), None),
        (None, Some(text)) => (markdown::render(text), Some(other_lang.code())),
        (None, None) => (String::new(), None),
    }
}

fn facts(t: &Translator, dataset: &Dataset) -> Vec<Field> {
    let label = |name: &str| t.t(&format!("kind-dataset-field-{name}"));
    let mut facts = Vec::new();
    let mut add = |name: &str, value: String, link: Option<String>| {
        if !value.is_empty() {
            facts.push(Field { label: label(name), value, link });
        }
    };
    add(
        "access_rights",
        t.t(&format!("dataset-access-{}", dataset.access_rights.id())),
        Some(dataset.access_rights.iri()),
    );
    add("contact_point", dataset.contact_point.clone(), Some(format!("mailto:{}", dataset.contact_point)));
    let themes = dataset.themes.iter().map(|code| t.t(&format!("dataset-theme-{}", code.to_lowercase())));
    add("themes", themes.collect::<Vec<_>>().join(", "), None);
    for (name, values) in [
        ("health_categories", &dataset.health_categories),
        ("health_themes", &dataset.health_themes),
        ("coding_systems", &dataset.coding_systems),
        ("legal_basis", &dataset.legal_basis),
        ("purpose", &dataset.purpose),
        ("personal_data", &dataset.personal_data),
    ] {
        add(name, values.join(", "), None);
    }
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    add("population_coverage", text(&dataset.population_coverage), None);
    let ages = match (dataset.min_typical_age, dataset.max_typical_age) {
        (None, None) => String::new(),
        (min, max) => format!(
            "{}–{}",
            min.map(|n| n.to_string()).unwrap_or_default(),
            max.map(|n| n.to_string()).unwrap_or_default()
        ),
    };
    add("typical_age", ages, None);
    let number = |n: Option<u64>| {
        n.and_then(|n| i64::try_from(n).ok()).map(|n| crate::pages::format::number(t.lang, n)).unwrap_or_default()
    };
    add("number_of_records", number(dataset.number_of_records), None);
    add("number_of_unique_individuals", number(dataset.number_of_unique_individuals), None);
    let day = |d: Option<NaiveDate>| d.map(|d| crate::pages::format::date(t.lang, d)).unwrap_or_default();
    let period = match (dataset.temporal_start, dataset.temporal_end) {
        (None, None) => String::new(),
        (start, end) => format!("{} – {}", day(start), day(end)),
    };
    add("temporal", period, None);
    add("spatial", text(&dataset.spatial), None);
    add("retention_until", day(dataset.retention_until), None);
    let body_link = dataset.access_body_website.as_deref().and_then(web_link);
    add("access_body", text(&dataset.access_body), body_link);
    let body_mail = dataset.access_body_email.as_ref().map(|address| format!("mailto:{address}"));
    add("access_body_email", text(&dataset.access_body_email), body_mail);
    facts
}

impl Presented for Dataset {
    const FILTERS: &'static [ListFilter] = &[
        ListFilter {
            facet: "access-rights",
            description: "Only datasets with these access rights (PUBLIC, RESTRICTED, NON_PUBLIC)",
        },
        ListFilter { facet: "theme", description: "Only datasets with this EU data theme, e.g. HEAL" },
        ListFilter { facet: "coding-system", description: "Only datasets coded in this system, e.g. ICD-10" },
        ListFilter {
            facet: "age",
            description: "Only datasets whose typical ages cover this band (0-17, 18-64, 65-plus)",
        },
        ListFilter { facet: "duo", description: "Only datasets restricted by this DUO code, e.g. DUO:0000042" },
    ];
    type Wire = DatasetWire;
    type Input = DatasetInput;

    fn filter_choices(t: &Translator, facet: &str) -> Vec<(String, String)> {
        let same = |name: &str| (name.to_owned(), name.to_owned());
        match facet {
            "access-rights" => AccessRights::ALL
                .iter()
                .map(|a| (a.id().to_owned(), t.t(&format!("dataset-access-{}", a.id()))))
                .collect(),
            "theme" => DATA_THEMES
                .iter()
                .map(|code| ((*code).to_owned(), t.t(&format!("dataset-theme-{}", code.to_lowercase()))))
                .collect(),
            "coding-system" => terms::CODING_SYSTEMS.iter().map(|(name, _)| same(name)).collect(),
            "age" => {
                AGE_BANDS.iter().map(|band| (band.id.to_owned(), t.t(&format!("dataset-age-{}", band.id)))).collect()
            }
            // DUO codes are typed in.
            _ => Vec::new(),
        }
    }

    fn form_fields(t: &Translator, draft: &DatasetDraft) -> Vec<FormField> {
        let field = |name: &'static str, kind: &'static str, value: &str| {
            FormField::new(name, t.t(&format!("kind-dataset-field-{name}")), kind).value(value.to_owned())
        };
        let hint = |name: &str| t.t(&format!("kind-dataset-field-{name}-hint"));
        let access = AccessRights::ALL
            .iter()
            .map(|a| Choice {
                value: a.id().to_owned(),
                label: t.t(&format!("dataset-access-{}", a.id())),
                selected: draft.access_rights == a.id()
                    || (draft.access_rights.is_empty() && *a == AccessRights::NonPublic),
            })
            .collect();
        let list_hint = hint("list");
        let codes_hint = t.t1(
            "kind-dataset-field-codes-hint",
            "prefixes",
            terms::PREFIXES.map(|(prefix, _)| format!("{prefix}:")).join(", "),
        );
        vec![
            field("title_en", "text", &draft.title_en).hint(hint("title")),
            field("title_nl", "text", &draft.title_nl),
            field("description_en", "textarea", &draft.description_en).hint(hint("description")),
            field("description_nl", "textarea", &draft.description_nl),
            field("keywords_en", "text", &draft.keywords_en).hint(list_hint.clone()),
            field("keywords_nl", "text", &draft.keywords_nl).hint(list_hint.clone()),
            field("contact_point", "text", &draft.contact_point).hint(hint("contact_point")).required(),
            field("access_rights", "select", &draft.access_rights).choices(access),
            field("themes", "text", &draft.themes).hint(t.t1(
                "kind-dataset-field-themes-hint",
                "codes",
                DATA_THEMES.join(", "),
            )),
            field("health_categories", "text", &draft.health_categories).hint(codes_hint.clone()),
            field("health_themes", "text", &draft.health_themes).hint(codes_hint.clone()),
            field("coding_systems", "text", &draft.coding_systems).hint(t.t1(
                "kind-dataset-field-coding_systems-hint",
                "names",
                terms::CODING_SYSTEMS.map(|(name, _)| name).join(", "),
            )),
            field("code_values", "text", &draft.code_values).hint(codes_hint),
            field("legal_basis", "text", &draft.legal_basis).hint(hint("dpv")),
            field("purpose", "text", &draft.purpose).hint(hint("dpv")),
            field("personal_data", "text", &draft.personal_data).hint(hint("dpv")),
            field("population_coverage", "text", &draft.population_coverage),
            field("min_typical_age", "text", &draft.min_typical_age).hint(hint("number")),
            field("max_typical_age", "text", &draft.max_typical_age).hint(hint("number")),
            field("number_of_records", "text", &draft.number_of_records).hint(hint("number")),
            field("number_of_unique_individuals", "text", &draft.number_of_unique_individuals).hint(hint("number")),
            field("temporal_start", "date", &draft.temporal_start),
            field("temporal_end", "date", &draft.temporal_end),
            field("spatial", "text", &draft.spatial),
            field("retention_until", "date", &draft.retention_until),
            field("access_body", "text", &draft.access_body).hint(hint("access_body")),
            field("access_body_email", "email", &draft.access_body_email),
            field("access_body_website", "url", &draft.access_body_website),
            field("distributions", "textarea", &draft.distributions).hint(hint("distributions")),
            field("quality_annotations", "textarea", &draft.quality_annotations).hint(hint("lines")),
            field("duo", "text", &draft.duo).hint(hint("duo")),
        ]
    }

    async fn page_html(state: &AppState, item: &Item<Self>, t: &Translator) -> Result<String, AppError> {
        let dataset = &item.record;
        let keywords = match t.lang {
            Language::En if !dataset.keywords_en.is_empty() => &dataset.keywords_en,
            Language::Nl if !dataset.keywords_nl.is_empty() => &dataset.keywords_nl,
            _ if dataset.keywords_en.is_empty() => &dataset.keywords_nl,
            _ => &dataset.keywords_en,
        };
        let (description, description_lang) = description(dataset, t.lang);
        let duo_terms = state.db.terms(terms::DUO).await?;
        let mut codes = Vec::with_capacity(dataset.code_values.len());
        for code in &dataset.code_values {
            let scheme = code.split_once(':').map_or("", |(prefix, _)| prefix);
            let term = state.db.term(scheme, code).await?;
            codes.push(CodedTerm {
                code: code.clone(),
                iri: terms::iri(code),
                label: term.map(|term| term.label),
                shorthand: None,
            });
        }
        let body = Body {
            t,
            description,
            description_lang,
            keywords: keywords.clone(),
            facts: facts(t, dataset),
            distributions: dataset
                .distributions
                .iter()
                .map(|d| DistributionRow {
                    title: d.title.clone(),
                    format: d.format.clone(),
                    access_url: d.access_url.clone(),
                    licence: d.licence.clone(),
                    size: d.byte_size.map(|n| crate::pages::format::bytes(t.lang, n)).unwrap_or_default(),
                })
                .collect(),
            quality_annotations: dataset.quality_annotations.clone(),
            duo: dataset
                .duo
                .iter()
                .map(|code| {
                    let term = duo_terms.iter().find(|term| term.code == *code);
                    CodedTerm {
                        code: code.clone(),
                        iri: terms::iri(code),
                        label: term.map(|term| term.label.clone()),
                        shorthand: term.and_then(|term| term.shorthand.clone()),
                    }
                })
                .collect(),
            codes,
            requestable: crate::access::pages::items_offering(state, t.lang, &item.slug).await?,
        };
        Ok(body.render()?)
    }

    fn summary(&self) -> String {
        crate::feeds::excerpt(&markdown::plain_text(self.description.get(Language::En)), SUMMARY_CHARS)
    }

    fn html(&self) -> String {
        markdown::render(self.description.get(Language::En))
    }

    fn wire(&self) -> DatasetWire {
        DatasetWire {
            title_en: self.title.en.clone(),
            title_nl: self.title.nl.clone(),
            description_en: self.description.en.clone(),
            description_nl: self.description.nl.clone(),
            keywords_en: self.keywords_en.clone(),
            keywords_nl: self.keywords_nl.clone(),
            contact_point: self.contact_point.clone(),
            themes: self.themes.clone(),
            access_rights: self.access_rights.id(),
            legal_basis: self.legal_basis.clone(),
            purpose: self.purpose.clone(),
            personal_data: self.personal_data.clone(),
            health_categories: self.health_categories.clone(),
            health_themes: self.health_themes.clone(),
            coding_systems: self.coding_systems.clone(),
            code_values: self.code_values.clone(),
            population_coverage: self.population_coverage.clone(),
            min_typical_age: self.min_typical_age,
            max_typical_age: self.max_typical_age,
            number_of_records: self.number_of_records,
            number_of_unique_individuals: self.number_of_unique_individuals,
            temporal_start: self.temporal_start,
            temporal_end: self.temporal_end,
            spatial: self.spatial.clone(),
            retention_until: self.retention_until,
            access_body: self.access_body.clone(),
            access_body_email: self.access_body_email.clone(),
            access_body_website: self.access_body_website.clone(),
            distributions: self.distributions.iter().map(DistributionWire::from).collect(),
            quality_annotations: self.quality_annotations.clone(),
            duo: self.duo.clone(),
        }
    }

    fn own_routes() -> RouteTable {
        catalogue::routes()
    }

    fn negotiate(state: &AppState, item: &Item<Self>, accept: &str) -> Result<Option<Response>, AppError> {
        RdfSyntax::from_accept(accept).map(|syntax| catalogue::dataset(state, item, syntax)).transpose()
    }
}
