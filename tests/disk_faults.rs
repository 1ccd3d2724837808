//! Disks that refuse: an export to a full disk (a 64 KB tmpfs), a read-only config folder
//! (a tmpfs mounted read-only), a cache folder that is missing or cannot be made. Each gives
//! a message naming the file, leaves no partial file under the final name and loses nothing
//! the user had; the app keeps running.
//!
//! The small and read-only filesystems are real: each test runs its program in a mount
//! namespace of its own (`unshare -rm`, util-linux), where it may mount a tmpfs without
//! being root. Where namespaces are not allowed the tests say so and pass, unless
//! `CORRIDOR_VIEWER_REQUIRE_TMPFS=1` (CI) makes that a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use corridor_viewer::app::{AppOptions, Command as AppCommand, CorridorApp};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

#[path = "common/tile_server.rs"]
mod tile_server;
use tile_server::TileServer;

#[path = "common/cli.rs"]
mod cli;

/// The environment variable that tells a re-run of this test binary it is the child inside
/// the namespace, and which folders are the full and the read-only one.
const CHILD_ENV: &str = "DISK_FAULTS_CHILD";

/// Run `program args` in a mount namespace where `full` is a 64 KB tmpfs holding one file,
/// `full/old.png` ("the user's earlier export"), and `read_only` is an empty read-only tmpfs.
/// `None` when this machine allows no namespaces (and CI does not require them).
fn in_namespace(full: &Path, read_only: &Path, program: &Path, args: &[&str]) -> Option<Output> {
    let script = r#"set -e
full=$1; ro=$2; shift 2
mount -t tmpfs -o size=64k tmpfs "$full"
printf 'the earlier export' > "$full/old.png"
mount -t tmpfs -o ro,size=64k tmpfs "$ro"
exec "$@""#;
    let probe = Command::new("unshare")
        .args(["-rm", "sh", "-c", "mount -t tmpfs tmpfs \"$0\"", "/mnt"])
        .output();
    if !probe.as_ref().is_ok_and(|o| o.status.success()) {
        let why = probe.map_or_else(
            |e| e.to_string(),
            |o| String::from_utf8_lossy(&o.stderr).into_owned(),
        );
        assert!(
            std::env::var_os("CORRIDOR_VIEWER_REQUIRE_TMPFS").is_none(),
            "no mount namespace for a small tmpfs: {why}"
        );
        eprintln!("skipped: this machine allows no mount namespace ({why})");
        return None;
    }
    Some(
        Command::new("unshare")
            .args(["-rm", "sh", "-c", script, "sh"])
            .arg(full)
            .arg(read_only)
            .arg(program)
            .args(args)
            .env_remove("DISPLAY")
            .env("NO_PROXY", "*")
            .env(CHILD_ENV, full.parent().unwrap_or(full))
            .output()
            .expect("unshare runs"),
    )
}

/// Two empty folders to mount over: (full, read-only).
fn mount_points() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let full = dir.path().join("full");
    let ro = dir.path().join("config");
    std::fs::create_dir(&full).expect("mkdir");
    std::fs::create_dir(&ro).expect("mkdir");
    (dir, full, ro)
}

#[test]
fn an_export_to_a_full_disk_names_the_file_and_leaves_what_was_there() {
    let (_dir, full, ro) = mount_points();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_corridor-viewer"));
    // Over the earlier file (its name kept, its bytes lost would be worst), then a new name;
    // then a listing of the folder and the earlier file's bytes, from inside the namespace.
    let script = r#"dir=$1; bin=$2
for name in old.png new.png brief.pdf; do
  "$bin" export --size 1200x800 --out "$dir/$name"; echo "exit $?" >&2
done
ls -A "$dir" >&2; cat "$dir/old.png" >&2"#;
    let Some(run) = in_namespace(
        &full,
        &ro,
        Path::new("sh"),
        &[
            "-c",
            script,
            "sh",
            full.to_str().expect("utf-8"),
            bin.to_str().expect("utf-8"),
        ],
    ) else {
        return;
    };
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{err}");
    assert_eq!(
        err.matches("exit 1").count(),
        3,
        "every export fails: {err}"
    );
    for name in ["old.png", "new.png", "brief.pdf"] {
        let path = full.join(name);
        assert!(
            err.contains(&format!("{}: cannot be written", path.display()))
                && err.contains("No space left on device"),
            "a message naming {name} and the problem: {err}"
        );
    }
    // The folder holds the earlier file, whole, and nothing else: no partial file, no
    // temporary left.
    let listing: Vec<&str> = err
        .lines()
        .filter(|l| !l.contains(' ') && l.contains('.'))
        .collect();
    assert_eq!(listing, ["old.png"], "{err}");
    assert!(err.ends_with("the earlier export"), "{err}");
}

#[test]
fn the_app_keeps_running_through_a_full_disk_and_a_read_only_config_folder() {
    let (_dir, full, ro) = mount_points();
    let me = std::env::current_exe().expect("the test binary");
    let Some(run) = in_namespace(
        &full,
        &ro,
        &me,
        &[
            "--exact",
            "child_app_on_refusing_disks",
            "--nocapture",
            "--test-threads=1",
        ],
    ) else {
        return;
    };
    let out = String::from_utf8_lossy(&run.stdout);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{out}\n{err}");
    assert!(
        out.contains("1 passed"),
        "the child ran its checks: {out}\n{err}"
    );
    assert!(err.contains("child checks done"), "{err}");
}

