//! The scaling family: testkit's generated workspaces with every rule in one decision, so that
//! a decision over N rules really scans N rules, and requests that come near the rules.
//!
//! Each generated rule tests a nationality against a country set, the port against a port set
//! that is amended on a date and against a region (up the port → city → province → region
//! hierarchy), the destination against the origin, and the stay against a limit in hours; it
//! is in force from a date. The decision is `hit first`.

use edict_compiler::Analysis;
use edict_runtime::artifact::{Artifact, Column, DecisionTable, NumExpr, Test};
use edict_runtime::Value;
use edict_testkit::random::random_inputs;
use edict_testkit::{generate, Rng, Shape};

/// The decision every rule of the family belongs to.
pub const DECISION: &str = "decision_0";

/// The sizes the scaling benchmarks run.
pub const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];

/// The shape of the family with `rules` rules: testkit's shape, in one decision.
pub fn shape(rules: usize) -> Shape {
    Shape {
        decisions: 1,
        ..Shape::with_rules(rules)
    }
}

/// The generated files of the family.
pub fn files(rules: usize) -> Vec<(String, String)> {
    generate(&shape(rules))
}

/// The family with `rules` rules, loaded into an analysis.
pub fn analysis(rules: usize) -> Analysis {
    let mut analysis = Analysis::default();
    for (name, text) in files(rules) {
        analysis.set_file(&name, text);
    }
    analysis
}

/// `n` requests, deterministic: half are random, half are built to satisfy one random row's
/// set and limit conditions (the port's region, the destination and the rule's date still
/// vary), so that rules match as well as fail.
pub fn requests(a: &Artifact, d: &DecisionTable, n: usize, seed: u64) -> Vec<Vec<Value>> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            let mut inputs = random_inputs(a, d, &mut rng);
            if rng.below(2) == 0 && !d.rows.is_empty() {
                let row = &d.rows[rng.below(d.rows.len())];
                for atom in &row.atoms {
                    let Some(col) = d.columns.get(atom.column as usize) else {
                        continue;
                    };
                    near(a, col, &atom.test, &mut inputs, &mut rng);
                }
            }
            inputs
        })
        .collect()
}

/// Changes the inputs so that the column passes the test (for set membership and limits).
fn near(a: &Artifact, col: &Column, test: &Test, inputs: &mut [Value], rng: &mut Rng) {
    match (col, test) {
        (Column::Category { path, .. }, Test::Member { set, negate: false }) => {
            let Some(s) = a.sets.get(*set as usize) else {
                return;
            };
            let Some(slice) = s.slices.get(rng.below(s.slices.len())) else {
                return;
            };
            if slice.members.is_empty() {
                return;
            }
            let member = slice.members[rng.below(slice.members.len())];
            if let Some(Value::Entity(_, e)) = field_mut(inputs, path) {
                *e = member;
            }
        }
        (
            Column::Number {
                expr: NumExpr::Sub(a_expr, b_expr),
                ..
            },
            Test::Interval { hi: Some(hi), .. },
        ) => {
            if let (NumExpr::Path(later), NumExpr::Path(earlier)) =
                (a_expr.as_ref(), b_expr.as_ref())
            {
                let Some(Value::DateTime(start)) = field_mut(inputs, earlier).cloned() else {
                    return;
                };
                let span = (*hi).max(60) * 6 / 5;
                let stay = (rng.below((span / 60) as usize) as i64) * 60;
                if let Some(v) = field_mut(inputs, later) {
                    *v = Value::DateTime(start + stay);
                }
            }
        }
        _ => {}
    }
}

fn field_mut<'v>(
    inputs: &'v mut [Value],
    path: &edict_runtime::artifact::Path,
) -> Option<&'v mut Value> {
    let mut v = inputs.get_mut(path.param as usize)?;
    for &f in &path.fields {
        v = match v {
            Value::Record(fields) => fields.get_mut(f as usize)?,
            _ => return None,
        };
    }
    Some(v)
}
