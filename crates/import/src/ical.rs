//! iCalendar feeds (RFC 5545) of an organisation's events, as calendar programs publish them
//! (Google Calendar, Outlook and Exchange, Apple Calendar, Nextcloud): every VEVENT becomes an
//! event of the organisation, each occurrence of a recurring one (RRULE, RDATE, less EXDATE,
//! with RECURRENCE-ID overrides) an event of its own. Times keep their zone: an IANA TZID,
//! Outlook's Windows zone names, UTC, or floating times read in the region's zone; all-day
//! events stay whole days.
//!
//! A feed is read whole before anything is written: a broken one is refused with its line
//! and reason and changes nothing. Importing it again updates its events, found by UID (and
//! occurrence); an event the hub has already, by title and start, is not added twice.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use icalendar::parser::{Component, Property};
use lshub_domain::content::Written;
use lshub_domain::event::SOURCE_FACET;
use lshub_domain::event::{Event, EventSource, EventType, RegistrationRules, DESCRIPTION_MAX_CHARS, TITLE_MAX_CHARS};
use lshub_domain::language::Bilingual;
use lshub_domain::{Language, Organisation};
use lshub_storage::audit::AuditEvent;
use lshub_storage::content::{Author, ImportedCounts, ImportedItem};
use lshub_storage::{Database, Progress};

use crate::ImportError;

/// Who the history of an imported event names as its author.
const IMPORT_AUTHOR: &str = "calendar import";
/// Occurrences of one recurring event taken at most; a daily rule without end stops here.
const MAX_OCCURRENCES: u16 = 500;

/// How a feed's events are read.
#[derive(Debug, Clone)]
pub struct FeedSettings {
    /// Where the feed is (its address or file), kept with each event.
    pub feed: String,
    /// The language its titles and descriptions are in.
    pub language: Language,
    pub event_type: EventType,
    /// The IANA zone of floating times and all-day events.
    pub time_zone: String,
    /// Only events that end after this, and occurrences that start before `until`.
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

/// Why a feed was refused: the line (in the file as sent) and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct FeedError {
    pub line: usize,
    pub reason: String,
}

fn refuse(line: usize, reason: impl Into<String>) -> FeedError {
    FeedError { line, reason: reason.into() }
}

/// What reading a feed found.
#[derive(Debug, Clone, Default)]
pub struct ReadFeed {
    pub events: Vec<Event>,
    /// VEVENTs left out, and why: cancelled, no title, or over before the window.
    pub skipped: usize,
}

/// A content line after unfolding, with the line of the file it began on.
struct Line<'a> {
    number: usize,
    text: std::borrow::Cow<'a, str>,
}

/// Joins folded lines (RFC 5545 §3.1), keeping where each began.
fn unfold(text: &str) -> Vec<Line<'_>> {
    let mut lines: Vec<Line<'_>> = Vec::new();
    for (index, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match (raw.strip_prefix([' ', '\t']), lines.last_mut()) {
            (Some(rest), Some(last)) => last.text.to_mut().push_str(rest),
            _ if raw.is_empty() => {}
            _ => lines.push(Line { number: index + 1, text: raw.into() }),
        }
    }
    lines
}

/// Where each VEVENT directly inside the calendar begins, and the line of each of its
/// properties (the first of a name).
struct Layout {
    events: Vec<(usize, HashMap<String, usize>)>,
}

