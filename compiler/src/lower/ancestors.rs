//! Tables for conditions that read an entry's ancestors (`t.arrival_port.city`) or test one
//! input inside another (`v.destination in v.entry_port.city`).
//!
//! A table tests each input against constants, so such a condition is spelt out over the
//! catalogue: the entries of the input's type are grouped by the ancestor they lie in, and for
//! each group the table has rows "the input is one of these entries, and the rest of the
//! condition holds with that ancestor written in": `v.entry_port` one of the ports of Zhuhai
//! and `v.destination` in `zhuhai`, and so on. A test against constants becomes one list of the
//! entries whose ancestor passes it, and `t.arrival_port.city in s` for a set `s` is the set
//! test on the port itself (a port is in a set of cities when its city is). An entry without
//! an ancestor of that type (a parent marked `?`) compares as an absent value.

use edict_grammar::{BinOp, Expr, ExprKind, Ident};
use edict_runtime::artifact::{Atom, Column, Domain, Path, Test};

use super::table::TableBuilder;
use super::{Dnf, LowerError, MAX_ROWS_PER_RULE};
use crate::types::Ty;

/// An entity input, or an ancestor of one, as a condition reads it.
pub(super) struct Side {
    /// The input's path (`t.arrival_port`).
    path: Path,
    /// The input's entity type.
    ty: String,
    /// The ancestor type read (`City` for `.city`); `None`: the input itself.
    ancestor: Option<String>,
}

impl TableBuilder<'_, '_> {
    /// `p.city`, where `p` is an entity input and `city` names one of its ancestor types (no
    /// attribute of that name).
    pub(super) fn ancestor_side(&self, e: &Expr) -> Option<Side> {
        match &e.kind {
            ExprKind::Paren(inner) => self.ancestor_side(inner),
            ExprKind::Field(base, f) if self.path(e).is_none() => {
                let (path, ty) = self.path(base)?;
                let Ty::Entity(ty) = ty.strip_optional() else {
                    return None;
                };
                let (ancestor, _) = self.lw.index.ancestor_accessor(ty, &f.name)?;
                Some(Side {
                    path,
                    ty: ty.clone(),
                    ancestor: Some(ancestor),
                })
            }
            _ => None,
        }
    }

    /// An entity input itself (`v.entry_port`), as the place another input lies in.
    pub(super) fn entity_side(&self, e: &Expr) -> Option<Side> {
        let (path, ty) = self.path(e)?;
        match ty.strip_optional() {
            Ty::Entity(ty) => Some(Side {
                path,
                ty: ty.clone(),
                ancestor: None,
            }),
            _ => None,
        }
    }

    /// `P.anc in s` for a set `s`: the set test on `P` (an entry is in a set of its ancestors'
    /// type when that ancestor, or one above it, is a member).
    pub(super) fn ancestor_in_set(&mut self, side: &Side, set: u32, neg: bool) -> Option<Dnf> {
        let &ty = self.lw.names.entity_type_ix.get(&side.ty)?;
        let c = self.column(Column::Category {
            path: side.path.clone(),
            domain: Domain::Entity(ty),
        });
        Some(vec![vec![Atom {
            column: c,
            test: Test::Member { set, negate: neg },
            absent: neg,
        }]])
    }

    /// `a OP b` where `side` is one operand (`left`: `a`): for each group of the side's entries
    /// by ancestor, the group's entries and the condition with that ancestor written in.
    pub(super) fn through_groups(
        &mut self,
        e: &Expr,
        side: &Side,
        op: BinOp,
        other: &Expr,
        left: bool,
        neg: bool,
    ) -> Result<Dnf, LowerError> {
        let Some(&ty_ix) = self.lw.names.entity_type_ix.get(&side.ty) else {
            return Err(self.err(e, "this entity type has no catalogue"));
        };
        let column = self.column(Column::Category {
            path: side.path.clone(),
            domain: Domain::Entity(ty_ix),
        });
        let (groups, without) = self.groups(ty_ix, side.ancestor.as_deref());
        let constant = !self.reads_input(other);
        let mut out: Dnf = Vec::new();
        for (ancestor, ids) in groups {
            let named = Expr {
                kind: ExprKind::Name(Ident {
                    name: ancestor.clone(),
                    span: e.span,
                }),
                span: e.span,
            };
            let (a, b) = if left {
                (&named, other)
            } else {
                (other, &named)
            };
            let one_of = Atom {
                column,
                test: Test::OneOf {
                    values: ids,
                    negate: false,
                },
                absent: false,
            };
            if constant {
                let Some(holds) = self.constant_truth(op, a, b) else {
                    return Err(self.err(
                        e,
                        format!("`{}` cannot be compiled into a decision table", e),
                    ));
                };
                if holds != neg {
                    out.push(vec![one_of]);
                }
                continue;
            }
            let rest = Expr {
                kind: ExprKind::Binary(op, Box::new(a.clone()), Box::new(b.clone())),
                span: e.span,
            };
            for mut row in self.dnf(&rest, neg)? {
                row.push(one_of.clone());
                out.push(row);
            }
            if out.len() > MAX_ROWS_PER_RULE {
                return Err(self.err(
                    e,
                    format!("this condition expands to more than {MAX_ROWS_PER_RULE} table rows"),
                ));
            }
        }
        // No ancestor of that type, or no entry at all: the comparison is false, and its
        // negation true.
        if neg {
            out.push(vec![Atom {
                column,
                test: Test::OneOf {
                    values: without,
                    negate: false,
                },
                absent: true,
            }]);
        }
        // Entries with the same ancestor in one row where the rest is alike.
        Ok(merge_rows(out, column))
    }

