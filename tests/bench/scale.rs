//! Benchmark: how the app scales with data. Synthetic layers of lines and of polygons at 10 k,
//! 100 k, 1 M and 10 M vertices (features of 100 vertices spread over Pakistan), through the
//! real code paths:
//! (a) loading: our loader (parse, repair checks, projection, level of detail, triangulation,
//!     index) against a bare typed `serde_json` parse of the same bytes into geojson types;
//! (b) a frame at a fixed view (Pakistan in 1280 × 800): culling, level of detail, batching and
//!     tessellation (cold), the same frame reusing the batch (warm), and a 10-pixel pan;
//! (c) hit-testing 1 000 points through the index;
//! (d) start-up to the first frame of the app (catalog, basemap, first layout and paint);
//! (e) whole map frames over a dense point layer (10 k to 1 M points): the basemap, the layers'
//!     image, count badges and labels placed around the markers, as the app paints each frame.
//!
//! `cargo bench --bench scale` runs the full sizes (about 10 minutes, 6 GB at 10 M);
//! `-- --quick` the small ones (what CI runs through `tests/bench_quick.rs`); `-- --big` the
//! big-files issue's 90 MB file and whole-process exports at 1 M, 4 M and 10 M vertices.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use corridor_viewer::io::geojson::parse_bytes;
use corridor_viewer::model::index::hit_test_layer;
use corridor_viewer::model::layer::{Layer, LayerOrigin};
use corridor_viewer::model::style::LayerStyle;
use corridor_viewer::model::view::{LonLat, ScreenTransform, WorldPos, zoom_to_fit};
use corridor_viewer::model::views::PAKISTAN;
use corridor_viewer::render::batch::{LayerBatch, Stages, tessellate};
use corridor_viewer::render::{View, layer_shapes};

/// The system allocator, counting the bytes in use and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn note_alloc(size: usize) {
    let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is passed straight to the system allocator; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_alloc(layout.size());
        // SAFETY: the caller upholds `alloc`'s contract, which is forwarded unchanged.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        note_alloc(new_size);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Lines or polygons.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// Random walks of 100 vertices.
    Lines,
    /// Wobbly rings of 100 vertices.
    Polygons,
    /// Lines and polygons in turn (the big-files issue's file: 4 M vertices ≈ 90 MB).
    Mixed,
}

/// Vertices per feature.
const PER_FEATURE: usize = 100;

/// A small deterministic random generator (xorshift), so every run draws the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A FeatureCollection of about `vertices` vertices, as GeoJSON text.
pub fn synthetic(kind: Kind, vertices: usize) -> Vec<u8> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let features = (vertices / PER_FEATURE).max(1);
    let mut out = String::with_capacity(vertices * 24 + features * 80);
    out.push_str("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for f in 0..features {
        if f > 0 {
            out.push_str(",\n");
        }
        let (cx, cy) = (62.0 + rng.next() * 12.0, 25.0 + rng.next() * 11.0);
        let mut coords = Vec::with_capacity(PER_FEATURE + 1);
        let polygon = match kind {
            Kind::Lines => false,
            Kind::Polygons => true,
            Kind::Mixed => f % 2 == 1,
        };
        match polygon {
            false => {
                // A winding road: the heading turns a little at each step of about 1 km.
                let (mut x, mut y) = (cx, cy);
                let mut heading = rng.next() * std::f64::consts::TAU;
                for _ in 0..PER_FEATURE {
                    coords.push((x, y));
                    heading += (rng.next() - 0.5) * 0.6;
                    x += 0.01 * heading.cos();
                    y += 0.01 * heading.sin();
                }
            }
            true => {
                let radius = 0.02 + rng.next() * 0.06;
                for i in 0..PER_FEATURE - 1 {
                    let a = i as f64 / (PER_FEATURE - 1) as f64 * std::f64::consts::TAU;
                    let r = radius * (0.8 + 0.2 * rng.next());
                    coords.push((cx + r * a.cos(), cy + r * a.sin()));
                }
                coords.push(coords[0]);
            }
        }
        let text: Vec<String> = coords
            .iter()
            .map(|(x, y)| format!("[{x:.6},{y:.6}]"))
            .collect();
        let geometry = match polygon {
            false => format!(
                "{{\"type\":\"LineString\",\"coordinates\":[{}]}}",
                text.join(",")
            ),
            true => format!(
                "{{\"type\":\"Polygon\",\"coordinates\":[[{}]]}}",
                text.join(",")
            ),
        };
        out.push_str(&format!(
            "{{\"type\":\"Feature\",\"properties\":{{\"name\":\"F{f}\",\"id\":{f},\"value\":{:.2}}},\"geometry\":{geometry}}}",
            rng.next() * 1000.0
        ));
    }
    out.push_str("\n]}\n");
    out.into_bytes()
}

