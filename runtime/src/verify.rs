//! Static verification of decision tables: overlaps, gaps, rules that can never fire, rules
//! contained in others. See `docs/verification.md` for the algorithm and its cost.
//!
//! In each time slice, each column's values fall into *classes*: values that every row treats
//! alike (the same set of accepting rows). The input space of a slice is the product of the
//! columns' classes, a finite partition; every question below is answered over it exactly,
//! with a concrete request built for each finding and evaluated to confirm it.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::analysis::{classes, number_range, number_type, Class};
use crate::artifact::{Column, DecisionTable, Domain, Hit};
use crate::bitset::RowSet;
use crate::engine::{ColumnIndex, Engine, Key};
use crate::value::Value;

mod examples;
mod gaps;
mod overlaps;
mod rules;

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
        if d.hit == Hit::Unique {
            out.extend(self.overlaps(id, d, &views));
        }
        if d.otherwise.is_none() {
            out.extend(self.gaps(id, d, &views));
        }
        out.extend(rules::by_rule(d, &self.rule_versions(d, &views)));
        out
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
        self.artifact()
            .catalogue
            .member_name(domain, v)
            .map_or_else(|| v.to_string(), str::to_string)
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

/// Findings grouped by decision, for reports.
pub fn by_decision(findings: &[Finding]) -> BTreeMap<&str, Vec<&Finding>> {
    let mut m: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        m.entry(f.decision.as_str()).or_default().push(f);
    }
    m
}
