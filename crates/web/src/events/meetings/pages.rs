//! The meeting pages of a matchmaking day, all working without JavaScript: the participants
//! and one's requests, one's profile, one request (accept in a slot, decline, call off),
//! one's agenda as a page, a calendar file and a PDF, and the organisers' dashboard with
//! attendance.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use lshub_domain::authorization::{Action, Resource};
use lshub_domain::event::meetings::{Attendance, MeetingProfileDraft, RequestState};
use lshub_domain::{Reason, ValidationError};
use lshub_service::meetings::{self as service, Day};
use lshub_service::ServiceError;
use lshub_storage::meetings::{MeetingChange, StoredMeeting};

use super::{calendar_entry, letters, slot_time, state_label, table_number};
use crate::auth::Auth;
use crate::error::AppError;
use crate::events::now;
use crate::i18n::Translator;
use crate::kinds::events::when;
use crate::pages::forms::{Choice, FormField, FormFields, FormPage, Posted};
use crate::pages::{render, see_other, PageContext};
use crate::public_cache::private;
use crate::routes::RouteTable;
use crate::state::AppState;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .route("/events/{slug}/meetings", get(overview))
        .route("/events/{slug}/meetings/profile", get(profile_form).post(save_profile))
        .route("/events/{slug}/meetings/requests", post(ask))
        .route("/events/{slug}/meetings/requests/{id}", get(request_page).post(answer))
        .route("/events/{slug}/meetings/requests/{id}/attendance", post(attendance))
        .route("/events/{slug}/meetings/agenda", get(agenda))
        .route("/events/{slug}/meetings/agenda.ics", get(agenda_calendar))
        .route("/events/{slug}/meetings/agenda.pdf", get(agenda_pdf))
        .route("/events/{slug}/meetings/dashboard", get(dashboard))
}

/// The event as the meeting pages head it.
struct Heading {
    slug: String,
    title: String,
    when: String,
    place: String,
}

fn heading(t: &Translator, day: &Day) -> Heading {
    let record = &day.event.item.record;
    Heading {
        slug: day.event.item.slug.clone(),
        title: record.title.get(t.lang).to_owned(),
        when: when(t.lang, record),
        place: record.place.clone(),
    }
}

/// One request as the pages list it, from the viewer's side.
struct Listed {
    id: String,
    requester: String,
    recipient: String,
    /// The other side's name, for a participant's own list.
    other: String,
    asked_by_me: bool,
    state: String,
    /// Still waiting for the viewer's answer.
    to_answer: bool,
    time: String,
    table: String,
    attendance: Option<Attendance>,
    /// Attendance can be entered now (organisers).
    takes_attendance: bool,
}

fn listed(state: &AppState, t: &Translator, day: &Day, meeting: &StoredMeeting, viewer: &str) -> Listed {
    let at = now(state);
    let starts = day.event.item.record.starts_at;
    let current = meeting.state.at(at, starts);
    let name = |p: &lshub_storage::meetings::Participant| match &p.organisation {
        Some(org) => format!("{} ({org})", p.name),
        None => p.name.clone(),
    };
    Listed {
        id: meeting.id.clone(),
        requester: name(&meeting.requester),
        recipient: name(&meeting.recipient),
        other: name(meeting.other_side(viewer)),
        asked_by_me: meeting.requester.user_id == viewer,
        state: state_label(t, current),
        to_answer: current == RequestState::Pending && meeting.recipient.user_id == viewer,
        time: meeting
            .placement
            .map(|p| slot_time(&day.grid, p.slot, &day.event.item.record.time_zone))
            .unwrap_or_default(),
        table: meeting.placement.map(|p| table_number(p.table).to_string()).unwrap_or_default(),
        attendance: meeting.attendance,
        takes_attendance: meeting.state.takes_attendance(at, starts).is_ok(),
    }
}

