//! Member-written items of every kind: one table for all kinds (`content_items`), every
//! saved version (`content_revisions`) and the facet values lists filter by
//! (`content_facets`). Each change is written with its revision and its audit entry in one
//! transaction. A kind's record is JSON at a record version; older versions are upgraded by
//! the kind's own code when read ([`Written::upgrade`]).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use lshub_domain::content::{Item, Kind, LifecycleError, Owner, Revision, State, Transition, Written};
use lshub_domain::text::{fold, slugify};
use lshub_domain::{CallStatus, NewCallTopic, Page, Pagination, SourceRef};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use crate::accounts::{binds, exec, now, parse_time, queue_mail, sql, stamp, transaction, Mail};
use crate::audit::AuditEvent;
use crate::error::{QueryContext, StorageError};
use crate::record::read_record;
use crate::{Backend, Database, Progress};

/// Who makes a change, as history shows it.
#[derive(Debug, Clone, Copy)]
pub struct Author<'a> {
    /// `None` for the hub itself, e.g. an import.
    pub user_id: Option<&'a str>,
    pub label: &'a str,
}

/// What a list of items holds.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    /// Only items of this organisation.
    pub owner_id: Option<String>,
    /// Only items with each of these facet values, e.g. `("language", "nl")`.
    pub facets: Vec<(String, String)>,
    /// Only items the public sees on this day: published and not expired.
    pub listed_on: Option<NaiveDate>,
    pub pagination: Pagination,
}

/// The outcome of an edit.
#[derive(Debug)]
pub enum ItemSave<T> {
    Saved(Item<T>),
    /// The record and expiry were the same as stored.
    Unchanged(Item<T>),
    /// Someone saved a newer revision since the editor loaded it: nothing was written.
    Stale(Item<T>),
}

/// The outcome of a transition.
#[derive(Debug)]
pub enum Transitioned<T> {
    Done(Item<T>),
    /// The item's state does not allow it; nothing was written.
    Refused(LifecycleError),
}

