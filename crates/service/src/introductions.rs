//! Introductions with double opt-in. A member asks, for an organisation they maintain, to
//! be introduced to another organisation or to the owner of a need or offer; a partner may
//! broker one between two organisations. Each side still to answer is mailed (in each
//! member's language) and accepts or declines; only when both have accepted does either see
//! the other's contact, here and in the mail that says so. Requests unanswered for 14 days
//! expire and the asker is told; 30 and 90 days after acceptance both sides are asked what
//! came of it, and the public sees only the totals. To anyone who is neither a side's member
//! nor its broker, an introduction does not exist.

use chrono::NaiveDate;
use lshub_domain::authorization::{decide, Action, Decision, Denial, IntroductionAction, Resource};
use lshub_domain::content::Item;
use lshub_domain::introduction::{check_message, follow_up_due, last_day_to_answer, Answer, Outcome, Side, Status};
use lshub_domain::opportunity::Opportunity;
use lshub_domain::{Language, Reason, ValidationError};
use lshub_storage::introductions::{AnswerWrite, IntroductionTotals, NewIntroduction, StoredIntroduction};
use lshub_storage::leads::Person;
use lshub_storage::Database;

use crate::{Caller, ServiceError};

/// Who the asker wants to meet.
#[derive(Debug, Clone)]
pub enum Target {
    /// An organisation of the directory, by slug.
    Organisation(String),
    /// The owner of a published need or offer, by its slug.
    Opportunity(String),
}

/// The facts of a mail about an introduction.
pub struct Notice<'a> {
    /// `requested`, `accepted`, `declined`, `expired` or `follow-up`.
    pub event: &'static str,
    pub introduction_id: &'a str,
    /// The organisation the mail goes to, and the other one.
    pub recipient_organisation: &'a str,
    pub other_organisation: &'a str,
    pub message: &'a str,
    /// The last day to answer, or the days since acceptance for a follow-up.
    pub date: String,
    /// The other side's contact, in accepted mails only.
    pub contact: Option<String>,
}

