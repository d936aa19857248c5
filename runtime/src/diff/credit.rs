//! What made a change: the set amendments, set ends and value or relation entries that answer a
//! region's requests differently. Each request is explained on both sides; what the new side's
//! answer rests on and the old side's did not is credited, and so is what the old side's answer
//! rested on and the new side no longer holds (a member dropped, a set ended, an entry ended).

use std::collections::BTreeSet;

use serde_json::Value as Json;

use super::cells::{category_name, Pair};
use super::{Change, Values};
use crate::artifact::{Citation, Column};
use crate::engine::{Engine, Verdict};
use crate::value::Value;

/// A cause of a change, with the citation that makes it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Credit {
    /// Members of a set from a day (`None`: as the set was first written), by the set or
    /// amendment cited.
    Joined {
        set: String,
        members: Vec<String>,
        since: Option<i64>,
        citation: Option<String>,
    },
    /// Members no longer in a set from a day: dropped by an amendment, or the set ends.
    Left {
        set: String,
        members: Vec<String>,
        since: Option<i64>,
        ended: bool,
        citation: Option<String>,
    },
    /// A dated value, or a relation's entry for these keys, as the new side reads it.
    Entry {
        value: String,
        keys: Vec<String>,
        /// The value as written: `240h`.
        text: String,
        from: Option<i64>,
        until: Option<i64>,
        citation: Option<String>,
    },
    /// A relation's entry for these keys that ends, so the new side has no value.
    EntryEnded {
        value: String,
        keys: Vec<String>,
        on: i64,
        citation: Option<String>,
    },
    /// A rule that decided on the old side and ends (its `until`) on the new side, cited to
    /// the announcement that ended it (`until .. by`), else to the rule's own source.
    RuleEnded {
        rules: Vec<String>,
        on: i64,
        citation: Option<String>,
    },
}

impl Credit {
    /// The names a credit lists: a set's members, or a relation's keys.
    fn names_mut(&mut self) -> &mut Vec<String> {
        match self {
            Credit::Joined { members, .. } | Credit::Left { members, .. } => members,
            Credit::Entry { keys, .. } | Credit::EntryEnded { keys, .. } => keys,
            Credit::RuleEnded { rules, .. } => rules,
        }
    }

    pub fn citation(&self) -> Option<&str> {
        match self {
            Credit::Joined { citation, .. }
            | Credit::Left { citation, .. }
            | Credit::Entry { citation, .. }
            | Credit::EntryEnded { citation, .. }
            | Credit::RuleEnded { citation, .. } => citation.as_deref(),
        }
    }
}

/// What one side's answer to one request rests on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Fact {
    Member {
        set: String,
        member: String,
        since: Option<i64>,
        citation: Option<String>,
    },
    Entry {
        value: String,
        key: Option<String>,
        text: String,
        from: Option<i64>,
        until: Option<i64>,
        citation: Option<String>,
    },
    /// The rule that decided, with the period it is written with.
    Rule {
        name: String,
        written: (Option<i64>, Option<i64>),
    },
}

fn cite(c: &Option<Citation>) -> Option<String> {
    c.as_ref().map(super::summary::citation_text)
}

/// The most requests a region is explained with: its example, and its example with each of
/// the entries a column names, up to this many.
const VARIANTS: usize = 24;

/// The credits of a change, merged: members of one set and day together, keys of one entry
/// together.
pub(super) fn credits(pair: &Pair, change: &Change) -> Vec<Credit> {
    let mut raw: BTreeSet<Credit> = BTreeSet::new();
    for request in variants(pair, change) {
        let before = facts(pair.old, pair.old_id, &request);
        let after = facts(pair.new, pair.new_id, &request);
        let (Some(after), before) = (after, before.unwrap_or_default()) else {
            continue;
        };
        let day = pair
            .new
            .parse_request(pair.new_id, &request)
            .ok()
            .and_then(|inputs| Some(pair.new.decide(pair.new_id, &inputs).ok()?.day));
        let Some(day) = day else { continue };
        // What the new answer rests on that the old version did not state that day (a fact
        // both versions state is no cause, even where the old answer did not rest on it).
        for f in after
            .iter()
            .filter(|f| !before.contains(f) && !stated(pair.old, f, day))
        {
            raw.insert(match f.clone() {
                Fact::Member {
                    set,
                    member,
                    since,
                    citation,
                } => Credit::Joined {
                    set,
                    members: vec![member],
                    since,
                    citation,
                },
                Fact::Entry {
                    value,
                    key,
                    text,
                    from,
                    until,
                    citation,
                } => Credit::Entry {
                    value,
                    keys: key.into_iter().collect(),
                    text,
                    from,
                    until,
                    citation,
                },
                // A rule now deciding is credited by its own citation, on the outcome line.
                Fact::Rule { .. } => continue,
            });
        }
        for f in before.iter().filter(|f| !after.contains(f)) {
            if let Some(c) = lost(pair.new, f, &after, day) {
                raw.insert(c);
            }
        }
    }
    merge(raw)
}

