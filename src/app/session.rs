//! Saving the session atomically and bringing it back on the next start.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{BasemapSource, CorridorApp, Level};
use crate::io::png::write_atomically;
use crate::model::layer::{Layer, LayerOrigin};
use crate::model::session::{SavedLayer, SavedView, Session};
use crate::tiles::source::TileSourceSpec;

/// Where the session is kept: `$CORRIDOR_VIEWER_CONFIG_DIR/session.json`, else the user's
/// config folder.
pub fn default_session_path() -> Option<PathBuf> {
    std::env::var_os("CORRIDOR_VIEWER_CONFIG_DIR")
        .map(PathBuf::from)
        .or_else(|| dirs::config_dir().map(|d| d.join("corridor-viewer")))
        .map(|d| d.join("session.json"))
}

/// Write session JSON to `path` as the app does: its folder made if missing, the file
/// replaced atomically ([`write_atomically`]).
pub fn write_session_file(path: &Path, json: &str) -> std::io::Result<()> {
    path.parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| write_atomically(path, json.as_bytes()))
}

/// The two sessions [`save_loop`] writes in turn: the default one and one with 300
/// bookmarks (some 60 kB, so that a kill often lands inside a write).
pub fn save_loop_sessions() -> [String; 2] {
    let small = Session::default();
    let big = Session {
        bookmarks: (0..300)
            .map(|i| crate::model::session::Bookmark {
                name: format!("Bookmark {i} with a long name to make the file longer"),
                south_west: [60.0 + f64::from(i) / 20.0, 24.0 + f64::from(i) / 30.0],
                north_east: [61.0 + f64::from(i) / 20.0, 25.0 + f64::from(i) / 30.0],
            })
            .collect(),
        ..Session::default()
    };
    [small.to_json(), big.to_json()]
}

/// Save [`save_loop_sessions`] to `path` in turn, for ever, through the app's own session
/// writer: `CORRIDOR_VIEWER_SAVE_LOOP_TEST=path` runs it, for the test that kills the
/// process part way through a save (`tests/kill_save.rs`).
pub fn save_loop(path: &Path) -> std::io::Error {
    let sessions = save_loop_sessions();
    loop {
        for json in &sessions {
            if let Err(e) = write_session_file(path, json) {
                return e;
            }
        }
    }
}

/// Seconds between checks for a changed session.
const SAVE_EVERY_S: f64 = 3.0;

