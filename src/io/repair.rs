//! Checking and repairing a GeoJSON geometry before it is parsed, so that one bad piece is
//! named precisely ("ring 1 is not closed", "position 3 has a string coordinate") and, where the
//! intent is clear, repaired instead of losing the feature.
//!
//! Repaired, with a note: coordinates written as strings of numbers (`"62.3"`), unclosed
//! polygon rings (closed by repeating the first position). Refused, with the reason: positions
//! with fewer than two numbers or with NaN/Infinity/`null`, a geometry without coordinates,
//! an unknown geometry type, rings with fewer than four positions.

use serde_json::{Map, Value};

/// Check `geometry` (a GeoJSON geometry object), repairing it in place. Returns the repairs
/// made, or why it cannot be read.
pub fn repair_geometry(geometry: &mut Value) -> Result<Vec<String>, String> {
    let mut repairs = Vec::new();
    repair(geometry, &mut repairs)?;
    Ok(repairs)
}

fn repair(geometry: &mut Value, repairs: &mut Vec<String>) -> Result<(), String> {
    let Value::Object(obj) = geometry else {
        return Err("the geometry is not a JSON object".into());
    };
    let kind = match obj.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(_) => return Err("the geometry's \"type\" is not a string".into()),
        None => return Err("the geometry has no \"type\"".into()),
    };
    if kind == "GeometryCollection" {
        let Some(Value::Array(members)) = obj.get_mut("geometries") else {
            return Err("the GeometryCollection has no \"geometries\" array".into());
        };
        for (i, member) in members.iter_mut().enumerate() {
            repair(member, repairs)
                .map_err(|e| format!("geometry {} of the collection: {e}", i + 1))?;
        }
        return Ok(());
    }
    // Nesting depth of the coordinates: 0 = one position.
    let depth = match kind.as_str() {
        "Point" => 0,
        "MultiPoint" | "LineString" => 1,
        "MultiLineString" | "Polygon" => 2,
        "MultiPolygon" => 3,
        other => return Err(format!("unknown geometry type \"{other}\"")),
    };
    let coordinates = coordinates_of(obj, &kind)?;
    let mut fixed_strings = 0;
    positions(coordinates, depth, "", &mut fixed_strings)?;
    if fixed_strings > 0 {
        repairs.push(format!(
            "{fixed_strings} coordinate(s) written as text were read as numbers"
        ));
    }
    match kind.as_str() {
        "Polygon" => close_rings(coordinates, "", repairs)?,
        "MultiPolygon" => {
            if let Value::Array(polygons) = coordinates {
                for (p, polygon) in polygons.iter_mut().enumerate() {
                    close_rings(polygon, &format!("polygon {}, ", p + 1), repairs)?;
                }
            }
        }
        "LineString" => min_len(coordinates, 2, "the line")?,
        "MultiLineString" => {
            if let Value::Array(lines) = coordinates {
                for (l, line) in lines.iter().enumerate() {
                    min_len(line, 2, &format!("line {}", l + 1))?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

fn coordinates_of<'a>(
    obj: &'a mut Map<String, Value>,
    kind: &str,
) -> Result<&'a mut Value, String> {
    match obj.get_mut("coordinates") {
        None | Some(Value::Null) => Err(format!("the {kind} has no coordinates")),
        Some(c @ Value::Array(_)) => Ok(c),
        Some(_) => Err(format!("the {kind}'s coordinates are not an array")),
    }
}

/// Walk the nested arrays down to the positions, checking each one.
fn positions(value: &mut Value, depth: usize, at: &str, fixed: &mut usize) -> Result<(), String> {
    let Value::Array(items) = value else {
        return Err(format!("coordinates{at} are not an array"));
    };
    if depth == 0 {
        return position(items, at, fixed);
    }
    for (i, item) in items.iter_mut().enumerate() {
        positions(item, depth - 1, &format!("{at}[{i}]"), fixed)?;
    }
    Ok(())
}

fn position(items: &mut [Value], at: &str, fixed: &mut usize) -> Result<(), String> {
    if items.len() < 2 {
        return Err(format!(
            "position{at} has {} number(s); a position needs longitude and latitude",
            items.len()
        ));
    }
    // X and Y only: a third or fourth value (height, measure) is ignored.
    for (axis, v) in items.iter_mut().take(2).enumerate() {
        let name = if axis == 0 { "longitude" } else { "latitude" };
        match v {
            Value::Number(_) => {}
            Value::String(s) => match s.trim().parse::<f64>() {
                Ok(n) if n.is_finite() => {
                    *v = Value::from(n);
                    *fixed += 1;
                }
                _ => return Err(format!("position{at}: the {name} \"{s}\" is not a number")),
            },
            Value::Null => {
                return Err(format!(
                    "position{at}: the {name} is null or NaN (not a number)"
                ));
            }
            other => return Err(format!("position{at}: the {name} {other} is not a number")),
        }
    }
    Ok(())
}

fn min_len(value: &Value, n: usize, what: &str) -> Result<(), String> {
    match value {
        Value::Array(items) if items.len() < n => Err(format!(
            "{what} has {} position(s); it needs at least {n}",
            items.len()
        )),
        _ => Ok(()),
    }
}

/// Close each ring of one polygon whose last position differs from its first.
fn close_rings(polygon: &mut Value, at: &str, repairs: &mut Vec<String>) -> Result<(), String> {
    let Value::Array(rings) = polygon else {
        return Ok(());
    };
    if rings.is_empty() {
        return Err(format!("{at}the polygon has no rings"));
    }
    for (r, ring) in rings.iter_mut().enumerate() {
        let Value::Array(points) = ring else { continue };
        let same = |a: &Value, b: &Value| {
            let xy = |v: &Value| {
                v.as_array().map(|p| {
                    (
                        p.first().and_then(Value::as_f64),
                        p.get(1).and_then(Value::as_f64),
                    )
                })
            };
            xy(a) == xy(b)
        };
        if let (Some(first), Some(last)) = (points.first(), points.last())
            && !same(first, last)
        {
            let first = first.clone();
            points.push(first);
            repairs.push(format!(
                "{at}ring {} was not closed; it was closed by repeating its first position",
                r + 1
            ));
        }
        if points.len() < 4 {
            return Err(format!(
                "{at}ring {} has {} position(s); a ring needs at least 4 (3 corners and the first again)",
                r + 1,
                points.len()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn closes_rings_and_reads_numeric_strings() {
        let mut g = json!({"type": "Polygon", "coordinates": [[[0, 0], ["1", "0"], [1, 1]], [[0.2, 0.2], [0.4, 0.2], [0.3, 0.3], [0.2, 0.2]]]});
        let repairs = repair_geometry(&mut g).expect("repaired");
        assert_eq!(repairs.len(), 2, "{repairs:?}");
        assert!(repairs[0].starts_with("2 coordinate(s) written as text"));
        assert!(repairs[1].starts_with("ring 1 was not closed"));
        let outer = g["coordinates"][0].as_array().expect("ring");
        assert_eq!(outer.len(), 4);
        assert_eq!(outer[3], json!([0, 0]));
        assert_eq!(outer[1], json!([1.0, 0.0]));
    }

    #[test]
    fn names_what_cannot_be_repaired() {
        let cases = [
            (json!({"type": "Point"}), "the Point has no coordinates"),
            (
                json!({"type": "Point", "coordinates": [62.0]}),
                "position has 1 number(s)",
            ),
            (
                json!({"type": "Point", "coordinates": [62.0, null]}),
                "latitude is null or NaN",
            ),
            (
                json!({"type": "LineString", "coordinates": [[1, 2], ["x", 3]]}),
                "position[1]: the longitude \"x\" is not a number",
            ),
            (
                json!({"type": "Circle", "coordinates": [1, 2]}),
                "unknown geometry type \"Circle\"",
            ),
            (
                json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]}),
                "ring 1 has 3 position(s)",
            ),
            (
                json!({"type": "LineString", "coordinates": [[1, 2]]}),
                "the line has 1 position(s)",
            ),
            (
                json!({"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [1, 2]}, {"type": "Point", "coordinates": []}]}),
                "geometry 2 of the collection: position has 0 number(s)",
            ),
        ];
        for (mut g, expected) in cases {
            let err = repair_geometry(&mut g).expect_err(expected);
            assert!(
                err.contains(expected),
                "{err:?} should contain {expected:?}"
            );
        }
    }

    #[test]
    fn good_geometries_are_left_alone() {
        let mut g = json!({"type": "MultiPolygon", "coordinates": [[[[0, 0, 5], [1, 0, 5], [1, 1, 5], [0, 0, 5]]]]});
        let before = g.clone();
        assert_eq!(repair_geometry(&mut g).expect("fine"), Vec::<String>::new());
        assert_eq!(g, before);
    }
}
