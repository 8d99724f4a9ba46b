//! Users, sessions, one-time codes, API tokens and the outgoing-mail queue.
//!
//! These tables are small and their statements simple, so they are written as portable SQL
//! with `?` placeholders (numbered for PostgreSQL by [`sql`]) rather than built with sea-query.
//! Every operation that changes more than one row runs in one transaction, together with its
//! audit entry: nothing is half-saved and nothing happens unaudited.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use lshub_domain::account::{Email, Role, TokenScope, User};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use crate::audit::AuditEvent;
use crate::credentials::{digest, new_secret};
use crate::error::{QueryContext, StorageError};
use crate::{Backend, Database};

/// `?` placeholders as the backend wants them (`$1`, `$2`, ... for PostgreSQL).
pub(crate) fn sql(backend: Backend, text: &str) -> String {
    match backend {
        Backend::Sqlite => text.to_owned(),
        Backend::Postgres => {
            let mut out = String::with_capacity(text.len() + 8);
            let mut n = 0;
            for c in text.chars() {
                if c == '?' {
                    n += 1;
                    out.push('$');
                    out.push_str(&n.to_string());
                } else {
                    out.push(c);
                }
            }
            out
        }
    }
}

/// Times in these tables: fixed-width RFC 3339 UTC, so text order is time order.
pub(crate) fn stamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub(crate) fn now() -> String {
    stamp(Utc::now())
}

pub(crate) fn parse_time(text: &str, what: &str) -> Result<DateTime<Utc>, StorageError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StorageError::CorruptRecord { id: what.to_owned(), reason: e.to_string() })
}

const USER_COLUMNS: &str = "id, email, display_name, role, email_verified_at, disabled_at, created_at";

fn user_from_row(row: &AnyRow) -> Result<User, StorageError> {
    let id: String = row.try_get("id").context("reading a user")?;
    let role: String = row.try_get("role").context("reading a user")?;
    let created_at: String = row.try_get("created_at").context("reading a user")?;
    let verified: Option<String> = row.try_get("email_verified_at").context("reading a user")?;
    let disabled: Option<String> = row.try_get("disabled_at").context("reading a user")?;
    Ok(User {
        role: Role::from_id(&role)
            .ok_or_else(|| StorageError::CorruptRecord { id: id.clone(), reason: format!("unknown role {role}") })?,
        email: row.try_get("email").context("reading a user")?,
        display_name: row.try_get("display_name").context("reading a user")?,
        email_verified: verified.is_some(),
        disabled: disabled.is_some(),
        created_at: parse_time(&created_at, &id)?,
        id,
    })
}

/// A new account. OpenID Connect accounts have no password and arrive verified.
pub struct NewUser<'a> {
    pub email: &'a Email,
    pub display_name: &'a str,
    pub password_hash: Option<&'a str>,
    pub role: Role,
    pub email_verified: bool,
    pub oidc: Option<(&'a str, &'a str)>,
}

/// A message to send, queued in the same transaction as the change that causes it.
#[derive(Debug, Clone, Copy)]
pub struct Mail<'a> {
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

/// A text file sent with a message, such as a calendar entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    /// Its media type, parameters included (`text/calendar; method=PUBLISH`).
    pub content_type: String,
    pub content: String,
}

/// Builds the subject and body of a mail that carries a one-time code.
pub type ComposeMail<'a> = dyn Fn(&str) -> (String, String) + Sync + 'a;

/// A one-time code to issue, and the mail that carries it.
pub struct CodeMail<'a> {
    pub user_id: &'a str,
    pub purpose: CodePurpose,
    pub valid_for: Duration,
    pub recipient: &'a str,
    pub compose: &'a ComposeMail<'a>,
}

/// A queued message.
#[derive(Debug, Clone)]
pub struct QueuedMail {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
    /// RFC 8058's one-click unsubscribe address, for mail that offers one.
    pub unsubscribe_url: Option<String>,
    pub attachment: Option<Attachment>,
}

/// What a one-time code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodePurpose {
    VerifyEmail,
    ResetPassword,
    /// Sign in once without the password: mailed when an account is under attack.
    SignIn,
}

impl CodePurpose {
    fn id(self) -> &'static str {
        match self {
            CodePurpose::VerifyEmail => "verify-email",
            CodePurpose::ResetPassword => "reset-password",
            CodePurpose::SignIn => "sign-in",
        }
    }
}

/// How many mails of one kind an account may be sent within a window, counted from the audit
/// log (so across nodes): the kind is the audit event's action, the account its subject.
#[derive(Debug, Clone, Copy)]
pub struct Allowance {
    pub mails: i64,
    pub window: Duration,
}

/// Whether [`Database::issue_code`] queued the mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issued {
    Queued,
    /// The account had its allowance; it may have another mail after this long.
    OverAllowance {
        retry_after: Duration,
    },
}

/// What ending every credential of an account ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Revoked {
    pub sessions: u64,
    pub tokens: u64,
    pub reset_links: u64,
}

impl Revoked {
    /// For the audit log.
    pub fn detail(&self) -> String {
        format!(
            "{} sessions ended, {} tokens revoked, {} reset links voided",
            self.sessions, self.tokens, self.reset_links
        )
    }
}

/// A password-reset request, queued by the request and answered by the mail worker.
#[derive(Debug, Clone)]
pub struct ResetRequest {
    pub id: String,
    /// The address as the visitor gave it.
    pub email: String,
    /// The language of the page it was asked on, for the mail.
    pub language: String,
    pub client: String,
}

/// A signed-in browser session.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    /// The synchronizer token the session's forms carry.
    pub csrf_token: String,
}

/// A personal API token as its owner sees it (never the secret).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub scopes: Vec<TokenScope>,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// Stored user with the password hash, for signing in.
pub struct Credentials {
    pub user: User,
    pub password_hash: Option<String>,
}

