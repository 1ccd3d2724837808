//! A vector page written as SVG: paths as `<path>`, images as embedded PNGs at their own
//! resolution, text as the glyphs' own outlines (each glyph defined once, in font units,
//! and placed with `<use>`), so the page looks the same in every renderer with no font
//! installed — and, over the glyphs, the same text as transparent `<text>` at the same
//! places, so it can be selected and searched.

use std::collections::HashMap;
use std::fmt::Write as _;

use base64::Engine as _;
use egui::Rect;

use super::glyphs::{Faces, GlyphRun};
use super::vector::{Op, Paint, Segment, SubPath, VectorPage, straight_rgba};

/// A number for SVG: at most two decimals, no trailing zeros.
fn num(out: &mut String, v: f32) {
    let r = (v * 100.0).round() / 100.0;
    if r == r.trunc() {
        let _ = write!(out, "{}", r as i64);
    } else {
        let _ = write!(out, "{r}");
    }
}

fn path_data(out: &mut String, subpaths: &[SubPath]) {
    for s in subpaths {
        out.push('M');
        num(out, s.start.x);
        out.push(' ');
        num(out, s.start.y);
        for seg in &s.segments {
            match *seg {
                Segment::Line(p) => {
                    out.push('L');
                    num(out, p.x);
                    out.push(' ');
                    num(out, p.y);
                }
                Segment::Cubic(a, b, c) => {
                    out.push('C');
                    for (i, p) in [a, b, c].into_iter().enumerate() {
                        if i > 0 {
                            out.push(' ');
                        }
                        num(out, p.x);
                        out.push(' ');
                        num(out, p.y);
                    }
                }
            }
        }
        if s.closed {
            out.push('Z');
        }
    }
}

/// ` x="…" y="…" width="…" height="…"` of a rectangle.
fn rect_attributes(out: &mut String, r: Rect) {
    for (name, v) in [
        ("x", r.min.x),
        ("y", r.min.y),
        ("width", r.width()),
        ("height", r.height()),
    ] {
        let _ = write!(out, " {name}=\"");
        num(out, v);
        out.push('"');
    }
}

