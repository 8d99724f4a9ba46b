//! Booking shared facilities, in pages that work without JavaScript (`mod.rs`) and the API
//! (`api.rs`) over `lshub_service::facilities`: the booking form, one's bookings, the
//! staff's day view with the requests waiting and the trained people, the month's usage as
//! CSV for invoicing, and the busy times as an iCalendar feed for anyone.

pub mod api;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use icalendar::{Component, EventLike};
use lshub_domain::authorization::{Action, Resource};
use lshub_domain::facility::booking::{self, BookingDraft, BookingMove, BookingRefusal, BookingState};
use lshub_domain::{Reason, ValidationError};
use lshub_service::facilities as service;
use lshub_service::ServiceError;
use lshub_storage::facilities::StoredBooking;
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::AppError;
use crate::events::agenda::calendar_response;
use crate::events::calendar_text;
use crate::i18n::Translator;
use crate::kinds::events::local;
use crate::pages::forms::{Choice, FormField, FormFields, FormPage, Posted};
use crate::pages::{render, see_other, PageContext};
use crate::routes::RouteTable;
use crate::state::AppState;

/// The busy feed covers this many days back and ahead.
const FEED_PAST_DAYS: i64 = 30;
const FEED_AHEAD_DAYS: i64 = 366;
/// One's bookings list shows those that ended this many days ago or later.
const MINE_PAST_DAYS: i64 = 30;

pub fn page_routes() -> RouteTable {
    RouteTable::new()
        .route("/facilities/{slug}/book", get(book_form).post(book))
        .route("/facilities/{slug}/bookings", get(day_view))
        .route("/facilities/{slug}/bookings/{id}", post(change))
        .route("/facilities/{slug}/trained", post(mark_trained))
        .route("/facilities/{slug}/usage.csv", get(usage_csv))
        .route("/account/bookings", get(mine))
}

pub fn feed_routes() -> RouteTable {
    RouteTable::new().route("/facilities/{slug}/busy.ics", get(busy_feed))
}

pub(crate) fn now(state: &AppState) -> DateTime<Utc> {
    state.site.clock.now()
}

/// A time as the region's wall clock shows it.
fn local_text(state: &AppState, t: &Translator, at: DateTime<Utc>) -> String {
    local(t.lang, lshub_domain::event::local_time_in(at, state.site.clock.time_zone()))
}

/// "3 March 2027, 09:00 – 11:00".
pub(crate) fn span_text(state: &AppState, t: &Translator, span: &booking::Span) -> String {
    let end = lshub_domain::event::local_time_in(span.ends_at, state.site.clock.time_zone());
    format!("{} – {}", local_text(state, t, span.starts_at), end.format("%H:%M"))
}

pub(crate) fn state_label(t: &Translator, state: BookingState) -> String {
    t.t(&format!("booking-state-{}", state.id()))
}

/// The words for a refusal of the rules, in the page's language.
pub(crate) fn refusal_text(state: &AppState, t: &Translator, refusal: BookingRefusal) -> String {
    use BookingRefusal as R;
    let n = |v: u32| v.to_string();
    match refusal {
        R::NotOpenTo(user) => t.t(&format!("booking-refused-not-open-{}", user.id())),
        R::NotTrained => t.t("booking-refused-not-trained"),
        R::OffGrid { slot_minutes } => t.t1("booking-refused-off-grid", "slot", n(slot_minutes)),
        R::TooShort { min_minutes } => t.t1("booking-refused-too-short", "min", n(min_minutes)),
        R::TooLong { max_minutes } => t.t1("booking-refused-too-long", "max", n(max_minutes)),
        R::TooManyOccurrences { max } => t.t1("booking-refused-occurrences", "max", n(max)),
        R::TooSoon { hours } => t.t1("booking-refused-too-soon", "hours", n(hours)),
        R::TooFarAhead { days } => t.t1("booking-refused-too-far", "days", n(days)),
        R::Blackout { day } => t.t1("booking-refused-closed", "day", crate::pages::format::date(t.lang, day)),
        R::OverQuota { hours, period } => t.t1(&format!("booking-refused-quota-{}", period.id()), "hours", n(hours)),
        R::Taken { starts_at } => t.t1("booking-refused-taken", "start", local_text(state, t, starts_at)),
        R::WrongState(from) => t.t1("booking-refused-state", "state", state_label(t, from)),
        R::NotStarted => t.t("booking-refused-not-started"),
        R::Begun => t.t("booking-refused-begun"),
    }
}

fn not_date(field: &'static str, value: &str) -> AppError {
    AppError::BadRequest(ValidationError::new(field, Reason::NotDate { value: value.to_owned() }))
}

