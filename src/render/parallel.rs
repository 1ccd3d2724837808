//! Work split over the machine's cores, in order.

/// Run `f` over `items` split into one chunk per core (in order), on scoped threads.
pub fn in_parallel<T: Send, R: Send + Default>(
    items: Vec<T>,
    f: impl Fn(Vec<T>) -> R + Sync,
) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(8);
    if threads < 2 {
        return vec![f(items)];
    }
    let per_thread = items.len().div_ceil(threads).max(1);
    let mut chunks = Vec::with_capacity(threads);
    let mut rest = items;
    while rest.len() > per_thread {
        let tail = rest.split_off(per_thread);
        chunks.push(rest);
        rest = tail;
    }
    chunks.push(rest);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|c| scope.spawn(move || f(c)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// The rows of an image (`out`, row-major, `height` rows) cut into bands of `band_rows` rows
/// (the last shorter), each drawn in place by `f(top_row, rows, band)` on the machine's cores,
/// a core taking the next band as it finishes one (so a heavy part of the picture does not hold
/// one core while the other waits); the bands' results, top first.
pub fn in_bands<T: Send, R: Send>(
    out: &mut [T],
    height: usize,
    band_rows: usize,
    f: impl Fn(usize, usize, &mut [T]) -> R + Sync,
) -> Vec<R> {
    if height == 0 || out.is_empty() {
        return Vec::new();
    }
    let per_row = out.len() / height;
    let band_rows = band_rows.max(1);
    let bands: Vec<(usize, &mut [T])> = out
        .chunks_mut((band_rows * per_row).max(1))
        .enumerate()
        .collect();
    let count = bands.len();
    let queue = std::sync::Mutex::new(bands.into_iter());
    let next = || queue.lock().ok().and_then(|mut q| q.next());
    let run = || {
        let mut done = Vec::new();
        while let Some((i, band)) = next() {
            let rows = band.len() / per_row.max(1);
            done.push((i, f(i * band_rows, rows, band)));
        }
        done
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 8)
        .min(count);
    let mut done: Vec<(usize, R)> = if threads < 2 {
        run()
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads).map(|_| scope.spawn(run)).collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        })
    };
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_band_is_drawn_once_in_place_and_results_come_top_first() {
        // 10 rows of 3 pixels in bands of 4 rows: rows 0–3, 4–7, 8–9.
        let mut image = vec![0usize; 30];
        let tops = in_bands(&mut image, 10, 4, |top, rows, band| {
            assert_eq!(band.len(), rows * 3);
            for (i, p) in band.iter_mut().enumerate() {
                *p += top * 3 + i + 1;
            }
            (top, rows)
        });
        assert_eq!(tops, [(0, 4), (4, 4), (8, 2)]);
        assert_eq!(
            image,
            (1..=30).collect::<Vec<_>>(),
            "each pixel written once"
        );
        assert!(in_bands(&mut Vec::<u8>::new(), 0, 4, |_, _, _| ()).is_empty());
    }
}
