//! Static assets, compiled into the binary so that the hub needs no other files.

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

const STYLESHEET: &str = include_str!("../../static/style.css");

pub async fn serve(Path(file): Path<String>) -> Result<Response, AppError> {
    match file.as_str() {
        "style.css" => {
            Ok(([(CONTENT_TYPE, "text/css; charset=utf-8"), (CACHE_CONTROL, "public, max-age=86400")], STYLESHEET)
                .into_response())
        }
        _ => Err(AppError::not_found("file")),
    }
}
