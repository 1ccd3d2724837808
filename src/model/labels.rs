//! Label placement: greedy by priority, never overlapping.
//!
//! Candidates are tried in priority order (e.g. city population); each is placed at the first
//! of its positions (right, left, above, below its anchor, then the corners; close first, then
//! a little farther out) whose box meets no box already placed or reserved.

use super::coverage::Coverage;

/// An axis-aligned box on screen, in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BoxPx {
    /// Left, top.
    pub min: [f32; 2],
    /// Right, bottom.
    pub max: [f32; 2],
}

impl BoxPx {
    /// The box `half` on each side of `centre` (a marker's, say).
    pub fn around(centre: [f32; 2], half: f32) -> Self {
        Self {
            min: [centre[0] - half, centre[1] - half],
            max: [centre[0] + half, centre[1] + half],
        }
    }

    /// The box moved as a point `p` moves to `p × scale + shift` (a scale above zero).
    pub fn mapped(&self, scale: f32, shift: [f32; 2]) -> Self {
        let map = |p: [f32; 2]| [p[0] * scale + shift[0], p[1] * scale + shift[1]];
        Self {
            min: map(self.min),
            max: map(self.max),
        }
    }

    /// Whether two boxes overlap (sharing an edge does not count).
    pub fn overlaps(&self, other: &Self) -> bool {
        self.min[0] < other.max[0]
            && other.min[0] < self.max[0]
            && self.min[1] < other.max[1]
            && other.min[1] < self.max[1]
    }

    /// Distance from `p` to the nearest point of the box (0 inside it), in pixels.
    pub fn distance_to(&self, p: [f32; 2]) -> f32 {
        let dx = (self.min[0] - p[0]).max(p[0] - self.max[0]).max(0.0);
        let dy = (self.min[1] - p[1]).max(p[1] - self.max[1]).max(0.0);
        dx.hypot(dy)
    }

    /// The box grown by `by` pixels on every side.
    pub fn expand(&self, by: f32) -> Self {
        Self {
            min: [self.min[0] - by, self.min[1] - by],
            max: [self.max[0] + by, self.max[1] + by],
        }
    }

    /// Whether `self` lies entirely inside `outer`.
    pub fn inside(&self, outer: &Self) -> bool {
        self.min[0] >= outer.min[0]
            && self.min[1] >= outer.min[1]
            && self.max[0] <= outer.max[0]
            && self.max[1] <= outer.max[1]
    }
}

/// What labels keep off: boxes held one by one (labels placed, badges, the markers of small
/// data), and where a render drew more markers than [`Reserved::EXACT_MAX`] (a dense point layer
/// draws a million), the cells of a grid they cover instead ([`Coverage`]): a frame then tests
/// a label against a few hundred boxes and a bitmap, not every marker.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reserved {
    boxes: Vec<BoxPx>,
    grid: Option<Coverage>,
}

impl Reserved {
    /// The most boxes held one by one when made from a render's markers.
    pub const EXACT_MAX: usize = 4096;

    /// `boxes` reserved: held as they are up to [`Self::EXACT_MAX`], else as the cells they
    /// cover.
    pub fn from_boxes(boxes: Vec<BoxPx>) -> Self {
        if boxes.len() <= Self::EXACT_MAX {
            Self { boxes, grid: None }
        } else {
            Self {
                boxes: Vec::new(),
                grid: Coverage::of(&boxes),
            }
        }
    }

    /// Reserve one more box (held as it is).
    pub fn push(&mut self, b: BoxPx) {
        self.boxes.push(b);
    }

    /// Whether `b` overlaps anything reserved (sharing an edge does not count).
    pub fn overlaps(&self, b: &BoxPx) -> bool {
        self.boxes.iter().any(|r| r.overlaps(b))
            || self.grid.as_ref().is_some_and(|g| g.overlaps(b))
    }

    /// The boxes held one by one, in the order reserved (not those only on the grid).
    pub fn boxes(&self) -> &[BoxPx] {
        &self.boxes
    }

    /// Whether it holds markers as a grid.
    pub fn is_grid(&self) -> bool {
        self.grid.is_some()
    }

    /// Everything moved: each point `p` to `p × scale + shift` (a scale above zero).
    pub fn mapped(&self, scale: f32, shift: [f32; 2]) -> Self {
        Self {
            boxes: self.boxes.iter().map(|b| b.mapped(scale, shift)).collect(),
            grid: self.grid.as_ref().map(|g| g.mapped(scale, shift)),
        }
    }
}

