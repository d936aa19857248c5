//! The fast decoder: a request's JSON bytes read straight into input values by a reader that
//! knows only what requests are made of (objects, strings without escapes, whole numbers,
//! `true`, `false`, `null`) and gives up on anything else, returning `None`; the general path
//! then reads the request and gives the same values or the error with its message.
//!
//! One pass over the bytes, no JSON tree, no allocation but the values themselves: a key is
//! matched against the field names in place, a string value is parsed where it lies.

use crate::artifact::RecordType;
use crate::engine::Engine;
use crate::value::{
    fast_date, fast_datetime, parse_date, parse_datetime, parse_duration, TypeDesc, Value,
};

/// The deepest nesting of inputs a request may have (as [`Engine::parse_request`] counts).
const MAX_DEPTH: usize = 16;

/// The inputs of a request to a decision with these parameters, or `None` when not sure.
pub(super) fn decode(
    engine: &Engine,
    params: &[(String, TypeDesc)],
    request: &[u8],
) -> Option<Vec<Value>> {
    // A request with an escape goes the general path: then no string needs checking for one.
    if memchr::memchr(b'\\', request).is_some() {
        return None;
    }
    let mut r = Reader {
        engine,
        b: request,
        i: 0,
    };
    let inputs = r.top(params)?;
    r.skip_space();
    (r.i == r.b.len()).then_some(inputs)
}

struct Reader<'a> {
    engine: &'a Engine,
    b: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    #[inline]
    fn skip_space(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    /// The next byte that is not white space, not consumed.
    #[inline]
    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.b.get(self.i).copied()
    }

    #[inline]
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// The bytes of a string, its quotes consumed. The request has no escape ([`decode`]
    /// looked); a control character, which JSON refuses in a string, is looked for where it
    /// could pass unnoticed: in text (a name or a date with one is no name or date).
    #[inline]
    fn string_bytes(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let rest = self.b.get(self.i..)?;
        let len = memchr::memchr(b'"', rest)?;
        self.i += len + 1;
        rest.get(..len)
    }

    /// After a value: `,` then a key (`Some(Some(key))`), or `}` (`Some(None)`).
    #[inline]
    fn next_key(&mut self) -> Option<Option<&'a [u8]>> {
        match self.peek()? {
            b'}' => {
                self.i += 1;
                Some(None)
            }
            b',' => {
                self.i += 1;
                self.key().map(Some)
            }
            _ => None,
        }
    }

    /// A key (its bytes: names are compared, not read as text) and its colon.
    #[inline]
    fn key(&mut self) -> Option<&'a [u8]> {
        let k = self.string_bytes()?;
        self.eat(b':')?;
        Some(k)
    }

    /// The first key of an object whose `{` is consumed, or `None` inside for `{}`.
    fn first_key(&mut self) -> Option<Option<&'a [u8]>> {
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(None);
        }
        self.key().map(Some)
    }

    /// The whole request: an object of inputs or, for a decision with one record input, that
    /// record's object itself.
    fn top(&mut self, params: &[(String, TypeDesc)]) -> Option<Vec<Value>> {
        self.eat(b'{')?;
        let first = self.first_key()??;
        let record = match params {
            [(_, TypeDesc::Record(r))] => self.engine.artifact().records.get(*r as usize),
            _ => None,
        };
        let Some(mut index) = named(params, first, 0) else {
            // The direct form: the first key is a field of the one record input.
            let (rec, [(name, _)]) = (record?, params) else {
                return None;
            };
            let f = named(&rec.fields, first, 0)?;
            return Some(vec![self.record_rest(rec, 0, Some(name), Some(f))?]);
        };
        if let [(_, ty)] = params {
            // One input, named: its value and the object's end.
            let value = self.value(ty, 0)?;
            return self.next_key()?.is_none().then(|| vec![value]);
        }
        let mut values: Vec<Option<Value>> = vec![None; params.len()];
        loop {
            let slot = values.get_mut(index)?;
            if slot.is_some() {
                return None; // a duplicate key
            }
            *slot = Some(self.value(&params[index].1, 0)?);
            match self.next_key()? {
                None => break,
                Some(k) => index = named(params, k, index + 1)?,
            }
        }
        values
            .into_iter()
            .zip(params)
            .map(|(v, (_, ty))| match v {
                Some(v) => Some(v),
                None if matches!(ty, TypeDesc::Optional(_)) => Some(Value::Absent),
                None => None,
            })
            .collect()
    }

    /// One input or field value of type `ty` at `depth`.
    fn value(&mut self, ty: &TypeDesc, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        // The type under any `Optional`s, and the depth the general path counts for them.
        let (mut inner, mut inner_depth) = (ty, depth);
        while let TypeDesc::Optional(t) = inner {
            inner = t;
            inner_depth += 1;
        }
        match self.peek()? {
            b'"' => {
                let s = self.string_bytes()?;
                scalar(self.engine, ty, s, depth)
            }
            b'{' => {
                let TypeDesc::Record(r) = inner else {
                    return None;
                };
                if inner_depth > MAX_DEPTH {
                    return None;
                }
                let rec = self.engine.artifact().records.get(*r as usize)?;
                self.i += 1;
                let first = match self.first_key()? {
                    None => None,
                    Some(k) => Some(named(&rec.fields, k, 0)?),
                };
                self.record_rest(rec, inner_depth, None, first)
            }
            b'n' => {
                self.literal(b"null")?;
                matches!(ty, TypeDesc::Optional(_)).then_some(Value::Absent)
            }
            b't' | b'f' => {
                let b = self.b[self.i] == b't';
                self.literal(if b { b"true" } else { b"false" })?;
                (matches!(inner, TypeDesc::Bool) && inner_depth <= MAX_DEPTH)
                    .then_some(Value::Bool(b))
            }
            b'-' | b'0'..=b'9' => {
                let n = self.integer()?;
                (matches!(inner, TypeDesc::Int) && inner_depth <= MAX_DEPTH)
                    .then_some(Value::Int(n))
            }
            _ => None,
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i + word.len();
        (self.b.get(self.i..end)? == word).then(|| self.i = end)
    }

    /// A whole number that fits in 64 bits: `-?(0|[1-9][0-9]*)`, not followed by a fraction
    /// or an exponent. `-0` is not one (JSON readers take it as a float).
    fn integer(&mut self) -> Option<i64> {
        let negative = self.b.get(self.i) == Some(&b'-');
        if negative {
            self.i += 1;
        }
        let start = self.i;
        let mut n: i64 = 0;
        while let Some(&c @ b'0'..=b'9') = self.b.get(self.i) {
            let digit = i64::from(c - b'0');
            n = if negative {
                n.checked_mul(10)?.checked_sub(digit)?
            } else {
                n.checked_mul(10)?.checked_add(digit)?
            };
            self.i += 1;
        }
        let digits = self.i - start;
        let leading_zero = digits > 1 && self.b[start] == b'0';
        if digits == 0 || leading_zero || (negative && n == 0) {
            return None;
        }
        match self.b.get(self.i) {
            Some(b'.' | b'e' | b'E') => None,
            _ => Some(n),
        }
    }

    /// The fields of a record object from the first key (already read) on, to its `}`.
    fn record_rest(
        &mut self,
        rec: &RecordType,
        depth: usize,
        outer: Option<&str>,
        first: Option<usize>,
    ) -> Option<Value> {
        let fields = &rec.fields;
        if fields.len() > 64 {
            return None;
        }
        let mut values: Vec<Value> = Vec::with_capacity(fields.len());
        values.resize_with(fields.len(), || Value::Absent);
        let mut seen: u64 = 0;
        let mut next = first;
        while let Some(i) = next {
            let (name, ty) = fields.get(i)?;
            if seen & (1 << i) != 0 || outer == Some(name.as_str()) {
                return None;
            }
            seen |= 1 << i;
            values[i] = self.value(ty, depth + 1)?;
            next = match self.next_key()? {
                None => None,
                Some(k) => Some(named(fields, k, i + 1)?),
            };
        }
        for (i, (_, ty)) in fields.iter().enumerate() {
            if seen & (1 << i) == 0 && !matches!(ty, TypeDesc::Optional(_)) {
                return None;
            }
        }
        Some(Value::Record(values))
    }
}

