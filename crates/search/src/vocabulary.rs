//! Cross-language query expansion from a bilingual Dutch-English vocabulary of life sciences,
//! health and research funding (`vocabulary/nl_en.tsv`, with its sources in its header).
//!
//! A Dutch query gains the English equivalents of its terms (and an English query the Dutch
//! ones) as extra words for the full-text index, and an English rewording for the sentence
//! encoder, which knows English only: "longkanker" becomes "lung cancer". Dutch compounds
//! that the vocabulary lacks are split into parts it has ("darmkanker" = "darm" + "kanker").

use std::collections::HashMap;
use std::sync::OnceLock;

use lshub_domain::text::fold;

const SOURCE: &str = include_str!("../vocabulary/nl_en.tsv");

/// Parts of a Dutch compound are at least this long, so that "long" in "longkanker" splits
/// but short accidental parts do not.
const MIN_PART: usize = 3;

pub(crate) struct Vocabulary {
    nl_to_en: HashMap<String, Vec<String>>,
    en_to_nl: HashMap<String, Vec<String>>,
    /// Dutch words usable as parts of compounds, including words that are never matched
    /// alone because they are also English words ("long", "been").
    parts: HashMap<String, Vec<String>>,
    longest_phrase: usize,
}

/// What the vocabulary makes of a query.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Translation {
    /// Equivalents in the other language, one word each, folded; none repeat the query.
    pub extra_words: Vec<String>,
    /// The query with its Dutch terms replaced by English ones, when it had any.
    pub english: Option<String>,
    /// The Dutch terms that were translated, with their English equivalents.
    pub translated: Vec<(String, String)>,
    /// For each query word (by position), its equivalents in the other language: what
    /// else counts as that word being found.
    pub equivalents: Vec<Vec<String>>,
}

impl Translation {
    /// The words of `phrases` count as finding each query word at `positions`.
    fn add_equivalents(&mut self, positions: std::ops::Range<usize>, phrases: &[String]) {
        for position in positions {
            if let Some(found) = self.equivalents.get_mut(position) {
                for word in phrases.iter().flat_map(|p| p.split(' ')) {
                    push_unique(found, word);
                }
            }
        }
    }
}

impl Vocabulary {
    pub fn get() -> &'static Vocabulary {
        static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
        VOCABULARY.get_or_init(|| Vocabulary::parse(SOURCE))
    }

    /// Lines are `dutch<TAB>english`, or `dutch<TAB>english<TAB>part` for a Dutch word that
    /// is only a compound part; `#` starts a comment. Malformed lines are skipped (a unit
    /// test checks that the shipped file has none).
    fn parse(source: &str) -> Self {
        let mut vocabulary =
            Vocabulary { nl_to_en: HashMap::new(), en_to_nl: HashMap::new(), parts: HashMap::new(), longest_phrase: 1 };
        for (dutch, english, part_only) in source.lines().filter_map(parse_line) {
            let (dutch, english) = (normalise(&dutch), normalise(&english));
            if dutch == english {
                continue;
            }
            if !dutch.contains(' ') {
                push_unique(vocabulary.parts.entry(dutch.clone()).or_default(), &english);
            }
            if part_only {
                continue;
            }
            vocabulary.longest_phrase =
                vocabulary.longest_phrase.max(dutch.split(' ').count()).max(english.split(' ').count());
            push_unique(vocabulary.nl_to_en.entry(dutch.clone()).or_default(), &english);
            push_unique(vocabulary.en_to_nl.entry(english).or_default(), &dutch);
        }
        vocabulary
    }

    pub fn translate(&self, words: &[String]) -> Translation {
        let folded: Vec<String> = words.iter().map(|w| fold(w)).collect();
        let mut translation = Translation { equivalents: vec![Vec::new(); words.len()], ..Translation::default() };
        let mut english: Vec<String> = Vec::new();
        let mut extra: Vec<String> = Vec::new();
        let mut i = 0;
        'words: while i < folded.len() {
            for length in (1..=self.longest_phrase.min(folded.len() - i)).rev() {
                let phrase = folded[i..i + length].join(" ");
                if let Some(equivalents) = self.nl_to_en.get(&phrase) {
                    english.push(equivalents[0].clone());
                    extra.extend(equivalents.iter().flat_map(|e| e.split(' ').map(str::to_owned)));
                    translation.add_equivalents(i..i + length, equivalents);
                    translation.translated.push((phrase, equivalents[0].clone()));
                    i += length;
                    continue 'words;
                }
                if let Some(equivalents) = self.en_to_nl.get(&phrase) {
                    english.push(phrase);
                    extra.extend(equivalents.iter().flat_map(|e| e.split(' ').map(str::to_owned)));
                    translation.add_equivalents(i..i + length, equivalents);
                    i += length;
                    continue 'words;
                }
            }
            match self.split_compound(&folded[i]) {
                Some(parts) => {
                    extra.extend(parts.split(' ').map(str::to_owned));
                    translation.add_equivalents(i..i + 1, std::slice::from_ref(&parts));
                    translation.translated.push((folded[i].clone(), parts.clone()));
                    english.push(parts);
                }
                None => english.push(words[i].clone()),
            }
            i += 1;
        }
        for word in extra {
            if !folded.contains(&word) && !translation.extra_words.contains(&word) {
                translation.extra_words.push(word);
            }
        }
        if !translation.translated.is_empty() {
            translation.english = Some(english.join(" "));
        }
        translation
    }

    /// The English of a Dutch compound made of two known parts, the first possibly with a
    /// linking `s` ("gezondheidszorg" = "gezondheid" + "zorg"); the second part may itself
    /// be such a compound.
    fn split_compound(&self, word: &str) -> Option<String> {
        let boundaries: Vec<usize> = word.char_indices().map(|(i, _)| i).collect();
        let chars = boundaries.len();
        if chars < 2 * MIN_PART {
            return None;
        }
        for &at in &boundaries[MIN_PART..=chars - MIN_PART] {
            let (head, tail) = word.split_at(at);
            let head_english = self.parts.get(head).or_else(|| {
                head.strip_suffix('s').filter(|h| h.chars().count() >= MIN_PART).and_then(|h| self.parts.get(h))
            });
            let Some(head_english) = head_english else { continue };
            let tail_english = match self.parts.get(tail) {
                Some(english) => Some(english[0].clone()),
                None => self.split_compound(tail),
            };
            if let Some(tail_english) = tail_english {
                return Some(format!("{} {tail_english}", head_english[0]));
            }
        }
        None
    }
}

