//! The language switch: a plain link that stores the choice in a cookie and goes back.

use axum::extract::{Path, Query, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lshub_domain::{Language, Reason, ValidationError};
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::AppError;
use crate::i18n::LANGUAGE_COOKIE;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct SwitchParams {
    next: Option<String>,
}

const ONE_YEAR_SECONDS: u32 = 365 * 24 * 3600;

pub async fn switch(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(params): Query<SwitchParams>,
) -> Result<Response, AppError> {
    let lang = Language::from_tag(&code).filter(|l| l.code() == code).ok_or_else(|| {
        ValidationError::new("language", Reason::NotOneOf { value: code.to_string(), allowed: "en, nl".into() })
    })?;
    // A signed-in user's mail follows the language they read the hub in.
    if let Some(user) = &auth.user {
        state.db.set_language(&user.id, lang.code()).await?;
    }
    let next = params.next.as_deref().filter(|n| is_local_path(n)).unwrap_or("/");
    let cookie =
        format!("{LANGUAGE_COOKIE}={}; Path=/; Max-Age={ONE_YEAR_SECONDS}; SameSite=Lax; HttpOnly", lang.code());
    Ok((StatusCode::SEE_OTHER, [(SET_COOKIE, cookie), (LOCATION, next.to_owned())]).into_response())
}

/// Only paths on this site: no scheme, no `//host` and no `/\host` (which browsers read as
/// `//host`), so the switch cannot send anyone elsewhere.
pub(crate) fn is_local_path(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/calls?status=open"));
        assert!(is_local_path("/"));
        for bad in ["https://evil.example/", "//evil.example", "/\\evil.example", "calls", "", "/a\r\nSet-Cookie: x"] {
            assert!(!is_local_path(bad), "{bad:?}");
        }
    }
}
