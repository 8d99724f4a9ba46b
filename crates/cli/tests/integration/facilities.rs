//! Shared facilities and their bookings, on both databases. On the real server: staff list
//! a facility; a member books it through the pages and the API under its rules (training
//! first, the slot grid, the buffer, approval), refused in the page's language; the staff
//! confirm from their day view; busy times reach a public calendar without names, one's
//! bookings one's personal calendar, and the month's usage a CSV for invoicing. On hubs of
//! their own: many concurrent requests for the same and for overlapping times never book
//! one time twice, and the database itself refuses a second claim on a slot; a recurring
//! request is booked whole or not at all; quotas hold.

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{DateTime, Days, Utc};
use lshub_domain::content::State;
use lshub_domain::facility::booking::{BookingDraft, BookingRefusal, BookingState};
use lshub_domain::facility::{Facility, FacilityDraft};
use lshub_domain::Organisation;
use lshub_service::clock::Clock;
use lshub_service::facilities as service;
use lshub_service::{Caller, ServiceError};
use serde_json::json;

use crate::browser::{grant, Browser, PASSWORD};
use crate::builders::{per_backend_hub, Hub};
use crate::news::member_of;
use crate::support::{per_backend, TestApp};

per_backend!(a_facility_is_booked_under_its_rules_through_pages_and_the_api);

mod contention {
    use super::*;
    per_backend_hub!(
        concurrent_requests_never_book_one_time_twice,
        a_recurring_request_is_booked_whole_or_not_at_all_and_quotas_hold
    );
}

const OWNER: &str = "maastricht-university";
const BOOKER_ORGANISATION: &str = "clinical-trial-center-maastricht";

/// The region's date `days` from today.
fn in_days(days: u64) -> String {
    Clock::default().today().checked_add_days(Days::new(days)).expect("date").to_string()
}

