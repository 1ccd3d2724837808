//! The map content in `maps/`: every layer parses through the app's loader, the programme's
//! layers are all there, every feature carries its evidence, and drawn routes match the
//! printed lengths.

use std::collections::HashSet;
use std::path::Path;

use corridor_viewer::io::catalog::load_catalog;
use corridor_viewer::model::catalog::Manifest;
use corridor_viewer::model::confidence::Confidence;
use corridor_viewer::model::layer::{EVIDENCE_PROPERTIES, Layer};
use corridor_viewer::model::measure::geodesic_length_m;

fn maps_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/maps"))
}

fn layers() -> Vec<Layer> {
    let catalog = load_catalog(maps_dir()).expect("the manifest loads");
    assert!(
        catalog.problems.is_empty(),
        "problems: {:#?}",
        catalog.problems
    );
    catalog.layers
}

fn layer<'a>(layers: &'a [Layer], id: &str) -> &'a Layer {
    layers
        .iter()
        .find(|l| l.id == id)
        .unwrap_or_else(|| panic!("layer {id} missing"))
}

#[test]
fn every_manifest_layer_loads_without_skipped_features() {
    let manifest = Manifest::load(maps_dir()).expect("manifest");
    let layers = layers();
    assert_eq!(layers.len(), manifest.layers.len());
    assert!(layers.iter().all(|l| !l.features.is_empty()));
    let colours: HashSet<_> = manifest.layers.iter().map(|l| l.color).collect();
    assert_eq!(
        colours.len(),
        manifest.layers.len(),
        "each layer has its own colour"
    );
}

#[test]
fn the_five_corridors_border_markets_and_mining_corridor_are_there() {
    let layers = layers();
    for (id, corridor) in [
        ("growth", "Growth"),
        ("innovation", "Innovation"),
        ("green", "Green"),
        ("livelihood", "Livelihood"),
        ("connectivity", "Regional Connectivity"),
        ("border_markets", "Border markets"),
        ("mining", "Chagai–Gwadar mining corridor"),
    ] {
        let l = layer(&layers, id);
        assert!(
            l.features
                .iter()
                .all(|f| f.text("corridor") == Some(corridor)),
            "{id}: every feature names its corridor"
        );
    }
    let markets: Vec<_> = layer(&layers, "border_markets")
        .features
        .iter()
        .map(|f| f.name())
        .collect();
    for place in ["Khunjerab", "Torkham", "Gwadar"] {
        assert!(
            markets.iter().any(|n| n.contains(place)),
            "{place} border market"
        );
    }
    let mining = layer(&layers, "mining");
    assert!(
        mining
            .features
            .iter()
            .any(|f| f.name().contains("Saindak") && f.geometry_type() == "Point")
    );
    assert!(
        mining
            .features
            .iter()
            .any(|f| f.name().contains("Reko Diq") && f.geometry_type() == "Point")
    );
    let corridor = mining
        .features
        .iter()
        .find(|f| f.geometry_type() == "LineString")
        .expect("corridor line");
    let Some(geo::Geometry::LineString(ls)) = &corridor.geometry() else {
        unreachable!()
    };
    let (first, last) = (ls.0[0], ls.0[ls.0.len() - 1]);
    assert!(
        (first.x - 61.61).abs() < 0.05 && (first.y - 29.25).abs() < 0.05,
        "starts at Saindak"
    );
    assert!(
        (last.x - 62.34).abs() < 0.05 && (last.y - 25.11).abs() < 0.05,
        "ends at Gwadar port"
    );
}

#[test]
fn every_feature_carries_its_evidence() {
    const STATUSES: [&str; 4] = ["operational", "under construction", "planned", "proposed"];
    for l in layers() {
        for f in l.features.iter() {
            let at = format!("{} / {}", l.id, f.name());
            for key in EVIDENCE_PROPERTIES {
                let v = f.text(key).unwrap_or_else(|| panic!("{at}: no {key}"));
                assert!(!v.trim().is_empty(), "{at}: empty {key}");
            }
            assert!(
                f.text("confidence").and_then(Confidence::parse).is_some(),
                "{at}: confidence A/B/C"
            );
            assert!(
                STATUSES.contains(&f.text("status").unwrap_or_default()),
                "{at}: status"
            );
            if !f.is_located() {
                // Planned items without a site are never pinned to an invented spot.
                assert!(f.text("site").is_some(), "{at}: unsited feature says why");
            }
            for (k, v) in &f.properties {
                if ["_km", "_mw", "_acres"].iter().any(|s| k.ends_with(s)) {
                    assert!(
                        v.as_f64().is_some(),
                        "{at}: {k} is a number with its unit in the key"
                    );
                }
            }
        }
    }
}

