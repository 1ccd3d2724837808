//! Ready-made views for briefings, and parsing a view given as text
//! (`NAME`, `LON,LAT,ZOOM` or `W,S,E,N`).

use super::view::{LonLat, WorldRect};

/// A named view: the area a briefing shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NamedView {
    /// Name as shown and typed (matched case-insensitively).
    pub name: &'static str,
    /// Other spellings accepted.
    pub aliases: &'static [&'static str],
    /// South-west corner.
    pub south_west: LonLat,
    /// North-east corner.
    pub north_east: LonLat,
}

impl NamedView {
    /// The view's area in world space.
    pub fn rect(&self) -> WorldRect {
        WorldRect::from_lon_lat(self.south_west, self.north_east)
    }
}

/// All of Pakistan with its territories: the view the app opens on.
pub const PAKISTAN: NamedView = NamedView {
    name: "Pakistan",
    aliases: &[],
    south_west: LonLat::new(60.8, 23.6),
    north_east: LonLat::new(77.9, 37.1),
};

/// The briefing views.
pub const BRIEFING_VIEWS: [NamedView; 4] = [
    PAKISTAN,
    NamedView {
        name: "Northern gateway",
        aliases: &["Khunjerab", "Northern gateway (Khunjerab)"],
        south_west: LonLat::new(73.6, 35.6),
        north_east: LonLat::new(75.8, 37.1),
    },
    NamedView {
        name: "Gwadar",
        aliases: &[],
        south_west: LonLat::new(62.05, 24.98),
        north_east: LonLat::new(62.75, 25.42),
    },
    NamedView {
        name: "Chagai–Gwadar",
        aliases: &["Chagai-Gwadar", "Chagai Gwadar"],
        south_west: LonLat::new(61.2, 24.8),
        north_east: LonLat::new(65.2, 29.7),
    },
];

/// What area to show.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ViewSpec {
    /// Fit this rectangle.
    Fit(WorldRect),
    /// Centre and zoom.
    Center {
        /// Centre.
        center: LonLat,
        /// Zoom level (0–20).
        zoom: f64,
    },
}

/// A view that cannot be understood.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ViewError {
    /// Neither a name nor numbers.
    #[error("unknown view \"{0}\"; use one of: {names}, or LON,LAT,ZOOM, or W,S,E,N", names = view_names())]
    Unknown(String),
    /// Numbers out of range.
    #[error("view \"{text}\": {problem}")]
    Invalid {
        /// The text given.
        text: String,
        /// What is wrong with it.
        problem: String,
    },
}

/// The names of the briefing views, comma-separated.
pub fn view_names() -> String {
    BRIEFING_VIEWS
        .iter()
        .map(|v| v.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Find a briefing view by name or alias, ignoring case and the kind of dash.
pub fn find_view(name: &str) -> Option<&'static NamedView> {
    let norm = |s: &str| s.trim().to_lowercase().replace(['–', '—'], "-");
    let wanted = norm(name);
    BRIEFING_VIEWS
        .iter()
        .find(|v| norm(v.name) == wanted || v.aliases.iter().any(|a| norm(a) == wanted))
}

/// Parse `NAME`, `LON,LAT,ZOOM` or `W,S,E,N`.
pub fn parse_view(text: &str) -> Result<ViewSpec, ViewError> {
    if let Some(v) = find_view(text) {
        return Ok(ViewSpec::Fit(v.rect()));
    }
    let invalid = |problem: &str| ViewError::Invalid {
        text: text.to_string(),
        problem: problem.to_string(),
    };
    let numbers: Option<Vec<f64>> = text
        .split(',')
        .map(|s| s.trim().parse::<f64>().ok())
        .collect();
    match numbers.as_deref() {
        Some(&[lon, lat, zoom]) => {
            if !(-180.0..=180.0).contains(&lon) || !(-85.0..=85.0).contains(&lat) {
                return Err(invalid(
                    "longitude must be within ±180 and latitude within ±85",
                ));
            }
            if !(0.0..=20.0).contains(&zoom) {
                return Err(invalid("zoom must be between 0 and 20"));
            }
            Ok(ViewSpec::Center {
                center: LonLat::new(lon, lat),
                zoom,
            })
        }
        Some(&[w, s, e, n]) => {
            if !(w < e && s < n) {
                return Err(invalid(
                    "expected W,S,E,N with west < east and south < north",
                ));
            }
            if w < -180.0 || e > 180.0 || s < -85.0 || n > 85.0 {
                return Err(invalid("coordinates out of range"));
            }
            Ok(ViewSpec::Fit(WorldRect::from_lon_lat(
                LonLat::new(w, s),
                LonLat::new(e, n),
            )))
        }
        _ => Err(ViewError::Unknown(text.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_case_insensitively_with_either_dash() {
        assert_eq!(find_view("pakistan").map(|v| v.name), Some("Pakistan"));
        assert_eq!(
            find_view("NORTHERN GATEWAY").map(|v| v.name),
            Some("Northern gateway")
        );
        assert_eq!(
            find_view("Chagai-Gwadar").map(|v| v.name),
            Some("Chagai–Gwadar")
        );
        assert_eq!(
            find_view("chagai–gwadar").map(|v| v.name),
            Some("Chagai–Gwadar")
        );
        assert_eq!(
            find_view("Khunjerab").map(|v| v.name),
            Some("Northern gateway")
        );
        assert!(find_view("Lahore").is_none());
    }

    #[test]
    fn parses_centre_zoom_and_bounds() {
        assert_eq!(
            parse_view("62.3, 25.1, 9"),
            Ok(ViewSpec::Center {
                center: LonLat::new(62.3, 25.1),
                zoom: 9.0
            })
        );
        assert!(matches!(parse_view("60,23,78,37"), Ok(ViewSpec::Fit(_))));
        assert!(matches!(
            parse_view("78,23,60,37"),
            Err(ViewError::Invalid { .. })
        ));
        assert!(matches!(
            parse_view("62,25,40"),
            Err(ViewError::Invalid { .. })
        ));
        let err = parse_view("Atlantis").expect_err("unknown");
        assert!(
            err.to_string()
                .contains("Pakistan, Northern gateway, Gwadar, Chagai–Gwadar")
        );
    }
}