async fn a_facility_is_booked_under_its_rules_through_pages_and_the_api(app: &TestApp) {
    let mut admin = Browser::new(app, 220);
    admin.sign_up("Facility Admin", "admin@facility.example", PASSWORD).await;
    grant(app, "admin@facility.example", "admin");
    let mut staff = member_of(app, &mut admin, 221, "staff@facility.example", OWNER).await;
    let mut booker = member_of(app, &mut admin, 222, "booker@facility.example", BOOKER_ORGANISATION).await;
    let mut visitor = Browser::new(app, 223);

    // Bad rules are refused field by field.
    let mut form = vec![
        ("organisation", OWNER),
        ("type", "cryo-em"),
        ("title_en", "Krios cryo-EM of Maastricht"),
        ("description_en", "A 300 kV cryo-electron microscope for single-particle analysis."),
        ("location", "Universiteitssingel 50, Maastricht"),
        ("contact", "Cryo-EM desk, +31 43 388 2222"),
        ("rate_internal", "-5"),
        ("rate_academic", "120.50"),
        ("slot_minutes", "7"),
        ("min_minutes", "60"),
        ("max_minutes", "240"),
        ("buffer_minutes", "30"),
        ("max_notice_days", "60"),
        ("training_required", "true"),
        ("approval_required", "true"),
    ];
    let refused = staff.submit("/facilities/new", "/facilities", &form).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("f-rate_internal-error") && refused.body.contains("f-slot_minutes-error"));
    form[6] = ("rate_internal", "95");
    form[8] = ("slot_minutes", "60");
    let created = staff.submit("/facilities/new", "/facilities", &form).await;
    assert_eq!(created.status, 303, "{}", created.body);
    let page = created.location.expect("the facility's page");
    let slug = page.trim_start_matches("/facilities/").to_owned();
    let published = staff.submit(&page, &format!("{page}/state"), &[("transition", "publish")]).await;
    assert_eq!(published.status, 303);
    let shown = visitor.get(&page).await;
    assert!(shown.body.contains("€120.50 per hour") && shown.body.contains("The staff confirm each booking."));

    // Training first, refused in the page's language.
    let day = in_days(2);
    let book = format!("/facilities/{slug}/book");
    let at = |time: &str| format!("{day} {time}");
    let ten = at("10:00");
    let request = [("organisation", BOOKER_ORGANISATION), ("starts", ten.as_str()), ("minutes", "120")];
    let unnamed = booker.submit(&book, &book, &[("organisation", ""), request[1], request[2]]).await;
    assert_eq!(unnamed.status, 422, "{}", unnamed.body);
    assert!(unnamed.body.contains("f-organisation-error"), "the organisation booked for is asked");
    booker.get("/language/nl").await;
    let untrained = booker.submit(&book, &book, &request).await;
    assert_eq!(untrained.status, 409, "{}", untrained.body);
    assert!(untrained.body.contains("als getraind markeren"), "{}", untrained.body);
    booker.get("/language/en").await;
    let trained = staff
        .submit(
            &format!("/facilities/{slug}/bookings"),
            &format!("/facilities/{slug}/trained"),
            &[("email", "booker@facility.example")],
        )
        .await;
    assert_eq!(trained.status, 303, "{}", trained.body);

    // Off the grid, then booked: it waits for the staff.
    let half_past = at("10:30");
    let off_grid = booker.submit(&book, &book, &[request[0], ("starts", half_past.as_str()), request[2]]).await;
    assert_eq!(off_grid.status, 409);
    assert!(off_grid.body.contains("60-minute grid"), "{}", off_grid.body);
    let booked = booker.submit(&book, &book, &request).await;
    assert_eq!(booked.status, 303, "{}", booked.body);
    assert!(booker.get("/account/bookings").await.body.contains("requested"));

    // The same time, and the buffer after it, are taken; the staff book right after it
    // without anyone's approval.
    let staff_booking = |starts: String| json!({"starts": starts, "minutes": 60, "organisation": OWNER});
    let (status, _) = staff
        .api(reqwest::Method::POST, &format!("/api/v1/facilities/{slug}/bookings"), &staff_booking(at("11:00")))
        .await;
    assert_eq!(status, 409);
    let (status, _) = staff
        .api(reqwest::Method::POST, &format!("/api/v1/facilities/{slug}/bookings"), &staff_booking(at("12:00")))
        .await;
    assert_eq!(status, 409, "the buffer after the booking is kept free");
    let (status, own) = staff
        .api(reqwest::Method::POST, &format!("/api/v1/facilities/{slug}/bookings"), &staff_booking(at("13:00")))
        .await;
    assert_eq!(status, 201, "{own}");
    assert_eq!(own[0]["state"], "confirmed");
    assert_eq!(own[0]["userType"], "internal");

    // The staff see the request and confirm it from their day view.
    let (status, list) =
        staff.api(reqwest::Method::GET, &format!("/api/v1/facilities/{slug}/bookings"), &json!({})).await;
    assert_eq!(status, 200);
    let request_id = list
        .as_array()
        .and_then(|all| all.iter().find(|b| b["state"] == "requested"))
        .and_then(|b| b["id"].as_str())
        .expect("the request")
        .to_owned();
    let day_view = format!("/facilities/{slug}/bookings?date={day}");
    let view = staff.get(&day_view).await;
    assert_eq!(view.status, 200);
    assert!(view.body.contains("Requests waiting for you") && view.body.contains("News Writer"));
    let confirmed = staff
        .submit(
            &day_view,
            &format!("/facilities/{slug}/bookings/{request_id}"),
            &[("move", "confirm"), ("day", day.as_str())],
        )
        .await;
    assert_eq!(confirmed.status, 303, "{}", confirmed.body);
    assert!(booker.get("/account/bookings").await.body.contains("confirmed"));
    let (status, _) = booker
        .api(
            reqwest::Method::POST,
            &format!("/api/v1/facilities/{slug}/bookings/{request_id}"),
            &json!({"move": "complete"}),
        )
        .await;
    assert_eq!(status, 404, "a booker only cancels");
    let denied = visitor.get(&day_view).await;
    assert_eq!(denied.status, 303, "visitors are sent to sign in");

    // Busy times for anyone, without names; one's bookings in one's personal calendar.
    let busy = visitor.get(&format!("/facilities/{slug}/busy.ics")).await;
    assert_eq!(busy.status, 200);
    assert_eq!(busy.body.matches("SUMMARY:Busy").count(), 2, "{}", busy.body);
    assert!(!busy.body.contains("News Writer") && !busy.body.contains("Clinical"));
    let made = booker.submit("/account/registrations", "/account/calendar", &[]).await;
    let secret_path = made
        .body
        .split("<code class=\"secret\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .and_then(|url| url.find("/feeds/calendar/").map(|at| url[at..].to_owned()))
        .expect("the address");
    let feed = booker.get(&secret_path).await;
    assert!(feed.body.contains("SUMMARY:Krios cryo-EM of Maastricht"), "{}", feed.body);

    // The month's usage, for invoicing.
    let month = &day[..7];
    let csv = staff.get(&format!("/facilities/{slug}/usage.csv?month={month}")).await;
    assert_eq!(csv.status, 200);
    assert!(csv.body.starts_with("booking,start,end,hours,user_type"), "{}", csv.body);
    assert!(
        csv.body.contains(",2.00,academic,Clinical Trial Center Maastricht,News Writer,confirmed,120.50,241.00"),
        "{}",
        csv.body
    );
    let (status, usage) =
        staff.api(reqwest::Method::GET, &format!("/api/v1/facilities/{slug}/usage?month={month}"), &json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(usage["totals"]["academic"]["amountCents"], 24_100);
    assert_eq!(usage["totals"]["internal"]["minutes"], 60);
    assert_eq!(visitor.get(&format!("/facilities/{slug}/usage.csv")).await.status, 303);

    // Cancelled, the time is free again; a recurring request books each week.
    let (status, cancelled) = booker
        .api(
            reqwest::Method::POST,
            &format!("/api/v1/facilities/{slug}/bookings/{request_id}"),
            &json!({"move": "cancel"}),
        )
        .await;
    assert_eq!((status, cancelled["state"].as_str()), (200, Some("cancelled")));
    let (status, _) = staff
        .api(reqwest::Method::POST, &format!("/api/v1/facilities/{slug}/bookings"), &staff_booking(at("11:00")))
        .await;
    assert_eq!(status, 201, "the cancelled booking's time is free");
    let three = at("15:00");
    let weekly_request =
        [request[0], ("starts", three.as_str()), ("minutes", "60"), ("repeat", "weekly"), ("occurrences", "3")];
    let weekly = booker.submit(&book, &book, &weekly_request).await;
    assert_eq!(weekly.status, 303, "{}", weekly.body);
    let (_, mine) = booker.api(reqwest::Method::GET, "/api/v1/me/bookings", &json!({})).await;
    let series: Vec<_> = mine.as_array().expect("bookings").iter().filter(|b| b["state"] == "requested").collect();
    assert_eq!(series.len(), 3);
    assert!(series.iter().all(|b| b["series"] == series[0]["series"]));
    let export = booker.get("/account/export").await;
    let export: serde_json::Value = serde_json::from_str(&export.body).expect("the export is JSON");
    let exported = export["bookings"].as_array().expect("the account's export holds the bookings");
    assert_eq!(exported.len(), 4, "one cancelled, three requested: {exported:?}");
    assert!(exported.iter().all(|b| b["facility"] == slug.as_str()));
}

fn draft(rates: (&str, &str, &str)) -> FacilityDraft {
    FacilityDraft {
        facility_type: "sequencer".into(),
        title_en: "NovaSeq X".into(),
        description_en: "A production-scale sequencer.".into(),
        contact: "Genomics desk".into(),
        rate_internal: rates.0.into(),
        rate_academic: rates.1.into(),
        rate_industry: rates.2.into(),
        slot_minutes: "30".into(),
        min_minutes: "30".into(),
        max_minutes: "240".into(),
        ..FacilityDraft::default()
    }
}

async fn facility(hub: &Hub, draft: FacilityDraft) -> (Organisation, String) {
    let owner = hub.organisation("Genomics Core Facility").await;
    let staff = hub.member_of(&owner).await;
    let item = hub.item::<Facility>(&staff, &owner, draft, State::Published, None).await;
    (owner, item.slug)
}

fn request(organisation: &Organisation, starts: String, minutes: u32) -> BookingDraft {
    BookingDraft {
        starts,
        minutes: minutes.to_string(),
        organisation: organisation.slug.clone(),
        ..BookingDraft::default()
    }
}

async fn concurrent_requests_never_book_one_time_twice(hub: Hub) {
    let (_, slug) = facility(&hub, draft(("", "", "80"))).await;
    let mut bookers: Vec<(Caller, Organisation)> = Vec::new();
    for n in 0..12 {
        let organisation = hub.organisation(&format!("Sequencing Customer {n}")).await;
        bookers.push((hub.member_of(&organisation).await, organisation));
    }
    let clock = Clock::default();
    let (first_day, second_day) = (in_days(3), in_days(4));

    // Every booker asks for each of ten hours at once; then for 90 minutes from every half
    // hour, each overlapping its neighbours.
    let mut asked: Vec<(usize, BookingDraft)> = Vec::new();
    for hour in 8..18 {
        for (n, (_, organisation)) in bookers.iter().enumerate() {
            asked.push((n, request(organisation, format!("{first_day} {hour:02}:00"), 60)));
        }
    }
    for half_hour in 16..34 {
        for (n, (_, organisation)) in bookers.iter().enumerate().take(4) {
            let starts = format!("{second_day} {:02}:{:02}", half_hour / 2, (half_hour % 2) * 30);
            asked.push((n, request(organisation, starts, 90)));
        }
    }
    let total = asked.len();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (n, draft) in asked {
        let (db, clock, caller, slug) = (hub.db.clone(), clock.clone(), bookers[n].0.clone(), slug.clone());
        tasks.spawn(async move {
            let starts = draft.starts.clone();
            (starts, service::book(&db, &clock, &caller, &slug, draft).await)
        });
    }
    let mut won: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    let mut winners_per_start: BTreeMap<String, usize> = BTreeMap::new();
    while let Some(joined) = tasks.join_next().await {
        let (starts, outcome) = joined.expect("a booking task");
        match outcome {
            Ok(booked) => {
                assert_eq!(booked.len(), 1);
                assert_eq!(booked[0].state, BookingState::Confirmed);
                won.push((booked[0].span.starts_at, booked[0].span.ends_at));
                *winners_per_start.entry(starts).or_default() += 1;
            }
            Err(ServiceError::BookingRefused(BookingRefusal::Taken { .. })) => {}
            Err(other) => panic!("only a taken time may refuse a request: {other}"),
        }
    }
    let elapsed = started.elapsed();
    let double_bookings = won
        .iter()
        .enumerate()
        .flat_map(|(i, a)| won[i + 1..].iter().map(move |b| (a, b)))
        .filter(|(a, b)| a.0 < b.1 && b.0 < a.1)
        .count();
    eprintln!(
        "bookings under contention ({:?}): {total} concurrent requests, {} booked, {double_bookings} double bookings, \
         {:.0} requests/s, {:.0} ms in all",
        hub.backend,
        won.len(),
        total as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1000.0
    );
    assert_eq!(double_bookings, 0);
    for hour in 8..18 {
        assert_eq!(winners_per_start.get(&format!("{first_day} {hour:02}:00")), Some(&1), "one winner at {hour}:00");
    }
    // Every request overlaps a winner or won, so the 90-minute winners from the 18 half
    // hours of 08:00–16:30 are at least four.
    assert!(won.len() >= 10 + 4, "{} booked", won.len());

    // The database refuses a second claim on a slot, whatever the code above it does.
    sqlx::any::install_default_drivers();
    let mut connection = <sqlx::AnyConnection as sqlx::Connection>::connect(&hub.url).await.expect("connect");
    let duplicate = sqlx::raw_sql(
        "INSERT INTO facility_slot_claims (facility_id, slot, booking_id) \
         SELECT facility_id, slot, booking_id FROM facility_slot_claims LIMIT 1",
    )
    .execute(&mut connection)
    .await;
    assert!(duplicate.is_err(), "a second claim on a claimed slot was stored");
}

async fn a_recurring_request_is_booked_whole_or_not_at_all_and_quotas_hold(hub: Hub) {
    let mut rules = draft(("", "", "80"));
    rules.quota_hours = "3".into();
    rules.quota_period = "week".into();
    rules.quota_per = "organisation".into();
    let (_, slug) = facility(&hub, rules).await;
    let clock = Clock::default();
    let customer = hub.organisation("Sequencing Customer").await;
    let (first, second) = (hub.member_of(&customer).await, hub.member_of(&customer).await);
    let monday = {
        let today = clock.today();
        let ahead = 7 - u64::from(chrono::Datelike::weekday(&today).num_days_from_monday());
        today.checked_add_days(Days::new(ahead + 7)).expect("date")
    };
    let on = |days: u64, time: &str| format!("{} {time}", monday.checked_add_days(Days::new(days)).expect("date"));

    // Someone else's booking in the third week makes a weekly request of three fail whole.
    service::book(&hub.db, &clock, &first, &slug, request(&customer, on(14, "09:00"), 60)).await.expect("booked");
    let mut weekly = request(&customer, on(0, "09:00"), 60);
    weekly.repeat = "weekly".into();
    weekly.occurrences = "3".into();
    let refused = service::book(&hub.db, &clock, &second, &slug, weekly.clone()).await;
    assert!(matches!(refused, Err(ServiceError::BookingRefused(BookingRefusal::Taken { .. }))), "{refused:?}");
    let since = Utc::now();
    assert!(service::mine(&hub.db, &second, since).await.expect("bookings").is_empty(), "nothing half-saved");

    // Three hours a week for the organisation, whoever of it books.
    service::book(&hub.db, &clock, &first, &slug, request(&customer, on(1, "09:00"), 120)).await.expect("2 hours");
    let over = service::book(&hub.db, &clock, &second, &slug, request(&customer, on(2, "09:00"), 90)).await;
    assert!(matches!(over, Err(ServiceError::BookingRefused(BookingRefusal::OverQuota { hours: 3, .. }))), "{over:?}");
    service::book(&hub.db, &clock, &second, &slug, request(&customer, on(2, "09:00"), 60))
        .await
        .expect("the third hour");
    service::book(&hub.db, &clock, &second, &slug, request(&customer, on(7, "09:00"), 60)).await.expect("next week");
    weekly.starts = on(21, "09:00");
    let booked = service::book(&hub.db, &clock, &second, &slug, weekly).await.expect("three weeks");
    assert_eq!(booked.len(), 3);
    assert!(booked.iter().all(|b| b.series_id == booked[0].series_id));
}
