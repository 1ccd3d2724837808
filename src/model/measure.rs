//! Geodesic measures on the WGS84 ellipsoid (geo's Karney geodesics), in metres.

use geo::{Geodesic, Length};

/// Geodesic length of the linear parts of a lon/lat geometry, in metres (0 for points and
/// polygons' interiors are not counted; polygon rings count as their perimeter).
pub fn geodesic_length_m(geometry: &geo::Geometry<f64>) -> f64 {
    use geo::Geometry as G;
    match geometry {
        G::Line(l) => Geodesic.length(l),
        G::LineString(ls) => Geodesic.length(ls),
        G::MultiLineString(mls) => Geodesic.length(mls),
        G::Polygon(p) => std::iter::once(p.exterior())
            .chain(p.interiors())
            .map(|r| Geodesic.length(r))
            .sum(),
        G::MultiPolygon(mp) => mp
            .iter()
            .map(|p| geodesic_length_m(&G::Polygon(p.clone())))
            .sum(),
        G::GeometryCollection(gc) => gc.iter().map(geodesic_length_m).sum(),
        G::Point(_) | G::MultiPoint(_) | G::Rect(_) | G::Triangle(_) => 0.0,
    }
}

/// Geodesic area of the polygons of a lon/lat geometry (their holes left out), in square
/// metres; 0 for points and lines.
pub fn geodesic_area_m2(geometry: &geo::Geometry<f64>) -> f64 {
    use geo::GeodesicArea;
    use geo::Geometry as G;
    use geo::orient::{Direction, Orient};
    // Karney's area reads a clockwise ring as the rest of the globe: orient them first
    // (outer rings anticlockwise, holes clockwise). An invalid polygon whose holes outgrow
    // its shell (geo gives the difference, below 0) counts 0.
    let one = |p: &geo::Polygon<f64>| {
        p.orient(Direction::Default)
            .geodesic_area_unsigned()
            .max(0.0)
    };
    match geometry {
        G::Polygon(p) => one(p),
        G::MultiPolygon(mp) => mp.iter().map(one).sum(),
        G::Rect(r) => geodesic_area_m2(&G::Polygon(r.to_polygon())),
        G::Triangle(t) => geodesic_area_m2(&G::Polygon(t.to_polygon())),
        G::GeometryCollection(gc) => gc.iter().map(geodesic_area_m2).sum(),
        G::Point(_) | G::MultiPoint(_) | G::Line(_) | G::LineString(_) | G::MultiLineString(_) => {
            0.0
        }
    }
}

/// Geodesic length of the path through `points` (lon/lat degrees), in metres.
pub fn path_length_m(points: &[crate::model::view::LonLat]) -> f64 {
    let line: geo::LineString<f64> = points.iter().map(|p| (p.lon, p.lat)).collect();
    Geodesic.length(&line)
}

/// Geodesic area of the polygon through `points` (closed automatically, in either winding
/// order), in square metres; 0 for fewer than three points.
pub fn polygon_area_m2(points: &[crate::model::view::LonLat]) -> f64 {
    if points.len() < 3 {
        return 0.0;
    }
    let ring: geo::LineString<f64> = points.iter().map(|p| (p.lon, p.lat)).collect();
    geodesic_area_m2(&geo::Geometry::Polygon(geo::Polygon::new(ring, Vec::new())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::view::LonLat;

    #[test]
    fn a_polygon_whose_hole_outgrows_its_shell_has_no_negative_area() {
        use geo::polygon;
        // Found by the fuzzer: a hole reaching far past its shell.
        let p = polygon![
            exterior: [(x: 66.0, y: 27.0), (x: 70.0, y: 27.0), (x: 70.0, y: 31.0), (x: 66.0, y: 31.0)],
            interiors: [[(x: 60.0, y: 20.0), (x: 79.0, y: 20.0), (x: 79.0, y: 35.0), (x: 60.0, y: 35.0)]],
        ];
        let area = geodesic_area_m2(&p.clone().into());
        assert_eq!(area, 0.0);
        let both = geo::MultiPolygon(vec![
            p,
            polygon![(x: 71.0, y: 26.0), (x: 73.0, y: 26.0), (x: 72.0, y: 28.0)],
        ]);
        assert!(
            geodesic_area_m2(&both.into()) > 1e9,
            "the valid one still counts"
        );
    }

    #[test]
    fn a_polygons_area_leaves_its_hole_out_whatever_the_winding() {
        use geo::polygon;
        // One degree square at the equator: 111.32 km by 110.57 km, 12 309 km² on WGS84.
        let square = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0), (x: 0.0, y: 0.0)];
        let a = geodesic_area_m2(&square.clone().into()) / 1e6;
        assert!((a - 12_309.0).abs() < 2.0, "{a}");
        // Wound the other way, and with a quarter-degree hole.
        let clockwise = polygon![(x: 0.0, y: 0.0), (x: 0.0, y: 1.0), (x: 1.0, y: 1.0), (x: 1.0, y: 0.0), (x: 0.0, y: 0.0)];
        assert!((geodesic_area_m2(&clockwise.into()) / 1e6 - a).abs() < 1e-6);
        let holed = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0), (x: 0.0, y: 0.0)],
            interiors: [[(x: 0.25, y: 0.25), (x: 0.5, y: 0.25), (x: 0.5, y: 0.5), (x: 0.25, y: 0.5), (x: 0.25, y: 0.25)]],
        );
        let with_hole = geodesic_area_m2(&holed.into()) / 1e6;
        assert!((with_hole - a * 15.0 / 16.0).abs() < 2.0, "{with_hole}");
        assert_eq!(geodesic_area_m2(&geo::point!(x: 1.0, y: 1.0).into()), 0.0);
    }
    use geo::line_string;

    #[test]
    fn a_measured_path_and_area_match_geographiclib() {
        // References: GeographicLib (Python), WGS84.
        let km =
            path_length_m(&[LonLat::new(67.0104, 24.8608), LonLat::new(74.35071, 31.558)]) / 1000.0;
        assert!(
            (km - 1_033.868).abs() / 1_033.868 < 0.005,
            "Karachi–Lahore {km}"
        );
        let square = [
            LonLat::new(66.0, 24.0),
            LonLat::new(67.0, 24.0),
            LonLat::new(67.0, 25.0),
            LonLat::new(66.0, 25.0),
        ];
        let km2 = polygon_area_m2(&square) / 1e6;
        assert!(
            (km2 - 11_226.611).abs() / 11_226.611 < 0.005,
            "1°×1° cell at 24–25°N: {km2}"
        );
        assert_eq!(polygon_area_m2(&square[..2]), 0.0);
        // Clicked the other way round: the same area, not the rest of the globe.
        let mut clockwise = square;
        clockwise.reverse();
        assert!((polygon_area_m2(&clockwise) / 1e6 - km2).abs() < 1e-6);
    }

    #[test]
    fn karachi_to_peshawar_geodesic_distance() {
        // Reference: GeographicLib (Python) Geodesic.WGS84.Inverse gives 1,106.18 km.
        let line: geo::Geometry<f64> =
            line_string![(x: 67.0104, y: 24.8608), (x: 71.57849, y: 34.008)].into();
        let km = geodesic_length_m(&line) / 1000.0;
        assert!((km - 1_106.18).abs() / 1_106.18 < 0.005, "{km}");
    }
}
