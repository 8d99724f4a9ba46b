//! Photos of spaces: which uploaded files (`uploads`) show a space, in which order, with
//! their text for those who cannot see them.

use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::accounts::{binds, exec, fetch_in, now, parse_time, stamp, transaction};
use crate::audit::{self, AuditEvent};
use crate::error::{QueryContext, StorageError};
use crate::Database;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPhoto {
    pub hash: String,
    pub alt_en: String,
    pub alt_nl: String,
    pub width: u32,
    pub height: u32,
    pub size: u64,
    pub uploaded_at: DateTime<Utc>,
}

pub struct NewPhoto<'a> {
    pub item_id: &'a str,
    pub hash: &'a str,
    pub alt_en: &'a str,
    pub alt_nl: &'a str,
    pub width: u32,
    pub height: u32,
    pub size: u64,
    pub uploaded_by: &'a str,
    /// The most photos an item may have.
    pub max: usize,
    pub now: DateTime<Utc>,
    pub audit: AuditEvent<'a>,
}

/// Why a photo was not added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoRefusal {
    /// The item shows this photo already.
    Shown,
    /// The item has as many photos as it may.
    Full,
}

/// Marks the item changed, so that every node's cache of public pages lets go of its page.
async fn touch(
    backend: crate::Backend,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    item_id: &str,
    at: String,
) -> Result<(), StorageError> {
    exec(
        backend,
        tx,
        "UPDATE content_items SET last_updated = ? WHERE id = ?",
        binds![at, item_id.to_owned()],
        "marking an item changed",
    )
    .await?;
    Ok(())
}

impl Database {
    /// Adds a photo after the item's others, unless the item has it or is full.
    pub async fn add_photo(&self, new: NewPhoto<'_>) -> Result<Result<(), PhotoRefusal>, StorageError> {
        transaction!(self, |backend, tx| {
            let rows = fetch_in(
                backend,
                tx,
                "SELECT hash FROM space_photos WHERE item_id = ?",
                binds![new.item_id.to_owned()],
                "reading an item's photos",
            )
            .await?;
            let hashes: Vec<String> =
                rows.iter().map(|r| r.try_get("hash")).collect::<Result<_, _>>().context("reading an item's photos")?;
            if hashes.iter().any(|h| h == new.hash) {
                return Ok(Err(PhotoRefusal::Shown));
            }
            if hashes.len() >= new.max {
                return Ok(Err(PhotoRefusal::Full));
            }
            exec(
                backend,
                tx,
                "INSERT INTO space_photos (item_id, hash, position, alt_en, alt_nl, width, height, size, uploaded_by, \
                 uploaded_at) SELECT ?, ?, COALESCE(MAX(position), 0) + 1, ?, ?, CAST(? AS BIGINT), CAST(? AS BIGINT), \
                 CAST(? AS BIGINT), ?, ? FROM space_photos WHERE item_id = ?",
                binds![
                    new.item_id.to_owned(),
                    new.hash.to_owned(),
                    new.alt_en.to_owned(),
                    new.alt_nl.to_owned(),
                    new.width.to_string(),
                    new.height.to_string(),
                    new.size.to_string(),
                    new.uploaded_by.to_owned(),
                    stamp(new.now),
                    new.item_id.to_owned()
                ],
                "adding a photo",
            )
            .await?;
            touch(backend, tx, new.item_id, stamp(new.now)).await?;
            audit::insert(backend, tx, &new.audit).await?;
            Ok(Ok(()))
        })
        .await
    }

    /// Removes a photo from an item (its file stays: another item may show it); `false`
    /// when the item did not have it.
    pub async fn remove_photo(&self, item_id: &str, hash: &str, audit: AuditEvent<'_>) -> Result<bool, StorageError> {
        transaction!(self, |backend, tx| {
            let removed = exec(
                backend,
                tx,
                "DELETE FROM space_photos WHERE item_id = ? AND hash = ?",
                binds![item_id.to_owned(), hash.to_owned()],
                "removing a photo",
            )
            .await?;
            if removed > 0 {
                touch(backend, tx, item_id, now()).await?;
                audit::insert(backend, tx, &audit).await?;
            }
            Ok(removed > 0)
        })
        .await
    }

    /// An item's photos in their order.
    pub async fn photos_of(&self, item_id: &str) -> Result<Vec<StoredPhoto>, StorageError> {
        const WHAT: &str = "reading an item's photos";
        let rows = self
            .query_rows(
                "SELECT hash, alt_en, alt_nl, width, height, size, uploaded_at FROM space_photos WHERE item_id = ? \
                 ORDER BY position",
                binds![item_id.to_owned()],
                WHAT,
            )
            .await?;
        let mut photos = Vec::with_capacity(rows.len());
        for row in &rows {
            let hash: String = row.try_get("hash").context(WHAT)?;
            let number = |c: &str| row.try_get::<i64, _>(c).context(WHAT);
            photos.push(StoredPhoto {
                alt_en: row.try_get("alt_en").context(WHAT)?,
                alt_nl: row.try_get("alt_nl").context(WHAT)?,
                width: u32::try_from(number("width")?).unwrap_or(0),
                height: u32::try_from(number("height")?).unwrap_or(0),
                size: u64::try_from(number("size")?).unwrap_or(0),
                uploaded_at: parse_time(&row.try_get::<String, _>("uploaded_at").context(WHAT)?, &hash)?,
                hash,
            });
        }
        Ok(photos)
    }

    /// Whether some item shows the photo: only those are served.
    pub async fn photo_shown(&self, hash: &str) -> Result<bool, StorageError> {
        let rows = self
            .query_rows(
                "SELECT 1 AS shown FROM space_photos WHERE hash = ? LIMIT 1",
                binds![hash.to_owned()],
                "finding a photo",
            )
            .await?;
        Ok(!rows.is_empty())
    }
}
