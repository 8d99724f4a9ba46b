//! The consortium builder: a member opens a workspace for a call in the name of its
//! organisation, which manages it; the manager invites organisations of the directory
//! (their members accept or decline) and lists partners outside it; each partner has a role
//! and a statement; the workspace checks the call's eligibility rules and suggests partners
//! from the members' co-participation in EU projects. To anyone the policy does not let see
//! a workspace, it does not exist ("not found"); an invited organisation's members see only
//! their invitation. An invitation to an organisation without members waits in the admins'
//! queue, where an admin records its answer after asking it.

use std::collections::HashMap;

use lshub_domain::authorization::{decide, Action, ConsortiumAction, Decision, Denial, Resource};
use lshub_domain::call::CallStatus;
use lshub_domain::consortium::countries::{is_associated, is_member_state, normalise};
use lshub_domain::consortium::eligibility::{self, Check, EligibilityRules, Partner, Requirement};
use lshub_domain::consortium::{
    check_acronym, check_external, check_single_coordinator, check_statement, PartnerRole, PartnerState,
};
use lshub_domain::{CallTopic, Language, Reason, ValidationError};
use lshub_storage::consortia::{PartnerChange, PartnerIdentity, QueuedInvitation, StoredConsortium};
use lshub_storage::projects::CoParticipation;
use lshub_storage::Database;

use crate::{Caller, ServiceError};

/// What happened, for the mail that tells those concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeEvent {
    /// Sent to the invited organisation's members.
    Invited,
    /// Sent to the managing organisation's members.
    Accepted,
    Declined,
}

impl NoticeEvent {
    pub fn id(self) -> &'static str {
        match self {
            NoticeEvent::Invited => "invited",
            NoticeEvent::Accepted => "accepted",
            NoticeEvent::Declined => "declined",
        }
    }
}

/// A mail's facts.
pub struct Notice<'a> {
    pub event: NoticeEvent,
    pub consortium_id: &'a str,
    pub acronym: &'a str,
    /// The invited organisation.
    pub organisation: &'a str,
    /// The managing organisation.
    pub manager: &'a str,
    pub call_title: &'a str,
}

/// Words a notice: (subject, body).
pub type Compose<'a> = &'a (dyn Fn(&Notice<'_>, Language) -> (String, String) + Sync);

/// A new workspace.
#[derive(Debug, Clone)]
pub struct NewConsortium {
    /// The call's topic id.
    pub call: String,
    /// The caller's organisation that opens and manages it, by slug or id.
    pub organisation: String,
    pub acronym: String,
    /// The managing organisation's own role.
    pub role: PartnerRole,
}

/// Who to add.
#[derive(Debug, Clone)]
pub enum Invitee {
    /// An organisation of the directory, by slug.
    Organisation(String),
    /// One outside it, by legal name and country code.
    External { name: String, country: String },
}

/// Where the rules a workspace is checked against come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RulesSource {
    /// Set by a partner for the call's type of action.
    Set,
    /// Built into the hub (Horizon Europe's general conditions).
    BuiltIn,
}

/// The rules of the call's type of action and the check against them.
#[derive(Debug, Clone)]
pub struct Eligibility {
    pub action_type: String,
    pub rules: EligibilityRules,
    pub source: RulesSource,
    pub check: Check,
}

/// A workspace as the caller may see it.
#[derive(Debug, Clone)]
pub struct ConsortiumView {
    /// For a caller who may only answer an invitation, the partners are only their own
    /// invited organisations.
    pub consortium: StoredConsortium,
    pub call: CallTopic,
    /// The caller sees the whole workspace (else only their invitation).
    pub full: bool,
    pub can_manage: bool,
    /// Partners' countries (ISO codes), by key.
    pub countries: HashMap<String, String>,
    /// Keys of the accepted partners the caller maintains: their statements are theirs to write.
    pub own: Vec<String>,
    /// Keys of the invitations the caller may answer.
    pub answerable: Vec<String>,
    /// Keys of invited organisations without members: their invitations wait for an admin.
    pub queued: Vec<String>,
    /// `None` when no rules are known for the call's type of action.
    pub eligibility: Option<Eligibility>,
}

/// A partner the workspace could use, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The directory organisation's slug, when it is in the directory.
    pub slug: Option<String>,
    pub name: String,
    pub country: Option<String>,
    /// The consortium's partner that worked with it.
    pub via: String,
    pub projects: usize,
    /// The most recent project they worked on together: acronym and title.
    pub project: (String, String),
    /// It would add a country the rules still need.
    pub fills_country: bool,
}

