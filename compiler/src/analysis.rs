//! The whole-file diagnostics query and [`Analysis`], the handle tools hold on the database.

use std::collections::BTreeMap;
use std::sync::Arc;

use edict_grammar::{AmendAction, ItemKind, Span, SyntaxErrorKind};
use salsa::Setter;

use crate::check::{check_file, decl_span, ModelItem};
use crate::db::{Database, Db, SourceFile, Workspace};
use crate::decls::{file_decls, used_names, DeclKind};
use crate::diagnostic::{Code, Diagnostic};
use crate::sets::{set_timelines, IssueKind};
use crate::syntax::parse_file;

fn syntax_diagnostics(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
    let path = file.path(db);
    let parsed = parse_file(db, file);
    let text = file.text(db);
    // An item read in part: the error does not lose the whole item.
    let recovered = |s: Span| {
        parsed
            .items
            .iter()
            .any(|i| i.span == s && !matches!(i.kind, ItemKind::Error))
    };
    parsed
        .errors
        .iter()
        .map(|e| {
            let code = match e.kind {
                SyntaxErrorKind::Unexpected | SyntaxErrorKind::SpacedUnit => Code::E0001,
                SyntaxErrorKind::TooDeep => Code::E0002,
                SyntaxErrorKind::TooLarge => Code::E0003,
                SyntaxErrorKind::UnterminatedString => Code::E0004,
                SyntaxErrorKind::StrayText => Code::E0005,
                SyntaxErrorKind::TooManyItems => Code::E0007,
                SyntaxErrorKind::StringTooLong => Code::E0008,
            };
            let mut d = Diagnostic::new(code, path, e.span, e.message.clone());
            d = match e.kind {
                SyntaxErrorKind::UnterminatedString => {
                    d.label("the string runs to the end of the line")
                }
                SyntaxErrorKind::TooDeep => d.label("the limit is passed here"),
                SyntaxErrorKind::TooLarge | SyntaxErrorKind::TooManyItems => {
                    d.label("the file is not read")
                }
                SyntaxErrorKind::StringTooLong => d.label("the string starts here"),
                SyntaxErrorKind::SpacedUnit => {
                    let joined = e.expected.first().map(|x| x.trim_matches('`').to_string());
                    let d = d.label(format!("write {}", join_or(&e.expected)));
                    match joined {
                        Some(fix) => d.suggest(e.span, fix),
                        None => d,
                    }
                }
                _ if !e.expected.is_empty() => {
                    d.label(format!("expected {}", join_or(&e.expected)))
                }
                _ => d,
            };
            let keyword = text
                .get(e.item_span.range())
                .and_then(|t| t.split_whitespace().next())
                .filter(|k| edict_grammar::ITEM_KEYWORDS.contains(k));
            let help = match (e.kind, keyword) {
                (SyntaxErrorKind::TooLarge | SyntaxErrorKind::TooManyItems, _) => {
                    "split the policy into several files".to_string()
                }
                (SyntaxErrorKind::StringTooLong, _) => {
                    "keep long texts outside the policy, and refer to them by name".to_string()
                }
                (SyntaxErrorKind::TooDeep, _) => {
                    "split the condition into simpler parts, or use a set".to_string()
                }
                (SyntaxErrorKind::UnterminatedString, _) => {
                    "add the closing `\"` on the same line".to_string()
                }
                (SyntaxErrorKind::SpacedUnit, _) => {
                    "write the number and its unit without a space, as in `144h` or `30d`"
                        .to_string()
                }
                (SyntaxErrorKind::Unexpected, Some("set")) => "a set states `from`, `until`, \
                    `announced N` (`announced N partial` when the source names only some) and \
                    `cite`, then its members in braces; this `set` was skipped, the rest of the \
                    file is still checked"
                    .to_string(),
                (SyntaxErrorKind::Unexpected, Some("amend")) => "an amendment states `from`, \
                    `announced N` and `cite`, then `add` and `remove` lines in braces; this \
                    `amend` was skipped, the rest of the file is still checked"
                    .to_string(),
                (SyntaxErrorKind::StrayText, _) => {
                    "every item starts with a keyword such as `rule`, `set` or `decision`"
                        .to_string()
                }
                (_, Some(k)) if recovered(e.item_span) => format!(
                    "this part of the `{k}` was skipped; its other entries and the rest of the file are still checked"
                ),
                (_, Some(k)) => {
                    format!("this `{k}` was skipped; the rest of the file is still checked")
                }
                _ => "this item was skipped; the rest of the file is still checked".to_string(),
            };
            d.help(help)
        })
        .collect()
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Set and amendment mistakes found in this file's items.
fn set_diagnostics(db: &dyn Db, ws: Workspace, file: SourceFile) -> Vec<Diagnostic> {
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

/// Declarations of this file that nothing in the workspace refers to.
fn unused_diagnostics(db: &dyn Db, ws: Workspace, file: SourceFile) -> Vec<Diagnostic> {
    let used = used_names(db, ws);
    let decls = file_decls(db, file);
    let parsed = parse_file(db, file);
    let path = file.path(db);
    decls
        .decls
        .iter()
        .filter(|d| {
            matches!(
                d.kind,
                DeclKind::Source { .. }
                    | DeclKind::Enum { .. }
                    | DeclKind::EntityType { .. }
                    | DeclKind::Record { .. }
                    | DeclKind::Set { .. }
                    | DeclKind::Condition { .. }
                    | DeclKind::Request { .. }
                    | DeclKind::Value { .. }
            ) && !used.contains(&d.name)
        })
        .map(|d| {
            let noun = d.kind.noun();
            Diagnostic::new(
                Code::W0501,
                path,
                decl_span(parsed, d),
                format!("{noun} `{}` is never used", d.name),
            )
            .label("declared here")
            .help("remove it, or refer to it from a rule, a set or a type")
        })
        .collect()
}

/// Every diagnostic of one file, sorted by position.
#[salsa::tracked(returns(ref))]
pub fn file_diagnostics(db: &dyn Db, ws: Workspace, file: SourceFile) -> Arc<Vec<Diagnostic>> {
    let mut all = syntax_diagnostics(db, file);
    all.extend(check_file(db, ws, file).diagnostics.iter().cloned());
    all.extend(set_diagnostics(db, ws, file));
    all.extend(unused_diagnostics(db, ws, file));
    all.sort_by_key(Diagnostic::sort_key);
    all.dedup();
    Arc::new(all)
}

/// What lowering could not put in a decision table, as `E0601` diagnostics.
fn table_diagnostics(errors: Vec<crate::lower::LowerError>) -> Vec<Diagnostic> {
    errors
        .into_iter()
        .map(|e| {
            Diagnostic::new(Code::E0601, &e.file, e.span, e.message)
                .label("not supported in decision tables")
                .help(e.help.unwrap_or_else(|| {
                    "compare inputs with constants, sets, ranges or other inputs of the same type"
                        .to_string()
                }))
        })
        .collect()
}

/// `E0006` for a file whose bytes are not UTF-8 from `offset` on.
pub fn utf8_diagnostic(path: &str, offset: usize) -> Diagnostic {
    Diagnostic::new(
        Code::E0006,
        path,
        Span::new(offset, offset + 1),
        "this file is not valid UTF-8",
    )
    .label("this byte does not start a UTF-8 character")
    .help("save the file as UTF-8; Edict reads text in UTF-8 only")
}

/// The workspace lowered into decision tables, memoized like every other query: the language
/// server's "Show table" and "Run tests" reuse it until an edit changes what it read.
#[salsa::tracked(returns(ref))]
pub fn compile(
    db: &dyn Db,
    ws: Workspace,
) -> Arc<Result<edict_runtime::Artifact, Vec<crate::lower::LowerError>>> {
    Arc::new(crate::lower::Lowerer::new(db, ws).lower())
}

/// The handle a tool holds: a database, a workspace and its files by path.
pub struct Analysis {
    db: Database,
    ws: Workspace,
    files: BTreeMap<String, SourceFile>,
    /// Files that were not valid UTF-8: the offset of the first bad byte.
    bad_utf8: BTreeMap<String, usize>,
}

impl Default for Analysis {
    fn default() -> Self {
        Analysis::new(Database::default())
    }
}

impl Analysis {
    pub fn new(db: Database) -> Analysis {
        let ws = Workspace::new(&db, Vec::new());
        Analysis {
            db,
            ws,
            files: BTreeMap::new(),
            bad_utf8: BTreeMap::new(),
        }
    }

    pub fn db(&self) -> &Database {
        &self.db
    }

    pub fn workspace(&self) -> Workspace {
        self.ws
    }

    /// Adds or replaces a file's text.
    pub fn set_file(&mut self, path: &str, text: String) {
        self.bad_utf8.remove(path);
        match self.files.get(path) {
            Some(&file) => {
                if file.text(&self.db) != &text {
                    file.set_text(&mut self.db).to(text);
                }
            }
            None => {
                let file = SourceFile::new(&self.db, path.to_string(), text);
                self.files.insert(path.to_string(), file);
                let list: Vec<SourceFile> = self.files.values().copied().collect();
                self.ws.set_files(&mut self.db).to(list);
            }
        }
    }

    /// Adds a file read from disk; bytes that are not UTF-8 give an `E0006` diagnostic.
    pub fn set_file_bytes(&mut self, path: &str, bytes: Vec<u8>) {
        match String::from_utf8(bytes) {
            Ok(text) => self.set_file(path, text),
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                self.set_file(path, text);
                self.bad_utf8.insert(path.to_string(), offset);
            }
        }
    }

    pub fn remove_file(&mut self, path: &str) {
        if self.files.remove(path).is_some() {
            let list: Vec<SourceFile> = self.files.values().copied().collect();
            self.ws.set_files(&mut self.db).to(list);
        }
    }

    pub fn file(&self, path: &str) -> Option<SourceFile> {
        self.files.get(path).copied()
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// The text of every file, for renderers.
    pub fn sources(&self) -> BTreeMap<String, String> {
        self.files
            .iter()
            .map(|(p, f)| (p.clone(), f.text(&self.db).clone()))
            .collect()
    }

    /// The diagnostics of one file.
    pub fn file_diagnostics(&self, path: &str) -> Vec<Diagnostic> {
        let Some(&file) = self.files.get(path) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if let Some(&offset) = self.bad_utf8.get(path) {
            out.push(utf8_diagnostic(path, offset));
        }
        out.extend(file_diagnostics(&self.db, self.ws, file).iter().cloned());
        out
    }

    /// The diagnostics of every file: the syntax errors of every file first (a name error is
    /// often their consequence), then the others, each group in path order.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut all: Vec<Diagnostic> = self
            .files
            .keys()
            .flat_map(|p| self.file_diagnostics(p))
            .collect();
        all.sort_by_key(|d| !d.code.is_syntax());
        all
    }

    /// The checked model of one file.
    pub fn model(&self, path: &str) -> Vec<ModelItem> {
        match self.files.get(path) {
            Some(&file) => check_file(&self.db, self.ws, file).model.clone(),
            None => Vec::new(),
        }
    }

    /// Compiles the workspace into an artifact, or returns the diagnostics that prevent it
    /// (any error of `check`, or a construct the tables cannot represent: `E0601`).
    pub fn build(&self) -> Result<edict_runtime::Artifact, Vec<Diagnostic>> {
        let diags = self.diagnostics();
        if diags.iter().any(Diagnostic::is_error) {
            return Err(diags);
        }
        let compiled: &Result<_, _> = compile(&self.db, self.ws);
        compiled.clone().map_err(table_diagnostics)
    }

    /// Everything `edict check` reports: the diagnostics of every file and, when none is an
    /// error, what the decision tables cannot represent (`E0601`), so that a workspace `check`
    /// accepts also builds, and `test` and the runtime can answer every well-typed request.
    pub fn check(&self) -> Vec<Diagnostic> {
        let mut diags = self.diagnostics();
        if !diags.iter().any(Diagnostic::is_error) {
            if let Err(errors) = compile(&self.db, self.ws).as_ref() {
                diags.extend(table_diagnostics(errors.clone()));
            }
        }
        diags
    }

    /// A lowerer over the current workspace (for tests, the interpreter and `edict test`).
    pub fn lowerer(&self) -> crate::lower::Lowerer<'_> {
        crate::lower::Lowerer::new(&self.db, self.ws)
    }
}

