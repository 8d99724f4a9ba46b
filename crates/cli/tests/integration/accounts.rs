//! Accounts end to end against the real server: the full member story, sessions and CSRF,
//! API tokens, brute force and rate limits.

use std::time::Instant;

use crate::browser::{grant, mail_link, Browser, PASSWORD};
use crate::support::{per_backend, TestApp};

per_backend!(
    member_registers_claims_edits_and_admin_audits,
    cross_site_posts_and_planted_sessions_are_refused,
    revoked_tokens_stop_at_once,
    failed_sign_ins_are_slowed_refused_and_logged,
    registration_and_reset_are_rate_limited,
    password_reset_by_mail_ends_every_session,
    registering_a_taken_address_reveals_nothing,
    a_lost_verification_link_can_be_sent_again,
    members_export_and_delete_their_data,
);

/// The id in `action="/admin/claims/ID/decision"` of the pending claim of `email` on `slug`.
pub fn claim_id(admin_page: &str, slug: &str, email: &str) -> String {
    let row = admin_page
        .split("<tr>")
        .find(|row| {
            row.contains(&format!("/organisations/{slug}\"")) && row.contains(email) && row.contains("/decision")
        })
        .unwrap_or_else(|| panic!("a pending claim on {slug}"));
    let start = row.find("/admin/claims/").expect("claim link") + "/admin/claims/".len();
    row[start..].chars().take_while(|c| *c != '/').collect()
}

async fn member_registers_claims_edits_and_admin_audits(app: &TestApp) {
    let mut admin = Browser::new(app, 11);
    admin.sign_up("Ada Admin", "ada@hub-admins.example", PASSWORD).await;
    grant(app, "ada@hub-admins.example", "admin");

    let mut member = Browser::new(app, 12);
    member.sign_up("Mia Member", "mia@gmail.example", PASSWORD).await;
    let page = member.get("/organisations/chemtrix-netherlands").await;
    assert!(page.body.contains("/organisations/chemtrix-netherlands/claim"), "the public page offers to maintain it");
    let page = member
        .submit(
            "/organisations/chemtrix-netherlands/claim",
            "/organisations/chemtrix-netherlands/claim",
            &[("message", "I run the website")],
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("An administrator will check it"), "the claim waits for an admin");
    assert_eq!(member.get("/organisations/chemtrix-netherlands/edit").await.status, 403, "no edits before approval");

    let claims = admin.get("/admin/claims").await;
    assert_eq!(claims.status, 200);
    assert!(claims.body.contains("mia@gmail.example") && claims.body.contains("I run the website"));
    let id = claim_id(&claims.body, "chemtrix-netherlands", "mia@gmail.example");
    let decided =
        admin.submit("/admin/claims", &format!("/admin/claims/{id}/decision"), &[("decision", "approve")]).await;
    assert_eq!(decided.status, 303);

    // A visitor's view of the page is now in the public cache; the edit must replace it.
    let (_, before) = app.get_text("/organisations/chemtrix-netherlands", "nl").await;
    assert!(!before.contains("Chemtrix bouwt microreactoren"));
    let dutch = "Chemtrix bouwt microreactoren voor de chemie & doet onderzoek.";
    let edit_page = member.get("/organisations/chemtrix-netherlands/edit").await;
    assert_eq!(edit_page.status, 200);
    let saved = member
        .submit(
            "/organisations/chemtrix-netherlands/edit",
            "/organisations/chemtrix-netherlands/edit",
            &[
                ("description_nl", dutch),
                ("description_en", "Chemtrix builds flow reactors."),
                ("sectors", "blood, plasma products"),
                ("website", "https://www.chemtrix.example/"),
                ("kvk", "41215100"),
                ("street", "Plesmanlaan 125"),
                ("postcode", "1066 CX"),
                ("city", "Amsterdam"),
            ],
        )
        .await;
    assert_eq!(
        (saved.status, saved.location.as_deref()),
        (303, Some("/organisations/chemtrix-netherlands")),
        "{}",
        saved.body
    );
    let (_, public) = app.get_text("/organisations/chemtrix-netherlands", "nl").await;
    assert!(
        public.contains("Chemtrix bouwt microreactoren voor de chemie &#38; doet onderzoek."),
        "Dutch text: {public}"
    );
    assert!(public.contains("Profiel laatst bewerkt door haar leden"), "the page says when it was edited");
    assert!(public.contains("Beheerder laatst bevestigd"), "and when its maintainer was confirmed");
    assert!(public.contains("41215100"));
    assert!(!public.contains("GeoCoordinates"), "the old map position went with the old address");

    // A colleague whose confirmed address is at the website's domain is approved at once.
    let mut colleague = Browser::new(app, 13);
    colleague.sign_up("Cas Colleague", "cas@chemtrix.example", PASSWORD).await;
    let page = colleague
        .submit(
            "/organisations/chemtrix-netherlands/claim",
            "/organisations/chemtrix-netherlands/claim",
            &[("message", "")],
        )
        .await;
    assert!(page.body.contains("approved at once"), "{}", page.body);
    assert_eq!(colleague.get("/organisations/chemtrix-netherlands/edit").await.status, 200);

    let audit = admin.get("/admin/audit").await;
    assert_eq!(audit.status, 200);
    for action in [
        "account.registered",
        "account.verified",
        "login.succeeded",
        "claim.filed",
        "claim.approved",
        "organisation.edited",
        "claim.approved-automatically",
        "role.changed",
    ] {
        assert!(audit.body.contains(action), "the audit log records {action}");
    }
    assert!(admin.get("/admin/users").await.body.contains("cas@chemtrix.example"));
    let mia_audit = admin.get("/admin/audit?action=organisation.edited").await.body;
    assert!(mia_audit.contains("mia@gmail.example") && !mia_audit.contains("login.succeeded"));
}

