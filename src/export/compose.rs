//! The composed briefing image, drawn with egui's painter: classification lines, title and
//! subtitle, the map (through the same [`paint_map`] as the screen), scale bar, north arrow,
//! legend, and a footer with sources, attribution, disclaimer and date.

use egui::{Align2, Color32, FontId, Painter, Pos2, Rect, Shape, Stroke, vec2};

use crate::model::label_language::LabelLanguage;
use crate::model::layout::{Composition, PageLayout, RectPt, layout};
use crate::model::legend::{Legend, Term, legend_for};
use crate::model::style::LinePattern;
use crate::model::view::{ScaleBar, ScreenTransform, zoom_to_fit};
use crate::model::views::ViewSpec;
use crate::render::bidi::visual;
use crate::render::{
    BasemapDraw, Scene, View, color32, estimate_swatch_shapes, line_swatch_shapes,
    north_arrow_shapes, paint_map, palette, scale_bar_shapes, schematic_swatch_shapes,
    swatch_shapes,
};
use crate::tiles::source::{TileAddress, TileSourceSpec};

/// What to compose.
#[derive(Clone, Debug, PartialEq)]
pub struct BriefingRequest {
    /// The area the map shows.
    pub view: ViewSpec,
    /// Page size in points (the image is `size_pt × scale` pixels).
    pub size_pt: [f32; 2],
    /// Pixels per point: 1–4.
    pub scale: f32,
    /// Title, subtitle and what to show.
    pub composition: Composition,
    /// Attribution lines of every source drawn (basemap data, tiles).
    pub attribution: Vec<String>,
    /// The date line, e.g. "29 November 2026".
    pub date: String,
    /// Tiles under the layers instead of the offline basemap: raster, or vector (drawn in the
    /// atlas style over the offline basemap's areas).
    pub tiles: Option<TileSourceSpec>,
    /// Without tiles: the vector pack whose OpenStreetMap detail the offline atlas draws from
    /// [`crate::tiles::vector::DETAIL_FROM_ZOOM`] on (the one in `maps/`).
    pub detail: Option<std::path::PathBuf>,
    /// With tiles: the offline basemap's boundaries and labels drawn over them.
    pub hybrid: bool,
    /// With tiles: their opacity over the offline basemap (1: opaque).
    pub tile_opacity: f32,
}

/// The attribution lines of what a map draws: the tiles' and, where the offline basemap shows
/// (no tiles, see-through tiles, or its boundaries over them), the basemap's.
pub fn attribution_lines(
    tiles: Option<&TileSourceSpec>,
    hybrid: bool,
    tile_opacity: f32,
) -> Vec<String> {
    let basemap = crate::io::basemap_assets::BASEMAP_ATTRIBUTION.to_string();
    match tiles {
        None => vec![basemap],
        Some(t) if hybrid || tile_opacity < 1.0 => vec![t.attribution.clone(), basemap],
        Some(t) => vec![t.attribution.clone()],
    }
}

/// What the composition ended up showing (for messages and tests).
#[derive(Clone, Debug)]
pub struct ComposeInfo {
    /// The map's view.
    pub view: View,
    /// The page layout, in points.
    pub layout: PageLayout,
    /// The legend and footnote content.
    pub legend: Legend,
    /// The scale bar drawn, if any.
    pub scale_bar: Option<ScaleBar>,
    /// The tiles in view, and whether each was really loaded (not a placeholder).
    pub tiles: Vec<(TileAddress, bool)>,
}

const INK: Color32 = Color32::from_rgb(0x22, 0x22, 0x26);
const MUTED: Color32 = Color32::from_rgb(0x5A, 0x5A, 0x62);
const CLASSIFICATION: Color32 = Color32::from_rgb(0xA0, 0x10, 0x10);

fn rect(r: RectPt) -> Rect {
    Rect::from_min_size(Pos2::new(r.x, r.y), vec2(r.w, r.h))
}

