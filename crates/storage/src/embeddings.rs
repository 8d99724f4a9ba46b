//! Stored sentence embeddings: one vector per (model, entity, key), with the hash of the
//! text it was computed from.

use std::collections::HashMap;

use chrono::Utc;
use sea_query::{Expr, ExprTrait, Iden, OnConflict, Query};
use sqlx::Row;

use crate::error::{QueryContext, StorageError};
use crate::sql::Statement;
use crate::Database;

/// Part of the content version: search follows the vectors.
pub(crate) const EMBEDDINGS_TABLE: &str = "embeddings";

#[derive(Iden, Clone, Copy)]
pub(crate) enum Embeddings {
    Table,
    Model,
    Entity,
    EntityKey,
    TextHash,
    Dimension,
    Vector,
    LastUpdated,
}

/// The vector of one entity under one model.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredVector {
    /// The entity type's id, e.g. `organisation`.
    pub entity: String,
    /// The entity's key in the hub (a slug, a topic id).
    pub key: String,
    /// A hash of the text the vector was computed from.
    pub text_hash: String,
    pub vector: Vec<f32>,
}

/// Rows per INSERT: 7 parameters each stays far below SQLite's and PostgreSQL's limits.
const ROWS_PER_INSERT: usize = 200;

impl Database {
    /// The text hash of every vector stored for `model`, by (entity, key).
    pub async fn vector_hashes(&self, model: &str) -> Result<HashMap<(String, String), String>, StorageError> {
        let query = Query::select()
            .columns([Embeddings::Entity, Embeddings::EntityKey, Embeddings::TextHash])
            .from(Embeddings::Table)
            .and_where(Expr::col(Embeddings::Model).eq(model))
            .to_owned();
        let rows = self.fetch_all(query, "reading stored vector hashes").await?;
        rows.iter()
            .map(|row| Ok(((row.try_get("entity")?, row.try_get("entity_key")?), row.try_get("text_hash")?)))
            .collect::<Result<_, sqlx::Error>>()
            .context("reading stored vector hashes")
    }

    /// Every vector stored for `model`.
    pub async fn load_vectors(&self, model: &str) -> Result<Vec<StoredVector>, StorageError> {
        let query = Query::select()
            .columns([Embeddings::Entity, Embeddings::EntityKey, Embeddings::TextHash, Embeddings::Dimension])
            .column(Embeddings::Vector)
            .from(Embeddings::Table)
            .and_where(Expr::col(Embeddings::Model).eq(model))
            .to_owned();
        let rows = self.fetch_all(query, "reading stored vectors").await?;
        rows.iter()
            .map(|row| {
                let key: String = row.try_get("entity_key").context("reading stored vectors")?;
                let dimension: i64 = row.try_get("dimension").context("reading stored vectors")?;
                let bytes: Vec<u8> = row.try_get("vector").context("reading stored vectors")?;
                let vector = decode(&bytes, dimension).ok_or_else(|| StorageError::CorruptRecord {
                    id: format!("vector of {key}"),
                    reason: format!("{} bytes for {dimension} dimensions", bytes.len()),
                })?;
                Ok(StoredVector {
                    entity: row.try_get("entity").context("reading stored vectors")?,
                    key,
                    text_hash: row.try_get("text_hash").context("reading stored vectors")?,
                    vector,
                })
            })
            .collect()
    }

    /// Inserts or replaces the vectors of `model`, all or none.
    pub async fn save_vectors(&self, model: &str, vectors: &[StoredVector]) -> Result<(), StorageError> {
        if vectors.is_empty() {
            return Ok(());
        }
        let now = Utc::now().to_rfc3339();
        let mut tx = self.begin_write().await?;
        for chunk in vectors.chunks(ROWS_PER_INSERT) {
            // Built before the await: sea-query statements are not `Send`.
            let (sql, args) = upsert_statement(model, chunk, &now)?.build(self.backend())?;
            sqlx::query_with(&sql, args).execute(&mut *tx).await.context("saving vectors")?;
        }
        tx.commit().await.context("committing vectors")
    }
}

fn upsert_statement(model: &str, vectors: &[StoredVector], now: &str) -> Result<Statement, StorageError> {
    let mut insert = Query::insert();
    insert.into_table(Embeddings::Table).columns([
        Embeddings::Model,
        Embeddings::Entity,
        Embeddings::EntityKey,
        Embeddings::TextHash,
        Embeddings::Dimension,
        Embeddings::Vector,
        Embeddings::LastUpdated,
    ]);
    for v in vectors {
        let bytes: Vec<u8> = v.vector.iter().flat_map(|x| x.to_le_bytes()).collect();
        insert
            .values([
                model.into(),
                v.entity.as_str().into(),
                v.key.as_str().into(),
                v.text_hash.as_str().into(),
                (v.vector.len() as i64).into(),
                bytes.into(),
                now.into(),
            ])
            .map_err(|e| StorageError::Bind(e.to_string()))?;
    }
    insert.on_conflict(
        OnConflict::columns([Embeddings::Model, Embeddings::Entity, Embeddings::EntityKey])
            .update_columns([Embeddings::TextHash, Embeddings::Dimension, Embeddings::Vector, Embeddings::LastUpdated])
            .to_owned(),
    );
    Ok(Statement::from(&mut insert))
}

fn decode(bytes: &[u8], dimension: i64) -> Option<Vec<f32>> {
    let dimension = usize::try_from(dimension).ok()?;
    if bytes.len() != dimension * 4 {
        return None;
    }
    Some(bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn vectors_round_trip_and_replace() {
        let db = Database::connect("sqlite::memory:").await.expect("connect");
        db.migrate().await.expect("migrate");
        let vector = |key: &str, hash: &str, x: f32| StoredVector {
            entity: "call".into(),
            key: key.into(),
            text_hash: hash.into(),
            vector: vec![x, -x, 0.5],
        };
        db.save_vectors("m1", &[vector("A", "h1", 0.25), vector("B", "h2", 1.0)]).await.expect("save");
        db.save_vectors("m1", &[vector("A", "h3", -2.0)]).await.expect("replace");
        db.save_vectors("m2", &[vector("A", "h9", 9.0)]).await.expect("other model");
        let mut stored = db.load_vectors("m1").await.expect("load");
        stored.sort_by(|a, b| a.key.cmp(&b.key));
        assert_eq!(stored, [vector("A", "h3", -2.0), vector("B", "h2", 1.0)]);
        let hashes = db.vector_hashes("m2").await.expect("hashes");
        assert_eq!(hashes.get(&("call".to_owned(), "A".to_owned())).map(String::as_str), Some("h9"));
        assert_eq!(decode(&[0, 0, 0], 1), None, "a truncated vector is refused");
    }
}
