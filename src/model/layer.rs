//! Layers and features: geometry projected once into world space, for drawing and
//! hit-testing (longitude/latitude are derived from it to measure); a multipolygon's polygons
//! in one compact part.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use super::properties::Properties;

use super::confidence::Confidence;
use super::index::FeatureIndex;
use super::label_language::{LabelLanguage, LocalNames};
use super::lod::{Kept, level_for_zoom, push_ranks};
use super::measure::{geodesic_area_m2, geodesic_length_m};
use super::style::LayerStyle;
use super::triangulate::{open_ring, triangulate};
use super::view::{LonLat, WorldPos, WorldRect};
use super::world_path::{GridRect, PathBuilder, PathView, WorldPath};

/// The properties every feature of the map content carries: what it is and the evidence for
/// it (`source`, `confidence`).
pub const EVIDENCE_PROPERTIES: [&str; 7] = [
    "name",
    "corridor",
    "category",
    "status",
    "description",
    "source",
    "confidence",
];

/// A feature's names in Urdu and Chinese and where each comes from (a source's own name, or
/// "translated here"), shown together in the inspector.
pub const NAME_PROPERTIES: [&str; 4] = ["name_ur", "name_ur_source", "name_zh", "name_zh_source"];

/// What a line carries about its drawing (shown in their own places in the inspector): where
/// the geometry comes from, how sure it is (`A` traced, `schematic`), the official length and a
/// note on why the drawn one differs.
pub const LINE_PROPERTIES: [&str; 4] = [
    "geometry_source",
    "geometry_confidence",
    "length_km_official",
    "length_note",
];

/// One or more polygons with holes in world space, stored as GeoArrow stores a multipolygon:
/// the vertices of every ring in one path, and where each ring ends. A multipolygon of many
/// small polygons takes about its vertices' size (8 bytes a vertex, 4 a ring), not a part,
/// a ring list and a path of their own for each polygon.
#[derive(Clone, Debug, PartialEq)]
pub struct WorldAreas {
    /// Every ring's vertices, in order (outer ring then holes, polygon after polygon; each
    /// ring open, without a repeated closing vertex).
    points: WorldPath,
    /// Each ring's end in `points` (exclusive), in order; [`LAST_RING`] set on a polygon's
    /// last ring.
    ring_ends: Box<[u32]>,
}

/// The flag on a ring's end that closes its polygon.
const LAST_RING: u32 = 1 << 31;

impl WorldAreas {
    /// Polygons from their rings (each polygon's outer ring first, then its holes; rings
    /// open), for tests and shapes made in code; rings under three vertices are left out.
    pub fn new(polygons: Vec<Vec<Vec<WorldPos>>>) -> Option<Self> {
        let mut builder = AreasBuilder::default();
        for polygon in polygons {
            builder.polygon(&polygon);
        }
        builder.finish()
    }

    /// Every vertex of every ring, in order.
    pub fn points(&self) -> PathView<'_> {
        self.points.view()
    }

    /// Every ring of every polygon, in order.
    pub fn rings(&self) -> impl Iterator<Item = PathView<'_>> + '_ {
        self.polygons().flat_map(|p| p.rings())
    }

    /// Its polygons, in order.
    pub fn polygons(&self) -> impl Iterator<Item = PolygonView<'_>> + '_ {
        let (mut start, mut first_ring) = (0, 0);
        let last_rings = self
            .ring_ends
            .iter()
            .enumerate()
            .filter(|(_, end)| *end & LAST_RING != 0);
        last_rings.map(move |(i, &end)| {
            let polygon = PolygonView {
                points: self.points.view(),
                start,
                ring_ends: &self.ring_ends[first_ring..=i],
            };
            (start, first_ring) = ((end & !LAST_RING) as usize, i + 1);
            polygon
        })
    }
}

/// One polygon of a [`WorldAreas`], borrowed.
#[derive(Clone, Copy, Debug)]
pub struct PolygonView<'a> {
    /// The whole store's vertices.
    points: PathView<'a>,
    /// Where its first ring starts in them.
    start: usize,
    /// Its rings' ends in them.
    ring_ends: &'a [u32],
}

impl<'a> PolygonView<'a> {
    /// Its rings: the outer one, then its holes.
    pub fn rings(self) -> impl Iterator<Item = PathView<'a>> + 'a {
        let (points, mut start) = (self.points, self.start);
        self.ring_ends.iter().map(move |&end| {
            let end = (end & !LAST_RING) as usize;
            let ring = points.slice(start, end);
            start = end;
            ring
        })
    }
}

/// Polygons gathered into one [`WorldAreas`].
#[derive(Debug, Default)]
struct AreasBuilder {
    points: PathBuilder,
    ring_ends: Vec<u32>,
}

impl AreasBuilder {
    /// Vertices a store can hold: a ring's end must leave its top bit free.
    const MAX_POINTS: usize = (LAST_RING - 1) as usize;

    /// A polygon from its rings (outer first, then holes; open): rings under three vertices
    /// are left out, and a polygon with none. False, and nothing kept, where it would take
    /// the store past [`Self::MAX_POINTS`] (2³¹ vertices, 17 GB: no file that fits in memory
    /// has one).
    fn polygon(&mut self, rings: &[Vec<WorldPos>]) -> bool {
        let kept = || rings.iter().filter(|r| r.len() >= 3);
        if !self.can_take(kept().map(Vec::len).sum()) {
            return false;
        }
        for ring in kept() {
            self.points.extend(ring);
            self.ring_ends.push(self.points.len() as u32);
        }
        // The polygon's last ring closes it (a polygon with no ring kept flags nothing new).
        if let Some(last) = self.ring_ends.last_mut() {
            *last |= LAST_RING;
        }
        true
    }