/// One measured row.
#[derive(Debug)]
pub struct Row {
    /// Lines or polygons.
    pub kind: Kind,
    /// Vertices in the layer.
    pub vertices: usize,
    /// Size of the GeoJSON text, bytes.
    pub bytes: usize,
    /// Bare typed serde_json parse, seconds.
    pub typed_parse_s: f64,
    /// Our loader, parse to an indexed layer, seconds.
    pub load_s: f64,
    /// Heap held by the loaded layer, bytes.
    pub layer_bytes: usize,
    /// Peak heap while loading, above what was in use before (the text included), bytes.
    pub peak_load_bytes: usize,
    /// The frame in which the view changed (a zoom step): the render job submitted and waited
    /// for briefly, the last image shown scaled; seconds (median).
    pub cold_frame_s: f64,
    /// From that frame to the new image ready in the background: cull, level of detail,
    /// batch, tessellate, rasterise; seconds (median).
    pub render_s: f64,
    /// The stages of the last render.
    pub stages: Stages,
    /// The same frame reusing the image, seconds (median).
    pub warm_frame_s: f64,
    /// A frame after a 10-pixel pan, seconds (median).
    pub pan_frame_s: f64,
    /// Heap held by the layer after the frames (levels of detail triangulated as drawn), bytes.
    pub layer_drawn_bytes: usize,
    /// Vertices in the frame's mesh.
    pub mesh_vertices: usize,
    /// Vertices in the same frame's mesh drawn at full detail (no simplification).
    pub full_mesh_vertices: usize,
    /// 1 000 hit-tests, seconds.
    pub hit_test_s: f64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn time<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed().as_secs_f64())
}

/// Pakistan fitted in a 1280 × 800 map at one pixel per point.
pub fn fixed_view() -> View {
    let rect = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 800.0));
    let zoom = zoom_to_fit(PAKISTAN.rect(), [1280.0, 800.0], 24.0);
    View {
        transform: ScreenTransform::new(PAKISTAN.rect().center(), zoom, [640.0, 400.0]),
        rect,
        pixels_per_point: 1.0,
    }
}

