//! An access request, event-sourced as in REMS: every change is an [`Event`] appended to the
//! application's log, and the application is the fold of its events. Who may do what follows
//! from the state and the caller's [`Role`]s in it ([`permitted`]), one table for every
//! command, so that pages, the API and the authorization tests ask the same question.
//! A request that spans several holders keeps, per holder, the Negotiator's progress.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::form::{Answers, FieldProblem};
use super::purpose::Purpose;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    Draft,
    Submitted,
    Returned,
    Approved,
    Rejected,
    Closed,
    Revoked,
}

impl State {
    pub const ALL: [State; 7] = [
        State::Draft,
        State::Submitted,
        State::Returned,
        State::Approved,
        State::Rejected,
        State::Closed,
        State::Revoked,
    ];

    pub fn id(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Returned => "returned",
            State::Approved => "approved",
            State::Rejected => "rejected",
            State::Closed => "closed",
            State::Revoked => "revoked",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.id() == id)
    }

    /// Nothing more happens to it.
    pub fn is_final(self) -> bool {
        matches!(self, State::Rejected | State::Closed | State::Revoked)
    }
}

/// Where one holder is with its part of a request that spans several (BBMRI's Negotiator).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HolderProgress {
    Contacted,
    CheckingAvailability,
    ConditionsStated,
    ConditionsMet,
    MadeAvailable,
    NotAvailable,
}

impl HolderProgress {
    pub const ALL: [HolderProgress; 6] = [
        HolderProgress::Contacted,
        HolderProgress::CheckingAvailability,
        HolderProgress::ConditionsStated,
        HolderProgress::ConditionsMet,
        HolderProgress::MadeAvailable,
        HolderProgress::NotAvailable,
    ];

    pub fn id(self) -> &'static str {
        match self {
            HolderProgress::Contacted => "contacted",
            HolderProgress::CheckingAvailability => "checking-availability",
            HolderProgress::ConditionsStated => "conditions-stated",
            HolderProgress::ConditionsMet => "conditions-met",
            HolderProgress::MadeAvailable => "made-available",
            HolderProgress::NotAvailable => "not-available",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.id() == id)
    }

    /// The holder has said whether the application may go ahead for its part.
    fn is_settled(self) -> bool {
        matches!(self, HolderProgress::ConditionsMet | HolderProgress::MadeAvailable | HolderProgress::NotAvailable)
    }
}

/// A document attached to an application, stored under the hash of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentRef {
    pub hash: String,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
}

/// Everything that can happen to an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", rename_all_fields = "camelCase")]
pub enum Event {
    Created { catalogue_items: Vec<String>, holders: Vec<String> },
    DraftSaved { answers: BTreeMap<String, Answers>, purpose: Purpose },
    MemberInvited { email: String },
    MemberJoined { email: String },
    MemberRemoved { user_id: String },
    LicencesAccepted { licences: Vec<String> },
    AttachmentAdded { attachment: AttachmentRef },
    Submitted,
    Returned { comment: String },
    ReviewRequested { reviewers: Vec<String>, comment: String },
    Reviewed { comment: String },
    DecisionRequested { deciders: Vec<String>, comment: String },
    Decided { approve: bool, comment: String },
    Remarked { comment: String, public: bool },
    HolderProgressed { holder: String, progress: HolderProgress, comment: String },
    Approved { comment: String },
    Rejected { comment: String },
    Closed { comment: String },
    Revoked { comment: String },
}

