//! Where many boxes lie, as the cells of a grid they cover: what labels keep off when a dense
//! point layer draws a million markers, where testing every label's box against every marker's
//! would cost a frame hundreds of milliseconds and holding the boxes tens of MB.
//!
//! The grid is conservative: a cell is covered when any box reaches into it, so a box tested
//! against the grid overlaps a covered cell whenever it overlaps one of the boxes (and may be
//! refused up to a cell's width short of one). Cells are [`MIN_CELL`] wide, or wider when the
//! boxes spread over more than [`MAX_CELLS`] of them.

use super::labels::BoxPx;

/// The narrowest cell, in the boxes' units (screen points).
pub const MIN_CELL: f32 = 2.0;

/// The most cells a grid has (a bit each: 512 KB).
pub const MAX_CELLS: usize = 1 << 22;

/// The cells covered by a set of boxes.
#[derive(Clone, Debug, PartialEq)]
pub struct Coverage {
    /// The top-left corner of the first cell.
    origin: [f32; 2],
    /// A cell's side.
    cell: f32,
    /// Cells in a row, and rows.
    cols: usize,
    rows: usize,
    /// A bit a cell, row by row, each row starting a word.
    bits: Vec<u64>,
}

impl Coverage {
    /// The cells `boxes` cover; `None` when no box has a finite, non-empty extent.
    pub fn of(boxes: &[BoxPx]) -> Option<Self> {
        let finite = |b: &&BoxPx| {
            b.min.iter().chain(&b.max).all(|v| v.is_finite())
                && b.min[0] <= b.max[0]
                && b.min[1] <= b.max[1]
        };
        let (min, max) = boxes.iter().filter(finite).fold(
            ([f32::INFINITY; 2], [f32::NEG_INFINITY; 2]),
            |(min, max), b| {
                (
                    [min[0].min(b.min[0]), min[1].min(b.min[1])],
                    [max[0].max(b.max[0]), max[1].max(b.max[1])],
                )
            },
        );
        if !(min[0].is_finite() && max[0].is_finite()) {
            return None;
        }
        let (w, h) = (
            f64::from(max[0] - min[0]).max(1.0),
            f64::from(max[1] - min[1]).max(1.0),
        );
        let cell = (f64::from(MIN_CELL)).max((w * h / MAX_CELLS as f64).sqrt() * 1.01);
        // One more cell each way: a box ending on the extent's edge still has its cell.
        let cols = (w / cell).ceil() as usize + 1;
        let rows = (h / cell).ceil() as usize + 1;
        let mut grid = Self {
            origin: min,
            cell: cell as f32,
            cols,
            rows,
            bits: vec![0; rows * cols.div_ceil(64)],
        };
        for b in boxes.iter().filter(finite) {
            grid.cover(b);
        }
        Some(grid)
    }

    /// Words in a row.
    fn stride(&self) -> usize {
        self.cols.div_ceil(64)
    }

    /// The cells `b` reaches into: first and one past the last column and row, clipped to the
    /// grid (`None` when it misses the grid).
    fn cells(&self, b: &BoxPx) -> Option<([usize; 2], [usize; 2])> {
        let span = |lo: f32, hi: f32, origin: f32, n: usize| {
            let first = ((lo - origin) / self.cell).floor();
            let end = ((hi - origin) / self.cell).ceil();
            if !(first.is_finite() && end.is_finite()) || end <= 0.0 || first >= n as f32 {
                return None;
            }
            let first = first.max(0.0) as usize;
            let end = (end as usize).min(n);
            (first < end).then_some([first, end])
        };
        let [c0, c1] = span(b.min[0], b.max[0], self.origin[0], self.cols)?;
        let [r0, r1] = span(b.min[1], b.max[1], self.origin[1], self.rows)?;
        Some(([c0, r0], [c1, r1]))
    }

    /// Mark the cells `b` reaches into.
    fn cover(&mut self, b: &BoxPx) {
        let Some(([c0, r0], [c1, r1])) = self.cells(b) else {
            return;
        };
        let stride = self.stride();
        for r in r0..r1 {
            let row = &mut self.bits[r * stride..(r + 1) * stride];
            for_each_word(c0, c1, |w, mask| row[w] |= mask);
        }
    }

    /// Whether `b` overlaps a covered cell (sharing an edge does not count).
    pub fn overlaps(&self, b: &BoxPx) -> bool {
        // Inset by a hair: a box that only touches a cell's edge does not reach into it.
        let inner = BoxPx {
            min: [b.min[0] + 1e-3, b.min[1] + 1e-3],
            max: [b.max[0] - 1e-3, b.max[1] - 1e-3],
        };
        if !(inner.min[0] < inner.max[0] && inner.min[1] < inner.max[1]) {
            return false;
        }
        let Some(([c0, r0], [c1, r1])) = self.cells(&inner) else {
            return false;
        };
        let stride = self.stride();
        (r0..r1).any(|r| {
            let row = &self.bits[r * stride..(r + 1) * stride];
            let mut hit = false;
            for_each_word(c0, c1, |w, mask| hit |= row[w] & mask != 0);
            hit
        })
    }

