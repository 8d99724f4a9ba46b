//! Registration pages, all working without JavaScript: one's registration for an event
//! (register, cancel, the calendar file), the organisers' list (approve, refuse), and one's
//! registrations with the secret address of one's calendar.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use lshub_domain::authorization::{Action, Resource};
use lshub_domain::event::{RegistrationRefusal, RegistrationState};
use lshub_domain::{Reason, ValidationError};
use lshub_service::events::{self as service, Organised};
use lshub_service::ServiceError;
use lshub_storage::events::StoredRegistration;

use super::{compose, now, state_label};
use crate::auth::Auth;
use crate::error::AppError;
use crate::i18n::Translator;
use crate::kinds::events::{local, when};
use crate::pages::forms::{FormFields, Posted};
use crate::pages::{render, see_other, PageContext};
use crate::public_cache::public;
use crate::routes::RouteTable;
use crate::state::AppState;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .route("/events/{slug}/registration", get(show).post(register))
        .route("/events/{slug}/registration/cancel", post(cancel))
        .route("/events/{slug}/registrations", get(list))
        .route("/events/{slug}/registrations/{id}", post(decide))
        .route("/events/{slug}/calendar.ics", public(get(calendar_file)))
        .route("/account/registrations", get(mine))
        .route("/account/calendar", post(renew_calendar))
}

/// An event as the registration pages head it.
struct Heading {
    slug: String,
    title: String,
    when: String,
    place: String,
}

fn heading(t: &Translator, event: &Organised) -> Heading {
    let record = &event.item.record;
    Heading {
        slug: event.item.slug.clone(),
        title: record.title.get(t.lang).to_owned(),
        when: when(t.lang, record),
        place: record.place.clone(),
    }
}

fn registered_at(t: &Translator, registration: &StoredRegistration, time_zone: &str) -> String {
    local(t.lang, lshub_domain::event::local_time_in(registration.registered_at, time_zone))
}

/// The words for a refusal of the rules, in the caller's language.
fn refusal_text(t: &Translator, refusal: RegistrationRefusal) -> String {
    let id = match refusal {
        RegistrationRefusal::Closed => "closed",
        RegistrationRefusal::CancellationClosed => "cancellation-closed",
        RegistrationRefusal::AlreadyRegistered => "already-registered",
        RegistrationRefusal::NotPending => "not-pending",
        RegistrationRefusal::Ended => "ended",
        RegistrationRefusal::NotRegistered => "not-registered",
    };
    t.t(&format!("registration-refused-{id}"))
}

#[derive(Template)]
#[template(path = "events/registration.html")]
struct RegistrationPage {
    ctx: PageContext,
    csrf: String,
    event: Heading,
    /// "12 of 40 seats taken, 3 waiting", or that there is no limit.
    seats: String,
    /// The caller's registration: its state's label, and whether it still counts.
    own: Option<(String, bool)>,
    may_register: bool,
    may_cancel: bool,
    may_organise: bool,
    requires_approval: bool,
    error: Option<String>,
}

