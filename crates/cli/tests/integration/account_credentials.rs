//! The credentials of an account (issue 22): a password reset, a password change and "sign
//! out everywhere" leave no other session and no API token of the account alive; the account
//! page shows when each token was last used; verification mail is limited per account and per
//! client address; using one reset link voids the others; and a reset request takes the same
//! path whether or not the address has an account.

use std::time::{Duration, Instant};

use crate::accounts::shown_token;
use crate::browser::{encode, mail_link, Browser, PASSWORD};
use crate::support::{per_backend, TestApp};

per_backend!(
    a_password_reset_revokes_every_token_and_session,
    signing_out_everywhere_revokes_every_token,
    a_password_change_keeps_this_session_and_ends_every_other_credential,
    a_password_change_needs_the_current_password_and_a_strong_new_one,
    the_account_page_shows_when_each_token_was_last_used,
    verification_mail_is_limited_per_account_and_per_client_address,
    using_one_reset_link_voids_the_others,
    a_reset_request_takes_one_path_whether_or_not_the_account_exists,
);

const NEW_PASSWORD: &str = "green teapot evening 7";

/// Creates a token on the account page and returns its secret.
async fn create_token(member: &mut Browser<'_>, name: &str, scope: &str) -> String {
    let page = member.submit("/account", "/account/tokens", &[("name", name), ("scope", scope)]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    shown_token(&page.body)
}

/// The status of `GET /api/v1/me` with `token`.
async fn me_status(app: &TestApp, token: &str) -> u16 {
    let response = crate::support::client().get(app.url("/api/v1/me")).bearer_auth(token).send().await;
    response.expect("request").status().as_u16()
}

/// A verified member signed in on two devices (browsers at `hosts`), with a working read
/// token made on the first and a working write token made on the second.
async fn member_with_credentials<'a>(
    app: &'a TestApp,
    hosts: (u8, u8),
    name: &str,
    email: &str,
) -> (Browser<'a>, Browser<'a>, [String; 2]) {
    let mut laptop = Browser::new(app, hosts.0);
    laptop.sign_up(name, email, PASSWORD).await;
    let mut phone = Browser::new(app, hosts.1);
    phone.sign_in(email, PASSWORD).await;
    let tokens = [create_token(&mut laptop, "script", "read").await, create_token(&mut phone, "sync", "write").await];
    for token in &tokens {
        assert_eq!(me_status(app, token).await, 200);
    }
    (laptop, phone, tokens)
}

async fn assert_tokens_stopped(app: &TestApp, tokens: &[String], after: &str) {
    for token in tokens {
        assert_eq!(me_status(app, token).await, 401, "{after} revokes every token");
    }
}

/// The rows of the token table on the account page.
fn token_rows(account_page: &str) -> Vec<&str> {
    let table = account_page.split("id=\"tokens\"").nth(1).expect("a token section");
    table.split("<tr>").skip(2).collect()
}

/// Runs one SQL query that counts something, against the test server's database.
async fn count(app: &TestApp, query: &str) -> i64 {
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&app.database_url).await.expect("connect");
    sqlx::query_scalar::<_, i64>(query).fetch_one(&mut conn).await.expect(query)
}

