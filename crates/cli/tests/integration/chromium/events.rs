//! Registration in the browser: an organiser's event takes registrations with approval; a
//! member registers and waits, the organiser approves on the list of registrations, and the
//! member sees the seat, makes the address of their calendar and finds the event on the
//! agenda.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{ensure, Context, Result};
use serde_json::json;

use super::chrome::{Arrival, Session};
use super::member::{sign_in, sign_out};
use crate::authorization_matrix::staff;
use crate::browser::{grant, Browser, PASSWORD};

/// An organisation no other flow or test changes.
const ORGANISER: &str = "netherlands-heart-institute";

pub async fn register_approve_and_subscribe(s: &mut Session) -> Result<()> {
    let app = s.app()?;
    let run = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
    let (admin_email, organiser_email, member_email) = (
        format!("admin.{run}@events-flow.example"),
        format!("organiser.{run}@events-flow.example"),
        format!("member.{run}@events-flow.example"),
    );
    let mut admin = Browser::at(app, 330);
    admin.sign_up("Events Flow Admin", &admin_email, PASSWORD).await;
    grant(app, &admin_email, "admin");
    let mut organiser = staff(app, &mut admin, 331, &organiser_email, ORGANISER, "member").await;
    Browser::at(app, 332).sign_up("Events Flow Member", &member_email, PASSWORD).await;
    let title = format!("Cardiac imaging and AI ({run})");
    let input = json!({
        "organisation": ORGANISER, "type": "lecture", "titleEn": title, "place": "Moreelsepark 1, Utrecht",
        "starts": "2099-09-14 15:00", "ends": "2099-09-14 17:00", "language": "en", "capacity": 30,
        "requiresApproval": true,
    });
    let (status, created) = organiser.api(reqwest::Method::POST, "/api/v1/events", &input).await;
    ensure!(status == 201, "the event: {created}");
    let slug = created["slug"].as_str().context("a slug")?.to_owned();
    let publish = json!({"transition": "publish"});
    let (status, published) =
        organiser.api(reqwest::Method::POST, &format!("/api/v1/events/{slug}/state"), &publish).await;
    ensure!(status == 200, "published: {published}");

    // The member registers from the event's page and waits for approval.
    sign_in(s, &member_email).await?;
    s.open(&format!("/events/{slug}"), "event", Arrival::Page).await?;
    s.find(&format!("main a[href='/events/{slug}/registration']")).await?.click().await?;
    s.arrived("registration", Arrival::Page).await?;
    s.find("main form[action$='/registration'] button[type=submit]").await?.click().await?;
    s.arrived("registration", Arrival::Page).await?;
    let state = s.find(".registration-state").await?.text().await?;
    ensure!(state.contains("Waiting for the organiser's approval"), "pending: {state}");
    sign_out(s).await?;

    // The organiser approves on the list.
    sign_in(s, &organiser_email).await?;
    s.open(&format!("/events/{slug}/registrations"), "registrations", Arrival::Page).await?;
    s.find("tr.registrant form:has(input[name=decision][value=approve]) button").await?.click().await?;
    s.arrived("registrations", Arrival::Page).await?;
    let row = s.find("tr.registrant").await?.text().await?;
    ensure!(row.contains(&member_email) && row.contains("Confirmed"), "approved: {row}");
    sign_out(s).await?;

    // The member has the seat, a calendar address, and the event on the agenda.
    sign_in(s, &member_email).await?;
    s.open("/account/registrations", "my-registrations", Arrival::Page).await?;
    let listed = s.find("ul.registrations").await?.text().await?;
    ensure!(listed.contains(&title) && listed.contains("Confirmed"), "listed: {listed}");
    s.find("main form[action='/account/calendar'] button").await?.click().await?;
    s.arrived("my-registrations", Arrival::Page).await?;
    let address = s.find("code.secret").await?.text().await?;
    ensure!(address.contains("/feeds/calendar/"), "the calendar's address: {address}");
    s.open("/agenda", "agenda", Arrival::Page).await?;
    let agenda = s.find("main").await?.text().await?;
    ensure!(agenda.contains(&title), "on the agenda: {agenda}");
    Ok(())
}
