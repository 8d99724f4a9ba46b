//! A small OpenID Connect provider on loopback for the tests: discovery, an authorization
//! endpoint that signs the configured person in at once, a token endpoint that checks the
//! client secret (HTTP Basic or in the form) and the PKCE verifier, and a JWKS with one RSA
//! key. It can be told to hand out tampered ID tokens or to publish its key for another use.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use rsa::pkcs1v15::SigningKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "lshub-test";
pub const CLIENT_SECRET: &str = "test-client-secret";

/// What the next ID token says and how it is spoiled.
#[derive(Clone, Debug)]
pub struct Identity {
    pub sub: String,
    pub email: String,
    /// `None` leaves the `email_verified` claim out.
    pub email_verified: Option<bool>,
    pub name: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tamper {
    None,
    /// The claims are changed after signing.
    Payload,
    /// Signed by a key the provider does not publish.
    ForeignKey,
    /// `alg: none`, no signature.
    Unsigned,
    /// A nonce other than the one the hub sent.
    Nonce,
    /// Issued for the hub and another client, with this authorized party (`azp`).
    SeveralAudiences {
        azp: Option<&'static str>,
    },
    /// Issued for the hub alone, but with another client as the authorized party.
    ForeignAzp,
    /// Signed with the published key, which is published for encryption (`use: enc`).
    KeyForEncryption,
    /// Signed RS256 with the published key, which is published for RS384 only.
    KeyForAnotherAlgorithm,
    /// Signed HS256 with the client secret as the key (a forgery anyone holding the secret
    /// could make).
    SharedSecret,
}

/// The audience the provider adds for [`Tamper::SeveralAudiences`].
pub const OTHER_CLIENT: &str = "another-client";

struct Grant {
    nonce: String,
    challenge: String,
    redirect_uri: String,
    identity: Identity,
}

struct Inner {
    issuer: String,
    key: RsaPrivateKey,
    foreign: RsaPrivateKey,
    identity: Mutex<Identity>,
    tamper: Mutex<Tamper>,
    grants: Mutex<HashMap<String, Grant>>,
    /// Held by the test that is using the provider: tests run in parallel, and what the next
    /// sign-in returns is the provider's single setting.
    turn: tokio::sync::Mutex<()>,
}

#[derive(Clone)]
pub struct Provider(Arc<Inner>);

impl Provider {
    /// Starts the provider on the current runtime.
    pub async fn start() -> Provider {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind provider");
        let issuer = format!("http://{}", listener.local_addr().expect("address"));
        let mut rng = rsa::rand_core::OsRng;
        let provider = Provider(Arc::new(Inner {
            issuer,
            key: RsaPrivateKey::new(&mut rng, 2048).expect("key"),
            foreign: RsaPrivateKey::new(&mut rng, 2048).expect("key"),
            identity: Mutex::new(Identity {
                sub: "nobody".into(),
                email: "nobody@example.org".into(),
                email_verified: Some(true),
                name: "Nobody".into(),
            }),
            tamper: Mutex::new(Tamper::None),
            grants: Mutex::new(HashMap::new()),
            turn: tokio::sync::Mutex::new(()),
        }));
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .route("/jwks", get(jwks))
            .with_state(provider.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        provider
    }

    pub fn issuer(&self) -> String {
        self.0.issuer.clone()
    }

    /// The provider for this test alone, until the guard is dropped.
    pub async fn take_turn(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.0.turn.lock().await
    }

    pub fn sign_in_as(&self, identity: Identity, tamper: Tamper) {
        *self.0.identity.lock().expect("lock") = identity;
        *self.0.tamper.lock().expect("lock") = tamper;
    }
}

async fn discovery(State(p): State<Provider>) -> Json<serde_json::Value> {
    let issuer = &p.0.issuer;
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "RS384", "HS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
    }))
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    client_id: String,
    redirect_uri: String,
    response_type: String,
    state: String,
    nonce: String,
    code_challenge: String,
    code_challenge_method: String,
    scope: String,
}

async fn authorize(State(p): State<Provider>, Query(q): Query<AuthorizeQuery>) -> Response {
    if q.client_id != CLIENT_ID
        || q.response_type != "code"
        || q.code_challenge_method != "S256"
        || !q.scope.split(' ').any(|s| s == "openid")
    {
        return (StatusCode::BAD_REQUEST, "bad authorization request").into_response();
    }
    let code = format!("code-{}", p.0.grants.lock().expect("lock").len());
    let identity = p.0.identity.lock().expect("lock").clone();
    p.0.grants.lock().expect("lock").insert(
        code.clone(),
        Grant { nonce: q.nonce, challenge: q.code_challenge, redirect_uri: q.redirect_uri.clone(), identity },
    );
    let (code, state) = (crate::browser::encode(&code), crate::browser::encode(&q.state));
    Redirect::to(&format!("{}?code={code}&state={state}", q.redirect_uri)).into_response()
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: String,
    code: String,
    redirect_uri: String,
    client_id: Option<String>,
    client_secret: Option<String>,
    code_verifier: String,
}

