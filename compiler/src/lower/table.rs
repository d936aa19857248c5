//! The table builder: conditions into disjunctive normal form, tested quantities into
//! columns, comparisons into atoms.

use std::collections::HashMap;

use edict_grammar::{BinOp, Expr, ExprKind};
use edict_runtime::artifact::{Atom, Column, Domain, NumExpr, Path, Test};
use edict_runtime::value::Value;

use super::*;
use crate::db::SourceFile;
use crate::types::Ty;

/// The operands of a top-level `and` chain (through parentheses).
pub fn conjuncts(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Binary(BinOp::And, a, b) => {
            let mut v = conjuncts(a);
            v.extend(conjuncts(b));
            v
        }
        ExprKind::Paren(inner) if matches!(inner.kind, ExprKind::Binary(BinOp::And, ..)) => {
            conjuncts(inner)
        }
        _ => vec![e],
    }
}

/// The conjunction of two disjunctions: every row of one with every row of the other, less
/// the rows whose lists of one column contradict each other (a condition spelt out over the
/// catalogue, negated and joined with itself, would otherwise multiply its groups).
pub(super) fn product(a: &Dnf, b: &Dnf) -> Option<Dnf> {
    // The pairs looked at are bounded too, not only the rows kept.
    if a.len().saturating_mul(b.len()) > MAX_ROWS_PER_RULE.saturating_mul(64) {
        return None;
    }
    let mut out = Vec::new();
    for x in a {
        for y in b {
            let mut c = x.clone();
            c.extend(y.iter().cloned());
            if let Some(c) = tidy_row(c) {
                out.push(c);
                if out.len() > MAX_ROWS_PER_RULE {
                    return None;
                }
            }
        }
    }
    Some(out)
}

/// Builds the columns of one decision while its rules are lowered.
pub(super) struct TableBuilder<'l, 'a> {
    pub(super) lw: &'l Lowerer<'a>,
    pub(super) params: &'l [(String, Ty)],
    pub(super) columns: Vec<Column>,
    pub(super) column_ix: HashMap<Column, u32>,
    pub(super) file: SourceFile,
    /// How many named conditions are being expanded, one inside another.
    pub(super) conditions: usize,
}

/// The most named conditions expanded one inside another (a cycle is a checker error).
const MAX_CONDITION_DEPTH: usize = 64;

/// A numeric operand: a constant, or an expression over inputs.
pub(super) enum Num {
    Const(i64),
    Expr(NumExpr, String),
}

impl TableBuilder<'_, '_> {
    pub(super) fn column(&mut self, c: Column) -> u32 {
        if let Some(&i) = self.column_ix.get(&c) {
            return i;
        }
        let i = self.columns.len() as u32;
        self.columns.push(c.clone());
        self.column_ix.insert(c, i);
        i
    }

    pub(super) fn err(&self, e: &Expr, msg: impl Into<String>) -> LowerError {
        self.lw.err(self.file, e.span, msg)
    }

    /// An input path (`t.arrival_port.kind`) and its type.
    pub(super) fn path(&self, e: &Expr) -> Option<(Path, Ty)> {
        match &e.kind {
            ExprKind::Paren(inner) => self.path(inner),
            ExprKind::Name(n) => {
                let p = self.params.iter().position(|(pn, _)| *pn == n.name)?;
                Some((
                    Path {
                        param: p as u32,
                        fields: Vec::new(),
                        text: n.name.clone(),
                    },
                    self.params[p].1.clone(),
                ))
            }
            ExprKind::Field(base, f) => {
                let (mut path, ty) = self.path(base)?;
                let optional = matches!(ty, Ty::Optional(_));
                let name = match ty.strip_optional() {
                    Ty::Record(n) | Ty::Entity(n) => n.clone(),
                    _ => return None,
                };
                let fields = self.lw.fields(&name);
                let i = fields.iter().position(|(n, _)| *n == f.name)?;
                path.fields.push(i as u32);
                path.text = format!("{}.{}", path.text, f.name);
                let fty = fields[i].1.clone();
                let fty = if optional && !matches!(fty, Ty::Optional(_)) {
                    Ty::Optional(Box::new(fty))
                } else {
                    fty
                };
                Some((path, fty))
            }
            _ => None,
        }
    }

