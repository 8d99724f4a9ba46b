//! The introductions' pages, all working without JavaScript: the caller's introductions
//! (to answer, waiting, accepted with contacts, follow-ups to report), asking for one, a
//! partner brokering one, and one introduction's page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use lshub_domain::authorization::{Action, Resource};
use lshub_domain::introduction::{Outcome, Side, Status};
use lshub_domain::{Reason, ValidationError};
use lshub_service::introductions::{self as service, IntroductionView, Target};
use lshub_service::ServiceError;
use serde::Deserialize;

use super::{compose, introduction_url};
use crate::auth::Auth;
use crate::error::AppError;
use crate::i18n::Translator;
use crate::pages::forms::{Choice, FormField, FormFields, FormPage, Posted};
use crate::pages::{render, see_other, PageContext};
use crate::routes::RouteTable;
use crate::state::AppState;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .route("/introductions", get(list).post(create))
        .route("/introductions/new", get(new_form))
        .route("/introductions/{id}", get(show))
        .route("/introductions/{id}/answer", post(answer))
        .route("/introductions/{id}/outcome", post(outcome))
}

fn side_of(fields: &FormFields) -> Result<Side, ValidationError> {
    let text = fields.trimmed("side");
    Side::from_id(&text)
        .ok_or(ValidationError::new("side", Reason::NotEither { value: text, first: "from", second: "to" }))
}

/// One introduction as a page or a list shows it.
struct Shown {
    id: String,
    url: String,
    from: (String, String),
    to: (String, String),
    status: String,
    accepted: bool,
    broker: Option<String>,
    subject: Option<(String, String)>,
    message: String,
    last_day: String,
    answerable: Vec<(String, String)>,
    reportable: Vec<(String, u32, String)>,
    contacts: Vec<(String, String)>,
    outcome_choices: Vec<Choice>,
}

