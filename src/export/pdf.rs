//! Vector pages written as one PDF with krilla (the writer Typst uses): paths as PDF paths,
//! text as real text in embedded subset fonts (selectable, searchable: each glyph carries
//! the characters it shows), images embedded at their own resolution; the document's title,
//! creator and creation date in its metadata.

use std::collections::HashMap;

use egui::Rect;
use krilla::Document;
use krilla::geom::{Path, PathBuilder, Point, Size, Transform};
use krilla::image::Image;
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, LineCap, LineJoin, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};

use super::glyphs::{Faces, GlyphRun};
use super::vector::{Op, Paint, Segment, SubPath, VectorPage, straight_rgba};

/// A PDF that could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// A deck of no pages.
    #[error("a PDF needs at least one page")]
    NoPages,
    /// A page of no size.
    #[error("page {page} is {w}×{h} pt; a PDF page needs a positive size")]
    BadSize {
        /// The page, from 1.
        page: usize,
        /// Width.
        w: f32,
        /// Height.
        h: f32,
    },
    /// The writer failed (a font it could not embed, say).
    #[error("the PDF could not be written: {0}")]
    Writer(String),
}

/// What the document says about itself.
#[derive(Clone, Debug, PartialEq)]
pub struct DocumentInfo {
    /// Its title (a deck's, or the page's).
    pub title: String,
    /// Seconds since 1970 (UTC) when it was made.
    pub created_unix_s: i64,
}

/// The pages as one PDF document's bytes.
pub fn write_pdf(pages: &[VectorPage], info: &DocumentInfo) -> Result<Vec<u8>, PdfError> {
    if pages.is_empty() {
        return Err(PdfError::NoPages);
    }
    let faces = Faces::get();
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(info.title.clone())
            .creator(format!("Corridor Viewer {}", env!("CARGO_PKG_VERSION")))
            .producer(format!(
                "Corridor Viewer {} (krilla)",
                env!("CARGO_PKG_VERSION")
            ))
            .creation_date(date_time(info.created_unix_s)),
    );
    let mut fonts: HashMap<usize, Font> = HashMap::new();
    for (i, page) in pages.iter().enumerate() {
        let [w, h] = page.size_pt;
        let settings =
            PageSettings::from_wh(w, h).ok_or(PdfError::BadSize { page: i + 1, w, h })?;
        let mut pdf_page = document.start_page_with(settings);
        let mut surface = pdf_page.surface();
        let mut clip_on: Option<Rect> = None;
        for op in &page.ops {
            // Consecutive ops of one clip share it.
            let wanted = page.clip_for(op);
            if wanted != clip_on {
                if clip_on.is_some() {
                    surface.pop();
                }
                if let Some(c) = wanted
                    && let Some(path) = rect_path(c)
                {
                    surface.push_clip_path(&path, &FillRule::NonZero);
                    clip_on = Some(c);
                } else {
                    clip_on = None;
                }
            }
            draw_op(&mut surface, op, faces, &mut fonts)?;
        }
        if clip_on.is_some() {
            surface.pop();
        }
        surface.finish();
        pdf_page.finish();
    }
    document
        .finish()
        .map_err(|e| PdfError::Writer(format!("{e:?}")))
}

fn opacity(alpha: f32) -> NormalizedF32 {
    NormalizedF32::new(alpha.clamp(0.0, 1.0)).unwrap_or(NormalizedF32::ONE)
}

fn color(p: Paint) -> krilla::paint::Paint {
    let [r, g, b] = p.rgb;
    krilla::color::rgb::Color::new(r, g, b).into()
}

