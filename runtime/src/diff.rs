//! Semantic diff of two compiled policies: for every decision, the regions of input space and
//! time where the answer changes, as boxes over the columns, with the rules on each side.
//!
//! Both sides' time boundaries and column classes are merged into one partition (values are
//! matched by name, so catalogues may differ); each cell is evaluated by both engines on the
//! same request, and cells that change in the same way are merged into boxes.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;

use crate::artifact::{Column, DecisionTable, Domain};
use crate::engine::{column_text, ColumnIndex, Engine, Key, Verdict};
use crate::verify::{classes, format_number, number_type};

/// The most cells examined in one time slice of one decision.
pub const MAX_CELLS: usize = 1_000_000;

/// What one side answered in a region.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Side {
    /// `decided`, `otherwise`, `no_rule_applies`, `conflict` or `collected`.
    pub status: String,
    /// The outcome as JSON text.
    pub outcome: String,
    pub rules: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub from: Option<i64>,
    pub until: Option<i64>,
    /// Column → values, for the columns that matter (others: any value).
    pub region: Vec<(String, String)>,
    pub before: Side,
    pub after: Side,
    /// A request in the region, as JSON.
    pub example: Json,
}

#[derive(Clone, Debug, PartialEq)]
pub enum DecisionDiff {
    Added(String),
    Removed(String),
    /// The decision's inputs changed so that one side cannot read the other's requests.
    Incomparable {
        decision: String,
        why: String,
    },
    Changed {
        decision: String,
        changes: Vec<Change>,
    },
}

/// Values of a category that both sides treat alike: a key on each side and their names.
type ValueGroup = (Option<Key>, Option<Key>, Vec<String>);

/// A box of the partition (class indices per column) and a request inside it.
type Cell = (Vec<BTreeSet<usize>>, Json);

/// One merged column: its text, its index on each side, and its merged classes.
struct MergedColumn {
    text: String,
    new: Option<usize>,
    old: Option<usize>,
    /// (key on the new side, key on the old side, description).
    classes: Vec<(Option<Key>, Option<Key>, String)>,
}

fn side(engine: &Engine, d: &DecisionTable, verdict: &Verdict, answer: &crate::Answer) -> Side {
    let j = engine.answer_json(answer);
    let status = j
        .get("status")
        .and_then(Json::as_str)
        .unwrap_or("")
        .to_string();
    let outcome = match verdict {
        Verdict::Collect(_) => j.get("outcomes").map(|o| o.to_string()).unwrap_or_default(),
        _ => j.get("outcome").map(|o| o.to_string()).unwrap_or_default(),
    };
    let rules = match verdict {
        Verdict::Rule(r) => vec![*r],
        Verdict::Collect(rs) | Verdict::Conflict(rs) => rs.clone(),
        _ => Vec::new(),
    };
    Side {
        status,
        outcome,
        rules: rules
            .iter()
            .filter_map(|r| d.rules.get(*r as usize))
            .map(|r| r.name.clone())
            .collect(),
    }
}

fn domain_len(e: &Engine, d: Domain) -> usize {
    let cat = &e.artifact().catalogue;
    match d {
        Domain::Entity(t) => cat
            .entity_types
            .get(t as usize)
            .map_or(0, |t| t.entities.len()),
        Domain::Enum(x) => cat.enums.get(x as usize).map_or(0, |x| x.variants.len()),
    }
}

fn domain_name(e: &Engine, d: Domain, i: u32) -> Option<String> {
    let cat = &e.artifact().catalogue;
    match d {
        Domain::Entity(t) => cat
            .entity_types
            .get(t as usize)?
            .entities
            .get(i as usize)
            .map(|x| x.name.clone()),
        Domain::Enum(x) => cat.enums.get(x as usize)?.variants.get(i as usize).cloned(),
    }
}

fn domain_index(e: &Engine, d: Domain, name: &str) -> Option<u32> {
    match d {
        Domain::Entity(t) => e.entity_names.get(t as usize)?.get(name).copied(),
        Domain::Enum(x) => e.enum_names.get(x as usize)?.get(name).copied(),
    }
}

fn class_of(cs: &[crate::verify::Class], key: Key) -> Option<usize> {
    cs.iter().position(|c| c.keys.contains(&key))
}

