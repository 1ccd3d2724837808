//! Vector briefing pages read by real readers: the PDF by poppler (`pdfinfo`, `pdftotext`,
//! `pdftoppm`, Debian's poppler-utils) and the SVG by librsvg (`rsvg-convert`, Debian's
//! librsvg2-bin), both installed by `.ci/run`. Each page drawn by the reader is compared with
//! the PNG export of the same page. Without the readers the tests are skipped with a note,
//! unless `CORRIDOR_VIEWER_REQUIRE_READERS` is set (as CI sets it).

use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "common/cli.rs"]
mod cli;

fn export(args: &[&str]) -> (i32, String, String) {
    cli::export_output(args)
}

/// A reader's output, or `None` (skipped) where it is not installed and not required.
fn reader(program: &str, args: &[&str]) -> Option<String> {
    match Command::new(program).args(args).output() {
        Ok(o) => {
            assert!(
                o.status.success(),
                "{program} {args:?} failed: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            Some(String::from_utf8_lossy(&o.stdout).into_owned())
        }
        Err(e) => {
            assert!(
                std::env::var_os("CORRIDOR_VIEWER_REQUIRE_READERS").is_none(),
                "{program} is required here: {e}"
            );
            eprintln!("{program} not found ({e}): skipped");
            None
        }
    }
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// How far two same-size images differ: the mean absolute difference of their channels
/// (0–255), and the share of pixels differing by more than 64 in some channel.
fn difference(a: &image::RgbaImage, b: &image::RgbaImage) -> (f64, f64) {
    assert_eq!(a.dimensions(), b.dimensions());
    let mut sum = 0u64;
    let mut far = 0u64;
    for (p, q) in a.pixels().zip(b.pixels()) {
        let d: Vec<u8> = (0..3).map(|i| p[i].abs_diff(q[i])).collect();
        sum += d.iter().map(|&x| u64::from(x)).sum::<u64>();
        far += u64::from(d.iter().any(|&x| x > 64));
    }
    let n = f64::from(a.width() * a.height());
    (sum as f64 / (n * 3.0), far as f64 / n)
}

const VIEWS: [&str; 4] = ["Pakistan", "Gwadar", "Northern gateway", "Chagai-Gwadar"];
const A4: &str = "842x595";

#[test]
fn a_four_page_deck_reads_right_in_poppler_and_matches_the_png_pages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = dir.path().join("brief.pdf");
    let mut args = vec!["--size", A4, "--deck-title", "Corridor briefing"];
    for v in VIEWS {
        args.extend(["--view", v]);
    }
    args.extend(["--title", "The corridor", "--classification", "RESTRICTED"]);
    args.extend(["--out", s(&pdf)]);
    let started = std::time::Instant::now();
    let (code, stdout, stderr) = export(&args);
    let took = started.elapsed();
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("4 pages of 842×595 pt"), "{stdout}");
    eprintln!("4-page A4 vector deck in {took:.2?}");
    let Some(info) = reader("pdfinfo", &[s(&pdf)]) else {
        return;
    };
    assert!(info.contains("Pages:           4"), "{info}");
    assert!(info.contains("Page size:       842 x 595 pts"), "{info}");
    assert!(
        info.contains("Title:           Corridor briefing"),
        "{info}"
    );
    assert!(info.contains("Creator:         Corridor Viewer"), "{info}");
    assert!(info.contains("CreationDate:"), "{info}");
    for (i, title) in [
        "The corridor",
        "Gwadar",
        "Northern gateway",
        "Chagai–Gwadar",
    ]
    .iter()
    .enumerate()
    {
        let page = (i + 1).to_string();
        let text = reader(
            "pdftotext",
            &["-f", &page, "-l", &page, "-layout", s(&pdf), "-"],
        )
        .expect("pdftotext with pdfinfo");
        assert!(text.contains(title), "page {page} has its title: {text}");
        assert!(
            text.matches("RESTRICTED").count() >= 2,
            "page {page}: the classification line at top and bottom"
        );
        assert!(
            text.contains("Natural Earth"),
            "page {page}: the attribution: {text}"
        );
    }
    // Each page drawn by poppler at 4 px a point against the PNG export at 4x (the detail
    // vector pages are drawn at).
    let rendered = dir.path().join("poppler");
    reader("pdftoppm", &["-r", "288", "-png", s(&pdf), s(&rendered)]).expect("pdftoppm");
    for (i, view) in VIEWS.iter().enumerate() {
        let png = dir.path().join(format!("page{i}.png"));
        let title = if i == 0 { "The corridor" } else { "" };
        let mut one = vec!["--size", A4, "--scale", "4", "--view", view];
        one.extend(["--classification", "RESTRICTED", "--out", s(&png)]);
        if !title.is_empty() {
            one.extend(["--title", title]);
        } else {
            let name = if *view == "Chagai-Gwadar" {
                "Chagai–Gwadar"
            } else {
                view
            };
            one.extend(["--title", name]);
        }
        let (code, _, stderr) = export(&one);
        assert_eq!(code, 0, "{stderr}");
        let ours = image::open(&png).expect("PNG").to_rgba8();
        let theirs = image::open(dir.path().join(format!("poppler-{}.png", i + 1)))
            .expect("poppler's page")
            .to_rgba8();
        let (mean, far) = difference(&ours, &theirs);
        eprintln!(
            "page {}: mean difference {mean:.2}, {:.2} % far",
            i + 1,
            far * 100.0
        );
        assert!(
            mean < 4.0 && far < 0.03,
            "page {} ({view}) as poppler draws it differs from the PNG: mean {mean:.2}, {:.2} % of pixels far",
            i + 1,
            far * 100.0
        );
    }
}

