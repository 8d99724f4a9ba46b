//! Coordination of the lexical ranking: a document that holds more of the query's words
//! ranks above one that holds fewer of them more often. BM25 alone lets two common words
//! repeated in a short name ("Zuyderland Medisch Centrum") outscore a name that has every
//! word of the query, the rare one included ("Radboud University Nijmegen Medical Centre"
//! for "Radboud Universitair Medisch Centrum"). Words count by their rarity: for "brain
//! research institute", holding "brain" matters more than holding "institute".

use tantivy::query::{EnableScoring, Query, Scorer};
use tantivy::{DocAddress, DocSet, Searcher};

/// A candidate's score is multiplied by the share of the query's words it holds (each
/// weighted by its rarity), raised to this power; chosen on the tune half of the evaluation
/// set (`lshub eval --per-query`).
const EXPONENT: i32 = 2;

/// Rescales each candidate's score by the weighted share of `words` it matches and sorts
/// again, best first. Each of `words` is a query that matches a document holding that word
/// (or an equivalent), with the word's weight; with fewer than two there is nothing to
/// coordinate.
pub(crate) fn rerank(
    searcher: &Searcher,
    words: &[(Box<dyn Query>, f32)],
    ranked: &mut [(f32, DocAddress)],
) -> tantivy::Result<()> {
    if words.len() < 2 || ranked.is_empty() {
        return Ok(());
    }
    let mut matched = vec![0f32; ranked.len()];
    // Visit candidates in index order: a doc set only moves forward.
    let mut order: Vec<usize> = (0..ranked.len()).collect();
    order.sort_by_key(|&i| ranked[i].1);
    for (word, importance) in words {
        let weight = word.weight(EnableScoring::disabled_from_searcher(searcher))?;
        let mut current: Option<(u32, Box<dyn Scorer>)> = None;
        for &i in &order {
            let address = ranked[i].1;
            let scorer = match &mut current {
                Some((segment, scorer)) if *segment == address.segment_ord => scorer,
                _ => {
                    let reader = searcher.segment_reader(address.segment_ord);
                    &mut current.insert((address.segment_ord, weight.scorer(reader, 1.0)?)).1
                }
            };
            // Already past it means the word is not in it (seek must not go back).
            if scorer.doc() <= address.doc_id && scorer.seek(address.doc_id) == address.doc_id {
                matched[i] += importance;
            }
        }
    }
    let total: f32 = words.iter().map(|(_, importance)| importance).sum();
    for (candidate, matched) in ranked.iter_mut().zip(matched) {
        candidate.0 *= (matched / total).powi(EXPONENT);
    }
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    Ok(())
}
