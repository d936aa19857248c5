//! Formatting dated values and relations: one entry per line where it fits, never aligned
//! with the others; a long entry wrapped (keys, then the value, then the clauses).

use super::*;
use crate::syntax::{Differs, ValueDecl, ValueEntry};

impl Fmt<'_> {
    pub(super) fn value_item(&mut self, item: &Item, v: &ValueDecl) -> bool {
        if !v.repeated.is_empty() || v.entries.iter().any(|e| !e.repeated.is_empty()) {
            return false;
        }
        let header = match &v.key {
            Some(key) => format!(
                "relation {}: {} -> {}{}",
                v.name.name,
                type_ref(key),
                type_ref(&v.ty),
                v.covers
                    .as_ref()
                    .map_or(String::new(), |c| format!(" covers {}", c.name))
            ),
            None => format!("value {}: {}", v.name.name, type_ref(&v.ty)),
        };
        let header_end = v.covers.as_ref().map_or(v.ty.span.end, |c| c.span.end);
        self.open(header, header_end as usize);
        let mut elems: Vec<Elem> = Vec::new();
        if let Some(o) = &v.otherwise {
            match self.value_elem("otherwise ", o, 1) {
                Some(e) => elems.push(e),
                None => return false,
            }
        }
        // `keys: value clauses` on one line where it fits, never aligned with the other
        // entries (adding or changing one changes only its own lines); else wrapped.
        for entry in &v.entries {
            if self.comments_inside(entry.span) {
                return false;
            }
            let clauses = entry_clauses(entry);
            let head = self.entry_head(entry);
            let one = if clauses.is_empty() {
                head
            } else {
                format!("{head} {clauses}")
            };
            let mut text = if self.fits(1, &one) {
                one
            } else {
                self.wrapped_entry(entry, &clauses)
            };
            // Each `but` on a line of its own below the entry: it quotes another source.
            for d in &entry.differs {
                text.push_str("\n  ");
                text.push_str(&self.differs(d));
            }
            elems.push(Elem {
                text,
                span: entry.span,
            });
        }
        elems.sort_by_key(|e| e.span.start);
        self.elems(1, &elems);
        self.close(item, 0);
        true
    }

    /// An entry too long for one line: its keys filled over lines (continuing two levels in)
    /// and ending with `:`, then the value and its clauses on a line of their own, one level
    /// in, or the value and then the clauses when together they do not fit; a list value
    /// too long for a line of its own opens its bracket after the keys, its members filled
    /// inside (each followed by a comma), and the bracket closes before the clauses.
    fn wrapped_entry(&self, e: &ValueEntry, clauses: &str) -> String {
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        for (i, k) in e.keys.iter().enumerate() {
            let piece = if i + 1 == e.keys.len() {
                format!("{}:", k.name)
            } else {
                format!("{},", k.name)
            };
            // Keys continue two levels in, the value one: they never line up.
            let candidate = if line.is_empty() {
                piece.clone()
            } else {
                format!("{line} {piece}")
            };
            if line.is_empty() || self.fits(1, &candidate) {
                line = candidate;
            } else {
                lines.push(line);
                line = format!("    {piece}");
            }
        }
        let value = self.e(&e.value);
        let tail = if clauses.is_empty() {
            value.clone()
        } else {
            format!("{value} {clauses}")
        };
        if self.fits(2, &tail) || e.keys.is_empty() && self.fits(1, &tail) {
            if e.keys.is_empty() {
                return tail;
            }
            lines.push(line);
            lines.push(format!("  {tail}"));
            return lines.join("\n");
        }
        // A list too long for a line of its own is wrapped inside its brackets.
        let wrapped = match &e.value.kind {
            ExprKind::List(items) if !items.is_empty() && !self.fits(2, &value) => Some(items),
            _ => None,
        };
        match wrapped {
            // The value on a line of its own, its clauses on the next.
            None => {
                if !line.is_empty() {
                    lines.push(line);
                }
                let pad = if e.keys.is_empty() { "" } else { "  " };
                lines.push(format!("{pad}{value}"));
                if !clauses.is_empty() {
                    lines.push(format!("{pad}{clauses}"));
                }
            }
            Some(items) => {
                // `keys: [` then the members, then `] clauses`.
                if line.is_empty() {
                    line = "[".to_string();
                } else {
                    line.push_str(" [");
                }
                lines.push(line);
                let mut current = String::new();
                for item in items {
                    let piece = format!("{},", self.e(item));
                    let candidate = if current.is_empty() {
                        piece.clone()
                    } else {
                        format!("{current} {piece}")
                    };
                    if current.is_empty() || self.fits(2, &candidate) {
                        current = candidate;
                    } else {
                        lines.push(format!("  {current}"));
                        current = piece;
                    }
                }
                lines.push(format!("  {current}"));
                lines.push(if clauses.is_empty() {
                    "]".to_string()
                } else {
                    format!("] {clauses}")
                });
            }
        }
        lines.join("\n")
    }

    /// `but src item 4 says 144h "words"`.
    fn differs(&self, d: &Differs) -> String {
        let source = match &d.source.item {
            Some(n) => format!("{} item {}", d.source.source.name, n.text),
            None => d.source.source.name.clone(),
        };
        let mut out = format!("but {source} says {}", self.e(&d.says));
        if let Some(q) = &d.quote {
            out.push(' ');
            out.push_str(&self.e(q));
        }
        out
    }

    fn entry_head(&self, e: &ValueEntry) -> String {
        let keys: Vec<&str> = e.keys.iter().map(|k| k.name.as_str()).collect();
        if keys.is_empty() {
            self.e(&e.value)
        } else {
            format!("{}: {}", keys.join(", "), self.e(&e.value))
        }
    }
}

/// `from .. until .. cite ..`, in that order.
fn entry_clauses(e: &ValueEntry) -> String {
    let mut parts = Vec::new();
    if let Some(f) = &e.from {
        parts.push(format!("from {}", expr(f, None)));
    }
    if let Some(u) = &e.until {
        parts.push(format!(
            "until {}{}",
            expr(u, None),
            super::ended_by(e.ended_by.as_ref())
        ));
    }
    if let Some(c) = &e.cite {
        parts.push(cite(c));
    }
    parts.join(" ")
}