async fn cross_site_posts_and_planted_sessions_are_refused(app: &TestApp) {
    let mut victim = Browser::new(app, 21);
    victim.sign_up("Vic Victim", "vic@example.org", PASSWORD).await;
    let csrf = victim.get("/account").await.csrf().expect("token");
    let form = format!("csrf={csrf}&display_name=Hacked");
    let page = victim
        .post_raw("/account", form.as_bytes(), "application/x-www-form-urlencoded", Some("https://evil.example".into()))
        .await;
    assert_eq!(page.status, 403, "a cross-site POST is refused even with the token");
    let page = victim
        .post_raw("/account", b"display_name=Hacked", "application/x-www-form-urlencoded", Some(app.base_url.clone()))
        .await;
    assert_eq!(page.status, 403, "a POST without the token is refused");
    assert!(page.body.contains("<html"), "as an error page");
    let wrong = format!("csrf={}&display_name=Hacked", "0".repeat(64));
    let page = victim.post_raw("/account", wrong.as_bytes(), "application/x-www-form-urlencoded", None).await;
    assert_eq!(page.status, 403, "a wrong token is refused");
    let api =
        victim.post_raw("/api/v1/organisations/chemtrix-netherlands/profile", b"{}", "application/json", None).await;
    assert!(api.status == 403 || api.status == 405, "API calls with cookies need the token too");
    assert!(!victim.get("/account").await.body.contains("Hacked"));

    // Session fixation: a session id planted before sign-in is never adopted.
    let mut browser = Browser::new(app, 22);
    browser.cookies.insert("lshub_session".into(), "a".repeat(64));
    browser.sign_in("vic@example.org", PASSWORD).await;
    let issued = browser.cookies["lshub_session"].clone();
    assert_ne!(issued, "a".repeat(64), "a new session id at sign-in");
    let mut planted = Browser::new(app, 22);
    planted.cookies.insert("lshub_session".into(), "a".repeat(64));
    let page = planted.get("/account").await;
    assert_eq!(page.status, 303, "the planted id is no session");
    assert!(page.location.as_deref().is_some_and(|l| l.starts_with("/login?next=")));
    // Signing in again renews the id; the old one stops working.
    browser.sign_in("vic@example.org", PASSWORD).await;
    let renewed = browser.cookies["lshub_session"].clone();
    assert_ne!(renewed, issued);
    let mut old = Browser::new(app, 22);
    old.cookies.insert("lshub_session".into(), issued);
    assert_eq!(old.get("/account").await.status, 303);

    let cookie = {
        let response = crate::support::client().get(app.url("/login")).send().await.expect("login page");
        response.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
    };
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");

    // Log out everywhere ends every session of the account.
    let page = victim.submit("/account", "/account/logout-everywhere", &[]).await;
    assert_eq!(page.status, 303);
    let mut again = Browser::new(app, 22);
    again.cookies.insert("lshub_session".into(), renewed);
    assert_eq!(again.get("/account").await.status, 303, "the other session ended too");
}

