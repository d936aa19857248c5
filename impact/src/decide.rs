//! Deciding a record batch: each bound column is read once into values (a dictionary's
//! entries, or each distinct text, converted once), rows are grouped by their combination of
//! values, and each distinct combination is decided once by the engine. No JSON is written or
//! read per row.

// foldhash's maps (DataFusion's own): the keys are the batch's codes and values, hashed for
// every row.
use datafusion::common::HashMap;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Date32Array, Date64Array, Int64Array, StringArray,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type, TimeUnit};
use datafusion::arrow::record_batch::RecordBatch;
use edict_runtime::artifact::ZoneSpec;
use edict_runtime::{Answer, Engine, RequestError, TypeDesc, Value};
use serde_json::Value as Json;

use crate::inputs::{Binding, Leaf};

/// Why a row cannot be decided: the input and what is wrong with its value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RowError {
    /// The input, such as `t.nationality`.
    pub input: String,
    pub message: String,
}

impl RowError {
    fn from_request(e: RequestError) -> RowError {
        let message = match e.hint {
            Some(h) => format!("{} ({h})", e.message),
            None => e.message,
        };
        RowError {
            input: e.field,
            message,
        }
    }
}

/// One distinct combination of a batch's values, decided.
#[derive(Clone, Debug)]
pub struct Combo {
    pub inputs: Vec<Value>,
    pub answer: Answer,
}

/// A batch decided: the distinct combinations, and for each row the index of its own.
#[derive(Debug)]
pub struct Decided {
    pub combos: Vec<Result<Combo, RowError>>,
    pub rows: Vec<u32>,
}

/// Decides batches of one decision under one engine.
#[derive(Debug)]
pub struct Decider<'e> {
    pub engine: &'e Engine,
    pub decision: u32,
    pub binding: Binding,
}

/// One column read: for each row the index of its value, and the values.
struct Column {
    ids: Vec<u32>,
    values: Vec<Result<Value, RowError>>,
}

impl<'e> Decider<'e> {
    pub fn new(engine: &'e Engine, decision: u32, binding: Binding) -> Decider<'e> {
        Decider {
            engine,
            decision,
            binding,
        }
    }

    /// Decides every row of `batch` (whose schema the binding was made for).
    pub fn decide(&self, batch: &RecordBatch) -> Decided {
        let n = batch.num_rows();
        let columns: Vec<Column> = self
            .binding
            .leaves
            .iter()
            .zip(&self.binding.columns)
            .map(|(leaf, c)| match c {
                Some(i) => self.read(leaf, batch.column(*i)),
                None => Column {
                    ids: vec![0; n],
                    values: vec![Ok(Value::Absent)],
                },
            })
            .collect();
        let mut seen: HashMap<Box<[u32]>, u32> = HashMap::new();
        let mut rows = Vec::with_capacity(n);
        let mut key = vec![0u32; columns.len()];
        for r in 0..n {
            for (k, c) in key.iter_mut().zip(&columns) {
                *k = c.ids[r];
            }
            let id = match seen.get(&key[..]) {
                Some(id) => *id,
                None => {
                    let id = seen.len() as u32;
                    seen.insert(key.clone().into_boxed_slice(), id);
                    id
                }
            };
            rows.push(id);
        }
        // The combinations in the order they were met, moved out of the map.
        let mut keys: Vec<Box<[u32]>> = vec![Box::default(); seen.len()];
        for (k, id) in seen {
            keys[id as usize] = k;
        }
        let combos = keys
            .iter()
            .map(|key| {
                let mut leaves = Vec::with_capacity(key.len());
                for (c, id) in columns.iter().zip(key.iter()) {
                    match &c.values[*id as usize] {
                        Ok(v) => leaves.push(v.clone()),
                        Err(e) => return Err(e.clone()),
                    }
                }
                let inputs = self.assemble(leaves);
                self.engine
                    .decide(self.decision, &inputs)
                    .map(|answer| Combo { inputs, answer })
                    .map_err(|e| RowError {
                        input: String::new(),
                        message: e.to_string(),
                    })
            })
            .collect();
        Decided { combos, rows }
    }

    /// The decision's inputs from its leaves' values, in order: records built around them, an
    /// optional record missing when all its leaves are.
    fn assemble(&self, leaves: Vec<Value>) -> Vec<Value> {
        let mut it = leaves.into_iter();
        let Some(d) = self.engine.decision(self.decision) else {
            return Vec::new();
        };
        d.params
            .iter()
            .map(|(_, ty)| build(self.engine, ty, 0, &mut it))
            .collect()
    }

    /// Reads one column for one leaf.
    fn read(&self, leaf: &Leaf, array: &ArrayRef) -> Column {
        let n = array.len();
        let null = || -> Result<Value, RowError> {
            if leaf.optional {
                Ok(Value::Absent)
            } else {
                Err(RowError {
                    input: leaf.path.clone(),
                    message: "no value (null), and this input is required".into(),
                })
            }
        };
        match array.data_type() {
            DataType::Null => Column {
                ids: vec![0; n],
                values: vec![null()],
            },
            DataType::Dictionary(_, _) => {
                let dict = array.as_any_dictionary();
                let inner = self.read(leaf, dict.values());
                let keys = dict.normalized_keys();
                let null_id = inner.values.len() as u32;
                let mut values = inner.values;
                values.push(null());
                let ids = (0..n)
                    .map(|r| {
                        if array.is_null(r) {
                            null_id
                        } else {
                            keys.get(r)
                                .and_then(|k| inner.ids.get(*k))
                                .copied()
                                .unwrap_or(null_id)
                        }
                    })
                    .collect();
                Column { ids, values }
            }
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                let owned = match cast(array, &DataType::Utf8) {
                    Ok(a) => a,
                    Err(e) => return failed(leaf, n, e.to_string()),
                };
                let strings: &StringArray = owned.as_string::<i32>();
                let mut index: HashMap<&str, u32> = HashMap::new();
                let mut values = vec![null()];
                let ids = (0..n)
                    .map(|r| {
                        if strings.is_null(r) {
                            return 0;
                        }
                        let s = strings.value(r);
                        *index.entry(s).or_insert_with(|| {
                            values.push(self.text(leaf, s));
                            values.len() as u32 - 1
                        })
                    })
                    .collect();
                Column { ids, values }
            }
            _ => self.read_numbers(leaf, array, null),
        }
    }

