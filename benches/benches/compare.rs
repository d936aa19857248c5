//! Edict, Cedar and Rego side by side in one process, on the same requests: the shipped transit
//! decision, and the generated scaling family. Every side is checked for agreement before it is
//! timed. Needs `--features compare`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Mutex, OnceLock};

use edict_bench::compare::Side;
use edict_bench::family;

fn main() {
    divan::main();
}

fn transit() -> &'static Mutex<Side> {
    static SIDE: OnceLock<Mutex<Side>> = OnceLock::new();
    SIDE.get_or_init(|| {
        let mut side = Side::transit(10_000, 7).unwrap();
        side.check_agreement(None).unwrap();
        Mutex::new(side)
    })
}

fn family_side(rules: usize) -> Side {
    let mut side = Side::family(rules, 2_000, 3).unwrap();
    let check = if rules >= 10_000 { 20 } else { 200 };
    side.check_agreement(Some(check)).unwrap();
    side
}

mod transit_entry {
    use super::*;

    #[divan::bench]
    fn edict(bencher: divan::Bencher) {
        let side = transit().lock().unwrap();
        let mut i = 0;
        bencher.bench_local(|| {
            i = (i + 1) % side.requests.len();
            side.engine
                .decide(side.decision, divan::black_box(&side.requests[i]))
                .unwrap()
        });
    }

    #[divan::bench]
    fn cedar(bencher: divan::Bencher) {
        let side = transit().lock().unwrap();
        let mut i = 0;
        bencher.bench_local(|| {
            i = (i + 1) % side.cedar_requests.len();
            side.cedar
                .allowed(divan::black_box(&side.cedar_requests[i]))
        });
    }

    #[divan::bench]
    fn rego(bencher: divan::Bencher) {
        let mut side = transit().lock().unwrap();
        let inputs = side.rego_inputs.clone();
        let mut i = 0;
        bencher.bench_local(|| {
            i = (i + 1) % inputs.len();
            side.rego.eval(divan::black_box(&inputs[i])).unwrap()
        });
    }
}

mod scaling {
    use super::*;

    #[divan::bench(args = family::SIZES, sample_size = 1000)]
    fn edict(bencher: divan::Bencher, rules: usize) {
        let side = family_side(rules);
        let mut i = 0;
        bencher.bench_local(|| {
            i = (i + 1) % side.requests.len();
            side.engine
                .decide(side.decision, divan::black_box(&side.requests[i]))
                .unwrap()
        });
    }

    #[divan::bench(args = family::SIZES, sample_count = 10, sample_size = 5)]
    fn cedar(bencher: divan::Bencher, rules: usize) {
        let side = family_side(rules);
        let mut i = 0;
        bencher.bench_local(|| {
            i = (i + 1) % side.cedar_requests.len();
            side.cedar
                .allowed(divan::black_box(&side.cedar_requests[i]))
        });
    }

    #[divan::bench(args = family::SIZES, sample_count = 10, sample_size = 5)]
    fn rego(bencher: divan::Bencher, rules: usize) {
        let mut side = family_side(rules);
        let inputs = side.rego_inputs.clone();
        let mut i = 0;
        bencher.bench_local(|| {
            i = (i + 1) % inputs.len();
            side.rego.eval(divan::black_box(&inputs[i])).unwrap()
        });
    }
}
