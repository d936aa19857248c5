//! `edict replay`: a decision log decided again, line by line, under the versions that
//! answered it (from the artifact store `edict serve --artifact-store` keeps), and with
//! `--under` under a new version. The exit status is 1 when any line was answered otherwise
//! than logged or could not be replayed, so a scheduled audit can alarm on it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use edict_impact::replay::{self, render, Target};
use edict_runtime::store::{hex, ArtifactStore};

use crate::output::{stderr, stdout};
use crate::Outcome;

/// How `edict replay` prints.
#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum ReplayFormat {
    /// Readable text.
    Human,
    /// Markdown, for an audit record or a pull request.
    Md,
    /// One JSON document with every count and every difference.
    Json,
}

#[derive(clap::Args)]
pub struct ReplayArgs {
    /// Decision log files, or folders of them (rotated files are read oldest first).
    #[arg(required = true)]
    logs: Vec<PathBuf>,
    /// The artifact store the service kept (`edict serve --artifact-store DIR`).
    #[arg(long, value_name = "DIR")]
    store: PathBuf,
    /// Also decide every request under this version (policy files, a folder or an artifact),
    /// and count what it would answer differently, by the diff's citations.
    #[arg(long, value_name = "PATH")]
    under: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ReplayFormat::Human)]
    format: ReplayFormat,
    /// Worker threads (default: the machine's cores).
    #[arg(long)]
    jobs: Option<usize>,
}

pub fn run(args: ReplayArgs, color: bool) -> Outcome {
    let store = match ArtifactStore::existing(&args.store) {
        Ok(s) => s,
        Err(e) => {
            stderr(&format!(
                "error: cannot open the artifact store: {e}\n  = hint: `edict serve --artifact-store {}` keeps one\n",
                args.store.display()
            ));
            return Outcome::UsageOrIo;
        }
    };
    let target = match args.under.as_deref().map(|p| under(p, color)).transpose() {
        Ok(t) => t,
        Err(o) => return o,
    };
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let progress = Arc::new(edict_impact::Progress::default());
    let bar = crate::progress::Bar::start(
        "replay",
        "lines",
        Arc::clone(&progress),
        None,
        Some(replay::total_bytes(&args.logs)),
    );
    let replayed = replay::replay(&args.logs, &store, target.as_ref(), jobs, &progress);
    drop(bar);
    let report = match replayed {
        Ok(r) => r,
        Err(e) => {
            stderr(&format!("error: {e}\n"));
            return Outcome::UsageOrIo;
        }
    };
    match args.format {
        ReplayFormat::Human => stdout(&render::human(&report)),
        ReplayFormat::Md => stdout(&render::markdown(&report)),
        ReplayFormat::Json => stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&render::json(&report)).unwrap_or_default()
        )),
    }
    if report.clean() {
        Outcome::Ok
    } else {
        Outcome::PolicyErrors
    }
}

/// The version `--under` names, with its SHA-256 as `edict serve` would report it.
fn under(path: &Path, color: bool) -> Result<Target, Outcome> {
    let engine = crate::diff::side(path, color)?;
    let bytes = engine.artifact().to_bytes().map_err(|e| {
        stderr(&format!("error: cannot encode the new version: {e}\n"));
        Outcome::UsageOrIo
    })?;
    Ok(Target {
        sha256: hex(&edict_runtime::artifact::sha256(&bytes)),
        engine: Arc::new(engine),
    })
}
