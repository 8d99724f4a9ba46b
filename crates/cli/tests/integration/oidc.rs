//! Signing in through OpenID Connect against the loopback test provider, and tampered or
//! mismatched ID tokens refused.

use crate::browser::{Browser, PASSWORD};
use crate::oidc_provider::{Identity, Tamper};
use crate::support::{per_backend, TestApp, PUBLIC_URL};

per_backend!(openid_connect_signs_in_and_refuses_tampered_tokens);

/// Runs the flow in `browser`: the hub sends it to the provider, which sends it back.
async fn sign_in_at_provider(browser: &mut Browser<'_>) -> crate::browser::Page {
    let start = browser.get("/login/oidc").await;
    assert_eq!(start.status, 303);
    let at_provider = start.location.expect("to the provider");
    assert!(at_provider.contains("code_challenge_method=S256") && at_provider.contains("nonce="), "{at_provider}");
    let response = crate::support::client().get(&at_provider).send().await.expect("provider");
    assert_eq!(response.status().as_u16(), 303, "the provider signs in at once");
    let back = response.headers()["location"].to_str().expect("location").to_owned();
    let path = back.strip_prefix(PUBLIC_URL).expect("back to the hub's public address");
    browser.get(path).await
}

fn identity(sub: &str, email: &str, verified: bool) -> Identity {
    Identity { sub: sub.into(), email: email.into(), email_verified: verified, name: "Olga OIDC".into() }
}

async fn openid_connect_signs_in_and_refuses_tampered_tokens(app: &TestApp) {
    let provider = &app.provider;
    let mut browser = Browser::new(app, 111);
    assert!(browser.get("/login").await.body.contains("/login/oidc"), "the sign-in page offers it");

    for tamper in [Tamper::Payload, Tamper::ForeignKey, Tamper::Unsigned, Tamper::Nonce] {
        provider.sign_in_as(identity("olga", "olga@uva.example", true), tamper);
        let mut browser = Browser::new(app, 112);
        let page = sign_in_at_provider(&mut browser).await;
        assert_eq!(page.status, 400, "{tamper:?} is refused");
        assert!(!browser.cookies.contains_key("lshub_session"), "{tamper:?}: no session");
    }

    provider.sign_in_as(identity("olga", "olga@uva.example", true), Tamper::None);
    let page = sign_in_at_provider(&mut browser).await;
    assert_eq!((page.status, page.location.as_deref()), (303, Some("/account")), "{}", page.body);
    let account = browser.get("/account").await;
    assert!(account.body.contains("olga@uva.example") && account.body.contains("Olga OIDC"));
    assert!(!account.body.contains("is not confirmed"), "the provider verified the address");

    // A state that is not the browser's own is refused (login CSRF).
    let mut other = Browser::new(app, 113);
    other.get("/login/oidc").await;
    let page = other.get("/login/oidc/callback?code=code-0&state=forged").await;
    assert_eq!(page.status, 400);

    // An existing password account is linked when the provider vouches for the address,
    // and never when it does not.
    let mut owner = Browser::new(app, 114);
    owner.sign_up("Piet Password", "piet@vu.example", PASSWORD).await;
    provider.sign_in_as(identity("piet-unverified", "piet@vu.example", false), Tamper::None);
    let page = sign_in_at_provider(&mut Browser::new(app, 115)).await;
    assert_eq!(page.status, 400, "an unverified address does not take over an account");
    provider.sign_in_as(identity("piet", "piet@vu.example", true), Tamper::None);
    let mut linked = Browser::new(app, 115);
    let page = sign_in_at_provider(&mut linked).await;
    assert_eq!(page.status, 303);
    assert!(linked.get("/account").await.body.contains("Piet Password"), "the same account");
}
