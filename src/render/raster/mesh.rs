//! A CPU rasteriser for egui's tessellated output.
//!
//! egui turns shapes into triangle meshes (with feathered, anti-aliased edges) before any
//! backend sees them; this draws those meshes into an RGBA buffer the way egui's GPU backends
//! do: vertex colour × texture colour, premultiplied alpha, blended in gamma space, clipped to
//! each primitive's scissor rectangle. It needs no GPU and no display, and it is deterministic,
//! so exported images can be compared pixel for pixel.
//!
//! Triangles are scan-converted with integer edge functions (8 sub-pixel bits) and a tie rule,
//! so pixels on an edge shared by two triangles are drawn once: no seams in translucent fills.

use std::collections::HashMap;
use std::sync::Arc;

use egui::epaint::{ClippedPrimitive, Mesh, Primitive, TextureId, Vertex};
use egui::{Color32, ColorImage, TexturesDelta};

/// Sub-pixel precision of the rasteriser.
const SUBPIXEL_BITS: i64 = 8;
const ONE: i64 = 1 << SUBPIXEL_BITS;

/// The textures egui asked for (font atlas, user images), kept from frame to frame.
#[derive(Default)]
pub struct Textures {
    /// Shared with egui's deltas: a large image (the layers of a 4× page) is not copied.
    images: HashMap<TextureId, Arc<ColorImage>>,
}

impl Textures {
    /// Apply egui's texture changes (new textures, patches, frees) and clear them.
    pub fn apply(&mut self, delta: &mut TexturesDelta) {
        for (id, deltas) in &delta.set {
            for d in deltas {
                let egui::ImageData::Color(patch) = &d.image;
                match d.pos {
                    None => {
                        self.images.insert(*id, Arc::clone(patch));
                    }
                    Some([x0, y0]) => {
                        if let Some(image) = self.images.get_mut(id).map(Arc::make_mut) {
                            let [pw, ph] = patch.size;
                            let [iw, ih] = image.size;
                            for y in 0..ph.min(ih.saturating_sub(y0)) {
                                for x in 0..pw.min(iw.saturating_sub(x0)) {
                                    image.pixels[(y0 + y) * iw + x0 + x] = patch.pixels[y * pw + x];
                                }
                            }
                        }
                    }
                }
            }
        }
        for id in &delta.free {
            self.images.remove(id);
        }
        delta.clear();
    }

    fn get(&self, id: TextureId) -> Option<&ColorImage> {
        self.images.get(&id).map(|i| &**i)
    }

    /// The image of a texture, shared (for the vector pages, which embed it).
    pub fn image(&self, id: TextureId) -> Option<Arc<ColorImage>> {
        self.images.get(&id).cloned()
    }
}

/// An RGBA image being drawn: premultiplied colour, gamma space, row-major. It may be a window
/// onto a larger picture (see [`Canvas::window`]).
pub struct Canvas {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// The picture's pixel drawn at the canvas's top-left corner.
    origin_px: [i64; 2],
    /// Premultiplied RGBA, 4 floats per pixel in 0–1.
    pixels: Vec<[f32; 4]>,
}

impl Canvas {
    /// A canvas filled with `background`.
    pub fn new(width: usize, height: usize, background: Color32) -> Self {
        Self::window([0, 0], width, height, background)
    }

    /// A canvas of `width` × `height` pixels showing the picture from pixel `origin_px` on
    /// (which may be negative): what is drawn elsewhere is cut.
    pub fn window(origin_px: [i64; 2], width: usize, height: usize, background: Color32) -> Self {
        Self {
            width,
            height,
            origin_px,
            pixels: vec![to_f32(background); width * height],
        }
    }

