//! The map: walkers for panning, zooming and tiles; our draw batches on top; hover, click and
//! pick-list interaction; scale bar, attribution and disclaimer drawn into the map itself so
//! they are in every export.

use egui::{Color32, FontId, Pos2, Rect, Ui, vec2};
use walkers::{Map, Tiles};

use super::{Command, CorridorApp, pakistan_center};
use crate::io::basemap_assets::BASEMAP_ATTRIBUTION;
use crate::model::index::hit_test_layer;
use crate::model::label_language::LabelLanguage;
use crate::model::layer::Layer;
use crate::model::view::{LonLat, ScreenTransform};
use crate::render::{
    BasemapDraw, FeatureRef, Scene, View, basemap_area_shapes, basemap_shapes, paint_map,
    scale_bar_shapes,
};
use crate::tiles::health::Health;

/// Hit tolerance around lines and polygon edges, in points.
const HIT_TOLERANCE_PT: f64 = 5.0;

/// Disclaimer drawn on the map and every export.
pub const DISCLAIMER: &str = "Boundaries are not authoritative.";

/// Features under a screen position, top layer first, nearest first within a layer; a marker
/// spread around a point it shares is found where it is drawn (alone), the point itself still
/// gives all that share it.
pub fn features_at(layers: &[Layer], view: &View, pos: Pos2) -> Vec<FeatureRef> {
    let spread: Vec<FeatureRef> = crate::render::spread_at(layers, view)
        .into_iter()
        .filter(|((li, fi), offset)| {
            let Some(layer) = layers.get(*li) else {
                return false;
            };
            let radius = layer.style.point_radius_pt * 1.4;
            layer
                .features
                .get(*fi)
                .and_then(|f| f.single_point())
                .is_some_and(|w| (view.pos(w) + *offset).distance(pos) <= radius)
        })
        .map(|((layer, feature), _)| FeatureRef { layer, feature })
        .collect();
    if !spread.is_empty() {
        return spread;
    }
    let p = view
        .transform
        .to_world([f64::from(pos.x), f64::from(pos.y)]);
    let tol = view.transform.px_to_world(HIT_TOLERANCE_PT);
    layers
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, l)| l.visible)
        .flat_map(|(li, layer)| {
            let radius = view
                .transform
                .px_to_world(f64::from(layer.style.point_radius_pt) * 1.4);
            hit_test_layer(layer, p, tol, radius)
                .into_iter()
                .map(move |h| FeatureRef {
                    layer: li,
                    feature: h.feature,
                })
        })
        .collect()
}

/// The name of a feature in the labels' language, in visual order, for tooltips and lists.
pub fn feature_name(layers: &[Layer], r: FeatureRef, language: LabelLanguage) -> String {
    layers
        .get(r.layer)
        .and_then(|l| l.features.get(r.feature))
        .map_or_else(
            || "?".into(),
            |f| crate::render::bidi::visual(&f.name_in(language)).into_owned(),
        )
}

