//! Every state of an application × every party × every command and read, against the
//! outcome written out here (not derived from the rules under test): allowed, refused for
//! the state (409, nothing written), or not found for those the workflow does not name. Run
//! through the use cases every page and API route calls, on both databases.

use lshub_domain::access::application::{Command, CommandKind, HolderProgress, State};
use lshub_domain::access::catalogue::{CatalogueItem, Licence, Workflow};
use lshub_domain::access::form::{Answer, Answers, Field, FieldKind, Form};
use lshub_domain::access::purpose::Purpose;
use lshub_domain::content::State as ContentState;
use lshub_domain::dataset::{Dataset, DatasetDraft};
use lshub_domain::{Localized, Organisation};
use lshub_service::access::{self as service, Upload};
use lshub_service::{Caller, ServiceError};

use crate::builders::{per_backend_hub, Hub};

per_backend_hub!(every_state_role_and_command_answers_as_the_table_says);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Party {
    Applicant,
    Member,
    Invited,
    Handler,
    Reviewer,
    Decider,
    Stranger,
}

const PARTIES: [Party; 7] =
    [Party::Applicant, Party::Member, Party::Invited, Party::Handler, Party::Reviewer, Party::Decider, Party::Stranger];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Allowed,
    /// The party has a role, but not one that may do this now.
    WrongState,
    /// Not a party: the application does not exist for them.
    NotFound,
}

use CommandKind as C;

/// What each party may do in each state; everything else a party with a role is refused,
/// and whoever has no role finds nothing.
fn allowed(state: State, party: Party) -> &'static [CommandKind] {
    match (state, party) {
        (State::Draft, Party::Applicant) => {
            &[C::SaveDraft, C::InviteMember, C::RemoveMember, C::AcceptLicences, C::AddAttachment, C::Submit]
        }
        (State::Returned, Party::Applicant) => {
            &[C::SaveDraft, C::InviteMember, C::RemoveMember, C::AcceptLicences, C::AddAttachment, C::Submit, C::Close]
        }
        (State::Draft | State::Returned | State::Submitted | State::Approved, Party::Member) => &[C::AcceptLicences],
        (State::Draft | State::Returned | State::Submitted, Party::Invited) => &[C::AcceptInvitation],
        (State::Draft | State::Returned, Party::Handler) => &[C::Remark],
        (State::Submitted, Party::Applicant) | (State::Approved, Party::Applicant) => &[C::AcceptLicences, C::Remark],
        (State::Submitted, Party::Handler) => &[
            C::Remark,
            C::AddAttachment,
            C::RequestReview,
            C::RequestDecision,
            C::SetHolderProgress,
            C::Return,
            C::Approve,
            C::Reject,
        ],
        (State::Submitted, Party::Reviewer) => &[C::Review, C::Remark],
        (State::Submitted, Party::Decider) => &[C::Decide, C::Remark],
        (State::Approved, Party::Handler) => &[C::Remark, C::SetHolderProgress, C::Close, C::Revoke],
        _ => &[],
    }
}

/// Whether the party has any role in an application in `state` (reviewers and deciders are
/// asked once it is submitted; an invitation is accepted or left open).
fn has_role(state: State, party: Party) -> bool {
    match party {
        Party::Stranger => false,
        Party::Reviewer | Party::Decider => state != State::Draft,
        _ => true,
    }
}

fn expected(state: State, party: Party, command: Option<CommandKind>) -> Outcome {
    if !has_role(state, party) {
        return Outcome::NotFound;
    }
    match command {
        None => Outcome::Allowed,
        Some(command) if allowed(state, party).contains(&command) => Outcome::Allowed,
        Some(_) => Outcome::WrongState,
    }
}

struct Cast {
    holder: Organisation,
    item_id: String,
    callers: Vec<(Party, Caller)>,
}

impl Cast {
    fn caller(&self, party: Party) -> &Caller {
        &self.callers.iter().find(|(p, _)| *p == party).expect("every party is cast").1
    }

    fn email(&self, party: Party) -> String {
        self.caller(party).user.as_ref().expect("a user").email.clone()
    }
}