    /// Draw the primitives of one egui frame (positions in points, `pixels_per_point` apart).
    pub fn draw(
        &mut self,
        primitives: &[ClippedPrimitive],
        pixels_per_point: f32,
        textures: &Textures,
    ) {
        for p in primitives {
            let Primitive::Mesh(mesh) = &p.primitive else {
                continue; // paint callbacks (custom GPU code) have no CPU equivalent
            };
            let clip = self.pixel_clip(p.clip_rect, pixels_per_point);
            if clip[0] >= clip[2] || clip[1] >= clip[3] {
                continue;
            }
            let texture = textures.get(mesh.texture_id);
            for tri in mesh.indices.chunks_exact(3) {
                self.mesh_triangle(mesh, tri, pixels_per_point, clip, texture);
            }
        }
    }

    fn mesh_triangle(
        &mut self,
        mesh: &Mesh,
        tri: &[u32],
        ppp: f32,
        clip: [i64; 4],
        texture: Option<&ColorImage>,
    ) {
        let v = |i: u32| mesh.vertices.get(i as usize).copied();
        if let (Some(a), Some(b), Some(c)) = (v(tri[0]), v(tri[1]), v(tri[2])) {
            self.triangle([a, b, c], ppp, clip, texture);
        }
    }

    /// The clip rectangle in whole pixels, as GPU scissors round it: `[x0, y0, x1, y1)`.
    fn pixel_clip(&self, rect: egui::Rect, ppp: f32) -> [i64; 4] {
        let r = |v: f32, origin: i64, max: usize| {
            ((v * ppp).round() as i64 - origin).clamp(0, max as i64)
        };
        let [ox, oy] = self.origin_px;
        [
            r(rect.min.x, ox, self.width),
            r(rect.min.y, oy, self.height),
            r(rect.max.x, ox, self.width),
            r(rect.max.y, oy, self.height),
        ]
    }

