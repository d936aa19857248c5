//! Building sets (listed or by formula) and their amendments.

use super::*;

impl Builder {
    pub(super) fn set(&mut self, p: P<'_>) -> ItemKind {
        let mut name = None;
        let mut ty = None;
        let mut from = None;
        let mut until = None;
        let mut ended_by = None;
        let mut announced = None;
        let mut partial = None;
        let mut cite = None;
        let mut members = Vec::new();
        let mut formula = None;
        let mut repeated = Vec::new();
        for c in p.into_inner() {
            let span = self.span(&c);
            match c.as_rule() {
                Rule::ident => name = Some(self.ident(c)),
                Rule::type_expr => ty = Some(self.type_ref(c)),
                Rule::from_clause => set_once(&mut from, self.clause_expr(c), span, &mut repeated),
                Rule::until_clause => {
                    ended_by = self.ended_by(&c);
                    set_once(&mut until, self.clause_expr(c), span, &mut repeated)
                }
                Rule::announced_clause => {
                    partial = self.partial_mark(&c);
                    set_once(&mut announced, self.clause_number(c), span, &mut repeated);
                }
                Rule::cite_clause => {
                    set_once(&mut cite, Some(self.citation(c)), span, &mut repeated)
                }
                Rule::member_block => {
                    if let Some(list) = c.into_inner().next() {
                        members = self.members(list);
                    }
                }
                Rule::set_formula => {
                    formula = c.into_inner().next().map(|e| self.set_expr(e));
                }
                _ => {}
            }
        }
        match (name, ty) {
            (Some(name), Some(ty)) => ItemKind::Set(SetDecl {
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
            }),
            _ => ItemKind::Error,
        }
    }

    /// `a union (b except c)`: operands left to right.
    pub(super) fn set_expr(&mut self, p: P<'_>) -> SetExpr {
        let span = self.span(&p);
        let mut parts = p.into_inner();
        let term = |b: &mut Self, t: P<'_>| -> SetExpr {
            let span = b.span(&t);
            match t.as_rule() {
                Rule::set_paren => {
                    let inner = t.into_inner().next();
                    let e = inner.map_or_else(
                        || SetExpr {
                            kind: SetExprKind::Set(Ident {
                                name: String::new(),
                                span,
                            }),
                            span,
                        },
                        |i| b.set_expr(i),
                    );
                    SetExpr {
                        kind: SetExprKind::Paren(Box::new(e)),
                        span,
                    }
                }
                _ => SetExpr {
                    kind: SetExprKind::Set(b.ident(t)),
                    span,
                },
            }
        };
        let Some(first) = parts.next() else {
            return SetExpr {
                kind: SetExprKind::Set(Ident {
                    name: String::new(),
                    span,
                }),
                span,
            };
        };
        let mut acc = term(self, first);
        while let (Some(op), Some(t)) = (parts.next(), parts.next()) {
            let op = match op.into_inner().next().map(|k| k.as_rule()) {
                Some(Rule::kw_intersect) => SetOp::Intersect,
                Some(Rule::kw_except) => SetOp::Except,
                _ => SetOp::Union,
            };
            let rhs = term(self, t);
            let span = Span::new(acc.span.start as usize, rhs.span.end as usize);
            acc = SetExpr {
                kind: SetExprKind::Op(op, Box::new(acc), Box::new(rhs)),
                span,
            };
        }
        acc
    }

    pub(super) fn amend(&mut self, p: P<'_>) -> ItemKind {
        let mut set = None;
        let mut from = None;
        let mut announced = None;
        let mut partial = None;
        let mut cite = None;
        let mut ops = Vec::new();
        let mut repeated = Vec::new();
        for c in p.into_inner() {
            let span = self.span(&c);
            match c.as_rule() {
                Rule::ident => set = Some(self.ident(c)),
                Rule::from_clause => set_once(&mut from, self.clause_expr(c), span, &mut repeated),
                Rule::announced_clause => {
                    partial = self.partial_mark(&c);
                    set_once(&mut announced, self.clause_number(c), span, &mut repeated);
                }
                Rule::cite_clause => {
                    set_once(&mut cite, Some(self.citation(c)), span, &mut repeated)
                }
                Rule::amend_op => {
                    let mut it = c.into_inner();
                    let action = match it.next().map(|k| k.as_rule()) {
                        Some(Rule::kw_remove) => AmendAction::Remove,
                        Some(Rule::kw_move) => AmendAction::Move,
                        _ => AmendAction::Add,
                    };
                    let members = it.next().map(|l| self.members(l)).unwrap_or_default();
                    let into = it
                        .find(|p| p.as_rule() == Rule::ident)
                        .map(|p| self.ident(p));
                    ops.push(AmendOp {
                        action,
                        members,
                        into,
                        span,
                    });
                }
                _ => {}
            }
        }
        match set {
            Some(set) => ItemKind::Amend(AmendDecl {
                set,
                from,
                announced,
                partial,
                cite,
                ops,
                repeated,
            }),
            None => ItemKind::Error,
        }
    }
}
