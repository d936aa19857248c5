//! Counters and latency histograms, shown as Prometheus text at `GET /metrics`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;
use std::time::Duration;

/// Latency buckets, in seconds (upper bounds).
const BUCKETS: [f64; 14] = [
    0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1,
    0.25, 1.0,
];

#[derive(Default)]
struct Histogram {
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    /// Nanoseconds.
    sum: AtomicU64,
}

/// Everything `/metrics` shows. Updates are atomic additions under a read lock; the write
/// lock is taken only to add a new label.
#[derive(Default)]
pub struct Metrics {
    /// Requests by (endpoint, decision, status).
    requests: RwLock<HashMap<(&'static str, String, u16), AtomicU64>>,
    /// Latency of decision requests by decision.
    latency: RwLock<HashMap<String, Histogram>>,
    /// Decisions made (a batch counts each line).
    pub decisions: AtomicU64,
    pub reloads: AtomicU64,
    pub reload_failures: AtomicU64,
    pub log_written: AtomicU64,
    pub log_dropped: AtomicU64,
    /// Lines (or batches' lines) that found the log's queue full and waited for room.
    pub log_waits: AtomicU64,
    /// Microseconds requests spent waiting for room in the log's queue.
    pub log_wait_micros: AtomicU64,
    /// Syncs of the log file to the disk (`--decision-log-durability sync`).
    pub log_syncs: AtomicU64,
    /// Writes of the log that failed and were tried again (`wait` and `sync` never drop).
    pub log_write_errors: AtomicU64,
    pub connections: AtomicU64,
}

impl Metrics {
    pub fn request(&self, endpoint: &'static str, decision: &str, status: u16) {
        if let Ok(map) = self.requests.read() {
            if let Some(c) = map.get(&(endpoint, decision.to_string(), status)) {
                c.fetch_add(1, Ordering::Relaxed);
                return;
            }
        }
        if let Ok(mut map) = self.requests.write() {
            map.entry((endpoint, decision.to_string(), status))
                .or_default()
                .fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn latency(&self, decision: &str, took: Duration) {
        let record = |h: &Histogram| {
            let secs = took.as_secs_f64();
            for (i, b) in BUCKETS.iter().enumerate() {
                if secs <= *b {
                    h.buckets[i].fetch_add(1, Ordering::Relaxed);
                }
            }
            h.count.fetch_add(1, Ordering::Relaxed);
            h.sum.fetch_add(
                took.as_nanos().min(u128::from(u64::MAX)) as u64,
                Ordering::Relaxed,
            );
        };
        if let Ok(map) = self.latency.read() {
            if let Some(h) = map.get(decision) {
                record(h);
                return;
            }
        }
        if let Ok(mut map) = self.latency.write() {
            record(map.entry(decision.to_string()).or_default());
        }
    }

    /// The Prometheus text exposition (version 0.0.4).
    pub fn render(&self, artifact_sha256: &str, loaded_at_secs: u64) -> String {
        let mut out = String::new();
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        out.push_str(
            "# HELP edict_requests_total HTTP requests by endpoint, decision and status.\n",
        );
        out.push_str("# TYPE edict_requests_total counter\n");
        if let Ok(map) = self.requests.read() {
            let mut rows: Vec<_> = map.iter().collect();
            rows.sort_by(|a, b| a.0.cmp(b.0));
            for ((endpoint, decision, status), c) in rows {
                let _ = writeln!(
                    out,
                    "edict_requests_total{{endpoint=\"{endpoint}\",decision=\"{}\",status=\"{status}\"}} {}",
                    escape(decision),
                    get(c)
                );
            }
        }
        out.push_str("# HELP edict_request_duration_seconds Time to answer a decision request, by decision.\n");
        out.push_str("# TYPE edict_request_duration_seconds histogram\n");
        if let Ok(map) = self.latency.read() {
            let mut rows: Vec<_> = map.iter().collect();
            rows.sort_by(|a, b| a.0.cmp(b.0));
            for (decision, h) in rows {
                let d = escape(decision);
                for (i, b) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "edict_request_duration_seconds_bucket{{decision=\"{d}\",le=\"{b}\"}} {}",
                        get(&h.buckets[i])
                    );
                }
                let _ = writeln!(
                    out,
                    "edict_request_duration_seconds_bucket{{decision=\"{d}\",le=\"+Inf\"}} {}",
                    get(&h.count)
                );
                let _ = writeln!(
                    out,
                    "edict_request_duration_seconds_sum{{decision=\"{d}\"}} {}",
                    get(&h.sum) as f64 / 1e9
                );
                let _ = writeln!(
                    out,
                    "edict_request_duration_seconds_count{{decision=\"{d}\"}} {}",
                    get(&h.count)
                );
            }
        }
        let counters = [
            ("edict_decisions_total", "Decisions made, each line of a batch counted.", &self.decisions),
            ("edict_reloads_total", "Policy versions loaded after the first.", &self.reloads),
            ("edict_reload_failures_total", "Reloads refused (the version did not load, validate or check); the previous version kept serving.", &self.reload_failures),
            ("edict_decision_log_written_total", "Decision log lines written.", &self.log_written),
            ("edict_decision_log_dropped_total", "Decision log lines dropped because the log's queue was full (durability drop) or the write failed.", &self.log_dropped),
            ("edict_decision_log_waits_total", "Decision log lines that found the log's queue full and waited for room (durability wait or sync).", &self.log_waits),
            ("edict_decision_log_syncs_total", "Syncs of the decision log to the disk (durability sync).", &self.log_syncs),
            ("edict_decision_log_write_errors_total", "Writes of the decision log that failed and were tried again (durability wait or sync).", &self.log_write_errors),
            ("edict_connections_total", "Connections accepted.", &self.connections),
        ];
        for (name, help, c) in counters {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                get(c)
            );
        }
        let _ = writeln!(
            out,
            "# HELP edict_decision_log_wait_seconds_total Time requests spent waiting for room in the decision log's queue.\n# TYPE edict_decision_log_wait_seconds_total counter\nedict_decision_log_wait_seconds_total {}",
            get(&self.log_wait_micros) as f64 / 1e6
        );
        let _ = writeln!(
            out,
            "# HELP edict_policy_info The policy version being served.\n# TYPE edict_policy_info gauge\nedict_policy_info{{artifact_sha256=\"{artifact_sha256}\"}} 1"
        );
        let _ = writeln!(
            out,
            "# HELP edict_policy_loaded_timestamp_seconds When the version being served was loaded.\n# TYPE edict_policy_loaded_timestamp_seconds gauge\nedict_policy_loaded_timestamp_seconds {loaded_at_secs}"
        );
        out
    }
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