fn shown(t: &Translator, view: &IntroductionView) -> Shown {
    let i = &view.introduction;
    let side_name = |side: Side| i.side(side).organisation.name.clone();
    let org = |side: Side| (i.side(side).organisation.slug.clone(), side_name(side));
    Shown {
        id: i.id.clone(),
        url: introduction_url(&i.id),
        from: org(Side::From),
        to: org(Side::To),
        status: t.t(&format!("introduction-status-{}", view.status.id())),
        accepted: view.status == Status::Accepted,
        broker: i.broker.as_ref().map(|b| b.name.clone()),
        subject: view.subject.clone(),
        message: i.message.clone(),
        last_day: crate::pages::format::date(t.lang, view.last_day_to_answer),
        answerable: view.answerable.iter().map(|s| (s.id().to_owned(), side_name(*s))).collect(),
        reportable: view.reportable.iter().map(|(s, days)| (s.id().to_owned(), *days, side_name(*s))).collect(),
        contacts: view
            .contacts
            .iter()
            .map(|(side, p)| (side_name(*side), format!("{} <{}>", p.name, p.email)))
            .collect(),
        outcome_choices: Outcome::ALL
            .iter()
            .map(|o| Choice {
                value: o.id().to_owned(),
                label: t.t(&format!("introduction-outcome-{}", o.id())),
                selected: false,
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "introductions/list.html")]
struct ListPage {
    ctx: PageContext,
    csrf: String,
    items: Vec<Shown>,
    may_broker: bool,
}

pub async fn list(State(state): State<AppState>, ctx: PageContext, auth: Auth) -> Result<Response, AppError> {
    let views = service::list(&state.db, &auth.caller(), state.today()).await?;
    let items = views.iter().map(|v| shown(&ctx.t, v)).collect();
    let may_broker = auth.caller().may(Action::BrokerIntroductions, Resource::Hub);
    render(&ListPage { csrf: auth.csrf.clone(), items, may_broker, ctx })
}

#[derive(Template)]
#[template(path = "introductions/introduction.html")]
struct IntroductionPage {
    ctx: PageContext,
    csrf: String,
    item: Shown,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let view = service::find(&state.db, &auth.caller(), &id, state.today()).await?;
    render(&IntroductionPage { csrf: auth.csrf.clone(), item: shown(&ctx.t, &view), ctx })
}

#[derive(Deserialize, Default)]
pub struct NewParams {
    organisation: Option<String>,
    opportunity: Option<String>,
    broker: Option<String>,
}

/// The form to ask for an introduction, or (`broker`) for a partner to make one.
async fn request_form(
    state: &AppState,
    ctx: PageContext,
    auth: &Auth,
    fields: &FormFields,
) -> Result<FormPage, AppError> {
    let caller = auth.caller();
    service::gate(&caller)?;
    let t = ctx.t.clone();
    let brokered = !fields.trimmed("broker").is_empty();
    let mut page = FormPage::new(ctx, t.t("introduction-new-title"), "/introductions", &auth.csrf);
    page.intro.push(t.t(if brokered { "introduction-broker-intro" } else { "introduction-new-intro" }));
    let from = fields.trimmed("from");
    let from_field = if brokered {
        FormField::new("from", t.t("introduction-first"), "text").value(from).required()
    } else {
        let own = lshub_service::organisations_for(&state.db, &caller, Action::RequestIntroduction).await?;
        if own.is_empty() {
            page.intro.push(t.t("introduction-new-no-organisation"));
        }
        FormField::new("from", t.t("introduction-from"), "select").choices(
            own.iter()
                .map(|m| Choice { value: m.slug.clone(), label: m.name.clone(), selected: m.slug == from })
                .collect(),
        )
    };
    let opportunity = fields.trimmed("opportunity");
    if !opportunity.is_empty() {
        page.hidden.push(("opportunity".into(), opportunity.clone()));
        if let Some(item) = state.db.item::<lshub_domain::opportunity::Opportunity>(&opportunity).await? {
            page.intro.push(t.t1(
                "introduction-about",
                "title",
                lshub_domain::content::Written::title(&item.record).to_owned(),
            ));
        }
    }
    if brokered {
        page.hidden.push(("broker".into(), "yes".into()));
    }
    page.fields = vec![from_field];
    if opportunity.is_empty() {
        page.fields.push(
            FormField::new(
                "organisation",
                t.t(if brokered { "introduction-second" } else { "introduction-to" }),
                "text",
            )
            .value(fields.trimmed("organisation"))
            .required()
            .hint(t.t("introduction-to-hint")),
        );
    }
    page.fields.push(
        FormField::new("message", t.t("introduction-message"), "textarea")
            .value(fields.trimmed("message"))
            .required()
            .hint(t.t("introduction-message-hint")),
    );
    page.submit = t.t("introduction-new-submit");
    Ok(page)
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Query(params): Query<NewParams>,
) -> Result<Response, AppError> {
    let pairs = [("organisation", params.organisation), ("opportunity", params.opportunity), ("broker", params.broker)];
    let fields = FormFields(pairs.into_iter().filter_map(|(k, v)| v.map(|v| (k.to_owned(), v))).collect());
    request_form(&state, ctx, &auth, &fields).await?.respond(StatusCode::OK)
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let fields = FormFields(fields);
    let caller = auth.caller();
    let (from, message) = (fields.trimmed("from"), fields.trimmed("message"));
    let organisation = crate::pages::organisation_slug(&state, &fields.trimmed("organisation")).await?;
    let created = if !fields.trimmed("broker").is_empty() {
        service::broker(&state.db, &caller, &from, &organisation, &message, state.today(), &compose(&state)).await
    } else {
        let opportunity = fields.trimmed("opportunity");
        let target =
            if opportunity.is_empty() { Target::Organisation(organisation) } else { Target::Opportunity(opportunity) };
        service::request(&state.db, &caller, &from, target, &message, state.today(), &compose(&state)).await
    };
    match created {
        Ok(id) => {
            crate::access::mail_queued(&state);
            Ok(see_other(&introduction_url(&id)))
        }
        Err(ServiceError::Invalid(errors)) => {
            request_form(&state, ctx, &auth, &fields).await?.invalid_all(&errors).respond(StatusCode::BAD_REQUEST)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn answer(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let caller = auth.caller();
    // Read first: to those who may not see it, it does not exist, whatever was posted.
    service::find(&state.db, &caller, &id, state.today()).await?;
    let fields = FormFields(fields);
    let side = side_of(&fields)?;
    let accepted = match fields.trimmed("answer").as_str() {
        "accept" => true,
        "decline" => false,
        other => {
            let reason = Reason::NotEither { value: other.to_owned(), first: "accept", second: "decline" };
            return Err(ValidationError::new("answer", reason).into());
        }
    };
    service::answer(&state.db, &caller, &id, side, accepted, state.today(), &compose(&state)).await?;
    crate::access::mail_queued(&state);
    Ok(see_other(&introduction_url(&id)))
}

pub async fn outcome(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let caller = auth.caller();
    service::find(&state.db, &caller, &id, state.today()).await?;
    let fields = FormFields(fields);
    let side = side_of(&fields)?;
    let days = fields
        .trimmed("after")
        .parse::<u32>()
        .map_err(|_| ValidationError::new("after", Reason::NotWholeNumber { value: fields.trimmed("after") }))?;
    let text = fields.trimmed("outcome");
    let outcome = Outcome::from_id(&text).ok_or_else(|| {
        let allowed = Outcome::ALL.map(Outcome::id).join(", ");
        ValidationError::new("outcome", Reason::NotOneOf { value: text.clone(), allowed })
    })?;
    service::report(&state.db, &caller, &id, side, days, outcome).await?;
    Ok(see_other(&introduction_url(&id)))
}
