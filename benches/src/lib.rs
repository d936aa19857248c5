//! Shared set-up for the benchmarks: loading the shipped policies and making requests.

use std::path::Path;

use edict_compiler::load::collect_files;
use edict_compiler::Analysis;
use edict_runtime::{Artifact, Engine, Value};
use edict_testkit::random::random_inputs;
use edict_testkit::Rng;

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
