//! Benchmark: vector tiles through the real code paths.
//!
//! (a) decode + style + tessellate the z14 tile over central Karachi (342 KB uncompressed, from
//!     the shared OpenStreetMap pack; `tests/fixtures/vector/`), and decode alone;
//! (b) UI-thread frames while panning and zooming over Karachi and Islamabad at zoom 12–16
//!     with the pack in `maps/`: the frame asks the loader for its tiles (workers prepare them
//!     meanwhile, on the same two cores), paints them and their labels, and egui tessellates
//!     the frame — what the map does each frame;
//! (c) panning across the country at zoom 12: the loader's memory against its bound, and the
//!     process's peak RSS (VmHWM).
//!
//! `cargo bench --bench vector` runs it in full; `-- --quick` fewer repetitions (what CI runs
//! through `tests/bench_quick.rs`). Whole-process export timings are measured with the binary
//! (`export --stats`), see the README.

use std::path::Path;
use std::time::{Duration, Instant};

use corridor_viewer::model::view::{LonLat, ScreenTransform};
use corridor_viewer::render::batch::LayerBatch;
use corridor_viewer::render::{View, paint_vector_tiles};
use corridor_viewer::tiles::pack::TilePack;
use corridor_viewer::tiles::source::TileAddress;
use corridor_viewer::tiles::vector::decode::decode;
use corridor_viewer::tiles::vector::draw::{self, VectorFrame};
use corridor_viewer::tiles::vector::style::StyleContext;
use corridor_viewer::tiles::vector::{self, VectorTiles};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Timings of the Karachi tile, in milliseconds: (decode, decode + style + tessellate), best
/// of `runs`.
pub fn karachi_tile(runs: usize) -> (f64, f64) {
    let bytes = std::fs::read(root().join("tests/fixtures/vector/karachi-14-11241-7023.pbf.gz"))
        .expect("fixture");
    let addr = TileAddress {
        z: 14,
        x: 11241,
        y: 7023,
    };
    tile_timings(&bytes, addr, runs)
}

/// (decode, decode + style + tessellate) of one tile's bytes, best of `runs`, in ms.
pub fn tile_timings(bytes: &[u8], addr: TileAddress, runs: usize) -> (f64, f64) {
    let mut best = (f64::INFINITY, f64::INFINITY);
    for _ in 0..runs {
        let t = Instant::now();
        let tile = decode(bytes).expect("decode");
        let decoded = t.elapsed().as_secs_f64() * 1e3;
        let art = draw::prepare(
            &tile,
            addr,
            StyleContext {
                zoom: 14,
                atlas_under: true,
            },
            1.0,
            true,
        );
        let all = t.elapsed().as_secs_f64() * 1e3;
        assert!(!art.mesh.is_empty());
        best = (best.0.min(decoded), best.1.min(all));
    }
    best
}

fn view(at: LonLat, zoom: f64) -> View {
    let rect = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 800.0));
    View {
        transform: ScreenTransform::new(at.to_world(), zoom, [640.0, 400.0]),
        rect,
        pixels_per_point: 1.0,
    }
}

/// One UI-thread frame, as the map draws it: ask for the tiles, paint them (moved meshes, or
/// the background-rendered image when heavy) and their labels, tessellate.
fn frame(
    ctx: &egui::Context,
    tiles: &VectorTiles,
    batch: &mut LayerBatch,
    v: &View,
) -> (Duration, VectorFrame) {
    let t = Instant::now();
    let f = tiles.frame(v, true);
    let t0 = t.elapsed();
    let (mut t1, mut t2) = (Duration::ZERO, Duration::ZERO);
    let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
        let painter = ui.painter().with_clip_rect(v.rect);
        t1 = t.elapsed();
        paint_vector_tiles(&painter, v, &f, Some(&mut *batch));
        t2 = t.elapsed();
        let (labels, _) =
            draw::label_shapes(&painter, v, &f, Default::default(), &[], Default::default());
        painter.extend(labels);
    });
    let t3 = t.elapsed();
    out.textures_delta.clear();
    let _ = ctx.tessellate(std::mem::take(&mut out.shapes), out.pixels_per_point);
    if std::env::var_os("PROBE").is_some() && t.elapsed() > Duration::from_millis(6) {
        eprintln!(
            "slow frame z {:.2}: {:?} (loader {t0:?}, before paint {t1:?}, tiles {:?}, labels {:?}, tessellate {:?}; {} tile vertices)",
            v.transform.zoom(),
            t.elapsed(),
            t2 - t1,
            t3 - t2,
            t.elapsed() - t3,
            draw::vertex_count(&f)
        );
    }
    (t.elapsed(), f)
}

