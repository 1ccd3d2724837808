//! The layers panel and legend: visibility, colour swatch, title, feature count; the status
//! categories; the symbols of the basemap; features without a site.

use egui::{Color32, Sense, Stroke, Ui, vec2};

use super::{Command, CorridorApp, command_button};
use crate::model::layer::LayerOrigin;
use crate::model::style::LinePattern;
use crate::render::{
    FeatureRef, color32, estimate_swatch_shapes, line_swatch_shapes, palette, swatch_shapes,
};

/// Size of a legend swatch, in points.
const SWATCH: egui::Vec2 = vec2(30.0, 16.0);

pub(super) fn layers_ui(app: &CorridorApp, ui: &mut Ui, commands: &mut Vec<Command>) {
    ui.add_space(4.0);
    ui.heading("Layers");
    egui::ScrollArea::vertical().show(ui, |ui| {
        // Top of the draw order first, as in QGIS.
        for (i, layer) in app.layers.iter().enumerate().rev() {
            // Drag a row by its grip; dropping it on another row puts it in that place.
            let drag_id = ui.make_persistent_id(("layer_row", &layer.id));
            let row = ui.horizontal(|ui| {
                ui.dnd_drag_source(drag_id, i, grip_ui)
                    .response
                    .on_hover_text(Command::MoveLayer { from: i, to: i }.tooltip());
                layer_row_ui(app, ui, i, commands);
            });
            let row_rect = row.response.rect;
            if let Some(from) = row.response.dnd_hover_payload::<usize>()
                && *from != i
            {
                ui.painter().rect_stroke(
                    row_rect.expand(1.0),
                    3.0,
                    Stroke::new(2.0, ui.visuals().selection.bg_fill),
                    egui::StrokeKind::Outside,
                );
            }
            if let Some(from) = row.response.dnd_release_payload::<usize>()
                && *from != i
            {
                commands.push(Command::MoveLayer { from: *from, to: i });
            }
            if let Some(by) = &layer.style.color_by {
                ui.indent(("classes", &layer.id), |ui| {
                    ui.weak(format!("by {}", by.property));
                    for (label, color) in by.legend_rows() {
                        ui.horizontal(|ui| {
                            swatch_ui(ui, color32(color), LinePattern::Solid, false);
                            ui.label(label);
                        });
                    }
                });
            }
            let unsited = &layer.unsited;
            if !unsited.is_empty() {
                ui.indent(("unsited", &layer.id), |ui| {
                    egui::CollapsingHeader::new(format!("{} without a site", unsited.len()))
                        .id_salt(("unsited_list", &layer.id))
                        .show(ui, |ui| {
                            for &f in unsited {
                                let r = FeatureRef {
                                    layer: i,
                                    feature: f,
                                };
                                let name = layer.features[f].name();
                                if ui
                                    .selectable_label(app.selection == Some(r), name)
                                    .on_hover_text(Command::Select(r).tooltip())
                                    .clicked()
                                {
                                    commands.push(Command::Select(r));
                                }
                            }
                        });
                });
            }
        }

        ui.add_space(10.0);
        ui.heading("Legend");
        if let Some(categories) = &app.categories {
            ui.label(egui::RichText::new("Status (lines and markers)").strong());
            for class in &categories.classes {
                ui.horizontal(|ui| {
                    swatch_ui(
                        ui,
                        Color32::from_gray(70),
                        class.pattern,
                        class.pattern != LinePattern::Solid,
                    );
                    ui.label(&class.label);
                });
            }
        }
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(SWATCH, Sense::hover());
            ui.painter().extend(estimate_swatch_shapes(rect.center()));
            ui.label("Estimated position (confidence C)");
        });
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(SWATCH, Sense::hover());
            ui.painter()
                .extend(crate::render::schematic_swatch_shapes(rect));
            ui.label("Schematic alignment (not a surveyed route)");
        });
        ui.label(egui::RichText::new("Basemap").strong());
        for (label, stroke, pattern) in [
            (
                "International boundary",
                Stroke::new(1.4, palette::BORDER),
                LinePattern::Solid,
            ),
            (
                "Disputed boundary / line of control",
                Stroke::new(1.4, palette::BORDER),
                LinePattern::Dashed,
            ),
            (
                "Province or territory",
                Stroke::new(0.9, palette::PROVINCE),
                LinePattern::Solid,
            ),
            (
                "River",
                Stroke::new(1.0, palette::WATER_LINE),
                LinePattern::Solid,
            ),
        ] {
            ui.horizontal(|ui| {
                let (rect, _) = ui.allocate_exact_size(SWATCH, Sense::hover());
                ui.painter()
                    .extend(line_swatch_shapes(rect, stroke, pattern));
                ui.label(label);
            });
        }
        ui.add_space(6.0);
        ui.weak(super::map_ui::DISCLAIMER);
    });
}

