//! Checks every index inside an artifact before it is used, so evaluation can rely on them.

use crate::artifact::{Artifact, Column, Domain, NumExpr, Path, Test};
use crate::value::{TypeDesc, Value};

fn err<T>(msg: String) -> Result<T, Inconsistent> {
    Err(Inconsistent(msg))
}

/// What of an artifact does not hold together (an index out of range, a name twice): the
/// artifact was not written by `edict build`, or was changed after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inconsistent(pub String);

impl std::fmt::Display for Inconsistent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the artifact is inconsistent: {}", self.0)
    }
}

impl std::error::Error for Inconsistent {}

fn ty(a: &Artifact, t: &TypeDesc, depth: usize) -> Result<(), Inconsistent> {
    if depth > 32 {
        return err("types nested too deeply".into());
    }
    match t {
        TypeDesc::Entity(i) if *i as usize >= a.catalogue.entity_types.len() => {
            err(format!("entity type {i}"))
        }
        TypeDesc::Enum(i) if *i as usize >= a.catalogue.enums.len() => err(format!("enum {i}")),
        TypeDesc::Record(i) if *i as usize >= a.records.len() => err(format!("record {i}")),
        TypeDesc::Range(inner) | TypeDesc::Optional(inner) => ty(a, inner, depth + 1),
        _ => Ok(()),
    }
}

fn value(a: &Artifact, v: &Value, depth: usize) -> Result<(), Inconsistent> {
    if depth > 32 {
        return err("values nested too deeply".into());
    }
    match v {
        Value::Entity(t, e) => match a.catalogue.entity_types.get(*t as usize) {
            Some(ty) if (*e as usize) < ty.entities.len() => Ok(()),
            _ => err(format!("entity {t}/{e}")),
        },
        Value::Enum(t, e) => match a.catalogue.enums.get(*t as usize) {
            Some(en) if (*e as usize) < en.variants.len() => Ok(()),
            _ => err(format!("enum value {t}/{e}")),
        },
        Value::Range(x, y) => {
            value(a, x, depth + 1)?;
            value(a, y, depth + 1)
        }
        Value::Record(fields) => fields.iter().try_for_each(|f| value(a, f, depth + 1)),
        _ => Ok(()),
    }
}

/// The type at the end of a path.
fn path(a: &Artifact, params: &[(String, TypeDesc)], p: &Path) -> Result<TypeDesc, Inconsistent> {
    let Some((_, mut t)) = params.get(p.param as usize).cloned() else {
        return err(format!("parameter {} of path `{}`", p.param, p.text));
    };
    for &f in &p.fields {
        let inner = match &t {
            TypeDesc::Optional(inner) => inner.as_ref().clone(),
            other => other.clone(),
        };
        t = match inner {
            TypeDesc::Record(r) => match a
                .records
                .get(r as usize)
                .and_then(|r| r.fields.get(f as usize))
            {
                Some((_, ft)) => ft.clone(),
                None => return err(format!("field {f} of path `{}`", p.text)),
            },
            TypeDesc::Entity(e) => match a
                .catalogue
                .entity_types
                .get(e as usize)
                .and_then(|e| e.attributes.get(f as usize))
            {
                Some((_, ft)) => ft.clone(),
                None => return err(format!("attribute {f} of path `{}`", p.text)),
            },
            _ => {
                return err(format!(
                    "path `{}` goes through a value without fields",
                    p.text
                ))
            }
        };
    }
    Ok(t)
}

fn num(
    a: &Artifact,
    params: &[(String, TypeDesc)],
    e: &NumExpr,
    depth: usize,
) -> Result<(), Inconsistent> {
    if depth > 32 {
        return err("numeric expression nested too deeply".into());
    }
    match e {
        NumExpr::Path(p) => path(a, params, p).map(|_| ()),
        NumExpr::Const(_) => Ok(()),
        NumExpr::Add(x, y) | NumExpr::Sub(x, y) => {
            num(a, params, x, depth + 1)?;
            num(a, params, y, depth + 1)
        }
    }
}

fn domain_len(a: &Artifact, d: Domain) -> Option<usize> {
    a.catalogue.domain_len(d)
}

/// Whether two of the names are the same (requests name fields and inputs by name).
fn has_duplicate(named: &[(String, TypeDesc)]) -> bool {
    let mut names: Vec<&str> = named.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    names.windows(2).any(|w| w[0] == w[1])
}

