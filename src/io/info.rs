//! The summary `corridor-viewer info` prints for a GeoJSON file.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::geojson::LoadedFile;
use crate::model::view::{LonLat, WorldPos, WorldRect};

/// A longitude brought into −180…180.
fn wrap_lon(lon: f64) -> f64 {
    if lon > 180.0 {
        lon - 360.0
    } else if lon < -180.0 {
        lon + 360.0
    } else {
        lon
    }
}

/// Feature counts by geometry type, bounding box and property names of one file.
#[derive(Clone, Debug, PartialEq)]
pub struct FileSummary {
    /// Number of features loaded.
    pub feature_count: usize,
    /// Features per geometry type (`"null"` for features without geometry).
    pub by_type: BTreeMap<&'static str, usize>,
    /// `[west, south, east, north]` in degrees, if any feature has a position; west is greater
    /// than east when the features cross the antimeridian (as in RFC 7946).
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
        for f in &file.features {
            *by_type.entry(f.geometry_type()).or_insert(0) += 1;
            property_names.extend(f.properties.keys().map(str::to_string));
        }
        // From the world-space boxes, which take the short way across the antimeridian.
        let bbox = file
            .features
            .iter()
            .filter_map(|f| f.bbox())
            .reduce(WorldRect::union)
            .map(|r| {
                let (sw, ne) = (
                    LonLat::from_world(WorldPos::new(r.min.x, r.max.y)),
                    LonLat::from_world(WorldPos::new(r.max.x, r.min.y)),
                );
                [wrap_lon(sw.lon), sw.lat, wrap_lon(ne.lon), ne.lat]
            });
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
                let crosses = if w > e { "; crosses 180°" } else { "" };
                writeln!(
                    f,
                    "  bbox: {w:.5}, {s:.5}, {e:.5}, {n:.5} (W, S, E, N{crosses})"
                )?
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