/// Whether a version states a fact on a day: the set holds the member by the same version
/// (day and citation), or the value has the same entry for the key.
fn stated(e: &Engine, f: &Fact, day: i64) -> bool {
    let artifact = e.artifact();
    match f {
        Fact::Rule { .. } => false,
        Fact::Member {
            set,
            member,
            since,
            citation,
        } => {
            let Some(t) = artifact.sets.iter().find(|s| &s.name == set) else {
                return false;
            };
            let Some((true, first)) = stretch(e, t, member, day) else {
                return false;
            };
            t.slices[first].from == *since && cite(&t.slices[first].citation) == *citation
        }
        Fact::Entry {
            value,
            key,
            text,
            from,
            until,
            citation,
        } => artifact
            .values
            .iter()
            .find(|v| &v.name == value)
            .is_some_and(|v| {
                v.entries.iter().any(|x| {
                    (&x.key == key || (x.key.is_none() && key.is_none()))
                        && &x.value == text
                        && x.from == *from
                        && x.until == *until
                        && cite(&x.citation) == *citation
                })
            }),
    }
}

/// The change's example, and the example with each entry a region names in a column that is an
/// input of its own (`t.arrival_port`), or with each entry of the new catalogue in such a column
/// the region leaves free, so that every port of a region is credited.
fn variants(pair: &Pair, change: &Change) -> Vec<Json> {
    let mut out = vec![change.example.clone()];
    let vary = |out: &mut Vec<Json>, column: &str, names: Vec<String>| {
        let path: Vec<&str> = column.split('.').collect();
        if !matches!(lookup(&change.example, &path), Some(Json::String(_))) {
            return;
        }
        for name in names.into_iter().take(VARIANTS) {
            let mut v = change.example.clone();
            if let Some(slot) = lookup_mut(&mut v, &path) {
                *slot = Json::String(name);
            }
            if !out.contains(&v) {
                out.push(v);
            }
        }
    };
    // Free columns: any entry of the new catalogue lies in the region.
    for col in &pair.new_table.columns {
        let Column::Category {
            path,
            domain: crate::artifact::Domain::Entity(t),
        } = col
        else {
            continue;
        };
        if change.region.iter().any(|r| r.column == path.text) {
            continue;
        }
        let Some(ty) = pair.new.artifact().catalogue.entity_types.get(*t as usize) else {
            continue;
        };
        let names = ty.entities.iter().map(|e| e.name.clone()).collect();
        vary(&mut out, &path.text, names);
    }
    for r in &change.region {
        let names = match &r.selection.values {
            Values::Names(n) => n.iter().cloned().collect::<Vec<_>>(),
            Values::SetOnEachDay { stretches, .. } => {
                let mut all: BTreeSet<String> = BTreeSet::new();
                for (_, names) in stretches {
                    all.extend(names.iter().cloned());
                }
                all.into_iter().collect()
            }
            _ => continue,
        };
        vary(&mut out, &r.column, names);
    }
    out
}

fn lookup<'a>(v: &'a Json, path: &[&str]) -> Option<&'a Json> {
    path.iter().try_fold(v, |v, k| v.get(k))
}

fn lookup_mut<'a>(v: &'a mut Json, path: &[&str]) -> Option<&'a mut Json> {
    path.iter().try_fold(v, |v, k| v.get_mut(k))
}

