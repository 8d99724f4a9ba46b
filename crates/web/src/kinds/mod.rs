//! The kinds of content the web layer serves through the content kernel, one module each.
//! Registering a kind (one line in [`routes`]) gives it its pages, API and feed; a test
//! checks that every member-written kind of the domain's registry is registered here.

mod news;

use std::future::Future;
use std::pin::Pin;

use chrono::NaiveDate;
use lshub_domain::content::SearchDocument;
use lshub_storage::{Database, StorageError};

use crate::content::{api_routes, feed_routes, page_routes, Presented};
use crate::routes::RouteTable;

type Documents<'a> = Pin<Box<dyn Future<Output = Result<Vec<SearchDocument>, StorageError>> + Send + 'a>>;

/// Reads the search documents of one kind's items that the public sees on a day.
pub type DocumentSource = for<'a> fn(&'a Database, NaiveDate) -> Documents<'a>;

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
