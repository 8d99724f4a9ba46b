//! Access requests: catalogue items, the applications' append-only event logs, the
//! entitlements approvals give, and attachments stored under the hash of their bytes.
//! Events are only ever inserted; every change an event causes (the list indexes, the
//! entitlements, the mails it sends) is written in the same transaction, or nothing is.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use lshub_domain::access::application::{Application, AttachmentRef, Recorded, State};
use lshub_domain::access::catalogue::CatalogueItem;
use lshub_domain::access::entitlement::Entitlement;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use crate::accounts::{binds, exec, now, parse_time, queue_mail, stamp, transaction, Mail};
use crate::audit::{self, AuditEvent};
use crate::error::{QueryContext, StorageError};
use crate::{Backend, Database};

/// The tables public pages read (what can be requested, each holder's figures), so a change
/// to them empties the public cache.
pub(crate) const PUBLIC_TABLES: [&str; 2] = ["catalogue_items", "applications"];

/// A catalogue item with its holder.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCatalogueItem {
    pub id: String,
    pub holder_id: String,
    pub holder_slug: String,
    pub holder_name: String,
    pub item: CatalogueItem,
    pub last_updated: DateTime<Utc>,
}

/// An application as lists show it, without its log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationSummary {
    pub id: String,
    pub applicant_id: String,
    pub state: State,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub last_updated: DateTime<Utc>,
}

/// Which entitlements an event ends: all of the application's, or one person's; revoked
/// with a reason, or ended now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntitlementsEnded<'a> {
    pub user_id: Option<&'a str>,
    pub revoked_reason: Option<&'a str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntitlementsOf<'a> {
    Application(&'a str),
    Holder(&'a str),
}

/// Events to append to an application's log and everything they cause.
pub struct Appending<'a> {
    pub application_id: &'a str,
    pub events: &'a [Recorded],
    /// The application's state after the events.
    pub state: State,
    pub submitted_at: Option<DateTime<Utc>>,
    /// Users who now take part (members who joined, reviewers and deciders asked).
    pub parties: &'a [String],
    pub entitlements: &'a [Entitlement],
    pub ended: Option<EntitlementsEnded<'a>>,
    /// A document added by the events, with its bytes.
    pub attachment: Option<(&'a AttachmentRef, &'a [u8])>,
    pub mails: &'a [Mail<'a>],
    pub audit: AuditEvent<'a>,
}

/// Whether the events were appended, or someone else appended first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appended {
    Done,
    Stale,
}

fn to_json<T: serde::Serialize>(value: &T, what: &str) -> Result<String, StorageError> {
    serde_json::to_string(value).map_err(|e| StorageError::Bind(format!("{what}: {e}")))
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str, id: &str) -> Result<T, StorageError> {
    serde_json::from_str(text).map_err(|e| StorageError::CorruptRecord { id: id.to_owned(), reason: e.to_string() })
}

async fn insert_event(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    application_id: &str,
    recorded: &Recorded,
) -> Result<(), StorageError> {
    exec(
        backend,
        tx,
        "INSERT INTO application_events (application_id, seq, event_type, actor_id, at, payload) \
         VALUES (?, CAST(? AS BIGINT), ?, ?, ?, ?)",
        binds![
            application_id.to_owned(),
            recorded.seq.to_string(),
            recorded.event.id().to_owned(),
            recorded.actor.clone(),
            stamp(recorded.at),
            to_json(&recorded.event, "an application event")?,
        ],
        "appending an application event",
    )
    .await
    .map(|_| ())
}

impl Database {
    /// Saves a new catalogue item of the organisation with id `holder_id`; returns its id.
    pub async fn create_catalogue_item(
        &self,
        holder_id: &str,
        item: &CatalogueItem,
        audit: AuditEvent<'_>,
    ) -> Result<String, StorageError> {
        let id = Uuid::now_v7().to_string();
        let record = to_json(item, "a catalogue item")?;
        transaction!(self, |backend, tx| {
            let at = now();
            exec(
                backend,
                tx,
                "INSERT INTO catalogue_items (id, holder_id, record, created_at, last_updated) VALUES (?, ?, ?, ?, ?)",
                binds![id.clone(), holder_id.to_owned(), record, at.clone(), at],
                "saving a catalogue item",
            )
            .await?;
            save_item_datasets(backend, tx, &id, item).await?;
            audit::insert(backend, tx, &audit).await
        })
        .await?;
        Ok(id)
    }

