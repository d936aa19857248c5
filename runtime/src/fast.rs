//! The fast path for services: a request's JSON bytes decoded straight into input values (no
//! JSON tree in between), and the answer written from text prepared once per rule.
//!
//! The decoder handles the common case and nothing else. Whatever it is not sure of (any
//! error, a duplicate key, a name given in lower case, a number that is not a whole one) makes
//! it give up, and [`Engine::decide_json`] then takes the general path
//! ([`Engine::parse_request`] over a `serde_json::Value`), which gives the same values or the
//! error with its message and hint. A property test holds the two paths to the same result on
//! valid and broken requests alike.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde_json::Value as Json;

use crate::artifact::DecisionTable;
use crate::engine::{Answer, Engine, EvalError, Verdict};
use crate::request::RequestError;
use crate::value::{format_date, parse_date, parse_datetime, parse_duration, TypeDesc, Value};

/// The deepest nesting of inputs a request may have (as [`Engine::parse_request`] counts).
const MAX_DEPTH: usize = 16;

/// Why a JSON request got no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonRequestError {
    /// Not JSON: the parser's message (with line and column).
    Syntax(String),
    /// JSON that does not fit the decision's inputs.
    Request(RequestError),
    /// Inputs that fit but cannot be decided (no as-of date).
    Eval(EvalError),
}

