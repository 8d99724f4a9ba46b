//! Photos of spaces on the web: the page where a space's editors upload and remove them
//! (`/spaces/{slug}/photos`, a form that works without JavaScript), the API, and the files
//! themselves (`/photos/{hash}.jpg`), served only when a space shows them and only as the
//! JPEG the hub wrote, for a year (a file's name is its content).

use askama::Template;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use lshub_domain::space::Space;
use lshub_domain::{Language, Reason, ValidationError};
use lshub_service::photos::{self as service, Upload, MAX_PHOTOS};
use lshub_service::ServiceError;
use lshub_storage::photos::StoredPhoto;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Auth;
use crate::error::{AppError, Problem};
use crate::pages::{render, see_other, PageContext};
use crate::params::Params;
use crate::routes::RouteTable;
use crate::state::AppState;

/// The body a photo upload may have: the largest photo the hub can be set to take, and the
/// form around it. Beyond it the upload is cut off; up to it the use case names the limit.
const UPLOAD_BODY_LIMIT: usize = service::DEFAULT_MAX_BYTES + 256 * 1024;

pub fn page_routes() -> RouteTable {
    RouteTable::new()
        .route("/spaces/{slug}/photos", get(manage).post(upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)))
        .route("/spaces/{slug}/photos/{hash}/remove", post(remove))
}

pub fn api_routes() -> RouteTable {
    RouteTable::new()
        .route("/spaces/{slug}/photos", get(list_api).post(upload_api).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)))
        .route("/spaces/{slug}/photos/{hash}", axum::routing::delete(remove_api))
}

pub fn file_routes() -> RouteTable {
    RouteTable::new().route("/photos/{file}", get(file))
}

pub(crate) fn photo_url(hash: &str) -> String {
    format!("/photos/{hash}.jpg")
}

/// A photo's text in the page's language, or the other one.
pub(crate) fn alt(photo: &StoredPhoto, lang: Language) -> &str {
    let (first, second) = match lang {
        Language::En => (&photo.alt_en, &photo.alt_nl),
        Language::Nl => (&photo.alt_nl, &photo.alt_en),
    };
    if first.is_empty() {
        second
    } else {
        first
    }
}

/// One photo as a page shows it.
pub(crate) struct Shown {
    pub url: String,
    pub hash: String,
    pub alt: String,
    pub width: u32,
    pub height: u32,
}

pub(crate) fn shown(photos: &[StoredPhoto], lang: Language) -> Vec<Shown> {
    photos
        .iter()
        .map(|p| Shown {
            url: photo_url(&p.hash),
            hash: p.hash.clone(),
            alt: alt(p, lang).to_owned(),
            width: p.width,
            height: p.height,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "spaces/photos.html")]
struct ManagePage {
    ctx: PageContext,
    csrf: String,
    slug: String,
    title: String,
    photos: Vec<Shown>,
    error: Option<String>,
    full: bool,
    limits: String,
}

async fn manage_page(
    state: &AppState,
    ctx: PageContext,
    auth: &Auth,
    slug: &str,
    error: Option<String>,
) -> Result<ManagePage, AppError> {
    let item = service::editable(&state.db, &auth.caller(), slug).await?;
    let photos = state.db.photos_of(&item.id).await?;
    let t = &ctx.t;
    let limits = t.with(
        "photo-limits",
        &[
            ("max", (state.site.photo_max_bytes / 1024 / 1024).to_string()),
            ("count", MAX_PHOTOS.to_string()),
            ("side", service::LONG_SIDE.to_string()),
        ],
    );
    Ok(ManagePage {
        csrf: auth.csrf.clone(),
        slug: slug.to_owned(),
        title: item.record.title.get(t.lang).to_owned(),
        full: photos.len() >= MAX_PHOTOS,
        photos: shown(&photos, t.lang),
        error,
        limits,
        ctx,
    })
}

async fn manage(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    render(&manage_page(&state, ctx, &auth, &slug, None).await?)
}

/// The photo and its texts from a form; a body cut off at the limit is a photo too large.
async fn read_upload(
    state: &AppState,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Upload, ServiceError> {
    let too_large = || {
        ServiceError::from(ValidationError::new(
            "photo",
            Reason::TooLarge { max_bytes: state.site.photo_max_bytes as u64 },
        ))
    };
    let unreadable = |status: StatusCode, text: String| {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ServiceError::Invalid(vec![ValidationError::new(
                "photo",
                Reason::Other(format!("the upload cannot be read: {text}")),
            )])
        }
    };
    let mut multipart = multipart.map_err(|e| unreadable(e.status(), e.body_text()))?;
    let mut upload = Upload::default();
    while let Some(field) = multipart.next_field().await.map_err(|e| unreadable(e.status(), e.body_text()))? {
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.map_err(|e| unreadable(e.status(), e.body_text()))?;
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "photo" => upload.bytes = bytes.to_vec(),
            "alt_en" => upload.alt_en = text(),
            "alt_nl" => upload.alt_nl = text(),
            _ => {}
        }
    }
    Ok(upload)
}

