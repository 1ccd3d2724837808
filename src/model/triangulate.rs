//! Polygon triangulation (ear clipping with earcutr), in world space.
//!
//! epaint fills a path as a triangle fan, which is wrong for concave shapes; a triangulated
//! mesh fills any simple polygon with holes correctly. Areas filled every frame (the
//! basemap's) are triangulated once ([`FilledArea`]); a layer's polygons when drawn as a mesh.

use super::layer::{Feature, Part};
use super::view::{WorldPos, WorldRect};

/// One polygon with its triangles, made once: an area filled every frame (the basemap's land
/// and water), where triangulating it as it is drawn would cost every frame.
#[derive(Clone, Debug)]
pub struct FilledArea {
    /// Its box in world space (to pass over it out of view).
    pub bbox: WorldRect,
    /// Its rings' vertices, outer ring then holes.
    pub points: Box<[WorldPos]>,
    /// Triangle indices into `points`.
    pub triangles: Box<[u32]>,
}

impl FilledArea {
    /// Every polygon of `features`, triangulated.
    pub fn of(features: &[Feature]) -> Vec<Self> {
        let areas = features
            .iter()
            .flat_map(|f| &f.parts)
            .filter_map(|part| match part {
                Part::Areas(areas) => Some(areas),
                _ => None,
            });
        areas
            .flat_map(|a| a.polygons())
            .filter_map(|polygon| {
                let rings: Vec<Vec<WorldPos>> =
                    polygon.rings().map(|r| r.iter().collect()).collect();
                let points: Box<[WorldPos]> = rings.concat().into_boxed_slice();
                Some(Self {
                    bbox: WorldRect::from_points(points.iter().copied())?,
                    triangles: triangulate(&rings).into_boxed_slice(),
                    points,
                })
            })
            .collect()
    }
}

/// Triangle indices into the concatenation of `rings` (outer ring first, then holes; rings open,
/// without the closing vertex). Empty when the rings cannot be triangulated (degenerate input):
/// the outline is then still drawn.
pub fn triangulate(rings: &[Vec<WorldPos>]) -> Vec<u32> {
    let vertex_count: usize = rings.iter().map(Vec::len).sum();
    if rings.first().is_none_or(|outer| outer.len() < 3) || vertex_count > u32::MAX as usize {
        return Vec::new();
    }
    let mut flat = Vec::with_capacity(vertex_count * 2);
    let mut hole_starts = Vec::with_capacity(rings.len().saturating_sub(1));
    for (i, ring) in rings.iter().enumerate() {
        if i > 0 {
            hole_starts.push(flat.len() / 2);
        }
        for p in ring {
            flat.push(p.x);
            flat.push(p.y);
        }
    }
    match earcutr::earcut(&flat, &hole_starts, 2) {
        Ok(indices) => indices.into_iter().map(|i| i as u32).collect(),
        Err(_) => Vec::new(),
    }
}

/// Drop the closing vertex of a ring if it repeats the first one.
pub fn open_ring(mut ring: Vec<WorldPos>) -> Vec<WorldPos> {
    if ring.len() > 1 && ring.first() == ring.last() {
        ring.pop();
    }
    ring
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(points: &[(f64, f64)]) -> Vec<WorldPos> {
        points.iter().map(|&(x, y)| WorldPos::new(x, y)).collect()
    }

    fn area(tris: &[u32], rings: &[Vec<WorldPos>]) -> f64 {
        let all: Vec<WorldPos> = rings.concat();
        tris.chunks(3)
            .map(|t| {
                let (a, b, c) = (all[t[0] as usize], all[t[1] as usize], all[t[2] as usize]);
                ((b.x - a.x) * (c.y - a.y) - (c.x - a.x) * (b.y - a.y)).abs() / 2.0
            })
            .sum()
    }

    #[test]
    fn concave_polygon_is_covered_exactly() {
        // An L shape: a triangle fan from the first vertex would cover the notch.
        let l = vec![ring(&[
            (0.0, 0.0),
            (2.0, 0.0),
            (2.0, 1.0),
            (1.0, 1.0),
            (1.0, 2.0),
            (0.0, 2.0),
        ])];
        let tris = triangulate(&l);
        assert_eq!(tris.len(), 4 * 3);
        assert!((area(&tris, &l) - 3.0).abs() < 1e-12);
    }

    #[test]
    fn holes_are_left_empty() {
        let rings = vec![
            ring(&[(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0)]),
            ring(&[(1.0, 1.0), (3.0, 1.0), (3.0, 3.0), (1.0, 3.0)]),
        ];
        let tris = triangulate(&rings);
        assert!((area(&tris, &rings) - 12.0).abs() < 1e-12);
    }

    #[test]
    fn degenerate_input_gives_no_triangles() {
        assert!(triangulate(&[ring(&[(0.0, 0.0), (1.0, 1.0)])]).is_empty());
        assert!(triangulate(&[]).is_empty());
        assert_eq!(
            open_ring(ring(&[(0.0, 0.0), (1.0, 0.0), (0.0, 0.0)])).len(),
            2
        );
    }
}
