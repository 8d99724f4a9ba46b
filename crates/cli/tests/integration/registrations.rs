//! Registration for events on both databases: seats, then the waiting list, which moves up
//! when someone cancels; the organiser's approval; the deadlines; a mail for every change,
//! with the event as a calendar file; concurrent registrations that never overbook; and the
//! same through the pages, the API and the iCalendar feeds of a running hub.

use chrono::{DateTime, TimeZone, Utc};
use lshub_domain::authorization::Denial;
use lshub_domain::content::{Item, State};
use lshub_domain::event::{Event, EventDraft, RegistrationRefusal, RegistrationState};
use lshub_service::events as service;
use lshub_service::{Caller, ServiceError};
use lshub_storage::events::{Letter, StoredRegistration};
use serde_json::json;

use crate::authorization_matrix::staff;
use crate::browser::{grant, Browser, PASSWORD};
use crate::builders::{per_backend_hub, Hub};
use crate::support::{per_backend, TestApp};

per_backend_hub!(the_waiting_list_moves_up_and_every_change_is_mailed, concurrent_registrations_never_overbook);
/// On the shared running hub of each database.
mod served {
    use super::*;
    per_backend!(registration_works_through_pages_api_and_calendars);
}

/// A mail that names the new state, as the web layer's would in words.
fn compose(registration: &StoredRegistration, item: &Item<Event>) -> Letter {
    Letter { subject: format!("{}: {}", registration.state.id(), item.slug), body: String::new(), attachment: None }
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2099, 3, day, hour, 0, 0).single().expect("a time")
}

/// An event on 26 March 2099 at 16:00 in Amsterdam (15:00 UTC), published.
async fn event(hub: &Hub, capacity: &str, requires_approval: bool) -> (Item<Event>, Caller) {
    let owner = hub.organisation("Registration Organiser").await;
    let organiser = hub.member_of(&owner).await;
    let draft = EventDraft {
        event_type: "lecture".into(),
        title_en: "Organoids in oncology".into(),
        place: "Jaarbeursplein 6, Utrecht".into(),
        starts: "2099-03-26 16:00".into(),
        ends: "2099-03-26 18:00".into(),
        language: "en".into(),
        capacity: capacity.into(),
        requires_approval,
        cancellable_until: "2099-03-25 12:00".into(),
        ..EventDraft::default()
    };
    (hub.item::<Event>(&organiser, &owner, draft, State::Published, None).await, organiser)
}

/// Takes every waiting mail: (recipient, subject).
async fn mails(hub: &Hub) -> Vec<(String, String)> {
    let taken = hub.db.take_pending_mail(1000, 5, chrono::Duration::seconds(1)).await.expect("mails");
    taken.into_iter().map(|m| (m.recipient, m.subject)).collect()
}

fn email(caller: &Caller) -> String {
    caller.user.as_ref().expect("a user").email.clone()
}

