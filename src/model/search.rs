//! Finding features by name or any text property, across layers, ranked.

use super::layer::Layer;

/// A feature that matches, with how well.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchHit {
    /// Index of the layer.
    pub layer: usize,
    /// Index of the feature in it.
    pub feature: usize,
    /// Higher is better.
    pub score: u32,
    /// The property that matched when it was not the name.
    pub matched_in: Option<String>,
}

/// Text as search compares it: lower case; Arabic-script letters in their Urdu forms (Arabic
/// yeh, kaf and heh typed or written either way: ي/ی, ك/ک, ه/ہ) without short-vowel marks;
/// Chinese in Simplified characters (拉合爾 finds 拉合尔).
pub fn fold(text: &str) -> String {
    let lower = text.to_lowercase();
    let arabic = lower
        .chars()
        .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c));
    let cjk = lower
        .chars()
        .any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c));
    let mut out: String = if arabic {
        lower
            .chars()
            .filter(|c| !matches!(*c as u32, 0x064B..=0x065F | 0x0670))
            .map(|c| match c {
                'ي' | 'ى' => 'ی',
                'ك' => 'ک',
                'ه' => 'ہ',
                other => other,
            })
            .collect()
    } else {
        lower
    };
    if cjk {
        out = super::label_language::simplified(&out);
    }
    out
}

/// Rank of a match of `query` (folded, [`fold`]) in `text`.
fn rank(text: &str, query: &str) -> Option<u32> {
    let t = fold(text);
    if t == query {
        Some(100)
    } else if t.starts_with(query) {
        Some(80)
    } else if t
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w.starts_with(query))
    {
        Some(60)
    } else if t.contains(query) {
        Some(40)
    } else {
        None
    }
}

/// Features whose name or text properties contain `query` (case-insensitive), best first:
/// names before other properties, whole and leading matches before inner ones; at most
/// `limit` hits. Layers that are hidden are searched too (the result says which layer).
pub fn search(layers: &[Layer], query: &str, limit: usize) -> Vec<SearchHit> {
    let q = fold(query.trim());
    if q.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<SearchHit> = Vec::new();
    for (li, layer) in layers.iter().enumerate() {
        for (fi, f) in layer.features.iter().enumerate() {
            let by_name = rank(&f.name(), &q).map(|s| (s + 100, None));
            let by_property = || {
                f.properties
                    .iter()
                    .filter(|(k, _)| *k != "name")
                    .filter_map(|(k, v)| {
                        let s = v.as_str()?;
                        rank(s, &q).map(|r| (r / 2, Some(k.to_string())))
                    })
                    .max_by_key(|(s, _)| *s)
            };
            if let Some((score, matched_in)) = by_name.or_else(by_property) {
                hits.push(SearchHit {
                    layer: li,
                    feature: fi,
                    score,
                    matched_in,
                });
            }
        }
    }
    hits.sort_by(|a, b| {
        b.score.cmp(&a.score).then_with(|| {
            layers[a.layer].features[a.feature]
                .name()
                .cmp(&layers[b.layer].features[b.feature].name())
        })
    });
    hits.truncate(limit);
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layer::{Feature, LayerOrigin};
    use crate::model::style::LayerStyle;
    use serde_json::json;

    fn feature(name: &str, description: &str) -> Feature {
        let props = json!({"name": name, "description": description})
            .as_object()
            .cloned()
            .unwrap_or_default();
        Feature::new(name, props, None)
    }

    fn layers() -> Vec<Layer> {
        vec![
            Layer::new(
                "a",
                "A",
                LayerOrigin::Catalog,
                LayerStyle::default(),
                vec![
                    feature("Gwadar Port", "deep-sea port"),
                    feature("New Gwadar International Airport", "opened 2025"),
                    feature("Karot hydropower", "on the Jhelum"),
                ],
            ),
            Layer::new(
                "b",
                "B",
                LayerOrigin::Catalog,
                LayerStyle::default(),
                vec![
                    feature("Gwadar", "city"),
                    feature("Saindak mine", "near Gwadar's hinterland"),
                ],
            ),
        ]
    }

    #[test]
    fn urdu_and_chinese_are_found_however_they_are_typed() {
        let layers = vec![Layer::new(
            "p",
            "Provinces",
            LayerOrigin::Catalog,
            LayerStyle::default(),
            vec![
                feature("بلوچستان", "Balochistan"),
                feature("خیبر پختونخوا", "Khyber Pakhtunkhwa"),
                feature("拉合爾", "Lahore, in Natural Earth's Traditional form"),
                feature("俾路支省", "Balochistan"),
            ],
        )];
        let first = |q: &str| search(&layers, q, 5).first().map(|h| h.feature);
        assert_eq!(first("بلوچستان"), Some(0));
        // An Arabic keyboard's yeh (ي) for Urdu's (ی).
        assert_eq!(first("خيبر"), Some(1));
        assert_eq!(first("پختونخوا"), Some(1), "a later word");
        // Simplified typed, Traditional in the data.
        assert_eq!(first("拉合尔"), Some(2));
        assert_eq!(first("路支"), Some(3), "inside a Chinese name");
    }

    #[test]
    fn names_rank_before_descriptions_and_exact_before_partial() {
        let l = layers();
        let names: Vec<_> = search(&l, "gwadar", 10)
            .iter()
            .map(|h| l[h.layer].features[h.feature].name())
            .collect();
        assert_eq!(
            names,
            [
                "Gwadar",
                "Gwadar Port",
                "New Gwadar International Airport",
                "Saindak mine"
            ]
        );
        let jhelum = search(&l, "JHELUM", 10);
        assert_eq!(jhelum.len(), 1);
        assert_eq!(jhelum[0].matched_in.as_deref(), Some("description"));
        assert!(search(&l, "  ", 10).is_empty());
        assert_eq!(search(&l, "a", 2).len(), 2, "limited");
    }
}
