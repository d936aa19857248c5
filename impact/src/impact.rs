//! `edict impact`: a table of traffic decided under two versions of a policy. Each row is
//! decided on both sides (every distinct combination once per batch), a row answered
//! differently is placed in the diff's region that contains it (and so credited to the
//! amendment, value or relation entry and citation the diff names), and everything is counted:
//! by answer, by region, by any column, by day, with example rows; rows that cannot be decided
//! are counted with their reason, never dropped.

use std::collections::{BTreeMap, BTreeSet};

// foldhash's maps (DataFusion's own): classes are looked up for every row.
use datafusion::common::HashMap;
use std::sync::{Arc, Mutex};

use datafusion::arrow::array::{Array, ArrayRef, Float64Array, StringArray, UInt32Array};
use datafusion::arrow::compute::{cast, filter_record_batch};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::prelude::DataFrame;
use edict_runtime::diff::{answer_side, refused_side, Change, Side};
use edict_runtime::{Engine, TypeDesc, Verdict};
use futures::StreamExt;

use crate::decide::{Decided, Decider, RowError};
use crate::inputs::Binding;
use crate::report::{hashed, keep_first};
pub use crate::report::{RegionTally, Report, Tally, Transition, Undecided};
use crate::ImpactError;

/// What to count and how.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The column that holds each row's weight (crossings per row in aggregated data).
    pub weight: Option<String>,
    /// `input path → column` where a column is not named after its input.
    pub renames: BTreeMap<String, String>,
    /// Breakdowns: each a list of columns (or `month`, `day`) counted together.
    pub by: Vec<Vec<String>>,
    /// How many groups of each breakdown to show.
    pub top: usize,
    /// How many example rows to keep per region and per reason a row cannot be decided.
    pub examples: usize,
    /// Counts the rows decided, for a progress line.
    pub progress: Option<Arc<crate::Progress>>,
}

/// A breakdown's column: a table column, or the as-of day's month or day.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Key {
    Column(usize),
    Month,
    Day,
}

/// Everything a partition's task needs: both versions, their columns, what to count.
pub struct Plan {
    old: Arc<Engine>,
    new: Arc<Engine>,
    old_id: u32,
    new_id: u32,
    old_binding: Binding,
    new_binding: Binding,
    weight: Option<usize>,
    by: Vec<Vec<Key>>,
    /// The columns shown in examples.
    shown: Vec<usize>,
    changes: Vec<Change>,
    template: Report,
    changed_schema: SchemaRef,
    changed_rows: Option<Arc<Mutex<dyn ChangedSink>>>,
}

/// Where changed rows go (`--changed-rows FILE`) as they are found, each batch with the
/// table's columns and what each side answered ([`changed_schema`]); a file writer streams
/// them, so that any number of changed rows takes the memory of a batch.
pub trait ChangedSink: Send {
    fn write(&mut self, batch: RecordBatch) -> Result<(), ImpactError>;
}

/// Changed rows kept in memory (for tests and small tables).
pub struct ChangedRows {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
}

impl ChangedSink for ChangedRows {
    fn write(&mut self, batch: RecordBatch) -> Result<(), ImpactError> {
        self.batches.push(batch);
        Ok(())
    }
}

impl std::fmt::Debug for ChangedRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangedRows")
            .field("batches", &self.batches.len())
            .finish()
    }
}

/// The versions and the decision compared.
#[derive(Debug)]
pub struct Sides {
    pub old: Arc<Engine>,
    pub new: Arc<Engine>,
    pub decision: String,
    /// The diff's changes for the decision (empty when it does not change).
    pub changes: Vec<Change>,
}

/// Runs the table under both versions. With a sink, the changed rows go there too, as they are
/// found (with `before`, `after`, `region` and `because` columns: [`changed_schema`]).
pub async fn impact(
    sides: Sides,
    table: DataFrame,
    options: &Options,
    changed_rows: Option<Arc<Mutex<dyn ChangedSink>>>,
) -> Result<Report, ImpactError> {
    let schema: Schema = table.schema().as_arrow().clone();
    let plan = Arc::new(Plan::new(sides, &schema, options, changed_rows)?);
    let streams = table.execute_stream_partitioned().await?;
    let mut tasks = Vec::new();
    for mut stream in streams {
        let plan = Arc::clone(&plan);
        let progress = options.progress.clone();
        tasks.push(tokio::spawn(async move {
            let mut part = plan.start();
            while let Some(batch) = stream.next().await {
                let batch = batch?;
                plan.add(&mut part, &batch)?;
                if let Some(p) = &progress {
                    p.items.fetch_add(
                        batch.num_rows() as u64,
                        std::sync::atomic::Ordering::Relaxed,
                    );
                }
            }
            Ok::<Report, ImpactError>(part.report)
        }));
    }
    let mut report = plan.template();
    for t in tasks {
        let part = t
            .await
            .map_err(|e| ImpactError::Usage(format!("a worker failed: {e}")))??;
        report.merge(part);
    }
    Ok(report)
}