    /// Whether a polygon of `n` more vertices fits.
    fn can_take(&self, n: usize) -> bool {
        self.points.len() + n <= Self::MAX_POINTS
    }

    /// Whether a polygon of `n` more vertices would not fit in this store, which holds some:
    /// finish it first.
    fn is_full_for(&self, n: usize) -> bool {
        !self.points.is_empty() && !self.can_take(n)
    }

    /// The store of every polygon given; `None` without one.
    fn finish(self) -> Option<WorldAreas> {
        (!self.ring_ends.is_empty()).then(|| WorldAreas {
            points: self.points.finish(),
            ring_ends: self.ring_ends.into_boxed_slice(),
        })
    }
}

/// A line or area as drawn at some zoom, borrowed from a feature.
#[derive(Clone, Debug)]
pub enum Drawn<'a> {
    /// A polyline.
    Line(Kept<'a>),
    /// A polygon with holes.
    Polygon(DrawnPolygon<'a>),
    /// Something smaller than a pixel.
    Dot(WorldPos),
}

/// A polygon as drawn at some zoom: the rings kept (outer first; holes under a pixel left
/// out), each with its vertices kept at that zoom.
#[derive(Clone, Debug)]
pub struct DrawnPolygon<'a> {
    /// Its rings as drawn.
    pub rings: Vec<Kept<'a>>,
}

impl DrawnPolygon<'_> {
    /// Triangle indices into the concatenation of the rings as drawn (made when it is drawn
    /// as a mesh: the path rasteriser fills rings and never asks).
    pub fn triangles(&self) -> Vec<u32> {
        let rings: Vec<Vec<WorldPos>> = self.rings.iter().map(|r| r.iter().collect()).collect();
        triangulate(&rings)
    }
}

/// One drawable piece of a feature's geometry, in world space.
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    /// A point marker.
    Point(WorldPos),
    /// A multipoint's markers, its positions in one path's compact storage (8 bytes a
    /// position, where a part of its own each would take a part's size).
    Points(WorldPath),
    /// A polyline.
    Line(WorldPath),
    /// Polygons with holes: a polygon's, or all of a multipolygon's in one store.
    Areas(WorldAreas),
}

impl Part {
    /// Where its point markers go: a point's one, a multipoint's each; none for a line or
    /// an area.
    pub fn markers(&self) -> impl Iterator<Item = WorldPos> + '_ {
        let (one, many) = match self {
            Self::Point(p) => (Some(*p), None),
            Self::Points(ps) => (None, Some(ps.iter())),
            Self::Line(_) | Self::Areas(_) => (None, None),
        };
        one.into_iter().chain(many.into_iter().flatten())
    }
}

/// A feature's parts: one (a point, a line, a polygon or a multipolygon: most features) is
/// held in the feature itself; more in an allocation of their own.
pub type Parts = smallvec::SmallVec<[Part; 1]>;

/// The geometry types of GeoJSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GeometryKind {
    /// One position.
    Point,
    /// Several positions.
    MultiPoint,
    /// One line.
    LineString,
    /// Several lines.
    MultiLineString,
    /// One area, with holes.
    Polygon,
    /// Several areas.
    MultiPolygon,
    /// A mix of the above.
    GeometryCollection,
}

impl GeometryKind {
    fn of(g: &geo::Geometry<f64>) -> Self {
        use geo::Geometry as G;
        match g {
            G::Point(_) => Self::Point,
            G::MultiPoint(_) => Self::MultiPoint,
            G::Line(_) | G::LineString(_) => Self::LineString,
            G::MultiLineString(_) => Self::MultiLineString,
            G::Polygon(_) | G::Rect(_) | G::Triangle(_) => Self::Polygon,
            G::MultiPolygon(_) => Self::MultiPolygon,
            G::GeometryCollection(_) => Self::GeometryCollection,
        }
    }

    /// Its GeoJSON name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Point => "Point",
            Self::MultiPoint => "MultiPoint",
            Self::LineString => "LineString",
            Self::MultiLineString => "MultiLineString",
            Self::Polygon => "Polygon",
            Self::MultiPolygon => "MultiPolygon",
            Self::GeometryCollection => "GeometryCollection",
        }
    }
}

/// One feature of a layer.
#[derive(Clone, Debug)]
pub struct Feature {
    /// Its display name: given, or where in its properties it is (see [`Feature::name`]).
    name: FeatureName,
    /// All properties as loaded, in file order.
    pub properties: Properties,
    /// The type of geometry the feature was given; `None` for a feature without a position
    /// (e.g. a planned laboratory whose site is not announced).
    pub kind: Option<GeometryKind>,
    /// The geometry in world space, ready to draw: the only copy of its coordinates
    /// (longitude/latitude are derived from it by [`Feature::geometry`]).
    pub parts: Parts,
    /// Its bounding box on the vertices' grid (see [`Feature::bbox`]); empty without
    /// geometry.
    grid_bbox: GridRect,
    /// Level of detail: the rank of every vertex of its lines and rings, in order (see
    /// [`super::lod`]); empty for points.
    pub ranks: Box<[u8]>,
    /// Its geodesic measures: taken when first asked for.
    measures: OnceLock<Measures>,
}