/// Checks the lines' form and the nesting of BEGIN and END before the parser sees them, so
/// that a broken feed is refused with the line that breaks it.
fn layout(lines: &[Line<'_>]) -> Result<Layout, FeedError> {
    let mut open: Vec<(String, usize)> = Vec::new();
    let mut events = Vec::new();
    let first = lines.first().ok_or_else(|| refuse(1, "the file is empty"))?;
    if !first.text.eq_ignore_ascii_case("BEGIN:VCALENDAR") {
        return Err(refuse(first.number, "an iCalendar file starts with BEGIN:VCALENDAR"));
    }
    for line in lines {
        let text = line.text.as_ref();
        let name_end = text.find([';', ':']).ok_or_else(|| refuse(line.number, "a line without a colon"))?;
        let name = &text[..name_end];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(refuse(line.number, format!("{name:?} is not a property name")));
        }
        let name = name.to_ascii_uppercase();
        let value = value_of(text).ok_or_else(|| refuse(line.number, "a line without a colon"))?;
        match name.as_str() {
            "BEGIN" => {
                let component = value.trim().to_ascii_uppercase();
                if component == "VEVENT" && open.len() == 1 {
                    events.push((line.number, HashMap::new()));
                }
                open.push((component, line.number));
            }
            "END" => {
                let component = value.trim().to_ascii_uppercase();
                match open.pop() {
                    Some((begun, _)) if begun == component => {}
                    Some((begun, at)) => {
                        return Err(refuse(
                            line.number,
                            format!("END:{component} where BEGIN:{begun} of line {at} is open"),
                        ))
                    }
                    None => return Err(refuse(line.number, format!("END:{component} without BEGIN"))),
                }
                if open.is_empty() && !std::ptr::eq(line, lines.last().unwrap_or(line)) {
                    let next = lines.iter().find(|l| l.number > line.number).map_or(line.number, |l| l.number);
                    return Err(refuse(next, "lines after END:VCALENDAR"));
                }
            }
            _ if open.is_empty() => return Err(refuse(line.number, "a line outside BEGIN:VCALENDAR")),
            _ => {
                if let (Some((component, _)), Some((_, properties))) = (open.last(), events.last_mut()) {
                    if component == "VEVENT" && open.len() == 2 {
                        properties.entry(name).or_insert(line.number);
                    }
                }
            }
        }
    }
    if let Some((component, at)) = open.last() {
        return Err(refuse(*at, format!("BEGIN:{component} is never closed")));
    }
    Ok(Layout { events })
}

/// The value of a content line: after the first colon outside quoted parameter values.
fn value_of(line: &str) -> Option<&str> {
    let mut quoted = false;
    for (at, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ':' if !quoted => return Some(&line[at + 1..]),
            _ => {}
        }
    }
    None
}

/// Outlook and Exchange name zones as Windows does; the ones of the region and its
/// neighbours, and the most common others.
const WINDOWS_ZONES: &[(&str, &str)] = &[
    ("W. Europe Standard Time", "Europe/Amsterdam"),
    ("Romance Standard Time", "Europe/Brussels"),
    ("Central Europe Standard Time", "Europe/Budapest"),
    ("Central European Standard Time", "Europe/Warsaw"),
    ("GMT Standard Time", "Europe/London"),
    ("Greenwich Standard Time", "Atlantic/Reykjavik"),
    ("E. Europe Standard Time", "Europe/Chisinau"),
    ("FLE Standard Time", "Europe/Helsinki"),
    ("Eastern Standard Time", "America/New_York"),
    ("Pacific Standard Time", "America/Los_Angeles"),
    ("UTC", "UTC"),
    ("Coordinated Universal Time", "UTC"),
];

/// The IANA zone a TZID names: itself, a Windows name, or an IANA name inside a longer one
/// (`/mozilla.org/20050126_1/Europe/Amsterdam`).
fn iana_zone(tzid: &str) -> Option<String> {
    let tzid = tzid.trim().trim_matches('"');
    // Both the hub's zone database and the recurrence rules' must know it.
    let known = |name: &str| jiff::tz::db().get(name).is_ok() && name.parse::<chrono_tz::Tz>().is_ok();
    if known(tzid) {
        return Some(tzid.to_owned());
    }
    if let Some((_, iana)) = WINDOWS_ZONES.iter().find(|(windows, _)| windows.eq_ignore_ascii_case(tzid)) {
        return Some((*iana).to_owned());
    }
    let parts: Vec<&str> = tzid.split('/').collect();
    (0..parts.len()).map(|start| parts[start..].join("/")).find(|name| name.contains('/') && known(name))
}

