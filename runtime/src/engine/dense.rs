//! The dense layout of a small table (at most [`DENSE_WORDS`] 64-row words): each time slice's
//! rows in force and every column's row sets in one array of words, so that deciding reads,
//! per column, the words at an offset computed from the request's value, with no pointer to
//! follow and no list of non-zero words to consult. Most real decisions are small (the
//! transit decision has one rule); large tables keep the sparse scan of `index.rs`.
//!
//! When every column and the as-of date read fields of one record input (`t.nationality`,
//! `t.onward_departure - t.arrival`, `t.onward_destination == t.origin`), the fields are
//! resolved once at load and read by position; otherwise each column's key comes from
//! [`Engine::key`]. Either way a request gets the key the sparse scan would read.

use super::*;

/// Tables of at most this many 64-row words (128 rows) are laid out densely.
pub(super) const DENSE_WORDS: usize = 2;

/// A decision's slices laid out densely.
#[derive(Debug)]
pub(super) struct Dense {
    /// Words per row set: 1 or 2.
    words: usize,
    columns: Box<[DenseColumn]>,
    /// For each slice: the rows in force, then each column's entries, `words` words each.
    slices: Box<[Box<[u64]>]>,
    /// The record input every column reads, when there is one.
    record: Option<RecordReads>,
}

/// Where a column's entries lie in a slice's words, and how a key finds its entry.
#[derive(Debug)]
struct DenseColumn {
    /// The first word of the column's first entry.
    base: usize,
    shape: OwnedShape,
}

#[derive(Debug)]
enum OwnedShape {
    Category(usize),
    Number(Box<[i64]>),
    Flag,
}

/// A decision whose columns and as-of date all read fields of one record input.
#[derive(Debug)]
struct RecordReads {
    param: usize,
    /// The field holding the as-of date or date-time.
    as_of: usize,
    /// How each column reads the record and finds its entry, in column order.
    reads: Box<[Read]>,
}

/// One column's read: how it finds its entry, and where the column's entries start.
#[derive(Debug)]
struct Read {
    op: Op,
    /// The first word of the column's first entry ([`DenseColumn::base`]).
    base: usize,
}

/// A column's read of the record fused with the lookup of its entry: the position of the
/// request's row set among the column's, the one [`Shape::position`] gives for the key
/// [`Engine::key`] reads (values then absent, regions then absent, false, true, absent),
/// without the key in between. The differential test holds the two to the same answers.
#[derive(Clone, Debug)]
enum Op {
    /// `t.f`, an entity or enum, of a domain with `n - 1` values (entry `n - 1`: absent).
    Category { field: usize, n: usize },
    /// `t.a - t.b` against breakpoints.
    Difference {
        a: usize,
        b: usize,
        breaks: Box<[i64]>,
    },
    /// `t.a == t.b`.
    Same(usize, usize),
    /// `t.f`, true or false.
    Flag(usize),
}

/// How a column's index turns a key into the position of its row set (values then absent,
/// regions then absent, false, true, absent): shared by the sparse and the dense layouts, so
/// that both read a request alike.
#[derive(Clone, Copy, Debug)]
pub(super) enum Shape<'a> {
    /// A category column with this many entries (the domain's values, then absent).
    Category(usize),
    /// A number column with these breakpoints (one more region than breaks, then absent).
    Number(&'a [i64]),
    Flag,
}

impl Shape<'_> {
    /// The position of a key's row set; `None` for a value outside the column's domain.
    #[inline(always)]
    pub(super) fn position(self, key: Key) -> Option<usize> {
        match (self, key) {
            (Shape::Category(n), Key::Category(v)) => ((v as usize) < n).then_some(v as usize),
            (Shape::Category(n), _) => n.checked_sub(1),
            (Shape::Number(breaks), Key::Number(x)) => Some(breaks.partition_point(|b| *b <= x)),
            (Shape::Number(breaks), _) => Some(breaks.len() + 1),
            (Shape::Flag, Key::Flag(b)) => Some(usize::from(b)),
            (Shape::Flag, _) => Some(2),
        }
    }

    /// How many row sets the column has.
    fn entries(self) -> usize {
        match self {
            Shape::Category(n) => n,
            Shape::Number(breaks) => breaks.len() + 2,
            Shape::Flag => 3,
        }
    }
}

impl DenseColumn {
    #[inline(always)]
    fn shape(&self) -> Shape<'_> {
        match &self.shape {
            OwnedShape::Category(n) => Shape::Category(*n),
            OwnedShape::Number(b) => Shape::Number(b),
            OwnedShape::Flag => Shape::Flag,
        }
    }
}

