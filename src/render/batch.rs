//! The layers rendered in the background into one image, shown until something it depends on
//! changes — as a GIS map canvas does.
//!
//! A frame never waits for the layers to be drawn: when the zoom, the size, the styles or the
//! layers change, the frame submits a render job to a worker thread and shows the last image
//! moved and scaled to the new view, sharp again as soon as the new one arrives (the next
//! frame for small data; the worker asks for it). The worker culls through the spatial index, picks each feature's level of
//! detail, builds the draw batch and tessellates it (split over the cores), covering the view
//! and a margin, so panning at the same zoom only moves the result. A small mesh is handed to
//! egui as it is (crisp at any offset, cheap to move); a large one is rasterised into an image
//! first, so a frame costs the same whatever the data. A job overtaken by a newer one gives up
//! within its stage (between stages, every [`STOP_EVERY`] shapes tessellated, every band
//! rasterised).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use egui::epaint::{ClippedPrimitive, Mesh, Primitive, Shape, TessellationOptions, Tessellator};
use egui::{Color32, ColorImage, Pos2, Rect, TextureHandle, TextureOptions, Vec2};

use super::parallel::in_parallel;
use super::piece::{into_shapes, point_count};
use super::raster::mesh::{Canvas, Textures, draw_in_bands};
use super::raster::paths;
use super::{DrawnMarkers, FeatureRef, View, layer_pieces};
use crate::model::layer::Layer;
use crate::model::style::Categories;
use crate::model::view::{WorldPos, WorldRect};
use crate::tiles::vector::draw::PlacedTile;

/// What an image depends on besides where the view is.
#[derive(Clone, Copy, Debug, PartialEq)]
struct BatchKey {
    zoom: f64,
    pixels_per_point: f32,
    size: Vec2,
    generation: u64,
    /// The selected feature, drawn in the image under the markers (layer index among all
    /// layers, visible or not).
    selected: Option<FeatureRef>,
}

/// Share of the view's size added on each side of the image.
const MARGIN: f32 = 0.25;

/// Batches of more points than this are drawn into an image by the path rasteriser: egui
/// copies a mesh and uploads it to the GPU every frame (about four vertices a point for a
/// feathered line), an image once.
pub const POINT_LIMIT: usize = 25_000;

/// The layers as a background-rendered image, reused while nothing it depends on changes.
pub struct LayerBatch {
    worker: Option<Worker>,
    built: Option<Built>,
    /// The texture of the last image (kept for reuse when the next one is an image too).
    texture: Option<TextureHandle>,
    /// The last job submitted.
    requested: Option<Requested>,
    /// Jobs submitted (for tests and the benchmark).
    pub rebuilds: u64,
    /// Batches of more points are drawn into an image ([`POINT_LIMIT`]).
    pub point_limit: usize,
    /// Share of the view's size drawn beyond each side, so a pan only moves the image
    /// ([`MARGIN`] on screen; none for an export, whose view does not move).
    pub margin: f32,
}

impl Default for LayerBatch {
    fn default() -> Self {
        Self {
            worker: None,
            built: None,
            texture: None,
            requested: None,
            rebuilds: 0,
            point_limit: POINT_LIMIT,
            margin: MARGIN,
        }
    }
}

/// Which render a job is, and where on screen it is drawn for.
#[derive(Clone, Copy, Debug)]
struct Placement {
    id: u64,
    key: BatchKey,
    /// The world area it covers (the view and its margin).
    covers: WorldRect,
    /// Where world (0, 0) was on screen, in points, when it was asked for.
    origin_pt: [f64; 2],
    /// Its rectangle on screen, in points, when it was asked for.
    rect_pt: Rect,
}

impl Placement {
    /// Whether it serves a view with `key` showing `visible`.
    fn serves(&self, key: BatchKey, visible: &WorldRect) -> bool {
        self.key == key && self.covers.contains_rect(visible)
    }
}

struct Requested {
    placement: Placement,
    at: Instant,
}

/// The image on show and where it was drawn.
struct Built {
    placement: Placement,
    markers: DrawnMarkers,
    content: Content,
    /// From submission to the image being ready.
    latency: Duration,
    stages: Stages,
}

/// What a render made.
enum Content {
    /// The mesh itself (small data).
    Mesh(Arc<Mesh>),
    /// An image of it, in the batch's texture (large data).
    Image,
}

/// What a render made, on its way from the worker.
enum Made {
    Mesh(Mesh),
    Image(ColorImage),
}

/// What a job draws.
enum Source {
    /// Thematic layers (their features and indexes shared, not copied).
    Layers {
        layers: Vec<Layer>,
        categories: Option<Categories>,
        /// The selected feature, its layer counted among `layers` (the visible ones).
        selected: Option<FeatureRef>,
    },
    /// Vector tiles already tessellated, each clipped to its square; always rasterised (a
    /// mesh on screen could not keep each tile to its square).
    Tiles(Vec<PlacedTile>),
}

/// Everything a job needs, owned.
struct Job {
    placement: Placement,
    source: Source,
    /// The view widened by the margin.
    view: View,
    options: TessellationOptions,
    point_limit: usize,
    /// The image's top-left physical pixel and size.
    origin_px: [i64; 2],
    size_px: [usize; 2],
    repaint: egui::Context,
}

/// A finished job.
struct Rendered {
    placement: Placement,
    made: Made,
    markers: DrawnMarkers,
    stages: Stages,
}

