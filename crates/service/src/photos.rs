//! Photos of spaces: uploaded by those who may edit the space, decoded (JPEG, PNG or WebP
//! only, within a size and a pixel count), turned upright, scaled down to fit
//! [`LONG_SIDE`] pixels and encoded anew as JPEG, which leaves every piece of metadata
//! (camera, place, time) behind. The file is stored under its hash in the data directory.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use lshub_domain::authorization::{Action, ContentAction, Resource};
use lshub_domain::content::Item;
use lshub_domain::space::Space;
use lshub_domain::validation::optional_text;
use lshub_domain::{Reason, ValidationError};
use lshub_storage::photos::{NewPhoto, PhotoRefusal, StoredPhoto};
use lshub_storage::uploads::{is_hash, Uploads};
use lshub_storage::Database;

use crate::clock::Clock;
use crate::{content, Caller, ServiceError};

/// The most photos a space may have.
pub const MAX_PHOTOS: usize = 12;
/// The largest upload, unless the hub is set otherwise.
pub const DEFAULT_MAX_BYTES: usize = 10 * 1024 * 1024;
/// The most pixels decoded; more would take too much memory to scale.
pub const MAX_MEGAPIXELS: u32 = 40;
/// The longest side of a stored photo, in pixels.
pub const LONG_SIDE: u32 = 1600;
const JPEG_QUALITY: u8 = 85;
const MAX_ALT_CHARS: usize = 300;

/// A photo ready to store: JPEG bytes without metadata, and its size in pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

fn not_image() -> ValidationError {
    ValidationError::new("photo", Reason::NotImage)
}

/// Checks and normalises an uploaded image; slow (run it off the async workers).
pub fn prepare(bytes: &[u8], max_bytes: usize) -> Result<Prepared, ValidationError> {
    if bytes.is_empty() {
        return Err(ValidationError::new("photo", Reason::Empty));
    }
    if bytes.len() > max_bytes {
        return Err(ValidationError::new("photo", Reason::TooLarge { max_bytes: max_bytes as u64 }));
    }
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|_| not_image())?;
    if !matches!(reader.format(), Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) {
        return Err(not_image());
    }
    let mut limits = Limits::default();
    limits.max_alloc = Some(u64::from(MAX_MEGAPIXELS) * 1_000_000 * 8);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| not_image())?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > u64::from(MAX_MEGAPIXELS) * 1_000_000 {
        return Err(ValidationError::new("photo", Reason::TooManyPixels { max_megapixels: MAX_MEGAPIXELS }));
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|_| not_image())?;
    picture.apply_orientation(orientation);
    if picture.width().max(picture.height()) > LONG_SIDE {
        picture = picture.resize(LONG_SIDE, LONG_SIDE, FilterType::Triangle);
    }
    let rgb = flatten(&picture);
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY).encode_image(&rgb).map_err(|_| not_image())?;
    Ok(Prepared { width: rgb.width(), height: rgb.height(), jpeg })
}

/// The picture on white, where it is transparent: JPEG has no transparency.
fn flatten(picture: &DynamicImage) -> image::RgbImage {
    if !picture.color().has_alpha() {
        return picture.to_rgb8();
    }
    let rgba = picture.to_rgba8();
    image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over = |c: u8| ((u32::from(c) * u32::from(a) + 255 * (255 - u32::from(a))) / 255) as u8;
        image::Rgb([over(r), over(g), over(b)])
    })
}

/// A space the caller may edit.
pub async fn editable(db: &Database, caller: &Caller, slug: &str) -> Result<Item<Space>, ServiceError> {
    let item = content::find::<Space>(db, caller, slug).await?;
    caller.require(
        Action::Content(ContentAction::Edit),
        Resource::Content { kind: &lshub_domain::content::SPACE, owner: &item.owner.id },
    )?;
    Ok(item)
}

/// What is uploaded with a photo.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    pub bytes: Vec<u8>,
    pub alt_en: String,
    pub alt_nl: String,
}

