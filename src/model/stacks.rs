//! Markers drawn on one spot (several projects on one town point, or a dense layer's points
//! sharing a pixel): where, how many, and the largest few, for the count badges beside them.
//!
//! Found in time linear in the markers: bucketed by row (a counting sort), then each row sorted
//! by column, where a comparison sort of a million markers took 0.2 s.

use super::labels::BoxPx;

/// The most stacks given: past this many (a dense layer, where markers share pixels
/// everywhere) the largest, as a badge for every pair would bury the map.
pub const MAX_STACKS: usize = 64;

/// Rows beyond which markers are sorted by comparison instead of bucketed by row.
const MAX_ROWS: i64 = 1 << 20;

/// Markers drawn on one spot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stack {
    /// The spot: the markers' centre, to the whole screen point, in screen points.
    pub at_pt: [f32; 2],
    /// How many markers.
    pub count: usize,
    /// The largest marker's radius with its edge (half its box's width), in screen points.
    pub radius_pt: f32,
}

/// A marker's spot (its box's centre to the whole point) and half its box's width; `None`
/// for a box that is not a finite place on a screen.
fn spot(b: &BoxPx) -> Option<([i32; 2], f32)> {
    let c = [(b.min[0] + b.max[0]) / 2.0, (b.min[1] + b.max[1]) / 2.0];
    let within = |v: f32| v.is_finite() && v.abs() < 1e9;
    (within(c[0]) && within(c[1])).then(|| {
        (
            [c[0].round() as i32, c[1].round() as i32],
            (b.max[0] - b.min[0]) / 2.0,
        )
    })
}