    pub(super) fn num(&self, e: &Expr) -> Option<Num> {
        if let Some((p, t)) = self.path(e) {
            return matches!(
                t.strip_optional(),
                Ty::Int | Ty::Date | Ty::DateTime | Ty::Duration | Ty::Period
            )
            .then(|| Num::Expr(NumExpr::Path(p.clone()), p.text));
        }
        match &e.kind {
            ExprKind::Paren(inner) => self.num(inner),
            ExprKind::Binary(op @ (BinOp::Add | BinOp::Sub), a, b) => {
                // Months and years have no fixed length: a date plus a period is not linear,
                // so it cannot be a number column (E0601 follows).
                if self.is_period(a) != self.is_period(b) {
                    return None;
                }
                // A date input less a date written out: the engine counts the difference of
                // two date inputs in seconds, not that of an input and a constant.
                if self.is_date_literal(a) || self.is_date_literal(b) {
                    return None;
                }
                let (a, b) = (self.num(a)?, self.num(b)?);
                let sym = if *op == BinOp::Add { "+" } else { "-" };
                Some(match (a, b) {
                    (Num::Const(x), Num::Const(y)) => Num::Const(if *op == BinOp::Add {
                        x.checked_add(y)?
                    } else {
                        x.checked_sub(y)?
                    }),
                    (x, y) => {
                        let (xe, xt) = into_expr(x);
                        let (ye, yt) = into_expr(y);
                        let e = if *op == BinOp::Add {
                            NumExpr::Add(Box::new(xe), Box::new(ye))
                        } else {
                            NumExpr::Sub(Box::new(xe), Box::new(ye))
                        };
                        Num::Expr(e, format!("{xt} {sym} {yt}"))
                    }
                })
            }
            _ => match self
                .lw
                .constant(e, &Ty::Error)
                .or_else(|| self.lw.constant(e, &Ty::Int))
            {
                Some(v) => v.as_number().map(Num::Const),
                None => None,
            },
        }
    }

