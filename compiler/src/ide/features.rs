//! Outline, highlighting, inlay hints, code lenses, quick fixes and rename, as plain data.

use edict_grammar::{Item, ItemKind, Span};
use edict_runtime::value::{parse_duration, Value};
use jiff::civil::Date;

use crate::db::{Db, SourceFile, Workspace};
use crate::decls::{workspace_index, DeclKind};
use crate::diagnostic::Diagnostic;
use crate::ide::hover::duration_words;
use crate::ide::lex::{is_keyword, tokenize, TokenKind};
use crate::ide::resolve::{definition, file_symbols, references, Target};
use crate::sets::set_timelines;
use crate::syntax::parse_file;

// ----- symbols -----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Source,
    Enum,
    EntityType,
    Record,
    Catalogue,
    Entity,
    Set,
    Amendment,
    Decision,
    Rule,
    Test,
    Field,
    Variant,
    Param,
    /// A dated value or a relation.
    Value,
}

/// An entry of a file's outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole item.
    pub span: Span,
    /// The name.
    pub selection: Span,
    pub children: Vec<Symbol>,
}

fn leaf(name: &str, kind: SymbolKind, span: Span, detail: Option<String>) -> Symbol {
    Symbol {
        name: name.to_string(),
        detail,
        kind,
        span,
        selection: span,
        children: Vec::new(),
    }
}

fn field_symbols(fields: &[edict_grammar::FieldDecl]) -> Vec<Symbol> {
    fields
        .iter()
        .map(|f| {
            let ty = edict_grammar::print::type_ref(&f.ty);
            leaf(&f.name.name, SymbolKind::Field, f.name.span, Some(ty))
        })
        .collect()
}

/// The outline of a file: its items, with fields, values, entries and inputs inside them.
pub fn document_symbols(db: &dyn Db, file: SourceFile) -> Vec<Symbol> {
    parse_file(db, file)
        .items
        .iter()
        .filter_map(item_symbol)
        .collect()
}

fn item_symbol(item: &Item) -> Option<Symbol> {
    let (kind, detail, children): (SymbolKind, Option<String>, Vec<Symbol>) = match &item.kind {
        ItemKind::Source(_) => (SymbolKind::Source, None, Vec::new()),
        ItemKind::Enum(e) => (
            SymbolKind::Enum,
            None,
            e.variants
                .iter()
                .map(|v| leaf(&v.name, SymbolKind::Variant, v.span, None))
                .collect(),
        ),
        ItemKind::Entity(e) => (
            SymbolKind::EntityType,
            e.parent
                .as_ref()
                .map(|p| format!("in {}", edict_grammar::print::type_ref(p))),
            field_symbols(&e.fields),
        ),
        ItemKind::Record(r) => (SymbolKind::Record, None, field_symbols(&r.fields)),
        ItemKind::Catalogue(c) => {
            let children = c
                .entries
                .iter()
                .map(|e| Symbol {
                    name: e.name.name.clone(),
                    detail: e.parent.as_ref().map(|p| format!("in {}", p.name)),
                    kind: SymbolKind::Entity,
                    span: e.span,
                    selection: e.name.span,
                    children: Vec::new(),
                })
                .collect();
            return Some(Symbol {
                name: format!("catalogue {}", c.ty.name),
                detail: Some(format!("{} entries", c.entries.len())),
                kind: SymbolKind::Catalogue,
                span: item.span,
                selection: c.ty.span,
                children,
            });
        }
        ItemKind::Set(s) => (
            SymbolKind::Set,
            Some(format!(
                "{} ({} listed)",
                edict_grammar::print::type_ref(&s.ty),
                s.members.len()
            )),
            Vec::new(),
        ),
        ItemKind::Value(v) => (
            SymbolKind::Value,
            Some(match &v.key {
                Some(k) => format!(
                    "{} -> {}",
                    edict_grammar::print::type_ref(k),
                    edict_grammar::print::type_ref(&v.ty)
                ),
                None => edict_grammar::print::type_ref(&v.ty),
            }),
            Vec::new(),
        ),
        ItemKind::Amend(a) => {
            let from = a.from.as_ref().map_or(String::new(), |f| {
                format!(" from {}", crate::render::expr_text(f))
            });
            return Some(Symbol {
                name: format!("amend {}{from}", a.set.name),
                detail: None,
                kind: SymbolKind::Amendment,
                span: item.span,
                selection: a.set.span,
                children: Vec::new(),
            });
        }
        ItemKind::Decision(d) => (
            SymbolKind::Decision,
            Some(format!("-> {}", edict_grammar::print::type_ref(&d.output))),
            d.params
                .iter()
                .map(|p| {
                    leaf(
                        &p.name.name,
                        SymbolKind::Param,
                        p.name.span,
                        Some(edict_grammar::print::type_ref(&p.ty)),
                    )
                })
                .collect(),
        ),
        ItemKind::Rule(r) => (
            SymbolKind::Rule,
            Some(format!("for {}", r.decision.name)),
            Vec::new(),
        ),
        ItemKind::Test(t) => (
            SymbolKind::Test,
            Some(format!("for {}", t.decision.name)),
            Vec::new(),
        ),
        ItemKind::Request(r) => (
            SymbolKind::Test,
            Some(format!("request for {}", r.decision.name)),
            Vec::new(),
        ),
        ItemKind::Condition(c) => (
            SymbolKind::Rule,
            Some(format!("condition for {}", c.decision.name)),
            Vec::new(),
        ),
        ItemKind::Error => return None,
    };
    let name = item.name()?;
    Some(Symbol {
        name: name.name.clone(),
        detail,
        kind,
        span: item.span,
        selection: name.span,
        children,
    })
}

