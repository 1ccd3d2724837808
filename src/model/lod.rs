//! Level of detail: simplified copies of a feature's lines and areas, one per zoom step, so the
//! vertices drawn in a frame are bounded by what the screen can show.
//!
//! Level `i` is for zooms up to [`LEVEL_ZOOMS`]`[i]`. It is simplified (Douglas–Peucker, geo's
//! `Simplify`) from the next finer level with a tolerance of a quarter pixel at its zoom, so the
//! accumulated error stays under half a pixel; polygons are triangulated once per level. A line
//! or area smaller than a pixel at the level's zoom becomes a dot. Above the finest level the
//! full geometry is drawn.

use geo::Simplify;

use super::layer::{Part, WorldPolygon};
use super::triangulate::{open_ring, triangulate};
use super::view::{TILE_SIZE_PX, WorldPos, WorldRect};

/// The zoom each level is made for, coarsest first.
pub const LEVEL_ZOOMS: [f64; 6] = [3.0, 5.0, 7.0, 9.0, 11.0, 13.0];

/// What a level draws for one part of a feature.
#[derive(Clone, Debug, PartialEq)]
pub enum LodPart {
    /// A simplified polyline.
    Line(Vec<WorldPos>),
    /// A simplified polygon, triangulated.
    Polygon(WorldPolygon),
    /// A line or area smaller than a pixel: a dot at its centre.
    Dot(WorldPos),
}

/// The tolerance of one level step, in world units: a quarter pixel at `zoom`.
pub fn step_tolerance(zoom: f64) -> f64 {
    0.25 / (TILE_SIZE_PX * zoom.exp2())
}

/// The level to draw at `zoom` (the coarsest whose zoom is at least it), or `None` for the full
/// geometry.
pub fn level_for_zoom(zoom: f64) -> Option<usize> {
    LEVEL_ZOOMS.iter().position(|&z| z >= zoom - 1e-9)
}

/// Build every level for the lines and areas among `parts` (points are always drawn whole).
/// Returns the levels, coarsest first; empty when there is nothing to simplify.
pub fn build_levels(parts: &[Part]) -> Vec<Vec<LodPart>> {
    if !parts.iter().any(|p| !matches!(p, Part::Point(_))) {
        return Vec::new();
    }
    let mut finer: Vec<LodPart> = parts
        .iter()
        .filter_map(|p| match p {
            Part::Point(_) => None,
            Part::Line(l) => Some(LodPart::Line(l.clone())),
            Part::Polygon(poly) => Some(LodPart::Polygon(poly.clone())),
        })
        .collect();
    let mut levels: Vec<Vec<LodPart>> = Vec::with_capacity(LEVEL_ZOOMS.len());
    for &zoom in LEVEL_ZOOMS.iter().rev() {
        let level: Vec<LodPart> = finer
            .iter()
            .map(|p| simplify(p, step_tolerance(zoom)))
            .collect();
        finer = level.clone();
        levels.push(level);
    }
    levels.reverse();
    levels
}

/// One part at one level; `tolerance` is a quarter pixel, so a pixel is four of them.
fn simplify(part: &LodPart, tolerance: f64) -> LodPart {
    let pixel = 4.0 * tolerance;
    match part {
        LodPart::Dot(p) => LodPart::Dot(*p),
        LodPart::Line(line) => match sub_pixel(line.iter(), pixel) {
            Some(dot) => LodPart::Dot(dot),
            None => LodPart::Line(simplify_path(line, tolerance)),
        },
        LodPart::Polygon(poly) => {
            let outer = poly.rings.first().map(Vec::as_slice).unwrap_or_default();
            if let Some(dot) = sub_pixel(outer.iter(), pixel) {
                return LodPart::Dot(dot);
            }
            // Holes smaller than a pixel are dropped; the rest simplified as closed rings.
            let rings: Vec<Vec<WorldPos>> = poly
                .rings
                .iter()
                .enumerate()
                .filter(|(i, r)| *i == 0 || sub_pixel(r.iter(), pixel).is_none())
                .map(|(_, r)| simplify_ring(r, tolerance))
                .filter(|r| r.len() >= 3)
                .collect();
            if rings.is_empty() {
                return LodPart::Dot(centre(outer.iter()));
            }
            let triangles = triangulate(&rings);
            LodPart::Polygon(WorldPolygon { rings, triangles })
        }
    }
}

/// The centre of `points` when their box is smaller than `pixel` both ways.
fn sub_pixel<'a>(
    points: impl Iterator<Item = &'a WorldPos> + Clone,
    pixel: f64,
) -> Option<WorldPos> {
    let b = WorldRect::from_points(points.copied())?;
    (b.max.x - b.min.x < pixel && b.max.y - b.min.y < pixel).then(|| b.center())
}

