//! Raster tiles as walkers tiles: from an XYZ server ([`ServerTiles`], worker threads over
//! [`crate::tiles::http::Server`], with the disk cache shared by the app and exports) or a
//! pack ([`PackTiles`]); TLS set-up; and painting tiles with a record of which are really
//! loaded (a scaled lower-zoom tile stands in while one loads).

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use egui::{Color32, Mesh, Rect, Shape};
use walkers::{TileId, Tiles};

use crate::model::view::WorldPos;
use crate::render::View;
use crate::tiles::source::{TileAddress, TileSourceSpec, tiles_covering};

/// Install the TLS crypto provider walkers' HTTP client needs (once; later calls do nothing).
pub fn install_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The tile cache folder: `$CORRIDOR_VIEWER_CACHE_DIR`, else the user's cache folder.
pub fn cache_dir() -> Option<PathBuf> {
    std::env::var_os("CORRIDOR_VIEWER_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| dirs::cache_dir().map(|d| d.join("corridor-viewer").join("tiles")))
}

/// The User-Agent sent to tile servers (OSM's tile usage policy asks for an identifying one).
pub const USER_AGENT: &str = concat!(
    "corridor-viewer/",
    env!("CARGO_PKG_VERSION"),
    " (CPEC briefing map; desktop)"
);

/// A walkers attribution that is only text.
pub fn text_attribution(text: &'static str) -> walkers::sources::Attribution {
    walkers::sources::Attribution {
        text,
        url: "",
        logo_light: None,
        logo_dark: None,
    }
}

/// The tile zoom for a view zoom, within the source's zoom range: past its deepest level the
/// last is drawn enlarged, above its shallowest the first is drawn reduced.
pub fn tile_zoom(view_zoom: f64, (min_zoom, max_zoom): (u8, u8)) -> u8 {
    (view_zoom.round().max(0.0) as u8).clamp(min_zoom.min(max_zoom), max_zoom)
}

/// Paint the tiles covering `view` and return, per tile, whether its own image was drawn
/// (rather than nothing or a scaled parent).
///
/// `tint` multiplies the tiles' colours (white: as they are; a grey alpha makes them see-through).
pub fn paint_tiles(
    painter: &egui::Painter,
    view: &View,
    tiles: &mut dyn Tiles,
    zooms: (u8, u8),
    tint: Color32,
) -> Vec<(TileAddress, bool)> {
    let z = tile_zoom(view.transform.zoom(), zooms);
    let n = f64::from(1u32 << z);
    let painter = painter.with_clip_rect(view.rect);
    tiles_covering(view.visible_world(0.0), z)
        .into_iter()
        .map(|a| {
            let piece = tiles.at(TileId {
                x: a.x,
                y: a.y,
                zoom: z,
            });
            let min = view.pos(WorldPos::new(f64::from(a.x) / n, f64::from(a.y) / n));
            let max = view.pos(WorldPos::new(
                f64::from(a.x + 1) / n,
                f64::from(a.y + 1) / n,
            ));
            let mut own = false;
            if let Some(piece) = piece
                && let walkers::Tile::Raster(texture) = &piece.tile
            {
                let mut mesh = Mesh::with_texture(texture.id());
                mesh.add_rect_with_uv(Rect::from_min_max(min, max), piece.uv, tint);
                painter.add(Shape::mesh(mesh));
                own = piece.uv == Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0));
            }
            (a, own)
        })
        .collect()
}

/// A tile pack as walkers tiles: each image decoded on first use and kept as a texture.
pub struct PackTiles {
    pack: crate::tiles::pack::TilePack,
    ctx: egui::Context,
    textures: std::collections::HashMap<TileId, Option<egui::TextureHandle>>,
    attribution: &'static str,
    problem: Option<String>,
}

/// Textures kept before the oldest are let go.
const PACK_TEXTURES: usize = 1024;