    /// Is this a date written out (`2025-11-05`)?
    fn is_date_literal(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Paren(inner) => self.is_date_literal(inner),
            ExprKind::Date(_) => true,
            _ => false,
        }
    }

    /// Is this a calendar period (a `Period` input or a `mo`/`y` literal)?
    pub(super) fn is_period(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Paren(inner) => self.is_period(inner),
            ExprKind::Duration(_, unit) => unit.is_calendar(),
            _ => self
                .path(e)
                .is_some_and(|(_, t)| *t.strip_optional() == Ty::Period),
        }
    }

    /// The atoms of `e` (negated when `neg`) in disjunctive normal form.
    pub(super) fn dnf(&mut self, e: &Expr, neg: bool) -> Result<Dnf, LowerError> {
        match &e.kind {
            ExprKind::Paren(inner) => self.dnf(inner, neg),
            ExprKind::Not(inner) => self.dnf(inner, !neg),
            ExprKind::Bool(b) => Ok(if *b != neg {
                vec![Vec::new()]
            } else {
                Vec::new()
            }),
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or), a, b) => {
                let (x, y) = (self.dnf(a, neg)?, self.dnf(b, neg)?);
                let conjunctive = (*op == BinOp::And) != neg;
                if conjunctive && x == y {
                    // `c and c` is `c`: its product would multiply the rows of `c` by
                    // themselves (a named condition written twice in one rule).
                    Ok(x)
                } else if conjunctive {
                    product(&x, &y).ok_or_else(|| self.err(e, format!("this condition expands to more than {MAX_ROWS_PER_RULE} table rows")))
                } else {
                    let mut v = x;
                    v.extend(y);
                    Ok(v)
                }
            }
            ExprKind::Binary(op @ (BinOp::In | BinOp::NotIn), a, b) => {
                self.membership(e, a, b, neg != (*op == BinOp::NotIn))
            }
            ExprKind::Binary(op, a, b) if op.is_comparison() => self.comparison(e, *op, a, b, neg),
            ExprKind::Name(n) if self.lw.condition_expr(&n.name).is_some() => {
                // A named condition: its `when`, in place.
                let Some((file, w)) = self.lw.condition_expr(&n.name) else {
                    return Err(self.err(e, "this condition cannot be read"));
                };
                if self.conditions >= MAX_CONDITION_DEPTH {
                    return Err(self.err(e, "named conditions nested too deep"));
                }
                let saved = self.file;
                self.file = file;
                self.conditions += 1;
                let out = self.dnf(w, neg);
                self.conditions -= 1;
                self.file = saved;
                out
            }
            _ => match self.path(e) {
                Some((p, t)) if *t.strip_optional() == Ty::Bool => {
                    let c = self.column(Column::Flag { path: p });
                    Ok(vec![vec![Atom {
                        column: c,
                        test: Test::Is(!neg),
                        absent: neg,
                    }]])
                }
                _ => Err(self.err(
                    e,
                    format!("`{}` cannot be compiled into a decision table", e),
                )),
            },
        }
    }

    pub(super) fn membership(
        &mut self,
        e: &Expr,
        a: &Expr,
        b: &Expr,
        neg: bool,
    ) -> Result<Dnf, LowerError> {
        if let ExprKind::Range(lo, hi) = &b.kind {
            let (Some(Num::Const(lo)), Some(Num::Const(hi))) = (self.num(lo), self.num(hi)) else {
                return Err(self.err(b, "the ends of this range must be constants"));
            };
            let Some(Num::Expr(expr, text)) = self.num(a) else {
                return Err(self.err(a, "only numbers, dates and durations computed from inputs can be tested against a range"));
            };
            let c = self.column(Column::Number { expr, text });
            return Ok(interval_dnf(c, lo, hi, neg));
        }
        // `t.arrival_port.city in ...`: spelt out over the catalogue (ancestors.rs).
        if let Some(side) = self.ancestor_side(a) {
            if let ExprKind::Name(n) = &b.kind {
                if let Some(&set) = self.lw.names.set_ix.get(&n.name) {
                    if let Some(d) = self.ancestor_in_set(&side, set, neg) {
                        return Ok(d);
                    }
                }
            }
            return self.through_groups(e, &side, BinOp::In, b, true, neg);
        }
        // One input inside another (`v.destination in v.entry_port.city`, `... in v.entry_port`).
        if self.path(a).is_some() {
            if let Some(side) = self.ancestor_side(b).or_else(|| self.entity_side(b)) {
                return self.through_groups(e, &side, BinOp::In, a, false, neg);
            }
        }
        let Some((path, ty)) = self.path(a) else {
            return Err(self.err(
                a,
                format!("`{}` must be an input to be tested with `in`", a),
            ));
        };
        let domain = match ty.strip_optional() {
            Ty::Entity(n) => self
                .lw
                .names
                .entity_type_ix
                .get(n)
                .map(|t| Domain::Entity(*t)),
            Ty::Enum(n) => self.lw.names.enum_ix.get(n).map(|t| Domain::Enum(*t)),
            _ => None,
        };
        if let (ExprKind::List(items), Some(domain)) = (&b.kind, domain) {
            return self.list_membership(path, domain, &ty, items, neg);
        }
        if let ExprKind::Name(n) = &b.kind {
            if let (Some(domain), Some(&set)) = (domain, self.lw.names.set_ix.get(&n.name)) {
                let c = self.column(Column::Category { path, domain });
                return Ok(vec![vec![Atom {
                    column: c,
                    test: Test::Member { set, negate: neg },
                    absent: neg,
                }]]);
            }
            if let (Some(domain), Some(&(t, i))) = (domain, self.lw.names.entities.get(&n.name)) {
                let c = self.column(Column::Category { path, domain });
                return Ok(vec![vec![Atom {
                    column: c,
                    test: Test::Within {
                        ty: t,
                        entity: i,
                        negate: neg,
                    },
                    absent: neg,
                }]]);
            }
        }
        if let ExprKind::Range(lo, hi) = &b.kind {
            let (Some(Num::Const(lo)), Some(Num::Const(hi))) = (self.num(lo), self.num(hi)) else {
                return Err(self.err(b, "the ends of this range must be constants"));
            };
            let Some(Num::Expr(expr, text)) = self.num(a) else {
                return Err(self.err(
                    a,
                    "only numbers, dates and durations can be tested against a range",
                ));
            };
            let c = self.column(Column::Number { expr, text });
            return Ok(interval_dnf(c, lo, hi, neg));
        }
        // An input inside another input: the table has no column for it.
        if self.path(b).is_some() {
            let mut err = self.err(
                e,
                format!(
                    "`{}` tests one input inside another, which a decision table cannot do",
                    e
                ),
            );
            err.help = Some(format!(
                "a table tests each input against constants: list what `{a}` may lie in (`{a} in [a, b]`), or give each value of `{b}` its places in a relation (`relation places: ... -> Set<...>`) and test `{a} in places[{b}]`",
                a = a.to_string(),
                b = b.to_string(),
            ));
            return Err(err);
        }
        Err(self.err(
            e,
            format!("`{}` cannot be compiled into a decision table", e),
        ))
    }

    /// `x in [a, b]`: one of the listed values, or within one of the listed places.
    fn list_membership(
        &mut self,
        path: Path,
        domain: Domain,
        ty: &Ty,
        items: &[Expr],
        neg: bool,
    ) -> Result<Dnf, LowerError> {
        let mut same = Vec::new();
        let mut within = Vec::new();
        for item in items {
            match (domain, self.lw.constant(item, ty.strip_optional())) {
                (_, Some(Value::Enum(_, v))) => same.push(v),
                (Domain::Entity(t), Some(Value::Entity(et, e))) if et == t => same.push(e),
                (Domain::Entity(_), Some(Value::Entity(et, e))) => within.push((et, e)),
                _ => {
                    match &item.kind {
                        ExprKind::Name(n) => match self.lw.names.entities.get(&n.name) {
                            Some(&(et, e)) => within.push((et, e)),
                            None => {
                                return Err(self
                                    .err(item, "this is not a catalogue entry or an enum value"))
                            }
                        },
                        _ => {
                            return Err(self
                                .err(item, "only names of entries or enum values can be listed"))
                        }
                    }
                }
            }
        }
        same.sort_unstable();
        same.dedup();
        let c = self.column(Column::Category { path, domain });
        let mut atoms = Vec::new();
        if !same.is_empty() {
            atoms.push(Atom {
                column: c,
                test: Test::OneOf {
                    values: same,
                    negate: neg,
                },
                absent: neg,
            });
        }
        for (t, e) in within {
            atoms.push(Atom {
                column: c,
                test: Test::Within {
                    ty: t,
                    entity: e,
                    negate: neg,
                },
                absent: neg,
            });
        }
        Ok(if neg {
            // Outside every one: all the negated tests in one row.
            vec![atoms]
        } else {
            atoms.into_iter().map(|a| vec![a]).collect()
        })
    }

    pub(super) fn comparison(
        &mut self,
        e: &Expr,
        op: BinOp,
        a: &Expr,
        b: &Expr,
        neg: bool,
    ) -> Result<Dnf, LowerError> {
        if matches!(op, BinOp::Eq | BinOp::Ne) {
            if let Some(side) = self.ancestor_side(a) {
                return self.through_groups(e, &side, op, b, true, neg);
            }
            if let Some(side) = self.ancestor_side(b) {
                return self.through_groups(e, &side, op, a, false, neg);
            }
        }
        let pa = self.path(a);
        let pb = self.path(b);
        // Categories and flags: a path against a constant or another path.
        let cat_ty = |t: &Ty| matches!(t.strip_optional(), Ty::Entity(_) | Ty::Enum(_) | Ty::Bool);
        if matches!(op, BinOp::Eq | BinOp::Ne) {
            let eq = (op == BinOp::Eq) != neg;
            match (&pa, &pb) {
                (Some((x, tx)), Some((y, _)))
                    if cat_ty(tx)
                        || !matches!(
                            tx.strip_optional(),
                            Ty::Int | Ty::Date | Ty::DateTime | Ty::Duration | Ty::Period
                        ) =>
                {
                    let (x, y) = if x.text <= y.text {
                        (x.clone(), y.clone())
                    } else {
                        (y.clone(), x.clone())
                    };
                    let c = self.column(Column::Same { a: x, b: y });
                    return Ok(vec![vec![Atom {
                        column: c,
                        test: Test::Is(eq),
                        absent: neg,
                    }]]);
                }
                (Some((p, t)), None) | (None, Some((p, t))) if cat_ty(t) => {
                    let other = if pa.is_some() { b } else { a };
                    let inner = t.strip_optional().clone();
                    let value = self.lw.constant(other, &inner);
                    return match (inner, value) {
                        (Ty::Bool, Some(Value::Bool(v))) => {
                            let c = self.column(Column::Flag { path: p.clone() });
                            Ok(vec![vec![Atom {
                                column: c,
                                test: Test::Is(v == eq),
                                absent: neg,
                            }]])
                        }
                        (Ty::Entity(n), Some(Value::Entity(_, i)))
                        | (Ty::Enum(n), Some(Value::Enum(_, i))) => {
                            let domain = match self.lw.names.entity_type_ix.get(&n) {
                                Some(t) => Domain::Entity(*t),
                                None => Domain::Enum(
                                    self.lw.names.enum_ix.get(&n).copied().unwrap_or(0),
                                ),
                            };
                            let c = self.column(Column::Category {
                                path: p.clone(),
                                domain,
                            });
                            Ok(vec![vec![Atom {
                                column: c,
                                test: Test::OneOf {
                                    values: vec![i],
                                    negate: !eq,
                                },
                                absent: neg,
                            }]])
                        }
                        _ => Err(self.err(
                            e,
                            format!("`{}` cannot be compiled into a decision table", e),
                        )),
                    };
                }
                _ => {}
            }
        }
        // Numbers: (a - b) against a constant.
        let (Some(x), Some(y)) = (self.num(a), self.num(b)) else {
            return Err(self.err(
                e,
                format!("`{}` cannot be compiled into a decision table", e),
            ));
        };
        let (expr, text, k, op) = match (x, y) {
            (Num::Expr(ex, t), Num::Const(k)) => (ex, t, k, op),
            (Num::Const(k), Num::Expr(ex, t)) => (ex, t, k, flip(op)),
            (Num::Expr(ex, xt), Num::Expr(ey, yt)) => (
                NumExpr::Sub(Box::new(ex), Box::new(ey)),
                format!("{xt} - {yt}"),
                0,
                op,
            ),
            (Num::Const(_), Num::Const(_)) => {
                return Err(self.err(
                    e,
                    "this comparison of two constants is always true or always false",
                ));
            }
        };
        let c = self.column(Column::Number { expr, text });
        let op = if neg { negate(op) } else { op };
        let absent = neg;
        let atom = |lo: Option<i64>, hi: Option<i64>, absent: bool| Atom {
            column: c,
            test: Test::Interval { lo, hi },
            absent,
        };
        Ok(match op {
            BinOp::Eq => vec![vec![atom(Some(k), Some(k), absent)]],
            BinOp::Ne => vec![
                vec![atom(None, k.checked_sub(1), absent)],
                vec![atom(k.checked_add(1), None, false)],
            ],
            BinOp::Lt => vec![vec![atom(None, k.checked_sub(1), absent)]],
            BinOp::Le => vec![vec![atom(None, Some(k), absent)]],
            BinOp::Gt => vec![vec![atom(k.checked_add(1), None, absent)]],
            _ => vec![vec![atom(Some(k), None, absent)]],
        })
    }
}

