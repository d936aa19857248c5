//! Shared set-up for the benchmarks: the shipped policies, the generated scaling family,
//! requests, timing, and (with the `compare` feature) the same decisions in Cedar and Rego.

use std::path::Path;

use edict_compiler::load::collect_files;
use edict_compiler::Analysis;
use edict_runtime::{Artifact, Engine, Value};
use edict_testkit::random::random_inputs;
use edict_testkit::Rng;

#[cfg(feature = "compare")]
pub mod cedar;
#[cfg(feature = "compare")]
pub mod compare;
pub mod family;
pub mod measure;
#[cfg(feature = "compare")]
pub mod rego;
pub mod transit;

/// The shipped `policies/` workspace, checked.
pub fn policies() -> Analysis {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("policies");
    let mut analysis = Analysis::default();
    for f in collect_files(&[root]).unwrap_or_default() {
        if let Ok(text) = std::fs::read_to_string(&f) {
            analysis.set_file(&f.display().to_string(), text);
        }
    }
    analysis
}

/// The artifact of an analysis, or nothing when it does not build.
pub fn artifact(analysis: &Analysis) -> Option<Artifact> {
    analysis.build().ok()
}

/// `n` random requests for a decision, deterministic.
pub fn requests(engine: &Engine, decision: u32, n: usize, seed: u64) -> Vec<Vec<Value>> {
    let mut rng = Rng::new(seed);
    let a = engine.artifact();
    match a.decisions.get(decision as usize) {
        Some(d) => (0..n).map(|_| random_inputs(a, d, &mut rng)).collect(),
        None => Vec::new(),
    }
}

/// The file of this crate's `policies/` folder (the Cedar and Rego policies), read.
pub fn bench_policy(name: &str) -> Result<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("policies")
        .join(name);
    std::fs::read_to_string(&path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))
}

/// The text of a column, for messages.
pub fn column_name(col: &edict_runtime::artifact::Column) -> String {
    edict_runtime::column_text(col)
}

/// A one-line edit of a generated rule file: its first stay limit (`... - t.arrival <= 48h`)
/// becomes `hours`.
pub fn edit_limit(text: &str, hours: usize) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(text.len() + 8);
    let mut done = false;
    for line in text.lines() {
        match line.find("t.arrival <= ") {
            Some(at) if !done => {
                let _ = write!(out, "{}t.arrival <= {hours}h", &line[..at]);
                done = true;
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}