/// The record field a path reads, when it is one field of a parameter.
fn one_field(path: &Path) -> Option<(usize, usize)> {
    match path.fields.as_slice() {
        [f] => Some((path.param as usize, *f as usize)),
        _ => None,
    }
}

impl RecordReads {
    /// The reads of a decision whose columns and as-of date are all fields of one record
    /// parameter, or `None`.
    fn of(d: &DecisionTable, columns: &[DenseColumn]) -> Option<RecordReads> {
        let (param, as_of) = one_field(&d.as_of)?;
        if !matches!(d.params.get(param), Some((_, TypeDesc::Record(_)))) {
            return None;
        }
        let field = |p: &Path| one_field(p).filter(|(q, _)| *q == param).map(|(_, f)| f);
        let reads = d
            .columns
            .iter()
            .zip(columns)
            .map(|(col, column)| {
                let op = match (col, &column.shape) {
                    (Column::Category { path, .. }, OwnedShape::Category(n)) => {
                        Some(Op::Category {
                            field: field(path)?,
                            n: *n,
                        })
                    }
                    (Column::Flag { path }, OwnedShape::Flag) => Some(Op::Flag(field(path)?)),
                    (Column::Same { a, b }, OwnedShape::Flag) => {
                        Some(Op::Same(field(a)?, field(b)?))
                    }
                    (
                        Column::Number {
                            expr: NumExpr::Sub(a, b),
                            ..
                        },
                        OwnedShape::Number(breaks),
                    ) => match (a.as_ref(), b.as_ref()) {
                        (NumExpr::Path(a), NumExpr::Path(b)) => Some(Op::Difference {
                            a: field(a)?,
                            b: field(b)?,
                            breaks: breaks.clone(),
                        }),
                        _ => None,
                    },
                    _ => None,
                }?;
                Some(Read {
                    op,
                    base: column.base,
                })
            })
            .collect::<Option<Box<[Read]>>>()?;
        Some(RecordReads {
            param,
            as_of,
            reads,
        })
    }
}

/// `fields[a] - fields[b]`, as [`Engine::number`] computes `t.a - t.b`.
#[inline(always)]
fn difference(fields: &[Value], a: usize, b: usize) -> Option<i64> {
    match (fields.get(a)?, fields.get(b)?) {
        // Two dates are days apart: a duration counts seconds.
        (Value::Date(x), Value::Date(y)) => x.checked_sub(*y)?.checked_mul(86_400),
        (x, y) => x.as_number()?.checked_sub(y.as_number()?),
    }
}

impl Op {
    /// The position of the request's row set among the column's; `None` for a value outside
    /// the column's domain.
    #[inline(always)]
    fn position(&self, fields: &[Value]) -> Option<usize> {
        match self {
            Op::Category { field, n } => match fields.get(*field) {
                Some(Value::Entity(_, e) | Value::Enum(_, e)) => {
                    ((*e as usize) < *n).then_some(*e as usize)
                }
                _ => n.checked_sub(1),
            },
            Op::Difference { a, b, breaks } => Some(match difference(fields, *a, *b) {
                Some(x) => breaks.partition_point(|b| *b <= x),
                None => breaks.len() + 1,
            }),
            Op::Same(a, b) => Some(match (fields.get(*a), fields.get(*b)) {
                (Some(Value::Entity(s, x)), Some(Value::Entity(t, y))) => {
                    usize::from(s == t && x == y)
                }
                (Some(Value::Absent), _) | (_, Some(Value::Absent)) | (None, _) | (_, None) => 2,
                (Some(x), Some(y)) => usize::from(x == y),
            }),
            Op::Flag(f) => Some(match fields.get(*f) {
                Some(Value::Bool(b)) => usize::from(*b),
                _ => 2,
            }),
        }
    }
}

impl Dense {
    /// The dense layout of a compiled decision, when its rows fit in [`DENSE_WORDS`] words.
    pub(super) fn new(d: &DecisionTable, slices: &[SliceIndex]) -> Option<Dense> {
        let words = d.rows.len().div_ceil(64);
        if words == 0 || words > DENSE_WORDS {
            return None;
        }
        let first = slices.first()?;
        let mut base = words;
        let columns: Box<[DenseColumn]> = first
            .columns
            .iter()
            .map(|index| {
                let shape = match index.shape() {
                    Shape::Category(n) => OwnedShape::Category(n),
                    Shape::Number(b) => OwnedShape::Number(b.into()),
                    Shape::Flag => OwnedShape::Flag,
                };
                let column = DenseColumn { base, shape };
                base += column.shape().entries() * words;
                column
            })
            .collect();
        let mut laid_out = Vec::with_capacity(slices.len());
        for slice in slices {
            let mut out = Vec::with_capacity(base);
            out.extend(padded(slice.active.words(), words));
            for (index, column) in slice.columns.iter().zip(columns.iter()) {
                // Every slice's index of a column has the same shape: breakpoints come from
                // the rules' intervals, categories from the domain, whatever the day.
                if index.shape().entries() != column.shape().entries() {
                    return None;
                }
                for rows in index.row_sets() {
                    out.extend(padded(rows.words(), words));
                }
            }
            laid_out.push(out.into_boxed_slice());
        }
        Some(Dense {
            words,
            slices: laid_out.into_boxed_slice(),
            record: RecordReads::of(d, &columns),
            columns,
        })
    }
}