/// The worker's inbox: the newest job not yet started, or the order to stop.
#[derive(Default)]
struct Inbox {
    job: Option<Job>,
    closed: bool,
}

struct Worker {
    inbox: Arc<(Mutex<Inbox>, Condvar)>,
    results: Receiver<Rendered>,
    /// Id of the newest job: older ones give up.
    latest: Arc<AtomicU64>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Worker {
    fn start() -> Option<Self> {
        let inbox: Arc<(Mutex<Inbox>, Condvar)> = Arc::default();
        let latest = Arc::new(AtomicU64::new(0));
        let (send, results) = channel();
        let (thread_inbox, thread_latest) = (Arc::clone(&inbox), Arc::clone(&latest));
        let thread = crate::background::spawn("layer-render", move || {
            work(&thread_inbox, &thread_latest, &send)
        })
        .map_err(|e| log::error!("cannot start the layer renderer: {e}"))
        .ok()?;
        Some(Self {
            inbox,
            results,
            latest,
            thread: Some(thread),
        })
    }

    fn submit(&self, job: Job) {
        self.latest.store(job.placement.id, Ordering::SeqCst);
        let (lock, wake) = &*self.inbox;
        if let Ok(mut inbox) = lock.lock() {
            inbox.job = Some(job);
            wake.notify_one();
        }
    }
}

impl Drop for Worker {
    /// Stop the thread: a render in progress gives up at its next stage.
    fn drop(&mut self) {
        self.latest.store(0, Ordering::SeqCst);
        let (lock, wake) = &*self.inbox;
        if let Ok(mut inbox) = lock.lock() {
            inbox.closed = true;
            wake.notify_one();
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn work(inbox: &(Mutex<Inbox>, Condvar), latest: &AtomicU64, send: &Sender<Rendered>) {
    let (lock, wake) = inbox;
    loop {
        let job = {
            let Ok(mut guard) = lock.lock() else { return };
            loop {
                if guard.closed {
                    return;
                }
                if let Some(job) = guard.job.take() {
                    break job;
                }
                guard = match wake.wait(guard) {
                    Ok(g) => g,
                    Err(_) => return,
                };
            }
        };
        let repaint = job.repaint.clone();
        if let Some(done) = render(job, latest) {
            if send.send(done).is_err() {
                return;
            }
            repaint.request_repaint();
        }
    }
}

/// Draw a job's layers into an image; `None` when a newer job overtook it.
fn render(job: Job, latest: &AtomicU64) -> Option<Rendered> {
    let stale = || latest.load(Ordering::SeqCst) != job.placement.id;
    let start = Instant::now();
    let (layers, categories, selected) = match job.source {
        Source::Layers {
            layers,
            categories,
            selected,
        } => (layers, categories, selected),
        Source::Tiles(tiles) => {
            return render_tiles(
                &job.view,
                job.placement,
                &tiles,
                job.origin_px,
                job.size_px,
                &stale,
            );
        }
    };
    let (pieces, markers) = layer_pieces(&layers, categories.as_ref(), &job.view, selected);
    if stale() {
        return None;
    }
    let batched = Instant::now();
    let ppp = job.view.pixels_per_point;
    // Dense data goes straight into pixels; small data stays a mesh (crisp at any offset).
    let image = if point_count(&pieces) > job.point_limit {
        paths::draw(&pieces, &job.view, job.origin_px, job.size_px, &stale)
    } else {
        None
    };
    if stale() {
        return None;
    }
    let (made, tessellated) = match image {
        Some(image) => (Made::Image(image), batched),
        None => {
            let mesh = tessellate_unless(into_shapes(pieces, &job.view), ppp, job.options, &stale);
            (Made::Mesh(mesh), Instant::now())
        }
    };
    if stale() {
        return None;
    }
    let stages = Stages {
        batch: batched - start,
        tessellate: tessellated - batched,
        rasterise: tessellated.elapsed(),
    };
    log::debug!("layers drawn: {stages:?}");
    Some(Rendered {
        placement: job.placement,
        made,
        markers,
        stages,
    })
}

/// Vector tiles into an image: each tile's mesh moved to the job's view and clipped to its
/// square, rasterised in order.
fn render_tiles(
    view: &View,
    placement: Placement,
    tiles: &[PlacedTile],
    origin_px: [i64; 2],
    size_px: [usize; 2],
    stale: &(dyn Fn() -> bool + Sync),
) -> Option<Rendered> {
    let start = Instant::now();
    let primitives: Vec<ClippedPrimitive> = tiles
        .iter()
        .filter_map(|t| {
            let (mesh, clip) = crate::tiles::vector::draw::placed_mesh(view, t)?;
            Some(ClippedPrimitive {
                clip_rect: clip,
                primitive: Primitive::Mesh(mesh),
            })
        })
        .collect();
    if stale() {
        return None;
    }
    let batched = Instant::now();
    let image = rasterize(
        &primitives,
        view.pixels_per_point,
        origin_px,
        size_px,
        stale,
    );
    if stale() {
        return None;
    }
    Some(Rendered {
        placement,
        made: Made::Image(image),
        markers: DrawnMarkers::default(),
        stages: Stages {
            batch: batched - start,
            tessellate: Duration::ZERO,
            rasterise: batched.elapsed(),
        },
    })
}

/// How long each stage of a render took.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stages {
    /// Culling, level of detail and building the shapes.
    pub batch: Duration,
    /// Tessellating them into triangles.
    pub tessellate: Duration,
    /// Rasterising the triangles into the image (zero when the mesh is drawn as it is).
    pub rasterise: Duration,
}

impl LayerBatch {
    /// The layers for `view` as one shape (a mesh, or an image of it), with `selected`
    /// highlighted under the markers, and what its markers leave for labels and badges
    /// ([`DrawnMarkers`], moved with the image). `generation` changes
    /// whenever the layers, their styles or visibility change. Submits a new render when
    /// needed, without waiting for it: until it arrives the last result is shown, moved and
    /// scaled to the view (see [`Self::shows_selection`]).
    pub fn shapes(
        &mut self,
        ctx: &egui::Context,
        (layers, categories): (&[Layer], Option<&Categories>),
        selected: Option<FeatureRef>,
        view: &View,
        generation: u64,
        options: TessellationOptions,
    ) -> (Shape, DrawnMarkers) {
        self.request(ctx, view, (generation, selected), options, || {
            // The job gets the visible layers only: the selection's layer counted among them.
            let selected = selected
                .filter(|r| layers.get(r.layer).is_some_and(|l| l.visible))
                .map(|r| FeatureRef {
                    layer: layers[..r.layer].iter().filter(|l| l.visible).count(),
                    feature: r.feature,
                });
            Source::Layers {
                layers: layers.iter().filter(|l| l.visible).cloned().collect(),
                categories: categories.cloned(),
                selected,
            }
        });
        self.on_screen(view)
    }

    /// Whether the image on show draws `selected` (else the caller draws it over the image
    /// until the one that does arrives).
    pub fn shows_selection(&self, selected: Option<FeatureRef>) -> bool {
        self.built
            .as_ref()
            .is_some_and(|b| b.placement.key.selected == selected)
    }

    /// Vector tiles for `view` as one image, rendered in the background as the layers are
    /// (for views whose tiles are too heavy to move every frame). `generation` changes
    /// whenever the set of tiles or their art changes.
    pub fn tiles(
        &mut self,
        ctx: &egui::Context,
        frame: &crate::tiles::vector::VectorFrame,
        view: &View,
        generation: u64,
    ) -> Shape {
        let options = ctx.tessellation_options(|o| *o);
        self.request(ctx, view, (generation, None), options, || {
            Source::Tiles(frame.tiles.clone())
        });
        self.on_screen(view).0
    }

    /// Take what has arrived, and submit a render of `source` unless the image on show, or
    /// the one asked for, serves `view` with `generation` and the selection.
    fn request(
        &mut self,
        ctx: &egui::Context,
        view: &View,
        (generation, selected): (u64, Option<FeatureRef>),
        options: TessellationOptions,
        source: impl FnOnce() -> Source,
    ) {
        let key = BatchKey {
            zoom: view.transform.zoom(),
            pixels_per_point: view.pixels_per_point,
            size: view.rect.size(),
            generation,
            selected,
        };
        let visible = view.visible_world(0.0);
        self.receive(ctx, Duration::ZERO);
        let serves = |p: Option<&Placement>| p.is_some_and(|p| p.serves(key, &visible));
        if !serves(self.built.as_ref().map(|b| &b.placement))
            && !serves(self.requested.as_ref().map(|r| &r.placement))
            && view.rect.area() > 0.0
        {
            self.submit(ctx, source(), view, key, options);
        }
    }

    /// Wait until the last job submitted is shown (for tests, benchmarks and exports of the
    /// screen); false if it did not arrive within `timeout`.
    pub fn finish(&mut self, ctx: &egui::Context, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.is_done() {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            self.receive(ctx, left);
        }
    }

    /// Whether the image on show is the last one asked for.
    pub fn is_done(&self) -> bool {
        match (&self.requested, &self.built) {
            (None, _) => true,
            (Some(r), Some(b)) => r.placement.id == b.placement.id,
            (Some(_), None) => false,
        }
    }

    /// From submission to image for the image on show, and its stages.
    pub fn latency(&self) -> Option<(Duration, Stages)> {
        self.built.as_ref().map(|b| (b.latency, b.stages))
    }

    fn submit(
        &mut self,
        ctx: &egui::Context,
        source: Source,
        view: &View,
        key: BatchKey,
        options: TessellationOptions,
    ) {
        if self.worker.is_none() {
            self.worker = Worker::start();
        }
        let ppp = view.pixels_per_point.max(0.01);
        // The image covers the view and a margin, within the largest texture the GPU takes.
        let max_side_pt = ctx.input(|i| i.max_texture_side) as f32 / ppp;
        let size = view.rect.size();
        let margin = Vec2::new(
            (size.x * self.margin).min(((max_side_pt - size.x) / 2.0).max(0.0)),
            (size.y * self.margin).min(((max_side_pt - size.y) / 2.0).max(0.0)),
        );
        let wide = Rect::from_min_max(view.rect.min - margin, view.rect.max + margin);
        let min_px = [
            (wide.min.x * ppp).floor() as i64,
            (wide.min.y * ppp).floor() as i64,
        ];
        let max_px = [
            (wide.max.x * ppp).ceil() as i64,
            (wide.max.y * ppp).ceil() as i64,
        ];
        let size_px = [
            (max_px[0] - min_px[0]).max(1) as usize,
            (max_px[1] - min_px[1]).max(1) as usize,
        ];
        let rect_pt = Rect::from_min_max(
            Pos2::new(min_px[0] as f32 / ppp, min_px[1] as f32 / ppp),
            Pos2::new(max_px[0] as f32 / ppp, max_px[1] as f32 / ppp),
        );
        let wide_view = View {
            rect: rect_pt,
            ..*view
        };
        let placement = Placement {
            id: self.requested.as_ref().map_or(1, |r| r.placement.id + 1),
            key,
            covers: wide_view.visible_world(0.0),
            origin_pt: view.transform.to_screen(WorldPos::new(0.0, 0.0)),
            rect_pt,
        };
        self.rebuilds += 1;
        self.requested = Some(Requested {
            placement,
            at: Instant::now(),
        });
        let job = Job {
            placement,
            source,
            view: wide_view,
            options,
            point_limit: self.point_limit,
            origin_px: min_px,
            size_px,
            repaint: ctx.clone(),
        };
        match &self.worker {
            Some(worker) => worker.submit(job),
            // No thread to be had: drawn in this frame instead.
            None => {
                if let Some(done) = render(job, &AtomicU64::new(placement.id)) {
                    self.show(ctx, done);
                }
            }
        }
    }

    /// Take finished images (waiting up to `wait` for the last one asked for) and show the
    /// newest.
    fn receive(&mut self, ctx: &egui::Context, wait: Duration) {
        let Some(worker) = &self.worker else {
            return;
        };
        let wanted = self.requested.as_ref().map_or(0, |r| r.placement.id);
        let mut newest: Option<Rendered> = None;
        while let Ok(r) = worker.results.try_recv() {
            newest = Some(r);
        }
        if newest.as_ref().is_none_or(|r| r.placement.id != wanted) && !wait.is_zero() {
            let deadline = Instant::now() + wait;
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                match worker.results.recv_timeout(left) {
                    Ok(r) => {
                        let last = r.placement.id == wanted;
                        newest = Some(r);
                        if last {
                            break;
                        }
                    }
                    Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
                }
            }
        }
        if let Some(r) = newest {
            self.show(ctx, r);
        }
    }

    /// Put a finished render on show.
    fn show(&mut self, ctx: &egui::Context, r: Rendered) {
        let latency = self
            .requested
            .as_ref()
            .filter(|q| q.placement.id == r.placement.id)
            .map_or(Duration::ZERO, |q| q.at.elapsed());
        let content = match r.made {
            Made::Mesh(mesh) => Content::Mesh(Arc::new(mesh)),
            Made::Image(image) => {
                match &mut self.texture {
                    Some(t) => t.set(image, TextureOptions::LINEAR),
                    None => {
                        self.texture =
                            Some(ctx.load_texture("layers", image, TextureOptions::LINEAR));
                    }
                }
                Content::Image
            }
        };
        self.built = Some(Built {
            content,
            placement: r.placement,
            markers: r.markers,
            latency,
            stages: r.stages,
        });
    }

    /// The image or mesh on show, moved and scaled from where it was drawn to `view`.
    fn on_screen(&self, view: &View) -> (Shape, DrawnMarkers) {
        let Some(b) = &self.built else {
            return (Shape::Noop, DrawnMarkers::default());
        };
        let at = &b.placement;
        let scale = (view.transform.zoom() - at.key.zoom).exp2();
        let origin = view.transform.to_screen(WorldPos::new(0.0, 0.0));
        let ppp = f64::from(view.pixels_per_point.max(0.01));
        let mut shift = [
            origin[0] - at.origin_pt[0] * scale,
            origin[1] - at.origin_pt[1] * scale,
        ];
        if scale == 1.0 && matches!(b.content, Content::Image) {
            // Only moved: by whole pixels, so the image stays sharp.
            shift = shift.map(|s| (s * ppp).round() / ppp);
        }
        // Built screen position → screen position now.
        let (scale, shift) = (scale as f32, Vec2::new(shift[0] as f32, shift[1] as f32));
        let map = |p: Pos2| Pos2::new(p.x * scale, p.y * scale) + shift;
        let markers = b.markers.mapped(scale, [shift.x, shift.y]);
        let shape = match (&b.content, &self.texture) {
            (Content::Mesh(mesh), _) if scale == 1.0 && shift == Vec2::ZERO => {
                Shape::Mesh(Arc::clone(mesh))
            }
            (Content::Mesh(mesh), _) => {
                let mut moved = (**mesh).clone();
                for v in &mut moved.vertices {
                    v.pos = map(v.pos);
                }
                Shape::mesh(moved)
            }
            (Content::Image, Some(texture)) => {
                let rect = Rect::from_min_max(map(at.rect_pt.min), map(at.rect_pt.max));
                let uv = Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0));
                Shape::image(texture.id(), rect, uv, Color32::WHITE)
            }
            (Content::Image, None) => Shape::Noop,
        };
        (shape, markers)
    }
}

