//! Images onto the system clipboard (arboard: X11, Wayland, Windows, macOS), ready to paste
//! into a slide. On X11 and Wayland the copied image is served by this process until another
//! program takes the clipboard, so the app keeps one [`ImageClipboard`] open while it runs.

use std::borrow::Cow;

/// A copy that could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ClipboardError {
    /// No clipboard to talk to: no X11 or Wayland display (a headless session), or none
    /// answers.
    #[error("No clipboard here ({0}): nothing was copied. Save the image as a file instead.")]
    Unavailable(String),
    /// The clipboard took no image.
    #[error("The clipboard did not take the image ({0}): nothing was copied.")]
    Refused(String),
    /// The pixels do not make an image of the size given.
    #[error("The image to copy is {len} bytes, not {width} × {height} RGBA pixels.")]
    BadImage {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// Bytes given.
        len: usize,
    },
}

/// The system clipboard, open for copying images.
pub struct ImageClipboard {
    inner: arboard::Clipboard,
}

impl ImageClipboard {
    /// Open the clipboard of the display this process runs on.
    pub fn open() -> Result<Self, ClipboardError> {
        if cfg!(all(unix, not(target_os = "macos")))
            && std::env::var_os("DISPLAY").is_none()
            && std::env::var_os("WAYLAND_DISPLAY").is_none()
        {
            return Err(ClipboardError::Unavailable(
                "no X11 or Wayland display".into(),
            ));
        }
        arboard::Clipboard::new()
            .map(|inner| Self { inner })
            .map_err(|e| ClipboardError::Unavailable(e.to_string()))
    }

    /// Put an image of `width` × `height` straight-alpha RGBA pixels on the clipboard (offered
    /// to other programs as PNG).
    pub fn copy_rgba(
        &mut self,
        width: u32,
        height: u32,
        rgba: &[u8],
    ) -> Result<(), ClipboardError> {
        if rgba.len() != width as usize * height as usize * 4 || width == 0 || height == 0 {
            return Err(ClipboardError::BadImage {
                width,
                height,
                len: rgba.len(),
            });
        }
        self.inner
            .set_image(arboard::ImageData {
                width: width as usize,
                height: height as usize,
                bytes: Cow::Borrowed(rgba),
            })
            .map_err(|e| ClipboardError::Refused(e.to_string()))
    }
}
