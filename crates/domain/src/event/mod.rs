//! Events of the region: lectures, meetings, conferences and matchmaking days, with their
//! place, their start and end in a named time zone, the organisations that organise them,
//! and how they take registrations ([`registration`]).

pub mod meetings;
pub mod registration;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::content::{Item, Reference, SearchDocument, Written, EVENT};
use crate::language::{Bilingual, Language};
use crate::record::Versioned;
use crate::text::slugify;
use crate::validation::{optional_language_text, text, Reason, ValidationError};

pub use registration::{RegistrationRefusal, RegistrationRules, RegistrationState};

pub const TITLE_MAX_CHARS: usize = 200;
pub const DESCRIPTION_MAX_CHARS: usize = 8_000;
const PLACE_MAX_CHARS: usize = 300;
pub const MAX_ORGANISERS: usize = 10;
/// How drafts write local times.
const DRAFT_TIME: &str = "%Y-%m-%d %H:%M";
/// The time zone of an event whose organiser names none.
pub const DEFAULT_TIME_ZONE: &str = "Europe/Amsterdam";

/// What kind of event it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventType {
    Lecture,
    Meeting,
    Conference,
    /// A day of one-to-one meetings between participants who chose each other.
    MatchmakingDay,
}

impl EventType {
    pub const ALL: [EventType; 4] =
        [EventType::Lecture, EventType::Meeting, EventType::Conference, EventType::MatchmakingDay];

    pub fn id(self) -> &'static str {
        match self {
            EventType::Lecture => "lecture",
            EventType::Meeting => "meeting",
            EventType::Conference => "conference",
            EventType::MatchmakingDay => "matchmaking-day",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.id() == id)
    }
}

/// An event, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub event_type: EventType,
    pub title: Bilingual,
    pub description: Bilingual,
    /// The venue and its address, one line ("Amsterdam Science Park 904, Amsterdam").
    pub place: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The IANA time zone its times were given in and are shown in.
    pub time_zone: String,
    /// Address names (slugs) of the organising organisations, the owner's among them.
    pub organisers: Vec<String>,
    /// The language it is held in.
    pub language: Language,
    pub registration: RegistrationRules,
    /// Held on whole days: `starts_at` is the first day's midnight where it is held,
    /// `ends_at` the midnight after the last (iCalendar's exclusive end).
    #[serde(default)]
    pub all_day: bool,
    /// The feed it was imported from, for events that came from an organisation's calendar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<EventSource>,
    /// A matchmaking day's slots and tables for one-to-one meetings, as its organiser set
    /// them; see [`Event::meeting_grid`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meetings: Option<meetings::MeetingGrid>,
}

/// Where an imported event came from: its feed, its UID there, and for one occurrence of a
/// recurring event, that occurrence's original start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSource {
    pub feed: String,
    pub uid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurrence: Option<DateTime<Utc>>,
}

/// The facet under which an imported event is found again, whatever its slug.
pub const SOURCE_FACET: &str = "ical-uid";

impl EventSource {
    /// The event's identity in its feed: the UID, and the occurrence of a recurring one.
    pub fn key(&self) -> String {
        match self.occurrence {
            Some(at) => format!("{}#{}", self.uid, at.format("%Y%m%dT%H%M%SZ")),
            None => self.uid.clone(),
        }
    }
}

/// An event as an organiser submits it: every field as text. Times are local to
/// `time_zone` (`2027-03-01 14:00`); organisers are separated by commas or new lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventDraft {
    pub event_type: String,
    pub title_en: String,
    pub title_nl: String,
    pub description_en: String,
    pub description_nl: String,
    pub place: String,
    pub starts: String,
    pub ends: String,
    pub time_zone: String,
    pub organisers: String,
    pub language: String,
    /// Seats; empty for as many as come.
    pub capacity: String,
    /// `true` when each registration waits for the organiser's approval.
    pub requires_approval: bool,
    /// Local times, like `starts`; empty for the event's start.
    pub registration_closes: String,
    pub cancellable_until: String,
    /// A matchmaking day's slot length in minutes and number of tables; empty for the
    /// defaults. Slots run from the start to the end.
    pub meeting_minutes: String,
    pub meeting_tables: String,
}