async fn the_waiting_list_moves_up_and_every_change_is_mailed(hub: Hub) {
    let (item, organiser) = event(&hub, "2", false).await;
    let slug = item.slug.clone();
    let now = at(1, 9);
    let mut people = Vec::new();
    for _ in 0..4 {
        people.push(hub.stranger().await);
    }
    let mut states = Vec::new();
    for person in &people {
        states.push(service::register(&hub.db, person, &slug, now, &compose).await.expect("registered").state);
    }
    use RegistrationState::{Cancelled, Confirmed, Pending, Rejected, Waitlisted};
    assert_eq!(states, [Confirmed, Confirmed, Waitlisted, Waitlisted]);
    let again = service::register(&hub.db, &people[0], &slug, now, &compose).await;
    assert!(matches!(again, Err(ServiceError::RegistrationRefused(RegistrationRefusal::AlreadyRegistered))));
    let sent = mails(&hub).await;
    assert_eq!(sent.len(), 4, "one mail per registration: {sent:?}");
    assert!(sent.contains(&(email(&people[2]), format!("waitlisted: {slug}"))));

    // A seat given up goes to the first who waited, and both are told.
    let cancelled = service::cancel(&hub.db, &people[1], &slug, now, &compose).await.expect("cancelled");
    assert_eq!(cancelled.state, Cancelled);
    let sent = mails(&hub).await;
    assert_eq!(
        sent,
        [(email(&people[1]), format!("cancelled: {slug}")), (email(&people[2]), format!("confirmed: {slug}"))]
    );
    let organised = service::organised(&hub.db, &slug).await.expect("the event");
    let listed = service::registrations(&hub.db, &organiser, &organised).await.expect("the organiser's list");
    let by_email = |caller: &Caller| listed.iter().find(|r| r.email == email(caller)).map(|r| r.state);
    assert_eq!(
        people.iter().map(by_email).collect::<Vec<_>>(),
        [Some(Confirmed), Some(Cancelled), Some(Confirmed), Some(Waitlisted)]
    );
    // Only the organisers see who registered; each registrant sees their own.
    let outsider = hub.stranger().await;
    assert!(matches!(
        service::registrations(&hub.db, &outsider, &organised).await,
        Err(ServiceError::Denied(Denial::Forbidden))
    ));
    let own = service::own(&hub.db, &people[3], &organised).await.expect("own").expect("registered");
    assert_eq!(own.state, Waitlisted);
    assert!(service::own(&hub.db, &outsider, &organised).await.expect("own").is_none());
    assert!(matches!(
        service::register(&hub.db, &hub.visitor(), &slug, now, &compose).await,
        Err(ServiceError::Denied(Denial::SignInRequired))
    ));

    // One who cancelled registers again, at the back of the list.
    let back = service::register(&hub.db, &people[1], &slug, now, &compose).await.expect("registered again");
    assert_eq!(back.state, Waitlisted);

    // The organiser adds a seat: the first who waits gets it, and a mail.
    mails(&hub).await;
    let draft = EventDraft { capacity: "3".into(), ..lshub_domain::content::Written::to_draft(&item.record) };
    let current = hub.db.item::<Event>(&slug).await.expect("read").expect("the event");
    let lifetime = lshub_service::content::Lifetime { expires_on: None };
    let today = lshub_service::clock::Clock::default().today();
    lshub_service::content::edit::<Event>(&hub.db, &organiser, &slug, current.revision, draft, lifetime, today)
        .await
        .expect("a seat more");
    assert_eq!(service::settle_waiting_lists(&hub.db, now, &compose).await.expect("settled"), 1);
    assert_eq!(mails(&hub).await, [(email(&people[3]), format!("confirmed: {slug}"))]);
    assert_eq!(service::settle_waiting_lists(&hub.db, now, &compose).await.expect("settled"), 0, "once");

    // The deadlines: no cancelling after 25 March 12:00, no registering from the start.
    let late = service::cancel(&hub.db, &people[0], &slug, at(25, 13), &compose).await;
    assert!(matches!(late, Err(ServiceError::RegistrationRefused(RegistrationRefusal::CancellationClosed))));
    let too_late = service::register(&hub.db, &outsider, &slug, at(26, 15), &compose).await;
    assert!(matches!(too_late, Err(ServiceError::RegistrationRefused(RegistrationRefusal::Closed))));
    let never = service::cancel(&hub.db, &outsider, &slug, now, &compose).await;
    assert!(matches!(never, Err(ServiceError::RegistrationRefused(RegistrationRefusal::NotRegistered))));

    // With approval: pending first, then a seat or the waiting list as the organiser decides.
    let (approved_event, organiser) = event(&hub, "1", true).await;
    let slug = approved_event.slug.clone();
    let (ann, bob, cas) = (hub.stranger().await, hub.stranger().await, hub.stranger().await);
    let mut ids = Vec::new();
    for person in [&ann, &bob, &cas] {
        let registration = service::register(&hub.db, person, &slug, now, &compose).await.expect("registered");
        assert_eq!(registration.state, Pending);
        ids.push(registration.id);
    }
    let by_ann = service::decide(&hub.db, &ann, &slug, &ids[1], true, now, &compose).await;
    assert!(matches!(by_ann, Err(ServiceError::Denied(Denial::Forbidden))), "a registrant decides nothing");
    let decide = |id: &str, approve: bool| {
        let (db, organiser, slug, id) = (hub.db.clone(), organiser.clone(), slug.clone(), id.to_owned());
        async move { service::decide(&db, &organiser, &slug, &id, approve, now, &compose).await }
    };
    assert_eq!(decide(&ids[0], true).await.expect("approved").state, Confirmed);
    assert_eq!(decide(&ids[1], true).await.expect("approved").state, Waitlisted, "full: the waiting list");
    assert_eq!(decide(&ids[2], false).await.expect("refused").state, Rejected);
    let twice = decide(&ids[0], true).await;
    assert!(matches!(twice, Err(ServiceError::RegistrationRefused(RegistrationRefusal::NotPending))));
    mails(&hub).await;
    // Ann's seat goes to Bob, approved already.
    service::cancel(&hub.db, &ann, &slug, now, &compose).await.expect("cancelled");
    assert_eq!(mails(&hub).await[1], (email(&bob), format!("confirmed: {slug}")));
}

