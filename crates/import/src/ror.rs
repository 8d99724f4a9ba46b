//! ROR (Research Organization Registry) records → organisations.
//!
//! Accepts schema v1 records (the 2022 API pull in `ror_nl_be.jsonl.gz`: `name`, `types`
//! like `Education`, `aliases`, `acronyms`, `labels`, `country`, `addresses`, `links`,
//! `email_address`) and schema v2/v2.1 records (the current API and data dump: `names` with
//! `ror_display`/`alias`/`acronym`/`label` types, `types` like `education`, `locations` with
//! `geonames_details`, `links` with a `type`), as defined by ror-community/ror-schema.
//! A record is read as v2 when it has a `names` list.

use std::collections::HashSet;

use lshub_domain::validation::optional_web_url;
use lshub_domain::{
    Address, Identifiers, Language, Localized, NewOrganisation, OrganisationKind, OrganisationProfile, RorId, SourceRef,
};

use crate::records::{parse_records, FieldError, Fields};
use crate::Parsed;

/// The `source` of every organisation from ROR; re-imports match on it plus the ROR URL.
pub const SOURCE: &str = "ror";

/// Parses ROR records (JSON lines, concatenated, or one array as in the data dump).
pub fn parse_ror(text: &str) -> Parsed<NewOrganisation> {
    parse_records(text, "id", organisation_from_record, |org| &org.source.source_id)
}

fn organisation_from_record(record: &Fields) -> Result<NewOrganisation, FieldError> {
    let id = record.required_line("id")?;
    let ror = RorId::parse(&id).map_err(|e| FieldError::new("id", e.reason.to_string()))?;
    // A withdrawn id was a mistake or a duplicate in ROR; ROR says not to use it.
    if record.line("status")?.is_some_and(|s| s.eq_ignore_ascii_case("withdrawn")) {
        return Err(FieldError::new("status", "the ROR record is withdrawn"));
    }
    let details = if record.has("names") { v2_details(record)? } else { v1_details(record)? };
    let kind = record.text_list("types")?.iter().find_map(|t| OrganisationKind::from_ror_type(t));
    let organisation = NewOrganisation {
        profile: OrganisationProfile {
            aliases: distinct_aliases(&details.name, details.aliases),
            names: localized_names(&details.name, details.labels),
            name: details.name,
            descriptions: Localized::default(),
            kind: kind.unwrap_or(OrganisationKind::Other),
            sectors: Vec::new(),
            identifiers: Identifiers {
                ror: Some(ror.clone()),
                website: details.website,
                email: details.email,
                ..Identifiers::default()
            },
            addresses: details.addresses,
        },
        source: SourceRef { source: SOURCE.into(), source_id: ror.as_url().into() },
    };
    organisation.validate()?;
    Ok(organisation)
}

/// The fields that differ between schema versions, read into one shape.
struct Details {
    name: String,
    aliases: Vec<String>,
    /// Official names with their language tag.
    labels: Vec<(String, String)>,
    website: Option<String>,
    email: Option<String>,
    addresses: Vec<Address>,
}

fn v1_details(record: &Fields) -> Result<Details, FieldError> {
    let mut aliases = record.text_list("aliases")?;
    aliases.extend(record.text_list("acronyms")?);
    let mut labels = Vec::new();
    for label in record.objects("labels")? {
        if let (Some(text), Some(lang)) = (label.line("label")?, label.line("iso639")?) {
            labels.push((text, lang));
        }
    }
    let country = record.object("country")?;
    let (country_code, country_name) = match &country {
        Some(c) => (c.line("country_code")?.map(|c| c.to_ascii_uppercase()), c.line("country_name")?),
        None => (None, None),
    };
    let mut addresses = Vec::new();
    for address in record.objects("addresses")? {
        let geonames_city = match address.object("geonames_city")? {
            Some(geonames) => geonames.line("city")?,
            None => None,
        };
        addresses.push(Address {
            street: address.line("line")?,
            postcode: address.line("postcode")?,
            city: address.line("city")?.or(geonames_city),
            country_code: country_code.clone(),
            country_name: country_name.clone(),
            latitude: address.number("lat")?,
            longitude: address.number("lng")?,
        });
    }
    // Keep the country even without an address, so country filters still find the record.
    if addresses.is_empty() && (country_code.is_some() || country_name.is_some()) {
        addresses.push(Address { country_code, country_name, ..Address::default() });
    }
    Ok(Details {
        name: record.required_line("name")?,
        aliases,
        labels,
        website: record.text_list("links")?.into_iter().next().filter(|url| is_web_url(url)),
        email: record.line("email_address")?,
        addresses: addresses.into_iter().filter(|a| *a != Address::default()).collect(),
    })
}

