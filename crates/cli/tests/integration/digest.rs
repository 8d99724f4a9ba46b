//! The weekly digest on both databases: only those who opted in get it, in their language,
//! with what is new for them (the news of the organisations they follow, not of others);
//! it goes once per week however often and on however many nodes the job runs, a restart
//! loses none; and its one-click unsubscribe (RFC 8058) works without a session.

use chrono::{Duration, Utc};
use lshub_domain::content::State;
use lshub_service::digest as service;
use lshub_web::{AccountsConfig, AppState, SiteConfig};

use crate::alerts::{call_record, import, mails, serve};
use crate::browser::{Browser, PASSWORD};
use crate::builders::{per_backend_hub, Hub};
use crate::support::{client, TestApp, PUBLIC_URL};

per_backend_hub!(the_digest_goes_once_a_week_to_those_who_opted_in);
/// On the shared running hub of each database.
mod served {
    use super::*;
    crate::support::per_backend!(the_digest_is_set_on_pages_and_through_the_api);
}

/// A node of the hub on the test's database, writing its mail under `dir`.
async fn node(hub: &Hub, dir: &std::path::Path) -> AppState {
    let site = SiteConfig { region: "Amsterdam".into(), public_url: PUBLIC_URL.into(), ..SiteConfig::default() };
    AppState::open(hub.db.clone(), site).await.expect("state").with_accounts(AccountsConfig::with_data_dir(dir))
}

async fn the_digest_goes_once_a_week_to_those_who_opted_in(hub: Hub) {
    let dir = tempfile::tempdir().expect("folder");
    let now = Utc::now();
    let lab = hub.organisation("Digest Lab").await;
    let followed = hub.organisation("Followed Institute").await;
    let other = hub.organisation("Unfollowed Institute").await;
    let (ann, bob, cas) = (hub.member_of(&lab).await, hub.stranger().await, hub.stranger().await);
    let ann_user = ann.user.clone().expect("a user");
    hub.db.set_language(&ann_user.id, "nl").await.expect("language");
    let deadline = now.date_naive() + Duration::days(40);
    import(&hub, dir.path(), &[call_record("TEST-DIGEST-1", "Digital twins of the heart", "open", deadline, 1)]).await;
    let author = hub.member_of(&followed).await;
    let followed_news = hub.news(&author, &followed, State::Published).await;
    let other_news = hub.news(&hub.member_of(&other).await, &other, State::Published).await;

    service::set(&hub.db, &ann, true, now).await.expect("Ann opts in");
    service::set(&hub.db, &bob, true, now).await.expect("Bob opts in");
    service::follow(&hub.db, &bob, &followed.slug, true, now).await.expect("Bob follows");
    let (on, follows) = service::settings(&hub.db, &bob).await.expect("settings");
    assert!(on && follows == [(followed.slug.clone(), followed.profile.name.clone())]);
    assert!(!service::settings(&hub.db, &cas).await.expect("settings").0, "opt-in: off until turned on");

    // Two nodes run the job at once, and again: each reader gets one digest.
    let (first, second) = (node(&hub, dir.path()).await, node(&hub, dir.path()).await);
    let (a, b) = tokio::join!(lshub_web::send_digests(&first), lshub_web::send_digests(&second));
    assert_eq!(a.expect("a node") + b.expect("a node"), 2, "Ann's and Bob's");
    assert_eq!(lshub_web::send_digests(&first).await.expect("again"), 0, "once a week");
    lshub_web::auth::mail::deliver_pending(&first).await;
    let sent = mails(dir.path());
    assert_eq!(sent.len(), 2, "{sent:?}");
    let to = |user: &lshub_service::Caller| {
        let email = user.user.as_ref().expect("a user").email.clone();
        sent.iter().find(|m| m.contains(&format!("To: {email}\r\n"))).cloned().expect("a digest")
    };
    let (anns, bobs) = (to(&ann), to(&bob));
    assert!(anns.contains("Subject: Uw week in LSH Hub"), "in Ann's language: {anns}");
    assert!(anns.contains("Digital twins of the heart"), "the new call: {anns}");
    assert!(bobs.contains(&followed_news.record.title), "news of the organisation Bob follows: {bobs}");
    assert!(!bobs.contains(&other_news.record.title) && !anns.contains(&other_news.record.title));

    // A restart between two readers loses neither: whoever is left is sent next time.
    service::set(&hub.db, &cas, true, now).await.expect("Cas opts in");
    assert_eq!(lshub_web::send_digests(&node(&hub, dir.path()).await).await.expect("a node"), 1, "Cas only");

    // Next week, Bob unsubscribes in one click from his mail; Ann still gets hers.
    let unsubscribe = crate::alerts::list_unsubscribe(&bobs);
    let (base, _state) = serve(&hub, dir.path()).await;
    let link = unsubscribe.replace(PUBLIC_URL, &base);
    assert_eq!(client().get(&link).send().await.expect("GET").status().as_u16(), 200);
    assert!(service::settings(&hub.db, &bob).await.expect("settings").0, "a GET changes nothing");
    assert_eq!(crate::alerts::one_click(&link).await, 200);
    assert!(!service::settings(&hub.db, &bob).await.expect("settings").0, "unsubscribed");
    let later = node(&hub, dir.path()).await;
    later.site.clock.advance(Duration::days(7));
    hub.news(&author, &followed, State::Published).await;
    import(&hub, dir.path(), &[call_record("TEST-DIGEST-2", "Cardiac organoids", "open", deadline, 1)]).await;
    assert_eq!(lshub_web::send_digests(&later).await.expect("next week"), 2, "Ann and Cas, not Bob");
}

