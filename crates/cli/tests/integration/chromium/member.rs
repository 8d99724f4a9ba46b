//! Members and administrators: registering, confirming the address from the mail, signing
//! in, claiming an organisation, an administrator approving the claim, and the member's
//! Dutch description appearing on the public page; then the member writes and publishes news
//! and describes and publishes a dataset.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{ensure, Context, Result};

use super::chrome::{Arrival, Session};
use crate::browser::{grant, mail_link, Browser, PASSWORD};

/// Organisations claimed by this flow, one per run (a claim is made once).
const ORGANISATIONS: [&str; 2] = ["amsterdam-umc-location-vumc", "academic-center-for-dentistry-amsterdam"];

pub async fn claim_approve_edit(s: &mut Session) -> Result<()> {
    let app = s.app()?;
    let run = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
    let member = format!("mia.{run}@gmail.example");
    let admin = format!("ada.{run}@hub-admins.example");
    let slug = ORGANISATIONS[usize::from(!s.javascript)];
    // The administrator exists beforehand; the flow is what they do in the browser.
    Browser::new(app, 200 + u8::from(s.javascript)).sign_up("Ada Admin", &admin, PASSWORD).await;
    grant(app, &admin, "admin");

    s.open("/", "home", Arrival::Page).await?;
    s.find("nav.main-nav a[href='/login']").await?.click().await?;
    s.arrived("login", Arrival::Page).await?;
    s.find("a[href='/register']").await?.click().await?;
    s.arrived("register", Arrival::Page).await?;
    s.fill("f-display_name", "Mia Member").await?;
    s.fill("f-email", &member).await?;
    s.fill("f-password", PASSWORD).await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("registered", Arrival::Page).await?;

    let link = mail_link(&app.data_dir, &member, "/verify?code=").await;
    s.open(&link, "verified", Arrival::Page).await?;
    sign_in(s, &member).await?;

    s.open(&format!("/organisations/{slug}"), "organisation", Arrival::Page).await?;
    s.find(&format!("a[href='/organisations/{slug}/claim']")).await?.click().await?;
    s.arrived("claim", Arrival::Page).await?;
    s.fill("f-message", "I keep our public profile up to date.").await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("claim-filed", Arrival::Page).await?;
    sign_out(s).await?;

    sign_in(s, &admin).await?;
    s.open("/admin/claims", "admin-claims", Arrival::Page).await?;
    let mut approve = None;
    for row in s.find_all("tr").await? {
        let text = row.text().await?;
        if text.contains(&member) {
            approve = Some(row.find(fantoccini::Locator::Css("form[action$='/decision'] button")).await?);
        }
    }
    approve.context("the member's claim is listed for approval")?.click().await?;
    s.arrived("admin-claims", Arrival::Page).await?;
    s.open("/admin/users", "admin-users", Arrival::Page).await?;
    let mut account = None;
    for row in s.find_all("tr").await? {
        if row.text().await?.contains(&member) {
            account = Some(row.find(fantoccini::Locator::Css("a[href^='/admin/users/']")).await?);
        }
    }
    account.context("the member is listed among the users")?.click().await?;
    s.arrived("admin-user", Arrival::Page).await?;
    let listed = s.find_all(&format!("main a[href='/organisations/{slug}']")).await?;
    ensure!(listed.len() == 1, "the approved membership is on the member's admin page");
    sign_out(s).await?;

    sign_in(s, &member).await?;
    s.open(&format!("/organisations/{slug}/edit"), "edit", Arrival::Page).await?;
    let dutch = "Wij verbinden zorg, onderzoek en onderwijs in Amsterdam.";
    s.fill("f-description_nl", dutch).await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("organisation", Arrival::Page).await?;
    s.find("nav.language a[hreflang=nl]").await?.click().await?;
    s.arrived("organisation", Arrival::Page).await?;
    let about = s.find("main").await?.text().await?;
    ensure!(about.contains(dutch), "the Dutch description is on the public page");

    // The member writes news for the organisation, publishes it, and visitors find it.
    let title = format!("News from {slug} ({run})");
    s.open("/news/new", "news-form", Arrival::Page).await?;
    s.fill("f-title", &title).await?;
    s.fill("f-body", "We share **news** with the region: [our site](https://example.org).").await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("news-item", Arrival::Page).await?;
    s.find("form[action$='/state']:has(input[name=transition][value=publish]) button").await?.click().await?;
    s.arrived("news-item", Arrival::Page).await?;
    let link = s.find("main a[href='https://example.org']").await?;
    ensure!(link.attr("rel").await?.as_deref() == Some("nofollow ugc"), "member links are marked");

    // The member describes a dataset the organisation holds, and publishes it.
    let dataset = format!("Imaging cohort of {slug} ({run})");
    s.open("/datasets/new", "dataset-form", Arrival::Page).await?;
    s.fill("f-title_en", &dataset).await?;
    s.fill("f-description_en", "CT scans of patients with lung cancer, 2015 to 2024.").await?;
    s.fill("f-contact_point", "data@example.org").await?;
    s.fill("f-duo", "DUO:0000042").await?;
    s.fill("f-keywords_en", "lung cancer, CT").await?;
    s.fill("f-themes", "HEAL").await?;
    s.fill(
        "f-distributions",
        "CT images | DICOM | https://example.org/data | https://creativecommons.org/licenses/by/4.0/ | 2000000000",
    )
    .await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("dataset-item", Arrival::Page).await?;
    s.find("form[action$='/state']:has(input[name=transition][value=publish]) button").await?.click().await?;
    s.arrived("dataset-item", Arrival::Page).await?;
    let duo = s.find("main a[href='http://purl.obolibrary.org/obo/DUO_0000042']").await?;
    ensure!(duo.text().await? == "DUO:0000042", "the DUO code links to its term");
    sign_out(s).await?;
    s.open("/news", "news", Arrival::Page).await?;
    ensure!(s.find("main").await?.text().await?.contains(&title), "the published news is listed");
    s.open("/datasets", "datasets", Arrival::Page).await?;
    ensure!(s.find("main").await?.text().await?.contains(&dataset), "the published dataset is listed");
    Ok(())
}

