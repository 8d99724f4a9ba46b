//! Vacancies and talent programmes on the real server, on both databases: a member posts a
//! programme and vacancies through the pages and the API; bad input is refused field by
//! field in the page's language; an open vacancy is listed, found, in the feeds, the
//! JobPosting export and the sitemap, and its page carries JobPosting JSON-LD with Google's
//! required and recommended properties; its programme lists it; filled, it leaves them all
//! and its page says so. On a hub of its own, a vacancy closes at the end of its deadline in
//! the region's date as the clock moves.

use lshub_domain::content::State;
use lshub_domain::talent::{TalentProfileDraft, Vacancy, VacancyDraft};
use lshub_service::clock::Clock;
use lshub_web::AccountsConfig;
use lshub_web::{AppState, SiteConfig};
use std::str::FromStr;

use serde_json::{json, Value};

use crate::browser::{grant, Browser, PASSWORD};
use crate::builders::{per_backend_hub, Hub};
use crate::news::member_of;
use crate::support::{client, per_backend, TestApp, PUBLIC_URL};

per_backend!(
    vacancies_and_programmes_reach_search_engines_feeds_and_partners_until_filled,
    the_talent_pool_is_seen_by_recruiters_only_and_matches_both_ways,
    searches_of_openings_are_saved_from_the_lists_on_pages_and_through_the_api
);

mod closing {
    use super::*;
    per_backend_hub!(
        a_vacancy_closes_at_the_end_of_its_deadline_in_the_regions_date,
        vacancies_are_counted_per_sector_with_the_median_time_to_fill
    );
}

mod weekly {
    use super::*;
    per_backend_hub!(vacancies_that_fit_are_mailed_once_a_week_to_those_who_asked);
}

mod alerts {
    use super::*;
    per_backend_hub!(a_saved_search_of_vacancies_alerts_once_with_a_feed_and_one_click_unsubscribe);
}

const OWNER: &str = "hanze-university-of-applied-sciences";
const OWNER_NAME: &str = "Hanze University of Applied Sciences";
const HOST: &str = "fontys-university-of-applied-sciences";
/// Recruits in the pool's story; the other has no vacancy.
const RECRUITER: &str = "avans-university-of-applied-sciences";
const NOT_RECRUITING: &str = "saxion-university-of-applied-sciences";
/// A skill only the pool's profile names, to find any place it leaks to.
const SECRET_SKILL: &str = "zebrafishmorphometry";

