//! Asking for a file to open or save: the system's dialog where there is one, else the app's
//! own (egui_file) in the window, in one step either way — a save is offered a name made from
//! the title and today's date, in the folder last saved in (first: Pictures).
//!
//! rfd cannot say "there is no dialog on this system" (no portal, no zenity): it gives back
//! nothing, as for a cancel. A cancel takes a person longer than [`NO_DIALOG_WITHIN`]; nothing
//! back sooner means no dialog was shown, and the app's own is shown at once (and used from
//! then on).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{Command, CorridorApp};
use crate::export::deck::OutputFormat;
use crate::io::save_path::{default_image_dir, file_name_from_title, today, unused_in};

/// Which dialogs ask for files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FileDialogs {
    /// The system's (portal, GTK, zenity; Windows, macOS), the app's own where there is none.
    #[default]
    SystemFirst,
    /// Only the app's own (tests, and systems whose dialog misbehaves).
    InApp,
}

/// Nothing back from the system's dialog sooner than this: it was never shown.
const NO_DIALOG_WITHIN: Duration = Duration::from_millis(400);

/// GeoJSON files the loader reads.
const LAYER_EXTENSIONS: &[&str] = &["geojson", "json", "geojsonl", "ndjson"];
use crate::tiles::pack::PACK_EXTENSIONS;

/// What a file is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilePurpose {
    /// A PNG of the map as shown.
    ExportMap,
    /// The composed briefing page, as PNG, PDF or SVG.
    SaveBriefing(OutputFormat),
    /// A briefing deck: one PDF, or PNGs numbered after the name.
    SaveDeck(OutputFormat),
    /// GeoJSON files (or tile packs) to open.
    OpenLayers,
    /// A tile pack to show as the basemap.
    OpenTilePack,
}

impl FilePurpose {
    /// The dialog's title.
    fn title(self) -> &'static str {
        match self {
            Self::ExportMap => "Export map as PNG",
            Self::SaveBriefing(_) => "Save briefing page",
            Self::SaveDeck(_) => "Export briefing deck",
            Self::OpenLayers => "Open GeoJSON files or tile packs",
            Self::OpenTilePack => "Open tile pack",
        }
    }

    /// Whether a file is written (else read).
    fn saves(self) -> bool {
        matches!(
            self,
            Self::ExportMap | Self::SaveBriefing(_) | Self::SaveDeck(_)
        )
    }

    /// The kinds of file shown, with the name the system dialog gives them.
    fn filter(self) -> (&'static str, Vec<&'static str>) {
        match self {
            Self::ExportMap => ("PNG image", vec!["png"]),
            Self::SaveBriefing(f) | Self::SaveDeck(f) => match f {
                OutputFormat::Png => ("PNG image", vec!["png"]),
                OutputFormat::Pdf => ("PDF document", vec!["pdf"]),
                OutputFormat::Svg => ("SVG drawing", vec!["svg"]),
            },
            Self::OpenLayers => (
                "GeoJSON and tile packs",
                [LAYER_EXTENSIONS, &PACK_EXTENSIONS].concat(),
            ),
            Self::OpenTilePack => ("Tile packs", PACK_EXTENSIONS.to_vec()),
        }
    }

    /// What the chosen files are then used for.
    fn command(self, mut paths: Vec<PathBuf>) -> Option<Command> {
        match self {
            Self::ExportMap | Self::SaveBriefing(_) | Self::SaveDeck(_) => {
                let mut path = paths.pop()?;
                let extension = self.extension();
                if !has_extension(&path, &[extension]) {
                    // "Gwadar 2026-12-01" becomes "Gwadar 2026-12-01.png", dots kept.
                    let mut name = path.file_name()?.to_os_string();
                    name.push(".");
                    name.push(extension);
                    path.set_file_name(name);
                }
                Some(match self {
                    Self::ExportMap => Command::ExportPngTo(path),
                    Self::SaveDeck(_) => Command::ExportDeckTo(path),
                    _ => Command::SaveBriefingTo(path),
                })
            }
            Self::OpenLayers => (!paths.is_empty()).then_some(Command::LoadFiles(paths)),
            Self::OpenTilePack => paths.pop().map(Command::LoadTilePack),
        }
    }
}

impl FilePurpose {
    /// The extension a saved file gets.
    fn extension(self) -> &'static str {
        match self {
            Self::SaveBriefing(OutputFormat::Pdf) | Self::SaveDeck(OutputFormat::Pdf) => "pdf",
            Self::SaveBriefing(OutputFormat::Svg) | Self::SaveDeck(OutputFormat::Svg) => "svg",
            _ => "png",
        }
    }
}

