//! Inquiries about spaces. Anyone may ask the operator of a published space (the
//! organisation that lists it). A member's inquiry reaches the operator's members at once; a
//! visitor's once they confirm their address by the link mailed to them, whose key opens the
//! conversation from then on (each later mail brings a new key). The operator's members
//! answer, plan a visit and close it, let or not; each side is mailed what the other did.
//! To anyone else an inquiry does not exist. The public sees only the median time to a first
//! answer per operator.

use chrono::{DateTime, Duration, Utc};
use lshub_domain::authorization::{decide, Action, Decision, Denial, Resource};
use lshub_domain::content::{Item, State};
use lshub_domain::inquiry::{
    check_message, median_minutes, Inquiry, InquiryDraft, InquiryMove, InquiryRefusal, InquiryState, Outcome,
    MAX_PER_ADDRESS_PER_DAY, MEDIAN_DAYS,
};
use lshub_domain::space::Space;
use lshub_domain::{Language, Reason, ValidationError};
use lshub_storage::credentials::{digest, new_secret};
use lshub_storage::inquiries::{InquiryChange, NewInquiry, NewMessage, StoredInquiry};
use lshub_storage::Database;

use crate::clock::Clock;
use crate::{Caller, ServiceError};

/// The facts of a mail about an inquiry.
pub struct Notice<'a> {
    /// `confirm` (to a visitor, to confirm), `new` (to the operator), `answered` (to the
    /// inquirer), `message` (to the operator), `visit` or `closed` (to the inquirer).
    pub event: &'static str,
    pub inquiry_id: &'a str,
    /// The key a visitor's link carries.
    pub key: Option<&'a str>,
    pub space_title: &'a str,
    pub operator: &'a str,
    pub inquirer: &'a str,
    /// The message the mail is about, if any.
    pub body: &'a str,
    pub visit_at: Option<DateTime<Utc>>,
    pub outcome: Option<Outcome>,
}