/// A local date and time in `zone` as an instant. A time that a change to summer time skips
/// or that its end repeats is read as the clocks on the wall would show it (RFC 5545's
/// rule, as calendars do).
fn local_time(
    field: &'static str,
    value: &str,
    zone: Option<&jiff::tz::TimeZone>,
) -> Result<Option<DateTime<Utc>>, ValidationError> {
    let not_date_time = || ValidationError::new(field, Reason::NotDateTime { value: value.to_owned() });
    let civil: jiff::civil::DateTime = value.trim().replacen(' ', "T", 1).parse().map_err(|_| not_date_time())?;
    let Some(zone) = zone else { return Ok(None) };
    let instant = zone.to_ambiguous_timestamp(civil).compatible().map_err(|_| not_date_time())?;
    DateTime::from_timestamp(instant.as_second(), instant.subsec_nanosecond().unsigned_abs())
        .map(Some)
        .ok_or_else(not_date_time)
}

/// An instant as the wall clock shows it in the IANA `zone` (in UTC should the zone be
/// unknown, which validation prevents).
pub fn local_time_in(instant: DateTime<Utc>, zone: &str) -> NaiveDateTime {
    let local = jiff::Timestamp::new(instant.timestamp(), 0)
        .ok()
        .and_then(|t| jiff::tz::db().get(zone).ok().map(|tz| tz.to_datetime(t)))
        .and_then(|local| {
            let date = NaiveDate::from_ymd_opt(
                local.year().into(),
                local.month().try_into().ok()?,
                local.day().try_into().ok()?,
            )?;
            date.and_hms_opt(
                local.hour().try_into().ok()?,
                local.minute().try_into().ok()?,
                local.second().try_into().ok()?,
            )
        });
    local.unwrap_or_else(|| instant.naive_utc())
}

impl Event {
    /// When it starts, as the wall clock shows it where it is held.
    pub fn local_start(&self) -> NaiveDateTime {
        local_time_in(self.starts_at, &self.time_zone)
    }

    pub fn local_end(&self) -> NaiveDateTime {
        local_time_in(self.ends_at, &self.time_zone)
    }
}

impl Versioned for Event {
    const RECORD_VERSION: u32 = 1;
}

impl Written for Event {
    const KIND: &'static crate::content::Kind = &EVENT;
    type Draft = EventDraft;

    fn validate(draft: EventDraft) -> Result<Self, Vec<ValidationError>> {
        Event::from_draft(&draft)
    }

    fn to_draft(&self) -> EventDraft {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        let local = |instant: Option<DateTime<Utc>>| {
            instant.map(|t| local_time_in(t, &self.time_zone).format(DRAFT_TIME).to_string()).unwrap_or_default()
        };
        EventDraft {
            event_type: self.event_type.id().to_owned(),
            title_en: text(&self.title.en),
            title_nl: text(&self.title.nl),
            description_en: text(&self.description.en),
            description_nl: text(&self.description.nl),
            place: self.place.clone(),
            starts: local(Some(self.starts_at)),
            ends: local(Some(self.ends_at)),
            time_zone: self.time_zone.clone(),
            organisers: self.organisers.join(", "),
            language: self.language.code().to_owned(),
            capacity: self.registration.capacity.map(|c| c.to_string()).unwrap_or_default(),
            requires_approval: self.registration.requires_approval,
            registration_closes: local(self.registration.closes_at),
            cancellable_until: local(self.registration.cancellable_until),
            meeting_minutes: self.meetings.as_ref().map(|g| g.slot_minutes.to_string()).unwrap_or_default(),
            meeting_tables: self.meetings.as_ref().map(|g| g.tables.to_string()).unwrap_or_default(),
        }
    }

    fn title(&self) -> &str {
        self.title.get(Language::En)
    }

    fn language(&self) -> Option<Language> {
        Some(self.language)
    }

    /// Keeps where an imported event came from through a member's edits, and that it takes
    /// whole days while its times stay those days' midnights.
    fn carry_over(&mut self, previous: &Self) {
        self.source.clone_from(&previous.source);
        self.all_day = previous.all_day && (self.starts_at, self.ends_at) == (previous.starts_at, previous.ends_at);
    }

    fn facets(&self) -> Vec<(&'static str, String)> {
        let mut facets = vec![("type", self.event_type.id().to_owned()), ("language", self.language.code().to_owned())];
        // A later import finds the event by its UID in its feed.
        facets.extend(self.source.iter().map(|source| (SOURCE_FACET, source.key())));
        facets
    }

