//! The toolchain on the generated 10,000-rule workspace (`edict-synth --rules 10000`): cold
//! check, cold build, an incremental re-check after a one-line edit through the salsa
//! database, and `edict doc`'s site (checked, compiled, every page made, in memory).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use edict_compiler::Analysis;
use edict_testkit::{generate, Shape};

fn main() {
    divan::main();
}

fn files() -> Vec<(String, String)> {
    generate(&Shape::with_rules(10_000))
}

fn load(files: &[(String, String)]) -> Analysis {
    let mut analysis = Analysis::default();
    for (name, text) in files {
        analysis.set_file(name, text.clone());
    }
    analysis
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn cold_check_10k(bencher: divan::Bencher) {
    let files = files();
    bencher.bench_local(|| {
        let analysis = load(&files);
        assert!(analysis.diagnostics().iter().all(|d| !d.is_error()));
    });
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn cold_build_10k(bencher: divan::Bencher) {
    let files = files();
    bencher.bench_local(|| load(&files).build().unwrap().to_bytes().unwrap());
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn doc_site_10k(bencher: divan::Bencher) {
    let files = files();
    bencher.bench_local(|| {
        let analysis = load(&files);
        assert!(analysis.diagnostics().iter().all(|d| !d.is_error()));
        edict_site::build(&analysis).unwrap().files.len()
    });
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn incremental_recheck_10k(bencher: divan::Bencher) {
    let files = files();
    let mut analysis = load(&files);
    analysis.diagnostics();
    let (name, text) = files.iter().find(|(n, _)| n == "rules_0042.edict").unwrap();
    let mut n = 0;
    bencher.bench_local(|| {
        n += 1;
        // One line changes: the first stay limit of the file.
        let edited = edict_bench::edit_limit(text, 1000 + n);
        analysis.set_file(name, edited);
        assert!(analysis.diagnostics().iter().all(|d| !d.is_error()));
    });
}
