//! The reference interpreter: evaluates the checked rules directly from the syntax tree, with
//! no tables. Compiled tables must agree with it on every request (a property test checks).
//!
//! It shares only name → index maps with lowering; conditions, set membership (from the set
//! timelines, through the hierarchy by entity names), periods and hit policies are evaluated
//! here independently.

use std::collections::BTreeMap;

use edict_grammar::{BinOp, DecisionDecl, Expr, ExprKind, HitPolicy, ItemKind, RuleDecl};
use edict_runtime::artifact::Artifact;
use edict_runtime::value::{date_to_days, days_to_date, Value};
use edict_runtime::Verdict;

use crate::lower::Lowerer;
use crate::time::parse_date;

pub struct Interpreter<'a> {
    lw: &'a Lowerer<'a>,
    artifact: &'a Artifact,
    decisions: BTreeMap<String, (DecisionDecl, Vec<RuleDecl>)>,
}

/// The inputs of the decision being evaluated, and its as-of day.
struct Env<'e> {
    vals: Vec<(&'e str, &'e Value)>,
    decision: &'e DecisionDecl,
    day: Option<jiff::civil::Date>,
}

/// What an expression evaluates to.
#[derive(Clone, Debug, PartialEq)]
enum V {
    Val(Value),
    Set(String),
    /// A list of entries or enum values, by name (`[guangdong, fujian]`).
    Names(Vec<String>),
}

/// A decision's answer, with rules named by their position among the decision's rules in
/// workspace order (a rule compiled into several versions is still one rule here).
#[derive(Clone, Debug, PartialEq)]
pub struct Decided {
    pub day: i64,
    pub verdict: Verdict,
    /// The outcome of the deciding rule (`Verdict::Rule`).
    pub outcome: Option<Value>,
}