/// A declaration found by a workspace symbol search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    pub name: String,
    pub kind: SymbolKind,
    pub file: SourceFile,
    pub span: Span,
    pub container: Option<String>,
}

/// Declarations whose name contains the query's characters in order (case-insensitive);
/// at most `limit`, exact and prefix matches first.
pub fn workspace_symbols(
    db: &dyn Db,
    ws: Workspace,
    query: &str,
    limit: usize,
) -> Vec<WorkspaceSymbol> {
    let index = workspace_index(db, ws);
    let q = query.to_ascii_lowercase();
    let mut hits: Vec<(u8, &String, &crate::decls::DefRef)> = index
        .defs
        .iter()
        .filter_map(|(name, defs)| {
            let lower = name.to_ascii_lowercase();
            let rank = if lower == q {
                0
            } else if lower.starts_with(&q) {
                1
            } else if lower.contains(&q) {
                2
            } else {
                let mut chars = lower.chars();
                if q.chars().all(|c| chars.any(|l| l == c)) {
                    3
                } else {
                    return None;
                }
            };
            Some((rank, name, defs.first()?))
        })
        .collect();
    hits.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    hits.into_iter()
        .take(limit)
        .map(|(_, name, def)| {
            let parsed = parse_file(db, def.file);
            let (kind, container) = match &def.decl.kind {
                DeclKind::Source { .. } => (SymbolKind::Source, None),
                DeclKind::Enum { .. } => (SymbolKind::Enum, None),
                DeclKind::EntityType { .. } => (SymbolKind::EntityType, None),
                DeclKind::Entity { ty, .. } => (SymbolKind::Entity, Some(ty.clone())),
                DeclKind::Record { .. } => (SymbolKind::Record, None),
                DeclKind::Set { .. } => (SymbolKind::Set, None),
                DeclKind::Value { .. } => (SymbolKind::Value, None),
                DeclKind::Decision { .. } => (SymbolKind::Decision, None),
                DeclKind::Rule { decision } => (SymbolKind::Rule, Some(decision.clone())),
                DeclKind::Test { decision } | DeclKind::Request { decision } => {
                    (SymbolKind::Test, Some(decision.clone()))
                }
                DeclKind::Condition { decision } => (SymbolKind::Rule, Some(decision.clone())),
            };
            WorkspaceSymbol {
                name: name.clone(),
                kind,
                file: def.file,
                span: crate::check::decl_span(parsed, &def.decl),
                container,
            }
        })
        .collect()
}

// ----- semantic tokens -----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenClass {
    Keyword,
    Comment,
    DocComment,
    String,
    Number,
    Type,
    Enum,
    Struct,
    Class,
    EnumMember,
    Variable,
    Constant,
    Parameter,
    Property,
    Function,
    Method,
    Namespace,
}

/// One highlighted span; `definition` marks a declaring occurrence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Highlight {
    pub span: Span,
    pub class: TokenClass,
    pub definition: bool,
}