impl Event {
    pub fn id(&self) -> &'static str {
        match self {
            Event::Created { .. } => "created",
            Event::DraftSaved { .. } => "draft-saved",
            Event::MemberInvited { .. } => "member-invited",
            Event::MemberJoined { .. } => "member-joined",
            Event::MemberRemoved { .. } => "member-removed",
            Event::LicencesAccepted { .. } => "licences-accepted",
            Event::AttachmentAdded { .. } => "attachment-added",
            Event::Submitted => "submitted",
            Event::Returned { .. } => "returned",
            Event::ReviewRequested { .. } => "review-requested",
            Event::Reviewed { .. } => "reviewed",
            Event::DecisionRequested { .. } => "decision-requested",
            Event::Decided { .. } => "decided",
            Event::Remarked { .. } => "remarked",
            Event::HolderProgressed { .. } => "holder-progressed",
            Event::Approved { .. } => "approved",
            Event::Rejected { .. } => "rejected",
            Event::Closed { .. } => "closed",
            Event::Revoked { .. } => "revoked",
        }
    }

    /// What the applicant's side does not see: internal remarks, and the reviews and
    /// decisions the committee gives the handlers.
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            Event::Remarked { public: false, .. }
                | Event::ReviewRequested { .. }
                | Event::Reviewed { .. }
                | Event::DecisionRequested { .. }
                | Event::Decided { .. }
        )
    }

    /// The comment it carries, if any.
    pub fn comment(&self) -> Option<&str> {
        match self {
            Event::Returned { comment }
            | Event::ReviewRequested { comment, .. }
            | Event::Reviewed { comment }
            | Event::DecisionRequested { comment, .. }
            | Event::Decided { comment, .. }
            | Event::Remarked { comment, .. }
            | Event::HolderProgressed { comment, .. }
            | Event::Approved { comment }
            | Event::Rejected { comment }
            | Event::Closed { comment }
            | Event::Revoked { comment } => Some(comment).filter(|c| !c.is_empty()).map(String::as_str),
            _ => None,
        }
    }
}

/// An event as the log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    /// 1 for the first event of an application, one more for each after it.
    pub seq: i64,
    pub actor: String,
    pub at: DateTime<Utc>,
    pub event: Event,
}

/// What someone asks to be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    SaveDraft { answers: BTreeMap<String, Answers>, purpose: Purpose },
    InviteMember { email: String },
    AcceptInvitation,
    RemoveMember { user_id: String },
    AcceptLicences,
    AddAttachment { attachment: AttachmentRef },
    Submit,
    Return { comment: String },
    RequestReview { reviewers: Vec<String>, comment: String },
    Review { comment: String },
    RequestDecision { deciders: Vec<String>, comment: String },
    Decide { approve: bool, comment: String },
    Remark { comment: String, public: bool },
    SetHolderProgress { holder: String, progress: HolderProgress, comment: String },
    Approve { comment: String },
    Reject { comment: String },
    Close { comment: String },
    Revoke { comment: String },
}

/// The commands without their values: what the permission table and the pages list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CommandKind {
    SaveDraft,
    InviteMember,
    AcceptInvitation,
    RemoveMember,
    AcceptLicences,
    AddAttachment,
    Submit,
    Return,
    RequestReview,
    Review,
    RequestDecision,
    Decide,
    Remark,
    SetHolderProgress,
    Approve,
    Reject,
    Close,
    Revoke,
}

impl CommandKind {
    pub const ALL: [CommandKind; 18] = [
        CommandKind::SaveDraft,
        CommandKind::InviteMember,
        CommandKind::AcceptInvitation,
        CommandKind::RemoveMember,
        CommandKind::AcceptLicences,
        CommandKind::AddAttachment,
        CommandKind::Submit,
        CommandKind::Return,
        CommandKind::RequestReview,
        CommandKind::Review,
        CommandKind::RequestDecision,
        CommandKind::Decide,
        CommandKind::Remark,
        CommandKind::SetHolderProgress,
        CommandKind::Approve,
        CommandKind::Reject,
        CommandKind::Close,
        CommandKind::Revoke,
    ];

