//! The egui/walkers shell: a thin layer over the model. UI functions read the state and return
//! [`Command`]s; [`CorridorApp::apply`] is the one place that changes it.

mod bookmarks_ui;
mod briefing_ui;
pub mod command;
pub mod deck_ui;
mod export;
pub mod file_dialog;
mod inspector_ui;
mod layer_properties_ui;
mod layers_ui;
mod map_ui;
pub mod measure_ui;
mod open_files;
mod search_ui;
mod session;
mod sources_ui;
mod table_ui;

pub use map_ui::features_at;
pub use session::{default_session_path, save_loop, save_loop_sessions, write_session_file};

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use walkers::{MapMemory, Position};

pub use command::{BasemapSource, Command};

use crate::io::basemap_assets::load_basemap;
use crate::io::catalog::{find_maps_dir, load_catalog};
use crate::model::basemap::Basemap;
use crate::model::classify::ColorBy;
use crate::model::coords::{format_decimal, format_dms};
use crate::model::layer::{Layer, index_after_move};
use crate::model::style::Categories;
use crate::model::units::group_thousands;
use crate::model::view::{LonLat, WorldRect, zoom_to_fit};
use crate::model::views::PAKISTAN;
use crate::render::{FeatureRef, View};

/// How sure a message is bad news.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Something happened as asked.
    Info,
    /// Something was skipped; the rest works.
    Warning,
    /// Something failed.
    Error,
}

/// A message in the message panel.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// Severity.
    pub level: Level,
    /// What happened, naming the file and place.
    pub text: String,
}

/// Start-up options (from the command line).
#[derive(Clone, Debug, Default)]
pub struct AppOptions {
    /// The `maps/` directory; found automatically when `None`.
    pub maps_dir: Option<PathBuf>,
    /// Where the session is saved and restored; `None`: not kept.
    pub session_file: Option<PathBuf>,
    /// GeoJSON files to open as layers at start (after the session's own).
    pub open_files: Vec<PathBuf>,
    /// The tile cache folder; `None`: the user's (see [`crate::tiles::cache_dir`]).
    pub cache_dir: Option<PathBuf>,
    /// Which dialogs ask for files to open and save.
    pub file_dialogs: file_dialog::FileDialogs,
}

/// Vector tile packs by file, with their metadata.
type VectorPacks = std::collections::HashMap<
    PathBuf,
    (
        crate::tiles::mbtiles::PackMeta,
        crate::tiles::vector::VectorTiles,
    ),
>;

/// See [`CorridorApp::vector_source`] (over the fields, so the map can borrow others).
fn vector_source<'a>(
    source: &BasemapSource,
    detail_pack: Option<&PathBuf>,
    packs: &'a VectorPacks,
    servers: &'a std::collections::HashMap<String, crate::tiles::vector::VectorTiles>,
    hybrid: bool,
    zoom: f64,
) -> Option<(&'a crate::tiles::vector::VectorTiles, bool)> {
    match source {
        BasemapSource::OfflineAtlas => detail_pack
            .filter(|_| zoom >= crate::tiles::vector::DETAIL_FROM_ZOOM)
            .and_then(|p| packs.get(p))
            .map(|(_, v)| (v, true)),
        BasemapSource::Pack(p) => packs.get(p).map(|(_, v)| (v, hybrid)),
        BasemapSource::Tiles(spec) => servers.get(&spec.url_template).map(|v| (v, hybrid)),
    }
}

/// A repaint request for `ctx`, for worker threads to call when their work arrives.
fn repaint_from(ctx: &egui::Context) -> Box<dyn Fn() + Send + Sync> {
    let ctx = ctx.clone();
    Box::new(move || ctx.request_repaint())
}

/// A screenshot on its way, to be cropped to the map and saved.
struct PendingExport {
    to: export::ExportTarget,
    image: Arc<Mutex<Option<Arc<egui::ColorImage>>>>,
}

