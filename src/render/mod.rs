//! Turns the basemap and the layers, seen through a [`ScreenTransform`], into plain egui draw
//! batches (`Vec<Shape>`). The screen and exports paint the same batches.

pub mod batch;
pub mod bidi;
pub mod fonts;
pub mod palette;
pub mod parallel;
pub mod piece;
pub mod raster;

use egui::{Color32, Mesh, Pos2, Rect, Shape, Stroke};

use piece::{Piece, add_triangles, fill_mesh, into_shapes};

use crate::model::basemap::{AreaKind, Basemap};
use crate::model::labels::{BoxPx, LabelCandidate, Reserved, place_labels_avoiding};
use crate::model::layer::{Drawn, Feature, Layer, Part};
use crate::model::stacks::{Stack, stacks};
use crate::model::style::{Categories, LinePattern, Paint, Rgba, resolve};
use crate::model::triangulate::{FilledArea, triangulate};
use crate::model::view::{ScreenTransform, WorldPos, WorldRect};

/// A frame's view: the transform and the screen rectangle being drawn.
#[derive(Clone, Copy, Debug)]
pub struct View {
    /// World → screen points.
    pub transform: ScreenTransform,
    /// The map's rectangle on screen, in points.
    pub rect: Rect,
    /// Physical pixels per point (the screen's, or an export's scale): detail is chosen for
    /// pixels, not points.
    pub pixels_per_point: f32,
}

impl View {
    /// The zoom in physical pixels: the zoom whose levels of detail suit this view.
    pub fn detail_zoom(&self) -> f64 {
        self.transform.zoom() + f64::from(self.pixels_per_point.max(0.01)).log2()
    }

    /// The world rectangle the view shows, with a margin in points.
    pub fn visible_world(&self, margin_pt: f32) -> WorldRect {
        let r = self.rect.expand(margin_pt);
        self.transform.visible_world(
            [f64::from(r.min.x), f64::from(r.min.y)],
            [f64::from(r.max.x), f64::from(r.max.y)],
        )
    }

    /// Screen position of a world position.
    pub fn pos(&self, w: crate::model::view::WorldPos) -> Pos2 {
        let [x, y] = self.transform.to_screen(w);
        Pos2::new(x as f32, y as f32)
    }

    fn visible(&self, f: &Feature, margin_pt: f32) -> bool {
        f.bbox()
            .is_some_and(|b| b.intersects(&self.visible_world(margin_pt)))
    }
}

/// An egui colour from a model colour.
pub fn color32(c: Rgba) -> Color32 {
    let [r, g, b, a] = c.0;
    Color32::from_rgba_unmultiplied(r, g, b, a)
}

/// A filled polygon through world points, triangulated (correct for concave shapes).
pub fn polygon_fill_shape(view: &View, points: &[WorldPos], color: Color32) -> Shape {
    let mut mesh = Mesh::default();
    let triangles = triangulate(&[points.to_vec()]);
    add_triangles(view, points.iter().copied(), &triangles, color, &mut mesh);
    Shape::mesh(mesh)
}

/// The fills of `areas` in view, as one mesh.
fn fills(view: &View, areas: &[FilledArea], color: Color32) -> Shape {
    let visible = view.visible_world(0.0);
    let mut mesh = Mesh::default();
    for area in areas.iter().filter(|a| a.bbox.intersects(&visible)) {
        fill_mesh(view, area, color, &mut mesh);
    }
    Shape::mesh(mesh)
}

fn screen_line(view: &View, line: impl IntoIterator<Item = WorldPos>) -> Vec<Pos2> {
    line.into_iter().map(|w| view.pos(w)).collect()
}

fn closed(mut pts: Vec<Pos2>) -> Vec<Pos2> {
    if let Some(&first) = pts.first() {
        pts.push(first);
    }
    pts
}

/// A polyline as runs egui's tessellator draws soundly: repeated points dropped, and cut in
/// two where it turns straight back on itself (egui joins two opposite segments, or three
/// equal points, with vertices that are not numbers; found by fuzzing the tile decoder).
pub fn tidy_polyline(pts: &[Pos2]) -> Vec<Vec<Pos2>> {
    let mut runs: Vec<Vec<Pos2>> = Vec::new();
    let mut run: Vec<Pos2> = Vec::with_capacity(pts.len());
    for &p in pts {
        if !(p.x.is_finite() && p.y.is_finite()) || run.last() == Some(&p) {
            continue;
        }
        if let [.., a, b] = run[..] {
            let (d0, d1) = ((b - a).normalized(), (p - b).normalized());
            if d0.dot(d1) < -0.9999 {
                runs.push(std::mem::replace(&mut run, vec![b]));
            }
        }
        run.push(p);
    }
    runs.push(run);
    runs.retain(|r| r.len() >= 2);
    runs
}

/// A polyline with a pattern, appended to `out`.
fn patterned_line(out: &mut Vec<Shape>, pts: Vec<Pos2>, stroke: Stroke, pattern: LinePattern) {
    for run in tidy_polyline(&pts) {
        tidy_patterned_line(out, run, stroke, pattern);
    }
}

fn tidy_patterned_line(out: &mut Vec<Shape>, pts: Vec<Pos2>, stroke: Stroke, pattern: LinePattern) {
    match pattern {
        LinePattern::Solid => out.push(Shape::line(pts, stroke)),
        LinePattern::Dashed => {
            for run in clip_polyline(&pts, PATTERN_BOUNDS) {
                out.extend(Shape::dashed_line(
                    &run,
                    stroke,
                    stroke.width * 3.5 + 2.0,
                    stroke.width * 2.0 + 1.5,
                ));
            }
        }
        LinePattern::Dotted => {
            for run in clip_polyline(&pts, PATTERN_BOUNDS) {
                out.extend(Shape::dotted_line(
                    &run,
                    stroke.color,
                    stroke.width * 1.8 + 1.0,
                    stroke.width * 0.55,
                ));
            }
        }
    }
}

/// Where dashes and dots are drawn, in points: well beyond any screen or page, but bounded, so
/// a dashed line zoomed in far is not cut into millions of dashes off screen.
pub const PATTERN_BOUNDS: Rect = Rect {
    min: Pos2::new(-4000.0, -4000.0),
    max: Pos2::new(20000.0, 20000.0),
};

