//! What changed in the sources, above the regions: sources added, removed or changed; sets
//! whose members or announced counts differ on some days (what the new version adds and drops,
//! by period); rules added, removed or changed (conditions, outcome, period, citation,
//! priority). Each change carries the citation that makes it, so a summary reads item by item.

use std::collections::BTreeSet;

use super::cells::domain_name;
use super::words::describe_period;
use crate::artifact::{Citation, RuleInfo, SetSlice, SetTimeline, Source};
use crate::engine::Engine;

/// One change in the sources.
#[derive(Clone, Debug, PartialEq)]
pub enum SourceChange {
    SourceAdded {
        source: String,
        title: String,
    },
    SourceRemoved {
        source: String,
        title: String,
    },
    /// A source whose fields (`title`, `published`, `items`...) changed.
    SourceChanged {
        source: String,
        what: Vec<String>,
    },
    /// A set only the new version has: its members, announced count and citation on its
    /// first day; for a set made of others, its formula.
    SetAdded {
        set: String,
        from: Option<i64>,
        members: Vec<String>,
        announced: Option<u64>,
        /// The list knowingly names only some of the announced count.
        partial: bool,
        formula: Option<String>,
        citation: Option<String>,
    },
    /// A set that the new version ends on a day (its `until`), where the old one did not end
    /// it then: the members it had the day before, and the citation of the set.
    SetEnded {
        set: String,
        from: i64,
        members: Vec<String>,
        citation: Option<String>,
    },
    /// A set only the old version has.
    SetRemoved {
        set: String,
    },
    /// A set whose members or announced count differ in a period: what the new version adds
    /// and drops.
    SetChanged {
        set: String,
        delta: SetDelta,
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
    /// A dated value (or one key of a relation) whose value differs in a period: `old` and
    /// `new` as written (`None`: no value).
    ValueChanged {
        value: String,
        /// The relation's key; `Some("otherwise")` for its `otherwise` line.
        key: Option<String>,
        from: Option<i64>,
        until: Option<i64>,
        old: Option<String>,
        new: Option<String>,
        citation: Option<String>,
    },
    /// A dated value or relation only the old version has.
    ValueRemoved {
        value: String,
    },
    /// Entries one version's catalogue of a type has and the other's lacks.
    CatalogueChanged {
        entity_type: String,
        added: Vec<String>,
        removed: Vec<String>,
    },
    /// A source newly recorded as stating a value otherwise than the source the policy follows
    /// (a `but` clause only the new version has).
    SourcesDiffer {
        value: String,
        key: Option<String>,
        from: Option<i64>,
        /// The value the policy states, and the citation it follows (`nia_2024_12_17`).
        follows: String,
        follows_citation: Option<String>,
        follows_kind: Option<crate::artifact::SourceKind>,
        /// The other source: its citation (`nia_2025_11 item 4`), kind, value and words.
        other_citation: String,
        other: crate::artifact::Disagreement,
    },
}

/// A set's members in a period, new version against old.
#[derive(Clone, Debug, PartialEq)]
pub struct SetDelta {
    pub from: Option<i64>,
    pub until: Option<i64>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// The announced count on the period's first day, old and new, when they differ (or when
    /// the list's being partial does).
    pub announced: Option<(Option<u64>, Option<u64>)>,
    /// Whether the new version's list on that day is knowingly partial.
    pub partial: bool,
    /// The citation of the new version's set or amendment in force on that day.
    pub citation: Option<String>,
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
        period: describe_period(r.written.0, r.written.1),
    }
}

impl SourceChange {
    /// The citation of the set, amendment or rule that makes this change.
    pub fn citation(&self) -> Option<&str> {
        match self {
            SourceChange::SetAdded { citation, .. } | SourceChange::SetEnded { citation, .. } => {
                citation.as_deref()
            }
            SourceChange::SetChanged { delta, .. } => delta.citation.as_deref(),
            SourceChange::ValueChanged { citation, .. } => citation.as_deref(),
            SourceChange::SourcesDiffer { other_citation, .. } => Some(other_citation),
            SourceChange::RuleAdded { rule, .. }
            | SourceChange::RuleRemoved { rule, .. }
            | SourceChange::RuleChanged { rule, .. } => rule.citation.as_deref(),
            _ => None,
        }
    }
}