/// Measure one layer size.
pub fn measure(kind: Kind, vertices: usize, repeats: usize) -> Row {
    let bytes = synthetic(kind, vertices);
    let (typed, typed_parse_s) =
        time(|| serde_json::from_slice::<geojson::FeatureCollection>(&bytes).expect("typed parse"));
    drop(typed);
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let (layer, load_s) = time(|| {
        let file = parse_bytes(&bytes, Path::new("synthetic.geojson")).expect("our loader");
        Layer::new(
            "synthetic",
            "Synthetic",
            LayerOrigin::Catalog,
            LayerStyle::default(),
            file.features,
        )
    });
    let layer_bytes = LIVE.load(Ordering::Relaxed).saturating_sub(before);
    let peak_load_bytes = PEAK.load(Ordering::Relaxed).saturating_sub(before) + bytes.len();
    let byte_count = bytes.len();
    drop(bytes);
    let layers = [layer];
    let view = fixed_view();
    let options = egui::epaint::TessellationOptions::default();
    let ctx = egui::Context::default();
    let mut cold = Vec::new();
    let mut render = Vec::new();
    let mut warm = Vec::new();
    let mut pan = Vec::new();
    let mut stages = Stages::default();
    for _ in 0..repeats {
        let mut batch = LayerBatch::default();
        // An image at the zoom before, then a zoom step: the frame that submits the new one.
        let mut zoomed_out = view;
        zoomed_out.transform = ScreenTransform::new(
            view.transform.to_world([640.0, 400.0]),
            view.transform.zoom() - 0.5,
            [640.0, 400.0],
        );
        let _ = batch.shapes(&ctx, (&layers, None), None, &zoomed_out, 1, options);
        assert!(batch.finish(&ctx, Duration::from_secs(600)), "rendered");
        let t = Instant::now();
        let _ = batch.shapes(&ctx, (&layers, None), None, &view, 1, options);
        cold.push(t.elapsed().as_secs_f64());
        assert!(batch.finish(&ctx, Duration::from_secs(600)), "rendered");
        render.push(t.elapsed().as_secs_f64());
        if let Some((_, s)) = batch.latency() {
            stages = s;
        }
        warm.push(time(|| batch.shapes(&ctx, (&layers, None), None, &view, 1, options)).1);
        let mut panned = view;
        panned.transform = ScreenTransform::new(
            view.transform.to_world([650.0, 400.0]),
            view.transform.zoom(),
            [640.0, 400.0],
        );
        pan.push(time(|| batch.shapes(&ctx, (&layers, None), None, &panned, 1, options)).1);
        assert_eq!(batch.rebuilds, 2, "warm and panned frames reuse the image");
    }
    // The images waiting in the context for a GPU are not the layer's.
    drop(ctx);
    let layer_drawn_bytes = (LIVE.load(Ordering::Relaxed) + byte_count).saturating_sub(before);
    // Vertices tessellated for the view, and for the same view drawn at full detail (as for
    // a 512× screen).
    let mesh_vertices_at = |v: &View| {
        let (shapes, _) = layer_shapes(&layers, None, v, None);
        tessellate(shapes, 1.0, options).vertices.len()
    };
    let mesh_vertices = mesh_vertices_at(&view);
    let full_mesh_vertices = mesh_vertices_at(&View {
        pixels_per_point: 512.0,
        ..view
    });
    let tol = view.transform.px_to_world(4.0);
    let mut rng = Rng(7);
    let points: Vec<WorldPos> = (0..1000)
        .map(|_| LonLat::new(62.0 + rng.next() * 12.0, 25.0 + rng.next() * 11.0).to_world())
        .collect();
    let (_, hit_test_s) = time(|| {
        points
            .iter()
            .map(|p| hit_test_layer(&layers[0], *p, tol, tol).len())
            .sum::<usize>()
    });
    Row {
        kind,
        vertices,
        bytes: byte_count,
        typed_parse_s,
        load_s,
        layer_bytes,
        peak_load_bytes,
        cold_frame_s: median(cold),
        render_s: median(render),
        stages,
        warm_frame_s: median(warm),
        pan_frame_s: median(pan),
        layer_drawn_bytes,
        mesh_vertices,
        full_mesh_vertices,
        hit_test_s,
    }
}

/// A FeatureCollection of `n` points without properties, spread over Pakistan.
pub fn synthetic_points(n: usize) -> Vec<u8> {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut out = String::with_capacity(n * 100);
    out.push_str("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for i in 0..n {
        let sep = if i + 1 < n { ",\n" } else { "\n" };
        let (x, y) = (61.0 + rng.next() * 16.0, 24.0 + rng.next() * 13.0);
        out.push_str(&format!(
            "{{\"type\":\"Feature\",\"properties\":null,\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{x:.6},{y:.6}]}}}}{sep}"
        ));
    }
    out.push_str("]}\n");
    out.into_bytes()
}

/// Whole map frames over `n` points, as the app paints them (basemap, the layers' image,
/// badges, the atlas's labels placed around the markers), at the fixed view: the median of
/// `frames` frames once the layers' image is ready, and the render of that image, seconds.
pub fn points_frames(n: usize, frames: usize) -> (f64, f64) {
    use corridor_viewer::render::{BasemapDraw, Batches, Scene, paint_map};
    let bytes = synthetic_points(n);
    let file = parse_bytes(&bytes, Path::new("points.geojson")).expect("our loader");
    drop(bytes);
    let layers = [Layer::new(
        "points",
        "Points",
        LayerOrigin::Catalog,
        LayerStyle::default(),
        file.features,
    )];
    let basemap = corridor_viewer::io::basemap_assets::load_basemap().expect("basemap");
    let view = fixed_view();
    let ctx = egui::Context::default();
    corridor_viewer::render::fonts::install(&ctx);
    let mut batch = LayerBatch::default();
    let scene = Scene {
        basemap: &basemap,
        layers: &layers,
        categories: None,
        labels: Default::default(),
    };
    let frame = |batch: &mut LayerBatch| {
        let t = Instant::now();
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            let batches = Batches {
                layers: batch,
                generation: 1,
                tiles: None,
            };
            paint_map(
                ui.painter(),
                &scene,
                &view,
                None,
                BasemapDraw::Full,
                None,
                Some(batches),
            );
        });
        output.textures_delta.clear();
        t.elapsed().as_secs_f64()
    };
    let _ = frame(&mut batch);
    let t = Instant::now();
    assert!(batch.finish(&ctx, Duration::from_secs(600)), "rendered");
    let render_s = t.elapsed().as_secs_f64();
    let times: Vec<f64> = (0..frames).map(|_| frame(&mut batch)).collect();
    (median(times), render_s)
}

