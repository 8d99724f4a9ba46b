//! The talent pool in the web layer: one's own profile (form, export, delete), the vacancies
//! and programmes that fit it, the pool and a vacancy's candidates for recruiters, the API
//! of each, and the weekly mail of vacancies that fit, which the scheduled jobs send. No page
//! or answer here carries an e-mail address, and none is public: visitors are sent to sign
//! in, and the pages are kept out of search engines and caches.

pub(crate) mod alerts;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use chrono::NaiveDate;
use lshub_domain::content::Item;
use lshub_domain::introduction::iso_week;
use lshub_domain::talent::{CareerStage, EmploymentType, Fit, FitReason, TalentProfile, TalentProfileDraft};
use lshub_domain::Language;
use lshub_service::talent as service;
use lshub_storage::accounts::Mail;
use lshub_storage::talent::PooledProfile;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::JsonBody;
use crate::auth::Auth;
use crate::error::{AppError, Problem};
use crate::i18n::Translator;
use crate::pages::facts::Field;
use crate::pages::forms::{choices, FormField, FormPage, Posted};
use crate::pages::{format, render, see_other, PageContext};
use crate::routes::RouteTable;
use crate::state::AppState;

const PROFILE_PAGE: &str = "/talent/profile";
/// Openings shown to a person, and candidates to a recruiter.
const SHOWN: usize = 20;

pub use alerts::{send_alerts, OpeningSearchesApi, UNSUBSCRIBE_PATH};

pub fn page_routes() -> RouteTable {
    alerts::page_routes()
        .route(PROFILE_PAGE, get(profile_form).post(save_profile))
        .route("/talent/profile.json", get(export_profile))
        .route("/talent/profile/delete", post(delete_profile))
        .route("/talent/matches", get(matches_page))
        .route("/talent", get(pool_page))
        .route("/vacancies/{slug}/candidates", get(candidates_page))
}

pub fn feed_routes() -> RouteTable {
    alerts::feed_routes()
}

pub fn api_routes() -> RouteTable {
    alerts::api_routes()
        .route("/me/talent-profile", get(profile_api).put(save_profile_api).delete(delete_profile_api))
        .route("/me/talent-matches", get(matches_api))
        .route("/talent", get(pool_api))
        .route("/vacancies/{slug}/candidates", get(candidates_api))
}

fn ids<T: Copy>(all: &[T], id: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|x| id(*x)).collect()
}

fn profile_fields(t: &Translator, d: &TalentProfileDraft) -> Vec<FormField> {
    let field = |name: &'static str, kind: &'static str, value: &str| {
        FormField::new(name, t.t(&format!("talent-field-{name}")), kind).value(value.to_owned())
    };
    let hint = |name: &str| t.t(&format!("talent-field-{name}-hint"));
    let stage = if d.career_stage.is_empty() { "r1" } else { d.career_stage.as_str() };
    let visibility = if d.visibility.is_empty() { "visible" } else { d.visibility.as_str() };
    vec![
        field("career_stage", "select", "").choices(choices(
            t,
            "talent-stage",
            &ids(CareerStage::ALL, CareerStage::id),
            stage,
            None,
        )),
        field("skills", "text", &d.skills).hint(hint("skills")).required(),
        field("fields", "text", &d.fields).hint(hint("fields")),
        field("employment_types", "text", &d.employment_types).hint(hint("employment_types")),
        field("places", "text", &d.places).hint(hint("places")),
        field("available_from", "date", &d.available_from),
        field("orcid", "text", &d.orcid).hint(hint("orcid")),
        field("statement_en", "textarea", &d.statement_en).hint(hint("statement")),
        field("statement_nl", "textarea", &d.statement_nl),
        field("visibility", "select", "")
            .choices(choices(t, "talent-visibility", &["visible", "hidden"], visibility, None))
            .hint(hint("visibility")),
        field("weekly", "checkbox", if d.weekly == "true" { "true" } else { "" }),
    ]
}

fn profile_page(ctx: PageContext, csrf: &str, draft: &TalentProfileDraft, exists: bool) -> FormPage {
    let t = ctx.t.clone();
    let mut page = FormPage::new(ctx, t.t("talent-profile-title"), PROFILE_PAGE, csrf);
    page.intro.push(t.t("talent-profile-intro"));
    page.fields = profile_fields(&t, draft);
    page.submit = t.t("talent-profile-save");
    page = page.link(alerts::SEARCHES_PAGE, t.t("talent-searches-link"));
    if exists {
        page = page
            .link("/talent/matches", t.t("talent-matches-title"))
            .link("/talent/profile.json", t.t("talent-profile-export"))
            .link("/talent/profile/delete", t.t("talent-profile-delete"));
    }
    page
}

