//! The fast path for a well-formed feature: its JSON text read straight into properties and a
//! geo geometry, positions going into flat coordinate lists without a JSON value per number.
//! Anything unusual (a string or null coordinate, a mis-cased or unknown type, an unclosed
//! ring, a `crs`, coordinates out of range) returns `None`, and the feature takes the tolerant
//! path, which names or repairs the problem.

use crate::model::properties::Properties;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// Properties and geometry of a feature, if it is well formed.
pub type FastFeature = (Properties, Option<geo::Geometry<f64>>);

thread_local! {
    /// The positions of the feature being read: one list per thread, kept from feature to
    /// feature, so reading a position never allocates.
    static FLAT: std::cell::RefCell<Vec<geo::Coord<f64>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The most positions the per-thread list keeps between features (16 MB).
const KEEP_POSITIONS: usize = 1 << 20;

/// Read `text` whole with `read`, given this thread's position list (emptied first).
fn with_flat<T>(
    text: &str,
    read: impl FnOnce(
        &mut Vec<geo::Coord<f64>>,
        &mut serde_json::Deserializer<serde_json::de::StrRead<'_>>,
    ) -> Option<T>,
) -> Option<T> {
    FLAT.with_borrow_mut(|flat| {
        flat.clear();
        let mut de = serde_json::Deserializer::from_str(text);
        let out = read(flat, &mut de);
        // A huge feature's positions are not kept for the next one (a list of millions of
        // positions would stay for the life of the thread).
        if flat.capacity() > KEEP_POSITIONS {
            *flat = Vec::new();
        }
        let out = out?;
        de.end().ok()?;
        Some(out)
    })
}

/// Read a feature's JSON text on the fast path; `None` sends it to the tolerant path.
pub fn fast_feature(text: &str) -> Option<FastFeature> {
    with_flat(text, |flat, de| {
        FeatureVisitor { flat }.deserialize(de).ok()?
    })
}

/// Read a geometry's JSON text (an object, or null: `Some(None)`) on the fast path; `None`
/// sends it to the tolerant path.
pub fn fast_geometry(text: &str) -> Option<Option<geo::Geometry<f64>>> {
    with_flat(text, |flat, de| {
        GeometryVisitor { flat }.deserialize(de).ok()
    })
}

/// Read the `coordinates` text of a geometry of type `kind` on the fast path (a geometry
/// that is the whole document); `None` sends it to the tolerant path.
pub fn fast_coordinates(kind: &str, text: &str) -> Option<geo::Geometry<f64>> {
    with_flat(text, |flat, de| {
        let node = Coords { flat: &mut *flat }.deserialize(de).ok()?;
        let raw = RawGeometry {
            kind: kind.to_owned(),
            coordinates: Some(node),
            geometries: None,
        };
        build(&raw, flat)
    })
}

/// Nested coordinate arrays: positions are indices into a flat list, and an array of
/// positions (a line, a ring) the run of them it holds there.
enum Node {
    Position(usize),
    Positions(std::ops::Range<usize>),
    List(Vec<Node>),
}

struct Coords<'a> {
    flat: &'a mut Vec<geo::Coord<f64>>,
}

impl<'de> DeserializeSeed<'de> for Coords<'_> {
    type Value = Node;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_seq(self)
    }
}

/// One element of a coordinate array: a number (so the array is a position) or an array.
enum Element {
    Number(f64),
    Node(Node),
}

struct ElementSeed<'a> {
    flat: &'a mut Vec<geo::Coord<f64>>,
}

impl<'de> DeserializeSeed<'de> for ElementSeed<'_> {
    type Value = Element;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Element, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ElementSeed<'_> {
    type Value = Element;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a number or an array")
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Element, E> {
        Ok(Element::Number(v))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Element, E> {
        Ok(Element::Number(v as f64))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Element, E> {
        Ok(Element::Number(v as f64))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Element, A::Error> {
        Coords { flat: self.flat }.visit_seq(seq).map(Element::Node)
    }
}

impl<'de> Visitor<'de> for Coords<'_> {
    type Value = Node;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("coordinates")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let bad = || serde::de::Error::custom("irregular coordinates");
        match seq.next_element_seed(ElementSeed {
            flat: &mut *self.flat,
        })? {
            None => Ok(Node::List(Vec::new())),
            Some(Element::Number(x)) => {
                // A position: X, Y, then any height or measure, ignored.
                let Some(Element::Number(y)) = seq.next_element_seed(ElementSeed {
                    flat: &mut *self.flat,
                })?
                else {
                    return Err(bad());
                };
                while let Some(extra) = seq.next_element_seed(ElementSeed {
                    flat: &mut *self.flat,
                })? {
                    if !matches!(extra, Element::Number(_)) {
                        return Err(bad());
                    }
                }
                self.flat.push(geo::coord! { x: x, y: y });
                Ok(Node::Position(self.flat.len() - 1))
            }
            Some(Element::Node(Node::Position(first))) => {
                // An array of positions: they follow one another in the flat list.
                while let Some(e) = seq.next_element_seed(ElementSeed {
                    flat: &mut *self.flat,
                })? {
                    if !matches!(e, Element::Node(Node::Position(_))) {
                        return Err(bad());
                    }
                }
                Ok(Node::Positions(first..self.flat.len()))
            }
            Some(Element::Node(first)) => {
                let mut items = vec![first];
                while let Some(e) = seq.next_element_seed(ElementSeed {
                    flat: &mut *self.flat,
                })? {
                    match e {
                        Element::Node(n @ (Node::List(_) | Node::Positions(_))) => items.push(n),
                        Element::Node(Node::Position(_)) | Element::Number(_) => {
                            return Err(bad());
                        }
                    }
                }
                Ok(Node::List(items))
            }
        }
    }
}

