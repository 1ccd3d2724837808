//! The readers' entry points for the coverage-guided fuzzers (`tests/fuzz`, cargo-fuzz) and
//! the fuzz smoke test that CI runs on stable (`tests/fuzz_smoke.rs`).
//!
//! Each target takes arbitrary bytes, runs them through the same code the app and the
//! command line use for a file, a tile or a session, and panics only where a promise the
//! rest of the program relies on is broken (a message that does not name the file, a
//! coordinate outside longitude/latitude, a session that does not read back as written, a
//! tile URL that is not http). An `Err` is a correct answer to bad input; a panic, a hang or
//! unbounded memory is a finding.

use std::path::{Path, PathBuf};

use crate::io::geojson::{LoadError, LoadedFile};
use crate::model::view::{LonLat, WorldRect};
use crate::tiles::source::{TileAddress, TileSourceSpec};

/// A fuzz target: bytes in, a panic for a broken invariant.
pub type Target = fn(&[u8]);

/// The fuzz targets by name, as `tests/fuzz` and the smoke test call them.
pub const TARGETS: [(&str, Target); 7] = [
    ("geojson", geojson),
    ("mvt", mvt),
    ("pmtiles", pmtiles),
    ("mbtiles", mbtiles),
    ("session", session),
    ("tile_source", tile_source),
    ("cli", cli),
];

/// A GeoJSON file (FeatureCollection, Feature, geometry, NDJSON or RFC 8142 sequence, with
/// repairs and `crs`), read both from memory and from disk (the file path maps and releases
/// the text as it parses): both must agree. Every loaded feature is then measured, simplified,
/// indexed and hit-tested as the map does.
pub fn geojson(data: &[u8]) {
    let Ok(path) = scratch_file("geojson", data) else {
        return;
    };
    let in_memory = crate::io::geojson::parse_bytes(data, &path);
    let from_disk = crate::io::geojson::load_file(&path);
    assert_eq!(
        summary(&in_memory),
        summary(&from_disk),
        "the file and the same bytes in memory read differently"
    );
    match in_memory {
        Err(e) => assert_names_file(&e, &path),
        Ok(file) => use_features(file),
    }
}

/// What a load gave, for comparing two loads.
fn summary(result: &Result<LoadedFile, LoadError>) -> String {
    match result {
        Ok(f) => format!(
            "{} features, {:?}, {:?}",
            f.features.len(),
            f.warnings
                .iter()
                .map(|w| (w.feature_index, &w.message))
                .collect::<Vec<_>>(),
            f.name
        ),
        Err(e) => format!("error: {e}"),
    }
}

fn assert_names_file(e: &LoadError, path: &Path) {
    let message = e.to_string();
    assert!(
        message.contains(&path.display().to_string()),
        "a load error does not name its file: {message}"
    );
}

fn use_features(file: LoadedFile) {
    let summary = crate::io::info::FileSummary::of(&file);
    let _ = format!("{summary:?}");
    for f in &file.features {
        let length_m = f.length_m();
        let area_m2 = f.area_m2();
        assert!(length_m >= 0.0 && area_m2 >= 0.0, "negative length or area");
        if let Some(g) = f.geometry() {
            use geo::CoordsIter;
            // A line across the antimeridian is unwrapped (179.9 → 180.1), so longitude
            // may pass ±180 there; latitude may not pass ±90.
            for c in g.coords_iter() {
                assert!(
                    c.x.is_finite() && (-90.0..=90.0).contains(&c.y),
                    "a loaded coordinate is outside longitude/latitude: {c:?}"
                );
            }
        }
        for zoom in [2.0, 9.0, 18.0] {
            let _ = f.lines_and_areas_at(zoom);
        }
    }
    let layer = crate::model::layer::Layer::new(
        "fuzz",
        "fuzz",
        crate::model::layer::LayerOrigin::File(file.path.clone()),
        crate::model::style::LayerStyle::default(),
        file.features,
    );
    if let Some(b) = layer.bbox {
        let _ = crate::model::index::hit_test_layer(&layer, b.center(), 1e-4, 1e-4);
    }
}

/// A vector tile's bytes (gzip'd, zlib'd or plain MVT), decoded and prepared for drawing at
/// its own zoom and deeper, with and without anti-aliased edges.
pub fn mvt(data: &[u8]) {
    let Ok(tile) = crate::tiles::vector::decode::decode(data) else {
        return;
    };
    let addr = TileAddress {
        z: 10,
        x: 712,
        y: 420,
    };
    for (zoom, ppp, feathering) in [(10, 1.0, true), (14, 2.0, false)] {
        let art = crate::tiles::vector::draw::prepare(
            &tile,
            addr,
            crate::tiles::vector::style::StyleContext {
                zoom,
                atlas_under: zoom == 10,
            },
            ppp,
            feathering,
        );
        assert!(
            art.mesh
                .vertices
                .iter()
                .all(|v| v.pos.x.is_finite() && v.pos.y.is_finite()),
            "a prepared tile has a vertex that is not a number"
        );
        assert!(
            art.mesh
                .indices
                .iter()
                .all(|&i| (i as usize) < art.mesh.vertices.len()),
            "a prepared tile's mesh indexes past its vertices"
        );
    }
}

