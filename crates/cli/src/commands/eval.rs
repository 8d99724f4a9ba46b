use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use lshub_search::eval::{evaluate, first_pages, fusion_grid, parse_queries, EvalQuery, Scores, QUERIES};
use lshub_search::{Fusion, Ranking};

#[derive(Args)]
pub struct EvalArgs {
    /// An evaluation set (JSON lines) instead of the one shipped in crates/search/eval/.
    #[arg(long)]
    file: Option<PathBuf>,
    /// Also try every fusion setting of a grid on the `tune` queries and report the best,
    /// with its figures on the `test` queries.
    #[arg(long)]
    tune: bool,
    /// Also print each query's nDCG@10 under every ranking, to see where a ranking fails.
    #[arg(long)]
    per_query: bool,
    /// Also list the results on any ranking's first page that the set does not judge yet,
    /// per query, for assessors to judge (pooling).
    #[arg(long)]
    unjudged: bool,
}

pub async fn run(
    database_url: &str,
    args: EvalArgs,
    model: &crate::ModelSetting,
    today: chrono::NaiveDate,
) -> anyhow::Result<()> {
    let text = match &args.file {
        Some(path) => std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
        None => QUERIES.to_owned(),
    };
    let queries = parse_queries(&text)?;
    let db = crate::open_database(database_url).await?;
    let index = super::reindex::open_index(&db, model, today).await?;
    db.close().await;
    anyhow::ensure!(
        index.encoder().is_some() && index.vector_count() > 0,
        "the evaluation compares lexical, semantic and fused rankings: set --model-dir (or LSHUB_MODEL_DIR) \
         and run `lshub reindex` first"
    );
    let count = |f: &dyn Fn(&EvalQuery) -> bool| queries.iter().filter(|q| f(q)).count();
    println!(
        "{} queries ({} Dutch, {} English; {} tune, {} test), {} entities with a sentence vector",
        queries.len(),
        count(&|q| q.language == "nl"),
        count(&|q| q.language == "en"),
        count(&|q| q.split == "tune"),
        count(&|q| q.split == "test"),
        index.vector_count()
    );
    println!(
        "\n{:<9} {:<6} {:<9} {:>7} {:>8} {:>7} {:>9} {:>9}",
        "ranking", "split", "language", "queries", "nDCG@10", "MRR@10", "recall@10", "judged@10"
    );
    let mut all_scores: Vec<(&str, Vec<Scores>)> = Vec::new();
    for (name, ranking, cross_language) in RANKINGS {
        let scores = evaluate(&index, &queries, ranking, cross_language)?;
        for split in ["all", "test"] {
            for language in ["all", "nl", "en"] {
                let group = select(&queries, &scores, split, language);
                let mean = Scores::mean(&group);
                println!(
                    "{name:<9} {split:<6} {language:<9} {:>7} {:>8.3} {:>7.3} {:>9.3} {:>9.3}",
                    mean.queries, mean.ndcg, mean.mrr, mean.recall, mean.judged
                );
            }
        }
        all_scores.push((name, scores));
    }
    let ranking = |wanted: &str| {
        all_scores.iter().find(|(name, _)| *name == wanted).map(|(_, scores)| scores.as_slice()).unwrap_or_default()
    };
    let (words_all, lexical_all, fused_all) = (ranking("words"), ranking("lexical"), ranking("fused"));
    println!();
    for split in ["all", "test"] {
        let ndcg = |scores: &[Scores], language| Scores::mean(&select(&queries, scores, split, language)).ndcg;
        let fused = ndcg(fused_all, "all");
        println!(
            "{split} queries: fused nDCG@10 is {:+.1}% against words, {:+.1}% against lexical (target >= +20%); \
             fused Dutch is {:+.1}% against English (target within 10%)",
            percent(fused, ndcg(words_all, "all")),
            percent(fused, ndcg(lexical_all, "all")),
            percent(ndcg(fused_all, "nl"), ndcg(fused_all, "en"))
        );
    }
    if args.per_query {
        print_per_query(&queries, &all_scores);
    }
    if args.unjudged {
        print_unjudged(&index, &queries)?;
    }
    if args.tune {
        tune(&index, &queries)?;
    }
    Ok(())
}