    /// A text value for a leaf, read as a request's JSON string is read.
    fn text(&self, leaf: &Leaf, s: &str) -> Result<Value, RowError> {
        self.engine
            .input_value(&leaf.ty, &Json::String(s.to_string()), &leaf.path)
            .map_err(RowError::from_request)
    }

    /// Booleans, integers, dates, timestamps and durations: each row's number, interned.
    fn read_numbers(
        &self,
        leaf: &Leaf,
        array: &ArrayRef,
        null: impl Fn() -> Result<Value, RowError>,
    ) -> Column {
        let n = array.len();
        let ty = leaf.ty.without_optional().clone();
        // Each row as one number (days, seconds, or the value), and how to make it a value.
        let numbers: Vec<Option<i64>> = match array.data_type() {
            DataType::Boolean => {
                let b: &BooleanArray = array.as_boolean();
                b.iter().map(|v| v.map(i64::from)).collect()
            }
            dt if dt.is_integer() => match cast(array, &DataType::Int64) {
                Ok(a) => {
                    let a: &Int64Array = a.as_primitive::<Int64Type>();
                    a.iter().collect()
                }
                Err(e) => return failed(leaf, n, e.to_string()),
            },
            DataType::Date32 => {
                let a: &Date32Array = array.as_primitive();
                a.iter()
                    .map(|d| d.map(|d| day_as(&ty, i64::from(d))))
                    .collect()
            }
            DataType::Date64 => {
                let a: &Date64Array = array.as_primitive();
                a.iter()
                    .map(|ms| ms.map(|ms| day_as(&ty, ms.div_euclid(86_400_000))))
                    .collect()
            }
            DataType::Timestamp(unit, tz) => {
                let per_second = per_second(unit);
                let zone = match (tz, self.zone()) {
                    (None, _) => None,
                    (Some(_), Ok(z)) => Some(z),
                    (Some(tz), Err(why)) => {
                        return failed(
                            leaf,
                            n,
                            format!("the column holds instants (a timestamp in {tz}), but {why}"),
                        )
                    }
                };
                let a = match cast(array, &DataType::Int64) {
                    Ok(a) => a,
                    Err(e) => return failed(leaf, n, e.to_string()),
                };
                let a: &Int64Array = a.as_primitive::<Int64Type>();
                a.iter()
                    .map(|v| {
                        v.map(|v| {
                            let secs = v.div_euclid(per_second);
                            let civil = match &zone {
                                Some(z) => civil_seconds(secs, z),
                                None => secs,
                            };
                            match ty {
                                TypeDesc::Date => civil.div_euclid(86_400),
                                _ => civil,
                            }
                        })
                    })
                    .collect()
            }
            DataType::Duration(unit) => {
                let per_second = per_second(unit);
                match cast(array, &DataType::Int64) {
                    Ok(a) => {
                        let a: &Int64Array = a.as_primitive::<Int64Type>();
                        a.iter()
                            .map(|v| v.map(|v| v.div_euclid(per_second)))
                            .collect()
                    }
                    Err(e) => return failed(leaf, n, e.to_string()),
                }
            }
            other => {
                return failed(
                    leaf,
                    n,
                    format!("a column of {other} cannot feed this input"),
                )
            }
        };
        let mut index: HashMap<i64, u32> = HashMap::new();
        let mut values = vec![null()];
        let ids = numbers
            .into_iter()
            .map(|v| match v {
                None => 0,
                Some(v) => *index.entry(v).or_insert_with(|| {
                    values.push(Ok(number_value(&ty, v)));
                    values.len() as u32 - 1
                }),
            })
            .collect();
        Column { ids, values }
    }