#[test]
fn an_svg_page_drawn_by_librsvg_matches_the_png() {
    let dir = tempfile::tempdir().expect("tempdir");
    let svg = dir.path().join("gwadar.svg");
    let png = dir.path().join("gwadar.png");
    let common = ["--size", "800x600", "--view", "Gwadar", "--title", "Gwadar"];
    let mut args = common.to_vec();
    args.extend(["--out", s(&svg)]);
    let (code, stdout, stderr) = export(&args);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("vector SVG"), "{stdout}");
    let text = std::fs::read_to_string(&svg).expect("svg");
    assert!(text.contains("<title>Gwadar</title>"));
    assert!(text.contains(">Gwadar</text>"), "the title as text");
    let mut args = common.to_vec();
    args.extend(["--scale", "4", "--out", s(&png)]);
    let (code, _, stderr) = export(&args);
    assert_eq!(code, 0, "{stderr}");
    let drawn = dir.path().join("rsvg.png");
    // The page is 800×600 pt; drawn at 4 px a point.
    let size = ["-w", "3200", "-h", "2400"];
    if reader(
        "rsvg-convert",
        &[&size[..], &["-o", s(&drawn), s(&svg)]].concat(),
    )
    .is_none()
    {
        return;
    }
    let ours = image::open(&png).expect("PNG").to_rgba8();
    let theirs = image::open(&drawn).expect("rsvg's PNG").to_rgba8();
    let (mean, far) = difference(&ours, &theirs);
    eprintln!("svg: mean difference {mean:.2}, {:.2} % far", far * 100.0);
    assert!(
        mean < 4.0 && far < 0.03,
        "the SVG as librsvg draws it differs from the PNG: mean {mean:.2}, {:.2} % far",
        far * 100.0
    );
}

