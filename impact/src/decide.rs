//! Deciding a record batch: each bound column is read once into values (a dictionary's
//! entries, or each distinct text, converted once), rows are grouped by their combination of
//! values, and each distinct combination is decided once by the engine, on one set of inputs
//! refilled in place. No JSON is written or read per row, and nothing is allocated per
//! combination but its answer.

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

/// A batch decided: each distinct combination's answer, and for each row the index of its own.
#[derive(Debug)]
pub struct Decided {
    /// Per distinct combination (in the order first met), its answer, or why its rows cannot
    /// be decided.
    pub answers: Vec<Result<Answer, RowError>>,
    /// Per row, the index of its combination.
    pub rows: Vec<u32>,
    /// Per combination, the index of each leaf's value (one per leaf, combination after
    /// combination).
    keys: Vec<u32>,
    /// Per leaf, the distinct values of its column.
    values: Vec<Vec<Result<Value, RowError>>>,
}

impl Decided {
    /// The inputs one combination was decided on (for a row's region in the diff, or to show
    /// it); an input that could not be read is absent.
    pub fn inputs(&self, decider: &Decider<'_>, combo: u32) -> Vec<Value> {
        let width = self.values.len();
        let start = combo as usize * width;
        let key = self.keys.get(start..start + width).unwrap_or(&[]);
        decider.assemble(leaf_values(&self.values, key).cloned().collect())
    }
}

/// The values a combination's key picks, one per leaf (absent where the column could not be
/// read: such a combination is never decided).
fn leaf_values<'a>(
    values: &'a [Vec<Result<Value, RowError>>],
    key: &'a [u32],
) -> impl Iterator<Item = &'a Value> + 'a {
    values
        .iter()
        .zip(key)
        .map(|(v, id)| match v.get(*id as usize) {
            Some(Ok(v)) => v,
            _ => &ABSENT,
        })
}

static ABSENT: Value = Value::Absent;

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

    /// Decides every row of `batch` (whose schema the binding was made for). The inputs are
    /// one set of values, refilled in place for each distinct combination: nothing is
    /// allocated per combination unless a value is text or an optional record comes back
    /// after being absent.
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
        let (rows, keys, count) = combinations(&columns, n);
        let values: Vec<Vec<Result<Value, RowError>>> =
            columns.into_iter().map(|c| c.values).collect();
        let width = values.len();
        let params: &[(String, TypeDesc)] = match self.engine.decision(self.decision) {
            Some(d) => &d.params,
            None => &[],
        };
        let mut inputs = self.assemble(Vec::new());
        let answers = (0..count)
            .map(|i| {
                let key = &keys[i * width..(i + 1) * width];
                if let Some(Err(e)) = values
                    .iter()
                    .zip(key)
                    .map(|(v, id)| &v[*id as usize])
                    .find(|v| v.is_err())
                {
                    return Err(e.clone());
                }
                let mut leaves = leaf_values(&values, key);
                for ((_, ty), slot) in params.iter().zip(inputs.iter_mut()) {
                    fill(self.engine, ty, 0, slot, &mut leaves);
                }
                self.engine
                    .decide(self.decision, &inputs)
                    .map_err(|e| RowError {
                        input: String::new(),
                        message: e.to_string(),
                    })
            })
            .collect();
        Decided {
            answers,
            rows,
            keys,
            values,
        }
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
        // Sized for every row distinct (a column of times nearly is): growing the map as the
        // values come was a tenth of the whole run.
        let mut index: HashMap<i64, u32> = HashMap::with_capacity(n);
        let mut values = Vec::with_capacity(n + 1);
        values.push(null());
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

/// Each row's combination of value indexes, numbered in the order first met: per row its
/// number, each combination's indexes (one per column, combination after combination), and
/// how many there are. When the indexes fit in 128 bits (up to nine columns of a batch of
/// 8,192 rows), a row's combination is one number, hashed without allocating; otherwise its
/// slice of indexes.
fn combinations(columns: &[Column], n: usize) -> (Vec<u32>, Vec<u32>, usize) {
    let width = columns.len();
    let bits: Vec<u32> = columns
        .iter()
        .map(|c| usize::BITS - c.values.len().saturating_sub(1).leading_zeros())
        .collect();
    let mut rows = Vec::with_capacity(n);
    let mut keys = Vec::new();
    let count = if bits.iter().sum::<u32>() <= 128 {
        let mut packed = vec![0u128; n];
        let mut shift = 0;
        for (c, b) in columns.iter().zip(&bits) {
            if *b > 0 {
                for (k, id) in packed.iter_mut().zip(&c.ids) {
                    *k |= u128::from(*id) << shift;
                }
                shift += b;
            }
        }
        let mut seen: HashMap<u128, u32> = HashMap::with_capacity(n);
        for (r, k) in packed.iter().enumerate() {
            let next = seen.len() as u32;
            let id = *seen.entry(*k).or_insert_with(|| {
                keys.extend(columns.iter().map(|c| c.ids[r]));
                next
            });
            rows.push(id);
        }
        seen.len()
    } else {
        let mut all = Vec::with_capacity(n * width);
        for r in 0..n {
            all.extend(columns.iter().map(|c| c.ids[r]));
        }
        let mut seen: HashMap<&[u32], u32> = HashMap::with_capacity(n);
        for key in all.chunks(width) {
            let next = seen.len() as u32;
            let id = *seen.entry(key).or_insert_with(|| {
                keys.extend_from_slice(key);
                next
            });
            rows.push(id);
        }
        seen.len()
    };
    (rows, keys, count)
}