/// Every highlighted span of a file, in order and without overlaps.
pub fn highlights(db: &dyn Db, ws: Workspace, file: SourceFile) -> Vec<Highlight> {
    let text = file.text(db);
    let symbols = file_symbols(db, ws, file);
    let index = workspace_index(db, ws);
    let mut occ = symbols.occurrences.iter().peekable();
    let mut out = Vec::new();
    for tok in tokenize(text) {
        let class = match tok.kind {
            TokenKind::Comment => Some(TokenClass::Comment),
            TokenKind::DocComment => Some(TokenClass::DocComment),
            TokenKind::Text => Some(TokenClass::String),
            TokenKind::Number => Some(TokenClass::Number),
            TokenKind::Punct => None,
            TokenKind::Ident => {
                while occ.peek().is_some_and(|o| o.span.start < tok.span.start) {
                    occ.next();
                }
                match occ.peek() {
                    Some(o) if o.span == tok.span => {
                        let class = match &o.target {
                            Target::Decl(n) => match index.kind(n) {
                                Some(DeclKind::Source { .. }) => TokenClass::Namespace,
                                Some(DeclKind::Enum { .. }) => TokenClass::Enum,
                                Some(DeclKind::Record { .. }) => TokenClass::Struct,
                                Some(DeclKind::EntityType { .. }) => TokenClass::Class,
                                Some(DeclKind::Entity { .. }) => TokenClass::Constant,
                                Some(DeclKind::Set { .. }) => TokenClass::Variable,
                                Some(DeclKind::Value { .. }) => TokenClass::Constant,
                                Some(DeclKind::Decision { .. }) => TokenClass::Function,
                                Some(
                                    DeclKind::Rule { .. }
                                    | DeclKind::Test { .. }
                                    | DeclKind::Request { .. }
                                    | DeclKind::Condition { .. },
                                ) => TokenClass::Method,
                                None => TokenClass::Variable,
                            },
                            Target::Param { .. } => TokenClass::Parameter,
                            Target::Variant { .. } => TokenClass::EnumMember,
                            Target::Field { .. } | Target::Parent { .. } => TokenClass::Property,
                            Target::Builtin(_) => TokenClass::Type,
                        };
                        out.push(Highlight {
                            span: tok.span,
                            class,
                            definition: o.def,
                        });
                        continue;
                    }
                    _ if is_keyword(&text[tok.span.range()]) => Some(TokenClass::Keyword),
                    _ => None,
                }
            }
        };
        if let Some(class) = class {
            out.push(Highlight {
                span: tok.span,
                class,
                definition: false,
            });
        }
    }
    out
}

// ----- inlay hints -----

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint is drawn (after the text at this offset).
    pub offset: usize,
    pub label: String,
    pub tooltip: Option<String>,
}