/// The map's view for a request, in a map frame of `map`.
pub fn map_view(spec: ViewSpec, map: Rect, pixels_per_point: f32) -> View {
    let (center, zoom) = match spec {
        ViewSpec::Fit(r) => (
            r.center(),
            zoom_to_fit(r, [f64::from(map.width()), f64::from(map.height())], 8.0).clamp(1.0, 18.0),
        ),
        ViewSpec::Center { center, zoom } => (center.to_world(), zoom),
    };
    View {
        transform: ScreenTransform::new(
            center,
            zoom,
            [f64::from(map.center().x), f64::from(map.center().y)],
        ),
        rect: map,
        pixels_per_point,
    }
}

/// The footnote lines, top to bottom; `vector_credit`: the attribution of vector tiles drawn
/// (added unless the request already names it).
fn footnote(
    legend: &Legend,
    c: &Composition,
    req: &BriefingRequest,
    vector_credit: Option<&str>,
) -> Vec<(String, Color32)> {
    let mut lines = Vec::new();
    if c.attribution {
        const SHOWN: usize = 12;
        let pubs = &legend.publications;
        if !pubs.is_empty() {
            let mut text = pubs
                .iter()
                .take(SHOWN)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if pubs.len() > SHOWN {
                text.push_str(&format!(" and {} more", pubs.len() - SHOWN));
            }
            lines.push((
                format!(
                    "Sources of the {} features shown: {text}.",
                    legend.feature_count()
                ),
                MUTED,
            ));
        }
        use crate::model::units::group_thousands;
        if legend.has_estimates() {
            lines.push((
                format!(
                    "{} of the positions shown are estimates (confidence C, ±5–15 km), drawn with a dotted halo; none is a survey.",
                    group_thousands(legend.by_confidence[2] as f64)
                ),
                CLASSIFICATION,
            ));
        }
        if legend.not_stated > 0 {
            lines.push((
                format!(
                    "{} of the positions shown come from files that state no accuracy (no confidence grade): unverified, not estimates.",
                    group_thousands(legend.not_stated as f64)
                ),
                MUTED,
            ));
        }
        for a in &req.attribution {
            lines.push((a.clone(), MUTED));
        }
        if let Some(credit) = vector_credit
            && !req.attribution.iter().any(|a| a.contains(credit))
        {
            lines.push((credit.to_string(), MUTED));
        }
        for credit in &legend.credits {
            lines.push((credit.clone(), MUTED));
        }
    }
    let mut last = Vec::new();
    if c.disclaimer {
        last.push("Boundaries are not authoritative.".to_string());
    }
    if c.date {
        last.push(format!("Produced {} with Corridor Viewer.", req.date));
    }
    if !last.is_empty() {
        lines.push((last.join("  "), INK));
    }
    lines
}