impl PackTiles {
    /// Tiles from `pack`, drawing into `ctx`.
    pub fn new(pack: crate::tiles::pack::TilePack, ctx: &egui::Context) -> Self {
        // walkers wants a `'static` text; a pack's attribution lives as long as the app.
        let attribution = Box::leak(pack.meta().attribution.clone().into_boxed_str());
        Self {
            pack,
            ctx: ctx.clone(),
            textures: Default::default(),
            attribution,
            problem: None,
        }
    }

    /// What the pack says about itself.
    pub fn meta(&self) -> &crate::tiles::mbtiles::PackMeta {
        self.pack.meta()
    }

    /// The pack's file.
    pub fn path(&self) -> &std::path::Path {
        self.pack.path()
    }

    /// Tile `id`'s texture; `Ok(None)`: the pack has no such tile; `Err`: why it cannot be
    /// drawn.
    fn load(&self, id: TileId) -> Result<Option<egui::TextureHandle>, String> {
        let at = format!(
            "{}: tile {}/{}/{}",
            self.path().display(),
            id.zoom,
            id.x,
            id.y
        );
        let Some(bytes) = self
            .pack
            .tile(id.zoom, id.x, id.y)
            .map_err(|e| format!("{at} cannot be read: {e}"))?
        else {
            return Ok(None);
        };
        let color = decode_image(&bytes).map_err(|e| format!("{at} is not an image: {e}"))?;
        Ok(Some(self.ctx.load_texture(
            format!("pack {}/{}/{}", id.zoom, id.x, id.y),
            color,
            egui::TextureOptions::LINEAR,
        )))
    }

    /// Why the last tile that could not be drawn could not be.
    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }
}

impl Tiles for PackTiles {
    fn at(&mut self, id: TileId) -> Option<walkers::TilePiece> {
        if !self.textures.contains_key(&id) {
            if self.textures.len() >= PACK_TEXTURES {
                self.textures.clear();
            }
            let texture = self.load(id).unwrap_or_else(|e| {
                // Once per tile (it is not asked again), and the last kept for messages.
                log::warn!("{e}");
                self.problem = Some(e);
                None
            });
            self.textures.insert(id, texture);
        }
        let texture = self.textures.get(&id)?.clone()?;
        Some(walkers::TilePiece::new(
            walkers::Tile::Raster(texture),
            Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
        ))
    }

    fn attribution(&self) -> walkers::sources::Attribution {
        text_attribution(self.attribution)
    }

    fn tile_size(&self) -> u32 {
        256
    }
}

/// The widest and tallest tile image read, in pixels (a 512 px tile at 8×): a tile that says
/// it is bigger is refused before it is decoded.
pub const MAX_TILE_PX: u32 = 4096;

/// Decode a tile image (PNG, JPEG, WebP), refusing one declaring more than [`MAX_TILE_PX`]
/// a side (a "gigapixel" tile would take gigabytes).
pub fn decode_image(bytes: &[u8]) -> Result<egui::ColorImage, String> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_TILE_PX);
    limits.max_image_height = Some(MAX_TILE_PX);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| e.to_string())?.to_rgba8();
    let size = [image.width() as usize, image.height() as usize];
    Ok(egui::ColorImage::from_rgba_unmultiplied(
        size,
        image.as_raw(),
    ))
}

/// Raster tiles from an XYZ server: asked for by the map, fetched and decoded by worker
/// threads (the UI thread never waits on the network), kept as textures. While a tile loads
/// or after it failed, a loaded tile of a lower zoom stands in, scaled.
pub struct ServerTiles {
    shared: Arc<Shared>,
    attribution: &'static str,
}

struct Shared {
    server: crate::tiles::http::Server,
    ctx: egui::Context,
    state: Mutex<State>,
    wake: Condvar,
}

