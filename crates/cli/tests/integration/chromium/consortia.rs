//! The consortium builder in the browser: a member opens a workspace from a call's page,
//! invites an organisation of the directory, adds the partner abroad that the hub suggests
//! from its EU project (with the reason), and the invited organisation's member accepts.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{ensure, Context, Result};
use lshub_domain::CallStatus;
use lshub_storage::Database;

use super::chrome::{Arrival, Session};
use super::member::{sign_in, sign_out};
use super::projects::{prepare, INSTITUTE, PARTNER};
use crate::authorization_matrix::staff;
use crate::browser::{grant, Browser, PASSWORD};

/// A call that is not closed today, to open the workspace for.
async fn call_not_closed(database_url: &str) -> Result<String> {
    let today = chrono::Utc::now().date_naive();
    let db = Database::connect(database_url).await?;
    let calls = db.all_calls(lshub_domain::CallSort::Deadline).await?;
    db.close().await;
    calls
        .into_iter()
        .find(|c| c.content.status_on(today) != CallStatus::Closed)
        .map(|c| c.content.topic_id)
        .context("a call that is not closed")
}

pub async fn open_invite_accept(s: &mut Session) -> Result<()> {
    let app = s.app()?;
    prepare(&app.database_url).await?;
    let call = call_not_closed(&app.database_url).await?;
    let run = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
    let (admin_email, manager_email, invitee_email) = (
        format!("admin.{run}@consortium-flow.example"),
        format!("manager.{run}@consortium-flow.example"),
        format!("invitee.{run}@consortium-flow.example"),
    );
    let mut admin = Browser::at(app, 290);
    admin.sign_up("Consortium Flow Admin", &admin_email, PASSWORD).await;
    grant(app, &admin_email, "admin");
    staff(app, &mut admin, 291, &manager_email, INSTITUTE, "member").await;
    staff(app, &mut admin, 292, &invitee_email, PARTNER, "member").await;

    sign_in(s, &manager_email).await?;
    s.open(&format!("/calls/{call}"), "call", Arrival::Page).await?;
    s.find("a[href^='/consortia/new']").await.context("the call page's link")?.click().await?;
    s.arrived("consortium-form", Arrival::Page).await?;
    s.fill("f-acronym", "ZEBRA-AI").await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("consortium", Arrival::Page).await?;
    let workspace = s.path().await?;
    ensure!(workspace.starts_with("/consortia/"), "on the workspace: {workspace}");

    s.fill("f-organisation", PARTNER).await?;
    s.find("form:has(#f-organisation) button[type=submit]").await?.click().await?;
    s.arrived("consortium", Arrival::Page).await?;
    let main = s.find("main").await?.text().await?;
    ensure!(main.contains("invited"), "the invitation is listed: {main}");
    ensure!(main.contains("ZEBRAFISH-BRAIN"), "the suggestion gives its project: {main}");
    s.find("ul.suggestions form:has(input[name=name]) button[type=submit]").await?.click().await?;
    s.arrived("consortium", Arrival::Page).await?;
    let main = s.find("main").await?.text().await?;
    ensure!(main.contains("ZEBRAFISCH INSTITUT GMBH") && main.contains("DE"), "the partner abroad: {main}");
    sign_out(s).await?;

    sign_in(s, &invitee_email).await?;
    s.open("/consortia", "consortia", Arrival::Page).await?;
    s.find(&format!("main a[href='{workspace}']")).await.context("the invitation listed")?.click().await?;
    s.arrived("consortium-invitation", Arrival::Page).await?;
    let main = s.find("main").await?.text().await?;
    ensure!(!main.contains("ZEBRAFISCH"), "an invitee sees only the invitation: {main}");
    s.find("form:has(input[name=answer][value=accept]) button[type=submit]").await?.click().await?;
    s.arrived("consortium", Arrival::Page).await?;
    let main = s.find("main").await?.text().await?;
    ensure!(main.contains("ZEBRAFISCH INSTITUT GMBH") && main.contains("accepted"), "a partner now: {main}");
    Ok(())
}