pub(crate) async fn exec(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    text: &str,
    binds: Vec<Option<String>>,
    context: &'static str,
) -> Result<u64, StorageError> {
    let statement = sql(backend, text);
    let mut query = sqlx::query(&statement);
    for value in binds {
        query = query.bind(value);
    }
    Ok(query.execute(&mut **tx).await.context(context)?.rows_affected())
}

/// The rows a query reads inside a transaction (so that it sees the transaction's writes).
pub(crate) async fn fetch_in(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    text: &str,
    binds: Vec<Option<String>>,
    context: &'static str,
) -> Result<Vec<AnyRow>, StorageError> {
    let statement = sql(backend, text);
    let mut query = sqlx::query(&statement);
    for value in binds {
        query = query.bind(value);
    }
    query.fetch_all(&mut **tx).await.context(context)
}

/// Runs `body` in one write transaction (`tx`), committed when it returns `Ok`; an `Err` or
/// an early `return` of an error rolls everything back. A macro rather than a function taking
/// an async closure, because such closures' futures cannot yet be shown to be `Send`.
macro_rules! transaction {
    ($db:expr, |$backend:ident, $tx:ident| $body:block) => {
        async {
            let $backend = $db.backend();
            let mut transaction = $db.begin_write().await?;
            let value = {
                let $tx = &mut transaction;
                async { $body }.await?
            };
            $crate::error::QueryContext::context(transaction.commit().await, "committing")?;
            Ok::<_, $crate::StorageError>(value)
        }
    };
}
pub(crate) use transaction;

/// Positional string parameters; `None` is SQL NULL.
macro_rules! binds {
    ($($value:expr),* $(,)?) => { vec![$(Option::<String>::from($value)),*] };
}
pub(crate) use binds;

impl Database {
    pub(crate) async fn query_rows(
        &self,
        text: &str,
        binds: Vec<Option<String>>,
        context: &'static str,
    ) -> Result<Vec<AnyRow>, StorageError> {
        let statement = sql(self.backend(), text);
        let mut query = sqlx::query(&statement);
        for value in binds {
            query = query.bind(value);
        }
        query.fetch_all(self.pool()).await.context(context)
    }

    async fn query_row(
        &self,
        text: &str,
        binds: Vec<Option<String>>,
        context: &'static str,
    ) -> Result<Option<AnyRow>, StorageError> {
        Ok(self.query_rows(text, binds, context).await?.into_iter().next())
    }

    /// Creates an account, with its audit entry and, when given, a verification code whose
    /// mail `mail` builds from the code; returns the user and the code.
    pub async fn create_user(
        &self,
        new: NewUser<'_>,
        audit: AuditEvent<'_>,
        verification: Option<(Duration, &ComposeMail<'_>)>,
    ) -> Result<User, StorageError> {
        let id = Uuid::now_v7().to_string();
        let created = now();
        let taken = self
            .query_row("SELECT id FROM users WHERE email_key = ?", binds![new.email.lookup_key()], "checking an e-mail")
            .await?;
        if taken.is_some() {
            return Err(StorageError::EmailTaken);
        }
        transaction!(self, |backend, tx| {
            exec(
                backend,
                tx,
                "INSERT INTO users (id, email, email_key, display_name, password_hash, role, email_verified_at, \
                 oidc_issuer, oidc_subject, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                binds![
                    id.clone(),
                    new.email.as_str().to_owned(),
                    new.email.lookup_key(),
                    new.display_name.to_owned(),
                    new.password_hash.map(str::to_owned),
                    new.role.id().to_owned(),
                    new.email_verified.then(|| created.clone()),
                    new.oidc.map(|(issuer, _)| issuer.to_owned()),
                    new.oidc.map(|(_, subject)| subject.to_owned()),
                    created.clone(),
                ],
                "creating a user",
            )
            .await
            .map_err(|e| match e {
                // Two registrations racing for one address: the unique index decides.
                StorageError::Query { source: sqlx::Error::Database(d), .. } if d.is_unique_violation() => {
                    StorageError::EmailTaken
                }
                other => other,
            })?;
            if let Some((valid_for, compose)) = verification {
                let code = insert_code(backend, tx, &id, CodePurpose::VerifyEmail, valid_for).await?;
                let (subject, body) = compose(&code);
                queue_mail(backend, tx, Mail { recipient: new.email.as_str(), subject: &subject, body: &body }).await?;
            }
            crate::audit::insert(backend, tx, &AuditEvent { actor_id: Some(&id), ..audit }).await
        })
        .await?;
        self.user_by_id(&id).await?.ok_or(StorageError::CorruptRecord { id, reason: "vanished".into() })
    }

    pub async fn user_by_id(&self, id: &str) -> Result<Option<User>, StorageError> {
        let row = self
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?"),
                binds![id.to_owned()],
                "reading a user",
            )
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    pub async fn user_by_email(&self, email: &Email) -> Result<Option<Credentials>, StorageError> {
        let row = self
            .query_row(
                &format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE email_key = ?"),
                binds![email.lookup_key()],
                "reading a user",
            )
            .await?;
        row.map(|row| {
            Ok(Credentials {
                user: user_from_row(&row)?,
                password_hash: row.try_get("password_hash").context("reading a user")?,
            })
        })
        .transpose()
    }

