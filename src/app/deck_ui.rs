//! File → Export briefing deck…: the bookmarks as pages (the four briefing views ticked by
//! default), in an order the user sets, each with a title (default: the bookmark's name);
//! shared settings (paper, legend, classification line, date); drawn and written in the
//! background — one vector PDF, or PNGs at 2× numbered after the name — with progress and
//! Cancel. Written through the same code as `export --view … --view …` ([`crate::export::deck`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use egui::{RichText, Ui};

use super::{Command, CorridorApp, Level};
use crate::export::compose::attribution_lines;
use crate::export::deck::{DeckError, DeckPage, OutputFormat, deck_title, page_file, write_deck};
use crate::export::{BriefingRequest, today};
use crate::model::layout::Composition;
use crate::model::view::WorldRect;
use crate::model::views::ViewSpec;
use crate::render::Scene;
use crate::tiles::source::TileSourceSpec;

/// Paper sizes of a deck, landscape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paper {
    /// ISO A4.
    A4,
    /// ISO A3.
    A3,
    /// US Letter.
    Letter,
    /// A 16:9 slide.
    Slide,
}

impl Paper {
    const ALL: [Self; 4] = [Self::A4, Self::A3, Self::Letter, Self::Slide];

    /// Width and height in points, landscape.
    pub fn size_pt(self) -> [f32; 2] {
        match self {
            Self::A4 => [842.0, 595.0],
            Self::A3 => [1191.0, 842.0],
            Self::Letter => [792.0, 612.0],
            Self::Slide => [960.0, 540.0],
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::A4 => "A4 landscape",
            Self::A3 => "A3 landscape",
            Self::Letter => "Letter landscape",
            Self::Slide => "Slide 16:9 (960 × 540 pt)",
        }
    }
}

/// A bookmark as a page of the deck.
#[derive(Clone, Debug, PartialEq)]
pub struct DeckEntry {
    /// The bookmark's name.
    pub name: String,
    /// The area it shows.
    pub rect: WorldRect,
    /// Whether it is a page of the deck.
    pub include: bool,
    /// The page's title.
    pub title: String,
}

/// A deck being drawn and written on a thread of its own.
pub struct DeckJob {
    /// Pages drawn so far.
    done: Arc<AtomicUsize>,
    /// Pages in all.
    total: usize,
    /// Set to stop it.
    cancel: Arc<AtomicBool>,
    /// Its outcome: the files written, or why not.
    result: Receiver<Result<Vec<String>, DeckError>>,
}

/// The deck dialog's settings.
pub struct DeckDialog {
    /// Every bookmark, in the deck's order.
    pub pages: Vec<DeckEntry>,
    /// The paper.
    pub paper: Paper,
    /// Legend on each page.
    pub legend: bool,
    /// Date on each page.
    pub date: bool,
    /// Classification line at top and bottom of each page (empty: none).
    pub classification: String,
    /// The line under each title.
    pub subtitle: String,
    tiles: Option<TileSourceSpec>,
    hybrid: bool,
    tile_opacity: f32,
    detail: Option<PathBuf>,
    /// The deck being written, if any.
    pub job: Option<DeckJob>,
}

/// The briefing views among the bookmarks: ticked when the dialog opens.
fn is_briefing_view(name: &str) -> bool {
    crate::model::views::BRIEFING_VIEWS
        .iter()
        .any(|v| v.name == name)
}

impl DeckDialog {
    /// The pages the deck writes to `out`, in order: each included bookmark with its title,
    /// at the paper's size (PNG at 2×; PDF at the detail of a 4× image).
    pub fn pages_for(&self, out: &Path) -> Vec<DeckPage> {
        let format = OutputFormat::of(out);
        let chosen: Vec<&DeckEntry> = self.pages.iter().filter(|p| p.include).collect();
        let count = chosen.len();
        chosen
            .into_iter()
            .enumerate()
            .map(|(i, entry)| DeckPage {
                request: BriefingRequest {
                    view: ViewSpec::Fit(entry.rect),
                    size_pt: self.paper.size_pt(),
                    scale: format.compose_scale(2.0),
                    composition: Composition {
                        title: entry.title.clone(),
                        subtitle: self.subtitle.clone(),
                        legend: self.legend,
                        date: self.date,
                        classification: self.classification.trim().to_string(),
                        ..Composition::default()
                    },
                    attribution: attribution_lines(
                        self.tiles.as_ref(),
                        self.hybrid,
                        self.tile_opacity,
                    ),
                    date: today(),
                    tiles: self.tiles.clone(),
                    detail: self.detail.clone(),
                    hybrid: self.hybrid,
                    tile_opacity: self.tile_opacity,
                },
                out: page_file(out, i, count),
            })
            .collect()
    }

