//! Members and their organisations: claiming a profile and editing it.

use axum::extract::{Path, State};
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lshub_domain::account::ClaimStatus;
use lshub_domain::authorization::{Action, ContentAction, Resource};
use lshub_domain::content::ORGANISATION;
use lshub_domain::Organisation;
use lshub_service::profile::{self as service, ProfileEdit};
use lshub_service::ServiceError;
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::AppError;
use crate::pages::forms::{FormField, FormPage, Link, Posted};
use crate::pages::{organisation, PageContext};
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct ClaimForm {
    #[serde(default)]
    message: String,
}

fn claim_page(ctx: PageContext, auth: &Auth, organisation: &Organisation) -> FormPage {
    let t = ctx.t.clone();
    let name = organisation.profile.display_name(t.lang).to_owned();
    let action = format!("/organisations/{}/claim", organisation.slug);
    let mut page = FormPage::new(ctx, t.t1("claim-title", "name", name), &action, &auth.csrf);
    page.intro.push(t.t("claim-intro"));
    page.fields = vec![FormField::new("message", t.t("field-claim-message"), "textarea").hint(t.t("claim-hint"))];
    page.submit = t.t("claim-submit");
    page
}

pub async fn claim_form(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let organisation = organisation(&state, &slug).await?;
    auth.require(Action::ClaimOrganisation, Resource::Organisation { id: &organisation.id })?;
    claim_page(ctx, &auth, &organisation).respond(StatusCode::OK)
}

pub async fn claim(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
    Posted(form): Posted<ClaimForm>,
) -> Result<Response, AppError> {
    let organisation = organisation(&state, &slug).await?;
    auth.require(Action::ClaimOrganisation, Resource::Organisation { id: &organisation.id })?;
    let status = match service::claim(&state.db, &auth.caller(), &organisation, &form.message).await {
        Err(ServiceError::Invalid(errors)) => {
            return claim_page(ctx, &auth, &organisation).invalid_all(&errors).respond(StatusCode::BAD_REQUEST)
        }
        status => status?,
    };
    let t = ctx.t.clone();
    let (title, text) = match status {
        ClaimStatus::Approved => (t.t("claim-approved-title"), t.t("claim-approved-text")),
        _ => (t.t("claim-pending-title"), t.t("claim-pending-text")),
    };
    let links = vec![Link { href: format!("/organisations/{}", organisation.slug), label: t.t("claim-back") }];
    FormPage::message(ctx, title, text, links).respond(StatusCode::OK)
}

fn edit_page(ctx: PageContext, auth: &Auth, organisation: &Organisation, values: &ProfileEdit) -> FormPage {
    let t = ctx.t.clone();
    let name = organisation.profile.display_name(t.lang).to_owned();
    let action = format!("/organisations/{}/edit", organisation.slug);
    let mut page = FormPage::new(ctx, t.t1("edit-title", "name", name), &action, &auth.csrf);
    page.intro.push(t.t("edit-intro"));
    let v = values.clone();
    page.fields = vec![
        FormField::new("description_en", t.t("field-description-en"), "textarea").value(v.description_en),
        FormField::new("description_nl", t.t("field-description-nl"), "textarea").value(v.description_nl),
        FormField::new("sectors", t.t("field-sectors"), "text").value(v.sectors).hint(t.t("field-sectors-hint")),
        FormField::new("website", t.t("organisation-website"), "url").value(v.website).autocomplete("url"),
        FormField::new("kvk", t.t("organisation-kvk"), "text").value(v.kvk).hint(t.t("field-kvk-hint")),
        FormField::new("street", t.t("field-street"), "text").value(v.street).autocomplete("street-address"),
        FormField::new("postcode", t.t("field-postcode"), "text").value(v.postcode).autocomplete("postal-code"),
        FormField::new("city", t.t("field-city"), "text").value(v.city).autocomplete("address-level2"),
    ];
    page.submit = t.t("edit-submit");
    let feeds = lshub_domain::authorization::Action::ManageEventFeeds;
    let organisation_resource = lshub_domain::authorization::Resource::Organisation { id: &organisation.id };
    let page = if auth.caller().may(feeds, organisation_resource) {
        page.link(&format!("/organisations/{}/event-feeds", organisation.slug), t.t("organisation-event-feeds"))
    } else {
        page
    };
    page.link(&format!("/organisations/{}", organisation.slug), t.t("claim-back"))
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let organisation = organisation(&state, &slug).await?;
    auth.require(
        Action::Content(ContentAction::Edit),
        Resource::Content { kind: &ORGANISATION, owner: &organisation.id },
    )?;
    edit_page(ctx, &auth, &organisation, &ProfileEdit::from_profile(&organisation.profile)).respond(StatusCode::OK)
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: PageContext,
    auth: Auth,
    Path(slug): Path<String>,
    Posted(form): Posted<ProfileEdit>,
) -> Result<Response, AppError> {
    let organisation = organisation(&state, &slug).await?;
    auth.require(
        Action::Content(ContentAction::Edit),
        Resource::Content { kind: &ORGANISATION, owner: &organisation.id },
    )?;
    match service::save(&state.db, &auth.caller(), &organisation, &form).await {
        Ok(_) => Ok((StatusCode::SEE_OTHER, [(LOCATION, format!("/organisations/{slug}"))]).into_response()),
        Err(ServiceError::Invalid(errors)) => {
            edit_page(ctx, &auth, &organisation, &form).invalid_all(&errors).respond(StatusCode::BAD_REQUEST)
        }
        Err(e) => Err(e.into()),
    }
}
