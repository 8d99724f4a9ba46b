//! Debian's Chromium through its chromedriver: the driver process, a WebDriver session per
//! JavaScript mode, and the checks every page gets (console errors, requests to other
//! hosts) and each page type gets once (axe-core's WCAG 2.1 A/AA rules, screenshots).

use std::collections::BTreeSet;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, ensure, Context, Result};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

use crate::support::TestApp;

/// Where Debian's chromium package puts the browser itself (`/usr/bin/chromium` is a shell
/// wrapper around it).
const DEBIAN_CHROMIUM: &str = "/usr/lib/chromium/chromium";

/// The sizes every page type is photographed at: a laptop and a phone.
pub const SCREEN_SIZES: [(u32, u32); 2] = [(1366, 768), (390, 844)];

/// The rules the hub promises to meet.
const WCAG_TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// What the suite needs from the machine, found or explained.
pub struct Tools {
    chromedriver: PathBuf,
    chromium: PathBuf,
    axe_source: String,
}

impl Tools {
    /// Finds chromedriver, Chromium and axe-core (set up by `scripts/test`), or says which
    /// are missing and how to get them.
    pub fn find() -> Result<Tools, String> {
        let chromedriver =
            std::env::var_os("LSHUB_CHROMEDRIVER").map(PathBuf::from).or_else(|| on_path("chromedriver"));
        let chromium = std::env::var_os("LSHUB_CHROMIUM")
            .map(PathBuf::from)
            .or_else(|| Some(PathBuf::from(DEBIAN_CHROMIUM)).filter(|p| p.is_file()))
            .or_else(|| on_path("chromium"));
        let axe_path = std::env::var_os("LSHUB_AXE_JS").map(PathBuf::from).unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.cache/axe/node_modules/axe-core/axe.min.js"))
        });
        let axe_source = std::fs::read_to_string(&axe_path);
        match (chromedriver, chromium, axe_source) {
            (Some(chromedriver), Some(chromium), Ok(axe_source)) => Ok(Tools { chromedriver, chromium, axe_source }),
            (chromedriver, chromium, axe_source) => {
                let mut missing = Vec::new();
                if chromedriver.is_none() {
                    missing.push("chromedriver (Debian package chromium-driver)".to_owned());
                }
                if chromium.is_none() {
                    missing.push("Chromium (Debian package chromium)".to_owned());
                }
                if let Err(e) = axe_source {
                    missing.push(format!("axe-core at {} ({e})", axe_path.display()));
                }
                Err(format!("{}; scripts/test installs them", missing.join(", ")))
            }
        }
    }
}

fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|candidate| candidate.is_file())
}

/// A running chromedriver on a random loopback port, shut down (with its browsers) on drop.
pub struct Driver {
    process: Child,
    port: u16,
    url: String,
    tools: Tools,
    profiles: tempfile::TempDir,
    sessions: u32,
}