/// Frame times while panning and zooming: (worst, 95th percentile, frames, seconds until the
/// last tile arrived), in milliseconds for the first two.
pub fn pan_and_zoom(steps: usize) -> (f64, f64, usize, f64) {
    let tiles = vector::from_pack(
        TilePack::open(&root().join("maps/osm-pakistan-z0-12.mbtiles")).expect("pack"),
        Box::new(|| {}),
    );
    let ctx = egui::Context::default();
    let mut batch = LayerBatch::default();
    let mut times = Vec::new();
    let started = Instant::now();
    let mut last_arrival = 0.0;
    for (at, name) in [
        (LonLat::new(67.02, 24.86), "Karachi"),
        (LonLat::new(73.05, 33.70), "Islamabad"),
    ] {
        let _ = name;
        for i in 0..steps {
            // Zoom 12 → 16 and back while panning 12 points a frame eastwards.
            let phase = i as f64 / steps as f64;
            let zoom = 12.0 + 4.0 * (1.0 - (2.0 * phase - 1.0).abs());
            let px = 12.0 * i as f64;
            let k = 256.0 * 2f64.powf(zoom);
            let c = at.to_world();
            let moved = LonLat::from_world(corridor_viewer::model::view::WorldPos::new(
                c.x + px / k,
                c.y,
            ));
            let (dt, f) = frame(&ctx, &tiles, &mut batch, &view(moved, zoom));
            if f.waiting > 0 {
                last_arrival = started.elapsed().as_secs_f64();
            }
            times.push(dt.as_secs_f64() * 1e3);
            // A 60 Hz display: the next frame comes 16 ms later.
            std::thread::sleep(Duration::from_millis(16).saturating_sub(dt));
        }
    }
    times.sort_by(f64::total_cmp);
    let worst = times.last().copied().unwrap_or(0.0);
    let p95 = times[(times.len() * 95 / 100).min(times.len() - 1)];
    (worst, p95, times.len(), last_arrival)
}

/// Pan across Pakistan at zoom 12 (Karachi to Peshawar), every tile loaded on the way:
/// (bytes the loader holds at the end, its bound, the process's VmHWM in bytes).
pub fn across_the_country(frames: usize) -> (usize, usize, u64) {
    let tiles = vector::from_pack(
        TilePack::open(&root().join("maps/osm-pakistan-z0-12.mbtiles")).expect("pack"),
        Box::new(|| {}),
    );
    let (a, b) = (LonLat::new(67.0, 24.9), LonLat::new(71.6, 34.0));
    for i in 0..=frames {
        let t = i as f64 / frames as f64;
        let at = LonLat::new(a.lon + (b.lon - a.lon) * t, a.lat + (b.lat - a.lat) * t);
        tiles.frame_complete(&view(at, 12.0), true, Duration::from_secs(30));
    }
    (
        tiles.memory_bytes(),
        vector::loader::MEMORY_BOUND_BYTES,
        corridor_viewer::cli::peak_rss_bytes().unwrap_or(0),
    )
}

#[allow(dead_code)]
fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    // Memory alone, in a process of its own (VmHWM is the whole process's high-water mark).
    if std::env::args().any(|a| a == "--memory") {
        let (held, bound, hwm) = across_the_country(if quick { 20 } else { 200 });
        println!(
            "across the country at z12 (a process of its own): loader holds {:.0} MB (bound {:.0} MB); process VmHWM {:.0} MB (budget 300 MB)",
            held as f64 / 1e6,
            bound as f64 / 1e6,
            hwm as f64 / 1e6
        );
        return;
    }
    let (decode_ms, all_ms) = karachi_tile(if quick { 3 } else { 20 });
    println!(
        "Karachi z14 tile: decode {decode_ms:.1} ms; decode + style + tessellate {all_ms:.1} ms (budget 30 ms)"
    );
    // walkers' own benchmark tile (Protomaps schema, Wrocław z14), when given: the same tile
    // through both decoders (walkers: `cargo bench -p walkers --features mvt --bench decode_mvt`).
    if let Some(path) = std::env::var_os("WALKERS_BENCH_TILE") {
        let bytes = std::fs::read(&path).expect("the walkers tile");
        let addr = TileAddress {
            z: 14,
            x: 8967,
            y: 5477,
        };
        let (d, all) = tile_timings(&bytes, addr, 20);
        println!(
            "walkers' Wrocław z14 tile: decode {d:.1} ms; decode + style + tessellate {all:.1} ms"
        );
    }
    let (worst, p95, n, arrival) = pan_and_zoom(if quick { 40 } else { 240 });
    println!(
        "pan + zoom 12–16 over Karachi and Islamabad: {n} frames, worst {worst:.1} ms, 95th percentile {p95:.1} ms (budget 16 ms); last tile asked for at {arrival:.1} s"
    );
    // The memory figure from a process of its own.
    let exe = std::env::current_exe().expect("the benchmark binary");
    let mut args = vec!["--memory"];
    if quick {
        args.push("--quick");
    }
    let out = std::process::Command::new(exe)
        .args(args)
        .output()
        .expect("the benchmark runs again");
    print!("{}", String::from_utf8_lossy(&out.stdout));
}