/// Another participant, with what the viewer can do about them.
struct Other {
    user_id: String,
    name: String,
    organisation: Option<String>,
    offers: String,
    seeks: String,
    /// The open request between the two, if any: its id and state.
    open: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "events/meetings.html")]
struct OverviewPage {
    ctx: PageContext,
    csrf: String,
    event: Heading,
    /// Taking part: a confirmed seat.
    participant: bool,
    has_profile: bool,
    others: Vec<Other>,
    requests: Vec<Listed>,
    may_ask: bool,
    may_organise: bool,
    /// "20-minute meetings, 22 slots, 10 tables".
    grid: String,
    error: Option<String>,
}

async fn overview_page(
    state: &AppState,
    ctx: PageContext,
    auth: &Auth,
    slug: &str,
    error: Option<String>,
) -> Result<OverviewPage, AppError> {
    let caller = auth.caller();
    let day = service::day(&state.db, slug).await?;
    let t = &ctx.t;
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("minutes", day.grid.slot_minutes);
    args.set("slots", day.grid.slots);
    args.set("tables", day.grid.tables);
    let grid = state.i18n.format(t.lang, "meetings-grid", Some(&args));
    let may_organise = lshub_service::events::may_organise(&caller, &day.event);
    let participant = service::takes_part(&state.db, &caller, &day).await?;
    let (mut others, mut requests, mut has_profile) = (Vec::new(), Vec::new(), false);
    if participant {
        let overview = service::overview(&state.db, &caller, &day).await?;
        let me = caller.user()?.id.clone();
        has_profile = overview.own_profile.is_some();
        let at = now(state);
        let starts = day.event.item.record.starts_at;
        for profile in overview.profiles.into_iter().filter(|p| p.user_id != me) {
            let open = overview
                .requests
                .iter()
                .find(|m| m.state.at(at, starts).is_open() && m.other_side(&me).user_id == profile.user_id)
                .map(|m| (m.id.clone(), state_label(t, m.state.at(at, starts))));
            others.push(Other {
                user_id: profile.user_id,
                name: profile.name,
                organisation: profile.profile.organisation,
                offers: profile.profile.offers,
                seeks: profile.profile.seeks,
                open,
            });
        }
        requests = overview.requests.iter().map(|m| listed(state, t, &day, m, &me)).collect();
    }
    let may_ask = participant
        && has_profile
        && lshub_domain::event::meetings::may_ask(now(state), day.event.item.record.starts_at).is_ok();
    Ok(OverviewPage {
        csrf: auth.csrf.clone(),
        event: heading(t, &day),
        participant,
        has_profile,
        others,
        requests,
        may_ask,
        may_organise,
        grid,
        error,
        ctx,
    })
}

pub async fn overview(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    render(&overview_page(&state, ctx, &auth, &slug, None).await?)
}

/// The words for a refusal of the rules, in the caller's language.
pub(crate) fn refusal_text(t: &Translator, refusal: lshub_domain::event::meetings::MeetingRefusal) -> String {
    use lshub_domain::event::meetings::{MeetingRefusal as R, SlotRefusal as S};
    let id = match refusal {
        R::NotMatchmakingDay => "not-matchmaking-day",
        R::NoProfile => "no-profile",
        R::AskedSelf => "asked-self",
        R::AskedAlready => "asked-already",
        R::AnswersClosed => "answers-closed",
        R::NotPending => "not-pending",
        R::Slot(S::NoSuchSlot) => "no-such-slot",
        R::Slot(S::Busy) => "busy",
        R::Slot(S::NoTable) => "no-table",
        R::Slot(S::SameParticipant) => "asked-self",
        R::NotAccepted => "not-accepted",
        R::NotStarted => "not-started",
        R::Begun => "begun",
    };
    t.t(&format!("meeting-refused-{id}"))
}