/// Draw the whole page; raster `tiles` are drawn under the layers when the request has a
/// raster source, the `vector` frame (prepared for this page's map view) over the offline
/// basemap's areas when it has vector tiles or OpenStreetMap detail. With `layers` the
/// thematic layers come from that background render (the screen's path: see
/// [`crate::render::batch`]), shown once it has finished; without, they are drawn as shapes.
pub fn compose(
    painter: &Painter,
    scene: &Scene<'_>,
    req: &BriefingRequest,
    tiles: Option<&mut dyn walkers::Tiles>,
    vector: Option<&crate::tiles::vector::VectorFrame>,
    layers: Option<&mut crate::render::batch::LayerBatch>,
) -> ComposeInfo {
    let c = &req.composition;
    let [w, h] = req.size_pt;
    painter.rect_filled(
        Rect::from_min_size(Pos2::ZERO, vec2(w, h)),
        0.0,
        Color32::WHITE,
    );

    // The footer's height depends on its text; the legend on what the map shows. Lay out with
    // a provisional footer to find the map, then again with the real one.
    let small = FontId::proportional(10.5);
    let footer_w = w - 2.0 * crate::model::layout::MARGIN_PT;
    // Header: title, then the subtitle wrapped to the page width.
    let title = painter.layout_no_wrap(
        visual(&c.title).into_owned(),
        FontId::proportional(22.0),
        INK,
    );
    let subtitle = (!c.subtitle.trim().is_empty()).then(|| {
        painter.layout(
            visual(&c.subtitle).into_owned(),
            FontId::proportional(13.0),
            MUTED,
            footer_w,
        )
    });
    let header_h = title.size().y + subtitle.as_ref().map_or(0.0, |g| g.size().y + 4.0);
    let provisional = layout(req.size_pt, c, header_h, 40.0);
    // A fixed print scale keeps the view's centre and sets its zoom.
    let spec = c.map_scale.map_or(req.view, |s| {
        crate::model::print_scale::view_at_scale(req.view, s)
    });
    let legend = legend_for(
        scene.layers,
        scene.categories,
        map_view(spec, rect(provisional.map), req.scale).visible_world(0.0),
        scene.labels,
    );
    let credit = vector
        .filter(|f| !f.tiles.is_empty())
        .map(|f| f.attribution.as_str());
    let galleys: Vec<_> = footnote(&legend, c, req, credit)
        .into_iter()
        .map(|(text, color)| painter.layout(text, small.clone(), color, footer_w))
        .collect();
    let footer_h: f32 = galleys
        .iter()
        .map(|g| g.size().y + 1.0)
        .sum::<f32>()
        .max(4.0);
    let l = layout(req.size_pt, c, header_h, footer_h);
    let view = map_view(spec, rect(l.map), req.scale);
    let legend = legend_for(
        scene.layers,
        scene.categories,
        view.visible_world(0.0),
        scene.labels,
    );

    for band in [l.classification_top, l.classification_bottom]
        .into_iter()
        .flatten()
    {
        let r = rect(band);
        painter.rect_filled(r, 0.0, Color32::from_rgb(0xFB, 0xEE, 0xEE));
        painter.text(
            r.center(),
            Align2::CENTER_CENTER,
            c.classification.trim(),
            FontId::proportional(13.0),
            CLASSIFICATION,
        );
    }

    // Header.
    let header = rect(l.header);
    let title_h = title.size().y;
    painter.galley(header.left_top(), title, INK);
    if let Some(sub) = subtitle {
        painter.galley(header.left_top() + vec2(0.0, title_h + 4.0), sub, MUTED);
    }

    // Map: tiles under the layers (over the offline basemap when see-through), or the
    // offline basemap.
    let opacity = req.tile_opacity.clamp(0.0, 1.0);
    let vector_tiles = req.tiles.as_ref().is_some_and(TileSourceSpec::is_vector);
    if vector_tiles {
        painter
            .with_clip_rect(view.rect)
            .extend(crate::render::basemap_area_shapes(scene.basemap, &view));
    } else if req.tiles.is_some() && opacity < 1.0 {
        painter
            .with_clip_rect(view.rect)
            .extend(crate::render::basemap_shapes(scene.basemap, &view));
    }
    let tile_status = match (tiles, &req.tiles) {
        _ if vector_tiles => vector.map(|f| f.status.clone()).unwrap_or_default(),
        (Some(t), Some(spec)) => crate::tiles::paint_tiles(
            painter,
            &view,
            t,
            (spec.min_zoom, spec.max_zoom),
            Color32::WHITE.gamma_multiply(opacity),
        ),
        _ => Vec::new(),
    };
    let basemap_draw = match (&req.tiles, req.hybrid) {
        (None, _) => BasemapDraw::Full,
        (Some(_), true) => BasemapDraw::Overlay,
        (Some(_), false) => BasemapDraw::Off,
    };
    let batches = layers.map(|b| crate::render::Batches {
        layers: b,
        generation: 1,
        tiles: None,
    });
    paint_map(painter, scene, &view, None, basemap_draw, vector, batches);
    let map = view.rect;
    let mut scale_bar = None;
    if c.scale_bar {
        let (shapes, bar) = scale_bar_shapes(
            painter,
            &view,
            map.left_bottom() + vec2(14.0, -12.0),
            (f64::from(map.width()) * 0.25).min(180.0),
            c.map_scale.map(crate::model::print_scale::scale_label),
        );
        painter.with_clip_rect(map).extend(shapes);
        scale_bar = Some(bar);
    }
    if c.north_arrow {
        painter.with_clip_rect(map).extend(north_arrow_shapes(
            painter,
            map.right_top() + vec2(-26.0, 34.0),
            28.0,
        ));
    }
    painter.rect_stroke(
        map,
        0.0,
        Stroke::new(1.0, Color32::from_gray(110)),
        egui::StrokeKind::Inside,
    );

    if let Some(panel) = l.legend {
        legend_panel(
            painter,
            rect(panel),
            &legend,
            req.tiles.is_none() || req.hybrid,
            scene.labels,
        );
    }

    // Footer.
    let mut y = l.footer.y;
    for g in galleys {
        let gh = g.size().y;
        painter.galley(Pos2::new(l.footer.x, y), g, MUTED);
        y += gh + 1.0;
    }

    ComposeInfo {
        view,
        layout: l,
        legend,
        scale_bar,
        tiles: tile_status,
    }
}

