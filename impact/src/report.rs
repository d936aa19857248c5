//! What `edict impact` counts: rows and weights by answer, by the diff's region, by breakdown
//! and by day, with example rows, and rows that cannot be decided by reason; parts counted
//! apart (partitions, executors) merge into one report.

use std::collections::{BTreeMap, BTreeSet};

use edict_runtime::diff::{Change, Side};

use crate::decide::RowError;

/// A count of rows and their weight.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tally {
    pub rows: u64,
    pub weight: f64,
}

impl Tally {
    pub(crate) fn add(&mut self, weight: f64) {
        self.rows += 1;
        self.weight += weight;
    }

    pub(crate) fn merge(&mut self, other: Tally) {
        self.rows += other.rows;
        self.weight += other.weight;
    }
}

/// The rows of one region (or of none, when the diff has no region for them).
#[derive(Clone, Debug, Default)]
pub struct RegionTally {
    pub tally: Tally,
    /// Per breakdown: the group's values → its count.
    pub by: Vec<BTreeMap<Vec<String>, Tally>>,
    /// Example rows, by a hash of their values: a spread of rows, the same whatever order
    /// the rows were read in.
    pub examples: BTreeSet<(u64, Vec<String>)>,
}

/// Changed rows going from one answer to another.
#[derive(Clone, Debug, Default)]
pub struct Transition {
    pub tally: Tally,
    /// By the index of the diff's change for the decision; `None`: rows no region contains.
    pub regions: BTreeMap<Option<usize>, RegionTally>,
}

/// Rows that cannot be decided, for one reason.
#[derive(Clone, Debug, Default)]
pub struct Undecided {
    pub tally: Tally,
    pub examples: BTreeSet<(u64, Vec<String>)>,
}

/// What a table of traffic does under the two versions.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub decision: String,
    /// The columns feeding the decision's inputs: (input, column).
    pub inputs: Vec<(String, Option<String>)>,
    pub weight_column: Option<String>,
    /// The breakdowns, by their columns' names.
    pub by: Vec<Vec<String>>,
    /// The columns of example rows.
    pub example_columns: Vec<String>,
    pub total: Tally,
    /// Rows answered alike, by answer.
    pub unchanged: BTreeMap<Side, Tally>,
    /// Rows answered differently, by (before, after).
    pub changed: BTreeMap<(Side, Side), Transition>,
    /// Rows that cannot be decided on one side or both, by (side, reason).
    pub undecided: BTreeMap<(String, RowError), Undecided>,
    /// The changed rows' weight by their as-of day.
    pub changed_by_day: BTreeMap<i64, Tally>,
    /// The diff's changes for the decision, which region numbers index.
    pub changes: Vec<Change>,
    pub options_top: usize,
    pub options_examples: usize,
}

impl Report {
    pub fn changed_total(&self) -> Tally {
        let mut t = Tally::default();
        for tr in self.changed.values() {
            t.merge(tr.tally);
        }
        t
    }

    pub fn undecided_total(&self) -> Tally {
        let mut t = Tally::default();
        for u in self.undecided.values() {
            t.merge(u.tally);
        }
        t
    }

    /// Adds another part's counts (its examples kept as [`Options::examples`] says).
    pub fn merge(&mut self, other: Report) {
        self.total.merge(other.total);
        for (k, t) in other.unchanged {
            self.unchanged.entry(k).or_default().merge(t);
        }
        for (k, tr) in other.changed {
            let mine = self.changed.entry(k).or_default();
            mine.tally.merge(tr.tally);
            for (r, rt) in tr.regions {
                let m = mine.regions.entry(r).or_default();
                m.tally.merge(rt.tally);
                if m.by.len() < rt.by.len() {
                    m.by.resize_with(rt.by.len(), BTreeMap::new);
                }
                for (i, groups) in rt.by.into_iter().enumerate() {
                    for (g, t) in groups {
                        m.by[i].entry(g).or_default().merge(t);
                    }
                }
                m.examples.extend(rt.examples);
                keep_first(&mut m.examples, self.options_examples);
            }
        }
        for (k, u) in other.undecided {
            let m = self.undecided.entry(k).or_default();
            m.tally.merge(u.tally);
            m.examples.extend(u.examples);
            keep_first(&mut m.examples, self.options_examples);
        }
        for (d, t) in other.changed_by_day {
            self.changed_by_day.entry(d).or_default().merge(t);
        }
    }
}

/// A row's values with their hash (FNV-1a), which orders example rows.
pub(crate) fn hashed(values: Vec<String>) -> (u64, Vec<String>) {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for v in &values {
        for b in v.bytes().chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    (h, values)
}

pub(crate) fn keep_first(set: &mut BTreeSet<(u64, Vec<String>)>, n: usize) {
    while set.len() > n {
        set.pop_last();
    }
}
