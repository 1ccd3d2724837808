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
    assert!(out.contains("features: 1"), "{out}");
    assert!(
        out.contains("warnings (features skipped or repaired): 1"),
        "{out}"
    );
    assert!(
        out.contains("feature #2: cannot be read (\"Text coordinates\")"),
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
