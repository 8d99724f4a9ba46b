//! Access requests: holders offer their datasets as catalogue items; researchers apply,
//! invite co-applicants, state their purpose and submit; the holder's side reviews, decides,
//! and approvals give entitlements. Every command is decided by the domain's rules against
//! the application's log, and its events, entitlements and mails are written together.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use lshub_domain::access::application::{
    handle, Application, AttachmentRef, Command, CommandKind, Event, Party, Recorded, Refusal, Requirements, Role,
};
use lshub_domain::access::attachment;
use lshub_domain::access::catalogue::{CatalogueItem, Licence};
use lshub_domain::access::entitlement::{owed, Entitlement, Granted};
use lshub_domain::access::form::{Answers, FieldProblem};
use lshub_domain::access::purpose::{assess, Assessment};
use lshub_domain::access::statistics::{holder_figures, HolderFigures};
use lshub_domain::account::Email;
use lshub_domain::authorization::{Action, Resource};
use lshub_domain::dataset::Dataset;
use lshub_domain::{Language, Reason};
use lshub_storage::access::{Appended, Appending, EntitlementsEnded, EntitlementsOf, Recipient, StoredCatalogueItem};
use lshub_storage::accounts::Mail;
use lshub_storage::Database;
use sha2::{Digest, Sha256};

use crate::{Caller, ServiceError};

/// A mail about an application, for the web layer to word in the recipient's language.
#[derive(Debug, Clone, Copy)]
pub struct Notice<'a> {
    /// The event's id (`submitted`, `returned` …).
    pub event: &'static str,
    pub application_id: &'a str,
    pub comment: Option<&'a str>,
}

/// Words a notice: (subject, body).
pub type Compose<'a> = &'a (dyn Fn(&Notice<'_>, Language) -> (String, String) + Sync);

/// An application as the caller may see it.
#[derive(Debug, Clone)]
pub struct ApplicationView {
    pub application: Application,
    pub roles: BTreeSet<Role>,
    pub commands: BTreeSet<CommandKind>,
    pub items: Vec<StoredCatalogueItem>,
    /// The licences of every item, each once.
    pub licences: Vec<Licence>,
    /// What is missing or wrong in the answers, per item's form.
    pub problems: Vec<FieldProblem>,
    /// The purpose against each requested dataset's DUO codes, by dataset slug.
    pub assessments: Vec<(String, Assessment)>,
    pub entitlements: Vec<Entitlement>,
    /// Display names of everyone in the log, by user id.
    pub people: BTreeMap<String, String>,
}

/// Saves a new catalogue item for the organisation at `holder_slug`.
pub async fn create_catalogue_item(
    db: &Database,
    caller: &Caller,
    holder_slug: &str,
    item: CatalogueItem,
) -> Result<String, ServiceError> {
    let holder = db.organisation_by_slug(holder_slug).await?.ok_or(ServiceError::NotFound("organisation"))?;
    caller.require(Action::ManageCatalogue, Resource::Organisation { id: &holder.id })?;
    let item = checked_item(db, &holder.id, item).await?;
    let audit = caller.event("catalogue-item.created", &holder.slug, item.datasets.join(", "));
    Ok(db.create_catalogue_item(&holder.id, &item, audit).await?)
}

/// Replaces the definition of the catalogue item `id`.
pub async fn update_catalogue_item(
    db: &Database,
    caller: &Caller,
    id: &str,
    item: CatalogueItem,
) -> Result<(), ServiceError> {
    // Only verified accounts manage catalogues; others learn nothing about the id.
    caller.require(Action::TakePartInApplications, Resource::Hub)?;
    let stored = db.catalogue_item(id).await?.ok_or(ServiceError::NotFound("catalogue item"))?;
    caller.require(Action::ManageCatalogue, Resource::Organisation { id: &stored.holder_id })?;
    let item = checked_item(db, &stored.holder_id, item).await?;
    let audit = caller.event("catalogue-item.edited", &stored.holder_slug, id.to_owned());
    Ok(db.update_catalogue_item(id, &item, audit).await?)
}

/// The item's own rules, and datasets that exist and belong to the holder.
async fn checked_item(db: &Database, holder_id: &str, item: CatalogueItem) -> Result<CatalogueItem, ServiceError> {
    let (item, mut problems) = match item.normalised() {
        Ok(item) => (Some(item), Vec::new()),
        Err(problems) => (None, problems),
    };
    for slug in item.as_ref().map(|i| i.datasets.clone()).unwrap_or_default() {
        let held = db.item::<Dataset>(&slug).await?.is_some_and(|d| d.owner.id == holder_id);
        if !held {
            problems.push(FieldProblem {
                field: "datasets".into(),
                reason: Reason::NotOneOf { value: slug, allowed: "the holder's datasets".into() },
            });
        }
    }
    match item {
        Some(item) if problems.is_empty() => Ok(item),
        _ => Err(ServiceError::InvalidFields(problems)),
    }
}

/// Starts a draft application for the catalogue items `item_ids`.
pub async fn start(db: &Database, caller: &Caller, item_ids: &[String]) -> Result<String, ServiceError> {
    caller.require(Action::TakePartInApplications, Resource::Hub)?;
    let user = caller.user()?;
    let mut ids: Vec<String> = item_ids.iter().map(|i| i.trim().to_owned()).filter(|i| !i.is_empty()).collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Err(ServiceError::InvalidFields(vec![FieldProblem { field: "items".into(), reason: Reason::Empty }]));
    }
    let mut holders = Vec::new();
    for id in &ids {
        let item = db.catalogue_item(id).await?.ok_or(ServiceError::NotFound("catalogue item"))?;
        if !holders.contains(&item.holder_id) {
            holders.push(item.holder_id);
        }
    }
    // Unguessable, though guessing one gives nothing without a role in it.
    let id = uuid::Uuid::now_v7().to_string();
    let created = Recorded {
        seq: 1,
        actor: user.id.clone(),
        at: Utc::now(),
        event: Event::Created { catalogue_items: ids.clone(), holders: holders.clone() },
    };
    let audit = caller.event("application.created", &id, ids.join(", "));
    db.create_application(&id, &created, &holders, audit).await?;
    Ok(id)
}

/// The caller as a party to applications.
fn party(caller: &Caller) -> Result<Party<'_>, ServiceError> {
    let principal =
        caller.actor.user.as_ref().ok_or(ServiceError::Denied(lshub_domain::authorization::Denial::SignInRequired))?;
    let user = caller.user()?;
    Ok(Party {
        user_id: &principal.user_id,
        verified_email: user.email_verified.then_some(user.email.as_str()),
        organisations: &principal.organisations,
    })
}

