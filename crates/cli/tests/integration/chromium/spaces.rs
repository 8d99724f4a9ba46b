//! Space and initiatives in the browser: an operator offers a lab (a negative size is
//! refused on the form first) and publishes it; a visitor finds it by requirement, near an
//! organisation of the directory; the operator registers an initiative that uses it, and
//! the partner's page in the directory lists the initiative.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{ensure, Context, Result};
use chrono::{Days, Utc};

use super::chrome::{Arrival, Session};
use super::member::take_session;
use crate::authorization_matrix::staff;
use crate::browser::{grant, Browser, PASSWORD};

/// Organisations no other flow or test writes for.
const OPERATOR: &str = "maastricht-school-of-management";
/// At 52.359, 4.917 in the directory.
const NEAR: &str = "onze-lieve-vrouwe-gasthuis";

pub async fn offer_find_and_use(s: &mut Session) -> Result<()> {
    let app = s.app()?;
    let run = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
    let (admin_email, operator_email) =
        (format!("admin.{run}@space-flow.example"), format!("parks.{run}@space-flow.example"));
    let mut admin = Browser::at(app, 354);
    admin.sign_up("Space Flow Admin", &admin_email, PASSWORD).await;
    grant(app, &admin_email, "admin");
    let operator = staff(app, &mut admin, 355, &operator_email, OPERATOR, "member").await;
    let available = Utc::now().date_naive().checked_add_days(Days::new(20)).context("a date")?.to_string();
    let by = Utc::now().date_naive().checked_add_days(Days::new(60)).context("a date")?.to_string();

    // The operator offers a lab beside the hospital; a negative size is refused first.
    take_session(s, &operator).await?;
    s.open("/spaces", "spaces", Arrival::Page).await?;
    s.find("main a[href^='/spaces/new']").await.context("the link to offer a space")?.click().await?;
    s.arrived("space-form", Arrival::Page).await?;
    if let Ok(owner) = s.find(&format!("#f-organisation option[value='{OPERATOR}']")).await {
        owner.click().await?;
    }
    let title = format!("ML-II lab beside the hospital ({run})");
    s.find("#f-type option[value=lab-office]").await?.click().await?;
    s.fill("f-title_en", &title).await?;
    s.fill("f-description_en", "A wet lab with a biosafety cabinet and four desks.").await?;
    s.set_value("f-size_m2", "-60").await?;
    s.fill("f-address", "Oosterpark 9").await?;
    s.fill("f-city", "Amsterdam").await?;
    s.fill("f-latitude", "52.3600").await?;
    s.fill("f-longitude", "4.9175").await?;
    s.find("#f-biosafety option[value=ml-ii]").await?.click().await?;
    s.set_value("f-available_from", &available).await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("space-form-problem", Arrival::ErrorPage).await?;
    let problem = s.find("#f-size_m2-error").await.context("the size's error")?.text().await?;
    ensure!(problem.contains("negative"), "the size is explained: {problem}");
    s.set_value("f-size_m2", "60").await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("space", Arrival::Page).await?;
    let space = s.path().await?;
    s.find("form[action$='/state']:has(input[name=transition][value=publish]) button").await?.click().await?;
    s.arrived("space", Arrival::Page).await?;

    // A visitor finds it by requirement.
    s.client.delete_all_cookies().await?;
    s.open("/spaces", "spaces", Arrival::Page).await?;
    s.find("main a[href='/spaces/find']").await.context("the list's link to the search")?.click().await?;
    s.arrived("space-find", Arrival::Page).await?;
    s.find("#find-type option[value=lab-office]").await?.click().await?;
    s.find("#find-biosafety option[value=ml-ii]").await?.click().await?;
    s.fill("find-min-size", "50").await?;
    s.set_value("find-available-by", &by).await?;
    s.fill("find-near", NEAR).await?;
    s.fill("find-within", "2").await?;
    s.find("form.space-find button[type=submit]").await?.click().await?;
    s.arrived("space-find", Arrival::Page).await?;
    let main = s.find("main").await?.text().await?;
    ensure!(main.contains(&title) && main.contains("km away"), "found, with its distance: {main}");

    // The operator registers an initiative in it, with the hospital as partner.
    take_session(s, &operator).await?;
    s.open("/initiatives/new", "initiative-form", Arrival::Page).await?;
    if let Ok(owner) = s.find(&format!("#f-organisation option[value='{OPERATOR}']")).await {
        owner.click().await?;
    }
    let name = format!("Ward AI living lab ({run})");
    s.find("#f-type option[value=living-lab]").await?.click().await?;
    s.find("#f-status option[value=starting]").await?.click().await?;
    s.fill("f-title_en", &name).await?;
    s.fill("f-aims_en", "Trying AI tools on the ward with patients and nurses.").await?;
    s.fill("f-partners", NEAR).await?;
    s.fill("f-spaces", space.trim_start_matches("/spaces/")).await?;
    s.fill("f-timeline", "2026-11-15 Kick-off on the ward").await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("initiative", Arrival::Page).await?;
    s.find("form[action$='/state']:has(input[name=transition][value=publish]) button").await?.click().await?;
    s.arrived("initiative", Arrival::Page).await?;
    let main = s.find("main").await?.text().await?;
    ensure!(main.contains("Kick-off on the ward") && main.contains(&title), "timeline and space: {main}");
    s.open(&format!("/organisations/{NEAR}"), "organisation", Arrival::Page).await?;
    let main = s.find("main").await?.text().await?;
    ensure!(main.contains(&name), "the partner's page lists it: {main}");
    Ok(())
}