/// A part of the table counted: its report so far, and the sides met, numbered once per part.
pub struct Partial {
    pub report: Report,
    memo: SideMemo,
}

impl Plan {
    /// The plan for a table of this schema: binds its columns to both versions' inputs (an
    /// error names a column that cannot feed its input), and resolves the weight and the
    /// breakdowns.
    pub fn new(
        sides: Sides,
        schema: &Schema,
        options: &Options,
        changed_rows: Option<Arc<Mutex<dyn ChangedSink>>>,
    ) -> Result<Plan, ImpactError> {
        let (Some(old_id), Some(new_id)) = (
            sides.old.decision_id(&sides.decision),
            sides.new.decision_id(&sides.decision),
        ) else {
            return Err(ImpactError::Usage(format!(
                "both versions must have the decision `{}`",
                sides.decision
            )));
        };
        let new_binding = Binding::new(&sides.new, new_id, schema, &options.renames)?;
        let old_binding = Binding::new(&sides.old, old_id, schema, &options.renames)?;
        let column = |name: &str| -> Result<usize, ImpactError> {
            // A column by its name, or by the input it feeds.
            schema
                .index_of(name)
                .ok()
                .or_else(|| {
                    new_binding
                        .leaves
                        .iter()
                        .position(|l| l.path == name)
                        .and_then(|i| new_binding.columns[i])
                })
                .ok_or_else(|| {
                    ImpactError::Usage(format!(
                        "`--by {name}`: the table has no column `{name}` (nor does an input of that \
                         name have one); give a column, an input, `month` or `day`"
                    ))
                })
        };
        let weight = match &options.weight {
            None => None,
            Some(w) => {
                let i = schema.index_of(w).map_err(|_| {
                    ImpactError::Usage(format!("`--weight {w}`: the table has no column `{w}`"))
                })?;
                let dt = schema.field(i).data_type();
                if !(dt.is_integer() || dt.is_floating()) {
                    return Err(ImpactError::Usage(format!(
                        "`--weight {w}`: the column is {}, not a number",
                        crate::inputs::type_words(dt)
                    )));
                }
                Some(i)
            }
        };
        let by_names: Vec<Vec<String>> = if options.by.is_empty() {
            // Each entry or enum input alone, then the month.
            let mut by: Vec<Vec<String>> = new_binding
                .leaves
                .iter()
                .zip(&new_binding.columns)
                .filter(|(l, c)| {
                    c.is_some()
                        && matches!(
                            l.ty.without_optional(),
                            TypeDesc::Entity(_) | TypeDesc::Enum(_)
                        )
                })
                .map(|(l, _)| vec![l.path.clone()])
                .collect();
            by.push(vec!["month".into()]);
            by
        } else {
            options.by.clone()
        };
        let mut by = Vec::new();
        for group in &by_names {
            let mut keys = Vec::new();
            for name in group {
                keys.push(match name.as_str() {
                    "month" => Key::Month,
                    "day" => Key::Day,
                    other => Key::Column(column(other)?),
                });
            }
            by.push(keys);
        }
        let mut shown: Vec<usize> = new_binding.columns.iter().flatten().copied().collect();
        shown.extend(old_binding.columns.iter().flatten().copied());
        shown.extend(weight);
        let mut seen = BTreeSet::new();
        shown.retain(|c| seen.insert(*c));
        let template = Report {
            decision: sides.decision.clone(),
            inputs: new_binding
                .leaves
                .iter()
                .map(|l| l.path.clone())
                .zip(new_binding.column_names(schema))
                .collect(),
            weight_column: options.weight.clone(),
            by: by_names,
            example_columns: shown
                .iter()
                .map(|c| schema.field(*c).name().clone())
                .collect(),
            changes: sides.changes.clone(),
            options_top: options.top,
            options_examples: options.examples,
            ..Report::default()
        };
        Ok(Plan {
            old: sides.old,
            new: sides.new,
            old_id,
            new_id,
            old_binding,
            new_binding,
            weight,
            by,
            shown,
            changes: sides.changes,
            template,
            changed_schema: Arc::new(changed_schema(schema)),
            changed_rows,
        })
    }