/// The application: loaded layers, basemap, view and UI state.
pub struct CorridorApp {
    /// Thematic layers, bottom first.
    pub layers: Vec<Layer>,
    /// Categories shared by the categorized layers.
    pub categories: Option<Categories>,
    /// Title of the loaded catalog.
    pub title: String,
    basemap: std::sync::Arc<Basemap>,
    /// walkers' view state (centre, zoom).
    pub map_memory: MapMemory,
    /// The chosen basemap.
    pub basemap_source: BasemapSource,
    /// Tiles per source (by URL template), kept when switching away so the cache stays warm.
    tiles: std::collections::HashMap<String, crate::tiles::ServerTiles>,
    /// Tile sources the user added.
    pub tile_sources: Vec<crate::tiles::source::TileSourceSpec>,
    /// Draw the offline basemap's boundaries and labels over tiles.
    pub hybrid: bool,
    /// Opacity of tiles over the offline basemap.
    pub tile_opacity: f32,
    /// The most the tile cache may hold, in MB.
    pub cache_limit_mb: u32,
    /// The tile cache's size when last measured, in bytes, and when (app time, s).
    cache_size: Option<(u64, f64)>,
    /// The tile cache folder.
    pub cache_dir: Option<PathBuf>,
    /// Whether the tiles arrive, and when to ask again for failed ones.
    pub tile_health: crate::tiles::health::TileHealth,
    /// Raster tile packs that were opened, by file.
    packs: std::collections::HashMap<PathBuf, crate::tiles::PackTiles>,
    /// Vector tile packs that were opened, by file, with what each says about itself.
    vector_packs: VectorPacks,
    /// Vector tile servers, by URL template.
    vector_servers: std::collections::HashMap<String, crate::tiles::vector::VectorTiles>,
    /// The vector pack (in `maps/`) whose OpenStreetMap detail the offline atlas draws.
    pub detail_pack: Option<PathBuf>,
    /// The vector basemap feature last clicked, shown when no corridor feature is selected.
    pub osm_pick: Option<crate::tiles::vector::draw::Pickable>,
    /// How the vector tiles' labels went in the last frame.
    pub label_report: crate::tiles::vector::draw::LabelReport,
    /// The form for a new tile source, when open.
    add_source: Option<sources_ui::AddSourceState>,
    /// The selected feature.
    pub selection: Option<FeatureRef>,
    /// Several features under a click: the user picks one.
    pick_list: Option<(egui::Pos2, Vec<FeatureRef>)>,
    /// Messages for the user.
    pub messages: Vec<Message>,
    /// The open and save dialogs, and the folders last used.
    pub files: file_dialog::FileChooser,
    pending_export: Option<PendingExport>,
    /// The system clipboard, opened at the first copy (on X11 and Wayland this process serves
    /// what it copied, so it stays open).
    clipboard: Option<crate::io::clipboard::ImageClipboard>,
    /// The briefing export dialog, when open.
    briefing: Option<briefing_ui::BriefingDialog>,
    /// The briefing deck dialog, when open (and the deck it is writing).
    deck: Option<deck_ui::DeckDialog>,
    /// Files being opened in the background.
    loading: Option<open_files::Loading>,
    /// Files to open once the batch being loaded is done.
    queued_files: Vec<PathBuf>,
    /// The search box, when open.
    search: Option<search_ui::SearchState>,
    /// Named views.
    pub bookmarks: Vec<crate::model::session::Bookmark>,
    /// A measurement in progress: clicks add points instead of selecting.
    pub measure: Option<measure_ui::Measure>,
    /// The bookmarks window, when open.
    bookmarks_window: Option<bookmarks_ui::BookmarksState>,
    /// The layer whose properties window is open.
    pub layer_properties: Option<usize>,
    /// The attribute table, when open.
    pub table: Option<table_ui::TableState>,
    /// Cursor coordinates in degrees, minutes, seconds rather than decimal degrees.
    pub dms: bool,
    /// The language of the map's labels (the UI stays English).
    pub label_language: crate::model::label_language::LabelLanguage,
    session_file: Option<PathBuf>,
    saved_session: Option<String>,
    session_write_failed: bool,
    last_session_check_s: f64,
    /// When the session was last handed to the crash reporter, in seconds of egui time.
    last_crash_snapshot_s: f64,
    /// The window's inner size now, in points (kept in the session).
    window_pt: Option<[f32; 2]>,
    /// The window size still to set at start: `Some(saved)` once a session is read (`None`
    /// inside for a first start, which fills most of the screen).
    window_at_start: Option<Option<[f32; 2]>>,
    /// The attribute table to open again when its layer arrives.
    restore_table: Option<String>,
    /// Files of the restored session still to arrive.
    restoring: std::collections::HashSet<PathBuf>,
    /// The restored session's layers, for the files' titles, styles and places.
    saved_layers: Vec<crate::model::session::SavedLayer>,
    /// How many files have been opened (picks their colours).
    file_layers_opened: usize,
    /// The layers drawn as one mesh, reused between frames.
    pub layer_batch: crate::render::batch::LayerBatch,
    /// Heavy vector tiles drawn as one image in the background, reused between frames.
    pub tile_batch: crate::render::batch::LayerBatch,
    /// Changes whenever anything the layer batch depends on may have changed.
    pub generation: u64,
    /// The map's view in the last frame (for tests and exports).
    pub last_view: Option<View>,
    view_initialised: bool,
    cursor_lon_lat: Option<LonLat>,
    ctx: egui::Context,
}

