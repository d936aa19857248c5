//! The partition both sides are compared on: merged columns, time slices, the classes of each
//! column in a slice, and the cells (one class per column) each side answers differently.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value as Json;

use super::fit::{both_sides, fit};
use super::merge::{Boxed, Interner};
use super::{Options, Selection, Side, Values, MAX_CELLS};
use crate::analysis::classes as row_classes;
use crate::artifact::{Column, DecisionTable, Domain};
use crate::engine::{column_text, ColumnIndex, Engine, Key, Verdict};

/// The two sides of one decision.
pub(super) struct Pair<'a> {
    pub old: &'a Engine,
    /// The decision's id in the old engine.
    pub old_id: u32,
    pub old_table: &'a DecisionTable,
    pub new: &'a Engine,
    pub new_id: u32,
    pub new_table: &'a DecisionTable,
}

/// A column of either side, matched by its text.
pub(super) struct MergedColumn {
    pub text: String,
    pub new: Option<usize>,
    pub old: Option<usize>,
    /// Whether a request may leave the column's value out, on either side.
    pub may_be_absent: bool,
}

impl MergedColumn {
    /// The column as the new side has it (the old side's, for a column only the old side has).
    pub fn column<'a>(
        &self,
        pair: &Pair<'a>,
    ) -> Option<(&'a Column, &'a Engine, &'a DecisionTable)> {
        match (self.new, self.old) {
            (Some(i), _) => Some((pair.new_table.columns.get(i)?, pair.new, pair.new_table)),
            (None, Some(i)) => Some((pair.old_table.columns.get(i)?, pair.old, pair.old_table)),
            (None, None) => None,
        }
    }
}

pub(super) fn columns(pair: &Pair) -> Vec<MergedColumn> {
    let mut cols: Vec<MergedColumn> = Vec::new();
    for (i, c) in pair.new_table.columns.iter().enumerate() {
        cols.push(MergedColumn {
            text: column_text(c),
            new: Some(i),
            old: None,
            may_be_absent: pair.new.column_may_be_absent(pair.new_table, c),
        });
    }
    for (i, c) in pair.old_table.columns.iter().enumerate() {
        let text = column_text(c);
        let absent = pair.old.column_may_be_absent(pair.old_table, c);
        match cols.iter_mut().find(|m| m.text == text) {
            Some(m) => {
                m.old = Some(i);
                m.may_be_absent |= absent;
            }
            None => cols.push(MergedColumn {
                text,
                new: None,
                old: Some(i),
                may_be_absent: absent,
            }),
        }
    }
    cols
}

/// A period in which neither side changes, and the day it is read on.
pub(super) struct Slice {
    pub from: Option<i64>,
    pub until: Option<i64>,
    pub day: i64,
    old: usize,
    new: usize,
}

/// Both sides' time slices merged, within the window of `options`.
pub(super) fn slices(pair: &Pair, options: Options) -> Vec<Slice> {
    let mut bounds: Vec<i64> = pair
        .old_table
        .boundaries
        .iter()
        .chain(&pair.new_table.boundaries)
        .chain(options.from.as_ref())
        .chain(options.until.as_ref())
        .copied()
        .collect();
    bounds.sort_unstable();
    bounds.dedup();
    let latest = bounds.last().copied().unwrap_or(0);
    (0..=bounds.len())
        .filter_map(|s| {
            let from = s.checked_sub(1).map(|i| bounds[i]);
            let until = bounds.get(s).copied();
            // The window's ends are boundaries, so a slice is wholly inside it or outside.
            let after_start = options.from.is_none_or(|w| from.is_some_and(|f| f >= w));
            let before_end = options.until.is_none_or(|w| until.is_some_and(|u| u <= w));
            if !(after_start && before_end) {
                return None;
            }
            let day = from.unwrap_or_else(|| until.map_or(latest, |u| u - 1));
            Some(Slice {
                from,
                until,
                day,
                old: pair.old_table.boundaries.partition_point(|b| *b <= day),
                new: pair.new_table.boundaries.partition_point(|b| *b <= day),
            })
        })
        .collect()
}