impl fmt::Display for JsonRequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonRequestError::Syntax(e) => write!(f, "the request is not valid JSON: {e}"),
            JsonRequestError::Request(e) => write!(f, "invalid request: {e}"),
            JsonRequestError::Eval(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for JsonRequestError {}

/// A decision's answers as JSON text, prepared once: everything but the as-of day.
#[derive(Clone, Debug, Default)]
pub(crate) struct PreparedAnswers {
    /// `{"decision":"NAME","as_of":"`
    prefix: Vec<u8>,
    /// For each rule: `","status":"decided","outcome":…,"rule":…}`
    rules: Vec<Vec<u8>>,
    otherwise: Vec<u8>,
    no_match: Vec<u8>,
}

impl PreparedAnswers {
    pub(crate) fn new(engine: &Engine, d: &DecisionTable) -> PreparedAnswers {
        let text = |j: &Json| serde_json::to_vec(j).unwrap_or_default();
        let mut prefix = b"{\"decision\":".to_vec();
        prefix.extend(text(&Json::String(d.name.clone())));
        prefix.extend(b",\"as_of\":\"");
        let tail = |status: &str, outcome: &Json, rule: &Json| {
            let mut t = b"\",\"status\":".to_vec();
            t.extend(text(&Json::String(status.into())));
            t.extend(b",\"outcome\":");
            t.extend(text(outcome));
            t.extend(b",\"rule\":");
            t.extend(text(rule));
            t.push(b'}');
            t
        };
        let rules = (0..d.rules.len() as u32)
            .map(|r| {
                tail(
                    "decided",
                    &engine.outcome_json(d, Some(r)),
                    &engine.rule_json(d, r),
                )
            })
            .collect();
        PreparedAnswers {
            prefix,
            rules,
            otherwise: tail("otherwise", &engine.outcome_json(d, None), &Json::Null),
            no_match: tail("no_rule_applies", &Json::Null, &Json::Null),
        }
    }
}

impl Engine {
    /// Answers a request given as JSON bytes, appending the answer's JSON (the bytes of
    /// `serde_json::to_vec(&engine.answer_json(&answer))`) to `out`.
    pub fn decide_json(
        &self,
        decision: u32,
        request: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<Answer, JsonRequestError> {
        let (inputs, localized) = self.decode_request_localized(decision, request)?;
        let answer = self
            .decide(decision, &inputs)
            .map_err(JsonRequestError::Eval)?;
        self.write_answer(&answer, out);
        if let Some(l) = localized {
            // `…}` becomes `…,"civil_time":{…}}`: the civil date-times the instants became.
            out.pop();
            out.extend_from_slice(b",\"civil_time\":");
            out.extend_from_slice(l.to_json().to_string().as_bytes());
            out.push(b'}');
        }
        Ok(answer)
    }

    /// A request's JSON bytes as input values: the fast decoder, else the general path.
    pub fn decode_request(
        &self,
        decision: u32,
        request: &[u8],
    ) -> Result<Vec<Value>, JsonRequestError> {
        self.decode_request_localized(decision, request)
            .map(|(inputs, _)| inputs)
    }

    /// A request's JSON bytes as input values, and the instants it gave converted to the
    /// decision's civil time (`crate::zone`). The fast decoder takes civil date-times only;
    /// a request with an instant goes the general path.
    pub fn decode_request_localized(
        &self,
        decision: u32,
        request: &[u8],
    ) -> Result<(Vec<Value>, Option<crate::zone::Localized>), JsonRequestError> {
        if let Some(inputs) = self.decode_fast(decision, request) {
            return Ok((inputs, None));
        }
        let mut json: Json =
            serde_json::from_slice(request).map_err(|e| JsonRequestError::Syntax(e.to_string()))?;
        let localized = self
            .localize(decision, &mut json)
            .map_err(JsonRequestError::Request)?;
        let inputs = self
            .parse_request(decision, &json)
            .map_err(JsonRequestError::Request)?;
        Ok((inputs, localized))
    }

    /// The fast decoder alone: `None` whenever it is not sure.
    pub fn decode_fast(&self, decision: u32, request: &[u8]) -> Option<Vec<Value>> {
        let d = self.decision(decision)?;
        let mut de = serde_json::Deserializer::from_slice(request);
        let inputs = Top { engine: self, d }.deserialize(&mut de).ok()?;
        de.end().ok()?;
        Some(inputs)
    }

    /// Appends an answer's JSON to `out`, from the prepared text when there is one.
    pub fn write_answer(&self, answer: &Answer, out: &mut Vec<u8>) {
        let prepared = self.prepared.get(answer.decision as usize);
        let tail = prepared.and_then(|p| match &answer.verdict {
            Verdict::Rule(r) => p.rules.get(*r as usize),
            Verdict::Otherwise => Some(&p.otherwise),
            Verdict::NoMatch => Some(&p.no_match),
            Verdict::Collect(_) | Verdict::Conflict(_) => None,
        });
        match (prepared, tail) {
            (Some(p), Some(tail)) if (0..=9999).contains(&year_of(answer.day)) => {
                out.extend_from_slice(&p.prefix);
                write_date(answer.day, out);
                out.extend_from_slice(tail);
            }
            _ => {
                let _ = serde_json::to_writer(&mut *out, &self.answer_json(answer));
            }
        }
    }
}

/// The year of a day count (days since 1970-01-01), by the civil calendar.
fn year_of(days: i64) -> i64 {
    civil(days).0
}

/// (year, month, day) of a day count: Howard Hinnant's `civil_from_days`.
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// `YYYY-MM-DD` for years 0 to 9999 (the caller checks), as [`format_date`] writes it.
fn write_date(days: i64, out: &mut Vec<u8>) {
    let (y, m, d) = civil(days);
    let y = y as u32;
    out.extend_from_slice(&[
        b'0' + (y / 1000) as u8,
        b'0' + (y / 100 % 10) as u8,
        b'0' + (y / 10 % 10) as u8,
        b'0' + (y % 10) as u8,
        b'-',
        b'0' + (m / 10) as u8,
        b'0' + (m % 10) as u8,
        b'-',
        b'0' + (d / 10) as u8,
        b'0' + (d % 10) as u8,
    ]);
    debug_assert_eq!(
        std::str::from_utf8(&out[out.len() - 10..]).ok(),
        Some(format_date(days).as_str())
    );
}

/// "Not sure": the decoder gives up and the general path decides.
fn bail<E: de::Error>() -> E {
    E::custom("")
}

/// The whole request: an object of inputs, or for a decision with one record input, that
/// record's object itself.
struct Top<'a> {
    engine: &'a Engine,
    d: &'a DecisionTable,
}

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = Vec<Value>;
    fn deserialize<D: de::Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = Vec<Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a request object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let params = &self.d.params;
        // With one record input, the object may be the record itself (no input's name).
        let record = match params.as_slice() {
            [(_, TypeDesc::Record(r))] => self.engine.artifact().records.get(*r as usize),
            _ => None,
        };
        let first = map.next_key_seed(FirstKey {
            params,
            fields: record.map(|r| r.fields.as_slice()),
        })?;
        let mut index = match first {
            Some(FirstKeyIs::Input(i)) => i,
            Some(FirstKeyIs::Field(f)) => {
                let (Some(rec), [(name, _)]) = (record, params.as_slice()) else {
                    return Err(bail());
                };
                let value = RecordBody {
                    engine: self.engine,
                    fields: &rec.fields,
                    depth: 0,
                    outer: Some(name),
                }
                .rest(&mut map, Some(f))?;
                return Ok(vec![value]);
            }
            _ => return Err(bail()),
        };
        let mut values: Vec<Option<Value>> = vec![None; params.len()];
        loop {
            let slot = values.get_mut(index).ok_or_else(bail)?;
            if slot.is_some() {
                return Err(bail()); // a duplicate key
            }
            *slot = Some(map.next_value_seed(Input {
                engine: self.engine,
                ty: &params[index].1,
                depth: 0,
            })?);
            match map.next_key_seed(Key { fields: params })? {
                None => break,
                Some(Some(i)) => index = i,
                Some(None) => return Err(bail()), // not an input
            }
        }
        values
            .into_iter()
            .zip(params)
            .map(|(v, (_, ty))| match v {
                Some(v) => Ok(v),
                None if matches!(ty, TypeDesc::Optional(_)) => Ok(Value::Absent),
                None => Err(bail()),
            })
            .collect()
    }
}

