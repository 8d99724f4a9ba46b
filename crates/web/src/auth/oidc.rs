//! Signing in with OpenID Connect: the authorization code flow with PKCE (S256), `state`
//! and `nonce` checks, and the ID token's RS256 signature verified against the provider's
//! published keys (JWKS).
//!
//! The flow's secrets (state, nonce, PKCE verifier) live in a short-lived HttpOnly cookie,
//! so any node can finish a sign-in that another node started.

use axum::extract::{Query, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use lshub_domain::account::{Email, Role};
use lshub_domain::authorization::{Action, Resource};
use lshub_storage::accounts::NewUser;
use lshub_storage::credentials::new_secret;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use rsa::{BigUint, RsaPublicKey};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{cookie, set_cookie, Auth, OidcSettings};
use crate::error::AppError;
use crate::pages::account::start_session;
use crate::state::AppState;

const FLOW_COOKIE: &str = "lshub_oidc";
/// How long a sign-in at the provider may take.
const FLOW_SECONDS: i64 = 600;
/// Clock difference tolerated between the hub and the provider.
const LEEWAY_SECONDS: i64 = 60;

/// Why an OpenID Connect sign-in failed; shown to the user, logged in full.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("the identity provider could not be reached: {0}")]
    Provider(String),
    #[error("the sign-in did not come back as it was started (state)")]
    State,
    #[error("the identity provider's answer is not valid: {0}")]
    Token(String),
}

impl From<OidcError> for AppError {
    fn from(e: OidcError) -> Self {
        tracing::warn!(error = %e, "OpenID Connect sign-in refused");
        match e {
            OidcError::Provider(_) => AppError::Internal(e.to_string()),
            OidcError::State | OidcError::Token(_) => AppError::BadRequest(lshub_domain::ValidationError::new(
                "id_token",
                lshub_domain::Reason::Other(e.to_string()),
            )),
        }
    }
}

#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
}

async fn discover(http: &reqwest::Client, settings: &OidcSettings) -> Result<Discovery, OidcError> {
    let url = format!("{}/.well-known/openid-configuration", settings.issuer.trim_end_matches('/'));
    let discovery: Discovery = get_json(http, &url).await?;
    if discovery.issuer.trim_end_matches('/') != settings.issuer.trim_end_matches('/') {
        return Err(OidcError::Provider(format!("the discovery document names issuer {}", discovery.issuer)));
    }
    Ok(discovery)
}

async fn get_json<T: serde::de::DeserializeOwned>(http: &reqwest::Client, url: &str) -> Result<T, OidcError> {
    let response = http.get(url).send().await.map_err(|e| OidcError::Provider(format!("{url}: {e}")))?;
    if !response.status().is_success() {
        return Err(OidcError::Provider(format!("{url}: status {}", response.status())));
    }
    response.json().await.map_err(|e| OidcError::Provider(format!("{url}: {e}")))
}

fn settings(state: &AppState) -> Result<&OidcSettings, AppError> {
    state.accounts.oidc.as_ref().ok_or(AppError::not_found("sign-in with an identity provider"))
}

fn redirect_uri(state: &AppState) -> String {
    format!("{}/login/oidc/callback", state.site.public_url)
}

/// Starts the flow: remembers state, nonce and PKCE verifier, and sends the browser to the
/// provider.
pub async fn start(State(state): State<AppState>, auth: Auth) -> Result<Response, AppError> {
    auth.require(Action::UseSignInPages, Resource::Hub)?;
    let settings = settings(&state)?;
    let discovery = discover(&state.accounts.http, settings).await?;
    let (flow_state, nonce, verifier) = (new_secret()?, new_secret()?, new_secret()?);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let query = serde_urlencoded::to_string([
        ("response_type", "code"),
        ("client_id", settings.client_id.as_str()),
        ("redirect_uri", redirect_uri(&state).as_str()),
        ("scope", "openid email profile"),
        ("state", flow_state.as_str()),
        ("nonce", nonce.as_str()),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ])
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let separator = if discovery.authorization_endpoint.contains('?') { '&' } else { '?' };
    let location = format!("{}{separator}{query}", discovery.authorization_endpoint);
    let flow = set_cookie(&state, FLOW_COOKIE, &format!("{flow_state}.{nonce}.{verifier}"), FLOW_SECONDS);
    Ok((StatusCode::SEE_OTHER, [(LOCATION, location), (SET_COOKIE, flow)]).into_response())
}

#[derive(Deserialize)]
pub struct Callback {
    #[serde(default)]
    code: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: String,
}

/// The claims of an ID token the hub uses.
#[derive(Debug, Deserialize)]
pub struct IdClaims {
    pub iss: String,
    pub sub: String,
    pub aud: Audience,
    pub exp: i64,
    #[serde(default)]
    pub iat: Option<i64>,
    #[serde(default)]
    pub nonce: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub email_verified: Option<bool>,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn contains(&self, client_id: &str) -> bool {
        match self {
            Audience::One(a) => a == client_id,
            Audience::Many(all) => all.iter().any(|a| a == client_id),
        }
    }
}

