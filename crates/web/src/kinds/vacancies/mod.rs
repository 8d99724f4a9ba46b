//! Vacancies in the web layer: their form, their page (the facts EURAXESS shows, how to
//! apply, the JobPosting JSON-LD while open, and the owner's "filled" button), their API
//! shape, filling through a page and the API, and `/feeds/vacancies.json`, every open
//! vacancy as a JobPosting for partners' sites. The content kernel does the rest.

mod jobposting;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use lshub_domain::content::Item;
use lshub_domain::talent::{
    ApplyBy, ContractType, Education, EmploymentType, ResearcherProfile, SalaryUnit, Vacancy, VacancyDraft, Workplace,
};
use lshub_domain::{Language, Pagination};
use lshub_service::talent;
use lshub_storage::content::ItemFilter;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use jobposting::job_posting;

use crate::auth::Auth;
use crate::content::{describe_item_action, ItemAction, ItemWire, ListFilter, Presented};
use crate::error::AppError;
use crate::i18n::Translator;
use crate::pages::facts::Field;
use crate::pages::forms::{choices, FormField};
use crate::pages::{format, see_other};
use crate::public_cache::public;
use crate::routes::RouteTable;
use crate::state::AppState;

/// Lists show this much of a description.
const SUMMARY_CHARS: usize = 280;
/// The JSON export holds every open vacancy, up to this many.
const EXPORT_LIMIT: u32 = 1_000;

/// A vacancy as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VacancyWire {
    pub title_en: Option<String>,
    pub title_nl: Option<String>,
    pub description_en: Option<String>,
    pub description_nl: Option<String>,
    /// r1 to r4: the European Framework for Research Careers' profiles.
    pub researcher_profiles: Vec<&'static str>,
    pub research_field: Option<String>,
    /// permanent, fixed-term or to-be-defined.
    pub contract: &'static str,
    pub hours_per_week: Option<u32>,
    /// full-time, part-time, contractor, temporary or intern.
    pub employment_type: &'static str,
    pub positions: u32,
    /// Each as `town, CC`.
    pub places: Vec<String>,
    /// on-site, hybrid or remote.
    pub workplace: &'static str,
    /// ISO 3166-1 alpha-2 codes of the countries applicants may live in.
    pub applicant_countries: Vec<String>,
    /// secondary, vocational, bachelor, master or doctorate.
    pub education: Option<&'static str>,
    pub experience_months: Option<u32>,
    /// Each as `en C1`.
    pub languages: Vec<String>,
    /// Gross, in whole euro.
    pub salary_min: Option<u32>,
    pub salary_max: Option<u32>,
    /// month or year.
    pub salary_unit: Option<&'static str>,
    pub salary_scale: Option<String>,
    /// The EU programme that funds it; null if not EU-funded.
    pub eu_funding: Option<String>,
    pub deadline: chrono::NaiveDate,
    pub starts_on: Option<chrono::NaiveDate>,
    /// A web address, or `mailto:` and an e-mail address.
    pub apply: String,
    /// The address name of its talent programme.
    pub programme: Option<String>,
    /// The day it was marked filled.
    pub filled_on: Option<chrono::NaiveDate>,
}

/// A vacancy as the API takes it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct VacancyInput {
    pub title_en: String,
    pub title_nl: String,
    pub description_en: String,
    pub description_nl: String,
    /// R1 to R4.
    pub researcher_profiles: Vec<String>,
    pub research_field: String,
    /// permanent (default), fixed-term or to-be-defined.
    pub contract: String,
    pub hours_per_week: Option<u32>,
    /// full-time (default), part-time, contractor, temporary or intern.
    pub employment_type: String,
    /// 1 when none.
    pub positions: Option<u32>,
    /// `Amsterdam` (in the Netherlands) or `Leuven, BE`; one at least unless remote.
    pub places: Vec<String>,
    /// on-site (default), hybrid or remote.
    pub workplace: String,
    /// ISO country codes; one at least for remote work.
    pub applicant_countries: Vec<String>,
    /// secondary, vocational, bachelor, master or doctorate.
    pub education: String,
    pub experience_months: Option<u32>,
    /// `en C1`, `nl B2`.
    pub languages: Vec<String>,
    pub salary_min: Option<u32>,
    pub salary_max: Option<u32>,
    /// month (default) or year.
    pub salary_unit: String,
    pub salary_scale: String,
    pub eu_funding: String,
    /// YYYY-MM-DD, the last day to apply; not in the past.
    pub deadline: String,
    /// YYYY-MM-DD; not in the past.
    pub starts_on: String,
    /// A web address or an e-mail address.
    pub apply: String,
    /// The address name of a published talent programme.
    pub programme: String,
}

