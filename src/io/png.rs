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

/// Write `bytes` to `path` through a temporary file in the same directory, fsync, rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "no file name"))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
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
