//! Static verification of decision tables: overlaps, gaps, rules that can never fire, rules
//! contained in others. See `docs/verification.md` for the algorithm and its cost.
//!
//! In each time slice, each column's values fall into *classes*: values that every row treats
//! alike (the same set of accepting rows). The input space of a slice is the product of the
//! columns' classes, a finite partition; every question below is answered over it exactly,
//! with a concrete request built for each finding and evaluated to confirm it.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::artifact::{Column, DecisionTable, Domain, Hit, NumExpr};
use crate::bitset::RowSet;
use crate::engine::{ColumnIndex, Engine, Key, Verdict};
use crate::value::{TypeDesc, Value};

mod examples;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingKind {
    /// Two rules of a `unique` decision match the same request with different outcomes.
    Overlap,
    /// Requests no rule answers, in a decision without `otherwise`.
    Gap,
    /// A rule that never applies: never in force, or a condition that can never hold then.
    Dead,
    /// A rule of a `first`/`priority` decision that earlier or stronger rules always pre-empt.
    Shadowed,
    /// A rule whose every match another rule with the same outcome also matches.
    Subsumed,
}

/// The most requests built to confirm one overlap from the first classes both rows hold.
const EXAMPLE_TRIES: usize = 32;

/// The most requests built to confirm one overlap entry by entry (`example_over_entries`).
const ENTRY_TRIES: usize = 512;

/// One finding, with the region of the input space and a request that exhibits it.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub kind: FindingKind,
    pub decision: String,
    /// The rules concerned (indices into the decision's rules); the first is the subject.
    pub rules: Vec<u32>,
    /// The time slice: first day (inclusive), last day (exclusive); `None` is unbounded.
    pub from: Option<i64>,
    pub until: Option<i64>,
    /// Column → the values of the region, in words.
    pub region: Vec<(String, String)>,
    /// A request (as JSON) in the region, confirmed by evaluation.
    pub example: Option<Json>,
    pub message: String,
}

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
                let rep = crate::witness::representative(lo, breaks.get(j).copied(), days);
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

struct SliceView<'a> {
    day: i64,
    from: Option<i64>,
    until: Option<i64>,
    active: &'a RowSet,
    indexes: &'a [std::sync::Arc<ColumnIndex>],
    classes: Vec<Vec<Class>>,
}