/// What the first key of a request names.
enum FirstKeyIs {
    Input(usize),
    Field(usize),
    Other,
}

struct FirstKey<'a> {
    params: &'a [(String, TypeDesc)],
    fields: Option<&'a [(String, TypeDesc)]>,
}

impl<'de> DeserializeSeed<'de> for FirstKey<'_> {
    type Value = FirstKeyIs;
    fn deserialize<D: de::Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for FirstKey<'_> {
    type Value = FirstKeyIs;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a name")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        if let Some(i) = self.params.iter().position(|(n, _)| n == s) {
            return Ok(FirstKeyIs::Input(i));
        }
        Ok(self
            .fields
            .and_then(|fields| fields.iter().position(|(n, _)| n == s))
            .map_or(FirstKeyIs::Other, FirstKeyIs::Field))
    }
}

/// A key: the index of the field (or input) it names, `None` for any other name.
struct Key<'a> {
    fields: &'a [(String, TypeDesc)],
}

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = Option<usize>;
    fn deserialize<D: de::Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(self.fields.iter().position(|(n, _)| n == s))
    }
}

/// One input or field value of a given type.
struct Input<'a> {
    engine: &'a Engine,
    ty: &'a TypeDesc,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Input<'_> {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        if self.depth > MAX_DEPTH {
            return Err(bail());
        }
        de.deserialize_any(self)
    }
}

impl Input<'_> {
    /// The type under any `Optional`s, and the depth the general path counts for them.
    fn inner(&self) -> (&TypeDesc, usize) {
        let (mut ty, mut depth) = (self.ty, self.depth);
        while let TypeDesc::Optional(inner) = ty {
            ty = inner;
            depth += 1;
        }
        (ty, depth)
    }
}

