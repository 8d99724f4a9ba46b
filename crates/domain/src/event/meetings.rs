//! One-to-one meetings at a matchmaking day, as b2match runs them: the day is a grid of
//! time slots at a number of tables; participants ask each other for a meeting, and an
//! accepted meeting takes one slot at one table, never a slot either participant or the
//! table has already. These are the rules and the scheduler alone; storage applies them in
//! one write transaction per acceptance, with the grid's bookings read in it.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::validation::{optional_language_text, text, Reason, ValidationError};

/// How long before the event an unanswered request expires: the participants need time to
/// plan their day.
pub const ANSWER_BEFORE_HOURS: i64 = 24;

/// The slots and tables of a matchmaking day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingGrid {
    /// When the first slot begins.
    pub first_slot: DateTime<Utc>,
    pub slot_minutes: u32,
    pub slots: u32,
    pub tables: u32,
}

impl MeetingGrid {
    /// When slot `slot` (from 0) begins and ends.
    pub fn slot_time(&self, slot: u32) -> (DateTime<Utc>, DateTime<Utc>) {
        let length = Duration::minutes(i64::from(self.slot_minutes));
        let start = self.first_slot + length * i32::try_from(slot).unwrap_or(i32::MAX);
        (start, start + length)
    }

    fn fits(&self, placement: Placement) -> bool {
        placement.slot < self.slots && placement.table < self.tables
    }
}

/// Where a meeting is held: a slot (from 0) and a table (from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Placement {
    pub slot: u32,
    pub table: u32,
}

/// A meeting asked for between two participants (by any ids).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair<P> {
    pub a: P,
    pub b: P,
}

/// What a meeting request stands at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequestState {
    Pending,
    Accepted,
    Declined,
    /// Not answered in time.
    Expired,
    /// Withdrawn by the one who asked, or by either side after acceptance.
    Cancelled,
}

impl RequestState {
    pub const ALL: [RequestState; 5] = [
        RequestState::Pending,
        RequestState::Accepted,
        RequestState::Declined,
        RequestState::Expired,
        RequestState::Cancelled,
    ];

    pub fn id(self) -> &'static str {
        match self {
            RequestState::Pending => "pending",
            RequestState::Accepted => "accepted",
            RequestState::Declined => "declined",
            RequestState::Expired => "expired",
            RequestState::Cancelled => "cancelled",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.id() == id)
    }

    /// A stored state as it stands at `now`: a pending request expires
    /// [`ANSWER_BEFORE_HOURS`] before the event starts.
    pub fn at(self, now: DateTime<Utc>, event_starts: DateTime<Utc>) -> Self {
        match self {
            RequestState::Pending if now >= answer_deadline(event_starts) => RequestState::Expired,
            other => other,
        }
    }
}

/// The moment unanswered requests expire.
pub fn answer_deadline(event_starts: DateTime<Utc>) -> DateTime<Utc> {
    event_starts - Duration::hours(ANSWER_BEFORE_HOURS)
}

/// How long a slot is and how many tables a matchmaking day has when its organiser does not
/// say: b2match's usual 20 minutes, and ten tables.
pub const DEFAULT_SLOT_MINUTES: u32 = 20;
pub const DEFAULT_TABLES: u32 = 10;
pub const SLOT_MINUTES: std::ops::RangeInclusive<u32> = 5..=240;
pub const TABLES: std::ops::RangeInclusive<u32> = 1..=500;
/// More slots than a day has hours of 5 minutes are not a day.
const MAX_SLOTS: i64 = 288;

impl MeetingGrid {
    /// The slots of `slot_minutes` that fit between the event's start and end, at `tables`
    /// tables; `None` when not one slot fits.
    pub fn spanning(starts: DateTime<Utc>, ends: DateTime<Utc>, slot_minutes: u32, tables: u32) -> Option<Self> {
        let slots = (ends - starts).num_minutes() / i64::from(slot_minutes.max(1));
        let slots = u32::try_from(slots.min(MAX_SLOTS)).ok().filter(|s| *s > 0)?;
        Some(MeetingGrid { first_slot: starts, slot_minutes, slots, tables })
    }
}

