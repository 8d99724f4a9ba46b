//! Writing, publishing and reading member-written content, for every kind alike: the
//! policy is asked first, the kind's rules check the draft, references must exist, and the
//! change is stored with its revision and audit entry in one transaction.

use chrono::NaiveDate;
use lshub_domain::authorization::{Action, ContentAction, Resource};
use lshub_domain::content::{Item, Reference, Revision, Transition, Written};
use lshub_domain::{Page, Reason, ValidationError};
use lshub_storage::accounts::Mail;
use lshub_storage::content::{ExpiringItem, ItemFilter, ItemSave, Transitioned};
use lshub_storage::Database;

use crate::{Caller, ServiceError};

/// What a member submits, besides the kind's own fields.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lifetime {
    /// After this date the item leaves lists, search and feeds.
    pub expires_on: Option<NaiveDate>,
}

fn resource<T: Written>(owner_id: &str) -> Resource<'_> {
    Resource::Content { kind: T::KIND, owner: owner_id }
}

fn content(action: ContentAction) -> Action {
    Action::Content(action)
}

/// Saves a new draft for the organisation at `owner_slug`.
pub async fn create<T: Written>(
    db: &Database,
    caller: &Caller,
    owner_slug: &str,
    draft: T::Draft,
    lifetime: Lifetime,
    today: NaiveDate,
) -> Result<Item<T>, ServiceError> {
    let owner = db.organisation_by_slug(owner_slug).await?.ok_or(ServiceError::NotFound("organisation"))?;
    caller.require(content(ContentAction::Create), resource::<T>(&owner.id))?;
    let record = checked::<T>(db, draft, None, lifetime, today).await?;
    let lifetime =
        Lifetime { expires_on: record.ends_on().or(lifetime.expires_on).or_else(|| default_expiry::<T>(today)) };
    let audit = caller.event("content.created", &owner.slug, format!("{} \"{}\"", T::KIND.id, record.title()));
    Ok(db.create_item(&owner.id, &record, lifetime.expires_on, caller.author()?, audit).await?)
}

/// Saves a change made to `revision` of the item at `slug`.
pub async fn edit<T: Written>(
    db: &Database,
    caller: &Caller,
    slug: &str,
    revision: i64,
    draft: T::Draft,
    lifetime: Lifetime,
    today: NaiveDate,
) -> Result<Item<T>, ServiceError> {
    let item = find::<T>(db, caller, slug).await?;
    caller.require(content(ContentAction::Edit), resource::<T>(&item.owner.id))?;
    let mut record = checked::<T>(db, draft, Some(&item.record), lifetime, today).await?;
    record.carry_over(&item.record);
    // A kind whose items expire keeps an expiry: left empty, the one it had stays.
    let lifetime = match (record.ends_on(), lifetime.expires_on, T::KIND.lifetime_days()) {
        (Some(end), _, _) => Lifetime { expires_on: Some(end) },
        (None, None, Some(_)) => Lifetime { expires_on: item.expires_on.or_else(|| default_expiry::<T>(today)) },
        _ => lifetime,
    };
    let audit = caller.event("content.edited", &item.slug, format!("{} revision {}", T::KIND.id, item.revision + 1));
    match db.edit_item(&item.id, revision, &record, lifetime.expires_on, caller.author()?, audit).await? {
        ItemSave::Saved(item) | ItemSave::Unchanged(item) => Ok(item),
        ItemSave::Stale(_) => Err(ServiceError::Stale),
    }
}

/// The expiry of a new item of a kind whose items last a set time.
fn default_expiry<T: Written>(today: NaiveDate) -> Option<NaiveDate> {
    T::KIND.lifetime_days().map(|days| today + chrono::Days::new(u64::from(days)))
}

/// Renews a published item of a kind whose items expire: it lasts the kind's lifetime from
/// today (or keeps a later expiry). One click for its owners, from the page or a reminder.
pub async fn renew<T: Written>(
    db: &Database,
    caller: &Caller,
    slug: &str,
    today: NaiveDate,
) -> Result<Item<T>, ServiceError> {
    let item = find::<T>(db, caller, slug).await?;
    caller.require(content(ContentAction::Edit), resource::<T>(&item.owner.id))?;
    let Some(renewed) = default_expiry::<T>(today) else {
        return Err(ValidationError::new("expiresOn", Reason::NotRenewable).into());
    };
    if item.state != lshub_domain::content::State::Published {
        return Err(lshub_domain::content::LifecycleError { transition: Transition::Publish, from: item.state }.into());
    }
    let expires_on = item.expires_on.map_or(renewed, |current| current.max(renewed));
    let audit = caller.event("content.renewed", &item.slug, format!("{} until {expires_on}", T::KIND.id));
    match db.edit_item(&item.id, item.revision, &item.record, Some(expires_on), caller.author()?, audit).await? {
        ItemSave::Saved(item) | ItemSave::Unchanged(item) => Ok(item),
        ItemSave::Stale(_) => Err(ServiceError::Stale),
    }
}

