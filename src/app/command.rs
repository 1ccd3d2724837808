//! Every user action as one enum. Each variant knows its label, tooltip and shortcut, so the
//! menus, buttons and keyboard stay in step; [`super::CorridorApp::apply`] is the one place
//! that changes the app's state.

use std::path::PathBuf;

use crate::export::deck::OutputFormat;

use egui::{Key, KeyboardShortcut, Modifiers};

use super::measure_ui::MeasureMode;
use crate::model::style::LayerStyle;
use crate::model::view::LonLat;
use crate::render::FeatureRef;
use crate::tiles::source::TileSourceSpec;

/// The basemap under the layers.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum BasemapSource {
    /// The embedded vector atlas basemap: works offline.
    #[default]
    OfflineAtlas,
    /// Raster or vector tiles from an XYZ source, cached on disk.
    Tiles(TileSourceSpec),
    /// Raster or vector tiles from a tile pack file (MBTiles or PMTiles), with no network.
    Pack(PathBuf),
}

impl BasemapSource {
    /// Name in the chooser.
    pub fn label(&self) -> String {
        match self {
            Self::OfflineAtlas => "Offline atlas".into(),
            Self::Tiles(spec) => format!("{} (online)", spec.name),
            Self::Pack(path) => format!(
                "{} (tile pack)",
                path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned()
                )
            ),
        }
    }

    /// The tile pack, if one is shown.
    pub fn pack(&self) -> Option<&std::path::Path> {
        match self {
            Self::Pack(path) => Some(path),
            _ => None,
        }
    }

    /// The tile source, if tiles are shown.
    pub fn tiles(&self) -> Option<&TileSourceSpec> {
        match self {
            Self::Tiles(spec) => Some(spec),
            _ => None,
        }
    }
}

/// A user action.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Choose GeoJSON files and open them as layers.
    OpenFiles,
    /// Open these GeoJSON files as layers (from the dialog or dropped on the window).
    LoadFiles(Vec<PathBuf>),
    /// Stop loading files after the current one.
    CancelLoading,
    /// Remove a layer opened from a file.
    RemoveLayer(usize),
    /// Fit a layer's features into the map.
    ZoomToLayer(usize),
    /// Move a layer in the draw order to another place.
    MoveLayer {
        /// Its index now.
        from: usize,
        /// Its index after the move.
        to: usize,
    },
    /// Give a layer another title.
    RenameLayer(usize, String),
    /// Restyle a layer.
    SetLayerStyle(usize, Box<LayerStyle>),
    /// Colour a layer by the values of a property (`None`: one colour).
    ColorBy(usize, Option<String>),
    /// Open a layer's properties: title, style, colours by property, warnings.
    OpenLayerProperties(usize),
    /// Close the layer properties.
    CloseLayerProperties,
    /// Open a layer's attribute table.
    OpenTable(usize),
    /// Close the attribute table.
    CloseTable,
    /// Copy these features of a layer to the clipboard as CSV.
    CopyRows(usize, Vec<usize>),
    /// Show the cursor position in degrees–minutes–seconds (or decimal degrees).
    SetDms(bool),
    /// Label the map in this language.
    SetLabels(crate::model::label_language::LabelLanguage),
    /// Start measuring a distance or an area.
    Measure(MeasureMode),
    /// Add a point to the measurement.
    AddMeasurePoint(LonLat),
    /// Show the bookmarks.
    OpenBookmarks,
    /// Hide the bookmarks.
    CloseBookmarks,
    /// Go to a bookmark.
    GoToBookmark(usize),
    /// Bookmark the current view.
    AddBookmark,
    /// Rename a bookmark.
    RenameBookmark(usize, String),
    /// Delete a bookmark.
    DeleteBookmark(usize),
    /// Open the search box.
    OpenSearch,
    /// Close the search box.
    CloseSearch,
    /// Zoom to a feature and show it in the inspector (a search result).
    Choose(FeatureRef),
    /// Choose a file and save a PNG of the map.
    ExportPng,
    /// Save a PNG of the map at this path.
    ExportPngTo(PathBuf),
    /// Put the map as shown on the clipboard.
    CopyMapImage,
    /// Open the briefing export dialog on the current view.
    OpenBriefingDialog,
    /// Choose a file and save the composed briefing page as PNG, or as vector PDF or SVG.
    SaveBriefing(OutputFormat),
    /// Save the composed briefing image at this path.
    SaveBriefingTo(PathBuf),
    /// Put the composed briefing image on the clipboard.
    CopyBriefing,
    /// Close the briefing export dialog.
    CloseBriefingDialog,
    /// Open the briefing deck dialog: several bookmarks, one page each.
    OpenDeckDialog,
    /// Choose a file and write the deck (PDF, or numbered PNGs).
    ExportDeck(OutputFormat),
    /// Write the deck at this path (a PDF, or PNGs numbered after it).
    ExportDeckTo(PathBuf),
    /// Stop the deck being drawn; nothing is written.
    CancelDeck,
    /// Close the deck dialog.
    CloseDeckDialog,
    /// Zoom in one level.
    ZoomIn,
    /// Zoom out one level.
    ZoomOut,
    /// Show all of Pakistan.
    ResetView,
    /// Pan the map by a fraction of its size (x, y; positive right and down).
    Pan(f32, f32),
    /// Forget the selection.
    ClearSelection,
    /// Close what is on top — an open menu, else a window over the map (the overlap list,
    /// search, bookmarks, layer properties, the briefing dialog, adding a tile source) — else
    /// clear the selection (Esc).
    Dismiss,
    /// Select a feature and show it in the inspector.
    Select(FeatureRef),
    /// Inspect a feature of the vector basemap (no corridor feature under the pointer).
    SelectOsm(crate::tiles::vector::draw::Pickable),
    /// Several features under a click: list them at this screen position.
    OpenPickList(egui::Pos2, Vec<FeatureRef>),
    /// Centre and zoom on a feature.
    ZoomToFeature(FeatureRef),
    /// Show or hide a layer.
    SetLayerVisible(usize, bool),
    /// Switch the basemap.
    SetBasemap(BasemapSource),
    /// Open the form for a new XYZ tile source.
    OpenAddTileSource,
    /// Close that form.
    CloseAddTileSource,
    /// Keep a new tile source (in the Basemap menu and the settings) and show it.
    AddTileSource(TileSourceSpec),
    /// Forget a tile source the user added.
    RemoveTileSource(usize),
    /// Draw the offline basemap's boundaries and labels over tiles.
    SetHybrid(bool),
    /// Opacity of the tiles (0–1), over the offline basemap.
    SetTileOpacity(f32),
    /// Empty the tile cache on disk.
    ClearTileCache,
    /// Choose a tile pack (MBTiles or PMTiles) and show it.
    OpenTilePack,
    /// Open this tile pack and show it.
    LoadTilePack(PathBuf),
    /// The most the tile cache may hold, in MB.
    SetCacheLimit(u32),
    /// Remove a message from the message panel.
    DismissMessage(usize),
    /// Close the app.
    Quit,
}

