//! A composed page as vector drawing: the egui shapes the PNG export rasterises — the same
//! draw batches — turned into filled and stroked paths, glyph runs and images in page
//! points, for the PDF ([`super::pdf`]) and SVG ([`super::svg`]) writers. One renderer,
//! three backends: what the vector page shows is what the PNG shows.
//!
//! Areas arrive as triangle meshes (the basemap's, the layers'): each run of one colour
//! becomes one path of its triangles, all wound the same way and filled non-zero, so the
//! triangles join without seams. Text arrives as egui galleys, which keep each glyph's
//! position but not its glyph id: [`super::glyphs`] shapes the galley's runs again with the
//! same fonts and shaper to get them back.

use std::collections::HashMap;
use std::sync::Arc;

use egui::epaint::{ClippedShape, ColorMode, Mesh, PathShape, StrokeKind, TextShape};
use egui::{Color32, ColorImage, Pos2, Rect, Shape, TextureId};

use super::glyphs::{Faces, GlyphRun, galley_runs};
use crate::render::raster::mesh::Textures;

/// A colour with straight (not premultiplied) alpha.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Paint {
    /// Red, green and blue, sRGB.
    pub rgb: [u8; 3],
    /// Opacity, 0–1.
    pub alpha: f32,
}

impl Paint {
    /// An egui (premultiplied) colour as straight alpha; `None` when fully transparent.
    pub fn of(c: Color32) -> Option<Self> {
        let [r, g, b, a] = c.to_srgba_unmultiplied();
        (a > 0).then(|| Self {
            rgb: [r, g, b],
            alpha: f32::from(a) / 255.0,
        })
    }
}

/// An image's pixels as straight-alpha RGBA bytes (egui keeps them premultiplied).
pub fn straight_rgba(image: &ColorImage) -> Vec<u8> {
    image
        .pixels
        .iter()
        .flat_map(|c| c.to_srgba_unmultiplied())
        .collect()
}

/// The distance of a cubic's control points from the ends of the quarter circle it draws, as
/// a share of the radius.
const QUARTER_ARC: f32 = 0.552_284_8;

/// A piece of a path.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Segment {
    /// A straight line to the point.
    Line(Pos2),
    /// A cubic Bézier curve: two control points, then the end.
    Cubic(Pos2, Pos2, Pos2),
}

/// One connected run of a path.
#[derive(Clone, Debug, PartialEq)]
pub struct SubPath {
    /// Where it starts, in page points.
    pub start: Pos2,
    /// What follows.
    pub segments: Vec<Segment>,
    /// Whether it closes back to its start.
    pub closed: bool,
}

impl SubPath {
    /// A polyline through `points` (at least two), closed or not.
    pub fn polyline(points: &[Pos2], closed: bool) -> Option<Self> {
        let (&start, rest) = points.split_first()?;
        (!rest.is_empty()).then(|| Self {
            start,
            segments: rest.iter().map(|&p| Segment::Line(p)).collect(),
            closed,
        })
    }

    /// A circle of `radius` around `center`, four cubic arcs.
    pub fn ellipse(center: Pos2, radius: egui::Vec2) -> Self {
        const K: f32 = QUARTER_ARC;
        let (rx, ry) = (radius.x, radius.y);
        let (kx, ky) = (rx * K, ry * K);
        let c = center;
        let p = |x: f32, y: f32| Pos2::new(c.x + x, c.y + y);
        Self {
            start: p(rx, 0.0),
            segments: vec![
                Segment::Cubic(p(rx, ky), p(kx, ry), p(0.0, ry)),
                Segment::Cubic(p(-kx, ry), p(-rx, ky), p(-rx, 0.0)),
                Segment::Cubic(p(-rx, -ky), p(-kx, -ry), p(0.0, -ry)),
                Segment::Cubic(p(kx, -ry), p(rx, -ky), p(rx, 0.0)),
            ],
            closed: true,
        }
    }
}

