//! The hub's one authorization policy. Every handler asks [`decide`] and acts on its answer;
//! no handler compares roles or memberships itself, so the rules can be read, tested and
//! changed here alone.

use crate::account::{AccountState, Role, TokenScope};
use crate::content::{Authoring, Kind};

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
    /// Something done to content of a kind, owned by an organisation
    /// ([`Resource::Content`]).
    Content(ContentAction),
    /// Content only MoU partners see.
    ReadPartnerContent,
    /// See what the hub shows its members only: which organisation owns a members-only need
    /// or offer. Any confirmed account.
    ReadMembersOnly,
    /// The admin pages: users, roles, partner organisations, claims, the audit log.
    Administer,
    /// See the access requests one takes part in (which ones, and what may be done in each,
    /// the application's own roles decide).
    ReadApplications,
    /// Apply for access to data, and act on applications one takes part in.
    TakePartInApplications,
    /// Offer an organisation's datasets for request: its catalogue items, forms, licences
    /// and workflow, and the entitlements given ([`Resource::Organisation`]).
    ManageCatalogue,
    /// The joint-acquisition pipeline as a whole: its list and entering a lead
    /// ([`Resource::Hub`]); MoU partners' staff (and admins) only.
    WorkOnLeads,
    /// Something done to one lead ([`Resource::Lead`]).
    Lead(LeadAction),
    /// Open a consortium workspace for a call in the name of an organisation one maintains
    /// ([`Resource::Organisation`]).
    OpenConsortium,
    /// Something done in one consortium workspace ([`Resource::Consortium`]).
    Consortium(ConsortiumAction),
    /// Set the eligibility rules of a type of action ([`Resource::Hub`]); MoU partners'
    /// staff and admins.
    SetEligibilityRules,
    /// Ask for an introduction on behalf of an organisation one maintains
    /// ([`Resource::Organisation`]).
    RequestIntroduction,
    /// Introduce two organisations to each other ([`Resource::Hub`]): partners and admins.
    BrokerIntroductions,
    /// Something done to one introduction ([`Resource::Introduction`]).
    Introduction(IntroductionAction),
    /// Something done to registrations for an event ([`Resource::Event`]).
    Registration(RegistrationAction),
    /// Something done about one-to-one meetings at a matchmaking day: taking part
    /// ([`Resource::Event`]) or one request ([`Resource::Meeting`]).
    Meeting(MeetingAction),
    /// Keep one's own talent profile (create, change, hide, export and delete it) and saved
    /// searches of vacancies and programmes. Any confirmed account.
    KeepTalentProfile,
    /// Book a shared facility for an organisation ([`Resource::Organisation`]): its
    /// confirmed members. (A facility's staff act on its bookings as its editors.)
    BookFacility,
    /// Cancel one's own bookings, or move a facility's bookings as its staff (who are then
    /// checked as its editors). Any confirmed account.
    ManageOwnBookings,
    /// Ask the operator of a space about it: anyone. A visitor's inquiry reaches the operator
    /// once its sender confirmed their address by mail; a member's at once.
    AskAboutSpace,
    /// Read and answer the inquiries about an organisation's spaces, plan visits and close
    /// them ([`Resource::Organisation`]): its confirmed members.
    AnswerInquiries,
    /// See the talent pool: the visible profiles, and those that fit a vacancy
    /// ([`Resource::Recruiters`]). Members of organisations that recruit only.
    ReadTalentPool,
    /// Add, remove and import an organisation's own iCalendar feeds
    /// ([`Resource::Organisation`]): the staff of a partner organisation who hold the
    /// partner role, and admins.
    ManageEventFeeds,
}

/// What can be done to registrations for an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegistrationAction {
    /// Register oneself: any confirmed account.
    Register,
    /// See, and cancel, one's own registration.
    Own,
    /// See who registered, with their addresses, and approve or refuse registrations: the
    /// members of the event's owner or of an organising organisation, and admins.
    Organise,
}

/// What can be done about one-to-one meetings. Their dashboard and attendance belong to
/// the event's organisers ([`RegistrationAction::Organise`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MeetingAction {
    /// Publish a profile, see the others' and ask for meetings: those who hold a confirmed
    /// seat (the service names them as `registrant`).
    TakePart,
    /// See a request: its two sides and the event's organisers.
    Read,
    /// Accept or decline: the one asked.
    Answer,
    /// Withdraw a request or call off a meeting: either side.
    CallOff,
}

/// What can be done to one introduction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntroductionAction {
    /// See it; its sides' contacts only once both accepted (the use case's rule).
    Read,
    /// Accept or decline for the organisation on that side.
    Answer(crate::introduction::Side),
    /// Say what came of it, for the organisation on that side.
    ReportOutcome(crate::introduction::Side),
}

/// What can be done in a consortium workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsortiumAction {
    /// See the workspace: its partners, their statements, the eligibility check, the
    /// suggestions, and its CSV export.
    Read,
    /// Change one's own organisation's statement, or leave.
    Contribute,
    /// Invite and remove partners, set their roles: the organisation that opened it.
    Manage,
    /// Accept or decline an invitation sent to one's organisation.
    Answer,
}