/// A row set's words, exactly `n` of them.
fn padded(w: &[u64], n: usize) -> impl Iterator<Item = u64> + '_ {
    w.iter().copied().chain(std::iter::repeat(0)).take(n)
}

impl Engine {
    /// Decides on the dense layout: the as-of day, its slice, then the rows in force ANDed
    /// with each column's entry for the request. Through a record's reads, every column is
    /// read with no branch on the rows left (the AND is the same whichever column empties
    /// it); otherwise, and for a value outside a column's domain, column by column, stopping
    /// at the first column that accepts no row (as the sparse scan does, which then reads no
    /// later column and so reports no error for it).
    ///
    /// The usual answer (a record's reads, then no row or one) is written here; every other
    /// case goes to [`Engine::decide_dense_rest`], out of line, which returns its whole answer:
    /// merging the two into one verdict to copy out cost more than the decision (the copy's
    /// loads, of pieces just stored at other widths, stalled on store forwarding).
    #[inline]
    pub(super) fn decide_dense(
        &self,
        decision: u32,
        d: &DecisionTable,
        c: &Compiled,
        dense: &Dense,
        inputs: &[Value],
    ) -> Result<Answer, EvalError> {
        if let Some((r, Some(Value::Record(fields)))) =
            dense.record.as_ref().map(|r| (r, inputs.get(r.param)))
        {
            if let Some(day) = as_of_day(fields, r.as_of) {
                let at = d.boundaries.partition_point(|b| *b <= day);
                if let Some(words) = dense.slices.get(at) {
                    let rows = match dense.words {
                        1 => record_rows::<1>(&r.reads, fields, words).map(|[x]| [x, 0]),
                        _ => record_rows::<2>(&r.reads, fields, words),
                    };
                    if let Some(verdict) = rows.and_then(|x| at_most_one(d, x)) {
                        return Ok(Answer {
                            decision,
                            verdict,
                            day,
                        });
                    }
                }
            }
        }
        self.decide_dense_rest(decision, d, c, dense, inputs)
    }

    /// [`Engine::decide_dense`] for every case but a record's reads leaving no row or one:
    /// several rows (the hit policy picks), a value outside a column's domain, columns that
    /// do not all read one record, a request without its as-of date.
    #[inline(never)]
    fn decide_dense_rest(
        &self,
        decision: u32,
        d: &DecisionTable,
        c: &Compiled,
        dense: &Dense,
        inputs: &[Value],
    ) -> Result<Answer, EvalError> {
        let fields = dense
            .record
            .as_ref()
            .and_then(|r| match inputs.get(r.param) {
                Some(Value::Record(fields)) => Some((r, fields.as_slice())),
                _ => None,
            });
        let day = match fields {
            Some((r, fields)) => {
                as_of_day(fields, r.as_of).ok_or_else(|| EvalError::NoDate(d.as_of.text.clone()))?
            }
            None => self.day_of(d, inputs)?,
        };
        let at = d.boundaries.partition_point(|b| *b <= day);
        let Some(words) = dense.slices.get(at) else {
            return Err(EvalError::BadInput("no such time slice".into()));
        };
        let verdict = match fields {
            Some((r, fields)) => {
                let rows =
                    match dense.words {
                        1 => record_rows::<1>(&r.reads, fields, words)
                            .map(|x| self.verdict_of(d, c, x)),
                        _ => record_rows::<2>(&r.reads, fields, words)
                            .map(|x| self.verdict_of(d, c, x)),
                    };
                match rows {
                    Some(verdict) => verdict,
                    // A value outside a column's domain: the column by column reading says
                    // whether a column before it already accepted no row, or which column
                    // refuses the request.
                    None => {
                        let position = |i: usize| r.reads.get(i)?.op.position(fields);
                        self.dense_verdict(d, c, dense, words, position)?
                    }
                }
            }
            None => {
                let position = |i: usize| {
                    let key = self.key(d.columns.get(i)?, inputs);
                    dense.columns.get(i)?.shape().position(key)
                };
                self.dense_verdict(d, c, dense, words, position)?
            }
        };
        Ok(Answer {
            decision,
            verdict,
            day,
        })
    }

