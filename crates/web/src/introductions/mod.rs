//! Introductions on the web: the pages (`pages.rs`) and the API (`api.rs`) over
//! `lshub_service::introductions`, the mails, the daily job that tells of expired requests
//! and asks what came of accepted ones, and the introductions the matcher suggests each
//! week (`suggestions.rs`).

pub mod api;
pub mod pages;
pub mod suggestions;

use fluent_bundle::FluentArgs;
use lshub_domain::Language;
use lshub_service::introductions::Notice;

use crate::state::AppState;

pub(crate) fn introduction_url(id: &str) -> String {
    format!("/introductions/{id}")
}

/// Words a mail about an introduction in `language`, with a link to it.
pub(crate) fn compose<'a>(state: &'a AppState) -> impl Fn(&Notice<'_>, Language) -> (String, String) + Sync + 'a {
    move |notice, language| {
        let mut args = FluentArgs::new();
        args.set("link", format!("{}{}", state.site.public_url, introduction_url(notice.introduction_id)));
        args.set("organisation", notice.recipient_organisation.to_owned());
        args.set("other", notice.other_organisation.to_owned());
        args.set("message", notice.message.to_owned());
        args.set("date", notice.date.clone());
        args.set("contact", notice.contact.clone().unwrap_or_default());
        let id = notice.event;
        (
            state.i18n.format(language, &format!("mail-introduction-{id}-subject"), Some(&args)),
            state.i18n.format(language, &format!("mail-introduction-{id}-body"), Some(&args)),
        )
    }
}

/// Tells of expired requests and asks for outcomes that are due; run by the scheduled jobs.
pub(crate) async fn run_due(state: &AppState) {
    match lshub_service::introductions::run_due(&state.db, state.today(), &compose(state)).await {
        Ok(0) => {}
        Ok(queued) => {
            tracing::info!(queued, "introduction mails queued");
            state.accounts.mail_queued.notify_one();
        }
        Err(e) => tracing::error!(error = %e, "the introductions' daily work failed"),
    }
}

/// Writes this week's suggested introductions where they are missing; run by the scheduled jobs.
pub(crate) async fn propose_weekly(state: &AppState) {
    match suggestions::propose_weekly(state).await {
        Ok(0) => {}
        Ok(written) => tracing::info!(written, "suggested introductions written"),
        Err(e) => tracing::error!(error = %e, "suggesting introductions failed"),
    }
}