pub(super) fn map_ui(app: &mut CorridorApp, ui: &mut Ui, commands: &mut Vec<Command>) {
    let map_rect = ui.available_rect_before_wrap();
    app.initialise_view(map_rect);
    // Online tiles (with their health watched) or a tile pack, with the attribution to show.
    let online = app.basemap_source.tiles().cloned();
    let pack = app.basemap_source.pack().map(std::path::Path::to_path_buf);
    let tile_attribution: Option<String> = match (&online, &pack) {
        (Some(spec), _) => Some(spec.attribution.clone()),
        (None, Some(p)) => app.pack_meta(p).map(|m| m.attribution.clone()),
        (None, None) => None,
    };
    let vector_basemap = app.vector_basemap().is_some();
    if tile_attribution.is_some() {
        // Under the tiles, the offline basemap: what shows where tiles are missing (offline).
        let c = app.current_center().to_world();
        let view = View {
            transform: ScreenTransform::new(
                c,
                app.map_memory.zoom(),
                [
                    f64::from(map_rect.center().x),
                    f64::from(map_rect.center().y),
                ],
            ),
            rect: map_rect,
            pixels_per_point: ui.ctx().pixels_per_point(),
        };
        // Vector tiles leave the land to the atlas: its areas only (their own boundaries and
        // names, or the atlas's in the hybrid view, come over them).
        let under = if vector_basemap {
            basemap_area_shapes(&app.basemap, &view)
        } else {
            basemap_shapes(&app.basemap, &view)
        };
        ui.painter().with_clip_rect(map_rect).extend(under);
    }
    // A server whose requests fail is not waited on: requests hanging on it are not "on
    // their way" (the offline note shows at the first failure, not when the last hangs up).
    let server_failing = online
        .as_ref()
        .and_then(|spec| app.tiles.get(&spec.url_template))
        .is_some_and(crate::tiles::ServerTiles::failing);
    // Tiles are painted by us (as in exports), so they can be see-through over the basemap.
    let mut tiles: Option<(&mut dyn Tiles, (u8, u8))> = match (&online, &pack) {
        (Some(spec), _) => app
            .tiles
            .get_mut(&spec.url_template)
            .map(|t| (t as &mut dyn Tiles, (spec.min_zoom, spec.max_zoom))),
        (None, Some(p)) => app.packs.get_mut(p).map(|t| {
            let zooms = (t.meta().min_zoom, t.meta().max_zoom);
            (t as &mut dyn Tiles, zooms)
        }),
        (None, None) => None,
    };
    let tint = Color32::WHITE.gamma_multiply(app.tile_opacity.clamp(0.0, 1.0));
    let health = app.tile_health.health();
    // While tiles fail, the offline atlas is drawn under them, so the map never goes blank.
    let failing = matches!(health, Health::Offline { .. });
    let basemap_draw = match (tile_attribution.is_some(), app.hybrid) {
        (false, _) => BasemapDraw::Full,
        (true, _) if failing => BasemapDraw::Full,
        (true, true) => BasemapDraw::Overlay,
        (true, false) => BasemapDraw::Off,
    };
    let layers = &app.layers;
    let basemap = &app.basemap;
    let categories = app.categories.as_ref();
    let labels = app.label_language;
    let selection = app.selection;
    let pick_list = &app.pick_list;
    let measure = &app.measure;
    let batch = &mut app.layer_batch;
    let tile_batch = &mut app.tile_batch;
    let generation = app.generation;
    let mut view_out = None;
    let mut cursor = None;
    let mut tile_counts = None;
    // Tiles in view with their own image (from the network or the disk cache).
    let mut shown_tiles = 0;
    let vector = super::vector_source(
        &app.basemap_source,
        app.detail_pack.as_ref(),
        &app.vector_packs,
        &app.vector_servers,
        app.hybrid,
        app.map_memory.zoom(),
    );
    let mut label_report = None;

    Map::new(None, &mut app.map_memory, pakistan_center())
        .double_click_to_zoom(true)
        // The wheel zooms, as in every GIS (walkers pans with it unless told otherwise).
        .zoom_with_ctrl(false)
        .show(ui, |ui, response, projector, _memory| {
            let rect = response.rect;
            let c = projector.unproject(rect.center().to_vec2());
            let transform = ScreenTransform::new(
                LonLat::new(c.x(), c.y()).to_world(),
                projector.zoom(),
                [f64::from(rect.center().x), f64::from(rect.center().y)],
            );
            let view = View {
                transform,
                rect,
                pixels_per_point: ui.ctx().pixels_per_point(),
            };
            view_out = Some(view);
            let painter = ui.painter().with_clip_rect(rect);
            if let Some((t, zooms)) = tiles.as_mut() {
                let drawn = crate::tiles::paint_tiles(&painter, &view, &mut **t, *zooms, tint);
                let missing = drawn.iter().filter(|(_, own)| !own).count();
                let downloading = if server_failing {
                    0
                } else {
                    t.stats().in_progress
                };
                tile_counts = Some((missing, downloading));
                shown_tiles = drawn.len() - missing;
            }
            // Vector tiles: what is ready now (workers prepare the rest and ask for a repaint).
            let vector_failing = vector.is_some_and(|(v, _)| v.failing());
            let vector_frame = vector.map(|(v, atlas_under)| v.frame(&view, atlas_under));
            if let Some(f) = &vector_frame
                && vector_basemap
            {
                tile_counts = Some(if vector_failing {
                    (f.failed + f.waiting, 0)
                } else {
                    (f.failed, f.waiting)
                });
                shown_tiles = f.status.iter().filter(|(_, own)| *own).count();
            }
            let scene = Scene {
                basemap,
                layers,
                categories,
                labels,
            };
            label_report = Some(paint_map(
                &painter,
                &scene,
                &view,
                selection,
                basemap_draw,
                vector_frame.as_ref(),
                Some(crate::render::Batches {
                    layers: &mut *batch,
                    generation,
                    tiles: Some(&mut *tile_batch),
                }),
            ));

            // Hover: tooltip with the name(s) under the pointer.
            if let Some(pos) = response.hover_pos() {
                let w = transform.to_world([f64::from(pos.x), f64::from(pos.y)]);
                cursor = Some(LonLat::from_world(w));
                let hits = features_at(layers, &view, pos);
                if let Some(&first) = hits.first()
                    && !response.dragged()
                {
                    let mut text = feature_name(layers, first, labels);
                    if hits.len() > 1 {
                        text.push_str(&format!("  (+{} more: click to choose)", hits.len() - 1));
                    }
                    response.clone().on_hover_text_at_pointer(text);
                    ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
                }
            }
            if let Some(m) = measure {
                ui.painter().with_clip_rect(rect).extend(m.shapes(&view));
                if response.clicked()
                    && let Some(pos) = response.interact_pointer_pos()
                {
                    let w = transform.to_world([f64::from(pos.x), f64::from(pos.y)]);
                    commands.push(Command::AddMeasurePoint(LonLat::from_world(w)));
                }
            }
            // Click: select, or offer a list when several features are under the pointer.
            if measure.is_none()
                && response.clicked()
                && let Some(pos) = response.interact_pointer_pos()
            {
                let hits = features_at(layers, &view, pos);
                let osm = || {
                    let frame = vector_frame.as_ref()?;
                    crate::tiles::vector::draw::pick(frame, &view, pos, HIT_TOLERANCE_PT as f32)
                };
                match hits.as_slice() {
                    // No corridor feature: a road, railway or place of the vector basemap.
                    [] => match osm() {
                        Some(p) => commands.push(Command::SelectOsm(p)),
                        None => commands.push(Command::ClearSelection),
                    },
                    [one] => commands.push(Command::Select(*one)),
                    _ => commands.push(Command::OpenPickList(pos, hits)),
                }
            }

            // The vector tiles' credit whenever they show (the atlas's detail has no other).
            let credit = tile_attribution.clone().or_else(|| {
                vector_frame
                    .as_ref()
                    .filter(|f| !f.tiles.is_empty())
                    .map(|f| f.attribution.clone())
            });
            let layer_credits = crate::model::legend::layer_credits(layers);
            overlays_ui(
                ui,
                &painter,
                &view,
                credit.as_deref(),
                &layer_credits,
                commands,
            );
            if let Some(spec) = &online {
                let host = crate::tiles::source::host_of(&spec.url_template);
                tile_status_ui(ui, rect, health, host, shown_tiles, commands);
            }
            if let Some((pos, refs)) = pick_list {
                pick_list_ui(ui, &scene, &view, *pos, refs, commands);
            }
        });
    app.last_view = view_out;
    if let Some(r) = label_report {
        app.label_report = r;
    }
    app.cursor_lon_lat = cursor;
    if let (Some(spec), Some((missing, downloading))) = (online, tile_counts) {
        let now = ui.input(|i| i.time);
        let was = app.tile_health.health();
        if app.tile_health.update(now, missing, downloading) {
            // The loaders ask for a tile only once: retrying asks again for the failed ones.
            log::info!("Asking {} again for {missing} tiles", spec.name);
            if let Some(v) = app.vector_servers.get(&spec.url_template) {
                v.retry();
            } else if let Some(t) = app.tiles.get(&spec.url_template) {
                t.retry();
            }
        }
        match (was, app.tile_health.health()) {
            (Health::Fine, Health::Offline { missing, .. }) => {
                log::warn!(
                    "{}: {missing} tiles could not be loaded; showing the offline atlas under them",
                    spec.name
                );
                // The note is drawn from the next frame on: at once, not at the next tick.
                ui.ctx().request_repaint();
            }
            (Health::Offline { .. }, Health::Fine) => {
                log::info!("{}: tiles arrive again", spec.name)
            }
            _ => {}
        }
        match app.tile_health.health() {
            Health::Offline { retry_at_s, .. } => {
                // Once a second (the countdown) and for the retry, even if nobody touches the app.
                let wait_s = (retry_at_s - now).clamp(0.1, 1.0);
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_secs_f64(wait_s));
            }
            // Tiles failed and nothing else will wake the app: look again when the grace is
            // over, so the note comes at once (not at the next touch of the mouse).
            Health::Fine if missing > 0 && downloading == 0 => {
                let grace = crate::tiles::health::GRACE_S;
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_secs_f64(grace / 2.0));
            }
            Health::Fine => {}
        }
    }
}