/// Where a feature's display name comes from. A name read from the data stays in its
/// properties and is not held twice (a million points with a name each would hold a million
/// copies).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeatureName {
    /// Given with the feature (the map content's, the basemap's).
    Given(Box<str>),
    /// The text of its property of this key (the key's text shared with its file's other
    /// features).
    Property(Arc<str>),
    /// No name in its data: shown as "Feature N", N its place in its file from 1.
    Numbered(u32),
}

impl FeatureName {
    /// The name of a feature read from a file, the `index`th (from 0): its `name` property
    /// (or `Name`, `NAME`, `title`, `name:en`, `name_en`), else its first text property that
    /// is not a style or an identifier (QGIS and Overpass files often name by another key),
    /// else its number.
    pub fn of(properties: &Properties, index: usize) -> Self {
        const NAME_KEYS: [&str; 6] = ["name", "Name", "NAME", "title", "name:en", "name_en"];
        const NOT_NAMES: [&str; 6] = [
            "stroke",
            "fill",
            "marker-color",
            "marker-size",
            "marker-symbol",
            "@id",
        ];
        // Keys are unique within a feature's properties, so a key's place is its property's.
        let named = NAME_KEYS.iter().find_map(|k| {
            properties
                .iter()
                .position(|(key, v)| key == *k && v.as_str().is_some())
        });
        let any_text = || {
            properties.iter().position(|(k, v)| {
                !NOT_NAMES.contains(&k) && v.as_str().is_some_and(|s| !s.trim().is_empty())
            })
        };
        match named.or_else(any_text).and_then(|i| properties.key(i)) {
            Some(key) => Self::Property(key),
            None => Self::Numbered(u32::try_from(index.saturating_add(1)).unwrap_or(u32::MAX)),
        }
    }
}

impl From<String> for FeatureName {
    fn from(name: String) -> Self {
        Self::Given(name.into_boxed_str())
    }
}

impl From<&str> for FeatureName {
    fn from(name: &str) -> Self {
        Self::Given(name.into())
    }
}

/// A feature's geodesic measures (WGS84), kept in single precision (8 bytes a feature, not
/// 16): a metre in 16 000 km, far finer than the inspector shows them.
#[derive(Clone, Copy, Debug)]
struct Measures {
    /// Length of its lines and rings, metres.
    length_m: f32,
    /// Area of its polygons, holes left out, square metres.
    area_m2: f32,
}

