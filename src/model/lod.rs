//! Level of detail: simplified copies of a feature's lines and areas, one per zoom step, so the
//! vertices drawn in a frame are bounded by what the screen can show.
//!
//! There is a level for every whole zoom from [`COARSEST_ZOOM`] to [`FINEST_ZOOM`]; the level
//! for zoom `z` is drawn at zooms up to `z`, simplified by Douglas–Peucker with a tolerance of
//! half a pixel at `z`. Douglas–Peucker is run once per line or ring to give every vertex its
//! importance (the largest tolerance that keeps it); a level keeps the vertices more important
//! than its tolerance, which is exactly Douglas–Peucker at that tolerance on the original, with
//! no error piling up from level to level. A polygon is triangulated once per level, the first
//! time that level is drawn. A line or area smaller than a pixel at the level's zoom becomes a
//! dot. A level that
//! would keep most of the finer one's vertices is not stored (the finer one is drawn instead),
//! so detailed data costs little extra memory. Above the finest level the full geometry is
//! drawn.

use super::layer::{Part, WorldPolygon};
use super::view::{TILE_SIZE_PX, WorldPos, WorldRect};

/// The zoom of the coarsest level.
pub const COARSEST_ZOOM: u8 = 2;
/// The zoom of the finest level.
pub const FINEST_ZOOM: u8 = 14;
/// A level is stored only when it has at most this share of the finer level's vertices.
const KEEP_BELOW: f64 = 0.5;

/// One stored level.
#[derive(Clone, Debug, PartialEq)]
pub struct Level {
    /// The zoom it is made for: drawn at zooms up to this one.
    pub zoom: u8,
    /// What it draws.
    pub parts: Vec<LodPart>,
}

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

/// The tolerance of a level, in world units: half a pixel at `zoom`.
pub fn tolerance(zoom: f64) -> f64 {
    0.5 / (TILE_SIZE_PX * zoom.exp2())
}

/// The level to draw at `zoom` among `levels` (coarsest first): the coarsest whose zoom is at
/// least it; `None` for the full geometry.
pub fn level_for_zoom(levels: &[Level], zoom: f64) -> Option<&Level> {
    levels.iter().find(|l| f64::from(l.zoom) >= zoom - 1e-9)
}

