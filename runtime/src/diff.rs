//! Semantic diff of two compiled policies: for every decision, the regions of input space and
//! time where the answer changes, one region per real change.
//!
//! Both sides' time boundaries and column classes are merged into one partition (values are
//! matched by name, so catalogues may differ); each cell is evaluated by both engines on the
//! same request (`cells`), changed cells become boxes over time and the columns, and boxes that
//! change the same way are merged across time slices and neighbouring values (`merge`), and
//! across the versions of a set a column is exactly the members of (`daily`). Each
//! box is then put in words (`words`): members listed or by complement, a set named when the
//! box's members are that set, intervals with the bounds a reader would write. Each region is
//! credited to what caused it (`credit`): the amendment, set end or value entry its requests'
//! answers rest on. Above the regions, `summary` says what changed in the sources: sets and
//! rules.

mod cells;
mod credit;
mod daily;
mod fit;
mod merge;
mod summary;
mod words;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;

use crate::artifact::DecisionTable;
use crate::engine::{column_text, Engine, Key};
use crate::value::Value;

pub use cells::NOT_IN_CATALOGUE;
pub use credit::{merge as merge_credits, Credit};
pub use summary::{citation_text, summarize, RuleSummary, SetDelta, SourceChange};
pub use words::{describe_period, Description};

/// The most cells examined in one time slice of one decision.
pub const MAX_CELLS: usize = 1_000_000;

/// What one side answered in a region.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Side {
    /// `decided`, `otherwise`, `no_rule_applies`, `conflict` or `collected`.
    pub status: String,
    /// The outcome as JSON text.
    pub outcome: String,
    pub rules: Vec<String>,
    /// The rules' citations (`nia_2025_11 item 4`), in the same order; empty for a rule that
    /// cites nothing.
    pub citations: Vec<String>,
}

