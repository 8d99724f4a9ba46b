use lshub_domain::{Address, Identifiers, Organisation, OrganisationKind, OrganisationProfile, RorId};
use serde::Serialize;
use utoipa::ToSchema;

use super::{LocalizedWire, ProvenanceWire};

/// What kind of organisation this is. The ids (`research-institute`, ...) are stable:
/// they appear in URLs, the API and exports.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = OrganisationKind)]
pub enum OrganisationKindWire {
    Company,
    Healthcare,
    Education,
    ResearchInstitute,
    Government,
    Nonprofit,
    Archive,
    Other,
}

impl From<OrganisationKind> for OrganisationKindWire {
    fn from(kind: OrganisationKind) -> Self {
        match kind {
            OrganisationKind::Company => Self::Company,
            OrganisationKind::Healthcare => Self::Healthcare,
            OrganisationKind::Education => Self::Education,
            OrganisationKind::ResearchInstitute => Self::ResearchInstitute,
            OrganisationKind::Government => Self::Government,
            OrganisationKind::Nonprofit => Self::Nonprofit,
            OrganisationKind::Archive => Self::Archive,
            OrganisationKind::Other => Self::Other,
        }
    }
}

/// A Research Organization Registry identifier, kept in its canonical URL form.
#[derive(Debug, Serialize, ToSchema)]
#[serde(transparent)]
#[schema(as = RorId, value_type = String, example = "https://ror.org/03xqtf034")]
pub struct RorIdWire(String);

impl From<&RorId> for RorIdWire {
    fn from(id: &RorId) -> Self {
        Self(id.as_url().to_owned())
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Identifiers)]
pub struct IdentifiersWire {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ror: Option<RorIdWire>,
    /// Dutch Chamber of Commerce (KvK) number, eight digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kvk: Option<String>,
    /// Legal Entity Identifier (ISO 17442), twenty characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lei: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl From<&Identifiers> for IdentifiersWire {
    fn from(ids: &Identifiers) -> Self {
        Self {
            ror: ids.ror.as_ref().map(RorIdWire::from),
            kvk: ids.kvk.clone(),
            lei: ids.lei.clone(),
            website: ids.website.clone(),
            email: ids.email.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Address)]
pub struct AddressWire {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2, upper case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
}

impl From<&Address> for AddressWire {
    fn from(address: &Address) -> Self {
        Self {
            street: address.street.clone(),
            postcode: address.postcode.clone(),
            city: address.city.clone(),
            country_code: address.country_code.clone(),
            country_name: address.country_name.clone(),
            latitude: address.latitude,
            longitude: address.longitude,
        }
    }
}

/// What the hub knows about an organisation, apart from its identity and provenance.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = OrganisationProfile)]
pub struct OrganisationProfileWire {
    pub name: String,
    pub aliases: Vec<String>,
    /// Official names per language, when they differ from `name`.
    pub names: LocalizedWire,
    pub descriptions: LocalizedWire,
    pub kind: OrganisationKindWire,
    pub sectors: Vec<String>,
    pub identifiers: IdentifiersWire,
    pub addresses: Vec<AddressWire>,
}

impl From<&OrganisationProfile> for OrganisationProfileWire {
    fn from(profile: &OrganisationProfile) -> Self {
        Self {
            name: profile.name.clone(),
            aliases: profile.aliases.clone(),
            names: (&profile.names).into(),
            descriptions: (&profile.descriptions).into(),
            kind: profile.kind.into(),
            sectors: profile.sectors.clone(),
            identifiers: (&profile.identifiers).into(),
            addresses: profile.addresses.iter().map(AddressWire::from).collect(),
        }
    }
}

/// An organisation in the hub's directory.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Organisation)]
pub struct OrganisationWire {
    /// Stable internal id.
    pub id: String,
    /// URL slug, unique in the hub.
    pub slug: String,
    #[serde(flatten)]
    pub profile: OrganisationProfileWire,
    pub provenance: ProvenanceWire,
}

impl From<&Organisation> for OrganisationWire {
    fn from(organisation: &Organisation) -> Self {
        Self {
            id: organisation.id.clone(),
            slug: organisation.slug.clone(),
            profile: (&organisation.profile).into(),
            provenance: (&organisation.provenance).into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use lshub_domain::{Localized, Provenance};
    use serde_json::json;

    use super::*;

    /// The API's field names are the wire types', whatever the domain calls its fields.
    #[test]
    fn an_organisation_keeps_the_field_names_the_api_promises() {
        let at = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        let organisation = Organisation {
            id: "org-1".into(),
            slug: "sanquin".into(),
            profile: OrganisationProfile {
                name: "Sanquin".into(),
                aliases: vec!["Sanquin Blood Supply".into()],
                names: Localized { en: None, nl: Some("Stichting Sanquin".into()) },
                descriptions: Localized::default(),
                kind: OrganisationKind::ResearchInstitute,
                sectors: vec!["Blood".into()],
                identifiers: Identifiers {
                    ror: Some(RorId::parse("01fm2fv39").unwrap()),
                    kvk: Some("41150402".into()),
                    ..Default::default()
                },
                addresses: vec![Address {
                    city: Some("Amsterdam".into()),
                    country_code: Some("NL".into()),
                    latitude: Some(52.4),
                    longitude: Some(4.9),
                    ..Default::default()
                }],
            },
            provenance: Provenance {
                source: "ror".into(),
                source_id: "https://ror.org/01fm2fv39".into(),
                first_imported: at,
                last_updated: at,
            },
        };
        let json = serde_json::to_value(OrganisationWire::from(&organisation)).unwrap();
        assert_eq!(
            json,
            json!({
                "id": "org-1",
                "slug": "sanquin",
                "name": "Sanquin",
                "aliases": ["Sanquin Blood Supply"],
                "names": { "nl": "Stichting Sanquin" },
                "descriptions": {},
                "kind": "research-institute",
                "sectors": ["Blood"],
                "identifiers": { "ror": "https://ror.org/01fm2fv39", "kvk": "41150402" },
                "addresses": [{ "city": "Amsterdam", "countryCode": "NL", "latitude": 52.4, "longitude": 4.9 }],
                "provenance": {
                    "source": "ror",
                    "sourceId": "https://ror.org/01fm2fv39",
                    "firstImported": "2026-01-02T03:04:05Z",
                    "lastUpdated": "2026-01-02T03:04:05Z"
                }
            })
        );
        assert_eq!(OrganisationWire::name(), "Organisation");
    }
}
