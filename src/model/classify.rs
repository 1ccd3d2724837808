//! Categorized colours: one colour per value of a chosen property, as QGIS's "Categorized"
//! renderer. The most frequent values get the palette's colours; the rest share "Other".

use std::collections::HashMap;

use super::properties::{PropValue, Properties};
use serde::{Deserialize, Serialize};

use super::layer::Feature;
use super::style::Rgba;

/// A qualitative palette that stays apart on a light basemap (Tableau 10).
pub const QUALITATIVE: [Rgba; 10] = [
    Rgba::rgb(0x4E, 0x79, 0xA7),
    Rgba::rgb(0xF2, 0x8E, 0x2B),
    Rgba::rgb(0xE1, 0x57, 0x59),
    Rgba::rgb(0x76, 0xB7, 0xB2),
    Rgba::rgb(0x59, 0xA1, 0x4F),
    Rgba::rgb(0xED, 0xC9, 0x48),
    Rgba::rgb(0xB0, 0x7A, 0xA1),
    Rgba::rgb(0xFF, 0x9D, 0xA7),
    Rgba::rgb(0x9C, 0x75, 0x5F),
    Rgba::rgb(0x79, 0x70, 0x6E),
];

/// Colour of the values beyond the palette and of features without the property.
pub const OTHER: Rgba = Rgba::rgb(0xB4, 0xB4, 0xB4);

/// One value and its colour.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColorClass {
    /// The property value, as text.
    pub value: String,
    /// Its colour.
    pub color: Rgba,
    /// How many features have it (when classified).
    pub count: usize,
}

/// Colours by the values of one property.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColorBy {
    /// The property.
    pub property: String,
    /// Values with their own colour, most frequent first.
    pub classes: Vec<ColorClass>,
    /// Features whose value has no class of its own (or no value).
    pub other_count: usize,
}

impl ColorBy {
    /// Classify `features` by `property`: the [`QUALITATIVE`] colours go to the most frequent
    /// values (ties by value), the rest are "Other".
    pub fn classify(features: &[Feature], property: &str) -> Self {
        let mut counts: HashMap<String, usize> = HashMap::new();
        let mut missing = 0;
        for f in features {
            match f.properties.get(property).and_then(|v| value_text(&v)) {
                Some(v) => *counts.entry(v).or_default() += 1,
                None => missing += 1,
            }
        }
        let mut values: Vec<(String, usize)> = counts.into_iter().collect();
        values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let rest: usize = values.iter().skip(QUALITATIVE.len()).map(|v| v.1).sum();
        let classes = values
            .into_iter()
            .zip(QUALITATIVE)
            .map(|((value, count), color)| ColorClass {
                value,
                color,
                count,
            })
            .collect();
        Self {
            property: property.to_string(),
            classes,
            other_count: missing + rest,
        }
    }

    /// The colour of a feature with these properties.
    pub fn color_of(&self, properties: &Properties) -> Rgba {
        properties
            .get(&self.property)
            .and_then(|v| value_text(&v))
            .and_then(|v| self.classes.iter().find(|c| c.value == v))
            .map_or(OTHER, |c| c.color)
    }

    /// Legend rows: each class, then "Other" when some features fall in it.
    pub fn legend_rows(&self) -> Vec<(String, Rgba)> {
        let mut rows: Vec<(String, Rgba)> = self
            .classes
            .iter()
            .map(|c| (format!("{} ({})", c.value, c.count), c.color))
            .collect();
        if self.other_count > 0 {
            rows.push((format!("Other ({})", self.other_count), OTHER));
        }
        rows
    }
}

/// A property value as the text a class is keyed by: strings trimmed, numbers and booleans
/// as written; `null`, arrays and objects have none.
pub fn value_text(v: &PropValue<'_>) -> Option<String> {
    match v {
        PropValue::Number(n) => Some(n.to_string()),
        PropValue::Bool(b) => Some(b.to_string()),
        other => other
            .as_str()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    }
}

/// The property names of a layer, in the order they first appear.
pub fn property_names(features: &[Feature]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut last: Option<&Feature> = None;
    for f in features {
        // Features sharing the last one's key list add nothing new.
        if last.is_some_and(|l| l.properties.shares_keys_with(&f.properties)) {
            continue;
        }
        last = Some(f);
        for key in f.properties.keys() {
            if !names.iter().any(|n| n == key) {
                names.push(key.to_string());
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn feature(props: Value) -> Feature {
        Feature::new("f", props.as_object().cloned().unwrap_or_default(), None)
    }

    #[test]
    fn most_frequent_values_get_colours_and_the_rest_are_other() {
        let mut features: Vec<Feature> = (0..12)
            .flat_map(|i| (0..=i).map(move |_| feature(json!({ "kind": format!("k{i:02}") }))))
            .collect();
        features.push(feature(json!({ "kind": null })));
        features.push(feature(json!({})));
        let c = ColorBy::classify(&features, "kind");
        assert_eq!(c.classes.len(), QUALITATIVE.len());
        assert_eq!(c.classes[0].value, "k11");
        assert_eq!(c.classes[0].count, 12);
        assert_eq!(c.classes[0].color, QUALITATIVE[0]);
        // k00 (1) and k01 (2) have no colour; plus the null and the missing value.
        assert_eq!(c.other_count, 1 + 2 + 2);
        assert_eq!(c.color_of(&features[0].properties), OTHER);
        let k05 = json!({"kind": "k05"});
        assert_eq!(
            c.color_of(&Properties::from(k05.as_object().cloned().expect("object"))),
            c.classes
                .iter()
                .find(|k| k.value == "k05")
                .expect("k05 has a class")
                .color
        );
        let rows = c.legend_rows();
        assert_eq!(rows.len(), 11);
        assert_eq!(rows[10], ("Other (5)".to_string(), OTHER));
    }

    #[test]
    fn numbers_and_booleans_are_classes_too() {
        let features = vec![
            feature(json!({"lanes": 4})),
            feature(json!({"lanes": 4})),
            feature(json!({"lanes": 2})),
            feature(json!({"lanes": true})),
        ];
        let c = ColorBy::classify(&features, "lanes");
        let values: Vec<&str> = c.classes.iter().map(|k| k.value.as_str()).collect();
        assert_eq!(values, ["4", "2", "true"]);
        assert_eq!(c.other_count, 0);
        assert_eq!(property_names(&features), ["lanes"]);
    }
}
