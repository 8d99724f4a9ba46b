//! Static assets, compiled into the binary so that the hub needs no other files.

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

const STYLESHEET: &str = include_str!("../../static/style.css");
const FAVICON: &str = include_str!("../../static/favicon.svg");
/// Progressive enhancement only (type-ahead search); every page works without it.
const HTMX: &str = include_str!("../../static/vendor/htmx-2.0.11.min.js");

/// A year: the file name changes with every htmx version.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub async fn serve(Path(file): Path<String>) -> Result<Response, AppError> {
    match file.as_str() {
        "style.css" => {
            Ok(([(CONTENT_TYPE, "text/css; charset=utf-8"), (CACHE_CONTROL, "public, max-age=86400")], STYLESHEET)
                .into_response())
        }
        "favicon.svg" => Ok(favicon().await),
        "htmx-2.0.11.min.js" => {
            Ok(([(CONTENT_TYPE, "text/javascript; charset=utf-8"), (CACHE_CONTROL, IMMUTABLE)], HTMX).into_response())
        }
        _ => Err(AppError::not_found("file")),
    }
}

/// Browsers ask for `/favicon.ico` on documents that name no icon (feeds, JSON, plain
/// text): the same icon answers there, instead of a 404 in every visitor's console.
pub async fn favicon() -> Response {
    ([(CONTENT_TYPE, "image/svg+xml"), (CACHE_CONTROL, "public, max-age=86400")], FAVICON).into_response()
}
