//! Golden images: a rendered image compared with the one stored in `tests/golden/`.

use std::path::{Path, PathBuf};

use corridor_viewer::export::RenderedImage;

fn golden_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.png"))
}

/// Compare with the stored image: same size, and at most 0.5 % of pixels off by more than a
/// small tolerance. `UPDATE_GOLDEN=1` rewrites the stored images (look at them before committing).
pub fn assert_matches_golden(name: &str, img: &RenderedImage) {
    let path = golden_path(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| !v.is_empty()) {
        corridor_viewer::io::png::save_png(&path, img.width, img.height, &img.rgba)
            .expect("write golden");
        return;
    }
    let golden = image::open(&path)
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (run with UPDATE_GOLDEN=1 to create it)",
                path.display()
            )
        })
        .to_rgba8();
    assert_eq!(golden.dimensions(), (img.width, img.height), "{name}: size");
    let differing = golden
        .as_raw()
        .chunks(4)
        .zip(img.rgba.chunks(4))
        .filter(|(a, b)| a.iter().zip(b.iter()).any(|(x, y)| x.abs_diff(*y) > 24))
        .count();
    let allowed = (img.width * img.height) as usize / 200;
    if differing > allowed {
        let actual = std::env::temp_dir().join(format!("{name}.actual.png"));
        let _ = corridor_viewer::io::png::save_png(&actual, img.width, img.height, &img.rgba);
        panic!(
            "{name}: {differing} pixels differ (allowed {allowed}); see {}",
            actual.display()
        );
    }
}
