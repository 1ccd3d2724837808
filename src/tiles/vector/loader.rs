//! Vector tiles prepared on worker threads: a frame asks for the tiles in view and gets, at
//! once, those that are ready (a ready ancestor stands in for a tile still loading); the rest
//! are fetched, decoded, styled and tessellated in the background, most recent view first,
//! and the screen is asked to repaint when each arrives. No frame waits for a tile. Prepared
//! tiles are kept up to a memory bound, least recently drawn let go first.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::decode::decode;
use super::draw::{PlacedTile, TileArt, VectorFrame, prepare, tile_world};
use super::fetch::{FetchError, TileBytes};
use super::schema::Schema;
use super::style::StyleContext;
use crate::render::View;
use crate::tiles::source::{TileAddress, tiles_covering};

/// Bytes of prepared tiles kept in memory before the least recently drawn are let go.
pub const MEMORY_BOUND_BYTES: usize = 128 * 1024 * 1024;

/// How many levels up a ready ancestor may stand in for a tile still loading.
const STAND_IN_LEVELS: u8 = 6;

/// What a vector source says about itself.
#[derive(Clone, Debug, PartialEq)]
pub struct VectorInfo {
    /// Its name.
    pub name: String,
    /// Its attribution, shown whenever its tiles are.
    pub attribution: String,
    /// Shallowest zoom with tiles.
    pub min_zoom: u8,
    /// Deepest zoom with tiles: past it, the last level is drawn over-zoomed (as vectors).
    pub max_zoom: u8,
    /// `[west, south, east, north]` in degrees, when known.
    pub bounds: Option<[f64; 4]>,
    /// The layers the source says it has (TileJSON / MBTiles `vector_layers`).
    pub layers: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Key {
    addr: TileAddress,
    draw_zoom: u8,
    ppp_centi: u16,
    atlas_under: bool,
}

enum Entry {
    /// Prepared (or nothing there: `None`), and when it was last drawn.
    Ready {
        art: Option<Arc<TileArt>>,
        used: u64,
    },
    /// Could not be had; network failures are asked for again on [`VectorTiles::retry`].
    Failed { network: bool },
}

#[derive(Default)]
struct State {
    queue: Vec<Key>,
    running: HashSet<Key>,
    entries: HashMap<Key, Entry>,
    /// The newest art of each tile, whatever its draw zoom: stand-ins for descendants.
    latest: HashMap<TileAddress, Arc<TileArt>>,
    bytes: usize,
    tick: u64,
    stop: bool,
    schema: Option<Schema>,
    /// Tiles that could not be decoded (named once).
    bad_tiles: HashSet<TileAddress>,
    /// Tiles decoded with some layers or features skipped (named once).
    partly_read: HashSet<TileAddress>,
    problems: Vec<String>,
    /// The last network error, for messages.
    last_network_error: Option<String>,
    /// The last request that ended failed on the network.
    failing: bool,
}

struct Shared {
    bytes: TileBytes,
    state: Mutex<State>,
    work: Condvar,
    done: Condvar,
    repaint: Box<dyn Fn() + Send + Sync>,
    /// Tiles tessellated without anti-aliased fringes, for vector pages (see
    /// [`VectorTiles::for_vector_pages`]).
    exact_outlines: std::sync::atomic::AtomicBool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A worker that panicked leaves the state as it was: carry on with it.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A vector tile source with its worker threads and prepared tiles.
pub struct VectorTiles {
    info: VectorInfo,
    shared: Arc<Shared>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for VectorTiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VectorTiles")
            .field("info", &self.info)
            .finish()
    }
}

/// How problems with a source's tiles stand.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Problems {
    /// The schema, once a tile was decoded.
    pub schema: Option<Schema>,
    /// Tiles that could not be decoded.
    pub bad_tiles: usize,
    /// The first few reasons, each naming its tile.
    pub examples: Vec<String>,
    /// The last network error.
    pub network: Option<String>,
}

impl VectorTiles {
    /// A source over `bytes` with `threads` workers; `repaint` is called when a tile arrives.
    pub fn new(
        info: VectorInfo,
        bytes: TileBytes,
        threads: usize,
        repaint: Box<dyn Fn() + Send + Sync>,
    ) -> Self {
        let shared = Arc::new(Shared {
            bytes,
            state: Mutex::new(State::default()),
            work: Condvar::new(),
            done: Condvar::new(),
            repaint,
            exact_outlines: std::sync::atomic::AtomicBool::new(false),
        });
        let threads = (0..threads.max(1))
            .filter_map(|i| {
                let shared = Arc::clone(&shared);
                crate::background::spawn(format!("vector tiles {i}"), move || work(&shared)).ok()
            })
            .collect();
        Self {
            info,
            shared,
            threads,
        }
    }

    /// What the source says about itself.
    pub fn info(&self) -> &VectorInfo {
        &self.info
    }

    /// The file or URL the tiles come from.
    pub fn origin(&self) -> String {
        self.shared.bytes.describe()
    }