/// What can be done to one lead of the joint-acquisition pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LeadAction {
    /// See that it exists: its page, timeline and soft-landing package.
    Read,
    /// Move its stage, add notes, change its details, point of contact and sharing, and make
    /// or revoke links to its package.
    Work,
    /// Enter it, shared with the organisations named in the resource.
    Create,
}

/// What can be done to content. Which of these a kind allows at all follows from its
/// [`Authoring`]: imported kinds allow none, profiles only `Edit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentAction {
    /// Write a new item owned by the organisation.
    Create,
    /// Change an item (or a profile).
    Edit,
    /// Make an item public without review; for kinds that need review, approve it.
    Publish,
    /// Approve or send back items in review, archive anyone's items.
    Moderate,
    /// Take an item out of lists (its owners or a moderator).
    Archive,
    /// Remove an item and its history for good.
    Delete,
    /// See drafts, items in review and the history of changes.
    ReadUnpublished,
}

impl ContentAction {
    pub const ALL: [ContentAction; 7] = [
        ContentAction::Create,
        ContentAction::Edit,
        ContentAction::Publish,
        ContentAction::Moderate,
        ContentAction::Archive,
        ContentAction::Delete,
        ContentAction::ReadUnpublished,
    ];
}

/// What the action is done to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource<'a> {
    Hub,
    /// An organisation, as the subject of a claim.
    Organisation {
        id: &'a str,
    },
    /// Content of `kind` owned by the organisation with id `owner` (an organisation's
    /// profile is owned by the organisation itself).
    Content {
        kind: &'a Kind,
        owner: &'a str,
    },
    /// A lead of the joint-acquisition pipeline, shared with the partner organisations
    /// `shared_with` (ids; only organisations that are MoU partners), with its point of
    /// contact (a user id).
    Lead {
        shared_with: &'a [String],
        contact: Option<&'a str>,
    },
    /// A consortium workspace: the organisation that manages it (`manager`, which is also a
    /// member), the organisations that accepted (`members`), and those invited that have
    /// not answered (`invited`); all by id.
    Consortium {
        manager: &'a str,
        members: &'a [String],
        invited: &'a [String],
    },
    /// An introduction between the organisations `from` and `to` (ids), brokered by the user
    /// `broker` if a partner made it.
    Introduction {
        from: &'a str,
        to: &'a str,
        broker: Option<&'a str>,
    },
    /// An event: the organisations that organise it, its owner among them, and, for one
    /// registration, whose it is (all ids).
    Event {
        organisers: &'a [String],
        registrant: Option<&'a str>,
    },
    /// The organisations that recruit: those with a published vacancy or programme.
    Recruiters {
        organisations: &'a [String],
    },
    /// A meeting request at a matchmaking day: the event's organisers and the two sides
    /// (user ids).
    Meeting {
        organisers: &'a [String],
        requester: &'a str,
        recipient: &'a str,
    },
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
            Action::ReadPublic | Action::UseSignInPages | Action::AskAboutSpace => Allow,
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
            Action::ReadPublic
            | Action::ReadOwnAccount
            | Action::ReadPartnerContent
            | Action::ReadApplications
            | Action::ReadMembersOnly
            | Action::ReadTalentPool => TokenScope::Read,
            Action::KeepTalentProfile | Action::BookFacility | Action::ManageOwnBookings => TokenScope::Write,
            Action::AskAboutSpace | Action::AnswerInquiries => TokenScope::Write,
            Action::TakePartInApplications | Action::ManageCatalogue => TokenScope::Write,
            Action::WorkOnLeads | Action::Lead(LeadAction::Read) => TokenScope::Read,
            Action::Lead(_) => TokenScope::Write,
            Action::Consortium(ConsortiumAction::Read) | Action::Introduction(IntroductionAction::Read) => {
                TokenScope::Read
            }
            Action::RequestIntroduction | Action::BrokerIntroductions | Action::Introduction(_) => TokenScope::Write,
            Action::Meeting(MeetingAction::Read) => TokenScope::Read,
            Action::Registration(_) | Action::Meeting(_) | Action::ManageEventFeeds => TokenScope::Write,
            Action::OpenConsortium | Action::Consortium(_) | Action::SetEligibilityRules => TokenScope::Write,
            Action::Content(ContentAction::ReadUnpublished) => TokenScope::Read,
            Action::Content(_) => TokenScope::Write,
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
        Action::ClaimOrganisation
        | Action::CreateApiToken
        | Action::TakePartInApplications
        | Action::ManageCatalogue
        | Action::OpenConsortium
        | Action::SetEligibilityRules
        | Action::ReadMembersOnly
        | Action::RequestIntroduction
        | Action::BrokerIntroductions
        | Action::ManageEventFeeds
        | Action::KeepTalentProfile
        | Action::BookFacility
        | Action::ManageOwnBookings
        | Action::AskAboutSpace
        | Action::AnswerInquiries
        | Action::ReadTalentPool
            if user.state != AccountState::Verified =>
        {
            Deny(Denial::EmailNotVerified)
        }
        Action::ClaimOrganisation
        | Action::CreateApiToken
        | Action::ReadApplications
        | Action::TakePartInApplications
        | Action::ReadMembersOnly
        | Action::KeepTalentProfile
        | Action::ManageOwnBookings
        | Action::AskAboutSpace => Allow,
        // Recruiting, not a role, opens the pool: admins see it only as members of one.
        Action::ReadTalentPool => match resource {
            Resource::Recruiters { organisations } if user.organisations.iter().any(|o| organisations.contains(o)) => {
                Allow
            }
            _ => Deny(Denial::Forbidden),
        },
        Action::ManageCatalogue
        | Action::OpenConsortium
        | Action::RequestIntroduction
        | Action::BookFacility
        | Action::AnswerInquiries => match resource {
            Resource::Organisation { id } if user.organisations.iter().any(|o| o == id) => Allow,
            _ => Deny(Denial::Forbidden),
        },
        Action::Consortium(action) => decide_consortium(user, action, resource),
        Action::Introduction(action) => decide_introduction(user, action, resource),
        Action::Registration(action) => decide_registration(user, action, resource),
        Action::Meeting(action) => decide_meeting(user, action, resource),
        Action::ManageEventFeeds => match resource {
            _ if user.role == Role::Admin => Allow,
            Resource::Organisation { id }
                if user.role == Role::Partner && user.organisations.iter().any(|o| o == id) =>
            {
                Allow
            }
            _ => Deny(Denial::Forbidden),
        },
        Action::BrokerIntroductions if matches!(user.role, Role::Partner | Role::Admin) => Allow,
        Action::SetEligibilityRules if matches!(user.role, Role::Partner | Role::Admin) => Allow,
        Action::Content(action) => {
            let Resource::Content { kind, owner } = resource else { return Deny(Denial::Forbidden) };
            decide_content(user, action, kind, owner)
        }
        Action::WorkOnLeads if matches!(user.role, Role::Partner | Role::Admin) => Allow,
        Action::WorkOnLeads => Deny(Denial::Forbidden),
        Action::Lead(action) => decide_lead(user, action, resource),
        Action::ReadPartnerContent if matches!(user.role, Role::Partner | Role::Admin) => Allow,
        Action::Administer if user.role == Role::Admin => Allow,
        Action::ReadPartnerContent | Action::Administer | Action::SetEligibilityRules | Action::BrokerIntroductions => {
            Deny(Denial::Forbidden)
        }
    }
}

