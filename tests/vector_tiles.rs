//! Vector tiles: decoding tiles made by real tools (tilemaker's OpenStreetMap pack in maps/,
//! the reference PMTiles converter, tippecanoe), drawing them (motorway pixels where the pack
//! has a motorway, over-zoomed crisp), their labels (one per name across tile edges, none
//! overlapping), corrupt tiles and decompression bombs, and inspecting a road.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use corridor_viewer::export::{BriefingRequest, RenderedImage, render_briefing};
use corridor_viewer::io::basemap_assets::{BASEMAP_ATTRIBUTION, load_basemap};
use corridor_viewer::io::catalog::load_catalog;
use corridor_viewer::model::label_language::LabelLanguage;
use corridor_viewer::model::labels::Reserved;
use corridor_viewer::model::layout::Composition;
use corridor_viewer::model::view::{LonLat, ScreenTransform, WorldPos};
use corridor_viewer::model::views::ViewSpec;
use corridor_viewer::render::{Scene, View};
use corridor_viewer::tiles::pack::TilePack;
use corridor_viewer::tiles::source::{TileAddress, TileSourceSpec};
use corridor_viewer::tiles::vector::decode::{TileGeometry, decode};
use corridor_viewer::tiles::vector::draw::{self, LabelSeed, PlacedTile, TileArt, VectorFrame};
use corridor_viewer::tiles::vector::schema::Schema;
use corridor_viewer::tiles::vector::style::{LabelStyle, StyleContext, colors};
use corridor_viewer::tiles::vector::{self, VectorTiles};

#[path = "common/golden.rs"]
mod golden;
#[path = "common/osm.rs"]
mod osm;
use osm::{motorway_near_islamabad, osm_pack};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/vector").join(name)
}

fn open(path: &Path) -> VectorTiles {
    vector::from_pack(TilePack::open(path).expect("pack"), Box::new(|| {}))
}

fn view_at(lon_lat: LonLat, zoom: f64, size: [f32; 2], ppp: f32) -> View {
    let rect = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(size[0], size[1]));
    View {
        transform: ScreenTransform::new(
            lon_lat.to_world(),
            zoom,
            [f64::from(rect.center().x), f64::from(rect.center().y)],
        ),
        rect,
        pixels_per_point: ppp,
    }
}

/// The offline atlas (with its OpenStreetMap detail, or without) centred on `at`.
fn offline_at(at: LonLat, zoom: f64, detail: bool) -> RenderedImage {
    render(ViewSpec::Center { center: at, zoom }, None, detail, 1.0)
}

fn render(
    view: ViewSpec,
    tiles: Option<TileSourceSpec>,
    detail: bool,
    scale: f32,
) -> RenderedImage {
    render_with(view, tiles, detail, scale, false, [400.0, 300.0])
}

fn render_with(
    view: ViewSpec,
    tiles: Option<TileSourceSpec>,
    detail: bool,
    scale: f32,
    layers: bool,
    size_pt: [f32; 2],
) -> RenderedImage {
    let basemap = load_basemap().expect("basemap");
    let mut catalog = load_catalog(&root().join("maps")).expect("catalog");
    // The basemap alone unless asked: no corridor layer over the roads.
    for l in &mut catalog.layers {
        l.visible &= layers;
    }
    let scene = Scene {
        basemap: &basemap,
        layers: &catalog.layers,
        categories: catalog.manifest.status_categories.as_ref(),
        labels: Default::default(),
    };
    render_briefing(
        &scene,
        &BriefingRequest {
            view,
            size_pt,
            scale,
            composition: Composition {
                legend: false,
                ..Composition::default()
            },
            attribution: vec![BASEMAP_ATTRIBUTION.into()],
            date: "1 January 2026".into(),
            tiles,
            detail: detail.then(osm_pack),
            hybrid: false,
            tile_opacity: 1.0,
        },
        Duration::from_secs(20),
    )
    .expect("render")
}

