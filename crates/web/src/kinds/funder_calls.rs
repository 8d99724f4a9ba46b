//! Calls of other funders entered by partners, in the web layer: their form, their page
//! (the call's facts, and where it is listed among the calls once published) and their API
//! shape. The kernel does the rest; storage lists a published one among the calls.

use askama::Template;
use lshub_domain::content::{Item, State, Written};
use lshub_domain::funder_call::{FunderCall, FunderCallDraft};
use lshub_domain::topic_id_path_segment;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::content::{ListFilter, Presented};
use crate::error::AppError;
use crate::i18n::Translator;
use crate::pages::facts::{paragraphs, web_link, Field};
use crate::pages::format;
use crate::pages::forms::FormField;
use crate::state::AppState;

/// Lists show this much of a description.
const SUMMARY_CHARS: usize = 280;

/// A call entered by a partner, as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FunderCallWire {
    /// Shown and filtered as the call's programme.
    pub funder: String,
    pub title: String,
    /// Plain text.
    pub description: String,
    pub url: Option<String>,
    pub type_of_action: Option<String>,
    /// `YYYY-MM-DD`.
    #[schema(value_type = Option<String>, format = Date)]
    pub opening_date: Option<chrono::NaiveDate>,
    /// `YYYY-MM-DD`, earliest first.
    #[schema(value_type = Vec<String>)]
    pub deadlines: Vec<chrono::NaiveDate>,
    /// Per grant, in whole euro.
    pub budget_min: Option<i64>,
    pub budget_max: Option<i64>,
    pub expected_grants: Option<i64>,
    pub keywords: Vec<String>,
}

/// A call as the API takes it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct FunderCallInput {
    pub funder: String,
    pub title: String,
    /// Plain text.
    pub description: String,
    pub url: String,
    pub type_of_action: String,
    /// `YYYY-MM-DD`.
    pub opening_date: String,
    /// `YYYY-MM-DD` dates.
    pub deadlines: Vec<String>,
    /// The smallest grant in whole euro; text such as `"1500000.00"` is read too.
    #[schema(value_type = Option<i64>)]
    pub budget_min: Amount,
    /// The largest grant in whole euro; text such as `"1500000.00"` is read too.
    #[schema(value_type = Option<i64>)]
    pub budget_max: Amount,
    #[schema(value_type = Option<i64>)]
    pub expected_grants: Amount,
    pub keywords: Vec<String>,
}

/// A number given as a JSON number or as text; the domain reads the text.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Amount {
    #[default]
    None,
    Number(serde_json::Number),
    Text(String),
}

impl Amount {
    fn text(self) -> String {
        match self {
            Amount::None => String::new(),
            Amount::Number(n) => n.to_string(),
            Amount::Text(t) => t,
        }
    }
}

impl From<FunderCallInput> for FunderCallDraft {
    fn from(i: FunderCallInput) -> Self {
        FunderCallDraft {
            funder: i.funder,
            title: i.title,
            description: i.description,
            url: i.url,
            type_of_action: i.type_of_action,
            opening_date: i.opening_date,
            deadlines: i.deadlines.join("; "),
            budget_min: i.budget_min.text(),
            budget_max: i.budget_max.text(),
            expected_grants: i.expected_grants.text(),
            keywords: i.keywords.join("\n"),
        }
    }
}

#[derive(Template)]
#[template(path = "funder_calls/body.html")]
struct Body<'a> {
    t: &'a Translator,
    /// The call's page among the calls, once the item was published.
    call_url: Option<String>,
    published: bool,
    facts: Vec<Field>,
    description: Vec<String>,
}

impl Presented for FunderCall {
    const FILTERS: &'static [ListFilter] =
        &[ListFilter { facet: "funder", description: "Only calls of this funder, as entered (e.g. ZonMw)" }];
    type Wire = FunderCallWire;
    type Input = FunderCallInput;

