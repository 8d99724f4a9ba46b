//! The directory of organisations.

use std::collections::HashSet;

use chrono::Utc;
use lshub_domain::record::Versioned;
use lshub_domain::text::{fold, slugify};
use lshub_domain::{
    NewOrganisation, Organisation, OrganisationFilter, OrganisationProfile, OrganisationSort, Page, Provenance,
};
use sea_query::{Cond, DynIden, Expr, ExprTrait, Iden, IntoIden, LikeExpr, Order, Query, SelectStatement};
use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use crate::error::{QueryContext, StorageError};
use crate::record::record_from_row;
use crate::sql::{like_contains, Statement};
use crate::upsert::{upsert_records, RecordRow, RecordTable, StoredRecord};
use crate::{Database, Progress, UpsertSummary};

#[derive(Iden, Clone, Copy)]
pub(crate) enum Organisations {
    Table,
    Id,
    Slug,
    Name,
    SortName,
    Kind,
    Ror,
    City,
    CityFolded,
    CountryCode,
    SearchText,
    Record,
    RecordVersion,
    Source,
    SourceId,
    FirstImported,
    LastUpdated,
}

const COLUMNS: [Organisations; 8] = [
    Organisations::Id,
    Organisations::Slug,
    Organisations::Record,
    Organisations::RecordVersion,
    Organisations::Source,
    Organisations::SourceId,
    Organisations::FirstImported,
    Organisations::LastUpdated,
];

impl Database {
    pub async fn organisation_by_slug(&self, slug: &str) -> Result<Option<Organisation>, StorageError> {
        self.organisation_where(Organisations::Slug, slug).await
    }

    pub async fn organisation_by_id(&self, id: &str) -> Result<Option<Organisation>, StorageError> {
        self.organisation_where(Organisations::Id, id).await
    }

    async fn organisation_where(&self, key: Organisations, value: &str) -> Result<Option<Organisation>, StorageError> {
        // No key holds NUL (PostgreSQL text cannot), and PostgreSQL refuses it as a parameter.
        if value.contains('\0') {
            return Ok(None);
        }
        let query =
            Query::select().columns(COLUMNS).from(Organisations::Table).and_where(Expr::col(key).eq(value)).to_owned();
        self.fetch_optional(query, "reading an organisation").await?.as_ref().map(organisation_from_row).transpose()
    }

    pub async fn list_organisations(&self, filter: &OrganisationFilter) -> Result<Page<Organisation>, StorageError> {
        let columns = COLUMNS.map(IntoIden::into_iden);
        self.fetch_page(
            Organisations::Table.into_iden(),
            &columns,
            organisation_condition(filter),
            |query| order_organisations(query, filter.sort),
            filter.page,
            organisation_from_row,
        )
        .await
    }

    /// Every organisation, by name: for exports.
    pub async fn all_organisations(&self) -> Result<Vec<Organisation>, StorageError> {
        let listing = {
            let mut query = Query::select();
            query.columns(COLUMNS).from(Organisations::Table);
            order_organisations(&mut query, OrganisationSort::Name);
            self.fetch_all(query, "exporting organisations")
        };
        let rows = listing.await?;
        rows.iter().map(organisation_from_row).collect()
    }

    /// The cities with the most organisations, for the directory's city filter.
    pub async fn organisation_cities(&self, limit: u64) -> Result<Vec<(String, i64)>, StorageError> {
        let query = Query::select()
            .column(Organisations::City)
            .expr_as(Expr::col(Organisations::Id).count(), "n")
            .from(Organisations::Table)
            .and_where(Expr::col(Organisations::City).is_not_null())
            .group_by_col(Organisations::City)
            .order_by_expr(Expr::col(Organisations::Id).count(), Order::Desc)
            .order_by(Organisations::City, Order::Asc)
            .limit(limit)
            .to_owned();
        let rows = self.fetch_all(query, "listing cities").await?;
        rows.iter()
            .map(|row| Ok((row.try_get("city")?, row.try_get("n")?)))
            .collect::<Result<_, sqlx::Error>>()
            .context("listing cities")
    }