    /// The command's name in URLs and the API.
    pub fn id(self) -> &'static str {
        match self {
            CommandKind::SaveDraft => "save-draft",
            CommandKind::InviteMember => "invite-member",
            CommandKind::AcceptInvitation => "accept-invitation",
            CommandKind::RemoveMember => "remove-member",
            CommandKind::AcceptLicences => "accept-licences",
            CommandKind::AddAttachment => "add-attachment",
            CommandKind::Submit => "submit",
            CommandKind::Return => "return",
            CommandKind::RequestReview => "request-review",
            CommandKind::Review => "review",
            CommandKind::RequestDecision => "request-decision",
            CommandKind::Decide => "decide",
            CommandKind::Remark => "remark",
            CommandKind::SetHolderProgress => "set-holder-progress",
            CommandKind::Approve => "approve",
            CommandKind::Reject => "reject",
            CommandKind::Close => "close",
            CommandKind::Revoke => "revoke",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.id() == id)
    }
}

impl Command {
    pub fn kind(&self) -> CommandKind {
        match self {
            Command::SaveDraft { .. } => CommandKind::SaveDraft,
            Command::InviteMember { .. } => CommandKind::InviteMember,
            Command::AcceptInvitation => CommandKind::AcceptInvitation,
            Command::RemoveMember { .. } => CommandKind::RemoveMember,
            Command::AcceptLicences => CommandKind::AcceptLicences,
            Command::AddAttachment { .. } => CommandKind::AddAttachment,
            Command::Submit => CommandKind::Submit,
            Command::Return { .. } => CommandKind::Return,
            Command::RequestReview { .. } => CommandKind::RequestReview,
            Command::Review { .. } => CommandKind::Review,
            Command::RequestDecision { .. } => CommandKind::RequestDecision,
            Command::Decide { .. } => CommandKind::Decide,
            Command::Remark { .. } => CommandKind::Remark,
            Command::SetHolderProgress { .. } => CommandKind::SetHolderProgress,
            Command::Approve { .. } => CommandKind::Approve,
            Command::Reject { .. } => CommandKind::Reject,
            Command::Close { .. } => CommandKind::Close,
            Command::Revoke { .. } => CommandKind::Revoke,
        }
    }
}

/// A party to an application. Handlers are the members of a holder's organisation;
/// reviewers and deciders are asked by a handler and keep reading after they answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Applicant,
    Member,
    Invited,
    Handler,
    Reviewer,
    PastReviewer,
    Decider,
    PastDecider,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Applicant,
        Role::Member,
        Role::Invited,
        Role::Handler,
        Role::Reviewer,
        Role::PastReviewer,
        Role::Decider,
        Role::PastDecider,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Role::Applicant => "applicant",
            Role::Member => "member",
            Role::Invited => "invited",
            Role::Handler => "handler",
            Role::Reviewer => "reviewer",
            Role::PastReviewer => "past-reviewer",
            Role::Decider => "decider",
            Role::PastDecider => "past-decider",
        }
    }

    /// Sees everything the holder's side sees: internal remarks, reviews, decisions.
    pub fn is_holder_side(self) -> bool {
        !matches!(self, Role::Applicant | Role::Member | Role::Invited)
    }
}

/// REMS's permission table: what each role may do in each state.
pub fn permitted(state: State, role: Role) -> &'static [CommandKind] {
    use CommandKind as C;
    match (state, role) {
        (State::Draft, Role::Applicant) => {
            &[C::SaveDraft, C::InviteMember, C::RemoveMember, C::AcceptLicences, C::AddAttachment, C::Submit]
        }
        (State::Returned, Role::Applicant) => {
            &[C::SaveDraft, C::InviteMember, C::RemoveMember, C::AcceptLicences, C::AddAttachment, C::Submit, C::Close]
        }
        (State::Draft | State::Returned | State::Submitted | State::Approved, Role::Member) => &[C::AcceptLicences],
        (State::Draft | State::Returned | State::Submitted, Role::Invited) => &[C::AcceptInvitation],
        (State::Draft | State::Returned, Role::Handler) => &[C::Remark],
        (State::Submitted, Role::Applicant) => &[C::AcceptLicences, C::Remark],
        (State::Submitted, Role::Handler) => &[
            C::Remark,
            C::AddAttachment,
            C::RequestReview,
            C::RequestDecision,
            C::SetHolderProgress,
            C::Return,
            C::Approve,
            C::Reject,
        ],
        (State::Submitted, Role::Reviewer) => &[C::Review, C::Remark],
        (State::Submitted, Role::Decider) => &[C::Decide, C::Remark],
        (State::Approved, Role::Applicant) => &[C::AcceptLicences, C::Remark],
        (State::Approved, Role::Handler) => &[C::Remark, C::SetHolderProgress, C::Close, C::Revoke],
        _ => &[],
    }
}

