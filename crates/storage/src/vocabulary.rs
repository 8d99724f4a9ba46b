//! Terms of controlled vocabularies (the GA4GH Data Use Ontology), imported from their
//! published tables: an import replaces a scheme's terms in one transaction, and forms,
//! pages and importers look codes up here.

use std::collections::HashMap;

use lshub_domain::dataset::terms::Term;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::accounts::{binds, exec, transaction};
use crate::error::{QueryContext, StorageError};
use crate::{Database, Progress, UpsertSummary};

impl Database {
    /// Saves `terms` as the terms of `scheme`, updating those whose code is known; a term the
    /// table no longer has stays, as datasets may still name it.
    pub async fn upsert_terms(
        &self,
        scheme: &str,
        terms: &[Term],
        progress: &dyn Progress,
    ) -> Result<UpsertSummary, StorageError> {
        let stored: HashMap<String, Term> =
            self.terms(scheme).await?.into_iter().map(|t| (t.code.clone(), t)).collect();
        progress.start(terms.len() as u64);
        let summary = transaction!(self, |backend, tx| {
            let mut summary = UpsertSummary::default();
            for term in terms {
                match stored.get(&term.code) {
                    Some(known) if known == term => summary.unchanged += 1,
                    known => {
                        exec(
                            backend,
                            tx,
                            "INSERT INTO vocabulary_terms (scheme, code, label, shorthand, description) \
                             VALUES (?, ?, ?, ?, ?) ON CONFLICT (scheme, code) DO UPDATE SET \
                             label = excluded.label, shorthand = excluded.shorthand, description = excluded.description",
                            binds![
                                scheme.to_owned(),
                                term.code.clone(),
                                term.label.clone(),
                                term.shorthand.clone(),
                                term.description.clone(),
                            ],
                            "saving a vocabulary term",
                        )
                        .await?;
                        if known.is_some() {
                            summary.updated += 1;
                        } else {
                            summary.inserted += 1;
                        }
                    }
                }
                progress.advance(1);
            }
            Ok(summary)
        })
        .await?;
        progress.finish();
        Ok(summary)
    }

    /// Every term of `scheme`, by code.
    pub async fn terms(&self, scheme: &str) -> Result<Vec<Term>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT code, label, shorthand, description FROM vocabulary_terms WHERE scheme = ? ORDER BY code",
                binds![scheme.to_owned()],
                "reading vocabulary terms",
            )
            .await?;
        rows.iter().map(term).collect()
    }

    /// The term of `scheme` with `code`, if the hub has it.
    pub async fn term(&self, scheme: &str, code: &str) -> Result<Option<Term>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT code, label, shorthand, description FROM vocabulary_terms WHERE scheme = ? AND code = ?",
                binds![scheme.to_owned(), code.to_owned()],
                "reading a vocabulary term",
            )
            .await?;
        rows.first().map(term).transpose()
    }
}

fn term(row: &AnyRow) -> Result<Term, StorageError> {
    let read = |column: &str| row.try_get::<Option<String>, _>(column).context("reading a vocabulary term");
    Ok(Term {
        code: read("code")?.unwrap_or_default(),
        label: read("label")?.unwrap_or_default(),
        shorthand: read("shorthand")?,
        description: read("description")?,
    })
}

#[cfg(test)]
mod tests {
    use lshub_domain::dataset::terms::{Term, DUO};

    use crate::{Database, NoProgress};

    #[tokio::test]
    async fn terms_are_saved_updated_and_found_by_code() {
        let dir = tempfile::tempdir().expect("a folder");
        let db = Database::connect(&format!("sqlite://{}", dir.path().join("hub.db").display())).await.expect("db");
        db.migrate().await.expect("migrate");
        let term = |label: &str| Term {
            code: "DUO:0000042".into(),
            label: label.into(),
            shorthand: Some("GRU".into()),
            description: None,
        };
        let first = db.upsert_terms(DUO, &[term("general research use")], &NoProgress).await.expect("saved");
        assert_eq!((first.inserted, first.updated, first.unchanged), (1, 0, 0));
        let again = db.upsert_terms(DUO, &[term("general research use")], &NoProgress).await.expect("saved");
        assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 1));
        let renamed = db.upsert_terms(DUO, &[term("general research")], &NoProgress).await.expect("saved");
        assert_eq!(renamed.updated, 1);
        assert_eq!(db.term(DUO, "DUO:0000042").await.expect("read"), Some(term("general research")));
        assert_eq!(db.term(DUO, "DUO:0000099").await.expect("read"), None);
        assert_eq!(db.terms("MONDO").await.expect("read"), vec![]);
    }
}