impl Analysis {
    /// Verifies every decision table of the workspace (see `docs/verification.md`): the
    /// findings as diagnostics at the rules concerned. `Err` when the workspace does not build.
    pub fn verify(&self) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
        let artifact = self.build()?;
        let engine = edict_runtime::Engine::new(artifact).map_err(|e| {
            vec![Diagnostic::new(
                Code::E0601,
                "",
                Span::default(),
                format!("the compiled tables are inconsistent: {e}"),
            )]
        })?;
        let index = crate::decls::workspace_index(&self.db, self.ws);
        let locate = |name: &str| -> (String, Span) {
            match index.get(name) {
                Some(def) => {
                    let parsed = parse_file(&self.db, def.file);
                    (
                        def.file.path(&self.db).clone(),
                        decl_span(parsed, &def.decl),
                    )
                }
                None => (String::new(), Span::default()),
            }
        };
        let mut out = Vec::new();
        for f in engine.verify() {
            let Some(id) = engine.decision_id(&f.decision) else {
                continue;
            };
            let Some(table) = engine.decision(id) else {
                continue;
            };
            let rule_name = |r: &u32| {
                table
                    .rules
                    .get(*r as usize)
                    .map_or(String::new(), |r| r.name.clone())
            };
            let subject = f
                .rules
                .first()
                .map_or_else(|| f.decision.clone(), rule_name);
            let (file, span) = locate(&subject);
            let code = match f.kind {
                edict_runtime::verify::FindingKind::Overlap => Code::E0701,
                edict_runtime::verify::FindingKind::Gap => Code::W0702,
                edict_runtime::verify::FindingKind::Dead => Code::W0703,
                edict_runtime::verify::FindingKind::Shadowed => Code::W0704,
                edict_runtime::verify::FindingKind::Subsumed => Code::H0705,
            };
            let mut d = Diagnostic::new(code, &file, span, f.message.clone());
            d = d.label(match f.kind {
                edict_runtime::verify::FindingKind::Gap => "this decision".to_string(),
                _ => "this rule".to_string(),
            });
            for other in f.rules.iter().skip(1).take(3) {
                let (ofile, ospan) = locate(&rule_name(other));
                d = d.related(&ofile, ospan, format!("rule `{}`", rule_name(other)));
            }
            let when = match (f.from, f.until) {
                (None, None) => "at all times".to_string(),
                (Some(a), None) => format!("from {}", edict_runtime::value::format_date(a)),
                (None, Some(b)) => format!("before {}", edict_runtime::value::format_date(b)),
                (Some(a), Some(b)) => format!(
                    "from {} to {}",
                    edict_runtime::value::format_date(a),
                    edict_runtime::value::format_date(b)
                ),
            };
            if !f.region.is_empty() {
                let region: Vec<String> = f
                    .region
                    .iter()
                    .map(|(c, v)| format!("`{c}`: {v}"))
                    .collect();
                d = d.note(format!("where: {when}; {}", region.join("; ")));
            }
            if let Some(example) = &f.example {
                d = d.note(format!("for example: {example}"));
            }
            d = d.help(match f.kind {
                edict_runtime::verify::FindingKind::Overlap => {
                    "make the conditions exclusive, or declare `hit first` or `hit priority`"
                }
                edict_runtime::verify::FindingKind::Gap => {
                    "add a rule for these requests, or an `otherwise` outcome"
                }
                edict_runtime::verify::FindingKind::Dead => {
                    "remove the rule, or correct its period or conditions"
                }
                edict_runtime::verify::FindingKind::Shadowed => {
                    "remove the rule, or move it before the rules that pre-empt it"
                }
                edict_runtime::verify::FindingKind::Subsumed => {
                    "the rule can be removed without changing any answer"
                }
            });
            out.push(d);
        }
        Ok(out)
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