pub fn validate(a: &Artifact) -> Result<(), Inconsistent> {
    let types = &a.catalogue.entity_types;
    for t in types {
        if let Some(p) = t.parent_type {
            if p as usize >= types.len() {
                return err(format!("parent type of `{}`", t.name));
            }
        }
        for (_, at) in &t.attributes {
            ty(a, at, 0)?;
        }
        for e in &t.entities {
            if let Some(p) = e.parent {
                let ok = t
                    .parent_type
                    .and_then(|pt| types.get(pt as usize))
                    .is_some_and(|pt| (p as usize) < pt.entities.len());
                if !ok {
                    return err(format!("parent of `{}`", e.name));
                }
            }
            if e.attributes.len() != t.attributes.len() {
                return err(format!("attributes of `{}`", e.name));
            }
            e.attributes.iter().try_for_each(|v| value(a, v, 0))?;
        }
    }
    for r in &a.records {
        r.fields.iter().try_for_each(|(_, t)| ty(a, t, 0))?;
        if has_duplicate(&r.fields) {
            return err(format!("a field name twice in record `{}`", r.name));
        }
    }
    for s in &a.sets {
        let Some(n) = domain_len(a, s.domain) else {
            return err(format!("domain of set `{}`", s.name));
        };
        if s.slices
            .iter()
            .flat_map(|sl| &sl.members)
            .any(|m| *m as usize >= n)
        {
            return err(format!("members of set `{}`", s.name));
        }
    }
    for d in &a.decisions {
        d.params.iter().try_for_each(|(_, t)| ty(a, t, 0))?;
        if has_duplicate(&d.params) {
            return err(format!("an input name twice in decision `{}`", d.name));
        }
        if d.output as usize >= a.records.len() {
            return err(format!("outcome of `{}`", d.name));
        }
        path(a, &d.params, &d.as_of)?;
        if d.boundaries.windows(2).any(|w| w[0] >= w[1]) {
            return err(format!("time boundaries of `{}`", d.name));
        }
        if let Some(o) = &d.otherwise {
            value(a, o, 0)?;
        }
        for c in &d.columns {
            match c {
                Column::Category { path: p, domain } => {
                    path(a, &d.params, p)?;
                    if domain_len(a, *domain).is_none() {
                        return err(format!("domain of column `{}`", p.text));
                    }
                }
                Column::Number { expr, .. } => num(a, &d.params, expr, 0)?,
                Column::Flag { path: p } => path(a, &d.params, p).map(|_| ())?,
                Column::Same { a: x, b: y } => {
                    path(a, &d.params, x)?;
                    path(a, &d.params, y)?;
                }
            }
        }
        let atoms_ok = |atoms: &[crate::artifact::Atom]| -> Result<(), Inconsistent> {
            for atom in atoms {
                let Some(col) = d.columns.get(atom.column as usize) else {
                    return err(format!("column {} in `{}`", atom.column, d.name));
                };
                let fits = match (&atom.test, col) {
                    (Test::Member { set, .. }, Column::Category { .. }) => {
                        (*set as usize) < a.sets.len()
                    }
                    (Test::Within { ty, entity, .. }, Column::Category { .. }) => types
                        .get(*ty as usize)
                        .is_some_and(|t| (*entity as usize) < t.entities.len()),
                    (Test::OneOf { values, .. }, Column::Category { domain, .. }) => {
                        let n = domain_len(a, *domain).unwrap_or(0);
                        values.iter().all(|v| (*v as usize) < n)
                    }
                    (Test::Interval { .. }, Column::Number { .. }) => true,
                    (Test::Is(_), Column::Flag { .. } | Column::Same { .. }) => true,
                    _ => false,
                };
                if !fits {
                    return err(format!("a test of column {} in `{}`", atom.column, d.name));
                }
            }
            Ok(())
        };
        for row in &d.rows {
            if row.rule as usize >= d.rules.len() {
                return err(format!("rule {} of a row in `{}`", row.rule, d.name));
            }
            atoms_ok(&row.atoms)?;
        }
        for r in d.rules.iter() {
            value(a, &r.outcome, 0)?;
            for c in &r.conditions {
                c.dnf.iter().try_for_each(|conj| atoms_ok(conj))?;
            }
        }
    }
    Ok(())
}
