//! Booking shared facilities: a booking for an organisation one belongs to, under the
//! facility's rules and quota, after training where it is required; the staff (the owning
//! organisation's members, who edit the facility) confirm, reject, complete and mark
//! no-shows, keep the list of trained people, and read the day's bookings and the month's
//! usage. The public sees only busy times.

use chrono::{DateTime, Utc};
use lshub_domain::account::Email;
use lshub_domain::authorization::{Action, ContentAction, Resource};
use lshub_domain::content::{Item, State};
use lshub_domain::facility::booking::{self, BookingDraft, BookingMove, BookingRefusal, BookingRequest, BookingState};
use lshub_domain::facility::Facility;
use lshub_domain::{Reason, ValidationError};
use lshub_storage::facilities::{NewBooking, StoredBooking, TrainedPerson};
use lshub_storage::Database;

use crate::clock::Clock;
use crate::{content, Caller, ServiceError};

/// A published facility, which is what can be booked.
async fn bookable(db: &Database, slug: &str) -> Result<Item<Facility>, ServiceError> {
    match db.item::<Facility>(slug).await? {
        Some(item) if item.state == State::Published => Ok(item),
        _ => Err(ServiceError::NotFound("facility")),
    }
}

/// A facility the caller runs: one they may edit.
pub async fn staffed(db: &Database, caller: &Caller, slug: &str) -> Result<Item<Facility>, ServiceError> {
    let item = content::find::<Facility>(db, caller, slug).await?;
    caller.require(
        Action::Content(ContentAction::Edit),
        Resource::Content { kind: &lshub_domain::content::FACILITY, owner: &item.owner.id },
    )?;
    Ok(item)
}

/// Books the facility as `draft` asks, for the organisation it names; every occurrence of
/// a recurring request, or none.
pub async fn book(
    db: &Database,
    clock: &Clock,
    caller: &Caller,
    slug: &str,
    draft: BookingDraft,
) -> Result<Vec<StoredBooking>, ServiceError> {
    // Who asks comes first, then what they ask: the policy decides before the input does.
    let user = caller.user()?;
    let item = bookable(db, slug).await?;
    let slug_booked_for = draft.organisation.trim();
    if slug_booked_for.is_empty() {
        return Err(ValidationError::new("organisation", Reason::Empty).into());
    }
    let organisation = db.organisation_by_slug(slug_booked_for).await?.ok_or_else(|| {
        ValidationError::new("organisation", Reason::NoSuchOrganisation { slug: slug_booked_for.to_owned() })
    })?;
    caller.require(Action::BookFacility, Resource::Organisation { id: &organisation.id })?;
    let request = BookingRequest::validate(draft).map_err(ServiceError::Invalid)?;
    let facility = &item.record;
    let user_type = booking::user_type(organisation.id == item.owner.id, organisation.profile.kind);
    let rate = facility.rates.for_user(user_type).ok_or(BookingRefusal::NotOpenTo(user_type))?;
    // Those who run the facility train others, and need no one's approval.
    let staff = content::may_edit(caller, &item);
    if facility.training_required && !staff && !db.is_trained(&item.id, &user.id).await? {
        return Err(BookingRefusal::NotTrained.into());
    }
    let now = clock.now();
    let spans = facility.rules.spans(&request, clock.zone(), now)?;
    let state =
        if facility.rules.approval_required && !staff { BookingState::Requested } else { BookingState::Confirmed };
    let detail = format!(
        "{} booking(s) of \"{}\" for {}",
        spans.len(),
        facility.title.en.as_deref().unwrap_or(&item.slug),
        organisation.profile.name
    );
    let new = NewBooking {
        facility_id: &item.id,
        user_id: &user.id,
        organisation_id: &organisation.id,
        user_type,
        rate_cents: rate,
        spans: &spans,
        buffer_minutes: facility.rules.buffer_minutes,
        state,
        note: &request.note,
        quota: facility.rules.quota.map(|quota| (quota, quota.windows(&spans, clock.zone()))),
        now,
    };
    Ok(db.book_facility(new, caller.event("facility.booked", &item.slug, detail)).await??)
}

/// Moves one booking: the booker may cancel their own; the staff make every move.
pub async fn change(
    db: &Database,
    clock: &Clock,
    caller: &Caller,
    slug: &str,
    booking_id: &str,
    change: BookingMove,
) -> Result<StoredBooking, ServiceError> {
    caller.require(Action::ManageOwnBookings, Resource::Hub)?;
    let user = caller.user()?;
    let item = content::find::<Facility>(db, caller, slug).await?;
    let found = db.booking(booking_id).await?.filter(|b| b.facility_id == item.id);
    let booking = found.ok_or(ServiceError::NotFound("booking"))?;
    let own = booking.user_id == user.id && change.open_to_booker();
    if !own && !content::may_edit(caller, &item) {
        // To anyone else another's booking does not exist.
        return Err(ServiceError::NotFound("booking"));
    }
    let detail = format!("booking {} of {}: {}", booking.id, booking.span.starts_at, change.id());
    let event = caller.event("facility.booking-changed", &item.slug, detail);
    let changed = db.change_booking(&item.id, booking_id, change, &user.id, clock.now(), event).await?;
    Ok(changed.ok_or(ServiceError::NotFound("booking"))??)
}

