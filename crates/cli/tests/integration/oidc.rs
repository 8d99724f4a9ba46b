//! Signing in through OpenID Connect against the loopback test provider: tampered or
//! mismatched ID tokens refused, addresses the provider has not confirmed refused, and a
//! linked password account's old credentials revoked.

use crate::accounts::shown_token;
use crate::browser::{mail_link, Browser, PASSWORD};
use crate::oidc_provider::{Identity, Tamper, CLIENT_ID, OTHER_CLIENT};
use crate::support::{per_backend, TestApp, PUBLIC_URL};

per_backend!(
    openid_connect_signs_in_and_refuses_tampered_tokens,
    an_unconfirmed_provider_address_neither_creates_nor_links,
    linking_ends_the_password_sessions_and_tokens_of_the_account,
    several_audiences_need_the_hub_as_authorized_party,
    keys_published_for_another_use_or_algorithm_are_refused,
    a_provider_name_the_hub_refuses_gives_way_to_the_address,
);

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

fn identity(sub: &str, email: &str, verified: Option<bool>) -> Identity {
    Identity { sub: sub.into(), email: email.into(), email_verified: verified, name: "Olga OIDC".into() }
}

/// Signs in at the provider as `identity` with `tamper`, from a new browser at `host`, and
/// checks that the hub refuses it without starting a session.
async fn assert_refused(app: &TestApp, host: u8, identity: Identity, tamper: Tamper) {
    app.provider.sign_in_as(identity.clone(), tamper);
    let mut browser = Browser::new(app, host);
    let page = sign_in_at_provider(&mut browser).await;
    assert_eq!(page.status, 400, "{tamper:?} as {identity:?} is refused: {}", page.body);
    assert!(!browser.cookies.contains_key("lshub_session"), "{tamper:?} as {identity:?}: no session");
}

async fn openid_connect_signs_in_and_refuses_tampered_tokens(app: &TestApp) {
    let provider = &app.provider;
    let _turn = provider.take_turn().await;
    let mut browser = Browser::new(app, 111);
    assert!(browser.get("/login").await.body.contains("/login/oidc"), "the sign-in page offers it");

    for tamper in [Tamper::Payload, Tamper::ForeignKey, Tamper::Unsigned, Tamper::Nonce] {
        assert_refused(app, 112, identity("olga", "olga@uva.example", Some(true)), tamper).await;
    }

    provider.sign_in_as(identity("olga", "olga@uva.example", Some(true)), Tamper::None);
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
    assert_refused(app, 115, identity("piet-unverified", "piet@vu.example", Some(false)), Tamper::None).await;
    provider.sign_in_as(identity("piet", "piet@vu.example", Some(true)), Tamper::None);
    let mut linked = Browser::new(app, 115);
    let page = sign_in_at_provider(&mut linked).await;
    assert_eq!(page.status, 303);
    assert!(linked.get("/account").await.body.contains("Piet Password"), "the same account");
}

/// Only an address the provider says it confirmed (`email_verified: true`) may open an
/// account or sign in to one: a missing or false claim does neither.
async fn an_unconfirmed_provider_address_neither_creates_nor_links(app: &TestApp) {
    let _turn = app.provider.take_turn().await;
    for verified in [None, Some(false)] {
        assert_refused(app, 230, identity("uma", "uma@ru.example", verified), Tamper::None).await;
    }
    let mut owner = Browser::new(app, 231);
    owner.sign_up("Vera Verified", "vera@ru.example", PASSWORD).await;
    for verified in [None, Some(false)] {
        assert_refused(app, 232, identity("vera", "vera@ru.example", verified), Tamper::None).await;
    }
    assert_eq!(owner.get("/account").await.status, 200, "the owner's session is untouched");
    Browser::new(app, 239).sign_in("vera@ru.example", PASSWORD).await;

    // Confirmed, the same identities are accepted: they were refused for the claim alone.
    app.provider.sign_in_as(identity("uma", "uma@ru.example", Some(true)), Tamper::None);
    let mut uma = Browser::new(app, 232);
    assert_eq!(sign_in_at_provider(&mut uma).await.status, 303);
    assert!(uma.get("/account").await.body.contains("uma@ru.example"));
}

const NEW_PASSWORD: &str = "green teapot evening 7";