/// Who is acting, as far as the application needs to know: their account, their verified
/// address (for invitations) and the organisations they handle requests for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party<'a> {
    pub user_id: &'a str,
    /// `None` until the address is verified: an invitation is for whoever owns the mailbox.
    pub verified_email: Option<&'a str>,
    pub organisations: &'a [String],
}

/// Why a command was refused; nothing is written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The caller has a role in the application, but not one that may do this in this state.
    #[error("an application that is {} does not allow '{}' for you", .state.id(), .command.id())]
    NotInThisState { state: State, command: CommandKind },
    /// The answers are incomplete or wrong.
    #[error("the application is not complete: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Incomplete(Vec<FieldProblem>),
    #[error("accept the licences before submitting")]
    LicencesNotAccepted,
    #[error("{0} is already part of this application")]
    AlreadyParty(String),
    #[error("{0} is not a member of this application")]
    NotAMember(String),
    #[error("name at least one person")]
    NobodyNamed,
    #[error("{0} is not a holder of this application, or not yours")]
    NotYourHolder(String),
    #[error("every holder has to settle its part before the application is approved")]
    HoldersPending,
    #[error("no holder makes its data available")]
    NothingAvailable,
    #[error("a comment must be at most {max} characters")]
    CommentTooLong { max: usize },
    #[error("a reason is required")]
    ReasonRequired,
}

pub const MAX_COMMENT: usize = 10_000;

/// An application as its events leave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    pub id: String,
    pub applicant: String,
    pub state: State,
    pub created_at: DateTime<Utc>,
    /// When it was first submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    pub catalogue_items: Vec<String>,
    pub holders: Vec<String>,
    pub answers: BTreeMap<String, Answers>,
    pub purpose: Purpose,
    pub members: BTreeSet<String>,
    /// Invited addresses not joined yet.
    pub invitations: BTreeSet<String>,
    /// The licences each party accepted.
    pub accepted_licences: BTreeMap<String, BTreeSet<String>>,
    pub attachments: Vec<AttachmentRef>,
    pub reviewers: BTreeSet<String>,
    pub past_reviewers: BTreeSet<String>,
    pub deciders: BTreeSet<String>,
    pub past_deciders: BTreeSet<String>,
    pub holder_progress: BTreeMap<String, HolderProgress>,
    pub events: Vec<Recorded>,
}

impl Application {
    /// Folds the log; the first event must create the application.
    pub fn replay(id: &str, events: Vec<Recorded>) -> Option<Self> {
        let first = events.first()?;
        let Event::Created { catalogue_items, holders } = &first.event else { return None };
        let mut application = Application {
            id: id.to_owned(),
            applicant: first.actor.clone(),
            state: State::Draft,
            created_at: first.at,
            submitted_at: None,
            catalogue_items: catalogue_items.clone(),
            holders: holders.clone(),
            answers: BTreeMap::new(),
            purpose: Purpose::default(),
            members: BTreeSet::new(),
            invitations: BTreeSet::new(),
            accepted_licences: BTreeMap::new(),
            attachments: Vec::new(),
            reviewers: BTreeSet::new(),
            past_reviewers: BTreeSet::new(),
            deciders: BTreeSet::new(),
            past_deciders: BTreeSet::new(),
            holder_progress: BTreeMap::new(),
            events: Vec::new(),
        };
        for recorded in events {
            application.apply(recorded);
        }
        Some(application)
    }