/// Pixels within `radius_px` of `at` (page pixels) close to `color`.
fn pixels_near(img: &RenderedImage, at: [f32; 2], radius_px: i64, color: [u8; 3]) -> usize {
    let (cx, cy) = (at[0].round() as i64, at[1].round() as i64);
    let mut n = 0;
    for y in cy - radius_px..=cy + radius_px {
        for x in cx - radius_px..=cx + radius_px {
            if x < 0 || y < 0 || x >= i64::from(img.width) || y >= i64::from(img.height) {
                continue;
            }
            let i = (y as usize * img.width as usize + x as usize) * 4;
            let px = &img.rgba[i..i + 3];
            if px.iter().zip(color).all(|(a, b)| a.abs_diff(b) <= 10) {
                n += 1;
            }
        }
    }
    n
}

fn rgb(c: corridor_viewer::model::style::Rgba) -> [u8; 3] {
    [c.0[0], c.0[1], c.0[2]]
}

#[test]
fn the_karachi_tile_decodes_with_its_layers() {
    let bytes = std::fs::read(fixture("karachi-14-11241-7023.pbf.gz")).expect("fixture");
    let tile = decode(&bytes).expect("decode");
    assert_eq!(tile.raw_bytes, 342_318, "the tile inflates to its size");
    assert!(tile.problems.is_empty(), "{:?}", tile.problems);
    assert_eq!(Schema::of_tile(&tile), Schema::OpenMapTiles);
    let names: Vec<&str> = tile.layers.iter().map(|l| l.name.as_str()).collect();
    for want in [
        "transportation",
        "building",
        "place",
        "poi",
        "water",
        "landuse",
    ] {
        assert!(names.contains(&want), "{want} in {names:?}");
    }
    let features: usize = tile.layers.iter().map(|l| l.features.len()).sum();
    assert!(features > 6000, "{features} features");
    // Buildings are polygons in tile units (0–1, a little buffer around).
    let building = tile.layer("building").expect("buildings");
    let TileGeometry::Polygons(polys) = &building.features[0].geometry else {
        panic!("a building is a polygon")
    };
    assert!(polys[0][0].iter().all(|p| (-0.1..1.1).contains(&p[0])));
    // Drawn at z14: buildings, roads with casings, names; at z12 the same tile drops buildings.
    let at_zoom = |zoom| {
        let addr = TileAddress {
            z: 14,
            x: 11241,
            y: 7023,
        };
        let ctx = StyleContext {
            zoom,
            atlas_under: true,
        };
        draw::prepare(&tile, addr, ctx, 1.0, true)
    };
    let (art14, art12) = (at_zoom(14), at_zoom(12));
    assert!(art14.mesh.vertices.len() > art12.mesh.vertices.len());
    assert!(
        art14.labels.iter().any(|l| !l.style.shield),
        "place and street names"
    );
    assert!(!art14.picks.is_empty());
}

#[test]
fn motorway_pixels_where_the_pack_has_a_motorway_and_none_without_it() {
    let at = motorway_near_islamabad();
    let spec = TileSourceSpec::for_pack(
        &osm_pack(),
        TilePack::open(&osm_pack()).expect("pack").meta(),
    );
    assert!(spec.is_vector());
    // Zoom 12 (the pack's last) and zoom 15 (over-zoomed: still vectors, so the road is wider
    // and its edge sharp).
    for zoom in [12.0, 15.0] {
        let view = ViewSpec::Center { center: at, zoom };
        let img = render(view, Some(spec.clone()), false, 1.0);
        let map = img.info.view;
        let c = map.pos(at.to_world());
        let fill = pixels_near(&img, [c.x, c.y], 2, rgb(colors::MOTORWAY));
        assert!(
            fill >= 3,
            "zoom {zoom}: motorway fill at the motorway ({fill} pixels)"
        );
        assert!(
            img.info.tiles.iter().all(|(_, own)| *own),
            "every tile in view drawn: {:?}",
            img.info.tiles
        );
    }
    // The offline atlas alone has no motorway there: the test can fail.
    let img = offline_at(at, 12.0, false);
    let c = img.info.view.pos(at.to_world());
    assert_eq!(pixels_near(&img, [c.x, c.y], 2, rgb(colors::MOTORWAY)), 0);
    // With the OSM detail (the offline default), the atlas has it too.
    let img = offline_at(at, 12.0, true);
    let c = img.info.view.pos(at.to_world());
    assert!(pixels_near(&img, [c.x, c.y], 2, rgb(colors::MOTORWAY)) >= 3);
}

