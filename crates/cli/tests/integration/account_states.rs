//! Account states and the controls around them, end to end: unverified accounts and API
//! tokens, disabled accounts, admins taking back what they gave, sign-in failures that slow
//! an attacker without locking the owner out, claims by e-mail domain, and the last admin
//! under concurrent requests.

use lshub_domain::account::{Email, Role, TokenScope};
use lshub_storage::accounts::NewUser;
use lshub_storage::audit::AuditEvent;
use lshub_storage::Database;

use crate::browser::{grant, mail_link, Browser, PASSWORD};
use crate::support::{per_backend, TestApp};

per_backend!(
    unverified_accounts_neither_create_nor_use_tokens,
    an_attacker_elsewhere_does_not_lock_the_owner_out,
    claims_from_a_subdomain_address_wait_for_an_admin,
    admins_disable_accounts_revoke_credentials_and_remove_memberships,
);

mod fresh {
    crate::support::per_backend_fresh!(admins_leaving_at_once_always_leave_one);

    async fn admins_leaving_at_once_always_leave_one(database_url: String) {
        super::admins_leaving_at_once_always_leave_one(database_url).await;
    }
}

/// An audit event for accounts the tests set up through the storage calls.
fn set_up(action: &'static str) -> AuditEvent<'static> {
    AuditEvent {
        actor_id: None,
        actor_label: "test set-up",
        action,
        subject: "",
        detail: String::new(),
        client: "test",
    }
}

async fn database(app: &TestApp) -> Database {
    Database::connect(&app.database_url).await.expect("connect to the test database")
}

async fn user_id(db: &Database, email: &str) -> String {
    db.user_by_email(&Email::parse(email).expect("address")).await.expect("read").expect("account").user.id
}

/// Registers without confirming the address, and signs in.
async fn register_unverified(browser: &mut Browser<'_>, name: &str, email: &str) {
    let page = browser
        .submit("/register", "/register", &[("display_name", name), ("email", email), ("password", PASSWORD)])
        .await;
    assert_eq!(page.status, 201, "{}", page.body);
    browser.sign_in(email, PASSWORD).await;
}

async fn api(app: &TestApp, method: reqwest::Method, path: &str, token: &str) -> u16 {
    let mut request = crate::support::client().request(method.clone(), app.url(path)).bearer_auth(token);
    if method == reqwest::Method::PUT {
        request = request.json(&serde_json::json!({"website": "https://hijacked.example/"}));
    }
    request.send().await.expect("API request").status().as_u16()
}

/// The token shown once on the account page after creating it.
fn shown_token(page: &str) -> Option<String> {
    let start = page.find("<code class=\"secret\">")? + "<code class=\"secret\">".len();
    Some(page[start..].chars().take_while(|c| *c != '<').collect())
}

async fn unverified_accounts_neither_create_nor_use_tokens(app: &TestApp) {
    let mut squatter = Browser::new(app, 101);
    register_unverified(&mut squatter, "Sam Squatter", "owner@tokens-unverified.example").await;
    let page = squatter.submit("/account", "/account/tokens", &[("name", "mine now"), ("scope", "write")]).await;
    assert_eq!(page.status, 403, "an unverified account creates no token");
    assert!(shown_token(&page.body).is_none());
    assert!(!squatter.get("/account").await.body.contains("action=\"/account/tokens\""), "nor is it offered to");

    // A token the account holds anyway (made before this rule, say) does nothing until the
    // address is confirmed: not reading, not writing.
    let db = database(app).await;
    let id = user_id(&db, "owner@tokens-unverified.example").await;
    let token = db
        .create_api_token(&id, "old", &[TokenScope::Read, TokenScope::Write], set_up("token.created"))
        .await
        .expect("token");
    let organisation = &db.all_organisations().await.expect("organisations")[1200];
    let profile = format!("/api/v1/organisations/{}/profile", organisation.slug);
    assert_eq!(api(app, reqwest::Method::GET, "/api/v1/me", &token).await, 403);
    assert_eq!(api(app, reqwest::Method::GET, "/api/v1/organisations", &token).await, 403);
    assert_eq!(api(app, reqwest::Method::PUT, &profile, &token).await, 403);

    let link = mail_link(&app.data_dir, "owner@tokens-unverified.example", "/verify?code=").await;
    assert_eq!(squatter.get(&link).await.status, 200);
    assert_eq!(api(app, reqwest::Method::GET, "/api/v1/me", &token).await, 200, "confirmed, the token works");
    let page = squatter.submit("/account", "/account/tokens", &[("name", "script"), ("scope", "read")]).await;
    assert_eq!(page.status, 200);
    assert!(shown_token(&page.body).is_some_and(|t| t.starts_with("lsh_")));
}

async fn sign_in_attempt(browser: &mut Browser<'_>, email: &str, password: &str) -> u16 {
    browser.submit("/login", "/login", &[("email", email), ("password", password)]).await.status
}

async fn an_attacker_elsewhere_does_not_lock_the_owner_out(app: &TestApp) {
    const OWNER: &str = "owen@attacked.example";
    let mut owner = Browser::new(app, 111);
    owner.sign_up("Owen Owner", OWNER, PASSWORD).await;

    // One attacker address: slowed, then refused, even with the right password.
    let mut attacker = Browser::new(app, 112);
    let mut statuses = Vec::new();
    for _ in 0..9 {
        statuses.push(sign_in_attempt(&mut attacker, OWNER, "wrong password 1").await);
    }
    assert_eq!(statuses[..8], [401; 8], "{statuses:?}");
    assert_eq!(statuses[8], 429);
    assert_eq!(sign_in_attempt(&mut attacker, OWNER, PASSWORD).await, 429, "the attacker's address stays refused");

    // The owner, from another address, signs in as usual.
    let mut elsewhere = Browser::new(app, 113);
    let page = elsewhere.submit("/login", "/login", &[("email", OWNER), ("password", PASSWORD)]).await;
    assert_eq!(page.status, 303, "the owner is not locked out: {}", page.body);
    assert!(elsewhere.cookies.contains_key("lshub_session"));
    assert_eq!(sign_in_attempt(&mut attacker, OWNER, PASSWORD).await, 429, "and the attacker still is");

    // Attackers at many addresses, each under its own limit: past the account's ceiling the
    // right password mails the owner a one-time link instead of signing in.
    let attacks = (0..6u8).map(|n| async move {
        let mut attacker = Browser::new(app, 114 + n);
        for _ in 0..6 {
            assert_eq!(sign_in_attempt(&mut attacker, OWNER, "wrong password 2").await, 401);
        }
    });
    futures_util::future::join_all(attacks).await;
    let mut fresh = Browser::new(app, 121);
    let page = fresh.submit("/login", "/login", &[("email", OWNER), ("password", PASSWORD)]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("We sent a sign-in link"), "{}", page.body);
    assert!(!fresh.cookies.contains_key("lshub_session"), "the password alone does not sign in now");
    let link = mail_link(&app.data_dir, OWNER, "/login/link?code=").await;
    let code = link.split("code=").nth(1).expect("code").to_owned();
    let signed_in = fresh.submit(&link, "/login/link", &[("code", &code)]).await;
    assert_eq!((signed_in.status, signed_in.location.as_deref()), (303, Some("/account")), "{}", signed_in.body);
    assert_eq!(fresh.get("/account").await.status, 200);
    let again = Browser::new(app, 122).submit(&link, "/login/link", &[("code", &code)]).await;
    assert_eq!(again.status, 400, "the link works once");
}

/// Sets an organisation's website as an admin would, through its edit page.
async fn set_website(admin: &mut Browser<'_>, slug: &str, website: &str) {
    let edit = format!("/organisations/{slug}/edit");
    let page = admin.submit(&edit, &edit, &[("website", website)]).await;
    assert_eq!(page.status, 303, "{}", page.body);
}

async fn claim(browser: &mut Browser<'_>, slug: &str) -> String {
    let path = format!("/organisations/{slug}/claim");
    browser.submit(&path, &path, &[("message", "")]).await.body
}

async fn claims_from_a_subdomain_address_wait_for_an_admin(app: &TestApp) {
    let db = database(app).await;
    let slug = db.all_organisations().await.expect("organisations")[1300].slug.clone();
    let mut admin = Browser::new(app, 131);
    admin.sign_up("Ada Domains", "ada@domain-admins.example", PASSWORD).await;
    grant(app, "ada@domain-admins.example", "admin");
    set_website(&mut admin, &slug, "https://www.domainlab.nl/").await;

    let mut student = Browser::new(app, 132);
    student.sign_up("Stu Student", "stu@student.domainlab.nl", PASSWORD).await;
    assert!(claim(&mut student, &slug).await.contains("An administrator will check it"), "a subdomain waits");
    assert_eq!(student.get(&format!("/organisations/{slug}/edit")).await.status, 403);

    let mut staff = Browser::new(app, 133);
    staff.sign_up("Sia Staff", "sia@domainlab.nl", PASSWORD).await;
    assert!(claim(&mut staff, &slug).await.contains("approved at once"), "the registrable domain itself is trusted");
    assert_eq!(staff.get(&format!("/organisations/{slug}/edit")).await.status, 200);
}

/// The path of the admin page of the account with `email`, from the users list.
async fn admin_page_of(admin: &mut Browser<'_>, email: &str) -> String {
    let users = admin.get("/admin/users").await.body;
    let row = users.split("<tr>").find(|row| row.contains(email)).unwrap_or_else(|| panic!("{email} is listed"));
    let start = row.find("href=\"/admin/users/").expect("a link to the account") + "href=\"".len();
    row[start..].chars().take_while(|c| *c != '"').collect()
}

async fn admins_disable_accounts_revoke_credentials_and_remove_memberships(app: &TestApp) {
    let db = database(app).await;
    let slug = db.all_organisations().await.expect("organisations")[1400].slug.clone();
    let mut admin = Browser::new(app, 141);
    admin.sign_up("Ada Controls", "ada@control-admins.example", PASSWORD).await;
    grant(app, "ada@control-admins.example", "admin");
    set_website(&mut admin, &slug, "https://controlled.example/").await;

    const MEMBER: &str = "max@controlled.example";
    let mut member = Browser::new(app, 142);
    member.sign_up("Max Member", MEMBER, PASSWORD).await;
    assert!(claim(&mut member, &slug).await.contains("approved at once"));
    let edit = format!("/organisations/{slug}/edit");
    assert_eq!(member.get(&edit).await.status, 200);
    let page = member.submit("/account", "/account/tokens", &[("name", "script"), ("scope", "write")]).await;
    let token = shown_token(&page.body).expect("token");
    let account = admin_page_of(&mut admin, MEMBER).await;
    let shown = admin.get(&account).await;
    assert_eq!(shown.status, 200);
    assert!(shown.body.contains(&format!("/organisations/{slug}\"")) && shown.body.contains("script"));

    // Remove the membership: the member edits no more.
    let removed = admin.submit(&account, &format!("{account}/memberships/remove"), &[("organisation", &slug)]).await;
    assert_eq!(removed.status, 303);
    assert_eq!(member.get(&edit).await.status, 403);
    let profile = format!("/api/v1/organisations/{slug}/profile");
    assert_eq!(api(app, reqwest::Method::PUT, &profile, &token).await, 403);

    // Revoke tokens and sessions: both stop at once.
    assert_eq!(admin.submit(&account, &format!("{account}/credentials/revoke"), &[]).await.status, 303);
    assert_eq!(member.get("/account").await.status, 303, "the session ended");
    assert_eq!(api(app, reqwest::Method::GET, "/api/v1/me", &token).await, 401, "the token is revoked");

    // Disable: no sign-in, no session, no token; enable: all back but the revoked.
    member.sign_in(MEMBER, PASSWORD).await;
    let page = member.submit("/account", "/account/tokens", &[("name", "second"), ("scope", "read")]).await;
    let second = shown_token(&page.body).expect("token");
    let disabled = admin.submit(&account, &format!("{account}/state"), &[("state", "disabled")]).await;
    assert_eq!(disabled.status, 303);
    assert!(admin.get(&account).await.body.contains("Enable the account"));
    assert_ne!(member.get("/account").await.status, 200, "the session ended");
    assert_eq!(api(app, reqwest::Method::GET, "/api/v1/me", &second).await, 403, "the token does nothing");
    let mut again = Browser::new(app, 143);
    assert_eq!(sign_in_attempt(&mut again, MEMBER, PASSWORD).await, 403, "no sign-in");
    assert_eq!(sign_in_attempt(&mut again, MEMBER, "wrong password 3").await, 401, "which only the password tells");
    let enabled = admin.submit(&account, &format!("{account}/state"), &[("state", "enabled")]).await;
    assert_eq!(enabled.status, 303);
    again.sign_in(MEMBER, PASSWORD).await;
    assert_eq!(api(app, reqwest::Method::GET, "/api/v1/me", &second).await, 200, "enabled, the token works again");

    let audit = admin.get("/admin/audit").await.body;
    for action in ["membership.removed", "credentials.revoked", "account.disabled", "account.enabled"] {
        assert!(audit.contains(action), "the audit log records {action}");
    }
    assert!(audit.contains("ada@control-admins.example"), "with the admin who did it");
}

/// A signed-in admin of the race: the session cookie and the page token.
struct RacingAdmin {
    id: String,
    email: String,
    cookie: String,
    csrf: String,
}

/// Makes `count` admins straight in the database, each with a session, and reads each one's
/// CSRF token from the server.
async fn racing_admins(
    db: &Database,
    server: &crate::support::ServerProcess,
    round: usize,
    count: usize,
) -> Vec<RacingAdmin> {
    let mut admins = Vec::new();
    for n in 0..count {
        let email = format!("admin{round}-{n}@race.example");
        let parsed = Email::parse(&email).expect("address");
        let new = NewUser {
            email: &parsed,
            display_name: "Racing Admin",
            password_hash: None,
            role: Role::Admin,
            email_verified: true,
            oidc: None,
        };
        let user = db.create_user(new, set_up("account.registered"), None).await.expect("admin");
        let secret =
            db.create_session(&user.id, chrono::Duration::hours(1), set_up("login.succeeded")).await.expect("session");
        let cookie = format!("lshub_session={secret}");
        let page = crate::support::client()
            .get(server.url("/account/delete"))
            .header("cookie", &cookie)
            .send()
            .await
            .expect("delete page")
            .text()
            .await
            .expect("body");
        let start = page.find("name=\"csrf\" value=\"").expect("a form") + "name=\"csrf\" value=\"".len();
        let csrf = page[start..].chars().take_while(|c| *c != '"').collect();
        admins.push(RacingAdmin { id: user.id, email, cookie, csrf });
    }
    admins
}

async fn post_form(
    server: &crate::support::ServerProcess,
    admin: &RacingAdmin,
    path: &str,
    fields: &[(&str, &str)],
) -> u16 {
    let mut body = vec![("csrf", admin.csrf.as_str())];
    body.extend_from_slice(fields);
    let body: Vec<String> =
        body.iter().map(|(k, v)| format!("{}={}", crate::browser::encode(k), crate::browser::encode(v))).collect();
    crate::support::client()
        .post(server.url(path))
        .header("cookie", &admin.cookie)
        .header("origin", &server.base_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.join("&"))
        .send()
        .await
        .expect("POST")
        .status()
        .as_u16()
}

async fn enabled_admins(db: &Database) -> usize {
    db.list_users().await.expect("users").iter().filter(|u| u.role == Role::Admin && !u.disabled).count()
}

async fn admins_leaving_at_once_always_leave_one(database_url: String) {
    let db = Database::connect(&database_url).await.expect("connect");
    db.migrate().await.expect("migrate");
    let data_dir = tempfile::tempdir().expect("data folder");
    let server = crate::support::ServerProcess::start(&database_url, data_dir.path(), &[]);

    // Every admin deletes their own account at the same moment.
    let admins = racing_admins(&db, &server, 0, 8).await;
    let deletes = admins.iter().map(|admin| {
        let server = &server;
        async move { post_form(server, admin, "/account/delete", &[("confirm", admin.email.as_str())]).await }
    });
    let statuses = futures_util::future::join_all(deletes).await;
    assert_eq!(enabled_admins(&db).await, 1, "one admin stays: {statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 7, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 400).count(), 1, "{statuses:?}");

    // Admins demote or disable each other in a ring, all at once: one admin stays.
    for round in 1..=3 {
        let admins = racing_admins(&db, &server, round, 8).await;
        let survivor = db.list_users().await.expect("users").into_iter().find(|u| u.role == Role::Admin && !u.disabled);
        if let Some(survivor) = survivor {
            // The admin left from before steps down first, so the ring holds every admin.
            db.set_role(&survivor.id, Role::Member, set_up("role.changed")).await.expect("step down");
        }
        let changes = admins.iter().enumerate().map(|(n, admin)| {
            let target = &admins[(n + 1) % admins.len()].id;
            let server = &server;
            async move {
                if n % 2 == 0 {
                    post_form(server, admin, &format!("/admin/users/{target}/role"), &[("role", "member")]).await
                } else {
                    post_form(server, admin, &format!("/admin/users/{target}/state"), &[("state", "disabled")]).await
                }
            }
        });
        let statuses = futures_util::future::join_all(changes).await;
        assert!(enabled_admins(&db).await >= 1, "round {round} left no admin: {statuses:?}");
    }
    db.close().await;
}
