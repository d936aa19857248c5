//! Witness requests: a concrete request whose columns take chosen values (one key per column),
//! built from a decision's inputs. `verify` builds one for each finding and `diff` one for each
//! cell it compares; both evaluate it on the real tables to confirm what they report.

use crate::artifact::{Column, DecisionTable, Domain, NumExpr, Path};
use crate::engine::{Engine, Key};
use crate::value::{TypeDesc, Value};

/// The keys of a witness request with the entries kept: where a category column keys an entry
/// (`t.port`), the keys of columns reading its attributes (`t.port.kind`) are left out, since
/// they follow from the entry (`example_keys` would otherwise choose another entry for them).
pub(crate) fn entries_first(d: &DecisionTable, keys: &[Option<Key>]) -> Vec<Option<Key>> {
    let entries: Vec<&Path> = keys
        .iter()
        .zip(&d.columns)
        .filter_map(|(key, col)| match (key, col) {
            (Some(Key::Category(_)), Column::Category { path, .. }) => Some(path),
            _ => None,
        })
        .collect();
    keys.iter()
        .zip(&d.columns)
        .map(|(key, col)| match col {
            Column::Category { path, .. }
                if entries.iter().any(|e| {
                    e.param == path.param
                        && e.fields.len() < path.fields.len()
                        && path.fields.starts_with(&e.fields)
                }) =>
            {
                None
            }
            _ => *key,
        })
        .collect()
}

/// The value a request takes to stand for the interval `[lo, hi)` of a number column: its
/// lower bound (or just below the upper one); for a column that counts days (a difference of two
/// dates), the first whole day in the interval, when there is one.
pub(crate) fn representative(lo: Option<i64>, hi: Option<i64>, days: bool) -> i64 {
    let rep = lo.unwrap_or_else(|| hi.map_or(0, |h| h.saturating_sub(1)));
    if !days {
        return rep;
    }
    const DAY: i64 = 86_400;
    let aligned = match lo {
        Some(l) => l.div_euclid(DAY) + i64::from(l.rem_euclid(DAY) != 0),
        None => rep.div_euclid(DAY),
    }
    .saturating_mul(DAY);
    if lo.is_none_or(|l| l <= aligned) && hi.is_none_or(|h| aligned < h) {
        aligned
    } else {
        rep
    }
}

impl Engine {
    /// A request on `day` whose column `c` has the value `keys[c]` (when given), starting from
    /// `base` or from default values.
    pub(crate) fn example_keys(
        &self,
        id: u32,
        day: i64,
        keys: &[Option<Key>],
        base: Option<Vec<Value>>,
    ) -> Vec<Value> {
        let Some(d) = self.decision(id) else {
            return Vec::new();
        };
        let mut inputs: Vec<Value> = base.unwrap_or_else(|| {
            d.params
                .iter()
                .map(|(_, t)| self.default_value(t, day))
                .collect()
        });
        // The as-of input falls on the day.
        if let Some(TypeDesc::DateTime) = self
            .path_type(d, &d.as_of)
            .as_ref()
            .map(TypeDesc::without_optional)
        {
            self.set_path(
                &mut inputs,
                &d.as_of,
                Value::DateTime(day * 86_400 + 12 * 3600),
            );
        } else {
            self.set_path(&mut inputs, &d.as_of, Value::Date(day));
        }
        // Categories and flags first, then equalities, then numbers (which build on them).
        for pass in 0..3 {
            for (c, key) in keys.iter().enumerate() {
                let Some(key) = *key else { continue };
                let Some(col) = d.columns.get(c) else {
                    continue;
                };
                match (col, pass, key) {
                    (Column::Category { path, .. } | Column::Flag { path }, 0, Key::Absent) => {
                        self.set_path(&mut inputs, path, Value::Absent)
                    }
                    (Column::Category { path, domain }, 0, Key::Category(x)) => {
                        let value = match domain {
                            Domain::Entity(t) => Value::Entity(*t, x),
                            Domain::Enum(e) => Value::Enum(*e, x),
                        };
                        self.set_path(&mut inputs, path, value);
                    }
                    (Column::Flag { path }, 0, Key::Flag(b)) => {
                        self.set_path(&mut inputs, path, Value::Bool(b))
                    }
                    (Column::Same { a, b }, 1, Key::Flag(eq)) => {
                        let av = self
                            .path_value(a, &inputs)
                            .cloned()
                            .unwrap_or(Value::Absent);
                        let bv = if eq { av } else { self.other_than(&av) };
                        self.set_path(&mut inputs, b, bv);
                    }
                    (Column::Same { a, b }, 1, Key::Absent) => {
                        let p = if self.path_may_be_absent(d, a) { a } else { b };
                        self.set_path(&mut inputs, p, Value::Absent)
                    }
                    (Column::Number { expr, .. }, 2, Key::Number(n)) => {
                        self.set_number(&mut inputs, expr, n)
                    }
                    (Column::Number { expr, .. }, 2, Key::Absent) => {
                        if let Some(p) = self.optional_path(d, expr) {
                            self.set_path(&mut inputs, p, Value::Absent)
                        }
                    }
                    _ => {}
                }
            }
        }
        inputs
    }

