//! Lab and office space in the web layer: its form, its page and API shape, and the search
//! by requirement (`/spaces/find`, `/api/v1/spaces/find`): type, biosafety level at least,
//! size, availability, distance from an organisation of the directory or a point, and words
//! found by the search engine in either language. The content kernel does the rest.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Json;
use lshub_domain::content::{Item, SPACE};
use lshub_domain::space::{Biosafety, Coordinates, GmpGrade, Requirement, Space, SpaceDraft, SpaceType};
use lshub_domain::{Language, Reason, ValidationError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::content::{ListFilter, Presented};
use crate::error::{AppError, Problem};
use crate::i18n::Translator;
use crate::pages::facts::Field;
use crate::pages::forms::{choices, FormField};
use crate::pages::{render, PageContext};
use crate::params::Params;
use crate::routes::RouteTable;
use crate::state::AppState;

const SUMMARY_CHARS: usize = 280;
/// The search engine's hits a word search of spaces reads.
const WORD_HITS: usize = 500;
/// The radius when a place is given without one.
const DEFAULT_WITHIN_KM: f64 = 5.0;
const MAX_WITHIN_KM: f64 = 500.0;

/// A space as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SpaceWire {
    /// wet-lab, dry-lab, office, lab-office, cleanroom, animal-facility or incubator-desk.
    #[serde(rename = "type")]
    pub space_type: &'static str,
    pub title_en: Option<String>,
    pub title_nl: Option<String>,
    pub description_en: Option<String>,
    pub description_nl: Option<String>,
    pub size_m2: u32,
    pub floor: String,
    pub address: String,
    pub city: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// ml-i, ml-ii or ml-iii (BSL-1 to BSL-3).
    pub biosafety: Option<&'static str>,
    /// a, b, c or d.
    pub gmp_grade: Option<&'static str>,
    /// ISO 14644-1 class, 1 to 9.
    pub iso_class: Option<u8>,
    pub included: Vec<String>,
    /// Euro per m² per year.
    pub price_min: Option<u32>,
    pub price_max: Option<u32>,
    pub min_lease_months: Option<u32>,
    pub available_from: chrono::NaiveDate,
    pub shared_services: Vec<String>,
}

/// A space as the API takes it: the form's fields, numbers as text or numbers.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct SpaceInput {
    #[serde(rename = "type")]
    pub space_type: String,
    pub title_en: String,
    pub title_nl: String,
    pub description_en: String,
    pub description_nl: String,
    pub size_m2: Option<i64>,
    pub floor: String,
    pub address: String,
    pub city: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub biosafety: String,
    pub gmp_grade: String,
    pub iso_class: Option<i64>,
    pub included: Vec<String>,
    pub price_min: Option<i64>,
    pub price_max: Option<i64>,
    pub min_lease_months: Option<i64>,
    /// YYYY-MM-DD.
    pub available_from: String,
    pub shared_services: Vec<String>,
}

impl From<SpaceInput> for SpaceDraft {
    fn from(i: SpaceInput) -> Self {
        let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        let degrees = |n: Option<f64>| n.map(|n| n.to_string()).unwrap_or_default();
        SpaceDraft {
            space_type: i.space_type,
            title_en: i.title_en,
            title_nl: i.title_nl,
            description_en: i.description_en,
            description_nl: i.description_nl,
            size_m2: number(i.size_m2),
            floor: i.floor,
            address: i.address,
            city: i.city,
            latitude: degrees(i.latitude),
            longitude: degrees(i.longitude),
            biosafety: i.biosafety,
            gmp_grade: i.gmp_grade,
            iso_class: number(i.iso_class),
            included: i.included.join(", "),
            price_min: number(i.price_min),
            price_max: number(i.price_max),
            min_lease_months: number(i.min_lease_months),
            available_from: i.available_from,
            shared_services: i.shared_services.join(", "),
        }
    }
}

#[derive(Template)]
#[template(path = "spaces/body.html")]
struct Body<'a> {
    t: &'a Translator,
    slug: &'a str,
    /// How fast the operator answers inquiries.
    response: String,
    photos: Vec<crate::photos::Shown>,
    facts: Vec<Field>,
    description_en: Option<String>,
    description_nl: Option<String>,
}

