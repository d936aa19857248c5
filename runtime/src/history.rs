//! A policy's history cut at a day: the policy as it stood before that day, as if nothing
//! announced to start on or after it had been announced. `edict impact --old-before DAY`
//! compares a policy with its own past this way (the effect of what starts on that day).

use crate::artifact::Artifact;

impl Artifact {
    /// The policy as it stood on the day before `cut` (days since 1970-01-01), from then on:
    /// set versions, value entries and rule versions that start on or after `cut` are left
    /// out, and whatever ends on or after `cut` (a set, an entry, a rule) goes on instead.
    /// Days before `cut` are answered as before.
    pub fn before(&self, cut: i64) -> Artifact {
        let mut a = self.clone();
        let starts_later = |from: Option<i64>| from.is_some_and(|f| f >= cut);
        let goes_on = |until: &mut Option<i64>| {
            if until.is_some_and(|u| u >= cut) {
                *until = None;
            }
        };
        for set in &mut a.sets {
            set.slices.retain(|s| !starts_later(s.from));
            goes_on(&mut set.ended);
        }
        for value in &mut a.values {
            value.entries.retain(|e| !starts_later(e.from));
            for e in &mut value.entries {
                goes_on(&mut e.until);
                if e.until.is_none() {
                    e.ended_by = None;
                }
            }
        }
        for d in &mut a.decisions {
            // Rule versions that start later go; the others are renumbered in the rows.
            let mut index = Vec::with_capacity(d.rules.len());
            let mut kept = Vec::with_capacity(d.rules.len());
            for rule in d.rules.iter().cloned() {
                if starts_later(rule.from) {
                    index.push(None);
                } else {
                    index.push(Some(kept.len() as u32));
                    kept.push(rule);
                }
            }
            for rule in &mut kept {
                goes_on(&mut rule.until);
                goes_on(&mut rule.written.1);
                if rule.until.is_none() {
                    rule.ended_by = None;
                }
                rule.bindings.retain(|b| !starts_later(b.from));
                for b in &mut rule.bindings {
                    goes_on(&mut b.until);
                }
            }
            d.rules = kept.into();
            d.rows.retain_mut(
                |row| match index.get(row.rule as usize).copied().flatten() {
                    Some(r) => {
                        row.rule = r;
                        true
                    }
                    None => false,
                },
            );
            d.boundaries.retain(|b| *b < cut);
        }
        a
    }
}
