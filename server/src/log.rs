//! The decision log: one JSON line per decision, written off the request path.
//!
//! Requests hand their line to a bounded queue; one thread writes what the queue holds in
//! batches (pausing a millisecond after each, unless answers wait for their lines, so that
//! lines gather instead of waking it one by one), each batch of whole lines in one `write` to a
//! file opened for appending, so a crash (even `kill -9`) leaves whole lines; a file found
//! ending in a partial line (a full disk, a power cut) is cut back to its last whole line on
//! start. Files rotate by size: `FILE` becomes `FILE.1`, `FILE.1` becomes `FILE.2`, and so on,
//! keeping `keep`.
//!
//! What happens when the queue is full, and what a crash can lose, is the [`Durability`]:
//! `drop` never makes a request wait (a line that finds the queue full is dropped and counted);
//! `wait` never drops (the request waits for room, counted with the time waited); `sync`
//! answers a request only once its line is written and synced to the disk (`fdatasync`, one
//! per batch), so no answer given is ever missing from the log.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{bounded, Receiver, Sender, TrySendError};
use tokio::sync::oneshot;

use crate::config::{Durability, LogTarget};
use crate::metrics::Metrics;

/// A line for the writer; `done` is told once it (and every line queued before it by the
/// same thread) is written and synced.
struct Item {
    line: Vec<u8>,
    done: Option<oneshot::Sender<()>>,
}

/// The writing end, shared by the request handlers.
pub struct DecisionLog {
    queue: Sender<Item>,
    metrics: Arc<Metrics>,
    durability: Durability,
}

/// The writer thread; joining it flushes what is queued.
pub struct LogWriter {
    thread: Option<JoinHandle<()>>,
}

impl DecisionLog {
    /// Starts the writer for `target`; `None` when logging is off.
    pub fn start(
        target: &LogTarget,
        queue: usize,
        durability: Durability,
        metrics: Arc<Metrics>,
    ) -> Result<Option<(DecisionLog, LogWriter)>, String> {
        let sink = match target {
            LogTarget::Off => return Ok(None),
            LogTarget::Stdout => Sink::Stdout,
            LogTarget::File {
                path,
                max_bytes,
                keep,
            } => Sink::File(Rotating::open(path, *max_bytes, *keep)?),
        };
        let (tx, rx) = bounded(queue.max(1));
        let m = Arc::clone(&metrics);
        let thread = std::thread::Builder::new()
            .name("edict-decision-log".into())
            .spawn(move || write_loop(rx, sink, durability, &m))
            .map_err(|e| format!("cannot start the decision log: {e}"))?;
        Ok(Some((
            DecisionLog {
                queue: tx,
                metrics,
                durability,
            },
            LogWriter {
                thread: Some(thread),
            },
        )))
    }

