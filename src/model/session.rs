//! What comes back on the next start: the view, the basemap, the layers' order and visibility,
//! the files that were open, and bookmarks. Never loaded data: files are read again.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::style::LayerStyle;
use super::views::BRIEFING_VIEWS;

/// A saved map position.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedView {
    /// Centre longitude, degrees.
    pub lon: f64,
    /// Centre latitude, degrees.
    pub lat: f64,
    /// Zoom level.
    pub zoom: f64,
}

/// A named view the user can go back to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bookmark {
    /// Name shown.
    pub name: String,
    /// South-west corner, `[lon, lat]`.
    pub south_west: [f64; 2],
    /// North-east corner, `[lon, lat]`.
    pub north_east: [f64; 2],
}

/// One layer's saved state, in draw order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedLayer {
    /// Catalog id, or the file for a layer opened from a file.
    pub id: String,
    /// The file, for layers opened from files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<PathBuf>,
    /// Shown or hidden.
    pub visible: bool,
    /// The title, when the user renamed the layer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The style, when the user changed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<LayerStyle>,
}

/// The whole session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Session {
    /// Format version.
    pub version: u32,
    /// The map's position.
    pub view: Option<SavedView>,
    /// `"offline"`, or the URL template of the tile source shown.
    pub basemap: String,
    /// Tile sources the user added.
    pub tile_sources: Vec<crate::tiles::source::TileSourceSpec>,
    /// The offline basemap's boundaries and labels drawn over tiles.
    pub hybrid: bool,
    /// Opacity of tiles over the offline basemap.
    pub tile_opacity: f32,
    /// The most the tile cache may hold, in MB.
    pub cache_limit_mb: u32,
    /// Layers bottom first.
    pub layers: Vec<SavedLayer>,
    /// Bookmarks, the briefing views first by default.
    pub bookmarks: Vec<Bookmark>,
    /// The layer whose attribute table is open (its id, or its file for an opened file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// Cursor coordinates in degrees, minutes, seconds.
    pub dms: bool,
    /// The window's inner size when the session was saved, in points (restored at start; a
    /// first start fills most of the screen instead).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window_pt: Option<[f32; 2]>,
    /// The language of the map's labels.
    pub labels: super::label_language::LabelLanguage,
    /// The folder the user last saved an image in (the next save starts there).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub save_dir: Option<PathBuf>,
    /// The folder the user last opened a file from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_dir: Option<PathBuf>,
}

/// The tile cache limit unless the user sets another, in MB.
pub const DEFAULT_CACHE_LIMIT_MB: u32 = 500;

/// Current format version.
pub const SESSION_VERSION: u32 = 1;

impl Default for Session {
    fn default() -> Self {
        Self {
            version: SESSION_VERSION,
            view: None,
            basemap: "offline".into(),
            tile_sources: Vec::new(),
            hybrid: true,
            tile_opacity: 1.0,
            cache_limit_mb: DEFAULT_CACHE_LIMIT_MB,
            layers: Vec::new(),
            bookmarks: default_bookmarks(),
            table: None,
            dms: false,
            window_pt: None,
            save_dir: None,
            open_dir: None,
            labels: Default::default(),
        }
    }
}

/// The window's size at start, in points: the saved one (within the screen, when its size is
/// known), else nine tenths of the screen; `None` while neither is known yet.
pub fn window_size_at_start(saved: Option<[f32; 2]>, screen: Option<[f32; 2]>) -> Option<[f32; 2]> {
    match (saved, screen) {
        (Some([w, h]), Some([sw, sh])) => Some([w.min(sw), h.min(sh)]),
        (Some(size), None) => Some(size),
        (None, Some([sw, sh])) => Some([sw * 0.9, sh * 0.9]),
        (None, None) => None,
    }
}

impl Bookmark {
    /// The bookmark's area in world space.
    pub fn rect(&self) -> super::view::WorldRect {
        use super::view::LonLat;
        let [w, s] = self.south_west;
        let [e, n] = self.north_east;
        super::view::WorldRect::from_lon_lat(LonLat::new(w, s), LonLat::new(e, n))
    }
}