impl CorridorApp {
    /// Load the catalog and the basemap. Failures become messages; the app always starts.
    pub fn new(ctx: &egui::Context, options: AppOptions) -> Self {
        let mut messages = Vec::new();
        let basemap = load_basemap().unwrap_or_else(|e| {
            messages.push(Message {
                level: Level::Error,
                text: format!("The offline basemap could not be loaded: {e}"),
            });
            Basemap::default()
        });
        let maps_dir = options.maps_dir.clone().or_else(find_maps_dir);
        let (layers, categories, title) = match maps_dir.clone() {
            Some(dir) => match load_catalog(&dir) {
                Ok(catalog) => {
                    messages.extend(catalog.problems.into_iter().map(|text| Message {
                        level: Level::Warning,
                        text,
                    }));
                    (
                        catalog.layers,
                        catalog.manifest.status_categories,
                        catalog.manifest.title,
                    )
                }
                Err(e) => {
                    messages.push(Message {
                        level: Level::Error,
                        text: format!("The map layers could not be loaded: {e}"),
                    });
                    (Vec::new(), None, String::new())
                }
            },
            None => {
                messages.push(Message {
                    level: Level::Error,
                    text: "No maps/ folder with a manifest.json was found (looked in the current folder and beside the program); start with --maps DIR.".into(),
                });
                (Vec::new(), None, String::new())
            }
        };
        ctx.set_visuals(egui::Visuals::light());
        crate::render::fonts::install(ctx);
        let mut map_memory = MapMemory::default();
        map_memory.center_at(pakistan_center());
        let mut app = Self {
            layers,
            categories,
            title,
            basemap: std::sync::Arc::new(basemap),
            map_memory,
            basemap_source: BasemapSource::OfflineAtlas,
            tiles: Default::default(),
            tile_sources: Vec::new(),
            hybrid: true,
            tile_opacity: 1.0,
            add_source: None,
            packs: Default::default(),
            vector_packs: Default::default(),
            vector_servers: Default::default(),
            detail_pack: None,
            osm_pick: None,
            label_report: Default::default(),
            tile_health: Default::default(),
            cache_limit_mb: crate::model::session::DEFAULT_CACHE_LIMIT_MB,
            cache_size: None,
            cache_dir: options.cache_dir.clone().or_else(crate::tiles::cache_dir),
            selection: None,
            pick_list: None,
            messages,
            files: file_dialog::FileChooser::new(options.file_dialogs),
            pending_export: None,
            clipboard: None,
            briefing: None,
            deck: None,
            loading: None,
            queued_files: Vec::new(),
            search: None,
            bookmarks: crate::model::session::default_bookmarks(),
            bookmarks_window: None,
            layer_properties: None,
            table: None,
            dms: false,
            label_language: Default::default(),
            measure: None,
            session_file: options.session_file.clone(),
            saved_session: None,
            session_write_failed: false,
            last_session_check_s: 0.0,
            last_crash_snapshot_s: f64::NEG_INFINITY,
            window_pt: None,
            window_at_start: None,
            restoring: Default::default(),
            restore_table: None,
            saved_layers: Vec::new(),
            file_layers_opened: 0,
            layer_batch: Default::default(),
            tile_batch: Default::default(),
            generation: 0,
            last_view: None,
            view_initialised: false,
            cursor_lon_lat: None,
            ctx: ctx.clone(),
        };
        // Tile packs placed in maps/ are listed by themselves.
        if let Some(dir) = &maps_dir {
            app.open_packs_in(dir);
            // The first vector pack there gives the offline atlas its OpenStreetMap detail.
            let mut vector: Vec<&PathBuf> = app.vector_packs.keys().collect();
            vector.sort();
            app.detail_pack = vector.first().map(|p| (*p).clone());
        }
        match app.session_file.clone() {
            Some(path) => {
                let session = app.read_session(&path);
                app.restore_session(session);
            }
            None => app.enforce_cache_limit(),
        }
        app.open_files(options.open_files);
        if let Some(dir) = crate::io::crash::installed_dir() {
            app.mention_crash_report(dir);
        }
        app
    }

    /// Say where the report of the last run's crash is, if it left one not yet mentioned.
    pub fn mention_crash_report(&mut self, dir: &std::path::Path) {
        if let Some(report) = crate::io::crash::take_unreported(dir) {
            self.notify(
                Level::Warning,
                format!(
                    "Corridor Viewer stopped unexpectedly last time{}. What happened is in {} (send it with a note of what you were doing)",
                    if report.session_saved {
                        "; the session was saved first"
                    } else {
                        ""
                    },
                    report.path.display()
                ),
            );
        }
    }

    /// Add a message for the user.
    pub fn notify(&mut self, level: Level, text: impl Into<String>) {
        let text = text.into();
        match level {
            Level::Error => log::error!("{text}"),
            Level::Warning => log::warn!("{text}"),
            Level::Info => log::info!("{text}"),
        }
        self.messages.push(Message { level, text });
    }

    /// The pages of the deck dialog, in order (none when it is closed).
    pub fn deck_pages(&self) -> &[deck_ui::DeckEntry] {
        self.deck.as_ref().map_or(&[], |d| d.pages.as_slice())
    }

    /// The layer index of a layer id.
    pub fn layer_index(&self, id: &str) -> Option<usize> {
        self.layers.iter().position(|l| l.id == id)
    }

    /// An app on the repository's maps/, no session, in-app file dialogs (unit tests).
    #[cfg(test)]
    pub(crate) fn for_tests() -> Self {
        Self::new(
            &egui::Context::default(),
            AppOptions {
                maps_dir: Some(std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("maps")),
                session_file: None,
                open_files: Vec::new(),
                cache_dir: None,
                file_dialogs: file_dialog::FileDialogs::InApp,
            },
        )
    }