    /// The entries of entity type `ty` by their ancestor of type `ancestor` (by themselves when
    /// `None`), with those that have no such ancestor.
    fn groups(&self, ty: u32, ancestor: Option<&str>) -> (Vec<(String, Vec<u32>)>, Vec<u32>) {
        let mut by: std::collections::BTreeMap<String, Vec<u32>> = Default::default();
        let mut without = Vec::new();
        for (name, &(t, i)) in &self.lw.names.entities {
            if t != ty {
                continue;
            }
            let key = match ancestor {
                None => Some(name.clone()),
                Some(a) => self
                    .lw
                    .index
                    .entity_ancestors(name)
                    .into_iter()
                    .find(|x| self.lw.index.entity_type_of(x) == Some(a)),
            };
            match key {
                Some(k) => by.entry(k).or_default().push(i),
                None => without.push(i),
            }
        }
        for ids in by.values_mut() {
            ids.sort_unstable();
        }
        without.sort_unstable();
        (by.into_iter().collect(), without)
    }

    /// Whether `e` reads an input (a path, or an ancestor of one).
    fn reads_input(&self, e: &Expr) -> bool {
        let mut found = false;
        e.walk(&mut |x| {
            if matches!(x.kind, ExprKind::Name(_) | ExprKind::Field(..))
                && (self.path(x).is_some() || self.ancestor_side(x).is_some())
            {
                found = true;
            }
        });
        found
    }

    /// `a OP b` of constants: names equal, or `a` one of the listed places or inside one.
    fn constant_truth(&self, op: BinOp, a: &Expr, b: &Expr) -> Option<bool> {
        let name = |e: &Expr| match &e.kind {
            ExprKind::Name(n) => Some(n.name.clone()),
            ExprKind::Paren(inner) => match &inner.kind {
                ExprKind::Name(n) => Some(n.name.clone()),
                _ => None,
            },
            _ => None,
        };
        match op {
            BinOp::Eq | BinOp::Ne => {
                let same = name(a)? == name(b)?;
                Some(same == (op == BinOp::Eq))
            }
            BinOp::In | BinOp::NotIn => {
                let x = name(a)?;
                let mut chain = vec![x.clone()];
                chain.extend(self.lw.index.entity_ancestors(&x));
                let places: Vec<String> = match &b.kind {
                    ExprKind::List(items) => items.iter().filter_map(name).collect(),
                    _ => vec![name(b)?],
                };
                let inside = chain.iter().any(|c| places.contains(c));
                Some(inside == (op == BinOp::In))
            }
            _ => None,
        }
    }
}

/// Rows that differ only in the list of entries they test on `column`, as one row with the
/// lists joined.
fn merge_rows(rows: Dnf, column: u32) -> Dnf {
    let mut out: Dnf = Vec::new();
    'rows: for row in rows {
        let (mine, rest): (Vec<Atom>, Vec<Atom>) = row.into_iter().partition(|a| {
            a.column == column && matches!(a.test, Test::OneOf { negate: false, .. }) && !a.absent
        });
        if let [Atom {
            test: Test::OneOf { values, .. },
            ..
        }] = mine.as_slice()
        {
            for existing in &mut out {
                let (mut theirs, other): (Vec<&mut Atom>, Vec<&mut Atom>) =
                    existing.iter_mut().partition(|a| {
                        a.column == column
                            && matches!(a.test, Test::OneOf { negate: false, .. })
                            && !a.absent
                    });
                let same_rest =
                    other.len() == rest.len() && other.iter().zip(&rest).all(|(x, y)| **x == *y);
                if let ([t], true) = (theirs.as_mut_slice(), same_rest) {
                    if let Test::OneOf { values: v, .. } = &mut t.test {
                        v.extend(values.iter().copied());
                        v.sort_unstable();
                        v.dedup();
                    }
                    continue 'rows;
                }
            }
        }
        let mut row = rest;
        row.extend(mine);
        out.push(row);
    }
    out
}
