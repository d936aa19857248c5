//! `decide_loop`: decides the same requests many times and nothing else, for profilers
//! (`valgrind --tool=callgrind target/release/decide_loop transit 200000`).
//!
//! `decide_loop transit|realistic|batch|realistic-batch|json|RULES [DECISIONS [DISTINCT]]`: the
//! transit decision one request at a time on the 10,000 benchmark requests or on 100,000
//! realistic ones (every entry of the catalogues, `transit::realistic_requests`), in batches of
//! either, JSON bytes in and out on the realistic requests, or the scaling family with RULES
//! rules.

use std::process::ExitCode;

use edict_bench::{family, transit};
use edict_runtime::Engine;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let what = args.first().map_or("transit", String::as_str);
    let n: usize = args
        .get(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let (engine, d, requests) = match what {
        "transit" | "batch" | "realistic" | "realistic-batch" | "json" => {
            let Some(artifact) = edict_bench::artifact(&edict_bench::policies()) else {
                eprintln!("error: policies/ does not build");
                return ExitCode::FAILURE;
            };
            let requests = match what {
                "realistic" | "realistic-batch" | "json" => {
                    transit::realistic_requests(&artifact, 100_000, 11)
                }
                _ => transit::requests(&artifact, 10_000, 7),
            };
            let requests = match requests {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let Ok(engine) = Engine::new(artifact) else {
                return ExitCode::FAILURE;
            };
            let Some(d) = engine.decision_id(transit::DECISION) else {
                return ExitCode::FAILURE;
            };
            (engine, d, requests)
        }
        rules => {
            let Ok(rules) = rules.parse::<usize>() else {
                eprintln!("usage: decide_loop transit|realistic|batch|realistic-batch|json|RULES [DECISIONS]");
                return ExitCode::FAILURE;
            };
            let Ok(artifact) = family::analysis(rules).build() else {
                return ExitCode::FAILURE;
            };
            let start = std::time::Instant::now();
            let Ok(engine) = Engine::new(artifact) else {
                return ExitCode::FAILURE;
            };
            println!(
                "{rules} rules: loaded and indexed in {:.1} ms",
                start.elapsed().as_secs_f64() * 1e3
            );
            let Some(d) = engine.decision_id(family::DECISION) else {
                return ExitCode::FAILURE;
            };
            let Some(table) = engine.decision(d) else {
                return ExitCode::FAILURE;
            };
            let requests = family::requests(engine.artifact(), table, 10_000, 3);
            (engine, d, requests)
        }
    };
    // An optional third argument keeps only that many distinct requests (all in cache).
    let mut requests = requests;
    if let Some(k) = args.get(2).and_then(|k| k.parse::<usize>().ok()) {
        requests.truncate(k.max(1));
    }
    let start = std::time::Instant::now();
    let mut matched = 0usize;
    if what == "json" {
        let bodies: Vec<Vec<u8>> = requests
            .iter()
            .filter_map(|r| serde_json::to_vec(&engine.request_json(d, r)).ok())
            .collect();
        let start = std::time::Instant::now();
        let mut out = Vec::with_capacity(1024);
        for i in 0..n {
            out.clear();
            if let Ok(a) = engine.decide_json(d, &bodies[i % bodies.len()], &mut out) {
                matched += usize::from(a.verdict != edict_runtime::Verdict::Otherwise);
            }
        }
        let ns = start.elapsed().as_secs_f64() * 1e9 / n as f64;
        println!("{what}: {n} decisions, {matched} matched, {ns:.1} ns per decision");
        return ExitCode::SUCCESS;
    }
    if what.ends_with("batch") {
        for _ in 0..n.div_ceil(requests.len()) {
            matched += engine
                .decide_batch(d, &requests)
                .iter()
                .filter(|a| {
                    a.as_ref()
                        .is_ok_and(|a| a.verdict != edict_runtime::Verdict::Otherwise)
                })
                .count();
        }
    } else {
        for i in 0..n {
            if let Ok(a) = engine.decide(d, &requests[i % requests.len()]) {
                matched += usize::from(a.verdict != edict_runtime::Verdict::Otherwise);
            }
        }
    }
    let ns = start.elapsed().as_secs_f64() * 1e9 / n as f64;
    println!("{what}: {n} decisions, {matched} matched, {ns:.1} ns per decision");
    ExitCode::SUCCESS
}
