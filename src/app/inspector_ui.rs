//! The inspector: every property of the selected feature, figures with units, and its source
//! and confidence spelled out.

use egui::{RichText, Ui};

use super::{Command, CorridorApp};
use crate::model::confidence::Confidence;
// Shown in their own places, not in the general list.
use crate::model::layer::{EVIDENCE_PROPERTIES, Feature, LINE_PROPERTIES, NAME_PROPERTIES};
use crate::model::properties::PropValue;
use crate::model::units::{figure, group_thousands, humanize};
use crate::render::bidi::visual;
use crate::render::color32;

/// Shown while nothing is selected.
pub const INSPECTOR_HINT: &str =
    "Click a feature on the map to read its facts, its source and how sure its position is.";

pub(super) fn inspector_ui(app: &CorridorApp, ui: &mut Ui, commands: &mut Vec<Command>) {
    let selected = app.selection.and_then(|r| {
        let layer = app.layers.get(r.layer)?;
        Some((r, layer, layer.features.get(r.feature)?))
    });
    let Some((r, layer, feature)) = selected else {
        ui.add_space(4.0);
        ui.heading("Inspector");
        ui.separator();
        match &app.osm_pick {
            Some(pick) => osm_ui(ui, pick, commands),
            None => {
                ui.label(RichText::new(INSPECTOR_HINT).weak());
            }
        }
        return;
    };
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.heading("Inspector");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .button("Close")
                .on_hover_text(Command::ClearSelection.tooltip())
                .clicked()
            {
                commands.push(Command::ClearSelection);
            }
        });
    });
    ui.separator();
    egui::ScrollArea::vertical().show(ui, |ui| {
        // The name as the map's labels give it; the English one under it when that differs.
        let shown = feature.name_in(app.label_language);
        ui.label(RichText::new(visual(&shown)).size(17.0).strong());
        let name = feature.name();
        if !shown.lines().any(|line| line == name) {
            ui.label(RichText::new(name).weak());
        }
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
            ui.painter().rect_filled(rect, 2.0, color32(layer.style.color));
            ui.label(&layer.title);
        });
        if feature.is_located() {
            if ui.button(Command::ZoomToFeature(r).label()).clicked() {
                commands.push(Command::ZoomToFeature(r));
            }
        } else {
            let site = feature.text("site").unwrap_or("not announced");
            ui.label(RichText::new(format!("Not on the map: site {site}.")).italics());
        }
        ui.add_space(6.0);

        egui::Grid::new("inspector_headline").num_columns(2).striped(true).show(ui, |ui| {
            for key in ["category", "status"] {
                if let Some(v) = feature.text(key) {
                    ui.label(RichText::new(humanize(key)).weak());
                    ui.label(v);
                    ui.end_row();
                }
            }
            for (key, value) in feature.properties.iter() {
                if let Some(f) = figure(key, &value) {
                    ui.label(RichText::new(f.label).weak());
                    ui.label(RichText::new(f.text).strong());
                    ui.end_row();
                }
            }
            measures_ui(ui, feature, app.dms);
            if let Some(official) = feature.properties.get("length_km_official").and_then(|v| v.as_f64()) {
                ui.label(RichText::new("Official length").weak());
                ui.label(format!("{} km", group_thousands(official)));
                ui.end_row();
            }
        });
        names_ui(ui, feature);
        if let Some(note) = feature.text("length_note") {
            ui.label(RichText::new(note).italics().weak());
        }

        if let Some(d) = feature.text("description") {
            ui.add_space(6.0);
            paragraph_ui(ui, d);
        }

        ui.add_space(8.0);
        ui.label(RichText::new("Source").strong());
        match feature.text("source") {
            Some(source) => citations_ui(ui, source),
            None => {
                ui.label("— no source given —");
            }
        }
        ui.add_space(4.0);
        ui.label(RichText::new("Confidence").strong());
        match feature.confidence() {
            Some(c) => {
                let text = RichText::new(c.describe());
                let text = if c == Confidence::C {
                    text.color(ui.visuals().warn_fg_color).strong()
                } else {
                    text
                };
                ui.label(text);
            }
            None => {
                ui.label(
                    RichText::new(
                        "position accuracy not stated (the file gives no confidence grade): unverified, not an estimate",
                    )
                    .weak(),
                );
            }
        }

        if let Some(g) = feature.text("geometry_source") {
            ui.add_space(4.0);
            ui.label(RichText::new("Line drawn from").strong());
            if feature.is_schematic() {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    "Schematic alignment: not the route, drawn faded",
                );
            }
            citations_ui(ui, g);
        }

        let others: Vec<(&str, PropValue<'_>)> = feature
            .properties
            .iter()
            .filter(|(k, v)| {
                !EVIDENCE_PROPERTIES.contains(k)
                    && !LINE_PROPERTIES.contains(k)
                    && !NAME_PROPERTIES.contains(k)
                    && figure(k, v).is_none()
            })
            .collect();
        if !others.is_empty() {
            ui.add_space(8.0);
            ui.label(RichText::new("All other properties").strong());
            egui::Grid::new("inspector_other").num_columns(2).striped(true).show(ui, |ui| {
                for (key, value) in others {
                    ui.label(RichText::new(humanize(key)).weak());
                    match (&value, value.as_str()) {
                        (_, Some(s)) => paragraph_ui(ui, s),
                        (PropValue::Null, _) => paragraph_ui(ui, "—"),
                        (other, None) => paragraph_ui(ui, &other.to_string()),
                    }
                    ui.end_row();
                }
            });
        }
    });
}

