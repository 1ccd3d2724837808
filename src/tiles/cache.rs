//! The tile cache folder: its size, and emptying it.
//!
//! The cache is written by the HTTP cache of the tile loader (an index plus content files);
//! removing single files would leave index entries pointing at nothing, so the cache is kept
//! under its limit by emptying it whole.

use std::io;
use std::path::Path;

/// Bytes in the files under `dir` (0 when it does not exist).
pub fn dir_size(dir: &Path) -> io::Result<u64> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut total = 0;
    for entry in entries {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            total += dir_size(&entry.path())?;
        } else if kind.is_file() {
            total += entry.metadata()?.len();
        }
    }
    Ok(total)
}

/// Remove everything under `dir`, keeping the folder. Returns the bytes freed.
pub fn clear_dir(dir: &Path) -> io::Result<u64> {
    let size = dir_size(dir)?;
    match std::fs::remove_dir_all(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    std::fs::create_dir_all(dir)?;
    Ok(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_clears_a_nested_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = dir.path().join("tiles");
        assert_eq!(dir_size(&cache).expect("missing is empty"), 0);
        std::fs::create_dir_all(cache.join("content-v2/sha256/ab")).expect("mkdir");
        std::fs::write(cache.join("content-v2/sha256/ab/cd"), vec![0u8; 1500]).expect("write");
        std::fs::write(cache.join("index"), vec![0u8; 500]).expect("write");
        assert_eq!(dir_size(&cache).expect("size"), 2000);
        assert_eq!(clear_dir(&cache).expect("clear"), 2000);
        assert!(cache.is_dir(), "the folder stays");
        assert_eq!(dir_size(&cache).expect("size"), 0);
    }
}