impl From<VacancyInput> for VacancyDraft {
    fn from(i: VacancyInput) -> Self {
        let number = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
        VacancyDraft {
            title_en: i.title_en,
            title_nl: i.title_nl,
            description_en: i.description_en,
            description_nl: i.description_nl,
            researcher_profiles: i.researcher_profiles.join(", "),
            research_field: i.research_field,
            contract: i.contract,
            hours_per_week: number(i.hours_per_week),
            employment_type: i.employment_type,
            positions: number(i.positions),
            places: i.places.join("\n"),
            workplace: i.workplace,
            applicant_countries: i.applicant_countries.join(", "),
            education: i.education,
            experience_months: number(i.experience_months),
            languages: i.languages.join(", "),
            salary_min: number(i.salary_min),
            salary_max: number(i.salary_max),
            salary_unit: i.salary_unit,
            salary_scale: i.salary_scale,
            eu_funding: i.eu_funding,
            deadline: i.deadline,
            starts_on: i.starts_on,
            apply: i.apply,
            programme: i.programme,
        }
    }
}

#[derive(Template)]
#[template(path = "vacancies/body.html")]
struct Body<'a> {
    t: &'a Translator,
    facts: Vec<Field>,
    description_en: Option<String>,
    description_nl: Option<String>,
    /// Where to apply, while it is open.
    apply: Option<String>,
    /// schema.org JobPosting, escaped for the script element; empty once it has closed.
    json_ld: String,
}

fn ids<T: Copy>(all: &[T], id: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|x| id(*x)).collect()
}

/// "€ 2,901 – € 3,707 per month".
fn salary_text(t: &Translator, vacancy: &Vacancy) -> Option<String> {
    let salary = vacancy.salary?;
    let range = format::budget_range(t.lang, Some(i64::from(salary.min)), Some(i64::from(salary.max)))?;
    Some(format!("{range} {}", t.t(&format!("vacancy-salary-per-{}", salary.unit.id()))))
}

fn facts(t: &Translator, item: &Item<Vacancy>, programme: Option<(String, String)>) -> Vec<Field> {
    let v = &item.record;
    let fact =
        |name: &str, value: String| Field { label: t.t(&format!("kind-vacancy-field-{name}")), value, link: None };
    let mut facts = vec![fact("deadline", format::date(t.lang, v.deadline))];
    if let Some(filled) = v.filled_on {
        facts.push(fact("filled_on", format::date(t.lang, filled)));
    }
    facts.push(fact("employment_type", t.t(&format!("vacancy-employment-{}", v.employment_type.id()))));
    facts.push(fact("contract", t.t(&format!("vacancy-contract-{}", v.contract.id()))));
    facts.extend(v.hours_per_week.map(|h| fact("hours_per_week", h.to_string())));
    facts.push(fact("positions", v.positions.to_string()));
    facts.push(fact("workplace", t.t(&format!("vacancy-workplace-{}", v.workplace.id()))));
    if !v.places.is_empty() {
        let places: Vec<String> = v.places.iter().map(|p| format!("{} ({})", p.locality, p.country)).collect();
        facts.push(fact("places", places.join(", ")));
    }
    if !v.applicant_countries.is_empty() {
        facts.push(fact("applicant_countries", v.applicant_countries.join(", ")));
    }
    if !v.researcher_profiles.is_empty() {
        let profiles: Vec<String> =
            v.researcher_profiles.iter().map(|p| t.t(&format!("vacancy-profile-{}", p.id()))).collect();
        facts.push(fact("researcher_profiles", profiles.join(", ")));
    }
    facts.extend(v.research_field.clone().map(|f| fact("research_field", f)));
    facts.extend(v.education.map(|e| fact("education", t.t(&format!("vacancy-education-{}", e.id())))));
    facts.extend(v.experience_months.map(|m| fact("experience_months", m.to_string())));
    if !v.languages.is_empty() {
        let languages: Vec<String> = v.languages.iter().map(|l| format!("{} {}", l.language, l.level)).collect();
        facts.push(fact("languages", languages.join(", ")));
    }
    facts.extend(salary_text(t, v).map(|s| fact("salary", s)));
    facts.extend(v.salary_scale.clone().map(|s| fact("salary_scale", s)));
    facts.extend(v.eu_funding.clone().map(|f| fact("eu_funding", f)));
    facts.extend(v.starts_on.map(|d| fact("starts_on", format::date(t.lang, d))));
    if let Some((slug, title)) = programme {
        facts.push(Field { link: Some(format!("/programmes/{slug}")), ..fact("programme", title) });
    }
    facts
}