/// A line or ring with the importance of each vertex.
enum Ranked<'a> {
    Line(&'a [WorldPos], Vec<f64>),
    /// Rings of one polygon (outer first), each with its importances.
    Polygon(Vec<(&'a [WorldPos], Vec<f64>)>),
}

impl Ranked<'_> {
    /// The larger side of the line's or outer ring's box, in world units.
    fn extent(&self) -> f64 {
        let points = match self {
            Ranked::Line(points, _) => *points,
            Ranked::Polygon(rings) => rings.first().map(|(r, _)| *r).unwrap_or_default(),
        };
        WorldRect::from_points(points.iter().copied())
            .map_or(0.0, |b| (b.max.x - b.min.x).max(b.max.y - b.min.y))
    }

    /// Vertices drawn at tolerance `tol`, where a part smaller than `pixel` is one dot.
    fn count_at(&self, extent: f64, pixel: f64, tol: f64) -> usize {
        if extent < pixel {
            return 1;
        }
        let above = |imp: &[f64]| imp.iter().filter(|&&i| i > tol).count();
        match self {
            Ranked::Line(_, imp) => above(imp),
            Ranked::Polygon(rings) => rings.iter().map(|(_, imp)| above(imp)).sum(),
        }
    }
}

/// Build the levels for the lines and areas among `parts` (points are always drawn whole),
/// coarsest first; empty when there is nothing to simplify.
pub fn build_levels(parts: &[Part]) -> Vec<Level> {
    let ranked: Vec<Ranked<'_>> = parts
        .iter()
        .filter_map(|p| match p {
            Part::Point(_) => None,
            Part::Line(l) => Some(Ranked::Line(l, importance(l))),
            Part::Polygon(poly) => Some(Ranked::Polygon(
                poly.rings
                    .iter()
                    .map(|r| (r.as_slice(), ring_importance(r)))
                    .collect(),
            )),
        })
        .collect();
    if ranked.is_empty() {
        return Vec::new();
    }
    let extents: Vec<f64> = ranked.iter().map(Ranked::extent).collect();
    let mut stored_count: usize = parts
        .iter()
        .map(|p| match p {
            Part::Point(_) => 0,
            Part::Line(l) => l.len(),
            Part::Polygon(poly) => poly.rings.iter().map(Vec::len).sum(),
        })
        .sum();
    let mut levels: Vec<Level> = Vec::new();
    for zoom in (COARSEST_ZOOM..=FINEST_ZOOM).rev() {
        let tol = tolerance(f64::from(zoom));
        // Count first: most levels of detailed data are not worth storing.
        let count: usize = ranked
            .iter()
            .zip(&extents)
            .map(|(r, &extent)| r.count_at(extent, 2.0 * tol, tol))
            .sum();
        if (count as f64) > KEEP_BELOW * stored_count as f64 {
            continue;
        }
        stored_count = count;
        let parts = ranked
            .iter()
            .map(|r| level_part(r, 2.0 * tol, tol))
            .collect();
        levels.push(Level { zoom, parts });
    }
    levels.reverse();
    levels
}

/// One part at one level: a dot when smaller than `pixel`, else its vertices above `tol`.
fn level_part(ranked: &Ranked<'_>, pixel: f64, tol: f64) -> LodPart {
    let keep = |points: &[WorldPos], imp: &[f64]| -> Vec<WorldPos> {
        let mut kept: Vec<WorldPos> = points
            .iter()
            .zip(imp)
            .filter(|&(_, &i)| i > tol)
            .map(|(p, _)| *p)
            .collect();
        kept.shrink_to_fit();
        kept
    };
    match ranked {
        Ranked::Line(points, imp) => match sub_pixel(points.iter(), pixel) {
            Some(dot) => LodPart::Dot(dot),
            None => LodPart::Line(keep(points, imp)),
        },
        Ranked::Polygon(rings) => {
            let outer = rings.first().map(|(r, _)| *r).unwrap_or_default();
            if let Some(dot) = sub_pixel(outer.iter(), pixel) {
                return LodPart::Dot(dot);
            }
            // Holes smaller than a pixel are dropped.
            let kept: Vec<Vec<WorldPos>> = rings
                .iter()
                .enumerate()
                .filter(|(i, (r, _))| *i == 0 || sub_pixel(r.iter(), pixel).is_none())
                .map(|(_, (r, imp))| keep(r, imp))
                .filter(|r| r.len() >= 3)
                .collect();
            if kept.is_empty() {
                return LodPart::Dot(centre(outer.iter()));
            }
            LodPart::Polygon(WorldPolygon::new(kept))
        }
    }
}

/// Douglas–Peucker importance of each vertex of a line: the largest tolerance at which the
/// algorithm keeps it (the ends are always kept). It equals geo's `simplify` at every tolerance
/// (tested).
pub fn importance(points: &[WorldPos]) -> Vec<f64> {
    let n = points.len();
    let mut imp = vec![0.0; n];
    if n == 0 {
        return imp;
    }
    imp[0] = f64::INFINITY;
    imp[n - 1] = f64::INFINITY;
    // Squared distances are compared (the same order, no square root per vertex and split);
    // each vertex's importance is rooted once at the end.
    let mut stack = vec![(0, n - 1, f64::INFINITY)];
    while let Some((i, j, cap)) = stack.pop() {
        if j <= i + 1 {
            continue;
        }
        let (a, b) = (points[i], points[j]);
        let (mut k, mut far) = (i + 1, -1.0);
        for (m, p) in points.iter().enumerate().take(j).skip(i + 1) {
            let d = segment_distance_squared(*p, a, b);
            if d >= far {
                (k, far) = (m, d);
            }
        }
        // A vertex is only reached if the split above it happened.
        let v = far.min(cap);
        imp[k] = v;
        stack.push((i, k, v));
        stack.push((k, j, v));
    }
    for v in &mut imp {
        *v = v.sqrt();
    }
    imp
}

/// Squared Euclidean distance from `p` to the segment `a`–`b`.
fn segment_distance_squared(p: WorldPos, a: WorldPos, b: WorldPos) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
    };
    let (ex, ey) = (p.x - a.x - t * dx, p.y - a.y - t * dy);
    ex * ex + ey * ey
}

