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

/// An image `height` rows tall cut into `bands` horizontal bands of equal height (the last
/// shorter), drawn by `f(top_row, rows)` over the cores; the bands' results, top first.
pub fn in_bands<R: Send>(
    height: usize,
    bands: usize,
    f: impl Fn(usize, usize) -> R + Sync,
) -> Vec<R> {
    let per_band = height.div_ceil(bands.max(1)).max(1);
    let tops: Vec<usize> = (0..height).step_by(per_band).collect();
    in_parallel(tops, |tops: Vec<usize>| {
        tops.into_iter()
            .map(|top| f(top, per_band.min(height - top)))
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect()
}
