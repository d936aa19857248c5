//! `edict serve`: the decision service's options, read into `edict_server::Config`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use edict_server::{Config, Durability, LogTarget, PolicySource};

use crate::output::stderr;
use crate::Outcome;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Policy files or folders, compiled on start and again when they change.
    #[arg(default_value = ".", conflicts_with = "artifact")]
    paths: Vec<PathBuf>,
    /// Serve a compiled artifact (from `edict build`) instead, reloaded when it changes.
    #[arg(long, value_name = "FILE")]
    artifact: Option<PathBuf>,
    /// Address to listen on. Only this machine can connect unless you name another address.
    #[arg(long, default_value = "127.0.0.1:8181")]
    listen: SocketAddr,
    /// Where to log decisions: `stdout` or a file (rotated by size).
    #[arg(long, value_name = "stdout|FILE", default_value = "stdout")]
    decision_log: String,
    /// Log no decisions.
    #[arg(long, conflicts_with = "decision_log")]
    no_decision_log: bool,
    /// Rotate the decision log file when it would pass this many bytes.
    #[arg(long, default_value_t = 100 * 1024 * 1024)]
    log_max_bytes: u64,
    /// How many rotated decision log files to keep.
    #[arg(long, default_value_t = 5)]
    log_keep: usize,
    /// Lines the decision log may hold waiting to be written; when it is full, the durability
    /// says what happens.
    #[arg(long, default_value_t = 65_536)]
    log_queue: usize,
    /// What the decision log promises: `drop` (requests never wait; a line that finds the
    /// queue full is dropped and counted), `wait` (no line is dropped: requests wait for room),
    /// `sync` (no line is dropped, and an answer leaves only once its line is on the disk).
    #[arg(long, value_enum, default_value_t = LogDurability::Drop)]
    decision_log_durability: LogDurability,
    /// A file holding the bearer token the admin endpoints require.
    #[arg(long, value_name = "FILE", conflicts_with = "admin_token_env")]
    admin_token_file: Option<PathBuf>,
    /// An environment variable holding the admin bearer token.
    #[arg(long, value_name = "VAR")]
    admin_token_env: Option<String>,
    /// A file holding a bearer token the decision endpoints require.
    #[arg(long, value_name = "FILE", conflicts_with = "decision_token_env")]
    decision_token_file: Option<PathBuf>,
    /// An environment variable holding the decision endpoints' bearer token.
    #[arg(long, value_name = "VAR")]
    decision_token_env: Option<String>,
    /// PEM certificate chain: serve HTTPS (with --tls-key).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// The largest single request body, in bytes.
    #[arg(long, default_value_t = 1024 * 1024)]
    max_body_bytes: usize,
    /// The largest batch body, in bytes.
    #[arg(long, default_value_t = 1024 * 1024 * 1024)]
    max_batch_bytes: u64,
    /// The most lines one batch may hold.
    #[arg(long, default_value_t = 10_000_000)]
    max_batch_lines: usize,
    /// Close a connection after this many seconds without traffic.
    #[arg(long, default_value_t = 60)]
    idle_timeout: u64,
    /// The most connections served at once.
    #[arg(long, default_value_t = 4096)]
    max_connections: usize,
    /// After SIGTERM, seconds during which /readyz answers 503 while requests are still
    /// served, so that a load balancer takes the replica out before its listener closes (at
    /// least its health check interval times its unhealthy threshold).
    #[arg(long, value_name = "SECONDS", default_value_t = 5)]
    drain_seconds: u64,
    /// Then, seconds that requests in flight may take to finish before the process stops.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    grace_seconds: u64,
    /// Do not reload when the policy's files change (reload with POST /v1/admin/reload).
    #[arg(long)]
    no_watch: bool,
    /// Serve a version of the policy even when its own tests (`test` blocks, as `edict test`
    /// runs them) fail. By default such a version is refused at start and on reload, like one
    /// that does not compile: the tests are the policy's own statement of what it must answer.
    #[arg(long)]
    allow_failing_tests: bool,
    /// Worker threads (default: one per core).
    #[arg(long)]
    threads: Option<usize>,
    /// Serve the site `edict doc -o DIR` wrote at /docs/ (its forms then ask this service).
    #[arg(long, value_name = "DIR")]
    docs: Option<PathBuf>,
    /// Keep every version loaded (at start and on each reload) in this folder, named by its
    /// SHA-256 as the decision log names it, so that `edict replay` can decide each logged
    /// request again under the version that answered it. A version that cannot be kept there
    /// is refused.
    #[arg(long, value_name = "DIR")]
    artifact_store: Option<PathBuf>,
}

