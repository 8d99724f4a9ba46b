//! The map (`/map`, `/api/v1/map`): spaces, facilities and organisations of the directory
//! on an SVG of the Netherlands and Belgium drawn by the hub itself, with no tiles or
//! scripts from other hosts (the content security policy allows none), and the same items
//! as a list beside it for those who cannot see the map.
//!
//! A space has its own coordinates; a facility has none, so it is placed at its owner
//! organisation's address; an organisation at its first address with coordinates. The
//! directory holds thousands of organisations, so their layer is off unless asked for,
//! can be narrowed by type and city, and draws at most [`MAX_ORGANISATIONS`].

mod api;
mod geo;
mod pages;

use std::collections::HashMap;

use axum::routing::get;
use lshub_domain::content::{Kind, FACILITY, SPACE};
use lshub_domain::facility::Facility;
use lshub_domain::space::{Coordinates, Space};
use lshub_domain::{Language, Organisation, OrganisationFilter, OrganisationKind, OrganisationSort, Pagination};
use lshub_domain::{Reason, ValidationError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::AppError;
use crate::public_cache::public;
use crate::routes::RouteTable;
use crate::state::AppState;

pub use api::MapApi;

/// The organisations drawn at most: a page of thousands of points would be heavy to send
/// and unreadable to look at; the page says when more match and how to narrow them.
pub const MAX_ORGANISATIONS: u32 = 250;

pub fn page_routes() -> RouteTable {
    RouteTable::new().route("/map", public(get(pages::show)))
}

/// Under `/api/v1`.
pub fn api_routes() -> RouteTable {
    RouteTable::new().route("/map", public(get(api::points)))
}

/// The map showing a kind's layer, which its list links to: spaces and facilities.
pub fn list_link(kind: &Kind) -> Option<&'static str> {
    match kind.id {
        id if id == SPACE.id => Some("/map?spaces=on"),
        id if id == FACILITY.id => Some("/map?facilities=on"),
        _ => None,
    }
}

/// The map's layers, in the order the legend and the list show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = MapLayer)]
pub enum Layer {
    Spaces,
    Facilities,
    Organisations,
}

impl Layer {
    pub const ALL: [Layer; 3] = [Layer::Spaces, Layer::Facilities, Layer::Organisations];

    pub fn id(self) -> &'static str {
        match self {
            Layer::Spaces => "spaces",
            Layer::Facilities => "facilities",
            Layer::Organisations => "organisations",
        }
    }

    /// The pages of its items.
    fn path(self) -> &'static str {
        match self {
            Layer::Spaces => "/spaces",
            Layer::Facilities => "/facilities",
            Layer::Organisations => "/organisations",
        }
    }
}

/// The layers and filters, as the page's form and the API take them.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MapParams {
    /// `on` or `off`. When no layer is named, spaces and facilities are shown; once one is
    /// named, those not named are off (a form sends only the boxes ticked).
    #[param(pattern = "^(on|off)?$")]
    pub spaces: String,
    /// `on` or `off`, as `spaces`.
    #[param(pattern = "^(on|off)?$")]
    pub facilities: String,
    /// `on` or `off`, as `spaces`; off unless named.
    #[param(pattern = "^(on|off)?$")]
    pub organisations: String,
    /// Only organisations of this type: `company`, `healthcare`, `education`,
    /// `research-institute`, `government`, `nonprofit`, `archive` or `other`.
    #[param(pattern = "^(company|healthcare|education|research-institute|government|nonprofit|archive|other)?$")]
    pub kind: String,
    /// Only organisations in this city, case ignored.
    #[param(max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub city: String,
}

/// What the parameters ask for, each refused one named.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub layers: Vec<Layer>,
    pub kind: Option<OrganisationKind>,
    pub city: Option<String>,
}

impl MapParams {
    pub fn request(&self) -> Result<Request, ValidationError> {
        let switch = |field: &'static str, value: &str| match value.trim() {
            "" => Ok(None),
            "on" => Ok(Some(true)),
            "off" => Ok(Some(false)),
            other => Err(ValidationError::new(
                field,
                Reason::NotOneOf { value: other.to_owned(), allowed: "on, off".into() },
            )),
        };
        let named = [
            (Layer::Spaces, switch("spaces", &self.spaces)?),
            (Layer::Facilities, switch("facilities", &self.facilities)?),
            (Layer::Organisations, switch("organisations", &self.organisations)?),
        ];
        let layers = if named.iter().all(|(_, on)| on.is_none()) {
            vec![Layer::Spaces, Layer::Facilities]
        } else {
            named.iter().filter(|(_, on)| *on == Some(true)).map(|(layer, _)| *layer).collect()
        };
        let kind = match self.kind.trim() {
            "" => None,
            id => Some(OrganisationKind::from_id(id).ok_or_else(|| {
                ValidationError::new(
                    "kind",
                    Reason::NotOneOf {
                        value: id.to_owned(),
                        allowed: OrganisationKind::ALL.map(OrganisationKind::id).join(", "),
                    },
                )
            })?),
        };
        let city = self.city.trim();
        if city.chars().count() > 200 || city.chars().any(char::is_control) {
            return Err(ValidationError::new(
                "city",
                Reason::Other("at most 200 characters, no control characters".into()),
            ));
        }
        Ok(Request { layers, kind, city: Some(city.to_owned()).filter(|c| !c.is_empty()) })
    }
}

