//! The column index: for each decision and time slice, one index per column (value → rows that
//! accept it, with the positions of its non-zero 64-row words), built once per version of the
//! sets a column tests and shared between slices.

use super::dense::{Dense, Shape};
use super::*;

/// A column's index in one time slice.
#[derive(Debug, PartialEq)]
pub(crate) enum ColumnIndex {
    /// Rows accepting each domain value; the last entry is for an absent value.
    Category(Vec<RowSet>),
    /// Rows accepting each region between breakpoints, and an absent value.
    Number {
        breaks: Vec<i64>,
        regions: Vec<RowSet>,
        absent: RowSet,
    },
    /// Rows accepting false, true, absent.
    Flag([RowSet; 3]),
}

/// The non-zero words of each row set of a column index, in the order of
/// [`ColumnIndex::row_sets`].
pub(super) type NonZero = Vec<Box<[u32]>>;

#[derive(Debug)]
pub(super) struct SliceIndex {
    pub(super) active: RowSet,
    /// The non-zero words of `active`.
    pub(super) active_nonzero: Box<[u32]>,
    pub(super) columns: Vec<Arc<ColumnIndex>>,
    pub(super) nonzero: Vec<Arc<NonZero>>,
}

#[derive(Debug)]
pub(super) struct Compiled {
    pub(super) slices: Vec<SliceIndex>,
    /// Rows appear in rule order, so under `hit first` the first matching row decides.
    pub(super) rows_in_rule_order: bool,
    /// The slices laid out densely, for a table of at most two 64-row words.
    pub(super) dense: Option<Dense>,
}

impl ColumnIndex {
    /// Every row set of the index, in a fixed order: values then absent, regions then absent,
    /// false, true, absent.
    pub(super) fn row_sets(&self) -> Vec<&RowSet> {
        match self {
            ColumnIndex::Category(by) => by.iter().collect(),
            ColumnIndex::Number {
                regions, absent, ..
            } => regions.iter().chain(std::iter::once(absent)).collect(),
            ColumnIndex::Flag(f) => f.iter().collect(),
        }
    }

    /// How a key finds its row set in this index.
    pub(super) fn shape(&self) -> Shape<'_> {
        match self {
            ColumnIndex::Category(by) => Shape::Category(by.len()),
            ColumnIndex::Number { breaks, .. } => Shape::Number(breaks),
            ColumnIndex::Flag(_) => Shape::Flag,
        }
    }

    /// The row set for a key, and its position in [`ColumnIndex::row_sets`].
    pub(super) fn lookup(&self, key: Key) -> Option<(&RowSet, usize)> {
        let k = self.shape().position(key)?;
        let rows = match self {
            ColumnIndex::Category(by) => by.get(k),
            ColumnIndex::Number {
                regions, absent, ..
            } => regions.get(k).or((k == regions.len()).then_some(absent)),
            ColumnIndex::Flag(f) => f.get(k),
        }?;
        Some((rows, k))
    }
}

impl Engine {
    pub(super) fn compile(&self, d: &DecisionTable) -> Compiled {
        let rows = d.rows.len();
        let mut days: Vec<Option<i64>> = vec![d.boundaries.first().map(|b| b - 1)];
        days.extend(d.boundaries.iter().map(|b| Some(*b)));
        let mut slices: Vec<SliceIndex> = Vec::new();
        // A column's index depends on the day only through the sets its membership tests read:
        // it is built once per combination of their versions, not once per slice (a decision
        // whose rules start on fifty dates has fifty slices, but a column over sets amended on
        // two dates has at most three indexes).
        let column_sets: Vec<Vec<u32>> = (0..d.columns.len())
            .map(|c| {
                let mut sets: Vec<u32> = d
                    .rows
                    .iter()
                    .flat_map(|r| r.atoms.iter())
                    .filter(|a| a.column as usize == c)
                    .filter_map(|a| match a.test {
                        Test::Member { set, .. } => Some(set),
                        _ => None,
                    })
                    .collect();
                sets.sort_unstable();
                sets.dedup();
                sets
            })
            .collect();
        type Built = (Arc<ColumnIndex>, Arc<NonZero>);
        let mut built: Vec<HashMap<Vec<Option<usize>>, Built>> =
            vec![HashMap::new(); d.columns.len()];
        for day in &days {
            let day = day.unwrap_or(i64::MIN / 4);
            let mut active = RowSet::empty(rows);
            for (i, row) in d.rows.iter().enumerate() {
                let rule = &d.rules[row.rule as usize];
                if rule.from.is_none_or(|f| f <= day) && rule.until.is_none_or(|u| day < u) {
                    active.insert(i);
                }
            }
            let mut columns = Vec::with_capacity(d.columns.len());
            let mut nonzero = Vec::with_capacity(d.columns.len());
            for (c, col) in d.columns.iter().enumerate() {
                let versions: Vec<Option<usize>> = column_sets[c]
                    .iter()
                    .map(|&s| self.set_version(s, day))
                    .collect();
                let (index, nz) = match built[c].get(&versions) {
                    Some((index, nz)) => (Arc::clone(index), Arc::clone(nz)),
                    None => {
                        let index = self.column_index(d, c as u32, col, day);
                        // Share equal indexes between neighbouring slices.
                        let (index, nz) = match slices.last() {
                            Some(prev) if *prev.columns[c] == index => {
                                (Arc::clone(&prev.columns[c]), Arc::clone(&prev.nonzero[c]))
                            }
                            _ => {
                                let nz: NonZero = index
                                    .row_sets()
                                    .iter()
                                    .map(|r| r.nonzero_words().into_boxed_slice())
                                    .collect();
                                (Arc::new(index), Arc::new(nz))
                            }
                        };
                        built[c].insert(versions, (Arc::clone(&index), Arc::clone(&nz)));
                        (index, nz)
                    }
                };
                columns.push(index);
                nonzero.push(nz);
            }
            let active_nonzero = active.nonzero_words().into_boxed_slice();
            slices.push(SliceIndex {
                active,
                active_nonzero,
                columns,
                nonzero,
            });
        }
        let rows_in_rule_order = d.rows.windows(2).all(|w| w[0].rule <= w[1].rule);
        let dense = Dense::new(d, &slices);
        Compiled {
            slices,
            rows_in_rule_order,
            dense,
        }
    }

