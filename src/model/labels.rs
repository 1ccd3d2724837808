//! Label placement: greedy by priority, never overlapping.
//!
//! Candidates are tried in priority order (e.g. city population); each is placed at the first
//! of its positions (right, left, above, below its anchor, then the corners; close first, then
//! a little farther out) whose box meets no box already placed or reserved.

/// An axis-aligned box on screen, in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BoxPx {
    /// Left, top.
    pub min: [f32; 2],
    /// Right, bottom.
    pub max: [f32; 2],
}

impl BoxPx {
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

    /// Whether `self` lies entirely inside `outer`.
    pub fn inside(&self, outer: &Self) -> bool {
        self.min[0] >= outer.min[0]
            && self.min[1] >= outer.min[1]
            && self.max[0] <= outer.max[0]
            && self.max[1] <= outer.max[1]
    }
}

/// A label that wants a place.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LabelCandidate {
    /// The point the label names, in pixels.
    pub anchor_px: [f32; 2],
    /// Width and height of the text, in pixels.
    pub size_px: [f32; 2],
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
}

/// Gap between a label and its anchor, in pixels.
const GAP_PX: f32 = 4.0;

/// Place labels inside `bounds` without overlaps, avoiding the `reserved` boxes (e.g. markers).
pub fn place_labels(
    candidates: &[LabelCandidate],
    reserved: &[BoxPx],
    bounds: BoxPx,
) -> Vec<PlacedLabel> {
    place_labels_avoiding(candidates, reserved, &[], bounds)
}

/// [`place_labels`], also keeping off the `avoid` boxes (the map's scale bar, buttons, drawn
/// over the labels): always, even an essential label, which would rather cover a marker than
/// be hidden.
pub fn place_labels_avoiding(
    candidates: &[LabelCandidate],
    reserved: &[BoxPx],
    avoid: &[BoxPx],
    bounds: BoxPx,
) -> Vec<PlacedLabel> {
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by(|&a, &b| candidates[b].priority.total_cmp(&candidates[a].priority));
    let mut taken: Vec<BoxPx> = reserved.to_vec();
    let mut labels: Vec<BoxPx> = Vec::new();
    let mut placed = Vec::new();
    for i in order {
        let c = candidates[i];
        let [ax, ay] = c.anchor_px;
        let [w, h] = c.size_px;
        // Beside the anchor, then past the markers around it (a town point carrying several
        // projects spreads them a marker or two wide); only an essential label goes the
        // farthest, where a name reads less surely as its point's.
        let rings: &[f32] = if c.essential {
            &[GAP_PX, GAP_PX + 12.0, GAP_PX + 24.0, GAP_PX + 36.0]
        } else {
            &[GAP_PX, GAP_PX + 12.0]
        };
        let options: Vec<[f32; 2]> = rings
            .iter()
            .copied()
            .flat_map(|g| {
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
            .collect();
        let boxed = |pos: [f32; 2]| BoxPx {
            min: pos,
            max: [pos[0] + w, pos[1] + h],
        };
        // The points named already, other than this one's.
        let others = || {
            placed
                .iter()
                .zip(&labels)
                .map(|(p, pb): (&PlacedLabel, &BoxPx)| (candidates[p.candidate].anchor_px, pb))
                .filter(|(o, _)| *o != c.anchor_px)
        };
        // A label already placed must stay nearer its point than this one's, or naming this
        // point makes it name the wrong one.
        if others().any(|(o, pb)| pb.distance_to(c.anchor_px) < pb.distance_to(o)) {
            continue;
        }
        // And this label must sit nearer its own point than any other named point (a town's
        // name beside a capital's dot), inside the bounds, off the map's furniture.
        let free = |b: &BoxPx, against: &[BoxPx]| {
            let d = b.distance_to(c.anchor_px);
            b.inside(&bounds)
                && !against.iter().chain(avoid).any(|t| t.overlaps(b))
                && !others().any(|(o, _)| b.distance_to(o) < d)
        };
        let first = |against: &[BoxPx]| {
            options
                .iter()
                .map(|&pos| (pos, boxed(pos)))
                .find(|(_, b)| free(b, against))
        };
        let fit = first(&taken).or_else(|| {
            // An essential label may cover markers; never another label, nor go under the
            // map's furniture.
            c.essential.then(|| first(&labels)).flatten()
        });
        if let Some((pos_px, b)) = fit {
            taken.push(b);
            labels.push(b);
            placed.push(PlacedLabel {
                candidate: i,
                pos_px,
            });
        }
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_is_never_nearer_another_named_point_than_its_own() {
        // A town with markers all round it (right, left, above, below reserved), and a
        // capital's dot 40 px to its left: the town's name may not go beside the capital.
        let town = LabelCandidate {
            anchor_px: [500.0, 500.0],
            size_px: [60.0, 14.0],
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
        let placed = place_labels(&[town, capital], &reserved, BOUNDS);
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
        let placed = place_labels(&c, &[], BOUNDS);
        assert!(!placed.is_empty() && placed.len() < c.len());
        assert_eq!(placed[0].candidate, 49, "highest priority placed first");
        let b = boxes(&placed, &c);
        for i in 0..b.len() {
            for j in i + 1..b.len() {
                assert!(!b[i].overlaps(&b[j]), "labels {i} and {j} overlap");
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
        assert!(place_labels(&[capital], &[ring], BOUNDS).is_empty());
        capital.essential = true;
        let placed = place_labels(&[capital, town], &[ring], BOUNDS);
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
        let placed = place_labels(&c, &[marker], BOUNDS);
        let b = boxes(&placed, &c);
        assert!(b.iter().all(|b| !b.overlaps(&marker) && b.inside(&BOUNDS)));
        // The first label had to move off its preferred right-hand side.
        let first = placed.iter().find(|p| p.candidate == 0).expect("placed");
        assert!(first.pos_px[0] < 500.0 || first.pos_px[1] != 493.0);
        // The second, at the right edge, goes to the left of its anchor.
        let second = placed.iter().find(|p| p.candidate == 1).expect("placed");
        assert!(second.pos_px[0] < 995.0);
    }
}
