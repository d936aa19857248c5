//! Formatting decisions, rules and named conditions: headers, `when` clauses one operand a
//! line when they do not fit, outcomes as records.

use super::*;

impl Fmt<'_> {
    pub(super) fn decision_item(&mut self, item: &Item, d: &DecisionDecl) -> bool {
        let params: Vec<String> = d
            .params
            .iter()
            .map(|p| format!("{}: {}", p.name.name, type_ref(&p.ty)))
            .collect();
        let header = format!(
            "decision {}({}) -> {}",
            d.name.name,
            params.join(", "),
            type_ref(&d.output)
        );
        let has_body = d.as_of.is_some()
            || d.zone.is_some()
            || d.hit.is_some()
            || d.otherwise.is_some()
            || self
                .src
                .get(d.output.span.end as usize..item.span.end as usize)
                .is_some_and(|t| t.contains('{'));
        if !has_body {
            self.out.push_str(&header);
            self.end_line(item.span.end as usize);
            return true;
        }
        self.open(header, d.output.span.end as usize);
        let mut elems: Vec<Elem> = Vec::new();
        if let Some(e) = &d.as_of {
            match self.value_elem("as of ", e, 1) {
                Some(x) => elems.push(x),
                None => return false,
            }
        }
        if let Some(e) = &d.zone {
            match self.value_elem("zone ", e, 1) {
                Some(x) => elems.push(x),
                None => return false,
            }
        }
        if let Some((h, span)) = &d.hit {
            elems.push(Elem {
                text: format!("hit {}", h.as_str()),
                span: *span,
            });
        }
        if let Some(e) = &d.otherwise {
            match self.value_elem("otherwise ", e, 1) {
                Some(x) => elems.push(x),
                None => return false,
            }
        }
        elems.sort_by_key(|e| e.span.start);
        self.elems(1, &elems);
        self.close(item, 0);
        true
    }

    pub(super) fn rule_item(&mut self, item: &Item, r: &RuleDecl) -> bool {
        self.open(
            format!("rule {} for {}", r.name.name, r.decision.name),
            r.decision.span.end as usize,
        );
        let mut elems: Vec<Elem> = Vec::new();
        for (word, e) in [("from ", &r.from), ("until ", &r.until), ("then ", &r.then)] {
            if let Some(e) = e {
                match self.value_elem(word, e, 1) {
                    Some(mut x) => {
                        if let (true, Some(c)) = (word == "until ", &r.ended_by) {
                            x.text.push_str(&ended_by(Some(c)));
                            x.span = Span::new(x.span.start as usize, c.span.end as usize);
                        }
                        elems.push(x)
                    }
                    None => return false,
                }
            }
        }
        if let Some(c) = &r.cite {
            elems.push(Elem {
                text: cite(c),
                span: c.span,
            });
        }
        if let Some(p) = &r.priority {
            elems.push(Elem {
                text: format!("priority {}", p.text),
                span: p.span,
            });
        }
        elems.sort_by_key(|e| e.span.start);
        // `when` may need several lines, with comments between its operands.
        let when_at = r.when.as_ref().map(|w| w.span.start);
        let mut placed_when = false;
        for e in &elems {
            if let Some(w) = when_at {
                if !placed_when && w < e.span.start {
                    placed_when = true;
                    if !self.when(r.when.as_ref(), 1) {
                        return false;
                    }
                }
            }
            self.elem(1, e);
        }
        if !placed_when && !self.when(r.when.as_ref(), 1) {
            return false;
        }
        self.close(item, 0);
        true
    }

    pub(super) fn condition_item(&mut self, item: &Item, c: &ConditionDecl) -> bool {
        self.open(
            format!("condition {} for {}", c.name.name, c.decision.name),
            c.decision.span.end as usize,
        );
        if !self.when(c.when.as_ref(), 1) {
            return false;
        }
        self.close(item, 0);
        true
    }
}