    /// An empty report with the run's columns, breakdowns and the diff's changes.
    pub fn template(&self) -> Report {
        self.template.clone()
    }

    /// A part to count batches into.
    pub fn start(&self) -> Partial {
        Partial {
            report: self.template(),
            memo: SideMemo::default(),
        }
    }

    /// Counts one batch of the table into a part.
    pub fn add(&self, part: &mut Partial, batch: &RecordBatch) -> Result<(), ImpactError> {
        self.batch(batch, &mut part.report, &mut part.memo)
    }
}

/// The diff's changes for one decision (none when it does not change), to which rows are
/// credited.
pub fn changes(old: &Engine, new: &Engine, decision: &str) -> Vec<Change> {
    edict_runtime::diff::diff_with(old, new, Default::default())
        .into_iter()
        .find_map(|d| match d {
            edict_runtime::diff::DecisionDiff::Changed {
                decision: n,
                changes,
            } if n == decision => Some(changes),
            _ => None,
        })
        .unwrap_or_default()
}

/// The changed rows' columns: the table's, then what each side answered and why it changed.
pub fn changed_schema(schema: &Schema) -> Schema {
    let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    for name in ["before", "after", "because"] {
        fields.push(Field::new(format!("edict_{name}"), DataType::Utf8, true));
    }
    fields.push(Field::new("edict_region", DataType::UInt32, true));
    Schema::new(fields)
}

/// What happened to the rows of one pair of combinations not answered alike.
enum Class {
    Changed {
        before: Arc<Side>,
        after: Arc<Side>,
        region: Option<usize>,
    },
    Undecided(&'static str, RowError),
}

/// Each side's answers in the diff's terms, by verdict: a side depends on the decision and the
/// verdict only, so each is built (from the answer's JSON) once per task, not once per row.
/// Sides are numbered in the order met.
#[derive(Default)]
struct SideMemo {
    old: SideIds,
    new: SideIds,
    /// Per pair of side numbers (old, new): whether they answer alike (in status and outcome,
    /// as the diff counts a change, not in which rule gave it).
    alike: HashMap<(u32, u32), bool>,
}

/// A combination's side number, or why it was not decided.
type SideOr<'d> = Result<u32, &'d RowError>;

#[derive(Default)]
struct SideIds {
    ids: HashMap<Verdict, u32>,
    sides: Vec<Arc<Side>>,
}

impl SideMemo {
    /// Whether an old side and a new one answer alike.
    fn alike(&mut self, old: u32, new: u32) -> bool {
        let (olds, news) = (&self.old.sides, &self.new.sides);
        *self.alike.entry((old, new)).or_insert_with(|| {
            let (b, a) = (&olds[old as usize], &news[new as usize]);
            (&b.status, &b.outcome) == (&a.status, &a.outcome)
        })
    }
}

impl SideIds {
    /// The number of an answer's side.
    fn id(&mut self, engine: &Engine, answer: &edict_runtime::Answer) -> u32 {
        if let Some(id) = self.ids.get(&answer.verdict) {
            return *id;
        }
        let side = answer_side(engine, answer).unwrap_or_else(refused_side);
        let id = self.sides.len() as u32;
        self.sides.push(Arc::new(side));
        self.ids.insert(answer.verdict.clone(), id);
        id
    }

    /// Each combination's side number, or why it was not decided.
    fn of<'d>(&mut self, engine: &Engine, decided: &'d Decided) -> Vec<SideOr<'d>> {
        decided
            .answers
            .iter()
            .map(|a| a.as_ref().map(|a| self.id(engine, a)))
            .collect()
    }
}