/// Start-up to the first frame: the app built (catalog, basemap) and one frame laid out and
/// painted, headless.
pub fn first_frame() -> Duration {
    let t = Instant::now();
    let options = corridor_viewer::app::AppOptions {
        maps_dir: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("maps")),
        ..Default::default()
    };
    let mut harness = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_ui_state(
            move |ui, app: &mut Option<corridor_viewer::app::CorridorApp>| {
                app.get_or_insert_with(|| {
                    corridor_viewer::app::CorridorApp::new(ui.ctx(), options.clone())
                })
                .ui(ui);
            },
            None,
        );
    harness.step();
    t.elapsed()
}

/// Whole-process runs of `corridor-viewer export` on a generated file, as a user meets it.
#[derive(Debug)]
pub struct ProcessRow {
    /// Vertices in the file.
    pub vertices: usize,
    /// Size of the file, bytes.
    pub bytes: usize,
    /// From starting the binary to its exit, seconds: the median of the runs.
    pub wall_s: f64,
    /// The fastest and the slowest run, seconds.
    pub wall_range_s: (f64, f64),
    /// The process's peak resident memory (VmHWM, as the kernel reports it), bytes: the
    /// largest of the runs.
    pub peak_rss: u64,
    /// CPython's `json.load` of the same file, seconds: the median of as many runs, each
    /// after an export (when python3 is there).
    pub python_s: Option<f64>,
}

/// Export the Pakistan view at 1920 × 1080 of a mixed file of `vertices` vertices with the
/// real binary (`exe`), its wall clock measured around the process and its peak memory read
/// from the kernel (`--stats` prints VmHWM at exit).
pub fn export_process(exe: &Path, vertices: usize, runs: usize) -> ProcessRow {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("big.geojson");
    let bytes = synthetic(Kind::Mixed, vertices);
    std::fs::write(&file, &bytes).expect("write the file");
    // On disk before the clock starts: no write-back of the file during the runs.
    std::fs::File::open(&file)
        .and_then(|f| f.sync_all())
        .expect("sync the file");
    let (mut walls, mut pythons, mut peak_rss) = (Vec::new(), Vec::new(), 0u64);
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let out = std::process::Command::new(exe)
            .args([
                "export",
                "--view",
                "Pakistan",
                "--size",
                "1920x1080",
                "--stats",
                "--out",
            ])
            .arg(dir.path().join("x.png"))
            .arg(&file)
            .env_remove("DISPLAY")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("the binary runs");
        walls.push(t.elapsed().as_secs_f64());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "export failed: {stderr}");
        // "stats: 1.72 s wall clock, peak memory 239 MB (VmHWM)"
        let peak_mb: f64 = stderr
            .split("peak memory ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .expect("--stats prints the peak");
        peak_rss = peak_rss.max((peak_mb * 1e6) as u64);
        pythons.extend(
            std::process::Command::new("python3")
                .args([
                    "-c",
                    "import json,sys,time; t=time.time(); json.load(open(sys.argv[1])); print(time.time()-t)",
                ])
                .arg(&file)
                .output()
                .ok()
                .filter(|o| o.status.success())
                .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse::<f64>().ok()),
        );
    }
    let range = walls.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &w| {
        (lo.min(w), hi.max(w))
    });
    ProcessRow {
        vertices,
        bytes: bytes.len(),
        wall_s: median(walls),
        wall_range_s: range,
        peak_rss,
        python_s: (!pythons.is_empty()).then(|| median(pythons)),
    }
}

/// Print one whole-process row.
pub fn print_process(r: &ProcessRow) {
    let mb = r.bytes as f64 / 1e6;
    println!(
        "export process, {:>9} vertices ({:.0} MB): {:.2} s wall clock (median; {:.2}–{:.2} s), peak RSS {:.0} MB ({:.2}× file){}",
        r.vertices,
        mb,
        r.wall_s,
        r.wall_range_s.0,
        r.wall_range_s.1,
        r.peak_rss as f64 / 1e6,
        r.peak_rss as f64 / r.bytes as f64,
        r.python_s.map_or(String::new(), |p| format!(
            "; CPython json.load {p:.2} s (export {:.2}× of it)",
            r.wall_s / p
        )),
    );
}

