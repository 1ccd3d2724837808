//! The one GeoJSON loader, used by the app, `info` and (later) `export`.
//!
//! Strict where it matters: invalid JSON is an error with the line, column and an excerpt;
//! a document that is not GeoJSON says what it looks like instead. Tolerant inside a good
//! file: a feature that cannot be read is skipped with a warning naming it, and the rest load.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::model::layer::Feature;

/// A GeoJSON file that was read, possibly with skipped features.
#[derive(Debug)]
pub struct LoadedFile {
    /// Where it came from.
    pub path: PathBuf,
    /// The features that loaded.
    pub features: Vec<Feature>,
    /// One entry per skipped or repaired feature.
    pub warnings: Vec<LoadWarning>,
    /// The collection's `name` member, if any.
    pub name: Option<String>,
}

/// A feature that was skipped, with the reason.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadWarning {
    /// 0-based index of the feature in the collection.
    pub feature_index: usize,
    /// What was wrong.
    pub message: String,
}

impl std::fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "feature #{}: {}", self.feature_index + 1, self.message)
    }
}

/// A file that could not be loaded at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file cannot be read.
    #[error("{}: cannot read the file: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not valid JSON.
    #[error("{}, line {line}, column {column}: invalid JSON: {message}\n    {excerpt}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser found.
        message: String,
        /// The text around the error.
        excerpt: String,
    },
    /// Valid JSON, but not GeoJSON.
    #[error("{}: not GeoJSON: {reason}", path.display())]
    NotGeoJson {
        /// The file.
        path: PathBuf,
        /// What it is instead, or what is missing.
        reason: String,
    },
}

/// Read and parse a GeoJSON file.
pub fn load_file(path: &Path) -> Result<LoadedFile, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_bytes(&bytes, path)
}

/// Parse GeoJSON bytes; `path` names the source in messages.
pub fn parse_bytes(bytes: &[u8], path: &Path) -> Result<LoadedFile, LoadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.contains(&0) {
        return Err(LoadError::NotGeoJson {
            path: path.to_path_buf(),
            reason: "the file is binary (it contains NUL bytes)".into(),
        });
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| LoadError::Syntax {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: crate::model::json_error_text(&e),
        excerpt: excerpt(bytes, e.line(), e.column()),
    })?;
    from_value(value, path)
}

/// Up to 60 characters of the offending line around the column, with a caret.
fn excerpt(bytes: &[u8], line: usize, column: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let Some(l) = text.lines().nth(line.saturating_sub(1)) else {
        return String::new();
    };
    let chars: Vec<char> = l.chars().collect();
    let col = column.saturating_sub(1).min(chars.len());
    let start = col.saturating_sub(30);
    let end = (col + 30).min(chars.len());
    let snippet: String = chars[start..end].iter().collect();
    format!("{snippet}\n    {}^", " ".repeat(col - start))
}

