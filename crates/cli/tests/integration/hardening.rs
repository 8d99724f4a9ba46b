//! The edges of the hub that a careful attacker probes: look-alike addresses, methods that
//! dodge rate limits, requests that empty the public cache, slow and idle connections,
//! metrics for everyone, bytes that are not text in a path, names that turn around, and a
//! sign-in limit that must hold across nodes.

use std::time::{Duration, Instant};

use lshub_storage::Database;
use lshub_web::auth::rate_limit::RateLimits;
use lshub_web::{AccountsConfig, AppState, SiteConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::browser::{mail_link, Browser, PASSWORD};
use crate::support::{client, per_backend, TestApp, PUBLIC_URL};

per_backend!(
    look_alike_addresses_cannot_take_over_an_account,
    head_requests_count_against_the_search_limit,
    paths_that_are_not_utf8_get_the_one_error_shape,
    display_names_that_turn_around_are_refused,
);

/// The attacker's password in the look-alike tests.
const OTHER_PASSWORD: &str = "another quiet harbour 9";

/// The recipients of every mail the server wrote so far.
fn mail_recipients(app: &TestApp) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(app.data_dir.join("mail")) else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
        .filter_map(|text| text.strip_prefix("To: ").and_then(|rest| rest.split("\r\n").next()).map(str::to_owned))
        .collect()
}

async fn look_alike_addresses_cannot_take_over_an_account(app: &TestApp) {
    let mut attacker = Browser::new(app, 202);
    // The attack as reported: the look-alike registers first, then the owner. The owner's
    // mail goes to the owner's address, and their password is the one that counts.
    let form =
        [("display_name", "Mallory"), ("email", "\u{212A}im.Berg@lookalike.example"), ("password", OTHER_PASSWORD)];
    assert_eq!(attacker.submit("/register", "/register", &form).await.status, 201);
    let mut late_owner = Browser::new(app, 203);
    let form = [("display_name", "Kim Berg"), ("email", "Kim.Berg@lookalike.example"), ("password", PASSWORD)];
    assert_eq!(late_owner.submit("/register", "/register", &form).await.status, 201);
    let link = mail_link(&app.data_dir, "Kim.Berg@lookalike.example", "/password-reset/new?code=").await;
    let code = link.split("code=").nth(1).expect("code").to_owned();
    let page = late_owner.submit(&link, "/password-reset/new", &[("code", &code), ("password", PASSWORD)]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    late_owner.sign_in("kim.berg@lookalike.example", PASSWORD).await;
    for spelling in ["\u{212A}im.Berg@lookalike.example", "Kim.Berg@lookalike.example"] {
        let page = attacker.submit("/login", "/login", &[("email", spelling), ("password", OTHER_PASSWORD)]).await;
        assert_ne!(page.status, 303, "the attacker's password no longer opens {spelling}");
    }

    // Then an owner first, and look-alikes of the address: KELVIN SIGN, fullwidth letters, long s,
    // the fi ligature (all the owner's address once normalised) and a dotless i (refused).
    let mut owner = Browser::new(app, 201);
    owner.sign_up("Kim Fiske", "kim.fiske@lookalike.example", PASSWORD).await;
    let look_alikes = [
        ("\u{212A}im.fiske@lookalike.example", 201),
        ("\u{FF4B}\u{FF49}\u{FF4D}.fiske@lookalike.example", 201),
        ("kim.fi\u{017F}ke@lookalike.example", 201),
        ("kim.\u{FB01}ske@lookalike.example", 201),
        ("k\u{0131}m.fiske@lookalike.example", 400),
    ];
    for (look_alike, status) in look_alikes {
        let form = [("display_name", "Mallory"), ("email", look_alike), ("password", OTHER_PASSWORD)];
        assert_eq!(attacker.submit("/register", "/register", &form).await.status, status, "{look_alike}");
    }
    for look_alike in ["\u{212A}im.fiske@lookalike.example", "\u{FF4B}\u{FF49}\u{FF4D}.fiske@lookalike.example"] {
        let page = attacker.submit("/login", "/login", &[("email", look_alike), ("password", OTHER_PASSWORD)]).await;
        assert_ne!(page.status, 303, "the attacker's password opens no account at {look_alike}");
    }
    owner.sign_in("kim.fiske@lookalike.example", PASSWORD).await;

    let foreign: Vec<String> = mail_recipients(app).into_iter().filter(|to| !to.is_ascii()).collect();
    assert!(foreign.is_empty(), "mail went to look-alikes: {foreign:?}");
}

async fn head_requests_count_against_the_search_limit(app: &TestApp) {
    let mut browser = Browser::new(app, 204);
    for path in ["/search?q=blood", "/api/v1/search?q=blood"] {
        for _ in 0..60 {
            let response = browser.request(reqwest::Method::HEAD, path).await.send().await.expect("HEAD");
            assert_eq!(response.status().as_u16(), 200, "HEAD {path}");
        }
    }
    let page = browser.get("/api/v1/search?q=blood").await;
    assert_eq!(page.status, 429, "120 searches by HEAD used up the minute's allowance");
    let response = browser.request(reqwest::Method::HEAD, "/search?q=blood").await.send().await.expect("HEAD");
    assert_eq!(response.status().as_u16(), 429, "and HEAD is refused too");
}

async fn paths_that_are_not_utf8_get_the_one_error_shape(app: &TestApp) {
    let response = client().get(app.url("/api/v1/organisations/%FF%FE")).send().await.expect("request");
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    let problem: serde_json::Value = response.json().await.expect("problem details");
    assert_eq!((problem["status"].as_u64(), problem["field"].as_str()), (Some(400), Some("path")), "{problem}");

    let (status, page) = app.get_text("/organisations/caf%E9", "nl").await;
    assert_eq!(status, 400);
    assert!(page.contains("<html") && page.contains("geen geldige UTF-8-tekst"), "the error page in Dutch: {page}");
    let (status, _) = app.get_text("/organisations/caf%C3%A9", "en").await;
    assert_eq!(status, 404, "a path that is text is looked up as before");
}

async fn display_names_that_turn_around_are_refused(app: &TestApp) {
    let mut browser = Browser::new(app, 205);
    let form = [("display_name", "\u{202E}nimda"), ("email", "turned@lookalike.example"), ("password", PASSWORD)];
    let page = browser.submit("/register", "/register", &form).await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("must not contain characters that change the writing direction"), "{}", page.body);
    browser.cookies.insert("lshub_lang".into(), "nl".into());
    let page = browser.submit("/register", "/register", &form).await;
    assert!(page.body.contains("mag geen tekens bevatten die de schrijfrichting veranderen"), "{}", page.body);
}

