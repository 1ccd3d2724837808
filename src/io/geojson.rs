//! The one GeoJSON loader, used by the app, `info` and (later) `export`.
//!
//! Strict where it matters: invalid JSON is an error with the line, column and an excerpt;
//! a document that is not GeoJSON says what it looks like instead. Tolerant inside a good
//! file: a feature that cannot be read is skipped with a warning naming it, and the rest load.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError, sync_channel};
use std::sync::{Mutex, PoisonError};

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::fast_feature::{fast_coordinates, fast_feature, fast_geometry};
use super::memory::{self, Headroom, human_bytes};
use super::repair::repair_geometry;
use super::text::{Released, Text};
use crate::model::layer::{Feature, FeatureName};
use crate::model::properties::Properties;

/// A GeoJSON file that was read, possibly with skipped features.
#[derive(Debug)]
pub struct LoadedFile {
    /// Where it came from.
    pub path: PathBuf,
    /// The features that loaded.
    pub features: Vec<Feature>,
    /// One entry per skipped or repaired feature.
    pub warnings: Vec<LoadWarning>,
    /// The collection's `name` member, if any.
    pub name: Option<String>,
}

/// A feature that was skipped or repaired, or a repair to the whole file, with the reason.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadWarning {
    /// 0-based index of the feature in the collection (or sequence); `None` for the file.
    pub feature_index: Option<usize>,
    /// What was wrong.
    pub message: String,
}

impl std::fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.feature_index {
            Some(i) => write!(f, "feature #{}: {}", i + 1, self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// A file that could not be loaded at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file cannot be read.
    #[error("{}: cannot read the file: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not valid JSON.
    #[error("{}, line {line}, column {column}: invalid JSON: {message}\n    {excerpt}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser found.
        message: String,
        /// The text around the error.
        excerpt: String,
    },
    /// GeoJSON whose coordinates are not longitude/latitude.
    #[error("{}: {message}", path.display())]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// What cannot be drawn, and what to do.
        message: String,
    },
    /// The user stopped the load.
    #[error("{}: loading was cancelled", path.display())]
    Cancelled {
        /// The file.
        path: PathBuf,
    },
    /// The file does not fit in the memory left: refused before it was read (`read_fraction`
    /// `None`), or stopped part-way. Nothing of it is kept.
    #[error("{}: {}", path.display(), short_of_memory_message(*size, *read_fraction, headroom))]
    OutOfMemory {
        /// The file.
        path: PathBuf,
        /// Its size, bytes.
        size: u64,
        /// How far the load had come when it stopped (0–1); `None` when it never started.
        read_fraction: Option<f64>,
        /// The memory that was left.
        headroom: Headroom,
    },
    /// Valid JSON, but not GeoJSON.
    #[error("{}: not GeoJSON: {reason}", path.display())]
    NotGeoJson {
        /// The file.
        path: PathBuf,
        /// What it is instead, or what is missing.
        reason: String,
    },
}

/// How far a load has come, shared with the thread that shows it; also how to stop it.
#[derive(Debug, Default)]
pub struct Progress {
    /// Size of the file, in bytes.
    pub bytes_total: AtomicU64,
    /// Bytes read so far.
    pub bytes_read: AtomicU64,
    /// Features parsed so far.
    pub features: AtomicUsize,
    /// Set to stop the load; it ends with [`LoadError::Cancelled`].
    pub cancel: AtomicBool,
    /// Bytes of text passed when memory is next checked.
    next_memory_check: AtomicU64,
    /// Set by the load when it stopped itself because memory ran short: the bytes of text it
    /// had passed, and the memory left then. It then ends with [`LoadError::OutOfMemory`].
    memory_stop: std::sync::Mutex<Option<(u64, Headroom)>>,
}

/// A load stops when less memory than this is left: room for the app to go on, and for the
/// features built between two checks.
const MEMORY_FLOOR: u64 = 256 << 20;

/// Memory is checked each time the reader has passed this many more bytes of text.
const MEMORY_CHECK_STEP: u64 = 4 << 20;

impl Progress {
    /// Ready for the next file: a stop for memory belonged to the file it stopped.
    fn begin_file(&self) {
        if self.take_memory_stop().is_some() {
            self.cancel.store(false, Ordering::Relaxed);
        }
        self.next_memory_check.store(0, Ordering::Relaxed);
    }

