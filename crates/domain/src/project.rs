//! EU research projects (CORDIS, Horizon Europe) and their participants: the region's
//! track record. A participant is one legal entity (its PIC) in one project; a PIC is
//! linked to at most one organisation of the directory, automatically or by an admin.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::validation::{optional_text, required_text, Reason, ValidationError};
use crate::{Provenance, SourceRef};

/// An amount in euro, kept exactly in cents (never a float). Written and read as a decimal
/// text such as `"6472232.50"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Euros {
    cents: i64,
}

impl Euros {
    pub const ZERO: Euros = Euros { cents: 0 };

    pub fn from_cents(cents: i64) -> Self {
        Self { cents }
    }

    pub fn cents(self) -> i64 {
        self.cents
    }

    /// The whole euros, rounded half up, for display.
    pub fn rounded(self) -> i64 {
        (self.cents + 50).div_euclid(100)
    }

    pub fn checked_add(self, other: Euros) -> Option<Euros> {
        self.cents.checked_add(other.cents).map(Euros::from_cents)
    }
}

/// Why a text is not an amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAnAmount(pub String);

impl fmt::Display for NotAnAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}' is not an amount in euro (digits, optionally with up to two decimals)", self.0)
    }
}

impl FromStr for Euros {
    type Err = NotAnAmount;

    /// Accepts `22561532`, `6472232.5`, `0.00`; no sign, exponent or thousands separator.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wrong = || NotAnAmount(text.to_owned());
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || whole.len() > 15 || !digits(whole) || fraction.len() > 2 || !digits(fraction) {
            return Err(wrong());
        }
        if text.ends_with('.') {
            return Err(wrong());
        }
        let whole: i64 = whole.parse().map_err(|_| wrong())?;
        let fraction: i64 = format!("{fraction:0<2}").parse().map_err(|_| wrong())?;
        Ok(Euros { cents: whole * 100 + fraction })
    }
}

impl fmt::Display for Euros {
    /// `6472232.50`: the decimal form that [`Euros::from_str`] reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.cents.div_euclid(100), self.cents.rem_euclid(100))
    }
}

impl Serialize for Euros {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Euros {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A participant's role in a project, as CORDIS names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ParticipantRole {
    Coordinator,
    Participant,
    AssociatedPartner,
    ThirdParty,
}

impl ParticipantRole {
    pub const ALL: [ParticipantRole; 4] = [
        ParticipantRole::Coordinator,
        ParticipantRole::Participant,
        ParticipantRole::AssociatedPartner,
        ParticipantRole::ThirdParty,
    ];

    /// CORDIS's own word, also used in the API and in message ids.
    pub fn id(self) -> &'static str {
        match self {
            ParticipantRole::Coordinator => "coordinator",
            ParticipantRole::Participant => "participant",
            ParticipantRole::AssociatedPartner => "associatedPartner",
            ParticipantRole::ThirdParty => "thirdParty",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.id() == id)
    }
}

/// A topic (`HORIZON-HLTH-2021-DISEASE-04-02`) or programme (`HORIZON.2.1.5`) code with its title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coded {
    pub code: String,
    pub title: Option<String>,
}

/// One legal entity's part in one project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    pub role: ParticipantRole,
    /// The Participant Identification Code: the EU's id of the legal entity.
    pub pic: String,
    pub vat: Option<String>,
    pub legal_name: String,
    pub short_name: Option<String>,
    pub department: Option<String>,
    pub city: Option<String>,
    /// CORDIS's country code: ISO 3166 except `EL` (Greece) and `UK`.
    pub country: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// `HES`, `REC`, `PRC`, `PUB` or `OTH`.
    pub activity_type: Option<String>,
    pub sme: Option<bool>,
    pub ec_contribution: Option<Euros>,
    pub terminated: bool,
}

