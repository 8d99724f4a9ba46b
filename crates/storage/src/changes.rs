//! Word of changes between nodes. On PostgreSQL every write transaction notifies the channel
//! [`CHANGES_CHANNEL`] at commit (see `Database::begin_write`), whichever node or command
//! wrote it, and each node listens, so its search index, figures and response cache follow
//! at once. SQLite has no such channel: its readers poll.

use sqlx::postgres::PgListener;

use crate::error::{QueryContext, StorageError};
use crate::Database;

pub(crate) const CHANGES_CHANNEL: &str = "lshub_changes";

/// What the listener heard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heard {
    /// One or more writes were committed.
    Change,
    /// The connection was lost and is being made again: changes meanwhile went unheard.
    Reconnecting,
}

/// A connection listening for other writers' changes.
pub struct ChangeListener {
    listener: PgListener,
}

impl ChangeListener {
    /// Waits for the next change; several already received count as one.
    pub async fn next(&mut self) -> Result<Heard, StorageError> {
        match self.listener.try_recv().await.context("listening for changes")? {
            Some(_) => {
                while self.listener.next_buffered().is_some() {}
                Ok(Heard::Change)
            }
            None => Ok(Heard::Reconnecting),
        }
    }
}

impl Database {
    /// A listener for the changes any node commits; `None` on SQLite.
    pub async fn listen_for_changes(&self) -> Result<Option<ChangeListener>, StorageError> {
        let Some(url) = &self.listen_url else { return Ok(None) };
        let mut listener = PgListener::connect(url).await.map_err(StorageError::Connect)?;
        listener.listen(CHANGES_CHANNEL).await.context("listening for changes")?;
        Ok(Some(ChangeListener { listener }))
    }
}