    /// The sequence number the next event gets.
    pub fn next_seq(&self) -> i64 {
        self.events.last().map_or(1, |e| e.seq + 1)
    }

    fn apply(&mut self, recorded: Recorded) {
        let actor = recorded.actor.clone();
        match &recorded.event {
            Event::Created { .. } => {}
            Event::DraftSaved { answers, purpose } => {
                self.answers = answers.clone();
                self.purpose = purpose.clone();
            }
            Event::MemberInvited { email } => {
                self.invitations.insert(email.clone());
            }
            Event::MemberJoined { email } => {
                // Addresses are one account's whatever the case of their letters.
                self.invitations.retain(|invited| !invited.eq_ignore_ascii_case(email));
                self.members.insert(actor);
            }
            Event::MemberRemoved { user_id } => {
                self.members.remove(user_id);
                self.accepted_licences.remove(user_id);
            }
            Event::LicencesAccepted { licences } => {
                self.accepted_licences.entry(actor).or_default().extend(licences.iter().cloned());
            }
            Event::AttachmentAdded { attachment } => self.attachments.push(attachment.clone()),
            Event::Submitted => {
                self.state = State::Submitted;
                self.submitted_at.get_or_insert(recorded.at);
                for holder in &self.holders {
                    self.holder_progress.entry(holder.clone()).or_insert(HolderProgress::Contacted);
                }
            }
            Event::Returned { .. } => self.state = State::Returned,
            Event::ReviewRequested { reviewers, .. } => self.reviewers.extend(reviewers.iter().cloned()),
            Event::Reviewed { .. } => {
                self.reviewers.remove(&actor);
                self.past_reviewers.insert(actor);
            }
            Event::DecisionRequested { deciders, .. } => self.deciders.extend(deciders.iter().cloned()),
            Event::Decided { .. } => {
                self.deciders.remove(&actor);
                self.past_deciders.insert(actor);
            }
            Event::Remarked { .. } => {}
            Event::HolderProgressed { holder, progress, .. } => {
                self.holder_progress.insert(holder.clone(), *progress);
            }
            Event::Approved { .. } => {
                self.state = State::Approved;
                for progress in self.holder_progress.values_mut() {
                    if *progress != HolderProgress::NotAvailable {
                        *progress = HolderProgress::MadeAvailable;
                    }
                }
            }
            Event::Rejected { .. } => {
                self.state = State::Rejected;
                for progress in self.holder_progress.values_mut() {
                    *progress = HolderProgress::NotAvailable;
                }
            }
            Event::Closed { .. } => self.state = State::Closed,
            Event::Revoked { .. } => self.state = State::Revoked,
        }
        self.events.push(recorded);
    }

    /// The roles `party` has; none means the application is not theirs to see.
    pub fn roles(&self, party: &Party<'_>) -> BTreeSet<Role> {
        let mut roles = BTreeSet::new();
        let user = party.user_id;
        if self.applicant == user {
            roles.insert(Role::Applicant);
        }
        if self.members.contains(user) {
            roles.insert(Role::Member);
        }
        if party.verified_email.is_some_and(|email| self.invitations.iter().any(|i| i.eq_ignore_ascii_case(email))) {
            roles.insert(Role::Invited);
        }
        if self.holders.iter().any(|h| party.organisations.contains(h)) {
            roles.insert(Role::Handler);
        }
        for (set, role) in [
            (&self.reviewers, Role::Reviewer),
            (&self.past_reviewers, Role::PastReviewer),
            (&self.deciders, Role::Decider),
            (&self.past_deciders, Role::PastDecider),
        ] {
            if set.contains(user) {
                roles.insert(role);
            }
        }
        roles
    }

    /// The commands `party` may give now.
    pub fn commands_for(&self, party: &Party<'_>) -> BTreeSet<CommandKind> {
        self.roles(party).into_iter().flat_map(|role| permitted(self.state, role).iter().copied()).collect()
    }

