//! Dated values and relations over time: for each key (a relation's catalogue entry or enum
//! value; the empty key for a plain dated value), the value in force on each day.
//!
//! Entries of one key follow one another by their `from` dates: an entry holds from its
//! `from` (or the beginning of time) until its own `until` or the next entry's `from`,
//! whichever comes first. A day no entry holds has no value, or for a relation the value of
//! its `otherwise` line. Lowering, the interpreter and the language server all read values
//! from here; the checker reports the mistakes (`E0309` two entries for one day).

use std::collections::BTreeMap;
use std::sync::Arc;

use edict_grammar::{Expr, ItemKind};
use jiff::civil::Date;

use crate::db::{Db, SourceFile, Workspace};
use crate::decls::{workspace_index, DeclKind, TypeName};
use crate::syntax::parse_file;
use crate::time::parse_date;

/// One value of one key for a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Era {
    /// `None`: since the beginning of time.
    pub from: Option<Date>,
    /// The first day it no longer holds; `None`: still in force.
    pub until: Option<Date>,
    /// The value as written.
    pub value: Expr,
    /// `cite SOURCE item N`.
    pub cite: Option<(String, Option<u32>)>,
    /// `until .. by SOURCE item N`: the later announcement that ended it.
    pub ended_by: Option<(String, Option<u32>)>,
    /// `but SOURCE item N says VALUE "words"`: sources that state it otherwise.
    pub differs: Vec<Differs>,
}

/// Another source's statement of an entry's fact: what it says, and its words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Differs {
    pub source: String,
    pub item: Option<u32>,
    pub says: Expr,
    pub quote: Option<String>,
}

