//! Shared facilities and instruments (sequencers, MRI, microscopes, cryo-EM, compute) that
//! organisations of the region open to others: a member-written kind with who may use it at
//! what hourly rate, whether training comes first, and the booking rules, modelled on
//! LibreBooking's (durations, slot grid, notice, buffer, approval, quotas, blackout days,
//! recurring bookings). [`booking`] holds the bookings' rules and states.

pub mod booking;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::choice::{entries, ids, one_of};
use crate::content::{Item, Kind, SearchDocument, Written, FACILITY};
use crate::language::{Bilingual, Language};
use crate::record::Versioned;
use crate::validation::{optional_date, optional_line, text, Checks, Reason, ValidationError};

pub const TITLE_MAX_CHARS: usize = 200;
pub const DESCRIPTION_MAX_CHARS: usize = 20_000;
const LINE_MAX_CHARS: usize = 300;
pub const MAX_BLACKOUTS: usize = 50;
/// A hundred thousand euro an hour: more is a typing error.
pub const MAX_RATE_CENTS: u32 = 10_000_000;
/// The finest grid bookings can be on; every rule in minutes is a multiple of it, and the
/// database holds a booked time as claims of these (see `booking::Span::claims`).
pub const CLAIM_MINUTES: u32 = 5;
/// Two weeks: the longest single booking.
pub const LONGEST_BOOKING_MINUTES: u32 = 14 * 24 * 60;
pub const MAX_NOTICE_DAYS: u32 = 730;
pub const MAX_OCCURRENCES: u32 = 52;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FacilityType {
    #[default]
    Sequencer,
    Mri,
    Microscope,
    CryoEm,
    MassSpectrometry,
    FlowCytometry,
    Compute,
    Other,
}
ids!(FacilityType {
    Sequencer => "sequencer",
    Mri => "mri",
    Microscope => "microscope",
    CryoEm => "cryo-em",
    MassSpectrometry => "mass-spectrometry",
    FlowCytometry => "flow-cytometry",
    Compute => "compute",
    Other => "other",
});

/// Who books: staff of the owning organisation, academic users (universities, hospitals,
/// institutes, public bodies) or industry (companies). A booking's user type follows from the
/// organisation it is made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UserType {
    Internal,
    Academic,
    Industry,
}
ids!(UserType { Internal => "internal", Academic => "academic", Industry => "industry" });

/// Hourly rates in euro cents per user type; a user type without one may not book.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rates {
    pub internal: Option<u32>,
    pub academic: Option<u32>,
    pub industry: Option<u32>,
}

impl Rates {
    pub fn for_user(&self, user: UserType) -> Option<u32> {
        match user {
            UserType::Internal => self.internal,
            UserType::Academic => self.academic,
            UserType::Industry => self.industry,
        }
    }

    pub fn open_to(&self) -> impl Iterator<Item = UserType> + '_ {
        UserType::ALL.iter().copied().filter(|u| self.for_user(*u).is_some())
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuotaPeriod {
    /// Monday to Sunday, in the region's dates.
    #[default]
    Week,
    Month,
}
ids!(QuotaPeriod { Week => "week", Month => "month" });

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuotaScope {
    /// Each person's own bookings.
    #[default]
    User,
    /// Everything booked for one organisation.
    Organisation,
}
ids!(QuotaScope { User => "user", Organisation => "organisation" });

/// At most `hours` booked per person or organisation in each week or month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Quota {
    pub hours: u32,
    pub period: QuotaPeriod,
    pub per: QuotaScope,
}

