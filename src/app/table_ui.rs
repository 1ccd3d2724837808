//! The attribute table of a layer, docked under the map: sortable columns, a text filter; a row
//! click selects the feature and zooms to it, and a selection made on the map highlights (and
//! scrolls to) its row. Ctrl-click and Shift-click select several rows to copy as CSV.

use std::collections::BTreeSet;

use egui_extras::{Column, TableBuilder};

use super::{Command, CorridorApp};
use crate::model::table::{Sort, cell_text, columns, rows};
use crate::render::FeatureRef;

/// Height of a table row, in points.
const ROW_HEIGHT: f32 = 20.0;

/// The rows shown for a filter and sort, kept while neither the query nor the layer changes.
struct RowCache {
    key: (String, Option<Sort>, String, usize),
    columns: Vec<String>,
    rows: Vec<usize>,
}

/// The table's state.
pub struct TableState {
    /// The layer shown.
    pub layer: usize,
    /// Text filter.
    pub filter: String,
    /// Sort column and direction.
    pub sort: Option<Sort>,
    /// Selected features (indices into the layer).
    pub selected: BTreeSet<usize>,
    /// Where a Shift-click range starts.
    anchor: Option<usize>,
    /// The app's selection last seen, to follow selections made on the map.
    seen_selection: Option<FeatureRef>,
    cache: Option<RowCache>,
}

impl TableState {
    pub(super) fn new(layer: usize) -> Self {
        Self {
            layer,
            filter: String::new(),
            sort: None,
            selected: BTreeSet::new(),
            anchor: None,
            seen_selection: None,
            cache: None,
        }
    }
}

pub(super) fn table_ui(app: &mut CorridorApp, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    let selection = app.selection;
    let Some(state) = app.table.as_mut() else {
        return;
    };
    let Some(layer) = app.layers.get(state.layer) else {
        commands.push(Command::CloseTable);
        return;
    };
    let li = state.layer;

    // The rows for this filter and sort, computed again only when they change.
    let key = (
        state.filter.clone(),
        state.sort,
        layer.id.clone(),
        layer.features.len(),
    );
    if state.cache.as_ref().is_none_or(|c| c.key != key) {
        let cols = columns(&layer.features);
        let shown = rows(&layer.features, &cols, &state.filter, state.sort);
        state.cache = Some(RowCache {
            key,
            columns: cols,
            rows: shown,
        });
    }
    let Some(cache) = state.cache.as_ref() else {
        return;
    };

    // A selection made elsewhere (map, search) selects and reveals its row.
    let mut scroll_to = None;
    if selection != state.seen_selection {
        state.seen_selection = selection;
        if let Some(r) = selection.filter(|r| r.layer == li) {
            state.selected = BTreeSet::from([r.feature]);
            state.anchor = Some(r.feature);
            scroll_to = cache.rows.iter().position(|&f| f == r.feature);
        }
    }

    ui.horizontal(|ui| {
        ui.strong(format!("Attribute table — {}", layer.title));
        ui.separator();
        let label = ui.label("Filter");
        ui.add(
            egui::TextEdit::singleline(&mut state.filter)
                .desired_width(180.0)
                .hint_text("text in any column"),
        )
        .labelled_by(label.id);
        ui.label(format!(
            "{} of {} rows, {} selected",
            cache.rows.len(),
            layer.features.len(),
            state.selected.len()
        ));
        // The rows to copy are gathered on the click only; the label just counts them.
        let chosen = |f: &usize| state.selected.is_empty() || state.selected.contains(f);
        let count = cache.rows.iter().filter(|f| chosen(f)).count();
        if ui
            .button(Command::copy_rows_label(count))
            .on_hover_text(Command::CopyRows(li, Vec::new()).tooltip())
            .clicked()
        {
            let rows = cache.rows.iter().copied().filter(|f| chosen(f)).collect();
            commands.push(Command::CopyRows(li, rows));
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .button(Command::CloseTable.label())
                .on_hover_text(Command::CloseTable.tooltip())
                .clicked()
            {
                commands.push(Command::CloseTable);
            }
        });
    });

    let modifiers = ui.input(|i| i.modifiers);
    let mut clicked_row: Option<usize> = None;
    let mut sort_clicked: Option<usize> = None;
    let mut builder = TableBuilder::new(ui)
        .id_salt(("attribute_table", &layer.id))
        .striped(true)
        .resizable(true)
        .sense(egui::Sense::click())
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .columns(
            Column::initial(140.0).at_least(40.0).clip(true),
            cache.columns.len().max(1),
        );
    if let Some(row) = scroll_to {
        builder = builder.scroll_to_row(row, Some(egui::Align::Center));
    }
    builder
        .header(ROW_HEIGHT + 2.0, |mut header| {
            for (c, name) in cache.columns.iter().enumerate() {
                header.col(|ui| {
                    let arrow = match state.sort {
                        Some(s) if s.column == c && s.descending => " ⏷",
                        Some(s) if s.column == c => " ⏶",
                        _ => "",
                    };
                    if ui
                        .add(
                            egui::Button::new(
                                egui::RichText::new(format!("{name}{arrow}")).strong(),
                            )
                            .frame(false),
                        )
                        .on_hover_text("Sort by this column (again: reverse)")
                        .clicked()
                    {
                        sort_clicked = Some(c);
                    }
                });
            }
        })
        .body(|body| {
            body.rows(ROW_HEIGHT, cache.rows.len(), |mut row| {
                let f = cache.rows[row.index()];
                let feature = &layer.features[f];
                let current = selection
                    == Some(FeatureRef {
                        layer: li,
                        feature: f,
                    });
                row.set_selected(current || state.selected.contains(&f));
                for name in &cache.columns {
                    row.col(|ui| {
                        ui.add(
                            egui::Label::new(
                                crate::render::bidi::visual(&cell_text(
                                    feature.properties.get(name),
                                ))
                                .into_owned(),
                            )
                            .truncate()
                            .selectable(false),
                        );
                    });
                }
                if row.response().clicked() {
                    clicked_row = Some(row.index());
                }
            });
        });

    if let Some(c) = sort_clicked {
        state.sort = match state.sort {
            Some(s) if s.column == c && !s.descending => Some(Sort {
                column: c,
                descending: true,
            }),
            Some(s) if s.column == c => None,
            _ => Some(Sort {
                column: c,
                descending: false,
            }),
        };
    }
    if let Some(index) = clicked_row {
        let f = cache.rows[index];
        if modifiers.command {
            if !state.selected.remove(&f) {
                state.selected.insert(f);
            }
            state.anchor = Some(f);
        } else if modifiers.shift
            && let Some(anchor) = state.anchor
            && let Some(a) = cache.rows.iter().position(|&x| x == anchor)
        {
            let (lo, hi) = (a.min(index), a.max(index));
            state.selected = cache.rows[lo..=hi].iter().copied().collect();
        } else {
            state.selected = BTreeSet::from([f]);
            state.anchor = Some(f);
            let r = FeatureRef {
                layer: li,
                feature: f,
            };
            // Seen already: the table made this selection, so it does not scroll to it.
            state.seen_selection = Some(r);
            commands.push(Command::Choose(r));
        }
    }
}
