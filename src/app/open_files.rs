//! Opening GeoJSON files (File → Open, or dropped on the window): loaded on a background thread
//! through the one loader, added on top of the layers as they arrive; problems become messages
//! naming the file. The map stays responsive, and a batch can be cancelled between files.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};

use super::{CorridorApp, Level};
use crate::io::catalog::layer_from_file;
use crate::io::geojson::{LoadError, LoadWarning, Progress};
use crate::model::layer::Layer;

/// One file's outcome.
pub(super) enum Loaded {
    /// The layer, with the features that were skipped.
    Layer(Box<Layer>, Vec<LoadWarning>),
    /// The file could not be loaded.
    Failed(LoadError),
}

/// Files being loaded in the background.
pub(super) struct Loading {
    /// Files asked for.
    pub total: usize,
    /// Files finished.
    pub done: usize,
    /// The file being read now.
    pub current: Option<PathBuf>,
    /// How far the file being read has come.
    pub progress: Arc<Progress>,
    cancel: Arc<AtomicBool>,
    results: Receiver<(PathBuf, Option<Loaded>)>,
}

impl Loading {
    /// Stop loading: the file being read is abandoned, the rest are not started.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
        self.progress.cancel.store(true, Ordering::SeqCst);
    }

    /// Done so far, 0–1: whole files, plus half the current file's share for its bytes read
    /// (the other half is parsing, counted in features).
    pub fn fraction(&self) -> f32 {
        let total = self.progress.bytes_total.load(Ordering::Relaxed).max(1) as f32;
        let read = self.progress.bytes_read.load(Ordering::Relaxed) as f32 / total;
        (self.done as f32 + 0.5 * read.min(1.0)) / self.total.max(1) as f32
    }
}

fn load_all(
    paths: Vec<PathBuf>,
    first_index: usize,
    cancel: Arc<AtomicBool>,
    progress: Arc<Progress>,
    tx: Sender<(PathBuf, Option<Loaded>)>,
    ctx: egui::Context,
) {
    for (i, path) in paths.into_iter().enumerate() {
        if cancel.load(Ordering::SeqCst) {
            break;
        }
        for counter in [&progress.bytes_read, &progress.bytes_total] {
            counter.store(0, Ordering::Relaxed);
        }
        progress.features.store(0, Ordering::Relaxed);
        // Announce the file, then its outcome.
        let _ = tx.send((path.clone(), None));
        ctx.request_repaint();
        let outcome = match layer_from_file(&path, first_index + i, &progress) {
            Ok((layer, warnings)) => Loaded::Layer(Box::new(layer), warnings),
            Err(e) => Loaded::Failed(e),
        };
        let _ = tx.send((path, Some(outcome)));
        ctx.request_repaint();
    }
}

impl CorridorApp {
    /// Start loading `paths` in the background (after any batch still loading).
    pub(super) fn open_files(&mut self, paths: Vec<PathBuf>) {
        let paths: Vec<PathBuf> = paths
            .into_iter()
            .filter(|p| !p.as_os_str().is_empty())
            .collect();
        if paths.is_empty() {
            return;
        }
        if self.loading.is_some() {
            // One batch at a time: these follow when it is done.
            self.queued_files.extend(paths);
            return;
        }
        let (tx, rx) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let progress = Arc::new(Progress::default());
        let first_index = self.file_layers_opened;
        self.file_layers_opened += paths.len();
        self.loading = Some(Loading {
            total: paths.len(),
            done: 0,
            current: None,
            progress: Arc::clone(&progress),
            cancel: Arc::clone(&cancel),
            results: rx,
        });
        let ctx = self.ctx.clone();
        let spawned = crate::background::spawn("open-files", move || {
            load_all(paths, first_index, cancel, progress, tx, ctx)
        });
        if let Err(e) = spawned {
            self.loading = None;
            self.notify(Level::Error, format!("Cannot start loading the files: {e}"));
        }
    }

    /// Take in what the loader has finished; called every frame.
    pub(super) fn poll_loading(&mut self) {
        let Some(loading) = &mut self.loading else {
            return;
        };
        let mut arrived = Vec::new();
        let mut finished = false;
        loop {
            match loading.results.try_recv() {
                Ok((path, None)) => loading.current = Some(path),
                Ok((path, Some(outcome))) => {
                    loading.done += 1;
                    loading.current = None;
                    arrived.push((path, outcome));
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => break,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    finished = true;
                    break;
                }
            }
        }
        let batch_done = finished || loading.done == loading.total;
        let arrived_is_empty = arrived.is_empty();
        for (path, outcome) in arrived {
            match outcome {
                Loaded::Layer(mut layer, warnings) => {
                    // Ids stay unique when a file is opened twice.
                    let base = layer.id.clone();
                    let mut n = 1;
                    while self.layers.iter().any(|l| l.id == layer.id) {
                        n += 1;
                        layer.id = format!("{base}#{n}");
                    }
                    let count = layer.features.len();
                    layer.warnings = warnings.iter().map(ToString::to_string).collect();
                    match warnings.as_slice() {
                        [] => {}
                        [one] => self.notify(Level::Warning, format!("{}: {one}", path.display())),
                        many => self.notify(
                            Level::Warning,
                            format!(
                                "{}: {} features skipped or repaired, e.g. {} (all listed in the layer's properties)",
                                path.display(),
                                many.len(),
                                many[0]
                            ),
                        ),
                    }
                    if count == 0 {
                        self.notify(
                            Level::Warning,
                            format!("{}: the file holds no features", path.display()),
                        );
                    }
                    self.notify(
                        Level::Info,
                        format!("Opened {} ({count} features)", path.display()),
                    );
                    self.add_file_layer(*layer, &path);
                }
                Loaded::Failed(e @ LoadError::Cancelled { .. }) => {
                    self.notify(Level::Info, format!("Not opened: {e}"));
                }
                Loaded::Failed(e) => self.notify(Level::Error, format!("Not opened: {e}")),
            }
        }
        if !arrived_is_empty {
            self.generation += 1;
        }
        if batch_done {
            self.loading = None;
            let queued = std::mem::take(&mut self.queued_files);
            self.open_files(queued);
        }
    }
}