fn v2_details(record: &Fields) -> Result<Details, FieldError> {
    let mut name = None;
    let mut aliases = Vec::new();
    let mut labels = Vec::new();
    for entry in record.objects("names")? {
        let value = entry.required_line("value")?;
        let types = entry.text_list("types")?;
        let has_type = |t: &str| types.iter().any(|x| x == t);
        if has_type("ror_display") && name.is_none() {
            name = Some(value.clone());
        }
        if has_type("alias") || has_type("acronym") {
            aliases.push(value.clone());
        }
        if let Some(lang) = entry.line("lang")?.filter(|_| has_type("label") || has_type("ror_display")) {
            labels.push((value, lang));
        }
    }
    let name = name.ok_or_else(|| FieldError::new("names", "no name of type ror_display"))?;
    let mut website = None;
    for link in record.objects("links")? {
        if link.line("type")?.as_deref() == Some("website") {
            website = link.line("value")?.filter(|url| is_web_url(url));
            if website.is_some() {
                break;
            }
        }
    }
    let mut addresses = Vec::new();
    for location in record.objects("locations")? {
        let Some(place) = location.object("geonames_details")? else { continue };
        let address = Address {
            city: place.line("name")?,
            country_code: place.line("country_code")?.map(|c| c.to_ascii_uppercase()),
            country_name: place.line("country_name")?,
            latitude: place.number("lat")?,
            longitude: place.number("lng")?,
            ..Address::default()
        };
        if address != Address::default() {
            addresses.push(address);
        }
    }
    Ok(Details { name, aliases, labels, website, email: None, addresses })
}

fn is_web_url(url: &str) -> bool {
    optional_web_url("website", Some(url)).is_ok()
}

/// Aliases without repeats (ignoring case) and without the name itself.
fn distinct_aliases(name: &str, aliases: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::from([name.to_lowercase()]);
    aliases.into_iter().filter(|alias| seen.insert(alias.to_lowercase())).collect()
}

