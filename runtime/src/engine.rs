//! The engine: an artifact loaded and indexed for evaluation.
//!
//! Loading validates every index in the artifact (a crafted file gives an error, not a panic),
//! resolves names to slots, and builds, for each decision and each time slice, one index per
//! column: value → rows that accept it, with the positions of its non-zero 64-row words.
//! Deciding is then a binary search for the slice, one lookup per column, and an AND of the
//! columns' row sets over the non-zero words of the sparsest of them only; no rule is scanned,
//! and a large table costs little more than a small one when one column is selective. A table
//! of at most 128 rows is also laid out densely (`dense.rs`): each slice's row sets in one
//! array, read at offsets computed from the request, with no pointer to follow.

use std::collections::HashMap;
use std::sync::Arc;

use crate::artifact::{
    Artifact, Column, DecisionTable, Domain, Hit, LoadError, NumExpr, Path, Test,
};
use crate::bitset::RowSet;
use crate::value::{TypeDesc, Value};

mod dense;
mod index;
mod names;

pub(crate) use index::ColumnIndex;
use index::{Compiled, SliceIndex};
use names::entity_lookup;
pub(crate) use names::NameMap;

/// Decisions with at most this many columns keep their columns' rows on the stack.
const INLINE_COLUMNS: usize = 16;

/// Picks the verdict from the matching rows as they are found, without allocating unless
/// several rules must be returned.
struct Pick {
    hit: Hit,
    best: Option<u32>,
    /// `hit collect`, or the rules of a `hit unique` conflict.
    all: Vec<u32>,
}

impl Pick {
    /// Adds a matching rule; `true` when no later rule can change the verdict.
    fn add(&mut self, d: &DecisionTable, rule: u32, rows_in_rule_order: bool) -> bool {
        match (self.hit, self.best) {
            (Hit::Collect, _) => self.all.push(rule),
            (_, None) => {
                self.best = Some(rule);
                return self.hit == Hit::First && rows_in_rule_order;
            }
            (Hit::First, Some(b)) => self.best = Some(b.min(rule)),
            (Hit::Priority, Some(b)) => {
                let p = |r: u32| d.rules.get(r as usize).map_or(i64::MIN, |x| x.priority);
                if p(rule) > p(b) || (p(rule) == p(b) && rule < b) {
                    self.best = Some(rule);
                }
            }
            (Hit::Unique, Some(b)) => {
                if rule != b {
                    self.all.push(rule);
                }
            }
        }
        false
    }

    /// Adds the matching rows of 64-row word `w` (the bits of `x`), lowest first; `true` when
    /// no later row can change the verdict.
    fn add_word(&mut self, d: &DecisionTable, w: usize, mut x: u64, in_rule_order: bool) -> bool {
        while x != 0 {
            let row = w * 64 + x.trailing_zeros() as usize;
            x &= x - 1;
            if let Some(r) = d.rows.get(row) {
                if self.add(d, r.rule, in_rule_order) {
                    return true;
                }
            }
        }
        false
    }

    /// The verdict: the one rule picked is written in place; several rules (`hit collect`, a
    /// `hit unique` conflict) are sorted out of line. (Out of line, a verdict returned through
    /// memory was copied into the answer by loads wider than the stores that wrote it: a
    /// store-forwarding stall on every decision.)
    #[inline]
    fn finish(self, d: &DecisionTable) -> Verdict {
        match self.hit {
            Hit::Collect => self.finish_many(d),
            Hit::Unique if !self.all.is_empty() => self.finish_many(d),
            _ => match self.best {
                Some(rule) => Verdict::Rule(rule),
                None if d.otherwise.is_some() => Verdict::Otherwise,
                None => Verdict::NoMatch,
            },
        }
    }

