//! Bookings of a facility: their states (requested → confirmed | rejected; confirmed →
//! cancelled | completed | no-show; a request may also be withdrawn), a request as a person
//! makes it (a local start on the facility's grid, a length, optional repeats), and the
//! rules it is checked by. The database keeps booked time as claims of [`CLAIM_MINUTES`]
//! slots under a unique key, so no two bookings can ever hold the same time.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use serde::{Deserialize, Serialize};

use super::{BookingRules, Quota, QuotaPeriod, UserType, CLAIM_MINUTES, MAX_OCCURRENCES};
use crate::choice::{ids, one_of};
use crate::organisation::OrganisationKind;
use crate::validation::{optional_line, text, Checks, Reason, ValidationError};

pub const NOTE_MAX_CHARS: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BookingState {
    Requested,
    Confirmed,
    Rejected,
    Cancelled,
    Completed,
    NoShow,
}
ids!(BookingState {
    Requested => "requested",
    Confirmed => "confirmed",
    Rejected => "rejected",
    Cancelled => "cancelled",
    Completed => "completed",
    NoShow => "no-show",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BookingMove {
    Confirm,
    Reject,
    Cancel,
    Complete,
    NoShow,
}
ids!(BookingMove {
    Confirm => "confirm",
    Reject => "reject",
    Cancel => "cancel",
    Complete => "complete",
    NoShow => "no-show",
});

impl BookingState {
    /// The state a move leads to, if the move is allowed from this one.
    pub fn after(self, change: BookingMove) -> Option<BookingState> {
        use BookingMove as M;
        use BookingState as S;
        match (self, change) {
            (S::Requested, M::Confirm) => Some(S::Confirmed),
            (S::Requested, M::Reject) => Some(S::Rejected),
            (S::Requested | S::Confirmed, M::Cancel) => Some(S::Cancelled),
            (S::Confirmed, M::Complete) => Some(S::Completed),
            (S::Confirmed, M::NoShow) => Some(S::NoShow),
            _ => None,
        }
    }

    /// Whether the booking keeps its time from others: all but rejected and cancelled ones.
    pub fn holds_time(self) -> bool {
        !matches!(self, BookingState::Rejected | BookingState::Cancelled)
    }
}

impl BookingMove {
    /// The booker may only withdraw or cancel; every move is the facility staff's.
    pub fn open_to_booker(self) -> bool {
        self == BookingMove::Cancel
    }

    /// Whether the move fits the booking's time: a cancellation before it starts, completion
    /// and no-show once it has; confirming or rejecting any time.
    pub fn in_time(self, span: &Span, now: DateTime<Utc>) -> Result<(), BookingRefusal> {
        match self {
            BookingMove::Cancel if now >= span.starts_at => Err(BookingRefusal::Begun),
            BookingMove::Complete | BookingMove::NoShow if now < span.starts_at => Err(BookingRefusal::NotStarted),
            _ => Ok(()),
        }
    }
}

/// The time one booking takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

const CLAIM_SECONDS: i64 = CLAIM_MINUTES as i64 * 60;

impl Span {
    pub fn minutes(&self) -> i64 {
        (self.ends_at - self.starts_at).num_minutes()
    }

    /// The claims it holds, with the facility's buffer after it: numbers of the
    /// [`CLAIM_MINUTES`] slots since 1970, a slot touched at all counting whole.
    pub fn claims(&self, buffer_minutes: u32) -> std::ops::Range<i64> {
        let first = self.starts_at.timestamp().div_euclid(CLAIM_SECONDS);
        let end = self.ends_at.timestamp() + i64::from(buffer_minutes) * 60;
        first..(end + CLAIM_SECONDS - 1).div_euclid(CLAIM_SECONDS)
    }
}

/// How a request repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Repeat {
    Daily,
    Weekly,
}
ids!(Repeat { Daily => "daily", Weekly => "weekly" });

/// A request as a person makes it, read from a form or a JSON body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct BookingDraft {
    /// The local start in the region (`2027-03-01 14:00`).
    pub starts: String,
    pub minutes: String,
    /// The organisation booked for (its address name); its kind sets the rate.
    pub organisation: String,
    /// Empty for once, else `daily` or `weekly`.
    pub repeat: String,
    /// How many times in all, the first included.
    pub occurrences: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingRequest {
    pub starts: NaiveDateTime,
    pub minutes: u32,
    pub organisation: String,
    pub repeat: Option<Repeat>,
    pub occurrences: u32,
    pub note: String,
}

impl BookingRequest {
    pub fn validate(d: BookingDraft) -> Result<Self, Vec<ValidationError>> {
        let mut c = Checks::default();
        let starts = match NaiveDateTime::parse_from_str(d.starts.trim(), "%Y-%m-%d %H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(d.starts.trim(), "%Y-%m-%dT%H:%M"))
        {
            Ok(starts) => starts,
            Err(_) => {
                c.refuse("starts", Reason::NotDateTime { value: d.starts.trim().to_owned() });
                NaiveDateTime::default()
            }
        };
        let minutes = match d.minutes.trim().parse::<u32>() {
            Ok(minutes) if minutes > 0 => minutes,
            _ => {
                c.refuse(
                    "minutes",
                    Reason::NotWholeNumberInRange { min: 1, max: i64::from(super::LONGEST_BOOKING_MINUTES) },
                );
                0
            }
        };
        let organisation = d.organisation.trim().to_owned();
        if organisation.is_empty() {
            c.refuse("organisation", Reason::Empty);
        }
        let repeat = match text(&d.repeat).as_deref() {
            None | Some("once") => None,
            Some(value) => c.keep(one_of("repeat", value, Repeat::ALL, Repeat::id)),
        };
        let occurrences = match (repeat, text(&d.occurrences)) {
            (None, _) | (Some(_), None) => 1,
            (Some(_), Some(value)) => match value.parse::<u32>() {
                Ok(n) if (1..=MAX_OCCURRENCES).contains(&n) => n,
                _ => {
                    c.refuse("occurrences", Reason::NotWholeNumberInRange { min: 1, max: i64::from(MAX_OCCURRENCES) });
                    1
                }
            },
        };
        let note = c.take(optional_line("note", &d.note, NOTE_MAX_CHARS)).unwrap_or_default();
        c.finish(BookingRequest { starts, minutes, organisation, repeat, occurrences, note })
    }
}

/// Why a booking, or a move of one, is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BookingRefusal {
    #[error("this facility is not open to {} users", .0.id())]
    NotOpenTo(UserType),
    #[error("the facility's staff must mark you as trained before you can book it")]
    NotTrained,
    #[error("bookings start on a {slot_minutes}-minute grid from midnight and last whole slots")]
    OffGrid { slot_minutes: u32 },
    #[error("a booking lasts at least {min_minutes} minutes")]
    TooShort { min_minutes: u32 },
    #[error("a booking lasts at most {max_minutes} minutes")]
    TooLong { max_minutes: u32 },
    #[error("a recurring booking has at most {max} occurrences here")]
    TooManyOccurrences { max: u32 },
    #[error("bookings must be made at least {hours} hours ahead")]
    TooSoon { hours: u32 },
    #[error("bookings can be made at most {days} days ahead")]
    TooFarAhead { days: u32 },
    #[error("the facility is closed on {day}")]
    Blackout { day: NaiveDate },
    #[error("this would exceed the quota of {hours} hours per {}", .period.id())]
    OverQuota { hours: u32, period: QuotaPeriod },
    #[error("the time from {starts_at} is booked already")]
    Taken { starts_at: DateTime<Utc> },
    #[error("a booking that is {} cannot be moved so", .0.id())]
    WrongState(BookingState),
    #[error("the booking has not started yet")]
    NotStarted,
    #[error("the booking has begun")]
    Begun,
}

/// The user type of a booking made for an organisation.
pub fn user_type(member_of_owner: bool, kind: OrganisationKind) -> UserType {
    match (member_of_owner, kind) {
        (true, _) => UserType::Internal,
        (false, OrganisationKind::Company) => UserType::Industry,
        (false, _) => UserType::Academic,
    }
}

/// A local date and time in `zone` as an instant; a time skipped or repeated by a change of
/// clocks is read as the wall clock shows it (RFC 5545's rule).
pub fn instant_in(zone: &jiff::tz::TimeZone, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    let civil = jiff::civil::DateTime::new(
        i16::try_from(local.year()).ok()?,
        i8::try_from(local.month()).ok()?,
        i8::try_from(local.day()).ok()?,
        i8::try_from(local.hour()).ok()?,
        i8::try_from(local.minute()).ok()?,
        0,
        0,
    )
    .ok()?;
    let instant = zone.to_ambiguous_timestamp(civil).compatible().ok()?;
    DateTime::from_timestamp(instant.as_second(), 0)
}

/// The local date of an instant in `zone`.
fn local_date(zone: &jiff::tz::TimeZone, instant: DateTime<Utc>) -> Option<NaiveDate> {
    let local = zone.to_datetime(jiff::Timestamp::from_second(instant.timestamp()).ok()?);
    NaiveDate::from_ymd_opt(local.year().into(), local.month().try_into().ok()?, local.day().try_into().ok()?)
}

impl BookingRules {
    /// The times a request asks for, each checked against the rules at `now`: on the grid,
    /// of an allowed length, with the notice asked, on no blackout day.
    pub fn spans(
        &self,
        request: &BookingRequest,
        zone: &jiff::tz::TimeZone,
        now: DateTime<Utc>,
    ) -> Result<Vec<Span>, BookingRefusal> {
        let slot = self.slot_minutes;
        let minute_of_day = request.starts.num_seconds_from_midnight() / 60;
        if !minute_of_day.is_multiple_of(slot) || !request.minutes.is_multiple_of(slot) {
            return Err(BookingRefusal::OffGrid { slot_minutes: slot });
        }
        if request.minutes < self.min_minutes {
            return Err(BookingRefusal::TooShort { min_minutes: self.min_minutes });
        }
        if request.minutes > self.max_minutes {
            return Err(BookingRefusal::TooLong { max_minutes: self.max_minutes });
        }
        if request.occurrences > self.max_occurrences {
            return Err(BookingRefusal::TooManyOccurrences { max: self.max_occurrences });
        }
        let step = match request.repeat {
            Some(Repeat::Weekly) => 7,
            _ => 1,
        };
        let mut spans = Vec::new();
        for n in 0..request.occurrences {
            let off_calendar = BookingRefusal::OffGrid { slot_minutes: slot };
            let local = request.starts.checked_add_days(Days::new(u64::from(n * step))).ok_or(off_calendar)?;
            let starts_at = instant_in(zone, local).ok_or(off_calendar)?;
            let span = Span { starts_at, ends_at: starts_at + chrono::Duration::minutes(i64::from(request.minutes)) };
            if span.starts_at < now + chrono::Duration::hours(i64::from(self.min_notice_hours)) {
                return Err(BookingRefusal::TooSoon { hours: self.min_notice_hours });
            }
            if span.starts_at > now + chrono::Duration::days(i64::from(self.max_notice_days)) {
                return Err(BookingRefusal::TooFarAhead { days: self.max_notice_days });
            }
            let first = local_date(zone, span.starts_at).ok_or(off_calendar)?;
            let last = local_date(zone, span.ends_at - chrono::Duration::seconds(1)).ok_or(off_calendar)?;
            if let Some(day) = self.blackouts.iter().find_map(|b| {
                let (from, to) = (b.from.max(first), b.to.min(last));
                (from <= to).then_some(from)
            }) {
                return Err(BookingRefusal::Blackout { day });
            }
            spans.push(span);
        }
        Ok(spans)
    }
}

/// One period a quota counts in, and the minutes a request adds to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaWindow {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub requested_minutes: i64,
}