fn profile_page(ctx: PageContext, auth: &Auth, slug: &str, draft: &MeetingProfileDraft) -> FormPage {
    let t = &ctx.t;
    let title = t.t("meetings-profile-title");
    let fields = vec![
        FormField::new("organisation", t.t("meetings-profile-organisation"), "text").value(draft.organisation.clone()),
        FormField::new("offers", t.t("meetings-profile-offers"), "textarea")
            .value(draft.offers.clone())
            .hint(t.t("meetings-profile-offers-hint")),
        FormField::new("seeks", t.t("meetings-profile-seeks"), "textarea")
            .value(draft.seeks.clone())
            .hint(t.t("meetings-profile-seeks-hint")),
    ];
    let submit = t.t("meetings-profile-save");
    let back = t.t("meetings-title");
    let mut page = FormPage::new(ctx, title, &format!("/events/{slug}/meetings/profile"), &auth.csrf)
        .link(&format!("/events/{slug}/meetings"), back);
    page.intro.push(page.ctx.t.t("meetings-profile-intro"));
    page.fields = fields;
    page.submit = submit;
    page
}

pub async fn profile_form(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let caller = auth.caller();
    let day = service::day(&state.db, &slug).await?;
    let overview = service::overview(&state.db, &caller, &day).await?;
    let draft = overview.own_profile.map(|p| p.profile.to_draft()).unwrap_or_default();
    profile_page(ctx, &auth, &slug, &draft).respond(StatusCode::OK)
}