/// Print one row.
pub fn print(row: &Row) {
    let mb = row.bytes as f64 / 1e6;
    println!(
        "{:?} {:>10} vertices, {:>7.1} MB: typed parse {:.3} s, our load {:.3} s ({:.0} MB/s, {:.2}× typed speed), layer {:.0} MB ({:.2}× file, {:.2}× once drawn), peak while loading {:.2}× file; frame after a zoom {:.2} ms (image rendered in {:.1} ms: batch {:.0}, tessellate {:.0}, rasterise {:.0}), warm {:.3} ms, pan {:.3} ms, {} mesh vertices ({} at full detail); 1000 hit-tests {:.2} ms",
        row.kind,
        row.vertices,
        mb,
        row.typed_parse_s,
        row.load_s,
        mb / row.load_s,
        row.typed_parse_s / row.load_s,
        row.layer_bytes as f64 / 1e6,
        row.layer_bytes as f64 / row.bytes as f64,
        row.layer_drawn_bytes as f64 / row.bytes as f64,
        row.peak_load_bytes as f64 / row.bytes as f64,
        row.cold_frame_s * 1e3,
        row.render_s * 1e3,
        row.stages.batch.as_secs_f64() * 1e3,
        row.stages.tessellate.as_secs_f64() * 1e3,
        row.stages.rasterise.as_secs_f64() * 1e3,
        row.warm_frame_s * 1e3,
        row.pan_frame_s * 1e3,
        row.mesh_vertices,
        row.full_mesh_vertices,
        row.hit_test_s * 1e3,
    );
}

/// Measure and print the frames over `n` points.
#[cfg_attr(test, allow(dead_code))]
fn print_points(n: usize) {
    let (frame_s, render_s) = points_frames(n, 9);
    println!(
        "{n:>8} points: whole map frame {:.2} ms (median of 9; the layers' image rendered in {:.0} ms)",
        frame_s * 1e3,
        render_s * 1e3
    );
}

#[cfg_attr(test, allow(dead_code))]
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    // `--write PATH --vertices N` writes the mixed file of N vertices and stops.
    let value = |name: &str| args.windows(2).find(|w| w[0] == name).map(|w| w[1].clone());
    if let Some(path) = value("--write") {
        let n = value("--vertices")
            .and_then(|v| v.parse().ok())
            .unwrap_or(4_000_000);
        std::fs::write(&path, synthetic(Kind::Mixed, n)).expect("write the file");
        return;
    }
    // `--size N` measures one size only (for profiling by hand).
    let one: Vec<usize> = args
        .windows(2)
        .filter(|w| w[0] == "--size")
        .filter_map(|w| w[1].parse().ok())
        .collect();
    let sizes: &[usize] = if !one.is_empty() {
        &one
    } else if quick {
        &[10_000, 100_000]
    } else {
        &[10_000, 100_000, 1_000_000, 10_000_000]
    };
    // `--points` measures only the frames over dense point layers.
    if args.iter().any(|a| a == "--points") {
        for &n in sizes.iter().filter(|n| **n <= 1_000_000) {
            print_points(n);
        }
        return;
    }
    // `--big` measures only the big file and the whole-process exports.
    let big = args.iter().any(|a| a == "--big");
    if !big {
        println!("first frame: {:.3} s", first_frame().as_secs_f64());
        for kind in [Kind::Lines, Kind::Polygons] {
            for &n in sizes {
                print(&measure(kind, n, if n >= 1_000_000 { 3 } else { 5 }));
            }
        }
        for &n in sizes.iter().filter(|n| **n <= 1_000_000) {
            print_points(n);
        }
    }
    if !quick && one.is_empty() {
        // The big-files issue's file (4 M vertices of lines and polygons, about 90 MB): how
        // long until it is on screen and can be used.
        let row = measure(Kind::Mixed, 4_000_000, 1);
        print(&row);
        println!(
            "{:.0} MB file: loaded and indexed (listed, hover and click answer, frames drawn throughout) in {:.2} s; its first image complete in {:.2} s",
            row.bytes as f64 / 1e6,
            row.load_s,
            row.load_s + row.render_s
        );
    }
    // Whole-process exports, as a user runs them.
    let exe = Path::new(env!("CARGO_BIN_EXE_corridor-viewer"));
    let process_sizes: &[usize] = if quick {
        &[100_000]
    } else {
        &[1_000_000, 4_000_000, 10_000_000]
    };
    for &n in process_sizes {
        print_process(&export_process(exe, n, if quick { 1 } else { 7 }));
    }
}
