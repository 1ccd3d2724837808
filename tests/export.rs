//! Briefing exports through the library: the real composition and rasteriser, no display.

use std::path::Path;

use corridor_viewer::export::{BriefingRequest, RenderedImage, render_briefing};
use corridor_viewer::io::basemap_assets::{BASEMAP_ATTRIBUTION, load_basemap};
use corridor_viewer::io::catalog::load_catalog;
use corridor_viewer::model::basemap::Basemap;
use corridor_viewer::model::label_language::LabelLanguage;
use corridor_viewer::model::layer::{Feature, Layer, LayerOrigin};
use corridor_viewer::model::layout::Composition;
use corridor_viewer::model::style::{Categories, LayerStyle};
use corridor_viewer::model::view::LonLat;
use corridor_viewer::model::views::{ViewSpec, parse_view};
use corridor_viewer::render::Scene;

#[path = "common/golden.rs"]
mod golden;
use geo::{Distance, Geodesic};
use golden::assert_matches_golden;

struct Fixture {
    basemap: Basemap,
    layers: Vec<Layer>,
    categories: Option<Categories>,
}

impl Fixture {
    fn load() -> Self {
        let catalog =
            load_catalog(&Path::new(env!("CARGO_MANIFEST_DIR")).join("maps")).expect("catalog");
        Self {
            basemap: load_basemap().expect("basemap"),
            layers: catalog.layers,
            categories: catalog.manifest.status_categories,
        }
    }

    fn render(
        &self,
        view: ViewSpec,
        size_pt: [f32; 2],
        scale: f32,
        composition: Composition,
    ) -> RenderedImage {
        self.render_labelled(view, size_pt, scale, composition, LabelLanguage::English)
    }

    fn render_labelled(
        &self,
        view: ViewSpec,
        size_pt: [f32; 2],
        scale: f32,
        composition: Composition,
        labels: LabelLanguage,
    ) -> RenderedImage {
        let scene = Scene {
            basemap: &self.basemap,
            layers: &self.layers,
            categories: self.categories.as_ref(),
            labels,
        };
        render_briefing(
            &scene,
            &BriefingRequest {
                view,
                size_pt,
                scale,
                composition,
                attribution: vec![BASEMAP_ATTRIBUTION.into()],
                date: "1 January 2026".into(),
                tiles: None,
                detail: None,
                hybrid: false,
                tile_opacity: 1.0,
            },
            std::time::Duration::ZERO,
        )
        .expect("an offline render cannot miss tiles")
    }
}

fn view(name: &str) -> ViewSpec {
    parse_view(name).expect("a view")
}

#[test]
fn image_has_exactly_the_requested_pixel_size() {
    let f = Fixture::load();
    for scale in [1.0, 2.0, 3.0] {
        let img = f.render(
            view("Gwadar"),
            [400.0, 300.0],
            scale,
            Composition::default(),
        );
        assert_eq!(
            (img.width, img.height),
            ((400.0 * scale) as u32, (300.0 * scale) as u32)
        );
        assert_eq!(img.rgba.len(), (img.width * img.height * 4) as usize);
    }
}

/// The ground (geodesic, WGS84) under `width_pt` of the map, centred on its centre.
fn ground_across_centre_m(img: &RenderedImage, width_pt: f64) -> f64 {
    let v = img.info.view;
    let c = v.rect.center();
    let ends = [
        f64::from(c.x) - width_pt / 2.0,
        f64::from(c.x) + width_pt / 2.0,
    ]
    .map(|x| LonLat::from_world(v.transform.to_world([x, f64::from(c.y)])));
    Geodesic.distance(
        geo::Point::new(ends[0].lon, ends[0].lat),
        geo::Point::new(ends[1].lon, ends[1].lat),
    )
}

#[test]
fn scale_bar_matches_the_geodesic_distance_at_the_centre_latitude() {
    let f = Fixture::load();
    for name in ["Pakistan", "Northern gateway", "Gwadar", "Chagai-Gwadar"] {
        let img = f.render(view(name), [900.0, 600.0], 1.0, Composition::default());
        let bar = img.info.scale_bar.expect("a scale bar");
        let ground_m = ground_across_centre_m(&img, bar.width_px);
        let error = (ground_m - bar.length_m).abs() / bar.length_m;
        assert!(
            error < 0.02,
            "{name}: bar says {} m, ground is {ground_m:.0} m",
            bar.length_m
        );
    }
}