/// A DATE or DATE-TIME value as the feed wrote it.
#[derive(Debug, Clone, Copy)]
enum When {
    Date(NaiveDate),
    Utc(DateTime<Utc>),
    Local(NaiveDateTime),
}

fn parameter<'a>(property: &'a Property<'_>, key: &str) -> Option<&'a str> {
    property
        .params
        .iter()
        .find(|p| p.key.as_str().eq_ignore_ascii_case(key))
        .and_then(|p| p.val.as_ref())
        .map(|v| v.as_str())
}

fn read_when(value: &str) -> Option<When> {
    let value = value.trim();
    if value.len() == 8 {
        return NaiveDate::parse_from_str(value, "%Y%m%d").ok().map(When::Date);
    }
    if let Some(utc) = value.strip_suffix('Z') {
        return NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S").ok().map(|t| When::Utc(t.and_utc()));
    }
    NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S").ok().map(When::Local)
}

/// A local time in an IANA zone as an instant, read as calendars read one a clock change
/// skips or repeats (RFC 5545 §3.3.5).
fn instant(local: NaiveDateTime, zone: &str) -> Option<DateTime<Utc>> {
    let zone = jiff::tz::db().get(zone).ok()?;
    let civil = jiff::civil::DateTime::new(
        i16::try_from(chrono::Datelike::year(&local)).ok()?,
        i8::try_from(chrono::Datelike::month(&local)).ok()?,
        i8::try_from(chrono::Datelike::day(&local)).ok()?,
        i8::try_from(chrono::Timelike::hour(&local)).ok()?,
        i8::try_from(chrono::Timelike::minute(&local)).ok()?,
        i8::try_from(chrono::Timelike::second(&local)).ok()?,
        0,
    )
    .ok()?;
    let at = zone.to_ambiguous_timestamp(civil).compatible().ok()?;
    DateTime::from_timestamp(at.as_second(), 0)
}

/// One VEVENT, its times read.
struct Read<'c> {
    component: &'c Component<'c>,
    line: usize,
    lines: HashMap<String, usize>,
    uid: String,
    /// The zone its times are shown in.
    zone: String,
    /// The zone its rule recurs in: its TZID's, UTC for UTC times, else the region's.
    rule_zone: String,
    all_day: bool,
    start: DateTime<Utc>,
    duration: Duration,
}

impl Read<'_> {
    fn text(&self, name: &str) -> Option<String> {
        let property = self.component.find_prop(name)?;
        let text = property.val.clone().unescape_text().as_str().trim().to_owned();
        (!text.is_empty()).then_some(text)
    }

    fn line_of(&self, name: &str) -> usize {
        self.lines.get(name).copied().unwrap_or(self.line)
    }
}

/// A DATE or DATE-TIME property read.
struct Timing {
    at: DateTime<Utc>,
    /// The IANA zone its TZID names.
    zone: Option<String>,
    /// A date, not a time: the midnight it begins.
    date: bool,
    /// Written in UTC (`…Z`).
    utc: bool,
}

/// A DATE or DATE-TIME property as an instant; floating times and dates are read in
/// `default_zone`.
fn read_time(property: &Property<'_>, line: usize, default_zone: &str) -> Result<Timing, FeedError> {
    let name = property.name.as_str().to_ascii_uppercase();
    let value = property.val.as_str();
    let wrong = || refuse(line, format!("{name} {value:?} is not a date or a date and time"));
    let zone = match parameter(property, "TZID") {
        Some(tzid) => {
            Some(iana_zone(tzid).ok_or_else(|| refuse(line, format!("{name} names an unknown time zone {tzid:?}")))?)
        }
        None => None,
    };
    let local_zone = zone.as_deref().unwrap_or(default_zone);
    let (at, date, utc) = match read_when(value).ok_or_else(wrong)? {
        When::Date(date) => (instant(date.and_hms_opt(0, 0, 0).ok_or_else(wrong)?, local_zone), true, false),
        When::Utc(at) => (Some(at), false, true),
        When::Local(local) => (instant(local, local_zone), false, false),
    };
    Ok(Timing { at: at.ok_or_else(wrong)?, zone, date, utc })
}

