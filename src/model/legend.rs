//! What a briefing image's legend and footnote say: the visible layers, the status classes,
//! whether estimated positions are in view, and the publications the features shown cite.

use std::collections::BTreeSet;

use super::confidence::Confidence;
use super::label_language::LabelLanguage;
use super::layer::Layer;
use super::style::{Categories, CategoryClass, Rgba};
use super::view::WorldRect;

/// One layer in the legend.
#[derive(Clone, Debug, PartialEq)]
pub struct LegendLayer {
    /// Layer title.
    pub title: String,
    /// Layer colour.
    pub color: Rgba,
    /// Its colours by property value (label and colour), when it is coloured by a property.
    pub classes: Vec<(String, Rgba)>,
}

/// Legend and footnote content for a view.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Legend {
    /// The visible layers, top of the draw order first.
    pub layers: Vec<LegendLayer>,
    /// Status classes, when a visible layer is styled by them.
    pub classes: Vec<CategoryClass>,
    /// Features in view, by confidence A, B, C.
    pub by_confidence: [usize; 3],
    /// Features in view whose file states no confidence: their accuracy is unknown, which is
    /// not the same as an estimate.
    pub not_stated: usize,
    /// Publications cited by the features in view, sorted.
    pub publications: Vec<String>,
    /// Credits the visible layers with features in view owe (their licences ask for them).
    pub credits: Vec<String>,
    /// Features in view drawn on a schematic alignment (no traced route).
    pub schematic: usize,
}

impl Legend {
    /// Whether any feature in view has an estimated (C) position.
    pub fn has_estimates(&self) -> bool {
        self.by_confidence[2] > 0
    }

    /// Number of features in view.
    pub fn feature_count(&self) -> usize {
        self.by_confidence.iter().sum::<usize>() + self.not_stated
    }

    /// The layer titles, in legend order.
    pub fn titles(&self) -> Vec<&str> {
        self.layers.iter().map(|l| l.title.as_str()).collect()
    }
}

/// The credits the visible layers owe, each once, bottom layer first (for the map's own
/// attribution box).
pub fn layer_credits(layers: &[Layer]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in layers
        .iter()
        .filter(|l| l.visible)
        .filter_map(|l| l.attribution.as_ref())
    {
        if !out.contains(c) {
            out.push(c.clone());
        }
    }
    out
}

/// The default subtitle of a briefing image: the visible layers' titles in `language` (English
/// and local: in English, one line), bottom first.
pub fn default_subtitle(layers: &[Layer], language: LabelLanguage) -> String {
    let language = match language {
        LabelLanguage::EnglishAndLocal => LabelLanguage::English,
        other => other,
    };
    layers
        .iter()
        .filter(|l| l.visible)
        .map(|l| l.title_local.text(language, &l.title))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The legend's own words: its headings and the rows of symbols every map shares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Term {
    /// The legend's heading.
    Legend,
    /// The status classes' heading.
    Status,
    /// The halo of an estimated position.
    EstimatedPosition,
    /// The faded line of a schematic alignment.
    SchematicAlignment,
    /// The basemap symbols' heading.
    Basemap,
    /// A boundary between countries.
    InternationalBoundary,
    /// A disputed boundary or line of control.
    DisputedBoundary,
    /// A province's or territory's boundary.
    Province,
}

impl Term {
    /// The words in `language` (translated here); English, and English with local names,
    /// keep the English words.
    pub fn text(self, language: LabelLanguage) -> &'static str {
        let [en, ur, zh] = match self {
            Self::Legend => ["Legend", "علامات", "图例"],
            Self::Status => ["Status", "حیثیت", "状态"],
            Self::EstimatedPosition => {
                ["Estimated position (C)", "تخمینی مقام (C)", "估计位置（C）"]
            }
            Self::SchematicAlignment => [
                "Schematic alignment (not a route)",
                "خاکہ نما راستہ (اصل راستہ نہیں)",
                "示意走向（非实际线路）",
            ],
            Self::Basemap => ["Basemap", "بنیادی نقشہ", "底图"],
            Self::InternationalBoundary => ["International boundary", "بین الاقوامی سرحد", "国界"],
            Self::DisputedBoundary => [
                "Disputed boundary / line of control",
                "متنازع سرحد / لائن آف کنٹرول",
                "争议边界／控制线",
            ],
            Self::Province => ["Province or territory", "صوبہ یا علاقہ", "省或地区"],
        };
        match language {
            LabelLanguage::Urdu => ur,
            LabelLanguage::Chinese => zh,
            LabelLanguage::English | LabelLanguage::EnglishAndLocal => en,
        }
    }
}