impl Presented for Vacancy {
    const FILTERS: &'static [ListFilter] = &[
        ListFilter {
            facet: "employment",
            description: "Only vacancies of this employment type (full-time, part-time, contractor, temporary, intern)",
        },
        ListFilter { facet: "profile", description: "Only vacancies for this researcher profile (r1, r2, r3, r4)" },
        ListFilter { facet: "workplace", description: "Only vacancies with this workplace (on-site, hybrid, remote)" },
        ListFilter { facet: "programme", description: "Only vacancies of this talent programme (its address name)" },
    ];
    type Wire = VacancyWire;
    type Input = VacancyInput;

    fn filter_choices(t: &Translator, facet: &str) -> Vec<(String, String)> {
        let (prefix, ids): (&str, Vec<&str>) = match facet {
            "employment" => ("vacancy-employment", ids(EmploymentType::ALL, EmploymentType::id)),
            "profile" => ("vacancy-profile", ids(ResearcherProfile::ALL, ResearcherProfile::id)),
            "workplace" => ("vacancy-workplace", ids(Workplace::ALL, Workplace::id)),
            // A programme is typed in (its address name).
            _ => return Vec::new(),
        };
        ids.into_iter().map(|id| (id.to_owned(), t.t(&format!("{prefix}-{id}")))).collect()
    }

    fn form_fields(t: &Translator, d: &VacancyDraft) -> Vec<FormField> {
        let field = |name: &'static str, kind: &'static str, value: &str| {
            FormField::new(name, t.t(&format!("kind-vacancy-field-{name}")), kind).value(value.to_owned())
        };
        let hint = |name: &str| t.t(&format!("kind-vacancy-field-{name}-hint"));
        let select = |name: &'static str, prefix: &str, all: Vec<&str>, value: &str, default: &str, blank: bool| {
            let selected = if value.is_empty() && !blank { default } else { value };
            field(name, "select", "").choices(choices(t, prefix, &all, selected, blank.then(|| t.t("vacancy-none"))))
        };
        vec![
            field("title_en", "text", &d.title_en).hint(hint("title")),
            field("title_nl", "text", &d.title_nl),
            field("description_en", "textarea", &d.description_en),
            field("description_nl", "textarea", &d.description_nl),
            field("deadline", "date", &d.deadline).hint(hint("deadline")).required(),
            field("apply", "text", &d.apply).hint(hint("apply")).required(),
            select(
                "employment_type",
                "vacancy-employment",
                ids(EmploymentType::ALL, EmploymentType::id),
                &d.employment_type,
                "full-time",
                false,
            ),
            select(
                "contract",
                "vacancy-contract",
                ids(ContractType::ALL, ContractType::id),
                &d.contract,
                "permanent",
                false,
            ),
            field("hours_per_week", "text", &d.hours_per_week).hint(hint("hours_per_week")),
            field("positions", "text", &d.positions).hint(hint("positions")),
            select(
                "workplace",
                "vacancy-workplace",
                ids(Workplace::ALL, Workplace::id),
                &d.workplace,
                "on-site",
                false,
            ),
            field("places", "textarea", &d.places).hint(hint("places")),
            field("applicant_countries", "text", &d.applicant_countries).hint(hint("applicant_countries")),
            field("researcher_profiles", "text", &d.researcher_profiles).hint(hint("researcher_profiles")),
            field("research_field", "text", &d.research_field),
            select("education", "vacancy-education", ids(Education::ALL, Education::id), &d.education, "", true),
            field("experience_months", "text", &d.experience_months).hint(hint("experience_months")),
            field("languages", "text", &d.languages).hint(hint("languages")),
            field("salary_min", "text", &d.salary_min).hint(hint("salary")),
            field("salary_max", "text", &d.salary_max),
            select(
                "salary_unit",
                "vacancy-salary-unit",
                ids(SalaryUnit::ALL, SalaryUnit::id),
                &d.salary_unit,
                "month",
                false,
            ),
            field("salary_scale", "text", &d.salary_scale).hint(hint("salary_scale")),
            field("eu_funding", "text", &d.eu_funding).hint(hint("eu_funding")),
            field("starts_on", "date", &d.starts_on),
            field("programme", "text", &d.programme).hint(hint("programme")),
        ]
    }

    async fn page_html(state: &AppState, item: &Item<Self>, t: &Translator) -> Result<String, AppError> {
        let v = &item.record;
        let today = state.today();
        let open = item.is_listed(today);
        let programme = match &v.programme {
            Some(slug) => state
                .db
                .item::<lshub_domain::talent::Programme>(slug)
                .await?
                .map(|p| (p.slug.clone(), p.record.title.get(t.lang).to_owned())),
            None => None,
        };
        // Google asks that a closed posting carry no JobPosting (or one that has expired).
        let json_ld = if open {
            let organisation = state.db.organisation_by_slug(&item.owner.slug).await?;
            let valid_through = state.site.clock.end_of_day(item.expires_on.unwrap_or(v.deadline));
            let posting = job_posting(&state.site.public_url, item, organisation.as_ref(), &valid_through);
            crate::kinds::organisations::pages::escape_for_script(&posting.to_string())
        } else {
            String::new()
        };
        let body = Body {
            t,
            facts: facts(t, item, programme),
            description_en: v.description.en.clone(),
            description_nl: v.description.nl.clone(),
            apply: open.then(|| v.apply.href()),
            json_ld,
        };
        Ok(body.render()?)
    }

    fn actions(item: &Item<Self>, t: &Translator) -> Vec<ItemAction> {
        let mut actions = vec![ItemAction { path: "candidates", label: t.t("vacancy-candidates"), post: false }];
        if item.state == lshub_domain::content::State::Published && item.record.filled_on.is_none() {
            actions.push(ItemAction { path: "filled", label: t.t("vacancy-fill"), post: true });
        }
        actions
    }

    fn ended_notice(item: &Item<Self>, t: &Translator) -> Option<String> {
        Some(match item.record.filled_on {
            Some(day) => t.t1("vacancy-filled-notice", "date", format::date(t.lang, day)),
            None => t.t1("vacancy-closed-notice", "date", format::date(t.lang, item.record.deadline)),
        })
    }

    fn summary(&self) -> String {
        let places: Vec<&str> = self.places.iter().map(|p| p.locality.as_str()).collect();
        crate::feeds::excerpt(
            &format!(
                "{} · {} · apply by {}. {}",
                self.employment_type.schema_org(),
                places.join(", "),
                self.deadline,
                self.description.get(Language::En)
            ),
            SUMMARY_CHARS,
        )
    }

    fn html(&self) -> String {
        self.description.both().map(crate::markdown::render).collect()
    }

    fn wire(&self) -> VacancyWire {
        VacancyWire {
            title_en: self.title.en.clone(),
            title_nl: self.title.nl.clone(),
            description_en: self.description.en.clone(),
            description_nl: self.description.nl.clone(),
            researcher_profiles: self.researcher_profiles.iter().map(|p| p.id()).collect(),
            research_field: self.research_field.clone(),
            contract: self.contract.id(),
            hours_per_week: self.hours_per_week,
            employment_type: self.employment_type.id(),
            positions: self.positions,
            places: self.places.iter().map(|p| format!("{}, {}", p.locality, p.country)).collect(),
            workplace: self.workplace.id(),
            applicant_countries: self.applicant_countries.clone(),
            education: self.education.map(Education::id),
            experience_months: self.experience_months,
            languages: self.languages.iter().map(|l| format!("{} {}", l.language, l.level)).collect(),
            salary_min: self.salary.map(|s| s.min),
            salary_max: self.salary.map(|s| s.max),
            salary_unit: self.salary.map(|s| s.unit.id()),
            salary_scale: self.salary_scale.clone(),
            eu_funding: self.eu_funding.clone(),
            deadline: self.deadline,
            starts_on: self.starts_on,
            apply: match &self.apply {
                ApplyBy::Url(url) => url.clone(),
                ApplyBy::Email(_) => self.apply.href(),
            },
            programme: self.programme.clone(),
            filled_on: self.filled_on,
        }
    }

    fn own_pages() -> RouteTable {
        RouteTable::new().route("/vacancies/{slug}/filled", post(fill_page))
    }

    fn own_api() -> RouteTable {
        RouteTable::new().route("/vacancies/{slug}/filled", post(fill_api))
    }

    fn describe_own(openapi: &mut utoipa::openapi::OpenApi) {
        describe_item_action::<Vacancy>(
            openapi,
            "filled",
            "Marks a published vacancy filled today: it leaves lists, search and feeds, and its page says so",
        );
    }

    fn own_routes() -> RouteTable {
        RouteTable::new().route("/feeds/vacancies.json", public(get(export)))
    }
}

