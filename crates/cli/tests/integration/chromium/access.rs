//! Access to data, the story of issue 15 in the browser: a holder offers a published dataset
//! for request; a researcher finds it by a Dutch question, applies with a co-applicant, is
//! returned, resubmits and is approved; the licences are accepted and the entitlements
//! appear on the holder's page.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{ensure, Context, Result};

use super::chrome::{Arrival, Session};
use super::member::{sign_in, sign_out};
use crate::browser::{grant, Browser, PASSWORD};
use crate::news::member_of;

/// The holder, one per JavaScript mode so that each run's figures are its own.
const HOLDERS: [&str; 2] =
    ["amsterdam-university-medical-centers", "netherlands-cancer-institute-antoni-van-leeuwenhoek-hospital"];

/// Clicks the button of the application's form for `command`, and waits for the page.
async fn give(s: &mut Session, command: &str) -> Result<()> {
    let button = format!("form[action$='/commands']:has(input[name=command][value={command}]) button[type=submit]");
    s.find(&button).await.with_context(|| format!("the {command} form"))?.click().await?;
    s.arrived("application", Arrival::Page).await
}

pub async fn apply_return_approve(s: &mut Session) -> Result<()> {
    let app = s.app()?;
    let run = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
    let holder_slug = HOLDERS[usize::from(!s.javascript)];
    let host = 186 + 3 * u8::from(s.javascript);
    let (admin, holder, researcher, colleague) = (
        format!("ada.{run}@access-admins.example"),
        format!("hans.{run}@holders.example"),
        format!("rosa.{run}@researchers.example"),
        format!("cor.{run}@researchers.example"),
    );
    // The people exist beforehand; the flow is what they do in the browser.
    let mut admin_browser = Browser::new(app, host);
    admin_browser.sign_up("Ada Admin", &admin, PASSWORD).await;
    grant(app, &admin, "admin");
    let mut holder_browser = member_of(app, &mut admin_browser, host + 1, &holder, holder_slug).await;
    Browser::new(app, host + 2).sign_up("Rosa Researcher", &researcher, PASSWORD).await;
    let mut colleague_browser = Browser::new(app, host + 2);
    colleague_browser.sign_up("Cor Colleague", &colleague, PASSWORD).await;
    let title = format!("Lung tumour CT scans {run}");
    let fields = crate::datasets::dataset_fields(holder_slug, &title, "DUO:0000006");
    let created = holder_browser.submit("/datasets/new", "/datasets", &fields).await;
    ensure!(created.status == 303, "the dataset is described: {}", created.body);
    let dataset = created.location.unwrap_or_default();
    let published = holder_browser.submit(&dataset, &format!("{dataset}/state"), &[("transition", "publish")]).await;
    ensure!(published.status == 303, "the dataset is published");
    let slug = dataset.trim_start_matches("/datasets/").to_owned();

    // The holder offers it for request.
    sign_in(s, &holder).await?;
    s.open(&format!("/organisations/{holder_slug}/catalogue-items/new"), "access-item-form", Arrival::Page).await?;
    s.fill("f-title_en", "Lung tumour CT scans").await?;
    s.fill("f-title_nl", "CT-scans van longtumoren").await?;
    s.find(&format!("input[name=datasets][value='{slug}']")).await?.click().await?;
    s.fill("f-licences", "dua | Data use agreement | https://example.org/dua").await?;
    s.fill("f-form", "project | text | Project title | Projecttitel | yes").await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("access-item", Arrival::Page).await?;
    let item = s.path().await?;
    sign_out(s).await?;

    // The researcher finds the dataset by a Dutch question, once the index has it.
    ensure!(app.search_finds("q=longkanker+beeldvorming&type=dataset", &slug).await, "the index has the dataset");
    sign_in(s, &researcher).await?;
    s.open("/search?q=longkanker+beeldvorming&type=dataset", "search-results", Arrival::Page).await?;
    s.find(&format!("main a[href='/datasets/{slug}']")).await?.click().await?;
    s.arrived("dataset-item", Arrival::Page).await?;
    s.find(&format!("main a[href='{item}']")).await.context("the dataset offers its catalogue item")?.click().await?;
    s.arrived("access-item", Arrival::Page).await?;
    s.find("form[action='/applications'] button[type=submit]").await?.click().await?;
    s.arrived("application", Arrival::Page).await?;
    let application = s.path().await?;
    let item_id = item.trim_start_matches("/access/items/");
    s.fill(&format!("answer-{item_id}-project"), "Early detection of lung tumours").await?;
    s.find("input[name=purpose_codes][value='DUO:0000006']").await?.click().await?;
    give(s, "save-draft").await?;
    let main = s.find("main").await?.text().await?;
    ensure!(main.contains("Matches"), "the purpose matches the dataset's restriction: {main}");
    s.fill("invite-email", &colleague).await?;
    give(s, "invite-member").await?;
    give(s, "accept-licences").await?;
    give(s, "submit").await?;
    sign_out(s).await?;

    // The co-applicant joins (in their own browser, without JavaScript).
    let joined = colleague_browser
        .submit(&application, &format!("{application}/commands"), &[("command", "accept-invitation")])
        .await;
    ensure!(joined.status == 303, "the co-applicant joins: {}", joined.body);

    // The holder returns it with a question; the researcher answers and resubmits.
    sign_in(s, &holder).await?;
    s.open(&application, "application", Arrival::Page).await?;
    s.fill("return-comment", "Which hospital's scans do you need?").await?;
    give(s, "return").await?;
    sign_out(s).await?;
    sign_in(s, &researcher).await?;
    s.open(&application, "application", Arrival::Page).await?;
    ensure!(
        s.find("main").await?.text().await?.contains("Which hospital's scans do you need?"),
        "the question is shown"
    );
    s.fill(&format!("answer-{item_id}-project"), "Early detection of lung tumours, scans of the AMC").await?;
    give(s, "save-draft").await?;
    give(s, "submit").await?;
    sign_out(s).await?;

    // Approved; the co-applicant accepts the licences; both are entitled.
    sign_in(s, &holder).await?;
    s.open(&application, "application", Arrival::Page).await?;
    give(s, "approve").await?;
    let accepted = colleague_browser
        .submit(&application, &format!("{application}/commands"), &[("command", "accept-licences")])
        .await;
    ensure!(accepted.status == 303, "the co-applicant accepts the licences: {}", accepted.body);
    s.open(&format!("/organisations/{holder_slug}/entitlements"), "access-entitlements", Arrival::Page).await?;
    let rows = s.find_all("main tbody tr").await?;
    ensure!(rows.len() == 2, "two entitlements, found {}", rows.len());
    s.open("/access", "access", Arrival::Page).await?;
    sign_out(s).await?;
    Ok(())
}
