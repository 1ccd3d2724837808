//! Markers stamped from a cache: a small circle (a point marker, a selection halo, a dot of an
//! estimate's dotted ring) is drawn once per look and sub-pixel position into a little image,
//! and each marker of that look is that image blended into place. QGIS caches a marker's image
//! the same way; a dense point layer is then a copy per point, not a path flattened, stroked
//! and turned into strips per point (which, for a million points, held hundreds of MB of strips
//! per band and took seconds).
//!
//! A stamp sits within [`PHASE_STEPS`]ths of a pixel of where the path would have put it
//! (1/16 px at most), and its pixels are the path rasteriser's own, drawn by
//! [`super::paths::circle`].

use std::collections::HashMap;

use egui::epaint::CircleShape;
use vello_cpu::kurbo::Affine;
use vello_cpu::{Pixmap, RenderContext, RenderSettings, Resources};

/// Sub-pixel positions per pixel, along each axis, that a stamp may take.
pub const PHASE_STEPS: i64 = 8;

/// The largest marker stamped, as its outer radius in pixels (its edge included); a bigger one
/// is drawn as a path (there are few of them, and a cached image of each would be large).
const MAX_RADIUS_PX: f32 = 32.0;

/// Bytes of images a cache holds before it stops taking new looks (which are then drawn as
/// paths): a layer coloured point by point must not fill memory with images drawn once.
const MAX_CACHE_BYTES: usize = 8 << 20;

/// A marker's look and sub-pixel phase: what its image depends on.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    radius_bits: u32,
    stroke_width_bits: u32,
    fill: [u8; 4],
    stroke: [u8; 4],
    phase: [u8; 2],
}

/// A stamp placed: its image (by place in the cache) and the pixel of its top-left corner in
/// the target.
#[derive(Clone, Copy)]
pub struct Placed {
    sprite: usize,
    top_left_px: [i64; 2],
}

/// One marker's image: premultiplied RGBA bytes, `side_px` square, its circle's centre at
/// the margin plus the phase from its top-left; each row's run of pixels that are not
/// transparent (a disc leaves its corners empty).
struct Sprite {
    side_px: u16,
    rgba: Vec<u8>,
    rows: Vec<[u16; 2]>,
}

/// The stamps of one render target (a band of an image), at one scale.
pub struct Stamps {
    pixels_per_point: f32,
    /// The target's top-left, as a physical screen pixel.
    origin_px: [i64; 2],
    sprites: Vec<Sprite>,
    /// Where each look's image is in `sprites`: one lookup a marker.
    by_key: HashMap<Key, usize>,
    bytes: usize,
}

impl Stamps {
    /// A cache for a target whose top-left is the screen's physical pixel `origin_px`.
    pub fn new(pixels_per_point: f32, origin_px: [i64; 2]) -> Self {
        Self {
            pixels_per_point,
            origin_px,
            sprites: Vec::new(),
            by_key: HashMap::new(),
            bytes: 0,
        }
    }

    /// Where `circle` (in screen points) is stamped, its image made if need be; `None` when it
    /// is drawn as a path instead (too big, not a number, or the cache full).
    pub fn place(&mut self, circle: &CircleShape) -> Option<Placed> {
        let ppp = self.pixels_per_point;
        let stroke_pt = circle.stroke.width.max(0.0);
        let outer_px = (circle.radius.max(0.0) + stroke_pt) * ppp;
        if !(outer_px.is_finite() && outer_px <= MAX_RADIUS_PX && circle.radius >= 0.0) {
            return None;
        }
        let [x, y] = [circle.center.x, circle.center.y].map(|v| f64::from(v) * f64::from(ppp));
        if !(x.is_finite() && y.is_finite()) || x.abs().max(y.abs()) > 1e12 {
            return None;
        }
        // The centre in the target's pixels, to the nearest phase step.
        let steps = PHASE_STEPS as f64;
        let gx = (x * steps).round() as i64 - self.origin_px[0] * PHASE_STEPS;
        let gy = (y * steps).round() as i64 - self.origin_px[1] * PHASE_STEPS;
        let phase = [gx.rem_euclid(PHASE_STEPS), gy.rem_euclid(PHASE_STEPS)].map(|p| p as u8);
        let stroke = if stroke_pt > 0.0 {
            circle.stroke.color.to_array()
        } else {
            [0; 4]
        };
        let key = Key {
            radius_bits: circle.radius.to_bits(),
            stroke_width_bits: stroke_pt.to_bits(),
            fill: circle.fill.to_array(),
            stroke,
            phase,
        };
        let margin = margin_px(outer_px);
        let sprite = match self.by_key.get(&key) {
            Some(&i) => i,
            None => {
                let bytes = usize::from(side_px(margin)).pow(2) * 4;
                if self.bytes + bytes > MAX_CACHE_BYTES {
                    return None;
                }
                self.sprites.push(sprite(circle, ppp, margin, phase));
                self.bytes += bytes;
                self.by_key.insert(key, self.sprites.len() - 1);
                self.sprites.len() - 1
            }
        };
        let margin = i64::from(margin);
        Some(Placed {
            sprite,
            top_left_px: [
                gx.div_euclid(PHASE_STEPS) - margin,
                gy.div_euclid(PHASE_STEPS) - margin,
            ],
        })
    }