fn biosafety_label(t: &Translator, level: Biosafety) -> String {
    t.t(&format!("space-biosafety-{}", level.id()))
}

/// "€250 – €320 per m² a year".
fn price_text(t: &Translator, space: &Space) -> Option<String> {
    let range = crate::pages::format::budget_range(
        t.lang,
        space.price_min.map(i64::from),
        space.price_max.map(i64::from).or(space.price_min.map(i64::from)),
    )?;
    Some(t.t1("space-price-per-m2", "range", range))
}

impl Presented for Space {
    const FILTERS: &'static [ListFilter] = &[
        ListFilter {
            facet: "type",
            description: "Only spaces of this type (wet-lab, dry-lab, office, lab-office, cleanroom, animal-facility, \
                          incubator-desk)",
        },
        ListFilter { facet: "city", description: "Only spaces in this city" },
        ListFilter {
            facet: "biosafety",
            description: "Only spaces of exactly this biosafety level (ml-i, ml-ii, ml-iii)",
        },
    ];
    type Wire = SpaceWire;
    type Input = SpaceInput;
    const LIST_LINK: Option<(&'static str, &'static str)> = Some(("/spaces/find", "space-find-title"));

    fn filter_choices(t: &Translator, facet: &str) -> Vec<(String, String)> {
        match facet {
            "type" => {
                SpaceType::ALL.iter().map(|x| (x.id().to_owned(), t.t(&format!("space-type-{}", x.id())))).collect()
            }
            "biosafety" => Biosafety::ALL.iter().map(|x| (x.id().to_owned(), biosafety_label(t, *x))).collect(),
            _ => Vec::new(),
        }
    }

    fn form_fields(t: &Translator, d: &SpaceDraft) -> Vec<FormField> {
        let field = |name: &'static str, kind: &'static str, value: &str| {
            FormField::new(name, t.t(&format!("kind-space-field-{name}")), kind).value(value.to_owned())
        };
        let hint = |name: &str| t.t(&format!("kind-space-field-{name}-hint"));
        let types: Vec<&str> = SpaceType::ALL.iter().map(|x| x.id()).collect();
        let levels: Vec<&str> = Biosafety::ALL.iter().map(|x| x.id()).collect();
        let grades: Vec<&str> = GmpGrade::ALL.iter().map(|x| x.id()).collect();
        vec![
            field("type", "select", "").choices(choices(t, "space-type", &types, &d.space_type, None)),
            field("title_en", "text", &d.title_en).hint(hint("title")),
            field("title_nl", "text", &d.title_nl),
            field("description_en", "textarea", &d.description_en),
            field("description_nl", "textarea", &d.description_nl),
            field("size_m2", "number", &d.size_m2).required(),
            field("floor", "text", &d.floor),
            field("address", "text", &d.address).required(),
            field("city", "text", &d.city).required(),
            field("latitude", "text", &d.latitude).hint(hint("coordinates")),
            field("longitude", "text", &d.longitude),
            field("biosafety", "select", "").choices(choices(
                t,
                "space-biosafety",
                &levels,
                &d.biosafety,
                Some(t.t("space-none")),
            )),
            field("gmp_grade", "select", "").choices(choices(
                t,
                "space-gmp",
                &grades,
                &d.gmp_grade,
                Some(t.t("space-none")),
            )),
            field("iso_class", "number", &d.iso_class).hint(hint("iso_class")),
            field("included", "textarea", &d.included).hint(hint("list")),
            field("price_min", "number", &d.price_min).hint(hint("price")),
            field("price_max", "number", &d.price_max),
            field("min_lease_months", "number", &d.min_lease_months),
            field("available_from", "date", &d.available_from).required(),
            field("shared_services", "textarea", &d.shared_services).hint(hint("list")),
        ]
    }

    async fn page_html(state: &AppState, item: &Item<Self>, t: &Translator) -> Result<String, AppError> {
        let s = &item.record;
        let response = lshub_service::inquiries::response_time(&state.db, &state.site.clock, &item.owner.id).await?;
        let fact =
            |name: &str, value: String| Field { label: t.t(&format!("kind-space-field-{name}")), value, link: None };
        let mut facts = vec![
            fact("type", t.t(&format!("space-type-{}", s.space_type.id()))),
            fact("size_m2", format!("{} m²", s.size_m2)),
            fact("address", format!("{}, {}", s.address, s.city)),
        ];
        if !s.floor.is_empty() {
            facts.push(fact("floor", s.floor.clone()));
        }
        if let Some(level) = s.biosafety {
            facts.push(fact("biosafety", biosafety_label(t, level)));
        }
        if let Some(grade) = s.gmp_grade {
            facts.push(fact("gmp_grade", t.t(&format!("space-gmp-{}", grade.id()))));
        }
        if let Some(class) = s.iso_class {
            facts.push(fact("iso_class", format!("ISO {class}")));
        }
        if !s.included.is_empty() {
            facts.push(fact("included", s.included.join(", ")));
        }
        if let Some(price) = price_text(t, s) {
            facts.push(fact("price_min", price));
        }
        if let Some(months) = s.min_lease_months {
            facts.push(fact("min_lease_months", t.count("space-months", i64::from(months))));
        }
        facts.push(fact("available_from", crate::pages::format::date(t.lang, s.available_from)));
        if !s.shared_services.is_empty() {
            facts.push(fact("shared_services", s.shared_services.join(", ")));
        }
        let body = Body {
            t,
            slug: &item.slug,
            response: crate::inquiries::response_text(t, response),
            photos: crate::photos::shown(&state.db.photos_of(&item.id).await?, t.lang),
            facts,
            description_en: s.description.en.clone(),
            description_nl: s.description.nl.clone(),
        };
        Ok(body.render()?)
    }

    fn actions(_item: &Item<Self>, t: &Translator) -> Vec<crate::content::ItemAction> {
        vec![crate::content::ItemAction { path: "photos", label: t.t("photos-title"), post: false }]
    }

    fn summary(&self) -> String {
        let mut parts = vec![format!("{} m², {}", self.size_m2, self.city)];
        if let Some(level) = self.biosafety {
            parts.push(level.id().to_uppercase());
        }
        parts.push(format!("available from {}", self.available_from));
        let lead = parts.join(" · ");
        crate::feeds::excerpt(&format!("{lead}. {}", self.description.get(Language::En)), SUMMARY_CHARS)
    }

    fn html(&self) -> String {
        self.description.both().map(crate::markdown::render).collect()
    }

    fn wire(&self) -> SpaceWire {
        SpaceWire {
            space_type: self.space_type.id(),
            title_en: self.title.en.clone(),
            title_nl: self.title.nl.clone(),
            description_en: self.description.en.clone(),
            description_nl: self.description.nl.clone(),
            size_m2: self.size_m2,
            floor: self.floor.clone(),
            address: self.address.clone(),
            city: self.city.clone(),
            latitude: self.coordinates.map(|c| c.latitude),
            longitude: self.coordinates.map(|c| c.longitude),
            biosafety: self.biosafety.map(Biosafety::id),
            gmp_grade: self.gmp_grade.map(GmpGrade::id),
            iso_class: self.iso_class,
            included: self.included.clone(),
            price_min: self.price_min,
            price_max: self.price_max,
            min_lease_months: self.min_lease_months,
            available_from: self.available_from,
            shared_services: self.shared_services.clone(),
        }
    }

    fn own_pages() -> RouteTable {
        RouteTable::new().route("/spaces/find", get(find_page))
    }

    fn own_api() -> RouteTable {
        RouteTable::new().route("/spaces/find", get(find_api))
    }
}

