//! `POST /v1/decisions/{name}/batch`: JSON lines in, JSON lines out, streamed in order.
//!
//! The body is read as it arrives and cut into chunks of whole lines; chunks are decided on
//! the blocking pool, as many at once as there are worker threads, and written back in order
//! while the rest still arrives. Each line's answer is the answer `edict eval` prints; a line
//! that cannot be answered gets `{"line": N, "error": "...", "hint": "..."}` in its place, as
//! `edict eval --batch` writes it. The artifact's SHA-256 is in the `x-edict-artifact-sha256`
//! header (one version answers the whole batch).

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use hyper::body::{Frame, Incoming};
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Request, Response, StatusCode};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::{authorize, content_type, decision_id, log_line, too_large, Body, Ctx, Oversized};
use crate::policy::Policy;
use crate::problem::{request_problem, Problem};
use crate::state::Shared;

/// Lines are decided in chunks of about this many bytes.
const CHUNK_BYTES: usize = 64 * 1024;

pub async fn batch(
    ctx: &Ctx,
    name: &str,
    req: Request<Incoming>,
) -> Result<Response<Body>, Problem> {
    let shared = Arc::clone(&ctx.shared);
    let result = start(ctx, name, req);
    let status = match &result {
        Ok(r) => r.status().as_u16(),
        Err(p) => p.status.as_u16(),
    };
    let label = super::label(&shared, name);
    shared.metrics.request("batch", label, status);
    result
}

fn start(ctx: &Ctx, name: &str, req: Request<Incoming>) -> Result<Response<Body>, Problem> {
    let shared = Arc::clone(&ctx.shared);
    authorize(&req, shared.config.decision_token.as_deref())?;
    content_type(
        &req,
        &[
            "application/x-ndjson",
            "application/jsonl",
            "application/json",
            "text/plain",
        ],
    )?;
    let limits = &shared.config.limits;
    if let Some(len) = req
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
    {
        if len > limits.max_batch_bytes {
            return Err(too_large(Oversized::Batch, limits.max_batch_bytes));
        }
    }
    let policy = shared.policy.load_full();
    let id = decision_id(&policy, name)?;
    let (tx, rx) = mpsc::channel::<Bytes>(8);
    let job = Job {
        shared: Arc::clone(&shared),
        policy: Arc::clone(&policy),
        decision: id,
        name: name.to_string(),
        request_id: ctx.request_id.clone(),
    };
    tokio::spawn(job.run(req.into_body(), tx));
    let mut r = Response::new(ChannelBody { rx }.boxed_unsync());
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson"),
    );
    if let Ok(v) = HeaderValue::from_str(&policy.sha256) {
        r.headers_mut().insert("x-edict-artifact-sha256", v);
    }
    *r.status_mut() = StatusCode::OK;
    Ok(r)
}

struct Job {
    shared: Arc<Shared>,
    policy: Arc<Policy>,
    decision: u32,
    name: String,
    request_id: String,
}