/// The runs of a polyline inside `rect` (Liang–Barsky on each segment, joined where they
/// meet).
pub fn clip_polyline(pts: &[Pos2], rect: Rect) -> Vec<Vec<Pos2>> {
    let mut runs: Vec<Vec<Pos2>> = Vec::new();
    let mut current: Vec<Pos2> = Vec::new();
    for w in pts.windows(2) {
        match clip_segment(w[0], w[1], rect) {
            Some((a, b)) => {
                if current.last() != Some(&a) {
                    if current.len() >= 2 {
                        runs.push(std::mem::take(&mut current));
                    }
                    current.clear();
                    current.push(a);
                }
                current.push(b);
            }
            None => {
                if current.len() >= 2 {
                    runs.push(std::mem::take(&mut current));
                }
                current.clear();
            }
        }
    }
    if current.len() >= 2 {
        runs.push(current);
    }
    runs
}

fn clip_segment(a: Pos2, b: Pos2, r: Rect) -> Option<(Pos2, Pos2)> {
    let d = b - a;
    let (mut t0, mut t1) = (0.0_f32, 1.0_f32);
    for (p, q) in [
        (-d.x, a.x - r.min.x),
        (d.x, r.max.x - a.x),
        (-d.y, a.y - r.min.y),
        (d.y, r.max.y - a.y),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
            if t0 > t1 {
                return None;
            }
        }
    }
    Some((a + d * t0, a + d * t1))
}

/// Lines (and polygon outlines) of `features`, one style for all.
fn lines(
    view: &View,
    features: &[Feature],
    stroke: Stroke,
    pattern: LinePattern,
    out: &mut Vec<Shape>,
) {
    for f in features.iter().filter(|f| view.visible(f, stroke.width)) {
        for part in &f.parts {
            match part {
                Part::Line(l) => patterned_line(out, screen_line(view, l.iter()), stroke, pattern),
                Part::Areas(areas) => {
                    for ring in areas.rings() {
                        let pts = closed(screen_line(view, ring.iter()));
                        patterned_line(out, pts, stroke, pattern);
                    }
                }
                Part::Point(_) | Part::Points(_) => {}
            }
        }
    }
}

/// The basemap's areas and lines (no labels), bottom to top.
pub fn basemap_shapes(basemap: &Basemap, view: &View) -> Vec<Shape> {
    let mut out = basemap_area_shapes(basemap, view);
    out.extend(boundary_shapes(basemap, view));
    out
}

/// The basemap's sea, land, water and coast (no boundaries, no labels): what lies under
/// vector tiles.
pub fn basemap_area_shapes(basemap: &Basemap, view: &View) -> Vec<Shape> {
    use palette::*;
    let mut out = vec![Shape::rect_filled(view.rect, 0.0, SEA)];
    out.push(fills(view, &basemap.world_land, LAND));
    out.push(fills(view, &basemap.neighbours, LAND));
    out.push(fills(view, &basemap.pakistan, LAND_PAKISTAN));
    // Pakistan's coast in detail: inside its strip the sea, then the detailed land.
    if let Some([nw, se]) = basemap.coast_strip {
        let strip = [nw, WorldPos::new(se.x, nw.y), se, WorldPos::new(nw.x, se.y)];
        out.push(polygon_fill_shape(view, &strip, SEA));
        out.push(fills(view, &basemap.coast_land, LAND_PAKISTAN));
    }
    out.push(fills(view, &basemap.lake_fills, WATER));
    lines(
        view,
        &basemap.lakes,
        Stroke::new(0.6, WATER_LINE),
        LinePattern::Solid,
        &mut out,
    );
    lines(
        view,
        &basemap.rivers,
        Stroke::new(1.0, WATER_LINE),
        LinePattern::Solid,
        &mut out,
    );
    lines(
        view,
        &basemap.coastline,
        Stroke::new(0.8, COAST),
        LinePattern::Solid,
        &mut out,
    );
    out
}

/// The basemap's boundaries alone (provinces, borders, disputed lines): drawn over tiles in
/// the hybrid view, and as part of the full basemap.
pub fn boundary_shapes(basemap: &Basemap, view: &View) -> Vec<Shape> {
    use palette::*;
    let mut out = Vec::new();
    lines(
        view,
        &basemap.neighbour_provinces,
        Stroke::new(0.6, NEIGHBOUR_PROVINCE),
        LinePattern::Solid,
        &mut out,
    );
    lines(
        view,
        &basemap.provinces,
        Stroke::new(0.9, PROVINCE),
        LinePattern::Solid,
        &mut out,
    );
    lines(
        view,
        &basemap.borders,
        Stroke::new(1.4, BORDER),
        LinePattern::Solid,
        &mut out,
    );
    lines(
        view,
        &basemap.disputed,
        Stroke::new(1.4, BORDER),
        LinePattern::Dashed,
        &mut out,
    );
    out
}

fn paint_of(layer: &Layer, categories: Option<&Categories>, f: &Feature) -> Paint {
    resolve(&layer.style, categories, &f.properties)
}

/// How opaque a schematic alignment is drawn, against a traced route.
pub const SCHEMATIC_ALPHA: f32 = 0.45;

