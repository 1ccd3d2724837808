//! Raster tiles through walkers: a walkers source from a [`TileSourceSpec`], the disk
//! cache shared by the app and exports, TLS set-up, and painting tiles for exports with a
//! record of which are really loaded (walkers shows a scaled lower-zoom tile while one loads).

use std::path::PathBuf;

use egui::{Color32, Mesh, Rect, Shape};
use walkers::{HttpOptions, HttpTiles, TileId, Tiles};

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

struct SpecSource {
    spec: TileSourceSpec,
    attribution: &'static str,
}

impl walkers::sources::TileSource for SpecSource {
    fn tile_url(&self, id: TileId) -> String {
        self.spec.url(id.zoom, id.x, id.y)
    }

    fn attribution(&self) -> walkers::sources::Attribution {
        text_attribution(self.attribution)
    }

    fn max_zoom(&self) -> u8 {
        self.spec.max_zoom
    }
}

/// A walkers attribution that is only text.
pub fn text_attribution(text: &'static str) -> walkers::sources::Attribution {
    walkers::sources::Attribution {
        text,
        url: "",
        logo_light: None,
        logo_dark: None,
    }
}

/// walkers tiles for a source, cached on disk, drawing into `ctx`.
pub fn http_tiles(spec: &TileSourceSpec, ctx: &egui::Context) -> HttpTiles {
    http_tiles_cached_in(spec, ctx, cache_dir())
}

/// walkers tiles for a source, cached in `cache` (none: not cached), drawing into `ctx`.
pub fn http_tiles_cached_in(
    spec: &TileSourceSpec,
    ctx: &egui::Context,
    cache: Option<PathBuf>,
) -> HttpTiles {
    install_tls();
    let options = HttpOptions {
        cache,
        user_agent: Some(walkers::HeaderValue::from_static(USER_AGENT)),
        ..HttpOptions::default()
    };
    let source = SpecSource {
        spec: spec.clone(),
        // walkers wants a `'static` text; a source's attribution lives as long as the app.
        attribution: Box::leak(spec.attribution.clone().into_boxed_str()),
    };
    HttpTiles::with_options(source, options, ctx.clone())
}

/// The tile zoom for a view zoom.
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

    fn load(&self, id: TileId) -> Option<egui::TextureHandle> {
        let bytes = match self.pack.tile(id.zoom, id.x, id.y) {
            Ok(b) => b?,
            Err(e) => {
                log::warn!(
                    "{}: tile {}/{}/{}: {e}",
                    self.path().display(),
                    id.zoom,
                    id.x,
                    id.y
                );
                return None;
            }
        };
        let image = match image::load_from_memory(&bytes) {
            Ok(i) => i.to_rgba8(),
            Err(e) => {
                log::warn!(
                    "{}: tile {}/{}/{} is not an image: {e}",
                    self.path().display(),
                    id.zoom,
                    id.x,
                    id.y
                );
                return None;
            }
        };
        let size = [image.width() as usize, image.height() as usize];
        let color = egui::ColorImage::from_rgba_unmultiplied(size, image.as_raw());
        Some(self.ctx.load_texture(
            format!("pack {}/{}/{}", id.zoom, id.x, id.y),
            color,
            egui::TextureOptions::LINEAR,
        ))
    }
}

impl Tiles for PackTiles {
    fn at(&mut self, id: TileId) -> Option<walkers::TilePiece> {
        if !self.textures.contains_key(&id) {
            if self.textures.len() >= PACK_TEXTURES {
                self.textures.clear();
            }
            let texture = self.load(id);
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
