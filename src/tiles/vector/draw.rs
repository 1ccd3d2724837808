//! A decoded vector tile turned into something to paint: one mesh of its fills and lines,
//! tessellated once for a draw zoom (in the tile's own points, moved and scaled to the view
//! each frame), the labels it offers, and the features a click can inspect. Then, each frame,
//! the tiles in view painted clipped to their squares and their labels placed across tile
//! edges without duplicates or overlaps.

use std::sync::Arc;

use egui::epaint::{Mesh, Shape, Stroke, TessellationOptions, Tessellator, Vertex};
use egui::{Color32, Pos2, Rect};

use super::decode::{TileFeature, TileGeometry, TilePoint, VectorTile};
use super::schema::{Kind, Schema, also, kind, name};
use super::style::{LabelStyle, StyleContext, Symbol, symbols};
use crate::model::labels::{BoxPx, Reserved};
use crate::model::view::{WorldPos, WorldRect};
use crate::render::{View, color32};
use crate::tiles::source::TileAddress;

/// A label a tile offers: its text, where (tile units) and how it looks.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelSeed {
    /// The text: the Latin name where the tile has one.
    pub text: String,
    /// The local name in another script (OpenStreetMap's `name`, "کراچی" beside "Karachi"),
    /// for the labels in Urdu and in English with local names.
    pub local: Option<String>,
    /// The anchor in tile units.
    pub at: TilePoint,
    /// Its look and priority.
    pub style: LabelStyle,
}

/// A feature a click can inspect: roads, railways, points of interest, aeroways.
#[derive(Clone, Debug, PartialEq)]
pub struct Pickable {
    /// The tile layer it comes from.
    pub layer: String,
    /// The feature, in tile units.
    pub feature: TileFeature,
}

/// A tile ready to paint at one draw zoom.
#[derive(Debug, Default)]
pub struct TileArt {
    /// Fills and lines, in points from the tile's top-left corner, the tile being
    /// [`TileArt::size_pt`] across.
    pub mesh: Mesh,
    /// The tile's width in points at the draw zoom.
    pub size_pt: f32,
    /// Labels, best first.
    pub labels: Vec<LabelSeed>,
    /// Inspectable features.
    pub picks: Vec<Pickable>,
    /// The tile's schema.
    pub schema: Option<Schema>,
    /// Bytes held (mesh, labels, picks), for the cache's bound.
    pub bytes: usize,
}

/// The width in points of a tile of zoom `tile_z` drawn at zoom `draw_zoom`.
pub fn tile_size_pt(tile_z: u8, draw_zoom: u8) -> f32 {
    256.0 * 2f32.powi(i32::from(draw_zoom) - i32::from(tile_z))
}

/// Layers whose features a click may inspect.
fn pickable_layer(layer: &str) -> bool {
    matches!(
        layer,
        "transportation"
            | "transportation_name"
            | "poi"
            | "aeroway"
            | "aerodrome_label"
            | "mountain_peak"
            | "roads"
            | "pois"
            | "transit"
    )
}

