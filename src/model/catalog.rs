//! The `maps/` manifest: each layer's file, title, colour, draw order and default visibility,
//! so a layer is added or restyled without touching code.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::style::{Categories, LayerStyle, Rgba};

/// File name of the manifest inside a maps directory.
pub const MANIFEST_FILE: &str = "manifest.json";

/// One layer entry of the manifest.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerEntry {
    /// Stable identifier.
    pub id: String,
    /// GeoJSON file, relative to the manifest.
    pub file: PathBuf,
    /// Title in the layers panel and legend.
    pub title: String,
    /// The title in Urdu, for legends in Urdu.
    #[serde(default)]
    pub title_ur: Option<String>,
    /// The title in Chinese (Simplified), for legends in Chinese.
    #[serde(default)]
    pub title_zh: Option<String>,
    /// Where the Urdu and Chinese titles come from: a source's own name, or "translated here".
    #[serde(default)]
    pub title_translation: Option<String>,
    /// Longer description: figures, caveats.
    #[serde(default)]
    pub description: String,
    /// Layer colour (`#RRGGBB`).
    pub color: Rgba,
    /// Draw order: higher is drawn later (on top).
    pub order: i32,
    /// Visible when the app starts.
    #[serde(default = "default_true")]
    pub visible: bool,
    /// Styled by the manifest's status categories.
    #[serde(default)]
    pub categorized: bool,
    /// Credit owed whenever the layer is drawn (e.g. for geometry traced on OpenStreetMap).
    #[serde(default)]
    pub attribution: Option<String>,
    /// Line width in points, where not the default: a line laid along another layer's (the
    /// fibre cable along the Karakoram Highway) is drawn thinner, above it, so both show.
    #[serde(default)]
    pub line_width_pt: Option<f32>,
}

fn default_true() -> bool {
    true
}

impl LayerEntry {
    /// The layer style this entry asks for.
    pub fn style(&self) -> LayerStyle {
        let default = LayerStyle::default();
        LayerStyle {
            color: self.color,
            categorized: self.categorized,
            line_width_pt: self.line_width_pt.unwrap_or(default.line_width_pt),
            ..default
        }
    }
}

/// The parsed manifest.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Title of the whole map.
    pub title: String,
    /// Description of the whole map (headline figures).
    #[serde(default)]
    pub description: String,
    /// Categories shared by the categorized layers.
    #[serde(default)]
    pub status_categories: Option<Categories>,
    /// The layers, in any order; see [`Manifest::layers_in_draw_order`].
    pub layers: Vec<LayerEntry>,
}

/// A manifest that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// The file cannot be read.
    #[error("{}: cannot read the layer manifest: {source}", path.display())]
    Io {
        /// The manifest path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The JSON is malformed or does not match the manifest format.
    #[error("{}, line {line}, column {column}: {message}", path.display())]
    Parse {
        /// The manifest path.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// Parsed, but inconsistent.
    #[error("{}: {message}", path.display())]
    Invalid {
        /// The manifest path.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

impl Manifest {
    /// Read and check `dir/manifest.json`.
    pub fn load(dir: &Path) -> Result<Self, CatalogError> {
        let path = dir.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&path).map_err(|source| CatalogError::Io {
            path: path.clone(),
            source,
        })?;
        Self::parse(&text, &path)
    }

    /// Parse and check manifest text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Self, CatalogError> {
        let manifest: Self = serde_json::from_str(text).map_err(|e| CatalogError::Parse {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: super::json_error_text(&e),
        })?;
        let invalid = |message: String| CatalogError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        if manifest.layers.is_empty() {
            return Err(invalid("the manifest lists no layers".into()));
        }
        let mut ids = HashSet::new();
        for layer in &manifest.layers {
            if layer.id.trim().is_empty() {
                return Err(invalid(format!(
                    "layer \"{}\" has an empty id",
                    layer.title
                )));
            }
            if !ids.insert(layer.id.as_str()) {
                return Err(invalid(format!("layer id \"{}\" appears twice", layer.id)));
            }
        }
        Ok(manifest)
    }

    /// The layers sorted by draw order (bottom first); ties keep manifest order.
    pub fn layers_in_draw_order(&self) -> Vec<&LayerEntry> {
        let mut layers: Vec<&LayerEntry> = self.layers.iter().collect();
        layers.sort_by_key(|l| l.order);
        layers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r##"{
        "title": "T",
        "status_categories": {"property": "status", "classes": [
            {"value": "planned", "label": "Planned", "pattern": "dotted"}]},
        "layers": [
            {"id": "b", "file": "b.geojson", "title": "B", "color": "#0072B2", "order": 20},
            {"id": "a", "file": "a.geojson", "title": "A", "color": "#E69F00", "order": 10,
             "visible": false, "categorized": true}
        ]}"##;

    #[test]
    fn parses_layers_in_draw_order_with_styles() {
        let m = Manifest::parse(GOOD, Path::new("maps/manifest.json")).expect("valid manifest");
        let order: Vec<&str> = m
            .layers_in_draw_order()
            .iter()
            .map(|l| l.id.as_str())
            .collect();
        assert_eq!(order, ["a", "b"]);
        let a = m.layers_in_draw_order()[0];
        assert!(!a.visible && a.categorized);
        assert_eq!(a.style().color, Rgba::rgb(0xE6, 0x9F, 0x00));
        assert!(m.layers_in_draw_order()[1].visible, "visible by default");
        assert_eq!(m.status_categories.expect("categories").classes.len(), 1);
    }

    #[test]
    fn bad_colour_names_line_and_column() {
        let bad = GOOD.replace("#0072B2", "blue");
        let err = Manifest::parse(&bad, Path::new("maps/manifest.json")).expect_err("bad colour");
        let text = err.to_string();
        assert!(
            text.contains("maps/manifest.json, line 6, column"),
            "{text}"
        );
        assert_eq!(
            text.matches("line").count(),
            1,
            "position given once: {text}"
        );
        assert!(text.contains("blue"), "{text}");
    }

    #[test]
    fn duplicate_ids_and_unknown_keys_are_rejected() {
        let dup = GOOD.replace("\"id\": \"b\"", "\"id\": \"a\"");
        let err = Manifest::parse(&dup, Path::new("m.json")).expect_err("duplicate");
        assert!(err.to_string().contains("appears twice"));
        let typo = GOOD.replace("\"order\": 20", "\"ordre\": 20");
        assert!(Manifest::parse(&typo, Path::new("m.json")).is_err());
    }
}
