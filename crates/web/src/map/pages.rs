//! `/map`: the SVG, its legend and the same items as a list, behind a form of layers and
//! filters that works without JavaScript.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use lshub_domain::OrganisationKind;

use super::{geo, points, Layer, MapParams, Point, MAX_ORGANISATIONS};
use crate::error::AppError;
use crate::pages::{render, PageContext};
use crate::params::Params;
use crate::state::AppState;

/// A point as the SVG draws it.
struct Mark {
    path: String,
    /// Its title and place, the link's name and tooltip.
    label: String,
    x: String,
    y: String,
}

/// A layer in the legend and the list.
struct Group {
    layer: &'static str,
    heading: String,
    /// What its shape and colour mean.
    legend: String,
    shown: bool,
    /// Its points inside the map's frame.
    marks: Vec<Mark>,
    items: Vec<Listed>,
}

struct Listed {
    path: String,
    title: String,
    place: String,
    /// Outside the map's frame: listed only.
    drawn: bool,
}

#[derive(Template)]
#[template(path = "map/map.html")]
struct MapPage {
    ctx: PageContext,
    params: MapParams,
    shown: Vec<&'static str>,
    kinds: Vec<(&'static str, String)>,
    width: String,
    height: String,
    countries: &'static [(String, String)],
    groups: Vec<Group>,
    /// Sentences under the map: what is missing and why.
    notes: Vec<String>,
}

impl MapPage {
    fn is_shown(&self, layer: &str) -> bool {
        self.shown.contains(&layer)
    }
}

pub(super) async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    Params(p): Params<MapParams>,
) -> Result<Response, AppError> {
    let request = p.request()?;
    let t = &ctx.t;
    let found = points(&state, &request, t.lang).await?;
    let label = |point: &Point| match point.place.as_str() {
        "" => point.title.clone(),
        place => format!("{} — {place}", point.title),
    };
    let outside = found.points.iter().filter(|point| !point.drawn()).count();
    let groups = Layer::ALL
        .iter()
        .map(|layer| {
            let items: Vec<Listed> = found
                .points
                .iter()
                .filter(|point| point.layer == *layer)
                .map(|point| Listed {
                    path: point.path(),
                    title: point.title.clone(),
                    place: point.place.clone(),
                    drawn: point.drawn(),
                })
                .collect();
            let marks = found
                .points
                .iter()
                .filter(|point| point.layer == *layer && point.drawn())
                .map(|point| {
                    let (x, y) = geo::project(point.at);
                    Mark { path: point.path(), label: label(point), x: format!("{x:.1}"), y: format!("{y:.1}") }
                })
                .collect();
            Group {
                layer: layer.id(),
                heading: t.count(&format!("map-layer-{}-count", layer.id()), items.len() as i64),
                legend: t.t(&format!("map-legend-{}", layer.id())),
                shown: request.layers.contains(layer),
                marks,
                items,
            }
        })
        .collect();
    let mut notes = Vec::new();
    if outside > 0 {
        notes.push(t.count("map-outside", outside as i64));
    }
    if found.unplaced > 0 {
        notes.push(t.count("map-unplaced", found.unplaced as i64));
    }
    if found.organisations_matching > i64::from(MAX_ORGANISATIONS) {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("count", found.organisations_matching);
        args.set("shown", crate::pages::format::number(t.lang, found.organisations_matching));
        args.set("limit", MAX_ORGANISATIONS);
        notes.push(t.with_args("map-organisations-limited", &args));
    }
    let page = MapPage {
        shown: request.layers.iter().map(|layer| layer.id()).collect(),
        kinds: OrganisationKind::ALL.iter().map(|kind| (kind.id(), t.t(&format!("kind-{}", kind.id())))).collect(),
        width: geo::WIDTH.to_string(),
        height: geo::height().to_string(),
        countries: geo::countries(),
        groups,
        notes,
        params: p,
        ctx,
    };
    render(&page)
}
