//! Name resolution and type/unit checking of one file against the workspace index.
//!
//! `check_file` walks every item of a file, resolves the names it uses through the
//! [`Index`], infers and checks the types of its expressions (`check/expr.rs`), and produces
//! diagnostics plus a readable checked model of the file. Item-level rules live in
//! `check/items.rs`.

mod coverage;
mod decisions;
mod expr;
mod items;
mod labels;
mod sets;
mod test_items;
mod values;

use std::sync::Arc;

use edict_grammar::{Ident, Span, TypeRef};
use serde::Serialize;

use crate::db::{Db, SourceFile, Workspace};
use crate::decls::{workspace_index, DeclKind, Index, TypeName};
use crate::diagnostic::{Code, Diagnostic};
use crate::fuzzy::best_match;
use crate::sets::{set_timelines, Timelines};
use crate::syntax::parse_file;
use crate::types::{Ty, BUILTIN_TYPES};

/// One line of the checked model: what an item means once names and types are resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ModelItem {
    pub kind: String,
    pub name: String,
    pub facts: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileCheck {
    pub diagnostics: Vec<Diagnostic>,
    pub model: Vec<ModelItem>,
}

#[salsa::tracked(returns(ref))]
pub fn check_file(db: &dyn Db, ws: Workspace, file: SourceFile) -> Arc<FileCheck> {
    let parsed = parse_file(db, file);
    let index = workspace_index(db, ws);
    let timelines = set_timelines(db, ws);
    let mut checker = Checker {
        db,
        ws,
        path: file.path(db),
        index,
        timelines,
        diags: Vec::new(),
        model: Vec::new(),
    };
    for (i, item) in parsed.items.iter().enumerate() {
        checker.item(i, item);
    }
    Arc::new(FileCheck {
        diagnostics: checker.diags,
        model: checker.model,
    })
}

/// The names visible inside a rule, decision or test besides the workspace's declarations.
#[derive(Default)]
pub(crate) struct Scope {
    pub params: Vec<(String, Ty)>,
    /// The decision whose inputs these are (its named conditions may be used).
    pub decision: Option<String>,
    /// May dated values and relations be read here (in rules and named conditions)?
    pub dated: bool,
}

impl Scope {
    fn get(&self, name: &str) -> Option<&Ty> {
        self.params.iter().find(|(n, _)| n == name).map(|(_, t)| t)
    }
}

pub(crate) struct Checker<'a> {
    db: &'a dyn Db,
    ws: Workspace,
    path: &'a str,
    index: &'a Index,
    timelines: &'a Timelines,
    diags: Vec<Diagnostic>,
    model: Vec<ModelItem>,
}

impl<'a> Checker<'a> {
    fn emit(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn diag(&self, code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, self.path, span, message)
    }

    fn fact(&mut self, kind: &str, name: &str, facts: Vec<String>) {
        self.model.push(ModelItem {
            kind: kind.to_string(),
            name: name.to_string(),
            facts,
        });
    }

    /// Reports an unknown name, suggesting the closest of `candidates`.
    fn unknown(&mut self, ident: &Ident, what: &str, candidates: Vec<&str>) {
        self.unknown_as(Code::E0101, ident, what, candidates);
    }

    /// Like [`Checker::unknown`], for fields and inputs (`E0103`).
    /// An unknown field: "did you mean" when one is close, else the fields there are.
    fn unknown_field(&mut self, ident: &Ident, what: &str, candidates: Vec<&str>) {
        if best_match(&ident.name, candidates.clone()).is_some() {
            self.unknown_as(Code::E0103, ident, what, candidates);
            return;
        }
        let listed: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
        let help = match listed.as_slice() {
            [] => "there is nothing to read here".to_string(),
            [one] => format!("there is only {one}"),
            [init @ .., last] => format!("there are {} and {last}", init.join(", ")),
        };
        let d = self
            .diag(
                Code::E0103,
                ident.span,
                format!("unknown {what} `{}`", ident.name),
            )
            .label("not declared")
            .help(help);
        self.emit(d);
    }

    fn unknown_as(&mut self, code: Code, ident: &Ident, what: &str, candidates: Vec<&str>) {
        // Declared by an item that does not parse: its syntax error is the one to fix.
        if code == Code::E0101 && self.index.broken.contains_key(&ident.name) {
            return;
        }
        let mut d = self.diag(code, ident.span, format!("unknown {what} `{}`", ident.name));
        match best_match(&ident.name, candidates.iter().copied()) {
            Some(best) => {
                d = d
                    .label(format!("no {what} is called `{}`", ident.name))
                    .help(format!("did you mean `{best}`?"))
                    .suggest(ident.span, best);
            }
            None => {
                // A name that begins others (`chongqing` for `chongqing_jiangbei`).
                let prefix = format!("{}_", ident.name);
                let mut longer: Vec<&str> = candidates
                    .iter()
                    .copied()
                    .filter(|c| c.starts_with(&prefix))
                    .collect();
                longer.sort_unstable();
                d = d.label("not declared in any file of the workspace");
                match longer.as_slice() {
                    [] => {}
                    [one] => {
                        d = d
                            .help(format!("did you mean `{one}`?"))
                            .suggest(ident.span, *one)
                    }
                    several => {
                        let shown: Vec<String> =
                            several.iter().take(3).map(|c| format!("`{c}`")).collect();
                        let more = if several.len() > 3 { ", ..." } else { "" };
                        d = d.help(format!("did you mean one of {}{more}?", shown.join(", ")));
                    }
                }
            }
        }
        self.emit(d);
    }