/// Durations in days or hours (`144h` → `= 6 d`), set sizes on `today` after a set's name,
/// and the values on `today` after a dated value's or a relation's use.
pub fn inlay_hints(
    db: &dyn Db,
    ws: Workspace,
    file: SourceFile,
    range: Span,
    today: Date,
) -> Vec<InlayHint> {
    let text = file.text(db);
    let mut out = Vec::new();
    for tok in tokenize(text) {
        if tok.kind != TokenKind::Number || tok.span.start < range.start || tok.span.end > range.end
        {
            continue;
        }
        if let Some(Value::Duration(secs)) = parse_duration(&text[tok.span.range()]) {
            let label =
                if secs % 86_400 == 0 && secs >= 86_400 && !text[tok.span.range()].ends_with('d') {
                    format!("= {} d", secs / 86_400)
                } else if secs % 3600 == 0 && text[tok.span.range()].ends_with(['d', 'w']) {
                    format!("= {} h", secs / 3600)
                } else {
                    continue;
                };
            out.push(InlayHint {
                offset: tok.span.end as usize,
                label,
                tooltip: Some(duration_words(secs)),
            });
        }
    }
    let timelines = set_timelines(db, ws);
    for o in &file_symbols(db, ws, file).occurrences {
        if o.span.start < range.start || o.span.end > range.end {
            continue;
        }
        let Target::Decl(name) = &o.target else {
            continue;
        };
        if !o.def {
            let values = crate::values::value_timelines(db, ws);
            if let Some(tl) = values.values.get(name).filter(|tl| tl.is_relation()) {
                let (label, keys) = crate::ide::values::relation_on(tl, today);
                out.push(InlayHint {
                    offset: o.span.end as usize,
                    label,
                    tooltip: Some(format!("{name} on {today}:\n{keys}")),
                });
                continue;
            }
            if let Some(tl) = values.values.get(name).filter(|tl| !tl.is_relation()) {
                let (label, tooltip) = match tl.era_at("", today) {
                    Some(era) => (
                        format!("= {}", crate::render::expr_text(&era.value)),
                        crate::ide::values::era_text(era),
                    ),
                    None => (
                        format!("(no value on {today})"),
                        "rules that read it do not apply on this day".to_string(),
                    ),
                };
                out.push(InlayHint {
                    offset: o.span.end as usize,
                    label,
                    tooltip: Some(format!("{name} on {today}: {tooltip}")),
                });
                continue;
            }
        }
        let Some(tl) = timelines.sets.get(name) else {
            continue;
        };
        let Some(members) = tl.members_at(today) else {
            continue;
        };
        out.push(InlayHint {
            offset: o.span.end as usize,
            label: format!("({} on {today})", plural(members.len(), "member")),
            tooltip: None,
        });
    }
    out.sort_by_key(|h| h.offset);
    out
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

// ----- code lenses -----

/// What a code lens runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LensCommand {
    /// Run the tests of a decision.
    RunTests { decision: String },
    /// Run one test.
    RunTest { test: String },
    /// Show a decision's table.
    ShowTable { decision: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeLens {
    pub span: Span,
    pub title: String,
    pub command: LensCommand,
}

/// "Run N tests" and "Show table" above each decision; "Run test" above each test.
pub fn code_lenses(db: &dyn Db, ws: Workspace, file: SourceFile) -> Vec<CodeLens> {
    let index = workspace_index(db, ws);
    let mut out = Vec::new();
    for item in &parse_file(db, file).items {
        match &item.kind {
            ItemKind::Decision(d) => {
                let name = &d.name.name;
                let tests = index
                    .defs
                    .values()
                    .filter_map(|defs| defs.first())
                    .filter(|def| matches!(&def.decl.kind, DeclKind::Test { decision } if decision == name))
                    .count();
                if tests > 0 {
                    out.push(CodeLens {
                        span: d.name.span,
                        title: format!("▶ Run {}", plural(tests, "test")),
                        command: LensCommand::RunTests {
                            decision: name.clone(),
                        },
                    });
                }
                out.push(CodeLens {
                    span: d.name.span,
                    title: "Show table".into(),
                    command: LensCommand::ShowTable {
                        decision: name.clone(),
                    },
                });
            }
            ItemKind::Test(t) => out.push(CodeLens {
                span: t.name.span,
                title: "▶ Run test".into(),
                command: LensCommand::RunTest {
                    test: t.name.name.clone(),
                },
            }),
            _ => {}
        }
    }
    out
}

// ----- quick fixes -----

/// A text replacement in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub file: SourceFile,
    pub span: Span,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
    /// The diagnostic the fix resolves, if it comes from one.
    pub diagnostic: Option<Diagnostic>,
    pub preferred: bool,
}

/// Fixes for the diagnostics overlapping `range` (their suggestions), and an `otherwise` for a
/// decision under the cursor that has none.
pub fn fixes(
    db: &dyn Db,
    ws: Workspace,
    file: SourceFile,
    diagnostics: &[Diagnostic],
    range: Span,
) -> Vec<Fix> {
    let mut out = Vec::new();
    let path = file.path(db);
    for d in diagnostics {
        let Some(s) = &d.suggestion else { continue };
        if d.primary.file != *path
            || d.primary.span.end < range.start
            || d.primary.span.start > range.end
        {
            continue;
        }
        let current = file.text(db).get(s.span.range()).unwrap_or("");
        out.push(Fix {
            title: format!("Replace `{current}` with `{}`", s.replacement),
            edits: vec![Edit {
                file,
                span: s.span,
                text: s.replacement.clone(),
            }],
            diagnostic: Some(d.clone()),
            preferred: true,
        });
    }
    let text = file.text(db);
    for item in &parse_file(db, file).items {
        let ItemKind::Decision(d) = &item.kind else {
            continue;
        };
        if d.otherwise.is_some() || item.span.end < range.start || item.span.start > range.end {
            continue;
        }
        // Insert before the closing brace, on its own line, with the item's indentation.
        let close = (item.span.end as usize).saturating_sub(1);
        if text.as_bytes().get(close) != Some(&b'}') {
            continue;
        }
        let line_start = text[..close].rfind('\n').map_or(0, |i| i + 1);
        let before_close = &text[line_start..close];
        let outcome = default_outcome(db, ws, &d.output.name.name);
        let (at, insert) = if before_close.trim().is_empty() {
            (line_start, format!("  otherwise {outcome}\n"))
        } else {
            (close, format!("\n  otherwise {outcome}\n"))
        };
        out.push(Fix {
            title: format!("Add an `otherwise` to `{}`", d.name.name),
            edits: vec![Edit {
                file,
                span: Span::new(at, at),
                text: insert,
            }],
            diagnostic: None,
            preferred: false,
        });
    }
    out
}

/// An outcome to start from: a record with its required fields set to their type's first
/// value, for the author to change.
fn default_outcome(db: &dyn Db, ws: Workspace, output: &str) -> String {
    let index = workspace_index(db, ws);
    let first_value = |t: &crate::decls::TypeName| -> String {
        match index.kind(&t.name) {
            Some(DeclKind::Enum { variants }) => variants.last().cloned().unwrap_or_default(),
            _ => match t.name.as_str() {
                "Bool" => "false".into(),
                "Int" => "0".into(),
                "Text" => "\"\"".into(),
                other => format!("<{other}>"),
            },
        }
    };
    match index.kind(output) {
        Some(DeclKind::Record { fields }) => {
            let parts: Vec<String> = fields
                .iter()
                .filter(|(_, t)| !t.optional)
                .map(|(f, t)| format!("{f}: {}", first_value(t)))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
        _ => first_value(&crate::decls::TypeName {
            name: output.to_string(),
            arg: None,
            optional: false,
        }),
    }
}

// ----- rename -----

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenameError {
    NothingToRename,
    BuiltIn(String),
    Invalid(String),
    Clash(String),
}

impl std::fmt::Display for RenameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenameError::NothingToRename => write!(f, "there is no name to rename here"),
            RenameError::BuiltIn(n) => {
                write!(f, "`{n}` is built into the language and cannot be renamed")
            }
            RenameError::Invalid(why) => f.write_str(why),
            RenameError::Clash(why) => f.write_str(why),
        }
    }
}