async fn load(db: &Database, id: &str) -> Result<Application, ServiceError> {
    Application::replay(id, db.application_log(id).await?).ok_or(ServiceError::NotFound("application"))
}

async fn items_of(db: &Database, application: &Application) -> Result<Vec<StoredCatalogueItem>, ServiceError> {
    let mut items = Vec::new();
    for id in &application.catalogue_items {
        items.push(db.catalogue_item(id).await?.ok_or(ServiceError::NotFound("catalogue item"))?);
    }
    Ok(items)
}

fn licences_of(items: &[StoredCatalogueItem]) -> Vec<Licence> {
    let mut licences: Vec<Licence> = Vec::new();
    for licence in items.iter().flat_map(|i| &i.item.licences) {
        if !licences.iter().any(|l| l.id == licence.id) {
            licences.push(licence.clone());
        }
    }
    licences
}

/// Each item's form checked against its answers; fields named `{item}.{field}`.
fn form_problems(items: &[StoredCatalogueItem], answers: &BTreeMap<String, Answers>) -> Vec<FieldProblem> {
    let empty = Answers::new();
    items
        .iter()
        .flat_map(|item| {
            let given = answers.get(&item.id).unwrap_or(&empty);
            item.item
                .form
                .check(given)
                .into_iter()
                .map(|p| FieldProblem { field: format!("{}.{}", item.id, p.field), reason: p.reason })
        })
        .collect()
}