#[derive(Default)]
struct State {
    /// Tiles to fetch, the most recently asked for first.
    queue: VecDeque<TileId>,
    /// Tiles fetching now.
    loading: usize,
    tiles: HashMap<TileId, Slot>,
    /// Why the last tile that failed did.
    problem: Option<String>,
    /// The last request that ended failed (no answer, an HTTP error, not a tile): the server
    /// is failing (the map need not wait for the requests still hanging on it to say so).
    failing: bool,
    stop: bool,
}

enum Slot {
    /// Asked for, not fetched yet.
    Waiting,
    Ready(egui::TextureHandle),
    /// Fetching or decoding failed; asked for again on [`ServerTiles::retry`].
    Failed,
}

/// Concurrent requests to one server (browsers open six; tile policies ask for few).
const SERVER_THREADS: usize = 4;
/// Tiles asked for and not yet fetched beyond which the oldest requests are dropped (the map
/// moved on from them).
const MAX_QUEUED: usize = 256;
/// Cached tiles of a server younger than this are used without asking it again.
const FRESH_FOR: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

impl ServerTiles {
    /// Tiles of `spec` (an http(s) template), cached under `cache/raster`, drawing into
    /// `ctx`.
    pub fn new(
        spec: &TileSourceSpec,
        ctx: &egui::Context,
        cache: Option<PathBuf>,
    ) -> Result<Self, crate::tiles::http::FetchError> {
        let server =
            crate::tiles::http::Server::new(&spec.url_template, cache.as_deref(), "raster")?
                .fresh_for(FRESH_FOR);
        let shared = Arc::new(Shared {
            server,
            ctx: ctx.clone(),
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
        });
        for i in 0..SERVER_THREADS {
            let shared = Arc::clone(&shared);
            let spawned = crate::background::spawn(format!("tiles {i}"), move || shared.work());
            if let Err(e) = spawned {
                log::warn!("cannot start a tile thread: {e}");
            }
        }
        Ok(Self {
            shared,
            // walkers wants a `'static` text; a source's attribution lives as long as the app.
            attribution: Box::leak(spec.attribution.clone().into_boxed_str()),
        })
    }

    /// Why the last tile that failed did.
    pub fn problem(&self) -> Option<String> {
        self.shared.lock().problem.clone()
    }

    /// Whether the last request that ended failed: then tiles still on their way are not
    /// waited for before the map says the server cannot be reached.
    pub fn failing(&self) -> bool {
        self.shared.lock().failing
    }