impl Plan {
    fn batch(
        &self,
        batch: &RecordBatch,
        report: &mut Report,
        memo: &mut SideMemo,
    ) -> Result<(), ImpactError> {
        let deciders = (
            Decider::new(&self.old, self.old_id, self.old_binding.clone()),
            Decider::new(&self.new, self.new_id, self.new_binding.clone()),
        );
        let old = deciders.0.decide(batch);
        let new = deciders.1.decide(batch);
        let old_sides = memo.old.of(&self.old, &old);
        let new_sides = memo.new.of(&self.new, &new);
        let weights: Option<Float64Array> = match self.weight {
            Some(i) => {
                let a = cast(batch.column(i), &DataType::Float64)?;
                a.as_any().downcast_ref::<Float64Array>().cloned()
            }
            None => None,
        };
        let weight_of = |r: usize| -> f64 {
            weights
                .as_ref()
                .map_or(1.0, |w| if w.is_null(r) { 0.0 } else { w.value(r) })
        };
        let options = FormatOptions::default().with_null("null");
        let formatters: HashMap<usize, ArrayFormatter> = self
            .shown
            .iter()
            .chain(self.by.iter().flatten().filter_map(|k| match k {
                Key::Column(c) => Some(c),
                _ => None,
            }))
            .filter_map(|c| {
                ArrayFormatter::try_new(batch.column(*c).as_ref(), &options)
                    .ok()
                    .map(|f| (*c, f))
            })
            .collect();
        let text = |c: usize, r: usize| -> String {
            formatters
                .get(&c)
                .map(|f| f.value(r).to_string())
                .unwrap_or_default()
        };
        let example = |r: usize| -> (u64, Vec<String>) {
            hashed(self.shown.iter().map(|c| text(*c, r)).collect())
        };
        // Rows answered alike are counted per side and added to the report once per batch;
        // each other distinct pair of combinations is classified (and placed in its region)
        // once.
        let mut same: Vec<Tally> = vec![Tally::default(); memo.new.sides.len()];
        let mut classes: HashMap<(u32, u32), Class> = HashMap::new();
        let mut keep = Vec::new();
        let mut extra: [Vec<Option<String>>; 3] = Default::default();
        let mut regions = Vec::new();
        for r in 0..batch.num_rows() {
            let pair = (old.rows[r], new.rows[r]);
            let w = weight_of(r);
            report.total.add(w);
            if let (Ok(os), Ok(ns)) = (old_sides[pair.0 as usize], new_sides[pair.1 as usize]) {
                if memo.alike(os, ns) {
                    same[ns as usize].add(w);
                    continue;
                }
            }
            let class = classes.entry(pair).or_insert_with(|| {
                self.classify(
                    &deciders,
                    (&old, &new),
                    pair,
                    (&old_sides, &new_sides),
                    memo,
                )
            });
            match class {
                Class::Undecided(which, e) => {
                    let u = report
                        .undecided
                        .entry((which.to_string(), e.clone()))
                        .or_default();
                    u.tally.add(w);
                    u.examples.insert(example(r));
                    keep_first(&mut u.examples, report.options_examples);
                }
                Class::Changed {
                    before,
                    after,
                    region,
                } => {
                    let region = *region;
                    let day = new.answers[pair.1 as usize]
                        .as_ref()
                        .map(|a| a.day)
                        .unwrap_or_default();
                    report.changed_by_day.entry(day).or_default().add(w);
                    if self.changed_rows.is_some() {
                        keep.push(r);
                        extra[0].push(Some(words(before)));
                        extra[1].push(Some(words(after)));
                        extra[2].push(region.map(|i| self.because(i)));
                        regions.push(region.map(|i| i as u32 + 1));
                    }
                    let tr = report
                        .changed
                        .entry((before.as_ref().clone(), after.as_ref().clone()))
                        .or_default();
                    tr.tally.add(w);
                    let rt = tr.regions.entry(region).or_default();
                    rt.tally.add(w);
                    if rt.by.len() < self.by.len() {
                        rt.by.resize_with(self.by.len(), BTreeMap::new);
                    }
                    for (i, keys) in self.by.iter().enumerate() {
                        let group: Vec<String> = keys
                            .iter()
                            .map(|k| match k {
                                Key::Column(c) => text(*c, r),
                                Key::Month => edict_runtime::value::format_date(day)
                                    .chars()
                                    .take(7)
                                    .collect(),
                                Key::Day => edict_runtime::value::format_date(day),
                            })
                            .collect();
                        rt.by[i].entry(group).or_default().add(w);
                    }
                    rt.examples.insert(example(r));
                    keep_first(&mut rt.examples, report.options_examples);
                }
            }
        }
        for (side, tally) in memo.new.sides.iter().zip(&same) {
            if tally.rows > 0 {
                report
                    .unchanged
                    .entry(side.as_ref().clone())
                    .or_default()
                    .merge(*tally);
            }
        }
        if let Some(rows) = &self.changed_rows {
            if !keep.is_empty() {
                let mask: Vec<bool> = {
                    let mut m = vec![false; batch.num_rows()];
                    for r in &keep {
                        m[*r] = true;
                    }
                    m
                };
                let kept = filter_record_batch(batch, &mask.into())?;
                let mut columns: Vec<ArrayRef> = kept.columns().to_vec();
                for e in extra {
                    columns.push(Arc::new(StringArray::from(e)));
                }
                columns.push(Arc::new(UInt32Array::from(regions)));
                let out = RecordBatch::try_new(Arc::clone(&self.changed_schema), columns)?;
                rows.lock()
                    .map_err(|_| ImpactError::Usage("a worker failed".into()))?
                    .write(out)?;
            }
        }
        Ok(())
    }

