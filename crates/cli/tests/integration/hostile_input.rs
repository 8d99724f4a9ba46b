//! Hostile input on every form and API field: markup comes back escaped, SQL-ish text is
//! stored literally, oversized bodies get 413, invalid UTF-8 and malformed JSON get 400.

use crate::browser::{encode, grant, Browser, PASSWORD};
use crate::support::{client, per_backend, TestApp};

per_backend!(hostile_input_is_escaped_stored_literally_or_refused);

const SCRIPT: &str = "<script>alert(1)</script>";
const ATTRIBUTE: &str = "\"><img src=x onerror=alert(1)>";
const SQL: &str = "Robert'); DROP TABLE organisations; --";
const ORGANISATION: &str = "low-bonar-netherlands";

/// No payload came back as markup.
fn assert_escaped(page: &str, what: &str) {
    assert!(!page.contains(SCRIPT), "{what}: a script tag came back unescaped");
    assert!(!page.contains("<img src=x"), "{what}: an event attribute came back unescaped");
}

async fn hostile_input_is_escaped_stored_literally_or_refused(app: &TestApp) {
    let mut user = Browser::new(app, 101);
    let name = format!("{SCRIPT}{ATTRIBUTE}{SQL}");
    user.sign_up(&name, "hostile@example.org", PASSWORD).await;
    grant(app, "hostile@example.org", "admin");
    let account = user.get("/account").await;
    assert_escaped(&account.body, "display name");
    assert!(account.body.contains("&#60;script&#62;alert(1)&#60;/script&#62;"), "shown as text");

    // Every visitor form, with every field hostile: refused or answered, never executed.
    for (form, action, fields) in [
        ("/register", "/register", vec!["display_name", "email", "password"]),
        ("/login", "/login", vec!["email", "password"]),
        ("/password-reset", "/password-reset", vec!["email"]),
    ] {
        for payload in [SCRIPT, ATTRIBUTE, SQL] {
            let values: Vec<(&str, &str)> = fields.iter().map(|f| (*f, payload)).collect();
            let page = Browser::new(app, 102).submit(form, action, &values).await;
            assert!([400, 401].contains(&page.status), "{action} with {payload}: {}", page.status);
            assert_escaped(&page.body, action);
        }
    }

    // Signed-in forms.
    let page = user.submit("/account", "/account/tokens", &[("name", &name), ("scope", "write")]).await;
    assert_eq!(page.status, 200);
    assert_escaped(&page.body, "token name");
    let start = page.body.find("<code class=\"secret\">").expect("token") + "<code class=\"secret\">".len();
    let token: String = page.body[start..].chars().take_while(|c| *c != '<').collect();
    let claim = format!("/organisations/{ORGANISATION}/claim");
    user.submit(&claim, &claim, &[("message", &name)]).await;
    assert_escaped(&user.get("/admin/claims").await.body, "claim message");
    let page = user.get(&format!("/admin/audit?action={}", encode(&name))).await;
    assert_escaped(&page.body, "audit filter");
    let page = user.submit("/admin/partners", "/admin/partners", &[("organisation", &name), ("partner", "yes")]).await;
    assert_eq!(page.status, 400);
    assert_escaped(&page.body, "partner organisation");
    let page = user.submit("/account/delete", "/account/delete", &[("confirm", &name)]).await;
    assert_eq!(page.status, 400, "not deleted");

    let edit = format!("/organisations/{ORGANISATION}/edit");
    let text_fields = ["description_en", "description_nl", "sectors", "street", "postcode", "city"];
    let values: Vec<(&str, &str)> = text_fields.iter().map(|f| (*f, name.as_str())).collect();
    let page = user.submit(&edit, &edit, &values).await;
    assert_eq!(page.status, 303, "text fields take any text: {}", page.body);
    for lang in ["en", "nl"] {
        let (_, public) = app.get_text(&format!("/organisations/{ORGANISATION}"), lang).await;
        assert_escaped(&public, "organisation page");
        assert!(public.contains("&#60;script&#62;"), "the text is on the page, as text");
    }
    let (_, stored) = app.get_json(&format!("/api/v1/organisations/{ORGANISATION}")).await;
    assert_eq!(stored["descriptions"]["en"], name.as_str(), "stored literally");
    assert_eq!(stored["descriptions"]["nl"], name.as_str());
    for (field, value) in [("website", ATTRIBUTE), ("website", "javascript:alert(1)"), ("kvk", SQL)] {
        let page = user.submit(&edit, &edit, &[(field, value)]).await;
        assert_eq!(page.status, 400, "{field} = {value}");
        assert!(page.body.contains("aria-invalid=\"true\""), "the error is tied to {field}");
        assert_escaped(&page.body, field);
    }

    // The API: hostile text is stored literally and returned as JSON strings.
    let http = client();
    let put = |body: String| {
        http.put(app.url(&format!("/api/v1/organisations/{ORGANISATION}/profile")))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body)
    };
    let body = serde_json::json!({
        "descriptionEn": SQL, "descriptionNl": SCRIPT, "sectors": [ATTRIBUTE], "street": SQL,
        "postcode": SCRIPT, "city": ATTRIBUTE,
    });
    let response = put(body.to_string()).send().await.expect("put");
    assert_eq!(response.status().as_u16(), 200);
    let saved: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(saved["descriptions"]["en"], SQL);
    assert_eq!(saved["descriptions"]["nl"], SCRIPT);
    assert_eq!(saved["sectors"][0], ATTRIBUTE);
    assert_eq!(app.get_json("/api/v1/stats").await.0, 200, "the organisations table is still there");
    let (status, found) = app.get_json(&format!("/api/v1/organisations?q={}", encode(SQL))).await;
    assert_eq!(status, 200);
    assert_eq!(found["total"], 0);

    for (body, what) in [
        ("{\"descriptionEn\": ", "truncated JSON"),
        ("{\"sectors\": 5}", "a wrong type"),
        ("{\"colour\": \"red\"}", "an unknown field"),
        ("[]", "not an object"),
    ] {
        let response = put(body.to_owned()).send().await.expect("put");
        assert_eq!(response.status().as_u16(), 400, "{what}");
        assert_eq!(response.headers()["content-type"], "application/problem+json", "{what}");
    }
    // A profile at every documented maximum, each character escaped as JSON (12 bytes for
    // one outside the Basic Multilingual Plane), fits the body limit and is saved.
    let astral = |n: usize| "\\ud83e\\uddec".repeat(n);
    let sectors: Vec<String> = (0..50).map(|_| format!("\"{}\"", astral(100))).collect();
    let largest = format!(
        "{{\"descriptionEn\": \"{d}\", \"descriptionNl\": \"{d}\", \"sectors\": [{s}], \"website\": \"https://a.example/{w}\", \
         \"kvk\": \"12345678\", \"street\": \"{a}\", \"postcode\": \"{a}\", \"city\": \"{a}\"}}",
        d = astral(20_000),
        s = sectors.join(", "),
        w = astral(1_900),
        a = astral(200),
    );
    assert!(largest.len() > 512 * 1024, "{} bytes", largest.len());
    let response = put(largest).send().await.expect("put");
    assert_eq!(response.status().as_u16(), 200, "{}", response.text().await.unwrap_or_default());
    let too_many = format!("{{\"sectors\": [{}]}}", vec!["\"x\""; 51].join(", "));
    let response = put(too_many).send().await.expect("put");
    assert_eq!(response.status().as_u16(), 400, "51 sectors");
    let response = put(String::from_utf8_lossy(b"{\"city\": \"\xff\"}").into_owned()).send().await.expect("put");
    assert_eq!(response.status().as_u16(), 200, "the lossy text is valid UTF-8; raw bytes come next");
    let raw = http
        .put(app.url(&format!("/api/v1/organisations/{ORGANISATION}/profile")))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(b"{\"city\": \"\xff\xfe\"}".to_vec())
        .send()
        .await
        .expect("put");
    assert_eq!(raw.status().as_u16(), 400, "invalid UTF-8 in JSON");

    // Invalid UTF-8 in a form, and oversized bodies.
    let csrf = user.get("/account").await.csrf().expect("token");
    let mut form = format!("csrf={csrf}&display_name=").into_bytes();
    form.extend_from_slice(b"\xff\xfe");
    let page = user.post_raw("/account", &form, "application/x-www-form-urlencoded", None).await;
    assert_eq!(page.status, 400, "raw invalid UTF-8");
    let form = format!("csrf={csrf}&display_name=%FF%FE");
    let page = user.post_raw("/account", form.as_bytes(), "application/x-www-form-urlencoded", None).await;
    assert_eq!(page.status, 400, "percent-encoded invalid UTF-8");
    assert!(page.body.contains("<html"), "as an error page");
    let huge = format!("csrf={csrf}&display_name={}", "a".repeat(1100 * 1024));
    let page = user.post_raw("/account", huge.as_bytes(), "application/x-www-form-urlencoded", None).await;
    assert_eq!(page.status, 413);
    assert!(page.body.contains("<html"), "as an error page");
    let response = put(format!("{{\"city\": \"{}\"}}", "a".repeat(1100 * 1024))).send().await.expect("put");
    assert_eq!(response.status().as_u16(), 413);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    assert_eq!(user.get("/account").await.status, 200, "the account is intact");
}