/// One feature's lines and fills (no markers), at the level of detail of the view's zoom.
fn feature_lines<'a>(
    view: &View,
    f: &'a Feature,
    paint: &Paint,
    selected: bool,
    pieces: &mut Vec<Piece<'a>>,
) {
    // The selection is drawn in full detail, so what is highlighted is exactly the feature.
    let zoom = if selected {
        f64::INFINITY
    } else {
        view.detail_zoom()
    };
    for part in f.lines_and_areas_at(zoom) {
        let mut out = Vec::new();
        match part {
            Drawn::Polygon(poly) => {
                for ring in &poly.rings {
                    let pts = closed(screen_line(view, ring.iter()));
                    if selected {
                        out.push(Shape::line(
                            pts.clone(),
                            Stroke::new(paint.stroke_width_pt + 6.0, palette::SELECTION),
                        ));
                    }
                    patterned_line(
                        &mut out,
                        pts,
                        Stroke::new(paint.stroke_width_pt * 0.6, color32(paint.stroke)),
                        paint.pattern,
                    );
                }
                // The fill goes under its outlines.
                pieces.push(Piece::Area {
                    polygon: poly,
                    color: color32(paint.fill),
                });
            }
            Drawn::Line(l) => {
                let pts = screen_line(view, l.iter());
                let w = paint.stroke_width_pt;
                // A schematic alignment is drawn faded: not to be read as the route.
                let stroke_color = if f.is_schematic() {
                    color32(paint.stroke).gamma_multiply(SCHEMATIC_ALPHA)
                } else {
                    color32(paint.stroke)
                };
                if selected {
                    out.push(Shape::line(
                        pts.clone(),
                        Stroke::new(w + 9.0, palette::SELECTION_EDGE),
                    ));
                    out.push(Shape::line(
                        pts.clone(),
                        Stroke::new(w + 6.0, palette::SELECTION),
                    ));
                }
                // A light casing keeps dotted and dashed lines readable on any background; a
                // thin line's is a hairline, so a wider line it runs along (the fibre cable on
                // the Karakoram Highway) still shows either side of it.
                let casing = if w < 2.0 { w + 0.6 } else { w + 2.0 };
                out.push(Shape::line(
                    pts.clone(),
                    Stroke::new(casing, palette::CASING),
                ));
                patterned_line(&mut out, pts, Stroke::new(w, stroke_color), paint.pattern);
            }
            Drawn::Dot(d) => {
                let c = view.pos(d);
                out.push(Shape::rect_filled(
                    Rect::from_center_size(c, egui::vec2(1.5, 1.5)),
                    0.0,
                    color32(paint.stroke),
                ));
            }
        }
        pieces.extend(out.into_iter().map(Piece::from));
    }
}

/// One feature's point markers, moved by `offset` points when it is spread around a point it
/// shares (then with a leader line to the true point, marked by a small dot).
fn feature_markers(
    view: &View,
    f: &Feature,
    paint: &Paint,
    selected: bool,
    offset: egui::Vec2,
    out: &mut Vec<Shape>,
) {
    let r = paint.marker_radius_pt;
    let estimated = f.confidence().is_some_and(|c| c.is_estimate());
    let color = color32(paint.marker);
    for w in f.parts.iter().flat_map(Part::markers) {
        let truth = view.pos(w);
        let c = truth + offset;
        if offset != egui::Vec2::ZERO {
            out.push(Shape::line_segment(
                [truth, c],
                Stroke::new(1.0, palette::MARKER_EDGE),
            ));
            out.push(Shape::circle_filled(truth, 2.5, palette::MARKER_EDGE));
        }
        if selected {
            out.push(Shape::circle_filled(c, r + 6.0, palette::SELECTION));
            out.push(Shape::circle_stroke(
                c,
                r + 6.0,
                Stroke::new(1.5, palette::SELECTION_EDGE),
            ));
        }
        if estimated {
            // A faint dotted halo: the position is an estimate, not a survey.
            out.extend(Shape::dotted_line(
                &circle_path(c, r + 4.0),
                palette::MARKER_EDGE,
                3.0,
                0.8,
            ));
        }
        if paint.marker_hollow {
            out.push(Shape::circle_filled(c, r, Color32::WHITE));
            out.push(Shape::circle_stroke(c, r - 1.0, Stroke::new(2.5, color)));
            out.push(Shape::circle_stroke(
                c,
                r + 0.5,
                Stroke::new(0.8, palette::MARKER_EDGE),
            ));
        } else {
            // Filled and edged in one shape (drawn as the two would be): a dense point layer
            // is half as many pieces.
            out.push(Shape::Circle(egui::epaint::CircleShape {
                center: c,
                radius: r,
                fill: color,
                stroke: Stroke::new(1.0, palette::MARKER_EDGE),
            }));
        }
    }
}

fn circle_path(c: Pos2, r: f32) -> Vec<Pos2> {
    (0..=24)
        .map(|i| {
            let a = i as f32 / 24.0 * std::f32::consts::TAU;
            Pos2::new(c.x + r * a.cos(), c.y + r * a.sin())
        })
        .collect()
}

/// A reference to one feature: layer index and feature index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FeatureRef {
    /// Index into the layer list.
    pub layer: usize,
    /// Index into the layer's features.
    pub feature: usize,
}

/// The visible layers' features as egui shapes (see [`layer_pieces`]).
pub fn layer_shapes(
    layers: &[Layer],
    categories: Option<&Categories>,
    view: &View,
    selected: Option<FeatureRef>,
) -> (Vec<Shape>, DrawnMarkers) {
    let (pieces, markers) = layer_pieces(layers, categories, view, selected);
    (into_shapes(pieces, view), markers)
}

/// Features in view from which a layer's pieces are made on all cores.
const PARALLEL_FROM: usize = 2_000;

/// The visible layers' features in view, at the view's level of detail: all lines and areas
/// first, then the selected feature's outline halo, then all markers on top, so neither a later
/// layer's line nor the selection ever hides a point; the selected feature's own markers last.
/// Returns the pieces and what the markers leave for the labels and badges over them.
pub fn layer_pieces<'a>(
    layers: &'a [Layer],
    categories: Option<&Categories>,
    view: &View,
    selected: Option<FeatureRef>,
) -> (Vec<Piece<'a>>, DrawnMarkers) {
    let visible_world = view.visible_world(20.0);
    let spread = spread_at(layers, view);
    let mut out = Vec::new();
    let mut marker_boxes = Vec::new();
    // Each shown layer's features in view, asked of its index once for both passes.
    let shown: Vec<(usize, &Layer, Vec<usize>)> = layers
        .iter()
        .enumerate()
        .filter(|(_, l)| l.visible)
        .map(|(li, l)| (li, l, in_view(l, visible_world)))
        .collect();
    for (_, layer, in_view) in &shown {
        let lines = |features: Vec<&'a Feature>| {
            let mut pieces = Vec::new();
            for f in features {
                let paint = paint_of(layer, categories, f);
                feature_lines(view, f, &paint, false, &mut pieces);
            }
            pieces
        };
        let has_lines = |f: &&Feature| {
            f.parts
                .iter()
                .any(|p| matches!(p, Part::Line(_) | Part::Areas(_)))
        };
        let features: Vec<&Feature> = in_view
            .iter()
            .map(|&fi| &layer.features[fi])
            .filter(has_lines)
            .collect();
        // A big layer's pieces are made over the cores, in order.
        if features.len() > PARALLEL_FROM {
            out.extend(parallel::in_parallel(features, lines).into_iter().flatten());
        } else {
            out.extend(lines(features));
        }
    }
    out.extend(selection_outline(layers, categories, view, selected));
    // One feature's marker shapes at a time, in one buffer (a dense layer has a million).
    let mut markers = Vec::new();
    for (li, layer, in_view) in &shown {
        let has_points = |f: &Feature| f.parts.iter().any(|p| p.markers().next().is_some());
        let features = in_view.iter().map(|&fi| {
            let r = FeatureRef {
                layer: *li,
                feature: fi,
            };
            (r, &layer.features[fi])
        });
        for (r, f) in features.filter(|(_, f)| has_points(f)) {
            let paint = paint_of(layer, categories, f);
            let offset = spread
                .get(&(r.layer, r.feature))
                .copied()
                .unwrap_or_default();
            feature_markers(view, f, &paint, selected == Some(r), offset, &mut markers);
            out.extend(markers.drain(..).map(Piece::from));
            let rad = paint.marker_radius_pt + 1.0;
            marker_boxes.extend(f.parts.iter().flat_map(Part::markers).map(|w| {
                let c = view.pos(w) + offset;
                BoxPx::around([c.x, c.y], rad)
            }));
        }
    }
    // The selected markers again on top, so no neighbour hides them (their halo stays under
    // the neighbours).
    out.extend(
        selected_markers(layers, categories, view, selected, false, &spread)
            .into_iter()
            .map(Piece::from),
    );
    (out, DrawnMarkers::of(marker_boxes))
}

