//! Members and their organisations: claiming a profile and editing it.

use axum::extract::{Path, State};
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lshub_domain::account::{email_domain_matches_website, ClaimStatus};
use lshub_domain::authorization::{Action, ContentAction, Resource};
use lshub_domain::content::ORGANISATION;
use lshub_domain::{Address, Organisation, OrganisationProfile, ValidationError};
use lshub_storage::ProfileSave;
use serde::Deserialize;

use super::forms::{FormField, FormPage, Link, Posted};
use super::PageContext;
use crate::auth::Auth;
use crate::error::AppError;
use crate::state::AppState;

async fn organisation(state: &AppState, slug: &str) -> Result<Organisation, AppError> {
    state.db.organisation_by_slug(slug).await?.ok_or(AppError::not_found("organisation"))
}

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
    let user = auth.user()?;
    if let Err(e) = lshub_domain::validation::optional_text("message", Some(&form.message), 2000) {
        return claim_page(ctx, &auth, &organisation).invalid(&e).respond(StatusCode::BAD_REQUEST);
    }
    let domain = user.email.rsplit_once('@').map_or("", |(_, d)| d);
    let website = organisation.profile.identifiers.website.as_deref().unwrap_or_default();
    let automatic = user.email_verified && email_domain_matches_website(domain, website);
    let action = if automatic { "claim.approved-automatically" } else { "claim.filed" };
    let event = auth.event(action, &organisation.slug, form.message.clone());
    let status = state.db.claim_organisation(&user.id, &organisation.id, form.message.trim(), automatic, event).await?;
    let t = ctx.t.clone();
    let (title, text) = match status {
        ClaimStatus::Approved => (t.t("claim-approved-title"), t.t("claim-approved-text")),
        _ => (t.t("claim-pending-title"), t.t("claim-pending-text")),
    };
    let links = vec![Link { href: format!("/organisations/{}", organisation.slug), label: t.t("claim-back") }];
    FormPage::message(ctx, title, text, links).respond(StatusCode::OK)
}

/// The profile fields members maintain. Empty text clears a field.
#[derive(Deserialize, Default, Clone)]
pub struct ProfileEdit {
    #[serde(default)]
    pub description_en: String,
    #[serde(default)]
    pub description_nl: String,
    /// Comma-separated.
    #[serde(default)]
    pub sectors: String,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub kvk: String,
    #[serde(default)]
    pub street: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub city: String,
}

fn blank_to_none(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

impl ProfileEdit {
    fn from_profile(profile: &OrganisationProfile) -> Self {
        let address = profile.primary_address().cloned().unwrap_or_default();
        Self {
            description_en: profile.descriptions.en.clone().unwrap_or_default(),
            description_nl: profile.descriptions.nl.clone().unwrap_or_default(),
            sectors: profile.sectors.join(", "),
            website: profile.identifiers.website.clone().unwrap_or_default(),
            kvk: profile.identifiers.kvk.clone().unwrap_or_default(),
            street: address.street.unwrap_or_default(),
            postcode: address.postcode.unwrap_or_default(),
            city: address.city.unwrap_or_default(),
        }
    }

    /// The profile with these fields applied, checked by the domain's rules.
    pub fn apply(&self, profile: &OrganisationProfile) -> Result<OrganisationProfile, ValidationError> {
        let mut profile = profile.clone();
        profile.descriptions.en = blank_to_none(&self.description_en);
        profile.descriptions.nl = blank_to_none(&self.description_nl);
        profile.sectors = self.sectors.split(',').filter_map(blank_to_none).collect();
        profile.identifiers.website = blank_to_none(&self.website);
        profile.identifiers.kvk = blank_to_none(&self.kvk).map(|k| k.replace(' ', ""));
        if profile.addresses.is_empty() {
            profile.addresses.push(Address::default());
        }
        if let Some(address) = profile.addresses.first_mut() {
            let (street, postcode, city) =
                (blank_to_none(&self.street), blank_to_none(&self.postcode), blank_to_none(&self.city));
            if (&street, &postcode, &city) != (&address.street, &address.postcode, &address.city) {
                // A map position belongs to the old address; a wrong pin is worse than none.
                address.latitude = None;
                address.longitude = None;
            }
            (address.street, address.postcode, address.city) = (street, postcode, city);
        }
        profile.addresses.retain(|a| a != &Address::default());
        profile.validate()?;
        Ok(profile)
    }
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
    match save(&state, &auth, &organisation, &form).await? {
        Ok(()) => Ok((StatusCode::SEE_OTHER, [(LOCATION, format!("/organisations/{slug}"))]).into_response()),
        Err(e) => edit_page(ctx, &auth, &organisation, &form).invalid(&e).respond(StatusCode::BAD_REQUEST),
    }
}

/// How often an edit is applied again to a profile that an import or another member saved
/// while it was being saved.
const SAVE_ATTEMPTS: usize = 5;

/// Applies and saves an edit (pages and API share it); the inner error is the user's to fix.
/// The edit is applied to the stored profile as it is when saving, so that fields the edit
/// does not set (the registry's, after a re-import) are never put back to older values.
pub(crate) async fn save(
    state: &AppState,
    auth: &Auth,
    organisation: &Organisation,
    edit: &ProfileEdit,
) -> Result<Result<(), ValidationError>, AppError> {
    let user = auth.user()?;
    let mut current = organisation.profile.clone();
    for _ in 0..SAVE_ATTEMPTS {
        let profile = match edit.apply(&current) {
            Ok(profile) => profile,
            Err(e) => return Ok(Err(e)),
        };
        let event = auth.event("organisation.edited", &organisation.slug, String::new());
        // Pages read the database and show the change at once; the search index follows
        // within its refresh interval (the edit changes the content version).
        match state.db.edit_organisation(&organisation.id, &current, &profile, &user.id, event).await? {
            ProfileSave::Saved | ProfileSave::Unchanged => return Ok(Ok(())),
            ProfileSave::Stale => {
                let stored = state.db.organisation_by_slug(&organisation.slug).await?;
                current = stored.ok_or(AppError::not_found("organisation"))?.profile;
            }
        }
    }
    Err(AppError::Conflict("the profile kept changing while saving; please try again"))
}