/// Adds a photo to the space `slug`.
pub async fn add(
    db: &Database,
    uploads: &Uploads,
    clock: &Clock,
    caller: &Caller,
    slug: &str,
    upload: Upload,
    max_bytes: usize,
) -> Result<StoredPhoto, ServiceError> {
    let item = editable(db, caller, slug).await?;
    let user = caller.user()?;
    let (alt_en, alt_nl) = (upload.alt_en.trim().to_owned(), upload.alt_nl.trim().to_owned());
    let mut errors = Vec::new();
    if alt_en.is_empty() && alt_nl.is_empty() {
        errors.push(ValidationError::new("alt_en", Reason::Empty));
    }
    for (field, text) in [("alt_en", &alt_en), ("alt_nl", &alt_nl)] {
        if let Err(e) = optional_text(field, Some(text), MAX_ALT_CHARS) {
            errors.push(e);
        }
    }
    let bytes = upload.bytes;
    let prepared = tokio::task::spawn_blocking(move || prepare(&bytes, max_bytes))
        .await
        .map_err(|e| ServiceError::Internal(format!("preparing a photo: {e}")))?;
    let prepared = match prepared {
        Ok(prepared) if errors.is_empty() => prepared,
        Ok(_) => return Err(ServiceError::Invalid(errors)),
        Err(e) => {
            errors.insert(0, e);
            return Err(ServiceError::Invalid(errors));
        }
    };
    let store = uploads.clone();
    let jpeg = prepared.jpeg;
    let size = jpeg.len() as u64;
    let hash = tokio::task::spawn_blocking(move || store.put(&jpeg))
        .await
        .map_err(|e| ServiceError::Internal(format!("storing a photo: {e}")))??;
    let detail = format!("photo {hash} added to \"{}\"", item.slug);
    let new = NewPhoto {
        item_id: &item.id,
        hash: &hash,
        alt_en: &alt_en,
        alt_nl: &alt_nl,
        width: prepared.width,
        height: prepared.height,
        size,
        uploaded_by: &user.id,
        max: MAX_PHOTOS,
        now: clock.now(),
        audit: caller.event("space.photo-added", &item.slug, detail),
    };
    match db.add_photo(new).await? {
        Ok(()) => {}
        Err(PhotoRefusal::Shown) => {
            return Err(ValidationError::new("photo", Reason::AddedAlready { value: hash }).into())
        }
        Err(PhotoRefusal::Full) => {
            return Err(ValidationError::new("photo", Reason::TooManyEntries { max: MAX_PHOTOS }).into())
        }
    }
    let photos = db.photos_of(&item.id).await?;
    photos.into_iter().find(|p| p.hash == hash).ok_or(ServiceError::NotFound("photo"))
}

/// Removes a photo from the space `slug`.
pub async fn remove(db: &Database, caller: &Caller, slug: &str, hash: &str) -> Result<(), ServiceError> {
    let item = editable(db, caller, slug).await?;
    let detail = format!("photo {hash} removed from \"{}\"", item.slug);
    if !db.remove_photo(&item.id, hash, caller.event("space.photo-removed", &item.slug, detail)).await? {
        return Err(ServiceError::NotFound("photo"));
    }
    Ok(())
}

/// The photo file `hash`, if a space shows it: nothing else is served.
pub async fn file(db: &Database, uploads: &Uploads, hash: &str) -> Result<Vec<u8>, ServiceError> {
    if !is_hash(hash) || !db.photo_shown(hash).await? {
        return Err(ServiceError::NotFound("photo"));
    }
    let store = uploads.clone();
    let hash = hash.to_owned();
    tokio::task::spawn_blocking(move || store.get(&hash))
        .await
        .map_err(|e| ServiceError::Internal(format!("reading a photo: {e}")))??
        .ok_or(ServiceError::NotFound("photo"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32, alpha: u8) -> Vec<u8> {
        let picture = image::RgbaImage::from_pixel(width, height, image::Rgba([200, 30, 30, alpha]));
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgba8(picture).write_to(&mut out, ImageFormat::Png).expect("png");
        out.into_inner()
    }

    #[test]
    fn a_large_image_is_scaled_to_fit_and_encoded_as_jpeg() {
        let prepared = prepare(&png(3200, 800, 255), DEFAULT_MAX_BYTES).expect("prepared");
        assert_eq!((prepared.width, prepared.height), (1600, 400));
        assert_eq!(image::guess_format(&prepared.jpeg).expect("a format"), ImageFormat::Jpeg);
        let small = prepare(&png(40, 30, 0), DEFAULT_MAX_BYTES).expect("prepared");
        assert_eq!((small.width, small.height), (40, 30), "small images keep their size");
    }

    #[test]
    fn what_is_not_a_small_enough_image_is_refused() {
        let reason = |bytes: &[u8], max: usize| prepare(bytes, max).expect_err("refused").reason;
        assert_eq!(reason(b"%PDF-1.7 not a photo", DEFAULT_MAX_BYTES), Reason::NotImage);
        assert_eq!(reason(b"<svg xmlns='http://www.w3.org/2000/svg'/>", DEFAULT_MAX_BYTES), Reason::NotImage);
        assert_eq!(reason(&png(10, 10, 255), 20), Reason::TooLarge { max_bytes: 20 });
        assert_eq!(reason(&[], DEFAULT_MAX_BYTES), Reason::Empty);
        let mut truncated = png(50, 50, 255);
        truncated.truncate(60);
        assert_eq!(reason(&truncated, DEFAULT_MAX_BYTES), Reason::NotImage);
    }
}