impl Extend<BoxPx> for Reserved {
    fn extend<I: IntoIterator<Item = BoxPx>>(&mut self, iter: I) {
        self.boxes.extend(iter);
    }
}

/// A label that wants a place.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LabelCandidate {
    /// The point the label names, in pixels.
    pub anchor_px: [f32; 2],
    /// Width and height of the text, in pixels.
    pub size_px: [f32; 2],
    /// Width and height of a shorter form of it (a two-line name's first line), tried where
    /// the whole label does not fit.
    pub short_size_px: Option<[f32; 2]>,
    /// Higher goes first.
    pub priority: f64,
    /// May cover reserved boxes (markers) when no free place is left, e.g. a capital's name;
    /// it still never overlaps another label.
    pub essential: bool,
}

/// A placed label: which candidate, and the top-left corner of its text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlacedLabel {
    /// Index into the candidates.
    pub candidate: usize,
    /// Top-left corner of the text, in pixels.
    pub pos_px: [f32; 2],
    /// Whether it is placed in its shorter form.
    pub short: bool,
}

/// Gap between a label and its anchor, in pixels.
const GAP_PX: f32 = 4.0;

/// Clear space kept between two labels, as a share of the label's height: two names set
/// edge to edge ("纳瓦布沙阿辛焦罗") read as one.
const CLEARANCE: f32 = 0.3;

/// Place labels inside `bounds` without overlaps, avoiding the `reserved` boxes (e.g. markers).
pub fn place_labels(
    candidates: &[LabelCandidate],
    reserved: &Reserved,
    bounds: BoxPx,
) -> Vec<PlacedLabel> {
    place_labels_avoiding(candidates, reserved, &[], bounds)
}

/// [`place_labels`], also keeping off the `avoid` boxes (the map's scale bar, buttons, drawn
/// over the labels): always, even an essential label, which would rather cover a marker than
/// be hidden.
pub fn place_labels_avoiding(
    candidates: &[LabelCandidate],
    reserved: &Reserved,
    avoid: &[BoxPx],
    bounds: BoxPx,
) -> Vec<PlacedLabel> {
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by(|&a, &b| candidates[b].priority.total_cmp(&candidates[a].priority));
    let mut labels: Vec<BoxPx> = Vec::new();
    let mut placed: Vec<PlacedLabel> = Vec::new();
    for i in order {
        let c = candidates[i];
        // The points named already, other than this one's.
        let others = || {
            placed
                .iter()
                .zip(&labels)
                .map(|(p, pb)| (candidates[p.candidate].anchor_px, pb))
                .filter(|(o, _)| *o != c.anchor_px)
        };
        // A label already placed must stay nearer its point than this one's, or naming this
        // point makes it name the wrong one.
        if others().any(|(o, pb)| pb.distance_to(c.anchor_px) < pb.distance_to(o)) {
            continue;
        }
        // And this label must sit nearer its own point than any other named point (a town's
        // name beside a capital's dot), inside the bounds, off the map's furniture; other
        // labels are kept a little farther off than markers.
        let free = |b: &BoxPx, over_markers: bool| {
            let d = b.distance_to(c.anchor_px);
            let spaced = b.expand(CLEARANCE * (b.max[1] - b.min[1]));
            b.inside(&bounds)
                && !avoid.iter().any(|t| t.overlaps(b))
                && (over_markers || !reserved.overlaps(b))
                && !labels.iter().any(|t| t.overlaps(&spaced))
                && !others().any(|(o, _)| b.distance_to(o) < d)
        };
        let first = |size: [f32; 2], over_markers: bool| {
            positions(&c, size)
                .map(|pos| (pos, boxed(pos, size)))
                .find(|(_, b)| free(b, over_markers))
        };
        // Whole, else shortened, off the markers; then, for an essential label, whole over
        // markers (never over another label, nor under the map's furniture).
        let fit = first(c.size_px, false)
            .map(|f| (f, false))
            .or_else(|| {
                c.short_size_px
                    .and_then(|s| first(s, false))
                    .map(|f| (f, true))
            })
            .or_else(|| {
                c.essential
                    .then(|| first(c.size_px, true))
                    .flatten()
                    .map(|f| (f, false))
            });
        if let Some(((pos_px, b), short)) = fit {
            labels.push(b);
            placed.push(PlacedLabel {
                candidate: i,
                pos_px,
                short,
            });
        }
    }
    placed
}

/// The box of a label of `size` whose top-left corner is at `pos`.
fn boxed(pos: [f32; 2], size: [f32; 2]) -> BoxPx {
    BoxPx {
        min: pos,
        max: [pos[0] + size[0], pos[1] + size[1]],
    }
}