/// Days on which nothing can be booked (maintenance, holidays), both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blackout {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// When and how a facility may be booked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BookingRules {
    pub min_minutes: u32,
    pub max_minutes: u32,
    /// Bookings start on this grid from midnight and last a multiple of it.
    pub slot_minutes: u32,
    /// How long before its start a booking must be made, at least and at most.
    pub min_notice_hours: u32,
    pub max_notice_days: u32,
    /// Kept free after each booking (cleaning, cooling down).
    pub buffer_minutes: u32,
    /// Whether the facility's staff confirm each booking; otherwise it is confirmed at once.
    pub approval_required: bool,
    pub quota: Option<Quota>,
    #[serde(default)]
    pub blackouts: Vec<Blackout>,
    /// How many occurrences one recurring request may have (1: no recurring bookings).
    pub max_occurrences: u32,
}

impl Default for BookingRules {
    fn default() -> Self {
        BookingRules {
            min_minutes: 30,
            max_minutes: 240,
            slot_minutes: 30,
            min_notice_hours: 0,
            max_notice_days: 90,
            buffer_minutes: 0,
            approval_required: false,
            quota: None,
            blackouts: Vec::new(),
            max_occurrences: 12,
        }
    }
}

/// A facility as stored (record version 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Facility {
    #[serde(rename = "type")]
    pub facility_type: FacilityType,
    pub title: Bilingual,
    pub description: Bilingual,
    /// Building and room, or the address.
    pub location: String,
    /// Whom to ask: a desk, a shared mailbox or a phone number of the facility.
    pub contact: String,
    pub rates: Rates,
    /// Whether only people the staff marked as trained may book.
    pub training_required: bool,
    pub rules: BookingRules,
}

impl Versioned for Facility {
    const RECORD_VERSION: u32 = 1;
}

/// A facility as its staff submit it; numbers as typed, empty for the default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FacilityDraft {
    #[serde(rename = "type")]
    pub facility_type: String,
    pub title_en: String,
    pub title_nl: String,
    pub description_en: String,
    pub description_nl: String,
    pub location: String,
    pub contact: String,
    /// Euro per hour (`45` or `45.50`); empty when the user type may not book.
    pub rate_internal: String,
    pub rate_academic: String,
    pub rate_industry: String,
    pub training_required: bool,
    pub min_minutes: String,
    pub max_minutes: String,
    pub slot_minutes: String,
    pub min_notice_hours: String,
    pub max_notice_days: String,
    pub buffer_minutes: String,
    pub approval_required: bool,
    /// Empty for no quota.
    pub quota_hours: String,
    pub quota_period: String,
    pub quota_per: String,
    /// One per line: a day (`2027-12-25`) or a range (`2027-07-20..2027-08-09`).
    pub blackouts: String,
    pub max_occurrences: String,
}

/// A whole number from `min` to `max`, `default` when empty.
fn number(field: &'static str, value: &str, min: u32, max: u32, default: u32) -> Result<u32, ValidationError> {
    let Some(value) = text(value) else { return Ok(default) };
    value.replace([' ', '_'], "").parse::<u32>().ok().filter(|n| (min..=max).contains(n)).ok_or_else(|| {
        ValidationError::new(field, Reason::NotWholeNumberInRange { min: i64::from(min), max: i64::from(max) })
    })
}

/// A rate in euro, with at most two decimals, as cents; `None` when empty.
fn rate(field: &'static str, value: &str) -> Result<Option<u32>, ValidationError> {
    let Some(value) = text(value) else { return Ok(None) };
    let refused = || ValidationError::new(field, Reason::NotWholeEuros { value: value.clone() });
    let cleaned = value.trim_start_matches('€').trim().replace(',', ".");
    if cleaned.starts_with('-') {
        return Err(ValidationError::new(field, Reason::Negative));
    }
    let (euros, cents) = cleaned.split_once('.').unwrap_or((&cleaned, "0"));
    if euros.is_empty() || !euros.bytes().all(|b| b.is_ascii_digit()) || cents.len() > 2 {
        return Err(refused());
    }
    let euros: u32 = euros.parse().map_err(|_| refused())?;
    let cents: u32 = format!("{cents:0<2}").parse().map_err(|_| refused())?;
    let total = euros.checked_mul(100).and_then(|e| e.checked_add(cents)).ok_or_else(refused)?;
    if total > MAX_RATE_CENTS {
        return Err(ValidationError::new(
            field,
            Reason::NotWholeNumberInRange { min: 0, max: i64::from(MAX_RATE_CENTS / 100) },
        ));
    }
    Ok(Some(total))
}

