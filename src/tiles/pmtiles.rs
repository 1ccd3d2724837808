//! PMTiles (version 3) tile packs: one file with a header, directories of tile entries
//! (varint-encoded, optionally gzip-compressed), JSON metadata and the tiles: raster PNG, JPEG
//! or WebP, or vector (MVT). Read with plain file reads, no async runtime.
//!
//! Why not the `pmtiles` crate (the one walkers' `pmtiles` feature wraps): its readers are
//! async only (`AsyncPmTilesReader` over tokio backends), so every tile read from the UI or a
//! worker thread would need a runtime to block on (its README lists sync backends as planned,
//! not done); this reader is a few hundred lines of plain `read_exact` calls.
//!
//! Tile ids follow the specification: all tiles of lower zooms first, then the Hilbert-curve
//! index of `(x, y)` within the zoom.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::mbtiles::{PackError, PackMeta};

const HEADER_LEN: usize = 127;
/// Directories nest at most this deep (root and leaves).
const MAX_DEPTH: usize = 4;
/// The most a directory, the metadata or a raster tile may take, read or inflated: far more
/// than any real pack's (a root directory is at most 16 KiB), far less than a bomb's.
const MAX_READ_BYTES: u64 = 64 * 1024 * 1024;

/// An open PMTiles pack.
#[derive(Debug)]
pub struct PmTiles {
    path: PathBuf,
    file: Mutex<File>,
    /// The file's length in bytes: nothing is read past it.
    size: u64,
    header: Header,
    /// Its metadata.
    pub meta: PackMeta,
}

#[derive(Clone, Copy, Debug)]
struct Header {
    root_offset: u64,
    root_length: u64,
    leaf_offset: u64,
    tile_data_offset: u64,
    internal_compression: u8,
    tile_compression: u8,
}

/// One directory entry: tiles `tile_id .. tile_id + run_length` (or a leaf directory when the
/// run length is 0).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Entry {
    tile_id: u64,
    offset: u64,
    length: u64,
    run_length: u64,
}

