//! Moving a parsed item to another place in its file: every span in it shifted by the same
//! number of bytes, so that an item whose text did not change can be reused by a re-parse
//! (see [`crate::parse_reusing`]) wherever the edits before it moved it.
//!
//! Each type is taken apart field by field with no `..`, so a field added to the syntax tree
//! does not compile here until it says how it moves.

use crate::syntax::*;

/// Shifts every span inside by `delta` bytes.
pub(crate) trait Shift {
    fn shift(&mut self, delta: i64);
}

impl Shift for Span {
    fn shift(&mut self, delta: i64) {
        let moved = |n: u32| u32::try_from(i64::from(n) + delta).unwrap_or(u32::MAX);
        self.start = moved(self.start);
        self.end = moved(self.end);
    }
}

impl<T: Shift> Shift for Vec<T> {
    fn shift(&mut self, delta: i64) {
        for x in self {
            x.shift(delta);
        }
    }
}

impl<T: Shift> Shift for Option<T> {
    fn shift(&mut self, delta: i64) {
        if let Some(x) = self {
            x.shift(delta);
        }
    }
}

impl<T: Shift> Shift for Box<T> {
    fn shift(&mut self, delta: i64) {
        self.as_mut().shift(delta);
    }
}

impl Shift for (HitPolicy, Span) {
    fn shift(&mut self, delta: i64) {
        self.1.shift(delta);
    }
}

impl Shift for Ident {
    fn shift(&mut self, delta: i64) {
        let Ident { name: _, span } = self;
        span.shift(delta);
    }
}

impl Shift for Number {
    fn shift(&mut self, delta: i64) {
        let Number { text: _, span } = self;
        span.shift(delta);
    }
}

impl Shift for ItemKind {
    fn shift(&mut self, delta: i64) {
        match self {
            ItemKind::Source(d) => d.shift(delta),
            ItemKind::Enum(d) => d.shift(delta),
            ItemKind::Entity(d) => d.shift(delta),
            ItemKind::Record(d) => d.shift(delta),
            ItemKind::Catalogue(d) => d.shift(delta),
            ItemKind::Set(d) => d.shift(delta),
            ItemKind::Amend(d) => d.shift(delta),
            ItemKind::Decision(d) => d.shift(delta),
            ItemKind::Rule(d) => d.shift(delta),
            ItemKind::Test(d) => d.shift(delta),
            ItemKind::Condition(d) => d.shift(delta),
            ItemKind::Value(d) => d.shift(delta),
            ItemKind::Request(d) => d.shift(delta),
            ItemKind::Labels(d) => d.shift(delta),
            ItemKind::Error => {}
        }
    }
}

impl Shift for SourceDecl {
    fn shift(&mut self, delta: i64) {
        let SourceDecl { name, fields } = self;
        name.shift(delta);
        fields.shift(delta);
    }
}

impl Shift for LabelsDecl {
    fn shift(&mut self, delta: i64) {
        let LabelsDecl { entries } = self;
        entries.shift(delta);
    }
}

impl Shift for LabelEntry {
    fn shift(&mut self, delta: i64) {
        let LabelEntry {
            target,
            member,
            texts,
            span,
        } = self;
        target.shift(delta);
        member.shift(delta);
        texts.shift(delta);
        span.shift(delta);
    }
}

impl Shift for EnumDecl {
    fn shift(&mut self, delta: i64) {
        let EnumDecl { name, variants } = self;
        name.shift(delta);
        variants.shift(delta);
    }
}

impl Shift for EntityDecl {
    fn shift(&mut self, delta: i64) {
        let EntityDecl {
            name,
            parent,
            identified_by,
            fields,
        } = self;
        name.shift(delta);
        parent.shift(delta);
        identified_by.shift(delta);
        fields.shift(delta);
    }
}

impl Shift for RecordDecl {
    fn shift(&mut self, delta: i64) {
        let RecordDecl { name, fields } = self;
        name.shift(delta);
        fields.shift(delta);
    }
}