/// What a side's answer to a request rests on: the members that make the deciding rules'
/// membership tests true, and the values and relation entries those rules read. `None` when
/// the side cannot read the request.
fn facts(e: &Engine, decision: u32, request: &Json) -> Option<Vec<Fact>> {
    let inputs = e.parse_request(decision, request).ok()?;
    let answer = e.decide(decision, &inputs).ok()?;
    let d = e.decision(decision)?;
    let rules = match &answer.verdict {
        Verdict::Rule(r) => vec![*r],
        Verdict::Collect(rs) | Verdict::Conflict(rs) => rs.clone(),
        Verdict::Otherwise | Verdict::NoMatch => Vec::new(),
    };
    let keys: Vec<_> = d.columns.iter().map(|c| e.key(c, &inputs)).collect();
    let mut out = Vec::new();
    for r in rules {
        for c in e.causes(decision, r, &keys, answer.day, true) {
            out.push(Fact::Member {
                set: c.set,
                member: c.holder,
                since: c.since,
                citation: cite(&c.citation),
            });
        }
        let Some(rule) = d.rules.get(r as usize) else {
            continue;
        };
        out.push(Fact::Rule {
            name: rule.name.clone(),
            written: rule.written,
        });
        for b in &rule.bindings {
            let value = b.read.split('[').next().unwrap_or(&b.read).to_string();
            out.push(Fact::Entry {
                value,
                key: relation_key(e, d, rule, &b.read, &inputs),
                text: b.value.clone(),
                from: b.from,
                until: b.until,
                citation: cite(&b.citation),
            });
        }
    }
    out.sort();
    out.dedup();
    Some(out)
}

/// The key a request reads a relation with (`hengqin` for `stay_limit[t.arrival_port]`): the
/// value of the column the rule version's key test reads.
fn relation_key(
    e: &Engine,
    d: &crate::artifact::DecisionTable,
    rule: &crate::artifact::RuleInfo,
    read: &str,
    inputs: &[Value],
) -> Option<String> {
    let cond = rule
        .conditions
        .iter()
        .find(|c| c.selects.as_deref() == Some(read))?;
    let atom = cond.dnf.first()?.first()?;
    let col = d.columns.get(atom.column as usize)?;
    let Column::Category { .. } = col else {
        return None;
    };
    match e.key(col, inputs) {
        crate::engine::Key::Category(v) => category_name(e, col, v),
        _ => None,
    }
}

/// Whether `member` is in the set on `day`, and the first of the set's versions, back from the
/// one in force that day, that all agree on it (where its membership, or its absence, began).
/// `None` before the set exists.
fn stretch(
    e: &Engine,
    t: &crate::artifact::SetTimeline,
    member: &str,
    day: i64,
) -> Option<(bool, usize)> {
    let holds = |i: usize| {
        t.slices[i]
            .members
            .iter()
            .any(|m| super::cells::domain_name(e, t.domain, *m).as_deref() == Some(member))
    };
    let upto = t
        .slices
        .iter()
        .rposition(|s| s.from.is_none_or(|f| f <= day))?;
    let state = holds(upto);
    let mut first = upto;
    while first > 0 && holds(first - 1) == state {
        first -= 1;
    }
    Some((state, first))
}

