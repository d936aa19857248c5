//! Edict's decisions in Rego, evaluated by regorus: the catalogue and the sets of a compiled
//! artifact as Rego data (`data.catalogue`, read by `benches/policies/sets.rego`), requests as
//! Rego input, and a translation of generated decision tables into Rego rules (the shipped
//! transit decision has a hand-written policy instead, `benches/policies/transit.rego`).

use std::collections::HashMap;

use edict_runtime::artifact::{Artifact, Column, DecisionTable, Domain, NumExpr, Path, Test};
use edict_runtime::value::format_date;
use edict_runtime::{TypeDesc, Value};
use serde_json::{json, Map, Value as Json};

use crate::transit::record_fields;

/// Before and after every date: the bounds of a set version that has none.
const BEGINNING: i64 = -(1 << 52);
const END: i64 = 1 << 52;

/// `data.catalogue`: every set's versions and every entity's lineage.
pub fn data(a: &Artifact) -> Result<Json, String> {
    let types = &a.catalogue.entity_types;
    let mut sets = Map::new();
    for set in &a.sets {
        let Domain::Entity(t) = set.domain else {
            continue;
        };
        let ty = types.get(t as usize).ok_or("bad set domain")?;
        let mut versions = Vec::new();
        for (i, slice) in set.slices.iter().enumerate() {
            let from = slice.from.map_or(BEGINNING, |d| d * 86_400);
            let until = set
                .slices
                .get(i + 1)
                .and_then(|n| n.from)
                .map_or(END, |d| d * 86_400);
            let mut members = Map::new();
            for &m in &slice.members {
                let e = ty.entities.get(m as usize).ok_or("bad member")?;
                members.insert(e.name.clone(), Json::Bool(true));
            }
            versions.push(json!({ "from": from, "until": until, "members": members }));
        }
        sets.insert(set.name.clone(), Json::Array(versions));
    }
    let mut lineage = Map::new();
    for ty in types {
        for entity in &ty.entities {
            let mut places = Map::new();
            places.insert(entity.name.clone(), Json::Bool(true));
            let (mut t, mut e) = (ty, entity);
            while let (Some(pt), Some(pe)) = (t.parent_type, e.parent) {
                t = types.get(pt as usize).ok_or("bad parent type")?;
                e = t.entities.get(pe as usize).ok_or("bad parent")?;
                places.insert(e.name.clone(), Json::Bool(true));
                if places.len() > 64 {
                    return Err("the hierarchy has a cycle".into());
                }
            }
            if lineage
                .insert(entity.name.clone(), Json::Object(places))
                .is_some()
            {
                return Err(format!("two entities are called `{}`", entity.name));
            }
        }
    }
    Ok(json!({ "catalogue": { "sets": sets, "lineage": lineage } }))
}

/// The Rego input of one Edict request.
pub fn input(a: &Artifact, d: &DecisionTable, inputs: &[Value]) -> Result<regorus::Value, String> {
    let fields = record_fields(a, d)?;
    let [Value::Record(values)] = inputs else {
        return Err("the inputs are not one record".into());
    };
    let mut obj = Map::new();
    for ((name, _), v) in fields.iter().zip(values) {
        let j = match v {
            Value::Absent => continue,
            Value::Entity(t, e) => Json::String(crate::transit::entity_names(a, *t, *e)?.1.into()),
            Value::DateTime(s) => json!(s),
            Value::Date(day) => json!(day * 86_400),
            Value::Bool(b) => json!(b),
            Value::Int(n) => json!(n),
            other => return Err(format!("no Rego form for {other:?}")),
        };
        obj.insert(name.clone(), j);
    }
    regorus::Value::from_json_str(&Json::Object(obj).to_string()).map_err(|e| e.to_string())
}

/// What the evaluated rule returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// A decision object whose `status` is this text when a rule decided.
    Status(&'static str, u32),
    /// The set of names of the matching rules.
    Matches,
}