/// One layer's row: visibility and title, then (right-aligned) remove, warnings, count, swatch.
fn layer_row_ui(app: &CorridorApp, ui: &mut Ui, i: usize, commands: &mut Vec<Command>) {
    let layer = &app.layers[i];
    let mut visible = layer.visible;
    // Long titles are cut short (the full title is in the tooltip) to keep the right side clear.
    let is_file = matches!(layer.origin, LayerOrigin::File(_));
    let right_pt = SWATCH.x
        + 48.0
        + if is_file { 62.0 } else { 0.0 }
        + if layer.warnings.is_empty() { 0.0 } else { 92.0 };
    let title_width = (ui.available_width() - right_pt).max(60.0);
    let response = ui
        .scope(|ui| {
            ui.set_max_width(title_width);
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
            ui.checkbox(&mut visible, &layer.title)
        })
        .inner
        .on_hover_text(format!(
            "{}\n{}\n\nDrag to reorder. Right-click: zoom to layer, properties, attribute table",
            layer.title, layer.description
        ));
    if response.changed() {
        commands.push(Command::SetLayerVisible(i, visible));
    }
    response.context_menu(|ui| {
        let zoom = Command::ZoomToLayer(i);
        let button = ui.add_enabled(layer.bbox.is_some(), egui::Button::new(zoom.label()));
        if button.on_hover_text(zoom.tooltip()).clicked() {
            commands.push(zoom);
            ui.close();
        }
        for command in [Command::OpenLayerProperties(i), Command::OpenTable(i)] {
            command_button(ui, command, commands);
        }
        if matches!(layer.origin, LayerOrigin::File(_)) {
            command_button(ui, Command::RemoveLayer(i), commands);
        }
    });
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        if let LayerOrigin::File(path) = &layer.origin
            && ui
                .small_button("remove")
                .on_hover_text(format!(
                    "{}\n{}",
                    Command::RemoveLayer(i).tooltip(),
                    path.display()
                ))
                .clicked()
        {
            commands.push(Command::RemoveLayer(i));
        }
        if !layer.warnings.is_empty()
            && ui
                .small_button(
                    egui::RichText::new(format!("{} warnings", layer.warnings.len()))
                        .color(ui.visuals().warn_fg_color),
                )
                .on_hover_text("Features the loader skipped or repaired: see the list")
                .clicked()
        {
            commands.push(Command::OpenLayerProperties(i));
        }
        ui.weak(format!("{}", layer.located_count()))
            .on_hover_text("features on the map");
        let properties = Command::OpenLayerProperties(i);
        let (rect, swatch) = ui.allocate_exact_size(SWATCH, Sense::click());
        ui.painter().extend(swatch_shapes(
            rect,
            color32(layer.style.color),
            LinePattern::Solid,
            false,
        ));
        if swatch
            .on_hover_text(format!("{}: {}", properties.label(), properties.tooltip()))
            .clicked()
        {
            commands.push(properties);
        }
    });
}

/// Six dots to drag a row by.
fn grip_ui(ui: &mut Ui) {
    let (rect, _) = ui.allocate_exact_size(vec2(8.0, 16.0), Sense::hover());
    let color = ui.visuals().weak_text_color();
    for row in 0..3 {
        for col in 0..2 {
            let c = rect.left_top() + vec2(2.0 + 4.0 * col as f32, 4.0 + 4.0 * row as f32);
            ui.painter().circle_filled(c, 1.1, color);
        }
    }
}

/// A line sample with a marker in the middle.
fn swatch_ui(ui: &mut Ui, color: Color32, pattern: LinePattern, hollow: bool) {
    let (rect, _) = ui.allocate_exact_size(SWATCH, Sense::hover());
    ui.painter()
        .extend(swatch_shapes(rect, color, pattern, hollow));
}
