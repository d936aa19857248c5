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
    /// The citation of the set or of the (last) amendment that made this state.
    pub cite: Option<(String, Option<u32>)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    pub elem: TypeName,
    /// The set does not exist before this date.
    pub created: Option<Date>,
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
    /// `remove` of a member not in the set on that date.
    NotPresent { member: String, date: Date },
    /// An amendment dated before the set exists.
    BeforeCreation { created: Date },
    /// The announced count differs from the listed members.
    CountMismatch {
        announced: u64,
        actual: usize,
        date: Option<Date>,
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
            announced,
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
        if let Some(n) = announced {
            if *n != base.len() as u64 {
                out.issues.push(SetIssue {
                    file: def.file,
                    item: def.decl.item,
                    kind: IssueKind::CountMismatch {
                        announced: *n,
                        actual: base.len(),
                        date: *from,
                    },
                });
            }
        }
        let slice = Slice {
            from: *from,
            members: base,
            announced: *announced,
            cite: cite.clone(),
        };
        let timeline = Timeline {
            elem: elem.clone(),
            created: *from,
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
        let mut members = timeline.members_at(date).cloned().unwrap_or_default();
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
                        };
                        out.issues.push(SetIssue { file, item, kind });
                    }
                    _ => {}
                }
            }
        }
        if let Some(n) = a.announced {
            if n != members.len() as u64 {
                let kind = IssueKind::CountMismatch {
                    announced: n,
                    actual: members.len(),
                    date: Some(date),
                };
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
                }
                if a.cite.is_some() {
                    last.cite = a.cite.clone();
                }
            }
            _ => timeline.slices.push(Slice {
                from: Some(date),
                members,
                announced: a.announced,
                cite: a.cite.clone(),
            }),
        }
    }
    Arc::new(out)
}
