//! The API's own copies of the domain types it shows. The domain's serde shapes the stored
//! rows; these shape the public JSON and the OpenAPI document, so a rename on one side
//! cannot silently change the other. Each keeps its domain type's schema name (`as = ...`).

mod call;
mod organisation;
mod stats;

use chrono::{DateTime, Utc};
use lshub_domain::{Localized, Provenance};
use serde::Serialize;
use utoipa::ToSchema;

pub use call::{CallContentWire, CallStatusWire, CallTopicWire};
pub use organisation::{
    AddressWire, IdentifiersWire, OrganisationKindWire, OrganisationProfileWire, OrganisationWire, RorIdWire,
};
pub use stats::{CountByKeyWire, HubStatsWire, SectorVacanciesWire};

/// A text that may exist in Dutch, English or both.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Localized)]
pub struct LocalizedWire {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nl: Option<String>,
}

impl From<&Localized> for LocalizedWire {
    fn from(text: &Localized) -> Self {
        Self { en: text.en.clone(), nl: text.nl.clone() }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Provenance)]
pub struct ProvenanceWire {
    pub source: String,
    pub source_id: String,
    pub first_imported: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
}

impl From<&Provenance> for ProvenanceWire {
    fn from(provenance: &Provenance) -> Self {
        Self {
            source: provenance.source.clone(),
            source_id: provenance.source_id.clone(),
            first_imported: provenance.first_imported,
            last_updated: provenance.last_updated,
        }
    }
}