    /// The PDF's title: from the pages' titles.
    pub fn document_title(&self) -> String {
        let titles: Vec<&str> = self
            .pages
            .iter()
            .filter(|p| p.include)
            .map(|p| p.title.as_str())
            .collect();
        deck_title(&titles)
    }

    /// Pages ticked.
    pub fn page_count(&self) -> usize {
        self.pages.iter().filter(|p| p.include).count()
    }

    /// Whether a deck is being written.
    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }
}

pub(super) fn deck_ui(app: &mut CorridorApp, ctx: &egui::Context, commands: &mut Vec<Command>) {
    app.poll_deck();
    let Some(dialog) = app.deck.as_mut() else {
        return;
    };
    let mut open = true;
    egui::Window::new("Export briefing deck")
        .open(&mut open)
        .resizable(false)
        .collapsible(false)
        .min_width(600.0)
        .default_pos(egui::pos2(140.0, 70.0))
        .show(ctx, |ui| {
            ui.add_enabled_ui(!dialog.is_running(), |ui| {
                pages_ui(dialog, ui);
                ui.separator();
                settings_ui(dialog, ui);
            });
            ui.separator();
            actions_ui(dialog, ui, commands);
        });
    if !open {
        commands.push(Command::CloseDeckDialog);
    }
    if app.deck.as_ref().is_some_and(DeckDialog::is_running) {
        ctx.request_repaint_after(std::time::Duration::from_millis(100));
    }
}

fn pages_ui(d: &mut DeckDialog, ui: &mut Ui) {
    ui.label(RichText::new("Pages, in order").strong());
    let mut swap: Option<(usize, usize)> = None;
    let n = d.pages.len();
    egui::Grid::new("deck_pages")
        .num_columns(4)
        .striped(true)
        .show(ui, |ui| {
            for (i, page) in d.pages.iter_mut().enumerate() {
                ui.checkbox(&mut page.include, &page.name)
                    .on_hover_text("A page of the deck");
                ui.horizontal(|ui| {
                    let label = ui.label("Title:");
                    ui.add_sized(
                        [280.0, ui.spacing().interact_size.y],
                        egui::TextEdit::singleline(&mut page.title),
                    )
                    .labelled_by(label.id);
                });
                // Named for screen readers by what they do, not by their arrow.
                let up = ui
                    .add_enabled(i > 0, egui::Button::new("⏶"))
                    .on_hover_text("Move up");
                let name = page.name.clone();
                up.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::Button, i > 0, format!("Move {name} up"))
                });
                if up.clicked() {
                    swap = Some((i, i - 1));
                }
                let down = ui
                    .add_enabled(i + 1 < n, egui::Button::new("⏷"))
                    .on_hover_text("Move down");
                down.widget_info(|| {
                    egui::WidgetInfo::labeled(
                        egui::Role::Button,
                        i + 1 < n,
                        format!("Move {name} down"),
                    )
                });
                if down.clicked() {
                    swap = Some((i, i + 1));
                }
                ui.end_row();
            }
        });
    if let Some((a, b)) = swap {
        d.pages.swap(a, b);
    }
}

fn settings_ui(d: &mut DeckDialog, ui: &mut Ui) {
    egui::Grid::new("deck_settings")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label("Paper:");
            egui::ComboBox::from_id_salt("deck_paper")
                .selected_text(d.paper.label())
                .show_ui(ui, |ui| {
                    for p in Paper::ALL {
                        ui.selectable_value(&mut d.paper, p, p.label());
                    }
                });
            ui.end_row();
            let label = ui.label("Subtitle:");
            ui.add_sized(
                [440.0, ui.spacing().interact_size.y],
                egui::TextEdit::singleline(&mut d.subtitle),
            )
            .labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Classification:");
            ui.add_sized(
                [440.0, ui.spacing().interact_size.y],
                egui::TextEdit::singleline(&mut d.classification)
                    .hint_text("e.g. RESTRICTED (top and bottom of each page)"),
            )
            .labelled_by(label.id);
            ui.end_row();
            ui.label("Show:");
            ui.horizontal(|ui| {
                ui.checkbox(&mut d.legend, "Legend");
                ui.checkbox(&mut d.date, "Date");
            });
            ui.end_row();
        });
}

