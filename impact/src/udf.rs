//! Edict's decisions as DataFusion functions: `decide('transit_entry', c1, c2, ...)` decides a
//! column of requests under the policy given, and `decide_as('old', 'transit_entry', ...)`
//! under a named version. The inputs are the decision's leaf inputs in declaration order
//! (`edict sql --inputs` lists them); the answer is a struct of its verdict, outcome fields,
//! rule, citation and the whole answer as JSON, with `error` set for a row that cannot be
//! decided. Each batch is decided by [`crate::decide::Decider`]: every distinct combination of
//! values once.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, StringBuilder, StructArray};
use datafusion::arrow::datatypes::{DataType, Field, Fields, Schema};
use datafusion::arrow::record_batch::{RecordBatch, RecordBatchOptions};
use datafusion::common::{exec_err, plan_err, Result, ScalarValue};
use datafusion::logical_expr::{
    ColumnarValue, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    Volatility,
};
use edict_runtime::diff::answer_side;
use edict_runtime::Engine;
use serde_json::Value as Json;

use crate::decide::Decider;
use crate::inputs::{leaves, Binding};

/// The policy versions a query may decide under, by name; `decide` uses `default`.
#[derive(Debug)]
pub struct Versions {
    pub default: String,
    pub engines: BTreeMap<String, Arc<Engine>>,
}

/// `decide` (the default version) or `decide_as` (a version named by the first argument).
#[derive(Debug)]
pub struct Decide {
    versions: Arc<Versions>,
    named: bool,
    signature: Signature,
}

impl PartialEq for Decide {
    fn eq(&self, other: &Self) -> bool {
        self.named == other.named && Arc::ptr_eq(&self.versions, &other.versions)
    }
}

impl Eq for Decide {}

impl Hash for Decide {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.named.hash(state);
        Arc::as_ptr(&self.versions).hash(state);
    }
}

/// The two functions over `versions`.
pub fn functions(versions: Arc<Versions>) -> [ScalarUDF; 2] {
    [false, true].map(|named| {
        ScalarUDF::new_from_impl(Decide {
            versions: Arc::clone(&versions),
            named,
            signature: Signature::variadic_any(Volatility::Immutable),
        })
    })
}

/// The fields of a decision's answer struct.
fn answer_fields(engine: &Engine, decision: u32) -> Fields {
    let outcome: Vec<Field> = engine
        .decision(decision)
        .and_then(|d| engine.artifact().records.get(d.output as usize))
        .map(|r| {
            r.fields
                .iter()
                .map(|(name, _)| Field::new(name, DataType::Utf8, true))
                .collect()
        })
        .unwrap_or_default();
    Fields::from(vec![
        Field::new("verdict", DataType::Utf8, false),
        Field::new("outcome", DataType::Struct(Fields::from(outcome)), true),
        Field::new("rule", DataType::Utf8, true),
        Field::new("citation", DataType::Utf8, true),
        Field::new("answer", DataType::Utf8, true),
        Field::new("error", DataType::Utf8, true),
    ])
}

fn literal(v: Option<&ScalarValue>) -> Option<String> {
    match v? {
        ScalarValue::Utf8(s) | ScalarValue::LargeUtf8(s) | ScalarValue::Utf8View(s) => s.clone(),
        _ => None,
    }
}

impl Decide {
    /// The engine and decision the leading literal arguments name, and how many there are.
    fn target(&self, literals: &[Option<String>]) -> Result<(Arc<Engine>, u32, usize)> {
        let fname = self.name();
        let (version, decision, skip) = if self.named {
            match (literals.first(), literals.get(1)) {
                (Some(Some(v)), Some(Some(d))) => (v.clone(), d.clone(), 2),
                _ => {
                    return plan_err!(
                        "{fname} takes a version and a decision as text first: \
                         {fname}('old', 'transit_entry', ...)"
                    )
                }
            }
        } else {
            match literals.first() {
                Some(Some(d)) => (self.versions.default.clone(), d.clone(), 1),
                _ => {
                    return plan_err!(
                    "{fname} takes a decision's name as text first: {fname}('transit_entry', ...)"
                )
                }
            }
        };
        let Some(engine) = self.versions.engines.get(&version) else {
            let known: Vec<&String> = self.versions.engines.keys().collect();
            return plan_err!("no policy version is named `{version}`; the versions are {known:?}");
        };
        let Some(id) = engine.decision_id(&decision) else {
            return plan_err!(
                "no decision is called `{decision}`; {}",
                engine.unknown_decision_hint(&decision)
            );
        };
        Ok((Arc::clone(engine), id, skip))
    }
}

/// The decision's inputs as the function takes them, for errors.
fn signature_text(fname: &str, engine: &Engine, decision: u32, named: bool) -> String {
    let name = engine.decision(decision).map_or("?", |d| d.name.as_str());
    let inputs: Vec<String> = leaves(engine, decision)
        .into_iter()
        .map(|l| l.path)
        .collect();
    let version = if named { "'VERSION', " } else { "" };
    format!("{fname}({version}'{name}', {})", inputs.join(", "))
}