    /// Stop the load (as a cancel does) when memory is running short, checked once every
    /// [`MEMORY_CHECK_STEP`] of `passed`, the bytes of text read or parsed so far.
    fn stop_if_short_of_memory(&self, passed: u64) {
        if passed < self.next_memory_check.load(Ordering::Relaxed) {
            return;
        }
        self.next_memory_check
            .store(passed + MEMORY_CHECK_STEP, Ordering::Relaxed);
        if let Some(h) = memory::headroom().filter(|h| h.bytes < MEMORY_FLOOR) {
            *self.memory_stop_lock() = Some((passed, h));
            self.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// The stop for memory, if there was one, cleared.
    fn take_memory_stop(&self) -> Option<(u64, Headroom)> {
        self.memory_stop_lock().take()
    }

    fn memory_stop_lock(&self) -> std::sync::MutexGuard<'_, Option<(u64, Headroom)>> {
        // Only plain values are stored under the lock: one poisoned still holds a whole one.
        self.memory_stop
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The error a stopped load ends with: short of memory, or cancelled by the user.
    fn stopped(&self, path: &Path) -> LoadError {
        match *self.memory_stop_lock() {
            None => LoadError::Cancelled {
                path: path.to_path_buf(),
            },
            Some((passed, headroom)) => {
                let size = self.bytes_total.load(Ordering::Relaxed);
                LoadError::OutOfMemory {
                    path: path.to_path_buf(),
                    size,
                    read_fraction: Some(passed as f64 / size.max(1) as f64),
                    headroom,
                }
            }
        }
    }
}

/// What [`LoadError::OutOfMemory`] says.
fn short_of_memory_message(size: u64, read_fraction: Option<f64>, headroom: &Headroom) -> String {
    let what = match read_fraction {
        None => format!(
            "too big for the memory left: its text alone ({}) is held while it is read, and {} is free {}",
            human_bytes(size),
            human_bytes(headroom.bytes),
            headroom.bound
        ),
        Some(f) => format!(
            "memory ran short: loading stopped at {:.0} % of the file ({}), with {} left {}; nothing of it was kept",
            f * 100.0,
            human_bytes(size),
            human_bytes(headroom.bytes),
            headroom.bound
        ),
    };
    format!(
        "{what}. Close other programs, or open a smaller part of the file (an extract made with `ogr2ogr -spat`, say)"
    )
}

/// Read and parse a GeoJSON file.
pub fn load_file(path: &Path) -> Result<LoadedFile, LoadError> {
    load_file_with(path, &Progress::default())
}

/// Read and parse a GeoJSON file, reporting progress and stopping when asked. The file's text
/// is dropped as soon as it is parsed; features are converted one at a time as they are read.
pub fn load_file_with(path: &Path, progress: &Progress) -> Result<LoadedFile, LoadError> {
    let io_error = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io_error)?;
    let size = file.metadata().map_err(io_error)?.len();
    progress.bytes_total.store(size, Ordering::Relaxed);
    progress.begin_file();
    // The text is held whole while it is read: a file bigger than the memory left is refused
    // before anything is taken.
    if let Some(headroom) =
        memory::headroom().filter(|h| size.saturating_add(MEMORY_FLOOR) > h.bytes)
    {
        return Err(LoadError::OutOfMemory {
            path: path.to_path_buf(),
            size,
            read_fraction: None,
            headroom,
        });
    }
    let mut read = 0u64;
    let mut text = Text::read(&mut file, size, |n| {
        read += n as u64;
        progress.bytes_read.store(read, Ordering::Relaxed);
        progress.stop_if_short_of_memory(read);
        !progress.cancel.load(Ordering::Relaxed)
    })
    .map_err(io_error)?
    .ok_or_else(|| progress.stopped(path))?;
    drop(file);
    log::debug!("{} read", path.display());
    // In place: a copy would double a big sequence's memory.
    spaces_for_separators(text.bytes_mut());
    // The text is given back as the parser passes it (see `Text`); memory is checked as it
    // goes, since the features grow as the text shrinks.
    progress.next_memory_check.store(0, Ordering::Relaxed);
    let start = text.bytes().as_ptr() as u64;
    parse_text(
        text.bytes(),
        path,
        progress,
        &|at| {
            text.release_before(at);
            progress.stop_if_short_of_memory((at as u64).saturating_sub(start));
        },
        &|| text.released(),
    )
}

/// Parse GeoJSON bytes; `path` names the source in messages.
pub fn parse_bytes(bytes: &[u8], path: &Path) -> Result<LoadedFile, LoadError> {
    parse_bytes_with(bytes, path, &Progress::default())
}

/// Parse GeoJSON bytes, counting features in `progress` and stopping when it asks.
pub fn parse_bytes_with(
    bytes: &[u8],
    path: &Path,
    progress: &Progress,
) -> Result<LoadedFile, LoadError> {
    parse_text(bytes, path, progress, &|_| {}, &Released::default)
}

/// [`parse_bytes_with`], calling `release` with the place in `bytes` up to which the parser
/// has read for good, every few hundred features; `released` says what of `bytes` has been
/// given back (errors after it are still placed by line and column from the start).
fn parse_text(
    bytes: &[u8],
    path: &Path,
    progress: &Progress,
    release: &dyn Fn(*const u8),
    released: &dyn Fn() -> Released,
) -> Result<LoadedFile, LoadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.contains(&0) {
        return Err(LoadError::NotGeoJson {
            path: path.to_path_buf(),
            reason: "the file is binary (it contains NUL bytes)".into(),
        });
    }
    let text_start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != 0x1E);
    if text_start.is_some_and(|i| bytes[i].is_ascii_alphabetic()) && looks_like_jsonp(bytes) {
        return Err(not_geojson(
            path,
            "this is JSONP (JSON wrapped in a function call); remove the callback around the object",
        ));
    }
    // RFC 8142 text sequences put a record separator before each text: read them as spaces,
    // which keeps every line and column where it was.
    // (A file's text has had them replaced in place already: see `spaces_for_separators`.)
    let cleaned: std::borrow::Cow<'_, [u8]> = if memchr::memchr(0x1E, bytes).is_some() {
        let mut copy = bytes.to_vec();
        spaces_for_separators(&mut copy);
        copy.into()
    } else {
        bytes.into()
    };
    // NaN and Infinity (written by Python and pandas) are not JSON: read them as null, so the
    // positions holding them are named and skipped and the rest of the file loads.
    let (cleaned, non_numbers) = match replace_non_numbers(&cleaned) {
        Some((text, found)) => (std::borrow::Cow::Owned(text), Some(found)),
        None => (cleaned, None),
    };
    let mut repaired = 0;
    // The documents read as such, each with its number in the file (the lone features of a
    // sequence read on the fast path go to the builder, and only their count is kept).
    let mut docs: Vec<(usize, Doc)> = Vec::new();
    let mut doc_count = 0;
    let batches_sent = std::cell::Cell::new(0);
    // Reading the JSON here, projecting and ranking on a second thread; when the builder is
    // behind, the reader builds the batch itself (both cores stay busy to the end, and the
    // batches waiting are never more than a few).
    let collector = Mutex::new(Collector::default());
    // Where in the file an error inside a feature read from its own text lies.
    let error_at = std::cell::Cell::new(None);
    std::thread::scope(|scope| {
        let (builder, batches) = sync_channel::<Batch>(2);
        let collector = &collector;
        let worker = scope.spawn(move || {
            for batch in batches {
                let built = build_batch(batch);
                collector
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .add(built);
            }
        });
        // A syntax error, placed in the whole text; `base` is where the text the parser
        // read begins (its lines and columns count from there).
        let syntax_error = |e: serde_json::Error, base: usize| {
            if progress.cancel.load(Ordering::Relaxed) {
                return progress.stopped(path);
            }
            let places = Places {
                text: &cleaned,
                released: released(),
            };
            let (line, column) = error_at
                .get()
                .unwrap_or_else(|| places.serde_place(base, e.line(), e.column()));
            LoadError::Syntax {
                path: path.to_path_buf(),
                line,
                column,
                message: syntax_message(&e, places.offset_of(line, column), &cleaned),
                excerpt: places.excerpt(line, column),
            }
        };
        let mut read_doc = |de: &mut serde_json::Deserializer<serde_json::de::SliceRead<'_>>,
                            doc: usize| {
            DocSeed(FeaturesSeed {
                text: &cleaned,
                error_at: &error_at,
                progress,
                release,
                released,
                repaired: &mut repaired,
                doc,
                builder: &builder,
                collector,
                batches: &batches_sent,
            })
            .deserialize(de)
        };
        // One document, or a sequence of them (newline-delimited, RFC 8142): the first is
        // read in place; the others are split off one by one (asking the parser whether
        // text is left would count the lines before it each time). A lone feature is read
        // on the fast path into a batch, as a collection's features are; anything else on
        // its own.
        let read = (|| -> Result<(), (serde_json::Error, usize)> {
            if text_start.is_none() {
                return Ok(());
            }
            let mut de = serde_json::Deserializer::from_slice(&cleaned);
            docs.push((0, read_doc(&mut de, 0).map_err(|e| (e, 0))?));
            doc_count = 1;
            let mut lone = Vec::with_capacity(BATCH);
            let flush = |lone: &mut Vec<Pending>| {
                if !lone.is_empty() {
                    let batch = std::mem::replace(lone, Vec::with_capacity(BATCH));
                    hand_out(&builder, collector, &batches_sent, batch);
                }
            };
            for raw in de.into_iter::<&RawValue>() {
                let raw = raw.map_err(|e| (e, 0))?;
                let d = doc_count;
                doc_count += 1;
                match fast_feature(raw.get()) {
                    Some((properties, geometry)) => {
                        lone.push(Pending {
                            doc: d,
                            name: FeatureName::of(&properties, d),
                            properties,
                            geometry,
                        });
                        progress.features.fetch_add(1, Ordering::Relaxed);
                        if lone.len() == BATCH {
                            flush(&mut lone);
                        }
                    }
                    None => {
                        // The features before it go first, keeping the batches in file order.
                        flush(&mut lone);
                        let text = raw.get().as_bytes();
                        let base = text.as_ptr() as usize - cleaned.as_ptr() as usize;
                        let mut de = serde_json::Deserializer::from_slice(text);
                        docs.push((d, read_doc(&mut de, d).map_err(|e| (e, base))?));
                    }
                }
                // Everything of it has been copied out.
                release(raw.get().as_bytes().as_ptr_range().end);
                if progress.cancel.load(Ordering::Relaxed) {
                    return Err((serde::de::Error::custom("cancelled"), 0));
                }
            }
            flush(&mut lone);
            Ok(())
        })();
        drop(builder);
        if let Err((e, base)) = read {
            let _ = worker.join();
            return Err(syntax_error(e, base));
        }
        worker
            .join()
            .map_err(|_| not_geojson(path, "the features could not be built (an internal error)"))
    })?;
    drop(cleaned);
    // Everything the documents keep has been copied out of the text: give it all back
    // before their features are built (a file of one huge feature is built only now).
    release(bytes.as_ptr().wrapping_add(bytes.len()));
    let Collector {
        features: built,
        runs,
        ..
    } = collector
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    let mut file = if doc_count > 1 {
        from_sequence(docs, built, runs, path, &mut repaired)
    } else if let Some((_, doc)) = docs.pop() {
        // One document: a collection takes every feature built, as they lie.
        from_doc(with_features(doc, built), path, &mut repaired, 0)?
    } else {
        return Err(not_geojson(path, "the file is empty"));
    };
    if let Some((count, line)) = non_numbers {
        file.warnings.insert(
            0,
            LoadWarning {
                feature_index: None,
                message: format!("{count} NaN or Infinity value(s), which JSON does not allow, were read as null (the first on line {line})"),
            },
        );
    }
    if repaired > 0 {
        file.warnings.insert(
            0,
            LoadWarning {
                feature_index: None,
                message: format!("{repaired} \"type\" name(s) in the wrong case were read as the GeoJSON names (e.g. \"featurecollection\" as \"FeatureCollection\")"),
            },
        );
    }
    Ok(file)
}

/// RFC 8142's record separators (0x1E) made spaces, which keeps every line and column.
fn spaces_for_separators(bytes: &mut [u8]) {
    let mut from = 0;
    while let Some(i) = memchr::memchr(0x1E, &bytes[from..]) {
        bytes[from + i] = b' ';
        from += i + 1;
    }
}

