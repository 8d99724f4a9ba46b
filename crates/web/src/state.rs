use std::sync::Arc;

use lshub_storage::Database;

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
}

impl AppState {
    pub fn new(db: Database, site: SiteConfig) -> Result<Self, String> {
        Ok(Self { db, i18n: Arc::new(I18n::load()?), metrics: Arc::new(Metrics::default()), site: Arc::new(site) })
    }
}