fn draw_op(
    surface: &mut Surface<'_>,
    op: &Op,
    faces: &Faces,
    fonts: &mut HashMap<usize, Font>,
) -> Result<(), PdfError> {
    match op {
        Op::Fill { path, paint, .. } => {
            if let Some(p) = build_path(path) {
                surface.set_stroke(None);
                surface.set_fill(Some(Fill {
                    paint: color(*paint),
                    opacity: opacity(paint.alpha),
                    rule: FillRule::NonZero,
                }));
                surface.draw_path(&p);
            }
        }
        Op::Stroke {
            path,
            width_pt,
            paint,
            ..
        } => {
            if let Some(p) = build_path(path) {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: color(*paint),
                    width: *width_pt,
                    miter_limit: 4.0,
                    line_cap: LineCap::Butt,
                    line_join: LineJoin::Bevel,
                    opacity: opacity(paint.alpha),
                    dash: None,
                }));
                surface.draw_path(&p);
            }
        }
        Op::Glyphs { run, .. } => draw_run(surface, run, faces, fonts)?,
        Op::Image {
            rect, image, alpha, ..
        } => {
            let [w, h] = image.size;
            let rgba = straight_rgba(image);
            let pdf_image = Image::from_rgba8(rgba, w as u32, h as u32);
            if let Some(size) = Size::from_wh(rect.width(), rect.height()) {
                surface.push_transform(&Transform::from_translate(rect.min.x, rect.min.y));
                let faded = *alpha < 1.0;
                if faded {
                    surface.push_opacity(opacity(*alpha));
                }
                surface.draw_image(pdf_image, size);
                if faded {
                    surface.pop();
                }
                surface.pop();
            }
        }
    }
    Ok(())
}

fn draw_run(
    surface: &mut Surface<'_>,
    run: &GlyphRun,
    faces: &Faces,
    fonts: &mut HashMap<usize, Font>,
) -> Result<(), PdfError> {
    let (Some(paint), Some(first)) = (run.paint, run.glyphs.first()) else {
        return Ok(());
    };
    let face = &faces.faces[run.face];
    let font = match fonts.get(&run.face) {
        Some(f) => f.clone(),
        None => {
            let f = Font::new(face.bytes.into(), face.index).ok_or_else(|| {
                PdfError::Writer(format!("the font {} could not be read", face.name))
            })?;
            fonts.insert(run.face, f.clone());
            f
        }
    };
    let size = run.size_pt.max(0.01);
    // krilla sets each glyph from the last by its advance: the advance to the next glyph's
    // position, so each sits exactly where egui drew it.
    let glyphs: Vec<KrillaGlyph> = run
        .glyphs
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let advance_pt = run
                .glyphs
                .get(i + 1)
                .map_or(g.advance_pt, |next| next.x_pt - g.x_pt);
            KrillaGlyph::new(
                GlyphId::new(u32::from(g.id)),
                advance_pt / size,
                0.0,
                g.rise_pt / size,
                0.0,
                g.text_range.clone(),
                None,
            )
        })
        .collect();
    surface.set_stroke(None);
    surface.set_fill(Some(Fill {
        paint: color(paint),
        opacity: opacity(paint.alpha),
        rule: FillRule::NonZero,
    }));
    surface.draw_glyphs(
        Point::from_xy(first.x_pt, run.baseline_pt),
        &glyphs,
        font,
        &run.text,
        size,
        !run.is_text,
    );
    Ok(())
}

fn build_path(subpaths: &[SubPath]) -> Option<Path> {
    let mut pb = PathBuilder::new();
    for s in subpaths {
        pb.move_to(s.start.x, s.start.y);
        for seg in &s.segments {
            match *seg {
                Segment::Line(p) => pb.line_to(p.x, p.y),
                Segment::Cubic(a, b, c) => pb.cubic_to(a.x, a.y, b.x, b.y, c.x, c.y),
            }
        }
        if s.closed {
            pb.close();
        }
    }
    pb.finish()
}

fn rect_path(r: Rect) -> Option<Path> {
    let mut pb = PathBuilder::new();
    pb.push_rect(krilla::geom::Rect::from_ltrb(
        r.min.x, r.min.y, r.max.x, r.max.y,
    )?);
    pb.finish()
}

fn date_time(unix_s: i64) -> DateTime {
    let days = unix_s.div_euclid(86_400);
    let secs = unix_s.rem_euclid(86_400);
    let (y, m, d) = crate::model::legend::civil_date(days);
    DateTime::new(u16::try_from(y).unwrap_or(1970))
        .month(m as u8)
        .day(d as u8)
        .hour((secs / 3600) as u8)
        .minute((secs / 60 % 60) as u8)
        .second((secs % 60) as u8)
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}
