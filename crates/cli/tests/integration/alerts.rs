//! The call changelog and saved searches with alerts, each on a database of its own: imports
//! of small call files record new, changed and closed calls; a saved search mails a new
//! matching call once, with RFC 8058's headers, reminds 30 and 7 days before the deadline
//! once each, unsubscribes by one POST without a session, and has a feed at a secret address.

use std::path::Path;
use std::str::FromStr;

use chrono::{Duration, NaiveDate, Utc};
use lshub_domain::alerts::{ChangeKind, SearchCriteria};
use lshub_domain::Pagination;
use lshub_service::alerts::{self, Letter};
use lshub_storage::NoProgress;
use lshub_web::{AccountsConfig, AppState, SiteConfig};
use serde_json::json;

use crate::builders::{per_backend_hub, Hub};
use crate::support::{client, PUBLIC_URL};

per_backend_hub!(
    reimports_record_new_changed_and_closed_calls,
    a_saved_search_alerts_once_and_unsubscribes_in_one_click
);

/// An EU Funding & Tenders record of a call, as the importer reads them.
pub(crate) fn call_record(
    topic_id: &str,
    title: &str,
    status: &str,
    deadline: NaiveDate,
    budget_max: i64,
) -> serde_json::Value {
    json!({
        "topicId": topic_id,
        "title": title,
        "programme": "Horizon Europe",
        "callStatus": status,
        "deadline": deadline.to_string(),
        "budgetMax": budget_max,
        "description": "A call written by the test.",
    })
}

/// Imports `records` as one call file, the way `lshub import eu-calls` does.
pub(crate) async fn import(hub: &Hub, dir: &Path, records: &[serde_json::Value]) {
    let path = dir.join("calls.jsonl");
    let lines: Vec<String> = records.iter().map(ToString::to_string).collect();
    std::fs::write(&path, lines.join("\n")).expect("call file");
    lshub_import::import_eu_calls(&hub.db, &path, &NoProgress).await.expect("import");
}

async fn reimports_record_new_changed_and_closed_calls(hub: Hub) {
    let dir = tempfile::tempdir().expect("folder");
    let deadline = Utc::now().date_naive() + Duration::days(60);
    let a = |deadline, budget| call_record("TEST-CHANGES-A", "Organoids for rare diseases", "open", deadline, budget);
    let b = |status| call_record("TEST-CHANGES-B", "Federated learning in hospitals", status, deadline, 1_000_000);
    import(&hub, dir.path(), &[a(deadline, 1_000_000), b("open")]).await;
    import(&hub, dir.path(), &[a(deadline + Duration::days(14), 2_000_000), b("open")]).await;
    import(&hub, dir.path(), &[a(deadline + Duration::days(14), 2_000_000), b("closed")]).await;
    // The same file again changes nothing.
    import(&hub, dir.path(), &[a(deadline + Duration::days(14), 2_000_000), b("closed")]).await;

    let log = hub.db.call_changes(Pagination::default()).await.expect("changelog");
    assert_eq!(log.total, 4, "{:?}", log.items);
    let entries: Vec<(&str, ChangeKind, Vec<String>)> =
        log.items.iter().map(|c| (c.topic_id.as_str(), c.kind, c.fields.clone())).collect();
    assert_eq!(
        entries,
        vec![
            ("TEST-CHANGES-B", ChangeKind::Closed, vec!["sourceStatus".to_owned()]),
            ("TEST-CHANGES-A", ChangeKind::Changed, vec!["budgetMax".to_owned(), "deadlines".to_owned()]),
            ("TEST-CHANGES-B", ChangeKind::New, vec![]),
            ("TEST-CHANGES-A", ChangeKind::New, vec![]),
        ]
    );
    assert!(hub.db.last_call_change("TEST-CHANGES-A").await.expect("last change").is_some());

    // The changelog's feed is Atom, and its page and API list the same entries.
    let (base, _state) = serve(&hub, dir.path()).await;
    let feed = client().get(format!("{base}/calls/changes.atom")).send().await.expect("feed");
    assert_eq!(feed.status().as_u16(), 200);
    let feed = atom_syndication::Feed::from_str(&feed.text().await.expect("text")).expect("the changelog is Atom");
    assert_eq!(feed.entries().len(), 4);
    assert!(feed.entries()[0].title().as_str().contains("Federated learning in hospitals"));
    let api: serde_json::Value = client()
        .get(format!("{base}/api/v1/calls/changes?limit=1"))
        .send()
        .await
        .expect("API")
        .json()
        .await
        .expect("JSON");
    assert_eq!(api["total"], 4);
    assert_eq!(api["items"][0]["kind"], "closed");
    let page = client().get(format!("{base}/calls/TEST-CHANGES-A")).header("accept-language", "nl").send().await;
    let page = page.expect("call page").text().await.expect("text");
    assert!(page.contains("gewijzigd op "), "the call page says when it changed");
}

/// The hub's server on the test's database, writing its mail under `dir`; its address.
pub(crate) async fn serve(hub: &Hub, dir: &Path) -> (String, AppState) {
    let site = SiteConfig { region: "Amsterdam".into(), public_url: PUBLIC_URL.into(), ..SiteConfig::default() };
    let state =
        AppState::open(hub.db.clone(), site).await.expect("state").with_accounts(AccountsConfig::with_data_dir(dir));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(lshub_web::serve(listener, state.clone(), std::future::pending()));
    (base, state)
}