/// An organisation no other test follows.
const FOLLOWED: &str = "royal-academy-of-art";

async fn the_digest_is_set_on_pages_and_through_the_api(app: &TestApp) {
    let mut reader = Browser::at(app, 344);
    reader.sign_up("Digest Reader", "reader@digest.example", PASSWORD).await;
    let settings = reader.get("/account/digest").await;
    assert_eq!(settings.status, 200);
    assert!(settings.body.contains(r#"value="true">"#), "opt-in: off until turned on");
    let saved = reader.submit("/account/digest", "/account/digest", &[("subscribed", "true")]).await;
    assert_eq!((saved.status, saved.location.as_deref()), (303, Some("/account/digest")));
    assert!(reader.get("/account/digest").await.body.contains(r#"value="true" checked>"#));

    // Following from the organisation's page, and stopping from the settings.
    let follow = format!("/organisations/{FOLLOWED}/follow");
    assert!(reader.get(&format!("/organisations/{FOLLOWED}")).await.body.contains(&follow));
    let followed = reader.submit(&follow, &follow, &[("follow", "yes")]).await;
    assert_eq!(followed.status, 303);
    let (status, api) = reader.api(reqwest::Method::GET, "/api/v1/me/digest", &serde_json::json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(api, serde_json::json!({"subscribed": true, "following": [FOLLOWED]}));
    let stopped = reader.submit("/account/digest", &follow, &[("follow", "no")]).await;
    assert_eq!(stopped.status, 303);
    assert!(!reader.get("/account/digest").await.body.contains(&format!("/organisations/{FOLLOWED}\"")));

    // The same through the API.
    let path = format!("/api/v1/me/follows/{FOLLOWED}");
    assert_eq!(reader.api(reqwest::Method::PUT, &path, &serde_json::json!({})).await.0, 204);
    let off = serde_json::json!({"subscribed": false});
    let (status, api) = reader.api(reqwest::Method::PUT, "/api/v1/me/digest", &off).await;
    assert_eq!((status, api["following"][0].as_str()), (200, Some(FOLLOWED)), "{api}");
    assert_eq!(api["subscribed"], false);
    assert_eq!(reader.api(reqwest::Method::DELETE, &path, &serde_json::json!({})).await.0, 204);
    let missing =
        reader.api(reqwest::Method::PUT, "/api/v1/me/follows/no-such-organisation", &serde_json::json!({})).await;
    assert_eq!(missing.0, 404);
}
