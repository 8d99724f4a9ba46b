//! Who maintains which organisation: claims, memberships, MoU partners, and the history of
//! every profile change members make.

use chrono::Utc;
use lshub_domain::account::ClaimStatus;
use lshub_domain::record::Versioned;
use lshub_domain::OrganisationProfile;
use sea_query::{Expr, ExprTrait, Query};
use sqlx::Row;
use uuid::Uuid;

use crate::accounts::{binds, exec, now, transaction};
use crate::audit::AuditEvent;
use crate::error::{QueryContext, StorageError};
use crate::organisations::{projection, Organisations};
use crate::record::record_from_row;
use crate::sql::Statement;
use crate::Database;

/// A claim as the admin pages and the member's account page show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Claim {
    pub id: String,
    pub organisation_id: String,
    pub organisation_slug: String,
    pub organisation_name: String,
    pub user_id: String,
    pub user_email: String,
    pub status: ClaimStatus,
    pub message: String,
    pub created_at: String,
    pub decided_at: Option<String>,
}

/// An organisation a user maintains, for links.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Membership {
    pub organisation_id: String,
    pub slug: String,
    pub name: String,
    pub since: String,
}

/// One saved profile change.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProfileEdit {
    pub at: String,
    pub editor_id: Option<String>,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

const CLAIM_SELECT: &str = "SELECT c.id, c.organisation_id, o.slug, o.name, c.user_id, u.email, c.status, c.message, \
     c.created_at, c.decided_at FROM organisation_claims c JOIN organisations o ON o.id = c.organisation_id \
     JOIN users u ON u.id = c.user_id";

fn claim_from_row(row: &sqlx::any::AnyRow) -> Result<Claim, StorageError> {
    let status: String = row.try_get("status").context("reading a claim")?;
    let id: String = row.try_get("id").context("reading a claim")?;
    let read = |c: &str| row.try_get::<String, _>(c).context("reading a claim");
    Ok(Claim {
        status: ClaimStatus::from_id(&status)
            .ok_or_else(|| StorageError::CorruptRecord { id: id.clone(), reason: format!("claim status {status}") })?,
        organisation_id: read("organisation_id")?,
        organisation_slug: read("slug")?,
        organisation_name: read("name")?,
        user_id: read("user_id")?,
        user_email: read("email")?,
        message: read("message")?,
        created_at: read("created_at")?,
        decided_at: row.try_get("decided_at").context("reading a claim")?,
        id,
    })
}

/// What became of a profile edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileSave {
    Saved,
    /// The edit changes nothing; nothing was written.
    Unchanged,
    /// The profile changed since the edit was made to it; nothing was written.
    Stale,
}

impl Database {
    /// Files a claim; `approve_now` (the member's verified domain matches the website)
    /// makes the member a member at once. A user has at most one open claim per organisation.
    pub async fn claim_organisation(
        &self,
        user_id: &str,
        organisation_id: &str,
        message: &str,
        approve_now: bool,
        audit: AuditEvent<'_>,
    ) -> Result<ClaimStatus, StorageError> {
        let status = if approve_now { ClaimStatus::Approved } else { ClaimStatus::Pending };
        transaction!(self, |backend, tx| {
            let open = sqlx::query_scalar::<_, String>(&crate::accounts::sql(
                backend,
                "SELECT id FROM organisation_claims WHERE user_id = ? AND organisation_id = ? AND status = 'pending'",
            ))
            .bind(user_id.to_owned())
            .bind(organisation_id.to_owned())
            .fetch_optional(&mut **tx)
            .await
            .context("reading claims")?;
            if open.is_some() {
                return Ok(ClaimStatus::Pending);
            }
            let at = now();
            exec(
                backend,
                tx,
                "INSERT INTO organisation_claims (id, organisation_id, user_id, status, message, created_at, decided_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
                binds![
                    Uuid::now_v7().to_string(),
                    organisation_id.to_owned(),
                    user_id.to_owned(),
                    status.id().to_owned(),
                    message.to_owned(),
                    at.clone(),
                    approve_now.then(|| at.clone()),
                ],
                "filing a claim",
            )
            .await?;
            if approve_now {
                add_member(backend, tx, organisation_id, user_id).await?;
            }
            crate::audit::insert(backend, tx, &audit).await?;
            Ok(status)
        })
        .await
    }

