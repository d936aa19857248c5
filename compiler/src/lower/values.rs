//! Lowering the rules that read dated values and relations: one version of the rule per
//! period and value, each compiled like a rule of its own.
//!
//! A rule that reads `transit_stay_limit` becomes one version per value of it (`72h` until
//! 2016-01-30, `144h` until 2024-12-17, `240h` since), each with the value written in place of
//! the name and the period narrowed to the value's: the table's time slices then carry the
//! value, at no cost per request. A rule that reads `stay_limit[t.arrival_port]` becomes, in
//! each period between the relation's dates, one version per entry in force, restricted to the
//! keys of that entry (`t.arrival_port` one of them), plus one for the `otherwise` value
//! restricted to the other keys. The versions of a rule never overlap. A day or a key with no
//! value has no version: the rule does not apply there.

use std::collections::BTreeMap;

use edict_grammar::{Expr, ExprKind, Ident, RuleDecl};
use edict_runtime::artifact::{Binding, Test};
use edict_runtime::value::{date_to_days, Value};
use jiff::civil::Date;

use super::{LowerError, Lowerer};
use crate::db::SourceFile;
use crate::decls::DeclKind;
use crate::types::Ty;
use crate::values::{Era, ValueTimeline};

/// The most versions one rule may compile into.
pub const MAX_VERSIONS_PER_RULE: usize = 1024;

/// The most named conditions inlined one inside another (a cycle is a checker error).
const MAX_INLINE_DEPTH: usize = 64;

/// One version of a rule: its period, its conditions and outcome with every value read
/// replaced by the value, and the key tests that select the relation entries it read.
pub(super) struct Version {
    pub from: Option<i64>,
    pub until: Option<i64>,
    pub when: Option<Expr>,
    pub then: Option<Expr>,
    /// `(key expression, test on it, text for explanations, the read it selects for)`.
    pub keys: Vec<(Expr, Test, String, String)>,
    pub bindings: Vec<Binding>,
}

/// A place where a rule reads a value: the name, and for a relation the key as written.
struct Read {
    name: String,
    key: Option<Expr>,
    text: String,
}

/// One way a read resolves: on a period, to a value, for some keys.
#[derive(Clone)]
struct Case {
    from: Option<i64>,
    until: Option<i64>,
    value: Expr,
    key_test: Option<Test>,
    binding: Binding,
}