async fn concurrent_registrations_never_overbook(hub: Hub) {
    const SEATS: usize = 5;
    const PEOPLE: usize = 30;
    let (item, organiser) = event(&hub, &SEATS.to_string(), false).await;
    let now = at(1, 9);
    let mut people = Vec::new();
    for _ in 0..PEOPLE {
        people.push(hub.stranger().await);
    }
    let registering = people.iter().cloned().map(|person| {
        let (db, slug) = (hub.db.clone(), item.slug.clone());
        tokio::spawn(async move { service::register(&db, &person, &slug, now, &compose).await })
    });
    let mut confirmed = 0;
    for task in registering.collect::<Vec<_>>() {
        let registration = task.await.expect("task").expect("registered");
        confirmed += usize::from(registration.state == RegistrationState::Confirmed);
    }
    assert_eq!(confirmed, SEATS, "seats given at registering");
    let organised = service::organised(&hub.db, &item.slug).await.expect("the event");
    let count = |state| {
        let (db, organiser) = (hub.db.clone(), organiser.clone());
        let organised = &organised;
        async move {
            let all = service::registrations(&db, &organiser, organised).await.expect("list");
            all.iter().filter(|r| r.state == state).count()
        }
    };
    assert_eq!(count(RegistrationState::Confirmed).await, SEATS);
    assert_eq!(count(RegistrationState::Waitlisted).await, PEOPLE - SEATS);

    // Everyone cancels and registers again at once: never more than the seats.
    let churn = people.iter().cloned().map(|person| {
        let (db, slug) = (hub.db.clone(), item.slug.clone());
        tokio::spawn(async move {
            service::cancel(&db, &person, &slug, now, &compose).await.expect("cancelled");
            service::register(&db, &person, &slug, now, &compose).await.expect("registered again")
        })
    });
    for task in churn.collect::<Vec<_>>() {
        task.await.expect("task");
    }
    assert_eq!(count(RegistrationState::Confirmed).await, SEATS);
    assert_eq!(count(RegistrationState::Waitlisted).await, PEOPLE - SEATS);
}