    /// Logs one line (without its newline) from a request handler, as the durability says:
    /// dropped when the queue is full (`drop`), waited for (`wait`), or written and synced
    /// before this returns (`sync`).
    pub async fn record(&self, line: Vec<u8>) {
        let (done, synced) = self.done_channel();
        let mut item = Item { line, done };
        let mut waited: Option<Instant> = None;
        loop {
            match self.queue.try_send(item) {
                Ok(()) => break,
                Err(TrySendError::Full(back)) if self.durability != Durability::Drop => {
                    // The queue is full: the request waits for room (a short sleep, not a
                    // blocked worker thread).
                    item = back;
                    waited.get_or_insert_with(|| {
                        self.metrics.log_waits.fetch_add(1, Ordering::Relaxed);
                        Instant::now()
                    });
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                Err(_) => {
                    self.metrics.log_dropped.fetch_add(1, Ordering::Relaxed);
                    return;
                }
            }
        }
        self.waited(waited);
        if let Some(synced) = synced {
            let _ = synced.await;
        }
    }

    /// Logs a batch's lines from a blocking thread, in order, as [`DecisionLog::record`]
    /// does one: with `sync`, returns once the last of them is written and synced.
    pub fn record_blocking(&self, lines: Vec<Vec<u8>>) {
        let n = lines.len();
        let mut synced = None;
        let mut waited: Option<Instant> = None;
        for (i, line) in lines.into_iter().enumerate() {
            let done = if i + 1 == n {
                let (done, rx) = self.done_channel();
                synced = rx;
                done
            } else {
                None
            };
            let item = Item { line, done };
            match self.queue.try_send(item) {
                Ok(()) => {}
                Err(TrySendError::Full(back)) if self.durability != Durability::Drop => {
                    waited.get_or_insert_with(|| {
                        self.metrics.log_waits.fetch_add(1, Ordering::Relaxed);
                        Instant::now()
                    });
                    if self.queue.send(back).is_err() {
                        self.metrics.log_dropped.fetch_add(1, Ordering::Relaxed);
                    }
                }
                Err(_) => {
                    self.metrics.log_dropped.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        self.waited(waited);
        if let Some(synced) = synced {
            let _ = synced.blocking_recv();
        }
    }

    fn done_channel(&self) -> (Option<oneshot::Sender<()>>, Option<oneshot::Receiver<()>>) {
        if self.durability == Durability::Sync {
            let (tx, rx) = oneshot::channel();
            (Some(tx), Some(rx))
        } else {
            (None, None)
        }
    }

    fn waited(&self, since: Option<Instant>) {
        if let Some(t) = since {
            let micros = t.elapsed().as_micros().min(u128::from(u64::MAX)) as u64;
            self.metrics
                .log_wait_micros
                .fetch_add(micros, Ordering::Relaxed);
        }
    }
}

impl LogWriter {
    /// Waits until every queued line is written (all senders must be gone).
    pub fn finish(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

enum Sink {
    Stdout,
    File(Rotating),
}

/// Batches at most this many bytes into one write.
const BATCH_BYTES: usize = 256 * 1024;

/// How long the writer lets lines gather after a write, when answers do not wait for their
/// lines: the most a line waits in the queue beyond the write before it.
const LINGER: Duration = Duration::from_millis(1);

fn write_loop(rx: Receiver<Item>, mut sink: Sink, durability: Durability, metrics: &Metrics) {
    let mut batch: Vec<u8> = Vec::with_capacity(BATCH_BYTES);
    let mut waiting: Vec<oneshot::Sender<()>> = Vec::new();
    while let Ok(first) = rx.recv() {
        batch.clear();
        let mut lines = 0u64;
        let mut add = |item: Item, batch: &mut Vec<u8>| {
            batch.extend_from_slice(&item.line);
            batch.push(b'\n');
            lines += 1;
            waiting.extend(item.done);
        };
        add(first, &mut batch);
        while batch.len() < BATCH_BYTES {
            match rx.try_recv() {
                Ok(item) => add(item, &mut batch),
                Err(_) => break,
            }
        }
        let sync = durability == Durability::Sync;
        let mut pause = Duration::from_millis(10);
        loop {
            let written = match &mut sink {
                Sink::Stdout => {
                    let mut out = std::io::stdout().lock();
                    out.write_all(&batch).and_then(|()| out.flush())
                }
                Sink::File(f) => f.write_batch(&batch, sync),
            };
            match written {
                Ok(()) => {
                    metrics.log_written.fetch_add(lines, Ordering::Relaxed);
                    if sync {
                        metrics.log_syncs.fetch_add(1, Ordering::Relaxed);
                    }
                    break;
                }
                Err(e) if durability == Durability::Drop => {
                    metrics.log_dropped.fetch_add(lines, Ordering::Relaxed);
                    eprintln!("edict serve: cannot write the decision log: {e}");
                    break;
                }
                Err(e) => {
                    // Lines are never dropped in this mode: the batch is tried again, and the
                    // queue filling up makes requests wait meanwhile.
                    metrics.log_write_errors.fetch_add(1, Ordering::Relaxed);
                    eprintln!(
                        "edict serve: cannot write the decision log ({e}); trying again in {} ms",
                        pause.as_millis()
                    );
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
            }
        }
        for done in waiting.drain(..) {
            let _ = done.send(());
        }
        // Unless answers wait for their lines (`sync`), the lines of the next moment gather in
        // the queue while the writer sleeps: a request that hands its line over while no
        // writer waits on the queue wakes no thread, and the lines of many requests go in one
        // `write`. Without this pause, at a steady rate the writer was woken, and wrote, for
        // nearly every line: a system call on the request's path and a thread competing with
        // the workers for the cores. A full batch means more are waiting: no pause then.
        if !sync && batch.len() < BATCH_BYTES {
            std::thread::sleep(LINGER);
        }
    }
}

struct Rotating {
    path: PathBuf,
    file: File,
    size: u64,
    max_bytes: u64,
    keep: usize,
}

impl Rotating {
    fn open(path: &Path, max_bytes: u64, keep: usize) -> Result<Rotating, String> {
        let name = || path.display().to_string();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                format!(
                    "cannot make the decision log's folder `{}`: {e}",
                    dir.display()
                )
            })?;
        }
        repair(path).map_err(|e| format!("cannot repair the decision log `{}`: {e}", name()))?;
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("cannot open the decision log `{}`: {e}", name()))?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        Ok(Rotating {
            path: path.to_path_buf(),
            file,
            size,
            max_bytes: max_bytes.max(1),
            keep,
        })
    }

    /// Appends whole lines; with `sync`, waits until they are on the disk.
    fn write_batch(&mut self, batch: &[u8], sync: bool) -> std::io::Result<()> {
        if self.size > 0 && self.size + batch.len() as u64 > self.max_bytes {
            self.rotate()?;
        }
        // One write of whole lines: a crash cannot leave half of one. A write (or sync) that
        // fails part way (a full disk) is cut back, so that the batch can be written again
        // whole and the next one starts on a line of its own.
        let written =
            self.file.write_all(batch).and_then(
                |()| {
                    if sync {
                        self.file.sync_data()
                    } else {
                        Ok(())
                    }
                },
            );
        if let Err(e) = written {
            let _ = self.file.set_len(self.size);
            return Err(e);
        }
        self.size += batch.len() as u64;
        Ok(())
    }

    fn rotate(&mut self) -> std::io::Result<()> {
        let numbered = |n: usize| {
            let mut p = self.path.clone().into_os_string();
            p.push(format!(".{n}"));
            PathBuf::from(p)
        };
        if self.keep == 0 {
            self.file.set_len(0)?;
            self.size = 0;
            return Ok(());
        }
        let _ = std::fs::remove_file(numbered(self.keep));
        for n in (1..self.keep).rev() {
            let from = numbered(n);
            if from.exists() {
                std::fs::rename(&from, numbered(n + 1))?;
            }
        }
        match std::fs::rename(&self.path, numbered(1)) {
            // Moved or deleted by someone else: start a new file.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            other => other?,
        }
        self.file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        self.size = 0;
        Ok(())
    }
}

/// Cuts a log that ends in a partial line back to its last whole line.
fn repair(path: &Path) -> std::io::Result<()> {
    let mut f = match OpenOptions::new().read(true).write(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let len = f.metadata()?.len();
    if len == 0 {
        return Ok(());
    }
    // Look back in blocks for the last newline.
    let mut end = len;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let start = end.saturating_sub(buf.len() as u64);
        let n = (end - start) as usize;
        f.seek(SeekFrom::Start(start))?;
        f.read_exact(&mut buf[..n])?;
        if let Some(i) = buf[..n].iter().rposition(|&b| b == b'\n') {
            let keep = start + i as u64 + 1;
            if keep != len {
                f.set_len(keep)?;
            }
            return Ok(());
        }
        if start == 0 {
            return f.set_len(0);
        }
        end = start;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_partial_last_line_is_cut_back() {
        let dir = std::env::temp_dir().join(format!("edict-log-repair-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("decisions.jsonl");
        std::fs::write(&p, "{\"a\":1}\n{\"b\":2}\n{\"c\":").unwrap();
        repair(&p).unwrap();
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "{\"a\":1}\n{\"b\":2}\n"
        );
        std::fs::write(&p, "no newline at all").unwrap();
        repair(&p).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_log_moved_away_is_started_again() {
        let dir = std::env::temp_dir().join(format!("edict-log-moved-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("d.jsonl");
        let mut r = Rotating::open(&p, 20, 2).unwrap();
        r.write_batch(b"{\"n\":0000000001}\n", false).unwrap();
        std::fs::remove_file(&p).unwrap();
        // The next batch needs a rotation, and the file to rotate is gone.
        r.write_batch(b"{\"n\":0000000002}\n", true).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "{\"n\":0000000002}\n");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn files_rotate_by_size_and_keep_so_many() {
        let dir = std::env::temp_dir().join(format!("edict-log-rotate-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("d.jsonl");
        let mut r = Rotating::open(&p, 20, 2).unwrap();
        for i in 0..10 {
            r.write_batch(format!("{{\"n\":{i:04}}}\n").as_bytes(), i % 2 == 0)
                .unwrap();
        }
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["d.jsonl", "d.jsonl.1", "d.jsonl.2"]);
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "{\"n\":0009}\n");
        assert_eq!(
            std::fs::read_to_string(dir.join("d.jsonl.1")).unwrap(),
            "{\"n\":0008}\n"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
