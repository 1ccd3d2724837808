//! Layer styles and their resolution to paint values for one feature.
//!
//! A layer has one colour (set in the `maps/` manifest, never in code). Where the layer is
//! categorized, the feature's status picks a line pattern and a marker fill, so the legend can
//! show "operational / under construction / planned" at a glance. A feature's own
//! simplestyle-spec properties (`stroke`, `fill`, `marker-color`, …) win over the layer's.

use super::properties::Properties;
use serde::{Deserialize, Serialize};

use super::classify::ColorBy;

/// An sRGB colour with straight (not premultiplied) alpha.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Rgba(pub [u8; 4]);

impl Rgba {
    /// Opaque colour from its three channels.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Self([r, g, b, 255])
    }

    /// How different two colours look: the distance of their CIELAB coordinates (CIE76 ΔE,
    /// D65 white; alpha ignored). About 2 is just noticeable; corridor and file colours stay
    /// 30 apart.
    pub fn difference(self, other: Self) -> f64 {
        let [l1, a1, b1] = self.lab();
        let [l2, a2, b2] = other.lab();
        ((l1 - l2).powi(2) + (a1 - a2).powi(2) + (b1 - b2).powi(2)).sqrt()
    }

    /// CIELAB coordinates (D65) of the colour.
    fn lab(self) -> [f64; 3] {
        let linear = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c > 0.040_45 {
                ((c + 0.055) / 1.055).powf(2.4)
            } else {
                c / 12.92
            }
        };
        let [r, g, b] = [linear(self.0[0]), linear(self.0[1]), linear(self.0[2])];
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.950_47;
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.088_83;
        let f = |t: f64| {
            if t > 0.008_856 {
                t.cbrt()
            } else {
                7.787 * t + 16.0 / 116.0
            }
        };
        let (fx, fy, fz) = (f(x), f(y), f(z));
        [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
    }

    /// Parse `#RGB`, `#RRGGBB` or `#RRGGBBAA` (the `#` is optional, as simplestyle allows).
    pub fn parse_hex(text: &str) -> Option<Self> {
        let hex = text.trim().trim_start_matches('#');
        let nibble = |i: usize| u8::from_str_radix(hex.get(i..i + 1)?, 16).ok();
        let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
        match hex.len() {
            3 => Some(Self::rgb(nibble(0)? * 17, nibble(1)? * 17, nibble(2)? * 17)),
            6 => Some(Self::rgb(byte(0)?, byte(2)?, byte(4)?)),
            8 => Some(Self([byte(0)?, byte(2)?, byte(4)?, byte(6)?])),
            _ => None,
        }
    }

    /// The same colour with its alpha multiplied by `opacity` (0–1).
    pub fn with_opacity(self, opacity: f64) -> Self {
        let [r, g, b, a] = self.0;
        let a = (f64::from(a) * opacity.clamp(0.0, 1.0)).round() as u8;
        Self([r, g, b, a])
    }

    /// `#RRGGBB` (or `#RRGGBBAA` when not opaque).
    pub fn to_hex(self) -> String {
        let [r, g, b, a] = self.0;
        if a == 255 {
            format!("#{r:02X}{g:02X}{b:02X}")
        } else {
            format!("#{r:02X}{g:02X}{b:02X}{a:02X}")
        }
    }

    /// Relative luminance (0 black … 1 white), for choosing a readable outline.
    pub fn luminance(self) -> f64 {
        let [r, g, b, _] = self.0;
        (0.2126 * f64::from(r) + 0.7152 * f64::from(g) + 0.0722 * f64::from(b)) / 255.0
    }
}

impl TryFrom<String> for Rgba {
    type Error = String;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse_hex(&text).ok_or_else(|| format!("`{text}` is not a #RRGGBB colour"))
    }
}

impl From<Rgba> for String {
    fn from(c: Rgba) -> Self {
        c.to_hex()
    }
}

/// How a line is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinePattern {
    /// Continuous.
    #[default]
    Solid,
    /// Long dashes.
    Dashed,
    /// Dots.
    Dotted,
}

/// One class of a categorized style: features whose property equals `value`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategoryClass {
    /// Property value that selects the class (compared case-insensitively).
    pub value: String,
    /// Label in the legend.
    pub label: String,
    /// The label in Urdu.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_ur: Option<String>,
    /// The label in Chinese (Simplified).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_zh: Option<String>,
    /// Line pattern (and marker fill: solid markers are filled, others hollow).
    pub pattern: LinePattern,
}

/// Categories by a property, shared by the categorized layers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Categories {
    /// Property the classes are read from (e.g. `status`).
    pub property: String,
    /// Where the classes' Urdu and Chinese labels come from ("translated here").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_translation: Option<String>,
    /// The classes, in legend order.
    pub classes: Vec<CategoryClass>,
}

