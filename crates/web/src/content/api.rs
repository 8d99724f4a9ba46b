//! The JSON API of a member-written kind: list, read, create, update, change state, delete.
//! Writes need a session or a token with the `write` scope; the policy decides the rest.

use axum::extract::{Path, Query, State};
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use lshub_domain::content::Item;
use lshub_domain::{Pagination, Reason, ValidationError};
use lshub_service::content::{self as service, Lifetime};
use lshub_storage::content::ItemFilter;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ListQuery, Presented};
use crate::api::JsonBody;
use crate::auth::Auth;
use crate::error::AppError;
use crate::state::AppState;

/// The organisation that owns an item.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnerWire {
    pub slug: String,
    pub name: String,
}

/// An item as the API shows it: what the kernel keeps, and the kind's own fields beside it.
#[derive(Debug, Serialize)]
pub struct ItemWire<W> {
    #[serde(flatten)]
    pub meta: ItemMeta,
    #[serde(flatten)]
    pub record: W,
}

/// What the hub keeps about every member-written item, whatever its kind.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ContentItem)]
pub struct ItemMeta {
    pub slug: String,
    /// The item's page in the hub.
    pub url: String,
    /// The owning organisation; absent for a members-only item when the caller is not a
    /// signed-in member of the hub.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<OwnerWire>,
    /// `draft`, `in-review`, `published` or `archived`.
    #[schema(value_type = String)]
    pub state: &'static str,
    /// Send it back with an update, so that no one's change is silently undone.
    pub revision: i64,
    pub expires_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

impl<W> ItemWire<W> {
    /// The item as the API shows it, with its page's address under `base_url`, and its
    /// owner when `show_owner`.
    pub fn new<K: Presented<Wire = W>>(base_url: &str, item: &Item<K>, show_owner: bool) -> Self {
        let meta = ItemMeta {
            slug: item.slug.clone(),
            url: format!("{base_url}/{}/{}", K::KIND.path, item.slug),
            organisation: show_owner
                .then(|| OwnerWire { slug: item.owner.slug.clone(), name: item.owner.name.clone() }),
            state: item.state.id(),
            revision: item.revision,
            expires_on: item.expires_on,
            created_at: item.created_at,
            updated_at: item.updated_at,
            published_at: item.published_at,
        };
        Self { meta, record: item.record.wire() }
    }
}

#[derive(Debug, Serialize)]
pub struct ItemList<W> {
    pub items: Vec<ItemWire<W>>,
    /// Matches in total, of which `items` is one page.
    pub total: i64,
    pub limit: u32,
    pub offset: u32,
}

pub async fn list<K: Presented>(
    State(state): State<AppState>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<ItemList<K::Wire>>, AppError> {
    let params = ListQuery::read::<K>(pairs, true)?;
    let limit = params.limit.unwrap_or(Pagination::DEFAULT_LIMIT);
    if !(1..=Pagination::MAX_LIMIT).contains(&limit) {
        return Err(
            ValidationError::new("limit", Reason::OutOfRange { min: 1, max: Pagination::MAX_LIMIT.into() }).into()
        );
    }
    let pagination = Pagination { limit, offset: params.offset.unwrap_or(0).min(Pagination::MAX_OFFSET) };
    let owner_id = match params.organisation.as_deref() {
        Some(slug) => Some(state.db.organisation_by_slug(slug).await?.ok_or(AppError::not_found("organisation"))?.id),
        None => None,
    };
    // The list is public and cached alike for everyone: members-only items name no owner.
    let mut facets = params.facets();
    if owner_id.is_some() {
        facets.extend(super::public_only::<K>(false));
    }
    let filter = ItemFilter { owner_id, facets, listed_on: None, pagination };
    let page = service::listed::<K>(&state.db, filter, state.today()).await?;
    Ok(Json(ItemList {
        items: page
            .items
            .iter()
            .map(|item| ItemWire::new(&state.site.public_url, item, !item.record.owner_hidden()))
            .collect(),
        total: page.total,
        limit: pagination.limit,
        offset: pagination.offset,
    }))
}

pub async fn show<K: Presented>(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<Json<ItemWire<K::Wire>>, AppError> {
    let caller = auth.caller();
    let item = service::find::<K>(&state.db, &caller, &slug).await?;
    Ok(Json(ItemWire::new(&state.site.public_url, &item, service::may_see_owner(&caller, &item))))
}

/// A new item: the owning organisation, an optional expiry, and the kind's fields.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateBody<D> {
    organisation: String,
    #[serde(default)]
    expires_on: Option<NaiveDate>,
    #[serde(flatten)]
    draft: D,
}

pub async fn create<K: Presented>(
    State(state): State<AppState>,
    auth: Auth,
    JsonBody(body): JsonBody<CreateBody<K::Input>>,
) -> Result<Response, AppError> {
    let lifetime = Lifetime { expires_on: body.expires_on };
    let draft = body.draft.into();
    let item =
        service::create::<K>(&state.db, &auth.caller(), &body.organisation, draft, lifetime, state.today()).await?;
    let wire = ItemWire::new(&state.site.public_url, &item, true);
    let location = format!("/api/v1/{}/{}", K::KIND.path, item.slug);
    Ok((StatusCode::CREATED, [(LOCATION, location)], Json(wire)).into_response())
}

/// A change: the revision it was made to, the expiry, and the kind's fields (all of them:
/// an update replaces the record).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateBody<D> {
    revision: i64,
    #[serde(default)]
    expires_on: Option<NaiveDate>,
    #[serde(flatten)]
    draft: D,
}

pub async fn update<K: Presented>(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<UpdateBody<K::Input>>,
) -> Result<Json<ItemWire<K::Wire>>, AppError> {
    let lifetime = Lifetime { expires_on: body.expires_on };
    let draft = body.draft.into();
    let item =
        service::edit::<K>(&state.db, &auth.caller(), &slug, body.revision, draft, lifetime, state.today()).await?;
    Ok(Json(ItemWire::new(&state.site.public_url, &item, true)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateBody {
    transition: String,
}

pub async fn change_state<K: Presented>(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
    JsonBody(body): JsonBody<StateBody>,
) -> Result<Json<ItemWire<K::Wire>>, AppError> {
    let item = match super::state_change_from(&body.transition)? {
        super::StateChange::Transition(transition) => {
            service::transition::<K>(&state.db, &auth.caller(), &slug, transition).await?
        }
        super::StateChange::Renew => service::renew::<K>(&state.db, &auth.caller(), &slug, state.today()).await?,
    };
    Ok(Json(ItemWire::new(&state.site.public_url, &item, true)))
}

pub async fn delete<K: Presented>(
    State(state): State<AppState>,
    auth: Auth,
    Path(slug): Path<String>,
) -> Result<StatusCode, AppError> {
    service::delete::<K>(&state.db, &auth.caller(), &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}
