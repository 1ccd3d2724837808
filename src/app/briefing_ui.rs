//! File → Export briefing image…: title, subtitle, size, scale and what to show, with a live
//! preview rendered by the same code as the saved image (and the command line).

use std::hash::{Hash, Hasher};

use egui::{RichText, Ui};

use super::{Command, CorridorApp, Level};
use crate::export::compose::attribution_lines;
use crate::export::deck::{DeckPage, OutputFormat, VECTOR_DETAIL_SCALE, write_deck};
use crate::export::{BriefingRequest, MAX_SIDE_PX, render_briefing, today};
use crate::io::png::save_png;
use crate::model::layout::Composition;
use crate::model::views::ViewSpec;
use crate::render::Scene;
use crate::tiles::source::TileSourceSpec;

/// Output size presets, in pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SizePreset {
    /// The window's size (times the scale).
    Window,
    /// A 16:9 slide.
    Slide1080,
    /// A4 landscape at 150 dpi.
    A4At150,
    /// A4 landscape at 300 dpi.
    A4At300,
    /// Given by the user.
    Custom,
}

impl SizePreset {
    const ALL: [Self; 5] = [
        Self::Window,
        Self::Slide1080,
        Self::A4At150,
        Self::A4At300,
        Self::Custom,
    ];

    fn label(self) -> &'static str {
        match self {
            Self::Window => "Current window",
            Self::Slide1080 => "Slide, 1920 × 1080",
            Self::A4At150 => "A4 landscape, 150 dpi",
            Self::A4At300 => "A4 landscape, 300 dpi",
            Self::Custom => "Custom",
        }
    }
}

/// The dialog's settings and its preview.
pub struct BriefingDialog {
    /// What the page shows.
    pub composition: Composition,
    /// Output size preset.
    pub preset: SizePreset,
    /// Custom output size, pixels.
    pub custom_px: [u32; 2],
    /// Pixels per point, 1–4: how large text and lines are drawn.
    pub scale: u8,
    /// The area to show: the map's view when the dialog opened.
    pub view: ViewSpec,
    /// Tiles under the layers (the app's tile basemap), or the offline basemap.
    pub tiles: Option<TileSourceSpec>,
    /// With tiles: the offline basemap's boundaries and labels over them, as on screen.
    pub hybrid: bool,
    /// With tiles: their opacity, as on screen.
    pub tile_opacity: f32,
    /// Without tiles: the vector pack giving the offline atlas its OpenStreetMap detail.
    pub detail: Option<std::path::PathBuf>,
    /// The map scale as typed ("1:2,000,000"; empty: the view fitted).
    pub map_scale_text: String,
    /// Why the last preview could not be drawn.
    preview_error: Option<String>,
    window_pt: [f32; 2],
    preview: Option<(egui::TextureHandle, u64)>,
    pending: Option<(u64, f64)>,
}

impl BriefingDialog {
    pub(super) fn new(
        view: ViewSpec,
        tiles: Option<TileSourceSpec>,
        window_pt: [f32; 2],
        subtitle: String,
        title: &str,
    ) -> Self {
        Self {
            composition: Composition {
                title: if title.is_empty() {
                    "CPEC phase two".into()
                } else {
                    title.to_string()
                },
                subtitle,
                ..Composition::default()
            },
            preset: SizePreset::Slide1080,
            custom_px: [1600, 1000],
            scale: 2,
            view,
            tiles,
            hybrid: false,
            tile_opacity: 1.0,
            detail: None,
            map_scale_text: String::new(),
            preview_error: None,
            window_pt,
            preview: None,
            pending: None,
        }
    }

    /// The output size in pixels.
    pub fn size_px(&self) -> [u32; 2] {
        let s = u32::from(self.scale);
        match self.preset {
            SizePreset::Window => [self.window_pt[0] as u32 * s, self.window_pt[1] as u32 * s],
            SizePreset::Slide1080 => [1920, 1080],
            SizePreset::A4At150 => [1754, 1240],
            SizePreset::A4At300 => [3508, 2480],
            SizePreset::Custom => self.custom_px,
        }
    }