    /// Replaces a catalogue item's definition; applications already made keep the licences
    /// and answers they have.
    pub async fn update_catalogue_item(
        &self,
        id: &str,
        item: &CatalogueItem,
        audit: AuditEvent<'_>,
    ) -> Result<(), StorageError> {
        let record = to_json(item, "a catalogue item")?;
        transaction!(self, |backend, tx| {
            exec(
                backend,
                tx,
                "UPDATE catalogue_items SET record = ?, last_updated = ? WHERE id = ?",
                binds![record, now(), id.to_owned()],
                "saving a catalogue item",
            )
            .await?;
            exec(
                backend,
                tx,
                "DELETE FROM catalogue_item_datasets WHERE catalogue_item_id = ?",
                binds![id.to_owned()],
                "saving a catalogue item's datasets",
            )
            .await?;
            save_item_datasets(backend, tx, id, item).await?;
            audit::insert(backend, tx, &audit).await
        })
        .await
    }

    /// Catalogue items, of one holder or of all, the holder's first.
    pub async fn catalogue_items(&self, holder_id: Option<&str>) -> Result<Vec<StoredCatalogueItem>, StorageError> {
        let (condition, values) = match holder_id {
            Some(holder) => ("WHERE c.holder_id = ?", binds![holder.to_owned()]),
            None => ("", vec![]),
        };
        let rows = self
            .query_rows(
                &format!(
                    "SELECT c.id, c.holder_id, o.slug, o.name, c.record, c.last_updated FROM catalogue_items c \
                     JOIN organisations o ON o.id = c.holder_id {condition} ORDER BY o.sort_name, c.created_at"
                ),
                values,
                "listing catalogue items",
            )
            .await?;
        rows.iter().map(catalogue_item).collect()
    }

