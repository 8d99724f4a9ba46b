//! The hub's clock: the time now, and the date in the region's time zone, which decides what
//! is open, due or expired. Tests move it forward to see tomorrow's hub.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use jiff::tz::TimeZone;

/// A cheap handle: clones share one clock, so moving one moves them all.
#[derive(Clone, Debug)]
pub struct Clock {
    zone: TimeZone,
    zone_name: Arc<str>,
    /// Seconds added to the system's time (0 outside tests).
    shift_seconds: Arc<AtomicI64>,
}

/// The region's time zone when none is set.
pub const DEFAULT_TIME_ZONE: &str = "Europe/Amsterdam";

#[derive(Debug, thiserror::Error)]
#[error("'{name}' is not a time zone of the IANA database (for example Europe/Amsterdam): {reason}")]
pub struct UnknownTimeZone {
    name: String,
    reason: String,
}

impl Default for Clock {
    /// The system's clock in [`DEFAULT_TIME_ZONE`] (UTC should the compiled-in time zone
    /// database ever lack it).
    fn default() -> Self {
        Self::system(DEFAULT_TIME_ZONE).unwrap_or_else(|_| Self {
            zone: TimeZone::UTC,
            zone_name: "UTC".into(),
            shift_seconds: Arc::new(AtomicI64::new(0)),
        })
    }
}

impl Clock {
    /// The system's clock, with dates in the IANA time zone `name`.
    pub fn system(name: &str) -> Result<Self, UnknownTimeZone> {
        let zone =
            jiff::tz::db().get(name).map_err(|e| UnknownTimeZone { name: name.to_owned(), reason: e.to_string() })?;
        Ok(Self { zone, zone_name: name.into(), shift_seconds: Arc::new(AtomicI64::new(0)) })
    }

    pub fn time_zone(&self) -> &str {
        &self.zone_name
    }

    /// The region's time zone, for reading local times.
    pub fn zone(&self) -> &TimeZone {
        &self.zone
    }

    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::seconds(self.shift_seconds.load(Ordering::Relaxed))
    }

    /// The date in the region now.
    pub fn today(&self) -> NaiveDate {
        self.date_at(self.now())
    }

    /// The region's date at `moment`.
    pub fn date_at(&self, moment: DateTime<Utc>) -> NaiveDate {
        let local = jiff::Timestamp::from_second(moment.timestamp())
            .map(|t| self.zone.to_datetime(t).date())
            .ok()
            .and_then(|d| {
                NaiveDate::from_ymd_opt(
                    i32::from(d.year()),
                    u32::from(d.month().unsigned_abs()),
                    u32::from(d.day().unsigned_abs()),
                )
            });
        // Outside jiff's range (years beyond ±9999) the UTC date is as good as any.
        local.unwrap_or_else(|| moment.date_naive())
    }

    /// The last second of `date` in the region, as the local time with its offset
    /// (`2027-02-01T23:59:59+01:00`): when a deadline on that date passes.
    pub fn end_of_day(&self, date: NaiveDate) -> String {
        use chrono::Datelike;
        let local = i8::try_from(date.month())
            .ok()
            .zip(i8::try_from(date.day()).ok())
            .zip(i16::try_from(date.year()).ok())
            .and_then(|((month, day), year)| jiff::civil::Date::new(year, month, day).ok())
            .and_then(|day| day.at(23, 59, 59, 0).to_zoned_datetime(self.zone.clone()).ok());
        match local {
            Some(zoned) => zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            None => format!("{date}T23:59:59Z"),
        }
    }

    /// Moves this clock (and every clone of it) by `by`.
    pub fn advance(&self, by: chrono::Duration) {
        self.shift_seconds.fetch_add(by.num_seconds(), Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_regions_date_turns_at_its_midnight() {
        let clock = Clock::system(DEFAULT_TIME_ZONE).expect("zone");
        let at = |s: &str| DateTime::parse_from_rfc3339(s).expect("time").with_timezone(&Utc);
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        // 23:30 UTC on 6 December is 00:30 on the 7th in Amsterdam (CET, UTC+1) ...
        assert_eq!(clock.date_at(at("2026-12-06T23:30:00Z")), day("2026-12-07"));
        assert_eq!(clock.date_at(at("2026-12-06T22:59:59Z")), day("2026-12-06"));
        // ... and in summer time (CEST, UTC+2) midnight is at 22:00 UTC.
        assert_eq!(clock.date_at(at("2026-07-01T22:00:00Z")), day("2026-07-02"));
        assert_eq!(clock.date_at(at("2026-07-01T21:59:59Z")), day("2026-07-01"));
    }

    #[test]
    fn a_day_ends_at_the_regions_midnight() {
        let clock = Clock::system(DEFAULT_TIME_ZONE).expect("zone");
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        assert_eq!(clock.end_of_day(day("2027-02-01")), "2027-02-01T23:59:59+01:00");
        assert_eq!(clock.end_of_day(day("2027-07-01")), "2027-07-01T23:59:59+02:00");
    }

    #[test]
    fn clones_move_together() {
        let clock = Clock::system("UTC").expect("zone");
        let other = clock.clone();
        let before = other.today();
        clock.advance(chrono::Duration::days(3));
        assert_eq!(other.today(), before + chrono::Duration::days(3));
    }

    #[test]
    fn unknown_zones_are_named() {
        let error = Clock::system("Europe/Atlantis").expect_err("no such zone");
        assert!(error.to_string().contains("Europe/Atlantis"));
    }
}