/// The mail file to `recipient` holding `needle`, waiting for the mail worker to write it.
pub(crate) async fn mail_with(app: &TestApp, recipient: &str, needle: &str) -> String {
    for _ in 0..100 {
        let entries = std::fs::read_dir(app.data_dir.join("mail")).into_iter().flatten().flatten();
        let found = entries
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
            .find(|text| text.contains(&format!("To: {recipient}\r\n")) && text.contains(needle));
        if let Some(text) = found {
            return text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no mail to {recipient} with {needle}");
}

/// An organisation no other test writes for.
const ORGANISER: &str = "european-association-of-urology";

async fn registration_works_through_pages_api_and_calendars(app: &TestApp) {
    let mut admin = Browser::at(app, 196);
    admin.sign_up("Registration Admin", "admin@registration.example", PASSWORD).await;
    grant(app, "admin@registration.example", "admin");
    let mut organiser = staff(app, &mut admin, 197, "organiser@registration.example", ORGANISER, "member").await;
    let input = json!({
        "organisation": ORGANISER, "type": "meeting", "titleEn": "Urology AI meetup", "place": "Mr. Treublaan 7, Amsterdam",
        "starts": "2099-05-12 18:00", "ends": "2099-05-12 20:00", "language": "en", "capacity": 1,
    });
    let (status, created) = organiser.api(reqwest::Method::POST, "/api/v1/events", &input).await;
    assert_eq!(status, 201, "{created}");
    let slug = created["slug"].as_str().expect("a slug").to_owned();
    let (status, published) = organiser
        .api(reqwest::Method::POST, &format!("/api/v1/events/{slug}/state"), &json!({"transition": "publish"}))
        .await;
    assert_eq!(status, 200, "{published}");
    let page = format!("/events/{slug}/registration");

    // Ann registers on the page and gets the seat, with the event for her calendar.
    let mut ann = Browser::at(app, 198);
    ann.sign_up("Ann Registrant", "ann@registration.example", PASSWORD).await;
    let registered = ann.submit(&page, &page, &[]).await;
    assert_eq!((registered.status, registered.location.as_deref()), (303, Some(page.as_str())));
    assert!(ann.get(&page).await.body.contains("Confirmed"));
    let mail = mail_with(app, "ann@registration.example", "Registered: Urology AI meetup").await;
    assert!(mail.contains("Content-Disposition: attachment; filename=\"") && mail.contains(".ics\""), "{mail}");
    for line in ["BEGIN:VCALENDAR", "METHOD:PUBLISH", "STATUS:CONFIRMED", "DTSTART:20990512T160000Z"] {
        assert!(mail.contains(line), "{line} in {mail}");
    }
    assert!(mail.contains(&format!("UID:event-{slug}@hub.test")), "{mail}");

    // Bob, through the API, waits; a second registration is refused.
    let mut bob = Browser::at(app, 199);
    bob.sign_up("Bob Registrant", "bob@registration.example", PASSWORD).await;
    let api = format!("/api/v1/events/{slug}/registration");
    let (status, bobs) = bob.api(reqwest::Method::POST, &api, &json!({})).await;
    assert_eq!((status, bobs["state"].as_str()), (201, Some("waitlisted")), "{bobs}");
    let (status, again) = bob.api(reqwest::Method::POST, &api, &json!({})).await;
    assert_eq!(status, 409, "{again}");
    mail_with(app, "bob@registration.example", "On the waiting list").await;

    // Only the organisers see who registered, with their addresses.
    let list = format!("/api/v1/events/{slug}/registrations");
    let (status, all) = organiser.api(reqwest::Method::GET, &list, &json!({})).await;
    assert_eq!(status, 200, "{all}");
    let emails: Vec<_> = all.as_array().expect("a list").iter().filter_map(|r| r["email"].as_str()).collect();
    assert_eq!(emails, ["ann@registration.example", "bob@registration.example"]);
    assert_eq!(bob.api(reqwest::Method::GET, &list, &json!({})).await.0, 403);
    let shown = organiser.get(&format!("/events/{slug}/registrations")).await;
    assert_eq!(shown.status, 200);
    let shown = shown.body;
    assert!(shown.contains("bob@registration.example") && shown.contains("On the waiting list"), "{shown}");
    let (_, own) = bob.api(reqwest::Method::GET, &api, &json!({})).await;
    assert!(own.get("email").is_none(), "a registrant's own answer names no one: {own}");

    // Ann cancels on the page: her calendar drops the event, and Bob gets the seat.
    let cancelled = ann.submit(&page, &format!("{page}/cancel"), &[]).await;
    assert_eq!(cancelled.status, 303);
    let mail = mail_with(app, "ann@registration.example", "Registration cancelled").await;
    assert!(mail.contains("METHOD:CANCEL") && mail.contains("STATUS:CANCELLED"), "{mail}");
    mail_with(app, "bob@registration.example", "Registered: Urology AI meetup").await;
    let (_, own) = bob.api(reqwest::Method::GET, &api, &json!({})).await;
    assert_eq!(own["state"], "confirmed");
    let refused = ann.submit(&page, &format!("{page}/cancel"), &[]).await;
    assert_eq!(refused.status, 409);
    assert!(refused.body.contains("You are not registered for this event"), "{}", refused.body);

    // The event as a file, the agenda and its feeds.
    let (status, file) = app.get_text(&format!("/events/{slug}/calendar.ics"), "en").await;
    assert_eq!(status, 200);
    assert!(file.contains(&format!("UID:event-{slug}@hub.test")) && file.contains("SUMMARY:Urology AI meetup"));
    let (_, agenda) = app.get_text("/agenda", "en").await;
    assert!(agenda.contains("Urology AI meetup") && agenda.contains("12 May 2099, 18:00"), "{agenda}");
    for feed in ["/feeds/agenda.ics".to_owned(), format!("/organisations/{ORGANISER}/agenda.ics")] {
        let (status, text) = app.get_text(&feed, "en").await;
        assert_eq!(status, 200, "{feed}");
        assert!(text.contains(&format!("UID:event-{slug}@hub.test")), "{feed}: {text}");
    }
    let (_, other) = app.get_text("/organisations/sanquin/agenda.ics", "en").await;
    assert!(!other.contains("Urology AI meetup"), "another organisation's agenda");

    // Bob's personal calendar at a secret address; a new address ends the old one.
    let made = bob.submit("/account/registrations", "/account/calendar", &[]).await;
    assert_eq!(made.status, 200);
    let secret_url = secret(&made.body);
    let path = secret_url.trim_start_matches(crate::support::PUBLIC_URL).to_owned();
    let (status, calendar) = app.get_text(&path, "en").await;
    assert_eq!(status, 200);
    assert!(calendar.contains(&format!("UID:event-{slug}@hub.test")) && calendar.contains("STATUS:CONFIRMED"));
    let renewed = bob.submit("/account/registrations", "/account/calendar", &[]).await;
    assert_ne!(secret(&renewed.body), secret_url);
    assert_eq!(app.get_text(&path, "en").await.0, 404);
    let (_, mine) = bob.api(reqwest::Method::GET, "/api/v1/me/registrations", &json!({})).await;
    assert_eq!(mine[0]["event"], slug.as_str());
}

/// The secret address a page shows once.
fn secret(body: &str) -> String {
    let start = body.find("<code class=\"secret\">").expect("the address") + "<code class=\"secret\">".len();
    body[start..].split('<').next().expect("the address").to_owned()
}