    /// The citations of a region's causes, for the changed rows' file.
    fn because(&self, region: usize) -> String {
        self.changes
            .get(region)
            .map(Change::credits_text)
            .unwrap_or_default()
    }

    /// Classifies one pair of combinations that is not answered alike: changed (and in which
    /// of the diff's regions), or not decided on one side.
    fn classify(
        &self,
        (old_decider, new_decider): &(Decider<'_>, Decider<'_>),
        (old, new): (&Decided, &Decided),
        (o, n): (u32, u32),
        (old_sides, new_sides): (&[SideOr<'_>], &[SideOr<'_>]),
        memo: &SideMemo,
    ) -> Class {
        let new_side = match new_sides[n as usize] {
            Ok(id) => id,
            Err(e) => return Class::Undecided("new", e.clone()),
        };
        let after = Arc::clone(&memo.new.sides[new_side as usize]);
        let old_side = match old_sides[o as usize] {
            Err(e) if !self.only_new_catalogue(e) => return Class::Undecided("old", e.clone()),
            side => side,
        };
        let new_inputs = new.inputs(new_decider, n);
        match old_side {
            Ok(old_side) => {
                let before = Arc::clone(&memo.old.sides[old_side as usize]);
                let old_inputs = old.inputs(old_decider, o);
                let at = (self.old.as_ref(), self.old_id, old_inputs.as_slice());
                let nat = (self.new.as_ref(), self.new_id, new_inputs.as_slice());
                let region = self
                    .changes
                    .iter()
                    .position(|c| c.before == *before && c.after == *after && c.contains(at, nat))
                    .or_else(|| self.changes.iter().position(|c| c.contains(at, nat)));
                Class::Changed {
                    before,
                    after,
                    region,
                }
            }
            // The new side reads the row and the old one does not: an entry only the new
            // catalogue has, which the old version refuses (as the diff says).
            Err(_) => {
                let before = Arc::new(refused_side());
                let region = self.changes.iter().position(|c| {
                    c.before == *before
                        && c.contains_on_new_side(&self.new, self.new_id, &new_inputs)
                });
                Class::Changed {
                    before,
                    after,
                    region,
                }
            }
        }
    }

    /// Whether the old side's error is an entry or enum value its catalogue lacks.
    fn only_new_catalogue(&self, e: &RowError) -> bool {
        self.old_binding.leaves.iter().any(|l| {
            l.path == e.input
                && matches!(
                    l.ty.without_optional(),
                    TypeDesc::Entity(_) | TypeDesc::Enum(_)
                )
        })
    }
}

/// A side's answer in words: `status: visa_free_transit, max_stay: 240h (rule visa_free_transit)`.
pub fn words(s: &Side) -> String {
    let outcome = outcome_words(&s.outcome);
    let rules = s.rules_text();
    match s.status.as_str() {
        "decided" => format!("{outcome} (rule {rules})"),
        "otherwise" => format!("{outcome} (otherwise)"),
        "conflict" => format!("conflict between rules {rules}"),
        "collected" => format!("{outcome} (rules {rules})"),
        edict_runtime::diff::NOT_IN_CATALOGUE => {
            "refused (an entry this version's catalogue lacks)".into()
        }
        _ => "no rule applies".into(),
    }
}

/// An outcome's JSON as `status: visa_free_transit, max_stay: 240h`.
pub fn outcome_words(json: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(json) {
        Ok(serde_json::Value::Object(o)) => o
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}: {s}"),
                other => format!("{k}: {other}"),
            })
            .collect::<Vec<_>>()
            .join(", "),
        Ok(serde_json::Value::String(s)) => s,
        _ => json.to_string(),
    }
}