/// The rankings compared. `words` is plain keyword search: the lexical ranking without the
/// Dutch-English vocabulary, as the hub searched before it had one.
const RANKINGS: [(&str, Ranking, bool); 4] = [
    ("words", Ranking::Lexical, false),
    ("lexical", Ranking::Lexical, true),
    ("semantic", Ranking::Semantic, true),
    ("fused", Ranking::Fused(Fusion::TUNED), true),
];

/// The pool to judge: per query, each result of any ranking's first page without a judgment.
fn print_unjudged(index: &lshub_search::SearchIndex, queries: &[EvalQuery]) -> anyhow::Result<()> {
    let mut pages = Vec::new();
    for (_, ranking, cross_language) in RANKINGS {
        pages.push(first_pages(index, queries, ranking, cross_language)?);
    }
    println!(
        "
unjudged results on a first page (query id, result id, title)"
    );
    for (i, query) in queries.iter().enumerate() {
        let mut seen = std::collections::BTreeSet::new();
        for hit in pages.iter().filter_map(|ranking| ranking.get(i)).flatten() {
            let judged = query.relevant.contains_key(&hit.id) || query.not_relevant.contains(&hit.id);
            if !judged && seen.insert(hit.id.clone()) {
                println!("{}\t{}\t{}\t{}", query.id, query.query, hit.id, hit.title);
            }
        }
    }
    Ok(())
}

fn print_per_query(queries: &[EvalQuery], all_scores: &[(&str, Vec<Scores>)]) {
    print!("\nnDCG@10 per query\n{:<8} {:<5}", "id", "split");
    for (name, _) in all_scores {
        print!(" {name:>8}");
    }
    println!("  query");
    for (i, query) in queries.iter().enumerate() {
        print!("{:<8} {:<5}", query.id, query.split);
        for (_, scores) in all_scores {
            print!(" {:>8.3}", scores.get(i).map_or(0.0, |s| s.ndcg));
        }
        println!("  {}", query.query);
    }
}

fn select(queries: &[EvalQuery], scores: &[Scores], split: &str, language: &str) -> Vec<Scores> {
    queries
        .iter()
        .zip(scores)
        .filter(|(q, _)| (split == "all" || q.split == split) && (language == "all" || q.language == language))
        .map(|(_, s)| *s)
        .collect()
}

fn percent(value: f64, base: f64) -> f64 {
    if base == 0.0 {
        0.0
    } else {
        (value / base - 1.0) * 100.0
    }
}

/// Grid search of the fusion parameters on the tune queries only.
fn tune(index: &lshub_search::SearchIndex, queries: &[EvalQuery]) -> anyhow::Result<()> {
    let tuning: Vec<EvalQuery> = queries.iter().filter(|q| q.split == "tune").cloned().collect();
    let testing: Vec<EvalQuery> = queries.iter().filter(|q| q.split == "test").cloned().collect();
    let mut best: Option<(f64, Fusion)> = None;
    println!("\ntuning on {} queries:", tuning.len());
    for fusion in fusion_grid() {
        let ndcg = Scores::mean(&evaluate(index, &tuning, Ranking::Fused(fusion), true)?).ndcg;
        println!(
            "  k {:>4} semantic weight {:>4} min similarity {:>4}: nDCG@10 {ndcg:.3}",
            fusion.k, fusion.semantic_weight, fusion.min_similarity
        );
        if best.is_none_or(|(b, _)| ndcg > b) {
            best = Some((ndcg, fusion));
        }
    }
    if let Some((ndcg, fusion)) = best {
        let test = Scores::mean(&evaluate(index, &testing, Ranking::Fused(fusion), true)?).ndcg;
        println!("best on tune: {fusion:?}, nDCG@10 {ndcg:.3} on tune, {test:.3} on test");
    }
    Ok(())
}
