use lshub_domain::talent::SectorVacancies;
use lshub_domain::{CountByKey, HubStats};
use serde::Serialize;
use utoipa::ToSchema;

/// A count of items sharing one key (a kind, a status, a country ...).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CountByKey)]
pub struct CountByKeyWire {
    pub key: String,
    pub count: i64,
}

impl From<&CountByKey> for CountByKeyWire {
    fn from(count: &CountByKey) -> Self {
        Self { key: count.key.clone(), count: count.count }
    }
}

/// Vacancies of one sector: the kind of the organisations that posted them.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = SectorVacancies)]
pub struct SectorVacanciesWire {
    /// An organisation kind: company, healthcare, education, research-institute ...
    pub sector: String,
    /// Vacancies ever published.
    pub posted: i64,
    /// Open today.
    pub open: i64,
    /// Marked filled by their owners.
    pub filled: i64,
    /// The median number of days from publishing to filling, over the filled ones.
    pub median_days_to_fill: Option<f64>,
}

impl From<&SectorVacancies> for SectorVacanciesWire {
    fn from(figure: &SectorVacancies) -> Self {
        Self {
            sector: figure.sector.clone(),
            posted: figure.posted,
            open: figure.open,
            filled: figure.filled,
            median_days_to_fill: figure.median_days_to_fill,
        }
    }
}

/// The hub's key figures, the same for the home page, the API and every partner's site.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = HubStats)]
pub struct HubStatsWire {
    pub organisations: i64,
    pub organisations_by_kind: Vec<CountByKeyWire>,
    pub organisations_by_country: Vec<CountByKeyWire>,
    pub calls: i64,
    pub calls_by_status: Vec<CountByKeyWire>,
    /// Published, unexpired items of each member-written kind, by the kind's id.
    pub items_by_kind: Vec<CountByKeyWire>,
    /// Vacancies posted, open and filled, and the median days to fill, per sector.
    pub vacancies_by_sector: Vec<SectorVacanciesWire>,
}

impl From<&HubStats> for HubStatsWire {
    fn from(stats: &HubStats) -> Self {
        let counts = |counts: &[CountByKey]| counts.iter().map(CountByKeyWire::from).collect();
        Self {
            organisations: stats.organisations,
            organisations_by_kind: counts(&stats.organisations_by_kind),
            organisations_by_country: counts(&stats.organisations_by_country),
            calls: stats.calls,
            calls_by_status: counts(&stats.calls_by_status),
            items_by_kind: counts(&stats.items_by_kind),
            vacancies_by_sector: stats.vacancies_by_sector.iter().map(SectorVacanciesWire::from).collect(),
        }
    }
}
