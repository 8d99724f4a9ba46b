//! Delivering the outgoing-mail queue. Handlers only queue messages (in the transaction that
//! causes them); this worker sends them and records each attempt, so a message is never lost
//! when delivery fails and is retried on the next round.

use std::path::PathBuf;
use std::time::Duration;

use lshub_storage::accounts::QueuedMail;

use crate::state::AppState;

/// Where mail goes.
#[derive(Clone)]
pub enum Mailer {
    /// One `.eml` file per message in this folder: development and tests.
    Files(PathBuf),
    /// An SMTP relay (TLS or STARTTLS through rustls).
    Smtp { transport: Box<lettre::SmtpTransport>, from: lettre::message::Mailbox },
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Files(dir) => write!(f, "files in {}", dir.display()),
            Mailer::Smtp { from, .. } => write!(f, "SMTP as {from}"),
        }
    }
}

/// Messages that failed this often stay in the queue, with their last error, for an operator.
const MAX_ATTEMPTS: i64 = 10;
const BATCH: i64 = 50;
/// How long a node holds the messages it took; longer than a batch can take to send.
const LEASE_MINUTES: i64 = 10;
/// Delivery also runs this often, for mail queued by another node.
pub const POLL_INTERVAL: Duration = Duration::from_secs(5);

impl Mailer {
    /// An SMTP relay from a URL such as `smtps://user:pass@smtp.example.org` (TLS) or
    /// `smtp://user:pass@smtp.example.org:587?tls=required` (STARTTLS), sending as `from`.
    pub fn smtp(url: &str, from: &str) -> Result<Self, String> {
        let transport = lettre::SmtpTransport::from_url(url)
            .map_err(|e| format!("the SMTP URL is not usable: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        let from = from.parse().map_err(|e| format!("the sender address '{from}' is not usable: {e}"))?;
        Ok(Mailer::Smtp { transport: Box::new(transport), from })
    }

    fn deliver(&self, mail: &QueuedMail) -> Result<(), String> {
        match self {
            Mailer::Smtp { transport, from } => {
                use lettre::Transport;
                transport.send(&message(mail, from)?).map(|_| ()).map_err(|e| format!("sending through SMTP: {e}"))
            }
            Mailer::Files(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
                let text = if mail.attachment.is_some() {
                    let from = FILES_SENDER.parse().map_err(|e| format!("the files' sender: {e}"))?;
                    String::from_utf8_lossy(&message(mail, &from)?.formatted()).into_owned()
                } else {
                    // Plain text as it is, so that whoever reads the file reads its links.
                    let headers: String =
                        list_headers(mail).into_iter().map(|(name, value)| format!("{name}: {value}\r\n")).collect();
                    format!(
                        "To: {}\r\nSubject: {}\r\n{headers}Content-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
                        mail.recipient, mail.subject, mail.body
                    )
                };
                // Written under a temporary name and renamed, so a reader never sees half.
                let path = dir.join(format!("{}.eml", mail.id));
                let partial = dir.join(format!(".{}.tmp", mail.id));
                std::fs::write(&partial, text).map_err(|e| format!("writing {}: {e}", partial.display()))?;
                std::fs::rename(&partial, &path).map_err(|e| format!("renaming to {}: {e}", path.display()))
            }
        }
    }
}

/// The sender of messages written to files, which no one replies to.
const FILES_SENDER: &str = "LSH Hub <hub@localhost>";

/// `mail` as an Internet message from `from`: plain text, or plain text and its attachment.
fn message(mail: &QueuedMail, from: &lettre::message::Mailbox) -> Result<lettre::Message, String> {
    use lettre::message::header::{ContentType, HeaderName, HeaderValue};
    use lettre::message::{MultiPart, SinglePart};
    let to = mail.recipient.parse().map_err(|e| format!("recipient {}: {e}", mail.recipient))?;
    let mut builder = lettre::Message::builder().from(from.clone()).to(to).subject(mail.subject.clone());
    for (name, value) in list_headers(mail) {
        builder = builder.raw_header(HeaderValue::new(HeaderName::new_from_ascii_str(name), value));
    }
    let built = match &mail.attachment {
        None => builder.header(ContentType::TEXT_PLAIN).body(mail.body.clone()),
        Some(attachment) => {
            let content_type = ContentType::parse(&attachment.content_type)
                .map_err(|e| format!("the attachment's type {}: {e}", attachment.content_type))?;
            let file = lettre::message::Attachment::new(attachment.filename.clone())
                .body(attachment.content.clone(), content_type);
            builder.multipart(MultiPart::mixed().singlepart(SinglePart::plain(mail.body.clone())).singlepart(file))
        }
    };
    built.map_err(|e| format!("building the message: {e}"))
}

/// RFC 8058's one-click unsubscribe: the link, and that a POST to it is enough. (Mail
/// clients offer the button only for mail whose DKIM signature covers both; signing is the
/// relay's part.)
fn list_headers(mail: &QueuedMail) -> Vec<(&'static str, String)> {
    match &mail.unsubscribe_url {
        Some(url) => vec![
            ("List-Unsubscribe", format!("<{url}>")),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click".to_owned()),
        ],
        None => Vec::new(),
    }
}

/// Sends what is queued; called after a handler queues mail and every [`POLL_INTERVAL`].
pub async fn deliver_pending(state: &AppState) {
    let _one_at_a_time = state.accounts.delivering.lock().await;
    let pending = match state.db.take_pending_mail(BATCH, MAX_ATTEMPTS, chrono::Duration::minutes(LEASE_MINUTES)).await
    {
        Ok(pending) => pending,
        Err(e) => {
            tracing::error!(error = %e, "reading the mail queue failed");
            return;
        }
    };
    for mail in pending {
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

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

    /// A one-message SMTP server on loopback that returns what it received.
    async fn smtp_sink(listener: tokio::net::TcpListener) -> String {
        let (socket, _) = listener.accept().await.expect("accept");
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 sink ready\r\n").await.expect("greet");
        let mut received = String::new();
        let mut in_data = false;
        while let Ok(Some(line)) = lines.next_line().await {
            if in_data {
                if line == "." {
                    in_data = false;
                    write.write_all(b"250 queued\r\n").await.expect("reply");
                } else {
                    received.push_str(&line);
                    received.push('\n');
                }
                continue;
            }
            let reply: &[u8] = match line.split_whitespace().next().unwrap_or_default().to_ascii_uppercase().as_str() {
                "EHLO" | "HELO" => b"250 sink\r\n",
                "DATA" => {
                    in_data = true;
                    b"354 go ahead\r\n"
                }
                "QUIT" => {
                    write.write_all(b"221 bye\r\n").await.expect("reply");
                    break;
                }
                _ => b"250 ok\r\n",
            };
            write.write_all(reply).await.expect("reply");
        }
        received
    }

    #[tokio::test]
    async fn smtp_delivery_sends_the_queued_message() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let sink = tokio::spawn(smtp_sink(listener));
        let mailer = Mailer::smtp(&format!("smtp://127.0.0.1:{port}"), "LSH Hub <hub@example.org>").expect("mailer");
        let mail = QueuedMail {
            id: "1".into(),
            recipient: "ann@example.org".into(),
            subject: "Confirm your address".into(),
            body: "Open http://hub.test/verify?code=abc".into(),
            attempts: 0,
            unsubscribe_url: Some("http://hub.test/alerts/unsubscribe/abc".into()),
            attachment: None,
        };
        tokio::task::spawn_blocking(move || mailer.deliver(&mail)).await.expect("task").expect("sent");
        let received = sink.await.expect("sink");
        assert!(received.contains("To: ann@example.org"), "{received}");
        assert!(received.contains("Subject: Confirm your address"));
        assert!(received.contains("http://hub.test/verify?code=abc"));
        assert!(received.contains("List-Unsubscribe: <http://hub.test/alerts/unsubscribe/abc>"), "{received}");
        assert!(received.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert!(Mailer::smtp("not a url", "hub@example.org").is_err());
        assert!(Mailer::smtp("smtps://smtp.example.org", "not an address").is_err());
    }

    #[test]
    fn an_attachment_goes_as_a_second_part() {
        let dir = std::env::temp_dir().join(format!("lshub-mail-test-{}", std::process::id()));
        let calendar = "BEGIN:VCALENDAR\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n";
        let mail = QueuedMail {
            id: "with-attachment".into(),
            recipient: "ann@example.org".into(),
            subject: "Registered: Organoïds".into(),
            body: "You have a seat.".into(),
            attempts: 0,
            unsubscribe_url: None,
            attachment: Some(lshub_storage::accounts::Attachment {
                filename: "organoids.ics".into(),
                content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
                content: calendar.into(),
            }),
        };
        Mailer::Files(dir.clone()).deliver(&mail).expect("written");
        let written = std::fs::read_to_string(dir.join("with-attachment.eml")).expect("the file");
        assert!(written.contains("To: ann@example.org\r\n"), "{written}");
        assert!(written.contains("Content-Type: multipart/mixed;"), "{written}");
        assert!(written.contains("Content-Disposition: attachment; filename=\"organoids.ics\""), "{written}");
        assert!(written.contains("Content-Type: text/calendar; charset=utf-8; method=PUBLISH"), "{written}");
        assert!(written.contains(calendar) && written.contains("You have a seat."), "{written}");
        let broken = QueuedMail {
            attachment: Some(lshub_storage::accounts::Attachment {
                content_type: "not a type".into(),
                ..mail.attachment.clone().expect("an attachment")
            }),
            ..mail
        };
        assert!(Mailer::Files(dir.clone()).deliver(&broken).is_err(), "an attachment's unusable type is an error");
        std::fs::remove_dir_all(&dir).expect("cleaned up");
    }
}
