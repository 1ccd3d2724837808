//! Where vector tile bytes come from: a pack file (MBTiles, PMTiles) or an XYZ server
//! (tileserver-gl, Martin, MapTiler; a template or a TileJSON URL; see [`crate::tiles::http`]).

use std::sync::Mutex;

pub use crate::tiles::http::{FetchError, Server};
use crate::tiles::pack::TilePack;
use crate::tiles::source::TileAddress;

/// The bytes behind a vector source.
#[derive(Debug)]
pub enum TileBytes {
    /// A pack file (its readers are not shared between threads, hence the lock).
    Pack(Box<Mutex<TilePack>>),
    /// A tile server.
    Server(Server),
}

impl TileBytes {
    /// The bytes of tile `a`; `None`: the source has no such tile (nothing there).
    pub fn tile(&self, a: TileAddress) -> Result<Option<Vec<u8>>, FetchError> {
        match self {
            Self::Pack(pack) => {
                let pack = pack
                    .lock()
                    .map_err(|_| FetchError::Pack("the pack reader failed earlier".into()))?;
                pack.tile(a.z, a.x, a.y).map_err(FetchError::Pack)
            }
            Self::Server(s) => s.tile(a),
        }
    }

    /// The file or URL template, for messages.
    pub fn describe(&self) -> String {
        match self {
            Self::Pack(p) => p
                .lock()
                .map_or_else(|_| "tile pack".into(), |p| p.path().display().to_string()),
            Self::Server(s) => s.template.clone(),
        }
    }
}
