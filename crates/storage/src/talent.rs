//! The talent pool: people's opt-in profiles, which organisations recruit (and so may see
//! them), the weekly mail of vacancies that fit, recorded with its mail; and saved searches
//! of vacancies and programmes with their alerts.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use lshub_domain::record::Versioned;
use lshub_domain::talent::{OpeningSearch, TalentProfile};
use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use crate::accounts::{binds, exec, fetch_in, now, parse_time, queue_mail, queue_message, transaction, Mail};
use crate::audit::{self, AuditEvent};
use crate::error::{QueryContext, StorageError};
use crate::record::record_from_row;
use crate::Database;

/// A visible profile with whose it is.
#[derive(Debug, Clone)]
pub struct PooledProfile {
    pub user_id: String,
    pub display_name: String,
    pub profile: TalentProfile,
}

/// Someone who asked for the weekly mail of vacancies that fit.
#[derive(Debug, Clone)]
pub struct WeeklyReader {
    pub user_id: String,
    pub email: String,
    pub language: String,
    pub profile: TalentProfile,
}

fn flag(on: bool) -> String {
    if on { "1" } else { "0" }.to_owned()
}

impl Database {
    pub async fn talent_profile(&self, user_id: &str) -> Result<Option<TalentProfile>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT record, record_version FROM talent_profiles WHERE user_id = ?",
                binds![user_id.to_owned()],
                "reading a talent profile",
            )
            .await?;
        rows.first().map(|row| record_from_row(row, user_id)).transpose()
    }

    /// Creates or replaces the person's profile, with its audit entry.
    pub async fn save_talent_profile(
        &self,
        user_id: &str,
        profile: &TalentProfile,
        audit: AuditEvent<'_>,
    ) -> Result<(), StorageError> {
        let json = serde_json::to_string(profile).map_err(|e| StorageError::Bind(format!("talent profile: {e}")))?;
        let at = now();
        transaction!(self, |backend, tx| {
            exec(
                backend,
                tx,
                "INSERT INTO talent_profiles (user_id, record, record_version, hidden, weekly, created_at, updated_at) \
                 VALUES (?, ?, CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS INTEGER), ?, ?) \
                 ON CONFLICT (user_id) DO UPDATE SET record = excluded.record, \
                 record_version = excluded.record_version, hidden = excluded.hidden, weekly = excluded.weekly, \
                 updated_at = excluded.updated_at",
                binds![
                    user_id.to_owned(),
                    json.clone(),
                    TalentProfile::RECORD_VERSION.to_string(),
                    flag(profile.hidden),
                    flag(profile.weekly),
                    at.clone(),
                    at.clone()
                ],
                "saving a talent profile",
            )
            .await?;
            audit::insert(backend, tx, &audit).await
        })
        .await
    }

    /// Deletes the person's profile; whether there was one.
    pub async fn delete_talent_profile(&self, user_id: &str, audit: AuditEvent<'_>) -> Result<bool, StorageError> {
        transaction!(self, |backend, tx| {
            let deleted = exec(
                backend,
                tx,
                "DELETE FROM talent_profiles WHERE user_id = ?",
                binds![user_id.to_owned()],
                "deleting a talent profile",
            )
            .await?;
            audit::insert(backend, tx, &audit).await?;
            Ok(deleted > 0)
        })
        .await
    }

    /// Every profile that is not hidden, of accounts that are not disabled, newest change first.
    pub async fn visible_talent_profiles(&self) -> Result<Vec<PooledProfile>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT t.user_id, u.display_name, t.record, t.record_version FROM talent_profiles t \
                 JOIN users u ON u.id = t.user_id WHERE t.hidden = 0 AND u.disabled_at IS NULL \
                 ORDER BY t.updated_at DESC",
                binds![],
                "reading the talent pool",
            )
            .await?;
        rows.iter()
            .map(|row| {
                let user_id: String = row.try_get("user_id").context("reading the talent pool")?;
                Ok(PooledProfile {
                    display_name: row.try_get("display_name").context("reading the talent pool")?,
                    profile: record_from_row(row, &user_id)?,
                    user_id,
                })
            })
            .collect()
    }

    /// The ids of the organisations with a published vacancy or programme.
    pub async fn recruiting_organisations(&self) -> Result<Vec<String>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT DISTINCT owner_id FROM content_items WHERE kind IN ('vacancy', 'programme') \
                 AND state = 'published'",
                binds![],
                "reading which organisations recruit",
            )
            .await?;
        rows.iter().map(|row| row.try_get("owner_id").context("reading which organisations recruit")).collect()
    }

    /// Those who asked for the weekly mail and have had none in `week`.
    pub async fn weekly_fits_due(&self, week: &str) -> Result<Vec<WeeklyReader>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT t.user_id, u.email, u.language, t.record, t.record_version FROM talent_profiles t \
                 JOIN users u ON u.id = t.user_id WHERE t.weekly = 1 AND u.disabled_at IS NULL \
                 AND u.email_verified_at IS NOT NULL \
                 AND NOT EXISTS (SELECT 1 FROM talent_fits_sent s WHERE s.user_id = t.user_id AND s.week = ?)",
                binds![week.to_owned()],
                "reading who gets the weekly vacancies",
            )
            .await?;
        rows.iter()
            .map(|row| {
                let user_id: String = row.try_get("user_id").context("reading the weekly vacancies")?;
                Ok(WeeklyReader {
                    email: row.try_get("email").context("reading the weekly vacancies")?,
                    language: row.try_get("language").context("reading the weekly vacancies")?,
                    profile: record_from_row(row, &user_id)?,
                    user_id,
                })
            })
            .collect()
    }

    /// Records the person's mail of `week` with the mail itself (none when nothing fits), in
    /// one transaction; false when another node recorded that week first.
    pub async fn record_weekly_fits(
        &self,
        user_id: &str,
        week: &str,
        mail: Option<Mail<'_>>,
    ) -> Result<bool, StorageError> {
        transaction!(self, |backend, tx| {
            let inserted = exec(
                backend,
                tx,
                "INSERT INTO talent_fits_sent (user_id, week, sent_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                binds![user_id.to_owned(), week.to_owned(), now()],
                "recording the weekly vacancies",
            )
            .await?;
            if inserted == 0 {
                return Ok(false);
            }
            if let Some(mail) = mail {
                queue_mail(backend, tx, mail).await?;
            }
            Ok(true)
        })
        .await
    }
}

