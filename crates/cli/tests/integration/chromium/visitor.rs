//! What a visitor without an account does, step by step as a person would: links are
//! followed by clicking them and forms are filled in and sent with their button.

use anyhow::{ensure, Context, Result};
use fantoccini::key::Key;

use super::chrome::{Arrival, Session};

/// Opens the home page, switches to Dutch with the language switch and back to English.
pub async fn home_and_language(s: &mut Session) -> Result<()> {
    s.open("/", "home", Arrival::Page).await?;
    ensure!(s.lang().await? == "en", "an English browser gets the English page");
    s.find("nav.language a[hreflang=nl]").await?.click().await?;
    s.arrived("home", Arrival::Page).await?;
    ensure!(s.lang().await? == "nl", "the switch shows the page in Dutch");
    ensure!(s.path().await? == "/", "the switch comes back to the same page");
    let heading = s.find("h1").await?.text().await?;
    ensure!(heading.contains("Amsterdam"), "Dutch heading: {heading}");
    s.find("nav.language a[hreflang=en]").await?.click().await?;
    s.arrived("home", Arrival::Page).await?;
    ensure!(s.lang().await? == "en", "and back to English");
    Ok(())
}

/// Filters the directory by kind and city with the form, then opens an organisation.
pub async fn directory_by_kind_and_city(s: &mut Session) -> Result<()> {
    s.open("/", "home", Arrival::Page).await?;
    s.find("nav.main-nav a[href='/organisations']").await?.click().await?;
    s.arrived("directory", Arrival::Page).await?;
    s.find("select#kind").await?.select_by_value("healthcare").await?;
    s.find("select#city").await?.select_by_value("Amsterdam").await?;
    s.find("form.filters button[type=submit]").await?.click().await?;
    s.arrived("directory", Arrival::Page).await?;
    let path = s.path().await?;
    ensure!(path.contains("kind=healthcare") && path.contains("city=Amsterdam"), "the filters are in the URL: {path}");
    let rows = s.find_all("table.results tbody tr").await?;
    ensure!(!rows.is_empty(), "Amsterdam has healthcare organisations");
    for row in &rows {
        let text = row.text().await?;
        ensure!(text.contains("Healthcare") && text.contains("Amsterdam"), "a row outside the filters: {text}");
    }
    let name = "Amsterdam University Medical Centers";
    link_named(s, "table.results tbody th a", name).await?.click().await?;
    s.arrived("organisation", Arrival::Page).await?;
    let heading = s.find("h1").await?.text().await?;
    ensure!(heading == name, "the organisation's page: {heading}");
    Ok(())
}

/// The link among those matching `css` whose text is `name`, as a visitor picks it.
pub async fn link_named(s: &Session, css: &str, name: &str) -> Result<fantoccini::elements::Element> {
    for link in s.find_all(css).await? {
        if link.text().await? == name {
            return Ok(link);
        }
    }
    anyhow::bail!("no link {name:?} among {css}")
}

/// Lists the open calls soonest deadline first and opens the first one. The real calls
/// open and close by date: when none is open on the day the test runs, it lists the
/// forthcoming ones, and after those the closed.
pub async fn calls_by_deadline(s: &mut Session) -> Result<()> {
    use lshub_domain::CallStatus;
    let (status, count) = CallStatus::ALL
        .into_iter()
        .map(|status| (status, crate::support::real_calls_with(status)))
        .find(|(_, count)| *count > 0)
        .context("the real calls have a status")?;
    s.open("/", "home", Arrival::Page).await?;
    s.find("nav.main-nav a[href='/calls']").await?.click().await?;
    s.arrived("calls", Arrival::Page).await?;
    s.find("select#status").await?.select_by_value(status.id()).await?;
    s.find("select#sort").await?.select_by_value("deadline").await?;
    s.find("form.filters button[type=submit]").await?.click().await?;
    s.arrived("calls", Arrival::Page).await?;
    let mut deadlines = Vec::new();
    for time in s.find_all(".call-list .inline-facts time").await? {
        deadlines.push(time.attr("datetime").await?.context("a deadline without datetime")?);
    }
    // A page of them, or all there are.
    let page = count.min(i64::from(lshub_domain::Pagination::DEFAULT_LIMIT));
    ensure!(deadlines.len() as i64 == page, "{page} {status} calls with deadlines, got {}", deadlines.len());
    ensure!(deadlines.windows(2).all(|pair| pair[0] <= pair[1]), "soonest first: {deadlines:?}");
    let first = s.find(".call-list .call-title a").await?;
    let title = first.text().await?;
    first.click().await?;
    s.arrived("call", Arrival::Page).await?;
    ensure!(s.find("h1").await?.text().await? == title, "the call's own page");
    let next = s.find(".deadline-box time.next").await?.attr("datetime").await?;
    ensure!(next.as_deref() == deadlines.first().map(String::as_str), "the page names the same next deadline");
    Ok(())
}