    /// Blend a placed stamp over `target` (premultiplied RGBA bytes, `size_px`), cut to its
    /// edges.
    pub fn stamp(&self, placed: Placed, target: &mut [u8], size_px: [usize; 2]) {
        let Some(sprite) = self.sprites.get(placed.sprite) else {
            return;
        };
        let side = i64::from(sprite.side_px);
        let [w, h] = size_px.map(|s| s as i64);
        let [left, top] = placed.top_left_px;
        let (y0, y1) = (top.max(0), (top + side).min(h));
        for y in y0..y1 {
            let row = (y - top) as usize;
            let Some(&[from, to]) = sprite.rows.get(row) else {
                continue;
            };
            let x0 = (left + i64::from(from)).max(0);
            let x1 = (left + i64::from(to)).min(w);
            if x0 >= x1 {
                continue;
            }
            let src = (row as i64 * side + (x0 - left)) as usize * 4;
            let dst = (y * w + x0) as usize * 4;
            let n = (x1 - x0) as usize * 4;
            if let (Some(src), Some(dst)) =
                (sprite.rgba.get(src..src + n), target.get_mut(dst..dst + n))
            {
                over(src, dst);
            }
        }
    }
}

/// Premultiplied RGBA `src` over `dst`, pixel by pixel (without branches, so that it runs
/// several pixels at a time).
fn over(src: &[u8], dst: &mut [u8]) {
    for (s, d) in src.chunks_exact(4).zip(dst.chunks_exact_mut(4)) {
        let keep = 255 - u16::from(s[3]);
        for k in 0..4 {
            d[k] = s[k].saturating_add(div_255(u16::from(d[k]) * keep));
        }
    }
}

/// `v / 255`, rounded, for `v` up to 255².
fn div_255(v: u16) -> u8 {
    let v = u32::from(v) + 128;
    ((v + (v >> 8)) >> 8) as u8
}

/// Pixels between an image's edge and the pixel its circle's centre is in: the outer radius
/// and a pixel of anti-aliasing.
fn margin_px(outer_px: f32) -> u16 {
    outer_px.ceil() as u16 + 1
}

/// An image's side: the margin either side of the centre's pixel.
fn side_px(margin_px: u16) -> u16 {
    2 * margin_px + 1
}