/// The JobPosting JSON-LD on a vacancy's page, if any.
pub(crate) fn job_posting_on(page: &str) -> Option<Value> {
    let start = page.find(r#"<script type="application/ld+json">"#)?;
    let rest = &page[start..];
    let json = &rest[rest.find('>')? + 1..rest.find("</script>")?];
    let value: Value = serde_json::from_str(json).expect("the JSON-LD is JSON");
    (value["@type"] == "JobPosting").then_some(value)
}

/// Checks Google's required and recommended JobPosting properties.
pub(crate) fn assert_job_posting(posting: &Value) {
    assert_eq!(posting["@context"], "https://schema.org", "{posting}");
    for property in ["datePosted", "description", "title", "validThrough", "employmentType", "identifier"] {
        assert!(
            posting[property].as_str().is_some_and(|v| !v.is_empty())
                || posting[property].is_array()
                || posting[property].is_object(),
            "{property} in {posting}"
        );
    }
    assert_eq!(posting["hiringOrganization"]["@type"], "Organization", "{posting}");
    assert!(posting["hiringOrganization"]["name"].as_str().is_some_and(|n| !n.is_empty()));
    assert_eq!(posting["directApply"].as_bool(), Some(false), "{posting}");
    let located = posting["jobLocation"].as_array().is_some_and(|places| {
        !places.is_empty()
            && places
                .iter()
                .all(|p| p["address"]["addressLocality"].is_string() && p["address"]["addressCountry"].is_string())
    });
    let remote = posting["jobLocationType"] == "TELECOMMUTE"
        && posting["applicantLocationRequirements"].as_array().is_some_and(|c| !c.is_empty());
    assert!(located || remote, "jobLocation, or jobLocationType with applicantLocationRequirements: {posting}");
    chrono::DateTime::parse_from_rfc3339(posting["validThrough"].as_str().unwrap_or_default())
        .expect("validThrough is a time");
    chrono::NaiveDate::parse_from_str(posting["datePosted"].as_str().unwrap_or_default(), "%Y-%m-%d")
        .expect("datePosted");
    let identifier = &posting["identifier"];
    assert_eq!(identifier["@type"], "PropertyValue");
    assert!(identifier["value"].is_string() && identifier["name"].is_string(), "{posting}");
    if let Some(salary) = posting.get("baseSalary") {
        assert_eq!(salary["currency"], "EUR");
        assert!(salary["value"]["minValue"].as_u64() <= salary["value"]["maxValue"].as_u64(), "{salary}");
        assert!(["MONTH", "YEAR"].contains(&salary["value"]["unitText"].as_str().unwrap_or_default()));
    }
}

fn in_days(days: u64) -> String {
    let today = Clock::default().today();
    today.checked_add_days(chrono::Days::new(days)).expect("date").to_string()
}

async fn publish(browser: &mut Browser<'_>, path: &str) {
    let published = browser.submit(path, &format!("{path}/state"), &[("transition", "publish")]).await;
    assert_eq!(published.status, 303, "{}", published.body);
}

async fn vacancies_and_programmes_reach_search_engines_feeds_and_partners_until_filled(app: &TestApp) {
    let mut admin = Browser::new(app, 243);
    admin.sign_up("Talent Admin", "admin@talent.example", PASSWORD).await;
    grant(app, "admin@talent.example", "admin");
    let mut owner = member_of(app, &mut admin, 244, "hr@talent.example", OWNER).await;
    let mut visitor = Browser::new(app, 245);
    let deadline = in_days(40);
    let intake = in_days(120);
    let yesterday = Clock::default().today().pred_opt().expect("date").to_string();

    // A programme with a host besides the owner; an intake that has passed is refused.
    let mut programme_form = vec![
        ("organisation", OWNER),
        ("type", "ai-for-health"),
        ("title_en", "Talent track in clinical machine learning"),
        ("description_en", "Two years of applied machine learning in hospitals of the north."),
        ("hosts", HOST),
        ("eligibility_nl", "Een masterdiploma in informatica, wiskunde of geneeskunde."),
        ("intakes", yesterday.as_str()),
        ("apply_url", "https://example.org/talent-track"),
    ];
    let refused = owner.submit("/programmes/new", "/programmes", &programme_form).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("f-intakes-error"), "{}", refused.body);
    programme_form[6] = ("intakes", intake.as_str());
    let created = owner.submit("/programmes/new", "/programmes", &programme_form).await;
    assert_eq!(created.status, 303, "{}", created.body);
    let programme = created.location.expect("the programme's page");
    publish(&mut owner, &programme).await;
    let programme_slug = programme.trim_start_matches("/programmes/").to_owned();

    // Bad input, field by field, in Dutch on a Dutch page.
    owner.get("/language/nl").await;
    let refused = owner
        .submit(
            "/vacancies/new",
            "/vacancies",
            &[
                ("organisation", OWNER),
                ("title_en", "Lecturer"),
                ("description_en", "Teaching."),
                ("places", "Groningen"),
                ("salary_min", "5000"),
                ("salary_max", "4000"),
                ("deadline", yesterday.as_str()),
                ("starts_on", yesterday.as_str()),
                ("apply", "call us"),
            ],
        )
        .await;
    assert_eq!(refused.status, 400);
    for field in ["salary_min", "deadline", "starts_on", "apply"] {
        assert!(refused.body.contains(&format!("f-{field}-error")), "{field}: {}", refused.body);
    }
    assert!(refused.body.contains("mag niet meer zijn dan salary_max"), "{}", refused.body);
    assert!(refused.body.contains("is voorbij; geef vandaag of een latere datum"), "{}", refused.body);
    let unknown = [
        ("organisation", OWNER),
        ("title_en", "Lecturer"),
        ("description_en", "Teaching."),
        ("places", "Groningen"),
        ("deadline", deadline.as_str()),
        ("apply", "https://example.org/jobs/lecturer"),
        ("programme", "no-such-programme"),
    ];
    let refused = owner.submit("/vacancies/new", "/vacancies", &unknown).await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.body.contains("geen gepubliceerd item van de soort programme heeft de adresnaam"),
        "{}",
        refused.body
    );
    owner.get("/language/en").await;

    // A vacancy through the pages, in the programme.
    let created = owner
        .submit(
            "/vacancies/new",
            "/vacancies",
            &[
                ("organisation", OWNER),
                ("title_en", "PhD candidate in federated learning on hospital data"),
                ("title_nl", "Promovendus federatief leren op ziekenhuisdata"),
                ("description_en", "Train models across hospitals without moving patient data."),
                ("researcher_profiles", "R1"),
                ("research_field", "Computer science"),
                ("contract", "fixed-term"),
                ("hours_per_week", "38"),
                ("employment_type", "full-time"),
                ("positions", "2"),
                ("places", "Groningen\nLeuven, BE"),
                ("workplace", "hybrid"),
                ("education", "master"),
                ("languages", "en C1"),
                ("salary_min", "2901"),
                ("salary_max", "3707"),
                ("salary_unit", "month"),
                ("salary_scale", "CAO NU PhD"),
                ("eu_funding", "MSCA Doctoral Networks"),
                ("deadline", deadline.as_str()),
                ("starts_on", intake.as_str()),
                ("apply", "https://example.org/jobs/federated"),
                ("programme", programme_slug.as_str()),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let vacancy = created.location.expect("the vacancy's page");
    let draft = visitor.get(&vacancy).await;
    assert_eq!(draft.status, 404, "a draft is not public");
    publish(&mut owner, &vacancy).await;
    let slug = vacancy.trim_start_matches("/vacancies/").to_owned();

    // Its page: the facts, how to apply, and the JobPosting.
    let page = visitor.get(&vacancy).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("https://example.org/jobs/federated") && page.body.contains("MSCA Doctoral Networks"));
    let posting = job_posting_on(&page.body).expect("JobPosting JSON-LD on an open vacancy");
    assert_job_posting(&posting);
    assert_eq!(posting["employmentType"], json!(["FULL_TIME"]));
    assert_eq!(posting["jobLocationType"], "TELECOMMUTE", "hybrid work");
    assert_eq!(posting["applicantLocationRequirements"][1]["name"], "BE", "{posting}");
    assert_eq!(posting["baseSalary"]["value"]["minValue"], 2901);
    assert_eq!(posting["hiringOrganization"]["name"], OWNER_NAME);
    assert!(posting["validThrough"].as_str().expect("time").starts_with(&format!("{deadline}T23:59:59+0")));
    assert!(!page.body.contains("/filled"), "visitors get no button");
    let own = owner.get(&vacancy).await;
    assert!(own.body.contains(&format!("action=\"{vacancy}/filled\"")), "its owner may mark it filled");

    // A second one through the API, remote from two countries.
    let (status, body) = owner
        .api(
            reqwest::Method::POST,
            "/api/v1/vacancies",
            &json!({ "organisation": OWNER, "titleEn": "Data engineer", "descriptionEn": "Pipelines for imaging data.",
                     "workplace": "remote", "applicantCountries": ["NL", "DE"], "employmentType": "contractor",
                     "deadline": deadline, "apply": "jobs@example.org" }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let api_slug = body["slug"].as_str().expect("slug").to_owned();
    assert_eq!(body["apply"], "mailto:jobs@example.org");
    assert_eq!(body["expiresOn"], deadline.as_str(), "it expires at its deadline");
    let (status, _) = owner
        .api(reqwest::Method::POST, &format!("/api/v1/vacancies/{api_slug}/state"), &json!({"transition": "publish"}))
        .await;
    assert_eq!(status, 200);
    let posting = job_posting_on(&visitor.get(&format!("/vacancies/{api_slug}")).await.body).expect("JobPosting");
    assert_job_posting(&posting);
    assert!(posting.get("jobLocation").is_none() && posting["applicantLocationRequirements"][1]["name"] == "DE");
    let (status, refused) = owner
        .api(
            reqwest::Method::POST,
            "/api/v1/vacancies",
            &json!({ "organisation": OWNER, "titleEn": "X", "descriptionEn": "Y", "places": ["Groningen"],
                     "deadline": deadline, "apply": "https://example.org", "expiresOn": deadline }),
        )
        .await;
    assert_eq!(status, 400, "a vacancy's expiry is its deadline: {refused}");

    // Listed, found, in the feeds, the export and the sitemap; its programme lists it.
    assert!(visitor.get("/vacancies").await.body.contains(&slug));
    assert!(visitor.get(&format!("/vacancies?programme={programme_slug}")).await.body.contains(&slug));
    assert!(visitor.get(&programme).await.body.contains(&vacancy), "the programme lists its open vacancy");
    assert!(app.search_finds("q=federated+learning+hospital&type=vacancy", &slug).await);
    for feed in ["/feeds/vacancies.atom".to_owned(), format!("/feeds/vacancies.atom?organisation={OWNER}")] {
        assert!(visitor.get(&feed).await.body.contains(&slug), "{feed}");
    }
    let export = visitor.get(&format!("/feeds/vacancies.json?organisation={OWNER}")).await;
    assert_eq!(export.headers["content-type"], "application/ld+json");
    let postings: Vec<Value> = serde_json::from_str(&export.body).expect("JSON");
    assert_eq!(postings.len(), 2, "{}", export.body);
    postings.iter().for_each(assert_job_posting);
    let sitemap = visitor.get("/sitemap.xml").await;
    let today = Clock::default().today().to_string();
    assert!(sitemap.body.contains(&format!("{PUBLIC_URL}{vacancy}</loc>")), "{}", sitemap.body);
    assert!(sitemap.body.contains(&format!("<lastmod>{today}</lastmod>")));
    assert!(visitor.get("/robots.txt").await.body.contains("/sitemap.xml"));

    // Filled through the page: it leaves every list, and its page says so without a JobPosting.
    let filled = owner.submit(&vacancy, &format!("{vacancy}/filled"), &[]).await;
    assert_eq!(filled.status, 303, "{}", filled.body);
    let page = visitor.get(&vacancy).await;
    assert_eq!(page.status, 200, "its page stays");
    assert!(page.body.contains("This vacancy was filled on"), "{}", page.body);
    assert!(job_posting_on(&page.body).is_none() && !page.body.contains("example.org/jobs/federated"));
    assert!(!visitor.get("/vacancies").await.body.contains(&slug));
    assert!(!visitor.get("/feeds/vacancies.atom").await.body.contains(&slug));
    assert!(!visitor.get("/feeds/vacancies.json").await.body.contains(&slug));
    assert!(!visitor.get("/sitemap.xml").await.body.contains(&vacancy));
    assert!(!visitor.get(&programme).await.body.contains(&vacancy));
    assert!(app.search_finds("q=data+engineer+imaging&type=vacancy", &api_slug).await);
    assert!(
        app.search_forgets("q=federated+learning+hospital&type=vacancy", &slug).await,
        "a filled vacancy leaves search"
    );

    // Filled through the API; a second time is refused.
    let (status, body) =
        owner.api(reqwest::Method::POST, &format!("/api/v1/vacancies/{api_slug}/filled"), &json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["filledOn"], today.as_str());
    let (status, body) =
        owner.api(reqwest::Method::POST, &format!("/api/v1/vacancies/{api_slug}/filled"), &json!({})).await;
    assert_eq!(status, 400, "{body}");
    let (status, _) =
        visitor.api(reqwest::Method::POST, &format!("/api/v1/vacancies/{api_slug}/filled"), &json!({})).await;
    assert_eq!(status, 401);
}

async fn a_vacancy_closes_at_the_end_of_its_deadline_in_the_regions_date(hub: Hub) {
    let clock = Clock::system("Europe/Amsterdam").expect("zone");
    let today = clock.today();
    let owner = hub.organisation("Closing Time Labs").await;
    let member = hub.member_of(&owner).await;
    let draft = VacancyDraft {
        title_en: "Research technician in organoid culture".into(),
        description_en: "Culture and image intestinal organoids.".into(),
        places: "Utrecht".into(),
        deadline: today.to_string(),
        apply: "https://example.org/organoids".into(),
        ..VacancyDraft::default()
    };
    let item = hub.item::<Vacancy>(&member, &owner, draft, State::Published, None).await;
    assert_eq!(item.expires_on, Some(today));
    let site = SiteConfig { public_url: PUBLIC_URL.into(), clock: clock.clone(), ..SiteConfig::default() };
    // Its scheduled jobs mail the owner of the vacancy about to close: into a folder of its own.
    let dir = tempfile::tempdir().expect("folder");
    let state = AppState::open(hub.db.clone(), site)
        .await
        .expect("state")
        .with_accounts(AccountsConfig::with_data_dir(dir.path()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let server = tokio::spawn(async move {
        lshub_web::serve(listener, state, std::future::pending()).await.expect("serve");
    });
    let get = |path: String| {
        let url = format!("{base}{path}");
        async move {
            let response = client().get(url).header("accept-language", "en").send().await.expect("request");
            assert_eq!(response.status().as_u16(), 200);
            response.text().await.expect("text")
        }
    };
    let page_path = format!("/vacancies/{}", item.slug);
    for open in [true, false] {
        let page = get(page_path.clone()).await;
        assert_eq!(job_posting_on(&page).is_some(), open, "JobPosting only while open: {page}");
        assert_eq!(page.contains("This vacancy closed on"), !open);
        for listing in ["/vacancies", "/feeds/vacancies.atom", "/feeds/vacancies.json", "/sitemap.xml"] {
            assert_eq!(
                get(listing.to_owned()).await.contains(&item.slug),
                open,
                "{listing} on the day it is open: {open}"
            );
        }
        // The last day ends at the region's midnight.
        clock.advance(chrono::Duration::days(1));
    }
    server.abort();
}

async fn the_talent_pool_is_seen_by_recruiters_only_and_matches_both_ways(app: &TestApp) {
    let mut admin = Browser::new(app, 246);
    admin.sign_up("Pool Admin", "admin@pool.example", PASSWORD).await;
    grant(app, "admin@pool.example", "admin");
    let mut recruiter = member_of(app, &mut admin, 247, "hr@pool.example", RECRUITER).await;
    let mut outsider = member_of(app, &mut admin, 248, "staff@pool.example", NOT_RECRUITING).await;
    let mut person = Browser::new(app, 249);
    person.sign_up("Robin Talent", "robin@pool.example", PASSWORD).await;
    let mut visitor = Browser::new(app, 242);

    // The profile: an ORCID with a wrong check digit is refused in the page's language.
    let mut form = vec![
        ("career_stage", "r1"),
        ("skills", "deep learning, zebrafishmorphometry"),
        ("places", "Breda"),
        ("employment_types", "full-time"),
        ("orcid", "0000-0002-1825-0098"),
        ("statement_en", "I measure zebrafish with deep learning."),
        ("weekly", "true"),
    ];
    person.get("/language/nl").await;
    let refused = person.submit("/talent/profile", "/talent/profile", &form).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("heeft een verkeerd ORCID-controlecijfer"), "{}", refused.body);
    person.get("/language/en").await;
    form[4] = ("orcid", "0000-0002-1825-0097");
    let saved = person.submit("/talent/profile", "/talent/profile", &form).await;
    assert_eq!(saved.status, 303, "{}", saved.body);

    // A vacancy of the recruiter that names the person's skill.
    let deadline = in_days(30);
    let created = recruiter
        .submit(
            "/vacancies/new",
            "/vacancies",
            &[
                ("organisation", RECRUITER),
                ("title_en", "Research assistant in zebrafish imaging"),
                ("description_en", "Deep learning on zebrafish images; zebrafishmorphometry experience welcome."),
                ("researcher_profiles", "R1"),
                ("places", "Breda"),
                ("deadline", deadline.as_str()),
                ("apply", "https://example.org/jobs/zebrafish"),
            ],
        )
        .await;
    let vacancy = created.location.expect("the vacancy's page");
    publish(&mut recruiter, &vacancy).await;
    let slug = vacancy.trim_start_matches("/vacancies/").to_owned();
    assert_job_posting(&job_posting_on(&visitor.get(&vacancy).await.body).expect("JobPosting"));

    // The recruiter sees the person, with reasons, on the pages and through the API.
    let pool = recruiter.get("/talent").await;
    assert_eq!(pool.status, 200);
    assert!(pool.body.contains("Robin Talent") && pool.body.contains(SECRET_SKILL));
    assert!(pool.body.contains("https://orcid.org/0000-0002-1825-0097"));
    let candidates = recruiter.get(&format!("{vacancy}/candidates")).await;
    assert_eq!(candidates.status, 200);
    assert!(
        candidates.body.contains("Robin Talent") && candidates.body.contains("career stage R1"),
        "{}",
        candidates.body
    );
    let (status, api) =
        recruiter.api(reqwest::Method::GET, &format!("/api/v1/vacancies/{slug}/candidates"), &json!(null)).await;
    assert_eq!(status, 200, "{api}");
    assert_eq!(api[0]["name"], "Robin Talent");
    assert!(api[0]["reasons"].as_array().is_some_and(|r| r.iter().any(|x| x == "place Breda")), "{api}");
    for page in [&pool.body, &candidates.body, &api.to_string()] {
        assert!(!page.contains("robin@pool.example"), "no address is ever shown");
    }
    assert!(recruiter.get(&vacancy).await.body.contains(&format!("{vacancy}/candidates")));

    // The person sees what fits them, both ways.
    let matches = person.get("/talent/matches").await;
    assert!(
        matches.body.contains(&vacancy) && matches.body.contains("names deep learning, zebrafishmorphometry"),
        "{}",
        matches.body
    );
    let (_, mine) = person.api(reqwest::Method::GET, "/api/v1/me/talent-matches", &json!(null)).await;
    assert_eq!(mine["vacancies"][0]["slug"], slug.as_str(), "{mine}");

    // Nobody else sees a talent-pool field: not visitors, not members of an organisation
    // without vacancies, not search, feeds, exports or the public API.
    assert_eq!(visitor.get("/talent").await.status, 303, "visitors are sent to sign in");
    for path in ["/talent".to_owned(), format!("{vacancy}/candidates")] {
        let page = outsider.get(&path).await;
        assert_eq!(page.status, 403, "{path}");
        assert!(!page.body.contains(SECRET_SKILL) && !page.body.contains("Robin Talent"));
    }
    let (status, _) = outsider.api(reqwest::Method::GET, "/api/v1/talent", &json!(null)).await;
    assert_eq!(status, 403);
    for path in [
        "/".to_owned(),
        "/vacancies".to_owned(),
        vacancy.clone(),
        "/feeds/vacancies.atom".to_owned(),
        "/feeds/vacancies.json".to_owned(),
        "/sitemap.xml".to_owned(),
        "/api/v1/vacancies".to_owned(),
        format!("/api/v1/search?q={SECRET_SKILL}"),
        format!("/search?q={SECRET_SKILL}"),
    ] {
        for browser in [&mut visitor, &mut outsider] {
            let page = browser.get(&path).await;
            assert!(!page.body.contains("Robin Talent") && !page.body.contains("0000-0002-1825-0097"), "{path}");
        }
    }

    // Hidden, the profile leaves the pool; exported with the account; deleted, it is gone.
    let mut hidden = form.clone();
    hidden.push(("visibility", "hidden"));
    assert_eq!(person.submit("/talent/profile", "/talent/profile", &hidden).await.status, 303);
    assert!(!recruiter.get("/talent").await.body.contains("Robin Talent"));
    assert!(!recruiter.get(&format!("{vacancy}/candidates")).await.body.contains("Robin Talent"));
    let exported = person.get("/talent/profile.json").await;
    assert!(exported.body.contains(SECRET_SKILL) && exported.body.contains("\"hidden\":true"), "{}", exported.body);
    assert!(person.get("/account/export").await.body.contains(SECRET_SKILL), "the account's export holds it");
    let deleted = person.submit("/talent/profile", "/talent/profile/delete", &[]).await;
    assert_eq!(deleted.status, 303);
    let (status, _) = person.api(reqwest::Method::GET, "/api/v1/me/talent-profile", &json!(null)).await;
    assert_eq!(status, 404);
    let (status, body) = person
        .api(
            reqwest::Method::PUT,
            "/api/v1/me/talent-profile",
            &json!({"careerStage": "r2", "skills": ["imaging"], "orcid": "1234"}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = person
        .api(reqwest::Method::PUT, "/api/v1/me/talent-profile", &json!({"careerStage": "r2", "skills": ["imaging"]}))
        .await;
    assert_eq!((status, body["careerStage"].as_str()), (200, Some("r2")));
    let (status, _) = person.api(reqwest::Method::DELETE, "/api/v1/me/talent-profile", &json!(null)).await;
    assert_eq!(status, 204);
}

async fn vacancies_that_fit_are_mailed_once_a_week_to_those_who_asked(hub: Hub) {
    let dir = tempfile::tempdir().expect("folder");
    let lab = hub.organisation("Weekly Fit Lab").await;
    let recruiter = hub.member_of(&lab).await;
    let (asked, quiet) = (hub.stranger().await, hub.stranger().await);
    let profile = |weekly: &str| TalentProfileDraft {
        career_stage: "r2".into(),
        skills: "proteomics".into(),
        weekly: weekly.into(),
        ..TalentProfileDraft::default()
    };
    lshub_service::talent::save_profile(&hub.db, &asked, profile("true")).await.expect("asked");
    lshub_service::talent::save_profile(&hub.db, &quiet, profile("")).await.expect("quiet");
    let draft = VacancyDraft {
        title_en: "Postdoc in clinical proteomics".into(),
        description_en: "Mass-spectrometry proteomics of plasma.".into(),
        places: "Leiden".into(),
        deadline: in_days(20),
        apply: "https://example.org/proteomics".into(),
        ..VacancyDraft::default()
    };
    hub.item::<Vacancy>(&recruiter, &lab, draft, State::Published, None).await;
    let node = || async {
        let site = SiteConfig { public_url: PUBLIC_URL.into(), ..SiteConfig::default() };
        AppState::open(hub.db.clone(), site)
            .await
            .expect("state")
            .with_accounts(AccountsConfig::with_data_dir(dir.path()))
    };
    let (first, second) = (node().await, node().await);
    let (a, b) = tokio::join!(lshub_web::send_weekly_fits(&first), lshub_web::send_weekly_fits(&second));
    assert_eq!(a.expect("a node") + b.expect("a node"), 1, "only the one who asked, once");
    assert_eq!(lshub_web::send_weekly_fits(&first).await.expect("again"), 0, "once a week");
    lshub_web::auth::mail::deliver_pending(&first).await;
    let sent = crate::alerts::mails(dir.path());
    assert_eq!(sent.len(), 1, "{sent:?}");
    let email = asked.user.as_ref().expect("a user").email.clone();
    assert!(
        sent[0].contains(&format!("To: {email}")) && sent[0].contains("Postdoc in clinical proteomics"),
        "{}",
        sent[0]
    );
    assert!(sent[0].contains("names proteomics"), "with why: {}", sent[0]);
}

async fn a_saved_search_of_vacancies_alerts_once_with_a_feed_and_one_click_unsubscribe(hub: Hub) {
    let dir = tempfile::tempdir().expect("folder");
    let lab = hub.organisation("Saved Search Lab").await;
    let recruiter = hub.member_of(&lab).await;
    let member = hub.stranger().await;
    let user = member.user.clone().expect("a user");
    hub.db.set_language(&user.id, "nl").await.expect("language");
    let vacancy = |title: &str, employment: &str| VacancyDraft {
        title_en: title.into(),
        description_en: "Work on patient-derived tissue models.".into(),
        employment_type: employment.into(),
        places: "Utrecht".into(),
        deadline: in_days(25),
        apply: "https://example.org/organoids".into(),
        ..VacancyDraft::default()
    };
    // Published before the search was saved: in the feed, never in an alert.
    hub.item::<Vacancy>(&recruiter, &lab, vacancy("Organoid technician", "full-time"), State::Published, None).await;
    // Times are kept to the second: a vacancy published in the second a search is saved counts as new.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let pairs: Vec<(String, String)> = [("kind", "vacancy"), ("employment", "full-time"), ("words", "organoid")]
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    let (_, secret) = lshub_service::talent::save_search(&hub.db, &member, &pairs).await.expect("saved");
    hub.item::<Vacancy>(&recruiter, &lab, vacancy("Organoid engineer", "full-time"), State::Published, None).await;
    hub.item::<Vacancy>(&recruiter, &lab, vacancy("Organoid intern", "intern"), State::Published, None).await;
    hub.item::<Vacancy>(&recruiter, &lab, vacancy("Cryo-EM engineer", "full-time"), State::Published, None).await;

    // Two nodes run the job at once, then again: one mail, in the reader's language.
    let site = SiteConfig { region: "Amsterdam".into(), public_url: PUBLIC_URL.into(), ..SiteConfig::default() };
    let node = || async {
        AppState::open(hub.db.clone(), site.clone())
            .await
            .expect("state")
            .with_accounts(AccountsConfig::with_data_dir(dir.path()))
    };
    let (first, second) = (node().await, node().await);
    let (a, b) = tokio::join!(lshub_web::send_opening_alerts(&first), lshub_web::send_opening_alerts(&second));
    assert_eq!(a.expect("a node") + b.expect("a node"), 1, "one mail for the one new match");
    assert_eq!(lshub_web::send_opening_alerts(&first).await.expect("again"), 0, "each opening once");
    lshub_web::auth::mail::deliver_pending(&first).await;
    let sent = crate::alerts::mails(dir.path());
    assert_eq!(sent.len(), 1, "{sent:?}");
    let mail = &sent[0];
    assert!(mail.contains(&format!("To: {}", user.email)));
    assert!(mail.contains("1 nieuwe treffer voor je bewaarde zoekopdracht"), "in the reader's language: {mail}");
    assert!(mail.contains("Organoid engineer"), "{mail}");
    for other in ["Organoid technician", "Organoid intern", "Cryo-EM engineer"] {
        assert!(!mail.contains(other), "{other} in {mail}");
    }
    let unsubscribe = crate::alerts::list_unsubscribe(mail);
    assert!(unsubscribe.starts_with(&format!("{PUBLIC_URL}/talent/unsubscribe/")), "{unsubscribe}");

    // The feed: what the search finds now, at its secret address, without signing in.
    let (base, _state) = crate::alerts::serve(&hub, dir.path()).await;
    let feed = client().get(format!("{base}/feeds/talent/{secret}")).send().await.expect("feed");
    assert_eq!(feed.status().as_u16(), 200);
    let feed = atom_syndication::Feed::from_str(&feed.text().await.expect("text")).expect("Atom");
    let mut titles: Vec<&str> = feed.entries().iter().map(|e| e.title().as_str()).collect();
    titles.sort_unstable();
    assert_eq!(titles, ["Organoid engineer", "Organoid technician"]);
    let wrong = client().get(format!("{base}/feeds/talent/{secret}0")).send().await.expect("feed");
    assert_eq!(wrong.status().as_u16(), 404);

    // The mail's link: a GET asks, a POST without session or token turns the alerts off.
    let link = unsubscribe.replace(PUBLIC_URL, &base);
    let asked = client().get(&link).send().await.expect("GET");
    assert_eq!(asked.status().as_u16(), 200);
    assert!(asked.text().await.expect("page").contains("<button type=\"submit\">"));
    let mine = || lshub_service::talent::my_searches(&hub.db, &member);
    assert!(mine().await.expect("searches")[0].alerts, "a GET changes nothing");
    assert_eq!(crate::alerts::one_click(&link).await, 200);
    assert!(!mine().await.expect("searches")[0].alerts, "the POST turned the alerts off");
    hub.item::<Vacancy>(&recruiter, &lab, vacancy("Organoid biologist", "full-time"), State::Published, None).await;
    assert_eq!(lshub_web::send_opening_alerts(&first).await.expect("job"), 0, "no mail after unsubscribing");
    let wrong = client().post(format!("{base}/talent/unsubscribe/not-a-secret")).send().await.expect("POST");
    assert_eq!(wrong.status().as_u16(), 404);
}

async fn searches_of_openings_are_saved_from_the_lists_on_pages_and_through_the_api(app: &TestApp) {
    let mut person = Browser::new(app, 225);
    person.sign_up("Sam Searcher", "sam@searches.example", PASSWORD).await;
    let mut visitor = Browser::new(app, 226);

    // A filtered list links to saving its filters; a visitor is sent to sign in.
    let list = visitor.get("/vacancies?employment=part-time&profile=r2").await;
    let link = "/talent/searches?kind=vacancy&#38;employment=part-time&#38;profile=r2";
    assert!(list.body.contains(link), "{}", list.body);
    let asked = visitor.get("/talent/searches?kind=vacancy&employment=part-time").await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    assert!(visitor.get("/programmes").await.body.contains("/talent/searches?kind=programme"));

    // Signed in, the page shows the search and saves it with words; the feed's address once.
    let form = person.get("/talent/searches?kind=vacancy&employment=part-time&profile=r2").await;
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains("Vacancies · Employment: Part-time · Researcher profile: R2 Recognised researcher"),
        "{}",
        form.body
    );
    let fields = [("kind", "vacancy"), ("employment", "part-time"), ("profile", "r2"), ("words", "single-cell")];
    let saved = person.submit("/talent/searches?kind=vacancy", "/talent/searches", &fields).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert!(saved.body.contains(&format!("{PUBLIC_URL}/feeds/talent/")), "{}", saved.body);
    assert!(saved.body.contains("“single-cell”"));
    assert!(person.get("/account/export").await.body.contains("single-cell"), "the account's export holds it");
    let refused = person.submit("/talent/searches", "/talent/searches", &[("kind", "news"), ("colour", "red")]).await;
    assert_eq!(refused.status, 400, "{}", refused.body);

    // The API lists it without its feed, saves another, refuses a filter the kind lacks, deletes.
    let (status, body) = person.api(reqwest::Method::GET, "/api/v1/me/opening-searches", &json!(null)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body[0]["filters"], json!({"employment": "part-time", "profile": "r2"}));
    assert!(body[0].get("feed").is_none() && body[0]["alerts"] == true, "{body}");
    let (status, body) = person
        .api(reqwest::Method::POST, "/api/v1/me/opening-searches", &json!({"kind": "programme", "type": "fellowship"}))
        .await;
    assert_eq!(status, 201, "{body}");
    assert!(body["feed"].as_str().is_some_and(|f| f.starts_with(&format!("{PUBLIC_URL}/feeds/talent/"))));
    let (status, body) = person
        .api(
            reqwest::Method::POST,
            "/api/v1/me/opening-searches",
            &json!({"kind": "programme", "employment": "intern"}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let id =
        body_id(&person.api(reqwest::Method::GET, "/api/v1/me/opening-searches", &json!(null)).await.1, "programme");
    let (status, _) =
        person.api(reqwest::Method::DELETE, &format!("/api/v1/me/opening-searches/{id}"), &json!(null)).await;
    assert_eq!(status, 204);
    let (status, _) = visitor.api(reqwest::Method::GET, "/api/v1/me/opening-searches", &json!(null)).await;
    assert_eq!(status, 401);

    // Deleted through the page.
    let page = person.get("/talent/searches").await;
    let vacancy_id =
        page.body.split("/talent/searches/").nth(1).and_then(|rest| rest.split('/').next()).expect("an id");
    let deleted = person.submit("/talent/searches", &format!("/talent/searches/{vacancy_id}/delete"), &[]).await;
    assert_eq!(deleted.status, 303);
    assert!(person.get("/talent/searches").await.body.contains("You have no saved searches"));
}

/// The id of the saved search of `kind` in the API's list.
fn body_id(list: &Value, kind: &str) -> String {
    let found = list.as_array().and_then(|l| l.iter().find(|s| s["kind"] == kind));
    found.and_then(|s| s["id"].as_str()).expect("a saved search of the kind").to_owned()
}

async fn vacancies_are_counted_per_sector_with_the_median_time_to_fill(hub: Hub) {
    let today = Clock::default().today();
    let company = hub.organisation("Figures Company").await;
    let recruiter = hub.member_of(&company).await;
    let vacancy = |title: &str| VacancyDraft {
        title_en: title.into(),
        description_en: "Counted in the figures.".into(),
        places: "Delft".into(),
        deadline: in_days(30),
        apply: "https://example.org/figures".into(),
        ..VacancyDraft::default()
    };
    let mut slugs = Vec::new();
    for title in ["Figures one", "Figures two", "Figures three"] {
        slugs.push(hub.item::<Vacancy>(&recruiter, &company, vacancy(title), State::Published, None).await.slug);
    }
    hub.item::<Vacancy>(&recruiter, &company, vacancy("Figures draft"), State::Draft, None).await;
    // Filled 4 and 10 days after publishing, as the figures count from the day it was posted.
    for (slug, days) in slugs.iter().zip([4u64, 10]) {
        let day = today.checked_add_days(chrono::Days::new(days)).expect("a day");
        lshub_service::talent::fill_vacancy(&hub.db, &recruiter, slug, day).await.expect("filled");
    }
    let later = today.checked_add_days(chrono::Days::new(11)).expect("a day");
    let stats = hub.db.stats(later).await.expect("figures");
    let companies = stats.vacancies_by_sector.iter().find(|s| s.sector == "company").expect("the company sector");
    assert_eq!((companies.posted, companies.open, companies.filled), (3, 1, 2), "{companies:?}");
    assert_eq!(companies.median_days_to_fill, Some(7.0));
}
