//! What every member-written kind is served with: the content kernel's pages, feed and API,
//! its items' search documents, and an export of every item.

use chrono::NaiveDate;
use lshub_domain::content::{Kind, SearchDocument};
use lshub_storage::{Database, StorageError};

use super::{Export, Served};
use crate::content::{api_routes, describe, feed_routes, page_routes, ItemWire, Presented};
use crate::routes::RouteTable;
use crate::sitemap::SitemapEntry;

/// The columns every item has, before its kind's own fields.
const ITEM_COLUMNS: [&str; 8] =
    ["slug", "organisation", "state", "revision", "created_at", "updated_at", "published_at", "expires_on"];

impl<K: Presented> Served for K {
    const KIND: &'static Kind = <K as lshub_domain::content::Written>::KIND;

    fn pages() -> RouteTable {
        page_routes::<K>()
    }

    fn feeds() -> RouteTable {
        feed_routes::<K>().merge(K::own_routes())
    }

    fn api() -> RouteTable {
        api_routes::<K>()
    }

    fn describe(openapi: &mut utoipa::openapi::OpenApi) {
        describe::<K>(openapi);
    }

    /// Items listed as calls are found as those calls, which the calls' kind indexes.
    async fn documents(db: &Database, today: NaiveDate) -> Result<Vec<SearchDocument>, StorageError> {
        let items = db.listed_items::<K>(today).await?;
        Ok(items.iter().filter(|item| item.record.as_call(&item.slug).is_none()).map(K::search_document).collect())
    }

    async fn sitemap(db: &Database, today: NaiveDate) -> Result<Vec<SitemapEntry>, StorageError> {
        let items = db.listed_items::<K>(today).await?;
        Ok(items
            .iter()
            .map(|item| SitemapEntry {
                path: format!("/{}/{}", <Self as Served>::KIND.path, item.slug),
                last_modified: item.updated_at.date_naive(),
            })
            .collect())
    }

    /// Every item, whatever its state; the JSON is the API's, with page addresses relative
    /// to the hub.
    async fn export(db: &Database) -> Result<Export, StorageError> {
        let items = db.all_items::<K>().await?;
        let mut header = ITEM_COLUMNS.to_vec();
        header.extend(
            items.first().map(|item| item.record.fields()).unwrap_or_default().into_iter().map(|(name, _)| name),
        );
        let time = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
        let rows = items
            .iter()
            .map(|item| {
                let mut row = vec![
                    item.slug.clone(),
                    item.owner.slug.clone(),
                    item.state.id().to_owned(),
                    item.revision.to_string(),
                    time(Some(item.created_at)),
                    time(Some(item.updated_at)),
                    time(item.published_at),
                    item.expires_on.map(|d| d.to_string()).unwrap_or_default(),
                ];
                row.extend(item.record.fields().into_iter().map(|(_, value)| value));
                row
            })
            .collect();
        let json = items
            .iter()
            .map(|item| serde_json::to_value(ItemWire::new("", item, true)))
            .collect::<Result<_, _>>()
            .map_err(|e| StorageError::Bind(format!("{} export: {e}", <Self as Served>::KIND.id)))?;
        Ok(Export { header, rows, json })
    }
}
