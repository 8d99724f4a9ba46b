//! Registration for an event, as Indico keeps it: a capacity, a waiting list that moves up
//! by itself when a seat frees, the organiser's approval where the event asks for it, and
//! deadlines to register and to cancel. These are the rules alone; storage applies them in
//! one transaction per change, with the counts it read in that transaction.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a registration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegistrationState {
    /// Waiting for the organiser's approval.
    Pending,
    /// Holds a seat.
    Confirmed,
    /// Approved (or needing none), waiting for a seat; moves up in the order of registering.
    Waitlisted,
    /// Withdrawn by the registrant.
    Cancelled,
    /// Refused by the organiser.
    Rejected,
}

impl RegistrationState {
    pub const ALL: [RegistrationState; 5] = [
        RegistrationState::Pending,
        RegistrationState::Confirmed,
        RegistrationState::Waitlisted,
        RegistrationState::Cancelled,
        RegistrationState::Rejected,
    ];

    pub fn id(self) -> &'static str {
        match self {
            RegistrationState::Pending => "pending",
            RegistrationState::Confirmed => "confirmed",
            RegistrationState::Waitlisted => "waitlisted",
            RegistrationState::Cancelled => "cancelled",
            RegistrationState::Rejected => "rejected",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.id() == id)
    }

    /// Whether the registrant still takes part or waits to: one such registration per
    /// person and event.
    pub fn is_active(self) -> bool {
        matches!(self, RegistrationState::Pending | RegistrationState::Confirmed | RegistrationState::Waitlisted)
    }
}

/// How an event takes registrations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationRules {
    /// Seats; `None` for as many as come.
    pub capacity: Option<u32>,
    /// Each registration waits for the organiser's approval.
    pub requires_approval: bool,
    /// No registrations from this moment; the event's start when not set.
    pub closes_at: Option<DateTime<Utc>>,
    /// No cancellations from this moment; the event's start when not set.
    pub cancellable_until: Option<DateTime<Utc>>,
}

/// Why a change to a registration is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RegistrationRefusal {
    #[error("registration for this event has closed")]
    Closed,
    #[error("this registration can no longer be cancelled")]
    CancellationClosed,
    #[error("you are registered for this event already")]
    AlreadyRegistered,
    #[error("only a registration waiting for approval can be approved")]
    NotPending,
    #[error("this registration has ended")]
    Ended,
    #[error("you are not registered for this event")]
    NotRegistered,
}

/// What a change does to one registration, and how many registrants on the waiting list
/// now get a seat (the earliest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub state: RegistrationState,
    pub promote: u32,
}

impl RegistrationRules {
    fn seats_left(&self, confirmed: u32) -> Option<u32> {
        self.capacity.map(|capacity| capacity.saturating_sub(confirmed))
    }

    /// A seat for one more, or the waiting list.
    fn seat_or_wait(&self, confirmed: u32) -> RegistrationState {
        match self.seats_left(confirmed) {
            Some(0) => RegistrationState::Waitlisted,
            _ => RegistrationState::Confirmed,
        }
    }

    /// Whether registrations are taken at `now`: until the deadline, and never from the start.
    pub fn is_open(&self, now: DateTime<Utc>, starts_at: DateTime<Utc>) -> bool {
        now < self.closes_at.unwrap_or(starts_at).min(starts_at)
    }

    /// Whether registrations can be cancelled at `now`.
    pub fn is_cancellable(&self, now: DateTime<Utc>, starts_at: DateTime<Utc>) -> bool {
        now < self.cancellable_until.unwrap_or(starts_at).min(starts_at)
    }

