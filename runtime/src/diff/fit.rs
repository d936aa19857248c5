//! Putting a cell's request in its cell. A cell takes one class per column, and the request
//! built from each class's representative may fall outside it: a port chosen for its class
//! then replaced by one of the right kind, two inputs set equal that lie in different classes.
//! `fit` checks every column and, if need be, tries the values that other columns depend on (by
//! name, in the request both sides read) until the request lies in the cell; a cell no request
//! lies in is empty and is skipped.

use serde_json::Value as Json;

use super::cells::{domain_index, domain_len, domain_name, Class, MergedColumn, Pair, Slice};
use super::Values;
use crate::artifact::{Column, NumExpr, Path};
use crate::engine::Key;

/// A request both sides read, as each side's inputs.
pub(super) struct Request {
    pub old_inputs: Vec<crate::Value>,
    pub new_inputs: Vec<crate::Value>,
}

impl Request {
    /// The request as a client writes it (both sides read it alike).
    pub fn json(&self, pair: &Pair) -> Json {
        pair.old.request_json(pair.old_id, &self.old_inputs)
    }
}

/// The new side's inputs as a request both sides read, with the old side's own columns set.
pub(super) fn both_sides(
    pair: &Pair,
    slice: &Slice,
    okeys: &[Option<Key>],
    ninputs: Vec<crate::Value>,
) -> Result<Request, String> {
    let (old, new) = (pair.old, pair.new);
    let oinputs = match old.translate_request(pair.old_id, new, pair.new_id, &ninputs) {
        Some(oinputs) => oinputs,
        None => {
            let request = new.request_json(pair.new_id, &ninputs);
            match old.parse_request(pair.old_id, &request) {
                Ok(oinputs) => oinputs,
                // An entry only the new catalogue has, in an input no column of the cell
                // constrains (the new side's default for it): take an entry both sides have
                // instead; the cell check says if the request still fits.
                Err(first) => {
                    let common: Vec<crate::Value> =
                        ninputs.iter().map(|v| common_entry(pair, v)).collect();
                    let request = new.request_json(pair.new_id, &common);
                    old.parse_request(pair.old_id, &request).map_err(|_| {
                        format!("the old side cannot read the new side's requests: {first}")
                    })?
                }
            }
        }
    };
    let oinputs = old.example_keys(pair.old_id, slice.day, okeys, Some(oinputs));
    let ninputs = match new.translate_request(pair.new_id, old, pair.old_id, &oinputs) {
        Some(ninputs) => ninputs,
        None => new
            .parse_request(pair.new_id, &old.request_json(pair.old_id, &oinputs))
            .map_err(|e| format!("the new side cannot read the old side's requests: {e}"))?,
    };
    Ok(Request {
        old_inputs: oinputs,
        new_inputs: ninputs,
    })
}

/// Whether every column of the request lies in the cell's class.
fn in_cell(pair: &Pair, cols: &[MergedColumn], cell: &[&Class], day: i64, r: &Request) -> bool {
    cols.iter().zip(cell).all(|(m, class)| {
        let (engine, d, i, inputs) = match (m.new, m.old) {
            (Some(i), _) => (pair.new, pair.new_table, i, &r.new_inputs),
            (None, Some(i)) => (pair.old, pair.old_table, i, &r.old_inputs),
            (None, None) => return true,
        };
        d.columns.get(i).is_some_and(|c| {
            class
                .selection
                .holds(engine, d, i, engine.key(c, inputs), day)
        })
    })
}

/// The most requests tried to fit one cell.
const FIT_TRIES: usize = 256;