/// The bookmark the map shows, if any: nine tenths of its area in view and filling a third of
/// the view or more (a bookmark fitted into a map of another shape fills less than all of it).
/// The most filling one wins. It names a saved image of the view.
pub fn bookmark_showing(
    bookmarks: &[Bookmark],
    visible: super::view::WorldRect,
) -> Option<&Bookmark> {
    bookmarks
        .iter()
        .filter_map(|b| {
            let r = b.rect();
            let shared = r.shared_area(&visible);
            let in_view = shared / r.area().max(f64::MIN_POSITIVE);
            let fills = shared / visible.area().max(f64::MIN_POSITIVE);
            (in_view >= 0.9 && fills >= 1.0 / 3.0).then_some((b, fills))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(b, _)| b)
}

/// The briefing views as bookmarks.
pub fn default_bookmarks() -> Vec<Bookmark> {
    BRIEFING_VIEWS
        .iter()
        .map(|v| Bookmark {
            name: v.name.to_string(),
            south_west: [v.south_west.lon, v.south_west.lat],
            north_east: [v.north_east.lon, v.north_east.lat],
        })
        .collect()
}

/// A session file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct SessionError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl Session {
    /// Parse session JSON.
    pub fn parse(text: &str) -> Result<Self, SessionError> {
        let mut session: Self = serde_json::from_str(text).map_err(|e| SessionError {
            line: e.line(),
            column: e.column(),
            message: super::json_error_text(&e),
        })?;
        // A view or bookmark off the world (a damaged file) is left out: the map opens on
        // the default view rather than nowhere.
        let on_earth = |lon: f64, lat: f64| lon.abs() <= 180.0 && lat.abs() <= 90.0;
        session.view = session
            .view
            .filter(|v| on_earth(v.lon, v.lat) && (0.0..=24.0).contains(&v.zoom));
        session.bookmarks.retain(|b| {
            on_earth(b.south_west[0], b.south_west[1]) && on_earth(b.north_east[0], b.north_east[1])
        });
        // Numbers within what the app would set (a number too big for its type would not
        // save: it is written as null).
        session.tile_opacity = session.tile_opacity.clamp(0.1, 1.0);
        session.window_pt = session
            .window_pt
            .filter(|size| size.iter().all(|v| (1.0..=1e5).contains(v)));
        for layer in &mut session.layers {
            layer.style = layer
                .style
                .take()
                .map(super::style::LayerStyle::within_bounds);
        }
        // A template is used as it is checked: without the spaces round it (a template
        // " http://…" passed the http(s) check trimmed but was asked for untrimmed).
        for s in &mut session.tile_sources {
            let trimmed = s.url_template.trim();
            if trimmed.len() != s.url_template.len() {
                s.url_template = trimmed.to_string();
            }
        }
        Ok(session)
    }

    /// The session as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_view_off_the_world_is_left_out_and_the_session_saves_the_same_twice() {
        // Found by fuzzing: a latitude of 2.5e120 did not read back as the same number.
        let text = r#"{"view":{"lon":66.5,"lat":2.5444444444444446e120,"zoom":7.5},
            "bookmarks":[{"name":"Far","south_west":[60,1e300],"north_east":[61,25]},
                         {"name":"Near","south_west":[60,24],"north_east":[61,25]}]}"#;
        let session = super::Session::parse(text).expect("reads");
        assert!(session.view.is_none());
        let names: Vec<&str> = session.bookmarks.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["Near"]);
        let written = session.to_json();
        let again = super::Session::parse(&written).expect("reads back");
        assert_eq!(again.to_json(), written);
    }

    #[test]
    fn a_tile_source_is_used_as_it_was_checked_without_spaces_round_it() {
        // Found by fuzzing: a template with a leading space asked for " http://…".
        let text = r#"{"tile_sources":[{"name":"local","url_template":" http://127.0.0.1:8079/{z}/{x}/{y}.pbf\n","attribution":"© OpenStreetMap contributors","max_zoom":14}]}"#;
        let session = super::Session::parse(text).expect("reads");
        let source = &session.tile_sources[0];
        assert_eq!(source.url(1, 0, 0), "http://127.0.0.1:8079/1/0/0.pbf");
    }

    #[test]
    fn numbers_too_big_for_their_type_are_brought_in_and_the_session_still_saves() {
        // Found by fuzzing: a window width of 1.4e79 read as an infinite f32, written as null.
        let text = r#"{"window_pt":[1.4e79,9],"tile_opacity":1e60,
            "layers":[{"id":"a","visible":true,"style":{"line_width_pt":1e70,"point_radius_pt":-1e50,"opacity":7}}]}"#;
        let session = super::Session::parse(text).expect("reads");
        assert_eq!(session.window_pt, None);
        assert_eq!(session.tile_opacity, 1.0);
        let style = session.layers[0].style.clone().expect("a style");
        assert_eq!(
            (style.line_width_pt, style.point_radius_pt, style.opacity),
            (12.0, 1.5, 1.0)
        );
        let written = session.to_json();
        let again = super::Session::parse(&written).expect("reads back");
        assert_eq!(again.to_json(), written);
    }

    #[test]
    fn the_view_a_bookmark_took_the_map_to_is_named_by_it() {
        let bookmarks = super::default_bookmarks();
        let gwadar = bookmarks
            .iter()
            .find(|b| b.name == "Gwadar")
            .expect("Gwadar");
        // The map fitted to Gwadar shows a little more, on one side more than the other.
        let r = gwadar.rect();
        let (w, h) = (r.max.x - r.min.x, r.max.y - r.min.y);
        let shown = crate::model::view::WorldRect {
            min: crate::model::view::WorldPos::new(r.min.x - 0.2 * w, r.min.y - 0.05 * h),
            max: crate::model::view::WorldPos::new(r.max.x + 0.2 * w, r.max.y + 0.05 * h),
        };
        assert_eq!(
            super::bookmark_showing(&bookmarks, shown).map(|b| b.name.as_str()),
            Some("Gwadar")
        );
        // Zoomed out to the whole country, Gwadar is a speck: not its view; Pakistan's it is.
        let pakistan = bookmarks[0].rect();
        let pw = pakistan.max.x - pakistan.min.x;
        assert_eq!(
            super::bookmark_showing(&bookmarks, pakistan.expand(0.3 * pw)).map(|b| b.name.as_str()),
            Some("Pakistan")
        );
        // Zoomed in on a part of Gwadar: not the Gwadar view.
        let part = crate::model::view::WorldRect {
            min: r.min,
            max: r.center(),
        };
        assert!(super::bookmark_showing(&bookmarks, part).is_none());
        let far = crate::model::view::WorldRect {
            min: crate::model::view::WorldPos::new(0.0, 0.0),
            max: crate::model::view::WorldPos::new(0.1, 0.1),
        };
        assert!(super::bookmark_showing(&bookmarks, far).is_none());
    }

    use super::*;

    #[test]
    fn a_first_start_fills_most_of_the_screen_and_a_saved_size_comes_back_within_it() {
        assert_eq!(
            window_size_at_start(None, Some([2560.0, 1440.0])),
            Some([2304.0, 1296.0])
        );
        assert_eq!(
            window_size_at_start(Some([1400.0, 900.0]), Some([2560.0, 1440.0])),
            Some([1400.0, 900.0])
        );
        assert_eq!(
            window_size_at_start(Some([1900.0, 1200.0]), Some([1366.0, 768.0])),
            Some([1366.0, 768.0]),
            "a laptop after a large monitor"
        );
        assert_eq!(
            window_size_at_start(None, None),
            None,
            "wait for the screen"
        );
    }

    #[test]
    fn round_trips_and_defaults_missing_fields() {
        let s = Session {
            view: Some(SavedView {
                lon: 62.3,
                lat: 25.1,
                zoom: 9.5,
            }),
            basemap: "osm".into(),
            layers: vec![
                SavedLayer {
                    id: "growth".into(),
                    file: None,
                    visible: false,
                    title: None,
                    style: None,
                },
                SavedLayer {
                    id: "file:roads".into(),
                    file: Some(PathBuf::from("/data/roads.geojson")),
                    visible: true,
                    title: Some("Roads (NHA)".into()),
                    style: Some(LayerStyle {
                        opacity: 0.6,
                        line_width_pt: 1.5,
                        color_by: Some(crate::model::classify::ColorBy {
                            property: "surface".into(),
                            classes: vec![crate::model::classify::ColorClass {
                                value: "paved".into(),
                                color: crate::model::style::Rgba::rgb(1, 2, 3),
                                count: 7,
                            }],
                            other_count: 2,
                        }),
                        ..LayerStyle::default()
                    }),
                },
            ],
            ..Session::default()
        };
        assert_eq!(Session::parse(&s.to_json()).expect("round trip"), s);
        let partial = Session::parse(r#"{"basemap": "osm"}"#).expect("partial");
        assert_eq!(partial.basemap, "osm");
        assert_eq!(partial.bookmarks.len(), 4, "briefing views by default");
        assert_eq!(partial.bookmarks[0].name, "Pakistan");
    }

    #[test]
    fn corrupted_text_names_the_place() {
        let err = Session::parse("{\"view\": {\"lon\": 1,,}}").expect_err("broken");
        assert_eq!((err.line, err.column), (1, 20));
    }
}