/// The first Dutch and the first English official name that differ from the main name.
fn localized_names(name: &str, labels: Vec<(String, String)>) -> Localized {
    let mut names = Localized::default();
    for (label, lang) in labels {
        if label.to_lowercase() == name.to_lowercase() {
            continue;
        }
        let slot = match Language::from_tag(&lang) {
            Some(Language::Nl) => &mut names.nl,
            Some(Language::En) => &mut names.en,
            None => continue,
        };
        slot.get_or_insert(label);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1_RECORD: &str = r#"{"id": "https://ror.org/04dkp9463", "name": "University of Amsterdam",
        "types": ["Education"], "aliases": ["UvA", "University of Amsterdam", "Universiteit van Amsterdam"],
        "acronyms": ["UvA"], "labels": [{"label": "Universiteit van Amsterdam", "iso639": "nl"}],
        "links": ["https://www.uva.nl/"], "email_address": null,
        "country": {"country_name": "Netherlands", "country_code": "nl"},
        "addresses": [{"lat": 52.355, "lng": 4.955, "city": "Amsterdam", "postcode": null, "line": null,
                       "geonames_city": {"id": 2759794, "city": "Amsterdam"}}]}"#;

    const V2_RECORD: &str = r#"{"id": "https://ror.org/01fm2fv39", "status": "active", "types": ["funder", "nonprofit"],
        "names": [{"value": "Sanquin", "types": ["ror_display", "label"], "lang": "en"},
                  {"value": "Sanquin Bloedvoorziening", "types": ["label"], "lang": "nl"},
                  {"value": "Sanquin Blood Supply Foundation", "types": ["alias"], "lang": "en"},
                  {"value": "SANQUIN", "types": ["acronym"], "lang": null}],
        "links": [{"type": "wikipedia", "value": "https://en.wikipedia.org/wiki/Sanquin"},
                  {"type": "website", "value": "https://www.sanquin.nl"}],
        "domains": ["sanquin.nl"], "external_ids": [{"type": "grid", "all": ["grid.417732.4"], "preferred": null}],
        "locations": [{"geonames_id": 2759794, "geonames_details": {"name": "Amsterdam", "lat": 52.37403,
            "lng": 4.88969, "country_code": "NL", "country_name": "The Netherlands", "continent_code": "EU"}}],
        "admin": {"created": {"date": "2018-11-14", "schema_version": "1.0"}}}"#;

    fn one(text: &str) -> NewOrganisation {
        let mut parsed = parse_ror(text);
        assert_eq!(parsed.rejected, vec![], "no rejections expected");
        assert_eq!(parsed.records.len(), 1);
        parsed.records.remove(0)
    }

    fn rejection(text: &str) -> String {
        let parsed = parse_ror(text);
        assert_eq!(parsed.records, vec![]);
        parsed.rejected.into_iter().map(|r| r.reason).collect::<Vec<_>>().join(" | ")
    }

    #[test]
    fn maps_a_v1_record() {
        let org = one(V1_RECORD);
        assert_eq!(org.source, SourceRef { source: "ror".into(), source_id: "https://ror.org/04dkp9463".into() });
        let p = &org.profile;
        assert_eq!(p.name, "University of Amsterdam");
        assert_eq!(p.kind, OrganisationKind::Education);
        assert_eq!(p.aliases, vec!["UvA", "Universiteit van Amsterdam"]);
        assert_eq!(p.names, Localized { en: None, nl: Some("Universiteit van Amsterdam".into()) });
        assert_eq!(p.identifiers.ror.as_ref().map(RorId::short), Some("04dkp9463"));
        assert_eq!(p.identifiers.website.as_deref(), Some("https://www.uva.nl/"));
        assert_eq!(
            p.addresses,
            vec![Address {
                city: Some("Amsterdam".into()),
                country_code: Some("NL".into()),
                country_name: Some("Netherlands".into()),
                latitude: Some(52.355),
                longitude: Some(4.955),
                ..Address::default()
            }]
        );
    }

    #[test]
    fn maps_a_v2_record() {
        let org = one(V2_RECORD);
        let p = &org.profile;
        assert_eq!(p.name, "Sanquin");
        assert_eq!(p.kind, OrganisationKind::Nonprofit, "funder says nothing about the kind");
        assert_eq!(p.aliases, vec!["Sanquin Blood Supply Foundation"], "the acronym equals the name but for case");
        assert_eq!(p.names, Localized { en: None, nl: Some("Sanquin Bloedvoorziening".into()) });
        assert_eq!(p.identifiers.website.as_deref(), Some("https://www.sanquin.nl"));
        assert_eq!(p.addresses[0].city.as_deref(), Some("Amsterdam"));
        assert_eq!(p.addresses[0].country_code.as_deref(), Some("NL"));
        assert_eq!(p.addresses[0].latitude, Some(52.37403));
    }

    #[test]
    fn reads_a_data_dump_array_and_repairs_mojibake() {
        let text = format!(
            "[{V2_RECORD},\n{}]",
            r#"{"id": "https://ror.org/03xqtf034", "name": "Netherlands Cancer Institute \u00e2\u0080\u0093 Antoni van Leeuwenhoek",
                "types": ["Facility"], "aliases": [], "country": {"country_code": "NL", "country_name": "Netherlands"}}"#
        );
        let parsed = parse_ror(&text);
        assert_eq!(parsed.rejected, vec![]);
        let nki = &parsed.records[1].profile;
        assert_eq!(nki.name, "Netherlands Cancer Institute – Antoni van Leeuwenhoek");
        assert_eq!(nki.kind, OrganisationKind::ResearchInstitute);
        assert_eq!(nki.addresses[0].country_code.as_deref(), Some("NL"), "the country alone is kept");
    }

    #[test]
    fn rejections_name_the_field() {
        assert_eq!(rejection(r#"{"name": "No id"}"#), "id: missing");
        assert!(rejection(r#"{"id": "https://ror.org/03xqtf035", "name": "Bad checksum"}"#).starts_with("id: "));
        assert_eq!(rejection(r#"{"id": "https://ror.org/03xqtf034"}"#), "name: missing");
        assert_eq!(
            rejection(r#"{"id": "03xqtf034", "names": [{"value": "NKI", "types": ["acronym"]}]}"#),
            "names: no name of type ror_display"
        );
        assert_eq!(
            rejection(r#"{"id": "03xqtf034", "name": "NKI", "email_address": "not an address"}"#),
            "email: 'not an address' is not an e-mail address"
        );
        assert_eq!(
            rejection(r#"{"id": "03xqtf034", "name": "NKI", "addresses": [{"lat": 95.0, "lng": 4.0}]}"#),
            "latitude: must be between -90 and 90"
        );
        assert_eq!(
            rejection(r#"{"id": "03xqtf034", "name": "NKI", "addresses": [{"lat": "north"}]}"#),
            "addresses[0].lat: expected a number, found text"
        );
        assert_eq!(
            rejection(r#"{"id": "03xqtf034", "name": "NKI", "status": "withdrawn"}"#),
            "status: the ROR record is withdrawn"
        );
    }

    #[test]
    fn a_link_that_is_not_a_web_address_is_dropped() {
        let org = one(
            r#"{"id": "03xqtf034", "name": "NKI", "links": ["javascript:alert(1)"], "types": ["Other", "Education"]}"#,
        );
        assert_eq!(org.profile.identifiers.website, None);
        assert_eq!(org.profile.kind, OrganisationKind::Other);
        assert_eq!(org.source.source_id, "https://ror.org/03xqtf034", "the id is canonicalised");
    }
}