/// The facility's bookings between `from` and `to`, every state, for its staff.
pub async fn bookings(
    db: &Database,
    caller: &Caller,
    slug: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<(Item<Facility>, Vec<StoredBooking>), ServiceError> {
    let item = staffed(db, caller, slug).await?;
    let bookings = db.facility_bookings(&item.id, from, to, false).await?;
    Ok((item, bookings))
}

/// The requests that wait for the staff.
pub async fn requests(db: &Database, caller: &Caller, slug: &str) -> Result<Vec<StoredBooking>, ServiceError> {
    let item = staffed(db, caller, slug).await?;
    Ok(db.requested_bookings(&item.id).await?)
}

/// When a published facility is taken between `from` and `to`: times only, for anyone.
pub async fn busy(
    db: &Database,
    slug: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<(Item<Facility>, Vec<booking::Span>), ServiceError> {
    let item = bookable(db, slug).await?;
    let bookings = db.facility_bookings(&item.id, from, to, true).await?;
    Ok((item, bookings.into_iter().map(|b| b.span).collect()))
}

/// The caller's bookings that end at or after `since`.
pub async fn mine(db: &Database, caller: &Caller, since: DateTime<Utc>) -> Result<Vec<StoredBooking>, ServiceError> {
    let user = caller.user()?;
    Ok(db.bookings_of(&user.id, since).await?)
}

/// The bookings in the personal calendar at a secret address (its owner's, that hold time).
pub async fn calendar(db: &Database, secret: &str, since: DateTime<Utc>) -> Result<Vec<StoredBooking>, ServiceError> {
    let user_id = db
        .personal_calendar_user(&lshub_storage::credentials::digest(secret))
        .await?
        .ok_or(ServiceError::NotFound("calendar"))?;
    let bookings = db.bookings_of(&user_id, since).await?;
    Ok(bookings.into_iter().filter(|b| b.state.holds_time()).collect())
}

/// The staff mark the person with this e-mail address as trained to use the facility.
pub async fn mark_trained(
    db: &Database,
    clock: &Clock,
    caller: &Caller,
    slug: &str,
    email: &str,
) -> Result<TrainedPerson, ServiceError> {
    let item = staffed(db, caller, slug).await?;
    let email = Email::parse(email)?;
    // The same answer for an unknown address as for a malformed one would hide typos; an
    // address is shown only to staff, who typed it.
    let person = db.user_by_email(&email).await?.ok_or(ServiceError::NotFound("account"))?.user;
    let detail = format!("{} trained to use \"{}\"", person.id, item.slug);
    db.mark_trained(
        &item.id,
        &person.id,
        &caller.user()?.id,
        clock.now(),
        caller.event("facility.trained", &item.slug, detail),
    )
    .await?;
    let trained = db.trained_people(&item.id).await?;
    trained.into_iter().find(|t| t.user_id == person.id).ok_or(ServiceError::NotFound("training"))
}

pub async fn trained(db: &Database, caller: &Caller, slug: &str) -> Result<Vec<TrainedPerson>, ServiceError> {
    let item = staffed(db, caller, slug).await?;
    Ok(db.trained_people(&item.id).await?)
}

/// What was used in a month, for invoicing: the bookings that started in it and were not
/// rejected or cancelled, for the staff.
pub async fn usage(
    db: &Database,
    clock: &Clock,
    caller: &Caller,
    slug: &str,
    month: chrono::NaiveDate,
) -> Result<(Item<Facility>, Vec<StoredBooking>), ServiceError> {
    use chrono::{Datelike, Months, NaiveTime};
    let item = staffed(db, caller, slug).await?;
    let first = month.with_day(1).unwrap_or(month);
    let next = first.checked_add_months(Months::new(1)).unwrap_or(first);
    let midnight = |day: chrono::NaiveDate| booking::instant_in(clock.zone(), day.and_time(NaiveTime::MIN));
    let (Some(from), Some(to)) = (midnight(first), midnight(next)) else {
        return Err(ServiceError::NotFound("month"));
    };
    let bookings = db.facility_bookings(&item.id, from, to, true).await?;
    Ok((item, bookings.into_iter().filter(|b| b.span.starts_at >= from).collect()))
}