fn actions_ui(d: &DeckDialog, ui: &mut Ui, commands: &mut Vec<Command>) {
    if let Some(job) = &d.job {
        let done = job.done.load(Ordering::Relaxed).min(job.total);
        let text = if done < job.total {
            format!("Drawing page {} of {}…", done + 1, job.total)
        } else {
            "Writing…".to_string()
        };
        ui.add(
            egui::ProgressBar::new(done as f32 / job.total.max(1) as f32)
                .text(text)
                .desired_width(420.0),
        );
        let cancel = Command::CancelDeck;
        if ui
            .button(cancel.label())
            .on_hover_text(cancel.tooltip())
            .clicked()
        {
            commands.push(cancel);
        }
        return;
    }
    ui.horizontal(|ui| {
        let none = d.page_count() == 0;
        for command in [
            Command::ExportDeck(OutputFormat::Pdf),
            Command::ExportDeck(OutputFormat::Png),
        ] {
            let button = ui.add_enabled(!none, egui::Button::new(command.label()));
            if button.on_hover_text(command.tooltip()).clicked() {
                commands.push(command);
            }
        }
        if ui.button("Close").clicked() {
            commands.push(Command::CloseDeckDialog);
        }
        let n = d.page_count();
        if none {
            ui.colored_label(ui.visuals().error_fg_color, "Tick at least one page.");
        } else {
            ui.label(format!("{n} page{}", if n == 1 { "" } else { "s" }));
        }
    });
}

impl CorridorApp {
    /// Open the deck dialog: every bookmark a page, the briefing views ticked.
    pub(super) fn open_deck_dialog(&mut self) {
        let pages = self
            .bookmarks
            .iter()
            .map(|b| DeckEntry {
                name: b.name.clone(),
                rect: b.rect(),
                include: is_briefing_view(&b.name),
                title: b.name.clone(),
            })
            .collect();
        let subtitle = crate::model::legend::default_subtitle(&self.layers, self.label_language);
        self.deck = Some(DeckDialog {
            pages,
            paper: Paper::A4,
            legend: true,
            date: true,
            classification: String::new(),
            subtitle,
            tiles: self.tile_spec(),
            hybrid: self.hybrid,
            tile_opacity: self.tile_opacity,
            detail: self.detail_pack.clone(),
            job: None,
        });
    }

    /// Start writing the deck to `out` on a thread of its own.
    pub(super) fn export_deck(&mut self, out: PathBuf) {
        let Some(dialog) = self.deck.as_mut() else {
            return;
        };
        if dialog.is_running() {
            return;
        }
        let pages = dialog.pages_for(&out);
        if pages.is_empty() {
            self.notify(Level::Error, "Tick at least one page for the deck.");
            return;
        }
        let format = OutputFormat::of(&out);
        let title = dialog.document_title();
        let done = Arc::new(AtomicUsize::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, rx) = channel();
        dialog.job = Some(DeckJob {
            done: Arc::clone(&done),
            total: pages.len(),
            cancel: Arc::clone(&cancel),
            result: rx,
        });
        // The thread draws from its own copies (the layers share their features).
        let basemap = Arc::clone(&self.basemap);
        let layers = self.layers.clone();
        let categories = self.categories.clone();
        let labels = self.label_language;
        let ctx = self.ctx.clone();
        let spawned = crate::background::spawn("briefing deck", move || {
            let scene = Scene {
                basemap: &basemap,
                layers: &layers,
                categories: categories.as_ref(),
                labels,
            };
            let result = write_deck(
                &scene,
                &pages,
                format,
                &title,
                super::briefing_ui::SAVE_TILE_TIMEOUT,
                &mut |i| {
                    done.store(i, Ordering::Relaxed);
                    ctx.request_repaint();
                    !cancel.load(Ordering::Relaxed)
                },
            );
            let _ = tx.send(result);
            ctx.request_repaint();
        });
        if let Err(e) = spawned {
            if let Some(d) = self.deck.as_mut() {
                d.job = None;
            }
            self.notify(Level::Error, format!("The deck could not be started: {e}"));
        }
    }