impl Lowerer<'_> {
    /// The versions of a rule: one for a rule that reads no value.
    pub(super) fn versions(
        &self,
        file: SourceFile,
        r: &RuleDecl,
        params: &[(String, Ty)],
        from: Option<i64>,
        until: Option<i64>,
    ) -> Result<Vec<Version>, LowerError> {
        let mut reads: Vec<Read> = Vec::new();
        let mut depth_error = false;
        for e in r.when.iter().chain(&r.then) {
            self.collect_reads(e, params, &mut reads, 0, &mut depth_error);
        }
        if depth_error {
            return Err(self.err(file, r.name.span, "named conditions nested too deep"));
        }
        let plain = Version {
            from,
            until,
            when: r.when.clone(),
            then: r.then.clone(),
            keys: Vec::new(),
            bindings: Vec::new(),
        };
        if reads.is_empty() {
            return Ok(vec![plain]);
        }
        // Every combination of the reads' cases, on the periods they share.
        let mut combos: Vec<(Option<i64>, Option<i64>, Vec<usize>)> =
            vec![(from, until, Vec::new())];
        let cases: Vec<Vec<Case>> = reads.iter().map(|read| self.cases(read, params)).collect();
        for (ri, read_cases) in cases.iter().enumerate() {
            let mut next = Vec::new();
            for (f, u, chosen) in &combos {
                for (ci, c) in read_cases.iter().enumerate() {
                    let nf = max_from(*f, c.from);
                    let nu = min_until(*u, c.until);
                    if nf.zip(nu).is_some_and(|(a, b)| a >= b) {
                        continue;
                    }
                    // Two relations read with the same key: only entries whose keys agree
                    // make a version (`provinces[p]` of one port, `cities[p]` of another never
                    // hold together).
                    let mut tests: Vec<&Option<Test>> = chosen
                        .iter()
                        .enumerate()
                        .filter(|(rj, _)| same_key(&reads[*rj], &reads[ri]))
                        .map(|(rj, &cj)| &cases[rj][cj].key_test)
                        .collect();
                    tests.push(&c.key_test);
                    let disagrees = !keys_agree(&tests);
                    if disagrees {
                        continue;
                    }
                    let mut ch = chosen.clone();
                    ch.push(ci);
                    next.push((nf, nu, ch));
                }
            }
            if next.len() > MAX_VERSIONS_PER_RULE {
                return Err(self.err(
                    file,
                    r.name.span,
                    format!("the values this rule reads change too often: more than {MAX_VERSIONS_PER_RULE} versions"),
                ));
            }
            combos = next;
        }
        let mut out = Vec::with_capacity(combos.len());
        for (f, u, chosen) in combos {
            let mut env: BTreeMap<String, Expr> = BTreeMap::new();
            let mut keys = Vec::new();
            let mut bindings = Vec::new();
            for ((read, read_cases), &ci) in reads.iter().zip(&cases).zip(&chosen) {
                let c = &read_cases[ci];
                env.insert(read.text.clone(), c.value.clone());
                if let (Some(k), Some(test)) = (&read.key, &c.key_test) {
                    let text = match &c.binding.keys {
                        Some(ks) => format!("{} in [{}]", k, ks.join(", ")),
                        None => format!("{} has no entry in `{}`", k, read.name),
                    };
                    keys.push((k.clone(), test.clone(), text, read.text.clone()));
                }
                bindings.push(c.binding.clone());
            }
            out.push(Version {
                from: f,
                until: u,
                when: r.when.as_ref().map(|w| self.rewrite(w, params, &env, 0)),
                then: r.then.as_ref().map(|t| self.rewrite(t, params, &env, 0)),
                keys,
                bindings,
            });
        }
        Ok(out)
    }

    fn is_param(params: &[(String, Ty)], name: &str) -> bool {
        params.iter().any(|(p, _)| p == name)
    }

    /// The value reads of `e`, through the named conditions it uses, each once.
    fn collect_reads(
        &self,
        e: &Expr,
        params: &[(String, Ty)],
        out: &mut Vec<Read>,
        depth: usize,
        depth_error: &mut bool,
    ) {
        let mut push = |read: Read| {
            if !out.iter().any(|r| r.text == read.text) {
                out.push(read);
            }
        };
        e.walk(&mut |x| match &x.kind {
            ExprKind::Name(n) if !Self::is_param(params, &n.name) => {
                match self.index.kind(&n.name) {
                    Some(DeclKind::Value { key: None, .. }) => push(Read {
                        name: n.name.clone(),
                        key: None,
                        text: n.name.clone(),
                    }),
                    Some(DeclKind::Condition { .. }) => {
                        if depth >= MAX_INLINE_DEPTH {
                            *depth_error = true;
                        } else if let Some((_, w)) = self.condition_expr(&n.name) {
                            let mut inner = Vec::new();
                            self.collect_reads(w, params, &mut inner, depth + 1, depth_error);
                            for r in inner {
                                push(r);
                            }
                        }
                    }
                    _ => {}
                }
            }
            ExprKind::Index(base, key) => {
                if let ExprKind::Name(n) = &base.kind {
                    if matches!(
                        self.index.kind(&n.name),
                        Some(DeclKind::Value { key: Some(_), .. })
                    ) {
                        push(Read {
                            name: n.name.clone(),
                            key: Some(key.as_ref().clone()),
                            text: read_text(&n.name, key),
                        });
                    }
                }
            }
            _ => {}
        });
    }

    /// `e` with each value read replaced by its value in `env`, and each named condition by
    /// its condition (in brackets), so that the table builder sees only inputs and constants.
    fn rewrite(
        &self,
        e: &Expr,
        params: &[(String, Ty)],
        env: &BTreeMap<String, Expr>,
        depth: usize,
    ) -> Expr {
        let kind = match &e.kind {
            ExprKind::Name(n) if !Self::is_param(params, &n.name) => {
                if let Some(v) = env.get(&n.name) {
                    return Expr {
                        kind: v.kind.clone(),
                        span: e.span,
                    };
                }
                match self.condition_expr(&n.name) {
                    Some((_, w)) if depth < MAX_INLINE_DEPTH => {
                        ExprKind::Paren(Box::new(self.rewrite(w, params, env, depth + 1)))
                    }
                    _ => e.kind.clone(),
                }
            }
            ExprKind::Index(base, key) => match &base.kind {
                ExprKind::Name(n) => match env.get(&read_text(&n.name, key)) {
                    Some(v) => {
                        return Expr {
                            kind: v.kind.clone(),
                            span: e.span,
                        }
                    }
                    None => e.kind.clone(),
                },
                _ => e.kind.clone(),
            },
            ExprKind::Field(base, f) => {
                ExprKind::Field(Box::new(self.rewrite(base, params, env, depth)), f.clone())
            }
            ExprKind::Binary(op, a, b) => ExprKind::Binary(
                *op,
                Box::new(self.rewrite(a, params, env, depth)),
                Box::new(self.rewrite(b, params, env, depth)),
            ),
            ExprKind::Range(a, b) => ExprKind::Range(
                Box::new(self.rewrite(a, params, env, depth)),
                Box::new(self.rewrite(b, params, env, depth)),
            ),
            ExprKind::Not(a) => ExprKind::Not(Box::new(self.rewrite(a, params, env, depth))),
            ExprKind::Paren(a) => ExprKind::Paren(Box::new(self.rewrite(a, params, env, depth))),
            ExprKind::Record(fields) => ExprKind::Record(
                fields
                    .iter()
                    .map(|f| edict_grammar::FieldInit {
                        name: f.name.clone(),
                        value: self.rewrite(&f.value, params, env, depth),
                    })
                    .collect(),
            ),
            ExprKind::List(items) => ExprKind::List(
                items
                    .iter()
                    .map(|i| self.rewrite(i, params, env, depth))
                    .collect(),
            ),
            other => other.clone(),
        };
        Expr { kind, span: e.span }
    }

    /// How a read resolves over time: for a dated value, one case per value; for a relation,
    /// in each period between its dates, one case per entry in force and one for `otherwise`.
    fn cases(&self, read: &Read, params: &[(String, Ty)]) -> Vec<Case> {
        let Some(tl) = self.values.values.get(&read.name) else {
            return Vec::new();
        };
        // The key when it is written as a constant (`stay_limit[hengqin]`).
        let constant_key = read.key.as_ref().and_then(|k| match &k.kind {
            ExprKind::Name(n) => Some(n.name.clone()),
            ExprKind::Field(_, v) => Some(v.name.clone()),
            _ => None,
        });
        let key_is_input = read.key.as_ref().is_some_and(|k| is_input(k, params));
        // A key of a type inside the relation's key type (a port, for a relation keyed by
        // province) reads the entry of its ancestor of that type: each key of the relation
        // stands for the entries of the input's type inside it.
        let through = match (&read.key, &tl.key) {
            (Some(k), Some(key_ty)) if key_is_input => self
                .input_entity_type(k, params)
                .filter(|t| *t != key_ty.name)
                .map(|t| self.entries_by_ancestor(&t, &key_ty.name)),
            _ => None,
        };
        // A constant key inside the key type (`stay_limit[hengqin]`, keyed by province).
        let constant_key = match (constant_key, &tl.key) {
            (Some(k), Some(key_ty)) => Some(self.key_of_type(&k, &key_ty.name).unwrap_or(k)),
            (k, _) => k,
        };
        let mut out = Vec::new();
        for (start, end) in periods(&tl.dates()) {
            let day = start.or_else(|| end.and_then(|e| e.yesterday().ok()));
            let Some(day) = day.or_else(|| Date::new(2000, 1, 1).ok()) else {
                continue;
            };
            let (from, until) = (start.map(date_to_days), end.map(date_to_days));
            if read.key.is_none() || !key_is_input {
                let key = if read.key.is_none() {
                    String::new()
                } else {
                    constant_key.clone().unwrap_or_default()
                };
                if let Some(case) = self.single_case(read, tl, &key, day, from, until) {
                    out.push(case);
                }
                continue;
            }
            // Keys grouped by the entry in force on that day.
            let mut groups: Vec<(&Era, Vec<String>)> = Vec::new();
            for (k, eras) in &tl.keys {
                let Some(era) = eras.iter().find(|e| e.holds_on(day)) else {
                    continue;
                };
                match groups.iter_mut().find(|(g, _)| *g == era) {
                    Some((_, ks)) => ks.push(k.clone()),
                    None => groups.push((era, vec![k.clone()])),
                }
            }
            let ids_of = |keys: &[String]| -> Vec<u32> {
                match &through {
                    Some(inside) => keys
                        .iter()
                        .flat_map(|k| inside.get(k).into_iter().flatten().copied())
                        .collect(),
                    None => keys.iter().filter_map(|k| self.key_id(tl, k)).collect(),
                }
            };
            // The case of a value for these keys only.
            let for_keys = |value: Expr, keys: &[String], binding: Binding| Case {
                from,
                until,
                value,
                key_test: Some(Test::OneOf {
                    values: sorted(ids_of(keys)),
                    negate: false,
                }),
                binding,
            };
            let mut held: Vec<u32> = Vec::new();
            for (era, keys) in &groups {
                held.extend(ids_of(keys));
                // A value that names its key (`[key.city]`): one case per value it comes to.
                for (value, keys) in self.by_key(&era.value, keys) {
                    let mut binding = self.binding(read, era, Some(keys.clone()));
                    binding.value = value.to_string();
                    out.push(for_keys(value, &keys, binding));
                }
            }
            // `otherwise [key.city]`: the keys the relation holds nothing for, each with its
            // own value, grouped by it.
            if let Some(o) = tl
                .otherwise
                .as_ref()
                .filter(|o| crate::values::mentions_key(o))
            {
                let held_keys: Vec<&String> = groups.iter().flat_map(|(_, ks)| ks).collect();
                let others: Vec<String> = self
                    .keys_of_type(tl, through.as_ref())
                    .into_iter()
                    .filter(|k| !held_keys.contains(&k))
                    .collect();
                for (value, keys) in self.by_key(o, &others) {
                    // The `otherwise` value, with the key written in: no entry of its own.
                    let binding = otherwise_binding(read, &value);
                    out.push(for_keys(value, &keys, binding));
                }
            } else if let Some(o) = &tl.otherwise {
                let key_test = match &through {
                    // The entries with an ancestor of the key type that holds no entry (one
                    // without such an ancestor reads no value, as an absent key).
                    Some(inside) => {
                        let held = sorted(held);
                        Test::OneOf {
                            values: sorted(
                                inside
                                    .values()
                                    .flatten()
                                    .copied()
                                    .filter(|i| held.binary_search(i).is_err())
                                    .collect(),
                            ),
                            negate: false,
                        }
                    }
                    None => Test::OneOf {
                        values: sorted(held),
                        negate: true,
                    },
                };
                out.push(Case {
                    from,
                    until,
                    value: o.clone(),
                    key_test: Some(key_test),
                    binding: otherwise_binding(read, o),
                });
            }
        }
        merge_neighbours(out)
    }

    fn single_case(
        &self,
        read: &Read,
        tl: &ValueTimeline,
        key: &str,
        day: Date,
        from: Option<i64>,
        until: Option<i64>,
    ) -> Option<Case> {
        let keyed = |v: &Expr| {
            if crate::values::mentions_key(v) {
                crate::values::with_key(v, key, self.index)
            } else {
                Some(v.clone())
            }
        };
        match tl.era_at(key, day) {
            Some(era) => {
                let value = keyed(&era.value)?;
                let mut binding =
                    self.binding(read, era, read.key.as_ref().map(|_| vec![key.to_string()]));
                binding.value = value.to_string();
                Some(Case {
                    from,
                    until,
                    value,
                    key_test: None,
                    binding,
                })
            }
            None => {
                let o = tl.otherwise.as_ref()?;
                let value = keyed(o)?;
                Some(Case {
                    from,
                    until,
                    binding: otherwise_binding(read, &value),
                    value,
                    key_test: None,
                })
            }
        }
    }

    /// `value` for each of `keys`, grouped by what it comes to: itself for all when it does not
    /// name its key; else `key` written as each key (a key whose ancestor it names is missing
    /// gets no value).
    fn by_key(&self, value: &Expr, keys: &[String]) -> Vec<(Expr, Vec<String>)> {
        if !crate::values::mentions_key(value) {
            return vec![(value.clone(), keys.to_vec())];
        }
        let mut out: Vec<(Expr, Vec<String>)> = Vec::new();
        for k in keys {
            let Some(v) = crate::values::with_key(value, k, self.index) else {
                continue;
            };
            match out.iter_mut().find(|(x, _)| x.to_string() == v.to_string()) {
                Some((_, ks)) => ks.push(k.clone()),
                None => out.push((v, vec![k.clone()])),
            }
        }
        out
    }

    /// Every key of a relation's key type: the entries of its catalogue, or with `through`
    /// (read with a key inside the key type) the keys some entry lies in.
    fn keys_of_type(
        &self,
        tl: &ValueTimeline,
        through: Option<&BTreeMap<String, Vec<u32>>>,
    ) -> Vec<String> {
        if let Some(inside) = through {
            return inside.keys().cloned().collect();
        }
        let Some(ty) = tl
            .key
            .as_ref()
            .and_then(|k| self.names.entity_type_ix.get(&k.name))
        else {
            return Vec::new();
        };
        let mut out: Vec<(u32, String)> = self
            .names
            .entities
            .iter()
            .filter(|(_, (t, _))| t == ty)
            .map(|(n, (_, i))| (*i, n.clone()))
            .collect();
        out.sort_unstable();
        out.into_iter().map(|(_, n)| n).collect()
    }

    fn binding(&self, read: &Read, era: &Era, keys: Option<Vec<String>>) -> Binding {
        Binding {
            read: read.text.clone(),
            value: era.value.to_string(),
            keys,
            from: era.from.map(date_to_days),
            until: era.until.map(date_to_days),
            citation: self.citation_of(era.cite.as_ref()),
            differs: self.disagreements(era),
        }
    }

    /// The entity type of an input path (`t.arrival_port`), if it is one.
    fn input_entity_type(&self, e: &Expr, params: &[(String, Ty)]) -> Option<String> {
        fn ty_of(lw: &Lowerer<'_>, e: &Expr, params: &[(String, Ty)]) -> Option<Ty> {
            match &e.kind {
                ExprKind::Paren(inner) => ty_of(lw, inner, params),
                ExprKind::Name(n) => params
                    .iter()
                    .find(|(p, _)| *p == n.name)
                    .map(|p| p.1.clone()),
                ExprKind::Field(base, f) => match ty_of(lw, base, params)?.strip_optional() {
                    Ty::Record(r) | Ty::Entity(r) => lw
                        .fields(r)
                        .iter()
                        .find(|(n, _)| *n == f.name)
                        .map(|(_, t)| t.clone()),
                    _ => None,
                },
                _ => None,
            }
        }
        match ty_of(self, e, params)?.strip_optional() {
            Ty::Entity(t) => Some(t.clone()),
            _ => None,
        }
    }

    /// The entries of type `ty`, by their ancestor of type `ancestor` (ports by province).
    fn entries_by_ancestor(&self, ty: &str, ancestor: &str) -> BTreeMap<String, Vec<u32>> {
        let mut out: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        let Some(&ty_ix) = self.names.entity_type_ix.get(ty) else {
            return out;
        };
        for (name, &(t, i)) in &self.names.entities {
            if t != ty_ix {
                continue;
            }
            if let Some(a) = self.key_of_type(name, ancestor) {
                out.entry(a).or_default().push(i);
            }
        }
        for ids in out.values_mut() {
            ids.sort_unstable();
        }
        out
    }

    /// `entry` itself when it is of type `ty`, else its ancestor of that type.
    fn key_of_type(&self, entry: &str, ty: &str) -> Option<String> {
        if self.index.entity_type_of(entry) == Some(ty) {
            return Some(entry.to_string());
        }
        self.index
            .entity_ancestors(entry)
            .into_iter()
            .find(|a| self.index.entity_type_of(a) == Some(ty))
    }

    /// The index of a key in its catalogue or enum.
    fn key_id(&self, tl: &ValueTimeline, key: &str) -> Option<u32> {
        let ty = tl.key.as_ref()?;
        match self.names.entities.get(key) {
            Some((_, i)) => Some(*i),
            None => match self.constant(
                &Expr {
                    kind: ExprKind::Name(Ident {
                        name: key.to_string(),
                        span: Default::default(),
                    }),
                    span: Default::default(),
                },
                &Ty::Enum(ty.name.clone()),
            ) {
                Some(Value::Enum(_, v)) => Some(v),
                _ => None,
            },
        }
    }
}

