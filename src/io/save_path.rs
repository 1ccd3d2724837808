//! Where a saved image goes when the user has not said: a file name made from the title and
//! today's date, in the Pictures folder (made if missing), else the home folder.

use std::path::{Path, PathBuf};

/// Characters no file name may hold on one of the systems users carry files between (Windows
/// is the strictest), and control characters.
fn is_unsafe_in_file_name(c: char) -> bool {
    matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control()
}

/// A file name from a title and a date (`YYYY-MM-DD`): "Gwadar — CPEC's southern gateway
/// 2026-12-01.png". Characters a file system refuses become spaces, runs of spaces one, and a
/// title of nothing usable becomes `fallback`. Over 120 characters the title is cut (at a
/// character, not a byte).
pub fn file_name_from_title(title: &str, fallback: &str, date: &str, extension: &str) -> String {
    let cleaned: String = title
        .chars()
        .map(|c| if is_unsafe_in_file_name(c) { ' ' } else { c })
        .collect();
    let mut words: Vec<&str> = cleaned.split_whitespace().collect();
    // Leading dots would hide the file on Unix.
    while words
        .first()
        .is_some_and(|w| w.trim_start_matches('.').is_empty())
    {
        words.remove(0);
    }
    let mut stem = words.join(" ");
    stem = stem.trim_start_matches('.').to_string();
    if stem.is_empty() {
        stem = fallback.to_string();
    }
    if stem.chars().count() > 120 {
        stem = stem
            .chars()
            .take(120)
            .collect::<String>()
            .trim_end()
            .to_string();
    }
    format!("{stem} {date}.{extension}")
}

/// `name` in `dir`, or, if a file of that name is there, "name (2).ext", "name (3).ext"…: a
/// name offered by default never replaces a file.
pub fn unused_in(dir: &Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) => (s, format!(".{e}")),
        None => (name, String::new()),
    };
    (2..)
        .map(|n| dir.join(format!("{stem} ({n}){ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// The folder images are saved in by default: the user's Pictures folder (the XDG one where it
/// is set, else `~/Pictures`), made if it does not exist; the home folder if it cannot be; the
/// current folder when there is no home.
pub fn default_image_dir() -> PathBuf {
    let home = dirs::home_dir();
    let pictures = dirs::picture_dir().or_else(|| home.as_ref().map(|h| h.join("Pictures")));
    if let Some(dir) = pictures {
        match std::fs::create_dir_all(&dir) {
            Ok(()) => return dir,
            Err(e) => log::warn!("{}: cannot make the folder: {e}", dir.display()),
        }
    }
    home.unwrap_or_else(|| PathBuf::from("."))
}

/// Today's date where the user is, `YYYY-MM-DD` (UTC if the time zone cannot be read).
pub fn today() -> String {
    let tz = jiff::tz::TimeZone::try_system().unwrap_or(jiff::tz::TimeZone::UTC);
    tz.to_datetime(jiff::Timestamp::now()).date().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_becomes_a_readable_file_name() {
        assert_eq!(
            file_name_from_title(
                "Gwadar — CPEC's southern gateway",
                "Map",
                "2026-12-01",
                "png"
            ),
            "Gwadar — CPEC's southern gateway 2026-12-01.png"
        );
        // Slashes, colons and new lines would make a path or be refused.
        assert_eq!(
            file_name_from_title(
                "ML-1: Karachi/Peshawar\nupgrade",
                "Map",
                "2026-12-01",
                "png"
            ),
            "ML-1 Karachi Peshawar upgrade 2026-12-01.png"
        );
        assert_eq!(
            file_name_from_title(" ../ ", "Corridor map", "2026-12-01", "png"),
            "Corridor map 2026-12-01.png"
        );
        let long = "گوادر ".repeat(40);
        let name = file_name_from_title(&long, "Map", "2026-12-01", "png");
        assert!(
            name.chars().count() <= 120 + " 2026-12-01.png".len(),
            "{name}"
        );
        assert!(name.starts_with("گوادر"));
    }

    #[test]
    fn a_default_name_never_replaces_a_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let name = "Gwadar 2026-12-01.png";
        assert_eq!(unused_in(dir.path(), name), dir.path().join(name));
        std::fs::write(dir.path().join(name), b"x").expect("write");
        assert_eq!(
            unused_in(dir.path(), name),
            dir.path().join("Gwadar 2026-12-01 (2).png")
        );
        std::fs::write(dir.path().join("Gwadar 2026-12-01 (2).png"), b"x").expect("write");
        assert_eq!(
            unused_in(dir.path(), name),
            dir.path().join("Gwadar 2026-12-01 (3).png")
        );
    }

    #[test]
    fn today_is_an_iso_date() {
        let d = today();
        assert_eq!(d.len(), 10, "{d}");
        assert!(d.starts_with("20"), "{d}");
        assert_eq!(&d[4..5], "-");
        assert_eq!(&d[7..8], "-");
    }
}
