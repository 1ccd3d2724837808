//! The glyphs of an egui galley, for vector pages. A galley keeps each character's position
//! but not the font face or glyph id it was drawn with; this finds them again the way egui
//! 0.37 found them — each grapheme in the first face of the family's fallback list that has
//! all its characters, runs of one face and one text format shaped by harfrust — with the
//! same fonts ([`crate::render::fonts::definitions`]), so the glyphs are egui's own.
//!
//! Where a run's glyphs are one per character (Latin, Chinese), each glyph is placed where
//! egui placed its character (letter spacing and pixel snapping included); where shaping
//! joins or splits them (Arabic, Indic scripts), the run is set from its left edge with the
//! shaper's advances, as egui set it.

use std::ops::Range;
use std::sync::OnceLock;

use egui::{Color32, FontFamily, Galley};
use skrifa::MetadataProvider;
use unicode_segmentation::UnicodeSegmentation;

use super::vector::Paint;

/// A font face of the fallback lists.
pub struct Face {
    /// Its name in egui's font definitions, e.g. "NotoNaskhArabic".
    pub name: String,
    /// The font file.
    pub bytes: &'static [u8],
    /// The face's index in the file.
    pub index: u32,
    /// egui's size tweak for it (1 for most).
    scale: f32,
    units_per_em: f32,
    font: skrifa::FontRef<'static>,
    shaper_data: harfrust::ShaperData,
}

impl Face {
    fn has(&self, c: char) -> bool {
        self.font.charmap().map(c).is_some_and(|g| g.to_u32() != 0)
    }

    /// A glyph's outline as SVG path data, in font units (y up); `None` for a glyph with no
    /// outline (a space).
    pub fn outline_svg(&self, id: u16) -> Option<String> {
        let glyph = self
            .font
            .outline_glyphs()
            .get(skrifa::GlyphId::new(u32::from(id)))?;
        let mut pen = skrifa::outline::pen::SvgPen::new();
        glyph
            .draw(
                skrifa::outline::DrawSettings::unhinted(
                    skrifa::instance::Size::unscaled(),
                    skrifa::instance::LocationRef::default(),
                ),
                &mut pen,
            )
            .ok()?;
        let d = pen.to_string();
        (!d.is_empty()).then_some(d)
    }

    /// Font units per em.
    pub fn units_per_em(&self) -> f32 {
        self.units_per_em
    }
}

/// The faces, and each family's fallback order.
pub struct Faces {
    /// Every face, once.
    pub faces: Vec<Face>,
    proportional: Vec<usize>,
    monospace: Vec<usize>,
}

/// A glyph placed on the page.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacedGlyph {
    /// Its id in its face.
    pub id: u16,
    /// Its pen position (left edge of its advance), in page points.
    pub x_pt: f32,
    /// How far the shaper raised it above the baseline, in points.
    pub rise_pt: f32,
    /// Its advance, in points.
    pub advance_pt: f32,
    /// The bytes of the run's text it shows (its cluster).
    pub text_range: Range<usize>,
}

/// Glyphs of one face, size and colour on one baseline, with the text they show.
#[derive(Clone, Debug, PartialEq)]
pub struct GlyphRun {
    /// Index into [`Faces::faces`].
    pub face: usize,
    /// The em size, in points.
    pub size_pt: f32,
    /// Its colour (`None`: not drawn).
    pub paint: Option<Paint>,
    /// The baseline, in page points.
    pub baseline_pt: f32,
    /// Left to right.
    pub glyphs: Vec<PlacedGlyph>,
    /// The text, in the order egui was given it.
    pub text: String,
    /// Whether it is the label's text (selectable, searchable), not a copy drawn as its halo
    /// (drawn as outlines, so a reader finds each label once).
    pub is_text: bool,
}

impl GlyphRun {
    /// The run moved by `by` points.
    pub fn moved(&self, by: egui::Vec2) -> Self {
        let mut run = self.clone();
        run.baseline_pt += by.y;
        for g in &mut run.glyphs {
            g.x_pt += by.x;
        }
        run
    }
}

