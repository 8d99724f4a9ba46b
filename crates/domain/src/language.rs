use serde::{Deserialize, Serialize};

/// The languages the hub speaks. English is the fallback because most source data is English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Nl,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::En, Language::Nl];

    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Nl => "nl",
        }
    }

    /// Parses a language tag such as `nl`, `nl-NL` or `en-GB`.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Language::En),
            "nl" => Some(Language::Nl),
            _ => None,
        }
    }

    /// Picks the best supported language from an `Accept-Language` header value.
    pub fn negotiate(accept_language: &str) -> Option<Self> {
        let mut best: Option<(f32, Language)> = None;
        for part in accept_language.split(',') {
            let mut pieces = part.split(';');
            let Some(lang) = pieces.next().and_then(Language::from_tag) else { continue };
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map(|(_, lang)| lang)
    }
}

/// A text that may exist in Dutch, English or both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Localized {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nl: Option<String>,
}

impl Localized {
    /// The text in `lang`, or in the other language when that is all there is.
    pub fn get(&self, lang: Language) -> Option<&str> {
        let (first, second) = match lang {
            Language::En => (&self.en, &self.nl),
            Language::Nl => (&self.nl, &self.en),
        };
        first.as_deref().or(second.as_deref())
    }

    pub fn is_empty(&self) -> bool {
        self.en.is_none() && self.nl.is_none()
    }
}

/// Text in English and Dutch; at least one is given where the field is required.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bilingual {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nl: Option<String>,
}

impl Bilingual {
    /// The text in `lang`, else in the other language.
    pub fn get(&self, lang: Language) -> &str {
        let (first, second) = match lang {
            Language::En => (&self.en, &self.nl),
            Language::Nl => (&self.nl, &self.en),
        };
        first.as_deref().or(second.as_deref()).unwrap_or_default()
    }

    /// The texts given, English first.
    pub fn both(&self) -> impl Iterator<Item = &str> {
        self.en.iter().chain(self.nl.iter()).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_by_quality() {
        assert_eq!(Language::negotiate("nl-NL,nl;q=0.9,en;q=0.8"), Some(Language::Nl));
        assert_eq!(Language::negotiate("de-DE, en;q=0.5, nl;q=0.7"), Some(Language::Nl));
        assert_eq!(Language::negotiate("fr, de"), None);
        assert_eq!(Language::negotiate("nl;q=0, en;q=0.1"), Some(Language::En));
    }

    #[test]
    fn localized_falls_back_to_the_other_language() {
        let text = Localized { en: Some("Hospital".into()), nl: None };
        assert_eq!(text.get(Language::Nl), Some("Hospital"));
    }
}
