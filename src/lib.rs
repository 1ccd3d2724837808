//! Corridor Viewer: an offline-first desktop map of CPEC phase two.
//!
//! The crate is one library with a thin binary (`main.rs`):
//! - [`model`] is the pure core (layers, styles, spatial index, hit-testing, view maths, label
//!   placement, boundary extraction). It never imports egui or walkers.
//! - [`io`] reads files: the one GeoJSON loader used by the app and the command line.
//! - [`render`] turns layers and a view into plain egui draw batches.
//! - [`tiles`] is everything about tiles, from a server or pack to pixels.
//! - [`export`] composes briefing pages and writes PNG, PDF and SVG.
//! - [`app`] is the egui/walkers shell: panels, map, commands.
//! - [`background`] starts the threads that work behind the map, yielding to the UI.
//! - [`cli`] is the headless command line (`info`, `export`).
//! - [`fuzz`] holds the fuzz targets: each reader fed arbitrary bytes, with the invariants a
//!   user relies on checked (`tests/fuzz` runs them under libFuzzer, `tests/fuzz_smoke.rs`
//!   over their corpus in every test run).

pub mod app;
pub mod background;
pub mod cli;
pub mod export;
pub mod fuzz;
pub mod io;
pub mod model;
pub mod render;
pub mod tiles;