/// The selected feature and its paint, when its layer is shown.
fn selected_feature<'a>(
    layers: &'a [Layer],
    categories: Option<&Categories>,
    selected: Option<FeatureRef>,
) -> Option<(FeatureRef, &'a Feature, Paint)> {
    let r = selected?;
    let layer = layers.get(r.layer).filter(|l| l.visible)?;
    let f = layer.features.get(r.feature)?;
    Some((r, f, paint_of(layer, categories, f)))
}

/// The selected feature's lines and area outlines with their halo, in full detail — no fill:
/// the area's own fill is drawn with its layer, and a fill over the map would hide what lies
/// inside (the corridor markers in a selected country).
fn selection_outline<'a>(
    layers: &'a [Layer],
    categories: Option<&Categories>,
    view: &View,
    selected: Option<FeatureRef>,
) -> Vec<Piece<'a>> {
    let Some((_, f, paint)) = selected_feature(layers, categories, selected) else {
        return Vec::new();
    };
    let mut pieces = Vec::new();
    feature_lines(view, f, &paint, true, &mut pieces);
    pieces.retain(|p| !matches!(p, Piece::Area { .. }));
    pieces
}

/// The selected feature's markers (with their halo when `halo`), where they are drawn now
/// (`spread` around a shared point at city zoom, [`spread_at`]).
fn selected_markers(
    layers: &[Layer],
    categories: Option<&Categories>,
    view: &View,
    selected: Option<FeatureRef>,
    halo: bool,
    spread: &std::collections::HashMap<crate::model::spread::Member, egui::Vec2>,
) -> Vec<Shape> {
    let Some((r, f, paint)) = selected_feature(layers, categories, selected) else {
        return Vec::new();
    };
    let offset = spread
        .get(&(r.layer, r.feature))
        .copied()
        .unwrap_or_default();
    let mut out = Vec::new();
    feature_markers(view, f, &paint, halo, offset, &mut out);
    out
}

/// The selected feature highlighted over the map, in full detail: its outline halo and its
/// markers. For the moments the layers' image does not draw it yet, and for the feature under
/// the pointer in the overlap list.
pub fn selection_shapes(
    layers: &[Layer],
    categories: Option<&Categories>,
    view: &View,
    selected: Option<FeatureRef>,
) -> Vec<Shape> {
    let mut out = into_shapes(selection_outline(layers, categories, view, selected), view);
    if selected.is_some() {
        let spread = spread_at(layers, view);
        out.extend(selected_markers(
            layers, categories, view, selected, true, &spread,
        ));
    }
    out
}

/// The offsets of markers spread around the points they share, at the view's zoom.
pub fn spread_at(
    layers: &[Layer],
    view: &View,
) -> std::collections::HashMap<crate::model::spread::Member, egui::Vec2> {
    let marker_pt = layers
        .iter()
        .filter(|l| l.visible)
        .map(|l| l.style.point_radius_pt)
        .fold(5.0, f32::max);
    // Markers a ring's width beyond the view still draw into it.
    let within = view.visible_world(4.0 * marker_pt + 40.0);
    crate::model::spread::spread_offsets(layers, within, view.transform.zoom(), marker_pt)
        .into_iter()
        .map(|(m, [x, y])| (m, egui::vec2(x, y)))
        .collect()
}

/// The features of `layer` whose boxes meet `visible`: their numbers, in file order.
fn in_view(layer: &Layer, visible: WorldRect) -> Vec<usize> {
    let mut idx: Vec<usize> = layer.index.query(visible).collect();
    idx.sort_unstable();
    idx
}

/// The atlas's labels: their shapes, and each label's box and text with its anchor (which
/// labels drawn later must avoid and not repeat).
pub struct AtlasLabels {
    /// What to paint.
    pub shapes: Vec<Shape>,
    /// What is taken: what was reserved, and the labels' boxes after it.
    pub boxes: Reserved,
    /// The labels' texts and anchors.
    pub texts: Vec<crate::tiles::vector::draw::PlacedText>,
}

/// A place's or area's name laid out, English and local on two lines: with `spaced_caps` (a
/// country) in spaced capitals as atlases set them (P A K I S T A N) when in Latin letters;
/// any other script as it is written, in visual order, a little larger (Naskh's letters are
/// small beside Latin ones of the same size).
fn name_galley(
    painter: &egui::Painter,
    text: &str,
    spaced_caps: bool,
    size: f32,
    color: Color32,
) -> std::sync::Arc<egui::Galley> {
    let mut job = egui::text::LayoutJob::default();
    for (i, line) in text.lines().enumerate() {
        let line_latin = crate::model::label_language::is_latin(line);
        let shown = if spaced_caps && line_latin {
            line.to_uppercase()
        } else {
            bidi::visual(line).into_owned()
        };
        let format = egui::TextFormat {
            // Naskh's letters are small beside Latin capitals of the same size.
            font_id: egui::FontId::proportional(if line_latin { size } else { size * 1.25 }),
            color,
            extra_letter_spacing: if spaced_caps && line_latin {
                0.3 * size
            } else {
                0.0
            },
            ..Default::default()
        };
        if i > 0 {
            job.append("\n", 0.0, format.clone());
        }
        job.append(&shown, 0.0, format);
    }
    painter.layout_job(job)
}

