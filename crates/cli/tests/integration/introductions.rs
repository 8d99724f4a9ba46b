//! Introductions through their use cases, on both databases, each on a database of its own:
//! a member asks for one (bad input refused), the other side is mailed and answers; until
//! both accept nobody sees the other's contact; then both do, here and by mail. Strangers,
//! admins and other partners find nothing. A request to a need or offer reaches its owner.
//! Unanswered requests expire after 14 days and the asker is told once; 30 and 90 days
//! after acceptance both sides are asked what came of it, once; the public totals count
//! it. A partner brokers one: both sides answer, one refusal ends it.

use chrono::{Days, NaiveDate, Utc};
use lshub_domain::content::State;
use lshub_domain::introduction::{Outcome, Side, Status};
use lshub_domain::opportunity::{Opportunity, OpportunityDraft};
use lshub_domain::Language;
use lshub_service::introductions::{self as service, Notice, Target};
use lshub_service::{Caller, ServiceError};

use crate::builders::{per_backend_hub, Hub};

per_backend_hub!(an_introduction_opens_contacts_only_when_both_accept);

fn compose(notice: &Notice<'_>, language: Language) -> (String, String) {
    let subject = format!("[{}] {} {}", language.code(), notice.event, notice.recipient_organisation);
    (subject, format!("contact: {}", notice.contact.clone().unwrap_or_default()))
}

/// Takes every waiting mail: (recipient, subject, body).
async fn take_mails(hub: &Hub) -> Vec<(String, String, String)> {
    let mails = hub.db.take_pending_mail(100, 5, chrono::Duration::seconds(1)).await.expect("mails");
    mails.into_iter().map(|m| (m.recipient, m.subject, m.body)).collect()
}

/// Takes every waiting mail and keeps those to `caller`: (subject, body).
async fn mails_to(hub: &Hub, caller: &Caller) -> Vec<(String, String)> {
    let email = email(caller);
    take_mails(hub).await.into_iter().filter(|(to, _, _)| *to == email).map(|(_, s, b)| (s, b)).collect()
}

fn email(caller: &Caller) -> String {
    caller.user.as_ref().expect("a user").email.clone()
}