    fn references(&self) -> Vec<Reference> {
        self.organisers.iter().map(|slug| Reference::Organisation { field: "organisers", slug: slug.clone() }).collect()
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        let d = self.to_draft();
        vec![
            ("event_type", d.event_type),
            ("title_en", d.title_en),
            ("title_nl", d.title_nl),
            ("description_en", d.description_en),
            ("description_nl", d.description_nl),
            ("place", d.place),
            ("starts", d.starts),
            ("ends", d.ends),
            ("time_zone", d.time_zone),
            ("organisers", d.organisers),
            ("language", d.language),
            ("capacity", d.capacity),
            ("requires_approval", d.requires_approval.to_string()),
            ("registration_closes", d.registration_closes),
            ("cancellable_until", d.cancellable_until),
            ("meeting_minutes", d.meeting_minutes),
            ("meeting_tables", d.meeting_tables),
        ]
    }

    fn search_document(item: &Item<Self>) -> SearchDocument {
        let record = &item.record;
        let mut aliases: Vec<String> = record.title.both().skip(1).map(str::to_owned).collect();
        aliases.push(item.owner.name.clone());
        let mut body: Vec<&str> = record.description.both().collect();
        body.push(&record.place);
        SearchDocument {
            entity: &EVENT,
            id: item.slug.clone(),
            key: item.slug.clone(),
            title: record.title.both().next().unwrap_or_default().to_owned(),
            aliases,
            legal_names: Vec::new(),
            body: body.join("\n"),
            facets: vec![
                ("organisation", item.owner.slug.clone()),
                ("type", record.event_type.id().to_owned()),
                ("language", record.language.code().to_owned()),
            ],
        }
    }
}