/// Replace the bare words `NaN`, `Infinity` and `-Infinity` outside strings by `null`;
/// `None` when there are none, else the new text, how many, and the line of the first.
fn replace_non_numbers(bytes: &[u8]) -> Option<(Vec<u8>, (usize, usize))> {
    const WORDS: [&[u8]; 3] = [b"-Infinity", b"Infinity", b"NaN"];
    // Almost no file has them: a vectorised search rules them out without the byte-by-byte
    // walk (which would cost a 100 MB file half a second).
    if memchr::memmem::find(bytes, b"NaN").is_none()
        && memchr::memmem::find(bytes, b"Infinity").is_none()
    {
        return None;
    }
    let mut out: Option<Vec<u8>> = None;
    let (mut in_string, mut escaped) = (false, false);
    let (mut count, mut first_line, mut line) = (0, 0, 1);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if let Some(word) = WORDS.iter().find(|w| bytes[i..].starts_with(w)) {
            let o = out.get_or_insert_with(|| bytes[..i].to_vec());
            o.extend_from_slice(b"null");
            count += 1;
            if first_line == 0 {
                first_line = line;
            }
            i += word.len();
            continue;
        }
        if b == b'\n' {
            line += 1;
        }
        if let Some(o) = &mut out {
            o.push(b);
        }
        i += 1;
    }
    out.map(|o| (o, (count, first_line)))
}

/// `callback({...})`: an identifier, then a bracket before the first brace.
fn looks_like_jsonp(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(200)];
    match (
        head.iter().position(|&b| b == b'('),
        head.iter().position(|&b| b == b'{'),
    ) {
        (Some(paren), Some(brace)) => paren < brace,
        (Some(_), None) => true,
        _ => false,
    }
}

/// The GeoJSON type names, for repairing their case.
const TYPE_NAMES: [&str; 9] = [
    "FeatureCollection",
    "Feature",
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
];

/// Put `type` names written in another case (`"featurecollection"`, `"POINT"`) right,
/// counting the repairs.
fn normalise_types(v: &mut Value, repaired: &mut usize) {
    let Value::Object(obj) = v else { return };
    if let Some(Value::String(t)) = obj.get_mut("type")
        && let Some(canonical) = TYPE_NAMES.iter().find(|c| c.eq_ignore_ascii_case(t))
        && t != canonical
    {
        *t = (*canonical).to_string();
        *repaired += 1;
    }
    for key in ["features", "geometries"] {
        if let Some(Value::Array(items)) = obj.get_mut(key) {
            items.iter_mut().for_each(|i| normalise_types(i, repaired));
        }
    }
    if let Some(g) = obj.get_mut("geometry") {
        normalise_types(g, repaired);
    }
}

/// The `crs` member, where present: CRS84 and EPSG:4326 are longitude/latitude and accepted;
/// anything else is refused, since its coordinates would be drawn in the wrong place.
fn check_crs(obj: &Map<String, Value>) -> Result<(), String> {
    let Some(crs) = obj.get("crs").filter(|c| !c.is_null()) else {
        return Ok(());
    };
    let name = crs
        .pointer("/properties/name")
        .and_then(Value::as_str)
        .unwrap_or("an unnamed CRS");
    let lon_lat = ["CRS84", "4326"].iter().any(|k| name.contains(k));
    if lon_lat {
        Ok(())
    } else {
        Err(format!(
            "coordinates are in {name} (its \"crs\" member), not longitude/latitude; reproject to WGS84, e.g. `ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson`"
        ))
    }
}

/// Newline-delimited GeoJSON or a GeoJSON text sequence: each value a Feature, a Geometry or
/// a FeatureCollection; anything else is skipped with a warning naming its place. `docs` are
/// the documents read as such, each with its number; the others were lone features, built in
/// `built`.
fn from_sequence(
    docs: Vec<(usize, Doc)>,
    mut built: Vec<Feature>,
    runs: Vec<(usize, usize)>,
    path: &Path,
    repaired: &mut usize,
) -> LoadedFile {
    let mut warnings = Vec::new();
    let has_run = |i: &usize| runs.binary_search_by_key(i, |(d, _)| *d).is_ok();
    let features = if docs.iter().any(|(i, _)| has_run(i)) {
        // A collection among them: every feature moved into a new list, in order.
        let mut built = Built::new(built, runs);
        let mut features = Vec::with_capacity(built.features.len() + docs.len());
        for (i, doc) in docs {
            built.take_before(i, &mut features);
            let doc = with_features(doc, built.take_of(i));
            features.extend(doc_in_sequence(doc, i, path, repaired, &mut warnings));
        }
        built.take_before(usize::MAX, &mut features);
        features
    } else {
        // Lone features and geometries: theirs put into the list built where they belong,
        // in place (the list is not copied).
        let mut inserts = Vec::new();
        let mut runs = runs.into_iter().peekable();
        let mut before = 0;
        for (i, doc) in docs {
            while let Some((_, n)) = runs.next_if(|(d, _)| *d < i) {
                before += n;
            }
            inserts.push((
                before,
                doc_in_sequence(doc, i, path, repaired, &mut warnings),
            ));
        }
        insert_runs(&mut built, inserts, || {
            Feature::new(String::new(), Properties::default(), None)
        });
        built
    };
    LoadedFile {
        path: path.to_path_buf(),
        features,
        warnings,
        name: None,
    }
}

/// Document `i` of a sequence: its features, its warnings (or its error, as a warning) put
/// in `warnings`, placed at it.
fn doc_in_sequence(
    doc: Doc,
    i: usize,
    path: &Path,
    repaired: &mut usize,
    warnings: &mut Vec<LoadWarning>,
) -> Vec<Feature> {
    match from_doc(doc, path, repaired, i) {
        Ok(file) => {
            warnings.extend(file.warnings.into_iter().map(|w| LoadWarning {
                feature_index: Some(i),
                message: w.message,
            }));
            file.features
        }
        Err(e) => {
            warnings.push(LoadWarning {
                feature_index: Some(i),
                message: match e {
                    LoadError::NotGeoJson { reason, .. } => reason,
                    LoadError::Unsupported { message, .. } => message,
                    other => other.to_string(),
                },
            });
            Vec::new()
        }
    }
}

/// Each run of `inserts` put into `v` before the element at its offset (offsets ascending,
/// into `v` as it was), in one pass from the end: O(len) moves however many runs, and no
/// second list. `filler` makes the places to move into.
fn insert_runs<T>(v: &mut Vec<T>, inserts: Vec<(usize, Vec<T>)>, filler: impl FnMut() -> T) {
    let extra: usize = inserts.iter().map(|(_, run)| run.len()).sum();
    if extra == 0 {
        return;
    }
    let mut read_end = v.len();
    v.resize_with(read_end + extra, filler);
    let mut write = v.len();
    for (at, run) in inserts.into_iter().rev() {
        let at = at.min(read_end);
        for j in (at..read_end).rev() {
            write -= 1;
            v.swap(j, write);
        }
        read_end = at;
        for item in run.into_iter().rev() {
            write -= 1;
            v[write] = item;
        }
    }
}

/// A document with the features built for it, when it is a collection.
fn with_features(doc: Doc, features: Vec<Feature>) -> Doc {
    match doc {
        Doc::Object {
            members,
            streamed: Some(mut streamed),
            fast,
        } => {
            streamed.features = features;
            streamed.features.shrink_to_fit();
            Doc::Object {
                members,
                streamed: Some(streamed),
                fast,
            }
        }
        other => other,
    }
}

/// The features built, in file order, taken document by document.
struct Built {
    features: std::vec::IntoIter<Feature>,
    /// Each document's run of them: its number and how many.
    runs: std::iter::Peekable<std::vec::IntoIter<(usize, usize)>>,
}

impl Built {
    fn new(features: Vec<Feature>, runs: Vec<(usize, usize)>) -> Self {
        Self {
            features: features.into_iter(),
            runs: runs.into_iter().peekable(),
        }
    }

    /// The features of the documents before document `d`, appended to `out`.
    fn take_before(&mut self, d: usize, out: &mut Vec<Feature>) {
        while let Some((_, n)) = self.runs.next_if(|(doc, _)| *doc < d) {
            out.extend(self.features.by_ref().take(n));
        }
    }