    /// The decision's time zone, for instants in a column; why not, when it has none.
    fn zone(&self) -> Result<jiff::tz::TimeZone, String> {
        let d = self
            .engine
            .decision(self.decision)
            .ok_or_else(|| "the decision is missing".to_string())?;
        match &d.zone {
            Some(ZoneSpec::Named(name)) => jiff::tz::TimeZone::get(name)
                .map_err(|e| format!("its zone `{name}` is unknown: {e}")),
            Some(ZoneSpec::Attribute(p)) => Err(format!(
                "`{}` takes its zone from `{}`, which a column of instants cannot use yet; give \
                 civil times (a timestamp without a zone)",
                d.name, p.text
            )),
            None => Err(format!(
                "`{}` states no time zone; give civil times (a timestamp without a zone)",
                d.name
            )),
        }
    }
}

/// Every row of a column fails with the same reason.
fn failed(leaf: &Leaf, n: usize, message: String) -> Column {
    Column {
        ids: vec![0; n],
        values: vec![Err(RowError {
            input: leaf.path.clone(),
            message,
        })],
    }
}

fn per_second(unit: &TimeUnit) -> i64 {
    match unit {
        TimeUnit::Second => 1,
        TimeUnit::Millisecond => 1_000,
        TimeUnit::Microsecond => 1_000_000,
        TimeUnit::Nanosecond => 1_000_000_000,
    }
}

/// A day as a value of type `ty`: the day itself, or its midnight.
fn day_as(ty: &TypeDesc, day: i64) -> i64 {
    match ty {
        TypeDesc::DateTime => day * 86_400,
        _ => day,
    }
}

/// An instant's civil time in a zone, in seconds since 1970-01-01T00:00 (civil).
fn civil_seconds(secs: i64, zone: &jiff::tz::TimeZone) -> i64 {
    match jiff::Timestamp::from_second(secs) {
        Ok(t) => secs + i64::from(zone.to_offset(t).seconds()),
        Err(_) => secs,
    }
}

/// A number read from a column as a value of the leaf's type.
fn number_value(ty: &TypeDesc, v: i64) -> Value {
    match ty {
        TypeDesc::Bool => Value::Bool(v != 0),
        TypeDesc::Date => Value::Date(v),
        TypeDesc::DateTime => Value::DateTime(v),
        TypeDesc::Duration => Value::Duration(v),
        _ => Value::Int(v),
    }
}

/// A parameter's value from its leaves (taken in order from `it`).
fn build(
    engine: &Engine,
    ty: &TypeDesc,
    depth: usize,
    it: &mut impl Iterator<Item = Value>,
) -> Value {
    match ty {
        TypeDesc::Optional(inner) if matches!(**inner, TypeDesc::Record(_)) => {
            match build(engine, inner, depth, it) {
                Value::Record(fields) if fields.iter().all(all_absent) => Value::Absent,
                v => v,
            }
        }
        TypeDesc::Record(r) if depth < 8 => {
            let fields = engine
                .artifact()
                .records
                .get(*r as usize)
                .map_or(&[][..], |rec| &rec.fields[..]);
            Value::Record(
                fields
                    .iter()
                    .map(|(_, fty)| build(engine, fty, depth + 1, it))
                    .collect(),
            )
        }
        _ => it.next().unwrap_or(Value::Absent),
    }
}

fn all_absent(v: &Value) -> bool {
    match v {
        Value::Absent => true,
        Value::Record(fs) => fs.iter().all(all_absent),
        _ => false,
    }
}
