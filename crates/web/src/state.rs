use chrono::NaiveDate;
use lshub_service::clock::Clock;
use std::sync::{Arc, RwLock};

use lshub_domain::HubStats;
use lshub_search::{Resolver, SearchError, SearchIndex, SentenceEncoder};
use lshub_storage::Database;
use tokio::sync::Mutex;

use crate::auth::{Accounts, AccountsConfig};
use crate::i18n::I18n;
use crate::metrics::Metrics;
use crate::public_cache::PublicCache;

/// How this hub presents itself.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// The region the hub serves, shown in titles ("LSH Hub Amsterdam").
    pub region: String,
    /// The address the public reaches the hub at, without a trailing slash; feeds and
    /// JSON-LD need absolute links.
    pub public_url: String,
    /// The e-mail address of the office that runs the hub, given as the catalogue's contact
    /// point; catalogues that harvest the hub's datasets ask for one.
    pub contact_email: Option<String>,
    /// The largest document that can be attached to an access request.
    pub attachment_max_bytes: usize,
    /// The time, and the date in the region's time zone, by which calls open and close and
    /// items expire.
    pub clock: Clock,
    /// Whether organisations' calendar feeds may be fetched from loopback and private
    /// network addresses; off, so that a feed address cannot reach the hub's own network.
    pub feeds_from_private_hosts: bool,
    /// Where uploaded photos are kept (`uploads` in the data directory).
    pub uploads: lshub_storage::uploads::Uploads,
    /// The largest photo that can be uploaded.
    pub photo_max_bytes: usize,
}