async fn fill_page(State(state): State<AppState>, auth: Auth, Path(slug): Path<String>) -> Result<Response, AppError> {
    let item = talent::fill_vacancy(&state.db, &auth.caller(), &slug, state.today()).await?;
    Ok(see_other(&format!("/vacancies/{}", item.slug)))
}

async fn fill_api(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Json<ItemWire<VacancyWire>>, AppError> {
    let item = talent::fill_vacancy(&state.db, &auth.caller(), &slug, state.today()).await?;
    Ok(Json(ItemWire::new(&state.site.public_url, &item, true)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportQuery {
    organisation: Option<String>,
}

/// Every open vacancy (of one organisation with `?organisation=`) as schema.org
/// JobPostings, newest first, for partners to show on their own sites.
async fn export(State(state): State<AppState>, Query(query): Query<ExportQuery>) -> Result<Response, AppError> {
    let owner = match query.organisation.as_deref() {
        Some(slug) => Some(state.db.organisation_by_slug(slug).await?.ok_or(AppError::not_found("organisation"))?),
        None => None,
    };
    let filter = ItemFilter {
        owner_id: owner.as_ref().map(|o| o.id.clone()),
        listed_on: Some(state.today()),
        pagination: Pagination { limit: EXPORT_LIMIT, offset: 0 },
        ..ItemFilter::default()
    };
    let items = state.db.list_items::<Vacancy>(&filter).await?.items;
    let mut organisations = std::collections::HashMap::new();
    let mut postings = Vec::with_capacity(items.len());
    for item in &items {
        if !organisations.contains_key(&item.owner.slug) {
            let organisation = state.db.organisation_by_slug(&item.owner.slug).await?;
            organisations.insert(item.owner.slug.clone(), organisation);
        }
        let organisation = organisations.get(&item.owner.slug).and_then(Option::as_ref);
        let valid_through = state.site.clock.end_of_day(item.expires_on.unwrap_or(item.record.deadline));
        postings.push(job_posting(&state.site.public_url, item, organisation, &valid_through));
    }
    let mut response = Json(postings).into_response();
    response
        .headers_mut()
        .insert(axum::http::header::CONTENT_TYPE, axum::http::HeaderValue::from_static("application/ld+json"));
    Ok(response)
}
