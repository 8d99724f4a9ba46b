//! Organisation profiles that members maintain: claiming one, and saving an edit.

use lshub_domain::account::{email_domain_matches_website, ClaimStatus};
use lshub_domain::authorization::{Action, ContentAction, Resource};
use lshub_domain::content::ORGANISATION;
use lshub_domain::{Address, Organisation, OrganisationProfile, ValidationError};
use lshub_storage::{Database, ProfileSave};
use serde::Deserialize;

use crate::{Caller, ServiceError};

/// The longest message a claim may carry.
const CLAIM_MESSAGE_LIMIT: usize = 2000;

/// How often an edit is applied again to a profile that an import or another member saved
/// while it was being saved.
const SAVE_ATTEMPTS: usize = 5;

/// Files the caller's claim to maintain `organisation`. It is approved at once when the
/// caller's verified address is at the organisation's own web domain; else an admin decides.
pub async fn claim(
    db: &Database,
    caller: &Caller,
    organisation: &Organisation,
    message: &str,
) -> Result<ClaimStatus, ServiceError> {
    caller.require(Action::ClaimOrganisation, Resource::Organisation { id: &organisation.id })?;
    lshub_domain::validation::optional_text("message", Some(message), CLAIM_MESSAGE_LIMIT)?;
    let user = caller.user()?;
    let domain = user.email.rsplit_once('@').map_or("", |(_, d)| d);
    let website = organisation.profile.identifiers.website.as_deref().unwrap_or_default();
    let automatic = user.email_verified && email_domain_matches_website(domain, website);
    let action = if automatic { "claim.approved-automatically" } else { "claim.filed" };
    let event = caller.event(action, &organisation.slug, message.to_owned());
    Ok(db.claim_organisation(&user.id, &organisation.id, message.trim(), automatic, event).await?)
}

/// The profile fields members maintain. Empty text clears a field.
#[derive(Deserialize, Default, Clone, Debug)]
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
    /// The form as it is filled in for `profile`.
    pub fn from_profile(profile: &OrganisationProfile) -> Self {
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

/// Applies and saves an edit, and answers the organisation as saved. The edit is applied to
/// the stored profile as it is when saving, so that fields the edit does not set (the
/// registry's, after a re-import) are never put back to older values.
pub async fn save(
    db: &Database,
    caller: &Caller,
    organisation: &Organisation,
    edit: &ProfileEdit,
) -> Result<Organisation, ServiceError> {
    caller.require(
        Action::Content(ContentAction::Edit),
        Resource::Content { kind: &ORGANISATION, owner: &organisation.id },
    )?;
    let user = caller.user()?;
    let mut current = organisation.profile.clone();
    for _ in 0..SAVE_ATTEMPTS {
        let profile = edit.apply(&current)?;
        let event = caller.event("organisation.edited", &organisation.slug, String::new());
        // Pages read the database and show the change at once; the search index follows
        // within its refresh interval (the edit changes the content version).
        let outcome = db.edit_organisation(&organisation.id, &current, &profile, &user.id, event).await?;
        let stored =
            db.organisation_by_slug(&organisation.slug).await?.ok_or(ServiceError::NotFound("organisation"))?;
        match outcome {
            ProfileSave::Saved | ProfileSave::Unchanged => return Ok(stored),
            ProfileSave::Stale => current = stored.profile,
        }
    }
    Err(ServiceError::Busy("the profile kept changing while saving; please try again"))
}