/// The reset link of the newest reset mail to `email` that is not in `known`.
async fn new_reset_link(app: &TestApp, email: &str, known: &[String]) -> String {
    for _ in 0..100 {
        let link = mail_link(&app.data_dir, email, "/password-reset/new?code=").await;
        if !known.contains(&link) {
            return link;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no new reset mail to {email}");
}

/// Chooses `password` with the reset `link`; the status of the answer.
async fn use_reset_link(browser: &mut Browser<'_>, link: &str, password: &str) -> u16 {
    let code = link.split("code=").nth(1).expect("a code");
    browser.submit(link, "/password-reset/new", &[("code", code), ("password", password)]).await.status
}

async fn a_password_reset_revokes_every_token_and_session(app: &TestApp) {
    let email = "rena@example.org";
    let (mut laptop, mut phone, tokens) = member_with_credentials(app, (201, 202), "Rena Reset", email).await;
    let mut visitor = Browser::new(app, 203);
    assert_eq!(visitor.submit("/password-reset", "/password-reset", &[("email", email)]).await.status, 200);
    let link = new_reset_link(app, email, &[]).await;
    assert_eq!(use_reset_link(&mut visitor, &link, NEW_PASSWORD).await, 200);
    assert_tokens_stopped(app, &tokens, "a password reset").await;
    assert_eq!(laptop.get("/account").await.status, 303, "a reset ends every session");
    assert_eq!(phone.get("/account").await.status, 303);
    visitor.sign_in(email, NEW_PASSWORD).await;
    let account = visitor.get("/account").await.body;
    let rows = token_rows(&account);
    assert_eq!(rows.len(), 2, "both tokens are listed");
    assert!(rows.iter().all(|row| row.contains("revoked") && !row.contains("/revoke\"")), "{rows:?}");
}

async fn signing_out_everywhere_revokes_every_token(app: &TestApp) {
    let (mut laptop, mut phone, tokens) =
        member_with_credentials(app, (204, 205), "Eve Everywhere", "eve@example.org").await;
    assert_eq!(laptop.submit("/account", "/account/logout-everywhere", &[]).await.status, 303);
    assert_tokens_stopped(app, &tokens, "signing out everywhere").await;
    assert_eq!(phone.get("/account").await.status, 303, "the other device is signed out");
    assert_eq!(laptop.get("/account").await.status, 303, "and this one");
}

async fn a_password_change_keeps_this_session_and_ends_every_other_credential(app: &TestApp) {
    let email = "cas@example.org";
    let (mut laptop, mut phone, tokens) = member_with_credentials(app, (206, 207), "Cas Change", email).await;
    let mut visitor = Browser::new(app, 208);
    visitor.submit("/password-reset", "/password-reset", &[("email", email)]).await;
    let outstanding = new_reset_link(app, email, &[]).await;
    let account = laptop.get("/account").await.body;
    assert!(account.contains("action=\"/account/password\""), "the account page offers a password change");
    let page = laptop
        .submit("/account", "/account/password", &[("current_password", PASSWORD), ("new_password", NEW_PASSWORD)])
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_tokens_stopped(app, &tokens, "a password change").await;
    assert_eq!(phone.get("/account").await.status, 303, "the other device is signed out");
    assert_eq!(laptop.get("/account").await.status, 200, "this session stays");
    assert_eq!(use_reset_link(&mut visitor, &outstanding, "red teapot morning 9").await, 400, "old reset links die");
    let page = visitor.submit("/login", "/login", &[("email", email), ("password", PASSWORD)]).await;
    assert_eq!(page.status, 401, "the old password is gone");
    visitor.sign_in(email, NEW_PASSWORD).await;
    let notice = mail_link(&app.data_dir, email, "/password-reset").await;
    assert_eq!(notice, "/password-reset", "the owner is told, with a way back in");
    let audited = count(app, "SELECT COUNT(*) FROM audit_log WHERE action = 'password.changed'").await;
    assert!(audited >= 1, "the change is audited");
}

async fn a_password_change_needs_the_current_password_and_a_strong_new_one(app: &TestApp) {
    let email = "wes@example.org";
    let mut member = Browser::new(app, 209);
    member.sign_up("Wes Wrong", email, PASSWORD).await;
    let token = create_token(&mut member, "script", "read").await;
    let wrong = [("current_password", "not my password at all"), ("new_password", NEW_PASSWORD)];
    let page = member.submit("/account", "/account/password", &wrong).await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("is not your current password"), "{}", page.body);
    assert!(page.body.contains("aria-invalid=\"true\""), "the error is tied to the field");
    let page = member
        .submit("/account", "/account/password", &[("current_password", PASSWORD), ("new_password", "aaaa")])
        .await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("at least 12 characters"), "{}", page.body);
    let body = format!("current_password={}&new_password={}", encode(PASSWORD), encode(NEW_PASSWORD));
    let page = member
        .post_raw("/account/password", body.as_bytes(), "application/x-www-form-urlencoded", Some(app.base_url.clone()))
        .await;
    assert_eq!(page.status, 403, "no change without the form's CSRF token");
    assert_eq!(me_status(app, &token).await, 200, "nothing changed");
    assert_eq!(member.get("/account").await.status, 200);
    Browser::new(app, 210).sign_in(email, PASSWORD).await;
}

