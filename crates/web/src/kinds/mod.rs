//! Every kind of content the web layer serves, one module each, registered once in
//! [`registered`]. Registering a kind gives it its place in the router, the OpenAPI
//! document, the search index and `lshub export`; a test checks that every kind of the
//! domain's registry is registered here.
//!
//! Member-written kinds get all of it from the content kernel ([`crate::content`]); an
//! imported kind (organisations, calls) brings its own pages and API through [`Served`].

pub(crate) mod calls;
mod datasets;
pub(crate) mod events;
mod facilities;
mod funder_calls;
mod initiatives;
mod news;
mod opportunities;
pub(crate) mod organisations;
mod programmes;
mod spaces;
pub(crate) mod vacancies;
mod written;

use std::future::Future;
use std::pin::Pin;

use chrono::NaiveDate;
use lshub_domain::content::{Kind, SearchDocument};
use lshub_storage::{Database, StorageError};

use crate::routes::RouteTable;
use crate::sitemap::SitemapEntry;

/// What the web layer serves of one kind of content.
pub trait Served {
    const KIND: &'static Kind;

    /// Its HTML pages (their errors become the error page).
    fn pages() -> RouteTable;
    /// Its feeds, outside the pages (their errors are problem details).
    fn feeds() -> RouteTable;
    /// Its API, under `/api/v1`.
    fn api() -> RouteTable;
    /// Adds its API's paths, schemas and tag to the OpenAPI document.
    fn describe(openapi: &mut utoipa::openapi::OpenApi);
    /// The search documents of what the public sees of it on a day.
    fn documents(
        db: &Database,
        today: NaiveDate,
    ) -> impl Future<Output = Result<Vec<SearchDocument>, StorageError>> + Send;
    /// Everything it holds, whatever the state, for `lshub export`.
    fn export(db: &Database) -> impl Future<Output = Result<Export, StorageError>> + Send;
    /// The pages of it the public sees on a day, for the sitemap.
    fn sitemap(
        _db: &Database,
        _today: NaiveDate,
    ) -> impl Future<Output = Result<Vec<SitemapEntry>, StorageError>> + Send {
        async { Ok(Vec::new()) }
    }
}

type Documents<'a> = Pin<Box<dyn Future<Output = Result<Vec<SearchDocument>, StorageError>> + Send + 'a>>;

/// Reads the search documents of one kind that the public sees on a day.
pub type DocumentSource = for<'a> fn(&'a Database, NaiveDate) -> Documents<'a>;

type Exported<'a> = Pin<Box<dyn Future<Output = Result<Export, StorageError>> + Send + 'a>>;

type Sitemap<'a> = Pin<Box<dyn Future<Output = Result<Vec<SitemapEntry>, StorageError>> + Send + 'a>>;

/// Reads the sitemap's pages of one kind on a day.
pub type SitemapSource = for<'a> fn(&'a Database, NaiveDate) -> Sitemap<'a>;

/// Reads everything of one kind, as an export.
pub type ExportSource = for<'a> fn(&'a Database) -> Exported<'a>;

/// A kind's content for `lshub export`: as CSV columns, and as JSON.
pub struct Export {
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    pub json: Vec<serde_json::Value>,
}

