//! Search (Ctrl+F): find features by name or any text property across layers; arrow keys move
//! through the ranked results, Enter zooms to one, opens it in the inspector and closes the
//! box; Esc closes it.

use egui::{Key, Modifiers, RichText};

use super::{Command, CorridorApp};
use crate::model::search::search;
use crate::render::FeatureRef;

/// Most results listed.
const MAX_RESULTS: usize = 30;

/// The search box's state.
#[derive(Default)]
pub struct SearchState {
    /// What the user typed.
    pub query: String,
    /// The highlighted result.
    pub highlighted: usize,
    focus_pending: bool,
}

impl SearchState {
    pub(super) fn new() -> Self {
        Self {
            focus_pending: true,
            ..Self::default()
        }
    }
}

pub(super) fn search_ui(app: &mut CorridorApp, ctx: &egui::Context, commands: &mut Vec<Command>) {
    let layers = &app.layers;
    let Some(state) = app.search.as_mut() else {
        return;
    };
    let hits = search(layers, &state.query, MAX_RESULTS);
    let mut open = true;
    let mut escaped = false;
    egui::Window::new("Search features")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::RIGHT_TOP, egui::vec2(-350.0, 40.0))
        .show(ctx, |ui| {
            // Keys for the list, taken before the text field sees them.
            let (down, up, enter, escape) = ui.input_mut(|i| {
                (
                    i.consume_key(Modifiers::NONE, Key::ArrowDown),
                    i.consume_key(Modifiers::NONE, Key::ArrowUp),
                    i.consume_key(Modifiers::NONE, Key::Enter),
                    i.consume_key(Modifiers::NONE, Key::Escape),
                )
            });
            escaped = escape;
            let label = ui.label("Name or any text (description, source, category…)");
            let edit = ui
                .add(
                    egui::TextEdit::singleline(&mut state.query)
                        .desired_width(300.0)
                        .hint_text("e.g. Gwadar, hydro, dawn.com"),
                )
                .labelled_by(label.id);
            if state.focus_pending {
                edit.request_focus();
                state.focus_pending = false;
            }
            if edit.changed() {
                state.highlighted = 0;
            }
            if !hits.is_empty() {
                if down {
                    state.highlighted = (state.highlighted + 1).min(hits.len() - 1);
                }
                if up {
                    state.highlighted = state.highlighted.saturating_sub(1);
                }
                state.highlighted = state.highlighted.min(hits.len() - 1);
            }
            if state.query.trim().is_empty() {
                return;
            }
            if hits.is_empty() {
                ui.label(RichText::new("No feature matches.").weak());
                return;
            }
            egui::ScrollArea::vertical()
                .max_height(320.0)
                .show(ui, |ui| {
                    for (i, hit) in hits.iter().enumerate() {
                        let layer = &layers[hit.layer];
                        let feature = &layer.features[hit.feature];
                        let r = FeatureRef {
                            layer: hit.layer,
                            feature: hit.feature,
                        };
                        let mut text = format!(
                            "{}  —  {}",
                            crate::render::bidi::visual(&feature.name()),
                            layer.title
                        );
                        if let Some(key) = &hit.matched_in {
                            text.push_str(&format!("  (in {key})"));
                        }
                        let row = ui.selectable_label(i == state.highlighted, text);
                        if i == state.highlighted && (down || up) {
                            row.scroll_to_me(None);
                        }
                        if row.clicked() || (enter && i == state.highlighted) {
                            // The box closes, so it does not hide what it zoomed to.
                            commands.push(Command::Choose(r));
                            commands.push(Command::CloseSearch);
                        }
                    }
                });
        });
    if !open || escaped {
        commands.push(Command::CloseSearch);
    }
}