impl Side {
    /// The rules with their citations: `visa_free_transit, nia_2025_11 item 4; other`.
    pub fn rules_text(&self) -> String {
        self.rules
            .iter()
            .zip(
                self.citations
                    .iter()
                    .chain(std::iter::repeat(&String::new())),
            )
            .map(|(r, c)| {
                if c.is_empty() {
                    r.clone()
                } else {
                    format!("{r}, {c}")
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The values a region takes in one column.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Values {
    /// Entries or enum values, by name.
    Names(BTreeSet<String>),
    /// Disjoint, sorted half-open intervals `[lo, hi)` of the column's number; `None` is
    /// unbounded.
    Intervals(Vec<(Option<i64>, Option<i64>)>),
    /// `false`/`true`, or `different`/`equal` for a comparison of two inputs.
    Flags(BTreeSet<bool>),
    /// The members of a named set on each day of the region, which change within it: for each
    /// stretch in which the set stays the same, its first day (`None`: the beginning of time)
    /// and the members by name.
    SetOnEachDay {
        set: String,
        /// The old version's set (the new version's differs).
        as_it_was: bool,
        stretches: Vec<(Option<i64>, BTreeSet<String>)>,
    },
}

/// One column of a region: which values, and whether a missing (optional) value is included.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Selection {
    pub values: Values,
    pub absent: bool,
}

/// A column that matters in a region, with its values in words.
#[derive(Clone, Debug, PartialEq)]
pub struct Region {
    /// The column as written, such as `t.arrival_port`.
    pub column: String,
    pub selection: Selection,
    pub description: Description,
}

/// A region of time and input space where the answer changes in one way.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// First day of the region (days since 1970-01-01), `None` for the beginning of time.
    pub from: Option<i64>,
    /// First day after the region, `None` for no end.
    pub until: Option<i64>,
    /// The columns that matter; the others take any value.
    pub region: Vec<Region>,
    pub before: Side,
    pub after: Side,
    /// A request in the region, as JSON, evaluated on both sides.
    pub example: Json,
    /// What caused the change: the amendments, set ends and value entries the new side's
    /// answers rest on and the old side's did not (or the reverse), found by explaining the
    /// example and its variants over the entries the region names.
    pub credits: Vec<Credit>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum DecisionDiff {
    Added(String),
    Removed(String),
    /// The decision's inputs changed so that one side cannot read the other's requests.
    Incomparable {
        decision: String,
        why: String,
    },
    Changed {
        decision: String,
        changes: Vec<Change>,
    },
}

/// What to compare.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Only days on or after this one (days since 1970-01-01).
    pub from: Option<i64>,
    /// Only days before this one.
    pub until: Option<i64>,
}

/// What one side answers, as the diff reports it (status, outcome, rules and citations).
pub fn answer_side(engine: &Engine, answer: &crate::Answer) -> Option<Side> {
    let d = engine.decision(answer.decision)?;
    Some(cells::side(engine, d, answer))
}

/// What a side answers to a request naming an entry its catalogue lacks: it refuses it
/// (status [`NOT_IN_CATALOGUE`]).
pub fn refused_side() -> Side {
    cells::refused()
}

/// Compares two engines decision by decision, at all times.
pub fn diff(old: &Engine, new: &Engine) -> Vec<DecisionDiff> {
    diff_with(old, new, Options::default())
}

/// Compares two engines decision by decision, within the window of `options`.
pub fn diff_with(old: &Engine, new: &Engine, options: Options) -> Vec<DecisionDiff> {
    let mut names: BTreeSet<&str> = BTreeSet::new();
    names.extend(old.artifact().decisions.iter().map(|d| d.name.as_str()));
    names.extend(new.artifact().decisions.iter().map(|d| d.name.as_str()));
    let mut out = Vec::new();
    for name in names {
        match (old.decision_id(name), new.decision_id(name)) {
            (None, Some(_)) => out.push(DecisionDiff::Added(name.to_string())),
            (Some(_), None) => out.push(DecisionDiff::Removed(name.to_string())),
            (Some(o), Some(n)) => match diff_decision(old, o, new, n, options) {
                Ok(changes) if changes.is_empty() => {}
                Ok(changes) => out.push(DecisionDiff::Changed {
                    decision: name.to_string(),
                    changes,
                }),
                Err(why) => out.push(DecisionDiff::Incomparable {
                    decision: name.to_string(),
                    why,
                }),
            },
            (None, None) => {}
        }
    }
    out
}

fn diff_decision(
    old: &Engine,
    oid: u32,
    new: &Engine,
    nid: u32,
    options: Options,
) -> Result<Vec<Change>, String> {
    let (Some(od), Some(nd)) = (old.decision(oid), new.decision(nid)) else {
        return Ok(Vec::new());
    };
    let pair = cells::Pair {
        old,
        old_id: oid,
        old_table: od,
        new,
        new_id: nid,
        new_table: nd,
    };
    let columns = cells::columns(&pair);
    let mut interner = merge::Interner::default();
    let mut changed: BTreeMap<(Side, Side), Vec<merge::Boxed>> = BTreeMap::new();
    // Every value of each column, to leave out of a region the columns it does not restrict.
    let mut fulls: Vec<Option<Selection>> = vec![None; columns.len()];
    let same_world = same_world(old, od, new, nd);
    for slice in cells::slices(&pair, options) {
        let classes = cells::classes(&pair, &columns, &slice);
        for (full, cls) in fulls.iter_mut().zip(&classes) {
            if full.is_none() {
                *full = merge::union_all(cls.iter().map(|k| &k.selection));
            }
        }
        // The same table on that day on both sides answers every request the same way.
        if same_world && table_on(old, od, slice.day) == table_on(new, nd, slice.day) {
            continue;
        }
        cells::changed_cells(
            &pair,
            &columns,
            &slice,
            &classes,
            &mut interner,
            &mut changed,
        )?;
    }
    let mut changes = Vec::new();
    for ((before, after), boxes) in changed {
        let boxes = merge::merge(boxes, &mut interner);
        for b in daily::join(&pair, &columns, &fulls, boxes, &mut interner) {
            let dims = merge::resolve(&b, &interner);
            let region = columns
                .iter()
                .zip(&dims)
                .zip(&fulls)
                .filter(|((_, sel), full)| full.as_ref() != Some(*sel))
                .map(|((col, sel), full)| Region {
                    column: col.text.clone(),
                    selection: sel.clone(),
                    description: words::describe(&pair, col, sel, full.as_ref(), b.from, b.until),
                })
                .collect();
            changes.push(Change {
                from: b.from,
                until: b.until,
                region,
                before: before.clone(),
                after: after.clone(),
                example: b.example,
                credits: Vec::new(),
            });
        }
    }
    changes.sort_by(|a, b| {
        (a.from, a.until)
            .cmp(&(b.from, b.until))
            .then_with(|| a.example.to_string().cmp(&b.example.to_string()))
    });
    for c in &mut changes {
        c.credits = credit::credits(&pair, c);
    }
    Ok(changes)
}

/// Do both sides read requests and name values alike (same catalogue, records and decision
/// signature), so that their tables can be compared row by row?
fn same_world(old: &Engine, od: &DecisionTable, new: &Engine, nd: &DecisionTable) -> bool {
    let (oa, na) = (old.artifact(), new.artifact());
    oa.catalogue == na.catalogue
        && oa.records == na.records
        && (&od.params, od.output, &od.as_of, od.hit, &od.otherwise)
            == (&nd.params, nd.output, &nd.as_of, nd.hit, &nd.otherwise)
}

/// A decision's table as it stands on a day: the rules in force, in order, with their rows and
/// each set they test resolved to its members on that day.
fn table_on(e: &Engine, d: &DecisionTable, day: i64) -> Vec<(String, i64, Json, Vec<Vec<String>>)> {
    let sets = &e.artifact().sets;
    d.rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.from.is_none_or(|f| f <= day) && r.until.is_none_or(|u| day < u))
        .map(|(i, r)| {
            let rows = d
                .rows
                .iter()
                .filter(|row| row.rule as usize == i)
                .map(|row| {
                    row.atoms
                        .iter()
                        .map(|a| match &a.test {
                            crate::artifact::Test::Member { set, negate } => {
                                let members = sets.get(*set as usize).and_then(|s| {
                                    s.slices
                                        .iter()
                                        .rev()
                                        .find(|sl| sl.from.is_none_or(|f| f <= day))
                                });
                                format!(
                                    "{:?} {negate} {:?} {}",
                                    d.columns.get(a.column as usize),
                                    members.map(|m| &m.members),
                                    a.absent
                                )
                            }
                            other => format!(
                                "{:?} {other:?} {}",
                                d.columns.get(a.column as usize),
                                a.absent
                            ),
                        })
                        .collect()
                })
                .collect();
            (
                r.name.clone(),
                r.priority,
                e.outcome_json(d, Some(i as u32)),
                rows,
            )
        })
        .collect()
}

impl Selection {
    /// Whether a column's value for a request (its key on `engine`) lies in the selection on
    /// `day`, the request's day.
    pub(super) fn holds(
        &self,
        engine: &Engine,
        d: &DecisionTable,
        column: usize,
        key: Key,
        day: i64,
    ) -> bool {
        let named = |names: &BTreeSet<String>, v: u32| {
            d.columns
                .get(column)
                .and_then(|c| cells::category_name(engine, c, v))
                .is_some_and(|n| names.contains(&n))
        };
        match (key, &self.values) {
            (Key::Absent, _) => self.absent,
            (Key::Category(v), Values::Names(names)) => named(names, v),
            (Key::Category(v), Values::SetOnEachDay { stretches, .. }) => stretches
                .iter()
                .rev()
                .find(|(from, _)| from.is_none_or(|f| f <= day))
                .is_some_and(|(_, names)| named(names, v)),
            (Key::Number(n), Values::Intervals(spans)) => spans
                .iter()
                .any(|(lo, hi)| lo.is_none_or(|l| l <= n) && hi.is_none_or(|h| n < h)),
            (Key::Flag(b), Values::Flags(bs)) => bs.contains(&b),
            _ => false,
        }
    }
}

impl Change {
    /// What caused the change, in words: each credit's text, joined by `; `.
    pub fn credits_text(&self) -> String {
        self.credits
            .iter()
            .map(|c| c.text())
            .collect::<Vec<_>>()
            .join("; ")
    }
    /// The request's day, when it lies in the region's period.
    fn day_within(&self, new: &Engine, nd: &DecisionTable, new_inputs: &[Value]) -> Option<i64> {
        let day = new.day_of(nd, new_inputs).ok()?;
        let inside = self.from.is_none_or(|f| f <= day) && self.until.is_none_or(|u| day < u);
        inside.then_some(day)
    }

    /// Whether a request, as the new side reads it, lies in this region on the columns the new
    /// side has (for a request the old side cannot read: it names an entry only the new
    /// catalogue has).
    pub fn contains_on_new_side(&self, new: &Engine, nid: u32, new_inputs: &[Value]) -> bool {
        let Some(nd) = new.decision(nid) else {
            return false;
        };
        let Some(day) = self.day_within(new, nd, new_inputs) else {
            return false;
        };
        self.region.iter().all(|r| {
            match nd.columns.iter().position(|c| column_text(c) == r.column) {
                Some(i) => r
                    .selection
                    .holds(new, nd, i, new.key(&nd.columns[i], new_inputs), day),
                // A column only the old side has: no value to judge on this side.
                None => true,
            }
        })
    }

    /// Whether a request lies in this region. `old_inputs` and `new_inputs` are the same
    /// request as each side reads it (from `parse_request` on the same JSON).
    pub fn contains(
        &self,
        (old, oid, old_inputs): (&Engine, u32, &[Value]),
        (new, nid, new_inputs): (&Engine, u32, &[Value]),
    ) -> bool {
        let (Some(od), Some(nd)) = (old.decision(oid), new.decision(nid)) else {
            return false;
        };
        let Some(day) = self.day_within(new, nd, new_inputs) else {
            return false;
        };
        self.region.iter().all(|r| {
            let on = |e: &Engine, d: &DecisionTable, inputs: &[Value]| {
                d.columns
                    .iter()
                    .position(|c| column_text(c) == r.column)
                    .map(|i| {
                        r.selection
                            .holds(e, d, i, e.key(&d.columns[i], inputs), day)
                    })
            };
            on(new, nd, new_inputs)
                .or_else(|| on(old, od, old_inputs))
                .unwrap_or(false)
        })
    }
}