    /// The request for the saved image (or, with another scale, its preview).
    pub fn request(&self, scale: f32) -> BriefingRequest {
        let [w, h] = self.size_px();
        let s = f32::from(self.scale);
        let page_pt = [w as f32 / s, h as f32 / s];
        BriefingRequest {
            view: self.view,
            size_pt: page_pt,
            scale,
            composition: self.composition.clone(),
            attribution: attribution_lines(self.tiles.as_ref(), self.hybrid, self.tile_opacity),
            date: today(),
            tiles: self.tiles.clone(),
            detail: self.detail.clone(),
            hybrid: self.hybrid,
            tile_opacity: self.tile_opacity,
        }
    }

    fn key(&self) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        format!("{:?}{:?}{}", self.composition, self.size_px(), self.scale).hash(&mut h);
        h.finish()
    }
}

/// Width of the preview, in points.
const PREVIEW_W: f32 = 560.0;
/// How long the preview waits for online tiles.
const PREVIEW_TILE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);
/// How long saving waits for online tiles.
pub(super) const SAVE_TILE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

pub(super) fn briefing_ui(app: &mut CorridorApp, ctx: &egui::Context, commands: &mut Vec<Command>) {
    let scene = Scene {
        basemap: &app.basemap,
        layers: &app.layers,
        categories: app.categories.as_ref(),
        labels: app.label_language,
    };
    let Some(dialog) = app.briefing.as_mut() else {
        return;
    };
    let mut open = true;
    egui::Window::new("Export briefing image")
        .open(&mut open)
        .resizable(false)
        .collapsible(false)
        .default_pos(egui::pos2(120.0, 60.0))
        .show(ctx, |ui| {
            ui.horizontal_top(|ui| {
                ui.vertical(|ui| settings_ui(dialog, ui));
                ui.add_space(12.0);
                ui.vertical(|ui| preview_ui(dialog, &scene, ui));
            });
            ui.separator();
            ui.horizontal(|ui| {
                let [w, h] = dialog.size_px();
                let too_large = w > MAX_SIDE_PX || h > MAX_SIDE_PX || w < 200 || h < 150;
                for command in [
                    Command::SaveBriefing(OutputFormat::Png),
                    Command::SaveBriefing(OutputFormat::Pdf),
                    Command::SaveBriefing(OutputFormat::Svg),
                    Command::CopyBriefing,
                ] {
                    let button = ui.add_enabled(!too_large, egui::Button::new(command.label()));
                    if button.on_hover_text(command.tooltip()).clicked() {
                        commands.push(command);
                    }
                }
                if ui.button("Cancel").clicked() {
                    commands.push(Command::CloseBriefingDialog);
                }
                if too_large {
                    ui.colored_label(
                        ui.visuals().error_fg_color,
                        format!("Each side must be 200–{MAX_SIDE_PX} px."),
                    );
                }
            });
        });
    if !open {
        commands.push(Command::CloseBriefingDialog);
    }
}