#[test]
fn planned_labs_and_data_centres_without_sites_are_not_on_the_map() {
    let layers = layers();
    let innovation = layer(&layers, "innovation");
    for name in [
        "Huawei National Data & Cloud Centre",
        "National Center for Quantum Computing (CETC MoU)",
    ] {
        let f = innovation
            .features
            .iter()
            .find(|f| f.name() == name)
            .unwrap_or_else(|| panic!("{name}"));
        assert!(!f.is_located(), "{name} has no invented position");
    }
}

fn route_length_km(layers: &[Layer], layer_id: &str, name_part: &str) -> f64 {
    let f = layer(layers, layer_id)
        .features
        .iter()
        .find(|f| f.name().contains(name_part))
        .unwrap_or_else(|| panic!("{name_part}"));
    geodesic_length_m(&f.geometry().expect("a line")) / 1000.0
}

#[test]
fn ml1_follows_its_stations_within_5_percent_of_1726_km() {
    let km = route_length_km(&layers(), "connectivity", "ML-1");
    assert!(
        (km - 1726.0).abs() / 1726.0 <= 0.05,
        "ML-1 drawn {km:.0} km"
    );
}

#[test]
fn fibre_cable_follows_its_roads_within_10_percent_of_820_km() {
    // About 750 km of road for an 820 km cable: the note on the feature says why.
    let km = route_length_km(&layers(), "innovation", "optical fibre");
    assert!((km - 820.0).abs() / 820.0 <= 0.10, "fibre drawn {km:.0} km");
}

#[test]
fn every_official_length_is_met_within_5_percent_or_explained() {
    let layers = layers();
    let mut checked = 0;
    for l in &layers {
        for f in l.features.iter() {
            let Some(official) = f
                .properties
                .get("length_km_official")
                .and_then(|v| v.as_f64())
            else {
                continue;
            };
            checked += 1;
            let km = geodesic_length_m(&f.geometry().expect("line")) / 1000.0;
            let off = (km - official).abs() / official;
            assert!(
                off <= 0.05 || f.text("length_note").is_some_and(|n| n.len() > 20),
                "{}: drawn {km:.0} km, official {official} km, and no note says why",
                f.name()
            );
        }
    }
    assert!(checked >= 10, "{checked} lines with an official length");
}

#[test]
fn traced_routes_credit_openstreetmap_and_the_rest_say_they_are_schematic() {
    let layers = layers();
    let mut traced = 0;
    for l in &layers {
        for f in l
            .features
            .iter()
            .filter(|f| matches!(f.geometry_type(), "LineString" | "MultiLineString"))
        {
            let source = f
                .text("geometry_source")
                .unwrap_or_else(|| panic!("{}: no geometry_source", f.name()));
            match f.text("geometry_confidence") {
                Some("A") => {
                    traced += 1;
                    assert!(source.contains("OpenStreetMap"), "{}: {source}", f.name());
                    assert!(
                        l.attribution
                            .as_deref()
                            .is_some_and(|a| a.contains("© OpenStreetMap contributors")),
                        "{}: its layer credits OpenStreetMap",
                        l.title
                    );
                }
                Some("schematic") => {
                    assert!(f.is_schematic());
                    assert!(
                        source.starts_with("schematic alignment"),
                        "{}: {source}",
                        f.name()
                    );
                }
                other => panic!("{}: geometry_confidence {other:?}", f.name()),
            }
        }
    }
    assert_eq!(
        traced, 8,
        "KKH, ML-1, M-15, M-5, two M-8 sections, N-85, the fibre"
    );
    // The KKH is on its road: within 5 % of NHA's 806 km.
    let km = route_length_km(&layers, "connectivity", "Karakoram");
    assert!((km - 806.0).abs() / 806.0 <= 0.05, "KKH drawn {km:.0} km");
}