/// Whether the caller may see which organisation owns `item`: always, unless it is
/// members-only and the caller is neither a confirmed member of the hub nor its owner.
pub fn may_see_owner<T: Written>(caller: &Caller, item: &Item<T>) -> bool {
    !item.record.owner_hidden()
        || caller.may(Action::ReadMembersOnly, Resource::Hub)
        || may_read_unpublished(caller, item)
}

/// The action a transition needs from the policy.
pub fn required_action(transition: Transition) -> ContentAction {
    match transition {
        Transition::Submit | Transition::Restore => ContentAction::Edit,
        Transition::Publish => ContentAction::Publish,
        Transition::Reject => ContentAction::Moderate,
        Transition::Archive => ContentAction::Archive,
    }
}

/// The transitions the caller may take on `item` now.
pub fn transitions_for<T: Written>(caller: &Caller, item: &Item<T>) -> Vec<Transition> {
    Transition::available(T::KIND, item.state)
        .into_iter()
        .filter(|t| caller.may(content(required_action(*t)), resource::<T>(&item.owner.id)))
        .collect()
}

pub async fn transition<T: Written>(
    db: &Database,
    caller: &Caller,
    slug: &str,
    transition: Transition,
) -> Result<Item<T>, ServiceError> {
    let item = find::<T>(db, caller, slug).await?;
    caller.require(content(required_action(transition)), resource::<T>(&item.owner.id))?;
    if transition == Transition::Publish {
        call_id_free(db, &item).await?;
    }
    let audit = caller.event("content.state", &item.slug, format!("{} {}", T::KIND.id, transition.id()));
    match db.transition_item::<T>(&item.id, transition, caller.author()?, audit).await? {
        Transitioned::Done(item) => Ok(item),
        Transitioned::Refused(refused) => Err(refused.into()),
    }
}

/// Refuses to publish an item whose call would take the topic id of a call from another
/// source (an imported one), which it would otherwise collide with.
async fn call_id_free<T: Written>(db: &Database, item: &Item<T>) -> Result<(), ServiceError> {
    let Some(call) = item.record.as_call(&item.slug) else { return Ok(()) };
    match db.call_by_topic_id(&call.topic_id).await? {
        Some(listed) if listed.provenance.source != T::KIND.id => {
            Err(ServiceError::Invalid(vec![ValidationError::new(
                "title",
                Reason::TopicIdTaken { topic_id: call.topic_id },
            )]))
        }
        _ => Ok(()),
    }
}

pub async fn delete<T: Written>(db: &Database, caller: &Caller, slug: &str) -> Result<(), ServiceError> {
    let item = find::<T>(db, caller, slug).await?;
    caller.require(content(ContentAction::Delete), resource::<T>(&item.owner.id))?;
    let audit = caller.event("content.deleted", &item.slug, format!("{} \"{}\"", T::KIND.id, item.record.title()));
    Ok(db.delete_item(&item.id, audit).await?)
}

/// The item at `slug` as the caller may see it: anyone sees published items (expired and
/// archived ones too, with a notice); drafts and items in review only their owners and
/// moderators. To anyone else an unpublished item does not exist.
pub async fn find<T: Written>(db: &Database, caller: &Caller, slug: &str) -> Result<Item<T>, ServiceError> {
    let item = db.item::<T>(slug).await?.ok_or(ServiceError::NotFound(T::KIND.id))?;
    let public = matches!(item.state, lshub_domain::content::State::Published | lshub_domain::content::State::Archived);
    if public || may_read_unpublished(caller, &item) {
        Ok(item)
    } else {
        Err(ServiceError::NotFound(T::KIND.id))
    }
}

pub fn may_read_unpublished<T: Written>(caller: &Caller, item: &Item<T>) -> bool {
    caller.may(content(ContentAction::ReadUnpublished), resource::<T>(&item.owner.id))
}

/// Whether the caller may edit `item`; pages offer the edit form only then.
pub fn may_edit<T: Written>(caller: &Caller, item: &Item<T>) -> bool {
    caller.may(content(ContentAction::Edit), resource::<T>(&item.owner.id))
}

