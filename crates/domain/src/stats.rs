use serde::Serialize;

/// A count of items sharing one key (a kind, a status, a country ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountByKey {
    pub key: String,
    pub count: i64,
}

/// The hub's key figures, the same for the home page, the API and every partner's site.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HubStats {
    pub organisations: i64,
    pub organisations_by_kind: Vec<CountByKey>,
    pub organisations_by_country: Vec<CountByKey>,
    pub calls: i64,
    pub calls_by_status: Vec<CountByKey>,
    /// Published, unexpired items of each member-written kind, by the kind's id.
    pub items_by_kind: Vec<CountByKey>,
    /// Vacancies posted, open and filled, and the median days to fill, per sector.
    pub vacancies_by_sector: Vec<crate::talent::SectorVacancies>,
}

impl HubStats {
    pub fn items_of_kind(&self, kind: &crate::content::Kind) -> i64 {
        self.items_by_kind.iter().find(|c| c.key == kind.id).map_or(0, |c| c.count)
    }

    pub fn calls_with_status(&self, status: crate::CallStatus) -> i64 {
        self.calls_by_status.iter().find(|c| c.key == status.id()).map_or(0, |c| c.count)
    }
}