    pub(crate) fn other_than(&self, v: &Value) -> Value {
        let cat = &self.artifact().catalogue;
        match v {
            Value::Entity(t, e) => {
                let n = cat
                    .entity_types
                    .get(*t as usize)
                    .map_or(1, |t| t.entities.len()) as u32;
                Value::Entity(*t, if n > 1 { (e + 1) % n } else { *e })
            }
            Value::Enum(t, e) => {
                let n = cat.enums.get(*t as usize).map_or(1, |t| t.variants.len()) as u32;
                Value::Enum(*t, if n > 1 { (e + 1) % n } else { *e })
            }
            Value::Bool(b) => Value::Bool(!b),
            Value::Int(n) => Value::Int(n + 1),
            other => other.clone(),
        }
    }

    /// Sets the inputs so that a numeric expression equals `n` (solving for its last input).
    fn set_number(&self, inputs: &mut [Value], e: &NumExpr, n: i64) {
        match e {
            NumExpr::Path(p) => {
                let v = match self.path_value(p, inputs) {
                    Some(Value::Date(_)) => Value::Date(n),
                    Some(Value::DateTime(_)) => Value::DateTime(n),
                    Some(Value::Duration(_)) => Value::Duration(n),
                    Some(Value::Period(_)) => Value::Period(n),
                    _ => Value::Int(n),
                };
                self.set_path(inputs, p, v);
            }
            NumExpr::Sub(a, b) => {
                let (bv, b_date) = self.number_of(b, inputs).unwrap_or((0, false));
                let a_date = matches!(a.as_ref(), NumExpr::Path(p)
                    if matches!(self.path_value(p, inputs), Some(Value::Date(_))));
                if a_date && b_date {
                    // `n` seconds between two dates: whole days (the classes' representatives
                    // of such a column are whole days where the class holds one).
                    self.set_number(inputs, a, bv.saturating_add(n.div_euclid(86_400)));
                } else {
                    self.set_number(inputs, a, n.saturating_add(bv));
                }
            }
            NumExpr::Add(a, b) => {
                let bv = self.eval_num(b, inputs).unwrap_or(0);
                self.set_number(inputs, a, n.saturating_sub(bv));
            }
            NumExpr::Const(_) => {}
        }
    }

    fn eval_num(&self, e: &NumExpr, inputs: &[Value]) -> Option<i64> {
        self.number(e, inputs)
    }

    fn default_value(&self, t: &TypeDesc, day: i64) -> Value {
        match t {
            TypeDesc::Bool => Value::Bool(false),
            TypeDesc::Int => Value::Int(0),
            TypeDesc::Text => Value::Text(String::new()),
            TypeDesc::Date => Value::Date(day),
            TypeDesc::DateTime => Value::DateTime(day * 86_400 + 12 * 3600),
            TypeDesc::Duration => Value::Duration(0),
            TypeDesc::Period => Value::Period(0),
            TypeDesc::Range(inner) => Value::Range(
                Box::new(self.default_value(inner, day)),
                Box::new(self.default_value(inner, day)),
            ),
            TypeDesc::Entity(e) => Value::Entity(*e, 0),
            TypeDesc::Enum(e) => Value::Enum(*e, 0),
            TypeDesc::Record(r) => Value::Record(self.artifact().records.get(*r as usize).map_or(
                Vec::new(),
                |r| {
                    r.fields
                        .iter()
                        .map(|(_, t)| self.default_value(t, day))
                        .collect()
                },
            )),
            TypeDesc::Optional(inner) => self.default_value(inner, day),
        }
    }