/// A search by requirement, as a form or a query string sends it; every part optional.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FindParams {
    /// A space type (wet-lab, dry-lab, office, lab-office, cleanroom, animal-facility, incubator-desk).
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub space_type: String,
    /// The least biosafety level: ml-i, ml-ii or ml-iii.
    pub biosafety: String,
    /// The least size in m².
    pub min_size: String,
    /// The largest size in m².
    pub max_size: String,
    /// Available on or before this day (YYYY-MM-DD).
    pub available_by: String,
    /// Near this organisation of the directory (its address name), by its address's coordinates.
    pub near: String,
    /// How far from `near`, in km (5 when absent).
    pub within_km: String,
    /// Facilities or services it must include, comma-separated; part of an entry will do.
    pub includes: String,
    /// Words, found in either language by the search engine.
    pub q: String,
}

fn whole(field: &'static str, value: &str) -> Result<Option<u32>, ValidationError> {
    match value.trim() {
        "" => Ok(None),
        text => text
            .parse()
            .map(Some)
            .map_err(|_| ValidationError::new(field, Reason::NotWholeNumber { value: text.to_owned() })),
    }
}

/// The requirement the parameters state, every refused one named.
async fn requirement(state: &AppState, p: &FindParams) -> Result<Requirement, AppError> {
    let choice = |field: &'static str, value: &str, ids: Vec<&'static str>| -> Result<Option<usize>, ValidationError> {
        match value.trim() {
            "" => Ok(None),
            text => ids.iter().position(|id| *id == text).map(Some).ok_or_else(|| {
                ValidationError::new(field, Reason::NotOneOf { value: text.to_owned(), allowed: ids.join(", ") })
            }),
        }
    };
    let types = choice("type", &p.space_type, SpaceType::ALL.iter().map(|x| x.id()).collect())?;
    let level = choice("biosafety", &p.biosafety, Biosafety::ALL.iter().map(|x| x.id()).collect())?;
    let available_by = match p.available_by.trim() {
        "" => None,
        text => Some(
            text.parse()
                .map_err(|_| ValidationError::new("available_by", Reason::NotDate { value: text.to_owned() }))?,
        ),
    };
    let near = match p.near.trim() {
        "" => None,
        slug => {
            let organisation = state.db.organisation_by_slug(slug).await?.ok_or_else(|| {
                AppError::BadRequest(ValidationError::new("near", Reason::NoSuchOrganisation { slug: slug.to_owned() }))
            })?;
            let point = organisation
                .profile
                .addresses
                .iter()
                .find_map(|a| Some(Coordinates { latitude: a.latitude?, longitude: a.longitude? }))
                .ok_or_else(|| ValidationError::new("near", Reason::Other(format!("{slug} has no coordinates"))))?;
            let km = match p.within_km.trim() {
                "" => DEFAULT_WITHIN_KM,
                text => text
                    .replace(',', ".")
                    .parse::<f64>()
                    .ok()
                    .filter(|km| *km > 0.0 && *km <= MAX_WITHIN_KM)
                    .ok_or_else(|| {
                        ValidationError::new("within_km", Reason::OutOfRange { min: 0, max: MAX_WITHIN_KM as i64 })
                    })?,
            };
            Some((point, km))
        }
    };
    Ok(Requirement {
        types: types.map(|i| vec![SpaceType::ALL[i]]).unwrap_or_default(),
        min_biosafety: level.map(|i| Biosafety::ALL[i]),
        min_size_m2: whole("min_size", &p.min_size)?,
        max_size_m2: whole("max_size", &p.max_size)?,
        available_by,
        near,
        includes: p.includes.split(',').map(str::trim).filter(|e| !e.is_empty()).map(str::to_owned).collect(),
    })
}

