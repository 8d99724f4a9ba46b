//! Signing in with OpenID Connect, through the `openidconnect` crate: discovery, the
//! authorization code flow with PKCE (S256), `state` and `nonce`, and the ID token verified
//! against the provider's published keys (JWKS).
//!
//! The flow's secrets (state, nonce, PKCE verifier) live in a short-lived HttpOnly cookie,
//! so any node can finish a sign-in that another node started.
//!
//! Beyond what the crate checks (issuer, audience, signature, expiry, nonce, a key's `use`
//! and `alg`), the hub requires:
//! - a signature algorithm the provider announces that is not keyed by the client secret
//!   (whoever holds the secret could forge an `HS256` token) and is not `none`;
//! - an authorized party (`azp`) naming the hub whenever the token has several audiences,
//!   and naming no one else when it has one;
//! - an address the provider has confirmed (`email_verified: true`) before an identity may
//!   open an account or be linked to one.

use axum::extract::{Query, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use lshub_domain::account::{Email, Role, User};
use lshub_domain::authorization::{Action, Resource};
use lshub_storage::accounts::NewUser;
use lshub_storage::credentials::new_secret;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreClientAuthMethod, CoreIdTokenClaims, CoreJwsSigningAlgorithm,
    CoreProviderMetadata,
};
use openidconnect::{
    AuthType, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    IssuerUrl, JwsSigningAlgorithm, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope,
    TokenResponse,
};
use serde::Deserialize;

use super::reset::mail_reset_link;
use super::{cookie, set_cookie, Auth, OidcSettings};
use crate::error::AppError;
use crate::i18n::Translator;
use crate::pages::account::start_session;
use crate::pages::PageContext;
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
    #[error("the identity provider has not confirmed this e-mail address")]
    UnconfirmedEmail,
}

impl From<OidcError> for AppError {
    fn from(e: OidcError) -> Self {
        tracing::warn!(error = %e, "OpenID Connect sign-in refused");
        match e {
            OidcError::Provider(_) => AppError::Internal(e.to_string()),
            OidcError::State | OidcError::Token(_) | OidcError::UnconfirmedEmail => AppError::BadRequest(
                lshub_domain::ValidationError::new("id_token", lshub_domain::Reason::Other(e.to_string())),
            ),
        }
    }
}

fn settings(state: &AppState) -> Result<&OidcSettings, AppError> {
    state.accounts.oidc.as_ref().ok_or(AppError::not_found("sign-in with an identity provider"))
}

/// The provider's discovery document and keys, and a client for it.
struct Provider {
    client: OidcClient,
    metadata: CoreProviderMetadata,
}

/// The crate's client once discovery has set its endpoints (the token endpoint is optional
/// in discovery, so it is only "maybe" set).
type OidcClient =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

/// Fetches the provider's discovery document (whose issuer must be the configured one) and
/// its keys.
async fn discover(state: &AppState, settings: &OidcSettings) -> Result<Provider, OidcError> {
    let issuer = IssuerUrl::new(settings.issuer.clone())
        .map_err(|e| OidcError::Provider(format!("issuer {}: {e}", settings.issuer)))?;
    let metadata = CoreProviderMetadata::discover_async(issuer, &state.accounts.http)
        .await
        .map_err(|e| OidcError::Provider(format!("discovery at {}: {e}", settings.issuer)))?;
    let redirect = RedirectUrl::new(format!("{}/login/oidc/callback", state.site.public_url))
        .map_err(|e| OidcError::Provider(format!("the hub's public address: {e}")))?;
    // Discovery's default is HTTP Basic; the form is used only for a provider that asks for it.
    let methods = metadata.token_endpoint_auth_methods_supported();
    let offers = |method: CoreClientAuthMethod| methods.is_some_and(|all| all.contains(&method));
    let auth_type = if methods.is_some()
        && !offers(CoreClientAuthMethod::ClientSecretBasic)
        && offers(CoreClientAuthMethod::ClientSecretPost)
    {
        AuthType::RequestBody
    } else {
        AuthType::BasicAuth
    };
    let client = CoreClient::from_provider_metadata(
        metadata.clone(),
        ClientId::new(settings.client_id.clone()),
        Some(ClientSecret::new(settings.client_secret.clone())),
    )
    .set_redirect_uri(redirect)
    .set_auth_type(auth_type);
    Ok(Provider { client, metadata })
}

/// Starts the flow: remembers state, nonce and PKCE verifier, and sends the browser to the
/// provider.
pub async fn start(State(state): State<AppState>, auth: Auth) -> Result<Response, AppError> {
    auth.require(Action::UseSignInPages, Resource::Hub)?;
    let provider = discover(&state, settings(&state)?).await?;
    let (flow_state, nonce, verifier) = (new_secret()?, new_secret()?, new_secret()?);
    let challenge = PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(verifier.clone()));
    let (csrf, nonce_claim) = (CsrfToken::new(flow_state.clone()), Nonce::new(nonce.clone()));
    let (location, _, _) = provider
        .client
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, move || csrf, move || nonce_claim)
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    let flow = set_cookie(&state, FLOW_COOKIE, &format!("{flow_state}.{nonce}.{verifier}"), FLOW_SECONDS);
    Ok((StatusCode::SEE_OTHER, [(LOCATION, location.to_string()), (SET_COOKIE, flow)]).into_response())
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