impl Quota {
    pub fn minutes(&self) -> i64 {
        i64::from(self.hours) * 60
    }

    /// The periods the spans start in (weeks from Monday, or calendar months, in the
    /// region's dates), with the minutes the spans add to each.
    pub fn windows(&self, spans: &[Span], zone: &jiff::tz::TimeZone) -> Vec<QuotaWindow> {
        let mut windows: Vec<QuotaWindow> = Vec::new();
        for span in spans {
            let Some(day) = local_date(zone, span.starts_at) else { continue };
            let (first, next) = match self.period {
                QuotaPeriod::Week => {
                    let monday = day - Days::new(u64::from(day.weekday().num_days_from_monday()));
                    (monday, monday + Days::new(7))
                }
                QuotaPeriod::Month => {
                    let first = day.with_day(1).unwrap_or(day);
                    (first, first.checked_add_months(Months::new(1)).unwrap_or(first))
                }
            };
            let midnight = |date: NaiveDate| instant_in(zone, date.and_time(NaiveTime::MIN));
            let (Some(from), Some(to)) = (midnight(first), midnight(next)) else { continue };
            match windows.iter_mut().find(|w| w.from == from) {
                Some(window) => window.requested_minutes += span.minutes(),
                None => windows.push(QuotaWindow { from, to, requested_minutes: span.minutes() }),
            }
        }
        windows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Written;
    use crate::facility::{Facility, QuotaScope};

    fn zone() -> jiff::tz::TimeZone {
        jiff::tz::db().get("Europe/Amsterdam").unwrap()
    }

    fn rules() -> BookingRules {
        Facility::validate(crate::facility::tests::draft()).unwrap().rules
    }

    fn request(starts: &str, minutes: u32) -> BookingRequest {
        BookingRequest::validate(BookingDraft {
            starts: starts.into(),
            minutes: minutes.to_string(),
            organisation: "amsterdam-umc".into(),
            ..BookingDraft::default()
        })
        .unwrap()
    }

    fn now() -> DateTime<Utc> {
        "2027-03-01T08:00:00Z".parse().unwrap()
    }

    #[test]
    fn states_move_as_the_issue_says() {
        use BookingMove as M;
        use BookingState as S;
        assert_eq!(S::Requested.after(M::Confirm), Some(S::Confirmed));
        assert_eq!(S::Requested.after(M::Reject), Some(S::Rejected));
        assert_eq!(S::Confirmed.after(M::Cancel), Some(S::Cancelled));
        assert_eq!(S::Confirmed.after(M::Complete), Some(S::Completed));
        assert_eq!(S::Confirmed.after(M::NoShow), Some(S::NoShow));
        assert_eq!(S::Requested.after(M::Complete), None);
        assert_eq!(S::Rejected.after(M::Confirm), None);
        assert_eq!(S::Completed.after(M::Cancel), None);
        assert!(!S::Cancelled.holds_time() && S::NoShow.holds_time());
    }

    #[test]
    fn a_request_is_read_in_local_time() {
        let spans = rules().spans(&request("2027-03-02 09:00", 120), &zone(), now()).unwrap();
        assert_eq!(spans[0].starts_at.to_rfc3339(), "2027-03-02T08:00:00+00:00", "CET is UTC+1");
        assert_eq!(spans[0].minutes(), 120);
    }

    #[test]
    fn the_rules_refuse_what_they_should() {
        let r = rules();
        let z = zone();
        let refused = |starts: &str, minutes| r.spans(&request(starts, minutes), &z, now()).unwrap_err();
        assert_eq!(refused("2027-03-02 09:30", 60), BookingRefusal::OffGrid { slot_minutes: 60 });
        assert_eq!(refused("2027-03-02 09:00", 90), BookingRefusal::OffGrid { slot_minutes: 60 });
        assert_eq!(refused("2027-03-02 09:00", 600), BookingRefusal::TooLong { max_minutes: 480 });
        assert_eq!(refused("2027-03-01 08:00", 60), BookingRefusal::TooSoon { hours: 0 });
        assert_eq!(refused("2027-08-02 09:00", 60), BookingRefusal::TooFarAhead { days: 90 });
        let far = BookingRules { max_notice_days: 365, ..r.clone() };
        let blackout = far.spans(&request("2027-12-23 22:00", 180), &z, now()).unwrap_err();
        assert_eq!(blackout, BookingRefusal::Blackout { day: "2027-12-24".parse().unwrap() }, "runs into it");
    }

    #[test]
    fn repeats_are_each_checked() {
        let mut weekly = request("2027-03-02 09:00", 60);
        weekly.repeat = Some(Repeat::Weekly);
        weekly.occurrences = 3;
        let spans = rules().spans(&weekly, &zone(), now()).unwrap();
        assert_eq!(spans.len(), 3);
        assert_eq!(spans[2].starts_at.to_rfc3339(), "2027-03-16T08:00:00+00:00");
        weekly.starts = "2027-03-22T09:00:00".parse().unwrap();
        let summer = rules().spans(&weekly, &zone(), now()).unwrap();
        assert_eq!(summer[2].starts_at.to_rfc3339(), "2027-04-05T07:00:00+00:00", "09:00 in summer time");
        weekly.occurrences = 13;
        assert_eq!(rules().spans(&weekly, &zone(), now()), Err(BookingRefusal::TooManyOccurrences { max: 12 }));
    }

    #[test]
    fn claims_cover_the_buffer() {
        let span = Span { starts_at: now(), ends_at: now() + chrono::Duration::minutes(60) };
        assert_eq!(span.claims(0).count(), 12);
        assert_eq!(span.claims(30).count(), 18);
        let next = Span { starts_at: span.ends_at, ends_at: span.ends_at + chrono::Duration::minutes(60) };
        assert_eq!(span.claims(0).end, next.claims(0).start, "back to back without a buffer");
    }

    #[test]
    fn quota_windows_are_weeks_from_monday() {
        let quota = Quota { hours: 16, period: QuotaPeriod::Week, per: QuotaScope::User };
        let mut weekly = request("2027-03-03 09:00", 120);
        weekly.repeat = Some(Repeat::Daily);
        weekly.occurrences = 7;
        let spans = rules().spans(&weekly, &zone(), now()).unwrap();
        let windows = quota.windows(&spans, &zone());
        assert_eq!(windows.len(), 2, "Wednesday to Tuesday crosses a Monday");
        assert_eq!(windows[0].from.to_rfc3339(), "2027-02-28T23:00:00+00:00");
        assert_eq!(windows[0].requested_minutes, 5 * 120);
        assert_eq!(windows[1].requested_minutes, 2 * 120);
    }

    #[test]
    fn the_user_type_follows_the_organisation() {
        assert_eq!(user_type(true, OrganisationKind::Company), UserType::Internal);
        assert_eq!(user_type(false, OrganisationKind::Company), UserType::Industry);
        assert_eq!(user_type(false, OrganisationKind::Healthcare), UserType::Academic);
    }

    #[test]
    fn a_bad_request_names_its_fields() {
        let bad = BookingDraft {
            starts: "tomorrow".into(),
            minutes: "-1".into(),
            repeat: "monthly".into(),
            occurrences: "3".into(),
            ..BookingDraft::default()
        };
        let fields: Vec<_> = BookingRequest::validate(bad).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["starts", "minutes", "organisation", "repeat"]);
    }
}
