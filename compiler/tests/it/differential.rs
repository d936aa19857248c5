//! Compiled tables agree with the reference interpreter on random requests, over the shipped
//! policies and over randomly generated workspaces (proptest chooses the workspaces and the
//! request streams). 100,000 requests in all by default; `EDICT_DIFF_REQUESTS` raises it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use edict_compiler::interp::Interpreter;
use edict_compiler::load::collect_files;
use edict_compiler::Analysis;
use edict_runtime::Engine;
use edict_testkit::random::{random_inputs, random_workspace};
use edict_testkit::Rng;
use proptest::prelude::*;

fn total_requests() -> usize {
    std::env::var("EDICT_DIFF_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

/// Workspaces proptest generates; the other half of the requests go to `policies/`.
const WORKSPACES: u32 = 25;

/// Runs `n` random requests per decision; returns how many were compared.
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
            let answer = engine.decide(i as u32, &inputs).unwrap();
            // The dense layout of a small table and the sparse scan answer alike.
            assert_eq!(answer, engine.decide_sparse(i as u32, &inputs).unwrap());
            let table = interp.from_table(d, &answer);
            let reference = interp.decide(&d.name, &inputs).unwrap();
            assert_eq!(
                table,
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
fn tables_agree_with_the_interpreter_on_the_shipped_policies() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut policies = Analysis::default();
    for f in collect_files(&[root.join("policies")]).unwrap() {
        policies.set_file(
            &f.display().to_string(),
            std::fs::read_to_string(&f).unwrap(),
        );
    }
    let decisions = policies.build().unwrap().decisions.len();
    let per_decision = total_requests() / 2 / decisions;
    assert_eq!(agree(&policies, per_decision, 1), per_decision * decisions);
}

/// A generated workspace with `d2_named and d2_named and d2_named` in a rule: a named
/// condition of 17 alternatives written three times. It was refused (17³ rows, past the
/// table's limit) until a condition written twice counted once; now it compiles and agrees.
#[test]
fn a_condition_written_three_times_compiles_and_agrees() {
    let mut a = Analysis::default();
    for (name, text) in random_workspace(13_974_846_184_724_645_342) {
        a.set_file(&name, text);
    }
    assert!(a
        .sources()
        .values()
        .any(|t| t.contains("when d2_named and d2_named and d2_named")));
    let per_decision = total_requests() / 2 / (WORKSPACES as usize * 3);
    assert_eq!(agree(&a, per_decision, 7), per_decision * 3);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: WORKSPACES, ..ProptestConfig::default() })]

    #[test]
    fn tables_agree_with_the_interpreter_on_random_workspaces(workspace in any::<u64>(), requests in any::<u64>()) {
        let mut a = Analysis::default();
        for (name, text) in random_workspace(workspace) {
            a.set_file(&name, text);
        }
        let errors: Vec<_> = a.diagnostics().into_iter().filter(|d| d.is_error()).collect();
        prop_assert!(errors.is_empty(), "generated workspace {} has errors: {:#?}", workspace, errors);
        // Named conditions of many alternatives, joined in one rule, can still pass the
        // table's row limit; such a workspace is refused with E0601, as documented, and
        // there is nothing to compare.
        let too_big = |d: &edict_compiler::Diagnostic| d.code == edict_compiler::Code::E0601
            && d.message.contains("table rows");
        if let Err(diags) = a.build() {
            prop_assume!(!diags.iter().all(too_big), "over the table's row limit");
        }
        let per_decision = total_requests() / 2 / (WORKSPACES as usize * 3);
        prop_assert_eq!(agree(&a, per_decision, requests), per_decision * 3);
    }
}
