//! Vector tiles (Mapbox Vector Tiles, OpenMapTiles or Protomaps schema), from a source to
//! pixels:
//!
//! - [`fetch`]: the bytes, from a pack file or an XYZ server with a disk cache;
//! - [`decode`]: gzip (bounded) and protobuf (mvt-reader) into features in tile units (pure);
//! - [`schema`]: what each feature is, whatever the schema (pure);
//! - [`style`]: the atlas style: fills, lines with casings, labels by zoom (pure);
//! - [`draw`]: one tile tessellated into a mesh for a draw zoom, and each frame's tiles and
//!   labels painted (screen and exports alike);
//! - [`loader`]: the worker threads that prepare tiles so no frame waits for one;
//! - [`tilejson`]: TileJSON documents (`tiles`, zooms, attribution, `vector_layers`).

pub mod decode;
pub mod draw;
pub mod fetch;
pub mod loader;
pub mod schema;
pub mod style;
pub mod tilejson;

pub use draw::VectorFrame;
pub use loader::{VectorInfo, VectorTiles};

use crate::tiles::pack::TilePack;
use crate::tiles::source::TileSourceSpec;

/// Worker threads for a pack (decoding and tessellating is CPU work: one per core).
fn pack_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(2, usize::from)
        .clamp(1, 4)
}

/// A vector pack's tiles, prepared on worker threads; `repaint` is called as tiles arrive.
pub fn from_pack(pack: TilePack, repaint: Box<dyn Fn() + Send + Sync>) -> VectorTiles {
    let m = pack.meta().clone();
    let info = VectorInfo {
        name: m.name,
        attribution: m.attribution,
        min_zoom: m.min_zoom,
        max_zoom: m.max_zoom,
        bounds: m.bounds,
        layers: m.layers,
    };
    VectorTiles::new(
        info,
        fetch::TileBytes::Pack(Box::new(std::sync::Mutex::new(pack))),
        pack_threads(),
        repaint,
    )
}

/// A vector tile server's tiles (its template ends in `.pbf` or `.mvt`), cached under
/// `cache`.
pub fn from_server(
    spec: &TileSourceSpec,
    cache: Option<&std::path::Path>,
    repaint: Box<dyn Fn() + Send + Sync>,
) -> Result<VectorTiles, fetch::FetchError> {
    let server = fetch::Server::new(&spec.url_template, cache, "vector")?;
    let info = VectorInfo {
        name: spec.name.clone(),
        attribution: spec.attribution.clone(),
        min_zoom: spec.min_zoom,
        max_zoom: spec.max_zoom,
        bounds: None,
        layers: Vec::new(),
    };
    // Requests wait on the network more than on the CPU.
    Ok(VectorTiles::new(
        info,
        fetch::TileBytes::Server(server),
        pack_threads() + 2,
        repaint,
    ))
}

/// The zoom from which the offline atlas draws the OpenStreetMap detail of its vector pack:
/// below it, the Natural Earth atlas alone reads better (and the whole country is in view).
pub const DETAIL_FROM_ZOOM: f64 = 7.5;

/// The vector pack in `dir` (e.g. `maps/`) whose detail the offline atlas draws: the first
/// `.mbtiles` or `.pmtiles` file, by name, that holds vector tiles.
pub fn detail_pack_in(dir: &std::path::Path) -> Option<std::path::PathBuf> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| crate::tiles::pack::is_pack(p))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .find(|p| TilePack::open(p).is_ok_and(|pack| pack.meta().is_vector()))
}
