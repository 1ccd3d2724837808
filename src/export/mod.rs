//! Briefing exports: the composed page rendered offscreen at 1×–4×, with no window and no
//! display, through the same drawing code as the screen.

pub mod compose;
pub mod deck;
pub mod glyphs;
pub mod pdf;
pub mod svg;
pub mod vector;

pub use compose::{BriefingRequest, ComposeInfo, compose, map_view};

use crate::render::Scene;

/// A rendered briefing image.
pub struct RenderedImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Straight-alpha RGBA bytes, row-major.
    pub rgba: Vec<u8>,
    /// What the page shows.
    pub info: ComposeInfo,
}

/// The largest image side accepted, in pixels.
pub const MAX_SIDE_PX: u32 = 16_384;

/// Tiles of the view that could not be loaded: the export is refused rather than written with
/// blank squares.
#[derive(Debug, thiserror::Error)]
#[error(
    "{missing_count} of {total} tiles in view could not be loaded from {source_name} within {waited_s:.0} s \
     ({why}): {list}; nothing was written",
    missing_count = missing.len(),
    why = reason.as_deref().unwrap_or("offline, or not on the server"),
    list = missing.iter().take(6).map(ToString::to_string).collect::<Vec<_>>().join(", ")
)]
pub struct MissingTiles {
    /// Why, where known: the last failure (a timeout, an HTTP status, a tile that is not an
    /// image, a pack that cannot be read); `None`: the tiles are still on their way.
    pub reason: Option<String>,
    /// The tile source's name.
    pub source_name: String,
    /// The tiles that did not load.
    pub missing: Vec<crate::tiles::source::TileAddress>,
    /// Tiles in view.
    pub total: usize,
    /// How long the export waited.
    pub waited_s: f64,
}

impl MissingTiles {
    fn new(
        req: &BriefingRequest,
        missing: Vec<crate::tiles::source::TileAddress>,
        total: usize,
        started: std::time::Instant,
        reason: Option<String>,
    ) -> Self {
        Self {
            reason,
            source_name: req
                .tiles
                .as_ref()
                .map_or_else(String::new, |s| s.name.clone()),
            missing,
            total,
            waited_s: started.elapsed().as_secs_f64(),
        }
    }
}

/// The tiles of a status list that are not drawn from their own data.
fn missing_of(
    status: &[(crate::tiles::source::TileAddress, bool)],
) -> Vec<crate::tiles::source::TileAddress> {
    status
        .iter()
        .filter(|(_, own)| !own)
        .map(|(a, _)| *a)
        .collect()
}

/// A page composed by egui, not yet drawn: its shapes and the images they show.
struct ComposedPage {
    ctx: egui::Context,
    shapes: Vec<egui::epaint::ClippedShape>,
    textures: crate::render::raster::mesh::Textures,
    pixels_per_point: f32,
    info: ComposeInfo,
}

/// Render the composed page offscreen: egui lays out and tessellates it at `scale` pixels per
/// point (text and lines are drawn at that resolution, not upscaled), and the meshes are
/// rasterised on the CPU. With a tile source, wait (up to `timeout`) until every tile in view
/// is loaded from the server or the disk cache; without one this cannot fail.
pub fn render_briefing(
    scene: &Scene<'_>,
    req: &BriefingRequest,
    timeout: std::time::Duration,
) -> Result<RenderedImage, MissingTiles> {
    let started = std::time::Instant::now();
    let ComposedPage {
        ctx,
        shapes,
        textures,
        pixels_per_point: ppp,
        info,
    } = compose_page(scene, req, timeout, false)?;
    let primitives = ctx.tessellate(shapes, ppp);
    log::debug!(
        "page tessellated at {:.3} s",
        started.elapsed().as_secs_f64()
    );
    let [w_pt, h_pt] = req.size_pt;
    let width = (w_pt * req.scale).round() as u32;
    let height = (h_pt * req.scale).round() as u32;
    // The page, in bands over the cores.
    let mut rgba = vec![0; width as usize * height as usize * 4];
    crate::render::raster::mesh::draw_in_bands(
        &primitives,
        ppp,
        &textures,
        (
            [0, 0],
            [width as usize, height as usize],
            egui::Color32::WHITE,
        ),
        &|| false,
        &mut rgba,
        crate::render::raster::mesh::Canvas::write_rgba8,
    );
    log::debug!(
        "page rasterised at {:.3} s",
        started.elapsed().as_secs_f64()
    );
    Ok(RenderedImage {
        width,
        height,
        rgba,
        info,
    })
}