    /// Problems met so far.
    pub fn problems(&self) -> Problems {
        let s = self.shared.lock();
        Problems {
            schema: s.schema,
            bad_tiles: s.bad_tiles.len(),
            examples: s.problems.clone(),
            network: s.last_network_error.clone(),
        }
    }

    /// Whether the last request that ended failed on the network: then tiles still on their
    /// way are not waited for before the map says the server cannot be reached.
    pub fn failing(&self) -> bool {
        self.shared.lock().failing
    }

    /// Bytes of prepared tiles held in memory now.
    pub fn memory_bytes(&self) -> usize {
        self.shared.lock().bytes
    }

    /// Ask again for tiles that failed to arrive over the network.
    pub fn retry(&self) {
        let mut s = self.shared.lock();
        s.entries
            .retain(|_, e| !matches!(e, Entry::Failed { network: true }));
    }

    /// Tessellate tiles without egui's anti-aliased fringes (a vector page's reader smooths
    /// edges itself; a fringe would be drawn as a band of colour). Before the first frame.
    pub fn for_vector_pages(self) -> Self {
        self.shared
            .exact_outlines
            .store(true, std::sync::atomic::Ordering::Relaxed);
        self
    }

    /// The tiles for `view`: what is ready now; the rest is asked for.
    pub fn frame(&self, view: &View, atlas_under: bool) -> VectorFrame {
        let draw_zoom = view.transform.zoom().round().clamp(0.0, 22.0) as u8;
        let z = draw_zoom.clamp(
            self.info.min_zoom.min(self.info.max_zoom),
            self.info.max_zoom,
        );
        let ppp_centi = (view.pixels_per_point * 100.0).round().clamp(1.0, 60_000.0) as u16;
        let mut wanted = tiles_covering(view.visible_world(0.0), z);
        // Nearest the centre first (popped last-in, first-out).
        let c = view.visible_world(0.0).center();
        let n = f64::from(1u32 << z);
        wanted.sort_by(|a, b| {
            let d = |t: &TileAddress| {
                let (x, y) = (
                    f64::from(t.x) + 0.5 - c.x * n,
                    f64::from(t.y) + 0.5 - c.y * n,
                );
                x * x + y * y
            };
            d(b).total_cmp(&d(a))
        });
        let mut s = self.shared.lock();
        s.tick += 1;
        let tick = s.tick;
        let mut frame = VectorFrame {
            attribution: self.info.attribution.clone(),
            ..VectorFrame::default()
        };
        let mut queue = Vec::new();
        for &addr in wanted.iter().rev() {
            let key = Key {
                addr,
                draw_zoom,
                ppp_centi,
                atlas_under,
            };
            match s.entries.get_mut(&key) {
                Some(Entry::Ready { art, used }) => {
                    *used = tick;
                    if let Some(art) = art {
                        frame.tiles.push(PlacedTile {
                            addr,
                            art: Arc::clone(art),
                            clip: tile_world(addr),
                        });
                    }
                    frame.status.push((addr, true));
                    continue;
                }
                Some(Entry::Failed { network }) => {
                    if *network {
                        frame.failed += 1;
                    }
                    frame.status.push((addr, !*network));
                }
                None => {
                    frame.status.push((addr, false));
                    frame.waiting += 1;
                    if !s.running.contains(&key) {
                        queue.push(key);
                    }
                }
            }
            // A stand-in while it loads (or after it failed): the tile drawn for another zoom,
            // else the nearest ready ancestor.
            if let Some((ancestor, art)) = (0..=STAND_IN_LEVELS.min(addr.z)).find_map(|up| {
                let a = TileAddress {
                    z: addr.z - up,
                    x: addr.x >> up,
                    y: addr.y >> up,
                };
                s.latest.get(&a).map(|art| (a, Arc::clone(art)))
            }) {
                frame.tiles.push(PlacedTile {
                    addr: ancestor,
                    art,
                    clip: tile_world(addr),
                });
            }
        }
        // Stand-ins first (under), the tiles' own art on top.
        frame.tiles.sort_by_key(|t| t.addr.z);
        // The queue holds this view's tiles only: a view panned away from is not loaded.
        queue.reverse();
        s.queue = queue;
        drop(s);
        self.shared.work.notify_all();
        frame
    }

    /// The tiles for `view` once all have arrived (or failed), waiting up to `timeout`: for
    /// exports.
    pub fn frame_complete(&self, view: &View, atlas_under: bool, timeout: Duration) -> VectorFrame {
        let until = Instant::now() + timeout;
        loop {
            let frame = self.frame(view, atlas_under);
            let now = Instant::now();
            if frame.waiting == 0 || now >= until {
                return frame;
            }
            let s = self.shared.lock();
            let wait = (until - now).min(Duration::from_millis(200));
            let _unused = self.shared.done.wait_timeout(s, wait);
        }
    }
}