/// The binding of a relation's `otherwise` value: no keys, no period, no citation of its own.
fn otherwise_binding(read: &Read, value: &Expr) -> Binding {
    Binding {
        read: read.text.clone(),
        value: value.to_string(),
        keys: None,
        from: None,
        until: None,
        citation: None,
        differs: Vec::new(),
    }
}

/// `stay_limit[t.arrival_port]`
fn read_text(name: &str, key: &Expr) -> String {
    format!("{name}[{}]", key)
}

fn sorted(mut v: Vec<u32>) -> Vec<u32> {
    v.sort_unstable();
    v.dedup();
    v
}

/// The periods between consecutive dates: before the first, between each two, after the last.
fn periods(dates: &[Date]) -> Vec<(Option<Date>, Option<Date>)> {
    let mut out = Vec::with_capacity(dates.len() + 1);
    let mut start = None;
    for d in dates {
        out.push((start, Some(*d)));
        start = Some(*d);
    }
    out.push((start, None));
    out
}

/// Joins a case with the next when they differ only in that one ends where the other starts.
fn merge_neighbours(cases: Vec<Case>) -> Vec<Case> {
    let mut out: Vec<Case> = Vec::with_capacity(cases.len());
    for c in cases {
        if let Some(prev) = out.iter_mut().rev().find(|p| {
            p.until == c.from
                && p.value == c.value
                && p.key_test == c.key_test
                && p.binding == c.binding
        }) {
            prev.until = c.until;
            continue;
        }
        out.push(c);
    }
    out
}

