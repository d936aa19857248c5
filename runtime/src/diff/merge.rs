//! Merging changed cells into as few boxes as the changes allow: boxes that change the same way
//! and differ in one column only are joined (their values united), and boxes with the same
//! values in every column on adjacent periods are joined in time. The union of the boxes is
//! always exactly the union of the cells.

use std::collections::{BTreeSet, HashMap};
use std::hash::Hash;

use serde_json::Value as Json;

use super::{Selection, Values};

/// Selections by number, so that boxes compare and hash cheaply, with unions remembered.
#[derive(Default)]
pub(super) struct Interner {
    values: Vec<Selection>,
    ids: HashMap<Selection, u32>,
    unions: HashMap<(u32, u32), Option<u32>>,
}

impl Interner {
    pub fn id(&mut self, s: &Selection) -> u32 {
        if let Some(id) = self.ids.get(s) {
            return *id;
        }
        let id = self.values.len() as u32;
        self.values.push(s.clone());
        self.ids.insert(s.clone(), id);
        id
    }

    pub fn get(&self, id: u32) -> Option<&Selection> {
        self.values.get(id as usize)
    }

    fn union(&mut self, a: u32, b: u32) -> Option<u32> {
        if a == b {
            return Some(a);
        }
        let key = (a.min(b), a.max(b));
        if let Some(u) = self.unions.get(&key) {
            return *u;
        }
        let u = match (self.get(a), self.get(b)) {
            (Some(x), Some(y)) => union(x, y),
            _ => None,
        };
        let u = u.map(|s| self.id(&s));
        self.unions.insert(key, u);
        u
    }
}

/// A box: a period and one selection (by number) per column, with a request inside it.
#[derive(Clone, Debug)]
pub(super) struct Boxed {
    pub from: Option<i64>,
    pub until: Option<i64>,
    pub dims: Vec<u32>,
    pub example: Json,
}

/// The union of two selections of the same column, `None` for selections of different kinds.
pub(super) fn union(a: &Selection, b: &Selection) -> Option<Selection> {
    let values = match (&a.values, &b.values) {
        (Values::Names(x), Values::Names(y)) => Values::Names(x.union(y).cloned().collect()),
        (Values::Flags(x), Values::Flags(y)) => Values::Flags(x.union(y).copied().collect()),
        (Values::Intervals(x), Values::Intervals(y)) => {
            Values::Intervals(normalize(x.iter().chain(y).copied().collect()))
        }
        _ => return None,
    };
    Some(Selection {
        values,
        absent: a.absent || b.absent,
    })
}

/// The union of all the selections, if there is any and they are of one kind.
pub(super) fn union_all<'a>(mut it: impl Iterator<Item = &'a Selection>) -> Option<Selection> {
    let first = it.next()?.clone();
    it.try_fold(first, |acc, s| union(&acc, s))
}

type Span = (Option<i64>, Option<i64>);

/// Sorts half-open intervals and joins those that touch or overlap.
fn normalize(mut spans: Vec<Span>) -> Vec<Span> {
    // `None` as a lower bound is the least; as an upper bound, the greatest.
    spans.sort_by_key(|(lo, _)| lo.map_or(i128::MIN, i128::from));
    let mut out: Vec<Span> = Vec::new();
    for (lo, hi) in spans {
        match out.last_mut() {
            Some((_, last_hi)) if last_hi.is_none_or(|h| lo.is_none_or(|l| l <= h)) => {
                *last_hi = match (*last_hi, hi) {
                    (None, _) | (_, None) => None,
                    (Some(a), Some(b)) => Some(a.max(b)),
                };
            }
            _ => out.push((lo, hi)),
        }
    }
    out
}

/// Merges boxes until no two can be joined.
pub(super) fn merge(mut boxes: Vec<Boxed>, interner: &mut Interner) -> Vec<Boxed> {
    let columns = boxes.first().map_or(0, |b| b.dims.len());
    loop {
        let count = boxes.len();
        for c in 0..columns {
            boxes = merge_column(boxes, c, interner);
        }
        boxes = merge_time(boxes);
        if boxes.len() == count {
            return boxes;
        }
    }
}

/// A box's period and its selections with one column left out.
type BoxKey = (Option<i64>, Option<i64>, Vec<u32>);