/// A text that may run over several lines: right-to-left text broken into lines in reading
/// order, each shown in visual order (egui would reorder nothing and read its lines bottom
/// up); other text wrapped by egui.
fn paragraph_ui(ui: &mut Ui, text: &str) {
    let width = ui.available_width().max(80.0);
    let font = egui::TextStyle::Body.resolve(ui.style());
    let ctx = ui.ctx().clone();
    let shown = crate::render::bidi::visual_lines(text, width, |line| {
        ctx.fonts_mut(|f| {
            f.layout_no_wrap(line.to_string(), font.clone(), egui::Color32::WHITE)
                .size()
                .x
        })
    });
    if !crate::render::bidi::is_rtl_paragraph(text) {
        ui.add(egui::Label::new(shown.as_ref()).wrap());
        return;
    }
    // A right-to-left paragraph is set flush right.
    ui.with_layout(egui::Layout::top_down(egui::Align::Max), |ui| {
        ui.set_max_width(width);
        ui.add(egui::Label::new(shown.as_ref()).wrap());
    });
}

/// A feature's Urdu and Chinese names (`name_ur`, `name_zh`), each with where it comes from
/// when the file says (the map content's: a source's own name, or "translated here").
fn names_ui(ui: &mut Ui, feature: &Feature) {
    let names: Vec<(&str, &str, Option<&str>)> =
        [("Urdu name", "name_ur"), ("Chinese name", "name_zh")]
            .into_iter()
            .filter_map(|(label, key)| {
                let name = feature.text(key)?;
                Some((label, name, feature.text(&format!("{key}_source"))))
            })
            .collect();
    if names.is_empty() {
        return;
    }
    // One wrapping line each (a grid's column would widen the panel to the longest name).
    let body = egui::TextStyle::Body.resolve(ui.style());
    let weak = ui.visuals().weak_text_color();
    let strong = ui.visuals().text_color();
    for (label, name, source) in names {
        let mut job = egui::text::LayoutJob::default();
        let format = |color, italics| egui::TextFormat {
            font_id: body.clone(),
            color,
            italics,
            ..Default::default()
        };
        job.append(label, 0.0, format(weak, false));
        job.append(&visual(name), 8.0, format(strong, false));
        // The map content says where each comes from; a user's file is its own source.
        if let Some(source) = source {
            job.append(&format!("({source})"), 8.0, format(weak, true));
        }
        ui.add(egui::Label::new(job).wrap());
    }
}

