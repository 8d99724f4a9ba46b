//! A call's status follows its dates and the region's date, everywhere the hub shows it:
//! lists and their filter, the call's page and API, the home page's and the API's figures,
//! the Atom feed, search's status filter and match scoring. The test moves the hub's clock
//! a day and sees every surface change, without a restart.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::NaiveDate;
use lshub_domain::{CallContent, CallStatus, NewCallTopic, SourceRef};
use lshub_service::clock::Clock;
use lshub_storage::NoProgress;
use lshub_web::{AppState, SiteConfig};

use crate::builders::{per_backend_hub, Hub};
use crate::support::{client, PUBLIC_URL};

per_backend_hub!(every_surface_agrees_with_the_dates_as_the_clock_moves);

/// A word only these calls hold, so search and matching see them alone.
const WORD: &str = "axolotl";

fn call(id: &str, source_status: CallStatus, opening: Option<NaiveDate>, deadline: NaiveDate) -> NewCallTopic {
    NewCallTopic {
        content: CallContent {
            topic_id: id.into(),
            title: format!("Regeneration of {WORD} limbs {id}"),
            programme: "Test programme".into(),
            cluster: None,
            call_id: None,
            call_title: None,
            action_type: None,
            type_of_action: None,
            source_status,
            opening_date: opening,
            deadlines: vec![deadline],
            deadline_model: None,
            budget_min: None,
            budget_max: None,
            expected_grants: None,
            keywords: vec![],
            description: format!("Research on {WORD} regeneration."),
            conditions: None,
            support_info: None,
            portal_url: None,
        },
        source: SourceRef { source: "test".into(), source_id: id.into() },
    }
}

async fn every_surface_agrees_with_the_dates_as_the_clock_moves(hub: Hub) {
    let clock = Clock::system("Europe/Amsterdam").expect("zone");
    let today = clock.today();
    let day = chrono::Duration::days(1);
    let calls = [
        // Open today, its deadline day; closed tomorrow.
        call("ENDS-TODAY", CallStatus::Open, None, today),
        // Opens tomorrow.
        call("OPENS-TOMORROW", CallStatus::Forthcoming, Some(today + day), today + day * 30),
        // Announced without an opening date: forthcoming until it closes.
        call("ANNOUNCED", CallStatus::Forthcoming, None, today + day * 60),
        // The source's snapshot said open; its deadline passed long ago.
        call("LONG-PAST", CallStatus::Open, None, today - day * 200),
    ];
    hub.db.upsert_calls(&calls, &NoProgress).await.expect("calls");
    let institute = hub.organisation("Axolotl Regeneration Institute").await;
    let site = SiteConfig { public_url: PUBLIC_URL.into(), clock: clock.clone(), ..SiteConfig::default() };
    let state = AppState::open(hub.db.clone(), site).await.expect("state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let server = tokio::spawn(async move {
        lshub_web::serve(listener, state, std::future::pending()).await.expect("serve");
    });

    for step in 0..2 {
        let date = clock.today();
        let expected: BTreeMap<String, CallStatus> =
            calls.iter().map(|c| (c.content.topic_id.clone(), c.content.status_on(date))).collect();
        if step == 0 {
            let ids = |status| expected.iter().filter(|(_, s)| **s == status).count();
            assert_eq!((ids(CallStatus::Open), ids(CallStatus::Forthcoming), ids(CallStatus::Closed)), (1, 2, 1));
        } else {
            assert_eq!(expected["ENDS-TODAY"], CallStatus::Closed);
            assert_eq!(expected["OPENS-TOMORROW"], CallStatus::Open);
        }
        check_surfaces(&base, &expected, date, &institute.slug).await;
        clock.advance(day);
    }
    server.abort();
}

async fn get_json(base: &str, path: &str) -> serde_json::Value {
    let response = client().get(format!("{base}{path}")).send().await.expect("request");
    assert_eq!(response.status().as_u16(), 200, "{path}");
    response.json().await.expect("JSON")
}

async fn get_text(base: &str, path: &str) -> String {
    let response = client().get(format!("{base}{path}")).header("accept-language", "en").send().await.expect("request");
    assert_eq!(response.status().as_u16(), 200, "{path}");
    response.text().await.expect("body")
}