impl<'a> Interpreter<'a> {
    pub fn new(lw: &'a Lowerer<'a>, artifact: &'a Artifact) -> Interpreter<'a> {
        let mut decisions: BTreeMap<String, (DecisionDecl, Vec<RuleDecl>)> = BTreeMap::new();
        let items = lw.items();
        for (_, parsed) in &items {
            for item in &parsed.items {
                if let ItemKind::Decision(d) = &item.kind {
                    decisions
                        .entry(d.name.name.clone())
                        .or_insert((d.clone(), Vec::new()));
                }
            }
        }
        for (_, parsed) in &items {
            for item in &parsed.items {
                if let ItemKind::Rule(r) = &item.kind {
                    if let Some(d) = decisions.get_mut(&r.decision.name) {
                        d.1.push(r.clone());
                    }
                }
            }
        }
        Interpreter {
            lw,
            artifact,
            decisions,
        }
    }

    /// The position of each rule of a decision, by name, as [`Decided`] numbers them.
    pub fn rule_position(&self, decision: &str, rule: &str) -> Option<u32> {
        let (_, rules) = self.decisions.get(decision)?;
        rules
            .iter()
            .position(|r| r.name.name == rule)
            .map(|i| i as u32)
    }

    /// An answer of the tables in the interpreter's terms (rule versions by their rule), so
    /// that the two can be compared.
    pub fn from_table(
        &self,
        table: &edict_runtime::artifact::DecisionTable,
        answer: &edict_runtime::Answer,
    ) -> Decided {
        let pos = |r: u32| {
            table
                .rules
                .get(r as usize)
                .and_then(|ri| self.rule_position(&table.name, &ri.name))
                .unwrap_or(u32::MAX)
        };
        let all = |v: &[u32]| {
            let mut out: Vec<u32> = v.iter().map(|r| pos(*r)).collect();
            out.sort_unstable();
            out.dedup();
            out
        };
        let (verdict, outcome) = match &answer.verdict {
            Verdict::Rule(r) => (
                Verdict::Rule(pos(*r)),
                table.rules.get(*r as usize).map(|ri| ri.outcome.clone()),
            ),
            Verdict::Collect(v) => (Verdict::Collect(all(v)), None),
            Verdict::Conflict(v) => (Verdict::Conflict(all(v)), None),
            other => (other.clone(), None),
        };
        Decided {
            day: answer.day,
            verdict,
            outcome,
        }
    }

    /// Decides a request: the verdict with rules numbered in workspace order, and the outcome.
    pub fn decide(&self, decision: &str, inputs: &[Value]) -> Result<Decided, String> {
        let (d, rules) = self
            .decisions
            .get(decision)
            .ok_or_else(|| format!("no decision `{decision}`"))?;
        let vals: Vec<(&str, &Value)> = d
            .params
            .iter()
            .map(|p| p.name.name.as_str())
            .zip(inputs)
            .collect();
        let mut env = Env {
            vals,
            decision: d,
            day: None,
        };
        let day = match d.as_of.as_ref().and_then(|e| self.eval(e, &env, None)) {
            Some(V::Val(Value::Date(days))) => days,
            Some(V::Val(Value::DateTime(secs))) => secs.div_euclid(86_400),
            _ => return Err("the as-of input has no date".into()),
        };
        env.day = days_to_date(day);
        let mut matched = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            let date = |e: &Option<Expr>| match e.as_ref().map(|e| &e.kind) {
                Some(ExprKind::Date(t)) => parse_date(t).ok().map(date_to_days),
                _ => None,
            };
            if date(&r.from).is_some_and(|f| day < f) || date(&r.until).is_some_and(|u| day >= u) {
                continue;
            }
            // A rule that reads a value with none on that day (or for that key) does not apply.
            if !r
                .when
                .iter()
                .chain(&r.then)
                .all(|e| self.reads_defined(e, &env, 0))
            {
                continue;
            }
            let holds = match &r.when {
                Some(w) => self.truth(w, &env, day),
                None => true,
            };
            if holds {
                matched.push(i as u32);
            }
        }
        let verdict = if matched.is_empty() {
            if d.otherwise.is_some() {
                Verdict::Otherwise
            } else {
                Verdict::NoMatch
            }
        } else {
            match d.hit.map(|h| h.0).unwrap_or_default() {
                HitPolicy::First => Verdict::Rule(matched[0]),
                HitPolicy::Priority => {
                    let prio = |i: u32| {
                        rules[i as usize]
                            .priority
                            .as_ref()
                            .and_then(|p| p.text.parse::<i64>().ok())
                            .unwrap_or(0)
                    };
                    // Highest priority; the earliest rule among equals.
                    let best = matched.iter().copied().fold(matched[0], |b, r| {
                        if prio(r) > prio(b) {
                            r
                        } else {
                            b
                        }
                    });
                    Verdict::Rule(best)
                }
                HitPolicy::Collect => Verdict::Collect(matched),
                HitPolicy::Unique if matched.len() == 1 => Verdict::Rule(matched[0]),
                HitPolicy::Unique => Verdict::Conflict(matched),
            }
        };
        let outcome = match &verdict {
            Verdict::Rule(r) => rules[*r as usize]
                .then
                .as_ref()
                .and_then(|t| self.outcome(t, &env)),
            _ => None,
        };
        Ok(Decided {
            day,
            verdict,
            outcome,
        })
    }

    /// The outcome a rule's `then` gives on the request's day.
    fn outcome(&self, then: &Expr, env: &Env<'_>) -> Option<Value> {
        let ty = self.lw.resolve_ty(&env.decision.output);
        let resolved = self.resolve_reads(then, env)?;
        self.lw.constant(&resolved, &ty)
    }

    /// `e` with each dated value and relation read replaced by the value written for the day.
    fn resolve_reads(&self, e: &Expr, env: &Env<'_>) -> Option<Expr> {
        let kind = match &e.kind {
            ExprKind::Name(_) | ExprKind::Index(..) => match self.read(e, env) {
                Some(Some(v)) => return Some(v),
                Some(None) => return None,
                None => e.kind.clone(),
            },
            ExprKind::Record(fields) => ExprKind::Record(
                fields
                    .iter()
                    .map(|f| {
                        Some(edict_grammar::FieldInit {
                            name: f.name.clone(),
                            value: self.resolve_reads(&f.value, env)?,
                        })
                    })
                    .collect::<Option<Vec<_>>>()?,
            ),
            ExprKind::Paren(inner) => return self.resolve_reads(inner, env),
            other => other.clone(),
        };
        Some(Expr { kind, span: e.span })
    }

