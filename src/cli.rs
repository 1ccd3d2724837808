//! The headless command line: `corridor-viewer info FILE…`.

use std::io::Write;
use std::path::PathBuf;

use crate::io::geojson::load_file;
use crate::io::info::FileSummary;

/// Print a summary of each GeoJSON file to `out`, errors to `err`. Returns the process exit
/// code: 0 when every file loaded, 1 otherwise.
pub fn info(paths: &[PathBuf], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let mut code = 0;
    for path in paths {
        match load_file(path) {
            Ok(file) => {
                let _ = writeln!(out, "{}", path.display());
                let _ = write!(out, "{}", FileSummary::of(&file));
            }
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                code = 1;
            }
        }
    }
    code
}
