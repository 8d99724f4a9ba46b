//! Every state of an application × every party × every command and read, against the
//! outcome written out here (not derived from the rules under test): allowed, refused for
//! the state (409, nothing written), or not found for those the workflow does not name. Run
//! through the use cases every page and API route calls, on both databases; and attachments,
//! stored once by content and carried by backup and restore; and a request that spans two
//! holders.

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

per_backend_hub!(
    every_state_role_and_command_answers_as_the_table_says,
    attachments_are_stored_once_and_survive_backup_and_restore,
    a_request_to_two_holders_follows_each_holder
);

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

async fn attachments_are_stored_once_and_survive_backup_and_restore(hub: Hub) {
    let cast = cast(&hub).await;
    let bytes = b"%PDF-1.7 the same protocol twice".to_vec();
    let mut hashes = Vec::new();
    for _ in 0..2 {
        let id = application_in(&hub, &cast, State::Draft).await;
        let upload = Upload { filename: "protocol.pdf".into(), bytes: bytes.clone() };
        let view = service::attach(&hub.db, cast.caller(Party::Applicant), &id, upload, 1024, &silent)
            .await
            .expect("attached");
        hashes.push(view.application.attachments[0].hash.clone());
    }
    assert_eq!(hashes[0], hashes[1], "named by content");
    let mut dump = Vec::new();
    let files = tempfile::tempdir().expect("a folder for uploads");
    let uploads = lshub_storage::uploads::Uploads::new(files.path());
    let summary = hub.db.backup(&mut dump, &uploads).await.expect("backup");
    assert_eq!(summary.tables.get("attachments"), Some(&1), "one copy of the bytes");

    let restored = Hub::new(hub.backend).await.expect("a second database");
    restored.db.restore(&mut dump.as_slice(), true, &uploads).await.expect("restore");
    let (content_type, kept) = restored.db.attachment(&hashes[0]).await.expect("read").expect("restored");
    assert_eq!((content_type.as_str(), kept), ("application/pdf", bytes));
}

async fn a_request_to_two_holders_follows_each_holder(hub: Hub) {
    let (first, second) = (cast(&hub).await, cast(&hub).await);
    let applicant = first.caller(Party::Applicant);
    let items = [first.item_id.clone(), second.item_id.clone()];
    let id = service::start(&hub.db, applicant, &items).await.expect("started");
    let hub = &hub;
    let mut answers = answers(&first);
    answers.extend(self::answers(&second));
    let act = |caller: &'static str, party: Party, command: Command| {
        let cast = if caller == "first" { &first } else { &second };
        let id = id.clone();
        async move { service::act(&hub.db, cast.caller(party), &id, command, &silent).await }
    };
    act("first", Party::Applicant, Command::SaveDraft { answers, purpose: Purpose::default() }).await.expect("saved");
    act("first", Party::Applicant, Command::AcceptLicences).await.expect("accepted");
    act("first", Party::Applicant, Command::Submit).await.expect("submitted");
    // Both holders' members handle it; neither can speak for the other, nor approve early.
    let progress = |holder: &Organisation, progress| Command::SetHolderProgress {
        holder: holder.id.clone(),
        progress,
        comment: String::new(),
    };
    let early = act("first", Party::Handler, command_for(&first, C::Approve)).await;
    assert!(matches!(early, Err(ServiceError::Refused(lshub_domain::access::application::Refusal::HoldersPending))));
    let foreign = act("first", Party::Handler, progress(&second.holder, HolderProgress::NotAvailable)).await;
    assert!(foreign.is_err(), "a holder sets only its own progress");
    act("first", Party::Handler, progress(&first.holder, HolderProgress::ConditionsMet)).await.expect("first");
    act("second", Party::Handler, progress(&second.holder, HolderProgress::NotAvailable)).await.expect("second");
    let approved = act("second", Party::Handler, command_for(&second, C::Approve)).await.expect("approved");
    assert_eq!(approved.application.holder_progress.get(&first.holder.id), Some(&HolderProgress::MadeAvailable));
    assert_eq!(approved.application.holder_progress.get(&second.holder.id), Some(&HolderProgress::NotAvailable));
    let entitled: Vec<&str> = approved.entitlements.iter().map(|e| e.catalogue_item.as_str()).collect();
    assert_eq!(entitled, vec![first.item_id.as_str()], "only the data that is made available");
}