/// Why a fact of the old side's answer does not hold on the new side on `day`: the member left
/// the set (or the set ended), or the entry ended. `None` when the new side still holds it
/// (the answer changed for another reason, credited by the new side's facts).
fn lost(new: &Engine, f: &Fact, after: &[Fact], day: i64) -> Option<Credit> {
    let artifact = new.artifact();
    match f {
        Fact::Member { set, member, .. } => {
            let Some(t) = artifact.sets.iter().find(|s| &s.name == set) else {
                return Some(Credit::Left {
                    set: set.clone(),
                    members: vec![member.clone()],
                    since: None,
                    ended: true,
                    citation: None,
                });
            };
            // Still a member: the answer changed for another reason. Else the version that
            // dropped it.
            let (false, first) = stretch(new, t, member, day)? else {
                return None;
            };
            let slice = &t.slices[first];
            Some(Credit::Left {
                set: set.clone(),
                members: vec![member.clone()],
                since: slice.from,
                ended: t.ended.is_some() && t.ended == slice.from,
                citation: cite(&slice.citation),
            })
        }
        Fact::Rule { name, written } => {
            // The rule decides no more because its own `until` (new, or earlier) ends it.
            let rule = artifact
                .decisions
                .iter()
                .flat_map(|d| d.rules.iter())
                .find(|r| &r.name == name)?;
            let on = rule.written.1.filter(|u| *u <= day)?;
            if written.1 == Some(on) {
                return None;
            }
            Some(Credit::RuleEnded {
                rules: vec![name.clone()],
                on,
                citation: cite(&rule.ended_by).or_else(|| cite(&rule.citation)),
            })
        }
        Fact::Entry { value, key, .. } => {
            // A new entry for the same value and key explains the change itself.
            if after.iter().any(
                |a| matches!(a, Fact::Entry { value: v, key: k, .. } if v == value && k == key),
            ) {
                return None;
            }
            let t = artifact.values.iter().find(|v| &v.name == value)?;
            let ended = t
                .entries
                .iter()
                .filter(|e| &e.key == key && e.until.is_some_and(|u| u <= day))
                .max_by_key(|e| e.until)?;
            Some(Credit::EntryEnded {
                value: value.clone(),
                keys: key.iter().cloned().collect(),
                on: ended.until?,
                citation: cite(&ended.ended_by).or_else(|| cite(&ended.citation)),
            })
        }
    }
}

/// Credits that differ only in their members or keys, as one.
pub fn merge(raw: impl IntoIterator<Item = Credit>) -> Vec<Credit> {
    let raw: BTreeSet<Credit> = raw.into_iter().collect();
    let mut out: Vec<Credit> = Vec::new();
    for mut c in raw {
        let names = std::mem::take(c.names_mut());
        let same = out.iter_mut().find(|o| {
            let mut bare = (*o).clone();
            bare.names_mut().clear();
            bare == c
        });
        match same {
            Some(o) => o.names_mut().extend(names),
            None => {
                *c.names_mut() = names;
                out.push(c);
            }
        }
    }
    for c in &mut out {
        let names = c.names_mut();
        names.sort();
        names.dedup();
    }
    out
}

impl Credit {
    /// The credit in words, its citation last: `` `transit_stay_limit` for beijing_capital:
    /// 240h from 2024-12-17, nia_2024_12_17 ``.
    pub fn text(&self) -> String {
        use crate::value::format_date;
        let since = |d: &Option<i64>| match d {
            Some(d) => format!("from {}", format_date(*d)),
            None => "as first written".to_string(),
        };
        let what = match self {
            Credit::Joined {
                set,
                members,
                since: d,
                ..
            } => format!("{} in `{set}` {}", members.join(", "), since(d)),
            Credit::Left {
                set,
                members,
                since: Some(d),
                ended: true,
                ..
            } => format!(
                "`{set}` ends on {} (it held {})",
                format_date(*d),
                members.join(", ")
            ),
            Credit::Left {
                set,
                members,
                ended: true,
                ..
            } => format!("`{set}` is gone (it held {})", members.join(", ")),
            Credit::Left {
                set,
                members,
                since: d,
                ..
            } => format!("{} out of `{set}` {}", members.join(", "), since(d)),
            Credit::Entry {
                value,
                keys,
                text,
                from,
                until,
                ..
            } => {
                let of = if keys.is_empty() {
                    format!("`{value}`")
                } else {
                    format!("`{value}` for {}", keys.join(", "))
                };
                let period = super::words::describe_period(*from, *until);
                if from.is_none() && until.is_none() {
                    format!("{of}: {text}")
                } else {
                    format!("{of}: {text} {period}")
                }
            }
            Credit::RuleEnded { rules, on, .. } => {
                let named: Vec<String> = rules.iter().map(|r| format!("`{r}`")).collect();
                let verb = if rules.len() == 1 { "ends" } else { "end" };
                format!("rule {} {verb} on {}", named.join(", "), format_date(*on))
            }
            Credit::EntryEnded {
                value, keys, on, ..
            } => {
                let of = if keys.is_empty() {
                    format!("`{value}`")
                } else {
                    format!("`{value}` for {}", keys.join(", "))
                };
                format!("{of} has no value from {}", format_date(*on))
            }
        };
        match self.citation() {
            Some(c) => format!("{what}, {c}"),
            None => what,
        }
    }
}
