//! The CPU rasterisers, shared by the screen's background renders and every export:
//! [`paths`] draws the layers' pieces (and, later, vector tiles) straight into pixels;
//! [`mesh`] draws egui's tessellated output (text, the page around the map, small meshes) as
//! egui's GPU backends do.

pub mod mesh;
pub mod paths;
pub mod stamp;
