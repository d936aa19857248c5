//! Findings about a rule as a whole, found for each version of it (a rule that reads dated
//! values is compiled into one version per period and value) and then reported per rule:
//! never applying (`Dead`), always pre-empted by stronger rules (`Shadowed`), adding nothing
//! beside a rule with the same outcome (`Subsumed`).

use super::overlaps::both;
use super::{Finding, FindingKind, SliceView};
use crate::artifact::{DecisionTable, Hit};
use crate::bitset::RowSet;
use crate::engine::Engine;

impl Engine {
    /// The findings about each version of each rule of `d`, by the version's index.
    pub(super) fn rule_versions(
        &self,
        d: &DecisionTable,
        views: &[SliceView],
    ) -> Vec<Vec<Finding>> {
        let mut per_version: Vec<Vec<Finding>> = vec![Vec::new(); d.rules.len()];
        for (r, found) in per_version.iter_mut().enumerate() {
            let rows = rows_of(d, r);
            let in_force: Vec<&SliceView> = views
                .iter()
                .filter(|v| rows.iter().any(|&i| v.active.contains(i)))
                .collect();
            let finding = self
                .dead(d, r, &rows, &in_force)
                .or_else(|| shadowed(d, r, &rows, &in_force))
                .or_else(|| self.subsumed(d, views, r, &rows, &in_force));
            found.extend(finding);
        }
        per_version
    }

    /// Dead: never in force, or some condition can never hold while it is.
    fn dead(
        &self,
        d: &DecisionTable,
        r: usize,
        rows: &[usize],
        in_force: &[&SliceView],
    ) -> Option<Finding> {
        let rule = &d.rules[r];
        if in_force.is_empty() {
            return Some(about(
                d,
                FindingKind::Dead,
                vec![r as u32],
                format!("rule `{}` is never in force", rule.name),
            ));
        }
        let satisfiable = |v: &SliceView, i: usize| {
            v.classes
                .iter()
                .all(|cs| cs.iter().any(|c| c.rows.contains(i)))
        };
        if in_force
            .iter()
            .any(|v| rows.iter().any(|&i| satisfiable(v, i)))
        {
            return None;
        }
        let reason = self.unsatisfied(d, in_force[0], rows);
        Some(about(
            d,
            FindingKind::Dead,
            vec![r as u32],
            format!("rule `{}` can never apply: {reason}", rule.name),
        ))
    }

    /// Subsumed: another rule with the same outcome matches wherever this one does, and
    /// removing this one changes no answer. Only where that is proven: in `unique` such a pair
    /// is an overlap (answered `conflict`), in `collect` every matching rule is part of the
    /// answer, and in `first`/`priority` a rule ranked between the two could take over
    /// (`takes_over`).
    fn subsumed(
        &self,
        d: &DecisionTable,
        views: &[SliceView],
        r: usize,
        rows: &[usize],
        in_force: &[&SliceView],
    ) -> Option<Finding> {
        if matches!(d.hit, Hit::Unique | Hit::Collect) {
            return None;
        }
        let rule = &d.rules[r];
        // Whether no row of `these` can match where no row of `those` does, in `slices`.
        let within = |slices: &[&SliceView], these: &[usize], those: &[usize]| {
            slices.iter().all(|v| {
                these.iter().filter(|&&i| v.active.contains(i)).all(|&i| {
                    let mut only = RowSet::empty(d.rows.len());
                    for &j in those {
                        if v.active.contains(j) {
                            only.insert(j);
                        }
                    }
                    !can_fire(v, 0, i, &only)
                })
            })
        };
        for (o, other) in d.rules.iter().enumerate() {
            if o == r || other.outcome != rule.outcome || other.name == rule.name {
                continue;
            }
            if self.takes_over(d, views, r, o, &|x| rows_of(d, x)) {
                continue;
            }
            let orows = rows_of(d, o);
            let contained = within(in_force, rows, &orows);
            // Equal rules subsume each other; report only the later one.
            let all: Vec<&SliceView> = views.iter().collect();
            let mutual = contained && within(&all, &orows, rows);
            if contained && (!mutual || r > o) {
                return Some(about(
                    d,
                    FindingKind::Subsumed,
                    vec![r as u32, o as u32],
                    format!("rule `{}` adds nothing: rule `{}` has the same outcome and matches wherever it does", rule.name, other.name),
                ));
            }
        }
        None
    }

    /// Whether, with rule `r` removed, a rule ranked between `r` and `o` (in the order of `hit
    /// first` or `hit priority`) with another outcome could decide a request `r` decided:
    /// some row of it can match together with a row of `r` in a slice where both are in force.
    fn takes_over(
        &self,
        d: &DecisionTable,
        views: &[SliceView],
        r: usize,
        o: usize,
        rows_of: &dyn Fn(usize) -> Vec<usize>,
    ) -> bool {
        // The rank of a rule: lower decides first.
        let rank = |x: usize| match d.hit {
            Hit::Priority => (std::cmp::Reverse(d.rules[x].priority), x),
            _ => (std::cmp::Reverse(0), x),
        };
        let between: Vec<usize> = (0..d.rules.len())
            .filter(|&k| k != r && k != o && rank(r) < rank(k) && rank(k) < rank(o))
            .filter(|&k| d.rules[k].outcome != d.rules[r].outcome)
            .collect();
        between.iter().any(|&k| {
            views.iter().any(|v| {
                rows_of(r).into_iter().any(|i| {
                    v.active.contains(i)
                        && rows_of(k)
                            .into_iter()
                            .any(|j| v.active.contains(j) && both(v, i, j).is_some())
                })
            })
        })
    }
}

