//! `edict serve`: the decision service. Border systems ask over HTTP; answers come from an
//! immutable policy version held behind an atomic pointer, swapped whole on reload.
//!
//! - [`config`]: what the service is told.
//! - [`policy`]: one loaded version (engine, artifact SHA-256).
//! - [`state`]: what requests share; reloads.
//! - [`api`]: the routes and their handlers; [`problem`]: errors as RFC 9457 problems.
//! - [`net`]: connections (TLS, idle timeout, drain); [`watch`]: reload on change.
//! - [`log`]: the decision log; [`metrics`]: Prometheus metrics; [`openapi`]: the API's
//!   description. The API is documented in `docs/serve.md`.

pub mod api;
pub mod config;
pub mod log;
pub mod metrics;
pub mod net;
pub mod openapi;
pub mod policy;
pub mod problem;
pub mod state;
pub mod watch;

use std::sync::Arc;
use std::time::Duration;

pub use config::{Config, Durability, Limits, LogTarget, PolicySource};

/// Runs the service until SIGTERM or Ctrl-C; then drains and flushes the decision log.
/// Errors (the first policy does not load, the address is taken) are returned before
/// anything is served.
pub fn serve(config: Config) -> Result<(), String> {
    let first = policy::Policy::load(&config).map_err(|f| {
        let mut msg = f.message;
        for d in f.details {
            msg.push_str(&format!("\n  {d}"));
        }
        msg
    })?;
    let metrics = Arc::new(metrics::Metrics::default());
    let (log, writer) = match log::DecisionLog::start(
        &config.log,
        config.log_queue,
        config.log_durability,
        Arc::clone(&metrics),
    )? {
        Some((l, w)) => (Some(l), Some(w)),
        None => (None, None),
    };
    let tls = match &config.tls {
        Some((cert, key)) => Some(net::tls_acceptor(cert, key)?),
        None => None,
    };
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = config.threads {
        rt.worker_threads(n.max(1));
    }
    let rt = rt
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let listen = config.listen;
    let watch = config.watch;
    let (drain, grace) = (config.limits.drain, config.limits.grace);
    let scheme = if tls.is_some() { "https" } else { "http" };
    let sha = first.sha256.clone();
    let decisions = first.engine.artifact().decisions.len();
    let shared = Arc::new(state::Shared::new(first, config, metrics, log));
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let bound = listener.local_addr().map_err(|e| e.to_string())?;
        let _watcher = if watch {
            Some(watch::start(Arc::clone(&shared))?)
        } else {
            None
        };
        eprintln!(
            "edict serve: listening on {scheme}://{bound}, serving artifact {sha} ({decisions} decision{})",
            if decisions == 1 { "" } else { "s" }
        );
        net::serve(Arc::clone(&shared), listener, tls, shutdown_signal(), drain, grace).await;
        Ok::<(), String>(())
    })?;
    // Dropping the last handle closes the log's queue; the writer drains it.
    drop(shared);
    rt.shutdown_timeout(Duration::from_secs(5));
    if let Some(w) = writer {
        w.finish();
    }
    eprintln!("edict serve: stopped");
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    eprintln!("edict serve: shutting down, finishing requests in flight");
}