    /// Names of declarations for which `keep` holds, for "did you mean".
    fn names_where(&self, keep: impl Fn(&DeclKind) -> bool) -> Vec<&'a str> {
        let index: &'a Index = self.index;
        index
            .defs
            .iter()
            .filter(|(_, defs)| defs.first().is_some_and(|d| keep(&d.decl.kind)))
            .map(|(n, _)| n.as_str())
            .collect()
    }

    /// Resolves a written type, reporting unknown names.
    fn resolve_type(&mut self, t: &TypeRef) -> Ty {
        let inner = self.resolve_type_inner(t);
        if t.optional && !matches!(inner, Ty::Error) {
            Ty::Optional(Box::new(inner))
        } else {
            inner
        }
    }

    fn resolve_type_inner(&mut self, t: &TypeRef) -> Ty {
        let name = t.name.name.as_str();
        if name == "Range" || name == "Set" {
            let Some(arg) = &t.arg else {
                let d = self
                    .diag(
                        Code::E0201,
                        t.span,
                        format!("`{name}` needs an element type"),
                    )
                    .label("such as `Range<Duration>`")
                    .help(format!("write `{name}<T>`"));
                self.emit(d);
                return Ty::Error;
            };
            let inner = self.resolve_type(arg);
            if name == "Set" {
                let d = self
                    .diag(Code::E0208, t.span, "a set type cannot be written here")
                    .label("sets are declared with `set`, not used as field types")
                    .help(
                        "declare the set with `set name: T { ... }` and test membership with `in`",
                    );
                self.emit(d);
                return Ty::Error;
            }
            if !inner.is_ordered() {
                let d = self
                    .diag(
                        Code::E0208,
                        arg.span,
                        format!("a range of `{inner}` is not possible"),
                    )
                    .label("ranges need numbers, dates or durations");
                self.emit(d);
                return Ty::Error;
            }
            return Ty::Range(Box::new(inner));
        }
        if let Some(arg) = &t.arg {
            let d = self
                .diag(
                    Code::E0201,
                    arg.span,
                    format!("`{name}` takes no type argument"),
                )
                .label("remove this");
            self.emit(d);
        }
        if let Some(b) = Ty::builtin(name) {
            return b;
        }
        match self.index.kind(name) {
            Some(DeclKind::Enum { .. }) => Ty::Enum(name.to_string()),
            Some(DeclKind::EntityType { .. }) => Ty::Entity(name.to_string()),
            Some(DeclKind::Record { .. }) => Ty::Record(name.to_string()),
            Some(other) => {
                let noun = other.with_article();
                let d = self
                    .diag(Code::E0104, t.name.span, format!("`{name}` is {noun}, not a type"))
                    .label("a type is expected here")
                    .help("types are declared with `entity`, `enum` or `record`, or are built in (`Text`, `Date`, `Duration`, ...)");
                self.emit(d);
                Ty::Error
            }
            None => {
                let mut candidates: Vec<&str> = BUILTIN_TYPES.to_vec();
                candidates.extend(self.names_where(DeclKind::is_type));
                self.unknown(&t.name, "type", candidates);
                Ty::Error
            }
        }
    }

    /// The type a written type name stands for, without reporting (its declaration reports).
    pub(crate) fn ty_of(&self, t: &TypeName) -> Ty {
        ty_of(self.index, t)
    }

    /// The declared fields of a record or entity type.
    pub(crate) fn fields_of(&self, type_name: &str) -> Option<Vec<(String, Ty)>> {
        let fields = match self.index.kind(type_name)? {
            DeclKind::Record { fields } | DeclKind::EntityType { fields, .. } => fields,
            _ => return None,
        };
        Some(
            fields
                .iter()
                .map(|(n, t)| (n.clone(), self.ty_of(t)))
                .collect(),
        )
    }

    /// Where a declaration is, for "first defined here" labels: (file path, span).
    fn def_location(&self, def: &crate::decls::DefRef) -> (String, Span) {
        let parsed = parse_file(self.db, def.file);
        let span = decl_span(parsed, &def.decl);
        (def.file.path(self.db).clone(), span)
    }
}

/// The type a written type name stands for in `index`; `Ty::Error` when unknown.
pub fn ty_of(index: &Index, t: &TypeName) -> Ty {
    let base = match t.name.as_str() {
        "Range" => match &t.arg {
            Some(a) => Ty::Range(Box::new(ty_of(index, a))),
            None => Ty::Error,
        },
        // Only the values of `value` and `relation` declarations are sets.
        "Set" => match &t.arg {
            Some(a) => Ty::Set(Box::new(ty_of(index, a))),
            None => Ty::Error,
        },
        name => match Ty::builtin(name) {
            Some(b) => b,
            None => match index.kind(name) {
                Some(DeclKind::Enum { .. }) => Ty::Enum(name.to_string()),
                Some(DeclKind::EntityType { .. }) => Ty::Entity(name.to_string()),
                Some(DeclKind::Record { .. }) => Ty::Record(name.to_string()),
                _ => Ty::Error,
            },
        },
    };
    if t.optional && base != Ty::Error {
        Ty::Optional(Box::new(base))
    } else {
        base
    }
}

/// The span of a declaration's name in its file.
pub fn decl_span(parsed: &edict_grammar::ParsedFile, decl: &crate::decls::Decl) -> Span {
    let Some(item) = parsed.items.get(decl.item as usize) else {
        return Span::default();
    };
    if let (Some(entry), edict_grammar::ItemKind::Catalogue(c)) = (decl.entry, &item.kind) {
        return c
            .entries
            .get(entry as usize)
            .map_or(item.span, |e| e.name.span);
    }
    item.name().map_or(item.span, |n| n.span)
}
