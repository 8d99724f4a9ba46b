//! Organisations: the directory imported from open data, each organisation's page, and the
//! profile its members claim and keep.

mod api;
pub(crate) mod pages;
mod profile;

use axum::routing::{get, put};
use chrono::NaiveDate;
use lshub_domain::content::{Kind, SearchDocument, ORGANISATION};
use lshub_domain::Organisation;
use lshub_storage::{Database, StorageError};
use utoipa::OpenApi;

use super::{Export, Served};
use crate::public_cache::public;
use crate::routes::RouteTable;

pub(crate) use pages::escape_for_script;

pub struct Organisations;

#[derive(OpenApi)]
#[openapi(paths(api::list, api::show, api::edit_organisation), tags((name = "organisations")))]
struct OrganisationsApi;

impl Served for Organisations {
    const KIND: &'static Kind = &ORGANISATION;

    fn pages() -> RouteTable {
        RouteTable::new()
            .route("/organisations", public(get(pages::list)))
            .route("/organisations/{slug}", public(get(pages::show)))
            .route("/organisations/{slug}/claim", get(profile::claim_form).post(profile::claim))
            .route("/organisations/{slug}/edit", get(profile::edit_form).post(profile::edit))
    }

    fn feeds() -> RouteTable {
        RouteTable::new()
    }

    fn api() -> RouteTable {
        RouteTable::new()
            .route("/organisations", public(get(api::list)))
            .route("/organisations/{slug}", public(get(api::show)))
            .route("/organisations/{slug}/profile", put(api::edit_organisation))
    }

    fn describe(openapi: &mut utoipa::openapi::OpenApi) {
        openapi.merge(OrganisationsApi::openapi());
    }

    /// With the legal names and projects of the EU project participants linked to each.
    async fn documents(db: &Database, _today: NaiveDate) -> Result<Vec<SearchDocument>, StorageError> {
        lshub_search::organisation_documents(db).await
    }

    /// Every organisation as stored (JSON), or its main fields (CSV).
    async fn export(db: &Database) -> Result<Export, StorageError> {
        let organisations = db.all_organisations().await?;
        Export::of_records(Self::KIND, &organisations, &COLUMNS, row)
    }
}

const COLUMNS: [&str; 18] = [
    "slug",
    "name",
    "kind",
    "ror",
    "kvk",
    "lei",
    "website",
    "email",
    "city",
    "country",
    "latitude",
    "longitude",
    "aliases",
    "sectors",
    "source",
    "source_id",
    "first_imported",
    "last_updated",
];

/// An organisation's CSV row; lists are joined with "; ".
fn row(organisation: &Organisation) -> Vec<String> {
    let profile = &organisation.profile;
    let ids = &profile.identifiers;
    let address = profile.primary_address();
    let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    vec![
        organisation.slug.clone(),
        profile.name.clone(),
        profile.kind.id().to_owned(),
        ids.ror.as_ref().map(|r| r.as_url().to_owned()).unwrap_or_default(),
        ids.kvk.clone().unwrap_or_default(),
        ids.lei.clone().unwrap_or_default(),
        ids.website.clone().unwrap_or_default(),
        ids.email.clone().unwrap_or_default(),
        address.and_then(|a| a.city.clone()).unwrap_or_default(),
        address.and_then(|a| a.country_code.clone()).unwrap_or_default(),
        number(address.and_then(|a| a.latitude)),
        number(address.and_then(|a| a.longitude)),
        profile.aliases.join("; "),
        profile.sectors.join("; "),
        organisation.provenance.source.clone(),
        organisation.provenance.source_id.clone(),
        organisation.provenance.first_imported.to_rfc3339(),
        organisation.provenance.last_updated.to_rfc3339(),
    ]
}