/// Build the legend for the visible layers and the features inside `view`, its titles and
/// labels in `language`.
pub fn legend_for(
    layers: &[Layer],
    categories: Option<&Categories>,
    view: WorldRect,
    language: LabelLanguage,
) -> Legend {
    let visible: Vec<&Layer> = layers.iter().rev().filter(|l| l.visible).collect();
    let classes = match categories {
        Some(c) if visible.iter().any(|l| l.style.categorized) => c
            .classes
            .iter()
            .map(|class| CategoryClass {
                label: class.label_in(language),
                ..class.clone()
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut by_confidence = [0; 3];
    let mut not_stated = 0;
    let mut publications = BTreeSet::new();
    let mut credits: Vec<String> = Vec::new();
    let mut schematic = 0;
    for layer in &visible {
        // In file order: the index gives features in its own, scattered through memory.
        let mut shown: Vec<usize> = layer.index.query(view).collect();
        shown.sort_unstable();
        if let Some(c) = &layer.attribution
            && !shown.is_empty()
            && !credits.contains(c)
        {
            credits.push(c.clone());
        }
        for f in shown.into_iter().filter_map(|i| layer.features.get(i)) {
            schematic += usize::from(f.is_schematic());
            match f.confidence() {
                Some(Confidence::A) => by_confidence[0] += 1,
                Some(Confidence::B) => by_confidence[1] += 1,
                Some(Confidence::C) => by_confidence[2] += 1,
                // Unknown is not an estimate: counted apart, never claimed as C.
                None => not_stated += 1,
            }
            if let Some(source) = f.text("source") {
                publications.extend(publications_in(source));
            }
        }
    }
    Legend {
        layers: visible
            .iter()
            .map(|l| LegendLayer {
                title: l.title_local.text(language, &l.title),
                color: l.style.color,
                classes: l
                    .style
                    .color_by
                    .as_ref()
                    .map(|by| by.legend_rows())
                    .unwrap_or_default(),
            })
            .collect(),
        classes,
        by_confidence,
        not_stated,
        publications: publications.into_iter().collect(),
        credits,
        schematic,
    }
}

/// The publications a `source` text cites: each `;`-separated citation cut to its outlet
/// ("dawn.com/news/1764908" → "dawn.com", "en.wikipedia 'Karot…'" → "en.wikipedia").
pub fn publications_in(source: &str) -> Vec<String> {
    source
        .split(';')
        .filter_map(|citation| {
            let c = citation.trim();
            let first = c.split_whitespace().next().unwrap_or("");
            let outlet = if first.contains('.') {
                // A web address: its host.
                first
                    .split('/')
                    .next()
                    .unwrap_or("")
                    .trim_end_matches(['.', ',', ':'])
            } else {
                // A name: up to the first comma, bracket, quote or colon.
                let end = c.find([',', '(', '\'', '"', '“', ':']).unwrap_or(c.len());
                c[..end].trim()
            };
            (outlet.len() > 2).then(|| outlet.to_string())
        })
        .collect()
}

/// A civil date (proleptic Gregorian) from days since 1970-01-01.
pub fn civil_date(days_since_epoch: i64) -> (i64, u32, u32) {
    // Howard Hinnant's days_from_civil inverse.
    let z = days_since_epoch + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// "29 November 2026".
pub fn format_date(year: i64, month: u32, day: u32) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let name = MONTHS.get(month.saturating_sub(1) as usize).unwrap_or(&"?");
    format!("{day} {name} {year}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layer::{Feature, LayerOrigin};
    use crate::model::style::LayerStyle;
    use crate::model::view::LonLat;
    use geo::point;
    use serde_json::json;

    fn layer(id: &str, visible: bool, features: Vec<Feature>) -> Layer {
        let mut l = Layer::new(
            id,
            id.to_uppercase(),
            LayerOrigin::Catalog,
            LayerStyle::default(),
            features,
        );
        l.visible = visible;
        l
    }

    fn feature(lon: f64, lat: f64, confidence: &str, source: &str) -> Feature {
        let props = json!({"confidence": confidence, "source": source})
            .as_object()
            .cloned()
            .unwrap_or_default();
        Feature::new("f", props, Some(point!(x: lon, y: lat).into()))
    }

    #[test]
    fn a_position_without_a_grade_is_not_counted_as_an_estimate() {
        let mut ungraded = feature(62.3, 25.1, "C", "a user's file");
        ungraded.properties = ungraded.properties.without("confidence");
        let layers = vec![layer(
            "a",
            true,
            vec![ungraded, feature(62.4, 25.2, "C", "dawn.com")],
        )];
        let gwadar = WorldRect::from_lon_lat(LonLat::new(62.0, 24.9), LonLat::new(62.8, 25.5));
        let legend = legend_for(&layers, None, gwadar, LabelLanguage::English);
        assert_eq!(legend.by_confidence, [0, 0, 1], "one estimate");
        assert_eq!(legend.not_stated, 1, "one unknown, apart");
        assert_eq!(legend.feature_count(), 2);
    }

    #[test]
    fn lists_exactly_the_visible_layers_top_first() {
        let layers = vec![
            layer("a", true, vec![]),
            layer("b", false, vec![]),
            layer("c", true, vec![]),
        ];
        let everywhere =
            WorldRect::from_lon_lat(LonLat::new(-179.0, -80.0), LonLat::new(179.0, 80.0));
        let legend = legend_for(&layers, None, everywhere, LabelLanguage::English);
        let titles: Vec<&str> = legend.layers.iter().map(|l| l.title.as_str()).collect();
        assert_eq!(titles, ["C", "A"]);
    }

    #[test]
    fn a_layer_coloured_by_a_property_lists_its_classes() {
        let mut a = layer("a", true, vec![feature(62.3, 25.1, "A", "x.org")]);
        a.style.color_by = Some(crate::model::classify::ColorBy::classify(
            &a.features,
            "confidence",
        ));
        let everywhere =
            WorldRect::from_lon_lat(LonLat::new(-179.0, -80.0), LonLat::new(179.0, 80.0));
        let legend = legend_for(&[a], None, everywhere, LabelLanguage::English);
        assert_eq!(
            legend.layers[0].classes,
            [("A (1)".to_string(), crate::model::classify::QUALITATIVE[0])]
        );
    }

    #[test]
    fn counts_estimates_and_publications_in_view_only() {
        let layers = vec![layer(
            "a",
            true,
            vec![
                feature(
                    62.3,
                    25.1,
                    "C",
                    "dawn.com/news/1764908; en.wikipedia 'Gwadar' (mirror)",
                ),
                feature(62.4, 25.2, "A", "thenews.com.pk print/694781"),
                feature(74.0, 35.0, "C", "elsewhere.org"),
            ],
        )];
        let gwadar = WorldRect::from_lon_lat(LonLat::new(62.0, 24.9), LonLat::new(62.8, 25.5));
        let legend = legend_for(&layers, None, gwadar, LabelLanguage::English);
        assert_eq!(legend.by_confidence, [1, 0, 1]);
        assert_eq!(legend.not_stated, 0);
        assert!(legend.has_estimates());
        assert_eq!(
            legend.publications,
            ["dawn.com", "en.wikipedia", "thenews.com.pk"]
        );
        assert_eq!(
            publications_in("Business Recorder (18 Aug 2025); urdupoint.com/en/x.html, more"),
            ["Business Recorder", "urdupoint.com"]
        );
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(20_786), (2026, 11, 29));
        assert_eq!(civil_date(11_016), (2000, 2, 29));
        assert_eq!(format_date(2026, 11, 29), "29 November 2026");
    }
}
