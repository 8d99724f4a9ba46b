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
use lshub_storage::talent::{PooledProfile, SavedOpeningSearch};
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

/// An opening a saved search finds: its id, address and title.
#[derive(Debug, Clone, PartialEq)]
pub struct Opening {
    pub id: String,
    /// The page under the hub: `/vacancies/{slug}`.
    pub path: String,
    pub title: String,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    pub summary: String,
}

/// The most a saved search lists or mails at once.
const OPENINGS_PER_SEARCH: u32 = 100;

async fn openings_of<T: lshub_domain::content::Written>(
    db: &Database,
    search: &lshub_domain::talent::OpeningSearch,
    today: NaiveDate,
) -> Result<Vec<Opening>, ServiceError> {
    let owner_id = match &search.organisation {
        Some(slug) => match db.organisation_by_slug(slug).await? {
            Some(o) => Some(o.id),
            None => return Ok(Vec::new()),
        },
        None => None,
    };
    // The words are checked here, so the list is read a page at a time until enough match.
    let mut found = Vec::new();
    let mut offset = 0;
    loop {
        let filter = lshub_storage::content::ItemFilter {
            owner_id: owner_id.clone(),
            facets: search.filters.clone(),
            listed_on: Some(today),
            pagination: lshub_domain::Pagination { limit: OPENINGS_PER_SEARCH, offset },
        };
        let page = db.list_items::<T>(&filter).await?.items;
        let read = page.len();
        found.extend(page.into_iter().filter_map(|item| {
            let document = T::search_document(&item);
            let text = format!("{} {} {}", document.title, document.aliases.join(" "), document.body);
            search.matches_text(&text).then(|| Opening {
                id: item.id.clone(),
                path: format!("/{}/{}", T::KIND.path, item.slug),
                title: document.title.clone(),
                published_at: item.published_at,
                summary: document.body.chars().take(280).collect(),
            })
        }));
        if found.len() >= OPENINGS_PER_SEARCH as usize || read < OPENINGS_PER_SEARCH as usize {
            break;
        }
        offset += OPENINGS_PER_SEARCH;
    }
    found.truncate(OPENINGS_PER_SEARCH as usize);
    Ok(found)
}

/// The open vacancies or programmes a saved search finds on `today`, newest first.
pub async fn openings(
    db: &Database,
    search: &lshub_domain::talent::OpeningSearch,
    today: NaiveDate,
) -> Result<Vec<Opening>, ServiceError> {
    if search.kind == Programme::KIND.id {
        openings_of::<Programme>(db, search, today).await
    } else {
        openings_of::<Vacancy>(db, search, today).await
    }
}

/// Saves a search of vacancies or programmes from a form's or the API's pairs; the saved
/// search and its feed's secret, which is shown once.
pub async fn save_search(
    db: &Database,
    caller: &Caller,
    pairs: &[(String, String)],
) -> Result<(String, String), ServiceError> {
    caller.require(Action::KeepTalentProfile, Resource::Hub)?;
    let search = lshub_domain::talent::OpeningSearch::read(pairs).map_err(ServiceError::Invalid)?;
    let user = caller.user()?;
    let secret = lshub_storage::credentials::new_secret()?;
    let audit = caller.event("talent.search.saved", &user.id, search.kind.clone());
    match db.save_opening_search(&user.id, &search, &lshub_storage::credentials::digest(&secret), audit).await? {
        Some(id) => Ok((id, secret)),
        None => Err(ValidationError::new(
            "kind",
            Reason::TooManyEntries { max: lshub_domain::talent::alerts::MAX_SEARCHES },
        )
        .into()),
    }
}

pub async fn my_searches(db: &Database, caller: &Caller) -> Result<Vec<SavedOpeningSearch>, ServiceError> {
    caller.require(Action::KeepTalentProfile, Resource::Hub)?;
    Ok(db.opening_searches(&caller.user()?.id).await?)
}

pub async fn delete_search(db: &Database, caller: &Caller, id: &str) -> Result<(), ServiceError> {
    caller.require(Action::KeepTalentProfile, Resource::Hub)?;
    let user = caller.user()?;
    match db.delete_opening_search(&user.id, id, caller.event("talent.search.deleted", &user.id, id.to_owned())).await?
    {
        true => Ok(()),
        false => Err(ServiceError::NotFound("saved search")),
    }
}

/// The search behind a feed's secret and what it finds: the secret is the key, no sign-in.
pub async fn feed(
    db: &Database,
    secret: &str,
    today: NaiveDate,
) -> Result<(SavedOpeningSearch, Vec<Opening>), ServiceError> {
    let saved = db
        .opening_search_by_feed(&lshub_storage::credentials::digest(secret))
        .await?
        .ok_or(ServiceError::NotFound("feed"))?;
    let found = openings(db, &saved.search, today).await?;
    Ok((saved, found))
}

/// The search an alert's one-click unsubscribe link stands for.
pub async fn unsubscribe_target(db: &Database, secret: &str) -> Result<SavedOpeningSearch, ServiceError> {
    db.opening_search_by_unsubscribe(&lshub_storage::credentials::digest(secret))
        .await?
        .ok_or(ServiceError::NotFound("unsubscribe link"))
}

/// Turns off the alerts of the search an unsubscribe link stands for, in one click.
pub async fn unsubscribe(db: &Database, caller: &Caller, secret: &str) -> Result<SavedOpeningSearch, ServiceError> {
    let saved = unsubscribe_target(db, secret).await?;
    db.opening_alerts_off(&saved.id, caller.event("talent.search.unsubscribed", &saved.user_id, saved.id.clone()))
        .await?;
    Ok(saved)
}

/// For each saved search with alerts on, the openings new to it: published since it was
/// saved and not alerted before.
pub async fn alerts_due(
    db: &Database,
    today: NaiveDate,
) -> Result<Vec<(lshub_storage::talent::OpeningAlertReader, Vec<Opening>)>, ServiceError> {
    let mut due = Vec::new();
    for reader in db.opening_alert_readers().await? {
        let sent = db.opening_alerts_sent(&reader.saved.id).await?;
        let since = reader.saved.created_at;
        let new: Vec<Opening> = openings(db, &reader.saved.search, today)
            .await?
            .into_iter()
            .filter(|o| !sent.contains(&o.id) && o.published_at.is_some_and(|at| at >= since))
            .collect();
        if !new.is_empty() {
            due.push((reader, new));
        }
    }
    Ok(due)
}