    /// The verdict of `hit collect` (every matching rule, sorted, once each) and of `hit
    /// unique` when several rules matched (a conflict naming them).
    #[inline(never)]
    fn finish_many(mut self, d: &DecisionTable) -> Verdict {
        let none = || {
            if d.otherwise.is_some() {
                Verdict::Otherwise
            } else {
                Verdict::NoMatch
            }
        };
        match self.hit {
            Hit::Collect => {
                self.all.sort_unstable();
                self.all.dedup();
                if self.all.is_empty() {
                    none()
                } else {
                    Verdict::Collect(self.all)
                }
            }
            Hit::Unique if !self.all.is_empty() => {
                self.all.extend(self.best);
                self.all.sort_unstable();
                self.all.dedup();
                Verdict::Conflict(self.all)
            }
            _ => self.best.map_or_else(none, Verdict::Rule),
        }
    }
}

/// What a decision answered.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// This rule decided.
    Rule(u32),
    /// No rule matched; the decision's `otherwise` outcome applies.
    Otherwise,
    /// No rule matched and the decision has no `otherwise`.
    NoMatch,
    /// `hit collect`: every matching rule, in order.
    Collect(Vec<u32>),
    /// `hit unique`, and several rules matched.
    Conflict(Vec<u32>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub decision: u32,
    pub verdict: Verdict,
    /// The as-of day (days since 1970-01-01).
    pub day: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EvalError {
    UnknownDecision(String),
    /// The as-of input is absent or not a date.
    NoDate(String),
    /// The inputs do not have the decision's shape (only when the request was not validated).
    BadInput(String),
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvalError::UnknownDecision(d) => write!(f, "no decision is called `{d}`"),
            EvalError::NoDate(p) => write!(f, "the as-of input `{p}` has no date"),
            EvalError::BadInput(why) => write!(f, "the inputs do not fit the decision: {why}"),
        }
    }
}

impl std::error::Error for EvalError {}

pub struct Engine {
    artifact: Artifact,
    compiled: Vec<Compiled>,
    decisions: HashMap<String, u32>,
    pub(crate) entity_names: Vec<NameMap>,
    pub(crate) enum_names: Vec<NameMap>,
    /// For each entity type and entity: itself and its ancestors, as (type, entity).
    ancestors: Vec<Vec<Vec<(u32, u32)>>>,
    /// Lengths of time as the policies write them.
    durations: HashMap<i64, String>,
    /// Each decision's answers as JSON text, but for the day (the fast path).
    pub(crate) prepared: Vec<crate::fast::PreparedAnswers>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("decisions", &self.decisions.len())
            .finish()
    }
}

/// One value of a column for a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Key {
    Category(u32),
    Number(i64),
    Flag(bool),
    Absent,
}