/// An RFC 5545 duration (`PT1H30M`, `P1D`, `-PT15M`).
fn read_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let mut rest = text.strip_prefix('P')?;
    let mut total = Duration::zero();
    let mut in_time = false;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('T') {
            in_time = true;
            rest = after;
            continue;
        }
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        let amount: i64 = rest[..digits].parse().ok()?;
        let unit = rest[digits..].chars().next()?;
        total += match (unit, in_time) {
            ('W', false) => Duration::weeks(amount),
            ('D', false) => Duration::days(amount),
            ('H', true) => Duration::hours(amount),
            ('M', true) => Duration::minutes(amount),
            ('S', true) => Duration::seconds(amount),
            _ => return None,
        };
        rest = &rest[digits + 1..];
    }
    Some(if negative { -total } else { total })
}

/// The instants a list property (EXDATE, RDATE) names.
fn read_list(property: &Property<'_>, line: usize, default_zone: &str) -> Result<Vec<DateTime<Utc>>, FeedError> {
    property
        .val
        .as_str()
        .split(',')
        .filter(|v| !v.trim().is_empty())
        .map(|value| {
            let single = Property { name: property.name.clone(), val: value.into(), params: property.params.clone() };
            read_time(&single, line, default_zone).map(|timing| timing.at)
        })
        .collect()
}

/// The starts of every occurrence of a recurring event in the window, as its rule, extra
/// dates and exceptions give them.
fn occurrences(event: &Read<'_>, settings: &FeedSettings) -> Result<Vec<DateTime<Utc>>, FeedError> {
    use icalendar::rrule::{RRuleSet, Tz};
    let mut starts = Vec::new();
    if let Some(rule) = event.component.find_prop("RRULE") {
        let line = event.line_of("RRULE");
        let local = local_text(event.start, &event.rule_zone);
        let text = format!("DTSTART;TZID={}:{local}\nRRULE:{}", event.rule_zone, rule.val.as_str());
        let set: RRuleSet = text.parse().map_err(|e| refuse(line, format!("RRULE: {e}")))?;
        let earliest = settings.from - event.duration;
        let result = set
            .after(earliest.with_timezone(&Tz::UTC))
            .before(settings.until.with_timezone(&Tz::UTC))
            .all(MAX_OCCURRENCES);
        starts.extend(result.dates.iter().map(|d| d.with_timezone(&Utc)));
    } else {
        starts.push(event.start);
    }
    for property in event.component.properties.iter().filter(|p| p.name.as_str().eq_ignore_ascii_case("RDATE")) {
        starts.extend(read_list(property, event.line_of("RDATE"), &event.zone)?);
    }
    let mut excluded = HashSet::new();
    for property in event.component.properties.iter().filter(|p| p.name.as_str().eq_ignore_ascii_case("EXDATE")) {
        excluded.extend(read_list(property, event.line_of("EXDATE"), &event.zone)?);
    }
    starts.retain(|start| !excluded.contains(start));
    starts.sort();
    starts.dedup();
    Ok(starts)
}

/// An instant as the wall clock in `zone` shows it, in iCalendar's form.
fn local_text(at: DateTime<Utc>, zone: &str) -> String {
    lshub_domain::event::local_time_in(at, zone).format("%Y%m%dT%H%M%S").to_string()
}

fn in_language(language: Language, text: String) -> Bilingual {
    match language {
        Language::En => Bilingual { en: Some(text), nl: None },
        Language::Nl => Bilingual { en: None, nl: Some(text) },
    }
}