/// Prepare a decoded tile for painting at `ctx.zoom`, for a screen (or page) of
/// `pixels_per_point`; `feathering`: anti-aliased edges (off for vector pages).
pub fn prepare(
    tile: &VectorTile,
    addr: TileAddress,
    ctx: StyleContext,
    pixels_per_point: f32,
    feathering: bool,
) -> TileArt {
    let schema = Schema::of_tile(tile);
    let size_pt = tile_size_pt(addr.z, ctx.zoom);
    let mut shapes: Vec<(u16, usize, Shape)> = Vec::new();
    let mut labels = Vec::new();
    let mut picks = Vec::new();
    let scale = |p: &TilePoint| Pos2::new(p[0] * size_pt, p[1] * size_pt);
    for layer in &tile.layers {
        for f in &layer.features {
            let Some(main) = kind(schema, &layer.name, f) else {
                continue;
            };
            let extra = also(schema, &main);
            let syms: Vec<_> = std::iter::once(main)
                .chain(extra)
                .flat_map(|k| symbols(&k, ctx).into_iter().map(move |s| (k.clone(), s)))
                .collect();
            if syms.is_empty() {
                continue;
            }
            if pickable_layer(&layer.name) {
                picks.push(Pickable {
                    layer: layer.name.clone(),
                    feature: f.clone(),
                });
            }
            for (k, (order, sym)) in syms {
                let seq = shapes.len();
                match sym {
                    Symbol::Fill(c) => {
                        if let TileGeometry::Polygons(polys) = &f.geometry {
                            let mut mesh = Mesh::default();
                            for rings in polys {
                                fill(&mut mesh, rings, size_pt, color32(c));
                            }
                            shapes.push((order, seq, Shape::mesh(mesh)));
                        }
                    }
                    Symbol::Line {
                        color,
                        width_pt,
                        dash,
                    } => {
                        let stroke = Stroke::new(width_pt, color32(color));
                        let runs: Vec<Vec<Pos2>> = match &f.geometry {
                            TileGeometry::Lines(lines) => lines
                                .iter()
                                .map(|l| l.iter().map(scale).collect())
                                .collect(),
                            TileGeometry::Polygons(polys) => polys
                                .iter()
                                .flatten()
                                .map(|r| r.iter().map(scale).collect())
                                .collect(),
                            TileGeometry::Points(_) => Vec::new(),
                        };
                        for run in runs.iter().flat_map(|r| crate::render::tidy_polyline(r)) {
                            match dash {
                                None => shapes.push((order, seq, Shape::line(run, stroke))),
                                Some([d, g]) => {
                                    for s in Shape::dashed_line(&run, stroke, d, g) {
                                        shapes.push((order, seq, s));
                                    }
                                }
                            }
                        }
                    }
                    Symbol::Label(style) => {
                        if let Some(seed) = label_seed(f, &k, style) {
                            labels.push(seed);
                        }
                    }
                }
            }
        }
    }
    // Draw order, then the tile's order within one.
    shapes.sort_by_key(|(order, seq, _)| (*order, *seq));
    let options = TessellationOptions {
        feathering,
        ..TessellationOptions::default()
    };
    let mut tessellator = Tessellator::new(pixels_per_point, options, [1, 1], Vec::new());
    let mut mesh = Mesh::default();
    for (_, _, shape) in shapes {
        tessellator.tessellate_shape(shape, &mut mesh);
    }
    labels.sort_by(|a: &LabelSeed, b| b.style.priority.total_cmp(&a.style.priority));
    mesh.vertices.shrink_to_fit();
    mesh.indices.shrink_to_fit();
    let bytes = mesh.vertices.capacity() * std::mem::size_of::<Vertex>()
        + mesh.indices.capacity() * 4
        + labels
            .iter()
            .map(|l| {
                l.text.capacity()
                    + l.local.as_ref().map_or(0, String::capacity)
                    + std::mem::size_of::<LabelSeed>()
            })
            .sum::<usize>()
        + picks.iter().map(pick_bytes).sum::<usize>();
    TileArt {
        mesh,
        size_pt,
        labels,
        picks,
        schema: Some(schema),
        bytes,
    }
}

/// Bytes a pickable feature holds (geometry, properties), near enough for the cache's bound.
fn pick_bytes(p: &Pickable) -> usize {
    let points = match &p.feature.geometry {
        TileGeometry::Points(v) => v.len(),
        TileGeometry::Lines(v) => v.iter().map(|l| l.len() + 3).sum(),
        TileGeometry::Polygons(v) => v.iter().flatten().map(|r| r.len() + 3).sum(),
    };
    let properties: usize = p
        .feature
        .properties
        .iter()
        .map(|(k, v)| k.capacity() + v.to_text().len() + 48)
        .sum();
    std::mem::size_of::<Pickable>() + points * std::mem::size_of::<TilePoint>() + properties
}

/// A polygon (outer ring, then holes) filled through the model's triangulation (earcutr),
/// appended to `mesh`; rings of fewer than three points are left out (an outer one: nothing).
fn fill(mesh: &mut Mesh, rings: &[Vec<TilePoint>], size_pt: f32, color: Color32) {
    use crate::model::triangulate::{open_ring, triangulate};
    let rings: Vec<Vec<WorldPos>> = rings
        .iter()
        .map(|r| {
            open_ring(
                r.iter()
                    .map(|p| WorldPos::new(f64::from(p[0]), f64::from(p[1])))
                    .collect(),
            )
        })
        .enumerate()
        .filter(|(i, r)| *i == 0 || r.len() >= 3)
        .map(|(_, r)| r)
        .collect();
    let triangles = triangulate(&rings);
    if triangles.is_empty() {
        return;
    }
    let base = mesh.vertices.len() as u32;
    mesh.vertices.extend(rings.iter().flatten().map(|p| Vertex {
        pos: Pos2::new(p.x as f32 * size_pt, p.y as f32 * size_pt),
        uv: egui::epaint::WHITE_UV,
        color,
    }));
    mesh.indices.extend(triangles.into_iter().map(|i| base + i));
}

