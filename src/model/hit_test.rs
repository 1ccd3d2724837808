//! Hit-testing one feature against a position, with a tolerance in world units (the caller
//! converts its tolerance in screen pixels with the current scale).

use super::layer::{Feature, Part, PolygonView};
use super::view::WorldPos;
use super::world_path::PathView;

/// Distance from `p` to the feature in world units if it is within `tol` (points count as hit
/// within `tol + point_radius`); 0 inside a polygon (outside its holes).
pub fn feature_distance(
    feature: &Feature,
    p: WorldPos,
    tol: f64,
    point_radius: f64,
) -> Option<f64> {
    feature
        .parts
        .iter()
        .filter_map(|part| match part {
            Part::Point(_) | Part::Points(_) => {
                let d = part
                    .markers()
                    .map(|q| distance(p, q))
                    .fold(f64::INFINITY, f64::min);
                (d <= tol + point_radius).then_some(d)
            }
            Part::Line(line) => {
                let d = polyline_distance(p, line.view());
                (d <= tol).then_some(d)
            }
            Part::Areas(areas) => {
                if areas.polygons().any(|poly| polygon_contains(poly, p)) {
                    Some(0.0)
                } else {
                    let d = areas
                        .rings()
                        .map(|r| ring_distance(p, r))
                        .fold(f64::INFINITY, f64::min);
                    (d <= tol).then_some(d)
                }
            }
        })
        .reduce(f64::min)
}

fn distance(a: WorldPos, b: WorldPos) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}

/// Distance from `p` to the segment `a`–`b`.
pub fn segment_distance(p: WorldPos, a: WorldPos, b: WorldPos) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    if len2 == 0.0 {
        return distance(p, a);
    }
    let t = (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0);
    distance(p, WorldPos::new(a.x + t * dx, a.y + t * dy))
}

/// Segments between consecutive points, and from the last back to the first when `closed`.
fn segments(path: PathView<'_>, closed: bool) -> impl Iterator<Item = (WorldPos, WorldPos)> + '_ {
    let closing = path.first().filter(|_| closed && path.len() > 1);
    path.iter().zip(path.iter().skip(1).chain(closing))
}

fn polyline_distance(p: WorldPos, line: PathView<'_>) -> f64 {
    path_distance(p, line, false)
}

fn ring_distance(p: WorldPos, ring: PathView<'_>) -> f64 {
    path_distance(p, ring, true)
}

fn path_distance(p: WorldPos, path: PathView<'_>, closed: bool) -> f64 {
    match path.len() {
        0 => f64::INFINITY,
        1 => path.first().map_or(f64::INFINITY, |only| distance(p, only)),
        _ => segments(path, closed)
            .map(|(a, b)| segment_distance(p, a, b))
            .fold(f64::INFINITY, f64::min),
    }
}

/// Even-odd test over all rings: inside the outer ring and outside every hole.
pub fn polygon_contains(poly: PolygonView<'_>, p: WorldPos) -> bool {
    poly.rings()
        .filter(|ring| ring_crossings_odd(*ring, p))
        .count()
        % 2
        == 1
}

fn ring_crossings_odd(ring: PathView<'_>, p: WorldPos) -> bool {
    let mut inside = false;
    for (a, b) in segments(ring, true) {
        if (a.y > p.y) != (b.y > p.y) {
            let x_cross = a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x);
            if p.x < x_cross {
                inside = !inside;
            }
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layer::WorldAreas;
    use crate::model::world_path::WorldPath;
    use serde_json::Map;

    /// World units to a test unit: the shapes below lie within world space (0–1), as
    /// stored geometry must.
    const S: f64 = 0.05;

    fn w(x: f64, y: f64) -> WorldPos {
        WorldPos::new(x * S, y * S)
    }

    fn feature_with(part: Part) -> Feature {
        let mut f = Feature::new("f", Map::new(), None);
        f.parts = smallvec::smallvec![part];
        f
    }

    fn square_with_hole() -> Feature {
        let rings = vec![
            vec![w(0.0, 0.0), w(4.0, 0.0), w(4.0, 4.0), w(0.0, 4.0)],
            vec![w(1.0, 1.0), w(3.0, 1.0), w(3.0, 3.0), w(1.0, 3.0)],
        ];
        feature_with(Part::Areas(
            WorldAreas::new(vec![rings]).expect("a polygon"),
        ))
    }

    #[test]
    fn a_multipoint_is_hit_at_any_of_its_positions_and_only_there() {
        let f = feature_with(Part::Points(WorldPath::new(&[w(1.0, 1.0), w(3.0, 1.0)])));
        let near = |p| feature_distance(&f, p, 0.03 * S, 0.03 * S);
        assert!(near(w(1.05, 1.0)).is_some());
        assert!(near(w(3.0, 1.05)).is_some());
        // Halfway between them is neither.
        assert!(near(w(2.0, 1.0)).is_none());
    }

    #[test]
    fn points_hit_within_tolerance_plus_radius() {
        let f = feature_with(Part::Point(w(1.0, 1.0)));
        assert!(feature_distance(&f, w(1.05, 1.0), 0.03 * S, 0.03 * S).is_some());
        assert!(feature_distance(&f, w(1.07, 1.0), 0.03 * S, 0.03 * S).is_none());
    }

    #[test]
    fn lines_hit_near_any_segment() {
        let f = feature_with(Part::Line(WorldPath::new(&[
            w(0.0, 0.0),
            w(10.0, 0.0),
            w(10.0, 10.0),
        ])));
        let d = feature_distance(&f, w(5.0, 0.4), 0.5 * S, 0.0).expect("near first segment");
        assert!((d - 0.4 * S).abs() < 1e-9);
        assert!(feature_distance(&f, w(10.3, 5.0), 0.5 * S, 0.0).is_some());
        assert!(feature_distance(&f, w(5.0, 5.0), 0.5 * S, 0.0).is_none());
    }

    #[test]
    fn polygons_hit_inside_but_not_in_holes() {
        let f = square_with_hole();
        assert_eq!(feature_distance(&f, w(0.5, 0.5), 0.01 * S, 0.0), Some(0.0));
        assert!(
            feature_distance(&f, w(2.0, 2.0), 0.01 * S, 0.0).is_none(),
            "hole"
        );
        assert!(
            feature_distance(&f, w(2.0, 2.0), 1.5 * S, 0.0).is_some(),
            "hole edge within tol"
        );
        assert!(feature_distance(&f, w(5.0, 2.0), 0.5 * S, 0.0).is_none());
        assert!(
            feature_distance(&f, w(4.3, 2.0), 0.5 * S, 0.0).is_some(),
            "outer edge within tol"
        );
    }

    #[test]
    fn concave_polygon_notch_is_outside() {
        let rings = vec![vec![
            w(0.0, 0.0),
            w(2.0, 0.0),
            w(2.0, 1.0),
            w(1.0, 1.0),
            w(1.0, 2.0),
            w(0.0, 2.0),
        ]];
        let f = feature_with(Part::Areas(
            WorldAreas::new(vec![rings]).expect("a polygon"),
        ));
        assert!(feature_distance(&f, w(0.5, 1.5), 0.01 * S, 0.0).is_some());
        assert!(feature_distance(&f, w(1.5, 1.5), 0.01 * S, 0.0).is_none());
    }
}
