//! Saved searches of calls and their alerts: a signed-in user saves a search of the calls
//! list, follows it by a feed at a secret address, and is mailed when a new call matches and
//! before a matching call's deadlines. The job that mails is idempotent: what it sent is
//! recorded with the queued mail, so neither a restart nor a second node sends it again.

use chrono::{DateTime, NaiveDate, Utc};
use lshub_domain::alerts::{due_alerts, validate_search_name, Occasion, SearchCriteria};
use lshub_domain::authorization::{Action, Resource};
use lshub_domain::{CallTopic, Pagination};
use lshub_storage::accounts::Mail;
use lshub_storage::audit::AuditEvent;
use lshub_storage::credentials::{digest, new_secret};
use lshub_storage::saved_searches::{AlertRecipient, NewSavedSearch, QueuedAlert, SavedSearch};
use lshub_storage::Database;

use crate::{Caller, ServiceError};

/// A feed lists at most this many matching calls, in the search's order.
pub const FEED_ENTRIES: u32 = 100;

/// A search just saved, with its feed secret: shown once, stored only as a digest.
pub struct Saved {
    pub search: SavedSearch,
    pub feed_secret: String,
}

/// Saves a search of the calls list under `name` for the signed-in caller.
pub async fn save(
    db: &Database,
    caller: &Caller,
    name: &str,
    criteria: SearchCriteria,
    now: DateTime<Utc>,
) -> Result<Saved, ServiceError> {
    caller.require(Action::ManageOwnAccount, Resource::Hub)?;
    let user = caller.user()?;
    let name = name.trim();
    let errors: Vec<_> =
        [validate_search_name(name), criteria.validate()].into_iter().filter_map(Result::err).collect();
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let feed_secret = new_secret()?;
    let new =
        NewSavedSearch { user_id: &user.id, name, criteria: &criteria, feed_digest: &digest(&feed_secret), at: now };
    let search = db.save_search(new, caller.event("saved-search.created", &user.id, name.to_owned())).await?;
    Ok(Saved { search, feed_secret })
}

/// The caller's saved searches.
pub async fn mine(db: &Database, caller: &Caller) -> Result<Vec<SavedSearch>, ServiceError> {
    caller.require(Action::ManageOwnAccount, Resource::Hub)?;
    Ok(db.saved_searches(&caller.user()?.id).await?)
}

pub async fn delete(db: &Database, caller: &Caller, id: &str) -> Result<(), ServiceError> {
    caller.require(Action::ManageOwnAccount, Resource::Hub)?;
    let user = caller.user()?;
    found(db.delete_saved_search(&user.id, id, caller.event("saved-search.deleted", &user.id, id.to_owned())).await?)
}

/// Turns the mail alerts of one of the caller's searches on or off.
pub async fn set_alerts(
    db: &Database,
    caller: &Caller,
    id: &str,
    on: bool,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    caller.require(Action::ManageOwnAccount, Resource::Hub)?;
    let user = caller.user()?;
    let action = if on { "saved-search.alerts-on" } else { "saved-search.alerts-off" };
    found(db.set_search_alerts(&user.id, id, on, now, caller.event(action, &user.id, id.to_owned())).await?)
}

/// A new feed secret for one of the caller's searches; the old address stops working.
pub async fn renew_feed(db: &Database, caller: &Caller, id: &str) -> Result<String, ServiceError> {
    caller.require(Action::ManageOwnAccount, Resource::Hub)?;
    let user = caller.user()?;
    let secret = new_secret()?;
    let event = caller.event("saved-search.feed-renewed", &user.id, id.to_owned());
    found(db.renew_search_feed(&user.id, id, &digest(&secret), event).await?)?;
    Ok(secret)
}

fn found(changed: bool) -> Result<(), ServiceError> {
    if changed {
        Ok(())
    } else {
        Err(ServiceError::NotFound("saved search"))
    }
}

