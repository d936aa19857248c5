//! A report's counts carried as text between processes (Ballista's stages): counting a table
//! in parts, in any order, and merging the parts' decoded counts gives the report of the whole
//! table in one part, in every format; a damaged text is an error, not a panic.

use edict_impact::counts::{decode, encode};
use edict_impact::impact::Plan;
use edict_impact::{chart, render, Report};
use edict_runtime::Engine;

use crate::common::ports;
use crate::report::{crossings_batch, options, sides};

fn formats(r: &Report) -> [String; 5] {
    [
        render::human(r),
        render::markdown(r),
        serde_json::to_string_pretty(&render::json(r)).unwrap(),
        render::csv(r),
        chart::svg(r),
    ]
}

/// The whole table counted in one part, in this process.
fn whole(old: Engine, new: Engine) -> Report {
    let batch = crossings_batch();
    let plan = Plan::new(sides(old, new), &batch.schema(), &options(), None).unwrap();
    let mut part = plan.start();
    plan.add(&mut part, &batch).unwrap();
    part.report
}

/// The table counted in the parts `cuts` gives (row indexes where a part starts), each part
/// encoded and decoded, merged in the order given.
fn in_parts(old: Engine, new: Engine, cuts: &[usize], reverse: bool) -> Report {
    let batch = crossings_batch();
    let plan = Plan::new(sides(old, new), &batch.schema(), &options(), None).unwrap();
    let mut bounds: Vec<usize> = cuts.to_vec();
    bounds.push(batch.num_rows());
    let mut texts = Vec::new();
    let mut start = 0;
    for end in bounds {
        let mut part = plan.start();
        plan.add(&mut part, &batch.slice(start, end - start))
            .unwrap();
        texts.push(encode(&part.report));
        start = end;
    }
    if reverse {
        texts.reverse();
    }
    let mut report = plan.template();
    for t in texts {
        report.merge(decode(&t).unwrap());
    }
    report
}

#[test]
fn parts_merged_from_their_text_are_the_whole() {
    type Versions = (fn() -> Engine, fn() -> Engine);
    let pairs: [Versions; 3] = [
        (|| ports("old"), || ports("new")),
        (
            || {
                let new = ports("new");
                Engine::new(new.artifact().before(parse("2025-11-05"))).unwrap()
            },
            || ports("new"),
        ),
        (|| ports("new"), || ports("new")),
    ];
    for (old, new) in pairs {
        let whole = formats(&whole(old(), new()));
        // Every way of cutting 8 rows into contiguous parts (one part too), each merged in
        // both orders.
        for mask in 0u32..(1 << 7) {
            let cuts: Vec<usize> = (1..8).filter(|i| mask & (1 << (i - 1)) != 0).collect();
            for reverse in [false, true] {
                let parts = formats(&in_parts(old(), new(), &cuts, reverse));
                assert_eq!(parts, whole, "cuts {cuts:?}, reversed {reverse}");
            }
        }
    }
}

fn parse(day: &str) -> i64 {
    edict_runtime::value::parse_date(day).unwrap()
}

#[test]
fn damaged_counts_are_errors() {
    let batch = crossings_batch();
    let plan = Plan::new(
        sides(ports("old"), ports("new")),
        &batch.schema(),
        &options(),
        None,
    )
    .unwrap();
    let mut part = plan.start();
    plan.add(&mut part, &batch).unwrap();
    let text = encode(&part.report);
    assert!(decode(&text).is_ok());
    // Cut anywhere, the text is not counts.
    for end in (0..text.len()).step_by(7) {
        assert!(decode(&text[..end]).is_err(), "cut at {end}");
    }
    let e =
        decode(r#"{"total":[1,2],"unchanged":[["x"]],"changed":[],"undecided":[],"by_day":[]}"#)
            .unwrap_err();
    assert_eq!(e, "2 items expected, not 1");
    let e = decode(r#"{"total":[1]}"#).unwrap_err();
    assert_eq!(e, "2 items expected, not 1");
}