/// Refills a parameter's value in place from its leaves (taken in order from `it`), as
/// [`build`] would make it, allocating only where the shape changes (an optional record
/// absent before and present now).
fn fill<'a>(
    engine: &Engine,
    ty: &TypeDesc,
    depth: usize,
    slot: &mut Value,
    it: &mut impl Iterator<Item = &'a Value>,
) {
    match ty {
        TypeDesc::Optional(inner) if matches!(**inner, TypeDesc::Record(_)) => {
            if !matches!(slot, Value::Record(_)) {
                *slot = build(engine, ty, depth, &mut it.cloned());
                return;
            }
            fill(engine, inner, depth, slot, it);
            if matches!(slot, Value::Record(fields) if fields.iter().all(all_absent)) {
                *slot = Value::Absent;
            }
        }
        TypeDesc::Record(r) if depth < 8 => {
            let fields = record_fields(engine, *r);
            match slot {
                Value::Record(values) if values.len() == fields.len() => {
                    for (v, (_, fty)) in values.iter_mut().zip(fields) {
                        fill(engine, fty, depth + 1, v, it);
                    }
                }
                _ => *slot = build(engine, ty, depth, &mut it.cloned()),
            }
        }
        _ => match it.next() {
            Some(v) => slot.clone_from(v),
            None => *slot = Value::Absent,
        },
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
            let fields = record_fields(engine, *r);
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

/// A record type's fields with their types (none for a record the artifact lacks).
fn record_fields(engine: &Engine, record: u32) -> &[(String, TypeDesc)] {
    engine
        .artifact()
        .records
        .get(record as usize)
        .map_or(&[][..], |rec| &rec.fields[..])
}

fn all_absent(v: &Value) -> bool {
    match v {
        Value::Absent => true,
        Value::Record(fs) => fs.iter().all(all_absent),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns of `rows` rows, the `c`-th with `sizes[c]` values. Each takes its lowest and
    /// highest values (0, 1, size - 2, size - 1: a key's bits at both ends of its field) by a
    /// base-4 digit of the row, so that neighbouring columns vary independently and fields
    /// that overlapped would collide; rows repeat every 4,000, so that combinations recur.
    fn columns(sizes: &[usize], rows: usize) -> Vec<Column> {
        sizes
            .iter()
            .enumerate()
            .map(|(c, &size)| {
                let ends = [0, 1, size.saturating_sub(2), size - 1].map(|e| e.min(size - 1));
                Column {
                    ids: (0..rows)
                        .map(|r| ends[(r % 4_000) / 4usize.pow(c as u32 % 8) % 4] as u32)
                        .collect(),
                    values: (0..size).map(|v| Ok(Value::Int(v as i64))).collect(),
                }
            })
            .collect()
    }

    /// The law of `combinations`: two rows share a combination exactly when every column
    /// gives them the same value, numbers follow the order first met, and a combination's
    /// key holds its rows' indexes.
    fn check(sizes: &[usize], rows: usize) {
        let cols = columns(sizes, rows);
        let (ids, keys, count) = combinations(&cols, rows);
        assert_eq!(ids.len(), rows);
        assert_eq!(keys.len(), count * cols.len());
        let tuple = |r: usize| -> Vec<u32> { cols.iter().map(|c| c.ids[r]).collect() };
        let mut next = 0;
        for (r, id) in ids.iter().enumerate() {
            let id = *id as usize;
            assert!(id <= next, "row {r}: combination {id} before {next}");
            if id == next {
                next += 1;
            }
            let w = cols.len();
            assert_eq!(keys[id * w..(id + 1) * w], tuple(r)[..], "row {r}");
        }
        assert_eq!(next, count);
        for r in (0..rows).step_by(7) {
            for s in (r + 1..rows).step_by(13) {
                assert_eq!(ids[r] == ids[s], tuple(r) == tuple(s), "rows {r} and {s}");
            }
        }
    }

    #[test]
    fn combinations_in_128_bits() {
        // 6 columns: 1 value (no bits), 2, 3, 200, 4,097 and 8,193 values: 45 bits.
        check(&[1, 2, 3, 200, 4_097, 8_193], 8_192);
    }

    #[test]
    fn combinations_past_128_bits() {
        // 11 columns of 4,097 values: 143 bits, so each combination is a slice of indexes.
        check(&[4_097; 11], 8_192);
        // Exactly 128 bits still packs: 8 columns of 65,536 values.
        check(&[65_536; 8], 8_192);
    }
}
