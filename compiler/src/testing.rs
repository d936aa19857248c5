//! Running the `test` blocks of a workspace against its compiled tables.

use edict_grammar::{Expect, ExprKind};
use edict_runtime::{Engine, Value, Verdict};
use serde::Serialize;

use crate::lower::Lowerer;
use crate::types::Ty;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TestResult {
    pub name: String,
    pub decision: String,
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// Empty when the test passed: otherwise one line per unmet expectation.
    pub failures: Vec<Failure>,
    /// The rows of its tables of cases, each checked besides its own expectations.
    pub cases: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub what: String,
    pub expected: String,
    pub actual: String,
}

impl TestResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Runs every test of the workspace. The engine must be built from the same workspace.
pub fn run_tests(lw: &Lowerer<'_>, engine: &Engine) -> Vec<TestResult> {
    let mut out = Vec::new();
    for (file, t) in lw.tests() {
        let loc = lw.location(file, t.name.span);
        let mut result = TestResult {
            name: t.name.name.clone(),
            decision: t.decision.name.clone(),
            file: loc.file,
            line: loc.line,
            column: loc.column,
            failures: Vec::new(),
            cases: t.cases.iter().map(|c| c.rows.len()).sum(),
        };
        let fail = |what: &str, expected: String, actual: String| Failure {
            what: what.into(),
            expected,
            actual,
        };
        let Some(id) = engine.decision_id(&t.decision.name) else {
            result.failures.push(fail(
                "decision",
                t.decision.name.clone(),
                "no such decision".into(),
            ));
            out.push(result);
            continue;
        };
        let Some(table) = engine.decision(id) else {
            continue;
        };
        let params = decision_params(lw, &t.decision.name);
        let base = t.base.as_ref().and_then(|b| request_givens(lw, &b.name));
        let mut inputs = Vec::new();
        for (name, ty) in &params {
            let v = base
                .iter()
                .flatten()
                .find(|g| g.param.name == *name)
                .and_then(|g| lw.constant(&g.value, ty));
            inputs.push(v.unwrap_or(Value::Absent));
        }
        // The test's own `given`s: a whole input, or the fields of one the request gives.
        for g in &t.givens {
            let from_base = base.iter().flatten().any(|b| b.param.name == g.param.name);
            match &g.value.kind {
                ExprKind::Record(fields) if from_base => {
                    for f in fields {
                        let path = edict_grammar::Expr {
                            kind: ExprKind::Field(
                                Box::new(edict_grammar::Expr {
                                    kind: ExprKind::Name(g.param.clone()),
                                    span: g.param.span,
                                }),
                                f.name.clone(),
                            ),
                            span: f.name.span,
                        };
                        set_input(lw, &params, &mut inputs, &path, &f.value);
                    }
                }
                _ => {
                    if let Some(i) = params.iter().position(|(n, _)| *n == g.param.name) {
                        inputs[i] = lw.constant(&g.value, &params[i].1).unwrap_or(Value::Absent);
                    }
                }
            }
        }
        result
            .failures
            .extend(check(lw, engine, id, table, &inputs, &t.expects, ""));
        for case_table in &t.cases {
            for row in &case_table.rows {
                let line = lw.location(file, row.span).line;
                let mut case_inputs = inputs.clone();
                for (column, value) in case_table.columns.iter().zip(&row.values) {
                    set_input(lw, &params, &mut case_inputs, column, value);
                }
                let prefix = format!("case on line {line}: ");
                result.failures.extend(check(
                    lw,
                    engine,
                    id,
                    table,
                    &case_inputs,
                    std::slice::from_ref(&row.expect),
                    &prefix,
                ));
            }
        }
        out.push(result);
    }
    out
}