/// City and area labels: chosen by population and zoom, placed without overlaps and away from
/// the thematic markers.
pub fn label_shapes(
    basemap: &Basemap,
    view: &View,
    painter: &egui::Painter,
    mut reserved: Reserved,
    language: crate::model::label_language::LabelLanguage,
) -> AtlasLabels {
    use palette::*;
    let zoom = view.transform.zoom();
    let min_pop = Basemap::min_population_at(zoom);
    let visible = view.visible_world(0.0);
    let bounds = BoxPx {
        min: [view.rect.min.x + 2.0, view.rect.min.y + 2.0],
        max: [view.rect.max.x - 2.0, view.rect.max.y - 2.0],
    };
    let mut out = Vec::new();
    let mut texts = Vec::new();

    // Area names first, as reserved boxes for the city labels: countries, then provinces.
    let area_size = if zoom < 5.5 { 11.0 } else { 13.0 };
    let mut areas: Vec<&crate::model::basemap::AreaLabel> = basemap
        .area_labels
        .iter()
        .filter(|l| match l.kind {
            AreaKind::Country => zoom < 7.5,
            AreaKind::Province => (5.0..9.0).contains(&zoom),
        })
        .collect();
    areas.sort_by_key(|l| l.kind != AreaKind::Country);
    // Area names keep clear of the map's edges and corners, where its zoom buttons or north
    // arrow (top right), scale bar (bottom left) and attribution (bottom right) sit.
    let area_bounds = BoxPx {
        min: [bounds.min[0] + 16.0, bounds.min[1] + 16.0],
        max: [bounds.max[0] - 16.0, bounds.max[1] - 16.0],
    };
    let [x0, y0] = area_bounds.min;
    let [x1, y1] = area_bounds.max;
    let corners = [
        BoxPx {
            min: [x1 - 70.0, y0 - 16.0],
            max: [x1 + 16.0, y0 + 90.0],
        },
        BoxPx {
            min: [x0 - 16.0, y1 - 50.0],
            max: [x0 + 160.0, y1 + 16.0],
        },
        BoxPx {
            min: [x1 - 420.0, y1 - 70.0],
            max: [x1 + 16.0, y1 + 16.0],
        },
    ];
    for label in areas {
        let color = match label.kind {
            AreaKind::Country => AREA_LABEL,
            AreaKind::Province => PROVINCE_LABEL,
        };
        let text = label.local.text(language, &label.name);
        let galley = name_galley(
            painter,
            &text,
            label.kind == AreaKind::Country,
            area_size,
            color,
        );
        let size = galley.size();
        // Its point, else the next best inside the area, in view; there, or a little
        // above or below it, where no marker or label is.
        let spot = std::iter::once(&label.pos)
            .chain(&label.alternatives)
            .filter(|p| visible.contains(**p))
            .flat_map(|p| {
                let c = view.pos(*p);
                [0.0, -1.2, 1.2, -2.4, 2.4].map(|k| c + egui::vec2(0.0, k * size.y))
            })
            .map(|c| {
                let min = c - size / 2.0;
                let b = BoxPx {
                    min: [min.x, min.y],
                    max: [min.x + size.x, min.y + size.y],
                };
                (c, min, b)
            })
            .find(|(_, _, b)| {
                b.inside(&area_bounds)
                    && !corners.iter().any(|r| r.overlaps(b))
                    && !reserved.overlaps(b)
            });
        if let Some((c, min, b)) = spot {
            reserved.push(b);
            texts.push(crate::tiles::vector::draw::PlacedText {
                text: label.name.clone(),
                shown: text,
                at: c,
            });
            out.push(Shape::galley(min, galley, color));
        }
    }

    let cities: Vec<&crate::model::basemap::City> = basemap
        .cities
        .iter()
        .filter(|c| {
            (c.population >= min_pop || (c.capital && zoom >= 4.5) || c.corridor)
                && visible.contains(c.pos)
        })
        .take(400)
        .collect();
    let galleys: Vec<_> = cities
        .iter()
        .map(|c| {
            let size = if c.capital || c.population >= 1_000_000 {
                13.0
            } else {
                11.5
            };
            let color = if c.in_pakistan {
                CITY_LABEL
            } else {
                CITY_LABEL_FOREIGN
            };
            // Two lines (English and local) may be shortened to the first where they do not fit.
            let shown = c.local.text(language, &c.name);
            let short = shown.split_once('\n').map(|(first, _)| {
                let first = first.to_string();
                (name_galley(painter, &first, false, size, color), first)
            });
            (
                (name_galley(painter, &shown, false, size, color), shown),
                short,
            )
        })
        .collect();
    let candidates: Vec<LabelCandidate> = cities
        .iter()
        .zip(&galleys)
        .map(|(c, g)| LabelCandidate {
            anchor_px: {
                let p = view.pos(c.pos);
                [p.x, p.y]
            },
            size_px: g.0.0.size().into(),
            short_size_px: g.1.as_ref().map(|(s, _)| s.size().into()),
            // The corridor's places first, then the country's capital, then the other
            // capitals, then by population.
            priority: if c.corridor {
                1e12
            } else if c.in_pakistan && c.name == "Islamabad" {
                1e11
            } else {
                c.population as f64 * if c.capital { 10.0 } else { 1.0 }
            },
            essential: c.corridor || (c.in_pakistan && (c.capital || zoom >= 8.0)),
        })
        .collect();
    // Town names keep out of the corners' buttons, north arrow, scale bar and attribution too
    // (but for an essential name, rather than cover a marker).
    for placed in place_labels_avoiding(&candidates, &reserved, &corners, bounds) {
        let city = cities[placed.candidate];
        let (whole, short) = &galleys[placed.candidate];
        let (galley, shown) = match short {
            Some(short) if placed.short => short.clone(),
            _ => whole.clone(),
        };
        let dot = view.pos(city.pos);
        let [x, y] = placed.pos_px;
        reserved.push(BoxPx {
            min: [x, y],
            max: [x + galley.size().x, y + galley.size().y],
        });
        texts.push(crate::tiles::vector::draw::PlacedText {
            text: city.name.clone(),
            shown,
            at: dot,
        });
        out.push(Shape::circle_filled(
            dot,
            if city.capital { 3.0 } else { 2.2 },
            CITY_DOT,
        ));
        if city.capital {
            out.push(Shape::circle_stroke(dot, 4.5, Stroke::new(1.0, CITY_DOT)));
        }
        let pos = Pos2::new(placed.pos_px[0], placed.pos_px[1]);
        for d in [[-1.0, 0.0], [1.0, 0.0], [0.0, -1.0], [0.0, 1.0]] {
            out.push(Shape::galley_with_override_text_color(
                pos + egui::vec2(d[0], d[1]),
                galley.clone(),
                HALO,
            ));
        }
        out.push(Shape::galley(pos, galley, CITY_LABEL));
    }
    AtlasLabels {
        shapes: out,
        boxes: reserved,
        texts,
    }
}

