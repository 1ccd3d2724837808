//! Crash reports. A panic anywhere in the app — the UI thread or a worker — is caught by a
//! process-wide hook that first writes the session as it last stood (kept here by the app a
//! few times a second), then a report with the message, the place and a backtrace to a file
//! in the user's data folder (`~/.local/share/corridor-viewer/crashes/` on Linux), and leaves
//! a note for the next start, which says where the report is.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use super::png::write_atomically;

/// The folder reports go to once [`install`] ran.
static DIR: OnceLock<PathBuf> = OnceLock::new();

/// The session file and its text as the app last had it.
static LAST_SESSION: Mutex<Option<(PathBuf, String)>> = Mutex::new(None);

/// The note a report leaves for the next start (holds the report's path).
const UNREPORTED: &str = "unreported";

/// The report's line saying whether the session was saved first.
const SESSION_SAVED: &str = "session saved first: ";

/// Where reports go: the user's data folder.
pub fn default_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("corridor-viewer").join("crashes"))
}

/// The folder reports go to, if reporting is on.
pub fn installed_dir() -> Option<&'static Path> {
    DIR.get().map(PathBuf::as_path)
}

/// Keep the session's text, to be written if the app panics.
pub fn remember_session(path: &Path, json: String) {
    if let Ok(mut s) = LAST_SESSION.lock() {
        *s = Some((path.to_path_buf(), json));
    }
}

/// Catch every panic from now on: the session saved, then a report written into `dir`; the
/// previous hook (the message on stderr) runs after.
pub fn install(dir: PathBuf) {
    if DIR.set(dir.clone()).is_err() {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let saved = save_last_session();
        let message = panic_message(info.payload());
        let place = info
            .location()
            .map_or_else(|| "unknown".to_string(), ToString::to_string);
        let thread = std::thread::current()
            .name()
            .unwrap_or("unnamed")
            .to_string();
        let backtrace = std::backtrace::Backtrace::force_capture().to_string();
        let text = report_text(&message, &place, &thread, saved.as_deref(), &backtrace);
        match write_report(&dir, &text) {
            Ok(path) => eprintln!(
                "Corridor Viewer stopped: {message} ({place}). A report is in {}",
                path.display()
            ),
            Err(e) => eprintln!(
                "the crash report could not be written in {}: {e}",
                dir.display()
            ),
        }
        previous(info);
    }));
}

/// Write the remembered session; the file written, if any.
fn save_last_session() -> Option<PathBuf> {
    // A panic while the lock was held leaves it poisoned: the text is still whole.
    let guard = match LAST_SESSION.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    let (path, json) = guard.as_ref()?;
    write_atomically(path, json.as_bytes()).ok()?;
    Some(path.clone())
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic with no message".to_string())
}

/// A report's text.
pub fn report_text(
    message: &str,
    place: &str,
    thread: &str,
    session: Option<&Path>,
    backtrace: &str,
) -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = crate::model::legend::civil_date((secs / 86_400) as i64);
    let t = secs % 86_400;
    format!(
        "Corridor Viewer {} stopped at {y}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC\n\
         what: {message}\nwhere: {place}\nthread: {thread}\n{SESSION_SAVED}{}\n\
         system: {} {}\n\nbacktrace:\n{backtrace}\n",
        env!("CARGO_PKG_VERSION"),
        t / 3600,
        t / 60 % 60,
        t % 60,
        session.map_or_else(
            || "no (no session yet)".to_string(),
            |p| p.display().to_string()
        ),
        std::env::consts::OS,
        std::env::consts::ARCH,
    )
}

/// Write a report into `dir` (made if missing) and the note for the next start; its path.
pub fn write_report(dir: &Path, text: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let path = dir.join(format!("crash-{stamp}-{}.log", std::process::id()));
    write_atomically(&path, text.as_bytes())?;
    write_atomically(&dir.join(UNREPORTED), path.to_string_lossy().as_bytes())?;
    Ok(path)
}

/// A report a run left.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The report's file.
    pub path: PathBuf,
    /// Whether the session was written before it.
    pub session_saved: bool,
}

/// The report the last run left and no start has mentioned yet (mentioned now: the note is
/// removed).
pub fn take_unreported(dir: &Path) -> Option<Report> {
    let note = dir.join(UNREPORTED);
    let text = std::fs::read_to_string(&note).ok()?;
    let _ = std::fs::remove_file(&note);
    let path = PathBuf::from(text.trim());
    let report = std::fs::read_to_string(&path).ok()?;
    Some(Report {
        session_saved: !report.contains(&format!("{SESSION_SAVED}no")),
        path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_is_written_and_mentioned_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let crashes = dir.path().join("crashes");
        let text = report_text("index out of bounds", "src/x.rs:1:2", "main", None, "0: f");
        assert!(text.contains("what: index out of bounds"));
        assert!(text.contains("where: src/x.rs:1:2"));
        assert!(text.contains("backtrace:\n0: f"));
        let path = write_report(&crashes, &text).expect("written");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
        assert_eq!(
            take_unreported(&crashes),
            Some(Report {
                path,
                session_saved: false
            })
        );
        assert_eq!(take_unreported(&crashes), None, "said once");
    }
}
