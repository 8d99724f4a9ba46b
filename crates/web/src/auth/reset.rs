//! Mails with one-time links, and the answers to queued password-reset requests.
//!
//! A reset request only queues the question (`pages::account::reset_request`): the same
//! single insert whether or not the address has an account, so the time it takes tells no
//! one which addresses are registered. The mail worker answers the queue here, outside any
//! request.

use chrono::Duration;
use lshub_domain::account::User;
use lshub_domain::language::Language;
use lshub_storage::accounts::{Allowance, CodeMail, CodePurpose, Issued};
use lshub_storage::audit::AuditEvent;

use crate::error::AppError;
use crate::i18n::Translator;
use crate::state::AppState;

/// How long reset links work.
pub const RESET_FOR_HOURS: i64 = 2;
/// Reset requests answered per round of the mail worker.
const BATCH: i64 = 50;

/// Mails with a reset link one account may be sent per hour, however many addresses ask:
/// beyond it requests go unanswered, silently, since saying so would tell that the account
/// exists.
pub fn reset_mail_allowance() -> Allowance {
    Allowance { mails: 5, window: Duration::hours(1) }
}

/// The link in a mail: the public address of the hub plus `path`, with the code.
pub fn mail_link(state: &AppState, path: &str, code: &str) -> String {
    format!("{}{path}?code={code}", state.site.public_url)
}

/// Words a mail with a link to choose a new password, by the `(subject, body)` messages.
pub fn reset_link_mail<'a>(
    state: &'a AppState,
    t: &'a Translator,
    (subject, body): (&'a str, &'a str),
) -> impl Fn(&str) -> (String, String) + Sync + 'a {
    move |code| (t.t(subject), t.t1(body, "link", mail_link(state, "/password-reset/new", code)))
}

/// Queues a mail to `user` with a link to choose a new password, worded by the `(subject,
/// body)` messages and audited as `event`, within the account's allowance of such mails.
pub async fn mail_reset_link(
    state: &AppState,
    t: &Translator,
    user: &User,
    messages: (&str, &str),
    event: AuditEvent<'_>,
) -> Result<Issued, AppError> {
    let compose = reset_link_mail(state, t, messages);
    let mail = CodeMail {
        user_id: &user.id,
        purpose: CodePurpose::ResetPassword,
        valid_for: Duration::hours(RESET_FOR_HOURS),
        recipient: &user.email,
        compose: &compose,
    };
    Ok(state.db.issue_code(mail, event, Some(reset_mail_allowance())).await?)
}

/// Answers the queued reset requests: a reset link, in the language the request was made
/// in, for each address that has an account and an allowance left. Runs in the mail worker,
/// before delivery.
pub async fn answer_reset_requests(state: &AppState) {
    let requests = match state.db.pending_reset_requests(BATCH).await {
        Ok(requests) => requests,
        Err(e) => {
            tracing::error!(error = %e, "reading the reset requests failed");
            return;
        }
    };
    for request in requests {
        let language = Language::from_tag(&request.language).unwrap_or_default();
        let t = Translator::new(state.i18n.clone(), language);
        let compose = reset_link_mail(state, &t, ("mail-reset-subject", "mail-reset-body"));
        let valid_for = Duration::hours(RESET_FOR_HOURS);
        if let Err(e) = state.db.answer_reset_request(&request, valid_for, &compose, reset_mail_allowance()).await {
            tracing::error!(error = %e, request = %request.id, "answering a reset request failed; will retry");
        }
    }
}