/// Whether `path` ends in one of `extensions` (any case).
fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// The app's file dialogs: which to use, the one open, and the folders last used.
#[derive(Default)]
pub struct FileChooser {
    /// Which dialogs to ask with.
    pub mode: FileDialogs,
    /// Set once the system's dialog came back at once with nothing: it has none.
    no_system_dialog: bool,
    /// The app's own dialog, when open, and what for.
    open: Option<(egui_file::FileDialog, FilePurpose)>,
    /// Where the last image was saved (kept in the session).
    pub save_dir: Option<PathBuf>,
    /// Where the last file was opened from (kept in the session).
    pub open_dir: Option<PathBuf>,
}

impl FileChooser {
    /// A chooser asking with `mode`'s dialogs.
    pub fn new(mode: FileDialogs) -> Self {
        Self {
            mode,
            ..Self::default()
        }
    }

    /// Whether the app's own dialog is open.
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// Close the app's own dialog, if open; whether it was.
    pub fn close(&mut self) -> bool {
        self.open.take().is_some()
    }

    /// The folder a dialog starts in: the one last used (while it exists), else Pictures for
    /// images and home for files to open.
    fn start_dir(&self, purpose: FilePurpose) -> PathBuf {
        let last = if purpose.saves() {
            &self.save_dir
        } else {
            &self.open_dir
        };
        match last.as_ref().filter(|d| d.is_dir()) {
            Some(dir) => dir.clone(),
            None if purpose.saves() => default_image_dir(),
            None => dirs::home_dir().unwrap_or_else(|| PathBuf::from(".")),
        }
    }

    /// Note the folder of the files chosen, and turn them into the command that uses them.
    fn chosen(&mut self, purpose: FilePurpose, paths: Vec<PathBuf>) -> Option<Command> {
        let dir = paths
            .first()
            .and_then(|p| p.parent())
            .map(Path::to_path_buf);
        if let Some(dir) = dir.filter(|d| !d.as_os_str().is_empty()) {
            if purpose.saves() {
                self.save_dir = Some(dir);
            } else {
                self.open_dir = Some(dir);
            }
        }
        purpose.command(paths)
    }

    /// Ask for a file. The system dialog blocks until the user is done and its answer comes
    /// back as a command; the app's own dialog opens and answers in a later frame
    /// ([`file_dialog_ui`]). `title` names the file saved (unused for opening).
    fn ask(&mut self, ctx: &egui::Context, purpose: FilePurpose, title: &str) -> Option<Command> {
        let dir = self.start_dir(purpose);
        let name = file_name_from_title(title, "Corridor map", &today(), purpose.extension());
        let name = unused_in(&dir, &name)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or(name);
        if self.mode == FileDialogs::SystemFirst && !self.no_system_dialog {
            let started = Instant::now();
            match system_dialog(purpose, &dir, &name) {
                Some(paths) => return self.chosen(purpose, paths),
                // Cancelled by the user: nothing to say.
                None if started.elapsed() >= NO_DIALOG_WITHIN => return None,
                None => {
                    log::info!(
                        "no system file dialog (it answered in {} ms without showing): using the app's own",
                        started.elapsed().as_millis()
                    );
                    self.no_system_dialog = true;
                }
            }
        }
        self.open = Some((in_app_dialog(ctx, purpose, &dir, &name), purpose));
        None
    }
}

/// The system's dialog; `None` when cancelled or when there is none.
fn system_dialog(purpose: FilePurpose, dir: &Path, name: &str) -> Option<Vec<PathBuf>> {
    let (label, extensions) = purpose.filter();
    let dialog = rfd::FileDialog::new()
        .set_title(purpose.title())
        .set_directory(dir)
        .add_filter(label, &extensions)
        .add_filter("All files", &["*"]);
    match purpose {
        FilePurpose::ExportMap | FilePurpose::SaveBriefing(_) | FilePurpose::SaveDeck(_) => {
            dialog.set_file_name(name).save_file().map(|p| vec![p])
        }
        FilePurpose::OpenLayers => dialog.pick_files(),
        FilePurpose::OpenTilePack => dialog.pick_file().map(|p| vec![p]),
    }
}