/// The token shown once on the account page after creating it.
pub(crate) fn shown_token(page: &str) -> String {
    let start = page.find("<code class=\"secret\">").expect("token shown") + "<code class=\"secret\">".len();
    page[start..].chars().take_while(|c| *c != '<').collect()
}

async fn revoked_tokens_stop_at_once(app: &TestApp) {
    let mut member = Browser::new(app, 31);
    member.sign_up("Tom Token", "tom@vu.example", PASSWORD).await;
    let page = member.submit("/account", "/account/tokens", &[("name", "script"), ("scope", "read")]).await;
    assert_eq!(page.status, 200);
    let read = shown_token(&page.body);
    assert!(read.starts_with("lsh_"));
    let client = crate::support::client();
    let me = |token: String| {
        let client = client.clone();
        async move {
            let response = client.get(app.url("/api/v1/me")).bearer_auth(token).send().await.expect("request");
            (response.status().as_u16(), response.text().await.expect("body"))
        }
    };
    let (status, body) = me(read.clone()).await;
    assert_eq!(status, 200);
    assert!(body.contains("tom@vu.example"));
    assert_eq!(me("lsh_not-a-token".into()).await.0, 401);
    // A read token cannot edit, and needs no CSRF token because it sends no cookie.
    let response = client
        .put(app.url("/api/v1/organisations/chemtrix-netherlands/profile"))
        .bearer_auth(&read)
        .json(&serde_json::json!({}))
        .send()
        .await
        .expect("put");
    assert_eq!(response.status().as_u16(), 403);
    let account = member.get("/account").await.body;
    let start = account.find("/account/tokens/").expect("revoke form") + "/account/tokens/".len();
    let id: String = account[start..].chars().take_while(|c| *c != '/').collect();
    let revoked = member.submit("/account", &format!("/account/tokens/{id}/revoke"), &[]).await;
    assert_eq!(revoked.status, 303);
    let (status, body) = me(read).await;
    assert_eq!(status, 401, "revoked means stopped, at once");
    assert!(body.contains("\"status\":401"), "as problem details: {body}");
}

async fn failed_sign_ins_are_slowed_refused_and_logged(app: &TestApp) {
    let mut owner = Browser::new(app, 41);
    owner.sign_up("Bo Brute", "bo@example.org", PASSWORD).await;
    let mut attacker = Browser::new(app, 42);
    let mut times = Vec::new();
    for _ in 0..8 {
        let started = Instant::now();
        let page =
            attacker.submit("/login", "/login", &[("email", "bo@example.org"), ("password", "wrong password 1")]).await;
        times.push(started.elapsed());
        assert_eq!(page.status, 401, "a failed sign-in says so");
        assert!(page.body.contains("The e-mail address or password is not right."));
    }
    // The first three are not slowed; the fastest of them is the baseline (the first alone
    // may carry a cold connection). The eighth waits five steps of 250 ms.
    let unslowed = times[..3].iter().min().copied().unwrap_or_default();
    assert!(times[7] >= std::time::Duration::from_millis(1250), "the eighth attempt waits: {times:?}");
    assert!(times[7] > unslowed + std::time::Duration::from_millis(1000), "later attempts are slowed: {times:?}");
    let page = attacker.submit("/login", "/login", &[("email", "bo@example.org"), ("password", PASSWORD)]).await;
    assert_eq!(page.status, 429, "refused, even with the right password");
    let retry: u64 = page.headers["retry-after"].to_str().expect("retry").parse().expect("seconds");
    assert!((1..=900).contains(&retry), "{retry}");

    let mut admin = Browser::new(app, 43);
    admin.sign_up("Al Admin", "al@hub-admins.example", PASSWORD).await;
    grant(app, "al@hub-admins.example", "admin");
    let audit = admin.get("/admin/audit?action=login.failed").await.body;
    assert!(audit.matches("bo@example.org").count() >= 8, "every failure is logged");
    assert!(admin.get("/admin/audit?action=login.refused").await.body.contains("bo@example.org"));
}