impl CategoryClass {
    /// The legend label in `language` (English where no translation is given).
    pub fn label_in(&self, language: crate::model::label_language::LabelLanguage) -> String {
        language.text(
            &self.label,
            self.label_ur.as_deref(),
            self.label_zh.as_deref(),
        )
    }
}

impl Categories {
    /// The class a feature falls in, if any.
    pub fn class_of(&self, properties: &Properties) -> Option<&CategoryClass> {
        let value = properties.get(&self.property)?.as_str()?.trim();
        self.classes
            .iter()
            .find(|c| c.value.eq_ignore_ascii_case(value))
    }
}

/// A layer's style.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LayerStyle {
    /// The layer colour.
    pub color: Rgba,
    /// Line width, in points.
    pub line_width_pt: f32,
    /// Point marker radius, in points.
    pub point_radius_pt: f32,
    /// Opacity of polygon fills (0–1).
    pub fill_opacity: f64,
    /// Whether the status categories style this layer.
    pub categorized: bool,
    /// Opacity of the whole layer (0–1), multiplied into every colour.
    pub opacity: f64,
    /// Colours by a property's values, replacing the layer colour (and the features' own).
    pub color_by: Option<ColorBy>,
}

impl Default for LayerStyle {
    fn default() -> Self {
        Self {
            color: Rgba::rgb(0x00, 0x72, 0xB2),
            line_width_pt: 3.0,
            point_radius_pt: 5.5,
            fill_opacity: 0.35,
            categorized: false,
            opacity: 1.0,
            color_by: None,
        }
    }
}

impl LayerStyle {
    /// The line widths a layer may have, points (the style editor's range).
    pub const LINE_WIDTH_PT: std::ops::RangeInclusive<f32> = 0.5..=12.0;
    /// The point radii a layer may have, points.
    pub const POINT_RADIUS_PT: std::ops::RangeInclusive<f32> = 1.5..=16.0;
    /// The layer opacities (a layer never vanishes through its opacity alone).
    pub const OPACITY: std::ops::RangeInclusive<f64> = 0.05..=1.0;

    /// The style with every number brought within what the style editor allows (a style
    /// read from a damaged or hand-edited session can hold any number, even one too big for
    /// its type, which would then not save).
    pub fn within_bounds(mut self) -> Self {
        let clamp32 = |v: f32, r: &std::ops::RangeInclusive<f32>| v.clamp(*r.start(), *r.end());
        self.line_width_pt = clamp32(self.line_width_pt, &Self::LINE_WIDTH_PT);
        self.point_radius_pt = clamp32(self.point_radius_pt, &Self::POINT_RADIUS_PT);
        self.fill_opacity = self.fill_opacity.clamp(0.0, 1.0);
        self.opacity = self
            .opacity
            .clamp(*Self::OPACITY.start(), *Self::OPACITY.end());
        self
    }
}

/// Everything needed to paint one feature.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Paint {
    /// Line and outline colour.
    pub stroke: Rgba,
    /// Line width, in points.
    pub stroke_width_pt: f32,
    /// Polygon fill colour.
    pub fill: Rgba,
    /// Marker colour.
    pub marker: Rgba,
    /// Marker radius, in points.
    pub marker_radius_pt: f32,
    /// Whether the marker is drawn hollow (not yet operational).
    pub marker_hollow: bool,
    /// Line pattern.
    pub pattern: LinePattern,
}

