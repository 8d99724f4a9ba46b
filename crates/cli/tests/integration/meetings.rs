//! One-to-one meetings at matchmaking days on both databases: profiles, requests, accepting
//! in a slot with a table, the rules on who may do what and until when, attendance, and
//! concurrent acceptances that never put two meetings at one table or one person in two
//! places; then the same through the pages and the API of a running hub, where addresses
//! reach the other side only with an accepted meeting.

use chrono::{DateTime, Duration, TimeZone, Utc};
use lshub_domain::authorization::Denial;
use lshub_domain::content::State;
use lshub_domain::event::meetings::{Attendance, MeetingProfileDraft, MeetingRefusal, RequestState, SlotRefusal};
use lshub_domain::event::{Event, EventDraft};
use lshub_service::meetings::{self as service, Day};
use lshub_service::{Caller, ServiceError};
use lshub_storage::events::Letter;
use lshub_storage::meetings::{MeetingChange, Participant, StoredMeeting};
use serde_json::json;

use crate::authorization_matrix::staff;
use crate::browser::{grant, Browser, PASSWORD};
use crate::builders::{per_backend_hub, Hub};
use crate::registrations::mail_with;
use crate::support::{per_backend, TestApp};

per_backend_hub!(meetings_follow_the_rules, concurrent_acceptances_never_double_book);
/// On the shared running hub of each database.
mod served {
    use super::*;
    per_backend!(meetings_work_through_pages_and_api);
}

/// A mail that names the request's state and its recipient.
fn letters(meeting: &StoredMeeting, to: &Participant) -> Letter {
    Letter { subject: format!("{} to {}", meeting.state.id(), to.name), body: String::new(), attachment: None }
}

fn registration_letter(
    _: &lshub_storage::events::StoredRegistration,
    _: &lshub_domain::content::Item<Event>,
) -> Letter {
    Letter { subject: String::new(), body: String::new(), attachment: None }
}

/// 1 March 2099, weeks before the day.
fn early() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2099, 3, 1, 9, 0, 0).single().expect("a time")
}

/// A published matchmaking day on 26 March 2099, 09:00–11:00 in Amsterdam, with
/// `minutes`-minute meetings at `tables` tables, and `people` with a confirmed seat.
async fn matchmaking_day(hub: &Hub, minutes: u32, tables: u32, people: usize) -> (Day, Caller, Vec<Caller>) {
    let owner = hub.organisation("Matchmaking Organiser").await;
    let organiser = hub.member_of(&owner).await;
    let draft = EventDraft {
        event_type: "matchmaking-day".into(),
        title_en: "AI in the clinic: matchmaking".into(),
        place: "Science Park 904, Amsterdam".into(),
        starts: "2099-03-26 09:00".into(),
        ends: "2099-03-26 11:00".into(),
        language: "en".into(),
        meeting_minutes: minutes.to_string(),
        meeting_tables: tables.to_string(),
        ..EventDraft::default()
    };
    let item = hub.item::<Event>(&organiser, &owner, draft, State::Published, None).await;
    let mut seated = Vec::new();
    for _ in 0..people {
        let person = hub.stranger().await;
        lshub_service::events::register(&hub.db, &person, &item.slug, early(), &registration_letter)
            .await
            .expect("a seat");
        seated.push(person);
    }
    // The registrations' own mails are another test's.
    mails(hub).await;
    (service::day(&hub.db, &item.slug).await.expect("a matchmaking day"), organiser, seated)
}

async fn profile(hub: &Hub, day: &Day, person: &Caller, offers: &str) {
    let draft = MeetingProfileDraft { offers: offers.into(), ..MeetingProfileDraft::default() };
    service::save_profile(&hub.db, person, day, &draft, early()).await.expect("a profile");
}

fn id(caller: &Caller) -> String {
    caller.user.as_ref().expect("a user").id.clone()
}

