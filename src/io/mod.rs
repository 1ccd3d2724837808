//! Reading files. Errors name the file, the place in it and the problem.

pub mod basemap_assets;
pub mod catalog;
pub mod clipboard;
pub mod crash;
pub mod fast_feature;
pub mod geojson;
pub mod info;
pub mod memory;
pub mod png;
pub mod repair;
pub mod save_path;
pub mod text;