fn centre<'a>(points: impl Iterator<Item = &'a WorldPos>) -> WorldPos {
    WorldRect::from_points(points.copied()).map_or(WorldPos::new(0.0, 0.0), |b| b.center())
}

fn simplify_path(line: &[WorldPos], tolerance: f64) -> Vec<WorldPos> {
    let ls: geo::LineString<f64> = line
        .iter()
        .map(|p| geo::coord! { x: p.x, y: p.y })
        .collect();
    ls.simplify(tolerance)
        .coords()
        .map(|c| WorldPos::new(c.x, c.y))
        .collect()
}

/// A ring is simplified closed (so its first vertex may go too) and returned open.
fn simplify_ring(ring: &[WorldPos], tolerance: f64) -> Vec<WorldPos> {
    let mut closed = ring.to_vec();
    if let Some(&first) = ring.first() {
        closed.push(first);
    }
    open_ring(simplify_path(&closed, tolerance))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance from `p` to the segment `a`–`b`.
    fn segment_distance(p: WorldPos, a: WorldPos, b: WorldPos) -> f64 {
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len2 = dx * dx + dy * dy;
        let t = if len2 == 0.0 {
            0.0
        } else {
            (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
        };
        ((p.x - a.x - t * dx).powi(2) + (p.y - a.y - t * dy).powi(2)).sqrt()
    }

    fn distance_to_path(p: WorldPos, path: &[WorldPos]) -> f64 {
        path.windows(2)
            .map(|w| segment_distance(p, w[0], w[1]))
            .fold(f64::INFINITY, f64::min)
    }

    /// A wiggly line of `n` vertices across about a degree near Gwadar.
    fn wiggly_line(n: usize) -> Vec<WorldPos> {
        (0..n)
            .map(|i| {
                let t = i as f64 / n as f64;
                crate::model::view::LonLat::new(
                    62.0 + t,
                    25.0 + 0.01 * (t * 400.0).sin() + 0.002 * (t * 9000.0).cos(),
                )
                .to_world()
            })
            .collect()
    }

    #[test]
    fn every_level_stays_within_half_a_pixel_and_has_fewer_vertices() {
        let line = wiggly_line(5000);
        let levels = build_levels(&[Part::Line(line.clone())]);
        assert_eq!(levels.len(), LEVEL_ZOOMS.len());
        let mut previous = usize::MAX;
        for (level, zoom) in levels.iter().zip(LEVEL_ZOOMS) {
            let LodPart::Line(simple) = &level[0] else {
                panic!("a line stays a line at zoom {zoom}");
            };
            let half_pixel = 0.5 / (TILE_SIZE_PX * zoom.exp2());
            let worst = line
                .iter()
                .map(|p| distance_to_path(*p, simple))
                .fold(0.0, f64::max);
            assert!(
                worst <= half_pixel,
                "zoom {zoom}: {:.3} px off",
                worst / half_pixel * 0.5
            );
            assert!(simple.len() <= previous.max(simple.len()));
            previous = simple.len();
        }
        let LodPart::Line(coarsest) = &levels[0][0] else {
            panic!("a line");
        };
        assert!(
            coarsest.len() < line.len() / 20,
            "{} vertices",
            coarsest.len()
        );
    }

    #[test]
    fn tiny_features_become_dots_and_polygons_are_retriangulated() {
        // A 50 m square: under a pixel at zoom 3–9, a polygon from zoom 11 on.
        let a = crate::model::view::LonLat::new(67.0, 24.9).to_world();
        let d = 50.0 / 40_075_016.7;
        let ring = vec![
            a,
            WorldPos::new(a.x + d, a.y),
            WorldPos::new(a.x + d, a.y + d),
            WorldPos::new(a.x, a.y + d),
        ];
        let poly = WorldPolygon {
            triangles: triangulate(std::slice::from_ref(&ring)),
            rings: vec![ring],
        };
        let levels = build_levels(&[Part::Polygon(poly)]);
        assert!(matches!(levels[0][0], LodPart::Dot(_)));
        assert!(matches!(levels[3][0], LodPart::Dot(_)), "zoom 9");
        let LodPart::Polygon(p) = &levels[5][0] else {
            panic!("a polygon at zoom 13");
        };
        assert_eq!(p.triangles.len(), 6);
        assert_eq!(level_for_zoom(2.0), Some(0));
        assert_eq!(level_for_zoom(5.7), Some(2));
        assert_eq!(level_for_zoom(13.0), Some(5));
        assert_eq!(level_for_zoom(13.5), None);
        // Points have no levels.
        assert!(build_levels(&[Part::Point(a)]).is_empty());
    }
}
