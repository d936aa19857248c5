//! `report`: runs every comparison once, prints the numbers BENCHMARKS.md quotes, and writes
//! them to `benches/results/results.json` for `benches/plot.py`.
//!
//! `cargo run --release -p edict-bench --features compare --bin report [-- --quick]`

use std::fmt::Write as _;
use std::process::ExitCode;

use edict_bench::compare::Side;
use edict_bench::family;
use edict_bench::measure::{median_ns, once_ms};
use edict_runtime::Engine;
use serde_json::{json, Value as Json};

fn main() -> ExitCode {
    let quick = std::env::args().any(|a| a == "--quick");
    match run(quick) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Per-decision medians of the three engines on a side, over up to `n` of its requests.
/// A side's requests checked for agreement among the three engines, with the time each step
/// took on standard error.
fn agreed(
    label: &str,
    side: impl FnOnce() -> Result<Side, String>,
) -> Result<(Side, edict_bench::compare::Agreement), String> {
    let (ms, side) = once_ms(side);
    let mut side = side?;
    let (check_ms, agreement) = once_ms(|| side.check_agreement(None));
    let agreement = agreement?;
    eprintln!(
        "{label}: set up in {ms:.0} ms; {} requests agree ({} eligible) in {check_ms:.0} ms",
        agreement.requests, agreement.matched
    );
    Ok((side, agreement))
}

/// Median nanoseconds per decision of a transit side.
struct Timed {
    edict: f64,
    cedar: f64,
    rego: f64,
    batch: f64,
}

/// The three engines one request at a time, then Edict's `decide_batch` over all requests.
fn time_transit(side: &mut Side, samples: usize, cedar_n: usize, rego_n: usize) -> Timed {
    let [edict, cedar, rego] = time_side(side, samples, cedar_n, rego_n);
    let d = side.decision;
    let batch = median_ns(samples, 200, side.requests.len(), || {
        std::hint::black_box(
            side.engine
                .decide_batch(d, std::hint::black_box(&side.requests)),
        );
    });
    Timed {
        edict,
        cedar,
        rego,
        batch,
    }
}

fn time_side(side: &mut Side, samples: usize, cedar_n: usize, rego_n: usize) -> [f64; 3] {
    let d = side.decision;
    let all = side.requests.len();
    let edict = median_ns(samples, 200, all, || {
        for r in &side.requests {
            std::hint::black_box(side.engine.decide(d, std::hint::black_box(r)).ok());
        }
    });
    let cn = cedar_n.min(all);
    let cedar = median_ns(samples, 200, cn, || {
        for r in &side.cedar_requests[..cn] {
            std::hint::black_box(side.cedar.allowed(std::hint::black_box(r)));
        }
    });
    let rn = rego_n.min(all);
    let inputs = side.rego_inputs[..rn].to_vec();
    let rego = median_ns(samples, 200, rn, || {
        for i in &inputs {
            std::hint::black_box(side.rego.eval(std::hint::black_box(i)).ok());
        }
    });
    [edict, cedar, rego]
}

fn run(quick: bool) -> Result<(), String> {
    let samples = if quick { 3 } else { 11 };
    let mut md = String::new();
    let mut results = serde_json::Map::new();
    results.insert("machine".into(), json!(machine()));

    // 1. The transit decision, side by side.
    let (mut side, agreement) = agreed("transit", || Side::transit(10_000, 7))?;
    let Timed {
        edict,
        cedar,
        rego,
        batch,
    } = time_transit(&mut side, samples, 2_000, 2_000);
    let _ = writeln!(
        md,
        "transit_entry, {} requests ({} eligible), all three agree\n\n| engine | median per decision | Edict is faster by |\n|---|---|---|\n| Edict (decide) | {} | |\n| Edict (decide_batch) | {} ({:.1} M decisions/s) | |\n| Cedar | {} | {:.0}x |\n| Rego (regorus) | {} | {:.0}x |\n",
        agreement.requests,
        agreement.matched,
        fmt_ns(edict),
        fmt_ns(batch),
        1e3 / batch,
        fmt_ns(cedar),
        cedar / edict,
        fmt_ns(rego),
        rego / edict
    );
    results.insert(
        "transit".into(),
        json!({
            "requests": agreement.requests, "eligible": agreement.matched,
            "edict_ns": edict, "edict_batch_ns": batch, "cedar_ns": cedar, "rego_ns": rego,
            "cedar_ratio": cedar / edict, "rego_ratio": rego / edict,
            "batch_decisions_per_s": 1e9 / batch,
        }),
    );
    drop(side);

    // 1b. The same on realistic traffic: 100,000 distinct requests over every entry of the
    // catalogues, each decided once per pass; JSON in and out on the same requests.
    let (mut side, agreement) =
        agreed("realistic transit", || Side::transit_realistic(100_000, 11))?;
    let Timed {
        edict,
        cedar,
        rego,
        batch,
    } = time_transit(&mut side, samples, 100_000, 20_000);
    let d = side.decision;
    let all = side.requests.len();
    let bodies: Vec<Vec<u8>> = side
        .requests
        .iter()
        .map(|r| side.engine.request_json(d, r).to_string().into_bytes())
        .collect();
    let bytes = bodies.iter().map(Vec::len).sum::<usize>() / all.max(1);
    let mut out = Vec::with_capacity(512);
    let json_fast = median_ns(samples, 200, all, || {
        for b in &bodies {
            out.clear();
            std::hint::black_box(
                side.engine
                    .decide_json(d, std::hint::black_box(b), &mut out)
                    .ok(),
            );
        }
    });
    let json_general = median_ns(samples, 200, all, || {
        for b in &bodies {
            let answer = serde_json::from_slice::<Json>(std::hint::black_box(b))
                .ok()
                .and_then(|j| side.engine.parse_request(d, &j).ok())
                .and_then(|inputs| side.engine.decide(d, &inputs).ok())
                .map(|a| serde_json::to_vec(&side.engine.answer_json(&a)));
            std::hint::black_box(answer);
        }
    });
    let _ = writeln!(
        md,
        "transit_entry on realistic traffic: {} distinct requests over every catalogue entry ({} eligible, {:.1}%), all three agree\n\n| engine | median per decision | Edict is faster by |\n|---|---|---|\n| Edict (decide) | {} | |\n| Edict (decide_batch) | {} ({:.1} M decisions/s) | |\n| Edict (decide_json: {bytes}-byte request to answer bytes) | {} | |\n| Edict (general path: JSON tree, parse_request, decide, answer tree) | {} | |\n| Cedar | {} | {:.0}x |\n| Rego (regorus, first 20,000) | {} | {:.0}x |\n",
        agreement.requests,
        agreement.matched,
        100.0 * agreement.matched as f64 / agreement.requests.max(1) as f64,
        fmt_ns(edict),
        fmt_ns(batch),
        1e3 / batch,
        fmt_ns(json_fast),
        fmt_ns(json_general),
        fmt_ns(cedar),
        cedar / edict,
        fmt_ns(rego),
        rego / edict
    );
    results.insert(
        "transit_realistic".into(),
        json!({
            "requests": agreement.requests, "eligible": agreement.matched,
            "edict_ns": edict, "edict_batch_ns": batch, "cedar_ns": cedar, "rego_ns": rego,
            "cedar_ratio": cedar / edict, "rego_ratio": rego / edict,
            "batch_decisions_per_s": 1e9 / batch,
            "json_fast_ns": json_fast, "json_general_ns": json_general, "request_bytes": bytes,
        }),
    );
    drop(side);

    // 2. Scaling.
    let _ = writeln!(
        md,
        "scaling family (one decision, `hit first`)\n\n| rules | agreed on | Edict | Cedar | Rego | Cedar/Edict | Rego/Edict | Edict index build |\n|---|---|---|---|---|---|---|---|"
    );
    let mut scaling = Vec::new();
    for rules in family::SIZES {
        let (n, check, cn, rn) = match rules {
            10 | 100 => (10_000, 2_000, 2_000, 1_000),
            1_000 => (10_000, 300, 300, 100),
            _ => (10_000, if quick { 20 } else { 100 }, 30, 10),
        };
        let (_, side) = once_ms(|| Side::family(rules, n, 3));
        let mut side = side?;
        let artifact = side.engine.artifact().clone();
        let (index_ms, engine) = once_ms(|| Engine::new(artifact));
        engine.map_err(|e| e.to_string())?;
        let agreement = side.check_agreement(Some(check))?;
        let [edict, cedar, rego] = time_side(&mut side, samples.min(5), cn, rn);
        eprintln!(
            "{rules} rules: agree on {} ({} matched); edict {} cedar {} rego {}",
            agreement.requests,
            agreement.matched,
            fmt_ns(edict),
            fmt_ns(cedar),
            fmt_ns(rego)
        );
        let _ = writeln!(
            md,
            "| {rules} | {} ({} matched) | {} | {} | {} | {:.0}x | {:.0}x | {index_ms:.0} ms |",
            agreement.requests,
            agreement.matched,
            fmt_ns(edict),
            fmt_ns(cedar),
            fmt_ns(rego),
            cedar / edict,
            rego / edict
        );
        scaling.push(json!({
            "rules": rules, "agreed": agreement.requests, "matched": agreement.matched,
            "edict_ns": edict, "cedar_ns": cedar, "rego_ns": rego, "index_ms": index_ms,
        }));
    }
    if let (Some(first), Some(last)) = (scaling.first(), scaling.last()) {
        let growth =
            last["edict_ns"].as_f64().unwrap_or(0.0) / first["edict_ns"].as_f64().unwrap_or(1.0);
        let _ = writeln!(md, "\nEdict, 10 → 10,000 rules: {growth:.2}x\n");
    }
    results.insert("scaling".into(), Json::Array(scaling));

    // 3. The toolchain on the 10,000-rule workspace of `edict-synth --rules 10000`.
    let files = edict_testkit::generate(&edict_testkit::Shape::with_rules(10_000));
    let runs = if quick { 1 } else { 3 };
    let mut cold_check = Vec::new();
    let mut cold_build = Vec::new();
    let mut index = Vec::new();
    for _ in 0..runs {
        let (ms, analysis) = once_ms(|| {
            let mut analysis = edict_compiler::Analysis::default();
            for (name, text) in &files {
                analysis.set_file(name, text.clone());
            }
            let diags = analysis.diagnostics();
            (analysis, diags)
        });
        let (_, diags) = analysis;
        if diags.iter().any(|d| d.is_error()) {
            return Err("the 10,000-rule workspace has errors".into());
        }
        cold_check.push(ms);
        let (ms, artifact) = once_ms(|| {
            let mut analysis = edict_compiler::Analysis::default();
            for (name, text) in &files {
                analysis.set_file(name, text.clone());
            }
            analysis.build().map(|a| {
                let bytes = a.to_bytes();
                (a, bytes)
            })
        });
        let (artifact, _bytes) = artifact.map_err(|_| "the workspace does not build")?;
        cold_build.push(ms);
        let (ms, engine) = once_ms(|| Engine::new(artifact));
        engine.map_err(|e| e.to_string())?;
        index.push(ms);
    }
    // Incremental: one line of one rule file edited, then every diagnostic again.
    let mut analysis = edict_compiler::Analysis::default();
    for (name, text) in &files {
        analysis.set_file(name, text.clone());
    }
    let _ = analysis.diagnostics();
    let (name, text) = files
        .iter()
        .find(|(n, _)| n == "rules_0042.edict")
        .ok_or("no rules_0042.edict")?;
    let mut incremental = Vec::new();
    for i in 0..(if quick { 3 } else { 11 }) {
        // Change a stay limit: `<= 24h` style lines become `<= 1000h`, `<= 1001h`, ...
        let edited = edict_bench::edit_limit(text, 1000 + i);
        let (ms, diags) = once_ms(|| {
            analysis.set_file(name, edited);
            analysis.diagnostics()
        });
        if diags.iter().any(|d| d.is_error()) {
            return Err("the edit broke the workspace".into());
        }
        incremental.push(ms);
    }
    let cold = median(&mut cold_check);
    let build = median(&mut cold_build);
    let idx = median(&mut index);
    let inc = median(&mut incremental);
    let _ = writeln!(
        md,
        "toolchain, 10,000 rules (20 decisions)\n\n| step | median |\n|---|---|\n| cold check | {cold:.0} ms |\n| cold build (check, lower, encode) | {build:.0} ms |\n| load and index (Engine::new) | {idx:.1} ms |\n| incremental re-check after a one-line edit | {inc:.2} ms ({:.0}x faster than cold) |\n",
        cold / inc
    );
    results.insert(
        "toolchain".into(),
        json!({
            "cold_check_ms": cold, "cold_build_ms": build, "engine_new_ms": idx,
            "incremental_ms": inc, "incremental_speedup": cold / inc,
        }),
    );

    println!("{md}");
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("results")
        .join(if quick {
            "results-quick.json"
        } else {
            "results.json"
        });
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    let text = serde_json::to_string_pretty(&Json::Object(results)).map_err(|e| e.to_string())?;
    std::fs::write(&out, text + "\n").map_err(|e| e.to_string())?;
    eprintln!("wrote {}", out.display());
    Ok(())
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn fmt_ns(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0 / 1024.0);
    format!("{cpu}, {cores} cores, {mem:.0} GiB")
}