    fn triangle(
        &mut self,
        mut v: [Vertex; 3],
        ppp: f32,
        clip: [i64; 4],
        texture: Option<&ColorImage>,
    ) {
        let [ox, oy] = self.origin_px;
        // Triangles wholly above or below the canvas (e.g. in another band) are skipped before
        // any set-up.
        let rows = |y: f32| f64::from(y) * f64::from(ppp) - oy as f64;
        let (y_lo, y_hi) = v
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(rows(v.pos.y)), hi.max(rows(v.pos.y)))
            });
        if y_hi < clip[1] as f64 - 1.0 || y_lo > clip[3] as f64 + 1.0 {
            return;
        }
        let fixed = |x: f32, origin: i64| {
            // Rounded half away from zero, as `f64::round`, without a library call.
            let t = f64::from(x) * f64::from(ppp) * ONE as f64;
            (t + 0.5f64.copysign(t)) as i64 - origin * ONE
        };
        let mut p: [[i64; 2]; 3] = v.map(|v| [fixed(v.pos.x, ox), fixed(v.pos.y, oy)]);
        let mut area = edge(p[0], p[1], p[2]);
        if area == 0 {
            return;
        }
        if area < 0 {
            v.swap(1, 2);
            p.swap(1, 2);
            area = -area;
        }
        let min_x = (p.iter().map(|q| q[0]).min().unwrap_or(0) >> SUBPIXEL_BITS).max(clip[0]);
        let min_y = (p.iter().map(|q| q[1]).min().unwrap_or(0) >> SUBPIXEL_BITS).max(clip[1]);
        let max_x = ((p.iter().map(|q| q[0]).max().unwrap_or(0) + ONE - 1) >> SUBPIXEL_BITS)
            .min(clip[2] - 1);
        let max_y = ((p.iter().map(|q| q[1]).max().unwrap_or(0) + ONE - 1) >> SUBPIXEL_BITS)
            .min(clip[3] - 1);
        if min_x > max_x || min_y > max_y {
            return;
        }
        // Edge k is opposite vertex k; its bias makes ties on shared edges go to one side only.
        let edges = [(p[1], p[2]), (p[2], p[0]), (p[0], p[1])];
        let bias = edges.map(|(a, b)| {
            let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
            if dy > 0 || (dy == 0 && dx < 0) { 0 } else { -1 }
        });
        let colors = v.map(|v| to_f32(v.color));
        let uvs = v.map(|v| [v.uv.x, v.uv.y]);
        let inv_area = 1.0 / area as f64;
        let flat_color = colors[0] == colors[1] && colors[1] == colors[2];
        // Solid shapes all sample one texel (egui's white one): sampled once, not per pixel.
        let flat_texel = (uvs[0] == uvs[1] && uvs[1] == uvs[2])
            .then(|| texture.map(|tex| sample(tex, uvs[0][0], uvs[0][1])))
            .flatten();
        let texture = texture.filter(|_| flat_texel.is_none());
        let flat_src = flat_texel.filter(|_| flat_color).map(|texel| {
            let mut c = colors[0];
            for k in 0..4 {
                c[k] *= texel[k];
            }
            c
        });

        // Edge functions stepped from pixel to pixel (exact integers, as if computed afresh).
        let step_x = edges.map(|(a, b)| -(b[1] - a[1]) * ONE);
        let step_y = edges.map(|(a, b)| (b[0] - a[0]) * ONE);
        let first = [min_x * ONE + ONE / 2, min_y * ONE + ONE / 2];
        let mut row_start = [
            edge(edges[0].0, edges[0].1, first),
            edge(edges[1].0, edges[1].1, first),
            edge(edges[2].0, edges[2].1, first),
        ];
        for y in min_y..=max_y {
            let row = y as usize * self.width;
            let w0 = row_start;
            for k in 0..3 {
                row_start[k] += step_y[k];
            }
            // A triangle is convex: once a row has left it, the rest of the row is outside.
            let mut entered = false;
            for n in 0..=max_x - min_x {
                let x = min_x + n;
                let w = [
                    w0[0] + n * step_x[0],
                    w0[1] + n * step_x[1],
                    w0[2] + n * step_x[2],
                ];
                if w[0] + bias[0] < 0 || w[1] + bias[1] < 0 || w[2] + bias[2] < 0 {
                    if entered {
                        break;
                    }
                    continue;
                }
                entered = true;
                if let Some(src) = flat_src {
                    let dst = &mut self.pixels[row + x as usize];
                    let keep = 1.0 - src[3];
                    for k in 0..4 {
                        dst[k] = src[k] + dst[k] * keep;
                    }
                    continue;
                }
                let b = [
                    w[0] as f64 * inv_area,
                    w[1] as f64 * inv_area,
                    w[2] as f64 * inv_area,
                ];
                let mut src = if flat_color {
                    colors[0]
                } else {
                    let mut c = [0.0f32; 4];
                    for (k, ck) in c.iter_mut().enumerate() {
                        *ck = (b[0] * f64::from(colors[0][k])
                            + b[1] * f64::from(colors[1][k])
                            + b[2] * f64::from(colors[2][k])) as f32;
                    }
                    c
                };
                if let Some(texel) = flat_texel {
                    for k in 0..4 {
                        src[k] *= texel[k];
                    }
                } else if let Some(tex) = texture {
                    let u = (b[0] * f64::from(uvs[0][0])
                        + b[1] * f64::from(uvs[1][0])
                        + b[2] * f64::from(uvs[2][0])) as f32;
                    let t = (b[0] * f64::from(uvs[0][1])
                        + b[1] * f64::from(uvs[1][1])
                        + b[2] * f64::from(uvs[2][1])) as f32;
                    let texel = sample(tex, u, t);
                    for k in 0..4 {
                        src[k] *= texel[k];
                    }
                }
                let dst = &mut self.pixels[row + x as usize];
                let keep = 1.0 - src[3];
                for k in 0..4 {
                    dst[k] = src[k] + dst[k] * keep;
                }
            }
        }
    }

    /// The image with premultiplied alpha, as egui textures take it.
    pub fn to_color_image(&self) -> ColorImage {
        let mut pixels = vec![Color32::TRANSPARENT; self.pixels.len()];
        self.write_color32(&mut pixels);
        ColorImage::new([self.width, self.height], pixels)
    }

    /// The image as premultiplied colours, into `out` (one per pixel).
    pub fn write_color32(&self, out: &mut [Color32]) {
        let byte = |c: f32| (c.clamp(0.0, 1.0) * 255.0).round() as u8;
        for (o, p) in out.iter_mut().zip(&self.pixels) {
            *o = Color32::from_rgba_premultiplied(byte(p[0]), byte(p[1]), byte(p[2]), byte(p[3]));
        }
    }

    /// The image as straight-alpha RGBA bytes.
    pub fn to_rgba8(&self) -> Vec<u8> {
        let mut out = vec![0; self.pixels.len() * 4];
        self.write_rgba8(&mut out);
        out
    }

    /// The image as straight-alpha RGBA bytes, into `out` (four per pixel).
    pub fn write_rgba8(&self, out: &mut [u8]) {
        for (o, p) in out.chunks_exact_mut(4).zip(&self.pixels) {
            let a = p[3].clamp(0.0, 1.0);
            let un = |c: f32| {
                let v = if a > 0.0 { c / a } else { 0.0 };
                (v.clamp(0.0, 1.0) * 255.0).round() as u8
            };
            o.copy_from_slice(&[un(p[0]), un(p[1]), un(p[2]), (a * 255.0).round() as u8]);
        }
    }
}