/// How much of the offline basemap a map draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BasemapDraw {
    /// All of it: land, sea, water, boundaries, labels.
    Full,
    /// Boundaries and labels only, over tiles (the hybrid view).
    Overlay,
    /// None (tiles alone).
    Off,
}

/// Vector tiles' fills and lines: moved and handed to egui tile by tile, or, with a `batch`
/// (the screen) when there are too many vertices to move every frame, as one image rendered
/// in the background and shown moved and scaled until the next arrives.
pub fn paint_vector_tiles(
    painter: &egui::Painter,
    view: &View,
    frame: &crate::tiles::vector::VectorFrame,
    batch: Option<&mut batch::LayerBatch>,
) {
    use crate::tiles::vector::draw as vector_draw;
    match batch {
        Some(b) if vector_draw::vertex_count(frame) > vector_draw::MESH_FRAME_LIMIT => {
            painter.add(b.tiles(painter.ctx(), frame, view, vector_draw::generation(frame)));
        }
        _ => vector_draw::paint_tiles(painter, view, frame),
    }
}

/// The screen's background renders: the layers (with the generation they were drawn for)
/// and heavy vector tiles.
pub struct Batches<'a> {
    /// The thematic layers.
    pub layers: &'a mut batch::LayerBatch,
    /// Changes whenever the layers' look changes.
    pub generation: u64,
    /// Vector tiles too heavy to move every frame (the screen); exports draw tiles as meshes.
    pub tiles: Option<&'a mut batch::LayerBatch>,
}

/// What a map shows: the basemap and the thematic layers with their categories.
#[derive(Clone, Copy)]
pub struct Scene<'a> {
    /// The offline basemap.
    pub basemap: &'a Basemap,
    /// Thematic layers, bottom first.
    pub layers: &'a [Layer],
    /// Categories of the categorized layers.
    pub categories: Option<&'a Categories>,
    /// The language of the map's labels.
    pub labels: crate::model::label_language::LabelLanguage,
}

/// Paint the map into `painter` (clipped to the view): the offline basemap unless tiles lie
/// under it, vector tiles (the atlas's OpenStreetMap detail, or a vector basemap) over its
/// areas and under its boundaries, the layers, then labels placed around the markers: the
/// atlas's, then the tiles' (never repeating or covering them). The screen and every export
/// draw through here.
///
/// With `batches` (the screen, and exports), the layers come from a [`batch::LayerBatch`]
/// reused while its generation and the zoom stay the same (culled, at the view's level of
/// detail, and for dense data drawn straight into pixels), and on the screen heavy vector
/// tiles from another; without, they are drawn afresh as shapes.
pub fn paint_map(
    painter: &egui::Painter,
    scene: &Scene<'_>,
    view: &View,
    selected: Option<FeatureRef>,
    basemap: BasemapDraw,
    vector: Option<&crate::tiles::vector::VectorFrame>,
    batches: Option<Batches<'_>>,
) -> crate::tiles::vector::draw::LabelReport {
    use crate::tiles::vector::draw as vector_draw;
    let painter = painter.with_clip_rect(view.rect);
    if basemap == BasemapDraw::Full {
        painter.extend(basemap_area_shapes(scene.basemap, view));
    }
    let (cache, tile_batch) = match batches {
        Some(b) => (Some((b.layers, b.generation)), b.tiles),
        None => (None, None),
    };
    if let Some(frame) = vector {
        paint_vector_tiles(&painter, view, frame, tile_batch);
    }
    if basemap != BasemapDraw::Off {
        painter.extend(boundary_shapes(scene.basemap, view));
    }
    let markers = match cache {
        Some((batch, generation)) => {
            let options = painter.ctx().tessellation_options(|o| *o);
            let (image, markers) = batch.shapes(
                painter.ctx(),
                (scene.layers, scene.categories),
                selected,
                view,
                generation,
                options,
            );
            painter.add(image);
            // A new selection is drawn at once, over the image, until the image drawing it
            // (under the markers) arrives.
            if !batch.shows_selection(selected) {
                painter.extend(selection_shapes(
                    scene.layers,
                    scene.categories,
                    view,
                    selected,
                ));
            }
            markers
        }
        None => {
            let (shapes, markers) = layer_shapes(scene.layers, scene.categories, view, selected);
            painter.extend(shapes);
            markers
        }
    };
    // The count badges sit beside their markers: no label goes under one either.
    let (badges, badge_boxes) = stack_badges(&painter, &markers.stacks);
    let mut reserved = markers.reserved;
    reserved.extend(badge_boxes);
    let (taken, texts) = if basemap == BasemapDraw::Off {
        (reserved, Vec::new())
    } else {
        let atlas = label_shapes(scene.basemap, view, &painter, reserved, scene.labels);
        painter.extend(atlas.shapes);
        (atlas.boxes, atlas.texts)
    };
    let mut report = vector_draw::LabelReport::default();
    if let Some(frame) = vector {
        let (shapes, r) =
            vector_draw::label_shapes(&painter, view, frame, taken, &texts, scene.labels);
        painter.extend(shapes);
        report = r;
    }
    painter.extend(badges);
    report
}