impl Participant {
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.pic.is_empty() || self.pic.len() > 20 || !self.pic.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValidationError::new("pic", Reason::NotWholeNumber { value: self.pic.clone() }));
        }
        required_text("legalName", &self.legal_name, 500)?;
        for (field, value, max) in [
            ("vatNumber", &self.vat, 50),
            ("shortName", &self.short_name, 200),
            ("departmentName", &self.department, 500),
            ("city", &self.city, 200),
            ("country", &self.country, 2),
            ("activityType", &self.activity_type, 10),
        ] {
            optional_text(field, value.as_deref(), max)?;
        }
        Ok(())
    }

    /// Where the participant is, as "Leiden, NL".
    pub fn place(&self) -> Option<String> {
        let parts: Vec<&str> = [self.city.as_deref(), self.country.as_deref()].into_iter().flatten().collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// A project as CORDIS describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectContent {
    /// The grant agreement number, e.g. `101057442`: the project's key.
    pub id: String,
    pub acronym: String,
    pub title: String,
    /// Plain text.
    pub objective: String,
    pub keywords: Vec<String>,
    pub status: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub total_cost: Option<Euros>,
    pub ec_max_contribution: Option<Euros>,
    /// The call topics it was funded under.
    pub topics: Vec<Coded>,
    /// The legal-basis programme parts (`HORIZON.2.1.5`).
    pub programmes: Vec<Coded>,
    pub master_call: Option<String>,
    /// `HORIZON-RIA` and the like.
    pub funding_scheme: Option<String>,
    pub doi: Option<String>,
    pub participants: Vec<Participant>,
}

impl ProjectContent {
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.id.is_empty() || self.id.len() > 20 || !self.id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValidationError::new("id", Reason::NotWholeNumber { value: self.id.clone() }));
        }
        required_text("acronym", &self.acronym, 200)?;
        required_text("title", &self.title, 1000)?;
        required_text("status", &self.status, 50)?;
        optional_text("objective", Some(&self.objective), 100_000)?;
        if let (Some(start), Some(end)) = (self.start_date, self.end_date) {
            if end < start {
                return Err(ValidationError::new("endDate", Reason::NotChronological));
            }
        }
        self.participants.iter().try_for_each(Participant::validate)
    }

    pub fn coordinator(&self) -> Option<&Participant> {
        self.participants.iter().find(|p| p.role == ParticipantRole::Coordinator)
    }

    /// What the project is about, for matching and search: title, keywords, topic titles
    /// and objective.
    pub fn about(&self) -> String {
        let mut parts = vec![self.title.clone()];
        parts.extend(self.keywords.iter().cloned());
        parts.extend(self.topics.iter().filter_map(|t| t.title.clone()));
        parts.push(self.objective.clone());
        parts.join("\n")
    }
}

impl crate::record::Versioned for ProjectContent {
    const RECORD_VERSION: u32 = 1;
}

/// A project as it arrives from an importer.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProject {
    pub content: ProjectContent,
    pub source: SourceRef,
}

impl NewProject {
    pub fn validate(&self) -> Result<(), ValidationError> {
        self.content.validate()?;
        self.source.validate()
    }
}

/// A project in the hub.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    #[serde(flatten)]
    pub content: ProjectContent,
    pub provenance: Provenance,
}

/// How a participant's PIC came to be linked to an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkMethod {
    /// The VAT number is the organisation's, or that of a PIC already linked to it.
    Vat,
    /// The resolver was confident about the legal name, and the city agrees.
    NameAndCity,
    /// An admin linked it.
    Manual,
}

impl LinkMethod {
    pub const ALL: [LinkMethod; 3] = [LinkMethod::Vat, LinkMethod::NameAndCity, LinkMethod::Manual];

    pub fn id(self) -> &'static str {
        match self {
            LinkMethod::Vat => "vat",
            LinkMethod::NameAndCity => "name-and-city",
            LinkMethod::Manual => "manual",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.id() == id)
    }
}

/// A legal entity of CORDIS (one PIC), with what is known of it across projects and its
/// link, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegalEntity {
    pub pic: String,
    pub legal_name: String,
    pub vat: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub projects: u32,
    /// The slug of the organisation it is linked to.
    pub organisation: Option<String>,
    pub method: Option<LinkMethod>,
}

/// Normalises a VAT number for comparison: upper case, letters and digits only
/// (`NL 0019.35.549 B01` = `NL001935549B01`). Placeholders CORDIS uses are none.
pub fn normalise_vat(vat: &str) -> Option<String> {
    let normalised: String = vat.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect();
    let placeholder = normalised.len() < 4 || normalised.chars().skip(2).all(|c| c == '0') || normalised == "NA";
    (!placeholder).then_some(normalised)
}