    /// When `e` reads a dated value or a relation: `Some(the value written for the day)`, with
    /// `key` in it written as the key read; `Some(None)` when it has none; `None` when `e` is
    /// no such read.
    fn read(&self, e: &Expr, env: &Env<'_>) -> Option<Option<Expr>> {
        let is_param = |n: &str| env.vals.iter().any(|(p, _)| *p == n);
        let (name, key) = match &e.kind {
            ExprKind::Name(n) if !is_param(&n.name) => (n.name.as_str(), None),
            ExprKind::Index(base, key) => match &base.kind {
                ExprKind::Name(n) => (n.name.as_str(), Some(key)),
                _ => return None,
            },
            _ => return None,
        };
        let tl = self.lw.values.values.get(name)?;
        if tl.is_relation() != key.is_some() {
            // The name of a relation, inside its own read.
            return None;
        }
        let day = env.day?;
        let key =
            match key {
                None => String::new(),
                Some(k) => match self.eval(k, env, None) {
                    Some(V::Val(v)) => match self.name_of(&v) {
                        // An entry inside the key type reads its ancestor's entry.
                        Some(n) => match (&v, &tl.key) {
                            (Value::Entity(..), Some(kt))
                                if self.lw.index.entity_type_of(&n) != Some(kt.name.as_str()) =>
                            {
                                match self.lw.index.entity_ancestors(&n).into_iter().find(|a| {
                                    self.lw.index.entity_type_of(a) == Some(kt.name.as_str())
                                }) {
                                    Some(a) => a,
                                    None => return Some(None),
                                }
                            }
                            _ => n,
                        },
                        None => return Some(None),
                    },
                    _ => return Some(None),
                },
            };
        Some(tl.value_at(&key, day).and_then(|v| {
            if crate::values::mentions_key(v) {
                crate::values::with_key(v, &key, self.lw.index)
            } else {
                Some(v.clone())
            }
        }))
    }

    /// Does every value `e` reads (through named conditions too) have a value on the day?
    fn reads_defined(&self, e: &Expr, env: &Env<'_>, depth: usize) -> bool {
        let mut ok = true;
        e.walk(&mut |x| {
            if !ok {
                return;
            }
            if let Some(found) = self.read(x, env) {
                ok = found.is_some();
                return;
            }
            if let ExprKind::Name(n) = &x.kind {
                if env.vals.iter().any(|(p, _)| *p == n.name) {
                    return;
                }
                if let Some((_, w)) = self.lw.condition_expr(&n.name) {
                    ok = depth < 64 && self.reads_defined(w, env, depth + 1);
                }
            }
        });
        ok
    }

    fn truth(&self, e: &Expr, env: &Env<'_>, day: i64) -> bool {
        match &e.kind {
            ExprKind::Paren(inner) => self.truth(inner, env, day),
            ExprKind::Not(inner) => !self.truth(inner, env, day),
            ExprKind::Binary(BinOp::And, a, b) => {
                self.truth(a, env, day) && self.truth(b, env, day)
            }
            ExprKind::Binary(BinOp::Or, a, b) => self.truth(a, env, day) || self.truth(b, env, day),
            ExprKind::Binary(op @ (BinOp::In | BinOp::NotIn), a, b) => {
                let Some(V::Val(x)) = self.eval(a, env, None) else {
                    return false;
                };
                if x == Value::Absent {
                    return *op == BinOp::NotIn;
                }
                let inside = self.member(&x, b, env, day);
                if *op == BinOp::In {
                    inside
                } else {
                    !inside
                }
            }
            ExprKind::Binary(op, a, b) if op.is_comparison() => {
                let x = self.eval(a, env, None);
                let hint = match &x {
                    Some(V::Val(v)) => Some(v.clone()),
                    _ => None,
                };
                let y = self.eval(b, env, hint.as_ref());
                let x = match (&x, &y) {
                    (None, Some(V::Val(yv))) => self.eval(a, env, Some(yv)),
                    _ => x,
                };
                let (Some(V::Val(x)), Some(V::Val(y))) = (x, y) else {
                    return false;
                };
                if x == Value::Absent || y == Value::Absent {
                    return false;
                }
                match op {
                    BinOp::Eq => x == y,
                    BinOp::Ne => x != y,
                    _ => match (x.as_number(), y.as_number()) {
                        (Some(x), Some(y)) => match op {
                            BinOp::Lt => x < y,
                            BinOp::Le => x <= y,
                            BinOp::Gt => x > y,
                            _ => x >= y,
                        },
                        _ => false,
                    },
                }
            }
            ExprKind::Name(n) if self.lw.condition_expr(&n.name).is_some() => self
                .lw
                .condition_expr(&n.name)
                .is_some_and(|(_, w)| self.truth(w, env, day)),
            _ => matches!(self.eval(e, env, None), Some(V::Val(Value::Bool(true)))),
        }
    }

