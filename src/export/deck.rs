//! A briefing deck: several composed pages drawn, then written — numbered PNG or SVG files,
//! or one PDF with a page a view. Every page is drawn before anything is written, and each
//! file is written atomically, so a failed or cancelled deck leaves nothing half written.
//! The command line and the app's deck dialog both write through here.

use std::path::{Path, PathBuf};

use super::{BriefingRequest, ComposeInfo, MissingTiles, render_briefing, vector_briefing};
use crate::io::png::{SaveError, save_bytes, save_png};
use crate::render::Scene;

/// What a deck is written as, from the output's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// PNG images, a file a page (any extension but .pdf and .svg).
    Png,
    /// One PDF document, a page a view (vector).
    Pdf,
    /// SVG documents, a file a page (vector).
    Svg,
}

impl OutputFormat {
    /// The format of an output path.
    pub fn of(out: &Path) -> Self {
        match out
            .extension()
            .map(|x| x.to_string_lossy().to_ascii_lowercase())
            .as_deref()
        {
            Some("pdf") => Self::Pdf,
            Some("svg") => Self::Svg,
            _ => Self::Png,
        }
    }

    /// Whether each page is a file of its own (numbered in a deck).
    pub fn file_a_page(self) -> bool {
        self != Self::Pdf
    }

    /// The scale a page is composed at: a PNG's own `png_scale`; vector pages at
    /// [`VECTOR_DETAIL_SCALE`].
    pub fn compose_scale(self, png_scale: f32) -> f32 {
        match self {
            Self::Png => png_scale,
            Self::Pdf | Self::Svg => VECTOR_DETAIL_SCALE,
        }
    }
}

/// The file page `i` (from 0) of a deck of `count` pages is written to: `out`, or for
/// several pages of a file each, numbered after it ([`numbered`]).
pub fn page_file(out: &Path, i: usize, count: usize) -> PathBuf {
    if count > 1 && OutputFormat::of(out).file_a_page() {
        numbered(out, i + 1)
    } else {
        out.to_path_buf()
    }
}

/// The detail vector pages are drawn at: that of a 4× image, so lines keep their shape when
/// a printed page or a reader's zoom enlarges them.
pub const VECTOR_DETAIL_SCALE: f32 = 4.0;

/// One page of a deck and the file it goes to (every page of a PDF: the same file).
#[derive(Clone, Debug)]
pub struct DeckPage {
    /// What the page shows.
    pub request: BriefingRequest,
    /// Where it is written.
    pub out: PathBuf,
}

