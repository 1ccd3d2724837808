//! Loading the `maps/` catalog: the manifest and every layer file it lists.

use std::path::{Path, PathBuf};

use crate::model::catalog::{CatalogError, Manifest};
use crate::model::label_language::LocalNames;
use crate::model::layer::{Layer, LayerOrigin};

use super::geojson::load_file;

/// The catalog as loaded: the layers that loaded, and a message for each problem.
#[derive(Debug)]
pub struct LoadedCatalog {
    /// The manifest.
    pub manifest: Manifest,
    /// The layers that loaded, bottom first.
    pub layers: Vec<Layer>,
    /// Layer files that failed, and skipped features, each naming the file.
    pub problems: Vec<String>,
}

/// Load the manifest in `dir` and its layers. A layer file that fails is reported and left out
/// (never replaced by an empty layer); the others load.
pub fn load_catalog(dir: &Path) -> Result<LoadedCatalog, CatalogError> {
    let manifest = Manifest::load(dir)?;
    let mut layers = Vec::new();
    let mut problems = Vec::new();
    for entry in manifest.layers_in_draw_order() {
        match load_file(&dir.join(&entry.file)) {
            Ok(file) => {
                problems.extend(
                    file.warnings
                        .iter()
                        .map(|w| format!("{}: {w} (skipped)", file.path.display())),
                );
                let mut layer = Layer::new(
                    &entry.id,
                    &entry.title,
                    LayerOrigin::Catalog,
                    entry.style(),
                    file.features,
                );
                layer.description = entry.description.clone();
                layer.title_local = LocalNames {
                    ur: entry.title_ur.clone(),
                    zh: entry.title_zh.clone(),
                };
                layer.visible = entry.visible;
                layer.attribution = entry.attribution.clone();
                layers.push(layer);
            }
            Err(e) => problems.push(format!("Layer \"{}\" not loaded: {e}", entry.title)),
        }
    }
    Ok(LoadedCatalog {
        manifest,
        layers,
        problems,
    })
}

/// Where the `maps/` directory is: the first of `./maps`, `maps/` beside the executable (or
/// above it, for `target/debug`), and the source tree's `maps/`.
pub fn find_maps_dir() -> Option<PathBuf> {
    let has_manifest = |d: &Path| d.join(crate::model::catalog::MANIFEST_FILE).is_file();
    let cwd = std::env::current_dir().ok().map(|d| d.join("maps"));
    let beside_exe = std::env::current_exe().ok().and_then(|exe| {
        exe.ancestors()
            .skip(1)
            .take(4)
            .map(|d| d.join("maps"))
            .find(|d| has_manifest(d))
    });
    let source_tree = Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("maps"));
    [cwd, beside_exe, source_tree]
        .into_iter()
        .flatten()
        .find(|d| has_manifest(d))
}

/// Colours of opened files, in turn: Paul Tol's indigo, olive, a raspberry, pale cyan and a
/// dark brown — each at least 30 ΔE from every corridor colour of the manifest and 50 from
/// each other (the sky blue used before was 26 from Regional Connectivity's blue, and read as
/// the same blue on the map).
pub const FILE_LAYER_COLORS: [&str; 5] = ["#332288", "#999933", "#E73F74", "#88CCEE", "#661100"];

/// A layer from a GeoJSON file the user gave: titled by the collection's name or the file name,
/// coloured from a colour-blind-safe set. Returns the skipped features' warnings too.
pub fn layer_from_file(
    path: &Path,
    index: usize,
    progress: &crate::io::geojson::Progress,
) -> Result<(Layer, Vec<crate::io::geojson::LoadWarning>), crate::io::geojson::LoadError> {
    let file = crate::io::geojson::load_file_with(path, progress)?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| format!("file{}", index + 1));
    let title = file.name.clone().unwrap_or_else(|| stem.clone());
    let color =
        crate::model::style::Rgba::parse_hex(FILE_LAYER_COLORS[index % FILE_LAYER_COLORS.len()])
            .unwrap_or(crate::model::style::LayerStyle::default().color);
    let style = crate::model::style::LayerStyle {
        color,
        ..crate::model::style::LayerStyle::default()
    };
    let layer = Layer::new(
        format!("file:{stem}"),
        title,
        LayerOrigin::File(path.to_path_buf()),
        style,
        file.features,
    );
    Ok((layer, file.warnings))
}