#[test]
fn numbered_svg_pages_and_an_unwritable_pdf_leave_nothing_partial() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("deck.svg");
    let (code, stdout, stderr) = export(&[
        "--size",
        "400x300",
        "--view",
        "Gwadar",
        "--view",
        "Pakistan",
        "--out",
        s(&out),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    for (i, title) in ["Gwadar", "Pakistan"].iter().enumerate() {
        let page = dir.path().join(format!("deck-{}.svg", i + 1));
        let text = std::fs::read_to_string(&page).expect("numbered page");
        assert!(text.contains(&format!("<title>{title}</title>")), "{title}");
    }
    assert!(!out.exists());

    // A name that cannot be written (a folder is there): a message naming it, the folder
    // untouched and no temporary file left beside it.
    let taken = dir.path().join("brief.pdf");
    std::fs::create_dir(&taken).expect("mkdir");
    let before: Vec<PathBuf> = entries(dir.path());
    let (code, _, stderr) = export(&["--size", "400x300", "--out", s(&taken)]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("brief.pdf"), "{stderr}");
    assert!(taken.is_dir());
    assert_eq!(entries(dir.path()), before, "nothing left beside it");
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .collect();
    v.sort();
    v
}

#[test]
fn a_write_that_fails_part_way_leaves_no_file_under_the_name() {
    // The process may write at most 100 KB a file (`ulimit -f`, its signal ignored), so the
    // 2 MB PDF's write fails part way through, as on a full disk.
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("brief.pdf");
    let run = Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 200; exec \"$0\" export --size 842x595 --out \"$1\"")
        .arg(env!("CARGO_BIN_EXE_corridor-viewer"))
        .arg(&out)
        .env_remove("DISPLAY")
        .output()
        .expect("sh runs");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("brief.pdf: cannot be written"),
        "a message naming the file: {stderr}"
    );
    assert!(entries(dir.path()).is_empty(), "no file, no temporary file");
}

/// A raster tile pack of zooms 0–5 over the world: each tile 256 px, its colour from its
/// place.
fn raster_pack(path: &Path) {
    let db = rusqlite::Connection::open(path).expect("sqlite");
    db.execute_batch(
        "create table metadata (name text, value text);
         create table tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob);
         insert into metadata values ('name', 'test raster'), ('format', 'png'), ('minzoom', '0'),
           ('maxzoom', '5'), ('attribution', 'Test raster tiles'), ('bounds', '-180,-85,180,85');",
    )
    .expect("schema");
    for z in 0..=5u32 {
        let n = 1u32 << z;
        for x in 0..n {
            for y in 0..n {
                let tile = image::RgbImage::from_fn(256, 256, |px, py| {
                    let edge = px == 0 || py == 0;
                    if edge {
                        image::Rgb([90, 90, 90])
                    } else {
                        image::Rgb([180 + (x * 7 % 60) as u8, 200 - (y * 5 % 60) as u8, 170])
                    }
                });
                let mut png = Vec::new();
                tile.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
                    .expect("png");
                db.execute(
                    "insert into tiles values (?1, ?2, ?3, ?4)",
                    rusqlite::params![z, x, n - 1 - y, png],
                )
                .expect("tile");
            }
        }
    }
}

#[test]
fn raster_tiles_are_embedded_in_the_pdf_at_their_own_resolution() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pack = dir.path().join("raster.mbtiles");
    raster_pack(&pack);
    let pdf = dir.path().join("tiles.pdf");
    let (code, _, stderr) = export(&["--size", A4, "--basemap", s(&pack), "--out", s(&pdf)]);
    assert_eq!(code, 0, "{stderr}");
    let Some(list) = reader("pdfimages", &["-list", s(&pdf)]) else {
        return;
    };
    let images: Vec<&str> = list.lines().skip(2).collect();
    assert!(images.len() >= 4, "the tiles in view: {list}");
    for line in &images {
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(&cols[3..5], ["256", "256"], "a tile at 256 px: {line}");
    }
    let text = reader("pdftotext", &[s(&pdf), "-"]).expect("pdftotext");
    assert!(
        text.contains("Test raster tiles"),
        "its attribution: {text}"
    );
}