fn into_expr(n: Num) -> (NumExpr, String) {
    match n {
        Num::Const(k) => (NumExpr::Const(k), k.to_string()),
        Num::Expr(e, t) => (e, t),
    }
}

fn flip(op: BinOp) -> BinOp {
    match op {
        BinOp::Lt => BinOp::Gt,
        BinOp::Le => BinOp::Ge,
        BinOp::Gt => BinOp::Lt,
        BinOp::Ge => BinOp::Le,
        other => other,
    }
}

fn negate(op: BinOp) -> BinOp {
    match op {
        BinOp::Eq => BinOp::Ne,
        BinOp::Ne => BinOp::Eq,
        BinOp::Lt => BinOp::Ge,
        BinOp::Le => BinOp::Gt,
        BinOp::Gt => BinOp::Le,
        _ => BinOp::Lt,
    }
}

/// `x in lo..hi`, or its negation (outside on either side, or absent).
fn interval_dnf(c: u32, lo: i64, hi: i64, neg: bool) -> Dnf {
    let atom = |lo: Option<i64>, hi: Option<i64>, absent: bool| Atom {
        column: c,
        test: Test::Interval { lo, hi },
        absent,
    };
    if neg {
        vec![
            vec![atom(None, lo.checked_sub(1), true)],
            vec![atom(hi.checked_add(1), None, false)],
        ]
    } else {
        vec![vec![atom(Some(lo), Some(hi), false)]]
    }
}