/// Importance of the vertices of an open ring, simplified as a closed path from its first
/// vertex round to it again (the first vertex is always kept).
fn ring_importance(ring: &[WorldPos]) -> Vec<f64> {
    let mut closed = ring.to_vec();
    if let Some(&first) = ring.first() {
        closed.push(first);
    }
    let mut imp = importance(&closed);
    imp.pop();
    imp
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance from `p` to a path, by geo.
    fn distance_to_path(p: WorldPos, path: &[WorldPos]) -> f64 {
        use geo::{Distance, Euclidean};
        let coord = |p: WorldPos| geo::coord! { x: p.x, y: p.y };
        path.windows(2)
            .map(|w| Euclidean.distance(coord(p), &geo::Line::new(coord(w[0]), coord(w[1]))))
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
    fn every_zoom_stays_within_half_a_pixel_with_fewer_vertices_when_zoomed_out() {
        let line = wiggly_line(5000);
        let levels = build_levels(&[Part::Line(line.clone())]);
        assert!(levels.len() >= 3, "{} levels", levels.len());
        let mut previous = 0;
        for zoom in COARSEST_ZOOM..=FINEST_ZOOM {
            let zoom = f64::from(zoom);
            let Some(level) = level_for_zoom(&levels, zoom) else {
                continue; // full detail
            };
            let LodPart::Line(simple) = &level.parts[0] else {
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
            assert!(simple.len() >= previous, "finer as the zoom grows");
            previous = simple.len();
        }
        let LodPart::Line(coarsest) = &levels[0].parts[0] else {
            panic!("a line");
        };
        assert!(
            coarsest.len() < line.len() / 20,
            "{} vertices",
            coarsest.len()
        );
    }

    #[test]
    fn importance_gives_exactly_geos_douglas_peucker() {
        use geo::Simplify;
        let line = wiggly_line(3000);
        let imp = importance(&line);
        let ls: geo::LineString<f64> = line
            .iter()
            .map(|p| geo::coord! { x: p.x, y: p.y })
            .collect();
        for zoom in [4.0, 7.0, 10.0, 13.0] {
            let tol = tolerance(zoom);
            let ours: Vec<(f64, f64)> = line
                .iter()
                .zip(&imp)
                .filter(|&(_, &i)| i > tol)
                .map(|(p, _)| (p.x, p.y))
                .collect();
            let geos: Vec<(f64, f64)> = ls.simplify(tol).coords().map(|c| (c.x, c.y)).collect();
            assert_eq!(ours, geos, "zoom {zoom}");
        }
    }

    #[test]
    fn tiny_features_become_dots_and_polygons_are_retriangulated() {
        // A 50 m square: under a pixel up to zoom 10 or so, a polygon from zoom 13 on.
        let a = crate::model::view::LonLat::new(67.0, 24.9).to_world();
        let d = 50.0 / 40_075_016.7;
        let ring = vec![
            a,
            WorldPos::new(a.x + d, a.y),
            WorldPos::new(a.x + d, a.y + d),
            WorldPos::new(a.x, a.y + d),
        ];
        let poly = WorldPolygon::new(vec![ring]);
        let levels = build_levels(&[Part::Polygon(poly)]);
        let at = |z: f64| &level_for_zoom(&levels, z).expect("a level").parts[0];
        assert!(matches!(at(3.0), LodPart::Dot(_)));
        assert!(matches!(at(9.0), LodPart::Dot(_)), "zoom 9");
        // From about 1.3 px wide (zoom 12) it is drawn whole: no level repeats the square.
        assert_eq!(levels.len(), 1, "one dot level only");
        assert!(level_for_zoom(&levels, 12.0).is_none(), "full detail");
        // Points have no levels.
        assert!(build_levels(&[Part::Point(a)]).is_empty());
    }
}
