//! The map area exactly as shown — a screenshot of the window, cropped to the map — written
//! as PNG atomically, or put on the clipboard; and the clipboard itself, opened at the first
//! copy and kept while the app runs.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::{CorridorApp, Level, PendingExport};
use crate::io::clipboard::ImageClipboard;
use crate::io::png::save_png;

/// Where a picture of the map goes.
pub(super) enum ExportTarget {
    /// A PNG file.
    File(PathBuf),
    /// The clipboard.
    Clipboard,
}

impl CorridorApp {
    /// Request a screenshot; it goes to `to` when it arrives (a frame later).
    pub(super) fn start_export(&mut self, to: ExportTarget) {
        let slot: Arc<Mutex<Option<Arc<egui::ColorImage>>>> = Arc::default();
        let sink = Arc::clone(&slot);
        self.ctx.request_screenshot(move |image| {
            if let Ok(mut s) = sink.lock() {
                *s = Some(image);
            }
        });
        self.pending_export = Some(PendingExport { to, image: slot });
        self.ctx.request_repaint();
    }

    /// Save a screenshot that has arrived.
    pub(super) fn poll_export(&mut self) {
        let Some(pending) = &self.pending_export else {
            return;
        };
        let image = pending.image.lock().ok().and_then(|mut s| s.take());
        let Some(image) = image else {
            self.ctx.request_repaint();
            return;
        };
        if let Some(pending) = self.pending_export.take() {
            match pending.to {
                ExportTarget::File(path) => self.finish_export(&image, &path),
                ExportTarget::Clipboard => {
                    if let Some((rgba, w, h)) = self.map_pixels(&image) {
                        self.copy_image(w, h, &rgba, "the map");
                    }
                }
            }
        }
    }

    /// The map's pixels in a window screenshot, or a message that there is no map yet.
    fn map_pixels(&mut self, image: &egui::ColorImage) -> Option<(Vec<u8>, u32, u32)> {
        let Some(view) = self.last_view else {
            self.notify(
                Level::Error,
                "Export failed: the map has not been drawn yet.",
            );
            return None;
        };
        Some(crop(image, view.rect, self.ctx.pixels_per_point()))
    }

    /// Put an image on the clipboard (opened at the first copy); the outcome, naming `what`,
    /// becomes a message.
    pub(super) fn copy_image(&mut self, width: u32, height: u32, rgba: &[u8], what: &str) {
        if self.clipboard.is_none() {
            match ImageClipboard::open() {
                Ok(c) => self.clipboard = Some(c),
                Err(e) => {
                    self.notify(Level::Error, format!("Copy failed: {e}"));
                    return;
                }
            }
        }
        let Some(clipboard) = self.clipboard.as_mut() else {
            return;
        };
        match clipboard.copy_rgba(width, height, rgba) {
            Ok(()) => self.notify(
                Level::Info,
                format!(
                    "Copied {what} ({width}×{height} px) to the clipboard: paste it into a slide"
                ),
            ),
            Err(e) => self.notify(Level::Error, format!("Copy failed: {e}")),
        }
    }

    /// Crop a window screenshot to the map and save it; the outcome becomes a message.
    pub(crate) fn finish_export(&mut self, image: &egui::ColorImage, path: &std::path::Path) {
        let Some((rgba, w, h)) = self.map_pixels(image) else {
            return;
        };
        match save_png(path, w, h, &rgba) {
            Ok(()) => self.notify(
                Level::Info,
                format!("Saved the map ({w}×{h} px) to {}", path.display()),
            ),
            Err(e) => self.notify(Level::Error, format!("Export failed: {e}")),
        }
    }
}

/// Crop a window screenshot to `rect` (in points), returning RGBA bytes and the size.
pub(crate) fn crop(
    image: &egui::ColorImage,
    rect: egui::Rect,
    pixels_per_point: f32,
) -> (Vec<u8>, u32, u32) {
    let [iw, ih] = image.size;
    let x0 = ((rect.min.x * pixels_per_point).round().max(0.0) as usize).min(iw);
    let y0 = ((rect.min.y * pixels_per_point).round().max(0.0) as usize).min(ih);
    let x1 = ((rect.max.x * pixels_per_point).round().max(0.0) as usize).min(iw);
    let y1 = ((rect.max.y * pixels_per_point).round().max(0.0) as usize).min(ih);
    let (w, h) = (x1.saturating_sub(x0), y1.saturating_sub(y0));
    let mut rgba = Vec::with_capacity(w * h * 4);
    for y in y0..y1 {
        for px in &image.pixels[y * iw + x0..y * iw + x1] {
            rgba.extend_from_slice(&px.to_srgba_unmultiplied());
        }
    }
    (rgba, w as u32, h as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::view::{ScreenTransform, WorldPos};
    use crate::render::View;

    fn app_with_map_at(rect: egui::Rect) -> CorridorApp {
        let mut app = CorridorApp::for_tests();
        app.last_view = Some(View {
            transform: ScreenTransform::new(WorldPos::new(0.5, 0.5), 3.0, [0.0, 0.0]),
            rect,
            pixels_per_point: 1.0,
        });
        app
    }

    #[test]
    fn export_saves_exactly_the_map_area() {
        let rect = egui::Rect::from_min_size(egui::pos2(10.0, 20.0), egui::vec2(30.0, 40.0));
        let mut app = app_with_map_at(rect);
        let mut window = egui::ColorImage::filled([100, 100], egui::Color32::WHITE);
        window.pixels[20 * 100 + 10] = egui::Color32::RED; // the map's top-left pixel
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("map.png");
        app.finish_export(&window, &path);
        let img = image::open(&path).expect("a PNG").to_rgba8();
        assert_eq!(img.dimensions(), (30, 40));
        assert_eq!(img.get_pixel(0, 0).0, [255, 0, 0, 255]);
        assert_eq!(img.get_pixel(1, 0).0, [255, 255, 255, 255]);
        let last = app.messages.last().expect("a message");
        assert_eq!(last.level, Level::Info);
        assert!(last.text.contains("30×40"), "{}", last.text);
    }

    #[test]
    fn unwritable_export_path_is_a_message_in_the_ui() {
        let rect = egui::Rect::from_min_size(egui::pos2(0.0, 0.0), egui::vec2(8.0, 8.0));
        let mut app = app_with_map_at(rect);
        let window = egui::ColorImage::filled([16, 16], egui::Color32::WHITE);
        app.finish_export(&window, std::path::Path::new("/nonexistent-folder/map.png"));
        let last = app.messages.last().expect("a message");
        assert_eq!(last.level, Level::Error);
        assert!(
            last.text.contains("/nonexistent-folder/map.png"),
            "{}",
            last.text
        );
    }
}