impl Default for SiteConfig {
    fn default() -> Self {
        Self {
            region: "Amsterdam".into(),
            public_url: "http://localhost:8080".into(),
            contact_email: None,
            attachment_max_bytes: lshub_domain::access::attachment::DEFAULT_MAX_BYTES,
            clock: Clock::default(),
            feeds_from_private_hosts: false,
            uploads: lshub_storage::uploads::Uploads::new(crate::uploads_dir(std::path::Path::new("data"))),
            photo_max_bytes: lshub_service::photos::DEFAULT_MAX_BYTES,
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    pub i18n: Arc<I18n>,
    pub metrics: Arc<Metrics>,
    pub site: Arc<SiteConfig>,
    pub derived: Arc<DerivedContent>,
    /// How long a request may take before it is answered with 503.
    pub request_timeout: std::time::Duration,
    pub accounts: Arc<Accounts>,
    /// Public answers to anonymous visitors, kept per content version.
    pub public_cache: Arc<PublicCache>,
    /// Whether `/metrics` answers every client, not only those on the loopback interface.
    pub metrics_for_everyone: bool,
    /// How long a connection may take to send a request's headers, counted from when it is
    /// ready for one (so also how long it may stay idle between requests).
    pub header_timeout: std::time::Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("loading translations: {0}")]
    Translations(String),
    #[error("building the search index: {0}")]
    Search(#[from] SearchError),
}

impl AppState {
    /// The region's date now.
    pub fn today(&self) -> NaiveDate {
        self.site.clock.today()
    }

    /// Loads the translations and derives the search index and key figures from the database.
    pub async fn open(db: Database, site: SiteConfig) -> Result<Self, StartError> {
        Self::open_with_model(db, site, None).await
    }

    /// Like [`AppState::open`], with search ranking by meaning too when given an encoder;
    /// it uses the vectors stored in the database for the encoder's model.
    pub async fn open_with_model(
        db: Database,
        site: SiteConfig,
        encoder: Option<Arc<SentenceEncoder>>,
    ) -> Result<Self, StartError> {
        let derived = DerivedContent::build(&db, encoder, site.clock.today()).await?;
        Ok(Self {
            db,
            i18n: Arc::new(I18n::load().map_err(StartError::Translations)?),
            metrics: Arc::new(Metrics::default()),
            site: Arc::new(site),
            derived: Arc::new(derived),
            request_timeout: crate::operations::DEFAULT_REQUEST_TIMEOUT,
            accounts: Arc::new(Accounts::new(AccountsConfig::with_data_dir(std::path::Path::new("data")))),
            public_cache: Arc::new(PublicCache::new(crate::public_cache::DEFAULT_MAX_BYTES)),
            metrics_for_everyone: false,
            header_timeout: crate::connections::DEFAULT_HEADER_TIMEOUT,
        })
    }

    pub fn with_request_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Gives the public cache `max_bytes` of memory; 0 turns it off.
    pub fn with_public_cache(mut self, max_bytes: usize) -> Self {
        self.public_cache = Arc::new(PublicCache::new(max_bytes));
        self
    }

    /// Serves `/metrics` to every client (`true`) or only to those on the loopback interface.
    pub fn with_metrics_for_everyone(mut self, everyone: bool) -> Self {
        self.metrics_for_everyone = everyone;
        self
    }

    pub fn with_header_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.header_timeout = timeout;
        self
    }

    /// Replaces the accounts settings (mail, sessions, rate limits, OpenID Connect).
    pub fn with_accounts(mut self, config: AccountsConfig) -> Self {
        self.accounts = Arc::new(Accounts::new(config));
        self
    }
}

/// The key figures and filter choices that pages show beside every list.
pub struct Figures {
    pub stats: HubStats,
    /// The cities with the most organisations, with their counts.
    pub cities: Vec<(String, i64)>,
    /// Programmes with calls, with their counts.
    pub programmes: Vec<(String, i64)>,
}

/// How many cities the directory offers as a filter.
const CITY_CHOICES: u64 = 60;

impl Figures {
    async fn load(db: &Database, today: NaiveDate) -> Result<Self, lshub_storage::StorageError> {
        Ok(Self {
            stats: db.stats(today).await?,
            cities: db.organisation_cities(CITY_CHOICES).await?,
            programmes: db.call_programmes().await?,
        })
    }
}

/// Everything derived from the database's content: the search index and the figures. Each
/// node rebuilds its own when the database's content version changes, whichever node or
/// import changed it, so pages need not recount on every request.
pub struct DerivedContent {
    pub index: SearchIndex,
    figures: RwLock<Arc<Figures>>,
    /// Organisation resolution over the same organisations.
    resolver: RwLock<Arc<Resolver>>,
    built_from: Mutex<String>,
}

impl DerivedContent {
    async fn build(
        db: &Database,
        encoder: Option<Arc<SentenceEncoder>>,
        today: NaiveDate,
    ) -> Result<Self, SearchError> {
        let version = db.content_version(today).await?;
        let index = SearchIndex::with_encoder(encoder)?;
        index.rebuild_from(db, crate::kinds::documents(db, today).await?).await?;
        let figures = Figures::load(db, today).await?;
        let resolver = RwLock::new(Arc::new(Resolver::from_database(db).await?));
        Ok(Self { index, figures: RwLock::new(Arc::new(figures)), resolver, built_from: Mutex::new(version) })
    }

    pub fn figures(&self) -> Arc<Figures> {
        self.figures.read().map(|f| f.clone()).unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    pub fn resolver(&self) -> Arc<Resolver> {
        self.resolver.read().map(|r| r.clone()).unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// Rebuilds if the database changed since the last build, or the region's date did;
    /// says whether it did.
    pub async fn refresh(&self, db: &Database, today: NaiveDate) -> Result<bool, SearchError> {
        let mut built_from = self.built_from.lock().await;
        let version = db.content_version(today).await?;
        if *built_from == version {
            return Ok(false);
        }
        let documents = crate::kinds::documents(db, today).await?;
        let documents = self.index.rebuild_from(db, documents).await?;
        let figures = Arc::new(Figures::load(db, today).await?);
        match self.figures.write() {
            Ok(mut current) => *current = figures,
            Err(poisoned) => *poisoned.into_inner() = figures,
        }
        let resolver = Arc::new(Resolver::from_database(db).await?);
        match self.resolver.write() {
            Ok(mut current) => *current = resolver,
            Err(poisoned) => *poisoned.into_inner() = resolver,
        }
        tracing::info!(documents, vectors = self.index.vector_count(), "search index and figures rebuilt");
        *built_from = version;
        Ok(true)
    }
}