impl Faces {
    /// The app's fonts (built once).
    pub fn get() -> &'static Faces {
        static FACES: OnceLock<Faces> = OnceLock::new();
        FACES.get_or_init(Faces::build)
    }

    fn build() -> Faces {
        let defs = crate::render::fonts::definitions();
        let mut faces: Vec<Face> = Vec::new();
        let mut order = |family: &FontFamily| -> Vec<usize> {
            let names = defs.families.get(family).cloned().unwrap_or_default();
            names
                .iter()
                .filter_map(|name| {
                    if let Some(i) = faces.iter().position(|f| &f.name == name) {
                        return Some(i);
                    }
                    let data = defs.font_data.get(name)?;
                    // Kept for the process's life (the faces are built once).
                    let kept: &'static _ = Box::leak(Box::new(data.font.clone()));
                    let bytes: &'static [u8] = (**kept).as_ref();
                    let font = skrifa::FontRef::from_index(bytes, data.index).ok()?;
                    let units_per_em = font
                        .metrics(
                            skrifa::instance::Size::unscaled(),
                            skrifa::instance::LocationRef::default(),
                        )
                        .units_per_em;
                    let shaper_data = harfrust::ShaperData::new(&font);
                    faces.push(Face {
                        name: name.clone(),
                        bytes,
                        index: data.index,
                        scale: data.tweak.scale,
                        units_per_em: f32::from(units_per_em.max(1)),
                        font,
                        shaper_data,
                    });
                    Some(faces.len() - 1)
                })
                .collect()
        };
        let proportional = order(&FontFamily::Proportional);
        let monospace = order(&FontFamily::Monospace);
        Faces {
            faces,
            proportional,
            monospace,
        }
    }

    /// The first face of `family` with every character of `cluster` (else its first).
    fn resolve(&self, family: &FontFamily, cluster: &str) -> usize {
        let list = match family {
            FontFamily::Monospace => &self.monospace,
            _ => &self.proportional,
        };
        list.iter()
            .copied()
            .find(|&i| cluster.chars().all(|c| self.faces[i].has(c)))
            .or_else(|| list.first().copied())
            .unwrap_or(0)
    }
}

/// A character of a run, where egui drew it.
struct RowChar {
    x_pt: f32,
    baseline_pt: f32,
}

/// The glyph runs of a galley drawn at the page's origin, in points (`fallback_color` for
/// text of no colour of its own); [`GlyphRun::moved`] puts them where a shape draws it.
///
/// A galley's rows keep a glyph per character for left-to-right text, but a right-to-left
/// run comes out in visual order with extra zero-width glyphs after it, so the text of a row
/// is taken from the job: a paragraph laid out in one row is its text exactly; one egui
/// wrapped is cut after each row's glyph count (egui wraps the app's left-to-right text; a
/// right-to-left paragraph is broken into lines by the app before egui sees it).
pub fn galley_runs(galley: &Galley, fallback_color: Color32, faces: &Faces) -> Vec<GlyphRun> {
    let text = galley.job.text.as_str();
    let mut runs = Vec::new();
    let mut rows = galley.rows.iter().peekable();
    let mut para_start = 0;
    while rows.peek().is_some() {
        // The rows of one paragraph: up to one ending in a newline, or the last.
        let mut para_rows = Vec::new();
        for row in rows.by_ref() {
            para_rows.push(row);
            if row.ends_with_newline {
                break;
            }
        }
        let para_end = text[para_start..]
            .find('\n')
            .map_or(text.len(), |i| para_start + i);
        let mut start = para_start;
        for (i, row) in para_rows.iter().enumerate() {
            let end = if i + 1 == para_rows.len() {
                para_end
            } else {
                text[start..para_end]
                    .char_indices()
                    .nth(row.glyphs.len())
                    .map_or(para_end, |(b, _)| start + b)
            };
            row_runs(galley, fallback_color, row, start..end, faces, &mut runs);
            start = end;
        }
        para_start = (para_end + 1).min(text.len());
    }
    runs
}

