//! The load benchmark of `edict serve`: keep-alive HTTP/1.1 clients on loopback against Edict
//! and against the yardstick (a minimal hyper server answering a fixed body), in the same run,
//! alternating; then the batch endpoint. Prints a Markdown table for BENCHMARKS.md.
//!
//! `load EDICT_BINARY [--seconds S] [--concurrency C,C,...] [--rates F,F,...] [--batch-lines N]
//! [--traffic realistic|benchmark] [--startup RUNS] [--pin CLIENT_CPU,SERVER_CPU]` (run from
//! the repository root: it serves `policies/`). The requests are, in turn, the 100,000
//! realistic requests of the transit decision (`transit::realistic_requests`: every entry of
//! the catalogues) or, with `--traffic benchmark`, the 10,000 requests the other benchmarks
//! use. `--startup RUNS` first times the start of `edict serve --artifact` to its first
//! answer, RUNS times; `--pin` keeps the load generator on one CPU and the servers of the
//! request tables on another (the batch server keeps both). Besides the closed loop (clients
//! sending back to back), an open loop at fixed rates (`--rates`, fractions of each server's
//! measured maximum: 0.25, 0.5, 0.9) reports p50, p99 and p99.9 latency counted from each
//! request's scheduled time, and the generator's own lateness in handing requests over.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;

struct Proc {
    child: Child,
    addr: String,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A command starting a server, on the server's core when the run pins (`--pin`), through
/// util-linux's `taskset`.
fn server_command(program: &std::path::Path, pin: Option<&(String, String)>) -> Command {
    match pin {
        Some((_, cpu)) => {
            let mut c = Command::new("taskset");
            c.args(["-c", cpu]).arg(program);
            c
        }
        None => Command::new(program),
    }
}

/// Keeps this process (the load generator, every thread it starts from now on) on one core.
fn pin_self(cpu: &str) -> Result<(), String> {
    let status = Command::new("taskset")
        .args(["-a", "-p", "-c", cpu])
        .arg(std::process::id().to_string())
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("--pin needs `taskset` (util-linux): {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "taskset could not pin the load generator to CPU {cpu}"
        ))
    }
}

