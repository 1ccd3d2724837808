//! The pure core: no egui, no walkers. Everything here is unit-tested without a window.

pub mod basemap;
pub mod boundary;
pub mod catalog;
pub mod confidence;
pub mod hit_test;
pub mod index;
pub mod labels;
pub mod layer;
pub mod measure;
pub mod style;
pub mod triangulate;
pub mod units;
pub mod view;