async fn profile_form(State(state): State<AppState>, ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    let profile = service::my_profile(&state.db, &auth.caller()).await?;
    let draft = profile.as_ref().map(TalentProfile::to_draft).unwrap_or_default();
    profile_page(ctx, &auth.csrf, &draft, profile.is_some()).respond(StatusCode::OK)
}

async fn save_profile(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Posted(draft): Posted<TalentProfileDraft>,
) -> Result<Response, AppError> {
    match service::save_profile(&state.db, &auth.caller(), draft.clone()).await {
        Ok(_) => Ok(see_other("/talent/matches")),
        Err(lshub_service::ServiceError::Invalid(errors)) => {
            let exists = service::my_profile(&state.db, &auth.caller()).await?.is_some();
            profile_page(ctx, &auth.csrf, &draft, exists).invalid_all(&errors).respond(StatusCode::BAD_REQUEST)
        }
        Err(e) => Err(e.into()),
    }
}

/// The profile as a JSON file, in the API's shape.
async fn export_profile(State(state): State<AppState>, auth: Auth) -> Result<Response, AppError> {
    let profile = service::my_profile(&state.db, &auth.caller()).await?.ok_or(AppError::not_found("talent profile"))?;
    let mut response = Json(ProfileBody::from(&profile)).into_response();
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
        .headers_mut()
        .insert(CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"talent-profile.json\""));
    Ok(response)
}

async fn delete_profile(State(state): State<AppState>, auth: Auth) -> Result<Response, AppError> {
    service::delete_profile(&state.db, &auth.caller()).await?;
    Ok(see_other(PROFILE_PAGE))
}

/// "Skills and fields it names: python, imaging · career stage R1 · in Amsterdam".
fn reasons(t: &Translator, fit: &Fit) -> String {
    let texts: Vec<String> = fit
        .reasons
        .iter()
        .map(|reason| match reason {
            FitReason::Terms(terms) => t.t1("talent-reason-terms", "terms", terms.join(", ")),
            FitReason::CareerStage(stage) => {
                t.t1("talent-reason-stage", "stage", t.t(&format!("talent-stage-{}", stage.id())))
            }
            FitReason::Employment => t.t("talent-reason-employment"),
            FitReason::Place(place) if place == "remote" => t.t("talent-reason-remote"),
            FitReason::Place(place) => t.t1("talent-reason-place", "place", place.clone()),
            FitReason::AvailableByStart(date) => t.t1("talent-reason-available", "date", format::date(t.lang, *date)),
        })
        .collect();
    texts.join(" · ")
}

/// An opening as a person's page lists it: its link, title and why it fits.
type Opening = (String, String, String);

#[derive(Template)]
#[template(path = "talent/matches.html")]
struct MatchesPage {
    ctx: PageContext,
    /// A heading, then its openings.
    sections: Vec<(String, Vec<Opening>)>,
}

fn openings<K: lshub_domain::content::Written>(
    t: &Translator,
    path: &str,
    fits: &[(Item<K>, Fit)],
    title: impl Fn(&K) -> String,
) -> Vec<Opening> {
    fits.iter().map(|(item, fit)| (format!("/{path}/{}", item.slug), title(&item.record), reasons(t, fit))).collect()
}

async fn matches_page(State(state): State<AppState>, ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    let caller = auth.caller();
    if service::my_profile(&state.db, &caller).await?.is_none() {
        return Ok(see_other(PROFILE_PAGE));
    }
    let (vacancies, programmes) = service::my_fits(&state.db, &caller, state.today(), SHOWN).await?;
    let t = ctx.t.clone();
    let sections = vec![
        (t.t("talent-matches-vacancies"), openings(&t, "vacancies", &vacancies, |v| v.title.get(t.lang).to_owned())),
        (t.t("talent-matches-programmes"), openings(&t, "programmes", &programmes, |p| p.title.get(t.lang).to_owned())),
    ];
    render(&MatchesPage { ctx, sections })
}