    fn filter_choices(_t: &Translator, _facet: &str) -> Vec<(String, String)> {
        Vec::new()
    }

    fn form_fields(t: &Translator, d: &FunderCallDraft) -> Vec<FormField> {
        let field = |name: &'static str, kind: &'static str, value: &str| {
            FormField::new(name, t.t(&format!("kind-funder-call-field-{name}")), kind).value(value.to_owned())
        };
        let hint = |name: &str| t.t(&format!("kind-funder-call-field-{name}-hint"));
        vec![
            field("funder", "text", &d.funder).hint(hint("funder")).required(),
            field("title", "text", &d.title).required(),
            field("description", "textarea", &d.description),
            field("url", "url", &d.url),
            field("type_of_action", "text", &d.type_of_action).hint(hint("type_of_action")),
            // Text, like the deadlines: one way of writing dates on the form, with or without a date picker.
            field("opening_date", "text", &d.opening_date).hint(hint("opening_date")),
            field("deadlines", "text", &d.deadlines).hint(hint("deadlines")),
            field("budget_min", "text", &d.budget_min).hint(hint("budget")),
            field("budget_max", "text", &d.budget_max).hint(hint("budget")),
            field("expected_grants", "text", &d.expected_grants),
            field("keywords", "textarea", &d.keywords).hint(hint("keywords")),
        ]
    }

    async fn page_html(state: &AppState, item: &Item<Self>, t: &Translator) -> Result<String, AppError> {
        let call = &item.record;
        let lang = t.lang;
        let fact = |name: &str, value: String| Field {
            label: t.t(&format!("kind-funder-call-field-{name}")),
            value,
            link: None,
        };
        let mut facts = vec![fact("funder", call.funder.clone())];
        if let Some(listed) = call.as_call(&item.slug) {
            let status = listed.status_on(state.today());
            facts.push(Field {
                label: t.t("kind-funder-call-status"),
                value: t.t(&format!("status-{status}")),
                link: None,
            });
        }
        facts.extend(call.type_of_action.clone().map(|v| fact("type_of_action", v)));
        facts.extend(call.opening_date.map(|d| fact("opening_date", format::date(lang, d))));
        if !call.deadlines.is_empty() {
            let dates: Vec<String> = call.deadlines.iter().map(|d| format::date(lang, *d)).collect();
            facts.push(fact("deadlines", dates.join(", ")));
        }
        facts.extend(format::budget_range(lang, call.budget_min, call.budget_max).map(|v| fact("budget_max", v)));
        facts.extend(call.expected_grants.map(|n| fact("expected_grants", format::number(lang, n))));
        if !call.keywords.is_empty() {
            facts.push(fact("keywords", call.keywords.join("; ")));
        }
        if let Some(url) = &call.url {
            facts.push(Field { link: web_link(url), ..fact("url", url.clone()) });
        }
        let listed = state.db.call_by_topic_id(&item.slug).await?.is_some();
        let body = Body {
            t,
            call_url: listed.then(|| format!("/calls/{}", topic_id_path_segment(&item.slug))),
            published: item.state == State::Published,
            facts,
            description: paragraphs(&call.description),
        };
        Ok(body.render()?)
    }

    fn summary(&self) -> String {
        crate::feeds::excerpt(&format!("{}: {}", self.funder, self.description), SUMMARY_CHARS)
    }

    fn html(&self) -> String {
        // Plain text, made safe HTML by the same renderer as Markdown.
        crate::markdown::render(&self.description)
    }

    fn wire(&self) -> FunderCallWire {
        FunderCallWire {
            funder: self.funder.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            url: self.url.clone(),
            type_of_action: self.type_of_action.clone(),
            opening_date: self.opening_date,
            deadlines: self.deadlines.clone(),
            budget_min: self.budget_min,
            budget_max: self.budget_max,
            expected_grants: self.expected_grants,
            keywords: self.keywords.clone(),
        }
    }
}
