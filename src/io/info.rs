//! The summary `corridor-viewer info` prints for a GeoJSON file.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use geo::BoundingRect;

use super::geojson::LoadedFile;

/// Feature counts by geometry type, bounding box and property names of one file.
#[derive(Clone, Debug, PartialEq)]
pub struct FileSummary {
    /// Number of features loaded.
    pub feature_count: usize,
    /// Features per geometry type (`"null"` for features without geometry).
    pub by_type: BTreeMap<&'static str, usize>,
    /// `[west, south, east, north]` in degrees, if any feature has a position.
    pub bbox: Option<[f64; 4]>,
    /// Every property name that occurs.
    pub property_names: BTreeSet<String>,
    /// Skipped features, one line each.
    pub warnings: Vec<String>,
}

impl FileSummary {
    /// Summarise a loaded file.
    pub fn of(file: &LoadedFile) -> Self {
        let mut by_type = BTreeMap::new();
        let mut property_names = BTreeSet::new();
        let mut bbox: Option<[f64; 4]> = None;
        for f in &file.features {
            *by_type.entry(f.geometry_type()).or_insert(0) += 1;
            property_names.extend(f.properties.keys().cloned());
            if let Some(r) = f.geometry.as_ref().and_then(|g| g.bounding_rect()) {
                let b = [r.min().x, r.min().y, r.max().x, r.max().y];
                bbox = Some(match bbox {
                    None => b,
                    Some(a) => [
                        a[0].min(b[0]),
                        a[1].min(b[1]),
                        a[2].max(b[2]),
                        a[3].max(b[3]),
                    ],
                });
            }
        }
        Self {
            feature_count: file.features.len(),
            by_type,
            bbox,
            property_names,
            warnings: file.warnings.iter().map(ToString::to_string).collect(),
        }
    }
}

impl fmt::Display for FileSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "  features: {}", self.feature_count)?;
        for (kind, n) in &self.by_type {
            writeln!(f, "    {kind}: {n}")?;
        }
        match self.bbox {
            Some([w, s, e, n]) => {
                writeln!(f, "  bbox: {w:.5}, {s:.5}, {e:.5}, {n:.5} (W, S, E, N)")?
            }
            None => writeln!(f, "  bbox: none (no feature has a position)")?,
        }
        let names: Vec<&str> = self.property_names.iter().map(String::as_str).collect();
        writeln!(f, "  properties: {}", names.join(", "))?;
        if !self.warnings.is_empty() {
            writeln!(
                f,
                "  warnings (features skipped or repaired): {}",
                self.warnings.len()
            )?;
            for w in &self.warnings {
                writeln!(f, "    {w}")?;
            }
        }
        Ok(())
    }
}
