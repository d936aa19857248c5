//! Building decisions, rules, named conditions and tests.

use super::*;

impl Builder {
    pub(super) fn decision(&mut self, p: P<'_>) -> ItemKind {
        let mut name = None;
        let mut params = Vec::new();
        let mut output = None;
        let mut as_of = None;
        let mut zone = None;
        let mut hit = None;
        let mut otherwise = None;
        let mut repeated = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => name = Some(self.ident(c)),
                Rule::param => {
                    let mut it = c.into_inner();
                    if let (Some(n), Some(t)) = (it.next(), it.next()) {
                        let name = self.ident(n);
                        let ty = self.type_ref(t);
                        params.push(Param { name, ty });
                    }
                }
                Rule::type_expr => output = Some(self.type_ref(c)),
                Rule::decision_body => {
                    for clause in c.into_inner() {
                        let span = self.span(&clause);
                        match clause.as_rule() {
                            Rule::as_of_clause => {
                                let e = self.clause_expr(clause);
                                set_once(&mut as_of, e, span, &mut repeated);
                            }
                            Rule::zone_clause => {
                                let e = self.clause_expr(clause);
                                set_once(&mut zone, e, span, &mut repeated);
                            }
                            Rule::hit_clause => {
                                let h = clause.into_inner().nth(1).map(|h| {
                                    let policy = match h.as_str() {
                                        "first" => HitPolicy::First,
                                        "priority" => HitPolicy::Priority,
                                        "collect" => HitPolicy::Collect,
                                        _ => HitPolicy::Unique,
                                    };
                                    (policy, self.span(&h))
                                });
                                set_once(&mut hit, h, span, &mut repeated);
                            }
                            Rule::otherwise_clause => {
                                let e = self.clause_expr(clause);
                                set_once(&mut otherwise, e, span, &mut repeated);
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        match (name, output) {
            (Some(name), Some(output)) => ItemKind::Decision(DecisionDecl {
                name,
                params,
                output,
                as_of,
                zone,
                hit,
                otherwise,
                repeated,
            }),
            _ => ItemKind::Error,
        }
    }

    pub(super) fn rule(&mut self, p: P<'_>) -> ItemKind {
        let mut idents = Vec::new();
        let mut r = RuleDecl {
            name: Ident {
                name: String::new(),
                span: Span::default(),
            },
            decision: Ident {
                name: String::new(),
                span: Span::default(),
            },
            from: None,
            until: None,
            ended_by: None,
            cite: None,
            priority: None,
            when: None,
            then: None,
            repeated: Vec::new(),
        };
        for c in p.into_inner() {
            let span = self.span(&c);
            match c.as_rule() {
                Rule::ident => idents.push(self.ident(c)),
                Rule::from_clause => {
                    let e = self.clause_expr(c);
                    set_once(&mut r.from, e, span, &mut r.repeated);
                }
                Rule::until_clause => {
                    r.ended_by = self.ended_by(&c);
                    let e = self.clause_expr(c);
                    set_once(&mut r.until, e, span, &mut r.repeated);
                }
                Rule::cite_clause => {
                    let e = Some(self.citation(c));
                    set_once(&mut r.cite, e, span, &mut r.repeated);
                }
                Rule::priority_clause => {
                    let e = self.clause_number(c);
                    set_once(&mut r.priority, e, span, &mut r.repeated);
                }
                Rule::when_clause => {
                    let e = self.clause_expr(c);
                    set_once(&mut r.when, e, span, &mut r.repeated);
                }
                Rule::then_clause => {
                    let e = self.clause_expr(c);
                    set_once(&mut r.then, e, span, &mut r.repeated);
                }
                _ => {}
            }
        }
        let mut idents = idents.into_iter();
        match (idents.next(), idents.next()) {
            (Some(name), Some(decision)) => {
                r.name = name;
                r.decision = decision;
                ItemKind::Rule(r)
            }
            _ => ItemKind::Error,
        }
    }

    pub(super) fn condition(&mut self, p: P<'_>) -> ItemKind {
        let mut idents = Vec::new();
        let mut when = None;
        let mut repeated = Vec::new();
        for c in p.into_inner() {
            let span = self.span(&c);
            match c.as_rule() {
                Rule::ident => idents.push(self.ident(c)),
                Rule::when_clause => {
                    let e = self.clause_expr(c);
                    set_once(&mut when, e, span, &mut repeated);
                }
                _ => {}
            }
        }
        let mut idents = idents.into_iter();
        match (idents.next(), idents.next()) {
            (Some(name), Some(decision)) => ItemKind::Condition(ConditionDecl {
                name,
                decision,
                when,
                repeated,
            }),
            _ => ItemKind::Error,
        }
    }

    /// `given v = { ... }`
    fn given(&mut self, c: P<'_>) -> Option<Given> {
        let span = self.span(&c);
        let mut param = None;
        let mut value = None;
        for g in c.into_inner() {
            match g.as_rule() {
                Rule::ident => param = Some(self.ident(g)),
                Rule::expr => value = Some(self.expr(g)),
                _ => {}
            }
        }
        Some(Given {
            param: param?,
            value: value?,
            span,
        })
    }

    pub(super) fn request(&mut self, p: P<'_>) -> ItemKind {
        let mut idents = Vec::new();
        let mut givens = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => idents.push(self.ident(c)),
                Rule::given_clause => givens.extend(self.given(c)),
                _ => {}
            }
        }
        let mut idents = idents.into_iter();
        match (idents.next(), idents.next()) {
            (Some(name), Some(decision)) => ItemKind::Request(RequestDecl {
                name,
                decision,
                givens,
            }),
            _ => ItemKind::Error,
        }
    }

    pub(super) fn test(&mut self, p: P<'_>) -> ItemKind {
        let mut idents = Vec::new();
        let mut base = None;
        let mut givens = Vec::new();
        let mut expects = Vec::new();
        let mut cases = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::ident => idents.push(self.ident(c)),
                Rule::given_clause => givens.extend(self.given(c)),
                Rule::given_base => {
                    base = c
                        .into_inner()
                        .find(|g| g.as_rule() == Rule::ident)
                        .map(|g| self.ident(g));
                }
                Rule::expect_clause => expects.extend(self.expect(c)),
                Rule::cases_clause => cases.push(self.cases(c)),
                _ => {}
            }
        }
        let mut idents = idents.into_iter();
        match (idents.next(), idents.next()) {
            (Some(name), Some(decision)) => ItemKind::Test(TestDecl {
                name,
                decision,
                base,
                givens,
                expects,
                cases,
            }),
            _ => ItemKind::Error,
        }
    }

