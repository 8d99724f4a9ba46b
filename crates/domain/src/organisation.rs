use std::fmt;

use serde::{Deserialize, Serialize};

use crate::content::{SearchDocument, Searchable, ORGANISATION};
use crate::validation::{optional_text, optional_web_url, required_text, Reason, ValidationError};
use crate::{Localized, Provenance, SourceRef};

/// What kind of organisation this is. The ids (`research-institute`, ...) are stable:
/// they appear in URLs, the API and exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OrganisationKind {
    Company,
    Healthcare,
    Education,
    ResearchInstitute,
    Government,
    Nonprofit,
    Archive,
    Other,
}

impl OrganisationKind {
    pub const ALL: [OrganisationKind; 8] = [
        OrganisationKind::Company,
        OrganisationKind::Healthcare,
        OrganisationKind::Education,
        OrganisationKind::ResearchInstitute,
        OrganisationKind::Government,
        OrganisationKind::Nonprofit,
        OrganisationKind::Archive,
        OrganisationKind::Other,
    ];

    pub fn id(self) -> &'static str {
        match self {
            OrganisationKind::Company => "company",
            OrganisationKind::Healthcare => "healthcare",
            OrganisationKind::Education => "education",
            OrganisationKind::ResearchInstitute => "research-institute",
            OrganisationKind::Government => "government",
            OrganisationKind::Nonprofit => "nonprofit",
            OrganisationKind::Archive => "archive",
            OrganisationKind::Other => "other",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }

    /// Maps a ROR organisation type (v1 `Education`, v2 `education`) to a kind.
    /// ROR's `Facility` is a research facility; `funder` says nothing about the kind.
    pub fn from_ror_type(ror_type: &str) -> Option<Self> {
        Some(match ror_type.to_ascii_lowercase().as_str() {
            "education" => OrganisationKind::Education,
            "healthcare" => OrganisationKind::Healthcare,
            "company" => OrganisationKind::Company,
            "nonprofit" => OrganisationKind::Nonprofit,
            "facility" => OrganisationKind::ResearchInstitute,
            "government" => OrganisationKind::Government,
            "archive" => OrganisationKind::Archive,
            "other" => OrganisationKind::Other,
            _ => return None,
        })
    }
}

impl fmt::Display for OrganisationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A Research Organization Registry identifier, kept in its canonical URL form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RorId(String);

impl RorId {
    const PREFIX: &'static str = "https://ror.org/";
    const CROCKFORD: &'static str = "0123456789abcdefghjkmnpqrstvwxyz";

    /// Accepts `https://ror.org/03xqtf034`, `ror.org/03xqtf034` or `03xqtf034`, and checks
    /// the id's shape and its ISO 7064 checksum.
    pub fn parse(text: &str) -> Result<Self, ValidationError> {
        let trimmed = text.trim();
        let bare = trimmed.strip_prefix("https://").or_else(|| trimmed.strip_prefix("http://")).unwrap_or(trimmed);
        let bare = bare.strip_prefix("ror.org/").unwrap_or(bare).to_ascii_lowercase();
        let invalid = || ValidationError::new("ror", Reason::NotRorId { value: text.to_owned() });
        if bare.len() != 9 || !bare.starts_with('0') {
            return Err(invalid());
        }
        let (body, check) = bare.split_at(7);
        let mut number: u64 = 0;
        for c in body.chars() {
            let digit = Self::CROCKFORD.find(c).ok_or_else(invalid)?;
            number = number * 32 + digit as u64;
        }
        let check: u64 = check.parse().map_err(|_| invalid())?;
        if 98 - ((number * 100) % 97) != check {
            return Err(ValidationError::new("ror", Reason::RorChecksum { value: text.to_owned() }));
        }
        Ok(RorId(format!("{}{bare}", Self::PREFIX)))
    }

    pub fn as_url(&self) -> &str {
        &self.0
    }

    /// The nine-character id without the `https://ror.org/` prefix.
    pub fn short(&self) -> &str {
        &self.0[Self::PREFIX.len()..]
    }
}

impl TryFrom<String> for RorId {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        RorId::parse(&value)
    }
}

impl From<RorId> for String {
    fn from(id: RorId) -> String {
        id.0
    }
}

