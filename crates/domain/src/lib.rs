//! Domain types and rules of LSH Hub.
//!
//! Nothing here knows about databases, HTTP or files: storage, importers and the web layer
//! all speak these types, and every rule about what a valid value is lives here.

pub mod access;
pub mod account;
pub mod acquisition;
pub mod alerts;
pub mod authorization;
pub mod call;
pub mod choice;
pub mod consortium;
pub mod content;
pub mod dataset;
pub mod digest;
pub mod event;
pub mod facility;
pub mod funder_call;
pub mod initiative;
pub mod inquiry;
pub mod introduction;
pub mod language;
pub mod listing;
pub mod news;
pub mod opportunity;
pub mod organisation;
pub mod project;
pub mod provenance;
pub mod record;
pub mod space;
pub mod stats;
pub mod talent;
pub mod text;
pub mod validation;

pub use call::{topic_id_path_segment, CallContent, CallDates, CallStatus, CallTopic, NewCallTopic};
pub use language::{Language, Localized};
pub use listing::{CallFilter, CallSort, OrganisationFilter, OrganisationSort, Page, Pagination};
pub use organisation::{
    Address, Identifiers, NewOrganisation, Organisation, OrganisationKind, OrganisationProfile, RorId,
};
pub use provenance::{Provenance, SourceRef};
pub use stats::{CountByKey, HubStats};
pub use validation::{Reason, ValidationError};