/// The runs of one row (its text: `range` of the job's): graphemes grouped by face and
/// format, each shaped and placed over the row's glyphs of it.
fn row_runs(
    galley: &Galley,
    fallback_color: Color32,
    row: &egui::epaint::text::PlacedRow,
    range: Range<usize>,
    faces: &Faces,
    out: &mut Vec<GlyphRun>,
) {
    let job = &galley.job;
    let text = &job.text[range.clone()];
    let origin = row.pos;
    let section_at = |byte: usize| {
        job.sections
            .iter()
            .position(|s| s.byte_range.contains(&egui::epaint::text::ByteIndex(byte)))
            .unwrap_or(0)
    };
    let family_of = |section: usize| {
        job.sections
            .get(section)
            .map_or(FontFamily::Proportional, |s| {
                s.format.font_id.family.clone()
            })
    };
    let mut groups: Vec<(usize, usize, Range<usize>)> = Vec::new();
    for (byte, grapheme) in text.grapheme_indices(true) {
        let section = section_at(range.start + byte);
        let face = faces.resolve(&family_of(section), grapheme);
        let end = byte + grapheme.len();
        match groups.last_mut() {
            Some((f, s, r)) if *f == face && *s == section => r.end = end,
            _ => groups.push((face, section, byte..end)),
        }
    }
    let glyphs = &row.glyphs;
    let mut next = 0;
    for (face, section, r) in groups {
        let run_text = &text[r];
        let family = family_of(section);
        // The row's glyphs of this run: one a character, but for right-to-left text all
        // those of its face that follow (see `galley_runs`).
        let count = if run_text.chars().any(crate::render::bidi::is_rtl_letter) {
            glyphs[next..]
                .iter()
                .take_while(|g| faces.resolve(&family, g.chr.encode_utf8(&mut [0; 4])) == face)
                .count()
        } else {
            run_text.chars().count()
        };
        let end = (next + count).min(glyphs.len());
        let run_glyphs = &glyphs[next..end];
        next = end;
        let Some(format) = job.sections.get(section).map(|s| &s.format) else {
            continue;
        };
        if run_text.trim().is_empty() || run_glyphs.is_empty() {
            continue;
        }
        let color = if format.color == Color32::PLACEHOLDER {
            fallback_color
        } else {
            format.color
        };
        let chars: Vec<RowChar> = run_glyphs
            .iter()
            .map(|g| RowChar {
                x_pt: origin.x + g.pos.x,
                baseline_pt: origin.y + g.pos.y,
            })
            .collect();
        out.push(shape_run(
            &faces.faces[face],
            face,
            format.font_id.size,
            run_text,
            &chars,
            Paint::of(color),
        ));
    }
}

