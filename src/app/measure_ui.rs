//! Measuring on the map: distance along clicked points, or the area of a clicked polygon,
//! geodesic on WGS84 (geo), in km and km². Esc clears.

use egui::{Color32, Pos2, Shape, Stroke};

use crate::model::measure::{path_length_m, polygon_area_m2};
use crate::model::units::group_thousands;
use crate::model::view::LonLat;
use crate::render::{View, polygon_fill_shape};

/// What is measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeasureMode {
    /// Length of the path through the points.
    Distance,
    /// Area of the polygon through the points.
    Area,
}

/// A measurement in progress.
#[derive(Clone, Debug, PartialEq)]
pub struct Measure {
    /// Distance or area.
    pub mode: MeasureMode,
    /// The clicked points.
    pub points: Vec<LonLat>,
}

impl Measure {
    /// The result as text, e.g. "Distance 1,033.9 km (2 points)".
    pub fn summary(&self) -> String {
        let n = self.points.len();
        match self.mode {
            MeasureMode::Distance => format!(
                "Distance {} km ({n} points) — click to add points, Esc clears",
                group_thousands((path_length_m(&self.points) / 100.0).round() / 10.0)
            ),
            MeasureMode::Area => format!(
                "Area {} km² ({n} points) — click to add corners, Esc clears",
                group_thousands((polygon_area_m2(&self.points) / 1e5).round() / 10.0)
            ),
        }
    }

    /// The path or polygon on the map.
    pub fn shapes(&self, view: &View) -> Vec<Shape> {
        let pts: Vec<Pos2> = self.points.iter().map(|p| view.pos(p.to_world())).collect();
        let ink = Color32::from_rgb(0x1A, 0x1A, 0x1A);
        let mut out = Vec::new();
        if self.mode == MeasureMode::Area && pts.len() >= 3 {
            let world: Vec<_> = self.points.iter().map(|p| p.to_world()).collect();
            out.push(polygon_fill_shape(
                view,
                &world,
                Color32::from_black_alpha(30),
            ));
        }
        let mut path = pts.clone();
        if self.mode == MeasureMode::Area && pts.len() >= 3 {
            path.push(pts[0]);
        }
        if path.len() >= 2 {
            out.push(Shape::line(path.clone(), Stroke::new(4.0, Color32::WHITE)));
            for run in crate::render::clip_polyline(&path, crate::render::PATTERN_BOUNDS) {
                out.extend(Shape::dashed_line(&run, Stroke::new(2.0, ink), 8.0, 5.0));
            }
        }
        for p in pts {
            out.push(Shape::circle_filled(p, 4.0, Color32::WHITE));
            out.push(Shape::circle_stroke(p, 4.0, Stroke::new(1.5, ink)));
        }
        out
    }
}
