//! Writing PNG images atomically: a temporary file beside the target, flushed to disk, then
//! renamed over it, so a failed write never leaves a truncated image behind.

use std::io::Write;

use image::ImageEncoder;
use std::path::{Path, PathBuf};

/// An image that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// Encoding or writing failed.
    #[error("{}: cannot be written: {message}", path.display())]
    Write {
        /// The target path.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// Save RGBA8 pixels (`width × height × 4` bytes) as a PNG at `path`.
pub fn save_png(path: &Path, width: u32, height: u32, rgba: &[u8]) -> Result<(), SaveError> {
    let fail = |message: String| SaveError::Write {
        path: path.to_path_buf(),
        message,
    };
    if rgba.len() != width as usize * height as usize * 4 {
        return Err(fail(format!(
            "{} bytes do not make a {width}×{height} RGBA image",
            rgba.len()
        )));
    }
    let mut encoded = Vec::new();
    image::codecs::png::PngEncoder::new(&mut encoded)
        .write_image(rgba, width, height, image::ExtendedColorType::Rgba8)
        .map_err(|e| fail(e.to_string()))?;
    save_bytes(path, &encoded)
}

/// Save a file's bytes at `path` atomically ([`write_atomically`]), a failure naming it.
pub fn save_bytes(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    write_atomically(path, bytes).map_err(|e| SaveError::Write {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// Write `bytes` to `path` through a temporary file in the same directory, fsync, rename,
/// fsync the directory: the file under `path` is always the old one or the new one, whole,
/// even if the process is killed or the machine loses power part way. Temporary files that
/// processes killed during a write left beside `path` are removed.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_whole(path, bytes, true)
}

/// Write `bytes` to `path` as [`write_atomically`] does, whole or not at all, but without
/// waiting for the disk: for a cache, whose files may be lost in a power cut (they are
/// fetched again) but must never be read half written.
pub fn write_cache_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_whole(path, bytes, false)
}

fn write_whole(path: &Path, bytes: &[u8], durable: bool) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "no file name"))?;
    let prefix = format!(".{}.tmp-", file_name.to_string_lossy());
    // The process and a count: two threads writing the same file do not share a temporary.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!("{prefix}{}-{n}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        if durable {
            f.sync_all()?;
        }
        std::fs::rename(&tmp, path)?;
        // The rename itself reaches the disk with the directory (no-op where unsupported).
        if durable && let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    } else {
        remove_orphans(dir, &prefix);
    }
    result
}

/// Remove `dir/{prefix}PID-N` files whose process is gone (a write it was killed during).
fn remove_orphans(dir: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(prefix))
            .and_then(|rest| rest.split('-').next())
        else {
            continue;
        };
        if pid.parse::<u32>().is_ok_and(|pid| !process_running(pid)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether process `pid` runs (Linux's /proc; elsewhere every process is taken to run, and
/// nothing is removed).
fn process_running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_png_that_reads_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("map.png");
        let pixels: Vec<u8> = (0..4 * 3 * 2).map(|i| i as u8).collect();
        save_png(&path, 3, 2, &pixels).expect("saved");
        let img = image::open(&path).expect("decodes").to_rgba8();
        assert_eq!(img.dimensions(), (3, 2));
        assert_eq!(img.as_raw(), &pixels);
        assert_eq!(
            std::fs::read_dir(dir.path()).expect("dir").count(),
            1,
            "no temp file left"
        );
    }

    #[test]
    fn unwritable_path_is_an_error_naming_it() {
        let err = save_png(Path::new("/nonexistent-dir/map.png"), 1, 1, &[0, 0, 0, 255])
            .expect_err("cannot write there");
        assert!(
            err.to_string().contains("/nonexistent-dir/map.png"),
            "{err}"
        );
    }
}
