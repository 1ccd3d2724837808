//! Everything about tiles, from a source to pixels, in one place.
//!
//! - [`source`]: XYZ tile sources (specs, URL templates) and the tiles covering an area (pure).
//! - [`health`]: whether tiles arrive, and when to ask again for failed ones (pure).
//! - [`mbtiles`], [`pmtiles`], [`pack`]: tile pack files, raster or vector.
//! - [`cache`]: the on-disk tile cache folder (size, emptying).
//! - [`http`]: XYZ tile servers over HTTP, bounded in time and size, with the disk cache.
//! - [`raster`]: raster tiles as walkers tiles (from servers on worker threads, packs as
//!   textures) and painting them for the screen and exports.
//! - [`vector`]: vector tiles (Mapbox Vector Tiles): decoding, the atlas style, drawing and the
//!   worker threads that prepare them.

pub mod cache;
pub mod health;
pub mod http;
pub mod mbtiles;
pub mod pack;
pub mod pmtiles;
pub mod raster;
pub mod source;
pub mod vector;

pub use raster::{
    PackTiles, RasterTiles, ServerTiles, USER_AGENT, cache_dir, install_tls, paint_tiles,
    text_attribution, tile_zoom,
};