/// Rows in a band of [`draw_in_bands`]: a band's floating-point canvas is 16 bytes a pixel,
/// so only a few MB of them exist at once.
const BAND_ROWS: usize = 128;

/// Rasterise `primitives` into the picture window `(origin_px, size_px)` over `background`,
/// in horizontal bands drawn over the cores (each skipping the triangles outside it); each
/// band is handed to `finish` with its part of `out` (the picture's rows, in whatever units
/// `finish` writes) as soon as it is drawn. Bands not begun when `stop` says so stay
/// background.
pub fn draw_in_bands<T: Send>(
    primitives: &[ClippedPrimitive],
    pixels_per_point: f32,
    textures: &Textures,
    (origin_px, size_px, background): ([i64; 2], [usize; 2], Color32),
    stop: &(dyn Fn() -> bool + Sync),
    out: &mut [T],
    finish: impl Fn(&Canvas, &mut [T]) + Sync,
) {
    let [width, height] = size_px;
    crate::render::parallel::in_bands(out, height, BAND_ROWS, |top, rows, band| {
        let mut canvas = Canvas::window(
            [origin_px[0], origin_px[1] + top as i64],
            width,
            rows,
            background,
        );
        if !stop() {
            canvas.draw(primitives, pixels_per_point, textures);
        }
        finish(&canvas, band);
    });
}

/// Twice the signed area of the triangle `a`, `b`, `p` (positive when `p` is on the inner side).
fn edge(a: [i64; 2], b: [i64; 2], p: [i64; 2]) -> i64 {
    (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])
}

fn to_f32(c: Color32) -> [f32; 4] {
    let [r, g, b, a] = c.to_array();
    [r, g, b, a].map(|v| f32::from(v) / 255.0)
}