/// The spots where more than one of `marker_boxes` (each centred on its marker) is drawn,
/// in position order (by column, then row): the [`MAX_STACKS`] with the most markers where
/// there are more (equal counts taken in position order).
pub fn stacks(marker_boxes: &[BoxPx]) -> Vec<Stack> {
    let (y0, y1) = marker_boxes
        .iter()
        .filter_map(spot)
        .fold((i64::MAX, i64::MIN), |(lo, hi), ([_, y], _)| {
            (lo.min(i64::from(y)), hi.max(i64::from(y)))
        });
    let mut shared: Vec<Stack> = Vec::new();
    // A run of markers on one spot, with their radii.
    let mut take = |x: i32, y: i32, radii: &mut dyn ExactSizeIterator<Item = f32>| {
        if radii.len() >= 2 {
            shared.push(Stack {
                at_pt: [x as f32, y as f32],
                count: radii.len(),
                radius_pt: radii.fold(0.0, f32::max),
            });
        }
    };
    if y0 > y1 {
        return Vec::new();
    } else if y1 - y0 < MAX_ROWS {
        // Each row's markers together (a counting sort by row), then each row by column.
        let rows = (y1 - y0 + 1) as usize;
        let row = |y: i32| (i64::from(y) - y0) as usize;
        let mut starts = vec![0usize; rows + 1];
        for ([_, y], _) in marker_boxes.iter().filter_map(spot) {
            starts[row(y) + 1] += 1;
        }
        for r in 0..rows {
            starts[r + 1] += starts[r];
        }
        let mut next = starts.clone();
        let mut placed = vec![(0i32, 0f32); starts[rows]];
        for ([x, y], r) in marker_boxes.iter().filter_map(spot) {
            placed[next[row(y)]] = (x, r);
            next[row(y)] += 1;
        }
        for r in 0..rows {
            let y = (y0 + r as i64) as i32;
            let cells = &mut placed[starts[r]..starts[r + 1]];
            cells.sort_unstable_by_key(|(x, _)| *x);
            for run in cells.chunk_by(|a, b| a.0 == b.0) {
                take(run[0].0, y, &mut run.iter().map(|(_, r)| *r));
            }
        }
    } else {
        // Spread over more rows than markers could fill: sorted by comparison.
        let mut spots: Vec<([i32; 2], f32)> = marker_boxes.iter().filter_map(spot).collect();
        spots.sort_unstable_by_key(|([x, y], _)| (*y, *x));
        for run in spots.chunk_by(|a, b| a.0 == b.0) {
            let [x, y] = run[0].0;
            take(x, y, &mut run.iter().map(|(_, r)| *r));
        }
    }
    let position = |s: &Stack| (s.at_pt[0] as i32, s.at_pt[1] as i32);
    if shared.len() > MAX_STACKS {
        // The largest, equal counts in position order.
        shared.select_nth_unstable_by_key(MAX_STACKS - 1, |s| {
            (std::cmp::Reverse(s.count), position(s))
        });
        shared.truncate(MAX_STACKS);
    }
    shared.sort_unstable_by_key(position);
    shared
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marker_at(x: f32, y: f32) -> BoxPx {
        BoxPx::around([x, y], 5.0)
    }

    fn found(stacks: &[Stack]) -> Vec<(f32, f32, usize)> {
        stacks
            .iter()
            .map(|s| (s.at_pt[0], s.at_pt[1], s.count))
            .collect()
    }

    #[test]
    fn shared_spots_are_counted_and_a_dense_layer_gives_only_its_largest() {
        // The corridor's case: ten projects at Gwadar, three at Islamabad, one alone.
        let mut boxes: Vec<BoxPx> = std::iter::repeat_n(marker_at(100.0, 400.0), 10)
            .chain(std::iter::repeat_n(marker_at(600.0, 120.0), 3))
            .chain([marker_at(300.0, 300.0)])
            .collect();
        assert_eq!(
            found(&stacks(&boxes)),
            [(100.0, 400.0, 10), (600.0, 120.0, 3)]
        );
        // A dense layer over it: thousands of pairs sharing pixels. The stacks stay few, and
        // the largest keep theirs.
        for i in 0..5000 {
            let at = marker_at(f32::from(i as u16 % 500), f32::from(i as u16 / 500) + 500.0);
            boxes.extend([at, at]);
        }
        let dense = stacks(&boxes);
        assert_eq!(dense.len(), MAX_STACKS);
        let all = found(&dense);
        assert!(all.contains(&(100.0, 400.0, 10)) && all.contains(&(600.0, 120.0, 3)));
        assert!(
            dense.is_sorted_by_key(|s| (s.at_pt[0] as i32, s.at_pt[1] as i32)),
            "drawn in position order"
        );
        // Equal counts: the first in position order.
        let pairs: Vec<_> = all.iter().filter(|(_, _, n)| *n == 2).collect();
        assert_eq!(pairs.len(), MAX_STACKS - 2);
        assert_eq!(*pairs[0], (0.0, 500.0, 2));
    }

    #[test]
    fn markers_a_hair_apart_share_a_spot_and_odd_boxes_are_left_out() {
        let boxes = [
            marker_at(10.2, 20.0),
            marker_at(9.8, 20.3),
            BoxPx {
                min: [4.0, 14.0],
                max: [16.0, 26.0],
            },
            marker_at(f32::NAN, 20.0),
            marker_at(f32::INFINITY, 20.0),
            marker_at(3e9, 20.0),
        ];
        let s = stacks(&boxes);
        assert_eq!(found(&s), [(10.0, 20.0, 3)]);
        assert_eq!(s[0].radius_pt, 6.0, "the largest marker's");
        assert!(stacks(&[]).is_empty());
    }

    #[test]
    fn rows_far_apart_are_sorted_by_comparison_with_the_same_answer() {
        let near = [
            marker_at(5.0, 5.0),
            marker_at(5.0, 5.0),
            marker_at(7.0, 9.0),
        ];
        let mut far = near.to_vec();
        far.extend([
            marker_at(1.0, 6e5),
            marker_at(1.0, 6e5),
            marker_at(1.0, -6e5),
        ]);
        assert_eq!(found(&stacks(&near)), [(5.0, 5.0, 2)]);
        assert_eq!(found(&stacks(&far)), [(1.0, 6e5, 2), (5.0, 5.0, 2)]);
    }
}