/// A regorus engine loaded with a policy and the catalogue, ready to answer one decision.
pub struct RegoDecision {
    engine: regorus::Engine,
    rule: String,
    output: Output,
    rules: HashMap<String, u32>,
}

impl RegoDecision {
    /// `modules` are (file name, text); `rule` is the path evaluated, such as
    /// `data.edict.transit.decision`.
    pub fn new(
        a: &Artifact,
        d: &DecisionTable,
        modules: &[(&str, String)],
        rule: &str,
        output: Output,
    ) -> Result<RegoDecision, String> {
        let mut engine = regorus::Engine::new();
        for (name, text) in modules {
            engine
                .add_policy((*name).to_string(), text.clone())
                .map_err(|e| e.to_string())?;
        }
        let data =
            regorus::Value::from_json_str(&data(a)?.to_string()).map_err(|e| e.to_string())?;
        engine.add_data(data).map_err(|e| e.to_string())?;
        let rules = d
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.name.clone(), i as u32))
            .collect();
        Ok(RegoDecision {
            engine,
            rule: rule.to_string(),
            output,
            rules,
        })
    }

    /// Evaluates the rule for an input.
    pub fn eval(&mut self, input: &regorus::Value) -> Result<regorus::Value, String> {
        self.engine.set_input(input.clone());
        self.engine
            .eval_rule(self.rule.clone())
            .map_err(|e| e.to_string())
    }

    /// Evaluates an input: the matching rules, in rule order.
    pub fn decide(&mut self, input: &regorus::Value) -> Result<Vec<u32>, String> {
        let v = self.eval(input)?;
        match self.output {
            Output::Status(status, rule) => {
                let s = v["status"].as_string().map_err(|e| e.to_string())?;
                Ok(if s.as_ref() == status {
                    vec![rule]
                } else {
                    vec![]
                })
            }
            Output::Matches => {
                let set = match &v {
                    regorus::Value::Undefined => return Ok(Vec::new()),
                    v => v.as_set().map_err(|e| e.to_string())?,
                };
                let mut out = Vec::new();
                for name in set.iter() {
                    let name = name.as_string().map_err(|e| e.to_string())?;
                    out.push(
                        *self
                            .rules
                            .get(name.as_ref())
                            .ok_or_else(|| format!("`{name}` is no rule"))?,
                    );
                }
                out.sort_unstable();
                Ok(out)
            }
        }
    }
}

/// The package a translated decision is in.
pub fn package(d: &DecisionTable) -> String {
    format!("edict.generated.{}", d.name)
}

/// Rows per generated module: regorus refuses policy files over 1 MiB.
const ROWS_PER_MODULE: usize = 1_000;

/// Translates a generated decision table into Rego modules of one package whose `matches` is
/// the set of the names of the rules that match (the same subset as
/// [`crate::cedar::translate`]); split into several modules when large.
pub fn translate(a: &Artifact, d: &DecisionTable) -> Result<Vec<String>, String> {
    let fields = record_fields(a, d)?;
    if fields
        .iter()
        .any(|(_, t)| matches!(t, TypeDesc::Optional(_)))
    {
        return Err("optional inputs are not translated".into());
    }
    let at = field(fields, &d.as_of)?;
    let header = format!(
        "# Generated from the compiled Edict decision `{}`: `matches` holds the names of the\n# rules that match.\npackage {}\n\nimport data.edict.sets\nimport rego.v1\n",
        d.name,
        package(d)
    );
    let mut modules = Vec::new();
    let mut out = header.clone();
    for (i, row) in d.rows.iter().enumerate() {
        if i > 0 && i % ROWS_PER_MODULE == 0 {
            modules.push(std::mem::replace(&mut out, header.clone()));
        }
        let rule = d.rules.get(row.rule as usize).ok_or("bad rule")?;
        let mut body = Vec::new();
        if let Some(from) = rule.from {
            body.push(format!("{at} >= {} # {}", from * 86_400, format_date(from)));
        }
        if let Some(until) = rule.until {
            body.push(format!(
                "{at} < {} # {}",
                until * 86_400,
                format_date(until)
            ));
        }
        for atom in &row.atoms {
            let col = d.columns.get(atom.column as usize).ok_or("bad column")?;
            body.push(condition(a, fields, &at, col, &atom.test)?);
        }
        if body.is_empty() {
            body.push("true".into());
        }
        out.push_str(&format!(
            "\nmatches contains \"{}\" if {{\n\t{}\n}}\n",
            rule.name,
            body.join("\n\t")
        ));
    }
    modules.push(out);
    Ok(modules)
}