impl Engine {
    fn views(&self, decision: u32) -> Vec<SliceView<'_>> {
        let Some(d) = self.decision(decision) else {
            return Vec::new();
        };
        (0..self.slice_count(decision))
            .filter_map(|s| {
                let (active, indexes) = self.slice(decision, s)?;
                let from = if s == 0 {
                    None
                } else {
                    d.boundaries.get(s - 1).copied()
                };
                let until = d.boundaries.get(s).copied();
                // A decision that never changes is read on the artifact's latest change day.
                let latest = self
                    .artifact()
                    .decisions
                    .iter()
                    .filter_map(|d| d.boundaries.last())
                    .max()
                    .copied()
                    .unwrap_or(0);
                let day = from.unwrap_or_else(|| until.map_or(latest, |u| u - 1));
                let classes = indexes
                    .iter()
                    .zip(&d.columns)
                    .map(|(i, c)| {
                        let days =
                            matches!(c, Column::Number { expr, .. } if self.counts_days(d, expr));
                        classes(i, self.column_may_be_absent(d, c), days)
                    })
                    .collect();
                Some(SliceView {
                    day,
                    from,
                    until,
                    active,
                    indexes,
                    classes,
                })
            })
            .collect()
    }

    /// Every finding for every decision, in decision order.
    pub fn verify(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for (i, d) in self.artifact().decisions.iter().enumerate() {
            out.extend(self.verify_decision(i as u32, d));
        }
        out
    }

    fn verify_decision(&self, id: u32, d: &DecisionTable) -> Vec<Finding> {
        let views = self.views(id);
        let mut out = Vec::new();
        let rows_of = |r: usize| -> Vec<usize> {
            d.rows
                .iter()
                .enumerate()
                .filter(|(_, row)| row.rule as usize == r)
                .map(|(i, _)| i)
                .collect()
        };

        // Overlaps: two rules of a unique decision that match one request. `unique` is DMN's
        // strict reading: the runtime answers `conflict` for any overlap, equal outcomes or not,
        // and so does verify (docs/verification.md).
        if d.hit == Hit::Unique {
            let mut seen = std::collections::BTreeSet::new();
            for v in &views {
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
        }

        // Gaps: requests no rule answers, when there is no `otherwise`.
        if d.otherwise.is_none() {
            for v in &views {
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
        }

        // A finding about a rule as a whole (no region, no example).
        let about = |kind: FindingKind, rules: Vec<u32>, message: String| Finding {
            kind,
            decision: d.name.clone(),
            from: d.rules.get(rules[0] as usize).and_then(|r| r.from),
            until: d.rules.get(rules[0] as usize).and_then(|r| r.until),
            rules,
            region: Vec::new(),
            example: None,
            message,
        };
        // Findings about one version of a rule (a rule that reads dated values is compiled into
        // one version per period and value): a rule is reported only as a whole, below.
        let mut per_version: Vec<Vec<Finding>> = vec![Vec::new(); d.rules.len()];
        for (r, rule) in d.rules.iter().enumerate() {
            let rows = rows_of(r);
            let in_force: Vec<&SliceView> = views
                .iter()
                .filter(|v| rows.iter().any(|&i| v.active.contains(i)))
                .collect();
            // Dead: never in force, or some condition can never hold while it is.
            if in_force.is_empty() {
                per_version[r].push(about(
                    FindingKind::Dead,
                    vec![r as u32],
                    format!("rule `{}` is never in force", rule.name),
                ));
                continue;
            }
            let satisfiable = |v: &SliceView, i: usize| {
                v.classes
                    .iter()
                    .all(|cs| cs.iter().any(|c| c.rows.contains(i)))
            };
            if !in_force
                .iter()
                .any(|v| rows.iter().any(|&i| satisfiable(v, i)))
            {
                let reason = self.unsatisfied(d, in_force[0], &rows);
                per_version[r].push(about(
                    FindingKind::Dead,
                    vec![r as u32],
                    format!("rule `{}` can never apply: {reason}", rule.name),
                ));
                continue;
            }
            // Shadowed: in `first`/`priority`, stronger rules match wherever this one does.
            if matches!(d.hit, Hit::First | Hit::Priority) {
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
                        for i in rows_of(*o) {
                            if v.active.contains(i) {
                                shadow.insert(i);
                            }
                        }
                    }
                    rows.iter()
                        .any(|&i| v.active.contains(i) && can_fire(v, 0, i, &shadow))
                });
                if !fires {
                    let names: Vec<String> = stronger
                        .iter()
                        .map(|o| format!("`{}`", d.rules[*o].name))
                        .collect();
                    per_version[r].push(Finding {
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
                    });
                    continue;
                }
            }
            // Subsumed: another rule with the same outcome matches wherever this one does, and
            // removing this one changes no answer. Only where that is proven: in `unique` such a
            // pair is an overlap (answered `conflict`), in `collect` every matching rule is part
            // of the answer, and in `first`/`priority` a rule ranked between the two could take
            // over (`takes_over`).
            if matches!(d.hit, Hit::Unique | Hit::Collect) {
                continue;
            }
            for (o, other) in d.rules.iter().enumerate() {
                if o == r || other.outcome != rule.outcome || other.name == rule.name {
                    continue;
                }
                if self.takes_over(d, &views, r, o, &rows_of) {
                    continue;
                }
                let orows = rows_of(o);
                let contained = in_force.iter().all(|v| {
                    rows.iter().filter(|&&i| v.active.contains(i)).all(|&i| {
                        let mut only = RowSet::empty(d.rows.len());
                        for &j in &orows {
                            if v.active.contains(j) {
                                only.insert(j);
                            }
                        }
                        !can_fire(v, 0, i, &only)
                    })
                });
                // Equal rules subsume each other; report only the later one.
                let mutual = contained
                    && views.iter().all(|v| {
                        orows.iter().filter(|&&j| v.active.contains(j)).all(|&j| {
                            let mut only = RowSet::empty(d.rows.len());
                            for &i in &rows {
                                if v.active.contains(i) {
                                    only.insert(i);
                                }
                            }
                            !can_fire(v, 0, j, &only)
                        })
                    });
                if contained && (!mutual || r > o) {
                    per_version[r].push(about(
                        FindingKind::Subsumed,
                        vec![r as u32, o as u32],
                        format!("rule `{}` adds nothing: rule `{}` has the same outcome and matches wherever it does", rule.name, other.name),
                    ));
                    break;
                }
            }
        }
        // A rule is dead when every version is; shadowed when every version that can apply is;
        // a hint of subsumption is given for a rule of one version only (removing it removes
        // every version).
        let mut names: Vec<&str> = Vec::new();
        for rule in &d.rules {
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

    /// Why no row of a rule can match in a slice: the first column none of its values satisfy.
    fn unsatisfied(&self, d: &DecisionTable, v: &SliceView, rows: &[usize]) -> String {
        for &i in rows {
            for (c, cs) in v.classes.iter().enumerate() {
                if !cs.iter().any(|cl| cl.rows.contains(i)) {
                    let conds: Vec<String> = d.rows[i]
                        .atoms
                        .iter()
                        .filter(|a| a.column as usize == c)
                        .map(|a| match &a.test {
                            crate::artifact::Test::Member { set, negate: false } => {
                                let s = self.artifact().sets.get(*set as usize);
                                let empty = s
                                    .and_then(|s| {
                                        s.slices
                                            .iter()
                                            .rev()
                                            .find(|sl| sl.from.is_none_or(|f| f <= v.day))
                                    })
                                    .is_none_or(|sl| sl.members.is_empty());
                                let name = s.map_or("?", |s| s.name.as_str());
                                if empty {
                                    format!("`{name}` is empty then")
                                } else {
                                    format!("membership in `{name}`")
                                }
                            }
                            _ => String::new(),
                        })
                        .filter(|t| !t.is_empty())
                        .collect();
                    let col = crate::engine::column_text(&d.columns[c]);
                    return match conds.first() {
                        Some(why) => {
                            format!("its test of `{col}` never holds while it is in force ({why})")
                        }
                        None => format!("its tests of `{col}` contradict each other"),
                    };
                }
            }
        }
        "its conditions never hold while it is in force".into()
    }

    /// The region of a choice of classes, in words (only the columns chosen).
    fn region(
        &self,
        d: &DecisionTable,
        v: &SliceView,
        choice: &[Option<usize>],
    ) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (c, ch) in choice.iter().enumerate() {
            let Some(k) = ch else { continue };
            let Some(class) = v.classes.get(c).and_then(|cs| cs.get(*k)) else {
                continue;
            };
            let col = &d.columns[c];
            out.push((
                crate::engine::column_text(col),
                self.describe_class(d, col, &v.indexes[c], class),
            ));
        }
        out
    }

    fn describe_class(
        &self,
        d: &DecisionTable,
        col: &Column,
        index: &ColumnIndex,
        class: &Class,
    ) -> String {
        let mut parts: Vec<String> = Vec::new();
        // "Absent" is worth saying only when it is the whole class.
        let keys: Vec<&Key> = if class.keys.len() > 1 {
            class.keys.iter().filter(|k| **k != Key::Absent).collect()
        } else {
            class.keys.iter().collect()
        };
        let total = keys.len();
        for key in keys.into_iter().take(6) {
            parts.push(match (col, key) {
                (_, Key::Absent) => "absent".into(),
                (Column::Category { domain, .. }, Key::Category(v)) => {
                    self.domain_name(*domain, *v)
                }
                (Column::Number { expr, .. }, Key::Number(n)) => {
                    let ty = number_type(self, d, expr);
                    let f = |x: i64| self.format_number(ty.as_ref(), x);
                    match number_range(index, *n) {
                        (None, None) => "any".into(),
                        (None, Some(h)) => format!("at most {}", f(h - 1)),
                        (Some(l), None) => format!("at least {}", f(l)),
                        (Some(l), Some(h)) if h == l + 1 => f(l),
                        (Some(l), Some(h)) => format!("{} to {}", f(l), f(h - 1)),
                    }
                }
                (Column::Same { .. }, Key::Flag(b)) => {
                    if *b {
                        "equal".into()
                    } else {
                        "different".into()
                    }
                }
                (_, Key::Flag(b)) => {
                    if *b {
                        "true".into()
                    } else {
                        "false".into()
                    }
                }
                _ => "?".into(),
            });
        }
        if total > 6 {
            parts.push(format!("and {} more", total - 6));
        }
        parts.join(", ")
    }

    fn domain_name(&self, domain: Domain, v: u32) -> String {
        let cat = &self.artifact().catalogue;
        match domain {
            Domain::Entity(t) => cat
                .entity_types
                .get(t as usize)
                .and_then(|t| t.entities.get(v as usize))
                .map(|e| e.name.clone()),
            Domain::Enum(e) => cat
                .enums
                .get(e as usize)
                .and_then(|e| e.variants.get(v as usize))
                .cloned(),
        }
        .unwrap_or_else(|| v.to_string())
    }

    /// A request inside the chosen classes (columns not chosen keep default values).
    fn example(&self, id: u32, v: &SliceView, choice: &[Option<usize>]) -> Vec<Value> {
        let keys: Vec<Option<Key>> = choice
            .iter()
            .enumerate()
            .map(|(c, ch)| {
                ch.and_then(|k| v.classes.get(c).and_then(|cs| cs.get(k)))
                    .map(|class| class.keys[0])
            })
            .collect();
        self.example_keys(id, v.day, &keys, None)
    }
}

