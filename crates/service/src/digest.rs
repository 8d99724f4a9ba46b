//! The weekly digest's settings: opting in and out, following organisations (whose news it
//! brings), and the one-click unsubscribe of its mails, whose secret authorises.

use chrono::{DateTime, Utc};
use lshub_domain::authorization::{Action, Resource};
use lshub_storage::audit::AuditEvent;
use lshub_storage::credentials::digest;
use lshub_storage::Database;

use crate::{Caller, ServiceError};

/// Whether the caller gets the digest, and the organisations they follow (slug, name).
pub async fn settings(db: &Database, caller: &Caller) -> Result<(bool, Vec<(String, String)>), ServiceError> {
    caller.require(Action::ReadOwnAccount, Resource::Hub)?;
    let user = caller.user()?;
    Ok((db.has_digest(&user.id).await?, db.follows_of(&user.id).await?))
}

/// Turns the caller's digest on or off.
pub async fn set(db: &Database, caller: &Caller, on: bool, now: DateTime<Utc>) -> Result<(), ServiceError> {
    caller.require(Action::ManageOwnAccount, Resource::Hub)?;
    let user = caller.user()?;
    let action = if on { "digest.subscribed" } else { "digest.unsubscribed" };
    db.set_digest(&user.id, on, now, caller.event(action, &user.id, String::new())).await?;
    Ok(())
}

/// The caller follows (`true`) or stops following the organisation at `slug`.
pub async fn follow(
    db: &Database,
    caller: &Caller,
    slug: &str,
    follow: bool,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    caller.require(Action::ManageOwnAccount, Resource::Hub)?;
    let user = caller.user()?;
    let organisation = db.organisation_by_slug(slug).await?.ok_or(ServiceError::NotFound("organisation"))?;
    let action = if follow { "organisation.followed" } else { "organisation.unfollowed" };
    let audit = caller.event(action, slug, String::new());
    db.set_follow(&user.id, &organisation.id, follow, now, audit).await?;
    Ok(())
}

/// Turns off the digest of the person a mail's unsubscribe secret was sent to: the secret
/// authorises (RFC 8058's one-click POST comes without a session).
pub async fn unsubscribe(db: &Database, secret: &str, now: DateTime<Utc>, client: &str) -> Result<(), ServiceError> {
    let user_id = unsubscribe_target(db, secret).await?;
    let audit = AuditEvent::by(None, "digest.unsubscribed", &user_id, String::new(), client);
    db.set_digest(&user_id, false, now, audit).await?;
    Ok(())
}

/// The person an unsubscribe secret belongs to, for the page that asks to confirm.
pub async fn unsubscribe_target(db: &Database, secret: &str) -> Result<String, ServiceError> {
    db.digest_unsubscribe_user(&digest(secret)).await?.ok_or(ServiceError::NotFound("digest"))
}
