//! One loaded version of the policy: the engine, its artifact's SHA-256, when and from what
//! it was loaded. A version is immutable; a reload makes a new one.

use std::path::Path;
use std::time::SystemTime;

use edict_compiler::Analysis;
use edict_runtime::{Artifact, Engine};
use serde_json::{json, Value as Json};

use edict_runtime::store::{hex, ArtifactStore};

use crate::config::{Config, PolicySource};

/// A policy version, ready to answer.
pub struct Policy {
    pub engine: Engine,
    /// The SHA-256 of the artifact's bytes (as `edict build` writes them), in hex.
    pub sha256: String,
    /// `"sha256":"…"}` closing an answer's JSON: spliced onto every answer.
    pub answer_suffix: Vec<u8>,
    pub loaded_at: SystemTime,
    /// How many policy files it was compiled from (none for an artifact).
    pub files: usize,
}

/// Why a version could not be loaded: a message, and the diagnostics' lines when it was
/// compiled from files.
#[derive(Clone, Debug)]
pub struct LoadFailure {
    pub message: String,
    pub details: Vec<String>,
}

impl LoadFailure {
    fn new(message: impl Into<String>) -> LoadFailure {
        LoadFailure {
            message: message.into(),
            details: Vec::new(),
        }
    }
}

impl Policy {
    /// Loads, validates (and for files, checks and compiles) a version; with `run_tests`, one
    /// whose own tests fail is refused. With an artifact store, the version is kept in it
    /// before it answers anything, and one that cannot be kept is refused: every logged
    /// decision can then be replayed under the version that made it.
    pub fn load(config: &Config) -> Result<Policy, LoadFailure> {
        let (artifact, files) = match &config.source {
            PolicySource::Artifact(path) => (read_artifact(path)?, 0),
            PolicySource::Paths(paths) => compile(paths, config.run_tests)?,
        };
        let bytes = artifact
            .to_bytes()
            .map_err(|e| LoadFailure::new(format!("cannot encode the artifact: {e}")))?;
        let sha256 = hex(&edict_runtime::artifact::sha256(&bytes));
        if let Some(dir) = &config.artifact_store {
            ArtifactStore::open(dir)
                .and_then(|s| s.put(&bytes))
                .map_err(|e| {
                    LoadFailure::new(format!(
                        "cannot keep the artifact in the store `{}`: {e}",
                        dir.display()
                    ))
                })?;
        }
        let engine = Engine::new(artifact)
            .map_err(|e| LoadFailure::new(format!("the artifact is not valid: {e}")))?;
        let answer_suffix = format!(",\"artifact_sha256\":\"{sha256}\"}}").into_bytes();
        Ok(Policy {
            engine,
            sha256,
            answer_suffix,
            loaded_at: SystemTime::now(),
            files,
        })
    }

    /// What `GET /v1/policy` shows of this version.
    pub fn summary(&self) -> Json {
        let a = self.engine.artifact();
        let sources: Vec<Json> = a
            .sources
            .iter()
            .map(|s| {
                json!({
                    "name": s.name,
                    "title": s.title,
                    "published": s.published.map(edict_runtime::value::format_date),
                    "effective": s.effective.map(edict_runtime::value::format_date),
                    "url": s.url,
                })
            })
            .collect();
        json!({
            "artifact_sha256": self.sha256,
            "loaded_at": rfc3339(self.loaded_at),
            "files": self.files,
            "sources": sources,
            "counts": {
                "decisions": a.decisions.len(),
                "rules": a.decisions.iter().map(|d| d.rules.len()).sum::<usize>(),
                "sets": a.sets.len(),
                "values": a.values.len(),
                "entity_types": a.catalogue.entity_types.len(),
                "entities": a.catalogue.entity_types.iter().map(|t| t.entities.len()).sum::<usize>(),
            },
        })
    }
}

fn read_artifact(path: &Path) -> Result<Artifact, LoadFailure> {
    let bytes = std::fs::read(path)
        .map_err(|e| LoadFailure::new(format!("cannot read `{}`: {e}", path.display())))?;
    let loaded = if bytes.first() == Some(&b'{') {
        String::from_utf8(bytes)
            .map_err(|_| edict_runtime::LoadError::NotAnArtifact)
            .and_then(|t| Artifact::from_json(&t))
    } else {
        Artifact::from_bytes(&bytes)
    };
    loaded.map_err(|e| LoadFailure::new(format!("cannot load `{}`: {e}", path.display())))
}

fn compile(
    paths: &[std::path::PathBuf],
    run_tests: bool,
) -> Result<(Artifact, usize), LoadFailure> {
    // The workspace the paths name, found as every command finds it (a file: its whole
    // workspace).
    let files = edict_compiler::workspaces::find_one(paths, "serve")
        .map_err(LoadFailure::new)?
        .files;
    if files.is_empty() {
        return Err(LoadFailure::new("no `.edict` files found"));
    }
    let mut analysis = Analysis::default();
    for f in &files {
        let bytes = std::fs::read(f)
            .map_err(|e| LoadFailure::new(format!("cannot read `{}`: {e}", f.display())))?;
        analysis.set_file_bytes(&f.display().to_string(), bytes);
    }
    match analysis.build() {
        Ok(a) if run_tests => {
            tested(&analysis, &a)?;
            Ok((a, files.len()))
        }
        Ok(a) => Ok((a, files.len())),
        Err(diags) => {
            let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
            let sources = analysis.sources();
            let line = |d: &edict_compiler::Diagnostic| {
                let text = sources.get(&d.primary.file).map_or("", String::as_str);
                let (l, c) = edict_compiler::render::line_col(text, d.primary.span.start as usize);
                format!(
                    "{}:{l}:{c}: {} {}",
                    d.primary.file,
                    d.code.as_str(),
                    d.message
                )
            };
            Err(LoadFailure {
                message: format!(
                    "the policy does not compile: {} error{}",
                    errors.len(),
                    if errors.len() == 1 { "" } else { "s" }
                ),
                details: errors.iter().take(20).map(|d| line(d)).collect(),
            })
        }
    }
}

/// The policy's own tests, run as `edict test` runs them: a failure refuses the version, with
/// each failing test named and located.
fn tested(analysis: &Analysis, artifact: &Artifact) -> Result<(), LoadFailure> {
    let engine = Engine::new(artifact.clone())
        .map_err(|e| LoadFailure::new(format!("the artifact is not valid: {e}")))?;
    let results = edict_compiler::testing::run_tests(&analysis.lowerer(), &engine);
    let failed: Vec<_> = results.iter().filter(|r| !r.passed()).collect();
    if failed.is_empty() {
        return Ok(());
    }
    Err(LoadFailure {
        message: format!(
            "the policy's own tests fail: {} of {} (`edict test` says which and why; `--allow-failing-tests` serves such a version anyway)",
            failed.len(),
            results.len()
        ),
        details: failed
            .iter()
            .take(20)
            .map(|r| {
                let first = r.failures.first().map_or(String::new(), |f| {
                    format!(": {}: expected {}, got {}", f.what, f.expected, f.actual)
                });
                format!(
                    "{}:{}:{}: test `{}` of `{}`{first}",
                    r.file, r.line, r.column, r.name, r.decision
                )
            })
            .collect(),
    })
}

/// A time as RFC 3339 in UTC, to the millisecond.
pub fn rfc3339(t: SystemTime) -> String {
    let d = t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() as i64;
    let day = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}.{:03}Z",
        edict_runtime::value::format_date(day),
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}
