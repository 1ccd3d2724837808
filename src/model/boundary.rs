//! Boundary extraction from polygon topology: the edges two polygons share are the borders
//! between them; the edges only one polygon has are its outer edge (coast or country border).
//!
//! Coordinates are matched exactly, which holds for polygons cut from one dataset (as Natural
//! Earth's admin layers are). Edges listed in `exclude` (e.g. disputed lines drawn dashed on
//! their own) are left out.

use std::collections::{HashMap, HashSet};

/// A lon/lat vertex as exact bits, for matching shared vertices.
type Key = (u64, u64);

fn key(p: [f64; 2]) -> Key {
    (p[0].to_bits(), p[1].to_bits())
}

/// An undirected edge between two vertices.
pub type EdgeKey = (Key, Key);

/// The undirected key of the edge `a`–`b`.
pub fn edge_key(a: [f64; 2], b: [f64; 2]) -> EdgeKey {
    let (ka, kb) = (key(a), key(b));
    if ka <= kb { (ka, kb) } else { (kb, ka) }
}

/// Every edge of the given polylines, as keys.
pub fn edges_of_lines(lines: &[Vec<[f64; 2]>]) -> HashSet<EdgeKey> {
    lines
        .iter()
        .flat_map(|l| l.windows(2).map(|w| edge_key(w[0], w[1])))
        .collect()
}

/// The edges shared by two or more rings (`rings` grouped by owner polygon: an edge counts
/// once per owner), joined into polylines, minus the `exclude` edges.
pub fn shared_boundaries(
    owners: &[Vec<Vec<[f64; 2]>>],
    exclude: &HashSet<EdgeKey>,
) -> Vec<Vec<[f64; 2]>> {
    let mut owners_of_edge: HashMap<EdgeKey, usize> = HashMap::new();
    for rings in owners {
        let mut seen: HashSet<EdgeKey> = HashSet::new();
        for ring in rings {
            for e in ring_edges(ring) {
                let k = edge_key(e.0, e.1);
                if seen.insert(k) {
                    *owners_of_edge.entry(k).or_default() += 1;
                }
            }
        }
    }
    let mut emitted: HashSet<EdgeKey> = HashSet::new();
    let mut lines: Vec<Vec<[f64; 2]>> = Vec::new();
    for rings in owners {
        for ring in rings {
            let mut current: Vec<[f64; 2]> = Vec::new();
            for (a, b) in ring_edges(ring) {
                let k = edge_key(a, b);
                let keep = owners_of_edge.get(&k).copied().unwrap_or(0) >= 2
                    && !exclude.contains(&k)
                    && emitted.insert(k);
                if keep {
                    if current.is_empty() {
                        current.push(a);
                    }
                    current.push(b);
                } else if current.len() >= 2 {
                    lines.push(std::mem::take(&mut current));
                } else {
                    current.clear();
                }
            }
            if current.len() >= 2 {
                lines.push(current);
            }
        }
    }
    lines
}

/// The edges of a ring, closing it if its last vertex is not its first.
fn ring_edges(ring: &[[f64; 2]]) -> impl Iterator<Item = ([f64; 2], [f64; 2])> + '_ {
    let closing = match (ring.first(), ring.last()) {
        (Some(a), Some(b)) if a != b && ring.len() > 2 => Some((*b, *a)),
        _ => None,
    };
    ring.windows(2).map(|w| (w[0], w[1])).chain(closing)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Two unit squares side by side share the edge x = 1.
    fn two_squares() -> Vec<Vec<Vec<[f64; 2]>>> {
        vec![
            vec![vec![
                [0.0, 0.0],
                [1.0, 0.0],
                [1.0, 1.0],
                [0.0, 1.0],
                [0.0, 0.0],
            ]],
            vec![vec![
                [1.0, 0.0],
                [2.0, 0.0],
                [2.0, 1.0],
                [1.0, 1.0],
                [1.0, 0.0],
            ]],
        ]
    }

    #[test]
    fn only_the_shared_edge_is_a_boundary() {
        let lines = shared_boundaries(&two_squares(), &HashSet::new());
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert_eq!(line.len(), 2);
        assert_eq!(edge_key(line[0], line[1]), edge_key([1.0, 0.0], [1.0, 1.0]));
    }

    #[test]
    fn excluded_edges_are_left_out() {
        let exclude = edges_of_lines(&[vec![[1.0, 1.0], [1.0, 0.0]]]);
        assert!(shared_boundaries(&two_squares(), &exclude).is_empty());
    }

    #[test]
    fn consecutive_shared_edges_join_into_one_line() {
        // An L-shaped neighbour sharing two consecutive edges with the unit square.
        let owners = vec![
            vec![vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]],
            vec![vec![
                [1.0, 0.0],
                [2.0, 0.0],
                [2.0, 2.0],
                [0.0, 2.0],
                [0.0, 1.0],
                [1.0, 1.0],
            ]],
        ];
        let lines = shared_boundaries(&owners, &HashSet::new());
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert_eq!(lines[0].len(), 3);
    }
}
