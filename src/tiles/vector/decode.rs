//! Mapbox Vector Tiles: gzip'd or plain bytes → layers of features in tile units.
//!
//! The protobuf is read by geozero's MVT types; this module bounds what a tile may inflate to,
//! recognises images where vector tiles were promised, and turns features into plain geometry
//! in *tile units* (0–1 across the tile, y down, whatever the layer's extent) with their
//! properties. A feature or layer that cannot be read is skipped and named in
//! [`VectorTile::problems`]; the rest stays.

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
///
/// The protobuf is read by geozero's generated `vector_tile` types (prost). The geometry
/// commands are walked here (MVT 2.1, section 4.3), bounds-checked, straight into tile units:
/// mvt-reader reserves room for a feature's whole geometry in every line it decodes (31 MB
/// resident for one z12 Karachi layer of 46 000 points), and geozero's own walker indexes past
/// the end of a truncated geometry and panics. A feature with a broken geometry is skipped and
/// counted in [`VectorTile::problems`].
pub fn decode(bytes: &[u8]) -> Result<VectorTile, DecodeError> {
    use geozero::mvt::Message;
    if let Some(kind) = image_kind(bytes) {
        return Err(DecodeError::Image(kind));
    }
    let raw = inflate(bytes)?;
    if let Some(kind) = image_kind(&raw) {
        return Err(DecodeError::Image(kind));
    }
    let parsed = geozero::mvt::Tile::decode(raw.as_slice())
        .map_err(|e| DecodeError::NotMvt(e.to_string()))?;
    let mut tile = VectorTile {
        raw_bytes: raw.len(),
        ..VectorTile::default()
    };
    for layer in parsed.layers {
        if !matches!(layer.version, 1 | 2) {
            tile.problems.push(format!(
                "layer \"{}\": version {} (only 1 and 2 are read)",
                layer.name, layer.version
            ));
            continue;
        }
        let k = 1.0 / layer.extent.filter(|&e| e > 0).unwrap_or(4096) as f32;
        let mut broken = 0;
        let features = layer
            .features
            .iter()
            .filter_map(|f| {
                let geometry = geometry(f.r#type, &f.geometry, k);
                let properties = properties(&layer, &f.tags);
                match (geometry, properties) {
                    (Ok(Some(geometry)), Some(properties)) => Some(TileFeature {
                        geometry,
                        properties,
                    }),
                    (Ok(None), Some(_)) => None,
                    _ => {
                        broken += 1;
                        None
                    }
                }
            })
            .collect();
        if broken > 0 {
            tile.problems.push(format!(
                "layer \"{}\": {broken} features with a broken geometry or tags skipped",
                layer.name
            ));
        }
        tile.layers.push(TileLayer {
            name: layer.name,
            features,
        });
    }
    Ok(tile)
}

/// A geometry that does not follow the MVT command grammar.
#[derive(Debug)]
struct BadGeometry;

/// Walk a feature's geometry commands into tile units (`k`: 1 / extent); `Ok(None)` for an
/// unknown or empty geometry type.
fn geometry(
    kind: Option<i32>,
    commands: &[u32],
    k: f32,
) -> Result<Option<TileGeometry>, BadGeometry> {
    const MOVE_TO: u32 = 1;
    const LINE_TO: u32 = 2;
    const CLOSE_PATH: u32 = 7;
    let mut at = 0usize;
    let mut cursor = [0i64; 2];
    let mut next_point = |at: &mut usize| -> Result<TilePoint, BadGeometry> {
        let [dx, dy] = [commands.get(*at), commands.get(*at + 1)];
        let (Some(&dx), Some(&dy)) = (dx, dy) else {
            return Err(BadGeometry);
        };
        *at += 2;
        let zigzag = |v: u32| i64::from(v >> 1) ^ -i64::from(v & 1);
        cursor = [cursor[0] + zigzag(dx), cursor[1] + zigzag(dy)];
        Ok([cursor[0] as f32 * k, cursor[1] as f32 * k])
    };
    // Runs of MoveTo(1) + LineTo(n) (+ ClosePath for rings).
    let mut runs: Vec<Vec<TilePoint>> = Vec::new();
    let mut points = Vec::new();
    while at < commands.len() {
        let command = commands[at];
        at += 1;
        let (id, count) = (command & 7, (command >> 3) as usize);
        match id {
            MOVE_TO => {
                if count == 0 {
                    return Err(BadGeometry);
                }
                for _ in 0..count {
                    let p = next_point(&mut at)?;
                    if kind == Some(1) {
                        points.push(p);
                    } else {
                        runs.push(vec![p]);
                    }
                }
            }
            LINE_TO => {
                let run = runs.last_mut().ok_or(BadGeometry)?;
                if count > commands.len() {
                    return Err(BadGeometry);
                }
                run.reserve(count);
                for _ in 0..count {
                    run.push(next_point(&mut at)?);
                }
            }
            CLOSE_PATH => {
                let run = runs.last_mut().ok_or(BadGeometry)?;
                let first = *run.first().ok_or(BadGeometry)?;
                run.push(first);
            }
            _ => return Err(BadGeometry),
        }
    }
    Ok(match kind {
        Some(1) if !points.is_empty() => Some(TileGeometry::Points(points)),
        Some(2) => {
            runs.retain(|r| r.len() >= 2);
            (!runs.is_empty()).then_some(TileGeometry::Lines(runs))
        }
        Some(3) => {
            // Exterior rings wind clockwise on screen (positive area, y down); each is followed
            // by its holes.
            let mut polygons: Vec<Vec<Vec<TilePoint>>> = Vec::new();
            for ring in runs.into_iter().filter(|r| r.len() >= 4) {
                let area: f32 = ring
                    .windows(2)
                    .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
                    .sum();
                match polygons.last_mut() {
                    Some(p) if area < 0.0 => p.push(ring),
                    _ if area < 0.0 => {}
                    _ => polygons.push(vec![ring]),
                }
            }
            (!polygons.is_empty()).then_some(TileGeometry::Polygons(polygons))
        }
        _ => None,
    })
}

/// A feature's tags as properties (sorted by key, for a stable inspector); `None` when a tag
/// points past the layer's keys or values.
fn properties(layer: &geozero::mvt::tile::Layer, tags: &[u32]) -> Option<Vec<(String, TileValue)>> {
    if !tags.len().is_multiple_of(2) {
        return None;
    }
    let mut out = Vec::with_capacity(tags.len() / 2);
    for pair in tags.chunks_exact(2) {
        let key = layer.keys.get(pair[0] as usize)?;
        let v = layer.values.get(pair[1] as usize)?;
        let value = if let Some(s) = &v.string_value {
            TileValue::Text(s.clone())
        } else if let Some(b) = v.bool_value {
            TileValue::Bool(b)
        } else if let Some(x) = v
            .double_value
            .or(v.float_value.map(f64::from))
            .or(v.int_value.map(|i| i as f64))
            .or(v.sint_value.map(|i| i as f64))
            .or(v.uint_value.map(|u| u as f64))
        {
            TileValue::Number(x)
        } else {
            continue;
        };
        out.push((key.clone(), value));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Some(out)
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
    fn geometry_commands_are_walked_and_broken_ones_refused() {
        let zz = |v: i32| ((v << 1) ^ (v >> 31)) as u32;
        let cmd = |id: u32, n: u32| (n << 3) | id;
        let k = 1.0 / 4096.0;
        // A line from (2, 2) to (2, 10) to (10, 10): MoveTo(1) LineTo(2).
        let line = [
            cmd(1, 1),
            zz(2),
            zz(2),
            cmd(2, 2),
            zz(0),
            zz(8),
            zz(8),
            zz(0),
        ];
        let Ok(Some(TileGeometry::Lines(l))) = geometry(Some(2), &line, k) else {
            panic!("a line")
        };
        assert_eq!(
            l[0],
            [
                [2.0 * k, 2.0 * k],
                [2.0 * k, 10.0 * k],
                [10.0 * k, 10.0 * k]
            ]
        );
        // A square (clockwise on screen) with a hole (counter-clockwise).
        let square = [
            cmd(1, 1),
            zz(0),
            zz(0),
            cmd(2, 3),
            zz(10),
            zz(0),
            zz(0),
            zz(10),
            zz(-10),
            zz(0),
            cmd(7, 1),
            cmd(1, 1),
            zz(2),
            zz(2),
            cmd(2, 3),
            zz(0),
            zz(2),
            zz(2),
            zz(0),
            zz(0),
            zz(-2),
            cmd(7, 1),
        ];
        let Ok(Some(TileGeometry::Polygons(p))) = geometry(Some(3), &square, k) else {
            panic!("a polygon")
        };
        assert_eq!((p.len(), p[0].len()), (1, 2), "one polygon with one hole");
        // Past its end, or a LineTo before any MoveTo: refused, not a panic.
        assert!(geometry(Some(2), &line[..6], k).is_err());
        assert!(geometry(Some(2), &[cmd(2, 1), 0, 0], k).is_err());
        assert!(geometry(Some(2), &[cmd(1, 1), 0, 0, cmd(2, u32::MAX >> 3)], k).is_err());
    }

    #[test]
    fn numbers_as_text() {
        assert_eq!(TileValue::Number(7.0).to_text(), "7");
        assert_eq!(TileValue::Number(2.5).to_text(), "2.5");
    }
}
