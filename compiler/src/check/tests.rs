//! Checks of tests: the request given, what is expected, and tables of cases.

#![allow(unused_imports)]
use edict_grammar::{
    Citation, EntityDecl, Expect, Expr, ExprKind, HitPolicy, Item, ItemKind, Number, RuleDecl,
    Span, TestDecl,
};
use jiff::civil::Date;

use super::{Checker, Scope};
use crate::decls::DeclKind;
use crate::diagnostic::Code;
use crate::time::parse_date;
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
        if t.expects.is_empty() {
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
            match e {
                Expect::Outcome(x) => match (&x.kind, &output) {
                    (ExprKind::Record(fields), Ty::Record(name)) => {
                        let name = name.clone();
                        self.record_literal(fields, x.span, &name, &empty, true);
                        facts.push(format!("expect: {}", crate::render::expr_text(x)));
                    }
                    (_, Ty::Error) => {}
                    _ => self.check_against(x, &empty, &output, "the expected outcome"),
                },
                Expect::Rule(r) => {
                    match self.index.kind(&r.name) {
                        Some(DeclKind::Rule { decision }) if *decision == t.decision.name => {}
                        Some(DeclKind::Rule { decision }) => {
                            let d = self
                                .diag(
                                    Code::E0111,
                                    r.span,
                                    format!(
                                        "rule `{}` belongs to decision `{decision}`, not `{}`",
                                        r.name, t.decision.name
                                    ),
                                )
                                .label("this rule can never answer this test");
                            self.emit(d);
                        }
                        _ => {
                            let dec = t.decision.name.clone();
                            let names = self.names_where(
                                |k| matches!(k, DeclKind::Rule { decision } if *decision == dec),
                            );
                            self.unknown(r, "rule", names);
                        }
                    }
                    facts.push(format!("expect rule: {}", r.name));
                }
                Expect::Otherwise(_) => facts.push("expect: otherwise".to_string()),
            }
        }
        self.fact("test", &t.name.name, facts);
    }
}