/// The name under the cursor and its span, if it can be renamed.
pub fn prepare_rename(
    db: &dyn Db,
    ws: Workspace,
    file: SourceFile,
    offset: usize,
) -> Result<(Span, Target), RenameError> {
    let symbols = file_symbols(db, ws, file);
    let occ = symbols.at(offset).ok_or(RenameError::NothingToRename)?;
    if let Target::Builtin(n) = &occ.target {
        return Err(RenameError::BuiltIn(n.clone()));
    }
    // `.city` is the type `City` read as a parent: it follows the type's name.
    if let Target::Parent { ty, name, .. } = &occ.target {
        return Err(RenameError::Invalid(format!(
            "`.{name}` reads the `{ty}` an entry lies in, by the type's name: rename the type `{ty}`"
        )));
    }
    if definition(db, ws, &occ.target).is_none() {
        return Err(RenameError::NothingToRename);
    }
    Ok((occ.span, occ.target.clone()))
}

/// The edits renaming the target under the cursor to `new_name`, or why it cannot be done.
pub fn rename(
    db: &dyn Db,
    ws: Workspace,
    file: SourceFile,
    offset: usize,
    new_name: &str,
) -> Result<Vec<Edit>, RenameError> {
    let (_, target) = prepare_rename(db, ws, file, offset)?;
    let valid = new_name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && new_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(RenameError::Invalid(format!(
            "`{new_name}` is not a name: names are ASCII letters, digits and `_`, and do not start with a digit"
        )));
    }
    if is_keyword(new_name) || crate::types::BUILTIN_TYPES.contains(&new_name) {
        return Err(RenameError::Invalid(format!(
            "`{new_name}` is reserved by the language"
        )));
    }
    let index = workspace_index(db, ws);
    let is_type =
        matches!(&target, Target::Decl(n) if index.kind(n).is_some_and(DeclKind::is_type));
    if is_type != new_name.starts_with(|c: char| c.is_ascii_uppercase()) {
        return Err(RenameError::Invalid(if is_type {
            format!("`{new_name}`: type names are written in CamelCase")
        } else {
            format!("`{new_name}`: only type names start with a capital letter")
        }));
    }
    if new_name == target.name() {
        return Ok(Vec::new());
    }
    let clash = match &target {
        Target::Decl(_) => index
            .get(new_name)
            .map(|d| format!("`{new_name}` is already {}", d.decl.kind.with_article())),
        Target::Param { decision, .. } => match index.kind(decision) {
            Some(DeclKind::Decision { params, .. })
                if params.iter().any(|(p, _)| p == new_name) =>
            {
                Some(format!("`{decision}` already has an input `{new_name}`"))
            }
            _ => index.get(new_name).map(|d| {
                format!(
                    "`{new_name}` is already {} and the input would hide it",
                    d.decl.kind.with_article()
                )
            }),
        },
        Target::Variant { enum_name, .. } => match index.kind(enum_name) {
            Some(DeclKind::Enum { variants }) if variants.iter().any(|v| v == new_name) => {
                Some(format!("`{enum_name}` already has a value `{new_name}`"))
            }
            _ => None,
        },
        Target::Field { owner, .. } => crate::ide::resolve::fields_of(index, owner)
            .iter()
            .any(|(f, _)| f == new_name)
            .then(|| format!("`{owner}` already has a field `{new_name}`")),
        Target::Builtin(_) | Target::Parent { .. } => None,
    };
    if let Some(why) = clash {
        return Err(RenameError::Clash(why));
    }
    let mut edits: Vec<Edit> = references(db, ws, &target)
        .into_iter()
        .map(|(file, o)| Edit {
            file,
            span: o.span,
            text: new_name.to_string(),
        })
        .collect();
    // Enum values written with their enum (`EntryStatus.visa_required`) are found as
    // occurrences too; a field in a record literal is resolved through the expected type.
    edits.sort_by_key(|e| (e.file.path(db).clone(), e.span.start));
    edits.dedup();
    Ok(keep_layout(db, edits))
}