pub(crate) fn strip(t: &TypeDesc) -> &TypeDesc {
    match t {
        TypeDesc::Optional(inner) => strip(inner),
        other => other,
    }
}

/// The type of a numeric column's values (a difference of date-times is a duration).
pub fn number_type(engine: &Engine, d: &DecisionTable, e: &NumExpr) -> Option<TypeDesc> {
    match e {
        NumExpr::Path(p) => engine.path_type(d, p).map(|t| strip(&t).clone()),
        NumExpr::Const(_) => None,
        NumExpr::Sub(a, b) => match (number_type(engine, d, a), number_type(engine, d, b)) {
            (Some(TypeDesc::DateTime), Some(TypeDesc::DateTime))
            | (Some(TypeDesc::Date), Some(TypeDesc::Date)) => Some(TypeDesc::Duration),
            (Some(t), _) | (None, Some(t)) => Some(t),
            _ => None,
        },
        NumExpr::Add(a, b) => number_type(engine, d, a).or_else(|| number_type(engine, d, b)),
    }
}

/// A class per column containing both rows, if every column has one.
fn both(v: &SliceView, r1: usize, r2: usize) -> Option<Vec<Option<usize>>> {
    v.classes
        .iter()
        .map(|cs| {
            cs.iter()
                .position(|c| c.rows.contains(r1) && c.rows.contains(r2))
                .map(Some)
        })
        .collect()
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

/// Findings grouped by decision, for reports.
pub fn by_decision(findings: &[Finding]) -> BTreeMap<&str, Vec<&Finding>> {
    let mut m: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        m.entry(f.decision.as_str()).or_default().push(f);
    }
    m
}