    pub async fn user_by_oidc(&self, issuer: &str, subject: &str) -> Result<Option<User>, StorageError> {
        let row = self
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE oidc_issuer = ? AND oidc_subject = ?"),
                binds![issuer.to_owned(), subject.to_owned()],
                "reading a user",
            )
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Every account, newest first.
    pub async fn list_users(&self) -> Result<Vec<User>, StorageError> {
        let rows = self
            .query_rows(
                &format!("SELECT {USER_COLUMNS} FROM users ORDER BY created_at DESC, id"),
                vec![],
                "listing users",
            )
            .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Changes a role; refuses to take the role of the last admin (nobody could manage the
    /// hub then).
    pub async fn set_role(&self, user_id: &str, role: Role, audit: AuditEvent<'_>) -> Result<bool, StorageError> {
        transaction!(self, |backend, tx| {
            if role != Role::Admin {
                keep_an_admin(backend, tx, user_id).await?;
            }
            let changed = exec(
                backend,
                tx,
                "UPDATE users SET role = ? WHERE id = ?",
                binds![role.id().to_owned(), user_id.to_owned()],
                "changing a role",
            )
            .await?;
            if changed > 0 {
                crate::audit::insert(backend, tx, &audit).await?;
            }
            Ok(changed > 0)
        })
        .await
    }

    /// Disables an account, ending its sessions (its tokens stay, refused while it is
    /// disabled), or enables it again; refuses to disable the last admin. False when there
    /// is no such account or it already was so.
    pub async fn set_disabled(
        &self,
        user_id: &str,
        disabled: bool,
        audit: AuditEvent<'_>,
    ) -> Result<bool, StorageError> {
        transaction!(self, |backend, tx| {
            let changed = if disabled {
                keep_an_admin(backend, tx, user_id).await?;
                let changed = exec(
                    backend,
                    tx,
                    "UPDATE users SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL",
                    binds![now(), user_id.to_owned()],
                    "disabling an account",
                )
                .await?;
                end_sessions(backend, tx, user_id).await?;
                changed
            } else {
                exec(
                    backend,
                    tx,
                    "UPDATE users SET disabled_at = NULL WHERE id = ? AND disabled_at IS NOT NULL",
                    binds![user_id.to_owned()],
                    "enabling an account",
                )
                .await?
            };
            if changed > 0 {
                crate::audit::insert(backend, tx, &audit).await?;
            }
            Ok(changed > 0)
        })
        .await
    }

    pub async fn set_display_name(&self, user_id: &str, name: &str, audit: AuditEvent<'_>) -> Result<(), StorageError> {
        transaction!(self, |backend, tx| {
            exec(
                backend,
                tx,
                "UPDATE users SET display_name = ? WHERE id = ?",
                binds![name.to_owned(), user_id.to_owned()],
                "renaming a user",
            )
            .await?;
            crate::audit::insert(backend, tx, &audit).await
        })
        .await
    }

    /// Links an existing account to an OpenID Connect identity whose provider confirmed the
    /// account's address, and ends every earlier way into the account (its password,
    /// sessions, API tokens and reset links): whoever registered the address first need not
    /// be its owner.
    pub async fn link_oidc(
        &self,
        user_id: &str,
        issuer: &str,
        subject: &str,
        audit: AuditEvent<'_>,
    ) -> Result<(), StorageError> {
        transaction!(self, |backend, tx| {
            exec(
                backend,
                tx,
                "UPDATE users SET oidc_issuer = ?, oidc_subject = ?, \
                 email_verified_at = COALESCE(email_verified_at, ?) WHERE id = ?",
                binds![issuer.to_owned(), subject.to_owned(), now(), user_id.to_owned()],
                "linking an identity",
            )
            .await?;
            exec(
                backend,
                tx,
                "UPDATE users SET password_hash = NULL WHERE id = ?",
                binds![user_id.to_owned()],
                "removing a password",
            )
            .await?;
            let revoked = revoke_credentials(backend, tx, user_id, None).await?;
            crate::audit::insert(backend, tx, &AuditEvent { detail: revoked.detail(), ..audit }).await
        })
        .await
    }

    // Sessions.

    /// Starts a session and returns its secret id (for the cookie).
    pub async fn create_session(
        &self,
        user_id: &str,
        valid_for: Duration,
        audit: AuditEvent<'_>,
    ) -> Result<String, StorageError> {
        let secret = new_secret()?;
        let csrf = new_secret()?;
        let created = Utc::now();
        transaction!(self, |backend, tx| {
            exec(
                backend,
                tx,
                "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                binds![digest(&secret), user_id.to_owned(), csrf, stamp(created), stamp(created + valid_for)],
                "starting a session",
            )
            .await?;
            crate::audit::insert(backend, tx, &audit).await
        })
        .await?;
        Ok(secret)
    }

    /// The live session with this secret id, if any.
    pub async fn session(&self, secret: &str) -> Result<Option<Session>, StorageError> {
        let row = self
            .query_row(
                "SELECT u.id, u.email, u.display_name, u.role, u.email_verified_at, u.disabled_at, u.created_at, s.csrf_token \
                 FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ? AND s.expires_at > ?",
                binds![digest(secret), now()],
                "reading a session",
            )
            .await?;
        row.map(|row| {
            Ok(Session {
                user: user_from_row(&row)?,
                csrf_token: row.try_get("csrf_token").context("reading a session")?,
            })
        })
        .transpose()
    }

    pub async fn end_session(&self, secret: &str) -> Result<(), StorageError> {
        transaction!(self, |backend, tx| {
            exec(backend, tx, "DELETE FROM sessions WHERE id_hash = ?", binds![digest(secret)], "ending a session")
                .await
                .map(|_| ())
        })
        .await
    }

    /// Deletes expired sessions, expired or used one-time codes, and reset requests answered
    /// more than an hour ago.
    pub async fn purge_expired(&self) -> Result<u64, StorageError> {
        let now = now();
        let purged = transaction!(self, |backend, tx| {
            let sessions =
                exec(backend, tx, "DELETE FROM sessions WHERE expires_at < ?", binds![now.clone()], "purging sessions")
                    .await?;
            let codes = exec(
                backend,
                tx,
                "DELETE FROM one_time_codes WHERE expires_at < ? OR used_at IS NOT NULL",
                binds![now.clone()],
                "purging codes",
            )
            .await?;
            let requests = exec(
                backend,
                tx,
                "DELETE FROM password_reset_requests WHERE answered_at < ?",
                binds![stamp(Utc::now() - Duration::hours(1))],
                "purging reset requests",
            )
            .await?;
            Ok(sessions + codes + requests)
        })
        .await?;
        Ok(purged + self.purge_rate_limit_windows(Utc::now().timestamp()).await?)
    }

    /// "Sign out everywhere", and an admin's revoking: ends every session of a user, revokes
    /// every API token and voids every outstanding reset link, in one transaction with its
    /// audit entry (whose detail says what ended).
    pub async fn revoke_all_credentials(&self, user_id: &str, audit: AuditEvent<'_>) -> Result<Revoked, StorageError> {
        transaction!(self, |backend, tx| {
            let revoked = revoke_credentials(backend, tx, user_id, None).await?;
            crate::audit::insert(backend, tx, &AuditEvent { detail: revoked.detail(), ..audit }).await?;
            Ok(revoked)
        })
        .await
    }

    /// The stored password hash of a user; `None` for accounts without a password (OpenID
    /// Connect) and unknown users.
    pub async fn password_hash(&self, user_id: &str) -> Result<Option<String>, StorageError> {
        let row = self
            .query_row("SELECT password_hash FROM users WHERE id = ?", binds![user_id.to_owned()], "reading a user")
            .await?;
        Ok(row.map(|row| row.try_get("password_hash")).transpose().context("reading a user")?.flatten())
    }

    /// Sets a new password hash for a signed-in user, ends every other session (the one with
    /// secret id `keep_session` stays), revokes every API token, voids every outstanding reset
    /// link and queues `notice` to the owner, in one transaction with its audit entry.
    pub async fn change_password(
        &self,
        user_id: &str,
        new_password_hash: &str,
        keep_session: &str,
        notice: Mail<'_>,
        audit: AuditEvent<'_>,
    ) -> Result<Revoked, StorageError> {
        transaction!(self, |backend, tx| {
            exec(
                backend,
                tx,
                "UPDATE users SET password_hash = ? WHERE id = ?",
                binds![new_password_hash.to_owned(), user_id.to_owned()],
                "setting a password",
            )
            .await?;
            let revoked = revoke_credentials(backend, tx, user_id, Some(keep_session)).await?;
            queue_mail(backend, tx, notice).await?;
            crate::audit::insert(backend, tx, &AuditEvent { detail: revoked.detail(), ..audit }).await?;
            Ok(revoked)
        })
        .await
    }

    // One-time codes.

    /// Issues a code and queues the mail that carries it, in one transaction with `audit`;
    /// with an `allowance`, only while the account has had fewer such mails (events like
    /// `audit`) within its window.
    pub async fn issue_code(
        &self,
        code: CodeMail<'_>,
        audit: AuditEvent<'_>,
        allowance: Option<Allowance>,
    ) -> Result<Issued, StorageError> {
        transaction!(self, |backend, tx| { issue_code_in(backend, tx, code, &audit, allowance).await }).await
    }

    // Password-reset requests.

    /// Queues a request for a reset link to `email`: the same single insert whether or not
    /// the address has an account, answered later by [`Database::answer_reset_request`].
    pub async fn queue_reset_request(&self, email: &Email, language: &str, client: &str) -> Result<(), StorageError> {
        transaction!(self, |backend, tx| {
            exec(
                backend,
                tx,
                "INSERT INTO password_reset_requests (id, email, email_key, language, client, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?)",
                binds![
                    Uuid::now_v7().to_string(),
                    email.as_str().to_owned(),
                    email.lookup_key(),
                    language.to_owned(),
                    client.to_owned(),
                    now()
                ],
                "queueing a reset request",
            )
            .await
            .map(|_| ())
        })
        .await
    }

    /// Up to `limit` unanswered reset requests, oldest first.
    pub async fn pending_reset_requests(&self, limit: i64) -> Result<Vec<ResetRequest>, StorageError> {
        let statement = format!(
            "SELECT id, email, language, client FROM password_reset_requests WHERE answered_at IS NULL \
             ORDER BY created_at LIMIT {}",
            limit.max(1)
        );
        let rows: Vec<(String, String, String, String)> =
            sqlx::query_as(&statement).fetch_all(self.pool()).await.context("reading reset requests")?;
        Ok(rows.into_iter().map(|(id, email, language, client)| ResetRequest { id, email, language, client }).collect())
    }

    /// Answers a queued reset request once (another node answering it meanwhile wins): when
    /// its address has an account with an allowance left, issues a reset code and queues the
    /// mail `compose` words to the account's own address, audited as
    /// `password.reset-requested`; an unknown address gets nothing. Returns whether a mail
    /// was queued.
    pub async fn answer_reset_request(
        &self,
        request: &ResetRequest,
        valid_for: Duration,
        compose: &ComposeMail<'_>,
        allowance: Allowance,
    ) -> Result<bool, StorageError> {
        let at = now();
        transaction!(self, |backend, tx| {
            let claimed = exec(
                backend,
                tx,
                "UPDATE password_reset_requests SET answered_at = ? WHERE id = ? AND answered_at IS NULL",
                binds![at.clone(), request.id.clone()],
                "answering a reset request",
            )
            .await?;
            let owner: Option<(String, String)> = if claimed == 0 {
                None
            } else {
                sqlx::query_as(&sql(
                    backend,
                    "SELECT u.id, u.email FROM users u JOIN password_reset_requests r ON r.email_key = u.email_key \
                     WHERE r.id = ?",
                ))
                .bind(request.id.clone())
                .fetch_optional(&mut **tx)
                .await
                .context("reading a user")?
            };
            let Some((user_id, email)) = owner else { return Ok(false) };
            let audit = AuditEvent {
                actor_id: None,
                actor_label: "visitor",
                action: "password.reset-requested",
                subject: &user_id,
                detail: String::new(),
                client: &request.client,
            };
            let code = CodeMail {
                user_id: &user_id,
                purpose: CodePurpose::ResetPassword,
                valid_for,
                recipient: &email,
                compose,
            };
            Ok(issue_code_in(backend, tx, code, &audit, Some(allowance)).await? == Issued::Queued)
        })
        .await
    }

    /// Uses a code once: marks the e-mail verified (a sign-in link too, as whoever could read
    /// the mailbox owns the address), or sets the new password hash and revokes every other
    /// credential of the account (sessions, API tokens, other reset links). Returns the user,
    /// or `None` for an unknown, used or expired code.
    pub async fn redeem_code(
        &self,
        code: &str,
        purpose: CodePurpose,
        new_password_hash: Option<&str>,
        client: &str,
    ) -> Result<Option<String>, StorageError> {
        let at = now();
        transaction!(self, |backend, tx| {
            let statement = sql(
                backend,
                "SELECT user_id FROM one_time_codes WHERE code_hash = ? AND purpose = ? AND used_at IS NULL \
                 AND expires_at > ?",
            );
            let user_id: Option<String> = sqlx::query_scalar(&statement)
                .bind(digest(code))
                .bind(purpose.id())
                .bind(at.clone())
                .fetch_optional(&mut **tx)
                .await
                .context("reading a code")?;
            let Some(user_id) = user_id else { return Ok(None) };
            // The UPDATE's condition makes a second, concurrent use change nothing.
            let used = exec(
                backend,
                tx,
                "UPDATE one_time_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL",
                binds![at.clone(), digest(code)],
                "using a code",
            )
            .await?;
            if used == 0 {
                return Ok(None);
            }
            let detail = match purpose {
                // Whoever could read the mailbox owns the address.
                CodePurpose::VerifyEmail | CodePurpose::SignIn => {
                    exec(
                        backend,
                        tx,
                        "UPDATE users SET email_verified_at = COALESCE(email_verified_at, ?) WHERE id = ?",
                        binds![at.clone(), user_id.clone()],
                        "verifying an e-mail address",
                    )
                    .await?;
                    String::new()
                }
                CodePurpose::ResetPassword => {
                    let Some(hash) = new_password_hash else {
                        return Err(StorageError::Secret("a password reset needs the new password".into()));
                    };
                    // Whoever could read the mailbox could also reset; so the reset also
                    // proves the address.
                    exec(
                        backend,
                        tx,
                        "UPDATE users SET password_hash = ?, email_verified_at = COALESCE(email_verified_at, ?) \
                         WHERE id = ?",
                        binds![hash.to_owned(), at.clone(), user_id.clone()],
                        "setting a password",
                    )
                    .await?;
                    // Whoever reset the password must be the only one left inside; and one
                    // used link voids the others (this one is already marked used).
                    revoke_credentials(backend, tx, &user_id, None).await?.detail()
                }
            };
            let action = match purpose {
                CodePurpose::VerifyEmail => "account.verified",
                CodePurpose::ResetPassword => "password.reset",
                CodePurpose::SignIn => "login.link-used",
            };
            let event = AuditEvent {
                actor_id: Some(&user_id),
                actor_label: "e-mail link",
                action,
                subject: &user_id,
                detail,
                client,
            };
            crate::audit::insert(backend, tx, &event).await?;
            Ok(Some(user_id))
        })
        .await
    }

    // API tokens.

    /// Creates a token and returns its record and the secret, shown to the owner once.
    pub async fn create_api_token(
        &self,
        user_id: &str,
        name: &str,
        scopes: &[TokenScope],
        audit: AuditEvent<'_>,
    ) -> Result<String, StorageError> {
        let secret = format!("lsh_{}", new_secret()?);
        let scopes: Vec<&str> = scopes.iter().map(|s| s.id()).collect();
        transaction!(self, |backend, tx| {
            exec(
                backend,
                tx,
                "INSERT INTO api_tokens (id, user_id, name, token_hash, scopes, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                binds![
                    Uuid::now_v7().to_string(),
                    user_id.to_owned(),
                    name.to_owned(),
                    digest(&secret),
                    scopes.join(" "),
                    now()
                ],
                "creating a token",
            )
            .await?;
            crate::audit::insert(backend, tx, &audit).await
        })
        .await?;
        Ok(secret)
    }

    pub async fn api_tokens(&self, user_id: &str) -> Result<Vec<ApiToken>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT id, name, scopes, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = ? \
                 ORDER BY created_at DESC",
                binds![user_id.to_owned()],
                "listing tokens",
            )
            .await?;
        rows.iter()
            .map(|row| {
                let scopes: String = row.try_get("scopes")?;
                Ok(ApiToken {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    scopes: scopes.split(' ').filter_map(TokenScope::from_id).collect(),
                    created_at: row.try_get("created_at")?,
                    last_used_at: row.try_get("last_used_at")?,
                    revoked_at: row.try_get("revoked_at")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .context("listing tokens")
    }

    /// Revokes one of the user's own tokens; false when there is no such live token.
    pub async fn revoke_api_token(
        &self,
        user_id: &str,
        token_id: &str,
        audit: AuditEvent<'_>,
    ) -> Result<bool, StorageError> {
        transaction!(self, |backend, tx| {
            let revoked = exec(
                backend,
                tx,
                "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
                binds![now(), token_id.to_owned(), user_id.to_owned()],
                "revoking a token",
            )
            .await?;
            if revoked > 0 {
                crate::audit::insert(backend, tx, &audit).await?;
            }
            Ok(revoked > 0)
        })
        .await
    }

    /// The owner and scopes of a live token; notes when it was last used.
    pub async fn user_by_api_token(&self, secret: &str) -> Result<Option<(User, Vec<TokenScope>)>, StorageError> {
        let row = self
            .query_row(
                "SELECT u.id, u.email, u.display_name, u.role, u.email_verified_at, u.disabled_at, u.created_at, t.scopes, \
                 t.id AS token_id \
                 FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND t.revoked_at IS NULL",
                binds![digest(secret)],
                "reading a token",
            )
            .await?;
        let Some(row) = row else { return Ok(None) };
        let scopes: String = row.try_get("scopes").context("reading a token")?;
        let token_id: String = row.try_get("token_id").context("reading a token")?;
        transaction!(self, |backend, tx| {
            exec(
                backend,
                tx,
                "UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
                binds![now(), token_id],
                "using a token",
            )
            .await
        })
        .await?;
        Ok(Some((user_from_row(&row)?, scopes.split(' ').filter_map(TokenScope::from_id).collect())))
    }

    // The outgoing-mail queue.

    /// Takes up to `limit` unsent messages tried fewer than `max_attempts` times, oldest
    /// first, for `lease`: another node asking meanwhile gets other messages, and a message
    /// whose node died is retried after it.
    pub async fn take_pending_mail(
        &self,
        limit: i64,
        max_attempts: i64,
        lease: Duration,
    ) -> Result<Vec<QueuedMail>, StorageError> {
        let now = now();
        let rows = self
            .query_rows(
                &format!(
                    "SELECT id, recipient, subject, body, attempts, unsubscribe_url, attachment_name, attachment_type, \
                     attachment FROM outgoing_mail WHERE sent_at IS NULL \
                     AND attempts < {} AND (locked_until IS NULL OR locked_until < ?) ORDER BY created_at LIMIT {}",
                    max_attempts.max(1),
                    limit.max(1)
                ),
                binds![now.clone()],
                "reading the mail queue",
            )
            .await?;
        let candidates = rows
            .iter()
            .map(|row| {
                Ok(QueuedMail {
                    id: row.try_get("id")?,
                    recipient: row.try_get("recipient")?,
                    subject: row.try_get("subject")?,
                    body: row.try_get("body")?,
                    attempts: row.try_get("attempts")?,
                    unsubscribe_url: row.try_get("unsubscribe_url")?,
                    attachment: match (
                        row.try_get::<Option<String>, _>("attachment_name")?,
                        row.try_get::<Option<String>, _>("attachment_type")?,
                        row.try_get::<Option<String>, _>("attachment")?,
                    ) {
                        (Some(filename), Some(content_type), Some(content)) => {
                            Some(Attachment { filename, content_type, content })
                        }
                        _ => None,
                    },
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .context("reading the mail queue")?;
        let until = stamp(Utc::now() + lease);
        let mut taken = Vec::new();
        for mail in candidates {
            let won = transaction!(self, |backend, tx| {
                exec(
                    backend,
                    tx,
                    "UPDATE outgoing_mail SET locked_until = ? WHERE id = ? AND sent_at IS NULL \
                     AND (locked_until IS NULL OR locked_until < ?)",
                    binds![until.clone(), mail.id.clone(), now.clone()],
                    "taking mail",
                )
                .await
            })
            .await?;
            if won == 1 {
                taken.push(mail);
            }
        }
        Ok(taken)
    }

    /// Records a delivery attempt: sent, or the reason it failed (it is tried again later).
    pub async fn mail_attempted(&self, id: &str, outcome: Result<(), String>) -> Result<(), StorageError> {
        transaction!(self, |backend, tx| {
            match outcome {
                Ok(()) => {
                    exec(
                        backend,
                        tx,
                        "UPDATE outgoing_mail SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
                        binds![now(), id.to_owned()],
                        "marking mail sent",
                    )
                    .await?
                }
                Err(error) => {
                    exec(
                        backend,
                        tx,
                        "UPDATE outgoing_mail SET attempts = attempts + 1, last_error = ?, locked_until = NULL WHERE id = ?",
                        binds![error, id.to_owned()],
                        "marking mail failed",
                    )
                    .await?
                }
            };
            Ok(())
        })
        .await
    }
}

/// Ends every session of a user; returns how many there were.
async fn end_sessions(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    user_id: &str,
) -> Result<u64, StorageError> {
    exec(backend, tx, "DELETE FROM sessions WHERE user_id = ?", binds![user_id.to_owned()], "ending sessions").await
}

/// Refuses ([`StorageError::LastAdmin`]) a change that would take away the last enabled
/// admin, when `user_id` is one. Run it inside the write transaction that makes the change:
/// writers are serialised (SQLite's write lock; on PostgreSQL the advisory write lock of
/// `begin_write`, and the admin rows are locked besides), so two such changes at once cannot
/// each count the other's admin as still there.
pub(crate) async fn keep_an_admin(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    user_id: &str,
) -> Result<(), StorageError> {
    let lock = match backend {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    };
    let admins: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id{lock}"
    ))
    .fetch_all(&mut **tx)
    .await
    .context("counting admins")?;
    if matches!(admins.as_slice(), [only] if only == user_id) {
        return Err(StorageError::LastAdmin);
    }
    Ok(())
}

/// Ends the user's sessions but `keep` (a session's secret id), revokes their live API tokens
/// and voids their outstanding reset links: what a password reset, a password change and
/// "sign out everywhere" do, so that no way in someone else may hold outlives them.
async fn revoke_credentials(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    user_id: &str,
    keep: Option<&str>,
) -> Result<Revoked, StorageError> {
    let at = now();
    let sessions = exec(
        backend,
        tx,
        "DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?",
        binds![user_id.to_owned(), keep.map(digest).unwrap_or_default()],
        "ending sessions",
    )
    .await?;
    let tokens = exec(
        backend,
        tx,
        "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
        binds![at.clone(), user_id.to_owned()],
        "revoking tokens",
    )
    .await?;
    let reset_links = exec(
        backend,
        tx,
        "UPDATE one_time_codes SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL",
        binds![at, user_id.to_owned(), CodePurpose::ResetPassword.id().to_owned()],
        "voiding reset links",
    )
    .await?;
    Ok(Revoked { sessions, tokens, reset_links })
}

/// [`Database::issue_code`] inside a transaction.
async fn issue_code_in(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    code: CodeMail<'_>,
    audit: &AuditEvent<'_>,
    allowance: Option<Allowance>,
) -> Result<Issued, StorageError> {
    if let Some(allowance) = allowance {
        let (sent, oldest): (i64, Option<String>) = sqlx::query_as(&sql(
            backend,
            "SELECT COUNT(*), MIN(at) FROM audit_log WHERE action = ? AND subject = ? AND at > ?",
        ))
        .bind(audit.action.to_owned())
        .bind(audit.subject.to_owned())
        .bind(stamp(Utc::now() - allowance.window))
        .fetch_one(&mut **tx)
        .await
        .context("counting mails")?;
        if sent >= allowance.mails {
            // A mail is allowed again once the oldest one counted leaves the window.
            let reopens = match oldest {
                Some(oldest) => parse_time(&oldest, "audit_log")? + allowance.window,
                None => Utc::now() + allowance.window,
            };
            return Ok(Issued::OverAllowance { retry_after: (reopens - Utc::now()).max(Duration::seconds(1)) });
        }
    }
    let secret = insert_code(backend, tx, code.user_id, code.purpose, code.valid_for).await?;
    let (subject, body) = (code.compose)(&secret);
    queue_mail(backend, tx, Mail { recipient: code.recipient, subject: &subject, body: &body }).await?;
    crate::audit::insert(backend, tx, audit).await?;
    Ok(Issued::Queued)
}

async fn insert_code(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    user_id: &str,
    purpose: CodePurpose,
    valid_for: Duration,
) -> Result<String, StorageError> {
    let code = new_secret()?;
    exec(
        backend,
        tx,
        "INSERT INTO one_time_codes (code_hash, user_id, purpose, expires_at) VALUES (?, ?, ?, ?)",
        binds![digest(&code), user_id.to_owned(), purpose.id().to_owned(), stamp(Utc::now() + valid_for)],
        "issuing a code",
    )
    .await?;
    Ok(code)
}

pub(crate) async fn queue_mail(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    mail: Mail<'_>,
) -> Result<(), StorageError> {
    queue_message(backend, tx, mail, None, None).await
}

/// Queues `mail`, with the address of its one-click unsubscribe (RFC 8058) when it has one,
/// and its attachment.
pub(crate) async fn queue_message(
    backend: Backend,
    tx: &mut Transaction<'static, Any>,
    mail: Mail<'_>,
    unsubscribe_url: Option<&str>,
    attachment: Option<&Attachment>,
) -> Result<(), StorageError> {
    exec(
        backend,
        tx,
        "INSERT INTO outgoing_mail (id, recipient, subject, body, created_at, attempts, unsubscribe_url, \
         attachment_name, attachment_type, attachment) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
        binds![
            Uuid::now_v7().to_string(),
            mail.recipient.to_owned(),
            mail.subject.to_owned(),
            mail.body.to_owned(),
            now(),
            unsubscribe_url.map(str::to_owned),
            attachment.map(|a| a.filename.clone()),
            attachment.map(|a| a.content_type.clone()),
            attachment.map(|a| a.content.clone())
        ],
        "queueing mail",
    )
    .await
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres() {
        let text = "UPDATE t SET a = ? WHERE b = ? AND c = ?";
        assert_eq!(sql(Backend::Sqlite, text), text);
        assert_eq!(sql(Backend::Postgres, text), "UPDATE t SET a = $1 WHERE b = $2 AND c = $3");
    }

    #[tokio::test]
    async fn codes_are_single_use_and_sessions_end_on_reset() {
        let db = Database::connect("sqlite::memory:").await.expect("connect");
        db.migrate().await.expect("migrate");
        let email = Email::parse("ann@example.org").expect("email");
        let audit = AuditEvent::for_test;
        let user = db
            .create_user(
                NewUser {
                    email: &email,
                    display_name: "Ann",
                    password_hash: Some("x"),
                    role: Role::Member,
                    email_verified: false,
                    oidc: None,
                },
                audit(),
                None,
            )
            .await
            .expect("user");
        let again = NewUser {
            email: &Email::parse("ANN@example.org").expect("email"),
            display_name: "Ann",
            password_hash: None,
            role: Role::Member,
            email_verified: false,
            oidc: None,
        };
        assert!(matches!(db.create_user(again, audit(), None).await, Err(StorageError::EmailTaken)));
        db.set_role(&user.id, Role::Admin, audit()).await.expect("promote");
        assert!(matches!(db.set_role(&user.id, Role::Member, audit()).await, Err(StorageError::LastAdmin)));
        assert!(matches!(db.set_disabled(&user.id, true, audit()).await, Err(StorageError::LastAdmin)));
        assert!(matches!(db.delete_user(&user.id, email.as_str(), audit()).await, Err(StorageError::LastAdmin)));
        assert_eq!(db.user_by_id(&user.id).await.expect("user").map(|u| u.role), Some(Role::Admin));
        let session = db.create_session(&user.id, Duration::hours(1), audit()).await.expect("session");
        let expired = db.create_session(&user.id, Duration::hours(-1), audit()).await.expect("session");
        assert!(db.session(&expired).await.expect("read").is_none(), "an expired session is no session");
        assert_eq!(db.purge_expired().await.expect("purge"), 1);
        assert!(db.session(&session).await.expect("read").is_some());
        let code = reset_code(&db, &user).await;
        assert_eq!(db.redeem_code(&code, CodePurpose::VerifyEmail, None, "test").await.expect("wrong"), None);
        let redeemed = db.redeem_code(&code, CodePurpose::ResetPassword, Some("new"), "test").await;
        assert_eq!(redeemed.expect("redeem"), Some(user.id.clone()));
        assert_eq!(db.redeem_code(&code, CodePurpose::ResetPassword, Some("n"), "test").await.expect("x"), None);
        assert!(db.session(&session).await.expect("read").is_none(), "a reset ends every session");
        assert!(db.user_by_id(&user.id).await.expect("user").is_some_and(|u| u.email_verified));
        let taken = db.take_pending_mail(10, 5, Duration::minutes(1)).await.expect("queue");
        assert_eq!(taken.len(), 1);
        assert!(db.take_pending_mail(10, 5, Duration::minutes(1)).await.expect("queue").is_empty(), "taken once");
        db.mail_attempted(&taken[0].id, Err("refused".into())).await.expect("failed");
        assert_eq!(db.take_pending_mail(10, 5, Duration::minutes(1)).await.expect("queue").len(), 1, "retried");
    }

    /// A user with a password, two sessions and a live token, in a fresh database.
    async fn user_with_credentials() -> (Database, User, [String; 2], String) {
        let db = Database::connect("sqlite::memory:").await.expect("connect");
        db.migrate().await.expect("migrate");
        let email = Email::parse("bo@example.org").expect("email");
        let new = NewUser {
            email: &email,
            display_name: "Bo",
            password_hash: Some("old"),
            role: Role::Member,
            email_verified: true,
            oidc: None,
        };
        let user = db.create_user(new, AuditEvent::for_test(), None).await.expect("user");
        let sessions = [
            db.create_session(&user.id, Duration::hours(1), AuditEvent::for_test()).await.expect("session"),
            db.create_session(&user.id, Duration::hours(1), AuditEvent::for_test()).await.expect("session"),
        ];
        let token =
            db.create_api_token(&user.id, "t", &[TokenScope::Read], AuditEvent::for_test()).await.expect("token");
        (db, user, sessions, token)
    }

    /// Issues a reset code to `user` and returns it.
    async fn reset_code(db: &Database, user: &User) -> String {
        let code = std::sync::Mutex::new(String::new());
        let compose = |c: &str| {
            *code.lock().expect("lock") = c.to_owned();
            ("subject".to_owned(), "body".to_owned())
        };
        let mail = CodeMail {
            user_id: &user.id,
            purpose: CodePurpose::ResetPassword,
            valid_for: Duration::hours(1),
            recipient: &user.email,
            compose: &compose,
        };
        assert_eq!(db.issue_code(mail, AuditEvent::for_test(), None).await.expect("code"), Issued::Queued);
        let issued = code.lock().expect("lock").clone();
        issued
    }

    #[tokio::test]
    async fn a_used_reset_link_voids_the_others_and_every_credential() {
        let (db, user, sessions, token) = user_with_credentials().await;
        let codes = [reset_code(&db, &user).await, reset_code(&db, &user).await, reset_code(&db, &user).await];
        let reset = db.redeem_code(&codes[1], CodePurpose::ResetPassword, Some("new"), "test").await;
        assert_eq!(reset.expect("redeem"), Some(user.id.clone()));
        for code in [&codes[0], &codes[2]] {
            assert_eq!(db.redeem_code(code, CodePurpose::ResetPassword, Some("x"), "test").await.expect("x"), None);
        }
        for session in &sessions {
            assert!(db.session(session).await.expect("read").is_none());
        }
        assert!(db.user_by_api_token(&token).await.expect("read").is_none(), "the token is revoked");
    }

    #[tokio::test]
    async fn a_password_change_keeps_only_the_current_session() {
        let (db, user, sessions, token) = user_with_credentials().await;
        let code = reset_code(&db, &user).await;
        let notice = Mail { recipient: &user.email, subject: "changed", body: "changed" };
        let revoked = db.change_password(&user.id, "new", &sessions[0], notice, AuditEvent::for_test()).await;
        assert_eq!(revoked.expect("change"), Revoked { sessions: 1, tokens: 1, reset_links: 1 });
        assert!(db.session(&sessions[0]).await.expect("read").is_some(), "the current session stays");
        assert!(db.session(&sessions[1]).await.expect("read").is_none());
        assert!(db.user_by_api_token(&token).await.expect("read").is_none());
        assert_eq!(db.redeem_code(&code, CodePurpose::ResetPassword, Some("x"), "test").await.expect("x"), None);
        assert_eq!(db.password_hash(&user.id).await.expect("read").as_deref(), Some("new"));
        let queued = db.take_pending_mail(10, 5, Duration::minutes(1)).await.expect("queue");
        assert!(queued.iter().any(|m| m.subject == "changed"), "the owner gets a notice");
    }

    #[tokio::test]
    async fn reset_requests_are_answered_once_within_the_allowance() {
        let (db, user, _, _) = user_with_credentials().await;
        let allowance = Allowance { mails: 2, window: Duration::hours(1) };
        let compose = |_: &str| ("subject".to_owned(), "body".to_owned());
        for email in ["bo@example.org", "nobody@example.org", "BO@example.org", "bo@example.org"] {
            db.queue_reset_request(&Email::parse(email).expect("email"), "nl", "test").await.expect("queue");
        }
        let pending = db.pending_reset_requests(10).await.expect("pending");
        assert_eq!(pending.len(), 4);
        let mut answers = Vec::new();
        for request in &pending {
            answers
                .push(db.answer_reset_request(request, Duration::hours(1), &compose, allowance).await.expect("answer"));
        }
        assert_eq!(answers, [true, false, true, false], "the unknown address gets nothing, the fourth is over");
        assert!(!db.answer_reset_request(&pending[0], Duration::hours(1), &compose, allowance).await.expect("again"));
        assert!(db.pending_reset_requests(10).await.expect("pending").is_empty());
        let mails = db.take_pending_mail(10, 5, Duration::minutes(1)).await.expect("queue");
        assert_eq!(mails.len(), 2);
        assert!(mails.iter().all(|m| m.recipient == user.email), "to the account's own address");
    }

    #[tokio::test]
    async fn linking_an_identity_ends_the_password_sessions_and_tokens() {
        let (db, user, sessions, token) = user_with_credentials().await;
        let code = reset_code(&db, &user).await;
        db.link_oidc(&user.id, "https://id.example", "bo", AuditEvent::for_test()).await.expect("link");
        for session in &sessions {
            assert!(db.session(session).await.expect("read").is_none(), "sessions end");
        }
        assert!(db.user_by_api_token(&token).await.expect("read").is_none(), "tokens are revoked");
        assert_eq!(db.redeem_code(&code, CodePurpose::ResetPassword, Some("x"), "test").await.expect("x"), None);
        assert_eq!(db.password_hash(&user.id).await.expect("read"), None, "the password is gone");
        let linked = db.user_by_oidc("https://id.example", "bo").await.expect("read");
        assert_eq!(linked.map(|u| u.id), Some(user.id));
    }
}