/// In a file laid out as `edict fmt` lays it out, a rename that changes a name's length would
/// break the alignment of a catalogue or a table of cases (and `fmt --check` in CI): such a
/// file's edits become one edit from the first to the last character the formatter's output of
/// the renamed text changes.
fn keep_layout(db: &dyn Db, edits: Vec<Edit>) -> Vec<Edit> {
    let options = edict_grammar::FormatOptions::default();
    let mut out = Vec::with_capacity(edits.len());
    let mut files: Vec<SourceFile> = edits.iter().map(|e| e.file).collect();
    files.dedup();
    for file in files {
        let mine: Vec<Edit> = edits.iter().filter(|e| e.file == file).cloned().collect();
        let text = file.text(db);
        let canonical = edict_grammar::format(text, options).is_ok_and(|f| f.text == *text);
        if !canonical {
            out.extend(mine);
            continue;
        }
        let mut renamed = text.clone();
        for e in mine.iter().rev() {
            renamed.replace_range(e.span.range(), &e.text);
        }
        let Ok(formatted) = edict_grammar::format(&renamed, options) else {
            out.extend(mine);
            continue;
        };
        let new = formatted.text;
        // Line by line when the lines stay the same in number (the usual case: names and the
        // padding after them change): a line the formatter leaves as renamed keeps the rename's
        // own edits; a line it realigns is replaced whole.
        let renamed_lines: Vec<&str> = renamed.split_inclusive('\n').collect();
        let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
        if renamed_lines.len() == new_lines.len() {
            let mut at = 0;
            for (old_line, (r, n)) in text
                .split_inclusive('\n')
                .zip(renamed_lines.iter().zip(&new_lines))
            {
                let line = Span::new(at, at + old_line.len());
                if r == n {
                    out.extend(
                        mine.iter()
                            .filter(|e| line.start <= e.span.start && e.span.end <= line.end)
                            .cloned(),
                    );
                } else {
                    out.push(Edit {
                        file,
                        span: line,
                        text: n.to_string(),
                    });
                }
                at += old_line.len();
            }
            continue;
        }
        let prefix = text
            .bytes()
            .zip(new.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        let prefix = (0..=prefix)
            .rev()
            .find(|&i| text.is_char_boundary(i) && new.is_char_boundary(i))
            .unwrap_or(0);
        let max_suffix = (text.len() - prefix).min(new.len() - prefix);
        let suffix = text
            .bytes()
            .rev()
            .zip(new.bytes().rev())
            .take(max_suffix)
            .take_while(|(a, b)| a == b)
            .count();
        let suffix = (0..=suffix)
            .rev()
            .find(|&k| text.is_char_boundary(text.len() - k) && new.is_char_boundary(new.len() - k))
            .unwrap_or(0);
        out.push(Edit {
            file,
            span: Span::new(prefix, text.len() - suffix),
            text: new[prefix..new.len() - suffix].to_string(),
        });
    }
    out
}