fn clipped(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Reads a feed's events; refuses a broken feed with its line and reason.
pub fn read_feed(text: &str, settings: &FeedSettings) -> Result<ReadFeed, FeedError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = unfold(text);
    let layout = layout(&lines)?;
    let unfolded: String = lines.iter().map(|l| format!("{}\r\n", l.text)).collect();
    let calendar = icalendar::parser::read_calendar(&unfolded).map_err(|e| {
        // The parser counts lines of the unfolded text.
        let at = e.split("line ").nth(1).and_then(|n| n.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok());
        let line = at.and_then(|n: usize| lines.get(n.saturating_sub(1))).map_or(1, |l| l.number);
        refuse(line, e.lines().next().unwrap_or("unreadable").trim_start_matches("error: ").to_owned())
    })?;
    let vevents: Vec<&Component<'_>> =
        calendar.components.iter().filter(|c| c.name.as_str().eq_ignore_ascii_case("VEVENT")).collect();
    let mut read = Vec::new();
    for (component, (line, lines)) in vevents.into_iter().zip(layout.events) {
        let at = |name: &str| lines.get(name).copied().unwrap_or(line);
        let start = component.find_prop("DTSTART").ok_or_else(|| refuse(line, "a VEVENT without DTSTART"))?;
        let timing = read_time(start, at("DTSTART"), &settings.time_zone)?;
        let (start_at, all_day) = (timing.at, timing.date);
        let zone = timing.zone.clone().unwrap_or_else(|| settings.time_zone.clone());
        let rule_zone = match (&timing.zone, timing.utc) {
            (Some(zone), _) => zone.clone(),
            (None, true) => "UTC".to_owned(),
            (None, false) => settings.time_zone.clone(),
        };
        let duration = match (component.find_prop("DTEND"), component.find_prop("DURATION")) {
            (Some(end), _) => read_time(end, at("DTEND"), &zone)?.at - start_at,
            (None, Some(duration)) => read_duration(duration.val.as_str()).ok_or_else(|| {
                refuse(at("DURATION"), format!("DURATION {:?} is not a duration", duration.val.as_str()))
            })?,
            (None, None) if all_day => Duration::days(1),
            (None, None) => Duration::zero(),
        };
        let uid = match component.find_prop("UID") {
            Some(uid) if !uid.val.as_str().trim().is_empty() => uid.val.as_str().trim().to_owned(),
            // Without a UID the title and start are the event's identity.
            _ => {
                let summary = component.find_prop("SUMMARY").map(|s| s.val.as_str().to_owned()).unwrap_or_default();
                format!("{}@{}", start_at.format("%Y%m%dT%H%M%SZ"), lshub_domain::text::slugify(&summary))
            }
        };
        read.push(Read {
            component,
            line,
            lines,
            uid,
            zone,
            rule_zone,
            all_day,
            start: start_at,
            duration: duration.max(Duration::zero()),
        });
    }

    // A RECURRENCE-ID replaces the occurrence of its UID that started then.
    let mut overridden: HashSet<(String, DateTime<Utc>)> = HashSet::new();
    for event in &read {
        if let Some(id) = event.component.find_prop("RECURRENCE-ID") {
            let original = read_time(id, event.line_of("RECURRENCE-ID"), &event.zone)?.at;
            overridden.insert((event.uid.clone(), original));
        }
    }
    let mut out = ReadFeed::default();
    for event in &read {
        let recurring = event.component.find_prop("RRULE").is_some() || event.component.find_prop("RDATE").is_some();
        let cancelled = event.text("STATUS").is_some_and(|s| s.eq_ignore_ascii_case("CANCELLED"));
        let Some(title) = event.text("SUMMARY") else {
            out.skipped += 1;
            continue;
        };
        if cancelled {
            out.skipped += 1;
            continue;
        }
        let occurrence_of = match event.component.find_prop("RECURRENCE-ID") {
            Some(id) => Some(read_time(id, event.line_of("RECURRENCE-ID"), &event.zone)?.at),
            None => None,
        };
        let starts =
            if recurring && occurrence_of.is_none() { occurrences(event, settings)? } else { vec![event.start] };
        for start in starts {
            let occurrence = if recurring && occurrence_of.is_none() { Some(start) } else { occurrence_of };
            if occurrence_of.is_none() && overridden.contains(&(event.uid.clone(), start)) {
                continue;
            }
            let ends_at = start + event.duration;
            if ends_at < settings.from || start >= settings.until {
                out.skipped += 1;
                continue;
            }
            out.events.push(Event {
                event_type: settings.event_type,
                title: in_language(settings.language, clipped(&title, TITLE_MAX_CHARS)),
                description: match event.text("DESCRIPTION") {
                    Some(text) => in_language(settings.language, clipped(&text, DESCRIPTION_MAX_CHARS)),
                    None => Bilingual::default(),
                },
                place: event.text("LOCATION").unwrap_or_default(),
                starts_at: start,
                ends_at,
                time_zone: event.zone.clone(),
                organisers: Vec::new(),
                language: settings.language,
                registration: RegistrationRules {
                    capacity: None,
                    requires_approval: false,
                    closes_at: None,
                    cancellable_until: None,
                },
                all_day: event.all_day,
                source: Some(EventSource { feed: settings.feed.clone(), uid: event.uid.clone(), occurrence }),
                meetings: None,
            });
        }
    }
    Ok(out)
}

