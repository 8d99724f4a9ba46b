//! Joint acquisition in the browser: a partner's staff member enters a lead for a company
//! the directory knows, notes a call, moves it on, makes a secret link and opens the
//! soft-landing package; the company opens it through the link without an account; anyone
//! reads the public counts.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{ensure, Context, Result};

use super::chrome::{Arrival, Session};
use super::member::{sign_in, sign_out};
use crate::authorization_matrix::staff;
use crate::browser::{grant, Browser, PASSWORD};

/// A partner organisation no other flow or test changes, and a company of the directory.
const PARTNER: &str = "turing-foundation";
const COMPANY: &str = "Nestlé (Netherlands)";

/// Submits the lead page's form for `change`, and waits for the page.
async fn submit(s: &mut Session, change: &str) -> Result<()> {
    let button = format!("form:has(input[name=change][value={change}]) button[type=submit]");
    s.find(&button).await.with_context(|| format!("the {change} form"))?.click().await?;
    s.arrived("lead", Arrival::Page).await
}

pub async fn enter_a_lead_and_share_its_package(s: &mut Session) -> Result<()> {
    let app = s.app()?;
    let run = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
    let (admin_email, staff_email) =
        (format!("admin.{run}@lead-flow.example"), format!("staff.{run}@lead-flow.example"));
    let mut admin = Browser::at(app, 269);
    admin.sign_up("Lead Flow Admin", &admin_email, PASSWORD).await;
    grant(app, &admin_email, "admin");
    let partner =
        admin.submit("/admin/partners", "/admin/partners", &[("organisation", PARTNER), ("partner", "yes")]).await;
    ensure!(partner.status == 303, "the partner organisation");
    staff(app, &mut admin, 269, &staff_email, PARTNER, "partner").await;

    sign_in(s, &staff_email).await?;
    s.open("/leads", "leads", Arrival::Page).await?;
    s.find("main a[href='/leads/new']").await?.click().await?;
    s.arrived("lead-form", Arrival::Page).await?;
    s.fill("f-company", COMPANY).await?;
    s.fill("f-jobs", "35").await?;
    s.fill("f-summary", "Clinical nutrition research").await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("lead", Arrival::Page).await?;
    let lead = s.path().await?;
    ensure!(lead.starts_with("/leads/"), "on the lead's page: {lead}");

    s.fill("f-text", "Met their site manager at the Science Park.").await?;
    submit(s, "note").await?;
    s.find("#f-stage option[value=visit]").await?.click().await?;
    submit(s, "stage").await?;
    let main = s.find("main").await?.text().await?;
    ensure!(main.contains("Met their site manager") && main.contains("Visit"), "the timeline: {main}");
    s.fill("f-days", "7").await?;
    submit(s, "make-link").await?;
    let link = s.find("code.secret").await?.text().await?;
    // The link names the hub's public address; the test server answers the same path.
    let path = link.find("/soft-landing?key=").map(|at| link[at..].trim().to_owned()).context("a link")?;
    s.open(&format!("{lead}/package"), "package", Arrival::Page).await?;
    sign_out(s).await?;

    // The company, without an account.
    s.open(&path, "package", Arrival::Page).await?;
    let main = s.find("main").await?.text().await?;
    ensure!(main.contains(COMPANY) && !main.contains("site manager"), "the company's package: {main}");
    s.open("/impact", "impact", Arrival::Page).await?;
    Ok(())
}
