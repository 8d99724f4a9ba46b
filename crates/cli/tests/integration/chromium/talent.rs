//! Talent in the browser: a member posts a vacancy (a deadline in the past is refused on the
//! form first) and publishes it; a person saves a talent profile, finds the vacancy among
//! what fits them and saves a search of the list with alerts; the recruiter sees the person
//! among those who fit and marks the vacancy filled, which closes its page.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{ensure, Context, Result};
use chrono::{Days, Utc};

use super::chrome::{Arrival, Session};
use super::member::take_session;
use crate::authorization_matrix::staff;
use crate::browser::{grant, Browser, PASSWORD};

/// An organisation no other flow or test writes for.
const RECRUITER: &str = "inholland-university-of-applied-sciences";

pub async fn post_match_alert_and_fill(s: &mut Session) -> Result<()> {
    let app = s.app()?;
    let run = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
    let (admin_email, recruiter_email, person_email) = (
        format!("admin.{run}@talent-flow.example"),
        format!("hr.{run}@talent-flow.example"),
        format!("kim.{run}@talent-flow.example"),
    );
    let person_name = format!("Kim Candidate {run}");
    let mut admin = Browser::at(app, 348);
    admin.sign_up("Talent Flow Admin", &admin_email, PASSWORD).await;
    grant(app, &admin_email, "admin");
    // Signed in from their own addresses: the browser takes their sessions, which keeps its
    // one address under the sign-in limit.
    let recruiter = staff(app, &mut admin, 349, &recruiter_email, RECRUITER, "member").await;
    let mut person = Browser::at(app, 350);
    person.sign_up(&person_name, &person_email, PASSWORD).await;
    // A skill only this run's vacancy and profile name.
    let skill = format!("organoidomics{run}");
    let today = Utc::now().date_naive();
    let day = |days: u64| today.checked_add_days(Days::new(days)).map(|d| d.to_string()).context("a date");

    // The recruiter posts a vacancy; a deadline in the past is refused first.
    take_session(s, &recruiter).await?;
    s.open("/vacancies", "vacancies", Arrival::Page).await?;
    s.find("main a[href^='/vacancies/new']").await.context("the link to post a vacancy")?.click().await?;
    s.arrived("vacancy-form", Arrival::Page).await?;
    if let Ok(owner) = s.find(&format!("#f-organisation option[value='{RECRUITER}']")).await {
        owner.click().await?;
    }
    let title = format!("Data scientist for organoid imaging ({run})");
    s.fill("f-title_en", &title).await?;
    s.fill("f-description_en", &format!("Deep learning on organoid images; {skill} welcome.")).await?;
    s.fill("f-places", "Haarlem").await?;
    s.fill("f-apply", "https://example.org/jobs/organoids").await?;
    s.find("#f-employment_type option[value=part-time]").await?.click().await?;
    s.set_value("f-deadline", &(today - Days::new(1)).to_string()).await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("vacancy-form-problem", Arrival::ErrorPage).await?;
    let problem = s.find("#f-deadline-error").await.context("the deadline's error")?.text().await?;
    ensure!(!problem.is_empty(), "the deadline is explained");
    s.set_value("f-deadline", &day(30)?).await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("vacancy", Arrival::Page).await?;
    let vacancy = s.path().await?;
    s.find("form[action$='/state']:has(input[name=transition][value=publish]) button").await?.click().await?;
    s.arrived("vacancy", Arrival::Page).await?;

    // The person saves a profile and sees the vacancy among what fits them.
    take_session(s, &person).await?;
    s.open("/talent/profile", "talent-profile", Arrival::Page).await?;
    s.find("#f-career_stage option[value=r2]").await?.click().await?;
    s.fill("f-skills", &format!("{skill}, microscopy")).await?;
    s.fill("f-orcid", "0000-0002-1825-0098").await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("talent-profile-problem", Arrival::ErrorPage).await?;
    let problem = s.find("#f-orcid-error").await.context("the ORCID's error")?.text().await?;
    ensure!(problem.contains("check digit"), "a wrong check digit is explained: {problem}");
    s.fill("f-orcid", "0000-0002-1825-0097").await?;
    s.find("form.stacked-form button[type=submit]").await?.click().await?;
    s.arrived("talent-matches", Arrival::Page).await?;
    let main = s.find("main").await?.text().await?;
    ensure!(main.contains(&title) && main.contains(&skill), "the vacancy fits, with why: {main}");

    // From the filtered list, a saved search with alerts; its feed is shown once.
    s.open("/vacancies?employment=part-time", "vacancies", Arrival::Page).await?;
    s.find("main a[href^='/talent/searches?kind=vacancy']").await.context("the alert link")?.click().await?;
    s.arrived("talent-searches", Arrival::Page).await?;
    s.fill("words", "organoid").await?;
    s.find("form.save-search button[type=submit]").await?.click().await?;
    s.arrived("talent-searches", Arrival::Page).await?;
    let feed = s.find(".notice a").await.context("the feed's address")?.text().await?;
    ensure!(feed.contains("/feeds/talent/"), "the feed's secret address: {feed}");
    let saved = s.find_all("main li").await?;
    ensure!(saved.len() == 1, "one saved search, not {}", saved.len());
    ensure!(saved[0].text().await?.contains("Employment: Part-time"), "described by its filters");

    // The recruiter sees who fits, then marks the vacancy filled.
    take_session(s, &recruiter).await?;
    s.open(&format!("{vacancy}/candidates"), "vacancy-candidates", Arrival::Page).await?;
    let main = s.find("main").await?.text().await?;
    ensure!(main.contains(&person_name) && !main.contains(&person_email), "the person, without an address: {main}");
    s.open(&vacancy, "vacancy", Arrival::Page).await?;
    s.find("form[action$='/filled'] button").await.context("the button to mark it filled")?.click().await?;
    s.arrived("vacancy", Arrival::Page).await?;
    let main = s.find("main").await?.text().await?;
    ensure!(main.contains("This vacancy was filled on"), "its page says it is closed: {main}");
    Ok(())
}