/// A saved search of vacancies or programmes.
#[derive(Debug, Clone)]
pub struct SavedOpeningSearch {
    pub id: String,
    pub user_id: String,
    pub search: OpeningSearch,
    pub alerts: bool,
    pub created_at: DateTime<Utc>,
}

/// A saved search whose alerts are on, with where to mail them.
#[derive(Debug, Clone)]
pub struct OpeningAlertReader {
    pub saved: SavedOpeningSearch,
    pub email: String,
    pub language: String,
}

const SEARCH_COLUMNS: &str = "s.id, s.user_id, s.search, s.alerts_off_at, s.created_at";

fn saved_from_row(row: &AnyRow) -> Result<SavedOpeningSearch, StorageError> {
    let id: String = row.try_get("id").context("reading a saved search")?;
    let text: String = row.try_get("search").context("reading a saved search")?;
    let search = serde_json::from_str(&text)
        .map_err(|e| StorageError::CorruptRecord { id: id.clone(), reason: e.to_string() })?;
    let off: Option<String> = row.try_get("alerts_off_at").context("reading a saved search")?;
    let created: String = row.try_get("created_at").context("reading a saved search")?;
    Ok(SavedOpeningSearch {
        user_id: row.try_get("user_id").context("reading a saved search")?,
        search,
        alerts: off.is_none(),
        created_at: parse_time(&created, &id)?,
        id,
    })
}

impl Database {
    /// Saves a search with the digest of its feed's secret; its id. Refused (`None`) when the
    /// person has [`MAX_SEARCHES`](lshub_domain::talent::alerts::MAX_SEARCHES) already.
    pub async fn save_opening_search(
        &self,
        user_id: &str,
        search: &OpeningSearch,
        feed_digest: &str,
        audit: AuditEvent<'_>,
    ) -> Result<Option<String>, StorageError> {
        let json = serde_json::to_string(search).map_err(|e| StorageError::Bind(format!("saved search: {e}")))?;
        let id = Uuid::now_v7().to_string();
        transaction!(self, |backend, tx| {
            let rows = fetch_in(
                backend,
                tx,
                "SELECT id FROM opening_searches WHERE user_id = ?",
                binds![user_id.to_owned()],
                "counting saved searches",
            )
            .await?;
            if rows.len() >= lshub_domain::talent::alerts::MAX_SEARCHES {
                return Ok(None);
            }
            exec(
                backend,
                tx,
                "INSERT INTO opening_searches (id, user_id, search, feed_digest, created_at) VALUES (?, ?, ?, ?, ?)",
                binds![id.clone(), user_id.to_owned(), json.clone(), feed_digest.to_owned(), now()],
                "saving a search",
            )
            .await?;
            audit::insert(backend, tx, &audit).await?;
            Ok(Some(id.clone()))
        })
        .await
    }

    pub async fn opening_searches(&self, user_id: &str) -> Result<Vec<SavedOpeningSearch>, StorageError> {
        let rows = self
            .query_rows(
                &format!("SELECT {SEARCH_COLUMNS} FROM opening_searches s WHERE s.user_id = ? ORDER BY s.created_at"),
                binds![user_id.to_owned()],
                "reading saved searches",
            )
            .await?;
        rows.iter().map(saved_from_row).collect()
    }

