//! What changed in the sources, above the regions: sets whose members differ on some days (what
//! the new version adds and drops, by period), and rules added, removed or changed (conditions,
//! outcome, period, citation, priority), each with its citation.

use std::collections::BTreeSet;

use super::cells::domain_name;
use super::words::describe_period;
use crate::artifact::{Citation, RuleInfo, SetTimeline};
use crate::engine::Engine;

/// One change in the sources.
#[derive(Clone, Debug, PartialEq)]
pub enum SourceChange {
    /// A set only the new version has, with its members on its first day.
    SetAdded {
        set: String,
        members: Vec<String>,
    },
    /// A set only the old version has.
    SetRemoved {
        set: String,
    },
    /// A set whose members differ on some days: per period, what the new version adds and drops.
    SetChanged {
        set: String,
        periods: Vec<SetDelta>,
    },
    RuleAdded {
        decision: String,
        rule: RuleSummary,
    },
    RuleRemoved {
        decision: String,
        rule: RuleSummary,
    },
    /// A rule of the same name whose `what` (conditions, outcome, period, citation, priority)
    /// changed; `rule` is the new version.
    RuleChanged {
        decision: String,
        rule: RuleSummary,
        what: Vec<String>,
    },
}

/// A set's members in a period, new version against old.
#[derive(Clone, Debug, PartialEq)]
pub struct SetDelta {
    pub from: Option<i64>,
    pub until: Option<i64>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// A rule as a summary names it.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleSummary {
    pub name: String,
    /// `nia_2025_11 item 4`.
    pub citation: Option<String>,
    /// `from 2025-11-05`, `at all times`.
    pub period: String,
}

/// A citation as written in a rule: `source item N`.
pub fn citation_text(c: &Citation) -> String {
    match c.item {
        Some(i) => format!("{} item {i}", c.source),
        None => c.source.clone(),
    }
}

fn rule_summary(r: &RuleInfo) -> RuleSummary {
    RuleSummary {
        name: r.name.clone(),
        citation: r.citation.as_ref().map(citation_text),
        period: describe_period(r.from, r.until),
    }
}

/// The changes in the sources between two versions, sets first, then rules by decision.
pub fn summarize(old: &Engine, new: &Engine) -> Vec<SourceChange> {
    let mut out = Vec::new();
    let (oa, na) = (old.artifact(), new.artifact());
    let mut names: BTreeSet<&str> = oa.sets.iter().map(|s| s.name.as_str()).collect();
    names.extend(na.sets.iter().map(|s| s.name.as_str()));
    for name in names {
        let o = oa.sets.iter().find(|s| s.name == name);
        let n = na.sets.iter().find(|s| s.name == name);
        match (o, n) {
            (None, Some(n)) => out.push(SourceChange::SetAdded {
                set: name.to_string(),
                members: n
                    .slices
                    .first()
                    .map(|s| sorted_names(new, n, &s.members))
                    .unwrap_or_default(),
            }),
            (Some(_), None) => out.push(SourceChange::SetRemoved {
                set: name.to_string(),
            }),
            (Some(o), Some(n)) => {
                let periods = set_deltas(old, o, new, n);
                if !periods.is_empty() {
                    out.push(SourceChange::SetChanged {
                        set: name.to_string(),
                        periods,
                    });
                }
            }
            (None, None) => {}
        }
    }
    for nd in &na.decisions {
        let Some(od) = oa.decisions.iter().find(|d| d.name == nd.name) else {
            continue;
        };
        let decision = nd.name.clone();
        for r in &nd.rules {
            match od.rules.iter().find(|o| o.name == r.name) {
                None => out.push(SourceChange::RuleAdded {
                    decision: decision.clone(),
                    rule: rule_summary(r),
                }),
                Some(o) => {
                    let what = rule_changes(o, r);
                    if !what.is_empty() {
                        out.push(SourceChange::RuleChanged {
                            decision: decision.clone(),
                            rule: rule_summary(r),
                            what,
                        });
                    }
                }
            }
        }
        for r in od
            .rules
            .iter()
            .filter(|o| nd.rules.iter().all(|r| r.name != o.name))
        {
            out.push(SourceChange::RuleRemoved {
                decision: decision.clone(),
                rule: rule_summary(r),
            });
        }
    }
    out
}

fn rule_changes(o: &RuleInfo, n: &RuleInfo) -> Vec<String> {
    let mut what = Vec::new();
    let conditions = |r: &RuleInfo| {
        r.conditions
            .iter()
            .map(|c| c.text.clone())
            .collect::<Vec<_>>()
    };
    if conditions(o) != conditions(n) {
        what.push("conditions".to_string());
    }
    if o.outcome != n.outcome {
        what.push("outcome".to_string());
    }
    if (o.from, o.until) != (n.from, n.until) {
        what.push(format!(
            "period ({} → {})",
            describe_period(o.from, o.until),
            describe_period(n.from, n.until)
        ));
    }
    if o.citation.as_ref().map(citation_text) != n.citation.as_ref().map(citation_text) {
        what.push("citation".to_string());
    }
    if o.priority != n.priority {
        what.push(format!("priority ({} → {})", o.priority, n.priority));
    }
    what
}

fn sorted_names(e: &Engine, s: &SetTimeline, members: &[u32]) -> Vec<String> {
    let mut v: Vec<String> = members
        .iter()
        .filter_map(|m| domain_name(e, s.domain, *m))
        .collect();
    v.sort();
    v
}

/// A set's members by name on a day (`None`: the beginning of time).
fn members_on(e: &Engine, s: &SetTimeline, day: Option<i64>) -> BTreeSet<String> {
    s.slices
        .iter()
        .rev()
        .find(|x| match (x.from, day) {
            (None, _) => true,
            (Some(f), Some(d)) => f <= d,
            (Some(_), None) => false,
        })
        .map(|v| sorted_names(e, s, &v.members).into_iter().collect())
        .unwrap_or_default()
}

/// The periods in which the new version's members differ from the old one's, merged where
/// the difference stays the same.
fn set_deltas(old: &Engine, o: &SetTimeline, new: &Engine, n: &SetTimeline) -> Vec<SetDelta> {
    let mut days: Vec<i64> = o
        .slices
        .iter()
        .chain(&n.slices)
        .filter_map(|s| s.from)
        .collect();
    days.sort_unstable();
    days.dedup();
    let starts: Vec<Option<i64>> = std::iter::once(None)
        .chain(days.iter().map(|d| Some(*d)))
        .collect();
    let mut out: Vec<SetDelta> = Vec::new();
    for (i, from) in starts.iter().enumerate() {
        let until = starts.get(i + 1).copied().flatten();
        let (om, nm) = (members_on(old, o, *from), members_on(new, n, *from));
        let added: Vec<String> = nm.difference(&om).cloned().collect();
        let removed: Vec<String> = om.difference(&nm).cloned().collect();
        match out.last_mut() {
            Some(last) if last.until == *from && last.added == added && last.removed == removed => {
                last.until = until;
            }
            _ if added.is_empty() && removed.is_empty() => {}
            _ => out.push(SetDelta {
                from: *from,
                until,
                added,
                removed,
            }),
        }
    }
    out
}