/// What a participant tells the others about themselves for one matchmaking day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingProfile {
    /// The organisation they come for, as they name it.
    pub organisation: Option<String>,
    /// What they bring: expertise, a technology, data, a product.
    pub offers: String,
    /// Whom or what they want to meet.
    pub seeks: String,
}

pub const PROFILE_LINE_MAX_CHARS: usize = 150;
pub const PROFILE_TEXT_MAX_CHARS: usize = 1_000;
pub const MESSAGE_MAX_CHARS: usize = 1_000;

/// A profile as submitted: every field as text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MeetingProfileDraft {
    pub organisation: String,
    pub offers: String,
    pub seeks: String,
}

impl MeetingProfile {
    /// Checks a draft, naming every wrong field.
    pub fn from_draft(d: &MeetingProfileDraft) -> Result<Self, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let mut keep =
            |result: Result<Option<String>, ValidationError>| result.map_err(|e| errors.push(e)).ok().flatten();
        let organisation = keep(optional_language_text("organisation", &d.organisation, PROFILE_LINE_MAX_CHARS, true));
        let offers = keep(optional_language_text("offers", &d.offers, PROFILE_TEXT_MAX_CHARS, false));
        let seeks = keep(optional_language_text("seeks", &d.seeks, PROFILE_TEXT_MAX_CHARS, false));
        if text(&d.offers).is_none() && text(&d.seeks).is_none() {
            errors.push(ValidationError::new("offers", Reason::GiveOneOf { choices: "offers, seeks" }));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(MeetingProfile { organisation, offers: offers.unwrap_or_default(), seeks: seeks.unwrap_or_default() })
    }

    pub fn to_draft(&self) -> MeetingProfileDraft {
        MeetingProfileDraft {
            organisation: self.organisation.clone().unwrap_or_default(),
            offers: self.offers.clone(),
            seeks: self.seeks.clone(),
        }
    }
}

/// The short message that comes with a request; it may be empty.
pub fn request_message(value: &str) -> Result<String, ValidationError> {
    Ok(optional_language_text("message", value, MESSAGE_MAX_CHARS, false)?.unwrap_or_default())
}

/// Who came to an accepted meeting, as the organiser enters it after the event has begun.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Attendance {
    Met,
    RequesterAbsent,
    RecipientAbsent,
    BothAbsent,
}

impl Attendance {
    pub const ALL: [Attendance; 4] =
        [Attendance::Met, Attendance::RequesterAbsent, Attendance::RecipientAbsent, Attendance::BothAbsent];

    pub fn id(self) -> &'static str {
        match self {
            Attendance::Met => "met",
            Attendance::RequesterAbsent => "requester-absent",
            Attendance::RecipientAbsent => "recipient-absent",
            Attendance::BothAbsent => "both-absent",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.id() == id)
    }

    /// How many of the two did not come.
    pub fn no_shows(self) -> usize {
        match self {
            Attendance::Met => 0,
            Attendance::RequesterAbsent | Attendance::RecipientAbsent => 1,
            Attendance::BothAbsent => 2,
        }
    }
}

/// Why a meeting request cannot be made or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MeetingRefusal {
    #[error("this event has no one-to-one meetings")]
    NotMatchmakingDay,
    #[error("only participants with a profile for this event ask and are asked")]
    NoProfile,
    #[error("one cannot ask oneself for a meeting")]
    AskedSelf,
    #[error("a request between you two is open or accepted already")]
    AskedAlready,
    #[error("requests are answered until a day before the event; that time has passed")]
    AnswersClosed,
    #[error("the request no longer waits for an answer")]
    NotPending,
    #[error("{0}")]
    Slot(SlotRefusal),
    #[error("only an accepted meeting has a slot, and attendance")]
    NotAccepted,
    #[error("attendance is entered once the event has begun")]
    NotStarted,
    #[error("the event has begun")]
    Begun,
}

/// Asking is open until unanswered requests would expire.
pub fn may_ask(now: DateTime<Utc>, event_starts: DateTime<Utc>) -> Result<(), MeetingRefusal> {
    if now >= answer_deadline(event_starts) {
        Err(MeetingRefusal::AnswersClosed)
    } else {
        Ok(())
    }
}

