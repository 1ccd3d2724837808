//! MBTiles tile packs (SQLite): raster PNG, JPEG or WebP tiles, or vector tiles (`pbf`), and
//! their metadata, read-only.
//!
//! Rows are stored in TMS order (row 0 at the south); [`MbTiles::tile`] takes XYZ (row 0 at the
//! north) like every other source here.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

/// What a pack says about itself.
#[derive(Clone, Debug, PartialEq)]
pub struct PackMeta {
    /// Its name (the file name when the metadata has none).
    pub name: String,
    /// Its attribution, shown with its tiles.
    pub attribution: String,
    /// `[west, south, east, north]` in degrees, when given.
    pub bounds: Option<[f64; 4]>,
    /// Lowest zoom with tiles.
    pub min_zoom: u8,
    /// Highest zoom with tiles: beyond it the last level is shown scaled.
    pub max_zoom: u8,
    /// Tile format (`png`, `jpg`, `webp`; `pbf` or `mvt` for vector tiles).
    pub format: String,
    /// The layers a vector pack says it has (its `vector_layers`).
    pub layers: Vec<String>,
}

/// The deepest zoom a pack may declare (a tile's column fits a `u32` well beyond it).
pub const MAX_PACK_ZOOM: u8 = 24;

impl PackMeta {
    /// A zoom range as a pack declares it, made usable: each within 0–[`MAX_PACK_ZOOM`], and
    /// in order (a pack that swaps them still has tiles between them).
    pub fn zoom_range(a: i64, b: i64) -> (u8, u8) {
        let [a, b] = [a, b].map(|z| z.clamp(0, i64::from(MAX_PACK_ZOOM)) as u8);
        (a.min(b), a.max(b))
    }

    /// Whether the pack holds vector tiles.
    pub fn is_vector(&self) -> bool {
        matches!(self.format.as_str(), "pbf" | "mvt")
    }
}

