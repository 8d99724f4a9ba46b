//! Project pages, the projects and partners on an organisation's page, the network page
//! and the admin's page for linking participants. All plain HTML with GET forms (and one
//! POST form for admins), so they work without JavaScript.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use lshub_domain::authorization::{Action, Resource};
use lshub_domain::project::{Participant, Project};
use lshub_domain::{Organisation, Pagination, Reason, ValidationError};
use lshub_storage::projects::{LegalEntityFilter, OrganisationProject, Partner};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::{euros, method_label, role_label, role_label_of};
use crate::auth::Auth;
use crate::error::AppError;
use crate::i18n::Translator;
use crate::pages::facts::{message_or, paragraphs, provenance_fields, web_link, Field};
use crate::pages::forms::Posted;
use crate::pages::widgets::{url_with, Pager, SelectOption};
use crate::pages::{format, render, see_other, PageContext};
use crate::params::Params;
use crate::state::AppState;

pub fn routes() -> crate::routes::RouteTable {
    use axum::routing::{get, post};

    use crate::public_cache::public;
    crate::routes::RouteTable::new()
        .route("/projects", public(get(list)))
        .route("/projects/{id}", public(get(show)))
        .route("/network", public(get(network)))
        .route("/admin/participants", get(participants))
        .route("/admin/participants/{pic}/link", post(link))
}

/// Partners an organisation page and the network page list.
pub(crate) const PARTNERS_SHOWN: u32 = 10;
/// Organisations the topic question lists.
pub(crate) const EXPERIENCE_SHOWN: u32 = 50;

/// A project in a list.
pub struct ProjectRow {
    pub url: String,
    pub acronym: String,
    pub title: String,
    /// "2022 – 2027".
    pub years: String,
    /// The organisation's part in it, on its page.
    pub role: Option<String>,
}

fn years(start: Option<&str>, end: Option<&str>) -> String {
    let year = |d: Option<&str>| d.map(|d| d.chars().take(4).collect::<String>()).unwrap_or_default();
    match (year(start), year(end)) {
        (s, e) if s.is_empty() && e.is_empty() => String::new(),
        (s, e) if s == e || e.is_empty() => s,
        (s, e) => format!("{s} – {e}"),
    }
}

impl ProjectRow {
    fn of_project(project: &Project) -> Self {
        let c = &project.content;
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        Self {
            url: format!("/projects/{}", c.id),
            acronym: c.acronym.clone(),
            title: c.title.clone(),
            years: years(date(c.start_date).as_deref(), date(c.end_date).as_deref()),
            role: None,
        }
    }

    fn of_organisation(t: &Translator, project: &OrganisationProject) -> Self {
        Self {
            url: format!("/projects/{}", project.grant_id),
            acronym: project.acronym.clone(),
            title: project.title.clone(),
            years: years(project.start_date.as_deref(), project.end_date.as_deref()),
            role: Some(role_label_of(t, &project.role)),
        }
    }
}

/// A partner in a list: its page in the directory, or its legal name when it has none.
pub struct PartnerRow {
    pub url: Option<String>,
    pub name: String,
    pub country: String,
    pub projects: String,
}

impl PartnerRow {
    fn new(t: &Translator, partner: &Partner) -> Self {
        Self {
            url: partner.organisation.as_ref().map(|(slug, _)| format!("/organisations/{slug}")),
            name: partner.organisation.as_ref().map_or_else(|| partner.legal_name.clone(), |(_, name)| name.clone()),
            country: partner.country.as_deref().map(|c| country_label(t, c)).unwrap_or_default(),
            projects: t.count("project-count", partner.projects),
        }
    }
}

fn country_label(t: &Translator, code: &str) -> String {
    message_or(t, &format!("country-{}", code.to_ascii_lowercase()), code)
}

/// An organisation's EU projects and its most frequent partners, for its page.
pub struct TrackRecord {
    pub projects: Vec<ProjectRow>,
    pub count: String,
    pub partners: Vec<PartnerRow>,
    pub network_url: String,
}

/// The organisation page's track record; `None` when it took part in no project.
pub(crate) async fn track_record(
    state: &AppState,
    t: &Translator,
    organisation: &Organisation,
) -> Result<Option<TrackRecord>, AppError> {
    let projects = state.db.organisation_projects(&organisation.id).await?;
    if projects.is_empty() {
        return Ok(None);
    }
    let partners = state.db.organisation_partners(&organisation.id, None, PARTNERS_SHOWN).await?;
    Ok(Some(TrackRecord {
        count: t.count("project-count", i64::try_from(projects.len()).unwrap_or(i64::MAX)),
        projects: projects.iter().map(|p| ProjectRow::of_organisation(t, p)).collect(),
        partners: partners.iter().map(|p| PartnerRow::new(t, p)).collect(),
        network_url: url_with(
            "/network",
            &NetworkParams { organisation: Some(organisation.slug.clone()), ..Default::default() },
        ),
    }))
}

