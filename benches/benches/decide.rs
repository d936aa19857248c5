//! Decisions on the shipped transit decision: one request, a batch, and the reference
//! interpreter on the same requests, side by side in one run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use edict_compiler::interp::Interpreter;
use edict_runtime::{Artifact, Engine, Value};

struct Setup {
    artifact: Artifact,
    engine: Engine,
    decision: u32,
    requests: Vec<Vec<Value>>,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let analysis = edict_bench::policies();
        let artifact = edict_bench::artifact(&analysis).expect("policies/ builds");
        let engine = Engine::new(artifact.clone()).unwrap();
        let decision = engine
            .decision_id("transit_entry")
            .expect("a `transit_entry` decision");
        let requests = edict_bench::requests(&engine, decision, 10_000, 7);
        Setup {
            artifact,
            engine,
            decision,
            requests,
        }
    })
}

fn main() {
    divan::main();
}

#[divan::bench]
fn table_single(bencher: divan::Bencher) {
    let s = setup();
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 1) % s.requests.len();
        s.engine
            .decide(s.decision, divan::black_box(&s.requests[i]))
            .unwrap()
    });
}

#[divan::bench]
fn table_batch_10k(bencher: divan::Bencher) {
    let s = setup();
    bencher
        .counter(divan::counter::ItemsCount::new(s.requests.len()))
        .bench_local(|| {
            s.engine
                .decide_batch(s.decision, divan::black_box(&s.requests))
        });
}

#[divan::bench]
fn interpreter_single(bencher: divan::Bencher) {
    let s = setup();
    let analysis = edict_bench::policies();
    let lowerer = analysis.lowerer();
    let interp = Interpreter::new(&lowerer, &s.artifact);
    let name = s.artifact.decisions[s.decision as usize].name.clone();
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 1) % s.requests.len();
        interp
            .decide(&name, divan::black_box(&s.requests[i]))
            .unwrap()
    });
}
