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

/// The extensions of tile pack files.
pub const PACK_EXTENSIONS: [&str; 2] = ["mbtiles", "pmtiles"];

/// Whether a file name looks like a tile pack.
pub fn is_pack(path: &Path) -> bool {
    path.extension()
        .is_some_and(|x| PACK_EXTENSIONS.iter().any(|e| x.eq_ignore_ascii_case(e)))
}

impl TilePack {
    /// Open a pack: `.pmtiles` as PMTiles, anything else as MBTiles.
    pub fn open(path: &Path) -> Result<Self, PackError> {
        let pack = if path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("pmtiles"))
        {
            PmTiles::open(path).map(Self::PmTiles)?
        } else {
            MbTiles::open(path).map(Self::MbTiles)?
        };
        pack.check_content()?;
        Ok(pack)
    }

    /// A pack whose tiles are not what its metadata says (vector tiles in a "png" pack, images
    /// in a "pbf" one) is refused, naming both.
    fn check_content(&self) -> Result<(), PackError> {
        let meta = self.meta();
        let Some(sample) = self.sample_tile() else {
            return Ok(());
        };
        let image = crate::tiles::vector::decode::image_kind(&sample);
        let wrong = match (meta.is_vector(), image) {
            (true, Some(kind)) => Some(format!(
                "its metadata says {} (vector tiles) but its tiles are {kind} images",
                meta.format
            )),
            (false, None) if meta.format != "unknown" => Some(format!(
                "its metadata says {} but its tiles are not images (vector tiles? then the format should be pbf)",
                meta.format
            )),
            _ => None,
        };
        match wrong {
            Some(reason) => Err(PackError::NotAPack {
                path: self.path().to_path_buf(),
                reason,
            }),
            None => Ok(()),
        }
    }

    /// One tile of the pack: the one over the middle of its bounds at its shallowest zoom.
    fn sample_tile(&self) -> Option<Vec<u8>> {
        let meta = self.meta();
        let [w, s, e, n] = meta.bounds.unwrap_or([-180.0, -85.0, 180.0, 85.0]);
        let centre = crate::model::view::LonLat::new((w + e) / 2.0, (s + n) / 2.0).to_world();
        let z = meta.min_zoom;
        let k = f64::from(1u32 << z);
        let cell = |v: f64| ((v * k).floor().max(0.0) as u32).min((1u32 << z) - 1);
        self.tile(z, cell(centre.x), cell(centre.y)).ok().flatten()
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

    /// The bytes of tile `z/x/y` (XYZ) as stored, if the pack has it.
    pub fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, String> {
        match self {
            Self::MbTiles(p) => p.tile(z, x, y).map_err(|e| e.to_string()),
            Self::PmTiles(p) => p.tile(z, x, y),
        }
    }
}