fn cents_text(cents: Option<u32>) -> String {
    cents
        .map(|c| if c % 100 == 0 { (c / 100).to_string() } else { format!("{}.{:02}", c / 100, c % 100) })
        .unwrap_or_default()
}

fn blackout(value: &str) -> Result<Blackout, ValidationError> {
    let (from, to) = value.split_once("..").unwrap_or((value, value));
    let day = |text: &str| {
        optional_date("blackouts", text.trim())?
            .ok_or_else(|| ValidationError::new("blackouts", Reason::NotDate { value: value.to_owned() }))
    };
    let (from, to) = (day(from)?, day(to)?);
    if to < from {
        return Err(ValidationError::new("blackouts", Reason::NotChronological));
    }
    Ok(Blackout { from, to })
}

/// A multiple of the claim grid; `field` is refused otherwise.
fn on_grid(c: &mut Checks, field: &'static str, minutes: u32, grid: u32) {
    if !minutes.is_multiple_of(grid) {
        c.refuse(field, Reason::NotMultipleOf { step: grid });
    }
}

impl Written for Facility {
    const KIND: &'static Kind = &FACILITY;
    type Draft = FacilityDraft;

    fn validate(d: FacilityDraft) -> Result<Self, Vec<ValidationError>> {
        let mut c = Checks::default();
        let defaults = BookingRules::default();
        let facility_type = c.take(one_of("type", &d.facility_type, FacilityType::ALL, FacilityType::id));
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
            Some("description_en, description_nl"),
        );
        let location = c.take(optional_line("location", &d.location, LINE_MAX_CHARS)).unwrap_or_default();
        let contact = c.take(optional_line("contact", &d.contact, LINE_MAX_CHARS)).unwrap_or_default();
        if contact.is_empty() {
            c.refuse("contact", Reason::Empty);
        }
        let rates = Rates {
            internal: c.take(rate("rate_internal", &d.rate_internal)),
            academic: c.take(rate("rate_academic", &d.rate_academic)),
            industry: c.take(rate("rate_industry", &d.rate_industry)),
        };
        if [&d.rate_internal, &d.rate_academic, &d.rate_industry].iter().all(|r| text(r).is_none()) {
            c.refuse("rate_internal", Reason::GiveOneOf { choices: "rate_internal, rate_academic, rate_industry" });
        }
        let longest = LONGEST_BOOKING_MINUTES;
        let slot_minutes =
            c.take(number("slot_minutes", &d.slot_minutes, CLAIM_MINUTES, 24 * 60, defaults.slot_minutes));
        on_grid(&mut c, "slot_minutes", slot_minutes, CLAIM_MINUTES);
        // Durations are checked against a refused grid's nearest sound one, so that one
        // mistake is reported once.
        let grid = if slot_minutes.is_multiple_of(CLAIM_MINUTES) { slot_minutes } else { CLAIM_MINUTES };
        let min_minutes = c.take(number("min_minutes", &d.min_minutes, 1, longest, grid));
        on_grid(&mut c, "min_minutes", min_minutes, grid);
        let max_minutes =
            c.take(number("max_minutes", &d.max_minutes, 1, longest, defaults.max_minutes.max(min_minutes)));
        on_grid(&mut c, "max_minutes", max_minutes, grid);
        if max_minutes < min_minutes {
            c.refuse("min_minutes", Reason::MoreThan { other: "max_minutes" });
        }
        let buffer_minutes = c.take(number("buffer_minutes", &d.buffer_minutes, 0, 24 * 60, defaults.buffer_minutes));
        on_grid(&mut c, "buffer_minutes", buffer_minutes, CLAIM_MINUTES);
        let min_notice_hours =
            c.take(number("min_notice_hours", &d.min_notice_hours, 0, 24 * 365, defaults.min_notice_hours));
        let max_notice_days =
            c.take(number("max_notice_days", &d.max_notice_days, 1, MAX_NOTICE_DAYS, defaults.max_notice_days));
        let quota = match text(&d.quota_hours) {
            None => None,
            Some(_) => {
                let hours = c.take(number("quota_hours", &d.quota_hours, 1, 10_000, 1));
                let period = c.take(one_of("quota_period", &d.quota_period, QuotaPeriod::ALL, QuotaPeriod::id));
                let per = c.take(one_of("quota_per", &d.quota_per, QuotaScope::ALL, QuotaScope::id));
                Some(Quota { hours, period, per })
            }
        };
        let listed = entries(&d.blackouts);
        if listed.len() > MAX_BLACKOUTS {
            c.refuse("blackouts", Reason::TooManyEntries { max: MAX_BLACKOUTS });
        }
        let mut blackouts: Vec<Blackout> = listed.iter().filter_map(|value| c.keep(blackout(value))).collect();
        blackouts.sort_by_key(|b| (b.from, b.to));
        let max_occurrences =
            c.take(number("max_occurrences", &d.max_occurrences, 1, MAX_OCCURRENCES, defaults.max_occurrences));
        let rules = BookingRules {
            min_minutes,
            max_minutes,
            slot_minutes,
            min_notice_hours,
            max_notice_days,
            buffer_minutes,
            approval_required: d.approval_required,
            quota,
            blackouts,
            max_occurrences,
        };
        c.finish(Facility {
            facility_type,
            title,
            description,
            location,
            contact,
            rates,
            training_required: d.training_required,
            rules,
        })
    }

    fn to_draft(&self) -> FacilityDraft {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        let r = &self.rules;
        let blackout = |b: &Blackout| if b.from == b.to { b.from.to_string() } else { format!("{}..{}", b.from, b.to) };
        FacilityDraft {
            facility_type: self.facility_type.id().to_owned(),
            title_en: text(&self.title.en),
            title_nl: text(&self.title.nl),
            description_en: text(&self.description.en),
            description_nl: text(&self.description.nl),
            location: self.location.clone(),
            contact: self.contact.clone(),
            rate_internal: cents_text(self.rates.internal),
            rate_academic: cents_text(self.rates.academic),
            rate_industry: cents_text(self.rates.industry),
            training_required: self.training_required,
            min_minutes: r.min_minutes.to_string(),
            max_minutes: r.max_minutes.to_string(),
            slot_minutes: r.slot_minutes.to_string(),
            min_notice_hours: r.min_notice_hours.to_string(),
            max_notice_days: r.max_notice_days.to_string(),
            buffer_minutes: r.buffer_minutes.to_string(),
            approval_required: r.approval_required,
            quota_hours: r.quota.map(|q| q.hours.to_string()).unwrap_or_default(),
            quota_period: r.quota.map(|q| q.period.id().to_owned()).unwrap_or_default(),
            quota_per: r.quota.map(|q| q.per.id().to_owned()).unwrap_or_default(),
            blackouts: r.blackouts.iter().map(blackout).collect::<Vec<_>>().join("\n"),
            max_occurrences: r.max_occurrences.to_string(),
        }
    }

    fn title(&self) -> &str {
        self.title.get(Language::En)
    }

    fn language(&self) -> Option<Language> {
        None
    }

    fn facets(&self) -> Vec<(&'static str, String)> {
        let mut facets = vec![("type", self.facility_type.id().to_owned())];
        facets.extend(self.rates.open_to().map(|u| ("user-type", u.id().to_owned())));
        facets.push(("training", if self.training_required { "required" } else { "none" }.to_owned()));
        facets
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        let d = self.to_draft();
        let flag = |b: bool| if b { "yes" } else { "no" }.to_owned();
        vec![
            ("type", d.facility_type),
            ("title_en", d.title_en),
            ("title_nl", d.title_nl),
            ("description_en", d.description_en),
            ("description_nl", d.description_nl),
            ("location", d.location),
            ("contact", d.contact),
            ("rate_internal", d.rate_internal),
            ("rate_academic", d.rate_academic),
            ("rate_industry", d.rate_industry),
            ("training_required", flag(d.training_required)),
            ("min_minutes", d.min_minutes),
            ("max_minutes", d.max_minutes),
            ("slot_minutes", d.slot_minutes),
            ("min_notice_hours", d.min_notice_hours),
            ("max_notice_days", d.max_notice_days),
            ("buffer_minutes", d.buffer_minutes),
            ("approval_required", flag(d.approval_required)),
            ("quota_hours", d.quota_hours),
            ("quota_period", d.quota_period),
            ("quota_per", d.quota_per),
            ("blackouts", d.blackouts),
            ("max_occurrences", d.max_occurrences),
        ]
    }

    fn search_document(item: &Item<Self>) -> SearchDocument {
        let record = &item.record;
        let body = record.description.both().chain([record.location.as_str()]).collect::<Vec<_>>().join("\n");
        SearchDocument::of_item(item, &record.title, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn draft() -> FacilityDraft {
        FacilityDraft {
            facility_type: "cryo-em".into(),
            title_en: "Titan Krios cryo-EM".into(),
            description_en: "A 300 kV cryo-electron microscope with a Falcon 4i detector.".into(),
            location: "Plesmanlaan 121, Amsterdam".into(),
            contact: "Cryo-EM desk, +31 20 512 9111".into(),
            rate_internal: "95".into(),
            rate_academic: "120.50".into(),
            slot_minutes: "60".into(),
            min_minutes: "60".into(),
            max_minutes: "480".into(),
            buffer_minutes: "30".into(),
            quota_hours: "16".into(),
            quota_period: "week".into(),
            quota_per: "organisation".into(),
            blackouts: "2027-12-24..2027-12-26\n2027-08-02".into(),
            ..FacilityDraft::default()
        }
    }

    #[test]
    fn a_draft_becomes_a_record_and_back() {
        let record = Facility::validate(draft()).expect("valid");
        assert_eq!(record.rates.academic, Some(12_050));
        assert_eq!(record.rates.industry, None);
        assert_eq!(record.rules.blackouts[0].from.to_string(), "2027-08-02", "in order");
        assert_eq!(record.rules.quota.map(|q| q.per), Some(QuotaScope::Organisation));
        assert_eq!(Facility::validate(record.to_draft()), Ok(record));
    }

    #[test]
    fn every_refused_field_is_named() {
        let bad = FacilityDraft {
            facility_type: "telescope".into(),
            contact: String::new(),
            rate_internal: "-5".into(),
            rate_academic: "12.345".into(),
            slot_minutes: "7".into(),
            min_minutes: "90".into(),
            max_minutes: "60".into(),
            quota_period: "year".into(),
            blackouts: "2027-12-26..2027-12-24".into(),
            max_occurrences: "500".into(),
            ..draft()
        };
        let fields: Vec<_> = Facility::validate(bad).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "type",
                "contact",
                "rate_internal",
                "rate_academic",
                "slot_minutes",
                "min_minutes",
                "quota_period",
                "blackouts",
                "max_occurrences"
            ]
        );
    }

    #[test]
    fn durations_follow_the_slot_grid() {
        let bad = FacilityDraft { slot_minutes: "30".into(), min_minutes: "45".into(), ..draft() };
        let errors = Facility::validate(bad).unwrap_err();
        assert_eq!(errors[0].field, "min_minutes");
        assert_eq!(errors[0].reason, Reason::NotMultipleOf { step: 30 });
    }
}
