//! Bookmarks: named views to go back to. The briefing views are there by default; the user
//! adds the current view, renames and deletes. Kept with the session.

use egui::RichText;

use super::{Command, CorridorApp};

/// The bookmarks window's state.
#[derive(Default)]
pub struct BookmarksState {
    /// The bookmark being renamed, and the name typed so far.
    pub renaming: Option<(usize, String)>,
}

pub(super) fn bookmarks_ui(
    app: &mut CorridorApp,
    ctx: &egui::Context,
    commands: &mut Vec<Command>,
) {
    let bookmarks = &app.bookmarks;
    let Some(state) = app.bookmarks_window.as_mut() else {
        return;
    };
    let mut open = true;
    egui::Window::new("Bookmarks")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::LEFT_TOP, egui::vec2(300.0, 40.0))
        .show(ctx, |ui| {
            egui::Grid::new("bookmarks")
                .num_columns(3)
                .striped(true)
                .show(ui, |ui| {
                    for (i, b) in bookmarks.iter().enumerate() {
                        match &mut state.renaming {
                            Some((j, name)) if *j == i => {
                                let edit = ui
                                    .horizontal(|ui| {
                                        let label = ui.label("Name:");
                                        ui.text_edit_singleline(name).labelled_by(label.id)
                                    })
                                    .inner;
                                edit.request_focus();
                                let done = edit.lost_focus()
                                    || ui.input(|inp| inp.key_pressed(egui::Key::Enter));
                                if done && !name.trim().is_empty() {
                                    commands
                                        .push(Command::RenameBookmark(i, name.trim().to_string()));
                                }
                            }
                            _ => {
                                if ui
                                    .button(&b.name)
                                    .on_hover_text(Command::GoToBookmark(i).tooltip())
                                    .clicked()
                                {
                                    // Out of the way of the view it shows.
                                    commands.push(Command::GoToBookmark(i));
                                    commands.push(Command::CloseBookmarks);
                                }
                            }
                        }
                        if ui.small_button("rename").clicked() {
                            state.renaming = Some((i, b.name.clone()));
                        }
                        if ui
                            .small_button("delete")
                            .on_hover_text(Command::DeleteBookmark(i).tooltip())
                            .clicked()
                        {
                            commands.push(Command::DeleteBookmark(i));
                        }
                        ui.end_row();
                    }
                });
            if bookmarks.is_empty() {
                ui.label(RichText::new("No bookmarks.").weak());
            }
            ui.separator();
            if ui
                .button(Command::AddBookmark.label())
                .on_hover_text(Command::AddBookmark.tooltip())
                .clicked()
            {
                commands.push(Command::AddBookmark);
            }
        });
    if !open {
        commands.push(Command::CloseBookmarks);
    }
}
