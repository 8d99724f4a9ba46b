//! The hub's one authorization policy. Every handler asks [`decide`] and acts on its answer;
//! no handler compares roles or memberships itself, so the rules can be read, tested and
//! changed here alone.

use crate::account::{AccountState, Role, TokenScope};

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
    pub state: AccountState,
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
    /// Start a session as this account (asked with the account as the actor, once its
    /// password or provider has proved who is signing in, before the session starts).
    SignIn,
    /// See and change one's own account, its tokens and sessions; export or delete it.
    ManageOwnAccount,
    /// Create a personal API token.
    CreateApiToken,
    /// Act through a personal API token at all: asked for every request that carries one,
    /// before whatever its handler asks.
    UseApiToken,
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
    /// An admin disabled the account.
    AccountDisabled,
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
    match (user.state, &user.via) {
        // A disabled account's session sees what a visitor sees; its tokens, nothing.
        (AccountState::Disabled, Credential::Session)
            if matches!(action, Action::ReadPublic | Action::UseSignInPages) =>
        {
            return Allow
        }
        (AccountState::Disabled, _) => return Deny(Denial::AccountDisabled),
        // Whoever registered an address may not own it: until it is confirmed, nothing is done
        // through tokens, which outlive the sessions a password reset ends.
        (AccountState::Unverified, Credential::Token(_)) => return Deny(Denial::EmailNotVerified),
        _ => {}
    }
    // Tokens are for the API: reading with `read`, changing profiles with `write`.
    if let Credential::Token(scopes) = &user.via {
        let needed = match action {
            Action::UseApiToken => return Allow,
            Action::ReadPublic | Action::ReadOwnAccount | Action::ReadPartnerContent => TokenScope::Read,
            Action::EditOrganisation => TokenScope::Write,
            Action::UseSignInPages
            | Action::SignIn
            | Action::ManageOwnAccount
            | Action::CreateApiToken
            | Action::ClaimOrganisation
            | Action::Administer => return Deny(Denial::Forbidden),
        };
        if !scopes.contains(&needed) {
            return Deny(Denial::ScopeMissing);
        }
    }
    match action {
        Action::ReadPublic
        | Action::UseSignInPages
        | Action::SignIn
        | Action::ReadOwnAccount
        | Action::ManageOwnAccount => Allow,
        Action::UseApiToken => Deny(Denial::Forbidden),
        Action::ClaimOrganisation | Action::CreateApiToken if user.state != AccountState::Verified => {
            Deny(Denial::EmailNotVerified)
        }
        Action::ClaimOrganisation | Action::CreateApiToken => Allow,
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
            state: AccountState::Verified,
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

    fn in_state(mut actor: Actor, state: AccountState) -> Actor {
        if let Some(user) = actor.user.as_mut() {
            user.state = state;
        }
        actor
    }

    #[test]
    fn claims_and_tokens_need_a_verified_address() {
        let actor = in_state(principal(Role::Member, &[], Credential::Session), AccountState::Unverified);
        assert_eq!(decide(&actor, Action::ClaimOrganisation, Resource::Hub), Decision::Deny(Denial::EmailNotVerified));
        assert_eq!(decide(&actor, Action::CreateApiToken, Resource::Hub), Decision::Deny(Denial::EmailNotVerified));
        assert!(decide(&actor, Action::ManageOwnAccount, Resource::Hub).is_allowed(), "to resend the link");
        assert!(decide(&actor, Action::SignIn, Resource::Hub).is_allowed());
        let verified = principal(Role::Member, &[], Credential::Session);
        assert!(decide(&verified, Action::CreateApiToken, Resource::Hub).is_allowed());
    }

    #[test]
    fn tokens_of_unverified_accounts_do_nothing() {
        let org = Resource::Organisation { id: "o1" };
        let write = Credential::Token(vec![TokenScope::Read, TokenScope::Write]);
        let actor = in_state(principal(Role::Admin, &["o1"], write), AccountState::Unverified);
        for action in [Action::UseApiToken, Action::ReadPublic, Action::ReadOwnAccount, Action::EditOrganisation] {
            assert_eq!(decide(&actor, action, org), Decision::Deny(Denial::EmailNotVerified), "{action:?}");
        }
        let verified = in_state(actor, AccountState::Verified);
        assert!(decide(&verified, Action::UseApiToken, Resource::Hub).is_allowed());
        assert!(decide(&verified, Action::EditOrganisation, org).is_allowed());
    }

    #[test]
    fn disabled_accounts_act_as_visitors_at_most() {
        let org = Resource::Organisation { id: "o1" };
        let session = in_state(principal(Role::Admin, &["o1"], Credential::Session), AccountState::Disabled);
        assert!(decide(&session, Action::ReadPublic, Resource::Hub).is_allowed());
        assert!(decide(&session, Action::UseSignInPages, Resource::Hub).is_allowed());
        for action in [
            Action::SignIn,
            Action::ReadOwnAccount,
            Action::ManageOwnAccount,
            Action::CreateApiToken,
            Action::ClaimOrganisation,
            Action::EditOrganisation,
            Action::ReadPartnerContent,
            Action::Administer,
        ] {
            assert_eq!(decide(&session, action, org), Decision::Deny(Denial::AccountDisabled), "{action:?}");
        }
        let token = Credential::Token(vec![TokenScope::Read, TokenScope::Write]);
        let token = in_state(principal(Role::Admin, &["o1"], token), AccountState::Disabled);
        for action in [Action::UseApiToken, Action::ReadPublic, Action::EditOrganisation] {
            assert_eq!(decide(&token, action, org), Decision::Deny(Denial::AccountDisabled), "{action:?}");
        }
    }
}