/// Bilinear sample of a premultiplied texture at `(u, v)` in 0–1 texture space.
fn sample(tex: &ColorImage, u: f32, v: f32) -> [f32; 4] {
    let [w, h] = tex.size;
    if w == 0 || h == 0 {
        return [1.0; 4];
    }
    let x = (u * w as f32 - 0.5).clamp(0.0, (w - 1) as f32);
    let y = (v * h as f32 - 0.5).clamp(0.0, (h - 1) as f32);
    let (x0, y0) = (x.floor() as usize, y.floor() as usize);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let at = |xx: usize, yy: usize| to_f32(tex.pixels[yy * w + xx]);
    let (c00, c10, c01, c11) = (at(x0, y0), at(x1, y0), at(x0, y1), at(x1, y1));
    let mut out = [0.0; 4];
    for k in 0..4 {
        let top = c00[k] + (c10[k] - c00[k]) * fx;
        let bottom = c01[k] + (c11[k] - c01[k]) * fx;
        out[k] = top + (bottom - top) * fy;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::epaint::{Mesh, WHITE_UV};
    use egui::{Pos2, Rect};

    fn quad(rect: Rect, color: Color32) -> ClippedPrimitive {
        let mut mesh = Mesh::default();
        mesh.add_colored_rect(rect, color);
        ClippedPrimitive {
            clip_rect: Rect::EVERYTHING,
            primitive: Primitive::Mesh(mesh),
        }
    }

    fn pixel(c: &Canvas, x: usize, y: usize) -> [u8; 4] {
        let rgba = c.to_rgba8();
        let i = (y * c.width + x) * 4;
        [rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]]
    }

    #[test]
    fn fills_exactly_the_covered_pixels() {
        let mut c = Canvas::new(10, 10, Color32::WHITE);
        c.draw(
            &[quad(
                Rect::from_min_max(Pos2::new(2.0, 3.0), Pos2::new(5.0, 7.0)),
                Color32::RED,
            )],
            1.0,
            &Textures::default(),
        );
        let rgba = c.to_rgba8();
        let red = rgba.chunks(4).filter(|p| p == &[255, 0, 0, 255]).count();
        assert_eq!(red, 3 * 4);
        assert_eq!(pixel(&c, 2, 3), [255, 0, 0, 255]);
        assert_eq!(pixel(&c, 5, 3), [255, 255, 255, 255]);
    }

    #[test]
    fn shared_edges_are_not_blended_twice() {
        // A translucent quad is two triangles sharing a diagonal: every pixel gets one coat.
        let mut c = Canvas::new(16, 16, Color32::WHITE);
        let half_black = Color32::from_black_alpha(128);
        c.draw(
            &[quad(
                Rect::from_min_max(Pos2::ZERO, Pos2::new(16.0, 16.0)),
                half_black,
            )],
            1.0,
            &Textures::default(),
        );
        let rgba = c.to_rgba8();
        let first = rgba[0];
        assert!(rgba.chunks(4).all(|p| p[0] == first), "uniform, no seam");
        assert!((120..=135).contains(&first), "{first}");
    }

    #[test]
    fn scale_multiplies_the_pixel_size_and_clip_rects_cut() {
        let mut c = Canvas::new(40, 40, Color32::WHITE);
        let mut p = quad(
            Rect::from_min_max(Pos2::new(1.0, 1.0), Pos2::new(9.0, 9.0)),
            Color32::BLUE,
        );
        p.clip_rect = Rect::from_min_max(Pos2::ZERO, Pos2::new(5.0, 100.0));
        c.draw(&[p], 4.0, &Textures::default());
        let blue = c
            .to_rgba8()
            .chunks(4)
            .filter(|p| p == &[0, 0, 255, 255])
            .count();
        assert_eq!(blue, 16 * 32, "x from 4 to 20 (clipped), y from 4 to 36");
    }

    #[test]
    fn textures_modulate_vertex_colours() {
        let mut textures = Textures::default();
        let id = TextureId::Managed(7);
        let mut delta = TexturesDelta::default();
        delta.set.insert(
            id,
            std::iter::once(egui::epaint::ImageDelta::full(
                ColorImage::filled([2, 2], Color32::from_rgb(0, 255, 0)),
                egui::TextureOptions::NEAREST,
            ))
            .collect(),
        );
        textures.apply(&mut delta);
        assert!(delta.set.is_empty(), "deltas are consumed");
        let mut mesh = Mesh::with_texture(id);
        mesh.add_rect_with_uv(
            Rect::from_min_max(Pos2::ZERO, Pos2::new(4.0, 4.0)),
            Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
            Color32::WHITE,
        );
        let mut c = Canvas::new(4, 4, Color32::BLACK);
        c.draw(
            &[ClippedPrimitive {
                clip_rect: Rect::EVERYTHING,
                primitive: Primitive::Mesh(mesh),
            }],
            1.0,
            &textures,
        );
        assert_eq!(pixel(&c, 1, 1), [0, 255, 0, 255]);
        let _ = WHITE_UV;
    }
}
