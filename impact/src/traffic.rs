//! Synthetic crossings for tests and benchmarks: transit travellers whose nationalities, ports,
//! onward destinations, stay lengths and arrival months follow a mix written down with its
//! sources (`examples/traffic/mix.json`, from `examples/research/traffic.md`). Nothing in the
//! output is real traffic; the same mix and seed give the same rows.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, StringDictionaryBuilder, TimestampSecondArray};
use datafusion::arrow::datatypes::{DataType, Field, Int32Type, Schema, SchemaRef, TimeUnit};
use datafusion::arrow::record_batch::RecordBatch;
use serde_json::Value as Json;

/// A name with its weight. The name `*` stands for every entry of the catalogue the list does
/// not name (but those in `except`), sharing the weight evenly (see [`Mix::expand`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Weighted {
    pub name: String,
    pub weight: f64,
    pub except: Vec<String>,
}

/// Stay lengths in hours, `[lo, hi)`, with a weight.
#[derive(Clone, Debug, PartialEq)]
pub struct Stay {
    pub hours: (u32, u32),
    pub weight: f64,
}

/// The shape of the traffic.
#[derive(Clone, Debug, PartialEq)]
pub struct Mix {
    pub nationality: Vec<Weighted>,
    pub arrival_port: Vec<Weighted>,
    pub onward_destination: Vec<Weighted>,
    /// The share of travellers who arrive from their own country.
    pub origin_is_nationality: f64,
    /// The share whose onward ticket goes back where they came from.
    pub onward_to_origin: f64,
    pub stay: Vec<Stay>,
    /// Weights of the months 1 to 12.
    pub month: [f64; 12],
}

fn weighted(j: &Json, key: &str) -> Result<Vec<Weighted>, String> {
    let items = j
        .get(key)
        .and_then(Json::as_array)
        .ok_or_else(|| format!("the mix has no list `{key}`"))?;
    let out: Vec<Weighted> = items
        .iter()
        .map(|i| {
            let name = i.get("name").and_then(Json::as_str);
            let weight = i.get("weight").and_then(Json::as_f64);
            match (name, weight) {
                (Some(n), Some(w)) if w >= 0.0 => Ok(Weighted {
                    name: n.to_string(),
                    weight: w,
                    except: i
                        .get("except")
                        .and_then(Json::as_array)
                        .map(|e| {
                            e.iter()
                                .filter_map(Json::as_str)
                                .map(str::to_string)
                                .collect()
                        })
                        .unwrap_or_default(),
                }),
                _ => Err(format!(
                    "`{key}`: each item needs a `name` and a weight of 0 or more"
                )),
            }
        })
        .collect::<Result<_, _>>()?;
    if out.iter().map(|w| w.weight).sum::<f64>() <= 0.0 {
        return Err(format!("`{key}`: the weights add up to nothing"));
    }
    Ok(out)
}

impl Mix {
    /// Reads a mix from its JSON form (see `examples/traffic/mix.json`).
    pub fn from_json(text: &str) -> Result<Mix, String> {
        let j: Json =
            serde_json::from_str(text).map_err(|e| format!("the mix is not JSON: {e}"))?;
        let share = |key: &str| -> Result<f64, String> {
            j.get(key)
                .and_then(|v| v.get("share").or(Some(v)))
                .and_then(Json::as_f64)
                .filter(|s| (0.0..=1.0).contains(s))
                .ok_or_else(|| format!("the mix needs `{key}` as a share from 0 to 1"))
        };
        let stay = j
            .get("stay_hours")
            .and_then(Json::as_array)
            .ok_or("the mix has no list `stay_hours`")?
            .iter()
            .map(|s| {
                let lo = s.get("from").and_then(Json::as_u64);
                let hi = s.get("to").and_then(Json::as_u64);
                let w = s.get("weight").and_then(Json::as_f64);
                match (lo, hi, w) {
                    (Some(lo), Some(hi), Some(w)) if lo < hi && hi < 10_000 => Ok(Stay {
                        hours: (lo as u32, hi as u32),
                        weight: w,
                    }),
                    _ => Err(
                        "`stay_hours`: each item needs `from` < `to` (hours) and a `weight`"
                            .to_string(),
                    ),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let months = j
            .get("month")
            .and_then(Json::as_array)
            .filter(|m| m.len() == 12)
            .ok_or("the mix needs `month`: 12 weights, January to December")?;
        let mut month = [0.0; 12];
        for (m, v) in month.iter_mut().zip(months) {
            *m = v.as_f64().ok_or("`month`: weights are numbers")?;
        }
        Ok(Mix {
            nationality: weighted(&j, "nationality")?,
            arrival_port: weighted(&j, "arrival_port")?,
            onward_destination: weighted(&j, "onward_destination")?,
            origin_is_nationality: share("origin_is_nationality")?,
            onward_to_origin: share("onward_to_origin")?,
            stay,
            month,
        })
    }
}

impl Mix {
    /// Replaces each `*` with the entries `all` gives for its list (`nationality`,
    /// `arrival_port`, `onward_destination`) that the list does not name.
    pub fn expand(&mut self, all: impl Fn(&str) -> Vec<String>) {
        for (column, list) in [
            ("nationality", &mut self.nationality),
            ("arrival_port", &mut self.arrival_port),
            ("onward_destination", &mut self.onward_destination),
        ] {
            let named: Vec<String> = list.iter().map(|w| w.name.clone()).collect();
            let mut out = Vec::with_capacity(list.len());
            for w in list.drain(..) {
                if w.name != "*" {
                    out.push(w);
                    continue;
                }
                let rest: Vec<String> = all(column)
                    .into_iter()
                    .filter(|n| !named.contains(n) && !w.except.contains(n))
                    .collect();
                let each = w.weight / rest.len().max(1) as f64;
                out.extend(rest.into_iter().map(|name| Weighted {
                    name,
                    weight: each,
                    except: Vec::new(),
                }));
            }
            *list = out;
        }
    }
}

/// A small, fast, reproducible generator (SplitMix64).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[lo, hi)`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + (self.next_u64() % (hi - lo) as u64) as i64
    }
}

/// Picks an index by weight.
struct Picker {
    cumulative: Vec<f64>,
}

impl Picker {
    fn new(weights: impl Iterator<Item = f64>) -> Picker {
        let mut total = 0.0;
        let cumulative = weights
            .map(|w| {
                total += w.max(0.0);
                total
            })
            .collect();
        Picker { cumulative }
    }