/// What the page draws, in order.
#[derive(Clone, Debug)]
pub enum Op {
    /// A filled area (non-zero winding).
    Fill {
        /// Nothing is drawn outside it.
        clip: Rect,
        /// The area's outline.
        path: Vec<SubPath>,
        /// Its colour.
        paint: Paint,
    },
    /// A stroked line (butt caps, bevel joins, as the rasteriser draws them).
    Stroke {
        /// Nothing is drawn outside it.
        clip: Rect,
        /// The line.
        path: Vec<SubPath>,
        /// Its width in points.
        width_pt: f32,
        /// Its colour.
        paint: Paint,
    },
    /// Text: glyphs of one font, size and colour, with the text they show.
    Glyphs {
        /// Nothing is drawn outside it.
        clip: Rect,
        /// The glyphs.
        run: GlyphRun,
    },
    /// A raster image (a tile, a picture) at its own resolution.
    Image {
        /// Nothing is drawn outside it.
        clip: Rect,
        /// Where it is drawn, in page points.
        rect: Rect,
        /// Its pixels (the part of the texture the shape shows).
        image: Arc<ColorImage>,
        /// Opacity it is drawn with, 0–1.
        alpha: f32,
    },
}

/// A page as vector drawing.
pub struct VectorPage {
    /// Width and height in points.
    pub size_pt: [f32; 2],
    /// What it draws, bottom first.
    pub ops: Vec<Op>,
    /// The page's title (the PDF's document title, the SVG's `<title>`).
    pub title: String,
}

impl Op {
    /// What the op is clipped to.
    pub fn clip(&self) -> Rect {
        match self {
            Op::Fill { clip, .. }
            | Op::Stroke { clip, .. }
            | Op::Glyphs { clip, .. }
            | Op::Image { clip, .. } => *clip,
        }
    }
}

impl VectorPage {
    /// The clip a writer sets for `op`: none where its clip covers the whole page.
    pub fn clip_for(&self, op: &Op) -> Option<Rect> {
        let page = Rect::from_min_size(Pos2::ZERO, egui::Vec2::from(self.size_pt));
        let clip = op.clip();
        (!clip.contains_rect(page)).then_some(clip)
    }
}

/// Glyph runs of the galleys already shaped, at the page's origin, by galley and fallback
/// colour: a label's halo draws its galley four more times.
type ShapedGalleys = HashMap<(usize, Color32), Vec<GlyphRun>>;

/// The ops of egui's shapes for a page: `textures` holds the images they refer to.
pub fn page_ops(shapes: &[ClippedShape], textures: &Textures, faces: &Faces) -> Vec<Op> {
    let mut ops = Vec::new();
    let mut shaped = ShapedGalleys::new();
    for clipped in shapes {
        let clip = clipped.clip_rect;
        shape_ops(&clipped.shape, clip, textures, faces, &mut shaped, &mut ops);
    }
    ops
}

fn shape_ops(
    shape: &Shape,
    clip: Rect,
    textures: &Textures,
    faces: &Faces,
    shaped: &mut ShapedGalleys,
    out: &mut Vec<Op>,
) {
    match shape {
        Shape::Noop | Shape::Callback(_) => {}
        Shape::Vec(shapes) => {
            for s in shapes {
                shape_ops(s, clip, textures, faces, shaped, out);
            }
        }
        Shape::Circle(c) => {
            let path = vec![SubPath::ellipse(c.center, egui::Vec2::splat(c.radius))];
            fill_and_stroke(out, clip, path, c.fill, c.stroke.width, c.stroke.color);
        }
        Shape::Ellipse(e) => {
            let path = vec![SubPath::ellipse(e.center, e.radius)];
            fill_and_stroke(out, clip, path, e.fill, e.stroke.width, e.stroke.color);
        }
        Shape::LineSegment { points, stroke } => {
            if let Some(sub) = SubPath::polyline(points, false) {
                fill_and_stroke(
                    out,
                    clip,
                    vec![sub],
                    Color32::TRANSPARENT,
                    stroke.width,
                    stroke.color,
                );
            }
        }
        Shape::Path(p) => path_ops(p, clip, out),
        Shape::Rect(r) => {
            let rect = match r.stroke_kind {
                StrokeKind::Inside => r.rect.shrink(r.stroke.width / 2.0),
                StrokeKind::Middle => r.rect,
                StrokeKind::Outside => r.rect.expand(r.stroke.width / 2.0),
            };
            let radius = r.corner_radius;
            if let Some(brush) = &r.brush {
                image_op(
                    out,
                    clip,
                    r.rect,
                    brush.fill_texture_id,
                    brush.uv,
                    r.fill,
                    textures,
                );
            } else if let Some(paint) = Paint::of(r.fill) {
                out.push(Op::Fill {
                    clip,
                    path: vec![rect_path(r.rect, radius)],
                    paint,
                });
            }
            if let Some(paint) = Paint::of(r.stroke.color).filter(|_| r.stroke.width > 0.0) {
                out.push(Op::Stroke {
                    clip,
                    path: vec![rect_path(rect, radius)],
                    width_pt: r.stroke.width,
                    paint,
                });
            }
        }
        Shape::Text(t) => text_ops(t, clip, faces, shaped, out),
        Shape::Mesh(mesh) => mesh_ops(mesh, clip, textures, out),
        Shape::QuadraticBezier(q) => {
            let [a, c, b] = q.points;
            // The same curve as a cubic.
            let c1 = a + (c - a) * (2.0 / 3.0);
            let c2 = b + (c - b) * (2.0 / 3.0);
            curve_ops(out, clip, [a, c1, c2, b], q.closed, q.fill, &q.stroke);
        }
        Shape::CubicBezier(c) => curve_ops(out, clip, c.points, c.closed, c.fill, &c.stroke),
        Shape::Band(_) => {
            // Not drawn by the app's pages.
            log::debug!("a band shape is not written to vector pages");
        }
    }
}

