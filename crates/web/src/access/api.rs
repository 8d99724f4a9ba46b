//! The access requests' JSON API: catalogue items, applications and their commands,
//! attachments, entitlements and the holders' public figures.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Json;
use lshub_domain::access::application::{Command, CommandKind, HolderProgress};
use lshub_domain::access::catalogue::{CatalogueItem, Licence, Workflow};
use lshub_domain::access::form::{Answers, Form};
use lshub_domain::access::purpose::Purpose;
use lshub_domain::access::statistics::{EHDS_DECISION_DAYS, EHDS_EXTENDED_DECISION_DAYS};
use lshub_domain::Localized;
use lshub_service::access::{self as service, ApplicationView, Upload};
use lshub_storage::access::StoredCatalogueItem;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{compose, entitlement_row, mail_queued};
use crate::api::JsonBody;
use crate::auth::Auth;
use crate::error::{AppError, Problem};
use crate::public_cache::public;
use crate::routes::RouteTable;
use crate::state::AppState;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list_items, show_item, create_item, update_item, entitlements, mine, start, show, command, attach, statistics),
    tags((name = "access", description = "Access requests for the catalogue's data: catalogue items, applications and \
        their commands (REMS's states), attachments, entitlements and each holder's response times"))
)]
pub struct AccessApi;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .route("/catalogue-items", public(get(list_items)))
        .route("/catalogue-items/{id}", public(get(show_item)).put(update_item))
        .route("/organisations/{slug}/catalogue-items", post(create_item))
        .route("/organisations/{slug}/entitlements", get(entitlements))
        .route("/applications", get(mine).post(start))
        .route("/applications/{id}", get(show))
        .route("/applications/{id}/commands", post(command))
        .route("/applications/{id}/attachments", post(attach).layer(axum::extract::DefaultBodyLimit::disable()))
        .route("/access/statistics", public(get(statistics)))
}

/// A text in English and Dutch; either may be missing.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct Text {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nl: Option<String>,
}

