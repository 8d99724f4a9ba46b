//! A call of another funder in the browser: a partner's staff enters it (a wrong amount is
//! refused on the form first), publishes it, and follows it to the calls, where a visitor
//! finds it by its funder; the staff then withdraws it, which closes it.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{ensure, Context, Result};
use chrono::{Duration, Utc};

use super::chrome::{Arrival, Session};
use super::member::{sign_in, sign_out};
use crate::authorization_matrix::staff;
use crate::browser::{grant, Browser, PASSWORD};

/// A partner organisation no other flow or test writes for.
const PARTNER: &str = "dutch-cancer-society";

pub async fn enter_publish_and_find(s: &mut Session) -> Result<()> {
    let app = s.app()?;
    let run = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
    let (admin_email, staff_email) =
        (format!("admin.{run}@funder-flow.example"), format!("staff.{run}@funder-flow.example"));
    let mut admin = Browser::at(app, 300);
    admin.sign_up("Funder Flow Admin", &admin_email, PASSWORD).await;
    grant(app, &admin_email, "admin");
    staff(app, &mut admin, 301, &staff_email, PARTNER, "partner").await;

    sign_in(s, &staff_email).await?;
    s.open("/funder-calls", "funder-calls", Arrival::Page).await?;
    s.find("main a[href^='/funder-calls/new']").await.context("the link to enter a call")?.click().await?;
    s.arrived("funder-call-form", Arrival::Page).await?;
    let title = format!("Early detection of cancer with imaging and AI ({run})");
    let funder = format!("KWF {run}");
    s.fill("f-funder", &funder).await?;
    s.fill("f-title", &title).await?;
    s.fill("f-description", "Projects that detect cancer earlier.").await?;
    s.fill("f-url", "https://www.kwf.nl/").await?;
    // It opens later and has no deadline yet: the other flows and tests on this server count
    // the real data's open calls and deadlines.
    s.fill("f-opening_date", &(Utc::now().date_naive() + Duration::days(60)).to_string()).await?;
    s.fill("f-budget_max", "1,2 mln").await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("funder-call-form-problem", Arrival::ErrorPage).await?;
    let problem = s.find("#f-budget_max-error").await.context("the amount's error")?.text().await?;
    ensure!(problem.contains("1,2 mln"), "the wrong amount is quoted: {problem}");
    s.fill("f-budget_max", "1200000").await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("funder-call", Arrival::Page).await?;
    let entry = s.path().await?;
    s.find("form[action$='/state']:has(input[name=transition][value=publish]) button").await?.click().await?;
    s.arrived("funder-call", Arrival::Page).await?;
    s.find("main a[href^='/calls/']").await.context("the link to its call")?.click().await?;
    s.arrived("call", Arrival::Page).await?;
    let main = s.find("main").await?.text().await?;
    ensure!(main.contains(&title) && main.contains("Open this call on the funder"), "its call: {main}");
    sign_out(s).await?;

    // A visitor finds it among the calls by its funder.
    s.open(&format!("/calls?programme={}", funder.replace(' ', "+")), "calls", Arrival::Page).await?;
    let main = s.find("main").await?.text().await?;
    ensure!(main.contains(&title), "listed among the calls: {main}");

    sign_in(s, &staff_email).await?;
    s.open(&entry, "funder-call", Arrival::Page).await?;
    s.find("form[action$='/state']:has(input[name=transition][value=archive]) button").await?.click().await?;
    s.arrived("funder-call", Arrival::Page).await?;
    s.find("main a[href^='/calls/']").await.context("the link to its call, closed")?.click().await?;
    s.arrived("call", Arrival::Page).await?;
    let status = s.find("main .status").await?.text().await?;
    ensure!(status == "Closed", "withdrawn, so closed: {status}");
    sign_out(s).await?;
    Ok(())
}
