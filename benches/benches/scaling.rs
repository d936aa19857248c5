//! Edict's time per decision on the generated scaling family: 10 to 10,000 rules in one
//! decision. (With `--features compare`, `compare.rs` times Cedar and Rego on the same.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use edict_bench::family;
use edict_runtime::{Engine, Value};

fn main() {
    divan::main();
}

fn setup(rules: usize) -> (Engine, u32, Vec<Vec<Value>>) {
    let artifact = family::analysis(rules).build().unwrap();
    let engine = Engine::new(artifact).unwrap();
    let d = engine.decision_id(family::DECISION).unwrap();
    let requests = family::requests(engine.artifact(), engine.decision(d).unwrap(), 10_000, 3);
    (engine, d, requests)
}

// A fixed sample size: divan sizes samples from a first, cold call, and one decision per
// sample measures mostly the timer.
#[divan::bench(args = family::SIZES, sample_size = 1000)]
fn edict_decide(bencher: divan::Bencher, rules: usize) {
    let (engine, d, requests) = setup(rules);
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 1) % requests.len();
        engine.decide(d, divan::black_box(&requests[i])).unwrap()
    });
}

#[divan::bench(args = family::SIZES, sample_count = 5)]
fn edict_index(bencher: divan::Bencher, rules: usize) {
    let artifact = family::analysis(rules).build().unwrap();
    bencher
        .with_inputs(|| artifact.clone())
        .bench_local_values(|a| Engine::new(a).unwrap());
}