/// Words a notice in a language: (subject, body).
pub type Compose<'a> = &'a (dyn Fn(&Notice<'_>, Language) -> (String, String) + Sync);

/// Who is looking at an inquiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// A member of the operator.
    Operator,
    /// Whoever asked: the member signed in, or the visitor with a key.
    Inquirer,
}

/// A new inquiry: its id, and whether the operator sees it already (else a mail asks its
/// sender to confirm).
#[derive(Debug, Clone)]
pub struct Asked {
    pub id: String,
    pub confirmed: bool,
}

/// A published space, which is what can be asked about.
async fn listed_space(db: &Database, slug: &str) -> Result<Item<Space>, ServiceError> {
    match db.item::<Space>(slug).await? {
        Some(item) if item.state == State::Published => Ok(item),
        _ => Err(ServiceError::NotFound("space")),
    }
}

fn space_title(item: &Item<Space>) -> &str {
    item.record.title.en.as_deref().or(item.record.title.nl.as_deref()).unwrap_or(&item.slug)
}

/// The mails to the operator's members (but `except`) about `notice`.
async fn to_operator(
    db: &Database,
    inquiry_operator: &str,
    except: &str,
    notice: &Notice<'_>,
    compose: Compose<'_>,
) -> Result<Vec<(String, String, String)>, ServiceError> {
    crate::letters_to_members(db, inquiry_operator, except, |language| compose(notice, language)).await
}

/// Asks the operator of the space `slug` about it, in `language` (which the inquirer's mails
/// are worded in). A member's name and address come from their account.
pub async fn ask(
    db: &Database,
    clock: &Clock,
    caller: &Caller,
    slug: &str,
    draft: InquiryDraft,
    language: Language,
    compose: Compose<'_>,
) -> Result<Asked, ServiceError> {
    caller.require(Action::AskAboutSpace, Resource::Hub)?;
    let item = listed_space(db, slug).await?;
    let inquiry = match &caller.user {
        Some(user) => {
            let message = draft.message.trim().to_owned();
            check_message(&message)?;
            if !draft.website.trim().is_empty() {
                return Err(ValidationError::new("website", Reason::MustBeEmpty).into());
            }
            let email = lshub_domain::account::Email::parse(&user.email)?;
            Inquiry { name: user.display_name.clone(), email, message }
        }
        None => Inquiry::validate(draft).map_err(ServiceError::Invalid)?,
    };
    let id = uuid::Uuid::now_v7().to_string();
    let member = caller.user.as_ref().map(|u| u.id.as_str());
    let key = if member.is_none() { Some(new_secret()?) } else { None };
    let notice = Notice {
        event: if member.is_some() { "new" } else { "confirm" },
        inquiry_id: &id,
        key: key.as_deref(),
        space_title: space_title(&item),
        operator: &item.owner.name,
        inquirer: &inquiry.name,
        body: &inquiry.message,
        visit_at: None,
        outcome: None,
    };
    let letters = match member {
        Some(user_id) => to_operator(db, &item.owner.id, user_id, &notice, compose).await?,
        None => {
            let (subject, body) = compose(&notice, language);
            vec![(inquiry.email.as_str().to_owned(), subject, body)]
        }
    };
    let detail = format!("an inquiry about \"{}\" to {}", item.slug, item.owner.slug);
    let new = NewInquiry {
        id: &id,
        space_id: &item.id,
        operator_id: &item.owner.id,
        user_id: member,
        name: &inquiry.name,
        email: inquiry.email.as_str(),
        language,
        message: &inquiry.message,
        confirmed: member.is_some(),
        key_hash: key.as_deref().map(digest),
        daily_limit: MAX_PER_ADDRESS_PER_DAY,
        now: clock.now(),
        mails: &crate::as_mails(&letters),
        audit: caller.event("inquiry.asked", &item.slug, detail),
    };
    if !db.create_inquiry(new).await? {
        return Err(ValidationError::new("email", Reason::TooManyToday { max: MAX_PER_ADDRESS_PER_DAY }).into());
    }
    Ok(Asked { id, confirmed: member.is_some() })
}

/// What does not depend on an inquiry, asked before anything is read of one by those who
/// answer them: no account, a disabled one, a token without the scope.
pub fn gate(caller: &Caller) -> Result<(), ServiceError> {
    match decide(&caller.actor, Action::AnswerInquiries, Resource::Organisation { id: "" }) {
        Decision::Deny(denial) if denial != Denial::Forbidden => Err(ServiceError::Denied(denial)),
        _ => Ok(()),
    }
}

/// The inquiry `id` and who the caller is in it: a member of the operator (who sees it once
/// confirmed), its member inquirer, or whoever holds one of its keys.
pub async fn open(
    db: &Database,
    caller: &Caller,
    id: &str,
    key: Option<&str>,
) -> Result<(StoredInquiry, Party), ServiceError> {
    let inquiry = db.inquiry(id).await?.ok_or(ServiceError::NotFound("inquiry"))?;
    let keyed = match key.filter(|k| !k.is_empty()) {
        Some(key) => db.inquiry_by_key(&digest(key)).await?.as_deref() == Some(id),
        None => false,
    };
    let own = caller.user.as_ref().is_some_and(|u| inquiry.user_id.as_deref() == Some(u.id.as_str()));
    let operates = inquiry.confirmed_at.is_some()
        && caller.may(Action::AnswerInquiries, Resource::Organisation { id: &inquiry.operator_id });
    match (operates, own || keyed) {
        (true, _) => Ok((inquiry, Party::Operator)),
        (false, true) => Ok((inquiry, Party::Inquirer)),
        (false, false) => Err(ServiceError::NotFound("inquiry")),
    }
}

/// A mail: (address, subject, body).
type Letter = (String, String, String);

/// The mail to the inquirer about `notice`, with a new key for a visitor (returned as its
/// digest, to be kept with the change).
fn to_inquirer(
    inquiry: &StoredInquiry,
    notice: Notice<'_>,
    compose: Compose<'_>,
) -> Result<(Letter, Option<String>), ServiceError> {
    let key = if inquiry.user_id.is_none() { Some(new_secret()?) } else { None };
    let (subject, body) = compose(&Notice { key: key.as_deref(), ..notice }, inquiry.language);
    Ok(((inquiry.email.clone(), subject, body), key.as_deref().map(digest)))
}

fn notice<'a>(inquiry: &'a StoredInquiry, event: &'static str, body: &'a str) -> Notice<'a> {
    Notice {
        event,
        inquiry_id: &inquiry.id,
        key: None,
        space_title: &inquiry.space_title,
        operator: &inquiry.operator_name,
        inquirer: &inquiry.name,
        body,
        visit_at: inquiry.visit_at,
        outcome: inquiry.outcome,
    }
}

/// The visitor confirms their address with the key mailed to them; the operator is told.
pub async fn confirm(
    db: &Database,
    clock: &Clock,
    caller: &Caller,
    id: &str,
    key: &str,
    compose: Compose<'_>,
) -> Result<StoredInquiry, ServiceError> {
    let (inquiry, _) = open(db, caller, id, Some(key)).await?;
    if inquiry.confirmed_at.is_none() {
        let first = inquiry.messages.first().map_or("", |m| m.body.as_str());
        let letters = to_operator(db, &inquiry.operator_id, "", &notice(&inquiry, "new", first), compose).await?;
        let detail = format!("the inquiry {id} to {} confirmed", inquiry.operator_slug);
        let audit = caller.event("inquiry.confirmed", &inquiry.space_slug, detail);
        db.confirm_inquiry(id, clock.now(), &crate::as_mails(&letters), audit).await?;
    }
    db.inquiry(id).await?.ok_or(ServiceError::NotFound("inquiry"))
}