    /// A new registration, `confirmed` seats being taken; `active` is the person's current
    /// registration for the event, if any.
    pub fn register(
        &self,
        now: DateTime<Utc>,
        starts_at: DateTime<Utc>,
        confirmed: u32,
        active: Option<RegistrationState>,
    ) -> Result<RegistrationState, RegistrationRefusal> {
        if !self.is_open(now, starts_at) {
            return Err(RegistrationRefusal::Closed);
        }
        if active.is_some_and(RegistrationState::is_active) {
            return Err(RegistrationRefusal::AlreadyRegistered);
        }
        Ok(if self.requires_approval { RegistrationState::Pending } else { self.seat_or_wait(confirmed) })
    }

    /// The registrant withdraws. A seat given up goes to the waiting list.
    pub fn cancel(
        &self,
        now: DateTime<Utc>,
        starts_at: DateTime<Utc>,
        state: RegistrationState,
        confirmed: u32,
        waiting: u32,
    ) -> Result<Outcome, RegistrationRefusal> {
        if !state.is_active() {
            return Err(RegistrationRefusal::Ended);
        }
        if !self.is_cancellable(now, starts_at) {
            return Err(RegistrationRefusal::CancellationClosed);
        }
        let confirmed = if state == RegistrationState::Confirmed { confirmed.saturating_sub(1) } else { confirmed };
        let waiting = if state == RegistrationState::Waitlisted { waiting.saturating_sub(1) } else { waiting };
        Ok(Outcome { state: RegistrationState::Cancelled, promote: self.promotions(confirmed, waiting) })
    }

    /// The organiser approves a pending registration: a seat, or the waiting list.
    pub fn approve(&self, state: RegistrationState, confirmed: u32) -> Result<RegistrationState, RegistrationRefusal> {
        match state {
            RegistrationState::Pending => Ok(self.seat_or_wait(confirmed)),
            _ => Err(RegistrationRefusal::NotPending),
        }
    }

    /// The organiser refuses a registration that holds no seat yet.
    pub fn reject(&self, state: RegistrationState) -> Result<RegistrationState, RegistrationRefusal> {
        match state {
            RegistrationState::Pending | RegistrationState::Waitlisted => Ok(RegistrationState::Rejected),
            RegistrationState::Confirmed => Err(RegistrationRefusal::NotPending),
            RegistrationState::Cancelled | RegistrationState::Rejected => Err(RegistrationRefusal::Ended),
        }
    }