/// Places that go by several names, or that CORDIS names by the municipality or district
/// where a directory names the city (Ixelles is in Brussels, Bilthoven in De Bilt). Folded.
const SAME_PLACES: &[&[&str]] = &[
    &["gent", "ghent", "gand", "zwijnaarde", "merelbeke"],
    &[
        "brussel",
        "brussels",
        "bruxelles",
        "elsene",
        "ixelles",
        "etterbeek",
        "anderlecht",
        "schaerbeek",
        "schaarbeek",
        "jette",
        "molenbeek",
        "sint-jans-molenbeek",
        "ukkel",
        "uccle",
        "evere",
        "laken",
        "vorst",
        "forest",
        "oudergem",
        "auderghem",
        "sint-gillis",
        "saint-gilles",
        "koekelberg",
        "ganshoren",
        "sint-lambrechts-woluwe",
        "woluwe-saint-lambert",
        "sint-pieters-woluwe",
        "woluwe-saint-pierre",
        "sint-joost-ten-node",
        "saint-josse-ten-noode",
        "watermaal-bosvoorde",
        "watermael-boitsfort",
    ],
    &["antwerpen", "antwerp", "anvers", "edegem", "wilrijk"],
    &["leuven", "louvain", "heverlee"],
    &["louvain-la-neuve", "ottignies-louvain-la-neuve"],
    &["liege", "luik"],
    &["den haag", "the hague", "s-gravenhage", "hague"],
    &["de bilt", "bilthoven"],
    &["nijmegen"],
];

/// The place a folded city name stands for: its group in [`SAME_PLACES`], else itself.
fn place_key(city: &str) -> String {
    let city = city.trim().trim_start_matches('\'').trim();
    SAME_PLACES.iter().find(|names| names.contains(&city)).map_or_else(|| city.to_owned(), |names| names[0].to_owned())
}

/// Whether CORDIS's `city` names the same place as a directory organisation's city: equal
/// after folding, one of the names of [`SAME_PLACES`], or one starting with the other
/// (`Amsterdam-Duivendrecht`). Bilingual and compound forms are tried part by part
/// (`Bruxelles / Brussel`, `ZWIJNAARDE - GENT`).
pub fn same_city(cordis: &str, directory: &str) -> bool {
    let directory = place_key(&crate::text::fold(directory));
    if directory.is_empty() {
        return false;
    }
    let folded = crate::text::fold(cordis);
    std::iter::once(folded.as_str()).chain(folded.split(['/', '(', ')']).flat_map(|p| p.split(" - "))).any(|part| {
        let city = place_key(part);
        !city.is_empty() && (city == directory || city.starts_with(&directory) || directory.starts_with(&city))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_exact_decimals() {
        assert_eq!("6472232.5".parse::<Euros>().map(Euros::cents), Ok(647_223_250));
        assert_eq!("22561532".parse::<Euros>().map(|e| e.to_string()), Ok("22561532.00".into()));
        assert_eq!("0.07".parse::<Euros>().map(Euros::cents), Ok(7));
        for wrong in ["", "abc", "1e5", "-5", "1.234", "1,5", "5.", ".5", "NaN"] {
            assert!(wrong.parse::<Euros>().is_err(), "{wrong}");
        }
        let amount: Euros = serde_json::from_str("\"1851328.25\"").expect("amount");
        assert_eq!(serde_json::to_string(&amount).expect("json"), "\"1851328.25\"");
        assert_eq!("99.49".parse::<Euros>().map(Euros::rounded), Ok(99));
        assert_eq!("99.50".parse::<Euros>().map(Euros::rounded), Ok(100));
    }

    #[test]
    fn roles_round_trip() {
        for role in ParticipantRole::ALL {
            assert_eq!(ParticipantRole::from_id(role.id()), Some(role));
        }
        assert_eq!(ParticipantRole::from_id("partner"), None);
    }

    #[test]
    fn vat_numbers_compare_without_punctuation() {
        assert_eq!(normalise_vat("nl 0019.35.549 b01"), Some("NL001935549B01".into()));
        assert_eq!(normalise_vat("BE0000000000"), None);
        assert_eq!(normalise_vat("N/A"), None);
    }

    #[test]
    fn cities_agree_across_spellings() {
        assert!(same_city("AMSTERDAM", "Amsterdam"));
        assert!(same_city("Amsterdam-Duivendrecht", "Amsterdam"));
        assert!(same_city("Bruxelles / Brussel", "Brussels"));
        assert!(!same_city("Rotterdam", "Amsterdam"));
        assert!(same_city("Gent", "Ghent"));
        assert!(same_city("ZWIJNAARDE - GENT", "Ghent"));
        assert!(same_city("ELSENE", "Brussels"));
        assert!(same_city("Bilthoven", "De Bilt"));
        assert!(!same_city("Leuven", "Brussels"));
        assert!(!same_city("Leiden", ""));
    }
}
