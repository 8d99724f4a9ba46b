//! News in the web layer: its form fields, its page (the Markdown body and what the post
//! points at) and its API shape. Everything else comes from the content kernel.

use askama::Template;
use lshub_domain::content::Item;
use lshub_domain::news::{News, NewsDraft};
use lshub_domain::{topic_id_path_segment, Language};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::content::{ListFilter, Presented};
use crate::error::AppError;
use crate::i18n::Translator;
use crate::markdown;
use crate::pages::forms::{Choice, FormField};
use crate::state::AppState;

/// Lists show this much of a post.
const SUMMARY_CHARS: usize = 280;

/// A news post as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewsWire {
    pub title: String,
    /// Markdown, as written.
    pub body: String,
    /// The body as the hub renders it: no raw HTML, links marked `nofollow ugc`.
    pub body_html: String,
    /// `en` or `nl`.
    pub language: &'static str,
    /// Address names of the organisations the post is about.
    pub organisations: Vec<String>,
    /// Topic ids of the calls the post is about.
    pub calls: Vec<String>,
}

/// A news post as the API takes it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct NewsInput {
    pub title: String,
    /// Markdown.
    pub body: String,
    /// `en` or `nl`.
    pub language: String,
    /// Address names of organisations in the directory.
    pub organisations: Vec<String>,
    /// Topic ids of calls in the directory.
    pub calls: Vec<String>,
}

impl From<NewsInput> for NewsDraft {
    fn from(input: NewsInput) -> Self {
        NewsDraft {
            title: input.title,
            body: input.body,
            language: input.language,
            organisations: input.organisations.join(" "),
            calls: input.calls.join(" "),
        }
    }
}

/// A link to something the post points at.
struct Mention {
    url: String,
    label: String,
}

#[derive(Template)]
#[template(path = "news/body.html")]
struct Body<'a> {
    t: &'a Translator,
    language: &'static str,
    html: String,
    organisations: Vec<Mention>,
    calls: Vec<Mention>,
}

impl Presented for News {
    const FILTERS: &'static [ListFilter] =
        &[ListFilter { facet: "language", description: "Only items in this language (en, nl)" }];
    type Wire = NewsWire;
    type Input = NewsInput;

    fn filter_choices(t: &Translator, _facet: &str) -> Vec<(String, String)> {
        Language::ALL.iter().map(|l| (l.code().to_owned(), t.t(&format!("language-{}", l.code())))).collect()
    }

    fn form_fields(t: &Translator, draft: &NewsDraft) -> Vec<FormField> {
        let languages = Language::ALL
            .iter()
            .map(|l| Choice {
                value: l.code().to_owned(),
                label: t.t(&format!("language-{}", l.code())),
                selected: draft.language == l.code() || (draft.language.is_empty() && *l == t.lang),
            })
            .collect();
        vec![
            FormField::new("title", t.t("kind-news-field-title"), "text").value(draft.title.clone()).required(),
            FormField::new("body", t.t("kind-news-field-body"), "textarea")
                .value(draft.body.clone())
                .hint(t.t("kind-news-field-body-hint"))
                .required(),
            FormField::new("language", t.t("kind-news-field-language"), "select").choices(languages),
            FormField::new("organisations", t.t("kind-news-field-organisations"), "text")
                .value(draft.organisations.clone())
                .hint(t.t("kind-news-field-organisations-hint")),
            FormField::new("calls", t.t("kind-news-field-calls"), "text")
                .value(draft.calls.clone())
                .hint(t.t("kind-news-field-calls-hint")),
        ]
    }

    async fn page_html(state: &AppState, item: &Item<Self>, t: &Translator) -> Result<String, AppError> {
        let news = &item.record;
        let mut organisations = Vec::new();
        for slug in &news.organisations {
            // A mentioned organisation that has since left the directory is left out.
            if let Some(organisation) = state.db.organisation_by_slug(slug).await? {
                organisations.push(Mention {
                    url: format!("/organisations/{slug}"),
                    label: organisation.profile.display_name(t.lang).to_owned(),
                });
            }
        }
        let mut calls = Vec::new();
        for topic_id in &news.calls {
            if let Some(call) = state.db.call_by_topic_id(topic_id).await? {
                calls.push(Mention {
                    url: format!("/calls/{}", topic_id_path_segment(topic_id)),
                    label: call.content.title.clone(),
                });
            }
        }
        let body = Body { t, language: news.language.code(), html: markdown::render(&news.body), organisations, calls };
        Ok(body.render()?)
    }

    fn summary(&self) -> String {
        crate::feeds::excerpt(&markdown::plain_text(&self.body), SUMMARY_CHARS)
    }

    fn html(&self) -> String {
        markdown::render(&self.body)
    }

    fn wire(&self) -> NewsWire {
        NewsWire {
            title: self.title.clone(),
            body: self.body.clone(),
            body_html: markdown::render(&self.body),
            language: self.language.code(),
            organisations: self.organisations.clone(),
            calls: self.calls.clone(),
        }
    }
}
