//! Level of detail as ranks: for every vertex of a feature's lines and rings, the coarsest
//! zoom at which it is drawn — one byte a vertex, not a simplified copy per zoom.
//!
//! The level for zoom `z` (each whole zoom from [`COARSEST_ZOOM`] to [`FINEST_ZOOM`]) is
//! drawn at zooms up to `z` and keeps the vertices whose rank is at most `z`: those whose
//! Douglas–Peucker importance (the largest tolerance that keeps them, computed once per line
//! or ring) exceeds half a pixel at `z`. That is exactly Douglas–Peucker at that tolerance on
//! the original, with no error piling up from level to level. A line or ring smaller than a
//! pixel at `z` has all its vertices ranked above `z`: a hole that small is left out, and a
//! line or outer ring that small is drawn as a dot. Above the finest level the full geometry
//! is drawn. Polygons simplified this way are triangulated when drawn as a mesh (small data);
//! the path rasteriser fills their rings and never needs triangles.

use super::view::{TILE_SIZE_PX, WorldPos, WorldRect};
use super::world_path::PathView;

/// The zoom of the coarsest level.
pub const COARSEST_ZOOM: u8 = 2;
/// The zoom of the finest level.
pub const FINEST_ZOOM: u8 = 14;
/// The rank of a vertex drawn only at full detail.
pub const FULL_ONLY: u8 = FINEST_ZOOM + 1;

/// The tolerance of a level, in world units: half a pixel at `zoom`.
pub fn tolerance(zoom: f64) -> f64 {
    0.5 / (TILE_SIZE_PX * zoom.exp2())
}

/// The level drawn at `zoom`: the coarsest whole zoom at least it, or `None` (full detail)
/// beyond the finest.
pub fn level_for_zoom(zoom: f64) -> Option<u8> {
    if zoom > f64::from(FINEST_ZOOM) + 1e-9 {
        return None;
    }
    let z = (zoom - 1e-9).ceil().max(f64::from(COARSEST_ZOOM));
    Some(z as u8)
}

/// The ranks of a line's vertices (`ring`: a polygon ring, simplified as a closed path), each
/// the coarsest level that keeps it, appended to `out`.
pub fn push_ranks(points: &[WorldPos], ring: bool, out: &mut Vec<u8>) {
    let imp = if ring {
        ring_importance(points)
    } else {
        importance(points)
    };
    // Each level's tolerance, finest last.
    let tolerances: [f64; (FINEST_ZOOM - COARSEST_ZOOM + 1) as usize] =
        std::array::from_fn(|i| tolerance(f64::from(COARSEST_ZOOM) + i as f64));
    // The first level at which the whole path is at least a pixel across.
    let extent = WorldRect::from_points(points.iter().copied())
        .map_or(0.0, |b| (b.max.x - b.min.x).max(b.max.y - b.min.y));
    let from = tolerances
        .iter()
        .position(|&t| extent >= 2.0 * t)
        .map_or(FULL_ONLY, |i| COARSEST_ZOOM + i as u8);
    out.extend(imp.iter().map(|&i| {
        let rank = tolerances
            .iter()
            .position(|&t| i > t)
            .map_or(FULL_ONLY, |k| COARSEST_ZOOM + k as u8);
        rank.max(from)
    }));
}

/// A line or ring as drawn at some level: its vertices whose rank is at most the level (all
/// of them at full detail).
#[derive(Clone, Copy, Debug)]
pub struct Kept<'a> {
    points: PathView<'a>,
    /// One per point; `None` at full detail.
    ranks: Option<&'a [u8]>,
    level: u8,
}

impl<'a> Kept<'a> {
    /// All of `points`.
    pub fn full(points: PathView<'a>) -> Self {
        Self {
            points,
            ranks: None,
            level: FULL_ONLY,
        }
    }

    /// The vertices of `points` (with their `ranks`) kept at `level`.
    pub fn at(points: PathView<'a>, ranks: &'a [u8], level: u8) -> Self {
        Self {
            points,
            ranks: Some(ranks).filter(|r| r.len() == points.len()),
            level,
        }
    }

