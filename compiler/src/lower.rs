//! Lowering: a checked workspace becomes an [`Artifact`] of decision tables.
//!
//! Each decision's rules are put in negation normal form and then disjunctive normal form:
//! every conjunction is a row, every tested quantity (an input path, a difference of two
//! date-times, the equality of two inputs) a column, every comparison an atom of that column.
//! Catalogues, records and set timelines are copied with names resolved to indices. Rules keep
//! their order in the workspace (file path order, then position), which `hit first` relies on.

use std::collections::{BTreeMap, HashMap};

use edict_grammar::{Expr, ExprKind, FieldInit, ItemKind, TestDecl};
use edict_runtime::artifact::sha256_hex;
use edict_runtime::artifact::{
    Artifact, Atom, Header, Location, RecordType, Source, SourceKind, FORMAT_VERSION,
};
use edict_runtime::value::{
    date_to_days, datetime_to_seconds, exact_unit_seconds, TypeDesc, Value,
};

use crate::check::ty_of;
use crate::db::{Db, SourceFile, Workspace};
use crate::decls::{workspace_index, DeclKind, Index};
use crate::sets::{set_timelines, Timelines};
use crate::syntax::parse_file;
use crate::time::{parse_date, parse_datetime};
use crate::types::Ty;

mod ancestors;
mod catalogue;
mod decision;
mod queries;
mod table;
mod values;

pub use queries::{decision_sites, decision_table, file_durations, DecisionSites};
pub use table::conjuncts;

/// Rows one rule may expand to before lowering gives up (a condition with many `or`s).
pub const MAX_ROWS_PER_RULE: usize = 4096;

/// Name → index maps shared by lowering, the reference interpreter and test running.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    pub values: &'a crate::values::ValueTimelines,
    pub names: &'a Names,
    /// Strip this prefix from file paths in locations (the workspace's common directory).
    pub root: String,
    /// Each record or entity type's fields with their types, made when first asked: every
    /// path through a record in every rule asks.
    field_types: std::cell::RefCell<HashMap<String, Fields>>,
}

/// A lowering failure: a construct the tables cannot represent, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LowerError {
    pub file: String,
    pub span: edict_grammar::Span,
    pub message: String,
    /// What to write instead, where lowering knows better than the general advice.
    pub help: Option<String>,
}

type Dnf = Vec<Vec<Atom>>;

