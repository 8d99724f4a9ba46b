//! The introductions the matcher suggests to each organisation with members once a week
//! ("you could meet X before call Y closes: you both …"): a round per organisation and ISO
//! week, picked from the matcher's candidates without the organisation itself, those
//! suggested before, those it has an introduction with, and those dismissed. Its members
//! see the current round and dismiss what is of no use; the matcher remembers.

use chrono::{DateTime, NaiveDate, Utc};
use lshub_domain::authorization::{Action, Resource};
use lshub_domain::introduction::{iso_week, pick_suggestions, SuggestionCandidate};
use lshub_domain::Organisation;
use lshub_storage::introduction_suggestions::{NewSuggestion, StoredSuggestion};
use lshub_storage::Database;

use crate::{Caller, ServiceError};

/// One of the caller's organisations with its current suggestions.
pub struct OrganisationSuggestions {
    pub organisation: Organisation,
    pub suggestions: Vec<StoredSuggestion>,
}

/// The organisations the caller asks introductions for.
async fn represented(db: &Database, caller: &Caller) -> Result<Vec<Organisation>, ServiceError> {
    caller.require(Action::ReadOwnAccount, Resource::Hub)?;
    let user = caller.user()?;
    let mut out = Vec::new();
    for id in db.organisation_ids_of(&user.id).await? {
        if !caller.may(Action::RequestIntroduction, Resource::Organisation { id: &id }) {
            continue;
        }
        if let Some(organisation) = db.organisation_by_id(&id).await? {
            out.push(organisation);
        }
    }
    Ok(out)
}

/// The current suggestions of each organisation the caller asks introductions for.
pub async fn mine(db: &Database, caller: &Caller) -> Result<Vec<OrganisationSuggestions>, ServiceError> {
    let mut out = Vec::new();
    for organisation in represented(db, caller).await? {
        let suggestions = db.current_suggestions(&organisation.id).await?;
        out.push(OrganisationSuggestions { organisation, suggestions });
    }
    Ok(out)
}

/// Dismisses a suggestion made to one of the caller's organisations: it is not shown, nor
/// made again.
pub async fn dismiss(db: &Database, caller: &Caller, id: &str, now: DateTime<Utc>) -> Result<(), ServiceError> {
    let user_id = caller.user()?.id.clone();
    for organisation in represented(db, caller).await? {
        let audit = caller.event("introduction-suggestion.dismissed", &organisation.slug, id.to_owned());
        if db.dismiss_suggestion(&organisation.id, id, &user_id, now, audit).await? {
            return Ok(());
        }
    }
    Err(ServiceError::NotFound("suggestion"))
}

/// Writes an organisation's round for the week of `today` from the matcher's candidates:
/// how many it suggests, or `None` when the round was written already (by this node or
/// another).
pub async fn write_round(
    db: &Database,
    organisation_id: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
    candidates: Vec<SuggestionCandidate>,
) -> Result<Option<usize>, ServiceError> {
    let excluded = db.not_to_suggest(organisation_id).await?;
    let picked: Vec<NewSuggestion> = pick_suggestions(candidates, &excluded)
        .into_iter()
        .map(|c| NewSuggestion { suggested_id: c.organisation_id, reasons: c.reasons })
        .collect();
    let written = db.write_suggestion_round(organisation_id, &iso_week(today), &picked, now).await?;
    Ok(written.then_some(picked.len()))
}
