//! Talent: marking a vacancy filled. Posting, editing and expiry are the content kernel's.

use chrono::NaiveDate;
use lshub_domain::authorization::{Action, ContentAction, Resource};
use lshub_domain::content::{Item, LifecycleError, State, Transition, Written};
use lshub_domain::talent::Vacancy;
use lshub_domain::{Reason, ValidationError};
use lshub_storage::content::ItemSave;
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
