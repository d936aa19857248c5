//! Set membership over time: each set's base members and dated amendments, resolved into
//! time slices, with the amendment mistakes found on the way.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use edict_grammar::AmendAction;
use jiff::civil::Date;

use crate::db::{Db, SourceFile, Workspace};
use crate::decls::{file_decls, workspace_index, DeclKind, Formula, TypeName};

/// Members of a set from a date on (until the next slice).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slice {
    /// `None`: since the beginning of time.
    pub from: Option<Date>,
    pub members: BTreeSet<String>,
    /// The count the source announced for this state, if it said one.
    pub announced: Option<u64>,
    /// `announced N partial`: the list knowingly names only some of the N.
    pub partial: bool,
    /// The citation of the set or of the (last) amendment that made this state.
    pub cite: Option<(String, Option<u32>)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    pub elem: TypeName,
    /// The set does not exist before this date.
    pub created: Option<Date>,
    /// The set no longer exists from this date (its last slice, empty, starts here).
    pub ended: Option<Date>,
    /// `until .. by SOURCE item N`: the announcement that ended it, which its last slice cites
    /// (else the set's own citation).
    pub ended_by: Option<(String, Option<u32>)>,
    /// For a set made of others: its formula as written canonically (`a union b`).
    pub formula: Option<String>,
    /// In date order; the first slice starts at `created`.
    pub slices: Vec<Slice>,
    /// Each amendment applied: (file, item, date), in the order applied.
    pub amendments: Vec<(SourceFile, u32, Date)>,
}

impl Timeline {
    /// The members on `date`; nothing before the set exists.
    pub fn members_at(&self, date: Date) -> Option<&BTreeSet<String>> {
        self.slices
            .iter()
            .rev()
            .find(|s| s.from.is_none_or(|f| f <= date))
            .map(|s| &s.members)
    }

