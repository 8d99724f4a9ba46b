//! The introductions the matcher suggests each week: one round per organisation and ISO
//! week, written whole in one transaction by whichever node gets there first, and the
//! suggestions members dismiss, which are never made again.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use lshub_domain::introduction::SuggestionReasons;
use sqlx::Row;
use uuid::Uuid;

use crate::accounts::{binds, exec, parse_time, stamp, transaction};
use crate::audit::{self, AuditEvent};
use crate::error::{QueryContext, StorageError};
use crate::Database;

/// A suggestion to write: the organisation suggested, and why.
#[derive(Debug, Clone)]
pub struct NewSuggestion {
    pub suggested_id: String,
    pub reasons: SuggestionReasons,
}

/// A suggestion as stored, with the organisation suggested.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSuggestion {
    pub id: String,
    /// The organisation it is made to.
    pub organisation_id: String,
    pub suggested_id: String,
    pub suggested_slug: String,
    pub suggested_name: String,
    pub week: String,
    pub reasons: SuggestionReasons,
    pub created_at: DateTime<Utc>,
}

impl Database {
    /// The organisations with members (those the matcher makes suggestions to) whose round
    /// for `week` is not written yet.
    pub async fn suggestion_rounds_due(&self, week: &str) -> Result<Vec<String>, StorageError> {
        const WHAT: &str = "listing the suggestion rounds due";
        let rows = self
            .query_rows(
                "SELECT DISTINCT m.organisation_id FROM organisation_members m WHERE NOT EXISTS \
                 (SELECT 1 FROM suggestion_rounds r WHERE r.organisation_id = m.organisation_id AND r.week = ?) \
                 ORDER BY m.organisation_id",
                binds![week.to_owned()],
                WHAT,
            )
            .await?;
        rows.iter().map(|row| row.try_get::<String, _>("organisation_id").context(WHAT)).collect()
    }

    /// Organisations never to suggest to this one: those suggested before (dismissed or
    /// not) and those it has an introduction with.
    pub async fn not_to_suggest(&self, organisation_id: &str) -> Result<HashSet<String>, StorageError> {
        const WHAT: &str = "reading past suggestions and introductions";
        let rows = self
            .query_rows(
                "SELECT suggested_id AS id FROM introduction_suggestions WHERE organisation_id = ? \
                 UNION SELECT other.organisation_id AS id FROM introduction_sides mine \
                 JOIN introduction_sides other ON other.introduction_id = mine.introduction_id \
                 AND other.side <> mine.side WHERE mine.organisation_id = ?",
                binds![organisation_id.to_owned(), organisation_id.to_owned()],
                WHAT,
            )
            .await?;
        let mut ids: HashSet<String> =
            rows.iter().map(|row| row.try_get::<String, _>("id").context(WHAT)).collect::<Result<_, _>>()?;
        ids.insert(organisation_id.to_owned());
        Ok(ids)
    }

    /// Writes the organisation's round for `week` with its suggestions, unless another node
    /// wrote it first (then `false`, and nothing is written).
    pub async fn write_suggestion_round(
        &self,
        organisation_id: &str,
        week: &str,
        suggestions: &[NewSuggestion],
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        transaction!(self, |backend, tx| {
            let at = stamp(now);
            let claimed = exec(
                backend,
                tx,
                "INSERT INTO suggestion_rounds (organisation_id, week, created_at) VALUES (?, ?, ?) \
                 ON CONFLICT DO NOTHING",
                binds![organisation_id.to_owned(), week.to_owned(), at.clone()],
                "claiming a suggestion round",
            )
            .await?;
            if claimed == 0 {
                return Ok(false);
            }
            for (rank, suggestion) in (1..).zip(suggestions) {
                let reasons = serde_json::to_string(&suggestion.reasons)
                    .map_err(|e| StorageError::Bind(format!("suggestion reasons: {e}")))?;
                exec(
                    backend,
                    tx,
                    "INSERT INTO introduction_suggestions (id, organisation_id, suggested_id, week, rank, reasons, \
                     created_at) VALUES (?, ?, ?, ?, CAST(? AS BIGINT), ?, ?)",
                    binds![
                        Uuid::now_v7().to_string(),
                        organisation_id.to_owned(),
                        suggestion.suggested_id.clone(),
                        week.to_owned(),
                        rank.to_string(),
                        reasons,
                        at.clone()
                    ],
                    "writing a suggestion",
                )
                .await?;
            }
            Ok(true)
        })
        .await
    }

    /// The suggestions of the organisation's latest round that nobody dismissed, best first.
    pub async fn current_suggestions(&self, organisation_id: &str) -> Result<Vec<StoredSuggestion>, StorageError> {
        const WHAT: &str = "reading suggestions";
        let rows = self
            .query_rows(
                "SELECT s.id, s.organisation_id, s.suggested_id, o.slug, o.name, s.week, s.reasons, s.created_at \
                 FROM introduction_suggestions s JOIN organisations o ON o.id = s.suggested_id \
                 WHERE s.organisation_id = ? AND s.dismissed_at IS NULL AND s.week = \
                 (SELECT MAX(week) FROM suggestion_rounds WHERE organisation_id = ?) ORDER BY s.rank",
                binds![organisation_id.to_owned(), organisation_id.to_owned()],
                WHAT,
            )
            .await?;
        rows.iter()
            .map(|row| {
                let text = |c: &str| row.try_get::<String, _>(c).context(WHAT);
                let id = text("id")?;
                let reasons = serde_json::from_str(&text("reasons")?)
                    .map_err(|e| StorageError::CorruptRecord { id: id.clone(), reason: e.to_string() })?;
                Ok(StoredSuggestion {
                    organisation_id: text("organisation_id")?,
                    suggested_id: text("suggested_id")?,
                    suggested_slug: text("slug")?,
                    suggested_name: text("name")?,
                    week: text("week")?,
                    reasons,
                    created_at: parse_time(&text("created_at")?, &id)?,
                    id,
                })
            })
            .collect()
    }

    /// Dismisses one of the organisation's suggestions; `false` when it has no such
    /// suggestion still shown.
    pub async fn dismiss_suggestion(
        &self,
        organisation_id: &str,
        id: &str,
        by: &str,
        now: DateTime<Utc>,
        audit: AuditEvent<'_>,
    ) -> Result<bool, StorageError> {
        transaction!(self, |backend, tx| {
            let changed = exec(
                backend,
                tx,
                "UPDATE introduction_suggestions SET dismissed_at = ?, dismissed_by = ? \
                 WHERE id = ? AND organisation_id = ? AND dismissed_at IS NULL",
                binds![stamp(now), by.to_owned(), id.to_owned(), organisation_id.to_owned()],
                "dismissing a suggestion",
            )
            .await?;
            if changed == 1 {
                audit::insert(backend, tx, &audit).await?;
            }
            Ok(changed == 1)
        })
        .await
    }
}