pub async fn save_profile(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
    Posted(draft): Posted<MeetingProfileDraft>,
) -> Result<Response, AppError> {
    let day = service::day(&state.db, &slug).await?;
    match service::save_profile(&state.db, &auth.caller(), &day, &draft, now(&state)).await {
        Ok(_) => Ok(see_other(&format!("/events/{slug}/meetings"))),
        Err(ServiceError::Invalid(errors)) => {
            profile_page(ctx, &auth, &slug, &draft).invalid_all(&errors).respond(StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn ask(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let fields = FormFields(fields);
    let day = service::day(&state.db, &slug).await?;
    let compose = letters(&state, &day.event.item, &day.grid);
    let recipient = fields.trimmed("recipient");
    let asked =
        service::ask(&state.db, &auth.caller(), &day, &recipient, &fields.text("message"), now(&state), &compose).await;
    match asked {
        Ok(_) => {
            crate::access::mail_queued(&state);
            Ok(see_other(&format!("/events/{slug}/meetings")))
        }
        Err(ServiceError::MeetingRefused(refusal)) => {
            let error = refusal_text(&ctx.t, refusal);
            let page = overview_page(&state, ctx, &auth, &slug, Some(error)).await?;
            Ok((StatusCode::CONFLICT, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "events/meeting_request.html")]
struct RequestPage {
    ctx: PageContext,
    csrf: String,
    event: Heading,
    request: Listed,
    message: String,
    /// The other side's address: once the meeting is accepted, or for organisers.
    contacts: Vec<(String, String)>,
    /// Slots to accept in, when the viewer is asked and may still answer.
    slots: Vec<Choice>,
    may_answer: bool,
    may_call_off: bool,
    error: Option<String>,
}

async fn request_view(
    state: &AppState,
    ctx: PageContext,
    auth: &Auth,
    slug: &str,
    id: &str,
    error: Option<String>,
) -> Result<RequestPage, AppError> {
    let caller = auth.caller();
    let day = service::day(&state.db, slug).await?;
    let meeting = service::request(&state.db, &caller, &day, id).await?;
    let me = caller.user()?.id.clone();
    let at = now(state);
    let starts = day.event.item.record.starts_at;
    let side = meeting.requester.user_id == me || meeting.recipient.user_id == me;
    let may_answer = meeting.recipient.user_id == me && meeting.state.answerable(at, starts).is_ok();
    let may_call_off = side && meeting.state.cancellable(at, starts).is_ok();
    let t = &ctx.t;
    let slots = if may_answer {
        service::open_slots(&state.db, &day, &meeting)
            .await?
            .into_iter()
            .enumerate()
            .map(|(i, slot)| Choice {
                value: slot.to_string(),
                label: slot_time(&day.grid, slot, &day.event.item.record.time_zone),
                selected: i == 0,
            })
            .collect()
    } else {
        Vec::new()
    };
    let contacts = if !side {
        // The organisers, who see every address of their event.
        vec![
            (meeting.requester.name.clone(), meeting.requester.email.clone()),
            (meeting.recipient.name.clone(), meeting.recipient.email.clone()),
        ]
    } else if meeting.state == RequestState::Accepted {
        let other = meeting.other_side(&me);
        vec![(other.name.clone(), other.email.clone())]
    } else {
        Vec::new()
    };
    Ok(RequestPage {
        csrf: auth.csrf.clone(),
        event: heading(t, &day),
        request: listed(state, t, &day, &meeting, &me),
        message: meeting.message.clone(),
        contacts,
        slots,
        may_answer,
        may_call_off,
        error,
        ctx,
    })
}

pub async fn request_page(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    render(&request_view(&state, ctx, &auth, &slug, &id, None).await?)
}

/// Reads the change a request page's form asks for.
fn posted_change(fields: &FormFields) -> Result<MeetingChange, ValidationError> {
    match fields.trimmed("decision").as_str() {
        "accept" => {
            let slot = fields.trimmed("slot");
            let slot = slot.parse::<u32>().map_err(|_| {
                ValidationError::new("slot", Reason::NotWholeNumberInRange { min: 0, max: i64::from(u32::MAX) })
            })?;
            Ok(MeetingChange::Accept { slot })
        }
        "decline" => Ok(MeetingChange::Decline),
        "call-off" => Ok(MeetingChange::CallOff),
        other => Err(ValidationError::new(
            "decision",
            Reason::NotOneOf { value: other.to_owned(), allowed: "accept, decline, call-off".into() },
        )),
    }
}

pub async fn answer(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path((slug, id)): Path<(String, String)>,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    auth.caller().require(Action::ReadOwnAccount, Resource::Hub)?;
    let change = posted_change(&FormFields(fields))?;
    let day = service::day(&state.db, &slug).await?;
    let compose = letters(&state, &day.event.item, &day.grid);
    match service::change(&state.db, &auth.caller(), &day, &id, change, now(&state), &compose).await {
        Ok(_) => {
            crate::access::mail_queued(&state);
            Ok(see_other(&format!("/events/{slug}/meetings/requests/{id}")))
        }
        Err(ServiceError::MeetingRefused(refusal)) => {
            let error = refusal_text(&ctx.t, refusal);
            let page = request_view(&state, ctx, &auth, &slug, &id, Some(error)).await?;
            Ok((StatusCode::CONFLICT, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "events/meeting_agenda.html")]
struct AgendaPage {
    ctx: PageContext,
    event: Heading,
    meetings: Vec<Listed>,
}

pub async fn agenda(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let caller = auth.caller();
    let day = service::day(&state.db, &slug).await?;
    let me = caller.user()?.id.clone();
    let meetings = service::agenda(&state.db, &caller, &day).await?;
    let t = &ctx.t;
    let meetings = meetings.iter().map(|m| listed(&state, t, &day, m, &me)).collect();
    render(&AgendaPage { event: heading(t, &day), meetings, ctx })
}

pub async fn agenda_calendar(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let caller = auth.caller();
    let day = service::day(&state.db, &slug).await?;
    let me = caller.user()?.id.clone();
    let meetings = service::agenda(&state.db, &caller, &day).await?;
    let item = &day.event.item;
    let entries = meetings.iter().filter_map(|m| calendar_entry(&state, ctx.t.lang, item, &day.grid, m, &me)).collect();
    let title = ctx.t.t1("meetings-agenda-title", "event", item.record.title.get(ctx.t.lang).to_owned());
    let text = crate::events::calendar_text(&title, "PUBLISH", entries);
    Ok(private(crate::events::agenda::calendar_response(&format!("{slug}-meetings.ics"), text)))
}

pub async fn agenda_pdf(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let caller = auth.caller();
    let day = service::day(&state.db, &slug).await?;
    let me = caller.user()?;
    let meetings = service::agenda(&state.db, &caller, &day).await?;
    let t = &ctx.t;
    let record = &day.event.item.record;
    let title = t.t1("meetings-agenda-title", "event", record.title.get(t.lang).to_owned());
    let mut pdf = crate::pdf::Writer::new(&title, t.lang.code())?;
    pdf.line(18.0, &title);
    pdf.line(10.0, &format!("{} · {}", when(t.lang, record), record.place));
    pdf.line(10.0, &me.display_name);
    pdf.gap();
    if meetings.is_empty() {
        pdf.line(10.0, &t.t("meetings-agenda-none"));
    }
    for meeting in &meetings {
        let row = listed(&state, t, &day, meeting, &me.id);
        let other = meeting.other_side(&me.id);
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("time", row.time.clone());
        args.set("table", row.table.clone());
        args.set("name", row.other.clone());
        pdf.line(12.0, &state.i18n.format(t.lang, "meetings-agenda-line", Some(&args)));
        pdf.line(9.0, &format!("   {}", other.email));
        if !meeting.message.is_empty() {
            pdf.line(9.0, &format!("   {}", meeting.message));
        }
        pdf.gap();
    }
    Ok(crate::pdf::response(pdf.finish()?, &format!("{slug}-meetings.pdf")))
}

#[derive(Template)]
#[template(path = "events/meeting_dashboard.html")]
struct DashboardPage {
    ctx: PageContext,
    csrf: String,
    event: Heading,
    /// Each state's label and how many requests are in it.
    counts: Vec<(String, usize)>,
    no_shows: usize,
    requests: Vec<Listed>,
    attendance_choices: Vec<(String, String)>,
}

pub async fn dashboard(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let caller = auth.caller();
    let day = service::day(&state.db, &slug).await?;
    let all = service::dashboard(&state.db, &caller, &day).await?;
    let t = &ctx.t;
    let at = now(&state);
    let starts = day.event.item.record.starts_at;
    let counts = RequestState::ALL
        .iter()
        .map(|s| (state_label(t, *s), all.iter().filter(|m| m.state.at(at, starts) == *s).count()))
        .collect();
    let no_shows = all.iter().filter_map(|m| m.attendance).map(Attendance::no_shows).sum();
    let requests = all.iter().map(|m| listed(&state, t, &day, m, "")).collect();
    let attendance_choices =
        Attendance::ALL.iter().map(|a| (a.id().to_owned(), t.t(&format!("meeting-attendance-{}", a.id())))).collect();
    render(&DashboardPage {
        csrf: auth.csrf.clone(),
        event: heading(t, &day),
        counts,
        no_shows,
        requests,
        attendance_choices,
        ctx,
    })
}

pub async fn attendance(
    State(state): State<AppState>,
    auth: Auth,
    Path((slug, id)): Path<(String, String)>,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let day = service::day(&state.db, &slug).await?;
    service::require_organiser(&auth.caller(), &day)?;
    let fields = FormFields(fields);
    let given = fields.trimmed("attendance");
    let attendance = Attendance::from_id(&given).ok_or_else(|| {
        let allowed = Attendance::ALL.map(Attendance::id).join(", ");
        ValidationError::new("attendance", Reason::NotOneOf { value: given.clone(), allowed })
    })?;
    let compose = letters(&state, &day.event.item, &day.grid);
    let change = MeetingChange::Attendance(attendance);
    service::change(&state.db, &auth.caller(), &day, &id, change, now(&state), &compose).await?;
    Ok(see_other(&format!("/events/{slug}/meetings/dashboard")))
}