/// Starts a server process and reads its address from its standard error.
fn spawn(mut cmd: Command, marker: &str) -> Result<Proc, String> {
    use std::io::BufRead;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    let err = child.stderr.take().ok_or("no stderr")?;
    let mut lines = std::io::BufReader::new(err).lines();
    let addr = loop {
        let line = lines
            .next()
            .ok_or("the server stopped before listening")?
            .map_err(|e| e.to_string())?;
        if let Some(rest) = line.split(marker).nth(1) {
            break rest.split([',', ' ']).next().unwrap_or("").to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    Ok(Proc { child, addr })
}

#[derive(Default)]
struct Run {
    requests: u64,
    failures: u64,
    /// Microseconds, one per request.
    latencies: Vec<u32>,
    /// Microseconds from each request's scheduled time to its handing to the connection: the
    /// load generator's own lateness, part of every latency of the open loop.
    late: Vec<u32>,
    elapsed: Duration,
}

impl Run {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&mut self, p: f64) -> f64 {
        percentile(&mut self.latencies, p)
    }

    fn late_percentile(&mut self, p: f64) -> f64 {
        percentile(&mut self.late, p)
    }
}

/// The `p` quantile of microsecond figures.
fn percentile(v: &mut [u32], p: f64) -> f64 {
    v.sort_unstable();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v.get(i).copied().unwrap_or(0) as f64
}

/// A keep-alive HTTP/1.1 connection to `addr`.
async fn connect(addr: &str) -> Option<hyper::client::conn::http1::SendRequest<Full<Bytes>>> {
    let stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    let _ = stream.set_nodelay(true);
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .ok()?;
    tokio::spawn(conn);
    Some(sender)
}

/// Sends one request and reads the whole answer, counting it in `run` with its latency from
/// `since`; false when the connection failed.
async fn ask(
    sender: &mut hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    path: &str,
    body: &Bytes,
    run: &mut Run,
    since: Instant,
) -> bool {
    let req = Request::post(path)
        .header("host", "bench")
        .header("content-type", "application/json")
        .body(Full::new(body.clone()));
    let Ok(req) = req else { return false };
    run.late
        .push(since.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
    match sender.send_request(req).await {
        Ok(resp) => {
            let ok = resp.status().is_success();
            let collected = resp.into_body().collect().await;
            if ok && collected.is_ok() {
                run.requests += 1;
                run.latencies
                    .push(since.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
            } else {
                run.failures += 1;
            }
            true
        }
        Err(_) => {
            run.failures += 1;
            false
        }
    }
}

/// `concurrency` keep-alive connections, each sending requests back to back for `seconds`.
async fn hammer(
    addr: &str,
    path: &str,
    bodies: Arc<Vec<Bytes>>,
    concurrency: usize,
    seconds: f64,
) -> Run {
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for task in 0..concurrency {
        let (addr, path, bodies) = (addr.to_string(), path.to_string(), Arc::clone(&bodies));
        tasks.push(tokio::spawn(async move {
            let mut run = Run::default();
            let Some(mut sender) = connect(&addr).await else {
                run.failures += 1;
                return run;
            };
            let mut i = task * 7919;
            while Instant::now() < deadline {
                i += 1;
                let t = Instant::now();
                if !ask(&mut sender, &path, &bodies[i % bodies.len()], &mut run, t).await {
                    break;
                }
            }
            run
        }));
    }
    let mut total = Run::default();
    for t in tasks {
        if let Ok(r) = t.await {
            total.requests += r.requests;
            total.failures += r.failures;
            total.latencies.extend(r.latencies);
        }
    }
    total.elapsed = start.elapsed();
    total
}

/// Open loop at a fixed rate: requests are scheduled every `1/rate` seconds for `seconds`,
/// whatever the answers do, and sent on `connections` keep-alive connections; each latency is
/// counted from the request's scheduled time, so a server that falls behind is charged for the
/// queue it builds (no coordinated omission).
async fn constant_rate(
    addr: &str,
    path: &str,
    bodies: Arc<Vec<Bytes>>,
    rate: f64,
    seconds: f64,
    connections: usize,
) -> Run {
    let (tx, rx) = async_channel(connections * 4);
    let start = tokio::time::Instant::now();
    let total = (rate * seconds) as u64;
    let ticker = tokio::spawn(async move {
        for i in 0..total {
            let at = start + Duration::from_secs_f64(i as f64 / rate);
            // Tokio's timers tick in milliseconds: sleep to just before the time, then yield
            // (letting the connections run) until it comes, so that a request leaves on time
            // and the generator adds no millisecond of its own to the latencies.
            loop {
                let now = tokio::time::Instant::now();
                if now >= at {
                    break;
                }
                if at - now > Duration::from_millis(2) {
                    tokio::time::sleep_until(at - Duration::from_millis(1)).await;
                } else {
                    tokio::task::yield_now().await;
                }
            }
            if tx.send((i, at)).await.is_err() {
                break;
            }
        }
    });
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (addr, path, bodies, rx) = (
            addr.to_string(),
            path.to_string(),
            Arc::clone(&bodies),
            rx.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut run = Run::default();
            let Some(mut sender) = connect(&addr).await else {
                run.failures += 1;
                return run;
            };
            while let Ok((i, at)) = rx.recv().await {
                let body = &bodies[i as usize % bodies.len()];
                if !ask(&mut sender, &path, body, &mut run, at.into_std()).await {
                    break;
                }
            }
            run
        }));
    }
    let _ = ticker.await;
    drop(rx);
    let mut out = Run::default();
    for t in tasks {
        if let Ok(r) = t.await {
            out.requests += r.requests;
            out.failures += r.failures;
            out.latencies.extend(r.latencies);
            out.late.extend(r.late);
        }
    }
    out.elapsed = start.elapsed();
    out
}

