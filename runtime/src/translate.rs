//! One version's inputs as another version reads them, without writing JSON in between: what
//! [`Engine::parse_request`] makes of the other engine's [`Engine::request_json`], walked value
//! by value. `diff` moves a request between its two sides for every cell it compares; the JSON
//! round trip cost most of its time.

use crate::engine::Engine;
use crate::value::{TypeDesc, Value};

/// How deep [`Engine::parse_request`] reads before it refuses a request.
const MAX_DEPTH: usize = 16;

impl Engine {
    /// `inputs` of `from`'s decision `from_id`, as this engine's decision `id` reads them:
    /// exactly `self.parse_request(id, &from.request_json(from_id, inputs)).ok()` where that
    /// is `Some`. `None` where the request would be refused, and where only the JSON path says
    /// how it is read (a single input under another name, read as the request itself); callers
    /// take the JSON path then, for its error.
    pub fn translate_request(
        &self,
        id: u32,
        from: &Engine,
        from_id: u32,
        inputs: &[Value],
    ) -> Option<Vec<Value>> {
        let params = &self.decision(id)?.params;
        let written: Vec<(&String, &TypeDesc, &Value)> = from
            .decision(from_id)?
            .params
            .iter()
            .zip(inputs)
            .map(|((name, ty), v)| (name, ty, v))
            .collect();
        let member = |name: &str| written.iter().find(|(n, _, _)| n.as_str() == name);
        // A request without the member of a decision's only input is read as that input.
        if params.len() == 1 && member(&params[0].0).is_none() {
            return None;
        }
        if written
            .iter()
            .any(|(n, _, _)| !params.iter().any(|(p, _)| p == *n))
        {
            return None;
        }
        params
            .iter()
            .map(|(name, ty)| match member(name) {
                Some((_, fty, v)) => self.read_written(ty, from, fty, v, 0),
                None if matches!(ty, TypeDesc::Optional(_)) => Some(Value::Absent),
                None => None,
            })
            .collect()
    }

    /// What reading `from`'s written value `v` (of `from`'s type `fty`) as type `ty` gives.
    fn read_written(
        &self,
        ty: &TypeDesc,
        from: &Engine,
        fty: &TypeDesc,
        v: &Value,
        depth: usize,
    ) -> Option<Value> {
        // `from` writes a present optional value as its inner type, a record as an object
        // with its field names, anything else as its JSON value.
        let mut fty = fty;
        while let (TypeDesc::Optional(inner), false) = (fty, *v == Value::Absent) {
            fty = inner;
        }
        match (fty, v) {
            (TypeDesc::Record(r), Value::Record(fields)) => {
                let Some(rec) = from.artifact().records.get(*r as usize) else {
                    return self.read_leaf(ty, from, v, depth);
                };
                let members: Vec<(&str, &TypeDesc, &Value)> = rec
                    .fields
                    .iter()
                    .zip(fields)
                    .map(|((n, t), f)| (n.as_str(), t, f))
                    .collect();
                self.read_object(ty, from, &members, depth)
            }
            _ => self.read_leaf(ty, from, v, depth),
        }
    }

    /// A value `from` writes as a JSON scalar (or `null`), read as type `ty`: the common kinds
    /// directly, the others through their JSON text.
    fn read_leaf(&self, ty: &TypeDesc, from: &Engine, v: &Value, depth: usize) -> Option<Value> {
        let mut ty = ty;
        let mut depth = depth;
        while let TypeDesc::Optional(inner) = ty {
            if depth > MAX_DEPTH {
                return None;
            }
            if *v == Value::Absent {
                return Some(Value::Absent);
            }
            (ty, depth) = (inner, depth + 1);
        }
        if depth > MAX_DEPTH {
            return None;
        }
        // An entry or enum value is read by its name alone, as the JSON path reads it: a name
        // this engine does not know is not read, without building the error (and its "did you
        // mean", a search over every name) that the JSON path would make and drop.
        if matches!(
            (ty, v),
            (TypeDesc::Entity(_), Value::Entity(..)) | (TypeDesc::Enum(_), Value::Enum(..))
        ) {
            return self.read_scalar(ty, from, v);
        }
        self.read_scalar(ty, from, v)
            .or_else(|| self.value(ty, &from.value_json(v), "", depth).ok())
    }

    /// A scalar whose text reads back as itself, read without writing it; `None` for the
    /// others (and for a name this engine does not know: its JSON path says so).
    fn read_scalar(&self, ty: &TypeDesc, from: &Engine, v: &Value) -> Option<Value> {
        // Dates of the years 1000 to 9999 are written in ten characters and read back as
        // themselves.
        const YEARS: std::ops::RangeInclusive<i64> = -354_285..=2_932_896;
        let names = |ns: Option<&crate::engine::NameMap>, name: &str| {
            let ns = ns?;
            ns.get(name)
                .or_else(|| ns.get(&name.to_lowercase()))
                .copied()
        };
        let cat = &from.artifact().catalogue;
        match (ty, v) {
            (TypeDesc::Bool, Value::Bool(_))
            | (TypeDesc::Int, Value::Int(_))
            | (TypeDesc::Text, Value::Text(_)) => Some(v.clone()),
            (TypeDesc::Date, Value::Date(d)) if YEARS.contains(d) => Some(v.clone()),
            (TypeDesc::DateTime, Value::DateTime(s)) if YEARS.contains(&s.div_euclid(86_400)) => {
                Some(v.clone())
            }
            (TypeDesc::Entity(t), Value::Entity(ft, e)) => {
                let name = &cat
                    .entity_types
                    .get(*ft as usize)?
                    .entities
                    .get(*e as usize)?
                    .name;
                let i = names(self.entity_names.get(*t as usize), name)?;
                Some(Value::Entity(*t, i))
            }
            (TypeDesc::Enum(t), Value::Enum(ft, e)) => {
                let name = cat.enums.get(*ft as usize)?.variants.get(*e as usize)?;
                let i = self.enum_names.get(*t as usize)?.get(name).copied()?;
                Some(Value::Enum(*t, i))
            }
            _ => None,
        }
    }

    /// An object with `members` (name, `from`'s type, value), read as type `ty`, as
    /// `Engine::record` reads it.
    fn read_object(
        &self,
        ty: &TypeDesc,
        from: &Engine,
        members: &[(&str, &TypeDesc, &Value)],
        depth: usize,
    ) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        match ty {
            TypeDesc::Optional(inner) => self.read_object(inner, from, members, depth + 1),
            TypeDesc::Record(r) => {
                let rec = self.artifact().records.get(*r as usize)?;
                if members
                    .iter()
                    .any(|(n, _, _)| !rec.fields.iter().any(|(f, _)| f == n))
                {
                    return None;
                }
                rec.fields
                    .iter()
                    .map(
                        |(name, fty)| match members.iter().find(|(n, _, _)| n == name) {
                            Some((_, wty, v)) => self.read_written(fty, from, wty, v, depth + 1),
                            None if matches!(fty, TypeDesc::Optional(_)) => Some(Value::Absent),
                            None => None,
                        },
                    )
                    .collect::<Option<Vec<Value>>>()
                    .map(Value::Record)
            }
            _ => None,
        }
    }
}
