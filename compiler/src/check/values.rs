//! Checks of dated values and relations: the key and value types, each entry's keys, value,
//! dates and citation, and two entries that would hold on one day (`E0309`).

use std::collections::BTreeMap;

use edict_grammar::{Citation, Expr, ExprKind, Ident, Span, ValueDecl};

use super::expr::assignable;
use jiff::civil::Date;

use super::{Checker, Scope};
use crate::decls::DeclKind;
use crate::diagnostic::Code;
use crate::types::Ty;

impl Checker<'_> {
    pub(crate) fn value(&mut self, v: &ValueDecl) {
        let noun = if v.key.is_some() {
            "relation"
        } else {
            "dated value"
        };
        let key = v.key.as_ref().map(|k| {
            let t = self.resolve_type(k);
            match &t {
                Ty::Entity(_) | Ty::Enum(_) | Ty::Error => t,
                other => {
                    let d = self
                        .diag(
                            Code::E0208,
                            k.span,
                            format!("a relation cannot be keyed by {}", other.describe()),
                        )
                        .label("keys are catalogue entries or enum values")
                        .help("use an entity type (declared with `entity`) or an enum");
                    self.emit(d);
                    Ty::Error
                }
            }
        });
        let ty = self.value_type(&v.ty);
        self.repeated(&v.repeated);
        if let (Some(covers), Some(key)) = (&v.covers, &key) {
            self.coverage(v, covers, key);
        }
        // In a relation keyed by entries, `key` is the key a value is read for, and
        // `key.city` its ancestors (`otherwise [key.city]`: the port's own city).
        let scope = match &key {
            Some(k @ Ty::Entity(_)) => Scope {
                params: vec![(crate::values::KEY.to_string(), k.clone())],
                decision: None,
                dated: false,
            },
            _ => Scope::default(),
        };
        if let Some(o) = &v.otherwise {
            let place = format!("the `otherwise` of `{}`", v.name.name);
            self.check_against(o, &scope, &keyed_ty(o, &ty), &place);
        }
        // key → (from, span of the entry's from or value) of the entries seen so far.
        let mut seen: BTreeMap<String, Vec<(Option<Date>, Span)>> = BTreeMap::new();
        let mut facts = Vec::new();
        if let Some(k) = &v.key {
            facts.push(format!("key: {}", edict_grammar::print::type_ref(k)));
        }
        facts.push(format!("type: {}", edict_grammar::print::type_ref(&v.ty)));
        for entry in &v.entries {
            self.repeated(&entry.repeated);
            if let Some(key) = &key {
                let mut listed: Vec<&str> = Vec::new();
                for k in &entry.keys {
                    if listed.contains(&k.name.as_str()) {
                        let d = self
                            .diag(Code::E0306, k.span, format!("`{}` is listed twice", k.name))
                            .label("listed again here")
                            .help("remove one of them");
                        self.emit(d);
                        continue;
                    }
                    listed.push(&k.name);
                    self.key(k, key, &v.name.name);
                }
            }
            let place = format!("a value of `{}`", v.name.name);
            self.check_against(&entry.value, &scope, &keyed_ty(&entry.value, &ty), &place);
            let from = self.literal_date(entry.from.as_ref(), "the `from` of a value");
            let until = self.literal_date(entry.until.as_ref(), "the `until` of a value");
            if let (Some(f), Some(u), Some(ue)) = (from, until, &entry.until) {
                if u <= f {
                    let d = self
                        .diag(Code::E0304, ue.span, format!("`until {u}` is not after `from {f}`"))
                        .label("this value would never hold")
                        .help("`until` is the first day the value no longer holds; it must come after `from`");
                    self.emit(d);
                }
            }
            if let Some(c) = &entry.ended_by {
                self.citation(c);
            }
            match &entry.cite {
                Some(c) => {
                    self.citation(c);
                    self.weaker_source(c, &entry.value);
                }
                None => {
                    let d = self
                        .diag(
                            Code::W0503,
                            entry.value.span,
                            format!("this value of `{}` cites no source", v.name.name),
                        )
                        .label("where does it come from?")
                        .help("add `cite source item N` after the value");
                    self.emit(d);
                }
            }
            for d in &entry.differs {
                self.citation(&d.source);
                let place = format!("what `{}` says of `{}`", d.source.source.name, v.name.name);
                self.check_against(&d.says, &scope, &ty, &place);
                if entry
                    .cite
                    .as_ref()
                    .is_some_and(|c| c.source.name == d.source.source.name)
                {
                    let d = self
                        .diag(
                            Code::E0113,
                            d.source.source.span,
                            format!(
                                "`{}` is cited for this value and said to differ from it",
                                d.source.source.name
                            ),
                        )
                        .label("the same source as the `cite`")
                        .help("`but` names another source that states the fact otherwise; cite the one the policy follows");
                    self.emit(d);
                }
            }
            let at = entry.from.as_ref().map_or(entry.value.span, |f| f.span);
            let keys: Vec<String> = if entry.keys.is_empty() {
                vec![String::new()]
            } else {
                entry.keys.iter().map(|k| k.name.clone()).collect()
            };
            for k in keys {
                let earlier = seen.entry(k.clone()).or_default();
                if let Some((_, first)) = earlier.iter().find(|(f, _)| *f == from) {
                    let day = from.map_or("the beginning of time".to_string(), |d| d.to_string());
                    let whose = if k.is_empty() {
                        format!("`{}`", v.name.name)
                    } else {
                        format!("`{k}` in `{}`", v.name.name)
                    };
                    let d = self
                        .diag(Code::E0309, at, format!("{whose} has two values from {day}"))
                        .label("a second value for the same day")
                        .secondary(*first, "the first value from that day")
                        .help("each value holds from its `from` date until the next one: give this one its own date, or remove one");
                    self.emit(d);
                } else {
                    earlier.push((from, at));
                }
            }
            let mut fact = entry.value.to_string();
            if !entry.keys.is_empty() {
                let names: Vec<&str> = entry.keys.iter().map(|k| k.name.as_str()).collect();
                fact = format!("{}: {fact}", names.join(", "));
            }
            if let Some(f) = from {
                fact.push_str(&format!(" from {f}"));
            }
            if let Some(u) = until {
                fact.push_str(&format!(" until {u}"));
            }
            facts.push(fact);
        }
        if v.entries.is_empty() {
            let d = self
                .diag(
                    Code::E0107,
                    v.name.span,
                    format!("{noun} `{}` has no value", v.name.name),
                )
                .label("nothing is stated")
                .help(if v.key.is_some() {
                    "add an entry such as `hengqin: 144h from 2025-11-05 cite source item 4`"
                } else {
                    "add a value such as `144h from 2016-01-30 cite source item 1`"
                });
            self.emit(d);
        }
        if let Some(o) = &v.otherwise {
            facts.push(format!("otherwise: {}", o));
        }
        let kind = if v.key.is_some() { "relation" } else { "value" };
        self.fact(kind, &v.name.name, facts);
    }

    /// The type of a value: any type, or `Set<T>` of entries or enum values.
    fn value_type(&mut self, t: &edict_grammar::TypeRef) -> Ty {
        if t.name.name != "Set" {
            return self.resolve_type(t);
        }
        let Some(arg) = &t.arg else {
            return self.resolve_type(t);
        };
        let elem = self.resolve_type(arg);
        match &elem {
            Ty::Entity(_) | Ty::Enum(_) => Ty::Set(Box::new(elem)),
            Ty::Error => Ty::Error,
            other => {
                let d = self
                    .diag(
                        Code::E0208,
                        arg.span,
                        format!("a set cannot hold {}", other.describe()),
                    )
                    .label("sets hold catalogue entries or enum values")
                    .help("use an entity type (declared with `entity`) or an enum");
                self.emit(d);
                Ty::Error
            }
        }
    }

    /// A key of a relation entry: an entry of the key type, or one of its enum values.
    fn key(&mut self, k: &Ident, key: &Ty, relation: &str) {
        let ok = match (key, self.index.kind(&k.name)) {
            (Ty::Error, _) => true,
            (Ty::Entity(t), Some(DeclKind::Entity { ty, .. })) => {
                if ty != t {
                    let d = self
                        .diag(
                            Code::E0208,
                            k.span,
                            format!(
                                "`{}` is a `{ty}`, but the keys of `{relation}` are `{t}`s",
                                k.name
                            ),
                        )
                        .label(format!("this is a `{ty}`"));
                    self.emit(d);
                }
                true
            }
            (Ty::Enum(e), _) => self
                .index
                .variants
                .get(&k.name)
                .is_some_and(|o| o.contains(e)),
            _ => false,
        };
        if !ok {
            let candidates: Vec<String> = match key {
                Ty::Enum(e) => match self.index.kind(e) {
                    Some(DeclKind::Enum { variants }) => variants.clone(),
                    _ => Vec::new(),
                },
                Ty::Entity(t) => self
                    .names_where(|kd| matches!(kd, DeclKind::Entity { ty, .. } if ty == t))
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                _ => Vec::new(),
            };
            let what = format!("`{key}`");
            self.unknown(k, &what, candidates.iter().map(String::as_str).collect());
        }
    }
}

