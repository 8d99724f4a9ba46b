//! The cache of public answers on the real stack: nodes of their own (one with the cache,
//! one without) on the test database, so that their `/metrics` count only these requests.

use lshub_storage::Database;
use lshub_web::{AppState, SiteConfig};

use crate::support::{client, per_backend, TestApp, PUBLIC_URL};

per_backend!(visitors_get_the_fresh_bytes_again);

/// A node serving `database_url` with `cache_bytes` of public cache (0: none); stops when
/// dropped.
struct Node {
    base_url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Node {
    async fn start(database_url: &str, cache_bytes: usize) -> Self {
        let db = Database::connect(database_url).await.expect("connect");
        let site = SiteConfig {
            region: "Amsterdam".into(),
            public_url: PUBLIC_URL.into(),
            contact_email: None,
            ..SiteConfig::default()
        };
        let state = AppState::open(db, site).await.expect("state").with_public_cache(cache_bytes);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        let task = tokio::spawn(async move {
            lshub_web::serve(listener, state, std::future::pending()).await.expect("serve");
        });
        Self { base_url, task }
    }

    async fn get(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = client().get(format!("{}{path}", self.base_url));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("request")
    }

    async fn text(&self, path: &str, headers: &[(&str, &str)]) -> String {
        let response = self.get(path, headers).await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        response.text().await.expect("body")
    }

    /// The value of the `/metrics` line `name`.
    async fn metric(&self, name: &str) -> u64 {
        let text = self.text("/metrics", &[]).await;
        let line = text.lines().find(|l| l.starts_with(&format!("{name} "))).unwrap_or_else(|| panic!("{name}"));
        line.rsplit(' ').next().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{line}"))
    }
}

impl Node {
    /// The cache's misses, hits and invalidations so far.
    async fn cache_counts(&self) -> [u64; 3] {
        let mut values = [0; 3];
        for (value, name) in values.iter_mut().zip(["misses", "hits", "invalidations"]) {
            *value = self.metric(&format!("lshub_public_cache_{name}_total")).await;
        }
        values
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Longer than a change written through one node takes to reach the others (polled every
/// 2 s when notifications are missed).
const CHANGE_REACHES_NODES: std::time::Duration = std::time::Duration::from_secs(3);

/// Pages, API answers and a feed whose content no other test changes.
const PUBLIC: [&str; 6] = [
    "/calls?status=open",
    "/organisations?kind=healthcare&country=NL",
    "/calls/HORIZON-HLTH-2026-02-DISEASE-12",
    "/api/v1/calls?limit=5",
    "/api/v1/organisations?country=BE&limit=5",
    "/feeds/calls.atom",
];

async fn visitors_get_the_fresh_bytes_again(app: &TestApp) {
    let cached = Node::start(&app.database_url, 16 << 20).await;
    let uncached = Node::start(&app.database_url, 0).await;
    for path in PUBLIC {
        for language in ["en", "nl"] {
            let headers = [("accept-language", language)];
            // Other tests write content meanwhile, which empties the cache: a pair of
            // requests during which that happened proves nothing and is asked again.
            let mut undisturbed = false;
            for attempt in 0..5 {
                let before = cached.cache_counts().await;
                let fresh = uncached.text(path, &headers).await;
                let filled = cached.get(path, &headers).await;
                assert!(filled.headers().get("set-cookie").is_none(), "{path}: public answers set no cookie");
                let filled = filled.text().await.expect("body");
                let hit = cached.get(path, &headers).await;
                for header in ["x-request-id", "content-security-policy", "x-content-type-options", "content-type"] {
                    assert!(hit.headers().contains_key(header), "{path}: a hit carries {header}");
                }
                let hit = hit.text().await.expect("body");
                let after = cached.cache_counts().await;
                if after[2] != before[2] {
                    continue;
                }
                // The nodes learn of another test's change a moment apart: bytes that differ
                // are a disturbed pair only if the cached node then learns of a change.
                if filled != fresh || hit != fresh {
                    tokio::time::sleep(CHANGE_REACHES_NODES).await;
                    if cached.cache_counts().await[2] != before[2] {
                        continue;
                    }
                }
                assert_eq!(filled, fresh, "{path} in {language}: the miss is a fresh render");
                assert_eq!(hit, fresh, "{path} in {language}: the hit is the same bytes");
                // The first try fills the entry and then hits it; a retry may find it filled
                // by the disturbed try before, and then hits it twice.
                let (misses, hits) = (after[0] - before[0], after[1] - before[1]);
                let expected = if attempt == 0 { (1, 1) } else { (misses.min(1), 2 - misses.min(1)) };
                assert_eq!(
                    (misses, hits),
                    expected,
                    "{path} in {language}: filled at most once, then answered from it"
                );
                undisturbed = true;
                break;
            }
            assert!(undisturbed, "{path} in {language}: the content changed during each of 5 tries");
        }
    }

    let dutch = cached.text("/calls?status=open", &[("accept-language", "en"), ("cookie", "lshub_lang=nl")]).await;
    assert!(dutch.contains("lang=\"nl\""), "the language cookie picks the Dutch copy");
    let english = cached.text("/calls?status=open", &[("accept-language", "en")]).await;
    assert!(english.contains("lang=\"en\"") && english != dutch, "languages do not mix");

    // A caller with a session cookie, valid or not, is not served from the cache nor fills it.
    let hits = cached.metric("lshub_public_cache_hits_total").await;
    let misses = cached.metric("lshub_public_cache_misses_total").await;
    for path in ["/calls?status=open", "/api/v1/calls?limit=7"] {
        cached.text(path, &[("accept-language", "en"), ("cookie", "lshub_session=unknown")]).await;
    }
    assert_eq!(cached.metric("lshub_public_cache_hits_total").await, hits);
    assert_eq!(cached.metric("lshub_public_cache_misses_total").await, misses);
    cached.text("/api/v1/calls?limit=7", &[]).await;
    assert_eq!(cached.metric("lshub_public_cache_misses_total").await, misses + 1, "nothing was filled for them");

    // Forms that need a CSRF token are not public: the visitor gets the cookie there.
    let login = cached.get("/login", &[]).await;
    assert!(login.headers().get("set-cookie").is_some_and(|c| c.to_str().is_ok_and(|c| c.starts_with("lshub_csrf="))));
    assert_eq!(uncached.metric("lshub_public_cache_entries").await, 0, "the switched-off cache holds nothing");
}

/// On a database of its own, since the test changes its content.
mod other_writers {
    use std::time::{Duration, Instant};

    use lshub_storage::{Database, NoProgress};

    use super::Node;
    use crate::support::{per_backend_fresh, shared_data};

    per_backend_fresh!(imports_by_others_reach_the_next_visitor);

    async fn imports_by_others_reach_the_next_visitor(database_url: String) {
        let db = Database::connect(&database_url).await.expect("connect");
        db.migrate().await.expect("migrate");
        lshub_import::import_ror(&db, &shared_data("ror_nl_be.jsonl.gz"), &NoProgress).await.expect("import ROR");
        let node = Node::start(&database_url, 16 << 20).await;
        let before: serde_json::Value =
            serde_json::from_str(&node.text("/api/v1/calls?limit=1", &[]).await).expect("JSON");
        assert_eq!(before["total"], 0);
        node.text("/api/v1/calls?limit=1", &[]).await;
        assert_eq!(node.metric("lshub_public_cache_hits_total").await, 1, "the empty list is cached");

        // Another writer (an import here; another node alike) changes the content. The node sees
        // the new content version within seconds, well before the entry's 30 seconds are up.
        lshub_import::import_eu_calls(&db, &shared_data("eu_calls_open.jsonl.gz"), &NoProgress).await.expect("import");
        let started = Instant::now();
        loop {
            let now: serde_json::Value =
                serde_json::from_str(&node.text("/api/v1/calls?limit=1", &[]).await).expect("JSON");
            if now["total"] == 629 {
                break;
            }
            assert!(started.elapsed() < lshub_web::public_cache::TTL / 2, "still the old list: {now}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert!(node.metric("lshub_public_cache_invalidations_total").await >= 1);
    }
}