impl RequestState {
    /// A request in this stored state can be answered at `now`.
    pub fn answerable(self, now: DateTime<Utc>, event_starts: DateTime<Utc>) -> Result<(), MeetingRefusal> {
        match self.at(now, event_starts) {
            RequestState::Pending => Ok(()),
            RequestState::Expired => Err(MeetingRefusal::AnswersClosed),
            _ => Err(MeetingRefusal::NotPending),
        }
    }

    /// A pending or accepted request can be called off until the event begins.
    pub fn cancellable(self, now: DateTime<Utc>, event_starts: DateTime<Utc>) -> Result<(), MeetingRefusal> {
        if now >= event_starts {
            return Err(MeetingRefusal::Begun);
        }
        match self.at(now, event_starts) {
            RequestState::Pending | RequestState::Accepted => Ok(()),
            _ => Err(MeetingRefusal::NotPending),
        }
    }

    /// Attendance is entered for accepted meetings once the event has begun.
    pub fn takes_attendance(self, now: DateTime<Utc>, event_starts: DateTime<Utc>) -> Result<(), MeetingRefusal> {
        match self {
            RequestState::Accepted if now >= event_starts => Ok(()),
            RequestState::Accepted => Err(MeetingRefusal::NotStarted),
            _ => Err(MeetingRefusal::NotAccepted),
        }
    }

    /// Pending and accepted requests are open: a pair has at most one.
    pub fn is_open(self) -> bool {
        matches!(self, RequestState::Pending | RequestState::Accepted)
    }
}

/// Who has which slot, and which tables each slot has given out.
#[derive(Debug, Clone, Default)]
pub struct Bookings<P> {
    busy: HashMap<P, HashSet<u32>>,
    tables: HashMap<u32, HashSet<u32>>,
}

/// Why a meeting cannot take a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SlotRefusal {
    #[error("there is no such slot")]
    NoSuchSlot,
    #[error("one of you has a meeting in that slot already")]
    Busy,
    #[error("every table is taken in that slot")]
    NoTable,
    #[error("the two sides of a meeting are two participants")]
    SameParticipant,
}

impl<P: Clone + Eq + std::hash::Hash> Bookings<P> {
    /// The bookings of meetings already placed.
    pub fn of<'a>(placed: impl IntoIterator<Item = (&'a Pair<P>, Placement)>) -> Self
    where
        P: 'a,
    {
        let mut bookings = Self { busy: HashMap::new(), tables: HashMap::new() };
        for (pair, placement) in placed {
            bookings.book(pair, placement);
        }
        bookings
    }

    fn book(&mut self, pair: &Pair<P>, placement: Placement) {
        self.busy.entry(pair.a.clone()).or_default().insert(placement.slot);
        self.busy.entry(pair.b.clone()).or_default().insert(placement.slot);
        self.tables.entry(placement.slot).or_default().insert(placement.table);
    }

    fn is_free(&self, participant: &P, slot: u32) -> bool {
        self.busy.get(participant).is_none_or(|slots| !slots.contains(&slot))
    }

    fn free_table(&self, grid: &MeetingGrid, slot: u32) -> Option<u32> {
        let taken = self.tables.get(&slot);
        (0..grid.tables).find(|table| taken.is_none_or(|t| !t.contains(table)))
    }

    /// The slots in which both are free and a table is, earliest first: what the one who
    /// accepts chooses from.
    pub fn common_slots(&self, grid: &MeetingGrid, pair: &Pair<P>) -> Vec<u32> {
        self.common_slots_from(grid, pair).collect()
    }

    fn common_slots_from<'a>(&'a self, grid: &'a MeetingGrid, pair: &'a Pair<P>) -> impl Iterator<Item = u32> + 'a {
        (0..grid.slots)
            .filter(|slot| self.is_free(&pair.a, *slot) && self.is_free(&pair.b, *slot))
            .filter(|slot| self.free_table(grid, *slot).is_some())
    }

    /// Books `slot` for the pair at its first free table.
    pub fn place(&mut self, grid: &MeetingGrid, pair: &Pair<P>, slot: u32) -> Result<Placement, SlotRefusal> {
        if pair.a == pair.b {
            return Err(SlotRefusal::SameParticipant);
        }
        if slot >= grid.slots {
            return Err(SlotRefusal::NoSuchSlot);
        }
        if !self.is_free(&pair.a, slot) || !self.is_free(&pair.b, slot) {
            return Err(SlotRefusal::Busy);
        }
        let table = self.free_table(grid, slot).ok_or(SlotRefusal::NoTable)?;
        let placement = Placement { slot, table };
        debug_assert!(grid.fits(placement));
        self.book(pair, placement);
        Ok(placement)
    }
}