/// An item read from another source, saved as published and found again by `key`.
#[derive(Debug, Clone)]
pub struct ImportedItem<T> {
    pub owner_id: String,
    /// A facet value only this item has (a dataset's IRI in its catalogue).
    pub key: (&'static str, String),
    pub record: T,
    /// When the source says it was published and last changed; now where it does not say.
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportedCounts {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// A published item whose expiry is close, and the addresses of its owners' members.
#[derive(Debug, Clone)]
pub struct ExpiringItem {
    pub id: String,
    pub kind: String,
    pub slug: String,
    pub title: String,
    pub expires_on: NaiveDate,
    pub recipients: Vec<String>,
}

const ITEM_COLUMNS: &str = "i.id, i.kind, i.slug, i.owner_id, o.slug AS owner_slug, o.name AS owner_name, i.state, \
     i.record, i.record_version, i.revision, i.expires_on, i.created_at, i.last_updated, i.published_at";
const ITEM_FROM: &str = "content_items i JOIN organisations o ON o.id = i.owner_id";
/// Slugs stay readable in links; the title is shown in full on the page.
const SLUG_MAX_CHARS: usize = 80;

impl Database {
    /// Saves a new draft owned by `owner_id`, with its first revision and audit entry.
    pub async fn create_item<T: Written>(
        &self,
        owner_id: &str,
        record: &T,
        expires_on: Option<NaiveDate>,
        author: Author<'_>,
        audit: AuditEvent<'_>,
    ) -> Result<Item<T>, StorageError> {
        let kind = T::KIND;
        let json = to_json(record)?;
        let id = Uuid::now_v7().to_string();
        let base = item_slug(record.title());
        transaction!(self, |backend, tx| {
            let slug = free_slug(backend, tx, kind.id, &base).await?;
            let at = now();
            exec(
                backend,
                tx,
                "INSERT INTO content_items (id, kind, slug, owner_id, state, title, sort_title, language, record, \
                 record_version, revision, expires_on, created_at, created_by, last_updated) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS INTEGER), 1, ?, ?, ?, ?)",
                binds![
                    id.clone(),
                    kind.id.to_owned(),
                    slug,
                    owner_id.to_owned(),
                    State::Draft.id().to_owned(),
                    record.title().to_owned(),
                    fold(record.title()),
                    record.language().map(|l| l.code().to_owned()),
                    json,
                    T::RECORD_VERSION.to_string(),
                    expires_on.map(|d| d.to_string()),
                    at.clone(),
                    author.user_id.map(str::to_owned),
                    at,
                ],
                "saving a new item",
            )
            .await?;
            write_facets(backend, tx, &id, record).await?;
            keep_revision(backend, tx, &id, "created", author).await?;
            crate::audit::insert(backend, tx, &audit).await?;
            Ok(())
        })
        .await?;
        self.item_by_id(&id).await?.ok_or_else(|| missing(&id))
    }

    /// Saves `items` as published, all or none: an item whose key is already stored is
    /// updated (a new revision, unless nothing changed), any other is added. One audit
    /// entry records the import.
    pub async fn import_items<T: Written>(
        &self,
        items: &[ImportedItem<T>],
        author: Author<'_>,
        audit: AuditEvent<'_>,
        progress: &dyn Progress,
    ) -> Result<ImportedCounts, StorageError> {
        let kind = T::KIND;
        progress.start(items.len() as u64);
        let counts = transaction!(self, |backend, tx| {
            let mut counts = ImportedCounts::default();
            // Addresses are chosen here rather than one query each: with thousands of items a
            // query per slug scans the kind's slugs again every time.
            let mut taken: HashSet<String> =
                sqlx::query_scalar(&sql(backend, "SELECT slug FROM content_items WHERE kind = ?"))
                    .bind(kind.id.to_owned())
                    .fetch_all(&mut **tx)
                    .await
                    .context("reading the addresses in use")?
                    .into_iter()
                    .collect();
            // The items an earlier import saved, by their key, read at once for the same reason.
            let keys: HashSet<&'static str> = items.iter().map(|item| item.key.0).collect();
            let mut stored: HashMap<(&str, String), (String, String, String, String)> = HashMap::new();
            for facet in keys {
                let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(&sql(
                    backend,
                    "SELECT f.value, i.id, i.owner_id, i.state, i.record FROM content_items i \
                     JOIN content_facets f ON f.item_id = i.id WHERE i.kind = ? AND f.facet = ?",
                ))
                .bind(kind.id.to_owned())
                .bind(facet.to_owned())
                .fetch_all(&mut **tx)
                .await
                .context("finding imported items")?;
                stored.extend(
                    rows.into_iter().map(|(value, id, owner, state, record)| ((facet, value), (id, owner, state, record))),
                );
            }
            for item in items {
                let json = to_json(&item.record)?;
                let existing = stored.get(&(item.key.0, item.key.1.clone())).cloned();
                let updated_at = item.updated_at.map_or_else(now, stamp);
                let published_at = item.published_at.map_or_else(|| updated_at.clone(), stamp);
                let title = item.record.title().to_owned();
                let language = item.record.language().map(|l| l.code().to_owned());
                let id = match existing {
                    Some((_, owner, state, record))
                        if owner == item.owner_id && state == State::Published.id() && record == json =>
                    {
                        counts.unchanged += 1;
                        progress.advance(1);
                        continue;
                    }
                    Some((id, ..)) => {
                        exec(
                            backend,
                            tx,
                            "UPDATE content_items SET owner_id = ?, state = ?, title = ?, sort_title = ?, language = ?,                              record = ?, record_version = CAST(? AS INTEGER), revision = revision + 1,                              last_updated = ?, published_at = COALESCE(published_at, ?) WHERE id = ?",
                            binds![
                                item.owner_id.clone(),
                                State::Published.id().to_owned(),
                                title.clone(),
                                fold(&title),
                                language,
                                json,
                                T::RECORD_VERSION.to_string(),
                                updated_at,
                                published_at,
                                id.clone(),
                            ],
                            "updating an imported item",
                        )
                        .await?;
                        counts.updated += 1;
                        id
                    }
                    None => {
                        let id = Uuid::now_v7().to_string();
                        let slug = first_free(&mut taken, &item_slug(&title));
                        exec(
                            backend,
                            tx,
                            "INSERT INTO content_items (id, kind, slug, owner_id, state, title, sort_title, language,                              record, record_version, revision, created_at, created_by, published_at, last_updated)                              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS INTEGER), 1, ?, ?, ?, ?)",
                            binds![
                                id.clone(),
                                kind.id.to_owned(),
                                slug,
                                item.owner_id.clone(),
                                State::Published.id().to_owned(),
                                title.clone(),
                                fold(&title),
                                language,
                                json,
                                T::RECORD_VERSION.to_string(),
                                published_at.clone(),
                                author.user_id.map(str::to_owned),
                                published_at,
                                updated_at,
                            ],
                            "saving an imported item",
                        )
                        .await?;
                        counts.added += 1;
                        id
                    }
                };
                write_facets(backend, tx, &id, &item.record).await?;
                keep_revision(backend, tx, &id, "imported", author).await?;
                progress.advance(1);
            }
            crate::audit::insert(backend, tx, &audit).await?;
            Ok(counts)
        })
        .await?;
        progress.finish();
        Ok(counts)
    }

    /// The item of kind `T` at `slug`, in whatever state.
    pub async fn item<T: Written>(&self, slug: &str) -> Result<Option<Item<T>>, StorageError> {
        self.item_where::<T>("slug", slug).await
    }

    /// Whether a published item of `kind` has the address name `slug`.
    pub async fn item_is_published(&self, kind: &Kind, slug: &str) -> Result<bool, StorageError> {
        let rows = self
            .query_rows(
                "SELECT id FROM content_items WHERE kind = ? AND slug = ? AND state = 'published'",
                binds![kind.id.to_owned(), slug.to_owned()],
                "finding a published item",
            )
            .await?;
        Ok(!rows.is_empty())
    }

    pub async fn item_by_id<T: Written>(&self, id: &str) -> Result<Option<Item<T>>, StorageError> {
        self.item_where::<T>("id", id).await
    }

    async fn item_where<T: Written>(&self, column: &str, value: &str) -> Result<Option<Item<T>>, StorageError> {
        let rows = self
            .query_rows(
                &format!("SELECT {ITEM_COLUMNS} FROM {ITEM_FROM} WHERE i.kind = ? AND i.{column} = ?"),
                binds![T::KIND.id.to_owned(), value.to_owned()],
                "reading an item",
            )
            .await?;
        rows.first().map(item_from_row).transpose()
    }

    /// One page of items of kind `T`, newest first (by first publication, then last change).
    pub async fn list_items<T: Written>(&self, filter: &ItemFilter) -> Result<Page<Item<T>>, StorageError> {
        let mut condition = String::from("i.kind = ?");
        let mut args = binds![T::KIND.id.to_owned()];
        if let Some(owner) = &filter.owner_id {
            condition.push_str(" AND i.owner_id = ?");
            args.push(Some(owner.clone()));
        }
        for (facet, value) in &filter.facets {
            condition.push_str(
                " AND EXISTS (SELECT 1 FROM content_facets f WHERE f.item_id = i.id AND f.facet = ? AND f.value = ?)",
            );
            args.extend(binds![facet.clone(), value.clone()]);
        }
        if let Some(today) = filter.listed_on {
            condition.push_str(" AND i.state = ? AND (i.expires_on IS NULL OR i.expires_on >= ?)");
            args.extend(binds![State::Published.id().to_owned(), today.to_string()]);
        }
        let total: i64 = {
            let rows = self
                .query_rows(
                    &format!("SELECT COUNT(*) AS n FROM {ITEM_FROM} WHERE {condition}"),
                    args.clone(),
                    "counting items",
                )
                .await?;
            rows.first().map(|r| r.try_get("n")).transpose().context("counting items")?.unwrap_or(0)
        };
        let Pagination { limit, offset } = filter.pagination;
        let rows = self
            .query_rows(
                &format!(
                    "SELECT {ITEM_COLUMNS} FROM {ITEM_FROM} WHERE {condition} \
                     ORDER BY i.published_at IS NULL, i.published_at DESC, i.last_updated DESC, i.id \
                     LIMIT {limit} OFFSET {offset}"
                ),
                args,
                "listing items",
            )
            .await?;
        let items = rows.iter().map(item_from_row).collect::<Result<_, _>>()?;
        Ok(Page { items, total })
    }

    /// Every item of kind `T` the public sees on `today`, for search and feeds.
    pub async fn listed_items<T: Written>(&self, today: NaiveDate) -> Result<Vec<Item<T>>, StorageError> {
        let rows = self
            .query_rows(
                &format!(
                    "SELECT {ITEM_COLUMNS} FROM {ITEM_FROM} WHERE i.kind = ? AND i.state = ? \
                     AND (i.expires_on IS NULL OR i.expires_on >= ?) ORDER BY i.published_at DESC, i.id"
                ),
                binds![T::KIND.id.to_owned(), State::Published.id().to_owned(), today.to_string()],
                "listing published items",
            )
            .await?;
        rows.iter().map(item_from_row).collect()
    }

    /// Every item of a kind, whatever its state, oldest first: for exports.
    pub async fn all_items<T: Written>(&self) -> Result<Vec<Item<T>>, StorageError> {
        let rows = self
            .query_rows(
                &format!("SELECT {ITEM_COLUMNS} FROM {ITEM_FROM} WHERE i.kind = ? ORDER BY i.created_at, i.id"),
                binds![T::KIND.id.to_owned()],
                "listing every item",
            )
            .await?;
        rows.iter().map(item_from_row).collect()
    }

    /// Saves a change made to revision `edited_from`. When someone saved since, nothing is
    /// written ([`ItemSave::Stale`]), so that no one's change is silently undone.
    pub async fn edit_item<T: Written>(
        &self,
        id: &str,
        edited_from: i64,
        record: &T,
        expires_on: Option<NaiveDate>,
        author: Author<'_>,
        audit: AuditEvent<'_>,
    ) -> Result<ItemSave<T>, StorageError> {
        let json = to_json(record)?;
        let kind = T::KIND;
        let outcome = transaction!(self, |backend, tx| {
            let Some((_, revision, stored, stored_version, stored_expiry)) = current(backend, tx, kind.id, id).await?
            else {
                return Err(missing(id));
            };
            if revision != edited_from {
                return Ok(Some(false));
            }
            let same_record = read_record::<T>(id, stored_version, &stored)? == *record;
            if same_record && stored_expiry == expires_on.map(|d| d.to_string()) {
                return Ok(None);
            }
            exec(
                backend,
                tx,
                "UPDATE content_items SET title = ?, sort_title = ?, language = ?, record = ?, \
                 record_version = CAST(? AS INTEGER), expires_on = ?, \
                 expiry_reminded_on = CASE WHEN expires_on = ? THEN expiry_reminded_on ELSE NULL END, \
                 revision = revision + 1, last_updated = ? WHERE id = ?",
                binds![
                    record.title().to_owned(),
                    fold(record.title()),
                    record.language().map(|l| l.code().to_owned()),
                    json,
                    T::RECORD_VERSION.to_string(),
                    expires_on.map(|d| d.to_string()),
                    expires_on.map(|d| d.to_string()),
                    now(),
                    id.to_owned(),
                ],
                "saving an item",
            )
            .await?;
            write_facets(backend, tx, id, record).await?;
            list_as_call::<T>(backend, tx, id).await?;
            keep_revision(backend, tx, id, "edited", author).await?;
            crate::audit::insert(backend, tx, &audit).await?;
            Ok(Some(true))
        })
        .await?;
        let item = self.item_by_id(id).await?.ok_or_else(|| missing(id))?;
        Ok(match outcome {
            Some(true) => ItemSave::Saved(item),
            Some(false) => ItemSave::Stale(item),
            None => ItemSave::Unchanged(item),
        })
    }

    /// Moves an item to the state `transition` leads to from its current one.
    pub async fn transition_item<T: Written>(
        &self,
        id: &str,
        transition: Transition,
        author: Author<'_>,
        audit: AuditEvent<'_>,
    ) -> Result<Transitioned<T>, StorageError> {
        let kind = T::KIND;
        let refused = transaction!(self, |backend, tx| {
            let Some((state, ..)) = current(backend, tx, kind.id, id).await? else { return Err(missing(id)) };
            let to = match transition.apply(kind, state) {
                Ok(to) => to,
                Err(refused) => return Ok(Some(refused)),
            };
            let at = now();
            exec(
                backend,
                tx,
                "UPDATE content_items SET state = ?, revision = revision + 1, last_updated = ?, \
                 published_at = CASE WHEN ? = 'published' THEN COALESCE(published_at, ?) ELSE published_at END \
                 WHERE id = ?",
                binds![to.id().to_owned(), at.clone(), to.id().to_owned(), at, id.to_owned()],
                "changing an item's state",
            )
            .await?;
            list_as_call::<T>(backend, tx, id).await?;
            keep_revision(backend, tx, id, transition.id(), author).await?;
            crate::audit::insert(backend, tx, &audit).await?;
            Ok(None)
        })
        .await?;
        match refused {
            Some(refused) => Ok(Transitioned::Refused(refused)),
            None => Ok(Transitioned::Done(self.item_by_id(id).await?.ok_or_else(|| missing(id))?)),
        }
    }

    /// Removes an item with its history; the audit log keeps that it was deleted.
    pub async fn delete_item(&self, id: &str, audit: AuditEvent<'_>) -> Result<(), StorageError> {
        transaction!(self, |backend, tx| {
            for (statement, context) in [
                ("DELETE FROM content_facets WHERE item_id = ?", "deleting an item's facets"),
                ("DELETE FROM content_revisions WHERE item_id = ?", "deleting an item's history"),
                ("DELETE FROM content_items WHERE id = ?", "deleting an item"),
            ] {
                exec(backend, tx, statement, binds![id.to_owned()], context).await?;
            }
            crate::audit::insert(backend, tx, &audit).await
        })
        .await
    }

    /// Every saved version of an item, newest first.
    pub async fn item_history<T: Written>(&self, id: &str) -> Result<Vec<Revision<T>>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT revision, state, change, record, record_version, changed_by_label, changed_at \
                 FROM content_revisions WHERE item_id = ? ORDER BY revision DESC",
                binds![id.to_owned()],
                "reading an item's history",
            )
            .await?;
        rows.iter()
            .map(|row| {
                let state: String = row.try_get("state").context("reading an item's history")?;
                let changed_at: String = row.try_get("changed_at").context("reading an item's history")?;
                let record: String = row.try_get("record").context("reading an item's history")?;
                let version: i64 = row.try_get("record_version").context("reading an item's history")?;
                Ok(Revision {
                    revision: row.try_get("revision").context("reading an item's history")?,
                    state: parse_state(id, &state)?,
                    change: row.try_get("change").context("reading an item's history")?,
                    changed_by: row.try_get("changed_by_label").context("reading an item's history")?,
                    changed_at: parse_time(&changed_at, id)?,
                    record: read_record(id, version, &record)?,
                })
            })
            .collect()
    }

    /// Published items of any kind that expire within `days` of `today` and whose owners have
    /// not been reminded yet, with the addresses of the owners' members.
    pub async fn items_expiring(&self, today: NaiveDate, days: i64) -> Result<Vec<ExpiringItem>, StorageError> {
        let until = today + chrono::Duration::days(days);
        let rows = self
            .query_rows(
                "SELECT i.id, i.kind, i.slug, i.title, i.expires_on, u.email FROM content_items i \
                 LEFT JOIN organisation_members m ON m.organisation_id = i.owner_id \
                 LEFT JOIN users u ON u.id = m.user_id AND u.disabled_at IS NULL \
                 WHERE i.state = ? AND i.expires_on >= ? AND i.expires_on <= ? AND i.expiry_reminded_on IS NULL \
                 ORDER BY i.expires_on, i.id",
                binds![State::Published.id().to_owned(), today.to_string(), until.to_string()],
                "finding items that expire soon",
            )
            .await?;
        let mut items: Vec<ExpiringItem> = Vec::new();
        for row in &rows {
            let id: String = row.try_get("id").context("finding items that expire soon")?;
            let email: Option<String> = row.try_get("email").context("finding items that expire soon")?;
            if items.last().is_none_or(|last| last.id != id) {
                let expires_on: String = row.try_get("expires_on").context("finding items that expire soon")?;
                items.push(ExpiringItem {
                    kind: row.try_get("kind").context("finding items that expire soon")?,
                    slug: row.try_get("slug").context("finding items that expire soon")?,
                    title: row.try_get("title").context("finding items that expire soon")?,
                    expires_on: parse_date(&id, &expires_on)?,
                    recipients: Vec::new(),
                    id,
                });
            }
            if let (Some(email), Some(item)) = (email, items.last_mut()) {
                item.recipients.push(email);
            }
        }
        Ok(items)
    }

    /// Queues the reminder mails for an expiring item and marks it reminded, together, so a
    /// reminder is sent once however many nodes look.
    pub async fn remind_of_expiry(&self, id: &str, today: NaiveDate, mails: &[Mail<'_>]) -> Result<bool, StorageError> {
        transaction!(self, |backend, tx| {
            let marked = exec(
                backend,
                tx,
                "UPDATE content_items SET expiry_reminded_on = ? WHERE id = ? AND expiry_reminded_on IS NULL",
                binds![today.to_string(), id.to_owned()],
                "marking an expiry reminder",
            )
            .await?;
            if marked == 0 {
                return Ok(false);
            }
            for mail in mails {
                queue_mail(backend, tx, Mail { recipient: mail.recipient, subject: mail.subject, body: mail.body })
                    .await?;
            }
            Ok(true)
        })
        .await
    }
}

fn to_json<T: Written>(record: &T) -> Result<String, StorageError> {
    serde_json::to_string(record).map_err(|e| StorageError::Bind(format!("{} record: {e}", T::KIND.id)))
}

fn missing(id: &str) -> StorageError {
    StorageError::CorruptRecord { id: id.to_owned(), reason: "the item is gone".into() }
}

/// A slug from the title: readable, ASCII, at most [`SLUG_MAX_CHARS`] characters.
/// `base`, or `base-2`, `base-3`, … whichever `taken` does not hold yet; it is taken then.
fn first_free(taken: &mut HashSet<String>, base: &str) -> String {
    let mut candidate = base.to_owned();
    let mut n = 1;
    while taken.contains(&candidate) {
        n += 1;
        candidate = format!("{base}-{n}");
    }
    taken.insert(candidate.clone());
    candidate
}

fn item_slug(title: &str) -> String {
    let slug = slugify(title);
    let mut cut: String = slug.chars().take(SLUG_MAX_CHARS).collect();
    while cut.ends_with('-') {
        cut.pop();
    }
    if cut.is_empty() {
        "item".to_owned()
    } else if ROUTE_WORDS.contains(&cut.as_str()) {
        // The kinds' own pages (`/spaces/find`, `/news/new`) would hide an item's page.
        format!("{cut}-item")
    } else {
        cut
    }
}

/// Path segments the kinds' pages use beside their items' slugs.
const ROUTE_WORDS: &[&str] = &["new", "find"];

/// `base`, or `base-2`, `base-3` ... whichever is free for the kind; read in the write
/// transaction, so two writers cannot take the same one.
async fn free_slug(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    kind: &str,
    base: &str,
) -> Result<String, StorageError> {
    let taken: Vec<String> = sqlx::query_scalar(&sql(
        backend,
        "SELECT slug FROM content_items WHERE kind = ? AND (slug = ? OR slug LIKE ?)",
    ))
    .bind(kind.to_owned())
    .bind(base.to_owned())
    .bind(format!("{base}-%"))
    .fetch_all(&mut **tx)
    .await
    .context("finding a free address name")?;
    Ok(first_free(&mut taken.into_iter().collect(), base))
}

/// The stored state, revision, record, record version and expiry of an item, read in the
/// write transaction.
async fn current(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    kind: &str,
    id: &str,
) -> Result<Option<(State, i64, String, i64, Option<String>)>, StorageError> {
    let row: Option<AnyRow> = sqlx::query(&sql(
        backend,
        "SELECT state, revision, record, record_version, expires_on FROM content_items WHERE kind = ? AND id = ?",
    ))
    .bind(kind.to_owned())
    .bind(id.to_owned())
    .fetch_optional(&mut **tx)
    .await
    .context("reading an item")?;
    let Some(row) = row else { return Ok(None) };
    let state: String = row.try_get("state").context("reading an item")?;
    Ok(Some((
        parse_state(id, &state)?,
        row.try_get("revision").context("reading an item")?,
        row.try_get("record").context("reading an item")?,
        row.try_get("record_version").context("reading an item")?,
        row.try_get("expires_on").context("reading an item")?,
    )))
}

/// For a kind whose items are calls ([`Written::as_call`]): lists a published item among the
/// calls, or closes the call an unpublished one was listed as, with the changelog's entry,
/// in the item's own transaction. An item never published leaves the calls alone.
async fn list_as_call<T: Written>(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    id: &str,
) -> Result<(), StorageError> {
    let row: AnyRow =
        sqlx::query(&sql(backend, "SELECT slug, state, record, record_version FROM content_items WHERE id = ?"))
            .bind(id.to_owned())
            .fetch_one(&mut **tx)
            .await
            .context("reading an item listed as a call")?;
    let read = |column: &str| row.try_get::<String, _>(column).context("reading an item listed as a call");
    let (slug, state) = (read("slug")?, parse_state(id, &read("state")?)?);
    let version: i64 = row.try_get("record_version").context("reading an item listed as a call")?;
    let record = read_record::<T>(id, version, &read("record")?)?;
    let Some(mut content) = record.as_call(&slug) else { return Ok(()) };
    if state != State::Published {
        let listed = crate::call_changes::stored_calls(backend, tx, Some(&content.topic_id)).await?;
        if listed.is_empty() {
            return Ok(());
        }
        content.source_status = CallStatus::Closed;
    }
    let topic_id = content.topic_id.clone();
    let call = NewCallTopic { content, source: SourceRef { source: T::KIND.id.to_owned(), source_id: slug } };
    call.validate().map_err(|e| StorageError::Bind(format!("the call of item {id}: {e}")))?;
    crate::calls::write_calls(backend, tx, &[call], Some(&topic_id), &crate::NoProgress).await?;
    Ok(())
}

/// Copies the item as it now stands into its history.
async fn keep_revision(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    id: &str,
    change: &str,
    author: Author<'_>,
) -> Result<(), StorageError> {
    exec(
        backend,
        tx,
        "INSERT INTO content_revisions (item_id, revision, state, change, record, record_version, changed_by, \
         changed_by_label, changed_at) \
         SELECT id, revision, state, ?, record, record_version, ?, ?, last_updated FROM content_items WHERE id = ?",
        binds![change.to_owned(), author.user_id.map(str::to_owned), author.label.to_owned(), id.to_owned()],
        "keeping an item's history",
    )
    .await
    .map(|_| ())
}

async fn write_facets<T: Written>(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    id: &str,
    record: &T,
) -> Result<(), StorageError> {
    exec(backend, tx, "DELETE FROM content_facets WHERE item_id = ?", binds![id.to_owned()], "replacing facets")
        .await?;
    let mut facets = record.facets();
    facets.sort();
    facets.dedup();
    for (facet, value) in facets {
        exec(
            backend,
            tx,
            "INSERT INTO content_facets (item_id, facet, value) VALUES (?, ?, ?)",
            binds![id.to_owned(), facet.to_owned(), value],
            "saving facets",
        )
        .await?;
    }
    Ok(())
}

fn parse_state(id: &str, text: &str) -> Result<State, StorageError> {
    State::from_id(text)
        .ok_or_else(|| StorageError::CorruptRecord { id: id.to_owned(), reason: format!("unknown state {text}") })
}

fn parse_date(id: &str, text: &str) -> Result<NaiveDate, StorageError> {
    text.parse()
        .map_err(|e: chrono::ParseError| StorageError::CorruptRecord { id: id.to_owned(), reason: e.to_string() })
}

fn item_from_row<T: Written>(row: &AnyRow) -> Result<Item<T>, StorageError> {
    let get = |column: &str| -> Result<String, StorageError> { row.try_get(column).context("reading an item") };
    let id = get("id")?;
    let kind_id = get("kind")?;
    if kind_id != T::KIND.id {
        return Err(StorageError::CorruptRecord { id, reason: format!("is a {kind_id}, not a {}", T::KIND.id) });
    }
    let version: i64 = row.try_get("record_version").context("reading an item")?;
    let expires_on: Option<String> = row.try_get("expires_on").context("reading an item")?;
    let published_at: Option<String> = row.try_get("published_at").context("reading an item")?;
    Ok(Item {
        kind: T::KIND,
        slug: get("slug")?,
        owner: Owner { id: get("owner_id")?, slug: get("owner_slug")?, name: get("owner_name")? },
        state: parse_state(&id, &get("state")?)?,
        revision: row.try_get("revision").context("reading an item")?,
        expires_on: expires_on.map(|d| parse_date(&id, &d)).transpose()?,
        created_at: parse_time(&get("created_at")?, &id)?,
        updated_at: parse_time(&get("last_updated")?, &id)?,
        published_at: published_at.map(|t| parse_time(&t, &id)).transpose()?,
        record: read_record(&id, version, &get("record")?)?,
        id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lshub_domain::news::News;

    #[test]
    fn slugs_are_short_readable_and_never_empty() {
        assert_eq!(item_slug("Sanquin opens a biobank!"), "sanquin-opens-a-biobank");
        assert_eq!(item_slug("???"), "item");
        assert!(item_slug(&"long words ".repeat(30)).chars().count() <= SLUG_MAX_CHARS);
        assert!(!item_slug(&"long words ".repeat(30)).ends_with('-'));
    }

    #[test]
    fn records_from_a_newer_hub_are_refused() {
        let json = r#"{"title":"t","body":"b","language":"en"}"#;
        assert!(read_record::<News>("x", 1, json).is_ok());
        let newer = read_record::<News>("x", 2, json).unwrap_err();
        assert!(newer.to_string().contains("newer than this hub's 1"), "{newer}");
        let older = read_record::<News>("x", 0, json).unwrap_err();
        assert!(older.to_string().contains("no upgrade from record version 0"), "{older}");
    }
}
