//! The Basemap menu (offline atlas, built-in and user tile sources, hybrid, tile opacity) and
//! the form that adds an XYZ tile source.

use egui::Ui;

use super::{BasemapSource, Command, CorridorApp, command_button};
use crate::model::tile_source::TileSourceSpec;

/// The new-source form's fields.
pub struct AddSourceState {
    name: String,
    template: String,
    attribution: String,
    max_zoom: u8,
    error: Option<String>,
}

impl Default for AddSourceState {
    fn default() -> Self {
        Self {
            name: String::new(),
            template: String::new(),
            attribution: String::new(),
            max_zoom: 19,
            error: None,
        }
    }
}

pub(super) fn basemap_menu_ui(
    app: &CorridorApp,
    ui: &mut Ui,
    cache_bytes: Option<u64>,
    commands: &mut Vec<Command>,
) {
    let builtin = TileSourceSpec::built_in();
    let sources = std::iter::once(BasemapSource::OfflineAtlas)
        .chain(builtin.into_iter().map(BasemapSource::Tiles))
        .chain(app.tile_sources.iter().cloned().map(BasemapSource::Tiles));
    for (i, source) in sources.enumerate() {
        // User sources come after the offline atlas and the built-in ones.
        let user_index = i.checked_sub(1 + TileSourceSpec::built_in().len());
        ui.horizontal(|ui| {
            let chosen = app.basemap_source == source;
            let command = Command::SetBasemap(source.clone());
            let hover = match source.tiles() {
                Some(spec) => format!(
                    "{}\n{}\n{}",
                    command.tooltip(),
                    spec.url_template,
                    spec.attribution
                ),
                None => command.tooltip().to_string(),
            };
            if ui
                .radio(chosen, source.label())
                .on_hover_text(hover)
                .clicked()
            {
                commands.push(command);
                ui.close();
            }
            if let Some(u) = user_index {
                let remove = Command::RemoveTileSource(u);
                if ui
                    .small_button("remove")
                    .on_hover_text(remove.tooltip())
                    .clicked()
                {
                    commands.push(remove);
                }
            }
        });
    }
    for (path, meta) in app.pack_list() {
        let source = BasemapSource::Pack(path.to_path_buf());
        let chosen = app.basemap_source == source;
        let bounds = meta.bounds.map_or_else(
            || "bounds not given".to_string(),
            |[w, s, e, n]| format!("{w:.2}, {s:.2} to {e:.2}, {n:.2}"),
        );
        let hover = format!(
            "{}\n{}\n{}\nzoom {}–{} ({}), {bounds}",
            Command::SetBasemap(source.clone()).tooltip(),
            path.display(),
            meta.attribution,
            meta.min_zoom,
            meta.max_zoom,
            meta.format
        );
        if ui
            .radio(chosen, format!("{} (tile pack)", meta.name))
            .on_hover_text(hover)
            .clicked()
        {
            commands.push(Command::SetBasemap(source));
            ui.close();
        }
    }
    ui.separator();
    let open = Command::OpenTilePack;
    command_button(ui, open, commands);
    let add = Command::OpenAddTileSource;
    command_button(ui, add, commands);
    ui.separator();
    cache_ui(app, ui, cache_bytes, commands);
    ui.separator();
    let tiles_on = !matches!(app.basemap_source, BasemapSource::OfflineAtlas);
    ui.add_enabled_ui(tiles_on, |ui| {
        let mut hybrid = app.hybrid;
        let hybrid_command = Command::SetHybrid(!hybrid);
        if ui
            .checkbox(&mut hybrid, hybrid_command.label())
            .on_hover_text(hybrid_command.tooltip())
            .changed()
        {
            commands.push(Command::SetHybrid(hybrid));
        }
        let mut opacity = app.tile_opacity;
        let label = ui.label(Command::SetTileOpacity(opacity).label());
        if ui
            .add(egui::Slider::new(&mut opacity, 0.1..=1.0))
            .labelled_by(label.id)
            .on_hover_text(Command::SetTileOpacity(opacity).tooltip())
            .changed()
        {
            commands.push(Command::SetTileOpacity(opacity));
        }
    });
}

pub(super) fn add_source_ui(
    app: &mut CorridorApp,
    ctx: &egui::Context,
    commands: &mut Vec<Command>,
) {
    let Some(state) = app.add_source.as_mut() else {
        return;
    };
    let mut open = true;
    egui::Window::new("Add XYZ tile source")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 60.0))
        .show(ctx, |ui| {
            let mut edited = false;
            egui::Grid::new("add_source_grid")
                .num_columns(2)
                .spacing([10.0, 6.0])
                .show(ui, |ui| {
                    for (label, value, hint) in [
                        ("Name", &mut state.name, "e.g. Esri World Imagery"),
                        (
                            "URL template",
                            &mut state.template,
                            "https://host/{z}/{x}/{y}.png",
                        ),
                        (
                            "Attribution",
                            &mut state.attribution,
                            "as the provider asks, e.g. Tiles © Esri",
                        ),
                    ] {
                        let l = ui.label(label);
                        let edit = ui
                            .add(
                                egui::TextEdit::singleline(value)
                                    .desired_width(380.0)
                                    .hint_text(hint),
                            )
                            .labelled_by(l.id);
                        edited |= edit.changed();
                        ui.end_row();
                    }
                    let l = ui.label("Maximum zoom");
                    ui.add(egui::Slider::new(&mut state.max_zoom, 1..=22))
                        .labelled_by(l.id);
                    ui.end_row();
                });
            if edited {
                state.error = None;
            }
            if let Some(e) = &state.error {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            ui.horizontal(|ui| {
                let add = Command::AddTileSource(TileSourceSpec::openstreetmap());
                if ui
                    .button(add.label())
                    .on_hover_text(add.tooltip())
                    .clicked()
                {
                    match TileSourceSpec::custom(
                        &state.name,
                        &state.template,
                        &state.attribution,
                        state.max_zoom,
                    ) {
                        Ok(spec) => commands.push(Command::AddTileSource(spec)),
                        Err(e) => state.error = Some(e.to_string()),
                    }
                }
                if ui.button(Command::CloseAddTileSource.label()).clicked() {
                    commands.push(Command::CloseAddTileSource);
                }
            });
        });
    if !open {
        commands.push(Command::CloseAddTileSource);
    }
}

/// The tile cache: its size against its limit, the limit, and "Clear cache".
fn cache_ui(app: &CorridorApp, ui: &mut Ui, cache_bytes: Option<u64>, commands: &mut Vec<Command>) {
    let size = cache_bytes.map_or_else(
        || "unknown".to_string(),
        |b| format!("{:.1} MB", b as f64 / 1e6),
    );
    ui.label(format!("Tile cache: {size} of {} MB", app.cache_limit_mb));
    ui.horizontal(|ui| {
        let mut limit = app.cache_limit_mb;
        let label = ui.label(Command::SetCacheLimit(limit).label());
        if ui
            .add(
                egui::DragValue::new(&mut limit)
                    .range(50..=20_000)
                    .speed(10),
            )
            .labelled_by(label.id)
            .on_hover_text(Command::SetCacheLimit(limit).tooltip())
            .changed()
        {
            commands.push(Command::SetCacheLimit(limit));
        }
        let clear = Command::ClearTileCache;
        command_button(ui, clear, commands);
    });
}