/// The client's id and secret, from HTTP Basic authentication or else from the form.
fn client_credentials(headers: &HeaderMap, form: &TokenForm) -> Option<(String, String)> {
    let Some(basic) = headers.get("authorization").and_then(|v| v.to_str().ok()?.strip_prefix("Basic ")) else {
        return Some((form.client_id.clone()?, form.client_secret.clone()?));
    };
    let decoded = String::from_utf8(STANDARD.decode(basic).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

async fn token(State(p): State<Provider>, headers: HeaderMap, Form(f): Form<TokenForm>) -> Response {
    let Some(grant) = p.0.grants.lock().expect("lock").remove(&f.code) else {
        return (StatusCode::BAD_REQUEST, Json(json!({"error": "invalid_grant"}))).into_response();
    };
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(f.code_verifier.as_bytes()));
    if f.grant_type != "authorization_code"
        || client_credentials(&headers, &f) != Some((CLIENT_ID.to_owned(), CLIENT_SECRET.to_owned()))
        || f.redirect_uri != grant.redirect_uri
        || challenge != grant.challenge
    {
        return (StatusCode::BAD_REQUEST, Json(json!({"error": "invalid_grant"}))).into_response();
    }
    let tamper = *p.0.tamper.lock().expect("lock");
    let now = chrono_now();
    let mut claims = json!({
        "iss": p.0.issuer,
        "sub": grant.identity.sub,
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "nonce": if tamper == Tamper::Nonce { "another-nonce".to_owned() } else { grant.nonce },
        "email": grant.identity.email,
        "name": grant.identity.name,
    });
    if let Some(verified) = grant.identity.email_verified {
        claims["email_verified"] = json!(verified);
    }
    match tamper {
        Tamper::SeveralAudiences { azp } => {
            claims["aud"] = json!([CLIENT_ID, OTHER_CLIENT]);
            if let Some(azp) = azp {
                claims["azp"] = json!(azp);
            }
        }
        Tamper::ForeignAzp => claims["azp"] = json!(OTHER_CLIENT),
        _ => {}
    }
    let id_token = match tamper {
        Tamper::Unsigned => {
            let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
            format!("{header}.{}.", URL_SAFE_NO_PAD.encode(claims.to_string()))
        }
        Tamper::ForeignKey => sign(&p.0.foreign, &claims),
        Tamper::Payload => {
            let signed = sign(&p.0.key, &claims);
            let mut parts: Vec<String> = signed.split('.').map(str::to_owned).collect();
            let mut changed = claims.clone();
            changed["email"] = json!("admin@hub-admins.example");
            parts[1] = URL_SAFE_NO_PAD.encode(changed.to_string());
            parts.join(".")
        }
        Tamper::SharedSecret => {
            let input = jwt_input(r#"{"alg":"HS256","typ":"JWT"}"#, &claims);
            let mac = hmac_sha256(CLIENT_SECRET.as_bytes(), input.as_bytes());
            format!("{input}.{}", URL_SAFE_NO_PAD.encode(mac))
        }
        _ => sign(&p.0.key, &claims),
    };
    Json(json!({"access_token": "opaque", "token_type": "Bearer", "expires_in": 300, "id_token": id_token}))
        .into_response()
}

fn chrono_now() -> i64 {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs());
    i64::try_from(seconds.unwrap_or(0)).unwrap_or(0)
}

fn jwt_input(header: &str, claims: &serde_json::Value) -> String {
    format!("{}.{}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(claims.to_string()))
}

fn sign(key: &RsaPrivateKey, claims: &serde_json::Value) -> String {
    let input = jwt_input(r#"{"alg":"RS256","typ":"JWT","kid":"test-key"}"#, claims);
    let signature = SigningKey::<Sha256>::new(key.clone()).sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

/// HMAC-SHA256 (RFC 2104) for a key shorter than SHA-256's 64-byte block.
fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut block = [0u8; 64];
    block[..key.len()].copy_from_slice(key);
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new().chain_update(pad(0x36)).chain_update(message).finalize();
    Sha256::new().chain_update(pad(0x5c)).chain_update(inner).finalize().to_vec()
}

async fn jwks(State(p): State<Provider>) -> Json<serde_json::Value> {
    let public = p.0.key.to_public_key();
    let tamper = *p.0.tamper.lock().expect("lock");
    let key_use = if tamper == Tamper::KeyForEncryption { "enc" } else { "sig" };
    let alg = if tamper == Tamper::KeyForAnotherAlgorithm { "RS384" } else { "RS256" };
    Json(json!({"keys": [{
        "kty": "RSA", "kid": "test-key", "use": key_use, "alg": alg,
        "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
        "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
    }]}))
}