/// The listed spaces that meet the requirement with their distance: by the words' rank when
/// words are given, else nearest first, else soonest available.
async fn find(state: &AppState, p: &FindParams) -> Result<Vec<(Item<Space>, Option<f64>)>, AppError> {
    let wanted = requirement(state, p).await?;
    let spaces = state.db.listed_items::<Space>(state.today()).await?;
    let mut found: Vec<(Item<Space>, Option<f64>)> =
        spaces.into_iter().filter_map(|item| wanted.check(&item.record).map(|distance| (item, distance))).collect();
    let words = p.q.trim();
    if words.is_empty() {
        found.sort_by(|a, b| {
            a.1.unwrap_or(0.0)
                .total_cmp(&b.1.unwrap_or(0.0))
                .then(a.0.record.available_from.cmp(&b.0.record.available_from))
        });
        return Ok(found);
    }
    let request = lshub_search::SearchRequest::new(words, Some(lshub_search::EntityType(&SPACE)), WORD_HITS);
    let hits = state.derived.index.search(&request).map_err(AppError::Search)?;
    let rank = |slug: &str| hits.iter().position(|hit| hit.key == slug);
    found.retain(|(item, _)| rank(&item.slug).is_some());
    found.sort_by_key(|(item, _)| rank(&item.slug));
    Ok(found)
}

