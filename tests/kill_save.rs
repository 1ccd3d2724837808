//! Nothing lost when the process dies during a save: the real binary writes the session in a
//! loop (`CORRIDOR_VIEWER_SAVE_LOOP_TEST`, through the app's own session writer) and is
//! killed with SIGKILL at a random moment, hundreds of times. The session file must each time
//! be the old one or the new one, whole, and no temporary file may pile up beside it.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Kills, each at a different moment.
const KILLS: usize = 300;

#[test]
fn a_session_save_killed_at_any_moment_leaves_a_whole_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("config").join("session.json");
    let sessions = corridor_viewer::app::save_loop_sessions();
    let mut seen = [0usize; 2];
    // A small deterministic generator: the same kill moments every run.
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let started = Instant::now();
    let mut killed_mid_run = 0;
    for i in 0..KILLS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_corridor-viewer"))
            .env("CORRIDOR_VIEWER_SAVE_LOOP_TEST", &path)
            .env("HOME", dir.path())
            .env("XDG_DATA_HOME", dir.path().join("data"))
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        // After the first run the file is there: a kill lands anywhere in the loop.
        let wait_ms = if path.exists() { 5 + next() % 60 } else { 300 };
        std::thread::sleep(Duration::from_millis(wait_ms));
        if child.try_wait().expect("status").is_none() {
            killed_mid_run += 1;
        }
        child.kill().expect("SIGKILL");
        let status = child.wait().expect("reaped");
        assert!(
            status.code().is_none(),
            "kill {i}: the save loop ended by itself ({status}): {}",
            std::io::read_to_string(child.stderr.take().expect("stderr")).unwrap_or_default()
        );
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("kill {i}: the session file is gone: {e}"));
        match sessions.iter().position(|s| *s == text) {
            Some(k) => seen[k] += 1,
            None => panic!(
                "kill {i} after {wait_ms} ms: the session file is neither the old nor the new one ({} bytes)",
                text.len()
            ),
        }
        assert!(
            corridor_viewer::model::session::Session::parse(&text).is_ok(),
            "kill {i}: the session does not read"
        );
    }
    // The temporary files of the last killed writes may remain (two, when the last process
    // was killed in its first write); the next save removes them.
    let folder = path.parent().expect("folder");
    let count = || std::fs::read_dir(folder).expect("folder").count();
    let leftovers = count();
    assert!(
        leftovers <= 3,
        "{leftovers} files beside the session: killed writes' temporary files pile up"
    );
    corridor_viewer::app::write_session_file(&path, &sessions[0]).expect("a save");
    assert_eq!(
        count(),
        1,
        "a save leaves the session file alone in its folder"
    );
    assert_eq!(killed_mid_run, KILLS, "every kill found the loop running");
    assert!(
        seen[0] > KILLS / 10 && seen[1] > KILLS / 10,
        "kills landed after both kinds of save ({seen:?})"
    );
    eprintln!(
        "{KILLS} kills in {:.1} s: old/new session {seen:?}, whole every time; {leftovers} files before the next save",
        started.elapsed().as_secs_f64()
    );
}