    /// The members today, or in the latest slice.
    pub fn latest(&self) -> Option<&Slice> {
        self.slices.last()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IssueKind {
    /// `add` of a member already in the set on that date.
    AlreadyPresent { member: String, date: Date },
    /// `move` of a member into a set that already holds it on that date.
    MovedIntoPresent {
        member: String,
        date: Date,
        into: String,
    },
    /// `remove` of a member not in the set on that date; `removed_by` is the earlier
    /// amendment that took it out, if one did (file, item, date).
    NotPresent {
        member: String,
        date: Date,
        removed_by: Option<(SourceFile, u32, Date)>,
    },
    /// An amendment dated on or after the day the set ends.
    AfterEnd { ended: Date },
    /// An amendment of a set made by a formula (its parts are what can be amended).
    AmendsFormula { parts: Vec<String> },
    /// A set whose formula comes back to itself: the sets on the way, from it back to it
    /// (empty when it only uses such a set).
    FormulaCycle { through: Vec<String> },
    /// An amendment dated before the set exists.
    BeforeCreation { created: Date },
    /// The announced count differs from the listed members (for a `partial` list: more are
    /// listed than announced, or all of them).
    CountMismatch {
        announced: u64,
        actual: usize,
        date: Option<Date>,
        partial: bool,
    },
    /// A member listed twice in one list.
    DuplicateInList { member: String },
}

/// An issue found in an item (a `set` or an `amend`) of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetIssue {
    pub file: SourceFile,
    pub item: u32,
    pub kind: IssueKind,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timelines {
    pub sets: BTreeMap<String, Timeline>,
    pub issues: Vec<SetIssue>,
}

#[salsa::tracked(returns(ref))]
pub fn set_timelines(db: &dyn Db, ws: Workspace) -> Arc<Timelines> {
    let index = workspace_index(db, ws);
    let mut out = Timelines::default();
    let mut derived: Vec<Derived> = Vec::new();
    // Sets with an announced count: (name, file, item).
    let mut first_day_counts: Vec<(String, SourceFile, u32)> = Vec::new();
    for (name, defs) in &index.defs {
        let Some(def) = defs.first() else { continue };
        let DeclKind::Set {
            elem,
            from,
            until,
            announced,
            partial,
            cite,
            ended_by,
            members,
            formula,
        } = &def.decl.kind
        else {
            continue;
        };
        if let Some(f) = formula {
            derived.push(Derived {
                name: name.clone(),
                formula: f.clone(),
                elem: elem.clone(),
                from: *from,
                until: *until,
                announced: *announced,
                partial: *partial,
                cite: cite.clone(),
                ended_by: ended_by.clone(),
                file: def.file,
                item: def.decl.item,
            });
            continue;
        }
        let mut base = BTreeSet::new();
        for m in members {
            if !base.insert(m.clone()) {
                out.issues.push(SetIssue {
                    file: def.file,
                    item: def.decl.item,
                    kind: IssueKind::DuplicateInList { member: m.clone() },
                });
            }
        }
        // The announced count is compared once the amendments of the set's first day (a
        // `move` into it, say) are applied: below.
        if announced.is_some() {
            first_day_counts.push((name.clone(), def.file, def.decl.item));
        }
        let slice = Slice {
            from: *from,
            members: base,
            announced: *announced,
            partial: *partial,
            cite: cite.clone(),
        };
        let timeline = Timeline {
            elem: elem.clone(),
            created: *from,
            ended: *until,
            ended_by: ended_by.clone(),
            formula: None,
            slices: vec![slice],
            amendments: Vec::new(),
        };
        out.sets.insert(name.clone(), timeline);
    }

    // Amendments in date order; ties keep workspace file order, then item order.
    // A `move` is a `remove` here and an `add` in the target set, on the same date, applied
    // right after.
    let mut amends = Vec::new();
    for (file_ix, &file) in ws.files(db).iter().enumerate() {
        for a in &file_decls(db, file).amends {
            if let Some(date) = a.from {
                amends.push((date, file_ix, a.item, file, a.clone()));
                for (into, members) in &a.moves {
                    let moved = crate::decls::AmendSummary {
                        set: into.clone(),
                        from: a.from,
                        announced: None,
                        partial: false,
                        cite: a.cite.clone(),
                        ops: vec![(AmendAction::Add, members.clone())],
                        moves: Vec::new(),
                        moved_from: Some(a.set.clone()),
                        item: a.item,
                    };
                    amends.push((date, file_ix, a.item, file, moved));
                }
            }
        }
    }
    amends.sort_by_key(|(date, file_ix, item, _, _)| (*date, *file_ix, *item));
    // For each set and member, the last amendment that removed it (for E0302's pointer).
    let mut removals: BTreeMap<String, BTreeMap<String, (SourceFile, u32, Date)>> = BTreeMap::new();

    for (date, _, item, file, a) in amends {
        if let Some(d) = derived.iter().find(|d| d.name == a.set) {
            let parts = d.formula.sets().into_iter().map(str::to_string).collect();
            out.issues.push(SetIssue {
                file,
                item,
                kind: IssueKind::AmendsFormula { parts },
            });
            continue;
        }
        let Some(timeline) = out.sets.get_mut(&a.set) else {
            continue;
        };
        if let Some(created) = timeline.created {
            if date < created {
                out.issues.push(SetIssue {
                    file,
                    item,
                    kind: IssueKind::BeforeCreation { created },
                });
                continue;
            }
        }
        if let Some(ended) = timeline.ended.filter(|e| date >= *e) {
            out.issues.push(SetIssue {
                file,
                item,
                kind: IssueKind::AfterEnd { ended },
            });
            continue;
        }
        let mut members = timeline.members_at(date).cloned().unwrap_or_default();
        let removed_by = removals.entry(a.set.clone()).or_default();
        let issues_before = out.issues.len();
        let mut seen = BTreeSet::new();
        for (action, names) in &a.ops {
            for m in names {
                if !seen.insert(m.clone()) {
                    let kind = IssueKind::DuplicateInList { member: m.clone() };
                    out.issues.push(SetIssue { file, item, kind });
                    continue;
                }
                match action {
                    AmendAction::Add if !members.insert(m.clone()) => {
                        let kind = match &a.moved_from {
                            Some(_) => IssueKind::MovedIntoPresent {
                                member: m.clone(),
                                date,
                                into: a.set.clone(),
                            },
                            None => IssueKind::AlreadyPresent {
                                member: m.clone(),
                                date,
                            },
                        };
                        out.issues.push(SetIssue { file, item, kind });
                    }
                    AmendAction::Remove | AmendAction::Move if !members.remove(m) => {
                        let kind = IssueKind::NotPresent {
                            member: m.clone(),
                            date,
                            removed_by: removed_by.get(m).copied(),
                        };
                        out.issues.push(SetIssue { file, item, kind });
                    }
                    AmendAction::Remove | AmendAction::Move => {
                        removed_by.insert(m.clone(), (file, item, date));
                    }
                    AmendAction::Add => {
                        removed_by.remove(m);
                    }
                }
            }
        }
        // A count is compared only with a list the amendment could apply in full: after a
        // failed `add` or `remove`, the mismatch would only repeat that error.
        let applied = out.issues.len() == issues_before;
        if let Some(kind) = count_issue(a.announced, a.partial, members.len(), Some(date)) {
            if applied {
                out.issues.push(SetIssue { file, item, kind });
            }
        }
        timeline.amendments.push((file, item, date));
        // Later slices (amendments are applied in date order, so there are none after this
        // date except one of the same date, which we replace).
        match timeline.slices.last_mut() {
            Some(last) if last.from == Some(date) => {
                last.members = members;
                if a.announced.is_some() {
                    last.announced = a.announced;
                    last.partial = a.partial;
                }
                if a.cite.is_some() {
                    last.cite = a.cite.clone();
                }
            }
            _ => timeline.slices.push(Slice {
                from: Some(date),
                members,
                announced: a.announced,
                partial: a.partial,
                cite: a.cite.clone(),
            }),
        }
    }
    // Each listed set's announced count against its members on its first day, amendments of
    // that day included (unless one of them states a count of its own, checked with it).
    for (name, file, item) in first_day_counts {
        let Some(timeline) = out.sets.get(&name) else {
            continue;
        };
        let Some(first) = timeline.slices.first() else {
            continue;
        };
        let (announced, partial) = match &index
            .defs
            .get(&name)
            .and_then(|d| d.first())
            .map(|d| &d.decl.kind)
        {
            Some(DeclKind::Set {
                announced, partial, ..
            }) => (*announced, *partial),
            _ => continue,
        };
        if first.announced != announced || first.partial != partial {
            continue;
        }
        if let Some(kind) = count_issue(announced, partial, first.members.len(), timeline.created) {
            out.issues.push(SetIssue { file, item, kind });
        }
    }
    // A set that ends has no members from its end on; the end is the set's own `until`, so
    // it carries the citation of the announcement that ended it (`until .. by`), else the
    // set's own.
    for timeline in out.sets.values_mut() {
        if let Some(ended) = timeline
            .ended
            .filter(|e| timeline.created.is_none_or(|c| c < *e))
        {
            let cite = timeline
                .ended_by
                .clone()
                .or_else(|| timeline.slices.first().and_then(|s| s.cite.clone()));
            timeline.slices.push(Slice {
                from: Some(ended),
                members: BTreeSet::new(),
                announced: None,
                partial: false,
                cite,
            });
        }
    }
    derive(&mut out, derived);
    Arc::new(out)
}

/// A set made by a formula, waiting for its parts.
struct Derived {
    name: String,
    formula: Formula,
    elem: TypeName,
    from: Option<Date>,
    until: Option<Date>,
    announced: Option<u64>,
    partial: bool,
    cite: Option<(String, Option<u32>)>,
    ended_by: Option<(String, Option<u32>)>,
    file: SourceFile,
    item: u32,
}

/// The members of a formula on a day (`None`: the beginning of time), from the sets computed
/// so far; a part that is no set (the checker reports it) is empty.
fn members_of(
    f: &Formula,
    day: Option<Date>,
    sets: &BTreeMap<String, Timeline>,
) -> BTreeSet<String> {
    match f {
        Formula::Set(name) => sets
            .get(name)
            .and_then(|t| match day {
                Some(d) => t.members_at(d).cloned(),
                None => t
                    .slices
                    .first()
                    .filter(|s| s.from.is_none())
                    .map(|s| s.members.clone()),
            })
            .unwrap_or_default(),
        Formula::Op(op, a, b) => {
            let (a, b) = (members_of(a, day, sets), members_of(b, day, sets));
            match op {
                edict_grammar::SetOp::Union => a.union(&b).cloned().collect(),
                edict_grammar::SetOp::Intersect => a.intersection(&b).cloned().collect(),
                edict_grammar::SetOp::Except => a.difference(&b).cloned().collect(),
            }
        }
    }
}

/// Timelines of the sets made by formulas, parts first: a slice on every day a part changes,
/// within the set's own `from` and `until`. Sets whose formulas use each other are reported.
fn derive(out: &mut Timelines, mut pending: Vec<Derived>) {
    loop {
        let names: BTreeSet<String> = pending.iter().map(|d| d.name.clone()).collect();
        let (ready, waiting): (Vec<Derived>, Vec<Derived>) = pending
            .into_iter()
            .partition(|d| d.formula.sets().iter().all(|p| !names.contains(*p)));
        pending = waiting;
        if ready.is_empty() {
            break;
        }
        for d in ready {
            let timeline = derived_timeline(&d, &out.sets);
            if let Some(kind) = count_issue(
                d.announced,
                d.partial,
                timeline.slices.first().map_or(0, |s| s.members.len()),
                d.from,
            ) {
                out.issues.push(SetIssue {
                    file: d.file,
                    item: d.item,
                    kind,
                });
            }
            out.sets.insert(d.name.clone(), timeline);
        }
    }
    // What is left uses itself, or a set that does: report it, and give it no members.
    let uses: BTreeMap<String, Vec<String>> = pending
        .iter()
        .map(|d| {
            let parts = d.formula.sets().into_iter().map(str::to_string).collect();
            (d.name.clone(), parts)
        })
        .collect();
    for d in pending {
        out.issues.push(SetIssue {
            file: d.file,
            item: d.item,
            kind: IssueKind::FormulaCycle {
                through: cycle_from(&d.name, &uses).unwrap_or_default(),
            },
        });
        let timeline = Timeline {
            elem: d.elem.clone(),
            created: d.from,
            ended: d.until,
            ended_by: d.ended_by.clone(),
            formula: Some(d.formula.text()),
            slices: vec![Slice {
                from: d.from,
                members: BTreeSet::new(),
                announced: d.announced,
                partial: d.partial,
                cite: d.cite.clone(),
            }],
            amendments: Vec::new(),
        };
        out.sets.insert(d.name, timeline);
    }
}

/// A path of formula uses from `start` back to it: `[start, b, start]`.
fn cycle_from(start: &str, uses: &BTreeMap<String, Vec<String>>) -> Option<Vec<String>> {
    let mut stack: Vec<Vec<String>> = vec![vec![start.to_string()]];
    let mut seen: BTreeSet<String> = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last()?.clone();
        for next in uses.get(&last).into_iter().flatten() {
            let mut longer = path.clone();
            longer.push(next.clone());
            if next == start {
                return Some(longer);
            }
            if seen.insert(next.clone()) {
                stack.push(longer);
            }
        }
    }
    None
}

fn derived_timeline(d: &Derived, sets: &BTreeMap<String, Timeline>) -> Timeline {
    // The days on which a part may change, inside the set's life.
    let mut days: BTreeSet<Date> = BTreeSet::new();
    for part in d.formula.sets() {
        if let Some(t) = sets.get(part) {
            days.extend(t.slices.iter().filter_map(|s| s.from));
        }
    }
    let inside = |day: &Date| d.from.is_none_or(|f| *day > f) && d.until.is_none_or(|u| *day < u);
    let mut slices = vec![Slice {
        from: d.from,
        members: members_of(&d.formula, d.from, sets),
        announced: d.announced,
        partial: d.partial,
        cite: d.cite.clone(),
    }];
    for day in days.into_iter().filter(inside) {
        let members = members_of(&d.formula, Some(day), sets);
        if slices.last().is_some_and(|s| s.members == members) {
            continue;
        }
        slices.push(Slice {
            from: Some(day),
            members,
            announced: None,
            partial: false,
            cite: None,
        });
    }
    if let Some(u) = d.until.filter(|u| d.from.is_none_or(|f| f < *u)) {
        slices.push(Slice {
            from: Some(u),
            members: BTreeSet::new(),
            announced: None,
            partial: false,
            cite: d.ended_by.clone().or_else(|| d.cite.clone()),
        });
    }
    Timeline {
        elem: d.elem.clone(),
        created: d.from,
        ended: d.until,
        ended_by: d.ended_by.clone(),
        formula: Some(d.formula.text()),
        slices,
        amendments: Vec::new(),
    }
}

/// The count issue of a list of `actual` members announced as `announced` (`partial`: the
/// list knowingly names only some): none when they agree, or when a partial list names fewer.
fn count_issue(
    announced: Option<u64>,
    partial: bool,
    actual: usize,
    date: Option<Date>,
) -> Option<IssueKind> {
    let n = announced?;
    let fine = if partial {
        (actual as u64) < n
    } else {
        actual as u64 == n
    };
    (!fine).then_some(IssueKind::CountMismatch {
        announced: n,
        actual,
        date,
        partial,
    })
}
