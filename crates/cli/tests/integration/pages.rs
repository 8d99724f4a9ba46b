//! The HTML pages against the real data, in both languages.

use crate::support::{client, per_backend, real_calls_with, TestApp};

per_backend!(
    home_shows_live_figures_in_both_languages,
    language_switch_is_remembered,
    directory_filters_work_without_javascript,
    organisation_page_has_all_fields_and_json_ld,
    calls_pages_show_repaired_text,
    errors_are_pages_in_the_visitors_language,
    health_and_metrics,
    every_response_carries_security_headers,
    calls_form_explains_a_value_it_cannot_apply,
);

async fn home_shows_live_figures_in_both_languages(app: &TestApp) {
    let (status, english) = app.get_text("/", "en-GB,en;q=0.9").await;
    assert_eq!(status, 200);
    assert!(english.contains("<html lang=\"en\""), "html lang is set");
    assert!(english.contains("2,525"), "organisation count in English notation");
    let open = real_calls_with(lshub_domain::CallStatus::Open);
    assert!(english.contains(&format!(">{open} open funding call")), "open calls: {open}");
    let (_, dutch) = app.get_text("/", "nl-NL,nl;q=0.9,en;q=0.5").await;
    assert!(dutch.contains("<html lang=\"nl\""));
    assert!(dutch.contains("2.525"), "organisation count in Dutch notation");
    assert_ne!(english, dutch);
}

async fn language_switch_is_remembered(app: &TestApp) {
    let response = client().get(app.url("/language/nl?next=/calls%3Fstatus%3Dopen")).send().await.expect("switch");
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], "/calls?status=open");
    let cookie = response.headers()["set-cookie"].to_str().expect("cookie").to_owned();
    assert!(cookie.starts_with("lshub_lang=nl"), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let page = client()
        .get(app.url("/calls"))
        .header("accept-language", "en")
        .header("cookie", "lshub_lang=nl")
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    assert!(page.contains("<html lang=\"nl\""), "the cookie beats Accept-Language");
    for next in ["https://evil.example/", "//evil.example/", "/\\evil.example"] {
        let response = client().get(app.url(&format!("/language/en?next={next}"))).send().await.expect("switch");
        assert_eq!(response.headers()["location"], "/", "no open redirect to {next}");
    }
    let response = client().get(app.url("/language/fr")).send().await.expect("switch");
    assert_eq!(response.status().as_u16(), 400);
}

async fn directory_filters_work_without_javascript(app: &TestApp) {
    let (status, page) = app.get_text("/organisations?kind=healthcare&city=Amsterdam", "en").await;
    assert_eq!(status, 200);
    assert!(page.contains("Amsterdam University Medical Centers"));
    assert!(page.contains("Netherlands Cancer Institute"));
    assert!(!page.contains("Sanquin"), "Sanquin is a nonprofit, filtered out");
    assert!(page.contains("<form") && page.contains("name=\"kind\""), "a plain GET form");
    let (_, page) = app.get_text("/organisations?q=zzzz-no-such-name", "en").await;
    assert!(page.contains("zzzz-no-such-name"), "the query is shown back");
    let (status, _) = app.get_text("/organisations?limit=5000", "en").await;
    assert_eq!(status, 400);
}

async fn organisation_page_has_all_fields_and_json_ld(app: &TestApp) {
    let (_, body) = app.get_json("/api/v1/organisations?q=Sanquin").await;
    let slug = body["items"][0]["slug"].as_str().expect("slug").to_owned();
    let (status, page) = app.get_text(&format!("/organisations/{slug}"), "en").await;
    assert_eq!(status, 200);
    for expected in
        ["Sanquin", "Sanquin Blood Supply Foundation", "https://ror.org/01fm2fv39", "Amsterdam", "application/ld+json"]
    {
        assert!(page.contains(expected), "{expected} on the page");
    }
    let json_ld = page
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .expect("JSON-LD block");
    let json_ld: serde_json::Value = serde_json::from_str(json_ld).expect("valid JSON-LD");
    assert_eq!(json_ld["@type"], "Organization");
    assert_eq!(json_ld["name"], "Sanquin");
    assert!(json_ld["sameAs"].to_string().contains("https://ror.org/01fm2fv39"));
}