impl Shift for FieldDecl {
    fn shift(&mut self, delta: i64) {
        let FieldDecl { name, ty } = self;
        name.shift(delta);
        ty.shift(delta);
    }
}

impl Shift for TypeRef {
    fn shift(&mut self, delta: i64) {
        let TypeRef {
            name,
            arg,
            optional: _,
            span,
        } = self;
        name.shift(delta);
        arg.shift(delta);
        span.shift(delta);
    }
}

impl Shift for CatalogueDecl {
    fn shift(&mut self, delta: i64) {
        let CatalogueDecl { ty, entries } = self;
        ty.shift(delta);
        entries.shift(delta);
    }
}

impl Shift for CatalogueEntry {
    fn shift(&mut self, delta: i64) {
        let CatalogueEntry {
            name,
            parent,
            fields,
            span,
        } = self;
        name.shift(delta);
        parent.shift(delta);
        fields.shift(delta);
        span.shift(delta);
    }
}

impl Shift for Citation {
    fn shift(&mut self, delta: i64) {
        let Citation { source, item, span } = self;
        source.shift(delta);
        item.shift(delta);
        span.shift(delta);
    }
}

impl Shift for SetDecl {
    fn shift(&mut self, delta: i64) {
        let SetDecl {
            name,
            ty,
            from,
            until,
            ended_by,
            announced,
            partial,
            cite,
            members,
            formula,
            repeated,
        } = self;
        name.shift(delta);
        ty.shift(delta);
        from.shift(delta);
        until.shift(delta);
        ended_by.shift(delta);
        announced.shift(delta);
        partial.shift(delta);
        cite.shift(delta);
        members.shift(delta);
        formula.shift(delta);
        repeated.shift(delta);
    }
}

impl Shift for SetExpr {
    fn shift(&mut self, delta: i64) {
        let SetExpr { kind, span } = self;
        match kind {
            SetExprKind::Set(i) => i.shift(delta),
            SetExprKind::Op(_, a, b) => {
                a.shift(delta);
                b.shift(delta);
            }
            SetExprKind::Paren(e) => e.shift(delta),
        }
        span.shift(delta);
    }
}

impl Shift for AmendDecl {
    fn shift(&mut self, delta: i64) {
        let AmendDecl {
            set,
            from,
            announced,
            partial,
            cite,
            ops,
            repeated,
        } = self;
        set.shift(delta);
        from.shift(delta);
        announced.shift(delta);
        partial.shift(delta);
        cite.shift(delta);
        ops.shift(delta);
        repeated.shift(delta);
    }
}

impl Shift for AmendOp {
    fn shift(&mut self, delta: i64) {
        let AmendOp {
            action: _,
            members,
            into,
            span,
        } = self;
        members.shift(delta);
        into.shift(delta);
        span.shift(delta);
    }
}

impl Shift for DecisionDecl {
    fn shift(&mut self, delta: i64) {
        let DecisionDecl {
            name,
            params,
            output,
            as_of,
            zone,
            hit,
            otherwise,
            repeated,
        } = self;
        name.shift(delta);
        params.shift(delta);
        output.shift(delta);
        as_of.shift(delta);
        zone.shift(delta);
        hit.shift(delta);
        otherwise.shift(delta);
        repeated.shift(delta);
    }
}

impl Shift for Param {
    fn shift(&mut self, delta: i64) {
        let Param { name, ty } = self;
        name.shift(delta);
        ty.shift(delta);
    }
}

impl Shift for ConditionDecl {
    fn shift(&mut self, delta: i64) {
        let ConditionDecl {
            name,
            decision,
            when,
            repeated,
        } = self;
        name.shift(delta);
        decision.shift(delta);
        when.shift(delta);
        repeated.shift(delta);
    }
}

impl Shift for ValueDecl {
    fn shift(&mut self, delta: i64) {
        let ValueDecl {
            name,
            key,
            ty,
            entries,
            otherwise,
            covers,
            repeated,
        } = self;
        name.shift(delta);
        key.shift(delta);
        ty.shift(delta);
        entries.shift(delta);
        otherwise.shift(delta);
        covers.shift(delta);
        repeated.shift(delta);
    }
}

