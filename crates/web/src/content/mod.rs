//! The web side of the content kernel: pages, API and feeds for every member-written kind,
//! from one generic implementation. A kind supplies only what differs in substance through
//! [`Presented`]: its form fields, the HTML of its own part of the page, its summary and its
//! API shape.

mod api;
mod feed;
mod openapi;
mod pages;

use axum::response::Response;
use axum::routing::{get, post};
use lshub_domain::content::{Item, Transition, Written};
use lshub_domain::{Reason, ValidationError};
use serde::Serialize;

use crate::error::AppError;
use crate::i18n::Translator;
use crate::pages::forms::FormField;
use crate::public_cache::public;
use crate::routes::RouteTable;
use crate::state::AppState;

pub use api::ItemWire;
pub use openapi::describe;
pub(crate) use openapi::describe_item_action;

/// A facet lists of a kind are filtered by, besides the owning organisation.
pub struct ListFilter {
    /// The facet's name, which is also the query parameter's.
    pub facet: &'static str,
    /// What the parameter does, for the OpenAPI document.
    pub description: &'static str,
}

/// How a member-written kind shows itself; the kernel does the rest.
pub trait Presented: Written {
    /// The facets its lists filter by, in the order the list's form shows them.
    const FILTERS: &'static [ListFilter];

    /// The API's view of the record: its own field names, independent of the domain's.
    type Wire: Serialize + utoipa::ToSchema + Send;
    /// What the API accepts for the record's fields; it becomes the domain's draft.
    type Input: serde::de::DeserializeOwned + utoipa::ToSchema + Send + Into<Self::Draft>;

    /// The values of the filter on `facet` a visitor picks from, with their labels; none
    /// where the value is typed in (a code).
    fn filter_choices(t: &Translator, facet: &str) -> Vec<(String, String)>;

    /// The kind's own fields of the form, filled from `draft`.
    fn form_fields(t: &Translator, draft: &Self::Draft) -> Vec<FormField>;

    /// The kind's own part of the item's page, as HTML the kind escaped or sanitised; it may
    /// look up what the item points at.
    fn page_html(
        state: &AppState,
        item: &Item<Self>,
        t: &Translator,
    ) -> impl std::future::Future<Output = Result<String, AppError>> + Send;

    /// A short plain-text summary, for lists and feeds.
    fn summary(&self) -> String;

    /// The record's text as safe HTML, for feeds.
    fn html(&self) -> String;

    fn wire(&self) -> Self::Wire;

    /// A page of the kind's own that its list links to under the lead (the search of
    /// spaces by requirement): its path and the message that names it.
    const LIST_LINK: Option<(&'static str, &'static str)> = None;

    /// What its page says instead of the kernel's "expired" once the item has left the lists
    /// by its own end (a vacancy closed or filled).
    fn ended_notice(_item: &Item<Self>, _t: &Translator) -> Option<String> {
        None
    }

    /// Actions of the kind's own on an item's page, for those who may edit it (pages of
    /// [`Presented::own_pages`] under the item's address).
    fn actions(_item: &Item<Self>, _t: &Translator) -> Vec<ItemAction> {
        Vec::new()
    }

    /// Pages of the kind's own beside the kernel's (a form's action on one item).
    fn own_pages() -> RouteTable {
        RouteTable::new()
    }

    /// API routes of the kind's own under `/api/v1`, described by [`Presented::describe_own`].
    fn own_api() -> RouteTable {
        RouteTable::new()
    }

    /// Adds the kind's own API routes to the OpenAPI document.
    fn describe_own(_openapi: &mut utoipa::openapi::OpenApi) {}

    /// Machine-readable routes of the kind's own beside the kernel's feed (the catalogue's
    /// linked data, for datasets); like feeds, their errors are problem details.
    fn own_routes() -> RouteTable {
        RouteTable::new()
    }

    /// The item in another format than HTML, where the kind publishes one and the request's
    /// `Accept` header prefers it; `None` serves the page.
    fn negotiate(_state: &AppState, _item: &Item<Self>, _accept: &str) -> Result<Option<Response>, AppError> {
        Ok(None)
    }
}

/// An action of a kind's own on an item's page.
pub struct ItemAction {
    /// The path under the item's address.
    pub path: &'static str,
    pub label: String,
    /// A button that posts (a change), or else a link (a page).
    pub post: bool,
}

