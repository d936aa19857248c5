//! Impact reports: a port new in the catalogue and designated by an amendment, over a small
//! table of crossings with weights, unknown ports and missing days; every row counted once,
//! changed rows credited to the amendment, in every format.

use std::sync::{Arc, Mutex};

use edict_impact::datafusion::arrow::array::{ArrayRef, Date32Array, Int64Array, StringArray};
use edict_impact::datafusion::arrow::record_batch::RecordBatch;
use edict_impact::datafusion::prelude::DataFrame;
use edict_impact::impact::{changed_schema, ChangedRows, ChangedSink};
use edict_impact::{chart, render, Options, Report, Sides};
use edict_runtime::diff::{diff, DecisionDiff};
use edict_runtime::Engine;

use crate::common::{batch, block_on, frame, ports};

fn day(s: &str) -> i32 {
    edict_runtime::value::parse_date(s).unwrap() as i32
}

/// Crossings at both ports around the amendment, one at a port no catalogue has, one with no
/// day; each row stands for `count` crossings.
fn crossings() -> DataFrame {
    frame(crossings_batch())
}

/// The crossings as one batch.
pub fn crossings_batch() -> RecordBatch {
    let rows: [(&str, Option<&str>, i64); 8] = [
        ("a_port", Some("2025-11-01"), 10),
        ("b_port", Some("2025-11-01"), 20),
        ("a_port", Some("2025-11-05"), 30),
        ("b_port", Some("2025-11-05"), 40),
        ("b_port", Some("2025-12-24"), 50),
        ("b_port", Some("2025-12-24"), 5),
        ("z_port", Some("2025-12-24"), 7),
        ("a_port", None, 1),
    ];
    let port: ArrayRef = Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.0)));
    let days: ArrayRef = Arc::new(Date32Array::from_iter(rows.iter().map(|r| r.1.map(day))));
    let count: ArrayRef = Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.2)));
    batch(vec![("port", port), ("day", days), ("count", count)])
}

/// Both versions with the diff's changes for the decision `d`.
pub fn sides(old: Engine, new: Engine) -> Sides {
    let changes = diff(&old, &new)
        .into_iter()
        .find_map(|d| match d {
            DecisionDiff::Changed { changes, .. } => Some(changes),
            _ => None,
        })
        .unwrap_or_default();
    Sides {
        old: Arc::new(old),
        new: Arc::new(new),
        decision: "d".into(),
        changes,
    }
}

/// The options of these tests: rows weighted by `count`.
pub fn options() -> Options {
    Options {
        weight: Some("count".into()),
        top: 10,
        examples: 3,
        ..Options::default()
    }
}

fn run(old: Engine, new: Engine, keep: bool) -> (Report, Option<ChangedRows>) {
    let table = crossings();
    let rows = keep.then(|| {
        Arc::new(Mutex::new(ChangedRows {
            schema: Arc::new(changed_schema(table.schema().as_arrow())),
            batches: Vec::new(),
        }))
    });
    let (sides, options) = (sides(old, new), options());
    let sink = rows.clone().map(|r| r as Arc<Mutex<dyn ChangedSink>>);
    let report = block_on(edict_impact::impact(sides, table, &options, sink)).unwrap();
    let rows = rows.map(|r| Arc::try_unwrap(r).ok().unwrap().into_inner().unwrap());
    (report, rows)
}

#[test]
fn a_port_new_in_the_catalogue_changes_its_crossings_from_the_amendment() {
    let (report, rows) = run(ports("old"), ports("new"), true);
    // Every row is counted once: changed, unchanged or undecidable.
    assert_eq!(report.total.rows, 8);
    assert_eq!(report.total.weight, 163.0);
    let changed = report.changed_total();
    // b_port: refused by the old catalogue; `no` before the amendment (20), `yes` from it
    // (40 + 50 + 5), as the diff says.
    assert_eq!((changed.rows, changed.weight), (4, 115.0));
    assert_eq!(report.changed.len(), 2);
    let undecided = report.undecided_total();
    assert_eq!((undecided.rows, undecided.weight), (2, 8.0));
    let human = render::human(&report);
    assert!(human.contains("because"), "{human}");
    assert!(human.contains("s2"), "{human}");
    insta::assert_snapshot!("new_port_human", human);
    insta::assert_snapshot!("new_port_md", render::markdown(&report));
    insta::assert_snapshot!(
        "new_port_json",
        serde_json::to_string_pretty(&render::json(&report)).unwrap()
    );
    insta::assert_snapshot!("new_port_csv", render::csv(&report));
    insta::assert_snapshot!("new_port_chart", chart::svg(&report));
    // The changed rows, with what each side answered and why.
    let rows = rows.unwrap();
    let n: usize = rows.batches.iter().map(|b| b.num_rows()).sum();
    assert_eq!(n, 4);
    assert!(rows.schema.field_with_name("edict_because").is_ok());
}

/// The same policy against its own past (`before` the amendment's day): b_port is in the
/// catalogue on both sides, so the old side answers `no` rather than refusing.
#[test]
fn the_history_cut_at_the_amendment_is_the_policy_before_it() {
    let new = ports("new");
    let cut = edict_runtime::value::parse_date("2025-11-05").unwrap();
    let old = Engine::new(new.artifact().before(cut)).unwrap();
    let (report, _) = run(old, new, false);
    let changed = report.changed_total();
    assert_eq!((changed.rows, changed.weight), (3, 95.0));
    let ((before, after), _) = report.changed.iter().next().unwrap();
    assert_eq!(
        (before.status.as_str(), after.status.as_str()),
        ("otherwise", "decided")
    );
    insta::assert_snapshot!("history_cut_human", render::human(&report));
}

#[test]
fn nothing_changes_between_a_policy_and_itself() {
    let (report, _) = run(ports("new"), ports("new"), false);
    assert!(report.changed.is_empty());
    assert_eq!(report.total.rows, 8);
    assert!(render::human(&report).contains("no row is answered differently"));
}