/// The application at `id`, as the caller may see it: to anyone without a role in it, it
/// does not exist.
pub async fn find(db: &Database, caller: &Caller, id: &str) -> Result<ApplicationView, ServiceError> {
    caller.require(Action::ReadApplications, Resource::Hub)?;
    let application = load(db, id).await?;
    let party = party(caller)?;
    let roles = application.roles(&party);
    if roles.is_empty() {
        return Err(ServiceError::NotFound("application"));
    }
    let items = items_of(db, &application).await?;
    let commands = application.commands_for(&party);
    let problems = form_problems(&items, &application.answers);
    let mut assessments = Vec::new();
    for slug in items.iter().flat_map(|i| &i.item.datasets) {
        if let Some(dataset) = db.item::<Dataset>(slug).await? {
            assessments.push((slug.clone(), assess(&application.purpose, &dataset.record.duo)));
        }
    }
    let entitlements = db.entitlements(EntitlementsOf::Application(id)).await?;
    let mut people = BTreeMap::new();
    for user_id in application.events.iter().map(|e| e.actor.clone()).chain(application.applicants().cloned()) {
        if let std::collections::btree_map::Entry::Vacant(entry) = people.entry(user_id) {
            let name = db.user_by_id(entry.key()).await?.map_or_else(|| "—".to_owned(), |u| u.display_name);
            entry.insert(name);
        }
    }
    let licences = licences_of(&items);
    let mut view =
        ApplicationView { application, roles, commands, items, licences, problems, assessments, entitlements, people };
    hide_from(&mut view);
    Ok(view)
}

/// Takes out what the caller's roles do not show: internal events for the applicant's side,
/// private answers for all but the applicant and the handlers.
fn hide_from(view: &mut ApplicationView) {
    let holder_side = view.roles.iter().any(|r| r.is_holder_side());
    if !holder_side {
        view.application.events.retain(|e| !e.event.is_internal());
    }
    let sees_private = view.roles.contains(&Role::Applicant) || view.roles.contains(&Role::Handler);
    if !sees_private {
        for item in &view.items {
            if let Some(answers) = view.application.answers.get_mut(&item.id) {
                for field in item.item.form.fields.iter().filter(|f| f.private) {
                    answers.remove(&field.id);
                }
            }
        }
        for recorded in &mut view.application.events {
            if let Event::DraftSaved { answers, .. } = &mut recorded.event {
                answers.clear();
            }
        }
    }
}

