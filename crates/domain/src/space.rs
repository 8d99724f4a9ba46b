//! Lab and office space for new initiatives: what science parks, incubators, institutes and
//! landlords offer (type, size, biosafety level, GMP grade and cleanroom class, what is
//! included, price, lease and availability, where it is), and a requirement a searcher
//! states ("at least ML-II, 50–120 m², lab plus office, available before June, within 5 km
//! of Amsterdam UMC") with the check of a space against it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::choice::{entries, ids, one_of};
use crate::content::{Item, Kind, SearchDocument, Written, SPACE};
use crate::language::{Bilingual, Language};
use crate::record::Versioned;
use crate::validation::{optional_date, optional_line, text, Checks, Reason, ValidationError};

pub const TITLE_MAX_CHARS: usize = 200;
pub const DESCRIPTION_MAX_CHARS: usize = 20_000;
const LINE_MAX_CHARS: usize = 300;
pub const MAX_ENTRIES: usize = 30;
/// A hundred thousand m²: more is a typing error.
pub const MAX_SIZE_M2: u32 = 100_000;
/// Ten thousand euro per m² per year: more is a typing error.
pub const MAX_PRICE: u32 = 10_000;
pub const MAX_LEASE_MONTHS: u32 = 240;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SpaceType {
    #[default]
    WetLab,
    DryLab,
    Office,
    LabOffice,
    Cleanroom,
    AnimalFacility,
    IncubatorDesk,
}
ids!(SpaceType {
    WetLab => "wet-lab",
    DryLab => "dry-lab",
    Office => "office",
    LabOffice => "lab-office",
    Cleanroom => "cleanroom",
    AnimalFacility => "animal-facility",
    IncubatorDesk => "incubator-desk",
});

/// Biosafety levels in Dutch terms (ML, *microbiologisch laboratorium*), which match BSL-1
/// to BSL-3; ordered, so that "at least ML-II" is a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Biosafety {
    MlI,
    MlII,
    MlIII,
}
ids!(Biosafety { MlI => "ml-i", MlII => "ml-ii", MlIII => "ml-iii" });

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GmpGrade {
    A,
    B,
    C,
    D,
}
ids!(GmpGrade { A => "a", B => "b", C => "c", D => "d" });

/// A point on the map, in degrees (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Coordinates {
    pub latitude: f64,
    pub longitude: f64,
}

impl Coordinates {
    /// The great-circle distance in kilometres (haversine, on a sphere of the Earth's mean
    /// radius: within a few metres at the region's scale).
    pub fn distance_km(&self, other: &Coordinates) -> f64 {
        const EARTH_RADIUS_KM: f64 = 6_371.0;
        let (lat1, lat2) = (self.latitude.to_radians(), other.latitude.to_radians());
        let dlat = lat2 - lat1;
        let dlon = (other.longitude - self.longitude).to_radians();
        let a = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
    }
}

/// A space as stored (record version 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Space {
    #[serde(rename = "type")]
    pub space_type: SpaceType,
    pub title: Bilingual,
    pub description: Bilingual,
    pub size_m2: u32,
    pub floor: String,
    pub address: String,
    pub city: String,
    pub coordinates: Option<Coordinates>,
    pub biosafety: Option<Biosafety>,
    pub gmp_grade: Option<GmpGrade>,
    /// ISO 14644-1 cleanroom class, 1 to 9.
    pub iso_class: Option<u8>,
    #[serde(default)]
    pub included: Vec<String>,
    /// Euro per m² per year.
    pub price_min: Option<u32>,
    pub price_max: Option<u32>,
    pub min_lease_months: Option<u32>,
    pub available_from: NaiveDate,
    #[serde(default)]
    pub shared_services: Vec<String>,
}

