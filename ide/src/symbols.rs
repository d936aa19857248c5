//! The outline of a file (document symbols) and the declarations of a workspace matching a
//! query (workspace symbols).

use edict_grammar::{Item, ItemKind, Span};

use edict_compiler::db::{Db, SourceFile, Workspace};
use edict_compiler::decls::{workspace_index, DeclKind};
use edict_compiler::syntax::parse_file;

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
    /// A `labels` item, and each name it labels.
    Labels,
    Label,
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
        ItemKind::Labels(l) => {
            let children = l
                .entries
                .iter()
                .map(|e| Symbol {
                    name: e.path(),
                    detail: e.texts.iter().find_map(|t| match &t.value.kind {
                        edict_grammar::ExprKind::Text(s) => Some(s.clone()),
                        _ => None,
                    }),
                    kind: SymbolKind::Label,
                    span: e.span,
                    selection: e.target.span,
                    children: Vec::new(),
                })
                .collect();
            return Some(Symbol {
                name: "labels".to_string(),
                detail: Some(format!("{} names", l.entries.len())),
                kind: SymbolKind::Labels,
                span: item.span,
                selection: Span::new(item.span.start as usize, item.span.start as usize + 6),
                children,
            });
        }
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
            let from = a
                .from
                .as_ref()
                .map_or(String::new(), |f| format!(" from {}", f));
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
    let mut hits: Vec<(u8, &String, &edict_compiler::decls::DefRef)> = index
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
                span: edict_compiler::decl_span(parsed, &def.decl),
                container,
            }
        })
        .collect()
}
