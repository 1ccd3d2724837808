//! Tile servers that misbehave (a server on 127.0.0.1 for each fault, `common/tile_server.rs`):
//! hanging after the headers, a partial body, 500s, a one-byte-a-second drip, the wrong
//! content type, a redirect loop, a body without end, and a TLS handshake that fails. For each,
//! raster and vector: `export` ends within `--tile-timeout` with a short, clear message and no
//! file, in bounded memory; and the app's map keeps drawing frames on time and shows the
//! offline note.

use std::time::{Duration, Instant};

#[path = "common/tile_server.rs"]
mod tile_server;
use tile_server::{Fault, TileServer};

#[path = "common/cli.rs"]
mod cli;

/// The export's wait for tiles, in seconds.
const TILE_TIMEOUT_S: u64 = 3;
/// What an export takes beyond its wait for tiles (a debug build reading the maps and
/// drawing the page, on a busy machine).
const EXPORT_WORK: Duration = Duration::from_secs(20);

fn export_against_every_fault(vector: bool) {
    let cache = tempfile::tempdir().expect("cache dir");
    let out = tempfile::tempdir().expect("out dir");
    let mut report = Vec::new();
    for fault in Fault::ALL {
        let server = TileServer::fault(fault);
        let template = fault.template(server.port, vector);
        let path = out.path().join(format!("{fault:?}.png"));
        let started = Instant::now();
        let (code, err) = cli::export(
            cache.path(),
            &[
                "--view",
                "Gwadar",
                "--size",
                "600x400",
                "--basemap",
                &template,
                "--tile-timeout",
                &TILE_TIMEOUT_S.to_string(),
                "--stats",
                "--out",
                path.to_str().expect("utf-8"),
            ],
        );
        let took = started.elapsed();
        report.push(format!("{fault:?}: {:.1} s", took.as_secs_f64()));
        assert_eq!(code, 1, "{fault:?}: the export fails: {err}");
        assert!(
            took < Duration::from_secs(TILE_TIMEOUT_S) + EXPORT_WORK,
            "{fault:?}: the export took {took:?}"
        );
        assert!(
            err.contains("could not be loaded from 127.0.0.1:")
                && err.contains("nothing was written"),
            "{fault:?}: {err}"
        );
        assert!(!path.exists(), "{fault:?}: a file was written");
        // One message, the stats line and little else: no line per failed tile.
        let lines = err.lines().count();
        assert!(lines <= 6, "{fault:?}: {lines} lines on stderr:\n{err}");
        // A body without end is read no further than a tile's largest.
        let peak_mb: f64 = err
            .split("peak memory ")
            .nth(1)
            .and_then(|s| s.split(" MB").next())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or_else(|| panic!("{fault:?}: no peak memory in {err}"));
        assert!(peak_mb < 600.0, "{fault:?}: peak memory {peak_mb} MB");
        assert!(server.requests() > 0, "{fault:?}: the server was asked");
    }
    eprintln!("{}", report.join(", "));
}

#[test]
fn a_raster_export_ends_within_its_tile_timeout_whatever_the_server_does() {
    export_against_every_fault(false);
}

#[test]
fn a_vector_export_ends_within_its_tile_timeout_whatever_the_server_does() {
    export_against_every_fault(true);
}

