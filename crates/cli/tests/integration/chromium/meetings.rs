//! One-to-one meetings in the browser: at a matchmaking day where both hold a seat, one
//! participant publishes a profile, the other asks for a meeting from the participants'
//! page, and the one asked accepts in a slot and finds it on their agenda, with the other's
//! address now shown.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{ensure, Context, Result};
use serde_json::json;

use super::chrome::{Arrival, Session};
use super::member::take_session;
use crate::authorization_matrix::staff;
use crate::browser::{grant, Browser, PASSWORD};

/// An organisation no other flow or test changes.
const ORGANISER: &str = "princess-maxima-center";

pub async fn ask_and_accept_a_meeting(s: &mut Session) -> Result<()> {
    let app = s.app()?;
    let run = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
    let email = |who: &str| format!("{who}.{run}@meetings-flow.example");
    let mut admin = Browser::at(app, 340);
    admin.sign_up("Meetings Flow Admin", &email("admin"), PASSWORD).await;
    grant(app, &email("admin"), "admin");
    let mut organiser = staff(app, &mut admin, 341, &email("organiser"), ORGANISER, "member").await;
    let input = json!({
        "organisation": ORGANISER, "type": "matchmaking-day", "titleEn": format!("Paediatric AI matchmaking ({run})"),
        "place": "Heidelberglaan 25, Utrecht", "starts": "2099-10-05 10:00", "ends": "2099-10-05 12:00",
        "language": "en", "meetingMinutes": 20, "meetingTables": 5,
    });
    let (status, created) = organiser.api(reqwest::Method::POST, "/api/v1/events", &input).await;
    ensure!(status == 201, "the matchmaking day: {created}");
    let slug = created["slug"].as_str().context("a slug")?.to_owned();
    let (status, published) = organiser
        .api(reqwest::Method::POST, &format!("/api/v1/events/{slug}/state"), &json!({"transition": "publish"}))
        .await;
    ensure!(status == 200, "published: {published}");
    // Both hold a seat.
    let (ann, bob) = (format!("Ann Flow {run}"), format!("Bob Flow {run}"));
    let mut people = Vec::new();
    for (host, name, who) in [(342, &ann, "ann"), (343, &bob, "bob")] {
        let mut person = Browser::at(app, host);
        person.sign_up(name, &email(who), PASSWORD).await;
        let (status, seat) =
            person.api(reqwest::Method::POST, &format!("/api/v1/events/{slug}/registration"), &json!({})).await;
        ensure!(status == 201 && seat["state"] == "confirmed", "a seat: {seat}");
        if who == "bob" {
            let profile = json!({"organisation": "Bob Diagnostics", "offers": "Paediatric imaging models"});
            let (status, saved) =
                person.api(reqwest::Method::PUT, &format!("/api/v1/events/{slug}/meetings/profile"), &profile).await;
            ensure!(status == 200, "Bob's profile: {saved}");
        }
        people.push(person);
    }
    let meetings = format!("/events/{slug}/meetings");

    // Ann publishes her profile and asks Bob.
    take_session(s, &people[0]).await?;
    s.open(&format!("/events/{slug}"), "event", Arrival::Page).await?;
    s.find(&format!("main a[href='{meetings}']")).await?.click().await?;
    s.arrived("meetings", Arrival::Page).await?;
    s.find(&format!("main a[href='{meetings}/profile']")).await?.click().await?;
    s.arrived("meeting-profile", Arrival::Page).await?;
    s.fill("f-seeks", "Imaging models for children's hospitals").await?;
    s.find("main form button[type=submit]").await?.click().await?;
    s.arrived("meetings", Arrival::Page).await?;
    let bob_profile = s.find("section.meeting-profile").await?;
    ensure!(bob_profile.text().await?.contains("Bob Diagnostics"), "Bob's profile is listed");
    let message = bob_profile.find(fantoccini::Locator::Css("textarea[name=message]")).await?;
    message.send_keys("Could we talk about your models?").await?;
    bob_profile.find(fantoccini::Locator::Css("button[type=submit]")).await?.click().await?;
    s.arrived("meetings", Arrival::Page).await?;
    let requests = s.find("ul.meeting-requests").await?.text().await?;
    ensure!(requests.contains(&bob) && requests.contains("Waiting for an answer"), "asked: {requests}");

    // Bob accepts in the first free slot; the meeting, with Ann's address, is on his agenda.
    take_session(s, &people[1]).await?;
    s.open(&meetings, "meetings", Arrival::Page).await?;
    s.find("li.meeting-request a").await?.click().await?;
    s.arrived("meeting-request", Arrival::Page).await?;
    let before = s.find("main").await?.text().await?;
    ensure!(!before.contains(&email("ann")), "no address before acceptance: {before}");
    s.find("main form:has(input[name=decision][value=accept]) button").await?.click().await?;
    s.arrived("meeting-request", Arrival::Page).await?;
    let slot = s.find(".meeting-slot").await?.text().await?;
    ensure!(slot.contains("10:00–10:20") && slot.contains("table 1"), "placed: {slot}");
    let contact = s.find(".meeting-contact").await?.text().await?;
    ensure!(contact.contains(&email("ann")), "Ann's address once accepted: {contact}");
    s.open(&format!("{meetings}/agenda"), "meeting-agenda", Arrival::Page).await?;
    let agenda = s.find("tr.agenda-meeting").await?.text().await?;
    ensure!(agenda.contains(&ann) && agenda.contains("10:00–10:20"), "on the agenda: {agenda}");
    Ok(())
}