    /// Ask again for the tiles that failed (when they are next drawn).
    pub fn retry(&self) {
        self.shared
            .lock()
            .tiles
            .retain(|_, slot| !matches!(slot, Slot::Failed));
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn work(&self) {
        loop {
            let id = {
                let mut s = self.lock();
                loop {
                    if s.stop {
                        return;
                    }
                    if let Some(id) = s.queue.pop_front() {
                        s.loading += 1;
                        break id;
                    }
                    s = self
                        .wake
                        .wait(s)
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                }
            };
            let addr = TileAddress {
                z: id.zoom,
                x: id.x,
                y: id.y,
            };
            let answer = self.server.tile(addr);
            // The request itself failed (as the vector loader counts it): not a 204 or a tile
            // that does not decode, which the server answered.
            let request_failed = answer.is_err();
            let fetched = match answer {
                Ok(Some(bytes)) => decode_image(&bytes)
                    .map(|color| {
                        self.ctx.load_texture(
                            format!("tile {addr}"),
                            color,
                            egui::TextureOptions::LINEAR,
                        )
                    })
                    .map_err(|e| {
                        format!(
                            "{}: tile {addr} is not an image: {e}",
                            self.server.url(addr)
                        )
                    }),
                Ok(None) => Err(format!(
                    "{}: no tile there (HTTP 204)",
                    self.server.url(addr)
                )),
                Err(e) => Err(e.to_string()),
            };
            let mut s = self.lock();
            s.failing = request_failed;
            let slot = match fetched {
                Ok(texture) => Slot::Ready(texture),
                Err(e) => {
                    // The map says the tiles fail (its offline note); the reason is for
                    // messages and the debug log, not a line per tile.
                    log::debug!("{e}");
                    s.problem = Some(e);
                    Slot::Failed
                }
            };
            s.loading -= 1;
            if s.tiles.contains_key(&id) {
                s.tiles.insert(id, slot);
            }
            drop(s);
            self.ctx.request_repaint();
        }
    }
}

impl Drop for ServerTiles {
    fn drop(&mut self) {
        // Workers finish the request they are on (within the request timeout) and end.
        self.shared.lock().stop = true;
        self.shared.wake.notify_all();
    }
}

impl Tiles for ServerTiles {
    fn at(&mut self, id: TileId) -> Option<walkers::TilePiece> {
        let mut s = self.shared.lock();
        if !s.tiles.contains_key(&id) {
            if s.tiles.len() >= PACK_TEXTURES {
                s.tiles.retain(|_, slot| matches!(slot, Slot::Waiting));
            }
            s.tiles.insert(id, Slot::Waiting);
            s.queue.push_front(id);
            if s.queue.len() > MAX_QUEUED
                && let Some(old) = s.queue.pop_back()
            {
                s.tiles.remove(&old);
            }
            self.shared.wake.notify_one();
        }
        // Its own image, else the nearest loaded tile above it, scaled.
        (0..=id.zoom.min(6)).find_map(|up| {
            let above = TileId {
                x: id.x >> up,
                y: id.y >> up,
                zoom: id.zoom - up,
            };
            let Some(Slot::Ready(texture)) = s.tiles.get(&above) else {
                return None;
            };
            let size = 1.0 / f32::from(1u16 << up);
            let mask = (1u32 << up) - 1;
            let min = egui::pos2((id.x & mask) as f32 * size, (id.y & mask) as f32 * size);
            Some(walkers::TilePiece::new(
                walkers::Tile::Raster(texture.clone()),
                Rect::from_min_size(min, egui::vec2(size, size)),
            ))
        })
    }

    fn attribution(&self) -> walkers::sources::Attribution {
        text_attribution(self.attribution)
    }

    fn tile_size(&self) -> u32 {
        256
    }

    fn stats(&self) -> walkers::Stats {
        let s = self.shared.lock();
        walkers::Stats {
            in_progress: s.queue.len() + s.loading,
        }
    }
}

/// The raster tiles of a page or the map: a pack's, a server's, or none where the source
/// could not be opened (every tile then missing, for the reason given).
pub enum RasterTiles {
    /// A tile pack.
    Pack(Box<PackTiles>),
    /// An XYZ server.
    Server(ServerTiles),
    /// A source that could not be opened, and why.
    Unavailable(String),
}

impl RasterTiles {
    /// Why tiles are missing, where known: the last failure.
    pub fn problem(&self) -> Option<String> {
        match self {
            Self::Pack(p) => p.problem().map(str::to_owned),
            Self::Server(s) => s.problem(),
            Self::Unavailable(why) => Some(why.clone()),
        }
    }
}

impl Tiles for RasterTiles {
    fn at(&mut self, id: TileId) -> Option<walkers::TilePiece> {
        match self {
            Self::Pack(p) => p.at(id),
            Self::Server(s) => s.at(id),
            Self::Unavailable(_) => None,
        }
    }

    fn attribution(&self) -> walkers::sources::Attribution {
        match self {
            Self::Pack(p) => p.attribution(),
            Self::Server(s) => s.attribution(),
            Self::Unavailable(_) => text_attribution(""),
        }
    }

    fn tile_size(&self) -> u32 {
        256
    }

    fn stats(&self) -> walkers::Stats {
        match self {
            Self::Server(s) => s.stats(),
            _ => walkers::Stats::default(),
        }
    }
}