/// `--decision-log-durability`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum LogDurability {
    Drop,
    Wait,
    Sync,
}

fn token(
    file: &Option<PathBuf>,
    env: &Option<String>,
    what: &str,
) -> Result<Option<String>, String> {
    let t = match (file, env) {
        (Some(f), _) => std::fs::read_to_string(f)
            .map_err(|e| format!("cannot read the {what} token file `{}`: {e}", f.display()))?,
        (None, Some(var)) => std::env::var(var).map_err(|_| {
            format!("the environment variable `{var}` (the {what} token) is not set")
        })?,
        (None, None) => return Ok(None),
    };
    let t = t.trim().to_string();
    if t.len() < 16 {
        return Err(format!("the {what} token is shorter than 16 characters"));
    }
    Ok(Some(t))
}

pub fn run(args: ServeArgs) -> Outcome {
    let config = match config(args) {
        Ok(c) => c,
        Err(e) => {
            stderr(&format!("error: {e}\n"));
            return Outcome::UsageOrIo;
        }
    };
    if !config.listen.ip().is_loopback() {
        stderr(&format!(
            "warning: listening on {}: other machines can connect{}\n",
            config.listen,
            if config.decision_token.is_none() {
                ", and the decision endpoints need no token"
            } else {
                ""
            }
        ));
    }
    match edict_server::serve(config) {
        Ok(()) => Outcome::Ok,
        Err(e) => {
            stderr(&format!("error: {e}\n"));
            Outcome::PolicyErrors
        }
    }
}

fn config(a: ServeArgs) -> Result<Config, String> {
    let source = match a.artifact {
        Some(f) => PolicySource::Artifact(f),
        None => PolicySource::Paths(a.paths),
    };
    let mut c = Config::new(source, a.listen);
    c.log = if a.no_decision_log {
        LogTarget::Off
    } else if a.decision_log == "stdout" || a.decision_log == "-" {
        LogTarget::Stdout
    } else {
        LogTarget::File {
            path: PathBuf::from(a.decision_log),
            max_bytes: a.log_max_bytes,
            keep: a.log_keep,
        }
    };
    c.log_queue = a.log_queue;
    c.log_durability = match a.decision_log_durability {
        LogDurability::Drop => Durability::Drop,
        LogDurability::Wait => Durability::Wait,
        LogDurability::Sync => Durability::Sync,
    };
    c.admin_token = token(&a.admin_token_file, &a.admin_token_env, "admin")?;
    c.decision_token = token(&a.decision_token_file, &a.decision_token_env, "decision")?;
    c.tls = a.tls_cert.zip(a.tls_key);
    c.limits.max_body_bytes = a.max_body_bytes;
    c.limits.max_batch_bytes = a.max_batch_bytes;
    c.limits.max_batch_lines = a.max_batch_lines;
    c.limits.idle_timeout = Duration::from_secs(a.idle_timeout.max(1));
    c.limits.max_connections = a.max_connections.max(1);
    c.limits.drain = Duration::from_secs(a.drain_seconds);
    c.limits.grace = Duration::from_secs(a.grace_seconds);
    c.watch = !a.no_watch;
    c.run_tests = !a.allow_failing_tests;
    c.threads = a.threads.map(|t| t.max(1));
    if let Some(d) = &a.docs {
        if !d.join("index.html").is_file() {
            return Err(format!(
                "`{}` holds no site: write one with `edict doc -o {}`",
                d.display(),
                d.display()
            ));
        }
    }
    c.docs = a.docs;
    c.artifact_store = a.artifact_store;
    Ok(c)
}