/// A lead exists only for the staff of the partner organisations it is shared with (a
/// partner or admin account that maintains one of them) and for its point of contact while
/// they hold a partner's role: to everyone else, other partners and admins included, the
/// answer is the same `Forbidden`, which the use cases turn into "not found". Changes need
/// a confirmed address.
fn decide_lead(user: &Principal, action: LeadAction, resource: Resource<'_>) -> Decision {
    let Resource::Lead { shared_with, contact } = resource else { return Decision::Deny(Denial::Forbidden) };
    let partner_role = matches!(user.role, Role::Partner | Role::Admin);
    let staff = partner_role && user.organisations.iter().any(|o| shared_with.contains(o));
    let contact = partner_role && contact == Some(user.user_id.as_str());
    let allowed = match action {
        LeadAction::Read | LeadAction::Work => staff || contact,
        LeadAction::Create => staff,
    };
    if !allowed {
        Decision::Deny(Denial::Forbidden)
    } else if action != LeadAction::Read && user.state != AccountState::Verified {
        Decision::Deny(Denial::EmailNotVerified)
    } else {
        Decision::Allow
    }
}

/// A consortium workspace exists only for those who maintain one of its member
/// organisations; an invited organisation's members see the invitation and answer it. To
/// everyone else, admins included, the answer is `Forbidden`, which the use cases turn into
/// "not found". Changes need a confirmed address.
fn decide_consortium(user: &Principal, action: ConsortiumAction, resource: Resource<'_>) -> Decision {
    let Resource::Consortium { manager, members, invited } = resource else {
        return Decision::Deny(Denial::Forbidden);
    };
    let maintains = |ids: &[String]| user.organisations.iter().any(|o| ids.contains(o));
    let allowed = match action {
        ConsortiumAction::Read | ConsortiumAction::Contribute => {
            maintains(members) || user.organisations.iter().any(|o| o == manager)
        }
        ConsortiumAction::Manage => user.organisations.iter().any(|o| o == manager),
        ConsortiumAction::Answer => maintains(invited),
    };
    if !allowed {
        Decision::Deny(Denial::Forbidden)
    } else if action != ConsortiumAction::Read && user.state != AccountState::Verified {
        Decision::Deny(Denial::EmailNotVerified)
    } else {
        Decision::Allow
    }
}

/// An introduction exists for the members of its two organisations and for the partner who
/// brokered it; each side answers and reports for itself. To everyone else, admins included,
/// `Forbidden`, which the use cases turn into "not found". Changes need a confirmed address.
fn decide_introduction(user: &Principal, action: IntroductionAction, resource: Resource<'_>) -> Decision {
    use crate::introduction::Side;
    let Resource::Introduction { from, to, broker } = resource else {
        return Decision::Deny(Denial::Forbidden);
    };
    let maintains = |id: &str| user.organisations.iter().any(|o| o == id);
    let side_of = |side: Side| if side == Side::From { from } else { to };
    let allowed = match action {
        IntroductionAction::Read => maintains(from) || maintains(to) || broker == Some(user.user_id.as_str()),
        IntroductionAction::Answer(side) | IntroductionAction::ReportOutcome(side) => maintains(side_of(side)),
    };
    if !allowed {
        Decision::Deny(Denial::Forbidden)
    } else if action != IntroductionAction::Read && user.state != AccountState::Verified {
        Decision::Deny(Denial::EmailNotVerified)
    } else {
        Decision::Allow
    }
}

