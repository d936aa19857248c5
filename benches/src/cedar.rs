//! Edict's decisions in Cedar: the catalogue and the sets of a compiled artifact as Cedar
//! entities, requests as Cedar contexts, and a translation of generated decision tables into
//! Cedar policies (the shipped transit decision has a hand-written policy instead, in
//! `benches/policies/transit.cedar`).
//!
//! Entities: every catalogue entity is an entity of its type (`Port::"hengqin"`), whose parent
//! is the entity it lies in (its city, province, region). Every version of a set is a group:
//! `PortSet::"transit_ports"` holds the members as first published,
//! `PortSet::"transit_ports@2025-11-05"` the members from that amendment on; each member
//! has the groups of the versions it belongs to as parents, so `in` follows both the hierarchy
//! and set membership. Dates go through Cedar's `datetime` extension.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use cedar_policy::{
    Authorizer, Context, Decision, Entities, Entity, EntityUid, PolicyId, PolicySet, Request,
    RestrictedExpression,
};
use edict_runtime::artifact::{Artifact, Column, DecisionTable, Domain, NumExpr, Path, Test};
use edict_runtime::value::{format_date, seconds_to_datetime};
use edict_runtime::{TypeDesc, Value};

use crate::transit::record_fields;

/// The name of the group of one version of a set: the set's name, then `@date` for versions
/// after the first.
pub fn group_id(set: &str, index: usize, from: Option<i64>) -> String {
    match (index, from) {
        (0, _) | (_, None) => set.to_string(),
        (_, Some(day)) => format!("{set}@{}", format_date(day)),
    }
}

fn uid(ty: &str, id: &str) -> Result<EntityUid, String> {
    EntityUid::from_str(&format!("{ty}::{}", quoted(id))).map_err(|e| e.to_string())
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The Cedar entities of an artifact's catalogue and sets.
pub fn entities(a: &Artifact) -> Result<Entities, String> {
    let types = &a.catalogue.entity_types;
    // Parents from set versions, per (type, entity).
    let mut groups: HashMap<(u32, u32), Vec<EntityUid>> = HashMap::new();
    let mut group_entities = Vec::new();
    for set in &a.sets {
        let Domain::Entity(t) = set.domain else {
            continue;
        };
        let ty = types.get(t as usize).ok_or("bad set domain")?;
        for (i, slice) in set.slices.iter().enumerate() {
            let g = uid(
                &format!("{}Set", ty.name),
                &group_id(&set.name, i, slice.from),
            )?;
            for &m in &slice.members {
                groups.entry((t, m)).or_default().push(g.clone());
            }
            group_entities.push(Entity::new_no_attrs(g, HashSet::new()));
        }
    }
    let mut out = group_entities;
    for (t, ty) in types.iter().enumerate() {
        for (e, entity) in ty.entities.iter().enumerate() {
            let mut parents: HashSet<EntityUid> = groups
                .remove(&(t as u32, e as u32))
                .unwrap_or_default()
                .into_iter()
                .collect();
            if let (Some(pt), Some(pe)) = (ty.parent_type, entity.parent) {
                let pty = types.get(pt as usize).ok_or("bad parent type")?;
                let pent = pty.entities.get(pe as usize).ok_or("bad parent")?;
                parents.insert(uid(&pty.name, &pent.name)?);
            }
            out.push(Entity::new_no_attrs(uid(&ty.name, &entity.name)?, parents));
        }
    }
    Entities::from_entities(out, None).map_err(|e| e.to_string())
}

/// A datetime literal for Cedar: `2025-11-05T10:00:00Z`.
pub fn datetime_text(secs: i64) -> Result<String, String> {
    seconds_to_datetime(secs)
        .map(|dt| dt.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .ok_or_else(|| format!("second {secs} is out of range"))
}

fn duration_text(secs: i64) -> String {
    if secs % 3600 == 0 {
        format!("{}h", secs / 3600)
    } else {
        format!("{secs}s")
    }
}

/// The Cedar request of one Edict request: the traveller record as the context.
pub fn request(a: &Artifact, d: &DecisionTable, inputs: &[Value]) -> Result<Request, String> {
    let fields = record_fields(a, d)?;
    let [Value::Record(values)] = inputs else {
        return Err("the inputs are not one record".into());
    };
    let mut pairs = Vec::new();
    for ((name, _), v) in fields.iter().zip(values) {
        let expr = match v {
            Value::Absent => continue,
            Value::Entity(t, e) => {
                let (ty, ent) = crate::transit::entity_names(a, *t, *e)?;
                RestrictedExpression::new_entity_uid(uid(ty, ent)?)
            }
            Value::DateTime(s) => RestrictedExpression::new_datetime(datetime_text(*s)?),
            Value::Date(day) => RestrictedExpression::new_datetime(format_date(*day)),
            Value::Bool(b) => RestrictedExpression::new_bool(*b),
            Value::Int(n) => RestrictedExpression::new_long(*n),
            other => return Err(format!("no Cedar form for {other:?}")),
        };
        pairs.push((name.clone(), expr));
    }
    let context = Context::from_pairs(pairs).map_err(|e| e.to_string())?;
    Request::new(
        uid("Traveller", "traveller")?,
        uid("Action", &d.name)?,
        uid("Decision", &d.name)?,
        context,
        None,
    )
    .map_err(|e| e.to_string())
}

/// A policy set and its entities, ready to answer one decision.
pub struct CedarDecision {
    authorizer: Authorizer,
    policies: PolicySet,
    entities: Entities,
    /// Each policy's rule (by its `@id`, the rule's name).
    rules: HashMap<PolicyId, u32>,
}

impl CedarDecision {
    /// Loads policies whose `@id` annotations name the decision's rules.
    pub fn new(a: &Artifact, d: &DecisionTable, text: &str) -> Result<CedarDecision, String> {
        let policies = PolicySet::from_str(text).map_err(|e| format!("{e:?}"))?;
        let by_name: HashMap<&str, u32> = d
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.name.as_str(), i as u32))
            .collect();
        let mut rules = HashMap::new();
        for p in policies.policies() {
            let name = p
                .annotation("id")
                .ok_or_else(|| format!("policy {} has no @id", p.id()))?;
            let rule = by_name
                .get(name)
                .ok_or_else(|| format!("@id(\"{name}\") names no rule of `{}`", d.name))?;
            rules.insert(p.id().clone(), *rule);
        }
        Ok(CedarDecision {
            authorizer: Authorizer::new(),
            policies,
            entities: entities(a)?,
            rules,
        })
    }

    /// Evaluates a request: the rules whose policies permit it, in rule order.
    pub fn decide(&self, request: &Request) -> Result<Vec<u32>, String> {
        let response = self
            .authorizer
            .is_authorized(request, &self.policies, &self.entities);
        if let Some(e) = response.diagnostics().errors().next() {
            return Err(e.to_string());
        }
        let mut rules: Vec<u32> = response
            .diagnostics()
            .reason()
            .filter_map(|id| self.rules.get(id).copied())
            .collect();
        rules.sort_unstable();
        let allowed = response.decision() == Decision::Allow;
        if allowed == rules.is_empty() {
            return Err("the decision and its reasons disagree".into());
        }
        Ok(rules)
    }

    /// Only the evaluation, for timing.
    pub fn allowed(&self, request: &Request) -> bool {
        self.authorizer
            .is_authorized(request, &self.policies, &self.entities)
            .decision()
            == Decision::Allow
    }
}

