//! Text in every script users' data holds, checked against a reference shaper: the same strings
//! in the same fonts rendered by Pango (HarfBuzz shaping, the Unicode bidi algorithm; Debian's
//! pango1.0-tools, installed by `.ci/run`) and by the app's text path (egui's layout with the
//! bundled fonts and the bidi reordering, rasterised as exports are), compared ink column by
//! ink column. Without pango-view the comparison is skipped with a note, unless
//! `CORRIDOR_VIEWER_REQUIRE_PANGO` is set (as CI sets it).

use std::path::{Path, PathBuf};
use std::process::Command;

use corridor_viewer::render::fonts::{definitions, rasterise_line};

/// Size of the text compared, in pixels.
const SIZE_PX: f32 = 48.0;

/// An image's ink (dark pixels) cut to its bounding box.
struct Ink {
    width: usize,
    height: usize,
    dark: Vec<bool>,
}

impl Ink {
    fn of(grey: &[u8], width: usize, height: usize) -> Ink {
        let dark = |x: usize, y: usize| grey[y * width + x] < 128;
        let xs: Vec<usize> = (0..width)
            .filter(|&x| (0..height).any(|y| dark(x, y)))
            .collect();
        let ys: Vec<usize> = (0..height)
            .filter(|&y| (0..width).any(|x| dark(x, y)))
            .collect();
        let (x0, x1) = (xs[0], xs[xs.len() - 1] + 1);
        let (y0, y1) = (ys[0], ys[ys.len() - 1] + 1);
        let mut cut = Vec::new();
        for y in y0..y1 {
            for x in x0..x1 {
                cut.push(dark(x, y));
            }
        }
        Ink {
            width: x1 - x0,
            height: y1 - y0,
            dark: cut,
        }
    }

    /// Share of each of `n` equal slices of the width that is ink: where along the line the
    /// letters are.
    fn profile(&self, n: usize) -> Vec<f64> {
        (0..n)
            .map(|i| {
                let (a, b) = (
                    i * self.width / n,
                    ((i + 1) * self.width / n).max(i * self.width / n + 1),
                );
                let mut ink = 0;
                for y in 0..self.height {
                    for x in a..b.min(self.width) {
                        ink += usize::from(self.dark[y * self.width + x]);
                    }
                }
                ink as f64 / ((b - a) * self.height) as f64
            })
            .collect()
    }
}

/// Pearson correlation of two profiles.
fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (ma, mb) = (mean(a), mean(b));
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let var = |v: &[f64], m: f64| v.iter().map(|x| (x - m).powi(2)).sum::<f64>();
    cov / (var(a, ma) * var(b, mb)).sqrt()
}

/// The app's fonts written out for fontconfig, and its configuration file.
fn fontconfig_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cv-scripts-{}", std::process::id()));
    let fonts = dir.join("fonts");
    std::fs::create_dir_all(&fonts).expect("a temp folder");
    for (name, data) in definitions().font_data {
        let bytes: &[u8] = (*data.font).as_ref();
        let ext = if bytes.starts_with(b"OTTO") {
            "otf"
        } else {
            "ttf"
        };
        std::fs::write(fonts.join(format!("{name}.{ext}")), bytes).expect("font written");
    }
    let conf = format!(
        r#"<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><dir>{}</dir><cachedir>{}</cachedir></fontconfig>"#,
        fonts.display(),
        dir.join("cache").display()
    );
    std::fs::write(dir.join("fonts.conf"), conf).expect("fonts.conf written");
    dir
}

/// Pango's rendering of `text` in the app's font chain, or `None` without pango-view.
fn pango(dir: &Path, text: &str, name: &str) -> Option<Ink> {
    let out = dir.join(format!("{name}-pango.png"));
    let status = Command::new("pango-view")
        .env("FONTCONFIG_FILE", dir.join("fonts.conf"))
        .args([
            "--no-display",
            "--pixels",
            "--hinting=none",
            "--margin=20",
            &format!("--font=Ubuntu Light, Noto Naskh Arabic, Noto Sans CJK SC {SIZE_PX}"),
            &format!("--text={text}"),
            "-o",
        ])
        .arg(&out)
        .status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => panic!("pango-view failed ({s}) on {text:?}"),
        Err(e) => {
            assert!(
                std::env::var_os("CORRIDOR_VIEWER_REQUIRE_PANGO").is_none(),
                "pango-view is required here: {e}"
            );
            eprintln!("pango-view not found ({e}): the reference comparison is skipped");
            return None;
        }
    }
    let img = image::open(&out).expect("Pango's PNG").to_luma8();
    let (w, h) = (img.width() as usize, img.height() as usize);
    Some(Ink::of(img.as_raw(), w, h))
}