/// The request if it lies in the cell; else one that does, found by choosing the value of an
/// entity column that other columns read attributes of, or the common value of two inputs
/// compared equal; `None` when none is found.
pub(super) fn fit(
    pair: &Pair,
    cols: &[MergedColumn],
    slice: &Slice,
    cell: &[&Class],
    okeys: &[Option<Key>],
    r: Request,
) -> Result<Option<Request>, String> {
    if in_cell(pair, cols, cell, slice.day, &r) {
        return Ok(Some(r));
    }
    let nd = pair.new_table;
    // A category column's path and domain, on the side that has it (values are set by name in
    // the request, which both sides read).
    let path_of = |m: &MergedColumn| match m.column(pair) {
        Some((Column::Category { path, domain }, engine, _)) => Some((path, *domain, engine)),
        _ => None,
    };
    // Groups of candidate assignments, each with the columns it is meant to put in the cell:
    // the entity columns other columns read attributes of, and the inputs of `==` columns.
    type Assignment<'p> = Vec<(&'p Path, String)>;
    let mut groups: Vec<(Vec<Assignment>, Vec<usize>)> = Vec::new();
    for (c, (m, class)) in cols.iter().zip(cell).enumerate() {
        let (Some((path, _, _)), Values::Names(names)) = (path_of(m), &class.selection.values)
        else {
            continue;
        };
        // The columns that read attributes of this one's entity follow from its value.
        let dependents: Vec<usize> = cols
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                m.column(pair)
                    .is_some_and(|(col, _, _)| paths_of(col).iter().any(|p| extends(p, path)))
            })
            .map(|(i, _)| i)
            .collect();
        if !dependents.is_empty() {
            let tries = names.iter().map(|n| vec![(path, n.clone())]).collect();
            groups.push((tries, [vec![c], dependents].concat()));
        }
    }
    // A category column its value does not reach: try the other values of its class.
    for (c, (m, class)) in cols.iter().zip(cell).enumerate() {
        let (Some((path, _, _)), Values::Names(names)) = (path_of(m), &class.selection.values)
        else {
            continue;
        };
        if !groups.iter().any(|(_, fixes)| fixes.first() == Some(&c)) {
            let tries = names.iter().map(|n| vec![(path, n.clone())]).collect();
            groups.push((tries, vec![c]));
        }
    }
    for (c, (m, class)) in cols.iter().zip(cell).enumerate() {
        let (Some(Column::Same { a, b }), Values::Flags(f)) = (
            m.new.and_then(|i| nd.columns.get(i)),
            &class.selection.values,
        ) else {
            continue;
        };
        if class.selection.absent || f.len() != 1 {
            continue;
        }
        let domain = cols.iter().find_map(|m| {
            path_of(m)
                .filter(|(q, _, _)| *q == a || *q == b)
                .map(|(_, d, e)| (d, e))
        });
        let Some((domain, engine)) = domain else {
            continue;
        };
        // The values each compared input's class allows (any value of the domain when the
        // input is not a column of its own).
        let everything: Vec<String> = (0..domain_len(engine, domain))
            .filter_map(|i| domain_name(engine, domain, i as u32))
            .collect();
        let mut fixes = vec![c];
        let mut allowed = |p: &Path| {
            cols.iter()
                .zip(cell)
                .enumerate()
                .find_map(
                    |(i, (m, class))| match (path_of(m), &class.selection.values) {
                        (Some((q, _, _)), Values::Names(names)) if q == p => {
                            fixes.push(i);
                            Some(names.iter().cloned().collect::<Vec<_>>())
                        }
                        _ => None,
                    },
                )
                .unwrap_or_else(|| everything.clone())
        };
        let (na, nb) = (allowed(a), allowed(b));
        let tries: Vec<Assignment> = if f.contains(&true) {
            na.iter()
                .filter(|x| nb.contains(x))
                .map(|x| vec![(a, x.clone()), (b, x.clone())])
                .collect()
        } else {
            // Two different values: a few of each side are enough to find a pair.
            na.iter()
                .take(3)
                .flat_map(|x| nb.iter().take(3).map(move |y| (x, y)))
                .filter(|(x, y)| x != y)
                .map(|(x, y)| vec![(a, x.clone()), (b, y.clone())])
                .collect()
        };
        groups.push((tries, fixes));
    }
    let mut tries = 0;
    let mut current = r;
    // The old side's own keys still to apply: an accepted assignment frees the columns that
    // follow from what it set, for every later group too (else a later try would put the
    // representative back).
    let mut current_okeys = okeys.to_vec();
    let column_in = |i: usize, r: &Request| in_cell(pair, &cols[i..=i], &cell[i..=i], slice.day, r);
    for (assignments, fixes) in &groups {
        if fixes.iter().all(|&i| column_in(i, &current)) {
            continue;
        }
        // The columns in the cell so far stay in it.
        let good: Vec<usize> = (0..cols.len())
            .filter(|&i| column_in(i, &current))
            .collect();
        // The request each assignment of the group starts from.
        let start = current.json(pair);
        for assignment in assignments {
            tries += 1;
            if tries > FIT_TRIES {
                return Ok(None);
            }
            let mut request = start.clone();
            let (by_name, through): (Vec<_>, Vec<_>) = assignment
                .iter()
                .partition(|(p, name)| set_by_name(&mut request, &p.text, name));
            let Ok(mut ninputs) = pair.new.parse_request(pair.new_id, &request) else {
                continue;
            };
            // A path through an entity's attribute (`t.port.kind`) is set by choosing an
            // entity with that attribute.
            for (p, name) in &through {
                if let Some(v) = value_named(pair, p, name) {
                    pair.new.set_path(&mut ninputs, p, v);
                }
            }
            let set: Vec<&Path> = by_name.iter().chain(&through).map(|(p, _)| *p).collect();
            // The old side's own columns that read what was set, or attributes of it, now
            // follow from it.
            let okeys: Vec<Option<Key>> = current_okeys
                .iter()
                .zip(&pair.old_table.columns)
                .map(|(k, c)| {
                    let follows = paths_of(c)
                        .iter()
                        .any(|q| set.iter().any(|p| *q == *p || extends(q, p)));
                    if follows {
                        None
                    } else {
                        *k
                    }
                })
                .collect();
            let r = both_sides(pair, slice, &okeys, ninputs)?;
            if in_cell(pair, cols, cell, slice.day, &r) {
                return Ok(Some(r));
            }
            // Keep an assignment that puts this group's columns in the cell, and go on to
            // the next group from it.
            let fixed = fixes.iter().chain(&good).all(|&i| column_in(i, &r));
            if fixed {
                current = r;
                current_okeys = okeys;
                break;
            }
        }
    }
    Ok(None)
}

