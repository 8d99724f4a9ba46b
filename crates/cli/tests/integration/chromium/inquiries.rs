//! Inquiries and photos in the browser: an operator uploads a photo of a lab; a visitor sees
//! it, asks about the lab and confirms by the mailed link; the operator answers from their
//! list, plans a visit and closes the inquiry, let.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{ensure, Context, Result};
use chrono::{Days, Utc};
use serde_json::json;

use super::chrome::{Arrival, Session};
use super::member::take_session;
use crate::authorization_matrix::staff;
use crate::browser::{grant, mail_link, Browser, PASSWORD};

/// An organisation no other flow or test asks or writes for.
const OPERATOR: &str = "wetlands-incubator-belgium";

pub async fn photograph_ask_answer_and_let(s: &mut Session) -> Result<()> {
    let app = s.app()?;
    let run = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
    let (admin_email, operator_email, visitor_email) = (
        format!("admin.{run}@inquiry-flow.example"),
        format!("lab.{run}@inquiry-flow.example"),
        format!("visitor.{run}@inquiry-flow.example"),
    );
    let mut admin = Browser::at(app, 371);
    admin.sign_up("Inquiry Flow Admin", &admin_email, PASSWORD).await;
    grant(app, &admin_email, "admin");
    let mut operator = staff(app, &mut admin, 372, &operator_email, OPERATOR, "member").await;
    let available = Utc::now().date_naive().checked_add_days(Days::new(30)).context("a date")?.to_string();
    let title = format!("Cell culture lab ({run})");
    let body = json!({ "organisation": OPERATOR, "type": "wet-lab", "titleEn": title, "sizeM2": 45,
                       "address": "Plesmanlaan 125", "city": "Amsterdam", "biosafety": "ml-ii",
                       "availableFrom": available });
    let (status, created) = operator.api(reqwest::Method::POST, "/api/v1/spaces", &body).await;
    ensure!(status == 201, "offered: {created}");
    let slug = created["slug"].as_str().context("a slug")?.to_owned();
    let publish = json!({"transition": "publish"});
    let (status, _) = operator.api(reqwest::Method::POST, &format!("/api/v1/spaces/{slug}/state"), &publish).await;
    ensure!(status == 200, "published");

    // The operator uploads a photo through the form.
    let folder = tempfile::tempdir()?;
    let file = folder.path().join("lab.png");
    image::RgbImage::from_pixel(900, 600, image::Rgb([90, 140, 200])).save(&file)?;
    take_session(s, &operator).await?;
    s.open(&format!("/spaces/{slug}"), "space", Arrival::Page).await?;
    s.find(&format!("main a[href='/spaces/{slug}/photos']")).await.context("the photos action")?.click().await?;
    s.arrived("space-photos", Arrival::Page).await?;
    s.find("#photo-file").await?.send_keys(&file.to_string_lossy()).await?;
    s.fill("photo-alt-en", "The bench by the window").await?;
    s.find("form[enctype='multipart/form-data'] button[type=submit]").await?.click().await?;
    s.arrived("space-photos", Arrival::Page).await?;
    ensure!(s.find_all("ul.photos img[alt='The bench by the window']").await?.len() == 1, "the photo is shown");

    // A visitor sees it and asks.
    s.client.delete_all_cookies().await?;
    s.open(&format!("/spaces/{slug}"), "space", Arrival::Page).await?;
    ensure!(!s.find_all("ul.photos img").await?.is_empty(), "the space's page shows the photo");
    s.find(&format!("main a[href='/spaces/{slug}/inquire']")).await.context("the link to ask")?.click().await?;
    s.arrived("inquiry-form", Arrival::Page).await?;
    s.fill("f-name", "Flow Visitor").await?;
    s.fill("f-email", &visitor_email).await?;
    s.fill("f-message", "Is the lab free from May, for a team of three?").await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("inquiry-mailed", Arrival::Page).await?;
    let link = mail_link(&app.data_dir, &visitor_email, "/inquiries/").await;
    let id = link.trim_start_matches("/inquiries/").split('?').next().context("an id")?.to_owned();
    s.open(&link, "inquiry", Arrival::Page).await?;
    s.find("form[action$='/confirm'] button").await.context("the confirm button")?.click().await?;
    s.arrived("inquiry", Arrival::Page).await?;
    let main = s.find("main").await?.text().await?;
    ensure!(main.contains("your inquiry is confirmed"), "confirmed: {main}");

    // The operator answers from their list, plans a visit and lets the lab.
    take_session(s, &operator).await?;
    s.open("/account/inquiries", "inquiries", Arrival::Page).await?;
    s.find(&format!("main a[href='/inquiries/{id}']")).await.context("the inquiry in the list")?.click().await?;
    s.arrived("inquiry", Arrival::Page).await?;
    s.fill("inquiry-message", "Yes, from the first of May. Come and see it.").await?;
    s.find("form[action$='/messages'] button").await?.click().await?;
    s.arrived("inquiry", Arrival::Page).await?;
    let visit = Utc::now().date_naive().checked_add_days(Days::new(4)).context("a date")?;
    s.set_value("inquiry-visit", &format!("{visit}T10:00")).await?;
    s.find("form:has(input[name=move][value=plan-visit]) button").await?.click().await?;
    s.arrived("inquiry", Arrival::Page).await?;
    s.find("#inquiry-outcome option[value=let]").await?.click().await?;
    s.find("form:has(input[name=move][value=close]) button").await?.click().await?;
    s.arrived("inquiry", Arrival::Page).await?;
    let main = s.find("main").await?.text().await?;
    ensure!(main.contains("closed") && main.contains("Outcome") && main.contains("Come and see it"), "{main}");
    Ok(())
}