/// The changes in the sources between two versions, in the order of the sources: changes of
/// sources first, then the others by the publication date of the source they cite and its item
/// number, uncited ones last.
pub fn summarize(old: &Engine, new: &Engine) -> Vec<SourceChange> {
    let mut out = changes(old, new);
    let sources = &new.artifact().sources;
    let key = |c: &SourceChange| {
        if matches!(
            c,
            SourceChange::SourceAdded { .. }
                | SourceChange::SourceRemoved { .. }
                | SourceChange::SourceChanged { .. }
        ) {
            return (0, None, String::new(), None);
        }
        let Some(text) = c.citation() else {
            return (2, None, String::new(), None);
        };
        let (source, item) = match text.rsplit_once(" item ") {
            Some((s, n)) => (s, n.parse::<u64>().ok()),
            None => (text, None),
        };
        let published = sources
            .iter()
            .find(|s| s.name == source)
            .and_then(|s| s.published.or(s.effective));
        (1, published, source.to_string(), item)
    };
    // A stable sort: changes of one citation keep their order (sets, then rules).
    out.sort_by_key(key);
    out
}

fn changes(old: &Engine, new: &Engine) -> Vec<SourceChange> {
    let mut out = Vec::new();
    let (oa, na) = (old.artifact(), new.artifact());
    out.extend(source_changes(&oa.sources, &na.sources));
    out.extend(catalogue_changes(oa, na));
    let mut names: BTreeSet<&str> = oa.sets.iter().map(|s| s.name.as_str()).collect();
    names.extend(na.sets.iter().map(|s| s.name.as_str()));
    for name in names {
        let o = oa.sets.iter().find(|s| s.name == name);
        let n = na.sets.iter().find(|s| s.name == name);
        match (o, n) {
            (None, Some(n)) => {
                let first = n.slices.first();
                out.push(SourceChange::SetAdded {
                    set: name.to_string(),
                    from: first.and_then(|s| s.from),
                    members: first
                        .map(|s| sorted_names(new, n, &s.members))
                        .unwrap_or_default(),
                    announced: first.and_then(|s| s.announced),
                    partial: first.is_some_and(|s| s.partial),
                    formula: n.formula.clone(),
                    citation: first.and_then(|s| s.citation.as_ref()).map(citation_text),
                });
                // Its amendments, each against the version before it; its end, if it ends.
                for (i, pair) in n.slices.windows(2).enumerate() {
                    let [before, after] = pair else { continue };
                    if let Some(end) = ending(n, after) {
                        out.push(SourceChange::SetEnded {
                            set: name.to_string(),
                            from: end,
                            members: sorted_names(new, n, &before.members),
                            citation: after.citation.as_ref().map(citation_text),
                        });
                        continue;
                    }
                    let (b, a): (BTreeSet<String>, BTreeSet<String>) = (
                        sorted_names(new, n, &before.members).into_iter().collect(),
                        sorted_names(new, n, &after.members).into_iter().collect(),
                    );
                    let counts = (before.announced, after.announced);
                    out.push(SourceChange::SetChanged {
                        set: name.to_string(),
                        delta: SetDelta {
                            from: after.from,
                            until: n.slices.get(i + 2).and_then(|s| s.from),
                            added: a.difference(&b).cloned().collect(),
                            removed: b.difference(&a).cloned().collect(),
                            announced: (counts.0 != counts.1 || before.partial != after.partial)
                                .then_some(counts),
                            partial: after.partial,
                            citation: after.citation.as_ref().map(citation_text),
                        },
                    });
                }
            }
            (Some(_), None) => out.push(SourceChange::SetRemoved {
                set: name.to_string(),
            }),
            (Some(o), Some(n)) => {
                // An end only the new version has reads as an end, not as members dropped.
                let end = n.ended.filter(|e| o.ended != Some(*e));
                if let Some(end) = end {
                    let last = n.slices.iter().rev().find(|s| s.from == Some(end));
                    out.push(SourceChange::SetEnded {
                        set: name.to_string(),
                        from: end,
                        members: members_on(new, n, Some(end - 1)).into_iter().collect(),
                        citation: last.and_then(|s| s.citation.as_ref()).map(citation_text),
                    });
                }
                out.extend(
                    set_deltas(old, o, new, n)
                        .into_iter()
                        .filter(|d| !(end.is_some() && d.from == end && d.added.is_empty()))
                        .map(|delta| SourceChange::SetChanged {
                            set: name.to_string(),
                            delta,
                        }),
                );
            }
            (None, None) => {}
        }
    }
    for nd in &na.decisions {
        let Some(od) = oa.decisions.iter().find(|d| d.name == nd.name) else {
            continue;
        };
        let decision = nd.name.clone();
        let (od_rules, nd_rules) = (fold(&od.rules), fold(&nd.rules));
        let (od, nd) = (
            &FoldedDecision { rules: od_rules },
            &FoldedDecision { rules: nd_rules },
        );
        for r in &nd.rules {
            match od.rules.iter().find(|o| o.name == r.name) {
                None => out.push(SourceChange::RuleAdded {
                    decision: decision.clone(),
                    rule: rule_summary(r),
                }),
                Some(o) => {
                    let what = rule_changes(o, r);
                    if !what.is_empty() {
                        let mut rule = rule_summary(r);
                        // A rule a later announcement ends is filed under that announcement.
                        if let (true, Some(by)) = (o.written.1 != r.written.1, &r.ended_by) {
                            rule.citation = Some(citation_text(by));
                        }
                        out.push(SourceChange::RuleChanged {
                            decision: decision.clone(),
                            rule,
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
    out.extend(value_changes(oa, na));
    out
}

/// The rules of a decision as written: the versions a rule was compiled into (one per value
/// it reads) folded into one, its period the span of theirs, its conditions as written.
struct FoldedDecision {
    rules: Vec<RuleInfo>,
}

fn fold(rules: &[RuleInfo]) -> Vec<RuleInfo> {
    let mut out: Vec<RuleInfo> = Vec::new();
    for r in rules {
        match out.last_mut() {
            Some(last) if last.name == r.name => {
                last.from = match (last.from, r.from) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    _ => None,
                };
                last.until = match (last.until, r.until) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
            }
            _ => {
                let mut first = r.clone();
                first.conditions.retain(|c| c.selects.is_none());
                out.push(first);
            }
        }
    }
    out
}

/// The entries of each key of a value, by key.
fn entries_by_key(
    v: &crate::artifact::ValueTimeline,
) -> std::collections::BTreeMap<Option<String>, Vec<&crate::artifact::ValueEntry>> {
    let mut out: std::collections::BTreeMap<_, Vec<_>> = std::collections::BTreeMap::new();
    for e in &v.entries {
        out.entry(e.key.clone()).or_default().push(e);
    }
    out
}

/// The value an entry list holds on a day (`None`: the beginning of time).
fn value_on<'a>(
    entries: &[&'a crate::artifact::ValueEntry],
    day: Option<i64>,
) -> Option<&'a crate::artifact::ValueEntry> {
    entries.iter().copied().find(|e| {
        let started = match (e.from, day) {
            (None, _) => true,
            (Some(f), Some(d)) => f <= d,
            (Some(_), None) => false,
        };
        let ended = match (e.until, day) {
            (Some(u), Some(d)) => d >= u,
            (Some(_), None) => false,
            (None, _) => false,
        };
        started && !ended
    })
}

/// Dated values and relation entries whose value differs on some days, key by key.
fn value_changes(oa: &crate::Artifact, na: &crate::Artifact) -> Vec<SourceChange> {
    let mut out = Vec::new();
    let mut names: BTreeSet<&str> = oa.values.iter().map(|v| v.name.as_str()).collect();
    names.extend(na.values.iter().map(|v| v.name.as_str()));
    for name in names {
        let o = oa.values.iter().find(|v| v.name == name);
        let n = na.values.iter().find(|v| v.name == name);
        let Some(n) = n else {
            out.push(SourceChange::ValueRemoved {
                value: name.to_string(),
            });
            continue;
        };
        let (ok, nk) = (o.map(entries_by_key).unwrap_or_default(), entries_by_key(n));
        let mut keys: BTreeSet<&Option<String>> = ok.keys().collect();
        keys.extend(nk.keys());
        for key in keys {
            let (oe, ne) = (
                ok.get(key).map(Vec::as_slice).unwrap_or_default(),
                nk.get(key).map(Vec::as_slice).unwrap_or_default(),
            );
            let starts = period_starts(
                oe.iter()
                    .chain(ne)
                    .flat_map(|e| e.from.into_iter().chain(e.until))
                    .collect(),
            );
            let mut pending: Vec<SourceChange> = Vec::new();
            for (i, from) in starts.iter().enumerate() {
                let until = starts.get(i + 1).copied().flatten();
                let (ov, nv) = (value_on(oe, *from), value_on(ne, *from));
                let (ot, nt) = (ov.map(|e| e.value.clone()), nv.map(|e| e.value.clone()));
                // No value from a day the new side's entry ends: the announcement that ended
                // it (`until .. by`), if stated.
                let ended_by = match nv {
                    None => ne
                        .iter()
                        .find(|e| e.until.is_some() && e.until == *from)
                        .and_then(|e| e.ended_by.as_ref()),
                    Some(_) => None,
                };
                let citation = ended_by
                    .or_else(|| nv.or(ov).and_then(|e| e.citation.as_ref()))
                    .map(citation_text);
                if ot == nt && ov.map(|e| &e.citation) == nv.map(|e| &e.citation) {
                    continue;
                }
                if let Some(SourceChange::ValueChanged {
                    until: last_until,
                    old,
                    new,
                    citation: last_citation,
                    ..
                }) = pending.last_mut()
                {
                    if *last_until == *from
                        && *old == ot
                        && *new == nt
                        && *last_citation == citation
                    {
                        *last_until = until;
                        continue;
                    }
                }
                pending.push(SourceChange::ValueChanged {
                    value: name.to_string(),
                    key: key.clone(),
                    from: *from,
                    until,
                    old: ot,
                    new: nt,
                    citation,
                });
            }
            out.extend(pending);
            // Disagreements the new version records and the old did not.
            for e in ne {
                let before = oe.iter().find(|x| x.from == e.from && x.value == e.value);
                for d in &e.differs {
                    if before.is_some_and(|b| b.differs.contains(d)) {
                        continue;
                    }
                    out.push(SourceChange::SourcesDiffer {
                        value: name.to_string(),
                        key: key.clone(),
                        from: e.from,
                        follows: e.value.clone(),
                        follows_citation: e.citation.as_ref().map(citation_text),
                        follows_kind: e.citation.as_ref().and_then(|c| {
                            na.sources
                                .iter()
                                .find(|s| s.name == c.source)
                                .and_then(|s| s.kind)
                        }),
                        other_citation: citation_text(&d.citation),
                        other: d.clone(),
                    });
                }
            }
        }
        let (oo, no) = (o.and_then(|v| v.otherwise.clone()), n.otherwise.clone());
        if oo != no {
            out.push(SourceChange::ValueChanged {
                value: name.to_string(),
                key: Some("otherwise".to_string()),
                from: None,
                until: None,
                old: oo,
                new: no,
                citation: None,
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
    // The outcome of a rule that reads values changes with them (reported as value changes).
    if o.outcome != n.outcome && o.bindings.is_empty() && n.bindings.is_empty() {
        what.push("outcome".to_string());
    }
    // The period as written: a rule that reads values also ends where their entries end,
    // which the value changes report.
    if o.written != n.written {
        what.push(format!(
            "period (was {}, now {})",
            describe_period(o.written.0, o.written.1),
            describe_period(n.written.0, n.written.1)
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

fn source_changes(old: &[Source], new: &[Source]) -> Vec<SourceChange> {
    let mut out = Vec::new();
    for n in new {
        match old.iter().find(|o| o.name == n.name) {
            None => out.push(SourceChange::SourceAdded {
                source: n.name.clone(),
                title: n.title.clone(),
            }),
            Some(o) if o != n => {
                let mut what = Vec::new();
                if o.title != n.title || o.title_zh != n.title_zh {
                    what.push("title".to_string());
                }
                if o.published != n.published {
                    what.push("published".to_string());
                }
                if o.items != n.items {
                    what.push("items".to_string());
                }
                if o.url != n.url {
                    what.push("url".to_string());
                }
                if o.effective != n.effective {
                    what.push("effective".to_string());
                }
                if o.kind != n.kind {
                    what.push("kind".to_string());
                }
                out.push(SourceChange::SourceChanged {
                    source: n.name.clone(),
                    what,
                });
            }
            Some(_) => {}
        }
    }
    for o in old.iter().filter(|o| new.iter().all(|n| n.name != o.name)) {
        out.push(SourceChange::SourceRemoved {
            source: o.name.clone(),
            title: o.title.clone(),
        });
    }
    out
}

/// The day a set's version ends the set: its last, empty version on the set's `until`.
fn ending(s: &SetTimeline, version: &SetSlice) -> Option<i64> {
    let end = s.ended?;
    (version.from == Some(end) && version.members.is_empty()).then_some(end)
}

/// A set's version on a day (`None`: the beginning of time); none before the set exists.
fn version_on(s: &SetTimeline, day: Option<i64>) -> Option<&SetSlice> {
    s.slices.iter().rev().find(|x| match (x.from, day) {
        (None, _) => true,
        (Some(f), Some(d)) => f <= d,
        (Some(_), None) => false,
    })
}

/// A set's members by name on a day.
fn members_on(e: &Engine, s: &SetTimeline, day: Option<i64>) -> BTreeSet<String> {
    version_on(s, day)
        .map(|v| sorted_names(e, s, &v.members).into_iter().collect())
        .unwrap_or_default()
}

/// The periods in which the new version's members differ from the old one's, merged where
/// the difference stays the same.
fn set_deltas(old: &Engine, o: &SetTimeline, new: &Engine, n: &SetTimeline) -> Vec<SetDelta> {
    let starts = period_starts(
        o.slices
            .iter()
            .chain(&n.slices)
            .filter_map(|s| s.from)
            .collect(),
    );
    let mut out: Vec<SetDelta> = Vec::new();
    for (i, from) in starts.iter().enumerate() {
        let until = starts.get(i + 1).copied().flatten();
        let (om, nm) = (members_on(old, o, *from), members_on(new, n, *from));
        let added: Vec<String> = nm.difference(&om).cloned().collect();
        let removed: Vec<String> = om.difference(&nm).cloned().collect();
        let (ov, nv) = (version_on(o, *from), version_on(n, *from));
        let counts = (ov.and_then(|v| v.announced), nv.and_then(|v| v.announced));
        let partial = (ov.is_some_and(|v| v.partial), nv.is_some_and(|v| v.partial));
        let announced = (counts.0 != counts.1 || partial.0 != partial.1).then_some(counts);
        let citation = nv.and_then(|v| v.citation.as_ref()).map(citation_text);
        match out.last_mut() {
            Some(last)
                if last.until == *from
                    && last.added == added
                    && last.removed == removed
                    && last.announced == announced =>
            {
                last.until = until;
            }
            _ if added.is_empty() && removed.is_empty() && announced.is_none() => {}
            _ => out.push(SetDelta {
                from: *from,
                until,
                added,
                removed,
                announced,
                partial: partial.1,
                citation,
            }),
        }
    }
    out
}

/// The first days of the periods the given days cut time into: the beginning of time (`None`),
/// then each day once, in order.
fn period_starts(mut days: Vec<i64>) -> Vec<Option<i64>> {
    days.sort_unstable();
    days.dedup();
    std::iter::once(None)
        .chain(days.into_iter().map(Some))
        .collect()
}

/// Entries added to or removed from each entity type's catalogue (by name; a type only one
/// version declares is left to its sets and decisions).
fn catalogue_changes(oa: &crate::Artifact, na: &crate::Artifact) -> Vec<SourceChange> {
    let mut out = Vec::new();
    for n in &na.catalogue.entity_types {
        let Some(o) = oa.catalogue.entity_types.iter().find(|o| o.name == n.name) else {
            continue;
        };
        let names = |t: &crate::artifact::EntityType| -> BTreeSet<String> {
            t.entities.iter().map(|e| e.name.clone()).collect()
        };
        let (on, nn) = (names(o), names(n));
        let added: Vec<String> = nn.difference(&on).cloned().collect();
        let removed: Vec<String> = on.difference(&nn).cloned().collect();
        if !added.is_empty() || !removed.is_empty() {
            out.push(SourceChange::CatalogueChanged {
                entity_type: n.name.clone(),
                added,
                removed,
            });
        }
    }
    out
}