    /// Apply one user action. The only place that changes the app's state.
    pub fn apply(&mut self, command: Command) {
        let redraws_layers = command.redraws_layers();
        match command {
            Command::OpenFiles => self.choose_file(file_dialog::FilePurpose::OpenLayers, ""),
            Command::LoadFiles(paths) => {
                // A tile pack among them (dropped, or chosen with the layers) becomes the basemap.
                let (packs, files): (Vec<PathBuf>, Vec<PathBuf>) = paths
                    .into_iter()
                    .partition(|p| crate::tiles::pack::is_pack(p));
                packs.into_iter().for_each(|p| self.load_pack(p));
                self.open_files(files);
            }
            Command::OpenBookmarks => self.bookmarks_window = Some(Default::default()),
            Command::CloseBookmarks => self.bookmarks_window = None,
            Command::GoToBookmark(i) => {
                if let Some(rect) = self.bookmarks.get(i).map(|b| b.rect()) {
                    self.fit(rect, 18.0);
                }
            }
            Command::AddBookmark => {
                if let Some(view) = self.last_view {
                    let r = view.visible_world(0.0);
                    let (sw, ne) = (
                        LonLat::from_world(crate::model::view::WorldPos::new(r.min.x, r.max.y)),
                        LonLat::from_world(crate::model::view::WorldPos::new(r.max.x, r.min.y)),
                    );
                    let name = format!("View {}", self.bookmarks.len() + 1);
                    self.bookmarks.push(crate::model::session::Bookmark {
                        name,
                        south_west: [sw.lon, sw.lat],
                        north_east: [ne.lon, ne.lat],
                    });
                }
            }
            Command::RenameBookmark(i, name) => {
                if let Some(b) = self.bookmarks.get_mut(i) {
                    b.name = name;
                }
                if let Some(w) = &mut self.bookmarks_window {
                    w.renaming = None;
                }
            }
            Command::DeleteBookmark(i) => {
                if i < self.bookmarks.len() {
                    self.bookmarks.remove(i);
                }
            }
            Command::OpenSearch => self.search = Some(search_ui::SearchState::new()),
            Command::CloseSearch => self.search = None,
            Command::Choose(r) => {
                self.selection = Some(r);
                self.pick_list = None;
                self.zoom_to_feature(r);
            }
            Command::CancelLoading => {
                if let Some(loading) = &self.loading {
                    loading.cancel();
                }
            }
            Command::RemoveLayer(i) => {
                if i < self.layers.len() {
                    let removed = self.layers.remove(i);
                    // Indices after it moved: forget the selection rather than show another.
                    self.selection = None;
                    self.pick_list = None;
                    self.layer_properties = None;
                    self.table = None;
                    self.notify(
                        Level::Info,
                        format!("Removed the layer \"{}\"", removed.title),
                    );
                }
            }
            Command::MoveLayer { from, to } => self.move_layer(from, to),
            Command::RenameLayer(i, title) => {
                let title = title.trim();
                if let Some(layer) = self.layers.get_mut(i)
                    && !title.is_empty()
                {
                    layer.retitle(title);
                }
            }
            Command::SetLayerStyle(i, style) => {
                if let Some(layer) = self.layers.get_mut(i) {
                    layer.style = *style;
                    layer.customised = true;
                }
            }
            Command::ColorBy(i, property) => {
                if let Some(layer) = self.layers.get_mut(i) {
                    layer.style.color_by = property.map(|p| ColorBy::classify(&layer.features, &p));
                }
            }
            Command::OpenLayerProperties(i) => self.layer_properties = Some(i),
            Command::CloseLayerProperties => self.layer_properties = None,
            Command::OpenTable(i) => self.table = Some(table_ui::TableState::new(i)),
            Command::CloseTable => self.table = None,
            Command::CopyRows(i, rows) => {
                if let Some(layer) = self.layers.get(i) {
                    let columns = crate::model::table::columns(&layer.features);
                    let csv = crate::model::table::to_csv(&layer.features, &columns, &rows);
                    self.ctx.copy_text(csv);
                    let title = layer.title.clone();
                    self.notify(
                        Level::Info,
                        format!(
                            "Copied {} row(s) of \"{title}\" to the clipboard as CSV",
                            rows.len()
                        ),
                    );
                }
            }
            Command::SetDms(dms) => self.dms = dms,
            Command::SetLabels(language) => self.label_language = language,
            Command::ZoomToLayer(i) => {
                if let Some(bbox) = self.layers.get(i).and_then(|l| l.bbox) {
                    self.fit(bbox, 14.0);
                }
            }
            Command::ExportPng => {
                let title = self.view_title();
                self.choose_file(file_dialog::FilePurpose::ExportMap, &title);
            }
            Command::ExportPngTo(path) => self.start_export(export::ExportTarget::File(path)),
            Command::CopyMapImage => self.start_export(export::ExportTarget::Clipboard),
            Command::CopyBriefing => self.copy_briefing(),
            Command::OpenBriefingDialog => self.open_briefing_dialog(),
            Command::SaveBriefing(format) => {
                let title = self
                    .briefing
                    .as_ref()
                    .map(|b| b.composition.title.clone())
                    .unwrap_or_default();
                self.choose_file(file_dialog::FilePurpose::SaveBriefing(format), &title);
            }
            Command::OpenDeckDialog => self.open_deck_dialog(),
            Command::ExportDeck(format) => {
                let title = format!("{} briefing deck", self.title);
                self.choose_file(file_dialog::FilePurpose::SaveDeck(format), &title);
            }
            Command::ExportDeckTo(path) => self.export_deck(path),
            Command::CancelDeck => self.cancel_deck(),
            Command::CloseDeckDialog => {
                self.cancel_deck();
                self.deck = None;
            }
            Command::SaveBriefingTo(path) => self.save_briefing(&path),
            Command::CloseBriefingDialog => self.briefing = None,
            Command::ZoomIn => {
                let _ = self.map_memory.zoom_in();
            }
            Command::ZoomOut => {
                let _ = self.map_memory.zoom_out();
            }
            Command::ResetView => self.view_initialised = false,
            Command::Pan(fx, fy) => self.pan(fx, fy),
            Command::Dismiss => {
                if egui::Popup::is_any_open(&self.ctx) {
                    egui::Popup::close_all(&self.ctx);
                } else {
                    // The first window open, in this order, is closed (`||` stops there).
                    let closed = self.files.close()
                        || self.pick_list.take().is_some()
                        || self.search.take().is_some()
                        || self.bookmarks_window.take().is_some()
                        || self.layer_properties.take().is_some()
                        || self.add_source.take().is_some()
                        || self.briefing.take().is_some();
                    if !closed {
                        self.apply(Command::ClearSelection);
                    }
                }
            }
            Command::ClearSelection => {
                self.selection = None;
                self.osm_pick = None;
                self.pick_list = None;
                self.measure = None;
            }
            Command::Measure(mode) => {
                self.measure = Some(measure_ui::Measure {
                    mode,
                    points: Vec::new(),
                });
                self.pick_list = None;
            }
            Command::AddMeasurePoint(p) => {
                if let Some(m) = &mut self.measure {
                    m.points.push(p);
                }
            }
            Command::Select(r) => {
                self.selection = Some(r);
                self.osm_pick = None;
                self.pick_list = None;
            }
            Command::SelectOsm(p) => {
                self.selection = None;
                self.pick_list = None;
                self.osm_pick = Some(p);
            }
            Command::OpenPickList(pos, refs) => self.pick_list = Some((pos, refs)),
            Command::ZoomToFeature(r) => self.zoom_to_feature(r),
            Command::SetLayerVisible(i, visible) => {
                if let Some(layer) = self.layers.get_mut(i) {
                    layer.visible = visible;
                }
            }
            Command::SetBasemap(source) => self.set_basemap(source),
            Command::OpenAddTileSource => self.add_source = Some(Default::default()),
            Command::CloseAddTileSource => self.add_source = None,
            Command::AddTileSource(spec) => {
                self.tile_sources
                    .retain(|s| s.url_template != spec.url_template);
                self.tile_sources.push(spec.clone());
                self.add_source = None;
                self.set_basemap(BasemapSource::Tiles(spec));
            }
            Command::RemoveTileSource(i) => {
                if i < self.tile_sources.len() {
                    let removed = self.tile_sources.remove(i);
                    if self.basemap_source.tiles() == Some(&removed) {
                        self.set_basemap(BasemapSource::OfflineAtlas);
                    }
                }
            }
            Command::SetHybrid(on) => self.hybrid = on,
            Command::SetTileOpacity(o) => self.tile_opacity = o.clamp(0.0, 1.0),
            Command::ClearTileCache => self.clear_tile_cache(),
            Command::OpenTilePack => {
                self.choose_file(file_dialog::FilePurpose::OpenTilePack, "");
            }
            Command::LoadTilePack(path) => self.load_pack(path),
            Command::SetCacheLimit(mb) => self.cache_limit_mb = mb.max(1),
            Command::DismissMessage(i) => {
                if i < self.messages.len() {
                    self.messages.remove(i);
                }
            }
            Command::Quit => self.ctx.send_viewport_cmd(egui::ViewportCommand::Close),
        }
        if redraws_layers {
            self.generation += 1;
        }
        self.ctx.request_repaint();
    }

