//! Timing without a harness, for the report: the median of repeated samples.

use std::time::Instant;

/// Runs `f` (which does `per_call` operations) in samples of at least `min_ms` milliseconds,
/// `samples` times, and returns the median time per operation in nanoseconds.
pub fn median_ns(samples: usize, min_ms: u64, per_call: usize, mut f: impl FnMut()) -> f64 {
    // Warm up and size a sample.
    let start = Instant::now();
    f();
    let once = start.elapsed().as_secs_f64().max(1e-9);
    let calls = ((min_ms as f64 / 1000.0) / once).ceil().max(1.0) as usize;
    let mut times: Vec<f64> = (0..samples.max(1))
        .map(|_| {
            let start = Instant::now();
            for _ in 0..calls {
                f();
            }
            start.elapsed().as_secs_f64() * 1e9 / (calls * per_call.max(1)) as f64
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// Wall time of one run of `f`, in milliseconds, with its result.
pub fn once_ms<T>(f: impl FnOnce() -> T) -> (f64, T) {
    let start = Instant::now();
    let out = f();
    (start.elapsed().as_secs_f64() * 1e3, out)
}