impl Command {
    /// The label of [`Command::CopyRows`] for `count` rows.
    pub fn copy_rows_label(count: usize) -> String {
        format!("Copy {count} row(s) as CSV")
    }

    /// Whether the command may change how the layers are drawn (their set, order, visibility
    /// or styles): only then is the layer image rendered again. The selection is drawn apart.
    pub fn redraws_layers(&self) -> bool {
        matches!(
            self,
            Self::RemoveLayer(_)
                | Self::MoveLayer { .. }
                | Self::SetLayerStyle(..)
                | Self::ColorBy(..)
                | Self::SetLayerVisible(..)
        )
    }

    /// The commands that have a keyboard shortcut.
    /// More specific shortcuts (with Shift) come first: egui matches them logically.
    pub const WITH_SHORTCUTS: [Self; 15] = [
        Self::OpenFiles,
        Self::OpenSearch,
        Self::OpenBookmarks,
        Self::OpenBriefingDialog,
        Self::CopyMapImage,
        Self::ExportPng,
        Self::ZoomIn,
        Self::ZoomOut,
        Self::ResetView,
        Self::Dismiss,
        Self::Pan(-0.25, 0.0),
        Self::Pan(0.25, 0.0),
        Self::Pan(0.0, -0.25),
        Self::Pan(0.0, 0.25),
        Self::Quit,
    ];

