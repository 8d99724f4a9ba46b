use std::future::Future;
use std::path::Path;
use std::time::Duration;

use lshub_domain::{Page, Pagination};
use sea_query::{Cond, DynIden, Expr, Query, SelectStatement};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyPool, Executor, Transaction};

use crate::error::{QueryContext, StorageError};
use crate::sql::Statement;

/// Which database engine sits behind a [`Database`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Self, StorageError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StorageError::UnsupportedUrl(url.to_owned()))
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// SQLite settings for every connection. WAL lets readers work while one writer writes;
/// `synchronous=FULL` makes every acknowledged commit survive a power cut, which matters
/// more here than write speed (imports are one transaction each); the busy timeout makes
/// concurrent writers wait for the lock instead of failing. An import holds the lock for
/// seconds, so a writer behind several imports of other processes (8 in the concurrency test,
/// where 10 s was not always enough on 2 busy cores) needs a minute.
const SQLITE_PRAGMAS: &str =
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 60000; PRAGMA foreign_keys = ON;";

/// The advisory lock every writer holds on PostgreSQL (the migration lock is another).
const POSTGRES_WRITE_LOCK: i64 = 0x4c_5348_5557;

/// A pool of connections to the hub's database, SQLite or PostgreSQL.
#[derive(Clone)]
pub struct Database {
    pool: AnyPool,
    /// Where write transactions run: a pool of one connection (except for SQLite in memory,
    /// which has only `pool`), so the process's writers queue in order for it. On SQLite they
    /// would otherwise poll the lock against the busy timeout, which a long queue exceeds
    /// ("database is locked"); on PostgreSQL each would hold a connection readers need while
    /// it waits for the write lock. Other processes still compete through SQLite's busy
    /// timeout or PostgreSQL's advisory lock.
    writer: AnyPool,
    backend: Backend,
    /// PostgreSQL's address, for the listener of other nodes' changes.
    pub(crate) listen_url: Option<std::sync::Arc<str>>,
}

/// How long a write may queue in this process for the writer connection.
const WRITE_QUEUE_TIMEOUT: Duration = Duration::from_secs(600);