async fn registration_and_reset_are_rate_limited(app: &TestApp) {
    let mut browser = Browser::new(app, 51);
    let mut statuses = Vec::new();
    for n in 0..11 {
        let email = format!("flood{n}@example.org");
        let page = browser
            .submit("/register", "/register", &[("display_name", "F"), ("email", &email), ("password", "short")])
            .await;
        statuses.push(page.status);
        if page.status == 429 {
            assert!(page.headers.contains_key("retry-after"));
            assert!(page.body.contains("<html"), "an error page");
        }
    }
    assert_eq!(statuses.iter().filter(|s| **s == 400).count(), 10, "{statuses:?}");
    assert_eq!(statuses[10], 429);
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(
            browser.submit("/password-reset", "/password-reset", &[("email", "nobody@example.org")]).await.status,
        );
    }
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429]);
    let mut other = Browser::new(app, 52);
    assert_eq!(
        other.submit("/password-reset", "/password-reset", &[("email", "x@example.org")]).await.status,
        200,
        "per client"
    );
    let mut searches = Vec::new();
    for _ in 0..121 {
        searches.push(browser.get("/api/v1/search?q=blood").await.status);
    }
    assert!(searches[..120].iter().all(|s| *s == 200), "{searches:?}");
    assert_eq!(searches[120], 429, "search is limited too");
}