impl PmTiles {
    /// Open a pack and read its header and metadata; a truncated or foreign file is refused
    /// with the reason.
    pub fn open(path: &Path) -> Result<Self, PackError> {
        let io = |source| PackError::Io {
            path: path.to_path_buf(),
            source,
        };
        let bad = |reason: String| PackError::NotAPack {
            path: path.to_path_buf(),
            reason,
        };
        let mut file = File::open(path).map_err(io)?;
        let size = file.metadata().map_err(io)?.len();
        let mut h = [0u8; HEADER_LEN];
        file.read_exact(&mut h).map_err(|_| {
            bad(format!(
                "the file is {size} bytes, shorter than a PMTiles header"
            ))
        })?;
        if &h[0..7] != b"PMTiles" {
            return Err(bad("it does not start with \"PMTiles\"".into()));
        }
        if h[7] != 3 {
            return Err(bad(format!(
                "PMTiles version {} (only version 3 is read)",
                h[7]
            )));
        }
        let u64_at = |i: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&h[i..i + 8]);
            u64::from_le_bytes(b)
        };
        let i32_at = |i: usize| {
            let mut b = [0u8; 4];
            b.copy_from_slice(&h[i..i + 4]);
            f64::from(i32::from_le_bytes(b)) / 1e7
        };
        let header = Header {
            root_offset: u64_at(8),
            root_length: u64_at(16),
            leaf_offset: u64_at(40),
            tile_data_offset: u64_at(56),
            internal_compression: h[97],
            tile_compression: h[98],
        };
        let (metadata_offset, metadata_length) = (u64_at(24), u64_at(32));
        let tile_data_end = u64_at(56).saturating_add(u64_at(64));
        if tile_data_end > size
            || header.root_offset.saturating_add(header.root_length) > size
            || metadata_offset.saturating_add(metadata_length) > size
        {
            return Err(bad(format!(
                "the file is truncated: its header describes {tile_data_end} bytes, the file has {size}"
            )));
        }
        let format = match h[99] {
            1 => "mvt",
            2 => "png",
            3 => "jpg",
            4 => "webp",
            5 => "avif",
            _ => "unknown",
        };
        let (min_zoom, max_zoom) = PackMeta::zoom_range(h[100].into(), h[101].into());
        let pack = Self {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            size,
            header,
            meta: PackMeta {
                name: String::new(),
                attribution: String::new(),
                bounds: Some([i32_at(102), i32_at(106), i32_at(110), i32_at(114)]),
                min_zoom,
                max_zoom,
                format: format.into(),
                layers: Vec::new(),
            },
        };
        let meta_json: serde_json::Value = if metadata_length == 0 {
            serde_json::Value::Null
        } else {
            let raw = pack
                .read(
                    metadata_offset,
                    metadata_length,
                    header.internal_compression,
                )
                .map_err(bad)?;
            serde_json::from_slice(&raw).unwrap_or(serde_json::Value::Null)
        };
        let text = |k: &str| meta_json.get(k).and_then(|v| v.as_str()).map(str::to_owned);
        let name = text("name").unwrap_or_else(|| {
            path.file_stem()
                .map_or_else(|| "Tile pack".into(), |s| s.to_string_lossy().into_owned())
        });
        let attribution = text("attribution").unwrap_or_else(|| "Tiles: tile pack".into());
        // The root directory must be readable for the pack to be of use.
        pack.directory(header.root_offset, header.root_length)
            .map_err(|e| bad(format!("its root directory cannot be read: {e}")))?;
        Ok(Self {
            meta: PackMeta {
                name,
                attribution,
                layers: super::mbtiles::vector_layer_ids(&meta_json),
                ..pack.meta.clone()
            },
            ..pack
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The image bytes of tile `z/x/y` (XYZ), if the pack has it.
    pub fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, String> {
        let id = tile_id(z, x, y);
        let (mut offset, mut length) = (self.header.root_offset, self.header.root_length);
        for _ in 0..MAX_DEPTH {
            let entries = self.directory(offset, length)?;
            let Some(e) = find(&entries, id) else {
                return Ok(None);
            };
            if e.run_length > 0 {
                // Vector tiles are handed over as stored: their reader inflates them within a
                // bound (a tile that inflates without end is refused there).
                let compression = if self.meta.format == "mvt" {
                    1
                } else {
                    self.header.tile_compression
                };
                let data = self.read(
                    self.header.tile_data_offset.saturating_add(e.offset),
                    e.length,
                    compression,
                )?;
                return Ok(Some(data));
            }
            offset = self.header.leaf_offset.saturating_add(e.offset);
            length = e.length;
        }
        Err("directories nest too deep".into())
    }

    fn directory(&self, offset: u64, length: u64) -> Result<Vec<Entry>, String> {
        let raw = self.read(offset, length, self.header.internal_compression)?;
        parse_directory(&raw)
    }

    /// Read `length` bytes at `offset`, decompressed by `compression` (1 none, 2 gzip).
    fn read(&self, offset: u64, length: u64, compression: u8) -> Result<Vec<u8>, String> {
        if offset.checked_add(length).is_none_or(|end| end > self.size) {
            return Err(format!(
                "an entry points past the end of the file ({length} bytes at {offset}; the file has {}): it is truncated or damaged",
                self.size
            ));
        }
        if length > MAX_READ_BYTES {
            return Err(format!(
                "an entry of {length} bytes (more than {} MB is not read)",
                MAX_READ_BYTES >> 20
            ));
        }
        let mut buf = vec![0u8; usize::try_from(length).map_err(|e| e.to_string())?];
        {
            let mut file = self
                .file
                .lock()
                .map_err(|_| "the file is unusable".to_string())?;
            file.seek(SeekFrom::Start(offset))
                .map_err(|e| e.to_string())?;
            file.read_exact(&mut buf)
                .map_err(|e| format!("{e} (the file may be truncated)"))?;
        }
        match compression {
            0 | 1 => Ok(buf),
            2 => {
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(buf.as_slice())
                    .take(MAX_READ_BYTES + 1)
                    .read_to_end(&mut out)
                    .map_err(|e| format!("gzip: {e}"))?;
                if out.len() as u64 > MAX_READ_BYTES {
                    return Err(format!(
                        "an entry inflates past {} MB (refused as a decompression bomb)",
                        MAX_READ_BYTES >> 20
                    ));
                }
                Ok(out)
            }
            other => Err(format!(
                "compression {other} is not read (only none and gzip)"
            )),
        }
    }
}

/// The entry covering `id`: the last entry at or before it, if its run reaches it (or it is a
/// leaf directory).
fn find(entries: &[Entry], id: u64) -> Option<Entry> {
    let i = entries
        .partition_point(|e| e.tile_id <= id)
        .checked_sub(1)?;
    let e = entries[i];
    (e.run_length == 0 || id < e.tile_id + e.run_length).then_some(e)
}

fn parse_directory(raw: &[u8]) -> Result<Vec<Entry>, String> {
    let mut pos = 0;
    let mut next = || -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *raw.get(pos).ok_or("a directory ends early")?;
            pos += 1;
            value |= u64::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("a number in a directory is too long".into())
    };
    let n = usize::try_from(next()?).map_err(|e| e.to_string())?;
    if n > raw.len() {
        return Err(format!(
            "a directory claims {n} entries in {} bytes",
            raw.len()
        ));
    }
    let mut entries = vec![
        Entry {
            tile_id: 0,
            offset: 0,
            length: 0,
            run_length: 0
        };
        n
    ];
    let overflow = || "a directory's numbers overflow".to_string();
    let mut last = 0u64;
    for e in &mut entries {
        last = last.checked_add(next()?).ok_or_else(overflow)?;
        e.tile_id = last;
    }
    for e in &mut entries {
        e.run_length = next()?;
    }
    for e in &mut entries {
        e.length = next()?;
    }
    for i in 0..n {
        let v = next()?;
        entries[i].offset = if v == 0 && i > 0 {
            entries[i - 1]
                .offset
                .checked_add(entries[i - 1].length)
                .ok_or_else(overflow)?
        } else {
            v.saturating_sub(1)
        };
    }
    Ok(entries)
}