    /// The rows in force ANDed with each column's entry (by its position for the request),
    /// then the verdict.
    #[inline]
    fn dense_verdict(
        &self,
        d: &DecisionTable,
        c: &Compiled,
        dense: &Dense,
        words: &[u64],
        position: impl Fn(usize) -> Option<usize>,
    ) -> Result<Verdict, EvalError> {
        Ok(match dense.words {
            1 => match and_columns::<1>(d, dense, words, position)? {
                Some(x) => self.verdict_of(d, c, x),
                None => none(d),
            },
            _ => match and_columns::<2>(d, dense, words, position)? {
                Some(x) => self.verdict_of(d, c, x),
                None => none(d),
            },
        })
    }

    /// The verdict from the rows left: one row is its rule's answer; several go through the
    /// hit policy.
    fn verdict_of<const N: usize>(&self, d: &DecisionTable, c: &Compiled, x: [u64; N]) -> Verdict {
        let mut two = [0u64; 2];
        for (t, x) in two.iter_mut().zip(x) {
            *t = x;
        }
        if let Some(verdict) = at_most_one(d, two) {
            return verdict;
        }
        let mut pick = self.pick(d);
        for (i, w) in x.into_iter().enumerate() {
            if pick.add_word(d, i, w, c.rows_in_rule_order) {
                break;
            }
        }
        pick.finish(d)
    }
}

/// The day of the record's as-of field (a date, or the day of a date-time), as
/// [`Engine::day_of`] reads it.
#[inline(always)]
fn as_of_day(fields: &[Value], as_of: usize) -> Option<i64> {
    match fields.get(as_of)? {
        Value::Date(days) => Some(*days),
        Value::DateTime(secs) => Some(secs.div_euclid(86_400)),
        _ => None,
    }
}

/// The verdict when the rows left are none or one (`None` when several are: the hit policy
/// picks among them).
#[inline(always)]
fn at_most_one(d: &DecisionTable, x: [u64; 2]) -> Option<Verdict> {
    let [lo, hi] = x;
    let row = match (lo, hi) {
        (0, 0) => return Some(none(d)),
        (w, 0) if w & (w - 1) == 0 => w.trailing_zeros() as usize,
        (0, w) if w & (w - 1) == 0 => 64 + w.trailing_zeros() as usize,
        _ => return None,
    };
    let rule = d.rows.get(row)?.rule;
    Some(match d.hit {
        Hit::Collect => Verdict::Collect(vec![rule]),
        _ => Verdict::Rule(rule),
    })
}

/// The rows in force ANDed with each column's entry (by its position for the request);
/// `None` as soon as a column accepts no row.
#[inline(always)]
fn and_columns<const N: usize>(
    d: &DecisionTable,
    dense: &Dense,
    words: &[u64],
    position: impl Fn(usize) -> Option<usize>,
) -> Result<Option<[u64; N]>, EvalError> {
    let bad = |i: usize| {
        let text = d.columns.get(i).map(column_text).unwrap_or_default();
        EvalError::BadInput(format!("column {text}"))
    };
    let mut x = [0u64; N];
    for (x, w) in x.iter_mut().zip(words) {
        *x = *w;
    }
    for (i, dc) in dense.columns.iter().enumerate() {
        let k = position(i).ok_or_else(|| bad(i))?;
        let at = dc.base + k * N;
        let w = words.get(at..at + N).ok_or_else(|| bad(i))?;
        let mut own = 0;
        for (x, w) in x.iter_mut().zip(w) {
            *x &= *w;
            own |= *w;
        }
        if own == 0 {
            return Ok(None);
        }
    }
    Ok(Some(x))
}

/// The rows in force ANDed with every column's entry, read from the record's fields with no
/// branch on the rows (which column empties them changes nothing: the AND is the same);
/// `None` for a value outside a column's domain.
#[inline(always)]
fn record_rows<const N: usize>(
    reads: &[Read],
    fields: &[Value],
    words: &[u64],
) -> Option<[u64; N]> {
    let mut x = [0u64; N];
    for (x, w) in x.iter_mut().zip(words) {
        *x = *w;
    }
    for read in reads {
        let at = read.base + read.op.position(fields)? * N;
        let w = words.get(at..at + N)?;
        for (x, w) in x.iter_mut().zip(w) {
            *x &= *w;
        }
    }
    Some(x)
}

/// The verdict when no rule matches.
fn none(d: &DecisionTable) -> Verdict {
    if d.otherwise.is_some() {
        Verdict::Otherwise
    } else {
        Verdict::NoMatch
    }
}
