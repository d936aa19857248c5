//! What every request shares: the policy version being served (swapped atomically on
//! reload), the last reload's failure, metrics, the decision log and the settings.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use arc_swap::ArcSwap;
use serde_json::{json, Value as Json};

use crate::config::Config;
use crate::log::DecisionLog;
use crate::metrics::Metrics;
use crate::policy::{rfc3339, LoadFailure, Policy};

/// A reload that was refused.
#[derive(Clone, Debug)]
pub struct ReloadError {
    pub at: SystemTime,
    pub failure: LoadFailure,
}

pub struct Shared {
    /// The version answering requests. A request loads it once and keeps it to the end, so a
    /// reload never mixes two versions in one answer.
    pub policy: ArcSwap<Policy>,
    pub last_error: Mutex<Option<ReloadError>>,
    /// One reload at a time.
    reloading: Mutex<()>,
    pub metrics: Arc<Metrics>,
    pub log: Option<DecisionLog>,
    pub config: Config,
    /// Set once shutdown began: `/readyz` answers 503 (per server, so that two servers in one
    /// process drain apart).
    pub draining: AtomicBool,
}

impl Shared {
    /// Whether the service is draining (`/readyz` says 503).
    pub fn draining(&self) -> bool {
        self.draining.load(Ordering::Relaxed)
    }

    pub fn new(
        policy: Policy,
        config: Config,
        metrics: Arc<Metrics>,
        log: Option<DecisionLog>,
    ) -> Shared {
        Shared {
            policy: ArcSwap::from_pointee(policy),
            last_error: Mutex::new(None),
            reloading: Mutex::new(()),
            metrics,
            log,
            config,
            draining: AtomicBool::new(false),
        }
    }

    /// Loads the policy again and swaps it in if it loads, validates and checks; otherwise
    /// keeps the version being served and records why. Runs on the calling thread (compiling
    /// can take a while: call it from a blocking task).
    pub fn reload(&self) -> Result<Json, LoadFailure> {
        let _one = self.reloading.lock();
        match Policy::load(&self.config) {
            Ok(p) => {
                let summary = json!({
                    "artifact_sha256": p.sha256,
                    "previous_sha256": self.policy.load().sha256,
                });
                eprintln!("edict serve: reloaded, now serving artifact {}", p.sha256);
                self.policy.store(Arc::new(p));
                self.metrics.reloads.fetch_add(1, Ordering::Relaxed);
                if let Ok(mut e) = self.last_error.lock() {
                    *e = None;
                }
                Ok(summary)
            }
            Err(failure) => {
                self.metrics.reload_failures.fetch_add(1, Ordering::Relaxed);
                eprintln!(
                    "edict serve: reload refused, still serving artifact {}: {}",
                    self.policy.load().sha256,
                    failure.message
                );
                for d in &failure.details {
                    eprintln!("  {d}");
                }
                if let Ok(mut e) = self.last_error.lock() {
                    *e = Some(ReloadError {
                        at: SystemTime::now(),
                        failure: failure.clone(),
                    });
                }
                Err(failure)
            }
        }
    }

    /// `GET /v1/policy`.
    pub fn policy_json(&self) -> Json {
        let mut j = self.policy.load().summary();
        j["source"] = match &self.config.source {
            crate::config::PolicySource::Artifact(p) => {
                json!({ "artifact": p.display().to_string() })
            }
            crate::config::PolicySource::Paths(ps) => {
                json!({ "paths": ps.iter().map(|p| p.display().to_string()).collect::<Vec<_>>() })
            }
        };
        j["last_reload_error"] = match self.last_error.lock().ok().and_then(|e| e.clone()) {
            Some(e) => json!({
                "at": rfc3339(e.at),
                "message": e.failure.message,
                "details": e.failure.details,
            }),
            None => Json::Null,
        };
        j
    }
}
