//! `corridor-viewer info`: the same loader as the app, from the command line.

use std::path::PathBuf;
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn info(files: &[PathBuf]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_corridor-viewer"))
        .arg("info")
        .args(files)
        .env_remove("DISPLAY")
        .output()
        .expect("the binary runs");
    (
        out.status.code().expect("exited, not killed"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn good_file_reports_counts_bbox_and_properties() {
    let (code, out, err) = info(&[fixture("good.geojson")]);
    assert_eq!(code, 0, "stderr: {err}");
    assert!(out.contains("features: 4"), "{out}");
    for line in ["Point: 1", "LineString: 1", "Polygon: 1", "null: 1"] {
        assert!(out.contains(line), "{line} in {out}");
    }
    assert!(
        out.contains("bbox: 62.30000, 24.80000, 67.10000, 26.00000"),
        "{out}"
    );
    assert!(
        out.contains("properties: area_acres, depth_m, length_km, name, site"),
        "{out}"
    );
}

#[test]
fn broken_json_names_file_line_and_column_and_fails() {
    let (code, _, err) = info(&[fixture("broken_syntax.geojson")]);
    assert_eq!(code, 1);
    assert!(
        err.contains("broken_syntax.geojson, line 5, column 5: invalid JSON"),
        "{err}"
    );
    assert!(err.contains("expected `,` or `]`"), "{err}");
}

#[test]
fn topojson_and_missing_files_are_named_and_fail_without_panic() {
    let (code, _, err) = info(&[fixture("topology.json")]);
    assert_eq!(code, 1);
    assert!(
        err.contains("topology.json: not GeoJSON: this is TopoJSON"),
        "{err}"
    );
    let (code, _, err) = info(&[fixture("no_such_file.geojson")]);
    assert_eq!(code, 1);
    assert!(
        err.contains("no_such_file.geojson: cannot read the file"),
        "{err}"
    );
}

#[test]
fn skipped_features_are_listed_and_the_rest_loads() {
    let (code, out, _) = info(&[fixture("partly_broken.geojson")]);
    assert_eq!(code, 0);
    assert!(out.contains("features: 2"), "{out}");
    assert!(
        out.contains("warnings (features skipped or repaired): 1"),
        "{out}"
    );
    assert!(
        out.contains("feature #2: repaired (\"Text coordinates\"): 2 coordinate(s) written as text were read as numbers"),
        "{out}"
    );
}

#[test]
fn one_bad_file_among_good_ones_fails_the_run_but_reports_all() {
    let (code, out, err) = info(&[fixture("good.geojson"), fixture("topology.json")]);
    assert_eq!(code, 1);
    assert!(out.contains("good.geojson") && out.contains("features: 4"));
    assert!(err.contains("topology.json"));
}

#[test]
fn every_map_layer_passes_info() {
    let maps = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("maps");
    let files: Vec<PathBuf> = std::fs::read_dir(&maps)
        .expect("maps/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "geojson"))
        .collect();
    assert_eq!(files.len(), 7);
    let (code, out, err) = info(&files);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("warnings"), "{out}");
}

/// One fixture per case the loader handles, with what `info` must say about it.
struct Case {
    file: &'static str,
    /// Exit code: 0 loads, 1 refused.
    code: i32,
    /// Text that must appear (stdout for 0, stderr for 1).
    expected: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        file: "feature_collection.geojson",
        code: 0,
        expected: &["features: 2", "Point: 2"],
    },
    Case {
        file: "single_feature.geojson",
        code: 0,
        expected: &["features: 1", "bbox: 75.42000, 36.85000"],
    },
    Case {
        file: "bare_geometry.geojson",
        code: 0,
        expected: &["features: 1", "LineString: 1"],
    },
    Case {
        file: "geometry_collection.geojson",
        code: 0,
        expected: &[
            "GeometryCollection: 1",
            "bbox: 62.33000, 25.12000, 63.00000, 26.00000",
        ],
    },
    Case {
        file: "null_geometry_and_properties.geojson",
        code: 0,
        expected: &["features: 2", "Point: 1", "null: 1"],
    },
    Case {
        file: "positions_3d_4d.geojson",
        code: 0,
        expected: &[
            "LineString: 1",
            "bbox: 74.00000, 35.00000, 75.00000, 36.00000",
        ],
    },
    Case {
        file: "bbox_and_foreign_members.geojson",
        code: 0,
        expected: &["features: 1", "properties: name"],
    },
    Case {
        file: "crs_crs84.geojson",
        code: 0,
        expected: &["features: 1"],
    },
    Case {
        file: "crs_epsg4326_on_feature.geojson",
        code: 0,
        expected: &["features: 1"],
    },
    Case {
        file: "crs_projected.geojson",
        code: 1,
        expected: &[
            "crs_projected.geojson: coordinates are in urn:ogc:def:crs:EPSG::32642",
            "reproject to WGS84",
        ],
    },
    Case {
        file: "utf8_bom.geojson",
        code: 0,
        expected: &["features: 1"],
    },
    Case {
        file: "crlf.geojson",
        code: 0,
        expected: &["features: 2"],
    },
    Case {
        file: "newline_delimited.geojsonl",
        code: 0,
        expected: &["features: 3"],
    },
    Case {
        // Lone features (the fast path), a collection, a ring to close, a projected `crs`, a
        // stray array, a multipoint and a bare geometry: each read its own way, in order.
        file: "mixed_sequence.geojsonl",
        code: 0,
        expected: &[
            "features: 7",
            "MultiPoint: 1",
            "Point: 5",
            "Polygon: 1",
            "feature #4: repaired (\"Unclosed\")",
            "feature #5: coordinates are in EPSG:3857",
            "feature #6: the document is not a JSON object",
        ],
    },
    Case {
        file: "text_sequence.geojsons",
        code: 0,
        expected: &["features: 2"],
    },
    Case {
        file: "topojson.json",
        code: 1,
        expected: &["topojson.json: not GeoJSON: this is TopoJSON"],
    },
    Case {
        file: "esri.json",
        code: 1,
        expected: &["esri.json: not GeoJSON: this is Esri JSON"],
    },
    Case {
        file: "overpass.json",
        code: 1,
        expected: &["overpass.json: not GeoJSON: this is raw Overpass API JSON"],
    },
    Case {
        file: "jsonp.js",
        code: 1,
        expected: &["jsonp.js: not GeoJSON: this is JSONP"],
    },
    Case {
        file: "binary.geojson",
        code: 1,
        expected: &["binary.geojson: not GeoJSON: the file is binary"],
    },
    Case {
        file: "invalid_json.geojson",
        code: 1,
        expected: &[
            "invalid_json.geojson, line 3, column 53: invalid JSON: trailing comma",
            "{\"name\": \"Sost\",}",
        ],
    },
    Case {
        file: "string_coordinates.geojson",
        code: 0,
        expected: &[
            "features: 2",
            "feature #2: repaired (\"Text numbers\"): 2 coordinate(s) written as text",
            "feature #3: skipped (\"Not numbers\"): position: the longitude \"east\" is not a number",
        ],
    },
    Case {
        file: "mis_cased_types.geojson",
        code: 0,
        expected: &["features: 1", "3 \"type\" name(s) in the wrong case"],
    },
    Case {
        file: "unknown_type.geojson",
        code: 0,
        expected: &[
            "features: 1",
            "feature #2: skipped (\"Circle\"): unknown geometry type \"Circle\"",
        ],
    },
    Case {
        file: "nan.geojson",
        code: 0,
        expected: &[
            "features: 1",
            "3 NaN or Infinity value(s)",
            "(the first on line 2)",
            "feature #2: skipped (\"Lost\"): position: the longitude is null or NaN",
        ],
    },
    Case {
        file: "point_without_coordinates.geojson",
        code: 0,
        expected: &[
            "features: 1",
            "feature #2: skipped (\"Empty\"): the Point has no coordinates",
        ],
    },
    Case {
        file: "unclosed_ring.geojson",
        code: 0,
        expected: &[
            "Polygon: 1",
            "feature #1: repaired (\"Zone\"): ring 1 was not closed",
        ],
    },
    Case {
        file: "projected_metres.geojson",
        code: 1,
        expected: &[
            "projected_metres.geojson: every coordinate is outside longitude/latitude range",
            "ogr2ogr",
        ],
    },
    Case {
        file: "out_of_range.geojson",
        code: 0,
        expected: &[
            "features: 1",
            "feature #2: skipped (\"Swapped\"): coordinate (25.12, 262.33) is outside longitude/latitude range",
        ],
    },
    Case {
        file: "antimeridian.geojson",
        code: 0,
        expected: &[
            "LineString: 1",
            "bbox: 178.40000, -18.10000, -178.00000, -16.50000 (W, S, E, N; crosses 180°)",
        ],
    },
    Case {
        file: "empty_collection.geojson",
        code: 0,
        expected: &["features: 0", "bbox: none"],
    },
];

#[test]
fn every_loader_case_has_its_expected_outcome() {
    let dir = fixture("loader");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/loader")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = CASES.iter().map(|c| c.file.to_string()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "every fixture has a case and every case a fixture"
    );
    for case in CASES {
        let (code, out, err) = info(&[dir.join(case.file)]);
        assert_eq!(code, case.code, "{}: stdout {out} stderr {err}", case.file);
        let text = if case.code == 0 { &out } else { &err };
        for expected in case.expected {
            assert!(
                text.contains(expected),
                "{}: {expected:?} not in\n{text}",
                case.file
            );
        }
        assert!(!err.contains("panicked"), "{}: {err}", case.file);
    }
}