pub fn may_delete<T: Written>(caller: &Caller, item: &Item<T>) -> bool {
    caller.may(content(ContentAction::Delete), resource::<T>(&item.owner.id))
}

/// Whether the caller may write new items for the organisation with id `owner_id`.
pub fn may_create<T: Written>(caller: &Caller, owner_id: &str) -> bool {
    caller.may(content(ContentAction::Create), resource::<T>(owner_id))
}

/// An item's history, for those who may see unpublished content.
pub async fn history<T: Written>(
    db: &Database,
    caller: &Caller,
    slug: &str,
) -> Result<(Item<T>, Vec<Revision<T>>), ServiceError> {
    let item = find::<T>(db, caller, slug).await?;
    caller.require(content(ContentAction::ReadUnpublished), resource::<T>(&item.owner.id))?;
    let revisions = db.item_history::<T>(&item.id).await?;
    Ok((item, revisions))
}

/// Items the public sees on `today`, newest first.
pub async fn listed<T: Written>(
    db: &Database,
    mut filter: ItemFilter,
    today: NaiveDate,
) -> Result<Page<Item<T>>, ServiceError> {
    filter.listed_on = Some(today);
    Ok(db.list_items::<T>(&filter).await?)
}

/// Every item of an organisation, in any state, for its members and moderators.
pub async fn of_owner<T: Written>(
    db: &Database,
    caller: &Caller,
    owner_id: &str,
    filter: ItemFilter,
) -> Result<Page<Item<T>>, ServiceError> {
    caller.require(content(ContentAction::ReadUnpublished), resource::<T>(owner_id))?;
    Ok(db.list_items::<T>(&ItemFilter { owner_id: Some(owner_id.to_owned()), listed_on: None, ..filter }).await?)
}

/// Mails the members of the owners of every item that expires within a week, once per
/// item; `compose` words the mail (subject, body).
pub async fn remind_of_expiry(
    db: &Database,
    today: NaiveDate,
    compose: impl Fn(&ExpiringItem) -> (String, String),
) -> Result<usize, ServiceError> {
    let mut reminded = 0;
    for item in db.items_expiring(today, lshub_domain::content::EXPIRY_REMINDER_DAYS).await? {
        let (subject, body) = compose(&item);
        let mails: Vec<Mail<'_>> =
            item.recipients.iter().map(|recipient| Mail { recipient, subject: &subject, body: &body }).collect();
        if db.remind_of_expiry(&item.id, today, &mails).await? {
            reminded += 1;
        }
    }
    Ok(reminded)
}

/// The kind's rules, its dates on `today` (against the `previous` record of an edit), an
/// expiry that has not passed, and references that exist; every refusal is reported at once.
async fn checked<T: Written>(
    db: &Database,
    draft: T::Draft,
    previous: Option<&T>,
    lifetime: Lifetime,
    today: NaiveDate,
) -> Result<T, ServiceError> {
    let dates = T::check_dates(&draft, previous, today);
    let (record, mut errors) = match T::validate(draft) {
        Ok(record) => (Some(record), dates),
        Err(mut errors) => {
            errors.extend(dates);
            (None, errors)
        }
    };
    match (T::ENDS_BY, lifetime.expires_on) {
        (Some(other), Some(_)) => errors.push(ValidationError::new("expiresOn", Reason::SetBy { other })),
        (None, Some(date)) if date < today => {
            errors.push(ValidationError::new("expiresOn", Reason::InThePast { value: date.to_string() }));
        }
        _ => {}
    }
    for reference in record.as_ref().map(Written::references).unwrap_or_default() {
        match reference {
            Reference::Organisation { field, slug } => {
                if db.organisation_by_slug(&slug).await?.is_none() {
                    errors.push(ValidationError::new(field, Reason::NoSuchOrganisation { slug }));
                }
            }
            Reference::Call { field, topic_id } => {
                if db.call_by_topic_id(&topic_id).await?.is_none() {
                    errors.push(ValidationError::new(field, Reason::NoSuchCall { topic_id }));
                }
            }
            Reference::Term { field, scheme, code } => {
                if db.term(scheme, &code).await?.is_none() {
                    errors.push(ValidationError::new(field, Reason::NoSuchTerm { scheme, code }));
                }
            }
            Reference::Item { field, kind, slug } => {
                if !db.item_is_published(kind, &slug).await? {
                    errors.push(ValidationError::new(field, Reason::NoSuchItem { kind: kind.id, slug }));
                }
            }
        }
    }
    match record {
        Some(record) if errors.is_empty() => Ok(record),
        _ => Err(ServiceError::Invalid(errors)),
    }
}