/// A bounded multi-consumer queue of scheduled requests (tokio's mpsc has one consumer).
fn async_channel(
    capacity: usize,
) -> (
    tokio::sync::mpsc::Sender<(u64, tokio::time::Instant)>,
    Shared,
) {
    let (tx, rx) = tokio::sync::mpsc::channel(capacity);
    (tx, Shared(Arc::new(tokio::sync::Mutex::new(rx))))
}

#[derive(Clone)]
struct Shared(Arc<tokio::sync::Mutex<tokio::sync::mpsc::Receiver<(u64, tokio::time::Instant)>>>);

impl Shared {
    async fn recv(&self) -> Result<(u64, tokio::time::Instant), ()> {
        self.0.lock().await.recv().await.ok_or(())
    }
}

/// One batch of `lines` requests; decisions per second and how many lines came back.
async fn batch(addr: &str, body: Bytes) -> Result<(f64, usize), String> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| e.to_string())?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    let req = Request::post("/v1/decisions/transit_entry/batch")
        .header("host", "bench")
        .header("content-type", "application/x-ndjson")
        .body(Full::new(body))
        .map_err(|e| e.to_string())?;
    let t = Instant::now();
    let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
    let mut body = resp.into_body();
    let mut lines = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| e.to_string())?;
        if let Some(d) = frame.data_ref() {
            lines += d.iter().filter(|&&b| b == b'\n').count();
        }
    }
    Ok((lines as f64 / t.elapsed().as_secs_f64(), lines))
}