/// Words to find projects by, and the page.
#[derive(Debug, Default, Clone, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectParams {
    /// Words that must all occur in the title, acronym, keywords, topics or objective.
    #[param(max_length = 200)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
    /// Items to skip (default 0).
    #[param(value_type = Option<i64>, minimum = 0)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<String>,
}

impl ProjectParams {
    pub(crate) fn text(&self) -> Option<&str> {
        self.q.as_deref().map(str::trim).filter(|q| !q.is_empty())
    }

    pub(crate) fn page(&self) -> Result<Pagination, ValidationError> {
        let number = |field: &'static str, value: &Option<String>| {
            value
                .as_deref()
                .filter(|v| !v.is_empty())
                .map(|v| {
                    v.parse::<i64>()
                        .map_err(|_| ValidationError::new(field, Reason::NotWholeNumber { value: v.into() }))
                })
                .transpose()
        };
        Pagination::new(number("limit", &self.limit)?, number("offset", &self.offset)?)
    }
}

#[derive(Template)]
#[template(path = "projects/list.html")]
struct ListPage {
    ctx: PageContext,
    q: String,
    count: String,
    rows: Vec<ProjectRow>,
    pager: Pager,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    Params(params): Params<ProjectParams>,
) -> Result<Response, AppError> {
    let page = params.page()?;
    let found = state.db.list_projects(params.text(), page).await?;
    let t = &ctx.t;
    let view = ListPage {
        q: params.text().unwrap_or_default().to_owned(),
        count: t.count("project-count", found.total),
        rows: found.items.iter().map(ProjectRow::of_project).collect(),
        pager: Pager::new(t, found.total, page, |offset| {
            let mut params = params.clone();
            params.offset = (offset > 0).then(|| offset.to_string());
            url_with("/projects", &params)
        }),
        ctx,
    };
    render(&view)
}

/// A participant as the project page lists it.
struct ParticipantRow {
    name: String,
    url: Option<String>,
    role: String,
    place: String,
    contribution: String,
}

#[derive(Template)]
#[template(path = "projects/project.html")]
struct ProjectPage {
    ctx: PageContext,
    title: String,
    acronym: String,
    status: String,
    facts: Vec<Field>,
    keywords: Vec<String>,
    objective: Vec<String>,
    topics: Vec<Field>,
    participants: Vec<ParticipantRow>,
    provenance: Vec<Field>,
    json_ld: String,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let project = state.db.project_by_id(&id).await?.ok_or(AppError::not_found("project"))?;
    let c = &project.content;
    let pics: Vec<&str> = c.participants.iter().map(|p| p.pic.as_str()).collect();
    let linked = state.db.linked_organisations(&pics).await?;
    let t = &ctx.t;
    let lang = t.lang;
    let mut facts = vec![Field { label: t.t("project-grant"), value: c.id.clone(), link: None }];
    let mut fact = |label: &str, value: Option<String>, link: Option<String>| {
        if let Some(value) = value {
            facts.push(Field { label: t.t(label), value, link });
        }
    };
    fact("project-start", c.start_date.map(|d| format::date(lang, d)), None);
    fact("project-end", c.end_date.map(|d| format::date(lang, d)), None);
    fact("project-total-cost", c.total_cost.map(|a| euros(lang, a)), None);
    fact("project-eu-contribution", c.ec_max_contribution.map(|a| euros(lang, a)), None);
    fact("project-funding-scheme", c.funding_scheme.clone(), None);
    fact("project-call", c.master_call.clone(), None);
    fact("project-doi", c.doi.clone(), c.doi.as_ref().and_then(|doi| web_link(&format!("https://doi.org/{doi}"))));
    let coded = |label: &str, code: &lshub_domain::project::Coded| Field {
        label: t.t(label),
        value: match &code.title {
            Some(title) => format!("{} – {title}", code.code),
            None => code.code.clone(),
        },
        link: None,
    };
    let topics = c
        .topics
        .iter()
        .map(|code| coded("project-topic", code))
        .chain(c.programmes.iter().map(|code| coded("project-programme", code)))
        .collect();
    let participants = c
        .participants
        .iter()
        .map(|p| {
            let organisation = linked.get(&p.pic);
            ParticipantRow {
                name: organisation.map_or_else(|| p.legal_name.clone(), |(_, name)| name.clone()),
                url: organisation.map(|(slug, _)| format!("/organisations/{slug}")),
                role: role_label(t, p.role),
                place: participant_place(t, p),
                contribution: p.ec_contribution.map(|a| euros(lang, a)).unwrap_or_default(),
            }
        })
        .collect();
    let view = ProjectPage {
        title: c.title.clone(),
        acronym: c.acronym.clone(),
        status: message_or(t, &format!("project-status-{}", c.status.to_lowercase()), &c.status),
        facts,
        keywords: c.keywords.clone(),
        objective: paragraphs(&c.objective),
        topics,
        participants,
        provenance: provenance_fields(t, &project.provenance),
        json_ld: json_ld(&state.site.public_url, &project, &linked),
        ctx,
    };
    render(&view)
}