impl Database {
    /// Connects to `sqlite://PATH` (creating the file and its folder when missing) or
    /// `postgres://...`.
    pub async fn connect(url: &str) -> Result<Self, StorageError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(30));
        let (pool, writer) = match backend {
            Backend::Postgres => {
                let pool = options.max_connections(16).connect(url).await.map_err(StorageError::Connect)?;
                let writer = AnyPoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(WRITE_QUEUE_TIMEOUT)
                    .connect(url)
                    .await
                    .map_err(StorageError::Connect)?;
                (pool, writer)
            }
            Backend::Sqlite => {
                let (url, in_memory) = sqlite_url(url)?;
                let with_pragmas = |options: AnyPoolOptions| {
                    options.after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute(SQLITE_PRAGMAS).await?;
                            Ok(())
                        })
                    })
                };
                if in_memory {
                    // Every connection to `:memory:` is a database of its own: keep exactly one.
                    let options = options.max_connections(1).min_connections(1).idle_timeout(None).max_lifetime(None);
                    let pool = with_pragmas(options).connect(&url).await.map_err(StorageError::Connect)?;
                    (pool.clone(), pool)
                } else {
                    let pool =
                        with_pragmas(options.max_connections(8)).connect(&url).await.map_err(StorageError::Connect)?;
                    let writer =
                        with_pragmas(AnyPoolOptions::new().max_connections(1).acquire_timeout(WRITE_QUEUE_TIMEOUT))
                            .connect(&url)
                            .await
                            .map_err(StorageError::Connect)?;
                    (pool, writer)
                }
            }
        };
        let listen_url = (backend == Backend::Postgres).then(|| std::sync::Arc::from(url));
        Ok(Self { pool, writer, backend, listen_url })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a write transaction, one writer at a time on both backends. On SQLite it takes
    /// the write lock at once, so that two writers queue up instead of failing halfway when
    /// both try to upgrade a read lock. On PostgreSQL a transaction-scoped advisory lock does
    /// the same across every hub node: a writer reads the rows it upserts against only after
    /// the previous writer committed, so two concurrent first imports of one file cannot both
    /// insert (and collide on) the same records or slugs. The hub's writes are imports and
    /// small edits, so serialising them costs little.
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Any>, StorageError> {
        match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await.context("starting a transaction"),
            // One statement string: awaiting an executor on `&mut *tx` here would make every
            // caller's future lose `Send` (sqlx's higher-ranked `Executor` bound). The
            // notification reaches every node's listener at commit, and not at all on a
            // rollback.
            Backend::Postgres => self
                .writer
                .begin_with(format!(
                    "BEGIN; SELECT pg_advisory_xact_lock({POSTGRES_WRITE_LOCK}); NOTIFY {}",
                    crate::changes::CHANGES_CHANNEL
                ))
                .await
                .context("starting a transaction and waiting for the write lock"),
        }
    }

    // sea-query statements are not `Send`, so each of these builds its SQL before the
    // returned future starts: the future holds only SQL text and arguments.

    pub(crate) fn fetch_all(
        &self,
        statement: impl Into<Statement>,
        context: &'static str,
    ) -> impl Future<Output = Result<Vec<AnyRow>, StorageError>> + Send + '_ {
        let built = statement.into().build(self.backend);
        async move {
            let (sql, args) = built?;
            sqlx::query_with(&sql, args).fetch_all(&self.pool).await.context(context)
        }
    }

    pub(crate) fn fetch_optional(
        &self,
        statement: impl Into<Statement>,
        context: &'static str,
    ) -> impl Future<Output = Result<Option<AnyRow>, StorageError>> + Send + '_ {
        let built = statement.into().build(self.backend);
        async move {
            let (sql, args) = built?;
            sqlx::query_with(&sql, args).fetch_optional(&self.pool).await.context(context)
        }
    }

    pub(crate) fn fetch_count(
        &self,
        statement: impl Into<Statement>,
        context: &'static str,
    ) -> impl Future<Output = Result<i64, StorageError>> + Send + '_ {
        let built = statement.into().build(self.backend);
        async move {
            let (sql, args) = built?;
            sqlx::query_scalar_with(&sql, args).fetch_one(&self.pool).await.context(context)
        }
    }

    /// One page of the rows of `table` that match `condition`, in the order `order` sets,
    /// and how many rows match in all.
    pub(crate) fn fetch_page<T: Send + 'static>(
        &self,
        table: DynIden,
        columns: &[DynIden],
        condition: Cond,
        order: impl FnOnce(&mut SelectStatement),
        page: Pagination,
        from_row: fn(&AnyRow) -> Result<T, StorageError>,
    ) -> impl Future<Output = Result<Page<T>, StorageError>> + Send + '_ {
        let count =
            Query::select().expr(Expr::cust("COUNT(*)")).from(table.clone()).cond_where(condition.clone()).to_owned();
        let mut query = Query::select();
        query.columns(columns.iter().cloned()).from(table).cond_where(condition);
        order(&mut query);
        query.limit(page.limit.into()).offset(page.offset.into());
        let counting = self.fetch_count(count, "counting a list");
        let listing = self.fetch_all(query, "reading a list");
        async move {
            let total = counting.await?;
            let items = listing.await?.iter().map(from_row).collect::<Result<_, _>>()?;
            Ok(Page { items, total })
        }
    }

    /// SQLite's own consistency check of the database file (`ok` when sound); `None` on
    /// PostgreSQL, which has no such check built in.
    pub async fn integrity_check(&self) -> Result<Option<String>, StorageError> {
        match self.backend {
            Backend::Sqlite => sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_one(&self.pool)
                .await
                .map(Some)
                .context("checking the database's integrity"),
            Backend::Postgres => Ok(None),
        }
    }

    /// Checks that the database answers; used by `/healthz`.
    pub async fn ping(&self) -> Result<(), StorageError> {
        sqlx::raw_sql("SELECT 1").execute(&self.pool).await.context("checking the connection")?;
        Ok(())
    }

    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }
}

/// Returns the URL sqlx needs (with `mode=rwc`, so the file is created) and whether the
/// database lives in memory, after creating the file's folder.
fn sqlite_url(url: &str) -> Result<(String, bool), StorageError> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path == ":memory:" {
        return Ok(("sqlite::memory:".to_owned(), true));
    }
    let in_memory = query.contains("mode=memory");
    if !in_memory {
        if let Some(parent) = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|source| StorageError::DataDirectory { path: parent.display().to_string(), source })?;
        }
    }
    let query = if query.contains("mode=") || in_memory {
        query.to_owned()
    } else if query.is_empty() {
        "mode=rwc".to_owned()
    } else {
        format!("{query}&mode=rwc")
    };
    let url = if query.is_empty() { format!("sqlite://{path}") } else { format!("sqlite://{path}?{query}") };
    Ok((url, in_memory))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_create_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("nested/hub.db");
        let (url, in_memory) = sqlite_url(&format!("sqlite://{}", path.display())).expect("url");
        assert_eq!(url, format!("sqlite://{}?mode=rwc", path.display()));
        assert!(!in_memory);
        assert!(path.parent().is_some_and(Path::exists));
        assert_eq!(sqlite_url("sqlite::memory:").expect("memory"), ("sqlite::memory:".to_owned(), true));
    }

    #[test]
    fn unknown_schemes_are_refused() {
        assert!(matches!(Backend::from_url("mysql://x"), Err(StorageError::UnsupportedUrl(_))));
    }
}