fn max_from(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    }
}

fn min_until(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

/// Is `e` an input path (a parameter or a field of one), rather than a constant?
fn is_input(e: &Expr, params: &[(String, Ty)]) -> bool {
    match &e.kind {
        ExprKind::Paren(inner) | ExprKind::Field(inner, _) => is_input(inner, params),
        ExprKind::Name(n) => params.iter().any(|(p, _)| *p == n.name),
        _ => false,
    }
}

/// Whether two reads are keyed by the same expression (`a[t.port]` and `b[t.port]`).
fn same_key(a: &Read, b: &Read) -> bool {
    match (&a.key, &b.key) {
        (Some(x), Some(y)) => x.to_string() == y.to_string(),
        _ => false,
    }
}

/// Whether some key passes every one of these key tests on one column (the entries of
/// several relations read by the same key, in one version): the keys every positive test lists
/// and no negative one excludes. Negative tests alone (the `otherwise` of each) agree.
fn keys_agree(tests: &[&Option<Test>]) -> bool {
    let mut kept: Option<Vec<u32>> = None;
    let mut excluded: Vec<u32> = Vec::new();
    for t in tests {
        match t {
            Some(Test::OneOf {
                values,
                negate: false,
            }) => {
                kept = Some(match kept {
                    None => values.clone(),
                    Some(k) => k.into_iter().filter(|v| values.contains(v)).collect(),
                });
            }
            Some(Test::OneOf {
                values,
                negate: true,
            }) => excluded.extend(values),
            _ => {}
        }
    }
    match kept {
        Some(k) => k.iter().any(|v| !excluded.contains(v)),
        None => true,
    }
}