fn solid(mode: &ColorMode) -> Color32 {
    match mode {
        ColorMode::Solid(c) => *c,
        // Gradients are not drawn on the app's pages.
        ColorMode::UV(_) => Color32::TRANSPARENT,
    }
}

/// A cubic Bézier curve (start, two control points, end), closed (and filled) or not.
fn curve_ops(
    out: &mut Vec<Op>,
    clip: Rect,
    [a, c1, c2, b]: [Pos2; 4],
    closed: bool,
    fill: Color32,
    stroke: &egui::epaint::PathStroke,
) {
    let sub = SubPath {
        start: a,
        segments: vec![Segment::Cubic(c1, c2, b)],
        closed,
    };
    let fill = if closed { fill } else { Color32::TRANSPARENT };
    fill_and_stroke(
        out,
        clip,
        vec![sub],
        fill,
        stroke.width,
        solid(&stroke.color),
    );
}

fn path_ops(p: &PathShape, clip: Rect, out: &mut Vec<Op>) {
    let Some(sub) = SubPath::polyline(&p.points, p.closed) else {
        return;
    };
    let fill = if p.closed {
        p.fill
    } else {
        Color32::TRANSPARENT
    };
    fill_and_stroke(
        out,
        clip,
        vec![sub],
        fill,
        p.stroke.width,
        solid(&p.stroke.color),
    );
}

fn fill_and_stroke(
    out: &mut Vec<Op>,
    clip: Rect,
    path: Vec<SubPath>,
    fill: Color32,
    width_pt: f32,
    stroke: Color32,
) {
    let stroke = Paint::of(stroke).filter(|_| width_pt > 0.0);
    if let Some(paint) = Paint::of(fill) {
        out.push(Op::Fill {
            clip,
            path: path.clone(),
            paint,
        });
    }
    if let Some(paint) = stroke {
        out.push(Op::Stroke {
            clip,
            path,
            width_pt,
            paint,
        });
    }
}