    /// The vertices kept, in order.
    pub fn iter(&self) -> impl Iterator<Item = WorldPos> + 'a {
        let (points, ranks, level) = (self.points, self.ranks, self.level);
        points
            .iter()
            .enumerate()
            .filter(move |(i, _)| ranks.is_none_or(|r| r[*i] <= level))
            .map(|(_, p)| p)
    }

    /// How many are kept.
    pub fn count(&self) -> usize {
        match self.ranks {
            None => self.points.len(),
            Some(r) => r.iter().filter(|&&x| x <= self.level).count(),
        }
    }

    /// Whether every vertex is kept (the stored geometry itself is drawn).
    pub fn is_full(&self) -> bool {
        self.ranks.is_none()
    }

    /// The centre of the whole line's or ring's box (where it is drawn as a dot).
    pub fn centre(&self) -> WorldPos {
        WorldRect::from_points(self.points.iter()).map_or(WorldPos::new(0.0, 0.0), |b| b.center())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::world_path::WorldPath;

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
        let mut ranks = Vec::new();
        push_ranks(&line, false, &mut ranks);
        assert_eq!(ranks.len(), line.len(), "one byte a vertex");
        let path = WorldPath::new(&line);
        let mut previous = 0;
        for zoom in [2.0, 3.5, 5.0, 7.2, 9.0, 11.0, 13.0, 14.0] {
            let level = level_for_zoom(zoom).expect("a level up to the finest");
            let simple: Vec<WorldPos> = Kept::at(path.view(), &ranks, level).iter().collect();
            let half_pixel = 0.5 / (TILE_SIZE_PX * f64::exp2(zoom));
            let worst = line
                .iter()
                .map(|p| distance_to_path(*p, &simple))
                .fold(0.0, f64::max);
            assert!(
                worst <= half_pixel,
                "zoom {zoom}: {:.3} px off",
                worst / half_pixel * 0.5
            );
            assert!(simple.len() >= previous, "finer as the zoom grows");
            previous = simple.len();
        }
        let coarsest = Kept::at(path.view(), &ranks, COARSEST_ZOOM).count();
        assert!(coarsest < line.len() / 20, "{coarsest} vertices");
        assert!(
            level_for_zoom(14.5).is_none(),
            "full detail beyond the finest"
        );
    }

    #[test]
    fn importance_gives_exactly_geos_douglas_peucker() {
        use geo::Simplify;
        let line = wiggly_line(3000);
        let mut ranks = Vec::new();
        push_ranks(&line, false, &mut ranks);
        let ls: geo::LineString<f64> = line
            .iter()
            .map(|p| geo::coord! { x: p.x, y: p.y })
            .collect();
        let path = WorldPath::new(&line);
        for zoom in [4u8, 7, 10, 13] {
            let tol = tolerance(f64::from(zoom));
            // The same vertices, as stored (on a grid of 2⁻³⁰ of the world: within 1e-9).
            let ours: Vec<WorldPos> = Kept::at(path.view(), &ranks, zoom).iter().collect();
            let geos: Vec<geo::Coord<f64>> = ls.simplify(tol).coords().copied().collect();
            assert_eq!(ours.len(), geos.len(), "zoom {zoom}");
            for (o, g) in ours.iter().zip(&geos) {
                assert!(
                    (o.x - g.x).abs() < 1e-9 && (o.y - g.y).abs() < 1e-9,
                    "zoom {zoom}"
                );
            }
        }
    }

    #[test]
    fn paths_under_a_pixel_keep_no_vertex_until_they_are_a_pixel_wide() {
        // A 50 m square: under a pixel up to zoom 11, drawn from zoom 12 (about 1.3 px).
        let a = crate::model::view::LonLat::new(67.0, 24.9).to_world();
        let d = 50.0 / 40_075_016.7;
        let ring = vec![
            a,
            WorldPos::new(a.x + d, a.y),
            WorldPos::new(a.x + d, a.y + d),
            WorldPos::new(a.x, a.y + d),
        ];
        let mut ranks = Vec::new();
        push_ranks(&ring, true, &mut ranks);
        let ring = WorldPath::new(&ring);
        assert_eq!(Kept::at(ring.view(), &ranks, 3).count(), 0);
        assert_eq!(Kept::at(ring.view(), &ranks, 9).count(), 0, "zoom 9");
        assert_eq!(
            Kept::at(ring.view(), &ranks, 12).count(),
            4,
            "whole from zoom 12"
        );
        let c = Kept::at(ring.view(), &ranks, 3).centre();
        assert!((c.x - (a.x + d / 2.0)).abs() < 1e-9);
    }
}