/// One person as a recruiter sees them: their name and profile, never an address.
struct Person {
    name: String,
    facts: Vec<Field>,
    statements: Vec<(&'static str, String)>,
    reasons: String,
}

fn person(t: &Translator, pooled: &PooledProfile, fit: Option<&Fit>) -> Person {
    let p = &pooled.profile;
    let fact = |name: &str, value: String| Field { label: t.t(&format!("talent-field-{name}")), value, link: None };
    let mut facts = vec![fact("career_stage", t.t(&format!("talent-stage-{}", p.career_stage.id())))];
    facts.push(fact("skills", p.skills.join(", ")));
    if !p.fields.is_empty() {
        facts.push(fact("fields", p.fields.join(", ")));
    }
    if !p.employment_types.is_empty() {
        let kinds: Vec<String> =
            p.employment_types.iter().map(|e| t.t(&format!("vacancy-employment-{}", e.id()))).collect();
        facts.push(fact("employment_types", kinds.join(", ")));
    }
    if !p.places.is_empty() {
        facts.push(fact("places", p.places.join(", ")));
    }
    facts.extend(p.available_from.map(|d| fact("available_from", format::date(t.lang, d))));
    if let Some(orcid) = &p.orcid {
        facts.push(Field { link: Some(orcid.url()), ..fact("orcid", orcid.as_str().to_owned()) });
    }
    let statements = [("en", &p.statement.en), ("nl", &p.statement.nl)]
        .into_iter()
        .filter_map(|(lang, text)| text.clone().map(|text| (lang, text)))
        .collect();
    Person {
        name: pooled.display_name.clone(),
        facts,
        statements,
        reasons: fit.map(|f| reasons(t, f)).unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "talent/people.html")]
struct PeoplePage {
    ctx: PageContext,
    title: String,
    intro: String,
    back: Option<(String, String)>,
    people: Vec<Person>,
}

async fn pool_page(State(state): State<AppState>, ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    let pool = service::pool(&state.db, &auth.caller()).await?;
    let t = ctx.t.clone();
    let people = pool.iter().map(|p| person(&t, p, None)).collect();
    render(&PeoplePage { title: t.t("talent-pool-title"), intro: t.t("talent-pool-intro"), back: None, people, ctx })
}

async fn candidates_page(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let (vacancy, fits) = service::candidates(&state.db, &auth.caller(), &slug, SHOWN).await?;
    let t = ctx.t.clone();
    let title = vacancy.record.title.get(t.lang).to_owned();
    let people = fits.iter().map(|(p, fit)| person(&t, p, Some(fit))).collect();
    render(&PeoplePage {
        title: t.t1("talent-candidates-title", "title", title.clone()),
        intro: t.t("talent-candidates-intro"),
        back: Some((format!("/vacancies/{slug}"), title)),
        people,
        ctx,
    })
}

/// A talent profile as the API reads and writes it.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ProfileBody {
    /// An ORCID iD, its check digit verified.
    pub orcid: Option<String>,
    /// student, r1, r2, r3, r4 or professional.
    pub career_stage: String,
    pub skills: Vec<String>,
    pub fields: Vec<String>,
    /// full-time, part-time, contractor, temporary, intern; none for any.
    pub employment_types: Vec<String>,
    pub places: Vec<String>,
    /// YYYY-MM-DD.
    pub available_from: Option<String>,
    pub statement_en: Option<String>,
    pub statement_nl: Option<String>,
    /// Hidden from every recruiter.
    pub hidden: bool,
    /// Mail the vacancies that fit, weekly.
    pub weekly: bool,
}

impl From<&TalentProfile> for ProfileBody {
    fn from(p: &TalentProfile) -> Self {
        ProfileBody {
            orcid: p.orcid.as_ref().map(|o| o.as_str().to_owned()),
            career_stage: p.career_stage.id().to_owned(),
            skills: p.skills.clone(),
            fields: p.fields.clone(),
            employment_types: p.employment_types.iter().map(|e| e.id().to_owned()).collect(),
            places: p.places.clone(),
            available_from: p.available_from.map(|d| d.to_string()),
            statement_en: p.statement.en.clone(),
            statement_nl: p.statement.nl.clone(),
            hidden: p.hidden,
            weekly: p.weekly,
        }
    }
}

impl From<ProfileBody> for TalentProfileDraft {
    fn from(b: ProfileBody) -> Self {
        TalentProfileDraft {
            orcid: b.orcid.unwrap_or_default(),
            career_stage: b.career_stage,
            skills: b.skills.join(", "),
            fields: b.fields.join(", "),
            employment_types: b.employment_types.join(", "),
            places: b.places.join(", "),
            available_from: b.available_from.unwrap_or_default(),
            statement_en: b.statement_en.unwrap_or_default(),
            statement_nl: b.statement_nl.unwrap_or_default(),
            visibility: if b.hidden { "hidden" } else { "visible" }.to_owned(),
            weekly: if b.weekly { "true" } else { "" }.to_owned(),
        }
    }
}