/// Finishes the flow: checks `state`, redeems the code with the PKCE verifier, verifies the
/// ID token, and signs the user in (creating or linking the account).
pub async fn callback(
    State(state): State<AppState>,
    ctx: PageContext,
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
    let provider = discover(&state, settings).await?;
    let tokens = provider
        .client
        .exchange_code(AuthorizationCode::new(callback.code))
        .map_err(|e| OidcError::Provider(format!("token endpoint: {e}")))?
        .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_owned()))
        .request_async(&state.accounts.http)
        .await
        .map_err(|e| match e {
            RequestTokenError::Request(e) => OidcError::Provider(format!("token endpoint: {e}")),
            other => OidcError::Token(format!("token endpoint: {other}")),
        })?;
    let id_token = tokens.id_token().ok_or_else(|| OidcError::Token("the answer has no ID token".into()))?;
    let claims = verify_claims(&provider, settings, id_token, nonce)?;
    let user = account_for(&state, &auth, &ctx.t, &claims).await?;
    let subject = user.email.to_lowercase();
    let mut response = start_session(&state, &auth, &user, &subject, "/account").await?;
    if let Ok(clear) = set_cookie(&state, FLOW_COOKIE, "", 0).parse() {
        response.headers_mut().append(SET_COOKIE, clear);
    }
    Ok(response)
}

/// Verifies the ID token with the crate's verifier, narrowed to the hub's rules (see the
/// module documentation).
fn verify_claims(
    provider: &Provider,
    settings: &OidcSettings,
    id_token: &openidconnect::core::CoreIdToken,
    nonce: &str,
) -> Result<CoreIdTokenClaims, OidcError> {
    let algorithms: Vec<CoreJwsSigningAlgorithm> = provider
        .metadata
        .id_token_signing_alg_values_supported()
        .iter()
        .filter(|alg| !alg.uses_shared_secret() && **alg != CoreJwsSigningAlgorithm::None)
        .cloned()
        .collect();
    let leeway = chrono::Duration::seconds(LEEWAY_SECONDS);
    let verifier = provider
        .client
        .id_token_verifier()
        .set_allowed_algs(algorithms)
        // Other audiences are judged below, by the authorized party.
        .set_other_audience_verifier_fn(|_| true)
        .set_time_fn(move || chrono::Utc::now() - leeway)
        .set_issue_time_verifier_fn(move |issued| {
            if issued > chrono::Utc::now() + leeway {
                Err(format!("issued in the future, at {issued}"))
            } else {
                Ok(())
            }
        });
    let claims =
        id_token.claims(&verifier, &Nonce::new(nonce.to_owned())).map_err(|e| OidcError::Token(e.to_string()))?.clone();
    check_authorized_party(&claims, &settings.client_id)?;
    Ok(claims)
}

/// The authorized party (`azp`) is the client the token was issued to: with several
/// audiences it must be present and be the hub, and when present it must always be the hub.
fn check_authorized_party(claims: &CoreIdTokenClaims, client_id: &str) -> Result<(), OidcError> {
    match claims.authorized_party() {
        Some(party) if party.as_str() != client_id => {
            Err(OidcError::Token(format!("issued to another client ({})", party.as_str())))
        }
        None if claims.audiences().len() > 1 => {
            Err(OidcError::Token("several audiences and no authorized party (azp)".into()))
        }
        _ => Ok(()),
    }
}

/// The account of this identity: already linked; or an existing account with the same
/// address, linked now; or a new account. The last two only for an address the provider
/// confirmed.
///
/// Linking ends the account's password, sessions and tokens, since whoever registered the
/// address first need not be its owner; the owner is told by mail, with a link to choose a
/// new password if they want one besides the provider.
async fn account_for(
    state: &AppState,
    auth: &Auth,
    t: &Translator,
    claims: &CoreIdTokenClaims,
) -> Result<User, AppError> {
    let (issuer, subject) = (claims.issuer().as_str(), claims.subject().as_str());
    if let Some(user) = state.db.user_by_oidc(issuer, subject).await? {
        return Ok(user);
    }
    let email = claims
        .email()
        .map(|email| Email::parse(email.as_str()))
        .transpose()?
        .ok_or_else(|| OidcError::Token("the ID token has no e-mail address".into()))?;
    if claims.email_verified() != Some(true) {
        return Err(OidcError::UnconfirmedEmail.into());
    }
    if let Some(stored) = state.db.user_by_email(&email).await? {
        let event = auth.event("account.oidc-linked", &stored.user.id, format!("to {issuer}; credentials ended"));
        state.db.link_oidc(&stored.user.id, issuer, subject, event).await?;
        let mailed = auth.event("account.oidc-link-mailed", &stored.user.id, String::new());
        mail_reset_link(state, t, &stored.user, ("mail-linked-subject", "mail-linked-body"), mailed).await?;
        state.accounts.mail_queued.notify_one();
        return Ok(state.db.user_by_id(&stored.user.id).await?.unwrap_or(stored.user));
    }
    // A provider's name the hub would refuse (too long, direction controls) must not stop the
    // sign-in: the address stands in for it, and the member can rename themselves.
    let name = claims
        .name()
        .and_then(|n| n.get(None))
        .and_then(|n| lshub_domain::account::check_display_name(n.as_str()).ok());
    let name = match name {
        Some(name) => name,
        None => lshub_domain::account::check_display_name(email.as_str())?,
    };
    let new = NewUser {
        email: &email,
        display_name: &name,
        password_hash: None,
        role: Role::Member,
        email_verified: true,
        oidc: Some((issuer, subject)),
    };
    let event = auth.event("account.registered", email.as_str(), format!("via {issuer}"));
    Ok(state.db.create_user(new, event, None).await?)
}
