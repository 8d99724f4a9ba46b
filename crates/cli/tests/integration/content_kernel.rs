//! The content kernel's rules, on a database of each test's own built with the builders:
//! who may write, the lifecycle, expiry, history and stale edits, for every backend.

use chrono::{Duration, Utc};
use lshub_domain::content::{State, Transition};
use lshub_domain::news::{News, NewsDraft};
use lshub_service::content::{self as service, Lifetime};
use lshub_service::ServiceError;
use lshub_storage::content::ItemFilter;

use crate::builders::Hub;

crate::builders::per_backend_hub!(
    only_members_write_and_only_published_items_are_public,
    items_are_built_in_every_state_and_moderators_step_in,
    expired_items_leave_lists_and_keep_their_page,
    every_version_is_kept_and_stale_edits_are_refused,
    every_item_is_exported_as_json_and_csv,
);

fn draft(title: &str) -> NewsDraft {
    NewsDraft { title: title.into(), body: "Body".into(), language: "en".into(), ..NewsDraft::default() }
}

async fn only_members_write_and_only_published_items_are_public(hub: Hub) {
    let owner = hub.organisation("Kernel Owner").await;
    let member = hub.member_of(&owner).await;
    let stranger = hub.stranger().await;
    let visitor = hub.visitor();
    let today = Utc::now().date_naive();

    let refused =
        service::create::<News>(&hub.db, &stranger, &owner.slug, draft("Not mine"), Lifetime::default(), today).await;
    assert!(matches!(refused, Err(ServiceError::Denied(_))), "{refused:?}");
    let invalid = service::create::<News>(&hub.db, &member, &owner.slug, draft(""), Lifetime::default(), today).await;
    assert!(matches!(&invalid, Err(ServiceError::Invalid(errors)) if errors[0].field == "title"), "{invalid:?}");

    let item = hub.news(&member, &owner, State::Draft).await;
    let hidden = service::find::<News>(&hub.db, &visitor, &item.slug).await;
    assert!(matches!(hidden, Err(ServiceError::NotFound(_))), "a draft is not shown to visitors");
    let by_stranger = service::transition::<News>(&hub.db, &stranger, &item.slug, Transition::Publish).await;
    assert!(matches!(by_stranger, Err(ServiceError::NotFound(_) | ServiceError::Denied(_))), "{by_stranger:?}");

    let published =
        service::transition::<News>(&hub.db, &member, &item.slug, Transition::Publish).await.expect("publish");
    assert_eq!(published.state, State::Published);
    assert!(published.published_at.is_some());
    assert_eq!(service::find::<News>(&hub.db, &visitor, &item.slug).await.expect("public").id, item.id);
    let listed = service::listed::<News>(&hub.db, ItemFilter::default(), today).await.expect("list");
    assert_eq!(listed.items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), [item.id.as_str()]);

    let again = service::transition::<News>(&hub.db, &member, &item.slug, Transition::Publish).await;
    assert!(matches!(again, Err(ServiceError::Lifecycle(_))), "published once: {again:?}");
    let deleted = service::delete::<News>(&hub.db, &stranger, &item.slug).await;
    assert!(matches!(deleted, Err(ServiceError::Denied(_))), "{deleted:?}");
}

async fn items_are_built_in_every_state_and_moderators_step_in(hub: Hub) {
    let owner = hub.organisation("Kernel States").await;
    let member = hub.member_of(&owner).await;
    for state in [State::Draft, State::Published, State::Archived] {
        assert_eq!(hub.news(&member, &owner, state).await.state, state);
    }
    let today = Utc::now().date_naive();
    let listed = service::listed::<News>(&hub.db, ItemFilter::default(), today).await.expect("list");
    assert_eq!(listed.total, 1, "only the published item is listed");
    let own = service::of_owner::<News>(&hub.db, &member, &owner.id, ItemFilter::default()).await.expect("own");
    assert_eq!(own.total, 3, "members see all of their organisation's items");

    let published = hub.news(&member, &owner, State::Published).await;
    let admin = hub.admin().await;
    let archived =
        service::transition::<News>(&hub.db, &admin, &published.slug, Transition::Archive).await.expect("moderate");
    assert_eq!(archived.state, State::Archived);
    service::delete::<News>(&hub.db, &admin, &archived.slug).await.expect("an admin deletes");
    let gone = service::find::<News>(&hub.db, &admin, &archived.slug).await;
    assert!(matches!(gone, Err(ServiceError::NotFound(_))));
}