/// Finishes the flow: checks `state`, redeems the code with the PKCE verifier, verifies the
/// ID token, and signs the user in (creating or linking the account).
pub async fn callback(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Query(callback): Query<Callback>,
) -> Result<Response, AppError> {
    auth.require(Action::UseSignInPages, Resource::Hub)?;
    let settings = settings(&state)?;
    let flow = cookie(&headers, FLOW_COOKIE).ok_or(OidcError::State)?;
    let mut parts = flow.splitn(3, '.');
    let (Some(expected_state), Some(nonce), Some(verifier)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(OidcError::State.into());
    };
    if let Some(error) = callback.error {
        return Err(OidcError::Token(format!("the provider answered {error}")).into());
    }
    if callback.state.is_empty() || callback.state != expected_state {
        return Err(OidcError::State.into());
    }
    let discovery = discover(&state.accounts.http, settings).await?;
    let response = state
        .accounts
        .http
        .post(&discovery.token_endpoint)
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", callback.code.as_str()),
            ("redirect_uri", redirect_uri(&state).as_str()),
            ("client_id", settings.client_id.as_str()),
            ("client_secret", settings.client_secret.as_str()),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .map_err(|e| OidcError::Provider(format!("token endpoint: {e}")))?;
    if !response.status().is_success() {
        return Err(OidcError::Token(format!("the token endpoint answered {}", response.status())).into());
    }
    let tokens: TokenResponse = response.json().await.map_err(|e| OidcError::Token(format!("token response: {e}")))?;
    let jwks: Jwks = get_json(&state.accounts.http, &discovery.jwks_uri).await?;
    let claims = verify_id_token(&tokens.id_token, &jwks, &discovery.issuer, &settings.client_id, nonce)?;
    let user = account_for(&state, &auth, &claims).await?;
    let subject = user.email.to_lowercase();
    let mut response = start_session(&state, &auth, &user, &subject, "/account").await?;
    if let Ok(clear) = set_cookie(&state, FLOW_COOKIE, "", 0).parse() {
        response.headers_mut().append(SET_COOKIE, clear);
    }
    Ok(response)
}

/// The account of this identity: already linked, or linked now to the account with the same
/// verified e-mail address, or created.
async fn account_for(
    state: &AppState,
    auth: &Auth,
    claims: &IdClaims,
) -> Result<lshub_domain::account::User, AppError> {
    if let Some(user) = state.db.user_by_oidc(&claims.iss, &claims.sub).await? {
        return Ok(user);
    }
    let email = claims
        .email
        .as_deref()
        .map(Email::parse)
        .transpose()?
        .ok_or_else(|| OidcError::Token("the ID token has no e-mail address".into()))?;
    let verified = claims.email_verified == Some(true);
    if let Some(stored) = state.db.user_by_email(&email).await? {
        // Only a provider's verified address may take over an existing account.
        if !verified {
            return Err(OidcError::Token("the provider has not verified this e-mail address".into()).into());
        }
        state.db.link_oidc(&stored.user.id, &claims.iss, &claims.sub).await?;
        return Ok(state.db.user_by_id(&stored.user.id).await?.unwrap_or(stored.user));
    }
    let name = claims.name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| email.to_string());
    let name = lshub_domain::account::check_display_name(&name)?;
    let new = NewUser {
        email: &email,
        display_name: &name,
        password_hash: None,
        role: Role::Member,
        email_verified: verified,
        oidc: Some((&claims.iss, &claims.sub)),
    };
    let event = auth.event("account.registered", email.as_str(), format!("via {}", claims.iss));
    Ok(state.db.create_user(new, event, None).await?)
}

#[derive(Debug, Deserialize)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

#[derive(Debug, Deserialize)]
pub struct Jwk {
    pub kty: String,
    #[serde(default)]
    pub kid: Option<String>,
    #[serde(default)]
    pub n: Option<String>,
    #[serde(default)]
    pub e: Option<String>,
}

#[derive(Deserialize)]
struct JwtHeader {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
}

/// Checks an ID token: an RS256 signature by one of the provider's keys (no other
/// algorithm, in particular not `none`), the issuer, the audience, the expiry and the nonce.
pub fn verify_id_token(
    token: &str,
    jwks: &Jwks,
    issuer: &str,
    client_id: &str,
    nonce: &str,
) -> Result<IdClaims, OidcError> {
    let bad = |why: &str| OidcError::Token(why.to_owned());
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("not a signed JWT"));
    };
    let decode = |part: &str| URL_SAFE_NO_PAD.decode(part).map_err(|_| bad("not base64url"));
    let header: JwtHeader = serde_json::from_slice(&decode(header)?).map_err(|_| bad("unreadable header"))?;
    if header.alg != "RS256" {
        return Err(OidcError::Token(format!("algorithm {} is not accepted", header.alg)));
    }
    let signature = Signature::try_from(decode(signature)?.as_slice()).map_err(|_| bad("unreadable signature"))?;
    let signed = &token[..token.len() - token.rsplit('.').next().map_or(0, |s| s.len() + 1)];
    let candidates =
        jwks.keys.iter().filter(|k| k.kty == "RSA" && (header.kid.is_none() || k.kid == header.kid)).filter_map(|k| {
            let n = BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode(k.n.as_deref()?).ok()?);
            let e = BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode(k.e.as_deref()?).ok()?);
            RsaPublicKey::new(n, e).ok()
        });
    let mut verified = false;
    for key in candidates {
        if VerifyingKey::<Sha256>::new(key).verify(signed.as_bytes(), &signature).is_ok() {
            verified = true;
            break;
        }
    }
    if !verified {
        return Err(bad("the signature does not match the provider's keys"));
    }
    let claims: IdClaims = serde_json::from_slice(&decode(payload)?).map_err(|_| bad("unreadable claims"))?;
    let now = chrono::Utc::now().timestamp();
    if claims.iss.trim_end_matches('/') != issuer.trim_end_matches('/') {
        return Err(bad("issued by another provider"));
    }
    if !claims.aud.contains(client_id) {
        return Err(bad("issued for another client"));
    }
    if claims.exp + LEEWAY_SECONDS < now || claims.iat.is_some_and(|iat| iat > now + LEEWAY_SECONDS) {
        return Err(bad("expired or not yet valid"));
    }
    if claims.nonce.as_deref() != Some(nonce) {
        return Err(bad("the nonce does not match this sign-in"));
    }
    Ok(claims)
}