/// A small note over the map while tiles fail: which server cannot be reached, what is shown
/// instead (cached tiles only when there are some; the offline atlas under the rest), when
/// they are tried again, and the offline basemap one click away.
fn tile_status_ui(
    ui: &mut Ui,
    map: Rect,
    health: Health,
    host: &str,
    cached: usize,
    commands: &mut Vec<Command>,
) {
    let Health::Offline {
        missing,
        retry_at_s,
    } = health
    else {
        return;
    };
    let now = ui.input(|i| i.time);
    egui::Area::new(ui.scope_id().with("tile_status"))
        .fixed_pos(map.left_top() + vec2(10.0, 10.0))
        .order(egui::Order::Middle)
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                let shown = if cached > 0 {
                    format!("showing {cached} cached tiles and the offline atlas")
                } else {
                    "showing the offline atlas".to_string()
                };
                ui.label(egui::RichText::new(format!("Can't reach {host} — {shown}")).strong());
                ui.label(format!(
                    "{missing} tiles in view could not be loaded; trying again in {:.0} s",
                    (retry_at_s - now).max(0.0).ceil()
                ));
                let offline = Command::SetBasemap(super::BasemapSource::OfflineAtlas);
                if ui
                    .button("Use the offline basemap")
                    .on_hover_text(offline.tooltip())
                    .clicked()
                {
                    commands.push(offline);
                }
            });
        });
}

