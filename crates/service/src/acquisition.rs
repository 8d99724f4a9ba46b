//! Joint acquisition: the MoU partners' confidential pipeline. Partners enter leads (the
//! company linked to the directory or added to it, de-duplicated on KvK number, LEI or a
//! name the resolver recognised), move them through their stages, note what happened, share
//! them with other partner organisations, name a point of contact, and give the company its
//! soft-landing package through a secret link that expires. To anyone the policy does not
//! let read a lead, it does not exist: the answer is "not found", as for an unknown id.
//! The audit log names leads by id only, never their company.

use chrono::{Datelike, NaiveDate};
use lshub_domain::acquisition::impact::{self, Impact, Landed};
use lshub_domain::acquisition::{
    check_company_name, check_note, link_expiry, link_open, LeadDetails, LeadEvent, Stage, TimelineEntry,
};
use lshub_domain::authorization::{decide, Action, Decision, Denial, LeadAction, Resource};
use lshub_domain::{
    Identifiers, NewOrganisation, OrganisationKind, OrganisationProfile, Reason, SourceRef, ValidationError,
};
use lshub_storage::credentials::{digest, new_secret};
use lshub_storage::leads::{
    Company, LeadChange, LeadSaved, LinkChange, OrganisationRef, Person, StoredLead, StoredLink,
};
use lshub_storage::Database;

use crate::{Caller, ServiceError};

/// The company of a new lead.
#[derive(Debug, Clone)]
pub enum NewCompany {
    /// An organisation of the directory, by slug.
    Existing(String),
    /// A company to add, unless the directory has it already: by its KvK number or LEI, or
    /// by the organisation (slug) that the resolver found its name to mean.
    New { name: String, identifiers: Identifiers, name_match: Option<String> },
}

/// A new lead, owned by one of the caller's partner organisations (by id).
#[derive(Debug, Clone)]
pub struct NewLead {
    pub company: NewCompany,
    pub owner: String,
    pub details: LeadDetails,
}

/// A change to a lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Stage(Stage),
    Note(String),
    Details(LeadDetails),
    /// Share with the partner organisation (by id), or stop sharing.
    Share {
        organisation_id: String,
        shared: bool,
    },
    /// The point of contact (a user id), or nobody.
    Contact(Option<String>),
    /// A secret link to the package, valid for `days` days.
    MakeLink {
        days: u32,
    },
    RevokeLink(String),
}

/// A lead as those who may see it see it.
#[derive(Debug, Clone)]
pub struct LeadView {
    pub lead: StoredLead,
    pub timeline: Vec<(TimelineEntry, Option<String>)>,
    pub links: Vec<StoredLink>,
    /// The caller may change it (else they read only).
    pub can_work: bool,
    /// Every MoU partner organisation, to share with.
    pub partners: Vec<OrganisationRef>,
    /// Who may be its point of contact: staff of the organisations it is shared with.
    pub staff: Vec<Person>,
}

/// The lead `id` if the caller may `action` it. Visitors are asked to sign in whatever the
/// id; to a signed-in caller who may not read it, a lead that exists and one that does not
/// look the same.
async fn visible(db: &Database, caller: &Caller, id: &str, action: LeadAction) -> Result<StoredLead, ServiceError> {
    // What does not depend on the lead first: no account, a disabled one, a token without
    // the scope.
    let nobody = Resource::Lead { shared_with: &[], contact: None };
    if let Decision::Deny(denial) = decide(&caller.actor, Action::Lead(LeadAction::Read), nobody) {
        if denial != Denial::Forbidden {
            return Err(ServiceError::Denied(denial));
        }
    }
    let lead = db.lead(id).await?.ok_or(ServiceError::NotFound("lead"))?;
    let shared = lead.shared_ids();
    let contact = lead.contact.as_ref().map(|c| c.id.as_str());
    let on = Resource::Lead { shared_with: &shared, contact };
    if !decide(&caller.actor, Action::Lead(LeadAction::Read), on).is_allowed() {
        return Err(ServiceError::NotFound("lead"));
    }
    caller.require(Action::Lead(action), on)?;
    Ok(lead)
}

/// The MoU partner organisations the caller maintains: those a lead of theirs may belong to.
pub async fn own_partners(db: &Database, caller: &Caller) -> Result<Vec<OrganisationRef>, ServiceError> {
    caller.require(Action::WorkOnLeads, Resource::Hub)?;
    let principal = caller.actor.user.as_ref().ok_or(ServiceError::Denied(Denial::SignInRequired))?;
    Ok(partners(db).await?.into_iter().filter(|p| principal.organisations.contains(&p.id)).collect())
}

async fn partners(db: &Database) -> Result<Vec<OrganisationRef>, ServiceError> {
    Ok(db.partners().await?.into_iter().map(|(id, slug, name)| OrganisationRef { id, slug, name }).collect())
}