/// Translates a generated decision table into Cedar policies, one `permit` per rule, its rows
/// joined by `||`. Supports what the scaling family uses: one record parameter, entity
/// membership in sets, `within` the hierarchy, equality of inputs, and limits on date-times and
/// on differences of date-times.
pub fn translate(a: &Artifact, d: &DecisionTable) -> Result<String, String> {
    let fields = record_fields(a, d)?;
    if fields
        .iter()
        .any(|(_, t)| matches!(t, TypeDesc::Optional(_)))
    {
        return Err("optional inputs are not translated".into());
    }
    let at = ctx(fields, &d.as_of)?;
    let mut out = format!(
        "// Generated from the compiled Edict decision `{}`: one policy per rule.\n\n",
        d.name
    );
    for (r, rule) in d.rules.iter().enumerate() {
        let mut window = Vec::new();
        if let Some(from) = rule.from {
            window.push(format!("{at} >= datetime(\"{}\")", format_date(from)));
        }
        if let Some(until) = rule.until {
            window.push(format!("{at} < datetime(\"{}\")", format_date(until)));
        }
        let mut alternatives = Vec::new();
        for row in d.rows.iter().filter(|row| row.rule as usize == r) {
            let mut conds = Vec::new();
            for atom in &row.atoms {
                let col = d.columns.get(atom.column as usize).ok_or("bad column")?;
                conds.push(condition(a, fields, &at, col, &atom.test)?);
            }
            alternatives.push(if conds.is_empty() {
                "true".to_string()
            } else {
                conds.join(" &&\n    ")
            });
        }
        let body = match alternatives.len() {
            0 => "false".to_string(),
            1 => alternatives.remove(0),
            _ => format!("({})", alternatives.join(") ||\n  (")),
        };
        let when = if window.is_empty() {
            body
        } else {
            format!("{} &&\n  ({body})", window.join(" && "))
        };
        out.push_str(&format!(
            "@id(\"{}\")\npermit (principal, action == Action::{}, resource)\nwhen {{\n  {when}\n}};\n\n",
            rule.name,
            quoted(&d.name)
        ));
    }
    Ok(out)
}

fn ctx(fields: &[(String, TypeDesc)], p: &Path) -> Result<String, String> {
    match (p.param, p.fields.as_slice()) {
        (0, [f]) => fields
            .get(*f as usize)
            .map(|(name, _)| format!("context.{name}"))
            .ok_or_else(|| "bad field".to_string()),
        _ => Err(format!("`{}` is not an input field", p.text)),
    }
}