    /// Deletes the person's search; whether it was theirs.
    pub async fn delete_opening_search(
        &self,
        user_id: &str,
        id: &str,
        audit: AuditEvent<'_>,
    ) -> Result<bool, StorageError> {
        transaction!(self, |backend, tx| {
            let deleted = exec(
                backend,
                tx,
                "DELETE FROM opening_searches WHERE id = ? AND user_id = ?",
                binds![id.to_owned(), user_id.to_owned()],
                "deleting a saved search",
            )
            .await?;
            if deleted > 0 {
                audit::insert(backend, tx, &audit).await?;
            }
            Ok(deleted > 0)
        })
        .await
    }

    /// The search whose feed secret has this digest.
    pub async fn opening_search_by_feed(&self, digest: &str) -> Result<Option<SavedOpeningSearch>, StorageError> {
        let rows = self
            .query_rows(
                &format!("SELECT {SEARCH_COLUMNS} FROM opening_searches s WHERE s.feed_digest = ?"),
                binds![digest.to_owned()],
                "reading a saved search's feed",
            )
            .await?;
        rows.first().map(saved_from_row).transpose()
    }

    /// The search an alert mail's unsubscribe secret (by its digest) belongs to.
    pub async fn opening_search_by_unsubscribe(
        &self,
        digest: &str,
    ) -> Result<Option<SavedOpeningSearch>, StorageError> {
        let rows = self
            .query_rows(
                &format!(
                    "SELECT {SEARCH_COLUMNS} FROM opening_searches s JOIN opening_search_unsubscribes u \
                     ON u.search_id = s.id WHERE u.digest = ?"
                ),
                binds![digest.to_owned()],
                "reading an unsubscribe link",
            )
            .await?;
        rows.first().map(saved_from_row).transpose()
    }

    /// Turns the search's mail alerts off (its feed stays).
    pub async fn opening_alerts_off(&self, id: &str, audit: AuditEvent<'_>) -> Result<(), StorageError> {
        transaction!(self, |backend, tx| {
            exec(
                backend,
                tx,
                "UPDATE opening_searches SET alerts_off_at = ? WHERE id = ? AND alerts_off_at IS NULL",
                binds![now(), id.to_owned()],
                "turning alerts off",
            )
            .await?;
            audit::insert(backend, tx, &audit).await
        })
        .await
    }

    /// Searches whose alerts are on, of confirmed accounts that are not disabled.
    pub async fn opening_alert_readers(&self) -> Result<Vec<OpeningAlertReader>, StorageError> {
        let rows = self
            .query_rows(
                &format!(
                    "SELECT {SEARCH_COLUMNS}, u.email, u.language FROM opening_searches s JOIN users u ON u.id = s.user_id \
                     WHERE s.alerts_off_at IS NULL AND u.disabled_at IS NULL AND u.email_verified_at IS NOT NULL"
                ),
                binds![],
                "reading saved searches with alerts",
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(OpeningAlertReader {
                    saved: saved_from_row(row)?,
                    email: row.try_get("email").context("reading saved searches with alerts")?,
                    language: row.try_get("language").context("reading saved searches with alerts")?,
                })
            })
            .collect()
    }

    /// The ids of the items a search was alerted of.
    pub async fn opening_alerts_sent(&self, search_id: &str) -> Result<HashSet<String>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT item_id FROM opening_search_alerts WHERE search_id = ?",
                binds![search_id.to_owned()],
                "reading alerts sent",
            )
            .await?;
        rows.iter().map(|row| row.try_get("item_id").context("reading alerts sent")).collect()
    }

    /// Records the alert of `item_ids` with its mail and its unsubscribe secret's digest, in
    /// one transaction; false (and nothing written) when another node alerted one of them first.
    pub async fn queue_opening_alert(
        &self,
        search_id: &str,
        item_ids: &[String],
        mail: Mail<'_>,
        unsubscribe: (&str, &str),
    ) -> Result<bool, StorageError> {
        let (digest, url) = unsubscribe;
        let at = now();
        let mut tx = self.begin_write().await?;
        let backend = self.backend();
        for item in item_ids {
            let inserted = exec(
                backend,
                &mut tx,
                "INSERT INTO opening_search_alerts (search_id, item_id, sent_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                binds![search_id.to_owned(), item.clone(), at.clone()],
                "recording an alert",
            )
            .await?;
            if inserted == 0 {
                tx.rollback().await.context("rolling back an alert")?;
                return Ok(false);
            }
        }
        exec(
            backend,
            &mut tx,
            "INSERT INTO opening_search_unsubscribes (digest, search_id, created_at) VALUES (?, ?, ?)",
            binds![digest.to_owned(), search_id.to_owned(), at.clone()],
            "recording an unsubscribe link",
        )
        .await?;
        queue_message(backend, &mut tx, mail, Some(url), None).await?;
        tx.commit().await.context("committing an alert")?;
        Ok(true)
    }
}