pub(super) async fn sign_in(s: &mut Session, email: &str) -> Result<()> {
    s.open("/login", "login", Arrival::Page).await?;
    s.fill("f-email", email).await?;
    s.fill("f-password", PASSWORD).await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("account", Arrival::Page).await?;
    ensure!(s.find_all("nav.main-nav a[href='/account']").await?.len() == 1, "signed in as {email}");
    Ok(())
}

/// Signs the browser in with the session of `signed_in`, a client that signed in from its
/// own address, without the sign-in form: a flow that changes hands twice more stays
/// under the sign-in limit of the browser's one address (other flows sign in by the form).
pub(super) async fn take_session(s: &mut Session, signed_in: &Browser<'_>) -> Result<()> {
    s.open("/", "home", Arrival::Page).await?;
    s.client.delete_all_cookies().await?;
    let secret = signed_in.cookies.get(lshub_web::auth::SESSION_COOKIE).context("a signed-in session")?;
    // As the hub sets it; WebDriver's default SameSite, None, would need a secure connection,
    // and WebDriver wants the domain named.
    let host = s.client.current_url().await?.host_str().context("the hub's host")?.to_owned();
    let cookie = fantoccini::cookies::Cookie::parse(format!(
        "{}={secret}; Path=/; Domain={host}; SameSite=Lax; HttpOnly",
        lshub_web::auth::SESSION_COOKIE
    ))?;
    s.client.add_cookie(cookie).await?;
    s.open("/account", "account", Arrival::Page).await?;
    ensure!(s.find_all("nav.main-nav a[href='/account']").await?.len() == 1, "signed in");
    Ok(())
}

pub(super) async fn sign_out(s: &mut Session) -> Result<()> {
    s.open("/account", "account", Arrival::Page).await?;
    s.find("form[action='/logout'] button").await?.click().await?;
    s.arrived("home", Arrival::Page).await?;
    Ok(())
}
