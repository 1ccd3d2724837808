//! Benchmark: a 4× briefing export of the Pakistan view, the real code path (composition,
//! tessellation, CPU rasterisation, PNG encoding). Run with `cargo bench --bench export`.
//! Budget: ≤ 2 s on the 2-core reference machine, in release.

use std::path::Path;
use std::time::Instant;

use corridor_viewer::export::{BriefingRequest, render_briefing};
use corridor_viewer::io::basemap_assets::{BASEMAP_ATTRIBUTION, load_basemap};
use corridor_viewer::io::catalog::load_catalog;
use corridor_viewer::io::png::save_png;
use corridor_viewer::model::layout::Composition;
use corridor_viewer::model::views::parse_view;
use corridor_viewer::render::Scene;

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let t0 = Instant::now();
    let catalog =
        load_catalog(&Path::new(env!("CARGO_MANIFEST_DIR")).join("maps")).expect("catalog");
    let basemap = load_basemap().expect("basemap");
    let load_s = t0.elapsed().as_secs_f64();
    let scene = Scene {
        basemap: &basemap,
        layers: &catalog.layers,
        categories: catalog.manifest.status_categories.as_ref(),
        labels: Default::default(),
    };
    let request = BriefingRequest {
        view: parse_view("Pakistan").expect("view"),
        size_pt: [800.0, 600.0],
        scale: 4.0,
        composition: Composition::default(),
        attribution: vec![BASEMAP_ATTRIBUTION.into()],
        date: "1 January 2026".into(),
        tiles: None,
        detail: None,
        hybrid: false,
        tile_opacity: 1.0,
    };
    let out = std::env::temp_dir().join("corridor-viewer-bench.png");
    let runs = if quick { 1 } else { 5 };
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let image =
            render_briefing(&scene, &request, std::time::Duration::ZERO).expect("offline render");
        let rendered = t.elapsed().as_secs_f64();
        save_png(&out, image.width, image.height, &image.rgba).expect("write");
        times.push((rendered, t.elapsed().as_secs_f64()));
    }
    times.sort_by(|a, b| a.1.total_cmp(&b.1));
    let (render_s, total_s) = times[times.len() / 2];
    println!("load catalog + basemap: {load_s:.3} s");
    println!(
        "4x Pakistan export 3200x2400, median of {runs}: render {render_s:.3} s, render + PNG {total_s:.3} s (budget 2 s)"
    );
}