/// Shadowed: in `first`/`priority`, stronger rules match wherever this one does.
fn shadowed(
    d: &DecisionTable,
    r: usize,
    rows: &[usize],
    in_force: &[&SliceView],
) -> Option<Finding> {
    if !matches!(d.hit, Hit::First | Hit::Priority) {
        return None;
    }
    let rule = &d.rules[r];
    let stronger: Vec<usize> = (0..d.rules.len())
        .filter(|&o| {
            o != r
                && match d.hit {
                    Hit::First => o < r,
                    _ => {
                        d.rules[o].priority > rule.priority
                            || (d.rules[o].priority == rule.priority && o < r)
                    }
                }
        })
        .collect();
    let fires = in_force.iter().any(|v| {
        let mut shadow = RowSet::empty(d.rows.len());
        for o in &stronger {
            for i in rows_of(d, *o) {
                if v.active.contains(i) {
                    shadow.insert(i);
                }
            }
        }
        rows.iter()
            .any(|&i| v.active.contains(i) && can_fire(v, 0, i, &shadow))
    });
    if fires {
        return None;
    }
    let names: Vec<String> = stronger
        .iter()
        .map(|o| format!("`{}`", d.rules[*o].name))
        .collect();
    Some(Finding {
        kind: FindingKind::Shadowed,
        decision: d.name.clone(),
        rules: std::iter::once(r as u32)
            .chain(stronger.iter().map(|o| *o as u32))
            .collect(),
        from: rule.from,
        until: rule.until,
        region: Vec::new(),
        example: None,
        message: format!(
            "rule `{}` can never decide: {} always match{} first",
            rule.name,
            names.join(", "),
            if names.len() == 1 { "es" } else { "" }
        ),
    })
}

/// The findings per rule from those per version.
pub(super) fn by_rule(d: &DecisionTable, per_version: &[Vec<Finding>]) -> Vec<Finding> {
    let mut out = Vec::new();
    // A rule is dead when every version is; shadowed when every version that can apply is;
    // a hint of subsumption is given for a rule of one version only (removing it removes
    // every version).
    let mut names: Vec<&str> = Vec::new();
    for rule in d.rules.iter() {
        if !names.contains(&rule.name.as_str()) {
            names.push(&rule.name);
        }
    }
    for name in names {
        let versions: Vec<usize> = (0..d.rules.len())
            .filter(|&r| d.rules[r].name == name)
            .collect();
        let first_of = |kind: FindingKind, among: &[usize]| {
            among
                .iter()
                .find_map(|&r| per_version[r].iter().find(|f| f.kind == kind))
                .cloned()
        };
        let is = |r: usize, kind: FindingKind| per_version[r].iter().any(|f| f.kind == kind);
        if versions.iter().all(|&r| is(r, FindingKind::Dead)) {
            // The most telling reason: a test that never holds, else never in force.
            let reason = versions
                .iter()
                .flat_map(|&r| &per_version[r])
                .find(|f| f.message.contains("can never apply"))
                .cloned()
                .or_else(|| first_of(FindingKind::Dead, &versions));
            out.extend(reason);
            continue;
        }
        let live: Vec<usize> = versions
            .iter()
            .copied()
            .filter(|&r| !is(r, FindingKind::Dead))
            .collect();
        if live.iter().all(|&r| is(r, FindingKind::Shadowed)) {
            out.extend(first_of(FindingKind::Shadowed, &live));
            continue;
        }
        if versions.len() == 1 {
            out.extend(first_of(FindingKind::Subsumed, &versions));
        }
    }
    out
}

/// A finding about a rule as a whole (no region, no example).
fn about(d: &DecisionTable, kind: FindingKind, rules: Vec<u32>, message: String) -> Finding {
    Finding {
        kind,
        decision: d.name.clone(),
        from: d.rules.get(rules[0] as usize).and_then(|r| r.from),
        until: d.rules.get(rules[0] as usize).and_then(|r| r.until),
        rules,
        region: Vec::new(),
        example: None,
        message,
    }
}

/// The table rows of rule version `r`.
pub(super) fn rows_of(d: &DecisionTable, r: usize) -> Vec<usize> {
    d.rows
        .iter()
        .enumerate()
        .filter(|(_, row)| row.rule as usize == r)
        .map(|(i, _)| i)
        .collect()
}

/// Is there a point where row `row` matches and no row of `shadow` does?
fn can_fire(v: &SliceView, col: usize, row: usize, shadow: &RowSet) -> bool {
    if shadow.is_empty() {
        return v.classes[col..]
            .iter()
            .all(|cs| cs.iter().any(|c| c.rows.contains(row)));
    }
    let Some(cs) = v.classes.get(col) else {
        return false;
    };
    cs.iter().filter(|c| c.rows.contains(row)).any(|c| {
        let mut next = shadow.clone();
        next.and_with(&c.rows);
        can_fire(v, col + 1, row, &next)
    })
}
