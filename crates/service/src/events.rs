//! Registration for events: register, cancel, and the organiser's approval or refusal, each
//! decided by the event's rules on the counts read in the change's own transaction, with a
//! mail (and calendar entry) to every registrant whose registration changed, the waiting
//! list moving up included. A registration is seen by its registrant and the event's
//! organisers (the members of its owner and of each organising organisation) only. Each
//! person also has a personal calendar of their registrations at a secret address, and
//! partner organisations' staff add their own calendar feeds, which the hub imports.

use chrono::{DateTime, Utc};
use lshub_domain::authorization::{Action, RegistrationAction, Resource};
use lshub_domain::content::{Item, State};
use lshub_domain::event::{Event, EventType, RegistrationRefusal};
use lshub_domain::{Language, Organisation, Reason, ValidationError};
use lshub_storage::credentials::{digest, new_secret};
use lshub_storage::events::{EventFeed, EventSeats, Letter, NewEventFeed, RegistrationChange, StoredRegistration};
use lshub_storage::Database;

use crate::{Caller, ServiceError};

/// Words the mail to a registrant about their registration's new state, for the event.
pub type Compose<'a> = &'a (dyn Fn(&StoredRegistration, &Item<Event>) -> Letter + Sync);

/// A published event and the ids of the organisations that organise it, its owner first.
pub struct Organised {
    pub item: Item<Event>,
    pub organisers: Vec<String>,
}

impl Organised {
    pub(crate) fn resource<'a>(&'a self, registrant: Option<&'a str>) -> Resource<'a> {
        Resource::Event { organisers: &self.organisers, registrant }
    }

    fn seats(&self) -> EventSeats<'_> {
        EventSeats {
            event_id: &self.item.id,
            rules: &self.item.record.registration,
            starts_at: self.item.record.starts_at,
        }
    }
}

/// The published event at `slug` with its organisers' ids; drafts take no registrations.
pub async fn organised(db: &Database, slug: &str) -> Result<Organised, ServiceError> {
    let item =
        db.item::<Event>(slug).await?.filter(|i| i.state != State::Draft).ok_or(ServiceError::NotFound("event"))?;
    let mut organisers = vec![item.owner.id.clone()];
    for organiser in &item.record.organisers {
        if let Some(organisation) = db.organisation_by_slug(organiser).await? {
            if !organisers.contains(&organisation.id) {
                organisers.push(organisation.id);
            }
        }
    }
    Ok(Organised { item, organisers })
}

/// Whether the caller organises the event: sees its registrations and decides on them.
pub fn may_organise(caller: &Caller, event: &Organised) -> bool {
    caller.may(Action::Registration(RegistrationAction::Organise), event.resource(None))
}

async fn change(
    db: &Database,
    caller: &Caller,
    event: &Organised,
    change: RegistrationChange<'_>,
    now: DateTime<Utc>,
    compose: Compose<'_>,
) -> Result<StoredRegistration, ServiceError> {
    let user = caller.user()?;
    let (action, detail) = match change {
        RegistrationChange::Register { .. } => ("event.registered", String::new()),
        RegistrationChange::Cancel { .. } => ("event.registration-cancelled", String::new()),
        RegistrationChange::Approve { registration_id } => ("event.registration-approved", registration_id.to_owned()),
        RegistrationChange::Reject { registration_id } => ("event.registration-rejected", registration_id.to_owned()),
        RegistrationChange::Settle => ("event.waiting-list-moved", String::new()),
    };
    let letters = |registration: &StoredRegistration| compose(registration, &event.item);
    let audit = caller.event(action, &event.item.slug, detail);
    match db.change_registration(event.seats(), change, &user.id, now, &letters, audit).await? {
        Ok(changed) => {
            changed.into_iter().next().ok_or(ServiceError::Internal("a change without a registration".into()))
        }
        Err(refusal) => Err(ServiceError::RegistrationRefused(refusal)),
    }
}

/// The caller registers for the event: a seat, the waiting list, or the organiser's approval.
pub async fn register(
    db: &Database,
    caller: &Caller,
    slug: &str,
    now: DateTime<Utc>,
    compose: Compose<'_>,
) -> Result<StoredRegistration, ServiceError> {
    let event = organised(db, slug).await?;
    caller.require(Action::Registration(RegistrationAction::Register), event.resource(None))?;
    if event.item.state != State::Published {
        return Err(ServiceError::RegistrationRefused(RegistrationRefusal::Closed));
    }
    let user_id = caller.user()?.id.clone();
    change(db, caller, &event, RegistrationChange::Register { user_id: &user_id }, now, compose).await
}