/// A row with its lists of one column joined: the entries every positive list (`= a, b`) of a
/// column names and no negative one (`≠ c`) excludes, as one list; `None` when none is left,
/// so the row can never hold. Columns tested by one list, or by no positive one, are kept as
/// they are.
pub(super) fn tidy_row(atoms: Vec<Atom>) -> Option<Vec<Atom>> {
    let positive = |a: &Atom| matches!(a.test, Test::OneOf { negate: false, .. }) && !a.absent;
    let mut columns: Vec<u32> = atoms
        .iter()
        .filter(|a| positive(a))
        .map(|a| a.column)
        .collect();
    columns.sort_unstable();
    columns.dedup();
    let mut out = atoms;
    for c in columns {
        let lists: Vec<&Atom> = out
            .iter()
            .filter(|a| a.column == c && matches!(a.test, Test::OneOf { .. }))
            .collect();
        if lists.len() < 2 {
            continue;
        }
        let mut kept: Option<Vec<u32>> = None;
        let mut excluded: Vec<u32> = Vec::new();
        for a in &lists {
            if let Test::OneOf { values, negate } = &a.test {
                if *negate {
                    excluded.extend(values);
                } else {
                    kept = Some(match kept {
                        None => values.clone(),
                        Some(k) => k.into_iter().filter(|v| values.contains(v)).collect(),
                    });
                }
            }
        }
        let mut values = kept.unwrap_or_default();
        values.retain(|v| !excluded.contains(v));
        if values.is_empty() {
            return None;
        }
        out.retain(|a| !(a.column == c && matches!(a.test, Test::OneOf { .. })));
        out.push(Atom {
            column: c,
            test: Test::OneOf {
                values,
                negate: false,
            },
            absent: false,
        });
    }
    Some(out)
}
