//! A progress line for long runs (`impact`, `replay`): what is done, how fast, how much time is
//! left when the total is known. Drawn on standard error only when it is a terminal and `CI` is
//! not set, so logs and pipes never see it.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use edict_impact::Progress;

/// The drawing thread; dropping it stops and erases the line.
pub struct Bar {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// Whether a progress line may be drawn here.
pub fn wanted() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("CI").is_none()
}

impl Bar {
    /// Draws `counter` as `what: N unit, R unit/s, P%, T left`, four times a second; the share
    /// done is `bytes` of `total_bytes` when that is known, else `items` of `total_items`.
    pub fn start(
        what: &'static str,
        unit: &'static str,
        counter: Arc<Progress>,
        total_items: Option<u64>,
        total_bytes: Option<u64>,
    ) -> Option<Bar> {
        if !wanted() {
            return None;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let halt = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            while !halt.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(250));
                let items = counter.items.load(Ordering::Relaxed);
                let bytes = counter.bytes.load(Ordering::Relaxed);
                let share = match (total_bytes, total_items) {
                    (Some(t), _) if t > 0 => Some(bytes as f64 / t as f64),
                    (_, Some(t)) if t > 0 => Some(items as f64 / t as f64),
                    _ => None,
                };
                let line = text(what, unit, items, started.elapsed(), share);
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\r\x1b[K{line}");
                let _ = err.flush();
            }
            let _ = write!(std::io::stderr().lock(), "\r\x1b[K");
        });
        Some(Bar {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// `replay: 1,200,000 lines, 410,000 lines/s, 38%, 5 s left`
pub fn text(what: &str, unit: &str, items: u64, elapsed: Duration, share: Option<f64>) -> String {
    let secs = elapsed.as_secs_f64().max(1e-3);
    let rate = items as f64 / secs;
    let n = edict_impact::render::number;
    let mut s = format!(
        "{what}: {} {unit}, {} {unit}/s",
        n(items as f64),
        n(rate.round())
    );
    if let Some(f) = share.filter(|f| *f > 0.0) {
        let left = secs * (1.0 - f.min(1.0)) / f;
        s.push_str(&format!(
            ", {:.0}%, {} left",
            f.min(1.0) * 100.0,
            duration(left)
        ));
    }
    s
}

fn duration(secs: f64) -> String {
    let s = secs.round() as u64;
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_what_is_done_how_fast_and_what_is_left() {
        assert_eq!(
            text(
                "replay",
                "lines",
                1_200_000,
                Duration::from_secs(3),
                Some(0.375)
            ),
            "replay: 1,200,000 lines, 400,000 lines/s, 38%, 5 s left"
        );
        assert_eq!(
            text("impact", "rows", 90_000, Duration::from_secs(2), None),
            "impact: 90,000 rows, 45,000 rows/s"
        );
        assert_eq!(duration(3725.0), "1 h 2 min");
    }
}