/// Values of one column that both sides treat alike in a slice: a representative key on each
/// side, and all the values.
pub(super) struct Class {
    pub new: Option<Key>,
    pub old: Option<Key>,
    pub selection: Selection,
}

/// The name of a category key's value.
pub(super) fn category_name(engine: &Engine, col: &Column, v: u32) -> Option<String> {
    let Column::Category { domain, .. } = col else {
        return None;
    };
    domain_name(engine, *domain, v)
}

pub(super) fn domain_name(e: &Engine, d: Domain, i: u32) -> Option<String> {
    e.artifact().catalogue.member_name(d, i).map(str::to_string)
}

pub(super) fn domain_len(e: &Engine, d: Domain) -> usize {
    e.artifact().catalogue.domain_len(d).unwrap_or(0)
}

pub(super) fn domain_index(e: &Engine, d: Domain, name: &str) -> Option<u32> {
    match d {
        Domain::Entity(t) => e.entity_names.get(t as usize)?.get(name).copied(),
        Domain::Enum(x) => e.enum_names.get(x as usize)?.get(name).copied(),
    }
}

/// Each column's classes in a slice.
pub(super) fn classes(pair: &Pair, cols: &[MergedColumn], slice: &Slice) -> Vec<Vec<Class>> {
    let (Some((_, oslice)), Some((_, nslice))) = (
        pair.old.slice(pair.old_id, slice.old),
        pair.new.slice(pair.new_id, slice.new),
    ) else {
        return Vec::new();
    };
    cols.iter()
        .map(|m| {
            let mut out = column_classes(pair, m, oslice, nslice);
            if out.is_empty() {
                // An empty catalogue: no request has a value here; one class keeps the product.
                out.push(Class {
                    new: None,
                    old: None,
                    selection: Selection {
                        values: Values::Names(BTreeSet::new()),
                        absent: false,
                    },
                });
            }
            out
        })
        .collect()
}

fn column_classes(
    pair: &Pair,
    m: &MergedColumn,
    oslice: &[std::sync::Arc<ColumnIndex>],
    nslice: &[std::sync::Arc<ColumnIndex>],
) -> Vec<Class> {
    {
        {
            let nix = m.new.and_then(|i| nslice.get(i)).map(|ix| &**ix);
            let oix = m.old.and_then(|i| oslice.get(i)).map(|ix| &**ix);
            let Some((col, engine, d)) = m.column(pair) else {
                return Vec::new();
            };
            match col {
                Column::Category { domain, .. } => {
                    category_classes(pair, m, engine, *domain, nix, oix)
                }
                Column::Number { expr, .. } => {
                    number_classes(m, nix, oix, engine.counts_days(d, expr))
                }
                Column::Flag { .. } | Column::Same { .. } => {
                    let mut out: Vec<Class> = [false, true]
                        .into_iter()
                        .map(|b| Class {
                            new: m.new.map(|_| Key::Flag(b)),
                            old: m.old.map(|_| Key::Flag(b)),
                            selection: Selection {
                                values: Values::Flags(BTreeSet::from([b])),
                                absent: false,
                            },
                        })
                        .collect();
                    if m.may_be_absent {
                        out.push(absent_class(m, Values::Flags(BTreeSet::new())));
                    }
                    out
                }
            }
        }
    }
}

fn absent_class(m: &MergedColumn, values: Values) -> Class {
    Class {
        new: m.new.map(|_| Key::Absent),
        old: m.old.map(|_| Key::Absent),
        selection: Selection {
            values,
            absent: true,
        },
    }
}

