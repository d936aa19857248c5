//! Overlaps: two rules of a `unique` decision that match one request, each confirmed by a
//! request the engine answers `conflict`.

use super::{Finding, FindingKind, SliceView, EXAMPLE_TRIES};
use crate::artifact::DecisionTable;
use crate::engine::{Engine, Verdict};
use crate::value::Value;

impl Engine {
    // Overlaps: two rules of a unique decision that match one request. `unique` is DMN's
    // strict reading: the runtime answers `conflict` for any overlap, equal outcomes or not,
    // and so does verify (docs/verification.md).
    pub(super) fn overlaps(&self, id: u32, d: &DecisionTable, views: &[SliceView]) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for v in views {
            for r1 in v.active.iter() {
                for r2 in v.active.iter().filter(|r2| *r2 > r1) {
                    let (a, b) = (d.rows[r1].rule, d.rows[r2].rule);
                    // Every rule that overlaps another is named by a finding, and a pair
                    // is reported only when it names a rule no finding has named yet (the
                    // later of the two is the subject). Versions of one rule (one per value
                    // it reads) never overlap.
                    let (an, bn) = (&d.rules[a as usize].name, &d.rules[b as usize].name);
                    if a == b || an == bn || (seen.contains(an) && seen.contains(bn)) {
                        continue;
                    }
                    let Some(choice) = both(v, r1, r2) else {
                        continue;
                    };
                    // Any versions of the two rules: a request may fall in another
                    // version of one of them (another value it reads) than the row's.
                    let named = |rs: &[u32], n: &str| {
                        rs.iter()
                            .any(|r| d.rules.get(*r as usize).is_some_and(|x| x.name == n))
                    };
                    let conflict = |inputs: &[Value]| matches!(self.decide(id, inputs).map(|a| a.verdict), Ok(Verdict::Conflict(rs)) if named(&rs, an) && named(&rs, bn));
                    let mut inputs = self.example(id, v, &choice);
                    let mut confirmed = conflict(&inputs);
                    // A column reading an attribute of an entry (`t.port.kind`) may have
                    // chosen another entry than the entry's own column, or the first
                    // values of the classes may not fit one another: keep the entries,
                    // and try other members of the classes (a bounded search).
                    let mut attempt = 0;
                    while !confirmed && attempt < EXAMPLE_TRIES {
                        inputs = self.example_entries_first(id, v, &choice, attempt);
                        confirmed = conflict(&inputs);
                        attempt += 1;
                    }
                    // Columns are not independent where one reads an attribute of an entry
                    // another keys: try each entry of every class both rows hold, the
                    // attributes following from it.
                    if !confirmed {
                        if let Some(found) =
                            self.example_over_entries(id, v, r1, r2, &choice, &conflict)
                        {
                            inputs = found;
                            confirmed = true;
                        }
                    }
                    if confirmed {
                        seen.insert(an.clone());
                        seen.insert(bn.clone());
                        out.push(Finding {
                            kind: FindingKind::Overlap,
                            decision: d.name.clone(),
                            rules: vec![a.max(b), a.min(b)],
                            from: v.from,
                            until: v.until,
                            region: self.region(d, v, &choice),
                            example: Some(self.request_json(id, &inputs)),
                            message: if d.rules[a as usize].outcome
                                == d.rules[b as usize].outcome
                            {
                                format!(
                                    "rules `{}` and `{}` both match (with the same outcome), and a `unique` decision answers `conflict`",
                                    d.rules[a.min(b) as usize].name,
                                    d.rules[a.max(b) as usize].name
                                )
                            } else {
                                format!(
                                    "rules `{}` and `{}` both match and decide differently",
                                    d.rules[a.min(b) as usize].name,
                                    d.rules[a.max(b) as usize].name
                                )
                            },
                        });
                    }
                }
            }
        }
        out
    }
}

/// A class per column containing both rows, if every column has one.
pub(super) fn both(v: &SliceView, r1: usize, r2: usize) -> Option<Vec<Option<usize>>> {
    v.classes
        .iter()
        .map(|cs| {
            cs.iter()
                .position(|c| c.rows.contains(r1) && c.rows.contains(r2))
                .map(Some)
        })
        .collect()
}