fn parse_line(line: &str) -> Option<(String, String, bool)> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let mut columns = line.split('\t');
    let dutch = columns.next()?.trim();
    let english = columns.next()?.trim();
    let part_only = match columns.next().map(str::trim) {
        None => false,
        Some("part") => true,
        Some(_) => return None,
    };
    (!dutch.is_empty() && !english.is_empty() && columns.next().is_none())
        .then(|| (dutch.to_owned(), english.to_owned(), part_only))
}

/// Folded words separated by single spaces, as queries are compared.
fn normalise(text: &str) -> String {
    fold(text).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

fn push_unique(list: &mut Vec<String>, value: &str) {
    if !list.iter().any(|v| v == value) {
        list.push(value.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn the_shipped_vocabulary_is_well_formed() {
        let bad: Vec<&str> = SOURCE
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.trim().starts_with('#') && parse_line(l).is_none())
            .collect();
        assert!(bad.is_empty(), "malformed lines: {bad:?}");
        assert!(Vocabulary::get().nl_to_en.len() >= 200, "{}", Vocabulary::get().nl_to_en.len());
    }

    #[test]
    fn dutch_terms_gain_english_equivalents() {
        let v = Vocabulary::get();
        let t = v.translate(&words("longkanker"));
        assert_eq!(t.english.as_deref(), Some("lung cancer"));
        assert_eq!(t.extra_words, ["lung", "cancer"]);
        let t = v.translate(&words("Radboud Universitair Medisch Centrum"));
        assert_eq!(t.english.as_deref(), Some("Radboud university medical centre"));
        assert!(t.extra_words.contains(&"center".to_owned()), "{:?}", t.extra_words);
        assert!(t.equivalents[0].is_empty(), "Radboud is a name");
        for position in 1..4 {
            assert!(t.equivalents[position].contains(&"medical".to_owned()), "each word of the phrase: {t:?}");
        }
        let t = v.translate(&words("maagkanker"));
        assert_eq!(t.english.as_deref(), Some("stomach cancer"), "a compound from its parts");
        let t = v.translate(&words("gezondheidsonderzoek"));
        assert_eq!(t.english.as_deref(), Some("health research"), "a linking s");
    }

    #[test]
    fn english_terms_gain_dutch_ones_and_stay_english() {
        let t = Vocabulary::get().translate(&words("lung cancer screening"));
        assert_eq!(t.english, None, "nothing Dutch to translate");
        assert!(t.extra_words.contains(&"longkanker".to_owned()), "{:?}", t.extra_words);
        assert_eq!(t.equivalents[0], t.equivalents[1], "lung and cancer are found as longkanker");
        let t = Vocabulary::get().translate(&words("long covid"));
        assert!(!t.extra_words.contains(&"lung".to_owned()), "'long' alone is English: {:?}", t.extra_words);
    }

    #[test]
    fn unknown_words_pass_through() {
        let t = Vocabulary::get().translate(&words("zzqqxx Sanquin"));
        assert_eq!(t, Translation { equivalents: vec![Vec::new(); 2], ..Translation::default() });
    }
}
