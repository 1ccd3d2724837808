//! The app's map and an export of the same view draw a dense layer alike: the same culling,
//! level of detail and rasteriser (one render path), so an official's briefing image shows
//! what the screen showed.
//!
//! The app runs headless in egui_kittest; its frame (every shape, the layers' image among its
//! textures) is rasterised by the crate's software rasteriser, as a GPU would draw it. The
//! export is `render_briefing` at the app's centre and zoom. Each image's layer pixels (the
//! file layer's colour) are compared where the two maps overlap.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use corridor_viewer::app::{AppOptions, CorridorApp};
use corridor_viewer::export::{BriefingRequest, render_briefing};
use corridor_viewer::io::basemap_assets::{BASEMAP_ATTRIBUTION, load_basemap};
use corridor_viewer::model::layout::Composition;
use corridor_viewer::model::view::{LonLat, WorldPos};
use corridor_viewer::model::views::ViewSpec;
use corridor_viewer::render::raster::mesh::{Textures, draw_in_bands};
use corridor_viewer::render::{Scene, View};
use egui::{Color32, TexturesDelta};
use egui_kittest::{Harness, TestRenderer};

/// Keeps the harness's textures (fonts, the layers' image) for the software rasteriser.
struct SoftwareRenderer(Arc<Mutex<Textures>>);

impl TestRenderer for SoftwareRenderer {
    fn handle_delta(&mut self, delta: &mut TexturesDelta) {
        if let Ok(mut t) = self.0.lock() {
            t.apply(delta);
        }
    }
}

