//! What `edict serve` is told: where the policy comes from, where to listen, limits, the
//! decision log, tokens and TLS.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Where the policy comes from.
#[derive(Clone, Debug)]
pub enum PolicySource {
    /// Policy files or folders, compiled on start and on every change.
    Paths(Vec<PathBuf>),
    /// An artifact built by `edict build`, read on start and on every change.
    Artifact(PathBuf),
}

/// Where decisions are logged.
#[derive(Clone, Debug)]
pub enum LogTarget {
    Off,
    Stdout,
    /// A file, rotated when it would pass `max_bytes` (`FILE.1` is the newest old one), keeping
    /// `keep` old files.
    File {
        path: PathBuf,
        max_bytes: u64,
        keep: usize,
    },
}

/// What the decision log promises when it cannot keep up, and what a crash can lose.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Durability {
    /// Requests never wait: a line that finds the queue full is dropped and counted. A
    /// `kill -9` loses the lines still queued; a power cut also what the OS had not written.
    #[default]
    Drop,
    /// No line is dropped: a request whose line finds the queue full waits for room (counted,
    /// with the time waited). A `kill -9` or a power cut loses as with `Drop`.
    Wait,
    /// No line is dropped, and a request is answered only once its line is written and synced
    /// to the disk (`fdatasync`, one per batch of lines): no answer given is ever missing
    /// from the log, whatever stops the process or the machine.
    Sync,
}

/// Limits on what a client may send.
#[derive(Clone, Debug)]
pub struct Limits {
    /// The largest body of a single decision request.
    pub max_body_bytes: usize,
    /// The largest body of a batch.
    pub max_batch_bytes: u64,
    /// The most lines a batch may hold.
    pub max_batch_lines: usize,
    /// A connection with no traffic for this long is closed.
    pub idle_timeout: Duration,
    /// The most connections served at once; more wait to be accepted.
    pub max_connections: usize,
    /// After SIGTERM, how long `/readyz` answers 503 while requests are still served, before
    /// the listener closes: long enough for a load balancer's health checks to see it.
    pub drain: Duration,
    /// Then, how long requests in flight may take to finish.
    pub grace: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body_bytes: 1024 * 1024,
            max_batch_bytes: 1024 * 1024 * 1024,
            max_batch_lines: 10_000_000,
            idle_timeout: Duration::from_secs(60),
            max_connections: 4096,
            drain: Duration::from_secs(5),
            grace: Duration::from_secs(30),
        }
    }
}

/// Everything `edict serve` runs with.
#[derive(Clone, Debug)]
pub struct Config {
    pub source: PolicySource,
    pub listen: SocketAddr,
    pub log: LogTarget,
    /// The decision log's queue: lines waiting to be written. When it is full, what happens is
    /// the durability's choice.
    pub log_queue: usize,
    pub log_durability: Durability,
    /// The bearer token the admin endpoints require (none: admin endpoints are refused).
    pub admin_token: Option<String>,
    /// The bearer token the decision endpoints require, if any.
    pub decision_token: Option<String>,
    /// PEM certificate chain and private key: serve HTTPS.
    pub tls: Option<(PathBuf, PathBuf)>,
    pub limits: Limits,
    /// Watch the policy's files and reload when they change.
    pub watch: bool,
    /// Worker threads (default: the number of cores).
    pub threads: Option<usize>,
    /// A site written by `edict doc`, served at `/docs/`.
    pub docs: Option<PathBuf>,
    /// Run the policy's own tests on every version loaded from policy files, and refuse a
    /// version where one fails (an artifact carries no tests).
    pub run_tests: bool,
    /// A folder where every version loaded is kept by its SHA-256 (`edict replay` reads it).
    pub artifact_store: Option<PathBuf>,
}

impl Config {
    pub fn new(source: PolicySource, listen: SocketAddr) -> Config {
        Config {
            source,
            listen,
            log: LogTarget::Off,
            log_queue: 65_536,
            log_durability: Durability::Drop,
            admin_token: None,
            decision_token: None,
            run_tests: true,
            tls: None,
            limits: Limits::default(),
            watch: true,
            threads: None,
            docs: None,
            artifact_store: None,
        }
    }
}