async fn an_introduction_opens_contacts_only_when_both_accept(hub: Hub) {
    let today = Utc::now().date_naive();
    let (a, b, c) = (
        hub.organisation("Alpha Imaging").await,
        hub.organisation("Beta Hospital").await,
        hub.organisation("Gamma Labs").await,
    );
    let alice = hub.member_of(&a).await;
    let bob = hub.member_of(&b).await;
    let gina = hub.member_of(&c).await;
    let (stranger, admin) = (hub.stranger().await, hub.admin().await);
    let carol = hub.partner_of(&hub.organisation("Cluster Office").await).await;
    let ask = |from: &str, to: &str, message: &str, on: NaiveDate| {
        let (from, to, message) = (from.to_owned(), Target::Organisation(to.to_owned()), message.to_owned());
        let db = hub.db.clone();
        let alice = alice.clone();
        async move { service::request(&db, &alice, &from, to, &message, on, &compose).await }
    };

    // Bad input, refused field by field; only for one's own organisation.
    let Err(ServiceError::Invalid(errors)) = ask(&a.slug, &a.slug, " ", today).await else { panic!("refused") };
    assert_eq!(errors.iter().map(|e| e.field).collect::<Vec<_>>(), ["message", "organisation"]);
    assert!(matches!(ask(&a.slug, "no-such-organisation", "Hello", today).await, Err(ServiceError::Invalid(_))));
    assert!(matches!(ask(&b.slug, &c.slug, "Hello", today).await, Err(ServiceError::Denied(_))));

    let id = ask(&a.slug, &b.slug, "We build imaging AI; can we test it with your radiology team?", today)
        .await
        .expect("asked");
    let mails = mails_to(&hub, &bob).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].0, "[en] requested Beta Hospital");
    assert!(!mails[0].1.contains(&email(&alice)), "the request names no contact");
    let again = ask(&a.slug, &b.slug, "Once more", today).await;
    assert!(
        matches!(again, Err(ServiceError::Invalid(e)) if e[0].field == "organisation"),
        "one open request per pair"
    );

    // Before both accept, nobody sees who asked or answered.
    for (who, answers) in [(&bob, vec![Side::To]), (&alice, vec![])] {
        let view = service::find(&hub.db, who, &id, today).await.expect("visible");
        assert_eq!(view.status, Status::Pending);
        assert_eq!(view.answerable, answers);
        assert!(view.contacts.is_empty() && view.introduction.requested_by.is_none());
        assert!(view.introduction.from.answered_by.is_none() && view.introduction.to.answered_by.is_none());
    }
    for outsider in [&stranger, &admin, &carol, &gina] {
        assert!(matches!(service::find(&hub.db, outsider, &id, today).await, Err(ServiceError::NotFound(_))));
        assert!(service::list(&hub.db, outsider, today).await.expect("list").is_empty());
    }
    assert!(service::answer(&hub.db, &alice, &id, Side::To, true, today, &compose).await.is_err(), "not her side");

    // Bob accepts: both see each other's contact, and Alice is mailed Bob's.
    service::answer(&hub.db, &bob, &id, Side::To, true, today, &compose).await.expect("accepted");
    let accepted = service::find(&hub.db, &alice, &id, today).await.expect("visible");
    assert_eq!(accepted.status, Status::Accepted);
    let contacts: Vec<String> = accepted.contacts.iter().map(|(_, p)| p.email.clone()).collect();
    assert_eq!(contacts, [email(&alice), email(&bob)]);
    let told = mails_to(&hub, &alice).await;
    assert!(told.iter().any(|(s, body)| s == "[en] accepted Alpha Imaging" && body.contains(&email(&bob))), "{told:?}");
    let late = service::answer(&hub.db, &bob, &id, Side::To, false, today, &compose).await;
    assert!(matches!(late, Err(ServiceError::Invalid(_))), "an answer is given once");

    // Follow-ups at 30 and 90 days, once each; outcomes are each side's to give.
    let day = |days: u64| today.checked_add_days(Days::new(days)).expect("date");
    assert_eq!(service::run_due(&hub.db, day(29), &compose).await.expect("run"), 0);
    assert_eq!(service::run_due(&hub.db, day(30), &compose).await.expect("run"), 2, "both sides' members asked");
    assert_eq!(service::run_due(&hub.db, day(31), &compose).await.expect("run"), 0, "asked once");
    assert!(mails_to(&hub, &bob).await.iter().any(|(s, _)| s == "[en] follow-up Beta Hospital"));
    assert!(service::report(&hub.db, &bob, &id, Side::From, 30, Outcome::Meeting).await.is_err(), "not his side");
    let unasked = service::report(&hub.db, &alice, &id, Side::From, 90, Outcome::Meeting).await;
    assert!(matches!(unasked, Err(ServiceError::Invalid(_))));
    service::report(&hub.db, &alice, &id, Side::From, 30, Outcome::Meeting).await.expect("reported");
    let totals = service::totals(&hub.db).await.expect("totals");
    assert_eq!(totals.accepted, 1);
    assert!(totals.outcomes.contains(&(Outcome::Meeting, 1)) && totals.outcomes.contains(&(Outcome::Contract, 0)));
    assert_eq!(service::run_due(&hub.db, day(90), &compose).await.expect("run"), 2);

    // A request to a need or offer reaches its owner; unanswered, it expires and the asker is told once.
    let draft = OpportunityDraft {
        opportunity_type: "data".into(),
        title_en: "Anonymised chest CT scans".into(),
        description_en: "Ten thousand scans for AI research.".into(),
        ..OpportunityDraft::default()
    };
    let offer = hub.item::<Opportunity>(&gina, &c, draft, State::Published, None).await;
    let asked_long_ago = today.checked_sub_days(Days::new(20)).expect("date");
    let target = Target::Opportunity(offer.slug.clone());
    let old = service::request(&hub.db, &alice, &a.slug, target, "Could we use them?", asked_long_ago, &compose)
        .await
        .expect("asked");
    let view = service::find(&hub.db, &gina, &old, today).await.expect("Gamma sees it");
    assert_eq!(view.subject.as_ref().map(|(slug, _)| slug.as_str()), Some(offer.slug.as_str()));
    assert_eq!(view.status, Status::Expired);
    assert!(view.answerable.is_empty(), "too late to answer");
    mails_to(&hub, &alice).await;
    let queued = service::run_due(&hub.db, today, &compose).await.expect("run");
    assert!(mails_to(&hub, &alice).await.iter().any(|(s, _)| s == "[en] expired Alpha Imaging"), "{queued}");
    assert_eq!(service::run_due(&hub.db, today, &compose).await.expect("run"), 0, "told once");

    // A partner brokers: both sides answer; one refusal ends it.
    assert!(
        service::broker(&hub.db, &alice, &b.slug, &c.slug, "Meet", today, &compose).await.is_err(),
        "partners only"
    );
    let brokered = service::broker(&hub.db, &carol, &b.slug, &c.slug, "You two should meet.", today, &compose)
        .await
        .expect("brokered");
    let both = take_mails(&hub).await;
    for (who, subject) in [(&bob, "[en] requested Beta Hospital"), (&gina, "[en] requested Gamma Labs")] {
        assert!(both.iter().any(|(to, s, _)| *to == email(who) && s == subject), "{subject}: {both:?}");
    }
    let seen = service::find(&hub.db, &carol, &brokered, today).await.expect("the broker follows it");
    assert!(seen.answerable.is_empty(), "the broker answers for nobody");
    service::answer(&hub.db, &bob, &brokered, Side::From, true, today, &compose).await.expect("accepted");
    assert_eq!(service::find(&hub.db, &bob, &brokered, today).await.expect("visible").status, Status::Pending);
    service::answer(&hub.db, &gina, &brokered, Side::To, false, today, &compose).await.expect("declined");
    let ended = service::find(&hub.db, &carol, &brokered, today).await.expect("visible");
    assert_eq!(ended.status, Status::Declined);
    assert!(ended.contacts.is_empty(), "a declined introduction shows no contacts");
}
