//! A report's counts as text and back: what one part of a table counted (rows by answer, by
//! region and breakdown, examples, undecided rows, changes by day), for a part counted in
//! another process (a Ballista executor) to be merged with the others. Weights travel as
//! their bits, so that merged counts equal the counts of one process exactly.

use std::collections::{BTreeMap, BTreeSet};

use edict_runtime::diff::Side;
use serde_json::{json, Value};

use crate::decide::RowError;
use crate::impact::{RegionTally, Report, Tally, Transition, Undecided};

/// The counts of a report (not its columns, breakdown names or the diff's changes, which the
/// plan that merges them has), as JSON text.
pub fn encode(report: &Report) -> String {
    let changed: Vec<Value> = report
        .changed
        .iter()
        .map(|((before, after), tr)| {
            let regions: Vec<Value> = tr
                .regions
                .iter()
                .map(|(region, rt)| {
                    let by: Vec<Value> = rt
                        .by
                        .iter()
                        .map(|groups| groups.iter().map(|(g, t)| json!([g, tally(*t)])).collect())
                        .collect();
                    json!([region, tally(rt.tally), by, examples(&rt.examples)])
                })
                .collect();
            json!([side(before), side(after), tally(tr.tally), regions])
        })
        .collect();
    let value = json!({
        "total": tally(report.total),
        "unchanged": report
            .unchanged
            .iter()
            .map(|(s, t)| json!([side(s), tally(*t)]))
            .collect::<Vec<_>>(),
        "changed": changed,
        "undecided": report
            .undecided
            .iter()
            .map(|((which, e), u)| {
                json!([which, e.input, e.message, tally(u.tally), examples(&u.examples)])
            })
            .collect::<Vec<_>>(),
        "by_day": report
            .changed_by_day
            .iter()
            .map(|(d, t)| json!([d, tally(*t)]))
            .collect::<Vec<_>>(),
    });
    value.to_string()
}

/// Counts written by [`encode`], as a report with only its counts (merge it into the plan's
/// template with [`Report::merge`]).
pub fn decode(text: &str) -> Result<Report, String> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| format!("counts are not JSON: {e}"))?;
    let field = |name: &str| -> Result<&Vec<Value>, String> {
        value
            .get(name)
            .and_then(Value::as_array)
            .ok_or_else(|| format!("counts without `{name}`"))
    };
    let mut report = Report {
        total: read_tally(value.get("total"))?,
        ..Report::default()
    };
    for item in field("unchanged")? {
        let [s, t] = items::<2>(item)?;
        report.unchanged.insert(read_side(s)?, read_tally(Some(t))?);
    }
    for item in field("changed")? {
        let [before, after, t, regions] = items::<4>(item)?;
        let mut tr = Transition {
            tally: read_tally(Some(t))?,
            regions: BTreeMap::new(),
        };
        for region in array(regions)? {
            let [index, t, by, ex] = items::<4>(region)?;
            let index = match index {
                Value::Null => None,
                v => Some(
                    v.as_u64()
                        .ok_or("a region that is not a number")
                        .map(|i| i as usize)?,
                ),
            };
            let mut rt = RegionTally {
                tally: read_tally(Some(t))?,
                by: Vec::new(),
                examples: read_examples(ex)?,
            };
            for groups in array(by)? {
                let mut map = BTreeMap::new();
                for g in array(groups)? {
                    let [values, t] = items::<2>(g)?;
                    map.insert(strings(values)?, read_tally(Some(t))?);
                }
                rt.by.push(map);
            }
            tr.regions.insert(index, rt);
        }
        report
            .changed
            .insert((read_side(before)?, read_side(after)?), tr);
    }
    for item in field("undecided")? {
        let [which, input, message, t, ex] = items::<5>(item)?;
        let e = RowError {
            input: string(input)?,
            message: string(message)?,
        };
        report.undecided.insert(
            (string(which)?, e),
            Undecided {
                tally: read_tally(Some(t))?,
                examples: read_examples(ex)?,
            },
        );
    }
    for item in field("by_day")? {
        let [d, t] = items::<2>(item)?;
        let day = d.as_i64().ok_or("a day that is not a number")?;
        report.changed_by_day.insert(day, read_tally(Some(t))?);
    }
    Ok(report)
}

fn tally(t: Tally) -> Value {
    json!([t.rows, t.weight.to_bits()])
}

fn side(s: &Side) -> Value {
    json!([s.status, s.outcome, s.rules, s.citations])
}

fn examples(set: &BTreeSet<(u64, Vec<String>)>) -> Value {
    Value::Array(set.iter().map(|(h, row)| json!([h, row])).collect())
}

fn array(v: &Value) -> Result<&Vec<Value>, String> {
    v.as_array()
        .ok_or_else(|| format!("a list expected, not {v}"))
}

fn items<const N: usize>(v: &Value) -> Result<[&Value; N], String> {
    let a = array(v)?;
    let refs: Vec<&Value> = a.iter().collect();
    refs.try_into()
        .map_err(|_| format!("{N} items expected, not {}", a.len()))
}

fn string(v: &Value) -> Result<String, String> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("a string expected, not {v}"))
}

fn strings(v: &Value) -> Result<Vec<String>, String> {
    array(v)?.iter().map(string).collect()
}

fn read_tally(v: Option<&Value>) -> Result<Tally, String> {
    let [rows, bits] = items::<2>(v.ok_or("a count is missing")?)?;
    match (rows.as_u64(), bits.as_u64()) {
        (Some(rows), Some(bits)) => Ok(Tally {
            rows,
            weight: f64::from_bits(bits),
        }),
        _ => Err(format!("a count expected, not [{rows}, {bits}]")),
    }
}

fn read_side(v: &Value) -> Result<Side, String> {
    let [status, outcome, rules, citations] = items::<4>(v)?;
    Ok(Side {
        status: string(status)?,
        outcome: string(outcome)?,
        rules: strings(rules)?,
        citations: strings(citations)?,
    })
}

fn read_examples(v: &Value) -> Result<BTreeSet<(u64, Vec<String>)>, String> {
    array(v)?
        .iter()
        .map(|e| {
            let [h, row] = items::<2>(e)?;
            let h = h.as_u64().ok_or("an example's hash that is not a number")?;
            Ok((h, strings(row)?))
        })
        .collect()
}
