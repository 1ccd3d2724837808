//! A line or ring in world space, stored compactly: each vertex as two 32-bit fixed-point
//! numbers, 2³⁰ units to the world's width. A vertex takes 8 bytes instead of 16; the grid
//! is 3.7 cm on the ground at the equator (a pixel at zoom 22), and is the same for every
//! path, so a vertex two polygons share is stored alike in both (shared borders still match
//! exactly). World x may run from −2 to 2 (lines continued across the antimeridian leave 0–1).

use super::view::{WorldPos, WorldRect};

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
        Self {
            points: points.iter().map(|p| fixed(*p)).collect(),
        }
    }

    /// Its vertices, borrowed.
    pub fn view(&self) -> PathView<'_> {
        PathView {
            points: &self.points,
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
        self.view().get(i)
    }

    /// The first vertex.
    pub fn first(&self) -> Option<WorldPos> {
        self.get(0)
    }

    /// The vertices, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = WorldPos> + Clone + '_ {
        self.view().iter()
    }

    /// The vertices as a plain list.
    pub fn to_vec(&self) -> Vec<WorldPos> {
        self.iter().collect()
    }
}

/// A run of stored vertices, borrowed: a whole path, or one ring of a polygon whose rings
/// share one path (see [`super::layer::WorldAreas`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PathView<'a> {
    points: &'a [[i32; 2]],
}

impl<'a> PathView<'a> {
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
    pub fn iter(self) -> impl ExactSizeIterator<Item = WorldPos> + Clone + 'a {
        self.points.iter().map(|p| world(*p))
    }

    /// The vertices from `start` to `end` (exclusive); empty where the range falls outside.
    pub fn slice(&self, start: usize, end: usize) -> PathView<'a> {
        PathView {
            points: self.points.get(start..end).unwrap_or_default(),
        }
    }
}

/// Vertices gathered into one path, a run at a time (the rings of polygons that share one).
#[derive(Debug, Default)]
pub struct PathBuilder {
    points: Vec<[i32; 2]>,
}

impl PathBuilder {
    /// `points` appended, each rounded to the grid.
    pub fn extend(&mut self, points: &[WorldPos]) {
        self.points.extend(points.iter().map(|p| fixed(*p)));
    }

    /// How many vertices it holds.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The path of every vertex appended, in order.
    pub fn finish(self) -> WorldPath {
        WorldPath {
            points: self.points.into_boxed_slice(),
        }
    }
}

/// A box on the same grid, in 16 bytes (a [`WorldRect`] takes 32): rounded outward, so it
/// holds everything the box it was made from holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GridRect {
    min: [i32; 2],
    max: [i32; 2],
}

impl GridRect {
    /// No box: what a feature without geometry has (in 16 bytes, where an `Option` takes 20).
    pub const EMPTY: Self = Self {
        min: [i32::MAX; 2],
        max: [i32::MIN; 2],
    };

    /// The box, `None` for [`GridRect::EMPTY`].
    pub fn non_empty(self) -> Option<Self> {
        (self.min[0] <= self.max[0] && self.min[1] <= self.max[1]).then_some(self)
    }

    /// The grid's smallest box around `rect`.
    pub fn around(rect: WorldRect) -> Self {
        Self {
            min: [
                on_grid(rect.min.x, f64::floor),
                on_grid(rect.min.y, f64::floor),
            ],
            max: [
                on_grid(rect.max.x, f64::ceil),
                on_grid(rect.max.y, f64::ceil),
            ],
        }
    }

    /// The box in world units.
    pub fn rect(self) -> WorldRect {
        WorldRect {
            min: world(self.min),
            max: world(self.max),
        }
    }
}

/// A world position on the grid.
fn fixed(p: WorldPos) -> [i32; 2] {
    [on_grid(p.x, f64::round), on_grid(p.y, f64::round)]
}

/// A world coordinate in grid units, rounded by `round`.
fn on_grid(v: f64, round: fn(f64) -> f64) -> i32 {
    round(v * UNITS).clamp(i32::MIN as f64, i32::MAX as f64) as i32
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

    #[test]
    fn a_grid_box_holds_the_box_it_was_made_round() {
        let gwadar = LonLat::new(62.3254, 25.1264).to_world();
        let khunjerab = LonLat::new(75.4219, 36.8500).to_world();
        for rect in [
            WorldRect::from_points([gwadar, khunjerab]).expect("a box"),
            WorldRect::from_points([gwadar]).expect("a point's box"),
            WorldRect::from_points([WorldPos::new(-0.7, 0.2), WorldPos::new(1.9, 0.3)])
                .expect("across the antimeridian"),
        ] {
            let back = GridRect::around(rect).rect();
            assert!(
                back.min.x <= rect.min.x && back.min.y <= rect.min.y,
                "{back:?}"
            );
            assert!(
                back.max.x >= rect.max.x && back.max.y >= rect.max.y,
                "{back:?}"
            );
            // Within one grid unit (3.7 cm) of it.
            let unit = 1.0 / UNITS;
            assert!(rect.min.x - back.min.x <= unit && back.max.y - rect.max.y <= unit);
        }
    }
}