/// Places as many of `pairs` as the grid holds, around the meetings `bookings` has already,
/// each in the earliest slot both participants have free. Two orders are tried and the one
/// that places more is kept: the pairs whose participants ask and are asked most first
/// (they have the fewest choices left later), and the order asked (which keeps first come,
/// first served, and wins on days with few slots). The placements, in the order of `pairs`
/// (`None` for a pair no slot was left for).
pub fn schedule<P: Clone + Eq + std::hash::Hash>(
    grid: &MeetingGrid,
    bookings: &mut Bookings<P>,
    pairs: &[Pair<P>],
) -> Vec<Option<Placement>> {
    let mut demand: HashMap<&P, usize> = HashMap::new();
    for pair in pairs {
        *demand.entry(&pair.a).or_default() += 1;
        *demand.entry(&pair.b).or_default() += 1;
    }
    let mut busiest: Vec<usize> = (0..pairs.len()).collect();
    busiest.sort_by_key(|&i| std::cmp::Reverse(demand[&pairs[i].a] + demand[&pairs[i].b]));
    let as_asked: Vec<usize> = (0..pairs.len()).collect();
    let mut best: Option<(Bookings<P>, Vec<Option<Placement>>)> = None;
    for order in [busiest, as_asked] {
        let mut tried = bookings.clone();
        let placed = place_in(grid, &mut tried, pairs, &order);
        let count = |placed: &[Option<Placement>]| placed.iter().filter(|p| p.is_some()).count();
        if best.as_ref().is_none_or(|(_, kept)| count(&placed) > count(kept)) {
            best = Some((tried, placed));
        }
    }
    match best {
        Some((kept, placed)) => {
            *bookings = kept;
            placed
        }
        None => Vec::new(),
    }
}

/// Places the pairs in `order`, each in the earliest slot both have free.
fn place_in<P: Clone + Eq + std::hash::Hash>(
    grid: &MeetingGrid,
    bookings: &mut Bookings<P>,
    pairs: &[Pair<P>],
    order: &[usize],
) -> Vec<Option<Placement>> {
    let mut placed = vec![None; pairs.len()];
    for &i in order {
        let pair = &pairs[i];
        let slot = bookings.common_slots_from(grid, pair).next();
        if let Some(slot) = slot {
            placed[i] = bookings.place(grid, pair, slot).ok();
        }
    }
    placed
}

