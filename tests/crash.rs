//! Crash reports: a panic saves the session as it stood, then writes a report with a
//! backtrace into the data folder; the next start says where it is. The hook is installed in
//! this test binary's own process (it is process-wide), and the real binary is made to panic
//! with `CORRIDOR_VIEWER_CRASH_TEST`.

use std::path::PathBuf;
use std::process::Command;

use corridor_viewer::app::{AppOptions, CorridorApp, Level};
use corridor_viewer::io::crash;

#[test]
fn a_panic_saves_the_session_then_reports_and_the_next_start_says_where() {
    let dir = tempfile::tempdir().expect("tempdir");
    let crashes = dir.path().join("crashes");
    crash::install(crashes.clone());
    let session = dir.path().join("session.json");
    crash::remember_session(&session, "{\"dms\": true}".into());
    let caught = std::panic::catch_unwind(|| {
        let v: Vec<u8> = Vec::new();
        v[3]
    });
    assert!(caught.is_err());
    assert_eq!(
        std::fs::read_to_string(&session).expect("the session, saved by the hook"),
        "{\"dms\": true}"
    );
    let reports: Vec<PathBuf> = std::fs::read_dir(&crashes)
        .expect("the crash folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    assert_eq!(reports.len(), 1, "{reports:?}");
    let text = std::fs::read_to_string(&reports[0]).expect("report");
    assert!(text.contains("index out of bounds"), "{text}");
    assert!(text.contains("tests/crash.rs"), "where: {text}");
    assert!(text.contains(&format!("session saved first: {}", session.display())));
    assert!(text.contains("backtrace:"));

    // The next start: a message naming the report, once.
    let mut app = CorridorApp::new(
        &egui::Context::default(),
        AppOptions {
            maps_dir: Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("maps")),
            session_file: None,
            open_files: Vec::new(),
            cache_dir: None,
            file_dialogs: corridor_viewer::app::file_dialog::FileDialogs::InApp,
        },
    );
    let warnings = |app: &CorridorApp| {
        app.messages
            .iter()
            .filter(|m| m.level == Level::Warning && m.text.contains("stopped unexpectedly"))
            .count()
    };
    let said = app
        .messages
        .iter()
        .find(|m| m.text.contains("stopped unexpectedly"))
        .map(|m| m.text.clone())
        .expect("the start says so");
    assert!(said.contains(&reports[0].display().to_string()), "{said}");
    assert!(said.contains("the session was saved first"), "{said}");
    app.mention_crash_report(&crashes);
    assert_eq!(warnings(&app), 1, "said once");
}

#[test]
fn the_real_binary_writes_its_report_in_the_users_data_folder() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_corridor-viewer"))
        .env("CORRIDOR_VIEWER_CRASH_TEST", "1")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(101), "a panic's exit: {stderr}");
    assert!(stderr.contains("A report is in"), "{stderr}");
    let crashes = home.path().join("data/corridor-viewer/crashes");
    let report = std::fs::read_dir(&crashes)
        .expect("the crash folder in the data folder")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|x| x == "log"))
        .expect("a report");
    let text = std::fs::read_to_string(&report).expect("report");
    assert!(text.contains("CORRIDOR_VIEWER_CRASH_TEST"), "{text}");
    assert!(text.contains("src/main.rs"), "{text}");
    assert_eq!(
        crash::take_unreported(&crashes).map(|r| r.path),
        Some(report)
    );
}