    pub async fn catalogue_item(&self, id: &str) -> Result<Option<StoredCatalogueItem>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT c.id, c.holder_id, o.slug, o.name, c.record, c.last_updated FROM catalogue_items c \
                 JOIN organisations o ON o.id = c.holder_id WHERE c.id = ?",
                binds![id.to_owned()],
                "reading a catalogue item",
            )
            .await?;
        rows.first().map(catalogue_item).transpose()
    }

    /// The catalogue items that offer the dataset at `slug`.
    pub async fn catalogue_items_with_dataset(&self, slug: &str) -> Result<Vec<StoredCatalogueItem>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT c.id, c.holder_id, o.slug, o.name, c.record, c.last_updated FROM catalogue_items c \
                 JOIN organisations o ON o.id = c.holder_id \
                 JOIN catalogue_item_datasets d ON d.catalogue_item_id = c.id WHERE d.dataset_slug = ? \
                 ORDER BY c.created_at",
                binds![slug.to_owned()],
                "listing a dataset's catalogue items",
            )
            .await?;
        rows.iter().map(catalogue_item).collect()
    }

    /// Starts an application with its first event, `created`.
    pub async fn create_application(
        &self,
        id: &str,
        created: &Recorded,
        holders: &[String],
        audit: AuditEvent<'_>,
    ) -> Result<(), StorageError> {
        transaction!(self, |backend, tx| {
            let at = stamp(created.at);
            exec(
                backend,
                tx,
                "INSERT INTO applications (id, applicant_id, state, created_at, last_updated) VALUES (?, ?, ?, ?, ?)",
                binds![id.to_owned(), created.actor.clone(), State::Draft.id().to_owned(), at.clone(), at],
                "saving an application",
            )
            .await?;
            insert_event(backend, tx, id, created).await?;
            for holder in holders {
                exec(
                    backend,
                    tx,
                    "INSERT INTO application_holders (application_id, holder_id) VALUES (?, ?)",
                    binds![id.to_owned(), holder.clone()],
                    "saving an application's holders",
                )
                .await?;
            }
            audit::insert(backend, tx, &audit).await
        })
        .await
    }

    /// The application's log, oldest first; empty when there is no such application.
    pub async fn application_log(&self, id: &str) -> Result<Vec<Recorded>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT application_id, seq, actor_id, at, payload FROM application_events WHERE application_id = ? \
                 ORDER BY seq",
                binds![id.to_owned()],
                "reading an application's events",
            )
            .await?;
        rows.iter().map(|row| recorded(row).map(|(_, r)| r)).collect()
    }

    /// Appends events after the last one the caller read (`Stale` if someone appended first)
    /// with everything they cause, in one transaction.
    pub async fn append_events(&self, appending: Appending<'_>) -> Result<Appended, StorageError> {
        let result = transaction!(self, |backend, tx| {
            let id = appending.application_id;
            for recorded in appending.events {
                insert_event(backend, tx, id, recorded).await?;
            }
            let last = appending.events.last().map_or_else(now, |e| stamp(e.at));
            exec(
                backend,
                tx,
                "UPDATE applications SET state = ?, submitted_at = ?, last_updated = ? WHERE id = ?",
                binds![appending.state.id().to_owned(), appending.submitted_at.map(stamp), last.clone(), id.to_owned()],
                "saving an application's state",
            )
            .await?;
            for user in appending.parties {
                exec(
                    backend,
                    tx,
                    "INSERT INTO application_parties (application_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    binds![id.to_owned(), user.clone()],
                    "saving an application's parties",
                )
                .await?;
            }
            for entitlement in appending.entitlements {
                exec(
                    backend,
                    tx,
                    "INSERT INTO entitlements (id, application_id, user_id, catalogue_item_id, holder_id, starts_at, \
                     ends_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    binds![
                        Uuid::now_v7().to_string(),
                        id.to_owned(),
                        entitlement.user_id.clone(),
                        entitlement.catalogue_item.clone(),
                        entitlement.holder_id.clone(),
                        stamp(entitlement.starts_at),
                        stamp(entitlement.ends_at),
                    ],
                    "saving an entitlement",
                )
                .await?;
            }
            if let Some(ended) = appending.ended {
                end_entitlements(backend, tx, id, ended, &last).await?;
            }
            if let Some((attachment, bytes)) = appending.attachment {
                save_attachment(backend, tx, attachment, bytes).await?;
            }
            for mail in appending.mails {
                queue_mail(backend, tx, *mail).await?;
            }
            audit::insert(backend, tx, &appending.audit).await
        })
        .await;
        match result {
            Ok(()) => Ok(Appended::Done),
            Err(StorageError::Query { source: sqlx::Error::Database(e), .. }) if e.is_unique_violation() => {
                Ok(Appended::Stale)
            }
            Err(e) => Err(e),
        }
    }

    /// Applications `user_id` started or takes part in, and those made to the holders in
    /// `holders`; the most recently changed first.
    pub async fn applications_of(
        &self,
        user_id: &str,
        holders: &[String],
    ) -> Result<Vec<ApplicationSummary>, StorageError> {
        let holder_list = if holders.is_empty() { "NULL".to_owned() } else { vec!["?"; holders.len()].join(", ") };
        let mut values = binds![user_id.to_owned(), user_id.to_owned()];
        values.extend(holders.iter().map(|h| Some(h.clone())));
        let rows = self
            .query_rows(
                &format!(
                    "SELECT id, applicant_id, state, created_at, submitted_at, last_updated FROM applications a \
                     WHERE applicant_id = ? \
                     OR EXISTS (SELECT 1 FROM application_parties p WHERE p.application_id = a.id AND p.user_id = ?) \
                     OR EXISTS (SELECT 1 FROM application_holders h WHERE h.application_id = a.id \
                     AND h.holder_id IN ({holder_list})) ORDER BY last_updated DESC"
                ),
                values,
                "listing applications",
            )
            .await?;
        rows.iter().map(summary).collect()
    }

    /// Every application made to the holder with id `holder_id`, with its log, for figures.
    pub async fn holder_applications(&self, holder_id: &str) -> Result<Vec<Application>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT e.application_id, e.seq, e.actor_id, e.at, e.payload FROM application_events e \
                 JOIN application_holders h ON h.application_id = e.application_id WHERE h.holder_id = ? \
                 ORDER BY e.application_id, e.seq",
                binds![holder_id.to_owned()],
                "reading a holder's applications",
            )
            .await?;
        let mut logs: BTreeMap<String, Vec<Recorded>> = BTreeMap::new();
        for row in &rows {
            let (id, event) = recorded(row)?;
            logs.entry(id).or_default().push(event);
        }
        Ok(logs.into_iter().filter_map(|(id, log)| Application::replay(&id, log)).collect())
    }

    /// Entitlements of one application or of one holder, oldest first.
    pub async fn entitlements(&self, of: EntitlementsOf<'_>) -> Result<Vec<Entitlement>, StorageError> {
        let (column, value) = match of {
            EntitlementsOf::Application(id) => ("application_id", id),
            EntitlementsOf::Holder(id) => ("holder_id", id),
        };
        let rows = self
            .query_rows(
                &format!(
                    "SELECT application_id, user_id, catalogue_item_id, holder_id, starts_at, ends_at, revoked_at, \
                     revoked_reason FROM entitlements WHERE {column} = ? ORDER BY starts_at, user_id, catalogue_item_id"
                ),
                binds![value.to_owned()],
                "listing entitlements",
            )
            .await?;
        rows.iter().map(entitlement).collect()
    }

    /// An attachment's content type and bytes.
    pub async fn attachment(&self, hash: &str) -> Result<Option<(String, Vec<u8>)>, StorageError> {
        let statement =
            crate::accounts::sql(self.backend(), "SELECT content_type, bytes FROM attachments WHERE hash = ?");
        let row = sqlx::query(&statement)
            .bind(hash.to_owned())
            .fetch_optional(self.pool())
            .await
            .context("reading an attachment")?;
        row.map(|row| {
            let content_type: String = row.try_get("content_type").context("reading an attachment")?;
            let bytes: Vec<u8> = row.try_get("bytes").context("reading an attachment")?;
            Ok((content_type, bytes))
        })
        .transpose()
    }
}