/// A file of `features` random-walk lines and rings of 100 vertices over Pakistan (dense
/// enough to go through the path rasteriser).
fn dense_file(features: usize) -> PathBuf {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut text = String::from(r#"{"type":"FeatureCollection","features":["#);
    for i in 0..features {
        let (mut lon, mut lat) = (62.0 + 12.0 * next(), 25.0 + 11.0 * next());
        let mut coords: Vec<String> = (0..100)
            .map(|_| {
                lon += (next() - 0.5) * 0.04;
                lat += (next() - 0.5) * 0.04;
                format!("[{lon:.6},{lat:.6}]")
            })
            .collect();
        let geometry = if i % 2 == 0 {
            format!(
                r#"{{"type":"LineString","coordinates":[{}]}}"#,
                coords.join(",")
            )
        } else {
            coords.push(coords[0].clone());
            format!(
                r#"{{"type":"Polygon","coordinates":[[{}]]}}"#,
                coords.join(",")
            )
        };
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!(
            r#"{{"type":"Feature","properties":{{"name":"F{i}"}},"geometry":{geometry}}}"#
        ));
    }
    text.push_str("]}");
    let dir = std::env::temp_dir().join(format!("cv-render-match-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp folder");
    let path = dir.join("dense.geojson");
    std::fs::write(&path, text).expect("written");
    path
}

/// Whether a pixel is the layer's colour (its lines, or its translucent fill over the map).
fn is_ink(c: [u8; 3], ink: [u8; 3]) -> bool {
    let d: i32 = (0..3)
        .map(|i| (i32::from(c[i]) - i32::from(ink[i])).abs())
        .sum();
    d < 60
}

/// Pixels of an image by position, RGB.
struct Picture {
    width: usize,
    height: usize,
    rgb: Vec<[u8; 3]>,
}

impl Picture {
    fn at(&self, x: i64, y: i64) -> Option<[u8; 3]> {
        let (x, y) = (usize::try_from(x).ok()?, usize::try_from(y).ok()?);
        (x < self.width && y < self.height).then(|| self.rgb[y * self.width + x])
    }
}

/// How far the export's zoom is set from the app's (0: the test; else a check that it fails).
const ZOOM_ERROR: f64 = 0.0;

fn pixel(view: &View, w: WorldPos) -> [i64; 2] {
    let p = view.pos(w);
    let ppp = view.pixels_per_point;
    [(p.x * ppp).floor() as i64, (p.y * ppp).floor() as i64]
}

#[test]
fn an_export_draws_a_dense_layer_as_the_app_shows_it() {
    let file = dense_file(2000);
    let textures = Arc::new(Mutex::new(Textures::default()));
    let options = AppOptions {
        maps_dir: Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("maps")),
        session_file: None,
        open_files: vec![file.clone()],
        cache_dir: None,
        file_dialogs: corridor_viewer::app::file_dialog::FileDialogs::InApp,
    };
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .renderer(SoftwareRenderer(Arc::clone(&textures)))
        .build_ui_state(
            move |ui, app: &mut Option<CorridorApp>| {
                app.get_or_insert_with(|| CorridorApp::new(ui.ctx(), options.clone()))
                    .ui(ui);
            },
            None,
        );
    // Until the file is a layer and its image is on show.
    let started = Instant::now();
    loop {
        harness.run_steps(2);
        let app = harness.state().as_ref().expect("the app");
        let loaded = app.layers.iter().any(|l| l.id == "file:dense");
        if loaded && app.layer_batch.is_done() && app.layer_batch.latency().is_some() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the layer never showed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    harness.run_steps(2);
    let app = harness.state().as_ref().expect("the app");
    let view = app.last_view.expect("the map was drawn");
    let layer = app
        .layers
        .iter()
        .find(|l| l.id == "file:dense")
        .expect("the file's layer");
    let [r, g, b, _] = layer.style.color.0;
    let ink = [r, g, b];

    // The app's frame, as a GPU would draw it.
    let ppp = harness.ctx.pixels_per_point();
    let primitives = harness.ctx.tessellate(harness.output().shapes.clone(), ppp);
    let size = [(1280.0 * ppp) as usize, (800.0 * ppp) as usize];
    let mut screen = vec![Color32::TRANSPARENT; size[0] * size[1]];
    draw_in_bands(
        &primitives,
        ppp,
        &textures.lock().expect("textures"),
        ([0, 0], size, Color32::WHITE),
        &|| false,
        &mut screen,
        |canvas, out| canvas.write_color32(out),
    );
    let app_picture = Picture {
        width: size[0],
        height: size[1],
        rgb: screen.iter().map(|c| [c.r(), c.g(), c.b()]).collect(),
    };

    // The export of the same centre and zoom, on a page larger than the map panel.
    let basemap = load_basemap().expect("basemap");
    let scene = Scene {
        basemap: &basemap,
        layers: &app.layers,
        categories: app.categories.as_ref(),
        labels: Default::default(),
    };
    let export = |centre: WorldPos| {
        render_briefing(
            &scene,
            &BriefingRequest {
                view: ViewSpec::Center {
                    center: LonLat::from_world(centre),
                    zoom: view.transform.zoom() + ZOOM_ERROR,
                },
                size_pt: [1400.0, 1000.0],
                scale: ppp,
                composition: Composition {
                    legend: false,
                    ..Composition::default()
                },
                attribution: vec![BASEMAP_ATTRIBUTION.into()],
                date: "1 December 2026".into(),
                tiles: None,
                detail: None,
                hybrid: false,
                tile_opacity: 1.0,
            },
            Duration::from_secs(5),
        )
        .expect("an image")
    };
    // The export at the app's centre, then moved by under a pixel so both pixel grids line up
    // (the map frames' centres fall on different fractions of a pixel).
    let mid = view.rect.center();
    let centre = view
        .transform
        .to_world([f64::from(mid.x), f64::from(mid.y)]);
    let first = export(centre).info.view.transform;
    let scale = first.scale_px;
    let shift = |i: usize| {
        let d = first.offset_px[i] - view.transform.offset_px[i];
        (d - d.round()) / scale
    };
    let image = export(WorldPos::new(centre.x + shift(0), centre.y + shift(1)));
    let export_view = image.info.view;
    let export_picture = Picture {
        width: image.width as usize,
        height: image.height as usize,
        rgb: image
            .rgba
            .chunks_exact(4)
            .map(|p| [p[0], p[1], p[2]])
            .collect(),
    };

    // Every third pixel of the app's map, inside both maps: is it the layer's colour in both?
    let inner = view.rect.shrink(40.0);
    let export_map = export_view.rect.shrink(4.0);
    let (mut either, mut both) = (0, 0);
    let mut y = inner.min.y;
    while y < inner.max.y {
        let mut x = inner.min.x;
        while x < inner.max.x {
            let w = view.transform.to_world([f64::from(x), f64::from(y)]);
            if export_map.contains(export_view.pos(w)) {
                let (a, e) = (pixel(&view, w), pixel(&export_view, w));
                let on_screen = app_picture.at(a[0], a[1]).is_some_and(|c| is_ink(c, ink));
                let exported = export_picture
                    .at(e[0], e[1])
                    .is_some_and(|c| is_ink(c, ink));
                either += usize::from(on_screen || exported);
                both += usize::from(on_screen && exported);
            }
            x += 3.0;
        }
        y += 3.0;
    }
    assert!(either > 5_000, "the layer covers the map: {either} samples");
    // Markers and labels of the other layers sit over the file's lines in both.
    assert!(
        both as f64 / either as f64 > 0.97,
        "{both} of {either} layer pixels are the layer's in both images"
    );
    let _ = std::fs::remove_dir_all(file.parent().expect("a folder"));
}