async fn calls_pages_show_repaired_text(app: &TestApp) {
    let (status, list) = app.get_text("/calls?status=open&programme=Horizon+Europe", "en").await;
    assert_eq!(status, 200);
    assert!(list.contains("/calls/HORIZON-"), "links to call pages");
    let (status, page) = app.get_text("/calls/HORIZON-CL4-2026-SPACE-03-81", "en").await;
    assert_eq!(status, 200);
    assert!(page.contains("EU non-dependence – Radiation Hard FPGA"));
    assert!(!page.contains("â€"));
    assert!(page.contains("https://ec.europa.eu/"), "a link to the portal");
    let (status, page) = app.get_text("/calls/EuropeAid%2F186614%2FDD%2FACT%2FMulti", "nl").await;
    assert_eq!(status, 200);
    assert!(page.contains("Papua New Guinea"));
}

async fn errors_are_pages_in_the_visitors_language(app: &TestApp) {
    let response = client().get(app.url("/organisations/no-such-slug")).header("accept-language", "nl").send().await;
    let response = response.expect("request");
    assert_eq!(response.status().as_u16(), 404);
    assert!(response.headers()["content-type"].to_str().is_ok_and(|c| c.starts_with("text/html")));
    let page = response.text().await.expect("text");
    assert!(page.contains("<html lang=\"nl\""));
    assert!(!page.contains("not found"), "no English on the Dutch page");
    let (status, page) = app.get_text("/no/such/page", "en").await;
    assert_eq!(status, 404);
    assert!(page.contains("<html lang=\"en\""));
    for path in ["/organisations/a%00b", "/calls/a%00b"] {
        assert_eq!(app.get_text(path, "en").await.0, 404, "{path}");
    }
    let (status, page) = app.get_text("/organisations?limit=5000", "nl").await;
    assert_eq!(status, 400);
    assert!(page.contains("limit: moet tussen 1 en 100 liggen"), "why, in Dutch: {page}");
    let (_, page) = app.get_text("/organisations?limit=5000", "en").await;
    assert!(page.contains("limit: must be between 1 and 100"), "{page}");
}

async fn health_and_metrics(app: &TestApp) {
    let (status, body) = app.get_text("/healthz", "en").await;
    assert_eq!((status, body.trim()), (200, "ok"));
    let (status, metrics) = app.get_text("/metrics", "en").await;
    assert_eq!(status, 200);
    assert!(metrics.contains("# TYPE lshub_http_requests_total counter"));
    assert!(metrics.contains("lshub_http_request_duration_seconds_count"));
}

async fn every_response_carries_security_headers(app: &TestApp) {
    for path in [
        "/",
        "/organisations/sanquin",
        "/api/v1/calls",
        "/no/such/page",
        "/api/v1/organisations?limit=0",
        "/static/style.css",
    ] {
        let response = client().get(app.url(path)).send().await.expect("request");
        let header =
            |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let policy = header("content-security-policy");
        assert!(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"), "{path}: {policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("referrer-policy"), "strict-origin-when-cross-origin", "{path}");
    }
}

async fn calls_form_explains_a_value_it_cannot_apply(app: &TestApp) {
    let (status, page) = app.get_text("/calls?deadlineFrom=2027-12-31&deadlineTo=2027-01-01", "nl").await;
    assert_eq!(status, 400);
    assert!(page.contains("<title>Fout: Subsidieoproepen"), "the title says there is an error");
    assert!(page.contains(r#"role="alert" id="filter-problem""#), "an alert the field refers to");
    assert!(page.contains(r##"<a href="#deadlineFrom">Deadline vanaf</a>: kies een dag"##), "field and hint in Dutch");
    assert_eq!(page.matches(r#"aria-invalid="true""#).count(), 1, "only the field at fault is marked");
    assert!(
        page.contains(r#"id="deadlineFrom" name="deadlineFrom" aria-invalid="true" aria-describedby="filter-problem""#)
    );
    assert!(page.contains(r#"value="2027-12-31""#) && page.contains(r#"value="2027-01-01""#), "what was entered stays");
    assert!(!page.contains("class=\"call-list\""), "no results for filters that cannot be applied");
    let (status, page) = app.get_text("/calls?budgetMin=500000&budgetMax=1000", "en").await;
    assert_eq!(status, 400);
    assert!(page.contains("not more than “Grant at most”"), "a reversed budget range is explained");
    let (status, page) = app.get_text("/calls?limit=5000", "en").await;
    assert_eq!(status, 400);
    assert!(page.contains("This request cannot be answered"), "values outside the form get the error page");
}
