//! The command line: the app (no subcommand), `info FILE…` and `export …`, all headless but
//! the first.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::export::compose::attribution_lines;
use crate::export::deck::{DeckError, DeckPage, OutputFormat, deck_title, page_file, write_deck};
use crate::export::{BriefingRequest, MAX_SIDE_PX, today};
use crate::io::basemap_assets::load_basemap;
use crate::io::catalog::{find_maps_dir, layer_from_file, load_catalog};
use crate::io::geojson::{LoadError, load_file};
use crate::io::info::FileSummary;
use crate::io::png::SaveError;
use crate::model::catalog::CatalogError;
use crate::model::layout::Composition;
use crate::model::legend::default_subtitle;
use crate::model::views::{ViewError, parse_view};
use crate::render::Scene;
use crate::tiles::source::TileSourceSpec;

/// Corridor Viewer: an offline-first map of CPEC phase two.
#[derive(Parser, Debug)]
#[command(version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// Folder with the layer manifest (manifest.json) and GeoJSON layers [default: ./maps]
    #[arg(long, global = true)]
    pub maps: Option<PathBuf>,
    /// GeoJSON files to open as layers in the app
    pub files: Vec<PathBuf>,
    /// What to do; without one, the desktop app opens.
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

/// The headless commands.
#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Check GeoJSON files with the app's loader: features by geometry type, bbox, properties
    Info {
        /// GeoJSON files
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print the whole run's wall time and peak memory (VmHWM) to stderr
        #[arg(long)]
        stats: bool,
    },
    /// Write a composed briefing page (PNG, or vector PDF or SVG) with no window and no display
    Export(Box<ExportArgs>),
}

/// Options of `corridor-viewer export`.
#[derive(Args, Debug, Clone)]
#[command(
    after_help = "Views: Pakistan, \"Northern gateway\" (Khunjerab), Gwadar, Chagai–Gwadar \
(also Chagai-Gwadar); names match case-insensitively. Several --view options make a deck, one \
page each, in order: with a .png output the pages are numbered (brief-1.png, brief-2.png, …).\n\n\
Examples:\n  corridor-viewer export --view Gwadar --size 1200x800 --scale 4 --out gwadar.png\n  \
corridor-viewer export --view Pakistan --view Gwadar --view \"Northern gateway\" --view Chagai-Gwadar \
--scale 2 --out brief.png"
)]
pub struct ExportArgs {
    /// Area to show: a view name, LON,LAT,ZOOM, or W,S,E,N (degrees); repeat for a deck, one
    /// page per view, in order
    #[arg(long = "view", default_value = "Pakistan", allow_hyphen_values = true)]
    pub views: Vec<String>,
    /// Page size in points, WIDTHxHEIGHT; the image is this times --scale in pixels
    #[arg(long, default_value = "1600x1000")]
    pub size: String,
    /// Resolution: 1 to 4 pixels per point (4 for print); PDF and SVG are drawn at the detail
    /// of 4
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=4))]
    pub scale: u8,
    /// Title at the top of the image; in a deck, repeat it for each page in order [default:
    /// "CPEC phase two"; in a deck, each page's view name]
    #[arg(long = "title")]
    pub titles: Vec<String>,
    /// Subtitle [default: the visible layers]
    #[arg(long)]
    pub subtitle: Option<String>,
    /// Layers to show, by id, comma-separated [default: those visible by default]
    #[arg(long, value_delimiter = ',')]
    pub layers: Option<Vec<String>>,
    /// Basemap: "offline" (the embedded atlas, with the OpenStreetMap detail of the vector pack
    /// in maps/ from zoom 7.5), "osm", "opentopomap", a .mbtiles or .pmtiles tile pack (raster
    /// or vector), an XYZ URL template such as "https://host/{z}/{x}/{y}.png" (or .pbf for
    /// vector tiles), or a TileJSON URL; online tiles come from the app's disk cache when present
    #[arg(long, default_value = "offline")]
    pub basemap: String,
    /// Seconds to wait for online tiles before giving up (nothing is written then)
    #[arg(long, default_value_t = 30)]
    pub tile_timeout: u64,
    /// Classification line at top and bottom, e.g. RESTRICTED
    #[arg(long)]
    pub classification: Option<String>,
    /// A fixed map scale for print, e.g. 2000000 or 1:2,000,000: exact at the map's centre and
    /// printed beside the scale bar [default: the view fitted to the map]
    #[arg(long, value_parser = parse_map_scale)]
    pub map_scale: Option<u32>,
    /// Leave out the legend
    #[arg(long)]
    pub no_legend: bool,
    /// Leave out the date
    #[arg(long)]
    pub no_date: bool,
    /// With tiles, draw the offline basemap's boundaries, disputed lines and labels over them
    #[arg(long)]
    pub hybrid: bool,
    /// Print the whole run's wall time and peak memory (VmHWM) to stderr
    #[arg(long)]
    pub stats: bool,
    /// Language of the map's labels: en, ur (Urdu), zh (Chinese) or en+local
    #[arg(long, default_value = "en", value_parser = parse_labels)]
    pub labels: crate::model::label_language::LabelLanguage,
    /// Output file: .png, .pdf (vector, a page a view) or .svg (vector); a deck's PNG or SVG
    /// pages are numbered after it: brief-1.png, brief-2.png, …
    #[arg(long, short)]
    pub out: PathBuf,
    /// The PDF's document title [default: the title of a single page; for a deck "CPEC phase
    /// two briefing" and its pages' titles]
    #[arg(long)]
    pub deck_title: Option<String>,
    /// Extra GeoJSON files, drawn as layers on top
    pub files: Vec<PathBuf>,
}