    /// Text on a menu item or button.
    pub fn label(&self) -> String {
        match self {
            Self::Measure(MeasureMode::Distance) => "Measure distance".into(),
            Self::Measure(MeasureMode::Area) => "Measure area".into(),
            Self::AddMeasurePoint(_) => "Add point".into(),
            Self::OpenBookmarks => "Bookmarks…".into(),
            Self::CloseBookmarks => "Close bookmarks".into(),
            Self::GoToBookmark(_) => "Go to bookmark".into(),
            Self::AddBookmark => "Bookmark this view".into(),
            Self::RenameBookmark(..) => "Rename bookmark".into(),
            Self::DeleteBookmark(_) => "Delete bookmark".into(),
            Self::OpenSearch => "Search features…".into(),
            Self::CloseSearch => "Close search".into(),
            Self::Choose(_) => "Show feature".into(),
            Self::OpenFiles => "Open GeoJSON…".into(),
            Self::LoadFiles(paths) => format!("Open {} file(s)", paths.len()),
            Self::CancelLoading => "Cancel".into(),
            Self::RemoveLayer(_) => "Remove layer".into(),
            Self::ZoomToLayer(_) => "Zoom to layer".into(),
            Self::MoveLayer { .. } => "Move layer".into(),
            Self::RenameLayer(..) => "Rename layer".into(),
            Self::SetLayerStyle(..) => "Restyle layer".into(),
            Self::ColorBy(_, Some(p)) => format!("Colour by {p}"),
            Self::ColorBy(_, None) => "One colour".into(),
            Self::OpenLayerProperties(_) => "Layer properties…".into(),
            Self::CloseLayerProperties => "Close".into(),
            Self::OpenTable(_) => "Attribute table".into(),
            Self::CloseTable => "Close table".into(),
            Self::CopyRows(_, rows) => Self::copy_rows_label(rows.len()),
            Self::SetDms(true) => "Coordinates in degrees, minutes, seconds".into(),
            Self::SetDms(false) => "Coordinates in decimal degrees".into(),
            Self::SetLabels(language) => language.menu_label().into(),
            Self::ExportPng => "Export PNG…".into(),
            Self::ExportPngTo(path) => format!("Export PNG to {}", path.display()),
            Self::CopyMapImage => "Copy map image".into(),
            Self::CopyBriefing => "Copy".into(),
            Self::OpenBriefingDialog => "Export briefing image…".into(),
            Self::SaveBriefing(OutputFormat::Png) => "Save PNG…".into(),
            Self::SaveBriefing(OutputFormat::Pdf) => "Save PDF…".into(),
            Self::SaveBriefing(OutputFormat::Svg) => "Save SVG…".into(),
            Self::SaveBriefingTo(path) => format!("Save briefing image to {}", path.display()),
            Self::CloseBriefingDialog | Self::CloseDeckDialog => "Close".into(),
            Self::OpenDeckDialog => "Export briefing deck…".into(),
            Self::ExportDeck(OutputFormat::Pdf) => "Export PDF…".into(),
            Self::ExportDeck(_) => "Export PNGs…".into(),
            Self::ExportDeckTo(path) => format!("Export the deck to {}", path.display()),
            Self::CancelDeck => "Cancel".into(),
            Self::ZoomIn => "Zoom in".into(),
            Self::ZoomOut => "Zoom out".into(),
            Self::ResetView => "Show all of Pakistan".into(),
            Self::Pan(..) => "Pan".into(),
            Self::ClearSelection => "Clear selection".into(),
            Self::Dismiss => "Close or clear".into(),
            Self::Select(_) => "Select".into(),
            Self::SelectOsm(_) => "Inspect OpenStreetMap feature".into(),
            Self::OpenPickList(..) => "Choose a feature".into(),
            Self::ZoomToFeature(_) => "Zoom to feature".into(),
            Self::SetLayerVisible(_, visible) => {
                if *visible { "Show layer" } else { "Hide layer" }.into()
            }
            Self::SetBasemap(source) => source.label(),
            Self::OpenAddTileSource => "Add tile source…".into(),
            Self::CloseAddTileSource => "Cancel".into(),
            Self::AddTileSource(_) => "Add source".into(),
            Self::RemoveTileSource(_) => "Remove source".into(),
            Self::SetHybrid(_) => "Borders and labels over tiles".into(),
            Self::SetTileOpacity(_) => "Tile opacity".into(),
            Self::ClearTileCache => "Clear cache".into(),
            Self::OpenTilePack => "Open tile pack…".into(),
            Self::LoadTilePack(path) => format!("Open {}", path.display()),
            Self::SetCacheLimit(_) => "Cache limit (MB)".into(),
            Self::DismissMessage(_) => "Dismiss".into(),
            Self::Quit => "Quit".into(),
        }
    }

