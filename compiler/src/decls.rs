//! Position-independent summaries of each file's declarations, and the workspace index.
//!
//! A summary holds names, kinds and written types but no spans, so it stays equal when text
//! moves and salsa stops re-checking there. The index merges the summaries of every file.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use edict_grammar::{AmendAction, ExprKind, HitPolicy, ItemKind, TypeRef};
use jiff::civil::Date;

use crate::db::{Db, SourceFile, Workspace};
use crate::syntax::parse_file;
use crate::time::parse_date;

/// A type as written, without its span.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TypeName {
    pub name: String,
    pub arg: Option<Box<TypeName>>,
    pub optional: bool,
}

/// A type prints as written: `Date`, `Set<Country>?`.
impl std::fmt::Display for TypeName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)?;
        if let Some(a) = &self.arg {
            write!(f, "<{a}>")?;
        }
        if self.optional {
            f.write_str("?")?;
        }
        Ok(())
    }
}

impl TypeName {
    pub fn of(t: &TypeRef) -> TypeName {
        TypeName {
            name: t.name.name.clone(),
            arg: t.arg.as_ref().map(|a| Box::new(TypeName::of(a))),
            optional: t.optional,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeclKind {
    Source {
        items: Option<u64>,
        /// How directly it gives the authority's words (`kind: report`).
        kind: Option<edict_runtime::artifact::SourceKind>,
    },
    Enum {
        variants: Vec<String>,
    },
    EntityType {
        parent: Option<TypeName>,
        fields: Vec<(String, TypeName)>,
        /// `identified by a, b`: attributes whose values also name the entries.
        identified_by: Vec<String>,
    },
    /// A catalogue entry.
    Entity {
        ty: String,
        parent: Option<String>,
    },
    Record {
        fields: Vec<(String, TypeName)>,
    },
    Set {
        elem: TypeName,
        from: Option<Date>,
        /// The first day the set no longer exists.
        until: Option<Date>,
        announced: Option<u64>,
        /// `announced N partial`: the list knowingly names only some of the members.
        partial: bool,
        /// `cite SOURCE item N`: the source's name and the item.
        cite: Option<(String, Option<u32>)>,
        /// `until .. by SOURCE item N`: the later announcement that ended the set.
        ended_by: Option<(String, Option<u32>)>,
        members: Vec<String>,
        /// `= a union b`: made of other sets, instead of listed members.
        formula: Option<Formula>,
    },
    Decision {
        params: Vec<(String, TypeName)>,
        output: TypeName,
        hit: HitPolicy,
    },
    Rule {
        decision: String,
    },
    /// A named condition over the inputs of `decision`.
    Condition {
        decision: String,
    },
    Test {
        decision: String,
    },
    /// A request the tests of a decision share.
    Request {
        decision: String,
    },
    /// A dated value, or with a key type, a relation.
    Value {
        key: Option<TypeName>,
        ty: TypeName,
    },
}

impl DeclKind {
    /// How the kind is called in messages.
    pub fn noun(&self) -> &'static str {
        match self {
            DeclKind::Source { .. } => "source",
            DeclKind::Enum { .. } => "enum",
            DeclKind::EntityType { .. } => "entity type",
            DeclKind::Entity { .. } => "catalogue entry",
            DeclKind::Record { .. } => "record type",
            DeclKind::Set { .. } => "set",
            DeclKind::Decision { .. } => "decision",
            DeclKind::Rule { .. } => "rule",
            DeclKind::Condition { .. } => "condition",
            DeclKind::Test { .. } => "test",
            DeclKind::Request { .. } => "request",
            DeclKind::Value { key: None, .. } => "dated value",
            DeclKind::Value { key: Some(_), .. } => "relation",
        }
    }

    /// The noun with its indefinite article: "a set", "an entity type".
    pub fn with_article(&self) -> String {
        let noun = self.noun();
        let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        format!("{article} {noun}")
    }

    pub fn is_type(&self) -> bool {
        matches!(
            self,
            DeclKind::Enum { .. } | DeclKind::EntityType { .. } | DeclKind::Record { .. }
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decl {
    pub name: String,
    pub kind: DeclKind,
    /// Index of the item in its file; for catalogue entries, of the catalogue.
    pub item: u32,
    /// For catalogue entries, the index of the entry within the catalogue.
    pub entry: Option<u32>,
}

/// A set formula by names, without positions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Formula {
    Set(String),
    Op(edict_grammar::SetOp, Box<Formula>, Box<Formula>),
}

impl Formula {
    fn of(e: &edict_grammar::SetExpr) -> Formula {
        use edict_grammar::SetExprKind;
        match &e.kind {
            SetExprKind::Set(i) => Formula::Set(i.name.clone()),
            SetExprKind::Op(op, a, b) => {
                Formula::Op(*op, Box::new(Formula::of(a)), Box::new(Formula::of(b)))
            }
            SetExprKind::Paren(inner) => Formula::of(inner),
        }
    }

    /// The formula as written canonically: left to right, a right operand grouped in brackets.
    pub fn text(&self) -> String {
        match self {
            Formula::Set(s) => s.clone(),
            Formula::Op(op, a, b) => match **b {
                Formula::Op(..) => format!("{} {} ({})", a.text(), op.as_str(), b.text()),
                Formula::Set(_) => format!("{} {} {}", a.text(), op.as_str(), b.text()),
            },
        }
    }

    /// The sets it combines.
    pub fn sets(&self) -> Vec<&str> {
        match self {
            Formula::Set(s) => vec![s.as_str()],
            Formula::Op(_, a, b) => [a.sets(), b.sets()].concat(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AmendSummary {
    pub set: String,
    pub from: Option<Date>,
    pub announced: Option<u64>,
    /// `announced N partial`.
    pub partial: bool,
    /// `cite SOURCE item N`: the source's name and the item.
    pub cite: Option<(String, Option<u32>)>,
    /// `add`, `remove` and `move` lines (a `move` takes the members out of this set).
    pub ops: Vec<(AmendAction, Vec<String>)>,
    /// The sets `move` lines put members into, with the members.
    pub moves: Vec<(String, Vec<String>)>,
    /// For the `add` a `move` makes in its target set: the set the members come from.
    pub moved_from: Option<String>,
    pub item: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileDecls {
    pub decls: Vec<Decl>,
    pub amends: Vec<AmendSummary>,
    /// Names declared by items that do not parse (`rule visa_free for d { when ... 72 h }`),
    /// with the item's keyword: references to them are not reported as unknown.
    pub broken: Vec<(String, &'static str)>,
}

fn cite(c: Option<&edict_grammar::Citation>) -> Option<(String, Option<u32>)> {
    c.map(|c| {
        (
            c.source.name.clone(),
            c.item.as_ref().and_then(|n| n.text.parse().ok()),
        )
    })
}

fn literal_date(e: Option<&edict_grammar::Expr>) -> Option<Date> {
    match e.map(|e| &e.kind) {
        Some(ExprKind::Date(text)) => parse_date(text).ok(),
        _ => None,
    }
}

fn number(n: Option<&edict_grammar::Number>) -> Option<u64> {
    n.and_then(|n| n.text.parse().ok())
}

#[salsa::tracked(returns(ref))]
pub fn file_decls(db: &dyn Db, file: SourceFile) -> Arc<FileDecls> {
    let parsed = parse_file(db, file);
    let mut out = FileDecls::default();
    for (i, item) in parsed.items.iter().enumerate() {
        let item_ix = u32::try_from(i).unwrap_or(u32::MAX);
        let mut push = |name: &str, kind: DeclKind| {
            out.decls.push(Decl {
                name: name.to_string(),
                kind,
                item: item_ix,
                entry: None,
            });
        };
        match &item.kind {
            ItemKind::Source(s) => {
                let items = s
                    .fields
                    .iter()
                    .find(|f| f.name.name == "items")
                    .and_then(|f| match &f.value.kind {
                        ExprKind::Int(n) => n.parse().ok(),
                        _ => None,
                    });
                let kind = s
                    .fields
                    .iter()
                    .find(|f| f.name.name == "kind")
                    .and_then(|f| match &f.value.kind {
                        ExprKind::Name(n) => edict_runtime::artifact::SourceKind::parse(&n.name),
                        _ => None,
                    });
                push(&s.name.name, DeclKind::Source { items, kind });
            }
            ItemKind::Enum(e) => push(
                &e.name.name,
                DeclKind::Enum {
                    variants: e.variants.iter().map(|v| v.name.clone()).collect(),
                },
            ),
            ItemKind::Entity(e) => push(
                &e.name.name,
                DeclKind::EntityType {
                    identified_by: e.identified_by.iter().map(|i| i.name.clone()).collect(),
                    parent: e.parent.as_ref().map(TypeName::of),
                    fields: e
                        .fields
                        .iter()
                        .map(|f| (f.name.name.clone(), TypeName::of(&f.ty)))
                        .collect(),
                },
            ),
            ItemKind::Record(r) => push(
                &r.name.name,
                DeclKind::Record {
                    fields: r
                        .fields
                        .iter()
                        .map(|f| (f.name.name.clone(), TypeName::of(&f.ty)))
                        .collect(),
                },
            ),
            ItemKind::Catalogue(c) => {
                for (j, entry) in c.entries.iter().enumerate() {
                    out.decls.push(Decl {
                        name: entry.name.name.clone(),
                        kind: DeclKind::Entity {
                            ty: c.ty.name.clone(),
                            parent: entry.parent.as_ref().map(|p| p.name.clone()),
                        },
                        item: item_ix,
                        entry: Some(u32::try_from(j).unwrap_or(u32::MAX)),
                    });
                }
            }
            ItemKind::Set(s) => push(
                &s.name.name,
                DeclKind::Set {
                    elem: TypeName::of(&s.ty),
                    from: literal_date(s.from.as_ref()),
                    until: literal_date(s.until.as_ref()),
                    announced: number(s.announced.as_ref()),
                    partial: s.partial.is_some(),
                    cite: cite(s.cite.as_ref()),
                    ended_by: cite(s.ended_by.as_ref()),
                    members: s.members.iter().map(|m| m.name.clone()).collect(),
                    formula: s.formula.as_ref().map(Formula::of),
                },
            ),
            ItemKind::Amend(a) => out.amends.push(AmendSummary {
                set: a.set.name.clone(),
                from: literal_date(a.from.as_ref()),
                announced: number(a.announced.as_ref()),
                partial: a.partial.is_some(),
                cite: cite(a.cite.as_ref()),
                ops: a
                    .ops
                    .iter()
                    .map(|op| {
                        (
                            op.action,
                            op.members.iter().map(|m| m.name.clone()).collect(),
                        )
                    })
                    .collect(),
                moves: a
                    .ops
                    .iter()
                    .filter_map(|op| {
                        let into = op.into.as_ref()?;
                        Some((
                            into.name.clone(),
                            op.members.iter().map(|m| m.name.clone()).collect(),
                        ))
                    })
                    .collect(),
                moved_from: None,
                item: item_ix,
            }),
            ItemKind::Value(v) => push(
                &v.name.name,
                DeclKind::Value {
                    key: v.key.as_ref().map(TypeName::of),
                    ty: TypeName::of(&v.ty),
                },
            ),
            ItemKind::Decision(d) => push(
                &d.name.name,
                DeclKind::Decision {
                    params: d
                        .params
                        .iter()
                        .map(|p| (p.name.name.clone(), TypeName::of(&p.ty)))
                        .collect(),
                    output: TypeName::of(&d.output),
                    hit: d.hit.map(|h| h.0).unwrap_or_default(),
                },
            ),
            ItemKind::Rule(r) => push(
                &r.name.name,
                DeclKind::Rule {
                    decision: r.decision.name.clone(),
                },
            ),
            ItemKind::Test(t) => push(
                &t.name.name,
                DeclKind::Test {
                    decision: t.decision.name.clone(),
                },
            ),
            ItemKind::Condition(c) => push(
                &c.name.name,
                DeclKind::Condition {
                    decision: c.decision.name.clone(),
                },
            ),
            ItemKind::Request(r) => push(
                &r.name.name,
                DeclKind::Request {
                    decision: r.decision.name.clone(),
                },
            ),
            ItemKind::Labels(_) => {}
            ItemKind::Error => {
                let text = file.text(db);
                if let Some((keyword, name)) = text
                    .get(item.span.range())
                    .and_then(|t| edict_grammar::broken::header(t, item.span.start as usize))
                {
                    out.broken.push((name.name, keyword));
                }
            }
        }
    }
    Arc::new(out)
}

/// Where a name is defined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefRef {
    pub file: SourceFile,
    pub decl: Decl,
}

/// Every declaration of the workspace by name, and every enum variant by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Index {
    /// All definitions of each name, in workspace file order (the first one wins).
    pub defs: BTreeMap<String, Vec<DefRef>>,
    /// Variant name → the enums that have it.
    pub variants: BTreeMap<String, Vec<String>>,
    /// Names that only items which do not parse declare, with the item's keyword.
    pub broken: BTreeMap<String, &'static str>,
}

impl Index {
    /// The definition a name refers to (the first, if it is defined twice).
    pub fn get(&self, name: &str) -> Option<&DefRef> {
        self.defs.get(name).and_then(|d| d.first())
    }

    pub fn kind(&self, name: &str) -> Option<&DeclKind> {
        self.get(name).map(|d| &d.decl.kind)
    }

    /// The parent entity type of an entity type, if it declares one.
    pub fn parent_type(&self, entity_type: &str) -> Option<&str> {
        match self.kind(entity_type) {
            Some(DeclKind::EntityType {
                parent: Some(p), ..
            }) => Some(p.name.as_str()),
            _ => None,
        }
    }

    /// `port.city`, `port.province`: the ancestor type of entity type `ty` that `field` names
    /// (an ancestor's type name in snake case), and whether some entry of `ty` may lack it (a
    /// parent on the way is optional, `in Region?`). An attribute of that name comes first.
    pub fn ancestor_accessor(&self, ty: &str, field: &str) -> Option<(String, bool)> {
        let mut optional = false;
        let mut current = ty.to_string();
        for _ in 0..64 {
            let Some(DeclKind::EntityType {
                parent: Some(p), ..
            }) = self.kind(&current)
            else {
                return None;
            };
            optional |= p.optional;
            if snake_case(&p.name) == field {
                return Some((p.name.clone(), optional));
            }
            if p.name == ty {
                return None;
            }
            current = p.name.clone();
        }
        None
    }

    /// The ancestor accessors of entity type `ty`, nearest first: (`city`, `City`), ...
    pub fn ancestor_accessors(&self, ty: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut current = self.parent_type(ty);
        while let Some(p) = current {
            if out.iter().any(|(_, t): &(String, String)| t == p) || p == ty || out.len() > 64 {
                break;
            }
            out.push((snake_case(p), p.to_string()));
            current = self.parent_type(p);
        }
        out
    }

    /// Is `ty` the entity type `ancestor` or inside it (transitively)? Cycle-safe.
    pub fn type_within(&self, ty: &str, ancestor: &str) -> bool {
        let mut current = Some(ty);
        let mut steps = 0;
        while let Some(t) = current {
            if t == ancestor {
                return true;
            }
            steps += 1;
            if steps > 64 {
                return false;
            }
            current = self.parent_type(t);
        }
        false
    }

    /// The chain of an entity's parents, nearest first. Cycle-safe.
    pub fn entity_ancestors(&self, entity: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut current = entity.to_string();
        while let Some(DeclKind::Entity {
            parent: Some(p), ..
        }) = self.kind(&current)
        {
            if out.contains(p) || out.len() > 64 || p == entity {
                break;
            }
            out.push(p.clone());
            current = p.clone();
        }
        out
    }

    pub fn entity_type_of(&self, entity: &str) -> Option<&str> {
        match self.kind(entity) {
            Some(DeclKind::Entity { ty, .. }) => Some(ty.as_str()),
            _ => None,
        }
    }
}

#[salsa::tracked(returns(ref))]
pub fn workspace_index(db: &dyn Db, ws: Workspace) -> Arc<Index> {
    let mut index = Index::default();
    for &file in ws.files(db) {
        for decl in &file_decls(db, file).decls {
            if let DeclKind::Enum { variants } = &decl.kind {
                for v in variants {
                    let owners = index.variants.entry(v.clone()).or_default();
                    if !owners.contains(&decl.name) {
                        owners.push(decl.name.clone());
                    }
                }
            }
            index
                .defs
                .entry(decl.name.clone())
                .or_default()
                .push(DefRef {
                    file,
                    decl: decl.clone(),
                });
        }
    }
    for &file in ws.files(db) {
        for (name, keyword) in &file_decls(db, file).broken {
            if !index.defs.contains_key(name) {
                index.broken.entry(name.clone()).or_insert(keyword);
            }
        }
    }
    Arc::new(index)
}

/// The names a file refers to (in expressions, types, member lists, citations, headers).
#[salsa::tracked(returns(ref))]
pub fn file_refs(db: &dyn Db, file: SourceFile) -> Arc<BTreeSet<String>> {
    let parsed = parse_file(db, file);
    let mut refs = BTreeSet::new();
    crate::refs::collect(parsed, &mut |name: &str| {
        refs.insert(name.to_string());
    });
    // What an item that does not parse mentions counts as used: its error is the one to fix.
    let text = file.text(db);
    for item in &parsed.items {
        if let (ItemKind::Error, Some(t)) = (&item.kind, text.get(item.span.range())) {
            refs.extend(edict_grammar::broken::words(t).map(str::to_string));
        }
    }
    Arc::new(refs)
}

/// Every name referred to anywhere in the workspace.
#[salsa::tracked(returns(ref))]
pub fn used_names(db: &dyn Db, ws: Workspace) -> Arc<BTreeSet<String>> {
    let mut all = BTreeSet::new();
    for &file in ws.files(db) {
        all.extend(file_refs(db, file).iter().cloned());
    }
    Arc::new(all)
}

/// `TransitHub` → `transit_hub`: how a type's name reads as an accessor.
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