/// A geometry object as read: its type, coordinates or member geometries.
struct RawGeometry {
    kind: String,
    coordinates: Option<Node>,
    geometries: Option<Vec<geo::Geometry<f64>>>,
}

struct GeometryVisitor<'a> {
    flat: &'a mut Vec<geo::Coord<f64>>,
}

impl<'de> DeserializeSeed<'de> for GeometryVisitor<'_> {
    type Value = Option<geo::Geometry<f64>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for GeometryVisitor<'_> {
    type Value = Option<geo::Geometry<f64>>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a geometry or null")
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut raw = RawGeometry {
            kind: String::new(),
            coordinates: None,
            geometries: None,
        };
        let start = self.flat.len();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => raw.kind = map.next_value()?,
                "coordinates" => {
                    raw.coordinates = Some(map.next_value_seed(Coords {
                        flat: &mut *self.flat,
                    })?)
                }
                "geometries" => raw.geometries = Some(map.next_value_seed(Members)?),
                "crs" => return Err(serde::de::Error::custom("crs: tolerant path")),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let geometry =
            build(&raw, self.flat).ok_or_else(|| serde::de::Error::custom("irregular geometry"))?;
        self.flat.truncate(start);
        Ok(Some(geometry))
    }
}

/// The members of a GeometryCollection.
struct Members;

impl<'de> DeserializeSeed<'de> for Members {
    type Value = Vec<geo::Geometry<f64>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Members {
    type Value = Vec<geo::Geometry<f64>>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("geometries")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        let mut flat = Vec::new();
        while let Some(g) = seq.next_element_seed(GeometryVisitor { flat: &mut flat })? {
            out.push(g.ok_or_else(|| serde::de::Error::custom("null member"))?);
        }
        Ok(out)
    }
}

/// The geo geometry for a type and its coordinates; `None` when they do not fit together, a
/// ring is not closed or has fewer than four positions, a line has fewer than two, or a
/// coordinate is outside longitude/latitude range.
fn build(raw: &RawGeometry, flat: &mut Vec<geo::Coord<f64>>) -> Option<geo::Geometry<f64>> {
    if let Some(g) = build_whole(raw, flat) {
        return Some(g);
    }
    let flat: &[geo::Coord<f64>] = flat;
    if flat
        .iter()
        .any(|c| !(c.x.abs() <= 180.0 && c.y.abs() <= 90.0))
    {
        return None;
    }
    let position = |n: &Node| match n {
        Node::Position(i) => flat.get(*i).copied(),
        _ => None,
    };
    let list = |n: &Node| match n {
        Node::Positions(run) => flat.get(run.clone()).map(<[_]>::to_vec),
        Node::List(items) if items.is_empty() => Some(Vec::new()),
        _ => None,
    };
    let lists = |n: &Node| -> Option<Vec<Vec<geo::Coord<f64>>>> {
        match n {
            Node::List(items) => items.iter().map(list).collect(),
            _ => None,
        }
    };
    let line = |n: &Node| {
        let coords = list(n)?;
        (coords.len() >= 2).then(|| geo::LineString::new(coords))
    };
    let polygon = |n: &Node| {
        let mut rings = lists(n)?.into_iter().map(|r| {
            let closed = r.len() >= 4 && r.first() == r.last();
            closed.then(|| geo::LineString::new(r))
        });
        let outer = rings.next()??;
        Some(geo::Polygon::new(outer, rings.collect::<Option<Vec<_>>>()?))
    };
    fn items(n: &Node) -> Option<&[Node]> {
        match n {
            Node::List(items) => Some(items),
            _ => None,
        }
    }
    let coords = raw.coordinates.as_ref();
    Some(match raw.kind.as_str() {
        "Point" => geo::Geometry::Point(geo::Point(position(coords?)?)),
        "MultiPoint" => {
            geo::Geometry::MultiPoint(list(coords?)?.into_iter().map(geo::Point).collect())
        }
        "LineString" => geo::Geometry::LineString(line(coords?)?),
        "MultiLineString" => geo::Geometry::MultiLineString(geo::MultiLineString::new(
            items(coords?)?.iter().map(line).collect::<Option<_>>()?,
        )),
        "Polygon" => geo::Geometry::Polygon(polygon(coords?)?),
        "MultiPolygon" => geo::Geometry::MultiPolygon(geo::MultiPolygon::new(
            items(coords?)?.iter().map(polygon).collect::<Option<_>>()?,
        )),
        "GeometryCollection" => geo::Geometry::GeometryCollection(
            geo::GeometryCollection::new_from(raw.geometries.clone()?),
        ),
        _ => return None,
    })
}