impl Versioned for Space {
    const RECORD_VERSION: u32 = 1;
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SpaceDraft {
    #[serde(rename = "type")]
    pub space_type: String,
    pub title_en: String,
    pub title_nl: String,
    pub description_en: String,
    pub description_nl: String,
    pub size_m2: String,
    pub floor: String,
    pub address: String,
    pub city: String,
    pub latitude: String,
    pub longitude: String,
    /// Empty for none, else `ml-i`, `ml-ii` or `ml-iii`.
    pub biosafety: String,
    pub gmp_grade: String,
    pub iso_class: String,
    /// Separated by commas or new lines.
    pub included: String,
    pub price_min: String,
    pub price_max: String,
    pub min_lease_months: String,
    pub available_from: String,
    pub shared_services: String,
}

/// A whole number from 1 to `max`; `None` when empty. A minus sign is named as such.
fn count(field: &'static str, value: &str, max: u32) -> Result<Option<u32>, ValidationError> {
    let Some(value) = text(value) else { return Ok(None) };
    let value = value.replace([' ', '_', '.'], "");
    if value.starts_with('-') {
        return Err(ValidationError::new(field, Reason::Negative));
    }
    match value.parse::<u32>() {
        Ok(n) if (1..=max).contains(&n) => Ok(Some(n)),
        _ => Err(ValidationError::new(field, Reason::NotWholeNumberInRange { min: 1, max: i64::from(max) })),
    }
}

fn degrees(field: &'static str, value: &str, limit: f64) -> Result<Option<f64>, ValidationError> {
    let Some(value) = text(value) else { return Ok(None) };
    match value.replace(',', ".").parse::<f64>() {
        Ok(n) if n.is_finite() && n.abs() <= limit => Ok(Some(n)),
        _ => Err(ValidationError::new(field, Reason::OutOfRange { min: -(limit as i64), max: limit as i64 })),
    }
}

fn optional<T: Copy>(
    field: &'static str,
    value: &str,
    all: &[T],
    id: impl Fn(T) -> &'static str,
) -> Result<Option<T>, ValidationError> {
    match text(value) {
        None => Ok(None),
        Some(value) => one_of(field, &value.to_lowercase(), all, id).map(Some),
    }
}

fn listed(c: &mut Checks, field: &'static str, value: &str) -> Vec<String> {
    let values = entries(value);
    if values.len() > MAX_ENTRIES {
        c.refuse(field, Reason::TooManyEntries { max: MAX_ENTRIES });
    }
    for value in &values {
        c.keep(optional_line(field, value, LINE_MAX_CHARS));
    }
    values
}

impl Written for Space {
    const KIND: &'static Kind = &SPACE;
    type Draft = SpaceDraft;

    fn validate(d: SpaceDraft) -> Result<Self, Vec<ValidationError>> {
        let mut c = Checks::default();
        let space_type = c.take(one_of("type", &d.space_type, SpaceType::ALL, SpaceType::id));
        let title = c.bilingual(
            ("title_en", &d.title_en),
            ("title_nl", &d.title_nl),
            TITLE_MAX_CHARS,
            true,
            Some("title_en, title_nl"),
        );
        let description = c.bilingual(
            ("description_en", &d.description_en),
            ("description_nl", &d.description_nl),
            DESCRIPTION_MAX_CHARS,
            false,
            None,
        );
        let size_m2 = c.take(count("size_m2", &d.size_m2, MAX_SIZE_M2));
        if text(&d.size_m2).is_none() {
            c.refuse("size_m2", Reason::Empty);
        }
        let floor = c.take(optional_line("floor", &d.floor, LINE_MAX_CHARS)).unwrap_or_default();
        let address = c.take(optional_line("address", &d.address, LINE_MAX_CHARS)).unwrap_or_default();
        if address.is_empty() {
            c.refuse("address", Reason::Empty);
        }
        let city = c.take(optional_line("city", &d.city, LINE_MAX_CHARS)).unwrap_or_default();
        if city.is_empty() {
            c.refuse("city", Reason::Empty);
        }
        let latitude = c.take(degrees("latitude", &d.latitude, 90.0));
        let longitude = c.take(degrees("longitude", &d.longitude, 180.0));
        let coordinates = match (latitude, longitude) {
            (Some(latitude), Some(longitude)) => Some(Coordinates { latitude, longitude }),
            (None, None) => None,
            _ => {
                c.refuse("longitude", Reason::CoordinatesApart);
                None
            }
        };
        let biosafety = c.take(optional("biosafety", &d.biosafety, Biosafety::ALL, Biosafety::id));
        let gmp_grade = c.take(optional("gmp_grade", &d.gmp_grade, GmpGrade::ALL, GmpGrade::id));
        let iso_class = c.take(count("iso_class", &d.iso_class, 9)).and_then(|n| u8::try_from(n).ok());
        let included = listed(&mut c, "included", &d.included);
        let price_min = c.take(count("price_min", &d.price_min, MAX_PRICE));
        let price_max = c.take(count("price_max", &d.price_max, MAX_PRICE));
        if let (Some(min), Some(max)) = (price_min, price_max) {
            if min > max {
                c.refuse("price_min", Reason::MoreThan { other: "price_max" });
            }
        }
        let min_lease_months = c.take(count("min_lease_months", &d.min_lease_months, MAX_LEASE_MONTHS));
        let available_from = match c.take(optional_date("available_from", &d.available_from)) {
            Some(date) => date,
            None => {
                if text(&d.available_from).is_none() {
                    c.refuse("available_from", Reason::Empty);
                }
                NaiveDate::default()
            }
        };
        let shared_services = listed(&mut c, "shared_services", &d.shared_services);
        c.finish(Space {
            space_type,
            title,
            description,
            size_m2: size_m2.unwrap_or_default(),
            floor,
            address,
            city,
            coordinates,
            biosafety,
            gmp_grade,
            iso_class,
            included,
            price_min,
            price_max,
            min_lease_months,
            available_from,
            shared_services,
        })
    }

