//! The path rasteriser: the layers' pieces drawn straight into pixels by vello_cpu (linebender's
//! sparse-strip CPU renderer, already built for epaint's glyphs), with analytic anti-aliasing,
//! no triangles and no per-vertex mesh: memory is the pixels and the strips a path covers, not
//! the millions of vertices a tessellated mesh of dense data would take. Areas are filled
//! even-odd from their rings (so holes need no triangulation); lines are stroked with bevel
//! joins (QGIS's default; a miter costs a fifth more of the render of a dense layer, and at a
//! few pixels' width only its spikes at sharp turns tell them apart). The image is cut into
//! bands of [`BAND_ROWS`] rows, drawn over the cores, each band drawing only the pieces whose
//! bounds reach it: a band's strips are what memory holds, and no piece is flattened or
//! stroked for a band it misses.
//!
//! Colours are premultiplied and blended in gamma space, as egui's backends and the mesh
//! rasteriser ([`super::mesh`]) blend, so the same pieces look the same through either.

use egui::StrokeKind;
use egui::epaint::{CircleShape, ColorMode, PathShape};
use egui::{Color32, ColorImage, Pos2, Shape};
use vello_cpu::color::{AlphaColor, Srgb};
use vello_cpu::kurbo::{self, Affine, BezPath, Join};
use vello_cpu::peniko::Fill;
use vello_cpu::{
    CompositeMode, Pixmap, RasterizerSettings, RenderContext, RenderSettings, Resources,
};

use super::stamp::Stamps;
use crate::render::View;
use crate::render::piece::Piece;

/// Pieces encoded between two looks at whether to stop.
const STOP_EVERY: usize = 1024;

/// Rows of pixels in a band: small enough that a band's strips stay a few MB when millions
/// of points are drawn, large enough that a piece seldom spans many bands.
pub const BAND_ROWS: usize = 128;

/// The largest image side vello_cpu takes, in pixels.
pub const MAX_SIDE_PX: usize = u16::MAX as usize;