/// A PMTiles file: opened, and a few of its tiles read and decoded (not drawn).
pub fn pmtiles(data: &[u8]) {
    pack("pmtiles", data);
}

/// An MBTiles (SQLite) file: opened, and a few of its tiles read and decoded.
pub fn mbtiles(data: &[u8]) {
    pack("mbtiles", data);
}

fn pack(extension: &str, data: &[u8]) {
    let Ok(path) = scratch_file(extension, data) else {
        return;
    };
    match crate::tiles::pack::TilePack::open(&path) {
        Err(e) => {
            let message = e.to_string();
            assert!(
                message.contains(&path.display().to_string()),
                "a pack error does not name its file: {message}"
            );
        }
        Ok(pack) => {
            let meta = pack.meta().clone();
            assert!(meta.min_zoom <= meta.max_zoom, "min zoom over max zoom");
            let [w, s, e, n] = meta.bounds.unwrap_or([60.0, 23.0, 78.0, 37.0]);
            for z in [meta.min_zoom, meta.max_zoom] {
                for (lon, lat) in [(w, s), (e, n), ((w + e) / 2.0, (s + n) / 2.0)] {
                    let p = LonLat::new(lon.clamp(-180.0, 180.0), lat.clamp(-85.0, 85.0));
                    let at = p.to_world();
                    let spot = WorldRect { min: at, max: at };
                    for addr in crate::tiles::source::tiles_covering(spot, z) {
                        if let Ok(Some(bytes)) = pack.tile(addr.z, addr.x, addr.y)
                            && meta.is_vector()
                        {
                            // Decoded only: drawing a tile is the `mvt` target's work.
                            let _ = crate::tiles::vector::decode::decode(&bytes);
                        }
                    }
                }
            }
        }
    }
}

/// A session file: read, written and read again, which must give the same text; the tile
/// sources the app would use from it are http(s) templates.
pub fn session(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(session) = crate::model::session::Session::parse(text) else {
        return;
    };
    let written = session.to_json();
    let again = crate::model::session::Session::parse(&written)
        .unwrap_or_else(|e| panic!("a written session does not read back: {e:?}\n{written}"));
    assert_eq!(
        written,
        again.to_json(),
        "a session changes on a second save"
    );
    for s in &session.tile_sources {
        if TileSourceSpec::from_template(&s.url_template).is_ok() {
            assert_web_url(&s.url(1, 0, 0));
        }
    }
}

/// A tile source as typed into "Add tile source…" (first line) and a TileJSON document
/// fetched from a URL (the rest): any source they give asks only http(s) for tiles.
pub fn tile_source(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
    if let Ok(spec) = TileSourceSpec::parse(first) {
        assert_web_url(&spec.url(3, 5, 2));
    }
    let url = if crate::tiles::vector::tilejson::is_tilejson_url(first) {
        first
    } else {
        "https://tiles.example.org/data/v3.json"
    };
    if let Ok(spec) = crate::tiles::vector::tilejson::parse(url, rest.as_bytes()) {
        assert_web_url(&spec.url(3, 5, 2));
    }
}

fn assert_web_url(url: &str) {
    assert!(
        url.starts_with("http://") || url.starts_with("https://"),
        "a tile source asks a URL that is not http(s): {url}"
    );
}

/// The command line: each line an argument of `corridor-viewer`, then `--view` and `--size`
/// values read as `export` reads them.
pub fn cli(data: &[u8]) {
    use clap::Parser;
    let text = String::from_utf8_lossy(data);
    let args: Vec<&str> = text.lines().collect();
    let _ = crate::cli::Cli::try_parse_from(
        std::iter::once("corridor-viewer").chain(args.iter().copied()),
    );
    for line in &args {
        if let Ok(view) = crate::model::views::parse_view(line) {
            match view {
                crate::model::views::ViewSpec::Fit(r) => {
                    assert!(r.min.x <= r.max.x && r.min.y <= r.max.y, "an inverted view")
                }
                crate::model::views::ViewSpec::Center { zoom, .. } => {
                    assert!((0.0..=20.0).contains(&zoom), "a zoom out of range")
                }
            }
        }
        if let Ok([w, h]) = crate::cli::parse_size(line) {
            assert!(
                w >= 1.0 && h >= 1.0 && w.is_finite() && h.is_finite(),
                "size {w}x{h}"
            );
        }
    }
}

/// Write `data` to this process's scratch file for `extension` (in memory where the system
/// has `/dev/shm`), for the readers that take a path.
fn scratch_file(extension: &str, data: &[u8]) -> std::io::Result<PathBuf> {
    let dir = Path::new("/dev/shm");
    let dir = if dir.is_dir() {
        dir.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    // One file per process and thread: the smoke test runs targets on several threads.
    let thread = format!("{:?}", std::thread::current().id());
    let thread: String = thread.chars().filter(char::is_ascii_digit).collect();
    let path = dir.join(format!(
        "corridor-fuzz-{}-{thread}.{extension}",
        std::process::id()
    ));
    // SQLite keeps a journal beside a pack only while writing; the pack is opened read-only.
    std::fs::write(&path, data)?;
    Ok(path)
}
