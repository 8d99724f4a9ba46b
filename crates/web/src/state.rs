use std::sync::Arc;

use lshub_search::{SearchError, SearchIndex};
use lshub_storage::Database;
use tokio::sync::Mutex;

use crate::i18n::I18n;
use crate::metrics::Metrics;

/// How this hub presents itself.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// The region the hub serves, shown in titles ("LSH Hub Amsterdam").
    pub region: String,
    /// The address the public reaches the hub at, without a trailing slash; feeds and
    /// JSON-LD need absolute links.
    pub public_url: String,
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    pub i18n: Arc<I18n>,
    pub metrics: Arc<Metrics>,
    pub site: Arc<SiteConfig>,
    pub search: Arc<LiveSearchIndex>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("loading translations: {0}")]
    Translations(String),
    #[error("building the search index: {0}")]
    Search(#[from] SearchError),
}

impl AppState {
    /// Loads the translations and builds the search index from the database.
    pub async fn open(db: Database, site: SiteConfig) -> Result<Self, StartError> {
        let search = LiveSearchIndex { index: SearchIndex::in_memory()?, built_from: Mutex::new(None) };
        search.refresh(&db).await?;
        Ok(Self {
            db,
            i18n: Arc::new(I18n::load().map_err(StartError::Translations)?),
            metrics: Arc::new(Metrics::default()),
            site: Arc::new(site),
            search: Arc::new(search),
        })
    }
}

/// The search index, kept in step with the database: every node rebuilds its own index when
/// the database's content version changes, whichever node or import changed it.
pub struct LiveSearchIndex {
    pub index: SearchIndex,
    built_from: Mutex<Option<String>>,
}

impl LiveSearchIndex {
    /// Rebuilds the index if the database changed since the last build; says whether it did.
    pub async fn refresh(&self, db: &Database) -> Result<bool, SearchError> {
        let mut built_from = self.built_from.lock().await;
        let version = db.content_version().await?;
        if built_from.as_deref() == Some(version.as_str()) {
            return Ok(false);
        }
        let documents = self.index.rebuild_from(db).await?;
        tracing::info!(documents, "search index rebuilt");
        *built_from = Some(version);
        Ok(true)
    }
}