/// The caller cancels their registration; a seat it held goes to the waiting list.
pub async fn cancel(
    db: &Database,
    caller: &Caller,
    slug: &str,
    now: DateTime<Utc>,
    compose: Compose<'_>,
) -> Result<StoredRegistration, ServiceError> {
    let event = organised(db, slug).await?;
    let user_id = caller.user()?.id.clone();
    caller.require(Action::Registration(RegistrationAction::Own), event.resource(Some(&user_id)))?;
    change(db, caller, &event, RegistrationChange::Cancel { user_id: &user_id }, now, compose).await
}

/// An organiser approves (`true`) or refuses a registration.
pub async fn decide(
    db: &Database,
    caller: &Caller,
    slug: &str,
    registration_id: &str,
    approve: bool,
    now: DateTime<Utc>,
    compose: Compose<'_>,
) -> Result<StoredRegistration, ServiceError> {
    let event = organised(db, slug).await?;
    caller.require(Action::Registration(RegistrationAction::Organise), event.resource(None))?;
    let change_made = if approve {
        RegistrationChange::Approve { registration_id }
    } else {
        RegistrationChange::Reject { registration_id }
    };
    change(db, caller, &event, change_made, now, compose).await
}

/// Gives the seats a larger capacity freed to those waiting, earliest first, with a mail to
/// each; run by the hub's periodic work. How many got a seat.
pub async fn settle_waiting_lists(
    db: &Database,
    now: DateTime<Utc>,
    compose: Compose<'_>,
) -> Result<usize, ServiceError> {
    let mut seated = 0;
    for event_id in db.events_with_waiting_lists().await? {
        let Some(item) = db.item_by_id::<Event>(&event_id).await? else { continue };
        let event = organised(db, &item.slug).await?;
        let letters = |registration: &StoredRegistration| compose(registration, &event.item);
        let audit = lshub_storage::audit::AuditEvent {
            actor_id: None,
            actor_label: "the hub",
            action: "event.waiting-list-moved",
            subject: &event.item.slug,
            detail: String::new(),
            client: "",
        };
        // Nobody changes a registration here: only the waiting list moves.
        let nobody = "";
        match db.change_registration(event.seats(), RegistrationChange::Settle, nobody, now, &letters, audit).await? {
            Ok(changed) => seated += changed.len(),
            Err(refusal) => return Err(ServiceError::RegistrationRefused(refusal)),
        }
    }
    Ok(seated)
}

/// The caller's latest registration for the event, if they ever registered.
pub async fn own(
    db: &Database,
    caller: &Caller,
    event: &Organised,
) -> Result<Option<StoredRegistration>, ServiceError> {
    let Some(user) = &caller.user else { return Ok(None) };
    let registrations = db.registrations_of(&user.id).await?;
    Ok(registrations.into_iter().find(|r| {
        r.event_id == event.item.id
            && caller.may(Action::Registration(RegistrationAction::Own), event.resource(Some(&r.user_id)))
    }))
}

/// Everyone who registered for the event, the earliest first: for its organisers.
pub async fn registrations(
    db: &Database,
    caller: &Caller,
    event: &Organised,
) -> Result<Vec<StoredRegistration>, ServiceError> {
    caller.require(Action::Registration(RegistrationAction::Organise), event.resource(None))?;
    Ok(db.registrations_for(&event.item.id).await?)
}

/// The caller's registrations with their events, newest first.
pub async fn mine(db: &Database, caller: &Caller) -> Result<Vec<(StoredRegistration, Item<Event>)>, ServiceError> {
    let user = caller.user()?;
    let mut out = Vec::new();
    for registration in db.registrations_of(&user.id).await? {
        if let Some(item) = db.item_by_id::<Event>(&registration.event_id).await? {
            out.push((registration, item));
        }
    }
    Ok(out)
}

/// A new secret address for the caller's calendar of registrations; the old one stops
/// working. Shown once: only its digest is kept.
pub async fn renew_calendar(db: &Database, caller: &Caller) -> Result<String, ServiceError> {
    caller.require(Action::ManageOwnAccount, Resource::Hub)?;
    let user = caller.user()?;
    let secret = new_secret()?;
    db.set_personal_calendar(&user.id, &digest(&secret), caller.event("calendar.renewed", &user.id, String::new()))
        .await?;
    Ok(secret)
}

/// The events of the person whose calendar secret this is, with their registrations that
/// still hold or wait for a seat; anyone with the secret may read it, as calendar programs do.
pub async fn calendar(db: &Database, secret: &str) -> Result<Vec<(StoredRegistration, Item<Event>)>, ServiceError> {
    let user_id = db.personal_calendar_user(&digest(secret)).await?.ok_or(ServiceError::NotFound("calendar"))?;
    let mut out = Vec::new();
    for registration in db.registrations_of(&user_id).await? {
        if !registration.state.is_active() {
            continue;
        }
        if let Some(item) = db.item_by_id::<Event>(&registration.event_id).await? {
            out.push((registration, item));
        }
    }
    Ok(out)
}

