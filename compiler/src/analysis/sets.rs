//! Set and amendment mistakes as diagnostics: members added twice or removed when absent,
//! counts that disagree with an announcement, amendments out of a set's life, formulas.

use edict_grammar::{AmendAction, ItemKind, Span};

use super::syntax::join_or;
use crate::db::{Db, SourceFile, Workspace};
use crate::diagnostic::{Code, Diagnostic};
use crate::sets::{set_timelines, IssueKind};
use crate::syntax::parse_file;

/// Set and amendment mistakes found in this file's items.
pub(super) fn set_diagnostics(db: &dyn Db, ws: Workspace, file: SourceFile) -> Vec<Diagnostic> {
    let timelines = set_timelines(db, ws);
    let parsed = parse_file(db, file);
    let path = file.path(db);
    let mut out = Vec::new();
    for issue in timelines.issues.iter().filter(|i| i.file == file) {
        let Some(item) = parsed.items.get(issue.item as usize) else {
            continue;
        };
        let (set_name, announced_span, members): (
            String,
            Span,
            Vec<(Option<AmendAction>, &edict_grammar::Ident)>,
        ) = match &item.kind {
            ItemKind::Set(s) => (
                s.name.name.clone(),
                s.announced.as_ref().map_or(s.name.span, |n| n.span),
                s.members.iter().map(|m| (None, m)).collect(),
            ),
            ItemKind::Amend(a) => (
                a.set.name.clone(),
                a.announced.as_ref().map_or(a.set.span, |n| n.span),
                a.ops
                    .iter()
                    .flat_map(|op| op.members.iter().map(move |m| (Some(op.action), m)))
                    .collect(),
            ),
            _ => continue,
        };
        let find = |name: &str, action: Option<AmendAction>| {
            members
                .iter()
                .find(|(a, m)| {
                    m.name == name
                        && (action.is_none() || *a == action || *a == Some(AmendAction::Move))
                })
                .map_or(item.span, |(_, m)| m.span)
        };
        let d = match &issue.kind {
            IssueKind::AlreadyPresent { member, date } => Diagnostic::new(
                Code::E0301,
                path,
                find(member, Some(AmendAction::Add)),
                format!("`{member}` is already in `{set_name}` on {date}"),
            )
            .label("added again here")
            .help("remove it from this `add`, or remove it from the set in an earlier amendment first"),
            IssueKind::NotPresent {
                member,
                date,
                removed_by,
            } => {
                let d = Diagnostic::new(
                    Code::E0302,
                    path,
                    find(member, Some(AmendAction::Remove)),
                    format!("`{member}` is not in `{set_name}` on {date}"),
                )
                .label("nothing to remove");
                match removed_by.and_then(|(f, i, on)| removal_site(db, f, i, member).map(|s| (f, s, on))) {
                    Some((f, span, on)) => d
                        .related(f.path(db), span, format!("removed from {on} by this amendment"))
                        .help(format!(
                            "`{member}` was already removed on {on}: drop this `remove`, or add it back in between"
                        )),
                    None => d.help("check the name and the date: only current members can be removed"),
                }
            }
            IssueKind::MovedIntoPresent { member, date, into } => Diagnostic::new(
                Code::E0301,
                path,
                find(member, Some(AmendAction::Move)),
                format!("`{member}` is already in `{into}` on {date}"),
            )
            .label(format!("moved into `{into}` here"))
            .help(format!("a `move` takes a member out of `{set_name}` and into `{into}`: use `remove` if it is in both")),
            IssueKind::AmendsFormula { parts } => {
                let span = match &item.kind {
                    ItemKind::Amend(a) => a.set.span,
                    _ => item.span,
                };
                let parts: Vec<String> = parts.iter().map(|p| format!("`{p}`")).collect();
                Diagnostic::new(
                    Code::E0308,
                    path,
                    span,
                    format!("`{set_name}` is made of other sets and cannot be amended"),
                )
                .label("a set with a formula")
                .help(format!("amend the set it is made of ({}) instead", join_or(&parts)))
            }
            IssueKind::FormulaCycle { through } => {
                let span = match &item.kind {
                    ItemKind::Set(s) => s.formula.as_ref().map_or(s.name.span, |f| f.span),
                    _ => item.span,
                };
                let (message, label) = if through.is_empty() {
                    (
                        format!("`{set_name}` uses a set that is made of itself"),
                        "a set in this formula has no end",
                    )
                } else {
                    (
                        format!("`{set_name}` is made of itself: {}", through.join(" → ")),
                        "this formula comes back to the set",
                    )
                };
                Diagnostic::new(Code::E0401, path, span, message)
                    .label(label)
                    .help("a formula may use only sets that do not use it; list members in one of them")
            }
            IssueKind::AfterEnd { ended } => {
                let span = match &item.kind {
                    ItemKind::Amend(a) => a.from.as_ref().map_or(a.set.span, |f| f.span),
                    _ => item.span,
                };
                Diagnostic::new(
                    Code::E0307,
                    path,
                    span,
                    format!("`{set_name}` no longer exists on this date: it ends on {ended}"),
                )
                .label("after the set's `until`")
                .help(format!("date the amendment before {ended}, or move the set's `until` later"))
            }
            IssueKind::BeforeCreation { created } => {
                let span = match &item.kind {
                    ItemKind::Amend(a) => a.from.as_ref().map_or(a.set.span, |f| f.span),
                    _ => item.span,
                };
                Diagnostic::new(
                    Code::E0303,
                    path,
                    span,
                    format!("`{set_name}` does not exist before {created}"),
                )
                .label("this amendment is dated earlier")
                .help(format!("date the amendment on or after {created}, or move the set's `from` earlier"))
            }
            IssueKind::CountMismatch {
                announced,
                actual,
                date,
                partial,
            } => {
                let when = date.map_or(String::new(), |d| format!(" from {d}"));
                let (announced, actual) = (*announced as usize, *actual);
                let members = |n: usize| if n == 1 { "member" } else { "members" };
                let message = if *partial && actual == announced {
                    format!("`{set_name}` lists all {announced} announced {}{when}, but says `partial`", members(announced))
                } else {
                    format!(
                        "`{set_name}` is announced with {announced} {}{when} but lists {actual}",
                        members(announced)
                    )
                };
                let d = Diagnostic::new(Code::E0305, path, announced_span, message);
                if actual > announced {
                    d.label(format!("{} more {} listed than announced", actual - announced, members(actual - announced)))
                        .help("check the list against the source: a member too many, or a count that changed")
                } else if *partial {
                    d.label("every announced member is listed")
                        .help("the list is complete: remove `partial`")
                } else {
                    d.label(format!("{} {} not listed", announced - actual, members(announced - actual)))
                        .help("list the members the source names; if the source names only these, write `announced N partial`")
                }
            }
            IssueKind::DuplicateInList { member } => {
                let occurrences: Vec<Span> =
                    members.iter().filter(|(_, m)| m.name == *member).map(|(_, m)| m.span).collect();
                let span = occurrences.get(1).copied().unwrap_or(item.span);
                let mut d = Diagnostic::new(
                    Code::E0306,
                    path,
                    span,
                    format!("`{member}` is listed twice"),
                )
                .label("listed again here");
                if let Some(first) = occurrences.first() {
                    d = d.secondary(*first, "first listed here");
                }
                d.help("remove one of them")
            }
        };
        out.push(d);
    }
    out
}

/// Where an amendment removes `member`: the span of the name in its `remove`.
fn removal_site(db: &dyn Db, file: SourceFile, item: u32, member: &str) -> Option<Span> {
    let parsed = parse_file(db, file);
    let ItemKind::Amend(a) = &parsed.items.get(item as usize)?.kind else {
        return None;
    };
    a.ops
        .iter()
        .filter(|op| matches!(op.action, AmendAction::Remove | AmendAction::Move))
        .flat_map(|op| &op.members)
        .find(|m| m.name == member)
        .map(|m| m.span)
}