    /// How many on the waiting list get a seat: after a cancellation, or when the organiser
    /// raises the capacity.
    pub fn promotions(&self, confirmed: u32, waiting: u32) -> u32 {
        self.seats_left(confirmed).map_or(waiting, |left| left.min(waiting))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use RegistrationState::*;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, 1, hour, 0, 0).single().expect("a valid time")
    }

    fn rules(capacity: Option<u32>, requires_approval: bool) -> RegistrationRules {
        RegistrationRules { capacity, requires_approval, closes_at: Some(at(10)), cancellable_until: Some(at(8)) }
    }

    const STARTS: u32 = 12;

    #[test]
    fn seats_then_the_waiting_list() {
        let rules = rules(Some(2), false);
        assert_eq!(rules.register(at(9), at(STARTS), 0, None), Ok(Confirmed));
        assert_eq!(rules.register(at(9), at(STARTS), 1, None), Ok(Confirmed));
        assert_eq!(rules.register(at(9), at(STARTS), 2, None), Ok(Waitlisted));
        assert_eq!(rules.register(at(9), at(STARTS), 5, None), Ok(Waitlisted), "more confirmed than seats");
        let open = RegistrationRules { capacity: None, ..rules };
        assert_eq!(open.register(at(9), at(STARTS), 10_000, None), Ok(Confirmed));
    }

    #[test]
    fn registration_closes_at_its_deadline_or_the_start() {
        let rules = rules(None, false);
        assert_eq!(rules.register(at(10), at(STARTS), 0, None), Err(RegistrationRefusal::Closed));
        let until_start = RegistrationRules { closes_at: None, ..rules.clone() };
        assert_eq!(until_start.register(at(11), at(STARTS), 0, None), Ok(Confirmed));
        assert_eq!(until_start.register(at(STARTS), at(STARTS), 0, None), Err(RegistrationRefusal::Closed));
        // A deadline after the start is the start.
        let late = RegistrationRules { closes_at: Some(at(14)), ..rules };
        assert_eq!(late.register(at(13), at(STARTS), 0, None), Err(RegistrationRefusal::Closed));
    }

    #[test]
    fn one_active_registration_per_person() {
        let rules = rules(Some(1), false);
        for active in [Pending, Confirmed, Waitlisted] {
            assert_eq!(rules.register(at(9), at(STARTS), 0, Some(active)), Err(RegistrationRefusal::AlreadyRegistered));
        }
        for ended in [Cancelled, Rejected] {
            assert_eq!(rules.register(at(9), at(STARTS), 0, Some(ended)), Ok(Confirmed), "may register again");
        }
    }

    #[test]
    fn approval_comes_first_and_then_a_seat_or_the_list() {
        let rules = rules(Some(1), true);
        assert_eq!(rules.register(at(9), at(STARTS), 0, None), Ok(Pending));
        assert_eq!(rules.approve(Pending, 0), Ok(Confirmed));
        assert_eq!(rules.approve(Pending, 1), Ok(Waitlisted));
        assert_eq!(rules.approve(Confirmed, 0), Err(RegistrationRefusal::NotPending));
        assert_eq!(rules.reject(Pending), Ok(Rejected));
        assert_eq!(rules.reject(Waitlisted), Ok(Rejected));
        assert_eq!(rules.reject(Confirmed), Err(RegistrationRefusal::NotPending));
        assert_eq!(rules.reject(Cancelled), Err(RegistrationRefusal::Ended));
    }

    #[test]
    fn a_freed_seat_goes_to_the_waiting_list() {
        let rules = rules(Some(2), false);
        let seat_given_up = rules.cancel(at(7), at(STARTS), Confirmed, 2, 3).expect("cancellable");
        assert_eq!(seat_given_up, Outcome { state: Cancelled, promote: 1 });
        let waiting_one_leaves = rules.cancel(at(7), at(STARTS), Waitlisted, 2, 3).expect("cancellable");
        assert_eq!(waiting_one_leaves, Outcome { state: Cancelled, promote: 0 });
        let nobody_waits = rules.cancel(at(7), at(STARTS), Confirmed, 2, 0).expect("cancellable");
        assert_eq!(nobody_waits.promote, 0);
        assert_eq!(rules.cancel(at(7), at(STARTS), Cancelled, 2, 0), Err(RegistrationRefusal::Ended));
    }

    #[test]
    fn cancelling_closes_at_its_deadline_or_the_start() {
        let rules = rules(Some(2), false);
        assert_eq!(rules.cancel(at(8), at(STARTS), Confirmed, 2, 1), Err(RegistrationRefusal::CancellationClosed));
        let until_start = RegistrationRules { cancellable_until: None, ..rules };
        assert!(until_start.cancel(at(11), at(STARTS), Confirmed, 2, 1).is_ok());
        assert_eq!(
            until_start.cancel(at(STARTS), at(STARTS), Confirmed, 2, 1),
            Err(RegistrationRefusal::CancellationClosed)
        );
    }

    #[test]
    fn a_larger_capacity_seats_the_waiting_list() {
        assert_eq!(rules(Some(5), false).promotions(2, 10), 3);
        assert_eq!(rules(Some(5), false).promotions(2, 1), 1);
        assert_eq!(rules(Some(2), false).promotions(3, 4), 0, "fewer seats than confirmed");
        assert_eq!(rules(None, false).promotions(100, 4), 4);
    }

    #[test]
    fn states_read_back_from_their_ids() {
        for state in RegistrationState::ALL {
            assert_eq!(RegistrationState::from_id(state.id()), Some(state));
        }
        assert_eq!(RegistrationState::from_id("maybe"), None);
    }
}