/// Why an export could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// `--size` is not WIDTHxHEIGHT.
    #[error("--size \"{0}\": expected WIDTHxHEIGHT in points, e.g. 1600x1000")]
    BadSize(String),
    /// The image would be too large.
    #[error("the image would be {0}×{1} px; the largest side allowed is {MAX_SIDE_PX} px")]
    TooLarge(u32, u32),
    /// `--view` is not understood.
    #[error("--view: {0}; nothing was written")]
    View(#[from] ViewError),
    /// More titles than pages.
    #[error("{titles} --title options for {pages} --view (one title a page); nothing was written")]
    TooManyTitles {
        /// Titles given.
        titles: usize,
        /// Pages asked for.
        pages: usize,
    },
    /// The deck could not be made (no pages, a PDF the writer refused).
    #[error(transparent)]
    Deck(DeckError),
    /// A layer id that the catalog does not have.
    #[error("--layers: no layer \"{id}\"; the layers are: {known}")]
    UnknownLayer {
        /// The id given.
        id: String,
        /// The ids there are.
        known: String,
    },
    /// A bug: a thread of the export stopped.
    #[error("internal error: {0}")]
    Internal(&'static str),
    /// A tile pack that cannot be used.
    #[error(transparent)]
    Pack(#[from] crate::tiles::mbtiles::PackError),
    /// A basemap that is neither offline, a known source nor a URL template.
    #[error("--basemap: {0}; or use \"offline\", \"osm\" or \"opentopomap\"")]
    Basemap(#[from] crate::tiles::source::TileSourceError),
    /// Online tiles did not load.
    #[error("--basemap: {0}")]
    Tiles(#[from] crate::export::MissingTiles),
    /// A TileJSON document that could not be read.
    #[error("--basemap: {0}")]
    TileJson(#[from] crate::tiles::vector::tilejson::TileJsonError),
    /// The output folder does not exist.
    #[error("{}: the folder does not exist", .0.display())]
    NoFolder(PathBuf),
    /// The catalog could not be read.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// No maps/ folder.
    #[error("no maps/ folder with a manifest.json was found; give one with --maps DIR")]
    NoMaps,
    /// An extra file or the basemap could not be loaded.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The file could not be written.
    #[error(transparent)]
    Save(#[from] SaveError),
}

impl From<DeckError> for ExportError {
    fn from(e: DeckError) -> Self {
        match e {
            // Named as the command names them: tiles by --basemap.
            DeckError::Tiles(t) => Self::Tiles(t),
            DeckError::Save(e) => Self::Save(e),
            e => Self::Deck(e),
        }
    }
}

/// Parse `WIDTHxHEIGHT`.
pub fn parse_size(text: &str) -> Result<[f32; 2], ExportError> {
    let bad = || ExportError::BadSize(text.to_string());
    let (w, h) = text.trim().split_once(['x', 'X', '×']).ok_or_else(bad)?;
    let w: u32 = w.trim().parse().map_err(|_| bad())?;
    let h: u32 = h.trim().parse().map_err(|_| bad())?;
    if w < 200 || h < 150 {
        return Err(bad());
    }
    Ok([w as f32, h as f32])
}

/// The process's peak resident memory in bytes, as the OS reports it (`VmHWM` in
/// `/proc/self/status`; `None` where there is no such file).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// One page of an export: the area it shows, its title and its file.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// The area shown.
    pub view: crate::model::views::ViewSpec,
    /// The title at its top.
    pub title: String,
    /// The file it is written to.
    pub out: PathBuf,
}

/// The pages `export` writes: one per `--view`, in order, each with its `--title` (else, in a
/// deck, its view's name) and, in a deck of PNG or SVG files, its file numbered after `--out`
/// (`brief.png` → `brief-1.png`, `brief-2.png`, …; a PDF holds every page). Every view is
/// checked before anything is drawn.
pub fn plan_pages(
    views: &[String],
    titles: &[String],
    out: &Path,
) -> Result<Vec<Page>, ExportError> {
    if titles.len() > views.len().max(1) {
        return Err(ExportError::TooManyTitles {
            titles: titles.len(),
            pages: views.len(),
        });
    }
    let deck = views.len() > 1;
    views
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let view = parse_view(text)?;
            let title = titles.get(i).cloned().unwrap_or_else(|| {
                if deck {
                    crate::model::views::find_view(text)
                        .map_or_else(|| text.clone(), |v| v.name.to_string())
                } else {
                    "CPEC phase two".to_string()
                }
            });
            let out = page_file(out, i, views.len());
            Ok(Page { view, title, out })
        })
        .collect()
}

/// Run `export`: write the PNG, PDF or SVG (or a deck's pages) and return a summary, a line a
/// file or page.
pub fn export(args: &ExportArgs, maps: Option<&Path>) -> Result<String, ExportError> {
    let size_pt = parse_size(&args.size)?;
    let scale = f32::from(args.scale);
    let (w_px, h_px) = ((size_pt[0] * scale) as u32, (size_pt[1] * scale) as u32);
    if w_px > MAX_SIDE_PX || h_px > MAX_SIDE_PX {
        return Err(ExportError::TooLarge(w_px, h_px));
    }
    let pages = plan_pages(&args.views, &args.titles, &args.out)?;
    let tiles = if args.basemap.eq_ignore_ascii_case("offline") {
        None
    } else if crate::tiles::pack::is_pack(Path::new(&args.basemap)) {
        let path = Path::new(&args.basemap);
        let pack = crate::tiles::pack::TilePack::open(path)?;
        Some(TileSourceSpec::for_pack(path, pack.meta()))
    } else if crate::tiles::vector::tilejson::is_tilejson_url(&args.basemap) {
        Some(crate::tiles::vector::tilejson::resolve(
            &args.basemap,
            crate::tiles::cache_dir().as_deref(),
        )?)
    } else {
        Some(TileSourceSpec::parse(&args.basemap)?)
    };
    let parent = args
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(ExportError::NoFolder(parent.to_path_buf()));
    }

    let dir = maps
        .map(Path::to_path_buf)
        .or_else(find_maps_dir)
        .ok_or(ExportError::NoMaps)?;
    let mut catalog = load_catalog(&dir)?;
    for problem in &catalog.problems {
        eprintln!("warning: {problem}");
    }
    if let Some(ids) = &args.layers {
        let known: Vec<&str> = catalog.layers.iter().map(|l| l.id.as_str()).collect();
        if let Some(bad) = ids.iter().find(|id| !known.contains(&id.as_str())) {
            return Err(ExportError::UnknownLayer {
                id: bad.clone(),
                known: known.join(", "),
            });
        }
        for layer in &mut catalog.layers {
            layer.visible = ids.contains(&layer.id);
        }
    }
    // The embedded basemap is built on a thread of its own while the files load.
    let started = std::time::Instant::now();
    let (basemap, files) = std::thread::scope(|scope| {
        let basemap = scope.spawn(|| {
            let basemap = load_basemap();
            log::debug!("basemap built in {:.2} s", started.elapsed().as_secs_f64());
            basemap
        });
        let files: Result<Vec<_>, ExportError> = args
            .files
            .iter()
            .enumerate()
            .map(|(i, path)| Ok((path, layer_from_file(path, i, &Default::default())?)))
            .collect();
        log::debug!("files loaded in {:.2} s", started.elapsed().as_secs_f64());
        (basemap.join(), files)
    });
    for (path, (layer, warnings)) in files? {
        for w in warnings {
            eprintln!("warning: {}: {w} (skipped)", path.display());
        }
        catalog.layers.push(layer);
    }
    let basemap =
        basemap.map_err(|_| ExportError::Internal("the basemap could not be built"))??;
    let scene = Scene {
        basemap: &basemap,
        layers: &catalog.layers,
        categories: catalog.manifest.status_categories.as_ref(),
        labels: args.labels,
    };
    let subtitle = args
        .subtitle
        .clone()
        .unwrap_or_else(|| default_subtitle(&catalog.layers, args.labels));
    let detail = crate::tiles::vector::detail_pack_in(&dir);
    // Every page is drawn before any is written: a page that fails (tiles that do not load)
    // leaves no deck half written.
    let format = OutputFormat::of(&args.out);
    let deck: Vec<DeckPage> = pages
        .iter()
        .map(|page| DeckPage {
            request: BriefingRequest {
                view: page.view,
                size_pt,
                scale: format.compose_scale(scale),
                composition: Composition {
                    title: page.title.clone(),
                    subtitle: subtitle.clone(),
                    legend: !args.no_legend,
                    date: !args.no_date,
                    classification: args.classification.clone().unwrap_or_default(),
                    map_scale: args.map_scale,
                    ..Composition::default()
                },
                attribution: attribution_lines(tiles.as_ref(), args.hybrid, 1.0),
                date: today(),
                detail: detail.clone(),
                tiles: tiles.clone(),
                hybrid: args.hybrid,
                tile_opacity: 1.0,
            },
            out: page.out.clone(),
        })
        .collect();
    let titles: Vec<&str> = pages.iter().map(|p| p.title.as_str()).collect();
    let title = args
        .deck_title
        .clone()
        .unwrap_or_else(|| deck_title(&titles));
    let summary = write_deck(
        &scene,
        &deck,
        format,
        &title,
        std::time::Duration::from_secs(args.tile_timeout),
        &mut |i| {
            log::debug!("page {i} at {:.2} s", started.elapsed().as_secs_f64());
            true
        },
    )?;
    log::debug!("written at {:.2} s", started.elapsed().as_secs_f64());
    // The command ends here: the layers and the basemap (hundreds of thousands of allocations
    // for a big file, 40–65 ms to free one by one) are freed on a thread of their own, which
    // the process's exit may cut short — the system takes the memory back whole.
    std::thread::spawn(move || drop((catalog, basemap)));
    Ok(summary.join("\n"))
}

/// Print a summary of each GeoJSON file to `out`, errors to `err`. Returns the process exit
/// code: 0 when every file loaded, 1 otherwise.
pub fn info(paths: &[PathBuf], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let mut code = 0;
    for path in paths {
        match load_file(path) {
            Ok(file) => {
                let _ = writeln!(out, "{}", path.display());
                let _ = write!(out, "{}", FileSummary::of(&file));
            }
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                code = 1;
            }
        }
    }
    code
}

/// `--labels`: one of the label languages' codes.
fn parse_map_scale(text: &str) -> Result<u32, String> {
    use crate::model::print_scale::{SCALE_RANGE, parse_scale, scale_label};
    parse_scale(text).ok_or_else(|| {
        format!(
            "\"{text}\" is not a map scale from {} to {}: write it as 2000000 or 1:2,000,000",
            scale_label(*SCALE_RANGE.start()),
            scale_label(*SCALE_RANGE.end())
        )
    })
}

fn parse_labels(code: &str) -> Result<crate::model::label_language::LabelLanguage, String> {
    use crate::model::label_language::LabelLanguage;
    LabelLanguage::from_code(code).ok_or_else(|| {
        let codes: Vec<&str> = LabelLanguage::ALL.iter().map(|l| l.code()).collect();
        format!(
            "unknown label language \"{code}\"; use one of: {}",
            codes.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_open_in_the_app_and_subcommands_still_parse() {
        let cli = Cli::try_parse_from(["corridor-viewer", "roads.geojson", "dams.geojson"])
            .expect("files for the app");
        assert!(cli.command.is_none());
        assert_eq!(
            cli.files,
            [
                PathBuf::from("roads.geojson"),
                PathBuf::from("dams.geojson")
            ]
        );
        let cli = Cli::try_parse_from(["corridor-viewer", "info", "a.geojson"]).expect("info");
        assert!(cli.files.is_empty());
        assert!(matches!(cli.command, Some(Cmd::Info { ref files, .. }) if files.len() == 1));
    }
}
