//! Saved searches of vacancies or programmes: the list's filters and some words, whose new
//! matches are mailed (with one-click unsubscribe) and listed in a feed at a secret address.

use serde::{Deserialize, Serialize};

use crate::content::{Kind, PROGRAMME, VACANCY};
use crate::text::fold;
use crate::validation::{optional_line, Reason, ValidationError};

const WORDS_MAX_CHARS: usize = 200;
pub const MAX_SEARCHES: usize = 20;

/// What a saved search looks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpeningSearch {
    /// `vacancy` or `programme`.
    pub kind: String,
    /// Words every match holds, in the text search knows it by: title and description in
    /// both languages, field, places, funding and the organisation's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub words: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// The list's filters: (facet, value).
    #[serde(default)]
    pub filters: Vec<(String, String)>,
}

impl OpeningSearch {
    /// The kinds a search may be saved for.
    pub const KINDS: [&'static Kind; 2] = [&VACANCY, &PROGRAMME];

    /// Reads a search from a form's or a query's pairs: `kind`, `words`, `organisation` and the
    /// kind's facets; anything else is refused.
    pub fn read(pairs: &[(String, String)]) -> Result<Self, Vec<ValidationError>> {
        let value = |name: &str| pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.trim()).unwrap_or_default();
        let mut errors = Vec::new();
        let kind = Self::KINDS.iter().copied().find(|k| k.id == value("kind"));
        if kind.is_none() {
            errors.push(ValidationError::new(
                "kind",
                Reason::NotOneOf { value: value("kind").to_owned(), allowed: "vacancy, programme".into() },
            ));
        }
        let words = optional_line("words", value("words"), WORDS_MAX_CHARS).unwrap_or_else(|e| {
            errors.push(e);
            None
        });
        let organisation = Some(value("organisation").to_owned()).filter(|o| !o.is_empty());
        let mut filters = Vec::new();
        for (name, text) in pairs {
            let text = text.trim();
            if matches!(name.as_str(), "kind" | "words" | "organisation" | "csrf") || text.is_empty() {
                continue;
            }
            match kind {
                Some(kind) if kind.facets.contains(&name.as_str()) && name != "organisation" => {
                    filters.retain(|(facet, _): &(String, String)| facet != name);
                    filters.push((name.clone(), text.to_owned()));
                }
                Some(kind) => errors.push(ValidationError::new(
                    "filters",
                    Reason::NotOneOf { value: name.clone(), allowed: kind.facets.join(", ") },
                )),
                None => {}
            }
        }
        match kind {
            Some(kind) if errors.is_empty() => {
                Ok(OpeningSearch { kind: kind.id.to_owned(), words, organisation, filters })
            }
            _ => Err(errors),
        }
    }

    /// Whether `text` (an opening's words) holds every word of the search.
    pub fn matches_text(&self, text: &str) -> bool {
        let Some(words) = &self.words else { return true };
        let haystack: Vec<String> = fold(text).split(|c: char| !c.is_alphanumeric()).map(str::to_owned).collect();
        fold(words)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .all(|w| haystack.iter().any(|h| h == w))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
    }

    #[test]
    fn a_search_is_read_from_the_lists_filters() {
        let search =
            OpeningSearch::read(&pairs(&[("kind", "vacancy"), ("employment", "full-time"), ("words", "Imaging AI")]))
                .expect("valid");
        assert_eq!(search.filters, [("employment".to_owned(), "full-time".to_owned())]);
        assert!(search.matches_text("Deep learning for medical imaging (AI)"));
        assert!(!search.matches_text("Imaging only"));
        let refused = OpeningSearch::read(&pairs(&[("kind", "news"), ("colour", "red")])).unwrap_err();
        assert_eq!(refused[0].field, "kind");
        let refused = OpeningSearch::read(&pairs(&[("kind", "programme"), ("colour", "red")])).unwrap_err();
        assert_eq!(refused[0].field, "filters");
    }
}
