use anyhow::Context;
use chrono::NaiveDate;
use lshub_search::{embed_missing, EmbeddingReport, SearchIndex, SentenceEncoder};
use lshub_storage::Database;

use super::import::TerminalProgress;

pub async fn run(database_url: &str, model: &crate::ModelSetting, today: NaiveDate) -> anyhow::Result<()> {
    let db = crate::open_database(database_url).await?;
    let encoder = model.load()?;
    if let Some(encoder) = &encoder {
        let report = embed(&db, encoder, today).await.context("computing sentence vectors")?;
        println!("sentence vectors: {} computed, {} still current", report.encoded, report.reused);
    }
    let index = SearchIndex::with_encoder(encoder).context("creating the search index")?;
    let documents = lshub_web::documents(&db, today).await?;
    let documents = index.rebuild_from(&db, documents).await.context("building the search index")?;
    db.close().await;
    println!("search index: {documents} entities, {} with a sentence vector", index.vector_count());
    Ok(())
}

/// Computes and stores the sentence vectors that the database's entities lack.
pub async fn embed(db: &Database, encoder: &SentenceEncoder, today: NaiveDate) -> anyhow::Result<EmbeddingReport> {
    let documents = lshub_web::documents(db, today).await?;
    let report = embed_missing(db, encoder, &documents, &TerminalProgress::new("encoding")).await?;
    tracing::info!(computed = report.encoded, current = report.reused, "sentence vectors are up to date");
    Ok(report)
}

/// The search index of the database's content, with the stored vectors when a model is set.
pub async fn open_index(db: &Database, model: &crate::ModelSetting, today: NaiveDate) -> anyhow::Result<SearchIndex> {
    let index = SearchIndex::with_encoder(model.load()?).context("creating the search index")?;
    let documents = lshub_web::documents(db, today).await?;
    let documents = index.rebuild_from(db, documents).await.context("building the search index")?;
    let vectors = index.vector_count();
    if index.encoder().is_some() && vectors < documents {
        tracing::warn!(
            "{} of {documents} entities have no sentence vector for this model yet; `lshub reindex` computes them",
            documents - vectors
        );
    }
    Ok(index)
}
