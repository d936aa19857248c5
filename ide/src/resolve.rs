//! What every name of a file refers to: the resolved occurrences editor features are built on.
//!
//! `file_symbols` walks a file's syntax tree once and records, for each identifier written in
//! it, the [`Target`] it names and whether it is the defining occurrence. Go to definition,
//! references, rename, hover and semantic highlighting all read this one list.

use std::sync::Arc;

use edict_grammar::{
    BinOp, Expect, Expr, ExprKind, FieldInit, Ident, ItemKind, ParsedFile, Span, TypeRef,
};

use edict_compiler::db::{Db, SourceFile, Workspace};
use edict_compiler::decls::{workspace_index, DeclKind, Index, TypeName};
use edict_compiler::syntax::parse_file;
use edict_compiler::types::BUILTIN_TYPES;

/// What a name stands for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// A workspace declaration: a type, catalogue entry, set, decision, rule, test or source.
    Decl(String),
    /// A parameter of a decision (also named by its rules' conditions and its tests' `given`).
    Param { decision: String, name: String },
    /// A value of an enum.
    Variant { enum_name: String, name: String },
    /// A field of a record or entity type.
    Field { owner: String, name: String },
    /// `port.city`: the ancestor of type `ty` of an entry of type `owner`, read by `name`.
    Parent {
        owner: String,
        name: String,
        ty: String,
    },
    /// A built-in type such as `Date`.
    Builtin(String),
}

impl Target {
    /// The name as written.
    pub fn name(&self) -> &str {
        match self {
            Target::Decl(n) | Target::Builtin(n) => n,
            Target::Param { name, .. }
            | Target::Variant { name, .. }
            | Target::Field { name, .. }
            | Target::Parent { name, .. } => name,
        }
    }
}

/// One identifier of the file and what it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub span: Span,
    pub target: Target,
    /// Is this the occurrence that defines the target?
    pub def: bool,
}

/// The resolved occurrences of a file, in source order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileSymbols {
    pub occurrences: Vec<Occurrence>,
}

impl FileSymbols {
    /// The occurrence under a byte offset (the end of a name counts, as editors place the
    /// cursor just after a word).
    pub fn at(&self, offset: usize) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .find(|o| o.span.contains(offset))
            .or_else(|| {
                self.occurrences
                    .iter()
                    .find(|o| o.span.end as usize == offset)
            })
    }
}

/// Every resolved name of `file`. Names that resolve to nothing are left out.
#[salsa::tracked(returns(ref))]
pub fn file_symbols(db: &dyn Db, ws: Workspace, file: SourceFile) -> Arc<FileSymbols> {
    let parsed = parse_file(db, file);
    let index = workspace_index(db, ws);
    let mut walker = Walker {
        index,
        out: Vec::new(),
    };
    walker.file(parsed);
    let mut occurrences = walker.out;
    occurrences.sort_by_key(|o| (o.span.start, o.span.end));
    occurrences.dedup_by(|a, b| a.span == b.span);
    Arc::new(FileSymbols { occurrences })
}

/// The parameters visible in an item: those of its decision.
#[derive(Default)]
struct Scope {
    decision: String,
    params: Vec<(String, TypeName)>,
}

impl Scope {
    fn of(index: &Index, decision: &str) -> Scope {
        match index.kind(decision) {
            Some(DeclKind::Decision { params, .. }) => Scope {
                decision: decision.to_string(),
                params: params.clone(),
            },
            _ => Scope::default(),
        }
    }

    fn get(&self, name: &str) -> Option<&TypeName> {
        self.params.iter().find(|(n, _)| n == name).map(|(_, t)| t)
    }
}

/// The fields a record or entity type declares.
pub fn fields_of<'a>(index: &'a Index, type_name: &str) -> &'a [(String, TypeName)] {
    match index.kind(type_name) {
        Some(DeclKind::Record { fields } | DeclKind::EntityType { fields, .. }) => fields,
        _ => &[],
    }
}

/// What `.name` reads on a value of `type_name`: its fields or attributes, and for an entity
/// type its ancestors (`city`, `province`), after them.
pub fn readable_of(index: &Index, type_name: &str) -> Vec<(String, TypeName)> {
    let mut out = fields_of(index, type_name).to_vec();
    for (accessor, ty) in index.ancestor_accessors(type_name) {
        if out.iter().all(|(n, _)| *n != accessor) {
            let optional = index
                .ancestor_accessor(type_name, &accessor)
                .is_some_and(|(_, o)| o);
            out.push((
                accessor,
                TypeName {
                    name: ty,
                    arg: None,
                    optional,
                },
            ));
        }
    }
    out
}