    /// The features of document `d` (the documents before it taken already).
    fn take_of(&mut self, d: usize) -> Vec<Feature> {
        match self.runs.next_if(|(doc, _)| *doc == d) {
            Some((_, n)) => self.features.by_ref().take(n).collect(),
            None => Vec::new(),
        }
    }
}

/// One top-level JSON value as read: an object with its `features` already converted, or
/// something else.
enum Doc {
    /// A JSON object: its members but for those read on the way.
    Object {
        /// The members as JSON values.
        members: Map<String, Value>,
        /// What its `features` array gave, when it had one.
        streamed: Option<Streamed>,
        /// Its geometry (a Feature's `geometry`, or a bare geometry's `coordinates`) when
        /// that was read on the fast path, straight from its text: `Some(None)` for null.
        fast: Option<Option<geo::Geometry<f64>>>,
    },
    /// Not an object.
    NotObject,
}

/// Features converted while their array was being read.
struct Streamed {
    features: Vec<Feature>,
    warnings: Vec<LoadWarning>,
    total: usize,
}

/// Reads one top-level value, converting the members of a `features` array one at a time (with
/// the [`FeaturesSeed`] it holds), so the parsed JSON of the whole collection never exists at
/// once.
struct DocSeed<'a>(FeaturesSeed<'a>);

impl<'de> DeserializeSeed<'de> for DocSeed<'_> {
    type Value = Doc;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Doc, D::Error> {
        d.deserialize_any(self)
    }
}

/// The visitor methods for JSON scalars (text, booleans, numbers, null), each answering
/// `$value`: a value of the wrong kind where a visitor expects an object or an array.
macro_rules! scalars_answer {
    ($out:ty, $value:expr) => {
        fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<$out, E> {
            Ok($value)
        }
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<$out, E> {
            Ok($value)
        }
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<$out, E> {
            Ok($value)
        }
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<$out, E> {
            Ok($value)
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<$out, E> {
            Ok($value)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<$out, E> {
            Ok($value)
        }
    };
}

impl<'de> Visitor<'de> for DocSeed<'_> {
    type Value = Doc;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a GeoJSON object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Doc, A::Error> {
        let mut members = Map::new();
        let mut streamed = None;
        // A geometry can be most of the file (one polygon of millions of vertices): kept as
        // text until the type is known, then read on the fast path, not as JSON values.
        let mut geometry: Option<&'de RawValue> = None;
        let mut coordinates: Option<&'de RawValue> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "features" => streamed = map.next_value_seed(self.0.reborrow())?,
                "geometry" => geometry = Some(map.next_value()?),
                "coordinates" => coordinates = Some(map.next_value()?),
                _ => {
                    let value: Value = map.next_value()?;
                    members.insert(key, value);
                }
            }
        }
        let kind = members
            .get("type")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let fast = match (kind.as_deref(), geometry, coordinates) {
            (Some("Feature"), Some(g), _) => fast_geometry(g.get()),
            (Some(kind), _, Some(c)) => fast_coordinates(kind, c.get()).map(Some),
            _ => None,
        };
        if fast.is_some() {
            // Read already: only the member's presence is kept, for the checks that follow.
            let key = if kind.as_deref() == Some("Feature") {
                "geometry"
            } else {
                "coordinates"
            };
            members.insert(key.into(), Value::Null);
        } else {
            for (key, raw) in [("geometry", geometry), ("coordinates", coordinates)] {
                if let Some(raw) = raw {
                    members.insert(key.into(), self.0.value_of(raw)?);
                }
            }
        }
        Ok(Doc::Object {
            members,
            streamed,
            fast,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Doc, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Doc::NotObject)
    }
    scalars_answer!(Doc, Doc::NotObject);
}

/// Features handed to the builder thread at a time.
const BATCH: usize = 256;

/// Features read, numbered in file order.
type Batch = (usize, Vec<Pending>);

/// Features built, with their document, numbered as their batch was.
type BuiltBatch = (usize, Vec<(usize, Feature)>);

/// Built batches, put in file order as they come (from the builder and from the reader), each
/// feature in its document's list: the features are never held twice, in their batches and in
/// the list they end in.
#[derive(Default)]
struct Collector {
    /// The batch that comes next in file order.
    next: usize,
    /// Batches built ahead of it.
    waiting: BTreeMap<usize, Vec<(usize, Feature)>>,
    /// Every feature built, in file order.
    features: Vec<Feature>,
    /// The documents they belong to, in order: each document's number and how many.
    runs: Vec<(usize, usize)>,
}

impl Collector {
    fn add(&mut self, (seq, batch): BuiltBatch) {
        self.waiting.insert(seq, batch);
        while let Some(batch) = self.waiting.remove(&self.next) {
            self.next += 1;
            for (doc, f) in batch {
                match self.runs.last_mut() {
                    Some((last, n)) if *last == doc => *n += 1,
                    _ => self.runs.push((doc, 1)),
                }
                self.features.push(f);
            }
        }
    }
}

/// Give a batch to the builder, or build it here when the builder has enough waiting.
fn hand_out(
    builder: &SyncSender<Batch>,
    collector: &Mutex<Collector>,
    batches: &std::cell::Cell<usize>,
    batch: Vec<Pending>,
) {
    let seq = batches.get();
    batches.set(seq + 1);
    match builder.try_send((seq, batch)) {
        // The builder only stops early when the load is abandoned.
        Ok(()) | Err(TrySendError::Disconnected(_)) => {}
        Err(TrySendError::Full(batch)) => {
            let built = build_batch(batch);
            collector
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .add(built);
        }
    }
}

/// Project and rank a batch of features read.
fn build_batch((seq, batch): Batch) -> BuiltBatch {
    let features = batch
        .into_iter()
        .map(|p| (p.doc, Feature::new(p.name, p.properties, p.geometry)))
        .collect();
    (seq, features)
}

/// The `features` array, read member by member and handed to the builder in batches; `None`
/// when it is not an array.
struct FeaturesSeed<'a> {
    /// The whole text being read, to place errors found in a part of it.
    text: &'a [u8],
    /// Where an error inside a part read on its own lies in `text`: (line, column).
    error_at: &'a std::cell::Cell<Option<(usize, usize)>>,
    progress: &'a Progress,
    release: &'a dyn Fn(*const u8),
    released: &'a dyn Fn() -> Released,
    repaired: &'a mut usize,
    doc: usize,
    builder: &'a SyncSender<Batch>,
    /// Where built batches go (those built on the reading thread, when the builder was busy,
    /// as well).
    collector: &'a Mutex<Collector>,
    /// Batches handed out so far, to number the next.
    batches: &'a std::cell::Cell<usize>,
}

impl FeaturesSeed<'_> {
    /// The same seed, for one more `features` member.
    fn reborrow(&mut self) -> FeaturesSeed<'_> {
        FeaturesSeed {
            text: self.text,
            error_at: self.error_at,
            progress: self.progress,
            release: self.release,
            released: self.released,
            repaired: &mut *self.repaired,
            doc: self.doc,
            builder: self.builder,
            collector: self.collector,
            batches: self.batches,
        }
    }

    /// A part of the text (a feature, a geometry) read as a JSON value; an error in it is
    /// placed in the whole text (`error_at`), not in the part.
    fn value_of<E: serde::de::Error>(&self, raw: &RawValue) -> Result<Value, E> {
        serde_json::from_str(raw.get()).map_err(|e| {
            let start = (raw.get().as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize);
            let places = Places {
                text: self.text,
                released: (self.released)(),
            };
            let (line, column) = places.line_column(start);
            self.error_at.set(Some(if e.line() <= 1 {
                (line, column - 1 + e.column())
            } else {
                (line + e.line() - 1, e.column())
            }));
            E::custom(e)
        })
    }

    /// Give a batch to the builder, or build it here when the builder has enough waiting.
    fn hand_out(&mut self, batch: Vec<Pending>) {
        hand_out(self.builder, self.collector, self.batches, batch);
    }
}