/// Published events that end at or after `since`, by their start: the agenda, everyone's
/// or (`organisation`, a slug) those an organisation owns or organises.
pub async fn agenda(
    db: &Database,
    today: chrono::NaiveDate,
    since: DateTime<Utc>,
    organisation: Option<&str>,
) -> Result<Vec<Item<Event>>, ServiceError> {
    let mut events: Vec<Item<Event>> = db
        .listed_items::<Event>(today)
        .await?
        .into_iter()
        .filter(|item| item.record.ends_at >= since)
        .filter(|item| {
            organisation.is_none_or(|slug| item.owner.slug == slug || item.record.organisers.iter().any(|o| o == slug))
        })
        .collect();
    events.sort_by(|a, b| a.record.starts_at.cmp(&b.record.starts_at).then_with(|| a.slug.cmp(&b.slug)));
    Ok(events)
}

/// An organisation's calendar feeds, for those who manage them.
pub async fn feeds(
    db: &Database,
    caller: &Caller,
    organisation_slug: &str,
) -> Result<(Organisation, Vec<EventFeed>), ServiceError> {
    let organisation = feed_owner(db, caller, organisation_slug).await?;
    let feeds = db.event_feeds_of(&organisation.id).await?;
    Ok((organisation, feeds))
}

async fn feed_owner(db: &Database, caller: &Caller, slug: &str) -> Result<Organisation, ServiceError> {
    let organisation = db.organisation_by_slug(slug).await?.ok_or(ServiceError::NotFound("organisation"))?;
    caller.require(Action::ManageEventFeeds, Resource::Organisation { id: &organisation.id })?;
    Ok(organisation)
}

/// Adds an organisation's iCalendar feed: an http(s) address, the language of its titles,
/// and the type its events are listed as. Every wrong field is named.
pub async fn add_feed(
    db: &Database,
    caller: &Caller,
    organisation_slug: &str,
    url: &str,
    language: &str,
    event_type: &str,
) -> Result<EventFeed, ServiceError> {
    let organisation = feed_owner(db, caller, organisation_slug).await?;
    let url = url.trim();
    let mut errors = Vec::new();
    if url.is_empty() {
        errors.push(ValidationError::new("url", Reason::Empty));
    } else if let Err(e) = lshub_domain::validation::optional_web_url("url", Some(url)) {
        errors.push(e);
    }
    let (language_given, type_given) = (language.trim(), event_type.trim());
    let language = Language::from_tag(language_given).filter(|l| l.code() == language_given);
    if language.is_none() {
        let value = language_given.to_owned();
        errors.push(ValidationError::new("language", Reason::NotOneOf { value, allowed: "en, nl".into() }));
    }
    let event_type = EventType::from_id(type_given);
    if event_type.is_none() {
        let allowed = EventType::ALL.map(EventType::id).join(", ");
        errors.push(ValidationError::new("event_type", Reason::NotOneOf { value: type_given.to_owned(), allowed }));
    }
    let (Some(language), Some(event_type), true) = (language, event_type, errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    let user = caller.user()?;
    let new = NewEventFeed {
        organisation_id: &organisation.id,
        url,
        language: language.code(),
        event_type: event_type.id(),
        added_by: &user.id,
    };
    let audit = caller.event("event-feed.added", &organisation.slug, url.to_owned());
    let id = db
        .add_event_feed(new, audit)
        .await?
        .ok_or_else(|| ValidationError::new("url", Reason::AddedAlready { value: url.to_owned() }))?;
    let feeds = db.event_feeds_of(&organisation.id).await?;
    feeds.into_iter().find(|f| f.id == id).ok_or(ServiceError::NotFound("event feed"))
}

/// Removes an organisation's feed; the events it brought stay.
pub async fn remove_feed(
    db: &Database,
    caller: &Caller,
    organisation_slug: &str,
    id: &str,
) -> Result<(), ServiceError> {
    let organisation = feed_owner(db, caller, organisation_slug).await?;
    let audit = caller.event("event-feed.removed", &organisation.slug, id.to_owned());
    if db.remove_event_feed(&organisation.id, id, audit).await? {
        Ok(())
    } else {
        Err(ServiceError::NotFound("event feed"))
    }
}

/// One of an organisation's feeds, to import now, marked fetched at `now`.
pub async fn feed_to_import(
    db: &Database,
    caller: &Caller,
    organisation_slug: &str,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(Organisation, EventFeed), ServiceError> {
    let (organisation, feeds) = feeds(db, caller, organisation_slug).await?;
    let feed = feeds.into_iter().find(|f| f.id == id).ok_or(ServiceError::NotFound("event feed"))?;
    db.take_event_feed(&feed.id, None, now).await?;
    Ok((organisation, feed))
}