#[test]
fn a_fixed_print_scale_measures_right_against_the_ground_at_the_centre() {
    // An A4 landscape page at 1 : 2,000,000: on paper the bar is its ground length over two
    // million (a ruler on the print reads it), and the ground is measured geodesically.
    let f = Fixture::load();
    for name in ["Pakistan", "Gwadar"] {
        let composition = Composition {
            map_scale: Some(2_000_000),
            ..Composition::default()
        };
        let img = f.render(view(name), [842.0, 595.0], 2.0, composition);
        let bar = img.info.scale_bar.expect("a scale bar");
        let paper_m = bar.width_px * corridor_viewer::model::print_scale::POINT_M;
        let on_paper = bar.length_m / paper_m;
        assert!(
            (on_paper / 2_000_000.0 - 1.0).abs() < 1e-6,
            "{name}: the bar's {} m are {:.1} mm on paper: 1 : {on_paper:.0}",
            bar.length_m,
            paper_m * 1000.0
        );
        // The same width across the map's centre on the ground.
        let ground_m = ground_across_centre_m(&img, bar.width_px);
        let ratio = ground_m / paper_m;
        assert!(
            (ratio / 2_000_000.0 - 1.0).abs() < 0.01,
            "{name}: 1 : {ratio:.0} on the ground at the centre"
        );
        // Centred where the view is.
        let want = view(name);
        if let ViewSpec::Fit(r) = want {
            let (v, c) = (img.info.view, img.info.view.rect.center());
            let centre = v.transform.to_world([f64::from(c.x), f64::from(c.y)]);
            assert!(
                (centre.x - r.center().x).abs() < 1e-9 && (centre.y - r.center().y).abs() < 1e-9
            );
        }
    }
}

#[test]
fn legend_lists_exactly_the_visible_layers() {
    let mut f = Fixture::load();
    for layer in &mut f.layers {
        layer.visible = ["growth", "green"].contains(&layer.id.as_str());
    }
    let img = f.render(
        view("Pakistan"),
        [800.0, 600.0],
        1.0,
        Composition::default(),
    );
    let titles = img.info.legend.titles();
    assert_eq!(titles, ["Green corridor", "Growth corridor"]);
    assert!(
        img.info.legend.has_estimates(),
        "Pakistan view holds C-graded SEZs"
    );
}

/// Pixels of the row through the map centre, classified against pure magenta.
fn magenta_run(img: &RenderedImage, scale: f32) -> (usize, usize) {
    let y = (img.info.view.rect.center().y * scale) as u32;
    let (x0, x1) = (
        (img.info.view.rect.left() * scale) as u32,
        (img.info.view.rect.right() * scale) as u32,
    );
    let mut core = 0;
    let mut partial = 0;
    for x in x0..x1 {
        let i = ((y * img.width + x) * 4) as usize;
        let [r, g, b] = [img.rgba[i], img.rgba[i + 1], img.rgba[i + 2]];
        if r > 235 && g < 25 && b > 235 {
            core += 1;
        } else if r > 150 && b > 150 && g < 200 && (i32::from(r) - i32::from(g)) > 40 {
            partial += 1;
        }
    }
    (core, partial)
}

#[test]
fn four_times_is_rendered_sharp_not_upscaled() {
    let mut f = Fixture::load();
    for layer in &mut f.layers {
        layer.visible = false;
    }
    // A 1-point magenta line running north-south through open sea.
    let props = serde_json::json!({"stroke": "#ff00ff", "stroke-width": 1})
        .as_object()
        .cloned()
        .unwrap_or_default();
    let line: geo::LineString<f64> = vec![(65.0, 21.0), (65.0, 24.0)].into();
    let feature = Feature::new("probe", props, Some(line.into()));
    f.layers.push(Layer::new(
        "probe",
        "Probe",
        LayerOrigin::Catalog,
        LayerStyle::default(),
        vec![feature],
    ));
    let spec = parse_view("64,21.5,66,23.5").expect("bounds");
    let composition = Composition {
        legend: false,
        ..Composition::default()
    };
    let one = f.render(spec, [400.0, 300.0], 1.0, composition.clone());
    let four = f.render(spec, [400.0, 300.0], 4.0, composition);
    let (core1, partial1) = magenta_run(&one, 1.0);
    let (core4, partial4) = magenta_run(&four, 4.0);
    assert!(
        core1 + partial1 <= 2 && core1 + partial1 >= 1,
        "1×: {core1} + {partial1}"
    );
    assert!(
        (3..=5).contains(&core4),
        "4×: the 1-pt line is about 4 px wide, got {core4}"
    );
    assert!(
        partial4 <= 2,
        "4×: a hard edge, not an upscaled blur ({partial4} soft pixels)"
    );
}

#[test]
fn golden_images_of_the_briefing_views() {
    let f = Fixture::load();
    for (name, view_name, composition) in [
        ("pakistan", "Pakistan", Composition::default()),
        (
            "gwadar_restricted",
            "Gwadar",
            Composition {
                title: "Gwadar".into(),
                subtitle: "Port, airport and the livelihood projects".into(),
                classification: "RESTRICTED".into(),
                ..Composition::default()
            },
        ),
        (
            "northern_gateway_no_legend",
            "Northern gateway",
            Composition {
                legend: false,
                ..Composition::default()
            },
        ),
    ] {
        let img = f.render(view(view_name), [640.0, 420.0], 1.0, composition);
        assert_matches_golden(name, &img);
    }
}

#[test]
fn golden_images_of_the_national_view_labelled_in_urdu_and_in_chinese() {
    let f = Fixture::load();
    for (name, labels) in [
        ("pakistan_labels_ur", LabelLanguage::Urdu),
        ("pakistan_labels_zh", LabelLanguage::Chinese),
    ] {
        let img = f.render_labelled(
            view("Pakistan"),
            [1000.0, 640.0],
            1.0,
            Composition::default(),
            labels,
        );
        assert_matches_golden(name, &img);
    }
}