/// The values of a category grouped by their class on each side. A value only one side's
/// catalogue has is a class of its own (grouped by its class on that side): the other side
/// refuses requests that name it, which is a change a reviewer must see.
fn category_classes(
    pair: &Pair,
    m: &MergedColumn,
    engine: &Engine,
    domain: Domain,
    nix: Option<&ColumnIndex>,
    oix: Option<&ColumnIndex>,
) -> Vec<Class> {
    let ncls = nix.map(|ix| row_classes(ix, m.may_be_absent, false));
    let ocls = oix.map(|ix| row_classes(ix, m.may_be_absent, false));
    let class_of = |cs: &Option<Vec<crate::analysis::Class>>, key: Option<Key>| {
        key.and_then(|k| cs.as_ref()?.iter().position(|c| c.keys.contains(&k)))
    };
    let old_domain = match m.old.and_then(|i| pair.old_table.columns.get(i)) {
        Some(Column::Category { domain, .. }) if m.new.is_some() => Some(*domain),
        _ => None,
    };
    let mut groups: BTreeMap<(Option<usize>, Option<usize>), Class> = BTreeMap::new();
    let n = domain_len(engine, domain);
    let last = if m.may_be_absent { n + 1 } else { n };
    for i in 0..last {
        let (key, name) = if i == n {
            (Key::Absent, None)
        } else {
            (
                Key::Category(i as u32),
                domain_name(engine, domain, i as u32),
            )
        };
        let (nkey, okey) = if m.new.is_some() {
            let okey = match (key, old_domain) {
                (Key::Absent, _) => Some(Key::Absent),
                (_, Some(od)) => name
                    .as_deref()
                    .and_then(|nm| domain_index(pair.old, od, nm))
                    .map(Key::Category),
                _ => None,
            };
            (Some(key), okey)
        } else {
            (None, Some(key))
        };
        // New in the catalogue: the old side has the column but not the value.
        let new_only = m.old.is_some() && okey.is_none();
        let sig = (
            class_of(&ncls, nkey),
            if new_only {
                Some(ONE_SIDED)
            } else {
                class_of(&ocls, okey)
            },
        );
        let class = groups.entry(sig).or_insert_with(|| Class {
            new: nkey,
            old: okey,
            selection: Selection {
                values: Values::Names(BTreeSet::new()),
                absent: false,
            },
        });
        match (name, &mut class.selection.values) {
            (Some(nm), Values::Names(names)) => {
                names.insert(nm);
            }
            _ => class.selection.absent = true,
        }
    }
    // Gone from the catalogue: values only the old side has, in a column both sides test.
    if let (Some(_), Some(od)) = (m.new, old_domain) {
        for i in 0..domain_len(pair.old, od) {
            let Some(name) = domain_name(pair.old, od, i as u32) else {
                continue;
            };
            if domain_index(engine, domain, &name).is_some() {
                continue;
            }
            let okey = Some(Key::Category(i as u32));
            let sig = (Some(ONE_SIDED), class_of(&ocls, okey));
            let class = groups.entry(sig).or_insert_with(|| Class {
                new: None,
                old: okey,
                selection: Selection {
                    values: Values::Names(BTreeSet::new()),
                    absent: false,
                },
            });
            if let Values::Names(names) = &mut class.selection.values {
                names.insert(name);
            }
        }
    }
    groups.into_values().collect()
}

/// The most requests tried to fit one cell only one side can read.
const FIT_TRIES: usize = 64;

/// The class index that marks values only one side's catalogue has.
const ONE_SIDED: usize = usize::MAX;

/// Which side alone can read a cell's request: one of its classes holds values only that
/// side's catalogue has.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OneSided {
    New,
    Old,
}

fn one_sided(cols: &[MergedColumn], cell: &[&Class]) -> Option<OneSided> {
    cols.iter()
        .zip(cell)
        .find_map(|(m, c)| match (m.new, m.old, c.new, c.old) {
            (Some(_), Some(_), Some(_), None) => Some(OneSided::New),
            (Some(_), Some(_), None, Some(_)) => Some(OneSided::Old),
            _ => None,
        })
}

/// What a side answers to a request that names an entry its catalogue lacks: it refuses it.
pub(super) fn refused() -> Side {
    Side {
        status: NOT_IN_CATALOGUE.to_string(),
        outcome: String::new(),
        rules: Vec::new(),
        citations: Vec::new(),
    }
}

