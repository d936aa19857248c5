//! Building expressions, with their nesting depth checked against the limit.

use super::*;

impl Builder {
    pub(super) fn expr(&mut self, p: P<'_>) -> Expr {
        let (e, _) = self.expr_d(p);
        e
    }

    /// Builds an expression and returns its depth, recording an error past the limit.
    pub(super) fn expr_d(&mut self, p: P<'_>) -> (Expr, usize) {
        let span = self.span(&p);
        let rule = p.as_rule();
        match rule {
            Rule::expr | Rule::paren if rule == Rule::expr => match p.into_inner().next() {
                Some(inner) => self.expr_d(inner),
                None => (error_expr(span), 1),
            },
            Rule::paren => match p.into_inner().next() {
                Some(inner) => {
                    let (e, d) = self.expr_d(inner);
                    self.check_depth(d + 1, span);
                    (
                        Expr {
                            kind: ExprKind::Paren(Box::new(e)),
                            span,
                        },
                        d + 1,
                    )
                }
                None => (error_expr(span), 1),
            },
            Rule::or_expr | Rule::and_expr | Rule::add_expr => {
                let mut it = p.into_inner();
                let Some(first) = it.next() else {
                    return (error_expr(span), 1);
                };
                let (mut acc, mut depth) = self.expr_d(first);
                while let Some(op) = it.next() {
                    let op = match op.as_rule() {
                        Rule::kw_or => BinOp::Or,
                        Rule::kw_and => BinOp::And,
                        _ if op.as_str() == "+" => BinOp::Add,
                        _ => BinOp::Sub,
                    };
                    let Some(rhs) = it.next() else { break };
                    let (rhs, d) = self.expr_d(rhs);
                    depth = depth.max(d) + 1;
                    let s = acc.span.cover(rhs.span);
                    self.check_depth(depth, s);
                    acc = Expr {
                        kind: ExprKind::Binary(op, Box::new(acc), Box::new(rhs)),
                        span: s,
                    };
                }
                (acc, depth)
            }
            Rule::not_expr => {
                let mut it = p.into_inner();
                match (it.next(), it.next()) {
                    (Some(_kw), Some(inner)) => {
                        let (e, d) = self.expr_d(inner);
                        self.check_depth(d + 1, span);
                        (
                            Expr {
                                kind: ExprKind::Not(Box::new(e)),
                                span,
                            },
                            d + 1,
                        )
                    }
                    (Some(inner), None) => self.expr_d(inner),
                    _ => (error_expr(span), 1),
                }
            }
            Rule::cmp_expr => {
                let mut it = p.into_inner();
                let Some(first) = it.next() else {
                    return (error_expr(span), 1);
                };
                let (lhs, d1) = self.expr_d(first);
                match (it.next(), it.next()) {
                    (Some(op), Some(rhs)) => {
                        let op = match op.as_str() {
                            "==" => BinOp::Eq,
                            "!=" => BinOp::Ne,
                            "<=" => BinOp::Le,
                            ">=" => BinOp::Ge,
                            "<" => BinOp::Lt,
                            ">" => BinOp::Gt,
                            "in" => BinOp::In,
                            _ => BinOp::NotIn,
                        };
                        let (rhs, d2) = self.expr_d(rhs);
                        let d = d1.max(d2) + 1;
                        self.check_depth(d, span);
                        (
                            Expr {
                                kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                                span,
                            },
                            d,
                        )
                    }
                    _ => (lhs, d1),
                }
            }
            Rule::range_expr => {
                let mut it = p.into_inner();
                let Some(first) = it.next() else {
                    return (error_expr(span), 1);
                };
                let (lo, d1) = self.expr_d(first);
                match it.next() {
                    Some(hi) => {
                        let (hi, d2) = self.expr_d(hi);
                        let d = d1.max(d2) + 1;
                        (
                            Expr {
                                kind: ExprKind::Range(Box::new(lo), Box::new(hi)),
                                span,
                            },
                            d,
                        )
                    }
                    None => (lo, d1),
                }
            }
            Rule::postfix => {
                let mut it = p.into_inner();
                let Some(first) = it.next() else {
                    return (error_expr(span), 1);
                };
                let (mut acc, mut depth) = self.expr_d(first);
                for step in it {
                    if step.as_rule() == Rule::index {
                        let s = acc.span.cover(self.span(&step));
                        let (key, d) = match step.into_inner().next() {
                            Some(k) => self.expr_d(k),
                            None => (error_expr(s), 1),
                        };
                        depth = depth.max(d) + 1;
                        self.check_depth(depth, s);
                        acc = Expr {
                            kind: ExprKind::Index(Box::new(acc), Box::new(key)),
                            span: s,
                        };
                        continue;
                    }
                    let f = self.ident(step);
                    let s = acc.span.cover(f.span);
                    depth += 1;
                    self.check_depth(depth, s);
                    acc = Expr {
                        kind: ExprKind::Field(Box::new(acc), f),
                        span: s,
                    };
                }
                (acc, depth)
            }
            Rule::record_lit => {
                let mut depth = 1;
                let mut fields = Vec::new();
                for f in p.into_inner() {
                    let fspan = self.span(&f);
                    let mut it = f.into_inner();
                    let name = it.next().map_or(
                        Ident {
                            name: String::new(),
                            span: fspan,
                        },
                        |n| self.ident(n),
                    );
                    let (value, d) = match it.next() {
                        Some(v) => self.expr_d(v),
                        None => (error_expr(fspan), 1),
                    };
                    depth = depth.max(d + 1);
                    fields.push(FieldInit { name, value });
                }
                self.check_depth(depth, span);
                (
                    Expr {
                        kind: ExprKind::Record(fields),
                        span,
                    },
                    depth,
                )
            }
            Rule::list_lit => {
                let mut depth = 1;
                let mut items = Vec::new();
                for item in p.into_inner() {
                    let (e, d) = self.expr_d(item);
                    depth = depth.max(d + 1);
                    items.push(e);
                }
                self.check_depth(depth, span);
                (
                    Expr {
                        kind: ExprKind::List(items),
                        span,
                    },
                    depth,
                )
            }
            Rule::ident => (
                Expr {
                    kind: ExprKind::Name(self.ident(p)),
                    span,
                },
                1,
            ),
            Rule::int => (
                Expr {
                    kind: ExprKind::Int(p.as_str().to_string()),
                    span,
                },
                1,
            ),
            Rule::string => {
                let raw = p.into_inner().next().map(|b| b.as_str()).unwrap_or("");
                if raw.len() > MAX_STRING_BYTES && self.long_string.is_none() {
                    self.long_string = Some(span);
                }
                (
                    Expr {
                        kind: ExprKind::Text(unescape(raw)),
                        span,
                    },
                    1,
                )
            }
            Rule::bool => {
                let v = p.as_str().starts_with("true");
                (
                    Expr {
                        kind: ExprKind::Bool(v),
                        span,
                    },
                    1,
                )
            }
            Rule::date => (
                Expr {
                    kind: ExprKind::Date(p.as_str().to_string()),
                    span,
                },
                1,
            ),
            Rule::datetime => (
                Expr {
                    kind: ExprKind::DateTime(p.as_str().to_string()),
                    span,
                },
                1,
            ),
            Rule::duration => {
                let text = p.as_str();
                let split = text
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(text.len());
                let unit = match &text[split..] {
                    "min" => DurationUnit::Minutes,
                    "h" => DurationUnit::Hours,
                    "d" => DurationUnit::Days,
                    "w" => DurationUnit::Weeks,
                    "mo" => DurationUnit::Months,
                    _ => DurationUnit::Years,
                };
                (
                    Expr {
                        kind: ExprKind::Duration(text[..split].to_string(), unit),
                        span,
                    },
                    1,
                )
            }
            _ => (error_expr(span), 1),
        }
    }

    pub(super) fn check_depth(&mut self, depth: usize, span: Span) {
        if depth > MAX_EXPR_DEPTH && self.depth_error.is_none() {
            self.depth_error = Some(span);
        }
    }
}