/// Why a deck was not written.
#[derive(Debug, thiserror::Error)]
pub enum DeckError {
    /// No page to write.
    #[error("a deck needs at least one page; nothing was written")]
    NoPages,
    /// A page's tiles did not load.
    #[error(transparent)]
    Tiles(#[from] MissingTiles),
    /// The PDF could not be made.
    #[error("{path}: {reason}; nothing was written", path = .0.display(), reason = .1)]
    Pdf(PathBuf, super::pdf::PdfError),
    /// A file could not be written.
    #[error(transparent)]
    Save(#[from] SaveError),
    /// Stopped before it was written.
    #[error("cancelled; nothing was written")]
    Cancelled,
}

/// Draw every page, then write them as `format` (a PDF titled `document_title`). `progress`
/// is told before each page is drawn (its index; the page count once all are drawn) and
/// stops the deck by answering false. Returns a line a file written or page.
pub fn write_deck(
    scene: &Scene<'_>,
    pages: &[DeckPage],
    format: OutputFormat,
    document_title: &str,
    timeout: std::time::Duration,
    progress: &mut dyn FnMut(usize) -> bool,
) -> Result<Vec<String>, DeckError> {
    let Some(first) = pages.first() else {
        return Err(DeckError::NoPages);
    };
    let legend_line = |info: &ComposeInfo| info.legend.titles().join(", ").replace('\n', " / ");
    let mut summary = Vec::with_capacity(pages.len());
    match format {
        OutputFormat::Png => {
            let images = draw_all(pages, progress, |r| render_briefing(scene, r, timeout))?;
            for (page, image) in pages.iter().zip(&images) {
                save_png(&page.out, image.width, image.height, &image.rgba)?;
                summary.push(format!(
                    "Wrote {}: {}×{} px; legend: {}",
                    page.out.display(),
                    image.width,
                    image.height,
                    legend_line(&image.info)
                ));
            }
            // The pixels are freed on a thread of their own (a 4× deck is hundreds of MB).
            std::thread::spawn(move || drop(images));
        }
        OutputFormat::Pdf | OutputFormat::Svg => {
            let drawn = draw_all(pages, progress, |r| vector_briefing(scene, r, timeout))?;
            let (vector_pages, infos): (Vec<_>, Vec<_>) = drawn.into_iter().unzip();
            let [w, h] = first.request.size_pt;
            if format == OutputFormat::Pdf {
                let info = super::pdf::DocumentInfo {
                    title: document_title.to_owned(),
                    created_unix_s: std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_secs() as i64),
                };
                let bytes = super::pdf::write_pdf(&vector_pages, &info)
                    .map_err(|e| DeckError::Pdf(first.out.clone(), e))?;
                save_bytes(&first.out, &bytes)?;
                summary.push(format!(
                    "Wrote {}: {} page{} of {w}×{h} pt (vector PDF, {:.1} MB); legend: {}",
                    first.out.display(),
                    pages.len(),
                    if pages.len() == 1 { "" } else { "s" },
                    bytes.len() as f64 / 1e6,
                    infos.first().map(legend_line).unwrap_or_default()
                ));
            } else {
                let documents: Vec<String> =
                    vector_pages.iter().map(super::svg::write_svg).collect();
                for ((page, svg), info) in pages.iter().zip(&documents).zip(&infos) {
                    save_bytes(&page.out, svg.as_bytes())?;
                    summary.push(format!(
                        "Wrote {}: {w}×{h} pt (vector SVG, {:.1} MB); legend: {}",
                        page.out.display(),
                        svg.len() as f64 / 1e6,
                        legend_line(info)
                    ));
                }
            }
        }
    }
    Ok(summary)
}

/// The title of a deck's PDF: its one page's, else "CPEC phase two briefing: " and theirs.
pub fn deck_title(page_titles: &[&str]) -> String {
    match page_titles {
        [one] => (*one).to_owned(),
        many => format!("CPEC phase two briefing: {}", many.join(", ")),
    }
}

/// The file of page `i` (from 1) of a deck written as one file a page: `brief.png` →
/// `brief-1.png`.
fn numbered(out: &Path, i: usize) -> PathBuf {
    let stem = out
        .file_stem()
        .map_or_else(|| "brief".into(), |s| s.to_string_lossy().into_owned());
    let ext = out
        .extension()
        .map_or_else(|| "png".into(), |x| x.to_string_lossy().into_owned());
    out.with_file_name(format!("{stem}-{i}.{ext}"))
}

/// Every page drawn by `draw`, `progress` told before each and once all are drawn (false:
/// stop).
fn draw_all<T>(
    pages: &[DeckPage],
    progress: &mut dyn FnMut(usize) -> bool,
    mut draw: impl FnMut(&BriefingRequest) -> Result<T, MissingTiles>,
) -> Result<Vec<T>, DeckError> {
    let mut drawn = Vec::with_capacity(pages.len());
    for (i, page) in pages.iter().enumerate() {
        if !progress(i) {
            return Err(DeckError::Cancelled);
        }
        drawn.push(draw(&page.request)?);
    }
    if !progress(pages.len()) {
        return Err(DeckError::Cancelled);
    }
    Ok(drawn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_follow_the_extension() {
        assert_eq!(OutputFormat::of(Path::new("a/b.PDF")), OutputFormat::Pdf);
        assert_eq!(OutputFormat::of(Path::new("b.svg")), OutputFormat::Svg);
        assert_eq!(OutputFormat::of(Path::new("b.png")), OutputFormat::Png);
        assert_eq!(OutputFormat::of(Path::new("b")), OutputFormat::Png);
    }

    #[test]
    fn pages_are_numbered_after_the_output() {
        assert_eq!(
            numbered(Path::new("/t/brief.svg"), 2),
            PathBuf::from("/t/brief-2.svg")
        );
        assert_eq!(
            page_file(Path::new("/t/brief.png"), 0, 2),
            PathBuf::from("/t/brief-1.png")
        );
        assert_eq!(
            page_file(Path::new("/t/brief.png"), 0, 1),
            PathBuf::from("/t/brief.png")
        );
        assert_eq!(
            page_file(Path::new("/t/brief.pdf"), 1, 4),
            PathBuf::from("/t/brief.pdf")
        );
        assert_eq!(deck_title(&["Gwadar"]), "Gwadar");
        assert_eq!(
            deck_title(&["Pakistan", "Gwadar"]),
            "CPEC phase two briefing: Pakistan, Gwadar"
        );
    }

    #[test]
    fn a_deck_of_no_pages_is_refused() {
        let basemap = crate::model::basemap::Basemap::default();
        let scene = Scene {
            basemap: &basemap,
            layers: &[],
            categories: None,
            labels: Default::default(),
        };
        let result = write_deck(
            &scene,
            &[],
            OutputFormat::Pdf,
            "x",
            std::time::Duration::ZERO,
            &mut |_| true,
        );
        assert!(matches!(result, Err(DeckError::NoPages)), "{result:?}");
    }
}
