//! The talent pool: people's opt-in profiles, which organisations recruit (and so may see
//! them), and the weekly mail of vacancies that fit, recorded with its mail.

use lshub_domain::record::Versioned;
use lshub_domain::talent::TalentProfile;
use sqlx::Row;

use crate::accounts::{binds, exec, now, queue_mail, transaction, Mail};
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