/// The leads the caller may see, most recently changed first.
pub async fn list(db: &Database, caller: &Caller) -> Result<Vec<StoredLead>, ServiceError> {
    caller.require(Action::WorkOnLeads, Resource::Hub)?;
    let principal = caller.actor.user.as_ref().ok_or(ServiceError::Denied(Denial::SignInRequired))?;
    let candidates = db.leads_for(&principal.organisations, &principal.user_id).await?;
    Ok(candidates
        .into_iter()
        .filter(|lead| {
            let shared = lead.shared_ids();
            let on = Resource::Lead { shared_with: &shared, contact: lead.contact.as_ref().map(|c| c.id.as_str()) };
            caller.may(Action::Lead(LeadAction::Read), on)
        })
        .collect())
}

/// The directory organisation a new lead's company is: the one named, or one with the same
/// KvK number or LEI, or the one the resolver recognised, or else a new one (`Err` holds it).
async fn company_of(db: &Database, company: &NewCompany) -> Result<Result<String, NewOrganisation>, ServiceError> {
    let (name, identifiers, name_match) = match company {
        NewCompany::Existing(slug) => {
            let found = db.organisation_by_slug(slug.trim()).await?;
            return match found {
                Some(organisation) => Ok(Ok(organisation.id)),
                None => Err(ValidationError::new("company", Reason::NoSuchOrganisation { slug: slug.clone() }).into()),
            };
        }
        NewCompany::New { name, identifiers, name_match } => (name.trim(), identifiers, name_match),
    };
    let mut errors = Vec::new();
    if let Err(e) = check_company_name(name) {
        errors.push(e);
    }
    if let Err(e) = identifiers.validate() {
        errors.push(e);
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    for (field, value) in [("kvk", &identifiers.kvk), ("lei", &identifiers.lei)] {
        if let Some(value) = value {
            if let Some(found) = db.organisation_with_identifier(field, value).await? {
                return Ok(Ok(found.id));
            }
        }
    }
    if let Some(slug) = name_match {
        if let Some(found) = db.organisation_by_slug(slug).await? {
            return Ok(Ok(found.id));
        }
    }
    Ok(Err(NewOrganisation {
        profile: OrganisationProfile {
            name: name.to_owned(),
            aliases: vec![],
            names: Default::default(),
            descriptions: Default::default(),
            kind: OrganisationKind::Company,
            sectors: vec![],
            identifiers: identifiers.clone(),
            addresses: vec![],
        },
        source: SourceRef { source: "leads".into(), source_id: uuid::Uuid::now_v7().to_string() },
    }))
}

/// Enters a lead, shared with its owner and with the caller as its point of contact.
pub async fn create(db: &Database, caller: &Caller, new: NewLead) -> Result<String, ServiceError> {
    let owners = own_partners(db, caller).await?;
    let owner = owners.iter().find(|o| o.id == new.owner || o.slug == new.owner).ok_or_else(|| {
        ServiceError::from(ValidationError::new(
            "owner",
            Reason::NotOneOf { value: new.owner.clone(), allowed: "your partner organisations".into() },
        ))
    })?;
    let shared = vec![owner.id.clone()];
    caller.require(Action::Lead(LeadAction::Create), Resource::Lead { shared_with: &shared, contact: None })?;
    let errors = new.details.validate();
    let company = company_of(db, &new.company).await;
    let company = match (company, errors.is_empty()) {
        (Ok(company), true) => company,
        (Ok(_), false) => return Err(ServiceError::Invalid(errors)),
        (Err(ServiceError::Invalid(mut more)), _) => {
            more.extend(errors);
            return Err(ServiceError::Invalid(more));
        }
        (Err(e), _) => return Err(e),
    };
    let user = caller.user()?;
    let events = [
        LeadEvent::Shared { organisation_id: owner.id.clone() },
        LeadEvent::ContactChanged { user_id: Some(user.id.clone()) },
    ];
    let change = LeadChange {
        stage: Stage::Identified,
        details: &new.details,
        contact_id: Some(&user.id),
        landed_year: None,
        shared_with: &shared,
        events: &events,
        actor_id: &user.id,
        link: None,
        audit: caller.event("lead.created", "lead", String::new()),
    };
    let stored = match &company {
        Ok(id) => Company::Existing(id),
        Err(record) => Company::New(record),
    };
    Ok(db.create_lead(stored, change).await?)
}

/// The lead `id` with its timeline and links, for those who may see it.
pub async fn find(db: &Database, caller: &Caller, id: &str) -> Result<LeadView, ServiceError> {
    let lead = visible(db, caller, id, LeadAction::Read).await?;
    let shared = lead.shared_ids();
    let on = Resource::Lead { shared_with: &shared, contact: lead.contact.as_ref().map(|c| c.id.as_str()) };
    let can_work = caller.may(Action::Lead(LeadAction::Work), on);
    Ok(LeadView {
        timeline: db.lead_timeline(id).await?,
        links: db.lead_links(id).await?,
        partners: partners(db).await?,
        staff: db.partner_staff(&shared).await?,
        can_work,
        lead,
    })
}

/// Makes `change` to the lead `id`; for a new link, returns its secret, which is shown once
/// and stored only as its digest.
pub async fn change(
    db: &Database,
    caller: &Caller,
    id: &str,
    change: Change,
    today: NaiveDate,
) -> Result<Option<String>, ServiceError> {
    let lead = visible(db, caller, id, LeadAction::Work).await?;
    let user = caller.user()?;
    let mut stage = lead.stage;
    let mut details = lead.details.clone();
    let mut contact = lead.contact.as_ref().map(|c| c.id.clone());
    let mut landed_year = lead.landed_year;
    let mut shared = lead.shared_ids();
    let mut secret = None;
    // A new link: its digest and last day.
    let mut made: Option<(String, NaiveDate)> = None;
    let event = match change {
        Change::Stage(to) => {
            stage.check_move(to)?;
            stage = to;
            if to == Stage::Landed {
                landed_year = Some(today.year());
            }
            LeadEvent::StageChanged { from: lead.stage, to }
        }
        Change::Note(text) => {
            check_note(&text)?;
            LeadEvent::Noted { text: text.trim().to_owned() }
        }
        Change::Details(new) => {
            let errors = new.validate();
            if !errors.is_empty() {
                return Err(ServiceError::Invalid(errors));
            }
            details = new.clone();
            LeadEvent::DetailsChanged { details: new }
        }
        Change::Share { organisation_id, shared: true } => {
            let partner = partners(db).await?.into_iter().any(|p| p.id == organisation_id);
            if !partner || shared.contains(&organisation_id) {
                return Err(not_one_of("organisation", &organisation_id, "partner organisations not yet shared with"));
            }
            shared.push(organisation_id.clone());
            LeadEvent::Shared { organisation_id }
        }
        Change::Share { organisation_id, shared: false } => {
            // A lead shared with nobody would be seen by its point of contact alone.
            if !shared.contains(&organisation_id) || shared.len() == 1 {
                return Err(not_one_of("organisation", &organisation_id, "the other organisations it is shared with"));
            }
            shared.retain(|o| *o != organisation_id);
            LeadEvent::Unshared { organisation_id }
        }
        Change::Contact(user_id) => {
            if let Some(user_id) = &user_id {
                let staff = db.partner_staff(&shared).await?;
                if !staff.iter().any(|p| p.id == *user_id) {
                    return Err(not_one_of("contact", user_id, "staff of the partners it is shared with"));
                }
            }
            contact = user_id.clone();
            LeadEvent::ContactChanged { user_id }
        }
        Change::MakeLink { days } => {
            let expires_on = link_expiry(today, days)?;
            let new = new_secret()?;
            made = Some((digest(&new), expires_on));
            secret = Some(new);
            LeadEvent::LinkMade { link_id: uuid::Uuid::now_v7().to_string(), expires_on }
        }
        Change::RevokeLink(revoked) => {
            let open = db.lead_links(id).await?.into_iter().any(|l| l.id == revoked && l.revoked_at.is_none());
            if !open {
                return Err(not_one_of("link", &revoked, "the lead's links that are not revoked"));
            }
            LeadEvent::LinkRevoked { link_id: revoked }
        }
    };
    let events = [event];
    let link = match (&events[0], &made) {
        (LeadEvent::LinkMade { link_id, .. }, Some((secret_digest, expires_on))) => {
            Some(LinkChange::Make { id: link_id, secret_digest, expires_on: *expires_on })
        }
        (LeadEvent::LinkRevoked { link_id }, _) => Some(LinkChange::Revoke { id: link_id }),
        _ => None,
    };
    let audit = caller.event("lead.changed", id, events[0].id().to_owned());
    let saved = db
        .save_lead(
            id,
            lead.last_seq,
            LeadChange {
                stage,
                details: &details,
                contact_id: contact.as_deref(),
                landed_year,
                shared_with: &shared,
                events: &events,
                actor_id: &user.id,
                link,
                audit,
            },
        )
        .await?;
    match saved {
        LeadSaved::Done => Ok(secret),
        LeadSaved::Stale => Err(ServiceError::Stale),
    }
}

fn not_one_of(field: &'static str, value: &str, allowed: &str) -> ServiceError {
    ValidationError::new(field, Reason::NotOneOf { value: value.to_owned(), allowed: allowed.to_owned() }).into()
}

/// The lead behind a secret link, while the link is open on `today`: the company's own view,
/// without signing in. An unknown, expired or revoked link is "not found".
pub async fn shared_package(
    db: &Database,
    secret: &str,
    today: NaiveDate,
) -> Result<(StoredLead, StoredLink), ServiceError> {
    let link = db.lead_link(&digest(secret)).await?.ok_or(ServiceError::NotFound("link"))?;
    if !link_open(link.expires_on, link.revoked_at.is_some(), today) {
        return Err(ServiceError::NotFound("link"));
    }
    let lead = db.lead(&link.lead_id).await?.ok_or(ServiceError::NotFound("link"))?;
    Ok((lead, link))
}

/// The public counts: companies landed per year and sector, and the jobs they stated.
pub async fn impact(db: &Database) -> Result<Impact, ServiceError> {
    let rows = db.landed_leads().await?;
    Ok(impact::count(rows.iter().map(|r| Landed { stage: r.stage, year: r.year, sector: &r.sector, jobs: r.jobs })))
}