/// The chooser for several features under a click: grouped by layer (swatch and title), each
/// with its status, scrolling within the window, and the entry under the pointer highlighted on
/// the map.
fn pick_list_ui(
    ui: &Ui,
    scene: &Scene,
    view: &View,
    pos: Pos2,
    refs: &[FeatureRef],
    commands: &mut Vec<Command>,
) {
    let screen = ui.ctx().content_rect();
    // Below the click when it is in the upper half, else in the space above it; never off the
    // window. Placed by its top-left corner, so it stays put whatever its content's height.
    let (anchor, room) = if pos.y < screen.center().y {
        (pos + vec2(8.0, 8.0), screen.bottom() - pos.y - 24.0)
    } else {
        (
            Pos2::new(pos.x + 8.0, screen.top() + 40.0),
            pos.y - screen.top() - 56.0,
        )
    };
    let (layers, labels) = (scene.layers, scene.labels);
    let mut groups: Vec<(usize, Vec<FeatureRef>)> = Vec::new();
    for &r in refs {
        match groups.iter_mut().find(|(l, _)| *l == r.layer) {
            Some((_, g)) => g.push(r),
            None => groups.push((r.layer, vec![r])),
        }
    }
    let mut hovered = None;
    egui::Area::new(ui.scope_id().with("pick_list"))
        .fixed_pos(anchor)
        .order(egui::Order::Foreground)
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.label(egui::RichText::new("Several features here — choose one:").strong());
                egui::ScrollArea::vertical()
                    .max_height((room - 60.0).max(80.0))
                    .show(ui, |ui| {
                        for (li, group) in &groups {
                            let Some(layer) = layers.get(*li) else {
                                continue;
                            };
                            ui.horizontal(|ui| {
                                let (rect, _) =
                                    ui.allocate_exact_size(vec2(12.0, 12.0), egui::Sense::hover());
                                ui.painter().rect_filled(
                                    rect,
                                    2.0,
                                    crate::render::color32(layer.style.color),
                                );
                                ui.label(egui::RichText::new(&layer.title).weak());
                            });
                            for &r in group {
                                let status = layer
                                    .features
                                    .get(r.feature)
                                    .and_then(|f| f.text("status"))
                                    .unwrap_or("");
                                ui.horizontal(|ui| {
                                    ui.add_space(16.0);
                                    let button = ui.button(feature_name(layers, r, labels));
                                    if button.hovered() {
                                        hovered = Some(r);
                                    }
                                    if button.clicked() {
                                        commands.push(Command::Select(r));
                                    }
                                    if !status.is_empty() {
                                        ui.label(egui::RichText::new(status).weak());
                                    }
                                });
                            }
                        }
                    });
                if ui.small_button("Cancel").clicked() {
                    commands.push(Command::ClearSelection);
                }
            });
        });
    if let Some(r) = hovered {
        let painter = ui
            .ctx()
            .layer_painter(egui::LayerId::new(
                egui::Order::Middle,
                ui.scope_id().with("pick_hover"),
            ))
            .with_clip_rect(view.rect);
        painter.extend(crate::render::selection_shapes(
            layers,
            scene.categories,
            view,
            Some(r),
        ));
    }
}

