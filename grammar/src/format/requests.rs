//! Formatting tests and saved requests: given values, expectations, tables of cases.

use super::*;

impl Fmt<'_> {
    pub(super) fn test_item(&mut self, item: &Item, t: &TestDecl) -> bool {
        self.open(
            format!("test {} for {}", t.name.name, t.decision.name),
            t.decision.span.end as usize,
        );
        let mut elems: Vec<Elem> = Vec::new();
        if let Some(b) = &t.base {
            elems.push(Elem {
                text: format!("given {}", b.name),
                span: b.span,
            });
        }
        for g in &t.givens {
            match self.value_elem(&format!("given {} = ", g.param.name), &g.value, 1) {
                Some(x) => elems.push(Elem {
                    text: x.text,
                    span: g.span,
                }),
                None => return false,
            }
        }
        for x in &t.expects {
            match x {
                Expect::Outcome(e) => match self.value_elem("expect ", e, 1) {
                    Some(el) => elems.push(el),
                    None => return false,
                },
                Expect::Rule(r) => elems.push(Elem {
                    text: format!("expect rule {}", r.name),
                    span: r.span,
                }),
                Expect::Otherwise(s) => elems.push(Elem {
                    text: "expect otherwise".into(),
                    span: *s,
                }),
            }
        }
        elems.sort_by_key(|e| e.span.start);
        // Tables of cases go where they were, each a block of rows.
        let mut tables = t.cases.iter().peekable();
        for e in &elems {
            while let Some(table) = tables.next_if(|c| c.span.start < e.span.start) {
                if !self.case_table(table, 1) {
                    return false;
                }
            }
            self.elem(1, e);
        }
        for table in tables {
            if !self.case_table(table, 1) {
                return false;
            }
        }
        self.close(item, 0);
        true
    }

    pub(super) fn request_item(&mut self, item: &Item, r: &RequestDecl) -> bool {
        self.open(
            format!("request {} for {}", r.name.name, r.decision.name),
            r.decision.span.end as usize,
        );
        for g in &r.givens {
            match self.value_elem(&format!("given {} = ", g.param.name), &g.value, 1) {
                Some(x) => self.elem(
                    1,
                    &Elem {
                        text: x.text,
                        span: g.span,
                    },
                ),
                None => return false,
            }
        }
        self.close(item, 0);
        true
    }
}
