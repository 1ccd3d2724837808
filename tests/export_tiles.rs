//! Exports over online tiles, against a tile server on 127.0.0.1 started by the test: the
//! export waits for the tiles, keeps them in the disk cache, renders from the cache when the
//! server is gone, and refuses (naming the tiles) rather than write blank squares.

use std::path::Path;

/// The colour of every tile the server sends.
const TILE_RGB: [u8; 3] = [200, 40, 40];

#[path = "common/tile_server.rs"]
mod tile_server;
use tile_server::TileServer;

/// A server sending tiles of one colour.
fn start_server() -> TileServer {
    let mut png = Vec::new();
    image::RgbImage::from_pixel(256, 256, image::Rgb(TILE_RGB))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encode");
    TileServer::png(png)
}

#[path = "common/cli.rs"]
mod cli;
use cli::export;

/// Export a named view over the test server's tiles.
fn export_view(
    cache: &Path,
    view: &str,
    template: &str,
    out: &Path,
    extra: &[&str],
) -> (i32, String) {
    let mut args = vec!["--view", view, "--size", "800x600", "--basemap", template];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--out", out.to_str().expect("utf-8 path")]);
    export(cache, &args)
}

/// Share of the image in the tiles' colour.
fn tile_share(path: &Path) -> f64 {
    let img = image::open(path).expect("a PNG").to_rgb8();
    let n = img.pixels().filter(|p| p.0 == TILE_RGB).count();
    n as f64 / f64::from(img.width() * img.height())
}

#[test]
fn tiles_load_are_cached_and_missing_ones_refuse_the_export() {
    let mut server = start_server();
    let cache = tempfile::tempdir().expect("cache dir");
    let out = tempfile::tempdir().expect("out dir");
    let template = server.template();
    let online = out.path().join("online.png");
    let (code, err) = export_view(cache.path(), "Gwadar", &template, &online, &[]);
    assert_eq!(code, 0, "{err}");
    let served = server.requests();
    assert!(served >= 1, "tiles were requested");
    assert!(tile_share(&online) > 0.2, "the map shows the tiles");
    assert!(
        std::fs::read_dir(cache.path()).expect("cache").count() > 0,
        "tiles cached on disk"
    );

    // The server goes away: the cached tiles still render.
    server.shut_down();
    let cached = out.path().join("cached.png");
    let (code, err) = export_view(cache.path(), "Gwadar", &template, &cached, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        tile_share(&cached) > 0.2,
        "cached tiles drawn with the server gone"
    );

    // A view whose tiles were never fetched: a clear refusal, and no file.
    let missing = out.path().join("missing.png");
    let (code, err) = export_view(
        cache.path(),
        "Northern gateway",
        &template,
        &missing,
        &["--tile-timeout", "10"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("tiles in view could not be loaded from 127.0.0.1:"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!missing.exists());
}

#[test]
fn a_bad_tile_template_is_a_clear_error() {
    let out = tempfile::tempdir().expect("out dir");
    let path = out.path().join("x.png");
    let (code, err) = export(
        out.path(),
        &[
            "--basemap",
            "https://host/{z}/{x}.png",
            "--out",
            path.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("is not a tile URL template"), "{err}");
}

/// The colour of the tiles in the test packs.
const PACK_RGB: [u8; 3] = [30, 160, 90];

/// Tiles of one colour at zoom 3 around Pakistan (so any closer view is overzoom).
fn pack_tiles() -> Vec<(u8, u32, u32, Vec<u8>)> {
    let mut png = Vec::new();
    image::RgbImage::from_pixel(256, 256, image::Rgb(PACK_RGB))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encode");
    (4..=6)
        .flat_map(|x| (2..=4).map(move |y| (x, y)))
        .map(|(x, y)| (3, x, y, png.clone()))
        .collect()
}

/// An MBTiles pack of [`pack_tiles`].
fn write_test_pack(path: &Path) {
    let tiles = pack_tiles();
    corridor_viewer::tiles::mbtiles::write_pack(
        path,
        &[
            ("name", "Test relief"),
            ("attribution", "Test pack"),
            ("format", "png"),
        ],
        &tiles,
    )
    .expect("pack written");
}

/// Export Gwadar over a pack (with `extra` arguments) into `out`; the exit code and stderr.
fn export_over_pack(dir: &Path, pack: &Path, out: &Path, extra: &[&str]) -> (i32, String) {
    export_view(dir, "Gwadar", pack.to_str().expect("utf-8"), out, extra)
}

/// An exported image and the share of it in the pack's colour.
fn image_and_pack_share(path: &Path) -> (image::RgbImage, f64) {
    let img = image::open(path).expect("a PNG").to_rgb8();
    let share = img.pixels().filter(|p| p.0 == PACK_RGB).count() as f64
        / f64::from(img.width() * img.height());
    (img, share)
}

#[test]
fn a_tile_pack_renders_its_tiles_past_its_last_zoom_and_a_bad_pack_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let pack = dir.path().join("relief.mbtiles");
    write_test_pack(&pack);
    // Gwadar is about zoom 8: five levels past the pack's last, drawn enlarged, not blank.
    let out = dir.path().join("pack.png");
    let (code, err) = export_over_pack(dir.path(), &pack, &out, &[]);
    assert_eq!(code, 0, "{err}");
    let (img, share) = image_and_pack_share(&out);
    assert!(share > 0.2, "the pack's tiles fill the map: {share:.2}");

    // Hybrid: the offline basemap's boundaries and labels drawn over the same tiles.
    let hybrid = dir.path().join("hybrid.png");
    let (code, err) = export_over_pack(dir.path(), &pack, &hybrid, &["--hybrid"]);
    assert_eq!(code, 0, "{err}");
    let (over, _) = image_and_pack_share(&hybrid);
    let changed = over
        .pixels()
        .zip(img.pixels())
        .filter(|(a, b)| a != b)
        .count();
    assert!(
        changed > 2000,
        "boundaries and labels over the tiles: {changed} pixels"
    );

    // Not a database, or a database without tiles: a clear error, and no file.
    let text = dir.path().join("notes.mbtiles");
    std::fs::write(&text, "just text").expect("write");
    let bad_out = dir.path().join("bad.png");
    let (code, err) = export_over_pack(dir.path(), &text, &bad_out, &[]);
    assert_eq!(code, 1);
    assert!(err.contains("notes.mbtiles: not a tile pack"), "{err}");
    assert!(!bad_out.exists());
}

#[test]
fn a_pmtiles_pack_renders_too_and_a_truncated_one_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let pack = dir.path().join("relief.pmtiles");
    corridor_viewer::tiles::pmtiles::write_pmtiles(
        &pack,
        "Test relief",
        "Test pack",
        &pack_tiles(),
    )
    .expect("written");
    let out = dir.path().join("pm.png");
    let (code, err) = export_over_pack(dir.path(), &pack, &out, &[]);
    assert_eq!(code, 0, "{err}");
    let (_, share) = image_and_pack_share(&out);
    assert!(share > 0.2, "the pack's tiles fill the map: {share:.2}");

    let bytes = std::fs::read(&pack).expect("read");
    let cut = dir.path().join("cut.pmtiles");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write");
    let bad_out = dir.path().join("cut.png");
    let (code, err) = export_over_pack(dir.path(), &cut, &bad_out, &[]);
    assert_eq!(code, 1);
    assert!(
        err.contains("cut.pmtiles: not a tile pack: the file is truncated"),
        "{err}"
    );
    assert!(!bad_out.exists());
}