    /// Longer help on hover.
    pub fn tooltip(&self) -> &'static str {
        match self {
            Self::OpenFiles | Self::LoadFiles(_) => {
                "Open GeoJSON files as layers (you can also drop them on the window)"
            }
            Self::CancelLoading => "Stop loading after the file being read",
            Self::Measure(MeasureMode::Distance) => {
                "Click points on the map: geodesic distance along them, in km (Esc clears)"
            }
            Self::Measure(MeasureMode::Area) => {
                "Click the corners of an area: its geodesic area, in km² (Esc clears)"
            }
            Self::AddMeasurePoint(_) => "Add a point to the measurement",
            Self::OpenBookmarks => "Named views: the briefing views and your own",
            Self::CloseBookmarks => "Close the bookmarks",
            Self::GoToBookmark(_) => "Show this view",
            Self::AddBookmark => "Keep the current view as a bookmark",
            Self::RenameBookmark(..) => "Give the bookmark another name",
            Self::DeleteBookmark(_) => "Delete this bookmark",
            Self::OpenSearch => "Find features by name or any text property, across layers",
            Self::CloseSearch => "Close the search box",
            Self::Choose(_) => "Zoom to this feature and show it in the inspector",
            Self::RemoveLayer(_) => "Remove this layer (the file is not touched)",
            Self::ZoomToLayer(_) => "Fit this layer's features into the map",
            Self::MoveLayer { .. } => "Drag a layer onto another to change the draw order",
            Self::RenameLayer(..) => "Give the layer another title (the file is not touched)",
            Self::SetLayerStyle(..) => "Change the layer's colour, widths, sizes and opacity",
            Self::ColorBy(..) => {
                "Give each value of a property its own colour, in the map, legend and exports"
            }
            Self::OpenLayerProperties(_) => {
                "Title, colour, line width, point size, opacity, colours by property, load warnings"
            }
            Self::CloseLayerProperties => "Close the layer properties",
            Self::OpenTable(_) => {
                "Every feature and property in a table: sort, filter, select, copy as CSV"
            }
            Self::CloseTable => "Close the attribute table",
            Self::CopyRows(..) => {
                "Copy the selected rows (or all rows shown) to the clipboard as CSV"
            }
            Self::SetDms(_) => "How the coordinates under the cursor are written",
            Self::SetLabels(_) => {
                "The language of the map's place names, on screen and in exports (where the data has a name in it; else English)"
            }
            Self::ExportPng | Self::ExportPngTo(_) => {
                "Save a PNG of the map exactly as shown, with attribution and disclaimer"
            }
            Self::CopyMapImage => {
                "Put the map as shown on the clipboard (PNG), with attribution and disclaimer, to paste into a slide"
            }
            Self::CopyBriefing => {
                "Render the composed image at full resolution and put it on the clipboard (PNG), to paste into a slide"
            }
            Self::OpenBriefingDialog => {
                "Compose an image for a briefing: title, legend, scale bar, north arrow, sources, at 1–4×"
            }
            Self::SaveBriefing(OutputFormat::Pdf) => {
                "Save the composed page as a vector PDF: crisp at any print size, text selectable and searchable"
            }
            Self::SaveBriefing(OutputFormat::Svg) => {
                "Save the composed page as a vector SVG, to edit or place in a document"
            }
            Self::SaveBriefing(OutputFormat::Png) | Self::SaveBriefingTo(_) => {
                "Render the composed image at full resolution and save it as PNG"
            }
            Self::CloseBriefingDialog => "Close the dialog without saving",
            Self::OpenDeckDialog => {
                "Export several bookmarked views as one briefing pack: a page each, in the order chosen, as one PDF or numbered PNGs"
            }
            Self::ExportDeck(OutputFormat::Pdf) | Self::ExportDeckTo(_) => {
                "Draw every page and write them as one vector PDF, a page a view"
            }
            Self::ExportDeck(_) => "Draw every page and write them as PNG images at 2×, numbered",
            Self::CancelDeck => "Stop drawing the deck; nothing is written",
            Self::CloseDeckDialog => "Close the dialog",
            Self::ZoomIn => "Zoom in one level (also: scroll, double-click)",
            Self::ZoomOut => "Zoom out one level (also: scroll)",
            Self::ResetView => "Fit Pakistan in the window",
            Self::Pan(..) => "Move the map",
            Self::ClearSelection => "Deselect the feature and close the inspector",
            Self::Dismiss => "Close the open menu or window; with none open, clear the selection",
            Self::Select(_) => "Show this feature in the inspector",
            Self::SelectOsm(_) => {
                "Show this road, railway or place of the OpenStreetMap basemap in the inspector"
            }
            Self::OpenPickList(..) => "Several features are here: choose one",
            Self::ZoomToFeature(_) => "Centre the map on this feature",
            Self::SetLayerVisible(..) => "Show or hide this layer",
            Self::SetBasemap(BasemapSource::OfflineAtlas) => {
                "The built-in basemap: needs no network"
            }
            Self::SetBasemap(BasemapSource::Pack(_)) => {
                "Tiles from a pack file: no network needed; past its last zoom level the tiles are shown enlarged (vector tiles stay crisp)"
            }
            Self::OpenTilePack | Self::LoadTilePack(_) => {
                "Show an MBTiles or PMTiles pack of raster tiles (PNG, JPEG or WebP) or vector tiles (MVT); packs in maps/ are listed by themselves"
            }
            Self::SetBasemap(BasemapSource::Tiles(_)) => {
                "Tiles from a server (raster, or vector drawn in the atlas style): need a network the first time, then cached; the offline basemap shows where tiles are missing"
            }
            Self::OpenAddTileSource => {
                "Add a tile service by its URL template (raster …/{z}/{x}/{y}.png or vector …/{z}/{x}/{y}.pbf) or its TileJSON URL, with its attribution and maximum zoom"
            }
            Self::CloseAddTileSource => "Close without adding",
            Self::AddTileSource(_) => "Keep this source in the Basemap menu and show it",
            Self::RemoveTileSource(_) => "Remove this source from the Basemap menu",
            Self::SetHybrid(_) => {
                "Draw the offline basemap's boundaries, disputed lines and place names over the tiles"
            }
            Self::SetTileOpacity(_) => "How opaque the tiles are over the offline basemap",
            Self::ClearTileCache => {
                "Delete the downloaded tiles (they are fetched again when next shown online)"
            }
            Self::SetCacheLimit(_) => {
                "When the tile cache grows past this, it is emptied at the next start"
            }
            Self::DismissMessage(_) => "Remove this message",
            Self::Quit => "Close Corridor Viewer",
        }
    }

    /// The keyboard shortcut, if any.
    pub fn shortcut(&self) -> Option<KeyboardShortcut> {
        let key = |k| Some(KeyboardShortcut::new(Modifiers::NONE, k));
        match self {
            Self::OpenFiles => Some(KeyboardShortcut::new(Modifiers::COMMAND, Key::O)),
            Self::OpenSearch => Some(KeyboardShortcut::new(Modifiers::COMMAND, Key::F)),
            Self::OpenBookmarks => Some(KeyboardShortcut::new(Modifiers::COMMAND, Key::B)),
            Self::ExportPng => Some(KeyboardShortcut::new(Modifiers::COMMAND, Key::E)),
            Self::CopyMapImage => Some(KeyboardShortcut::new(
                Modifiers::COMMAND.plus(Modifiers::SHIFT),
                Key::C,
            )),
            Self::OpenBriefingDialog => Some(KeyboardShortcut::new(
                Modifiers::COMMAND.plus(Modifiers::SHIFT),
                Key::E,
            )),
            Self::ZoomIn => key(Key::Plus),
            Self::ZoomOut => key(Key::Minus),
            Self::ResetView => key(Key::Home),
            Self::Dismiss => key(Key::Escape),
            Self::Pan(x, _) if *x < 0.0 => key(Key::ArrowLeft),
            Self::Pan(x, _) if *x > 0.0 => key(Key::ArrowRight),
            Self::Pan(_, y) if *y < 0.0 => key(Key::ArrowUp),
            Self::Pan(_, y) if *y > 0.0 => key(Key::ArrowDown),
            Self::Quit => Some(KeyboardShortcut::new(Modifiers::COMMAND, Key::Q)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_are_unique_and_labelled() {
        let shortcuts: Vec<KeyboardShortcut> = Command::WITH_SHORTCUTS
            .iter()
            .map(|c| c.shortcut().expect("listed commands have shortcuts"))
            .collect();
        for (i, a) in shortcuts.iter().enumerate() {
            assert!(!shortcuts[i + 1..].contains(a), "shortcut {a:?} used twice");
        }
        assert!(
            Command::WITH_SHORTCUTS
                .iter()
                .all(|c| !c.label().is_empty() && !c.tooltip().is_empty())
        );
        assert_eq!(
            Command::ExportPng.shortcut(),
            Some(KeyboardShortcut::new(Modifiers::COMMAND, Key::E))
        );
    }
}