async fn the_account_page_shows_when_each_token_was_last_used(app: &TestApp) {
    let mut member = Browser::new(app, 211);
    member.sign_up("Lia Lastuse", "lia@example.org", PASSWORD).await;
    let used = create_token(&mut member, "used", "read").await;
    create_token(&mut member, "unused", "read").await;
    let account = member.get("/account").await.body;
    assert!(account.contains("Last used"), "a column for the last use");
    assert!(token_rows(&account).iter().all(|row| row.contains("never")), "neither was used yet");
    assert_eq!(me_status(app, &used).await, 200);
    let account = member.get("/account").await.body;
    let rows = token_rows(&account);
    let row = |name: &str| *rows.iter().find(|row| row.contains(&format!("<td>{name}</td>"))).expect(name);
    assert!(row("unused").contains("never"));
    // Created and last used, both as a moment ("2026-12-04 17:09 UTC").
    assert!(!row("used").contains("never") && row("used").matches(" UTC").count() == 2, "{}", row("used"));
}

async fn verification_mail_is_limited_per_account_and_per_client_address(app: &TestApp) {
    let email = "vera@example.org";
    let mut first = Browser::new(app, 212);
    let page = first
        .submit("/register", "/register", &[("display_name", "Vera"), ("email", email), ("password", PASSWORD)])
        .await;
    assert_eq!(page.status, 201);
    first.sign_in(email, PASSWORD).await;
    let mut statuses = Vec::new();
    for attempt in 0..30 {
        let page = first.submit("/account", "/account/verification", &[]).await;
        if page.status == 429 {
            let retry: u64 = page.headers["retry-after"].to_str().expect("text").parse().expect("seconds");
            assert!(retry >= 1, "attempt {attempt}");
        }
        statuses.push(page.status);
    }
    assert!(statuses[..3].iter().all(|s| *s == 200) && statuses[3..].iter().all(|s| *s == 429), "{statuses:?}");
    let mut elsewhere = Browser::new(app, 213);
    elsewhere.cookies = first.cookies.clone();
    let page = elsewhere.submit("/account", "/account/verification", &[]).await;
    assert_eq!(page.status, 429, "the account's allowance holds from every address");
    // One mail at registration and three more: wait for the worker, then count.
    let mails = || {
        std::fs::read_dir(app.data_dir.join("mail"))
            .map(|entries| {
                entries
                    .flatten()
                    .filter(|e| {
                        std::fs::read_to_string(e.path()).is_ok_and(|t| t.starts_with(&format!("To: {email}\r\n")))
                    })
                    .count()
            })
            .unwrap_or(0)
    };
    for _ in 0..50 {
        if mails() >= 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(mails(), 4, "30 requests, four mails");

    // Another unverified account from the first address: that address used its allowance.
    let other = "walt@example.org";
    let mut second = Browser::new(app, 212);
    let page = second
        .submit("/register", "/register", &[("display_name", "Walt"), ("email", other), ("password", PASSWORD)])
        .await;
    assert_eq!(page.status, 201);
    second.sign_in(other, PASSWORD).await;
    let page = second.submit("/account", "/account/verification", &[]).await;
    assert_eq!(page.status, 429, "the address's allowance is used up");
    assert!(page.headers.contains_key("retry-after"));
    let mut elsewhere = Browser::new(app, 214);
    elsewhere.cookies = second.cookies.clone();
    assert_eq!(elsewhere.submit("/account", "/account/verification", &[]).await.status, 200, "per address");
}

async fn using_one_reset_link_voids_the_others(app: &TestApp) {
    let email = "lars@example.org";
    let mut member = Browser::new(app, 215);
    member.sign_up("Lars Links", email, PASSWORD).await;
    let mut requester = Browser::new(app, 216);
    let mut links = Vec::new();
    for _ in 0..3 {
        assert_eq!(requester.submit("/password-reset", "/password-reset", &[("email", email)]).await.status, 200);
        links.push(new_reset_link(app, email, &links).await);
    }
    let mut owner = Browser::new(app, 217);
    assert_eq!(use_reset_link(&mut owner, &links[2], NEW_PASSWORD).await, 200, "the newest link works");
    assert_eq!(use_reset_link(&mut owner, &links[0], "red teapot morning 9").await, 400, "older links are void");
    assert_eq!(use_reset_link(&mut owner, &links[1], "red teapot morning 9").await, 400);
    owner.sign_in(email, NEW_PASSWORD).await;

    // The other way round: an older link used first voids the newer one too.
    let mut older = Vec::new();
    for _ in 0..2 {
        assert_eq!(requester.submit("/password-reset", "/password-reset", &[("email", email)]).await.status, 200);
        let known: Vec<String> = links.iter().chain(&older).cloned().collect();
        older.push(new_reset_link(app, email, &known).await);
    }
    assert_eq!(use_reset_link(&mut owner, &older[0], "red teapot morning 9").await, 200);
    assert_eq!(use_reset_link(&mut owner, &older[1], NEW_PASSWORD).await, 400);
}

/// Asks for a password reset for `email` from a browser that already has its CSRF token; the
/// status and how long the answer took.
async fn timed_reset_request(browser: &mut Browser<'_>, csrf: &str, email: &str) -> (u16, Duration) {
    let body = format!("csrf={csrf}&email={}", encode(email));
    let started = Instant::now();
    let page = browser
        .post_raw(
            "/password-reset",
            body.as_bytes(),
            "application/x-www-form-urlencoded",
            Some(browser.app.base_url.clone()),
        )
        .await;
    (page.status, started.elapsed())
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

async fn a_reset_request_takes_one_path_whether_or_not_the_account_exists(app: &TestApp) {
    let known = "pia@example.org";
    let unknown = "nobody-like-pia@example.org";
    Browser::new(app, 218).sign_up("Pia Path", known, PASSWORD).await;

    // What the request does: it queues the question, for both alike; the mail worker looks
    // the address up afterwards, outside the request.
    let mut visitor = Browser::new(app, 219);
    let answers = [
        visitor.submit("/password-reset", "/password-reset", &[("email", known)]).await,
        visitor.submit("/password-reset", "/password-reset", &[("email", unknown)]).await,
    ];
    assert_eq!(answers[0].status, 200);
    assert_eq!(answers[0].status, answers[1].status);
    assert_eq!(answers[0].body.replace(known, "ADDRESS"), answers[1].body.replace(unknown, "ADDRESS"));
    for address in [known, unknown] {
        let queued =
            count(app, &format!("SELECT COUNT(*) FROM password_reset_requests WHERE email_key = '{address}'")).await;
        assert_eq!(queued, 1, "one queued request for {address}");
    }
    mail_link(&app.data_dir, known, "/password-reset/new?code=").await;

    // And how long it takes: the medians of 20 requests of each kind, interleaved, from
    // browsers with an allowance of 5 each. Before the fix, a known address took about five
    // times as long as an unknown one (two write transactions against one read).
    let mut times: [Vec<Duration>; 2] = [Vec::new(), Vec::new()];
    for host in 220..228 {
        let mut browser = Browser::new(app, host);
        let csrf = browser.get("/password-reset").await.csrf().expect("a form");
        for n in 0..5 {
            let which = (usize::from(host) + n) % 2;
            let (status, took) = timed_reset_request(&mut browser, &csrf, [known, unknown][which]).await;
            assert_eq!(status, 200);
            times[which].push(took);
        }
    }
    let [known_median, unknown_median] = times.map(median);
    assert!(
        known_median < unknown_median * 2 + Duration::from_millis(1)
            && unknown_median < known_median * 2 + Duration::from_millis(1),
        "known {known_median:?}, unknown {unknown_median:?}"
    );
}