pub(crate) fn move_from(text: &str) -> Result<BookingMove, AppError> {
    BookingMove::from_id(text.trim()).ok_or_else(|| {
        let allowed = BookingMove::ALL.iter().map(|m| m.id()).collect::<Vec<_>>().join(", ");
        AppError::BadRequest(ValidationError::new("move", Reason::NotOneOf { value: text.trim().to_owned(), allowed }))
    })
}

/// The organisations the caller may book for: those they are a member of.
async fn own_organisations(state: &AppState, auth: &Auth) -> Result<Vec<(String, String)>, AppError> {
    let mut out = Vec::new();
    for id in auth.actor.user.iter().flat_map(|u| u.organisations.iter()) {
        if let Some(organisation) = state.db.organisation_by_id(id).await? {
            out.push((organisation.slug, organisation.profile.name));
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

async fn booking_page(
    state: &AppState,
    ctx: PageContext,
    auth: &Auth,
    slug: &str,
    draft: &BookingDraft,
) -> Result<FormPage, AppError> {
    let caller = auth.caller();
    caller.require(Action::ManageOwnAccount, Resource::Hub)?;
    let item = lshub_service::content::find::<lshub_domain::facility::Facility>(&state.db, &caller, slug).await?;
    let t = &ctx.t;
    let title = t.t1("booking-form-title", "facility", item.record.title.get(t.lang).to_owned());
    let organisations = own_organisations(state, auth).await?;
    let rules = &item.record.rules;
    let field = |name: &'static str, kind: &'static str, value: &str| {
        FormField::new(name, t.t(&format!("booking-field-{name}")), kind).value(value.to_owned())
    };
    let organisation_choices = organisations
        .iter()
        .map(|(slug, name)| Choice { value: slug.clone(), label: name.clone(), selected: *slug == draft.organisation })
        .collect();
    let repeats = ["once", "daily", "weekly"]
        .iter()
        .map(|id| Choice {
            value: (*id).to_owned(),
            label: t.t(&format!("booking-repeat-{id}")),
            selected: *id == draft.repeat || (draft.repeat.is_empty() && *id == "once"),
        })
        .collect();
    let mut fields = vec![
        field("organisation", "select", "").choices(organisation_choices).required(),
        field("starts", "datetime-local", &draft.starts).required().hint(t.t1(
            "booking-field-starts-hint",
            "slot",
            rules.slot_minutes.to_string(),
        )),
        field("minutes", "number", &draft.minutes).required().hint(t.with(
            "booking-field-minutes-hint",
            &[("min", rules.min_minutes.to_string()), ("max", rules.max_minutes.to_string())],
        )),
    ];
    if rules.max_occurrences > 1 {
        fields.push(field("repeat", "select", "").choices(repeats));
        fields.push(field("occurrences", "number", &draft.occurrences).hint(t.t1(
            "booking-field-occurrences-hint",
            "max",
            rules.max_occurrences.to_string(),
        )));
    }
    fields.push(field("note", "text", &draft.note));
    let back = item.record.title.get(t.lang).to_owned();
    let submit = t.t("booking-submit");
    let mut page = FormPage::new(ctx, title, &format!("/facilities/{slug}/book"), &auth.csrf)
        .link(&format!("/facilities/{slug}"), back);
    if organisations.is_empty() {
        page.intro.push(page.ctx.t.t("booking-no-organisation"));
    }
    page.intro.push(page.ctx.t.t1("booking-time-zone", "zone", state.site.clock.time_zone().to_owned()));
    page.fields = fields;
    page.submit = submit;
    Ok(page)
}

async fn book_form(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let draft = BookingDraft { minutes: String::new(), ..BookingDraft::default() };
    render(&booking_page(&state, ctx, &auth, &slug, &draft).await?)
}

async fn book(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
    Posted(draft): Posted<BookingDraft>,
) -> Result<Response, AppError> {
    match service::book(&state.db, &state.site.clock, &auth.caller(), &slug, draft.clone()).await {
        Ok(_) => Ok(see_other("/account/bookings")),
        Err(ServiceError::Invalid(errors)) => booking_page(&state, ctx, &auth, &slug, &draft)
            .await?
            .invalid_all(&errors)
            .respond(StatusCode::UNPROCESSABLE_ENTITY),
        Err(ServiceError::BookingRefused(refusal)) => {
            let error = refusal_text(&state, &ctx.t, refusal);
            let mut page = booking_page(&state, ctx, &auth, &slug, &draft).await?;
            page.error = Some(error);
            page.respond(StatusCode::CONFLICT)
        }
        Err(e) => Err(e.into()),
    }
}

/// One booking in a list, with the moves the viewer may make.
struct Listed {
    id: String,
    facility_slug: String,
    facility_title: String,
    when: String,
    who: String,
    organisation: String,
    user_type: String,
    state: String,
    note: String,
    moves: Vec<(&'static str, String)>,
}

fn listed(state: &AppState, t: &Translator, b: &StoredBooking, staff: bool, own: bool) -> Listed {
    let at = now(state);
    let moves = BookingMove::ALL
        .iter()
        .filter(|m| {
            (staff || (own && m.open_to_booker())) && b.state.after(**m).is_some() && m.in_time(&b.span, at).is_ok()
        })
        .map(|m| (m.id(), t.t(&format!("booking-move-{}", m.id()))))
        .collect();
    Listed {
        id: b.id.clone(),
        facility_slug: b.facility_slug.clone(),
        facility_title: b.facility_title.clone(),
        when: span_text(state, t, &b.span),
        who: b.user_name.clone(),
        organisation: b.organisation_name.clone(),
        user_type: t.t(&format!("facility-user-{}", b.user_type.id())),
        state: state_label(t, b.state),
        note: b.note.clone(),
        moves,
    }
}

#[derive(Template)]
#[template(path = "facilities/bookings.html")]
struct DayView {
    ctx: PageContext,
    csrf: String,
    slug: String,
    title: String,
    day: String,
    day_iso: String,
    previous: String,
    next: String,
    month: String,
    bookings: Vec<Listed>,
    requests: Vec<Listed>,
    trained: Vec<(String, String)>,
    notice: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct DayQuery {
    date: Option<String>,
    notice: Option<String>,
}

/// The staff's view of one day of the facility: its bookings with their moves, the
/// requests waiting, and who is trained.
async fn day_view(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
    Query(query): Query<DayQuery>,
) -> Result<Response, AppError> {
    let caller = auth.caller();
    let day = match query.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(text) => text.parse::<NaiveDate>().map_err(|_| not_date("date", text))?,
        None => state.today(),
    };
    let zone = state.site.clock.zone();
    let midnight = |d: NaiveDate| booking::instant_in(zone, d.and_time(NaiveTime::MIN));
    let (Some(from), Some(to)) = (midnight(day), midnight(day + Duration::days(1))) else {
        return Err(not_date("date", &day.to_string()));
    };
    let (item, bookings) = service::bookings(&state.db, &caller, &slug, from, to).await?;
    let requests = service::requests(&state.db, &caller, &slug).await?;
    let trained = service::trained(&state.db, &caller, &slug).await?;
    let t = &ctx.t;
    let notice = match query.notice.as_deref() {
        Some("trained") => Some(t.t("facility-trained-done")),
        Some("changed") => Some(t.t("booking-changed")),
        _ => None,
    };
    let page = DayView {
        csrf: auth.csrf.clone(),
        slug: slug.clone(),
        title: item.record.title.get(t.lang).to_owned(),
        day: crate::pages::format::date(t.lang, day),
        day_iso: day.to_string(),
        previous: (day - Duration::days(1)).to_string(),
        next: (day + Duration::days(1)).to_string(),
        month: day.format("%Y-%m").to_string(),
        bookings: bookings.iter().map(|b| listed(&state, t, b, true, false)).collect(),
        requests: requests.iter().map(|b| listed(&state, t, b, true, false)).collect(),
        trained: trained
            .iter()
            .map(|p| (p.name.clone(), crate::pages::format::date(t.lang, state.site.clock.date_at(p.trained_at))))
            .collect(),
        notice,
        ctx,
    };
    render(&page)
}

#[derive(Debug, Deserialize)]
struct MoveForm {
    #[serde(rename = "move", default)]
    change: String,
    /// Where to go back to: the staff's day (`YYYY-MM-DD`), or one's bookings when absent.
    #[serde(default)]
    day: String,
}

async fn change(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path((slug, id)): Path<(String, String)>,
    Posted(form): Posted<MoveForm>,
) -> Result<Response, AppError> {
    auth.caller().require(Action::ManageOwnBookings, Resource::Hub)?;
    let change = move_from(&form.change)?;
    let back = match form.day.trim() {
        "" => "/account/bookings".to_owned(),
        day => format!(
            "/facilities/{slug}/bookings?date={}&notice=changed",
            day.replace(|c: char| !c.is_ascii_digit() && c != '-', "")
        ),
    };
    match service::change(&state.db, &state.site.clock, &auth.caller(), &slug, &id, change).await {
        Ok(_) => Ok(see_other(&back)),
        Err(ServiceError::BookingRefused(refusal)) => {
            let text = refusal_text(&state, &ctx.t, refusal);
            let title = ctx.t.t("booking-refused-title");
            let back_label = ctx.t.t("booking-back");
            let page = FormPage::message(ctx, title, text, Vec::new()).link(&back, back_label);
            page.respond(StatusCode::CONFLICT)
        }
        Err(e) => Err(e.into()),
    }
}

async fn mark_trained(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
    Posted(form): Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let form = FormFields(form);
    service::mark_trained(&state.db, &state.site.clock, &auth.caller(), &slug, &form.trimmed("email")).await?;
    Ok(see_other(&format!("/facilities/{slug}/bookings?notice=trained")))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct MonthQuery {
    /// `YYYY-MM`; this month when absent.
    pub month: Option<String>,
}

pub(crate) fn month_of(state: &AppState, query: &MonthQuery) -> Result<NaiveDate, AppError> {
    match query.month.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        Some(text) => NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").map_err(|_| not_date("month", text)),
        None => Ok(state.today()),
    }
}

/// The month's usage, one line per booking, for the facility's own invoicing.
async fn usage_csv(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
    Query(query): Query<MonthQuery>,
) -> Result<Response, AppError> {
    let month = month_of(&state, &query)?;
    let (_, bookings) = service::usage(&state.db, &state.site.clock, &auth.caller(), &slug, month).await?;
    let zone = state.site.clock.time_zone();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "booking",
        "start",
        "end",
        "hours",
        "user_type",
        "organisation",
        "booked_by",
        "state",
        "rate_eur_per_hour",
        "amount_eur",
    ];
    let written: Result<(), csv::Error> = (|| {
        writer.write_record(header)?;
        for b in &bookings {
            let local = |at| lshub_domain::event::local_time_in(at, zone).format("%Y-%m-%d %H:%M").to_string();
            let euros = |cents: i64| format!("{}.{:02}", cents / 100, cents % 100);
            writer.write_record([
                b.id.clone(),
                local(b.span.starts_at),
                local(b.span.ends_at),
                format!("{:.2}", b.span.minutes() as f64 / 60.0),
                b.user_type.id().to_owned(),
                b.organisation_name.clone(),
                b.user_name.clone(),
                b.state.id().to_owned(),
                euros(b.rate_cents),
                euros(b.amount_cents()),
            ])?;
        }
        Ok(())
    })();
    written.map_err(|e| AppError::Internal(format!("writing the usage CSV: {e}")))?;
    let body = writer.into_inner().map_err(|e| AppError::Internal(format!("writing the usage CSV: {e}")))?;
    let filename = format!("{slug}-usage-{}.csv", month.format("%Y-%m"));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
        ],
        body,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "facilities/mine.html")]
struct MinePage {
    ctx: PageContext,
    csrf: String,
    bookings: Vec<Listed>,
}

async fn mine(State(state): State<AppState>, ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    let caller = auth.caller();
    caller.require(Action::ReadOwnAccount, Resource::Hub)?;
    let bookings = service::mine(&state.db, &caller, now(&state) - Duration::days(MINE_PAST_DAYS)).await?;
    let t = &ctx.t;
    let bookings = bookings.iter().map(|b| listed(&state, t, b, false, true)).collect();
    render(&MinePage { csrf: auth.csrf.clone(), bookings, ctx })
}

/// The facility's busy times as calendar entries, with no one's name.
async fn busy_feed(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Response, AppError> {
    let at = now(&state);
    let (item, spans) =
        service::busy(&state.db, &slug, at - Duration::days(FEED_PAST_DAYS), at + Duration::days(FEED_AHEAD_DAYS))
            .await?;
    let host = url::Url::parse(&state.site.public_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or("lshub".into());
    let entries = spans
        .iter()
        .map(|span| {
            icalendar::Event::new()
                .uid(&format!("busy-{slug}-{}@{host}", span.starts_at.timestamp()))
                .timestamp(item.updated_at)
                .starts(span.starts_at)
                .ends(span.ends_at)
                .summary("Busy")
                .class(icalendar::Class::Public)
                .done()
        })
        .collect();
    let name = format!("{}: busy", item.record.title.both().next().unwrap_or(&slug));
    let mut response = calendar_response(&format!("{slug}-busy.ics"), calendar_text(&name, "PUBLISH", entries));
    // Bookings change without the content's version changing: no shared cache keeps it long.
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("public, max-age=60"));
    Ok(response)
}

/// A person's bookings as calendar entries, for their personal calendar.
pub(crate) fn personal_entries(state: &AppState, bookings: &[StoredBooking]) -> Vec<icalendar::Event> {
    let base = state.site.public_url.trim_end_matches('/');
    let host = url::Url::parse(base).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or("lshub".into());
    bookings
        .iter()
        .map(|b| {
            let status = match b.state {
                BookingState::Requested => icalendar::EventStatus::Tentative,
                _ => icalendar::EventStatus::Confirmed,
            };
            icalendar::Event::new()
                .uid(&format!("booking-{}@{host}", b.id))
                .timestamp(b.changed_at)
                .starts(b.span.starts_at)
                .ends(b.span.ends_at)
                .summary(&b.facility_title)
                .url(&format!("{base}/facilities/{}", b.facility_slug))
                .status(status)
                .done()
        })
        .collect()
}