fn resource(consortium: &StoredConsortium) -> (Vec<String>, Vec<String>) {
    (consortium.organisations_in(PartnerState::Accepted), consortium.organisations_in(PartnerState::Invited))
}

/// What does not depend on a workspace, asked first: no account, a disabled one, a token
/// without the scope.
pub fn gate(caller: &Caller) -> Result<(), ServiceError> {
    let nobody = Resource::Consortium { manager: "", members: &[], invited: &[] };
    match decide(&caller.actor, Action::Consortium(ConsortiumAction::Read), nobody) {
        Decision::Deny(denial) if denial != Denial::Forbidden => Err(ServiceError::Denied(denial)),
        _ => Ok(()),
    }
}

/// The workspace `id`, and whether the caller reads all of it (else they may only answer
/// an invitation in it). Visitors are asked to sign in whatever the id; to a signed-in
/// caller who may neither read it nor answer an invitation in it, a workspace that exists
/// and one that does not look the same.
async fn load(db: &Database, caller: &Caller, id: &str) -> Result<(StoredConsortium, bool), ServiceError> {
    gate(caller)?;
    let consortium = db.consortium(id).await?.ok_or(ServiceError::NotFound("consortium"))?;
    let (members, invited) = resource(&consortium);
    let on = Resource::Consortium { manager: &consortium.manager.id, members: &members, invited: &invited };
    let reads = caller.may(Action::Consortium(ConsortiumAction::Read), on);
    if !reads && !caller.may(Action::Consortium(ConsortiumAction::Answer), on) {
        return Err(ServiceError::NotFound("consortium"));
    }
    Ok((consortium, reads))
}

/// The workspace `id` if the caller may `action` it ([`load`] says who finds it at all).
async fn visible(
    db: &Database,
    caller: &Caller,
    id: &str,
    action: ConsortiumAction,
) -> Result<StoredConsortium, ServiceError> {
    let (consortium, _) = load(db, caller, id).await?;
    let (members, invited) = resource(&consortium);
    let on = Resource::Consortium { manager: &consortium.manager.id, members: &members, invited: &invited };
    caller.require(Action::Consortium(action), on)?;
    Ok(consortium)
}

async fn call_of(db: &Database, topic_id: &str) -> Result<CallTopic, ServiceError> {
    db.call_by_topic_id(topic_id)
        .await?
        .ok_or_else(|| ValidationError::new("call", Reason::NoSuchCall { topic_id: topic_id.to_owned() }).into())
}

/// The rules for a type of action: a partner's, or else the built-in ones.
async fn rules_for(db: &Database, action_type: &str) -> Result<Option<(EligibilityRules, RulesSource)>, ServiceError> {
    let set = db.eligibility_rules().await?.into_iter().find(|r| r.action_type == action_type);
    Ok(match set {
        Some(stored) => Some((stored.rules, RulesSource::Set)),
        None => eligibility::built_in(action_type).map(|rules| (rules, RulesSource::BuiltIn)),
    })
}

/// The organisations the caller maintains, by id.
fn own_organisations(caller: &Caller) -> Vec<String> {
    caller.actor.user.as_ref().map(|u| u.organisations.clone()).unwrap_or_default()
}