/// Shapes below this count are tessellated on one thread.
const PARALLEL_FROM: usize = 4096;

/// Shapes tessellated between two looks at whether to stop.
const STOP_EVERY: usize = 1024;

/// Tessellate `shapes` into one mesh, in order, splitting the work over the machine's cores.
pub fn tessellate(shapes: Vec<Shape>, pixels_per_point: f32, options: TessellationOptions) -> Mesh {
    tessellate_unless(shapes, pixels_per_point, options, &|| false)
}

/// [`tessellate`], giving up (with part of the mesh) as soon as `stop` says so.
fn tessellate_unless(
    shapes: Vec<Shape>,
    pixels_per_point: f32,
    options: TessellationOptions,
    stop: &(dyn Fn() -> bool + Sync),
) -> Mesh {
    let one = |chunk: Vec<Shape>| {
        let mut tessellator = Tessellator::new(pixels_per_point, options, [1, 1], Vec::new());
        let mut mesh = Mesh::default();
        for (i, shape) in chunk.into_iter().enumerate() {
            if i % STOP_EVERY == 0 && stop() {
                break;
            }
            tessellator.tessellate_shape(shape, &mut mesh);
        }
        mesh
    };
    if shapes.len() < PARALLEL_FROM {
        return one(shapes);
    }
    let mut mesh = Mesh::default();
    for m in in_parallel(shapes, one) {
        mesh.append(m);
    }
    mesh
}

