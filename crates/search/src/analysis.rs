//! Text analysis per language: words split on non-alphanumerics, lower-cased, accents
//! folded ("Zürich" = "zurich"), stop words dropped and words stemmed ("ziekenhuizen" =
//! "ziekenhuis", "cancers" = "cancer"). Every text is indexed with both analysers, because
//! a field's language is not known: ROR names mix Dutch and English.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
};
use tantivy::Index;

pub const ENGLISH: &str = "lshub_en";
pub const DUTCH: &str = "lshub_nl";

fn analyzer(language: Language) -> TextAnalyzer {
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .dynamic();
    let builder = match StopWordFilter::new(language) {
        Some(stop_words) => builder.filter_dynamic(stop_words),
        None => builder,
    };
    builder.filter_dynamic(Stemmer::new(language)).build()
}

pub fn register(index: &Index) {
    index.tokenizers().register(ENGLISH, analyzer(Language::English));
    index.tokenizers().register(DUTCH, analyzer(Language::Dutch));
}

/// The terms `text` becomes under the analyser `name`.
pub fn terms(index: &Index, name: &str, text: &str) -> Vec<String> {
    let Some(mut analyzer) = index.tokenizers().get(name) else { return Vec::new() };
    let mut stream = analyzer.token_stream(text);
    let mut terms = Vec::new();
    while stream.advance() {
        terms.push(stream.token().text.clone());
    }
    terms
}