/// Draw `pieces` (in `view`'s screen points) into a transparent image of `size_px` whose
/// top-left is the screen's physical pixel `origin_px`. `None` when `stop` said so before the
/// image was done, or the size is beyond [`MAX_SIDE_PX`].
pub fn draw(
    pieces: &[Piece<'_>],
    view: &View,
    origin_px: [i64; 2],
    size_px: [usize; 2],
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<ColorImage> {
    let [w, h] = size_px;
    if w == 0 || h == 0 || w > MAX_SIDE_PX || h > MAX_SIDE_PX {
        return None;
    }
    // Each band is its own single-threaded context (vello_cpu's multithreaded dispatcher
    // cannot be enabled: epaint's glyph rasteriser would then need flushing).
    let bounds_px: Vec<[f32; 2]> = pieces
        .iter()
        .map(|p| rows_px(p, view, origin_px[1]))
        .collect();
    let band_rows = if w * h < 250_000 { h } else { BAND_ROWS };
    let mut pixels = vec![Color32::TRANSPARENT; w * h];
    let drawn = crate::render::parallel::in_bands(&mut pixels, h, band_rows, |top, rows, out| {
        let band = Band {
            origin_px: [origin_px[0], origin_px[1] + top as i64],
            size_px: [w, rows],
            reach_px: [top as f32, (top + rows) as f32],
        };
        draw_band(pieces, &bounds_px, view, &band, stop, out)
    });
    drawn
        .into_iter()
        .all(|done| done)
        .then(|| ColorImage::new([w, h], pixels))
}

/// The rows of the image (top and bottom, in pixels from `origin_y_px`) that a piece may
/// touch, its line widths included.
fn rows_px(piece: &Piece<'_>, view: &View, origin_y_px: i64) -> [f32; 2] {
    let ppp = view.pixels_per_point;
    let [top, bottom] = match piece {
        Piece::Area { polygon, .. } => polygon
            .rings
            .first()
            .map(|outer| {
                outer
                    .iter()
                    .fold([f32::INFINITY, f32::NEG_INFINITY], |[a, b], w| {
                        let y = view.pos(w).y;
                        [a.min(y), b.max(y)]
                    })
            })
            .unwrap_or([f32::INFINITY, f32::NEG_INFINITY]),
        Piece::Circle(c) => {
            let r = c.radius + c.stroke.width.max(0.0);
            [c.center.y - r, c.center.y + r]
        }
        Piece::Shape(shape) => {
            // A bevel join stays within half a width of its vertex, as the bounds do.
            let r = shape.visual_bounding_rect();
            [r.min.y, r.max.y]
        }
    };
    // A pixel of slack for anti-aliasing.
    let o = origin_y_px as f32;
    [top * ppp - o - 1.0, bottom * ppp - o + 1.0]
}

/// A band of the image.
struct Band {
    /// The screen's physical pixel at its top-left.
    origin_px: [i64; 2],
    /// Its width and height.
    size_px: [usize; 2],
    /// Its first and last row in the image, as [`rows_px`] gives a piece's.
    reach_px: [f32; 2],
}

/// One band of [`draw`], into `out`: the pieces whose rows (`rows_px`) meet the band's.
/// False when stopped.
fn draw_band(
    pieces: &[Piece<'_>],
    rows_px: &[[f32; 2]],
    view: &View,
    band: &Band,
    stop: &(dyn Fn() -> bool + Sync),
    out: &mut [Color32],
) -> bool {
    let ([w, h], origin_px, reach) = (band.size_px, band.origin_px, band.reach_px);
    let (Ok(w16), Ok(h16)) = (u16::try_from(w), u16::try_from(h)) else {
        return false;
    };
    let settings = RenderSettings {
        num_threads: 0,
        ..RenderSettings::default()
    };
    let mut ctx = RenderContext::new_with(w16, h16, settings);
    let ppp = f64::from(view.pixels_per_point);
    let to_band =
        Affine::translate((-origin_px[0] as f64, -origin_px[1] as f64)) * Affine::scale(ppp);
    ctx.set_transform(to_band);
    let mut pixmap = Pixmap::new(w16, h16);
    let mut resources = Resources::new();
    // Small circles (markers) are stamped into the pixels from a cache; paths drawn before a
    // stamp are rendered into the pixels first, so that the pieces keep their order.
    let mut stamps = Stamps::new(view.pixels_per_point, origin_px);
    let mut pending = false;
    let over = RasterizerSettings {
        composite_mode: CompositeMode::SrcOver,
        ..RasterizerSettings::default()
    };
    let mut path = BezPath::new();
    for (i, (piece, rows)) in pieces.iter().zip(rows_px).enumerate() {
        if i % STOP_EVERY == 0 && stop() {
            return false;
        }
        if rows[1] < reach[0] || rows[0] > reach[1] {
            continue;
        }
        match piece {
            Piece::Circle(c) if let Some(placed) = stamps.place(c) => {
                if pending {
                    ctx.flush();
                    ctx.render_with(&mut pixmap, &mut resources, over);
                    ctx.reset();
                    ctx.set_transform(to_band);
                    pending = false;
                }
                stamps.stamp(placed, pixmap.data_as_u8_slice_mut(), [w, h]);
            }
            Piece::Area { polygon, color } => {
                path.truncate(0);
                for ring in &polygon.rings {
                    add_points(&mut path, ring.iter().map(|w| view.pos(w)), true);
                }
                fill(&mut ctx, &path, *color, Fill::EvenOdd);
                pending = true;
            }
            Piece::Circle(c) => {
                circle(&mut ctx, c);
                pending = true;
            }
            Piece::Shape(shape) => {
                draw_shape(&mut ctx, &mut path, shape);
                pending = true;
            }
        }
    }
    if stop() {
        return false;
    }
    if pending {
        ctx.flush();
        ctx.render_with(&mut pixmap, &mut resources, over);
    }
    for (o, p) in out.iter_mut().zip(pixmap.data()) {
        *o = Color32::from_rgba_premultiplied(p.r, p.g, p.b, p.a);
    }
    true
}

/// Append a polyline (or a closed ring) to `path`.
fn add_points(path: &mut BezPath, points: impl Iterator<Item = Pos2>, close: bool) {
    let mut first = true;
    for p in points {
        let p = kurbo::Point::new(f64::from(p.x), f64::from(p.y));
        if first {
            path.move_to(p);
            first = false;
        } else {
            path.line_to(p);
        }
    }
    if close && !first {
        path.close_path();
    }
}

/// Straight-alpha colour, as vello_cpu's paints take it.
fn paint(c: Color32) -> AlphaColor<Srgb> {
    let [r, g, b, a] = c.to_srgba_unmultiplied();
    AlphaColor::from_rgba8(r, g, b, a)
}

fn fill(ctx: &mut RenderContext, path: &BezPath, color: Color32, rule: Fill) {
    if color.a() == 0 {
        return;
    }
    ctx.set_fill_rule(rule);
    ctx.set_paint(paint(color));
    ctx.fill_path(path);
}

fn stroke(ctx: &mut RenderContext, path: &BezPath, width_pt: f32, color: Color32) {
    if color.a() == 0 || width_pt <= 0.0 {
        return;
    }
    ctx.set_stroke(kurbo::Stroke::new(f64::from(width_pt)).with_join(Join::Bevel));
    ctx.set_paint(paint(color));
    ctx.stroke_path(path);
}

/// A circle as egui draws one: its disc, and its edge outside the radius.
pub(super) fn circle(ctx: &mut RenderContext, c: &CircleShape) {
    let centre = (f64::from(c.center.x), f64::from(c.center.y));
    let disc = |r: f32| kurbo::Shape::to_path(&kurbo::Circle::new(centre, f64::from(r)), 0.05);
    fill(ctx, &disc(c.radius), c.fill, Fill::NonZero);
    // egui strokes a circle outside its radius: the ring from the radius to a width beyond,
    // filled (the same pixels as the stroke, without expanding a stroke).
    let w = c.stroke.width;
    if w > 0.0 {
        let mut ring = disc(c.radius + w);
        ring.extend(disc(c.radius.max(0.0)));
        fill(ctx, &ring, c.stroke.color, Fill::EvenOdd);
    }
}

/// One egui shape as paths. Shapes the layers never make (text, images, callbacks) are left
/// out; a mesh's triangles are filled one by one.
fn draw_shape(ctx: &mut RenderContext, path: &mut BezPath, shape: &Shape) {
    match shape {
        Shape::Vec(shapes) => {
            for s in shapes {
                draw_shape(ctx, path, s);
            }
        }
        Shape::Path(PathShape {
            points,
            closed,
            fill: fill_color,
            stroke: path_stroke,
        }) => {
            path.truncate(0);
            add_points(path, points.iter().copied(), *closed);
            if *closed {
                fill(ctx, path, *fill_color, Fill::NonZero);
            }
            if let ColorMode::Solid(color) = path_stroke.color {
                stroke(ctx, path, path_stroke.width, color);
            }
        }
        Shape::LineSegment { points, stroke: s } => {
            path.truncate(0);
            add_points(path, points.iter().copied(), false);
            stroke(ctx, path, s.width, s.color);
        }
        Shape::Circle(c) => circle(ctx, c),
        Shape::Rect(r) => {
            let corners = |rect: egui::Rect| {
                let [a, b] = [rect.min, rect.max];
                [a, Pos2::new(b.x, a.y), b, Pos2::new(a.x, b.y)].into_iter()
            };
            path.truncate(0);
            add_points(path, corners(r.rect), true);
            fill(ctx, path, r.fill, Fill::NonZero);
            // The stroke's middle line, as its kind places it.
            let w = r.stroke.width;
            let middle = match r.stroke_kind {
                StrokeKind::Inside => r.rect.shrink(w / 2.0),
                StrokeKind::Middle => r.rect,
                StrokeKind::Outside => r.rect.expand(w / 2.0),
            };
            path.truncate(0);
            add_points(path, corners(middle), true);
            stroke(ctx, path, w, r.stroke.color);
        }
        Shape::Mesh(mesh) => {
            for tri in mesh.indices.chunks_exact(3) {
                let v = |i: u32| mesh.vertices.get(i as usize);
                if let (Some(a), Some(b), Some(c)) = (v(tri[0]), v(tri[1]), v(tri[2])) {
                    path.truncate(0);
                    add_points(path, [a.pos, b.pos, c.pos].into_iter(), true);
                    fill(ctx, path, a.color, Fill::NonZero);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layer::{DrawnPolygon, WorldAreas};
    use crate::model::lod::Kept;
    use crate::model::view::{ScreenTransform, WorldPos};
    use egui::epaint::CircleShape;
    use egui::{Rect, Stroke};

    /// A view where world (0, 0)–(1, 1) fills a 256-point square at 1 pixel per point.
    fn unit_view(ppp: f32) -> View {
        View {
            transform: ScreenTransform::new(WorldPos::new(0.5, 0.5), 0.0, [128.0, 128.0]),
            rect: Rect::from_min_max(Pos2::ZERO, Pos2::new(256.0, 256.0)),
            pixels_per_point: ppp,
        }
    }

    fn at(img: &ColorImage, x: usize, y: usize) -> Color32 {
        img.pixels[y * img.size[0] + x]
    }

    #[test]
    fn an_area_with_a_hole_is_filled_around_the_hole_only() {
        let square = |a: f64, b: f64| {
            vec![
                WorldPos::new(a, a),
                WorldPos::new(b, a),
                WorldPos::new(b, b),
                WorldPos::new(a, b),
            ]
        };
        let areas =
            WorldAreas::new(vec![vec![square(0.25, 0.75), square(0.4, 0.6)]]).expect("a polygon");
        let pieces = [Piece::Area {
            polygon: DrawnPolygon {
                rings: areas.rings().map(Kept::full).collect(),
            },
            color: Color32::RED,
        }];
        let img = draw(&pieces, &unit_view(1.0), [0, 0], [256, 256], &|| false).expect("drawn");
        assert_eq!(at(&img, 80, 128), Color32::RED, "in the ring");
        assert_eq!(at(&img, 128, 128), Color32::TRANSPARENT, "in the hole");
        assert_eq!(at(&img, 20, 20), Color32::TRANSPARENT, "outside");
    }

    #[test]
    fn scale_and_origin_place_pixels_as_the_screen_has_them() {
        // A 2-point-wide vertical line at x = 10 pt, drawn at 2 pixels per point into an image
        // whose top-left is screen pixel (4, 0): it covers image columns 14–17.
        let line = Shape::line_segment(
            [Pos2::new(10.0, 0.0), Pos2::new(10.0, 100.0)],
            Stroke::new(2.0, Color32::BLUE),
        );
        let img = draw(
            &[Piece::from(line)],
            &unit_view(2.0),
            [4, 0],
            [40, 40],
            &|| false,
        )
        .expect("drawn");
        for x in 14..18 {
            assert_eq!(at(&img, x, 20), Color32::BLUE, "column {x}");
        }
        assert_eq!(at(&img, 12, 20), Color32::TRANSPARENT);
        assert_eq!(at(&img, 19, 20), Color32::TRANSPARENT);
    }

    #[test]
    fn translucent_pieces_blend_in_order() {
        let half = Color32::from_rgba_unmultiplied(0, 0, 0, 128);
        let r = Rect::from_min_max(Pos2::new(0.0, 0.0), Pos2::new(8.0, 8.0));
        let pieces = [
            Piece::from(Shape::rect_filled(r, 0.0, Color32::WHITE)),
            Piece::from(Shape::rect_filled(r, 0.0, half)),
        ];
        let img = draw(&pieces, &unit_view(1.0), [0, 0], [8, 8], &|| false).expect("drawn");
        let p = at(&img, 4, 4);
        assert_eq!(p.a(), 255);
        assert!((125..=130).contains(&p.r()), "{p:?}");
    }

    /// Markers at scattered sub-pixel positions, some over the band edges.
    fn scattered_markers(n: usize) -> Vec<CircleShape> {
        (0..n)
            .map(|i| {
                let t = i as f32;
                CircleShape {
                    center: Pos2::new((t * 37.37) % 250.0, (t * 17.71) % 250.0),
                    radius: 3.0 + (i % 3) as f32,
                    fill: Color32::from_rgb(200, (i % 2) as u8 * 120, 40),
                    stroke: Stroke::new(1.0, Color32::from_black_alpha(200)),
                }
            })
            .collect()
    }

    /// The largest and the mean difference of two images' channels, of 255.
    fn difference(a: &ColorImage, b: &ColorImage) -> (u8, f64) {
        let (mut worst, mut sum) = (0u8, 0u64);
        for (p, q) in a.pixels.iter().zip(&b.pixels) {
            let d = (0..4).map(|k| p[k].abs_diff(q[k])).max().unwrap_or(0);
            worst = worst.max(d);
            sum += u64::from(d);
        }
        (worst, sum as f64 / a.pixels.len() as f64)
    }

    #[test]
    fn stamped_markers_match_markers_drawn_as_paths() {
        // The same circles stamped (each its own piece) and as paths (inside one `Shape::Vec`,
        // which is never stamped), at a scale with fractional pixels, in bands of 128 rows.
        let view = unit_view(1.5);
        let size = [384, 384];
        let draw_both = |markers: &[CircleShape]| {
            let stamped: Vec<Piece<'_>> = markers.iter().map(|c| Piece::Circle(*c)).collect();
            let as_paths = [Piece::from(Shape::Vec(
                markers.iter().map(|c| Shape::Circle(*c)).collect(),
            ))];
            let a = draw(&stamped, &view, [0, 0], size, &|| false).expect("drawn");
            let b = draw(&as_paths, &view, [0, 0], size, &|| false).expect("drawn");
            assert!(a.pixels.iter().filter(|p| p.a() > 0).count() > 20_000);
            difference(&a, &b)
        };
        // Centres on the stamps' sub-pixel grid: the same pixels, to rounding.
        let snap = |v: f32| (v * 1.5 * 8.0).round() / 8.0 / 1.5;
        let on_grid: Vec<CircleShape> = scattered_markers(400)
            .into_iter()
            .map(|c| CircleShape {
                center: Pos2::new(snap(c.center.x), snap(c.center.y)),
                ..c
            })
            .collect();
        let (worst, mean) = draw_both(&on_grid);
        assert!(
            worst <= 4 && mean < 0.1,
            "on the grid: worst {worst}, mean {mean:.3}"
        );
        // Anywhere: a stamp is within 1/16 px of the path's place, so edge pixels differ a
        // little (PSNR about 50 dB).
        let (worst, mean) = draw_both(&scattered_markers(400));
        assert!(
            worst < 48 && mean < 1.5,
            "anywhere: worst {worst}, mean {mean:.3}"
        );
    }

    #[test]
    fn stamps_and_paths_keep_the_pieces_order() {
        // A marker, an opaque box over half of it, and a marker on top of the box.
        let red = CircleShape {
            center: Pos2::new(20.0, 20.0),
            radius: 6.0,
            fill: Color32::RED,
            stroke: Stroke::NONE,
        };
        let blue = CircleShape {
            center: Pos2::new(40.0, 20.0),
            fill: Color32::BLUE,
            ..red
        };
        let r = Rect::from_min_max(Pos2::new(20.0, 0.0), Pos2::new(60.0, 40.0));
        let pieces = [
            Piece::Circle(red),
            Piece::from(Shape::rect_filled(r, 0.0, Color32::WHITE)),
            Piece::Circle(blue),
        ];
        let img = draw(&pieces, &unit_view(1.0), [0, 0], [64, 40], &|| false).expect("drawn");
        assert_eq!(
            at(&img, 16, 20),
            Color32::RED,
            "the marker's half left uncovered"
        );
        assert_eq!(at(&img, 24, 20), Color32::WHITE, "the box over the marker");
        assert_eq!(at(&img, 40, 20), Color32::BLUE, "the marker over the box");
        assert_eq!(at(&img, 55, 20), Color32::WHITE);
    }

    #[test]
    fn a_stopped_render_gives_nothing() {
        let r = Rect::from_min_max(Pos2::ZERO, Pos2::new(8.0, 8.0));
        let pieces = [Piece::from(Shape::rect_filled(r, 0.0, Color32::WHITE))];
        assert!(draw(&pieces, &unit_view(1.0), [0, 0], [8, 8], &|| true).is_none());
    }
}