/// The checks inside the namespace (a no-op when run on its own).
#[test]
fn child_app_on_refusing_disks() {
    let Some(dirs) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let dirs = PathBuf::from(dirs);
    let (full, ro) = (dirs.join("full"), dirs.join("config"));
    let session_file = ro.join("session.json");
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_max_steps(64)
        .build_ui_state(
            move |ui, app: &mut Option<CorridorApp>| {
                app.get_or_insert_with(|| {
                    CorridorApp::new(
                        ui.ctx(),
                        AppOptions {
                            maps_dir: Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("maps")),
                            session_file: Some(session_file.clone()),
                            cache_dir: Some(dirs.join("config").join("cache")),
                            ..Default::default()
                        },
                    )
                })
                .ui(ui);
            },
            None,
        );
    h.run();
    let app = |h: &mut Harness<'static, Option<CorridorApp>>| {
        h.state_mut().as_mut().expect("the app").layers.len()
    };
    let layers = app(&mut h);
    assert!(layers > 0, "the maps are open");

    // The session cannot be saved: one warning naming the file, however often it is tried.
    for i in 0..3 {
        let state = h.state_mut().as_mut().expect("the app");
        state.apply(AppCommand::AddBookmark);
        let last = state.bookmarks.len() - 1;
        state.apply(AppCommand::RenameBookmark(last, format!("View {i}")));
        state.save_session();
        h.run();
    }
    let warnings: Vec<String> = h
        .state_mut()
        .as_mut()
        .expect("the app")
        .messages
        .iter()
        .map(|m| m.text.clone())
        .filter(|t| t.contains("cannot save the session"))
        .collect();
    assert_eq!(warnings.len(), 1, "one warning: {warnings:?}");
    assert!(
        warnings[0].contains(&session_file_name(&ro)) && warnings[0].contains("Read-only"),
        "{warnings:?}"
    );
    assert!(!ro.join("session.json").exists());

    // A briefing image to the full disk: a message naming it, the earlier file whole.
    for name in ["old.png", "new.png", "page.pdf"] {
        let path = full.join(name);
        let state = h.state_mut().as_mut().expect("the app");
        state.apply(AppCommand::OpenBriefingDialog);
        h.run();
        h.state_mut()
            .as_mut()
            .expect("the app")
            .apply(AppCommand::SaveBriefingTo(path.clone()));
        h.run();
        let said = format!("{}: cannot be written", path.display());
        assert!(
            h.query_by_label_contains(&said).is_some(),
            "{said} shown: {:?}",
            h.state_mut()
                .as_mut()
                .expect("the app")
                .messages
                .iter()
                .map(|m| m.text.clone())
                .collect::<Vec<_>>()
        );
    }
    let names: Vec<String> = std::fs::read_dir(&full)
        .expect("the full folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["old.png"], "no partial or temporary file");
    assert_eq!(
        std::fs::read(full.join("old.png")).expect("the earlier file"),
        b"the earlier export"
    );

    // Still running, with everything the user had.
    h.run();
    assert_eq!(app(&mut h), layers, "no layer lost");
    let names: Vec<String> = h
        .state_mut()
        .as_mut()
        .expect("the app")
        .bookmarks
        .iter()
        .map(|b| b.name.clone())
        .collect();
    assert!(
        names.iter().any(|n| n == "View 2"),
        "the bookmarks made are kept: {names:?}"
    );
    eprintln!("child checks done");
}

fn session_file_name(ro: &Path) -> String {
    ro.join("session.json").display().to_string()
}

/// A server sending one grey tile for every request.
fn grey_tiles() -> TileServer {
    let mut png = Vec::new();
    image::RgbImage::from_pixel(256, 256, image::Rgb([120, 120, 120]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encode");
    TileServer::png(png)
}

#[test]
fn a_missing_cache_folder_is_made_and_one_that_cannot_be_made_is_done_without() {
    let server = grey_tiles();
    let dir = tempfile::tempdir().expect("tempdir");
    let export = |cache: &Path, name: &str| {
        let out = dir.path().join(name);
        let (code, err) = cli::export(
            cache,
            &[
                "--view",
                "Gwadar",
                "--size",
                "400x300",
                "--basemap",
                &server.template(),
                "--out",
                out.to_str().expect("utf-8"),
            ],
        );
        (code, err, out)
    };
    // Not there yet, three folders deep: made, and the tiles kept in it.
    let missing = dir.path().join("a").join("b").join("cache");
    let (code, err, out) = export(&missing, "made.png");
    assert_eq!(code, 0, "{err}");
    assert!(out.exists());
    let cached = walk(&missing);
    assert!(
        cached
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "png")),
        "tiles cached in the new folder: {cached:?}"
    );
    // A file where the folder should be: the export works from the server, uncached.
    let in_the_way = dir.path().join("not-a-folder");
    std::fs::write(&in_the_way, b"a file").expect("write");
    let asked = server.requests();
    let (code, err, out) = export(&in_the_way, "uncached.png");
    assert_eq!(code, 0, "{err}");
    assert!(out.exists());
    assert!(server.requests() > asked, "the tiles came from the server");
    assert_eq!(std::fs::read(&in_the_way).expect("file"), b"a file");
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files
}