/// One item on the map.
#[derive(Debug, Clone)]
pub struct Point {
    pub layer: Layer,
    pub slug: String,
    pub title: String,
    /// Where, in words: a space's or organisation's city, a facility's owner.
    pub place: String,
    pub at: Coordinates,
}

impl Point {
    /// Its page on the hub.
    pub fn path(&self) -> String {
        format!("{}/{}", self.layer.path(), self.slug)
    }

    pub fn drawn(&self) -> bool {
        geo::inside(self.at)
    }
}

/// The points of the layers asked for, and what could not be placed.
#[derive(Debug, Default)]
pub struct Points {
    pub points: Vec<Point>,
    /// Spaces and facilities listed but without a place (no coordinates, or an owner
    /// without them): counted, so the page can say why they are missing.
    pub unplaced: usize,
    /// The organisations that match the filters, with or without coordinates; more than
    /// [`MAX_ORGANISATIONS`] means only the first by name are shown.
    pub organisations_matching: i64,
}

/// The first coordinates among an organisation's addresses.
fn organisation_place(organisation: &Organisation) -> Option<(Coordinates, String)> {
    organisation.profile.addresses.iter().find_map(|a| {
        Some((Coordinates { latitude: a.latitude?, longitude: a.longitude? }, a.city.clone().unwrap_or_default()))
    })
}

/// The listed items of the layers asked for, titles in `lang`, each layer by title.
pub async fn points(state: &AppState, request: &Request, lang: Language) -> Result<Points, AppError> {
    let today = state.today();
    let mut found = Points::default();
    if request.layers.contains(&Layer::Spaces) {
        for item in state.db.listed_items::<Space>(today).await? {
            let Some(at) = item.record.coordinates else {
                found.unplaced += 1;
                continue;
            };
            found.points.push(Point {
                layer: Layer::Spaces,
                title: item.record.title.get(lang).to_owned(),
                place: item.record.city.clone(),
                slug: item.slug,
                at,
            });
        }
    }
    if request.layers.contains(&Layer::Facilities) {
        // Facilities are few and often share an owner: each owner is read once.
        let mut owners: HashMap<String, Option<(Coordinates, String)>> = HashMap::new();
        for item in state.db.listed_items::<Facility>(today).await? {
            let place = match owners.get(&item.owner.slug) {
                Some(place) => place.clone(),
                None => {
                    let place =
                        state.db.organisation_by_slug(&item.owner.slug).await?.as_ref().and_then(organisation_place);
                    owners.insert(item.owner.slug.clone(), place.clone());
                    place
                }
            };
            let Some((at, _)) = place else {
                found.unplaced += 1;
                continue;
            };
            found.points.push(Point {
                layer: Layer::Facilities,
                title: item.record.title.get(lang).to_owned(),
                place: item.owner.name.clone(),
                slug: item.slug,
                at,
            });
        }
    }
    if request.layers.contains(&Layer::Organisations) {
        let filter = OrganisationFilter {
            kind: request.kind,
            city: request.city.clone(),
            sort: OrganisationSort::Name,
            // Past the API's page size on purpose: one bounded read instead of four pages.
            page: Pagination { limit: MAX_ORGANISATIONS, offset: 0 },
            ..OrganisationFilter::default()
        };
        let page = state.db.list_organisations(&filter).await?;
        found.organisations_matching = page.total;
        for organisation in page.items {
            let Some((at, city)) = organisation_place(&organisation) else { continue };
            found.points.push(Point {
                layer: Layer::Organisations,
                title: organisation.profile.display_name(lang).to_owned(),
                place: city,
                slug: organisation.slug,
                at,
            });
        }
    }
    found.points.sort_by(|a, b| {
        let layer = |p: &Point| Layer::ALL.iter().position(|l| *l == p.layer);
        layer(a).cmp(&layer(b)).then_with(|| a.title.to_lowercase().cmp(&b.title.to_lowercase()))
    });
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(query: &str) -> Result<Request, String> {
        let p: MapParams = serde_urlencoded::from_str(query).map_err(|e| e.to_string())?;
        p.request().map_err(|e| e.field.to_owned())
    }

    #[test]
    fn spaces_and_facilities_unless_layers_are_named() {
        assert_eq!(params("").map(|r| r.layers), Ok(vec![Layer::Spaces, Layer::Facilities]));
        assert_eq!(params("organisations=on").map(|r| r.layers), Ok(vec![Layer::Organisations]));
        assert_eq!(params("spaces=on&facilities=off").map(|r| r.layers), Ok(vec![Layer::Spaces]));
        assert_eq!(params("spaces=off").map(|r| r.layers), Ok(vec![]));
        let all = params("spaces=on&facilities=on&organisations=on&kind=healthcare&city=+Leiden+");
        assert_eq!(
            all,
            Ok(Request {
                layers: Layer::ALL.to_vec(),
                kind: Some(OrganisationKind::Healthcare),
                city: Some("Leiden".into())
            })
        );
    }

    #[test]
    fn bad_parameters_are_named() {
        assert_eq!(params("spaces=yes"), Err("spaces".into()));
        assert_eq!(params("kind=bank"), Err("kind".into()));
        assert_eq!(params("city=a%00b"), Err("city".into()));
        assert!(params("layer=spaces").is_err_and(|e| e.contains("unknown field")));
    }
}