fn list(names: &[String]) -> String {
    if names.len() <= 8 {
        names.join(", ")
    } else {
        format!("{}, and {} more", names[..8].join(", "), names.len() - 8)
    }
}

/// Compares two engines decision by decision.
pub fn diff(old: &Engine, new: &Engine) -> Vec<DecisionDiff> {
    let mut names: BTreeSet<&str> = BTreeSet::new();
    names.extend(old.artifact().decisions.iter().map(|d| d.name.as_str()));
    names.extend(new.artifact().decisions.iter().map(|d| d.name.as_str()));
    let mut out = Vec::new();
    for name in names {
        match (old.decision_id(name), new.decision_id(name)) {
            (None, Some(_)) => out.push(DecisionDiff::Added(name.to_string())),
            (Some(_), None) => out.push(DecisionDiff::Removed(name.to_string())),
            (Some(o), Some(n)) => match diff_decision(old, o, new, n) {
                Ok(changes) if changes.is_empty() => {}
                Ok(changes) => out.push(DecisionDiff::Changed {
                    decision: name.to_string(),
                    changes,
                }),
                Err(why) => out.push(DecisionDiff::Incomparable {
                    decision: name.to_string(),
                    why,
                }),
            },
            (None, None) => {}
        }
    }
    out
}

fn merged_columns(
    old: &Engine,
    od: &DecisionTable,
    oslice: &[std::sync::Arc<ColumnIndex>],
    new: &Engine,
    nd: &DecisionTable,
    nslice: &[std::sync::Arc<ColumnIndex>],
) -> Vec<MergedColumn> {
    let mut cols: Vec<MergedColumn> = Vec::new();
    let mut by_text: BTreeMap<String, usize> = BTreeMap::new();
    for (i, c) in nd.columns.iter().enumerate() {
        by_text.insert(column_text(c), cols.len());
        cols.push(MergedColumn {
            text: column_text(c),
            new: Some(i),
            old: None,
            classes: Vec::new(),
        });
    }
    for (i, c) in od.columns.iter().enumerate() {
        match by_text.get(&column_text(c)) {
            Some(&m) => cols[m].old = Some(i),
            None => cols.push(MergedColumn {
                text: column_text(c),
                new: None,
                old: Some(i),
                classes: Vec::new(),
            }),
        }
    }
    for m in &mut cols {
        let ncol = m.new.map(|i| (&nd.columns[i], &*nslice[i]));
        let ocol = m.old.map(|i| (&od.columns[i], &*oslice[i]));
        let ncls = ncol.map(|(_, ix)| classes(ix));
        let ocls = ocol.map(|(_, ix)| classes(ix));
        let (col, engine, table) = match (ncol, ocol) {
            (Some((c, _)), _) => (c, new, nd),
            (None, Some((c, _))) => (c, old, od),
            (None, None) => continue,
        };
        match col {
            Column::Category { domain, .. } => {
                // Group the values by (class on the new side, class on the old side).
                let mut groups: BTreeMap<(Option<usize>, Option<usize>), ValueGroup> =
                    BTreeMap::new();
                let n = domain_len(engine, *domain);
                let other_domain = match (
                    m.new,
                    m.old,
                    &od.columns.get(m.old.unwrap_or(usize::MAX)),
                    &nd.columns.get(m.new.unwrap_or(usize::MAX)),
                ) {
                    (Some(_), Some(_), Some(Column::Category { domain: od_, .. }), _) => Some(*od_),
                    _ => None,
                };
                for i in 0..=n {
                    let key = if i == n {
                        Key::Absent
                    } else {
                        Key::Category(i as u32)
                    };
                    let name = if i == n {
                        Some("absent".to_string())
                    } else {
                        domain_name(engine, *domain, i as u32)
                    };
                    let (nkey, okey) = if m.new.is_some() {
                        let okey = match (key, other_domain) {
                            (Key::Absent, _) => Some(Key::Absent),
                            (_, Some(odom)) => name
                                .as_deref()
                                .and_then(|nm| domain_index(old, odom, nm))
                                .map(Key::Category),
                            _ => None,
                        };
                        if m.old.is_some() && okey.is_none() {
                            continue; // a value the old catalogue does not have
                        }
                        (Some(key), okey)
                    } else {
                        (None, Some(key))
                    };
                    let sig = (
                        nkey.and_then(|k| ncls.as_ref().and_then(|c| class_of(c, k))),
                        okey.and_then(|k| ocls.as_ref().and_then(|c| class_of(c, k))),
                    );
                    let entry = groups.entry(sig).or_insert((nkey, okey, Vec::new()));
                    if let Some(nm) = name {
                        entry.2.push(nm);
                    }
                }
                let all: Vec<String> = groups
                    .values()
                    .flat_map(|g| g.2.iter().cloned())
                    .filter(|n| n != "absent")
                    .collect();
                m.classes = groups
                    .into_values()
                    .map(|(a, b, names)| {
                        let names: Vec<String> = if names.len() > 1 {
                            names.into_iter().filter(|n| n != "absent").collect()
                        } else {
                            names
                        };
                        // A large class reads better as what it leaves out.
                        let rest: Vec<String> =
                            all.iter().filter(|n| !names.contains(n)).cloned().collect();
                        let desc =
                            if names.len() > 8 && !rest.is_empty() && rest.len() < names.len() {
                                format!("any but {}", list(&rest))
                            } else {
                                list(&names)
                            };
                        (a, b, desc)
                    })
                    .collect();
            }
            Column::Number { expr, .. } => {
                let mut breaks: Vec<i64> = Vec::new();
                for (_, ix) in [ncol, ocol].into_iter().flatten() {
                    if let ColumnIndex::Number { breaks: b, .. } = ix {
                        breaks.extend(b);
                    }
                }
                breaks.sort_unstable();
                breaks.dedup();
                let ty = number_type(engine, table, expr);
                let f = |x: i64| format_number(ty.as_ref(), x);
                for j in 0..=breaks.len() {
                    let rep = if j == 0 {
                        breaks.first().map_or(0, |b| b.saturating_sub(1))
                    } else {
                        breaks[j - 1]
                    };
                    let desc = match (j.checked_sub(1).map(|k| breaks[k]), breaks.get(j)) {
                        (None, None) => "any".to_string(),
                        (None, Some(h)) => format!("at most {}", f(h - 1)),
                        (Some(l), None) => format!("at least {}", f(l)),
                        (Some(l), Some(h)) if *h == l + 1 => f(l),
                        (Some(l), Some(h)) => format!("{} to {}", f(l), f(h - 1)),
                    };
                    let k = Some(Key::Number(rep));
                    m.classes.push((m.new.and(k), m.old.and(k), desc));
                }
            }
            Column::Flag { .. } | Column::Same { .. } => {
                let same = matches!(col, Column::Same { .. });
                for (b, word) in [
                    (false, if same { "different" } else { "false" }),
                    (true, if same { "equal" } else { "true" }),
                ] {
                    let k = Some(Key::Flag(b));
                    m.classes
                        .push((m.new.and(k), m.old.and(k), word.to_string()));
                }
            }
        }
    }
    cols
}