/// Where a label of `size` may go, best first: right, left, above, below its anchor, then the
/// corners; beside it, then past the markers around it (a town point carrying several
/// projects spreads them a marker or two wide). Only an essential label goes the farthest,
/// where a name reads less surely as its point's.
fn positions(c: &LabelCandidate, [w, h]: [f32; 2]) -> impl Iterator<Item = [f32; 2]> {
    let [ax, ay] = c.anchor_px;
    let rings: &'static [f32] = if c.essential {
        &[GAP_PX, GAP_PX + 12.0, GAP_PX + 24.0, GAP_PX + 36.0]
    } else {
        &[GAP_PX, GAP_PX + 12.0]
    };
    rings.iter().flat_map(move |&g| {
        [
            [ax + g, ay - h / 2.0],
            [ax - g - w, ay - h / 2.0],
            [ax - w / 2.0, ay - g - h],
            [ax - w / 2.0, ay + g],
            [ax + g, ay - g - h],
            [ax + g, ay + g],
            [ax - g - w, ay - g - h],
            [ax - g - w, ay + g],
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(boxes: &[BoxPx]) -> Reserved {
        Reserved::from_boxes(boxes.to_vec())
    }

    #[test]
    fn a_label_is_never_nearer_another_named_point_than_its_own() {
        // A town with markers all round it (right, left, above, below reserved), and a
        // capital's dot 40 px to its left: the town's name may not go beside the capital.
        let town = LabelCandidate {
            anchor_px: [500.0, 500.0],
            size_px: [60.0, 14.0],
            short_size_px: None,
            priority: 2.0,
            essential: false,
        };
        let capital = LabelCandidate {
            anchor_px: [440.0, 500.0],
            priority: 1.0,
            ..town
        };
        // Markers cover everything within 30 px of the town but the left side.
        let reserved = [
            BoxPx {
                min: [470.0, 470.0],
                max: [600.0, 480.0],
            },
            BoxPx {
                min: [470.0, 520.0],
                max: [600.0, 530.0],
            },
            BoxPx {
                min: [504.0, 480.0],
                max: [600.0, 520.0],
            },
        ];
        let placed = place_labels(&[town, capital], &held(&reserved), BOUNDS);
        let both = [town, capital];
        for p in &placed {
            let c = both[p.candidate];
            let b = BoxPx {
                min: p.pos_px,
                max: [p.pos_px[0] + c.size_px[0], p.pos_px[1] + c.size_px[1]],
            };
            // Against every other point that is named (drawn with its dot).
            for q in placed.iter().filter(|q| q.candidate != p.candidate) {
                let other = both[q.candidate];
                assert!(
                    b.distance_to(c.anchor_px) <= b.distance_to(other.anchor_px),
                    "label {} placed nearer the other point: {b:?}",
                    p.candidate
                );
            }
        }
        assert!(placed.iter().any(|p| p.candidate == 0), "the town is named");
    }

    const BOUNDS: BoxPx = BoxPx {
        min: [0.0, 0.0],
        max: [1000.0, 1000.0],
    };

    fn cand(x: f32, y: f32, priority: f64) -> LabelCandidate {
        LabelCandidate {
            anchor_px: [x, y],
            size_px: [60.0, 14.0],
            short_size_px: None,
            priority,
            essential: false,
        }
    }

    fn boxes(placed: &[PlacedLabel], c: &[LabelCandidate]) -> Vec<BoxPx> {
        placed
            .iter()
            .map(|p| BoxPx {
                min: p.pos_px,
                max: [
                    p.pos_px[0] + c[p.candidate].size_px[0],
                    p.pos_px[1] + c[p.candidate].size_px[1],
                ],
            })
            .collect()
    }

    #[test]
    fn labels_never_overlap_and_big_places_win() {
        let c: Vec<LabelCandidate> = (0..50)
            .map(|i| {
                cand(
                    100.0 + (i % 10) as f32 * 12.0,
                    100.0 + (i / 10) as f32 * 9.0,
                    i as f64,
                )
            })
            .collect();
        let placed = place_labels(&c, &Reserved::default(), BOUNDS);
        assert!(!placed.is_empty() && placed.len() < c.len());
        assert_eq!(placed[0].candidate, 49, "highest priority placed first");
        let b = boxes(&placed, &c);
        for i in 0..b.len() {
            for j in i + 1..b.len() {
                assert!(!b[i].overlaps(&b[j]), "labels {i} and {j} overlap");
                // Nor do they touch: each keeps its clear space from the others.
                let h = b[j].max[1] - b[j].min[1];
                assert!(
                    !b[i].overlaps(&b[j].expand(0.99 * CLEARANCE * h)),
                    "labels {i} and {j} set edge to edge"
                );
            }
        }
    }

    #[test]
    fn essential_labels_may_cover_markers_but_not_labels() {
        // The anchor is boxed in by markers on every side.
        let ring = BoxPx {
            min: [380.0, 440.0],
            max: [620.0, 560.0],
        };
        let mut capital = cand(500.0, 500.0, 2.0);
        let town = cand(500.0, 500.0, 1.0);
        assert!(place_labels(&[capital], &held(&[ring]), BOUNDS).is_empty());
        capital.essential = true;
        let placed = place_labels(&[capital, town], &held(&[ring]), BOUNDS);
        assert_eq!(placed.len(), 1, "the capital is placed, the town is not");
        assert_eq!(placed[0].candidate, 0);
    }

    #[test]
    fn labels_avoid_reserved_boxes_and_stay_in_bounds() {
        let c = [cand(500.0, 500.0, 1.0), cand(995.0, 500.0, 1.0)];
        let marker = BoxPx {
            min: [502.0, 490.0],
            max: [520.0, 510.0],
        };
        let placed = place_labels(&c, &held(&[marker]), BOUNDS);
        let b = boxes(&placed, &c);
        assert!(b.iter().all(|b| !b.overlaps(&marker) && b.inside(&BOUNDS)));
        // The first label had to move off its preferred right-hand side.
        let first = placed.iter().find(|p| p.candidate == 0).expect("placed");
        assert!(first.pos_px[0] < 500.0 || first.pos_px[1] != 493.0);
        // The second, at the right edge, goes to the left of its anchor.
        let second = placed.iter().find(|p| p.candidate == 1).expect("placed");
        assert!(second.pos_px[0] < 995.0);
    }

    #[test]
    fn a_name_too_big_for_its_place_is_shortened_not_laid_over_markers() {
        // Markers above and below a capital leave room beside it for one line, not two.
        let reserved = [
            BoxPx {
                min: [380.0, 480.0],
                max: [620.0, 491.0],
            },
            BoxPx {
                min: [380.0, 509.0],
                max: [620.0, 520.0],
            },
        ];
        let both_lines = LabelCandidate {
            anchor_px: [500.0, 500.0],
            size_px: [60.0, 30.0],
            short_size_px: None,
            priority: 1.0,
            essential: false,
        };
        assert!(place_labels(&[both_lines], &held(&reserved), BOUNDS).is_empty());
        let placed = place_labels(
            &[LabelCandidate {
                short_size_px: Some([60.0, 14.0]),
                ..both_lines
            }],
            &held(&reserved),
            BOUNDS,
        );
        assert_eq!(placed.len(), 1);
        assert!(placed[0].short, "the first line alone");
        let b = boxed(placed[0].pos_px, [60.0, 14.0]);
        assert!(!reserved.iter().any(|r| r.overlaps(&b)));
    }

    #[test]
    fn labels_keep_off_a_dense_layers_markers_held_as_a_grid() {
        // Ten thousand markers in a band across the map, a town in the middle of it: held as
        // a grid, and the town's name still goes past the band, clear of every marker.
        let markers: Vec<BoxPx> = (0..10_000)
            .map(|i| {
                let (x, y) = ((i % 500) as f32 * 2.0, 480.0 + (i / 500) as f32 * 2.0);
                BoxPx::around([x, y], 6.0)
            })
            .collect();
        let reserved = Reserved::from_boxes(markers.clone());
        assert!(reserved.is_grid() && reserved.boxes().is_empty());
        let town = LabelCandidate {
            anchor_px: [500.0, 500.0],
            size_px: [60.0, 14.0],
            short_size_px: None,
            priority: 1.0,
            essential: true,
        };
        let placed = place_labels(&[town], &reserved, BOUNDS);
        assert_eq!(placed.len(), 1, "the essential name is placed");
        let b = boxed(placed[0].pos_px, town.size_px);
        assert!(
            !markers.iter().any(|m| m.overlaps(&b)),
            "placed above the band, clear of it: {b:?}"
        );
        // A name that may not go far from its point finds no place clear of the band.
        let near_only = LabelCandidate {
            essential: false,
            ..town
        };
        assert!(place_labels(&[near_only], &reserved, BOUNDS).is_empty());
    }
}
