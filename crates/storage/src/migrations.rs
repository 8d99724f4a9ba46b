//! Versioned schema migrations, the same portable SQL for SQLite and PostgreSQL.

use chrono::Utc;
use sea_query::Query;
use sqlx::Row;

use crate::error::{QueryContext, StorageError};
use crate::sql::Statement;
use crate::{Backend, Database};

struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

/// Append only: a released migration is never edited, a change is a new migration.
const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "directory", sql: include_str!("../migrations/0001_directory.sql") },
    Migration {
        version: 2,
        name: "name filter indexes",
        sql: include_str!("../migrations/0002_name_filter_indexes.sql"),
    },
    Migration { version: 3, name: "accounts", sql: include_str!("../migrations/0003_accounts.sql") },
    Migration { version: 4, name: "embeddings", sql: include_str!("../migrations/0004_embeddings.sql") },
    Migration { version: 5, name: "disabled accounts", sql: include_str!("../migrations/0005_account_disabled.sql") },
    Migration {
        version: 6,
        name: "password reset requests",
        sql: include_str!("../migrations/0006_reset_requests.sql"),
    },
    Migration { version: 7, name: "content items", sql: include_str!("../migrations/0007_content_items.sql") },
    Migration { version: 8, name: "record versions", sql: include_str!("../migrations/0008_record_versions.sql") },
    Migration { version: 9, name: "vocabulary terms", sql: include_str!("../migrations/0009_vocabulary_terms.sql") },
    Migration { version: 10, name: "access requests", sql: include_str!("../migrations/0010_access_requests.sql") },
    Migration { version: 11, name: "cordis projects", sql: include_str!("../migrations/0011_cordis_projects.sql") },
    Migration {
        version: 12,
        name: "call opening dates",
        sql: include_str!("../migrations/0012_call_opening_dates.sql"),
    },
    Migration { version: 13, name: "leads", sql: include_str!("../migrations/0013_leads.sql") },
    Migration {
        version: 14,
        name: "call changes and saved searches",
        sql: include_str!("../migrations/0014_call_changes_saved_searches.sql"),
    },
    Migration { version: 15, name: "consortia", sql: include_str!("../migrations/0015_consortia.sql") },
    Migration { version: 18, name: "introductions", sql: include_str!("../migrations/0018_introductions.sql") },
    Migration {
        version: 19,
        name: "event registrations",
        sql: include_str!("../migrations/0019_event_registrations.sql"),
    },
    Migration { version: 20, name: "meetings", sql: include_str!("../migrations/0020_meetings.sql") },
    Migration {
        version: 21,
        name: "introduction suggestions",
        sql: include_str!("../migrations/0021_introduction_suggestions.sql"),
    },
    Migration { version: 22, name: "weekly digest", sql: include_str!("../migrations/0022_weekly_digest.sql") },
    Migration { version: 23, name: "talent profiles", sql: include_str!("../migrations/0023_talent_profiles.sql") },
    Migration { version: 24, name: "opening searches", sql: include_str!("../migrations/0024_opening_searches.sql") },
    Migration {
        version: 25,
        name: "rate limit windows",
        sql: include_str!("../migrations/0025_rate_limit_windows.sql"),
    },
    Migration { version: 26, name: "facility bookings", sql: include_str!("../migrations/0026_facility_bookings.sql") },
    Migration { version: 27, name: "space inquiries", sql: include_str!("../migrations/0027_space_inquiries.sql") },
    Migration { version: 28, name: "space photos", sql: include_str!("../migrations/0028_space_photos.sql") },
];

/// The versions of every migration this build knows, oldest first.
pub(crate) fn known_versions() -> impl Iterator<Item = i64> {
    MIGRATIONS.iter().map(|m| m.version)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedMigration {
    pub version: i64,
    pub name: &'static str,
}

/// Any number that all hub nodes agree on, so that only one of them migrates at a time.
pub(crate) const POSTGRES_MIGRATION_LOCK: i64 = 0x4c_5348_5542;

impl Database {
    /// Brings the schema up to date and returns the migrations it applied.
    /// Each migration runs in its own transaction, so a failure leaves the last good version.
    pub async fn migrate(&self) -> Result<Vec<AppliedMigration>, StorageError> {
        let mut conn = self.pool().acquire().await.context("connecting for migrations")?;
        if self.backend() == Backend::Postgres {
            sqlx::query(&format!("SELECT pg_advisory_lock({POSTGRES_MIGRATION_LOCK})"))
                .execute(&mut *conn)
                .await
                .context("waiting for the migration lock")?;
        }
        let mut result = self.apply_pending(&mut conn, None).await;
        if result.is_ok() {
            if let Err(e) = crate::addresses::normalise_stored(self.backend(), &mut conn).await {
                result = Err(e);
            }
        }
        if self.backend() == Backend::Postgres {
            sqlx::query(&format!("SELECT pg_advisory_unlock({POSTGRES_MIGRATION_LOCK})"))
                .execute(&mut *conn)
                .await
                .context("releasing the migration lock")?;
        }
        result
    }

    /// Applies the migrations not yet applied, up to version `up_to` when given. Inside a
    /// transaction each migration runs in a savepoint, so the caller's transaction decides.
    pub(crate) async fn apply_pending(
        &self,
        conn: &mut sqlx::AnyConnection,
        up_to: Option<i64>,
    ) -> Result<Vec<AppliedMigration>, StorageError> {
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )
        .execute(&mut *conn)
        .await
        .context("creating the migrations table")?;
        let applied: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations ORDER BY version")
            .fetch_all(&mut *conn)
            .await
            .context("reading applied migrations")?
            .iter()
            .map(|row| row.try_get::<i64, _>(0))
            .collect::<Result<_, _>>()
            .context("reading applied migrations")?;
        if let Some(unknown) = applied.iter().find(|v| !MIGRATIONS.iter().any(|m| m.version == **v)) {
            return Err(StorageError::UnknownMigration(*unknown));
        }
        let mut done = Vec::new();
        for migration in
            MIGRATIONS.iter().filter(|m| !applied.contains(&m.version) && up_to.is_none_or(|v| m.version <= v))
        {
            let failed = |source| StorageError::Migration { version: migration.version, name: migration.name, source };
            let mut tx = sqlx::Connection::begin(&mut *conn).await.map_err(failed)?;
            sqlx::raw_sql(migration.sql).execute(&mut *tx).await.map_err(failed)?;
            let (sql, args) = Statement::from(
                Query::insert()
                    .into_table("schema_migrations")
                    .columns(["version", "name", "applied_at"])
                    .values([migration.version.into(), migration.name.into(), Utc::now().to_rfc3339().into()])
                    .map_err(|e| StorageError::Bind(e.to_string()))?,
            )
            .build(self.backend())?;
            sqlx::query_with(&sql, args).execute(&mut *tx).await.map_err(failed)?;
            tx.commit().await.map_err(failed)?;
            done.push(AppliedMigration { version: migration.version, name: migration.name });
        }
        Ok(done)
    }
}