/// Anyone with a confirmed address registers; a registration is its registrant's, and its
/// event's organisers' (admins too). The registrants' addresses stay with those two.
fn decide_registration(user: &Principal, action: RegistrationAction, resource: Resource<'_>) -> Decision {
    let Resource::Event { organisers, registrant } = resource else {
        return Decision::Deny(Denial::Forbidden);
    };
    let allowed = match action {
        RegistrationAction::Register => true,
        RegistrationAction::Own => registrant == Some(user.user_id.as_str()),
        RegistrationAction::Organise => {
            user.role == Role::Admin || user.organisations.iter().any(|o| organisers.contains(o))
        }
    };
    if !allowed {
        Decision::Deny(Denial::Forbidden)
    } else if user.state != AccountState::Verified {
        Decision::Deny(Denial::EmailNotVerified)
    } else {
        Decision::Allow
    }
}

/// Taking part is for those with a confirmed seat; a request is its two sides', and its
/// event's organisers may read it. Nobody else learns who asked whom.
fn decide_meeting(user: &Principal, action: MeetingAction, resource: Resource<'_>) -> Decision {
    let me = user.user_id.as_str();
    let allowed = match (action, resource) {
        (MeetingAction::TakePart, Resource::Event { registrant, .. }) => registrant == Some(me),
        (MeetingAction::Read, Resource::Meeting { organisers, requester, recipient }) => {
            requester == me
                || recipient == me
                || user.role == Role::Admin
                || user.organisations.iter().any(|o| organisers.contains(o))
        }
        (MeetingAction::Answer, Resource::Meeting { recipient, .. }) => recipient == me,
        (MeetingAction::CallOff, Resource::Meeting { requester, recipient, .. }) => requester == me || recipient == me,
        _ => false,
    };
    if !allowed {
        Decision::Deny(Denial::Forbidden)
    } else if user.state != AccountState::Verified {
        Decision::Deny(Denial::EmailNotVerified)
    } else {
        Decision::Allow
    }
}