/// The PMTiles tile id of `z/x/y`.
pub fn tile_id(z: u8, x: u32, y: u32) -> u64 {
    let base: u64 = (0..z).map(|i| 1u64 << (2 * u32::from(i))).sum();
    let n = 1u64 << z;
    let (mut x, mut y) = (u64::from(x), u64::from(y));
    let mut d = 0u64;
    let mut s = n / 2;
    while s > 0 {
        let rx = u64::from(x & s > 0);
        let ry = u64::from(y & s > 0);
        d += s * s * ((3 * rx) ^ ry);
        // Rotate the quadrant (the Hilbert curve's xy-to-d).
        if ry == 0 {
            if rx == 1 {
                x = n - 1 - x;
                y = n - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    base + d
}

fn varint(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7F) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Write a small uncompressed raster PMTiles pack (for tests and examples): `tiles` as
/// `(z, x, y, png bytes)` in XYZ, with a name and attribution in its metadata.
pub fn write_pmtiles(
    path: &Path,
    name: &str,
    attribution: &str,
    tiles: &[(u8, u32, u32, Vec<u8>)],
) -> std::io::Result<()> {
    let mut sorted: Vec<(u64, &Vec<u8>)> = tiles
        .iter()
        .map(|(z, x, y, data)| (tile_id(*z, *x, *y), data))
        .collect();
    sorted.sort_by_key(|t| t.0);
    let mut dir = Vec::new();
    varint(sorted.len() as u64, &mut dir);
    let mut last = 0;
    for (id, _) in &sorted {
        varint(id - last, &mut dir);
        last = *id;
    }
    for _ in &sorted {
        varint(1, &mut dir);
    }
    for (_, data) in &sorted {
        varint(data.len() as u64, &mut dir);
    }
    let mut offset = 0u64;
    let mut data_all = Vec::new();
    for (_, data) in &sorted {
        varint(offset + 1, &mut dir);
        offset += data.len() as u64;
        data_all.extend_from_slice(data);
    }
    let meta = serde_json::json!({ "name": name, "attribution": attribution }).to_string();
    let root_offset = HEADER_LEN as u64;
    let meta_offset = root_offset + dir.len() as u64;
    let data_offset = meta_offset + meta.len() as u64;
    let (min_z, max_z) = (
        tiles.iter().map(|t| t.0).min().unwrap_or(0),
        tiles.iter().map(|t| t.0).max().unwrap_or(0),
    );
    let mut h = Vec::with_capacity(HEADER_LEN);
    h.extend_from_slice(b"PMTiles");
    h.push(3);
    for v in [
        root_offset,
        dir.len() as u64,
        meta_offset,
        meta.len() as u64,
        data_offset + data_all.len() as u64, // no leaf directories
        0,
        data_offset,
        data_all.len() as u64,
        sorted.len() as u64,
        sorted.len() as u64,
        sorted.len() as u64,
    ] {
        h.extend_from_slice(&v.to_le_bytes());
    }
    h.extend_from_slice(&[1, 1, 1, 2, min_z, max_z]); // clustered, no compression, png
    for v in [-180_0000000i32, -85_0000000, 180_0000000, 85_0000000] {
        h.extend_from_slice(&v.to_le_bytes());
    }
    h.push(min_z);
    h.extend_from_slice(&0i32.to_le_bytes());
    h.extend_from_slice(&0i32.to_le_bytes());
    debug_assert_eq!(h.len(), HEADER_LEN);
    let mut bytes = h;
    bytes.extend_from_slice(&dir);
    bytes.extend_from_slice(meta.as_bytes());
    bytes.extend_from_slice(&data_all);
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-tile pack whose bytes `patch` changes: why opening it or reading its tile fails.
    fn patched_pack_error(patch: impl FnOnce(&mut Vec<u8>)) -> String {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.pmtiles");
        write_pmtiles(&path, "t", "t", &[(0, 0, 0, b"tile".to_vec())]).expect("written");
        let mut bytes = std::fs::read(&path).expect("read");
        patch(&mut bytes);
        std::fs::write(&path, bytes).expect("write");
        match PmTiles::open(&path) {
            Ok(pack) => pack.tile(0, 0, 0).expect_err("refused"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_directory_that_inflates_without_end_is_refused() {
        let err = patched_pack_error(|bytes| {
            use std::io::Write;
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(&vec![0u8; (MAX_READ_BYTES + 1024) as usize])
                .expect("gzip");
            let bomb = e.finish().expect("gzip");
            // The root directory now the bomb, at the end; directories gzip'd.
            let at = bytes.len() as u64;
            bytes[8..16].copy_from_slice(&at.to_le_bytes());
            bytes[16..24].copy_from_slice(&(bomb.len() as u64).to_le_bytes());
            bytes[32..40].copy_from_slice(&0u64.to_le_bytes()); // no metadata
            bytes[97] = 2;
            bytes.extend_from_slice(&bomb);
        });
        assert!(err.contains("decompression bomb"), "{err}");
    }

    #[test]
    fn an_entry_past_the_end_of_the_file_is_named_not_allocated() {
        let err = patched_pack_error(|bytes| {
            // The root directory (count, id, run, length, offset + 1): the tile's length, a
            // one-byte varint, made a terabyte.
            let root = HEADER_LEN;
            assert_eq!(&bytes[root..root + 5], &[1, 0, 1, 4, 1]);
            let huge = [0x80, 0x80, 0x80, 0x80, 0x80, 0x20];
            bytes.splice(root + 3..root + 4, huge);
            let len = u64::from_le_bytes(bytes[16..24].try_into().expect("8 bytes")) + 5;
            bytes[16..24].copy_from_slice(&len.to_le_bytes());
            for field in [24, 40, 56] {
                let v = u64::from_le_bytes(bytes[field..field + 8].try_into().expect("8"));
                bytes[field..field + 8].copy_from_slice(&(v + 5).to_le_bytes());
            }
        });
        assert!(err.contains("past the end of the file"), "{err}");
    }

    #[test]
    fn tile_ids_follow_the_specification() {
        // From the PMTiles specification's examples.
        assert_eq!(tile_id(0, 0, 0), 0);
        assert_eq!(tile_id(1, 0, 0), 1);
        assert_eq!(tile_id(1, 0, 1), 2);
        assert_eq!(tile_id(1, 1, 1), 3);
        assert_eq!(tile_id(1, 1, 0), 4);
        assert_eq!(tile_id(2, 0, 0), 5);
    }

    #[test]
    fn writes_and_reads_a_pack_and_refuses_a_truncated_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("relief.pmtiles");
        let tiles = vec![
            (3, 5, 3, vec![1, 2, 3]),
            (3, 4, 3, vec![4, 5]),
            (4, 11, 6, vec![6]),
        ];
        write_pmtiles(&path, "Relief", "© Test", &tiles).expect("write");
        let pack = PmTiles::open(&path).expect("opens");
        assert_eq!(pack.meta.name, "Relief");
        assert_eq!(pack.meta.attribution, "© Test");
        assert_eq!((pack.meta.min_zoom, pack.meta.max_zoom), (3, 4));
        for (z, x, y, data) in &tiles {
            assert_eq!(pack.tile(*z, *x, *y).expect("read").as_ref(), Some(data));
        }
        assert_eq!(pack.tile(3, 6, 3).expect("read"), None);

        let bytes = std::fs::read(&path).expect("read");
        let cut = dir.path().join("cut.pmtiles");
        std::fs::write(&cut, &bytes[..bytes.len() - 2]).expect("write");
        let err = PmTiles::open(&cut).expect_err("truncated").to_string();
        assert!(err.contains("cut.pmtiles: not a tile pack"), "{err}");
        assert!(err.contains("truncated"), "{err}");
        std::fs::write(&cut, &bytes[..60]).expect("write");
        let err = PmTiles::open(&cut).expect_err("no header").to_string();
        assert!(err.contains("shorter than a PMTiles header"), "{err}");
    }
}
