//! The hub's key figures.

use lshub_domain::content::VACANCY;
use lshub_domain::talent::{PostedVacancy, Vacancy};
use lshub_domain::{CountByKey, HubStats};
use sea_query::{Expr, ExprTrait, IntoIden, Order, Query};
use sqlx::Row;

use crate::error::{QueryContext, StorageError};
use crate::organisations::Organisations;
use crate::Database;

impl Database {
    /// The figures as they are on `today`, the region's date (calls open and close by date,
    /// items expire by date).
    pub async fn stats(&self, today: chrono::NaiveDate) -> Result<HubStats, StorageError> {
        let organisations_by_kind = self.count_by(Organisations::Table, Organisations::Kind).await?;
        let organisations_by_country = self.count_by(Organisations::Table, Organisations::CountryCode).await?;
        let calls_by_status = self
            .calls_by_status(today)
            .await?
            .into_iter()
            .filter(|(_, count)| *count > 0)
            .map(|(status, count)| CountByKey { key: status.id().to_owned(), count })
            .collect::<Vec<_>>();
        let items_by_kind = self.listed_items_by_kind(today).await?;
        let vacancies_by_sector = lshub_domain::talent::figures::by_sector(&self.posted_vacancies(today).await?);
        Ok(HubStats {
            organisations: organisations_by_kind.iter().map(|c| c.count).sum(),
            organisations_by_kind,
            organisations_by_country,
            calls: calls_by_status.iter().map(|c| c.count).sum(),
            calls_by_status,
            items_by_kind,
            vacancies_by_sector,
        })
    }

    /// Every vacancy ever published, with its owner's kind as its sector.
    async fn posted_vacancies(&self, today: chrono::NaiveDate) -> Result<Vec<PostedVacancy>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT c.id, c.record, c.record_version, c.state, c.published_at, c.expires_on, o.kind AS sector \
                 FROM content_items c JOIN organisations o ON o.id = c.owner_id \
                 WHERE c.kind = ? AND c.published_at IS NOT NULL",
                crate::accounts::binds![VACANCY.id.to_owned()],
                "reading the vacancies' figures",
            )
            .await?;
        let mut vacancies = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: String = row.try_get("id").context("reading a vacancy")?;
            let vacancy: Vacancy = crate::record::record_from_row(row, &id)?;
            let published_at: String = row.try_get("published_at").context("reading a vacancy")?;
            let posted_on = published_at
                .get(..10)
                .and_then(|day| day.parse().ok())
                .ok_or_else(|| StorageError::CorruptRecord { id: id.clone(), reason: "published_at".into() })?;
            let state: String = row.try_get("state").context("reading a vacancy")?;
            let expires_on: Option<String> = row.try_get("expires_on").context("reading a vacancy")?;
            let unexpired = expires_on.is_none_or(|day| day.as_str() >= today.to_string().as_str());
            vacancies.push(PostedVacancy {
                sector: row.try_get("sector").context("reading a vacancy")?,
                posted_on,
                filled_on: vacancy.filled_on,
                open: state == "published" && unexpired && vacancy.filled_on.is_none(),
            });
        }
        Ok(vacancies)
    }

    /// How many items of each member-written kind the public sees on `today`.
    async fn listed_items_by_kind(&self, today: chrono::NaiveDate) -> Result<Vec<CountByKey>, StorageError> {
        let rows = self
            .query_rows(
                "SELECT kind, COUNT(*) AS n FROM content_items WHERE state = ? \
                 AND (expires_on IS NULL OR expires_on >= ?) GROUP BY kind ORDER BY kind",
                crate::accounts::binds!["published".to_owned(), today.to_string()],
                "counting items",
            )
            .await?;
        rows.iter()
            .map(|row| Ok(CountByKey { key: row.try_get("kind")?, count: row.try_get("n")? }))
            .collect::<Result<_, sqlx::Error>>()
            .context("counting items")
    }

    /// Row counts per value of `column`, largest first; rows without a value are left out.
    async fn count_by(
        &self,
        table: impl IntoIden,
        column: impl IntoIden + Copy,
    ) -> Result<Vec<CountByKey>, StorageError> {
        let query = Query::select()
            .expr_as(Expr::col(column), "key")
            .expr_as(Expr::cust("COUNT(*)"), "n")
            .from(table)
            .and_where(Expr::col(column).is_not_null())
            .group_by_col(column)
            .order_by_expr(Expr::cust("COUNT(*)"), Order::Desc)
            .order_by(column, Order::Asc)
            .to_owned();
        let rows = self.fetch_all(query, "counting").await?;
        rows.iter()
            .map(|row| Ok(CountByKey { key: row.try_get("key")?, count: row.try_get("n")? }))
            .collect::<Result<_, sqlx::Error>>()
            .context("counting")
    }
}

impl Database {
    /// A value that changes whenever public content changes: the rows of every registered
    /// kind's table or their vectors (a row added, changed or removed changes its table's
    /// count or latest change), and the region's date, since items expire and calls open and close by date. Derived data such
    /// as the search index and the public cache know from it when to rebuild. Every node
    /// sharing the database sees the same value.
    pub async fn content_version(&self, today: chrono::NaiveDate) -> Result<String, StorageError> {
        let mut parts = Vec::new();
        for table in content_tables() {
            let query = Query::select()
                .expr_as(Expr::cust("COUNT(*)"), "n")
                .expr_as(Expr::col("last_updated").max(), "latest")
                .from(sea_query::Alias::new(table))
                .to_owned();
            let row = self.fetch_all(query, "reading the content version").await?;
            let row = row.first().ok_or_else(|| StorageError::Bind("no version row".into()))?;
            let count: i64 = row.try_get("n").context("reading the content version")?;
            let latest: Option<String> = row.try_get("latest").context("reading the content version")?;
            parts.push(format!("{count}@{}", latest.unwrap_or_default()));
        }
        parts.push(today.to_string());
        Ok(parts.join(";"))
    }
}

/// The tables the content version covers: every registered kind's, once, the vectors, and
/// the access requests' tables that public pages read.
pub(crate) fn content_tables() -> Vec<&'static str> {
    let mut tables: Vec<&'static str> = Vec::new();
    for kind in lshub_domain::content::KINDS {
        if !tables.contains(&kind.table()) {
            tables.push(kind.table());
        }
    }
    tables.push(crate::embeddings::EMBEDDINGS_TABLE);
    // Public pages show what can be requested and how fast each holder answers.
    tables.extend(crate::access::PUBLIC_TABLES);
    // Project pages, and organisation pages with the projects of the entities linked to them.
    tables.extend(crate::projects::TABLES);
    tables
}

#[cfg(test)]
mod tests {
    use lshub_domain::content::KINDS;

    #[test]
    fn every_registered_kind_is_part_of_the_content_version() {
        let tables = super::content_tables();
        for kind in KINDS {
            assert!(tables.contains(&kind.table()), "{} is missing from the content version", kind.id);
        }
    }
}
