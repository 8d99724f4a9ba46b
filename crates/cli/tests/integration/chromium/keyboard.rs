//! Keyboard-only use: the skip link, a visible focus on everything reached with Tab, and the
//! directory's filters chosen and sent without a mouse.

use anyhow::{bail, ensure, Result};
use fantoccini::key::Key;
use serde_json::Value;

use super::chrome::{Arrival, Session};

/// The focused element, described for messages, and whether a person can see it has focus.
const FOCUS_STATE: &str = r#"const e = document.activeElement;
const s = getComputedStyle(e);
const r = e.getBoundingClientRect();
const text = (e.textContent || '').trim();
return {
  element: `${e.localName}${e.id ? '#' + e.id : ''} "${text.slice(0, 40)}"`,
  text,
  id: e.id,
  localName: e.localName,
  type: e.getAttribute('type') || '',
  inMain: !!e.closest('main') && e.localName !== 'main',
  inResults: !!e.closest('table.results, #results'),
  indicated: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none',
  onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
};"#;

async fn focus_state(s: &Session) -> Result<Value> {
    Ok(s.client.execute(FOCUS_STATE, vec![]).await?)
}

/// Presses Tab until `wanted` holds for the focused element, checking on the way that every
/// element that takes the focus shows it and is on screen.
async fn tab_until(s: &Session, what: &str, wanted: impl Fn(&Value) -> bool) -> Result<Value> {
    for _ in 0..60 {
        s.press(Key::Tab).await?;
        let state = focus_state(s).await?;
        ensure!(state["indicated"] == true, "no visible focus on {}", state["element"]);
        ensure!(state["onScreen"] == true, "the focused {} is off screen", state["element"]);
        if wanted(&state) {
            return Ok(state);
        }
    }
    bail!("60 presses of Tab did not reach {what}")
}

/// The first Tab reaches the skip link, which is then visible; Enter moves the focus to the
/// main content, and the next Tab stays in it.
pub async fn skip_link(s: &mut Session) -> Result<()> {
    s.open("/calls", "calls", Arrival::Page).await?;
    s.press(Key::Tab).await?;
    let state = focus_state(s).await?;
    ensure!(
        state["localName"] == "a" && state["text"] == "Skip to main content",
        "the first Tab reaches the skip link, not {}",
        state["element"]
    );
    ensure!(state["onScreen"] == true && state["indicated"] == true, "the focused skip link is visible: {state}");
    s.press(Key::Enter).await?;
    let state = focus_state(s).await?;
    ensure!(state["id"] == "main", "Enter on the skip link moves the focus to the content, not {}", state["element"]);
    ensure!(s.client.current_url().await?.fragment() == Some("main"), "the skip link targets #main");
    let state = tab_until(s, "an element in the content", |_| true).await?;
    ensure!(state["inMain"] == true, "after the skip link, Tab goes on in the content, not to {}", state["element"]);
    Ok(())
}

/// Chooses a kind and a city in the directory's form with the keyboard alone, sends it with
/// Enter and opens the first organisation found.
pub async fn directory_by_keyboard(s: &mut Session) -> Result<()> {
    s.open("/organisations", "directory", Arrival::Page).await?;
    tab_until(s, "the kind filter", |state| state["id"] == "kind").await?;
    // A focused list box picks the option whose label starts with what is typed.
    s.type_keys("Healthcare").await?;
    tab_until(s, "the city filter", |state| state["id"] == "city").await?;
    s.type_keys("Amsterdam").await?;
    tab_until(s, "the filter button", |state| state["localName"] == "button" && state["type"] == "submit").await?;
    s.press(Key::Enter).await?;
    s.arrived("directory", Arrival::Page).await?;
    let path = s.path().await?;
    ensure!(path.contains("kind=healthcare") && path.contains("city=Amsterdam"), "sent by keyboard: {path}");
    let state = tab_until(s, "the first result", |state| state["inResults"] == true).await?;
    s.press(Key::Enter).await?;
    s.arrived("organisation", Arrival::Page).await?;
    let heading = s.find("h1").await?.text().await?;
    ensure!(state["text"] == heading.as_str(), "Enter on {} opened {heading}", state["element"]);
    Ok(())
}

/// Reaches the search through the main navigation, searches and opens a result, all with
/// the keyboard.
pub async fn search_by_keyboard(s: &mut Session) -> Result<()> {
    s.open("/", "home", Arrival::Page).await?;
    tab_until(s, "the search in the navigation", |state| state["localName"] == "a" && state["text"] == "Search")
        .await?;
    s.press(Key::Enter).await?;
    s.arrived("search", Arrival::Page).await?;
    tab_until(s, "the search box", |state| state["id"] == "q").await?;
    s.type_keys("cancer institute").await?;
    s.press(Key::Enter).await?;
    s.arrived("search-results", Arrival::Page).await?;
    let state =
        tab_until(s, "the first result", |state| state["localName"] == "a" && state["inResults"] == true).await?;
    s.press(Key::Enter).await?;
    s.arrived("organisation", Arrival::Page).await?;
    let heading = s.find("h1").await?.text().await?;
    ensure!(state["text"] == heading.as_str(), "Enter on {} opened {heading}", state["element"]);
    Ok(())
}