/// Times `edict serve --artifact` from the start of the process to its first answer (a
/// decision over a new connection), `runs` times, and prints the median and range.
fn startup(edict: &std::path::Path, body: &[u8], runs: usize) -> Result<(), String> {
    use std::io::{Read, Write};
    let dir = std::env::temp_dir().join(format!("edict-startup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let artifact = dir.join("policy.edictc");
    let built = Command::new(edict)
        .args(["build", "policies", "-o"])
        .arg(&artifact)
        .output()
        .map_err(|e| e.to_string())?;
    if !built.status.success() {
        return Err(format!(
            "edict build failed: {}",
            String::from_utf8_lossy(&built.stderr)
        ));
    }
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let mut e = Command::new(edict);
        e.args(["serve", "--artifact"]).arg(&artifact).args([
            "--listen",
            "127.0.0.1:0",
            "--no-decision-log",
        ]);
        let served = spawn(e, "listening on http://")?;
        let mut s = std::net::TcpStream::connect(&served.addr).map_err(|e| e.to_string())?;
        let head = format!(
            "POST /v1/decisions/transit_entry HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            served.addr,
            body.len()
        );
        s.write_all(head.as_bytes())
            .and_then(|()| s.write_all(body))
            .map_err(|e| e.to_string())?;
        let mut answer = Vec::new();
        s.read_to_end(&mut answer).map_err(|e| e.to_string())?;
        let took = start.elapsed();
        if !answer.starts_with(b"HTTP/1.1 200") {
            return Err(format!(
                "the first answer was not 200: {}",
                String::from_utf8_lossy(&answer)
            ));
        }
        times.push(took.as_secs_f64() * 1e3);
    }
    let _ = std::fs::remove_dir_all(&dir);
    times.sort_by(f64::total_cmp);
    println!(
        "start-up of `edict serve --artifact` to its first answer: median {:.1} ms (range {:.1} to {:.1}, {runs} runs)",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
    Ok(())
}

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let edict =
        PathBuf::from(args.next().ok_or(
            "usage: load EDICT_BINARY [--seconds S] [--concurrency 32,64] [--rates 0.25,0.5,0.9] [--batch-lines N]",
        )?);
    let (mut seconds, mut levels, mut batch_lines) = (5.0, vec![32usize, 64], 1_000_000usize);
    let mut rates = vec![0.25, 0.5, 0.9];
    let (mut realistic, mut startup_runs) = (true, 0usize);
    let mut pin: Option<(String, String)> = None;
    while let Some(a) = args.next() {
        let v = args.next().ok_or(format!("{a} needs a value"))?;
        match a.as_str() {
            "--seconds" => seconds = v.parse().map_err(|_| "bad --seconds")?,
            "--concurrency" => levels = v.split(',').filter_map(|c| c.parse().ok()).collect(),
            "--batch-lines" => batch_lines = v.parse().map_err(|_| "bad --batch-lines")?,
            "--rates" => rates = v.split(',').filter_map(|c| c.parse().ok()).collect(),
            "--traffic" => realistic = v == "realistic",
            "--startup" => startup_runs = v.parse().map_err(|_| "bad --startup")?,
            "--pin" => {
                let (client, server) = v
                    .split_once(',')
                    .ok_or("--pin takes CLIENT_CPU,SERVER_CPU")?;
                pin = Some((client.to_string(), server.to_string()));
            }
            _ => return Err(format!("unknown option {a}")),
        }
    }
    // The requests of the transit decision, as clients send them.
    let analysis = edict_bench::policies();
    let artifact = edict_bench::artifact(&analysis).ok_or("policies/ does not build")?;
    let requests = if realistic {
        edict_bench::transit::realistic_requests(&artifact, 100_000, 11)?
    } else {
        edict_bench::transit::requests(&artifact, 10_000, 7)?
    };
    let engine = edict_runtime::Engine::new(artifact).map_err(|e| e.to_string())?;
    let d = engine
        .decision_id("transit_entry")
        .ok_or("no transit_entry")?;
    let bodies: Vec<Bytes> = requests
        .iter()
        .map(|r| Bytes::from(engine.request_json(d, r).to_string()))
        .collect();
    println!(
        "{} requests ({}), {} bytes each on average",
        bodies.len(),
        if realistic { "realistic" } else { "benchmark" },
        bodies.iter().map(Bytes::len).sum::<usize>() / bodies.len().max(1)
    );
    if startup_runs > 0 {
        startup(&edict, &bodies[0], startup_runs)?;
    }
    let bodies = Arc::new(bodies);
    if let Some((client, _)) = &pin {
        pin_self(client)?;
    }
    // Each server gets one worker thread; the load generator the other core.
    let yard_bin = std::env::current_exe()
        .map_err(|e| e.to_string())?
        .with_file_name("yardstick");
    let mut y = server_command(&yard_bin, pin.as_ref());
    y.args(["127.0.0.1:0", "1"]);
    let yard = spawn(y, "listening on ")?;
    // `edict serve policies/` on a free loopback port, not watching files, with `extra`.
    let serve_on = |extra: &[&std::ffi::OsStr], pin: Option<&(String, String)>| {
        let mut e = server_command(&edict, pin);
        e.args(["serve", "policies", "--listen", "127.0.0.1:0", "--no-watch"])
            .args(extra);
        spawn(e, "listening on http://")
    };
    let serve = |extra: &[&std::ffi::OsStr]| serve_on(extra, pin.as_ref());
    let one_thread = ["--threads".as_ref(), "1".as_ref()];
    let served = serve(&[&one_thread[..], &["--no-decision-log".as_ref()]].concat())?;
    // The decision log of the run, in a folder of its own removed at the end (a run writes
    // hundreds of megabytes).
    let log_dir = std::env::temp_dir().join(format!("edict-load-{}", std::process::id()));
    std::fs::create_dir_all(&log_dir).map_err(|e| e.to_string())?;
    let log = log_dir.join("decisions.jsonl");
    let logged = serve(
        &[
            &one_thread[..],
            &["--decision-log".as_ref(), log.as_os_str()],
        ]
        .concat(),
    )?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let path = "/v1/decisions/transit_entry";
    println!("| concurrency | server | requests/s | p50 µs | p99 µs | failed | vs yardstick |");
    println!("| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
    rt.block_on(async {
        // Warm up every server.
        for addr in [&yard.addr, &served.addr, &logged.addr] {
            let _ = hammer(addr, path, Arc::clone(&bodies), 8, 0.5).await;
        }
        for &c in &levels {
            // Alternate, twice each, so drift in the machine hits all alike.
            let mut runs: Vec<(&str, Run)> = Vec::new();
            for _ in 0..2 {
                for (name, addr) in [
                    ("yardstick (hyper, fixed body)", &yard.addr),
                    ("edict serve", &served.addr),
                    ("edict serve + decision log", &logged.addr),
                ] {
                    let r = hammer(addr, path, Arc::clone(&bodies), c, seconds / 2.0).await;
                    match runs.iter_mut().find(|(n, _)| *n == name) {
                        Some((_, acc)) => {
                            acc.requests += r.requests;
                            acc.failures += r.failures;
                            acc.latencies.extend(r.latencies);
                            acc.elapsed += r.elapsed;
                        }
                        None => runs.push((name, r)),
                    }
                }
            }
            let base = runs[0].1.rps();
            for (name, r) in &mut runs {
                let rps = r.rps();
                let (p50, p99) = (r.percentile(0.5), r.percentile(0.99));
                println!(
                    "| {c} | {name} | {rps:.0} | {p50:.0} | {p99:.0} | {} | {:.0}% |",
                    r.failures,
                    100.0 * rps / base
                );
            }
        }
    });
    // Latency at fixed rates: 25%, 50% and 90% of each server's measured maximum (the closed
    // loop above at the highest concurrency), open loop on 64 connections.
    if !rates.is_empty() {
        println!();
        println!("| server | rate (of its max) | requests/s sent | p50 µs | p99 µs | p99.9 µs | failed | generator late, p50 / p99 µs |");
        println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        rt.block_on(async {
            let top = levels.iter().copied().max().unwrap_or(64);
            for (name, addr) in [
                ("yardstick (hyper, fixed body)", &yard.addr),
                ("edict serve", &served.addr),
                ("edict serve + decision log", &logged.addr),
            ] {
                let max = hammer(addr, path, Arc::clone(&bodies), top, seconds / 2.0).await.rps();
                for &f in &rates {
                    let rate = max * f;
                    let mut r =
                        constant_rate(addr, path, Arc::clone(&bodies), rate, seconds, 64).await;
                    let (p50, p99, p999) =
                        (r.percentile(0.5), r.percentile(0.99), r.percentile(0.999));
                    let (l50, l99) = (r.late_percentile(0.5), r.late_percentile(0.99));
                    println!(
                        "| {name} | {:.0}% of {max:.0}/s | {:.0} | {p50:.0} | {p99:.0} | {p999:.0} | {} | {l50:.0} / {l99:.0} |",
                        100.0 * f,
                        r.rps(),
                        r.failures
                    );
                }
            }
        });
    }
    // The batch endpoint, with the worker threads it would have in production (both cores).
    drop(served);
    drop(logged);
    let _ = std::fs::remove_dir_all(&log_dir);
    let batch_server = serve_on(&["--no-decision-log".as_ref()], None)?;
    let mut body = Vec::with_capacity(batch_lines * 300);
    for i in 0..batch_lines {
        body.extend_from_slice(&bodies[i % bodies.len()]);
        body.push(b'\n');
    }
    let body = Bytes::from(body);
    println!();
    println!("| batch | lines | decisions/s |");
    println!("| --- | ---: | ---: |");
    rt.block_on(async {
        let _ = batch(&batch_server.addr, body.slice(..body.len() / 10)).await;
        for i in 0..3 {
            match batch(&batch_server.addr, body.clone()).await {
                Ok((rate, lines)) => println!("| run {} | {lines} | {rate:.0} |", i + 1),
                Err(e) => println!("| run {} | failed: {e} | |", i + 1),
            }
        }
    });
    Ok(())
}
