//! Regions joined across time where a column is a named set on each day. A change that holds
//! for "the nationalities of `unilateral_visa_free`" while that set gains and loses members is
//! one region over its whole period, not one region per version of the set: boxes that change
//! the same way, follow each other in time and agree on every column except those that are,
//! in each, exactly the same set's members, become one box whose selection is that set on each
//! day ([`Values::SetOnEachDay`]). The union of the boxes stays exactly the union of the cells.

use std::collections::BTreeSet;

use super::cells::{MergedColumn, Pair};
use super::merge::{self, Boxed, Interner};
use super::{words, Selection, Values};

/// Joins boxes across time through the sets their columns name, merging again after each
/// round, until nothing more joins.
pub(super) fn join(
    pair: &Pair,
    columns: &[MergedColumn],
    fulls: &[Option<Selection>],
    mut boxes: Vec<Boxed>,
    interner: &mut Interner,
) -> Vec<Boxed> {
    loop {
        let (joined, any) = join_once(pair, columns, fulls, boxes, interner);
        if !any {
            return joined;
        }
        boxes = merge::merge(joined, interner);
    }
}

/// A column of a box that is a set on each day: the set, whether it is the old side's, and
/// whether requests without the value are in too.
type Symbol = (String, bool, bool);

/// A column of a box as the boxes are grouped: its selection, or the set it names.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Part {
    Selection(u32),
    Set(Symbol),
}

/// The box's columns that are a named set over its whole period, by column.
fn symbols(
    pair: &Pair,
    columns: &[MergedColumn],
    fulls: &[Option<Selection>],
    b: &Boxed,
    interner: &Interner,
) -> Vec<Option<Symbol>> {
    b.dims
        .iter()
        .enumerate()
        .map(|(c, id)| {
            let sel = interner.get(*id)?;
            match &sel.values {
                Values::SetOnEachDay { set, as_it_was, .. } => {
                    Some((set.clone(), *as_it_was, sel.absent))
                }
                // A column with every value is no part of the region.
                Values::Names(names) if fulls.get(c).and_then(Option::as_ref) != Some(sel) => {
                    let (set, old) =
                        words::set_named(pair, columns.get(c)?, names, b.from, b.until)?;
                    Some((set, old, sel.absent))
                }
                _ => None,
            }
        })
        .collect()
}

/// The stretches of one column of a box: its own (a set on each day), or its members from its
/// first day.
fn stretches(b: &Boxed, c: usize, interner: &Interner) -> Vec<(Option<i64>, BTreeSet<String>)> {
    match interner.get(b.dims[c]).map(|s| &s.values) {
        Some(Values::SetOnEachDay { stretches, .. }) => stretches.clone(),
        Some(Values::Names(names)) => vec![(b.from, names.clone())],
        _ => Vec::new(),
    }
}

fn join_once(
    pair: &Pair,
    columns: &[MergedColumn],
    fulls: &[Option<Selection>],
    boxes: Vec<Boxed>,
    interner: &mut Interner,
) -> (Vec<Boxed>, bool) {
    // Boxes grouped by their columns, with the set columns standing for their set; boxes with
    // no set column stay apart.
    let (groups, apart) = merge::runs_in_time(boxes, |b| {
        let syms = symbols(pair, columns, fulls, b, interner);
        syms.iter().any(Option::is_some).then(|| {
            b.dims
                .iter()
                .zip(syms)
                .map(|(id, s)| s.map_or(Part::Selection(*id), Part::Set))
                .collect::<Vec<Part>>()
        })
    });
    let mut out: Vec<Boxed> = Vec::new();
    let mut any = false;
    for (key, runs) in groups {
        for run in runs {
            if run.len() == 1 {
                out.extend(run);
                continue;
            }
            any = true;
            let mut dims = run[0].dims.clone();
            for (c, k) in key.iter().enumerate() {
                let Part::Set((set, as_it_was, absent)) = k else {
                    continue;
                };
                let mut all: Vec<(Option<i64>, BTreeSet<String>)> = Vec::new();
                for b in &run {
                    for (from, names) in stretches(b, c, interner) {
                        // A stretch with the members of the one before continues it.
                        if all.last().is_none_or(|(_, last)| *last != names) {
                            all.push((from, names));
                        }
                    }
                }
                // The same members all along (a set that changed and changed back) is a list.
                let values = match all.as_slice() {
                    [(_, names)] => Values::Names(names.clone()),
                    _ => Values::SetOnEachDay {
                        set: set.clone(),
                        as_it_was: *as_it_was,
                        stretches: all,
                    },
                };
                dims[c] = interner.id(&Selection {
                    values,
                    absent: *absent,
                });
            }
            if let Some(mut joined) = merge::join_run(run) {
                joined.dims = dims;
                out.push(joined);
            }
        }
    }
    // The boxes with no set column, as they were.
    out.extend(apart);
    (out, any)
}
