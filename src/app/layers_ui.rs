//! The layers panel and legend: visibility, colour swatch, title, feature count; the status
//! categories; the symbols of the basemap; features without a site.

use egui::{Color32, Sense, Stroke, Ui, vec2};

use super::{Command, CorridorApp};
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
            ui.horizontal(|ui| {
                let mut visible = layer.visible;
                let response = ui
                    .checkbox(&mut visible, &layer.title)
                    .on_hover_text(format!(
                        "{}\n\nRight-click: zoom to layer",
                        layer.description
                    ));
                if response.changed() {
                    commands.push(Command::SetLayerVisible(i, visible));
                }
                response.context_menu(|ui| {
                    let zoom = Command::ZoomToLayer(i);
                    let button =
                        ui.add_enabled(layer.bbox.is_some(), egui::Button::new(zoom.label()));
                    if button.on_hover_text(zoom.tooltip()).clicked() {
                        commands.push(zoom);
                        ui.close();
                    }
                    if matches!(layer.origin, LayerOrigin::File(_))
                        && ui.button(Command::RemoveLayer(i).label()).clicked()
                    {
                        commands.push(Command::RemoveLayer(i));
                        ui.close();
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
                    ui.weak(format!("{}", layer.located_count()))
                        .on_hover_text("features on the map");
                    swatch_ui(ui, color32(layer.style.color), LinePattern::Solid, false);
                });
            });
            let unsited: Vec<usize> = (0..layer.features.len())
                .filter(|&f| !layer.features[f].is_located())
                .collect();
            if !unsited.is_empty() {
                ui.indent(("unsited", &layer.id), |ui| {
                    egui::CollapsingHeader::new(format!("{} without a site", unsited.len()))
                        .id_salt(("unsited_list", &layer.id))
                        .show(ui, |ui| {
                            for f in unsited {
                                let r = FeatureRef {
                                    layer: i,
                                    feature: f,
                                };
                                let name = &layer.features[f].name;
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

/// A line sample with a marker in the middle.
fn swatch_ui(ui: &mut Ui, color: Color32, pattern: LinePattern, hollow: bool) {
    let (rect, _) = ui.allocate_exact_size(SWATCH, Sense::hover());
    ui.painter()
        .extend(swatch_shapes(rect, color, pattern, hollow));
}