fn participant_place(t: &Translator, participant: &Participant) -> String {
    let parts: Vec<String> = [participant.city.clone(), participant.country.as_deref().map(|c| country_label(t, c))]
        .into_iter()
        .flatten()
        .collect();
    parts.join(", ")
}

/// schema.org ResearchProject, funded by a MonetaryGrant of the European Commission, with
/// its participants as members; amounts are exact decimal texts.
pub(crate) fn json_ld(
    public_url: &str,
    project: &Project,
    linked: &std::collections::HashMap<String, (String, String)>,
) -> String {
    let c = &project.content;
    let base = public_url.trim_end_matches('/');
    let mut document = Map::new();
    document.insert("@context".into(), json!("https://schema.org"));
    document.insert("@type".into(), json!("ResearchProject"));
    document.insert("name".into(), json!(c.title));
    document.insert("alternateName".into(), json!(c.acronym));
    document.insert("identifier".into(), json!(c.id));
    document.insert("url".into(), json!(format!("{base}/projects/{}", c.id)));
    if !c.objective.is_empty() {
        document.insert("description".into(), json!(c.objective));
    }
    if !c.keywords.is_empty() {
        document.insert("keywords".into(), json!(c.keywords.join(", ")));
    }
    for (key, date) in [("foundingDate", c.start_date), ("dissolutionDate", c.end_date)] {
        if let Some(date) = date {
            document.insert(key.into(), json!(date.format("%Y-%m-%d").to_string()));
        }
    }
    let mut grant = Map::new();
    grant.insert("@type".into(), json!("MonetaryGrant"));
    grant.insert(
        "identifier".into(),
        json!(c.doi.as_ref().map_or_else(|| c.id.clone(), |doi| format!("https://doi.org/{doi}"))),
    );
    grant.insert("funder".into(), json!({ "@type": "GovernmentOrganization", "name": "European Commission" }));
    if let Some(amount) = c.ec_max_contribution {
        grant.insert(
            "amount".into(),
            json!({ "@type": "MonetaryAmount", "currency": "EUR", "value": amount.to_string() }),
        );
    }
    if let Some(call) = &c.master_call {
        grant.insert("name".into(), json!(call));
    }
    document.insert("funding".into(), Value::Object(grant));
    let members: Vec<Value> = c
        .participants
        .iter()
        .map(|p| {
            let mut member = Map::new();
            member.insert("@type".into(), json!("Organization"));
            member.insert("name".into(), json!(p.legal_name));
            if let Some((slug, _)) = linked.get(&p.pic) {
                member.insert("url".into(), json!(format!("{base}/organisations/{slug}")));
            }
            if let Some(country) = &p.country {
                member.insert(
                    "address".into(),
                    json!({ "@type": "PostalAddress", "addressLocality": p.city, "addressCountry": country }),
                );
            }
            Value::Object(member)
        })
        .collect();
    document.insert("member".into(), json!(members));
    crate::kinds::organisations::escape_for_script(&Value::Object(document).to_string())
}