fn color(p: Paint) -> String {
    let [r, g, b] = p.rgb;
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Text made safe for XML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

/// The page as an SVG document.
pub fn write_svg(page: &VectorPage) -> String {
    let faces = Faces::get();
    let [w, h] = page.size_pt;
    let mut body = String::new();
    let mut defs = String::new();
    let mut glyph_ids: HashMap<(usize, u16), Option<String>> = HashMap::new();
    let mut clips: HashMap<[u32; 4], String> = HashMap::new();
    let mut clip_on: Option<Rect> = None;
    for op in &page.ops {
        // Consecutive ops of one clip share a group.
        let wanted = page.clip_for(op);
        if wanted != clip_on {
            if clip_on.is_some() {
                body.push_str("</g>\n");
            }
            if let Some(c) = wanted {
                let key = [c.min.x, c.min.y, c.max.x, c.max.y].map(f32::to_bits);
                let next = clips.len();
                let id = clips.entry(key).or_insert_with(|| {
                    let id = format!("c{next}");
                    let _ = write!(defs, "<clipPath id=\"{id}\"><rect");
                    rect_attributes(&mut defs, c);
                    defs.push_str("/></clipPath>\n");
                    id
                });
                let _ = writeln!(body, "<g clip-path=\"url(#{id})\">");
            }
            clip_on = wanted;
        }
        match op {
            Op::Fill { path, paint, .. } => {
                body.push_str("<path d=\"");
                path_data(&mut body, path);
                let _ = write!(body, "\" fill=\"{}\"", color(*paint));
                alpha(&mut body, "fill-opacity", paint.alpha);
                body.push_str("/>\n");
            }
            Op::Stroke {
                path,
                width_pt,
                paint,
                ..
            } => {
                body.push_str("<path d=\"");
                path_data(&mut body, path);
                let _ = write!(body, "\" fill=\"none\" stroke=\"{}\"", color(*paint));
                body.push_str(" stroke-width=\"");
                num(&mut body, *width_pt);
                body.push_str("\" stroke-linejoin=\"bevel\"");
                alpha(&mut body, "stroke-opacity", paint.alpha);
                body.push_str("/>\n");
            }
            Op::Glyphs { run, .. } => glyph_run(&mut body, &mut defs, &mut glyph_ids, run, faces),
            Op::Image {
                rect,
                image,
                alpha: a,
                ..
            } => {
                let [iw, ih] = image.size;
                let rgba = straight_rgba(image);
                let mut png = Vec::new();
                let encoded = image::ImageEncoder::write_image(
                    image::codecs::png::PngEncoder::new(&mut png),
                    &rgba,
                    iw as u32,
                    ih as u32,
                    image::ExtendedColorType::Rgba8,
                );
                if encoded.is_err() {
                    log::warn!("an image of a vector page could not be encoded; left out");
                    continue;
                }
                body.push_str("<image");
                rect_attributes(&mut body, *rect);
                body.push_str(" preserveAspectRatio=\"none\"");
                alpha(&mut body, "opacity", *a);
                body.push_str(" href=\"data:image/png;base64,");
                body.push_str(&base64::engine::general_purpose::STANDARD.encode(&png));
                body.push_str("\"/>\n");
            }
        }
    }
    if clip_on.is_some() {
        body.push_str("</g>\n");
    }
    let mut svg = String::with_capacity(body.len() + defs.len() + 512);
    svg.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    svg.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"");
    num(&mut svg, w);
    svg.push_str("pt\" height=\"");
    num(&mut svg, h);
    svg.push_str("pt\" viewBox=\"0 0 ");
    num(&mut svg, w);
    svg.push(' ');
    num(&mut svg, h);
    svg.push_str("\">\n");
    let _ = writeln!(svg, "<title>{}</title>", escape(&page.title));
    let _ = writeln!(
        svg,
        "<desc>Made with Corridor Viewer {}</desc>",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(svg, "<defs>\n{defs}</defs>");
    svg.push_str("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    svg.push_str(&body);
    svg.push_str("</svg>\n");
    svg
}

fn alpha(out: &mut String, attribute: &str, a: f32) {
    if a < 0.999 {
        let _ = write!(out, " {attribute}=\"");
        num(out, a);
        out.push('"');
    }
}

/// A run's glyphs as `<use>` of their outlines, then its text, transparent, over them.
fn glyph_run(
    body: &mut String,
    defs: &mut String,
    glyph_ids: &mut HashMap<(usize, u16), Option<String>>,
    run: &GlyphRun,
    faces: &Faces,
) {
    let (Some(paint), Some(first)) = (run.paint, run.glyphs.first()) else {
        return;
    };
    let face = &faces.faces[run.face];
    let k = run.size_pt / face.units_per_em();
    let _ = write!(body, "<g fill=\"{}\"", color(paint));
    alpha(body, "fill-opacity", paint.alpha);
    body.push('>');
    for g in &run.glyphs {
        let id = glyph_ids.entry((run.face, g.id)).or_insert_with(|| {
            face.outline_svg(g.id).map(|d| {
                let id = format!("g{}-{}", run.face, g.id);
                let _ = writeln!(defs, "<path id=\"{id}\" d=\"{d}\"/>");
                id
            })
        });
        if let Some(id) = id {
            let _ = write!(body, "<use href=\"#{id}\" transform=\"matrix(");
            let kk = (k * 1e5).round() / 1e5;
            let _ = write!(body, "{kk} 0 0 {} ", -kk);
            num(body, g.x_pt);
            body.push(' ');
            num(body, run.baseline_pt - g.rise_pt);
            body.push_str(")\"/>");
        }
    }
    body.push_str("</g>\n");
    if !run.is_text {
        return;
    }
    // The text, for selection and search: invisible, over its glyphs.
    body.push_str("<text fill-opacity=\"0\" font-family=\"sans-serif\" font-size=\"");
    num(body, run.size_pt);
    body.push_str("\" x=\"");
    num(body, first.x_pt);
    body.push_str("\" y=\"");
    num(body, run.baseline_pt);
    body.push_str("\" textLength=\"");
    let right = run
        .glyphs
        .iter()
        .map(|g| g.x_pt + g.advance_pt)
        .fold(first.x_pt, f32::max);
    num(body, (right - first.x_pt).max(0.01));
    let _ = writeln!(
        body,
        "\" lengthAdjust=\"spacingAndGlyphs\">{}</text>",
        escape(&run.text)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short() {
        let mut s = String::new();
        for v in [1.0, 1.234_56, -0.5, 1e-4, 1600.0] {
            num(&mut s, v);
            s.push(',');
        }
        assert_eq!(s, "1,1.23,-0.5,0,1600,");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("A & B <\"x\">"), "A &amp; B &lt;&quot;x&quot;&gt;");
    }
}