/// The parameters of a list: the organisation, the kind's filters, the page.
#[derive(Debug, Default, Clone)]
pub struct ListQuery {
    pub organisation: Option<String>,
    /// The value asked for each of the kind's [`ListFilter`] facets, at most one each.
    pub filters: Vec<(&'static str, String)>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

impl ListQuery {
    /// Reads a query's pairs for kind `K`. Blank values are no filter. `strict` (the API)
    /// refuses a parameter it does not know; pages ignore it, as links may carry others.
    pub fn read<K: Presented>(pairs: Vec<(String, String)>, strict: bool) -> Result<Self, ValidationError> {
        let number = |field: &'static str, value: &str| {
            value
                .parse::<u32>()
                .map_err(|_| ValidationError::new(field, Reason::NotWholeNumber { value: value.to_owned() }))
        };
        let mut query = Self::default();
        for (name, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let filter = K::FILTERS.iter().find(|f| f.facet == name);
            match (name.as_str(), filter) {
                ("organisation", _) => query.organisation = Some(value.to_owned()),
                ("limit", _) => query.limit = Some(number("limit", value)?),
                ("offset", _) => query.offset = Some(number("offset", value)?),
                (_, Some(filter)) => {
                    query.filters.retain(|(facet, _)| *facet != filter.facet);
                    query.filters.push((filter.facet, value.to_owned()));
                }
                _ if strict => {
                    let facets = K::FILTERS.iter().map(|f| f.facet).collect::<Vec<_>>().join(", ");
                    let allowed = format!("organisation, {facets}, limit, offset");
                    return Err(ValidationError::new("query", Reason::NotOneOf { value: name, allowed }));
                }
                _ => {}
            }
        }
        Ok(query)
    }

    /// The facet filters for storage.
    pub fn facets(&self) -> Vec<(String, String)> {
        self.filters.iter().map(|(facet, value)| ((*facet).to_owned(), value.clone())).collect()
    }

    /// The value asked for `facet`, if any.
    pub fn filter(&self, facet: &str) -> Option<&str> {
        self.filters.iter().find(|(asked, _)| *asked == facet).map(|(_, value)| value.as_str())
    }

    /// The query's pairs, for links to other pages of the same list.
    pub fn pairs<K: Presented>(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        pairs.extend(self.organisation.clone().map(|o| ("organisation", o)));
        pairs.extend(self.filters.iter().cloned());
        pairs.extend(self.offset.filter(|o| *o > 0).map(|o| ("offset", o.to_string())));
        pairs
    }
}

/// The facet that keeps members-only items of `K` out of a list by organisation, for those
/// who may not see who owns them (the public cache's visitors, feeds, the public API).
pub(crate) fn public_only<K: Written>(may_see_owners: bool) -> Option<(String, String)> {
    (K::OWNER_MAY_BE_HIDDEN && !may_see_owners).then(|| ("visibility".to_owned(), "public".to_owned()))
}

/// What a state form or request asks: a transition, or renewing an item that expires.
enum StateChange {
    Transition(Transition),
    Renew,
}

/// Reads the name of a state change as forms and the API send it: a transition, or `renew`.
fn state_change_from(text: &str) -> Result<StateChange, AppError> {
    if text == "renew" {
        return Ok(StateChange::Renew);
    }
    transition_from(text).map(StateChange::Transition)
}

/// Reads the name of a transition as forms and the API send it.
fn transition_from(text: &str) -> Result<Transition, AppError> {
    Transition::from_id(text).ok_or_else(|| {
        let allowed = Transition::ALL.iter().map(|t| t.id()).chain(["renew"]).collect::<Vec<_>>().join(", ");
        ValidationError::new("transition", Reason::NotOneOf { value: text.to_owned(), allowed }).into()
    })
}

/// The pages of kind `K`: `/{path}`, `/{path}/new`, `/{path}/{slug}` with its edit, state,
/// delete and history pages, and the Atom feed `/feeds/{path}.atom`.
pub fn page_routes<K: Presented>() -> RouteTable {
    let base = format!("/{}", K::KIND.path);
    RouteTable::new()
        .route(&base, public(get(pages::list::<K>)).post(pages::create::<K>))
        .route(&format!("{base}/new"), get(pages::new_form::<K>))
        .route(&format!("{base}/{{slug}}"), public(get(pages::show::<K>)))
        .route(&format!("{base}/{{slug}}/edit"), get(pages::edit_form::<K>).post(pages::edit::<K>))
        .route(&format!("{base}/{{slug}}/state"), post(pages::change_state::<K>))
        .route(&format!("{base}/{{slug}}/delete"), get(pages::delete_form::<K>).post(pages::delete::<K>))
        .route(&format!("{base}/{{slug}}/history"), get(pages::history::<K>))
        .merge(K::own_pages())
}

/// The feed of kind `K`, outside the pages (its errors are problem details).
pub fn feed_routes<K: Presented>() -> RouteTable {
    RouteTable::new().route(&format!("/feeds/{}.atom", K::KIND.path), public(get(feed::atom::<K>)))
}

/// The API of kind `K` under `/api/v1`.
pub fn api_routes<K: Presented>() -> RouteTable {
    let base = format!("/{}", K::KIND.path);
    RouteTable::new()
        .route(&base, public(get(api::list::<K>)).post(api::create::<K>))
        .route(&format!("{base}/{{slug}}"), get(api::show::<K>).put(api::update::<K>).delete(api::delete::<K>))
        .route(&format!("{base}/{{slug}}/state"), post(api::change_state::<K>))
        .merge(K::own_api())
}
