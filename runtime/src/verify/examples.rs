//! Confirming an overlap with a request: the classes' first members, then other members in
//! turn, then entry by entry where a column reads an attribute of an entry another keys.

use super::{SliceView, ENTRY_TRIES};
use crate::artifact::Column;
use crate::engine::{Engine, Key};
use crate::value::Value;

impl Engine {
    /// A request matching rows `r1` and `r2` found entry by entry: for each column that keys
    /// an entry (`t.port`), each entry of each class both rows hold, with the other columns
    /// from `choice` and the columns reading the entry's attributes following from it; the
    /// first that `confirm` accepts. At most `ENTRY_TRIES` requests are built.
    pub(super) fn example_over_entries(
        &self,
        id: u32,
        v: &SliceView,
        r1: usize,
        r2: usize,
        choice: &[Option<usize>],
        confirm: &dyn Fn(&[Value]) -> bool,
    ) -> Option<Vec<Value>> {
        let d = self.decision(id)?;
        let first_keys: Vec<Option<Key>> = choice
            .iter()
            .enumerate()
            .map(|(c, ch)| {
                ch.and_then(|k| v.classes.get(c).and_then(|cs| cs.get(k)))
                    .and_then(|class| class.keys.first().copied())
            })
            .collect();
        let mut tries = 0;
        for (c, col) in d.columns.iter().enumerate() {
            let Column::Category {
                domain: crate::artifact::Domain::Entity(_),
                ..
            } = col
            else {
                continue;
            };
            let Some(classes) = v.classes.get(c) else {
                continue;
            };
            for class in classes
                .iter()
                .filter(|k| k.rows.contains(r1) && k.rows.contains(r2))
            {
                for key in &class.keys {
                    if tries >= ENTRY_TRIES {
                        return None;
                    }
                    tries += 1;
                    let mut keys = first_keys.clone();
                    keys[c] = Some(*key);
                    let inputs = self.example_keys(
                        id,
                        v.day,
                        &crate::analysis::witness::entries_first(d, &keys),
                        None,
                    );
                    if confirm(&inputs) {
                        return Some(inputs);
                    }
                }
            }
        }
        None
    }

    /// Like [`Engine::example`], but an entry a category column keys is kept: the keys of
    /// columns that read its attributes are left out (they follow from the entry).
    /// `attempt` 0 takes each class's first value; later attempts other values, in turn.
    pub(super) fn example_entries_first(
        &self,
        id: u32,
        v: &SliceView,
        choice: &[Option<usize>],
        attempt: usize,
    ) -> Vec<Value> {
        let Some(d) = self.decision(id) else {
            return Vec::new();
        };
        let keys: Vec<Option<Key>> = choice
            .iter()
            .enumerate()
            .map(|(c, ch)| {
                ch.and_then(|k| v.classes.get(c).and_then(|cs| cs.get(k)))
                    .and_then(|class| {
                        let n = class.keys.len().max(1);
                        // Column by column, a different stride, so that values combine.
                        let pick = attempt.wrapping_mul(2 * c + 1) % n;
                        class.keys.get(pick).copied()
                    })
            })
            .collect();
        self.example_keys(
            id,
            v.day,
            &crate::analysis::witness::entries_first(d, &keys),
            None,
        )
    }
}