/// Where and what a feature's label says.
fn label_seed(f: &TileFeature, k: &Kind, style: LabelStyle) -> Option<LabelSeed> {
    let mut style = style;
    let text = match k {
        Kind::RoadName { .. } => match f.text("ref").filter(|r| !r.trim().is_empty()) {
            // Several numbers on one road ("N-5;N-35"): the first.
            Some(r) => r.split(';').next().unwrap_or(r).trim().to_string(),
            // No number: the road's name, not on a shield.
            None => {
                style.shield = false;
                name(f)?.to_string()
            }
        },
        Kind::Peak => match (name(f), f.number("ele")) {
            (Some(n), Some(e)) => format!("{n} {e:.0} m"),
            (Some(n), None) => n.to_string(),
            (None, _) => return None,
        },
        _ => name(f)?.to_string(),
    };
    // The local name where it is written in another script than the label's.
    let local = match k {
        Kind::RoadName { .. } | Kind::Peak => None,
        _ => f
            .text("name")
            .map(str::trim)
            .filter(|n| *n != text && !crate::model::label_language::is_latin(n))
            .map(str::to_string),
    };
    let text = if style.caps { spaced_caps(&text) } else { text };
    let at = anchor(&f.geometry)?;
    // Labels whose anchor is in the buffer belong to the neighbouring tile.
    if !(0.0..1.0).contains(&at[0]) || !(0.0..1.0).contains(&at[1]) {
        return None;
    }
    Some(LabelSeed {
        text,
        local,
        at,
        style,
    })
}

/// Capitals with a thin space between letters, as atlases write regions.
pub fn spaced_caps(text: &str) -> String {
    let upper = text.to_uppercase();
    let mut out = String::with_capacity(upper.len() * 2);
    for (i, c) in upper.chars().enumerate() {
        if i > 0 && c != ' ' {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    out
}

/// The anchor of a label: the point, the middle of the longest line, or the box's centre.
fn anchor(g: &TileGeometry) -> Option<TilePoint> {
    match g {
        TileGeometry::Points(p) => p.first().copied(),
        TileGeometry::Lines(lines) => {
            let len = |l: &Vec<TilePoint>| {
                l.windows(2)
                    .map(|w| (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1]))
                    .sum::<f32>()
            };
            let longest = lines.iter().max_by(|a, b| len(a).total_cmp(&len(b)))?;
            let half = len(longest) / 2.0;
            let mut run = 0.0;
            for w in longest.windows(2) {
                let d = (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1]);
                if run + d >= half && d > 0.0 {
                    let t = (half - run) / d;
                    return Some([
                        w[0][0] + (w[1][0] - w[0][0]) * t,
                        w[0][1] + (w[1][1] - w[0][1]) * t,
                    ]);
                }
                run += d;
            }
            longest.first().copied()
        }
        TileGeometry::Polygons(polys) => {
            let ring = polys.first()?.first()?;
            let (mut min, mut max) = ([f32::MAX; 2], [f32::MIN; 2]);
            for p in ring {
                min = [min[0].min(p[0]), min[1].min(p[1])];
                max = [max[0].max(p[0]), max[1].max(p[1])];
            }
            Some([(min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0])
        }
    }
}

/// A tile to paint this frame: its art and the part of the world it covers. A tile still
/// loading is stood in for by a ready ancestor, clipped to the missing tile's square.
#[derive(Clone, Debug)]
pub struct PlacedTile {
    /// The tile the art was made from.
    pub addr: TileAddress,
    /// The art.
    pub art: Arc<TileArt>,
    /// The square of the world it fills this frame (the tile's own, or a missing
    /// descendant's).
    pub clip: WorldRect,
}

/// The vector tiles of one frame, ready to paint.
#[derive(Clone, Debug, Default)]
pub struct VectorFrame {
    /// Tiles in view with art, bottom to top.
    pub tiles: Vec<PlacedTile>,
    /// Tiles in view and whether each has its own art (not an ancestor, not nothing).
    pub status: Vec<(TileAddress, bool)>,
    /// The source's attribution.
    pub attribution: String,
    /// Tiles in view still being prepared.
    pub waiting: usize,
    /// Tiles in view that could not be fetched (network).
    pub failed: usize,
}

/// The world square of a tile.
pub fn tile_world(addr: TileAddress) -> WorldRect {
    let n = f64::from(1u32 << addr.z);
    WorldRect {
        min: WorldPos::new(f64::from(addr.x) / n, f64::from(addr.y) / n),
        max: WorldPos::new(f64::from(addr.x + 1) / n, f64::from(addr.y + 1) / n),
    }
}

fn screen_rect(view: &View, w: WorldRect) -> Rect {
    Rect::from_min_max(view.pos(w.min), view.pos(w.max))
}

/// A placed tile's mesh moved and scaled to `view`, and the rectangle it is clipped to;
/// `None` when it is out of view.
pub fn placed_mesh(view: &View, t: &PlacedTile) -> Option<(Mesh, Rect)> {
    let square = screen_rect(view, tile_world(t.addr));
    let clip = screen_rect(view, t.clip).intersect(view.rect);
    if !clip.is_positive() || t.art.mesh.is_empty() {
        return None;
    }
    let k = square.width() / t.art.size_pt;
    let mut mesh = Mesh {
        indices: t.art.mesh.indices.clone(),
        vertices: t.art.mesh.vertices.clone(),
        texture_id: t.art.mesh.texture_id,
    };
    for v in &mut mesh.vertices {
        v.pos = square.min + v.pos.to_vec2() * k;
    }
    Some((mesh, clip))
}

/// Vertices of the frame's tiles: above [`MESH_FRAME_LIMIT`] a frame shows them as one image
/// rendered in the background instead of moving every mesh itself.
pub fn vertex_count(frame: &VectorFrame) -> usize {
    frame.tiles.iter().map(|t| t.art.mesh.vertices.len()).sum()
}

/// The most tile vertices a frame moves and hands to egui itself (about 2–3 ms here).
pub const MESH_FRAME_LIMIT: usize = 150_000;

/// What identifies the frame's tiles and their art: changes when a tile arrives or leaves.
pub fn generation(frame: &VectorFrame) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for t in &frame.tiles {
        t.addr.hash(&mut h);
        (Arc::as_ptr(&t.art) as usize).hash(&mut h);
    }
    h.finish()
}