impl Export {
    /// Imported records, as stored (JSON) and as `columns` (CSV).
    fn of_records<T: serde::Serialize>(
        kind: &Kind,
        records: &[T],
        columns: &[&'static str],
        row: fn(&T) -> Vec<String>,
    ) -> Result<Self, StorageError> {
        let json = records
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<_, _>>()
            .map_err(|e| StorageError::Bind(format!("{} export: {e}", kind.path)))?;
        Ok(Export { header: columns.to_vec(), rows: records.iter().map(row).collect(), json })
    }
}

/// What the web layer serves of every kind: its routes, by where they are mounted, its
/// search documents, its API description and its export.
#[derive(Default)]
pub struct Kinds {
    pub pages: RouteTable,
    pub feeds: RouteTable,
    /// Under `/api/v1`.
    pub api: RouteTable,
    pub documents: Vec<DocumentSource>,
    pub openapi: Vec<fn(&mut utoipa::openapi::OpenApi)>,
    pub exports: Vec<(&'static Kind, ExportSource)>,
    pub sitemaps: Vec<SitemapSource>,
    /// The ids of the kinds registered.
    pub served: Vec<&'static str>,
}

impl Kinds {
    fn with<S: Served + 'static>(mut self) -> Self {
        self.pages = self.pages.merge(S::pages());
        self.feeds = self.feeds.merge(S::feeds());
        self.api = self.api.merge(S::api());
        self.documents.push(|db, today| Box::pin(S::documents(db, today)));
        self.openapi.push(S::describe);
        self.exports.push((S::KIND, |db| Box::pin(S::export(db))));
        self.sitemaps.push(|db, today| Box::pin(S::sitemap(db, today)));
        self.served.push(S::KIND.id);
        self
    }
}

/// Every kind, registered once, in the domain registry's order.
pub fn registered() -> Kinds {
    Kinds::default()
        .with::<organisations::Organisations>()
        .with::<calls::Calls>()
        .with::<lshub_domain::funder_call::FunderCall>()
        .with::<lshub_domain::news::News>()
        .with::<lshub_domain::dataset::Dataset>()
        .with::<lshub_domain::opportunity::Opportunity>()
        .with::<lshub_domain::event::Event>()
        .with::<lshub_domain::talent::Vacancy>()
        .with::<lshub_domain::talent::Programme>()
        .with::<lshub_domain::facility::Facility>()
        .with::<lshub_domain::space::Space>()
        .with::<lshub_domain::initiative::Initiative>()
}

/// The OpenAPI document: the hub's own API and every kind's. Tags list the kinds first, in
/// the registry's order, then the hub-wide parts.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut document = <crate::api::ApiDoc as utoipa::OpenApi>::openapi();
    for describe in registered().openapi {
        describe(&mut document);
    }
    document.merge(<crate::access::api::AccessApi as utoipa::OpenApi>::openapi());
    document.merge(<crate::acquisition::api::LeadsApi as utoipa::OpenApi>::openapi());
    document.merge(<crate::consortia::api::ConsortiaApi as utoipa::OpenApi>::openapi());
    document.merge(<crate::introductions::api::IntroductionsApi as utoipa::OpenApi>::openapi());
    document.merge(<crate::introductions::suggestions::SuggestionsApi as utoipa::OpenApi>::openapi());
    document.merge(<crate::events::api::EventsApi as utoipa::OpenApi>::openapi());
    document.merge(<crate::digest::DigestApi as utoipa::OpenApi>::openapi());
    document.merge(<crate::talent::TalentApi as utoipa::OpenApi>::openapi());
    document.merge(<crate::talent::OpeningSearchesApi as utoipa::OpenApi>::openapi());
    document.merge(<crate::facilities::api::FacilitiesApi as utoipa::OpenApi>::openapi());
    document.merge(<spaces::SpacesApi as utoipa::OpenApi>::openapi());
    document.merge(<crate::inquiries::api::InquiriesApi as utoipa::OpenApi>::openapi());
    document.merge(<crate::photos::PhotosApi as utoipa::OpenApi>::openapi());
    document.merge(<crate::events::meetings::api::MeetingsApi as utoipa::OpenApi>::openapi());
    document.merge(<crate::events::feeds::EventFeedsApi as utoipa::OpenApi>::openapi());
    document.merge(<crate::projects::api::ProjectsApi as utoipa::OpenApi>::openapi());
    document.merge(<crate::map::MapApi as utoipa::OpenApi>::openapi());
    if let Some(tags) = document.tags.as_mut() {
        let kinds = lshub_domain::content::KINDS;
        tags.sort_by_key(|tag| kinds.iter().position(|kind| kind.path == tag.name).unwrap_or(kinds.len()));
    }
    document
}

/// The export of every kind.
pub fn exports() -> Vec<(&'static Kind, ExportSource)> {
    registered().exports
}

/// The pages of every kind that the public sees on `today`, for the sitemap.
pub async fn sitemap_entries(db: &Database, today: NaiveDate) -> Result<Vec<SitemapEntry>, StorageError> {
    let mut entries = Vec::new();
    for source in registered().sitemaps {
        entries.extend(source(db, today).await?);
    }
    Ok(entries)
}

/// The search documents of every kind that the public sees on `today`.
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
    fn every_kind_is_served_in_the_registrys_order() {
        let served = super::registered().served;
        let declared: Vec<&str> = KINDS.iter().map(|kind| kind.id).collect();
        assert_eq!(served, declared, "every kind of the domain's registry is registered here, once, in its order");
    }

    #[test]
    fn the_openapi_document_has_every_kind() {
        let document = serde_json::to_value(super::openapi()).expect("the document is JSON");
        let parameters = document["paths"]["/api/v1/search"]["get"]["parameters"].as_array().cloned();
        let search_type = parameters.into_iter().flatten().find(|p| p["name"] == "type").expect("the type parameter");
        let ids: Vec<&str> = KINDS.iter().map(|kind| kind.id).collect();
        assert_eq!(
            search_type["schema"]["pattern"],
            format!("^({})?$", ids.join("|")),
            "the search type admits every kind"
        );
        let tags: Vec<&str> =
            document["tags"].as_array().into_iter().flatten().filter_map(|t| t["name"].as_str()).collect();
        for kind in KINDS {
            assert!(document["paths"][format!("/api/v1/{}", kind.path)].is_object(), "{} has an API", kind.id);
            assert!(tags.contains(&kind.path), "{} has a tag", kind.id);
        }
    }
}
