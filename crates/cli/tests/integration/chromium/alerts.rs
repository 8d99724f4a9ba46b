//! A member saves a search of the calls list, finds it on their saved searches page and
//! deletes it; a visitor reads the call changelog.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{ensure, Result};

use super::chrome::{Arrival, Session};
use super::member::{sign_in, sign_out};
use crate::browser::{Browser, PASSWORD};

pub async fn save_list_delete(s: &mut Session) -> Result<()> {
    let app = s.app()?;
    let run = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
    let member = format!("sam.{run}@alerts.example");
    // The account exists beforehand; the flow is what its owner does in the browser.
    Browser::new(app, 252 + u8::from(s.javascript)).sign_up("Sam Saver", &member, PASSWORD).await;

    s.open("/calls/changes", "call-changes", Arrival::Page).await?;
    ensure!(!s.find_all("li.call-change").await?.is_empty(), "the imports' changes are listed");
    sign_in(s, &member).await?;
    s.open("/calls?q=cancer&status=open", "calls", Arrival::Page).await?;
    let name = format!("Cancer calls {run}");
    s.fill("search-name", &name).await?;
    s.find("form.save-search button[type=submit]").await?.click().await?;
    s.arrived("saved-searches", Arrival::Page).await?;
    let rows = s.find_all("tr.saved-search").await?;
    ensure!(rows.len() == 1, "the saved search is listed once, not {}", rows.len());
    ensure!(rows[0].text().await?.contains(&name), "the row names the search");
    ensure!(s.find_all("code.secret").await?.len() == 1, "the feed address is shown once");
    s.find("tr.saved-search form[action$='/delete'] button").await?.click().await?;
    s.arrived("saved-searches", Arrival::Page).await?;
    ensure!(s.find_all("tr.saved-search").await?.is_empty(), "the search is gone");
    sign_out(s).await
}
