//! The layers drawn once into one tessellated mesh and reused while nothing they depend on
//! changes. The mesh covers the view and a margin around it, so panning at the same zoom moves
//! it instead of rebuilding it; a new zoom, style, selection or layer set rebuilds it.

use std::sync::Arc;

use egui::epaint::{Mesh, Shape, TessellationOptions, Tessellator};
use egui::{Rect, Vec2};

use super::{BoxPx, FeatureRef, View, layer_shapes};
use crate::model::layer::Layer;
use crate::model::style::Categories;
use crate::model::view::{WorldPos, WorldRect};

/// What a batch depends on besides where the view is.
#[derive(Clone, Copy, Debug, PartialEq)]
struct BatchKey {
    zoom: f64,
    pixels_per_point: f32,
    size: Vec2,
    generation: u64,
    selected: Option<FeatureRef>,
}

/// A cached batch of the layers.
#[derive(Default)]
pub struct LayerBatch {
    built: Option<Built>,
    /// Times the batch was rebuilt (for tests and the benchmark).
    pub rebuilds: u64,
}

struct Built {
    key: BatchKey,
    /// The world area the mesh covers.
    covers: WorldRect,
    /// Where world (0, 0) was on screen when built.
    origin_pt: [f64; 2],
    mesh: Arc<Mesh>,
    marker_boxes: Vec<BoxPx>,
}

/// Share of the view's size added on each side when a batch is built.
const MARGIN: f32 = 0.5;

impl LayerBatch {
    /// The layers as one mesh for `view`, and the boxes of their markers. `generation` changes
    /// whenever the layers, their styles or visibility change.
    pub fn shapes(
        &mut self,
        layers: &[Layer],
        categories: Option<&Categories>,
        view: &View,
        selected: Option<FeatureRef>,
        generation: u64,
        options: TessellationOptions,
    ) -> (Shape, Vec<BoxPx>) {
        let key = BatchKey {
            zoom: view.transform.zoom(),
            pixels_per_point: view.pixels_per_point,
            size: view.rect.size(),
            generation,
            selected,
        };
        let visible = view.visible_world(0.0);
        let origin = view.transform.to_screen(WorldPos::new(0.0, 0.0));
        let reusable = self
            .built
            .as_ref()
            .is_some_and(|b| b.key == key && b.covers.contains_rect(&visible));
        if !reusable {
            self.rebuilds += 1;
            let margin = view.rect.size() * MARGIN;
            let wide = View {
                rect: Rect::from_min_max(view.rect.min - margin, view.rect.max + margin),
                ..*view
            };
            let (shapes, marker_boxes) = layer_shapes(layers, categories, &wide, selected);
            let mesh = tessellate(shapes, view.pixels_per_point, options);
            self.built = Some(Built {
                key,
                covers: wide.visible_world(0.0),
                origin_pt: origin,
                mesh: Arc::new(mesh),
                marker_boxes,
            });
        }
        let Some(b) = &self.built else {
            return (Shape::Noop, Vec::new());
        };
        let shift = Vec2::new(
            (origin[0] - b.origin_pt[0]) as f32,
            (origin[1] - b.origin_pt[1]) as f32,
        );
        if shift == Vec2::ZERO {
            return (Shape::Mesh(Arc::clone(&b.mesh)), b.marker_boxes.clone());
        }
        let mut mesh = (*b.mesh).clone();
        mesh.translate(shift);
        let boxes = b
            .marker_boxes
            .iter()
            .map(|m| BoxPx {
                min: [m.min[0] + shift.x, m.min[1] + shift.y],
                max: [m.max[0] + shift.x, m.max[1] + shift.y],
            })
            .collect();
        (Shape::mesh(mesh), boxes)
    }
}

/// Shapes below this count are tessellated on one thread.
const PARALLEL_FROM: usize = 4096;

/// Tessellate `shapes` into one mesh, in order, splitting the work over the machine's cores.
fn tessellate(shapes: Vec<Shape>, pixels_per_point: f32, options: TessellationOptions) -> Mesh {
    let one = |chunk: Vec<Shape>| {
        let mut tessellator = Tessellator::new(pixels_per_point, options, [1, 1], Vec::new());
        let mut mesh = Mesh::default();
        for shape in chunk {
            tessellator.tessellate_shape(shape, &mut mesh);
        }
        mesh
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(8);
    if threads < 2 || shapes.len() < PARALLEL_FROM {
        return one(shapes);
    }
    let per_thread = shapes.len().div_ceil(threads);
    let mut chunks = Vec::with_capacity(threads);
    let mut rest = shapes;
    while rest.len() > per_thread {
        let tail = rest.split_off(per_thread);
        chunks.push(rest);
        rest = tail;
    }
    chunks.push(rest);
    let meshes: Vec<Mesh> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|c| scope.spawn(move || one(c)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut mesh = Mesh::default();
    for m in meshes {
        mesh.append(m);
    }
    mesh
}