fn field(fields: &[(String, TypeDesc)], p: &Path) -> Result<String, String> {
    match (p.param, p.fields.as_slice()) {
        (0, [f]) => fields
            .get(*f as usize)
            .map(|(name, _)| format!("input.{name}"))
            .ok_or_else(|| "bad field".to_string()),
        _ => Err(format!("`{}` is not an input field", p.text)),
    }
}

fn not(negate: bool, e: String) -> String {
    if negate {
        format!("not {e}")
    } else {
        e
    }
}

fn quoted(s: &str) -> String {
    Json::String(s.to_string()).to_string()
}

fn condition(
    a: &Artifact,
    fields: &[(String, TypeDesc)],
    at: &str,
    col: &Column,
    test: &Test,
) -> Result<String, String> {
    let types = &a.catalogue.entity_types;
    match (col, test) {
        (Column::Category { path, .. }, Test::Member { set, negate }) => {
            let s = a.sets.get(*set as usize).ok_or("bad set")?;
            Ok(not(
                *negate,
                format!(
                    "sets.in_set({}, {}, {at})",
                    field(fields, path)?,
                    quoted(&s.name)
                ),
            ))
        }
        (Column::Category { path, .. }, Test::Within { ty, entity, negate }) => {
            let t = types.get(*ty as usize).ok_or("bad type")?;
            let e = t.entities.get(*entity as usize).ok_or("bad entity")?;
            Ok(not(
                *negate,
                format!("sets.within({}, {})", field(fields, path)?, quoted(&e.name)),
            ))
        }
        (
            Column::Category {
                path,
                domain: Domain::Entity(t),
            },
            Test::OneOf { values, negate },
        ) => {
            let ty = types.get(*t as usize).ok_or("bad type")?;
            let mut names = Vec::new();
            for v in values {
                names.push(quoted(
                    &ty.entities.get(*v as usize).ok_or("bad entity")?.name,
                ));
            }
            Ok(not(
                *negate,
                format!("{} in {{{}}}", field(fields, path)?, names.join(", ")),
            ))
        }
        (Column::Same { a: x, b: y }, Test::Is(same)) => Ok(format!(
            "{} {} {}",
            field(fields, x)?,
            if *same { "==" } else { "!=" },
            field(fields, y)?
        )),
        (Column::Flag { path }, Test::Is(b)) => Ok(format!("{} == {b}", field(fields, path)?)),
        (Column::Number { expr, text }, Test::Interval { lo, hi }) => {
            let e = match expr {
                NumExpr::Path(p) => field(fields, p)?,
                NumExpr::Sub(x, y) => match (x.as_ref(), y.as_ref()) {
                    (NumExpr::Path(x), NumExpr::Path(y)) => {
                        format!("{} - {}", field(fields, x)?, field(fields, y)?)
                    }
                    _ => return Err("only differences of two inputs are translated".into()),
                },
                _ => return Err(format!("`{text}` is not translated")),
            };
            let mut parts = Vec::new();
            if let Some(lo) = lo {
                parts.push(format!("{e} >= {lo}"));
            }
            if let Some(hi) = hi {
                parts.push(format!("{e} <= {hi}"));
            }
            Ok(if parts.is_empty() {
                "true".into()
            } else {
                parts.join("\n\t")
            })
        }
        _ => Err(format!(
            "a test of column `{}` is not translated",
            crate::column_name(col)
        )),
    }
}