impl Event {
    /// Checks a draft field by field, naming each field that is wrong.
    pub fn from_draft(d: &EventDraft) -> Result<Event, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let mut keep = |result: Result<Option<String>, ValidationError>| match result {
            Ok(value) => value,
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let title = Bilingual {
            en: keep(optional_language_text("title_en", &d.title_en, TITLE_MAX_CHARS, true)),
            nl: keep(optional_language_text("title_nl", &d.title_nl, TITLE_MAX_CHARS, true)),
        };
        let description = Bilingual {
            en: keep(optional_language_text("description_en", &d.description_en, DESCRIPTION_MAX_CHARS, false)),
            nl: keep(optional_language_text("description_nl", &d.description_nl, DESCRIPTION_MAX_CHARS, false)),
        };
        let place = keep(optional_language_text("place", &d.place, PLACE_MAX_CHARS, true));
        if text(&d.title_en).is_none() && text(&d.title_nl).is_none() {
            errors.push(ValidationError::new("title_en", Reason::GiveOneOf { choices: "title_en, title_nl" }));
        }
        if text(&d.place).is_none() {
            errors.push(ValidationError::new("place", Reason::Empty));
        }
        let event_type = EventType::from_id(d.event_type.trim());
        if event_type.is_none() {
            let allowed = EventType::ALL.map(EventType::id).join(", ");
            errors.push(ValidationError::new("event_type", Reason::NotOneOf { value: d.event_type.clone(), allowed }));
        }
        let language = Language::from_tag(&d.language).filter(|l| l.code() == d.language.trim());
        if language.is_none() {
            let value = d.language.clone();
            errors.push(ValidationError::new("language", Reason::NotOneOf { value, allowed: "en, nl".into() }));
        }
        let time_zone = text(&d.time_zone).unwrap_or_else(|| DEFAULT_TIME_ZONE.to_owned());
        let zone = jiff::tz::db().get(&time_zone).ok();
        if zone.is_none() {
            errors.push(ValidationError::new("time_zone", Reason::NotTimeZone { value: time_zone.clone() }));
        }
        // Read even when the zone is unknown, so that every wrong field is named at once.
        let mut time = |field: &'static str, value: &str, required: bool| -> Option<DateTime<Utc>> {
            match text(value) {
                None if required => {
                    errors.push(ValidationError::new(field, Reason::Empty));
                    None
                }
                None => None,
                Some(value) => local_time(field, &value, zone.as_ref()).map_err(|e| errors.push(e)).ok().flatten(),
            }
        };
        let starts_at = time("starts", &d.starts, true);
        let ends_at = time("ends", &d.ends, true);
        let closes_at = time("registration_closes", &d.registration_closes, false);
        let cancellable_until = time("cancellable_until", &d.cancellable_until, false);
        if let (Some(starts), Some(ends)) = (starts_at, ends_at) {
            if ends <= starts {
                errors.push(ValidationError::new("starts", Reason::After { other: "ends" }));
            }
        }
        let mut organisers: Vec<String> = Vec::new();
        for slug in d.organisers.split([',', '\n', '\r']).filter_map(text) {
            if slugify(&slug) != slug {
                errors.push(ValidationError::new("organisers", Reason::NotAddressName { value: slug }));
            } else if !organisers.contains(&slug) {
                organisers.push(slug);
            }
        }
        if organisers.len() > MAX_ORGANISERS {
            errors.push(ValidationError::new("organisers", Reason::TooManyEntries { max: MAX_ORGANISERS }));
        }
        let capacity = match text(&d.capacity) {
            None => None,
            Some(value) => match value.parse::<u32>() {
                Ok(seats) if seats > 0 => Some(seats),
                _ => {
                    errors.push(ValidationError::new(
                        "capacity",
                        Reason::NotWholeNumberInRange { min: 1, max: i64::from(u32::MAX) },
                    ));
                    None
                }
            },
        };
        let mut number =
            |field: &'static str, value: &str, range: std::ops::RangeInclusive<u32>, default: u32| match text(value) {
                None => Some(default),
                Some(value) => value.parse::<u32>().ok().filter(|n| range.contains(n)).or_else(|| {
                    let (min, max) = (i64::from(*range.start()), i64::from(*range.end()));
                    errors.push(ValidationError::new(field, Reason::NotWholeNumberInRange { min, max }));
                    None
                }),
            };
        let slot_minutes =
            number("meeting_minutes", &d.meeting_minutes, meetings::SLOT_MINUTES, meetings::DEFAULT_SLOT_MINUTES);
        let tables = number("meeting_tables", &d.meeting_tables, meetings::TABLES, meetings::DEFAULT_TABLES);
        let mut meetings = None;
        if let (Some(EventType::MatchmakingDay), Some(starts), Some(ends), Some(minutes), Some(tables)) =
            (event_type, starts_at, ends_at, slot_minutes, tables)
        {
            meetings = meetings::MeetingGrid::spanning(starts, ends, minutes, tables);
            if meetings.is_none() && ends > starts {
                let reason = Reason::ValueMoreThan {
                    value: i64::from(minutes),
                    other: "the event's minutes",
                    limit: (ends - starts).num_minutes(),
                };
                errors.push(ValidationError::new("meeting_minutes", reason));
            }
        }
        match (event_type, language, place, starts_at, ends_at) {
            (Some(event_type), Some(language), Some(place), Some(starts_at), Some(ends_at)) if errors.is_empty() => {
                Ok(Event {
                    event_type,
                    title,
                    description,
                    place,
                    starts_at,
                    ends_at,
                    time_zone,
                    organisers,
                    language,
                    registration: RegistrationRules {
                        capacity,
                        requires_approval: d.requires_approval,
                        closes_at,
                        cancellable_until,
                    },
                    all_day: false,
                    source: None,
                    meetings,
                })
            }
            _ => Err(errors),
        }
    }

    /// A matchmaking day's grid of meeting slots and tables: as its organiser set it, or
    /// the default slots across the day for one that came without (an imported one).
    /// Other events have no one-to-one meetings.
    pub fn meeting_grid(&self) -> Option<meetings::MeetingGrid> {
        if self.event_type != EventType::MatchmakingDay {
            return None;
        }
        self.meetings.clone().or_else(|| {
            meetings::MeetingGrid::spanning(
                self.starts_at,
                self.ends_at,
                meetings::DEFAULT_SLOT_MINUTES,
                meetings::DEFAULT_TABLES,
            )
        })
    }

    /// The place on OpenStreetMap, found by its text.
    pub fn map_link(&self) -> String {
        let query = url::form_urlencoded::Serializer::new(String::new()).append_pair("query", &self.place).finish();
        format!("https://www.openstreetmap.org/search?{query}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> EventDraft {
        EventDraft {
            event_type: "matchmaking-day".into(),
            title_en: "AI in the clinic: matchmaking day".into(),
            place: "Amsterdam Science Park 904, Amsterdam".into(),
            starts: "2027-03-26 09:30".into(),
            ends: "2027-03-26 17:00".into(),
            organisers: "amsterdam-umc, sanquin".into(),
            language: "en".into(),
            capacity: "120".into(),
            ..EventDraft::default()
        }
    }

    fn fields(errors: &[ValidationError]) -> Vec<&str> {
        errors.iter().map(|e| e.field).collect()
    }

    #[test]
    fn local_times_become_instants_in_the_zone_given() {
        let event = Event::from_draft(&draft()).expect("valid");
        assert_eq!(event.time_zone, DEFAULT_TIME_ZONE);
        assert_eq!(event.starts_at.to_rfc3339(), "2027-03-26T08:30:00+00:00", "CET is UTC+1 in March");
        let summer = Event::from_draft(&EventDraft {
            starts: "2027-07-01 09:30".into(),
            ends: "2027-07-01 17:00".into(),
            ..draft()
        })
        .expect("valid");
        assert_eq!(summer.starts_at.to_rfc3339(), "2027-07-01T07:30:00+00:00", "CEST is UTC+2");
        let lisbon = Event::from_draft(&EventDraft { time_zone: "Europe/Lisbon".into(), ..draft() }).expect("valid");
        assert_eq!(lisbon.starts_at.to_rfc3339(), "2027-03-26T09:30:00+00:00");
        // 02:30 on the last Sunday of March does not happen in Amsterdam; the wall clock reads 03:30.
        let skipped = Event::from_draft(&EventDraft {
            starts: "2027-03-28 02:30".into(),
            ends: "2027-03-28 05:00".into(),
            ..draft()
        })
        .expect("valid");
        assert_eq!(skipped.starts_at.to_rfc3339(), "2027-03-28T01:30:00+00:00");
    }

    #[test]
    fn bad_fields_are_named() {
        let bad = EventDraft {
            event_type: "party".into(),
            title_en: String::new(),
            place: " ".into(),
            starts: "26-03-2027 09:30".into(),
            time_zone: "Europe/Atlantis".into(),
            organisers: "Amsterdam UMC".into(),
            language: "de".into(),
            capacity: "0".into(),
            ..draft()
        };
        let errors = Event::from_draft(&bad).expect_err("invalid");
        assert_eq!(
            fields(&errors),
            vec!["title_en", "place", "event_type", "language", "time_zone", "starts", "organisers", "capacity"]
        );
        let backwards = EventDraft { ends: "2027-03-26 09:00".into(), ..draft() };
        assert_eq!(fields(&Event::from_draft(&backwards).expect_err("invalid")), vec!["starts"]);
        let unreadable = EventDraft { starts: "tomorrow".into(), ..draft() };
        let errors = Event::from_draft(&unreadable).expect_err("invalid");
        assert_eq!(errors[0].reason, Reason::NotDateTime { value: "tomorrow".into() });
    }

    #[test]
    fn registration_rules_come_from_the_draft() {
        let event = Event::from_draft(&EventDraft {
            requires_approval: true,
            registration_closes: "2027-03-20 23:59".into(),
            ..draft()
        })
        .expect("valid");
        assert_eq!(event.registration.capacity, Some(120));
        assert!(event.registration.requires_approval);
        assert_eq!(event.registration.closes_at.map(|t| t.to_rfc3339()), Some("2027-03-20T22:59:00+00:00".into()));
        assert_eq!(event.registration.cancellable_until, None);
        assert_eq!(event.organisers, vec!["amsterdam-umc", "sanquin"]);
    }

    #[test]
    fn a_record_gives_back_its_draft() {
        let event =
            Event::from_draft(&EventDraft { cancellable_until: "2027-03-25 12:00".into(), ..draft() }).expect("valid");
        let again = Event::validate(event.to_draft()).expect("valid");
        assert_eq!(again, event);
        assert_eq!(event.to_draft().starts, "2027-03-26 09:30");
    }

    #[test]
    fn matchmaking_days_have_a_grid_of_meetings() {
        let event = Event::from_draft(&draft()).expect("valid");
        let grid = event.meeting_grid().expect("a grid");
        assert_eq!((grid.slot_minutes, grid.tables, grid.slots), (20, 10, 22), "09:30 to 17:00 in 20 minutes");
        let set =
            Event::from_draft(&EventDraft { meeting_minutes: "30".into(), meeting_tables: "4".into(), ..draft() })
                .expect("valid");
        assert_eq!(set.meetings.as_ref().map(|g| (g.slots, g.tables)), Some((15, 4)));
        assert_eq!(Event::validate(set.to_draft()).expect("valid"), set);
        let lecture = Event::from_draft(&EventDraft { event_type: "lecture".into(), ..draft() }).expect("valid");
        assert_eq!(lecture.meeting_grid(), None);
        let wrong = EventDraft { meeting_minutes: "600".into(), meeting_tables: "none".into(), ..draft() };
        assert_eq!(fields(&Event::from_draft(&wrong).expect_err("invalid")), ["meeting_minutes", "meeting_tables"]);
        let short = EventDraft { ends: "2027-03-26 09:40".into(), ..draft() };
        assert_eq!(fields(&Event::from_draft(&short).expect_err("invalid")), ["meeting_minutes"]);
    }

    #[test]
    fn the_map_link_searches_the_place() {
        let event = Event::from_draft(&draft()).expect("valid");
        assert_eq!(
            event.map_link(),
            "https://www.openstreetmap.org/search?query=Amsterdam+Science+Park+904%2C+Amsterdam"
        );
    }
}