/// Shape `text` (one face, one format) and place its glyphs where egui drew `chars` (one a
/// character where the shaping is one glyph a character; else the run's glyphs on the row).
fn shape_run(
    face: &Face,
    face_index: usize,
    font_size: f32,
    text: &str,
    chars: &[RowChar],
    paint: Option<Paint>,
) -> GlyphRun {
    let size_pt = font_size * face.scale;
    let k = size_pt / face.units_per_em;
    let shaper = face.shaper_data.shaper(&face.font).build();
    let mut buffer = harfrust::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    let shaped = shaper.shape(buffer, harfrust::ShapeOptions::new());
    let infos = shaped.glyph_infos();
    let positions = shaped.glyph_positions();
    // Byte offset → index of the character in `chars`.
    let starts: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    let char_of = |byte: u32| starts.iter().position(|&b| b == byte as usize);
    let one_to_one = infos.len() == chars.len()
        && infos
            .iter()
            .enumerate()
            .all(|(i, g)| char_of(g.cluster) == Some(i));
    // A cluster is every byte up to the next cluster's start.
    let range_of = |cluster: u32| {
        let start = cluster as usize;
        let next = infos
            .iter()
            .map(|g| g.cluster as usize)
            .filter(|&c| c > start)
            .min()
            .unwrap_or(text.len());
        start..next
    };
    let left = chars.iter().map(|c| c.x_pt).fold(f32::INFINITY, f32::min);
    let mut pen = left;
    let glyphs = infos
        .iter()
        .zip(positions)
        .enumerate()
        .map(|(i, (g, p))| {
            let advance_pt = p.x_advance as f32 * k;
            let x_pt = if one_to_one {
                chars[i].x_pt
            } else {
                pen + p.x_offset as f32 * k
            };
            pen += advance_pt;
            PlacedGlyph {
                id: u16::try_from(g.glyph_id).unwrap_or(0),
                x_pt,
                rise_pt: p.y_offset as f32 * k,
                advance_pt,
                text_range: range_of(g.cluster),
            }
        })
        .collect();
    GlyphRun {
        face: face_index,
        size_pt,
        paint,
        baseline_pt: chars.first().map_or(0.0, |c| c.baseline_pt),
        glyphs,
        text: text.to_owned(),
        is_text: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::epaint::TextShape;

    /// The glyph runs of a text shape, in page points.
    fn text_shape_runs(t: &TextShape, faces: &Faces) -> Vec<GlyphRun> {
        galley_runs(&t.galley, t.fallback_color, faces)
            .iter()
            .map(|r| r.moved(t.pos.to_vec2()))
            .collect()
    }

    fn layout(text: &str, size: f32) -> TextShape {
        let ctx = egui::Context::default();
        crate::render::fonts::install(&ctx);
        let mut shape = None;
        // The fonts are in from the second pass on.
        for _ in 0..2 {
            let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
                let galley = ui.painter().layout_no_wrap(
                    text.to_owned(),
                    egui::FontId::proportional(size),
                    egui::Color32::BLACK,
                );
                shape = Some(TextShape::new(
                    egui::pos2(10.0, 20.0),
                    galley,
                    egui::Color32::BLACK,
                ));
            });
            output.textures_delta.clear();
        }
        shape.expect("laid out")
    }

    fn face_name(run: &GlyphRun) -> &str {
        &Faces::get().faces[run.face].name
    }

    #[test]
    fn latin_runs_sit_where_egui_put_each_character() {
        let t = layout("Gwadar Port", 14.0);
        let runs = text_shape_runs(&t, Faces::get());
        assert_eq!(runs.len(), 1, "{runs:?}");
        let run = &runs[0];
        assert_eq!(run.text, "Gwadar Port");
        assert_eq!(run.glyphs.len(), 11);
        assert!(run.glyphs.iter().all(|g| g.id != 0), "no .notdef");
        let row = &t.galley.rows[0];
        for (g, e) in run.glyphs.iter().zip(&row.glyphs) {
            assert!((g.x_pt - (10.0 + e.pos.x)).abs() < 1e-3);
        }
        assert!((run.baseline_pt - (20.0 + row.glyphs[0].pos.y)).abs() < 1e-3);
        assert_eq!(run.size_pt, 14.0);
    }

    #[test]
    fn mixed_scripts_split_into_runs_of_their_fonts() {
        let shown = crate::render::bidi::visual("Gwadar گوادر 瓜达尔").into_owned();
        let t = layout(&shown, 14.0);
        let runs = text_shape_runs(&t, Faces::get());
        let names: Vec<&str> = runs.iter().map(face_name).collect();
        assert!(names.contains(&"NotoNaskhArabic"), "{names:?}");
        assert!(names.contains(&"NotoSansCJKsc"), "{names:?}");
        let arabic = runs
            .iter()
            .find(|r| face_name(r) == "NotoNaskhArabic")
            .expect("an Arabic run");
        assert_eq!(arabic.text, "گوادر");
        assert!(arabic.glyphs.iter().all(|g| g.id != 0));
        // Joined right to left: the glyphs run left to right on the page from the word's
        // left edge, the first letter (گ) last.
        let xs: Vec<f32> = arabic.glyphs.iter().map(|g| g.x_pt).collect();
        assert!(xs.windows(2).all(|w| w[0] <= w[1]), "{xs:?}");
        assert_eq!(
            arabic.glyphs.last().map(|g| g.text_range.start),
            Some(0),
            "گ is the rightmost glyph"
        );
        // The whole text is kept, each glyph covering a part of it.
        let texts: String = runs.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts.replace(' ', ""), shown.replace(' ', ""));
    }
}