/// The layer ids of a TileJSON-style `vector_layers` list (also inside a `json` text, as
/// converters from MBTiles write it).
pub fn vector_layer_ids(json: &serde_json::Value) -> Vec<String> {
    if json.get("vector_layers").is_none()
        && let Some(inner) = json.get("json").and_then(|j| j.as_str())
        && let Ok(inner) = serde_json::from_str::<serde_json::Value>(inner)
    {
        return vector_layer_ids(&inner);
    }
    json.get("vector_layers")
        .and_then(|l| l.as_array())
        .map(|layers| {
            layers
                .iter()
                .filter_map(|l| l.get("id")?.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// A pack that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    /// The file is missing or unreadable.
    #[error("{}: cannot read the file: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Not an SQLite database, or a damaged one.
    #[error("{}: not a tile pack: {reason}", path.display())]
    NotAPack {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// An open MBTiles pack.
pub struct MbTiles {
    path: PathBuf,
    conn: Connection,
    /// Its metadata.
    pub meta: PackMeta,
}

impl std::fmt::Debug for MbTiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MbTiles")
            .field("path", &self.path)
            .field("meta", &self.meta)
            .finish()
    }
}

impl MbTiles {
    /// Open a pack read-only and read its metadata; a file that is not a raster tile pack is
    /// refused with the reason.
    pub fn open(path: &Path) -> Result<Self, PackError> {
        std::fs::metadata(path).map_err(|source| PackError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let not_a_pack = |reason: String| PackError::NotAPack {
            path: path.to_path_buf(),
            reason,
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| not_a_pack(e.to_string()))?;
        // The first query finds out whether this is an SQLite file at all.
        let has_tiles: bool = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'tiles'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n > 0)
            .map_err(|e| not_a_pack(format!("{e} (is it an SQLite file?)")))?;
        if !has_tiles {
            return Err(not_a_pack("it has no \"tiles\" table".into()));
        }
        let meta_value = |key: &str| -> Option<String> {
            conn.query_row("SELECT value FROM metadata WHERE name = ?1", [key], |r| {
                r.get::<_, String>(0)
            })
            .optional()
            .ok()
            .flatten()
        };
        let format = meta_value("format")
            .unwrap_or_else(|| "png".into())
            .to_lowercase();
        let (lowest, highest): (Option<i64>, Option<i64>) = conn
            .query_row(
                "SELECT min(zoom_level), max(zoom_level) FROM tiles",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| not_a_pack(format!("its tiles cannot be read: {e}")))?;
        let (Some(lowest), Some(highest)) = (lowest, highest) else {
            return Err(not_a_pack("it holds no tiles".into()));
        };
        let zoom = |key: &str, found: i64| {
            meta_value(key)
                .and_then(|v| v.trim().parse::<i64>().ok())
                .unwrap_or(found)
        };
        let (min_zoom, max_zoom) =
            PackMeta::zoom_range(zoom("minzoom", lowest), zoom("maxzoom", highest));
        let bounds = meta_value("bounds").and_then(|b| {
            let v: Vec<f64> = b.split(',').filter_map(|n| n.trim().parse().ok()).collect();
            <[f64; 4]>::try_from(v).ok()
        });
        let name = meta_value("name").unwrap_or_else(|| {
            path.file_stem()
                .map_or_else(|| "Tile pack".into(), |s| s.to_string_lossy().into_owned())
        });
        let meta = PackMeta {
            name,
            attribution: meta_value("attribution").unwrap_or_else(|| "Tiles: tile pack".into()),
            bounds,
            min_zoom,
            max_zoom,
            layers: meta_value("json")
                .and_then(|j| serde_json::from_str(&j).ok())
                .map(|j| vector_layer_ids(&j))
                .unwrap_or_default(),
            format,
        };
        Ok(Self {
            path: path.to_path_buf(),
            conn,
            meta,
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The bytes of tile `z/x/y` (XYZ), as stored (vector tiles gzip'd), if the pack has it.
    pub fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, rusqlite::Error> {
        let row = (1i64 << z) - 1 - i64::from(y);
        self.conn
            .query_row(
                "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
                [i64::from(z), i64::from(x), row],
                |r| r.get::<_, Vec<u8>>(0),
            )
            .optional()
    }
}

/// Write a small raster pack (for tests and examples): `tiles` as `(z, x, y, png bytes)` in
/// XYZ, with the given metadata.
pub fn write_pack(
    path: &Path,
    meta: &[(&str, &str)],
    tiles: &[(u8, u32, u32, Vec<u8>)],
) -> rusqlite::Result<()> {
    let conn = Connection::open(path)?;
    conn.execute_batch(
        "CREATE TABLE metadata (name TEXT, value TEXT);
         CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);",
    )?;
    for (k, v) in meta {
        conn.execute("INSERT INTO metadata VALUES (?1, ?2)", [k, v])?;
    }
    for (z, x, y, data) in tiles {
        let row = (1i64 << z) - 1 - i64::from(*y);
        conn.execute(
            "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![i64::from(*z), i64::from(*x), row, data],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_declared_zoom_range_is_put_in_order_and_bounds() {
        assert_eq!(PackMeta::zoom_range(3, 9), (3, 9));
        // Found by fuzzing: a pack declaring its zooms the wrong way round.
        assert_eq!(PackMeta::zoom_range(12, 10), (10, 12));
        assert_eq!(PackMeta::zoom_range(-4, 255), (0, MAX_PACK_ZOOM));
    }

    #[test]
    fn reads_metadata_and_tiles_in_xyz_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("pack.mbtiles");
        write_pack(
            &path,
            &[
                ("name", "Pakistan relief"),
                ("attribution", "© Test"),
                ("bounds", "60.8,23.6,77.8,37.1"),
                ("format", "png"),
            ],
            &[(6, 43, 26, vec![1, 2, 3]), (7, 87, 53, vec![4])],
        )
        .expect("write");
        let pack = MbTiles::open(&path).expect("opens");
        assert_eq!(pack.meta.name, "Pakistan relief");
        assert_eq!(pack.meta.attribution, "© Test");
        assert_eq!(pack.meta.bounds, Some([60.8, 23.6, 77.8, 37.1]));
        assert_eq!((pack.meta.min_zoom, pack.meta.max_zoom), (6, 7));
        assert_eq!(pack.tile(6, 43, 26).expect("query"), Some(vec![1, 2, 3]));
        assert_eq!(pack.tile(6, 43, 27).expect("query"), None);
    }

    #[test]
    fn what_is_not_a_pack_or_not_what_it_says_is_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let text = dir.path().join("notes.mbtiles");
        std::fs::write(&text, "this is not a database, just some text").expect("write");
        let err = MbTiles::open(&text).expect_err("not sqlite").to_string();
        assert!(err.contains("notes.mbtiles: not a tile pack"), "{err}");

        let other = dir.path().join("other.mbtiles");
        Connection::open(&other)
            .and_then(|c| c.execute_batch("CREATE TABLE things (a INTEGER);"))
            .expect("sqlite");
        let err = MbTiles::open(&other).expect_err("no tiles").to_string();
        assert!(err.contains("no \"tiles\" table"), "{err}");

        // Vector packs open as such; a pack holding other tiles than its metadata says is
        // named with both.
        let vector = dir.path().join("vector.mbtiles");
        write_pack(
            &vector,
            &[("format", "pbf")],
            &[(0, 0, 0, vec![0x1A, 0x00])],
        )
        .expect("write");
        let pack = crate::tiles::pack::TilePack::open(&vector).expect("a vector pack");
        assert!(pack.meta().is_vector());
        let png_in_pbf = dir.path().join("png-in-pbf.mbtiles");
        let png = b"\x89PNG\r\n\x1a\n0000".to_vec();
        write_pack(&png_in_pbf, &[("format", "pbf")], &[(0, 0, 0, png)]).expect("write");
        let err = crate::tiles::pack::TilePack::open(&png_in_pbf)
            .expect_err("images in a vector pack")
            .to_string();
        assert!(
            err.contains("says pbf (vector tiles) but its tiles are PNG images"),
            "{err}"
        );
        let pbf_in_png = dir.path().join("pbf-in-png.mbtiles");
        write_pack(
            &pbf_in_png,
            &[("format", "png")],
            &[(0, 0, 0, vec![0x1F, 0x8B, 8, 0])],
        )
        .expect("write");
        let err = crate::tiles::pack::TilePack::open(&pbf_in_png)
            .expect_err("vector tiles in a raster pack")
            .to_string();
        assert!(
            err.contains("says png but its tiles are not images"),
            "{err}"
        );

        let missing = MbTiles::open(&dir.path().join("gone.mbtiles")).expect_err("missing");
        assert!(missing.to_string().contains("cannot read the file"));
    }
}