    fn column_index(&self, d: &DecisionTable, c: u32, col: &Column, day: i64) -> ColumnIndex {
        let rows = d.rows.len();
        fn atoms_of(row: &crate::artifact::Row, c: u32) -> Vec<&crate::artifact::Atom> {
            row.atoms.iter().filter(|a| a.column == c).collect()
        }
        let accepts_all = |atoms: &[&crate::artifact::Atom], key: Key| {
            atoms
                .iter()
                .all(|a| self.accepts(col, &a.test, a.absent, key, day))
        };
        match col {
            Column::Category { domain, .. } => {
                let n = self.artifact.catalogue.domain_len(*domain).unwrap_or(0);
                let mut by = vec![RowSet::empty(rows); n + 1];
                // Memoise each distinct atom's accepted values.
                let mut memo: HashMap<(&Test, bool), Vec<bool>> = HashMap::new();
                for (i, row) in d.rows.iter().enumerate() {
                    let atoms = atoms_of(row, c);
                    let mut ok = vec![true; n + 1];
                    for a in atoms {
                        let accepted = memo.entry((&a.test, a.absent)).or_insert_with(|| {
                            let mut v: Vec<bool> = (0..n)
                                .map(|v| {
                                    self.accepts(
                                        col,
                                        &a.test,
                                        a.absent,
                                        Key::Category(v as u32),
                                        day,
                                    )
                                })
                                .collect();
                            v.push(a.absent);
                            v
                        });
                        for (o, x) in ok.iter_mut().zip(accepted.iter()) {
                            *o &= *x;
                        }
                    }
                    for (v, o) in ok.iter().enumerate() {
                        if *o {
                            by[v].insert(i);
                        }
                    }
                }
                ColumnIndex::Category(by)
            }
            Column::Number { .. } => {
                let mut breaks = Vec::new();
                for row in &d.rows {
                    for a in atoms_of(row, c) {
                        if let Test::Interval { lo, hi } = a.test {
                            breaks.extend(lo);
                            breaks.extend(hi.and_then(|h| h.checked_add(1)));
                        }
                    }
                }
                breaks.sort_unstable();
                breaks.dedup();
                let reps: Vec<i64> =
                    std::iter::once(breaks.first().map_or(0, |b| b.saturating_sub(1)))
                        .chain(breaks.iter().copied())
                        .collect();
                let mut regions = vec![RowSet::empty(rows); reps.len()];
                let mut absent = RowSet::empty(rows);
                for (i, row) in d.rows.iter().enumerate() {
                    let atoms = atoms_of(row, c);
                    for (r, rep) in reps.iter().enumerate() {
                        if accepts_all(&atoms, Key::Number(*rep)) {
                            regions[r].insert(i);
                        }
                    }
                    if accepts_all(&atoms, Key::Absent) {
                        absent.insert(i);
                    }
                }
                ColumnIndex::Number {
                    breaks,
                    regions,
                    absent,
                }
            }
            Column::Flag { .. } | Column::Same { .. } => {
                let mut f = [
                    RowSet::empty(rows),
                    RowSet::empty(rows),
                    RowSet::empty(rows),
                ];
                for (i, row) in d.rows.iter().enumerate() {
                    let atoms = atoms_of(row, c);
                    for (k, key) in [Key::Flag(false), Key::Flag(true), Key::Absent]
                        .into_iter()
                        .enumerate()
                    {
                        if accepts_all(&atoms, key) {
                            f[k].insert(i);
                        }
                    }
                }
                ColumnIndex::Flag(f)
            }
        }
    }
}
