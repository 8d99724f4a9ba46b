//! News: short posts by an organisation, in one language, that may point at organisations
//! and calls. The first kind members write through the content kernel.

use serde::{Deserialize, Serialize};

use crate::content::{Item, Reference, SearchDocument, Written, NEWS};
use crate::language::Language;
use crate::record::Versioned;
use crate::text::slugify;
use crate::validation::{required_line, required_text, Reason, ValidationError};

pub const TITLE_MAX_CHARS: usize = 200;
pub const BODY_MAX_CHARS: usize = 20_000;
/// Links beyond a handful make a post an index, which the directory already is.
pub const MAX_LINKS: usize = 20;

/// A news post as stored (record version 1) and as the domain knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct News {
    pub title: String,
    /// Markdown; rendered without raw HTML, with links marked as user-generated.
    pub body: String,
    pub language: Language,
    /// Address names (slugs) of organisations the post is about.
    #[serde(default)]
    pub organisations: Vec<String>,
    /// Topic ids of calls the post is about.
    #[serde(default)]
    pub calls: Vec<String>,
}

/// A post as a member submits it. Links are given as one text, separated by commas, spaces
/// or new lines, so that one form field and one JSON string serve.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewsDraft {
    pub title: String,
    pub body: String,
    pub language: String,
    pub organisations: String,
    pub calls: String,
}

/// Stored in `content_items`; no shape has changed yet.
impl Versioned for News {
    const RECORD_VERSION: u32 = 1;
}

impl Written for News {
    const KIND: &'static crate::content::Kind = &NEWS;
    type Draft = NewsDraft;

    fn validate(draft: NewsDraft) -> Result<Self, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let title = draft.title.trim().to_owned();
        if let Err(e) = required_line("title", &title, TITLE_MAX_CHARS) {
            errors.push(e);
        }
        let body = draft.body.trim().to_owned();
        if let Err(e) = required_text("body", &body, BODY_MAX_CHARS) {
            errors.push(e);
        }
        let language = Language::from_tag(&draft.language).filter(|l| l.code() == draft.language.trim());
        if language.is_none() {
            errors.push(ValidationError::new(
                "language",
                Reason::NotOneOf { value: draft.language.clone(), allowed: "en, nl".into() },
            ));
        }
        let organisations = links(
            "organisations",
            &draft.organisations,
            |slug| slugify(slug) == slug,
            |value| Reason::NotAddressName { value: value.to_owned() },
        );
        let calls = links(
            "calls",
            &draft.calls,
            |id| crate::call::validate_topic_id(id).is_ok(),
            |value| Reason::NotTopicId { value: value.to_owned() },
        );
        let (organisations, calls) = match (organisations, calls) {
            (Ok(organisations), Ok(calls)) => (organisations, calls),
            (organisations, calls) => {
                errors.extend(organisations.err());
                errors.extend(calls.err());
                return Err(errors);
            }
        };
        match language {
            Some(language) if errors.is_empty() => Ok(News { title, body, language, organisations, calls }),
            _ => Err(errors),
        }
    }

    fn to_draft(&self) -> NewsDraft {
        NewsDraft {
            title: self.title.clone(),
            body: self.body.clone(),
            language: self.language.code().to_owned(),
            organisations: self.organisations.join(", "),
            calls: self.calls.join(", "),
        }
    }

    fn title(&self) -> &str {
        &self.title
    }

    fn language(&self) -> Option<Language> {
        Some(self.language)
    }

    fn facets(&self) -> Vec<(&'static str, String)> {
        let mut facets = vec![("language", self.language.code().to_owned())];
        facets.extend(self.organisations.iter().map(|slug| ("mentions", slug.clone())));
        facets
    }

    fn references(&self) -> Vec<Reference> {
        let organisations = self
            .organisations
            .iter()
            .map(|slug| Reference::Organisation { field: "organisations", slug: slug.clone() });
        let calls = self.calls.iter().map(|id| Reference::Call { field: "calls", topic_id: id.clone() });
        organisations.chain(calls).collect()
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("title", self.title.clone()),
            ("body", self.body.clone()),
            ("language", self.language.code().to_owned()),
            ("organisations", self.organisations.join(", ")),
            ("calls", self.calls.join(", ")),
        ]
    }

    fn search_document(item: &Item<Self>) -> SearchDocument {
        SearchDocument {
            entity: &NEWS,
            id: item.slug.clone(),
            key: item.slug.clone(),
            title: item.record.title.clone(),
            aliases: vec![item.owner.name.clone()],
            legal_names: Vec::new(),
            body: item.record.body.clone(),
            facets: vec![
                ("organisation", item.owner.slug.clone()),
                ("language", item.record.language.code().to_owned()),
            ],
        }
    }
}

/// Splits a list of links, refusing malformed ones (quoted back) and too many; repeats are
/// kept once, in their first place.
fn links(
    field: &'static str,
    text: &str,
    well_formed: impl Fn(&str) -> bool,
    malformed: impl Fn(&str) -> Reason,
) -> Result<Vec<String>, ValidationError> {
    let mut values: Vec<String> = Vec::new();
    for value in text.split([',', ' ', '\n', '\r', '\t']).map(str::trim).filter(|v| !v.is_empty()) {
        if !well_formed(value) {
            return Err(ValidationError::new(field, malformed(value)));
        }
        if !values.iter().any(|v| v == value) {
            values.push(value.to_owned());
        }
    }
    if values.len() > MAX_LINKS {
        return Err(ValidationError::new(field, Reason::TooManyLinks { max: MAX_LINKS }));
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> NewsDraft {
        NewsDraft {
            title: "Sanquin opens a biobank for AI research".into(),
            body: "Read **more** at [our site](https://sanquin.org).".into(),
            language: "en".into(),
            organisations: "sanquin, amsterdam-umc\nsanquin".into(),
            calls: "HORIZON-HLTH-2025-01-DISEASE-01".into(),
        }
    }

    #[test]
    fn a_good_draft_becomes_a_post_with_links_once_each() {
        let news = News::validate(draft()).unwrap();
        assert_eq!(news.organisations, vec!["sanquin", "amsterdam-umc"]);
        assert_eq!(news.calls, vec!["HORIZON-HLTH-2025-01-DISEASE-01"]);
        assert_eq!(News::validate(news.to_draft()).unwrap(), news);
    }

    #[test]
    fn every_refused_field_is_named() {
        let bad = NewsDraft {
            title: " ".into(),
            body: String::new(),
            language: "de".into(),
            organisations: "Not A Slug!".into(),
            calls: "<script>".into(),
        };
        let fields: Vec<_> = News::validate(bad).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["title", "body", "language", "organisations", "calls"]);
    }

    #[test]
    fn titles_are_one_line_without_direction_controls() {
        for title in ["two\nlines", "\u{202E}nimda"] {
            let errors = News::validate(NewsDraft { title: title.into(), ..draft() }).unwrap_err();
            assert_eq!(errors[0].field, "title", "{title:?}");
        }
    }

    #[test]
    fn too_many_links_are_refused() {
        let many = (0..=MAX_LINKS).map(|i| format!("org-{i}")).collect::<Vec<_>>().join(" ");
        let errors = News::validate(NewsDraft { organisations: many, ..draft() }).unwrap_err();
        assert_eq!(errors[0].reason, Reason::TooManyLinks { max: MAX_LINKS });
    }
}