/// A document to attach, as uploaded.
#[derive(Debug, Clone)]
pub struct Upload {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// Gives `command` on the application `id`.
pub async fn act(
    db: &Database,
    caller: &Caller,
    id: &str,
    command: Command,
    compose: Compose<'_>,
) -> Result<ApplicationView, ServiceError> {
    if command.kind() == CommandKind::AddAttachment {
        return Err(ServiceError::InvalidFields(vec![FieldProblem { field: "file".into(), reason: Reason::Empty }]));
    }
    run(db, caller, id, command, None, compose).await
}

/// Attaches `upload` to the application `id`, if it is of an allowed type and size.
pub async fn attach(
    db: &Database,
    caller: &Caller,
    id: &str,
    upload: Upload,
    max_bytes: usize,
    compose: Compose<'_>,
) -> Result<ApplicationView, ServiceError> {
    caller.require(Action::TakePartInApplications, Resource::Hub)?;
    let (attachment, bytes) = stored(upload, max_bytes)?;
    run(db, caller, id, Command::AddAttachment { attachment: attachment.clone() }, Some((attachment, bytes)), compose)
        .await
}

async fn run(
    db: &Database,
    caller: &Caller,
    id: &str,
    command: Command,
    stored_upload: Option<(AttachmentRef, Vec<u8>)>,
    compose: Compose<'_>,
) -> Result<ApplicationView, ServiceError> {
    caller.require(Action::TakePartInApplications, Resource::Hub)?;
    let party = party(caller)?;
    let command = resolved(db, command).await?;
    // Someone else may append between reading and writing: then decide again on the new log.
    for _ in 0..3 {
        let application = load(db, id).await?;
        if application.roles(&party).is_empty() {
            return Err(ServiceError::NotFound("application"));
        }
        let items = items_of(db, &application).await?;
        let licences: Vec<String> = licences_of(&items).into_iter().map(|l| l.id).collect();
        let command = match command.clone() {
            Command::SaveDraft { answers, purpose } => Command::SaveDraft { answers: kept(&items, &answers), purpose },
            command => command,
        };
        let problems = match &command {
            Command::SaveDraft { answers, .. } => form_problems(&items, answers),
            _ => form_problems(&items, &application.answers),
        };
        let events =
            handle(&application, &party, command, Requirements { licences: &licences, form_problems: &problems })?;
        let now = Utc::now();
        let recorded: Vec<Recorded> = events
            .into_iter()
            .enumerate()
            .map(|(i, event)| Recorded {
                seq: application.next_seq() + i as i64,
                actor: party.user_id.to_owned(),
                at: now,
                event,
            })
            .collect();
        let mut log = application.events.clone();
        log.extend(recorded.iter().cloned());
        let after = Application::replay(id, log).ok_or(ServiceError::NotFound("application"))?;

        let grants: Vec<Granted<'_>> = items
            .iter()
            .map(|i| Granted { catalogue_item: &i.id, holder: &i.holder_id, days: i.item.workflow.entitlement_days })
            .collect();
        let existing = db.entitlements(EntitlementsOf::Application(id)).await?;
        let entitlements = owed(&after, &grants, &licences, &existing, now);
        let mut parties = Vec::new();
        let mut ended = None;
        for recorded in &recorded {
            match &recorded.event {
                Event::MemberJoined { .. } => parties.push(recorded.actor.clone()),
                Event::ReviewRequested { reviewers, .. } => parties.extend(reviewers.iter().cloned()),
                Event::DecisionRequested { deciders, .. } => parties.extend(deciders.iter().cloned()),
                Event::MemberRemoved { user_id } => {
                    ended = Some(EntitlementsEnded { user_id: Some(user_id.as_str()), revoked_reason: None })
                }
                Event::Closed { .. } => ended = Some(EntitlementsEnded { user_id: None, revoked_reason: None }),
                Event::Revoked { comment } => {
                    ended = Some(EntitlementsEnded { user_id: None, revoked_reason: Some(comment.as_str()) })
                }
                _ => {}
            }
        }
        let letters = letters(db, &after, &recorded, party.user_id, compose).await?;
        let mails: Vec<Mail<'_>> =
            letters.iter().map(|(recipient, subject, body)| Mail { recipient, subject, body }).collect();
        let detail = recorded.iter().map(|r| r.event.id()).collect::<Vec<_>>().join(", ");
        let appending = Appending {
            application_id: id,
            events: &recorded,
            state: after.state,
            submitted_at: after.submitted_at,
            parties: &parties,
            entitlements: &entitlements,
            ended,
            attachment: stored_upload.as_ref().map(|(a, bytes)| (a, bytes.as_slice())),
            mails: &mails,
            audit: caller.event("application.event", id, detail),
        };
        if db.append_events(appending).await? == Appended::Done {
            return find(db, caller, id).await;
        }
    }
    Err(ServiceError::Busy("the application kept changing; reload it and try again"))
}

/// Only answers each item's form keeps.
fn kept(items: &[StoredCatalogueItem], answers: &BTreeMap<String, Answers>) -> BTreeMap<String, Answers> {
    items.iter().filter_map(|item| answers.get(&item.id).map(|a| (item.id.clone(), item.item.form.kept(a)))).collect()
}

/// Names in commands as the log keeps them: invited addresses in their one form, reviewers
/// and deciders as accounts (named by address, verified).
async fn resolved(db: &Database, command: Command) -> Result<Command, ServiceError> {
    let accounts = |field: &'static str, addresses: Vec<String>| async move {
        let mut ids = Vec::new();
        for address in addresses.iter().filter(|a| !a.trim().is_empty()) {
            let unknown = || {
                ServiceError::Invalid(vec![lshub_domain::ValidationError::new(
                    field,
                    Reason::NotEmailAddress { value: Some(address.clone()) },
                )])
            };
            let email = Email::parse(address).map_err(|_| unknown())?;
            let user = db.user_by_email(&email).await?.map(|c| c.user).filter(|u| u.email_verified && !u.disabled);
            ids.push(user.ok_or_else(unknown)?.id);
        }
        Ok::<_, ServiceError>(ids)
    };
    Ok(match command {
        Command::InviteMember { email } => Command::InviteMember { email: Email::parse(&email)?.as_str().to_owned() },
        Command::RequestReview { reviewers, comment } => {
            Command::RequestReview { reviewers: accounts("reviewers", reviewers).await?, comment }
        }
        Command::RequestDecision { deciders, comment } => {
            Command::RequestDecision { deciders: accounts("deciders", deciders).await?, comment }
        }
        command => command,
    })
}

/// The upload checked against the allow-list and size limit, named by its hash.
fn stored(upload: Upload, max_bytes: usize) -> Result<(AttachmentRef, Vec<u8>), ServiceError> {
    let content_type = attachment::content_type(&upload.filename, &upload.bytes, max_bytes)
        .map_err(|reason| ServiceError::InvalidFields(vec![FieldProblem { field: "file".into(), reason }]))?;
    let hash = format!("{:x}", Sha256::digest(&upload.bytes));
    let reference = AttachmentRef {
        hash,
        filename: attachment::clean_filename(&upload.filename),
        content_type: content_type.to_owned(),
        size: upload.bytes.len() as u64,
    };
    Ok((reference, upload.bytes))
}