impl<'de> DeserializeSeed<'de> for FeaturesSeed<'_> {
    type Value = Option<Streamed>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Streamed>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FeaturesSeed<'_> {
    type Value = Option<Streamed>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of features")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Option<Streamed>, A::Error> {
        let mut out = Streamed {
            features: Vec::new(),
            warnings: Vec::new(),
            total: 0,
        };
        let mut batch = Vec::with_capacity(BATCH);
        let mut last_end = None;
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            last_end = Some(raw.get().as_ptr().wrapping_add(raw.get().len()));
            let i = out.total;
            out.total += 1;
            let (pending, notes) = match fast_feature(raw.get()) {
                Some((properties, geometry)) => (
                    Some(Pending {
                        doc: self.doc,
                        name: FeatureName::of(&properties, i),
                        properties,
                        geometry,
                    }),
                    Vec::new(),
                ),
                None => {
                    let mut item: Value = self.value_of(raw)?;
                    normalise_types(&mut item, self.repaired);
                    read_pieces(item, i).unwrap_or_else(|m| (None, vec![m]))
                }
            };
            batch.extend(pending.map(|p| Pending { doc: self.doc, ..p }));
            out.warnings
                .extend(notes.into_iter().map(|message| LoadWarning {
                    feature_index: Some(i),
                    message,
                }));
            self.progress.features.fetch_add(1, Ordering::Relaxed);
            if self.progress.cancel.load(Ordering::Relaxed) {
                return Err(serde::de::Error::custom("cancelled"));
            }
            if batch.len() == BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                self.hand_out(full);
                // Everything before this feature has been copied out.
                (self.release)(raw.get().as_ptr());
            }
        }
        if !batch.is_empty() {
            // Everything read has been copied out: the text goes back before the last
            // features are built (all of them, in a collection of a few huge ones).
            if let Some(end) = last_end {
                (self.release)(end);
            }
            self.hand_out(batch);
        }
        Ok(Some(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Streamed>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    scalars_answer!(Option<Streamed>, None);
}

/// serde_json's message, but "trailing comma" where a comma is followed by a closing bracket
/// (skipping a value reports that as "key must be a string" or "expected value").
fn syntax_message(e: &serde_json::Error, at: Option<usize>, bytes: &[u8]) -> String {
    let Some(at) = at else {
        return crate::model::json_error_text(e);
    };
    let closing = bytes.get(at).is_some_and(|b| matches!(b, b'}' | b']'));
    let after_comma = bytes[..at.min(bytes.len())]
        .iter()
        .rev()
        .find(|b| !b.is_ascii_whitespace())
        == Some(&b',');
    if closing && after_comma {
        "trailing comma".into()
    } else {
        crate::model::json_error_text(e)
    }
}

/// Lines and columns (1-based; columns count bytes, as serde_json's do) in a text whose front
/// may have been given back: the lines it held were counted as it went.
struct Places<'a> {
    text: &'a [u8],
    released: Released,
}

impl Places<'_> {
    /// The line and column of the byte at `offset` (at or after the part given back).
    fn line_column(&self, offset: usize) -> (usize, usize) {
        let from = self.released.bytes.min(offset).min(self.text.len());
        let seen = &self.text[from..offset.min(self.text.len())];
        let line = self.released.newlines + memchr::memchr_iter(b'\n', seen).count() + 1;
        let line_start = memchr::memrchr(b'\n', seen)
            .map(|i| from + i + 1)
            .or(self.released.last_newline.map(|i| i + 1))
            .unwrap_or(0);
        (line, offset.saturating_sub(line_start) + 1)
    }

    /// serde_json's line and column for an error in the text from `base` on, counted again
    /// from the start of the file: serde_json counts the lines before an error when it makes
    /// one, from where its text began, and reads the part given back as blank.
    fn serde_place(&self, base: usize, line: usize, column: usize) -> (usize, usize) {
        let r = self.released;
        if base == 0 && r.bytes == 0 {
            return (line, column);
        }
        // The line ends serde_json saw: those after `base` not given back.
        let seen_from = base.max(r.bytes).min(self.text.len());
        // serde_json's column is the error's offset from the start of its line.
        let line_start = match line.checked_sub(2) {
            None => base,
            Some(n) => match memchr::memchr_iter(b'\n', &self.text[seen_from..]).nth(n) {
                Some(i) => seen_from + i + 1,
                None => return (line, column),
            },
        };
        let (line, column) = self.line_column(line_start + column);
        (line, column - 1)
    }

    /// Where `line` starts; `None` for a line wholly given back or past the end.
    fn line_start(&self, line: usize) -> Option<usize> {
        let before = line.checked_sub(1)?;
        let r = self.released;
        match before.checked_sub(r.newlines)? {
            0 => Some(r.last_newline.map_or(0, |i| i + 1)),
            more => memchr::memchr_iter(b'\n', self.text.get(r.bytes..)?)
                .nth(more - 1)
                .map(|i| r.bytes + i + 1),
        }
    }

    /// The byte at `line` and `column`.
    fn offset_of(&self, line: usize, column: usize) -> Option<usize> {
        Some(self.line_start(line)? + column.saturating_sub(1)).filter(|&at| at <= self.text.len())
    }

    /// Up to 60 characters of the line around the column, with a caret under it (control
    /// characters, a record separator or a tab among them, shown as spaces).
    fn excerpt(&self, line: usize, column: usize) -> String {
        let Some(start) = self.line_start(line) else {
            return String::new();
        };
        let end = memchr::memchr(b'\n', &self.text[start.min(self.text.len())..])
            .map_or(self.text.len(), |i| start + i);
        let at = (start + column.saturating_sub(1)).min(end);
        // A window of bytes round the column, begun on a character's first byte.
        let mut lo = at.saturating_sub(160).max(start);
        while lo < at && (self.text[lo] & 0xC0) == 0x80 {
            lo += 1;
        }
        let hi = (at + 160).min(end);
        let shown = |b: &[u8]| -> Vec<char> {
            String::from_utf8_lossy(b)
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect()
        };
        let before = shown(&self.text[lo..at]);
        let after = shown(&self.text[at..hi]);
        let lead = before.len().min(30);
        let snippet: String = before[before.len() - lead..]
            .iter()
            .chain(after.iter().take(30))
            .collect();
        format!("{snippet}\n    {}^", " ".repeat(lead))
    }
}