/// The composed page as vector drawing (for PDF and SVG): the same shapes the PNG is drawn
/// from, the layers as shapes rather than an image, vector tiles without anti-aliased
/// fringes. `req.scale` sets the level of detail, as for a PNG of that scale.
pub fn vector_briefing(
    scene: &Scene<'_>,
    req: &BriefingRequest,
    timeout: std::time::Duration,
) -> Result<(vector::VectorPage, ComposeInfo), MissingTiles> {
    let page = compose_page(scene, req, timeout, true)?;
    let ops = vector::page_ops(&page.shapes, &page.textures, glyphs::Faces::get());
    Ok((
        vector::VectorPage {
            size_pt: req.size_pt,
            ops,
            title: req.composition.title.clone(),
        },
        page.info,
    ))
}

/// Compose the page with egui, waiting for its tiles and layers; `vector_page`: for a vector
/// page (layers drawn as shapes, not into an image; tiles without anti-aliased fringes).
fn compose_page(
    scene: &Scene<'_>,
    req: &BriefingRequest,
    timeout: std::time::Duration,
    vector_page: bool,
) -> Result<ComposedPage, MissingTiles> {
    let ctx = egui::Context::default();
    ctx.set_visuals(egui::Visuals::light());
    crate::render::fonts::install(&ctx);
    let [w_pt, h_pt] = req.size_pt;
    let mut input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(w_pt, h_pt),
        )),
        // The page's own textures (fonts, the layers' image), never a GPU's.
        max_texture_side: Some(MAX_SIDE_PX as usize),
        ..Default::default()
    };
    if let Some(viewport) = input.viewports.get_mut(&egui::ViewportId::ROOT) {
        viewport.native_pixels_per_point = Some(req.scale);
    }
    // Vector tiles (a vector source, or the offline atlas's OpenStreetMap detail) are
    // prepared for the page's map view once it is known, then drawn in a last pass.
    let vector = open_vector(req).map(|v| if vector_page { v.for_vector_pages() } else { v });
    let atlas_under = req.tiles.is_none() || req.hybrid;
    let mut vector_frame: Option<crate::tiles::vector::VectorFrame> = None;
    // A pack that cannot be opened draws nothing, and the export refuses below.
    let raster = req.tiles.as_ref().filter(|spec| !spec.is_vector());
    let mut tiles: Option<crate::tiles::RasterTiles> = raster.map(|spec| {
        use crate::tiles::RasterTiles;
        match spec.pack_path() {
            Some(path) => match crate::tiles::pack::TilePack::open(&path) {
                Ok(pack) => RasterTiles::Pack(Box::new(crate::tiles::PackTiles::new(pack, &ctx))),
                Err(e) => RasterTiles::Unavailable(e.to_string()),
            },
            None => match crate::tiles::ServerTiles::new(spec, &ctx, crate::tiles::cache_dir()) {
                Ok(tiles) => RasterTiles::Server(tiles),
                Err(e) => RasterTiles::Unavailable(e.to_string()),
            },
        }
    });
    let mut textures = crate::render::raster::mesh::Textures::default();
    // The layers are drawn as on the screen: culled, at the page's level of detail, dense data
    // straight into pixels (over the cores), in the background while this thread waits.
    let mut layer_batch = crate::render::batch::LayerBatch::default();
    layer_batch.margin = 0.0;
    let started = std::time::Instant::now();
    let mut passes = 0u32;
    let (mut output, info) = loop {
        passes += 1;
        let mut info = None;
        let mut output = ctx.run_ui(input.clone(), |ui| {
            let t = tiles.as_mut().map(|t| t as &mut dyn walkers::Tiles);
            info = Some(compose(
                ui.painter(),
                scene,
                req,
                t,
                vector_frame.as_ref(),
                (!vector_page).then_some(&mut layer_batch),
            ));
        });
        // Textures (fonts, arriving tiles) accumulate over the passes.
        textures.apply(&mut output.textures_delta);
        let Some(info) = info else {
            continue;
        };
        if let Some(v) = &vector
            && vector_frame.is_none()
        {
            let remaining = timeout.saturating_sub(started.elapsed());
            let frame = if req.tiles.is_some()
                || info.view.transform.zoom() >= crate::tiles::vector::DETAIL_FROM_ZOOM
            {
                v.frame_complete(&info.view, atlas_under, remaining)
            } else {
                crate::tiles::vector::VectorFrame::default()
            };
            let missing = missing_of(&frame.status);
            if req.tiles.is_some() && !missing.is_empty() {
                let p = v.problems();
                let reason = p.network.or_else(|| p.examples.first().cloned());
                return Err(MissingTiles::new(
                    req,
                    missing,
                    frame.status.len(),
                    started,
                    reason,
                ));
            }
            vector_frame = Some(frame);
            // Once more, with the tiles.
            continue;
        }
        if !layer_batch.is_done() {
            // Once more, with the layers' image (however long they take: no network here).
            layer_batch.finish(&ctx, std::time::Duration::from_secs(3600));
            continue;
        }
        let missing = missing_of(&info.tiles);
        if missing.is_empty() {
            break (output, info);
        }
        let downloading = tiles
            .as_ref()
            .is_some_and(|t| walkers::Tiles::stats(t).in_progress > 0);
        let waited = started.elapsed();
        // Give requests a moment to start before trusting "nothing in progress".
        let settled = passes > 20 && !downloading;
        if waited >= timeout || settled {
            let reason = tiles.as_ref().and_then(crate::tiles::RasterTiles::problem);
            return Err(MissingTiles::new(
                req,
                missing,
                info.tiles.len(),
                started,
                reason,
            ));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    log::debug!("page composed at {:.3} s", started.elapsed().as_secs_f64());
    let pixels_per_point = output.pixels_per_point;
    Ok(ComposedPage {
        ctx,
        shapes: std::mem::take(&mut output.shapes),
        textures,
        pixels_per_point,
        info,
    })
}

/// The vector tiles an export draws: its vector source, or (without tiles) the offline atlas's
/// detail pack. One that cannot be opened is logged and left out (a vector source then
/// fails the export as missing tiles).
fn open_vector(req: &BriefingRequest) -> Option<crate::tiles::vector::VectorTiles> {
    use crate::tiles::vector;
    let no_repaint = || Box::new(|| {}) as Box<dyn Fn() + Send + Sync>;
    let open_pack = |path: &std::path::Path| match crate::tiles::pack::TilePack::open(path) {
        Ok(pack) if pack.meta().is_vector() => Some(vector::from_pack(pack, no_repaint())),
        Ok(_) => None,
        Err(e) => {
            log::warn!("{e}");
            None
        }
    };
    match &req.tiles {
        Some(spec) if spec.is_vector() => match spec.pack_path() {
            Some(path) => open_pack(&path),
            None => vector::from_server(spec, crate::tiles::cache_dir().as_deref(), no_repaint())
                .map_err(|e| log::warn!("{}: {e}", spec.name))
                .ok(),
        },
        Some(_) => None,
        None => req.detail.as_deref().and_then(open_pack),
    }
}

/// Today's date, e.g. "29 November 2026" (UTC).
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (y, m, d) = crate::model::legend::civil_date((secs / 86_400) as i64);
    crate::model::legend::format_date(y, m, d)
}
