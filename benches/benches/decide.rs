//! Decisions on the shipped transit decision: one request, a batch, and the reference
//! interpreter on the same requests, side by side in one run; and the same decision and the
//! loading of the artifact with the hand-written catalogues the corpus had before the
//! generated reference data (`compiler/tests/diff/before`: 59 countries, 16 cities), against
//! today's (271 countries and codes, 339 cities).
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

/// The corpus before the reference data: its artifact's bytes, an engine, requests.
struct Small {
    bytes: Vec<u8>,
    engine: Engine,
    decision: u32,
    requests: Vec<Vec<Value>>,
}

fn small() -> &'static Small {
    static SMALL: OnceLock<Small> = OnceLock::new();
    SMALL.get_or_init(|| {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../compiler/tests/diff/before");
        let mut analysis = edict_compiler::Analysis::default();
        for f in edict_compiler::load::collect_files(&[root]).unwrap() {
            analysis.set_file(
                &f.display().to_string(),
                std::fs::read_to_string(&f).unwrap(),
            );
        }
        let artifact = edict_bench::artifact(&analysis).expect("the earlier corpus builds");
        let bytes = artifact.to_bytes().unwrap();
        let engine = Engine::new(artifact).unwrap();
        let decision = engine.decision_id("transit_entry").unwrap();
        let requests = edict_bench::requests(&engine, decision, 10_000, 7);
        Small {
            bytes,
            engine,
            decision,
            requests,
        }
    })
}

#[divan::bench]
fn load_and_index_the_corpus(bencher: divan::Bencher) {
    let bytes = setup().artifact.to_bytes().unwrap();
    bencher.bench_local(|| Engine::from_bytes(divan::black_box(&bytes)).unwrap());
}

#[divan::bench]
fn load_and_index_the_corpus_with_its_earlier_catalogues(bencher: divan::Bencher) {
    let s = small();
    bencher.bench_local(|| Engine::from_bytes(divan::black_box(&s.bytes)).unwrap());
}

#[divan::bench]
fn table_single_with_the_earlier_catalogues(bencher: divan::Bencher) {
    let s = small();
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 1) % s.requests.len();
        s.engine
            .decide(s.decision, divan::black_box(&s.requests[i]))
            .unwrap()
    });
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

/// The requests of `setup()` as the JSON bytes a client sends.
fn json_requests() -> &'static Vec<Vec<u8>> {
    static JSON: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    JSON.get_or_init(|| {
        let s = setup();
        s.requests
            .iter()
            .map(|r| serde_json::to_vec(&s.engine.request_json(s.decision, r)).unwrap())
            .collect()
    })
}

/// What a service does per request: JSON bytes in, decision, JSON bytes out, on the fast path
/// (`Engine::decide_json`).
#[divan::bench(sample_count = 200, sample_size = 200)]
fn json_in_json_out(bencher: divan::Bencher) {
    let s = setup();
    let requests = json_requests();
    let mut out = Vec::with_capacity(1024);
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 1) % requests.len();
        out.clear();
        s.engine
            .decide_json(s.decision, divan::black_box(&requests[i]), &mut out)
            .unwrap();
        out.len()
    });
}

/// The same through a JSON tree: `serde_json::Value`, `parse_request`, `decide`,
/// `answer_json`, `to_vec` (the path `edict eval` takes).
#[divan::bench(sample_count = 200, sample_size = 200)]
fn json_in_json_out_through_a_tree(bencher: divan::Bencher) {
    let s = setup();
    let requests = json_requests();
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 1) % requests.len();
        let json: serde_json::Value =
            serde_json::from_slice(divan::black_box(&requests[i])).unwrap();
        let inputs = s.engine.parse_request(s.decision, &json).unwrap();
        let answer = s.engine.decide(s.decision, &inputs).unwrap();
        serde_json::to_vec(&s.engine.answer_json(&answer))
            .unwrap()
            .len()
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

/// 100,000 distinct requests over every entry of the catalogues (`transit::realistic_requests`),
/// with their JSON bytes: the traffic a real service sees, which no cache holds.
struct Realistic {
    requests: Vec<Vec<Value>>,
    json: Vec<Vec<u8>>,
}

fn realistic() -> &'static Realistic {
    static REALISTIC: OnceLock<Realistic> = OnceLock::new();
    REALISTIC.get_or_init(|| {
        let s = setup();
        let requests = edict_bench::transit::realistic_requests(&s.artifact, 100_000, 11)
            .expect("realistic requests");
        let json = requests
            .iter()
            .map(|r| serde_json::to_vec(&s.engine.request_json(s.decision, r)).unwrap())
            .collect();
        Realistic { requests, json }
    })
}

/// One decision per request, each of the 100,000 realistic requests in turn.
#[divan::bench]
fn realistic_table_single(bencher: divan::Bencher) {
    let s = setup();
    let r = realistic();
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 1) % r.requests.len();
        s.engine
            .decide(s.decision, divan::black_box(&r.requests[i]))
            .unwrap()
    });
}

/// JSON bytes in, answer bytes out, on the realistic requests (the fast decoder).
#[divan::bench(sample_count = 200, sample_size = 200)]
fn realistic_json_in_json_out(bencher: divan::Bencher) {
    let s = setup();
    let r = realistic();
    let mut out = Vec::with_capacity(1024);
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 1) % r.json.len();
        out.clear();
        s.engine
            .decide_json(s.decision, divan::black_box(&r.json[i]), &mut out)
            .unwrap();
        out.len()
    });
}

/// The general path on the realistic requests: a JSON tree, `parse_request`, `decide`, the
/// answer's tree written out.
#[divan::bench(sample_count = 200, sample_size = 200)]
fn realistic_json_through_a_tree(bencher: divan::Bencher) {
    let s = setup();
    let r = realistic();
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 1) % r.json.len();
        let json: serde_json::Value = serde_json::from_slice(divan::black_box(&r.json[i])).unwrap();
        let inputs = s.engine.parse_request(s.decision, &json).unwrap();
        let answer = s.engine.decide(s.decision, &inputs).unwrap();
        serde_json::to_vec(&s.engine.answer_json(&answer))
            .unwrap()
            .len()
    });
}

/// All 100,000 realistic requests as one batch.
#[divan::bench(sample_count = 20)]
fn realistic_batch_100k(bencher: divan::Bencher) {
    let s = setup();
    let r = realistic();
    bencher
        .counter(divan::counter::ItemsCount::new(r.requests.len()))
        .bench_local(|| {
            s.engine
                .decide_batch(s.decision, divan::black_box(&r.requests))
        });
}