impl Driver {
    pub async fn start(tools: Tools) -> Result<Driver> {
        // chromedriver cannot report a port it chose itself, so take a free one first.
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .context("finding a free loopback port for chromedriver")?
            .port();
        let process = Command::new(&tools.chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", tools.chromedriver.display()))?;
        let profiles = tempfile::tempdir().context("a folder for browser profiles")?;
        let driver = Driver { process, port, url: format!("http://127.0.0.1:{port}"), tools, profiles, sessions: 0 };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = reqwest::get(format!("{}/status", driver.url)).await;
            if let Ok(response) = ready {
                let status: Value = response.json().await.context("chromedriver's status")?;
                if status["value"]["ready"] == json!(true) {
                    return Ok(driver);
                }
            }
            if Instant::now() > deadline {
                bail!("chromedriver did not answer on port {port} within 20 s");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// A new browser with a fresh profile. With JavaScript it also audits each page type.
    pub async fn session(&mut self, javascript: bool) -> Result<Session> {
        self.sessions += 1;
        let profile = self.profiles.path().join(format!("profile-{}", self.sessions));
        let mut args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--no-first-run".to_owned(),
            format!("--user-data-dir={}", profile.display()),
            "--lang=en-GB".to_owned(),
            "--window-size=1366,768".to_owned(),
            // Phones draw no scroll bar beside the page: let the page have the whole width.
            "--hide-scrollbars".to_owned(),
        ];
        if !javascript {
            args.push("--blink-settings=scriptEnabled=false".to_owned());
        }
        let capabilities = json!({
            "browserName": "chrome",
            // A page that does not load within 30 s is a failure, not a five-minute wait.
            "timeouts": { "pageLoad": 30000, "script": 30000 },
            "goog:loggingPrefs": { "browser": "ALL" },
            "goog:chromeOptions": {
                "binary": self.tools.chromium,
                "args": args,
                "prefs": { "intl": { "accept_languages": "en-GB,en" } },
            },
        });
        let Value::Object(capabilities) = capabilities else { unreachable!("a JSON object literal") };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .context("starting Chromium through chromedriver")?;
        let session_id = client.session_id().await?.context("chromedriver gave no session id")?;
        let session = Session {
            client,
            log_url: format!("{}/session/{session_id}/se/log", self.url),
            javascript,
            app: None,
            base_url: String::new(),
            axe_source: self.tools.axe_source.clone(),
            audits: javascript,
            screenshot_dir: PathBuf::new(),
            reached: BTreeSet::new(),
            audits_run: 0,
            pages_checked: 0,
            chrome_height: 0,
        };
        Ok(session)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // chromedriver's shutdown command also ends every browser it started, even those of
        // sessions a failed flow left open; killing it would leave them running.
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) {
            let _ = stream.write_all(b"GET /shutdown HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.process.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// How a page is expected to arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// A normal page: any console error fails.
    Page,
    /// An error page: the browser logs the document's own 4xx status, nothing else may fail.
    ErrorPage,
    /// Not HTML (a feed): no accessibility audit or screenshot.
    Document,
}

/// One browser, used by the flows in turn.
pub struct Session {
    pub client: Client,
    log_url: String,
    pub javascript: bool,
    app: Option<&'static TestApp>,
    base_url: String,
    axe_source: String,
    /// Whether this session audits page types (axe-core, screenshots), and where the
    /// screenshots go. axe-core needs JavaScript.
    audits: bool,
    screenshot_dir: PathBuf,
    /// Page types reached on the current server.
    pub reached: BTreeSet<&'static str>,
    /// axe-core audits run so far, for the suite's summary.
    pub audits_run: usize,
    /// Pages checked so far, for the suite's summary.
    pub pages_checked: usize,
    /// Window height minus viewport height, measured once.
    chrome_height: u32,
}

impl Session {
    /// Points the session at a server; screenshots (if taken) go to `screenshots`.
    pub fn serve_from(&mut self, app: &'static TestApp, screenshots: &Path) -> Result<()> {
        self.base_url = app.base_url.clone();
        self.app = Some(app);
        if self.audits {
            std::fs::create_dir_all(screenshots).with_context(|| format!("creating {}", screenshots.display()))?;
            self.screenshot_dir = screenshots.to_owned();
        }
        self.reached.clear();
        Ok(())
    }

    /// The server under test, for what a flow needs besides the browser (its mail).
    pub fn app(&self) -> Result<&'static TestApp> {
        self.app.context("the session is not pointed at a server")
    }

    /// Shows that the audit can fail: a plain-text document has neither a language nor a
    /// title, which axe-core must report.
    pub async fn audit_can_fail(&mut self) -> Result<()> {
        if !self.audits {
            return Ok(());
        }
        self.client.goto(&self.url("/healthz")).await?;
        self.new_page().await?;
        let found = self.axe().await?;
        ensure!(
            found.iter().any(|v| v.contains("html-has-lang")) && found.iter().any(|v| v.contains("document-title")),
            "axe-core missed the faults of a plain-text page, it found: {found:?}"
        );
        Ok(())
    }

    /// A clean start for a flow: no cookies (so the language follows the browser), laptop size.
    pub async fn reset(&mut self) -> Result<()> {
        self.client.goto(&self.url("/healthz")).await?;
        self.new_page().await?;
        self.client.delete_all_cookies().await?;
        self.set_viewport(SCREEN_SIZES[0].0, SCREEN_SIZES[0].1).await?;
        // Whatever was logged before the flow starts belongs to no page under test.
        self.browser_log().await?;
        Ok(())
    }

    pub async fn close(self) -> Result<()> {
        self.client.close().await.context("closing the browser")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Goes to `path` on the test server and checks the page as `page`.
    pub async fn open(&mut self, path: &str, page: &'static str, arrival: Arrival) -> Result<()> {
        self.client.goto(&self.url(path)).await.with_context(|| format!("opening {path}"))?;
        self.arrived(page, arrival).await
    }

    /// Checks the page the browser shows now: loaded, no console error, no request to
    /// another host; the first time a page type is seen, also axe-core and screenshots.
    pub async fn arrived(&mut self, page: &'static str, arrival: Arrival) -> Result<()> {
        self.new_page().await.with_context(|| format!("waiting for {page}"))?;
        self.pages_checked += 1;
        let location = self.client.current_url().await?.to_string();
        let mut problems = Vec::new();
        for entry in self.browser_log().await? {
            let level = entry["level"].as_str().unwrap_or_default();
            let message = entry["message"].as_str().unwrap_or_default();
            let own_status = arrival == Arrival::ErrorPage
                && entry["source"] == json!("network")
                && message.starts_with(&format!(
                    "{location} - Failed to load resource: the server responded with a status of 4"
                ));
            if level == "SEVERE" && !own_status {
                problems.push(format!("console error: {message}"));
            }
        }
        let requested = self
            .client
            .execute(
                "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')).map(e => e.name)",
                vec![],
            )
            .await?;
        let own = format!("{}/", self.base_url);
        for url in requested.as_array().into_iter().flatten().filter_map(Value::as_str) {
            if !url.starts_with(&own) && !url.starts_with("data:") {
                problems.push(format!("request to another host: {url}"));
            }
        }
        if self.reached.insert(page) && self.audits && arrival != Arrival::Document {
            self.audits_run += 1;
            problems.extend(self.axe().await.with_context(|| format!("{page}: running axe-core"))?);
            self.photograph(page).await.with_context(|| format!("{page}: taking screenshots"))?;
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(anyhow!("{page} ({location}):\n  {}", problems.join("\n  ")))
        }
    }

    /// Waits until the browser shows a document no check has seen yet, fully loaded, and
    /// marks it seen: a click or key press may return before the navigation it starts.
    async fn new_page(&self) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let state = self.client.execute("return [window.lshubSeen === true, document.readyState]", vec![]).await?;
            if state == json!([false, "complete"]) {
                self.client.execute("window.lshubSeen = true", vec![]).await?;
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("no new page within 10 s (seen, state: {state})");
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Chromium's console messages since the last call (reading them empties the buffer).
    async fn browser_log(&self) -> Result<Vec<Value>> {
        let response = reqwest::Client::new()
            .post(&self.log_url)
            .json(&json!({ "type": "browser" }))
            .send()
            .await
            .context("reading the browser log")?;
        let body: Value = response.json().await.context("the browser log as JSON")?;
        match body["value"].as_array() {
            Some(entries) => Ok(entries.clone()),
            None => bail!("chromedriver's log answer has no entries: {body}"),
        }
    }

    /// axe-core's WCAG 2.0/2.1 A and AA violations on the current page, one line per element.
    async fn axe(&self) -> Result<Vec<String>> {
        // Injected through WebDriver, which is not bound by the page's Content-Security-Policy.
        let loaded = self.client.execute("return typeof window.axe", vec![]).await?;
        if loaded != json!("object") {
            self.client.execute(&format!("{}\nreturn typeof window.axe;", self.axe_source), vec![]).await?;
        }
        let violations = self
            .client
            .execute_async(
                "const [tags, done] = arguments;
                 axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
                   .then(r => done(r.violations.flatMap(v => v.nodes.map(n =>
                       `${v.id} (${v.impact}): ${v.help} at ${n.target.join(' ')}: ${n.failureSummary.replace(/\\s+/g, ' ')}`))))
                   .catch(e => done([`axe-core failed: ${e}`]));",
                vec![json!(WCAG_TAGS)],
            )
            .await?;
        Ok(violations.as_array().into_iter().flatten().filter_map(Value::as_str).map(|v| format!("axe: {v}")).collect())
    }

    /// Screenshots of the current page at each screen size: what fits on the screen, and
    /// the whole page.
    async fn photograph(&mut self, page: &str) -> Result<()> {
        let dir = self.screenshot_dir.clone();
        for (width, height) in SCREEN_SIZES {
            self.set_viewport(width, height).await?;
            let file = dir.join(format!("{page}-{width}x{height}.png"));
            std::fs::write(&file, self.client.screenshot().await?)
                .with_context(|| format!("writing {}", file.display()))?;
            let full = self.client.execute("return document.documentElement.scrollHeight", vec![]).await?;
            let full = full.as_u64().and_then(|h| u32::try_from(h).ok()).context("the page's height")?;
            self.set_viewport(width, full.clamp(height, 8000)).await?;
            let file = dir.join(format!("{page}-{width}-full.png"));
            std::fs::write(&file, self.client.screenshot().await?)
                .with_context(|| format!("writing {}", file.display()))?;
        }
        self.set_viewport(SCREEN_SIZES[0].0, SCREEN_SIZES[0].1).await
    }

    /// Sizes the window so that the page gets `width` x `height` CSS pixels.
    async fn set_viewport(&mut self, width: u32, height: u32) -> Result<()> {
        let mut inner = Value::Null;
        // The first try measures how much of the window is not page, the second corrects.
        for _ in 0..2 {
            let window_height = height + self.chrome_height;
            self.client.set_window_size(width, window_height).await?;
            inner = self.client.execute("return [window.innerWidth, window.innerHeight]", vec![]).await?;
            let inner_height = inner[1].as_u64().and_then(|h| u32::try_from(h).ok()).unwrap_or_default();
            if inner == json!([width, height]) {
                return Ok(());
            }
            self.chrome_height = window_height.saturating_sub(inner_height);
        }
        bail!("asked for a {width}x{height} viewport, got {inner}")
    }

    /// Presses and releases `key` on whatever has the focus.
    pub async fn press(&self, key: Key) -> Result<()> {
        let key = char::from(key);
        let actions =
            KeyActions::new("keyboard".into()).then(KeyAction::Down { value: key }).then(KeyAction::Up { value: key });
        self.client.perform_actions(actions).await?;
        Ok(())
    }

    /// Types `text` key by key into whatever has the focus.
    pub async fn type_keys(&self, text: &str) -> Result<()> {
        let mut actions = KeyActions::new("keyboard".into());
        for c in text.chars() {
            actions = actions.then(KeyAction::Down { value: c }).then(KeyAction::Up { value: c });
        }
        self.client.perform_actions(actions).await?;
        Ok(())
    }

    pub async fn find(&self, css: &str) -> Result<Element> {
        self.client.find(Locator::Css(css)).await.with_context(|| format!("no element matches {css}"))
    }

    pub async fn find_all(&self, css: &str) -> Result<Vec<Element>> {
        Ok(self.client.find_all(Locator::Css(css)).await?)
    }

    /// Types `text` into the form field `#id`.
    pub async fn fill(&self, id: &str, text: &str) -> Result<()> {
        let field = self.find(&format!("#{id}")).await?;
        field.clear().await?;
        field.send_keys(text).await.with_context(|| format!("typing into #{id}"))
    }

    /// Sets the form field `#id` to `value`: date fields are typed in the browser's own
    /// format, and setting their value is the same as picking a day.
    pub async fn set_value(&self, id: &str, value: &str) -> Result<()> {
        let field = self.find(&format!("#{id}")).await?;
        self.client
            .execute("arguments[0].value = arguments[1]", vec![serde_json::to_value(&field)?, value.into()])
            .await?;
        Ok(())
    }

    /// The page's language, from `<html lang>`.
    pub async fn lang(&self) -> Result<String> {
        Ok(self.find("html").await?.attr("lang").await?.unwrap_or_default())
    }

    /// The path and query of the current URL.
    pub async fn path(&self) -> Result<String> {
        let url = self.client.current_url().await?;
        Ok(match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        })
    }
}