impl From<&Localized> for Text {
    fn from(text: &Localized) -> Self {
        Self { en: text.en.clone(), nl: text.nl.clone() }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LicenceWire {
    pub id: String,
    pub title: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowWire {
    /// Addresses of accounts a handler can ask for a review.
    #[serde(default)]
    pub reviewers: Vec<String>,
    /// Addresses of the data access committee's accounts.
    #[serde(default)]
    pub deciders: Vec<String>,
    /// How many days an entitlement lasts (1 to 3650; 365 when left out).
    #[serde(default)]
    pub entitlement_days: Option<u32>,
}

/// A catalogue item as a holder writes it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CatalogueItemBody {
    pub title: Text,
    /// Slugs of the holder's datasets.
    pub datasets: Vec<String>,
    /// `{"fields": [{"id", "kind", "label": {"en", "nl"}, "required", "private", "options", "visibleIf"}]}`;
    /// kinds: text, long-text, option, multi-select, date, email, attachment, table, label, header.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub form: Option<serde_json::Value>,
    #[serde(default)]
    pub licences: Vec<LicenceWire>,
    #[serde(default)]
    pub workflow: Option<WorkflowWire>,
}

impl CatalogueItemBody {
    fn into_domain(self) -> Result<CatalogueItem, AppError> {
        let form: Form = match self.form {
            Some(value) => serde_json::from_value(value)
                .map_err(|e| AppError::MalformedBody(format!("the form does not fit: {e}")))?,
            None => Form::default(),
        };
        let workflow = self.workflow.map_or_else(Workflow::default, |w| Workflow {
            reviewers: w.reviewers,
            deciders: w.deciders,
            entitlement_days: w.entitlement_days.unwrap_or(Workflow::default().entitlement_days),
        });
        Ok(CatalogueItem {
            title: Localized { en: self.title.en, nl: self.title.nl },
            datasets: self.datasets,
            form,
            licences: self
                .licences
                .into_iter()
                .map(|l| Licence { id: l.id, title: Localized { en: l.title.en, nl: l.title.nl }, url: l.url })
                .collect(),
            workflow,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HolderRef {
    pub slug: String,
    pub name: String,
}

/// What can be requested: datasets of one holder with its form, licences and workflow.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CatalogueItemWire {
    pub id: String,
    pub holder: HolderRef,
    pub title: Text,
    pub datasets: Vec<String>,
    #[schema(value_type = Object)]
    pub form: serde_json::Value,
    pub licences: Vec<LicenceWire>,
    pub entitlement_days: u32,
}

impl From<&StoredCatalogueItem> for CatalogueItemWire {
    fn from(stored: &StoredCatalogueItem) -> Self {
        let item = &stored.item;
        Self {
            id: stored.id.clone(),
            holder: HolderRef { slug: stored.holder_slug.clone(), name: stored.holder_name.clone() },
            title: Text::from(&item.title),
            datasets: item.datasets.clone(),
            form: serde_json::to_value(&item.form).unwrap_or_default(),
            licences: item
                .licences
                .iter()
                .map(|l| LicenceWire { id: l.id.clone(), title: Text::from(&l.title), url: l.url.clone() })
                .collect(),
            entitlement_days: item.workflow.entitlement_days,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: String,
}

/// Every catalogue item: what researchers can request.
#[utoipa::path(get, path = "/api/v1/catalogue-items", tag = "access",
    responses((status = 200, description = "Catalogue items", body = [CatalogueItemWire])))]
pub async fn list_items(State(state): State<AppState>) -> Result<Json<Vec<CatalogueItemWire>>, AppError> {
    Ok(Json(state.db.catalogue_items(None).await?.iter().map(CatalogueItemWire::from).collect()))
}

/// One catalogue item.
#[utoipa::path(get, path = "/api/v1/catalogue-items/{id}", tag = "access",
    params(("id" = String, Path, description = "The catalogue item's id")),
    responses(
        (status = 200, description = "The catalogue item", body = CatalogueItemWire),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn show_item(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<CatalogueItemWire>, AppError> {
    let item = state.db.catalogue_item(&id).await?.ok_or(AppError::not_found("catalogue item"))?;
    Ok(Json(CatalogueItemWire::from(&item)))
}

/// Offers datasets of the organisation for request (its members; scope `write`).
#[utoipa::path(post, path = "/api/v1/organisations/{slug}/catalogue-items", tag = "access",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The holder organisation")),
    request_body = CatalogueItemBody,
    responses(
        (status = 201, description = "Created", body = Created),
        (status = 400, description = "Invalid; `field` names the first refused field", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a member of the organisation", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn create_item(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<CatalogueItemBody>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let id = service::create_catalogue_item(&state.db, &auth.caller(), &slug, body.into_domain()?).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Replaces a catalogue item's definition (the holder's members; scope `write`).
#[utoipa::path(put, path = "/api/v1/catalogue-items/{id}", tag = "access",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The catalogue item's id")),
    request_body = CatalogueItemBody,
    responses(
        (status = 200, description = "Saved", body = CatalogueItemWire),
        (status = 400, description = "Invalid", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a member of the holder", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn update_item(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<CatalogueItemBody>,
) -> Result<Json<CatalogueItemWire>, AppError> {
    service::update_catalogue_item(&state.db, &auth.caller(), &id, body.into_domain()?).await?;
    let item = state.db.catalogue_item(&id).await?.ok_or(AppError::not_found("catalogue item"))?;
    Ok(Json(CatalogueItemWire::from(&item)))
}

/// One entitlement.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EntitlementWire {
    pub application: String,
    pub user: String,
    pub catalogue_item: String,
    pub holder: String,
    pub start: String,
    pub end: String,
    /// `active`, `expired` or `revoked`.
    pub standing: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_reason: Option<String>,
}

impl From<&lshub_domain::access::entitlement::Entitlement> for EntitlementWire {
    fn from(e: &lshub_domain::access::entitlement::Entitlement) -> Self {
        let [application, user, catalogue_item, holder, start, end, revoked_at, revoked_reason] = entitlement_row(e);
        Self {
            application,
            user,
            catalogue_item,
            holder,
            start,
            end,
            standing: e.standing(chrono::Utc::now()).id().to_owned(),
            revoked_at: Some(revoked_at).filter(|r| !r.is_empty()),
            revoked_reason: Some(revoked_reason).filter(|r| !r.is_empty()),
        }
    }
}

/// The entitlements the organisation gave (its members; scope `read`). The same as
/// `/organisations/{slug}/entitlements.json`, with columns as in the CSV.
#[utoipa::path(get, path = "/api/v1/organisations/{slug}/entitlements", tag = "access",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The holder organisation")),
    responses(
        (status = 200, description = "Entitlements, oldest first", body = [EntitlementWire]),
        (status = 403, description = "Not a member of the organisation", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn entitlements(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Json<Vec<EntitlementWire>>, AppError> {
    let entitlements = service::holder_entitlements(&state.db, &auth.caller(), &slug).await?;
    Ok(Json(entitlements.iter().map(EntitlementWire::from).collect()))
}

/// An application in a list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationSummaryWire {
    pub id: String,
    pub state: String,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<String>,
    pub last_updated: String,
}

/// The applications the caller takes part in or handles (scope `read`).
#[utoipa::path(get, path = "/api/v1/applications", tag = "access",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Applications, most recently changed first", body = [ApplicationSummaryWire]),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn mine(State(state): State<AppState>, auth: Auth) -> Result<Json<Vec<ApplicationSummaryWire>>, AppError> {
    let applications = service::mine(&state.db, &auth.caller()).await?;
    Ok(Json(
        applications
            .into_iter()
            .map(|a| ApplicationSummaryWire {
                id: a.id,
                state: a.state.id().to_owned(),
                created_at: a.created_at.to_rfc3339(),
                submitted_at: a.submitted_at.map(|t| t.to_rfc3339()),
                last_updated: a.last_updated.to_rfc3339(),
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StartBody {
    /// Ids of the catalogue items applied for, of one holder or several.
    pub catalogue_items: Vec<String>,
}

/// Starts a draft application (a verified account; scope `write`).
#[utoipa::path(post, path = "/api/v1/applications", tag = "access",
    security(("bearer" = [])),
    request_body = StartBody,
    responses(
        (status = 201, description = "The new draft", body = ApplicationWire),
        (status = 404, description = "No such catalogue item", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn start(
    State(state): State<AppState>,
    auth: Auth,
    JsonBody(body): JsonBody<StartBody>,
) -> Result<(StatusCode, Json<ApplicationWire>), AppError> {
    let caller = auth.caller();
    let id = service::start(&state.db, &caller, &body.catalogue_items).await?;
    let view = service::find(&state.db, &caller, &id).await?;
    Ok((StatusCode::CREATED, Json(ApplicationWire::from(&view))))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HolderPart {
    pub slug: String,
    pub name: String,
    /// contacted, checking-availability, conditions-stated, conditions-met, made-available,
    /// not-available; none before submission.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentWire {
    pub hash: String,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssessmentWire {
    pub dataset: String,
    /// matches, needs-human-check or conflicts.
    pub outcome: String,
    /// Each finding with the codes it compared (`why`: permits, not-permitted, prohibits,
    /// condition, declared, disease-to-compare, no-permission-stated, no-purpose-stated,
    /// unknown-code).
    #[schema(value_type = Vec<Object>)]
    pub findings: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProblemField {
    pub field: String,
    pub detail: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventWire {
    pub seq: i64,
    /// created, draft-saved, member-invited, member-joined, member-removed,
    /// licences-accepted, attachment-added, submitted, returned, review-requested, reviewed,
    /// decision-requested, decided, remarked, holder-progressed, approved, rejected, closed,
    /// revoked.
    #[serde(rename = "type")]
    pub event_type: String,
    pub actor: Person,
    pub at: String,
    /// The event's own values (comment, public, holder, progress …).
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

/// An application as the caller may see it: internal remarks, reviews and private answers
/// only for the parties the workflow names.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationWire {
    pub id: String,
    pub state: String,
    pub applicant: Person,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<String>,
    pub catalogue_items: Vec<String>,
    pub holders: Vec<HolderPart>,
    /// Answers per catalogue item id, by field id.
    #[schema(value_type = Object)]
    pub answers: serde_json::Value,
    pub purpose_codes: Vec<String>,
    pub purpose: String,
    pub members: Vec<Person>,
    pub invitations: Vec<String>,
    pub licences: Vec<LicenceWire>,
    /// Licence ids each party accepted, by user id.
    pub accepted_licences: BTreeMap<String, Vec<String>>,
    pub attachments: Vec<AttachmentWire>,
    pub assessments: Vec<AssessmentWire>,
    /// What is missing or wrong in the answers: warnings on a draft, refusing submission.
    pub warnings: Vec<ProblemField>,
    pub entitlements: Vec<EntitlementWire>,
    /// Your roles in it: applicant, member, invited, handler, reviewer, decider …
    pub roles: Vec<String>,
    /// The commands you may give now.
    pub commands: Vec<String>,
    pub events: Vec<EventWire>,
}

fn person(view: &ApplicationView, id: &str) -> Person {
    Person { id: id.to_owned(), name: view.people.get(id).cloned().unwrap_or_default() }
}

impl From<&ApplicationView> for ApplicationWire {
    fn from(view: &ApplicationView) -> Self {
        let application = &view.application;
        let mut holders: Vec<HolderPart> = Vec::new();
        for item in &view.items {
            if !holders.iter().any(|h| h.slug == item.holder_slug) {
                holders.push(HolderPart {
                    slug: item.holder_slug.clone(),
                    name: item.holder_name.clone(),
                    progress: application.holder_progress.get(&item.holder_id).map(|p| p.id().to_owned()),
                });
            }
        }
        Self {
            id: application.id.clone(),
            state: application.state.id().to_owned(),
            applicant: person(view, &application.applicant),
            created_at: application.created_at.to_rfc3339(),
            submitted_at: application.submitted_at.map(|t| t.to_rfc3339()),
            catalogue_items: application.catalogue_items.clone(),
            holders,
            answers: serde_json::to_value(&application.answers).unwrap_or_default(),
            purpose_codes: application.purpose.codes.clone(),
            purpose: application.purpose.description.clone(),
            members: application.members.iter().map(|m| person(view, m)).collect(),
            invitations: application.invitations.iter().cloned().collect(),
            licences: view
                .licences
                .iter()
                .map(|l| LicenceWire { id: l.id.clone(), title: Text::from(&l.title), url: l.url.clone() })
                .collect(),
            accepted_licences: application
                .accepted_licences
                .iter()
                .map(|(user, licences)| (user.clone(), licences.iter().cloned().collect()))
                .collect(),
            attachments: application
                .attachments
                .iter()
                .map(|a| AttachmentWire {
                    hash: a.hash.clone(),
                    filename: a.filename.clone(),
                    content_type: a.content_type.clone(),
                    size: a.size,
                    url: format!("/applications/{}/attachments/{}", application.id, a.hash),
                })
                .collect(),
            assessments: view
                .assessments
                .iter()
                .map(|(dataset, assessment)| AssessmentWire {
                    dataset: dataset.clone(),
                    outcome: assessment.outcome.id().to_owned(),
                    findings: serde_json::to_value(&assessment.findings).unwrap_or_default(),
                })
                .collect(),
            warnings: view
                .problems
                .iter()
                .map(|p| ProblemField { field: p.field.clone(), detail: p.reason.to_string() })
                .collect(),
            entitlements: view.entitlements.iter().map(EntitlementWire::from).collect(),
            roles: view.roles.iter().map(|r| r.id().to_owned()).collect(),
            commands: view.commands.iter().map(|c| c.id().to_owned()).collect(),
            events: application
                .events
                .iter()
                .map(|e| {
                    let mut details = serde_json::to_value(&e.event).unwrap_or_default();
                    if let Some(object) = details.as_object_mut() {
                        object.remove("type");
                    }
                    EventWire {
                        seq: e.seq,
                        event_type: e.event.id().to_owned(),
                        actor: person(view, &e.actor),
                        at: e.at.to_rfc3339(),
                        details,
                    }
                })
                .collect(),
        }
    }
}

/// One application (its parties; scope `read`). To anyone else it does not exist.
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "access",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The application's id")),
    responses(
        (status = 200, description = "The application", body = ApplicationWire),
        (status = 404, description = "No such application, or not yours to see", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<ApplicationWire>, AppError> {
    let view = service::find(&state.db, &auth.caller(), &id).await?;
    Ok(Json(ApplicationWire::from(&view)))
}

/// A command and the values it takes; unused values are ignored.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CommandBody {
    /// save-draft, invite-member, accept-invitation, remove-member, accept-licences, submit,
    /// return, request-review, review, request-decision, decide, remark,
    /// set-holder-progress, approve, reject, close, revoke.
    pub command: String,
    /// save-draft: answers per catalogue item id, by field id.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub answers: Option<BTreeMap<String, Answers>>,
    /// save-draft: the purpose as DUO codes.
    #[serde(default)]
    pub purpose_codes: Vec<String>,
    /// save-draft: the purpose in the applicant's words.
    #[serde(default)]
    pub purpose: String,
    /// invite-member: the co-applicant's address.
    #[serde(default)]
    pub email: Option<String>,
    /// remove-member: the member's user id.
    #[serde(default)]
    pub user_id: Option<String>,
    /// request-review / request-decision: addresses of accounts.
    #[serde(default)]
    pub people: Vec<String>,
    #[serde(default)]
    pub comment: String,
    /// remark: whether the applicant's side sees it.
    #[serde(default)]
    pub public: bool,
    /// decide: approve (true) or reject (false).
    #[serde(default)]
    pub approve: Option<bool>,
    /// set-holder-progress: the holder's slug and its progress.
    #[serde(default)]
    pub holder: Option<String>,
    #[serde(default)]
    pub progress: Option<String>,
}

fn missing(field: &'static str) -> AppError {
    AppError::BadRequest(lshub_domain::ValidationError::new(field, lshub_domain::Reason::Empty))
}

/// The body as a command, with holders named by slug turned into their ids.
pub(crate) async fn to_command(state: &AppState, body: CommandBody) -> Result<Command, AppError> {
    let kind = CommandKind::from_id(&body.command).ok_or_else(|| {
        AppError::BadRequest(lshub_domain::ValidationError::new(
            "command",
            lshub_domain::Reason::NotOneOf {
                value: body.command.clone(),
                allowed: CommandKind::ALL.map(|c| c.id()).join(", "),
            },
        ))
    })?;
    let comment = body.comment;
    Ok(match kind {
        CommandKind::SaveDraft => Command::SaveDraft {
            answers: body.answers.unwrap_or_default(),
            purpose: Purpose { codes: body.purpose_codes, description: body.purpose },
        },
        CommandKind::InviteMember => Command::InviteMember { email: body.email.ok_or_else(|| missing("email"))? },
        CommandKind::AcceptInvitation => Command::AcceptInvitation,
        CommandKind::RemoveMember => Command::RemoveMember { user_id: body.user_id.ok_or_else(|| missing("userId"))? },
        CommandKind::AcceptLicences => Command::AcceptLicences,
        CommandKind::AddAttachment => {
            return Err(AppError::MalformedBody("attachments are uploaded to …/attachments".into()))
        }
        CommandKind::Submit => Command::Submit,
        CommandKind::Return => Command::Return { comment },
        CommandKind::RequestReview => Command::RequestReview { reviewers: body.people, comment },
        CommandKind::Review => Command::Review { comment },
        CommandKind::RequestDecision => Command::RequestDecision { deciders: body.people, comment },
        CommandKind::Decide => Command::Decide { approve: body.approve.ok_or_else(|| missing("approve"))?, comment },
        CommandKind::Remark => Command::Remark { comment, public: body.public },
        CommandKind::SetHolderProgress => {
            let slug = body.holder.ok_or_else(|| missing("holder"))?;
            let holder = state.db.organisation_by_slug(&slug).await?.ok_or(AppError::not_found("organisation"))?;
            let progress = body.progress.ok_or_else(|| missing("progress"))?;
            let progress = HolderProgress::from_id(&progress).ok_or_else(|| {
                AppError::BadRequest(lshub_domain::ValidationError::new(
                    "progress",
                    lshub_domain::Reason::NotOneOf {
                        value: progress.clone(),
                        allowed: HolderProgress::ALL.map(|p| p.id()).join(", "),
                    },
                ))
            })?;
            Command::SetHolderProgress { holder: holder.id, progress, comment }
        }
        CommandKind::Approve => Command::Approve { comment },
        CommandKind::Reject => Command::Reject { comment },
        CommandKind::Close => Command::Close { comment },
        CommandKind::Revoke => Command::Revoke { comment },
    })
}

/// Gives a command (the parties the state and roles allow it; scope `write`). A command the
/// state does not allow is a 409 and changes nothing.
#[utoipa::path(post, path = "/api/v1/applications/{id}/commands", tag = "access",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The application's id")),
    request_body = CommandBody,
    responses(
        (status = 200, description = "The application after the command", body = ApplicationWire),
        (status = 400, description = "A value is missing or wrong", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed in the application's state or for your role", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn command(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<CommandBody>,
) -> Result<Json<ApplicationWire>, AppError> {
    let command = to_command(&state, body).await?;
    let view = service::act(&state.db, &auth.caller(), &id, command, &compose(&state)).await?;
    mail_queued(&state);
    Ok(Json(ApplicationWire::from(&view)))
}

#[derive(Debug, Deserialize)]
pub struct AttachQuery {
    filename: Option<String>,
}

/// Attaches a document: the body is the file's bytes, `filename` names it. PDF, PNG, JPEG,
/// DOCX, ODT, TXT or CSV, recognised by name and content, up to the hub's size limit.
#[utoipa::path(post, path = "/api/v1/applications/{id}/attachments", tag = "access",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The application's id"),
           ("filename" = String, Query, description = "The document's file name")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
        (status = 200, description = "The application with the document", body = ApplicationWire),
        (status = 400, description = "Not an allowed type, empty or too large", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed in the application's state or for your role", body = Problem, content_type = "application/problem+json")
    ))]
pub async fn attach(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(query): Query<AttachQuery>,
    bytes: Bytes,
) -> Result<Json<ApplicationWire>, AppError> {
    let upload = Upload { filename: query.filename.unwrap_or_default(), bytes: bytes.to_vec() };
    let max = state.site.attachment_max_bytes;
    let view = service::attach(&state.db, &auth.caller(), &id, upload, max, &compose(&state)).await?;
    mail_queued(&state);
    Ok(Json(ApplicationWire::from(&view)))
}

/// A holder's figures beside the EHDS benchmark.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HolderFiguresWire {
    pub holder: HolderRef,
    pub received: usize,
    pub decided: usize,
    pub median_days_to_first_response: Option<f64>,
    pub median_days_to_decision: Option<f64>,
    pub decided_within_benchmark: usize,
    pub decided_within_extended_benchmark: usize,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatisticsWire {
    /// The EHDS's time for a decision in days, and with its extension.
    pub benchmark_days: f64,
    pub extended_benchmark_days: f64,
    pub holders: Vec<HolderFiguresWire>,
}

/// How quickly each holder answers access requests.
#[utoipa::path(get, path = "/api/v1/access/statistics", tag = "access",
    responses((status = 200, description = "Figures per holder", body = StatisticsWire)))]
pub async fn statistics(State(state): State<AppState>) -> Result<Json<StatisticsWire>, AppError> {
    let mut holders = Vec::new();
    for (id, slug, name) in holders_known(&state).await? {
        let figures = service::figures(&state.db, &id).await?;
        holders.push(HolderFiguresWire {
            holder: HolderRef { slug, name },
            received: figures.received,
            decided: figures.decided,
            median_days_to_first_response: figures.median_days_to_first_response,
            median_days_to_decision: figures.median_days_to_decision,
            decided_within_benchmark: figures.decided_within_benchmark,
            decided_within_extended_benchmark: figures.decided_within_extended_benchmark,
        });
    }
    Ok(Json(StatisticsWire {
        benchmark_days: EHDS_DECISION_DAYS,
        extended_benchmark_days: EHDS_EXTENDED_DECISION_DAYS,
        holders,
    }))
}

/// (id, slug, name) of every organisation that offers catalogue items or received requests.
pub(crate) async fn holders_known(state: &AppState) -> Result<Vec<(String, String, String)>, AppError> {
    let mut holders: Vec<(String, String, String)> = Vec::new();
    for item in state.db.catalogue_items(None).await? {
        if !holders.iter().any(|(id, _, _)| *id == item.holder_id) {
            holders.push((item.holder_id, item.holder_slug, item.holder_name));
        }
    }
    Ok(holders)
}