/// The one-click unsubscribe address of a mail (RFC 8058), which it must offer.
pub(crate) fn list_unsubscribe(mail: &str) -> String {
    assert!(mail.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"), "{mail}");
    mail.split("List-Unsubscribe: <")
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .expect("a List-Unsubscribe header")
        .to_owned()
}

/// What a mail client's one-click unsubscribe sends: a POST without session or token.
pub(crate) async fn one_click(link: &str) -> u16 {
    let response = client()
        .post(link)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("POST");
    response.status().as_u16()
}

/// The mails written to `dir`/mail so far.
pub(crate) fn mails(dir: &Path) -> Vec<String> {
    let entries = std::fs::read_dir(dir.join("mail")).into_iter().flatten().flatten();
    entries
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .map(|e| std::fs::read_to_string(e.path()).expect("mail"))
        .collect()
}

async fn a_saved_search_alerts_once_and_unsubscribes_in_one_click(hub: Hub) {
    let dir = tempfile::tempdir().expect("folder");
    let member = hub.stranger().await;
    let user = member.user.clone().expect("a user");
    hub.db.set_language(&user.id, "nl").await.expect("language");
    let criteria = SearchCriteria { text: Some("zebrafish".into()), ..SearchCriteria::default() };
    let saved = alerts::save(&hub.db, &member, "Zebravis", criteria, Utc::now()).await.expect("saved");

    // A call that matches comes in, and one that does not.
    let today = Utc::now().date_naive();
    let deadline = today + Duration::days(45);
    let matching = call_record("TEST-ALERTS-1", "Zebrafish models of heart disease", "open", deadline, 500_000);
    let other = call_record("TEST-ALERTS-2", "Quantum sensors", "open", deadline, 500_000);
    import(&hub, dir.path(), &[matching.clone(), other]).await;

    let site = SiteConfig { region: "Amsterdam".into(), public_url: PUBLIC_URL.into(), ..SiteConfig::default() };
    let state = AppState::open(hub.db.clone(), site)
        .await
        .expect("state")
        .with_accounts(AccountsConfig::with_data_dir(dir.path()));
    for _ in 0..2 {
        lshub_web::send_alerts(&state).await.expect("the alert job");
        lshub_web::auth::mail::deliver_pending(&state).await;
    }
    let sent = mails(dir.path());
    assert_eq!(sent.len(), 1, "one mail, however often the job runs: {sent:?}");
    let mail = &sent[0];
    assert!(mail.contains(&format!("To: {}", user.email)));
    assert!(mail.contains("Subject: Financieringsoproepen voor “Zebravis”"), "in the user's language: {mail}");
    assert!(mail.contains("Zebrafish models of heart disease") && !mail.contains("Quantum sensors"));
    let unsubscribe = list_unsubscribe(mail);
    assert!(unsubscribe.starts_with(&format!("{PUBLIC_URL}/alerts/unsubscribe/")), "{unsubscribe}");

    // Reminders 30 and 7 days before the deadline, each once, as the clock moves.
    let compose = |letter: &alerts::AlertLetter<'_>| Letter {
        subject: format!("{} calls", letter.calls.len()),
        body: String::new(),
        unsubscribe_url: format!("{PUBLIC_URL}/alerts/unsubscribe/{}", letter.unsubscribe_secret),
    };
    let queued_on = |days_before: i64| {
        let day = deadline - Duration::days(days_before);
        alerts::send_due(&hub.db, day, Utc::now(), compose)
    };
    assert_eq!(queued_on(31).await.expect("job"), 0);
    assert_eq!(queued_on(30).await.expect("job"), 1);
    assert_eq!(queued_on(30).await.expect("job"), 0, "sent once");
    assert_eq!(queued_on(20).await.expect("job"), 0);
    assert_eq!(queued_on(7).await.expect("job"), 1);
    assert_eq!(queued_on(2).await.expect("job"), 0, "sent once");

    // The link in the mail: a GET asks, a POST without session or token unsubscribes.
    let (base, _state) = serve(&hub, dir.path()).await;
    let link = unsubscribe.replace(PUBLIC_URL, &base);
    let asked = client().get(&link).send().await.expect("GET");
    assert_eq!(asked.status().as_u16(), 200);
    assert!(asked.text().await.expect("page").contains("<button type=\"submit\">"));
    assert!(alerts::mine(&hub.db, &member).await.expect("searches")[0].alerts, "a GET changes nothing");
    assert_eq!(one_click(&link).await, 200);
    assert!(!alerts::mine(&hub.db, &member).await.expect("searches")[0].alerts, "the POST turned alerts off");
    let newer = call_record("TEST-ALERTS-3", "Zebrafish toxicology", "open", deadline, 500_000);
    import(&hub, dir.path(), &[matching, newer]).await;
    assert_eq!(queued_on(40).await.expect("job"), 0, "no mail after unsubscribing");
    let wrong = client().post(format!("{base}/alerts/unsubscribe/not-a-secret")).send().await.expect("POST");
    assert_eq!(wrong.status().as_u16(), 404);

    // The feed works without signing in, at its secret address only.
    let feed = client().get(format!("{base}/feeds/searches/{}", saved.feed_secret)).send().await.expect("feed");
    assert_eq!(feed.status().as_u16(), 200);
    let feed = atom_syndication::Feed::from_str(&feed.text().await.expect("text")).expect("Atom");
    let mut titles: Vec<&str> = feed.entries().iter().map(|e| e.title().as_str()).collect();
    titles.sort_unstable();
    assert_eq!(titles, ["Zebrafish models of heart disease", "Zebrafish toxicology"]);
    let wrong = client().get(format!("{base}/feeds/searches/{}0", saved.feed_secret)).send().await.expect("feed");
    assert_eq!(wrong.status().as_u16(), 404);
}
