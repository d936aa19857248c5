//! Fuzz target: build and evaluate generated workspaces on arbitrary requests, and require the
//! tables to agree with the reference interpreter.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: (u64, u64)| {
    let (workspace, requests) = data;
    let mut analysis = edict_compiler::Analysis::default();
    for (name, text) in edict_testkit_random(workspace) {
        analysis.set_file(&name, text);
    }
    let Ok(artifact) = analysis.build() else { return };
    let engine = edict_runtime::Engine::new(artifact.clone()).expect("a built artifact loads");
    let lowerer = analysis.lowerer();
    let interp = edict_compiler::interp::Interpreter::new(&lowerer, &artifact);
    let mut rng = edict_testkit::Rng::new(requests);
    for (i, d) in artifact.decisions.iter().enumerate() {
        for _ in 0..20 {
            let inputs = edict_testkit::random::random_inputs(&artifact, d, &mut rng);
            let table = engine.decide(i as u32, &inputs).expect("valid inputs decide");
            let reference = interp.decide(&d.name, &inputs).expect("the interpreter decides");
            assert_eq!(interp.from_table(d, &table), reference);
            let _ = engine.explain(i as u32, &inputs);
        }
    }
    let _ = engine.verify();
});

fn edict_testkit_random(seed: u64) -> Vec<(String, String)> {
    edict_testkit::random::random_workspace(seed)
}
