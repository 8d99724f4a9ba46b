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
        }
    }
}