/// The network questions: who worked with an organisation (optionally only partners from
/// a country), and who in the region worked on a topic with partners from a country.
#[derive(Debug, Default, Clone, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NetworkParams {
    /// An organisation: its slug or its name (resolved as the resolver does).
    #[param(max_length = 300)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// Words of a topic, e.g. `antimicrobial resistance`, or a topic code.
    #[param(max_length = 200)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// A partner's country: CORDIS's two-letter code (`DE`, `EL` for Greece, `UK`).
    #[param(max_length = 2)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl NetworkParams {
    pub(crate) fn country(&self) -> Result<Option<&str>, ValidationError> {
        match given(&self.country) {
            Some(code) if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_alphabetic()) => {
                Err(ValidationError::new("country", Reason::NotCountryCode { value: code.to_owned() }))
            }
            other => Ok(other),
        }
    }

    pub(crate) fn topic(&self) -> Result<Option<&str>, ValidationError> {
        match given(&self.topic) {
            Some(topic) if topic.chars().count() > 200 => {
                Err(ValidationError::new("topic", Reason::TooLong { max: 200 }))
            }
            other => Ok(other),
        }
    }

    /// The organisation meant: by slug, else by name through the resolver when it is sure.
    pub(crate) async fn organisation(&self, state: &AppState) -> Result<Option<Organisation>, AppError> {
        let Some(text) = given(&self.organisation).filter(|t| !t.chars().any(char::is_control)) else {
            return Ok(None);
        };
        if let Some(organisation) = state.db.organisation_by_slug(text).await? {
            return Ok(Some(organisation));
        }
        match state.derived.resolver().resolve(text, 1).best {
            Some(best) => Ok(state.db.organisation_by_slug(&best.key).await?),
            None => Err(AppError::not_found("organisation")),
        }
    }
}

/// An organisation that worked on the topic, with the projects that show it.
struct ExperienceRow {
    url: String,
    name: String,
    projects: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "projects/network.html")]
struct NetworkPage {
    ctx: PageContext,
    organisation: String,
    topic: String,
    countries: Vec<SelectOption>,
    /// The organisation asked about and its partners.
    partners_of: Option<(String, String, Vec<PartnerRow>)>,
    /// Answers to the topic question, when it was asked.
    experience: Option<Vec<ExperienceRow>>,
}

pub async fn network(
    State(state): State<AppState>,
    ctx: PageContext,
    Params(params): Params<NetworkParams>,
) -> Result<Response, AppError> {
    let country = params.country()?;
    let topic = params.topic()?;
    let organisation = params.organisation(&state).await?;
    let t = &ctx.t;
    let partners_of = match &organisation {
        Some(organisation) => {
            let partners = state.db.organisation_partners(&organisation.id, country, PARTNERS_SHOWN * 5).await?;
            Some((
                organisation.profile.display_name(t.lang).to_owned(),
                format!("/organisations/{}", organisation.slug),
                partners.iter().map(|p| PartnerRow::new(t, p)).collect(),
            ))
        }
        None => None,
    };
    let experience = if topic.is_some() || (country.is_some() && organisation.is_none()) {
        let found = state.db.topic_experience(topic, country, EXPERIENCE_SHOWN).await?;
        Some(
            found
                .into_iter()
                .map(|e| ExperienceRow {
                    url: format!("/organisations/{}", e.slug),
                    name: e.name,
                    projects: e
                        .projects
                        .into_iter()
                        .map(|(id, acronym)| (format!("/projects/{id}"), acronym))
                        .collect(),
                })
                .collect(),
        )
    } else {
        None
    };
    let mut countries: Vec<SelectOption> = state
        .db
        .participant_countries()
        .await?
        .into_iter()
        .map(|code| SelectOption::new(code.clone(), format!("{} ({code})", country_label(t, &code)), country))
        .collect();
    countries.sort_by(|a, b| a.label.cmp(&b.label));
    let view = NetworkPage {
        organisation: given(&params.organisation).unwrap_or_default().to_owned(),
        topic: topic.unwrap_or_default().to_owned(),
        countries,
        partners_of,
        experience,
        ctx,
    };
    render(&view)
}

/// Which legal entities the admin's list shows.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct ParticipantParams {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// `no` (default), `yes` or `all`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linked: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<String>,
}

impl ParticipantParams {
    pub(crate) fn filter(&self) -> Result<LegalEntityFilter, ValidationError> {
        let linked = match given(&self.linked).unwrap_or("no") {
            "no" => Some(false),
            "yes" => Some(true),
            "all" => None,
            other => {
                return Err(ValidationError::new(
                    "linked",
                    Reason::NotOneOf { value: other.to_owned(), allowed: "no, yes, all".into() },
                ))
            }
        };
        let offset = given(&self.offset)
            .map(|v| {
                v.parse::<i64>().map_err(|_| ValidationError::new("offset", Reason::NotWholeNumber { value: v.into() }))
            })
            .transpose()?;
        Ok(LegalEntityFilter {
            linked,
            country: given(&self.country).map(str::to_owned),
            text: given(&self.q).map(str::to_owned),
            page: Pagination::new(Some(50), offset)?,
        })
    }
}