    pub async fn claims(&self, status: Option<ClaimStatus>) -> Result<Vec<Claim>, StorageError> {
        let (filter, binds) = match status {
            Some(s) => (" WHERE c.status = ?", binds![s.id().to_owned()]),
            None => ("", vec![]),
        };
        let rows = self
            .query_rows(&format!("{CLAIM_SELECT}{filter} ORDER BY c.created_at DESC"), binds, "listing claims")
            .await?;
        rows.iter().map(claim_from_row).collect()
    }

    pub async fn claims_of(&self, user_id: &str) -> Result<Vec<Claim>, StorageError> {
        let rows = self
            .query_rows(
                &format!("{CLAIM_SELECT} WHERE c.user_id = ? ORDER BY c.created_at DESC"),
                binds![user_id.to_owned()],
                "listing claims",
            )
            .await?;
        rows.iter().map(claim_from_row).collect()
    }

    /// Approves or rejects a pending claim; `None` when there is no such pending claim.
    pub async fn decide_claim(
        &self,
        claim_id: &str,
        approve: bool,
        admin_id: &str,
        audit: AuditEvent<'_>,
    ) -> Result<Option<Claim>, StorageError> {
        let status = if approve { ClaimStatus::Approved } else { ClaimStatus::Rejected };
        let decided = transaction!(self, |backend, tx| {
            let changed = exec(
                backend,
                tx,
                "UPDATE organisation_claims SET status = ?, decided_at = ?, decided_by = ? \
                     WHERE id = ? AND status = 'pending'",
                binds![status.id().to_owned(), now(), admin_id.to_owned(), claim_id.to_owned()],
                "deciding a claim",
            )
            .await?;
            if changed == 0 {
                return Ok(false);
            }
            if approve {
                let row = sqlx::query(&crate::accounts::sql(
                    backend,
                    "SELECT organisation_id, user_id FROM organisation_claims WHERE id = ?",
                ))
                .bind(claim_id.to_owned())
                .fetch_one(&mut **tx)
                .await
                .context("reading a claim")?;
                let organisation: String = row.try_get("organisation_id").context("reading a claim")?;
                let user: String = row.try_get("user_id").context("reading a claim")?;
                add_member(backend, tx, &organisation, &user).await?;
            }
            crate::audit::insert(backend, tx, &audit).await?;
            Ok(true)
        })
        .await?;
        if !decided {
            return Ok(None);
        }
        let rows = self
            .query_rows(&format!("{CLAIM_SELECT} WHERE c.id = ?"), binds![claim_id.to_owned()], "reading a claim")
            .await?;
        rows.first().map(claim_from_row).transpose()
    }

    /// Ids of the organisations a user maintains.
    pub async fn organisation_ids_of(&self, user_id: &str) -> Result<Vec<String>, StorageError> {
        Ok(self.memberships(user_id).await?.into_iter().map(|m| m.organisation_id).collect())
    }