/// A record or entity type's fields with their types, in declaration order.
pub type Fields = std::rc::Rc<Vec<(String, Ty)>>;

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
        let paths: Vec<&str> = ws.files(db).iter().map(|f| f.path(db).as_str()).collect();
        Lowerer {
            db,
            ws,
            index: workspace_index(db, ws),
            timelines: set_timelines(db, ws),
            values: crate::values::value_timelines(db, ws),
            names: queries::names(db, ws),
            root: common_dir(&paths),
            field_types: std::cell::RefCell::default(),
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
    pub fn fields(&self, type_name: &str) -> Fields {
        if let Some(f) = self.field_types.borrow().get(type_name) {
            return std::rc::Rc::clone(f);
        }
        let fields = std::rc::Rc::new(match self.index.kind(type_name) {
            Some(DeclKind::Record { fields }) | Some(DeclKind::EntityType { fields, .. }) => fields
                .iter()
                .map(|(n, t)| (n.clone(), ty_of(self.index, t)))
                .collect(),
            _ => Vec::new(),
        });
        self.field_types
            .borrow_mut()
            .insert(type_name.to_string(), std::rc::Rc::clone(&fields));
        fields
    }

    pub fn location(&self, file: SourceFile, span: edict_grammar::Span) -> Location {
        let text = file.text(self.db);
        let (line, column) = queries::line_index(self.db, file).line_col(text, span.start as usize);
        let path = file.path(self.db);
        let path = path.strip_prefix(&self.root).unwrap_or(path);
        Location {
            file: path.to_string(),
            line: line as u32,
            column: column as u32,
        }
    }

    /// Every value a zone attribute takes in the catalogue is an IANA time zone: the problems,
    /// one per entry that has another.
    fn zone_values(
        &self,
        d: &edict_runtime::artifact::DecisionTable,
        path: &edict_runtime::artifact::Path,
        catalogue: &edict_runtime::artifact::Catalogue,
        records: &[RecordType],
    ) -> Vec<String> {
        use edict_runtime::value::{TypeDesc, Value};
        let Some((_, mut ty)) = d.params.get(path.param as usize).cloned() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, f) in path.fields.iter().enumerate() {
            while let TypeDesc::Optional(inner) = ty {
                ty = *inner;
            }
            match ty {
                TypeDesc::Record(r) => {
                    let Some(field) = records
                        .get(r as usize)
                        .and_then(|r| r.fields.get(*f as usize))
                    else {
                        return out;
                    };
                    ty = field.1.clone();
                }
                TypeDesc::Entity(t) => {
                    let Some(et) = catalogue.entity_types.get(t as usize) else {
                        return out;
                    };
                    if i + 1 < path.fields.len() {
                        // An attribute that is itself an entry: follow its type.
                        let Some(a) = et.attributes.get(*f as usize) else {
                            return out;
                        };
                        ty = a.1.clone();
                        continue;
                    }
                    for e in &et.entities {
                        match e.attributes.get(*f as usize) {
                            Some(Value::Text(name)) if edict_runtime::zone::is_time_zone(name) => {}
                            Some(Value::Absent) | None => {}
                            Some(other) => out.push(format!(
                                "`{}` gives entry `{}` of `{}` the time zone `{}`, which is not an IANA time zone (such as `Asia/Shanghai`)",
                                path.text,
                                e.name,
                                et.name,
                                match other {
                                    Value::Text(t) => t.clone(),
                                    v => format!("{v:?}"),
                                }
                            )),
                        }
                    }
                    return out;
                }
                _ => return out,
            }
        }
        out
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
            help: None,
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
        for (name, ty) in declared.iter() {
            match fields.iter().find(|f| f.name.name == *name) {
                Some(f) => values.push(self.constant(&f.value, ty)?),
                None if matches!(ty, Ty::Optional(_)) => values.push(Value::Absent),
                None => return None,
            }
        }
        Some(Value::Record(values))
    }

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

    /// Every file's parsed items in workspace order, with the file.
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
        let records: Vec<RecordType> = self
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
        // Each decision is its own query (`decision_table`): an edit re-lowers the decisions
        // whose rules it touched, and `Analysis::compiled` has other threads lower them while
        // this runs (a table another thread is lowering is waited for here).
        let sites = decision_sites(self.db, self.ws);
        let mut decisions = Vec::new();
        for (name, &(file, item)) in &sites.decisions {
            match decision_table(self.db, self.ws, name.clone()).as_ref() {
                Ok(t) => {
                    let zone = match parse_file(self.db, file)
                        .items
                        .get(item as usize)
                        .map(|i| &i.kind)
                    {
                        Some(ItemKind::Decision(d)) => d.zone.as_ref().map(|z| z.span),
                        _ => None,
                    };
                    if let (Some(edict_runtime::artifact::ZoneSpec::Attribute(path)), Some(z)) =
                        (&t.zone, zone)
                    {
                        errors.extend(
                            self.zone_values(t, path, &catalogue, &records)
                                .into_iter()
                                .map(|m| self.err(file, z, m)),
                        );
                    }
                    decisions.push(t.clone())
                }
                Err(e) => errors.extend(e.iter().cloned()),
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
            values: self.value_infos(),
        })
    }

    /// Each exact length of time the rules and decisions write, as written: the spelling
    /// written most often, the first written among equals (each file's lengths come from
    /// [`queries::file_durations`], in workspace order).
    fn durations(&self) -> Vec<(i64, String)> {
        // length → spelling → (count, first position)
        let mut seen: BTreeMap<i64, BTreeMap<&str, (usize, usize)>> = BTreeMap::new();
        let mut position = 0;
        for &file in self.ws.files(self.db) {
            for (len, spelling) in queries::file_durations(self.db, file).iter() {
                let entry = seen
                    .entry(*len)
                    .or_default()
                    .entry(spelling)
                    .or_insert((0, position));
                entry.0 += 1;
                position += 1;
            }
        }
        seen.into_iter()
            .filter_map(|(len, spellings)| {
                let best = spellings
                    .into_iter()
                    .max_by(|(_, (n1, p1)), (_, (n2, p2))| n1.cmp(n2).then(p2.cmp(p1)))?;
                Some((len, best.0.to_string()))
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
                let texts = |name: &str| match field(name).map(|f| &f.value.kind) {
                    Some(ExprKind::List(l)) => l
                        .iter()
                        .map(|e| match &e.kind {
                            ExprKind::Text(t) => t.clone(),
                            _ => String::new(),
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                out.push(Source {
                    name: s.name.name.clone(),
                    title: text("title").unwrap_or_default(),
                    title_zh: text("title_zh"),
                    published: match field("published").map(|f| &f.value.kind) {
                        Some(ExprKind::Date(t)) => parse_date(t).ok().map(date_to_days),
                        _ => None,
                    },
                    effective: match field("effective").map(|f| &f.value.kind) {
                        Some(ExprKind::Date(t)) => parse_date(t).ok().map(date_to_days),
                        _ => None,
                    },
                    items: match field("items").map(|f| &f.value.kind) {
                        Some(ExprKind::Int(n)) => n.parse().ok(),
                        _ => None,
                    },
                    url: text("url"),
                    item_texts: texts("item_texts"),
                    item_texts_zh: texts("item_texts_zh"),
                    kind: match field("kind").map(|f| &f.value.kind) {
                        Some(ExprKind::Name(n)) => SourceKind::parse(&n.name),
                        _ => None,
                    },
                });
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out.dedup_by(|a, b| a.name == b.name);
        out
    }

    fn source_title(&self, source: &str) -> String {
        queries::source_titles(self.db, self.ws)
            .get(source)
            .cloned()
            .unwrap_or_default()
    }

    /// The `kind` a source states, if it states a known one.
    pub(crate) fn source_kind(&self, source: &str) -> Option<SourceKind> {
        self.sources()
            .into_iter()
            .find(|s| s.name == source)
            .and_then(|s| s.kind)
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
