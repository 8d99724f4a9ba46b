//! Any text typed into the search box, against a small index in both languages: the query is
//! analysed, run and explained without a panic, and returns at most the hits asked for.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use lshub_search::{EntityType, SearchDocument, SearchIndex, SearchRequest};

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let index = SearchIndex::in_memory().expect("index");
        let document = |entity, id: &str, title: &str, aliases: &[&str], body: &str| SearchDocument {
            entity,
            id: id.into(),
            key: id.to_lowercase(),
            title: title.into(),
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
            body: body.into(),
            facets: vec![("country", "NL".into())],
        };
        index
            .rebuild([
                document(
                    EntityType::Organisation,
                    "O1",
                    "Stichting Sanquin Bloedvoorziening",
                    &["Sanquin"],
                    "Bloedbank in Amsterdam; onderzoek naar bloed en plasma.",
                ),
                document(
                    EntityType::Organisation,
                    "O2",
                    "Amsterdam UMC",
                    &["AMC", "VUmc"],
                    "Universitair medisch centrum, Zuid-Holland? Nee: Noord-Holland.",
                ),
                document(
                    EntityType::Call,
                    "HORIZON-HLTH-2026-01",
                    "Point-of-care diagnostics with AI",
                    &[],
                    "Artificial intelligence for diagnosis near the patient; €5 000 000.",
                ),
            ])
            .expect("rebuild");
        index
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (limit, text) = match text.split_once('\u{1}') {
        Some((head, rest)) => (head.len() % 101, rest),
        None => (20, text),
    };
    let request = SearchRequest::new(text, None, limit.max(1));
    let hits = index().search(&request).expect("a search never fails on its input");
    assert!(hits.len() <= limit.max(1));
});