/// The tiles' fills and lines, each clipped to its square.
pub fn paint_tiles(painter: &egui::Painter, view: &View, frame: &VectorFrame) {
    for t in &frame.tiles {
        if let Some((mesh, clip)) = placed_mesh(view, t) {
            painter.with_clip_rect(clip).add(Shape::mesh(mesh));
        }
    }
}

/// A label already on the map (the atlas's), which the tiles' labels must not repeat.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacedText {
    /// The place's English name (what it is known by in tests and reports).
    pub text: String,
    /// The text shown, in the labels' language (the English name, or another, or both).
    pub shown: String,
    /// Its anchor on screen.
    pub at: Pos2,
}

/// How the tiles' labels went this frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LabelReport {
    /// Labels drawn.
    pub drawn: usize,
    /// Labels left out because the fonts have no glyphs for their script.
    pub no_glyphs: usize,
    /// Names only in another script, left out of English labels.
    pub other_script: usize,
}

/// Distance within which the same text is one label (tile edges, the atlas's names), in
/// points.
const SAME_LABEL_PT: f32 = 160.0;

/// The tiles' labels, placed without duplicates across tile edges, never over another label,
/// a reserved box (markers, the atlas's labels) or one another. Returns the shapes and a
/// report.
pub fn label_shapes(
    painter: &egui::Painter,
    view: &View,
    frame: &VectorFrame,
    reserved: Reserved,
    already: &[PlacedText],
    language: crate::model::label_language::LabelLanguage,
) -> (Vec<Shape>, LabelReport) {
    let mut report = LabelReport::default();
    let bounds = BoxPx {
        min: [view.rect.min.x + 2.0, view.rect.min.y + 2.0],
        max: [view.rect.max.x - 2.0, view.rect.max.y - 2.0],
    };
    // Seeds on screen, best first, one per text nearby.
    let mut seeds: Vec<(Pos2, &LabelSeed)> = Vec::new();
    for t in &frame.tiles {
        let square = screen_rect(view, tile_world(t.addr));
        let clip = screen_rect(view, t.clip);
        for seed in &t.art.labels {
            let at = square.min + egui::vec2(seed.at[0], seed.at[1]) * square.width();
            if view.rect.contains(at) && clip.contains(at) {
                seeds.push((at, seed));
            }
        }
    }
    seeds.sort_by(|a, b| b.1.style.priority.total_cmp(&a.1.style.priority));
    // A name already on the map nearby, in English or as shown ("Gwadar" and "گوادر" from an
    // atlas label in Urdu), is not repeated.
    let mut kept: Vec<(Pos2, &str)> = already
        .iter()
        .flat_map(|p| [(p.at, p.text.as_str()), (p.at, p.shown.as_str())])
        .collect();
    let mut chosen: Vec<(Pos2, &LabelSeed, String)> = Vec::new();
    for (at, seed) in seeds {
        let names = || std::iter::once(seed.text.as_str()).chain(seed.local.as_deref());
        if kept.iter().any(|(p, text)| {
            text.lines().any(|line| names().any(|n| n == line)) && p.distance(at) < SAME_LABEL_PT
        }) {
            continue;
        }
        // English labels: a name OpenStreetMap has only in another script ("گوادر" where no
        // Latin name is mapped) is left to the other label languages.
        if !language.shows_local_script() && !crate::model::label_language::is_latin(&seed.text) {
            report.other_script += 1;
            continue;
        }
        kept.push((at, &seed.text));
        let shown = language.text(&seed.text, seed.local.as_deref(), None);
        chosen.push((at, seed, shown));
    }
    // Shields first, then the rest, each best first. Text the fonts cannot draw is left out
    // (and counted), never shown as boxes. A label is laid out only if a box a little smaller
    // than its text can be still fits somewhere: laying out hundreds of street names that
    // cannot be placed would cost a frame its budget.
    chosen.sort_by_key(|(_, seed, _)| !seed.style.shield);
    let mut out = Vec::new();
    let mut taken = reserved;
    let fits = |taken: &Reserved, b: &BoxPx| b.inside(&bounds) && !taken.overlaps(b);
    for (at, seed, shown) in chosen {
        let font = egui::FontId::proportional(seed.style.size_pt);
        if !painter.fonts_mut(|f| shown.lines().all(|line| f.has_glyphs(&font, line))) {
            report.no_glyphs += 1;
            continue;
        }
        let longest = shown.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        let guess = egui::vec2(
            longest as f32 * seed.style.size_pt * 0.3,
            shown.lines().count() as f32 * seed.style.size_pt * 0.8,
        );
        if !label_boxes(at, guess, &seed.style)
            .iter()
            .any(|(_, b)| fits(&taken, b))
        {
            continue;
        }
        let text = crate::render::bidi::visual(&shown).into_owned();
        let galley = painter.layout_no_wrap(text, font, color32(seed.style.color));
        let Some((pos, b)) = label_boxes(at, galley.size(), &seed.style)
            .into_iter()
            .find(|(_, b)| fits(&taken, b))
        else {
            continue;
        };
        taken.push(b);
        let color = color32(seed.style.color);
        if seed.style.shield {
            let rect = Rect::from_min_max(Pos2::from(b.min), Pos2::from(b.max));
            out.push(Shape::rect_filled(rect, 2.0, Color32::WHITE));
            out.push(Shape::rect_stroke(
                rect,
                2.0,
                Stroke::new(0.8, Color32::from_gray(120)),
                egui::StrokeKind::Inside,
            ));
            out.push(Shape::galley(pos, galley, color));
        } else {
            if seed.style.dot {
                out.push(Shape::circle_filled(at, 2.0, color));
            }
            for d in [[-1.0, 0.0], [1.0, 0.0], [0.0, -1.0], [0.0, 1.0]] {
                out.push(Shape::galley_with_override_text_color(
                    pos + egui::vec2(d[0], d[1]),
                    galley.clone(),
                    crate::render::palette::HALO,
                ));
            }
            out.push(Shape::galley(pos, galley, color));
        }
        report.drawn += 1;
    }
    (out, report)
}

