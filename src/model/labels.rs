//! Label placement: greedy by priority, never overlapping.
//!
//! Candidates are tried in priority order (e.g. city population); each is placed at the first
//! of its positions (right, left, above, below its anchor) whose box meets no box already
//! placed or reserved.

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
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by(|&a, &b| candidates[b].priority.total_cmp(&candidates[a].priority));
    let mut taken: Vec<BoxPx> = reserved.to_vec();
    let mut labels: Vec<BoxPx> = Vec::new();
    let mut placed = Vec::new();
    for i in order {
        let c = candidates[i];
        let [ax, ay] = c.anchor_px;
        let [w, h] = c.size_px;
        let options = [
            [ax + GAP_PX, ay - h / 2.0],
            [ax - GAP_PX - w, ay - h / 2.0],
            [ax - w / 2.0, ay - GAP_PX - h],
            [ax - w / 2.0, ay + GAP_PX],
            [ax + GAP_PX, ay - GAP_PX - h],
            [ax + GAP_PX, ay + GAP_PX],
            [ax - GAP_PX - w, ay - GAP_PX - h],
            [ax - GAP_PX - w, ay + GAP_PX],
        ];
        let boxed = |pos: [f32; 2]| BoxPx {
            min: pos,
            max: [pos[0] + w, pos[1] + h],
        };
        let free = |b: &BoxPx, against: &[BoxPx]| {
            b.inside(&bounds) && !against.iter().any(|t| t.overlaps(b))
        };
        let fit = options
            .into_iter()
            .map(|pos| (pos, boxed(pos)))
            .find(|(_, b)| free(b, &taken))
            .or_else(|| {
                // An essential label may cover markers, never another label.
                c.essential
                    .then(|| {
                        options
                            .into_iter()
                            .map(|pos| (pos, boxed(pos)))
                            .find(|(_, b)| free(b, &labels))
                    })
                    .flatten()
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