/// One app per fault, stepped in turn in real time until each shows the offline note; every
/// frame is timed.
fn app_against_every_fault(vector: bool) {
    use corridor_viewer::app::{AppOptions, Command, CorridorApp};
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;
    let servers: Vec<(Fault, TileServer)> = Fault::ALL
        .into_iter()
        .map(|f| (f, TileServer::fault(f)))
        .collect();
    let cache = tempfile::tempdir().expect("cache dir");
    let harness = || {
        let options = AppOptions {
            maps_dir: Some(std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("maps")),
            cache_dir: Some(cache.path().to_path_buf()),
            ..Default::default()
        };
        let mut h = Harness::builder()
            .with_size(egui::vec2(1280.0, 800.0))
            .build_ui_state(
                move |ui, app: &mut Option<CorridorApp>| {
                    app.get_or_insert_with(|| CorridorApp::new(ui.ctx(), options.clone()))
                        .ui(ui);
                },
                None,
            );
        h.run_steps(4);
        h
    };
    // The same app on its offline atlas, stepped alongside: what a frame costs in this build
    // with no network at all.
    let mut baseline = harness();
    let mut baseline_frames = Vec::new();
    let mut apps: Vec<(Fault, Harness<'static, Option<CorridorApp>>, bool)> = servers
        .iter()
        .map(|(fault, server)| {
            let mut h = harness();
            let spec = corridor_viewer::tiles::source::TileSourceSpec::custom(
                &format!("{fault:?}"),
                &fault.template(server.port, vector),
                "Test tiles",
                if vector { 14 } else { 19 },
            )
            .expect("valid");
            if let Some(app) = h.state_mut().as_mut() {
                app.apply(Command::AddTileSource(spec));
            }
            (*fault, h, false)
        })
        .collect();
    let started = Instant::now();
    let mut frames = Vec::new();
    // The request timeout (10 s), the grace before a failure counts (1 s), and time to spare.
    while apps.iter().any(|(_, _, noted)| !noted) {
        assert!(
            started.elapsed() < Duration::from_secs(40),
            "no offline note after 40 s for {:?}",
            apps.iter()
                .filter(|a| !a.2)
                .map(|a| a.0)
                .collect::<Vec<_>>()
        );
        for (_, h, noted) in apps.iter_mut().filter(|a| !a.2) {
            let t = Instant::now();
            h.step();
            frames.push(t.elapsed());
            *noted = h.query_by_label_contains("Can't reach 127.0.0.1").is_some();
            let t = Instant::now();
            baseline.step();
            baseline_frames.push(t.elapsed());
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    let (p95, worst) = percentile_and_worst(&mut frames);
    let (base_p95, base_worst) = percentile_and_worst(&mut baseline_frames);
    let over = |f: &[Duration]| f.iter().filter(|t| **t > Duration::from_millis(16)).count();
    eprintln!(
        "{} frames over {:.1} s: 95th percentile {:.1} ms, worst {:.1} ms, {} over 16 ms; on the offline atlas {:.1} ms, {:.1} ms, {} over 16 ms",
        frames.len(),
        started.elapsed().as_secs_f64(),
        p95.as_secs_f64() * 1e3,
        worst.as_secs_f64() * 1e3,
        over(&frames),
        base_p95.as_secs_f64() * 1e3,
        base_worst.as_secs_f64() * 1e3,
        over(&baseline_frames),
    );
    // The UI thread never waits on the network: a frame takes what drawing takes, as on the
    // offline atlas (this debug build's frames are slower than a release build's). A frame
    // that waited on a request would take a second or more: a drip sends a byte a second,
    // a hang holds for ten.
    assert!(
        p95 < base_p95.mul_f64(1.5) + Duration::from_millis(10),
        "95th percentile {p95:?}, offline {base_p95:?}"
    );
    assert!(
        worst < base_worst + Duration::from_millis(150),
        "worst frame {worst:?}, offline {base_worst:?}"
    );
}

#[test]
fn the_map_stays_responsive_and_notes_it_is_offline_whatever_a_raster_server_does() {
    app_against_every_fault(false);
}

#[test]
fn the_map_stays_responsive_and_notes_it_is_offline_whatever_a_vector_server_does() {
    app_against_every_fault(true);
}

/// The 95th percentile and the longest of some frame times.
fn percentile_and_worst(frames: &mut [Duration]) -> (Duration, Duration) {
    frames.sort();
    (
        frames[frames.len() * 95 / 100],
        frames.last().copied().unwrap_or_default(),
    )
}