/// The status of [`refused`].
pub const NOT_IN_CATALOGUE: &str = "not_in_catalogue";

/// A cell only one side can read: that side answers a request in it; the other refuses it.
/// `None` when no request of the cell was found.
fn one_sided_cell(
    pair: &Pair,
    cols: &[MergedColumn],
    slice: &Slice,
    cell: &[&Class],
    which: OneSided,
) -> Option<(Json, Side, Side)> {
    let (engine, id, d) = match which {
        OneSided::New => (pair.new, pair.new_id, pair.new_table),
        OneSided::Old => (pair.old, pair.old_id, pair.old_table),
    };
    let mut keys = vec![None; d.columns.len()];
    for (m, c) in cols.iter().zip(cell) {
        let (i, key) = match which {
            OneSided::New => (m.new, c.new),
            OneSided::Old => (m.old, c.old),
        };
        if let (Some(i), Some(key)) = (i, key) {
            keys[i] = Some(key);
        }
    }
    let request_in_cell = |keys: &[Option<Key>]| -> Option<Vec<crate::Value>> {
        // Where an entry is keyed, its attributes follow from it; the cell check below says
        // whether they fit the cell.
        let keys = crate::analysis::witness::entries_first(d, keys);
        let mut inputs = engine.example_keys(id, slice.day, &keys, None);
        // An equality of two inputs may have replaced an entry its own column keys: each keyed
        // entry is put back, and each equality kept by changing the input no column keys.
        let keyed: Vec<(&crate::artifact::Path, crate::Value)> = keys
            .iter()
            .zip(&d.columns)
            .filter_map(|(key, col)| match (key, col) {
                (Some(Key::Category(v)), Column::Category { path, domain }) => Some((
                    path,
                    match domain {
                        Domain::Entity(t) => crate::Value::Entity(*t, *v),
                        Domain::Enum(e) => crate::Value::Enum(*e, *v),
                    },
                )),
                _ => None,
            })
            .collect();
        for (path, value) in &keyed {
            engine.set_path(&mut inputs, path, value.clone());
        }
        for (key, col) in keys.iter().zip(&d.columns) {
            let (Some(Key::Flag(equal)), Column::Same { a, b }) = (key, col) else {
                continue;
            };
            let value_of = |p: &crate::artifact::Path| {
                keyed
                    .iter()
                    .find(|(k, _)| k.text == p.text)
                    .map(|(_, v)| v.clone())
            };
            let (fixed, free) = match (value_of(a), value_of(b)) {
                (Some(v), None) => (v, b),
                (None, Some(v)) => (v, a),
                _ => continue,
            };
            let value = if *equal {
                fixed
            } else {
                engine.other_than(&fixed)
            };
            engine.set_path(&mut inputs, free, value);
        }
        // Only the columns this side has say whether the request is in the cell.
        let inside = cols.iter().zip(cell).all(|(m, c)| {
            let i = match which {
                OneSided::New => m.new,
                OneSided::Old => m.old,
            };
            i.is_none_or(|i| {
                d.columns.get(i).is_some_and(|col| {
                    c.selection
                        .holds(engine, d, i, engine.key(col, &inputs), slice.day)
                })
            })
        });
        inside.then_some(inputs)
    };
    // The class's first member may not fit a column that reads one of its attributes (a port
    // whose kind is of another class): the members of such a class are tried in turn, as
    // `fit` does. Other columns are independent of the entry chosen, so nothing else is tried.
    let attribute_read = |path: &crate::artifact::Path| {
        d.columns.iter().any(|c| match c {
            Column::Category { path: p, .. } => {
                p.param == path.param
                    && p.fields.len() > path.fields.len()
                    && p.fields.starts_with(&path.fields)
            }
            _ => false,
        })
    };
    let mut inputs = request_in_cell(&keys);
    let mut tries = 0;
    for (m, c) in cols.iter().zip(cell) {
        if inputs.is_some() || tries > FIT_TRIES {
            break;
        }
        let i = match which {
            OneSided::New => m.new,
            OneSided::Old => m.old,
        };
        let (Some(i), Values::Names(names)) = (i, &c.selection.values) else {
            continue;
        };
        let Some(Column::Category { domain, path }) = d.columns.get(i) else {
            continue;
        };
        if !attribute_read(path) {
            continue;
        }
        for name in names.iter().skip(1) {
            tries += 1;
            let Some(v) = domain_index(engine, *domain, name) else {
                continue;
            };
            let mut tried = keys.clone();
            tried[i] = Some(Key::Category(v));
            inputs = request_in_cell(&tried);
            if inputs.is_some() || tries > FIT_TRIES {
                break;
            }
        }
    }
    let inputs = inputs?;
    let answer = engine.decide(id, &inputs).ok()?;
    let answered = side(engine, d, &answer);
    let request = engine.request_json(id, &inputs);
    Some(match which {
        OneSided::New => (request, refused(), answered),
        OneSided::Old => (request, answered, refused()),
    })
}