/// The output type of a decision.
pub fn output_of(index: &Index, decision: &str) -> Option<TypeName> {
    match index.kind(decision) {
        Some(DeclKind::Decision { output, .. }) => Some(output.clone()),
        _ => None,
    }
}

struct Walker<'a> {
    index: &'a Index,
    out: Vec<Occurrence>,
}

impl Walker<'_> {
    /// `given t = { ... }` of a test or a request: the input named, and the value against its
    /// type.
    fn givens(&mut self, givens: &[edict_grammar::Given], scope: &Scope) {
        for g in givens {
            let ty = scope.get(&g.param.name).cloned();
            if ty.is_some() {
                let target = Target::Param {
                    decision: scope.decision.clone(),
                    name: g.param.name.clone(),
                };
                self.push(&g.param, target, false);
            }
            self.expr(&g.value, &Scope::default(), ty.as_ref());
        }
    }

    fn push(&mut self, ident: &Ident, target: Target, def: bool) {
        self.out.push(Occurrence {
            span: ident.span,
            target,
            def,
        });
    }

    fn def(&mut self, ident: &Ident) {
        self.push(ident, Target::Decl(ident.name.clone()), true);
    }

    /// A name used as a declaration (a set's member, a rule's decision, a citation's source).
    fn decl_ref(&mut self, ident: &Ident) {
        if self.index.get(&ident.name).is_some() {
            self.push(ident, Target::Decl(ident.name.clone()), false);
        }
    }

    fn type_ref(&mut self, t: &TypeRef) {
        let name = &t.name.name;
        if BUILTIN_TYPES.contains(&name.as_str()) {
            self.push(&t.name, Target::Builtin(name.clone()), false);
        } else {
            self.decl_ref(&t.name);
        }
        if let Some(a) = &t.arg {
            self.type_ref(a);
        }
    }

    fn file(&mut self, parsed: &ParsedFile) {
        let index = self.index;
        for item in &parsed.items {
            match &item.kind {
                ItemKind::Labels(l) => {
                    for e in &l.entries {
                        self.decl_ref(&e.target);
                        let Some(m) = &e.member else { continue };
                        let owner = e.target.name.clone();
                        let target = match index.kind(&owner) {
                            Some(DeclKind::Enum { .. }) => Target::Variant {
                                enum_name: owner,
                                name: m.name.clone(),
                            },
                            Some(DeclKind::Record { .. } | DeclKind::EntityType { .. }) => {
                                Target::Field {
                                    owner,
                                    name: m.name.clone(),
                                }
                            }
                            _ => continue,
                        };
                        self.push(m, target, false);
                    }
                }
                ItemKind::Source(s) => {
                    self.def(&s.name);
                    for f in &s.fields {
                        self.expr(&f.value, &Scope::default(), None);
                    }
                }
                ItemKind::Enum(e) => {
                    self.def(&e.name);
                    for v in &e.variants {
                        let target = Target::Variant {
                            enum_name: e.name.name.clone(),
                            name: v.name.clone(),
                        };
                        self.push(v, target, true);
                    }
                }
                ItemKind::Entity(e) => {
                    self.def(&e.name);
                    if let Some(p) = &e.parent {
                        self.type_ref(p);
                    }
                    for f in &e.fields {
                        let target = Target::Field {
                            owner: e.name.name.clone(),
                            name: f.name.name.clone(),
                        };
                        self.push(&f.name, target, true);
                        self.type_ref(&f.ty);
                    }
                }
                ItemKind::Record(r) => {
                    self.def(&r.name);
                    for f in &r.fields {
                        let target = Target::Field {
                            owner: r.name.name.clone(),
                            name: f.name.name.clone(),
                        };
                        self.push(&f.name, target, true);
                        self.type_ref(&f.ty);
                    }
                }
                ItemKind::Catalogue(c) => {
                    self.decl_ref(&c.ty);
                    let ty = TypeName {
                        name: c.ty.name.clone(),
                        arg: None,
                        optional: false,
                    };
                    for entry in &c.entries {
                        self.def(&entry.name);
                        if let Some(p) = &entry.parent {
                            self.decl_ref(p);
                        }
                        self.fields(&entry.fields, &Scope::default(), Some(&ty));
                    }
                }
                ItemKind::Set(s) => {
                    self.def(&s.name);
                    self.type_ref(&s.ty);
                    if let Some(e) = &s.from {
                        self.expr(e, &Scope::default(), None);
                    }
                    for c in s.cite.iter().chain(&s.ended_by) {
                        self.decl_ref(&c.source);
                    }
                    if let Some(e) = &s.until {
                        self.expr(e, &Scope::default(), None);
                    }
                    for m in &s.members {
                        self.decl_ref(m);
                    }
                    for part in s.formula.iter().flat_map(|f| f.sets()) {
                        self.decl_ref(part);
                    }
                }
                ItemKind::Amend(a) => {
                    self.decl_ref(&a.set);
                    if let Some(e) = &a.from {
                        self.expr(e, &Scope::default(), None);
                    }
                    if let Some(c) = &a.cite {
                        self.decl_ref(&c.source);
                    }
                    for m in a.ops.iter().flat_map(|op| &op.members) {
                        self.decl_ref(m);
                    }
                    for into in a.ops.iter().filter_map(|op| op.into.as_ref()) {
                        self.decl_ref(into);
                    }
                }
                ItemKind::Decision(d) => {
                    self.def(&d.name);
                    let scope = Scope::of(index, &d.name.name);
                    for p in &d.params {
                        let target = Target::Param {
                            decision: d.name.name.clone(),
                            name: p.name.name.clone(),
                        };
                        self.push(&p.name, target, true);
                        self.type_ref(&p.ty);
                    }
                    self.type_ref(&d.output);
                    for e in [&d.as_of, &d.zone].into_iter().flatten() {
                        self.expr(e, &scope, None);
                    }
                    if let Some(e) = &d.otherwise {
                        let output = TypeName::of(&d.output);
                        self.expr(e, &scope, Some(&output));
                    }
                }
                ItemKind::Rule(r) => {
                    self.def(&r.name);
                    self.decl_ref(&r.decision);
                    let scope = Scope::of(index, &r.decision.name);
                    for e in [&r.from, &r.until].into_iter().flatten() {
                        self.expr(e, &Scope::default(), None);
                    }
                    for c in r.cite.iter().chain(&r.ended_by) {
                        self.decl_ref(&c.source);
                    }
                    if let Some(e) = &r.when {
                        self.expr(e, &scope, None);
                    }
                    if let Some(e) = &r.then {
                        let output = output_of(index, &r.decision.name);
                        self.expr(e, &scope, output.as_ref());
                    }
                }
                ItemKind::Condition(c) => {
                    self.def(&c.name);
                    self.decl_ref(&c.decision);
                    let scope = Scope::of(index, &c.decision.name);
                    if let Some(e) = &c.when {
                        self.expr(e, &scope, None);
                    }
                }
                ItemKind::Request(r) => {
                    self.def(&r.name);
                    self.decl_ref(&r.decision);
                    let scope = Scope::of(index, &r.decision.name);
                    self.givens(&r.givens, &scope);
                }
                ItemKind::Test(t) => {
                    self.def(&t.name);
                    self.decl_ref(&t.decision);
                    if let Some(b) = &t.base {
                        self.decl_ref(b);
                    }
                    let scope = Scope::of(index, &t.decision.name);
                    self.givens(&t.givens, &scope);
                    let output = output_of(index, &t.decision.name);
                    let mut expects: Vec<(u32, &Expect)> =
                        t.expects.iter().map(|e| (0, e)).collect();
                    for table in &t.cases {
                        let types: Vec<Option<TypeName>> = table
                            .columns
                            .iter()
                            .map(|c| {
                                self.expr(c, &scope, None);
                                type_of(index, scope_params(&scope), c)
                            })
                            .collect();
                        for row in &table.rows {
                            for (v, ty) in row
                                .values
                                .iter()
                                .zip(types.iter().chain(std::iter::repeat(&None)))
                            {
                                self.expr(v, &Scope::default(), ty.as_ref());
                            }
                            expects.push((row.span.start, &row.expect));
                        }
                    }
                    for (_, e) in expects {
                        match e {
                            Expect::Outcome(e) => self.expr(e, &Scope::default(), output.as_ref()),
                            Expect::Rule(r) => self.decl_ref(r),
                            Expect::Otherwise(_) => {}
                        }
                    }
                }
                ItemKind::Value(v) => {
                    self.def(&v.name);
                    if let Some(k) = &v.key {
                        self.type_ref(k);
                    }
                    self.type_ref(&v.ty);
                    if let Some(c) = &v.covers {
                        self.decl_ref(c);
                    }
                    let ty = TypeName::of(&v.ty);
                    // `key` in the values of a relation keyed by entries (`[key.city]`).
                    let values_scope = match &v.key {
                        Some(k)
                            if matches!(
                                index.kind(&k.name.name),
                                Some(DeclKind::EntityType { .. })
                            ) =>
                        {
                            Scope {
                                decision: v.name.name.clone(),
                                params: vec![(
                                    edict_compiler::values::KEY.to_string(),
                                    TypeName::of(k),
                                )],
                            }
                        }
                        _ => Scope::default(),
                    };
                    let key_enum = v
                        .key
                        .as_ref()
                        .filter(|k| matches!(index.kind(&k.name.name), Some(DeclKind::Enum { .. })))
                        .map(|k| k.name.name.clone());
                    if let Some(o) = &v.otherwise {
                        self.expr(o, &values_scope, Some(&ty));
                    }
                    for entry in &v.entries {
                        for k in &entry.keys {
                            match &key_enum {
                                Some(en) => {
                                    let target = Target::Variant {
                                        enum_name: en.clone(),
                                        name: k.name.clone(),
                                    };
                                    self.push(k, target, false);
                                }
                                None => self.decl_ref(k),
                            }
                        }
                        self.expr(&entry.value, &values_scope, Some(&ty));
                        for e in entry.from.iter().chain(&entry.until) {
                            self.expr(e, &Scope::default(), None);
                        }
                        for c in entry.cite.iter().chain(&entry.ended_by) {
                            self.decl_ref(&c.source);
                        }
                        for d in &entry.differs {
                            self.decl_ref(&d.source.source);
                            self.expr(&d.says, &Scope::default(), Some(&ty));
                        }
                    }
                }
                ItemKind::Error => {}
            }
        }
    }

    fn fields(&mut self, fields: &[FieldInit], scope: &Scope, owner: Option<&TypeName>) {
        let declared = owner.map_or(&[][..], |o| fields_of(self.index, &o.name));
        for f in fields {
            let ty = declared.iter().find(|(n, _)| *n == f.name.name);
            if let (Some(owner), Some(_)) = (owner, ty) {
                let target = Target::Field {
                    owner: owner.name.clone(),
                    name: f.name.name.clone(),
                };
                self.push(&f.name, target, false);
            }
            let ty = ty.map(|(_, t)| t.clone());
            self.expr(&f.value, scope, ty.as_ref());
        }
    }

    fn expr(&mut self, e: &Expr, scope: &Scope, expected: Option<&TypeName>) {
        match &e.kind {
            ExprKind::Name(n) => {
                if let Some(target) = resolve_name(self.index, scope_param(scope, n), n, expected) {
                    self.push(n, target, false);
                }
            }
            ExprKind::Field(base, field) => {
                // `EntryStatus.visa_required`: a value written with its enum.
                if let ExprKind::Name(n) = &base.kind {
                    if let Some(DeclKind::Enum { variants }) = self.index.kind(&n.name) {
                        if scope.get(&n.name).is_none() {
                            self.push(n, Target::Decl(n.name.clone()), false);
                            if variants.contains(&field.name) {
                                let target = Target::Variant {
                                    enum_name: n.name.clone(),
                                    name: field.name.clone(),
                                };
                                self.push(field, target, false);
                            }
                            return;
                        }
                    }
                }
                self.expr(base, scope, None);
                if let Some(owner) = type_of(self.index, scope_params(scope), base) {
                    if fields_of(self.index, &owner.name)
                        .iter()
                        .any(|(n, _)| *n == field.name)
                    {
                        let target = Target::Field {
                            owner: owner.name,
                            name: field.name.clone(),
                        };
                        self.push(field, target, false);
                    } else if let Some((ty, _)) =
                        self.index.ancestor_accessor(&owner.name, &field.name)
                    {
                        let target = Target::Parent {
                            owner: owner.name,
                            name: field.name.clone(),
                            ty,
                        };
                        self.push(field, target, false);
                    }
                }
            }
            ExprKind::Binary(op, a, b) => {
                self.expr(a, scope, None);
                let left = match op {
                    BinOp::In | BinOp::NotIn | BinOp::And | BinOp::Or => None,
                    _ => type_of(self.index, scope_params(scope), a),
                };
                self.expr(b, scope, left.as_ref());
            }
            ExprKind::Range(a, b) => {
                self.expr(a, scope, None);
                self.expr(b, scope, None);
            }
            ExprKind::Not(a) | ExprKind::Paren(a) => self.expr(a, scope, expected),
            ExprKind::Record(fields) => self.fields(fields, scope, expected),
            ExprKind::Index(a, b) => {
                self.expr(a, scope, None);
                let key = match &a.kind {
                    ExprKind::Name(n) => match self.index.kind(&n.name) {
                        Some(DeclKind::Value { key, .. }) => key.clone(),
                        _ => None,
                    },
                    _ => None,
                };
                self.expr(b, scope, key.as_ref());
            }
            ExprKind::List(items) => {
                // The elements of a `Set<T>`.
                let elem = expected
                    .filter(|t| t.name == "Set")
                    .and_then(|t| t.arg.as_deref())
                    .or(expected)
                    .cloned();
                for item in items {
                    self.expr(item, scope, elem.as_ref());
                }
            }
            ExprKind::Int(_)
            | ExprKind::Text(_)
            | ExprKind::Bool(_)
            | ExprKind::Date(_)
            | ExprKind::DateTime(_)
            | ExprKind::Duration(..) => {}
        }
    }
}