/// A feature of the vector basemap: its OpenStreetMap class, name and number, under its own
/// heading and credit, never among corridor facts.
fn osm_ui(ui: &mut Ui, pick: &crate::tiles::vector::draw::Pickable, commands: &mut Vec<Command>) {
    let f = &pick.feature;
    ui.label(RichText::new("OpenStreetMap").size(15.0).strong());
    ui.label(
        RichText::new(
            "Basemap feature, not a corridor project. © OpenStreetMap contributors (ODbL)",
        )
        .weak(),
    );
    ui.add_space(4.0);
    let name = crate::tiles::vector::schema::name(f);
    if let Some(n) = name {
        ui.label(RichText::new(shown(ui, n)).size(17.0).strong());
    }
    egui::Grid::new("inspector_osm")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            ui.label("layer");
            ui.label(&pick.layer);
            ui.end_row();
            for (key, value) in &f.properties {
                ui.label(key);
                ui.label(shown(ui, &value.to_text()));
                ui.end_row();
            }
        });
    ui.add_space(6.0);
    if ui
        .button("Close")
        .on_hover_text(Command::ClearSelection.tooltip())
        .clicked()
    {
        commands.push(Command::ClearSelection);
    }
}

/// `text` if the fonts can draw it; else a note saying so (never boxes in its place).
fn shown(ui: &Ui, text: &str) -> String {
    let font = egui::TextStyle::Body.resolve(ui.style());
    if ui.fonts_mut(|f| f.has_glyphs(&font, text)) {
        visual(text).into_owned()
    } else {
        format!(
            "({} characters in a script this build has no font for)",
            text.chars().count()
        )
    }
}

/// What a feature's geometry measures, as GIS users expect it: a polygon's area and
/// perimeter, a line's length, a point's position (geodesic, WGS84).
fn measures_ui(ui: &mut Ui, feature: &crate::model::layer::Feature, dms: bool) {
    use crate::model::layer::{GeometryKind, Part};
    let km = |m: f64| {
        let km = m / 1000.0;
        let rounded = if km < 10.0 {
            (km * 10.0).round() / 10.0
        } else {
            km.round()
        };
        format!("{} km", group_thousands(rounded))
    };
    match feature.kind {
        Some(GeometryKind::Polygon | GeometryKind::MultiPolygon) => {
            let km2 = feature.area_m2() / 1e6;
            let rounded = if km2 < 10.0 {
                (km2 * 100.0).round() / 100.0
            } else {
                km2.round()
            };
            ui.label(RichText::new("Drawn area").weak())
                .on_hover_text("Geodesic area as drawn (WGS84), holes left out");
            ui.label(format!("{} km²", group_thousands(rounded)));
            ui.end_row();
            ui.label(RichText::new("Drawn perimeter").weak())
                .on_hover_text("Geodesic length of its rings as drawn (WGS84)");
            ui.label(km(feature.length_m()));
            ui.end_row();
        }
        Some(GeometryKind::Point) => {
            if let Some(Part::Point(w)) = feature.parts.first() {
                let p = crate::model::view::LonLat::from_world(*w);
                ui.label(RichText::new("Position").weak());
                ui.label(if dms {
                    crate::model::coords::format_dms(p)
                } else {
                    crate::model::coords::format_decimal(p)
                });
                ui.end_row();
            }
        }
        _ => {
            let length_m = feature.length_m();
            if length_m > 0.0 {
                ui.label(RichText::new("Drawn length").weak())
                    .on_hover_text("Geodesic length of the line as drawn (WGS84)");
                ui.label(km(length_m));
                ui.end_row();
            }
        }
    }
}

/// A source text as its citations: each page it names a link (opening the browser), with the
/// date written for it; a page read from a stored copy marked †, the copies named once below.
fn citations_ui(ui: &mut Ui, source: &str) {
    use crate::model::citation::{citations, mirrors};
    let cited = citations(source);
    for c in &cited {
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing.x = 4.0;
            match &c.url {
                Some(url) => {
                    ui.hyperlink_to(&c.text, url).on_hover_text(url);
                }
                None => {
                    ui.label(&c.text);
                }
            }
            // A date in an address ("nation.com.pk/01-Mar-2024/…") is said plainly.
            if let Some(date) = c.date.as_ref().filter(|d| !c.text.contains(d.as_str())) {
                ui.label(RichText::new(format!("· {date}")).weak());
            }
            if c.mirror.is_some() {
                ui.label("†")
                    .on_hover_text("Read from a stored copy of the page (named below)");
            }
        });
    }
    let copies = mirrors(&cited);
    if !copies.is_empty() {
        ui.label(RichText::new(format!("† read from a stored copy: {}", copies.join(", "))).weak());
    }
}