/// Switches to Dutch, searches with a Dutch word and opens the first result.
pub async fn search_in_dutch(s: &mut Session) -> Result<()> {
    s.open("/", "home", Arrival::Page).await?;
    s.find("nav.language a[hreflang=nl]").await?.click().await?;
    s.arrived("home", Arrival::Page).await?;
    s.find("nav.main-nav a[href='/search']").await?.click().await?;
    s.arrived("search", Arrival::Page).await?;
    ensure!(s.lang().await? == "nl", "the search page is in Dutch");
    s.find("input#q").await?.click().await?;
    s.type_keys("kanker").await?;
    if s.javascript {
        // Type-ahead shows the results while typing, without leaving the page.
        s.client.execute("window.notReloaded = true", vec![]).await?;
        s.client
            .wait()
            .at_most(std::time::Duration::from_secs(5))
            .for_element(fantoccini::Locator::Css("#results .call-title a"))
            .await
            .context("type-ahead results")?;
        let same_page = s.client.execute("return window.notReloaded === true", vec![]).await?;
        ensure!(same_page == true, "type-ahead updates the results in place");
        ensure!(s.path().await?.contains("q=kanker"), "type-ahead puts the query in the address");
    }
    s.press(Key::Enter).await?;
    s.arrived("search-results", Arrival::Page).await?;
    ensure!(s.path().await?.contains("q=kanker"), "the query is in the URL");
    let first = s.find("#results .call-title a").await?;
    let title = first.text().await?;
    let lowercase = title.to_lowercase();
    ensure!(lowercase.contains("kanker") || lowercase.contains("cancer"), "the best match is about cancer: {title}");
    let page = match first.attr("href").await? {
        Some(href) if href.starts_with("/calls/") => "call",
        _ => "organisation",
    };
    first.click().await?;
    s.arrived(page, Arrival::Page).await?;
    ensure!(s.find("h1").await?.text().await? == title, "the result's page");
    ensure!(s.lang().await? == "nl", "still in Dutch");
    Ok(())
}

/// Follows the calls page's feed link; the browser receives an Atom document (which
/// Chromium shows as text).
pub async fn calls_feed(s: &mut Session) -> Result<()> {
    s.open("/calls", "calls", Arrival::Page).await?;
    let link = s.find(".subscribe a[type='application/atom+xml']").await?;
    ensure!(link.attr("href").await?.as_deref() == Some("/feeds/calls.atom"), "the feed link");
    link.click().await?;
    s.arrived("calls-feed", Arrival::Document).await?;
    // Resource timing reduces every XML type to application/xml, so the exact type is read
    // from the same URL's response header.
    let served = s
        .client
        .execute("return [performance.getEntriesByType('navigation')[0].contentType, document.body.innerText]", vec![])
        .await?;
    ensure!(served[0] == "application/xml", "the browser got XML, not {}", served[0]);
    let text = served[1].as_str().unwrap_or_default();
    ensure!(
        text.starts_with("<?xml") && text.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""),
        "an Atom feed: {text:.200}"
    );
    let url = s.client.current_url().await?;
    let response = reqwest::get(url.as_str()).await?;
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    ensure!(content_type.starts_with("application/atom+xml"), "{url} is served as {content_type}");
    Ok(())
}

/// A page that does not exist and a filter out of range each get the hub's error page.
pub async fn error_pages(s: &mut Session) -> Result<()> {
    s.open("/organisations/no-such-organisation", "error-404", Arrival::ErrorPage).await?;
    ensure!(s.find("h1").await?.text().await? == "Page not found", "a 404 heading");
    // The title is what a screen reader announces first on a new page.
    let title = s.client.title().await?;
    ensure!(title.starts_with("Page not found · "), "the title names the error: {title}");
    s.find("main a[href='/search']").await?.click().await?;
    s.arrived("search", Arrival::Page).await?;
    s.open("/organisations?limit=5000", "error-400", Arrival::ErrorPage).await?;
    let heading = s.find("h1").await?.text().await?;
    ensure!(!heading.is_empty(), "a 400 heading");
    Ok(())
}

/// A deadline range entered backwards is explained above the form, announced as an alert
/// and linked to the field, which keeps what the visitor entered.
pub async fn calls_filter_problem(s: &mut Session) -> Result<()> {
    s.open("/calls", "calls", Arrival::Page).await?;
    s.set_value("deadlineFrom", "2027-12-31").await?;
    s.set_value("deadlineTo", "2027-01-01").await?;
    s.find("form.filters button[type=submit]").await?.click().await?;
    s.arrived("calls-problem", Arrival::ErrorPage).await?;
    let title = s.client.title().await?;
    ensure!(title.starts_with("Error: Funding calls"), "the title says there is an error: {title}");
    let alert = s.find("[role=alert]").await?;
    let link = alert.find(fantoccini::Locator::Css("a")).await?;
    ensure!(link.attr("href").await?.as_deref() == Some("#deadlineFrom"), "the alert links to the field");
    ensure!(link.text().await? == "Deadline from", "the alert names the field by its label");
    let input = s.find("input#deadlineFrom").await?;
    ensure!(input.attr("aria-invalid").await?.as_deref() == Some("true"), "the field is marked invalid");
    ensure!(input.attr("aria-describedby").await?.as_deref() == Some("filter-problem"), "and described by the alert");
    ensure!(input.prop("value").await?.as_deref() == Some("2027-12-31"), "the form keeps what was entered");
    ensure!(s.find_all(".call-list").await?.is_empty(), "no results for filters that cannot be applied");
    Ok(())
}
