//! Briefing exports: the composed page rendered offscreen at 1×–4×, with no window and no
//! display, through the same drawing code as the screen.

pub mod compose;
pub mod raster;

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

/// Render the composed page offscreen: egui lays out and tessellates it at `scale` pixels per
/// point (text and lines are drawn at that resolution, not upscaled), and the meshes are
/// rasterised on the CPU.
pub fn render_briefing(scene: &Scene<'_>, req: &BriefingRequest) -> RenderedImage {
    let ctx = egui::Context::default();
    ctx.set_visuals(egui::Visuals::light());
    let [w_pt, h_pt] = req.size_pt;
    let mut input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(w_pt, h_pt),
        )),
        max_texture_side: Some(8192),
        ..Default::default()
    };
    if let Some(viewport) = input.viewports.get_mut(&egui::ViewportId::ROOT) {
        viewport.native_pixels_per_point = Some(req.scale);
    }
    let mut info = None;
    let mut output = ctx.run_ui(input, |ui| {
        info = Some(compose(ui.painter(), scene, req));
    });
    let mut textures = raster::Textures::default();
    textures.apply(&mut output.textures_delta);
    let ppp = output.pixels_per_point;
    let primitives = ctx.tessellate(std::mem::take(&mut output.shapes), ppp);
    let width = (w_pt * req.scale).round() as u32;
    let height = (h_pt * req.scale).round() as u32;
    let mut canvas = raster::Canvas::new(width as usize, height as usize, egui::Color32::WHITE);
    canvas.draw(&primitives, ppp, &textures);
    RenderedImage {
        width,
        height,
        rgba: canvas.to_rgba8(),
        info: info.unwrap_or_else(|| unreachable_info(req)),
    }
}

/// The composition runs in every pass; this only satisfies the type if egui skipped the pass.
fn unreachable_info(req: &BriefingRequest) -> ComposeInfo {
    let l = crate::model::layout::layout(req.size_pt, &req.composition, 30.0, 40.0);
    let map = egui::Rect::from_min_size(egui::pos2(l.map.x, l.map.y), egui::vec2(l.map.w, l.map.h));
    ComposeInfo {
        view: map_view(req.view, map),
        layout: l,
        legend: Default::default(),
        scale_bar: None,
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