impl Feature {
    /// Its display name: its own, its name property's, or "Feature N".
    pub fn name(&self) -> Cow<'_, str> {
        match &self.name {
            FeatureName::Given(name) => Cow::Borrowed(name),
            FeatureName::Property(key) => Cow::Borrowed(self.text(key).unwrap_or_default()),
            FeatureName::Numbered(n) => Cow::Owned(format!("Feature {n}")),
        }
    }

    /// Where its name comes from (kept when the feature is rebuilt with new geometry).
    pub fn name_source(&self) -> &FeatureName {
        &self.name
    }

    /// Its position when it is one point (a `Point`, not a multipoint).
    pub fn single_point(&self) -> Option<WorldPos> {
        match self.parts.as_slice() {
            [Part::Point(w)] => Some(*w),
            _ => None,
        }
    }

    /// Build a feature, projecting and ranking its geometry once.
    pub fn new(
        name: impl Into<FeatureName>,
        properties: impl Into<Properties>,
        geometry: Option<geo::Geometry<f64>>,
    ) -> Self {
        let properties = properties.into();
        let mut parts = Parts::new();
        let mut ranks = Vec::new();
        let kind = geometry.as_ref().map(GeometryKind::of);
        if let Some(g) = geometry {
            collect_parts(g, &mut parts, &mut ranks);
        }
        // Parts past the first in an allocation of their exact size (one stays inline).
        parts.shrink_to_fit();
        let bbox = WorldRect::from_points(parts.iter().flat_map(part_points));
        Self {
            name: name.into(),
            properties,
            kind,
            parts,
            grid_bbox: bbox.map_or(GridRect::EMPTY, GridRect::around),
            ranks: ranks.into_boxed_slice(),
            measures: OnceLock::new(),
        }
    }

    /// World-space bounding box, `None` without geometry: the grid's smallest box around its
    /// vertices (a point's is 3.7 cm across; 16 bytes a feature, not 40).
    pub fn bbox(&self) -> Option<WorldRect> {
        self.grid_bbox.non_empty().map(GridRect::rect)
    }

    /// The lines and areas to draw at `zoom`: simplified to its level, or the full geometry
    /// beyond the finest; lines and outer rings under a pixel as dots.
    pub fn lines_and_areas_at<'a>(&'a self, zoom: f64) -> Vec<Drawn<'a>> {
        let level = level_for_zoom(zoom).filter(|_| !self.ranks.is_empty());
        let mut offset = 0;
        let ranks: &[u8] = &self.ranks;
        let mut kept = |points: PathView<'a>| -> Kept<'a> {
            let k = match level {
                Some(level) => Kept::at(points, &ranks[offset..offset + points.len()], level),
                None => Kept::full(points),
            };
            offset += points.len();
            k
        };
        let mut out = Vec::new();
        for part in &self.parts {
            match part {
                Part::Point(_) | Part::Points(_) => {}
                Part::Line(l) => {
                    let k = kept(l.view());
                    out.push(if k.count() < 2 {
                        Drawn::Dot(k.centre())
                    } else {
                        Drawn::Line(k)
                    });
                }
                Part::Areas(areas) => {
                    for polygon in areas.polygons() {
                        // Every ring is taken (in order: the ranks run on), each counted once.
                        let rings: Vec<(Kept<'a>, usize)> = polygon
                            .rings()
                            .map(|r| {
                                let k = kept(r);
                                (k, k.count())
                            })
                            .collect();
                        match rings.first() {
                            Some((outer, n)) if *n < 3 => out.push(Drawn::Dot(outer.centre())),
                            Some(_) => out.push(Drawn::Polygon(DrawnPolygon {
                                rings: rings
                                    .into_iter()
                                    .filter(|(_, n)| *n >= 3)
                                    .map(|(k, _)| k)
                                    .collect(),
                            })),
                            None => {}
                        }
                    }
                }
            }
        }
        out
    }

    /// Geodesic length (WGS84) of its lines and polygon rings, in metres; 0 for points and
    /// features without a position. Measured once, on the first call (the inspector asks
    /// every frame).
    pub fn length_m(&self) -> f64 {
        f64::from(self.measures().length_m)
    }

    /// Geodesic area (WGS84) of its polygons, holes left out, in square metres; 0 without
    /// polygons. Measured once, on the first call.
    pub fn area_m2(&self) -> f64 {
        f64::from(self.measures().area_m2)
    }

    fn measures(&self) -> Measures {
        *self.measures.get_or_init(|| {
            let geometry = self.geometry();
            Measures {
                length_m: geometry.as_ref().map_or(0.0, geodesic_length_m) as f32,
                area_m2: geometry.as_ref().map_or(0.0, geodesic_area_m2) as f32,
            }
        })
    }

    /// A string property, if present.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.properties.get(key).and_then(|v| v.as_str())
    }

    /// The feature's confidence grade, if it carries a valid one.
    pub fn confidence(&self) -> Option<Confidence> {
        self.text("confidence").and_then(Confidence::parse)
    }

    /// Its name in a language (`"ur"`, `"zh"`) where its data gives one: `name_ur` (the map
    /// content's), `name:ur` (OpenStreetMap's) or `NAME_UR` (Natural Earth's).
    pub fn local_name(&self, language_code: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|(k, _)| {
                k.len() == 5 + language_code.len()
                    && k[..4].eq_ignore_ascii_case("name")
                    && matches!(k.as_bytes()[4], b'_' | b':')
                    && k[5..].eq_ignore_ascii_case(language_code)
            })
            .and_then(|(_, v)| v.as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// Its Urdu and Chinese names, where its data gives them (see [`Feature::local_name`]).
    pub fn local_names(&self) -> LocalNames {
        LocalNames {
            ur: self.local_name("ur").map(str::to_string),
            zh: self.local_name("zh").map(str::to_string),
        }
    }

    /// Its name as the map's labels show it in `language` (the English name where the data
    /// has none in that language).
    pub fn name_in(&self, language: LabelLanguage) -> String {
        language.text(&self.name(), self.local_name("ur"), self.local_name("zh"))
    }

    /// Whether its geometry is a schematic alignment (no traced route), as
    /// `geometry_confidence: "schematic"` says.
    pub fn is_schematic(&self) -> bool {
        self.text("geometry_confidence") == Some("schematic")
    }

    /// Whether the feature has a position to draw.
    pub fn is_located(&self) -> bool {
        !self.parts.is_empty()
    }

    /// The name of its geometry type (`"Point"`, `"LineString"`, …, or `"null"`).
    pub fn geometry_type(&self) -> &'static str {
        self.kind.map_or("null", GeometryKind::name)
    }

    /// The geometry in longitude/latitude degrees, derived from the world coordinates (a line
    /// across the antimeridian keeps its continuous longitudes, e.g. 181°); `None` without a
    /// position. Polygon rings come back closed; a collection comes back flat.
    pub fn geometry(&self) -> Option<geo::Geometry<f64>> {
        use geo::Geometry as G;
        let kind = self.kind?;
        if self.parts.is_empty() {
            return None;
        }
        let mut points = Vec::new();
        let mut lines = Vec::new();
        let mut polygons = Vec::new();
        for part in &self.parts {
            match part {
                Part::Point(p) => points.push(geo::Point(lon_lat(*p))),
                Part::Points(ps) => points.extend(ps.iter().map(|p| geo::Point(lon_lat(p)))),
                Part::Line(l) => lines.push(geo::LineString(l.iter().map(lon_lat).collect())),
                Part::Areas(areas) => {
                    for polygon in areas.polygons() {
                        let mut rings = polygon.rings().map(|r| {
                            geo::LineString(r.iter().chain(r.first()).map(lon_lat).collect())
                        });
                        let outer = rings.next().unwrap_or_else(|| geo::LineString(Vec::new()));
                        polygons.push(geo::Polygon::new(outer, rings.collect()));
                    }
                }
            }
        }
        Some(match kind {
            GeometryKind::Point => G::Point(points.pop()?),
            GeometryKind::MultiPoint => G::MultiPoint(geo::MultiPoint(points)),
            GeometryKind::LineString => G::LineString(lines.pop()?),
            GeometryKind::MultiLineString => G::MultiLineString(geo::MultiLineString(lines)),
            GeometryKind::Polygon => G::Polygon(polygons.pop()?),
            GeometryKind::MultiPolygon => G::MultiPolygon(geo::MultiPolygon(polygons)),
            GeometryKind::GeometryCollection => G::GeometryCollection(geo::GeometryCollection(
                points
                    .into_iter()
                    .map(G::Point)
                    .chain(lines.into_iter().map(G::LineString))
                    .chain(polygons.into_iter().map(G::Polygon))
                    .collect(),
            )),
        })
    }
}