impl Drop for VectorTiles {
    fn drop(&mut self) {
        self.shared.lock().stop = true;
        self.shared.work.notify_all();
        // A pack's workers end at once and are waited for; a server's may be inside a request
        // (up to its timeout): they end on their own, and nobody waits for them.
        if matches!(self.shared.bytes, TileBytes::Pack(_)) {
            for t in self.threads.drain(..) {
                let _ = t.join();
            }
        }
    }
}

fn work(shared: &Shared) {
    loop {
        let key = {
            let mut s = shared.lock();
            loop {
                if s.stop {
                    return;
                }
                if let Some(k) = s.queue.pop() {
                    if !s.entries.contains_key(&k) && s.running.insert(k) {
                        break k;
                    }
                    continue;
                }
                s = shared
                    .work
                    .wait(s)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
            }
        };
        let exact = shared
            .exact_outlines
            .load(std::sync::atomic::Ordering::Relaxed);
        let result = produce(&shared.bytes, key, exact);
        // Art let go is freed after the lock is released: freeing a large mesh takes time a
        // frame waiting for the lock should not spend.
        let mut let_go: Vec<Arc<TileArt>> = Vec::new();
        let mut s = shared.lock();
        s.running.remove(&key);
        s.failing = matches!(result, Err(Failure::Network(_)));
        let entry = match result {
            Ok((art, problems)) => {
                // Layers or features the tile could not read, named once per tile.
                if !problems.is_empty() && s.partly_read.insert(key.addr) {
                    for p in problems {
                        let text = format!("tile {}: {p}", key.addr);
                        log::warn!("{}: {text}", shared.bytes.describe());
                        if s.problems.len() < 20 {
                            s.problems.push(text);
                        }
                    }
                }
                if let Some(a) = &art {
                    s.bytes += a.bytes;
                    if s.schema.is_none() {
                        s.schema = a.schema;
                    }
                    let_go.extend(s.latest.insert(key.addr, Arc::clone(a)));
                }
                let used = s.tick;
                Entry::Ready { art, used }
            }
            Err(Failure::Network(e)) => {
                s.last_network_error = Some(e);
                Entry::Failed { network: true }
            }
            Err(Failure::Bad(e)) => {
                if s.bad_tiles.insert(key.addr) {
                    let text = format!("tile {}: {e}; skipped", key.addr);
                    log::warn!("{}: {text}", shared.bytes.describe());
                    if s.problems.len() < 20 {
                        s.problems.push(text);
                    }
                }
                Entry::Failed { network: false }
            }
        };
        if let Some(Entry::Ready { art: Some(old), .. }) = s.entries.insert(key, entry) {
            s.bytes = s.bytes.saturating_sub(old.bytes);
            let_go.push(old);
        }
        evict(&mut s, &mut let_go);
        drop(s);
        drop(let_go);
        shared.done.notify_all();
        (shared.repaint)();
    }
}

enum Failure {
    Network(String),
    Bad(String),
}

/// A tile prepared (or nothing there), with what of it could not be read.
type Produced = (Option<Arc<TileArt>>, Vec<String>);

fn produce(bytes: &TileBytes, key: Key, exact_outlines: bool) -> Result<Produced, Failure> {
    let data = match bytes.tile(key.addr) {
        Ok(Some(d)) => d,
        Ok(None) => return Ok((None, Vec::new())),
        Err(FetchError::Network(e) | FetchError::NotATile(e)) => return Err(Failure::Network(e)),
        Err(FetchError::Pack(e)) => return Err(Failure::Bad(e)),
    };
    let tile = decode(&data).map_err(|e| Failure::Bad(e.to_string()))?;
    let art = prepare(
        &tile,
        key.addr,
        StyleContext {
            zoom: key.draw_zoom,
            atlas_under: key.atlas_under,
        },
        f32::from(key.ppp_centi) / 100.0,
        !exact_outlines,
    );
    Ok((Some(Arc::new(art)), tile.problems))
}

/// Let go of the least recently drawn tiles while past the memory bound (into `let_go`, for
/// the caller to free once it has released the lock).
fn evict(s: &mut State, let_go: &mut Vec<Arc<TileArt>>) {
    if s.bytes <= MEMORY_BOUND_BYTES {
        return;
    }
    let mut ready: Vec<(u64, Key)> = s
        .entries
        .iter()
        .filter_map(|(k, e)| match e {
            Entry::Ready { used, art: Some(_) } => Some((*used, *k)),
            _ => None,
        })
        .collect();
    ready.sort_unstable_by_key(|(used, _)| *used);
    let target = MEMORY_BOUND_BYTES * 3 / 4;
    for (_, key) in ready {
        if s.bytes <= target {
            break;
        }
        if let Some(Entry::Ready { art: Some(art), .. }) = s.entries.remove(&key) {
            s.bytes = s.bytes.saturating_sub(art.bytes);
            if s.latest
                .get(&key.addr)
                .is_some_and(|a| Arc::ptr_eq(a, &art))
            {
                let_go.extend(s.latest.remove(&key.addr));
            }
            let_go.push(art);
        }
    }
}
