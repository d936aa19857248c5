//! Checks of the policy's `test` and `request` items: the request given, what is expected, and
//! tables of cases.

use edict_grammar::{Expect, ExprKind, Given, ItemKind, RequestDecl, TestDecl};

use super::{Checker, Scope};
use crate::decls::DeclKind;
use crate::diagnostic::Code;
use crate::types::Ty;

impl Checker<'_> {
    /// `request NAME for DECISION { given ... }`: inputs checked as a test's are; it may give
    /// only some of them (the tests that start from it give the others).
    pub(crate) fn request(&mut self, r: &RequestDecl) {
        let Some((scope, _, _)) = self.decision_scope(&r.decision.name) else {
            self.not_a_decision(&r.decision);
            return;
        };
        self.givens(&r.givens, &scope, &r.decision.name, &[]);
        self.repeated_givens(&r.givens, &scope);
        self.fact(
            "request",
            &r.name.name,
            vec![format!("for: {}", r.decision.name)],
        );
    }

    /// The request a test starts from (`given NAME`): a request of the same decision, and the
    /// inputs it gives; `Err` when it is no such request (reported here).
    fn base_request(&mut self, t: &TestDecl) -> Result<Vec<String>, ()> {
        let Some(b) = &t.base else {
            return Ok(Vec::new());
        };
        match self.index.kind(&b.name) {
            Some(DeclKind::Request { decision }) if *decision == t.decision.name => {
                let Some(def) = self.index.get(&b.name) else {
                    return Err(());
                };
                let parsed = crate::syntax::parse_file(self.db, def.file);
                match parsed.items.get(def.decl.item as usize).map(|i| &i.kind) {
                    Some(ItemKind::Request(r)) => {
                        Ok(r.givens.iter().map(|g| g.param.name.clone()).collect())
                    }
                    _ => Err(()),
                }
            }
            Some(DeclKind::Request { decision }) => {
                let d = self
                    .diag(
                        Code::E0111,
                        b.span,
                        format!(
                            "request `{}` is for `{decision}`, not `{}`",
                            b.name, t.decision.name
                        ),
                    )
                    .label("a request of another decision")
                    .help(format!(
                        "start from a request of `{}`, or write its inputs here",
                        t.decision.name
                    ));
                self.emit(d);
                Err(())
            }
            Some(other) => {
                let d = self
                    .diag(
                        Code::E0104,
                        b.span,
                        format!("`{}` is {}, not a request", b.name, other.with_article()),
                    )
                    .label("a test starts from a request")
                    .help("declare it with `request NAME for DECISION { given ... }`");
                self.emit(d);
                Err(())
            }
            None => {
                let names = self.names_where(|k| matches!(k, DeclKind::Request { .. }));
                self.unknown(b, "request", names);
                Err(())
            }
        }
    }

    /// The `given` clauses of a test or request: each an input of the decision, of its type; a
    /// record given where `base` (the request a test starts from) gives it too may name only
    /// the fields it changes.
    fn givens(&mut self, givens: &[Given], scope: &Scope, decision: &str, base: &[String]) {
        let empty = Scope::default();
        for g in givens {
            match scope.get(&g.param.name) {
                Some(ty) => {
                    let ty = ty.clone();
                    let place = format!("input `{}`", g.param.name);
                    match (&g.value.kind, ty.strip_optional()) {
                        (ExprKind::Record(fields), Ty::Record(name))
                            if base.contains(&g.param.name) =>
                        {
                            let name = name.clone();
                            self.record_literal(fields, g.value.span, &name, &empty, true);
                        }
                        _ => self.check_against(&g.value, &empty, &ty, &place),
                    }
                }
                None => {
                    let names: Vec<String> = scope.params.iter().map(|(n, _)| n.clone()).collect();
                    let what = format!("input of `{decision}`");
                    self.unknown_field(&g.param, &what, names.iter().map(String::as_str).collect());
                }
            }
        }
    }

    /// E0106 for an input given twice.
    fn repeated_givens(&mut self, givens: &[Given], scope: &Scope) {
        for (name, _) in &scope.params {
            for g in givens.iter().filter(|g| g.param.name == *name).skip(1) {
                let d = self
                    .diag(
                        Code::E0106,
                        g.span,
                        format!("input `{name}` is given twice"),
                    )
                    .label("given again here");
                self.emit(d);
            }
        }
    }

    pub(crate) fn test(&mut self, t: &TestDecl) {
        let mut facts = vec![format!("for: {}", t.decision.name)];
        let Some((mut scope, output, _)) = self.decision_scope(&t.decision.name) else {
            self.not_a_decision(&t.decision);
            return;
        };
        // A test states its request and its answer as they are: no dated value is read.
        scope.dated = false;
        let empty = Scope::default();
        // A request that cannot be read is the one error: its inputs count as given.
        let base = self
            .base_request(t)
            .unwrap_or_else(|()| scope.params.iter().map(|(n, _)| n.clone()).collect());
        self.givens(&t.givens, &scope, &t.decision.name, &base);
        self.repeated_givens(&t.givens, &scope);
        for (name, _) in &scope.params {
            let count = t.givens.iter().filter(|g| g.param.name == *name).count();
            if count == 0 && !base.contains(name) {
                let d = self
                    .diag(
                        Code::E0105,
                        t.name.span,
                        format!("test `{}` gives no value for input `{name}`", t.name.name),
                    )
                    .label("incomplete test")
                    .help(format!("add `given {name} = {{ ... }}`"));
                self.emit(d);
            }
        }
        let rows: usize = t.cases.iter().map(|c| c.rows.len()).sum();
        if t.expects.is_empty() && rows == 0 {
            let d = self
                .diag(
                    Code::E0107,
                    t.name.span,
                    format!("test `{}` expects nothing", t.name.name),
                )
                .label("a test needs at least one `expect`")
                .help("add `expect { field: value }`, `expect rule <name>` or `expect otherwise`");
            self.emit(d);
        }
        for e in &t.expects {
            facts.push(self.expect(e, &output, &t.decision.name));
        }
        for table in &t.cases {
            let columns: Vec<Ty> = table
                .columns
                .iter()
                .map(|c| self.case_column(c, &scope))
                .collect();
            for row in &table.rows {
                if row.values.len() != columns.len() {
                    let d = self
                        .diag(
                            Code::E0105,
                            row.span,
                            format!(
                                "this case gives {} value{} for {} input{}",
                                row.values.len(),
                                if row.values.len() == 1 { "" } else { "s" },
                                columns.len(),
                                if columns.len() == 1 { "" } else { "s" }
                            ),
                        )
                        .label("one value per input of the table")
                        .help(format!(
                            "the table sets ({}), in that order",
                            table
                                .columns
                                .iter()
                                .map(ToString::to_string)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    self.emit(d);
                }
                for ((v, ty), c) in row.values.iter().zip(&columns).zip(&table.columns) {
                    let place = format!("the value of `{}`", c);
                    self.check_against(v, &empty, ty, &place);
                }
                self.expect(&row.expect, &output, &t.decision.name);
            }
            facts.push(format!("cases: {}", table.rows.len()));
        }
        self.fact("test", &t.name.name, facts);
    }

    /// A column of a table of cases: an input of the decision, or a field inside one.
    fn case_column(&mut self, c: &edict_grammar::Expr, scope: &Scope) -> Ty {
        fn root(e: &edict_grammar::Expr) -> Option<&edict_grammar::Ident> {
            match &e.kind {
                ExprKind::Name(n) => Some(n),
                ExprKind::Field(base, _) | ExprKind::Paren(base) => root(base),
                _ => None,
            }
        }
        if root(c).is_none_or(|n| scope.get(&n.name).is_none()) {
            let d = self
                .diag(
                    Code::E0208,
                    c.span,
                    "a table of cases sets inputs of the decision",
                )
                .label("not an input")
                .help(format!(
                    "name an input or a field of one, such as `{}`",
                    scope
                        .params
                        .first()
                        .map_or("t.arrival".to_string(), |(p, _)| format!("{p}.field"))
                ));
            self.emit(d);
            return Ty::Error;
        }
        self.infer(c, scope, None)
    }

    /// Checks one expectation; returns its fact for the checked model.
    fn expect(&mut self, e: &Expect, output: &Ty, decision: &str) -> String {
        let empty = Scope::default();
        match e {
            Expect::Outcome(x) => {
                match (&x.kind, output) {
                    (ExprKind::Record(fields), Ty::Record(name)) => {
                        let name = name.clone();
                        self.record_literal(fields, x.span, &name, &empty, true);
                    }
                    (_, Ty::Error) => {}
                    _ => self.check_against(x, &empty, output, "the expected outcome"),
                }
                format!("expect: {}", x)
            }
            Expect::Rule(r) => {
                match self.index.kind(&r.name) {
                    Some(DeclKind::Rule { decision: of }) if of == decision => {}
                    Some(DeclKind::Rule { decision: of }) => {
                        let d = self
                            .diag(
                                Code::E0111,
                                r.span,
                                format!(
                                    "rule `{}` belongs to decision `{of}`, not `{decision}`",
                                    r.name
                                ),
                            )
                            .label("this rule can never answer this test");
                        self.emit(d);
                    }
                    _ => {
                        let dec = decision.to_string();
                        let names = self.names_where(
                            |k| matches!(k, DeclKind::Rule { decision } if *decision == dec),
                        );
                        self.unknown(r, "rule", names);
                    }
                }
                format!("expect rule: {}", r.name)
            }
            Expect::Otherwise(_) => "expect: otherwise".to_string(),
        }
    }
}
