//! Label placement on the four briefing views, with the catalog's markers: no two labels
//! overlap, none covers a marker, and the corridor's places and the countries are named on the
//! national view — in every label language.

use std::path::PathBuf;

use corridor_viewer::io::basemap_assets::load_basemap;
use corridor_viewer::io::catalog::load_catalog;
use corridor_viewer::model::label_language::LabelLanguage;
use corridor_viewer::model::view::{ScreenTransform, zoom_to_fit};
use corridor_viewer::model::views::BRIEFING_VIEWS;
use corridor_viewer::render::{View, label_shapes, layer_shapes};

/// The view a 1600 × 1000 px map fitted to `rect` shows.
fn fitted(rect: corridor_viewer::model::view::WorldRect) -> View {
    let size = [1600.0, 1000.0];
    let zoom = zoom_to_fit(rect, size, 24.0);
    View {
        transform: ScreenTransform::new(rect.center(), zoom, [800.0, 500.0]),
        rect: egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1600.0, 1000.0)),
        pixels_per_point: 1.0,
    }
}

#[test]
fn briefing_views_name_the_corridor_and_no_label_overlaps_another_or_a_marker() {
    let basemap = load_basemap().expect("basemap");
    let catalog =
        load_catalog(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("maps")).expect("catalog");
    let ctx = egui::Context::default();
    corridor_viewer::render::fonts::install(&ctx);
    for language in LabelLanguage::ALL {
        for named in BRIEFING_VIEWS {
            let view = fitted(named.rect());
            let mut placed = None;
            let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
                let (_, markers) = layer_shapes(
                    &catalog.layers,
                    catalog.manifest.status_categories.as_ref(),
                    &view,
                    None,
                );
                let markers = markers.reserved;
                let atlas = label_shapes(&basemap, &view, ui.painter(), markers.clone(), language);
                placed = Some((markers, atlas));
            });
            output.textures_delta.clear();
            let (markers, atlas) = placed.expect("a pass");
            let markers = markers.boxes();
            assert!(
                !markers.is_empty(),
                "the catalog's markers, held one by one"
            );
            let labels = &atlas.boxes.boxes()[markers.len()..];
            let where_ = format!("{} ({})", named.name, language.code());
            assert_eq!(labels.len(), atlas.texts.len(), "{where_}");
            for (i, a) in labels.iter().enumerate() {
                for b in &labels[i + 1..] {
                    assert!(
                        !a.overlaps(b),
                        "{where_}: \"{}\" overlaps another label",
                        atlas.texts[i].text
                    );
                }
                assert!(
                    !markers.iter().any(|m| m.overlaps(a)),
                    "{where_}: \"{}\" covers a marker",
                    atlas.texts[i].text
                );
            }
            let names: Vec<&str> = atlas.texts.iter().map(|t| t.text.as_str()).collect();
            let must: &[&str] = match named.name {
                "Pakistan" => &[
                    "Gwadar",
                    "Khunjerab",
                    "Torkham",
                    "Sost",
                    "Quetta",
                    "Pakistan",
                    "China",
                    "Iran",
                    "Afghanistan",
                    "India",
                    "Islamabad",
                    "Lahore",
                    "Karachi",
                    "Peshawar",
                ],
                "Northern gateway" => &["Khunjerab", "Sost"],
                "Gwadar" => &["Gwadar"],
                _ => &["Gwadar"],
            };
            for name in must {
                assert!(
                    names.contains(name),
                    "{where_}: {name} not named; named {names:?}"
                );
            }
        }
    }
}