/// A rectangle, its corners rounded by `radius` (points; at most half a side).
fn rect_path(r: Rect, radius: egui::CornerRadius) -> SubPath {
    const K: f32 = QUARTER_ARC;
    let limit = r.width().min(r.height()) / 2.0;
    let [nw, ne, se, sw] =
        [radius.nw, radius.ne, radius.se, radius.sw].map(|c| f32::from(c).min(limit).max(0.0));
    let p = Pos2::new;
    let mut segments = Vec::with_capacity(8);
    let corner = |segments: &mut Vec<Segment>, from: Pos2, c: Pos2, to: Pos2, rad: f32| {
        if rad > 0.0 {
            let a = from + (c - from) * K;
            let b = to + (c - to) * K;
            segments.push(Segment::Cubic(a, b, to));
        }
    };
    let start = p(r.min.x + nw, r.min.y);
    segments.push(Segment::Line(p(r.max.x - ne, r.min.y)));
    corner(
        &mut segments,
        p(r.max.x - ne, r.min.y),
        r.right_top(),
        p(r.max.x, r.min.y + ne),
        ne,
    );
    segments.push(Segment::Line(p(r.max.x, r.max.y - se)));
    corner(
        &mut segments,
        p(r.max.x, r.max.y - se),
        r.right_bottom(),
        p(r.max.x - se, r.max.y),
        se,
    );
    segments.push(Segment::Line(p(r.min.x + sw, r.max.y)));
    corner(
        &mut segments,
        p(r.min.x + sw, r.max.y),
        r.left_bottom(),
        p(r.min.x, r.max.y - sw),
        sw,
    );
    segments.push(Segment::Line(p(r.min.x, r.min.y + nw)));
    corner(
        &mut segments,
        p(r.min.x, r.min.y + nw),
        r.left_top(),
        start,
        nw,
    );
    SubPath {
        start,
        segments,
        closed: true,
    }
}

fn text_ops(
    t: &TextShape,
    clip: Rect,
    faces: &Faces,
    shaped: &mut ShapedGalleys,
    out: &mut Vec<Op>,
) {
    // A label's halo is its text drawn in the halo colour around it (render::palette::HALO).
    let halo = t.override_text_color == Some(crate::render::palette::HALO);
    let runs = shaped
        .entry((Arc::as_ptr(&t.galley) as usize, t.fallback_color))
        .or_insert_with(|| galley_runs(&t.galley, t.fallback_color, faces));
    for run in runs.iter() {
        let mut run = run.moved(t.pos.to_vec2());
        if let Some(c) = t.override_text_color {
            run.paint = Paint::of(c);
        }
        run.is_text = !halo;
        if let Some(p) = &mut run.paint {
            p.alpha *= t.opacity_factor;
        }
        if run.paint.is_some() {
            out.push(Op::Glyphs { clip, run });
        }
    }
}

/// A textured rectangle (`rect` on the page showing `uv` of the texture), tinted by `tint`.
fn image_op(
    out: &mut Vec<Op>,
    clip: Rect,
    rect: Rect,
    texture: TextureId,
    uv: Rect,
    tint: Color32,
    textures: &Textures,
) {
    let Some(full) = textures.image(texture) else {
        log::debug!("texture {texture:?} of a vector page is not known");
        return;
    };
    let [w, h] = full.size;
    let x0 = (uv.min.x * w as f32).round().clamp(0.0, w as f32) as usize;
    let x1 = (uv.max.x * w as f32).round().clamp(0.0, w as f32) as usize;
    let y0 = (uv.min.y * h as f32).round().clamp(0.0, h as f32) as usize;
    let y1 = (uv.max.y * h as f32).round().clamp(0.0, h as f32) as usize;
    if x1 <= x0 || y1 <= y0 {
        return;
    }
    let image = if [x0, y0, x1, y1] == [0, 0, w, h] {
        full
    } else {
        let pixels = (y0..y1)
            .flat_map(|y| full.pixels[y * w + x0..y * w + x1].iter().copied())
            .collect();
        Arc::new(ColorImage::new([x1 - x0, y1 - y0], pixels))
    };
    let alpha = f32::from(tint.a()) / 255.0;
    if alpha > 0.0 {
        out.push(Op::Image {
            clip,
            rect,
            image,
            alpha,
        });
    }
}

