//! Talent: marking a vacancy filled (posting, editing and expiry are the content kernel's);
//! the talent pool: one's own profile, which only members of organisations that recruit
//! see; and matching both ways, with reasons.

use chrono::NaiveDate;
use lshub_domain::authorization::{Action, ContentAction, Resource};
use lshub_domain::content::{Item, LifecycleError, State, Transition, Written};
use lshub_domain::talent::matching::{best, programme_fit, vacancy_fit};
use lshub_domain::talent::{Fit, Programme, TalentProfile, TalentProfileDraft, Vacancy};
use lshub_domain::{Reason, ValidationError};
use lshub_storage::content::ItemSave;
use lshub_storage::talent::PooledProfile;
use lshub_storage::Database;

use crate::{content, Caller, ServiceError};

/// Marks the published vacancy at `slug` filled on `today`: it leaves lists, search and
/// feeds at once, its page says so, and the days it took count in the region's figures.
/// Its owners may do so before or after the deadline, once.
pub async fn fill_vacancy(
    db: &Database,
    caller: &Caller,
    slug: &str,
    today: NaiveDate,
) -> Result<Item<Vacancy>, ServiceError> {
    let item = content::find::<Vacancy>(db, caller, slug).await?;
    caller.require(
        Action::Content(ContentAction::Edit),
        Resource::Content { kind: Vacancy::KIND, owner: &item.owner.id },
    )?;
    if item.state != State::Published {
        return Err(LifecycleError { transition: Transition::Publish, from: item.state }.into());
    }
    if let Some(filled) = item.record.filled_on {
        return Err(ValidationError::new("filled_on", Reason::FilledAlready { date: filled.to_string() }).into());
    }
    let mut record = item.record.clone();
    record.filled_on = Some(today);
    let audit = caller.event("vacancy.filled", &item.slug, format!("vacancy \"{}\"", record.title()));
    match db.edit_item(&item.id, item.revision, &record, record.ends_on(), caller.author()?, audit).await? {
        ItemSave::Saved(item) | ItemSave::Unchanged(item) => Ok(item),
        ItemSave::Stale(_) => Err(ServiceError::Stale),
    }
}

/// The caller's talent profile, if they made one.
pub async fn my_profile(db: &Database, caller: &Caller) -> Result<Option<TalentProfile>, ServiceError> {
    caller.require(Action::KeepTalentProfile, Resource::Hub)?;
    Ok(db.talent_profile(&caller.user()?.id).await?)
}

/// Creates or replaces the caller's talent profile.
pub async fn save_profile(
    db: &Database,
    caller: &Caller,
    draft: TalentProfileDraft,
) -> Result<TalentProfile, ServiceError> {
    caller.require(Action::KeepTalentProfile, Resource::Hub)?;
    let profile = TalentProfile::validate(draft).map_err(ServiceError::Invalid)?;
    let user = caller.user()?;
    let detail = if profile.hidden { "hidden" } else { "visible" }.to_owned();
    db.save_talent_profile(&user.id, &profile, caller.event("talent.profile.saved", &user.id, detail)).await?;
    Ok(profile)
}

/// Deletes the caller's talent profile; "not found" when there is none.
pub async fn delete_profile(db: &Database, caller: &Caller) -> Result<(), ServiceError> {
    caller.require(Action::KeepTalentProfile, Resource::Hub)?;
    let user = caller.user()?;
    match db.delete_talent_profile(&user.id, caller.event("talent.profile.deleted", &user.id, String::new())).await? {
        true => Ok(()),
        false => Err(ServiceError::NotFound("talent profile")),
    }
}

/// Refuses anyone who is not a member of an organisation that recruits.
async fn require_recruiter(db: &Database, caller: &Caller) -> Result<(), ServiceError> {
    let recruiters = db.recruiting_organisations().await?;
    caller.require(Action::ReadTalentPool, Resource::Recruiters { organisations: &recruiters })
}

/// The visible profiles of the talent pool, for members of organisations that recruit.
pub async fn pool(db: &Database, caller: &Caller) -> Result<Vec<PooledProfile>, ServiceError> {
    require_recruiter(db, caller).await?;
    Ok(db.visible_talent_profiles().await?)
}

/// The visible profiles that fit the vacancy at `slug`, best first, for its owner's members
/// when their organisation recruits.
pub async fn candidates(
    db: &Database,
    caller: &Caller,
    slug: &str,
    limit: usize,
) -> Result<(Item<Vacancy>, Vec<(PooledProfile, Fit)>), ServiceError> {
    require_recruiter(db, caller).await?;
    let item = content::find::<Vacancy>(db, caller, slug).await?;
    caller.require(
        Action::Content(ContentAction::Edit),
        Resource::Content { kind: Vacancy::KIND, owner: &item.owner.id },
    )?;
    let fits = db
        .visible_talent_profiles()
        .await?
        .into_iter()
        .filter(|p| p.user_id != caller.user().map(|u| u.id.as_str()).unwrap_or_default())
        .filter_map(|p| vacancy_fit(&p.profile, &item.record).map(|fit| (p, fit)))
        .collect();
    Ok((item, best(fits, limit)))
}

/// The open vacancies and the programmes that fit `profile` on `today`, best first.
pub async fn fits_for(
    db: &Database,
    profile: &TalentProfile,
    today: NaiveDate,
    limit: usize,
) -> Result<(Vec<(Item<Vacancy>, Fit)>, Vec<(Item<Programme>, Fit)>), ServiceError> {
    let vacancies = db
        .listed_items::<Vacancy>(today)
        .await?
        .into_iter()
        .filter_map(|v| vacancy_fit(profile, &v.record).map(|fit| (v, fit)))
        .collect();
    let programmes = db
        .listed_items::<Programme>(today)
        .await?
        .into_iter()
        .filter_map(|p| programme_fit(profile, &p.record).map(|fit| (p, fit)))
        .collect();
    Ok((best(vacancies, limit), best(programmes, limit)))
}

/// What fits the caller's own profile; "not found" until they made one.
pub async fn my_fits(
    db: &Database,
    caller: &Caller,
    today: NaiveDate,
    limit: usize,
) -> Result<(Vec<(Item<Vacancy>, Fit)>, Vec<(Item<Programme>, Fit)>), ServiceError> {
    let profile = my_profile(db, caller).await?.ok_or(ServiceError::NotFound("talent profile"))?;
    fits_for(db, &profile, today, limit).await
}