#[test]
fn the_export_credits_openstreetmap_whenever_its_tiles_show() {
    let at = motorway_near_islamabad();
    let with = offline_at(at, 12.0, true);
    assert!(
        with.info.tiles.is_empty(),
        "the atlas's detail is not a tile source"
    );
    // The credit is a footnote line: compare the footers' ink.
    let without = offline_at(at, 12.0, false);
    let footer = |img: &RenderedImage| {
        let top = img.info.layout.footer.y as usize;
        img.rgba
            .chunks(4)
            .skip(top * img.width as usize)
            .filter(|p| p[0] < 160)
            .count()
    };
    assert!(footer(&with) > footer(&without), "one more footnote line");
    // Below the detail's zoom the atlas alone is drawn, and not credited to OpenStreetMap.
    let national = offline_at(at, 6.0, true);
    let atlas = offline_at(at, 6.0, false);
    assert_eq!(national.rgba, atlas.rgba);
}

#[test]
fn a_pmtiles_pack_from_the_reference_converter_is_read() {
    let pack = TilePack::open(&fixture("pakistan-z0-6.pmtiles")).expect("pmtiles");
    let meta = pack.meta();
    assert!(meta.is_vector(), "{meta:?}");
    assert_eq!((meta.min_zoom, meta.max_zoom), (0, 6));
    assert!(
        meta.layers.iter().any(|l| l == "transportation"),
        "{:?}",
        meta.layers
    );
    // The tile over Lahore at z6, stored gzip'd, decodes as the MBTiles one does.
    let from_pm = pack.tile(6, 44, 25).expect("read").expect("tile");
    let from_mb = TilePack::open(&osm_pack())
        .expect("mbtiles")
        .tile(6, 44, 25)
        .expect("read")
        .expect("tile");
    assert_eq!(decode(&from_pm).expect("pm"), decode(&from_mb).expect("mb"));
}

#[test]
fn protomaps_and_unknown_schemas_from_tippecanoe() {
    let z12 = |name: &str| {
        let pack = TilePack::open(&fixture(name)).expect("pack");
        assert!(pack.meta().is_vector());
        let at = LonLat::new(73.05, 33.70).to_world();
        let (x, y) = ((at.x * 4096.0) as u32, (at.y * 4096.0) as u32);
        let bytes = pack.tile(12, x, y).expect("read").expect("tile");
        (decode(&bytes).expect("decode"), TileAddress { z: 12, x, y })
    };
    let (tile, addr) = z12("protomaps-islamabad.mbtiles");
    assert_eq!(Schema::of_tile(&tile), Schema::Protomaps);
    let ctx = StyleContext {
        zoom: 12,
        atlas_under: true,
    };
    let art = draw::prepare(&tile, addr, ctx, 1.0, true);
    assert!(
        art.labels.iter().any(|l| l.text == "M-2" && l.style.shield),
        "the motorway's number on a shield: {:?}",
        art.labels
    );
    let motorway = art
        .mesh
        .vertices
        .iter()
        .filter(|v| v.color == corridor_viewer::render::color32(colors::MOTORWAY))
        .count();
    assert!(motorway > 0, "the motorway drawn as a motorway");
    let (tile, addr) = z12("unknown-schema.mbtiles");
    assert_eq!(Schema::of_tile(&tile), Schema::Unknown);
    let art = draw::prepare(&tile, addr, ctx, 1.0, true);
    assert!(!art.mesh.is_empty(), "drawn generically");
    assert!(art.labels.iter().any(|l| l.text == "Parcel 7"));
    let info = open(&fixture("unknown-schema.mbtiles"));
    let view = view_at(LonLat::new(73.05, 33.70), 12.0, [300.0, 300.0], 1.0);
    info.frame_complete(&view, true, Duration::from_secs(10));
    assert_eq!(info.problems().schema, Some(Schema::Unknown));
    assert!(Schema::Unknown.label().contains("unknown schema"));
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).expect("gzip");
    e.finish().expect("gzip")
}