    /// Move a layer in the draw order; everything that points at layers by index follows.
    pub(super) fn move_layer(&mut self, from: usize, to: usize) {
        if from == to || from >= self.layers.len() || to >= self.layers.len() {
            return;
        }
        let layer = self.layers.remove(from);
        self.layers.insert(to, layer);
        let remap = |i: usize| index_after_move(i, from, to);
        if let Some(r) = &mut self.selection {
            r.layer = remap(r.layer);
        }
        if let Some((_, refs)) = &mut self.pick_list {
            refs.iter_mut().for_each(|r| r.layer = remap(r.layer));
        }
        if let Some(i) = &mut self.layer_properties {
            *i = remap(*i);
        }
        if let Some(t) = &mut self.table {
            t.layer = remap(t.layer);
        }
    }

    fn current_center(&self) -> LonLat {
        let p = self.map_memory.detached().unwrap_or_else(pakistan_center);
        LonLat::new(p.x(), p.y())
    }

    fn pan(&mut self, fx: f32, fy: f32) {
        let Some(view) = self.last_view else { return };
        let center = self.current_center().to_world();
        let dx = view
            .transform
            .px_to_world(f64::from(fx * view.rect.width()));
        let dy = view
            .transform
            .px_to_world(f64::from(fy * view.rect.height()));
        let moved = LonLat::from_world(crate::model::view::WorldPos::new(
            center.x + dx,
            center.y + dy,
        ));
        self.map_memory
            .center_at(walkers::lon_lat(moved.lon, moved.lat));
    }

    fn zoom_to_feature(&mut self, r: FeatureRef) {
        let Some(bbox) = self
            .layers
            .get(r.layer)
            .and_then(|l| l.features.get(r.feature))
            .and_then(|f| f.bbox())
        else {
            return;
        };
        self.fit(bbox, 11.0);
    }

    /// Centre on `rect` at the zoom that fits it in the map, at most `max_zoom`.
    fn fit(&mut self, rect: WorldRect, max_zoom: f64) {
        let size = self
            .last_view
            .map(|v| [f64::from(v.rect.width()), f64::from(v.rect.height())])
            .unwrap_or([1000.0, 700.0]);
        self.fit_in(rect, size, 40.0, max_zoom);
    }

    /// Centre on `rect` at the zoom that fits it in `size_pt` with `margin_pt` free around it.
    fn fit_in(&mut self, rect: WorldRect, size_pt: [f64; 2], margin_pt: f64, max_zoom: f64) {
        let zoom = zoom_to_fit(rect, size_pt, margin_pt).clamp(2.0, max_zoom);
        let c = LonLat::from_world(rect.center());
        self.map_memory.center_at(walkers::lon_lat(c.lon, c.lat));
        let _ = self.map_memory.set_zoom(zoom);
    }

    fn set_basemap(&mut self, source: BasemapSource) {
        self.tile_health = Default::default();
        if let BasemapSource::Tiles(spec) = &source {
            let key = &spec.url_template;
            let opened = if spec.is_vector() {
                if self.vector_servers.contains_key(key) {
                    Ok(())
                } else {
                    crate::tiles::vector::from_server(
                        spec,
                        self.cache_dir.as_deref(),
                        repaint_from(&self.ctx),
                    )
                    .map(|v| {
                        self.vector_servers.insert(key.clone(), v);
                    })
                }
            } else if self.tiles.contains_key(key) {
                Ok(())
            } else {
                crate::tiles::ServerTiles::new(spec, &self.ctx, self.cache_dir.clone()).map(|t| {
                    self.tiles.insert(key.clone(), t);
                })
            };
            if let Err(e) = opened {
                self.notify(
                    Level::Error,
                    format!(
                        "{}: not opened: {e}; the basemap stays as it was",
                        spec.name
                    ),
                );
                return;
            }
        }
        self.basemap_source = source;
    }

