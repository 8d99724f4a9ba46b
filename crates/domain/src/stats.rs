use serde::Serialize;
use utoipa::ToSchema;

/// A count of items sharing one key (a kind, a status, a country ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CountByKey {
    pub key: String,
    pub count: i64,
}

/// The hub's key figures, the same for the home page, the API and every partner's site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HubStats {
    pub organisations: i64,
    pub organisations_by_kind: Vec<CountByKey>,
    pub organisations_by_country: Vec<CountByKey>,
    pub calls: i64,
    pub calls_by_status: Vec<CountByKey>,
}

impl HubStats {
    pub fn calls_with_status(&self, status: crate::CallStatus) -> i64 {
        self.calls_by_status.iter().find(|c| c.key == status.id()).map_or(0, |c| c.count)
    }
}