/// The markers a render drew, as what is painted over them every frame needs them: what the
/// labels keep off, and the stacks that get a count badge. Made once a render, not every
/// frame: a dense point layer draws a million markers, and a frame that held, sorted and
/// tested them all took hundreds of milliseconds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DrawnMarkers {
    /// The markers' boxes (exactly for few markers, else the cells they cover).
    pub reserved: Reserved,
    /// The largest stacks, in position order (see [`stacks`]).
    pub stacks: Vec<Stack>,
}

impl DrawnMarkers {
    /// From the boxes of the markers drawn (each centred on its marker).
    pub fn of(boxes: Vec<BoxPx>) -> Self {
        let stacks = stacks(&boxes);
        Self {
            reserved: Reserved::from_boxes(boxes),
            stacks,
        }
    }

    /// Everything moved: each point `p` to `p × scale + shift` (a scale above zero), as the
    /// image they were drawn into is moved on screen.
    pub fn mapped(&self, scale: f32, shift: [f32; 2]) -> Self {
        Self {
            reserved: self.reserved.mapped(scale, shift),
            stacks: self
                .stacks
                .iter()
                .map(|s| Stack {
                    at_pt: [s.at_pt[0] * scale + shift[0], s.at_pt[1] * scale + shift[1]],
                    radius_pt: s.radius_pt * scale,
                    ..*s
                })
                .collect(),
        }
    }
}

/// A count badge beside each stack of markers, so a reader knows more than one is there (see
/// [`stacks`]). The shapes, and the badges' boxes.
pub fn stack_badges(painter: &egui::Painter, stacks: &[Stack]) -> (Vec<Shape>, Vec<BoxPx>) {
    let mut out = Vec::new();
    let mut boxes = Vec::new();
    for s in stacks {
        let text = painter.layout_no_wrap(
            s.count.to_string(),
            egui::FontId::proportional(10.0),
            Color32::WHITE,
        );
        let size = text.size() + egui::vec2(6.0, 2.0);
        let r = s.radius_pt;
        let at = Pos2::new(s.at_pt[0] + r * 0.7, s.at_pt[1] - r * 0.7 - size.y);
        let rect = Rect::from_min_size(at, size);
        boxes.push(BoxPx {
            min: [rect.min.x, rect.min.y],
            max: [rect.max.x, rect.max.y],
        });
        out.push(Shape::rect_filled(
            rect,
            size.y / 2.0,
            palette::SELECTION_EDGE,
        ));
        out.push(Shape::galley(
            rect.min + egui::vec2(3.0, 1.0),
            text,
            Color32::WHITE,
        ));
    }
    (out, boxes)
}

/// A legend swatch: a line sample with a marker in its middle.
pub fn swatch_shapes(rect: Rect, color: Color32, pattern: LinePattern, hollow: bool) -> Vec<Shape> {
    let mut out = Vec::new();
    let a = rect.left_center() + egui::vec2(1.0, 0.0);
    let b = rect.right_center() - egui::vec2(1.0, 0.0);
    let width = (rect.height() / 6.0).clamp(1.5, 3.0);
    patterned_line(&mut out, vec![a, b], Stroke::new(width, color), pattern);
    let c = rect.center();
    let r = (rect.height() / 3.0).clamp(3.0, 6.0);
    if hollow {
        out.push(Shape::circle_filled(c, r, Color32::WHITE));
        out.push(Shape::circle_stroke(c, r - 1.0, Stroke::new(2.0, color)));
    } else {
        out.push(Shape::circle_filled(c, r, color));
    }
    out.push(Shape::circle_stroke(
        c,
        r + 0.5,
        Stroke::new(0.8, palette::MARKER_EDGE),
    ));
    out
}

/// A basemap line sample for legends.
pub fn line_swatch_shapes(rect: Rect, stroke: Stroke, pattern: LinePattern) -> Vec<Shape> {
    let mut out = Vec::new();
    patterned_line(
        &mut out,
        vec![rect.left_center(), rect.right_center()],
        stroke,
        pattern,
    );
    out
}

/// The "schematic alignment" symbol: a line sample drawn faded, as schematic lines are.
pub fn schematic_swatch_shapes(rect: Rect) -> Vec<Shape> {
    line_swatch_shapes(
        rect,
        Stroke::new(2.5, Color32::from_gray(60).gamma_multiply(SCHEMATIC_ALPHA)),
        LinePattern::Solid,
    )
}

/// The "estimated position" symbol: a marker in a dotted halo.
pub fn estimate_swatch_shapes(center: Pos2) -> Vec<Shape> {
    let mut out = Shape::dotted_line(&circle_path(center, 7.5), palette::MARKER_EDGE, 3.0, 0.8);
    out.push(Shape::circle_filled(center, 4.0, Color32::from_gray(120)));
    out
}

/// A scale bar with its label whose left end is at `origin` (bottom-left of the bar), true at
/// the latitude of the view's centre, with a print scale ("1 : 2,000,000") after the label when
/// one is given. Returns the shapes and the bar.
pub fn scale_bar_shapes(
    painter: &egui::Painter,
    view: &View,
    origin: Pos2,
    max_width_pt: f64,
    ratio: Option<String>,
) -> (Vec<Shape>, crate::model::view::ScaleBar) {
    use crate::model::view::{LonLat, ScaleBar, metres_per_px};
    let c = view.rect.center();
    let center = LonLat::from_world(view.transform.to_world([f64::from(c.x), f64::from(c.y)]));
    let bar = ScaleBar::fit(
        metres_per_px(center.lat, view.transform.zoom()),
        max_width_pt,
    );
    let end = origin + egui::vec2(bar.width_px as f32, 0.0);
    let text = match ratio {
        Some(r) => format!("{}     {r}", bar.label()),
        None => bar.label(),
    };
    let label = painter.layout_no_wrap(
        text,
        egui::FontId::proportional(12.0),
        Color32::from_gray(30),
    );
    let panel = Rect::from_min_max(
        origin + egui::vec2(-6.0, -10.0 - label.size().y),
        Pos2::new(end.x.max(origin.x + label.size().x), end.y) + egui::vec2(8.0, 6.0),
    );
    let stroke = Stroke::new(2.0, Color32::from_gray(40));
    let shapes = vec![
        Shape::rect_filled(panel, 3.0, Color32::from_white_alpha(210)),
        Shape::line_segment([origin, end], stroke),
        Shape::line_segment([origin, origin + egui::vec2(0.0, -6.0)], stroke),
        Shape::line_segment([end, end + egui::vec2(0.0, -6.0)], stroke),
        Shape::galley(
            origin + egui::vec2(0.0, -8.0 - label.size().y),
            label,
            Color32::from_gray(30),
        ),
    ];
    (shapes, bar)
}