    /// The vector tiles the map draws now, and whether the offline atlas lies under them with
    /// its own boundaries and names: the chosen vector basemap, or the atlas's OpenStreetMap
    /// detail from its zoom on.
    pub fn vector_source(&self, zoom: f64) -> Option<(&crate::tiles::vector::VectorTiles, bool)> {
        vector_source(
            &self.basemap_source,
            self.detail_pack.as_ref(),
            &self.vector_packs,
            &self.vector_servers,
            self.hybrid,
            zoom,
        )
    }

    /// The chosen basemap's vector tiles, if it has them (not the atlas's detail).
    pub fn vector_basemap(&self) -> Option<&crate::tiles::vector::VectorTiles> {
        match &self.basemap_source {
            BasemapSource::OfflineAtlas => None,
            BasemapSource::Pack(p) => self.vector_packs.get(p).map(|(_, v)| v),
            BasemapSource::Tiles(spec) => self.vector_servers.get(&spec.url_template),
        }
    }

    /// Open a tile pack and show it; one that cannot be used is reported and the basemap stays.
    fn load_pack(&mut self, path: PathBuf) {
        if !self.packs.contains_key(&path)
            && !self.vector_packs.contains_key(&path)
            && let Err(e) = self.open_pack(&path)
        {
            self.notify(Level::Error, format!("Tile pack not opened: {e}"));
            return;
        }
        self.set_basemap(BasemapSource::Pack(path));
    }