    fn to_draft(&self) -> SpaceDraft {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        let number = |value: Option<u32>| value.map(|n| n.to_string()).unwrap_or_default();
        SpaceDraft {
            space_type: self.space_type.id().to_owned(),
            title_en: text(&self.title.en),
            title_nl: text(&self.title.nl),
            description_en: text(&self.description.en),
            description_nl: text(&self.description.nl),
            size_m2: self.size_m2.to_string(),
            floor: self.floor.clone(),
            address: self.address.clone(),
            city: self.city.clone(),
            latitude: self.coordinates.map(|c| c.latitude.to_string()).unwrap_or_default(),
            longitude: self.coordinates.map(|c| c.longitude.to_string()).unwrap_or_default(),
            biosafety: self.biosafety.map(|b| b.id().to_owned()).unwrap_or_default(),
            gmp_grade: self.gmp_grade.map(|g| g.id().to_owned()).unwrap_or_default(),
            iso_class: self.iso_class.map(|n| n.to_string()).unwrap_or_default(),
            included: self.included.join(", "),
            price_min: number(self.price_min),
            price_max: number(self.price_max),
            min_lease_months: number(self.min_lease_months),
            available_from: self.available_from.to_string(),
            shared_services: self.shared_services.join(", "),
        }
    }

    fn title(&self) -> &str {
        self.title.get(Language::En)
    }

    fn language(&self) -> Option<Language> {
        None
    }

    fn facets(&self) -> Vec<(&'static str, String)> {
        let mut facets = vec![("type", self.space_type.id().to_owned()), ("city", self.city.clone())];
        if let Some(level) = self.biosafety {
            facets.push(("biosafety", level.id().to_owned()));
        }
        facets
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        let d = self.to_draft();
        vec![
            ("type", d.space_type),
            ("title_en", d.title_en),
            ("title_nl", d.title_nl),
            ("description_en", d.description_en),
            ("description_nl", d.description_nl),
            ("size_m2", d.size_m2),
            ("floor", d.floor),
            ("address", d.address),
            ("city", d.city),
            ("latitude", d.latitude),
            ("longitude", d.longitude),
            ("biosafety", d.biosafety),
            ("gmp_grade", d.gmp_grade),
            ("iso_class", d.iso_class),
            ("included", d.included),
            ("price_min", d.price_min),
            ("price_max", d.price_max),
            ("min_lease_months", d.min_lease_months),
            ("available_from", d.available_from),
            ("shared_services", d.shared_services),
        ]
    }

    fn search_document(item: &Item<Self>) -> SearchDocument {
        let record = &item.record;
        let body = record
            .description
            .both()
            .map(str::to_owned)
            .chain([record.address.clone(), record.city.clone()])
            .chain(record.included.iter().cloned())
            .chain(record.shared_services.iter().cloned())
            .collect::<Vec<_>>()
            .join("\n");
        SearchDocument::of_item(item, &record.title, body)
    }
}

/// What a searcher needs; every part is optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Requirement {
    /// Any of these types; all when empty.
    pub types: Vec<SpaceType>,
    pub min_biosafety: Option<Biosafety>,
    pub min_size_m2: Option<u32>,
    pub max_size_m2: Option<u32>,
    /// Available on or before this day.
    pub available_by: Option<NaiveDate>,
    /// Within `km` of a point.
    pub near: Option<(Coordinates, f64)>,
    /// Facilities or services it must include, each named in what is included or in the
    /// shared services (a part of an entry will do, whatever the case: "hood" finds "fume
    /// hoods").
    pub includes: Vec<String>,
}

