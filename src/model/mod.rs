//! The pure core: no egui, no walkers. Everything here is unit-tested without a window.

pub mod basemap;
pub mod boundary;
pub mod catalog;
pub mod citation;
pub mod classify;
pub mod confidence;
pub mod coords;
pub mod coverage;
pub mod hit_test;
pub mod index;
pub mod label_language;
pub mod labels;
pub mod layer;
pub mod layout;
pub mod legend;
pub mod lod;
pub mod measure;
pub mod print_scale;
pub mod properties;
pub mod search;
pub mod session;
pub mod spread;
pub mod stacks;
pub mod style;
pub mod table;
pub mod triangulate;
pub mod units;
pub mod view;
pub mod views;
pub mod world_path;

/// A serde_json error's message without its trailing "at line L column C" (callers report the
/// position in their own words).
pub(crate) fn json_error_text(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.find(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}
