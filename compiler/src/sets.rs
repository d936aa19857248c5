//! Set membership over time: each set's base members and dated amendments, resolved into
//! time slices, with the amendment mistakes found on the way.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use edict_grammar::AmendAction;
use jiff::civil::Date;

use crate::db::{Db, SourceFile, Workspace};
use crate::decls::{file_decls, workspace_index, DeclKind, TypeName};

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
    /// `remove` of a member not in the set on that date; `removed_by` is the earlier
    /// amendment that took it out, if one did (file, item, date).
    NotPresent {
        member: String,
        date: Date,
        removed_by: Option<(SourceFile, u32, Date)>,
    },
    /// An amendment dated on or after the day the set ends.
    AfterEnd { ended: Date },
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
    for (name, defs) in &index.defs {
        let Some(def) = defs.first() else { continue };
        let DeclKind::Set {
            elem,
            from,
            until,
            announced,
            partial,
            cite,
            members,
        } = &def.decl.kind
        else {
            continue;
        };
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
        if let Some(kind) = count_issue(*announced, *partial, base.len(), *from) {
            out.issues.push(SetIssue {
                file: def.file,
                item: def.decl.item,
                kind,
            });
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
            slices: vec![slice],
            amendments: Vec::new(),
        };
        out.sets.insert(name.clone(), timeline);
    }

    // Amendments in date order; ties keep workspace file order, then item order.
    let mut amends = Vec::new();
    for (file_ix, &file) in ws.files(db).iter().enumerate() {
        for a in &file_decls(db, file).amends {
            if let Some(date) = a.from {
                amends.push((date, file_ix, a.item, file, a));
            }
        }
    }
    amends.sort_by_key(|(date, file_ix, item, _, _)| (*date, *file_ix, *item));
    // For each set and member, the last amendment that removed it (for E0302's pointer).
    let mut removals: BTreeMap<String, BTreeMap<String, (SourceFile, u32, Date)>> = BTreeMap::new();

    for (date, _, item, file, a) in amends {
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
                        let kind = IssueKind::AlreadyPresent {
                            member: m.clone(),
                            date,
                        };
                        out.issues.push(SetIssue { file, item, kind });
                    }
                    AmendAction::Remove if !members.remove(m) => {
                        let kind = IssueKind::NotPresent {
                            member: m.clone(),
                            date,
                            removed_by: removed_by.get(m).copied(),
                        };
                        out.issues.push(SetIssue { file, item, kind });
                    }
                    AmendAction::Remove => {
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
    // A set that ends has no members from its end on.
    for timeline in out.sets.values_mut() {
        if let Some(ended) = timeline
            .ended
            .filter(|e| timeline.created.is_none_or(|c| c < *e))
        {
            timeline.slices.push(Slice {
                from: Some(ended),
                members: BTreeSet::new(),
                announced: None,
                partial: false,
                cite: None,
            });
        }
    }
    Arc::new(out)
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
