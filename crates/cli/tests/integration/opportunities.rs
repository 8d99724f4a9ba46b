//! Needs and offers through the content kernel on the real server, on both databases: a
//! member posts a members-only technology offer and a need; visitors see the offer without
//! its organisation (page, list by organisation, API, feed, search by the organisation's
//! name), signed-in members see who it is; the need's page lists the offer that answers it
//! and calls that fit, with reasons; items last six months and their owners renew them in
//! one click; kinds that do not expire cannot be renewed.

use chrono::Days;

use crate::browser::{grant, Browser, PASSWORD};
use crate::news::member_of;
use crate::support::{per_backend, TestApp};

per_backend!(needs_and_offers_are_matched_and_members_only_ones_hide_their_owner);

const OWNER: &str = "encapson-netherlands";
const OWNER_NAME: &str = "Encapson";
const SEEKER: &str = "intravacc-netherlands";

/// Posts and publishes a need or an offer of `organisation`; its page's path.
async fn publish(browser: &mut Browser<'_>, organisation: &str, fields: &[(&str, &str)]) -> String {
    let mut form: Vec<(&str, &str)> = vec![("organisation", organisation)];
    form.extend_from_slice(fields);
    let created = browser.submit("/opportunities/new", "/opportunities", &form).await;
    assert_eq!(created.status, 303, "{}", created.body);
    let path = created.location.expect("the item's page");
    let draft = browser.get(&path).await;
    assert_eq!(draft.status, 200, "the draft page: {}", draft.body);
    let published = browser.submit(&path, &format!("{path}/state"), &[("transition", "publish")]).await;
    assert_eq!(published.status, 303, "{}", published.body);
    path
}

async fn needs_and_offers_are_matched_and_members_only_ones_hide_their_owner(app: &TestApp) {
    let mut admin = Browser::new(app, 186);
    admin.sign_up("Exchange Admin", "admin@exchange.example", PASSWORD).await;
    grant(app, "admin@exchange.example", "admin");
    let mut owner = member_of(app, &mut admin, 187, "owner@exchange.example", OWNER).await;
    let mut seeker = member_of(app, &mut admin, 188, "seeker@exchange.example", SEEKER).await;
    let mut visitor = Browser::new(app, 189);

    // Refused field by field.
    let refused = owner
        .submit(
            "/opportunities/new",
            "/opportunities",
            &[("organisation", OWNER), ("type", "gift"), ("title_en", ""), ("visibility", "secret")],
        )
        .await;
    assert_eq!(refused.status, 400);
    for field in ["f-type-error", "f-title_en-error", "f-description_en-error", "f-visibility-error"] {
        assert!(refused.body.contains(field), "{field} in {}", refused.body);
    }

    let offer = publish(
        &mut owner,
        OWNER,
        &[
            ("type", "technology-offer"),
            ("title_en", "Stem-cell derived cardiomyocytes for cardiotoxicity screening"),
            ("description_en", "Human iPSC cardiomyocytes and assays that screen drug candidates for cardiotoxicity."),
            ("sectors", "biotech, drug discovery"),
            ("stage", "market"),
            ("partner_sought", "company"),
            ("visibility", "members"),
        ],
    )
    .await;
    let need = publish(
        &mut seeker,
        SEEKER,
        &[
            ("type", "technology-request"),
            ("title_en", "Cardiotoxicity screening of drug candidates"),
            ("description_en", "We look for human cardiomyocyte assays to screen drug candidates for cardiotoxicity."),
            ("partner_sought", "company"),
        ],
    )
    .await;
    let offer_slug = offer.trim_start_matches("/opportunities/").to_owned();

    // It lasts six months from today, the region's date (a day ahead of UTC's near midnight).
    let (_, item) = app.get_json(&format!("/api/v1{offer}")).await;
    let today = lshub_service::clock::Clock::default().today();
    let six_months = today.checked_add_days(Days::new(182)).expect("date").to_string();
    assert_eq!(item["expiresOn"], six_months.as_str());

    // Visitors never learn whose the members-only offer is.
    let page = visitor.get(&offer).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Stem-cell derived cardiomyocytes"));
    assert!(
        !page.body.contains(OWNER_NAME) && !page.body.contains(&format!("/organisations/{OWNER}")),
        "{}",
        page.body
    );
    assert!(item.get("organisation").is_none(), "the API names no owner: {item}");
    let by_owner = visitor.get(&format!("/opportunities?organisation={OWNER}")).await;
    assert!(!by_owner.body.contains(&offer_slug), "not listed under its organisation for visitors");
    let (_, listed) = app.get_json(&format!("/api/v1/opportunities?organisation={OWNER}")).await;
    assert_eq!(listed["total"], 0, "{listed}");
    let (_, all) = app.get_json("/api/v1/opportunities").await;
    let found = all["items"].as_array().expect("items").iter().find(|i| i["slug"] == offer_slug.as_str()).cloned();
    assert!(found.expect("listed").get("organisation").is_none());
    let feed = visitor.get("/feeds/opportunities.atom").await;
    assert!(feed.body.contains("Stem-cell derived") && !feed.body.contains(OWNER_NAME), "{}", feed.body);
    assert!(app.search_finds("q=cardiomyocytes+cardiotoxicity&type=opportunity", &offer_slug).await);
    assert!(
        !app.search_finds(&format!("q={OWNER_NAME}&type=opportunity"), &offer_slug).await,
        "not by its owner's name"
    );

    // A signed-in member sees who it is.
    let seen = seeker.get(&offer).await;
    assert!(seen.body.contains(&format!("/organisations/{OWNER}")), "a member sees the owner");

    // The need's page lists the offer that answers it, and calls, each with reasons.
    let need_page = visitor.get(&need).await;
    assert!(need_page.body.contains("Offers that may answer this need"));
    assert!(need_page.body.contains(&offer), "the offer answers the need: {}", need_page.body);
    assert!(need_page.body.contains("Calls that fit"));

    // One click renews it; kinds that do not expire have nothing to renew.
    let renewed = owner.submit(&offer, &format!("{offer}/state"), &[("transition", "renew")]).await;
    assert_eq!(renewed.status, 303, "{}", renewed.body);
    assert!(owner.get(&offer).await.body.contains("value=\"renew\""), "the owner is offered renewal");
    assert!(!seeker.get(&offer).await.body.contains("value=\"renew\""), "others are not");
    // The seeker's token comes from a page of theirs with a form.
    let refused = seeker.submit("/opportunities/new", &format!("{offer}/state"), &[("transition", "renew")]).await;
    assert_eq!(refused.status, 403);
}