fn scope_param<'a>(scope: &'a Scope, n: &Ident) -> Option<(&'a str, &'a TypeName)> {
    scope.get(&n.name).map(|t| (scope.decision.as_str(), t))
}

fn scope_params(scope: &Scope) -> &[(String, TypeName)] {
    &scope.params
}

/// What a plain name in an expression refers to, as the checker resolves it: a parameter, a
/// value of the expected enum, a declaration, then a value of the one enum that has it.
fn resolve_name(
    index: &Index,
    param: Option<(&str, &TypeName)>,
    n: &Ident,
    expected: Option<&TypeName>,
) -> Option<Target> {
    if let Some((decision, _)) = param {
        return Some(Target::Param {
            decision: decision.to_string(),
            name: n.name.clone(),
        });
    }
    if let Some(e) = expected {
        if index
            .variants
            .get(&n.name)
            .is_some_and(|owners| owners.contains(&e.name))
        {
            return Some(Target::Variant {
                enum_name: e.name.clone(),
                name: n.name.clone(),
            });
        }
    }
    if index.get(&n.name).is_some() {
        return Some(Target::Decl(n.name.clone()));
    }
    match index.variants.get(&n.name).map(Vec::as_slice) {
        Some([only]) => Some(Target::Variant {
            enum_name: only.clone(),
            name: n.name.clone(),
        }),
        _ => None,
    }
}