async fn registration_page(
    state: &AppState,
    ctx: PageContext,
    auth: &Auth,
    slug: &str,
    error: Option<String>,
) -> Result<RegistrationPage, AppError> {
    let caller = auth.caller();
    let event = service::organised(&state.db, slug).await?;
    let own = service::own(&state.db, &caller, &event).await?;
    let (confirmed, waiting) = state.db.seats_taken(&event.item.id).await?;
    let rules = &event.item.record.registration;
    let t = &ctx.t;
    let seats = match rules.capacity {
        Some(capacity) => {
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("taken", confirmed);
            args.set("capacity", capacity);
            args.set("waiting", waiting);
            state.i18n.format(t.lang, "registration-seats", Some(&args))
        }
        None => t.t1("registration-seats-open", "taken", confirmed),
    };
    let at = now(state);
    let starts = event.item.record.starts_at;
    let active = own.as_ref().is_some_and(|r| r.state.is_active());
    let (open, cancellable) = (rules.is_open(at, starts), rules.is_cancellable(at, starts));
    Ok(RegistrationPage {
        csrf: auth.csrf.clone(),
        event: heading(t, &event),
        seats,
        may_register: !active && open && event.item.state == lshub_domain::content::State::Published,
        may_cancel: active && cancellable,
        own: own.map(|r| (state_label(t, r.state), r.state.is_active())),
        may_organise: service::may_organise(&caller, &event),
        requires_approval: rules.requires_approval,
        error,
        ctx,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    render(&registration_page(&state, ctx, &auth, &slug, None).await?)
}

/// After a change: the registration page, or the page again with the rules' refusal (409).
async fn answer(
    state: &AppState,
    ctx: PageContext,
    auth: &Auth,
    slug: &str,
    done: Result<StoredRegistration, ServiceError>,
    back_to: &str,
) -> Result<Response, AppError> {
    match done {
        Ok(_) => {
            crate::access::mail_queued(state);
            Ok(see_other(back_to))
        }
        Err(ServiceError::RegistrationRefused(refusal)) => {
            let error = refusal_text(&ctx.t, refusal);
            let page = registration_page(state, ctx, auth, slug, Some(error)).await?;
            Ok((StatusCode::CONFLICT, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn register(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let done = service::register(&state.db, &auth.caller(), &slug, now(&state), &compose(&state)).await;
    answer(&state, ctx, &auth, &slug, done, &format!("/events/{slug}/registration")).await
}

pub async fn cancel(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let done = service::cancel(&state.db, &auth.caller(), &slug, now(&state), &compose(&state)).await;
    answer(&state, ctx, &auth, &slug, done, &format!("/events/{slug}/registration")).await
}

/// One registration in the organisers' list.
struct Registrant {
    id: String,
    name: String,
    email: String,
    state: String,
    registered_at: String,
    may_approve: bool,
    may_reject: bool,
}

#[derive(Template)]
#[template(path = "events/registrations.html")]
struct RegistrationsPage {
    ctx: PageContext,
    csrf: String,
    event: Heading,
    seats: String,
    registrants: Vec<Registrant>,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let caller = auth.caller();
    let event = service::organised(&state.db, &slug).await?;
    let registrations = service::registrations(&state.db, &caller, &event).await?;
    let t = &ctx.t;
    let zone = &event.item.record.time_zone;
    let count = |s: RegistrationState| registrations.iter().filter(|r| r.state == s).count();
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("confirmed", count(RegistrationState::Confirmed));
    args.set("waiting", count(RegistrationState::Waitlisted));
    args.set("pending", count(RegistrationState::Pending));
    let seats = state.i18n.format(t.lang, "registrations-counts", Some(&args));
    let registrants = registrations
        .iter()
        .map(|r| Registrant {
            id: r.id.clone(),
            name: r.name.clone(),
            email: r.email.clone(),
            state: state_label(t, r.state),
            registered_at: registered_at(t, r, zone),
            may_approve: r.state == RegistrationState::Pending,
            may_reject: matches!(r.state, RegistrationState::Pending | RegistrationState::Waitlisted),
        })
        .collect();
    render(&RegistrationsPage { csrf: auth.csrf.clone(), event: heading(t, &event), seats, registrants, ctx })
}

pub async fn decide(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path((slug, id)): Path<(String, String)>,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let caller = auth.caller();
    // Organisers only, whatever was posted.
    let event = service::organised(&state.db, &slug).await?;
    service::registrations(&state.db, &caller, &event).await?;
    let fields = FormFields(fields);
    let approve = match fields.trimmed("decision").as_str() {
        "approve" => true,
        "reject" => false,
        other => {
            let reason = Reason::NotEither { value: other.to_owned(), first: "approve", second: "reject" };
            return Err(ValidationError::new("decision", reason).into());
        }
    };
    let done = service::decide(&state.db, &caller, &slug, &id, approve, now(&state), &compose(&state)).await;
    answer(&state, ctx, &auth, &slug, done, &format!("/events/{slug}/registrations")).await
}

/// The event as a calendar file, for anyone.
pub async fn calendar_file(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Response, AppError> {
    let event = service::organised(&state.db, &slug).await?;
    let base = &state.site.public_url;
    let title = event.item.record.title.both().next().unwrap_or_default().to_owned();
    let entry = super::calendar_entry(base, &event.item, icalendar::EventStatus::Confirmed);
    Ok(super::agenda::calendar_response(&format!("{slug}.ics"), super::calendar_text(&title, "PUBLISH", vec![entry])))
}

/// One of the caller's registrations.
struct Mine {
    slug: String,
    title: String,
    when: String,
    state: String,
}

#[derive(Template)]
#[template(path = "events/mine.html")]
struct MinePage {
    ctx: PageContext,
    csrf: String,
    registrations: Vec<Mine>,
    has_calendar: bool,
    /// The calendar's address, just made: shown once.
    calendar_url: Option<String>,
}

async fn mine_page(
    state: &AppState,
    ctx: PageContext,
    auth: &Auth,
    calendar_url: Option<String>,
) -> Result<MinePage, AppError> {
    let caller = auth.caller();
    let t = &ctx.t;
    let registrations = service::mine(&state.db, &caller)
        .await?
        .into_iter()
        .map(|(registration, item)| Mine {
            title: item.record.title.get(t.lang).to_owned(),
            when: when(t.lang, &item.record),
            state: state_label(t, registration.state),
            slug: item.slug,
        })
        .collect();
    let has_calendar = state.db.has_personal_calendar(&caller.user()?.id).await?;
    Ok(MinePage { csrf: auth.csrf.clone(), registrations, has_calendar, calendar_url, ctx })
}

pub async fn mine(State(state): State<AppState>, ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    auth.caller().require(Action::ReadOwnAccount, Resource::Hub)?;
    render(&mine_page(&state, ctx, &auth, None).await?)
}

pub async fn renew_calendar(State(state): State<AppState>, ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    let secret = service::renew_calendar(&state.db, &auth.caller()).await?;
    let url = format!("{}{}", state.site.public_url, super::agenda::personal_calendar_path(&secret));
    render(&mine_page(&state, ctx, &auth, Some(url)).await?)
}
