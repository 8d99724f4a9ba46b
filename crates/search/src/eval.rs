//! Search quality on a judged evaluation set: nDCG@10, MRR@10 and recall@10.
//!
//! The set (`eval/queries.jsonl`) holds one query a line with the results judged relevant
//! for it, graded 1 (relevant) or 2 (what the user is looking for), and a split: `tune`
//! queries choose the fusion parameters, `test` queries measure them.

use serde::Deserialize;

use crate::{EntityType, Fusion, Ranking, SearchError, SearchHit, SearchIndex, SearchRequest};

/// The evaluation set shipped with the hub.
pub const QUERIES: &str = include_str!("../eval/queries.jsonl");

/// Results that count: the first page.
const CUTOFF: usize = 10;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvalQuery {
    pub id: String,
    /// `nl` or `en`.
    pub language: String,
    /// `tune` or `test`.
    pub split: String,
    /// `organisation` or `call`: where the user looks.
    #[serde(rename = "type")]
    pub entity: String,
    pub query: String,
    /// Relevant result ids (topic ids, ROR URLs) with their grade.
    pub relevant: std::collections::BTreeMap<String, u8>,
    /// Results judged and found not relevant.
    #[serde(default)]
    pub not_relevant: std::collections::BTreeSet<String>,
    /// Why these results were judged relevant.
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("evaluation set line {line}: {reason}")]
    Invalid { line: usize, reason: String },
    #[error(transparent)]
    Search(#[from] SearchError),
}

/// Reads and checks an evaluation set.
pub fn parse_queries(text: &str) -> Result<Vec<EvalQuery>, EvalError> {
    let mut queries: Vec<EvalQuery> = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let invalid = |reason: String| EvalError::Invalid { line: i + 1, reason };
        let query: EvalQuery = serde_json::from_str(line).map_err(|e| invalid(e.to_string()))?;
        if !matches!(query.language.as_str(), "nl" | "en") {
            return Err(invalid(format!("language '{}' is not nl or en", query.language)));
        }
        if !matches!(query.split.as_str(), "tune" | "test") {
            return Err(invalid(format!("split '{}' is not tune or test", query.split)));
        }
        if EntityType::from_id(&query.entity).is_none() {
            return Err(invalid(format!("type '{}' is not organisation or call", query.entity)));
        }
        if query.relevant.is_empty() || query.relevant.values().any(|g| !(1..=2).contains(g)) {
            return Err(invalid("relevant needs at least one result, graded 1 or 2".into()));
        }
        if let Some(id) = query.not_relevant.iter().find(|id| query.relevant.contains_key(*id)) {
            return Err(invalid(format!("{id} is judged both relevant and not relevant")));
        }
        if queries.iter().any(|q| q.id == query.id) {
            return Err(invalid(format!("id '{}' appears twice", query.id)));
        }
        queries.push(query);
    }
    Ok(queries)
}

/// Mean scores over a group of queries.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    pub queries: usize,
    pub ndcg: f64,
    pub mrr: f64,
    pub recall: f64,
    /// The share of the first page that has a judgment: below 1, the other scores count
    /// unjudged results as not relevant.
    pub judged: f64,
}

/// The scores of one query's ranked ids.
pub fn score(query: &EvalQuery, ranked: &[String]) -> Scores {
    let gain = |grade: u8| f64::from((1u32 << grade) - 1);
    let discount = |rank: usize| 1.0 / ((rank + 2) as f64).log2();
    let top = &ranked[..ranked.len().min(CUTOFF)];
    let dcg: f64 =
        top.iter().enumerate().map(|(r, id)| query.relevant.get(id).map_or(0.0, |g| gain(*g) * discount(r))).sum();
    let mut grades: Vec<u8> = query.relevant.values().copied().collect();
    grades.sort_unstable_by(|a, b| b.cmp(a));
    let ideal: f64 = grades.iter().take(CUTOFF).enumerate().map(|(r, g)| gain(*g) * discount(r)).sum();
    let first = top.iter().position(|id| query.relevant.contains_key(id));
    let found = top.iter().filter(|id| query.relevant.contains_key(*id)).count();
    let judged = top.iter().filter(|id| query.relevant.contains_key(*id) || query.not_relevant.contains(*id)).count();
    Scores {
        queries: 1,
        ndcg: if ideal > 0.0 { dcg / ideal } else { 0.0 },
        mrr: first.map_or(0.0, |r| 1.0 / (r + 1) as f64),
        recall: found as f64 / query.relevant.len() as f64,
        judged: if top.is_empty() { 1.0 } else { judged as f64 / top.len() as f64 },
    }
}

impl Scores {
    pub fn mean(all: &[Scores]) -> Scores {
        let n = all.len();
        if n == 0 {
            return Scores::default();
        }
        let sum = |f: fn(&Scores) -> f64| all.iter().map(f).sum::<f64>() / n as f64;
        Scores {
            queries: n,
            ndcg: sum(|s| s.ndcg),
            mrr: sum(|s| s.mrr),
            recall: sum(|s| s.recall),
            judged: sum(|s| s.judged),
        }
    }
}