    pub async fn memberships(&self, user_id: &str) -> Result<Vec<Membership>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT m.organisation_id, o.slug, o.name, m.since FROM organisation_members m \
                 JOIN organisations o ON o.id = m.organisation_id WHERE m.user_id = ? ORDER BY o.sort_name",
                binds![user_id.to_owned()],
                "listing memberships",
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(Membership {
                    organisation_id: row.try_get("organisation_id")?,
                    slug: row.try_get("slug")?,
                    name: row.try_get("name")?,
                    since: row.try_get("since")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .context("listing memberships")
    }

    /// Ends a user's membership of an organisation (an admin taking back a maintainer's
    /// rights); false when there was no such membership.
    pub async fn remove_membership(
        &self,
        user_id: &str,
        organisation_id: &str,
        audit: AuditEvent<'_>,
    ) -> Result<bool, StorageError> {
        transaction!(self, |backend, tx| {
            let removed = exec(
                backend,
                tx,
                "DELETE FROM organisation_members WHERE organisation_id = ? AND user_id = ?",
                binds![organisation_id.to_owned(), user_id.to_owned()],
                "removing a member",
            )
            .await?;
            if removed > 0 {
                crate::audit::insert(backend, tx, &audit).await?;
            }
            Ok(removed > 0)
        })
        .await
    }

    /// Marks an organisation as an MoU partner of the cluster, or not.
    pub async fn set_partner(
        &self,
        organisation_id: &str,
        partner: bool,
        audit: AuditEvent<'_>,
    ) -> Result<(), StorageError> {
        transaction!(self, |backend, tx| {
            exec(
                backend,
                tx,
                "DELETE FROM partner_organisations WHERE organisation_id = ?",
                binds![organisation_id.to_owned()],
                "changing partners",
            )
            .await?;
            if partner {
                exec(
                    backend,
                    tx,
                    "INSERT INTO partner_organisations (organisation_id, since) VALUES (?, ?)",
                    binds![organisation_id.to_owned(), now()],
                    "changing partners",
                )
                .await?;
            }
            crate::audit::insert(backend, tx, &audit).await
        })
        .await
    }

    /// The MoU partners: (id, slug, name).
    pub async fn partners(&self) -> Result<Vec<(String, String, String)>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT o.id, o.slug, o.name FROM partner_organisations p JOIN organisations o ON o.id = p.organisation_id \
                 ORDER BY o.sort_name",
                vec![],
                "listing partners",
            )
            .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("id")?, row.try_get("slug")?, row.try_get("name")?)))
            .collect::<Result<_, sqlx::Error>>()
            .context("listing partners")
    }

    /// Saves a member's change to a profile, with its history entry and audit entry, in one
    /// transaction. `edited_from` is the profile the change was made to: when the stored one
    /// differs (an import or another member saved in between), nothing is written and the
    /// answer is [`ProfileSave::Stale`], so that no one's change is silently undone.
    pub async fn edit_organisation(
        &self,
        organisation_id: &str,
        edited_from: &OrganisationProfile,
        profile: &OrganisationProfile,
        editor_id: &str,
        audit: AuditEvent<'_>,
    ) -> Result<ProfileSave, StorageError> {
        let after = serde_json::to_string(profile).map_err(|e| StorageError::Bind(format!("profile: {e}")))?;
        let (update_sql, update_args) = update_statement(self.backend(), organisation_id, profile, &after)?;
        transaction!(self, |backend, tx| {
            let row = sqlx::query(&crate::accounts::sql(
                backend,
                "SELECT record, record_version FROM organisations WHERE id = ?",
            ))
            .bind(organisation_id.to_owned())
            .fetch_optional(&mut **tx)
            .await
            .context("reading a profile")?;
            let Some(row) = row else { return Err(StorageError::Bind("no such organisation".into())) };
            let before: String = row.try_get("record").context("reading a profile")?;
            let stored: OrganisationProfile = record_from_row(&row, organisation_id)?;
            if stored != *edited_from {
                return Ok(ProfileSave::Stale);
            }
            if before == after {
                return Ok(ProfileSave::Unchanged);
            }
            sqlx::query_with(&update_sql, update_args).execute(&mut **tx).await.context("saving a profile")?;
            exec(
                backend,
                tx,
                "INSERT INTO organisation_edits (id, organisation_id, editor_id, at, before_record, after_record) \
                 VALUES (?, ?, ?, ?, ?, ?)",
                binds![
                    Uuid::now_v7().to_string(),
                    organisation_id.to_owned(),
                    editor_id.to_owned(),
                    now(),
                    before,
                    after.clone()
                ],
                "keeping profile history",
            )
            .await?;
            crate::audit::insert(backend, tx, &audit).await?;
            Ok(ProfileSave::Saved)
        })
        .await
    }

    /// The changes members made to a profile, newest first.
    pub async fn organisation_edits(&self, organisation_id: &str) -> Result<Vec<ProfileEdit>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT at, editor_id, before_record, after_record FROM organisation_edits WHERE organisation_id = ? \
                 ORDER BY at DESC",
                binds![organisation_id.to_owned()],
                "reading profile history",
            )
            .await?;
        rows.iter()
            .map(|row| {
                let json = |c: &str| -> Result<serde_json::Value, StorageError> {
                    let text: String = row.try_get(c).context("reading profile history")?;
                    serde_json::from_str(&text).map_err(|e| StorageError::CorruptRecord {
                        id: organisation_id.to_owned(),
                        reason: e.to_string(),
                    })
                };
                Ok(ProfileEdit {
                    at: row.try_get("at").context("reading profile history")?,
                    editor_id: row.try_get("editor_id").context("reading profile history")?,
                    before: json("before_record")?,
                    after: json("after_record")?,
                })
            })
            .collect()
    }

    /// When members last changed the profile, and when it was last confirmed by an approved
    /// claim: what the public page shows.
    pub async fn organisation_maintenance(
        &self,
        organisation_id: &str,
    ) -> Result<(Option<String>, Option<String>), StorageError> {
        let rows = self
            .query_rows(
                "SELECT (SELECT MAX(at) FROM organisation_edits WHERE organisation_id = ?) AS edited, \
                 (SELECT MAX(decided_at) FROM organisation_claims WHERE organisation_id = ? AND status = 'approved') \
                 AS verified",
                binds![organisation_id.to_owned(), organisation_id.to_owned()],
                "reading profile maintenance",
            )
            .await?;
        let row = rows.first().ok_or_else(|| StorageError::Bind("no maintenance row".into()))?;
        Ok((
            row.try_get("edited").context("reading profile maintenance")?,
            row.try_get("verified").context("reading profile maintenance")?,
        ))
    }
}