/// Linking a password account to a provider identity ends everything that opened it before:
/// whoever registered the address first (perhaps not its owner) keeps no way in.
async fn linking_ends_the_password_sessions_and_tokens_of_the_account(app: &TestApp) {
    let _turn = app.provider.take_turn().await;
    let mut earlier = Browser::new(app, 233);
    earlier.sign_up("Lena Linked", "lena@tue.example", PASSWORD).await;
    let page = earlier.submit("/account", "/account/tokens", &[("name", "script"), ("scope", "read")]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let token = shown_token(&page.body);
    let me = || crate::support::client().get(app.url("/api/v1/me")).bearer_auth(&token).send();
    assert_eq!(me().await.expect("request").status().as_u16(), 200);

    app.provider.sign_in_as(identity("lena", "lena@tue.example", Some(true)), Tamper::None);
    let mut linked = Browser::new(app, 234);
    let page = sign_in_at_provider(&mut linked).await;
    assert_eq!((page.status, page.location.as_deref()), (303, Some("/account")), "{}", page.body);
    let account = linked.get("/account").await;
    assert_eq!(account.status, 200);
    assert!(account.body.contains("Lena Linked"), "the same account");

    let old_session = earlier.get("/account").await;
    assert_ne!(old_session.status, 200, "the earlier session ended");
    assert!(!old_session.body.contains("Lena Linked"));
    assert_eq!(me().await.expect("request").status().as_u16(), 401, "the earlier token is revoked");
    let page = Browser::new(app, 235)
        .submit("/login", "/login", &[("email", "lena@tue.example"), ("password", PASSWORD)])
        .await;
    assert_ne!(page.status, 303, "the earlier password no longer signs in");

    // Signing in again through the provider is no new link and ends nothing.
    let page = sign_in_at_provider(&mut Browser::new(app, 236)).await;
    assert_eq!(page.status, 303);
    assert_eq!(linked.get("/account").await.status, 200, "the linked session goes on");

    // The owner is told by mail, and may choose a password again with its link.
    let link = mail_link(&app.data_dir, "lena@tue.example", "/password-reset/new?code=").await;
    let code = link.split("code=").nth(1).expect("code").to_owned();
    let mut owner = Browser::new(app, 235);
    let page = owner.submit(&link, "/password-reset/new", &[("code", &code), ("password", NEW_PASSWORD)]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    owner.sign_in("lena@tue.example", NEW_PASSWORD).await;
}

/// An ID token for several audiences is accepted only when its authorized party (`azp`) is
/// the hub; an `azp` naming another client is refused even with the hub as sole audience.
async fn several_audiences_need_the_hub_as_authorized_party(app: &TestApp) {
    let _turn = app.provider.take_turn().await;
    let person = identity("aud", "aud@um.example", Some(true));
    for tamper in [
        Tamper::SeveralAudiences { azp: None },
        Tamper::SeveralAudiences { azp: Some(OTHER_CLIENT) },
        Tamper::ForeignAzp,
    ] {
        assert_refused(app, 237, person.clone(), tamper).await;
    }
    app.provider.sign_in_as(person, Tamper::SeveralAudiences { azp: Some(CLIENT_ID) });
    let page = sign_in_at_provider(&mut Browser::new(app, 237)).await;
    assert_eq!(page.status, 303, "the hub as authorized party: {}", page.body);
}

/// The provider's key must be published for signatures and for the token's algorithm; a
/// token signed with the client secret (HS256) is refused too, though the provider offers it.
async fn keys_published_for_another_use_or_algorithm_are_refused(app: &TestApp) {
    let _turn = app.provider.take_turn().await;
    let person = identity("keys", "keys@wur.example", Some(true));
    for tamper in [Tamper::KeyForEncryption, Tamper::KeyForAnotherAlgorithm, Tamper::SharedSecret] {
        assert_refused(app, 238, person.clone(), tamper).await;
    }
    app.provider.sign_in_as(person, Tamper::None);
    assert_eq!(sign_in_at_provider(&mut Browser::new(app, 238)).await.status, 303);
}

/// A name the hub would refuse from a member (here one that turns the text around) does not
/// stop a provider's sign-in: the new account is named by its address instead.
async fn a_provider_name_the_hub_refuses_gives_way_to_the_address(app: &TestApp) {
    let _turn = app.provider.take_turn().await;
    let mut named = identity("rana", "rana@uva.example", Some(true));
    named.name = "Rana \u{202E}reganaM".into();
    app.provider.sign_in_as(named, Tamper::None);
    let mut browser = Browser::new(app, 240);
    let page = sign_in_at_provider(&mut browser).await;
    assert_eq!((page.status, page.location.as_deref()), (303, Some("/account")), "{}", page.body);
    let account = browser.get("/account").await;
    assert!(account.body.contains("rana@uva.example"), "signed in");
    assert!(!account.body.contains('\u{202E}'), "the refused name is not taken");
}