// ---- reading values in expressions -------------------------------------------------------------

impl Checker<'_> {
    /// May a dated value or relation be read here? Reports `E0209` when not.
    pub(crate) fn dated_here(&mut self, ident: &Ident, scope: &Scope) -> bool {
        if scope.dated {
            return true;
        }
        let d = self
            .diag(
                Code::E0209,
                ident.span,
                format!(
                    "`{}` changes with the date, and cannot be read here",
                    ident.name
                ),
            )
            .label("read only in the rules and named conditions of a decision")
            .help("a rule reads it on its decision's as-of day; here, write the value itself");
        self.emit(d);
        false
    }

    /// `relation[key]`: the relation's value for the key.
    pub(crate) fn lookup(&mut self, base: &Expr, key: &Expr, scope: &Scope, span: Span) -> Ty {
        let relation = match &base.kind {
            ExprKind::Name(n) if scope.get(&n.name).is_none() => match self.index.kind(&n.name) {
                Some(DeclKind::Value { key: Some(k), ty }) => Some((n, k.clone(), ty.clone())),
                Some(DeclKind::Value { key: None, .. }) => {
                    let d = self
                        .diag(
                            Code::E0206,
                            span,
                            format!("`{}` is a dated value, not a relation", n.name),
                        )
                        .label("it has one value on each day, not one per key")
                        .help(format!("write `{}` alone", n.name));
                    self.emit(d);
                    self.infer(key, scope, None);
                    return Ty::Error;
                }
                _ => None,
            },
            _ => None,
        };
        let Some((name, key_ty, ty)) = relation else {
            let t = self.infer(base, scope, None);
            if !t.is_error() {
                let d = self
                    .diag(
                        Code::E0206,
                        base.span,
                        format!("{} cannot be read with `[...]`", t.describe()),
                    )
                    .label("only a relation is read with a key")
                    .help("declare the mapping with `relation name: Key -> Value { ... }`");
                self.emit(d);
            }
            self.infer(key, scope, None);
            return Ty::Error;
        };
        if !self.dated_here(name, scope) {
            return Ty::Error;
        }
        let key_ty = self.ty_of(&key_ty);
        let actual = self.infer(key, scope, Some(&key_ty));
        // A key inside the key type reads its ancestor's entry (a port's province).
        let through = matches!(
            (actual.strip_optional(), &key_ty),
            (Ty::Entity(a), Ty::Entity(k)) if self.index.type_within(a, k)
        );
        if !through && !assignable(actual.strip_optional(), &key_ty) {
            let d = self
                .diag(
                    Code::E0208,
                    key.span,
                    format!(
                        "`{}` is keyed by `{key_ty}`, not by {}",
                        name.name,
                        actual.describe()
                    ),
                )
                .label(format!("this is {}", actual.describe()));
            self.emit(d);
        }
        let ty = self.ty_of(&ty);
        if matches!(actual, Ty::Optional(_)) && !matches!(ty, Ty::Optional(_) | Ty::Set(_)) {
            Ty::Optional(Box::new(ty))
        } else {
            ty
        }
    }

    /// `[a, b, c]`: a set of entries or enum values.
    pub(crate) fn list(
        &mut self,
        items: &[Expr],
        scope: &Scope,
        expected: Option<&Ty>,
        span: Span,
    ) -> Ty {
        let elem = match expected.map(Ty::strip_optional) {
            Some(Ty::Set(elem)) => Some(elem.as_ref().clone()),
            _ => None,
        };
        let mut found: Option<Ty> = elem.clone();
        for item in items {
            let t = self.infer(item, scope, found.as_ref());
            if t.is_error() {
                continue;
            }
            if !matches!(t, Ty::Entity(_) | Ty::Enum(_))
                || !matches!(item.kind, ExprKind::Name(_) | ExprKind::Field(..))
            {
                let d = self
                    .diag(
                        Code::E0205,
                        item.span,
                        "a list holds catalogue entries or enum values, by name",
                    )
                    .label(format!("this is {}", t.describe()));
                self.emit(d);
                continue;
            }
            // Places of one hierarchy mix: the list holds the outermost type, and every entry
            // is of that type or lies inside it (provinces and cities: a `Set<Province>`).
            match (&found, &t) {
                (Some(f), _) if *f == t => {}
                (Some(Ty::Entity(f)), Ty::Entity(e)) if self.index.type_within(e, f) => {}
                (Some(Ty::Entity(f)), Ty::Entity(e))
                    if elem.is_none() && self.index.type_within(f, e) =>
                {
                    found = Some(t);
                }
                (Some(f), _) => {
                    let mut d = self
                        .diag(
                            Code::E0205,
                            item.span,
                            format!("this list holds {}, not {}", f.describe(), t.describe()),
                        )
                        .label(format!("this is {}", t.describe()));
                    d = match (f, &t, &elem) {
                        (Ty::Entity(f), Ty::Entity(_), Some(_)) => d.help(match self.types_inside(f) {
                            Some(inside) => format!(
                                "a list of `{f}` may also hold places inside them ({inside}); list a `{f}` or one of those here"
                            ),
                            None => format!("no type lies inside `{f}`, so this list holds `{f}` entries only"),
                        }),
                        (Ty::Entity(f), Ty::Entity(e), None) => d.help(format!(
                            "a list may mix places of one hierarchy, each inside the outermost; neither `{e}` nor `{f}` lies in the other: write two lists, or list what holds them both"
                        )),
                        _ => d.help("a list holds values of one type"),
                    };
                    self.emit(d);
                }
                (None, _) => found = Some(t),
            }
        }
        match found {
            Some(t) => Ty::Set(Box::new(t)),
            None if items.is_empty() && elem.is_none() => {
                let d = self
                    .diag(Code::E0208, span, "an empty list cannot be written here")
                    .label("nothing says what it would hold");
                self.emit(d);
                Ty::Error
            }
            None => Ty::Error,
        }
    }
}

