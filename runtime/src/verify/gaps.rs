//! Gaps: requests no rule answers, in a decision without `otherwise`, each confirmed by a
//! request the engine answers with no match.

use super::{Finding, FindingKind, SliceView};
use crate::artifact::DecisionTable;
use crate::bitset::RowSet;
use crate::engine::{Engine, Verdict};

impl Engine {
    // Gaps: requests no rule answers, when there is no `otherwise`.
    pub(super) fn gaps(&self, id: u32, d: &DecisionTable, views: &[SliceView]) -> Vec<Finding> {
        let mut out = Vec::new();
        for v in views {
            let mut choice = vec![None; v.classes.len()];
            if let Some(found) = gap(v, 0, v.active.clone(), &mut choice) {
                let inputs = self.example(id, v, &found);
                if matches!(
                    self.decide(id, &inputs).map(|a| a.verdict),
                    Ok(Verdict::NoMatch)
                ) {
                    out.push(Finding {
                        kind: FindingKind::Gap,
                        decision: d.name.clone(),
                        rules: Vec::new(),
                        from: v.from,
                        until: v.until,
                        region: self.region(d, v, &found),
                        example: Some(self.request_json(id, &inputs)),
                        message: format!(
                            "no rule of `{}` answers these requests, and it has no `otherwise`",
                            d.name
                        ),
                    });
                }
            }
        }
        out
    }
}

/// Depth-first search for classes where no active row matches.
fn gap(
    v: &SliceView,
    col: usize,
    acc: RowSet,
    choice: &mut Vec<Option<usize>>,
) -> Option<Vec<Option<usize>>> {
    if acc.is_empty() {
        return Some(choice.clone());
    }
    let cs = v.classes.get(col)?;
    for (k, c) in cs.iter().enumerate() {
        let mut next = acc.clone();
        next.and_with(&c.rows);
        choice[col] = Some(k);
        if let Some(found) = gap(v, col + 1, next, choice) {
            return Some(found);
        }
    }
    choice[col] = None;
    None
}
