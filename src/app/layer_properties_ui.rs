//! A layer's properties: its title, style (colour, line width, point size, fill and layer
//! opacity), colours by a property's values, and what the loader skipped or repaired.

use egui::{RichText, Slider};

use super::{Command, CorridorApp};
use crate::model::classify::property_names;
use crate::model::layer::LayerOrigin;
use crate::model::style::{LayerStyle, Rgba};

pub(super) fn layer_properties_ui(
    app: &CorridorApp,
    ctx: &egui::Context,
    commands: &mut Vec<Command>,
) {
    let Some(i) = app.layer_properties else {
        return;
    };
    let Some(layer) = app.layers.get(i) else {
        return;
    };
    let mut open = true;
    egui::Window::new("Layer properties")
        .open(&mut open)
        .collapsible(false)
        .resizable(true)
        .default_width(340.0)
        .anchor(egui::Align2::LEFT_TOP, egui::vec2(300.0, 40.0))
        .show(ctx, |ui| {
            // The title edits a copy kept in egui's memory until Enter or leaving the field.
            let title_id = ui.make_persistent_id(("title_edit", &layer.id));
            let mut title: String = ui
                .data_mut(|d| d.get_temp(title_id))
                .unwrap_or_else(|| layer.title.clone());
            let label = ui.label("Title");
            let edit = ui
                .add(egui::TextEdit::singleline(&mut title).desired_width(300.0))
                .labelled_by(label.id);
            if edit.lost_focus() {
                if title.trim() != layer.title {
                    commands.push(Command::RenameLayer(i, title.clone()));
                }
                ui.data_mut(|d| d.remove::<String>(title_id));
            } else if edit.has_focus() {
                ui.data_mut(|d| d.insert_temp(title_id, title));
            }
            if let LayerOrigin::File(path) = &layer.origin {
                ui.weak(path.display().to_string());
            }
            ui.separator();

            let mut style = layer.style.clone();
            egui::Grid::new("style_grid")
                .num_columns(2)
                .spacing([12.0, 6.0])
                .show(ui, |ui| {
                    let label = ui.label("Colour");
                    let mut rgba = style.color.0;
                    ui.color_edit_button_srgba_unmultiplied(&mut rgba)
                        .labelled_by(label.id);
                    style.color = Rgba(rgba);
                    ui.end_row();
                    slider_row(
                        ui,
                        "Line width (pt)",
                        &mut style.line_width_pt,
                        LayerStyle::LINE_WIDTH_PT,
                    );
                    slider_row(
                        ui,
                        "Point size (pt)",
                        &mut style.point_radius_pt,
                        LayerStyle::POINT_RADIUS_PT,
                    );
                    slider_row(ui, "Fill opacity", &mut style.fill_opacity, 0.0..=1.0);
                    slider_row(ui, "Layer opacity", &mut style.opacity, LayerStyle::OPACITY);
                    if app.categories.is_some() {
                        let label = ui.label("Status patterns");
                        ui.checkbox(&mut style.categorized, "dashed / hollow when not built")
                            .labelled_by(label.id);
                        ui.end_row();
                    }
                });

            ui.separator();
            let current = style.color_by.as_ref().map(|b| b.property.clone());
            let label = ui.label("Colour by property");
            egui::ComboBox::from_id_salt(("color_by", &layer.id))
                .selected_text(current.as_deref().unwrap_or("(one colour)"))
                .show_ui(ui, |ui| {
                    if ui
                        .selectable_label(current.is_none(), "(one colour)")
                        .clicked()
                    {
                        commands.push(Command::ColorBy(i, None));
                    }
                    for name in property_names(&layer.features) {
                        let chosen = current.as_deref() == Some(name.as_str());
                        if ui.selectable_label(chosen, &name).clicked() && !chosen {
                            commands.push(Command::ColorBy(i, Some(name)));
                        }
                    }
                })
                .response
                .labelled_by(label.id)
                .on_hover_text(Command::ColorBy(i, None).tooltip());
            if let Some(by) = &mut style.color_by {
                egui::ScrollArea::vertical()
                    .id_salt("classes")
                    .max_height(180.0)
                    .show(ui, |ui| {
                        for class in &mut by.classes {
                            ui.horizontal(|ui| {
                                let mut rgba = class.color.0;
                                ui.color_edit_button_srgba_unmultiplied(&mut rgba);
                                class.color = Rgba(rgba);
                                ui.label(format!("{} ({})", class.value, class.count));
                            });
                        }
                        if by.other_count > 0 {
                            ui.weak(format!(
                                "Other values or none: {} feature(s), grey",
                                by.other_count
                            ));
                        }
                    });
            }
            if style != layer.style {
                commands.push(Command::SetLayerStyle(i, Box::new(style)));
            }

            if !layer.warnings.is_empty() {
                ui.separator();
                ui.label(
                    RichText::new(format!(
                        "Skipped or repaired when loading: {}",
                        layer.warnings.len()
                    ))
                    .color(ui.visuals().warn_fg_color),
                );
                egui::ScrollArea::vertical()
                    .id_salt("warnings")
                    .max_height(160.0)
                    .show(ui, |ui| {
                        for w in &layer.warnings {
                            ui.add(egui::Label::new(w).wrap());
                        }
                    });
            }
        });
    if !open {
        commands.push(Command::CloseLayerProperties);
    }
}

/// A labelled slider as one row of a grid.
fn slider_row<N: egui::emath::Numeric>(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut N,
    range: std::ops::RangeInclusive<N>,
) {
    let label = ui.label(label);
    ui.add(Slider::new(value, range)).labelled_by(label.id);
    ui.end_row();
}
