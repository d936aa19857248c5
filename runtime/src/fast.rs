//! The fast path for services: a request's JSON bytes decoded straight into input values (no
//! JSON tree in between), and the answer written from text prepared once per rule.
//!
//! The decoder (`decode.rs`) handles the common case and nothing else. Whatever it is not sure
//! of (any error, a duplicate key, an escape in a string, a number that is not a whole one)
//! makes it give up, and [`Engine::decide_json`] then takes the general path
//! ([`Engine::parse_request`] over a `serde_json::Value`), which gives the same values or the
//! error with its message and hint. A property test holds the two paths to the same result on
//! valid and broken requests alike.

use std::fmt;

use serde_json::Value as Json;

use crate::artifact::DecisionTable;
use crate::engine::{Answer, Engine, EvalError, Verdict};
use crate::request::RequestError;
use crate::value::{format_date, Value};

mod decode;

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
        decode::decode(self, &d.params, request)
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