fn silent(_: &service::Notice<'_>, _: lshub_domain::Language) -> (String, String) {
    (String::new(), String::new())
}

fn text(en: &str) -> Localized {
    Localized { en: Some(en.into()), nl: None }
}

async fn cast(hub: &Hub) -> Cast {
    let holder = hub.organisation("Matrix Biobank").await;
    let handler = hub.member_of(&holder).await;
    let draft = DatasetDraft {
        title_en: "Matrix cohort".into(),
        description_en: "Blood samples.".into(),
        keywords_en: "blood".into(),
        themes: "HEAL".into(),
        contact_point: "data@matrix.example".into(),
        access_rights: "RESTRICTED".into(),
        duo: "DUO:0000006".into(),
        ..DatasetDraft::default()
    };
    let dataset = hub.item::<Dataset>(&handler, &holder, draft, ContentState::Published, None).await;
    let item = CatalogueItem {
        title: text("Matrix cohort"),
        datasets: vec![dataset.slug.clone()],
        form: Form {
            fields: vec![Field {
                id: "project".into(),
                kind: FieldKind::Text,
                label: text("Project"),
                required: true,
                private: false,
                options: vec![],
                visible_if: None,
            }],
        },
        licences: vec![Licence { id: "dua".into(), title: text("DUA"), url: None }],
        workflow: Workflow::default(),
    };
    let item_id = service::create_catalogue_item(&hub.db, &handler, &holder.slug, item).await.expect("item");
    let callers = vec![
        (Party::Applicant, hub.stranger().await),
        (Party::Member, hub.stranger().await),
        (Party::Invited, hub.stranger().await),
        (Party::Handler, handler),
        (Party::Reviewer, hub.stranger().await),
        (Party::Decider, hub.stranger().await),
        (Party::Stranger, hub.stranger().await),
    ];
    Cast { holder, item_id, callers }
}

/// A command `party` can give that the rules would accept, were it allowed.
fn command_for(cast: &Cast, kind: CommandKind) -> Command {
    let comment = || "Noted.".to_owned();
    match kind {
        C::SaveDraft => Command::SaveDraft { answers: answers(cast), purpose: Purpose::default() },
        C::InviteMember => Command::InviteMember { email: "another@builder.example".into() },
        C::AcceptInvitation => Command::AcceptInvitation,
        C::RemoveMember => {
            Command::RemoveMember { user_id: cast.caller(Party::Member).user.as_ref().expect("user").id.clone() }
        }
        C::AcceptLicences => Command::AcceptLicences,
        C::AddAttachment => unreachable!("attachments are uploaded"),
        C::Submit => Command::Submit,
        C::Return => Command::Return { comment: comment() },
        C::RequestReview => Command::RequestReview { reviewers: vec![cast.email(Party::Reviewer)], comment: comment() },
        C::Review => Command::Review { comment: comment() },
        C::RequestDecision => {
            Command::RequestDecision { deciders: vec![cast.email(Party::Decider)], comment: comment() }
        }
        C::Decide => Command::Decide { approve: true, comment: comment() },
        C::Remark => Command::Remark { comment: comment(), public: true },
        C::SetHolderProgress => Command::SetHolderProgress {
            holder: cast.holder.id.clone(),
            progress: HolderProgress::CheckingAvailability,
            comment: comment(),
        },
        C::Approve => Command::Approve { comment: comment() },
        C::Reject => Command::Reject { comment: comment() },
        C::Close => Command::Close { comment: comment() },
        C::Revoke => Command::Revoke { comment: comment() },
    }
}

fn answers(cast: &Cast) -> std::collections::BTreeMap<String, Answers> {
    let mut answers = Answers::new();
    answers.insert("project".into(), Answer::Text("Matrix study".into()));
    std::iter::once((cast.item_id.clone(), answers)).collect()
}

async fn give(hub: &Hub, cast: &Cast, id: &str, party: Party, kind: CommandKind) -> Result<(), ServiceError> {
    let caller = cast.caller(party);
    let result = if kind == C::AddAttachment {
        let upload = Upload { filename: "plan.pdf".into(), bytes: b"%PDF-1.7 matrix".to_vec() };
        service::attach(&hub.db, caller, id, upload, 1024, &silent).await
    } else {
        service::act(&hub.db, caller, id, command_for(cast, kind), &silent).await
    };
    result.map(|_| ())
}

