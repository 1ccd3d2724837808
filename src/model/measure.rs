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

#[cfg(test)]
mod tests {
    use super::*;
    use geo::line_string;

    #[test]
    fn karachi_to_peshawar_geodesic_distance() {
        // Reference: GeographicLib (Python) Geodesic.WGS84.Inverse gives 1,106.18 km.
        let line: geo::Geometry<f64> =
            line_string![(x: 67.0104, y: 24.8608), (x: 71.57849, y: 34.008)].into();
        let km = geodesic_length_m(&line) / 1000.0;
        assert!((km - 1_106.18).abs() / 1_106.18 < 0.005, "{km}");
    }
}