impl Era {
    pub fn holds_on(&self, day: Date) -> bool {
        self.from.is_none_or(|f| f <= day) && self.until.is_none_or(|u| day < u)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueTimeline {
    pub file: SourceFile,
    /// The key type of a relation.
    pub key: Option<TypeName>,
    pub ty: TypeName,
    /// The eras of each key, in date order ("" for a plain dated value).
    pub keys: BTreeMap<String, Vec<Era>>,
    /// A relation's value for a key it holds no entry for on a day.
    pub otherwise: Option<Expr>,
}

impl ValueTimeline {
    /// The entry of `key` in force on `day`.
    pub fn era_at(&self, key: &str, day: Date) -> Option<&Era> {
        self.keys.get(key)?.iter().find(|e| e.holds_on(day))
    }

    /// The value of `key` on `day`: its entry's, else the `otherwise` value.
    pub fn value_at(&self, key: &str, day: Date) -> Option<&Expr> {
        match self.era_at(key, day) {
            Some(era) => Some(&era.value),
            None => self.otherwise.as_ref(),
        }
    }

    /// Every day on which some key's value changes, sorted.
    pub fn dates(&self) -> Vec<Date> {
        let mut out: Vec<Date> = self
            .keys
            .values()
            .flatten()
            .flat_map(|e| e.from.into_iter().chain(e.until))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    pub fn is_relation(&self) -> bool {
        self.key.is_some()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ValueTimelines {
    pub values: BTreeMap<String, ValueTimeline>,
}

fn date_of(e: Option<&Expr>) -> Option<Date> {
    match e.map(|e| &e.kind) {
        Some(edict_grammar::ExprKind::Date(t)) => parse_date(t).ok(),
        _ => None,
    }
}

#[salsa::tracked(returns(ref))]
pub fn value_timelines(db: &dyn Db, ws: Workspace) -> Arc<ValueTimelines> {
    let index = workspace_index(db, ws);
    let mut out = ValueTimelines::default();
    for (name, defs) in &index.defs {
        let Some(def) = defs.first() else { continue };
        let DeclKind::Value { key, ty } = &def.decl.kind else {
            continue;
        };
        let parsed = parse_file(db, def.file);
        let Some(ItemKind::Value(v)) = parsed.items.get(def.decl.item as usize).map(|i| &i.kind)
        else {
            continue;
        };
        // key → (from, until, value, cite) in written order.
        let mut written: BTreeMap<String, Vec<Era>> = BTreeMap::new();
        for entry in &v.entries {
            let era = Era {
                from: date_of(entry.from.as_ref()),
                until: date_of(entry.until.as_ref()),
                value: entry.value.clone(),
                cite: entry.cite.as_ref().map(|c| {
                    (
                        c.source.name.clone(),
                        c.item.as_ref().and_then(|n| n.text.parse().ok()),
                    )
                }),
                ended_by: entry.ended_by.as_ref().map(|c| {
                    (
                        c.source.name.clone(),
                        c.item.as_ref().and_then(|n| n.text.parse().ok()),
                    )
                }),
                differs: entry
                    .differs
                    .iter()
                    .map(|d| Differs {
                        source: d.source.source.name.clone(),
                        item: d.source.item.as_ref().and_then(|n| n.text.parse().ok()),
                        says: d.says.clone(),
                        quote: d.quote.as_ref().and_then(|q| match &q.kind {
                            edict_grammar::ExprKind::Text(t) => Some(t.clone()),
                            _ => None,
                        }),
                    })
                    .collect(),
            };
            if entry.keys.is_empty() {
                written.entry(String::new()).or_default().push(era);
            } else {
                for k in &entry.keys {
                    written.entry(k.name.clone()).or_default().push(era.clone());
                }
            }
        }
        let keys = written
            .into_iter()
            .map(|(k, mut eras)| {
                // A stable sort keeps the first of two entries for one day (the checker
                // reports the second).
                eras.sort_by_key(|e| e.from);
                eras.dedup_by(|later, earlier| later.from == earlier.from);
                let next: Vec<Option<Date>> = eras.iter().skip(1).map(|e| e.from).collect();
                for (era, next) in eras.iter_mut().zip(next) {
                    era.until = match (era.until, next) {
                        (Some(u), Some(n)) => Some(u.min(n)),
                        (u, n) => u.or(n),
                    };
                }
                (k, eras)
            })
            .collect();
        out.values.insert(
            name.clone(),
            ValueTimeline {
                file: def.file,
                key: key.clone(),
                ty: ty.clone(),
                keys,
                otherwise: v.otherwise.clone(),
            },
        );
    }
    Arc::new(out)
}

/// The name that stands, in a relation's values, for the key a value is read for.
pub const KEY: &str = "key";

/// Whether a relation's value mentions its key (`[key.city]`).
pub fn mentions_key(value: &Expr) -> bool {
    let mut found = false;
    value.walk(&mut |x| {
        if matches!(&x.kind, edict_grammar::ExprKind::Name(n) if n.name == KEY) {
            found = true;
        }
    });
    found
}

/// A relation's value with `key` written as the entry `key` names, and `key.city` as its
/// ancestor of that type. An ancestor the entry lacks (a parent marked `?`) leaves a list
/// without it; `None` when the value is that ancestor alone.
pub fn with_key(value: &Expr, key: &str, index: &crate::decls::Index) -> Option<Expr> {
    use edict_grammar::{ExprKind, Ident};
    let named = |name: String, span| Expr {
        kind: ExprKind::Name(Ident { name, span }),
        span,
    };
    let resolve = |e: &Expr| -> Option<Option<Expr>> {
        match &e.kind {
            ExprKind::Name(n) if n.name == KEY => Some(Some(named(key.to_string(), e.span))),
            ExprKind::Field(base, f) if matches!(&base.kind, ExprKind::Name(n) if n.name == KEY) => {
                let ty = index.entity_type_of(key)?;
                let (ancestor, _) = index.ancestor_accessor(ty, &f.name)?;
                Some(
                    index
                        .entity_ancestors(key)
                        .into_iter()
                        .find(|a| index.entity_type_of(a) == Some(ancestor.as_str()))
                        .map(|a| named(a, e.span)),
                )
            }
            _ => None,
        }
    };
    match &value.kind {
        ExprKind::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match resolve(item) {
                    Some(Some(x)) => out.push(x),
                    Some(None) => {}
                    None => out.push(item.clone()),
                }
            }
            Some(Expr {
                kind: ExprKind::List(out),
                span: value.span,
            })
        }
        _ => match resolve(value) {
            Some(found) => found,
            None => Some(value.clone()),
        },
    }
}