impl Shift for ValueEntry {
    fn shift(&mut self, delta: i64) {
        let ValueEntry {
            keys,
            value,
            from,
            until,
            ended_by,
            cite,
            differs,
            span,
            repeated,
        } = self;
        keys.shift(delta);
        value.shift(delta);
        from.shift(delta);
        until.shift(delta);
        ended_by.shift(delta);
        cite.shift(delta);
        differs.shift(delta);
        span.shift(delta);
        repeated.shift(delta);
    }
}

impl Shift for Differs {
    fn shift(&mut self, delta: i64) {
        let Differs {
            source,
            says,
            quote,
            span,
        } = self;
        source.shift(delta);
        says.shift(delta);
        quote.shift(delta);
        span.shift(delta);
    }
}

impl Shift for RuleDecl {
    fn shift(&mut self, delta: i64) {
        let RuleDecl {
            name,
            decision,
            from,
            until,
            ended_by,
            cite,
            priority,
            when,
            then,
            repeated,
        } = self;
        name.shift(delta);
        decision.shift(delta);
        from.shift(delta);
        until.shift(delta);
        ended_by.shift(delta);
        cite.shift(delta);
        priority.shift(delta);
        when.shift(delta);
        then.shift(delta);
        repeated.shift(delta);
    }
}

impl Shift for TestDecl {
    fn shift(&mut self, delta: i64) {
        let TestDecl {
            name,
            decision,
            base,
            givens,
            expects,
            cases,
        } = self;
        name.shift(delta);
        decision.shift(delta);
        base.shift(delta);
        givens.shift(delta);
        expects.shift(delta);
        cases.shift(delta);
    }
}

impl Shift for RequestDecl {
    fn shift(&mut self, delta: i64) {
        let RequestDecl {
            name,
            decision,
            givens,
        } = self;
        name.shift(delta);
        decision.shift(delta);
        givens.shift(delta);
    }
}

impl Shift for CaseTable {
    fn shift(&mut self, delta: i64) {
        let CaseTable {
            columns,
            rows,
            span,
        } = self;
        columns.shift(delta);
        rows.shift(delta);
        span.shift(delta);
    }
}

impl Shift for CaseRow {
    fn shift(&mut self, delta: i64) {
        let CaseRow {
            values,
            expect,
            span,
        } = self;
        values.shift(delta);
        expect.shift(delta);
        span.shift(delta);
    }
}

impl Shift for Given {
    fn shift(&mut self, delta: i64) {
        let Given { param, value, span } = self;
        param.shift(delta);
        value.shift(delta);
        span.shift(delta);
    }
}

impl Shift for Expect {
    fn shift(&mut self, delta: i64) {
        match self {
            Expect::Outcome(e) => e.shift(delta),
            Expect::Rule(i) => i.shift(delta),
            Expect::Otherwise(span) => span.shift(delta),
        }
    }
}

impl Shift for FieldInit {
    fn shift(&mut self, delta: i64) {
        let FieldInit { name, value } = self;
        name.shift(delta);
        value.shift(delta);
    }
}

impl Shift for Expr {
    fn shift(&mut self, delta: i64) {
        let Expr { kind, span } = self;
        match kind {
            ExprKind::Name(i) => i.shift(delta),
            ExprKind::Int(_)
            | ExprKind::Text(_)
            | ExprKind::Bool(_)
            | ExprKind::Date(_)
            | ExprKind::DateTime(_)
            | ExprKind::Duration(..) => {}
            ExprKind::Field(e, i) => {
                e.shift(delta);
                i.shift(delta);
            }
            ExprKind::Binary(_, a, b) | ExprKind::Range(a, b) | ExprKind::Index(a, b) => {
                a.shift(delta);
                b.shift(delta);
            }
            ExprKind::Not(e) | ExprKind::Paren(e) => e.shift(delta),
            ExprKind::Record(fields) => fields.shift(delta),
            ExprKind::List(items) => items.shift(delta),
        }
        span.shift(delta);
    }
}