/// A node of its own on a fresh database, set up by `configure`; stops when dropped.
struct Node {
    base_url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Node {
    async fn start(database_url: &str, configure: impl FnOnce(AppState) -> AppState) -> Self {
        let db = Database::connect(database_url).await.expect("connect");
        db.migrate().await.expect("migrate");
        let site = SiteConfig {
            region: "Amsterdam".into(),
            public_url: PUBLIC_URL.into(),
            contact_email: None,
            ..SiteConfig::default()
        };
        let state = configure(AppState::open(db, site).await.expect("state"));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        let task = tokio::spawn(async move {
            lshub_web::serve(listener, state, std::future::pending()).await.expect("serve");
        });
        Self { base_url, task }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The value of the `/metrics` line `name`.
    async fn metric(&self, name: &str) -> u64 {
        let text = client().get(self.url("/metrics")).send().await.expect("metrics").text().await.expect("text");
        let line = text.lines().find(|l| l.starts_with(&format!("{name} "))).unwrap_or_else(|| panic!("{name}"));
        line.rsplit(' ').next().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{line}"))
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.task.abort();
    }
}

mod own_node {
    use super::*;
    use crate::support::per_backend_fresh;

    per_backend_fresh!(
        signing_out_as_a_visitor_leaves_the_public_cache,
        metrics_are_for_the_loopback_interface_by_default,
        slow_and_idle_connections_are_cut_off,
        the_sign_in_limit_holds_across_nodes,
    );

    async fn signing_out_as_a_visitor_leaves_the_public_cache(database_url: String) {
        let node = Node::start(&database_url, |state| state.with_public_cache(16 << 20)).await;
        let stats = node.url("/api/v1/stats");
        for _ in 0..2 {
            assert_eq!(client().get(&stats).send().await.expect("stats").status().as_u16(), 200);
        }
        assert_eq!(node.metric("lshub_public_cache_hits_total").await, 1, "the figures are cached");

        // A visitor's own CSRF token, as any visitor gets it from a form.
        let login = client().get(node.url("/login")).send().await.expect("login page");
        let cookie =
            login.headers()["set-cookie"].to_str().expect("cookie").split(';').next().expect("pair").to_owned();
        let page = login.text().await.expect("page");
        let start = page.find("name=\"csrf\" value=\"").expect("CSRF field") + "name=\"csrf\" value=\"".len();
        let token: String = page[start..].chars().take_while(|c| *c != '"').collect();
        for _ in 0..3 {
            let signed_out = client()
                .post(node.url("/logout"))
                .header("cookie", &cookie)
                .header("origin", &node.base_url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("csrf={token}"))
                .send()
                .await
                .expect("logout");
            assert_eq!(signed_out.status().as_u16(), 303, "the visitor's sign-out is accepted");
        }
        assert_eq!(client().get(&stats).send().await.expect("stats").status().as_u16(), 200);
        assert_eq!(node.metric("lshub_public_cache_hits_total").await, 2, "still answered from the cache");
        assert_eq!(node.metric("lshub_public_cache_invalidations_total").await, 0, "nothing changed");
    }

    async fn metrics_are_for_the_loopback_interface_by_default(database_url: String) {
        let behind_proxy = |state: AppState| {
            let data_dir = std::env::temp_dir();
            state
                .with_accounts(AccountsConfig { trust_forwarded_for: true, ..AccountsConfig::with_data_dir(&data_dir) })
        };
        let node = Node::start(&database_url, behind_proxy).await;
        let from = |address: &'static str| client().get(node.url("/metrics")).header("x-forwarded-for", address);
        let remote = from("203.0.113.9").send().await.expect("metrics");
        assert_eq!(remote.status().as_u16(), 404, "a remote client finds nothing");
        assert_eq!(remote.headers()["content-type"], "application/problem+json", "the hub's own 404");
        assert_eq!(from("127.0.0.1").send().await.expect("metrics").status().as_u16(), 200, "a local scraper");
        assert_eq!(client().get(node.url("/metrics")).send().await.expect("metrics").status().as_u16(), 200);
        drop(node);

        let node = Node::start(&database_url, |state| behind_proxy(state).with_metrics_for_everyone(true)).await;
        let remote = client().get(node.url("/metrics")).header("x-forwarded-for", "203.0.113.9").send().await;
        assert_eq!(remote.expect("metrics").status().as_u16(), 200, "when the operator opens it to everyone");
    }

    async fn the_sign_in_limit_holds_across_nodes(database_url: String) {
        let dir = tempfile::tempdir().expect("folder");
        let limited = |state: AppState| {
            let limits = RateLimits { login: 5, ..RateLimits::default() };
            state.with_accounts(AccountsConfig { limits, ..AccountsConfig::with_data_dir(dir.path()) })
        };
        let nodes = [Node::start(&database_url, limited).await, Node::start(&database_url, limited).await];
        let sign_in = |node: &Node| {
            client()
                .post(node.url("/login"))
                .header("origin", PUBLIC_URL)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("email=nobody%40cluster.example&password=wrong")
                .send()
        };
        // Five attempts in all, taken in turns by the two nodes; the sixth is refused by either.
        let mut statuses = Vec::new();
        for attempt in 0..7 {
            statuses.push(sign_in(&nodes[attempt % 2]).await.expect("POST /login").status().as_u16());
        }
        assert!(statuses[..5].iter().all(|s| *s != 429), "{statuses:?}");
        assert_eq!(statuses[5..], [429, 429], "the allowance is the cluster's, not each node's: {statuses:?}");
        let refused = sign_in(&nodes[0]).await.expect("POST /login");
        let retry: u64 = refused.headers()["retry-after"].to_str().expect("text").parse().expect("seconds");
        assert!((1..=60).contains(&retry), "{retry}");
    }

    /// How long until the server closes `stream`, sending `trickle` every second meanwhile;
    /// `None` if it is still open after `limit`.
    async fn closed_after(stream: &mut TcpStream, trickle: Option<&[u8]>, limit: Duration) -> Option<Duration> {
        let started = Instant::now();
        let mut buffer = [0u8; 4096];
        while started.elapsed() < limit {
            tokio::select! {
                read = stream.read(&mut buffer) => match read {
                    Ok(0) | Err(_) => return Some(started.elapsed()),
                    Ok(_) => {} // an answer, or the server's word before it hangs up
                },
                () = tokio::time::sleep(Duration::from_secs(1)) => {
                    if let Some(bytes) = trickle {
                        if stream.write_all(bytes).await.is_err() {
                            return Some(started.elapsed());
                        }
                    }
                }
            }
        }
        None
    }

    async fn slow_and_idle_connections_are_cut_off(database_url: String) {
        let node = Node::start(&database_url, |state| state.with_header_timeout(Duration::from_secs(2))).await;
        let address = node.base_url.trim_start_matches("http://").to_owned();
        let limit = Duration::from_secs(8);

        let mut trickler = TcpStream::connect(&address).await.expect("connect");
        trickler.write_all(b"GET /healthz HTTP/1.1\r\nHost: hub.test\r\n").await.expect("request line");
        let closed = closed_after(&mut trickler, Some(b"X-Slow: 1\r\n"), limit).await;
        assert!(closed.is_some_and(|after| after < Duration::from_secs(5)), "a header line a second: {closed:?}");

        let mut idle = TcpStream::connect(&address).await.expect("connect");
        let closed = closed_after(&mut idle, None, limit).await;
        assert!(
            closed.is_some_and(|after| after < Duration::from_secs(5)),
            "a connection that says nothing: {closed:?}"
        );

        // A keep-alive connection: answered at once, then closed when it idles.
        let mut kept = TcpStream::connect(&address).await.expect("connect");
        kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: hub.test\r\n\r\n").await.expect("request");
        let mut answer = [0u8; 64];
        let read = kept.read(&mut answer).await.expect("answer");
        assert!(answer[..read].starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&answer[..read]));
        let closed = closed_after(&mut kept, None, limit).await;
        assert!(
            closed.is_some_and(|after| after < Duration::from_secs(5)),
            "an idle keep-alive connection: {closed:?}"
        );
        assert_eq!(client().get(node.url("/healthz")).send().await.expect("health").status().as_u16(), 200);
    }
}