#[test]
fn drawn_routes_never_exceed_their_printed_length_by_more_than_5_percent() {
    // A route drawn through towns can run short of the real alignment, never much longer.
    let layers = layers();
    for l in &layers {
        for f in l
            .features
            .iter()
            .filter(|f| f.geometry_type() == "LineString")
        {
            let Some(printed) = f.properties.get("length_km").and_then(|v| v.as_f64()) else {
                continue;
            };
            if l.id == "innovation" && f.name().contains("PEACE") {
                continue; // a submarine cable's length, not a drawn route
            }
            let km = geodesic_length_m(&f.geometry().expect("line")) / 1000.0;
            assert!(
                km <= printed * 1.05 + 15.0,
                "{}: drawn {km:.0} km vs {printed} km",
                f.name()
            );
        }
    }
}

#[test]
fn opened_files_get_colours_apart_from_every_corridor_colour_and_from_each_other() {
    use corridor_viewer::io::catalog::FILE_LAYER_COLORS;
    use corridor_viewer::model::style::Rgba;
    let corridor: Vec<Rgba> = layers().iter().map(|l| l.style.color).collect();
    let files: Vec<Rgba> = FILE_LAYER_COLORS
        .iter()
        .map(|c| Rgba::parse_hex(c).expect("a colour"))
        .collect();
    for (i, f) in files.iter().enumerate() {
        for c in &corridor {
            assert!(
                f.difference(*c) >= 30.0,
                "{f:?} vs corridor {c:?}: {}",
                f.difference(*c)
            );
        }
        for g in &files[i + 1..] {
            assert!(f.difference(*g) >= 30.0, "{f:?} vs {g:?}");
        }
    }
    // The measure tells near-twins apart: the old sky blue and Regional Connectivity's blue.
    let sky = Rgba::parse_hex("#56B4E9").expect("a colour");
    let blue = Rgba::parse_hex("#0072B2").expect("a colour");
    assert!(sky.difference(blue) < 30.0);
    assert!(Rgba::rgb(0, 0, 0).difference(Rgba::rgb(255, 255, 255)) > 99.0);
}

#[test]
fn every_feature_and_layer_title_is_named_in_urdu_and_chinese_and_says_where_from() {
    use corridor_viewer::model::label_language::{LabelLanguage, is_latin};
    let arabic = |s: &str| s.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c));
    let han = |s: &str| s.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c));
    for l in layers() {
        for f in l.features.iter() {
            let at = format!("{} / {}", l.id, f.name());
            let ur = f
                .text("name_ur")
                .unwrap_or_else(|| panic!("{at}: no name_ur"));
            let zh = f
                .text("name_zh")
                .unwrap_or_else(|| panic!("{at}: no name_zh"));
            assert!(
                arabic(ur) && !is_latin(ur),
                "{at}: name_ur in Urdu script: {ur}"
            );
            assert!(han(zh), "{at}: name_zh in Chinese characters: {zh}");
            // Simplified, as used in the PRC: converting changes nothing.
            assert_eq!(
                corridor_viewer::model::label_language::simplified(zh),
                zh,
                "{at}"
            );
            for key in ["name_ur_source", "name_zh_source"] {
                let source = f.text(key).unwrap_or_else(|| panic!("{at}: no {key}"));
                assert!(!source.trim().is_empty(), "{at}: empty {key}");
            }
            assert_eq!(f.name_in(LabelLanguage::Urdu), ur, "{at}");
            assert_eq!(f.name_in(LabelLanguage::Chinese), zh, "{at}");
        }
        // The layer's title too, for legends in each language.
        let ur = l.title_local.text(LabelLanguage::Urdu, &l.title);
        let zh = l.title_local.text(LabelLanguage::Chinese, &l.title);
        assert!(arabic(&ur), "{}: title in Urdu: {ur}", l.id);
        assert!(han(&zh), "{}: title in Chinese: {zh}", l.id);
    }
    let manifest = Manifest::load(maps_dir()).expect("manifest");
    for entry in &manifest.layers {
        assert!(
            entry
                .title_translation
                .as_deref()
                .is_some_and(|s| !s.trim().is_empty()),
            "{}: where the titles' translations come from",
            entry.id
        );
    }
    let categories = manifest.status_categories.expect("status classes");
    assert!(categories.label_translation.is_some());
    for class in &categories.classes {
        assert!(
            arabic(&class.label_in(LabelLanguage::Urdu)),
            "{}",
            class.label
        );
        assert!(
            han(&class.label_in(LabelLanguage::Chinese)),
            "{}",
            class.label
        );
    }
}
