//! Figures with units for the inspector: a property key carries its unit as a suffix
//! (`length_km`, `capacity_mw`, `area_acres`, `cost_usd_m`), which becomes a label and a value
//! with the unit spelled out ("Length", "1,726 km").

use super::properties::PropValue;

/// Unit suffixes and how to show a value with them: `(suffix, prefix, unit after the number)`.
const UNITS: &[(&str, &str, &str)] = &[
    ("_usd_bn", "US$ ", " bn"),
    ("_usd_m", "US$ ", " M"),
    ("_pkr_m", "Rs ", " M"),
    ("_km", "", " km"),
    ("_mw", "", " MW"),
    ("_kv", "", " kV"),
    ("_acres", "", " acres"),
    ("_ha", "", " ha"),
    ("_tbps", "", " Tbps"),
    ("_mgd", "", " million gallons/day"),
    ("_mtpa", "", " Mt/year"),
    ("_m", "", " m"),
];

/// A figure ready to show: label and text with its unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figure {
    /// The property name made readable, without the unit ("Length").
    pub label: String,
    /// The value with thousands separators and the unit ("1,726 km").
    pub text: String,
}

/// The figure for a property whose key ends in a known unit and whose value is a number.
pub fn figure(key: &str, value: &PropValue<'_>) -> Option<Figure> {
    let n = value.as_f64()?;
    let &(suffix, prefix, unit) = UNITS.iter().find(|(s, _, _)| key.ends_with(s))?;
    let base = key.strip_suffix(suffix)?;
    Some(Figure {
        label: humanize(base),
        text: format!("{prefix}{}{unit}", group_thousands(n)),
    })
}

/// `snake_case_key` → "Snake case key".
pub fn humanize(key: &str) -> String {
    let words = key.replace(['_', '-'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A number with comma thousands separators; decimals kept as given (at most 3).
pub fn group_thousands(n: f64) -> String {
    let negative = n < 0.0;
    let n = n.abs();
    let mut text = format!("{:.3}", n);
    while text.ends_with('0') {
        text.pop();
    }
    if text.ends_with('.') {
        text.pop();
    }
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (text.clone(), None),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if negative { "-" } else { "" };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_carry_their_units() {
        let f = figure(
            "length_km",
            &PropValue::Number(serde_json::Number::from(1726_u64)),
        )
        .expect("a figure");
        assert_eq!((f.label.as_str(), f.text.as_str()), ("Length", "1,726 km"));
        assert_eq!(
            figure(
                "capacity_mw",
                &PropValue::Number(serde_json::Number::from_f64(49.5).expect("finite"))
            )
            .map(|f| f.text),
            Some("49.5 MW".into())
        );
        assert_eq!(
            figure(
                "cost_usd_bn",
                &PropValue::Number(serde_json::Number::from_f64(6.66).expect("finite"))
            )
            .map(|f| f.text),
            Some("US$ 6.66 bn".into())
        );
        assert_eq!(
            figure(
                "runway_length_m",
                &PropValue::Number(serde_json::Number::from(3658_u64))
            )
            .map(|f| f.label),
            Some("Runway length".into())
        );
        assert_eq!(
            figure(
                "area_acres",
                &PropValue::Number(serde_json::Number::from(3217_u64))
            )
            .map(|f| f.text),
            Some("3,217 acres".into())
        );
        assert_eq!(
            figure("length_km", &PropValue::Str("820")),
            None,
            "text is not a figure"
        );
        assert_eq!(
            figure("name", &PropValue::Number(serde_json::Number::from(3_u64))),
            None
        );
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(1_234_567.0), "1,234,567");
        assert_eq!(group_thousands(999.0), "999");
        assert_eq!(group_thousands(1000.25), "1,000.25");
        assert_eq!(group_thousands(-4500.0), "-4,500");
    }
}