impl Checker<'_> {
    /// The entity types that lie inside `ty`, for help lines (`` `City`, `Port` ``).
    pub(crate) fn types_inside(&self, ty: &str) -> Option<String> {
        let inside: Vec<String> = self
            .names_where(|k| matches!(k, DeclKind::EntityType { .. }))
            .into_iter()
            .filter(|t| *t != ty && self.index.type_within(t, ty))
            .map(|t| format!("`{t}`"))
            .collect();
        (!inside.is_empty()).then(|| inside.join(", "))
    }

    /// W0504: `value`, cited only to `cite`, is what that source says where a `but` clause
    /// elsewhere records that it says otherwise than the source the workspace follows (and
    /// that source is not the weaker of the two).
    pub(crate) fn weaker_source(&mut self, cite: &Citation, value: &Expr) {
        let item: Option<u32> = cite.item.as_ref().and_then(|n| n.text.parse().ok());
        let said = value.to_string();
        let timelines = crate::values::value_timelines(self.db, self.ws);
        let kind_of = |name: &str| match self.index.kind(name) {
            Some(DeclKind::Source { kind, .. }) => *kind,
            _ => None,
        };
        let mut found = None;
        'search: for (fact, tl) in &timelines.values {
            for (key, eras) in &tl.keys {
                for era in eras {
                    for d in &era.differs {
                        let same_item = d.item.is_none() || d.item == item;
                        if d.source != cite.source.name || !same_item || d.says.to_string() != said
                        {
                            continue;
                        }
                        let Some((followed, followed_item)) = &era.cite else {
                            continue;
                        };
                        let (theirs, ours) = (kind_of(&d.source), kind_of(followed));
                        if let (Some(t), Some(o)) = (theirs, ours) {
                            if t.stronger_than(o) {
                                continue;
                            }
                        }
                        let fact = if key.is_empty() {
                            fact.clone()
                        } else {
                            format!("{fact}[{key}]")
                        };
                        let followed = match followed_item {
                            Some(i) => format!("`{followed}` item {i}"),
                            None => format!("`{followed}`"),
                        };
                        let followed = match ours {
                            Some(k) => format!("{followed} ({})", k.describe()),
                            None => followed,
                        };
                        let value = era.value.to_string();
                        found = Some((fact, followed, value, theirs));
                        break 'search;
                    }
                }
            }
        }
        let Some((fact, followed, followed_value, theirs)) = found else {
            return;
        };
        let cited = match item {
            Some(i) => format!("`{}` item {i}", cite.source.name),
            None => format!("`{}`", cite.source.name),
        };
        let what = match theirs {
            Some(k) => format!("{cited} ({})", k.describe()),
            None => cited.clone(),
        };
        let d = self
            .diag(
                Code::W0504,
                value.span,
                format!("`{said}` is cited only to {cited}, which the workspace records as saying otherwise"),
            )
            .label(format!("{what} says `{said}`"))
            .secondary(
                cite.span,
                format!("`{fact}` follows {followed}: `{followed_value}`"),
            )
            .help(format!(
                "cite the source the workspace follows for `{fact}`, or, if {cited} is right here, record why with a `but` clause on this statement"
            ));
        self.emit(d);
    }
}

/// The type a relation's value is checked against: `key.region`, an ancestor a key may lack
/// (a parent marked `?`), may be absent, and is then no value for that key.
fn keyed_ty(value: &Expr, ty: &Ty) -> Ty {
    match &value.kind {
        ExprKind::Field(base, _) if matches!(&base.kind, ExprKind::Name(n) if n.name == crate::values::KEY) => {
            Ty::Optional(Box::new(ty.clone()))
        }
        _ => ty.clone(),
    }
}
