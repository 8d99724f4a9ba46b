//! What a list of organisations or calls can be filtered and sorted by, shared by the
//! directory pages, the JSON API and exports.

use chrono::NaiveDate;
use serde::Serialize;

use crate::{CallStatus, OrganisationKind, Reason, ValidationError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pagination {
    pub limit: u32,
    pub offset: u32,
}

impl Pagination {
    pub const DEFAULT_LIMIT: u32 = 20;
    pub const MAX_LIMIT: u32 = 100;
    pub const MAX_OFFSET: u32 = 10_000_000;

    pub fn new(limit: Option<i64>, offset: Option<i64>) -> Result<Self, ValidationError> {
        let limit = limit.unwrap_or(Self::DEFAULT_LIMIT.into());
        if !(1..=i64::from(Self::MAX_LIMIT)).contains(&limit) {
            return Err(ValidationError::new("limit", Reason::OutOfRange { min: 1, max: Self::MAX_LIMIT.into() }));
        }
        let offset = offset.unwrap_or(0);
        if !(0..=i64::from(Self::MAX_OFFSET)).contains(&offset) {
            return Err(ValidationError::new("offset", Reason::OutOfRange { min: 0, max: Self::MAX_OFFSET.into() }));
        }
        Ok(Self { limit: limit as u32, offset: offset as u32 })
    }
}

impl Default for Pagination {
    fn default() -> Self {
        Self { limit: Self::DEFAULT_LIMIT, offset: 0 }
    }
}

/// One page of a list and the size of the whole list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

macro_rules! sort_options {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $id:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub enum $name { #[default] $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn id(self) -> &'static str {
                match self { $($name::$variant => $id),+ }
            }

            pub fn from_id(id: &str) -> Result<Self, ValidationError> {
                Self::ALL.iter().copied().find(|s| s.id() == id).ok_or_else(|| {
                    let known: Vec<&str> = Self::ALL.iter().map(|s| s.id()).collect();
                    ValidationError::new("sort", Reason::NotOneOf { value: id.to_owned(), allowed: known.join(", ") })
                })
            }
        }
    };
}

sort_options!(
    /// Directory order; by name unless asked otherwise.
    OrganisationSort { Name => "name", NameDesc => "-name", City => "city", RecentlyUpdated => "-updated" }
);

sort_options!(
    /// Call order; soonest deadline first unless asked otherwise.
    CallSort { Deadline => "deadline", DeadlineDesc => "-deadline", Title => "title", BudgetDesc => "-budget", RecentlyUpdated => "-updated" }
);

#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrganisationFilter {
    /// Matches names and aliases, ignoring case and diacritics.
    pub text: Option<String>,
    pub kind: Option<OrganisationKind>,
    /// Exact city, ignoring case.
    pub city: Option<String>,
    /// ISO country code.
    pub country: Option<String>,
    pub sort: OrganisationSort,
    pub page: Pagination,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CallFilter {
    /// The region's date, which [`CallFilter::status`] is judged on.
    pub today: NaiveDate,
    /// Matches titles, topic ids and keywords, ignoring case and diacritics.
    pub text: Option<String>,
    pub programme: Option<String>,
    /// Calls with this status on [`CallFilter::today`] ([`CallStatus::on`]).
    pub status: Option<CallStatus>,
    /// Calls with a deadline on or after this day.
    pub deadline_from: Option<NaiveDate>,
    /// Calls with a deadline on or before this day.
    pub deadline_to: Option<NaiveDate>,
    /// Calls that can give at least this much (EUR) per grant.
    pub budget_at_least: Option<i64>,
    /// Calls whose smallest grant is at most this much (EUR).
    pub budget_at_most: Option<i64>,
    pub sort: CallSort,
    pub page: Pagination,
}

impl OrganisationFilter {
    pub fn validate(&self) -> Result<(), ValidationError> {
        text_filter("q", self.text.as_deref())?;
        text_filter("city", self.city.as_deref())?;
        if let Some(country) = &self.country {
            if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(ValidationError::new("country", Reason::NotCountryCode { value: country.clone() }));
            }
        }
        Ok(())
    }
}

impl CallFilter {
    /// Every call, in the default order, with statuses as they are on `today`.
    pub fn on(today: NaiveDate) -> Self {
        CallFilter {
            today,
            text: None,
            programme: None,
            status: None,
            deadline_from: None,
            deadline_to: None,
            budget_at_least: None,
            budget_at_most: None,
            sort: CallSort::default(),
            page: Pagination::default(),
        }
    }

    /// Open calls whose deadline is still ahead, soonest first: "the next deadlines".
    pub fn upcoming_deadlines(today: NaiveDate, limit: u32) -> Self {
        CallFilter {
            status: Some(CallStatus::Open),
            deadline_from: Some(today),
            sort: CallSort::Deadline,
            page: Pagination { limit, offset: 0 },
            ..Self::on(today)
        }
    }

    pub fn validate(&self) -> Result<(), ValidationError> {
        text_filter("q", self.text.as_deref())?;
        text_filter("programme", self.programme.as_deref())?;
        if let (Some(from), Some(to)) = (self.deadline_from, self.deadline_to) {
            if from > to {
                return Err(ValidationError::new("deadlineFrom", Reason::After { other: "deadlineTo" }));
            }
        }
        for (field, value) in [("budgetMin", self.budget_at_least), ("budgetMax", self.budget_at_most)] {
            if value.is_some_and(|v| v < 0) {
                return Err(ValidationError::new(field, Reason::Negative));
            }
        }
        // A reversed range matches nothing; say so rather than answer an empty list.
        if let (Some(least), Some(most)) = (self.budget_at_least, self.budget_at_most) {
            if least > most {
                return Err(ValidationError::new("budgetMin", Reason::MoreThan { other: "budgetMax" }));
            }
        }
        Ok(())
    }
}

fn text_filter(field: &'static str, value: Option<&str>) -> Result<(), ValidationError> {
    match value {
        Some(v) if v.chars().count() > 200 => Err(ValidationError::new(field, Reason::TooLong { max: 200 })),
        Some(v) if v.chars().any(char::is_control) => Err(ValidationError::new(field, Reason::ControlCharacters)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagination_rejects_out_of_range_values() {
        assert_eq!(Pagination::new(None, None), Ok(Pagination::default()));
        assert_eq!(Pagination::new(Some(0), None).map_err(|e| e.field), Err("limit"));
        assert_eq!(Pagination::new(Some(101), None).map_err(|e| e.field), Err("limit"));
        assert_eq!(Pagination::new(Some(5), Some(-1)).map_err(|e| e.field), Err("offset"));
    }

    #[test]
    fn reversed_ranges_are_refused() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).expect("date");
        let budgets =
            |least, most| CallFilter { budget_at_least: least, budget_at_most: most, ..CallFilter::on(today) };
        assert_eq!(budgets(Some(10), Some(5)).validate().map_err(|e| e.field), Err("budgetMin"));
        assert_eq!(budgets(Some(5), Some(5)).validate(), Ok(()));
        assert_eq!(budgets(Some(5), None).validate(), Ok(()));
        let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
        let deadlines =
            CallFilter { deadline_from: day("2027-02-01"), deadline_to: day("2027-01-01"), ..CallFilter::on(today) };
        assert_eq!(deadlines.validate().map_err(|e| e.field), Err("deadlineFrom"));
    }

    #[test]
    fn sorts_parse_from_their_ids() {
        assert_eq!(CallSort::from_id("-budget"), Ok(CallSort::BudgetDesc));
        assert_eq!(OrganisationSort::from_id("bogus").map_err(|e| e.field), Err("sort"));
    }
}