/// A person in the pool as recruiters read them through the API.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PooledWire {
    pub name: String,
    /// The ORCID iD's address.
    pub orcid: Option<String>,
    pub career_stage: &'static str,
    pub skills: Vec<String>,
    pub fields: Vec<String>,
    pub employment_types: Vec<&'static str>,
    pub places: Vec<String>,
    pub available_from: Option<NaiveDate>,
    pub statement_en: Option<String>,
    pub statement_nl: Option<String>,
}

impl From<&PooledProfile> for PooledWire {
    fn from(pooled: &PooledProfile) -> Self {
        let p = &pooled.profile;
        PooledWire {
            name: pooled.display_name.clone(),
            orcid: p.orcid.as_ref().map(|o| o.url()),
            career_stage: p.career_stage.id(),
            skills: p.skills.clone(),
            fields: p.fields.clone(),
            employment_types: p.employment_types.iter().map(|e: &EmploymentType| e.id()).collect(),
            places: p.places.clone(),
            available_from: p.available_from,
            statement_en: p.statement.en.clone(),
            statement_nl: p.statement.nl.clone(),
        }
    }
}

/// Why two fit, in the API's words.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FitWire {
    pub score: f32,
    /// In English: the skills and fields named, the career stage, employment, place, start.
    pub reasons: Vec<String>,
}

fn fit_wire(fit: &Fit) -> FitWire {
    let reasons = fit
        .reasons
        .iter()
        .map(|reason| match reason {
            FitReason::Terms(terms) => format!("names {}", terms.join(", ")),
            FitReason::CareerStage(stage) => format!("career stage {}", stage.id()),
            FitReason::Employment => "employment wanted".to_owned(),
            FitReason::Place(place) => format!("place {place}"),
            FitReason::AvailableByStart(date) => format!("available by the start, {date}"),
        })
        .collect();
    FitWire { score: fit.score, reasons }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CandidateWire {
    #[serde(flatten)]
    pub person: PooledWire,
    #[serde(flatten)]
    pub fit: FitWire,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OpeningWire {
    pub slug: String,
    pub url: String,
    pub title: String,
    #[serde(flatten)]
    pub fit: FitWire,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MatchesWire {
    pub vacancies: Vec<OpeningWire>,
    pub programmes: Vec<OpeningWire>,
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(profile_api, save_profile_api, delete_profile_api, matches_api, pool_api, candidates_api),
    components(schemas(ProfileBody, PooledWire, FitWire, CandidateWire, OpeningWire, MatchesWire))
)]
pub struct TalentApi;

/// The caller's talent profile (scope `read`).
#[utoipa::path(get, path = "/api/v1/me/talent-profile", tag = "talent", operation_id = "talentProfile",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The profile", body = ProfileBody),
        (status = 404, description = "No profile yet", body = Problem, content_type = "application/problem+json")
    ))]
async fn profile_api(State(state): State<AppState>, auth: Auth) -> Result<Json<ProfileBody>, AppError> {
    let profile = service::my_profile(&state.db, &auth.caller()).await?.ok_or(AppError::not_found("talent profile"))?;
    Ok(Json(ProfileBody::from(&profile)))
}

/// Creates or replaces the caller's talent profile (scope `write`).
#[utoipa::path(put, path = "/api/v1/me/talent-profile", tag = "talent", operation_id = "saveTalentProfile",
    request_body = ProfileBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Saved", body = ProfileBody),
        (status = 400, description = "A field is invalid", body = Problem, content_type = "application/problem+json")
    ))]
async fn save_profile_api(
    State(state): State<AppState>,
    auth: Auth,
    JsonBody(body): JsonBody<ProfileBody>,
) -> Result<Json<ProfileBody>, AppError> {
    let profile = service::save_profile(&state.db, &auth.caller(), body.into()).await?;
    Ok(Json(ProfileBody::from(&profile)))
}

/// Deletes the caller's talent profile (scope `write`).
#[utoipa::path(delete, path = "/api/v1/me/talent-profile", tag = "talent", operation_id = "deleteTalentProfile",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No profile", body = Problem, content_type = "application/problem+json")
    ))]