async fn save_item_datasets(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    id: &str,
    item: &CatalogueItem,
) -> Result<(), StorageError> {
    for slug in &item.datasets {
        exec(
            backend,
            tx,
            "INSERT INTO catalogue_item_datasets (catalogue_item_id, dataset_slug) VALUES (?, ?)",
            binds![id.to_owned(), slug.clone()],
            "saving a catalogue item's datasets",
        )
        .await?;
    }
    Ok(())
}

async fn end_entitlements(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    application_id: &str,
    ended: EntitlementsEnded<'_>,
    at: &str,
) -> Result<(), StorageError> {
    let mut values = binds![at.to_owned()];
    let set = match ended.revoked_reason {
        Some(reason) => {
            values.push(Some(reason.to_owned()));
            "revoked_at = ?, revoked_reason = ?"
        }
        None => "ends_at = ?",
    };
    values.extend(binds![application_id.to_owned(), at.to_owned()]);
    let whose = match ended.user_id {
        Some(user) => {
            values.push(Some(user.to_owned()));
            "AND user_id = ?"
        }
        None => "",
    };
    exec(
        backend,
        tx,
        &format!(
            "UPDATE entitlements SET {set} WHERE application_id = ? AND revoked_at IS NULL AND ends_at > ? {whose}"
        ),
        values,
        "ending entitlements",
    )
    .await
    .map(|_| ())
}

/// Stores the bytes once: the same document attached twice is one row.
async fn save_attachment(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    attachment: &AttachmentRef,
    bytes: &[u8],
) -> Result<(), StorageError> {
    let statement = crate::accounts::sql(
        backend,
        "INSERT INTO attachments (hash, content_type, size, bytes, created_at) VALUES (?, ?, ?, ?, ?) \
         ON CONFLICT (hash) DO NOTHING",
    );
    sqlx::query(&statement)
        .bind(attachment.hash.clone())
        .bind(attachment.content_type.clone())
        .bind(attachment.size as i64)
        .bind(bytes.to_vec())
        .bind(now())
        .execute(&mut **tx)
        .await
        .context("saving an attachment")
        .map(|_| ())
}

fn text(row: &AnyRow, column: &str, what: &'static str) -> Result<String, StorageError> {
    row.try_get::<String, _>(column).context(what)
}

fn catalogue_item(row: &AnyRow) -> Result<StoredCatalogueItem, StorageError> {
    const WHAT: &str = "reading a catalogue item";
    let id = text(row, "id", WHAT)?;
    Ok(StoredCatalogueItem {
        item: from_json(&text(row, "record", WHAT)?, &id)?,
        holder_id: text(row, "holder_id", WHAT)?,
        holder_slug: text(row, "slug", WHAT)?,
        holder_name: text(row, "name", WHAT)?,
        last_updated: parse_time(&text(row, "last_updated", WHAT)?, WHAT)?,
        id,
    })
}

