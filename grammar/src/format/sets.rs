//! Formatting sets and their amendments: header, members filled over lines, dated clauses.

use super::*;

impl Fmt<'_> {
    pub(super) fn set_item(&mut self, item: &Item, s: &SetDecl) -> bool {
        let mut clauses: Vec<(u32, String)> = Vec::new();
        if let Some(f) = &s.from {
            clauses.push((f.span.start, format!("from {}", self.e(f))));
        }
        if let Some(u) = &s.until {
            let by = ended_by(s.ended_by.as_ref());
            clauses.push((u.span.start, format!("until {}{by}", self.e(u))));
        }
        if let Some(c) = &s.cite {
            clauses.push((c.span.start, cite(c)));
        }
        if let Some(n) = &s.announced {
            clauses.push((n.span.start, announced(n, s.partial)));
        }
        let header = with_clauses(format!("set {}: {}", s.name.name, type_ref(&s.ty)), clauses);
        let header_end = clauses_end(
            s.ty.span,
            &[
                s.from.as_ref().map(|e| e.span),
                s.until.as_ref().map(|e| e.span),
                s.ended_by.as_ref().map(|c| c.span),
                s.cite.as_ref().map(|c| c.span),
                s.announced.as_ref().map(|n| n.span),
                s.partial,
            ],
        );
        if let Some(f) = &s.formula {
            // A formula fills lines, each continuation starting with an operator (a
            // comment inside it keeps the item as written).
            let text = self.wrap_formula(&format!("{header} = "), &set_expr(f));
            self.out.push_str(&text);
            self.end_line(item.span.end as usize);
            return true;
        }
        if s.members.is_empty() {
            self.out.push_str(&header);
            self.out.push_str(" {}");
            self.end_line(item.span.end as usize);
            return true;
        }
        let inline = format!("{header} {{ {} }}", names(&s.members).join(", "));
        if self.fits(0, &inline) && !self.comments_inside(item.span) {
            self.out.push_str(&inline);
            self.end_line(item.span.end as usize);
            return true;
        }
        self.open(header, header_end);
        let elems = self.member_lines(&s.members, "", 1);
        self.elems(1, &elems);
        self.close(item, 0);
        true
    }

    pub(super) fn amend_item(&mut self, item: &Item, a: &AmendDecl) -> bool {
        let mut clauses: Vec<(u32, String)> = Vec::new();
        if let Some(f) = &a.from {
            clauses.push((f.span.start, format!("from {}", self.e(f))));
        }
        if let Some(c) = &a.cite {
            clauses.push((c.span.start, cite(c)));
        }
        if let Some(n) = &a.announced {
            clauses.push((n.span.start, announced(n, a.partial)));
        }
        let header = with_clauses(format!("amend {}", a.set.name), clauses);
        let header_end = clauses_end(
            a.set.span,
            &[
                a.from.as_ref().map(|e| e.span),
                a.cite.as_ref().map(|c| c.span),
                a.announced.as_ref().map(|n| n.span),
                a.partial,
            ],
        );
        self.open(header, header_end);
        for op in &a.ops {
            let word = match op.action {
                AmendAction::Add => "add ",
                AmendAction::Remove => "remove ",
                AmendAction::Move => "move ",
            };
            let mut elems = self.member_lines(&op.members, word, 1);
            if let (Some(into), Some(last)) = (&op.into, elems.last_mut()) {
                last.text.push_str(&format!(" into {}", into.name));
            }
            self.elems(1, &elems);
        }
        self.close(item, 0);
        true
    }
}

/// A header with its clauses in the order they were written (by where each starts).
fn with_clauses(mut header: String, mut clauses: Vec<(u32, String)>) -> String {
    clauses.sort();
    for (_, c) in &clauses {
        header.push(' ');
        header.push_str(c);
    }
    header
}