/// (recipient, subject, body) of every mail the events send, each in its reader's language;
/// the one who acted is not told of their own act.
async fn letters(
    db: &Database,
    application: &Application,
    events: &[Recorded],
    actor: &str,
    compose: Compose<'_>,
) -> Result<Vec<(String, String, String)>, ServiceError> {
    let applicants: Vec<String> = application.applicants().cloned().collect();
    let mut letters = Vec::new();
    for recorded in events {
        let (users, holders): (Vec<String>, Vec<String>) = match &recorded.event {
            Event::Submitted | Event::Reviewed { .. } | Event::Decided { .. } => (vec![], application.holders.clone()),
            Event::Remarked { .. } if applicants.contains(&recorded.actor) => (vec![], application.holders.clone()),
            Event::Remarked { public: false, .. } => (vec![], application.holders.clone()),
            Event::Remarked { .. }
            | Event::Returned { .. }
            | Event::Approved { .. }
            | Event::Rejected { .. }
            | Event::Closed { .. }
            | Event::Revoked { .. }
            | Event::HolderProgressed { .. } => (applicants.clone(), vec![]),
            Event::ReviewRequested { reviewers, .. } => (reviewers.clone(), vec![]),
            Event::DecisionRequested { deciders, .. } => (deciders.clone(), vec![]),
            Event::MemberJoined { .. } => (vec![application.applicant.clone()], vec![]),
            _ => (vec![], vec![]),
        };
        let notice =
            Notice { event: recorded.event.id(), application_id: &application.id, comment: recorded.event.comment() };
        let mut recipients: Vec<Recipient> = db.recipients(&users, &holders).await?;
        if let Event::MemberInvited { email } = &recorded.event {
            // An invitee without an account yet reads the inviter's language.
            let account = db.user_by_email(&Email::parse(email)?).await?.map(|c| c.user.id);
            let reader = account.unwrap_or_else(|| actor.to_owned());
            let language = db.recipients(&[reader], &[]).await?.pop().map(|r| r.language).unwrap_or_default();
            recipients.push(Recipient { user_id: String::new(), email: email.clone(), language });
        }
        for recipient in recipients.into_iter().filter(|r| r.user_id != actor) {
            let language = Language::from_tag(&recipient.language).unwrap_or_default();
            let (subject, body) = compose(&notice, language);
            letters.push((recipient.email, subject, body));
        }
    }
    Ok(letters)
}

/// An attachment of the application `id`, for those who see the application.
pub async fn attachment(
    db: &Database,
    caller: &Caller,
    id: &str,
    hash: &str,
) -> Result<(AttachmentRef, Vec<u8>), ServiceError> {
    let view = find(db, caller, id).await?;
    let reference = view
        .application
        .attachments
        .iter()
        .find(|a| a.hash == hash)
        .cloned()
        .ok_or(ServiceError::NotFound("attachment"))?;
    let (_, bytes) = db.attachment(hash).await?.ok_or(ServiceError::NotFound("attachment"))?;
    Ok((reference, bytes))
}

/// Applications the caller takes part in or handles, newest change first.
pub async fn mine(
    db: &Database,
    caller: &Caller,
) -> Result<Vec<lshub_storage::access::ApplicationSummary>, ServiceError> {
    caller.require(Action::ReadApplications, Resource::Hub)?;
    let party = party(caller)?;
    Ok(db.applications_of(party.user_id, party.organisations).await?)
}

/// The entitlements a holder has given, for its members.
pub async fn holder_entitlements(
    db: &Database,
    caller: &Caller,
    holder_slug: &str,
) -> Result<Vec<Entitlement>, ServiceError> {
    let holder = db.organisation_by_slug(holder_slug).await?.ok_or(ServiceError::NotFound("organisation"))?;
    caller.require(Action::ManageCatalogue, Resource::Organisation { id: &holder.id })?;
    Ok(db.entitlements(EntitlementsOf::Holder(&holder.id)).await?)
}

/// A holder's public figures.
pub async fn figures(db: &Database, holder_id: &str) -> Result<HolderFigures, ServiceError> {
    Ok(holder_figures(&db.holder_applications(holder_id).await?))
}

impl From<Refusal> for ServiceError {
    fn from(refusal: Refusal) -> Self {
        ServiceError::Refused(refusal)
    }
}
