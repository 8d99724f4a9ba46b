//! Inquiries about spaces on the web: the form on each space (`/spaces/{slug}/inquire`), the
//! conversation (`/inquiries/{id}`, opened by a signed-in party or a visitor's key), the
//! lists of one's own and one's organisations' inquiries (`/account/inquiries`), and the
//! mails; the API is in `api.rs`. All of it over `lshub_service::inquiries`.

pub mod api;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, NaiveDateTime, Utc};
use fluent_bundle::FluentArgs;
use lshub_domain::inquiry::{parse_move, InquiryDraft, InquiryState, Outcome};
use lshub_domain::space::Space;
use lshub_domain::{Language, Reason, ValidationError};
use lshub_service::inquiries::{self as service, Notice, Party, ResponseTime};
use lshub_service::ServiceError;
use lshub_storage::inquiries::StoredInquiry;
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::AppError;
use crate::i18n::Translator;
use crate::pages::forms::{Choice, FormField, FormPage, Posted};
use crate::pages::{render, see_other, PageContext};
use crate::routes::RouteTable;
use crate::state::AppState;

pub fn page_routes() -> RouteTable {
    RouteTable::new()
        .route("/spaces/{slug}/inquire", get(inquiry_form).post(inquire))
        .route("/inquiries/{id}", get(conversation))
        .route("/inquiries/{id}/confirm", post(confirm))
        .route("/inquiries/{id}/messages", post(write))
        .route("/inquiries/{id}/moves", post(change))
        .route("/account/inquiries", get(lists))
}

pub(crate) fn inquiry_url(state: &AppState, id: &str, key: Option<&str>) -> String {
    let base = state.site.public_url.trim_end_matches('/');
    match key {
        Some(key) => format!("{base}/inquiries/{id}?key={key}"),
        None => format!("{base}/inquiries/{id}"),
    }
}

