//! Per-layer spatial index of feature bounding boxes (an R*-tree), queried with the visible
//! area for culling and with a small box around the cursor for hit-testing.

use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use super::hit_test::feature_distance;
use super::layer::{Feature, Layer};
use super::view::{WorldPos, WorldRect};

/// A feature's box in single precision, rounded outward (it holds the feature's box; at most
/// 2.4 m more round), with the feature's index: 20 bytes where 64-bit numbers take 40, and
/// the tree's nodes a third smaller.
type Entry = GeomWithData<Rectangle<[f32; 2]>, u32>;

/// `rect` in single precision, rounded outward.
fn envelope(rect: WorldRect) -> ([f32; 2], [f32; 2]) {
    let down = |v: f64| {
        let f = v as f32;
        if f64::from(f) > v { f.next_down() } else { f }
    };
    let up = |v: f64| {
        let f = v as f32;
        if f64::from(f) < v { f.next_up() } else { f }
    };
    (
        [down(rect.min.x), down(rect.min.y)],
        [up(rect.max.x), up(rect.max.y)],
    )
}

/// Bounding boxes of a layer's located features, by feature index.
#[derive(Debug, Default)]
pub struct FeatureIndex {
    tree: RTree<Entry>,
}

impl FeatureIndex {
    /// Bulk-load the index from the features' world-space boxes.
    pub fn build(features: &[Feature]) -> Self {
        let entries = features
            .iter()
            .enumerate()
            .filter_map(|(i, f)| {
                let (min, max) = envelope(f.bbox()?);
                Some(Entry::new(
                    Rectangle::from_corners(min, max),
                    u32::try_from(i).ok()?,
                ))
            })
            .collect();
        Self {
            tree: RTree::bulk_load(entries),
        }
    }

    /// Indices of features whose box meets `rect`, in no particular order.
    pub fn query(&self, rect: WorldRect) -> impl Iterator<Item = usize> + '_ {
        let (min, max) = envelope(rect);
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_corners(min, max))
            .map(|e| e.data as usize)
    }
}

/// One feature under the cursor.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    /// Index of the feature in its layer.
    pub feature: usize,
    /// Distance from the cursor, in world units (0 inside a polygon).
    pub distance: f64,
}

/// Features of `layer` within `tol` of `p` (points within `tol + point_radius`), nearest first.
pub fn hit_test_layer(layer: &Layer, p: WorldPos, tol: f64, point_radius: f64) -> Vec<Hit> {
    let reach = tol + point_radius;
    let probe = WorldRect { min: p, max: p }.expand(reach);
    let mut hits: Vec<Hit> = layer
        .index
        .query(probe)
        .filter_map(|i| {
            feature_distance(&layer.features[i], p, tol, point_radius).map(|distance| Hit {
                feature: i,
                distance,
            })
        })
        .collect();
    hits.sort_by(|a, b| {
        a.distance
            .total_cmp(&b.distance)
            .then(a.feature.cmp(&b.feature))
    });
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layer::LayerOrigin;
    use crate::model::style::LayerStyle;
    use crate::model::view::LonLat;
    use geo::{line_string, point};
    use serde_json::Map;

    fn layer() -> Layer {
        let features = vec![
            Feature::new(
                "Gwadar Port",
                Map::new(),
                Some(point!(x: 62.3396, y: 25.1105).into()),
            ),
            Feature::new(
                "Gwadar city",
                Map::new(),
                Some(point!(x: 62.3225, y: 25.12639).into()),
            ),
            Feature::new(
                "Karachi",
                Map::new(),
                Some(point!(x: 67.0104, y: 24.8608).into()),
            ),
            Feature::new(
                "road",
                Map::new(),
                Some(line_string![(x: 62.0, y: 25.5), (x: 67.0, y: 25.5)].into()),
            ),
            Feature::new("unsited", Map::new(), None),
        ];
        Layer::new(
            "t",
            "T",
            LayerOrigin::Catalog,
            LayerStyle::default(),
            features,
        )
    }

    #[test]
    fn overlapping_points_are_all_returned_nearest_first() {
        let layer = layer();
        let p = LonLat::new(62.335, 25.115).to_world();
        let tol = 0.05 / 360.0; // about 5 km
        let hits = hit_test_layer(&layer, p, tol, 0.0);
        let names: Vec<_> = hits
            .iter()
            .map(|h| layer.features[h.feature].name())
            .collect();
        assert_eq!(names, ["Gwadar Port", "Gwadar city"]);
    }

    #[test]
    fn index_matches_a_full_scan() {
        let layer = layer();
        for (lon, lat) in [(62.33, 25.12), (64.0, 25.5), (67.0, 24.86), (70.0, 30.0)] {
            let p = LonLat::new(lon, lat).to_world();
            let tol = 0.2 / 360.0;
            let indexed: Vec<usize> = hit_test_layer(&layer, p, tol, 0.0)
                .iter()
                .map(|h| h.feature)
                .collect();
            let mut scanned: Vec<(f64, usize)> = layer
                .features
                .iter()
                .enumerate()
                .filter_map(|(i, f)| feature_distance(f, p, tol, 0.0).map(|d| (d, i)))
                .collect();
            scanned.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let scanned: Vec<usize> = scanned.into_iter().map(|(_, i)| i).collect();
            assert_eq!(indexed, scanned, "at {lon},{lat}");
        }
    }

    #[test]
    fn single_precision_never_loses_a_feature_a_box_touches() {
        // Points a few centimetres apart, each asked for by the zero-sized box at its own
        // position and by boxes ending exactly on it: rounding to 32-bit numbers must not
        // push any out.
        let features: Vec<Feature> = (0..500)
            .map(|i| {
                let lon = 62.3 + f64::from(i) * 3.1e-7;
                let lat = 25.1 + f64::from(i) * 1.7e-7;
                Feature::new(
                    format!("{i}"),
                    Map::new(),
                    Some(point!(x: lon, y: lat).into()),
                )
            })
            .collect();
        let index = FeatureIndex::build(&features);
        for (i, f) in features.iter().enumerate() {
            let b = f.bbox().expect("located");
            let p = b.center();
            let west_of = WorldRect {
                min: WorldPos::new(p.x - 1e-3, p.y),
                max: WorldPos::new(b.min.x, p.y),
            };
            for probe in [WorldRect { min: p, max: p }, b, west_of] {
                assert!(index.query(probe).any(|j| j == i), "{i} by {probe:?}");
            }
        }
    }

    #[test]
    fn query_culls_to_the_visible_rect() {
        let layer = layer();
        let view = WorldRect::from_lon_lat(LonLat::new(66.0, 24.0), LonLat::new(68.0, 26.0));
        let mut found: Vec<usize> = layer.index.query(view).collect();
        found.sort();
        assert_eq!(found, vec![2, 3]); // Karachi and the road; not Gwadar, not the unsited one
    }
}
