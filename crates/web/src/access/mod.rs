//! Access requests on the web: the holders' catalogue items, applications with their
//! timeline, attachments, entitlements and the public figures per holder; pages
//! (`pages.rs`) and the JSON API (`api.rs`) call the same use cases in
//! `lshub_service::access`.

pub mod api;
pub mod pages;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use lshub_domain::access::entitlement::Entitlement;
use lshub_domain::Language;
use lshub_service::access::Notice;

use crate::auth::Auth;
use crate::error::AppError;
use crate::routes::RouteTable;
use crate::state::AppState;

/// Files for the parties: attachments, and the holder's entitlement exports.
pub fn file_routes() -> RouteTable {
    RouteTable::new()
        .route("/applications/{id}/attachments/{hash}", axum::routing::get(download))
        .route(
            "/organisations/{slug}/entitlements.csv",
            axum::routing::get(|state, auth, slug| export_entitlements(state, auth, slug, Export::Csv)),
        )
        .route(
            "/organisations/{slug}/entitlements.json",
            axum::routing::get(|state, auth, slug| export_entitlements(state, auth, slug, Export::Json)),
        )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    Csv,
    Json,
}

/// Words a mail about an application in `language`, with a link to it.
pub(crate) fn compose<'a>(state: &'a AppState) -> impl Fn(&Notice<'_>, Language) -> (String, String) + Sync + 'a {
    move |notice, language| {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("link", format!("{}/applications/{}", state.site.public_url, notice.application_id));
        args.set("event", state.i18n.format(language, &format!("access-event-{}", notice.event), None));
        args.set("comment", notice.comment.unwrap_or_default().to_owned());
        let subject = state.i18n.format(language, "mail-access-subject", Some(&args));
        let body_id = if notice.comment.is_some() { "mail-access-body-comment" } else { "mail-access-body" };
        (subject, state.i18n.format(language, body_id, Some(&args)))
    }
}

/// Tells the mail worker that mail is waiting.
pub(crate) fn mail_queued(state: &AppState) {
    state.accounts.mail_queued.notify_one();
}

/// An attachment of an application, for those who see the application; served as a
/// download, never shown inline, so a document cannot run as a page of the hub.
pub async fn download(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, hash)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (attachment, bytes) = lshub_service::access::attachment(&state.db, &auth.caller(), &id, &hash).await?;
    let disposition = format!("attachment; filename=\"{}\"", attachment.filename.replace(['"', '\\'], "_"));
    let mut response = Body::from(bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_str(&attachment.content_type).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    headers.insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).unwrap_or_else(|_| HeaderValue::from_static("attachment")),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(response)
}

/// The columns of the entitlement export, in CSV and JSON alike.
pub(crate) const ENTITLEMENT_COLUMNS: [&str; 8] =
    ["application", "user", "catalogueItem", "holder", "start", "end", "revokedAt", "revokedReason"];

/// One entitlement as the export's row.
pub(crate) fn entitlement_row(entitlement: &Entitlement) -> [String; 8] {
    [
        entitlement.application_id.clone(),
        entitlement.user_id.clone(),
        entitlement.catalogue_item.clone(),
        entitlement.holder_id.clone(),
        entitlement.starts_at.to_rfc3339(),
        entitlement.ends_at.to_rfc3339(),
        entitlement.revoked_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        entitlement.revoked_reason.clone().unwrap_or_default(),
    ]
}

/// The entitlements a holder gave, as CSV (`.csv`) or JSON (`.json`), for its members.
pub async fn export_entitlements(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
    format: Export,
) -> Result<Response, AppError> {
    let entitlements = lshub_service::access::holder_entitlements(&state.db, &auth.caller(), &slug).await?;
    let rows: Vec<[String; 8]> = entitlements.iter().map(entitlement_row).collect();
    let (content_type, body, file) = if format == Export::Csv {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let written = std::iter::once(ENTITLEMENT_COLUMNS.map(str::to_owned))
            .chain(rows)
            .try_for_each(|row| writer.write_record(&row));
        written.map_err(|e| AppError::Internal(format!("writing CSV: {e}")))?;
        let bytes = writer.into_inner().map_err(|e| AppError::Internal(format!("writing CSV: {e}")))?;
        ("text/csv; charset=utf-8", bytes, "entitlements.csv")
    } else {
        let objects: Vec<serde_json::Map<String, serde_json::Value>> = rows
            .into_iter()
            .map(|row| {
                ENTITLEMENT_COLUMNS.iter().map(|c| (*c).to_owned()).zip(row.map(serde_json::Value::from)).collect()
            })
            .collect();
        let bytes = serde_json::to_vec_pretty(&objects).map_err(|e| AppError::Internal(e.to_string()))?;
        ("application/json", bytes, "entitlements.json")
    };
    Ok(crate::pages::download(content_type, body, &format!("{slug}-{file}")))
}