    /// What an `expect` clause (or a case row after `=>`) expects.
    fn expect(&mut self, p: P<'_>) -> Option<Expect> {
        for e in p.into_inner() {
            match e.as_rule() {
                Rule::expect_rule => {
                    return e.into_inner().nth(1).map(|n| Expect::Rule(self.ident(n)));
                }
                Rule::expect_otherwise => return Some(Expect::Otherwise(self.span(&e))),
                Rule::expr => return Some(Expect::Outcome(self.expr(e))),
                _ => {}
            }
        }
        None
    }

    /// `cases (t.arrival, t.port) { .. => .. }`
    fn cases(&mut self, p: P<'_>) -> CaseTable {
        let span = self.span(&p);
        let mut columns = Vec::new();
        let mut rows = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::case_column => {
                    if let Some(path) = c.into_inner().next() {
                        columns.push(self.expr(path));
                    }
                }
                Rule::case_row => {
                    let row_span = self.span(&c);
                    let mut values = Vec::new();
                    let mut expect = None;
                    for part in c.into_inner() {
                        match part.as_rule() {
                            Rule::expr => values.push(self.expr(part)),
                            Rule::case_expect => expect = self.expect(part),
                            _ => {}
                        }
                    }
                    rows.push(CaseRow {
                        values,
                        expect: expect.unwrap_or(Expect::Otherwise(row_span)),
                        span: row_span,
                    });
                }
                _ => {}
            }
        }
        CaseTable {
            columns,
            rows,
            span,
        }
    }
}