async fn delete_profile_api(State(state): State<AppState>, auth: Auth) -> Result<StatusCode, AppError> {
    service::delete_profile(&state.db, &auth.caller()).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn opening_wires<K: lshub_domain::content::Written>(
    base: &str,
    path: &str,
    fits: &[(Item<K>, Fit)],
    title: impl Fn(&K) -> String,
) -> Vec<OpeningWire> {
    fits.iter()
        .map(|(item, fit)| OpeningWire {
            slug: item.slug.clone(),
            url: format!("{base}/{path}/{}", item.slug),
            title: title(&item.record),
            fit: fit_wire(fit),
        })
        .collect()
}

/// The open vacancies and the programmes that fit the caller's profile, best first (scope `read`).
#[utoipa::path(get, path = "/api/v1/me/talent-matches", tag = "talent", operation_id = "talentMatches",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What fits, with reasons", body = MatchesWire),
        (status = 404, description = "No profile yet", body = Problem, content_type = "application/problem+json")
    ))]
async fn matches_api(State(state): State<AppState>, auth: Auth) -> Result<Json<MatchesWire>, AppError> {
    let (vacancies, programmes) = service::my_fits(&state.db, &auth.caller(), state.today(), SHOWN).await?;
    let base = state.site.public_url.trim_end_matches('/');
    Ok(Json(MatchesWire {
        vacancies: opening_wires(base, "vacancies", &vacancies, |v| v.title.get(Language::En).to_owned()),
        programmes: opening_wires(base, "programmes", &programmes, |p| p.title.get(Language::En).to_owned()),
    }))
}

/// The visible profiles of the talent pool (scope `read`): for members of organisations with
/// a published vacancy or programme only.
#[utoipa::path(get, path = "/api/v1/talent", tag = "talent", operation_id = "talentPool",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The pool", body = [PooledWire]),
        (status = 403, description = "Not a member of an organisation that recruits", body = Problem, content_type = "application/problem+json")
    ))]
async fn pool_api(State(state): State<AppState>, auth: Auth) -> Result<Json<Vec<PooledWire>>, AppError> {
    let pool = service::pool(&state.db, &auth.caller()).await?;
    Ok(Json(pool.iter().map(PooledWire::from).collect()))
}

/// The profiles that fit a vacancy, best first, with reasons (scope `read`): for the members
/// of the vacancy's organisation.
#[utoipa::path(get, path = "/api/v1/vacancies/{slug}/candidates", tag = "talent", operation_id = "vacancyCandidates",
    params(("slug" = String, Path, description = "The vacancy's address name")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The candidates", body = [CandidateWire]),
        (status = 403, description = "Not a member of the vacancy's organisation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy", body = Problem, content_type = "application/problem+json")
    ))]
async fn candidates_api(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Json<Vec<CandidateWire>>, AppError> {
    let (_, fits) = service::candidates(&state.db, &auth.caller(), &slug, SHOWN).await?;
    Ok(Json(fits.iter().map(|(p, fit)| CandidateWire { person: PooledWire::from(p), fit: fit_wire(fit) }).collect()))
}

/// Queues this week's mail of vacancies that fit for everyone who asked and has not had it;
/// run by the scheduled jobs on every node (each week is recorded with its mail, so it goes
/// once). How many mails it queued.
pub async fn send_weekly(state: &AppState) -> Result<usize, AppError> {
    let today = state.today();
    let week = iso_week(today);
    let readers = state.db.weekly_fits_due(&week).await?;
    let base = state.site.public_url.trim_end_matches('/');
    let mut queued = 0;
    for reader in &readers {
        let lang = Language::from_tag(&reader.language).unwrap_or_default();
        let (vacancies, _) = service::fits_for(&state.db, &reader.profile, today, SHOWN).await?;
        let t = Translator::new(state.i18n.clone(), lang);
        let lines: Vec<String> = vacancies
            .iter()
            .map(|(v, fit)| {
                format!("- {}\n  {base}/vacancies/{}\n  {}", v.record.title.get(lang), v.slug, reasons(&t, fit))
            })
            .collect();
        let subject = t.count("talent-weekly-subject", i64::try_from(lines.len()).unwrap_or(i64::MAX));
        let body = format!(
            "{}\n\n{}\n\n{}",
            t.t("talent-weekly-intro"),
            lines.join("\n"),
            t.t1("talent-weekly-footer", "url", format!("{base}{PROFILE_PAGE}"))
        );
        let mail = (!lines.is_empty()).then_some(Mail { recipient: &reader.email, subject: &subject, body: &body });
        if state.db.record_weekly_fits(&reader.user_id, &week, mail).await? && !lines.is_empty() {
            queued += 1;
        }
    }
    Ok(queued)
}
