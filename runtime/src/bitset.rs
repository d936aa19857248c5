//! `RowSet`: a fixed-size bitset of table rows, the unit of indexed evaluation.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RowSet {
    words: Vec<u64>,
}

impl RowSet {
    pub fn empty(rows: usize) -> RowSet {
        RowSet {
            words: vec![0; rows.div_ceil(64)],
        }
    }

    pub fn full(rows: usize) -> RowSet {
        let mut s = RowSet {
            words: vec![u64::MAX; rows.div_ceil(64)],
        };
        if !rows.is_multiple_of(64) {
            if let Some(last) = s.words.last_mut() {
                *last = (1u64 << (rows % 64)) - 1;
            }
        }
        s
    }

    pub fn insert(&mut self, row: usize) {
        if let Some(w) = self.words.get_mut(row / 64) {
            *w |= 1 << (row % 64);
        }
    }

    pub fn contains(&self, row: usize) -> bool {
        self.words
            .get(row / 64)
            .is_some_and(|w| w & (1 << (row % 64)) != 0)
    }

    /// `self &= other`.
    pub fn and_with(&mut self, other: &RowSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= *b;
        }
    }

    /// Writes `a & b` into `self` (all three of the same size).
    pub fn assign_and(&mut self, a: &RowSet, b: &RowSet) {
        for ((out, x), y) in self.words.iter_mut().zip(&a.words).zip(&b.words) {
            *out = x & y;
        }
    }

    pub fn copy_from(&mut self, other: &RowSet) {
        self.words.clear();
        self.words.extend_from_slice(&other.words);
    }

    /// The 64-row words of the set, lowest rows first.
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    /// The positions of the words that are not zero, in increasing order.
    pub fn nonzero_words(&self) -> Vec<u32> {
        self.words
            .iter()
            .enumerate()
            .filter(|(_, w)| **w != 0)
            .map(|(i, _)| i as u32)
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    /// The rows in the set, in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let bit = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(i * 64 + bit)
            })
        })
    }

    pub fn first(&self) -> Option<usize> {
        self.iter().next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations() {
        let mut a = RowSet::full(70);
        assert_eq!(a.iter().count(), 70);
        let mut b = RowSet::empty(70);
        b.insert(3);
        b.insert(69);
        a.and_with(&b);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![3, 69]);
        assert!(!a.contains(4));
        assert_eq!(a.first(), Some(3));
        assert!(RowSet::empty(10).is_empty());
    }
}
