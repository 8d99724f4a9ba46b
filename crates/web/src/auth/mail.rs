//! Delivering the outgoing-mail queue. Handlers only queue messages (in the transaction that
//! causes them); this worker sends them and records each attempt, so a message is never lost
//! when delivery fails and is retried on the next round.

use std::path::PathBuf;
use std::time::Duration;

use lshub_storage::accounts::QueuedMail;

use crate::state::AppState;

/// Where mail goes.
#[derive(Debug, Clone)]
pub enum Mailer {
    /// One `.eml` file per message in this folder: development and tests.
    Files(PathBuf),
}

/// Messages that failed this often stay in the queue, with their last error, for an operator.
const MAX_ATTEMPTS: i64 = 10;
const BATCH: i64 = 50;
/// Delivery also runs this often, for mail queued by another node.
pub const POLL_INTERVAL: Duration = Duration::from_secs(5);

impl Mailer {
    fn deliver(&self, mail: &QueuedMail) -> Result<(), String> {
        match self {
            Mailer::Files(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
                let text = format!(
                    "To: {}\r\nSubject: {}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
                    mail.recipient, mail.subject, mail.body
                );
                // Written under a temporary name and renamed, so a reader never sees half.
                let path = dir.join(format!("{}.eml", mail.id));
                let partial = dir.join(format!(".{}.tmp", mail.id));
                std::fs::write(&partial, text).map_err(|e| format!("writing {}: {e}", partial.display()))?;
                std::fs::rename(&partial, &path).map_err(|e| format!("renaming to {}: {e}", path.display()))
            }
        }
    }
}

/// Sends what is queued; called after a handler queues mail and every [`POLL_INTERVAL`].
pub async fn deliver_pending(state: &AppState) {
    let _one_at_a_time = state.accounts.delivering.lock().await;
    let pending = match state.db.pending_mail(BATCH).await {
        Ok(pending) => pending,
        Err(e) => {
            tracing::error!(error = %e, "reading the mail queue failed");
            return;
        }
    };
    for mail in pending.into_iter().filter(|m| m.attempts < MAX_ATTEMPTS) {
        let mailer = state.accounts.mailer.clone();
        let outcome = {
            let mail = mail.clone();
            tokio::task::spawn_blocking(move || mailer.deliver(&mail))
                .await
                .unwrap_or_else(|e| Err(format!("delivery task failed: {e}")))
        };
        if let Err(error) = &outcome {
            tracing::warn!(mail = %mail.id, error, "mail delivery failed; will retry");
        }
        if let Err(e) = state.db.mail_attempted(&mail.id, outcome).await {
            tracing::error!(error = %e, "recording a mail delivery failed");
        }
    }
}