fn mesh_ops(mesh: &Mesh, clip: Rect, textures: &Textures, out: &mut Vec<Op>) {
    if mesh.texture_id != TextureId::default() {
        textured_mesh_ops(mesh, clip, textures, out);
        return;
    }
    // Runs of triangles of one colour, each one path.
    let mut current: Option<(Color32, Vec<SubPath>)> = None;
    for tri in mesh.indices.chunks_exact(3) {
        let v = |i: u32| mesh.vertices.get(i as usize);
        let (Some(a), Some(b), Some(c)) = (v(tri[0]), v(tri[1]), v(tri[2])) else {
            continue;
        };
        // A feathered edge (a vertex fading to nothing) is the rasteriser's anti-aliasing,
        // which a vector page leaves to its reader.
        if [a, b, c].iter().any(|v| v.color.a() == 0) {
            continue;
        }
        let color = a.color;
        // All wound one way, so non-zero filling joins them without seams.
        let cross = (b.pos - a.pos).x * (c.pos - a.pos).y - (b.pos - a.pos).y * (c.pos - a.pos).x;
        if cross == 0.0 {
            continue;
        }
        let (p1, p2) = if cross > 0.0 {
            (b.pos, c.pos)
        } else {
            (c.pos, b.pos)
        };
        let sub = SubPath {
            start: a.pos,
            segments: vec![Segment::Line(p1), Segment::Line(p2)],
            closed: true,
        };
        match &mut current {
            Some((c, subs)) if *c == color => subs.push(sub),
            _ => {
                flush_fill(out, clip, current.take());
                current = Some((color, vec![sub]));
            }
        }
    }
    flush_fill(out, clip, current);
}

fn flush_fill(out: &mut Vec<Op>, clip: Rect, run: Option<(Color32, Vec<SubPath>)>) {
    if let Some((color, path)) = run
        && let Some(paint) = Paint::of(color)
    {
        out.push(Op::Fill { clip, path, paint });
    }
}

/// A textured mesh (a tile, the layers' image): the rectangle its vertices span, showing the
/// part of the texture their UVs span (egui draws images as such quads).
fn textured_mesh_ops(mesh: &Mesh, clip: Rect, textures: &Textures, out: &mut Vec<Op>) {
    let Some(first) = mesh.vertices.first() else {
        return;
    };
    let mut rect = Rect::NOTHING;
    let mut uv = Rect::NOTHING;
    for v in &mesh.vertices {
        rect.extend_with(v.pos);
        uv.extend_with(v.uv);
    }
    image_op(out, clip, rect, mesh.texture_id, uv, first.color, textures);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triangles_of_a_mesh_become_one_path_wound_one_way() {
        let mut mesh = Mesh::default();
        let red = Color32::from_rgb(200, 0, 0);
        for p in [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]] {
            mesh.colored_vertex(Pos2::new(p[0], p[1]), red);
        }
        // One triangle each way round.
        mesh.add_triangle(0, 1, 2);
        mesh.add_triangle(0, 3, 2);
        let mut out = Vec::new();
        mesh_ops(&mesh, Rect::EVERYTHING, &Textures::default(), &mut out);
        assert_eq!(out.len(), 1, "one colour, one path");
        let Op::Fill { path, paint, .. } = &out[0] else {
            panic!("a fill")
        };
        assert_eq!(paint.rgb, [200, 0, 0]);
        let signs: Vec<bool> = path
            .iter()
            .map(|s| {
                let (Segment::Line(b), Segment::Line(c)) = (s.segments[0], s.segments[1]) else {
                    panic!("lines")
                };
                let (a, b, c) = (s.start, b, c);
                (b - a).x * (c - a).y - (b - a).y * (c - a).x > 0.0
            })
            .collect();
        assert_eq!(signs, vec![true, true]);
    }

    #[test]
    fn a_feathered_fringe_is_left_out_and_colours_split_runs() {
        let mut mesh = Mesh::default();
        let (a, b) = (Color32::RED, Color32::BLUE);
        for (p, c) in [
            ([0.0, 0.0], a),
            ([1.0, 0.0], a),
            ([1.0, 1.0], a),
            ([2.0, 0.0], Color32::TRANSPARENT),
            ([5.0, 0.0], b),
            ([6.0, 0.0], b),
            ([6.0, 1.0], b),
        ] {
            mesh.colored_vertex(Pos2::new(p[0], p[1]), c);
        }
        mesh.add_triangle(0, 1, 2);
        mesh.add_triangle(1, 3, 2);
        mesh.add_triangle(4, 5, 6);
        let mut out = Vec::new();
        mesh_ops(&mesh, Rect::EVERYTHING, &Textures::default(), &mut out);
        let colours: Vec<[u8; 3]> = out
            .iter()
            .map(|o| match o {
                Op::Fill { paint, path, .. } => {
                    assert_eq!(path.len(), 1);
                    paint.rgb
                }
                _ => panic!("fills only"),
            })
            .collect();
        assert_eq!(colours, vec![[255, 0, 0], [0, 0, 255]]);
    }
}