async fn a_lost_verification_link_can_be_sent_again(app: &TestApp) {
    let mut member = Browser::new(app, 81);
    let page = member
        .submit(
            "/register",
            "/register",
            &[("display_name", "Lou Late"), ("email", "lou@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(page.status, 201);
    let first = mail_link(&app.data_dir, "lou@example.org", "/verify?code=").await;
    member.sign_in("lou@example.org", PASSWORD).await;
    let account = member.get("/account").await.body;
    assert!(account.contains("/account/verification"), "an unconfirmed member is offered a new link");
    assert_eq!(member.submit("/account", "/account/verification", &[]).await.status, 200);
    let mut second = first.clone();
    for _ in 0..50 {
        second = mail_link(&app.data_dir, "lou@example.org", "/verify?code=").await;
        if second != first {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_ne!(second, first, "a new link");
    assert_eq!(member.get(&second).await.status, 200);
    assert!(!member.get("/account").await.body.contains("/account/verification"));
}

/// Registering an address that has an account answers as for a new one; the owner gets a
/// mail with a way back in, and the account is untouched.
async fn registering_a_taken_address_reveals_nothing(app: &TestApp) {
    let mut owner = Browser::new(app, 63);
    owner.sign_up("Tara Taken", "tara@example.org", PASSWORD).await;
    let mut visitor = Browser::new(app, 64);
    let form = |email: &'static str| {
        [("display_name", "Someone Else"), ("email", email), ("password", "another quiet harbour 9")]
    };
    let fresh = visitor.submit("/register", "/register", &form("tom@example.org")).await;
    let taken = visitor.submit("/register", "/register", &form("tara@example.org")).await;
    assert_eq!((fresh.status, taken.status), (201, 201));
    assert_eq!(
        taken.body.replace("tara@example.org", "tom@example.org"),
        fresh.body.replace("tara@example.org", "tom@example.org")
    );
    let link = mail_link(&app.data_dir, "tara@example.org", "/password-reset/new?code=").await;
    assert!(link.contains("code="), "the owner can choose a new password: {link}");
    owner.sign_in("tara@example.org", PASSWORD).await;
    let page = visitor
        .submit("/login", "/login", &[("email", "tara@example.org"), ("password", "another quiet harbour 9")])
        .await;
    assert_ne!(page.status, 303, "the visitor's password did not become the account's");
}

async fn password_reset_by_mail_ends_every_session(app: &TestApp) {
    let mut member = Browser::new(app, 61);
    member.sign_up("Rosa Reset", "rosa@example.org", PASSWORD).await;
    let mut visitor = Browser::new(app, 62);
    let page = visitor.submit("/password-reset", "/password-reset", &[("email", "rosa@example.org")]).await;
    assert_eq!(page.status, 200);
    let link = mail_link(&app.data_dir, "rosa@example.org", "/password-reset/new?code=").await;
    let code = link.split("code=").nth(1).expect("code").to_owned();
    visitor.cookies.insert("lshub_lang".into(), "nl".into());
    let page = visitor.submit(&link, "/password-reset/new", &[("code", &code), ("password", "aaaa")]).await;
    assert_eq!(page.status, 400, "the new password must be strong");
    assert!(page.body.contains("aria-invalid=\"true\""), "the error is tied to the field");
    assert!(page.body.contains("moet minstens 12 tekens lang zijn"), "in the page's language: {}", page.body);
    visitor.cookies.remove("lshub_lang");
    let page =
        visitor.submit(&link, "/password-reset/new", &[("code", &code), ("password", "green teapot evening 7")]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let page =
        visitor.submit(&link, "/password-reset/new", &[("code", &code), ("password", "green teapot evening 8")]).await;
    assert_eq!(page.status, 400, "a code works once");
    assert_eq!(member.get("/account").await.status, 303, "the old session ended");
    visitor.sign_in("rosa@example.org", "green teapot evening 7").await;
}

async fn members_export_and_delete_their_data(app: &TestApp) {
    let mut member = Browser::new(app, 71);
    member.sign_up("Dirk Delete", "dirk@example.org", PASSWORD).await;
    let claim = "/organisations/tagworks-pharmaceuticals-netherlands/claim";
    member.submit(claim, claim, &[("message", "Dirk's claim")]).await;
    let export = member.get("/account/export").await;
    assert_eq!(export.status, 200);
    assert!(export.headers["content-disposition"].to_str().expect("header").contains("attachment"));
    let data: serde_json::Value = serde_json::from_str(&export.body).expect("JSON export");
    assert_eq!(data["user"]["email"], "dirk@example.org");
    assert_eq!(data["claims"][0]["message"], "Dirk's claim");
    assert!(data["auditLog"].as_array().is_some_and(|a| !a.is_empty()));
    assert!(!export.body.contains("argon2"), "no password hash in the export");

    let page = member.submit("/account/delete", "/account/delete", &[("confirm", "someone@else.org")]).await;
    assert_eq!(page.status, 400);
    let page = member.submit("/account/delete", "/account/delete", &[("confirm", "dirk@example.org")]).await;
    assert_eq!(page.status, 200);
    assert_eq!(member.get("/account").await.status, 303, "signed out");

    let mut admin = Browser::new(app, 73);
    admin.sign_up("Ann Admin", "ann@hub-admins.example", PASSWORD).await;
    grant(app, "ann@hub-admins.example", "admin");
    let audit = admin.get("/admin/audit").await.body;
    assert!(!audit.contains("dirk@example.org"), "the audit trail is anonymised");
    assert!(audit.contains("account.deleted"));
    assert!(!admin.get("/admin/claims").await.body.contains("Dirk's claim"));
    let mut again = Browser::new(app, 72);
    let page = again.submit("/login", "/login", &[("email", "dirk@example.org"), ("password", PASSWORD)]).await;
    assert_eq!(page.status, 401, "the account is gone");
    assert_eq!(
        app.get_text("/organisations/tagworks-pharmaceuticals-netherlands", "en").await.0,
        200,
        "organisation data stays"
    );
}