/// Longitude/latitude of a world position, as a geo coordinate.
fn lon_lat(p: WorldPos) -> geo::Coord<f64> {
    let ll = LonLat::from_world(p);
    geo::coord! { x: ll.lon, y: ll.lat }
}

fn world(c: geo::Coord<f64>) -> WorldPos {
    LonLat::new(c.x, c.y).to_world()
}

/// A line or ring in world space, continuous across the antimeridian: where a step in
/// longitude is longer than half the world, it is taken the short way round (so x may leave
/// 0–1), instead of a smear across the whole map. A step between two points on the
/// antimeridian itself (±180°, as data cut there has, e.g. Antarctica's southern edge) runs
/// along the edge of the map, not across it, and is kept as it is.
///
/// The positions are made in place: a coordinate and a world position are the same size, so a
/// huge ring's positions take over its coordinates' memory instead of being held beside them.
fn world_path(coords: Vec<geo::Coord<f64>>) -> Vec<WorldPos> {
    let on_antimeridian = |lon: f64| (lon.abs() - 180.0).abs() < 1e-6;
    let mut shift = 0.0;
    let mut previous_lon: Option<f64> = None;
    coords
        .into_iter()
        .map(|c| {
            if let Some(p) = previous_lon
                && !(on_antimeridian(p) && on_antimeridian(c.x))
            {
                let step = c.x - p;
                if step > 180.0 {
                    shift -= 1.0;
                } else if step < -180.0 {
                    shift += 1.0;
                }
            }
            previous_lon = Some(c.x);
            let w = world(c);
            WorldPos::new(w.x + shift, w.y)
        })
        .collect()
}

/// Polygons' rings in world space, each ranked (appended to `ranks`) and stored together in
/// one part (more only past a store's size), appended to `out`; rings under three vertices are
/// left out, and a polygon with none.
fn areas(polygons: impl Iterator<Item = geo::Polygon<f64>>, out: &mut Parts, ranks: &mut Vec<u8>) {
    let mut builder = AreasBuilder::default();
    for p in polygons {
        let (exterior, interiors) = p.into_inner();
        let rings: Vec<Vec<WorldPos>> = std::iter::once(exterior)
            .chain(interiors)
            .map(|r| open_ring(world_path(r.0)))
            .filter(|r| r.len() >= 3)
            .collect();
        let n = rings.iter().map(Vec::len).sum();
        if builder.is_full_for(n) {
            out.extend(std::mem::take(&mut builder).finish().map(Part::Areas));
        }
        if !builder.can_take(n) {
            continue;
        }
        // Ranked before it is stored: the ranking's scratch is given back before the store
        // grows (one polygon of 2 M vertices peaks 16 MB lower).
        for ring in &rings {
            push_ranks(ring, true, ranks);
        }
        builder.polygon(&rings);
    }
    out.extend(builder.finish().map(Part::Areas));
}

/// A line or ring, ranked for level of detail (see [`super::lod`]) at full precision, then
/// stored compactly.
fn stored(points: Vec<WorldPos>, ring: bool, ranks: &mut Vec<u8>) -> WorldPath {
    push_ranks(&points, ring, ranks);
    WorldPath::new(&points)
}

/// The drawable parts of a geometry, appended to `out`, the ranks of their vertices to `ranks`.
/// The geometry is taken apart as it goes (see [`world_path`]).
fn collect_parts(g: geo::Geometry<f64>, out: &mut Parts, ranks: &mut Vec<u8>) {
    use geo::Geometry as G;
    let mut line = |coords: Vec<geo::Coord<f64>>, out: &mut Parts| {
        out.push(Part::Line(stored(world_path(coords), false, ranks)));
    };
    match g {
        G::Point(p) => out.push(Part::Point(world(p.0))),
        G::MultiPoint(mp) if mp.0.is_empty() => {}
        G::MultiPoint(mp) => {
            let points: Vec<WorldPos> = mp.iter().map(|p| world(p.0)).collect();
            out.push(Part::Points(WorldPath::new(&points)));
        }
        G::Line(l) => line(vec![l.start, l.end], out),
        G::LineString(ls) => line(ls.0, out),
        G::MultiLineString(mls) => mls.0.into_iter().for_each(|ls| line(ls.0, out)),
        G::Polygon(p) => areas(std::iter::once(p), out, ranks),
        G::MultiPolygon(mp) => areas(mp.0.into_iter(), out, ranks),
        G::Rect(r) => areas(std::iter::once(r.to_polygon()), out, ranks),
        G::Triangle(t) => areas(std::iter::once(t.to_polygon()), out, ranks),
        G::GeometryCollection(gc) => gc.0.into_iter().for_each(|g| collect_parts(g, out, ranks)),
    }
}

/// Every vertex of a part.
pub fn part_points(part: &Part) -> Box<dyn Iterator<Item = WorldPos> + '_> {
    match part {
        Part::Point(p) => Box::new(std::iter::once(*p)),
        Part::Points(ps) | Part::Line(ps) => Box::new(ps.iter()),
        Part::Areas(areas) => Box::new(areas.points().iter()),
    }
}