    /// Open the `.mbtiles` and `.pmtiles` packs in `dir` (not shown until chosen); bad ones are
    /// reported.
    fn open_packs_in(&mut self, dir: &std::path::Path) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| crate::tiles::pack::is_pack(p))
            .collect();
        paths.sort();
        for path in paths {
            if let Err(e) = self.open_pack(&path) {
                self.notify(Level::Warning, format!("Tile pack not listed: {e}"));
            }
        }
    }

    /// Open a pack and keep it among the packs.
    fn open_pack(
        &mut self,
        path: &std::path::Path,
    ) -> Result<(), crate::tiles::mbtiles::PackError> {
        let pack = crate::tiles::pack::TilePack::open(path)?;
        if pack.meta().is_vector() {
            let meta = pack.meta().clone();
            let tiles = crate::tiles::vector::from_pack(pack, repaint_from(&self.ctx));
            self.vector_packs.insert(path.to_path_buf(), (meta, tiles));
        } else {
            let tiles = crate::tiles::PackTiles::new(pack, &self.ctx);
            self.packs.insert(path.to_path_buf(), tiles);
        }
        Ok(())
    }

    /// What an open pack (raster or vector) says about itself.
    pub fn pack_meta(&self, path: &std::path::Path) -> Option<&crate::tiles::mbtiles::PackMeta> {
        self.packs
            .get(path)
            .map(crate::tiles::PackTiles::meta)
            .or_else(|| self.vector_packs.get(path).map(|(m, _)| m))
    }

    /// The tile packs that are open (raster and vector), sorted by file.
    pub fn pack_list(&self) -> Vec<(&std::path::Path, &crate::tiles::mbtiles::PackMeta)> {
        let mut list: Vec<_> = self
            .packs
            .values()
            .map(|t| (t.path(), t.meta()))
            .chain(self.vector_packs.iter().map(|(p, (m, _))| (p.as_path(), m)))
            .collect();
        list.sort_by(|a, b| a.0.cmp(b.0));
        list
    }

    /// Empty the tile cache: the loaders let go of it first, then the current source starts
    /// afresh.
    fn clear_tile_cache(&mut self) {
        let Some(dir) = crate::tiles::cache_dir() else {
            self.notify(
                Level::Warning,
                "This system has no cache folder; nothing to clear.",
            );
            return;
        };
        self.tiles.clear();
        self.vector_servers.clear();
        match crate::tiles::cache::clear_dir(&dir) {
            Ok(freed) => self.notify(
                Level::Info,
                format!(
                    "Cleared the tile cache ({:.1} MB) in {}",
                    freed as f64 / 1e6,
                    dir.display()
                ),
            ),
            Err(e) => self.notify(
                Level::Error,
                format!("{}: cannot clear the tile cache: {e}", dir.display()),
            ),
        }
        self.cache_size = None;
        self.set_basemap(self.basemap_source.clone());
    }

    /// At start, before any tiles load: a cache past its limit is emptied.
    pub(super) fn enforce_cache_limit(&mut self) {
        let Some(dir) = self.cache_dir.clone() else {
            return;
        };
        let limit = u64::from(self.cache_limit_mb) * 1_000_000;
        match crate::tiles::cache::dir_size(&dir) {
            Ok(size) if size > limit => match crate::tiles::cache::clear_dir(&dir) {
                Ok(_) => self.notify(
                    Level::Info,
                    format!(
                        "The tile cache had grown to {:.0} MB, past its limit of {} MB, and was emptied",
                        size as f64 / 1e6,
                        self.cache_limit_mb
                    ),
                ),
                Err(e) => self.notify(
                    Level::Warning,
                    format!("{}: cannot empty the tile cache: {e}", dir.display()),
                ),
            },
            Ok(_) => {}
            Err(e) => log::warn!("{}: cannot measure the tile cache: {e}", dir.display()),
        }
    }

    /// The tile cache's size in bytes, measured at most every few seconds.
    pub(super) fn cache_size_bytes(&mut self, now_s: f64) -> Option<u64> {
        if self.cache_size.is_none_or(|(_, at)| now_s - at > 3.0) {
            let size = self
                .cache_dir
                .as_deref()
                .and_then(|d| crate::tiles::cache::dir_size(d).ok());
            self.cache_size = size.map(|s| (s, now_s));
        }
        self.cache_size.map(|(s, _)| s)
    }

    /// Fit Pakistan into the map on the first frame (and after "Show all of Pakistan").
    fn initialise_view(&mut self, map_rect: egui::Rect) {
        if self.view_initialised {
            return;
        }
        self.view_initialised = true;
        let size = [f64::from(map_rect.width()), f64::from(map_rect.height())];
        self.fit_in(PAKISTAN.rect(), size, 24.0, 18.0);
    }

    /// The whole window.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        self.window_size_ui(ui.ctx());
        self.poll_export();
        self.poll_loading();
        let now_s = ui.input(|i| i.time);
        self.autosave_session(now_s);
        self.remember_session_for_crash(now_s);
        let mut commands = Vec::new();
        let dropped: Vec<PathBuf> = ui.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        if !dropped.is_empty() {
            commands.push(Command::LoadFiles(dropped));
        }
        if ui.input(|i| !i.raw.hovered_files.is_empty()) {
            let painter = ui.ctx().layer_painter(egui::LayerId::new(
                egui::Order::Foreground,
                egui::Id::unique("file_drop_overlay"),
            ));
            let rect = ui.ctx().content_rect();
            painter.rect_filled(rect, 0.0, egui::Color32::from_black_alpha(120));
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                "Drop GeoJSON files to open them as layers",
                egui::FontId::proportional(22.0),
                egui::Color32::WHITE,
            );
        }
        // While a text field has the keyboard, plain keys (arrows, +, −, Home, Esc) are its own.
        let typing = ui.ctx().egui_wants_keyboard_input();
        for command in Command::WITH_SHORTCUTS {
            if let Some(shortcut) = command.shortcut()
                && !(typing && shortcut.modifiers.is_none())
                && ui.input_mut(|i| i.consume_shortcut(&shortcut))
            {
                commands.push(command);
            }
        }
        // `=` is where `+` is on most keyboards.
        if !typing && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Equals)) {
            commands.push(Command::ZoomIn);
        }

        egui::Panel::top("menu_bar").show(ui, |ui| self.menu_bar_ui(ui, &mut commands));
        egui::Panel::bottom("status_bar").show(ui, |ui| self.status_bar_ui(ui, &mut commands));
        if self.table.is_some() {
            egui::Panel::bottom("attribute_table")
                .resizable(true)
                .default_size(230.0)
                .show(ui, |ui| table_ui::table_ui(self, ui, &mut commands));
        }
        egui::Panel::left("layers_panel")
            .resizable(true)
            .default_size(315.0)
            .show(ui, |ui| layers_ui::layers_ui(self, ui, &mut commands));
        // Always docked, so the map does not jump when a feature is selected.
        egui::Panel::right("inspector_panel")
            .resizable(true)
            .default_size(330.0)
            .show(ui, |ui| inspector_ui::inspector_ui(self, ui, &mut commands));
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| map_ui::map_ui(self, ui, &mut commands));
        let ctx = ui.ctx().clone();
        briefing_ui::briefing_ui(self, &ctx, &mut commands);
        deck_ui::deck_ui(self, &ctx, &mut commands);
        search_ui::search_ui(self, &ctx, &mut commands);
        bookmarks_ui::bookmarks_ui(self, &ctx, &mut commands);
        layer_properties_ui::layer_properties_ui(self, &ctx, &mut commands);
        sources_ui::add_source_ui(self, &ctx, &mut commands);
        file_dialog::file_dialog_ui(self, &ctx, &mut commands);

        for command in commands {
            self.apply(command);
        }
    }

    fn menu_bar_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                command_button(ui, Command::OpenFiles, commands);
                ui.separator();
                command_button(ui, Command::ExportPng, commands);
                command_button(ui, Command::CopyMapImage, commands);
                command_button(ui, Command::OpenBriefingDialog, commands);
                command_button(ui, Command::OpenDeckDialog, commands);
                ui.separator();
                command_button(ui, Command::Quit, commands);
            });
            ui.menu_button("View", |ui| {
                command_button(ui, Command::OpenSearch, commands);
                command_button(ui, Command::OpenBookmarks, commands);
                ui.separator();
                command_button(ui, Command::Measure(measure_ui::MeasureMode::Distance), commands);
                command_button(ui, Command::Measure(measure_ui::MeasureMode::Area), commands);
                ui.separator();
                command_button(ui, Command::ZoomIn, commands);
                command_button(ui, Command::ZoomOut, commands);
                command_button(ui, Command::ResetView, commands);
                ui.separator();
                ui.menu_button("Labels", |ui| {
                    for language in crate::model::label_language::LabelLanguage::ALL {
                        let command = Command::SetLabels(language);
                        if ui
                            .radio(self.label_language == language, command.label())
                            .on_hover_text(command.tooltip())
                            .clicked()
                        {
                            commands.push(command);
                            ui.close();
                        }
                    }
                });
                if self.selection.is_some() {
                    command_button(ui, Command::ClearSelection, commands);
                }
            });
            ui.menu_button("Basemap", |ui| {
                let now = ui.input(|i| i.time);
                let cache_bytes = self.cache_size_bytes(now);
                sources_ui::basemap_menu_ui(self, ui, cache_bytes, commands);
            });
            ui.menu_button("Help", |ui| {
                ui.label(egui::RichText::new("Corridor Viewer").strong());
                ui.label(format!("Version {}", env!("CARGO_PKG_VERSION")));
                ui.label(crate::io::basemap_assets::BASEMAP_ATTRIBUTION);
                ui.label("OpenStreetMap data and traced routes © OpenStreetMap contributors (ODbL 1.0)");
                ui.label("Fonts: Noto, SIL Open Font License 1.1");
                ui.label("Boundaries are not authoritative.");
                ui.label("Keys: arrows pan, + / − zoom, Home shows Pakistan, Esc closes the open menu or window (else clears the selection), Ctrl+F searches, Ctrl+B bookmarks, Ctrl+E exports.");
            });
            ui.separator();
            ui.label(egui::RichText::new(&self.title).strong());
        });
    }

    /// Size the window once at start (see [`crate::model::session::window_size_at_start`]),
    /// and note its size for the session.
    fn window_size_ui(&mut self, ctx: &egui::Context) {
        let (inner, monitor) = ctx.input(|i| {
            let v = i.viewport();
            (v.inner_rect, v.monitor_size)
        });
        self.window_pt = inner.map(|r| [r.width(), r.height()]);
        if let Some(saved) = self.window_at_start
            && let Some([w, h]) =
                crate::model::session::window_size_at_start(saved, monitor.map(|m| [m.x, m.y]))
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::InnerSize(egui::vec2(w, h)));
            self.window_at_start = None;
        }
    }

    fn status_bar_ui(&self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        if let Some(loading) = &self.loading {
            ui.horizontal(|ui| {
                // No spinner: it repaints every frame, and a software-rendered window then
                // takes a core from the load it reports on.
                let file = loading
                    .current
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                let p = &loading.progress;
                let mb = |b: &std::sync::atomic::AtomicU64| {
                    b.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1e6
                };
                ui.label(format!(
                    "Loading file {} of {}: {file} — {:.1} of {:.1} MB read, {} features",
                    loading.done + 1,
                    loading.total,
                    mb(&p.bytes_read),
                    mb(&p.bytes_total),
                    group_thousands(p.features.load(std::sync::atomic::Ordering::Relaxed) as f64),
                ));
                ui.add(egui::ProgressBar::new(loading.fraction()).desired_width(120.0));
                // The counters move on another thread: look again four times a second.
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(250));
                if ui
                    .button(Command::CancelLoading.label())
                    .on_hover_text(Command::CancelLoading.tooltip())
                    .clicked()
                {
                    commands.push(Command::CancelLoading);
                }
            });
        }
        for (i, m) in self.messages.iter().enumerate().rev().take(4) {
            ui.horizontal(|ui| {
                let (icon, color) = match m.level {
                    Level::Info => ("Info:", ui.visuals().text_color()),
                    Level::Warning => ("Warning:", ui.visuals().warn_fg_color),
                    Level::Error => ("Error:", ui.visuals().error_fg_color),
                };
                if ui
                    .small_button("×")
                    .on_hover_text(Command::DismissMessage(i).tooltip())
                    .clicked()
                {
                    commands.push(Command::DismissMessage(i));
                }
                ui.add(
                    egui::Label::new(
                        egui::RichText::new(format!("{icon} {}", m.text)).color(color),
                    )
                    .wrap(),
                );
            });
        }
        if self.messages.len() > 4 {
            ui.label(format!(
                "… and {} earlier messages",
                self.messages.len() - 4
            ));
        }
        if let Some(m) = &self.measure {
            ui.horizontal(|ui| {
                ui.label(egui::RichText::new(m.summary()).strong());
                if ui.small_button("Clear").clicked() {
                    commands.push(Command::ClearSelection);
                }
            });
        }
        ui.horizontal(|ui| {
            let text = match self.cursor_lon_lat {
                Some(p) if self.dms => format_dms(p),
                Some(p) => format_decimal(p),
                None => " ".into(),
            };
            // The toggle first, so it stays put while the text beside it changes.
            let toggle = Command::SetDms(!self.dms);
            if ui
                .selectable_label(self.dms, "DMS")
                .on_hover_text(toggle.label())
                .clicked()
            {
                commands.push(toggle);
            }
            ui.monospace(text);
            ui.separator();
            ui.label(format!("zoom {:.1}", self.map_memory.zoom()));
        });
    }
}