async fn upload(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let caller = auth.caller();
    // The policy answers before the upload is read.
    service::editable(&state.db, &caller, &slug).await?;
    let added = match read_upload(&state, multipart).await {
        Ok(upload) => {
            let (uploads, max) = (&state.site.uploads, state.site.photo_max_bytes);
            service::add(&state.db, uploads, &state.site.clock, &caller, &slug, upload, max).await
        }
        Err(e) => Err(e),
    };
    match added {
        Ok(_) => {
            state.public_cache.invalidate();
            Ok(see_other(&format!("/spaces/{slug}/photos")))
        }
        Err(ServiceError::Invalid(errors)) => {
            let error = errors.iter().map(|e| ctx.t.invalid(e)).collect::<Vec<_>>().join("; ");
            let page = manage_page(&state, ctx, &auth, &slug, Some(error)).await?;
            let mut response = render(&page)?;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}

async fn remove(
    State(state): State<AppState>,
    auth: Auth,
    Path((slug, hash)): Path<(String, String)>,
) -> Result<Response, AppError> {
    service::remove(&state.db, &auth.caller(), &slug, &hash).await?;
    state.public_cache.invalidate();
    Ok(see_other(&format!("/spaces/{slug}/photos")))
}

async fn file(State(state): State<AppState>, Path(file): Path<String>) -> Result<Response, AppError> {
    let hash = file.strip_suffix(".jpg").ok_or(AppError::NotFound { what: "photo" })?;
    let bytes = service::file(&state.db, &state.site.uploads, hash).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'"),
        ],
        Bytes::from(bytes),
    )
        .into_response())
}

/// A photo as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PhotoWire {
    /// The SHA-256 of the stored JPEG, which names it.
    pub hash: String,
    pub url: String,
    pub alt_en: String,
    pub alt_nl: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
}

fn wire(state: &AppState, photo: &StoredPhoto) -> PhotoWire {
    PhotoWire {
        url: format!("{}{}", state.site.public_url.trim_end_matches('/'), photo_url(&photo.hash)),
        hash: photo.hash.clone(),
        alt_en: photo.alt_en.clone(),
        alt_nl: photo.alt_nl.clone(),
        width: photo.width,
        height: photo.height,
        bytes: photo.size,
    }
}

/// The texts of a photo sent as the request's body.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PhotoParams {
    /// What the photo shows, in English (this or `altNl` is required).
    pub alt_en: String,
    /// What the photo shows, in Dutch.
    pub alt_nl: String,
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_api, upload_api, remove_api), components(schemas(PhotoWire)))]
pub struct PhotosApi;

/// A space's photos in their order.
#[utoipa::path(get, path = "/api/v1/spaces/{slug}/photos", tag = "spaces", operation_id = "spacePhotos",
    params(("slug" = String, Path, description = "The space's address name")),
    responses(
        (status = 200, description = "The photos", body = [PhotoWire]),
        (status = 404, description = "No such space", body = Problem, content_type = "application/problem+json")
    ))]
async fn list_api(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Json<Vec<PhotoWire>>, AppError> {
    let item = lshub_service::content::find::<Space>(&state.db, &auth.caller(), &slug).await?;
    let photos = state.db.photos_of(&item.id).await?;
    Ok(Json(photos.iter().map(|p| wire(&state, p)).collect()))
}

/// Adds a photo to a space (scope `write`, its editors): the body is the image (JPEG, PNG or
/// WebP), which the hub scales to fit 1600 pixels and stores as JPEG without metadata.
#[utoipa::path(post, path = "/api/v1/spaces/{slug}/photos", tag = "spaces", operation_id = "addSpacePhoto",
    params(("slug" = String, Path, description = "The space's address name"), PhotoParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The image"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added", body = PhotoWire),
        (status = 400, description = "Not an image, too large, or without a text", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the space's editor", body = Problem, content_type = "application/problem+json")
    ))]
async fn upload_api(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
    Params(params): Params<PhotoParams>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(StatusCode, Json<PhotoWire>), AppError> {
    let caller = auth.caller();
    // The policy answers before the upload is read.
    service::editable(&state.db, &caller, &slug).await?;
    let max = state.site.photo_max_bytes;
    let bytes = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            AppError::BadRequest(ValidationError::new("photo", Reason::TooLarge { max_bytes: max as u64 }))
        }
        _ => AppError::MalformedBody(e.body_text()),
    })?;
    let upload = Upload { bytes: bytes.to_vec(), alt_en: params.alt_en, alt_nl: params.alt_nl };
    let photo = service::add(&state.db, &state.site.uploads, &state.site.clock, &caller, &slug, upload, max).await?;
    state.public_cache.invalidate();
    Ok((StatusCode::CREATED, Json(wire(&state, &photo))))
}

/// Removes a photo from a space (scope `write`, its editors).
#[utoipa::path(delete, path = "/api/v1/spaces/{slug}/photos/{hash}", tag = "spaces", operation_id = "removeSpacePhoto",
    params(("slug" = String, Path, description = "The space's address name"), ("hash" = String, Path, description = "The photo's hash")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "The space does not show it", body = Problem, content_type = "application/problem+json")
    ))]
async fn remove_api(
    State(state): State<AppState>,
    auth: Auth,
    Path((slug, hash)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    service::remove(&state.db, &auth.caller(), &slug, &hash).await?;
    state.public_cache.invalidate();
    Ok(StatusCode::NO_CONTENT)
}
