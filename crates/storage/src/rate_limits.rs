//! The rate limits every node shares: requests per client in fixed windows, counted in one
//! row per (bucket, client, window) that every node increments.

use sqlx::Row;

use crate::accounts::sql;
use crate::error::{QueryContext, StorageError};
use crate::Database;

/// How long a finished window is kept before the purge removes it.
const KEEP_WINDOWS_SECONDS: i64 = 3600;

impl Database {
    /// Counts one request of `client` against `bucket` at `now` (seconds since the epoch) in
    /// its current window of `window` seconds, which starts anew once the last one is over;
    /// how many the window holds with this one, and when it started. One statement, so
    /// concurrent requests on any number of nodes are each counted once.
    pub async fn count_request(
        &self,
        bucket: &str,
        client: &str,
        now: i64,
        window: i64,
    ) -> Result<(i64, i64), StorageError> {
        let statement = sql(
            self.backend(),
            "INSERT INTO rate_limit_windows (bucket, client, window_start, hits) VALUES (?, ?, ?, 1) \
             ON CONFLICT (bucket, client) DO UPDATE SET \
             hits = CASE WHEN rate_limit_windows.window_start <= ? THEN 1 ELSE rate_limit_windows.hits + 1 END, \
             window_start = CASE WHEN rate_limit_windows.window_start <= ? THEN excluded.window_start \
             ELSE rate_limit_windows.window_start END \
             RETURNING hits, window_start",
        );
        let ended_before = now - window;
        let row = sqlx::query(&statement)
            .bind(bucket.to_owned())
            .bind(client.to_owned())
            .bind(now)
            .bind(ended_before)
            .bind(ended_before)
            .fetch_one(self.pool())
            .await
            .context("counting a request against a rate limit")?;
        let hits = row.try_get("hits").context("reading a rate limit's count")?;
        let start = row.try_get("window_start").context("reading a rate limit's window")?;
        Ok((hits, start))
    }

    /// Removes the windows that ended long ago; how many.
    pub async fn purge_rate_limit_windows(&self, now: i64) -> Result<u64, StorageError> {
        let statement = sql(self.backend(), "DELETE FROM rate_limit_windows WHERE window_start < ?");
        let done = sqlx::query(&statement)
            .bind(now - KEEP_WINDOWS_SECONDS)
            .execute(self.pool())
            .await
            .context("purging rate limit windows")?;
        Ok(done.rows_affected())
    }
}