impl ScalarUDFImpl for Decide {
    fn name(&self) -> &str {
        if self.named {
            "decide_as"
        } else {
            "decide"
        }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        plan_err!("{} needs its decision named by a literal", self.name())
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<Arc<Field>> {
        let literals: Vec<Option<String>> =
            args.scalar_arguments.iter().map(|a| literal(*a)).collect();
        let (engine, id, skip) = self.target(&literals)?;
        let want = leaves(&engine, id).len();
        let got = args.arg_fields.len().saturating_sub(skip);
        if got != want {
            return plan_err!(
                "{} gets {got} {}, but the decision takes {want}: {}",
                self.name(),
                if got == 1 { "input" } else { "inputs" },
                signature_text(self.name(), &engine, id, self.named)
            );
        }
        Ok(Arc::new(Field::new(
            self.name(),
            DataType::Struct(answer_fields(&engine, id)),
            false,
        )))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let literals: Vec<Option<String>> = args
            .args
            .iter()
            .map(|a| match a {
                ColumnarValue::Scalar(s) => literal(Some(s)),
                ColumnarValue::Array(_) => None,
            })
            .collect();
        let (engine, id, skip) = self.target(&literals)?;
        let n = args.number_rows;
        let leaves = leaves(&engine, id);
        let mut fields = Vec::new();
        let mut arrays: Vec<ArrayRef> = Vec::new();
        for (leaf, a) in leaves.iter().zip(args.args.iter().skip(skip)) {
            let array = a.to_array(n)?;
            fields.push(Field::new(&leaf.path, array.data_type().clone(), true));
            arrays.push(array);
        }
        let schema = Arc::new(Schema::new(fields));
        let batch = RecordBatch::try_new_with_options(
            Arc::clone(&schema),
            arrays,
            &RecordBatchOptions::new().with_row_count(Some(n)),
        )?;
        let binding = match Binding::new(&engine, id, &schema, &BTreeMap::new()) {
            Ok(b) => b,
            Err(e) => {
                return exec_err!(
                    "{e}; {} takes {}",
                    self.name(),
                    signature_text(self.name(), &engine, id, self.named)
                )
            }
        };
        let decided = Decider::new(&engine, id, binding).decide(&batch);
        Ok(ColumnarValue::Array(Arc::new(answers(
            &engine, id, &decided, n,
        )?)))
    }
}

/// The answer struct for every row, each distinct combination's answer written once.
fn answers(
    engine: &Engine,
    decision: u32,
    decided: &crate::decide::Decided,
    n: usize,
) -> Result<StructArray> {
    let fields = answer_fields(engine, decision);
    let DataType::Struct(outcome_fields) = fields[1].data_type().clone() else {
        return exec_err!("the outcome is not a struct");
    };
    // Per combination: verdict, outcome field texts, rule, citation, answer, error.
    struct Texts {
        verdict: String,
        outcome: Option<Vec<Option<String>>>,
        rule: Option<String>,
        citation: Option<String>,
        answer: Option<String>,
        error: Option<String>,
    }
    let texts: Vec<Texts> = decided
        .answers
        .iter()
        .map(|c| match c {
            Ok(answer) => {
                let json = engine.answer_json(answer);
                let side = answer_side(engine, answer);
                let outcome = json.get("outcome").and_then(Json::as_object).map(|o| {
                    outcome_fields
                        .iter()
                        .map(|f| match o.get(f.name()) {
                            None | Some(Json::Null) => None,
                            Some(Json::String(s)) => Some(s.clone()),
                            Some(other) => Some(other.to_string()),
                        })
                        .collect()
                });
                let (rule, citation) = match &side {
                    Some(s) if !s.rules.is_empty() => (
                        Some(s.rules.join(", ")),
                        Some(s.citations.join("; ")).filter(|c| !c.trim().is_empty()),
                    ),
                    _ => (None, None),
                };
                Texts {
                    verdict: side.map(|s| s.status).unwrap_or_default(),
                    outcome,
                    rule,
                    citation,
                    answer: Some(json.to_string()),
                    error: None,
                }
            }
            Err(e) => Texts {
                verdict: "error".into(),
                outcome: None,
                rule: None,
                citation: None,
                answer: None,
                error: Some(if e.input.is_empty() {
                    e.message.clone()
                } else {
                    format!("`{}`: {}", e.input, e.message)
                }),
            },
        })
        .collect();
    let column = |pick: &dyn Fn(&Texts) -> Option<&str>| -> ArrayRef {
        let mut b = StringBuilder::with_capacity(n, n * 8);
        for r in &decided.rows {
            b.append_option(texts.get(*r as usize).and_then(pick));
        }
        Arc::new(b.finish())
    };
    let mut outcome_columns: Vec<ArrayRef> = Vec::new();
    for (i, _) in outcome_fields.iter().enumerate() {
        outcome_columns.push(column(&|t: &Texts| {
            t.outcome
                .as_ref()
                .and_then(|o| o.get(i))
                .and_then(|v| v.as_deref())
        }));
    }
    let mut valid = Vec::with_capacity(n);
    for r in &decided.rows {
        valid.push(texts.get(*r as usize).is_some_and(|t| t.outcome.is_some()));
    }
    let outcome =
        StructArray::try_new(outcome_fields.clone(), outcome_columns, Some(valid.into()))?;
    let arrays: Vec<ArrayRef> = vec![
        column(&|t: &Texts| Some(t.verdict.as_str())),
        Arc::new(outcome),
        column(&|t: &Texts| t.rule.as_deref()),
        column(&|t: &Texts| t.citation.as_deref()),
        column(&|t: &Texts| t.answer.as_deref()),
        column(&|t: &Texts| t.error.as_deref()),
    ];
    let out = StructArray::try_new(fields, arrays, None)?;
    debug_assert_eq!(out.len(), n);
    Ok(out)
}