/// The app's own dialog, open, in the middle of the window.
fn in_app_dialog(
    ctx: &egui::Context,
    purpose: FilePurpose,
    dir: &Path,
    name: &str,
) -> egui_file::FileDialog {
    let (_, extensions) = purpose.filter();
    let size = egui::vec2(560.0, 420.0);
    let screen = ctx.content_rect();
    let dialog = if purpose.saves() {
        egui_file::FileDialog::save_file().default_filename(name)
    } else {
        egui_file::FileDialog::open_file().multi_select(purpose == FilePurpose::OpenLayers)
    };
    let mut dialog = dialog
        .id(egui::Id::unique("in_app_file_dialog"))
        .title(purpose.title())
        .initial_path(dir)
        .default_size(size)
        .default_pos((screen.center() - size / 2.0).max(screen.min))
        .keep_on_top(true)
        .show_rename(false)
        .show_files_filter(Box::new(move |p: &Path| has_extension(p, &extensions)));
    dialog.open();
    dialog
}

impl CorridorApp {
    /// Ask for a file for `purpose` (`title` names a file saved), and carry out what the answer
    /// is for when it comes.
    pub(super) fn choose_file(&mut self, purpose: FilePurpose, title: &str) {
        if let Some(command) = self.files.ask(&self.ctx, purpose, title) {
            self.apply(command);
        }
    }

    /// The title a saved image of the map is named from: the bookmark the map shows, else the
    /// catalog's title.
    pub(super) fn view_title(&self) -> String {
        let visible = self.last_view.map(|v| v.visible_world(0.0));
        visible
            .and_then(|r| crate::model::session::bookmark_showing(&self.bookmarks, r))
            .map(|b| format!("{} — {}", self.title, b.name))
            .unwrap_or_else(|| self.title.clone())
    }
}

/// The app's own dialog, when open; the files chosen become a command.
pub(super) fn file_dialog_ui(
    app: &mut CorridorApp,
    ctx: &egui::Context,
    commands: &mut Vec<Command>,
) {
    let Some((dialog, purpose)) = &mut app.files.open else {
        return;
    };
    let purpose = *purpose;
    match dialog.show(ctx).state() {
        egui_file::State::Open => {}
        egui_file::State::Selected => {
            let mut paths: Vec<PathBuf> = dialog
                .selection()
                .into_iter()
                .map(Path::to_path_buf)
                .collect();
            if paths.is_empty() {
                paths.extend(dialog.path().map(Path::to_path_buf));
            }
            app.files.open = None;
            commands.extend(app.files.chosen(purpose, paths));
        }
        egui_file::State::Cancelled | egui_file::State::Closed => app.files.open = None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_image_gets_its_extension_and_an_opened_pack_goes_to_the_basemap() {
        let cmd = FilePurpose::ExportMap.command(vec![PathBuf::from("/tmp/Gwadar 2026-12-01")]);
        assert_eq!(
            cmd,
            Some(Command::ExportPngTo(PathBuf::from(
                "/tmp/Gwadar 2026-12-01.png"
            )))
        );
        let cmd =
            FilePurpose::SaveBriefing(OutputFormat::Png).command(vec![PathBuf::from("/tmp/a.PNG")]);
        assert_eq!(
            cmd,
            Some(Command::SaveBriefingTo(PathBuf::from("/tmp/a.PNG")))
        );
        let cmd = FilePurpose::SaveDeck(OutputFormat::Pdf).command(vec![PathBuf::from("/tmp/b")]);
        assert_eq!(
            cmd,
            Some(Command::ExportDeckTo(PathBuf::from("/tmp/b.pdf")))
        );
        let cmd = FilePurpose::OpenTilePack.command(vec![PathBuf::from("/tmp/p.mbtiles")]);
        assert_eq!(
            cmd,
            Some(Command::LoadTilePack(PathBuf::from("/tmp/p.mbtiles")))
        );
        assert_eq!(FilePurpose::OpenLayers.command(Vec::new()), None);
    }

    #[test]
    fn the_next_dialog_starts_where_the_last_file_was_chosen() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut chooser = FileChooser::new(FileDialogs::InApp);
        let saved = dir.path().join("briefing.png");
        chooser.chosen(FilePurpose::SaveBriefing(OutputFormat::Png), vec![saved]);
        assert_eq!(chooser.start_dir(FilePurpose::ExportMap), dir.path());
        // Opening is remembered apart from saving.
        assert_ne!(chooser.start_dir(FilePurpose::OpenLayers), dir.path());
        // A folder since removed is not offered.
        let gone = dir.path().join("gone");
        chooser.save_dir = Some(gone.clone());
        assert_ne!(chooser.start_dir(FilePurpose::ExportMap), gone);
    }
}