/// The intervals between the breaks of both sides.
/// The intervals between both sides' breaks. With `days` (a difference of two dates, in
/// seconds), each representative is a whole number of days where the interval holds one.
fn number_classes(
    m: &MergedColumn,
    nix: Option<&ColumnIndex>,
    oix: Option<&ColumnIndex>,
    days: bool,
) -> Vec<Class> {
    let mut breaks: Vec<i64> = Vec::new();
    for ix in [nix, oix].into_iter().flatten() {
        if let ColumnIndex::Number { breaks: b, .. } = ix {
            breaks.extend(b);
        }
    }
    breaks.sort_unstable();
    breaks.dedup();
    let mut out: Vec<Class> = (0..=breaks.len())
        .map(|j| {
            let lo = j.checked_sub(1).map(|k| breaks[k]);
            let hi = breaks.get(j).copied();
            let rep = crate::analysis::witness::representative(lo, hi, days);
            Class {
                new: m.new.map(|_| Key::Number(rep)),
                old: m.old.map(|_| Key::Number(rep)),
                selection: Selection {
                    values: Values::Intervals(vec![(lo, hi)]),
                    absent: false,
                },
            }
        })
        .collect();
    if m.may_be_absent {
        out.push(absent_class(m, Values::Intervals(Vec::new())));
    }
    out
}

pub(super) fn side(engine: &Engine, d: &DecisionTable, answer: &crate::Answer) -> Side {
    let j = engine.answer_json(answer);
    let status = j
        .get("status")
        .and_then(Json::as_str)
        .unwrap_or("")
        .to_string();
    let outcome = match &answer.verdict {
        // Each outcome with the rule that gave it; where rules are written is no part of it.
        Verdict::Collect(_) => j
            .get("outcomes")
            .and_then(Json::as_array)
            .map(|os| {
                Json::Array(
                    os.iter()
                        .map(|o| {
                            serde_json::json!({
                                "outcome": o.get("outcome"),
                                "rule": o.get("rule").and_then(|r| r.get("name")),
                            })
                        })
                        .collect(),
                )
                .to_string()
            })
            .unwrap_or_default(),
        _ => j.get("outcome").map(|o| o.to_string()).unwrap_or_default(),
    };
    let rules = match &answer.verdict {
        Verdict::Rule(r) => vec![*r],
        Verdict::Collect(rs) | Verdict::Conflict(rs) => rs.clone(),
        _ => Vec::new(),
    };
    let infos: Vec<&crate::artifact::RuleInfo> = rules
        .iter()
        .filter_map(|r| d.rules.get(*r as usize))
        .collect();
    Side {
        status,
        outcome,
        rules: infos.iter().map(|r| r.name.clone()).collect(),
        citations: infos
            .iter()
            .map(|r| {
                r.citation
                    .as_ref()
                    .map(super::summary::citation_text)
                    .unwrap_or_default()
            })
            .collect(),
    }
}