fn settings_ui(d: &mut BriefingDialog, ui: &mut Ui) {
    egui::Grid::new("briefing_settings").num_columns(2).spacing([8.0, 6.0]).show(ui, |ui| {
        let label = ui.label("Title");
        ui.text_edit_singleline(&mut d.composition.title).labelled_by(label.id);
        ui.end_row();
        let label = ui.label("Subtitle");
        ui.text_edit_multiline(&mut d.composition.subtitle).labelled_by(label.id);
        ui.end_row();
        let label = ui.label("Size");
        egui::ComboBox::from_id_salt("briefing_size")
            .selected_text(d.preset.label())
            .show_ui(ui, |ui| {
                for p in SizePreset::ALL {
                    ui.selectable_value(&mut d.preset, p, p.label());
                }
            })
            .response
            .labelled_by(label.id);
        ui.end_row();
        if d.preset == SizePreset::Custom {
            ui.label("Pixels");
            ui.horizontal(|ui| {
                ui.add(egui::DragValue::new(&mut d.custom_px[0]).range(200..=MAX_SIDE_PX).suffix(" px"));
                ui.label("×");
                ui.add(egui::DragValue::new(&mut d.custom_px[1]).range(150..=MAX_SIDE_PX).suffix(" px"));
            });
            ui.end_row();
        }
        ui.label("Scale");
        ui.add(egui::Slider::new(&mut d.scale, 1..=4).suffix("×"))
            .on_hover_text("How large text and lines are drawn: 2× for slides on HiDPI screens, 3–4× for print");
        ui.end_row();
        ui.label("");
        let [w, h] = d.size_px();
        ui.label(RichText::new(format!("{w} × {h} px, page {} × {} pt", w / u32::from(d.scale), h / u32::from(d.scale))).weak());
        ui.end_row();
        ui.label("Show");
        ui.vertical(|ui| {
            let c = &mut d.composition;
            ui.checkbox(&mut c.legend, "Legend");
            ui.checkbox(&mut c.scale_bar, "Scale bar");
            ui.checkbox(&mut c.north_arrow, "North arrow");
            ui.checkbox(&mut c.attribution, "Attribution and sources");
            ui.checkbox(&mut c.disclaimer, "Disclaimer");
            ui.checkbox(&mut c.date, "Date");
        });
        ui.end_row();
        let label = ui.label("Classification");
        ui.add(egui::TextEdit::singleline(&mut d.composition.classification).hint_text("e.g. RESTRICTED (top and bottom)"))
            .labelled_by(label.id);
        ui.end_row();
        // A fixed scale for print, exact at the map's centre; empty: the view fitted.
        let label = ui.label("Map scale");
        ui.vertical(|ui| {
            ui.add(egui::TextEdit::singleline(&mut d.map_scale_text).hint_text("fitted, or e.g. 1:2,000,000"))
                .labelled_by(label.id);
            let typed = d.map_scale_text.trim();
            d.composition.map_scale = crate::model::print_scale::parse_scale(typed);
            if !typed.is_empty() && d.composition.map_scale.is_none() {
                ui.colored_label(ui.visuals().error_fg_color, "Write a scale from 1:1,000 to 1:100,000,000.");
            }
        });
        ui.end_row();
    });
}

fn preview_ui(d: &mut BriefingDialog, scene: &Scene<'_>, ui: &mut Ui) {
    let key = d.key();
    let now = ui.input(|i| i.time);
    let stale = d.preview.as_ref().is_none_or(|(_, k)| *k != key);
    if stale {
        // Re-render once the settings have stopped changing for a moment (typing a title).
        let since = match d.pending {
            Some((k, t)) if k == key => now - t,
            _ => {
                d.pending = Some((key, now));
                0.0
            }
        };
        if d.preview.is_none() || since >= 0.3 {
            let request = d.request(1.0);
            let preview_scale = (PREVIEW_W / request.size_pt[0]).min(1.0);
            let preview_request = BriefingRequest {
                scale: preview_scale,
                ..request
            };
            match render_briefing(scene, &preview_request, PREVIEW_TILE_TIMEOUT) {
                Ok(image) => {
                    let size = [image.width as usize, image.height as usize];
                    let color = egui::ColorImage::from_rgba_unmultiplied(size, &image.rgba);
                    let texture = ui.ctx().load_texture(
                        "briefing_preview",
                        color,
                        egui::TextureOptions::LINEAR,
                    );
                    d.preview = Some((texture, key));
                    d.preview_error = None;
                }
                Err(e) => d.preview_error = Some(e.to_string()),
            }
            d.pending = None;
        } else {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(320));
        }
    }
    if let Some(e) = &d.preview_error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
    if let Some((texture, _)) = &d.preview {
        let size = texture.size_vec2();
        let fit = (PREVIEW_W / size.x).min(1.0);
        ui.add(egui::Image::new((texture.id(), size * fit)).bg_fill(egui::Color32::WHITE));
        ui.label(RichText::new("Preview: the saved image is drawn at full resolution.").weak());
    }
}