/// One space found.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FoundSpace {
    pub slug: String,
    pub url: String,
    pub title: String,
    #[serde(rename = "type")]
    pub space_type: &'static str,
    pub size_m2: u32,
    pub city: String,
    pub biosafety: Option<&'static str>,
    pub available_from: chrono::NaiveDate,
    /// From the organisation asked about, in km.
    pub distance_km: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FoundSpaces {
    pub items: Vec<FoundSpace>,
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(find_api), components(schemas(FoundSpace, FoundSpaces)))]
pub struct SpacesApi;

/// Spaces that meet a requirement: type, least biosafety level, size, availability,
/// distance from an organisation, and words in either language.
#[utoipa::path(get, path = "/api/v1/spaces/find", tag = "spaces", operation_id = "findSpaces",
    params(FindParams),
    responses(
        (status = 200, description = "The spaces that meet it", body = FoundSpaces),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json")
    ))]
async fn find_api(State(state): State<AppState>, Params(p): Params<FindParams>) -> Result<Json<FoundSpaces>, AppError> {
    let base = state.site.public_url.trim_end_matches('/').to_owned();
    let items = find(&state, &p)
        .await?
        .into_iter()
        .map(|(item, distance)| FoundSpace {
            url: format!("{base}/spaces/{}", item.slug),
            title: item.record.title.both().next().unwrap_or_default().to_owned(),
            space_type: item.record.space_type.id(),
            size_m2: item.record.size_m2,
            city: item.record.city.clone(),
            biosafety: item.record.biosafety.map(Biosafety::id),
            available_from: item.record.available_from,
            distance_km: distance.map(|km| (km * 10.0).round() / 10.0),
            slug: item.slug,
        })
        .collect();
    Ok(Json(FoundSpaces { items }))
}

/// One space in the page's results.
struct Listed {
    slug: String,
    title: String,
    facts: String,
}

#[derive(Template)]
#[template(path = "spaces/find.html")]
struct FindPage {
    ctx: PageContext,
    params: FindParams,
    types: Vec<(String, String)>,
    levels: Vec<(String, String)>,
    error: Option<String>,
    results: Option<Vec<Listed>>,
    /// "3 spaces meet it".
    found_heading: String,
}

async fn find_page(
    State(state): State<AppState>,
    ctx: PageContext,
    Params(p): Params<FindParams>,
) -> Result<Response, AppError> {
    let t = &ctx.t;
    let asked = [&p.space_type, &p.biosafety, &p.min_size, &p.max_size, &p.available_by, &p.near, &p.includes, &p.q]
        .iter()
        .any(|v| !v.trim().is_empty());
    let (results, error) = if !asked {
        (None, None)
    } else {
        match find(&state, &p).await {
            Ok(found) => {
                let listed = found
                    .into_iter()
                    .map(|(item, distance)| {
                        let s = &item.record;
                        let mut facts = vec![
                            t.t(&format!("space-type-{}", s.space_type.id())),
                            format!("{} m²", s.size_m2),
                            s.city.clone(),
                        ];
                        if let Some(level) = s.biosafety {
                            facts.push(biosafety_label(t, level));
                        }
                        facts.push(t.t1(
                            "space-available-from",
                            "date",
                            crate::pages::format::date(t.lang, s.available_from),
                        ));
                        if let Some(km) = distance {
                            facts.push(t.t1("space-distance", "km", crate::pages::format::one_decimal(t.lang, km)));
                        }
                        Listed { title: s.title.get(t.lang).to_owned(), facts: facts.join(" · "), slug: item.slug }
                    })
                    .collect();
                (Some(listed), None)
            }
            Err(AppError::BadRequest(invalid)) => (None, Some(t.invalid(&invalid))),
            Err(other) => return Err(other),
        }
    };
    let found_heading = t.count("space-find-count", results.as_ref().map_or(0, |r: &Vec<Listed>| r.len() as i64));
    let page = FindPage {
        found_heading,
        types: Space::filter_choices(t, "type"),
        levels: Space::filter_choices(t, "biosafety"),
        params: p,
        error,
        results,
        ctx,
    };
    let status = if page.error.is_some() { axum::http::StatusCode::BAD_REQUEST } else { axum::http::StatusCode::OK };
    let mut response = render(&page)?;
    *response.status_mut() = status;
    Ok(response)
}
