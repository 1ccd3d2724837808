//! Sites that share one point (several projects on one town point) spread around it at city
//! zoom, each marker on a ring with a leader line to the true point, so each can be seen and
//! clicked. Pure: which features share a point, and each one's offset on screen.

use std::collections::HashMap;

use super::layer::Layer;
use super::view::{WorldPos, WorldRect};

/// From this zoom, markers sharing a point are spread around it: a town fills the view (the
/// Gwadar briefing view is at about 10.9 on a 1200 × 800 pt page, 10.1 on 960 × 540). Below
/// it, on the country's views, rings round every town point would cover places and each other.
pub const SPREAD_FROM_ZOOM: f64 = 10.0;

/// A feature by layer and index.
pub type Member = (usize, usize);

/// Features of the visible layers inside `within` whose single point is the same position, in
/// layer and file order; only groups of two or more. The layers' indexes find the features in
/// `within`, so the cost is that of what is in view, not of the whole layers.
pub fn shared_points(layers: &[Layer], within: WorldRect) -> Vec<(WorldPos, Vec<Member>)> {
    let mut groups: HashMap<(u64, u64), (WorldPos, Vec<Member>)> = HashMap::new();
    for (li, layer) in layers.iter().enumerate().filter(|(_, l)| l.visible) {
        let mut in_view: Vec<usize> = layer.index.query(within).collect();
        in_view.sort_unstable();
        for fi in in_view {
            let f = &layer.features[fi];
            if let Some(w) = f.single_point() {
                groups
                    .entry((w.x.to_bits(), w.y.to_bits()))
                    .or_insert((w, Vec::new()))
                    .1
                    .push((li, fi));
            }
        }
    }
    let mut out: Vec<_> = groups.into_values().filter(|(_, m)| m.len() > 1).collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// Offsets in points of `n` markers on a ring around their point, the first straight above,
/// clockwise; the ring grows with `n` so neighbours (radius `marker_pt`) do not touch.
pub fn ring_offsets(n: usize, marker_pt: f32) -> Vec<[f32; 2]> {
    let gap = 2.0 * marker_pt + 4.0;
    let radius = (gap * n as f32 / std::f32::consts::TAU).max(2.5 * marker_pt + 6.0);
    (0..n)
        .map(|i| {
            let a = -std::f32::consts::FRAC_PI_2 + std::f32::consts::TAU * i as f32 / n as f32;
            [radius * a.cos(), radius * a.sin()]
        })
        .collect()
}

/// Each spread feature inside `within` and its offset on screen, in points, at `zoom` (none
/// below [`SPREAD_FROM_ZOOM`]).
pub fn spread_offsets(
    layers: &[Layer],
    within: WorldRect,
    zoom: f64,
    marker_pt: f32,
) -> HashMap<Member, [f32; 2]> {
    if zoom < SPREAD_FROM_ZOOM {
        return HashMap::new();
    }
    shared_points(layers, within)
        .into_iter()
        .flat_map(|(_, members)| {
            let offsets = ring_offsets(members.len(), marker_pt);
            members.into_iter().zip(offsets)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layer::{Feature, LayerOrigin};
    use crate::model::style::LayerStyle;

    fn point(lon: f64, lat: f64) -> Feature {
        Feature::new(
            "p",
            serde_json::Map::new(),
            Some(geo::point!(x: lon, y: lat).into()),
        )
    }

    #[test]
    fn nine_markers_on_one_point_do_not_overlap_on_their_ring() {
        let offsets = ring_offsets(9, 7.0);
        for (i, a) in offsets.iter().enumerate() {
            for b in &offsets[i + 1..] {
                let d = (a[0] - b[0]).hypot(a[1] - b[1]);
                assert!(d >= 14.0, "{d} between markers of radius 7");
            }
            // Off the true point by more than a marker.
            assert!(a[0].hypot(a[1]) > 14.0);
        }
        assert!(
            offsets[0][1] < 0.0 && offsets[0][0].abs() < 1e-3,
            "the first above"
        );
    }

    #[test]
    fn only_features_sharing_a_point_spread_and_only_close_in() {
        let layers = vec![
            Layer::new(
                "a",
                "A",
                LayerOrigin::Catalog,
                LayerStyle::default(),
                vec![point(62.33, 25.12), point(62.33, 25.12), point(63.0, 26.0)],
            ),
            Layer::new(
                "b",
                "B",
                LayerOrigin::Catalog,
                LayerStyle::default(),
                vec![point(62.33, 25.12)],
            ),
        ];
        let world = WorldRect::from_lon_lat(
            crate::model::view::LonLat::new(-179.0, -80.0),
            crate::model::view::LonLat::new(179.0, 80.0),
        );
        let groups = shared_points(&layers, world);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].1, vec![(0, 0), (0, 1), (1, 0)]);
        assert_eq!(spread_offsets(&layers, world, 12.0, 7.0).len(), 3);
        assert!(
            spread_offsets(&layers, world, 8.0, 7.0).is_empty(),
            "not at regional zoom"
        );
        let elsewhere = WorldRect::from_lon_lat(
            crate::model::view::LonLat::new(70.0, 30.0),
            crate::model::view::LonLat::new(71.0, 31.0),
        );
        assert!(
            spread_offsets(&layers, elsewhere, 12.0, 7.0).is_empty(),
            "out of view"
        );
        let mut hidden = layers;
        hidden[1].visible = false;
        assert_eq!(
            spread_offsets(&hidden, world, 12.0, 7.0).len(),
            2,
            "hidden layers do not count"
        );
    }
}