/// Whether most of the located features of `features` are areas (polygons): such a layer goes
/// under line and point layers, so its fills do not cover them.
pub fn mostly_areas(features: &[Feature]) -> bool {
    let (areas, located) = features
        .iter()
        .filter(|f| f.is_located())
        .fold((0, 0), |(a, n), f| {
            let area = matches!(
                f.kind,
                Some(GeometryKind::Polygon | GeometryKind::MultiPolygon)
            );
            (a + usize::from(area), n + 1)
        });
    located > 0 && areas * 2 > located
}

/// Where the item at index `i` of a list ends up when the item at `from` moves to `to`.
pub fn index_after_move(i: usize, from: usize, to: usize) -> usize {
    if i == from {
        to
    } else if from < i && i <= to {
        i - 1
    } else if to <= i && i < from {
        i + 1
    } else {
        i
    }
}

/// Where a layer's data came from.
#[derive(Clone, Debug, PartialEq)]
pub enum LayerOrigin {
    /// A layer of the `maps/` catalog.
    Catalog,
    /// A file the user opened.
    File(std::path::PathBuf),
}

/// A thematic layer: features, style, visibility and a spatial index. The features and the
/// index are shared, so a clone (e.g. handed to the background renderer) is cheap.
#[derive(Clone, Debug)]
pub struct Layer {
    /// Stable identifier (manifest id).
    pub id: String,
    /// Title in the layers panel and legend.
    pub title: String,
    /// The title in Urdu and Chinese, for legends in those languages (from the manifest;
    /// dropped when the user retitles the layer).
    pub title_local: LocalNames,
    /// Longer description (figures, caveats).
    pub description: String,
    /// Where the data came from.
    pub origin: LayerOrigin,
    /// The style.
    pub style: LayerStyle,
    /// Whether the layer is drawn.
    pub visible: bool,
    /// The features, in file order.
    pub features: Arc<Vec<Feature>>,
    /// Bounding boxes of the located features, for culling and hit-testing.
    pub index: Arc<FeatureIndex>,
    /// Bounding box of all located features.
    pub bbox: Option<WorldRect>,
    /// The features without a position (e.g. sites not announced), in file order.
    pub unsited: Vec<usize>,
    /// What the loader skipped or repaired in the file, one line each.
    pub warnings: Vec<String>,
    /// Whether the user changed its title or style (kept in the session; otherwise the
    /// manifest's may change).
    pub customised: bool,
    /// Credit owed wherever the layer is drawn (its data's licence asks for it).
    pub attribution: Option<String>,
}

impl Layer {
    /// Give the layer the user's title; the manifest's translations of the old one go.
    pub fn retitle(&mut self, title: &str) {
        if self.title != title {
            self.title = title.to_string();
            self.title_local = LocalNames::default();
        }
        self.customised = true;
    }

    /// Build a layer and its spatial index.
    pub fn new(
        id: impl Into<String>,
        title: impl Into<String>,
        origin: LayerOrigin,
        style: LayerStyle,
        mut features: Vec<Feature>,
    ) -> Self {
        // Read in a growing list: give back what it reserved beyond its features.
        features.shrink_to_fit();
        let index = FeatureIndex::build(&features);
        let bbox = features
            .iter()
            .filter_map(Feature::bbox)
            .reduce(WorldRect::union);
        let unsited = (0..features.len())
            .filter(|&i| !features[i].is_located())
            .collect();
        Self {
            id: id.into(),
            title: title.into(),
            title_local: LocalNames::default(),
            description: String::new(),
            origin,
            style,
            visible: true,
            features: Arc::new(features),
            index: Arc::new(index),
            bbox,
            unsited,
            warnings: Vec::new(),
            customised: false,
            attribution: None,
        }
    }

