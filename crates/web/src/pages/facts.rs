//! The pieces of an imported record's page that every kind shows alike: facts with
//! labels, where the record came from, safe links and paragraphs of plain text.

use lshub_domain::content::FUNDER_CALL;
use lshub_domain::Provenance;

use super::format;
use crate::i18n::Translator;

/// The message `id`, or `fallback` when the translations have no such message (the
/// translator answers a missing message with its id).
pub(crate) fn message_or(t: &Translator, id: &str, fallback: &str) -> String {
    let text = t.t(id);
    if text == id {
        fallback.to_owned()
    } else {
        text
    }
}

/// One line of a facts list: a label, a value and maybe a link.
pub struct Field {
    pub label: String,
    pub value: String,
    pub link: Option<String>,
}

/// A text from the data with its language, when that differs from the page's.
pub struct Text {
    pub text: String,
    pub lang: Option<&'static str>,
}

/// Where a record came from and when the hub last read it, for the "source" section of
/// organisation and call pages.
pub(crate) fn provenance_fields(t: &Translator, provenance: &Provenance) -> Vec<Field> {
    // A call a partner entered links to its entry, with its history.
    let record_link = match provenance.source.as_str() {
        source if source == FUNDER_CALL.id => Some(format!("/{}/{}", FUNDER_CALL.path, provenance.source_id)),
        _ => web_link(&provenance.source_id),
    };
    vec![
        Field {
            label: t.t("provenance-source"),
            value: message_or(t, &format!("source-{}", provenance.source), &provenance.source),
            link: None,
        },
        Field { label: t.t("provenance-record"), value: provenance.source_id.clone(), link: record_link },
        Field {
            label: t.t("provenance-first-imported"),
            value: format::date(t.lang, provenance.first_imported.date_naive()),
            link: None,
        },
        Field {
            label: t.t("provenance-last-updated"),
            value: format::date(t.lang, provenance.last_updated.date_naive()),
            link: None,
        },
    ]
}

/// `url` when it is an http(s) address: data never becomes a `javascript:` link.
pub(crate) fn web_link(url: &str) -> Option<String> {
    let lower = url.trim_start().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| url.trim().to_owned())
}

/// Plain text split into paragraphs at blank lines (lines with only spaces count as blank).
pub(crate) fn paragraphs(text: &str) -> Vec<String> {
    let mut paragraphs = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim_end) {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current.join("\n"));
    }
    paragraphs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_addresses_become_links() {
        assert_eq!(web_link("https://example.org").as_deref(), Some("https://example.org"));
        assert_eq!(web_link("HTTP://example.org").as_deref(), Some("HTTP://example.org"));
        assert_eq!(web_link("javascript:alert(1)"), None);
        assert_eq!(web_link("CEF-2026-TOPIC"), None);
    }
}