    fn member(&self, x: &Value, container: &Expr, env: &Env<'_>, day: i64) -> bool {
        if let ExprKind::Range(lo, hi) = &container.kind {
            let (Some(V::Val(lo)), Some(V::Val(hi))) =
                (self.eval(lo, env, None), self.eval(hi, env, None))
            else {
                return false;
            };
            return match (x.as_number(), lo.as_number(), hi.as_number()) {
                (Some(v), Some(l), Some(h)) => l <= v && v <= h,
                _ => false,
            };
        }
        let Some(name) = self.name_of(x) else {
            return false;
        };
        let mut chain = vec![name.clone()];
        if matches!(x, Value::Entity(..)) {
            chain.extend(self.lw.index.entity_ancestors(&name));
        }
        match self.eval(container, env, None) {
            Some(V::Set(set)) => {
                let Some(date) = days_to_date(day) else {
                    return false;
                };
                chain.iter().any(|c| self.name_in(&set, date, c))
            }
            Some(V::Val(target @ Value::Entity(..))) => self
                .name_of(&target)
                .is_some_and(|target| chain.contains(&target)),
            Some(V::Names(names)) => chain.iter().any(|c| names.contains(c)),
            _ => false,
        }
    }

    /// Whether `name` is a member of `set` on `date`. A set made by a formula is evaluated
    /// from its formula here, not from the timeline the compiler derives for it, so that the
    /// differential test checks that derivation too.
    fn name_in(&self, set: &str, date: jiff::civil::Date, name: &str) -> bool {
        use crate::decls::{DeclKind, Formula};
        use edict_grammar::SetOp;
        fn eval(i: &Interpreter, f: &Formula, date: jiff::civil::Date, name: &str) -> bool {
            match f {
                Formula::Set(s) => i.name_in(s, date, name),
                Formula::Op(op, a, b) => {
                    let (a, b) = (eval(i, a, date, name), eval(i, b, date, name));
                    match op {
                        SetOp::Union => a || b,
                        SetOp::Intersect => a && b,
                        SetOp::Except => a && !b,
                    }
                }
            }
        }
        match self.lw.index.kind(set) {
            Some(DeclKind::Set {
                formula: Some(f),
                from,
                until,
                ..
            }) => {
                from.is_none_or(|f| f <= date)
                    && until.is_none_or(|u| date < u)
                    && eval(self, f, date, name)
            }
            _ => self
                .lw
                .timelines
                .sets
                .get(set)
                .and_then(|t| t.members_at(date))
                .is_some_and(|m| m.contains(name)),
        }
    }

    fn name_of(&self, v: &Value) -> Option<String> {
        let cat = &self.artifact.catalogue;
        match v {
            Value::Entity(t, e) => cat
                .entity_types
                .get(*t as usize)?
                .entities
                .get(*e as usize)
                .map(|e| e.name.clone()),
            Value::Enum(t, e) => cat
                .enums
                .get(*t as usize)?
                .variants
                .get(*e as usize)
                .cloned(),
            _ => None,
        }
    }