/// Opens a workspace; returns its id.
pub async fn open(
    db: &Database,
    caller: &Caller,
    new: NewConsortium,
    today: chrono::NaiveDate,
) -> Result<String, ServiceError> {
    let organisation = match db.organisation_by_slug(new.organisation.trim()).await? {
        Some(o) => o,
        None => {
            return Err(
                ValidationError::new("organisation", Reason::NoSuchOrganisation { slug: new.organisation }).into()
            )
        }
    };
    caller.require(Action::OpenConsortium, Resource::Organisation { id: &organisation.id })?;
    let mut errors = Vec::new();
    let acronym = new.acronym.trim();
    if let Err(e) = check_acronym(acronym) {
        errors.push(e);
    }
    match db.call_by_topic_id(new.call.trim()).await? {
        Some(call) if call.content.status_on(today) == CallStatus::Closed => {
            errors.push(ValidationError::new("call", Reason::CallClosed { topic_id: call.content.topic_id }))
        }
        Some(_) => {}
        None => errors.push(ValidationError::new("call", Reason::NoSuchCall { topic_id: new.call.clone() })),
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let user = caller.user()?;
    let detail = format!("call {}, as {}", new.call.trim(), new.role.id());
    Ok(db
        .create_consortium(
            new.call.trim(),
            acronym,
            &organisation.id,
            new.role,
            &user.id,
            caller.event("consortium.open", &organisation.id, detail),
        )
        .await?)
}

/// The workspaces the caller's organisations take part in or are invited to, most recently
/// changed first.
pub async fn list(db: &Database, caller: &Caller) -> Result<Vec<ConsortiumView>, ServiceError> {
    gate(caller)?;
    let mut views = Vec::new();
    for consortium in db.consortia_of(&own_organisations(caller)).await? {
        if let Ok(view) = find(db, caller, &consortium.id).await {
            views.push(view);
        }
    }
    Ok(views)
}

/// A workspace with its eligibility check, as the caller may see it.
pub async fn find(db: &Database, caller: &Caller, id: &str) -> Result<ConsortiumView, ServiceError> {
    let (mut consortium, full) = load(db, caller, id).await?;
    let call = call_of(db, &consortium.call_topic_id).await?;
    let mine = own_organisations(caller);
    let maintained =
        |p: &lshub_storage::consortia::StoredPartner| p.organisation.as_ref().is_some_and(|o| mine.contains(&o.id));
    if !full {
        consortium.partners.retain(|p| maintained(p) && p.state == PartnerState::Invited);
    }
    let mut countries = HashMap::new();
    let mut queued = Vec::new();
    for partner in &consortium.partners {
        let country = match (&partner.organisation, &partner.external) {
            (Some(o), _) => db
                .organisation_by_slug(&o.slug)
                .await?
                .and_then(|o| o.profile.primary_address().and_then(|a| a.country_code.clone())),
            (None, Some((_, country))) => Some(country.clone()),
            (None, None) => None,
        };
        if let Some(country) = country.as_deref().and_then(normalise) {
            countries.insert(partner.key.clone(), country);
        }
        if let (Some(o), PartnerState::Invited) = (&partner.organisation, partner.state) {
            if db.recipients(&[], std::slice::from_ref(&o.id)).await?.is_empty() {
                queued.push(partner.key.clone());
            }
        }
    }
    let (members, invited) = resource(&consortium);
    let on = Resource::Consortium { manager: &consortium.manager.id, members: &members, invited: &invited };
    let action_type = call.content.action_type.clone().unwrap_or_default();
    let eligibility = match (full, rules_for(db, &action_type).await?) {
        (true, Some((rules, source))) => {
            let check = rules.check(consortium.partners.iter().map(|p| Partner {
                name: p.name(),
                country: countries.get(&p.key).map(String::as_str),
                role: p.role,
                state: p.state,
            }));
            Some(Eligibility { action_type, rules, source, check })
        }
        _ => None,
    };
    Ok(ConsortiumView {
        can_manage: caller.may(Action::Consortium(ConsortiumAction::Manage), on),
        own: consortium
            .partners
            .iter()
            .filter(|p| maintained(p) && p.state == PartnerState::Accepted)
            .map(|p| p.key.clone())
            .collect(),
        answerable: consortium
            .partners
            .iter()
            .filter(|p| maintained(p) && p.state == PartnerState::Invited)
            .map(|p| p.key.clone())
            .collect(),
        consortium,
        call,
        full,
        countries,
        queued,
        eligibility,
    })
}

/// Letters about `notice` to the members of `organisation_id` but `except`.
async fn letters(
    db: &Database,
    organisation_id: &str,
    except: &str,
    notice: &Notice<'_>,
    compose: Compose<'_>,
) -> Result<Vec<(String, String, String)>, ServiceError> {
    crate::letters_to_members(db, organisation_id, except, |language| compose(notice, language)).await
}

async fn write(
    db: &Database,
    caller: &Caller,
    consortium: &StoredConsortium,
    change: PartnerChange<'_>,
    letters: &[(String, String, String)],
    action: &str,
    detail: String,
) -> Result<String, ServiceError> {
    let user = caller.user()?;
    let mails = crate::as_mails(letters);
    db.change_consortium_partner(&consortium.id, change, &user.id, &mails, caller.event(action, &consortium.id, detail))
        .await?
        .ok_or(ServiceError::NotFound("partner"))
}

/// Invites an organisation of the directory, or lists one outside it; returns the partner's key.
pub async fn invite(
    db: &Database,
    caller: &Caller,
    id: &str,
    invitee: Invitee,
    role: PartnerRole,
    statement: &str,
    compose: Compose<'_>,
) -> Result<String, ServiceError> {
    let consortium = visible(db, caller, id, ConsortiumAction::Manage).await?;
    let statement = statement.trim();
    let mut errors = Vec::new();
    if let Err(e) = check_statement(statement) {
        errors.push(e);
    }
    if let Err(e) = check_single_coordinator(consortium.partners.iter().map(|p| p.role), role) {
        errors.push(e);
    }
    let (identity, organisation) = match invitee {
        Invitee::Organisation(slug) => match db.organisation_by_slug(slug.trim()).await? {
            Some(o) if consortium.partner(&o.id).is_some() => {
                errors.push(ValidationError::new(
                    "organisation",
                    Reason::AlreadyPartner { name: o.profile.name.clone() },
                ));
                (PartnerIdentity::Organisation(o.id.clone()), Some(o))
            }
            Some(o) => (PartnerIdentity::Organisation(o.id.clone()), Some(o)),
            None => {
                errors.push(ValidationError::new("organisation", Reason::NoSuchOrganisation { slug }));
                (PartnerIdentity::Organisation(String::new()), None)
            }
        },
        Invitee::External { name, country } => {
            let name = name.trim().to_owned();
            errors.extend(check_external(&name, &country));
            if consortium
                .partners
                .iter()
                .any(|p| p.external.as_ref().is_some_and(|(n, _)| n.eq_ignore_ascii_case(&name)))
            {
                errors.push(ValidationError::new("name", Reason::AlreadyPartner { name: name.clone() }));
            }
            let country = normalise(&country).unwrap_or_default();
            (PartnerIdentity::External { name, country }, None)
        }
    };
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let call = call_of(db, &consortium.call_topic_id).await?;
    let user = caller.user()?;
    let (letters, detail) = match &organisation {
        Some(o) => {
            let notice = Notice {
                event: NoticeEvent::Invited,
                consortium_id: &consortium.id,
                acronym: &consortium.acronym,
                organisation: &o.profile.name,
                manager: &consortium.manager.name,
                call_title: &call.content.title,
            };
            (letters(db, &o.id, &user.id, &notice, compose).await?, format!("invited {} as {}", o.id, role.id()))
        }
        None => (Vec::new(), format!("listed a partner outside the directory as {}", role.id())),
    };
    write(
        db,
        caller,
        &consortium,
        PartnerChange::Add { identity: &identity, role, statement },
        &letters,
        "consortium.invite",
        detail,
    )
    .await
}

/// Accepts or declines the invitation of the organisation `key`, which the caller maintains.
pub async fn answer(
    db: &Database,
    caller: &Caller,
    id: &str,
    key: &str,
    accepted: bool,
    compose: Compose<'_>,
) -> Result<(), ServiceError> {
    let consortium = visible(db, caller, id, ConsortiumAction::Answer).await?;
    let partner = consortium
        .partner(key)
        .filter(|p| p.state == PartnerState::Invited)
        .filter(|p| p.organisation.as_ref().is_some_and(|o| own_organisations(caller).contains(&o.id)))
        .ok_or(ServiceError::NotFound("invitation"))?;
    record_answer(db, caller, &consortium, partner.key.clone(), partner.name().to_owned(), accepted, compose).await
}

async fn record_answer(
    db: &Database,
    caller: &Caller,
    consortium: &StoredConsortium,
    key: String,
    organisation: String,
    accepted: bool,
    compose: Compose<'_>,
) -> Result<(), ServiceError> {
    let call = call_of(db, &consortium.call_topic_id).await?;
    let notice = Notice {
        event: if accepted { NoticeEvent::Accepted } else { NoticeEvent::Declined },
        consortium_id: &consortium.id,
        acronym: &consortium.acronym,
        organisation: &organisation,
        manager: &consortium.manager.name,
        call_title: &call.content.title,
    };
    let user = caller.user()?;
    let letters = letters(db, &consortium.manager.id, &user.id, &notice, compose).await?;
    let detail = format!("{} {key}", notice.event.id());
    write(db, caller, consortium, PartnerChange::Answer { key: &key, accepted }, &letters, "consortium.answer", detail)
        .await
        .map(|_| ())
}

/// Changes a partner: the manager sets anyone's role and statement; an accepted partner's
/// members write their own statement (its role stays the manager's to set).
pub async fn update(
    db: &Database,
    caller: &Caller,
    id: &str,
    key: &str,
    role: Option<PartnerRole>,
    statement: &str,
) -> Result<(), ServiceError> {
    let view = find(db, caller, id).await?;
    let consortium = &view.consortium;
    let partner = consortium.partner(key).ok_or(ServiceError::NotFound("partner"))?;
    if !view.can_manage {
        let role_change = role.is_some_and(|r| r != partner.role);
        if role_change || !view.own.iter().any(|k| k == key) {
            return Err(ServiceError::Denied(Denial::Forbidden));
        }
        visible(db, caller, id, ConsortiumAction::Contribute).await?;
    }
    let role = if view.can_manage { role.unwrap_or(partner.role) } else { partner.role };
    let statement = statement.trim();
    let mut errors = Vec::new();
    if let Err(e) = check_statement(statement) {
        errors.push(e);
    }
    let others = consortium.partners.iter().filter(|p| p.key != key).map(|p| p.role);
    if let Err(e) = check_single_coordinator(others, role) {
        errors.push(e);
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let detail = format!("{key} as {}", role.id());
    write(db, caller, consortium, PartnerChange::Update { key, role, statement }, &[], "consortium.update", detail)
        .await
        .map(|_| ())
}

/// Removes a partner: the manager removes anyone but itself; a partner's members withdraw it.
pub async fn remove(db: &Database, caller: &Caller, id: &str, key: &str) -> Result<(), ServiceError> {
    let view = find(db, caller, id).await?;
    let consortium = &view.consortium;
    consortium.partner(key).ok_or(ServiceError::NotFound("partner"))?;
    if key == consortium.manager.id {
        return Err(ValidationError::new("partner", Reason::ManagerStays).into());
    }
    let action = if view.can_manage { ConsortiumAction::Manage } else { ConsortiumAction::Contribute };
    if !view.can_manage && !view.own.iter().any(|k| k == key) {
        return Err(ServiceError::Denied(Denial::Forbidden));
    }
    visible(db, caller, id, action).await?;
    write(db, caller, consortium, PartnerChange::Remove { key }, &[], "consortium.remove", key.to_owned())
        .await
        .map(|_| ())
}

/// Partners for the gaps, from the co-participation of the workspace's organisations in EU
/// projects: those who would add a country the rules still need first, then those with most
/// projects in common. Partners already in the workspace are left out.
pub async fn suggestions(db: &Database, view: &ConsortiumView, limit: usize) -> Result<Vec<Suggestion>, ServiceError> {
    let consortium = &view.consortium;
    let members = consortium.organisations_in(PartnerState::Accepted);
    let taken: Vec<String> = consortium
        .partners
        .iter()
        .map(|p| p.organisation.as_ref().map_or_else(|| p.name().to_lowercase(), |o| o.id.clone()))
        .collect();
    let needs_country = view.eligibility.as_ref().is_some_and(|e| e.check.missing(Requirement::Countries) > 0);
    let present: Vec<&str> = view.countries.values().map(String::as_str).collect();
    let eu_only = view.eligibility.as_ref().is_none_or(|e| e.rules.eu_or_associated_only);
    let mut found: Vec<(String, Suggestion)> = Vec::new();
    for row in db.co_participations(&members).await? {
        let CoParticipation { via, partner, legal_name, country, acronym, title, .. } = row;
        let key = partner.as_ref().map_or_else(|| legal_name.to_lowercase(), |o| o.id.clone());
        if taken.contains(&key) {
            continue;
        }
        let country = country.as_deref().and_then(normalise);
        if let Some(existing) = found.iter_mut().find(|(k, _)| *k == key) {
            existing.1.projects += 1;
            continue;
        }
        let counts = country.as_deref().is_some_and(|c| !eu_only || is_member_state(c) || is_associated(c));
        found.push((
            key,
            Suggestion {
                slug: partner.as_ref().map(|o| o.slug.clone()),
                name: partner.map_or(legal_name, |o| o.name),
                fills_country: needs_country && counts && country.as_deref().is_some_and(|c| !present.contains(&c)),
                country,
                via: via.name,
                projects: 1,
                project: (acronym, title),
            },
        ));
    }
    let mut suggestions: Vec<Suggestion> = found.into_iter().map(|(_, s)| s).collect();
    suggestions.sort_by(|a, b| b.fills_country.cmp(&a.fills_country).then(b.projects.cmp(&a.projects)));
    suggestions.truncate(limit);
    Ok(suggestions)
}

/// The admins' queue: invitations to organisations that have no members to answer them.
pub async fn queue(db: &Database, caller: &Caller) -> Result<Vec<QueuedInvitation>, ServiceError> {
    caller.require(Action::Administer, Resource::Hub)?;
    Ok(db.invitations_without_members().await?)
}

/// An admin records the answer an organisation without members gave them.
pub async fn answer_for(
    db: &Database,
    caller: &Caller,
    id: &str,
    organisation_id: &str,
    accepted: bool,
    compose: Compose<'_>,
) -> Result<(), ServiceError> {
    caller.require(Action::Administer, Resource::Hub)?;
    let waiting = db
        .invitations_without_members()
        .await?
        .into_iter()
        .find(|q| q.consortium_id == id && q.organisation.id == organisation_id)
        .ok_or(ServiceError::NotFound("invitation"))?;
    let consortium = db.consortium(id).await?.ok_or(ServiceError::NotFound("consortium"))?;
    record_answer(db, caller, &consortium, organisation_id.to_owned(), waiting.organisation.name, accepted, compose)
        .await
}

/// The rules of every type of action that has some: those partners set, and the built-in
/// ones they did not replace, by type.
pub async fn rules(db: &Database) -> Result<Vec<(String, EligibilityRules, RulesSource)>, ServiceError> {
    let set = db.eligibility_rules().await?;
    let mut all: Vec<(String, EligibilityRules, RulesSource)> =
        set.iter().map(|r| (r.action_type.clone(), r.rules, RulesSource::Set)).collect();
    for action_type in eligibility::BUILT_IN_TYPES {
        if let (false, Some(rules)) =
            (set.iter().any(|r| r.action_type == action_type), eligibility::built_in(action_type))
        {
            all.push((action_type.to_owned(), rules, RulesSource::BuiltIn));
        }
    }
    all.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(all)
}

/// Sets (or with `None` removes) the rules of a type of action.
pub async fn set_rules(
    db: &Database,
    caller: &Caller,
    action_type: &str,
    rules: Option<EligibilityRules>,
) -> Result<(), ServiceError> {
    caller.require(Action::SetEligibilityRules, Resource::Hub)?;
    let action_type = action_type.trim();
    let mut errors = Vec::new();
    if action_type.is_empty() || action_type.len() > 60 || action_type.contains(['\n', '\r', '/']) {
        errors.push(ValidationError::new("actionType", Reason::NotOneLine));
    }
    if let Some(rules) = &rules {
        errors.extend(rules.validate());
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let user = caller.user()?;
    let detail = rules.map_or_else(|| "removed".to_owned(), |r| format!("{r:?}"));
    db.set_eligibility_rules(
        action_type,
        rules.as_ref(),
        &user.id,
        caller.event("eligibility.set", action_type, detail),
    )
    .await?;
    Ok(())
}
