//! The soft-landing package of a lead, assembled from what the hub already knows: research
//! facilities in the region that fit the company, open calls that fit it (both by the
//! matching engine, on the company's summary and sector), talent programmes (the hub has
//! none yet: the package says so rather than invent any), and the people to talk to: the lead's
//! point of contact and the partner organisations it is shared with.

use lshub_domain::{CallStatus, OrganisationKind};
use lshub_search::{EntityType, MatchSource};
use lshub_storage::leads::StoredLead;

use crate::error::AppError;
use crate::i18n::Translator;
use crate::state::AppState;

/// How many facilities and calls a package lists.
const SHOWN: usize = 8;
/// Matches asked for before the facilities and open calls are picked from them.
const CANDIDATES: usize = 100;

/// Something the package points to.
pub struct Entry {
    pub title: String,
    /// The hub's page of it, as an absolute address (the PDF and the company's page are read
    /// outside the hub).
    pub url: String,
    pub note: String,
}

pub struct Contact {
    pub name: String,
    pub email: Option<String>,
    pub organisation: Option<String>,
}

/// What a package holds.
pub struct Package {
    pub company: String,
    pub sector: String,
    pub facilities: Vec<Entry>,
    pub calls: Vec<Entry>,
    pub contacts: Vec<Contact>,
    pub region: String,
}

/// Assembles the package of `lead` in the language of `t`.
pub async fn assemble(state: &AppState, t: &Translator, lead: &StoredLead) -> Result<Package, AppError> {
    let company = state.db.organisation_by_slug(&lead.company.slug).await?;
    let description = company.as_ref().and_then(|c| c.profile.descriptions.get(t.lang)).unwrap_or_default();
    let sector = t.t(&format!("lead-sector-{}", lead.details.sector));
    let text = [lead.details.summary.as_str(), description, sector.as_str()].join("\n");
    let source = MatchSource::Text(text);
    let base = &state.site.public_url;
    let region = lshub_domain::text::fold(&state.site.region);

    let mut facilities = Vec::new();
    for hit in crate::api::matching::find(state, &source, EntityType::ORGANISATION, CANDIDATES).await? {
        if facilities.len() == SHOWN {
            break;
        }
        let Some(organisation) = state.db.organisation_by_slug(&hit.key).await? else { continue };
        let profile = &organisation.profile;
        let city = profile.primary_address().and_then(|a| a.city.clone()).unwrap_or_default();
        let here = lshub_domain::text::fold(&city) == region;
        if profile.kind == OrganisationKind::ResearchInstitute && here && organisation.id != lead.company.id {
            facilities.push(Entry {
                title: profile.display_name(t.lang).to_owned(),
                url: format!("{base}/organisations/{}", organisation.slug),
                note: city,
            });
        }
    }

    let mut calls = Vec::new();
    for hit in crate::api::matching::find(state, &source, EntityType::CALL, CANDIDATES).await? {
        if calls.len() == SHOWN {
            break;
        }
        let Some(call) = state.db.call_by_topic_id(&hit.id).await? else { continue };
        if call.content.status_on(state.today()) != CallStatus::Open {
            continue;
        }
        let deadline = call.content.next_deadline(state.today()).map(|d| d.to_string()).unwrap_or_default();
        calls.push(Entry {
            title: call.content.title.clone(),
            url: format!("{base}{}", crate::api::entity_path(EntityType::CALL, &hit.key)),
            note: if deadline.is_empty() { String::new() } else { t.t1("package-deadline", "date", deadline) },
        });
    }

    let mut contacts = Vec::new();
    if let Some(person) = &lead.contact {
        contacts.push(Contact { name: person.name.clone(), email: Some(person.email.clone()), organisation: None });
    }
    for partner in &lead.shared_with {
        contacts.push(Contact { name: partner.name.clone(), email: None, organisation: Some(partner.slug.clone()) });
    }
    Ok(Package {
        company: lead.company.name.clone(),
        sector,
        facilities,
        calls,
        contacts,
        region: state.site.region.clone(),
    })
}