/// `circle` drawn alone, its centre `phase` steps into the pixel `margin_px` from the top-left.
fn sprite(circle: &CircleShape, ppp: f32, margin_px: u16, phase: [u8; 2]) -> Sprite {
    let side = side_px(margin_px);
    let settings = RenderSettings {
        num_threads: 0,
        ..RenderSettings::default()
    };
    let mut ctx = RenderContext::new_with(side, side, settings);
    let steps = PHASE_STEPS as f64;
    let [cx, cy] = phase.map(|p| f64::from(margin_px) + f64::from(p) / steps);
    ctx.set_transform(Affine::translate((cx, cy)) * Affine::scale(f64::from(ppp)));
    let at_origin = CircleShape {
        center: egui::Pos2::ZERO,
        ..*circle
    };
    super::paths::circle(&mut ctx, &at_origin);
    ctx.flush();
    let mut pixmap = Pixmap::new(side, side);
    ctx.render(&mut pixmap, &mut Resources::new());
    let rgba = pixmap.data_as_u8_slice().to_vec();
    let rows = rgba
        .chunks_exact(usize::from(side) * 4)
        .map(|row| {
            let alpha: Vec<u8> = row.chunks_exact(4).map(|p| p[3]).collect();
            match alpha.iter().position(|&a| a != 0) {
                Some(first) => {
                    let last = alpha.iter().rposition(|&a| a != 0).unwrap_or(first);
                    [first as u16, last as u16 + 1]
                }
                None => [0, 0],
            }
        })
        .collect();
    Sprite {
        side_px: side,
        rgba,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::{Color32, Pos2, Stroke};

    fn marker(x: f32, y: f32) -> CircleShape {
        CircleShape {
            center: Pos2::new(x, y),
            radius: 4.0,
            fill: Color32::from_rgb(200, 40, 40),
            stroke: Stroke::new(1.0, Color32::BLACK),
        }
    }

    /// The pixel at (x, y) of a square image of `side` pixels.
    fn px(img: &[u8], side: usize, x: usize, y: usize) -> [u8; 4] {
        let i = (y * side + x) * 4;
        [img[i], img[i + 1], img[i + 2], img[i + 3]]
    }

    #[test]
    fn a_stamp_lands_centred_where_its_circle_is() {
        let mut stamps = Stamps::new(2.0, [10, 20]);
        let mut out = vec![0; 64 * 64 * 4];
        // Screen point (20.3, 25.6) at 2 px/pt is pixel (40.6, 51.2); the target starts at
        // (10, 20), so the centre is at (30.6, 31.2) in it.
        let placed = stamps.place(&marker(20.3, 25.6)).expect("stamped");
        stamps.stamp(placed, &mut out, [64, 64]);
        let at = |x: usize, y: usize| px(&out, 64, x, y);
        assert_eq!(at(30, 31), [200, 40, 40, 255]);
        // The edge is black, 8–10 px from the centre; beyond it, nothing.
        assert_eq!(at(30 + 9, 31)[3], 255);
        assert!(at(30 + 9, 31)[0] < 40, "{:?}", at(39, 31));
        assert_eq!(at(30 + 12, 31)[3], 0);
        assert_eq!(at(30, 31 - 12)[3], 0);
        // Symmetric about the centre (pixel i spans i to i + 1), to a pixel.
        let covered: Vec<usize> = (0..64).filter(|&x| at(x, 31)[3] > 0).collect();
        let mid = (covered[0] + covered[covered.len() - 1]) as f32 / 2.0 + 0.5;
        assert!((mid - 30.6).abs() <= 0.6, "row covered {covered:?}");
    }

    #[test]
    fn one_image_serves_every_marker_of_a_look_and_phase() {
        let mut stamps = Stamps::new(1.0, [0, 0]);
        for i in 0..1000 {
            // Whole pixels apart: one phase.
            stamps
                .place(&marker(10.0 + i as f32, 10.0))
                .expect("stamped");
        }
        assert_eq!(stamps.sprites.len(), 1);
        for i in 0..64 {
            stamps
                .place(&marker(10.0 + i as f32 / 8.0, 10.0 + (i / 8) as f32 / 8.0))
                .expect("stamped");
        }
        assert!(stamps.sprites.len() <= 64, "{}", stamps.sprites.len());
    }

    #[test]
    fn stamps_cut_at_the_targets_edges_and_blend_over_it() {
        let mut stamps = Stamps::new(1.0, [0, 0]);
        let half = [0, 0, 100, 128];
        let mut out = half.repeat(16 * 16);
        for (x, y) in [(0.0, 0.0), (15.5, 15.5), (-100.0, 8.0), (8.0, 1e9)] {
            if let Some(p) = stamps.place(&marker(x, y)) {
                stamps.stamp(p, &mut out, [16, 16]);
            }
        }
        // The corners hold opaque red over the half blue; the middle is untouched.
        assert_eq!(px(&out, 16, 0, 0), [200, 40, 40, 255]);
        assert_eq!(px(&out, 16, 15, 15)[0], 200);
        assert_eq!(px(&out, 16, 8, 8), half);
        // An anti-aliased edge pixel keeps some of what was under it.
        let edge = out
            .chunks_exact(4)
            .find(|p| p[3] > 128 && p[3] < 255)
            .expect("an edge");
        assert!(edge[2] > 0, "{edge:?}");
    }

    #[test]
    fn big_strange_or_numerous_markers_are_left_to_the_path() {
        let mut stamps = Stamps::new(1.0, [0, 0]);
        let big = CircleShape {
            radius: 40.0,
            ..marker(0.0, 0.0)
        };
        assert!(stamps.place(&big).is_none());
        let nan = CircleShape {
            radius: f32::NAN,
            ..marker(0.0, 0.0)
        };
        assert!(stamps.place(&nan).is_none());
        assert!(stamps.place(&marker(f32::INFINITY, 0.0)).is_none());
        // A colour a point, more than the cache holds: it stops taking new looks.
        let mut taken = 0;
        for i in 0..20_000u32 {
            let c = CircleShape {
                fill: Color32::from_rgb((i % 256) as u8, (i / 256) as u8, 7),
                ..marker(5.0, 5.0)
            };
            taken += usize::from(stamps.place(&c).is_some());
        }
        assert!(taken < 20_000 && taken > 1000, "{taken}");
        assert!(stamps.bytes <= MAX_CACHE_BYTES);
    }

    #[test]
    fn over_is_source_over_on_premultiplied_pixels() {
        let mut dst = [0, 0, 255, 255, 9, 8, 7, 6, 1, 2, 3, 4];
        let src = [128, 0, 0, 128, 0, 0, 0, 0, 50, 60, 70, 255];
        over(&src, &mut dst);
        assert_eq!(dst, [128, 0, 127, 255, 9, 8, 7, 6, 50, 60, 70, 255]);
        assert_eq!(div_255(255 * 255), 255);
        assert_eq!(div_255(0), 0);
        assert_eq!(div_255(127), 0);
        assert_eq!(div_255(128), 1);
    }
}
