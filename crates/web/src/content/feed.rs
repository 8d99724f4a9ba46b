//! The Atom feed (RFC 4287) of a member-written kind, overall or for one organisation
//! (`?organisation=slug`), written by the atom_syndication crate.

use atom_syndication::{Content, Entry, Feed, Person, Text};
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::Utc;
use lshub_domain::content::Item;
use lshub_domain::Pagination;
use lshub_service::content as service;
use lshub_storage::content::ItemFilter;
use serde::Deserialize;

use super::Presented;
use crate::error::AppError;
use crate::feeds::{atom_link, atom_response};
use crate::state::AppState;

/// Feed readers need recent entries, not the whole archive.
const ENTRIES: u32 = 50;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedQuery {
    organisation: Option<String>,
}

fn entry<K: Presented>(base: &str, item: &Item<K>) -> Entry {
    let url = format!("{base}/{}/{}", K::KIND.path, item.slug);
    let mut entry = Entry::default();
    entry.set_id(url.clone());
    entry.set_title(Text::plain(item.record.title()));
    entry.set_links(vec![atom_link(url, "alternate", Some("text/html"))]);
    entry.set_published(item.published_at.map(|t| t.fixed_offset()));
    entry.set_updated(item.updated_at.fixed_offset());
    // A members-only item names no organisation: the feed is public.
    if !item.record.owner_hidden() {
        let mut author = Person::default();
        author.set_name(item.owner.name.clone());
        author.set_uri(format!("{base}/organisations/{}", item.owner.slug));
        entry.set_authors(vec![author]);
    }
    entry.set_summary(Some(Text::plain(item.record.summary())));
    let mut content = Content::default();
    content.set_content_type(Some("html".to_owned()));
    content.set_value(Some(item.record.html()));
    entry.set_content(Some(content));
    entry
}

pub async fn atom<K: Presented>(
    State(state): State<AppState>,
    Query(query): Query<FeedQuery>,
) -> Result<Response, AppError> {
    let base = state.site.public_url.clone();
    let owner = match query.organisation.as_deref() {
        Some(slug) => Some(state.db.organisation_by_slug(slug).await?.ok_or(AppError::not_found("organisation"))?),
        None => None,
    };
    let filter = ItemFilter {
        owner_id: owner.as_ref().map(|o| o.id.clone()),
        facets: owner.as_ref().and_then(|_| super::public_only::<K>(false)).into_iter().collect(),
        pagination: Pagination { limit: ENTRIES, offset: 0 },
        ..ItemFilter::default()
    };
    let items = service::listed::<K>(&state.db, filter, state.today()).await?.items;
    let (title, self_url, alternate) = match &owner {
        Some(o) => (
            format!("LSH Hub {}: {} · {}", state.site.region, K::KIND.path, o.profile.name),
            format!("{base}/feeds/{}.atom?organisation={}", K::KIND.path, o.slug),
            format!("{base}/{}?organisation={}", K::KIND.path, o.slug),
        ),
        None => (
            format!("LSH Hub {}: {}", state.site.region, K::KIND.path),
            format!("{base}/feeds/{}.atom", K::KIND.path),
            format!("{base}/{}", K::KIND.path),
        ),
    };
    let mut feed = Feed::default();
    feed.set_title(Text::plain(title));
    feed.set_id(self_url.clone());
    feed.set_links(vec![atom_link(self_url, "self", None), atom_link(alternate, "alternate", Some("text/html"))]);
    feed.set_updated(items.iter().map(|i| i.updated_at).max().unwrap_or_else(Utc::now).fixed_offset());
    let mut hub = Person::default();
    hub.set_name(format!("LSH Hub {}", state.site.region));
    feed.set_authors(vec![hub]);
    feed.set_entries(items.iter().map(|item| entry(&base, item)).collect::<Vec<_>>());
    Ok(atom_response(&feed))
}