/// Where a label of `size` may go around its anchor, in order of preference: the text's
/// top-left corner and the box it takes. A shield is centred on its road with a margin; a name
/// with a dot goes right, left, above or below it; an area's, water's or street's name is
/// centred on its anchor.
fn label_boxes(at: Pos2, size: egui::Vec2, style: &LabelStyle) -> Vec<(Pos2, BoxPx)> {
    let gap = 4.0;
    let (offsets, pad): (Vec<egui::Vec2>, egui::Vec2) = if style.shield {
        (vec![-size / 2.0], egui::vec2(3.0, 1.0))
    } else if style.dot {
        (
            vec![
                egui::vec2(gap, -size.y / 2.0),
                egui::vec2(-gap - size.x, -size.y / 2.0),
                egui::vec2(-size.x / 2.0, -gap - size.y),
                egui::vec2(-size.x / 2.0, gap),
            ],
            egui::Vec2::ZERO,
        )
    } else {
        (vec![-size / 2.0], egui::Vec2::ZERO)
    };
    offsets
        .into_iter()
        .map(|o| {
            let pos = at + o;
            let b = BoxPx {
                min: [pos.x - pad.x, pos.y - pad.y],
                max: [pos.x + size.x + pad.x, pos.y + size.y + pad.y],
            };
            (pos, b)
        })
        .collect()
}

