//! Signing in with a password, throttled per account: what a client may try, when it waits,
//! when it is refused, and when the right password mails a one-time link instead.

use std::time::Duration as StdDuration;

use chrono::Duration;
use lshub_domain::account::{Email, User};
use lshub_domain::authorization::{Action, Actor, Credential, Principal, Resource};
use lshub_storage::accounts::{CodeMail, CodePurpose, ComposeMail};
use lshub_storage::Database;

use crate::{Caller, ServiceError};

/// Failed sign-ins to one account from one client address within [`FAILURE_WINDOW_MINUTES`]:
/// from the third on each attempt from that address waits a little longer, from the eighth
/// on that address is refused until the window has passed since its last failure there.
/// Other addresses, the owner's among them, are not held up by it.
const SLOW_AFTER_FAILURES: i64 = 3;
const REFUSE_AFTER_FAILURES: i64 = 8;
const FAILURE_WINDOW_MINUTES: i64 = 15;
const SLOWDOWN_STEP: StdDuration = StdDuration::from_millis(250);
/// Failed sign-ins to one account from all addresses together within
/// [`UNDER_ATTACK_WINDOW_MINUTES`] from which the account counts as under attack (from many
/// addresses): the right password then no longer signs in by itself, but mails the owner a
/// one-time sign-in link, valid for [`SIGN_IN_LINK_MINUTES`]. Nobody is locked out.
const UNDER_ATTACK_FAILURES: i64 = 30;
const UNDER_ATTACK_WINDOW_MINUTES: i64 = 60;
const SIGN_IN_LINK_MINUTES: i64 = 15;

/// How a password sign-in ended.
#[derive(Debug)]
pub enum Attempt {
    /// The password is right and the account may sign in: start its session.
    Granted { user: User, subject: String },
    /// No such account, or the wrong password; audited, and told apart from neither.
    Failed,
    /// The account is under attack, so a one-time sign-in link was mailed to its owner.
    LinkMailed { email: String },
}

/// Checks `password` for the account at `email`, with the throttling above. `link_mail`
/// writes the sign-in link mail for a code, should one be needed.
pub async fn with_password(
    db: &Database,
    caller: &Caller,
    email: &str,
    password: &str,
    link_mail: &ComposeMail<'_>,
) -> Result<Attempt, ServiceError> {
    caller.require(Action::UseSignInPages, Resource::Hub)?;
    let Ok(email) = Email::parse(email) else { return Ok(Attempt::Failed) };
    let key = email.lookup_key();
    let window = Duration::minutes(FAILURE_WINDOW_MINUTES);
    let (failures, latest) =
        db.recent_events_from("login.failed", "login.succeeded", &key, Some(&caller.client), window).await?;
    if failures >= REFUSE_AFTER_FAILURES {
        db.audit(caller.event("login.refused", &key, format!("{failures} failed attempts"))).await?;
        let retry_after = latest
            .and_then(|l| chrono::DateTime::parse_from_rfc3339(&l).ok())
            .map(|l| (l.with_timezone(&chrono::Utc) + window - chrono::Utc::now()).num_seconds())
            .unwrap_or(window.num_seconds())
            .max(1);
        return Err(ServiceError::Throttled { retry_after: retry_after.unsigned_abs() });
    }
    if failures >= SLOW_AFTER_FAILURES {
        let steps = u32::try_from(failures - SLOW_AFTER_FAILURES + 1).unwrap_or(1);
        tokio::time::sleep(SLOWDOWN_STEP * steps).await;
    }
    let stored = db.user_by_email(&email).await?;
    let matches = password_matches(password, stored.as_ref().and_then(|s| s.password_hash.clone())).await?;
    let user = match stored {
        Some(stored) if matches => stored.user,
        _ => {
            db.audit(caller.event("login.failed", &key, String::new())).await?;
            return Ok(Attempt::Failed);
        }
    };
    ensure_may_sign_in(db, caller, &user, &key).await?;
    let attack_window = Duration::minutes(UNDER_ATTACK_WINDOW_MINUTES);
    let (all_failures, _) = db.recent_events("login.failed", "login.succeeded", &key, attack_window).await?;
    if all_failures >= UNDER_ATTACK_FAILURES {
        let mail = CodeMail {
            user_id: &user.id,
            purpose: CodePurpose::SignIn,
            valid_for: Duration::minutes(SIGN_IN_LINK_MINUTES),
            recipient: &user.email,
            compose: link_mail,
        };
        // Only the right password gets here, so only the owner can ask for these mails.
        let event = caller.event("login.link-sent", &key, format!("{all_failures} failed attempts"));
        db.issue_code(mail, event, None).await?;
        return Ok(Attempt::LinkMailed { email: user.email });
    }
    Ok(Attempt::Granted { user, subject: key })
}

/// Refuses (and audits) signing in to an account the policy does not let sign in: a
/// disabled one.
pub async fn ensure_may_sign_in(
    db: &Database,
    caller: &Caller,
    user: &User,
    subject: &str,
) -> Result<(), ServiceError> {
    let account = Caller { actor: Actor::user(principal(db, user, Credential::Session).await?), ..caller.clone() };
    if let Err(refused) = account.require(Action::SignIn, Resource::Hub) {
        db.audit(caller.event("login.refused-disabled", subject, String::new())).await?;
        return Err(refused);
    }
    Ok(())
}

/// What the policy knows of a signed-in user.
pub async fn principal(db: &Database, user: &User, via: Credential) -> Result<Principal, ServiceError> {
    Ok(Principal {
        user_id: user.id.clone(),
        role: user.role,
        state: user.state(),
        organisations: db.organisation_ids_of(&user.id).await?,
        via,
    })
}

/// Whether `password` opens an account stored with `hash`. Without a hash (no such account,
/// or one without a password) a decoy is checked, so the answer takes as long either way.
pub async fn password_matches(password: &str, hash: Option<String>) -> Result<bool, ServiceError> {
    let hash = hash.unwrap_or_else(|| lshub_storage::credentials::decoy_hash().to_owned());
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || lshub_storage::credentials::verify_password(&password, &hash))
        .await
        .map_err(|e| ServiceError::Internal(format!("password task failed: {e}")))
}