fn not_geojson(path: &Path, reason: impl Into<String>) -> LoadError {
    LoadError::NotGeoJson {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// What a JSON document that is not GeoJSON looks like, for the message.
fn describe_foreign(obj: &Map<String, Value>) -> String {
    if obj.get("type").and_then(Value::as_str) == Some("Topology") || obj.contains_key("arcs") {
        "this is TopoJSON; convert it to GeoJSON first (e.g. with mapshaper or topojson-client)"
            .into()
    } else if obj.contains_key("spatialReference") || obj.contains_key("geometryType") {
        "this is Esri JSON; export it as GeoJSON from ArcGIS or convert it with GDAL's ogr2ogr"
            .into()
    } else if obj.contains_key("elements") && obj.contains_key("osm3s") {
        "this is raw Overpass API JSON; ask Overpass for `out geom` and convert it with osmtogeojson".into()
    } else {
        match obj.get("type") {
            Some(Value::String(t)) => format!("unknown GeoJSON type \"{t}\""),
            Some(_) => "the \"type\" member is not a string".into(),
            None => "the top-level object has no \"type\" member".into(),
        }
    }
}

/// One document as a file of its own; `index` numbers it in a sequence (an unnamed feature is
/// called after it).
fn from_doc(
    doc: Doc,
    path: &Path,
    repaired: &mut usize,
    index: usize,
) -> Result<LoadedFile, LoadError> {
    let Doc::Object {
        members: obj,
        streamed,
        fast,
    } = doc
    else {
        return Err(not_geojson(path, "the document is not a JSON object"));
    };
    let mut top = Value::Object(obj);
    normalise_types(&mut top, repaired);
    let Value::Object(obj) = top else {
        return Err(not_geojson(path, "the document is not a JSON object"));
    };
    let kind = obj.get("type").and_then(Value::as_str).map(str::to_owned);
    let name = obj.get("name").and_then(Value::as_str).map(str::to_owned);
    check_crs(&obj).map_err(|message| LoadError::Unsupported {
        path: path.to_path_buf(),
        message,
    })?;
    let mut warnings = Vec::new();
    let features = match kind.as_deref() {
        Some("FeatureCollection") => {
            let Some(streamed) = streamed else {
                return Err(not_geojson(
                    path,
                    "the FeatureCollection has no \"features\" array",
                ));
            };
            let Streamed {
                features,
                warnings: notes,
                total,
            } = streamed;
            warnings.extend(notes);
            if features.is_empty()
                && total > 0
                && warnings.iter().all(|w| w.message.contains(PROJECTED))
            {
                return Err(LoadError::Unsupported {
                    path: path.to_path_buf(),
                    message: format!(
                        "every coordinate is outside longitude/latitude range: {PROJECTED}; reproject to WGS84, e.g. `ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson`"
                    ),
                });
            }
            features
        }
        Some("Feature") => {
            let (feature, notes) =
                read_feature(Value::Object(obj), index, fast).map_err(|m| not_geojson(path, m))?;
            let Some(feature) = feature else {
                return Err(not_geojson(path, notes.join("; ")));
            };
            warnings.extend(notes.into_iter().map(|message| LoadWarning {
                feature_index: Some(0),
                message,
            }));
            vec![feature]
        }
        Some(
            "Point" | "MultiPoint" | "LineString" | "MultiLineString" | "Polygon" | "MultiPolygon"
            | "GeometryCollection",
        ) if fast.as_ref().is_some_and(Option::is_some) => {
            let g = fast.flatten();
            vec![Feature::new("Geometry", Map::new(), g)]
        }
        Some(
            "Point" | "MultiPoint" | "LineString" | "MultiLineString" | "Polygon" | "MultiPolygon"
            | "GeometryCollection",
        ) => {
            let mut value = Value::Object(obj);
            let repairs = repair_geometry(&mut value).map_err(|m| not_geojson(path, m))?;
            warnings.extend(repairs.into_iter().map(|message| LoadWarning {
                feature_index: None,
                message: format!("repaired: {message}"),
            }));
            let g = checked_geometry(value).map_err(|m| not_geojson(path, m))?;
            vec![Feature::new("Geometry", Map::new(), Some(g))]
        }
        _ => return Err(not_geojson(path, describe_foreign(&obj))),
    };
    Ok(LoadedFile {
        path: path.to_path_buf(),
        features,
        warnings,
        name,
    })
}

/// Read one feature: the feature (or `None` when it had to be skipped) and the notes on what
/// was skipped or repaired, each naming the feature by its name when it has one.
/// `fast`: its geometry, when that was read on the fast path.
fn read_feature(
    item: Value,
    index: usize,
    fast: Option<Option<geo::Geometry<f64>>>,
) -> Result<(Option<Feature>, Vec<String>), String> {
    let (pending, notes) = read_pieces(item, index)?;
    Ok((
        pending.map(|p| Feature::new(p.name, p.properties, fast.unwrap_or(p.geometry))),
        notes,
    ))
}

/// A feature read but not yet projected and simplified (that is done on another thread).
struct Pending {
    /// Which top-level document it belongs to.
    doc: usize,
    name: FeatureName,
    properties: Properties,
    geometry: Option<geo::Geometry<f64>>,
}

/// The tolerant path for one feature: its pieces (or `None` when it had to be skipped) and
/// the notes on what was skipped or repaired.
fn read_pieces(mut item: Value, index: usize) -> Result<(Option<Pending>, Vec<String>), String> {
    let label = item
        .pointer("/properties/name")
        .and_then(Value::as_str)
        .map(|n| format!(" (\"{n}\")"))
        .unwrap_or_default();
    if let Value::Object(obj) = &item {
        check_crs(obj).map_err(|m| format!("skipped{label}: {m}"))?;
    }
    let mut notes = Vec::new();
    if let Some(geometry) = item.get_mut("geometry").filter(|g| !g.is_null()) {
        match repair_geometry(geometry) {
            Ok(repairs) => {
                notes.extend(repairs.into_iter().map(|r| format!("repaired{label}: {r}")))
            }
            Err(reason) => return Ok((None, vec![format!("skipped{label}: {reason}")])),
        }
    }
    let Value::Object(mut obj) = item else {
        return Err(format!("skipped{label}: a feature must be a JSON object"));
    };
    match obj.get("type").and_then(Value::as_str) {
        Some("Feature") => {}
        Some(other) => {
            return Err(format!(
                "skipped{label}: its type is \"{other}\", not \"Feature\""
            ));
        }
        None => return Err(format!("skipped{label}: it has no \"type\": \"Feature\"")),
    }
    let properties = match obj.remove("properties") {
        None | Some(Value::Null) => Properties::new(),
        Some(Value::Object(p)) => {
            Properties::from_map(p).map_err(|e| format!("skipped{label}: {e}"))?
        }
        Some(other) => {
            notes.push(format!(
                "repaired{label}: \"properties\" was {other}, not an object; read as none"
            ));
            Properties::new()
        }
    };
    let name = FeatureName::of(&properties, index);
    let geometry = match obj.remove("geometry").filter(|g| !g.is_null()) {
        None => None,
        Some(g) => match checked_geometry(g) {
            Ok(g) => Some(g),
            Err(m) => return Ok((None, vec![format!("skipped{label}: {m}")])),
        },
    };
    Ok((
        Some(Pending {
            doc: 0,
            name,
            properties,
            geometry,
        }),
        notes,
    ))
}

/// What out-of-range coordinates most likely mean.
const PROJECTED: &str = "the file may be in a projected CRS (metres)";

/// A repaired (see [`repair_geometry`]) GeoJSON geometry as a geo geometry, through the
/// geojson crate's types, refusing coordinates outside the lon/lat range (projected metres
/// would otherwise be drawn across the world).
fn checked_geometry(value: Value) -> Result<geo::Geometry<f64>, String> {
    let geometry: geojson::Geometry =
        serde_json::from_value(value).map_err(|e| format!("bad geometry: {e}"))?;
    let g: geo::Geometry<f64> = geometry
        .try_into()
        .map_err(|e: geojson::Error| format!("bad geometry: {e}"))?;
    check_range(g)
}

/// Refuse coordinates outside the lon/lat range.
fn check_range(g: geo::Geometry<f64>) -> Result<geo::Geometry<f64>, String> {
    use geo::CoordsIter;
    if let Some(c) = g
        .coords_iter()
        .find(|c| !(c.x.is_finite() && c.y.is_finite() && c.x.abs() <= 180.0 && c.y.abs() <= 90.0))
    {
        return Err(format!(
            "coordinate ({}, {}) is outside longitude/latitude range; {PROJECTED}",
            short_number(c.x),
            short_number(c.y)
        ));
    }
    Ok(g)
}

/// A number as a message shows it: plainly, or in scientific notation when huge (a 1e308
/// coordinate is not written out in 309 digits).
fn short_number(v: f64) -> String {
    if v.abs() < 1e9 {
        v.to_string()
    } else {
        format!("{v:e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_coordinate_is_named_briefly() {
        let err = check_range(geo::Geometry::Point(geo::Point::new(1e308, 2.0)))
            .expect_err("out of range");
        assert!(err.starts_with("coordinate (1e308, 2) is outside"), "{err}");
        assert_eq!(short_number(-123456.5), "-123456.5");
    }

    fn parse(text: &str) -> Result<LoadedFile, LoadError> {
        parse_bytes(text.as_bytes(), Path::new("test.geojson"))
    }

    #[test]
    fn loads_a_feature_collection_with_null_geometry() {
        let f = parse(
            r#"{"type":"FeatureCollection","name":"x","features":[
            {"type":"Feature","properties":{"name":"A"},"geometry":{"type":"Point","coordinates":[62.3,25.1]}},
            {"type":"Feature","properties":{"name":"B"},"geometry":null}]}"#,
        )
        .expect("loads");
        assert_eq!(f.features.len(), 2);
        assert_eq!(f.features[0].name(), "A");
        assert!(!f.features[1].is_located());
        assert!(f.warnings.is_empty());
        assert_eq!(f.name.as_deref(), Some("x"));
    }

    #[test]
    fn syntax_error_has_line_column_and_excerpt() {
        let err =
            parse("{\"type\": \"FeatureCollection\",\n \"features\": [1,, 2]}").expect_err("bad");
        let LoadError::Syntax {
            line,
            column,
            ref excerpt,
            ..
        } = err
        else {
            panic!("expected a syntax error, got {err}");
        };
        assert_eq!((line, column), (2, 17));
        assert!(excerpt.contains("[1,, 2]"), "{excerpt}");
        assert!(
            err.to_string()
                .starts_with("test.geojson, line 2, column 17: invalid JSON")
        );
    }

    #[test]
    fn bad_features_are_skipped_with_warnings() {
        let f = parse(
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"name":"ok"},"geometry":{"type":"Point","coordinates":[1,2]}},
            {"type":"Feature","properties":{"name":"strings"},"geometry":{"type":"Point","coordinates":["1","2"]}},
            {"type":"Feature","properties":{"name":"metres"},"geometry":{"type":"Point","coordinates":[7000000,3000000]}}]}"#,
        )
        .expect("loads the rest");
        assert_eq!(f.features.len(), 2, "numbers written as text are repaired");
        assert_eq!(f.warnings.len(), 2);
        assert_eq!(f.warnings[0].feature_index, Some(1));
        assert!(
            f.warnings[0]
                .to_string()
                .starts_with("feature #2: repaired (\"strings\"): 2 coordinate(s) written as text"),
            "{}",
            f.warnings[0]
        );
        assert!(
            f.warnings[1].message.contains("projected"),
            "{}",
            f.warnings[1]
        );
    }

    #[test]
    fn recognises_what_is_not_geojson() {
        let topo = parse(r#"{"type":"Topology","objects":{},"arcs":[]}"#).expect_err("topojson");
        assert!(topo.to_string().contains("TopoJSON"));
        let esri = parse(r#"{"geometryType":"esriGeometryPoint","spatialReference":{"wkid":4326},"features":[]}"#)
            .expect_err("esri");
        assert!(esri.to_string().contains("Esri JSON"));
        let arr = parse("[1, 2]").expect_err("array");
        assert!(arr.to_string().contains("not a JSON object"));
        let bin = parse_bytes(b"\x89PNG\r\n\x1a\n\0\0", Path::new("x.png")).expect_err("binary");
        assert!(bin.to_string().contains("binary"));
    }

    #[test]
    fn accepts_bom_single_feature_and_bare_geometry() {
        let f = parse("\u{feff}{\"type\":\"Feature\",\"properties\":null,\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,1]]}}")
            .expect("feature with BOM");
        assert_eq!(f.features.len(), 1);
        assert_eq!(f.features[0].name(), "Feature 1");
        let g = parse(r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#)
            .expect("geometry");
        assert_eq!(g.features[0].geometry_type(), "Polygon");
    }
}

#[cfg(test)]
mod tolerance_tests {
    use super::*;

    fn parse(text: &str) -> Result<LoadedFile, LoadError> {
        parse_bytes(text.as_bytes(), Path::new("t.geojson"))
    }

    const POINT: &str = r#"{"type":"Feature","properties":{"name":"A"},"geometry":{"type":"Point","coordinates":[62,25]}}"#;

    #[test]
    fn newline_delimited_and_rfc8142_sequences_load() {
        let nd = format!("{POINT}\n{POINT}\n\n{POINT}\n");
        assert_eq!(parse(&nd).expect("ndjson").features.len(), 3);
        let seq = format!("\u{1e}{POINT}\n\u{1e}{POINT}\n");
        let f = parse(&seq).expect("text sequence");
        assert_eq!(f.features.len(), 2);
        assert!(f.warnings.is_empty());
        let mixed = format!("{POINT}\n[1,2]\n{POINT}\n");
        let f = parse(&mixed).expect("sequence with a stray value");
        assert_eq!(f.features.len(), 2);
        assert_eq!(f.warnings[0].feature_index, Some(1));
        let broken = format!("{POINT}\n{{\"type\": \n");
        let LoadError::Syntax { line, .. } = parse(&broken).expect_err("truncated") else {
            panic!("a syntax error");
        };
        assert_eq!(line, 3);
    }

    #[test]
    fn a_sequence_keeps_its_documents_in_order_whichever_way_each_is_read() {
        let named = |n: &str| POINT.replace("\"A\"", &format!("\"{n}\""));
        let collection = format!(
            r#"{{"type":"FeatureCollection","features":[{},{}]}}"#,
            named("C"),
            named("D")
        );
        // An unclosed ring: the tolerant path closes it and says so.
        let unclosed = r#"{"type":"Feature","properties":{"name":"E"},"geometry":{"type":"Polygon","coordinates":[[[60,25],[61,25],[61,26]]]}}"#;
        let unnamed = r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[63,26]}}"#;
        let docs = [
            named("A"),
            named("B"),
            collection,
            unclosed.to_string(),
            named("F"),
            "[1,2]".to_string(),
            unnamed.to_string(),
        ];
        for sep in ["", "\u{1e}"] {
            let text: String = docs.iter().map(|d| format!("{sep}{d}\n")).collect();
            let f = parse(&text).expect("a sequence");
            let names: Vec<_> = f.features.iter().map(Feature::name).collect();
            assert_eq!(names, ["A", "B", "C", "D", "E", "F", "Feature 7"]);
            let placed: Vec<Option<usize>> = f.warnings.iter().map(|w| w.feature_index).collect();
            assert_eq!(placed, [Some(3), Some(5)], "{:?}", f.warnings);
        }
        // Without the collection, the documents read on their own are put among the lone
        // features in place.
        let mut lone = docs.to_vec();
        lone[2] = named("C");
        let text: String = lone.iter().map(|d| format!("{d}\n")).collect();
        let f = parse(&text).expect("a sequence");
        let names: Vec<_> = f.features.iter().map(Feature::name).collect();
        assert_eq!(names, ["A", "B", "C", "E", "F", "Feature 7"]);
        let placed: Vec<Option<usize>> = f.warnings.iter().map(|w| w.feature_index).collect();
        assert_eq!(placed, [Some(3), Some(5)], "{:?}", f.warnings);
        // Many lone features, over several batches, each named by its place when unnamed.
        let text: String = (0..1000).map(|_| format!("{unnamed}\n")).collect();
        let f = parse(&text).expect("a sequence");
        assert_eq!(f.features.len(), 1000);
        assert_eq!(f.features[1].name(), "Feature 2");
        assert_eq!(f.features[999].name(), "Feature 1000");
    }

    #[test]
    fn runs_are_inserted_where_they_belong_in_one_pass() {
        let mut v: Vec<i32> = vec![1, 2, 3, 4];
        insert_runs(
            &mut v,
            vec![
                (0, vec![10, 11]),
                (2, vec![20]),
                (2, vec![21]),
                (4, vec![40]),
            ],
            || 0,
        );
        assert_eq!(v, [10, 11, 1, 2, 20, 21, 3, 4, 40]);
        let mut empty: Vec<i32> = Vec::new();
        insert_runs(
            &mut empty,
            vec![(0, vec![5]), (0, vec![]), (0, vec![6])],
            || 0,
        );
        assert_eq!(empty, [5, 6]);
        let mut none = vec![1];
        insert_runs(&mut none, vec![(0, vec![])], || 0);
        assert_eq!(none, [1]);
    }

    #[test]
    fn a_sequence_can_be_cancelled_between_its_documents() {
        let text: String = (0..2000).map(|_| format!("{POINT}\n")).collect();
        let progress = Progress::default();
        progress.cancel.store(true, Ordering::Relaxed);
        let err = parse_bytes_with(text.as_bytes(), Path::new("t.geojsonl"), &progress)
            .expect_err("cancelled");
        assert!(matches!(err, LoadError::Cancelled { .. }), "{err}");
        // At the first document after the one read in place.
        assert_eq!(progress.features.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn a_text_sequence_file_loads_in_place_with_errors_where_they_are() {
        // From a file the separators are made spaces in the text itself (no copy of it).
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("seq.geojsons");
        std::fs::write(&path, format!("\u{1e}{POINT}\n\u{1e}{POINT}\n")).expect("write");
        assert_eq!(load_file(&path).expect("sequence").features.len(), 2);
        std::fs::write(&path, format!("\u{1e}{POINT}\n\u{1e}  {{\"type\": ]\n")).expect("write");
        let LoadError::Syntax { line, column, .. } = load_file(&path).expect_err("broken") else {
            panic!("a syntax error");
        };
        assert_eq!((line, column), (2, 13));
    }

    #[test]
    fn a_file_bigger_than_the_memory_left_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("huge.geojson");
        let free = memory::headroom().expect("Linux reports its memory").bytes;
        // Sparse: a few bytes of text on disk, the rest a hole.
        let file = std::fs::File::create(&path).expect("create");
        file.set_len(free * 2).expect("a sparse file");
        let started = std::time::Instant::now();
        let err = load_file(&path).expect_err("too big");
        assert!(started.elapsed().as_secs() < 2, "refused before reading");
        let LoadError::OutOfMemory {
            read_fraction: None,
            size,
            ..
        } = &err
        else {
            panic!("refused for memory: {err}");
        };
        assert_eq!(*size, free * 2);
        let message = err.to_string();
        assert!(
            message.contains("huge.geojson") && message.contains("too big for the memory left"),
            "{message}"
        );
    }

    #[test]
    fn errors_after_the_text_given_back_keep_their_line_and_column() {
        // Megabytes of good features (their text is given back as they are read), then
        // an error: its line and column are counted from the start of the file, in a file
        // of many lines and in one of a single line. Read from memory (nothing is given
        // back) the same error is given.
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("late.geojson");
        let cases = [
            // Inside a feature read from its own text, and in the collection itself.
            (
                r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1e999,2]}}"#,
                81,
                "[1e999,2]",
            ),
            (
                r#"{"type":"Feature","properties":{}, "geometry" x}"#,
                47,
                "\"geometry\" x}",
            ),
        ];
        for end in ["\n", ""] {
            let good: String = (0..30_000).map(|_| format!("{POINT},{end}")).collect();
            for (bad, column, shown) in cases {
                let text = format!(
                    "{{\"type\":\"FeatureCollection\",\"features\":[{end}{good}{bad}{end}]}}"
                );
                std::fs::write(&path, &text).expect("write");
                let from_disk = load_file(&path).expect_err("bad");
                let LoadError::Syntax {
                    line,
                    column: c,
                    ref excerpt,
                    ..
                } = from_disk
                else {
                    panic!("a syntax error: {from_disk}");
                };
                assert!(excerpt.contains(shown), "{excerpt}");
                let in_memory = parse_bytes(text.as_bytes(), &path).expect_err("bad");
                assert_eq!(in_memory.to_string(), from_disk.to_string());
                if end == "\n" {
                    assert_eq!((line, c), (30_002, column), "{from_disk}");
                } else {
                    assert_eq!(
                        (line, c),
                        (1, text.len() - bad.len() - 2 + column),
                        "{from_disk}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_long_sequence_is_read_in_one_pass_with_its_errors_placed() {
        // 100 000 documents, newline-delimited and RFC 8142: asking the parser at each one
        // whether text is left counted every line before it (hours for a big file).
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("long.geojsons");
        for sep in ["", "\u{1e}"] {
            let good: String = (0..100_000).map(|_| format!("{sep}{POINT}\n")).collect();
            std::fs::write(&path, &good).expect("write");
            let started = std::time::Instant::now();
            assert_eq!(load_file(&path).expect("loads").features.len(), 100_000);
            assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
            // A broken document after them, and one the parser cannot split off.
            for (bad, column) in [
                (r#"{"type":"Feature","geometry":x}"#, 30),
                ("{\"type\" 5", 9),
            ] {
                let text = format!("{good}{sep}{bad}\n{sep}{POINT}\n");
                std::fs::write(&path, &text).expect("write");
                let from_disk = load_file(&path).expect_err("broken");
                let LoadError::Syntax {
                    line, column: c, ..
                } = from_disk
                else {
                    panic!("a syntax error: {from_disk}");
                };
                assert_eq!((line, c), (100_001, column + sep.len()), "{from_disk}");
                let in_memory = parse_bytes(text.as_bytes(), &path).expect_err("broken");
                assert_eq!(in_memory.to_string(), from_disk.to_string());
            }
        }
    }

    #[test]
    fn a_stop_for_memory_does_not_stop_the_next_file() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("next.geojson");
        std::fs::write(&path, POINT).expect("write");
        // As the previous file's load left it, stopped short of memory.
        let progress = Progress::default();
        *progress.memory_stop_lock() = Some((
            5,
            Headroom {
                bytes: 100,
                bound: memory::Bound::System,
            },
        ));
        progress.cancel.store(true, Ordering::Relaxed);
        assert!(matches!(
            progress.stopped(&path),
            LoadError::OutOfMemory {
                read_fraction: Some(_),
                ..
            }
        ));
        let loaded = load_file_with(&path, &progress).expect("the next file loads");
        assert_eq!(loaded.features.len(), 1);
        // A user's cancel still stops it.
        progress.cancel.store(true, Ordering::Relaxed);
        assert!(matches!(
            load_file_with(&path, &progress),
            Err(LoadError::Cancelled { .. })
        ));
    }

    #[test]
    fn crs_lon_lat_is_accepted_and_projected_is_refused() {
        let crs84 = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[]}"#;
        assert!(parse(crs84).is_ok());
        let epsg = crs84.replace("urn:ogc:def:crs:OGC:1.3:CRS84", "EPSG:4326");
        assert!(parse(&epsg).is_ok());
        let utm = crs84.replace(
            "urn:ogc:def:crs:OGC:1.3:CRS84",
            "urn:ogc:def:crs:EPSG::32642",
        );
        let err = parse(&utm).expect_err("projected");
        assert!(err.to_string().contains("EPSG::32642"), "{err}");
        assert!(err.to_string().contains("reproject to WGS84"), "{err}");
    }

    #[test]
    fn mis_cased_types_are_repaired_with_a_warning() {
        let text = r#"{"type":"featurecollection","features":[{"type":"FEATURE","properties":{},"geometry":{"type":"point","coordinates":[1,2]}}]}"#;
        let f = parse(text).expect("repaired");
        assert_eq!(f.features.len(), 1);
        assert_eq!(f.features[0].geometry_type(), "Point");
        assert_eq!(f.warnings.len(), 1);
        assert!(
            f.warnings[0]
                .to_string()
                .starts_with("3 \"type\" name(s) in the wrong case")
        );
    }

    #[test]
    fn nan_and_infinity_are_read_as_null_and_their_features_skipped() {
        let text = "{\"type\":\"FeatureCollection\",\"features\":[\n".to_string()
            + POINT
            + ",\n{\"type\":\"Feature\",\"properties\":{\"name\":\"NaN here\",\"pop\":NaN},\"geometry\":{\"type\":\"Point\",\"coordinates\":[NaN,-Infinity]}}]}";
        let f = parse(&text).expect("the rest loads");
        assert_eq!(f.features.len(), 1);
        let messages: Vec<String> = f.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "3 NaN or Infinity value(s), which JSON does not allow, were read as null (the first on line 3)",
                "feature #2: skipped (\"NaN here\"): position: the longitude is null or NaN (not a number)",
            ]
        );
    }

    #[test]
    fn a_file_all_in_metres_is_refused_with_advice() {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[7000000,3000000]}},
            {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[7100000,3100000]}}]}"#;
        let err = parse(text).expect_err("nothing could be drawn");
        let message = err.to_string();
        assert!(message.contains("projected CRS"), "{message}");
        assert!(message.contains("ogr2ogr"), "{message}");
    }

    #[test]
    fn a_load_counts_bytes_and_features_and_can_be_cancelled() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("points.geojson");
        let features: Vec<String> = (0..500).map(|_| POINT.to_string()).collect();
        let text = format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[{}]}}",
            features.join(",")
        );
        std::fs::write(&path, &text).expect("write");
        let progress = Progress::default();
        let file = load_file_with(&path, &progress).expect("loads");
        assert_eq!(file.features.len(), 500);
        assert_eq!(progress.features.load(Ordering::Relaxed), 500);
        assert_eq!(
            progress.bytes_read.load(Ordering::Relaxed),
            text.len() as u64
        );
        assert_eq!(
            progress.bytes_total.load(Ordering::Relaxed),
            text.len() as u64
        );
        let cancelled = Progress::default();
        cancelled.cancel.store(true, Ordering::Relaxed);
        let err = load_file_with(&path, &cancelled).expect_err("cancelled");
        assert!(matches!(err, LoadError::Cancelled { .. }), "{err}");
        // Cancelled while parsing (after the bytes are read): stops at the next feature.
        let mid = Progress::default();
        mid.cancel.store(true, Ordering::Relaxed);
        let err = parse_bytes_with(text.as_bytes(), &path, &mid).expect_err("cancelled");
        assert!(matches!(err, LoadError::Cancelled { .. }), "{err}");
        assert_eq!(mid.features.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn jsonp_and_empty_files_are_named() {
        let err = parse(&format!("callback({POINT});")).expect_err("jsonp");
        assert!(err.to_string().contains("JSONP"), "{err}");
        let err = parse("  \n ").expect_err("empty");
        assert!(err.to_string().contains("empty"), "{err}");
    }
}
