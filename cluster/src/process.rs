//! The cluster's processes: Ballista's scheduler and executor, started with Edict's plan
//! codecs so that they plan and run `edict_impact`. `edict cluster scheduler` and
//! `edict cluster executor` run these on each machine.

use std::net::SocketAddr;
use std::sync::Arc;

use ballista_executor::executor_process::{start_executor_process, ExecutorProcessConfig};
use ballista_executor::health::ExecutorHealth;
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::{create_scheduler, start_grpc_service_with_listener};
use datafusion_proto::protobuf::{LogicalPlanNode, PhysicalPlanNode};

use crate::codec::codecs;

/// Where a scheduler listens.
#[derive(Clone, Debug)]
pub struct SchedulerOptions {
    /// The address its gRPC service binds.
    pub bind: SocketAddr,
    /// The name executors and clients reach it by (default: the bound address's host).
    pub external_host: Option<String>,
}

/// Runs a scheduler until the process ends; `listening` is told the address bound (port 0
/// takes a free one).
pub async fn scheduler(
    options: SchedulerOptions,
    listening: impl FnOnce(SocketAddr),
) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(options.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", options.bind))?;
    let bound = listener
        .local_addr()
        .map_err(|e| format!("cannot listen on {}: {e}", options.bind))?;
    let (logical, physical) = codecs();
    let mut config = SchedulerConfig::default()
        .with_hostname(
            options
                .external_host
                .clone()
                .unwrap_or_else(|| bound.ip().to_string()),
        )
        .with_port(bound.port());
    config.bind_host = bound.ip().to_string();
    config.override_logical_codec = Some(logical);
    config.override_physical_codec = Some(physical);
    config.validate().map_err(|e| e.to_string())?;
    let cluster = BallistaCluster::new_from_config(&config)
        .await
        .map_err(|e| e.to_string())?;
    let server = create_scheduler::<LogicalPlanNode, PhysicalPlanNode>(cluster, Arc::new(config))
        .await
        .map_err(|e| format!("the scheduler cannot start: {e}"))?;
    listening(bound);
    start_grpc_service_with_listener(listener, server)
        .await
        .map_err(|e| format!("the scheduler stopped: {e}"))
}

/// An executor's addresses and share of the machine.
#[derive(Clone, Debug)]
pub struct ExecutorOptions {
    /// The scheduler's host and port.
    pub scheduler: (String, u16),
    /// The address its services bind (default 127.0.0.1).
    pub bind_host: String,
    /// The name the scheduler and other executors reach it by (default: the bind host).
    pub external_host: Option<String>,
    /// The port of its Arrow Flight service (shuffle data, results).
    pub flight_port: u16,
    /// The port of its gRPC service (tasks pushed by the scheduler).
    pub grpc_port: u16,
    /// Tasks run at once (default: the machine's cores).
    pub cores: usize,
    /// Where its shuffle files go (default: a temporary directory).
    pub work_dir: Option<String>,
    /// How long to wait for the scheduler at start.
    pub connect_timeout_seconds: u16,
}

/// Runs an executor until the process ends (or the scheduler asks it to stop); `ready` is
/// called once the scheduler has acknowledged it (its first heartbeat).
pub async fn executor(
    options: ExecutorOptions,
    ready: impl FnOnce() + Send + 'static,
) -> Result<(), String> {
    reach(&options.scheduler, options.connect_timeout_seconds).await?;
    let (logical, physical) = codecs();
    let external = options
        .external_host
        .clone()
        .unwrap_or_else(|| options.bind_host.clone());
    let health = ExecutorHealth::new();
    let config = ExecutorProcessConfig {
        bind_host: options.bind_host.clone(),
        external_host: Some(external),
        port: options.flight_port,
        grpc_port: options.grpc_port,
        scheduler_host: options.scheduler.0.clone(),
        scheduler_port: options.scheduler.1,
        // Reached above: Ballista 55's own wait never ends (it measures the time from an
        // `Instant` taken at each check), so it is asked to connect once.
        scheduler_connect_timeout_seconds: 0,
        vcores: options.cores,
        work_dir: options.work_dir.clone(),
        override_logical_codec: Some(logical),
        override_physical_codec: Some(physical),
        health: health.clone(),
        ..ExecutorProcessConfig::default()
    };
    tokio::spawn(async move {
        while !health.is_ready() {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        ready();
    });
    start_executor_process(Arc::new(config))
        .await
        .map_err(|e| format!("the executor stopped: {e}"))
}

/// Waits until the scheduler accepts a connection, for at most `seconds`.
async fn reach((host, port): &(String, u16), seconds: u16) -> Result<(), String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds.into());
    loop {
        match tokio::net::TcpStream::connect((host.as_str(), *port)).await {
            Ok(_) => return Ok(()),
            Err(e) if std::time::Instant::now() >= deadline => {
                return Err(format!(
                    "cannot reach the scheduler at {host}:{port} within {seconds} s: {e}; start \
                     it first with `edict cluster scheduler`, or wait longer with \
                     `--connect-timeout`"
                ))
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(250)).await,
        }
    }
}

/// Prints the cluster's warnings and errors (Ballista's and DataFusion's, by the `log`
/// facade) to standard error, one line each; quieter messages are dropped.
pub fn log_warnings() {
    struct Stderr;
    impl log::Log for Stderr {
        fn enabled(&self, m: &log::Metadata) -> bool {
            m.level() <= log::Level::Warn
        }
        fn log(&self, r: &log::Record) {
            if self.enabled(r.metadata()) {
                eprintln!(
                    "{}: {}: {}",
                    r.level().as_str().to_lowercase(),
                    r.target(),
                    r.args()
                );
            }
        }
        fn flush(&self) {}
    }
    static LOGGER: Stderr = Stderr;
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(log::LevelFilter::Warn);
    }
}
