//! Needs and offers and introductions in the browser: a member posts a members-only data
//! offer, which a visitor sees without its organisation; another member asks for an
//! introduction from it, without seeing a contact; the owner accepts, and both see each
//! other's contact.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{ensure, Context, Result};

use super::chrome::{Arrival, Session};
use super::member::{sign_in, sign_out};
use crate::authorization_matrix::staff;
use crate::browser::{grant, Browser, PASSWORD};

/// Organisations no other flow or test changes.
const OWNER: &str = "future-diagnostics-netherlands";
const OWNER_NAME: &str = "Future Diagnostics";
const ASKER: &str = "bioactor-netherlands";

pub async fn offer_and_introduction(s: &mut Session) -> Result<()> {
    let app = s.app()?;
    let run = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
    let (admin_email, owner_email, asker_email) = (
        format!("admin.{run}@exchange-flow.example"),
        format!("owner.{run}@exchange-flow.example"),
        format!("asker.{run}@exchange-flow.example"),
    );
    let mut admin = Browser::at(app, 297);
    admin.sign_up("Exchange Flow Admin", &admin_email, PASSWORD).await;
    grant(app, &admin_email, "admin");
    staff(app, &mut admin, 298, &owner_email, OWNER, "member").await;
    staff(app, &mut admin, 299, &asker_email, ASKER, "member").await;

    // The owner posts a members-only offer.
    sign_in(s, &owner_email).await?;
    let title = format!("Annotated blood samples for diagnostics AI ({run})");
    s.open("/opportunities/new", "opportunity-form", Arrival::Page).await?;
    s.find("#f-type option[value=data]").await?.click().await?;
    s.fill("f-title_en", &title).await?;
    s.fill("f-description_en", "Ten thousand annotated samples for training diagnostic models.").await?;
    s.find("#f-visibility option[value=members]").await?.click().await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("opportunity", Arrival::Page).await?;
    s.find("form[action$='/state']:has(input[name=transition][value=publish]) button").await?.click().await?;
    s.arrived("opportunity", Arrival::Page).await?;
    let offer = s.path().await?;
    sign_out(s).await?;

    // A visitor sees it without its organisation.
    s.open(&offer, "opportunity", Arrival::Page).await?;
    let main = s.find("main").await?.text().await?;
    ensure!(main.contains(&title) && !main.contains(OWNER_NAME), "no owner for visitors: {main}");

    // Another member asks for an introduction from it.
    sign_in(s, &asker_email).await?;
    s.open(&offer, "opportunity", Arrival::Page).await?;
    s.find("main a[href^='/introductions/new?opportunity=']").await.context("the ask link")?.click().await?;
    s.arrived("introduction-form", Arrival::Page).await?;
    s.fill("f-message", "We build diagnostic models and would like to discuss access.").await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("introduction", Arrival::Page).await?;
    let introduction = s.path().await?;
    let main = s.find("main").await?.text().await?;
    ensure!(!main.contains(&owner_email), "no contact before acceptance: {main}");
    sign_out(s).await?;

    // The owner sees the request without the asker's contact, and accepts.
    sign_in(s, &owner_email).await?;
    s.open("/introductions", "introductions", Arrival::Page).await?;
    s.open(&introduction, "introduction", Arrival::Page).await?;
    let main = s.find("main").await?.text().await?;
    ensure!(main.contains("discuss access") && !main.contains(&asker_email), "no contact before acceptance: {main}");
    s.find("form:has(input[name=answer][value=accept]) button[type=submit]").await?.click().await?;
    s.arrived("introduction", Arrival::Page).await?;
    let main = s.find("main").await?.text().await?;
    ensure!(main.contains(&asker_email) && main.contains(&owner_email), "both contacts once accepted: {main}");
    Ok(())
}
