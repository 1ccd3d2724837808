//! The `export` command run as a user runs it: the real binary, no display, its own tile cache.

use std::path::Path;
use std::process::Command;

/// Run `corridor-viewer export ARGS` with the tile cache in `cache`: its exit code and stderr.
#[allow(dead_code)]
pub fn export(cache: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_corridor-viewer"))
        .arg("export")
        .args(args)
        .env_remove("DISPLAY")
        .env("CORRIDOR_VIEWER_CACHE_DIR", cache)
        .env("NO_PROXY", "*")
        .output()
        .expect("the binary runs");
    (
        out.status.code().expect("exited"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Run `corridor-viewer export ARGS` with no display: its exit code, stdout and stderr.
#[allow(dead_code)]
pub fn export_output(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_corridor-viewer"))
        .arg("export")
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("the binary runs");
    (
        out.status.code().expect("exited, not killed"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
