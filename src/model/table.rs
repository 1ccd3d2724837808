//! The attribute table of a layer: its columns, the rows a filter keeps in a chosen order, and
//! rows copied as CSV (RFC 4180).

use std::cmp::Ordering;

use super::properties::PropValue;

use super::classify::property_names;
use super::layer::Feature;

/// A column sort: which column, and whether descending.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sort {
    /// Index into the columns.
    pub column: usize,
    /// Largest first.
    pub descending: bool,
}

/// The columns of a layer's table: every property name, in the order they first appear.
pub fn columns(features: &[Feature]) -> Vec<String> {
    property_names(features)
}

/// A cell's text: strings as they are, numbers and booleans as written, objects and arrays as
/// JSON, nothing for `null` or a missing property.
pub fn cell_text(value: Option<PropValue<'_>>) -> String {
    match value {
        None | Some(PropValue::Null) => String::new(),
        Some(v) => match v.as_str() {
            Some(s) => s.to_string(),
            None => v.to_string(),
        },
    }
}

/// The feature indices the `filter` keeps (case-insensitive, in the name or any cell), sorted
/// by `sort` (numbers by value, text by text, empty cells last), else in file order.
pub fn rows(
    features: &[Feature],
    columns: &[String],
    filter: &str,
    sort: Option<Sort>,
) -> Vec<usize> {
    let needle = filter.trim().to_lowercase();
    let mut rows: Vec<usize> = (0..features.len())
        .filter(|&i| {
            needle.is_empty() || {
                let f = &features[i];
                f.name().to_lowercase().contains(&needle)
                    || f.properties
                        .iter()
                        .any(|(_, v)| cell_text(Some(v)).to_lowercase().contains(&needle))
            }
        })
        .collect();
    if let Some(sort) = sort
        && let Some(key) = columns.get(sort.column)
    {
        // A stable sort keeps file order among equal cells.
        rows.sort_by(|&a, &b| {
            let (va, vb) = (
                features[a].properties.get(key),
                features[b].properties.get(key),
            );
            compare_cells(va, vb, sort.descending)
        });
    }
    rows
}

/// Empty cells always last; numbers before text; numbers by value, text case-insensitively.
fn compare_cells(a: Option<PropValue<'_>>, b: Option<PropValue<'_>>, descending: bool) -> Ordering {
    let empty = |v: &Option<PropValue<'_>>| matches!(v, None | Some(PropValue::Null));
    match (empty(&a), empty(&b)) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    let order = match (
        a.as_ref().and_then(PropValue::as_f64),
        b.as_ref().and_then(PropValue::as_f64),
    ) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => cell_text(a)
            .to_lowercase()
            .cmp(&cell_text(b).to_lowercase()),
    };
    if descending { order.reverse() } else { order }
}

/// The given rows as CSV with a header line: fields with commas, quotes or line breaks are
/// quoted, quotes doubled; lines end with CRLF.
pub fn to_csv(features: &[Feature], columns: &[String], rows: &[usize]) -> String {
    let line = |fields: &mut dyn Iterator<Item = String>| {
        let mut out = fields.map(|f| csv_field(&f)).collect::<Vec<_>>().join(",");
        out.push_str("\r\n");
        out
    };
    let mut csv = line(&mut columns.iter().cloned());
    for &r in rows {
        if let Some(f) = features.get(r) {
            csv.push_str(&line(
                &mut columns.iter().map(|c| cell_text(f.properties.get(c))),
            ));
        }
    }
    csv
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn features() -> Vec<Feature> {
        [
            json!({"name": "Karot", "capacity_mw": 720, "status": "operational"}),
            json!({"name": "Suki Kinari", "capacity_mw": 884, "status": "operational"}),
            json!({"name": "Azad Pattan", "capacity_mw": null, "status": "planned, \"early\""}),
            json!({"name": "Kohala", "capacity_mw": 1124}),
        ]
        .into_iter()
        .map(|p| {
            let props = p.as_object().cloned().unwrap_or_default();
            let name = props["name"].as_str().unwrap_or_default().to_string();
            Feature::new(name, props, None)
        })
        .collect()
    }

    #[test]
    fn sorts_numbers_by_value_with_empty_cells_last() {
        let f = features();
        let cols = columns(&f);
        assert_eq!(cols, ["name", "capacity_mw", "status"]);
        let asc = rows(
            &f,
            &cols,
            "",
            Some(Sort {
                column: 1,
                descending: false,
            }),
        );
        assert_eq!(asc, [0, 1, 3, 2]);
        let desc = rows(
            &f,
            &cols,
            "",
            Some(Sort {
                column: 1,
                descending: true,
            }),
        );
        assert_eq!(desc, [3, 1, 0, 2]);
        let by_name = rows(
            &f,
            &cols,
            "",
            Some(Sort {
                column: 0,
                descending: false,
            }),
        );
        assert_eq!(by_name, [2, 0, 3, 1]);
    }

    #[test]
    fn filter_matches_any_cell_case_insensitively() {
        let f = features();
        let cols = columns(&f);
        assert_eq!(rows(&f, &cols, "OPERATIONAL", None), [0, 1]);
        assert_eq!(rows(&f, &cols, "1124", None), [3]);
        assert_eq!(rows(&f, &cols, "  ", None), [0, 1, 2, 3]);
        assert!(rows(&f, &cols, "gwadar", None).is_empty());
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let f = features();
        let cols = columns(&f);
        let csv = to_csv(&f, &cols, &[2, 0]);
        assert_eq!(
            csv,
            "name,capacity_mw,status\r\nAzad Pattan,,\"planned, \"\"early\"\"\"\r\nKarot,720,operational\r\n"
        );
    }
}