/// Each query's scores under `ranking`, in the order of `queries`.
pub fn evaluate(
    index: &SearchIndex,
    queries: &[EvalQuery],
    ranking: Ranking,
    cross_language: bool,
) -> Result<Vec<Scores>, EvalError> {
    let pages = first_pages(index, queries, ranking, cross_language)?;
    Ok(queries
        .iter()
        .zip(&pages)
        .map(|(query, page)| score(query, &page.iter().map(|hit| hit.id.clone()).collect::<Vec<_>>()))
        .collect())
}

/// Each query's first page under `ranking`, in the order of `queries`: what is scored, and
/// what assessors judge when results on it have no judgment yet.
pub fn first_pages(
    index: &SearchIndex,
    queries: &[EvalQuery],
    ranking: Ranking,
    cross_language: bool,
) -> Result<Vec<Vec<SearchHit>>, EvalError> {
    queries
        .iter()
        .map(|query| {
            let mut request = SearchRequest::new(&query.query, EntityType::from_id(&query.entity), CUTOFF);
            request.ranking = ranking;
            request.cross_language = cross_language;
            Ok(index.search(&request)?)
        })
        .collect()
}

/// The fusion parameters tried when tuning.
pub fn fusion_grid() -> Vec<Fusion> {
    let mut grid = Vec::new();
    for k in [5.0, 20.0, 60.0] {
        for semantic_weight in [0.5, 0.75, 1.0, 1.5, 2.0] {
            for min_similarity in [0.2, 0.3, 0.4] {
                grid.push(Fusion { k, semantic_weight, min_similarity });
            }
        }
    }
    grid
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(relevant: &[(&str, u8)]) -> EvalQuery {
        EvalQuery {
            id: "q".into(),
            language: "en".into(),
            split: "test".into(),
            entity: "call".into(),
            query: "x".into(),
            relevant: relevant.iter().map(|(id, g)| ((*id).to_owned(), *g)).collect(),
            not_relevant: ["c".to_owned()].into(),
            note: String::new(),
        }
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn metrics_follow_their_definitions() {
        let q = query(&[("a", 2), ("b", 1)]);
        let perfect = score(&q, &ids(&["a", "b", "c"]));
        assert!((perfect.ndcg - 1.0).abs() < 1e-9 && perfect.mrr == 1.0 && perfect.recall == 1.0);
        assert_eq!(perfect.judged, 1.0, "a and b are relevant, c is judged not relevant");
        let swapped = score(&q, &ids(&["b", "a"]));
        // DCG = 1/log2(2) + 3/log2(3); ideal = 3 + 1/log2(3).
        let expected = (1.0 + 3.0 / 3f64.log2()) / (3.0 + 1.0 / 3f64.log2());
        assert!((swapped.ndcg - expected).abs() < 1e-9, "{}", swapped.ndcg);
        let late = score(&q, &ids(&["x", "y", "b"]));
        assert!((late.mrr - 1.0 / 3.0).abs() < 1e-9 && (late.recall - 0.5).abs() < 1e-9);
        assert!((late.judged - 1.0 / 3.0).abs() < 1e-9, "x and y were never judged");
        let beyond_ten: Vec<String> = (0..10).map(|i| i.to_string()).chain(ids(&["a"])).collect();
        assert_eq!(score(&q, &beyond_ten), Scores { queries: 1, ndcg: 0.0, mrr: 0.0, recall: 0.0, judged: 0.0 });
        assert_eq!(Scores::mean(&[perfect, late]).recall, 0.75);
    }

    #[test]
    fn the_shipped_set_is_valid_and_balanced() {
        let queries = parse_queries(QUERIES).expect("valid");
        assert!(queries.len() >= 60, "{} queries", queries.len());
        let count = |f: &dyn Fn(&EvalQuery) -> bool| queries.iter().filter(|q| f(q)).count();
        assert_eq!(count(&|q| q.language == "nl"), count(&|q| q.language == "en"), "half Dutch, half English");
        assert_eq!(count(&|q| q.split == "tune"), count(&|q| q.split == "test"));
        assert!(count(&|q| q.entity == "organisation") >= 20 && count(&|q| q.entity == "call") >= 20);
    }

    #[test]
    fn malformed_sets_are_refused_with_the_line() {
        let error = parse_queries("\n{\"id\":\"a\",\"language\":\"fr\",\"split\":\"tune\",\"type\":\"call\",\"query\":\"x\",\"relevant\":{\"A\":1}}")
            .expect_err("French");
        assert!(error.to_string().starts_with("evaluation set line 2:"), "{error}");
        assert!(parse_queries("{\"id\":\"a\"}").is_err());
        let both = "{\"id\":\"a\",\"language\":\"en\",\"split\":\"tune\",\"type\":\"call\",\"query\":\"x\",\"relevant\":{\"A\":1},\"not_relevant\":[\"A\"]}";
        assert!(parse_queries(both).expect_err("contradiction").to_string().contains("A is judged both"));
    }
}
