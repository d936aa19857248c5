//! Walks a syntax tree and reports every name written in a referring position.
//!
//! Used for unused-declaration warnings now, and by the language server's references later.

use edict_grammar::{Expect, Expr, ExprKind, Ident, ItemKind, ParsedFile, TypeRef};

fn type_ref(t: &TypeRef, f: &mut dyn FnMut(&Ident)) {
    f(&t.name);
    if let Some(a) = &t.arg {
        type_ref(a, f);
    }
}

pub fn expr(e: &Expr, f: &mut dyn FnMut(&Ident)) {
    match &e.kind {
        ExprKind::Name(n) => f(n),
        ExprKind::Field(base, _) => expr(base, f),
        ExprKind::Binary(_, a, b) | ExprKind::Range(a, b) => {
            expr(a, f);
            expr(b, f);
        }
        ExprKind::Not(a) | ExprKind::Paren(a) => expr(a, f),
        ExprKind::Record(fields) => fields.iter().for_each(|fi| expr(&fi.value, f)),
        ExprKind::Index(a, b) => {
            expr(a, f);
            expr(b, f);
        }
        ExprKind::List(items) => items.iter().for_each(|i| expr(i, f)),
        ExprKind::Int(_)
        | ExprKind::Text(_)
        | ExprKind::Bool(_)
        | ExprKind::Date(_)
        | ExprKind::DateTime(_)
        | ExprKind::Duration(..) => {}
    }
}

/// Calls `f` with every referring name of the file, in source order within each item.
pub fn collect(file: &ParsedFile, f: &mut dyn FnMut(&str)) {
    for_each_ref(file, &mut |ident: &Ident| f(&ident.name));
}

pub fn for_each_ref(file: &ParsedFile, f: &mut dyn FnMut(&Ident)) {
    for item in &file.items {
        match &item.kind {
            ItemKind::Source(s) => s.fields.iter().for_each(|fi| expr(&fi.value, f)),
            // A label does not use what it labels: an unused rule stays unused when labelled.
            ItemKind::Enum(_) | ItemKind::Labels(_) | ItemKind::Error => {}
            ItemKind::Entity(e) => {
                if let Some(p) = &e.parent {
                    type_ref(p, f);
                }
                e.fields.iter().for_each(|fd| type_ref(&fd.ty, f));
            }
            ItemKind::Record(r) => r.fields.iter().for_each(|fd| type_ref(&fd.ty, f)),
            ItemKind::Catalogue(c) => {
                f(&c.ty);
                for entry in &c.entries {
                    if let Some(p) = &entry.parent {
                        f(p);
                    }
                    entry.fields.iter().for_each(|fi| expr(&fi.value, f));
                }
            }
            ItemKind::Set(s) => {
                type_ref(&s.ty, f);
                if let Some(e) = &s.from {
                    expr(e, f);
                }
                if let Some(e) = &s.until {
                    expr(e, f);
                }
                for c in s.cite.iter().chain(&s.ended_by) {
                    f(&c.source);
                }
                s.members.iter().for_each(&mut *f);
                if let Some(formula) = &s.formula {
                    formula.sets().into_iter().for_each(&mut *f);
                }
            }
            ItemKind::Amend(a) => {
                f(&a.set);
                if let Some(e) = &a.from {
                    expr(e, f);
                }
                if let Some(c) = &a.cite {
                    f(&c.source);
                }
                a.ops.iter().flat_map(|op| &op.members).for_each(&mut *f);
                a.ops
                    .iter()
                    .filter_map(|op| op.into.as_ref())
                    .for_each(&mut *f);
            }
            ItemKind::Decision(d) => {
                d.params.iter().for_each(|p| type_ref(&p.ty, f));
                type_ref(&d.output, f);
                for e in [&d.as_of, &d.zone, &d.otherwise].into_iter().flatten() {
                    expr(e, f);
                }
            }
            ItemKind::Rule(r) => {
                f(&r.decision);
                for c in r.cite.iter().chain(&r.ended_by) {
                    f(&c.source);
                }
                for e in [&r.from, &r.until, &r.when, &r.then].into_iter().flatten() {
                    expr(e, f);
                }
            }
            ItemKind::Condition(c) => {
                f(&c.decision);
                if let Some(e) = &c.when {
                    expr(e, f);
                }
            }
            ItemKind::Request(r) => {
                f(&r.decision);
                r.givens.iter().for_each(|g| expr(&g.value, f));
            }
            ItemKind::Test(t) => {
                f(&t.decision);
                if let Some(b) = &t.base {
                    f(b);
                }
                t.givens.iter().for_each(|g| expr(&g.value, f));
                let rows = t.cases.iter().flat_map(|c| &c.rows);
                for e in t.expects.iter().chain(rows.clone().map(|r| &r.expect)) {
                    match e {
                        Expect::Outcome(x) => expr(x, f),
                        Expect::Rule(r) => f(r),
                        Expect::Otherwise(_) => {}
                    }
                }
                for table in &t.cases {
                    table.columns.iter().for_each(|c| expr(c, f));
                }
                rows.flat_map(|r| &r.values).for_each(|v| expr(v, f));
            }
            ItemKind::Value(v) => {
                if let Some(k) = &v.key {
                    type_ref(k, f);
                }
                type_ref(&v.ty, f);
                if let Some(c) = &v.covers {
                    f(c);
                }
                if let Some(o) = &v.otherwise {
                    expr(o, f);
                }
                for entry in &v.entries {
                    entry.keys.iter().for_each(&mut *f);
                    expr(&entry.value, f);
                    for e in entry.from.iter().chain(&entry.until) {
                        expr(e, f);
                    }
                    for c in entry.cite.iter().chain(&entry.ended_by) {
                        f(&c.source);
                    }
                    for d in &entry.differs {
                        f(&d.source.source);
                        expr(&d.says, f);
                    }
                }
            }
        }
    }
}