impl CorridorApp {
    /// Read the session file; a missing file is a first start, a broken one is reported,
    /// kept aside as `*.broken`, and the defaults are used.
    pub(super) fn read_session(&mut self, path: &Path) -> Session {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Session::default(),
            Err(e) => {
                self.notify(
                    Level::Warning,
                    format!(
                        "{}: cannot read the saved session: {e}; starting with the default layout",
                        path.display()
                    ),
                );
                return Session::default();
            }
        };
        match Session::parse(&text) {
            Ok(s) => s,
            Err(e) => {
                let kept = path.with_extension("json.broken");
                let _ = std::fs::rename(path, &kept);
                self.notify(
                    Level::Warning,
                    format!(
                        "{}, {e} — the saved session is damaged, so the app starts with the default layout (the damaged file was kept as {})",
                        path.display(),
                        kept.display()
                    ),
                );
                Session::default()
            }
        }
    }

    /// Bring a session back: view, basemap, layer order and visibility; reopen the files.
    pub(super) fn restore_session(&mut self, session: Session) {
        self.window_at_start = Some(session.window_pt);
        self.files.save_dir = session.save_dir;
        self.label_language = session.labels;
        self.files.open_dir = session.open_dir;
        if let Some(v) = session.view {
            self.map_memory.center_at(walkers::lon_lat(v.lon, v.lat));
            let _ = self.map_memory.set_zoom(v.zoom);
            self.view_initialised = true;
        }
        self.cache_limit_mb = session.cache_limit_mb.max(1);
        self.enforce_cache_limit();
        // A source of the session is an http(s) template, as "Add tile source…" makes them:
        // one naming anything else (a local file, a pack) is not used.
        let (sources, refused): (Vec<_>, Vec<_>) = session
            .tile_sources
            .into_iter()
            .partition(|s| TileSourceSpec::from_template(&s.url_template).is_ok());
        for s in refused {
            self.notify(
                super::Level::Warning,
                format!(
                    "The session's tile source \"{}\" ({}) was left out: only http and https tile URL templates are used",
                    s.name, s.url_template
                ),
            );
        }
        self.tile_sources = sources;
        self.hybrid = session.hybrid;
        self.tile_opacity = session.tile_opacity.clamp(0.1, 1.0);
        let known = TileSourceSpec::built_in()
            .into_iter()
            .chain(self.tile_sources.iter().cloned())
            .find(|s| s.url_template == session.basemap);
        // "osm" is how sessions before user sources named OpenStreetMap.
        let shown = known.or_else(|| {
            (session.basemap != "offline" && !session.basemap.starts_with("pack:"))
                .then(|| TileSourceSpec::parse(&session.basemap).ok())
                .flatten()
        });
        if let Some(path) = session.basemap.strip_prefix("pack:") {
            self.load_pack(PathBuf::from(path));
        } else if let Some(spec) = shown {
            self.set_basemap(BasemapSource::Tiles(spec));
        }
        let rank: HashMap<&str, usize> = session
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id.as_str(), i))
            .collect();
        for layer in &mut self.layers {
            if let Some(saved) = session.layers.iter().find(|s| s.id == layer.id) {
                apply_saved(layer, saved);
            }
        }
        // Saved order for the layers it knows; new catalog layers keep their place on top.
        self.layers
            .sort_by_key(|l| rank.get(l.id.as_str()).copied().unwrap_or(usize::MAX));
        let files: Vec<PathBuf> = session
            .layers
            .iter()
            .filter_map(|l| l.file.clone())
            .collect();
        self.restoring = files.iter().cloned().collect();
        self.saved_layers = session.layers;
        self.dms = session.dms;
        self.restore_table = session.table;
        self.reopen_table();
        self.open_files(files);
        self.bookmarks = session.bookmarks;
    }

    /// The session as it stands.
    pub fn session_snapshot(&self) -> Session {
        let keep = |l: &Layer| l.customised || matches!(l.origin, LayerOrigin::File(_));
        let center = self.current_center();
        Session {
            view: Some(SavedView {
                lon: center.lon,
                lat: center.lat,
                zoom: self.map_memory.zoom(),
            }),
            basemap: match &self.basemap_source {
                BasemapSource::OfflineAtlas => "offline".into(),
                BasemapSource::Tiles(s) => s.url_template.clone(),
                BasemapSource::Pack(p) => format!("pack:{}", p.display()),
            },
            tile_sources: self.tile_sources.clone(),
            hybrid: self.hybrid,
            tile_opacity: self.tile_opacity,
            cache_limit_mb: self.cache_limit_mb,
            layers: self
                .layers
                .iter()
                .map(|l| SavedLayer {
                    id: l.id.clone(),
                    file: match &l.origin {
                        LayerOrigin::File(p) => Some(p.clone()),
                        LayerOrigin::Catalog => None,
                    },
                    visible: l.visible,
                    // A file's colour depends on the order files were opened: always kept.
                    title: keep(l).then(|| l.title.clone()),
                    style: keep(l).then(|| l.style.clone()),
                })
                .collect(),
            bookmarks: self.bookmarks.clone(),
            window_pt: self.window_pt,
            table: self
                .table
                .as_ref()
                .and_then(|t| self.layers.get(t.layer))
                .map(|l| l.id.clone()),
            dms: self.dms,
            save_dir: self.files.save_dir.clone(),
            labels: self.label_language,
            open_dir: self.files.open_dir.clone(),
            ..Session::default()
        }
    }

    /// Write the session now (atomically), if it changed since the last write.
    pub fn save_session(&mut self) {
        let Some(path) = self.session_file.clone() else {
            return;
        };
        let json = self.session_snapshot().to_json();
        if self.saved_session.as_deref() == Some(json.as_str()) {
            return;
        }
        match write_session_file(&path, &json) {
            Ok(()) => self.saved_session = Some(json),
            Err(e) if !self.session_write_failed => {
                self.session_write_failed = true;
                self.notify(
                    Level::Warning,
                    format!("{}: cannot save the session: {e}", path.display()),
                );
            }
            Err(_) => {}
        }
    }

    /// Save every few seconds when something changed (and on exit).
    pub(super) fn autosave_session(&mut self, now_s: f64) {
        if now_s - self.last_session_check_s >= SAVE_EVERY_S {
            self.last_session_check_s = now_s;
            self.save_session();
        }
    }

    /// Hand the session to the crash reporter (when it is on) a few times a second, so a panic
    /// saves it as it stood.
    pub(super) fn remember_session_for_crash(&mut self, now_s: f64) {
        if crate::io::crash::installed_dir().is_none() || now_s - self.last_crash_snapshot_s < 0.25
        {
            return;
        }
        self.last_crash_snapshot_s = now_s;
        if let Some(path) = &self.session_file {
            crate::io::crash::remember_session(path, self.session_snapshot().to_json());
        }
    }

    /// Open the attribute table the session had open, once its layer is there.
    pub(super) fn reopen_table(&mut self) {
        let Some(id) = &self.restore_table else {
            return;
        };
        if let Some(i) = self.layer_index(id) {
            self.table = Some(super::table_ui::TableState::new(i));
            self.restore_table = None;
        }
    }

    /// Put a layer opened from a file in its place: a file of the restored session gets its
    /// saved title, style, visibility and place in the draw order; any other goes on top.
    pub(super) fn add_file_layer(&mut self, mut layer: Layer, path: &Path) {
        if !self.restoring.remove(path) {
            // An area layer goes under the line and point layers (above the area layers already
            // at the bottom); anything else on top. The user can drag it elsewhere.
            let areas = crate::model::layer::mostly_areas(&layer.features);
            let at = self
                .layers
                .iter()
                .take_while(|l| crate::model::layer::mostly_areas(&l.features))
                .count();
            self.layers.push(layer);
            if areas {
                // Everything that points at layers by index follows (the selection, the table).
                self.move_layer(self.layers.len() - 1, at);
            }
            return;
        }
        let rank_of = |saved: &[SavedLayer], l: &Layer| {
            saved.iter().position(|s| match &l.origin {
                LayerOrigin::File(p) => s.file.as_deref() == Some(p.as_path()),
                LayerOrigin::Catalog => s.file.is_none() && s.id == l.id,
            })
        };
        let Some(rank) = rank_of(&self.saved_layers, &layer) else {
            self.layers.push(layer);
            return;
        };
        apply_saved(&mut layer, &self.saved_layers[rank]);
        let reopen_table = self.restore_table.is_some();
        let at = self
            .layers
            .iter()
            .position(|l| rank_of(&self.saved_layers, l).is_none_or(|r| r > rank))
            .unwrap_or(self.layers.len());
        // Added on top, then moved to its place: every index into the layers follows.
        self.layers.push(layer);
        self.move_layer(self.layers.len() - 1, at);
        if reopen_table {
            self.reopen_table();
        }
    }
}

/// A saved layer's visibility, title and style.
fn apply_saved(layer: &mut Layer, saved: &SavedLayer) {
    layer.visible = saved.visible;
    if let Some(title) = saved.title.as_ref().filter(|t| !t.trim().is_empty()) {
        layer.retitle(title);
    }
    if let Some(style) = &saved.style {
        layer.style = style.clone();
        layer.customised = true;
    }
}