/// A north arrow centred at `center` (north is up in Web Mercator).
pub fn north_arrow_shapes(painter: &egui::Painter, center: Pos2, size: f32) -> Vec<Shape> {
    let dark = Color32::from_gray(40);
    let tip = center + egui::vec2(0.0, -size / 2.0);
    let left = center + egui::vec2(-size / 4.0, size / 2.0);
    let right = center + egui::vec2(size / 4.0, size / 2.0);
    let notch = center + egui::vec2(0.0, size / 4.0);
    let n = painter.layout_no_wrap("N".into(), egui::FontId::proportional(size * 0.45), dark);
    vec![
        Shape::circle_filled(
            center + egui::vec2(0.0, -size * 0.1),
            size * 0.75,
            Color32::from_white_alpha(210),
        ),
        Shape::convex_polygon(vec![tip, notch, left], dark, Stroke::NONE),
        Shape::convex_polygon(
            vec![tip, right, notch],
            Color32::WHITE,
            Stroke::new(1.0, dark),
        ),
        Shape::galley(
            tip - egui::vec2(n.size().x / 2.0, n.size().y + 1.0),
            n,
            dark,
        ),
    ]
}

#[cfg(test)]
mod clip_tests {
    use super::*;

    #[test]
    fn polylines_are_cut_to_the_box() {
        let r = Rect::from_min_max(Pos2::new(0.0, 0.0), Pos2::new(10.0, 10.0));
        // In, out, back in: two runs, each ending on the edge.
        let runs = clip_polyline(
            &[
                Pos2::new(5.0, 5.0),
                Pos2::new(15.0, 5.0),
                Pos2::new(15.0, 8.0),
                Pos2::new(5.0, 8.0),
            ],
            r,
        );
        assert_eq!(
            runs,
            vec![
                vec![Pos2::new(5.0, 5.0), Pos2::new(10.0, 5.0)],
                vec![Pos2::new(10.0, 8.0), Pos2::new(5.0, 8.0)],
            ]
        );
        assert!(clip_polyline(&[Pos2::new(20.0, 20.0), Pos2::new(30.0, 20.0)], r).is_empty());
        // A line zoomed in a million times is still a handful of dashes.
        let mut out = Vec::new();
        patterned_line(
            &mut out,
            vec![Pos2::new(-1e9, 100.0), Pos2::new(1e9, 100.0)],
            Stroke::new(2.0, Color32::BLACK),
            LinePattern::Dashed,
        );
        assert!(out.len() < 5000, "{} dashes", out.len());
    }

    #[test]
    fn a_line_turning_back_on_itself_tessellates_to_numbers() {
        // A line from a fuzzed vector tile: its third point goes straight back along the
        // second segment; and a point given three times.
        let s = 4096.0;
        let back = [
            Pos2::new(0.690_673_8 * s, 0.318_115_23 * s),
            Pos2::new(0.691_650_4 * s, 0.317_138_67 * s),
            Pos2::new(0.690_185_55 * s, 0.318_603_52 * s),
            Pos2::new(0.7 * s, 0.33 * s),
        ];
        let three = [
            Pos2::new(1.0, 1.0),
            Pos2::new(5.0, 1.0),
            Pos2::new(5.0, 1.0),
            Pos2::new(5.0, 1.0),
            Pos2::new(5.0, 9.0),
        ];
        for pts in [&back[..], &three[..]] {
            let runs = tidy_polyline(pts);
            let kept: usize = runs.iter().map(Vec::len).sum();
            assert!(kept >= 3, "the line is kept: {runs:?}");
            for feathering in [true, false] {
                let options = egui::epaint::TessellationOptions {
                    feathering,
                    ..Default::default()
                };
                let mut t = egui::epaint::Tessellator::new(2.0, options, [1, 1], Vec::new());
                let mut mesh = egui::Mesh::default();
                let mut shapes = Vec::new();
                patterned_line(
                    &mut shapes,
                    pts.to_vec(),
                    Stroke::new(1.5, egui::Color32::RED),
                    LinePattern::Solid,
                );
                for shape in shapes {
                    t.tessellate_shape(shape, &mut mesh);
                }
                assert!(!mesh.vertices.is_empty());
                assert!(
                    mesh.vertices
                        .iter()
                        .all(|v| v.pos.x.is_finite() && v.pos.y.is_finite()),
                    "a vertex is not a number"
                );
            }
        }
    }
}

#[cfg(test)]
mod badge_tests {
    use super::*;

    fn marker_at(x: f32, y: f32) -> BoxPx {
        BoxPx::around([x, y], 5.0)
    }

    #[test]
    fn drawn_markers_are_made_once_and_moved_with_their_image() {
        // Ten projects at Gwadar, three at Islamabad, and a dense layer of pairs: held as a
        // grid, the largest stacks badged.
        let mut boxes: Vec<BoxPx> = std::iter::repeat_n(marker_at(100.0, 400.0), 10)
            .chain(std::iter::repeat_n(marker_at(600.0, 120.0), 3))
            .collect();
        for i in 0..5000 {
            let at = marker_at(f32::from(i as u16 % 500), f32::from(i as u16 / 500) + 500.0);
            boxes.extend([at, at]);
        }
        let drawn = DrawnMarkers::of(boxes);
        assert!(drawn.reserved.is_grid(), "10 013 markers held as a grid");
        let moved = drawn.mapped(2.0, [10.0, -5.0]);
        let gwadar = moved.stacks.iter().find(|s| s.count == 10).expect("Gwadar");
        assert_eq!((gwadar.at_pt, gwadar.radius_pt), ([210.0, 795.0], 10.0));
        assert!(moved.reserved.overlaps(&BoxPx {
            min: [205.0, 790.0],
            max: [215.0, 800.0],
        }));
        assert!(!moved.reserved.overlaps(&BoxPx {
            min: [205.0, 20.0],
            max: [215.0, 30.0],
        }));
    }
}