#[test]
fn corrupt_tiles_and_bombs_are_skipped_and_named_and_the_rest_draws() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("broken.mbtiles");
    let source = TilePack::open(&osm_pack()).expect("pack");
    let at = LonLat::new(73.05, 33.70).to_world();
    let (x, y) = ((at.x * 4096.0) as u32, (at.y * 4096.0) as u32);
    let good = source.tile(12, x, y).expect("read").expect("tile");
    let mut cut = good.clone();
    cut.truncate(good.len() / 2);
    let tiles = vec![
        (12, x, y, good),
        (12, x + 1, y, cut),
        (12, x, y + 1, gzip(&[0xFF; 300])),
        (12, x + 1, y + 1, gzip(&vec![0u8; 17 * 1024 * 1024])),
    ];
    corridor_viewer::tiles::mbtiles::write_pack(
        &path,
        &[
            ("format", "pbf"),
            ("name", "broken"),
            ("minzoom", "12"),
            ("maxzoom", "12"),
        ],
        &tiles,
    )
    .expect("write");
    let v = open(&path);
    // A view over the four tiles.
    let centre = WorldPos::new(f64::from(x + 1) / 4096.0, f64::from(y + 1) / 4096.0);
    let view = view_at(LonLat::from_world(centre), 12.0, [400.0, 400.0], 1.0);
    let frame = v.frame_complete(&view, true, Duration::from_secs(20));
    assert_eq!(frame.waiting, 0);
    let drawn: Vec<_> = frame.tiles.iter().map(|t| t.addr).collect();
    assert_eq!(drawn, [TileAddress { z: 12, x, y }], "the good tile draws");
    let p = v.problems();
    assert_eq!(p.bad_tiles, 3, "{:?}", p.examples);
    let all = p.examples.join("\n");
    assert!(
        all.contains(&format!("tile 12/{}/{y}: bad gzip data", x + 1)),
        "{all}"
    );
    assert!(all.contains("not a Mapbox Vector Tile"), "{all}");
    assert!(all.contains("decompression bomb"), "{all}");
    // Asked again, a bad tile is not decoded again (named once).
    v.frame_complete(&view, true, Duration::from_secs(5));
    assert_eq!(v.problems().examples.len(), 3);
}

fn seed(text: &str, at: [f32; 2]) -> LabelSeed {
    LabelSeed {
        text: text.into(),
        local: None,
        at,
        style: LabelStyle {
            size_pt: 12.0,
            color: colors::PLACE_LABEL,
            caps: false,
            shield: false,
            dot: false,
            priority: 10.0,
        },
    }
}