    /// Stop the deck being written (between pages; nothing is written).
    pub(super) fn cancel_deck(&mut self) {
        if let Some(job) = self.deck.as_ref().and_then(|d| d.job.as_ref()) {
            job.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Take a finished deck's outcome as a message.
    pub(super) fn poll_deck(&mut self) {
        let Some(job) = self.deck.as_ref().and_then(|d| d.job.as_ref()) else {
            return;
        };
        let outcome = match job.result.try_recv() {
            Ok(r) => r,
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) => Err(DeckError::Cancelled),
        };
        if let Some(d) = self.deck.as_mut() {
            d.job = None;
        }
        match outcome {
            Ok(lines) => {
                // The files and pages; the legend each shows is for the command line.
                let written: Vec<&str> = lines
                    .iter()
                    .map(|l| l.split("; legend:").next().unwrap_or(l))
                    .collect();
                self.notify(
                    Level::Info,
                    format!("Saved the briefing deck. {}", written.join(". ")),
                );
                self.deck = None;
            }
            Err(DeckError::Cancelled) => {
                self.notify(Level::Info, "The deck was cancelled; nothing was written.");
            }
            Err(e) => self.notify(Level::Error, format!("Deck export failed: {e}")),
        }
    }

    /// Wait for the deck being written (tests); false if it did not end within `timeout`.
    #[cfg(test)]
    pub(super) fn wait_for_deck(&mut self, timeout: std::time::Duration) -> bool {
        let deadline = std::time::Instant::now() + timeout;
        while self.deck.as_ref().is_some_and(DeckDialog::is_running) {
            if std::time::Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
            self.poll_deck();
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_briefing_views_are_the_default_pages_and_their_order_and_titles_are_kept() {
        let mut app = CorridorApp::for_tests();
        app.apply(Command::OpenDeckDialog);
        let d = app.deck.as_mut().expect("open");
        let ticked: Vec<&str> = d
            .pages
            .iter()
            .filter(|p| p.include)
            .map(|p| p.title.as_str())
            .collect();
        assert_eq!(
            ticked,
            ["Pakistan", "Northern gateway", "Gwadar", "Chagai–Gwadar"]
        );
        d.pages.swap(0, 2);
        d.pages[0].title = "The port".into();
        let pages = d.pages_for(Path::new("/tmp/deck.png"));
        let titles: Vec<&str> = pages
            .iter()
            .map(|p| p.request.composition.title.as_str())
            .collect();
        assert_eq!(
            titles,
            ["The port", "Northern gateway", "Pakistan", "Chagai–Gwadar"]
        );
        let files: Vec<PathBuf> = pages.iter().map(|p| p.out.clone()).collect();
        assert_eq!(files[0], PathBuf::from("/tmp/deck-1.png"));
        assert_eq!(files[3], PathBuf::from("/tmp/deck-4.png"));
        assert!(pages.iter().all(|p| p.request.size_pt == [842.0, 595.0]));
        // A PDF is one file, drawn at a 4× image's detail.
        let pdf = d.pages_for(Path::new("/tmp/deck.pdf"));
        assert!(pdf.iter().all(|p| p.out == Path::new("/tmp/deck.pdf")));
        assert!(
            pdf.iter()
                .all(|p| p.request.scale == crate::export::deck::VECTOR_DETAIL_SCALE)
        );
    }

    #[test]
    fn a_deck_is_written_in_the_background_and_a_cancelled_one_writes_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut app = CorridorApp::for_tests();
        app.apply(Command::OpenDeckDialog);
        {
            let d = app.deck.as_mut().expect("open");
            for p in &mut d.pages {
                p.include = p.name == "Gwadar" || p.name == "Pakistan";
            }
            d.paper = Paper::Slide;
            d.classification = "RESTRICTED".into();
        }
        let out = dir.path().join("deck.pdf");
        app.apply(Command::ExportDeckTo(out.clone()));
        assert!(app.deck.as_ref().is_some_and(DeckDialog::is_running));
        assert!(app.wait_for_deck(std::time::Duration::from_secs(300)));
        let last = app.messages.last().expect("a message");
        assert_eq!(last.level, Level::Info, "{}", last.text);
        assert!(last.text.contains("2 pages of 960×540 pt"), "{}", last.text);
        assert!(app.deck.is_none(), "closed once written");
        let bytes = std::fs::read(&out).expect("the PDF");
        assert!(bytes.starts_with(b"%PDF-"));

        // Cancelled before its last page is drawn: nothing written, the dialog kept.
        app.apply(Command::OpenDeckDialog);
        let cancelled = dir.path().join("cancelled.pdf");
        app.apply(Command::ExportDeckTo(cancelled.clone()));
        app.apply(Command::CancelDeck);
        assert!(app.wait_for_deck(std::time::Duration::from_secs(300)));
        let last = app.messages.last().expect("a message");
        assert!(last.text.contains("cancelled"), "{}", last.text);
        assert!(!cancelled.exists());
        assert!(app.deck.is_some(), "the dialog stays for another try");
    }
}