/// The inspectable feature nearest `pos` within `tolerance_pt`, if any: its layer and
/// feature. A road of the OpenMapTiles schema has its name and number in another layer
/// (`transportation_name`): the nearest of those is merged in.
pub fn pick(frame: &VectorFrame, view: &View, pos: Pos2, tolerance_pt: f32) -> Option<Pickable> {
    let nearest = |names: bool| nearest_pick(frame, view, pos, tolerance_pt, names);
    match (nearest(false), nearest(true)) {
        (Some(mut road), Some(named)) => {
            for (k, v) in named.feature.properties {
                if road.feature.get(&k).is_none() {
                    road.feature.properties.push((k, v));
                }
            }
            road.feature.properties.sort_by(|a, b| a.0.cmp(&b.0));
            Some(road)
        }
        (one, other) => one.or(other),
    }
}

/// The nearest pickable feature of the name layers (`names`) or of the others.
fn nearest_pick(
    frame: &VectorFrame,
    view: &View,
    pos: Pos2,
    tolerance_pt: f32,
    names: bool,
) -> Option<Pickable> {
    let mut best: Option<(f32, &Pickable)> = None;
    for t in frame.tiles.iter().rev() {
        let clip = screen_rect(view, t.clip);
        if !clip.contains(pos) {
            continue;
        }
        let square = screen_rect(view, tile_world(t.addr));
        let k = square.width();
        let local = [(pos.x - square.min.x) / k, (pos.y - square.min.y) / k];
        let tol = tolerance_pt / k;
        for p in t
            .art
            .picks
            .iter()
            .filter(|p| (p.layer == "transportation_name") == names)
        {
            let d = distance(&p.feature.geometry, local);
            if d <= tol && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, p));
            }
        }
    }
    best.map(|(_, p)| p.clone())
}

fn distance(g: &TileGeometry, p: TilePoint) -> f32 {
    let seg = |a: TilePoint, b: TilePoint| {
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 {
            (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        (p[0] - a[0] - t * dx).hypot(p[1] - a[1] - t * dy)
    };
    let lines = |ls: &mut dyn Iterator<Item = &Vec<TilePoint>>| {
        ls.flat_map(|l| l.windows(2).map(|w| seg(w[0], w[1])))
            .fold(f32::INFINITY, f32::min)
    };
    match g {
        TileGeometry::Points(pts) => pts
            .iter()
            .map(|q| (q[0] - p[0]).hypot(q[1] - p[1]))
            .fold(f32::INFINITY, f32::min),
        TileGeometry::Lines(ls) => lines(&mut ls.iter()),
        TileGeometry::Polygons(polys) => {
            // Inside the outer ring counts as on it (aprons, runways drawn as areas).
            let inside = polys.iter().any(|rings| {
                rings.first().is_some_and(|ring| {
                    let mut inside = false;
                    for w in ring.windows(2) {
                        let (a, b) = (w[0], w[1]);
                        if (a[1] > p[1]) != (b[1] > p[1])
                            && p[0] < a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0])
                        {
                            inside = !inside;
                        }
                    }
                    inside
                })
            });
            if inside {
                0.0
            } else {
                lines(&mut polys.iter().flatten())
            }
        }
    }
}
