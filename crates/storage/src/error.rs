use thiserror::Error;

#[derive(Debug, Error)]
pub enum StorageError {
    #[error("unsupported database URL '{0}': use sqlite://PATH or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    #[error("cannot create the data directory {path}: {source}")]
    DataDirectory { path: String, source: std::io::Error },
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("database error while {context}: {source}")]
    Query { context: &'static str, source: sqlx::Error },
    #[error("migration {version} ({name}) failed: {source}")]
    Migration { version: i64, name: &'static str, source: sqlx::Error },
    #[error("the database has migration {0}, which this version of lshub does not know; upgrade lshub")]
    UnknownMigration(i64),
    #[error("stored record {id} is unreadable: {reason}")]
    CorruptRecord { id: String, reason: String },
    #[error("cannot bind a query parameter: {0}")]
    Bind(String),
    #[error("backup failed: {0}")]
    Backup(String),
    #[error("the backup is not usable (line {line}): {reason}; nothing was restored")]
    BadBackup { line: u64, reason: String },
    #[error("the database is not empty ({table} has {rows} rows); restore with --force to replace its content")]
    NotEmpty { table: String, rows: i64 },
    #[error("cannot create or check a secret: {0}")]
    Secret(String),
    #[error("an account with this e-mail address exists already")]
    EmailTaken,
    #[error("the hub needs at least one admin; make someone else admin first")]
    LastAdmin,
    #[error("uploaded files: {0}")]
    Files(String),
}

/// Adds what the storage layer was doing to a sqlx error.
pub(crate) trait QueryContext<T> {
    fn context(self, context: &'static str) -> Result<T, StorageError>;
}

impl<T> QueryContext<T> for Result<T, sqlx::Error> {
    fn context(self, context: &'static str) -> Result<T, StorageError> {
        self.map_err(|source| StorageError::Query { context, source })
    }
}
