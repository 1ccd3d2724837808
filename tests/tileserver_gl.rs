//! Vector tiles from a real tile server: tileserver-gl-light (npm) on 127.0.0.1 serving the
//! OpenStreetMap pack of `maps/`, read through its TileJSON by the `export` command; then the
//! server is stopped and the cached tiles still draw, while a view never fetched is refused
//! with the tiles named.
//!
//! The server is found through `TILESERVER_GL` (the package's `tileserver-gl` executable), else
//! in `target/tileserver/node_modules/.bin/` (where `.ci/run` installs it). Without it the test
//! says so and passes, unless `CORRIDOR_VIEWER_REQUIRE_TILESERVER` is set (as in CI): then it
//! fails.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tileserver() -> Option<PathBuf> {
    let found = std::env::var_os("TILESERVER_GL")
        .map(PathBuf::from)
        .or_else(|| {
            let p = root().join("target/tileserver/node_modules/.bin/tileserver-gl");
            p.exists().then_some(p)
        });
    if found.is_none() {
        assert!(
            std::env::var_os("CORRIDOR_VIEWER_REQUIRE_TILESERVER").is_none(),
            "tileserver-gl-light is required here: npm install --prefix target/tileserver tileserver-gl-light@5"
        );
        eprintln!("tileserver-gl-light not installed: the real-server test is not run here");
    }
    found
}

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(exe: &Path, dir: &Path) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let pack = root().join("maps/osm-pakistan-z0-12.mbtiles");
        let config = serde_json::json!({
            "options": {"paths": {"root": dir, "mbtiles": pack.parent().expect("maps")}},
            "data": {"pakistan": {"mbtiles": pack.file_name().expect("name").to_string_lossy()}}
        });
        let config_path = dir.join("config.json");
        std::fs::write(&config_path, config.to_string()).expect("config");
        let child = Command::new(exe)
            .args([
                "--config",
                &config_path.to_string_lossy(),
                "--port",
                &port.to_string(),
            ])
            .args(["--bind", "127.0.0.1"])
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tileserver-gl-light starts");
        let server = Self { child, port };
        // Ready when its TileJSON answers (it listens a moment before it serves).
        let until = Instant::now() + Duration::from_secs(60);
        while !answers(port, "/data/pakistan.json") {
            assert!(Instant::now() < until, "tileserver-gl-light did not start");
            std::thread::sleep(Duration::from_millis(200));
        }
        server
    }

    fn tilejson(&self) -> String {
        format!("http://127.0.0.1:{}/data/pakistan.json", self.port)
    }
}