/// A line, or a polygon of one ring, holding every position read (a huge feature's usual
/// shape): built from the positions themselves, moved out of `flat`, not copied.
fn build_whole(raw: &RawGeometry, flat: &mut Vec<geo::Coord<f64>>) -> Option<geo::Geometry<f64>> {
    let whole = |n: &Node| matches!(n, Node::Positions(run) if *run == (0..flat.len()));
    let in_range = || flat.iter().all(|c| c.x.abs() <= 180.0 && c.y.abs() <= 90.0);
    match (raw.kind.as_str(), raw.coordinates.as_ref()?) {
        ("LineString", n) if whole(n) && flat.len() >= 2 && in_range() => Some(
            geo::Geometry::LineString(geo::LineString::new(std::mem::take(flat))),
        ),
        ("Polygon", Node::List(rings))
            if rings.len() == 1
                && whole(&rings[0])
                && flat.len() >= 4
                && flat.first() == flat.last()
                && in_range() =>
        {
            let ring = geo::LineString::new(std::mem::take(flat));
            Some(geo::Geometry::Polygon(geo::Polygon::new(ring, Vec::new())))
        }
        _ => None,
    }
}

struct FeatureVisitor<'a> {
    flat: &'a mut Vec<geo::Coord<f64>>,
}

impl<'de> DeserializeSeed<'de> for FeatureVisitor<'_> {
    type Value = Option<FastFeature>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FeatureVisitor<'_> {
    type Value = Option<FastFeature>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a feature")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut is_feature = false;
        let mut properties = Properties::new();
        let mut geometry = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => is_feature = map.next_value::<String>()? == "Feature",
                "properties" => {
                    properties = map.next_value::<Option<Properties>>()?.unwrap_or_default()
                }
                "geometry" => {
                    geometry = map.next_value_seed(GeometryVisitor {
                        flat: &mut *self.flat,
                    })?
                }
                "crs" => return Ok(None),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(is_feature.then_some((properties, geometry)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_features_take_the_fast_path() {
        let (props, g) = fast_feature(
            r#"{"type":"Feature","id":7,"properties":{"name":"A"},"geometry":{"type":"Polygon","coordinates":[[[0,0,5],[1,0,5],[1,1,5],[0,0,5]]]}}"#,
        )
        .expect("fast");
        assert_eq!(props.get("name").and_then(|v| v.as_str()), Some("A"));
        let Some(geo::Geometry::Polygon(p)) = g else {
            panic!("a polygon");
        };
        assert_eq!(p.exterior().0.len(), 4);
        let (_, g) = fast_feature(
            r#"{"geometry":{"coordinates":[[1,2],[3,4]],"type":"LineString"},"type":"Feature","properties":null}"#,
        )
        .expect("members in any order");
        assert!(matches!(g, Some(geo::Geometry::LineString(_))));
        let (_, g) = fast_feature(r#"{"type":"Feature","properties":{},"geometry":null}"#)
            .expect("null geometry");
        assert!(g.is_none());
        let (_, g) = fast_feature(r#"{"type":"Feature","properties":{},"geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]}}"#)
            .expect("collection");
        assert!(matches!(g, Some(geo::Geometry::GeometryCollection(_))));
    }

    #[test]
    fn anything_unusual_takes_the_tolerant_path() {
        for text in [
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":["1","2"]}}"#,
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,null]}}"#,
            r#"{"type":"Feature","properties":{},"geometry":{"type":"point","coordinates":[1,2]}}"#,
            r#"{"type":"FEATURE","properties":{},"geometry":null}"#,
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]]}}"#,
            r#"{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[0,0]]}}"#,
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[7000000,3000000]}}"#,
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Point"}}"#,
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Circle","coordinates":[1,2]}}"#,
            r#"{"type":"Feature","crs":{},"properties":{},"geometry":null}"#,
            r#"{"type":"Feature","properties":[1],"geometry":null}"#,
        ] {
            assert!(fast_feature(text).is_none(), "{text}");
        }
    }
}