    fn pick(&self, rng: &mut Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.unit() * total;
        self.cumulative
            .partition_point(|c| *c <= x)
            .min(self.cumulative.len().saturating_sub(1))
    }
}

/// The columns the generator writes: the transit decision's inputs by their last names.
pub fn schema() -> SchemaRef {
    let dict = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    let ts = DataType::Timestamp(TimeUnit::Second, None);
    Arc::new(Schema::new(vec![
        Field::new("nationality", dict.clone(), false),
        Field::new("origin", dict.clone(), false),
        Field::new("arrival_port", dict.clone(), false),
        Field::new("arrival", ts.clone(), false),
        Field::new("onward_destination", dict, false),
        Field::new("onward_departure", ts, false),
    ]))
}

/// `rows` crossings arriving on the days `[first, first + days)` (days since 1970-01-01), in
/// batches of at most `batch` rows.
pub fn generate(
    mix: &Mix,
    seed: u64,
    rows: usize,
    first: i64,
    days: i64,
    batch: usize,
) -> Result<Vec<RecordBatch>, String> {
    let mut out = Vec::new();
    generate_each(mix, seed, rows, first, days, batch, |b| {
        out.push(b);
        Ok(())
    })?;
    Ok(out)
}

/// As [`generate`], handing each batch to `each` as it is made (a file of any size is written
/// in the memory of one batch).
pub fn generate_each(
    mix: &Mix,
    seed: u64,
    rows: usize,
    first: i64,
    days: i64,
    batch: usize,
    mut each: impl FnMut(RecordBatch) -> Result<(), String>,
) -> Result<(), String> {
    let mut rng = Rng::new(seed);
    let nat = Picker::new(mix.nationality.iter().map(|w| w.weight));
    let port = Picker::new(mix.arrival_port.iter().map(|w| w.weight));
    let dest = Picker::new(mix.onward_destination.iter().map(|w| w.weight));
    let stay = Picker::new(mix.stay.iter().map(|s| s.weight));
    let day_weights: Vec<f64> = (0..days.max(1))
        .map(|d| mix.month[month_of(first + d)])
        .collect();
    let day = Picker::new(day_weights.into_iter());
    let mut left = rows;
    while left > 0 {
        let n = left.min(batch.max(1));
        left -= n;
        let mut nationality = StringDictionaryBuilder::<Int32Type>::new();
        let mut origin = StringDictionaryBuilder::<Int32Type>::new();
        let mut arrival_port = StringDictionaryBuilder::<Int32Type>::new();
        let mut onward = StringDictionaryBuilder::<Int32Type>::new();
        let mut arrival = Vec::with_capacity(n);
        let mut departure = Vec::with_capacity(n);
        for _ in 0..n {
            let na = &mix.nationality[nat.pick(&mut rng)].name;
            let or = if rng.unit() < mix.origin_is_nationality {
                na.clone()
            } else {
                mix.nationality[nat.pick(&mut rng)].name.clone()
            };
            let de = if rng.unit() < mix.onward_to_origin {
                or.clone()
            } else {
                mix.onward_destination[dest.pick(&mut rng)].name.clone()
            };
            let at = (first + day.pick(&mut rng) as i64) * 86_400 + rng.range(0, 96) * 900;
            let (lo, hi) = mix.stay[stay.pick(&mut rng)].hours;
            let leave = at + rng.range(i64::from(lo) * 4, i64::from(hi) * 4) * 900;
            nationality.append_value(na);
            origin.append_value(&or);
            arrival_port.append_value(&mix.arrival_port[port.pick(&mut rng)].name);
            onward.append_value(&de);
            arrival.push(at);
            departure.push(leave.max(at + 900));
        }
        let columns: Vec<ArrayRef> = vec![
            Arc::new(nationality.finish()),
            Arc::new(origin.finish()),
            Arc::new(arrival_port.finish()),
            Arc::new(TimestampSecondArray::from(arrival)),
            Arc::new(onward.finish()),
            Arc::new(TimestampSecondArray::from(departure)),
        ];
        each(RecordBatch::try_new(schema(), columns).map_err(|e| e.to_string())?)?;
    }
    Ok(())
}

/// The month (0 to 11) of a day since 1970-01-01.
fn month_of(day: i64) -> usize {
    let text = edict_runtime::value::format_date(day);
    text.get(5..7)
        .and_then(|m| m.parse::<usize>().ok())
        .map_or(0, |m| m.saturating_sub(1).min(11))
}