impl fmt::Display for RorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identifiers {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ror: Option<RorId>,
    /// Dutch Chamber of Commerce (KvK) number, eight digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kvk: Option<String>,
    /// Legal Entity Identifier (ISO 17442), twenty characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lei: Option<String>,
    /// VAT number with its country prefix (`NL001935549B01`): how EU project participants
    /// are recognised. Records without it read as none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl Identifiers {
    pub fn validate(&self) -> Result<(), ValidationError> {
        if let Some(kvk) = &self.kvk {
            if kvk.len() != 8 || !kvk.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ValidationError::new("kvk", Reason::NotKvkNumber { value: kvk.clone() }));
            }
        }
        if let Some(lei) = &self.lei {
            if lei.len() != 20 || !lei.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) {
                return Err(ValidationError::new("lei", Reason::NotLei { value: lei.clone() }));
            }
        }
        if let Some(vat) = &self.vat {
            let valid = (4..=20).contains(&vat.len())
                && vat.bytes().take(2).all(|b| b.is_ascii_uppercase())
                && vat.bytes().all(|b| b.is_ascii_alphanumeric());
            if !valid {
                return Err(ValidationError::new(
                    "vat",
                    Reason::NotOneOf {
                        value: vat.clone(),
                        allowed: "a country prefix and letters or digits, e.g. NL001935549B01".into(),
                    },
                ));
            }
        }
        optional_web_url("website", self.website.as_deref())?;
        if let Some(email) = &self.email {
            let valid = email.len() <= 254
                && email.split_once('@').is_some_and(|(local, domain)| {
                    !local.is_empty() && domain.contains('.') && !email.contains(char::is_whitespace)
                });
            if !valid {
                return Err(ValidationError::new("email", Reason::NotEmailAddress { value: Some(email.clone()) }));
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
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

impl Address {
    pub fn validate(&self) -> Result<(), ValidationError> {
        for (field, value) in [("street", &self.street), ("postcode", &self.postcode), ("city", &self.city)] {
            optional_text(field, value.as_deref(), 200)?;
        }
        if let Some(code) = &self.country_code {
            if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(ValidationError::new("country_code", Reason::NotCountryCode { value: code.clone() }));
            }
        }
        if self.latitude.is_some_and(|v| !(-90.0..=90.0).contains(&v)) {
            return Err(ValidationError::new("latitude", Reason::OutOfRange { min: -90, max: 90 }));
        }
        if self.longitude.is_some_and(|v| !(-180.0..=180.0).contains(&v)) {
            return Err(ValidationError::new("longitude", Reason::OutOfRange { min: -180, max: 180 }));
        }
        if self.latitude.is_some() != self.longitude.is_some() {
            return Err(ValidationError::new("latitude", Reason::CoordinatesApart));
        }
        Ok(())
    }

    /// "Amsterdam, Netherlands"-style one-line place.
    pub fn place(&self) -> Option<String> {
        let parts: Vec<&str> = [self.city.as_deref(), self.country_name.as_deref()].into_iter().flatten().collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// What the hub knows about an organisation, apart from its identity and provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganisationProfile {
    pub name: String,
    pub aliases: Vec<String>,
    /// Official names per language, when they differ from `name`.
    pub names: Localized,
    pub descriptions: Localized,
    pub kind: OrganisationKind,
    pub sectors: Vec<String>,
    pub identifiers: Identifiers,
    pub addresses: Vec<Address>,
}

/// More sectors than this say nothing about an organisation.
pub const MAX_SECTORS: usize = 50;

impl OrganisationProfile {
    pub fn validate(&self) -> Result<(), ValidationError> {
        required_text("name", &self.name, 300)?;
        for alias in &self.aliases {
            required_text("aliases", alias, 300)?;
        }
        for (field, text, max) in [
            ("names.en", &self.names.en, 300),
            ("names.nl", &self.names.nl, 300),
            ("descriptions.en", &self.descriptions.en, 20_000),
            ("descriptions.nl", &self.descriptions.nl, 20_000),
        ] {
            optional_text(field, text.as_deref(), max)?;
        }
        if self.sectors.len() > MAX_SECTORS {
            return Err(ValidationError::new("sectors", Reason::TooManySectors { max: MAX_SECTORS }));
        }
        for sector in &self.sectors {
            required_text("sectors", sector, 100)?;
        }
        self.identifiers.validate()?;
        self.addresses.iter().try_for_each(Address::validate)
    }

    /// The address that filters and the directory use: the first one.
    pub fn primary_address(&self) -> Option<&Address> {
        self.addresses.first()
    }

    /// The name to show in `lang`: a localised name when there is one.
    pub fn display_name(&self, lang: crate::Language) -> &str {
        self.names.get(lang).unwrap_or(&self.name)
    }
}

/// An organisation as it arrives from an importer, before it has a place in the hub.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOrganisation {
    pub profile: OrganisationProfile,
    pub source: SourceRef,
}

impl NewOrganisation {
    pub fn validate(&self) -> Result<(), ValidationError> {
        self.profile.validate()?;
        self.source.validate()
    }
}

/// An organisation in the hub's directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organisation {
    /// Stable internal id.
    pub id: String,
    /// URL slug, unique in the hub.
    pub slug: String,
    #[serde(flatten)]
    pub profile: OrganisationProfile,
    pub provenance: Provenance,
}