/// Words a mail about an inquiry in `language`, with a link to it.
pub(crate) fn compose<'a>(state: &'a AppState) -> impl Fn(&Notice<'_>, Language) -> (String, String) + Sync + 'a {
    move |notice, language| {
        let t = Translator::new(state.i18n.clone(), language);
        let mut args = FluentArgs::new();
        args.set("link", inquiry_url(state, notice.inquiry_id, notice.key));
        args.set("space", notice.space_title.to_owned());
        args.set("operator", notice.operator.to_owned());
        args.set("inquirer", notice.inquirer.to_owned());
        args.set("message", notice.body.to_owned());
        args.set("visit", notice.visit_at.map(|at| local_text(state, &t, at)).unwrap_or_default());
        args.set("outcome", notice.outcome.map(|o| t.t(&format!("inquiry-outcome-{}", o.id()))).unwrap_or_default());
        let id = notice.event;
        (
            state.i18n.format(language, &format!("mail-inquiry-{id}-subject"), Some(&args)),
            state.i18n.format(language, &format!("mail-inquiry-{id}-body"), Some(&args)),
        )
    }
}

/// After a change: its mails go out, and public pages show the operator's new median (on
/// this node at once; elsewhere with the next change of content).
pub(crate) fn sent(state: &AppState) {
    state.accounts.mail_queued.notify_one();
    state.public_cache.invalidate();
}

fn local_text(state: &AppState, t: &Translator, at: DateTime<Utc>) -> String {
    crate::kinds::events::local(t.lang, lshub_domain::event::local_time_in(at, state.site.clock.time_zone()))
}

/// "about 3 hours", "2 days": how long an answer took.
pub(crate) fn wait_text(t: &Translator, minutes: i64) -> String {
    match minutes {
        m if m < 60 => t.count("inquiry-wait-minutes", m.max(1)),
        m if m < 48 * 60 => t.count("inquiry-wait-hours", (m + 30) / 60),
        m => t.count("inquiry-wait-days", (m + 720) / 1440),
    }
}

/// "Usually answers within about 3 hours (median of 12 inquiries)", or that none was
/// answered yet.
pub(crate) fn response_text(t: &Translator, time: Option<ResponseTime>) -> String {
    match time {
        Some(time) => t.with(
            "inquiry-response-median",
            &[("wait", wait_text(t, time.median_minutes)), ("count", time.answered.to_string())],
        ),
        None => t.t("inquiry-response-none"),
    }
}

async fn inquiry_page(
    state: &AppState,
    ctx: PageContext,
    auth: &Auth,
    slug: &str,
    draft: &InquiryDraft,
) -> Result<FormPage, AppError> {
    let caller = auth.caller();
    let item = lshub_service::content::find::<Space>(&state.db, &caller, slug).await?;
    let response = service::response_time(&state.db, &state.site.clock, &item.owner.id).await?;
    let t = &ctx.t;
    let title = t.t1("inquiry-form-title", "space", item.record.title.get(t.lang).to_owned());
    let field = |name: &'static str, kind: &'static str, value: &str| {
        FormField::new(name, t.t(&format!("inquiry-field-{name}")), kind).value(value.to_owned())
    };
    let mut fields = Vec::new();
    if auth.user.is_none() {
        fields.push(field("name", "text", &draft.name).required().autocomplete("name"));
        fields.push(field("email", "email", &draft.email).required().autocomplete("email"));
    }
    fields.push(field("message", "textarea", &draft.message).required());
    fields.push(field("website", "trap", ""));
    let intro = vec![
        t.t1("inquiry-form-operator", "operator", item.owner.name.clone()),
        response_text(t, response),
        t.t1(
            if auth.user.is_none() { "inquiry-form-visitor" } else { "inquiry-form-member" },
            "operator",
            item.owner.name.clone(),
        ),
    ];
    let back = item.record.title.get(t.lang).to_owned();
    let submit = t.t("inquiry-submit");
    let mut page = FormPage::new(ctx, title, &format!("/spaces/{slug}/inquire"), &auth.csrf)
        .link(&format!("/spaces/{slug}"), back);
    page.intro = intro;
    page.fields = fields;
    page.submit = submit;
    Ok(page)
}

async fn inquiry_form(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    render(&inquiry_page(&state, ctx, &auth, &slug, &InquiryDraft::default()).await?)
}

async fn inquire(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
    Posted(draft): Posted<InquiryDraft>,
) -> Result<Response, AppError> {
    let lang = ctx.t.lang;
    let asked =
        service::ask(&state.db, &state.site.clock, &auth.caller(), &slug, draft.clone(), lang, &compose(&state)).await;
    match asked {
        Ok(asked) => {
            sent(&state);
            if asked.confirmed {
                return Ok(see_other(&format!("/inquiries/{}?notice=sent", asked.id)));
            }
            let t = &ctx.t;
            let (title, text) = (t.t("inquiry-confirm-title"), t.t("inquiry-confirm-mailed"));
            let back = vec![crate::pages::forms::Link { href: format!("/spaces/{slug}"), label: t.t("inquiry-back") }];
            FormPage::message(ctx, title, text, back).respond(StatusCode::OK)
        }
        Err(ServiceError::Invalid(errors)) => inquiry_page(&state, ctx, &auth, &slug, &draft)
            .await?
            .invalid_all(&errors)
            .respond(StatusCode::UNPROCESSABLE_ENTITY),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct KeyQuery {
    key: String,
    notice: String,
}

/// One message as the page shows it.
struct Said {
    who: String,
    when: String,
    body: String,
    from_operator: bool,
}

#[derive(Template)]
#[template(path = "inquiries/conversation.html")]
struct Conversation {
    ctx: PageContext,
    csrf: String,
    id: String,
    key: String,
    space_slug: String,
    space_title: String,
    between: String,
    facts: Vec<(String, String)>,
    messages: Vec<Said>,
    notice: Option<String>,
    error: Option<String>,
    unconfirmed: bool,
    operating: bool,
    may_write: bool,
    outcomes: Vec<Choice>,
}

fn state_label(t: &Translator, state: InquiryState) -> String {
    t.t(&format!("inquiry-state-{}", state.id()))
}

fn conversation_page(
    state: &AppState,
    ctx: PageContext,
    csrf: &str,
    inquiry: StoredInquiry,
    party: Party,
    key: &str,
) -> Conversation {
    let t = &ctx.t;
    let mut facts = vec![(t.t("inquiry-fact-state"), state_label(t, inquiry.state))];
    if let Some(at) = inquiry.visit_at {
        facts.push((t.t("inquiry-fact-visit"), local_text(state, t, at)));
    }
    if let Some(outcome) = inquiry.outcome {
        facts.push((t.t("inquiry-fact-outcome"), t.t(&format!("inquiry-outcome-{}", outcome.id()))));
    }
    if party == Party::Operator {
        facts.push((t.t("inquiry-fact-email"), inquiry.email.clone()));
        let wait = match inquiry.wait_minutes() {
            Some(minutes) => wait_text(t, minutes),
            None => t.t("inquiry-not-answered"),
        };
        facts.push((t.t("inquiry-fact-wait"), wait));
    }
    let messages = inquiry
        .messages
        .iter()
        .map(|m| Said {
            who: if m.from_operator {
                m.author_name
                    .clone()
                    .map_or_else(|| inquiry.operator_name.clone(), |name| format!("{name} ({})", inquiry.operator_name))
            } else {
                inquiry.name.clone()
            },
            when: local_text(state, t, m.at),
            body: m.body.clone(),
            from_operator: m.from_operator,
        })
        .collect();
    let closed = inquiry.state == InquiryState::Closed;
    let unconfirmed = inquiry.confirmed_at.is_none();
    Conversation {
        csrf: csrf.to_owned(),
        key: key.to_owned(),
        space_title: inquiry.space_title.clone(),
        between: t.with(
            "inquiry-between",
            &[("inquirer", inquiry.name.clone()), ("operator", inquiry.operator_name.clone())],
        ),
        facts,
        messages,
        notice: None,
        error: None,
        unconfirmed,
        operating: party == Party::Operator && !closed,
        may_write: !closed && !unconfirmed,
        outcomes: Outcome::ALL
            .iter()
            .map(|o| Choice {
                value: o.id().to_owned(),
                label: t.t(&format!("inquiry-outcome-{}", o.id())),
                selected: false,
            })
            .collect(),
        space_slug: inquiry.space_slug,
        id: inquiry.id,
        ctx,
    }
}

async fn conversation(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(id): Path<String>,
    Query(query): Query<KeyQuery>,
) -> Result<Response, AppError> {
    let (inquiry, party) = service::open(&state.db, &auth.caller(), &id, Some(&query.key)).await?;
    let notice = match query.notice.as_str() {
        "" => None,
        known @ ("sent" | "confirmed" | "written" | "changed") => Some(ctx.t.t(&format!("inquiry-notice-{known}"))),
        _ => None,
    };
    let mut page = conversation_page(&state, ctx, &auth.csrf, inquiry, party, &query.key);
    page.notice = notice;
    render(&page)
}

/// Where a form's answer goes next: the conversation, with the visitor's key.
fn back_to(id: &str, key: &str, notice: &str) -> Response {
    if key.is_empty() {
        see_other(&format!("/inquiries/{id}?notice={notice}"))
    } else {
        see_other(&format!("/inquiries/{id}?key={key}&notice={notice}"))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct KeyForm {
    key: String,
}

async fn confirm(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Posted(form): Posted<KeyForm>,
) -> Result<Response, AppError> {
    service::confirm(&state.db, &state.site.clock, &auth.caller(), &id, &form.key, &compose(&state)).await?;
    sent(&state);
    Ok(back_to(&id, &form.key, "confirmed"))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MessageForm {
    key: String,
    message: String,
}

/// The conversation again with the refusal shown, for a form that could not be saved.
async fn refused(
    state: &AppState,
    ctx: PageContext,
    auth: &Auth,
    id: &str,
    key: &str,
    error: String,
    status: StatusCode,
) -> Result<Response, AppError> {
    let (inquiry, party) = service::open(&state.db, &auth.caller(), id, Some(key)).await?;
    let mut page = conversation_page(state, ctx, &auth.csrf, inquiry, party, key);
    page.error = Some(error);
    let mut response = render(&page)?;
    *response.status_mut() = status;
    Ok(response)
}

async fn write(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(id): Path<String>,
    Posted(form): Posted<MessageForm>,
) -> Result<Response, AppError> {
    let caller = auth.caller();
    let key = Some(form.key.as_str());
    match service::write(&state.db, &state.site.clock, &caller, &id, key, &form.message, &compose(&state)).await {
        Ok(_) => {
            sent(&state);
            Ok(back_to(&id, &form.key, "written"))
        }
        Err(ServiceError::Invalid(errors)) => {
            let error = errors.iter().map(|e| ctx.t.invalid(e)).collect::<Vec<_>>().join("; ");
            refused(&state, ctx, &auth, &id, &form.key, error, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(ServiceError::InquiryRefused(refusal)) => {
            let error = ctx.t.t(&format!("inquiry-refused-{}", refusal_id(refusal)));
            refused(&state, ctx, &auth, &id, &form.key, error, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) fn refusal_id(refusal: lshub_domain::inquiry::InquiryRefusal) -> &'static str {
    use lshub_domain::inquiry::InquiryRefusal as R;
    match refusal {
        R::Closed => "closed",
        R::VisitInPast => "visit-in-past",
        R::Unconfirmed => "unconfirmed",
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MoveForm {
    #[serde(rename = "move")]
    change: String,
    /// A local date and time (`2027-03-01T14:00`), in the region's time zone.
    visit_at: String,
    outcome: String,
}

/// A local date and time from a form, in the region's time zone.
pub(crate) fn visit_time(state: &AppState, text: &str) -> Result<Option<DateTime<Utc>>, ValidationError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let invalid = || ValidationError::new("visit_at", Reason::NotDateTime { value: text.to_owned() });
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M"))
        .map_err(|_| invalid())?;
    lshub_domain::facility::booking::instant_in(state.site.clock.zone(), local).map(Some).ok_or_else(invalid)
}

async fn change(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(id): Path<String>,
    Posted(form): Posted<MoveForm>,
) -> Result<Response, AppError> {
    let caller = auth.caller();
    service::gate(&caller)?;
    let parsed = visit_time(&state, &form.visit_at).and_then(|at| parse_move(&form.change, at, &form.outcome));
    let result = match parsed {
        Ok(change) => service::change(&state.db, &state.site.clock, &caller, &id, change, &compose(&state)).await,
        Err(invalid) => Err(ServiceError::Invalid(vec![invalid])),
    };
    match result {
        Ok(_) => {
            sent(&state);
            Ok(back_to(&id, "", "changed"))
        }
        Err(ServiceError::Invalid(errors)) => {
            // The policy answers first: someone who may not move it learns nothing of its fields.
            service::open(&state.db, &caller, &id, None).await?;
            let error = errors.iter().map(|e| ctx.t.invalid(e)).collect::<Vec<_>>().join("; ");
            refused(&state, ctx, &auth, &id, "", error, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(ServiceError::InquiryRefused(refusal)) => {
            let error = ctx.t.t(&format!("inquiry-refused-{}", refusal_id(refusal)));
            refused(&state, ctx, &auth, &id, "", error, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

/// One inquiry in a list.
struct Listed {
    id: String,
    space_title: String,
    with: String,
    asked: String,
    state: String,
    wait: String,
}

#[derive(Template)]
#[template(path = "inquiries/list.html")]
struct Lists {
    ctx: PageContext,
    to_answer: Vec<Listed>,
    /// Each operator the member answers for, with its public median.
    medians: Vec<(String, String)>,
    sent: Vec<Listed>,
}

fn listed(state: &AppState, t: &Translator, inquiry: &StoredInquiry, operator_side: bool) -> Listed {
    Listed {
        id: inquiry.id.clone(),
        space_title: inquiry.space_title.clone(),
        with: if operator_side { inquiry.name.clone() } else { inquiry.operator_name.clone() },
        asked: local_text(state, t, inquiry.created_at),
        state: state_label(t, inquiry.state),
        wait: inquiry.wait_minutes().map_or_else(|| t.t("inquiry-not-answered"), |m| wait_text(t, m)),
    }
}

async fn lists(State(state): State<AppState>, ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    let caller = auth.caller();
    let to_answer = service::to_answer(&state.db, &caller).await?;
    let sent = service::sent(&state.db, &caller).await?;
    let t = &ctx.t;
    let mut medians: Vec<(String, String)> = Vec::new();
    let mut operators: Vec<(&str, &str)> =
        to_answer.iter().map(|i| (i.operator_id.as_str(), i.operator_name.as_str())).collect();
    operators.sort_unstable();
    operators.dedup();
    for (id, name) in operators {
        let time = service::response_time(&state.db, &state.site.clock, id).await?;
        medians.push((name.to_owned(), response_text(t, time)));
    }
    let page = Lists {
        to_answer: to_answer.iter().map(|i| listed(&state, t, i, true)).collect(),
        sent: sent.iter().map(|i| listed(&state, t, i, false)).collect(),
        medians,
        ctx,
    };
    render(&page)
}