/// Members of the owning organisation write; partners and admins moderate; admins may do
/// anything a kind allows.
fn decide_content(user: &Principal, action: ContentAction, kind: &Kind, owner: &str) -> Decision {
    let allowed_for_kind = match kind.authoring {
        Authoring::Imported => false,
        Authoring::Profile => matches!(action, ContentAction::Edit | ContentAction::ReadUnpublished),
        Authoring::Members { .. } | Authoring::Partners => true,
    };
    if !allowed_for_kind {
        return Decision::Deny(Denial::Forbidden);
    }
    let admin = user.role == Role::Admin;
    let moderator = admin || user.role == Role::Partner;
    // A partners' kind is written by the owner's staff who hold the partner role.
    let member = user.organisations.iter().any(|o| o == owner) && (moderator || kind.authoring != Authoring::Partners);
    let writes = action != ContentAction::ReadUnpublished;
    // Members proved their address when they claimed; one whose address changed since
    // confirms it again before writing.
    if writes && kind.is_written() && user.state != AccountState::Verified {
        return Decision::Deny(Denial::EmailNotVerified);
    }
    let allowed = match action {
        ContentAction::Create | ContentAction::Edit | ContentAction::Delete => member || admin,
        ContentAction::Publish => moderator || (member && !kind.needs_review()),
        ContentAction::Moderate => moderator,
        ContentAction::Archive | ContentAction::ReadUnpublished => member || moderator,
    };
    if allowed {
        Decision::Allow
    } else {
        Decision::Deny(Denial::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::ORGANISATION;

    const EDIT: Action = Action::Content(ContentAction::Edit);

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
        let org = Resource::Content { kind: &ORGANISATION, owner: "o1" };
        let own = principal(Role::Member, &["o1"], Credential::Session);
        let other = principal(Role::Member, &["o2"], Credential::Session);
        let partner = principal(Role::Partner, &[], Credential::Session);
        let admin = principal(Role::Admin, &[], Credential::Session);
        assert!(decide(&own, EDIT, org).is_allowed());
        assert!(!decide(&other, EDIT, org).is_allowed());
        assert!(!decide(&partner, EDIT, org).is_allowed());
        assert!(decide(&admin, EDIT, org).is_allowed());
        assert!(!decide(&own, EDIT, Resource::Hub).is_allowed());
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
    fn partners_kinds_are_written_by_the_owners_partner_staff_and_moderated_by_partners() {
        let call = Resource::Content { kind: &crate::content::FUNDER_CALL, owner: "o1" };
        let staff = principal(Role::Partner, &["o1"], Credential::Session);
        let member = principal(Role::Member, &["o1"], Credential::Session);
        let other_partner = principal(Role::Partner, &["o2"], Credential::Session);
        let admin = principal(Role::Admin, &[], Credential::Session);
        for action in [ContentAction::Create, ContentAction::Edit, ContentAction::Delete, ContentAction::Publish] {
            let action = Action::Content(action);
            assert!(decide(&staff, action, call).is_allowed(), "{action:?}");
            assert!(decide(&admin, action, call).is_allowed(), "{action:?}");
            assert!(!decide(&member, action, call).is_allowed(), "{action:?}");
        }
        for action in [ContentAction::Create, ContentAction::Edit, ContentAction::Delete] {
            assert!(!decide(&other_partner, Action::Content(action), call).is_allowed(), "{action:?}");
        }
        for action in [ContentAction::Publish, ContentAction::Moderate, ContentAction::Archive] {
            assert!(decide(&other_partner, Action::Content(action), call).is_allowed(), "{action:?}");
        }
        assert!(!decide(&member, Action::Content(ContentAction::ReadUnpublished), call).is_allowed());
    }

    #[test]
    fn tokens_are_limited_to_their_scopes_and_the_api() {
        let org = Resource::Content { kind: &ORGANISATION, owner: "o1" };
        let read = principal(Role::Admin, &["o1"], Credential::Token(vec![TokenScope::Read]));
        let write = principal(Role::Member, &["o1"], Credential::Token(vec![TokenScope::Write]));
        assert!(decide(&read, Action::ReadPublic, Resource::Hub).is_allowed());
        assert_eq!(decide(&read, EDIT, org), Decision::Deny(Denial::ScopeMissing));
        assert_eq!(decide(&read, Action::Administer, Resource::Hub), Decision::Deny(Denial::Forbidden));
        assert!(decide(&write, EDIT, org).is_allowed());
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
        let org = Resource::Content { kind: &ORGANISATION, owner: "o1" };
        let write = Credential::Token(vec![TokenScope::Read, TokenScope::Write]);
        let actor = in_state(principal(Role::Admin, &["o1"], write), AccountState::Unverified);
        for action in [Action::UseApiToken, Action::ReadPublic, Action::ReadOwnAccount, EDIT] {
            assert_eq!(decide(&actor, action, org), Decision::Deny(Denial::EmailNotVerified), "{action:?}");
        }
        let verified = in_state(actor, AccountState::Verified);
        assert!(decide(&verified, Action::UseApiToken, Resource::Hub).is_allowed());
        assert!(decide(&verified, EDIT, org).is_allowed());
    }

    #[test]
    fn disabled_accounts_act_as_visitors_at_most() {
        let org = Resource::Content { kind: &ORGANISATION, owner: "o1" };
        let session = in_state(principal(Role::Admin, &["o1"], Credential::Session), AccountState::Disabled);
        assert!(decide(&session, Action::ReadPublic, Resource::Hub).is_allowed());
        assert!(decide(&session, Action::UseSignInPages, Resource::Hub).is_allowed());
        for action in [
            Action::SignIn,
            Action::ReadOwnAccount,
            Action::ManageOwnAccount,
            Action::CreateApiToken,
            Action::ClaimOrganisation,
            EDIT,
            Action::ReadPartnerContent,
            Action::Administer,
        ] {
            assert_eq!(decide(&session, action, org), Decision::Deny(Denial::AccountDisabled), "{action:?}");
        }
        let token = Credential::Token(vec![TokenScope::Read, TokenScope::Write]);
        let token = in_state(principal(Role::Admin, &["o1"], token), AccountState::Disabled);
        for action in [Action::UseApiToken, Action::ReadPublic, EDIT] {
            assert_eq!(decide(&token, action, org), Decision::Deny(Denial::AccountDisabled), "{action:?}");
        }
    }
}

#[cfg(test)]
mod lead_tests_support {
    use super::*;

    pub(super) fn actor(role: Role, organisations: &[&str], state: AccountState) -> Actor {
        Actor::user(Principal {
            user_id: "u".into(),
            role,
            state,
            organisations: organisations.iter().map(|o| (*o).to_owned()).collect(),
            via: Credential::Session,
        })
    }
}

#[cfg(test)]
mod lead_tests {
    use super::lead_tests_support::actor;
    use super::*;

    #[test]
    fn a_lead_exists_only_for_the_partners_it_is_shared_with_and_its_contact() {
        let shared = ["p1".to_owned()];
        let lead = |contact| Resource::Lead { shared_with: &shared, contact };
        let verified = AccountState::Verified;
        let read = Action::Lead(LeadAction::Read);
        let work = Action::Lead(LeadAction::Work);
        let staff = actor(Role::Partner, &["p1"], verified);
        assert!(decide(&staff, read, lead(None)).is_allowed());
        assert!(decide(&staff, work, lead(None)).is_allowed());
        for outsider in [
            actor(Role::Partner, &["p2"], verified),
            actor(Role::Admin, &[], verified),
            actor(Role::Member, &["p1"], verified),
        ] {
            assert_eq!(decide(&outsider, read, lead(None)), Decision::Deny(Denial::Forbidden), "{outsider:?}");
        }
        let contact = actor(Role::Partner, &[], verified);
        assert!(decide(&contact, work, lead(Some("u"))).is_allowed());
        assert!(!decide(&contact, Action::Lead(LeadAction::Create), lead(Some("u"))).is_allowed());
        let demoted = actor(Role::Member, &[], verified);
        assert!(!decide(&demoted, read, lead(Some("u"))).is_allowed(), "a contact without a partner's role");
        let unverified = actor(Role::Partner, &["p1"], AccountState::Unverified);
        assert!(decide(&unverified, read, lead(None)).is_allowed());
        assert_eq!(decide(&unverified, work, lead(None)), Decision::Deny(Denial::EmailNotVerified));
        assert_eq!(decide(&Actor::visitor(), read, lead(None)), Decision::Deny(Denial::SignInRequired));
        assert!(!decide(&staff, read, Resource::Hub).is_allowed());
    }

    #[test]
    fn the_pipeline_is_for_partners_and_admins() {
        let verified = AccountState::Verified;
        assert!(decide(&actor(Role::Partner, &[], verified), Action::WorkOnLeads, Resource::Hub).is_allowed());
        assert!(decide(&actor(Role::Admin, &[], verified), Action::WorkOnLeads, Resource::Hub).is_allowed());
        assert!(!decide(&actor(Role::Member, &["p1"], verified), Action::WorkOnLeads, Resource::Hub).is_allowed());
    }
}

#[cfg(test)]
mod consortium_tests {
    use super::lead_tests_support::actor;
    use super::*;

    #[test]
    fn a_workspace_exists_for_its_members_and_invitations_for_the_invited() {
        let (members, invited) = (["m1".to_owned(), "m2".to_owned()], ["i1".to_owned()]);
        let workspace = Resource::Consortium { manager: "m1", members: &members, invited: &invited };
        let verified = AccountState::Verified;
        let ask = |who: &Actor, action| decide(who, Action::Consortium(action), workspace);
        let manager = actor(Role::Member, &["m1"], verified);
        let member = actor(Role::Member, &["m2"], verified);
        let invitee = actor(Role::Member, &["i1"], verified);
        for action in [ConsortiumAction::Read, ConsortiumAction::Contribute, ConsortiumAction::Manage] {
            assert!(ask(&manager, action).is_allowed(), "{action:?}");
        }
        assert!(ask(&member, ConsortiumAction::Read).is_allowed());
        assert!(ask(&member, ConsortiumAction::Contribute).is_allowed());
        assert_eq!(ask(&member, ConsortiumAction::Manage), Decision::Deny(Denial::Forbidden));
        assert!(ask(&invitee, ConsortiumAction::Answer).is_allowed());
        assert_eq!(ask(&invitee, ConsortiumAction::Read), Decision::Deny(Denial::Forbidden));
        for outsider in [actor(Role::Admin, &[], verified), actor(Role::Partner, &["p1"], verified)] {
            for action in [ConsortiumAction::Read, ConsortiumAction::Manage, ConsortiumAction::Answer] {
                assert_eq!(ask(&outsider, action), Decision::Deny(Denial::Forbidden), "{outsider:?} {action:?}");
            }
        }
        let unverified = actor(Role::Member, &["m1"], AccountState::Unverified);
        assert!(ask(&unverified, ConsortiumAction::Read).is_allowed());
        assert_eq!(ask(&unverified, ConsortiumAction::Manage), Decision::Deny(Denial::EmailNotVerified));
        assert_eq!(ask(&Actor::visitor(), ConsortiumAction::Read), Decision::Deny(Denial::SignInRequired));
    }

    #[test]
    fn an_introduction_exists_for_its_two_sides_and_its_broker() {
        use crate::introduction::Side;
        let verified = AccountState::Verified;
        let intro = Resource::Introduction { from: "a", to: "b", broker: Some("u") };
        let direct = Resource::Introduction { from: "a", to: "b", broker: None };
        let ask = |who: &Actor, action, on| decide(who, Action::Introduction(action), on);
        let a = actor(Role::Member, &["a"], verified);
        let b = actor(Role::Member, &["b"], verified);
        assert!(ask(&a, IntroductionAction::Read, direct).is_allowed());
        assert!(ask(&b, IntroductionAction::Answer(Side::To), direct).is_allowed());
        assert_eq!(ask(&a, IntroductionAction::Answer(Side::To), direct), Decision::Deny(Denial::Forbidden));
        assert!(ask(&a, IntroductionAction::ReportOutcome(Side::From), direct).is_allowed());
        let broker = actor(Role::Partner, &[], verified);
        assert!(ask(&broker, IntroductionAction::Read, intro).is_allowed(), "the broker follows it");
        assert_eq!(ask(&broker, IntroductionAction::Read, direct), Decision::Deny(Denial::Forbidden));
        assert_eq!(ask(&broker, IntroductionAction::Answer(Side::From), intro), Decision::Deny(Denial::Forbidden));
        for outsider in [actor(Role::Admin, &[], verified), actor(Role::Member, &["c"], verified)] {
            assert_eq!(ask(&outsider, IntroductionAction::Read, direct), Decision::Deny(Denial::Forbidden));
        }
        let unverified = actor(Role::Member, &["b"], AccountState::Unverified);
        assert!(ask(&unverified, IntroductionAction::Read, direct).is_allowed());
        assert_eq!(
            ask(&unverified, IntroductionAction::Answer(Side::To), direct),
            Decision::Deny(Denial::EmailNotVerified)
        );
        assert!(decide(&a, Action::RequestIntroduction, Resource::Organisation { id: "a" }).is_allowed());
        assert!(!decide(&a, Action::RequestIntroduction, Resource::Organisation { id: "b" }).is_allowed());
        assert!(decide(&broker, Action::BrokerIntroductions, Resource::Hub).is_allowed());
        assert!(!decide(&a, Action::BrokerIntroductions, Resource::Hub).is_allowed());
    }

    #[test]
    fn confirmed_accounts_see_who_owns_members_only_items() {
        let hub = Resource::Hub;
        assert!(decide(&actor(Role::Member, &[], AccountState::Verified), Action::ReadMembersOnly, hub).is_allowed());
        assert_eq!(
            decide(&actor(Role::Member, &[], AccountState::Unverified), Action::ReadMembersOnly, hub),
            Decision::Deny(Denial::EmailNotVerified)
        );
        assert_eq!(decide(&Actor::visitor(), Action::ReadMembersOnly, hub), Decision::Deny(Denial::SignInRequired));
    }

    #[test]
    fn members_open_workspaces_for_their_organisations_and_partners_set_the_rules() {
        let verified = AccountState::Verified;
        let own = Resource::Organisation { id: "m1" };
        let other = Resource::Organisation { id: "m2" };
        let member = actor(Role::Member, &["m1"], verified);
        assert!(decide(&member, Action::OpenConsortium, own).is_allowed());
        assert!(!decide(&member, Action::OpenConsortium, other).is_allowed());
        let unverified = actor(Role::Member, &["m1"], AccountState::Unverified);
        assert_eq!(decide(&unverified, Action::OpenConsortium, own), Decision::Deny(Denial::EmailNotVerified));
        assert!(!decide(&member, Action::SetEligibilityRules, Resource::Hub).is_allowed());
        assert!(decide(&actor(Role::Partner, &[], verified), Action::SetEligibilityRules, Resource::Hub).is_allowed());
        assert!(decide(&actor(Role::Admin, &[], verified), Action::SetEligibilityRules, Resource::Hub).is_allowed());
    }

    #[test]
    fn registrations_are_their_registrants_and_their_organisers() {
        let verified = AccountState::Verified;
        let organisers = ["org-a".to_owned(), "org-b".to_owned()];
        let event = |registrant| Resource::Event { organisers: &organisers, registrant };
        let register = Action::Registration(RegistrationAction::Register);
        let own = Action::Registration(RegistrationAction::Own);
        let organise = Action::Registration(RegistrationAction::Organise);
        let anyone = actor(Role::Member, &[], verified);
        assert!(decide(&anyone, register, event(None)).is_allowed());
        assert_eq!(
            decide(&actor(Role::Member, &[], AccountState::Unverified), register, event(None)),
            Decision::Deny(Denial::EmailNotVerified)
        );
        assert_eq!(decide(&Actor::visitor(), register, event(None)), Decision::Deny(Denial::SignInRequired));
        // "u" is the test actors' user id.
        assert!(decide(&anyone, own, event(Some("u"))).is_allowed());
        assert!(!decide(&anyone, own, event(Some("someone-else"))).is_allowed());
        assert!(!decide(&anyone, organise, event(None)).is_allowed());
        assert!(decide(&actor(Role::Member, &["org-b"], verified), organise, event(None)).is_allowed());
        assert!(!decide(&actor(Role::Partner, &["org-c"], verified), organise, event(None)).is_allowed());
        assert!(decide(&actor(Role::Admin, &[], verified), organise, event(None)).is_allowed());
    }

    #[test]
    fn the_talent_pool_is_for_members_of_organisations_that_recruit() {
        let verified = AccountState::Verified;
        let recruiters = ["org-a".to_owned()];
        let pool = Resource::Recruiters { organisations: &recruiters };
        let read = Action::ReadTalentPool;
        assert!(decide(&actor(Role::Member, &["org-a"], verified), read, pool).is_allowed());
        assert!(!decide(&actor(Role::Member, &["org-b"], verified), read, pool).is_allowed());
        assert!(!decide(&actor(Role::Admin, &[], verified), read, pool).is_allowed(), "admins only as recruiters");
        assert_eq!(
            decide(&actor(Role::Member, &["org-a"], AccountState::Unverified), read, pool),
            Decision::Deny(Denial::EmailNotVerified)
        );
        assert_eq!(decide(&Actor::visitor(), read, pool), Decision::Deny(Denial::SignInRequired));
        assert!(decide(&actor(Role::Member, &[], verified), Action::KeepTalentProfile, Resource::Hub).is_allowed());
    }

    #[test]
    fn meetings_are_for_participants_and_their_two_sides() {
        let verified = AccountState::Verified;
        let organisers = ["org-a".to_owned()];
        let take_part = Action::Meeting(MeetingAction::TakePart);
        let seated = Resource::Event { organisers: &organisers, registrant: Some("u") };
        let anyone = actor(Role::Member, &[], verified);
        assert!(decide(&anyone, take_part, seated).is_allowed());
        let unseated = Resource::Event { organisers: &organisers, registrant: None };
        assert!(!decide(&anyone, take_part, unseated).is_allowed(), "no confirmed seat");
        assert!(!decide(&actor(Role::Admin, &[], verified), take_part, unseated).is_allowed(), "admins do not meet");
        let asked = Resource::Meeting { organisers: &organisers, requester: "other", recipient: "u" };
        let asking = Resource::Meeting { organisers: &organisers, requester: "u", recipient: "other" };
        let theirs = Resource::Meeting { organisers: &organisers, requester: "x", recipient: "y" };
        let [read, answer, call_off] =
            [MeetingAction::Read, MeetingAction::Answer, MeetingAction::CallOff].map(Action::Meeting);
        assert!(decide(&anyone, answer, asked).is_allowed());
        assert!(!decide(&anyone, answer, asking).is_allowed(), "the one who asked does not answer");
        assert!(decide(&anyone, call_off, asking).is_allowed() && decide(&anyone, call_off, asked).is_allowed());
        assert!(!decide(&anyone, read, theirs).is_allowed());
        assert!(decide(&actor(Role::Member, &["org-a"], verified), read, theirs).is_allowed(), "organisers read");
        assert!(!decide(&actor(Role::Member, &["org-a"], verified), answer, theirs).is_allowed());
        assert_eq!(
            decide(&actor(Role::Member, &[], AccountState::Unverified), answer, asked),
            Decision::Deny(Denial::EmailNotVerified)
        );
        assert_eq!(decide(&Actor::visitor(), read, asked), Decision::Deny(Denial::SignInRequired));
    }

    #[test]
    fn partners_staff_manage_their_organisations_calendar_feeds() {
        let verified = AccountState::Verified;
        let own = Resource::Organisation { id: "p1" };
        let feeds = Action::ManageEventFeeds;
        assert!(decide(&actor(Role::Partner, &["p1"], verified), feeds, own).is_allowed());
        assert!(!decide(&actor(Role::Partner, &["p2"], verified), feeds, own).is_allowed());
        assert!(!decide(&actor(Role::Member, &["p1"], verified), feeds, own).is_allowed(), "members do not");
        assert!(decide(&actor(Role::Admin, &[], verified), feeds, own).is_allowed());
        assert_eq!(
            decide(&actor(Role::Partner, &["p1"], AccountState::Unverified), feeds, own),
            Decision::Deny(Denial::EmailNotVerified)
        );
    }
}

#[cfg(test)]
mod content_tests {
    use super::*;
    use crate::content::test_kinds::REVIEWED;
    use crate::content::{Kind, CALL, NEWS, ORGANISATION};

    fn actor(role: Role, organisations: &[&str]) -> Actor {
        Actor::user(Principal {
            user_id: "u".into(),
            role,
            state: AccountState::Verified,
            organisations: organisations.iter().map(|o| (*o).to_owned()).collect(),
            via: Credential::Session,
        })
    }

    fn allowed(actor: &Actor, action: ContentAction, kind: &Kind) -> bool {
        decide(actor, Action::Content(action), Resource::Content { kind, owner: "o1" }).is_allowed()
    }

    #[test]
    fn members_write_and_publish_their_organisations_items() {
        let own = actor(Role::Member, &["o1"]);
        let other = actor(Role::Member, &["o2"]);
        for action in [ContentAction::Create, ContentAction::Edit, ContentAction::Publish, ContentAction::Archive] {
            assert!(allowed(&own, action, &NEWS), "{action:?}");
            assert!(!allowed(&other, action, &NEWS), "{action:?}");
        }
        assert!(!allowed(&own, ContentAction::Moderate, &NEWS));
        assert!(!allowed(&own, ContentAction::Publish, &REVIEWED), "needs a moderator");
        assert!(!decide(&own, Action::Content(ContentAction::Edit), Resource::Hub).is_allowed());
    }

    #[test]
    fn partners_moderate_but_do_not_write_for_others() {
        let partner = actor(Role::Partner, &[]);
        assert!(allowed(&partner, ContentAction::Moderate, &NEWS));
        assert!(allowed(&partner, ContentAction::Publish, &REVIEWED));
        assert!(allowed(&partner, ContentAction::Archive, &NEWS));
        assert!(allowed(&partner, ContentAction::ReadUnpublished, &NEWS));
        assert!(!allowed(&partner, ContentAction::Edit, &NEWS));
        assert!(!allowed(&partner, ContentAction::Delete, &NEWS));
        let admin = actor(Role::Admin, &[]);
        for action in ContentAction::ALL {
            assert!(allowed(&admin, action, &NEWS), "{action:?}");
        }
    }

    #[test]
    fn kinds_allow_only_what_their_authoring_says() {
        let admin = actor(Role::Admin, &["o1"]);
        for action in ContentAction::ALL {
            assert!(!allowed(&admin, action, &CALL), "calls are imported: {action:?}");
            let profile_action = matches!(action, ContentAction::Edit | ContentAction::ReadUnpublished);
            assert_eq!(allowed(&admin, action, &ORGANISATION), profile_action, "{action:?}");
        }
    }

    #[test]
    fn unverified_members_confirm_their_address_before_writing() {
        let mut member = actor(Role::Member, &["o1"]);
        if let Some(user) = member.user.as_mut() {
            user.state = AccountState::Unverified;
        }
        assert_eq!(
            decide(&member, Action::Content(ContentAction::Create), Resource::Content { kind: &NEWS, owner: "o1" }),
            Decision::Deny(Denial::EmailNotVerified)
        );
        assert!(allowed(&member, ContentAction::ReadUnpublished, &NEWS));
    }
}