    /// Inserts new organisations and updates changed ones, keyed by their source id, in one
    /// transaction. Unchanged records are left alone, so their "last updated" time stays.
    pub async fn upsert_organisations(
        &self,
        records: &[NewOrganisation],
        progress: &dyn Progress,
    ) -> Result<UpsertSummary, StorageError> {
        let mut tx = self.begin_write().await?;
        // Profiles that members maintain keep their members' fields.
        let merged = crate::memberships::keep_member_edits(self.backend(), &mut tx, records).await?;
        let records = merged.as_deref().unwrap_or(records);
        let slug_query = Query::select().column(Organisations::Slug).from(Organisations::Table).to_owned();
        let (sql, args) = Statement::from(slug_query).build(self.backend())?;
        let mut slugs: HashSet<String> = sqlx::query_scalar_with(&sql, args)
            .fetch_all(&mut *tx)
            .await
            .context("reading organisation slugs")?
            .into_iter()
            .collect();
        let table = RecordTable { table: Organisations::Table.into_iden(), id: Organisations::Id.into_iden() };
        let new_identity = |record: &NewOrganisation| {
            let slug = unique_slug(&record.profile.name, &record.source.source_id, &mut slugs);
            vec![
                (Organisations::Id.into_iden(), Expr::val(Uuid::now_v7().to_string())),
                (Organisations::Slug.into_iden(), Expr::val(slug)),
            ]
        };
        let summary = upsert_records(self.backend(), &mut tx, table, records, new_identity, progress).await?;
        tx.commit().await.context("committing organisations")?;
        Ok(summary)
    }
}

/// Enough for a name and dozens of aliases.
const SEARCH_TEXT_CHARS: usize = 1000;

/// The columns derived from a profile, written on insert and on every update.
pub(crate) fn projection(profile: &OrganisationProfile) -> Vec<(DynIden, Expr)> {
    let address = profile.primary_address();
    let city = address.and_then(|a| a.city.clone());
    let mut search_text = fold(&profile.name);
    for alias in profile.aliases.iter().chain(profile.names.en.iter()).chain(profile.names.nl.iter()) {
        search_text.push('\n');
        search_text.push_str(&fold(alias));
    }
    // Indexed: kept within PostgreSQL's B-tree entry size (see migration 0002).
    let search_text: String = search_text.chars().take(SEARCH_TEXT_CHARS).collect();
    vec![
        (Organisations::Name, Expr::val(profile.name.as_str())),
        (Organisations::SortName, Expr::val(fold(&profile.name))),
        (Organisations::Kind, Expr::val(profile.kind.id())),
        (Organisations::Ror, Expr::val(profile.identifiers.ror.as_ref().map(|r| r.as_url().to_owned()))),
        (Organisations::CityFolded, Expr::val(city.as_deref().map(fold))),
        (Organisations::City, Expr::val(city)),
        (Organisations::CountryCode, Expr::val(address.and_then(|a| a.country_code.clone()))),
        (Organisations::SearchText, Expr::val(search_text)),
    ]
    .into_iter()
    .map(|(column, value)| (column.into_iden(), value))
    .collect()
}

/// A slug from the name; when taken, made unique with the source id (which is stable,
/// so the same record gets the same slug in every hub that imports the same file).
pub(crate) fn unique_slug(name: &str, source_id: &str, taken: &mut HashSet<String>) -> String {
    let base = match slugify(name) {
        s if s.is_empty() => "organisation".to_owned(),
        s => s,
    };
    let source_suffix = slugify(source_id.rsplit('/').next().unwrap_or(source_id));
    let mut candidates = vec![base.clone()];
    if !source_suffix.is_empty() {
        candidates.push(format!("{base}-{source_suffix}"));
    }
    let slug = candidates
        .into_iter()
        .find(|c| !taken.contains(c))
        .unwrap_or_else(|| (2..).map(|n| format!("{base}-{n}")).find(|c| !taken.contains(c)).unwrap_or(base));
    taken.insert(slug.clone());
    slug
}

fn organisation_condition(filter: &OrganisationFilter) -> Cond {
    let mut condition = Cond::all();
    if let Some(text) = &filter.text {
        for word in fold(text).split_whitespace() {
            condition = condition
                .add(Expr::col(Organisations::SearchText).like(LikeExpr::new(like_contains(word)).escape('\\')));
        }
    }
    if let Some(kind) = filter.kind {
        condition = condition.add(Expr::col(Organisations::Kind).eq(kind.id()));
    }
    if let Some(city) = filter.city.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        condition = condition.add(Expr::col(Organisations::CityFolded).eq(fold(city)));
    }
    if let Some(country) = &filter.country {
        condition = condition.add(Expr::col(Organisations::CountryCode).eq(country.to_ascii_uppercase()));
    }
    condition
}