    /// The grid moved as the boxes would be: each point `p` to `p × scale + shift` (a scale
    /// above zero).
    pub fn mapped(&self, scale: f32, shift: [f32; 2]) -> Self {
        Self {
            origin: [
                self.origin[0] * scale + shift[0],
                self.origin[1] * scale + shift[1],
            ],
            cell: self.cell * scale,
            ..self.clone()
        }
    }
}

/// The words of a row holding columns `c0..c1`, each with the mask of those columns in it.
fn for_each_word(c0: usize, c1: usize, mut f: impl FnMut(usize, u64)) {
    let mut c = c0;
    while c < c1 {
        let (w, bit) = (c / 64, c % 64);
        let n = (c1 - c).min(64 - bit);
        let mask = if n == 64 {
            u64::MAX
        } else {
            ((1u64 << n) - 1) << bit
        };
        f(w, mask);
        c += n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(x: f32, y: f32, r: f32) -> BoxPx {
        BoxPx::around([x, y], r)
    }

    /// A tiny generator, so that the test is the same every run.
    fn rng(seed: &mut u64) -> f32 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*seed >> 40) as f32 / (1u64 << 24) as f32
    }

    #[test]
    fn a_box_overlapping_a_covered_one_always_overlaps_the_grid() {
        let mut seed = 7;
        let boxes: Vec<BoxPx> = (0..5000)
            .map(|_| at(rng(&mut seed) * 1900.0, rng(&mut seed) * 1000.0, 6.0))
            .collect();
        let grid = Coverage::of(&boxes).expect("a grid");
        let mut refused_clear = 0;
        for _ in 0..20_000 {
            let (x, y) = (
                rng(&mut seed) * 2000.0 - 50.0,
                rng(&mut seed) * 1100.0 - 50.0,
            );
            let label = BoxPx {
                min: [x, y],
                max: [x + 60.0 * rng(&mut seed) + 1.0, y + 14.0],
            };
            let exact = boxes.iter().any(|b| b.overlaps(&label));
            if exact {
                assert!(grid.overlaps(&label), "{label:?} overlaps a box");
            } else if grid.overlaps(&label) {
                refused_clear += 1;
                // Refused only within a cell of a box.
                let near = label.expand(grid.cell);
                assert!(boxes.iter().any(|b| b.overlaps(&near)), "{label:?}");
            }
        }
        // Conservative, not blind: most clear places stay clear.
        assert!(refused_clear < 20_000 / 4, "{refused_clear}");
    }

    #[test]
    fn edges_touching_do_not_overlap_and_far_boxes_miss_the_grid() {
        let grid = Coverage::of(&[at(100.0, 100.0, 5.0)]).expect("a grid");
        assert!(grid.overlaps(&at(100.0, 100.0, 1.0)));
        assert!(grid.overlaps(&at(108.0, 100.0, 4.0)));
        // Right of it, sharing its edge (which is a cell's edge).
        assert!(!grid.overlaps(&BoxPx {
            min: [105.0, 90.0],
            max: [120.0, 110.0],
        }));
        assert!(!grid.overlaps(&at(-1e6, 100.0, 5.0)));
        assert!(!grid.overlaps(&at(1e9, 1e9, 5.0)));
        assert!(!grid.overlaps(&at(f32::NAN, 100.0, 5.0)));
    }

    #[test]
    fn a_moved_grid_answers_as_the_moved_boxes() {
        let boxes = [at(10.0, 10.0, 3.0), at(300.0, 200.0, 3.0)];
        let (scale, shift) = (2.0, [-40.0, 15.0]);
        let grid = Coverage::of(&boxes).expect("a grid").mapped(scale, shift);
        for b in boxes {
            let inner = b.mapped(scale, shift).expand(-1.0);
            assert!(grid.overlaps(&inner));
            let beside = BoxPx {
                min: [inner.min[0] + 40.0, inner.min[1]],
                max: [inner.max[0] + 40.0, inner.max[1]],
            };
            assert!(!grid.overlaps(&beside));
        }
    }

    #[test]
    fn boxes_spread_wide_keep_the_grid_small_and_no_box_makes_none() {
        let grid = Coverage::of(&[at(0.0, 0.0, 1.0), at(1e7, 1e7, 1.0)]).expect("a grid");
        assert!(grid.bits.len() * 64 <= MAX_CELLS + 64 * grid.rows);
        assert!(grid.overlaps(&at(1e7, 1e7, 1.0)));
        assert!(Coverage::of(&[]).is_none());
        assert!(Coverage::of(&[at(f32::INFINITY, 0.0, 1.0)]).is_none());
    }
}