async fn add_member(
    backend: crate::Backend,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    organisation_id: &str,
    user_id: &str,
) -> Result<(), StorageError> {
    exec(
        backend,
        tx,
        "DELETE FROM organisation_members WHERE organisation_id = ? AND user_id = ?",
        binds![organisation_id.to_owned(), user_id.to_owned()],
        "adding a member",
    )
    .await?;
    exec(
        backend,
        tx,
        "INSERT INTO organisation_members (organisation_id, user_id, since) VALUES (?, ?, ?)",
        binds![organisation_id.to_owned(), user_id.to_owned(), now()],
        "adding a member",
    )
    .await
    .map(|_| ())
}

/// Built apart from the async code: sea-query statements are not `Send`.
fn update_statement(
    backend: crate::Backend,
    organisation_id: &str,
    profile: &OrganisationProfile,
    record: &str,
) -> Result<(String, sqlx::any::AnyArguments<'static>), StorageError> {
    let mut update = Query::update();
    update
        .table(Organisations::Table)
        .values(projection(profile))
        .value(Organisations::Record, record)
        .value(Organisations::RecordVersion, i64::from(OrganisationProfile::RECORD_VERSION))
        .value(Organisations::LastUpdated, Utc::now().to_rfc3339())
        .and_where(Expr::col(Organisations::Id).eq(organisation_id));
    Statement::from(&mut update).build(backend)
}

/// The fields members maintain, which an import must not overwrite once members edited the
/// profile: the import updates the rest (names, kind, registry identifiers).
pub(crate) fn merge_member_fields(
    incoming: &OrganisationProfile,
    maintained: &OrganisationProfile,
) -> OrganisationProfile {
    let mut merged = incoming.clone();
    merged.descriptions = maintained.descriptions.clone();
    merged.sectors = maintained.sectors.clone();
    merged.identifiers.website = maintained.identifiers.website.clone();
    merged.identifiers.kvk = maintained.identifiers.kvk.clone();
    merged.identifiers.vat = maintained.identifiers.vat.clone();
    merged.addresses = maintained.addresses.clone();
    merged
}

/// `records` with the member-maintained fields of profiles that members edited kept as they
/// are in the database.
pub(crate) async fn keep_member_edits(
    backend: crate::Backend,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    records: &[lshub_domain::NewOrganisation],
) -> Result<Option<Vec<lshub_domain::NewOrganisation>>, StorageError> {
    let rows = sqlx::query(&crate::accounts::sql(
        backend,
        "SELECT o.source, o.source_id, o.record, o.record_version FROM organisations o WHERE EXISTS \
         (SELECT 1 FROM organisation_edits e WHERE e.organisation_id = o.id)",
    ))
    .fetch_all(&mut **tx)
    .await
    .context("reading member-maintained profiles")?;
    if rows.is_empty() {
        return Ok(None);
    }
    let mut maintained = std::collections::HashMap::new();
    for row in rows {
        let key: (String, String) =
            (row.try_get("source").context("reading profiles")?, row.try_get("source_id").context("reading profiles")?);
        let profile: OrganisationProfile = record_from_row(&row, &key.1)?;
        maintained.insert(key, profile);
    }
    Ok(Some(
        records
            .iter()
            .map(|record| {
                let key = (record.source.source.clone(), record.source.source_id.clone());
                match maintained.get(&key) {
                    Some(kept) => lshub_domain::NewOrganisation {
                        profile: merge_member_fields(&record.profile, kept),
                        source: record.source.clone(),
                    },
                    None => record.clone(),
                }
            })
            .collect(),
    ))
}
