//! `edict impact --cluster` on a real DataFusion Ballista cluster on loopback: `edict cluster
//! scheduler` and two `edict cluster executor` processes of the real binary. The cluster's
//! report is the embedded run's, byte for byte, in every format, and both executors count a
//! share of the table; a scheduler nobody runs and a wrong address are clear errors, to the
//! client and to an executor.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::common::{edict, root, tempdir};
use crate::impact::{announcement, announcement_over};

/// A process of the cluster, killed when dropped; `wait_for` reads its standard error.
struct Process {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Process {
    fn start(args: &[&str]) -> Process {
        let mut child = Command::new(env!("CARGO_BIN_EXE_edict"))
            .args(args)
            .current_dir(root())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let err = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Process {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// The first line of standard error that contains `text`.
    fn wait_for(&mut self, text: &str) -> String {
        loop {
            match self.lines.recv_timeout(Duration::from_secs(60)) {
                Ok(line) if line.contains(text) => return line,
                Ok(line) => self.seen.push(line),
                Err(_) => panic!("no line with `{text}`; saw: {:?}", self.seen),
            }
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port free now (an executor advertises the port it is given, so it cannot take
/// port 0).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The scheduler and two executors of one core each, working in `dir/w1` and `dir/w2`; the
/// scheduler's URL.
fn cluster(dir: &Path) -> (Vec<Process>, String) {
    let mut scheduler = Process::start(&["cluster", "scheduler", "--bind", "127.0.0.1:0"]);
    let line = scheduler.wait_for("listening on ");
    let addr = line.rsplit(' ').next().unwrap().to_string();
    let mut processes = vec![scheduler];
    for w in ["w1", "w2"] {
        let work = dir.join(w);
        std::fs::create_dir_all(&work).unwrap();
        let (flight, grpc) = (free_port().to_string(), free_port().to_string());
        let mut executor = Process::start(&[
            "cluster",
            "executor",
            "--scheduler",
            &addr,
            "--flight-port",
            &flight,
            "--grpc-port",
            &grpc,
            "--cores",
            "1",
            "--work-dir",
            work.to_str().unwrap(),
        ]);
        executor.wait_for("ready");
        processes.push(executor);
    }
    (processes, format!("df://{addr}"))
}

/// The files of shuffle data an executor wrote for a job's first stage (its partitions'
/// partial counts).
fn first_stage_files(work: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for job in std::fs::read_dir(work).unwrap().flatten() {
        let stage = job.path().join("0");
        if let Ok(partitions) = std::fs::read_dir(&stage) {
            for p in partitions.flatten() {
                found.push(p.file_name().to_string_lossy().into_owned());
            }
        }
    }
    found.sort();
    found
}

#[test]
fn a_cluster_of_two_executors_gives_the_embedded_report() {
    let dir = tempdir("cluster");
    // Four files of traffic: four partitions, shared by the two executors.
    let traffic = dir.join("traffic");
    std::fs::create_dir_all(&traffic).unwrap();
    for seed in ["1", "2", "3", "4"] {
        let out = traffic.join(format!("part-{seed}.parquet"));
        let (code, _, err) = edict(&[
            "traffic",
            "--policy",
            "policies",
            "--mix",
            "examples/traffic/mix.json",
            "--rows",
            "4000",
            "--from",
            "2025-10-01",
            "--days",
            "92",
            "--seed",
            seed,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
    }
    let (_processes, url) = cluster(&dir);
    let run = |format: &str, on_cluster: bool| {
        let mut args = vec![
            "--by",
            "t.arrival_port,t.nationality",
            "--by",
            "month",
            "--format",
            format,
        ];
        if on_cluster {
            args.extend_from_slice(&["--cluster", &url]);
        }
        let (code, out, err) = announcement_over(traffic.to_str().unwrap(), &args);
        assert_eq!(code, 0, "{format}, cluster {on_cluster}: {err}");
        out
    };
    for format in ["json", "md", "csv", "human"] {
        let embedded = run(format, false);
        let clustered = run(format, true);
        assert_eq!(clustered, embedded, "{format}");
    }
    // The announcement changed crossings in this traffic, and the report says so.
    let json: serde_json::Value = serde_json::from_str(&run("json", true)).unwrap();
    assert_eq!(json["total"]["rows"], 16_000, "{json}");
    assert!(
        json["changed"]["rows"].as_u64().is_some_and(|n| n > 0),
        "{json}"
    );
    // Both executors counted partitions of the table.
    let (w1, w2) = (
        first_stage_files(&dir.join("w1")),
        first_stage_files(&dir.join("w2")),
    );
    assert!(!w1.is_empty() && !w2.is_empty(), "w1 {w1:?}, w2 {w2:?}");
}

#[test]
fn a_scheduler_nobody_runs_and_a_wrong_address_are_clear_errors() {
    let impact = |url: &str, more: &[&str]| {
        let mut args = vec!["--cluster", url];
        args.extend_from_slice(more);
        announcement(&args)
    };
    // Port 1 on loopback: nothing listens there.
    let (code, out, err) = impact("df://127.0.0.1:1", &[]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    insta::assert_snapshot!("cluster_unreachable", err);
    let (code, _, err) = impact("127.0.0.1:50050", &[]);
    assert_eq!(code, 2);
    insta::assert_snapshot!("cluster_bad_url", err);
    // Changed rows are written by one process: not with a cluster.
    let (code, _, err) = impact("df://127.0.0.1:1", &["--changed-rows", "changed.parquet"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot be used with"), "{err}");
    // An executor whose scheduler does not come up within its wait says so and exits.
    let (code, _, err) = edict(&[
        "cluster",
        "executor",
        "--scheduler",
        "127.0.0.1:1",
        "--connect-timeout",
        "1",
        "--flight-port",
        &free_port().to_string(),
        "--grpc-port",
        &free_port().to_string(),
    ]);
    assert_eq!(code, 2);
    let err = err
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!("cluster_executor_without_scheduler", err);
}
