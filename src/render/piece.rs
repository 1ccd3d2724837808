//! The draw batch of the thematic layers: plain pieces in screen points, built once per render
//! and handed to one of two backends — egui shapes (a mesh, for small data the GPU draws and
//! moves) or the path rasteriser ([`super::raster::paths`], for dense data, straight into
//! pixels without triangles). Both draw the same pieces in the same order.

use egui::epaint::CircleShape;
use egui::{Color32, Mesh, Shape};

use super::View;
use crate::model::layer::DrawnPolygon;
use crate::model::triangulate::FilledArea;
use crate::model::view::WorldPos;

/// One thing to draw.
#[derive(Clone, Debug)]
pub enum Piece<'a> {
    /// A filled area: a polygon (outer ring, then holes) of a feature as drawn at the view's
    /// level of detail, in world space; the mesh backend triangulates it, the path rasteriser
    /// fills its rings (even-odd) and never triangulates.
    Area {
        /// The polygon, borrowed from its feature.
        polygon: DrawnPolygon<'a>,
        /// Its fill.
        color: Color32,
    },
    /// A circle in screen points (a marker, a halo, a dot of a dotted ring), held in the
    /// piece: a dense point layer is a million of these, and the path rasteriser stamps them.
    Circle(CircleShape),
    /// Anything else, already in screen points: lines, casings, dots; boxed, so that a piece
    /// stays 32 bytes (an egui shape is 64).
    Shape(Box<Shape>),
}

impl From<Shape> for Piece<'_> {
    fn from(shape: Shape) -> Self {
        match shape {
            Shape::Circle(c) => Self::Circle(c),
            other => Self::Shape(Box::new(other)),
        }
    }
}

/// Points the pieces hold (ring vertices, path points, two per segment, one per circle): how
/// heavy the batch is to draw as a mesh.
pub fn point_count(pieces: &[Piece<'_>]) -> usize {
    fn shape_points(s: &Shape) -> usize {
        match s {
            Shape::Path(p) => p.points.len(),
            Shape::LineSegment { .. } => 2,
            Shape::Vec(v) => v.iter().map(shape_points).sum(),
            Shape::Mesh(m) => m.vertices.len(),
            Shape::Noop => 0,
            _ => 4,
        }
    }
    pieces
        .iter()
        .map(|p| match p {
            Piece::Area { polygon, .. } => polygon.rings.iter().map(|r| r.count()).sum(),
            Piece::Circle(_) => 4,
            Piece::Shape(s) => shape_points(s),
        })
        .sum()
}

/// The pieces as egui shapes (areas as triangle meshes), in order.
pub fn into_shapes(pieces: Vec<Piece<'_>>, view: &View) -> Vec<Shape> {
    pieces
        .into_iter()
        .map(|p| match p {
            Piece::Area { polygon, color } => {
                let mut mesh = Mesh::default();
                let points = polygon.rings.iter().flat_map(|r| r.iter());
                add_triangles(view, points, &polygon.triangles(), color, &mut mesh);
                Shape::mesh(mesh)
            }
            Piece::Circle(c) => Shape::Circle(c),
            Piece::Shape(s) => *s,
        })
        .collect()
}

/// An area's triangles (made once) on screen, appended to `out`.
pub fn fill_mesh(view: &View, area: &FilledArea, color: Color32, out: &mut Mesh) {
    add_triangles(
        view,
        area.points.iter().copied(),
        &area.triangles,
        color,
        out,
    );
}

/// Triangles over `points` (world space, in ring order) on screen, appended to `out`.
pub fn add_triangles(
    view: &View,
    points: impl Iterator<Item = WorldPos>,
    triangles: &[u32],
    color: Color32,
    out: &mut Mesh,
) {
    let base = out.vertices.len() as u32;
    out.vertices.extend(points.map(|w| egui::epaint::Vertex {
        pos: view.pos(w),
        uv: egui::epaint::WHITE_UV,
        color,
    }));
    out.indices.extend(triangles.iter().map(|i| base + i));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_piece_is_small_and_circles_are_held_inline() {
        // A dense point layer's batch is a piece a marker: 32 bytes, where an egui shape
        // takes 64.
        assert!(std::mem::size_of::<Piece<'_>>() <= 32);
        let c = Shape::circle_filled(egui::Pos2::new(1.0, 2.0), 3.0, Color32::RED);
        assert!(matches!(Piece::from(c), Piece::Circle(_)));
        let line = Shape::line_segment(
            [egui::Pos2::ZERO, egui::Pos2::new(1.0, 1.0)],
            (1.0, Color32::RED),
        );
        assert!(matches!(Piece::from(line), Piece::Shape(_)));
    }
}
