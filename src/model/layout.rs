//! The layout maths of a composed briefing image: where the title, map, legend, footer and
//! classification lines go on the page, in points (the image is rendered at `scale` pixels
//! per point).

/// An axis-aligned rectangle in points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RectPt {
    /// Left.
    pub x: f32,
    /// Top.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
}

impl RectPt {
    /// Right edge.
    pub fn right(&self) -> f32 {
        self.x + self.w
    }
    /// Bottom edge.
    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }
}

/// What a composed image contains.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Composition {
    /// Title at the top.
    pub title: String,
    /// Subtitle under it (empty: none).
    pub subtitle: String,
    /// Show the legend panel.
    pub legend: bool,
    /// Show the scale bar.
    pub scale_bar: bool,
    /// Show the north arrow.
    pub north_arrow: bool,
    /// Show attribution and the sources footnote.
    pub attribution: bool,
    /// Show the disclaimer.
    pub disclaimer: bool,
    /// Show the date.
    pub date: bool,
    /// Classification line at top and bottom (e.g. "RESTRICTED"); empty: none.
    pub classification: String,
    /// A fixed map scale for print, its denominator (2,000,000 for 1 : 2,000,000), exact at the
    /// map's centre and printed beside the scale bar; `None`: the view is fitted.
    pub map_scale: Option<u32>,
}

impl Default for Composition {
    fn default() -> Self {
        Self {
            title: "CPEC phase two".into(),
            subtitle: String::new(),
            legend: true,
            scale_bar: true,
            north_arrow: true,
            attribution: true,
            disclaimer: true,
            date: true,
            classification: String::new(),
            map_scale: None,
        }
    }
}

/// Where everything goes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PageLayout {
    /// The whole page.
    pub page: RectPt,
    /// Classification band at the top.
    pub classification_top: Option<RectPt>,
    /// Classification band at the bottom.
    pub classification_bottom: Option<RectPt>,
    /// Title and subtitle band.
    pub header: RectPt,
    /// The map frame.
    pub map: RectPt,
    /// The legend panel, right of the map.
    pub legend: Option<RectPt>,
    /// The footer: sources, attribution, disclaimer, date.
    pub footer: RectPt,
}

/// Margin around the page content, in points.
pub const MARGIN_PT: f32 = 16.0;
/// Height of a classification band, in points.
pub const CLASSIFICATION_PT: f32 = 20.0;

/// Lay out a page of `size_pt` for `composition`. The header and footer heights are given by
/// the caller, who has measured their text.
pub fn layout(
    size_pt: [f32; 2],
    composition: &Composition,
    header_h_pt: f32,
    footer_h_pt: f32,
) -> PageLayout {
    let [w, h] = size_pt;
    let page = RectPt {
        x: 0.0,
        y: 0.0,
        w,
        h,
    };
    let classified = !composition.classification.trim().is_empty();
    let band = |y| RectPt {
        x: 0.0,
        y,
        w,
        h: CLASSIFICATION_PT,
    };
    let (top, bottom) = if classified {
        (Some(band(0.0)), Some(band(h - CLASSIFICATION_PT)))
    } else {
        (None, None)
    };
    let content_top = top.map_or(0.0, |b| b.bottom()) + MARGIN_PT;
    let content_bottom = bottom.map_or(h, |b| b.y) - MARGIN_PT;
    let header = RectPt {
        x: MARGIN_PT,
        y: content_top,
        w: w - 2.0 * MARGIN_PT,
        h: header_h_pt,
    };
    let footer = RectPt {
        x: MARGIN_PT,
        y: content_bottom - footer_h_pt,
        w: w - 2.0 * MARGIN_PT,
        h: footer_h_pt,
    };
    let body_top = header.bottom() + 6.0;
    let body_h = (footer.y - 6.0 - body_top).max(10.0);
    // The legend takes about a fifth of the width, between 150 and 260 points.
    let legend_w = if composition.legend {
        (w * 0.2).clamp(150.0, 260.0)
    } else {
        0.0
    };
    let map_w = (w
        - 2.0 * MARGIN_PT
        - if composition.legend {
            legend_w + 10.0
        } else {
            0.0
        })
    .max(10.0);
    let map = RectPt {
        x: MARGIN_PT,
        y: body_top,
        w: map_w,
        h: body_h,
    };
    let legend = composition.legend.then(|| RectPt {
        x: map.right() + 10.0,
        y: body_top,
        w: legend_w,
        h: body_h,
    });
    PageLayout {
        page,
        classification_top: top,
        classification_bottom: bottom,
        header,
        map,
        legend,
        footer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inside(inner: RectPt, outer: RectPt) -> bool {
        inner.x >= outer.x
            && inner.y >= outer.y
            && inner.right() <= outer.right() + 1e-3
            && inner.bottom() <= outer.bottom() + 1e-3
    }

    fn overlap(a: RectPt, b: RectPt) -> bool {
        a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom()
    }

    #[test]
    fn parts_are_on_the_page_and_never_overlap() {
        for classification in ["", "RESTRICTED"] {
            for legend in [true, false] {
                let c = Composition {
                    classification: classification.into(),
                    legend,
                    subtitle: "Visible layers".into(),
                    ..Composition::default()
                };
                let l = layout([800.0, 600.0], &c, 50.0, 40.0);
                let mut parts = vec![l.header, l.map, l.footer];
                parts.extend(l.legend);
                parts.extend(l.classification_top);
                parts.extend(l.classification_bottom);
                for (i, a) in parts.iter().enumerate() {
                    assert!(inside(*a, l.page), "{a:?} off the page");
                    for b in &parts[i + 1..] {
                        assert!(!overlap(*a, *b), "{a:?} overlaps {b:?}");
                    }
                }
                assert_eq!(l.legend.is_some(), legend);
                assert_eq!(l.classification_top.is_some(), !classification.is_empty());
            }
        }
    }

    #[test]
    fn without_legend_the_map_takes_the_width() {
        let with = layout([1000.0, 700.0], &Composition::default(), 30.0, 40.0);
        let without = layout(
            [1000.0, 700.0],
            &Composition {
                legend: false,
                ..Composition::default()
            },
            30.0,
            40.0,
        );
        assert!(without.map.w > with.map.w);
        assert!((without.map.w - (1000.0 - 2.0 * MARGIN_PT)).abs() < 1e-3);
    }
}
