//! Lowering: a checked workspace becomes an [`Artifact`] of decision tables.
//!
//! Each decision's rules are put in negation normal form and then disjunctive normal form:
//! every conjunction is a row, every tested quantity (an input path, a difference of two
//! date-times, the equality of two inputs) a column, every comparison an atom of that column.
//! Catalogues, records and set timelines are copied with names resolved to indices. Rules keep
//! their order in the workspace (file path order, then position), which `hit first` relies on.

use std::collections::{BTreeMap, HashMap};

use edict_grammar::{BinOp, DecisionDecl, Expr, ExprKind, FieldInit, ItemKind, RuleDecl, TestDecl};
use edict_runtime::artifact::sha256_hex;
use edict_runtime::artifact::{
    Artifact, Atom, Catalogue, Citation, Column, Condition, DecisionTable, Domain, Entity,
    EntityType, EnumType, Header, Hit, Location, NumExpr, Path, RecordType, Row, RuleInfo,
    SetSlice, SetTimeline, Source, Test, FORMAT_VERSION,
};
use edict_runtime::value::{
    date_to_days, datetime_to_seconds, exact_unit_seconds, TypeDesc, Value,
};

use crate::check::ty_of;
use crate::db::{Db, SourceFile, Workspace};
use crate::decls::{workspace_index, DeclKind, Index};
use crate::render::{expr_text, line_col};
use crate::sets::{set_timelines, Timelines};
use crate::syntax::parse_file;
use crate::time::{parse_date, parse_datetime};
use crate::types::Ty;

/// Rows one rule may expand to before lowering gives up (a condition with many `or`s).
pub const MAX_ROWS_PER_RULE: usize = 4096;

/// Name → index maps shared by lowering, the reference interpreter and test running.
pub struct Names {
    pub entity_types: Vec<String>,
    pub entity_type_ix: HashMap<String, u32>,
    /// Entity name → (type, index).
    pub entities: HashMap<String, (u32, u32)>,
    pub enums: Vec<String>,
    pub enum_ix: HashMap<String, u32>,
    pub records: Vec<String>,
    pub record_ix: HashMap<String, u32>,
    pub sets: Vec<String>,
    pub set_ix: HashMap<String, u32>,
}

pub struct Lowerer<'a> {
    pub db: &'a dyn Db,
    pub ws: Workspace,
    pub index: &'a Index,
    pub timelines: &'a Timelines,
    pub names: Names,
    /// Strip this prefix from file paths in locations (the workspace's common directory).
    pub root: String,
}

/// A lowering failure: a construct the tables cannot represent, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LowerError {
    pub file: String,
    pub span: edict_grammar::Span,
    pub message: String,
}

type Dnf = Vec<Vec<Atom>>;

fn common_dir(paths: &[&str]) -> String {
    let Some(first) = paths.first() else {
        return String::new();
    };
    let mut prefix = match first.rfind('/') {
        Some(i) => first[..=i].to_string(),
        None => return String::new(),
    };
    for p in paths {
        while !p.starts_with(&prefix) {
            prefix.pop();
            match prefix.rfind('/') {
                Some(i) => prefix.truncate(i + 1),
                None => return String::new(),
            }
        }
    }
    prefix
}