/// What an import of a feed did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedReport {
    pub counts: ImportedCounts,
    /// Events the hub had already, by title and start, from elsewhere.
    pub duplicates: usize,
    /// VEVENTs left out: cancelled, without a title, or outside the window.
    pub skipped: usize,
}

/// Reads the feed `text` and saves its events as `owner`'s, all or none.
pub async fn import_ical(
    db: &Database,
    owner: &Organisation,
    text: &str,
    settings: &FeedSettings,
    progress: &dyn Progress,
) -> Result<FeedReport, ImportError> {
    let read = read_feed(text, settings).map_err(|e| ImportError::BrokenFeed {
        feed: settings.feed.clone(),
        line: e.line,
        reason: e.reason,
    })?;
    // An event already in the hub by its title and start, not from this feed entry, is the
    // same event: it is not added a second time.
    let known: HashSet<(String, DateTime<Utc>)> = db
        .all_items::<Event>()
        .await?
        .into_iter()
        .filter(|item| item.state == lshub_domain::content::State::Published)
        .filter(|item| item.record.source.as_ref().is_none_or(|s| s.feed != settings.feed))
        .map(|item| (lshub_domain::text::fold(item.record.title()), item.record.starts_at))
        .collect();
    let mut report = FeedReport { skipped: read.skipped, ..FeedReport::default() };
    let mut items = Vec::new();
    let mut keys = HashSet::new();
    for event in read.events {
        let key = event.source.as_ref().map(EventSource::key).unwrap_or_default();
        // A feed that lists one event twice (the same UID and occurrence) brings it once.
        let listed = known.contains(&(lshub_domain::text::fold(event.title()), event.starts_at));
        if listed || !keys.insert(key.clone()) {
            report.duplicates += 1;
            continue;
        }
        items.push(ImportedItem {
            owner_id: owner.id.clone(),
            key: (SOURCE_FACET, key),
            record: event,
            published_at: None,
            updated_at: None,
        });
    }
    let audit = AuditEvent {
        actor_id: None,
        actor_label: IMPORT_AUTHOR,
        action: "import.ical",
        subject: &owner.slug,
        detail: format!("{} events from {}", items.len(), settings.feed),
        client: "",
    };
    let author = Author { user_id: None, label: IMPORT_AUTHOR };
    report.counts = db.import_items(&items, author, audit, progress).await?;
    Ok(report)
}