/// Writes in the conversation; the other side is mailed the message.
pub async fn write(
    db: &Database,
    clock: &Clock,
    caller: &Caller,
    id: &str,
    key: Option<&str>,
    body: &str,
    compose: Compose<'_>,
) -> Result<StoredInquiry, ServiceError> {
    let (inquiry, party) = open(db, caller, id, key).await?;
    if inquiry.confirmed_at.is_none() {
        return Err(InquiryRefusal::Unconfirmed.into());
    }
    let body = body.trim();
    check_message(body)?;
    let from_operator = party == Party::Operator;
    let to = inquiry.state.after_message(from_operator)?;
    let author = caller.user.as_ref().map(|u| u.id.as_str());
    let (letters, key_hash) = if from_operator {
        let (letter, key_hash) = to_inquirer(&inquiry, notice(&inquiry, "answered", body), compose)?;
        (vec![letter], key_hash)
    } else {
        let letters =
            to_operator(db, &inquiry.operator_id, author.unwrap_or(""), &notice(&inquiry, "message", body), compose)
                .await?;
        (letters, None)
    };
    let detail = format!("a message in the inquiry {id}");
    let change = InquiryChange {
        id,
        from: inquiry.state,
        to,
        message: Some(NewMessage { from_operator, author_id: author, body }),
        answers: from_operator && inquiry.answered_at.is_none(),
        visit_at: None,
        outcome: None,
        key_hash,
        now: clock.now(),
        mails: &crate::as_mails(&letters),
        audit: caller.event("inquiry.message", &inquiry.space_slug, detail),
    };
    saved(db, id, db.change_inquiry(change).await?).await
}

/// The operator plans a visit or closes the inquiry; the inquirer is mailed.
pub async fn change(
    db: &Database,
    clock: &Clock,
    caller: &Caller,
    id: &str,
    change: InquiryMove,
    compose: Compose<'_>,
) -> Result<StoredInquiry, ServiceError> {
    gate(caller)?;
    let (inquiry, party) = open(db, caller, id, None).await?;
    if party != Party::Operator {
        caller.require(Action::AnswerInquiries, Resource::Organisation { id: &inquiry.operator_id })?;
    }
    let now = clock.now();
    let to = inquiry.state.after(change, now)?;
    let (visit_at, outcome) = match change {
        InquiryMove::PlanVisit(at) => (Some(at), None),
        InquiryMove::Close(outcome) => (None, Some(outcome)),
    };
    let event = if visit_at.is_some() { "visit" } else { "closed" };
    let mut told = notice(&inquiry, event, "");
    told.visit_at = visit_at;
    told.outcome = outcome;
    let (letter, key_hash) = to_inquirer(&inquiry, told, compose)?;
    let letters = [letter];
    let detail = format!("the inquiry {id}: {}", change.id());
    let write = InquiryChange {
        id,
        from: inquiry.state,
        to,
        message: None,
        answers: inquiry.answered_at.is_none() && to == InquiryState::VisitPlanned,
        visit_at,
        outcome,
        key_hash,
        now,
        mails: &crate::as_mails(&letters),
        audit: caller.event("inquiry.changed", &inquiry.space_slug, detail),
    };
    saved(db, id, db.change_inquiry(write).await?).await
}

/// The inquiry after a change, or [`ServiceError::Stale`] when another came first.
async fn saved(db: &Database, id: &str, written: bool) -> Result<StoredInquiry, ServiceError> {
    if !written {
        return Err(ServiceError::Stale);
    }
    db.inquiry(id).await?.ok_or(ServiceError::NotFound("inquiry"))
}

/// The confirmed inquiries to the organisations whose inquiries the caller answers.
pub async fn to_answer(db: &Database, caller: &Caller) -> Result<Vec<StoredInquiry>, ServiceError> {
    caller.require(Action::ReadOwnAccount, Resource::Hub)?;
    let operators: Vec<String> = caller
        .actor
        .user
        .iter()
        .flat_map(|u| u.organisations.iter())
        .filter(|id| caller.may(Action::AnswerInquiries, Resource::Organisation { id }))
        .cloned()
        .collect();
    Ok(db.inquiries_to(&operators).await?)
}

/// The inquiries the caller sent as a member.
pub async fn sent(db: &Database, caller: &Caller) -> Result<Vec<StoredInquiry>, ServiceError> {
    caller.require(Action::ReadOwnAccount, Resource::Hub)?;
    let user = caller.user()?;
    Ok(db.inquiries_from(&user.id).await?)
}

/// How long an operator takes to answer: the median minutes to a first answer of the
/// inquiries answered in the last year, and how many those were.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseTime {
    pub median_minutes: i64,
    pub answered: usize,
}

pub async fn response_time(
    db: &Database,
    clock: &Clock,
    operator_id: &str,
) -> Result<Option<ResponseTime>, ServiceError> {
    let waits = db.inquiry_waits(operator_id, clock.now() - Duration::days(MEDIAN_DAYS)).await?;
    let answered = waits.len();
    Ok(median_minutes(waits).map(|median_minutes| ResponseTime { median_minutes, answered }))
}