    fn eval(&self, e: &Expr, env: &Env<'_>, hint: Option<&Value>) -> Option<V> {
        match &e.kind {
            ExprKind::Paren(inner) => self.eval(inner, env, hint),
            ExprKind::Index(..) => {
                let value = self.read(e, env)??;
                self.eval(&value, env, hint)
            }
            ExprKind::List(items) => Some(V::Names(
                items
                    .iter()
                    .filter_map(|i| match &i.kind {
                        ExprKind::Name(n) => Some(n.name.clone()),
                        ExprKind::Field(_, v) => Some(v.name.clone()),
                        _ => None,
                    })
                    .collect(),
            )),
            ExprKind::Name(n) => {
                if let Some((_, v)) = env.vals.iter().find(|(p, _)| *p == n.name) {
                    return Some(V::Val((*v).clone()));
                }
                if let Some(found) = self.read(e, env) {
                    let value = found?;
                    return self.eval(&value, env, hint);
                }
                if self.lw.timelines.sets.contains_key(&n.name) {
                    return Some(V::Set(n.name.clone()));
                }
                if let Some(&(t, i)) = self.lw.names.entities.get(&n.name) {
                    return Some(V::Val(Value::Entity(t, i)));
                }
                // An enum value: the enum of the other operand, else the only enum that has it.
                let enum_ix = match hint {
                    Some(Value::Enum(e, _)) => Some(*e),
                    _ => {
                        let owners = self.lw.index.variants.get(&n.name)?;
                        (owners.len() == 1)
                            .then(|| self.lw.names.enum_ix.get(&owners[0]).copied())
                            .flatten()
                    }
                }?;
                let en = self.artifact.catalogue.enums.get(enum_ix as usize)?;
                let v = en.variants.iter().position(|x| *x == n.name)?;
                Some(V::Val(Value::Enum(enum_ix, v as u32)))
            }
            ExprKind::Field(base, f) => {
                if let ExprKind::Name(b) = &base.kind {
                    if let Some(&ei) = self.lw.names.enum_ix.get(&b.name) {
                        let en = self.artifact.catalogue.enums.get(ei as usize)?;
                        let v = en.variants.iter().position(|x| *x == f.name)?;
                        return Some(V::Val(Value::Enum(ei, v as u32)));
                    }
                }
                let V::Val(bv) = self.eval(base, env, None)? else {
                    return None;
                };
                Some(V::Val(match bv {
                    Value::Absent => Value::Absent,
                    Value::Record(fields) => {
                        let ty = self.record_type_of(base, env)?;
                        let i = self.lw.fields(&ty).iter().position(|(n, _)| *n == f.name)?;
                        fields.get(i)?.clone()
                    }
                    Value::Entity(t, e) => {
                        let et = self.artifact.catalogue.entity_types.get(t as usize)?;
                        match et.attributes.iter().position(|(n, _)| *n == f.name) {
                            Some(i) => et.entities.get(e as usize)?.attributes.get(i)?.clone(),
                            // `port.city`: the ancestor of that type, by name through the
                            // workspace's declarations (the tables read the catalogue).
                            None => {
                                let name = self.name_of(&Value::Entity(t, e))?;
                                let (ty, _) = self.lw.index.ancestor_accessor(&et.name, &f.name)?;
                                match self
                                    .lw
                                    .index
                                    .entity_ancestors(&name)
                                    .into_iter()
                                    .find(|a| self.lw.index.entity_type_of(a) == Some(ty.as_str()))
                                {
                                    Some(a) => {
                                        let &(at, ai) = self.lw.names.entities.get(&a)?;
                                        Value::Entity(at, ai)
                                    }
                                    None => Value::Absent,
                                }
                            }
                        }
                    }
                    _ => return None,
                }))
            }
            ExprKind::Binary(op @ (BinOp::Add | BinOp::Sub), a, b) => {
                let (V::Val(x), V::Val(y)) = (self.eval(a, env, None)?, self.eval(b, env, None)?)
                else {
                    return None;
                };
                if x == Value::Absent || y == Value::Absent {
                    return Some(V::Val(Value::Absent));
                }
                let (xn, yn) = (x.as_number()?, y.as_number()?);
                let n = if *op == BinOp::Add {
                    xn.checked_add(yn)?
                } else {
                    xn.checked_sub(yn)?
                };
                Some(V::Val(match (x, y) {
                    (Value::DateTime(_), Value::DateTime(_)) => Value::Duration(n),
                    (Value::Date(_), Value::Date(_)) => Value::Duration(n * 86_400),
                    (Value::DateTime(_), _) | (_, Value::DateTime(_)) => Value::DateTime(n),
                    (Value::Int(_), _) => Value::Int(n),
                    (Value::Period(_), _) => Value::Period(n),
                    _ => Value::Duration(n),
                }))
            }
            _ => self.lw.constant(e, &crate::types::Ty::Error).map(V::Val),
        }
    }

    /// The record type of an input path, by walking parameter and field types.
    fn record_type_of(&self, e: &Expr, env: &Env<'_>) -> Option<String> {
        let d = env.decision;
        let mut ty = match &e.kind {
            ExprKind::Name(n) => self
                .lw
                .resolve_ty(&d.params.iter().find(|p| p.name.name == n.name)?.ty),
            ExprKind::Field(base, f) => {
                let owner = self.record_type_of(base, env)?;
                self.lw
                    .fields(&owner)
                    .iter()
                    .find(|(n, _)| *n == f.name)?
                    .1
                    .clone()
            }
            ExprKind::Paren(inner) => return self.record_type_of(inner, env),
            _ => return None,
        };
        if let crate::types::Ty::Optional(inner) = ty {
            ty = *inner;
        }
        match ty {
            crate::types::Ty::Record(n) | crate::types::Ty::Entity(n) => Some(n),
            _ => None,
        }
    }
}