fn ours(dir: &Path, text: &str, name: &str) -> Ink {
    let (grey, w, h) = rasterise_line(text, SIZE_PX);
    image::GrayImage::from_raw(w as u32, h as u32, grey.clone())
        .expect("an image")
        .save(dir.join(format!("{name}-app.png")))
        .expect("saved");
    Ink::of(&grey, w, h)
}

/// How alike two renderings are: the ratio of their ink widths, and the correlation of where
/// the ink lies along the line (1: the same).
fn likeness(a: &Ink, b: &Ink) -> (f64, f64) {
    let n = 120;
    (
        a.width as f64 / b.width as f64,
        correlation(&a.profile(n), &b.profile(n)),
    )
}

#[test]
fn urdu_arabic_chinese_and_mixed_text_render_as_the_reference_shaper_renders_them() {
    let dir = fontconfig_dir();
    let cases = [
        ("urdu", "گوادر پورٹ اور خنجراب"),
        ("arabic", "ميناء جوادر الدولي"),
        ("chinese", "中巴经济走廊 瓜达尔港"),
        ("mixed", "Gwadar گوادر 2025"),
        // Punctuation and brackets inside right-to-left text (the map content's Urdu names).
        ("urdu-comma", "پاک چین دوستی ہسپتال، گوادر"),
        ("urdu-brackets", "ضلع گوادر (جنوبی بلوچستان پیکج)"),
    ];
    for (name, text) in cases {
        let Some(reference) = pango(&dir, text, name) else {
            return;
        };
        let app = ours(&dir, text, name);
        let (width_ratio, corr) = likeness(&app, &reference);
        println!(
            "{name}: width ratio {width_ratio:.3}, correlation {corr:.3} ({})",
            dir.display()
        );
        assert!(
            (0.95..=1.05).contains(&width_ratio),
            "{name}: the app's line is {width_ratio:.3}× the reference's width (unjoined letters are wider)"
        );
        assert!(
            corr > 0.9,
            "{name}: the ink lies elsewhere along the line than the reference's (correlation {corr:.3}); see {}",
            dir.display()
        );
    }
    // The comparison tells a wrong order apart: Urdu with its words left to right (as egui
    // lays out runs without the bidi step) does not pass.
    let reference = pango(&dir, "گوادر پورٹ اور خنجراب", "urdu").expect("pango");
    let reversed_words: String = "گوادر پورٹ اور خنجراب"
        .split(' ')
        .rev()
        .collect::<Vec<_>>()
        .join(" ");
    // `rasterise_line` reorders; handing it the words already swapped undoes that.
    let wrong = ours(&dir, &reversed_words, "urdu-wrong-order");
    let (_, corr) = likeness(&wrong, &reference);
    assert!(corr < 0.9, "a wrong word order still correlates {corr:.3}");
}

#[test]
fn no_label_of_the_catalog_basemap_or_held_files_needs_a_font_the_app_lacks() {
    // Every text property in maps/, the embedded basemap (GeoNames' transliterations such as
    // "Shīnḏanḏ") and the Natural Earth files held beside the project (Urdu and Chinese names).
    let ctx = egui::Context::default();
    corridor_viewer::render::fonts::install(&ctx);
    let mut output = ctx.run_ui(egui::RawInput::default(), |_| {});
    output.textures_delta.clear();
    let font = egui::FontId::proportional(14.0);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("maps"))
        .expect("maps/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "geojson"))
        .collect();
    files.extend(
        std::fs::read_dir(root.join("assets/basemap"))
            .expect("assets/basemap")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "geojson")),
    );
    // Files users are given to try (Natural Earth's provinces carry name_ur and name_zh),
    // where this checkout sits beside them.
    for held in [
        "region_countries_10m.geojson",
        "pakistan_admin1_ne10m_full.geojson",
        "region_admin1_neighbours_ne10m_s005.geojson",
        "world_countries_110m.geojson",
    ] {
        let path = root.join("../shared/data/basemap").join(held);
        if path.exists() {
            files.push(path);
        }
    }
    let mut checked = 0;
    let mut missing = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable");
        let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        for f in json["features"].as_array().into_iter().flatten() {
            for (key, value) in f["properties"].as_object().into_iter().flatten() {
                let Some(s) = value.as_str() else { continue };
                checked += 1;
                if !ctx.fonts_mut(|fonts| fonts.has_glyphs(&font, s)) {
                    missing.push(format!("{}: {key} = {s}", file.display()));
                }
            }
        }
    }
    assert!(checked > 1000, "{checked} texts checked");
    assert!(missing.is_empty(), "no glyph for:\n{}", missing.join("\n"));
}