fn not_geojson(path: &Path, reason: impl Into<String>) -> LoadError {
    LoadError::NotGeoJson {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// What a JSON document that is not GeoJSON looks like, for the message.
fn describe_foreign(obj: &Map<String, Value>) -> String {
    if obj.get("type").and_then(Value::as_str) == Some("Topology") || obj.contains_key("arcs") {
        "this is TopoJSON; convert it to GeoJSON first (e.g. with mapshaper or topojson-client)"
            .into()
    } else if obj.contains_key("spatialReference") || obj.contains_key("geometryType") {
        "this is Esri JSON; export it as GeoJSON from ArcGIS or convert it with GDAL's ogr2ogr"
            .into()
    } else if obj.contains_key("elements") && obj.contains_key("osm3s") {
        "this is raw Overpass API JSON; ask Overpass for `out geom` and convert it with osmtogeojson".into()
    } else {
        match obj.get("type") {
            Some(Value::String(t)) => format!("unknown GeoJSON type \"{t}\""),
            Some(_) => "the \"type\" member is not a string".into(),
            None => "the top-level object has no \"type\" member".into(),
        }
    }
}

fn from_value(value: Value, path: &Path) -> Result<LoadedFile, LoadError> {
    let Value::Object(mut obj) = value else {
        return Err(not_geojson(path, "the document is not a JSON object"));
    };
    let kind = obj.get("type").and_then(Value::as_str).map(str::to_owned);
    let name = obj.get("name").and_then(Value::as_str).map(str::to_owned);
    let mut warnings = Vec::new();
    let features = match kind.as_deref() {
        Some("FeatureCollection") => {
            let Some(Value::Array(items)) = obj.remove("features") else {
                return Err(not_geojson(
                    path,
                    "the FeatureCollection has no \"features\" array",
                ));
            };
            items
                .into_iter()
                .enumerate()
                .filter_map(|(i, item)| match read_feature(item, i) {
                    Ok(f) => Some(f),
                    Err(message) => {
                        warnings.push(LoadWarning {
                            feature_index: i,
                            message,
                        });
                        None
                    }
                })
                .collect()
        }
        Some("Feature") => {
            vec![read_feature(Value::Object(obj), 0).map_err(|m| not_geojson(path, m))?]
        }
        Some(
            "Point" | "MultiPoint" | "LineString" | "MultiLineString" | "Polygon" | "MultiPolygon"
            | "GeometryCollection",
        ) => {
            let geometry: geojson::Geometry = serde_json::from_value(Value::Object(obj))
                .map_err(|e| not_geojson(path, format!("bad geometry: {e}")))?;
            let g = convert_geometry(geometry).map_err(|m| not_geojson(path, m))?;
            vec![Feature::new("Geometry".into(), Map::new(), Some(g))]
        }
        _ => return Err(not_geojson(path, describe_foreign(&obj))),
    };
    Ok(LoadedFile {
        path: path.to_path_buf(),
        features,
        warnings,
        name,
    })
}

/// Read one feature; the error text names the feature by its name when it has one.
fn read_feature(item: Value, index: usize) -> Result<Feature, String> {
    let label = item
        .pointer("/properties/name")
        .and_then(Value::as_str)
        .map(|n| format!(" (\"{n}\")"))
        .unwrap_or_default();
    let feature: geojson::Feature =
        serde_json::from_value(item).map_err(|e| format!("cannot be read{label}: {e}"))?;
    let properties = feature.properties.unwrap_or_default();
    let name = ["name", "Name", "NAME", "title"]
        .iter()
        .find_map(|k| properties.get(*k).and_then(Value::as_str))
        .map(str::to_owned)
        .unwrap_or_else(|| format!("Feature {}", index + 1));
    let geometry = feature
        .geometry
        .map(convert_geometry)
        .transpose()
        .map_err(|m| format!("{m}{label}"))?;
    Ok(Feature::new(name, properties, geometry))
}

/// Convert to a geo geometry, refusing coordinates outside the lon/lat range (projected
/// metres would otherwise be drawn across the world).
fn convert_geometry(geometry: geojson::Geometry) -> Result<geo::Geometry<f64>, String> {
    let g: geo::Geometry<f64> = geometry
        .try_into()
        .map_err(|e: geojson::Error| format!("bad geometry: {e}"))?;
    use geo::CoordsIter;
    if let Some(c) = g
        .coords_iter()
        .find(|c| !(c.x.is_finite() && c.y.is_finite() && c.x.abs() <= 180.0 && c.y.abs() <= 90.0))
    {
        return Err(format!(
            "coordinate ({}, {}) is outside longitude/latitude range; the file may be in a projected CRS (metres)",
            c.x, c.y
        ));
    }
    Ok(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<LoadedFile, LoadError> {
        parse_bytes(text.as_bytes(), Path::new("test.geojson"))
    }

    #[test]
    fn loads_a_feature_collection_with_null_geometry() {
        let f = parse(
            r#"{"type":"FeatureCollection","name":"x","features":[
            {"type":"Feature","properties":{"name":"A"},"geometry":{"type":"Point","coordinates":[62.3,25.1]}},
            {"type":"Feature","properties":{"name":"B"},"geometry":null}]}"#,
        )
        .expect("loads");
        assert_eq!(f.features.len(), 2);
        assert_eq!(f.features[0].name, "A");
        assert!(!f.features[1].is_located());
        assert!(f.warnings.is_empty());
        assert_eq!(f.name.as_deref(), Some("x"));
    }

    #[test]
    fn syntax_error_has_line_column_and_excerpt() {
        let err =
            parse("{\"type\": \"FeatureCollection\",\n \"features\": [1,, 2]}").expect_err("bad");
        let LoadError::Syntax {
            line,
            column,
            ref excerpt,
            ..
        } = err
        else {
            panic!("expected a syntax error, got {err}");
        };
        assert_eq!((line, column), (2, 17));
        assert!(excerpt.contains("[1,, 2]"), "{excerpt}");
        assert!(
            err.to_string()
                .starts_with("test.geojson, line 2, column 17: invalid JSON")
        );
    }

    #[test]
    fn bad_features_are_skipped_with_warnings() {
        let f = parse(
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"name":"ok"},"geometry":{"type":"Point","coordinates":[1,2]}},
            {"type":"Feature","properties":{"name":"strings"},"geometry":{"type":"Point","coordinates":["1","2"]}},
            {"type":"Feature","properties":{"name":"metres"},"geometry":{"type":"Point","coordinates":[7000000,3000000]}}]}"#,
        )
        .expect("loads the rest");
        assert_eq!(f.features.len(), 1);
        assert_eq!(f.warnings.len(), 2);
        assert_eq!(f.warnings[0].feature_index, 1);
        assert!(f.warnings[0].to_string().contains("\"strings\""));
        assert!(
            f.warnings[1].message.contains("projected"),
            "{}",
            f.warnings[1]
        );
    }

    #[test]
    fn recognises_what_is_not_geojson() {
        let topo = parse(r#"{"type":"Topology","objects":{},"arcs":[]}"#).expect_err("topojson");
        assert!(topo.to_string().contains("TopoJSON"));
        let esri = parse(r#"{"geometryType":"esriGeometryPoint","spatialReference":{"wkid":4326},"features":[]}"#)
            .expect_err("esri");
        assert!(esri.to_string().contains("Esri JSON"));
        let arr = parse("[1, 2]").expect_err("array");
        assert!(arr.to_string().contains("not a JSON object"));
        let bin = parse_bytes(b"\x89PNG\r\n\x1a\n\0\0", Path::new("x.png")).expect_err("binary");
        assert!(bin.to_string().contains("binary"));
    }

    #[test]
    fn accepts_bom_single_feature_and_bare_geometry() {
        let f = parse("\u{feff}{\"type\":\"Feature\",\"properties\":null,\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,1]]}}")
            .expect("feature with BOM");
        assert_eq!(f.features.len(), 1);
        assert_eq!(f.features[0].name, "Feature 1");
        let g = parse(r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#)
            .expect("geometry");
        assert_eq!(g.features[0].geometry_type(), "Polygon");
    }
}