/// The texts painted (halos left out) and their rectangles.
fn texts(shapes: &[egui::Shape]) -> Vec<(String, egui::Rect)> {
    shapes
        .iter()
        .filter_map(|s| match s {
            egui::Shape::Text(t) if t.override_text_color.is_none() => {
                Some((t.galley.text().to_string(), s.visual_bounding_rect()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_name_on_both_sides_of_a_tile_edge_is_labelled_once() {
    let view = view_at(LonLat::new(73.05, 33.70), 12.0, [600.0, 400.0], 1.0);
    let c = view.visible_world(0.0).center();
    let (x, y) = ((c.x * 4096.0) as u32, (c.y * 4096.0) as u32);
    let art = |labels| {
        std::sync::Arc::new(TileArt {
            size_pt: 256.0,
            labels,
            ..TileArt::default()
        })
    };
    let left = TileAddress { z: 12, x, y };
    let right = TileAddress { z: 12, x: x + 1, y };
    let frame = VectorFrame {
        tiles: vec![
            PlacedTile {
                addr: left,
                art: art(vec![
                    seed("Jinnah Avenue", [0.97, 0.5]),
                    seed("G-8", [0.3, 0.5]),
                ]),
                clip: draw::tile_world(left),
            },
            PlacedTile {
                addr: right,
                art: art(vec![seed("Jinnah Avenue", [0.04, 0.5])]),
                clip: draw::tile_world(right),
            },
        ],
        ..VectorFrame::default()
    };
    let ctx = egui::Context::default();
    let mut shapes = Vec::new();
    ctx.run_ui(egui::RawInput::default(), |ui| {
        shapes = draw::label_shapes(
            ui.painter(),
            &view,
            &frame,
            Reserved::default(),
            &[],
            Default::default(),
        )
        .0;
    })
    .textures_delta
    .clear();
    let drawn = texts(&shapes);
    let count = |t: &str| drawn.iter().filter(|(s, _)| s == t).count();
    assert_eq!(count("Jinnah Avenue"), 1, "{drawn:?}");
    assert_eq!(count("G-8"), 1);
    // A name already on the map (the atlas's) is not repeated.
    let mut shapes = Vec::new();
    let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
        let tile_px = view.pos(draw::tile_world(left).min);
        let already = [draw::PlacedText {
            text: "G-8".into(),
            shown: "G-8".into(),
            at: tile_px + egui::vec2(0.3 * 256.0, 0.5 * 256.0),
        }];
        shapes = draw::label_shapes(
            ui.painter(),
            &view,
            &frame,
            Reserved::default(),
            &already,
            Default::default(),
        )
        .0;
    });
    output.textures_delta.clear();
    assert_eq!(texts(&shapes).iter().filter(|(s, _)| s == "G-8").count(), 0);
}

#[test]
fn a_place_is_named_in_the_labels_language_and_not_again_beside_the_atlas_name() {
    let view = view_at(LonLat::new(67.02, 24.86), 12.0, [600.0, 400.0], 1.0);
    let c = view.visible_world(0.0).center();
    let addr = TileAddress {
        z: 12,
        x: (c.x * 4096.0) as u32,
        y: (c.y * 4096.0) as u32,
    };
    // OpenStreetMap's Latin name and its `name` in Urdu; and a place named only in Urdu.
    let karachi = LabelSeed {
        local: Some("کراچی".into()),
        ..seed("Karachi", [0.3, 0.5])
    };
    let frame = VectorFrame {
        tiles: vec![PlacedTile {
            addr,
            art: std::sync::Arc::new(TileArt {
                size_pt: 256.0,
                labels: vec![karachi, seed("گوادر", [0.7, 0.5])],
                ..TileArt::default()
            }),
            clip: draw::tile_world(addr),
        }],
        ..VectorFrame::default()
    };
    let ctx = egui::Context::default();
    corridor_viewer::render::fonts::install(&ctx);
    let tile_px = view.pos(draw::tile_world(addr).min);
    // The atlas has named the second place already, in Urdu.
    let atlas = [draw::PlacedText {
        text: "Gwadar".into(),
        shown: "گوادر".into(),
        at: tile_px + egui::vec2(0.7 * 256.0, 0.5 * 256.0),
    }];
    let drawn = |language: LabelLanguage, already: &[draw::PlacedText]| {
        let mut shapes = Vec::new();
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            shapes = draw::label_shapes(
                ui.painter(),
                &view,
                &frame,
                Reserved::default(),
                already,
                language,
            )
            .0;
        });
        output.textures_delta.clear();
        let mut t: Vec<String> = texts(&shapes).into_iter().map(|(s, _)| s).collect();
        t.sort();
        t
    };
    assert_eq!(drawn(LabelLanguage::English, &[]), ["Karachi"]);
    assert_eq!(drawn(LabelLanguage::Urdu, &[]), ["کراچی", "گوادر"]);
    assert_eq!(drawn(LabelLanguage::Urdu, &atlas), ["کراچی"]);
    assert_eq!(
        drawn(LabelLanguage::EnglishAndLocal, &atlas),
        ["Karachi\nکراچی"]
    );
}

#[test]
fn real_labels_never_overlap_or_repeat_and_urdu_names_are_left_to_urdu_labels_never_boxed() {
    let v = open(&osm_pack());
    // Islamabad, Karachi; Gwadar (OSM was sparse there in 2021).
    for (lon_lat, zoom, at_least) in [
        (LonLat::new(73.05, 33.70), 13.0, 10),
        (LonLat::new(67.02, 24.86), 12.0, 10),
        (LonLat::new(62.33, 25.13), 11.0, 2),
    ] {
        let view = view_at(lon_lat, zoom, [900.0, 600.0], 1.0);
        let frame = v.frame_complete(&view, true, Duration::from_secs(30));
        assert!(!frame.tiles.is_empty());
        let ctx = egui::Context::default();
        let mut out = (Vec::new(), draw::LabelReport::default());
        ctx.run_ui(egui::RawInput::default(), |ui| {
            out = draw::label_shapes(
                ui.painter(),
                &view,
                &frame,
                Reserved::default(),
                &[],
                Default::default(),
            );
        })
        .textures_delta
        .clear();
        let drawn = texts(&out.0);
        assert!(drawn.len() >= at_least, "{zoom}: {} labels", drawn.len());
        assert_eq!(out.1.drawn, drawn.len());
        for (i, (a, ra)) in drawn.iter().enumerate() {
            for (b, rb) in &drawn[i + 1..] {
                assert!(
                    !ra.shrink(0.5).intersects(rb.shrink(0.5)),
                    "{a} and {b} overlap at zoom {zoom}"
                );
                assert!(
                    a != b || ra.center().distance(rb.center()) > 150.0,
                    "{a} twice"
                );
            }
            // No label in a script the fonts lack (it would show as boxes).
            assert!(
                !a.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
                "{a} drawn without its glyphs"
            );
        }
    }
    // Around Shakargarh many names in the pack are in Urdu script only.
    let view = view_at(LonLat::new(75.1, 32.2), 11.0, [900.0, 600.0], 1.0);
    let frame = v.frame_complete(&view, true, Duration::from_secs(30));
    let urdu = frame
        .tiles
        .iter()
        .flat_map(|t| t.art.labels.iter())
        .filter(|l| {
            l.text
                .chars()
                .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
        })
        .count();
    assert!(urdu > 10, "{urdu} Urdu-script names in view");
    // English labels leave them out, counted; Urdu labels draw them with the app's fonts,
    // none as boxes.
    let ctx = egui::Context::default();
    corridor_viewer::render::fonts::install(&ctx);
    let mut reports = Vec::new();
    for language in [LabelLanguage::English, LabelLanguage::Urdu] {
        let mut shapes = Vec::new();
        ctx.run_ui(egui::RawInput::default(), |ui| {
            let (s, report) = draw::label_shapes(
                ui.painter(),
                &view,
                &frame,
                Reserved::default(),
                &[],
                language,
            );
            shapes = s;
            reports.push(report);
        })
        .textures_delta
        .clear();
        let drawn_urdu = texts(&shapes)
            .iter()
            .filter(|(t, _)| t.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)))
            .count();
        match language {
            LabelLanguage::English => assert_eq!(drawn_urdu, 0, "English labels"),
            _ => assert!(drawn_urdu > 5, "{drawn_urdu} Urdu labels drawn"),
        }
    }
    assert!(reports[0].other_script > 10, "{:?}", reports[0]);
    assert_eq!(reports[1].no_glyphs, 0, "{:?}", reports[1]);
}

