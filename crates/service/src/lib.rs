//! The hub's use cases: what a caller may do and how it is done (claim a profile, save a
//! profile, sign in, write and publish content). The HTML pages and the JSON API both call
//! these and stay thin; nothing here knows HTTP, forms or templates.

pub mod access;
pub mod acquisition;
pub mod alerts;
pub mod clock;
pub mod consortium;
pub mod content;
pub mod digest;
mod error;
pub mod events;
pub mod facilities;
pub mod inquiries;
pub mod introduction_suggestions;
pub mod introductions;
pub mod meetings;
pub mod photos;
pub mod profile;
pub mod sign_in;
pub mod talent;

use lshub_domain::account::User;
use lshub_domain::authorization::{decide, Action, Actor, Decision, Resource};
use lshub_storage::audit::AuditEvent;
use lshub_storage::content::Author;

pub use error::ServiceError;

/// Who is asking, however they reached the hub.
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    pub user: Option<User>,
    /// The client's address, for the audit log.
    pub client: String,
}

impl Caller {
    /// Asks the one policy; a denial becomes [`ServiceError::Denied`].
    pub fn require(&self, action: Action, resource: Resource<'_>) -> Result<(), ServiceError> {
        match decide(&self.actor, action, resource) {
            Decision::Allow => Ok(()),
            Decision::Deny(denial) => Err(ServiceError::Denied(denial)),
        }
    }

    pub fn may(&self, action: Action, resource: Resource<'_>) -> bool {
        decide(&self.actor, action, resource).is_allowed()
    }

    /// An audit event by this caller.
    pub fn event<'a>(&'a self, action: &'a str, subject: &'a str, detail: String) -> AuditEvent<'a> {
        AuditEvent::by(self.user.as_ref(), action, subject, detail, &self.client)
    }

    /// The signed-in user, after the policy allowed an action that needs one.
    pub fn user(&self) -> Result<&User, ServiceError> {
        self.user.as_ref().ok_or(ServiceError::Denied(lshub_domain::authorization::Denial::SignInRequired))
    }

    /// The signed-in user as history names them, after the policy allowed a change.
    fn author(&self) -> Result<Author<'_>, ServiceError> {
        let user = self.user()?;
        Ok(Author { user_id: Some(&user.id), label: &user.display_name })
    }
}

/// Letters to the members of `organisation_id` but the user `except`, each worded in the
/// member's language: (address, subject, body).
pub(crate) async fn letters_to_members(
    db: &lshub_storage::Database,
    organisation_id: &str,
    except: &str,
    word: impl Fn(lshub_domain::Language) -> (String, String),
) -> Result<Vec<(String, String, String)>, ServiceError> {
    Ok(db
        .recipients(&[], &[organisation_id.to_owned()])
        .await?
        .into_iter()
        .filter(|r| r.user_id != except)
        .map(|r| {
            let (subject, body) = word(lshub_domain::Language::from_tag(&r.language).unwrap_or_default());
            (r.email, subject, body)
        })
        .collect())
}

/// Letters as the mail queue takes them.
pub(crate) fn as_mails(letters: &[(String, String, String)]) -> Vec<lshub_storage::accounts::Mail<'_>> {
    letters
        .iter()
        .map(|(recipient, subject, body)| lshub_storage::accounts::Mail { recipient, subject, body })
        .collect()
}

/// The organisations the caller maintains and may `action` in the name of (open a
/// consortium, ask for an introduction): what their forms offer.
pub async fn organisations_for(
    db: &lshub_storage::Database,
    caller: &Caller,
    action: Action,
) -> Result<Vec<lshub_storage::memberships::Membership>, ServiceError> {
    let user = caller.user()?;
    Ok(db
        .memberships(&user.id)
        .await?
        .into_iter()
        .filter(|m| caller.may(action, Resource::Organisation { id: &m.organisation_id }))
        .collect())
}