/// The expectations `expects` has of the answer to `inputs`, unmet; `prefix` starts each
/// failure's `what` (the case of a table).
fn check(
    lw: &Lowerer<'_>,
    engine: &Engine,
    id: u32,
    table: &edict_runtime::artifact::DecisionTable,
    inputs: &[Value],
    expects: &[Expect],
    prefix: &str,
) -> Vec<Failure> {
    let mut failures = Vec::new();
    let fail = |what: &str, expected: String, actual: String| Failure {
        what: format!("{prefix}{what}"),
        expected,
        actual,
    };
    let answer = match engine.decide(id, inputs) {
        Ok(a) => a,
        Err(e) => {
            failures.push(fail("evaluation", "an answer".into(), e.to_string()));
            return failures;
        }
    };
    let outcome = match &answer.verdict {
        Verdict::Rule(r) => table.rules.get(*r as usize).map(|r| r.outcome.clone()),
        Verdict::Otherwise => table.otherwise.clone(),
        _ => None,
    };
    let verdict_text = match &answer.verdict {
        Verdict::Rule(r) => format!(
            "rule {}",
            table
                .rules
                .get(*r as usize)
                .map_or("?", |r| r.name.as_str())
        ),
        Verdict::Otherwise => "otherwise".into(),
        Verdict::NoMatch => "no rule applies".into(),
        Verdict::Collect(rs) => format!("{} rules collected", rs.len()),
        Verdict::Conflict(rs) => {
            let names: Vec<&str> = rs
                .iter()
                .filter_map(|r| table.rules.get(*r as usize))
                .map(|r| r.name.as_str())
                .collect();
            format!("conflict between {}", names.join(", "))
        }
    };
    let output_name = lw
        .names
        .records
        .get(table.output as usize)
        .cloned()
        .unwrap_or_default();
    let fields = lw.fields(&output_name);
    for e in expects {
        match e {
            Expect::Rule(r) => {
                if verdict_text != format!("rule {}", r.name) {
                    failures.push(fail(
                        "rule",
                        format!("rule {}", r.name),
                        verdict_text.clone(),
                    ));
                }
            }
            Expect::Otherwise(_) => {
                if answer.verdict != Verdict::Otherwise {
                    failures.push(fail("rule", "otherwise".into(), verdict_text.clone()));
                }
            }
            Expect::Outcome(x) => {
                let ExprKind::Record(expected) = &x.kind else {
                    continue;
                };
                for f in expected {
                    let Some(i) = fields.iter().position(|(n, _)| *n == f.name.name) else {
                        continue;
                    };
                    let want = lw.constant(&f.value, &fields[i].1);
                    let got = match &outcome {
                        Some(Value::Record(vs)) => vs.get(i).cloned(),
                        _ => None,
                    };
                    if want.is_none() || want != got {
                        let actual = match &got {
                            Some(v) => show(engine, v),
                            None => format!("no outcome ({verdict_text})"),
                        };
                        failures.push(fail(&f.name.name, f.value.to_string(), actual));
                    }
                }
            }
        }
    }
    failures
}

/// Sets the input at `path` (`t.arrival`, `t.passport.expiry`) to `value`.
/// The `given`s of the request named `name`.
fn request_givens(lw: &Lowerer<'_>, name: &str) -> Option<Vec<edict_grammar::Given>> {
    let def = lw.index.get(name)?;
    let parsed = crate::syntax::parse_file(lw.db, def.file);
    match &parsed.items.get(def.decl.item as usize)?.kind {
        edict_grammar::ItemKind::Request(r) => Some(r.givens.clone()),
        _ => None,
    }
}

fn set_input(
    lw: &Lowerer<'_>,
    params: &[(String, Ty)],
    inputs: &mut [Value],
    path: &edict_grammar::Expr,
    value: &edict_grammar::Expr,
) {
    fn steps(e: &edict_grammar::Expr, out: &mut Vec<String>) -> Option<String> {
        match &e.kind {
            ExprKind::Name(n) => Some(n.name.clone()),
            ExprKind::Paren(inner) => steps(inner, out),
            ExprKind::Field(base, f) => {
                let root = steps(base, out)?;
                out.push(f.name.clone());
                Some(root)
            }
            _ => None,
        }
    }
    let mut fields = Vec::new();
    let Some(root) = steps(path, &mut fields) else {
        return;
    };
    let Some(p) = params.iter().position(|(n, _)| *n == root) else {
        return;
    };
    let mut ty = params[p].1.clone();
    let mut slot = &mut inputs[p];
    for f in &fields {
        let name = match ty.strip_optional() {
            Ty::Record(n) | Ty::Entity(n) => n.clone(),
            _ => return,
        };
        let declared = lw.fields(&name);
        let Some(i) = declared.iter().position(|(n, _)| n == f) else {
            return;
        };
        ty = declared[i].1.clone();
        let Value::Record(values) = slot else {
            return;
        };
        let Some(next) = values.get_mut(i) else {
            return;
        };
        slot = next;
    }
    *slot = lw.constant(value, &ty).unwrap_or(Value::Absent);
}

fn show(engine: &Engine, v: &Value) -> String {
    match engine.value_json(v) {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    }
}

/// The inputs of a decision with their types.
pub fn decision_params(lw: &Lowerer<'_>, decision: &str) -> Vec<(String, Ty)> {
    for (_, parsed) in lw.items() {
        for item in &parsed.items {
            if let edict_grammar::ItemKind::Decision(d) = &item.kind {
                if d.name.name == decision {
                    return d
                        .params
                        .iter()
                        .map(|p| (p.name.name.clone(), lw.resolve_ty(&p.ty)))
                        .collect();
                }
            }
        }
    }
    Vec::new()
}
