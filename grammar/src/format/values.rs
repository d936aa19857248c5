//! Formatting dated values and relations: one entry per line, their clauses aligned.

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
        // `keys: value clauses`, the clauses aligned in one column when every entry fits on
        // one line aligned; an entry too long for a line has its keys filled over several.
        let heads: Vec<String> = v.entries.iter().map(|e| self.entry_head(e)).collect();
        let clauses: Vec<String> = v.entries.iter().map(entry_clauses).collect();
        let pad = heads.iter().map(|h| h.chars().count()).max().unwrap_or(0);
        let aligned = heads
            .iter()
            .zip(&clauses)
            .all(|(h, c)| c.is_empty() || self.fits(1, &format!("{h:<pad$} {c}")));
        for ((entry, head), clauses) in v.entries.iter().zip(&heads).zip(&clauses) {
            if self.comments_inside(entry.span) {
                return false;
            }
            let one = if clauses.is_empty() {
                head.clone()
            } else if aligned {
                format!("{head:<pad$} {clauses}")
            } else {
                format!("{head} {clauses}")
            };
            let mut text = if self.fits(1, &one) || entry.keys.len() < 2 {
                one
            } else {
                self.wrapped_entry(entry, clauses)
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

    /// An entry whose keys do not fit on one line: keys filled over lines, the value and
    /// clauses after the last.
    fn wrapped_entry(&self, e: &ValueEntry, clauses: &str) -> String {
        let tail = if clauses.is_empty() {
            format!(": {}", self.e(&e.value))
        } else {
            format!(": {} {clauses}", self.e(&e.value))
        };
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        for (i, k) in e.keys.iter().enumerate() {
            let last = i + 1 == e.keys.len();
            let piece = if last {
                format!("{}{tail}", k.name)
            } else {
                format!("{},", k.name)
            };
            let indent = if lines.is_empty() { "" } else { "  " };
            let candidate = if line.is_empty() {
                format!("{indent}{piece}")
            } else {
                format!("{line} {piece}")
            };
            if line.is_empty() || self.fits(1, &candidate) {
                line = candidate;
            } else {
                lines.push(line);
                line = format!("  {piece}");
            }
        }
        lines.push(line);
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