/// Joins boxes of the same period that agree on every column but `c`.
fn merge_column(boxes: Vec<Boxed>, c: usize, interner: &mut Interner) -> Vec<Boxed> {
    let mut at: HashMap<BoxKey, usize> = HashMap::new();
    let mut out: Vec<Boxed> = Vec::with_capacity(boxes.len());
    for b in boxes {
        let mut key_dims = b.dims.clone();
        key_dims[c] = u32::MAX;
        let key = (b.from, b.until, key_dims);
        if let Some(&i) = at.get(&key) {
            if let Some(u) = interner.union(out[i].dims[c], b.dims[c]) {
                out[i].dims[c] = u;
                continue;
            }
        }
        at.insert(key, out.len());
        out.push(b);
    }
    out
}

/// Joins boxes with the same values whose periods follow each other.
fn merge_time(boxes: Vec<Boxed>) -> Vec<Boxed> {
    let (groups, _) = runs_in_time(boxes, |b| Some(b.dims.clone()));
    let mut out = Vec::new();
    for (_, runs) in groups {
        out.extend(runs.into_iter().filter_map(join_run));
    }
    out
}

/// Boxes that follow each other in time, each run in order.
pub(super) type Runs = Vec<Vec<Boxed>>;

/// A run of boxes as one box: the first, lasting until the last ends.
pub(super) fn join_run(mut run: Vec<Boxed>) -> Option<Boxed> {
    let until = run.last()?.until;
    let mut first = run.swap_remove(0);
    first.until = until;
    Some(first)
}

/// Boxes grouped by `key` (groups in the order their keys first appear), each group sorted by
/// period and cut into runs of boxes that each start the day the one before ends; the boxes
/// without a key come back apart, in their order.
pub(super) fn runs_in_time<K: Hash + Eq + Clone>(
    boxes: Vec<Boxed>,
    key: impl Fn(&Boxed) -> Option<K>,
) -> (Vec<(K, Runs)>, Vec<Boxed>) {
    let mut groups: HashMap<K, Vec<Boxed>> = HashMap::new();
    let mut order: Vec<K> = Vec::new();
    let mut apart = Vec::new();
    for b in boxes {
        match key(&b) {
            Some(k) => groups
                .entry(k.clone())
                .or_insert_with(|| {
                    order.push(k);
                    Vec::new()
                })
                .push(b),
            None => apart.push(b),
        }
    }
    let grouped = order
        .into_iter()
        .map(|k| {
            let mut members = groups.remove(&k).unwrap_or_default();
            members.sort_by_key(|b| b.from.map_or(i128::MIN, i128::from));
            let mut runs: Runs = Vec::new();
            for b in members {
                match runs.last_mut() {
                    Some(run)
                        if run
                            .last()
                            .is_some_and(|l| l.until.is_some() && l.until == b.from) =>
                    {
                        run.push(b)
                    }
                    _ => runs.push(vec![b]),
                }
            }
            (k, runs)
        })
        .collect();
    (grouped, apart)
}

/// The selections of a box, by value.
pub(super) fn resolve(b: &Boxed, interner: &Interner) -> Vec<Selection> {
    b.dims
        .iter()
        .map(|id| {
            interner.get(*id).cloned().unwrap_or(Selection {
                values: Values::Names(BTreeSet::new()),
                absent: false,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_that_touch_are_joined() {
        assert_eq!(
            normalize(vec![
                (Some(5), Some(9)),
                (Some(1), Some(5)),
                (Some(12), None)
            ]),
            vec![(Some(1), Some(9)), (Some(12), None)]
        );
        assert_eq!(
            normalize(vec![(None, Some(3)), (Some(2), Some(4))]),
            vec![(None, Some(4))]
        );
    }

    #[test]
    fn boxes_join_across_columns_then_time() {
        let mut interner = Interner::default();
        let sel = |names: &[&str]| Selection {
            values: Values::Names(names.iter().map(|s| s.to_string()).collect()),
            absent: false,
        };
        let (a, b) = (interner.id(&sel(&["a"])), interner.id(&sel(&["b"])));
        let x = interner.id(&sel(&["x"]));
        let cell = |from, until, dims: Vec<u32>| Boxed {
            from,
            until,
            dims,
            example: Json::Null,
        };
        let merged = merge(
            vec![
                cell(None, Some(10), vec![a, x]),
                cell(None, Some(10), vec![b, x]),
                cell(Some(10), None, vec![a, x]),
                cell(Some(10), None, vec![b, x]),
            ],
            &mut interner,
        );
        assert_eq!(merged.len(), 1);
        assert_eq!((merged[0].from, merged[0].until), (None, None));
        assert_eq!(interner.get(merged[0].dims[0]), Some(&sel(&["a", "b"])));
    }
}
