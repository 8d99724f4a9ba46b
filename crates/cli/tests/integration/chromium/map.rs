//! The map in the browser: a visitor goes from the list of spaces to the map, finds a
//! space offered there drawn and listed, adds the organisations of one type in one city
//! through the form (a GET form, so it works without JavaScript too), and follows the
//! space's point to its page.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{ensure, Context, Result};
use serde_json::json;

use super::chrome::{Arrival, Session};
use crate::authorization_matrix::staff;
use crate::browser::{grant, Browser, PASSWORD};

/// An organisation no other flow or test writes for, in Zwolle.
const OWNER: &str = "isala";

pub async fn layers_list_and_a_point(s: &mut Session) -> Result<()> {
    let app = s.app()?;
    let run = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
    let (admin_email, staff_email) = (format!("admin.{run}@map-flow.example"), format!("staff.{run}@map-flow.example"));
    let mut admin = Browser::at(app, 356);
    admin.sign_up("Map Flow Admin", &admin_email, PASSWORD).await;
    grant(app, &admin_email, "admin");
    let mut operator = staff(app, &mut admin, 357, &staff_email, OWNER, "member").await;

    // A lab on Texel, away from every other point, so that its mark is clicked and no other.
    let title = format!("Wadden field lab ({run})");
    let (status, created) = operator
        .api(
            reqwest::Method::POST,
            "/api/v1/spaces",
            &json!({ "organisation": OWNER, "type": "dry-lab", "titleEn": title, "sizeM2": 40,
                     "address": "Ruijslaan 92", "city": "Den Burg", "latitude": 53.0544, "longitude": 4.7975,
                     "availableFrom": "2027-01-01" }),
        )
        .await;
    ensure!(status == 201, "the space is offered: {created}");
    let slug = created["slug"].as_str().context("its slug")?.to_owned();
    let (status, _) = operator
        .api(reqwest::Method::POST, &format!("/api/v1/spaces/{slug}/state"), &json!({"transition": "publish"}))
        .await;
    ensure!(status == 200, "published");
    let space = format!("/spaces/{slug}");

    // From the list of spaces to the map: the lab is drawn and listed.
    s.open("/spaces", "spaces", Arrival::Page).await?;
    s.find("main a[href='/map?spaces=on']").await.context("the list's link to the map")?.click().await?;
    s.arrived("map", Arrival::Page).await?;
    s.find(&format!("svg a.map-spaces[href='{space}']")).await.context("the lab's point")?;
    let listed = s.find(".map-items-spaces").await?.text().await?;
    ensure!(listed.contains(&title), "the list has it: {listed}");
    ensure!(s.find_all("svg a.map-organisations").await?.is_empty(), "no organisations yet");

    // The hospitals of Zwolle added through the form.
    s.find("#layer-organisations").await?.click().await?;
    s.find("#map-kind option[value=healthcare]").await?.click().await?;
    s.fill("map-city", "Zwolle").await?;
    s.find("form.map-layers button[type=submit]").await?.click().await?;
    s.arrived("map", Arrival::Page).await?;
    let path = s.path().await?;
    ensure!(path.contains("organisations=on") && path.contains("city=Zwolle"), "the form's address: {path}");
    s.find(&format!("svg a.map-organisations[href='/organisations/{OWNER}']")).await.context("the hospital's point")?;
    let listed = s.find(".map-items-organisations").await?.text().await?;
    ensure!(listed.contains("Isala"), "listed too: {listed}");

    // The lab's point leads to its page.
    s.find(&format!("svg a.map-spaces[href='{space}']")).await?.click().await?;
    s.arrived("space", Arrival::Page).await?;
    ensure!(s.path().await? == space, "on the lab's page");
    let main = s.find("main").await?.text().await?;
    ensure!(main.contains(&title), "{main}");
    Ok(())
}