/// Rasterise `primitives` (screen points, each clipped) into an image of `size_px` whose
/// top-left is the screen's physical pixel `origin_px`, in bands over the cores; bands not
/// begun when `stop` says so stay empty.
fn rasterize(
    primitives: &[ClippedPrimitive],
    ppp: f32,
    origin_px: [i64; 2],
    size_px: [usize; 2],
    stop: &(dyn Fn() -> bool + Sync),
) -> ColorImage {
    let mut pixels = vec![Color32::TRANSPARENT; size_px[0] * size_px[1]];
    draw_in_bands(
        primitives,
        ppp,
        &Textures::default(),
        (origin_px, size_px, Color32::TRANSPARENT),
        stop,
        &mut pixels,
        Canvas::write_color32,
    );
    ColorImage::new(size_px, pixels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layer::{Feature, LayerOrigin};
    use crate::model::style::LayerStyle;
    use crate::model::view::{LonLat, ScreenTransform};
    use geo::polygon;
    use serde_json::Map;

    /// A layer of one 2° square centred on 67° E, 30° N.
    fn square_layer() -> Vec<Layer> {
        let square = polygon![(x: 66.0, y: 29.0), (x: 68.0, y: 29.0), (x: 68.0, y: 31.0), (x: 66.0, y: 31.0), (x: 66.0, y: 29.0)];
        let f = Feature::new("square", Map::new(), Some(square.into()));
        vec![Layer::new(
            "sq",
            "Square",
            LayerOrigin::Catalog,
            LayerStyle::default(),
            vec![f],
        )]
    }

    fn view(zoom: f64) -> View {
        View {
            transform: ScreenTransform::new(
                LonLat::new(67.0, 30.0).to_world(),
                zoom,
                [200.0, 150.0],
            ),
            rect: Rect::from_min_max(Pos2::ZERO, Pos2::new(400.0, 300.0)),
            pixels_per_point: 1.0,
        }
    }

    fn image_rect(shape: &Shape) -> Rect {
        match shape {
            Shape::Mesh(m) => m.calc_bounds(),
            other => panic!("an image, not {other:?}"),
        }
    }

    #[test]
    fn the_image_shows_the_layer_where_the_view_has_it() {
        let layers = square_layer();
        let v = view(6.0);
        // A window starting 100 px left of and 50 px above the screen, as with a margin.
        let wide = View {
            rect: Rect::from_min_max(Pos2::new(-100.0, -50.0), Pos2::new(500.0, 350.0)),
            ..v
        };
        let (pieces, _) = layer_pieces(&layers, None, &wide, None);
        let image = paths::draw(&pieces, &wide, [-100, -50], [600, 400], &|| false).expect("drawn");
        let at = |x: usize, y: usize| image.pixels[(y + 50) * 600 + x + 100];
        // The square's centre is the screen's centre: filled with the layer's blue, translucent.
        let centre = at(200, 150);
        assert!(centre.a() > 40 && centre.a() < 200, "{centre:?}");
        assert!(centre.b() > centre.r(), "{centre:?}");
        // Its edge is stroked opaque; the screen's corner is empty.
        let square_left = v.pos(LonLat::new(66.0, 30.0).to_world()).x.round() as usize;
        assert!(at(square_left, 150).a() > 200, "{:?}", at(square_left, 150));
        assert_eq!(at(5, 5), Color32::TRANSPARENT);
    }

    #[test]
    fn frames_reuse_the_image_moved_by_whole_pixels_and_scaled_until_the_new_one_arrives() {
        let ctx = egui::Context::default();
        let layers = square_layer();
        let options = TessellationOptions::default();
        // Every mesh rasterised, as for large data.
        let mut batch = LayerBatch {
            point_limit: 0,
            ..Default::default()
        };
        let v = view(6.0);
        let first = batch.shapes(&ctx, (&layers, None), None, &v, 1, options).0;
        assert!(batch.finish(&ctx, Duration::from_secs(30)), "rendered");
        let built = image_rect(&batch.shapes(&ctx, (&layers, None), None, &v, 1, options).0);
        // The image covers the view and a quarter of it on each side.
        assert_eq!(
            built,
            Rect::from_min_max(Pos2::new(-100.0, -75.0), Pos2::new(500.0, 375.0))
        );
        assert!(matches!(first, Shape::Noop | Shape::Mesh(_)));

        // A pan of 10.4 points: moved by 10 whole pixels, not rendered again.
        let panned = View {
            transform: ScreenTransform::new(
                v.transform.to_world([210.4, 150.0]),
                6.0,
                [200.0, 150.0],
            ),
            ..v
        };
        let moved = image_rect(
            &batch
                .shapes(&ctx, (&layers, None), None, &panned, 1, options)
                .0,
        );
        assert_eq!(moved, built.translate(Vec2::new(-10.0, 0.0)));
        assert_eq!(batch.rebuilds, 1);

        // A zoom step: until the new render arrives, the image is shown twice as large about
        // the view's centre; then the new one replaces it.
        let mut zoomed = v;
        zoomed.transform =
            ScreenTransform::new(v.transform.to_world([200.0, 150.0]), 7.0, [200.0, 150.0]);
        let preview = image_rect(&batch.on_screen(&zoomed).0);
        assert_eq!(
            preview,
            Rect::from_min_max(Pos2::new(-400.0, -300.0), Pos2::new(800.0, 600.0))
        );
        let _ = batch.shapes(&ctx, (&layers, None), None, &zoomed, 1, options);
        assert_eq!(batch.rebuilds, 2);
        assert!(batch.finish(&ctx, Duration::from_secs(30)), "rendered");
        let sharp = image_rect(
            &batch
                .shapes(&ctx, (&layers, None), None, &zoomed, 1, options)
                .0,
        );
        assert_eq!(sharp, built, "the new image is drawn at the new zoom");
        // A style change (new generation) renders again, a repeated frame does not.
        let _ = batch.shapes(&ctx, (&layers, None), None, &zoomed, 2, options);
        let _ = batch.shapes(&ctx, (&layers, None), None, &zoomed, 2, options);
        assert_eq!(batch.rebuilds, 3);
    }

    #[test]
    fn small_data_is_drawn_as_a_mesh_in_the_same_frame_and_moved_exactly() {
        let ctx = egui::Context::default();
        let layers = square_layer();
        let options = TessellationOptions::default();
        let mut batch = LayerBatch::default();
        let v = view(6.0);
        // Give the worker time to start: the first frame may still miss it on a busy machine.
        let first = batch.shapes(&ctx, (&layers, None), None, &v, 1, options).0;
        assert!(batch.finish(&ctx, Duration::from_secs(30)));
        let Shape::Mesh(mesh) = batch.shapes(&ctx, (&layers, None), None, &v, 1, options).0 else {
            panic!("a mesh");
        };
        assert!(matches!(first, Shape::Noop | Shape::Mesh(_)));
        assert!(
            mesh.texture_id == egui::TextureId::default(),
            "not an image"
        );
        let square = Rect::from_two_pos(
            v.pos(LonLat::new(66.0, 31.0).to_world()),
            v.pos(LonLat::new(68.0, 29.0).to_world()),
        );
        let bounds = mesh.calc_bounds();
        assert!(
            bounds.expand(0.1).contains_rect(square),
            "{bounds:?} ⊇ {square:?}"
        );
        assert!(
            square.expand(5.0).contains_rect(bounds),
            "{bounds:?} ≈ {square:?}"
        );
        // A pan of 10.4 points moves it by exactly that, with no new render.
        let panned = View {
            transform: ScreenTransform::new(
                v.transform.to_world([210.4, 150.0]),
                6.0,
                [200.0, 150.0],
            ),
            ..v
        };
        let Shape::Mesh(moved) = batch
            .shapes(&ctx, (&layers, None), None, &panned, 1, options)
            .0
        else {
            panic!("a mesh");
        };
        let shift = moved.calc_bounds().min - bounds.min;
        assert!(
            (shift.x + 10.4).abs() < 1e-3 && shift.y.abs() < 1e-3,
            "{shift:?}"
        );
        assert_eq!(batch.rebuilds, 1);
    }

    #[test]
    fn heavy_vector_tiles_become_one_image_each_tile_kept_to_its_square() {
        use crate::tiles::source::TileAddress;
        use crate::tiles::vector::draw::{TileArt, VectorFrame, tile_world};
        let v = view(8.0);
        let c = v.visible_world(0.0).center();
        let addr = TileAddress {
            z: 8,
            x: (c.x * 256.0) as u32,
            y: (c.y * 256.0) as u32,
        };
        // Art spilling far past its tile (a tile's buffer), in red.
        let mut mesh = Mesh::default();
        mesh.add_colored_rect(
            Rect::from_min_max(Pos2::new(-200.0, -200.0), Pos2::new(456.0, 456.0)),
            Color32::RED,
        );
        let art = Arc::new(TileArt {
            mesh,
            size_pt: 256.0,
            ..TileArt::default()
        });
        let frame = VectorFrame {
            tiles: vec![PlacedTile {
                addr,
                art,
                clip: tile_world(addr),
            }],
            ..VectorFrame::default()
        };
        let ctx = egui::Context::default();
        let mut batch = LayerBatch::default();
        let _ = batch.tiles(&ctx, &frame, &v, 1);
        assert!(batch.finish(&ctx, Duration::from_secs(10)), "rendered");
        let shape = batch.tiles(&ctx, &frame, &v, 1);
        assert_eq!(batch.rebuilds, 1, "the same tiles: the same image");
        let Shape::Mesh(m) = &shape else {
            panic!("an image: {shape:?}")
        };
        assert!(!m.texture_id.eq(&egui::TextureId::default()), "a texture");
        // The image's pixels: red inside the tile's square, nothing outside it.
        let Some(Built { placement, .. }) = &batch.built else {
            panic!("built")
        };
        let square = Rect::from_min_max(v.pos(tile_world(addr).min), v.pos(tile_world(addr).max));
        let job = render_tiles(
            &View {
                rect: placement.rect_pt,
                ..v
            },
            *placement,
            &frame.tiles,
            [
                placement.rect_pt.min.x as i64,
                placement.rect_pt.min.y as i64,
            ],
            [
                placement.rect_pt.width() as usize,
                placement.rect_pt.height() as usize,
            ],
            &|| false,
        )
        .expect("drawn");
        let Made::Image(image) = job.made else {
            panic!("an image")
        };
        let at = |p: Pos2| {
            let (x, y) = (p.x - placement.rect_pt.min.x, p.y - placement.rect_pt.min.y);
            image.pixels[y as usize * image.size[0] + x as usize]
        };
        assert_eq!(at(square.center()), Color32::RED);
        assert_eq!(
            at(square.min - egui::vec2(20.0, 20.0)).a(),
            0,
            "clipped to its square"
        );
    }

    #[test]
    fn an_overtaken_render_gives_up() {
        let layers = square_layer();
        let v = view(6.0);
        let key = BatchKey {
            zoom: 6.0,
            pixels_per_point: 1.0,
            size: v.rect.size(),
            generation: 1,
            selected: None,
        };
        let job = |id| Job {
            placement: Placement {
                id,
                key,
                covers: v.visible_world(0.0),
                origin_pt: v.transform.to_screen(WorldPos::new(0.0, 0.0)),
                rect_pt: v.rect,
            },
            source: Source::Layers {
                layers: layers.clone(),
                categories: None,
                selected: None,
            },
            view: v,
            options: TessellationOptions::default(),
            point_limit: 0,
            origin_px: [0, 0],
            size_px: [400, 300],
            repaint: egui::Context::default(),
        };
        // Still the newest: drawn, as an image (every mesh rasterised here).
        let done = render(job(7), &AtomicU64::new(7)).expect("drawn");
        let Made::Image(image) = done.made else {
            panic!("an image");
        };
        assert!(image.pixels[150 * 400 + 200].a() > 0, "the square is drawn");
        // Overtaken by job 8: gives up.
        assert!(render(job(7), &AtomicU64::new(8)).is_none());
        // Each stage stops at its next look.
        let (shapes, _) = super::super::layer_shapes(&layers, None, &v, None);
        let options = TessellationOptions::default();
        assert!(
            tessellate_unless(shapes.clone(), 1.0, options, &|| true)
                .vertices
                .is_empty()
        );
        let mesh = tessellate(shapes, 1.0, options);
        let primitives = [ClippedPrimitive {
            clip_rect: v.rect,
            primitive: Primitive::Mesh(mesh),
        }];
        let blank = rasterize(&primitives, 1.0, [0, 0], [400, 300], &|| true);
        assert!(blank.pixels.iter().all(|p| *p == Color32::TRANSPARENT));
    }

    #[test]
    fn a_selected_area_is_outlined_and_leaves_every_marker_as_it_was() {
        // A square and two markers: one inside it, one on its western edge, where the
        // selection's halo runs.
        let mut layers = square_layer();
        let points = [(67.0, 30.0), (66.0, 30.0)]
            .into_iter()
            .map(|(lon, lat)| {
                Feature::new("site", Map::new(), Some(geo::Point::new(lon, lat).into()))
            })
            .collect();
        layers.push(Layer::new(
            "pts",
            "Sites",
            LayerOrigin::Catalog,
            LayerStyle::default(),
            points,
        ));
        let v = view(6.0);
        let draw = |selected| {
            let (shapes, _) = super::super::layer_shapes(&layers, None, &v, selected);
            let mesh = tessellate(shapes, 1.0, TessellationOptions::default());
            let primitives = [ClippedPrimitive {
                clip_rect: v.rect,
                primitive: Primitive::Mesh(mesh),
            }];
            rasterize(&primitives, 1.0, [0, 0], [400, 300], &|| false)
        };
        let plain = draw(None);
        let selected = draw(Some(FeatureRef {
            layer: 0,
            feature: 0,
        }));
        let px_at = |img: &ColorImage, lon: f64, lat: f64, dx: f32| {
            let p = v.pos(LonLat::new(lon, lat).to_world()) + Vec2::new(dx, 0.0);
            img.pixels[p.y.round() as usize * 400 + p.x.round() as usize]
        };
        let px = |img: &ColorImage, lon: f64, lat: f64| px_at(img, lon, lat, 0.0);
        // Across each marker, 3 px either side of its centre too (within the halo's width).
        for (lon, lat) in [(67.0, 30.0), (66.0, 30.0)] {
            for dx in [-3.0, 0.0, 3.0] {
                assert_eq!(
                    px_at(&selected, lon, lat, dx),
                    px_at(&plain, lon, lat, dx),
                    "the marker at {lon}, {lat} ({dx} px) is drawn as without the selection"
                );
            }
        }
        // The halo is there, on the edge away from the marker, and the inside keeps its fill.
        assert_ne!(px(&selected, 65.95, 30.8), px(&plain, 65.95, 30.8));
        assert_eq!(px(&selected, 67.5, 29.5), px(&plain, 67.5, 29.5));
    }

    #[test]
    fn each_position_of_a_multipoint_is_a_marker_drawn_and_kept_clear() {
        let sites = [(66.0, 29.5), (67.0, 30.0), (68.0, 30.5)];
        let mp = geo::MultiPoint(sites.iter().map(|&(x, y)| geo::Point::new(x, y)).collect());
        let layers = vec![Layer::new(
            "mp",
            "Sites",
            LayerOrigin::Catalog,
            LayerStyle::default(),
            vec![Feature::new("sites", Map::new(), Some(mp.into()))],
        )];
        let v = view(6.0);
        let (shapes, markers) = super::super::layer_shapes(&layers, None, &v, None);
        // A box for each marker, around its position, for the labels to keep clear of.
        let boxes = markers.reserved.boxes();
        assert_eq!(boxes.len(), 3);
        for (lon, lat) in sites {
            let c = v.pos(LonLat::new(lon, lat).to_world());
            let around = |b: &&crate::model::labels::BoxPx| {
                b.min[0] < c.x && c.x < b.max[0] && b.min[1] < c.y && c.y < b.max[1]
            };
            assert_eq!(boxes.iter().filter(around).count(), 1, "{lon}, {lat}");
        }
        let mesh = tessellate(shapes, 1.0, TessellationOptions::default());
        let primitives = [ClippedPrimitive {
            clip_rect: v.rect,
            primitive: Primitive::Mesh(mesh),
        }];
        let image = rasterize(&primitives, 1.0, [0, 0], [400, 300], &|| false);
        for (lon, lat) in sites {
            let c = v.pos(LonLat::new(lon, lat).to_world());
            let px = image.pixels[c.y.round() as usize * 400 + c.x.round() as usize];
            assert!(px.a() > 0, "a marker at {lon}, {lat}");
        }
        // Between them, nothing.
        let gap = v.pos(LonLat::new(66.5, 30.5).to_world());
        assert_eq!(
            image.pixels[gap.y.round() as usize * 400 + gap.x.round() as usize].a(),
            0
        );
    }

    #[test]
    fn the_path_rasteriser_draws_what_the_mesh_rasteriser_draws() {
        // The same pieces through both backends: the mesh (small data, and what egui's GPU
        // backends draw) and the path rasteriser (dense data, exports). They may differ only
        // in anti-aliasing along edges.
        let layers = square_layer();
        let v = view(6.0);
        let (mut pieces, _) = layer_pieces(&layers, None, &v, None);
        // A marker as the layers draw one: a disc, its outline outside it, a thin ring.
        let c = Pos2::new(120.0, 80.0);
        pieces.extend(
            [
                Shape::circle_filled(c, 6.0, Color32::WHITE),
                Shape::circle_stroke(c, 5.0, egui::Stroke::new(2.5, Color32::GOLD)),
                Shape::circle_stroke(c, 6.5, egui::Stroke::new(0.8, Color32::DARK_GRAY)),
                // A filled marker: its disc and its edge in one shape.
                Shape::Circle(egui::epaint::CircleShape {
                    center: Pos2::new(60.0, 220.0),
                    radius: 6.0,
                    fill: Color32::LIGHT_BLUE,
                    stroke: egui::Stroke::new(2.0, Color32::BLACK),
                }),
                Shape::rect_stroke(
                    Rect::from_min_size(Pos2::new(300.0, 40.0), Vec2::splat(30.0)),
                    0.0,
                    egui::Stroke::new(3.0, Color32::RED),
                    egui::StrokeKind::Inside,
                ),
            ]
            .map(crate::render::piece::Piece::from),
        );
        let by_paths = paths::draw(&pieces, &v, [0, 0], [400, 300], &|| false).expect("drawn");
        let mesh = tessellate(into_shapes(pieces, &v), 1.0, TessellationOptions::default());
        let primitives = [ClippedPrimitive {
            clip_rect: v.rect,
            primitive: Primitive::Mesh(mesh),
        }];
        let by_mesh = rasterize(&primitives, 1.0, [0, 0], [400, 300], &|| false);
        let (mut sum, mut far) = (0u64, 0usize);
        for (a, b) in by_paths.pixels.iter().zip(&by_mesh.pixels) {
            let d = (0..4)
                .map(|k| (i32::from(a[k]) - i32::from(b[k])).unsigned_abs())
                .max()
                .unwrap_or(0);
            sum += u64::from(d);
            far += usize::from(d > 64);
        }
        let mean = sum as f64 / by_mesh.pixels.len() as f64;
        assert!(mean < 1.0, "mean difference {mean:.2} of 255");
        assert!(far < 400, "{far} pixels differ by more than a quarter");
        assert_eq!(
            by_paths.pixels[150 * 400 + 200],
            by_mesh.pixels[150 * 400 + 200]
        );
        // The marker's gold ring, the box's red edge and the filled marker's disc and edge
        // are where the mesh has them.
        for (x, y) in [
            (126, 80),
            (120, 86),
            (301, 55),
            (315, 41),
            (60, 220),
            (67, 220),
            (60, 213),
        ] {
            let (a, b) = (by_paths.pixels[y * 400 + x], by_mesh.pixels[y * 400 + x]);
            let d = (0..4)
                .map(|k| i32::from(a[k]).abs_diff(i32::from(b[k])))
                .max();
            assert!(d < Some(48), "({x}, {y}): paths {a:?}, mesh {b:?}");
        }
    }
}