async fn check_surfaces(base: &str, expected: &BTreeMap<String, CallStatus>, date: NaiveDate, institute: &str) {
    let with = |status: CallStatus| {
        expected.iter().filter(|(_, s)| **s == status).map(|(id, _)| id.clone()).collect::<Vec<_>>()
    };
    let count = |status: CallStatus| with(status).len() as i64;
    for status in CallStatus::ALL {
        // The list's filter, through the API and the page.
        let list = get_json(base, &format!("/api/v1/calls?status={status}&limit=100")).await;
        let mut listed: Vec<String> = list["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|c| c["topicId"].as_str().expect("id").to_owned())
            .collect();
        listed.sort();
        assert_eq!(listed, with(status), "API list of {status} calls on {date}");
        assert!(list["items"].as_array().expect("items").iter().all(|c| c["status"] == status.id()));
        let page = get_text(base, &format!("/calls?status={status}")).await;
        for (id, s) in expected {
            assert_eq!(
                page.contains(&format!("limbs {id}<")),
                *s == status,
                "{id} on the {status} list page on {date}"
            );
        }
        // Search's status filter.
        let found = get_json(base, &format!("/api/v1/search?q={WORD}&status={status}")).await;
        let mut found: Vec<String> = found["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|h| h["id"].as_str().expect("id").to_owned())
            .collect();
        found.sort();
        assert_eq!(found, with(status), "search for {status} calls on {date}");
    }
    for (id, status) in expected {
        let detail = get_json(base, &format!("/api/v1/calls/{id}")).await;
        assert_eq!(detail["status"], status.id(), "{id} in the API on {date}");
        let page = get_text(base, &format!("/calls/{id}")).await;
        let label = format!("{}{}", &status.id()[..1].to_uppercase(), &status.id()[1..]);
        assert!(page.contains(&label), "{id}'s page says {label} on {date}");
        // Its schema.org JSON-LD too.
        let start = page.find("<script type=\"application/ld+json\">").expect("JSON-LD") + 35;
        let end = start + page[start..].find("</script>").expect("end of JSON-LD");
        let grant: serde_json::Value = serde_json::from_str(&page[start..end]).expect("JSON-LD parses");
        assert_eq!(grant["@type"], "MonetaryGrant");
        let properties = grant["additionalProperty"].as_array().expect("properties");
        assert!(properties.iter().any(|p| p["name"] == "status" && p["value"] == status.id()), "{grant}");
    }
    // The Atom feed gives each call's status as a category.
    let feed = get_text(base, "/feeds/calls.atom").await;
    let feed = atom_syndication::Feed::read_from(feed.as_bytes()).expect("Atom");
    for entry in feed.entries() {
        let id = entry.links()[0].href().rsplit('/').next().expect("id");
        let terms: Vec<&str> = entry.categories().iter().map(|c| c.term()).collect();
        assert!(terms.contains(&expected[id].id()), "{id} in the feed on {date}: {terms:?}");
    }
    // Match scoring: only open calls are said to fit the institute because they are open.
    let matches = get_json(base, &format!("/api/v1/match?organisation={institute}&type=call&limit=10")).await;
    let items = matches["items"].as_array().expect("items");
    assert_eq!(items.len(), expected.len(), "{matches}");
    for item in items {
        let id = item["id"].as_str().expect("id");
        let open_fit = item["why"]["fits"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f["facet"] == "status" && f["value"] == "open"));
        assert_eq!(open_fit, expected[id] == CallStatus::Open, "{id} matched on {date}: {item}");
    }
    // The figures are derived and refreshed as the date changes: within seconds.
    let mut figures = serde_json::Value::Null;
    for _ in 0..40 {
        figures = get_json(base, "/api/v1/stats").await;
        let home = get_text(base, "/").await;
        let by_status = |status: CallStatus| {
            figures["callsByStatus"]
                .as_array()
                .expect("by status")
                .iter()
                .find(|c| c["key"] == status.id())
                .map_or(0, |c| c["count"].as_i64().unwrap_or(0))
        };
        let open = count(CallStatus::Open);
        let home_says =
            if open == 1 { format!("{open} open funding call<") } else { format!("{open} open funding calls<") };
        if CallStatus::ALL.iter().all(|s| by_status(*s) == count(*s)) && home.contains(&home_says) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("the figures did not follow the date {date}: {figures}");
}
