//! `edict cluster scheduler` and `edict cluster executor`: the processes of a DataFusion
//! Ballista cluster that knows Edict's functions, for `edict impact --cluster` (docs/impact.md).

use std::net::SocketAddr;
use std::path::PathBuf;

use edict_cluster::process::{self, ExecutorOptions, SchedulerOptions};

use crate::output::stderr;
use crate::Outcome;

#[derive(clap::Subcommand)]
pub enum Role {
    /// Plan jobs and hand their tasks to executors.
    Scheduler {
        /// The address to listen on (gRPC, for clients and executors).
        #[arg(long, default_value = "127.0.0.1:50050")]
        bind: SocketAddr,
        /// The host name executors and clients reach this machine by.
        #[arg(long)]
        external_host: Option<String>,
    },
    /// Run tasks: decide and count partitions of a table.
    Executor {
        /// The scheduler, as HOST:PORT.
        #[arg(long, default_value = "127.0.0.1:50050")]
        scheduler: String,
        /// The address its services bind.
        #[arg(long, default_value = "127.0.0.1")]
        bind_host: String,
        /// The host name the scheduler and the other executors reach this machine by.
        #[arg(long)]
        external_host: Option<String>,
        /// The port of its Arrow Flight service (shuffle data and results).
        #[arg(long, default_value_t = 50051)]
        flight_port: u16,
        /// The port of its gRPC service (tasks from the scheduler).
        #[arg(long, default_value_t = 50052)]
        grpc_port: u16,
        /// Tasks at once (default: the machine's cores).
        #[arg(long)]
        cores: Option<usize>,
        /// Where its shuffle files go (default: a temporary directory).
        #[arg(long)]
        work_dir: Option<PathBuf>,
        /// Seconds to wait for the scheduler at start.
        #[arg(long, default_value_t = 30)]
        connect_timeout: u16,
    },
}

pub fn run(role: Role) -> Outcome {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            stderr(&format!("error: cannot start the runtime: {e}\n"));
            return Outcome::UsageOrIo;
        }
    };
    process::log_warnings();
    let done = match role {
        Role::Scheduler {
            bind,
            external_host,
        } => rt.block_on(process::scheduler(
            SchedulerOptions {
                bind,
                external_host,
            },
            |at| stderr(&format!("edict cluster scheduler listening on {at}\n")),
        )),
        Role::Executor {
            scheduler,
            bind_host,
            external_host,
            flight_port,
            grpc_port,
            cores,
            work_dir,
            connect_timeout,
        } => {
            let Some((host, port)) = scheduler
                .rsplit_once(':')
                .and_then(|(h, p)| p.parse::<u16>().ok().map(|p| (h.to_string(), p)))
            else {
                stderr(&format!(
                    "error: `--scheduler {scheduler}`: write HOST:PORT, such as 127.0.0.1:50050\n"
                ));
                return Outcome::UsageOrIo;
            };
            stderr(&format!(
                "edict cluster executor: scheduler {host}:{port}, flight {bind_host}:{flight_port}, \
                 grpc {bind_host}:{grpc_port}\n"
            ));
            let executor = ExecutorOptions {
                scheduler: (host, port),
                bind_host,
                external_host,
                flight_port,
                grpc_port,
                cores: cores
                    .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
                work_dir: work_dir.map(|p| p.to_string_lossy().into_owned()),
                connect_timeout_seconds: connect_timeout,
            };
            rt.block_on(process::executor(executor, || {
                stderr("edict cluster executor ready: the scheduler has registered it\n")
            }))
        }
    };
    match done {
        Ok(()) => Outcome::Ok,
        Err(e) => {
            stderr(&format!("error: {e}\n"));
            Outcome::UsageOrIo
        }
    }
}