/// A new application brought into `state`, with a member, an open invitation, and (once
/// submitted) a reviewer and a decider asked.
async fn application_in(hub: &Hub, cast: &Cast, state: State) -> String {
    let id = service::start(&hub.db, cast.caller(Party::Applicant), std::slice::from_ref(&cast.item_id))
        .await
        .expect("started");
    let step = |party: Party, command: Command| {
        let id = id.clone();
        async move { service::act(&hub.db, cast.caller(party), &id, command, &silent).await.expect("a step of the way") }
    };
    step(Party::Applicant, Command::InviteMember { email: cast.email(Party::Member) }).await;
    step(Party::Member, Command::AcceptInvitation).await;
    step(Party::Applicant, Command::InviteMember { email: cast.email(Party::Invited) }).await;
    step(Party::Applicant, Command::AcceptLicences).await;
    step(Party::Applicant, command_for(cast, C::SaveDraft)).await;
    if state == State::Draft {
        return id;
    }
    step(Party::Applicant, Command::Submit).await;
    step(Party::Handler, command_for(cast, C::RequestReview)).await;
    step(Party::Handler, command_for(cast, C::RequestDecision)).await;
    match state {
        State::Submitted => {}
        State::Returned => {
            step(Party::Handler, command_for(cast, C::Return)).await;
        }
        State::Rejected => {
            step(Party::Handler, command_for(cast, C::Reject)).await;
        }
        State::Approved | State::Closed | State::Revoked => {
            step(Party::Handler, command_for(cast, C::Approve)).await;
            if state == State::Closed {
                step(Party::Handler, command_for(cast, C::Close)).await;
            } else if state == State::Revoked {
                step(Party::Handler, command_for(cast, C::Revoke)).await;
            }
        }
        State::Draft => unreachable!(),
    }
    id
}

fn outcome_of(result: &Result<(), ServiceError>) -> Result<Outcome, String> {
    match result {
        Ok(()) => Ok(Outcome::Allowed),
        Err(ServiceError::Refused(lshub_domain::access::application::Refusal::NotInThisState { .. })) => {
            Ok(Outcome::WrongState)
        }
        Err(ServiceError::NotFound("application")) => Ok(Outcome::NotFound),
        Err(other) => Err(format!("{other}")),
    }
}

async fn every_state_role_and_command_answers_as_the_table_says(hub: Hub) {
    let cast = cast(&hub).await;
    let mut cases = 0;
    let mut allowed_cases = 0;
    let mut failures = Vec::new();
    for state in State::ALL {
        // Refusals change nothing, so they are all asked of one application in the state.
        let shared = application_in(&hub, &cast, state).await;
        for party in PARTIES {
            cases += 1;
            let read = service::find(&hub.db, cast.caller(party), &shared).await.map(|_| ());
            let want = expected(state, party, None);
            if outcome_of(&read) != Ok(want) {
                failures.push(format!("{state:?} {party:?} read: {:?}, expected {want:?}", outcome_of(&read)));
            }
            for command in CommandKind::ALL {
                cases += 1;
                let want = expected(state, party, Some(command));
                let id = if want == Outcome::Allowed {
                    allowed_cases += 1;
                    application_in(&hub, &cast, state).await
                } else {
                    shared.clone()
                };
                let log_before = hub.db.application_log(&id).await.expect("log").len();
                let got = outcome_of(&give(&hub, &cast, &id, party, command).await);
                if got != Ok(want) {
                    failures.push(format!("{state:?} {party:?} {command:?}: {got:?}, expected {want:?}"));
                }
                let log_after = hub.db.application_log(&id).await.expect("log").len();
                if want != Outcome::Allowed && log_after != log_before {
                    failures.push(format!("{state:?} {party:?} {command:?} was refused but wrote to the log"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {cases} cases differ:\n{}", failures.len(), failures.join("\n"));
    println!(
        "access matrix: {cases} cases ({allowed_cases} allowed) over {} states × {} parties",
        State::ALL.len(),
        PARTIES.len()
    );
}
