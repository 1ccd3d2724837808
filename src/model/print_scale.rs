//! A fixed map scale for print ("1 : 2,000,000"): the zoom at which a length on the page is
//! the ground length divided by the scale, exact at the map centre's latitude (Web Mercator's
//! scale changes with latitude: a briefing of Pakistan, 24–37° N, is within 9 % of it over the
//! whole map; the scale bar is drawn true at the centre too).

use super::view::{EARTH_CIRCUMFERENCE_M, LonLat, TILE_SIZE_PX};
use super::views::ViewSpec;

/// A point on paper, in metres (1/72 inch): the page's unit.
pub const POINT_M: f64 = 0.0254 / 72.0;

/// The scales accepted: from a town plan (1 : 1,000) to a continent (1 : 100,000,000).
pub const SCALE_RANGE: std::ops::RangeInclusive<u32> = 1_000..=100_000_000;

/// The zoom at which one point of the page is `denominator` points on the ground, at
/// latitude `lat_deg` (the view's zoom counts 256 points to the world at zoom 0).
pub fn zoom_for_scale(denominator: f64, lat_deg: f64) -> f64 {
    let ground_m_per_pt = denominator * POINT_M;
    (EARTH_CIRCUMFERENCE_M * lat_deg.to_radians().cos() / (TILE_SIZE_PX * ground_m_per_pt)).log2()
}

/// The scale (its denominator) a view at `zoom` has at latitude `lat_deg` on the page.
pub fn scale_at(zoom: f64, lat_deg: f64) -> f64 {
    EARTH_CIRCUMFERENCE_M * lat_deg.to_radians().cos() / (TILE_SIZE_PX * zoom.exp2() * POINT_M)
}

/// The view centred as `spec` is, at the zoom of the scale `denominator` there.
pub fn view_at_scale(spec: ViewSpec, denominator: u32) -> ViewSpec {
    let center = match spec {
        ViewSpec::Fit(rect) => LonLat::from_world(rect.center()),
        ViewSpec::Center { center, .. } => center,
    };
    ViewSpec::Center {
        center,
        zoom: zoom_for_scale(f64::from(denominator), center.lat),
    }
}

/// "1 : 2,000,000".
pub fn scale_label(denominator: u32) -> String {
    format!(
        "1 : {}",
        super::units::group_thousands(f64::from(denominator))
    )
}

/// A scale as written: "2000000", "2,000,000", "1:2000000" or "1 : 2,000,000"; `None` for
/// anything else or a scale outside [`SCALE_RANGE`].
pub fn parse_scale(text: &str) -> Option<u32> {
    let t = text.trim();
    let t = t
        .split_once(':')
        .map_or(t, |(one, rest)| if one.trim() == "1" { rest } else { "" });
    let digits: String = t
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '_' | '\u{202F}'))
        .collect();
    digits
        .parse::<u32>()
        .ok()
        .filter(|d| SCALE_RANGE.contains(d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::view::metres_per_px;

    #[test]
    fn at_the_scale_s_zoom_a_page_point_is_the_ground_over_the_scale() {
        for (denominator, lat) in [(2_000_000.0, 30.0), (250_000.0, 25.1), (50_000.0, 36.8)] {
            let zoom = zoom_for_scale(denominator, lat);
            // metres_per_px counts the view's units: points on the page.
            let ground = metres_per_px(lat, zoom);
            assert!(
                (ground / POINT_M / denominator - 1.0).abs() < 1e-9,
                "{denominator} at {lat}°: 1 pt is {ground} m"
            );
            assert!((scale_at(zoom, lat) / denominator - 1.0).abs() < 1e-9);
        }
        // 1 : 2,000,000 at 30° N: 10 cm on paper is 200 km on the ground.
        let zoom = zoom_for_scale(2_000_000.0, 30.0);
        let pt_per_10_cm = 0.1 / POINT_M;
        let km = metres_per_px(30.0, zoom) * pt_per_10_cm / 1000.0;
        assert!((km - 200.0).abs() < 1e-6, "{km}");
    }

    #[test]
    fn scales_are_read_as_written_and_shown_grouped() {
        for text in [
            "2000000",
            "2,000,000",
            "1:2000000",
            "1 : 2,000,000",
            " 2 000 000 ",
        ] {
            assert_eq!(parse_scale(text), Some(2_000_000), "{text}");
        }
        for text in ["", "abc", "2:2000000", "500", "1:0", "-5"] {
            assert_eq!(parse_scale(text), None, "{text}");
        }
        assert_eq!(scale_label(2_000_000), "1 : 2,000,000");
    }

    #[test]
    fn a_fixed_scale_keeps_the_view_s_centre() {
        let gwadar = crate::model::views::find_view("Gwadar").expect("view");
        let ViewSpec::Center { center, zoom } =
            view_at_scale(ViewSpec::Fit(gwadar.rect()), 250_000)
        else {
            panic!("centred");
        };
        let c = LonLat::from_world(gwadar.rect().center());
        assert!((center.lon - c.lon).abs() < 1e-9 && (center.lat - c.lat).abs() < 1e-9);
        assert!((scale_at(zoom, center.lat) - 250_000.0).abs() < 1e-3);
    }
}
