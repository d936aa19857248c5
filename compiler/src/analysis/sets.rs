//! Set and amendment mistakes as diagnostics: members added twice or removed when absent,
//! counts that disagree with an announcement, amendments out of a set's life, formulas.

use edict_grammar::{AmendAction, Ident, Item, ItemKind, Span};
use jiff::civil::Date;

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
    timelines
        .issues
        .iter()
        .filter(|i| i.file == file)
        .filter_map(|issue| {
            let site = Site::of(db, path, parsed.items.get(issue.item as usize)?)?;
            Some(site.diagnostic(&issue.kind))
        })
        .collect()
}

/// The `set` or `amend` item an issue was found in, with what its diagnostics point at.
struct Site<'a> {
    db: &'a dyn Db,
    path: &'a str,
    item: &'a Item,
    set_name: &'a str,
    /// The announced count, or the set's name when none is announced.
    announced_span: Span,
    /// Each member the item lists, with the amendment action that lists it (none in a `set`).
    members: Vec<(Option<AmendAction>, &'a Ident)>,
}

impl<'a> Site<'a> {
    fn of(db: &'a dyn Db, path: &'a str, item: &'a Item) -> Option<Site<'a>> {
        let (set_name, announced_span, members) = match &item.kind {
            ItemKind::Set(s) => (
                s.name.name.as_str(),
                s.announced.as_ref().map_or(s.name.span, |n| n.span),
                s.members.iter().map(|m| (None, m)).collect(),
            ),
            ItemKind::Amend(a) => (
                a.set.name.as_str(),
                a.announced.as_ref().map_or(a.set.span, |n| n.span),
                a.ops
                    .iter()
                    .flat_map(|op| op.members.iter().map(move |m| (Some(op.action), m)))
                    .collect(),
            ),
            _ => return None,
        };
        Some(Site {
            db,
            path,
            item,
            set_name,
            announced_span,
            members,
        })
    }

    fn diagnostic(&self, kind: &IssueKind) -> Diagnostic {
        match kind {
            IssueKind::AlreadyPresent { member, date } => self.already_present(member, *date),
            IssueKind::NotPresent {
                member,
                date,
                removed_by,
            } => self.not_present(member, *date, *removed_by),
            IssueKind::MovedIntoPresent { member, date, into } => {
                self.moved_into_present(member, *date, into)
            }
            IssueKind::AmendsFormula { parts } => self.amends_formula(parts),
            IssueKind::FormulaCycle { through } => self.formula_cycle(through),
            IssueKind::AfterEnd { ended } => self.after_end(*ended),
            IssueKind::BeforeCreation { created } => self.before_creation(*created),
            IssueKind::CountMismatch {
                announced,
                actual,
                date,
                partial,
            } => self.count_mismatch(*announced as usize, *actual, *date, *partial),
            IssueKind::DuplicateInList { member } => self.duplicate_in_list(member),
        }
    }

    /// Where the item lists `name` under `action` (a `move` counts for any action).
    fn member_span(&self, name: &str, action: AmendAction) -> Span {
        self.members
            .iter()
            .find(|(a, m)| m.name == name && (*a == Some(action) || *a == Some(AmendAction::Move)))
            .map_or(self.item.span, |(_, m)| m.span)
    }

    /// The span an amendment's date problem points at: its `from`, else the set it names.
    fn amend_date_span(&self) -> Span {
        match &self.item.kind {
            ItemKind::Amend(a) => a.from.as_ref().map_or(a.set.span, |f| f.span),
            _ => self.item.span,
        }
    }

    fn already_present(&self, member: &str, date: Date) -> Diagnostic {
        let set_name = self.set_name;
        Diagnostic::new(
            Code::E0301,
            self.path,
            self.member_span(member, AmendAction::Add),
            format!("`{member}` is already in `{set_name}` on {date}"),
        )
        .label("added again here")
        .help("remove it from this `add`, or remove it from the set in an earlier amendment first")
    }

    fn not_present(
        &self,
        member: &str,
        date: Date,
        removed_by: Option<(SourceFile, u32, Date)>,
    ) -> Diagnostic {
        let set_name = self.set_name;
        let d = Diagnostic::new(
            Code::E0302,
            self.path,
            self.member_span(member, AmendAction::Remove),
            format!("`{member}` is not in `{set_name}` on {date}"),
        )
        .label("nothing to remove");
        let earlier = removed_by
            .and_then(|(f, i, on)| removal_site(self.db, f, i, member).map(|s| (f, s, on)));
        match earlier {
            Some((f, span, on)) => d
                .related(f.path(self.db), span, format!("removed from {on} by this amendment"))
                .help(format!(
                    "`{member}` was already removed on {on}: drop this `remove`, or add it back in between"
                )),
            None => d.help("check the name and the date: only current members can be removed"),
        }
    }

    fn moved_into_present(&self, member: &str, date: Date, into: &str) -> Diagnostic {
        let set_name = self.set_name;
        Diagnostic::new(
            Code::E0301,
            self.path,
            self.member_span(member, AmendAction::Move),
            format!("`{member}` is already in `{into}` on {date}"),
        )
        .label(format!("moved into `{into}` here"))
        .help(format!(
            "a `move` takes a member out of `{set_name}` and into `{into}`: use `remove` if it is in both"
        ))
    }

    fn amends_formula(&self, parts: &[String]) -> Diagnostic {
        let span = match &self.item.kind {
            ItemKind::Amend(a) => a.set.span,
            _ => self.item.span,
        };
        let parts: Vec<String> = parts.iter().map(|p| format!("`{p}`")).collect();
        Diagnostic::new(
            Code::E0308,
            self.path,
            span,
            format!(
                "`{}` is made of other sets and cannot be amended",
                self.set_name
            ),
        )
        .label("a set with a formula")
        .help(format!(
            "amend the set it is made of ({}) instead",
            join_or(&parts)
        ))
    }

    fn formula_cycle(&self, through: &[String]) -> Diagnostic {
        let set_name = self.set_name;
        let span = match &self.item.kind {
            ItemKind::Set(s) => s.formula.as_ref().map_or(s.name.span, |f| f.span),
            _ => self.item.span,
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
        Diagnostic::new(Code::E0401, self.path, span, message)
            .label(label)
            .help("a formula may use only sets that do not use it; list members in one of them")
    }

    fn after_end(&self, ended: Date) -> Diagnostic {
        Diagnostic::new(
            Code::E0307,
            self.path,
            self.amend_date_span(),
            format!(
                "`{}` no longer exists on this date: it ends on {ended}",
                self.set_name
            ),
        )
        .label("after the set's `until`")
        .help(format!(
            "date the amendment before {ended}, or move the set's `until` later"
        ))
    }

    fn before_creation(&self, created: Date) -> Diagnostic {
        Diagnostic::new(
            Code::E0303,
            self.path,
            self.amend_date_span(),
            format!("`{}` does not exist before {created}", self.set_name),
        )
        .label("this amendment is dated earlier")
        .help(format!(
            "date the amendment on or after {created}, or move the set's `from` earlier"
        ))
    }

    fn count_mismatch(
        &self,
        announced: usize,
        actual: usize,
        date: Option<Date>,
        partial: bool,
    ) -> Diagnostic {
        let set_name = self.set_name;
        let when = date.map_or(String::new(), |d| format!(" from {d}"));
        let members = |n: usize| if n == 1 { "member" } else { "members" };
        let message = if partial && actual == announced {
            format!(
                "`{set_name}` lists all {announced} announced {}{when}, but says `partial`",
                members(announced)
            )
        } else {
            format!(
                "`{set_name}` is announced with {announced} {}{when} but lists {actual}",
                members(announced)
            )
        };
        let d = Diagnostic::new(Code::E0305, self.path, self.announced_span, message);
        if actual > announced {
            d.label(format!(
                "{} more {} listed than announced",
                actual - announced,
                members(actual - announced)
            ))
            .help("check the list against the source: a member too many, or a count that changed")
        } else if partial {
            d.label("every announced member is listed")
                .help("the list is complete: remove `partial`")
        } else {
            d.label(format!(
                "{} {} not listed",
                announced - actual,
                members(announced - actual)
            ))
            .help("list the members the source names; if the source names only these, write `announced N partial`")
        }
    }

    fn duplicate_in_list(&self, member: &str) -> Diagnostic {
        let occurrences: Vec<Span> = self
            .members
            .iter()
            .filter(|(_, m)| m.name == member)
            .map(|(_, m)| m.span)
            .collect();
        let span = occurrences.get(1).copied().unwrap_or(self.item.span);
        let d = Diagnostic::new(
            Code::E0306,
            self.path,
            span,
            format!("`{member}` is listed twice"),
        )
        .label("listed again here");
        let d = match occurrences.first() {
            Some(first) => d.secondary(*first, "first listed here"),
            None => d,
        };
        d.help("remove one of them")
    }
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