    /// The people on the applicant's side: the applicant and the members who joined.
    pub fn applicants(&self) -> impl Iterator<Item = &String> {
        std::iter::once(&self.applicant).chain(self.members.iter())
    }

    /// Whether `user` accepted every one of `licences`.
    pub fn has_accepted(&self, user: &str, licences: &[String]) -> bool {
        let accepted = self.accepted_licences.get(user);
        licences.iter().all(|l| accepted.is_some_and(|a| a.contains(l)))
    }

    /// Holders whose data this application may use once approved.
    pub fn holders_available(&self) -> Vec<&String> {
        self.holders.iter().filter(|h| self.holder_progress.get(*h) != Some(&HolderProgress::NotAvailable)).collect()
    }
}

/// What the rules need besides the application: the licences and forms of its items.
#[derive(Debug, Clone, Copy)]
pub struct Requirements<'a> {
    pub licences: &'a [String],
    /// Problems in the answers to every item's form.
    pub form_problems: &'a [FieldProblem],
}

/// Decides a command: the events it causes, or why it is refused.
pub fn handle(
    application: &Application,
    party: &Party<'_>,
    command: Command,
    requirements: Requirements<'_>,
) -> Result<Vec<Event>, Refusal> {
    let kind = command.kind();
    if !application.commands_for(party).contains(&kind) {
        return Err(Refusal::NotInThisState { state: application.state, command: kind });
    }
    let comment_checked = |comment: String| {
        if comment.chars().count() > MAX_COMMENT {
            Err(Refusal::CommentTooLong { max: MAX_COMMENT })
        } else {
            Ok(comment.trim().to_owned())
        }
    };
    let event = match command {
        Command::SaveDraft { answers, purpose } => Event::DraftSaved { answers, purpose },
        Command::InviteMember { email } => {
            if application.invitations.iter().any(|i| i.eq_ignore_ascii_case(&email)) {
                return Err(Refusal::AlreadyParty(email));
            }
            Event::MemberInvited { email }
        }
        Command::AcceptInvitation => {
            let email = party.verified_email.unwrap_or_default().to_owned();
            Event::MemberJoined { email }
        }
        Command::RemoveMember { user_id } => {
            if !application.members.contains(&user_id) {
                return Err(Refusal::NotAMember(user_id));
            }
            Event::MemberRemoved { user_id }
        }
        Command::AcceptLicences => Event::LicencesAccepted { licences: requirements.licences.to_vec() },
        Command::AddAttachment { attachment } => Event::AttachmentAdded { attachment },
        Command::Submit => {
            if !requirements.form_problems.is_empty() {
                return Err(Refusal::Incomplete(requirements.form_problems.to_vec()));
            }
            if !application.has_accepted(&application.applicant, requirements.licences) {
                return Err(Refusal::LicencesNotAccepted);
            }
            Event::Submitted
        }
        Command::Return { comment } => Event::Returned { comment: comment_checked(comment)? },
        Command::RequestReview { reviewers, comment } => {
            if reviewers.is_empty() {
                return Err(Refusal::NobodyNamed);
            }
            Event::ReviewRequested { reviewers, comment: comment_checked(comment)? }
        }
        Command::Review { comment } => Event::Reviewed { comment: comment_checked(comment)? },
        Command::RequestDecision { deciders, comment } => {
            if deciders.is_empty() {
                return Err(Refusal::NobodyNamed);
            }
            Event::DecisionRequested { deciders, comment: comment_checked(comment)? }
        }
        Command::Decide { approve, comment } => Event::Decided { approve, comment: comment_checked(comment)? },
        Command::Remark { comment, public } => {
            let comment = comment_checked(comment)?;
            if comment.is_empty() {
                return Err(Refusal::ReasonRequired);
            }
            // The applicant's side has no internal channel.
            let holder_side = application.roles(party).iter().any(|r| r.is_holder_side());
            Event::Remarked { comment, public: public || !holder_side }
        }
        Command::SetHolderProgress { holder, progress, comment } => {
            if !application.holders.contains(&holder) || !party.organisations.contains(&holder) {
                return Err(Refusal::NotYourHolder(holder));
            }
            Event::HolderProgressed { holder, progress, comment: comment_checked(comment)? }
        }
        Command::Approve { comment } => {
            // Across several holders, each says first whether its data can be made available.
            if application.holders.len() > 1 {
                let settled =
                    |h: &String| application.holder_progress.get(h).is_some_and(|p| HolderProgress::is_settled(*p));
                if !application.holders.iter().all(settled) {
                    return Err(Refusal::HoldersPending);
                }
                if application.holders_available().is_empty() {
                    return Err(Refusal::NothingAvailable);
                }
            }
            Event::Approved { comment: comment_checked(comment)? }
        }
        Command::Reject { comment } => Event::Rejected { comment: comment_checked(comment)? },
        Command::Close { comment } => Event::Closed { comment: comment_checked(comment)? },
        Command::Revoke { comment } => {
            let comment = comment_checked(comment)?;
            if comment.is_empty() {
                return Err(Refusal::ReasonRequired);
            }
            Event::Revoked { comment }
        }
    };
    Ok(vec![event])
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    const APPLICANT: &str = "applicant";
    const HANDLER: &str = "handler";

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, 9, 0, 0).single().unwrap_or_default()
    }

    fn created(holders: &[&str]) -> Application {
        let holders: Vec<String> = holders.iter().map(|h| (*h).to_owned()).collect();
        Application::replay(
            "a1",
            vec![Recorded {
                seq: 1,
                actor: APPLICANT.into(),
                at: at(1),
                event: Event::Created { catalogue_items: vec!["item".into()], holders },
            }],
        )
        .unwrap_or_else(|| panic!("a created application"))
    }

    fn party<'a>(user_id: &'a str, organisations: &'a [String]) -> Party<'a> {
        Party { user_id, verified_email: None, organisations }
    }

    /// Runs `command` as `party` and appends what it causes.
    fn run(application: &mut Application, who: &Party<'_>, command: Command) -> Result<(), Refusal> {
        let licences = ["dua".to_owned()];
        let requirements = Requirements { licences: &licences, form_problems: &[] };
        for event in handle(application, who, command, requirements)? {
            let recorded = Recorded { seq: application.next_seq(), actor: who.user_id.into(), at: at(2), event };
            application.apply(recorded);
        }
        Ok(())
    }

    #[test]
    fn the_happy_path_with_a_return() {
        let orgs = ["holder".to_owned()];
        let (applicant, handler) = (party(APPLICANT, &[]), party(HANDLER, &orgs));
        let mut app = created(&["holder"]);
        assert_eq!(run(&mut app, &applicant, Command::Submit), Err(Refusal::LicencesNotAccepted));
        run(&mut app, &applicant, Command::AcceptLicences).unwrap_or_else(|e| panic!("{e}"));
        run(&mut app, &applicant, Command::Submit).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(app.holder_progress.get("holder"), Some(&HolderProgress::Contacted));
        run(&mut app, &handler, Command::Return { comment: "more detail".into() }).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(app.state, State::Returned);
        run(&mut app, &applicant, Command::Submit).unwrap_or_else(|e| panic!("{e}"));
        run(&mut app, &handler, Command::Approve { comment: String::new() }).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(app.state, State::Approved);
        assert_eq!(app.holder_progress.get("holder"), Some(&HolderProgress::MadeAvailable));
        assert_eq!(app.submitted_at, Some(at(2)));
        assert_eq!(app.events.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn states_refuse_what_they_do_not_allow() {
        let orgs = ["holder".to_owned()];
        let (applicant, handler) = (party(APPLICANT, &[]), party(HANDLER, &orgs));
        let mut app = created(&["holder"]);
        assert_eq!(
            run(&mut app, &handler, Command::Approve { comment: String::new() }),
            Err(Refusal::NotInThisState { state: State::Draft, command: CommandKind::Approve })
        );
        assert_eq!(
            run(&mut app, &applicant, Command::Close { comment: String::new() }),
            Err(Refusal::NotInThisState { state: State::Draft, command: CommandKind::Close })
        );
        let stranger = party("stranger", &[]);
        assert!(app.roles(&stranger).is_empty());
        assert!(run(&mut app, &stranger, Command::Submit).is_err());
    }

    #[test]
    fn an_invitation_is_for_the_verified_owner_of_the_address() {
        let mut app = created(&["holder"]);
        let applicant = party(APPLICANT, &[]);
        run(&mut app, &applicant, Command::InviteMember { email: "co@example.org".into() })
            .unwrap_or_else(|e| panic!("{e}"));
        let unverified = Party { user_id: "co", verified_email: None, organisations: &[] };
        assert!(run(&mut app, &unverified, Command::AcceptInvitation).is_err());
        let verified = Party { user_id: "co", verified_email: Some("Co@Example.org"), organisations: &[] };
        run(&mut app, &verified, Command::AcceptInvitation).unwrap_or_else(|e| panic!("{e}"));
        assert!(app.members.contains("co"));
        assert!(app.invitations.is_empty());
        assert_eq!(app.roles(&verified), BTreeSet::from([Role::Member]));
    }

    #[test]
    fn several_holders_settle_their_parts_before_approval() {
        let a = ["a".to_owned()];
        let b = ["b".to_owned()];
        let mut app = created(&["a", "b"]);
        let applicant = party(APPLICANT, &[]);
        run(&mut app, &applicant, Command::AcceptLicences).unwrap_or_else(|e| panic!("{e}"));
        run(&mut app, &applicant, Command::Submit).unwrap_or_else(|e| panic!("{e}"));
        let (handler_a, handler_b) = (party("ha", &a), party("hb", &b));
        assert_eq!(
            run(&mut app, &handler_a, Command::Approve { comment: String::new() }),
            Err(Refusal::HoldersPending)
        );
        let progress = |holder: &str, progress| Command::SetHolderProgress {
            holder: holder.into(),
            progress,
            comment: String::new(),
        };
        assert_eq!(
            run(&mut app, &handler_a, progress("b", HolderProgress::NotAvailable)),
            Err(Refusal::NotYourHolder("b".into()))
        );
        run(&mut app, &handler_a, progress("a", HolderProgress::ConditionsMet)).unwrap_or_else(|e| panic!("{e}"));
        run(&mut app, &handler_b, progress("b", HolderProgress::NotAvailable)).unwrap_or_else(|e| panic!("{e}"));
        run(&mut app, &handler_b, Command::Approve { comment: String::new() }).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(app.holders_available(), vec!["a"]);
        assert_eq!(app.holder_progress.get("a"), Some(&HolderProgress::MadeAvailable));
    }

    #[test]
    fn remarks_from_the_applicant_side_are_always_public() {
        let mut app = created(&["holder"]);
        let applicant = party(APPLICANT, &[]);
        run(&mut app, &applicant, Command::AcceptLicences).unwrap_or_else(|e| panic!("{e}"));
        run(&mut app, &applicant, Command::Submit).unwrap_or_else(|e| panic!("{e}"));
        run(&mut app, &applicant, Command::Remark { comment: "a question".into(), public: false })
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!app.events.last().is_some_and(|e| e.event.is_internal()));
    }

    #[test]
    fn every_command_is_allowed_somewhere_and_final_states_allow_nothing() {
        for command in CommandKind::ALL {
            let somewhere = State::ALL.iter().any(|s| Role::ALL.iter().any(|r| permitted(*s, *r).contains(&command)));
            assert!(somewhere, "{command:?} is never allowed");
        }
        for state in State::ALL.into_iter().filter(|s| s.is_final()) {
            assert!(Role::ALL.iter().all(|r| permitted(state, *r).is_empty()));
        }
    }
}