/// Whether the server on `port` answers `path` with 200 OK.
fn answers(port: u16, path: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request = format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    let mut head = [0u8; 12];
    stream.write_all(request.as_bytes()).is_ok()
        && stream.read_exact(&mut head).is_ok()
        && head.ends_with(b" 200")
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[path = "common/cli.rs"]
mod cli;

fn export(cache: &Path, view: &str, basemap: &str, out: &Path) -> (i32, String) {
    let out = out.to_string_lossy();
    cli::export(
        cache,
        &[
            "--view",
            view,
            "--size",
            "640x400",
            "--no-date",
            "--layers",
            "border_markets",
            "--tile-timeout",
            "20",
            "--basemap",
            basemap,
            "--out",
            &out,
        ],
    )
}

/// Pixels that differ between two PNGs of the same size.
fn differing(a: &Path, b: &Path) -> usize {
    let (a, b) = (
        image::open(a).expect("a PNG").to_rgba8(),
        image::open(b).expect("a PNG").to_rgba8(),
    );
    assert_eq!(a.dimensions(), b.dimensions());
    a.pixels().zip(b.pixels()).filter(|(p, q)| p != q).count()
}

#[test]
fn vector_tiles_from_tileserver_gl_draw_as_from_the_pack_and_from_the_cache_once_it_stops() {
    let Some(exe) = tileserver() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let pack = root().join("maps/osm-pakistan-z0-12.mbtiles");
    let islamabad = "73.05,33.70,12.4";
    let from_pack = dir.path().join("pack.png");
    let (code, err) = export(&cache, islamabad, &pack.to_string_lossy(), &from_pack);
    assert_eq!(code, 0, "{err}");

    let server = Server::start(&exe, dir.path());
    let served = dir.path().join("served.png");
    let tilejson = server.tilejson();
    let (code, err) = export(&cache, islamabad, &tilejson, &served);
    assert_eq!(code, 0, "{err}");
    // The same tiles through the same code: the same image (the credit is the pack's own).
    assert_eq!(differing(&served, &from_pack), 0, "served = pack");
    // An XYZ template of the same server, too.
    let template = format!(
        "http://127.0.0.1:{}/data/pakistan/{{z}}/{{x}}/{{y}}.pbf",
        server.port
    );
    let (code, err) = export(&cache, islamabad, &template, &dir.path().join("xyz.png"));
    assert_eq!(code, 0, "{err}");
    // A path the server does not have (404): refused, naming the tiles.
    let wrong = format!(
        "http://127.0.0.1:{}/data/nothing/{{z}}/{{x}}/{{y}}.pbf",
        server.port
    );
    let (code, err) = export(&cache, islamabad, &wrong, &dir.path().join("wrong.png"));
    assert_ne!(code, 0);
    assert!(err.contains("could not be loaded"), "{err}");
    drop(server);

    // The server is gone: the TileJSON kept and the cached tiles still draw the view…
    let cached = dir.path().join("cached.png");
    let (code, err) = export(&cache, islamabad, &tilejson, &cached);
    assert_eq!(code, 0, "{err}");
    assert_eq!(differing(&cached, &from_pack), 0, "cached = pack");
    // …and a view never fetched is refused with its tiles named, nothing written.
    let karachi = dir.path().join("karachi.png");
    let (code, err) = export(&cache, "67.02,24.86,12", &template, &karachi);
    assert_ne!(code, 0);
    assert!(err.contains("could not be loaded"), "{err}");
    assert!(err.contains("12/"), "names the tiles: {err}");
    assert!(!karachi.exists());
}

/// The app fed by the same server: its TileJSON added as a source, tiles drawn and labelled,
/// then the server stopped: the cached tiles still draw in a new app, with no offline note.
#[test]
fn the_app_draws_vector_tiles_from_tileserver_gl_and_from_the_cache_once_it_stops() {
    use corridor_viewer::app::{AppOptions, Command, CorridorApp};
    let Some(exe) = tileserver() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("cache");
    let server = Server::start(&exe, dir.path());
    let spec = corridor_viewer::tiles::vector::tilejson::resolve(&server.tilejson(), Some(&cache))
        .expect("the server's TileJSON");
    assert!(spec.is_vector());
    assert_eq!(spec.attribution, "© OpenStreetMap contributors");
    let options = AppOptions {
        maps_dir: Some(root().join("maps")),
        session_file: None,
        open_files: Vec::new(),
        cache_dir: Some(cache.clone()),
        file_dialogs: corridor_viewer::app::file_dialog::FileDialogs::InApp,
    };
    // Islamabad at zoom 12, the source added as a user would; frames until its tiles are in.
    let run = |spec: corridor_viewer::tiles::source::TileSourceSpec| {
        let opts = options.clone();
        let mut h = egui_kittest::Harness::builder()
            .with_size(egui::vec2(1000.0, 700.0))
            .build_ui_state(
                move |ui, app: &mut Option<CorridorApp>| {
                    app.get_or_insert_with(|| CorridorApp::new(ui.ctx(), opts.clone()))
                        .ui(ui);
                },
                None,
            );
        h.run();
        let app = h.state_mut().as_mut().expect("app");
        app.apply(Command::AddTileSource(spec));
        app.map_memory.center_at(walkers::lon_lat(73.05, 33.70));
        let _ = app.map_memory.set_zoom(12.0);
        for _ in 0..400 {
            h.step();
            if h.state().as_ref().is_some_and(|a| a.label_report.drawn > 5) {
                break;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        let a = h.state().as_ref().expect("app");
        let drawn = a.label_report.drawn;
        let health = a.tile_health.health();
        let problems = a.vector_basemap().map(|v| v.problems()).unwrap_or_default();
        (drawn, health, problems)
    };
    let (drawn, health, problems) = run(spec.clone());
    assert!(drawn > 5, "OSM names drawn from the server: {drawn}");
    assert_eq!(health, corridor_viewer::tiles::health::Health::Fine);
    assert_eq!(
        problems.schema,
        Some(corridor_viewer::tiles::vector::schema::Schema::OpenMapTiles)
    );
    drop(server);
    // Stopped: a new app on the same cache, the same source, still draws the view.
    let (drawn, health, _) = run(spec);
    assert!(drawn > 5, "from the cache: {drawn}");
    assert_eq!(
        health,
        corridor_viewer::tiles::health::Health::Fine,
        "no offline note"
    );
}