/// A legal entity on the admin's page.
struct EntityRow {
    pic: String,
    name: String,
    place: String,
    vat: String,
    projects: String,
    organisation: Option<String>,
    method: String,
    link_url: String,
}

#[derive(Template)]
#[template(path = "projects/participants.html")]
struct ParticipantsPage {
    ctx: PageContext,
    csrf: String,
    q: String,
    country: String,
    linked: Vec<SelectOption>,
    count: String,
    rows: Vec<EntityRow>,
    pager: Pager,
    /// Where a link form comes back to.
    here: String,
}

pub async fn participants(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Params(params): Params<ParticipantParams>,
) -> Result<Response, AppError> {
    auth.require(Action::Administer, Resource::Hub)?;
    let filter = params.filter()?;
    let found = state.db.legal_entities(&filter).await?;
    let t = &ctx.t;
    let linked = given(&params.linked).unwrap_or("no");
    let view = ParticipantsPage {
        csrf: auth.csrf.clone(),
        q: filter.text.clone().unwrap_or_default(),
        country: filter.country.clone().unwrap_or_default(),
        linked: [("no", "participants-unlinked"), ("yes", "participants-linked"), ("all", "participants-all")]
            .into_iter()
            .map(|(value, label)| SelectOption::new(value, t.t(label), Some(linked)))
            .collect(),
        count: t.count("participants-count", found.total),
        rows: found
            .items
            .iter()
            .map(|e| EntityRow {
                pic: e.pic.clone(),
                name: e.legal_name.clone(),
                place: [e.city.clone(), e.country.clone()].into_iter().flatten().collect::<Vec<_>>().join(", "),
                vat: e.vat.clone().unwrap_or_default(),
                projects: t.count("project-count", i64::from(e.projects)),
                organisation: e.organisation.clone(),
                method: e.method.map(|m| method_label(t, m)).unwrap_or_default(),
                link_url: format!("/admin/participants/{}/link", e.pic),
            })
            .collect(),
        pager: Pager::new(t, found.total, filter.page, |offset| {
            let mut params = params.clone();
            params.offset = (offset > 0).then(|| offset.to_string());
            url_with("/admin/participants", &params)
        }),
        here: ctx.current_url.clone(),
        ctx,
    };
    render(&view)
}

#[derive(Deserialize)]
pub struct LinkForm {
    /// The organisation's slug; blank unlinks.
    #[serde(default)]
    organisation: String,
    /// The admin page to go back to.
    #[serde(default)]
    next: String,
}

pub async fn link(
    State(state): State<AppState>,
    auth: Auth,
    Path(pic): Path<String>,
    Posted(form): Posted<LinkForm>,
) -> Result<Response, AppError> {
    auth.require(Action::Administer, Resource::Hub)?;
    link_by_hand(&state, &auth, &pic, &form.organisation).await?;
    // Only back to the admin's own list, never elsewhere.
    let next = if form.next.starts_with("/admin/participants") { form.next.as_str() } else { "/admin/participants" };
    Ok(see_other(next))
}

/// Links (or with a blank slug unlinks) a legal entity by hand, audited; the caller has
/// been checked as an admin.
pub(crate) async fn link_by_hand(state: &AppState, auth: &Auth, pic: &str, slug: &str) -> Result<(), AppError> {
    let slug = slug.trim();
    let organisation = match slug {
        "" => None,
        slug => Some(state.db.organisation_by_slug(slug).await?.ok_or_else(|| {
            ValidationError::new(
                "organisation",
                Reason::NotOneOf { value: slug.to_owned(), allowed: "an organisation's address name".into() },
            )
        })?),
    };
    let detail = organisation.as_ref().map_or_else(|| "unlinked".to_owned(), |o| format!("-> {}", o.slug));
    let subject = format!("pic:{pic}");
    let known = state
        .db
        .link_legal_entity(
            pic,
            organisation.as_ref().map(|o| o.id.as_str()),
            auth.event("participant.linked", &subject, detail),
        )
        .await?;
    if known {
        Ok(())
    } else {
        Err(AppError::not_found("participant"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_read_as_a_span() {
        assert_eq!(years(Some("2022-06-01"), Some("2027-05-31")), "2022 – 2027");
        assert_eq!(years(Some("2022-06-01"), Some("2022-12-31")), "2022");
        assert_eq!(years(None, None), "");
    }
}
