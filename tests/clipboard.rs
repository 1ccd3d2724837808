//! Copying an image to the system clipboard, read back by a real client (xclip) from a real X
//! server (Xvfb), as a paste into a slide would read it; and a clear refusal with no display.

use std::process::Command;
use std::time::Instant;

use corridor_viewer::io::clipboard::{ClipboardError, ImageClipboard};

/// The display to copy on: `CORRIDOR_VIEWER_CLIPBOARD_DISPLAY` (set by `.ci/run`, which starts
/// Xvfb for it), else this session's own, if xclip is there to read it back.
fn display() -> Option<String> {
    let required = std::env::var("CORRIDOR_VIEWER_CLIPBOARD_DISPLAY").ok();
    let display = required.clone().or_else(|| std::env::var("DISPLAY").ok());
    let xclip = Command::new("xclip").arg("-version").output().is_ok();
    assert!(
        required.is_none() || xclip,
        "CORRIDOR_VIEWER_CLIPBOARD_DISPLAY is set but xclip is missing"
    );
    display.filter(|_| xclip)
}

#[test]
fn a_copied_image_is_pasted_whole_and_with_no_display_the_copy_is_refused_clearly() {
    let display = display();
    // SAFETY: this test binary runs this one test, on one thread, before any clipboard opens.
    unsafe {
        std::env::remove_var("DISPLAY");
        std::env::remove_var("WAYLAND_DISPLAY");
    }
    match ImageClipboard::open() {
        Err(e @ ClipboardError::Unavailable(_)) => {
            let text = e.to_string();
            assert!(
                text.contains("No clipboard here") && text.contains("nothing was copied"),
                "{text}"
            );
        }
        Err(e) => panic!("the wrong error without a display: {e}"),
        Ok(_) => panic!("a clipboard opened with no display"),
    }
    let Some(display) = display else {
        eprintln!("no X display with xclip here: the paste is not checked");
        return;
    };
    // SAFETY: as above; no other thread reads the environment.
    unsafe { std::env::set_var("DISPLAY", &display) };
    let mut clipboard = ImageClipboard::open().expect("the X server's clipboard");
    // A briefing-sized image: 1920 × 1080, a gradient with a red corner to tell rows apart.
    let (w, h) = (1920_u32, 1080_u32);
    let mut rgba = Vec::with_capacity((w * h * 4) as usize);
    for y in 0..h {
        for x in 0..w {
            let red = x < 10 && y < 10;
            rgba.extend_from_slice(&[
                if red { 255 } else { (x % 256) as u8 },
                if red { 0 } else { (y % 256) as u8 },
                if red { 0 } else { 128 },
                255,
            ]);
        }
    }
    let started = Instant::now();
    clipboard.copy_rgba(w, h, &rgba).expect("copied");
    let copy_s = started.elapsed().as_secs_f64();
    // The paste: the PNG made and handed over to another program.
    let pasted = Command::new("xclip")
        .args(["-selection", "clipboard", "-t", "image/png", "-o"])
        .env("DISPLAY", &display)
        .output()
        .expect("xclip runs");
    assert!(
        pasted.status.success(),
        "{}",
        String::from_utf8_lossy(&pasted.stderr)
    );
    let paste_s = started.elapsed().as_secs_f64();
    let img = image::load_from_memory(&pasted.stdout)
        .expect("a PNG")
        .to_rgba8();
    assert_eq!(img.dimensions(), (w, h), "the image arrives whole");
    assert_eq!(img.get_pixel(0, 0).0, [255, 0, 0, 255]);
    assert_eq!(
        img.get_pixel(1000, 500).0,
        [(1000 % 256) as u8, (500 % 256) as u8, 128, 255]
    );
    println!(
        "1920 × 1080: copied in {copy_s:.3} s, pasted by xclip {paste_s:.3} s after the copy began"
    );
    // The budget is for the release build (a debug build encodes the PNG far slower).
    if !cfg!(debug_assertions) {
        assert!(paste_s <= 1.0, "copy and paste took {paste_s:.2} s");
    }
    // A size that does not match its pixels is refused, not copied.
    assert!(matches!(
        clipboard.copy_rgba(10, 10, &rgba[..16]),
        Err(ClipboardError::BadImage { .. })
    ));
}
