//! A change written by another node or command reaches a node's search, figures and
//! response cache: on PostgreSQL at once, as every write notifies the nodes' listeners; on
//! SQLite by polling. The time it took is printed (`--nocapture`).

use std::time::{Duration, Instant};

use lshub_web::{AccountsConfig, AppState, SiteConfig};

use crate::builders::{per_backend_hub, Hub};
use crate::support::{client, PUBLIC_URL};

per_backend_hub!(a_change_written_elsewhere_reaches_search_and_the_cache);

async fn a_change_written_elsewhere_reaches_search_and_the_cache(hub: Hub) {
    let dir = tempfile::tempdir().expect("folder");
    let site = SiteConfig { public_url: PUBLIC_URL.into(), ..SiteConfig::default() };
    let state = AppState::open(hub.db.clone(), site)
        .await
        .expect("state")
        .with_accounts(AccountsConfig::with_data_dir(dir.path()))
        .with_public_cache(16 << 20);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let server = tokio::spawn(lshub_web::serve(listener, state, std::future::pending()));
    let search = format!("{base}/api/v1/search?q=Propagated+Quokka");
    let found = || async {
        let answer: serde_json::Value = client().get(&search).send().await.expect("search").json().await.expect("JSON");
        answer["items"].as_array().map_or(0, Vec::len)
    };
    // Asked twice, so that the answer is in the response cache.
    assert_eq!(found().await, 0);
    assert_eq!(found().await, 0);

    // Written straight to the database, as another node or `lshub import` would.
    let written = Instant::now();
    hub.organisation("Propagated Quokka Laboratories").await;
    // Polling rebuilds every 10 s; with a listener, the fallback check comes only after 30 s.
    // Asked at a pace that stays under the search rate limit.
    let (limit, pace) = match hub.backend {
        crate::support::Backend::Postgres => (Duration::from_secs(5), Duration::from_millis(100)),
        crate::support::Backend::Sqlite => (Duration::from_secs(25), Duration::from_millis(250)),
    };
    while found().await == 0 {
        assert!(written.elapsed() < limit, "not found within {limit:?} on {:?}", hub.backend);
        tokio::time::sleep(pace).await;
    }
    eprintln!("propagation on {:?}: found in search {:?} after the write", hub.backend, written.elapsed());
    server.abort();
}
