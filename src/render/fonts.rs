//! The fonts every text is drawn with — UI, map labels, exports: egui's Latin fonts first, then
//! Noto Sans for the rest of Latin, Greek and Cyrillic and one Noto font per script users' data
//! holds (Arabic and Urdu, Devanagari, Bengali, Hebrew, Thai, Chinese with Japanese kana and
//! Korean Hangul), then egui's icons and emoji. Compiled
//! in (`assets/fonts/`, OFL 1.1), so no font on the system is needed and the screen and an
//! export draw the same glyphs.
//!
//! egui 0.37 shapes each run of one font with harfrust (Arabic joins, Indic clusters) and
//! guesses its direction from its script; the order of runs in right-to-left text is
//! [`super::bidi`]'s.

use std::sync::Arc;

use egui::{FontData, FontDefinitions, FontFamily};

/// The script fonts, in fallback order, with their names in the definitions.
const SCRIPT_FONTS: [(&str, &[u8]); 7] = [
    // Latin, Greek and Cyrillic beyond Ubuntu's: transliterations such as "Shīnḏanḏ".
    (
        "NotoSans",
        include_bytes!("../../assets/fonts/NotoSans-Regular.ttf"),
    ),
    (
        "NotoNaskhArabic",
        include_bytes!("../../assets/fonts/NotoNaskhArabic-Regular.ttf"),
    ),
    (
        "NotoSansDevanagari",
        include_bytes!("../../assets/fonts/NotoSansDevanagari-Regular.ttf"),
    ),
    (
        "NotoSansBengali",
        include_bytes!("../../assets/fonts/NotoSansBengali-Regular.ttf"),
    ),
    (
        "NotoSansHebrew",
        include_bytes!("../../assets/fonts/NotoSansHebrew-Regular.ttf"),
    ),
    (
        "NotoSansThai",
        include_bytes!("../../assets/fonts/NotoSansThai-Regular.ttf"),
    ),
    (
        "NotoSansCJKsc",
        include_bytes!("../../assets/fonts/NotoSansCJKsc-Subset.otf"),
    ),
];

/// egui's fonts with the script fonts behind each family's Latin fonts (before the icons).
pub fn definitions() -> FontDefinitions {
    let mut defs = FontDefinitions::default();
    for (name, bytes) in SCRIPT_FONTS {
        defs.font_data
            .insert(name.to_owned(), Arc::new(FontData::from_static(bytes)));
    }
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        let Some(list) = defs.families.get_mut(&family) else {
            continue;
        };
        // After the last text font egui lists (Ubuntu Light, or Hack then Ubuntu Light).
        let at = list
            .iter()
            .rposition(|n| n == "Ubuntu-Light" || n == "Hack")
            .map_or(0, |i| i + 1);
        for (i, (name, _)) in SCRIPT_FONTS.iter().enumerate() {
            list.insert(at + i, (*name).to_owned());
        }
    }
    defs
}

/// Give `ctx` the fonts (from its next pass on).
pub fn install(ctx: &egui::Context) {
    ctx.set_fonts(definitions());
}

/// One line of text as a label draws it (in visual order, [`super::bidi::visual`]), black on
/// white, `size_px` pixels high, rasterised on the CPU as exports are: the pixels' grey levels
/// row by row, and the width and height. For comparing the app's text with a reference
/// shaper's.
pub fn rasterise_line(text: &str, size_px: f32) -> (Vec<u8>, usize, usize) {
    let ctx = egui::Context::default();
    ctx.set_visuals(egui::Visuals::light());
    install(&ctx);
    let shown = super::bidi::visual(text).into_owned();
    let font = egui::FontId::proportional(size_px);
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(4096.0, size_px * 3.0));
    let input = egui::RawInput {
        screen_rect: Some(screen),
        ..Default::default()
    };
    let mut textures = super::raster::mesh::Textures::default();
    let mut shapes = Vec::new();
    let mut width = 0.0_f32;
    // The first pass loads the fonts, the second draws with them.
    for _ in 0..2 {
        let mut output = ctx.run_ui(input.clone(), |ui| {
            let galley =
                ui.painter()
                    .layout_no_wrap(shown.clone(), font.clone(), egui::Color32::BLACK);
            width = galley.size().x;
            ui.painter()
                .galley(egui::pos2(size_px, size_px), galley, egui::Color32::BLACK);
        });
        textures.apply(&mut output.textures_delta);
        shapes = output.shapes;
    }
    let primitives = ctx.tessellate(shapes, 1.0);
    let (w, h) = (
        (width + 2.0 * size_px).ceil() as usize,
        (size_px * 3.0) as usize,
    );
    let mut rgba = vec![0_u8; w * h * 4];
    super::raster::mesh::draw_in_bands(
        &primitives,
        1.0,
        &textures,
        ([0, 0], [w, h], egui::Color32::WHITE),
        &|| false,
        &mut rgba,
        |canvas, out| canvas.write_rgba8(out),
    );
    let grey = rgba.chunks_exact(4).map(|p| p[0]).collect();
    (grey, w, h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_script_font_is_behind_the_latin_ones_and_before_the_icons() {
        let defs = definitions();
        let list = &defs.families[&FontFamily::Proportional];
        assert_eq!(list[0], "Ubuntu-Light");
        assert_eq!(list[1], "NotoSans");
        assert_eq!(list[2], "NotoNaskhArabic");
        assert_eq!(list[7], "NotoSansCJKsc");
        assert_eq!(list[8], "egui-icons");
        let mono = &defs.families[&FontFamily::Monospace];
        assert_eq!(&mono[..3], ["Hack", "Ubuntu-Light", "NotoSans"]);
    }
}