/// An entry or enum value by name, of the type the new side gives the path.
fn value_named(pair: &Pair, path: &Path, name: &str) -> Option<crate::Value> {
    let mut ty = pair.new.path_type(pair.new_table, path)?;
    while let crate::value::TypeDesc::Optional(inner) = ty {
        ty = *inner;
    }
    match ty {
        crate::value::TypeDesc::Entity(t) => {
            let i = domain_index(pair.new, crate::artifact::Domain::Entity(t), name)?;
            Some(crate::Value::Entity(t, i))
        }
        crate::value::TypeDesc::Enum(e) => {
            let i = domain_index(pair.new, crate::artifact::Domain::Enum(e), name)?;
            Some(crate::Value::Enum(e, i))
        }
        _ => None,
    }
}

/// Sets the value at a path written `t.arrival_port` in a request to an entry or enum value by
/// name; `false` when the path does not lead through objects.
fn set_by_name(request: &mut Json, path: &str, name: &str) -> bool {
    let mut at = request;
    let mut keys = path.split('.').peekable();
    while let Some(key) = keys.next() {
        let Some(obj) = at.as_object_mut() else {
            return false;
        };
        if keys.peek().is_none() {
            obj.insert(key.to_string(), Json::String(name.to_string()));
            return true;
        }
        let Some(next) = obj.get_mut(key) else {
            return false;
        };
        at = next;
    }
    false
}

/// Whether `q` reads further into what `p` names (an attribute of `p`'s entity).
fn extends(q: &Path, p: &Path) -> bool {
    q.param == p.param && q.fields.len() > p.fields.len() && q.fields.starts_with(&p.fields)
}

/// The input paths a column reads.
fn paths_of(c: &Column) -> Vec<&Path> {
    match c {
        Column::Category { path, .. } | Column::Flag { path } => vec![path],
        Column::Same { a, b } => vec![a, b],
        Column::Number { expr, .. } => {
            let mut out = Vec::new();
            num_paths(expr, &mut out);
            out
        }
    }
}

fn num_paths<'a>(e: &'a NumExpr, out: &mut Vec<&'a Path>) {
    match e {
        NumExpr::Path(p) => out.push(p),
        NumExpr::Const(_) => {}
        NumExpr::Add(a, b) | NumExpr::Sub(a, b) => {
            num_paths(a, out);
            num_paths(b, out);
        }
    }
}

/// `v` with each entry the old catalogue does not have replaced by the first entry of its type
/// that both catalogues have.
fn common_entry(pair: &Pair, v: &crate::Value) -> crate::Value {
    use crate::Value;
    match v {
        Value::Entity(t, e) => {
            let (nc, oc) = (
                &pair.new.artifact().catalogue,
                &pair.old.artifact().catalogue,
            );
            let Some(nt) = nc.entity_types.get(*t as usize) else {
                return v.clone();
            };
            let Some(ot) = oc.entity_types.iter().find(|o| o.name == nt.name) else {
                return v.clone();
            };
            let known = |name: &str| ot.entities.iter().any(|x| x.name == name);
            if nt.entities.get(*e as usize).is_some_and(|x| known(&x.name)) {
                return v.clone();
            }
            match nt.entities.iter().position(|x| known(&x.name)) {
                Some(i) => Value::Entity(*t, i as u32),
                None => v.clone(),
            }
        }
        Value::Record(fields) => {
            Value::Record(fields.iter().map(|f| common_entry(pair, f)).collect())
        }
        other => other.clone(),
    }
}
