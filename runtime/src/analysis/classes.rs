//! The partition of a slice's columns into classes: for each column, the values every row of
//! the table treats alike (the same set of accepting rows). The input space of a time slice is
//! the product of its columns' classes, a finite partition over which `verify` answers its
//! questions exactly and `diff` compares two versions cell by cell.

use crate::bitset::RowSet;
use crate::engine::{ColumnIndex, Key};

/// A class of one column's values in one slice.
#[derive(Clone, Debug)]
pub(crate) struct Class {
    pub(crate) keys: Vec<Key>,
    pub(crate) rows: RowSet,
}

/// The classes of one column's values: values that select the same rows. `Key::Absent` takes
/// part only when the column's input can be missing (`may_be_absent`): a required input is never
/// absent, and a class of it alone would stand for requests that cannot be made.
/// For a column that counts days (`days`), each class's number is a whole day where it can be.
pub(crate) fn classes(index: &ColumnIndex, may_be_absent: bool, days: bool) -> Vec<Class> {
    let mut groups: Vec<Class> = Vec::new();
    let mut add = |key: Key, rows: &RowSet| {
        if key == Key::Absent && !may_be_absent {
            return;
        }
        match groups.iter_mut().find(|c| c.rows == *rows) {
            Some(c) => c.keys.push(key),
            None => groups.push(Class {
                keys: vec![key],
                rows: rows.clone(),
            }),
        }
    };
    match index {
        ColumnIndex::Category(by) => {
            let n = by.len().saturating_sub(1);
            for (i, rows) in by.iter().enumerate() {
                add(
                    if i == n {
                        Key::Absent
                    } else {
                        Key::Category(i as u32)
                    },
                    rows,
                );
            }
        }
        ColumnIndex::Number {
            breaks,
            regions,
            absent,
        } => {
            for (j, rows) in regions.iter().enumerate() {
                let lo = j.checked_sub(1).and_then(|k| breaks.get(k)).copied();
                let rep = super::witness::representative(lo, breaks.get(j).copied(), days);
                add(Key::Number(rep), rows);
            }
            add(Key::Absent, absent);
        }
        ColumnIndex::Flag(f) => {
            add(Key::Flag(false), &f[0]);
            add(Key::Flag(true), &f[1]);
            add(Key::Absent, &f[2]);
        }
    }
    groups
}

/// The regions a number column's class covers, for words: `[lo, hi)` per key.
pub(crate) fn number_range(index: &ColumnIndex, key: i64) -> (Option<i64>, Option<i64>) {
    if let ColumnIndex::Number { breaks, .. } = index {
        let j = breaks.partition_point(|b| *b <= key);
        let lo = if j == 0 { None } else { Some(breaks[j - 1]) };
        let hi = breaks.get(j).copied();
        return (lo, hi);
    }
    (None, None)
}