/// Resolve the paint of one feature: layer style, then its status category, then the feature's
/// own simplestyle-spec properties; a chosen "colour by property" wins over both colours, and
/// the layer opacity applies to everything.
pub fn resolve(
    style: &LayerStyle,
    categories: Option<&Categories>,
    properties: &Properties,
) -> Paint {
    let pattern = categories
        .filter(|_| style.categorized)
        .and_then(|c| c.class_of(properties))
        .map(|c| c.pattern)
        .unwrap_or_default();
    let by_value = style.color_by.as_ref().map(|c| c.color_of(properties));
    let color_prop = |key: &str| {
        by_value.or_else(|| {
            properties
                .get(key)
                .and_then(|v| v.as_str())
                .and_then(Rgba::parse_hex)
        })
    };
    let number_prop = |key: &str| properties.get(key).and_then(|v| v.as_f64());

    let opacity = style.opacity.clamp(0.0, 1.0);
    let stroke = color_prop("stroke")
        .unwrap_or(style.color)
        .with_opacity(number_prop("stroke-opacity").unwrap_or(1.0) * opacity);
    let fill = color_prop("fill")
        .unwrap_or(style.color)
        .with_opacity(number_prop("fill-opacity").unwrap_or(style.fill_opacity) * opacity);
    let marker_radius_pt = match properties.get("marker-size").and_then(|v| v.as_str()) {
        Some("small") => style.point_radius_pt * 0.7,
        Some("large") => style.point_radius_pt * 1.4,
        _ => style.point_radius_pt,
    };
    Paint {
        stroke,
        stroke_width_pt: number_prop("stroke-width")
            .map(|w| w as f32)
            .unwrap_or(style.line_width_pt),
        fill,
        marker: color_prop("marker-color")
            .unwrap_or(style.color)
            .with_opacity(opacity),
        marker_radius_pt,
        marker_hollow: pattern != LinePattern::Solid,
        pattern,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn props(v: Value) -> Properties {
        v.as_object().cloned().unwrap_or_default().into()
    }

    fn status_categories() -> Categories {
        Categories {
            property: "status".into(),
            label_translation: None,
            classes: vec![
                CategoryClass {
                    value: "operational".into(),
                    label: "Operational".into(),
                    label_ur: None,
                    label_zh: None,
                    pattern: LinePattern::Solid,
                },
                CategoryClass {
                    value: "planned".into(),
                    label: "Planned".into(),
                    label_ur: None,
                    label_zh: None,
                    pattern: LinePattern::Dotted,
                },
            ],
        }
    }

    #[test]
    fn parses_hex_colours() {
        assert_eq!(
            Rgba::parse_hex("#E69F00"),
            Some(Rgba::rgb(0xE6, 0x9F, 0x00))
        );
        assert_eq!(Rgba::parse_hex("f00"), Some(Rgba::rgb(255, 0, 0)));
        assert_eq!(Rgba::parse_hex("#00000080"), Some(Rgba([0, 0, 0, 128])));
        assert_eq!(Rgba::parse_hex("#12345"), None);
        assert_eq!(Rgba::parse_hex("#GG0000"), None);
        assert_eq!(Rgba::rgb(0xE6, 0x9F, 0).to_hex(), "#E69F00");
    }

    #[test]
    fn status_category_picks_pattern_and_marker_fill() {
        let style = LayerStyle {
            categorized: true,
            ..LayerStyle::default()
        };
        let cats = status_categories();
        let planned = resolve(&style, Some(&cats), &props(json!({"status": "Planned"})));
        assert_eq!(planned.pattern, LinePattern::Dotted);
        assert!(planned.marker_hollow);
        let operational = resolve(
            &style,
            Some(&cats),
            &props(json!({"status": "operational"})),
        );
        assert_eq!(operational.pattern, LinePattern::Solid);
        assert!(!operational.marker_hollow);
        // An uncategorized layer ignores the status.
        let plain = LayerStyle::default();
        assert_eq!(
            resolve(&plain, Some(&cats), &props(json!({"status": "planned"}))).pattern,
            LinePattern::Solid
        );
    }

    #[test]
    fn simplestyle_properties_override_the_layer_style() {
        let style = LayerStyle::default();
        let paint = resolve(
            &style,
            None,
            &props(json!({
                "stroke": "#ff0000", "stroke-width": 5, "stroke-opacity": 0.5,
                "fill": "#00ff00", "fill-opacity": 0.25, "marker-color": "#0000ff",
                "marker-size": "large"
            })),
        );
        assert_eq!(paint.stroke, Rgba([255, 0, 0, 128]));
        assert_eq!(paint.stroke_width_pt, 5.0);
        assert_eq!(paint.fill, Rgba([0, 255, 0, 64]));
        assert_eq!(paint.marker, Rgba::rgb(0, 0, 255));
        assert!(paint.marker_radius_pt > style.point_radius_pt);
        // Without them, the layer colour and default fill opacity apply.
        let paint = resolve(&style, None, &Properties::new());
        assert_eq!(paint.stroke, style.color);
        assert_eq!(paint.fill, style.color.with_opacity(style.fill_opacity));
    }

    #[test]
    fn colour_by_property_and_layer_opacity() {
        let features = vec![
            crate::model::layer::Feature::new("a", props(json!({"kind": "road"})), None),
            crate::model::layer::Feature::new("b", props(json!({"kind": "rail"})), None),
        ];
        let by = ColorBy::classify(&features, "kind");
        let style = LayerStyle {
            opacity: 0.5,
            color_by: Some(by.clone()),
            ..LayerStyle::default()
        };
        // The chosen classification wins over the feature's own simplestyle colour.
        let rail = resolve(
            &style,
            None,
            &props(json!({"kind": "rail", "stroke": "#ff0000"})),
        );
        let rail_color = by.color_of(&props(json!({"kind": "rail"})));
        assert_eq!(rail.stroke, rail_color.with_opacity(0.5));
        assert_eq!(rail.marker, rail_color.with_opacity(0.5));
        assert_eq!(rail.fill, rail_color.with_opacity(style.fill_opacity * 0.5));
        let road = resolve(&style, None, &props(json!({"kind": "road"})));
        assert_ne!(road.stroke, rail.stroke);
        let other = resolve(&style, None, &props(json!({"kind": "canal"})));
        assert_eq!(
            other.stroke,
            crate::model::classify::OTHER.with_opacity(0.5)
        );
    }
}