impl<'de> Visitor<'de> for Input<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an input value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        match self.ty {
            TypeDesc::Optional(_) => Ok(Value::Absent),
            _ => Err(bail()),
        }
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        match self.inner() {
            (TypeDesc::Bool, depth) if depth <= MAX_DEPTH => Ok(Value::Bool(b)),
            _ => Err(bail()),
        }
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value, E> {
        match self.inner() {
            (TypeDesc::Int, depth) if depth <= MAX_DEPTH => Ok(Value::Int(n)),
            _ => Err(bail()),
        }
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value, E> {
        match (self.inner(), i64::try_from(n)) {
            ((TypeDesc::Int, depth), Ok(n)) if depth <= MAX_DEPTH => Ok(Value::Int(n)),
            _ => Err(bail()),
        }
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Value, E> {
        Err(bail())
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        scalar(self.engine, self.ty, s, self.depth).ok_or_else(bail)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let (ty, depth) = self.inner();
        let TypeDesc::Record(r) = ty else {
            return Err(bail());
        };
        if depth > MAX_DEPTH {
            return Err(bail());
        }
        let rec = self
            .engine
            .artifact()
            .records
            .get(*r as usize)
            .ok_or_else(bail)?;
        let first = map.next_key_seed(Key {
            fields: &rec.fields,
        })?;
        let first = match first {
            None => None,
            Some(Some(i)) => Some(i),
            Some(None) => return Err(bail()),
        };
        RecordBody {
            engine: self.engine,
            fields: &rec.fields,
            depth,
            outer: None,
        }
        .rest(&mut map, first)
    }
}

/// The fields of a record object, from the first key (already read) on.
struct RecordBody<'a> {
    engine: &'a Engine,
    fields: &'a [(String, TypeDesc)],
    /// The record's depth; its fields are one deeper.
    depth: usize,
    /// For a request that is the record itself: the input's name, which no key may be.
    outer: Option<&'a str>,
}

impl RecordBody<'_> {
    fn rest<'de, A: MapAccess<'de>>(
        self,
        map: &mut A,
        first: Option<usize>,
    ) -> Result<Value, A::Error> {
        if self.fields.len() > 64 {
            return Err(bail());
        }
        let mut values: Vec<Value> = vec![Value::Absent; self.fields.len()];
        let mut seen: u64 = 0;
        let mut next = first;
        while let Some(i) = next {
            let (name, ty) = self.fields.get(i).ok_or_else(bail)?;
            if seen & (1 << i) != 0 || self.outer == Some(name.as_str()) {
                return Err(bail());
            }
            seen |= 1 << i;
            values[i] = map.next_value_seed(Input {
                engine: self.engine,
                ty,
                depth: self.depth + 1,
            })?;
            next = match map.next_key_seed(Key {
                fields: self.fields,
            })? {
                None => None,
                Some(Some(i)) => Some(i),
                Some(None) => return Err(bail()),
            };
        }
        for (i, (_, ty)) in self.fields.iter().enumerate() {
            if seen & (1 << i) == 0 && !matches!(ty, TypeDesc::Optional(_)) {
                return Err(bail());
            }
        }
        Ok(Value::Record(values))
    }
}

/// A value written as a string, exactly as the general path reads it, or `None`.
fn scalar(engine: &Engine, ty: &TypeDesc, s: &str, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    match ty {
        TypeDesc::Optional(inner) => scalar(engine, inner, s, depth + 1),
        TypeDesc::Text => Some(Value::Text(s.to_string())),
        TypeDesc::Date => parse_date(s).map(Value::Date),
        TypeDesc::DateTime => parse_datetime(s).map(Value::DateTime),
        TypeDesc::Duration => parse_duration(s).filter(|v| matches!(v, Value::Duration(_))),
        TypeDesc::Period => parse_duration(s).filter(|v| matches!(v, Value::Period(_))),
        TypeDesc::Range(inner) => {
            let (a, b) = s.split_once("..")?;
            Some(Value::Range(
                Box::new(scalar(engine, inner, a, depth + 1)?),
                Box::new(scalar(engine, inner, b, depth + 1)?),
            ))
        }
        TypeDesc::Entity(t) => {
            let e = engine.entity_names.get(*t as usize)?.get(s)?;
            Some(Value::Entity(*t, *e))
        }
        TypeDesc::Enum(e) => {
            let v = engine.enum_names.get(*e as usize)?.get(s)?;
            Some(Value::Enum(*e, *v))
        }
        TypeDesc::Bool | TypeDesc::Int | TypeDesc::Record(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_format_date_writes_them() {
        for days in (-719_528..=2_932_896)
            .step_by(97)
            .chain([0, -1, 10_957, 20_397])
        {
            let mut out = Vec::new();
            write_date(days, &mut out);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                format_date(days),
                "day {days}"
            );
        }
    }
}