#[test]
fn a_road_click_shows_its_class_name_and_number() {
    let at = motorway_near_islamabad();
    let v = open(&osm_pack());
    let view = view_at(at, 12.0, [600.0, 400.0], 1.0);
    let frame = v.frame_complete(&view, true, Duration::from_secs(20));
    let pos = view.pos(at.to_world());
    let picked = draw::pick(&frame, &view, pos, 5.0).expect("a road there");
    assert_eq!(picked.layer, "transportation");
    assert_eq!(picked.feature.text("class"), Some("motorway"));
    // Far from any road in the desert nothing is picked.
    let empty = view_at(LonLat::new(64.0, 27.8), 12.0, [300.0, 300.0], 1.0);
    let frame = v.frame_complete(&empty, true, Duration::from_secs(20));
    let none = draw::pick(&frame, &empty, empty.rect.center(), 5.0);
    assert!(
        none.as_ref().is_none_or(|p| p.layer != "transportation"),
        "{none:?}"
    );
}

#[test]
fn a_tile_still_loading_is_stood_in_for_by_its_parent_and_memory_is_bounded() {
    let v = open(&osm_pack());
    let at = LonLat::new(73.05, 33.70);
    // Zoom 11 first, then 12: until the z12 tiles arrive, z11 art stands in.
    let z11 = view_at(at, 11.0, [512.0, 512.0], 1.0);
    v.frame_complete(&z11, true, Duration::from_secs(20));
    let z12 = view_at(at, 12.0, [512.0, 512.0], 1.0);
    let first = v.frame(&z12, true);
    assert!(
        first.tiles.iter().all(|t| t.addr.z <= 12),
        "nothing deeper than asked"
    );
    assert!(
        first.waiting == 0 || first.tiles.iter().any(|t| t.addr.z == 11),
        "a stand-in while loading"
    );
    let done = v.frame_complete(&z12, true, Duration::from_secs(20));
    assert!(done.tiles.iter().any(|t| t.addr.z == 12));
    assert!(v.memory_bytes() <= vector::loader::MEMORY_BOUND_BYTES);
}