impl Requirement {
    /// Whether the space meets it, and its distance from the point asked about, if any.
    pub fn check(&self, space: &Space) -> Option<Option<f64>> {
        let fits = (self.types.is_empty() || self.types.contains(&space.space_type))
            && self.min_biosafety.is_none_or(|min| space.biosafety.is_some_and(|level| level >= min))
            && self.min_size_m2.is_none_or(|min| space.size_m2 >= min)
            && self.max_size_m2.is_none_or(|max| space.size_m2 <= max)
            && self.available_by.is_none_or(|day| space.available_from <= day)
            && self.includes.iter().all(|wanted| {
                let wanted = wanted.to_lowercase();
                space.included.iter().chain(&space.shared_services).any(|has| has.to_lowercase().contains(&wanted))
            });
        if !fits {
            return None;
        }
        match self.near {
            None => Some(None),
            Some((point, km)) => {
                let distance = point.distance_km(&space.coordinates?);
                (distance <= km).then_some(Some(distance))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> SpaceDraft {
        SpaceDraft {
            space_type: "lab-office".into(),
            title_en: "ML-II lab with offices at the Science Park".into(),
            description_en: "A wet lab with fume hoods and a biosafety cabinet, and six desks.".into(),
            size_m2: "85".into(),
            address: "Science Park 408".into(),
            city: "Amsterdam".into(),
            latitude: "52.3545".into(),
            longitude: "4.9545".into(),
            biosafety: "ML-II".into(),
            included: "fume hoods, biosafety cabinet, -80 freezer".into(),
            price_min: "250".into(),
            price_max: "320".into(),
            min_lease_months: "12".into(),
            available_from: "2027-04-01".into(),
            shared_services: "reception, meeting rooms".into(),
            ..SpaceDraft::default()
        }
    }

    #[test]
    fn a_draft_becomes_a_record_and_back() {
        let record = Space::validate(draft()).expect("valid");
        assert_eq!(record.biosafety, Some(Biosafety::MlII), "read in any case");
        assert_eq!(record.included.len(), 3);
        assert_eq!(Space::validate(record.to_draft()), Ok(record));
    }

    #[test]
    fn bad_input_is_named_field_by_field() {
        let bad = SpaceDraft {
            size_m2: "-40".into(),
            latitude: "52.35".into(),
            longitude: String::new(),
            biosafety: "ml-iv".into(),
            iso_class: "12".into(),
            price_min: "400".into(),
            ..draft()
        };
        let errors = Space::validate(bad).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["size_m2", "longitude", "biosafety", "iso_class", "price_min"]);
        assert_eq!(errors[0].reason, Reason::Negative);
        assert!(matches!(&errors[2].reason, Reason::NotOneOf { allowed, .. } if allowed == "ml-i, ml-ii, ml-iii"));
    }

    #[test]
    fn distance_is_great_circle() {
        let science_park = Coordinates { latitude: 52.3545, longitude: 4.9545 };
        let amsterdam_umc = Coordinates { latitude: 52.2946, longitude: 4.9583 };
        let km = science_park.distance_km(&amsterdam_umc);
        assert!((6.5..6.8).contains(&km), "{km}");
    }

    #[test]
    fn a_requirement_checks_every_part() {
        let space = Space::validate(draft()).unwrap();
        let amsterdam_umc = Coordinates { latitude: 52.2946, longitude: 4.9583 };
        let wanted = Requirement {
            types: vec![SpaceType::LabOffice],
            min_biosafety: Some(Biosafety::MlII),
            min_size_m2: Some(50),
            max_size_m2: Some(120),
            available_by: NaiveDate::from_ymd_opt(2027, 6, 1),
            near: Some((amsterdam_umc, 10.0)),
            includes: vec!["Biosafety Cabinet".into(), "reception".into(), "-80".into()],
        };
        assert!(wanted.check(&space).is_some_and(|d| d.is_some()));
        let missing = vec!["cryo-EM".to_owned()];
        assert_eq!(Requirement { includes: missing, ..wanted.clone() }.check(&space), None);
        assert_eq!(Requirement { near: Some((amsterdam_umc, 5.0)), ..wanted.clone() }.check(&space), None);
        assert_eq!(Requirement { min_biosafety: Some(Biosafety::MlIII), ..wanted.clone() }.check(&space), None);
        assert_eq!(Requirement { max_size_m2: Some(80), ..wanted.clone() }.check(&space), None);
        let later = NaiveDate::from_ymd_opt(2027, 3, 1);
        assert_eq!(Requirement { available_by: later, ..wanted.clone() }.check(&space), None);
        assert_eq!(Requirement { types: vec![SpaceType::Office], ..wanted }.check(&space), None);
    }
}
