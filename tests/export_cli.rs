//! `corridor-viewer export` from the command line, with no display.

use std::path::PathBuf;

#[path = "common/cli.rs"]
mod cli;

fn run(args: &[&str]) -> (i32, String, String) {
    cli::export_output(args)
}

fn temp_png(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

#[test]
fn writes_the_requested_pixel_size_at_1x_and_4x_without_a_display() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (scale, expected) in [("1", (800, 600)), ("4", (3200, 2400))] {
        let out = temp_png(&dir, &format!("gwadar{scale}.png"));
        let (code, stdout, stderr) = run(&[
            "--view",
            "gwadar",
            "--size",
            "800x600",
            "--scale",
            scale,
            "--title",
            "Gwadar",
            "--out",
            out.to_str().expect("utf-8 path"),
        ]);
        assert_eq!(code, 0, "{stderr}");
        assert!(
            stdout.contains(&format!("{}×{} px", expected.0, expected.1)),
            "{stdout}"
        );
        let img = image::open(&out).expect("a PNG").to_rgba8();
        assert_eq!(img.dimensions(), expected);
    }
}

#[test]
fn layers_choose_the_legend_and_extra_files_are_drawn() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = temp_png(&dir, "l.png");
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good.geojson");
    let (code, stdout, stderr) = run(&[
        "--view",
        "62,24,68,27",
        "--size",
        "600x400",
        "--layers",
        "growth,green",
        "--out",
        out.to_str().expect("utf-8"),
        fixture.to_str().expect("utf-8"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("legend: good, Green corridor, Growth corridor"),
        "{stdout}"
    );
    // The legend follows the labels' language; a user's file with no translated title keeps
    // its own.
    for (labels, legend) in [
        ("zh", "legend: good, 绿色走廊, 增长走廊"),
        ("ur", "legend: good, سبز راہداری, ترقی کی راہداری"),
        (
            "en+local",
            "legend: good, Green corridor / سبز راہداری, Growth corridor / ترقی کی راہداری",
        ),
    ] {
        let (code, stdout, stderr) = run(&[
            "--view",
            "62,24,68,27",
            "--size",
            "600x400",
            "--layers",
            "growth,green",
            "--labels",
            labels,
            "--out",
            out.to_str().expect("utf-8"),
            fixture.to_str().expect("utf-8"),
        ]);
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.contains(legend), "{labels}: {stdout}");
    }
}

#[test]
fn bad_arguments_fail_with_a_clear_message_and_no_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = temp_png(&dir, "x.png");
    let out = out.to_str().expect("utf-8");
    for (args, expected) in [
        (
            vec!["--size", "10x10", "--out", out],
            "--size \"10x10\": expected WIDTHxHEIGHT",
        ),
        (vec!["--size", "wide", "--out", out], "--size \"wide\""),
        (
            vec!["--view", "Atlantis", "--out", out],
            "unknown view \"Atlantis\"; use one of: Pakistan",
        ),
        (vec!["--view", "70,40,60,30", "--out", out], "west < east"),
        (
            vec!["--layers", "growth,nope", "--out", out],
            "no layer \"nope\"; the layers are: growth",
        ),
        (
            vec!["--basemap", "satellite", "--out", out],
            "--basemap: \"satellite\" is not a tile URL template",
        ),
        (
            vec!["--size", "9000x9000", "--scale", "4", "--out", out],
            "largest side allowed",
        ),
        (
            vec!["--out", "/nonexistent-folder/x.png"],
            "/nonexistent-folder: the folder does not exist",
        ),
        (
            vec!["--out", "/proc/briefing.png"],
            "/proc/briefing.png: cannot be written",
        ),
        (vec!["--scale", "5", "--out", out], "5 is not in 1..=4"),
        (vec!["--view", "Gwadar"], "--out <OUT>"),
    ] {
        let (code, _, stderr) = run(&args);
        assert!(code == 1 || code == 2, "{args:?}: exit {code}, {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    assert!(
        !std::path::Path::new(out).exists(),
        "nothing written on failure"
    );
}

#[test]
fn help_documents_views_sizes_and_options() {
    let (code, stdout, _) = run(&["--help"]);
    assert_eq!(code, 0);
    for needle in [
        "--view",
        "LON,LAT,ZOOM",
        "W,S,E,N",
        "--size",
        "--scale",
        "--title",
        "--layers",
        "--basemap",
        "--out",
        "Northern gateway",
        "Chagai-Gwadar",
    ] {
        assert!(stdout.contains(needle), "help mentions {needle}:\n{stdout}");
    }
}

#[test]
fn several_views_make_a_deck_of_numbered_pages_in_order_titled_by_their_views() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = temp_png(&dir, "brief.png");
    let common = ["--size", "640x420", "--no-date"];
    let mut args: Vec<&str> = vec![
        "--view",
        "Pakistan",
        "--view",
        "Gwadar",
        "--view",
        "Northern gateway",
        "--title",
        "The corridor",
    ];
    args.extend(common);
    args.extend(["--out", out.to_str().expect("utf-8")]);
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 3, "a line a page: {stdout}");
    assert!(!out.exists(), "the pages are numbered, no brief.png");
    // Each page is the single export of its view with its title: the first the title given,
    // the others their view's name.
    for (i, (view, title)) in [
        ("Pakistan", "The corridor"),
        ("Gwadar", "Gwadar"),
        ("Northern gateway", "Northern gateway"),
    ]
    .into_iter()
    .enumerate()
    {
        let page = dir.path().join(format!("brief-{}.png", i + 1));
        assert!(
            stdout.contains(&format!("Wrote {}", page.display())),
            "{stdout}"
        );
        let single = temp_png(&dir, &format!("single-{i}.png"));
        let mut one = vec!["--view", view, "--title", title];
        one.extend(common);
        one.extend(["--out", single.to_str().expect("utf-8")]);
        let (code, _, stderr) = run(&one);
        assert_eq!(code, 0, "{stderr}");
        let a = image::open(&page).expect("page").to_rgba8();
        let b = image::open(&single).expect("single").to_rgba8();
        assert!(a == b, "page {} is {view} titled {title:?}", i + 1);
    }
}

#[test]
fn a_deck_with_an_unknown_view_or_too_many_titles_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = temp_png(&dir, "brief.png");
    let out_s = out.to_str().expect("utf-8");
    for (args, says) in [
        (
            vec!["--view", "Pakistan", "--view", "Gwadr", "--out", out_s],
            "unknown view \"Gwadr\"",
        ),
        (
            vec![
                "--view", "Gwadar", "--title", "A", "--title", "B", "--out", out_s,
            ],
            "2 --title options for 1 --view",
        ),
    ] {
        let (code, _, stderr) = run(&args);
        assert_eq!(code, 1, "{stderr}");
        assert!(
            stderr.contains(says) && stderr.contains("nothing was written"),
            "{stderr}"
        );
        let written: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
        assert!(written.is_empty(), "{written:?}");
    }
    let pdf = dir.path().join("brief.pdf");
    let (code, _, stderr) = run(&["--view", "Gwadr", "--out", pdf.to_str().expect("utf-8")]);
    assert_eq!(code, 1);
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!pdf.exists());
}
