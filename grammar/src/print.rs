//! Printing syntax back as canonical Edict text: expressions and types on one line.
//!
//! With the source text at hand, literals are printed exactly as written (a string keeps its
//! escapes); without it, from their values.

use std::fmt;

use crate::syntax::{Expr, ExprKind, TypeRef};

/// An expression prints as canonical Edict text on one line (literals from their values).
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&expr(self, None))
    }
}

/// An expression on one line, with canonical spacing.
pub fn expr(e: &Expr, src: Option<&str>) -> String {
    let mut out = String::new();
    write_expr(&mut out, e, src);
    out
}

fn literal<'a>(e: &Expr, src: Option<&'a str>) -> Option<&'a str> {
    src.and_then(|s| s.get(e.span.range()))
}

fn write_expr(out: &mut String, e: &Expr, src: Option<&str>) {
    match &e.kind {
        ExprKind::Name(n) => out.push_str(&n.name),
        ExprKind::Int(t) | ExprKind::Date(t) | ExprKind::DateTime(t) => {
            out.push_str(literal(e, src).unwrap_or(t));
        }
        ExprKind::Text(t) => match literal(e, src) {
            Some(lit) => out.push_str(lit),
            None => out.push_str(&quote(t)),
        },
        ExprKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        ExprKind::Duration(n, u) => match literal(e, src) {
            Some(lit) => out.push_str(lit),
            None => {
                out.push_str(n);
                out.push_str(u.suffix());
            }
        },
        ExprKind::Field(base, f) => {
            write_expr(out, base, src);
            out.push('.');
            out.push_str(&f.name);
        }
        ExprKind::Binary(op, a, b) => {
            write_expr(out, a, src);
            out.push(' ');
            out.push_str(op.as_str());
            out.push(' ');
            write_expr(out, b, src);
        }
        ExprKind::Not(a) => {
            out.push_str("not ");
            write_expr(out, a, src);
        }
        ExprKind::Range(a, b) => {
            write_expr(out, a, src);
            out.push_str("..");
            write_expr(out, b, src);
        }
        ExprKind::Paren(a) => {
            out.push('(');
            write_expr(out, a, src);
            out.push(')');
        }
        ExprKind::Index(base, key) => {
            write_expr(out, base, src);
            out.push('[');
            write_expr(out, key, src);
            out.push(']');
        }
        ExprKind::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_expr(out, item, src);
            }
            out.push(']');
        }
        ExprKind::Record(fields) => {
            if fields.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push_str("{ ");
            for (i, f) in fields.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&f.name.name);
                out.push_str(": ");
                write_expr(out, &f.value, src);
            }
            out.push_str(" }");
        }
    }
}

/// A string literal for a text value, escaping what must be escaped.
pub fn quote(t: &str) -> String {
    let mut out = String::with_capacity(t.len() + 2);
    out.push('"');
    for c in t.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A type as written: `Port`, `Range<Period>`, `Zone?`.
pub fn type_ref(t: &TypeRef) -> String {
    let mut s = t.name.name.clone();
    if let Some(a) = &t.arg {
        s.push('<');
        s.push_str(&type_ref(a));
        s.push('>');
    }
    if t.optional {
        s.push('?');
    }
    s
}