impl CorridorApp {
    /// The tiles under the map, for an export drawn as the screen is (`None`: the offline
    /// atlas).
    pub(super) fn tile_spec(&self) -> Option<TileSourceSpec> {
        match &self.basemap_source {
            super::BasemapSource::OfflineAtlas => None,
            super::BasemapSource::Tiles(spec) => Some(spec.clone()),
            super::BasemapSource::Pack(path) => self
                .pack_meta(path)
                .map(|meta| TileSourceSpec::for_pack(path, meta)),
        }
    }

    /// Open the dialog on the map's current view.
    pub(super) fn open_briefing_dialog(&mut self) {
        let Some(view) = self.last_view else { return };
        let window = self.ctx.content_rect().size();
        let subtitle = crate::model::legend::default_subtitle(&self.layers, self.label_language);
        let tiles = self.tile_spec();
        let mut dialog = BriefingDialog::new(
            ViewSpec::Fit(view.visible_world(0.0)),
            tiles,
            [window.x, window.y],
            subtitle,
            &self.view_title(),
        );
        // The export draws the map as the screen does.
        dialog.hybrid = self.hybrid;
        dialog.tile_opacity = self.tile_opacity;
        dialog.detail = self.detail_pack.clone();
        self.briefing = Some(dialog);
    }

    /// Render the composed image at full resolution (a message says why not).
    fn render_full(&mut self) -> Option<crate::export::RenderedImage> {
        let dialog = self.briefing.as_ref()?;
        let request = dialog.request(f32::from(dialog.scale));
        let scene = Scene {
            basemap: &self.basemap,
            layers: &self.layers,
            categories: self.categories.as_ref(),
            labels: self.label_language,
        };
        match render_briefing(&scene, &request, SAVE_TILE_TIMEOUT) {
            Ok(image) => Some(image),
            Err(e) => {
                self.notify(Level::Error, format!("Export failed: {e}"));
                None
            }
        }
    }

    /// Render the composed image at full resolution and put it on the clipboard; the dialog
    /// stays open (to save it too).
    pub(super) fn copy_briefing(&mut self) {
        if let Some(image) = self.render_full() {
            self.copy_image(image.width, image.height, &image.rgba, "the briefing image");
        }
    }

    /// Render the composed page at full resolution and save it: a PNG, or (for a `.pdf` or
    /// `.svg` path) a vector page drawn by the deck writer, as the command line does.
    pub(super) fn save_briefing(&mut self, path: &std::path::Path) {
        let format = OutputFormat::of(path);
        if format != OutputFormat::Png {
            let Some(dialog) = self.briefing.as_ref() else {
                return;
            };
            let page = DeckPage {
                request: dialog.request(VECTOR_DETAIL_SCALE),
                out: path.to_path_buf(),
            };
            let title = page.request.composition.title.clone();
            let scene = Scene {
                basemap: &self.basemap,
                layers: &self.layers,
                categories: self.categories.as_ref(),
                labels: self.label_language,
            };
            match write_deck(
                &scene,
                &[page],
                format,
                &title,
                SAVE_TILE_TIMEOUT,
                &mut |_| true,
            ) {
                Ok(_) => {
                    self.notify(
                        Level::Info,
                        format!("Saved the briefing page to {}", path.display()),
                    );
                    self.briefing = None;
                }
                Err(e) => self.notify(Level::Error, format!("Export failed: {e}")),
            }
            return;
        }
        let Some(image) = self.render_full() else {
            return;
        };
        match save_png(path, image.width, image.height, &image.rgba) {
            Ok(()) => {
                self.notify(
                    Level::Info,
                    format!(
                        "Saved the briefing image ({}×{} px) to {}",
                        image.width,
                        image.height,
                        path.display()
                    ),
                );
                self.briefing = None;
            }
            Err(e) => self.notify(Level::Error, format!("Export failed: {e}")),
        }
    }
}
