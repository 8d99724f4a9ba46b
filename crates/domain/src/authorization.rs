//! The hub's one authorization policy. Every handler asks [`decide`] and acts on its answer;
//! no handler compares roles or memberships itself, so the rules can be read, tested and
//! changed here alone.

use crate::account::{Role, TokenScope};

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Actor {
    /// `None` for a visitor without an account.
    pub user: Option<Principal>,
}

/// A signed-in user, as far as the policy needs to know them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: String,
    pub role: Role,
    pub email_verified: bool,
    /// Ids of the organisations whose profiles this user maintains.
    pub organisations: Vec<String>,
    /// How the user proved who they are.
    pub via: Credential,
}

/// A browser session may do whatever the role allows; a personal API token only what its
/// scopes allow, and never manage the account or the hub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    Session,
    Token(Vec<TokenScope>),
}

impl Actor {
    pub fn visitor() -> Self {
        Self { user: None }
    }

    pub fn user(principal: Principal) -> Self {
        Self { user: Some(principal) }
    }
}

/// What the actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read what the hub publishes: pages, feeds, the public API.
    ReadPublic,
    /// Pages only a visitor needs: register, sign in.
    UseSignInPages,
    /// Read one's own account through the API (`/api/v1/me`).
    ReadOwnAccount,
    /// See and change one's own account, its tokens and sessions; export or delete it.
    ManageOwnAccount,
    /// Ask to maintain an organisation's profile.
    ClaimOrganisation,
    /// Change an organisation's profile.
    EditOrganisation,
    /// Content only MoU partners see.
    ReadPartnerContent,
    /// The admin pages: users, roles, partner organisations, claims, the audit log.
    Administer,
}

/// What the action is done to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource<'a> {
    Hub,
    Organisation { id: &'a str },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny(Denial),
}

/// Why an action is refused; the web layer maps each to one response (sign-in page or 401,
/// 403).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    /// Signing in might help.
    SignInRequired,
    /// The account's e-mail address is not verified yet.
    EmailNotVerified,
    /// The API token lacks the scope.
    ScopeMissing,
    /// Not for this actor, whoever they sign in as.
    Forbidden,
}

impl Decision {
    pub fn is_allowed(self) -> bool {
        self == Decision::Allow
    }
}

/// The policy.
pub fn decide(actor: &Actor, action: Action, resource: Resource<'_>) -> Decision {
    use Decision::{Allow, Deny};
    let Some(user) = &actor.user else {
        return match action {
            Action::ReadPublic | Action::UseSignInPages => Allow,
            _ => Deny(Denial::SignInRequired),
        };
    };
    // Tokens are for the API: reading with `read`, changing profiles with `write`.
    if let Credential::Token(scopes) = &user.via {
        let needed = match action {
            Action::ReadPublic | Action::ReadOwnAccount | Action::ReadPartnerContent => TokenScope::Read,
            Action::EditOrganisation => TokenScope::Write,
            Action::UseSignInPages | Action::ManageOwnAccount | Action::ClaimOrganisation | Action::Administer => {
                return Deny(Denial::Forbidden)
            }
        };
        if !scopes.contains(&needed) {
            return Deny(Denial::ScopeMissing);
        }
    }
    match action {
        Action::ReadPublic | Action::UseSignInPages | Action::ReadOwnAccount | Action::ManageOwnAccount => Allow,
        Action::ClaimOrganisation if !user.email_verified => Deny(Denial::EmailNotVerified),
        Action::ClaimOrganisation => Allow,
        Action::EditOrganisation => {
            let Resource::Organisation { id } = resource else { return Deny(Denial::Forbidden) };
            if user.role == Role::Admin || user.organisations.iter().any(|o| o == id) {
                Allow
            } else {
                Deny(Denial::Forbidden)
            }
        }
        Action::ReadPartnerContent if matches!(user.role, Role::Partner | Role::Admin) => Allow,
        Action::Administer if user.role == Role::Admin => Allow,
        Action::ReadPartnerContent | Action::Administer => Deny(Denial::Forbidden),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role, organisations: &[&str], via: Credential) -> Actor {
        Actor::user(Principal {
            user_id: "u".into(),
            role,
            email_verified: true,
            organisations: organisations.iter().map(|o| (*o).to_owned()).collect(),
            via,
        })
    }

    #[test]
    fn visitors_read_and_nothing_more() {
        let visitor = Actor::visitor();
        assert_eq!(decide(&visitor, Action::ReadPublic, Resource::Hub), Decision::Allow);
        assert_eq!(decide(&visitor, Action::UseSignInPages, Resource::Hub), Decision::Allow);
        for action in [Action::ReadOwnAccount, Action::ManageOwnAccount, Action::ClaimOrganisation, Action::Administer]
        {
            assert_eq!(decide(&visitor, action, Resource::Hub), Decision::Deny(Denial::SignInRequired));
        }
    }

    #[test]
    fn only_members_of_an_organisation_and_admins_edit_it() {
        let org = Resource::Organisation { id: "o1" };
        let own = principal(Role::Member, &["o1"], Credential::Session);
        let other = principal(Role::Member, &["o2"], Credential::Session);
        let partner = principal(Role::Partner, &[], Credential::Session);
        let admin = principal(Role::Admin, &[], Credential::Session);
        assert!(decide(&own, Action::EditOrganisation, org).is_allowed());
        assert!(!decide(&other, Action::EditOrganisation, org).is_allowed());
        assert!(!decide(&partner, Action::EditOrganisation, org).is_allowed());
        assert!(decide(&admin, Action::EditOrganisation, org).is_allowed());
        assert!(!decide(&own, Action::EditOrganisation, Resource::Hub).is_allowed());
    }

    #[test]
    fn roles_gate_partner_content_and_administration() {
        let member = principal(Role::Member, &[], Credential::Session);
        let partner = principal(Role::Partner, &[], Credential::Session);
        let admin = principal(Role::Admin, &[], Credential::Session);
        assert!(!decide(&member, Action::ReadPartnerContent, Resource::Hub).is_allowed());
        assert!(decide(&partner, Action::ReadPartnerContent, Resource::Hub).is_allowed());
        assert!(!decide(&partner, Action::Administer, Resource::Hub).is_allowed());
        assert!(decide(&admin, Action::Administer, Resource::Hub).is_allowed());
    }

    #[test]
    fn tokens_are_limited_to_their_scopes_and_the_api() {
        let org = Resource::Organisation { id: "o1" };
        let read = principal(Role::Admin, &["o1"], Credential::Token(vec![TokenScope::Read]));
        let write = principal(Role::Member, &["o1"], Credential::Token(vec![TokenScope::Write]));
        assert!(decide(&read, Action::ReadPublic, Resource::Hub).is_allowed());
        assert_eq!(decide(&read, Action::EditOrganisation, org), Decision::Deny(Denial::ScopeMissing));
        assert_eq!(decide(&read, Action::Administer, Resource::Hub), Decision::Deny(Denial::Forbidden));
        assert!(decide(&write, Action::EditOrganisation, org).is_allowed());
        assert_eq!(decide(&write, Action::ManageOwnAccount, Resource::Hub), Decision::Deny(Denial::Forbidden));
    }

    #[test]
    fn claims_need_a_verified_address() {
        let mut actor = principal(Role::Member, &[], Credential::Session);
        if let Some(user) = actor.user.as_mut() {
            user.email_verified = false;
        }
        assert_eq!(decide(&actor, Action::ClaimOrganisation, Resource::Hub), Decision::Deny(Denial::EmailNotVerified));
    }
}
