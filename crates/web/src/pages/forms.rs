//! Forms: the one form page template, its fields, and reading posted forms with every
//! failure (malformed body, invalid UTF-8) as a 400 in the hub's error shape.

use askama::Template;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lshub_domain::ValidationError;
use serde::de::DeserializeOwned;

use super::{render, PageContext};
use crate::error::AppError;
use crate::i18n::Translator;

/// A form body; a body that is not a readable form is a 400.
pub struct Posted<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Posted<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Form::<T>::from_request(request, state)
            .await
            .map(|axum::Form(value)| Posted(value))
            .map_err(|rejection| AppError::MalformedBody(format!("the form cannot be read: {}", rejection.body_text())))
    }
}

#[derive(Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Clone)]
pub struct FormField {
    pub name: &'static str,
    pub label: String,
    /// An `<input>` type, or `textarea`, or `select`.
    pub kind: &'static str,
    pub value: String,
    pub hint: Option<String>,
    pub error: Option<String>,
    pub autocomplete: &'static str,
    pub required: bool,
    pub choices: Vec<Choice>,
}

impl FormField {
    pub fn new(name: &'static str, label: String, kind: &'static str) -> Self {
        Self {
            name,
            label,
            kind,
            value: String::new(),
            hint: None,
            error: None,
            autocomplete: "",
            required: false,
            choices: Vec::new(),
        }
    }

    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = value.into();
        self
    }

    pub fn hint(mut self, hint: String) -> Self {
        self.hint = Some(hint);
        self
    }

    pub fn autocomplete(mut self, autocomplete: &'static str) -> Self {
        self.autocomplete = autocomplete;
        self
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn choices(mut self, choices: Vec<Choice>) -> Self {
        self.choices = choices;
        self
    }

    /// The ids of the hint and error, which the field points at for screen readers.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if self.hint.is_some() {
            ids.push(format!("f-{}-hint", self.name));
        }
        if self.error.is_some() {
            ids.push(format!("f-{}-error", self.name));
        }
        ids.join(" ")
    }
}

#[derive(Clone)]
pub struct Link {
    pub href: String,
    pub label: String,
}

/// A page with one form (or, without a submit label, a message with links).
#[derive(Template)]
#[template(path = "form.html")]
pub struct FormPage {
    pub ctx: PageContext,
    pub title: String,
    pub intro: Vec<String>,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub action: String,
    pub csrf: String,
    pub hidden: Vec<(String, String)>,
    pub fields: Vec<FormField>,
    pub submit: String,
    pub links: Vec<Link>,
}

impl FormPage {
    pub fn new(ctx: PageContext, title: String, action: &str, csrf: &str) -> Self {
        Self {
            ctx,
            title,
            intro: Vec::new(),
            notice: None,
            error: None,
            action: action.to_owned(),
            csrf: csrf.to_owned(),
            hidden: Vec::new(),
            fields: Vec::new(),
            submit: String::new(),
            links: Vec::new(),
        }
    }

    /// A page that only says something, with links onward.
    pub fn message(ctx: PageContext, title: String, text: String, links: Vec<Link>) -> Self {
        let mut page = Self::new(ctx, title, "", "");
        page.intro.push(text);
        page.links = links;
        page
    }

    pub fn link(mut self, href: &str, label: String) -> Self {
        self.links.push(Link { href: href.to_owned(), label });
        self
    }

    /// Ties a validation error to its field (or to the form, when no field matches).
    pub fn invalid(mut self, error: &ValidationError) -> Self {
        match self.fields.iter_mut().find(|f| f.name == error.field) {
            Some(field) => field.error = Some(self.ctx.t.reason(&error.reason)),
            None => self.error = Some(self.ctx.t.invalid(error)),
        }
        self
    }

    /// Every refused field beside its field (a use case refuses them all at once).
    pub fn invalid_all(self, errors: &[ValidationError]) -> Self {
        errors.iter().fold(self, Self::invalid)
    }

    pub fn respond(&self, status: StatusCode) -> Result<Response, AppError> {
        Ok((status, render(self)?).into_response())
    }
}

/// A posted form's fields in their order; checkboxes repeat a name.
pub struct FormFields(pub Vec<(String, String)>);

impl FormFields {
    pub fn first(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The value as posted, or nothing.
    pub fn text(&self, name: &str) -> String {
        self.first(name).unwrap_or_default().to_owned()
    }

    /// A value given and not blank, trimmed.
    pub fn given(&self, name: &str) -> Option<String> {
        self.first(name).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
    }

    /// The value trimmed, or nothing.
    pub fn trimmed(&self, name: &str) -> String {
        self.given(name).unwrap_or_default()
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(n, _)| n == name).map(|(_, v)| v.clone()).collect()
    }
}

/// The choices of a select whose labels are the messages `{prefix}-{id}`, with a blank
/// first choice labelled `blank` where the field may be left empty.
pub(crate) fn choices(
    t: &Translator,
    prefix: &str,
    ids: &[&str],
    selected: &str,
    blank: Option<String>,
) -> Vec<Choice> {
    let mut out: Vec<Choice> =
        blank.into_iter().map(|label| Choice { value: String::new(), label, selected: selected.is_empty() }).collect();
    out.extend(ids.iter().map(|id| Choice {
        value: (*id).to_owned(),
        label: t.t(&format!("{prefix}-{id}")),
        selected: *id == selected,
    }));
    out
}