/// Stored as the `record` of its row; no shape has changed yet.
impl crate::record::Versioned for OrganisationProfile {
    const RECORD_VERSION: u32 = 1;
}

impl Searchable for Organisation {
    fn search_document(&self) -> SearchDocument {
        let profile = &self.profile;
        let address = profile.primary_address();
        let mut aliases = profile.aliases.clone();
        aliases.extend(profile.names.en.iter().chain(profile.names.nl.iter()).cloned());
        let body = [profile.descriptions.en.as_deref(), profile.descriptions.nl.as_deref()]
            .into_iter()
            .flatten()
            .chain(profile.sectors.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("\n");
        let mut facets = vec![("kind", profile.kind.id().to_owned())];
        if let Some(city) = address.and_then(|a| a.city.clone()) {
            facets.push(("city", city));
        }
        if let Some(country) = address.and_then(|a| a.country_code.clone()) {
            facets.push(("country", country));
        }
        SearchDocument {
            entity: &ORGANISATION,
            id: profile.identifiers.ror.as_ref().map_or_else(|| self.slug.clone(), |r| r.as_url().to_owned()),
            key: self.slug.clone(),
            title: profile.name.clone(),
            aliases,
            legal_names: Vec::new(),
            body,
            facets,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ror_ids_are_checked_and_canonicalised() {
        let id = RorId::parse("03xqtf034").expect("valid id");
        assert_eq!(id.as_url(), "https://ror.org/03xqtf034");
        assert_eq!(RorId::parse("https://ror.org/01fm2fv39").map(|i| i.short().to_owned()), Ok("01fm2fv39".into()));
        assert_eq!(RorId::parse("https://ror.org/03xqtf035").map_err(|e| e.field), Err("ror"));
        assert!(RorId::parse("not-a-ror").is_err());
        assert!(RorId::parse("").is_err());
    }

    #[test]
    fn kinds_round_trip_through_their_ids() {
        for kind in OrganisationKind::ALL {
            assert_eq!(OrganisationKind::from_id(kind.id()), Some(kind));
        }
        assert_eq!(OrganisationKind::from_ror_type("Facility"), Some(OrganisationKind::ResearchInstitute));
        assert_eq!(OrganisationKind::from_ror_type("funder"), None);
    }

    #[test]
    fn validation_names_the_field() {
        let mut ids = Identifiers { kvk: Some("1234".into()), ..Default::default() };
        assert_eq!(ids.validate().map_err(|e| e.field), Err("kvk"));
        ids.kvk = None;
        ids.website = Some("javascript:alert(1)".into());
        assert_eq!(ids.validate().map_err(|e| e.field), Err("website"));
        let address = Address { latitude: Some(91.0), longitude: Some(4.0), ..Default::default() };
        assert_eq!(address.validate().map_err(|e| e.field), Err("latitude"));
        let mut profile = OrganisationProfile {
            name: "Sanquin".into(),
            aliases: Vec::new(),
            names: Default::default(),
            descriptions: Default::default(),
            kind: OrganisationKind::Nonprofit,
            sectors: vec!["Blood".into(); MAX_SECTORS],
            identifiers: Identifiers::default(),
            addresses: Vec::new(),
        };
        assert_eq!(profile.validate(), Ok(()));
        profile.sectors.push("One too many".into());
        assert_eq!(profile.validate().map_err(|e| e.field), Err("sectors"));
    }
}
