//! Mapbox Vector Tiles: gzip'd or plain bytes → layers of features in tile units.
//!
//! Decoding is mvt-reader's (the crate walkers uses); this module bounds what a tile may
//! inflate to, recognises images where vector tiles were promised, and turns mvt-reader's
//! features into plain geometry in *tile units* (0–1 across the tile, y down, whatever the
//! layer's extent) with their properties. A layer that cannot be read is skipped and named in
//! [`VectorTile::problems`]; the other layers stay.

use std::io::Read;

/// The most a tile may inflate to: beyond it the tile is refused (a decompression bomb).
pub const MAX_TILE_BYTES: usize = 16 * 1024 * 1024;

/// Why a tile could not be decoded at all.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    /// gzip data that does not inflate.
    #[error("bad gzip data: {0}")]
    Gzip(String),
    /// More than [`MAX_TILE_BYTES`] once inflated.
    #[error("inflates past {} MB (refused as a decompression bomb)", MAX_TILE_BYTES / (1024 * 1024))]
    TooLarge,
    /// An image where a vector tile was expected.
    #[error("holds a {0} image, not a vector tile")]
    Image(&'static str),
    /// Not a protobuf vector tile.
    #[error("not a Mapbox Vector Tile: {0}")]
    NotMvt(String),
}

/// A property value.
#[derive(Clone, Debug, PartialEq)]
pub enum TileValue {
    /// Text.
    Text(String),
    /// Any number.
    Number(f64),
    /// True or false.
    Bool(bool),
}

impl TileValue {
    /// The value as text (numbers without a fractional part written as integers).
    pub fn to_text(&self) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Self::Number(n) => n.to_string(),
            Self::Bool(b) => b.to_string(),
        }
    }
}

/// A point in tile units: 0–1 across the tile, x east, y south (may stray a little outside
/// into the tile's buffer).
pub type TilePoint = [f32; 2];

/// A feature's geometry in tile units.
#[derive(Clone, Debug, PartialEq)]
pub enum TileGeometry {
    /// One or more points.
    Points(Vec<TilePoint>),
    /// One or more lines.
    Lines(Vec<Vec<TilePoint>>),
    /// One or more polygons, each an outer ring then its holes (rings closed).
    Polygons(Vec<Vec<Vec<TilePoint>>>),
}

/// One feature of a layer.
#[derive(Clone, Debug, PartialEq)]
pub struct TileFeature {
    /// Its geometry.
    pub geometry: TileGeometry,
    /// Its properties, in the tile's order.
    pub properties: Vec<(String, TileValue)>,
}

impl TileFeature {
    /// A property by key.
    pub fn get(&self, key: &str) -> Option<&TileValue> {
        self.properties
            .iter()
            .find_map(|(k, v)| (k == key).then_some(v))
    }

    /// A text property by key (numbers are not text).
    pub fn text(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            TileValue::Text(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// A number property by key (text holding a number counts).
    pub fn number(&self, key: &str) -> Option<f64> {
        match self.get(key)? {
            TileValue::Number(n) => Some(*n),
            TileValue::Bool(b) => Some(f64::from(u8::from(*b))),
            TileValue::Text(s) => s.trim().parse().ok(),
        }
    }
}

/// One layer of a tile.
#[derive(Clone, Debug, PartialEq)]
pub struct TileLayer {
    /// The layer's name (`transportation`, `water`, `roads`, …).
    pub name: String,
    /// Its features.
    pub features: Vec<TileFeature>,
}

/// A decoded tile.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VectorTile {
    /// Its layers, in the tile's order.
    pub layers: Vec<TileLayer>,
    /// Layers that could not be read, each with the reason.
    pub problems: Vec<String>,
    /// Bytes of the tile once inflated.
    pub raw_bytes: usize,
}

impl VectorTile {
    /// A layer by name.
    pub fn layer(&self, name: &str) -> Option<&TileLayer> {
        self.layers.iter().find(|l| l.name == name)
    }
}

/// The kind of image `bytes` start with, if they are one.
pub fn image_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG") {
        Some("PNG")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("JPEG")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("WebP")
    } else {
        None
    }
}

/// Inflate gzip'd (or zlib'd) bytes, refusing more than [`MAX_TILE_BYTES`]; plain bytes are
/// returned as they are.
pub fn inflate(bytes: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::new();
    let limit = MAX_TILE_BYTES as u64 + 1;
    let read = if bytes.starts_with(&[0x1F, 0x8B]) {
        flate2::read::GzDecoder::new(bytes)
            .take(limit)
            .read_to_end(&mut out)
    } else if bytes.len() >= 2
        && bytes[0] == 0x78
        && (u16::from(bytes[0]) << 8 | u16::from(bytes[1])) % 31 == 0
    {
        flate2::read::ZlibDecoder::new(bytes)
            .take(limit)
            .read_to_end(&mut out)
    } else {
        return if bytes.len() > MAX_TILE_BYTES {
            Err(DecodeError::TooLarge)
        } else {
            Ok(bytes.to_vec())
        };
    };
    read.map_err(|e| DecodeError::Gzip(e.to_string()))?;
    if out.len() > MAX_TILE_BYTES {
        return Err(DecodeError::TooLarge);
    }
    Ok(out)
}

