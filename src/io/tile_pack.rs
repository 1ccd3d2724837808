//! A tile pack file of either kind, MBTiles or PMTiles, chosen by its extension.

use std::path::Path;

use super::mbtiles::{MbTiles, PackError, PackMeta};
use super::pmtiles::PmTiles;

/// An open tile pack.
#[derive(Debug)]
pub enum TilePack {
    /// An SQLite MBTiles file.
    MbTiles(MbTiles),
    /// A PMTiles file.
    PmTiles(PmTiles),
}

/// Whether a file name looks like a tile pack.
pub fn is_pack(path: &Path) -> bool {
    path.extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("mbtiles") || x.eq_ignore_ascii_case("pmtiles"))
}

impl TilePack {
    /// Open a pack: `.pmtiles` as PMTiles, anything else as MBTiles.
    pub fn open(path: &Path) -> Result<Self, PackError> {
        if path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("pmtiles"))
        {
            PmTiles::open(path).map(Self::PmTiles)
        } else {
            MbTiles::open(path).map(Self::MbTiles)
        }
    }

    /// What the pack says about itself.
    pub fn meta(&self) -> &PackMeta {
        match self {
            Self::MbTiles(p) => &p.meta,
            Self::PmTiles(p) => &p.meta,
        }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        match self {
            Self::MbTiles(p) => p.path(),
            Self::PmTiles(p) => p.path(),
        }
    }

    /// The image bytes of tile `z/x/y` (XYZ), if the pack has it.
    pub fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, String> {
        match self {
            Self::MbTiles(p) => p.tile(z, x, y).map_err(|e| e.to_string()),
            Self::PmTiles(p) => p.tile(z, x, y),
        }
    }
}
