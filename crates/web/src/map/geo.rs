//! The map's geometry: the outlines of the Netherlands and Belgium shipped with the hub
//! (`assets/map/nl-be.json`, Natural Earth, public domain, simplified by
//! `scripts/map-boundaries.py`) and the projection of degrees into the SVG's viewBox.
//!
//! The projection is equirectangular, with longitudes shrunk by the cosine of the frame's
//! middle latitude: over two countries this small it keeps shapes and distances true to
//! within a few per cent, needs no library, and a point's position is a line of arithmetic
//! anyone can check.

use std::sync::LazyLock;

use lshub_domain::space::Coordinates;
use serde::Deserialize;

/// The frame drawn, in degrees: both countries with a little sea and land around them.
pub const WEST: f64 = 2.3;
pub const EAST: f64 = 7.4;
pub const SOUTH: f64 = 49.3;
pub const NORTH: f64 = 53.75;
/// The viewBox's width; its height follows from the frame's proportions.
pub const WIDTH: f64 = 600.0;

#[derive(Debug, Deserialize)]
struct Boundaries {
    countries: Vec<Country>,
}

/// One country's outline: rings of `[longitude, latitude]`, each closed.
#[derive(Debug, Deserialize)]
pub struct Country {
    /// ISO 3166-1 alpha-2: NL or BE.
    pub code: String,
    pub rings: Vec<Vec<[f64; 2]>>,
}

/// The shipped outlines, read once. The file is part of the build, so a broken one is a
/// bug that the unit tests catch; at run time it would leave the map without countries
/// (the points and the list still work) rather than fail every page.
static COUNTRIES: LazyLock<Vec<Country>> =
    LazyLock::new(|| match serde_json::from_str::<Boundaries>(include_str!("../../assets/map/nl-be.json")) {
        Ok(boundaries) => boundaries.countries,
        Err(e) => {
            tracing::error!(error = %e, "the map's boundary file cannot be read");
            Vec::new()
        }
    });

/// Each country's code and its outline as an SVG path, computed once.
static PATHS: LazyLock<Vec<(String, String)>> =
    LazyLock::new(|| COUNTRIES.iter().map(|c| (c.code.clone(), path(&c.rings))).collect());

pub fn countries() -> &'static [(String, String)] {
    &PATHS
}

/// The cosine that shrinks longitudes: at the frame's middle latitude.
fn shrink() -> f64 {
    ((SOUTH + NORTH) / 2.0).to_radians().cos()
}

/// viewBox units per degree of latitude.
fn scale() -> f64 {
    WIDTH / ((EAST - WEST) * shrink())
}

/// The viewBox's height, rounded up so that the frame's southern edge is inside it.
pub fn height() -> f64 {
    ((NORTH - SOUTH) * scale()).ceil()
}

/// Whether the frame holds the point: only these are drawn, the others only listed.
pub fn inside(at: Coordinates) -> bool {
    (WEST..=EAST).contains(&at.longitude) && (SOUTH..=NORTH).contains(&at.latitude)
}

/// A point's place in the viewBox: x to the east, y to the south.
pub fn project(at: Coordinates) -> (f64, f64) {
    ((at.longitude - WEST) * shrink() * scale(), (NORTH - at.latitude) * scale())
}

/// Rings as one SVG path, to a tenth of a unit (about 50 m).
fn path(rings: &[Vec<[f64; 2]>]) -> String {
    let mut d = String::new();
    for ring in rings {
        for (i, [longitude, latitude]) in ring.iter().enumerate() {
            let (x, y) = project(Coordinates { latitude: *latitude, longitude: *longitude });
            d.push(if i == 0 { 'M' } else { 'L' });
            d.push_str(&format!("{x:.1},{y:.1}"));
        }
        d.push('Z');
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(latitude: f64, longitude: f64) -> Coordinates {
        Coordinates { latitude, longitude }
    }

    #[test]
    fn the_shipped_outlines_are_both_countries_inside_the_frame() {
        let codes: Vec<&str> = COUNTRIES.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes, ["BE", "NL"]);
        for country in COUNTRIES.iter() {
            assert!(!country.rings.is_empty(), "{} has an outline", country.code);
            for ring in &country.rings {
                assert!(ring.len() >= 4 && ring.first() == ring.last(), "{}: a closed ring", country.code);
                assert!(ring.iter().all(|[lon, lat]| inside(at(*lat, *lon))), "{} lies in the frame", country.code);
            }
        }
        // Simplified: a few hundred points, not the source's thousands.
        let points: usize = COUNTRIES.iter().flat_map(|c| &c.rings).map(Vec::len).sum();
        assert!((300..2000).contains(&points), "{points} points");
        assert!(countries().iter().all(|(_, d)| d.starts_with('M') && d.ends_with('Z')));
    }

    #[test]
    fn the_corners_of_the_frame_are_the_corners_of_the_view_box() {
        let (x, y) = project(at(NORTH, WEST));
        assert!(x.abs() < 1e-9 && y.abs() < 1e-9);
        let (x, y) = project(at(SOUTH, EAST));
        assert!((x - WIDTH).abs() < 1e-9 && y <= height() && height() - y < 1.0);
        // Taller than wide: 4.45° of latitude against 5.1° of longitude × cos 51.5° = 3.17°.
        assert_eq!(height(), 842.0);
    }

    #[test]
    fn distances_keep_their_proportions_across_the_map() {
        // Amsterdam to Utrecht (about 35 km south-east) and to Haarlem (about 18 km west).
        let amsterdam = project(at(52.3728, 4.8936));
        let utrecht = project(at(52.0907, 5.1214));
        let haarlem = project(at(52.3874, 4.6462));
        let length = |a: (f64, f64), b: (f64, f64)| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
        let by_map = length(amsterdam, utrecht) / length(amsterdam, haarlem);
        let by_sphere = at(52.3728, 4.8936).distance_km(&at(52.0907, 5.1214))
            / at(52.3728, 4.8936).distance_km(&at(52.3874, 4.6462));
        assert!((by_map / by_sphere - 1.0).abs() < 0.02, "{by_map} against {by_sphere}");
        assert!(utrecht.1 > amsterdam.1 && haarlem.0 < amsterdam.0, "south is down, west is left");
    }

    #[test]
    fn points_outside_the_frame_are_not_inside() {
        assert!(inside(at(52.37, 4.89)), "Amsterdam");
        assert!(inside(at(50.85, 4.35)), "Brussels");
        assert!(!inside(at(48.8566, 2.3522)), "Paris");
        assert!(!inside(at(52.52, 13.40)), "Berlin");
        assert!(!inside(at(f64::NAN, 4.0)));
    }
}
