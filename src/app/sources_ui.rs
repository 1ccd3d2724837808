//! The Basemap menu (offline atlas, built-in and user tile sources, hybrid, tile opacity) and
//! the form that adds an XYZ tile source.

use egui::Ui;

use super::{BasemapSource, Command, CorridorApp, command_button};
use crate::tiles::source::TileSourceSpec;

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
        let mut hover = format!(
            "{}\n{}\n{}\nzoom {}–{} ({}), {bounds}",
            Command::SetBasemap(source.clone()).tooltip(),
            path.display(),
            meta.attribution,
            meta.min_zoom,
            meta.max_zoom,
            meta.format
        );
        if let Some(v) = app.vector_packs.get(path).map(|(_, v)| v) {
            hover.push_str(&vector_info_text(v, app));
        }
        let kind = if meta.is_vector() {
            "vector pack"
        } else {
            "tile pack"
        };
        if ui
            .radio(chosen, format!("{} ({kind})", meta.name))
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

/// What a vector source's info adds: its schema, tiles that could not be read, labels left
/// out for want of glyphs, and whether it is the offline atlas's detail.
fn vector_info_text(v: &crate::tiles::vector::VectorTiles, app: &CorridorApp) -> String {
    let p = v.problems();
    let mut text = format!(
        "\n{}",
        p.schema
            .map_or("schema: known once a tile is read", |s| s.label())
    );
    if app
        .detail_pack
        .as_deref()
        .is_some_and(|d| v.origin() == d.display().to_string())
    {
        text.push_str(&format!(
            "\nThe offline atlas draws its OpenStreetMap detail from zoom {}",
            crate::tiles::vector::DETAIL_FROM_ZOOM
        ));
    }
    if p.bad_tiles > 0 {
        text.push_str(&format!(
            "\n{} tiles could not be read and are skipped:",
            p.bad_tiles
        ));
        for e in p.examples.iter().take(5) {
            text.push_str(&format!("\n  {e}"));
        }
    }
    if app.label_report.no_glyphs > 0 {
        text.push_str(&format!(
            "\n{} labels in view left out: the fonts have no glyphs for their script",
            app.label_report.no_glyphs
        ));
    }
    text
}

pub(super) fn add_source_ui(
    app: &mut CorridorApp,
    ctx: &egui::Context,
    commands: &mut Vec<Command>,
) {
    let cache = app.cache_dir.clone();
    let Some(state) = app.add_source.as_mut() else {
        return;
    };
    let mut open = true;
    egui::Window::new("Add tile source")
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
                            "URL template or TileJSON",
                            &mut state.template,
                            "https://host/{z}/{x}/{y}.png, …/{z}/{x}/{y}.pbf or …/tiles.json",
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
                    let l = ui.label("Maximum zoom").on_hover_text(
                        "The server's deepest level (vector tiles are drawn over-zoomed past it; a TileJSON says it itself)",
                    );
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
                    match new_source(state, cache.as_deref()) {
                        Ok(spec) => commands.push(Command::AddTileSource(spec)),
                        Err(e) => state.error = Some(e),
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

/// The source the form describes: a TileJSON URL is read from its server (its name and
/// attribution unless the form gives its own), a template is checked.
fn new_source(
    state: &AddSourceState,
    cache: Option<&std::path::Path>,
) -> Result<TileSourceSpec, String> {
    use crate::tiles::vector::tilejson;
    if tilejson::is_tilejson_url(&state.template) {
        let mut spec =
            tilejson::resolve(state.template.trim(), cache).map_err(|e| e.to_string())?;
        if !state.name.trim().is_empty() {
            spec.name = state.name.trim().to_string();
        }
        if !state.attribution.trim().is_empty() {
            spec.attribution = state.attribution.trim().to_string();
        }
        return Ok(spec);
    }
    TileSourceSpec::custom(
        &state.name,
        &state.template,
        &state.attribution,
        state.max_zoom,
    )
    .map_err(|e| e.to_string())
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