#[test]
fn golden_images_of_vector_gwadar_and_islamabad() {
    for (name, view) in [
        (
            "vector_gwadar",
            ViewSpec::Center {
                center: LonLat::new(62.34, 25.15),
                zoom: 12.0,
            },
        ),
        (
            "vector_islamabad",
            ViewSpec::Center {
                center: LonLat::new(73.06, 33.71),
                zoom: 13.0,
            },
        ),
    ] {
        let img = render_with(view, None, true, 1.0, true, [760.0, 560.0]);
        golden::assert_matches_golden(name, &img);
    }
}

#[test]
fn a_tile_with_a_broken_feature_draws_the_rest_and_names_it_once() {
    use geozero::mvt::{Message, Tile, tile};
    let zz = |v: i32| ((v << 1) ^ (v >> 31)) as u32;
    let line = |geometry: Vec<u32>| tile::Feature {
        id: None,
        tags: vec![0, 0],
        r#type: Some(tile::GeomType::Linestring as i32),
        geometry,
    };
    let roads = tile::Layer {
        version: 2,
        name: "transportation".into(),
        features: vec![
            // A motorway across the tile, and one whose LineTo runs past its end.
            line(vec![9, zz(0), zz(2048), 10, zz(4096), zz(0)]),
            line(vec![9, zz(0), zz(100), 18, zz(50)]),
        ],
        keys: vec!["class".into()],
        values: vec![tile::Value {
            string_value: Some("motorway".into()),
            ..Default::default()
        }],
        extent: Some(4096),
    };
    let bytes = Tile {
        layers: vec![roads],
    }
    .encode_to_vec();
    let decoded = decode(&bytes).expect("decode");
    assert_eq!(
        decoded
            .layer("transportation")
            .expect("layer")
            .features
            .len(),
        1
    );
    assert_eq!(decoded.problems.len(), 1, "{:?}", decoded.problems);

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("partly.mbtiles");
    let at = LonLat::new(73.05, 33.70).to_world();
    let (x, y) = ((at.x * 4096.0) as u32, (at.y * 4096.0) as u32);
    corridor_viewer::tiles::mbtiles::write_pack(
        &path,
        &[("format", "pbf"), ("minzoom", "12"), ("maxzoom", "12")],
        &[(12, x, y, gzip(&bytes))],
    )
    .expect("write");
    let v = open(&path);
    let centre = WorldPos::new((f64::from(x) + 0.5) / 4096.0, (f64::from(y) + 0.5) / 4096.0);
    let view = view_at(LonLat::from_world(centre), 12.0, [200.0, 200.0], 1.0);
    let frame = v.frame_complete(&view, true, Duration::from_secs(10));
    assert_eq!(frame.tiles.len(), 1, "the rest of the tile draws");
    assert!(!frame.tiles[0].art.mesh.is_empty());
    let p = v.problems();
    assert_eq!(p.bad_tiles, 0);
    assert_eq!(p.examples.len(), 1, "{:?}", p.examples);
    assert!(
        p.examples[0].starts_with(&format!(
            "tile 12/{x}/{y}: layer \"transportation\": 1 features"
        )),
        "{:?}",
        p.examples
    );
    // Drawn again at another zoom: not named again.
    v.frame_complete(
        &view_at(LonLat::from_world(centre), 13.0, [200.0, 200.0], 1.0),
        true,
        Duration::from_secs(10),
    );
    assert_eq!(v.problems().examples.len(), 1);
}