fn order_organisations(query: &mut SelectStatement, sort: OrganisationSort) {
    match sort {
        OrganisationSort::Name => query.order_by(Organisations::SortName, Order::Asc),
        OrganisationSort::NameDesc => query.order_by(Organisations::SortName, Order::Desc),
        OrganisationSort::City => query.order_by(Organisations::CityFolded, Order::Asc),
        OrganisationSort::RecentlyUpdated => query.order_by(Organisations::LastUpdated, Order::Desc),
    };
    // A unique tie-breaker keeps pages stable.
    query.order_by(Organisations::SortName, Order::Asc).order_by(Organisations::Id, Order::Asc);
}

fn organisation_from_row(row: &AnyRow) -> Result<Organisation, StorageError> {
    let id: String = row.try_get("id").context("reading an organisation")?;
    let profile = record_from_row::<OrganisationProfile>(row, &id)?;
    Ok(Organisation {
        slug: row.try_get("slug").context("reading an organisation")?,
        provenance: provenance_from_row(row, &id)?,
        id,
        profile,
    })
}

pub(crate) fn provenance_from_row(row: &AnyRow, id: &str) -> Result<Provenance, StorageError> {
    let time = |column: &str| -> Result<chrono::DateTime<Utc>, StorageError> {
        let text: String = row.try_get(column).context("reading provenance")?;
        chrono::DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| StorageError::CorruptRecord { id: id.to_owned(), reason: format!("{column}: {e}") })
    };
    Ok(Provenance {
        source: row.try_get("source").context("reading provenance")?,
        source_id: row.try_get("source_id").context("reading provenance")?,
        first_imported: time("first_imported")?,
        last_updated: time("last_updated")?,
    })
}

/// The INSERT of one new organisation with `id` and `slug`, outside any import (a company a
/// partner adds with a lead). Built apart from the async code: sea-query statements are not
/// `Send`.
pub(crate) fn insert_statement(
    backend: crate::Backend,
    id: &str,
    slug: &str,
    record: &NewOrganisation,
) -> Result<(String, sqlx::any::AnyArguments<'static>), StorageError> {
    let row = record.row()?;
    let now = Utc::now().to_rfc3339();
    let mut values = row.projection;
    values.extend([
        (Organisations::Id.into_iden(), Expr::val(id)),
        (Organisations::Slug.into_iden(), Expr::val(slug)),
        (Organisations::Record.into_iden(), Expr::val(row.json.as_str())),
        (Organisations::RecordVersion.into_iden(), Expr::val(i64::from(row.version))),
        (Organisations::Source.into_iden(), Expr::val(row.source.source.as_str())),
        (Organisations::SourceId.into_iden(), Expr::val(row.source.source_id.as_str())),
        (Organisations::FirstImported.into_iden(), Expr::val(now.as_str())),
        (Organisations::LastUpdated.into_iden(), Expr::val(now.as_str())),
    ]);
    let (columns, values): (Vec<_>, Vec<_>) = values.into_iter().unzip();
    let mut insert = Query::insert();
    insert
        .into_table(Organisations::Table)
        .columns(columns)
        .values(values)
        .map_err(|e| StorageError::Bind(e.to_string()))?;
    Statement::from(&mut insert).build(backend)
}

impl StoredRecord for NewOrganisation {
    fn row(&self) -> Result<RecordRow<'_>, StorageError> {
        let json = serde_json::to_string(&self.profile)
            .map_err(|e| StorageError::Bind(format!("organisation record: {e}")))?;
        Ok(RecordRow {
            source: &self.source,
            projection: projection(&self.profile),
            json,
            version: OrganisationProfile::RECORD_VERSION,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_stay_unique_and_readable() {
        let mut taken = HashSet::new();
        assert_eq!(unique_slug("GGD Amsterdam", "https://ror.org/042jn4x95", &mut taken), "ggd-amsterdam");
        assert_eq!(unique_slug("GGD Amsterdam", "https://ror.org/00p3jq869", &mut taken), "ggd-amsterdam-00p3jq869");
        assert_eq!(unique_slug("???", "x", &mut taken), "organisation");
    }
}