/// Zoom buttons, scale bar, attribution and disclaimer.
fn overlays_ui(
    ui: &mut Ui,
    painter: &egui::Painter,
    view: &View,
    tile_attribution: Option<&str>,
    layer_credits: &[String],
    commands: &mut Vec<Command>,
) {
    let rect = view.rect;
    // Zoom buttons, top right.
    for (i, command) in [Command::ZoomIn, Command::ZoomOut].into_iter().enumerate() {
        let text = if i == 0 { "+" } else { "−" };
        let r = Rect::from_min_size(
            rect.right_top() + vec2(-42.0, 12.0 + 36.0 * i as f32),
            vec2(30.0, 30.0),
        );
        let button = egui::Button::new(egui::RichText::new(text).size(18.0));
        if ui.put(r, button).on_hover_text(command.tooltip()).clicked() {
            commands.push(command);
        }
    }

    // Scale bar, bottom left, true at the latitude of the map centre.
    let (shapes, _) = scale_bar_shapes(
        painter,
        view,
        rect.left_bottom() + vec2(14.0, -16.0),
        140.0,
        None,
    );
    painter.extend(shapes);

    // Attribution and disclaimer, bottom right.
    // Every source drawn is credited: the tiles, and the offline basemap under or over them.
    let mut lines = vec![DISCLAIMER, "CPEC layers: public sources named per feature"];
    if let Some(attribution) = tile_attribution {
        lines.push(attribution);
    }
    lines.extend(layer_credits.iter().map(String::as_str));
    lines.push(BASEMAP_ATTRIBUTION);
    let font = FontId::proportional(11.0);
    let galleys: Vec<_> = lines
        .iter()
        .map(|t| painter.layout_no_wrap((*t).to_string(), font.clone(), Color32::from_gray(50)))
        .collect();
    let width = galleys.iter().map(|g| g.size().x).fold(0.0, f32::max);
    let height: f32 = galleys.iter().map(|g| g.size().y).sum();
    let box_rect = Rect::from_min_size(
        rect.right_bottom() - vec2(width + 14.0, height + 10.0),
        vec2(width + 10.0, height + 6.0),
    );
    painter.rect_filled(box_rect, 3.0, Color32::from_white_alpha(210));
    let mut y = box_rect.min.y + 3.0;
    for g in galleys {
        let h = g.size().y;
        painter.galley(
            Pos2::new(box_rect.max.x - 5.0 - g.size().x, y),
            g,
            Color32::from_gray(50),
        );
        y += h;
    }
}