/// Words a notice in a language: (subject, body).
pub type Compose<'a> = &'a (dyn Fn(&Notice<'_>, Language) -> (String, String) + Sync);

/// An introduction as the caller may see it.
#[derive(Debug, Clone)]
pub struct IntroductionView {
    /// Who answered for each side is left out until both accepted.
    pub introduction: StoredIntroduction,
    pub status: Status,
    /// The sides the caller may answer now.
    pub answerable: Vec<Side>,
    /// The follow-ups `(side, days)` the caller was asked and may answer.
    pub reportable: Vec<(Side, u32)>,
    /// Each side's contact, once both accepted.
    pub contacts: Vec<(Side, Person)>,
    /// The need or offer it is about: its slug and title.
    pub subject: Option<(String, String)>,
    pub last_day_to_answer: NaiveDate,
}

fn resource(introduction: &StoredIntroduction) -> Resource<'_> {
    Resource::Introduction {
        from: &introduction.from.organisation.id,
        to: &introduction.to.organisation.id,
        broker: introduction.broker.as_ref().map(|b| b.id.as_str()),
    }
}

/// What does not depend on an introduction, asked first: no account, a disabled one, a
/// token without the scope.
pub fn gate(caller: &Caller) -> Result<(), ServiceError> {
    let nobody = Resource::Introduction { from: "", to: "", broker: None };
    match decide(&caller.actor, Action::Introduction(IntroductionAction::Read), nobody) {
        Decision::Deny(denial) if denial != Denial::Forbidden => Err(ServiceError::Denied(denial)),
        _ => Ok(()),
    }
}

async fn visible(db: &Database, caller: &Caller, id: &str) -> Result<StoredIntroduction, ServiceError> {
    gate(caller)?;
    let introduction = db.introduction(id).await?.ok_or(ServiceError::NotFound("introduction"))?;
    if !caller.may(Action::Introduction(IntroductionAction::Read), resource(&introduction)) {
        return Err(ServiceError::NotFound("introduction"));
    }
    Ok(introduction)
}

fn status(introduction: &StoredIntroduction, today: NaiveDate) -> Status {
    Status::of(introduction.from.answer, introduction.to.answer, introduction.created_on, today)
}

fn contact(person: &Person) -> String {
    format!("{} <{}>", person.name, person.email)
}

/// The view of an introduction the caller may see.
async fn view(
    db: &Database,
    caller: &Caller,
    mut introduction: StoredIntroduction,
    today: NaiveDate,
) -> Result<IntroductionView, ServiceError> {
    let status = status(&introduction, today);
    let on = resource(&introduction);
    let answerable = Side::BOTH
        .into_iter()
        .filter(|side| status == Status::Pending && introduction.side(*side).answer == Answer::Pending)
        .filter(|side| caller.may(Action::Introduction(IntroductionAction::Answer(*side)), on))
        .collect();
    let reportable = introduction
        .outcomes
        .iter()
        .filter(|(side, _, outcome)| {
            outcome.is_none() && caller.may(Action::Introduction(IntroductionAction::ReportOutcome(*side)), on)
        })
        .map(|(side, days, _)| (*side, *days))
        .collect();
    let contacts = if status == Status::Accepted {
        Side::BOTH
            .into_iter()
            .filter_map(|side| introduction.side(side).answered_by.clone().map(|p| (side, p)))
            .collect()
    } else {
        // Double opt-in: until both accepted, nobody learns who answered or asked.
        introduction.from.answered_by = None;
        introduction.to.answered_by = None;
        introduction.requested_by = None;
        Vec::new()
    };
    let subject = match &introduction.subject {
        Some(slug) => db
            .item::<Opportunity>(slug)
            .await?
            .map(|item| (slug.clone(), lshub_domain::content::Written::title(&item.record).to_owned())),
        None => None,
    };
    Ok(IntroductionView {
        last_day_to_answer: last_day_to_answer(introduction.created_on),
        introduction,
        status,
        answerable,
        reportable,
        contacts,
        subject,
    })
}

/// Letters about `notice` to the members of `organisation_id` but `except`.
async fn letters(
    db: &Database,
    organisation_id: &str,
    except: &str,
    notice: &Notice<'_>,
    compose: Compose<'_>,
) -> Result<Vec<(String, String, String)>, ServiceError> {
    crate::letters_to_members(db, organisation_id, except, |language| compose(notice, language)).await
}

/// Asks, for the caller's organisation `from` (a slug), to be introduced to `target`.
pub async fn request(
    db: &Database,
    caller: &Caller,
    from: &str,
    target: Target,
    message: &str,
    today: NaiveDate,
    compose: Compose<'_>,
) -> Result<String, ServiceError> {
    gate(caller)?;
    let from = db.organisation_by_slug(from.trim()).await?.ok_or_else(|| {
        ServiceError::from(ValidationError::new("from", Reason::NoSuchOrganisation { slug: from.to_owned() }))
    })?;
    caller.require(Action::RequestIntroduction, Resource::Organisation { id: &from.id })?;
    let (to, subject) = match target {
        Target::Organisation(slug) => {
            let to = db.organisation_by_slug(slug.trim()).await?.ok_or_else(|| {
                ServiceError::from(ValidationError::new("organisation", Reason::NoSuchOrganisation { slug }))
            })?;
            (to, None)
        }
        Target::Opportunity(slug) => {
            let item: Item<Opportunity> = db
                .item(slug.trim())
                .await?
                .filter(|item| item.is_listed(today))
                .ok_or(ServiceError::NotFound("opportunity"))?;
            let to = db.organisation_by_slug(&item.owner.slug).await?.ok_or(ServiceError::NotFound("organisation"))?;
            (to, Some(item.id))
        }
    };
    let request =
        Request { from: (from.id, from.profile.name), to: (to.id, to.profile.name), subject, message, brokered: false };
    save(db, caller, request, today, compose).await
}

/// A partner introduces the organisations `first` and `second` (slugs) to each other.
pub async fn broker(
    db: &Database,
    caller: &Caller,
    first: &str,
    second: &str,
    message: &str,
    today: NaiveDate,
    compose: Compose<'_>,
) -> Result<String, ServiceError> {
    caller.require(Action::BrokerIntroductions, Resource::Hub)?;
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for (field, slug) in [("from", first), ("organisation", second)] {
        match db.organisation_by_slug(slug.trim()).await? {
            Some(o) => found.push(o),
            None => errors.push(ValidationError::new(field, Reason::NoSuchOrganisation { slug: slug.to_owned() })),
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let (second, first) = (found.pop(), found.pop());
    let (Some(first), Some(second)) = (first, second) else { return Err(ServiceError::NotFound("organisation")) };
    let request = Request {
        from: (first.id, first.profile.name),
        to: (second.id, second.profile.name),
        subject: None,
        message,
        brokered: true,
    };
    save(db, caller, request, today, compose).await
}

/// A request to save: the two organisations (id, name), the need or offer it is about
/// (its item id), the message, and whether a partner brokers it.
struct Request<'a> {
    from: (String, String),
    to: (String, String),
    subject: Option<String>,
    message: &'a str,
    brokered: bool,
}

async fn save(
    db: &Database,
    caller: &Caller,
    request: Request<'_>,
    today: NaiveDate,
    compose: Compose<'_>,
) -> Result<String, ServiceError> {
    let Request { from: (from_id, from_name), to: (to_id, to_name), subject, message, brokered } = request;
    let message = message.trim();
    let mut errors = Vec::new();
    if let Err(e) = check_message(message) {
        errors.push(e);
    }
    if from_id == to_id {
        errors.push(ValidationError::new("organisation", Reason::SameOrganisation));
    }
    let user = caller.user()?;
    let open = db.introductions_of(std::slice::from_ref(&from_id), &user.id).await?;
    let asked = open.iter().any(|i| {
        i.to.organisation.id == to_id && i.from.organisation.id == from_id && status(i, today) == Status::Pending
    });
    if asked {
        errors.push(ValidationError::new("organisation", Reason::AlreadyAsked { name: to_name.clone() }));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let id = uuid::Uuid::now_v7().to_string();
    let date = last_day_to_answer(today).to_string();
    let mut all = Vec::new();
    let sides = if brokered {
        vec![(&from_id, &from_name, &to_name), (&to_id, &to_name, &from_name)]
    } else {
        vec![(&to_id, &to_name, &from_name)]
    };
    for (organisation, recipient, other) in sides {
        let notice = Notice {
            event: "requested",
            introduction_id: &id,
            recipient_organisation: recipient,
            other_organisation: other,
            message,
            date: date.clone(),
            contact: None,
        };
        all.extend(letters(db, organisation, &user.id, &notice, compose).await?);
    }
    let detail = format!("{from_id} to {to_id}{}", if brokered { ", brokered" } else { "" });
    let new = NewIntroduction {
        id: &id,
        requested_by: &user.id,
        broker: brokered,
        subject_item_id: subject.as_deref(),
        message,
        created_on: today,
        from: &from_id,
        to: &to_id,
        mails: &crate::as_mails(&all),
        audit: caller.event("introduction.request", &to_id, detail),
    };
    db.create_introduction(new).await?;
    Ok(id)
}

/// The introductions of the caller's organisations and those they brokered, newest first.
pub async fn list(db: &Database, caller: &Caller, today: NaiveDate) -> Result<Vec<IntroductionView>, ServiceError> {
    gate(caller)?;
    let user = caller.user()?;
    let organisations = caller.actor.user.as_ref().map(|u| u.organisations.clone()).unwrap_or_default();
    let mut views = Vec::new();
    for introduction in db.introductions_of(&organisations, &user.id).await? {
        if caller.may(Action::Introduction(IntroductionAction::Read), resource(&introduction)) {
            views.push(view(db, caller, introduction, today).await?);
        }
    }
    Ok(views)
}

pub async fn find(
    db: &Database,
    caller: &Caller,
    id: &str,
    today: NaiveDate,
) -> Result<IntroductionView, ServiceError> {
    let introduction = visible(db, caller, id).await?;
    view(db, caller, introduction, today).await
}

/// Accepts or declines for the organisation on `side`. When both have accepted, each side
/// is mailed the other's contact; a refusal is told to the other side.
pub async fn answer(
    db: &Database,
    caller: &Caller,
    id: &str,
    side: Side,
    accepted: bool,
    today: NaiveDate,
    compose: Compose<'_>,
) -> Result<(), ServiceError> {
    let introduction = visible(db, caller, id).await?;
    caller.require(Action::Introduction(IntroductionAction::Answer(side)), resource(&introduction))?;
    let now = status(&introduction, today);
    if now != Status::Pending || introduction.side(side).answer != Answer::Pending {
        return Err(ValidationError::new("answer", Reason::NotPending { status: now.id().to_owned() }).into());
    }
    let user = caller.user()?;
    let me = Person { id: user.id.clone(), name: user.display_name.clone(), email: user.email.clone() };
    let other = introduction.side(side.other());
    let completes = accepted && other.answer == Answer::Accepted;
    let mut all = Vec::new();
    if completes || !accepted {
        // Both sides learn of the end: with the other's contact when accepted.
        // A refusal is told to the other side only.
        let told = [(side.other(), Some(&me)), (side, other.answered_by.as_ref())];
        for (to_side, their_contact) in told.into_iter().filter(|(to_side, _)| accepted || *to_side != side) {
            let recipient = introduction.side(to_side);
            let notice = Notice {
                event: if accepted { "accepted" } else { "declined" },
                introduction_id: id,
                recipient_organisation: &recipient.organisation.name,
                other_organisation: &introduction.side(to_side.other()).organisation.name,
                message: &introduction.message,
                date: today.to_string(),
                contact: if accepted { their_contact.map(contact) } else { None },
            };
            all.extend(letters(db, &recipient.organisation.id, &user.id, &notice, compose).await?);
        }
    }
    let detail = format!("{} {}", side.id(), if accepted { "accepted" } else { "declined" });
    let audit = caller.event("introduction.answer", id, detail);
    let write = AnswerWrite { id, side, accepted, by: &user.id, today };
    if !db.answer_introduction(&write, &crate::as_mails(&all), audit).await? {
        return Err(ServiceError::Stale);
    }
    Ok(())
}

/// Says, for the organisation on `side`, what came of it `after_days` after acceptance.
pub async fn report(
    db: &Database,
    caller: &Caller,
    id: &str,
    side: Side,
    after_days: u32,
    outcome: Outcome,
) -> Result<(), ServiceError> {
    let introduction = visible(db, caller, id).await?;
    caller.require(Action::Introduction(IntroductionAction::ReportOutcome(side)), resource(&introduction))?;
    let audit =
        caller.event("introduction.outcome", id, format!("{} after {after_days} days: {}", side.id(), outcome.id()));
    if !db.report_outcome(id, side, after_days, outcome, audit).await? {
        return Err(ValidationError::new("after", Reason::NotAsked { days: i64::from(after_days) }).into());
    }
    Ok(())
}

/// The daily work: tells askers of requests that expired unanswered, and asks both sides of
/// accepted introductions what came of them when a follow-up is due. Safe to run on every
/// node and again after a crash: each mail is recorded with what it tells. Returns the
/// number of mails queued.
pub async fn run_due(db: &Database, today: NaiveDate, compose: Compose<'_>) -> Result<usize, ServiceError> {
    let mut queued = 0;
    let cutoff = today - chrono::Days::new(lshub_domain::introduction::ANSWER_DAYS);
    for introduction in db.expired_introductions(cutoff).await? {
        // The asking side (or, brokered, both sides' members) are told.
        let told = if introduction.broker.is_some() { vec![Side::From, Side::To] } else { vec![Side::From] };
        let mut all = Vec::new();
        for side in told {
            let recipient = introduction.side(side);
            let notice = Notice {
                event: "expired",
                introduction_id: &introduction.id,
                recipient_organisation: &recipient.organisation.name,
                other_organisation: &introduction.side(side.other()).organisation.name,
                message: &introduction.message,
                date: last_day_to_answer(introduction.created_on).to_string(),
                contact: None,
            };
            all.extend(letters(db, &recipient.organisation.id, "", &notice, compose).await?);
        }
        if db.tell_expired(&introduction.id, &crate::as_mails(&all)).await? {
            queued += all.len();
        }
    }
    for introduction in db.accepted_introductions().await? {
        let Some(accepted_on) = introduction.accepted_on else { continue };
        for side in Side::BOTH {
            let asked: Vec<u32> =
                introduction.outcomes.iter().filter(|(s, _, _)| *s == side).map(|(_, days, _)| *days).collect();
            let Some(days) = follow_up_due(accepted_on, today, &asked) else { continue };
            let recipient = introduction.side(side);
            let notice = Notice {
                event: "follow-up",
                introduction_id: &introduction.id,
                recipient_organisation: &recipient.organisation.name,
                other_organisation: &introduction.side(side.other()).organisation.name,
                message: &introduction.message,
                date: days.to_string(),
                contact: None,
            };
            let all = letters(db, &recipient.organisation.id, "", &notice, compose).await?;
            if db.ask_outcome(&introduction.id, side, days, &crate::as_mails(&all)).await? {
                queued += all.len();
            }
        }
    }
    Ok(queued)
}

/// The public totals: introductions accepted and what came of them; nothing that names anyone.
pub async fn totals(db: &Database) -> Result<IntroductionTotals, ServiceError> {
    Ok(db.introduction_totals().await?)
}
