//! Compiled tables agree with the reference interpreter on random requests, over the shipped
//! policies and over randomly generated workspaces. `EDICT_DIFF_REQUESTS` raises the count
//! (default 100,000 in all).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use edict_compiler::interp::Interpreter;
use edict_compiler::load::collect_files;
use edict_compiler::Analysis;
use edict_runtime::Engine;
use edict_testkit::random::{random_inputs, random_workspace};
use edict_testkit::Rng;

fn total_requests() -> usize {
    std::env::var("EDICT_DIFF_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

/// Runs `n` random requests per decision and returns how many were compared.
fn agree(analysis: &Analysis, n: usize, seed: u64) -> usize {
    let artifact = analysis
        .build()
        .unwrap_or_else(|d| panic!("does not build: {d:#?}"));
    let engine = Engine::new(artifact.clone()).unwrap();
    let lowerer = analysis.lowerer();
    let interp = Interpreter::new(&lowerer, &artifact);
    let mut rng = Rng::new(seed);
    let mut compared = 0;
    for (i, d) in artifact.decisions.iter().enumerate() {
        for _ in 0..n {
            let inputs = random_inputs(&artifact, d, &mut rng);
            let table = engine.decide(i as u32, &inputs).unwrap();
            let (day, reference) = interp.decide(&d.name, &inputs).unwrap();
            assert_eq!(table.day, day);
            assert_eq!(
                table.verdict,
                reference,
                "decision `{}` disagrees on {inputs:?}\n{}",
                d.name,
                engine.explanation_text(&engine.explain(i as u32, &inputs).unwrap())
            );
            compared += 1;
        }
    }
    compared
}

#[test]
fn tables_agree_with_the_interpreter() {
    let total = total_requests();
    let mut compared = 0;

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut policies = Analysis::default();
    for f in collect_files(&[root.join("policies")]).unwrap() {
        policies.set_file(
            &f.display().to_string(),
            std::fs::read_to_string(&f).unwrap(),
        );
    }
    let decisions = policies
        .build()
        .map(|a| a.decisions.len())
        .unwrap_or(1)
        .max(1);
    compared += agree(&policies, total / 2 / decisions, 1);

    let workspaces = 25u64;
    for seed in 0..workspaces {
        let mut a = Analysis::default();
        for (name, text) in random_workspace(seed) {
            a.set_file(&name, text);
        }
        let errors: Vec<_> = a
            .diagnostics()
            .into_iter()
            .filter(|d| d.is_error())
            .collect();
        assert!(
            errors.is_empty(),
            "generated workspace {seed} has errors: {errors:#?}"
        );
        compared += agree(&a, total / 2 / (workspaces as usize * 3), seed + 100);
    }
    assert!(
        compared >= total * 9 / 10,
        "only {compared} requests compared"
    );
}