impl Job {
    async fn run(self, mut body: Incoming, tx: mpsc::Sender<Bytes>) {
        let started = Instant::now();
        let limits = self.shared.config.limits.clone();
        let workers = self
            .shared
            .config
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
            .max(1);
        let job = Arc::new(self);
        let mut pending = BytesMut::new();
        // `pending[..whole]` is whole lines; `pending[..scanned]` has been searched for line
        // ends (each byte is searched once); `skipping` drops the rest of an overlong line.
        let (mut whole, mut scanned, mut skipping) = (0usize, 0usize, false);
        let mut inflight: VecDeque<JoinHandle<Bytes>> = VecDeque::new();
        let (mut lines, mut bytes) = (0usize, 0u64);
        let mut stop: Option<String> = None;
        let mut ended = false;
        while !ended && stop.is_none() {
            let mut data = match body.frame().await {
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(d) => d,
                    Err(_) => continue,
                },
                Some(Err(e)) => {
                    stop = Some(format!("the batch could not be read: {e}"));
                    pending.truncate(whole);
                    Bytes::new()
                }
                None => {
                    ended = true;
                    Bytes::new()
                }
            };
            let room = limits.max_batch_bytes.saturating_sub(bytes);
            if data.len() as u64 > room {
                // Decide the whole lines that fit, then stop.
                data.truncate(room as usize);
                stop = Some(format!(
                    "the batch is larger than {} bytes",
                    limits.max_batch_bytes
                ));
            }
            bytes += data.len() as u64;
            if skipping {
                match data.iter().position(|&b| b == b'\n') {
                    Some(i) => {
                        data = data.slice(i + 1..);
                        skipping = false;
                    }
                    None => data = Bytes::new(),
                }
            }
            pending.extend_from_slice(&data);
            if let Some(i) = pending[scanned..].iter().rposition(|&b| b == b'\n') {
                whole = scanned + i + 1;
            }
            scanned = pending.len();
            if stop.is_some() {
                pending.truncate(whole);
            }
            // A line longer than a request may be: its error in its place, the rest of it
            // dropped as it arrives (never held).
            let overlong = pending.len() - whole > limits.max_body_bytes && !ended;
            // Whole lines go out in chunks; a partial line waits for more (or for the end).
            let cut = if ended || stop.is_some() {
                pending.len()
            } else if whole >= CHUNK_BYTES || overlong {
                whole
            } else {
                0
            };
            if cut > 0 {
                let chunk = pending.split_to(cut).freeze();
                let (chunk, over) = within_line_limit(chunk, lines, limits.max_batch_lines);
                if over && stop.is_none() {
                    stop = Some(format!(
                        "the batch has more than {} lines",
                        limits.max_batch_lines
                    ));
                }
                let first = lines + 1;
                lines += count_lines(&chunk);
                if !chunk.is_empty() {
                    inflight.push_back(job.spawn(chunk, first, limits.max_body_bytes));
                }
                whole -= cut.min(whole);
                scanned = pending.len();
            }
            if overlong && stop.is_none() {
                lines += 1;
                if lines > limits.max_batch_lines {
                    stop = Some(format!(
                        "the batch has more than {} lines",
                        limits.max_batch_lines
                    ));
                } else {
                    let mut out = Vec::new();
                    error_line(
                        &mut out,
                        lines,
                        &too_large(Oversized::BatchLine, limits.max_body_bytes as u64),
                    );
                    out.push(b'\n');
                    inflight.push_back(tokio::spawn(async move { Bytes::from(out) }));
                }
                pending.clear();
                (whole, scanned, skipping) = (0, 0, true);
            }
            while inflight.len() >= workers {
                if !send_front(&mut inflight, &tx).await {
                    return;
                }
            }
        }
        while !inflight.is_empty() {
            if !send_front(&mut inflight, &tx).await {
                return;
            }
        }
        if let Some(why) = stop {
            let line = serde_json::json!({ "line": lines + 1, "error": why, "stopped": true });
            let mut out = serde_json::to_vec(&line).unwrap_or_default();
            out.push(b'\n');
            let _ = tx.send(Bytes::from(out)).await;
        }
        job.shared
            .metrics
            .latency(&format!("{}/batch", job.name), started.elapsed());
    }

    /// Decides one chunk of whole lines on the blocking pool.
    fn spawn(
        self: &Arc<Self>,
        chunk: Bytes,
        first_line: usize,
        max_line: usize,
    ) -> JoinHandle<Bytes> {
        let job = Arc::clone(self);
        tokio::task::spawn_blocking(move || job.decide_chunk(&chunk, first_line, max_line))
    }

    fn decide_chunk(&self, chunk: &[u8], first_line: usize, max_line: usize) -> Bytes {
        let engine = &self.policy.engine;
        let mut out = Vec::with_capacity(chunk.len() * 2);
        let mut decided = 0u64;
        let mut logged = Vec::new();
        for (i, line) in chunk.split(|&b| b == b'\n').enumerate() {
            let n = first_line + i;
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            if line.len() > max_line {
                let p = too_large(Oversized::BatchLine, max_line as u64);
                error_line(&mut out, n, &p);
                out.push(b'\n');
                continue;
            }
            let start = out.len();
            match engine.decide_json(self.decision, line, &mut out) {
                Ok(_) => {
                    decided += 1;
                    if self.shared.log.is_some() {
                        let id = format!("{}:{n}", self.request_id);
                        logged.push(log_line(
                            &id,
                            &self.name,
                            &self.policy.sha256,
                            line,
                            &out[start..],
                        ));
                    }
                }
                Err(e) => {
                    out.truncate(start);
                    error_line(&mut out, n, &request_problem(&e));
                }
            }
            out.push(b'\n');
        }
        // The chunk's lines are logged together: with durability `sync`, its answers leave
        // only once they are on the disk.
        if let Some(log) = &self.shared.log {
            if !logged.is_empty() {
                log.record_blocking(logged);
            }
        }
        self.shared
            .metrics
            .decisions
            .fetch_add(decided, Ordering::Relaxed);
        Bytes::from(out)
    }
}

fn error_line(out: &mut Vec<u8>, line: usize, p: &Problem) {
    let mut j = serde_json::json!({ "line": line, "error": p.detail });
    if let Some(h) = p.extra.get("hint") {
        j["hint"] = h.clone();
    }
    if let Some(f) = p.extra.get("field") {
        j["field"] = f.clone();
    }
    let _ = serde_json::to_writer(&mut *out, &j);
}

/// The part of `chunk` within the line limit (`before` lines already taken), and whether the
/// limit cut it.
fn within_line_limit(chunk: Bytes, before: usize, max: usize) -> (Bytes, bool) {
    if before + count_lines(&chunk) <= max {
        return (chunk, false);
    }
    let allowed = max.saturating_sub(before);
    let cut = chunk
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .nth(allowed.wrapping_sub(1))
        .map_or(0, |(i, _)| if allowed == 0 { 0 } else { i + 1 });
    (chunk.slice(..cut), true)
}

fn count_lines(chunk: &[u8]) -> usize {
    let n = chunk.iter().filter(|&&b| b == b'\n').count();
    n + usize::from(chunk.last().is_some_and(|&b| b != b'\n'))
}

/// Sends the oldest chunk's answers; `false` when the client went away.
async fn send_front(inflight: &mut VecDeque<JoinHandle<Bytes>>, tx: &mpsc::Sender<Bytes>) -> bool {
    let Some(front) = inflight.pop_front() else {
        return true;
    };
    match front.await {
        Ok(bytes) => tx.send(bytes).await.is_ok(),
        Err(_) => {
            // A chunk that failed (a bug): say so, so the answer does not look complete.
            let line = b"{\"error\":\"internal error: the rest of the batch was not decided\",\"stopped\":true}\n";
            let _ = tx.send(Bytes::from_static(line)).await;
            false
        }
    }
}

/// A response body fed by a channel.
struct ChannelBody {
    rx: mpsc::Receiver<Bytes>,
}

impl hyper::body::Body for ChannelBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        self.rx.poll_recv(cx).map(|b| b.map(|b| Ok(Frame::data(b))))
    }
}