fn ctx_type<'a>(fields: &'a [(String, TypeDesc)], p: &Path) -> Option<&'a TypeDesc> {
    p.fields
        .first()
        .and_then(|f| fields.get(*f as usize))
        .map(|(_, t)| t)
}

fn negated(negate: bool, e: String) -> String {
    if negate {
        format!("!({e})")
    } else {
        e
    }
}

fn condition(
    a: &Artifact,
    fields: &[(String, TypeDesc)],
    at: &str,
    col: &Column,
    test: &Test,
) -> Result<String, String> {
    let types = &a.catalogue.entity_types;
    match (col, test) {
        (Column::Category { path, .. }, Test::Member { set, negate }) => {
            let x = ctx(fields, path)?;
            let s = a.sets.get(*set as usize).ok_or("bad set")?;
            let Domain::Entity(t) = s.domain else {
                return Err("sets of enums are not translated".into());
            };
            let ty = &types.get(t as usize).ok_or("bad type")?.name;
            let mut versions = Vec::new();
            for (i, slice) in s.slices.iter().enumerate() {
                let mut parts = Vec::new();
                if let Some(from) = slice.from {
                    parts.push(format!("{at} >= datetime(\"{}\")", format_date(from)));
                }
                if let Some(next) = s.slices.get(i + 1).and_then(|n| n.from) {
                    parts.push(format!("{at} < datetime(\"{}\")", format_date(next)));
                }
                parts.push(format!(
                    "{x} in {ty}Set::{}",
                    quoted(&group_id(&s.name, i, slice.from))
                ));
                versions.push(parts.join(" && "));
            }
            let e = match versions.len() {
                0 => "false".to_string(),
                1 => versions.remove(0),
                _ => format!("(({}))", versions.join(") || (")),
            };
            Ok(negated(*negate, e))
        }
        (Column::Category { path, .. }, Test::Within { ty, entity, negate }) => {
            let t = types.get(*ty as usize).ok_or("bad type")?;
            let e = t.entities.get(*entity as usize).ok_or("bad entity")?;
            Ok(negated(
                *negate,
                format!("{} in {}::{}", ctx(fields, path)?, t.name, quoted(&e.name)),
            ))
        }
        (
            Column::Category {
                path,
                domain: Domain::Entity(t),
            },
            Test::OneOf { values, negate },
        ) => {
            let ty = types.get(*t as usize).ok_or("bad type")?;
            let x = ctx(fields, path)?;
            let mut alts = Vec::new();
            for v in values {
                let e = ty.entities.get(*v as usize).ok_or("bad entity")?;
                alts.push(format!("{x} == {}::{}", ty.name, quoted(&e.name)));
            }
            Ok(negated(*negate, format!("({})", alts.join(" || "))))
        }
        (Column::Same { a: x, b: y }, Test::Is(same)) => Ok(format!(
            "{} {} {}",
            ctx(fields, x)?,
            if *same { "==" } else { "!=" },
            ctx(fields, y)?
        )),
        (Column::Flag { path }, Test::Is(b)) => Ok(format!("{} == {b}", ctx(fields, path)?)),
        (Column::Number { expr, .. }, Test::Interval { lo, hi }) => {
            let (e, is_duration) = match expr {
                NumExpr::Path(p) if ctx_type(fields, p) == Some(&TypeDesc::DateTime) => {
                    (ctx(fields, p)?, false)
                }
                NumExpr::Sub(x, y) => match (x.as_ref(), y.as_ref()) {
                    (NumExpr::Path(x), NumExpr::Path(y))
                        if ctx_type(fields, x) == Some(&TypeDesc::DateTime)
                            && ctx_type(fields, y) == Some(&TypeDesc::DateTime) =>
                    {
                        (
                            format!("{}.durationSince({})", ctx(fields, x)?, ctx(fields, y)?),
                            true,
                        )
                    }
                    _ => return Err("only differences of date-times are translated".into()),
                },
                _ => return Err("only date-times and their differences are translated".into()),
            };
            let lit = |n: i64| -> Result<String, String> {
                if is_duration {
                    Ok(format!("duration(\"{}\")", duration_text(n)))
                } else {
                    Ok(format!("datetime(\"{}\")", datetime_text(n)?))
                }
            };
            let mut parts = Vec::new();
            if let Some(lo) = lo {
                parts.push(format!("{e} >= {}", lit(*lo)?));
            }
            if let Some(hi) = hi {
                parts.push(format!("{e} <= {}", lit(*hi)?));
            }
            Ok(if parts.is_empty() {
                "true".into()
            } else {
                parts.join(" && ")
            })
        }
        _ => Err(format!(
            "a test of column `{}` is not translated",
            crate::column_name(col)
        )),
    }
}