    /// Number of features that have a position.
    pub fn located_count(&self) -> usize {
        self.features.len() - self.unsited.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{line_string, point, polygon};
    use serde_json::Map;

    #[test]
    fn feature_projects_parts_and_bbox() {
        let f = Feature::new(
            "line",
            Map::new(),
            Some(line_string![(x: 60.0, y: 25.0), (x: 70.0, y: 35.0)].into()),
        );
        let bbox = f.bbox().expect("a located feature has a bbox");
        // Within the stored grid (see `world_path`): 2⁻³⁰ of the world.
        let near = |a: WorldPos, b: WorldPos| (a.x - b.x).abs() < 1e-9 && (a.y - b.y).abs() < 1e-9;
        assert!(near(bbox.min, LonLat::new(60.0, 35.0).to_world()));
        assert!(near(bbox.max, LonLat::new(70.0, 25.0).to_world()));
        assert_eq!(f.geometry_type(), "LineString");
        assert!(f.is_located());

        let unsited = Feature::new("lab", Map::new(), None);
        assert!(!unsited.is_located() && unsited.bbox().is_none());
        assert_eq!(unsited.geometry_type(), "null");
    }

    #[test]
    fn longitude_latitude_come_back_from_world_space_with_their_type() {
        use crate::model::measure::geodesic_length_m;
        use geo::{Distance, Geodesic};
        let close = |a: &geo::Geometry<f64>, b: &geo::Geometry<f64>| {
            use geo::CoordsIter;
            a.coords_count() == b.coords_count()
                && a.coords_iter()
                    .zip(b.coords_iter())
                    // The stored grid is 3.4e-7° (3.7 cm): within half of it.
                    .all(|(p, q)| (p.x - q.x).abs() < 2e-7 && (p.y - q.y).abs() < 2e-7)
        };
        let line: geo::Geometry<f64> =
            line_string![(x: 62.3, y: 25.1), (x: 67.0, y: 24.9), (x: 74.3, y: 31.5)].into();
        let area: geo::Geometry<f64> = geo::MultiPolygon(vec![
            polygon![(x: 60.0, y: 25.0), (x: 61.0, y: 25.0), (x: 61.0, y: 26.0), (x: 60.0, y: 25.0)],
            polygon![(x: 70.0, y: 30.0), (x: 71.0, y: 30.0), (x: 71.0, y: 31.0), (x: 70.0, y: 30.0)],
        ])
        .into();
        let mixed = geo::Geometry::GeometryCollection(geo::GeometryCollection(vec![
            point!(x: 62.3, y: 25.1).into(),
            line.clone(),
        ]));
        let sites: geo::Geometry<f64> =
            geo::MultiPoint(vec![point!(x: 62.3, y: 25.1), point!(x: 74.3, y: 31.5)]).into();
        for g in [line.clone(), area, mixed, sites] {
            let f = Feature::new("f", Map::new(), Some(g.clone()));
            let back = f.geometry().expect("a located feature has a geometry");
            assert!(close(&g, &back), "{g:?} came back as {back:?}");
            assert_eq!(f.geometry_type(), GeometryKind::of(&g).name());
        }
        // Lengths measured on the derived geometry match the original's to a few centimetres
        // (each vertex within 2 cm).
        let f = Feature::new("f", Map::new(), Some(line.clone()));
        let back = f.geometry().expect("a line");
        assert!((geodesic_length_m(&line) - geodesic_length_m(&back)).abs() < 0.05);
        assert!((geodesic_length_m(&line) - f.length_m()).abs() < 0.05);
        let (geo::Geometry::LineString(a), geo::Geometry::LineString(b)) = (&line, &back) else {
            panic!("lines");
        };
        assert!(Geodesic.distance(geo::Point(a.0[0]), geo::Point(b.0[0])) < 0.02);
        assert!(Feature::new("lab", Map::new(), None).geometry().is_none());
    }

    #[test]
    fn a_part_takes_40_bytes_and_a_feature_152() {
        // Every line, multipolygon and point of a file is one: the big files' memory budget
        // rests on it (a polygon's rings and triangles were boxed slices of their own: 48).
        assert!(
            std::mem::size_of::<Part>() <= 40,
            "{}",
            std::mem::size_of::<Part>()
        );
        // And a feature record 152: a million points are a million of them (it was 168 with
        // its box as an `Option` and its measures in double precision).
        assert!(
            std::mem::size_of::<Feature>() <= 152,
            "{}",
            std::mem::size_of::<Feature>()
        );
    }

    #[test]
    fn a_multipolygon_is_one_part_and_keeps_each_polygon_and_hole() {
        // A thousand tiny triangles, then a square with a hole, then a polygon whose only
        // ring is too short (left out), in one multipolygon.
        let mut polygons: Vec<geo::Polygon<f64>> = (0..1000)
            .map(|i| {
                let (x, y) = (60.0 + f64::from(i % 10), 25.0 + f64::from(i / 100));
                polygon![(x: x, y: y), (x: x + 0.5, y: y), (x: x, y: y + 0.5), (x: x, y: y)]
            })
            .collect();
        polygons.push(polygon![
            exterior: [(x: 70.0, y: 30.0), (x: 72.0, y: 30.0), (x: 72.0, y: 32.0), (x: 70.0, y: 32.0)],
            interiors: [[(x: 70.5, y: 30.5), (x: 71.5, y: 30.5), (x: 71.5, y: 31.5), (x: 70.5, y: 31.5)]],
        ]);
        polygons.push(geo::Polygon::new(
            line_string![(x: 75.0, y: 30.0), (x: 75.5, y: 30.0)],
            vec![],
        ));
        let f = Feature::new(
            "plots",
            Map::new(),
            Some(geo::MultiPolygon(polygons).into()),
        );
        let [Part::Areas(areas)] = f.parts.as_slice() else {
            panic!("one part: {:?}", f.parts);
        };
        let shapes: Vec<Vec<usize>> = areas
            .polygons()
            .map(|p| p.rings().map(|r| r.len()).collect())
            .collect();
        assert_eq!(shapes.len(), 1001);
        assert!(
            shapes[..1000].iter().all(|rings| rings == &[3]),
            "closing vertex dropped"
        );
        assert_eq!(shapes[1000], [4, 4], "the square keeps its hole");
        assert_eq!(areas.rings().count(), 1002);
        assert_eq!(areas.points().len(), 3008);
        assert_eq!(f.ranks.len(), 3008, "a rank for every vertex kept");
        // Drawn at full detail: each polygon on its own, the square's hole cut out of it.
        let drawn = f.lines_and_areas_at(20.0);
        assert_eq!(drawn.len(), 1001);
        let Some(Drawn::Polygon(square)) = drawn.last() else {
            panic!("the square: {:?}", drawn.last());
        };
        assert_eq!(square.rings.len(), 2);
        assert_eq!(square.triangles().len(), 8 * 3);
        // Hit inside the square's ring, not in its hole.
        let at = |lon, lat| LonLat::new(lon, lat).to_world();
        let hit = |lon, lat| crate::model::hit_test::feature_distance(&f, at(lon, lat), 0.0, 0.0);
        assert_eq!(hit(70.2, 30.2), Some(0.0));
        assert_eq!(hit(71.0, 31.0), None, "in the hole");
        assert_eq!(hit(60.1, 25.1), Some(0.0), "in the first triangle");
        // The geometry comes back with its 1 001 polygons and the hole.
        let Some(geo::Geometry::MultiPolygon(back)) = f.geometry() else {
            panic!("a multipolygon");
        };
        assert_eq!(back.0.len(), 1001);
        assert_eq!(back.0[1000].interiors().len(), 1);
        // One with no ring kept is no part.
        let none = Feature::new(
            "none",
            Map::new(),
            Some(
                geo::Polygon::new(line_string![(x: 75.0, y: 30.0), (x: 75.5, y: 30.0)], vec![])
                    .into(),
            ),
        );
        assert!(none.parts.is_empty());
    }

    #[test]
    fn areas_built_in_code_match_their_rings() {
        let w = |x, y| WorldPos::new(x, y);
        let square = vec![w(0.1, 0.1), w(0.2, 0.1), w(0.2, 0.2), w(0.1, 0.2)];
        let sliver = vec![w(0.3, 0.3), w(0.4, 0.3)];
        let areas =
            WorldAreas::new(vec![vec![square.clone()], vec![sliver.clone()]]).expect("the square");
        assert_eq!(areas.polygons().count(), 1, "the sliver is no polygon");
        assert_eq!(areas.rings().next().map(|r| r.len()), Some(4));
        assert!(WorldAreas::new(vec![vec![sliver]]).is_none());
    }

    #[test]
    fn a_multipoint_is_one_part_of_compact_positions() {
        let n = 1000;
        let mp = geo::MultiPoint(
            (0..n)
                .map(|i| point!(x: 60.0 + i as f64 / 100.0, y: 30.0))
                .collect(),
        );
        let f = Feature::new("sites", Map::new(), Some(mp.into()));
        assert_eq!(f.parts.len(), 1);
        let Part::Points(stored) = &f.parts[0] else {
            panic!("one part of positions: {:?}", f.parts[0]);
        };
        // In one path's storage, 8 bytes a position, where a part each took 56.
        assert_eq!(stored.len(), n);
        assert_eq!(f.parts[0].markers().count(), n);
        assert!(f.single_point().is_none() && f.ranks.is_empty());
        let bbox = f.bbox().expect("located");
        let west = LonLat::new(60.0, 30.0).to_world();
        let east = LonLat::new(60.0 + (n - 1) as f64 / 100.0, 30.0).to_world();
        assert!((bbox.min.x - west.x).abs() < 1e-9 && (bbox.max.x - east.x).abs() < 1e-9);
        assert_eq!(f.geometry_type(), "MultiPoint");
        // An empty one has no position.
        let empty = Feature::new("none", Map::new(), Some(geo::MultiPoint(vec![]).into()));
        assert!(empty.parts.is_empty() && !empty.is_located());
    }

    #[test]
    fn lines_and_areas_across_the_antimeridian_take_the_short_way() {
        // Fiji-like: 178° E to 178° W is 4° of longitude, not 356°.
        let line = Feature::new(
            "cable",
            Map::new(),
            Some(line_string![(x: 178.0, y: -17.0), (x: -178.0, y: -18.0)].into()),
        );
        let bbox = line.bbox().expect("bbox");
        let four_degrees = 4.0 / 360.0;
        assert!((bbox.max.x - bbox.min.x - four_degrees).abs() < 1e-9);
        let area = Feature::new(
            "zone",
            Map::new(),
            Some(
                polygon![(x: 179.0, y: 0.0), (x: -179.0, y: 0.0), (x: -179.0, y: 1.0), (x: 179.0, y: 1.0), (x: 179.0, y: 0.0)]
                    .into(),
            ),
        );
        let bbox = area.bbox().expect("bbox");
        assert!((bbox.max.x - bbox.min.x - 2.0 / 360.0).abs() < 1e-9);
        let drawn = area.lines_and_areas_at(20.0);
        let [Drawn::Polygon(p)] = drawn.as_slice() else {
            panic!("a polygon");
        };
        assert_eq!(
            p.triangles().len(),
            2 * 3,
            "a quad, not a sliver round the world"
        );
    }

    #[test]
    fn indices_follow_a_move() {
        // Move what is at 1 to 3 in [a b c d e] → [a c d b e], and back.
        let before = ["a", "b", "c", "d", "e"];
        let mut after = before.to_vec();
        let item = after.remove(1);
        after.insert(3, item);
        for (i, name) in before.iter().enumerate() {
            assert_eq!(after[index_after_move(i, 1, 3)], *name);
        }
        let mut back = after.clone();
        let item = back.remove(3);
        back.insert(1, item);
        for (i, name) in after.iter().enumerate() {
            assert_eq!(back[index_after_move(i, 3, 1)], *name);
        }
    }

    #[test]
    fn layer_bbox_covers_located_features() {
        let a = Feature::new("a", Map::new(), Some(point!(x: 62.0, y: 25.0).into()));
        let b = Feature::new("b", Map::new(), Some(point!(x: 75.0, y: 36.0).into()));
        let c = Feature::new("c", Map::new(), None);
        let layer = Layer::new(
            "t",
            "T",
            LayerOrigin::Catalog,
            LayerStyle::default(),
            vec![a, b, c],
        );
        let bbox = layer.bbox.expect("bbox");
        assert!(bbox.min.x < bbox.max.x && bbox.min.y < bbox.max.y);
        assert_eq!(layer.located_count(), 2);
        assert_eq!(layer.unsited, [2]);
    }
}