impl Engine {
    /// Validates and indexes an artifact.
    pub fn new(artifact: Artifact) -> Result<Engine, LoadError> {
        crate::validate::validate(&artifact).map_err(LoadError::Inconsistent)?;
        let entity_names = artifact
            .catalogue
            .entity_types
            .iter()
            .map(entity_lookup)
            .collect();
        let enum_names = artifact
            .catalogue
            .enums
            .iter()
            .map(|e| {
                e.variants
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (v.as_str(), i as u32))
                    .collect()
            })
            .collect();
        let mut ancestors = Vec::new();
        for (t, ty) in artifact.catalogue.entity_types.iter().enumerate() {
            let mut per = Vec::new();
            for e in 0..ty.entities.len() {
                let mut chain = vec![(t as u32, e as u32)];
                let (mut ct, mut ce) = (t as u32, e as u32);
                while chain.len() < 64 {
                    let Some(cty) = artifact.catalogue.entity_types.get(ct as usize) else {
                        break;
                    };
                    let (Some(pt), Some(pe)) = (
                        cty.parent_type,
                        cty.entities.get(ce as usize).and_then(|x| x.parent),
                    ) else {
                        break;
                    };
                    chain.push((pt, pe));
                    ct = pt;
                    ce = pe;
                }
                per.push(chain);
            }
            ancestors.push(per);
        }
        let decisions = artifact
            .decisions
            .iter()
            .enumerate()
            .map(|(i, d)| (d.name.clone(), i as u32))
            .collect();
        let durations = artifact.durations.iter().cloned().collect();
        let mut engine = Engine {
            artifact,
            compiled: Vec::new(),
            decisions,
            entity_names,
            enum_names,
            ancestors,
            durations,
            prepared: Vec::new(),
        };
        let compiled = engine
            .artifact
            .decisions
            .iter()
            .map(|d| engine.compile(d))
            .collect();
        engine.compiled = compiled;
        engine.prepared = engine
            .artifact
            .decisions
            .iter()
            .map(|d| crate::fast::PreparedAnswers::new(&engine, d))
            .collect();
        Ok(engine)
    }

    /// Decodes, validates and indexes a binary artifact.
    pub fn from_bytes(bytes: &[u8]) -> Result<Engine, LoadError> {
        Engine::new(Artifact::from_bytes(bytes)?)
    }

    pub fn artifact(&self) -> &Artifact {
        &self.artifact
    }

    pub fn decision_id(&self, name: &str) -> Option<u32> {
        self.decisions.get(name).copied()
    }

    pub fn decision(&self, id: u32) -> Option<&DecisionTable> {
        self.artifact.decisions.get(id as usize)
    }

    /// Decides one request whose inputs are already validated (see [`Engine::parse_request`]).
    pub fn decide(&self, decision: u32, inputs: &[Value]) -> Result<Answer, EvalError> {
        self.decide_with(decision, inputs)
    }

    /// Decides many requests of one decision.
    pub fn decide_batch(
        &self,
        decision: u32,
        requests: &[Vec<Value>],
    ) -> Vec<Result<Answer, EvalError>> {
        // The decision is looked up once for the whole batch.
        let Some((d, c)) = self.table(decision) else {
            let unknown = EvalError::UnknownDecision(decision.to_string());
            return vec![Err(unknown); requests.len()];
        };
        requests
            .iter()
            .map(|r| self.decide_table(decision, d, c, r, true))
            .collect()
    }

    /// Decides by the sparse scan alone, even for a table laid out densely: for the tests that
    /// hold the two layouts to the same answers.
    #[doc(hidden)]
    pub fn decide_sparse(&self, decision: u32, inputs: &[Value]) -> Result<Answer, EvalError> {
        self.decide_on(decision, inputs, false)
    }

    #[inline]
    fn decide_with(&self, decision: u32, inputs: &[Value]) -> Result<Answer, EvalError> {
        self.decide_on(decision, inputs, true)
    }

    fn decide_on(&self, decision: u32, inputs: &[Value], dense: bool) -> Result<Answer, EvalError> {
        let Some((d, c)) = self.table(decision) else {
            return Err(EvalError::UnknownDecision(decision.to_string()));
        };
        self.decide_table(decision, d, c, inputs, dense)
    }

    /// A decision's table and its compiled index.
    #[inline]
    fn table(&self, decision: u32) -> Option<(&DecisionTable, &Compiled)> {
        Some((
            self.decision(decision)?,
            self.compiled.get(decision as usize)?,
        ))
    }

    /// Decides one request on a decision's table and its compiled index.
    #[inline(always)]
    fn decide_table(
        &self,
        decision: u32,
        d: &DecisionTable,
        c: &Compiled,
        inputs: &[Value],
        dense: bool,
    ) -> Result<Answer, EvalError> {
        if let Some(dense) = c.dense.as_ref().filter(|_| dense) {
            return self.decide_dense(decision, d, c, dense, inputs);
        }
        let day = self.day_of(d, inputs)?;
        let slice = &c.slices[d.boundaries.partition_point(|b| *b <= day)];
        let n = d.columns.len();
        let verdict = if n <= INLINE_COLUMNS {
            let mut rows: [&[u64]; INLINE_COLUMNS] = [&[]; INLINE_COLUMNS];
            match self.cuts(d, slice, inputs, &mut rows[..n])? {
                Some(driver) => self.scan(d, c, slice, &rows[..n], driver),
                None => Pick::finish(self.pick(d), d),
            }
        } else {
            let mut rows: Vec<&[u64]> = vec![&[]; n];
            match self.cuts(d, slice, inputs, &mut rows)? {
                Some(driver) => self.scan(d, c, slice, &rows, driver),
                None => Pick::finish(self.pick(d), d),
            }
        };
        Ok(Answer {
            decision,
            verdict,
            day,
        })
    }

    fn pick(&self, d: &DecisionTable) -> Pick {
        Pick {
            hit: d.hit,
            best: None,
            all: Vec::new(),
        }
    }

    /// Fills in each column's rows for the request, and returns the non-zero words of the
    /// sparsest of them (or of the rows in force); `None` when a column accepts no row.
    fn cuts<'a>(
        &self,
        d: &DecisionTable,
        slice: &'a SliceIndex,
        inputs: &[Value],
        out: &mut [&'a [u64]],
    ) -> Result<Option<&'a [u32]>, EvalError> {
        let mut driver: &[u32] = &slice.active_nonzero;
        for (((col, index), nonzero), out) in d
            .columns
            .iter()
            .zip(&slice.columns)
            .zip(&slice.nonzero)
            .zip(out.iter_mut())
        {
            let key = self.key(col, inputs);
            let Some((rows, k)) = index.lookup(key) else {
                return Err(EvalError::BadInput(format!("column {}", column_text(col))));
            };
            let nz = nonzero.get(k).map_or(&[][..], |b| &b[..]);
            if nz.is_empty() {
                return Ok(None);
            }
            if nz.len() < driver.len() {
                driver = nz;
            }
            *out = rows.words();
        }
        Ok(Some(driver))
    }

    /// ANDs the columns' rows over the driver's words only (the non-zero words of the sparsest
    /// row set: every other word of the AND is zero), and picks the verdict from the rows left.
    fn scan(
        &self,
        d: &DecisionTable,
        c: &Compiled,
        slice: &SliceIndex,
        rows: &[&[u64]],
        driver: &[u32],
    ) -> Verdict {
        let active = slice.active.words();
        let mut pick = self.pick(d);
        'words: for &w in driver {
            let w = w as usize;
            let mut x = active.get(w).copied().unwrap_or(0);
            for col in rows {
                x &= col.get(w).copied().unwrap_or(0);
                if x == 0 {
                    continue 'words;
                }
            }
            if pick.add_word(d, w, x, c.rows_in_rule_order) {
                break;
            }
        }
        pick.finish(d)
    }

    /// A duration as the policies write that length (`240h`, `30d`), else in hours.
    pub fn format_duration(&self, secs: i64) -> String {
        self.durations
            .get(&secs)
            .cloned()
            .unwrap_or_else(|| crate::value::format_duration(secs))
    }

    /// A number of a column or value of type `t` in words: a date, a date-time, a duration as
    /// the policies write it, a period, or an integer.
    pub fn format_number(&self, t: Option<&crate::value::TypeDesc>, n: i64) -> String {
        use crate::value::{format_date, format_datetime, format_period, TypeDesc};
        match t {
            Some(TypeDesc::Date) => format_date(n),
            Some(TypeDesc::DateTime) => format_datetime(n),
            Some(TypeDesc::Duration) => self.format_duration(n),
            Some(TypeDesc::Period) => format_period(n),
            _ => n.to_string(),
        }
    }

    /// The number of time slices of a decision (one more than its boundaries).
    pub(crate) fn slice_count(&self, decision: u32) -> usize {
        self.compiled
            .get(decision as usize)
            .map_or(0, |c| c.slices.len())
    }

    /// The rows in force in a slice, and each column's index there.
    pub(crate) fn slice(
        &self,
        decision: u32,
        slice: usize,
    ) -> Option<(&RowSet, &[Arc<ColumnIndex>])> {
        let s = self.compiled.get(decision as usize)?.slices.get(slice)?;
        Some((&s.active, &s.columns))
    }

    /// The as-of day of a request.
    pub(crate) fn day_of(&self, d: &DecisionTable, inputs: &[Value]) -> Result<i64, EvalError> {
        match self.path_value(&d.as_of, inputs) {
            Some(Value::Date(days)) => Ok(*days),
            Some(Value::DateTime(secs)) => Ok(secs.div_euclid(86_400)),
            _ => Err(EvalError::NoDate(d.as_of.text.clone())),
        }
    }

    /// The value at the end of a path, or `None` when the inputs do not fit.
    #[inline]
    pub(crate) fn path_value<'a>(&'a self, path: &Path, inputs: &'a [Value]) -> Option<&'a Value> {
        let mut v = inputs.get(path.param as usize)?;
        for &f in &path.fields {
            v = match v {
                Value::Absent => return Some(v),
                Value::Record(fields) => fields.get(f as usize)?,
                Value::Entity(t, e) => {
                    let ty = self.artifact.catalogue.entity_types.get(*t as usize)?;
                    ty.entities.get(*e as usize)?.attributes.get(f as usize)?
                }
                _ => return None,
            };
        }
        Some(v)
    }

    pub(crate) fn number(&self, e: &NumExpr, inputs: &[Value]) -> Option<i64> {
        // The usual shape, `t.b - t.a`, without recursion.
        if let NumExpr::Sub(a, b) = e {
            if let (NumExpr::Path(a), NumExpr::Path(b)) = (a.as_ref(), b.as_ref()) {
                return match (self.path_value(a, inputs)?, self.path_value(b, inputs)?) {
                    // Two dates are days apart: a duration counts seconds.
                    (Value::Date(x), Value::Date(y)) => x.checked_sub(*y)?.checked_mul(86_400),
                    (x, y) => x.as_number()?.checked_sub(y.as_number()?),
                };
            }
        }
        self.number_of(e, inputs).map(|(n, _)| n)
    }

    /// Is `e` a difference of two dates (a duration that is a whole number of days)?
    pub(crate) fn counts_days(&self, d: &DecisionTable, e: &NumExpr) -> bool {
        let is_date = |x: &NumExpr| match x {
            NumExpr::Path(p) => matches!(
                self.path_type(d, p)
                    .as_ref()
                    .map(TypeDesc::without_optional),
                Some(crate::value::TypeDesc::Date)
            ),
            _ => false,
        };
        matches!(e, NumExpr::Sub(a, b) if is_date(a) && is_date(b))
    }

    /// A numeric expression's value, and whether it is a date (a number of days): the
    /// difference of two dates is a duration, in seconds like every duration.
    pub(crate) fn number_of(&self, e: &NumExpr, inputs: &[Value]) -> Option<(i64, bool)> {
        match e {
            NumExpr::Path(p) => {
                let v = self.path_value(p, inputs)?;
                Some((v.as_number()?, matches!(v, Value::Date(_))))
            }
            NumExpr::Const(n) => Some((*n, false)),
            NumExpr::Add(a, b) => {
                let ((x, xd), (y, yd)) = (self.number_of(a, inputs)?, self.number_of(b, inputs)?);
                Some((x.checked_add(y)?, xd || yd))
            }
            NumExpr::Sub(a, b) => {
                let ((x, xd), (y, yd)) = (self.number_of(a, inputs)?, self.number_of(b, inputs)?);
                if xd && yd {
                    Some((x.checked_sub(y)?.checked_mul(86_400)?, false))
                } else {
                    Some((x.checked_sub(y)?, xd))
                }
            }
        }
    }

    #[inline]
    pub(crate) fn key(&self, col: &Column, inputs: &[Value]) -> Key {
        match col {
            Column::Category { path, .. } => match self.path_value(path, inputs) {
                Some(Value::Entity(_, e)) | Some(Value::Enum(_, e)) => Key::Category(*e),
                _ => Key::Absent,
            },
            Column::Number { expr, .. } => {
                self.number(expr, inputs).map_or(Key::Absent, Key::Number)
            }
            Column::Flag { path } => match self.path_value(path, inputs) {
                Some(Value::Bool(b)) => Key::Flag(*b),
                _ => Key::Absent,
            },
            Column::Same { a, b } => match (self.path_value(a, inputs), self.path_value(b, inputs))
            {
                (Some(Value::Absent), _) | (_, Some(Value::Absent)) | (None, _) | (_, None) => {
                    Key::Absent
                }
                (Some(x), Some(y)) => Key::Flag(x == y),
            },
        }
    }

    /// Is `member` (of `domain`) or one of its ancestors in the set on `day`?
    fn in_set(&self, set: u32, domain: Domain, member: u32, day: i64) -> bool {
        let Some(s) = self.artifact.sets.get(set as usize) else {
            return false;
        };
        let Some(slice) = s
            .slices
            .iter()
            .rev()
            .find(|sl| sl.from.is_none_or(|f| f <= day))
        else {
            return false;
        };
        match (domain, s.domain) {
            (Domain::Enum(_), Domain::Enum(_)) => slice.members.contains(&member),
            (Domain::Entity(t), Domain::Entity(st)) => self
                .chain(t, member)
                .iter()
                .any(|&(at, ae)| at == st && slice.members.contains(&ae)),
            _ => false,
        }
    }

    pub(crate) fn chain(&self, t: u32, e: u32) -> &[(u32, u32)] {
        self.ancestors
            .get(t as usize)
            .and_then(|p| p.get(e as usize))
            .map_or(&[], Vec::as_slice)
    }

    /// Does an atom accept a column key on a day?
    pub(crate) fn accepts(
        &self,
        col: &Column,
        test: &Test,
        absent: bool,
        key: Key,
        day: i64,
    ) -> bool {
        match (test, key) {
            (_, Key::Absent) => absent,
            (Test::Member { set, negate }, Key::Category(v)) => {
                let Column::Category { domain, .. } = col else {
                    return false;
                };
                self.in_set(*set, *domain, v, day) != *negate
            }
            (Test::Within { ty, entity, negate }, Key::Category(v)) => {
                let Column::Category {
                    domain: Domain::Entity(t),
                    ..
                } = col
                else {
                    return false;
                };
                self.chain(*t, v).contains(&(*ty, *entity)) != *negate
            }
            (Test::OneOf { values, negate }, Key::Category(v)) => values.contains(&v) != *negate,
            (Test::Interval { lo, hi }, Key::Number(n)) => {
                lo.is_none_or(|l| l <= n) && hi.is_none_or(|h| n <= h)
            }
            (Test::Is(b), Key::Flag(f)) => *b == f,
            _ => false,
        }
    }

    /// The version of a set in force on a day (its last slice from that day or before).
    fn set_version(&self, set: u32, day: i64) -> Option<usize> {
        let s = self.artifact.sets.get(set as usize)?;
        s.slices
            .iter()
            .rposition(|sl| sl.from.is_none_or(|f| f <= day))
    }

    /// The type of a decision's parameter, for request parsing.
    pub(crate) fn param_types(&self, d: &DecisionTable) -> Vec<(String, TypeDesc)> {
        d.params.clone()
    }
}

pub fn column_text(col: &Column) -> String {
    match col {
        Column::Category { path, .. } | Column::Flag { path } => path.text.clone(),
        Column::Number { text, .. } => text.clone(),
        Column::Same { a, b } => format!("{} == {}", a.text, b.text),
    }
}