/// A menu item for a command: label, shortcut text, tooltip.
pub(super) fn command_button(ui: &mut egui::Ui, command: Command, commands: &mut Vec<Command>) {
    let mut button = egui::Button::new(command.label());
    if let Some(shortcut) = command.shortcut() {
        button = button.shortcut_text(ui.ctx().format_shortcut(&shortcut));
    }
    if ui.add(button).on_hover_text(command.tooltip()).clicked() {
        commands.push(command);
        ui.close();
    }
}

fn pakistan_center() -> Position {
    let c = LonLat::from_world(PAKISTAN.rect().center());
    walkers::lon_lat(c.lon, c.lat)
}

impl eframe::App for CorridorApp {
    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.save_session();
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        CorridorApp::ui(self, ui);
    }
}

/// Start the desktop app.
pub fn run(options: AppOptions) -> anyhow::Result<()> {
    // walkers builds reqwest/rustls without a crypto provider; install one before any tiles.
    crate::tiles::install_tls();
    let native_options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Corridor Viewer — CPEC phase two")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([640.0, 420.0]),
        ..Default::default()
    };
    eframe::run_native(
        "corridor-viewer",
        native_options,
        Box::new(move |cc| Ok(Box::new(CorridorApp::new(&cc.egui_ctx, options)))),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}
