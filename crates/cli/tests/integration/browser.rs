//! A minimal browser for the account tests: keeps cookies, sends forms with the page's CSRF
//! token and an Origin header like a real browser, and comes from its own loopback address
//! so that each test has rate limits of its own.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::time::Duration;

use crate::support::TestApp;

pub struct Browser<'a> {
    pub app: &'a TestApp,
    client: reqwest::Client,
    pub cookies: BTreeMap<String, String>,
}

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    /// The CSRF token of the (first) form on the page.
    pub fn csrf(&self) -> Option<String> {
        let start = self.body.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
        Some(self.body[start..].chars().take_while(|c| *c != '"').collect())
    }
}

impl<'a> Browser<'a> {
    /// A browser at 127.0.0.`host` (use a different `host` in every test).
    pub fn new(app: &'a TestApp, host: u8) -> Self {
        Self::at(app, u16::from(host))
    }

    /// A browser at host number `host` of the loopback network: 127.0.0.`host` up to 255,
    /// then 127.0.1.0 and on, for tests given numbers past 255.
    pub fn at(app: &'a TestApp, host: u16) -> Self {
        let [high, low] = host.to_be_bytes();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, high, low)))
            .build()
            .expect("HTTP client");
        Self { app, client, cookies: BTreeMap::new() }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn finish(&mut self, response: reqwest::Response) -> Page {
        for value in response.headers().get_all("set-cookie") {
            let text = value.to_str().expect("cookie text");
            let pair = text.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() || text.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), value.to_owned());
                }
            }
        }
        let status = response.status().as_u16();
        let location = response.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let headers = response.headers().clone();
        let body = response.text().await.expect("body");
        Page { status, location, headers, body }
    }

    pub async fn request(&mut self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.app.url(path))
            .header("cookie", self.cookie_header())
            .header("accept-language", "en")
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let request = self.request(reqwest::Method::GET, path).await;
        let response = request.send().await.expect("GET");
        self.finish(response).await
    }

    /// Posts `fields` as a form from the hub's own page, with the CSRF token of `form_page`.
    pub async fn submit(&mut self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.get(form_page).await.csrf().unwrap_or_else(|| panic!("{form_page} has a form"));
        let mut body: Vec<(&str, &str)> = vec![("csrf", &csrf)];
        body.extend_from_slice(fields);
        self.post_raw(
            action,
            &serde_urlencoded_body(&body),
            "application/x-www-form-urlencoded",
            Some(self.app.base_url.clone()),
        )
        .await
    }

    pub async fn post_raw(&mut self, path: &str, body: &[u8], content_type: &str, origin: Option<String>) -> Page {
        let mut request =
            self.request(reqwest::Method::POST, path).await.header("content-type", content_type).body(body.to_vec());
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        let response = request.send().await.expect("POST");
        self.finish(response).await
    }

    /// Calls the JSON API as this signed-in session, with its CSRF token, and reads the JSON answer.
    pub async fn api(
        &mut self,
        method: reqwest::Method,
        path: &str,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let csrf = self.get("/login").await.csrf().expect("the session's token");
        let request = self.request(method, path).await;
        let response = request
            .header("origin", self.app.base_url.clone())
            .header("x-csrf-token", csrf)
            .json(body)
            .send()
            .await
            .expect("API call");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or_default())
    }

    /// Registers, confirms the address with the mailed link and signs in.
    pub async fn sign_up(&mut self, name: &str, email: &str, password: &str) {
        let page = self
            .submit("/register", "/register", &[("display_name", name), ("email", email), ("password", password)])
            .await;
        assert_eq!(page.status, 201, "registered {email}: {}", page.body);
        let link = mail_link(&self.app.data_dir, email, "/verify?code=").await;
        let page = self.get(&link).await;
        assert_eq!(page.status, 200, "verified {email}");
        self.sign_in(email, password).await;
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) -> Page {
        let page = self.submit("/login", "/login", &[("email", email), ("password", password)]).await;
        assert_eq!(page.status, 303, "signed in as {email}: {}", page.body);
        assert!(self.cookies.contains_key("lshub_session"));
        page
    }
}

fn serde_urlencoded_body(fields: &[(&str, &str)]) -> Vec<u8> {
    fields.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&").into_bytes()
}

pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The path of the newest link starting with `path_prefix` in mail to `recipient`, waiting
/// for the mail worker to write it.
pub async fn mail_link(data_dir: &Path, recipient: &str, path_prefix: &str) -> String {
    let needle = format!("{}{path_prefix}", crate::support::PUBLIC_URL);
    for _ in 0..100 {
        // Files are named by time-ordered ids: the greatest name is the newest message.
        let mut found: Vec<(std::ffi::OsString, String)> = Vec::new();
        if let Ok(entries) = std::fs::read_dir(data_dir.join("mail")) {
            for entry in entries.flatten() {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                if text.starts_with(&format!("To: {recipient}\r\n")) {
                    if let Some(start) = text.find(&needle) {
                        let link: String = text[start + crate::support::PUBLIC_URL.len()..]
                            .chars()
                            .take_while(|c| !c.is_whitespace())
                            .collect();
                        found.push((entry.file_name(), link));
                    }
                }
            }
        }
        if let Some((_, link)) = found.into_iter().max() {
            return link;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no mail to {recipient} with {path_prefix}");
}

/// `lshub admin grant EMAIL --role ROLE` against the test database.
pub fn grant(app: &TestApp, email: &str, role: &str) {
    let output = crate::support::lshub_command()
        .args(["--database", &app.database_url, "admin", "grant", email, "--role", role])
        .output()
        .expect("run lshub admin grant");
    assert!(output.status.success(), "grant failed: {}", String::from_utf8_lossy(&output.stderr));
}

/// A strong password for test accounts.
pub const PASSWORD: &str = "blue kettle morning 42";
