//! A member's own data: everything the hub holds about them, and deleting it.

use serde_json::json;
use sqlx::Row;

use crate::accounts::{binds, exec, transaction};
use crate::audit::AuditEvent;
use crate::error::{QueryContext, StorageError};
use crate::Database;

/// What replaces a deleted member's name in the audit log and the profile history.
pub const DELETED_USER_LABEL: &str = "deleted account";

impl Database {
    /// Everything the hub holds about a user, as JSON (secrets only as their existence).
    pub async fn export_user(&self, user_id: &str) -> Result<Option<serde_json::Value>, StorageError> {
        let Some(user) = self.user_by_id(user_id).await? else { return Ok(None) };
        let sessions = self
            .query_rows(
                "SELECT created_at, expires_at FROM sessions WHERE user_id = ? ORDER BY created_at",
                binds![user_id.to_owned()],
                "exporting sessions",
            )
            .await?
            .iter()
            .map(|row| Ok(json!({"createdAt": row.try_get::<String, _>("created_at")?, "expiresAt": row.try_get::<String, _>("expires_at")?})))
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .context("exporting sessions")?;
        let audit = self
            .query_rows(
                "SELECT at, action, subject, detail, client FROM audit_log WHERE actor_id = ? ORDER BY at",
                binds![user_id.to_owned()],
                "exporting the audit log",
            )
            .await?
            .iter()
            .map(|row| {
                Ok(json!({
                    "at": row.try_get::<String, _>("at")?,
                    "action": row.try_get::<String, _>("action")?,
                    "subject": row.try_get::<String, _>("subject")?,
                    "detail": row.try_get::<String, _>("detail")?,
                    "client": row.try_get::<String, _>("client")?,
                }))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .context("exporting the audit log")?;
        let edits = self
            .query_rows(
                "SELECT e.at, o.slug, e.after_record FROM organisation_edits e JOIN organisations o \
                 ON o.id = e.organisation_id WHERE e.editor_id = ? ORDER BY e.at",
                binds![user_id.to_owned()],
                "exporting profile edits",
            )
            .await?
            .iter()
            .map(|row| {
                let after: String = row.try_get("after_record")?;
                Ok(json!({
                    "at": row.try_get::<String, _>("at")?,
                    "organisation": row.try_get::<String, _>("slug")?,
                    "profileAfter": serde_json::from_str::<serde_json::Value>(&after).unwrap_or(serde_json::Value::String(after)),
                }))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .context("exporting profile edits")?;
        Ok(Some(json!({
            "user": {
                "id": user.id,
                "email": user.email,
                "displayName": user.display_name,
                "role": user.role,
                "emailVerified": user.email_verified,
                "createdAt": user.created_at,
            },
            "memberships": self.memberships(user_id).await?,
            "claims": self.claims_of(user_id).await?,
            "apiTokens": self.api_tokens(user_id).await?,
            "sessions": sessions,
            "profileEdits": edits,
            "talentProfile": self.talent_profile(user_id).await?,
            "openingSearches": self
                .opening_searches(user_id)
                .await?
                .iter()
                .map(|s| json!({"id": s.id, "search": s.search, "alerts": s.alerts, "createdAt": s.created_at}))
                .collect::<Vec<_>>(),
            "bookings": self
                .bookings_of(user_id, chrono::DateTime::UNIX_EPOCH)
                .await?
                .iter()
                .map(|b| json!({
                    "id": b.id,
                    "facility": b.facility_slug,
                    "organisation": b.organisation_name,
                    "startsAt": b.span.starts_at,
                    "endsAt": b.span.ends_at,
                    "state": b.state.id(),
                    "note": b.note,
                }))
                .collect::<Vec<_>>(),
            "auditLog": audit,
        })))
    }

    /// Deletes an account: the user, their sessions, tokens, codes, reset requests, memberships
    /// and claims go; organisation profiles and their history stay, and the audit log keeps its
    /// entries with the member's name, address and id replaced. The last admin cannot be
    /// deleted ([`StorageError::LastAdmin`]).
    pub async fn delete_user(&self, user_id: &str, email: &str, audit: AuditEvent<'_>) -> Result<(), StorageError> {
        transaction!(self, |backend, tx| {
            crate::accounts::keep_an_admin(backend, tx, user_id).await?;
            for (statement, context) in [
                ("UPDATE organisation_edits SET editor_id = NULL WHERE editor_id = ?", "anonymising profile history"),
                ("UPDATE content_items SET created_by = NULL WHERE created_by = ?", "anonymising content"),
                ("DELETE FROM sessions WHERE user_id = ?", "deleting sessions"),
                ("DELETE FROM api_tokens WHERE user_id = ?", "deleting tokens"),
                ("DELETE FROM one_time_codes WHERE user_id = ?", "deleting codes"),
                (
                    "DELETE FROM password_reset_requests WHERE email_key = (SELECT email_key FROM users WHERE id = ?)",
                    "deleting reset requests",
                ),
                ("DELETE FROM organisation_members WHERE user_id = ?", "deleting memberships"),
                ("DELETE FROM organisation_claims WHERE user_id = ?", "deleting claims"),
            ] {
                exec(backend, tx, statement, binds![user_id.to_owned()], context).await?;
            }
            exec(
                backend,
                tx,
                "UPDATE audit_log SET actor_id = NULL, actor_label = ? WHERE actor_id = ?",
                binds![DELETED_USER_LABEL.to_owned(), user_id.to_owned()],
                "anonymising the audit log",
            )
            .await?;
            exec(
                backend,
                tx,
                "UPDATE content_revisions SET changed_by = NULL, changed_by_label = ? WHERE changed_by = ?",
                binds![DELETED_USER_LABEL.to_owned(), user_id.to_owned()],
                "anonymising content history",
            )
            .await?;
            let email_key = email.to_lowercase();
            exec(
                backend,
                tx,
                "UPDATE audit_log SET subject = ? WHERE subject = ? OR subject = ?",
                binds![DELETED_USER_LABEL.to_owned(), email_key, user_id.to_owned()],
                "anonymising the audit log",
            )
            .await?;
            exec(
                backend,
                tx,
                "DELETE FROM outgoing_mail WHERE recipient = ? AND sent_at IS NULL",
                binds![email.to_owned()],
                "deleting queued mail",
            )
            .await?;
            exec(backend, tx, "DELETE FROM users WHERE id = ?", binds![user_id.to_owned()], "deleting the user")
                .await?;
            crate::audit::insert(backend, tx, &audit).await
        })
        .await
    }
}