fn legend_panel(
    painter: &Painter,
    panel: Rect,
    legend: &Legend,
    basemap: bool,
    language: LabelLanguage,
) {
    // Draw at full size if it fits, else shrink everything by the same factor (not below 60 %).
    let rows = |k, draw| legend_rows(painter, panel, legend, basemap, language, k, draw);
    let needed = rows(1.0, false);
    let k = if needed > panel.height() {
        (panel.height() / needed).max(0.6)
    } else {
        1.0
    };
    rows(k, true);
}

/// Lay out (and, if `draw`, paint) the legend at size factor `k`; returns its height. The
/// basemap's symbols are listed only when the offline basemap is drawn.
fn legend_rows(
    painter: &Painter,
    panel: Rect,
    legend: &Legend,
    basemap: bool,
    language: LabelLanguage,
    k: f32,
    draw: bool,
) -> f32 {
    let painter = painter.with_clip_rect(panel);
    let swatch = vec2(28.0, 14.0) * k;
    let font = FontId::proportional(12.0 * k);
    let mut y = panel.top() + 2.0;
    // Each line in visual order (right-to-left names are short: rows are not expected to wrap).
    let lines = |text: &str| visual(text).into_owned();
    let heading = |text: &str, y: &mut f32| {
        let g = painter.layout_no_wrap(lines(text), FontId::proportional(13.5 * k), INK);
        let line_count = g.rows.len().max(1) as f32;
        if draw {
            painter.galley(Pos2::new(panel.left(), *y), g, INK);
        }
        *y += 20.0 * k * line_count;
    };
    let row = |shapes: Vec<Shape>, text: &str, y: &mut f32| {
        let g = painter.layout(
            lines(text),
            font.clone(),
            INK,
            panel.width() - swatch.x - 8.0,
        );
        let gh = g.size().y;
        if draw {
            painter.extend(shapes);
            painter.galley(Pos2::new(panel.left() + swatch.x + 8.0, *y), g, INK);
        }
        *y += gh.max(swatch.y) + 5.0 * k;
    };
    let slot = |y: f32| Rect::from_min_size(Pos2::new(panel.left(), y), swatch);

    heading(Term::Legend.text(language), &mut y);
    for layer in &legend.layers {
        if layer.classes.is_empty() {
            row(
                swatch_shapes(slot(y), color32(layer.color), LinePattern::Solid, false),
                &layer.title,
                &mut y,
            );
            continue;
        }
        heading(&layer.title, &mut y);
        for (label, color) in &layer.classes {
            row(
                swatch_shapes(slot(y), color32(*color), LinePattern::Solid, false),
                label,
                &mut y,
            );
        }
    }
    if !legend.classes.is_empty() {
        y += 4.0 * k;
        heading(Term::Status.text(language), &mut y);
        for class in &legend.classes {
            let hollow = class.pattern != LinePattern::Solid;
            row(
                swatch_shapes(slot(y), Color32::from_gray(70), class.pattern, hollow),
                &class.label,
                &mut y,
            );
        }
    }
    if legend.has_estimates() {
        row(
            estimate_swatch_shapes(slot(y).center()),
            Term::EstimatedPosition.text(language),
            &mut y,
        );
    }
    if legend.schematic > 0 {
        row(
            schematic_swatch_shapes(slot(y)),
            Term::SchematicAlignment.text(language),
            &mut y,
        );
    }
    if !basemap {
        return y - panel.top();
    }
    y += 4.0 * k;
    heading(Term::Basemap.text(language), &mut y);
    let border = Stroke::new(1.4, palette::BORDER);
    row(
        line_swatch_shapes(slot(y), border, LinePattern::Solid),
        Term::InternationalBoundary.text(language),
        &mut y,
    );
    row(
        line_swatch_shapes(slot(y), border, LinePattern::Dashed),
        Term::DisputedBoundary.text(language),
        &mut y,
    );
    row(
        line_swatch_shapes(
            slot(y),
            Stroke::new(0.9, palette::PROVINCE),
            LinePattern::Solid,
        ),
        Term::Province.text(language),
        &mut y,
    );
    y - panel.top()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_footnote_keeps_estimates_and_unstated_accuracy_apart() {
        use crate::model::layer::{Feature, Layer, LayerOrigin};
        use crate::model::style::LayerStyle;
        use crate::model::view::{LonLat, WorldRect};
        let point = |lon: f64, grade: Option<&str>| {
            let mut props = serde_json::Map::new();
            if let Some(g) = grade {
                props.insert("confidence".into(), g.into());
            }
            Feature::new("f", props, Some(geo::point!(x: lon, y: 30.0).into()))
        };
        let file = |features| {
            Layer::new(
                "f",
                "File",
                LayerOrigin::Catalog,
                LayerStyle::default(),
                features,
            )
        };
        let req = BriefingRequest {
            view: ViewSpec::Center {
                center: LonLat::new(70.0, 30.0),
                zoom: 6.0,
            },
            size_pt: [800.0, 600.0],
            scale: 1.0,
            composition: Composition::default(),
            attribution: Vec::new(),
            date: "1 January 2026".into(),
            tiles: None,
            detail: None,
            hybrid: false,
            tile_opacity: 1.0,
        };
        let all = WorldRect::from_lon_lat(LonLat::new(60.0, 25.0), LonLat::new(80.0, 35.0));
        let text = |layers: &[Layer]| {
            let legend = legend_for(layers, None, all, LabelLanguage::English);
            footnote(&legend, &req.composition, &req, None)
                .into_iter()
                .map(|(t, _)| t)
                .collect::<Vec<_>>()
                .join("\n")
        };
        // A file that states no accuracy: no estimate is claimed.
        let ungraded = text(&[file(
            (0..1200)
                .map(|i| point(65.0 + f64::from(i) / 100.0, None))
                .collect(),
        )]);
        assert!(!ungraded.contains("estimates (confidence C"), "{ungraded}");
        assert!(
            ungraded
                .contains("1,200 of the positions shown come from files that state no accuracy"),
            "{ungraded}"
        );
        // Estimates are counted as estimates, the unknown apart.
        let mixed = text(&[file(vec![
            point(65.0, Some("C")),
            point(66.0, Some("C")),
            point(67.0, None),
        ])]);
        assert!(
            mixed.contains("2 of the positions shown are estimates"),
            "{mixed}"
        );
        assert!(
            mixed.contains("1 of the positions shown come from files that state no accuracy"),
            "{mixed}"
        );
    }

    #[test]
    fn every_source_drawn_is_credited() {
        let osm = TileSourceSpec::openstreetmap();
        let basemap = crate::io::basemap_assets::BASEMAP_ATTRIBUTION;
        assert_eq!(attribution_lines(None, false, 1.0), [basemap]);
        assert_eq!(
            attribution_lines(Some(&osm), false, 1.0),
            [osm.attribution.as_str()]
        );
        assert_eq!(
            attribution_lines(Some(&osm), true, 1.0),
            [osm.attribution.as_str(), basemap]
        );
        assert_eq!(
            attribution_lines(Some(&osm), false, 0.5),
            [osm.attribution.as_str(), basemap]
        );
    }
}
