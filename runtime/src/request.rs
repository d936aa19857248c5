//! Requests in, answers out: JSON validated against a decision's input schema, and values
//! written back with their names.

use serde_json::{Map, Value as Json};

use crate::artifact::DecisionTable;
use crate::engine::{Answer, Engine, Verdict};
use crate::fuzzy::best_match;
use crate::value::{
    format_date, format_datetime, format_period, parse_date, parse_datetime, parse_duration,
    TypeDesc, Value,
};

/// A request that does not fit the decision's inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestError {
    /// The field, such as `t.arrival_port`.
    pub field: String,
    pub message: String,
    pub hint: Option<String>,
}

impl std::fmt::Display for RequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}`: {}", self.field, self.message)?;
        if let Some(h) = &self.hint {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

impl std::error::Error for RequestError {}

fn fail<T>(
    field: &str,
    message: impl Into<String>,
    hint: Option<String>,
) -> Result<T, RequestError> {
    Err(RequestError {
        field: field.to_string(),
        message: message.into(),
        hint,
    })
}

fn kind(j: &Json) -> &'static str {
    match j {
        Json::Null => "null",
        Json::Bool(_) => "true/false",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}

impl Engine {
    /// Validates a JSON request for a decision and converts it to input values. The request is
    /// an object with one member per input (`{"t": {...}}`); for a decision with one input the
    /// input's object may be given directly.
    pub fn parse_request(&self, decision: u32, json: &Json) -> Result<Vec<Value>, RequestError> {
        let Some(d) = self.decision(decision) else {
            return fail("", "no such decision", None);
        };
        let Json::Object(obj) = json else {
            return fail(
                "",
                format!("expected an object, found {}", kind(json)),
                None,
            );
        };
        let params = self.param_types(d);
        let direct = params.len() == 1 && !obj.contains_key(&params[0].0);
        if direct {
            let (name, ty) = &params[0];
            return Ok(vec![self.value(ty, json, name, 0)?]);
        }
        for key in obj.keys() {
            if !params.iter().any(|(n, _)| n == key) {
                let hint = best_match(key, params.iter().map(|(n, _)| n.as_str()))
                    .map(|b| format!("did you mean `{b}`?"));
                return fail(key, format!("`{}` has no input `{key}`", d.name), hint);
            }
        }
        params
            .iter()
            .map(|(name, ty)| match obj.get(name) {
                Some(v) => self.value(ty, v, name, 0),
                None if matches!(ty, TypeDesc::Optional(_)) => Ok(Value::Absent),
                None => fail(
                    name,
                    "this input is missing",
                    Some(format!("expected {}", self.describe(ty))),
                ),
            })
            .collect()
    }

    fn describe(&self, ty: &TypeDesc) -> String {
        let cat = &self.artifact().catalogue;
        match ty {
            TypeDesc::Bool => "true or false".into(),
            TypeDesc::Int => "a whole number".into(),
            TypeDesc::Text => "a string".into(),
            TypeDesc::Date => "a date such as \"2025-11-05\"".into(),
            TypeDesc::DateTime => "a date-time such as \"2025-11-10T10:00\"".into(),
            TypeDesc::Duration => "a duration such as \"144h\"".into(),
            TypeDesc::Period => "a period such as \"1y\"".into(),
            TypeDesc::Range(t) => format!("a range such as \"a..b\" of {}", self.describe(t)),
            TypeDesc::Entity(t) => {
                format!(
                    "the name of a `{}`",
                    cat.entity_types
                        .get(*t as usize)
                        .map_or("?", |t| t.name.as_str())
                )
            }
            TypeDesc::Enum(e) => {
                let en = cat.enums.get(*e as usize);
                let vs = en.map(|e| e.variants.join("`, `")).unwrap_or_default();
                format!("one of `{vs}`")
            }
            TypeDesc::Record(r) => {
                format!(
                    "an object (`{}`)",
                    self.artifact()
                        .records
                        .get(*r as usize)
                        .map_or("?", |r| r.name.as_str())
                )
            }
            TypeDesc::Optional(t) => format!("{} or null", self.describe(t)),
        }
    }

    /// Reads one input value of type `ty` from JSON, as [`Engine::parse_request`] reads each
    /// input (entries and enum values by name); `field` names it in errors (`t.nationality`).
    pub fn input_value(&self, ty: &TypeDesc, j: &Json, field: &str) -> Result<Value, RequestError> {
        self.value(ty, j, field, 0)
    }

    pub(crate) fn value(
        &self,
        ty: &TypeDesc,
        j: &Json,
        field: &str,
        depth: usize,
    ) -> Result<Value, RequestError> {
        if depth > 16 {
            return fail(field, "the request is nested too deeply", None);
        }
        let expected = || Some(format!("expected {}", self.describe(ty)));
        let wrong = |found: &str| {
            fail(
                field,
                format!("expected {}, found {found}", self.describe(ty)),
                None,
            )
        };
        match (ty, j) {
            (TypeDesc::Optional(_), Json::Null) => Ok(Value::Absent),
            (TypeDesc::Optional(inner), _) => self.value(inner, j, field, depth + 1),
            (_, Json::Null) => fail(field, "this input is required", expected()),
            (TypeDesc::Bool, Json::Bool(b)) => Ok(Value::Bool(*b)),
            (TypeDesc::Int, Json::Number(n)) => n
                .as_i64()
                .map(Value::Int)
                .map_or_else(|| wrong("a number that is not a whole 64-bit number"), Ok),
            (TypeDesc::Text, Json::String(s)) => Ok(Value::Text(s.clone())),
            (TypeDesc::Date, Json::String(s)) => match parse_date(s) {
                Some(d) => Ok(Value::Date(d)),
                None => fail(
                    field,
                    format!(
                        "`{s}` is not {}",
                        if shaped(s, 10) {
                            "a real date"
                        } else {
                            "written as a date"
                        }
                    ),
                    Some("write YYYY-MM-DD, such as \"2025-11-05\"".into()),
                ),
            },
            (TypeDesc::DateTime, Json::String(s)) => match parse_datetime(s) {
                Some(d) => Ok(Value::DateTime(d)),
                None => fail(
                    field,
                    format!(
                        "`{s}` is not {}",
                        if shaped(s, 16) {
                            "a real date-time"
                        } else {
                            "written as a date-time"
                        }
                    ),
                    Some("write YYYY-MM-DDTHH:MM, such as \"2025-11-10T10:00\"".into()),
                ),
            },
            (TypeDesc::Duration, Json::String(s)) => match parse_duration(s) {
                Some(v @ Value::Duration(_)) => Ok(v),
                _ => fail(
                    field,
                    format!("`{s}` is not an exact duration"),
                    Some("write hours or days, such as \"144h\" or \"30d\"".into()),
                ),
            },
            (TypeDesc::Period, Json::String(s)) => match parse_duration(s) {
                Some(v @ Value::Period(_)) => Ok(v),
                _ => fail(
                    field,
                    format!("`{s}` is not a calendar period"),
                    Some("write months or years, such as \"6mo\" or \"1y\"".into()),
                ),
            },
            (TypeDesc::Range(inner), Json::String(s)) => match s.split_once("..") {
                Some((a, b)) => Ok(Value::Range(
                    Box::new(self.value(inner, &Json::String(a.to_string()), field, depth + 1)?),
                    Box::new(self.value(inner, &Json::String(b.to_string()), field, depth + 1)?),
                )),
                None => wrong("a string without `..`"),
            },
            (TypeDesc::Entity(t), Json::String(s)) => {
                let names = self.entity_names.get(*t as usize);
                let found = names.and_then(|n| n.get(s).or_else(|| n.get(&s.to_lowercase())));
                match found {
                    Some(e) => Ok(Value::Entity(*t, *e)),
                    None => {
                        let tname = self
                            .artifact()
                            .catalogue
                            .entity_types
                            .get(*t as usize)
                            .map_or("?", |t| t.name.as_str());
                        let hint = self.suggest_entry(*t, s);
                        fail(field, format!("no `{tname}` is called `{s}`"), hint)
                    }
                }
            }
            (TypeDesc::Enum(e), Json::String(s)) => {
                let names = self.enum_names.get(*e as usize);
                match names.and_then(|n| n.get(s)) {
                    Some(v) => Ok(Value::Enum(*e, *v)),
                    None => {
                        let hint = names
                            .and_then(|n| best_match(s, n.keys()))
                            .map(|b| format!("did you mean `{b}`?"))
                            .or_else(expected);
                        fail(field, format!("`{s}` is not a value of this field"), hint)
                    }
                }
            }
            (TypeDesc::Record(r), Json::Object(obj)) => self.record(*r, obj, field, depth),
            (_, other) => wrong(kind(other)),
        }
    }

    fn record(
        &self,
        r: u32,
        obj: &Map<String, Json>,
        field: &str,
        depth: usize,
    ) -> Result<Value, RequestError> {
        let Some(rec) = self.artifact().records.get(r as usize) else {
            return fail(field, "unknown record", None);
        };
        for key in obj.keys() {
            if !rec.fields.iter().any(|(n, _)| n == key) {
                let hint = best_match(key, rec.fields.iter().map(|(n, _)| n.as_str()))
                    .map(|b| format!("did you mean `{b}`?"));
                return fail(
                    &format!("{field}.{key}"),
                    format!("`{}` has no field `{key}`", rec.name),
                    hint,
                );
            }
        }
        let mut values = Vec::with_capacity(rec.fields.len());
        for (name, ty) in &rec.fields {
            let path = format!("{field}.{name}");
            match obj.get(name) {
                Some(v) => values.push(self.value(ty, v, &path, depth + 1)?),
                None if matches!(ty, TypeDesc::Optional(_)) => values.push(Value::Absent),
                None => {
                    return fail(
                        &path,
                        "this field is missing",
                        Some(format!("expected {}", self.describe(ty))),
                    )
                }
            }
        }
        Ok(Value::Record(values))
    }

    /// The help for a decision name that is not one: the nearest name ("did you mean
    /// `transit_entry`?"), else the list of decisions.
    pub fn unknown_decision_hint(&self, name: &str) -> String {
        let names: Vec<&str> = self
            .artifact()
            .decisions
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        best_match(name, names.iter().copied()).map_or_else(
            || format!("decisions: {}", names.join(", ")),
            |b| format!("did you mean `{b}`?"),
        )
    }

    /// A request as a client writes it (`{"t": {...}}`), the way `edict eval` reads it: the
    /// inverse of [`Engine::parse_request`]. Absent optional values are written `null`.
    pub fn request_json(&self, decision: u32, inputs: &[Value]) -> Json {
        let Some(d) = self.decision(decision) else {
            return Json::Null;
        };
        let mut obj = Map::new();
        for ((name, ty), v) in d.params.iter().zip(inputs) {
            obj.insert(name.clone(), self.input_json(ty, v));
        }
        Json::Object(obj)
    }

    /// An input value as a client writes it, records with their field names.
    fn input_json(&self, ty: &TypeDesc, v: &Value) -> Json {
        match (ty, v) {
            (TypeDesc::Optional(inner), v) if *v != Value::Absent => self.input_json(inner, v),
            (TypeDesc::Record(r), Value::Record(fields)) => {
                let Some(rec) = self.artifact().records.get(*r as usize) else {
                    return self.value_json(v);
                };
                let mut obj = Map::new();
                for ((name, fty), f) in rec.fields.iter().zip(fields) {
                    obj.insert(name.clone(), self.input_json(fty, f));
                }
                Json::Object(obj)
            }
            _ => self.value_json(v),
        }
    }

    /// A value as JSON, with entity and enum names.
    pub fn value_json(&self, v: &Value) -> Json {
        let cat = &self.artifact().catalogue;
        match v {
            Value::Absent => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Int(n) => Json::from(*n),
            Value::Text(s) => Json::String(s.clone()),
            Value::Date(d) => Json::String(format_date(*d)),
            Value::DateTime(s) => Json::String(format_datetime(*s)),
            Value::Duration(s) => Json::String(self.format_duration(*s)),
            Value::Period(m) => Json::String(format_period(*m)),
            Value::Range(a, b) => {
                let text = |j: Json| j.as_str().map_or_else(|| j.to_string(), str::to_string);
                Json::String(format!(
                    "{}..{}",
                    text(self.value_json(a)),
                    text(self.value_json(b))
                ))
            }
            Value::Entity(t, e) => Json::String(
                cat.entity_types
                    .get(*t as usize)
                    .and_then(|t| t.entities.get(*e as usize))
                    .map_or("?".into(), |e| e.name.clone()),
            ),
            Value::Enum(t, e) => Json::String(
                cat.enums
                    .get(*t as usize)
                    .and_then(|t| t.variants.get(*e as usize))
                    .cloned()
                    .unwrap_or_default(),
            ),
            Value::Record(fields) => self.record_json(fields),
        }
    }

    fn record_json(&self, fields: &[Value]) -> Json {
        // Records in answers are outcomes; their type is the decision's output, found by shape.
        let mut obj = Map::new();
        for (i, f) in fields.iter().enumerate() {
            obj.insert(format!("{i}"), self.value_json(f));
        }
        Json::Object(obj)
    }

    /// A record value as a JSON object with field names from record type `r`.
    pub fn record_value_json(&self, r: u32, v: &Value) -> Json {
        let (Some(rec), Value::Record(fields)) = (self.artifact().records.get(r as usize), v)
        else {
            return self.value_json(v);
        };
        let mut obj = Map::new();
        for ((name, _), f) in rec.fields.iter().zip(fields) {
            obj.insert(name.clone(), self.value_json(f));
        }
        Json::Object(obj)
    }

    /// The answer as JSON: outcome, rule, citation, where the rule is and when it is in force.
    pub fn answer_json(&self, answer: &Answer) -> Json {
        let Some(d) = self.decision(answer.decision) else {
            return Json::Null;
        };
        let mut obj = Map::new();
        obj.insert("decision".into(), Json::String(d.name.clone()));
        obj.insert("as_of".into(), Json::String(format_date(answer.day)));
        match &answer.verdict {
            Verdict::Rule(r) => {
                obj.insert("status".into(), "decided".into());
                obj.insert("outcome".into(), self.outcome_json(d, Some(*r)));
                obj.insert("rule".into(), self.rule_json(d, *r));
            }
            Verdict::Otherwise => {
                obj.insert("status".into(), "otherwise".into());
                obj.insert("outcome".into(), self.outcome_json(d, None));
                obj.insert("rule".into(), Json::Null);
            }
            Verdict::NoMatch => {
                obj.insert("status".into(), "no_rule_applies".into());
                obj.insert("outcome".into(), Json::Null);
                obj.insert("rule".into(), Json::Null);
            }
            Verdict::Collect(rules) => {
                obj.insert("status".into(), "collected".into());
                let all: Vec<Json> = rules
                    .iter()
                    .map(|r| {
                        let mut o = Map::new();
                        o.insert("outcome".into(), self.outcome_json(d, Some(*r)));
                        o.insert("rule".into(), self.rule_json(d, *r));
                        Json::Object(o)
                    })
                    .collect();
                obj.insert("outcomes".into(), Json::Array(all));
            }
            Verdict::Conflict(rules) => {
                obj.insert("status".into(), "conflict".into());
                obj.insert("outcome".into(), Json::Null);
                let all: Vec<Json> = rules.iter().map(|r| self.rule_json(d, *r)).collect();
                obj.insert("conflicting_rules".into(), Json::Array(all));
            }
        }
        Json::Object(obj)
    }

    /// The outcome of a rule, or of `otherwise` for `None`.
    pub fn outcome_json(&self, d: &DecisionTable, rule: Option<u32>) -> Json {
        let v = match rule {
            Some(r) => d.rules.get(r as usize).map(|r| &r.outcome),
            None => d.otherwise.as_ref(),
        };
        v.map_or(Json::Null, |v| self.record_value_json(d.output, v))
    }

    pub fn rule_json(&self, d: &DecisionTable, r: u32) -> Json {
        let Some(rule) = d.rules.get(r as usize) else {
            return Json::Null;
        };
        let mut o = Map::new();
        o.insert("name".into(), Json::String(rule.name.clone()));
        o.insert(
            "citation".into(),
            rule.citation.as_ref().map_or(Json::Null, |c| {
                let mut m = Map::new();
                m.insert("source".into(), Json::String(c.source.clone()));
                m.insert("title".into(), Json::String(c.title.clone()));
                m.insert("item".into(), c.item.map_or(Json::Null, Json::from));
                Json::Object(m)
            }),
        );
        o.insert(
            "location".into(),
            Json::String(format!(
                "{}:{}:{}",
                rule.location.file, rule.location.line, rule.location.column
            )),
        );
        o.insert(
            "in_force_from".into(),
            rule.from
                .map_or(Json::Null, |d| Json::String(format_date(d))),
        );
        o.insert(
            "in_force_until".into(),
            rule.until
                .map_or(Json::Null, |d| Json::String(format_date(d))),
        );
        if !rule.bindings.is_empty() {
            o.insert(
                "reads".into(),
                Json::Array(
                    rule.bindings
                        .iter()
                        .map(crate::explain::binding_json)
                        .collect(),
                ),
            );
        }
        Json::Object(o)
    }
}

/// Does `s` look like a date (`len` 10) or date-time (`len` 16, optional seconds), whatever the
/// values? Tells "impossible" from "malformed".
fn shaped(s: &str, len: usize) -> bool {
    let b = s.as_bytes();
    let pattern = b"dddd-dd-ddTdd:dd:dd";
    (s.len() == len || (len == 16 && s.len() == 19))
        && b.iter().zip(pattern).all(|(c, p)| {
            if *p == b'd' {
                c.is_ascii_digit()
            } else {
                c == p
            }
        })
}

impl Engine {
    /// "Did you mean" for a name no entry of type `t` has: an entry whose name attribute it is
    /// (`norway` → `no` (Norway)), entries it begins the name of (`chongqing` →
    /// `chongqing_jiangbei`), else the closest name or identifier.
    pub(crate) fn suggest_entry(&self, t: u32, s: &str) -> Option<String> {
        let ty = self.artifact().catalogue.entity_types.get(t as usize)?;
        let lower = s.to_lowercase();
        let label = |i: usize| -> String {
            let e = &ty.entities[i];
            let named = ty
                .attributes
                .iter()
                .position(|(n, _)| n == "name")
                .and_then(|a| match e.attributes.get(a) {
                    Some(Value::Text(n)) => Some(n.clone()),
                    _ => None,
                });
            match named {
                Some(n) => format!("`{}` ({n})", e.name),
                None => format!("`{}`", e.name),
            }
        };
        // A name attribute, as people write it.
        let text_attrs: Vec<usize> = ty
            .attributes
            .iter()
            .enumerate()
            .filter(|(_, (n, d))| {
                n.starts_with("name") && matches!(d.without_optional(), TypeDesc::Text)
            })
            .map(|(i, _)| i)
            .collect();
        let by_name = ty.entities.iter().position(|e| {
            text_attrs.iter().any(|&a| {
                matches!(e.attributes.get(a), Some(Value::Text(n)) if n.to_lowercase() == lower)
            })
        });
        if let Some(i) = by_name {
            return Some(format!("did you mean {}?", label(i)));
        }
        // The beginning of names.
        let prefixed: Vec<usize> = ty
            .entities
            .iter()
            .enumerate()
            .filter(|(_, e)| e.name.starts_with(&format!("{lower}_")))
            .map(|(i, _)| i)
            .collect();
        match prefixed.as_slice() {
            [] => {}
            [one] => return Some(format!("did you mean {}?", label(*one))),
            several => {
                let shown: Vec<String> = several.iter().take(3).map(|&i| label(i)).collect();
                let more = if several.len() > 3 { ", ..." } else { "" };
                return Some(format!("did you mean one of {}{more}?", shown.join(", ")));
            }
        }
        // The closest name, identifier or name attribute.
        let names = self.entity_names.get(t as usize)?;
        let mut candidates: Vec<(String, usize)> = names
            .iter()
            .map(|(n, i)| (n.to_string(), i as usize))
            .collect();
        for (i, e) in ty.entities.iter().enumerate() {
            for &a in &text_attrs {
                if let Some(Value::Text(n)) = e.attributes.get(a) {
                    candidates.push((n.to_lowercase(), i));
                }
            }
        }
        let best = best_match(&lower, candidates.iter().map(|(n, _)| n.as_str()))?;
        let i = candidates.iter().find(|(n, _)| n == best)?.1;
        Some(format!("did you mean {}?", label(i)))
    }
}
