//! The consortium builder on the web: workspaces, invitations and their answers, the
//! eligibility check and the partners' rules per type of action (`pages.rs`, `api.rs`, over
//! `lshub_service::consortium`); the suggestions for the gaps, from co-participation in EU
//! projects and from the matching engine; the partner list as CSV; the mails.

pub mod api;
pub mod pages;

use fluent_bundle::FluentArgs;
use lshub_domain::content::Searchable;
use lshub_domain::Language;
use lshub_search::{EntityType, MatchSource};
use lshub_service::consortium::ConsortiumView;
use lshub_service::consortium::{Notice, Suggestion};

use crate::error::AppError;
use crate::i18n::Translator;
use crate::state::AppState;

/// How many suggestions a workspace shows, of each source.
const SUGGESTED: usize = 8;

pub(crate) fn consortium_url(id: &str) -> String {
    format!("/consortia/{id}")
}

/// Words a mail about a workspace in `language`, with a link to it.
pub(crate) fn compose<'a>(state: &'a AppState) -> impl Fn(&Notice<'_>, Language) -> (String, String) + Sync + 'a {
    move |notice, language| {
        let mut args = FluentArgs::new();
        args.set("link", format!("{}{}", state.site.public_url, consortium_url(notice.consortium_id)));
        args.set("acronym", notice.acronym.to_owned());
        args.set("organisation", notice.organisation.to_owned());
        args.set("manager", notice.manager.to_owned());
        args.set("call", notice.call_title.to_owned());
        let id = notice.event.id();
        (
            state.i18n.format(language, &format!("mail-consortium-{id}-subject"), Some(&args)),
            state.i18n.format(language, &format!("mail-consortium-{id}-body"), Some(&args)),
        )
    }
}

/// An organisation of the directory that fits the call, with why, for a workspace's gaps.
pub(crate) struct DirectoryFit {
    pub slug: String,
    pub name: String,
    pub why: String,
}

/// Suggestions for a workspace: partners of its members in EU projects (those that add a
/// missing country first), and organisations of the directory that fit the call.
pub(crate) async fn suggestions(
    state: &AppState,
    t: &Translator,
    view: &ConsortiumView,
) -> Result<(Vec<Suggestion>, Vec<DirectoryFit>), AppError> {
    let co_partners = lshub_service::consortium::suggestions(&state.db, view, SUGGESTED).await?;
    let taken: Vec<&str> =
        view.consortium.partners.iter().filter_map(|p| p.organisation.as_ref().map(|o| o.slug.as_str())).collect();
    let source = MatchSource::Entity(view.call.search_document());
    let hits = crate::api::matching::find(state, &source, EntityType::ORGANISATION, SUGGESTED * 2).await?;
    let fits = hits
        .iter()
        .filter(|hit| !taken.contains(&hit.key.as_str()))
        .take(SUGGESTED)
        .map(|hit| {
            let row = crate::pages::matching::row(t, hit);
            DirectoryFit { slug: hit.key.clone(), name: row.title, why: row.why }
        })
        .collect();
    Ok((co_partners, fits))
}

/// The reason shown beside a partner suggested from co-participation.
pub(crate) fn suggestion_reason(t: &Translator, suggestion: &Suggestion) -> String {
    let mut args = FluentArgs::new();
    args.set("partner", suggestion.via.clone());
    args.set("project", suggestion.project.0.clone());
    args.set("title", suggestion.project.1.clone());
    args.set("count", suggestion.projects as i64);
    let mut reason = t.with_args("consortium-suggestion-reason", &args);
    if suggestion.fills_country {
        reason.push_str(" · ");
        reason.push_str(&t.t1(
            "consortium-suggestion-country",
            "country",
            suggestion.country.clone().unwrap_or_default(),
        ));
    }
    reason
}

/// The columns of the partner list's CSV export.
const CSV_COLUMNS: [&str; 7] = ["name", "country", "role", "state", "statement", "directory", "answered"];

/// The partner list as CSV, for the workspace's members.
pub(crate) fn partners_csv(state: &AppState, view: &ConsortiumView) -> Result<Vec<u8>, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let rows = view.consortium.partners.iter().map(|p| {
        [
            p.name().to_owned(),
            view.countries.get(&p.key).cloned().unwrap_or_default(),
            p.role.id().to_owned(),
            p.state.id().to_owned(),
            p.statement.clone(),
            p.organisation
                .as_ref()
                .map(|o| format!("{}/organisations/{}", state.site.public_url, o.slug))
                .unwrap_or_default(),
            p.answered_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        ]
    });
    std::iter::once(CSV_COLUMNS.map(str::to_owned))
        .chain(rows)
        .try_for_each(|row| writer.write_record(&row))
        .map_err(|e| AppError::Internal(format!("writing CSV: {e}")))?;
    writer.into_inner().map_err(|e| AppError::Internal(format!("writing CSV: {e}")))
}