async fn mails(hub: &Hub) -> Vec<(String, String)> {
    let taken = hub.db.take_pending_mail(1000, 5, chrono::Duration::seconds(1)).await.expect("mails");
    taken.into_iter().map(|m| (m.recipient, m.subject)).collect()
}

fn refused(result: Result<StoredMeeting, ServiceError>) -> MeetingRefusal {
    match result {
        Err(ServiceError::MeetingRefused(refusal)) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn meetings_follow_the_rules(hub: Hub) {
    // Six 20-minute slots at two tables.
    let (day, organiser, people) = matchmaking_day(&hub, 20, 2, 3).await;
    assert_eq!((day.grid.slots, day.grid.tables), (6, 2));
    let [ann, bob, cas] = [&people[0], &people[1], &people[2]];
    let now = early();

    // Taking part needs a confirmed seat; asking needs both profiles.
    let outsider = hub.stranger().await;
    let draft = MeetingProfileDraft { offers: "Imaging data".into(), ..MeetingProfileDraft::default() };
    let denied = service::save_profile(&hub.db, &outsider, &day, &draft, now).await;
    assert!(matches!(denied, Err(ServiceError::Denied(Denial::Forbidden))), "{denied:?}");
    let empty = service::save_profile(&hub.db, ann, &day, &MeetingProfileDraft::default(), now).await;
    assert!(matches!(empty, Err(ServiceError::Invalid(_))), "{empty:?}");
    profile(&hub, &day, ann, "Federated learning on hospital data").await;
    let no_profile = service::ask(&hub.db, ann, &day, &id(bob), "", now, &letters).await;
    assert_eq!(refused(no_profile), MeetingRefusal::NoProfile);
    profile(&hub, &day, bob, "Pathology slides").await;
    profile(&hub, &day, cas, "A radiology start-up").await;
    assert_eq!(refused(service::ask(&hub.db, ann, &day, &id(ann), "", now, &letters).await), MeetingRefusal::AskedSelf);

    // Ann asks Bob; Bob is mailed. A second request between them either way is refused.
    let asked =
        service::ask(&hub.db, ann, &day, &id(bob), "Shall we talk about slides?", now, &letters).await.expect("asked");
    assert_eq!(asked.state, RequestState::Pending);
    let bob_email = bob.user.as_ref().expect("a user").email.clone();
    let bob_name = bob.user.as_ref().expect("a user").display_name.clone();
    assert_eq!(mails(&hub).await, [(bob_email.clone(), format!("pending to {bob_name}"))]);
    let twice = service::ask(&hub.db, bob, &day, &id(ann), "", now, &letters).await;
    assert_eq!(refused(twice), MeetingRefusal::AskedAlready);

    // Only Bob answers; he accepts in the third slot and gets the first table.
    let by_ann = service::change(&hub.db, ann, &day, &asked.id, MeetingChange::Accept { slot: 2 }, now, &letters).await;
    assert!(matches!(by_ann, Err(ServiceError::Denied(Denial::Forbidden))), "{by_ann:?}");
    let by_outsider = service::request(&hub.db, &outsider, &day, &asked.id).await;
    assert!(matches!(by_outsider, Err(ServiceError::Denied(Denial::Forbidden))));
    let slots = service::open_slots(&hub.db, &day, &asked).await.expect("slots");
    assert_eq!(slots, [0, 1, 2, 3, 4, 5]);
    let accepted = service::change(&hub.db, bob, &day, &asked.id, MeetingChange::Accept { slot: 2 }, now, &letters)
        .await
        .expect("accepted");
    assert_eq!(accepted.state, RequestState::Accepted);
    assert_eq!(accepted.placement.map(|p| (p.slot, p.table)), Some((2, 0)));
    let ann_email = ann.user.as_ref().expect("a user").email.clone();
    let ann_name = ann.user.as_ref().expect("a user").display_name.clone();
    assert_eq!(mails(&hub).await, [(ann_email, format!("accepted to {ann_name}"))], "Ann is told");
    let again = service::change(&hub.db, bob, &day, &asked.id, MeetingChange::Decline, now, &letters).await;
    assert_eq!(refused(again), MeetingRefusal::NotPending);

    // Cas asks Ann, who cannot take slot 2 again; slot 2 is gone from their choices.
    let cas_asks = service::ask(&hub.db, cas, &day, &id(ann), "", now, &letters).await.expect("asked");
    assert_eq!(service::open_slots(&hub.db, &day, &cas_asks).await.expect("slots"), [0, 1, 3, 4, 5]);
    let busy =
        service::change(&hub.db, ann, &day, &cas_asks.id, MeetingChange::Accept { slot: 2 }, now, &letters).await;
    assert_eq!(refused(busy), MeetingRefusal::Slot(SlotRefusal::Busy));
    let beyond =
        service::change(&hub.db, ann, &day, &cas_asks.id, MeetingChange::Accept { slot: 6 }, now, &letters).await;
    assert_eq!(refused(beyond), MeetingRefusal::Slot(SlotRefusal::NoSuchSlot));
    // Unanswered, it expires a day before the event.
    let late = day.event.item.record.starts_at - Duration::hours(23);
    let expired =
        service::change(&hub.db, ann, &day, &cas_asks.id, MeetingChange::Accept { slot: 0 }, late, &letters).await;
    assert_eq!(refused(expired), MeetingRefusal::AnswersClosed);
    assert_eq!(
        refused(service::ask(&hub.db, bob, &day, &id(cas), "", late, &letters).await),
        MeetingRefusal::AnswersClosed
    );
    service::change(&hub.db, ann, &day, &cas_asks.id, MeetingChange::Decline, now, &letters).await.expect("declined");

    // The agendas: each side's accepted meetings.
    let agenda = service::agenda(&hub.db, ann, &day).await.expect("Ann's agenda");
    assert_eq!(agenda.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), [asked.id.as_str()]);
    assert_eq!(agenda[0].other_side(&id(ann)).email, bob_email);
    assert!(service::agenda(&hub.db, cas, &day).await.expect("Cas's agenda").is_empty());

    // Attendance: the organisers, once the event has begun, for accepted meetings only.
    let begun = day.event.item.record.starts_at + Duration::minutes(90);
    let met = MeetingChange::Attendance(Attendance::RecipientAbsent);
    let too_early = service::change(&hub.db, &organiser, &day, &asked.id, met, now, &letters).await;
    assert_eq!(refused(too_early), MeetingRefusal::NotStarted);
    let by_bob = service::change(&hub.db, bob, &day, &asked.id, met, begun, &letters).await;
    assert!(matches!(by_bob, Err(ServiceError::Denied(Denial::Forbidden))));
    let entered = service::change(&hub.db, &organiser, &day, &asked.id, met, begun, &letters).await.expect("entered");
    assert_eq!(entered.attendance, Some(Attendance::RecipientAbsent));
    let declined = service::change(&hub.db, &organiser, &day, &cas_asks.id, met, begun, &letters).await;
    assert_eq!(refused(declined), MeetingRefusal::NotAccepted);
    let dashboard = service::dashboard(&hub.db, &organiser, &day).await.expect("the dashboard");
    assert_eq!(dashboard.len(), 2);
    assert!(matches!(service::dashboard(&hub.db, ann, &day).await, Err(ServiceError::Denied(Denial::Forbidden))));

    // Calling off: either side, until the event begins; the slot frees.
    let called_off = service::change(&hub.db, ann, &day, &asked.id, MeetingChange::CallOff, begun, &letters).await;
    assert_eq!(refused(called_off), MeetingRefusal::Begun);
    mails(&hub).await;
    let off = service::change(&hub.db, ann, &day, &asked.id, MeetingChange::CallOff, now, &letters).await.expect("off");
    assert_eq!((off.state, off.placement), (RequestState::Cancelled, None));
    assert_eq!(mails(&hub).await, [(bob_email, format!("cancelled to {bob_name}"))], "the other side is told");
    let again = service::ask(&hub.db, bob, &day, &id(ann), "Another try", now, &letters).await.expect("asked again");
    assert_eq!(service::open_slots(&hub.db, &day, &again).await.expect("slots"), [0, 1, 2, 3, 4, 5]);
}

async fn concurrent_acceptances_never_double_book(hub: Hub) {
    const PAIRS: usize = 12;
    let now = early();
    // One table: of twelve pairs accepting the same slot at once, one gets it.
    let (day, _, people) = matchmaking_day(&hub, 60, 1, PAIRS * 2).await;
    for person in &people {
        profile(&hub, &day, person, "Anything").await;
    }
    let mut requests = Vec::new();
    for pair in people.chunks(2) {
        requests.push(service::ask(&hub.db, &pair[0], &day, &id(&pair[1]), "", now, &letters).await.expect("asked"));
    }
    let accepting = requests.iter().zip(people.chunks(2)).map(|(request, pair)| {
        let (db, recipient, slug, request_id) =
            (hub.db.clone(), pair[1].clone(), day.event.item.slug.clone(), request.id.clone());
        tokio::spawn(async move {
            let day = service::day(&db, &slug).await.expect("the day");
            service::change(&db, &recipient, &day, &request_id, MeetingChange::Accept { slot: 0 }, now, &letters).await
        })
    });
    let mut placed = 0;
    for task in accepting.collect::<Vec<_>>() {
        match task.await.expect("task") {
            Ok(meeting) => {
                assert_eq!(meeting.placement.map(|p| (p.slot, p.table)), Some((0, 0)));
                placed += 1;
            }
            Err(ServiceError::MeetingRefused(MeetingRefusal::Slot(SlotRefusal::NoTable))) => {}
            Err(e) => panic!("unexpected: {e:?}"),
        }
    }
    assert_eq!(placed, 1, "one table, one meeting in the slot");

    // Many tables: one participant asked by eleven, who all accept the same slot at once.
    let (day, _, people) = matchmaking_day(&hub, 20, 50, PAIRS).await;
    for person in &people {
        profile(&hub, &day, person, "Anything").await;
    }
    let wanted = &people[0];
    let mut asked = Vec::new();
    for person in &people[1..] {
        asked.push(service::ask(&hub.db, person, &day, &id(wanted), "", now, &letters).await.expect("asked"));
    }
    let accepting = asked.iter().map(|request| {
        let (db, wanted, slug, request_id) =
            (hub.db.clone(), wanted.clone(), day.event.item.slug.clone(), request.id.clone());
        tokio::spawn(async move {
            let day = service::day(&db, &slug).await.expect("the day");
            service::change(&db, &wanted, &day, &request_id, MeetingChange::Accept { slot: 3 }, now, &letters).await
        })
    });
    let mut placed = 0;
    for task in accepting.collect::<Vec<_>>() {
        match task.await.expect("task") {
            Ok(_) => placed += 1,
            Err(ServiceError::MeetingRefused(MeetingRefusal::Slot(SlotRefusal::Busy))) => {}
            Err(e) => panic!("unexpected: {e:?}"),
        }
    }
    assert_eq!(placed, 1, "one person, one meeting in the slot");
    let all = service::agenda(&hub.db, wanted, &day).await.expect("the agenda");
    assert_eq!(all.len(), 1);
}

/// An organisation no other test writes for.
const ORGANISER: &str = "prinses-beatrix-spierfonds";

async fn meetings_work_through_pages_and_api(app: &TestApp) {
    let mut admin = Browser::at(app, 336);
    admin.sign_up("Meetings Admin", "admin@meetings.example", PASSWORD).await;
    grant(app, "admin@meetings.example", "admin");
    let mut organiser = staff(app, &mut admin, 337, "organiser@meetings.example", ORGANISER, "member").await;
    let input = json!({
        "organisation": ORGANISER, "type": "matchmaking-day", "titleEn": "Oncology AI matchmaking",
        "place": "Plesmanlaan 121, Amsterdam", "starts": "2099-06-10 13:00", "ends": "2099-06-10 15:00",
        "language": "en", "meetingMinutes": 30, "meetingTables": 4,
    });
    let (status, created) = organiser.api(reqwest::Method::POST, "/api/v1/events", &input).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["meetings"]["slots"], 4, "{created}");
    let slug = created["slug"].as_str().expect("a slug").to_owned();
    let (status, published) = organiser
        .api(reqwest::Method::POST, &format!("/api/v1/events/{slug}/state"), &json!({"transition": "publish"}))
        .await;
    assert_eq!(status, 200, "{published}");
    let meetings = format!("/events/{slug}/meetings");

    // Ann takes part once her seat is confirmed, and publishes her profile on the page.
    let mut ann = Browser::at(app, 338);
    ann.sign_up("Ann Matchmaker", "ann@meetings.example", PASSWORD).await;
    let before = ann.get(&meetings).await;
    assert!(before.body.contains("Only participants with a confirmed seat"), "{}", before.body);
    let registration = format!("/events/{slug}/registration");
    assert_eq!(ann.submit(&registration, &registration, &[]).await.status, 303);
    let profile = format!("{meetings}/profile");
    let empty = ann.submit(&profile, &profile, &[("offers", ""), ("seeks", "")]).await;
    assert_eq!(empty.status, 422, "{}", empty.body);
    let saved = ann
        .submit(&profile, &profile, &[("organisation", "Ann Labs"), ("offers", "Tumour segmentation"), ("seeks", "")])
        .await;
    assert_eq!((saved.status, saved.location.as_deref()), (303, Some(meetings.as_str())));

    // Bob, through the API.
    let mut bob = Browser::at(app, 339);
    bob.sign_up("Bob Matchmaker", "bob@meetings.example", PASSWORD).await;
    let (status, seat) =
        bob.api(reqwest::Method::POST, &format!("/api/v1/events/{slug}/registration"), &json!({})).await;
    assert_eq!((status, seat["state"].as_str()), (201, Some("confirmed")), "{seat}");
    let api = format!("/api/v1/events/{slug}/meetings");
    let (status, mine) =
        bob.api(reqwest::Method::PUT, &format!("{api}/profile"), &json!({"seeks": "Segmentation models"})).await;
    assert_eq!(status, 200, "{mine}");
    let (status, overview) = bob.api(reqwest::Method::GET, &api, &json!({})).await;
    assert_eq!(status, 200, "{overview}");
    let ann_profile = overview["profiles"].as_array().expect("profiles").iter().find(|p| p["name"] == "Ann Matchmaker");
    let ann_id = ann_profile.expect("Ann's profile")["userId"].as_str().expect("an id").to_owned();
    assert!(!overview.to_string().contains("ann@meetings.example"), "no address in profiles: {overview}");

    // Bob asks Ann; before she accepts, neither sees the other's address.
    let (status, asked) = bob
        .api(reqwest::Method::POST, &format!("{api}/requests"), &json!({"recipient": ann_id, "message": "Coffee?"}))
        .await;
    assert_eq!(status, 201, "{asked}");
    let request_id = asked["id"].as_str().expect("an id").to_owned();
    assert!(asked["recipient"].get("email").is_none(), "{asked}");
    mail_with(app, "ann@meetings.example", "Bob Matchmaker asks to meet you").await;
    let request_page = format!("{meetings}/requests/{request_id}");
    let shown = ann.get(&request_page).await;
    assert_eq!(shown.status, 200);
    assert!(!shown.body.contains("bob@meetings.example"), "hidden before acceptance");
    assert!(shown.body.contains("Addresses are shared once the meeting is accepted"));
    let (status, again) =
        bob.api(reqwest::Method::POST, &format!("{api}/requests"), &json!({"recipient": ann_id, "message": ""})).await;
    assert_eq!(status, 409, "{again}");
    let (_, by_bob) = bob
        .api(
            reqwest::Method::POST,
            &format!("{api}/requests/{request_id}/answer"),
            &json!({"decision": "accept", "slot": 0}),
        )
        .await;
    assert_eq!(by_bob["status"], 403, "the one who asked does not answer: {by_bob}");

    // Ann accepts on the page, at 13:30; Bob gets the meeting for his calendar.
    let accepted = ann.submit(&request_page, &request_page, &[("decision", "accept"), ("slot", "1")]).await;
    assert_eq!(accepted.status, 303, "{}", accepted.body);
    let shown = ann.get(&request_page).await.body;
    assert!(shown.contains("bob@meetings.example") && shown.contains("13:30–14:00"), "{shown}");
    let mail = mail_with(app, "bob@meetings.example", "Meeting accepted: Ann Matchmaker").await;
    for line in ["BEGIN:VCALENDAR", "DTSTART:20990610T113000Z", &format!("UID:meeting-{request_id}@hub.test")] {
        assert!(mail.contains(line), "{line} in {mail}");
    }
    let (_, seen) = bob.api(reqwest::Method::GET, &format!("{api}/requests/{request_id}"), &json!({})).await;
    assert_eq!((seen["state"].as_str(), seen["slot"]["table"].as_u64()), (Some("accepted"), Some(1)), "{seen}");
    assert_eq!(seen["recipient"]["email"], "ann@meetings.example");

    // The agendas: page, calendar file and PDF.
    let agenda = ann.get(&format!("{meetings}/agenda")).await;
    assert!(agenda.body.contains("Bob Matchmaker") && agenda.body.contains("13:30–14:00"), "{}", agenda.body);
    let file = ann.get(&format!("{meetings}/agenda.ics")).await;
    assert_eq!(file.status, 200);
    assert!(file.body.contains(&format!("UID:meeting-{request_id}@hub.test")), "{}", file.body);
    let pdf = ann.request(reqwest::Method::GET, &format!("{meetings}/agenda.pdf")).await.send().await.expect("PDF");
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.expect("bytes");
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    if let Some(text) = crate::leads::pdf_text(&bytes) {
        assert!(text.contains("13:30–14:00, table 1: Bob Matchmaker"), "{text}");
    }
    let (_, listed) = bob.api(reqwest::Method::GET, &format!("{api}/agenda"), &json!({})).await;
    assert_eq!(listed[0]["id"], request_id.as_str());

    // The organisers' dashboard lists it with both addresses; the others may not see it.
    let dashboard = organiser.get(&format!("{meetings}/dashboard")).await;
    assert_eq!(dashboard.status, 200);
    assert!(dashboard.body.contains("Ann Matchmaker (Ann Labs)") && dashboard.body.contains("Accepted: 1"));
    assert_eq!(ann.get(&format!("{meetings}/dashboard")).await.status, 403);
    let (status, all) = organiser.api(reqwest::Method::GET, &format!("{api}/dashboard"), &json!({})).await;
    assert_eq!((status, all[0]["requester"]["email"].as_str()), (200, Some("bob@meetings.example")), "{all}");
    let early = organiser
        .api(reqwest::Method::PUT, &format!("{api}/requests/{request_id}/attendance"), &json!({"attendance": "met"}))
        .await;
    assert_eq!(early.0, 409, "attendance waits for the event: {}", early.1);

    // Bob calls it off; Ann is told, and the slot is free again.
    let (status, off) = bob.api(reqwest::Method::DELETE, &format!("{api}/requests/{request_id}"), &json!({})).await;
    assert_eq!((status, off["state"].as_str()), (200, Some("cancelled")), "{off}");
    mail_with(app, "ann@meetings.example", "Meeting called off: Bob Matchmaker").await;
}
