//! The kinds of content the web layer serves through the content kernel, one module each.
//! Registering a kind (one line in [`routes`]) gives it its pages, API and feed; a test
//! checks that every member-written kind of the domain's registry is registered here.

mod news;

use std::future::Future;
use std::pin::Pin;

use chrono::NaiveDate;
use lshub_domain::content::{Kind, SearchDocument};
use lshub_storage::{Database, StorageError};

use crate::content::{api_routes, feed_routes, page_routes, ItemWire, Presented};
use crate::routes::RouteTable;

type Documents<'a> = Pin<Box<dyn Future<Output = Result<Vec<SearchDocument>, StorageError>> + Send + 'a>>;

/// Reads the search documents of one kind's items that the public sees on a day.
pub type DocumentSource = for<'a> fn(&'a Database, NaiveDate) -> Documents<'a>;

type Exported<'a> = Pin<Box<dyn Future<Output = Result<Export, StorageError>> + Send + 'a>>;

/// Reads every item of one kind, whatever its state, as an export.
pub type ExportSource = for<'a> fn(&'a Database) -> Exported<'a>;

/// A kind's items for `lshub export`: as CSV columns, and as the API shows them.
pub struct Export {
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    /// Each item as the API's JSON, with its page's address relative to the hub.
    pub json: Vec<serde_json::Value>,
}

/// The columns every item has, before its kind's own fields.
const ITEM_COLUMNS: [&str; 8] =
    ["slug", "organisation", "state", "revision", "created_at", "updated_at", "published_at", "expires_on"];

async fn export<K: Presented>(db: &Database) -> Result<Export, StorageError> {
    let items = db.all_items::<K>().await?;
    let mut header = ITEM_COLUMNS.to_vec();
    header.extend(items.first().map(|item| item.record.fields()).unwrap_or_default().into_iter().map(|(name, _)| name));
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
        .map(|item| serde_json::to_value(ItemWire::new("", item)))
        .collect::<Result<_, _>>()
        .map_err(|e| StorageError::Bind(format!("{} export: {e}", K::KIND.id)))?;
    Ok(Export { header, rows, json })
}

/// What the web layer serves of every member-written kind: its routes, by where they are
/// mounted, and its search documents.
#[derive(Default)]
pub struct Kinds {
    pub pages: RouteTable,
    pub feeds: RouteTable,
    /// Under `/api/v1`.
    pub api: RouteTable,
    pub documents: Vec<DocumentSource>,
    /// Adds each kind's API to the OpenAPI document.
    pub openapi: Vec<fn(&mut utoipa::openapi::OpenApi)>,
    /// Each kind's export, for `lshub export {path}`.
    pub exports: Vec<(&'static Kind, ExportSource)>,
    /// The ids of the kinds registered.
    pub served: Vec<&'static str>,
}

impl Kinds {
    fn with<K: Presented>(mut self) -> Self {
        self.pages = self.pages.merge(page_routes::<K>());
        self.feeds = self.feeds.merge(feed_routes::<K>());
        self.api = self.api.merge(api_routes::<K>());
        self.documents.push(|db, today| {
            Box::pin(async move { Ok(db.listed_items::<K>(today).await?.iter().map(K::search_document).collect()) })
        });
        self.openapi.push(crate::content::describe::<K>);
        self.exports.push((K::KIND, |db| Box::pin(export::<K>(db))));
        self.served.push(K::KIND.id);
        self
    }
}

/// Every member-written kind, registered once.
pub fn registered() -> Kinds {
    Kinds::default().with::<lshub_domain::news::News>()
}

/// The OpenAPI document: the annotated API and every member-written kind's.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut document = <crate::api::ApiDoc as utoipa::OpenApi>::openapi();
    for describe in registered().openapi {
        describe(&mut document);
    }
    document
}

/// The exports of every member-written kind, by the kind's path.
pub fn exports() -> Vec<(&'static Kind, ExportSource)> {
    registered().exports
}

/// The search documents of every member-written kind that the public sees on `today`.
pub async fn documents(db: &Database, today: NaiveDate) -> Result<Vec<SearchDocument>, StorageError> {
    let mut documents = Vec::new();
    for source in registered().documents {
        documents.extend(source(db, today).await?);
    }
    Ok(documents)
}

#[cfg(test)]
mod tests {
    use lshub_domain::content::KINDS;

    #[test]
    fn every_member_written_kind_is_served() {
        let served = super::registered().served;
        for kind in KINDS.iter().filter(|k| k.is_member_written()) {
            assert!(served.contains(&kind.id), "{} is registered in the domain but has no pages", kind.id);
        }
    }
}