async fn expired_items_leave_lists_and_keep_their_page(hub: Hub) {
    let owner = hub.organisation("Kernel Expiry").await;
    let member = hub.member_of(&owner).await;
    let today = Utc::now().date_naive();
    let yesterday = today - Duration::days(1);
    let past = service::create::<News>(
        &hub.db,
        &member,
        &owner.slug,
        draft("Expired already"),
        Lifetime { expires_on: Some(yesterday) },
        today,
    )
    .await;
    assert!(matches!(&past, Err(ServiceError::Invalid(errors)) if errors[0].field == "expiresOn"), "{past:?}");

    let tomorrow = today + Duration::days(1);
    let item = hub.item::<News>(&member, &owner, draft("Expires tomorrow"), State::Published, Some(tomorrow)).await;
    let listed_on = |day| service::listed::<News>(&hub.db, ItemFilter::default(), day);
    assert_eq!(listed_on(tomorrow).await.expect("list").total, 1, "listed through its expiry date");
    assert_eq!(listed_on(tomorrow + Duration::days(1)).await.expect("list").total, 0, "then gone");
    let page = service::find::<News>(&hub.db, &hub.visitor(), &item.slug).await.expect("its page stays");
    assert!(lshub_domain::content::has_expired(page.expires_on, tomorrow + Duration::days(1)));
}

async fn every_version_is_kept_and_stale_edits_are_refused(hub: Hub) {
    let owner = hub.organisation("Kernel History").await;
    let member = hub.member_of(&owner).await;
    let other = hub.member_of(&owner).await;
    let today = Utc::now().date_naive();
    let item = hub.news(&member, &owner, State::Published).await;

    let edit = |caller, revision, title: &'static str| {
        service::edit::<News>(&hub.db, caller, &item.slug, revision, draft(title), Lifetime::default(), today)
    };
    let edited = edit(&other, item.revision, "Edited by a colleague").await.expect("edit");
    assert_eq!(edited.record.title, "Edited by a colleague");
    let stale = edit(&member, item.revision, "An edit of an older version").await;
    assert!(matches!(stale, Err(ServiceError::Stale)), "{stale:?}");

    let (_, history) = service::history::<News>(&hub.db, &member, &item.slug).await.expect("history");
    let changes: Vec<&str> = history.iter().map(|r| r.change.as_str()).collect();
    assert_eq!(changes, ["edited", "publish", "created"], "newest first");
    assert_eq!(history.last().map(|r| r.record.title.starts_with("Built news")), Some(true));
    let refused = service::history::<News>(&hub.db, &hub.visitor(), &item.slug).await;
    assert!(matches!(refused, Err(ServiceError::Denied(_))), "history is for those who may edit");
}

async fn every_item_is_exported_as_json_and_csv(hub: Hub) {
    let owner = hub.organisation("Kernel Export").await;
    let member = hub.member_of(&owner).await;
    let draft = hub.news(&member, &owner, State::Draft).await;
    let published = hub.news(&member, &owner, State::Published).await;
    let export = |format: &str| {
        let output = crate::support::lshub_command()
            .args(["--database", &hub.url, "export", "news", "--format", format])
            .output()
            .expect("run lshub");
        assert!(output.status.success(), "export: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).expect("UTF-8")
    };
    let json: Vec<serde_json::Value> = serde_json::from_str(&export("json")).expect("one JSON array");
    let shown: Vec<(&str, &str)> =
        json.iter().map(|i| (i["slug"].as_str().unwrap_or(""), i["state"].as_str().unwrap_or(""))).collect();
    assert_eq!(shown, [(draft.slug.as_str(), "draft"), (published.slug.as_str(), "published")], "every state");
    assert_eq!(json[1]["title"], published.record.title.as_str(), "the API's fields");
    let csv = export("csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("slug,organisation,state,revision,created_at,updated_at,published_at,expires_on,title,body,language,organisations,calls")
    );
    assert_eq!(lines.filter(|l| !l.is_empty()).count(), 2);
}
