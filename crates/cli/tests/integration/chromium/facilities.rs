//! Facilities in the browser: staff list an instrument (a slot off the five-minute grid is
//! refused on the form first) and publish it; a member books it for their organisation (a
//! start off the facility's grid is refused, in words); the staff confirm the request from
//! their day view, and the member sees it confirmed among their bookings.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{ensure, Context, Result};
use chrono::{Days, Utc};

use super::chrome::{Arrival, Session};
use super::member::take_session;
use crate::authorization_matrix::staff;
use crate::browser::{grant, Browser, PASSWORD};

/// Organisations no other flow or test writes for.
const OWNER: &str = "wageningen-university-research";
const CUSTOMER: &str = "delft-university-of-technology";

pub async fn list_book_and_confirm(s: &mut Session) -> Result<()> {
    let app = s.app()?;
    let run = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
    let (admin_email, staff_email, booker_email) = (
        format!("admin.{run}@facility-flow.example"),
        format!("core.{run}@facility-flow.example"),
        format!("sam.{run}@facility-flow.example"),
    );
    let mut admin = Browser::at(app, 351);
    admin.sign_up("Facility Flow Admin", &admin_email, PASSWORD).await;
    grant(app, &admin_email, "admin");
    let runner = staff(app, &mut admin, 352, &staff_email, OWNER, "member").await;
    let booker = staff(app, &mut admin, 353, &booker_email, CUSTOMER, "member").await;
    let day = Utc::now().date_naive().checked_add_days(Days::new(2)).context("a date")?.to_string();

    // The staff list an instrument; a slot off the five-minute grid is refused first.
    take_session(s, &runner).await?;
    s.open("/facilities", "facilities", Arrival::Page).await?;
    s.find("main a[href^='/facilities/new']").await.context("the link to add a facility")?.click().await?;
    s.arrived("facility-form", Arrival::Page).await?;
    if let Ok(owner) = s.find(&format!("#f-organisation option[value='{OWNER}']")).await {
        owner.click().await?;
    }
    let title = format!("Confocal microscope ({run})");
    s.find("#f-type option[value=microscope]").await?.click().await?;
    s.fill("f-title_en", &title).await?;
    s.fill("f-description_en", "A spinning-disk confocal microscope for live-cell imaging.").await?;
    s.fill("f-contact", "Imaging desk, +31 317 48 0000").await?;
    s.fill("f-rate_academic", "45").await?;
    s.fill("f-slot_minutes", "7").await?;
    s.find("#f-approval_required").await?.click().await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("facility-form-problem", Arrival::ErrorPage).await?;
    let problem = s.find("#f-slot_minutes-error").await.context("the slot's error")?.text().await?;
    ensure!(problem.contains("multiple of 5"), "the grid is explained: {problem}");
    s.fill("f-slot_minutes", "30").await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("facility", Arrival::Page).await?;
    let facility = s.path().await?;
    s.find("form[action$='/state']:has(input[name=transition][value=publish]) button").await?.click().await?;
    s.arrived("facility", Arrival::Page).await?;

    // A member books it for their organisation; a start off the grid is refused in words.
    take_session(s, &booker).await?;
    s.open(&facility, "facility", Arrival::Page).await?;
    s.find(&format!("main a[href='{facility}/book']")).await.context("the link to book")?.click().await?;
    s.arrived("booking-form", Arrival::Page).await?;
    s.find(&format!("#f-organisation option[value='{CUSTOMER}']")).await?.click().await?;
    s.set_value("f-starts", &format!("{day}T10:15")).await?;
    s.fill("f-minutes", "90").await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("booking-form-problem", Arrival::ErrorPage).await?;
    let problem = s.find("main").await?.text().await?;
    ensure!(problem.contains("30-minute grid"), "the grid is explained: {problem}");
    s.set_value("f-starts", &format!("{day}T10:00")).await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("my-bookings", Arrival::Page).await?;
    let main = s.find("main").await?.text().await?;
    ensure!(main.contains(&title) && main.contains("requested"), "the request is listed: {main}");

    // The staff confirm it from their day view.
    take_session(s, &runner).await?;
    s.open(&format!("{facility}/bookings?date={day}"), "facility-bookings", Arrival::Page).await?;
    s.find("form:has(input[name=move][value=confirm]) button").await.context("the confirm button")?.click().await?;
    s.arrived("facility-bookings", Arrival::Page).await?;
    let main = s.find("main").await?.text().await?;
    ensure!(main.contains("The booking was changed.") && main.contains("confirmed"), "confirmed: {main}");

    take_session(s, &booker).await?;
    s.open("/account/bookings", "my-bookings", Arrival::Page).await?;
    let main = s.find("main").await?.text().await?;
    ensure!(main.contains("confirmed"), "the member sees it confirmed: {main}");
    Ok(())
}