/// The search a feed secret opens and the calls that match it now; anyone with the secret
/// may read it, so it needs no session.
pub async fn feed(
    db: &Database,
    secret: &str,
    today: NaiveDate,
) -> Result<(SavedSearch, Vec<CallTopic>), ServiceError> {
    let search = db.search_by_feed(&digest(secret)).await?.ok_or(ServiceError::NotFound("feed"))?;
    let page = Pagination { limit: FEED_ENTRIES, offset: 0 };
    let calls = db.list_calls(&search.criteria.filter(page, today)).await?.items;
    Ok((search, calls))
}

/// The search an unsubscribe secret belongs to, for the page that asks to confirm.
pub async fn unsubscribe_target(db: &Database, secret: &str) -> Result<SavedSearch, ServiceError> {
    db.search_by_unsubscribe(&digest(secret)).await?.ok_or(ServiceError::NotFound("alert"))
}

/// Turns off the alerts of the search an unsubscribe secret belongs to: the secret
/// authorises (RFC 8058's one-click POST comes without a session).
pub async fn unsubscribe(
    db: &Database,
    secret: &str,
    now: DateTime<Utc>,
    client: &str,
) -> Result<SavedSearch, ServiceError> {
    let search = unsubscribe_target(db, secret).await?;
    let audit = AuditEvent::by(None, "saved-search.unsubscribed", &search.user_id, search.id.clone(), client);
    db.unsubscribe_search(&search.id, now, audit).await?;
    Ok(SavedSearch { alerts: false, ..search })
}

/// One alert mail to word: to whom, about which calls and why, and the secret of its
/// one-click unsubscribe link.
pub struct AlertLetter<'a> {
    pub recipient: &'a AlertRecipient,
    pub calls: Vec<(&'a CallTopic, Occasion)>,
    pub unsubscribe_secret: &'a str,
}

/// A worded alert mail.
pub struct Letter {
    pub subject: String,
    pub body: String,
    /// Where the one-click unsubscribe POSTs (the address of the secret).
    pub unsubscribe_url: String,
}

/// Queues one mail per saved search that has alerts due (`today` in the region, `now` for
/// the record), words each by `compose`, and returns how many it queued.
pub async fn send_due(
    db: &Database,
    today: NaiveDate,
    now: DateTime<Utc>,
    compose: impl Fn(&AlertLetter<'_>) -> Letter,
) -> Result<usize, ServiceError> {
    let mut queued = 0;
    for recipient in db.searches_with_alerts().await? {
        let search = &recipient.search;
        let matches = all_matching(db, &search.criteria, today).await?;
        let sent = db.alerts_sent(&search.id).await?;
        let due = due_alerts(today, search.created_at, &matches, &sent);
        if due.is_empty() {
            continue;
        }
        let calls: Vec<(&CallTopic, Occasion)> = due
            .iter()
            .filter_map(|d| matches.iter().find(|c| c.content.topic_id == d.topic_id).map(|c| (c, d.occasion)))
            .collect();
        let secret = new_secret()?;
        let letter = compose(&AlertLetter { recipient: &recipient, calls, unsubscribe_secret: &secret });
        let occasions: Vec<(String, String)> = due.iter().map(|d| (d.topic_id.clone(), d.occasion.key())).collect();
        let alert = QueuedAlert {
            search_id: &search.id,
            occasions: &occasions,
            mail: Mail { recipient: &recipient.email, subject: &letter.subject, body: &letter.body },
            unsubscribe_digest: &digest(&secret),
            unsubscribe_url: &letter.unsubscribe_url,
            at: now,
        };
        if db.queue_alert(alert).await? {
            queued += 1;
        }
    }
    Ok(queued)
}

/// Every call that matches `criteria` now, page by page.
async fn all_matching(
    db: &Database,
    criteria: &SearchCriteria,
    today: NaiveDate,
) -> Result<Vec<CallTopic>, ServiceError> {
    let mut calls = Vec::new();
    loop {
        let offset = u32::try_from(calls.len()).unwrap_or(Pagination::MAX_OFFSET);
        let page = db.list_calls(&criteria.filter(Pagination { limit: Pagination::MAX_LIMIT, offset }, today)).await?;
        let done = page.items.len() < Pagination::MAX_LIMIT as usize || offset >= Pagination::MAX_OFFSET;
        calls.extend(page.items);
        if done {
            return Ok(calls);
        }
    }
}
