//! The weekly digest and suggested introductions in the browser: a member turns the digest
//! on, follows an organisation from its page, finds it in their settings and stops following
//! it, and opens their organisation's suggested introductions.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{ensure, Result};

use super::chrome::{Arrival, Session};
use super::member::take_session;
use crate::authorization_matrix::staff;
use crate::browser::{grant, Browser, PASSWORD};

/// An organisation no other flow or test changes, and one to follow.
const MEMBER_OF: &str = "netherlands-comprehensive-cancer-organisation";
const FOLLOWED: &str = "tilburg-university";

pub async fn turn_on_follow_and_see_suggestions(s: &mut Session) -> Result<()> {
    let app = s.app()?;
    let run = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
    let (admin_email, member_email) =
        (format!("admin.{run}@digest-flow.example"), format!("member.{run}@digest-flow.example"));
    let mut admin = Browser::at(app, 346);
    admin.sign_up("Digest Flow Admin", &admin_email, PASSWORD).await;
    grant(app, &admin_email, "admin");
    let member = staff(app, &mut admin, 347, &member_email, MEMBER_OF, "member").await;
    take_session(s, &member).await?;

    // The digest, off until turned on.
    s.open("/account/digest", "digest", Arrival::Page).await?;
    let checkbox = s.find("#f-subscribed").await?;
    ensure!(checkbox.prop("checked").await?.as_deref() != Some("true"), "off until turned on");
    checkbox.click().await?;
    s.find("main form[action='/account/digest'] button[type=submit]").await?.click().await?;
    s.arrived("digest", Arrival::Page).await?;
    ensure!(s.find("#f-subscribed").await?.prop("checked").await?.as_deref() == Some("true"), "on");

    // Following an organisation from its page.
    s.open(&format!("/organisations/{FOLLOWED}"), "organisation", Arrival::Page).await?;
    s.find(&format!("main a[href='/organisations/{FOLLOWED}/follow']")).await?.click().await?;
    s.arrived("follow", Arrival::Page).await?;
    s.find("main form button[type=submit]").await?.click().await?;
    s.arrived("digest", Arrival::Page).await?;
    let follows = s.find("ul.follows").await?.text().await?;
    ensure!(follows.contains("Tilburg University"), "followed: {follows}");
    s.find("ul.follows button").await?.click().await?;
    s.arrived("digest", Arrival::Page).await?;
    ensure!(s.find_all("ul.follows").await?.is_empty(), "no longer followed");

    // The organisation's suggested introductions, from the introductions page.
    s.open("/introductions", "introductions", Arrival::Page).await?;
    s.find("main a[href='/introductions/suggestions']").await?.click().await?;
    s.arrived("suggestions", Arrival::Page).await?;
    let main = s.find("main").await?.text().await?;
    ensure!(main.contains("Suggested introductions"), "the suggestions page: {main}");
    Ok(())
}