    /// Whether some request leaves this column's value out: an optional field on its path.
    pub(crate) fn column_may_be_absent(&self, d: &DecisionTable, col: &Column) -> bool {
        fn num(e: &Engine, d: &DecisionTable, x: &NumExpr) -> bool {
            match x {
                NumExpr::Path(p) => e.path_may_be_absent(d, p),
                NumExpr::Const(_) => false,
                NumExpr::Add(a, b) | NumExpr::Sub(a, b) => num(e, d, a) || num(e, d, b),
            }
        }
        match col {
            Column::Category { path, .. } | Column::Flag { path } => {
                self.path_may_be_absent(d, path)
            }
            Column::Same { a, b } => self.path_may_be_absent(d, a) || self.path_may_be_absent(d, b),
            Column::Number { expr, .. } => num(self, d, expr),
        }
    }

    /// The first path of a number expression whose value may be missing.
    fn optional_path<'e>(&self, d: &DecisionTable, e: &'e NumExpr) -> Option<&'e Path> {
        match e {
            NumExpr::Path(p) => self.path_may_be_absent(d, p).then_some(p),
            NumExpr::Const(_) => None,
            NumExpr::Add(a, b) | NumExpr::Sub(a, b) => self
                .optional_path(d, a)
                .or_else(|| self.optional_path(d, b)),
        }
    }

    /// Whether the input, or a field or attribute on the way to the path's end, is optional.
    fn path_may_be_absent(&self, d: &DecisionTable, p: &Path) -> bool {
        (0..=p.fields.len()).any(|n| {
            let prefix = Path {
                param: p.param,
                fields: p.fields[..n].to_vec(),
                text: String::new(),
            };
            // A type that cannot be read is treated as optional: the safe side.
            self.path_type(d, &prefix)
                .is_none_or(|t| matches!(t, TypeDesc::Optional(_)))
        })
    }

    pub(crate) fn path_type(&self, d: &DecisionTable, p: &Path) -> Option<TypeDesc> {
        let mut t = d.params.get(p.param as usize)?.1.clone();
        for &f in &p.fields {
            t = match t.without_optional() {
                TypeDesc::Record(r) => self
                    .artifact()
                    .records
                    .get(*r as usize)?
                    .fields
                    .get(f as usize)?
                    .1
                    .clone(),
                TypeDesc::Entity(e) => self
                    .artifact()
                    .catalogue
                    .entity_types
                    .get(*e as usize)?
                    .attributes
                    .get(f as usize)?
                    .1
                    .clone(),
                _ => return None,
            };
        }
        Some(t)
    }

    /// Writes `value` at the end of `path`. Through an entity attribute, an entity whose
    /// attribute has that value is chosen instead.
    pub(crate) fn set_path(&self, inputs: &mut [Value], path: &Path, value: Value) {
        let Some(root) = inputs.get_mut(path.param as usize) else {
            return;
        };
        set_in(self, root, &path.fields, value);
    }
}

fn set_in(engine: &Engine, slot: &mut Value, fields: &[u32], value: Value) {
    let Some((&first, rest)) = fields.split_first() else {
        *slot = value;
        return;
    };
    match slot {
        Value::Record(fs) => {
            if let Some(f) = fs.get_mut(first as usize) {
                set_in(engine, f, rest, value);
            }
        }
        Value::Entity(t, _) => {
            // Choose an entity whose attribute (chain) has the value.
            let t = *t;
            let Some(ty) = engine.artifact().catalogue.entity_types.get(t as usize) else {
                return;
            };
            for (i, _) in ty.entities.iter().enumerate() {
                let mut candidate = Value::Entity(t, i as u32);
                let probe = Path {
                    param: 0,
                    fields: fields.to_vec(),
                    text: String::new(),
                };
                let inputs = [candidate.clone()];
                if engine.path_value(&probe, &inputs) == Some(&value) {
                    std::mem::swap(slot, &mut candidate);
                    return;
                }
            }
        }
        _ => {}
    }
}