/// The declared type of a name or field path (`t`, `t.arrival_port`), when it has one.
pub fn type_of(index: &Index, params: &[(String, TypeName)], e: &Expr) -> Option<TypeName> {
    match &e.kind {
        ExprKind::Name(n) => {
            if let Some((_, t)) = params.iter().find(|(p, _)| *p == n.name) {
                return Some(t.clone());
            }
            match index.kind(&n.name)? {
                DeclKind::Entity { ty, .. } => Some(TypeName {
                    name: ty.clone(),
                    arg: None,
                    optional: false,
                }),
                _ => None,
            }
        }
        ExprKind::Field(base, field) => {
            let owner = type_of(index, params, base)?;
            readable_of(index, &owner.name)
                .into_iter()
                .find(|(n, _)| *n == field.name)
                .map(|(_, t)| t)
        }
        ExprKind::Paren(inner) => type_of(index, params, inner),
        _ => None,
    }
}

/// Where a target is defined: its file and the span of its defining name.
pub fn definition(db: &dyn Db, ws: Workspace, target: &Target) -> Option<(SourceFile, Span)> {
    let index = workspace_index(db, ws);
    let (decl_name, inner): (&str, Option<&str>) = match target {
        Target::Decl(n) => (n, None),
        Target::Param { decision, name } => (decision, Some(name)),
        Target::Variant { enum_name, name } => (enum_name, Some(name)),
        Target::Field { owner, name } => (owner, Some(name)),
        // The entity type whose entries it names.
        Target::Parent { ty, .. } => (ty, None),
        Target::Builtin(_) => return None,
    };
    let def = index.get(decl_name)?;
    let parsed = parse_file(db, def.file);
    let Some(inner) = inner else {
        return Some((def.file, edict_compiler::decl_span(parsed, &def.decl)));
    };
    let item = parsed.items.get(def.decl.item as usize)?;
    let span = match &item.kind {
        ItemKind::Decision(d) => d.params.iter().find(|p| p.name.name == inner)?.name.span,
        ItemKind::Enum(e) => e.variants.iter().find(|v| v.name == inner)?.span,
        ItemKind::Record(r) => r.fields.iter().find(|f| f.name.name == inner)?.name.span,
        ItemKind::Entity(e) => e.fields.iter().find(|f| f.name.name == inner)?.name.span,
        _ => return None,
    };
    Some((def.file, span))
}

/// Every occurrence of `target` in the workspace, the definition included, by file.
pub fn references(db: &dyn Db, ws: Workspace, target: &Target) -> Vec<(SourceFile, Occurrence)> {
    let mut out = Vec::new();
    for &file in ws.files(db) {
        for o in &file_symbols(db, ws, file).occurrences {
            if o.target == *target {
                out.push((file, o.clone()));
            }
        }
    }
    out
}