fn recorded(row: &AnyRow) -> Result<(String, Recorded), StorageError> {
    const WHAT: &str = "reading an application event";
    let id = text(row, "application_id", WHAT)?;
    let seq: i64 = row.try_get("seq").context(WHAT)?;
    let event = from_json(&text(row, "payload", WHAT)?, &format!("{id}#{seq}"))?;
    let recorded =
        Recorded { seq, actor: text(row, "actor_id", WHAT)?, at: parse_time(&text(row, "at", WHAT)?, WHAT)?, event };
    Ok((id, recorded))
}

fn summary(row: &AnyRow) -> Result<ApplicationSummary, StorageError> {
    const WHAT: &str = "reading an application";
    let id = text(row, "id", WHAT)?;
    let state = text(row, "state", WHAT)?;
    let submitted: Option<String> = row.try_get("submitted_at").context(WHAT)?;
    Ok(ApplicationSummary {
        state: State::from_id(&state)
            .ok_or_else(|| StorageError::CorruptRecord { id: id.clone(), reason: format!("state {state}") })?,
        applicant_id: text(row, "applicant_id", WHAT)?,
        created_at: parse_time(&text(row, "created_at", WHAT)?, WHAT)?,
        submitted_at: submitted.map(|s| parse_time(&s, WHAT)).transpose()?,
        last_updated: parse_time(&text(row, "last_updated", WHAT)?, WHAT)?,
        id,
    })
}

fn entitlement(row: &AnyRow) -> Result<Entitlement, StorageError> {
    const WHAT: &str = "reading an entitlement";
    let revoked: Option<String> = row.try_get("revoked_at").context(WHAT)?;
    Ok(Entitlement {
        application_id: text(row, "application_id", WHAT)?,
        user_id: text(row, "user_id", WHAT)?,
        catalogue_item: text(row, "catalogue_item_id", WHAT)?,
        holder_id: text(row, "holder_id", WHAT)?,
        starts_at: parse_time(&text(row, "starts_at", WHAT)?, WHAT)?,
        ends_at: parse_time(&text(row, "ends_at", WHAT)?, WHAT)?,
        revoked_at: revoked.map(|r| parse_time(&r, WHAT)).transpose()?,
        revoked_reason: row.try_get("revoked_reason").context(WHAT)?,
    })
}

/// Someone to notify, in the language they chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub user_id: String,
    pub email: String,
    pub language: String,
}

impl Database {
    /// The accounts with the given ids, and the members of the organisations with the given
    /// ids, each once; disabled accounts get no mail.
    pub async fn recipients(
        &self,
        user_ids: &[String],
        organisation_ids: &[String],
    ) -> Result<Vec<Recipient>, StorageError> {
        let list = |n: usize| if n == 0 { "NULL".to_owned() } else { vec!["?"; n].join(", ") };
        let values: Vec<Option<String>> = user_ids.iter().chain(organisation_ids).map(|v| Some(v.clone())).collect();
        let rows = self
            .query_rows(
                &format!(
                    "SELECT id, email, language FROM users WHERE disabled_at IS NULL AND (id IN ({}) \
                     OR id IN (SELECT user_id FROM organisation_members WHERE organisation_id IN ({}))) ORDER BY id",
                    list(user_ids.len()),
                    list(organisation_ids.len())
                ),
                values,
                "listing recipients",
            )
            .await?;
        rows.iter()
            .map(|row| {
                const WHAT: &str = "reading a recipient";
                Ok(Recipient {
                    user_id: text(row, "id", WHAT)?,
                    email: text(row, "email", WHAT)?,
                    language: text(row, "language", WHAT)?,
                })
            })
            .collect()
    }

    /// The language the account's mail is written in.
    pub async fn set_language(&self, user_id: &str, language: &str) -> Result<(), StorageError> {
        transaction!(self, |backend, tx| {
            exec(
                backend,
                tx,
                "UPDATE users SET language = ? WHERE id = ?",
                binds![language.to_owned(), user_id.to_owned()],
                "saving an account's language",
            )
            .await
            .map(|_| ())
        })
        .await
    }
}