/// Evaluates every cell of a slice on both sides; the cells answered differently become boxes,
/// grouped by (before, after).
pub(super) fn changed_cells(
    pair: &Pair,
    cols: &[MergedColumn],
    slice: &Slice,
    classes: &[Vec<Class>],
    interner: &mut Interner,
    out: &mut BTreeMap<(Side, Side), Vec<Boxed>>,
) -> Result<(), String> {
    let total: usize = classes.iter().map(|c| c.len().max(1)).product();
    if total > MAX_CELLS {
        return Err(format!(
            "{total} cells to compare in one time slice, more than {MAX_CELLS}"
        ));
    }
    let ids: Vec<Vec<u32>> = classes
        .iter()
        .map(|cs| cs.iter().map(|c| interner.id(&c.selection)).collect())
        .collect();
    let (old, new) = (pair.old, pair.new);
    let (mut old_sides, mut new_sides) = (HashMap::new(), HashMap::new());
    let mut idx = vec![0usize; cols.len()];
    loop {
        let mut nkeys = vec![None; pair.new_table.columns.len()];
        let mut okeys = vec![None; pair.old_table.columns.len()];
        for ((m, &k), cs) in cols.iter().zip(&idx).zip(classes) {
            if let Some(class) = cs.get(k) {
                if let (Some(i), Some(key)) = (m.new, class.new) {
                    nkeys[i] = Some(key);
                }
                if let (Some(i), Some(key), None) = (m.old, class.old, m.new) {
                    okeys[i] = Some(key);
                }
            }
        }
        let cell: Vec<&Class> = idx
            .iter()
            .zip(classes)
            .filter_map(|(k, cs)| cs.get(*k))
            .collect();
        if let Some(which) = one_sided(cols, &cell) {
            if let Some((request, before, after)) = one_sided_cell(pair, cols, slice, &cell, which)
            {
                out.entry((before, after))
                    .or_default()
                    .push(boxed(slice, &idx, &ids, request));
            }
            if !next(&mut idx, classes) {
                return Ok(());
            }
            continue;
        }
        let ninputs = new.example_keys(pair.new_id, slice.day, &nkeys, None);
        let request = both_sides(pair, slice, &okeys, ninputs)?;
        // A cell no request falls in (a port of one class whose kind is of another, two
        // inputs equal but in different classes) is skipped; a request that missed a cell
        // others do fall in is moved into it.
        let Some(request) = fit(pair, cols, slice, &cell, &okeys, request)? else {
            if !next(&mut idx, classes) {
                return Ok(());
            }
            continue;
        };
        let (Ok(oa), Ok(na)) = (
            old.decide(pair.old_id, &request.old_inputs),
            new.decide(pair.new_id, &request.new_inputs),
        ) else {
            return Err("a request could not be evaluated".into());
        };
        // What a side answers follows from its verdict alone: each is written once.
        let before = old_sides
            .entry(oa.verdict.clone())
            .or_insert_with(|| side(old, pair.old_table, &oa));
        let after = new_sides
            .entry(na.verdict.clone())
            .or_insert_with(|| side(new, pair.new_table, &na));
        if (before.status.as_str(), &before.outcome) != (after.status.as_str(), &after.outcome) {
            out.entry((before.clone(), after.clone()))
                .or_default()
                .push(boxed(slice, &idx, &ids, request.json(pair)));
        }
        if !next(&mut idx, classes) {
            return Ok(());
        }
    }
}

/// A changed cell as a box: its slice, its class in each column, and its example request.
fn boxed(slice: &Slice, idx: &[usize], ids: &[Vec<u32>], example: Json) -> Boxed {
    Boxed {
        from: slice.from,
        until: slice.until,
        dims: idx
            .iter()
            .zip(ids)
            .map(|(k, cs)| cs.get(*k).copied().unwrap_or(u32::MAX))
            .collect(),
        example,
    }
}

/// Moves to the next cell; `false` after the last.
fn next(idx: &mut [usize], classes: &[Vec<Class>]) -> bool {
    for (i, cs) in idx.iter_mut().zip(classes) {
        *i += 1;
        if *i < cs.len() {
            return true;
        }
        *i = 0;
    }
    false
}