fn diff_decision(old: &Engine, oid: u32, new: &Engine, nid: u32) -> Result<Vec<Change>, String> {
    let (Some(od), Some(nd)) = (old.decision(oid), new.decision(nid)) else {
        return Ok(Vec::new());
    };
    let mut bounds: Vec<i64> = od
        .boundaries
        .iter()
        .chain(&nd.boundaries)
        .copied()
        .collect();
    bounds.sort_unstable();
    bounds.dedup();
    let latest = bounds.last().copied().unwrap_or(0);
    let mut changes: Vec<Change> = Vec::new();
    for s in 0..=bounds.len() {
        let from = if s == 0 { None } else { Some(bounds[s - 1]) };
        let until = bounds.get(s).copied();
        let day = from.unwrap_or_else(|| until.map_or(latest, |u| u - 1));
        let (Some((_, oslice)), Some((_, nslice))) = (
            old.slice(oid, od.boundaries.partition_point(|b| *b <= day)),
            new.slice(nid, nd.boundaries.partition_point(|b| *b <= day)),
        ) else {
            continue;
        };
        let cols = merged_columns(old, od, oslice, new, nd, nslice);
        let total: usize = cols.iter().map(|c| c.classes.len().max(1)).product();
        if total > MAX_CELLS {
            return Err(format!(
                "{total} cells to compare in one time slice, more than {MAX_CELLS}"
            ));
        }
        // Cells that change, grouped by (before, after).
        let mut groups: BTreeMap<(Side, Side), Vec<Cell>> = BTreeMap::new();
        let mut idx = vec![0usize; cols.len()];
        loop {
            let mut nkeys = vec![None; nd.columns.len()];
            let mut okeys = vec![None; od.columns.len()];
            for (m, &k) in cols.iter().zip(&idx) {
                if let Some((nk, ok, _)) = m.classes.get(k) {
                    if let (Some(i), Some(key)) = (m.new, nk) {
                        nkeys[i] = Some(*key);
                    }
                    if let (Some(i), Some(key), None) = (m.old, ok, m.new) {
                        okeys[i] = Some(*key);
                    }
                }
            }
            let ninputs = new.example_keys(nid, day, &nkeys, None);
            let request = new.request_json(nid, &ninputs);
            let oinputs = old
                .parse_request(oid, &request)
                .map_err(|e| format!("the old side cannot read the new side's requests: {e}"))?;
            let oinputs = old.example_keys(oid, day, &okeys, Some(oinputs));
            let request = old.request_json(oid, &oinputs);
            let ninputs = new
                .parse_request(nid, &request)
                .map_err(|e| format!("the new side cannot read the old side's requests: {e}"))?;
            let (Ok(oa), Ok(na)) = (old.decide(oid, &oinputs), new.decide(nid, &ninputs)) else {
                return Err("a request could not be evaluated".into());
            };
            let (before, after) = (
                side(old, od, &oa.verdict, &oa),
                side(new, nd, &na.verdict, &na),
            );
            if (before.status.as_str(), &before.outcome) != (after.status.as_str(), &after.outcome)
            {
                let cell: Vec<BTreeSet<usize>> = idx.iter().map(|k| BTreeSet::from([*k])).collect();
                groups
                    .entry((before, after))
                    .or_default()
                    .push((cell, request.clone()));
            }
            // Next cell.
            let mut c = 0;
            while c < idx.len() {
                idx[c] += 1;
                if idx[c] < cols[c].classes.len() {
                    break;
                }
                idx[c] = 0;
                c += 1;
            }
            if c == idx.len() {
                break;
            }
        }
        for ((before, after), cells) in groups {
            for (cell, example) in merge_boxes(cells) {
                let region: Vec<(String, String)> = cols
                    .iter()
                    .zip(&cell)
                    .filter(|(m, set)| set.len() < m.classes.len())
                    .map(|(m, set)| {
                        let descs: Vec<String> = set
                            .iter()
                            .filter_map(|k| m.classes.get(*k))
                            .map(|c| c.2.clone())
                            .collect();
                        (m.text.clone(), descs.join("; "))
                    })
                    .collect();
                changes.push(Change {
                    from,
                    until,
                    region,
                    before: before.clone(),
                    after: after.clone(),
                    example: example.clone(),
                });
            }
        }
    }
    // Join consecutive slices that change in the same way.
    let mut joined: Vec<Change> = Vec::new();
    for c in changes {
        match joined.iter_mut().find(|j| {
            j.until == c.from && j.region == c.region && j.before == c.before && j.after == c.after
        }) {
            Some(j) => j.until = c.until,
            None => joined.push(c),
        }
    }
    Ok(joined)
}

/// Merges cells (a set of class indices per column) that differ in one column only.
fn merge_boxes(mut cells: Vec<Cell>) -> Vec<Cell> {
    loop {
        let mut merged = false;
        'outer: for i in 0..cells.len() {
            for j in (i + 1)..cells.len() {
                let differing: Vec<usize> = (0..cells[i].0.len())
                    .filter(|&c| cells[i].0[c] != cells[j].0[c])
                    .collect();
                if differing.len() == 1 {
                    let c = differing[0];
                    let other = cells.remove(j);
                    cells[i].0[c].extend(other.0[c].iter().copied());
                    merged = true;
                    break 'outer;
                }
            }
        }
        if !merged {
            return cells;
        }
    }
}
