//! A line or ring in world space, stored compactly: each vertex as two 32-bit fixed-point
//! numbers, 2³⁰ units to the world's width. A vertex takes 8 bytes instead of 16; the grid
//! is 3.7 cm on the ground at the equator (a pixel at zoom 22), and is the same for every
//! path, so a vertex two polygons share is stored alike in both (shared borders still match
//! exactly). World x may run from −2 to 2 (lines continued across the antimeridian leave 0–1).

use super::view::WorldPos;

/// Fixed-point units to one world unit.
const UNITS: f64 = (1u32 << 30) as f64;

/// A sequence of world positions, at 8 bytes each.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct WorldPath {
    /// Each vertex in fixed-point world units.
    points: Box<[[i32; 2]]>,
}

impl WorldPath {
    /// The path through `points`, in order, each rounded to the grid.
    pub fn new(points: &[WorldPos]) -> Self {
        let fixed = |v: f64| (v * UNITS).round().clamp(i32::MIN as f64, i32::MAX as f64) as i32;
        Self {
            points: points.iter().map(|p| [fixed(p.x), fixed(p.y)]).collect(),
        }
    }

    /// How many vertices it has.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether it has none.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The vertex at `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<WorldPos> {
        self.points.get(i).map(|p| world(*p))
    }

    /// The first vertex.
    pub fn first(&self) -> Option<WorldPos> {
        self.get(0)
    }

    /// The vertices, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = WorldPos> + Clone + '_ {
        self.points.iter().map(|p| world(*p))
    }

    /// The vertices as a plain list.
    pub fn to_vec(&self) -> Vec<WorldPos> {
        self.iter().collect()
    }
}

fn world([x, y]: [i32; 2]) -> WorldPos {
    WorldPos::new(f64::from(x) / UNITS, f64::from(y) / UNITS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::view::LonLat;

    #[test]
    fn vertices_come_back_within_two_centimetres_and_shared_ones_alike() {
        // Khunjerab to Gwadar, and a line continued across the antimeridian (x beyond 1).
        let points: Vec<WorldPos> = (0..=1000)
            .map(|i| {
                let t = f64::from(i) / 1000.0;
                LonLat::new(
                    75.42 - 13.09 * t,
                    36.85 - 11.73 * t + (t * 40.0).sin() * 0.3,
                )
                .to_world()
            })
            .chain([WorldPos::new(1.2, 0.4), WorldPos::new(-0.7, 0.9)])
            .collect();
        let path = WorldPath::new(&points);
        assert_eq!(path.len(), points.len());
        let metres_per_world_unit = 40_075_016.7;
        for (stored, given) in path.iter().zip(&points) {
            let error = (stored.x - given.x).abs().max((stored.y - given.y).abs());
            assert!(error * metres_per_world_unit < 0.02, "{error}");
        }
        // The same vertex in another path (here, its own tail) is stored identically.
        let tail = WorldPath::new(&points[500..]);
        assert_eq!(tail.first(), path.get(500));
        assert_eq!(path.to_vec().len(), points.len());
        assert!(WorldPath::new(&[]).is_empty());
    }
}