/// The baseline scheduler: each pair in the order given, in the earliest slot both have
/// free. [`schedule`] is measured against it.
pub fn schedule_in_order<P: Clone + Eq + std::hash::Hash>(
    grid: &MeetingGrid,
    bookings: &mut Bookings<P>,
    pairs: &[Pair<P>],
) -> Vec<Option<Placement>> {
    let order: Vec<usize> = (0..pairs.len()).collect();
    place_in(grid, bookings, pairs, &order)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn grid(slots: u32, tables: u32) -> MeetingGrid {
        let first_slot = Utc.with_ymd_and_hms(2027, 3, 26, 9, 0, 0).single().expect("a time");
        MeetingGrid { first_slot, slot_minutes: 20, slots, tables }
    }

    fn pair(a: u32, b: u32) -> Pair<u32> {
        Pair { a, b }
    }

    /// Every placement fits the grid, no participant has two meetings in a slot and no
    /// table two meetings.
    fn assert_no_double_booking(grid: &MeetingGrid, pairs: &[Pair<u32>], placed: &[Option<Placement>]) {
        let mut seen_participants = HashSet::new();
        let mut seen_tables = HashSet::new();
        for (pair, placement) in pairs.iter().zip(placed) {
            let Some(p) = placement else { continue };
            assert!(grid.fits(*p), "{p:?} outside the grid");
            assert!(seen_participants.insert((pair.a, p.slot)), "{} twice in slot {}", pair.a, p.slot);
            assert!(seen_participants.insert((pair.b, p.slot)), "{} twice in slot {}", pair.b, p.slot);
            assert!(seen_tables.insert((p.slot, p.table)), "table {} twice in slot {}", p.table, p.slot);
        }
    }

    #[test]
    fn slots_follow_each_other() {
        let g = grid(3, 2);
        let (start, end) = g.slot_time(2);
        assert_eq!(start, g.first_slot + Duration::minutes(40));
        assert_eq!(end - start, Duration::minutes(20));
    }

    #[test]
    fn a_slot_is_taken_once_per_participant_and_table() {
        let g = grid(2, 1);
        let mut bookings = Bookings::default();
        assert_eq!(bookings.place(&g, &pair(1, 2), 0), Ok(Placement { slot: 0, table: 0 }));
        assert_eq!(bookings.place(&g, &pair(1, 3), 0), Err(SlotRefusal::Busy));
        assert_eq!(bookings.place(&g, &pair(3, 4), 0), Err(SlotRefusal::NoTable));
        assert_eq!(bookings.place(&g, &pair(3, 4), 2), Err(SlotRefusal::NoSuchSlot));
        assert_eq!(bookings.place(&g, &pair(3, 3), 1), Err(SlotRefusal::SameParticipant));
        assert_eq!(bookings.common_slots(&g, &pair(1, 3)), [1]);
        assert_eq!(bookings.common_slots(&g, &pair(3, 4)), [1]);
        assert_eq!(bookings.place(&g, &pair(3, 4), 1), Ok(Placement { slot: 1, table: 0 }));
        assert!(bookings.common_slots(&g, &pair(5, 6)).is_empty(), "no table left");
    }

    #[test]
    fn bookings_are_read_from_meetings_placed() {
        let g = grid(2, 2);
        let placed = [(pair(1, 2), Placement { slot: 0, table: 1 })];
        let bookings = Bookings::of(placed.iter().map(|(p, at)| (p, *at)));
        assert_eq!(bookings.common_slots(&g, &pair(1, 9)), [1]);
        let mut bookings = bookings;
        assert_eq!(bookings.place(&g, &pair(3, 4), 0), Ok(Placement { slot: 0, table: 0 }), "the other table");
    }

    #[test]
    fn the_busiest_go_first_and_more_meetings_are_placed() {
        // Participant 1 is asked by four, who each ask one other: in the order given, the
        // others fill the only slots 1 could use.
        let g = grid(4, 10);
        let pairs = [pair(2, 6), pair(3, 7), pair(4, 8), pair(5, 9), pair(1, 2), pair(1, 3), pair(1, 4), pair(1, 5)];
        let in_order = schedule_in_order(&g, &mut Bookings::default(), &pairs);
        let busiest_first = schedule(&g, &mut Bookings::default(), &pairs);
        let count = |placed: &[Option<Placement>]| placed.iter().filter(|p| p.is_some()).count();
        assert_no_double_booking(&g, &pairs, &in_order);
        assert_no_double_booking(&g, &pairs, &busiest_first);
        assert_eq!(count(&in_order), 7, "1 and 5 find no slot left");
        assert_eq!(count(&busiest_first), pairs.len(), "four slots hold them all");
    }

    #[test]
    fn a_large_day_has_no_double_booking() {
        // A linear congruential generator: the same pseudo-random requests on every run.
        let mut state: u64 = 42;
        let mut next = |n: u64| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            u32::try_from((state >> 33) % n).unwrap_or(0)
        };
        let pairs: Vec<Pair<u32>> = (0..3000)
            .map(|_| {
                let a = next(500);
                let b = (a + 1 + next(499)) % 500;
                pair(a, b)
            })
            .collect();
        let count = |placed: &[Option<Placement>]| placed.iter().filter(|p| p.is_some()).count();
        for g in [grid(18, 60), grid(12, 250)] {
            let placed = schedule(&g, &mut Bookings::default(), &pairs);
            assert_no_double_booking(&g, &pairs, &placed);
            let baseline = schedule_in_order(&g, &mut Bookings::default(), &pairs);
            assert!(count(&placed) >= count(&baseline), "never fewer than the order asked");
        }
        assert_eq!(count(&schedule(&grid(18, 60), &mut Bookings::default(), &pairs)), 18 * 60, "every table used");
    }

    #[test]
    fn a_grid_spans_the_day() {
        let starts = Utc.with_ymd_and_hms(2027, 3, 26, 9, 0, 0).single().expect("a time");
        let grid = MeetingGrid::spanning(starts, starts + Duration::minutes(130), 20, 8).expect("a grid");
        assert_eq!((grid.slots, grid.tables, grid.first_slot), (6, 8, starts), "the last 10 minutes hold no slot");
        assert_eq!(MeetingGrid::spanning(starts, starts + Duration::minutes(15), 20, 8), None);
    }

    #[test]
    fn profiles_name_their_wrong_fields() {
        let empty = MeetingProfile::from_draft(&MeetingProfileDraft::default()).expect_err("empty");
        assert_eq!(empty.iter().map(|e| e.field).collect::<Vec<_>>(), ["offers"]);
        let long = MeetingProfileDraft {
            organisation: "Two\nlines".into(),
            offers: "x".repeat(PROFILE_TEXT_MAX_CHARS + 1),
            seeks: "Hospitals with imaging data".into(),
        };
        let errors = MeetingProfile::from_draft(&long).expect_err("invalid");
        assert_eq!(errors.iter().map(|e| e.field).collect::<Vec<_>>(), ["organisation", "offers"]);
        let profile =
            MeetingProfile::from_draft(&MeetingProfileDraft { seeks: " A partner ".into(), ..Default::default() })
                .expect("valid");
        assert_eq!((profile.organisation, profile.seeks.as_str()), (None, "A partner"));
    }

    #[test]
    fn requests_are_answered_and_called_off_in_time() {
        let starts = Utc.with_ymd_and_hms(2027, 3, 26, 9, 0, 0).single().expect("a time");
        let early = starts - Duration::days(3);
        let late = starts - Duration::hours(2);
        assert_eq!(may_ask(early, starts), Ok(()));
        assert_eq!(may_ask(late, starts), Err(MeetingRefusal::AnswersClosed));
        assert_eq!(RequestState::Pending.answerable(early, starts), Ok(()));
        assert_eq!(RequestState::Pending.answerable(late, starts), Err(MeetingRefusal::AnswersClosed));
        assert_eq!(RequestState::Declined.answerable(early, starts), Err(MeetingRefusal::NotPending));
        assert_eq!(RequestState::Accepted.cancellable(late, starts), Ok(()));
        assert_eq!(RequestState::Pending.cancellable(late, starts), Err(MeetingRefusal::NotPending), "expired");
        assert_eq!(RequestState::Accepted.cancellable(starts, starts), Err(MeetingRefusal::Begun));
        assert_eq!(RequestState::Accepted.takes_attendance(late, starts), Err(MeetingRefusal::NotStarted));
        assert_eq!(RequestState::Accepted.takes_attendance(starts, starts), Ok(()));
        assert_eq!(RequestState::Declined.takes_attendance(starts, starts), Err(MeetingRefusal::NotAccepted));
        for attendance in Attendance::ALL {
            assert_eq!(Attendance::from_id(attendance.id()), Some(attendance));
        }
        assert_eq!(Attendance::BothAbsent.no_shows(), 2);
    }

    #[test]
    fn unanswered_requests_expire_a_day_before() {
        let starts = Utc.with_ymd_and_hms(2027, 3, 26, 9, 0, 0).single().expect("a time");
        let before = starts - Duration::hours(25);
        let after = starts - Duration::hours(23);
        assert_eq!(RequestState::Pending.at(before, starts), RequestState::Pending);
        assert_eq!(RequestState::Pending.at(after, starts), RequestState::Expired);
        assert_eq!(RequestState::Accepted.at(after, starts), RequestState::Accepted);
        for state in RequestState::ALL {
            assert_eq!(RequestState::from_id(state.id()), Some(state));
        }
    }
}