/// The position of the name `key` among `names`, trying `guess` first: clients write an
/// object's keys in the order the record declares them, so the next key is usually the next
/// field, found with one comparison.
#[inline]
fn named(names: &[(String, TypeDesc)], key: &[u8], guess: usize) -> Option<usize> {
    match names.get(guess) {
        Some((n, _)) if n.as_bytes() == key => Some(guess),
        _ => names.iter().position(|(n, _)| n.as_bytes() == key),
    }
}

/// A value written as a string (its bytes, as they lie in the request), exactly as the general
/// path reads it, or `None`. Names and dates are read from the bytes: a name's bytes match
/// only valid text (and a name with a control character is looked for only in a string
/// without one), dates in the common form are digits; the rest is checked as text first.
fn scalar(engine: &Engine, ty: &TypeDesc, s: &[u8], depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    // The text of the string, when it has no control character (JSON refuses them).
    let text = || {
        let plain = s.iter().all(|&c| c >= 0x20);
        plain.then(|| std::str::from_utf8(s).ok()).flatten()
    };
    match ty {
        TypeDesc::Optional(inner) => scalar(engine, inner, s, depth + 1),
        TypeDesc::Text => Some(Value::Text(text()?.to_string())),
        TypeDesc::Date => fast_date(s)
            .or_else(|| parse_date(text()?))
            .map(Value::Date),
        TypeDesc::DateTime => fast_datetime(s)
            .or_else(|| parse_datetime(text()?))
            .map(Value::DateTime),
        TypeDesc::Duration => parse_duration(text()?).filter(|v| matches!(v, Value::Duration(_))),
        TypeDesc::Period => parse_duration(text()?).filter(|v| matches!(v, Value::Period(_))),
        TypeDesc::Range(inner) => {
            let (a, b) = text()?.split_once("..")?;
            Some(Value::Range(
                Box::new(scalar(engine, inner, a.as_bytes(), depth + 1)?),
                Box::new(scalar(engine, inner, b.as_bytes(), depth + 1)?),
            ))
        }
        TypeDesc::Entity(t) => {
            let e = engine.entity_names.get(*t as usize)?.get_plain(s)?;
            Some(Value::Entity(*t, *e))
        }
        TypeDesc::Enum(e) => {
            let v = engine.enum_names.get(*e as usize)?.get_plain(s)?;
            Some(Value::Enum(*e, *v))
        }
        TypeDesc::Bool | TypeDesc::Int | TypeDesc::Record(_) => None,
    }
}
