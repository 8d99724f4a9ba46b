//! Organisation resolution over the real ROR organisations, measured on the judged set.

// A test stops at the first expectation that fails: unwrapping is how it says so.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use lshub_search::{parse_judged, Resolver, Searchable, CONFIDENCE_THRESHOLD};
use lshub_storage::{Database, NoProgress};

fn shared_data(file: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")).join(file)
}

#[tokio::test]
async fn affiliations_are_resolved() {
    let db = Database::connect("sqlite::memory:").await.expect("connect");
    db.migrate().await.expect("migrate");
    lshub_import::import_ror(&db, &shared_data("ror_nl_be.jsonl.gz"), &NoProgress).await.expect("ROR");
    let documents: Vec<_> =
        db.all_organisations().await.expect("organisations").iter().map(|o| o.search_document()).collect();
    let resolver = Resolver::new(documents.iter());
    assert_eq!(resolver.len(), 2525);

    let judged_file = concat!(env!("CARGO_MANIFEST_DIR"), "/eval/affiliations.tsv");
    let judged = parse_judged(&std::fs::read_to_string(judged_file).expect("judged set")).expect("valid judged set");
    assert!(judged.len() >= 40);
    let evaluation = resolver.evaluate(&judged);
    println!(
        "threshold {CONFIDENCE_THRESHOLD}: {} judged, {} meant, {} answered, {} correct; precision {:.3}, recall {:.3}",
        evaluation.judged,
        evaluation.meant,
        evaluation.answered,
        evaluation.correct,
        evaluation.precision,
        evaluation.recall
    );
    for (text, expected, answer) in &evaluation.mistakes {
        println!("  {text:?}: expected {expected:?}, answered {answer:?}");
    }
    assert!(evaluation.precision >= 0.95, "precision {:.3}", evaluation.precision);
    assert!(evaluation.recall >= 0.85, "recall {:.3}", evaluation.recall);
}