/// Decode one tile's bytes (gzip'd or not).
pub fn decode(bytes: &[u8]) -> Result<VectorTile, DecodeError> {
    if let Some(kind) = image_kind(bytes) {
        return Err(DecodeError::Image(kind));
    }
    let raw = inflate(bytes)?;
    if let Some(kind) = image_kind(&raw) {
        return Err(DecodeError::Image(kind));
    }
    let raw_bytes = raw.len();
    let reader = mvt_reader::Reader::new(raw).map_err(|e| DecodeError::NotMvt(e.to_string()))?;
    let metadata = reader
        .get_layer_metadata()
        .map_err(|e| DecodeError::NotMvt(e.to_string()))?;
    let mut tile = VectorTile {
        raw_bytes,
        ..VectorTile::default()
    };
    for meta in metadata {
        let extent = if meta.extent == 0 { 4096 } else { meta.extent } as f32;
        match reader.get_features_as::<f32>(meta.layer_index) {
            Ok(features) => tile.layers.push(TileLayer {
                features: features
                    .into_iter()
                    .filter_map(|f| feature(f, 1.0 / extent))
                    .collect(),
                name: meta.name,
            }),
            Err(e) => tile.problems.push(format!("layer \"{}\": {e}", meta.name)),
        }
    }
    Ok(tile)
}

fn feature(f: mvt_reader::feature::Feature<f32>, k: f32) -> Option<TileFeature> {
    use geo::Geometry as G;
    let pt = |c: geo::Coord<f32>| [c.x * k, c.y * k];
    let line = |l: geo::LineString<f32>| l.0.into_iter().map(pt).collect::<Vec<_>>();
    let polygon = |p: geo::Polygon<f32>| {
        let (outer, holes) = p.into_inner();
        std::iter::once(outer)
            .chain(holes)
            .map(line)
            .collect::<Vec<_>>()
    };
    let geometry = match f.geometry {
        G::Point(p) => TileGeometry::Points(vec![pt(p.0)]),
        G::MultiPoint(m) => TileGeometry::Points(m.0.into_iter().map(|p| pt(p.0)).collect()),
        G::LineString(l) => TileGeometry::Lines(vec![line(l)]),
        G::MultiLineString(m) => TileGeometry::Lines(m.0.into_iter().map(line).collect()),
        G::Polygon(p) => TileGeometry::Polygons(vec![polygon(p)]),
        G::MultiPolygon(m) => TileGeometry::Polygons(m.0.into_iter().map(polygon).collect()),
        _ => return None,
    };
    let properties = f
        .properties
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(key, v)| {
            use mvt_reader::feature::Value as V;
            let value = match v {
                V::String(s) => TileValue::Text(s),
                V::Float(x) => TileValue::Number(f64::from(x)),
                V::Double(x) => TileValue::Number(x),
                V::Int(x) | V::SInt(x) => TileValue::Number(x as f64),
                V::UInt(x) => TileValue::Number(x as f64),
                V::Bool(b) => TileValue::Bool(b),
                V::Null => return None,
            };
            Some((key, value))
        })
        .collect::<Vec<_>>();
    let mut properties = properties;
    // mvt-reader hands properties over in a hash map: sort them for a stable inspector.
    properties.sort_by(|a, b| a.0.cmp(&b.0));
    Some(TileFeature {
        geometry,
        properties,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(bytes).expect("gzip");
        e.finish().expect("gzip")
    }

    #[test]
    fn a_bomb_is_refused_and_bad_gzip_named() {
        let bomb = gzip(&vec![0u8; MAX_TILE_BYTES + 10]);
        assert!(bomb.len() < 100_000, "a small file");
        assert_eq!(decode(&bomb), Err(DecodeError::TooLarge));
        let mut broken = gzip(b"some bytes that are not a tile at all");
        broken.truncate(broken.len() / 2);
        assert!(matches!(decode(&broken), Err(DecodeError::Gzip(_))));
    }

    #[test]
    fn images_are_named() {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend([0u8; 20]);
        assert_eq!(decode(&png), Err(DecodeError::Image("PNG")));
        assert_eq!(decode(&gzip(&png)), Err(DecodeError::Image("PNG")));
    }

    #[test]
    fn garbage_is_not_a_tile() {
        assert!(matches!(
            decode(&[0xFF, 0xFF, 0xFF, 0x07, 0x01]),
            Err(DecodeError::NotMvt(_))
        ));
        // Nothing at all is a tile with no layers (an empty tile is valid MVT).
        assert_eq!(decode(&[]).expect("empty").layers.len(), 0);
    }

    #[test]
    fn numbers_as_text() {
        assert_eq!(TileValue::Number(7.0).to_text(), "7");
        assert_eq!(TileValue::Number(2.5).to_text(), "2.5");
    }
}