impl<'a> Lowerer<'a> {
    pub fn new(db: &'a dyn Db, ws: Workspace) -> Lowerer<'a> {
        let index = workspace_index(db, ws);
        let timelines = set_timelines(db, ws);
        let mut entity_types: Vec<String> = Vec::new();
        let mut enums = Vec::new();
        let mut records = Vec::new();
        let mut sets = Vec::new();
        for (name, defs) in &index.defs {
            match defs.first().map(|d| &d.decl.kind) {
                Some(DeclKind::EntityType { .. }) => entity_types.push(name.clone()),
                Some(DeclKind::Enum { .. }) => enums.push(name.clone()),
                Some(DeclKind::Record { .. }) => records.push(name.clone()),
                Some(DeclKind::Set { .. }) => sets.push(name.clone()),
                _ => {}
            }
        }
        let ix = |v: &[String]| {
            v.iter()
                .enumerate()
                .map(|(i, n)| (n.clone(), i as u32))
                .collect::<HashMap<_, _>>()
        };
        let entity_type_ix = ix(&entity_types);
        // Entities of each type, sorted by name.
        let mut per_type: Vec<Vec<String>> = vec![Vec::new(); entity_types.len()];
        for (name, defs) in &index.defs {
            if let Some(DeclKind::Entity { ty, .. }) = defs.first().map(|d| &d.decl.kind) {
                if let Some(&t) = entity_type_ix.get(ty) {
                    per_type[t as usize].push(name.clone());
                }
            }
        }
        let mut entities = HashMap::new();
        for (t, names) in per_type.iter().enumerate() {
            for (i, n) in names.iter().enumerate() {
                entities.insert(n.clone(), (t as u32, i as u32));
            }
        }
        let paths: Vec<&str> = ws.files(db).iter().map(|f| f.path(db).as_str()).collect();
        let root = common_dir(&paths);
        let names = Names {
            enum_ix: ix(&enums),
            record_ix: ix(&records),
            set_ix: ix(&sets),
            entity_types,
            entity_type_ix,
            entities,
            enums,
            records,
            sets,
        };
        Lowerer {
            db,
            ws,
            index,
            timelines,
            names,
            root,
        }
    }

    pub fn type_desc(&self, t: &Ty) -> Option<TypeDesc> {
        Some(match t {
            Ty::Bool => TypeDesc::Bool,
            Ty::Int => TypeDesc::Int,
            Ty::Text => TypeDesc::Text,
            Ty::Date => TypeDesc::Date,
            Ty::DateTime => TypeDesc::DateTime,
            Ty::Duration => TypeDesc::Duration,
            Ty::Period => TypeDesc::Period,
            Ty::Range(inner) => TypeDesc::Range(Box::new(self.type_desc(inner)?)),
            Ty::Entity(n) => TypeDesc::Entity(*self.names.entity_type_ix.get(n)?),
            Ty::Enum(n) => TypeDesc::Enum(*self.names.enum_ix.get(n)?),
            Ty::Record(n) => TypeDesc::Record(*self.names.record_ix.get(n)?),
            Ty::Optional(inner) => TypeDesc::Optional(Box::new(self.type_desc(inner)?)),
            Ty::Set(_) | Ty::Error => return None,
        })
    }

    /// The declared fields (name, type) of a record or entity type.
    pub fn fields(&self, type_name: &str) -> Vec<(String, Ty)> {
        match self.index.kind(type_name) {
            Some(DeclKind::Record { fields }) | Some(DeclKind::EntityType { fields, .. }) => fields
                .iter()
                .map(|(n, t)| (n.clone(), ty_of(self.index, t)))
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn location(&self, file: SourceFile, span: edict_grammar::Span) -> Location {
        let text = file.text(self.db);
        let (line, column) = line_col(text, span.start as usize);
        let path = file.path(self.db);
        let path = path.strip_prefix(&self.root).unwrap_or(path);
        Location {
            file: path.to_string(),
            line: line as u32,
            column: column as u32,
        }
    }

    fn err(
        &self,
        file: SourceFile,
        span: edict_grammar::Span,
        message: impl Into<String>,
    ) -> LowerError {
        LowerError {
            file: file.path(self.db).clone(),
            span,
            message: message.into(),
        }
    }

    /// A constant value of an expected type (literals, entity and enum names, records).
    pub fn constant(&self, e: &Expr, ty: &Ty) -> Option<Value> {
        match (&e.kind, ty) {
            (ExprKind::Paren(inner), _) => self.constant(inner, ty),
            (_, Ty::Optional(inner)) => self.constant(e, inner),
            (ExprKind::Bool(b), _) => Some(Value::Bool(*b)),
            (ExprKind::Int(n), _) => n.parse().ok().map(Value::Int),
            (ExprKind::Text(t), _) => Some(Value::Text(t.clone())),
            (ExprKind::Date(d), _) => parse_date(d).ok().map(|d| Value::Date(date_to_days(d))),
            (ExprKind::DateTime(d), _) => parse_datetime(d)
                .ok()
                .map(|d| Value::DateTime(datetime_to_seconds(d))),
            (ExprKind::Duration(n, unit), _) => {
                let n: i64 = n.parse().ok()?;
                match unit.suffix() {
                    "mo" => Some(Value::Period(n)),
                    "y" => Some(Value::Period(n.checked_mul(12)?)),
                    s => Some(Value::Duration(n.checked_mul(exact_unit_seconds(s)?)?)),
                }
            }
            (ExprKind::Range(a, b), Ty::Range(inner)) => Some(Value::Range(
                Box::new(self.constant(a, inner)?),
                Box::new(self.constant(b, inner)?),
            )),
            (ExprKind::Name(n), Ty::Enum(en)) => self.variant(en, &n.name),
            (ExprKind::Field(base, v), Ty::Enum(en)) => match &base.kind {
                ExprKind::Name(b) if b.name == *en => self.variant(en, &v.name),
                _ => None,
            },
            (ExprKind::Name(n), Ty::Entity(_)) => self
                .names
                .entities
                .get(&n.name)
                .map(|(t, i)| Value::Entity(*t, *i)),
            (ExprKind::Record(fields), Ty::Record(r) | Ty::Entity(r)) => self.record(fields, r),
            _ => None,
        }
    }

    fn variant(&self, en: &str, v: &str) -> Option<Value> {
        let e = *self.names.enum_ix.get(en)?;
        match self.index.kind(en) {
            Some(DeclKind::Enum { variants }) => variants
                .iter()
                .position(|x| x == v)
                .map(|i| Value::Enum(e, i as u32)),
            _ => None,
        }
    }

    /// A record literal as a value in field order; omitted optional fields are absent.
    pub fn record(&self, fields: &[FieldInit], type_name: &str) -> Option<Value> {
        let declared = self.fields(type_name);
        let mut values = Vec::with_capacity(declared.len());
        for (name, ty) in &declared {
            match fields.iter().find(|f| f.name.name == *name) {
                Some(f) => values.push(self.constant(&f.value, ty)?),
                None if matches!(ty, Ty::Optional(_)) => values.push(Value::Absent),
                None => return None,
            }
        }
        Some(Value::Record(values))
    }

    /// Every file's parsed items in workspace order, with the file.
    /// The `when` of a named condition, and its file.
    pub fn condition_expr(&self, name: &str) -> Option<(SourceFile, &'a Expr)> {
        let def = self.index.get(name)?;
        if !matches!(def.decl.kind, DeclKind::Condition { .. }) {
            return None;
        }
        let parsed: &'a std::sync::Arc<edict_grammar::ParsedFile> = parse_file(self.db, def.file);
        match &parsed.items.get(def.decl.item as usize)?.kind {
            ItemKind::Condition(c) => c.when.as_ref().map(|w| (def.file, w)),
            _ => None,
        }
    }

    pub fn items(&self) -> Vec<(SourceFile, std::sync::Arc<edict_grammar::ParsedFile>)> {
        self.ws
            .files(self.db)
            .iter()
            .map(|&f| (f, std::sync::Arc::clone(parse_file(self.db, f))))
            .collect()
    }

    pub fn lower(&self) -> Result<Artifact, Vec<LowerError>> {
        let items = self.items();
        let mut errors = Vec::new();
        let catalogue = self.catalogue(&items, &mut errors);
        let records = self
            .names
            .records
            .iter()
            .map(|r| RecordType {
                name: r.clone(),
                fields: self
                    .fields(r)
                    .iter()
                    .filter_map(|(n, t)| Some((n.clone(), self.type_desc(t)?)))
                    .collect(),
            })
            .collect();
        let sets = self.sets();
        let mut decisions = Vec::new();
        let mut decl_of: BTreeMap<String, (SourceFile, &DecisionDecl)> = BTreeMap::new();
        let mut rules_of: BTreeMap<String, Vec<(SourceFile, &RuleDecl)>> = BTreeMap::new();
        for (file, parsed) in &items {
            for item in &parsed.items {
                match &item.kind {
                    ItemKind::Decision(d) => {
                        decl_of.entry(d.name.name.clone()).or_insert((*file, d));
                    }
                    ItemKind::Rule(r) => rules_of
                        .entry(r.decision.name.clone())
                        .or_default()
                        .push((*file, r)),
                    _ => {}
                }
            }
        }
        for (name, (file, d)) in &decl_of {
            let rules = rules_of.get(name).map(Vec::as_slice).unwrap_or(&[]);
            match self.decision(*file, d, rules) {
                Ok(t) => decisions.push(t),
                Err(e) => errors.extend(e),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut sources: Vec<(&str, &str)> = self
            .ws
            .files(self.db)
            .iter()
            .map(|f| (f.path(self.db).as_str(), f.text(self.db).as_str()))
            .collect();
        sources.sort();
        let parts: Vec<&[u8]> = sources
            .iter()
            .flat_map(|(p, t)| {
                [
                    p.strip_prefix(self.root.as_str()).unwrap_or(p).as_bytes(),
                    t.as_bytes(),
                ]
            })
            .collect();
        Ok(Artifact {
            header: Header {
                format_version: FORMAT_VERSION,
                compiler_version: env!("CARGO_PKG_VERSION").to_string(),
                source_hash: sha256_hex(&parts),
            },
            catalogue,
            records,
            sets,
            decisions,
            sources: self.sources(),
            durations: self.durations(),
        })
    }

    /// Each exact length of time the rules and decisions write, as written: the spelling
    /// written most often, the first written among equals.
    fn durations(&self) -> Vec<(i64, String)> {
        // length → spelling → (count, first position)
        let mut seen: BTreeMap<i64, BTreeMap<String, (usize, usize)>> = BTreeMap::new();
        let mut position = 0;
        for (_, parsed) in self.items() {
            for item in &parsed.items {
                let exprs: Vec<&Expr> = match &item.kind {
                    ItemKind::Rule(r) => r.when.iter().chain(&r.then).collect(),
                    ItemKind::Decision(d) => d.otherwise.iter().collect(),
                    _ => Vec::new(),
                };
                for e in exprs {
                    e.walk(&mut |e| {
                        if let ExprKind::Duration(amount, unit) = &e.kind {
                            let (Ok(n), Some(secs)) =
                                (amount.parse::<i64>(), exact_unit_seconds(unit.suffix()))
                            else {
                                return;
                            };
                            let entry = seen
                                .entry(n.saturating_mul(secs))
                                .or_default()
                                .entry(format!("{amount}{}", unit.suffix()))
                                .or_insert((0, position));
                            entry.0 += 1;
                            position += 1;
                        }
                    });
                }
            }
        }
        seen.into_iter()
            .filter_map(|(len, spellings)| {
                let best = spellings
                    .into_iter()
                    .max_by(|(_, (n1, p1)), (_, (n2, p2))| n1.cmp(n2).then(p2.cmp(p1)))?;
                Some((len, best.0))
            })
            .collect()
    }

    /// Every `source` of the workspace, in name order.
    fn sources(&self) -> Vec<Source> {
        let mut out: Vec<Source> = Vec::new();
        for (_, parsed) in self.items() {
            for item in &parsed.items {
                let ItemKind::Source(s) = &item.kind else {
                    continue;
                };
                let field = |name: &str| s.fields.iter().find(|f| f.name.name == name);
                let text = |name: &str| match field(name).map(|f| &f.value.kind) {
                    Some(ExprKind::Text(t)) => Some(t.clone()),
                    _ => None,
                };
                out.push(Source {
                    name: s.name.name.clone(),
                    title: text("title").unwrap_or_default(),
                    title_zh: text("title_zh"),
                    published: match field("published").map(|f| &f.value.kind) {
                        Some(ExprKind::Date(t)) => parse_date(t).ok().map(date_to_days),
                        _ => None,
                    },
                    items: match field("items").map(|f| &f.value.kind) {
                        Some(ExprKind::Int(n)) => n.parse().ok(),
                        _ => None,
                    },
                    url: text("url"),
                });
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out.dedup_by(|a, b| a.name == b.name);
        out
    }

    fn catalogue(
        &self,
        items: &[(SourceFile, std::sync::Arc<edict_grammar::ParsedFile>)],
        errors: &mut Vec<LowerError>,
    ) -> Catalogue {
        let mut entity_types = Vec::new();
        for t in &self.names.entity_types {
            let (parent, attributes) = match self.index.kind(t) {
                Some(DeclKind::EntityType { parent, fields }) => (parent.clone(), fields.clone()),
                _ => (None, Vec::new()),
            };
            let parent_type = parent
                .as_ref()
                .and_then(|p| self.names.entity_type_ix.get(&p.name).copied());
            let attributes: Vec<(String, Ty)> = attributes
                .iter()
                .map(|(n, t)| (n.clone(), ty_of(self.index, t)))
                .collect();
            let descs = attributes
                .iter()
                .filter_map(|(n, t)| Some((n.clone(), self.type_desc(t)?)))
                .collect();
            entity_types.push(EntityType {
                name: t.clone(),
                parent_type,
                attributes: descs,
                entities: Vec::new(),
            });
        }
        let mut slots: Vec<Vec<Option<Entity>>> = entity_types.iter().map(|_| Vec::new()).collect();
        for (t, name) in self.names.entity_types.iter().enumerate() {
            let n = self
                .names
                .entities
                .values()
                .filter(|(tt, _)| *tt as usize == t)
                .count();
            slots[t] = vec![None; n];
            let _ = name;
        }
        for (file, parsed) in items {
            for item in &parsed.items {
                let ItemKind::Catalogue(c) = &item.kind else {
                    continue;
                };
                let Some(&t) = self.names.entity_type_ix.get(&c.ty.name) else {
                    continue;
                };
                let attrs = self.fields(&c.ty.name);
                for entry in &c.entries {
                    let Some(&(et, ei)) = self.names.entities.get(&entry.name.name) else {
                        continue;
                    };
                    if et != t {
                        continue;
                    }
                    let parent = entry
                        .parent
                        .as_ref()
                        .and_then(|p| self.names.entities.get(&p.name))
                        .map(|(_, i)| *i);
                    let mut values = Vec::new();
                    for (n, ty) in &attrs {
                        let v = match entry.fields.iter().find(|f| f.name.name == *n) {
                            Some(f) => self.constant(&f.value, ty),
                            None => Some(Value::Absent),
                        };
                        match v {
                            Some(v) => values.push(v),
                            None => {
                                errors.push(self.err(
                                    *file,
                                    entry.span,
                                    format!(
                                        "cannot compile attribute `{n}` of `{}`",
                                        entry.name.name
                                    ),
                                ));
                                values.push(Value::Absent);
                            }
                        }
                    }
                    if let Some(slot) = slots[t as usize].get_mut(ei as usize) {
                        if slot.is_none() {
                            *slot = Some(Entity {
                                name: entry.name.name.clone(),
                                parent,
                                attributes: values,
                            });
                        }
                    }
                }
            }
        }
        for (t, s) in slots.into_iter().enumerate() {
            entity_types[t].entities = s.into_iter().flatten().collect();
        }
        let enums = self
            .names
            .enums
            .iter()
            .map(|e| EnumType {
                name: e.clone(),
                variants: match self.index.kind(e) {
                    Some(DeclKind::Enum { variants }) => variants.clone(),
                    _ => Vec::new(),
                },
            })
            .collect();
        Catalogue {
            entity_types,
            enums,
        }
    }

    fn sets(&self) -> Vec<SetTimeline> {
        self.names
            .sets
            .iter()
            .filter_map(|name| {
                let t = self.timelines.sets.get(name)?;
                let elem = ty_of(self.index, &t.elem);
                let domain = match &elem {
                    Ty::Entity(n) => Domain::Entity(*self.names.entity_type_ix.get(n)?),
                    Ty::Enum(n) => Domain::Enum(*self.names.enum_ix.get(n)?),
                    _ => return None,
                };
                let slices = t
                    .slices
                    .iter()
                    .map(|s| {
                        let mut members: Vec<u32> = s
                            .members
                            .iter()
                            .filter_map(|m| match domain {
                                Domain::Entity(_) => self.names.entities.get(m).map(|(_, i)| *i),
                                Domain::Enum(_) => match self.variant(elem_name(&elem), m)? {
                                    Value::Enum(_, v) => Some(v),
                                    _ => None,
                                },
                            })
                            .collect();
                        members.sort_unstable();
                        SetSlice {
                            from: s.from.map(date_to_days),
                            members,
                            announced: s.announced,
                            partial: s.partial,
                            citation: s.cite.as_ref().map(|(source, item)| Citation {
                                source: source.clone(),
                                title: self.source_title(source),
                                item: *item,
                            }),
                        }
                    })
                    .collect();
                Some(SetTimeline {
                    name: name.clone(),
                    domain,
                    slices,
                })
            })
            .collect()
    }

    fn decision(
        &self,
        file: SourceFile,
        d: &DecisionDecl,
        rules: &[(SourceFile, &RuleDecl)],
    ) -> Result<DecisionTable, Vec<LowerError>> {
        let params: Vec<(String, Ty)> = d
            .params
            .iter()
            .map(|p| (p.name.name.clone(), self.resolve_ty(&p.ty)))
            .collect();
        let output_ty = self.resolve_ty(&d.output);
        let Ty::Record(out_name) = &output_ty else {
            return Err(vec![self.err(
                file,
                d.output.span,
                "the outcome must be a record",
            )]);
        };
        let output = self.names.record_ix.get(out_name).copied().unwrap_or(0);
        let mut cx = TableBuilder {
            lw: self,
            params: &params,
            columns: Vec::new(),
            column_ix: HashMap::new(),
            file,
            conditions: 0,
        };
        let as_of = match d.as_of.as_ref().map(|e| cx.path(e)) {
            Some(Some((p, _))) => p,
            _ => {
                return Err(vec![self.err(
                    file,
                    d.name.span,
                    "the decision needs an `as of` input",
                )])
            }
        };
        let otherwise = d
            .otherwise
            .as_ref()
            .and_then(|o| self.constant(o, &output_ty));
        let hit = match d.hit.map(|h| h.0).unwrap_or_default() {
            edict_grammar::HitPolicy::Unique => Hit::Unique,
            edict_grammar::HitPolicy::First => Hit::First,
            edict_grammar::HitPolicy::Priority => Hit::Priority,
            edict_grammar::HitPolicy::Collect => Hit::Collect,
        };
        let mut infos = Vec::new();
        let mut rows = Vec::new();
        let mut boundaries = Vec::new();
        let mut errors = Vec::new();
        for (ri, (rfile, r)) in rules.iter().enumerate() {
            cx.file = *rfile;
            let date = |e: &Option<Expr>| match e.as_ref().map(|e| &e.kind) {
                Some(ExprKind::Date(t)) => parse_date(t).ok().map(date_to_days),
                _ => None,
            };
            let (from, until) = (date(&r.from), date(&r.until));
            boundaries.extend(from);
            boundaries.extend(until);
            let citation = r.cite.as_ref().map(|c| Citation {
                source: c.source.name.clone(),
                title: self.source_title(&c.source.name),
                item: c.item.as_ref().and_then(|n| n.text.parse().ok()),
            });
            let outcome = match r.then.as_ref().and_then(|t| self.constant(t, &output_ty)) {
                Some(v) => v,
                None => {
                    errors.push(self.err(
                        *rfile,
                        r.name.span,
                        "the outcome of this rule cannot be compiled",
                    ));
                    continue;
                }
            };
            let mut conditions = Vec::new();
            let mut dnf: Dnf = vec![Vec::new()];
            if let Some(w) = &r.when {
                for conj in conjuncts(w) {
                    match cx.dnf(conj, false) {
                        Ok(c) => {
                            dnf = match product(&dnf, &c) {
                                Some(p) => p,
                                None => {
                                    errors.push(self.err(*rfile, w.span, format!("this condition expands to more than {MAX_ROWS_PER_RULE} table rows")));
                                    Vec::new()
                                }
                            };
                            conditions.push(Condition {
                                text: expr_text(conj),
                                dnf: c,
                            });
                        }
                        Err(e) => errors.push(e),
                    }
                }
            }
            for atoms in dnf {
                rows.push(Row {
                    rule: ri as u32,
                    atoms,
                });
            }
            let priority = r
                .priority
                .as_ref()
                .and_then(|p| p.text.parse().ok())
                .unwrap_or(0);
            infos.push(RuleInfo {
                name: r.name.name.clone(),
                citation,
                location: self.location(*rfile, r.name.span),
                from,
                until,
                priority,
                outcome,
                conditions,
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        // Set amendments change membership: their dates split time too.
        for row in &rows {
            for a in &row.atoms {
                if let Test::Member { set, .. } = a.test {
                    if let Some(s) = self
                        .names
                        .sets
                        .get(set as usize)
                        .and_then(|n| self.timelines.sets.get(n))
                    {
                        boundaries
                            .extend(s.slices.iter().filter_map(|sl| sl.from.map(date_to_days)));
                    }
                }
            }
        }
        boundaries.sort_unstable();
        boundaries.dedup();
        Ok(DecisionTable {
            name: d.name.name.clone(),
            params: params
                .iter()
                .filter_map(|(n, t)| Some((n.clone(), self.type_desc(t)?)))
                .collect(),
            output,
            as_of,
            hit,
            rules: infos,
            otherwise,
            columns: cx.columns,
            rows,
            boundaries,
        })
    }

    fn source_title(&self, source: &str) -> String {
        for (_, parsed) in self.items() {
            for item in &parsed.items {
                if let ItemKind::Source(s) = &item.kind {
                    if s.name.name == source {
                        return s.fields.iter().find(|f| f.name.name == "title").map_or(
                            String::new(),
                            |f| match &f.value.kind {
                                ExprKind::Text(t) => t.clone(),
                                _ => String::new(),
                            },
                        );
                    }
                }
            }
        }
        String::new()
    }

    pub fn resolve_ty(&self, t: &edict_grammar::TypeRef) -> Ty {
        ty_of(self.index, &crate::decls::TypeName::of(t))
    }

    /// The tests of the workspace, with the decision each is for.
    pub fn tests(&self) -> Vec<(SourceFile, TestDecl)> {
        let mut out = Vec::new();
        for (file, parsed) in self.items() {
            for item in &parsed.items {
                if let ItemKind::Test(t) = &item.kind {
                    out.push((file, t.clone()));
                }
            }
        }
        out
    }
}

fn elem_name(t: &Ty) -> &str {
    match t {
        Ty::Enum(n) | Ty::Entity(n) => n,
        _ => "",
    }
}

/// The operands of a top-level `and` chain (through parentheses).
pub fn conjuncts(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Binary(BinOp::And, a, b) => {
            let mut v = conjuncts(a);
            v.extend(conjuncts(b));
            v
        }
        ExprKind::Paren(inner) if matches!(inner.kind, ExprKind::Binary(BinOp::And, ..)) => {
            conjuncts(inner)
        }
        _ => vec![e],
    }
}

fn product(a: &Dnf, b: &Dnf) -> Option<Dnf> {
    if a.len().saturating_mul(b.len()) > MAX_ROWS_PER_RULE {
        return None;
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            let mut c = x.clone();
            c.extend(y.iter().cloned());
            out.push(c);
        }
    }
    Some(out)
}

/// Builds the columns of one decision while its rules are lowered.
struct TableBuilder<'l, 'a> {
    lw: &'l Lowerer<'a>,
    params: &'l [(String, Ty)],
    columns: Vec<Column>,
    column_ix: HashMap<Column, u32>,
    file: SourceFile,
    /// How many named conditions are being expanded, one inside another.
    conditions: usize,
}

/// The most named conditions expanded one inside another (a cycle is a checker error).
const MAX_CONDITION_DEPTH: usize = 64;

/// A numeric operand: a constant, or an expression over inputs.
enum Num {
    Const(i64),
    Expr(NumExpr, String),
}

impl TableBuilder<'_, '_> {
    fn column(&mut self, c: Column) -> u32 {
        if let Some(&i) = self.column_ix.get(&c) {
            return i;
        }
        let i = self.columns.len() as u32;
        self.columns.push(c.clone());
        self.column_ix.insert(c, i);
        i
    }

    fn err(&self, e: &Expr, msg: impl Into<String>) -> LowerError {
        self.lw.err(self.file, e.span, msg)
    }

    /// An input path (`t.arrival_port.kind`) and its type.
    fn path(&self, e: &Expr) -> Option<(Path, Ty)> {
        match &e.kind {
            ExprKind::Paren(inner) => self.path(inner),
            ExprKind::Name(n) => {
                let p = self.params.iter().position(|(pn, _)| *pn == n.name)?;
                Some((
                    Path {
                        param: p as u32,
                        fields: Vec::new(),
                        text: n.name.clone(),
                    },
                    self.params[p].1.clone(),
                ))
            }
            ExprKind::Field(base, f) => {
                let (mut path, ty) = self.path(base)?;
                let optional = matches!(ty, Ty::Optional(_));
                let name = match ty.strip_optional() {
                    Ty::Record(n) | Ty::Entity(n) => n.clone(),
                    _ => return None,
                };
                let fields = self.lw.fields(&name);
                let i = fields.iter().position(|(n, _)| *n == f.name)?;
                path.fields.push(i as u32);
                path.text = format!("{}.{}", path.text, f.name);
                let fty = fields[i].1.clone();
                let fty = if optional && !matches!(fty, Ty::Optional(_)) {
                    Ty::Optional(Box::new(fty))
                } else {
                    fty
                };
                Some((path, fty))
            }
            _ => None,
        }
    }

    fn num(&self, e: &Expr) -> Option<Num> {
        if let Some((p, t)) = self.path(e) {
            return matches!(
                t.strip_optional(),
                Ty::Int | Ty::Date | Ty::DateTime | Ty::Duration | Ty::Period
            )
            .then(|| Num::Expr(NumExpr::Path(p.clone()), p.text));
        }
        match &e.kind {
            ExprKind::Paren(inner) => self.num(inner),
            ExprKind::Binary(op @ (BinOp::Add | BinOp::Sub), a, b) => {
                // Months and years have no fixed length: a date plus a period is not linear,
                // so it cannot be a number column (E0601 follows).
                if self.is_period(a) != self.is_period(b) {
                    return None;
                }
                let (a, b) = (self.num(a)?, self.num(b)?);
                let sym = if *op == BinOp::Add { "+" } else { "-" };
                Some(match (a, b) {
                    (Num::Const(x), Num::Const(y)) => Num::Const(if *op == BinOp::Add {
                        x.checked_add(y)?
                    } else {
                        x.checked_sub(y)?
                    }),
                    (x, y) => {
                        let (xe, xt) = into_expr(x);
                        let (ye, yt) = into_expr(y);
                        let e = if *op == BinOp::Add {
                            NumExpr::Add(Box::new(xe), Box::new(ye))
                        } else {
                            NumExpr::Sub(Box::new(xe), Box::new(ye))
                        };
                        Num::Expr(e, format!("{xt} {sym} {yt}"))
                    }
                })
            }
            _ => match self
                .lw
                .constant(e, &Ty::Error)
                .or_else(|| self.lw.constant(e, &Ty::Int))
            {
                Some(v) => v.as_number().map(Num::Const),
                None => None,
            },
        }
    }

    /// Is this a calendar period (a `Period` input or a `mo`/`y` literal)?
    fn is_period(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Paren(inner) => self.is_period(inner),
            ExprKind::Duration(_, unit) => unit.is_calendar(),
            _ => self
                .path(e)
                .is_some_and(|(_, t)| *t.strip_optional() == Ty::Period),
        }
    }

    /// The atoms of `e` (negated when `neg`) in disjunctive normal form.
    fn dnf(&mut self, e: &Expr, neg: bool) -> Result<Dnf, LowerError> {
        match &e.kind {
            ExprKind::Paren(inner) => self.dnf(inner, neg),
            ExprKind::Not(inner) => self.dnf(inner, !neg),
            ExprKind::Bool(b) => Ok(if *b != neg {
                vec![Vec::new()]
            } else {
                Vec::new()
            }),
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or), a, b) => {
                let (x, y) = (self.dnf(a, neg)?, self.dnf(b, neg)?);
                let conjunctive = (*op == BinOp::And) != neg;
                if conjunctive {
                    product(&x, &y).ok_or_else(|| self.err(e, format!("this condition expands to more than {MAX_ROWS_PER_RULE} table rows")))
                } else {
                    let mut v = x;
                    v.extend(y);
                    Ok(v)
                }
            }
            ExprKind::Binary(op @ (BinOp::In | BinOp::NotIn), a, b) => {
                self.membership(e, a, b, neg != (*op == BinOp::NotIn))
            }
            ExprKind::Binary(op, a, b) if op.is_comparison() => self.comparison(e, *op, a, b, neg),
            ExprKind::Name(n) if self.lw.condition_expr(&n.name).is_some() => {
                // A named condition: its `when`, in place.
                let Some((file, w)) = self.lw.condition_expr(&n.name) else {
                    return Err(self.err(e, "this condition cannot be read"));
                };
                if self.conditions >= MAX_CONDITION_DEPTH {
                    return Err(self.err(e, "named conditions nested too deep"));
                }
                let saved = self.file;
                self.file = file;
                self.conditions += 1;
                let out = self.dnf(w, neg);
                self.conditions -= 1;
                self.file = saved;
                out
            }
            _ => match self.path(e) {
                Some((p, t)) if *t.strip_optional() == Ty::Bool => {
                    let c = self.column(Column::Flag { path: p });
                    Ok(vec![vec![Atom {
                        column: c,
                        test: Test::Is(!neg),
                        absent: neg,
                    }]])
                }
                _ => Err(self.err(
                    e,
                    format!(
                        "`{}` cannot be compiled into a decision table",
                        expr_text(e)
                    ),
                )),
            },
        }
    }

    fn membership(&mut self, e: &Expr, a: &Expr, b: &Expr, neg: bool) -> Result<Dnf, LowerError> {
        if let ExprKind::Range(lo, hi) = &b.kind {
            let (Some(Num::Const(lo)), Some(Num::Const(hi))) = (self.num(lo), self.num(hi)) else {
                return Err(self.err(b, "the ends of this range must be constants"));
            };
            let Some(Num::Expr(expr, text)) = self.num(a) else {
                return Err(self.err(a, "only numbers, dates and durations computed from inputs can be tested against a range"));
            };
            let c = self.column(Column::Number { expr, text });
            return Ok(interval_dnf(c, lo, hi, neg));
        }
        let Some((path, ty)) = self.path(a) else {
            return Err(self.err(
                a,
                format!("`{}` must be an input to be tested with `in`", expr_text(a)),
            ));
        };
        let domain = match ty.strip_optional() {
            Ty::Entity(n) => self
                .lw
                .names
                .entity_type_ix
                .get(n)
                .map(|t| Domain::Entity(*t)),
            Ty::Enum(n) => self.lw.names.enum_ix.get(n).map(|t| Domain::Enum(*t)),
            _ => None,
        };
        if let ExprKind::Name(n) = &b.kind {
            if let (Some(domain), Some(&set)) = (domain, self.lw.names.set_ix.get(&n.name)) {
                let c = self.column(Column::Category { path, domain });
                return Ok(vec![vec![Atom {
                    column: c,
                    test: Test::Member { set, negate: neg },
                    absent: neg,
                }]]);
            }
            if let (Some(domain), Some(&(t, i))) = (domain, self.lw.names.entities.get(&n.name)) {
                let c = self.column(Column::Category { path, domain });
                return Ok(vec![vec![Atom {
                    column: c,
                    test: Test::Within {
                        ty: t,
                        entity: i,
                        negate: neg,
                    },
                    absent: neg,
                }]]);
            }
        }
        if let ExprKind::Range(lo, hi) = &b.kind {
            let (Some(Num::Const(lo)), Some(Num::Const(hi))) = (self.num(lo), self.num(hi)) else {
                return Err(self.err(b, "the ends of this range must be constants"));
            };
            let Some(Num::Expr(expr, text)) = self.num(a) else {
                return Err(self.err(
                    a,
                    "only numbers, dates and durations can be tested against a range",
                ));
            };
            let c = self.column(Column::Number { expr, text });
            return Ok(interval_dnf(c, lo, hi, neg));
        }
        Err(self.err(
            e,
            format!(
                "`{}` cannot be compiled into a decision table",
                expr_text(e)
            ),
        ))
    }

    fn comparison(
        &mut self,
        e: &Expr,
        op: BinOp,
        a: &Expr,
        b: &Expr,
        neg: bool,
    ) -> Result<Dnf, LowerError> {
        let pa = self.path(a);
        let pb = self.path(b);
        // Categories and flags: a path against a constant or another path.
        let cat_ty = |t: &Ty| matches!(t.strip_optional(), Ty::Entity(_) | Ty::Enum(_) | Ty::Bool);
        if matches!(op, BinOp::Eq | BinOp::Ne) {
            let eq = (op == BinOp::Eq) != neg;
            match (&pa, &pb) {
                (Some((x, tx)), Some((y, _)))
                    if cat_ty(tx)
                        || !matches!(
                            tx.strip_optional(),
                            Ty::Int | Ty::Date | Ty::DateTime | Ty::Duration | Ty::Period
                        ) =>
                {
                    let (x, y) = if x.text <= y.text {
                        (x.clone(), y.clone())
                    } else {
                        (y.clone(), x.clone())
                    };
                    let c = self.column(Column::Same { a: x, b: y });
                    return Ok(vec![vec![Atom {
                        column: c,
                        test: Test::Is(eq),
                        absent: neg,
                    }]]);
                }
                (Some((p, t)), None) | (None, Some((p, t))) if cat_ty(t) => {
                    let other = if pa.is_some() { b } else { a };
                    let inner = t.strip_optional().clone();
                    let value = self.lw.constant(other, &inner);
                    return match (inner, value) {
                        (Ty::Bool, Some(Value::Bool(v))) => {
                            let c = self.column(Column::Flag { path: p.clone() });
                            Ok(vec![vec![Atom {
                                column: c,
                                test: Test::Is(v == eq),
                                absent: neg,
                            }]])
                        }
                        (Ty::Entity(n), Some(Value::Entity(_, i)))
                        | (Ty::Enum(n), Some(Value::Enum(_, i))) => {
                            let domain = match self.lw.names.entity_type_ix.get(&n) {
                                Some(t) => Domain::Entity(*t),
                                None => Domain::Enum(
                                    self.lw.names.enum_ix.get(&n).copied().unwrap_or(0),
                                ),
                            };
                            let c = self.column(Column::Category {
                                path: p.clone(),
                                domain,
                            });
                            Ok(vec![vec![Atom {
                                column: c,
                                test: Test::OneOf {
                                    values: vec![i],
                                    negate: !eq,
                                },
                                absent: neg,
                            }]])
                        }
                        _ => Err(self.err(
                            e,
                            format!(
                                "`{}` cannot be compiled into a decision table",
                                expr_text(e)
                            ),
                        )),
                    };
                }
                _ => {}
            }
        }
        // Numbers: (a - b) against a constant.
        let (Some(x), Some(y)) = (self.num(a), self.num(b)) else {
            return Err(self.err(
                e,
                format!(
                    "`{}` cannot be compiled into a decision table",
                    expr_text(e)
                ),
            ));
        };
        let (expr, text, k, op) = match (x, y) {
            (Num::Expr(ex, t), Num::Const(k)) => (ex, t, k, op),
            (Num::Const(k), Num::Expr(ex, t)) => (ex, t, k, flip(op)),
            (Num::Expr(ex, xt), Num::Expr(ey, yt)) => (
                NumExpr::Sub(Box::new(ex), Box::new(ey)),
                format!("{xt} - {yt}"),
                0,
                op,
            ),
            (Num::Const(_), Num::Const(_)) => {
                return Err(self.err(
                    e,
                    "this comparison of two constants is always true or always false",
                ));
            }
        };
        let c = self.column(Column::Number { expr, text });
        let op = if neg { negate(op) } else { op };
        let absent = neg;
        let atom = |lo: Option<i64>, hi: Option<i64>, absent: bool| Atom {
            column: c,
            test: Test::Interval { lo, hi },
            absent,
        };
        Ok(match op {
            BinOp::Eq => vec![vec![atom(Some(k), Some(k), absent)]],
            BinOp::Ne => vec![
                vec![atom(None, k.checked_sub(1), absent)],
                vec![atom(k.checked_add(1), None, false)],
            ],
            BinOp::Lt => vec![vec![atom(None, k.checked_sub(1), absent)]],
            BinOp::Le => vec![vec![atom(None, Some(k), absent)]],
            BinOp::Gt => vec![vec![atom(k.checked_add(1), None, absent)]],
            _ => vec![vec![atom(Some(k), None, absent)]],
        })
    }
}

fn into_expr(n: Num) -> (NumExpr, String) {
    match n {
        Num::Const(k) => (NumExpr::Const(k), k.to_string()),
        Num::Expr(e, t) => (e, t),
    }
}

fn flip(op: BinOp) -> BinOp {
    match op {
        BinOp::Lt => BinOp::Gt,
        BinOp::Le => BinOp::Ge,
        BinOp::Gt => BinOp::Lt,
        BinOp::Ge => BinOp::Le,
        other => other,
    }
}

fn negate(op: BinOp) -> BinOp {
    match op {
        BinOp::Eq => BinOp::Ne,
        BinOp::Ne => BinOp::Eq,
        BinOp::Lt => BinOp::Ge,
        BinOp::Le => BinOp::Gt,
        BinOp::Gt => BinOp::Le,
        _ => BinOp::Lt,
    }
}

/// `x in lo..hi`, or its negation (outside on either side, or absent).
fn interval_dnf(c: u32, lo: i64, hi: i64, neg: bool) -> Dnf {
    let atom = |lo: Option<i64>, hi: Option<i64>, absent: bool| Atom {
        column: c,
        test: Test::Interval { lo, hi },
        absent,
    };
    if neg {
        vec![
            vec![atom(None, lo.checked_sub(1), true)],
            vec![atom(hi.checked_add(1), None, false)],
        ]
    } else {
        vec![vec![atom(Some(lo), Some(hi), false)]]
    }
}
