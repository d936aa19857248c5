//! Checks of tests: the request given, what is expected, and tables of cases.

use edict_grammar::{Expect, ExprKind, TestDecl};

use super::{Checker, Scope};
use crate::decls::DeclKind;
use crate::diagnostic::Code;
use crate::types::Ty;

impl Checker<'_> {
    pub(crate) fn test(&mut self, t: &TestDecl) {
        let mut facts = vec![format!("for: {}", t.decision.name)];
        let Some((mut scope, output, _)) = self.decision_scope(&t.decision.name) else {
            self.not_a_decision(&t.decision);
            return;
        };
        // A test states its request and its answer as they are: no dated value is read.
        scope.dated = false;
        let empty = Scope::default();
        for g in &t.givens {
            match scope.get(&g.param.name) {
                Some(ty) => {
                    let ty = ty.clone();
                    let place = format!("input `{}`", g.param.name);
                    self.check_against(&g.value, &empty, &ty, &place);
                }
                None => {
                    let names: Vec<String> = scope.params.iter().map(|(n, _)| n.clone()).collect();
                    let what = format!("input of `{}`", t.decision.name);
                    self.unknown_field(&g.param, &what, names.iter().map(String::as_str).collect());
                }
            }
        }
        for (name, _) in &scope.params {
            let count = t.givens.iter().filter(|g| g.param.name == *name).count();
            if count == 0 {
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
            for g in t.givens.iter().filter(|g| g.param.name == *name).skip(1) {
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
                                .map(crate::render::expr_text)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    self.emit(d);
                }
                for ((v, ty), c) in row.values.iter().zip(&columns).zip(&table.columns) {
                    let place = format!("the value of `{}`", crate::render::expr_text(c));
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
                format!("expect: {}", crate::render::expr_text(x))
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
